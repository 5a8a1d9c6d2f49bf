//! Shared by the tests and the benchmark: two small theories in the kernel's logic and
//! the identities of egg 0.11's own `tests/math.rs` and `tests/prop.rs` that live in it.
//!
//! From `tests/math.rs` we keep the ring rules over exact rationals; we leave out the
//! rules and identities with floats, division by non-literals (`div-canon`,
//! `cancel-div`, `pow-recip`, `recip-mul-div`, `math_simplify_root`), variable
//! exponents (`pow-mul`, `math_powers`), derivatives and integrals. Each kept rule is a
//! theorem proved by the kernel's `ring` rule, so the identities rest on no axiom.
//! From `tests/prop.rs` we use an uninterpreted sort `P` with the connectives as
//! function symbols and egg's rules as axioms; `lem_imply` is a multipattern that is
//! only sound when the start term is assumed true, so the `prove_chain` goals that need
//! it are left out.
#![allow(dead_code)]

use warrant_kernel::*;
use warrant_prover::*;

/// Reads an egg-style s-expression as a kernel term. Atoms are numerals, constants
/// declared in `sig`, or free variables of sort `var_sort`.
pub fn term(sig: &Signature, var_sort: &Sort, text: &str) -> Term {
    let tokens: Vec<String> =
        text.replace('(', " ( ").replace(')', " ) ").split_whitespace().map(String::from).collect();
    let mut pos = 0;
    let t = read(sig, var_sort, &tokens, &mut pos);
    assert_eq!(pos, tokens.len(), "trailing input in {text}");
    t
}

fn read(sig: &Signature, s: &Sort, toks: &[String], pos: &mut usize) -> Term {
    let tok = toks[*pos].clone();
    *pos += 1;
    if tok != "(" {
        if let Ok(r) = tok.parse::<Rat>() {
            return Term::num(r);
        }
        if sig.symbol(&tok).is_some() {
            return Term::constant(&tok);
        }
        return Term::free(&tok, s.clone());
    }
    let head = toks[*pos].clone();
    *pos += 1;
    let mut args = Vec::new();
    while toks[*pos] != ")" {
        args.push(read(sig, s, toks, pos));
    }
    *pos += 1;
    let two = |args: &mut Vec<Term>| {
        let b = args.pop().unwrap();
        let a = args.pop().unwrap();
        (a, b)
    };
    match (head.as_str(), args.len()) {
        ("+", 2) => {
            let (a, b) = two(&mut args);
            Term::add(a, b)
        }
        ("-", 2) => {
            let (a, b) = two(&mut args);
            Term::sub(a, b)
        }
        ("*", 2) => {
            let (a, b) = two(&mut args);
            Term::mul(a, b)
        }
        ("-", 1) => Term::neg(args.pop().unwrap()),
        ("/", 2) => {
            let (a, b) = two(&mut args);
            let Term::Num(c) = b else { panic!("division by a non-literal") };
            Term::div(a, (*c).clone())
        }
        ("pow", 2) => {
            let (a, b) = two(&mut args);
            let Term::Num(c) = b else { panic!("a non-literal exponent") };
            Term::pow(a, c.to_string().parse().unwrap())
        }
        (f, _) => Term::app(f, args),
    }
}

fn forall(vars: &[&str], s: &Sort, body: Formula) -> Formula {
    vars.iter().rev().fold(body, |f, x| Formula::forall(x, s.clone(), &f))
}

/// An equation rule `forall vars. lhs = rhs`, read from s-expressions where `?x` are
/// the quantified variables.
fn equation(sig: &Signature, s: &Sort, lhs: &str, rhs: &str) -> Formula {
    let mut vars: Vec<String> = Vec::new();
    for tok in format!("{lhs} {rhs}").replace(['(', ')'], " ").split_whitespace() {
        if tok.starts_with('?') && !vars.iter().any(|v| v == tok) {
            vars.push(tok.to_string());
        }
    }
    let l = term(sig, s, lhs);
    let r = term(sig, s, rhs);
    let names: Vec<&str> = vars.iter().map(String::as_str).collect();
    forall(&names, s, Formula::eq(l, r))
}

/// egg's math rules that live in our logic: (name, lhs, rhs). Both directions are used
/// where both sides bind the same variables, so `zero-add` also gives egg's `add-zero`,
/// `one-mul` gives `mul-one` and `distribute` gives `factor`.
pub const MATH_RULES: &[(&str, &str, &str)] = &[
    ("comm_add", "(+ ?a ?b)", "(+ ?b ?a)"),
    ("comm_mul", "(* ?a ?b)", "(* ?b ?a)"),
    ("assoc_add", "(+ ?a (+ ?b ?c))", "(+ (+ ?a ?b) ?c)"),
    ("assoc_mul", "(* ?a (* ?b ?c))", "(* (* ?a ?b) ?c)"),
    ("sub_canon", "(- ?a ?b)", "(+ ?a (* -1 ?b))"),
    ("zero_add", "(+ ?a 0)", "?a"),
    ("zero_mul", "(* ?a 0)", "0"),
    ("one_mul", "(* ?a 1)", "?a"),
    ("cancel_sub", "(- ?a ?a)", "0"),
    ("distribute", "(* ?a (+ ?b ?c))", "(+ (* ?a ?b) (* ?a ?c))"),
    ("pow0", "(pow ?x 0)", "1"),
    ("pow1", "(pow ?x 1)", "?x"),
    ("pow2", "(pow ?x 2)", "(* ?x ?x)"),
];

/// The math theory: each rule a theorem proved by `ring` and checked by the kernel.
pub fn math() -> Signature {
    let mut sig = Signature::new();
    for (n, l, r) in MATH_RULES {
        let statement = equation(&sig, &Sort::Rat, l, r);
        // Prove it: strip the quantifiers, `ring`, then `forall-intro` each variable.
        let mut vars = Vec::new();
        let mut body = statement.clone();
        let mut k = 0;
        while let Formula::Forall(h, s, b) = &body {
            let x = format!("{}_{k}", h.0);
            k += 1;
            let fresh = Term::free(&x, s.clone());
            vars.push((name(&x), s.clone()));
            body = open_formula(b, &fresh);
        }
        let Formula::Eq(lhs, rhs) = body else { unreachable!() };
        let mut steps = vec![Step::Ring { lhs, rhs }];
        for (x, s) in vars.iter().rev() {
            let from = steps.len() - 1;
            steps.push(Step::ForallIntro { variable: x.clone(), sort: s.clone(), from });
        }
        let ctx = Context::default();
        let thm = check(&sig, &ctx, &Proof { steps }).unwrap();
        assert_eq!(thm.conclusion(), &statement);
        sig.add_theorem(name(n), &thm).unwrap();
    }
    sig
}

/// egg's propositional rules (`rule!` in `tests/prop.rs`), as axioms over the sort `P`,
/// plus the truth tables that egg's constant folding computes.
pub const PROP_RULES: &[(&str, &str, &str)] = &[
    ("def_imply", "(imp ?a ?b)", "(or (not ?a) ?b)"),
    ("double_neg", "(not (not ?a))", "?a"),
    ("assoc_or", "(or ?a (or ?b ?c))", "(or (or ?a ?b) ?c)"),
    ("dist_and_or", "(and ?a (or ?b ?c))", "(or (and ?a ?b) (and ?a ?c))"),
    ("dist_or_and", "(or ?a (and ?b ?c))", "(and (or ?a ?b) (or ?a ?c))"),
    ("comm_or", "(or ?a ?b)", "(or ?b ?a)"),
    ("comm_and", "(and ?a ?b)", "(and ?b ?a)"),
    ("lem", "(or ?a (not ?a))", "tt"),
    ("or_true", "(or ?a tt)", "tt"),
    ("and_true", "(and ?a tt)", "?a"),
    ("contrapositive", "(imp ?a ?b)", "(imp (not ?b) (not ?a))"),
    ("and_tt_tt", "(and tt tt)", "tt"),
    ("and_tt_ff", "(and tt ff)", "ff"),
    ("and_ff_tt", "(and ff tt)", "ff"),
    ("and_ff_ff", "(and ff ff)", "ff"),
    ("or_tt_tt", "(or tt tt)", "tt"),
    ("or_tt_ff", "(or tt ff)", "tt"),
    ("or_ff_tt", "(or ff tt)", "tt"),
    ("or_ff_ff", "(or ff ff)", "ff"),
    ("not_tt", "(not tt)", "ff"),
    ("not_ff", "(not ff)", "tt"),
];

/// The sort of propositions.
pub fn p() -> Sort {
    Sort::Named(name("P"))
}

/// The propositional theory.
pub fn prop() -> Signature {
    let mut sig = Signature::new();
    sig.declare(Declaration::Sort { name: name("P") }).unwrap();
    for (f, arity) in [("and", 2), ("or", 2), ("imp", 2), ("not", 1), ("tt", 0), ("ff", 0)] {
        sig.declare(Declaration::Function { name: name(f), params: vec![p(); arity], result: p() }).unwrap();
    }
    for (n, l, r) in PROP_RULES {
        let statement = equation(&sig, &p(), l, r);
        sig.declare(Declaration::Axiom { name: name(n), statement }).unwrap();
    }
    sig
}

/// Which theory an identity lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theory {
    /// `tests/math.rs`.
    Math,
    /// `tests/prop.rs`.
    Prop,
}

/// One identity: where it comes from, its rules (`None`: all of the theory's), the
/// sides, whether constants fold, and the iteration bound egg's test used.
pub struct Identity {
    pub name: &'static str,
    pub theory: Theory,
    pub rules: Option<&'static [&'static str]>,
    pub lhs: &'static str,
    pub rhs: &'static str,
    pub fold: bool,
    pub iterations: usize,
}

/// A context declaring the free variables of `terms`.
pub fn context_for(terms: &[&Term]) -> Context {
    let mut variables: Vec<(Name, Sort)> = Vec::new();
    for t in terms {
        for (v, s) in free_variables(&Formula::eq((*t).clone(), (*t).clone())) {
            if !variables.iter().any(|(w, _)| *w == v) {
                variables.push((v, s));
            }
        }
    }
    Context { variables, hypotheses: vec![] }
}

/// The signature of a theory.
pub fn signature(theory: Theory) -> Signature {
    match theory {
        Theory::Math => math(),
        Theory::Prop => prop(),
    }
}

/// The rules of an identity.
pub fn rules(sig: &Signature, id: &Identity) -> Vec<Rule> {
    let all: Vec<&str> = match id.theory {
        Theory::Math => MATH_RULES.iter().map(|r| r.0).collect(),
        Theory::Prop => PROP_RULES.iter().map(|r| r.0).collect(),
    };
    let names: Vec<&str> = id.rules.map(|r| r.to_vec()).unwrap_or(all);
    names
        .iter()
        .map(|n| match n.strip_suffix("_flip") {
            Some(base) => Rule::fact(sig, base).unwrap().backward_only(),
            None => Rule::fact(sig, n).unwrap(),
        })
        .collect()
}

/// The limits an identity runs with.
pub fn limits(id: &Identity) -> RewriteLimits {
    RewriteLimits { max_iterations: id.iterations, fold_constants: id.fold, ..RewriteLimits::default() }
}

/// Sides of an identity as kernel terms.
pub fn sides(sig: &Signature, id: &Identity) -> (Term, Term) {
    let s = match id.theory {
        Theory::Math => Sort::Rat,
        Theory::Prop => p(),
    };
    (term(sig, &s, id.lhs), term(sig, &s, id.rhs))
}

/// Proves an identity and has the kernel check it; returns the proof's size.
pub fn prove(id: &Identity) -> Result<usize, ProverError> {
    prove_with(id, &limits(id))
}

/// [`prove`] with explicit limits.
pub fn prove_with(id: &Identity, limits: &RewriteLimits) -> Result<usize, ProverError> {
    let sig = signature(id.theory);
    let (l, r) = sides(&sig, id);
    let ctx = context_for(&[&l, &r]);
    let rw = Rewriter::new(rules(&sig, id))?;
    let mut b = ProofBuilder::new(&sig, &ctx);
    let mut no_conditions = |_: &mut ProofBuilder<'_>, f: &Formula| -> Result<StepId, ProverError> {
        Err(ProverError::Shape { tactic: "rewrite", what: format!("the condition {f}") })
    };
    let root = rw.prove_eq(&mut b, &l, &r, limits, &mut no_conditions)?;
    let thm = b.check(root)?;
    assert_eq!(thm.conclusion(), &Formula::eq(l, r));
    assert!(thm.hypotheses().is_empty());
    Ok(b.finish(root)?.steps.len())
}

macro_rules! identity {
    ($name:ident, $theory:ident, $rules:expr, $lhs:literal => $rhs:literal $(, fold = $fold:expr)? $(, iterations = $it:expr)?) => {
        pub const $name: Identity = Identity {
            name: stringify!($name),
            theory: Theory::$theory,
            rules: $rules,
            lhs: $lhs,
            rhs: $rhs,
            fold: { let _f = true; $(let _f = $fold;)? _f },
            iterations: { let _i = 30; $(let _i = $it;)? _i },
        };
    };
}

// tests/math.rs
identity!(MATH_ASSOCIATE_ADDS, Math, Some(&["comm_add", "assoc_add"]),
    "(+ 1 (+ 2 (+ 3 (+ 4 (+ 5 (+ 6 7))))))" => "(+ 7 (+ 6 (+ 5 (+ 4 (+ 3 (+ 2 1))))))",
    fold = false, iterations = 7);
identity!(MATH_SIMPLIFY_ADD, Math, None, "(+ x (+ x (+ x x)))" => "(* 4 x)");
identity!(MATH_SIMPLIFY_CONST, Math, None, "(+ 1 (- a (* (- 2 1) a)))" => "1");
identity!(MATH_SIMPLIFY_FACTOR, Math, None,
    "(* (+ x 3) (+ x 1))" => "(+ (+ (* x x) (* 4 x)) 3)");
identity!(MATH_ASSOC_MUL_SATURATES, Math, None, "(* x 1)" => "x", iterations = 3);
// tests/prop.rs, prove_contrapositive: rules def_imply, def_imply_flip,
// double_neg_flip, comm_or; the start `(-> x y)` equals each goal.
const CONTRA: Option<&[&str]> = Some(&["def_imply", "double_neg_flip", "comm_or"]);
identity!(PROP_CONTRAPOSITIVE_1, Prop, CONTRA, "(imp x y)" => "(or (not x) y)", iterations = 20);
identity!(PROP_CONTRAPOSITIVE_2, Prop, CONTRA, "(imp x y)" => "(or (not x) (not (not y)))", iterations = 20);
identity!(PROP_CONTRAPOSITIVE_3, Prop, CONTRA, "(imp x y)" => "(or (not (not y)) (not x))", iterations = 20);
identity!(PROP_CONTRAPOSITIVE_4, Prop, CONTRA, "(imp x y)" => "(imp (not y) (not x))", iterations = 20);
// tests/prop.rs, prove_chain: the goals reachable without `lem_imply`.
const CHAIN: Option<&[&str]> = Some(&["def_imply", "double_neg_flip", "comm_or", "comm_and"]);
identity!(PROP_CHAIN_1, Prop, CHAIN,
    "(and (imp x y) (imp y z))" => "(and (imp (not y) (not x)) (imp y z))", iterations = 20);
identity!(PROP_CHAIN_2, Prop, CHAIN,
    "(and (imp x y) (imp y z))" => "(and (imp y z) (imp (not y) (not x)))", iterations = 20);
// tests/prop.rs, const_fold: egg folds booleans; here the truth tables are rules.
identity!(PROP_CONST_FOLD, Prop, None, "(or (and ff tt) (and tt ff))" => "ff", iterations = 20);

/// Every identity above, for the benchmark.
pub const ALL: &[Identity] = &[
    MATH_ASSOCIATE_ADDS,
    MATH_SIMPLIFY_ADD,
    MATH_SIMPLIFY_CONST,
    MATH_SIMPLIFY_FACTOR,
    MATH_ASSOC_MUL_SATURATES,
    PROP_CONTRAPOSITIVE_1,
    PROP_CONTRAPOSITIVE_2,
    PROP_CONTRAPOSITIVE_3,
    PROP_CONTRAPOSITIVE_4,
    PROP_CHAIN_1,
    PROP_CHAIN_2,
    PROP_CONST_FOLD,
];
