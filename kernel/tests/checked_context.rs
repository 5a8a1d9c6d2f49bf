//! `CheckedContext`: a context checked once, then proofs checked in it. Each proof must
//! get exactly what `check` gives it alone, and nothing of one proof (assumptions,
//! step results, work spent) may reach the next.

mod common;

use common::*;
use warrant_kernel::*;

fn proof(steps: Vec<Step>) -> Proof {
    Proof { steps }
}

/// `h: q`, `k: p(c)`, and the variable `x: M`.
fn context() -> Context {
    ctx(&[("x", m())], &[("h", q()), ("k", p(c()))])
}

fn at(step: usize, rule: &'static str, e: KernelError) -> KernelError {
    KernelError::Step { step, rule, error: Box::new(e) }
}

#[test]
fn proofs_in_one_context_get_what_check_gives_each() {
    let (sig, ctx) = (sig(), context());
    let checked = CheckedContext::new(&sig, &ctx).unwrap();
    let proofs = [
        proof(vec![Step::Hypothesis { name: name("h") }]),
        proof(vec![
            Step::Hypothesis { name: name("k") },
            Step::Hypothesis { name: name("h") },
            Step::AndIntro { left: 0, right: 1 },
        ]),
        proof(vec![Step::Refl { term: var("x") }]),
        proof(vec![Step::Axiom { name: name("q_holds"), args: vec![] }]),
    ];
    for proof in &proofs {
        let alone = check(&sig, &ctx, proof).unwrap();
        assert_eq!(checked.check(proof).unwrap(), alone);
        // The last proof of a context may take the checked context itself: the same.
        let last = CheckedContext::new(&sig, &ctx).unwrap();
        assert_eq!(last.check_last(proof).unwrap(), alone);
    }
    // The second proof rests on both hypotheses, in the context's order.
    let both = checked.check(&proofs[1]).unwrap();
    let names: Vec<&str> = both.hypotheses().iter().map(|(n, _)| &**n).collect();
    assert_eq!(names, ["h", "k"]);
    assert_eq!(both.conclusion(), &Formula::and(p(c()), q()));
    assert_eq!(both.signature(), sig.fingerprint());
    assert_eq!(checked.check(&proofs[3]).unwrap().trust_base().len(), 1);
}

#[test]
fn a_refused_proof_leaves_the_context_usable() {
    let (sig, ctx) = (sig(), context());
    let checked = CheckedContext::new(&sig, &ctx).unwrap();
    let bad = proof(vec![Step::Hypothesis { name: name("nope") }]);
    let expected = at(0, "hypothesis", KernelError::UnknownHypothesis { name: "nope".into() });
    assert_eq!(checked.check(&bad).unwrap_err(), expected);
    assert_eq!(check(&sig, &ctx, &bad).unwrap_err(), expected);
    assert_eq!(CheckedContext::new(&sig, &ctx).unwrap().check_last(&bad).unwrap_err(), expected);
    let good = proof(vec![Step::Hypothesis { name: name("h") }]);
    assert_eq!(checked.check(&good).unwrap().conclusion(), &q());
}

#[test]
fn an_ill_formed_context_is_refused_as_check_refuses_it() {
    let sig = sig();
    let cases = [
        (ctx(&[], &[("h", Formula::pred("undeclared", vec![]))]), "an unknown predicate"),
        (ctx(&[("x", m()), ("x", m())], &[]), "a variable given twice"),
        (ctx(&[], &[("h", q()), ("h", s())]), "a hypothesis name given twice"),
        (ctx(&[], &[("h", p(var("y")))]), "an undeclared variable"),
        (ctx(&[("x", Sort::Named(name("N")))], &[]), "an unknown sort"),
    ];
    let any = proof(vec![Step::TrueIntro]);
    for (ctx, what) in &cases {
        let Err(e) = CheckedContext::new(&sig, ctx) else { panic!("{what} was accepted") };
        assert_eq!(check(&sig, ctx, &any).unwrap_err(), e, "{what}");
    }
}

#[test]
fn an_assumption_of_one_proof_is_not_the_next_ones() {
    let (sig, ctx) = (sig(), context());
    let checked = CheckedContext::new(&sig, &ctx).unwrap();
    let assume = proof(vec![Step::Assume { formula: s() }]);
    let undischarged = KernelError::UndischargedAssumption { formula: Box::new(s()) };
    // Refused each time: the assumption numbered by the first check is not taken as
    // one of the context's by the second.
    assert_eq!(checked.check(&assume).unwrap_err(), undischarged);
    assert_eq!(checked.check(&assume).unwrap_err(), undischarged);
    // Discharged, it is fine; a later proof still rests on the context alone.
    let discharged = proof(vec![Step::Assume { formula: s() }, Step::ImpIntro { assumption: s(), from: 0 }]);
    assert_eq!(checked.check(&discharged).unwrap().conclusion(), &Formula::implies(s(), s()));
    let later = checked.check(&proof(vec![Step::Hypothesis { name: name("h") }])).unwrap();
    assert_eq!(later.hypotheses().len(), 1);
}

#[test]
fn the_steps_of_one_proof_are_not_the_next_ones() {
    let (sig, ctx) = (sig(), context());
    let checked = CheckedContext::new(&sig, &ctx).unwrap();
    let first = proof(vec![Step::Hypothesis { name: name("h") }, Step::Hypothesis { name: name("k") }]);
    checked.check(&first).unwrap();
    // Step 0 of the next proof cannot name a step of the first.
    let second = proof(vec![Step::AndIntro { left: 0, right: 1 }]);
    let expected = at(0, "and-intro", KernelError::ForwardReference { reference: 0 });
    assert_eq!(checked.check(&second).unwrap_err(), expected);
}

#[test]
fn the_work_limit_is_per_proof() {
    let (sig, ctx) = (sig(), context());
    let ring = proof(vec![Step::Ring {
        lhs: Term::pow(Term::add(r(var("x")), int(1)), 3),
        rhs: Term::pow(Term::add(int(1), r(var("x"))), 3),
    }]);
    let with_work = |max_work| Limits { max_work, ..Limits::default() };
    // The least work limit under which the context and the proof check.
    let (mut low, mut high) = (0u64, 1_000_000u64);
    while low + 1 < high {
        let mid = (low + high) / 2;
        match check_with_limits(&sig, &ctx, &ring, &with_work(mid)) {
            Ok(_) => high = mid,
            Err(e) => {
                assert_eq!(e, at(0, "ring", KernelError::Limit { kind: LimitKind::Work, limit: mid }));
                low = mid;
            }
        }
    }
    let least = high;
    // At that limit the proof checks as often as it is given: each check starts from
    // the context's work, not from what the last proof spent.
    let checked = CheckedContext::with_limits(&sig, &ctx, &with_work(least)).unwrap();
    for _ in 0..3 {
        checked.check(&ring).unwrap();
    }
    // One unit less is refused each time, also in a context checked once.
    let tight = CheckedContext::with_limits(&sig, &ctx, &with_work(least - 1)).unwrap();
    let over = at(0, "ring", KernelError::Limit { kind: LimitKind::Work, limit: least - 1 });
    for _ in 0..2 {
        assert_eq!(tight.check(&ring).unwrap_err(), over);
    }
    // The last check, with the context itself, has the same budget.
    assert_eq!(tight.check_last(&ring).unwrap_err(), over);
    assert!(checked.check_last(&ring).is_ok());
}

#[test]
fn the_limits_are_those_the_context_was_checked_with() {
    let (sig, ctx) = (sig(), context());
    let few_steps = Limits { max_steps: 2, ..Limits::default() };
    let checked = CheckedContext::with_limits(&sig, &ctx, &few_steps).unwrap();
    let three = proof(vec![Step::TrueIntro; 3]);
    assert_eq!(checked.check(&three).unwrap_err(), KernelError::Limit { kind: LimitKind::Steps, limit: 2 });
    assert!(checked.check(&proof(vec![Step::TrueIntro; 2])).is_ok());
    // The signature's own limits bound the context's formulas too.
    let small = Signature::with_limits(Limits { max_formula_size: 3, ..Limits::default() });
    let big = ctx_of_size_5();
    let e = CheckedContext::with_limits(&small, &big, &Limits::default()).err().unwrap();
    assert_eq!(e, check(&small, &big, &proof(vec![Step::TrueIntro])).unwrap_err());
    assert!(matches!(e, KernelError::Limit { kind: LimitKind::FormulaSize, limit: 3 }), "{e:?}");
}

/// A context whose one hypothesis, `0 <= x + x`, has five nodes.
fn ctx_of_size_5() -> Context {
    let x = rvar("x");
    ctx(&[("x", Sort::Rat)], &[("h", Formula::le(int(0), Term::add(x.clone(), x)))])
}
