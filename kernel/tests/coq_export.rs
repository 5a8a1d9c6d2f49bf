//! Export of checked proofs to Coq, re-checked by `coqc`.
//!
//! Every kernel rule is exported on small accepted proofs and checked by `coqc`;
//! `Print Assumptions` of exported lemmas is compared with the kernel's trust base;
//! wrong proof objects are rejected both by the kernel and, exported naively, by
//! `coqc`. When `coqc` is not installed the Coq half of each test is skipped with a
//! message (CI installs the Debian package `coq`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use warrant_kernel::coq::{self, CoqModule, Exporter, Options, Technique};
use warrant_kernel::*;

// ---------------------------------------------------------------------------
// Running coqc
// ---------------------------------------------------------------------------

fn coqc_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let ok = Command::new("coqc")
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("SKIPPED: coqc is not installed; the Coq half of these tests did not run (apt-get install coq)");
        }
        ok
    })
}

/// A directory with the prelude compiled once for the whole test run.
fn prelude_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("warrant-coq-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Prelude.v"), coq::PRELUDE).unwrap();
        let out = Command::new("coqc")
            .args(["-R", ".", coq::LOGICAL_ROOT, "Prelude.v"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the prelude does not compile:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

/// Runs coqc on a module; `None` when coqc is missing, else (success, output).
fn run_coqc(module: &CoqModule) -> Option<(bool, String)> {
    if !coqc_available() {
        return None;
    }
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = prelude_dir();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let module = CoqModule { name: format!("{}{n}", module.name), ..module.clone() };
    let file = format!("{}.v", module.name);
    std::fs::write(dir.join(&file), module.project_file()).unwrap();
    let out =
        Command::new("coqc").args(["-R", ".", coq::LOGICAL_ROOT, &file]).current_dir(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Some((out.status.success(), text))
}

fn assert_coq_accepts(module: &CoqModule) -> Option<String> {
    let (ok, text) = run_coqc(module)?;
    assert!(ok, "coqc rejects the export:\n{text}\n--- module ---\n{}", numbered(&module.project_file()));
    Some(text)
}

fn numbered(text: &str) -> String {
    text.lines().enumerate().map(|(i, l)| format!("{:4} {l}\n", i + 1)).collect()
}

// ---------------------------------------------------------------------------
// A small signature
// ---------------------------------------------------------------------------

fn model() -> Sort {
    Sort::Named(name("Model"))
}
fn x() -> Term {
    Term::free("x", Sort::Rat)
}
fn y() -> Term {
    Term::free("y", Sort::Rat)
}
fn m(n: &str) -> Term {
    Term::free(n, model())
}
fn big(t: Term) -> Formula {
    Formula::pred("big", vec![t])
}
fn safe(t: Term) -> Formula {
    Formula::pred("safe", vec![t])
}
fn rate(t: Term) -> Term {
    Term::app("attack_rate", vec![t])
}
fn bound(i: u32) -> Term {
    Term::Bound(i)
}

/// Sort `Model`; `attack_rate: Model -> Rat`, `f: Rat -> Rat`, `g: Rat, Model ->
/// Model`, `c: Rat`, `safe(Model)`, `big(Rat)`, `slip` and `pos` defined; axioms
/// `rates` and `step`; the theorem `rates_nonneg`.
fn signature() -> (Signature, Vec<(Name, Context, Proof)>) {
    let mut sig = Signature::new();
    let decls = vec![
        Declaration::Sort { name: name("Model") },
        Declaration::Function { name: name("attack_rate"), params: vec![model()], result: Sort::Rat },
        Declaration::Function { name: name("f"), params: vec![Sort::Rat], result: Sort::Rat },
        Declaration::Function { name: name("g"), params: vec![Sort::Rat, model()], result: model() },
        Declaration::Function { name: name("c"), params: vec![], result: Sort::Rat },
        Declaration::Predicate { name: name("safe"), params: vec![model()] },
        Declaration::Predicate { name: name("big"), params: vec![Sort::Rat] },
        Declaration::DefineFunction {
            name: name("std.slip"),
            params: vec![(name("m"), model()), (name("r"), Sort::Rat)],
            result: Sort::Rat,
            body: Term::mul(rate(m("m")), Term::sub(Term::int(1), Term::free("r", Sort::Rat))),
        },
        Declaration::DefinePredicate {
            name: name("pos"),
            params: vec![(name("r"), Sort::Rat)],
            body: Formula::lt(Term::int(0), Term::free("r", Sort::Rat)),
        },
        Declaration::Axiom {
            name: name("rates"),
            statement: Formula::forall(
                "m",
                model(),
                &Formula::and(
                    Formula::le(Term::int(0), rate(m("m"))),
                    Formula::le(rate(m("m")), Term::int(1)),
                ),
            ),
        },
        Declaration::Axiom {
            name: name("step"),
            statement: Formula::forall(
                "x",
                Sort::Rat,
                &Formula::implies(big(x()), big(Term::add(x(), Term::int(1)))),
            ),
        },
    ];
    for d in decls {
        sig.declare(d).unwrap();
    }
    // rates_nonneg: forall m. 0 <= attack_rate(m)
    let ctx = Context::default();
    let proof = Proof {
        steps: vec![
            Step::Axiom { name: name("rates"), args: vec![m("m")] },
            Step::AndLeft { from: 0 },
            Step::ForallIntro { variable: name("m"), sort: model(), from: 1 },
        ],
    };
    let thm = check(&sig, &ctx, &proof).unwrap();
    sig.add_theorem(name("rates_nonneg"), &thm).unwrap();
    (sig, vec![(name("rates_nonneg"), ctx, proof)])
}

fn exporter<'a>(sig: &'a Signature, proofs: &[(Name, Context, Proof)]) -> Exporter<'a> {
    let mut ex = Exporter::new(sig);
    for (n, c, p) in proofs {
        ex.theorem_proof(n.clone(), c.clone(), p.clone());
    }
    ex
}

fn ctx(vars: &[(&str, Sort)], hyps: &[(&str, Formula)]) -> Context {
    Context {
        variables: vars.iter().map(|(n, s)| (name(n), s.clone())).collect(),
        hypotheses: hyps.iter().map(|(n, f)| (name(n), f.clone())).collect(),
    }
}

/// A checked guarantee: the proof's conclusion as the kernel computes it.
fn guarantee(sig: &Signature, c: &Context, g: &str, steps: Vec<Step>) -> (Name, Proof, Formula) {
    let proof = Proof { steps };
    let thm =
        check(sig, c, &proof).unwrap_or_else(|e| panic!("the kernel rejects the test proof `{g}`: {e}"));
    (name(g), proof, thm.conclusion().clone())
}

/// One technique per rule group; all in one module, checked by one coqc run.
fn rule_techniques(sig: &Signature) -> Vec<Technique> {
    let mut out = Vec::new();
    let rx = || ("x", Sort::Rat);
    let ry = || ("y", Sort::Rat);
    let mut add = |tname: &str, c: Context, gs: Vec<(&str, Vec<Step>)>| {
        let guarantees = gs.into_iter().map(|(g, steps)| guarantee(sig, &c, g, steps)).collect();
        out.push(Technique { name: name(tname), context: c, guarantees });
    };

    // hypothesis, assume, imp-intro, imp-elim
    add(
        "implication",
        ctx(&[rx(), ry()], &[("h", big(x())), ("hxy", Formula::implies(big(x()), big(y())))]),
        vec![
            ("hyp", vec![Step::Hypothesis { name: name("h") }]),
            (
                "self",
                vec![Step::Assume { formula: big(x()) }, Step::ImpIntro { assumption: big(x()), from: 0 }],
            ),
            (
                "mp",
                vec![
                    Step::Hypothesis { name: name("hxy") },
                    Step::Hypothesis { name: name("h") },
                    Step::ImpElim { implication: 0, argument: 1 },
                ],
            ),
        ],
    );
    // axiom, theorem, unfold (function and predicate), true-intro
    add(
        "facts",
        ctx(&[("m", model()), rx()], &[]),
        vec![
            ("axiom", vec![Step::Axiom { name: name("rates"), args: vec![m("m")] }]),
            ("theorem", vec![Step::Theorem { name: name("rates_nonneg"), args: vec![m("m")] }]),
            ("theorem_whole", vec![Step::Theorem { name: name("rates_nonneg"), args: vec![] }]),
            ("unfold_fn", vec![Step::Unfold { name: name("std.slip"), args: vec![m("m"), x()] }]),
            ("unfold_partial", vec![Step::Unfold { name: name("std.slip"), args: vec![m("m")] }]),
            ("unfold_pred", vec![Step::Unfold { name: name("pos"), args: vec![x()] }]),
            ("truth", vec![Step::TrueIntro]),
        ],
    );
    // false-elim, and, or, not, iff
    add(
        "connectives",
        ctx(&[rx(), ry()], &[("h", big(x())), ("hy", big(y())), ("hor", Formula::or(big(x()), big(y())))]),
        vec![
            (
                "explosion",
                vec![
                    Step::Assume { formula: Formula::False },
                    Step::FalseElim { from: 0, goal: big(y()) },
                    Step::ImpIntro { assumption: Formula::False, from: 1 },
                ],
            ),
            (
                "and",
                vec![
                    Step::Hypothesis { name: name("h") },
                    Step::Hypothesis { name: name("hy") },
                    Step::AndIntro { left: 0, right: 1 },
                    Step::AndRight { from: 2 },
                    Step::AndLeft { from: 2 },
                    Step::AndIntro { left: 3, right: 4 },
                ],
            ),
            (
                "or_swap",
                vec![
                    Step::Hypothesis { name: name("hor") },
                    Step::Assume { formula: big(x()) },
                    Step::OrRight { left: big(y()), from: 1 },
                    Step::Assume { formula: big(y()) },
                    Step::OrLeft { from: 3, right: big(x()) },
                    Step::OrElim { from: 0, left: 2, right: 4 },
                ],
            ),
            (
                "double_negation",
                vec![
                    Step::Hypothesis { name: name("h") },
                    Step::Assume { formula: Formula::not(big(x())) },
                    Step::NotElim { negation: 1, argument: 0 },
                    Step::NotIntro { assumption: Formula::not(big(x())), from: 2 },
                ],
            ),
            (
                "iff",
                vec![
                    Step::Assume { formula: big(x()) },
                    Step::ImpIntro { assumption: big(x()), from: 0 },
                    Step::IffIntro { forward: 1, backward: 1 },
                    Step::IffForward { from: 2 },
                    Step::IffBackward { from: 2 },
                    Step::AndIntro { left: 3, right: 4 },
                ],
            ),
        ],
    );
    // excluded middle (classical)
    add("classical", ctx(&[rx()], &[]), vec![("lem", vec![Step::ExcludedMiddle { formula: big(x()) }])]);
    // quantifiers
    let all_safe = Formula::forall("m", model(), &safe(m("m")));
    add(
        "quantifiers",
        ctx(&[rx()], &[("hex", Formula::exists("z", Sort::Rat, &big(Term::free("z", Sort::Rat))))]),
        vec![
            (
                "forall",
                vec![
                    Step::Assume { formula: big(y()) },
                    Step::ImpIntro { assumption: big(y()), from: 0 },
                    Step::ForallIntro { variable: name("y"), sort: Sort::Rat, from: 1 },
                    Step::ForallElim { from: 2, term: Term::add(x(), Term::constant("c")) },
                ],
            ),
            (
                // The witness `m` is out of scope: Coq uses the sort's inhabitant.
                "nonempty",
                vec![
                    Step::Assume { formula: all_safe.clone() },
                    Step::ForallElim { from: 0, term: m("m") },
                    Step::ExistsIntro {
                        hint: Hint(name("w")),
                        sort: model(),
                        body: safe(bound(0)),
                        witness: m("m"),
                        from: 1,
                    },
                    Step::ImpIntro { assumption: all_safe, from: 2 },
                ],
            ),
            (
                "exists",
                vec![
                    Step::Hypothesis { name: name("hex") },
                    Step::Assume { formula: big(y()) },
                    Step::Axiom { name: name("step"), args: vec![y()] },
                    Step::ImpElim { implication: 2, argument: 1 },
                    Step::ExistsIntro {
                        hint: Hint(name("z")),
                        sort: Sort::Rat,
                        body: big(bound(0)),
                        witness: Term::add(y(), Term::int(1)),
                        from: 3,
                    },
                    Step::ExistsElim { from: 0, variable: name("y"), body: 4 },
                ],
            ),
        ],
    );
    // equality at Rat and at Model: refl, symm, trans
    add(
        "equality",
        ctx(
            &[rx(), ry(), ("m1", model()), ("m2", model()), ("m3", model())],
            &[
                ("exy", Formula::eq(x(), y())),
                ("eyc", Formula::eq(y(), Term::constant("c"))),
                ("e12", Formula::eq(m("m1"), m("m2"))),
                ("e23", Formula::eq(m("m2"), m("m3"))),
            ],
        ),
        vec![
            ("refl_rat", vec![Step::Refl { term: x() }]),
            ("refl_model", vec![Step::Refl { term: m("m1") }]),
            (
                "chain_rat",
                vec![
                    Step::Hypothesis { name: name("exy") },
                    Step::Hypothesis { name: name("eyc") },
                    Step::Trans { left: 0, right: 1 },
                    Step::Symm { from: 2 },
                ],
            ),
            (
                "chain_model",
                vec![
                    Step::Hypothesis { name: name("e12") },
                    Step::Hypothesis { name: name("e23") },
                    Step::Trans { left: 0, right: 1 },
                    Step::Symm { from: 2 },
                ],
            ),
        ],
    );
    // congruence and substitution, four combinations of hole and result sorts
    let slip = |mm: Term, r: Term| Term::app("std.slip", vec![mm, r]);
    let motive_rat = Formula::Forall(
        Hint(name("m")),
        model(),
        Arc::new(Formula::and(
            Formula::and(big(bound(1)), Formula::pred("pos", vec![bound(1)])),
            Formula::not(Formula::le(slip(bound(0), bound(1)), Term::pow(bound(1), 2))),
        )),
    );
    let before = open_formula(&motive_rat, &x());
    add(
        "congruence",
        ctx(
            &[rx(), ry(), ("m1", model()), ("m2", model())],
            &[
                ("exy", Formula::eq(x(), y())),
                ("e12", Formula::eq(m("m1"), m("m2"))),
                ("before", before),
                ("s1", safe(m("m1"))),
            ],
        ),
        vec![
            (
                "rat_rat",
                vec![
                    Step::Hypothesis { name: name("exy") },
                    Step::Congruence {
                        hole: Sort::Rat,
                        context: Term::add(
                            Term::app("f", vec![bound(0)]),
                            Term::mul(
                                Term::div(bound(0), Rat::frac(-2, 3).unwrap()),
                                Term::neg(slip(m("m1"), bound(0))),
                            ),
                        ),
                        from: 0,
                    },
                ],
            ),
            (
                "rat_model",
                vec![
                    Step::Hypothesis { name: name("exy") },
                    Step::Congruence {
                        hole: Sort::Rat,
                        context: Term::app("g", vec![bound(0), m("m1")]),
                        from: 0,
                    },
                ],
            ),
            (
                "model_rat",
                vec![
                    Step::Hypothesis { name: name("e12") },
                    Step::Congruence { hole: model(), context: Term::sub(rate(bound(0)), x()), from: 0 },
                ],
            ),
            (
                "model_model",
                vec![
                    Step::Hypothesis { name: name("e12") },
                    Step::Congruence { hole: model(), context: Term::app("g", vec![x(), bound(0)]), from: 0 },
                ],
            ),
            (
                "no_hole",
                vec![
                    Step::Hypothesis { name: name("exy") },
                    Step::Congruence { hole: Sort::Rat, context: Term::constant("c"), from: 0 },
                ],
            ),
            (
                "subst_rat",
                vec![
                    Step::Hypothesis { name: name("exy") },
                    Step::Hypothesis { name: name("before") },
                    Step::Substitute { hole: Sort::Rat, motive: motive_rat.clone(), equation: 0, from: 1 },
                ],
            ),
            (
                "subst_model",
                vec![
                    Step::Hypothesis { name: name("e12") },
                    Step::Hypothesis { name: name("s1") },
                    Step::OrLeft {
                        from: 1,
                        right: Formula::forall("m", model(), &Formula::eq(m("m"), m("m1"))),
                    },
                    Step::Substitute {
                        hole: model(),
                        motive: Formula::or(
                            safe(bound(0)),
                            Formula::Forall(
                                Hint(name("m")),
                                model(),
                                Arc::new(Formula::eq(bound(0), bound(1))),
                            ),
                        ),
                        equation: 0,
                        from: 2,
                    },
                ],
            ),
        ],
    );
    // ring, le-total, le-antisymm
    add(
        "order",
        ctx(&[rx(), ry()], &[("le", Formula::le(x(), y())), ("ge", Formula::le(y(), x()))]),
        vec![
            (
                "ring",
                vec![Step::Ring {
                    lhs: Term::pow(Term::add(x(), Term::int(1)), 2),
                    rhs: Term::add(Term::add(Term::pow(x(), 2), Term::mul(Term::int(2), x())), Term::int(1)),
                }],
            ),
            (
                "ring_div_atoms",
                vec![Step::Ring {
                    lhs: Term::add(
                        Term::div(Term::app("f", vec![x()]), Rat::int(2)),
                        Term::div(Term::app("f", vec![x()]), Rat::int(2)),
                    ),
                    rhs: Term::sub(Term::app("f", vec![x()]), Term::mul(Term::int(0), y())),
                }],
            ),
            ("total", vec![Step::LeTotal { left: x(), right: Term::constant("c") }]),
            (
                "antisymm",
                vec![
                    Step::Hypothesis { name: name("le") },
                    Step::Hypothesis { name: name("ge") },
                    Step::LeAntisymm { le: 0, ge: 1 },
                ],
            ),
        ],
    );
    // psatz: linear, nonlinear, strict, contradiction, equations, squares
    let p = |c: Rat, factors: Vec<usize>| Product { coefficient: c, factors };
    add(
        "psatz",
        ctx(
            &[rx(), ry()],
            &[
                ("x_nonneg", Formula::le(Term::int(0), x())),
                ("x_le_1", Formula::le(x(), Term::int(1))),
                ("x_pos", Formula::lt(Term::int(0), x())),
                ("x_neg", Formula::lt(x(), Term::int(0))),
                ("x_2y", Formula::eq(x(), Term::mul(Term::int(2), y()))),
            ],
        ),
        vec![
            (
                "square_le_1",
                vec![
                    Step::Hypothesis { name: name("x_nonneg") },
                    Step::Hypothesis { name: name("x_le_1") },
                    Step::Psatz {
                        goal: Formula::le(Term::mul(x(), x()), Term::int(1)),
                        facts: vec![0, 1],
                        products: vec![p(Rat::one(), vec![0, 1]), p(Rat::one(), vec![1])],
                        squares: vec![],
                    },
                ],
            ),
            (
                "contradiction",
                vec![
                    Step::Hypothesis { name: name("x_pos") },
                    Step::Hypothesis { name: name("x_neg") },
                    Step::Psatz {
                        goal: Formula::False,
                        facts: vec![0, 1],
                        products: vec![p(Rat::one(), vec![0]), p(Rat::one(), vec![1])],
                        squares: vec![],
                    },
                ],
            ),
            (
                "strict_by_sum",
                vec![
                    Step::Hypothesis { name: name("x_pos") },
                    Step::Psatz {
                        goal: Formula::lt(Term::int(0), Term::add(x(), Term::mul(x(), x()))),
                        facts: vec![0],
                        products: vec![p(Rat::one(), vec![0])],
                        squares: vec![Square { coefficient: Rat::one(), base: x() }],
                    },
                ],
            ),
            (
                "strict_by_slack",
                vec![Step::Psatz {
                    goal: Formula::lt(Term::int(0), Term::add(Term::pow(Term::sub(x(), y()), 2), frac(1, 2))),
                    facts: vec![],
                    products: vec![],
                    squares: vec![Square { coefficient: Rat::one(), base: Term::sub(x(), y()) }],
                }],
            ),
            (
                "equation",
                vec![
                    Step::Hypothesis { name: name("x_2y") },
                    Step::Psatz {
                        goal: Formula::le(Term::sub(x(), Term::mul(Term::int(2), y())), Term::int(0)),
                        facts: vec![0],
                        products: vec![p(Rat::int(3), vec![0]), p(Rat::int(-2), vec![0])],
                        squares: vec![],
                    },
                ],
            ),
            (
                "products_with_constants",
                vec![
                    Step::Hypothesis { name: name("x_pos") },
                    Step::Hypothesis { name: name("x_nonneg") },
                    Step::Hypothesis { name: name("x_2y") },
                    Step::Psatz {
                        // 0 < 3x + x*x*(3/4) + 1, from 3*(x>0) + 3/4*(x>0)(x>=0) + 1
                        goal: Formula::lt(
                            Term::int(0),
                            Term::add(
                                Term::add(
                                    Term::mul(Term::int(3), x()),
                                    Term::mul(Term::mul(x(), x()), frac(3, 4)),
                                ),
                                Term::int(1),
                            ),
                        ),
                        facts: vec![0, 1, 2],
                        products: vec![
                            p(Rat::int(3), vec![0]),
                            p(Rat::frac(3, 4).unwrap(), vec![0, 1]),
                            p(Rat::int(1), vec![]),
                            p(Rat::int(0), vec![2, 0]),
                        ],
                        squares: vec![],
                    },
                ],
            ),
        ],
    );
    out
}

fn frac(n: i64, d: i64) -> Term {
    Term::num(Rat::frac(n, d).unwrap())
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn mangling_is_injective_and_invertible() {
    let names = ["a", "a_b", "a.b", "a__b", "a_'b", "é", "a b", "", "_x41_", "x'"];
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        let m = coq::mangle(n);
        assert!(m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\''));
        assert_eq!(coq::demangle(&m).as_deref(), Some(n), "{n} -> {m}");
        assert!(seen.insert(m), "{n} collides");
    }
    assert_eq!(coq::var_ident("x", &Sort::Rat), "v'x");
    assert_eq!(coq::var_ident("x", &model()), "v'x'Model");
    assert_eq!(coq::axiom_ident("std.rates_ok"), "ax'std_'rates__ok");
}

#[test]
fn every_rule_exports_and_coq_accepts() {
    let (sig, proofs) = signature();
    let mut ex = exporter(&sig, &proofs);
    for t in rule_techniques(&sig) {
        ex.technique(t);
    }
    let module = ex.export("Rules", &Options::default()).expect("the export succeeds");
    assert!(module.uses_classic, "excluded middle needs Classical");
    // Every rule appears in the export.
    let text = &module.body;
    for rule in [
        "hypothesis",
        "assume",
        "axiom",
        "theorem",
        "unfold",
        "true-intro",
        "false-elim",
        "and-intro",
        "and-left",
        "and-right",
        "or-left",
        "or-right",
        "or-elim",
        "imp-intro",
        "imp-elim",
        "not-intro",
        "not-elim",
        "iff-intro",
        "iff-forward",
        "iff-backward",
        "excluded-middle",
        "forall-intro",
        "forall-elim",
        "exists-intro",
        "exists-elim",
        "refl",
        "symm",
        "trans",
        "congruence",
        "substitute",
        "ring",
        "psatz",
        "le-total",
        "le-antisymm",
    ] {
        assert!(text.contains(&format!(": {rule} *)")), "rule {rule} is not exercised");
    }
    // No search tactic is used to re-find a proof (comments aside).
    let code: String = text
        .lines()
        .map(|l| match l.find("(*") {
            Some(k) => &l[..k],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    for banned in ["lra", "nra", "psatz", "auto", "eauto", "tauto", "firstorder", "lia", "nia"] {
        assert!(
            !code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '\'')).any(|w| w == banned),
            "the export calls {banned}"
        );
    }
    assert_coq_accepts(&module);
}

#[test]
fn classical_is_imported_only_when_needed() {
    let (sig, proofs) = signature();
    let module = exporter(&sig, &proofs).export("NoClassic", &Options::default()).unwrap();
    assert!(!module.uses_classic);
    assert!(!module.project_file().contains("Classical"));
    assert_coq_accepts(&module);
}

#[test]
fn print_assumptions_is_the_trust_base() {
    let (sig, proofs) = signature();
    let mut ex = exporter(&sig, &proofs);
    // A guarantee resting on the theorem (axiom `rates`) and the axiom `step`, and on
    // one of two assumptions; another resting on nothing but excluded middle.
    let c = ctx(&[("u", model()), ("x", Sort::Rat)], &[("hx", big(x())), ("unused", safe(m("u")))]);
    let g1 = guarantee(
        &sig,
        &c,
        "both",
        vec![
            Step::Theorem { name: name("rates_nonneg"), args: vec![m("u")] },
            Step::Axiom { name: name("step"), args: vec![x()] },
            Step::Hypothesis { name: name("hx") },
            Step::ImpElim { implication: 1, argument: 2 },
            Step::AndIntro { left: 0, right: 3 },
        ],
    );
    let g2 = guarantee(
        &sig,
        &c,
        "logic",
        vec![
            // An unused axiom step: not needed, so not in the trust base.
            Step::Axiom { name: name("step"), args: vec![x()] },
            Step::ExcludedMiddle { formula: big(x()) },
        ],
    );
    let trust: Vec<_> = [&g1, &g2].iter().map(|(_, p, _)| check(&sig, &c, p).unwrap()).collect();
    ex.technique(Technique { name: name("Audit.me"), context: c.clone(), guarantees: vec![g1, g2] });
    let module = ex.export("Assumptions", &Options { print_assumptions: true }).unwrap();
    let Some(output) = assert_coq_accepts(&module) else {
        return;
    };
    let parsed = coq::parse_assumptions(&output);
    let as_set = |it: &std::collections::BTreeSet<Name>| {
        it.iter().map(|n| n.to_string()).collect::<std::collections::BTreeSet<_>>()
    };
    // The signature's theorem.
    let thm = &parsed[&coq::theorem_ident("rates_nonneg")];
    assert_eq!(thm.axioms, ["rates".to_string()].into(), "{output}");
    assert!(thm.logic.is_empty() && thm.hypotheses.is_empty(), "{output}");
    // The guarantees.
    let both = &parsed[&coq::guarantee_ident("Audit.me", "both")];
    assert_eq!(both.axioms, as_set(trust[0].trust_base()), "{output}");
    assert_eq!(both.hypotheses, ["hx".to_string()].into(), "only the assumption used: {output}");
    assert!(both.logic.is_empty(), "{output}");
    let logic = &parsed[&coq::guarantee_ident("Audit.me", "logic")];
    assert_eq!(logic.axioms, as_set(trust[1].trust_base()), "{output}");
    assert!(logic.axioms.is_empty());
    assert_eq!(logic.logic, ["classic".to_string()].into(), "{output}");
}

/// A proof the kernel rejects; exported as if it were right, coqc rejects it too.
fn assert_both_reject(tag: &str, c: Context, steps: Vec<Step>, claimed: Formula) {
    let (sig, proofs) = signature();
    let proof = Proof { steps };
    assert!(check(&sig, &c, &proof).is_err(), "{tag}: the kernel should reject this proof");
    let mut ex = exporter(&sig, &proofs);
    let t = Technique { name: name(tag), context: c, guarantees: vec![(name("wrong"), proof, claimed)] };
    // The checked path refuses to export it...
    ex.technique(t.clone());
    assert!(matches!(ex.export("Wrong", &Options::default()), Err(coq::ExportError::Kernel { .. })));
    // ...and the naive export is rejected by Coq.
    let mut ex = exporter(&sig, &proofs);
    ex.unchecked_technique(t);
    let module = ex.export("Wrong", &Options::default()).expect("the naive export is written");
    if let Some((ok, text)) = run_coqc(&module) {
        assert!(!ok, "{tag}: coqc accepts a wrong proof:\n{}", numbered(&module.project_file()));
        assert!(text.contains("Error"), "{tag}: {text}");
        // The error is inside the wrong lemma's proof, not in the signature part.
        let file = module.project_file();
        let lemma_line = file
            .lines()
            .position(|l| l.starts_with(&format!("Lemma {}", coq::guarantee_ident(tag, "wrong"))))
            .expect("the lemma is exported")
            + 1;
        let error_line: usize = text
            .split(", line ")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.trim().parse().ok())
            .expect("coqc names the line");
        assert!(
            error_line > lemma_line,
            "{tag}: coqc fails at line {error_line}, before the lemma (line {lemma_line}):\n{text}"
        );
        eprintln!("{tag}: coqc rejects the naive export: {}", text.trim().replace('\n', " "));
    }
}

#[test]
fn wrong_ring_step_is_rejected_by_both() {
    let lhs = Term::mul(x(), Term::add(x(), Term::int(1)));
    let rhs = Term::add(Term::pow(x(), 2), Term::mul(Term::int(2), x()));
    assert_both_reject(
        "ring",
        ctx(&[("x", Sort::Rat)], &[]),
        vec![Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() }],
        Formula::eq(lhs, rhs),
    );
}

#[test]
fn wrong_psatz_certificate_is_rejected_by_both() {
    // From 0 <= x, conclude 1 <= x with the certificate 1*(x - 0): slack -1.
    let goal = Formula::le(Term::int(1), x());
    assert_both_reject(
        "psatz",
        ctx(&[("x", Sort::Rat)], &[("h", Formula::le(Term::int(0), x()))]),
        vec![
            Step::Hypothesis { name: name("h") },
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0],
                products: vec![Product { coefficient: Rat::one(), factors: vec![0] }],
                squares: vec![],
            },
        ],
        goal,
    );
}

#[test]
fn wrong_strictness_is_rejected_by_both() {
    // From 0 <= x, conclude 0 < x: the sum is not strict.
    let goal = Formula::lt(Term::int(0), x());
    assert_both_reject(
        "strict",
        ctx(&[("x", Sort::Rat)], &[("h", Formula::le(Term::int(0), x()))]),
        vec![
            Step::Hypothesis { name: name("h") },
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0],
                products: vec![Product { coefficient: Rat::one(), factors: vec![0] }],
                squares: vec![],
            },
        ],
        goal,
    );
}

#[test]
fn broken_equality_chain_is_rejected_by_both() {
    let z = Term::free("z", Sort::Rat);
    assert_both_reject(
        "trans",
        ctx(
            &[("x", Sort::Rat), ("y", Sort::Rat), ("z", Sort::Rat)],
            &[("exy", Formula::eq(x(), y())), ("ezc", Formula::eq(z, Term::constant("c")))],
        ),
        vec![
            Step::Hypothesis { name: name("exy") },
            Step::Hypothesis { name: name("ezc") },
            Step::Trans { left: 0, right: 1 },
        ],
        Formula::eq(x(), Term::constant("c")),
    );
}

#[test]
fn eigenvariable_violation_is_rejected_by_both() {
    // From big(x), conclude forall x. big(x).
    assert_both_reject(
        "eigen",
        ctx(&[("x", Sort::Rat)], &[("h", big(x()))]),
        vec![
            Step::Hypothesis { name: name("h") },
            Step::ForallIntro { variable: name("x"), sort: Sort::Rat, from: 0 },
        ],
        Formula::forall("x", Sort::Rat, &big(x())),
    );
}

#[test]
fn wrong_modus_ponens_is_rejected_by_both() {
    assert_both_reject(
        "mp",
        ctx(
            &[("x", Sort::Rat), ("y", Sort::Rat)],
            &[("imp", Formula::implies(big(x()), big(y()))), ("hy", big(y()))],
        ),
        vec![
            Step::Hypothesis { name: name("imp") },
            Step::Hypothesis { name: name("hy") },
            Step::ImpElim { implication: 0, argument: 1 },
        ],
        big(y()),
    );
}

#[test]
fn missing_theorem_proof_is_an_error() {
    let (sig, _) = signature();
    let err = Exporter::new(&sig).export("Missing", &Options::default()).unwrap_err();
    assert!(matches!(err, coq::ExportError::MissingProof { .. }), "{err}");
}

#[test]
fn guarantee_with_another_conclusion_is_an_error() {
    let (sig, proofs) = signature();
    let mut ex = exporter(&sig, &proofs);
    ex.technique(Technique {
        name: name("T"),
        context: Context::default(),
        guarantees: vec![(name("g"), Proof { steps: vec![Step::TrueIntro] }, Formula::False)],
    });
    assert!(matches!(ex.export("Other", &Options::default()), Err(coq::ExportError::Mismatch { .. })));
    assert!(matches!(ex.export("Bad-name", &Options::default()), Err(coq::ExportError::ModuleName { .. })));
}

#[test]
fn project_builds_with_make() {
    let (sig, proofs) = signature();
    let mut ex = exporter(&sig, &proofs);
    for t in rule_techniques(&sig).into_iter().take(3) {
        ex.technique(t);
    }
    let a = ex.export("Alpha", &Options::default()).unwrap();
    let b = exporter(&sig, &proofs).export("Beta", &Options::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("warrant-coq-project-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let info = coq::write_project(&dir, &[a.clone(), b]).unwrap();
    assert_eq!(info.files, ["Prelude.v", "Alpha.v", "Beta.v"]);
    let project = std::fs::read_to_string(dir.join("_CoqProject")).unwrap();
    assert!(project.starts_with("-R . Warrant\n"));
    assert!(dir.join("Makefile").exists());
    assert!(matches!(coq::write_project(&dir, &[a.clone(), a]), Err(coq::ExportError::ModuleName { .. })));
    if !coqc_available() {
        return;
    }
    let out = Command::new("make").arg("-C").arg(&dir).output().expect("make runs");
    assert!(
        out.status.success(),
        "make fails:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("Alpha.vo").exists() && dir.join("Beta.vo").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// Timing: the kernel against coqc on the same theorems
// ---------------------------------------------------------------------------

fn binomial(n: u32, k: u32) -> i64 {
    (0..k).fold(1i64, |acc, i| acc * (n - i) as i64 / (i + 1) as i64)
}

/// A generated set of guarantees: equality chains with congruence, ring identities,
/// linear and product certificates, natural deduction. `scale` grows each one.
fn generated_techniques(sig: &Signature, scale: usize) -> Vec<Technique> {
    let var = |i: usize| Term::free(&format!("x{i}"), Sort::Rat);
    let n = 4 + scale;
    let vars: Vec<(String, Sort)> = (0..=n).map(|i| (format!("x{i}"), Sort::Rat)).collect();
    let var_refs: Vec<(&str, Sort)> = vars.iter().map(|(v, s)| (v.as_str(), s.clone())).collect();
    let mut hyps: Vec<(String, Formula)> = Vec::new();
    for i in 0..n {
        hyps.push((format!("e{i}"), Formula::eq(var(i), var(i + 1))));
        hyps.push((format!("p{i}"), Formula::le(Term::int(0), var(i))));
        hyps.push((format!("b{i}"), big(var(i))));
    }
    let hyp_refs: Vec<(&str, Formula)> = hyps.iter().map(|(h, f)| (h.as_str(), f.clone())).collect();
    let c = ctx(&var_refs, &hyp_refs);
    let mut gs = Vec::new();
    // Equality chain x0 = xn, then congruence under f and arithmetic.
    let mut steps = vec![Step::Hypothesis { name: name("e0") }];
    for i in 1..n {
        steps.push(Step::Hypothesis { name: name(&format!("e{i}")) });
        let last = steps.len();
        steps.push(Step::Trans { left: last - 2, right: last - 1 });
    }
    let chain = steps.len() - 1;
    steps.push(Step::Congruence {
        hole: Sort::Rat,
        context: Term::add(Term::app("f", vec![bound(0)]), Term::mul(bound(0), Term::int(2))),
        from: chain,
    });
    gs.push(("chain", steps));
    // Ring: (x0 + x1)^n expanded.
    let mut rhs = Term::int(0);
    for k in 0..=n as u32 {
        rhs = Term::add(
            rhs,
            Term::mul(
                Term::int(binomial(n as u32, k)),
                Term::mul(Term::pow(var(0), k), Term::pow(var(1), n as u32 - k)),
            ),
        );
    }
    gs.push(("ring", vec![Step::Ring { lhs: Term::pow(Term::add(var(0), var(1)), n as u32), rhs }]));
    // Linear: 0 <= x0 + ... + x(n-1).
    let mut steps: Vec<Step> = (0..n).map(|i| Step::Hypothesis { name: name(&format!("p{i}")) }).collect();
    let sum = (1..n).fold(var(0), |acc, i| Term::add(acc, var(i)));
    steps.push(Step::Psatz {
        goal: Formula::le(Term::int(0), sum),
        facts: (0..n).collect(),
        products: (0..n).map(|i| Product { coefficient: Rat::one(), factors: vec![i] }).collect(),
        squares: vec![],
    });
    gs.push(("linear", steps));
    // Products: 0 <= sum of x_i * x_(i+1) + (x0 - x1)^2.
    let mut steps: Vec<Step> = (0..n).map(|i| Step::Hypothesis { name: name(&format!("p{i}")) }).collect();
    let mut goal = Term::pow(Term::sub(var(0), var(1)), 2);
    for i in 0..n - 1 {
        goal = Term::add(goal, Term::mul(var(i), var(i + 1)));
    }
    steps.push(Step::Psatz {
        goal: Formula::le(Term::int(0), goal),
        facts: (0..n).collect(),
        products: (0..n - 1).map(|i| Product { coefficient: Rat::one(), factors: vec![i, i + 1] }).collect(),
        squares: vec![Square { coefficient: Rat::one(), base: Term::sub(var(0), var(1)) }],
    });
    gs.push(("products", steps));
    // Natural deduction: big(x0) and ... and big(x(n-1)), then each conjunct back.
    let mut steps: Vec<Step> = (0..n).map(|i| Step::Hypothesis { name: name(&format!("b{i}")) }).collect();
    let mut acc = 0;
    for i in 1..n {
        steps.push(Step::AndIntro { left: acc, right: i });
        acc = steps.len() - 1;
    }
    steps.push(Step::AndRight { from: acc });
    steps.push(Step::OrLeft { from: steps.len() - 1, right: Formula::False });
    gs.push(("logic", steps));
    let guarantees = gs.into_iter().map(|(g, steps)| guarantee(sig, &c, g, steps)).collect();
    vec![Technique { name: name(&format!("Gen{scale}")), context: c, guarantees }]
}

/// Prints the time of the kernel and of coqc on the same generated theorems. Run with
/// `cargo test --release -p warrant-kernel --test coq_export -- --ignored --nocapture timing`.
#[test]
#[ignore = "a measurement, not a check; run it explicitly"]
fn timing_kernel_against_coqc() {
    use std::time::Instant;
    let (sig, proofs) = signature();
    let mut techniques = Vec::new();
    for scale in 0..8 {
        techniques.extend(generated_techniques(&sig, scale));
    }
    let count: usize = techniques.iter().map(|t| t.guarantees.len()).sum();
    let steps: usize =
        techniques.iter().flat_map(|t| t.guarantees.iter()).map(|(_, p, _)| p.steps.len()).sum();
    // The kernel: check every guarantee, best of 5 runs.
    let mut kernel = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for t in &techniques {
            for (_, p, _) in &t.guarantees {
                check(&sig, &t.context, p).unwrap();
            }
        }
        kernel = kernel.min(start.elapsed().as_secs_f64());
    }
    let mut ex = exporter(&sig, &proofs);
    for t in techniques {
        ex.technique(t);
    }
    let start = Instant::now();
    let module = ex.export("Timing", &Options::default()).unwrap();
    let export = start.elapsed().as_secs_f64();
    if !coqc_available() {
        return;
    }
    let _ = prelude_dir();
    let start = Instant::now();
    assert_coq_accepts(&module);
    let coq = start.elapsed().as_secs_f64();
    eprintln!(
        "timing: {count} theorems, {steps} steps; kernel check {:.3} ms; export {:.1} ms; \
         coqc {:.2} s ({:.0} x the kernel; {} lines of Coq)",
        kernel * 1e3,
        export * 1e3,
        coq,
        coq / kernel,
        module.project_file().lines().count()
    );
}

#[test]
fn deep_terms_are_exported_or_refused_without_crashing() {
    // The kernel's own checker recurses on terms and needs more than a test thread's
    // 2 MiB near its default depth limit in debug builds: give it 8 MiB (a main
    // thread's). The exporter runs on a thread of its own.
    std::thread::Builder::new().stack_size(8 << 20).spawn(deep_terms).unwrap().join().unwrap();
}

fn deep_terms() {
    // A term as deep as the kernel's default limit allows is exported; coqc is not
    // run on it.
    let sig = Signature::new();
    let mut t = x();
    for _ in 0..500 {
        t = Term::neg(t);
    }
    let c = ctx(&[("x", Sort::Rat)], &[]);
    let g = guarantee(&sig, &c, "deep", vec![Step::Refl { term: t.clone() }]);
    let mut ex = Exporter::new(&sig);
    ex.technique(Technique { name: name("Deep"), context: c.clone(), guarantees: vec![g] });
    assert!(ex.export("Deep", &Options::default()).is_ok());
    // Deeper than the exporter prints (possible only with raised kernel limits, or
    // unchecked): an error.
    for _ in 0..2_000 {
        t = Term::neg(t);
    }
    let mut ex = Exporter::new(&sig);
    ex.unchecked_technique(Technique {
        name: name("Deeper"),
        context: c,
        guarantees: vec![(
            name("deeper"),
            Proof { steps: vec![Step::Refl { term: t.clone() }] },
            Formula::eq(t.clone(), t),
        )],
    });
    assert!(matches!(ex.export("Deeper", &Options::default()), Err(coq::ExportError::Malformed { .. })));
}
