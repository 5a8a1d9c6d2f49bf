//! `rewrite` beyond egg's identities: hypotheses as rules, conditional rules whose side
//! conditions become obligations, definitions, and rules that cannot be used. Every
//! proof is checked by the kernel.

use warrant_kernel::*;
use warrant_prover::*;

fn x() -> Term {
    Term::free("x", Sort::Rat)
}
fn y() -> Term {
    Term::free("y", Sort::Rat)
}

fn sig() -> Signature {
    let mut sig = Signature::new();
    for f in ["f", "g", "abs"] {
        sig.declare(Declaration::Function { name: name(f), params: vec![Sort::Rat], result: Sort::Rat })
            .unwrap();
    }
    let v = Term::free("v", Sort::Rat);
    let abs_pos = Formula::forall(
        "v",
        Sort::Rat,
        &Formula::implies(
            Formula::le(Term::int(0), v.clone()),
            Formula::eq(Term::app("abs", vec![v.clone()]), v.clone()),
        ),
    );
    sig.declare(Declaration::Axiom { name: name("abs_pos"), statement: abs_pos }).unwrap();
    sig.declare(Declaration::DefineFunction {
        name: name("double"),
        params: vec![(name("v"), Sort::Rat)],
        result: Sort::Rat,
        body: Term::add(v.clone(), v.clone()),
    })
    .unwrap();
    let w = Term::free("w", Sort::Rat);
    sig.declare(Declaration::Axiom {
        name: name("f_const"),
        statement: Formula::forall(
            "v",
            Sort::Rat,
            &Formula::forall("w", Sort::Rat, &Formula::eq(Term::app("f", vec![v]), Term::app("g", vec![w]))),
        ),
    })
    .unwrap();
    sig
}

fn ctx(hyps: Vec<(&str, Formula)>) -> Context {
    Context {
        variables: vec![(name("x"), Sort::Rat), (name("y"), Sort::Rat)],
        hypotheses: hyps.into_iter().map(|(h, f)| (name(h), f)).collect(),
    }
}

/// Side conditions are proved by `linarith` from every hypothesis.
fn by_linarith<'a>(b: &mut ProofBuilder<'a>, goal: &Formula) -> Result<StepId, ProverError> {
    let ctx = b.context();
    let facts = ctx.hypotheses.iter().map(|(h, _)| b.hypothesis(h)).collect::<Result<Vec<_>, _>>()?;
    linarith(b, &facts, goal, &ArithLimits::default())
}

#[test]
fn hypotheses_are_ground_rules() {
    let sig = sig();
    let fx = Term::app("f", vec![x()]);
    let c = ctx(vec![("h", Formula::eq(fx.clone(), y()))]);
    let mut b = ProofBuilder::new(&sig, &c);
    let h = b.hypothesis(&name("h")).unwrap();
    let rw = Rewriter::new(vec![Rule::step(&b, h, "h").unwrap()]).unwrap();
    let lhs = Term::app("g", vec![Term::add(fx, Term::int(1))]);
    let rhs = Term::app("g", vec![Term::add(y(), Term::int(1))]);
    let root = rw.prove_eq(&mut b, &lhs, &rhs, &RewriteLimits::default(), &mut by_linarith).unwrap();
    let thm = b.check(root).unwrap();
    assert_eq!(thm.conclusion(), &Formula::eq(lhs, rhs));
    assert_eq!(thm.hypotheses().len(), 1);
}

#[test]
fn side_conditions_become_obligations() {
    let sig = sig();
    let c = ctx(vec![("h", Formula::lt(Term::int(2), x()))]);
    let mut b = ProofBuilder::new(&sig, &c);
    let rule = Rule::fact(&sig, "abs_pos").unwrap().forward_only();
    assert_eq!(rule.conditions, 1);
    let rw = Rewriter::new(vec![rule]).unwrap();
    let lhs = Term::mul(Term::app("abs", vec![x()]), Term::int(3));
    let rhs = Term::mul(x(), Term::int(3));
    let root = rw.prove_eq(&mut b, &lhs, &rhs, &RewriteLimits::default(), &mut by_linarith).unwrap();
    let thm = b.check(root).unwrap();
    assert_eq!(thm.conclusion(), &Formula::eq(lhs, rhs));
    assert_eq!(thm.trust_base().iter().map(|n| n.to_string()).collect::<Vec<_>>(), ["abs_pos"]);

    // Without the hypothesis the obligation `0 <= y` fails, and says so.
    let c = ctx(vec![]);
    let mut b = ProofBuilder::new(&sig, &c);
    let lhs = Term::app("abs", vec![y()]);
    let err = rw.prove_eq(&mut b, &lhs, &y(), &RewriteLimits::default(), &mut by_linarith).unwrap_err();
    assert_eq!(
        err,
        ProverError::SideCondition {
            rule: "abs_pos".into(),
            condition: "0 <= y".into(),
            reason: "linarith found no certificate for 0 <= y".into(),
        }
    );
}

#[test]
fn definitions_unfold_and_fold_back() {
    let sig = sig();
    let c = ctx(vec![]);
    let mut b = ProofBuilder::new(&sig, &c);
    let rw = Rewriter::new(vec![Rule::fact(&sig, "double").unwrap()]).unwrap();
    // double(x) + double(y) = (x + x) + double(y), and back.
    let dx = Term::app("double", vec![x()]);
    let dy = Term::app("double", vec![y()]);
    let lhs = Term::add(dx, dy.clone());
    let rhs = Term::add(Term::add(x(), x()), dy);
    let root = rw.prove_eq(&mut b, &rhs, &lhs, &RewriteLimits::default(), &mut by_linarith).unwrap();
    assert_eq!(b.check(root).unwrap().conclusion(), &Formula::eq(rhs, lhs));
}

#[test]
fn constant_folding_is_justified_by_ring() {
    let sig = sig();
    let c = ctx(vec![]);
    let mut b = ProofBuilder::new(&sig, &c);
    let rw = Rewriter::new(vec![]).unwrap();
    let lhs =
        Term::app("f", vec![Term::add(Term::div(Term::int(3), Rat::int(4)), Term::pow(Term::int(2), 3))]);
    let rhs = Term::app("f", vec![Term::num(Rat::frac(35, 4).unwrap())]);
    let root = rw.prove_eq(&mut b, &lhs, &rhs, &RewriteLimits::default(), &mut by_linarith).unwrap();
    let proof = b.finish(root).unwrap();
    assert!(proof.steps.iter().any(|s| matches!(s, Step::Ring { .. })));
    assert_eq!(b.check(root).unwrap().conclusion(), &Formula::eq(lhs, rhs));
}

#[test]
fn unusable_rules_and_failures_are_reported() {
    let sig = sig();
    assert_eq!(
        Rule::fact(&sig, "f_const").unwrap_err(),
        ProverError::BadRule {
            rule: "f_const".into(),
            reason: "neither side mentions every quantified variable, so no instance is determined".into()
        }
    );
    assert!(matches!(Rule::fact(&sig, "nothing"), Err(ProverError::BadRule { .. })));
    let c = ctx(vec![]);
    let mut b = ProofBuilder::new(&sig, &c);
    let rw = Rewriter::new(vec![]).unwrap();
    let err = rw
        .prove_eq(
            &mut b,
            &Term::app("f", vec![x()]),
            &Term::app("g", vec![x()]),
            &RewriteLimits::default(),
            &mut by_linarith,
        )
        .unwrap_err();
    assert_eq!(
        err,
        ProverError::NotEqual {
            lhs: "f(x)".into(),
            rhs: "g(x)".into(),
            reason: "the rules saturated".into()
        }
    );
}
