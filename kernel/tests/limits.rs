//! One test per field of `Limits`, each asserting the exact `KernelError::Limit`, plus
//! adversarial inputs that must be refused quickly: exponential formula growth, deep
//! JSON, power towers, huge numerals.

mod common;

use common::*;
use std::time::{Duration, Instant};
use warrant_kernel::*;

fn limit(kind: LimitKind, limit: u64) -> KernelError {
    KernelError::Limit { kind, limit }
}

fn run(limits: &Limits, c: &Context, steps: Vec<Step>) -> Result<Theorem, KernelError> {
    check_with_limits(&sig(), c, &Proof { steps }, limits)
}

fn at(step: usize, rule: &'static str, e: KernelError) -> KernelError {
    KernelError::Step { step, rule, error: Box::new(e) }
}

fn x() -> Term {
    rvar("x")
}

fn xctx() -> Context {
    ctx(&[("x", Sort::Rat)], &[])
}

fn ring(lhs: Term, rhs: Term) -> Step {
    Step::Ring { lhs, rhs }
}

#[test]
fn max_steps() {
    let limits = Limits { max_steps: 3, ..Limits::default() };
    let ok = vec![Step::TrueIntro; 3];
    assert_eq!(run(&limits, &empty(), ok).unwrap().conclusion(), &Formula::True);
    let e = run(&limits, &empty(), vec![Step::TrueIntro; 4]).unwrap_err();
    assert_eq!(e, limit(LimitKind::Steps, 3));
}

#[test]
fn max_formula_size() {
    let limits = Limits { max_formula_size: 10, ..Limits::default() };
    // q and q and ... : 2k - 1 nodes for k conjuncts.
    let conj = |k: usize| (1..k).fold(q(), |f, _| Formula::and(f, q()));
    let ok = run(&limits, &empty(), vec![Step::ExcludedMiddle { formula: conj(2) }]);
    assert!(ok.is_ok(), "{ok:?}");
    let e = run(&limits, &empty(), vec![Step::Assume { formula: conj(6) }]).unwrap_err();
    assert_eq!(e, at(0, "assume", limit(LimitKind::FormulaSize, 10)));
    // A built conclusion: excluded middle doubles its formula.
    let e = run(&limits, &empty(), vec![Step::ExcludedMiddle { formula: conj(4) }]).unwrap_err();
    assert_eq!(e, at(0, "excluded-middle", limit(LimitKind::FormulaSize, 10)));
    // A term.
    let sum = (0..6).fold(int(0), |t, i| Term::add(t, int(i)));
    let e = run(&limits, &empty(), vec![Step::Refl { term: sum }]).unwrap_err();
    assert_eq!(e, at(0, "refl", limit(LimitKind::FormulaSize, 10)));
    // A context hypothesis.
    let e = run(&limits, &ctx(&[], &[("h", conj(6))]), vec![Step::TrueIntro]).unwrap_err();
    assert_eq!(e, limit(LimitKind::FormulaSize, 10));
}

/// `imp-intro` measures its assumption before anything else walks it, and counts it as
/// work, whether or not it is a hypothesis of the context (which it then does not
/// sort-check again). The premise rests on two hypotheses, so the assumption is looked
/// up among them by its hash; the context repeats a formula, so hypothesis numbers and
/// context positions differ.
#[test]
fn imp_intro_measures_its_assumption_first() {
    let conj = |k: usize| (1..k).fold(q(), |f, _| Formula::and(f, q()));
    let nots = |k: usize| (0..k).fold(q(), |f, _| Formula::not(f));
    // Discharging `b` (5 nodes, depth 3) from `a ∧ b` (a = s): `b → a ∧ b` has 13 nodes,
    // depth 5.
    let cx = ctx(&[], &[("a", s()), ("a2", s()), ("b", conj(3))]);
    let steps = |assumption: Formula| {
        vec![
            Step::Hypothesis { name: name("a") },
            Step::Hypothesis { name: name("b") },
            Step::AndIntro { left: 0, right: 1 },
            Step::ImpIntro { assumption, from: 2 },
        ]
    };
    let ok = run(&Limits { max_formula_size: 13, ..Limits::default() }, &cx, steps(conj(3)));
    assert_eq!(ok.map(|t| t.conclusion().clone()), Ok(Formula::implies(conj(3), Formula::and(s(), conj(3)))));
    let e = run(&Limits { max_formula_size: 12, ..Limits::default() }, &cx, steps(conj(3))).unwrap_err();
    assert_eq!(e, at(3, "imp-intro", limit(LimitKind::FormulaSize, 12)));
    let e = run(&Limits { max_depth: 4, ..Limits::default() }, &cx, steps(conj(3))).unwrap_err();
    assert_eq!(e, at(3, "imp-intro", limit(LimitKind::Depth, 4)));
    // An assumption that is no hypothesis is sort-checked.
    let e = run(&Limits::default(), &cx, steps(Formula::not(p(Term::Bound(0))))).unwrap_err();
    assert_eq!(e, at(3, "imp-intro", KernelError::DanglingBound { index: 0 }));
    // A million nested negations: refused at the depth limit, not by the stack.
    let deep = nots(1_000_000);
    let e = run(&Limits::default(), &cx, steps(deep.clone())).unwrap_err();
    assert_eq!(e, at(3, "imp-intro", limit(LimitKind::Depth, 512)));
    drop_nots(deep);
    // 2^33 nodes in 34 shared ones: refused at once by size.
    let start = Instant::now();
    let doubled = (0..33).fold(q(), |f, _| Formula::and(f.clone(), f));
    let e = run(&Limits::default(), &cx, steps(doubled)).unwrap_err();
    assert_eq!(e, at(3, "imp-intro", limit(LimitKind::FormulaSize, 1_000_000)));
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    // A hypothesis of 2^18 - 1 nodes discharged again and again: each discharge counts
    // its size as work, so the default budget of 10^8 is spent at the 382nd.
    let big = (0..17).fold(q(), |f, _| Formula::and(f.clone(), f));
    let cx = ctx(&[], &[("a", s()), ("b", big.clone())]);
    let mut steps = vec![Step::Hypothesis { name: name("a") }, Step::Hypothesis { name: name("b") }];
    steps.push(Step::AndIntro { left: 0, right: 1 });
    steps.extend((0..1_000).map(|_| Step::ImpIntro { assumption: big.clone(), from: 2 }));
    let e = run(&Limits::default(), &cx, steps).unwrap_err();
    assert_eq!(e, at(383, "imp-intro", limit(LimitKind::Work, 100_000_000)));
}

/// Drops a chain of negations without recursing down it.
fn drop_nots(f: Formula) {
    let mut f = f;
    while let Formula::Not(inner) = f {
        f = std::sync::Arc::try_unwrap(inner).unwrap_or_else(|a| (*a).clone());
    }
}

#[test]
fn doubling_formulas_are_refused_quickly() {
    // Step k proves q ∧ q ∧ ... with 2^(k+1) - 1 nodes, shared in memory; counted as a
    // tree it passes the default million nodes at k = 19.
    let start = Instant::now();
    let mut steps = vec![Step::Hypothesis { name: name("h") }];
    for k in 0..60 {
        steps.push(Step::AndIntro { left: k, right: k });
    }
    let e = check(&sig(), &ctx(&[], &[("h", q())]), &Proof { steps }).unwrap_err();
    assert_eq!(e, at(19, "and-intro", limit(LimitKind::FormulaSize, 1_000_000)));
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
}

#[test]
fn max_depth() {
    let limits = Limits { max_depth: 10, ..Limits::default() };
    let nots = |k: usize| (0..k).fold(q(), |f, _| Formula::not(f));
    assert!(run(&limits, &empty(), vec![Step::Assume { formula: nots(9) }]).is_err());
    let ok = run(
        &limits,
        &empty(),
        vec![Step::Assume { formula: nots(9) }, Step::ImpIntro { assumption: nots(9), from: 0 }],
    );
    // not^9 q has depth 10; the implication has depth 11.
    assert_eq!(ok.unwrap_err(), at(1, "imp-intro", limit(LimitKind::Depth, 10)));
    let e = run(&limits, &empty(), vec![Step::Assume { formula: nots(10) }]).unwrap_err();
    assert_eq!(e, at(0, "assume", limit(LimitKind::Depth, 10)));
    // Terms too.
    let negs = (0..10).fold(x(), |t, _| Term::neg(t));
    let e = run(&limits, &xctx(), vec![Step::Refl { term: negs }]).unwrap_err();
    assert_eq!(e, at(0, "refl", limit(LimitKind::Depth, 10)));
}

#[test]
fn default_depth_limit_protects_the_stack() {
    // A term nested far deeper than the default limit is refused by the iterative
    // extent check before any recursion sees it.
    let deep = (0..200_000).fold(x(), |t, _| Term::neg(t));
    let steps = vec![ring(deep.clone(), deep)];
    let proof = Proof { steps };
    let e = check(&sig(), &xctx(), &proof).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Depth, 512)));
    drop_deep(proof);
}

/// Dropping a 200,000-deep `Arc` chain recurses in `Drop`; keep it off the test's
/// thread stack by unwinding it level by level.
fn drop_deep(proof: Proof) {
    for step in proof.steps {
        if let Step::Ring { lhs, rhs } = step {
            for t in [lhs, rhs] {
                let mut t = t;
                while let Term::Neg(inner) = t {
                    t = std::sync::Arc::try_unwrap(inner).unwrap_or_else(|a| (*a).clone());
                }
            }
        }
    }
}

#[test]
fn max_hypotheses() {
    let limits = Limits { max_hypotheses: 3, ..Limits::default() };
    let a = |n: i64| Step::Assume { formula: Formula::le(int(0), int(n)) };
    let steps = vec![
        a(1),
        a(2),
        Step::AndIntro { left: 0, right: 1 },
        a(3),
        Step::AndIntro { left: 2, right: 3 },
        a(4),
        Step::AndIntro { left: 4, right: 5 },
    ];
    let e = run(&limits, &empty(), steps.clone()).unwrap_err();
    assert_eq!(e, at(6, "and-intro", limit(LimitKind::Hypotheses, 3)));
    // Three are fine (then undischarged, which is a different refusal).
    let e = run(&limits, &empty(), steps[..5].to_vec()).unwrap_err();
    assert!(matches!(e, KernelError::UndischargedAssumption { .. }), "{e:?}");
}

#[test]
fn max_monomials() {
    let limits = Limits { max_monomials: 10, ..Limits::default() };
    let vars: Vec<(String, Sort)> = (0..6).map(|i| (format!("x{i}"), Sort::Rat)).collect();
    let c =
        Context { variables: vars.iter().map(|(n, s)| (name(n), s.clone())).collect(), hypotheses: vec![] };
    let sum = vars.iter().map(|(n, _)| rvar(n)).reduce(Term::add).unwrap();
    let sq = Term::pow(sum.clone(), 2);
    let e = run(&limits, &c, vec![ring(sq.clone(), sq)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Monomials, 10)));
    // (x0 + ... + x5) itself has 6 monomials: fine.
    assert!(run(&limits, &c, vec![ring(sum.clone(), sum)]).is_ok());
}

#[test]
fn max_numeral_bits() {
    let limits = Limits { max_numeral_bits: 64, ..Limits::default() };
    let big = Term::pow(int(1 << 20), 4);
    let e = run(&limits, &empty(), vec![ring(big.clone(), big)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::NumeralBits, 64)));
    // A literal that is too large by itself.
    let lit = Term::num("123456789012345678901234567890".parse::<Rat>().unwrap());
    let e = run(&limits, &empty(), vec![ring(lit.clone(), lit)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::NumeralBits, 64)));
    // Division can grow a denominator past the limit too.
    let tiny = Term::div(int(1), "18446744073709551629".parse::<Rat>().unwrap());
    let e = run(&limits, &empty(), vec![ring(tiny.clone(), tiny)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::NumeralBits, 64)));
    // In a certificate's coefficient, too.
    let e = run(
        &limits,
        &empty(),
        vec![Step::Psatz {
            goal: Formula::le(int(0), int(1)),
            facts: vec![],
            products: vec![Product {
                coefficient: "99999999999999999999999".parse().unwrap(),
                factors: vec![],
            }],
            squares: vec![],
        }],
    )
    .unwrap_err();
    assert_eq!(e, at(0, "psatz", limit(LimitKind::NumeralBits, 64)));
}

#[test]
fn max_exponent() {
    let p = Term::pow(x(), 257);
    let e = check(&sig(), &xctx(), &Proof { steps: vec![ring(p.clone(), p)] }).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Exponent, 256)));
    // u32::MAX, which a loop of multiplications would never finish.
    let p = Term::pow(int(1), u32::MAX);
    let e = check(&sig(), &empty(), &Proof { steps: vec![ring(p.clone(), p)] }).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Exponent, 256)));
}

#[test]
fn max_degree() {
    let limits = Limits { max_degree: 100, ..Limits::default() };
    let p = Term::pow(Term::pow(x(), 20), 20);
    let e = run(&limits, &xctx(), vec![ring(p.clone(), p)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Degree, 100)));
    // A product of more factors than the degree allows in a certificate.
    let steps = vec![
        Step::Assume { formula: Formula::le(int(0), x()) },
        Step::Psatz {
            goal: Formula::le(int(0), int(1)),
            facts: vec![0],
            products: vec![Product { coefficient: Rat::zero(), factors: vec![0; 101] }],
            squares: vec![],
        },
    ];
    let e = run(&limits, &xctx(), steps).unwrap_err();
    assert_eq!(e, at(1, "psatz", limit(LimitKind::Degree, 100)));
    assert_eq!(LimitKind::Degree.field(), "max_degree");
}

#[test]
fn pow_tower_is_refused_quickly() {
    let start = Instant::now();
    let tower = (0..50).fold(x(), |t, _| Term::pow(t, 256));
    let e = check(&sig(), &xctx(), &Proof { steps: vec![ring(tower.clone(), tower)] }).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Degree, 512)));
    // A tower over a sum: refused as soon as a product would pass the degree, without
    // expanding it. (Products within the degree are bounded by `max_work`; see below.)
    let limits = Limits { max_degree: 64, max_exponent: 64, ..Limits::default() };
    let tower = (0..50).fold(Term::add(x(), int(1)), |t, _| Term::pow(t, 64));
    let e = run(&limits, &xctx(), vec![ring(tower.clone(), tower)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Degree, 64)));
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[test]
fn max_work_bounds_normal_forms() {
    // ((x + 1)^256)^2 is within every size limit, and takes seconds to normalise
    // (the default budget refuses it after 2-3 s of CPU in a release build);
    // a small budget refuses it at once, while (x + 1)^16 fits.
    let start = Instant::now();
    let p = Term::pow(Term::pow(Term::add(x(), int(1)), 256), 2);
    assert_eq!(LimitKind::Work.field(), "max_work");
    let limits = Limits { max_work: 100_000, ..Limits::default() };
    let e = run(&limits, &xctx(), vec![ring(p.clone(), p)]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Work, 100_000)));
    let small = Term::pow(Term::add(x(), int(1)), 16);
    assert!(run(&limits, &xctx(), vec![ring(small.clone(), small)]).is_ok());
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}

#[test]
fn max_work_counts_long_monomials() {
    // x^256 is built by 256 multiplications: 256 coefficient operations (64 units
    // each, 16,384 for one side) but monomials of 1, 2, ..., 256 atoms (32,896 units
    // for one side). Both sides: 32,768 units of coefficients, 65,792 of monomials.
    // So a budget of 90,000 refuses it, where coefficients alone would fit; 200,000
    // accepts it.
    let p = Term::pow(x(), 256);
    let refused = Limits { max_work: 90_000, ..Limits::default() };
    let e = run(&refused, &xctx(), vec![ring(p.clone(), p.clone())]).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::Work, 90_000)));
    let accepted = Limits { max_work: 200_000, ..Limits::default() };
    assert!(run(&accepted, &xctx(), vec![ring(p.clone(), p)]).is_ok());
}

#[test]
fn max_work_bounds_walks() {
    // Step 18 proves a conjunction of 2^19 - 1 nodes (shared in memory). Each
    // and-left takes its left half, of 2^18 - 1 nodes, whose extent is not known;
    // each or-left on it must measure it. Without a budget, a million such pairs
    // would walk 2^38 nodes.
    let limits = Limits { max_work: 10_000_000, ..Limits::default() };
    let mut steps = vec![Step::Hypothesis { name: name("h") }];
    for k in 0..18 {
        steps.push(Step::AndIntro { left: k, right: k });
    }
    for _ in 0..1_000_000 {
        steps.push(Step::AndLeft { from: 18 });
        steps.push(Step::OrLeft { from: steps.len() - 1, right: Formula::True });
    }
    let start = Instant::now();
    let e = run(&limits, &ctx(&[], &[("h", q())]), steps).unwrap_err();
    // 1 unit for the context, then 2^18 per pair: the 39th pair passes 10^7.
    assert_eq!(e, at(18 + 2 * 39, "or-left", limit(LimitKind::Work, 10_000_000)));
    assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
}

#[test]
fn max_json_bytes() {
    let limits = Limits { max_json_bytes: 20, ..Limits::default() };
    let text = r#"{"steps": ["TrueIntro"]}"#;
    assert_eq!(from_json::<Proof>(text, &limits).unwrap_err(), limit(LimitKind::JsonBytes, 20));
    let proof = from_json::<Proof>(text, &Limits::default()).unwrap();
    assert_eq!(proof.steps, vec![Step::TrueIntro]);
}

#[test]
fn max_json_depth() {
    let limits = Limits { max_json_depth: 5, ..Limits::default() };
    let text = r#"{"steps": [{"Assume": {"formula": {"Not": {"Not": "True"}}}}]}"#;
    assert_eq!(from_json::<Proof>(text, &limits).unwrap_err(), limit(LimitKind::JsonDepth, 5));
    let ok = from_json::<Proof>(text, &Limits::default()).unwrap();
    assert_eq!(ok.steps, vec![Step::Assume { formula: Formula::not(Formula::not(Formula::True)) }]);
}

#[test]
fn million_deep_json_is_refused() {
    let start = Instant::now();
    let mut text = String::from(r#"{"steps": [{"Assume": {"formula": "#);
    for _ in 0..1_000_000 {
        text.push_str(r#"{"Not": "#);
    }
    text.push_str("\"True\"");
    text.push_str(&"}".repeat(1_000_000));
    text.push_str("}}]}");
    assert_eq!(
        from_json::<Proof>(&text, &Limits::default()).unwrap_err(),
        limit(LimitKind::JsonDepth, 2_048)
    );
    // Unbalanced, and brackets only.
    assert_eq!(
        from_json::<Proof>(&"[".repeat(1_000_000), &Limits::default()).unwrap_err(),
        limit(LimitKind::JsonDepth, 2_048)
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn json_at_the_default_depth_limit_is_decoded_then_refused() {
    // 2,000 nested negations: within max_json_depth, beyond max_depth. Decoding, checking
    // and dropping the value must all stay within a test thread's stack.
    let n = 2_000;
    let mut text = String::from(r#"{"steps": [{"Assume": {"formula": "#);
    for _ in 0..n {
        text.push_str(r#"{"Not": "#);
    }
    text.push_str("\"True\"");
    text.push_str(&"}".repeat(n));
    text.push_str("}}]}");
    let proof = from_json::<Proof>(&text, &Limits::default()).unwrap();
    let e = check(&sig(), &empty(), &proof).unwrap_err();
    assert_eq!(e, at(0, "assume", limit(LimitKind::Depth, 512)));
    drop(proof);
}

#[test]
fn huge_numeral_text_is_refused() {
    let digits = "9".repeat(1_000_000);
    let text = format!(r#"{{"steps": [{{"Refl": {{"term": {{"Num": "{digits}"}}}}}}]}}"#);
    let e = from_json::<Proof>(&text, &Limits::default()).unwrap_err();
    let KernelError::Decode { reason } = e else {
        panic!("expected a decode error, got {e:?}");
    };
    assert!(reason.contains("longer than"), "{reason}");
    // Just under the text limit: decoded, then refused by the numeral-bits limit.
    let digits = "9".repeat(8_000);
    let text = format!(
        r#"{{"steps": [{{"Ring": {{"lhs": {{"Num": "{digits}"}}, "rhs": {{"Num": "{digits}"}}}}}}]}}"#
    );
    let proof = from_json::<Proof>(&text, &Limits::default()).unwrap();
    let e = check(&sig(), &empty(), &proof).unwrap_err();
    assert_eq!(e, at(0, "ring", limit(LimitKind::NumeralBits, 8_192)));
}

#[test]
fn terms_at_the_default_depth_limit_check_on_a_two_mebibyte_stack() {
    // Every recursive function of the kernel (sort checking, substitution, equality,
    // normal forms, printing, drop) sees only terms within `max_depth`; at the default,
    // that must fit a 2 MiB thread stack even in a debug build.
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let depth = Limits::default().max_depth - 2;
            let deep = (0..depth).fold(x(), |t, _| Term::neg(t));
            let proof = Proof { steps: vec![ring(deep.clone(), deep.clone()), Step::Refl { term: deep }] };
            let thm = check(&sig(), &xctx(), &proof).unwrap();
            let _ = thm.conclusion().to_string();
            // Products nested as deep, x * (x * (... * x)): each one's operands are
            // normalised apart before they are multiplied.
            let deep = (0..depth).fold(x(), |t, _| Term::mul(x(), t));
            let thm = check(&sig(), &xctx(), &Proof { steps: vec![ring(deep.clone(), deep)] }).unwrap();
            let _ = thm.conclusion().to_string();
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn max_work_counts_the_hypotheses_of_psatz_facts() {
    // A `psatz` step lists one fact 1,000 times: `0 <= x0`, resting either on its own
    // hypothesis or on all 100 of the context's (an and-left of their conjunction).
    // Every listed fact's hypotheses are copied, one unit of work each, so the second
    // needs at least 99 * 1,000 more units. (Without the charge, a fact resting on
    // 10,000 hypotheses, listed 1.5 M times, had 60 GB copied.)
    let n = 100;
    let vars: Vec<(String, Sort)> = (0..n).map(|i| (format!("x{i}"), Sort::Rat)).collect();
    let hyps: Vec<(String, Formula)> = (0..n)
        .map(|i| (format!("h{i}"), Formula::le(int(0), Term::free(&format!("x{i}"), Sort::Rat))))
        .collect();
    let vars: Vec<(&str, Sort)> = vars.iter().map(|(v, s)| (v.as_str(), s.clone())).collect();
    let hyps: Vec<(&str, Formula)> = hyps.iter().map(|(h, f)| (h.as_str(), f.clone())).collect();
    let context = ctx(&vars, &hyps);
    let proof = |fact_on_all: bool| {
        let mut steps: Vec<Step> =
            (0..n).map(|i| Step::Hypothesis { name: name(&format!("h{i}")) }).collect();
        // h0 ∧ (h1 ∧ (... ∧ h99)), then its left part.
        let mut conj = n - 1;
        for i in (0..n - 1).rev() {
            steps.push(Step::AndIntro { left: i, right: conj });
            conj = steps.len() - 1;
        }
        steps.push(Step::AndLeft { from: conj });
        let fact = if fact_on_all { steps.len() - 1 } else { 0 };
        steps.push(Step::Psatz {
            goal: Formula::le(int(0), Term::free("x0", Sort::Rat)),
            facts: vec![fact; 1_000],
            products: vec![Product { coefficient: Rat::one(), factors: vec![0] }],
            squares: vec![],
        });
        steps
    };
    // The least budget that accepts each proof.
    let least = |fact_on_all: bool| {
        let accepts =
            |w: u64| run(&Limits { max_work: w, ..Limits::default() }, &context, proof(fact_on_all)).is_ok();
        let (mut lo, mut hi) = (0u64, 10_000_000u64);
        assert!(accepts(hi));
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if accepts(mid) {
                hi = mid
            } else {
                lo = mid
            }
        }
        hi
    };
    let (one, all) = (least(false), least(true));
    assert!(all - one >= 99 * 1_000, "{one} units with one hypothesis a fact, {all} with 100");
}
