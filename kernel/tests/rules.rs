//! Every rule of the checker: at least one accepted use with its exact conclusion, and
//! at least one refused use with its exact error, step and rule name. Then the
//! signature's extension checks, theorem reuse, trust bases and used hypotheses.

mod common;

use common::*;
use std::collections::BTreeSet;
use warrant_kernel::*;

fn names(list: &[&str]) -> BTreeSet<Name> {
    list.iter().map(|n| name(n)).collect()
}

fn hyp(n: &str) -> Step {
    Step::Hypothesis { name: name(n) }
}

fn assume(f: Formula) -> Step {
    Step::Assume { formula: f }
}

fn shape(expected: &'static str, found: Formula) -> KernelError {
    KernelError::Shape { expected, found: Box::new(found) }
}

fn mismatch(expected: Formula, found: Formula) -> KernelError {
    KernelError::Mismatch { expected: Box::new(expected), found: Box::new(found) }
}

fn instance_sort(expected: Sort, found: Sort) -> KernelError {
    KernelError::SortMismatch { context: "the instance".into(), expected, found }
}

fn certificate(reason: &str) -> KernelError {
    KernelError::Certificate { reason: reason.into() }
}

fn unknown_predicate(n: &str) -> KernelError {
    KernelError::UnknownSymbol { name: n.into(), expected: "predicate" }
}

// ---------------------------------------------------------------------------
// Hypotheses and the signature
// ---------------------------------------------------------------------------

#[test]
fn hypothesis_accepted() {
    let cx = ctx(&[], &[("h", q()), ("k", s())]);
    let thm = accept(&sig(), &cx, vec![hyp("h")]);
    assert_eq!(thm.conclusion(), &q());
    assert_eq!(thm.hypotheses(), &[(name("h"), q())]);
    assert!(thm.trust_base().is_empty());
}

#[test]
fn hypothesis_unknown_name_refused() {
    let cx = ctx(&[], &[("h", q())]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![Step::TrueIntro, hyp("nope")]);
    assert_eq!((step, rule), (1, "hypothesis"));
    assert_eq!(e, KernelError::UnknownHypothesis { name: "nope".into() });
}

#[test]
fn assume_accepted_and_discharged() {
    let thm = accept(&sig(), &empty(), vec![assume(q()), Step::ImpIntro { assumption: q(), from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::implies(q(), q()));
    assert!(thm.hypotheses().is_empty());
}

#[test]
fn assume_undischarged_refused() {
    let e = refuse(&sig(), &empty(), vec![assume(q())]);
    assert_eq!(e, KernelError::UndischargedAssumption { formula: Box::new(q()) });
    // An assumption equal to a context hypothesis is that hypothesis.
    let cx = ctx(&[], &[("h", s()), ("k", q())]);
    let thm = accept(&sig(), &cx, vec![assume(q())]);
    assert_eq!(thm.hypotheses(), &[(name("k"), q())]);
}

#[test]
fn assume_ill_sorted_refused() {
    let (step, rule, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::pred("unknown", vec![]))]);
    assert_eq!((step, rule), (0, "assume"));
    assert_eq!(e, unknown_predicate("unknown"));
    // Wrong arity.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::pred("p", vec![]))]);
    assert_eq!(e, KernelError::Arity { name: "p".into(), expected: 1, found: 0 });
    // Ill-sorted argument.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(p(int(1)))]);
    assert_eq!(
        e,
        KernelError::SortMismatch { context: "an argument of `p`".into(), expected: m(), found: Sort::Rat }
    );
    // A dangling bound variable.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(p(Term::Bound(0)))]);
    assert_eq!(e, KernelError::DanglingBound { index: 0 });
    // A function used as a predicate.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::pred("g", vec![c()]))]);
    assert_eq!(e, unknown_predicate("g"));
    // An undeclared sort on a free variable.
    let bad = Term::free("z", Sort::Named(name("Nope")));
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::eq(bad.clone(), bad))]);
    assert_eq!(e, KernelError::UnknownSort { sort: Sort::Named(name("Nope")) });
    // Equality between two sorts.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::eq(c(), int(0)))]);
    assert_eq!(
        e,
        KernelError::SortMismatch {
            context: "the right side of `=`".into(),
            expected: m(),
            found: Sort::Rat
        }
    );
    // A comparison over M.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::le(c(), c()))]);
    assert_eq!(
        e,
        KernelError::SortMismatch {
            context: "a side of a comparison".into(),
            expected: Sort::Rat,
            found: m()
        }
    );
    // Arithmetic on M.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![assume(Formula::le(Term::neg(c()), int(0)))]);
    assert_eq!(
        e,
        KernelError::SortMismatch {
            context: "an arithmetic operand".into(),
            expected: Sort::Rat,
            found: m()
        }
    );
    // Division by zero.
    let (_, _, e) =
        refuse_at(&sig(), &empty(), vec![assume(Formula::le(Term::div(int(1), Rat::zero()), int(0)))]);
    assert_eq!(e, KernelError::DivisionByZero);
}

#[test]
fn axiom_accepted() {
    let thm = accept(&sig(), &empty(), vec![Step::Axiom { name: name("p_g"), args: vec![c()] }]);
    assert_eq!(thm.conclusion(), &Formula::implies(p(c()), p(g(c()))));
    assert_eq!(thm.trust_base(), &names(&["p_g"]));
    // No arguments: the whole statement.
    let thm = accept(&sig(), &empty(), vec![Step::Axiom { name: name("p_g"), args: vec![] }]);
    assert_eq!(thm.conclusion(), &Formula::forall("x", m(), &Formula::implies(p(var("x")), p(g(var("x"))))));
}

#[test]
fn axiom_refused() {
    let sig = sig();
    let ax = |n: &str, args: Vec<Term>| Step::Axiom { name: name(n), args };
    let (step, rule, e) = refuse_at(&sig, &empty(), vec![ax("p_g", vec![int(1)])]);
    assert_eq!((step, rule), (0, "axiom"));
    assert_eq!(e, instance_sort(m(), Sort::Rat));
    let (_, _, e) = refuse_at(&sig, &empty(), vec![ax("p_g", vec![c(), c()])]);
    assert_eq!(e, KernelError::TooManyArguments { name: "p_g".into(), max: 1, given: 2 });
    let (_, _, e) = refuse_at(&sig, &empty(), vec![ax("nope", vec![])]);
    assert_eq!(e, KernelError::UnknownFact { name: "nope".into(), kind: "axiom" });
    // A definition is not an axiom.
    let (_, _, e) = refuse_at(&sig, &empty(), vec![ax("double", vec![])]);
    assert_eq!(e, KernelError::UnknownFact { name: "double".into(), kind: "axiom" });
    // An ill-sorted argument.
    let (_, _, e) = refuse_at(&sig, &empty(), vec![ax("p_g", vec![g(int(0))])]);
    assert_eq!(
        e,
        KernelError::SortMismatch { context: "an argument of `g`".into(), expected: m(), found: Sort::Rat }
    );
}

/// `⊢ forall x: M. p(x) -> p(g(g(x)))`, resting on `p_g`.
fn p_gg() -> (Vec<Step>, Formula) {
    let x = var("x");
    let steps = vec![
        assume(p(x.clone())),
        Step::Axiom { name: name("p_g"), args: vec![x.clone()] },
        Step::ImpElim { implication: 1, argument: 0 },
        Step::Axiom { name: name("p_g"), args: vec![g(x.clone())] },
        Step::ImpElim { implication: 3, argument: 2 },
        Step::ImpIntro { assumption: p(x.clone()), from: 4 },
        Step::ForallIntro { variable: name("x"), sort: m(), from: 5 },
    ];
    let stmt = Formula::forall("x", m(), &Formula::implies(p(x.clone()), p(g(g(x)))));
    (steps, stmt)
}

#[test]
fn theorem_accepted_with_its_trust_base() {
    let mut sig = sig();
    let (steps, stmt) = p_gg();
    let thm = accept(&sig, &empty(), steps);
    assert_eq!(thm.conclusion(), &stmt);
    assert_eq!(thm.trust_base(), &names(&["p_g"]));
    sig.add_theorem(name("p_gg"), &thm).unwrap();
    // Cite it, and an axiom too: the trust base is the union, transitively.
    let cited = accept(
        &sig,
        &empty(),
        vec![
            Step::Theorem { name: name("p_gg"), args: vec![c()] },
            Step::Axiom { name: name("q_holds"), args: vec![] },
            Step::AndIntro { left: 0, right: 1 },
        ],
    );
    assert_eq!(cited.conclusion(), &Formula::and(Formula::implies(p(c()), p(g(g(c())))), q()));
    assert_eq!(cited.trust_base(), &names(&["p_g", "q_holds"]));
    // A theorem of a theorem carries the base on.
    sig.add_theorem(name("again"), &cited).unwrap();
    let twice = accept(&sig, &empty(), vec![Step::Theorem { name: name("again"), args: vec![] }]);
    assert_eq!(twice.trust_base(), &names(&["p_g", "q_holds"]));
}

#[test]
fn theorem_refused() {
    let sig = sig();
    let (step, rule, e) =
        refuse_at(&sig, &empty(), vec![Step::Theorem { name: name("q_holds"), args: vec![] }]);
    assert_eq!((step, rule), (0, "theorem"));
    assert_eq!(e, KernelError::UnknownFact { name: "q_holds".into(), kind: "theorem" });
    let mut sig = sig;
    let (steps, _) = p_gg();
    let thm = accept(&sig, &empty(), steps);
    sig.add_theorem(name("p_gg"), &thm).unwrap();
    let (_, _, e) =
        refuse_at(&sig, &empty(), vec![Step::Theorem { name: name("p_gg"), args: vec![rvar("z")] }]);
    assert_eq!(e, instance_sort(m(), Sort::Rat));
}

#[test]
fn unfold_accepted() {
    let thm = accept(&sig(), &empty(), vec![Step::Unfold { name: name("double"), args: vec![int(3)] }]);
    assert_eq!(thm.conclusion(), &Formula::eq(Term::app("double", vec![int(3)]), Term::add(int(3), int(3))));
    assert!(thm.trust_base().is_empty());
    let y = rvar("y");
    let cx = ctx(&[("y", Sort::Rat)], &[]);
    let thm = accept(&sig(), &cx, vec![Step::Unfold { name: name("positive"), args: vec![y.clone()] }]);
    assert_eq!(
        thm.conclusion(),
        &Formula::iff(Formula::pred("positive", vec![y.clone()]), Formula::lt(int(0), y.clone()))
    );
    // Fewer arguments leave the quantifier.
    let thm = accept(&sig(), &empty(), vec![Step::Unfold { name: name("positive"), args: vec![] }]);
    assert_eq!(
        thm.conclusion(),
        &Formula::forall(
            "y",
            Sort::Rat,
            &Formula::iff(Formula::pred("positive", vec![y.clone()]), Formula::lt(int(0), y))
        )
    );
}

#[test]
fn unfold_refused() {
    let (step, rule, e) = refuse_at(
        &sig(),
        &empty(),
        vec![Step::TrueIntro, Step::Unfold { name: name("double"), args: vec![c()] }],
    );
    assert_eq!((step, rule), (1, "unfold"));
    assert_eq!(e, instance_sort(Sort::Rat, m()));
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![Step::Unfold { name: name("p_g"), args: vec![] }]);
    assert_eq!(e, KernelError::UnknownFact { name: "p_g".into(), kind: "definition" });
    // A declared (not defined) symbol cannot be unfolded.
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![Step::Unfold { name: name("g"), args: vec![] }]);
    assert_eq!(e, KernelError::UnknownFact { name: "g".into(), kind: "definition" });
}

// ---------------------------------------------------------------------------
// Connectives
// ---------------------------------------------------------------------------

#[test]
fn true_intro_accepted() {
    let thm = accept(&sig(), &empty(), vec![Step::TrueIntro]);
    assert_eq!(thm.conclusion(), &Formula::True);
    assert!(thm.hypotheses().is_empty());
}

#[test]
fn true_intro_cannot_prove_false() {
    // `true-intro` has no premise and no side condition, so it cannot fail by itself;
    // what it cannot do is stand in for anything but `true`.
    let (step, rule, e) =
        refuse_at(&sig(), &empty(), vec![Step::TrueIntro, Step::FalseElim { from: 0, goal: q() }]);
    assert_eq!((step, rule), (1, "false-elim"));
    assert_eq!(e, mismatch(Formula::False, Formula::True));
}

#[test]
fn false_elim_accepted() {
    let cx = ctx(&[], &[("bot", Formula::False)]);
    let thm = accept(&sig(), &cx, vec![hyp("bot"), Step::FalseElim { from: 0, goal: p(c()) }]);
    assert_eq!(thm.conclusion(), &p(c()));
    assert_eq!(thm.hypotheses(), &[(name("bot"), Formula::False)]);
}

#[test]
fn false_elim_refused() {
    let cx = ctx(&[], &[("h", q()), ("bot", Formula::False)]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::FalseElim { from: 0, goal: s() }]);
    assert_eq!((step, rule), (1, "false-elim"));
    assert_eq!(e, mismatch(Formula::False, q()));
    // The goal must be well-sorted.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("bot"), Step::FalseElim { from: 0, goal: Formula::pred("nope", vec![]) }],
    );
    assert_eq!(e, unknown_predicate("nope"));
}

#[test]
fn and_intro_accepted() {
    let cx = ctx(&[], &[("h", q()), ("k", s())]);
    let thm = accept(&sig(), &cx, vec![hyp("k"), hyp("h"), Step::AndIntro { left: 1, right: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::and(q(), s()));
    // Context order, not use order.
    assert_eq!(thm.hypotheses(), &[(name("h"), q()), (name("k"), s())]);
}

#[test]
fn and_intro_forward_reference_refused() {
    let cx = ctx(&[], &[("h", q())]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("h"), Step::AndIntro { left: 0, right: 2 }, hyp("h")]);
    assert_eq!((step, rule), (1, "and-intro"));
    assert_eq!(e, KernelError::ForwardReference { reference: 2 });
    // Referring to itself is a forward reference too.
    let (step, _, e) = refuse_at(&sig(), &cx, vec![Step::AndIntro { left: 0, right: 0 }]);
    assert_eq!(step, 0);
    assert_eq!(e, KernelError::ForwardReference { reference: 0 });
    // And far out of range.
    let (_, _, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::AndIntro { left: usize::MAX, right: 0 }]);
    assert_eq!(e, KernelError::ForwardReference { reference: usize::MAX });
}

#[test]
fn and_elim_accepted() {
    let cx = ctx(&[], &[("h", Formula::and(q(), s()))]);
    let thm = accept(&sig(), &cx, vec![hyp("h"), Step::AndLeft { from: 0 }]);
    assert_eq!(thm.conclusion(), &q());
    assert_eq!(thm.hypotheses(), &[(name("h"), Formula::and(q(), s()))]);
    let thm = accept(&sig(), &cx, vec![hyp("h"), Step::AndRight { from: 0 }]);
    assert_eq!(thm.conclusion(), &s());
}

#[test]
fn and_elim_refused() {
    let cx = ctx(&[], &[("h", Formula::or(q(), s()))]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::AndLeft { from: 0 }]);
    assert_eq!((step, rule), (1, "and-left"));
    assert_eq!(e, shape("a conjunction", Formula::or(q(), s())));
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::AndRight { from: 0 }]);
    assert_eq!((step, rule), (1, "and-right"));
    assert_eq!(e, shape("a conjunction", Formula::or(q(), s())));
}

#[test]
fn or_intro_accepted() {
    let cx = ctx(&[], &[("h", q())]);
    let thm = accept(&sig(), &cx, vec![hyp("h"), Step::OrLeft { from: 0, right: s() }]);
    assert_eq!(thm.conclusion(), &Formula::or(q(), s()));
    let thm = accept(&sig(), &cx, vec![hyp("h"), Step::OrRight { left: s(), from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::or(s(), q()));
}

#[test]
fn or_intro_refused() {
    let cx = ctx(&[], &[("h", q())]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("h"), Step::OrLeft { from: 0, right: p(Term::Bound(3)) }]);
    assert_eq!((step, rule), (1, "or-left"));
    assert_eq!(e, KernelError::DanglingBound { index: 3 });
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("h"), Step::OrRight { left: Formula::pred("zz", vec![]), from: 0 }]);
    assert_eq!((step, rule), (1, "or-right"));
    assert_eq!(e, unknown_predicate("zz"));
    let (step, _, e) = refuse_at(&sig(), &cx, vec![Step::OrRight { left: q(), from: 7 }]);
    assert_eq!(step, 0);
    assert_eq!(e, KernelError::ForwardReference { reference: 7 });
}

#[test]
fn or_elim_accepted_and_discharges() {
    // q or s ⊢ s or q.
    let cx = ctx(&[], &[("h", Formula::or(q(), s()))]);
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("h"),
            assume(q()),
            Step::OrRight { left: s(), from: 1 },
            assume(s()),
            Step::OrLeft { from: 3, right: q() },
            Step::OrElim { from: 0, left: 2, right: 4 },
        ],
    );
    assert_eq!(thm.conclusion(), &Formula::or(s(), q()));
    assert_eq!(thm.hypotheses(), &[(name("h"), Formula::or(q(), s()))]);
}

#[test]
fn or_elim_refused() {
    let cx = ctx(&[], &[("h", Formula::or(q(), s()))]);
    // The branches prove different things.
    let (step, rule, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("h"), assume(q()), assume(s()), Step::OrElim { from: 0, left: 1, right: 2 }],
    );
    assert_eq!((step, rule), (3, "or-elim"));
    assert_eq!(e, mismatch(q(), s()));
    // The first premise is not a disjunction.
    let (_, _, e) = refuse_at(&sig(), &cx, vec![assume(q()), Step::OrElim { from: 0, left: 0, right: 0 }]);
    assert_eq!(e, shape("a disjunction", q()));
    // The branches discharge only their own disjunct: swapped, each keeps the
    // disjunct it did not get, and the proof rests on assumptions out of context.
    let e = refuse(
        &sig(),
        &cx,
        vec![
            hyp("h"),
            assume(q()),
            Step::OrRight { left: s(), from: 1 },
            assume(s()),
            Step::OrLeft { from: 3, right: q() },
            Step::OrElim { from: 0, left: 4, right: 2 },
        ],
    );
    assert_eq!(e, KernelError::UndischargedAssumption { formula: Box::new(q()) });
}

#[test]
fn imp_intro_accepted() {
    // Discharges only its assumption; keeps the others.
    let cx = ctx(&[], &[("k", s())]);
    let thm = accept(
        &sig(),
        &cx,
        vec![
            assume(q()),
            hyp("k"),
            Step::AndIntro { left: 0, right: 1 },
            Step::ImpIntro { assumption: q(), from: 2 },
        ],
    );
    assert_eq!(thm.conclusion(), &Formula::implies(q(), Formula::and(q(), s())));
    assert_eq!(thm.hypotheses(), &[(name("k"), s())]);
    // Vacuous discharge is fine.
    let thm = accept(&sig(), &empty(), vec![Step::TrueIntro, Step::ImpIntro { assumption: q(), from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::implies(q(), Formula::True));
}

#[test]
fn imp_intro_refused() {
    let (step, rule, e) = refuse_at(
        &sig(),
        &empty(),
        vec![Step::TrueIntro, Step::ImpIntro { assumption: Formula::not(p(Term::Bound(0))), from: 0 }],
    );
    assert_eq!((step, rule), (1, "imp-intro"));
    assert_eq!(e, KernelError::DanglingBound { index: 0 });
    // Discharging the wrong formula leaves the real assumption open.
    let e = refuse(&sig(), &empty(), vec![assume(q()), Step::ImpIntro { assumption: s(), from: 0 }]);
    assert_eq!(e, KernelError::UndischargedAssumption { formula: Box::new(q()) });
}

#[test]
fn imp_elim_accepted() {
    let cx = ctx(&[], &[("i", Formula::implies(q(), s())), ("h", q())]);
    let thm = accept(&sig(), &cx, vec![hyp("i"), hyp("h"), Step::ImpElim { implication: 0, argument: 1 }]);
    assert_eq!(thm.conclusion(), &s());
    assert_eq!(thm.hypotheses().len(), 2);
}

#[test]
fn imp_elim_refused() {
    let cx = ctx(&[], &[("i", Formula::implies(q(), s())), ("h", s())]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("i"), hyp("h"), Step::ImpElim { implication: 0, argument: 1 }]);
    assert_eq!((step, rule), (2, "imp-elim"));
    assert_eq!(e, mismatch(q(), s()));
    let (_, _, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::ImpElim { implication: 0, argument: 0 }]);
    assert_eq!(e, shape("an implication", s()));
}

#[test]
fn not_intro_accepted() {
    // From q -> false, not q.
    let cx = ctx(&[], &[("i", Formula::implies(q(), Formula::False))]);
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("i"),
            assume(q()),
            Step::ImpElim { implication: 0, argument: 1 },
            Step::NotIntro { assumption: q(), from: 2 },
        ],
    );
    assert_eq!(thm.conclusion(), &Formula::not(q()));
    assert_eq!(thm.hypotheses().len(), 1);
}

#[test]
fn not_intro_refused() {
    let (step, rule, e) =
        refuse_at(&sig(), &empty(), vec![assume(q()), Step::NotIntro { assumption: q(), from: 0 }]);
    assert_eq!((step, rule), (1, "not-intro"));
    assert_eq!(e, mismatch(Formula::False, q()));
}

#[test]
fn not_elim_accepted() {
    let cx = ctx(&[], &[("n", Formula::not(q())), ("h", q())]);
    let thm = accept(&sig(), &cx, vec![hyp("n"), hyp("h"), Step::NotElim { negation: 0, argument: 1 }]);
    assert_eq!(thm.conclusion(), &Formula::False);
    assert_eq!(thm.hypotheses().len(), 2);
}

#[test]
fn not_elim_refused() {
    let cx = ctx(&[], &[("n", Formula::not(q())), ("h", s())]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("n"), hyp("h"), Step::NotElim { negation: 0, argument: 1 }]);
    assert_eq!((step, rule), (2, "not-elim"));
    assert_eq!(e, mismatch(q(), s()));
    let (_, _, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::NotElim { negation: 0, argument: 0 }]);
    assert_eq!(e, shape("a negation", s()));
}

#[test]
fn iff_intro_accepted() {
    let cx = ctx(&[], &[("f", Formula::implies(q(), s())), ("b", Formula::implies(s(), q()))]);
    let thm = accept(&sig(), &cx, vec![hyp("f"), hyp("b"), Step::IffIntro { forward: 0, backward: 1 }]);
    assert_eq!(thm.conclusion(), &Formula::iff(q(), s()));
}

#[test]
fn iff_intro_refused() {
    let cx = ctx(&[], &[("f", Formula::implies(q(), s())), ("b", Formula::implies(q(), s()))]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("f"), hyp("b"), Step::IffIntro { forward: 0, backward: 1 }]);
    assert_eq!((step, rule), (2, "iff-intro"));
    assert_eq!(e, mismatch(Formula::implies(s(), q()), Formula::implies(q(), s())));
}

#[test]
fn iff_elim_accepted() {
    let cx = ctx(&[], &[("e", Formula::iff(q(), s()))]);
    let thm = accept(&sig(), &cx, vec![hyp("e"), Step::IffForward { from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::implies(q(), s()));
    let thm = accept(&sig(), &cx, vec![hyp("e"), Step::IffBackward { from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::implies(s(), q()));
}

#[test]
fn iff_elim_refused() {
    let cx = ctx(&[], &[("e", Formula::implies(q(), s()))]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("e"), Step::IffForward { from: 0 }]);
    assert_eq!((step, rule), (1, "iff-forward"));
    assert_eq!(e, shape("an equivalence", Formula::implies(q(), s())));
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("e"), Step::IffBackward { from: 0 }]);
    assert_eq!((step, rule), (1, "iff-backward"));
    assert_eq!(e, shape("an equivalence", Formula::implies(q(), s())));
}

#[test]
fn excluded_middle_accepted() {
    let f = Formula::forall("x", m(), &p(var("x")));
    let thm = accept(&sig(), &empty(), vec![Step::ExcludedMiddle { formula: f.clone() }]);
    assert_eq!(thm.conclusion(), &Formula::or(f.clone(), Formula::not(f)));
}

#[test]
fn excluded_middle_refused() {
    let (step, rule, e) =
        refuse_at(&sig(), &empty(), vec![Step::ExcludedMiddle { formula: Formula::pred("q", vec![c()]) }]);
    assert_eq!((step, rule), (0, "excluded-middle"));
    assert_eq!(e, KernelError::Arity { name: "q".into(), expected: 0, found: 1 });
    // Its free variables must be the context's.
    let e = refuse(&sig(), &empty(), vec![Step::ExcludedMiddle { formula: p(var("x")) }]);
    assert_eq!(e, KernelError::UndeclaredVariable { variable: "x".into() });
}

// ---------------------------------------------------------------------------
// Quantifiers
// ---------------------------------------------------------------------------

#[test]
fn forall_intro_accepted() {
    // ⊢ forall x: M. x = x; a context variable may be generalised too.
    let thm = accept(
        &sig(),
        &empty(),
        vec![Step::Refl { term: var("x") }, Step::ForallIntro { variable: name("x"), sort: m(), from: 0 }],
    );
    assert_eq!(thm.conclusion(), &Formula::forall("x", m(), &Formula::eq(var("x"), var("x"))));
    // With a hypothesis that does not mention the variable.
    let cx = ctx(&[], &[("h", q())]);
    let thm = accept(
        &sig(),
        &cx,
        vec![hyp("h"), Step::ForallIntro { variable: name("y"), sort: Sort::Rat, from: 0 }],
    );
    assert_eq!(thm.conclusion(), &Formula::forall("y", Sort::Rat, &q()));
    assert_eq!(thm.hypotheses(), &[(name("h"), q())]);
}

#[test]
fn forall_intro_eigenvariable_in_hypothesis_refused() {
    // p(x) ⊢ p(x) must not give p(x) ⊢ forall x. p(x).
    let cx = ctx(&[("x", m())], &[("h", p(var("x")))]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("h"), Step::ForallIntro { variable: name("x"), sort: m(), from: 0 }]);
    assert_eq!((step, rule), (1, "forall-intro"));
    assert_eq!(
        e,
        KernelError::EigenvariableOccurs { variable: "x".into(), place: "the hypothesis p(x)".into() }
    );
    // Same through an assumption.
    let (_, _, e) = refuse_at(
        &sig(),
        &empty(),
        vec![assume(p(var("x"))), Step::ForallIntro { variable: name("x"), sort: m(), from: 0 }],
    );
    assert!(matches!(e, KernelError::EigenvariableOccurs { .. }), "{e:?}");
    // An unknown sort.
    let (_, _, e) = refuse_at(
        &sig(),
        &empty(),
        vec![
            Step::TrueIntro,
            Step::ForallIntro { variable: name("x"), sort: Sort::Named(name("Nope")), from: 0 },
        ],
    );
    assert_eq!(e, KernelError::UnknownSort { sort: Sort::Named(name("Nope")) });
}

#[test]
fn forall_elim_accepted() {
    let all = Formula::forall("x", m(), &p(var("x")));
    let cx = ctx(&[], &[("h", all.clone())]);
    let thm = accept(&sig(), &cx, vec![hyp("h"), Step::ForallElim { from: 0, term: g(c()) }]);
    assert_eq!(thm.conclusion(), &p(g(c())));
    assert_eq!(thm.hypotheses(), &[(name("h"), all)]);
}

#[test]
fn forall_elim_refused() {
    let all = Formula::forall("x", m(), &p(var("x")));
    let cx = ctx(&[], &[("h", all), ("k", q())]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("h"), Step::ForallElim { from: 0, term: int(2) }]);
    assert_eq!((step, rule), (1, "forall-elim"));
    assert_eq!(e, instance_sort(m(), Sort::Rat));
    let (_, _, e) = refuse_at(&sig(), &cx, vec![hyp("k"), Step::ForallElim { from: 0, term: c() }]);
    assert_eq!(e, shape("a universal formula", q()));
    // An instance with a dangling bound variable.
    let (_, _, e) =
        refuse_at(&sig(), &cx, vec![hyp("h"), Step::ForallElim { from: 0, term: Term::Bound(0) }]);
    assert_eq!(e, KernelError::DanglingBound { index: 0 });
}

#[test]
fn exists_intro_accepted() {
    let ex = Formula::exists("x", m(), &p(g(var("x"))));
    let (hint, sort, body) = binder(&ex);
    let cx = ctx(&[], &[("h", p(g(c())))]);
    let thm =
        accept(&sig(), &cx, vec![hyp("h"), Step::ExistsIntro { hint, sort, body, witness: c(), from: 0 }]);
    assert_eq!(thm.conclusion(), &ex);
}

#[test]
fn exists_intro_refused() {
    let ex = Formula::exists("x", m(), &p(g(var("x"))));
    let (hint, sort, body) = binder(&ex);
    let cx = ctx(&[], &[("h", p(g(c())))]);
    // The premise is not the instance at the witness.
    let (step, rule, e) = refuse_at(
        &sig(),
        &cx,
        vec![
            hyp("h"),
            Step::ExistsIntro {
                hint: hint.clone(),
                sort: sort.clone(),
                body: body.clone(),
                witness: g(c()),
                from: 0,
            },
        ],
    );
    assert_eq!((step, rule), (1, "exists-intro"));
    assert_eq!(e, mismatch(p(g(g(c()))), p(g(c()))));
    // A witness of the wrong sort.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![
            hyp("h"),
            Step::ExistsIntro {
                hint: hint.clone(),
                sort: sort.clone(),
                body: body.clone(),
                witness: int(0),
                from: 0,
            },
        ],
    );
    assert_eq!(e, instance_sort(m(), Sort::Rat));
    // A body that is ill-sorted under the binder's sort.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("h"), Step::ExistsIntro { hint, sort: Sort::Rat, body, witness: int(0), from: 0 }],
    );
    assert_eq!(
        e,
        KernelError::SortMismatch { context: "an argument of `g`".into(), expected: m(), found: Sort::Rat }
    );
}

#[test]
fn exists_elim_accepted() {
    // exists x. p(x) and q ⊢ q
    let ex = Formula::exists("x", m(), &Formula::and(p(var("x")), q()));
    let cx = ctx(&[], &[("h", ex.clone())]);
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("h"),
            assume(Formula::and(p(var("y")), q())),
            Step::AndRight { from: 1 },
            Step::ExistsElim { from: 0, variable: name("y"), body: 2 },
        ],
    );
    assert_eq!(thm.conclusion(), &q());
    assert_eq!(thm.hypotheses(), &[(name("h"), ex)]);
}

#[test]
fn exists_elim_eigenvariable_refused() {
    let ex = Formula::exists("x", m(), &p(var("x")));
    let cx = ctx(&[("y", m())], &[("h", ex), ("k", p(var("y"))), ("k2", p(g(var("y"))))]);
    // The eigenvariable in the conclusion: exists x. p(x) ⊬ p(y).
    let (step, rule, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("h"), assume(p(var("y"))), Step::ExistsElim { from: 0, variable: name("y"), body: 1 }],
    );
    assert_eq!((step, rule), (2, "exists-elim"));
    assert_eq!(
        e,
        KernelError::EigenvariableOccurs { variable: "y".into(), place: "the conclusion p(y)".into() }
    );
    // The eigenvariable in a hypothesis of the body other than the instance:
    // exists x. p(x) and p(g(y)) must not let y stand for the witness.
    let (step, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![
            hyp("h"),
            hyp("k2"),
            Step::TrueIntro,
            Step::AndIntro { left: 1, right: 2 },
            Step::AndRight { from: 3 },
            Step::ExistsElim { from: 0, variable: name("y"), body: 4 },
        ],
    );
    assert_eq!(step, 5);
    assert_eq!(
        e,
        KernelError::EigenvariableOccurs { variable: "y".into(), place: "the hypothesis p(g(y))".into() }
    );
    // The eigenvariable in the existential itself.
    let ex_y = Formula::exists("x", m(), &Formula::eq(var("x"), var("y")));
    let c2 = ctx(&[("y", m())], &[("h", ex_y)]);
    let (_, _, e) = refuse_at(
        &sig(),
        &c2,
        vec![hyp("h"), Step::TrueIntro, Step::ExistsElim { from: 0, variable: name("y"), body: 1 }],
    );
    assert_eq!(
        e,
        KernelError::EigenvariableOccurs {
            variable: "y".into(),
            place: "the existential exists x: M. x = y".into()
        }
    );
    // The first premise is not an existential.
    let (_, _, e) = refuse_at(
        &sig(),
        &c2,
        vec![Step::TrueIntro, Step::ExistsElim { from: 0, variable: name("z"), body: 0 }],
    );
    assert_eq!(e, shape("an existential formula", Formula::True));
}

// ---------------------------------------------------------------------------
// Equality
// ---------------------------------------------------------------------------

#[test]
fn refl_accepted() {
    let thm = accept(&sig(), &empty(), vec![Step::Refl { term: g(c()) }]);
    assert_eq!(thm.conclusion(), &Formula::eq(g(c()), g(c())));
}

#[test]
fn refl_refused() {
    let (step, rule, e) = refuse_at(&sig(), &empty(), vec![Step::Refl { term: Term::constant("nope") }]);
    assert_eq!((step, rule), (0, "refl"));
    assert_eq!(e, KernelError::UnknownSymbol { name: "nope".into(), expected: "function" });
    let (_, _, e) = refuse_at(&sig(), &empty(), vec![Step::Refl { term: Term::app("g", vec![c(), c()]) }]);
    assert_eq!(e, KernelError::Arity { name: "g".into(), expected: 1, found: 2 });
    // A predicate is not a function; nor is a sort.
    for n in ["p", "M", "p_g"] {
        let (_, _, e) = refuse_at(&sig(), &empty(), vec![Step::Refl { term: Term::constant(n) }]);
        assert_eq!(e, KernelError::UnknownSymbol { name: n.into(), expected: "function" });
    }
}

#[test]
fn symm_accepted() {
    let cx = ctx(&[], &[("e", Formula::eq(c(), g(c())))]);
    let thm = accept(&sig(), &cx, vec![hyp("e"), Step::Symm { from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::eq(g(c()), c()));
}

#[test]
fn symm_refused() {
    let cx = ctx(&[], &[("e", Formula::le(int(0), int(1)))]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("e"), Step::Symm { from: 0 }]);
    assert_eq!((step, rule), (1, "symm"));
    assert_eq!(e, shape("an equation", Formula::le(int(0), int(1))));
}

#[test]
fn trans_accepted() {
    let cx = ctx(&[], &[("e1", Formula::eq(c(), g(c()))), ("e2", Formula::eq(g(c()), g(g(c()))))]);
    let thm = accept(&sig(), &cx, vec![hyp("e1"), hyp("e2"), Step::Trans { left: 0, right: 1 }]);
    assert_eq!(thm.conclusion(), &Formula::eq(c(), g(g(c()))));
    assert_eq!(thm.hypotheses().len(), 2);
}

#[test]
fn trans_refused() {
    let cx = ctx(&[], &[("e1", Formula::eq(c(), g(c()))), ("e2", Formula::eq(c(), g(g(c()))))]);
    let (step, rule, e) =
        refuse_at(&sig(), &cx, vec![hyp("e1"), hyp("e2"), Step::Trans { left: 0, right: 1 }]);
    assert_eq!((step, rule), (2, "trans"));
    assert_eq!(e, KernelError::TermMismatch { expected: Box::new(g(c())), found: Box::new(c()) });
    let (_, _, e) =
        refuse_at(&sig(), &cx, vec![hyp("e1"), Step::TrueIntro, Step::Trans { left: 0, right: 1 }]);
    assert_eq!(e, shape("an equation", Formula::True));
}

#[test]
fn congruence_accepted() {
    // c = g(c) ⊢ r(g(c)) + 1 = r(g(g(c))) + 1
    let cx = ctx(&[], &[("e", Formula::eq(c(), g(c())))]);
    let context = Term::add(r(g(Term::Bound(0))), int(1));
    let thm = accept(&sig(), &cx, vec![hyp("e"), Step::Congruence { hole: m(), context, from: 0 }]);
    assert_eq!(thm.conclusion(), &Formula::eq(Term::add(r(g(c())), int(1)), Term::add(r(g(g(c()))), int(1))));
}

#[test]
fn congruence_refused() {
    let cx = ctx(&[], &[("e", Formula::eq(c(), g(c())))]);
    // The hole's sort differs from the equation's.
    let (step, rule, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("e"), Step::Congruence { hole: Sort::Rat, context: Term::Bound(0), from: 0 }],
    );
    assert_eq!((step, rule), (1, "congruence"));
    assert_eq!(e, instance_sort(Sort::Rat, m()));
    // A context with a second dangling variable.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![
            hyp("e"),
            Step::Congruence { hole: m(), context: Term::add(r(Term::Bound(0)), r(Term::Bound(1))), from: 0 },
        ],
    );
    assert_eq!(e, KernelError::DanglingBound { index: 1 });
    // A context that uses the hole at the wrong sort.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("e"), Step::Congruence { hole: m(), context: Term::neg(Term::Bound(0)), from: 0 }],
    );
    assert_eq!(
        e,
        KernelError::SortMismatch {
            context: "an arithmetic operand".into(),
            expected: Sort::Rat,
            found: m()
        }
    );
}

/// The sort of an equation's side, which congruence and substitution read from the
/// side's head alone (the equation was checked), for every kind of head.
#[test]
fn congruence_reads_the_sort_of_each_kind_of_side() {
    let sides = [
        (var("y"), m()),
        (c(), m()),
        (g(var("y")), m()),
        (r(c()), Sort::Rat),
        (rvar("x"), Sort::Rat),
        (int(3), Sort::Rat),
        (Term::add(rvar("x"), int(1)), Sort::Rat),
        (Term::neg(r(c())), Sort::Rat),
        (Term::pow(rvar("x"), 2), Sort::Rat),
    ];
    for (side, sort) in sides {
        let cx = ctx(&[("x", Sort::Rat), ("y", m())], &[("e", Formula::eq(side.clone(), side.clone()))]);
        let other = if sort == m() { Sort::Rat } else { m() };
        // The right sort for the hole is accepted...
        let steps = vec![hyp("e"), Step::Congruence { hole: sort.clone(), context: Term::Bound(0), from: 0 }];
        let thm = accept(&sig(), &cx, steps);
        assert_eq!(thm.conclusion(), &Formula::eq(side.clone(), side.clone()));
        // ...and the other is refused, naming both sorts.
        let steps =
            vec![hyp("e"), Step::Congruence { hole: other.clone(), context: Term::Bound(0), from: 0 }];
        let (step, rule, e) = refuse_at(&sig(), &cx, steps);
        assert_eq!((step, rule, e), (1, "congruence", instance_sort(other, sort)), "side {side}");
    }
}

/// A step's sequent is freed after the last step that names it: a step named by
/// several steps, far apart and twice by one step, stays available to each of them.
#[test]
fn premises_named_many_times_stay_available() {
    let cx = ctx(&[], &[("hq", q())]);
    let steps = vec![
        hyp("hq"),
        Step::TrueIntro,
        Step::AndIntro { left: 0, right: 0 },
        Step::AndIntro { left: 1, right: 0 },
        Step::AndIntro { left: 2, right: 3 },
        Step::AndIntro { left: 0, right: 4 },
    ];
    let thm = accept(&sig(), &cx, steps);
    let qq = Formula::and(q(), q());
    let tq = Formula::and(Formula::True, q());
    assert_eq!(thm.conclusion(), &Formula::and(q(), Formula::and(qq, tq)));
    assert_eq!(thm.hypotheses().len(), 1);
}

#[test]
fn substitute_accepted() {
    // c = g(c), forall y. p(c) or y = c ⊢ forall y. p(g(c)) or y = g(c)
    let motive_of = |t: Term| Formula::forall("y", m(), &Formula::or(p(t.clone()), Formula::eq(var("y"), t)));
    let hole = Term::free("HOLE", m());
    let motive = {
        let f = Formula::forall("HOLE", m(), &motive_of(hole));
        binder(&f).2
    };
    let cx = ctx(&[], &[("e", Formula::eq(c(), g(c()))), ("h", motive_of(c()))]);
    let thm = accept(
        &sig(),
        &cx,
        vec![hyp("e"), hyp("h"), Step::Substitute { hole: m(), motive, equation: 0, from: 1 }],
    );
    assert_eq!(thm.conclusion(), &motive_of(g(c())));
    assert_eq!(thm.hypotheses().len(), 2);
}

#[test]
fn substitute_refused() {
    let cx = ctx(&[], &[("e", Formula::eq(c(), g(c()))), ("h", p(g(c())))]);
    // P[a] is p(c), but the premise is p(g(c)).
    let (step, rule, e) = refuse_at(
        &sig(),
        &cx,
        vec![
            hyp("e"),
            hyp("h"),
            Step::Substitute { hole: m(), motive: p(Term::Bound(0)), equation: 0, from: 1 },
        ],
    );
    assert_eq!((step, rule), (2, "substitute"));
    assert_eq!(e, mismatch(p(c()), p(g(c()))));
    // The equation premise is not an equation.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![hyp("h"), Step::Substitute { hole: m(), motive: p(Term::Bound(0)), equation: 0, from: 0 }],
    );
    assert_eq!(e, shape("an equation", p(g(c()))));
    // A motive with a dangling variable.
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![
            hyp("e"),
            hyp("h"),
            Step::Substitute {
                hole: m(),
                motive: Formula::and(p(Term::Bound(0)), p(Term::Bound(1))),
                equation: 0,
                from: 1,
            },
        ],
    );
    assert_eq!(e, KernelError::DanglingBound { index: 1 });
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

#[test]
fn ring_accepted() {
    let (x, y) = (rvar("x"), rvar("y"));
    let cx = ctx(&[("x", Sort::Rat), ("y", Sort::Rat)], &[]);
    let lhs = Term::pow(Term::sub(x.clone(), y.clone()), 3);
    let rhs = Term::add(
        Term::sub(Term::pow(x.clone(), 3), Term::mul(int(3), Term::mul(Term::pow(x.clone(), 2), y.clone()))),
        Term::sub(
            Term::div(Term::mul(int(6), Term::mul(x.clone(), Term::pow(y.clone(), 2))), Rat::int(2)),
            Term::pow(y.clone(), 3),
        ),
    );
    let thm = accept(&sig(), &cx, vec![Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() }]);
    assert_eq!(thm.conclusion(), &Formula::eq(lhs, rhs));
    // Function applications are atoms.
    let a = r(c_());
    let lhs = Term::mul(Term::add(a.clone(), int(1)), Term::add(a.clone(), int(1)));
    let rhs = Term::add(Term::pow(a.clone(), 2), Term::add(Term::mul(int(2), a), int(1)));
    let thm = accept(&sig(), &empty(), vec![Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() }]);
    assert_eq!(thm.conclusion(), &Formula::eq(lhs, rhs));
}

fn c_() -> Term {
    c()
}

#[test]
fn ring_refused() {
    let x = rvar("x");
    let cx = ctx(&[("x", Sort::Rat)], &[]);
    let (step, rule, e) = refuse_at(
        &sig(),
        &cx,
        vec![Step::Ring {
            lhs: Term::pow(Term::add(x.clone(), int(1)), 2),
            rhs: Term::add(Term::pow(x.clone(), 2), int(1)),
        }],
    );
    assert_eq!((step, rule), (0, "ring"));
    let KernelError::RingMismatch { lhs, rhs } = e else {
        panic!("expected a ring mismatch, got {e:?}");
    };
    assert_ne!(lhs, rhs);
    assert!(lhs.contains("2*x"), "{lhs}");
    assert!(!rhs.contains("2*x"), "{rhs}");
    // Sides of sort M.
    let (_, _, e) = refuse_at(&sig(), &cx, vec![Step::Ring { lhs: c(), rhs: c() }]);
    assert_eq!(e, instance_sort(Sort::Rat, m()));
    // The atoms r(g(c)) and r(c) are different.
    let (_, _, e) = refuse_at(&sig(), &cx, vec![Step::Ring { lhs: r(g(c())), rhs: r(c()) }]);
    assert!(matches!(e, KernelError::RingMismatch { .. }), "{e:?}");
    // x / 2 * 2 = x holds, but x / 3 = x * 0.33 does not.
    accept(
        &sig(),
        &cx,
        vec![Step::Ring { lhs: Term::mul(Term::div(x.clone(), Rat::int(2)), int(2)), rhs: x.clone() }],
    );
    let (_, _, e) = refuse_at(
        &sig(),
        &cx,
        vec![Step::Ring {
            lhs: Term::div(x.clone(), Rat::int(3)),
            rhs: Term::mul(x, Term::num(rat(33, 100))),
        }],
    );
    assert!(matches!(e, KernelError::RingMismatch { .. }), "{e:?}");
}

fn product(coefficient: Rat, factors: Vec<usize>) -> Product {
    Product { coefficient, factors }
}

fn rat_ctx(hyps: &[(&str, Formula)]) -> Context {
    ctx(&[("x", Sort::Rat), ("y", Sort::Rat)], hyps)
}

#[test]
fn psatz_linear_accepted() {
    // 0 <= x, 0 <= y ⊢ 0 <= 2x + 3y.
    let (x, y) = (rvar("x"), rvar("y"));
    let cx = rat_ctx(&[("hx", Formula::le(int(0), x.clone())), ("hy", Formula::le(int(0), y.clone()))]);
    let goal = Formula::le(int(0), Term::add(Term::mul(int(2), x.clone()), Term::mul(int(3), y.clone())));
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("hx"),
            hyp("hy"),
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0, 1],
                products: vec![product(Rat::int(2), vec![0]), product(Rat::int(3), vec![1])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &goal);
    assert_eq!(thm.hypotheses().len(), 2);
    // Slack is allowed for `<=`: 0 <= x ⊢ -1 <= x.
    let goal = Formula::le(int(-1), x.clone());
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("hx"),
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0],
                products: vec![product(Rat::one(), vec![0])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &goal);
    assert_eq!(thm.hypotheses().len(), 1);
}

#[test]
fn psatz_nonlinear_squares_and_contradictions_accepted() {
    let (x, y) = (rvar("x"), rvar("y"));
    // 0 <= x, 0 <= y ⊢ 0 <= x*y.
    let cx = rat_ctx(&[
        ("hx", Formula::le(int(0), x.clone())),
        ("hy", Formula::le(int(0), y.clone())),
        ("neg", Formula::lt(x.clone(), int(0))),
        ("pos", Formula::lt(int(0), x.clone())),
        ("zero", Formula::eq(x.clone(), y.clone())),
    ]);
    let goal = Formula::le(int(0), Term::mul(x.clone(), y.clone()));
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("hx"),
            hyp("hy"),
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0, 1],
                products: vec![product(Rat::one(), vec![0, 1])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &goal);
    // ⊢ 2x <= x^2 + 1, by (x - 1)^2 >= 0.
    let goal = Formula::le(Term::mul(int(2), x.clone()), Term::add(Term::pow(x.clone(), 2), int(1)));
    let thm = accept(
        &sig(),
        &cx,
        vec![Step::Psatz {
            goal: goal.clone(),
            facts: vec![],
            products: vec![],
            squares: vec![Square { coefficient: Rat::one(), base: Term::sub(x.clone(), int(1)) }],
        }],
    );
    assert_eq!(thm.conclusion(), &goal);
    assert!(thm.hypotheses().is_empty());
    // x < 0, 0 < x ⊢ false: the sum (0 - x) + (x - 0) is zero, and strict.
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("neg"),
            hyp("pos"),
            Step::Psatz {
                goal: Formula::False,
                facts: vec![0, 1],
                products: vec![product(Rat::one(), vec![0]), product(Rat::one(), vec![1])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &Formula::False);
    // ⊢ false from nothing but -1 >= 0 is not available; from 0 <= x, x < 0:
    // x + (0 - x) = 0, strict because (0 - x) > 0 has a positive coefficient.
    // An equation may have a negative coefficient: x = y, 0 <= x ⊢ 0 <= y.
    let goal = Formula::le(int(0), y.clone());
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("zero"),
            hyp("hx"),
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0, 1],
                // (y - x) * -1 ... as a fact y - x = 0; y = x + (y - x).
                products: vec![product(Rat::one(), vec![1]), product(Rat::one(), vec![0])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &goal);
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("zero"),
            hyp("hy"),
            Step::Psatz {
                goal: Formula::le(int(0), x.clone()),
                facts: vec![0, 1],
                products: vec![product(Rat::one(), vec![1]), product(Rat::int(-1), vec![0])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &Formula::le(int(0), x.clone()));
    // Strict goal from a strict fact: 0 < x ⊢ 0 < 2x.
    let goal = Formula::lt(int(0), Term::mul(int(2), x.clone()));
    let thm = accept(
        &sig(),
        &cx,
        vec![
            hyp("pos"),
            Step::Psatz {
                goal: goal.clone(),
                facts: vec![0],
                products: vec![product(Rat::int(2), vec![0])],
                squares: vec![],
            },
        ],
    );
    assert_eq!(thm.conclusion(), &goal);
    // Strict goal with positive slack and no facts: ⊢ x^2 < x^2 + 1.
    let goal = Formula::lt(Term::pow(x.clone(), 2), Term::add(Term::pow(x, 2), int(1)));
    let thm = accept(
        &sig(),
        &cx,
        vec![Step::Psatz { goal: goal.clone(), facts: vec![], products: vec![], squares: vec![] }],
    );
    assert_eq!(thm.conclusion(), &goal);
}

#[test]
fn psatz_refused() {
    let (x, y) = (rvar("x"), rvar("y"));
    let cx = rat_ctx(&[
        ("hx", Formula::le(int(0), x.clone())),
        ("hy", Formula::le(int(0), y.clone())),
        ("pos", Formula::lt(int(0), x.clone())),
        ("eq", Formula::eq(c(), c())),
    ]);
    let run = |steps: Vec<Step>| refuse_at(&sig(), &cx, steps);
    let psatz = |goal: Formula, facts: Vec<usize>, products: Vec<Product>| Step::Psatz {
        goal,
        facts,
        products,
        squares: vec![],
    };
    // A negative coefficient on an inequality: 0 <= x ⊢ 0 <= -x is false.
    let (step, rule, e) = run(vec![
        hyp("hx"),
        psatz(Formula::le(int(0), Term::neg(x.clone())), vec![0], vec![product(Rat::int(-1), vec![0])]),
    ]);
    assert_eq!((step, rule), (1, "psatz"));
    assert_eq!(e, certificate("product 0 has the negative coefficient -1"));
    // A negative square.
    let (_, _, e) = run(vec![Step::Psatz {
        goal: Formula::le(Term::pow(x.clone(), 2), int(0)),
        facts: vec![],
        products: vec![],
        squares: vec![Square { coefficient: Rat::int(-1), base: x.clone() }],
    }]);
    assert_eq!(e, certificate("square 0 has the negative coefficient -1"));
    // The wrong sum: 0 <= x ⊢ 1 <= x is false; the sum x minus b - a = x - 1 is 1.
    let (_, _, e) = run(vec![
        hyp("hx"),
        psatz(Formula::le(int(1), x.clone()), vec![0], vec![product(Rat::one(), vec![0])]),
    ]);
    assert_eq!(e, certificate("the sum minus the goal's b - a is 1, without the sign the goal needs"));
    // A remainder that is not constant: 0 <= x ⊢ 0 <= x + y.
    let (_, _, e) = run(vec![
        hyp("hx"),
        psatz(
            Formula::le(int(0), Term::add(x.clone(), y.clone())),
            vec![0],
            vec![product(Rat::one(), vec![0])],
        ),
    ]);
    assert_eq!(e, certificate("the sum minus the goal's b - a is -1*y, not a constant"));
    // A non-constant sum for `false`.
    let (_, _, e) = run(vec![hyp("hx"), psatz(Formula::False, vec![0], vec![product(Rat::one(), vec![0])])]);
    assert_eq!(e, certificate("the sum is x, not a constant"));
    // Strictness misuse: 0 <= x ⊢ 0 < x does not follow.
    let (_, _, e) = run(vec![
        hyp("hx"),
        psatz(Formula::lt(int(0), x.clone()), vec![0], vec![product(Rat::one(), vec![0])]),
    ]);
    assert_eq!(e, certificate("the sum minus the goal's b - a is 0, without the sign the goal needs"));
    // Strict with a zero coefficient does not count: 0 < x ⊢ 0 < 0 * x... i.e. 0 < 0.
    let (_, _, e) = run(vec![
        hyp("pos"),
        psatz(Formula::lt(int(0), int(0)), vec![0], vec![product(Rat::zero(), vec![0])]),
    ]);
    assert_eq!(e, certificate("the sum minus the goal's b - a is 0, without the sign the goal needs"));
    // A strict fact multiplied by a non-strict one is not strict: 0 < x, 0 <= y
    // ⊬ 0 < x*y.
    let (_, _, e) = run(vec![
        hyp("pos"),
        hyp("hy"),
        psatz(
            Formula::lt(int(0), Term::mul(x.clone(), y.clone())),
            vec![0, 1],
            vec![product(Rat::one(), vec![0, 1])],
        ),
    ]);
    assert!(matches!(e, KernelError::Certificate { .. }), "{e:?}");
    // false from a zero sum that is not strict: 0 <= x, 0 <= -x... only 0 <= x here.
    let (_, _, e) = run(vec![hyp("hx"), psatz(Formula::False, vec![0], vec![product(Rat::zero(), vec![0])])]);
    assert_eq!(e, certificate("the sum is 0, without the sign the goal needs"));
    // A product naming a fact that is not given.
    let (_, _, e) = run(vec![
        hyp("hx"),
        psatz(Formula::le(int(0), x.clone()), vec![0], vec![product(Rat::one(), vec![1])]),
    ]);
    assert_eq!(e, certificate("product 0 names fact 1, which is not given"));
    // A fact that is not a comparison over Rat.
    let (_, _, e) = run(vec![hyp("eq"), psatz(Formula::False, vec![0], vec![])]);
    assert_eq!(e, shape("a comparison or an equation over Rat", Formula::eq(c(), c())));
    // A goal of the wrong shape.
    let (_, _, e) = run(vec![psatz(Formula::eq(x.clone(), x.clone()), vec![], vec![])]);
    assert_eq!(e, shape("false, a <= b or a < b as the goal", Formula::eq(x.clone(), x.clone())));
    // A square of sort M.
    let (_, _, e) = run(vec![Step::Psatz {
        goal: Formula::le(int(0), int(0)),
        facts: vec![],
        products: vec![],
        squares: vec![Square { coefficient: Rat::one(), base: c() }],
    }]);
    assert_eq!(e, instance_sort(Sort::Rat, m()));
    // A fact that is a forward reference.
    let (_, _, e) = run(vec![psatz(Formula::False, vec![0], vec![])]);
    assert_eq!(e, KernelError::ForwardReference { reference: 0 });
}

/// `psatz` checks its goal's sorts, and as the last step its variables, on the goal's
/// distinct atoms rather than node by node: every way a goal can be ill-formed is still
/// refused, and a goal over an eigenvariable is fine when a later step binds it.
#[test]
fn psatz_goal_is_checked_on_its_atoms() {
    let cx = rat_ctx(&[]);
    // `0 <= t * t`, by the square of `t`.
    let goal = |t: &Term| Formula::le(int(0), Term::mul(t.clone(), t.clone()));
    let square = |t: &Term| Step::Psatz {
        goal: goal(t),
        facts: vec![],
        products: vec![],
        squares: vec![Square { coefficient: Rat::one(), base: t.clone() }],
    };
    let x = rvar("x");
    assert_eq!(accept(&sig(), &cx, vec![square(&x)]).conclusion(), &goal(&x));
    // As the last step: an undeclared variable, alone or inside an application (the
    // step reports it, as it checks it).
    let (z, rk) = (rvar("z"), r(var("k")));
    let undeclared = |v: &str| (0, "psatz", KernelError::UndeclaredVariable { variable: v.into() });
    assert_eq!(refuse_at(&sig(), &cx, vec![square(&z)]), undeclared("z"));
    assert_eq!(refuse_at(&sig(), &cx, vec![square(&rk)]), undeclared("k"));
    // The same variable declared with another sort is not it.
    let wrong = ctx(&[("z", m())], &[]);
    assert_eq!(refuse_at(&sig(), &wrong, vec![square(&z)]), undeclared("z"));
    // Not the last step: `z` is an eigenvariable that `forall-intro` binds.
    let bound = Step::ForallIntro { variable: name("z"), sort: Sort::Rat, from: 0 };
    let thm = accept(&sig(), &cx, vec![square(&z), bound]);
    assert_eq!(thm.conclusion(), &Formula::forall("z", Sort::Rat, &goal(&z)));
    // Ill-sorted or ill-formed atoms, wherever they sit in the goal.
    let nope = Sort::Named(name("Nope"));
    let cases = [
        (Term::add(int(1), var("a")), instance_sort(Sort::Rat, m())),
        (Term::neg(c()), instance_sort(Sort::Rat, m())),
        (Term::app("nope", vec![]), KernelError::UnknownSymbol { name: "nope".into(), expected: "function" }),
        (Term::Bound(0), KernelError::DanglingBound { index: 0 }),
        (Term::free("w", nope.clone()), KernelError::UnknownSort { sort: nope }),
        (
            Term::Div(std::sync::Arc::new(x.clone()), std::sync::Arc::new(Rat::zero())),
            KernelError::DivisionByZero,
        ),
    ];
    for (side, error) in cases {
        let step = Step::Psatz {
            goal: Formula::lt(x.clone(), Term::add(x.clone(), side.clone())),
            facts: vec![],
            products: vec![],
            squares: vec![],
        };
        assert_eq!(refuse_at(&sig(), &cx, vec![step]), (0, "psatz", error), "{side:?}");
    }
}

#[test]
fn le_total_accepted() {
    let (x, y) = (rvar("x"), rvar("y"));
    let thm = accept(&sig(), &rat_ctx(&[]), vec![Step::LeTotal { left: x.clone(), right: y.clone() }]);
    assert_eq!(thm.conclusion(), &Formula::or(Formula::le(x.clone(), y.clone()), Formula::lt(y, x)));
}

#[test]
fn le_total_refused() {
    let (step, rule, e) = refuse_at(&sig(), &empty(), vec![Step::LeTotal { left: int(0), right: c() }]);
    assert_eq!((step, rule), (0, "le-total"));
    assert_eq!(e, instance_sort(Sort::Rat, m()));
}

#[test]
fn le_antisymm_accepted() {
    let (x, y) = (rvar("x"), rvar("y"));
    let cx = rat_ctx(&[("a", Formula::le(x.clone(), y.clone())), ("b", Formula::le(y.clone(), x.clone()))]);
    let thm = accept(&sig(), &cx, vec![hyp("a"), hyp("b"), Step::LeAntisymm { le: 0, ge: 1 }]);
    assert_eq!(thm.conclusion(), &Formula::eq(x, y));
    assert_eq!(thm.hypotheses().len(), 2);
}

#[test]
fn le_antisymm_refused() {
    let (x, y) = (rvar("x"), rvar("y"));
    let cx = rat_ctx(&[("a", Formula::le(x.clone(), y.clone())), ("b", Formula::lt(y.clone(), x.clone()))]);
    let (step, rule, e) = refuse_at(&sig(), &cx, vec![hyp("a"), hyp("a"), Step::LeAntisymm { le: 0, ge: 1 }]);
    assert_eq!((step, rule), (2, "le-antisymm"));
    assert_eq!(e, mismatch(Formula::le(y.clone(), x.clone()), Formula::le(x.clone(), y.clone())));
    let (_, _, e) = refuse_at(&sig(), &cx, vec![hyp("b"), hyp("a"), Step::LeAntisymm { le: 0, ge: 1 }]);
    assert_eq!(e, shape("a comparison a <= b", Formula::lt(y, x)));
}

// ---------------------------------------------------------------------------
// The proof as a whole, and the context
// ---------------------------------------------------------------------------

#[test]
fn empty_proof_refused() {
    assert_eq!(refuse(&sig(), &empty(), vec![]), KernelError::EmptyProof);
}

#[test]
fn conclusion_must_speak_of_context_variables() {
    // x = x for x: M is fine with x declared, refused without, and refused when the
    // context declares x with another sort.
    let steps = vec![Step::Refl { term: var("x") }];
    accept(&sig(), &ctx(&[("x", m())], &[]), steps.clone());
    for cx in [empty(), ctx(&[("x", Sort::Rat)], &[])] {
        assert_eq!(
            refuse(&sig(), &cx, steps.clone()),
            KernelError::UndeclaredVariable { variable: "x".into() }
        );
    }
}

#[test]
fn context_is_checked() {
    let steps = vec![Step::TrueIntro];
    let e = refuse(&sig(), &ctx(&[("x", m()), ("x", Sort::Rat)], &[]), steps.clone());
    assert_eq!(e, KernelError::NameTaken { name: "x".into() });
    let nope = Sort::Named(name("Nope"));
    let e = refuse(&sig(), &ctx(&[("x", nope.clone())], &[]), steps.clone());
    assert_eq!(e, KernelError::UnknownSort { sort: nope });
    let e = refuse(&sig(), &ctx(&[], &[("h", q()), ("h", s())]), steps.clone());
    assert_eq!(e, KernelError::NameTaken { name: "h".into() });
    let e = refuse(&sig(), &ctx(&[], &[("h", p(var("x")))]), steps.clone());
    assert_eq!(e, KernelError::UndeclaredVariable { variable: "x".into() });
    let e = refuse(&sig(), &ctx(&[], &[("h", Formula::pred("nope", vec![]))]), steps);
    assert_eq!(e, unknown_predicate("nope"));
}

#[test]
fn hypotheses_are_only_the_used_ones_in_context_order() {
    let cx = ctx(&[], &[("a", s()), ("b", Formula::True), ("d", q())]);
    let thm = accept(&sig(), &cx, vec![hyp("b"), hyp("d"), hyp("a"), Step::AndIntro { left: 1, right: 2 }]);
    assert_eq!(thm.conclusion(), &Formula::and(q(), s()));
    assert_eq!(thm.hypotheses(), &[(name("a"), s()), (name("d"), q())]);
    // A hypothesis discharged along the way is not used.
    let thm = accept(&sig(), &cx, vec![hyp("d"), Step::ImpIntro { assumption: q(), from: 0 }]);
    assert!(thm.hypotheses().is_empty());
}

#[test]
fn trust_base_counts_only_steps_the_conclusion_needs() {
    let thm = accept(
        &sig(),
        &empty(),
        vec![
            Step::Axiom { name: name("q_holds"), args: vec![] },
            Step::Axiom { name: name("p_g"), args: vec![c()] },
            Step::TrueIntro,
            Step::ImpIntro { assumption: s(), from: 0 },
        ],
    );
    assert_eq!(thm.conclusion(), &Formula::implies(s(), q()));
    assert_eq!(thm.trust_base(), &names(&["q_holds"]));
    let thm =
        accept(&sig(), &empty(), vec![Step::Axiom { name: name("q_holds"), args: vec![] }, Step::TrueIntro]);
    assert!(thm.trust_base().is_empty());
}

// ---------------------------------------------------------------------------
// Signature extensions
// ---------------------------------------------------------------------------

fn declare_err(sig: &mut Signature, d: Declaration) -> KernelError {
    let before = sig.fingerprint();
    let e = sig.declare(d).expect_err("the declaration must be refused");
    assert_eq!(sig.fingerprint(), before, "a refused declaration changed the signature");
    e
}

#[test]
fn declarations_refused() {
    let mut sig = sig();
    // Shadowing, in every namespace.
    for n in ["M", "g", "p", "p_g", "double", "positive", "Rat", ""] {
        let e = declare_err(&mut sig, Declaration::Sort { name: name(n) });
        assert_eq!(e, KernelError::NameTaken { name: n.into() });
    }
    let e = declare_err(&mut sig, Declaration::Axiom { name: name("g"), statement: Formula::True });
    assert_eq!(e, KernelError::NameTaken { name: "g".into() });
    // Unknown sorts.
    let nope = Sort::Named(name("Nope"));
    let e = declare_err(
        &mut sig,
        Declaration::Function { name: name("f"), params: vec![nope.clone()], result: Sort::Rat },
    );
    assert_eq!(e, KernelError::UnknownSort { sort: nope.clone() });
    let e = declare_err(
        &mut sig,
        Declaration::Function { name: name("f"), params: vec![], result: nope.clone() },
    );
    assert_eq!(e, KernelError::UnknownSort { sort: nope.clone() });
    let e =
        declare_err(&mut sig, Declaration::Predicate { name: name("pp"), params: vec![m(), nope.clone()] });
    assert_eq!(e, KernelError::UnknownSort { sort: nope.clone() });
    // A predicate symbol is not a sort.
    let e = declare_err(
        &mut sig,
        Declaration::Function { name: name("f"), params: vec![Sort::Named(name("p"))], result: Sort::Rat },
    );
    assert_eq!(e, KernelError::UnknownSort { sort: Sort::Named(name("p")) });
    // A definition whose body refers to itself.
    let z = rvar("z");
    let e = declare_err(
        &mut sig,
        Declaration::DefineFunction {
            name: name("loop"),
            params: vec![(name("z"), Sort::Rat)],
            result: Sort::Rat,
            body: Term::add(Term::app("loop", vec![z.clone()]), int(1)),
        },
    );
    assert_eq!(e, KernelError::UnknownSymbol { name: "loop".into(), expected: "function" });
    let e = declare_err(
        &mut sig,
        Declaration::DefinePredicate {
            name: name("liar"),
            params: vec![],
            body: Formula::not(Formula::pred("liar", vec![])),
        },
    );
    assert_eq!(e, unknown_predicate("liar"));
    // ...or to a later symbol.
    let e = declare_err(
        &mut sig,
        Declaration::DefineFunction {
            name: name("early"),
            params: vec![],
            result: Sort::Rat,
            body: Term::constant("late"),
        },
    );
    assert_eq!(e, KernelError::UnknownSymbol { name: "late".into(), expected: "function" });
    // A definition with a free variable that is not a parameter.
    let e = declare_err(
        &mut sig,
        Declaration::DefineFunction {
            name: name("leak"),
            params: vec![(name("z"), Sort::Rat)],
            result: Sort::Rat,
            body: Term::add(z.clone(), rvar("w")),
        },
    );
    assert_eq!(e, KernelError::NotClosed { what: "definition `leak`".into(), variable: "w".into() });
    // A parameter named with one sort and used with another.
    let e = declare_err(
        &mut sig,
        Declaration::DefinePredicate {
            name: name("mixed"),
            params: vec![(name("z"), Sort::Rat)],
            body: p(var("z")),
        },
    );
    assert_eq!(e, KernelError::NotClosed { what: "definition `mixed`".into(), variable: "z".into() });
    // Duplicate parameters.
    let e = declare_err(
        &mut sig,
        Declaration::DefineFunction {
            name: name("dup"),
            params: vec![(name("z"), Sort::Rat), (name("z"), Sort::Rat)],
            result: Sort::Rat,
            body: z.clone(),
        },
    );
    assert_eq!(e, KernelError::NameTaken { name: "z".into() });
    // A body of the wrong sort.
    let e = declare_err(
        &mut sig,
        Declaration::DefineFunction { name: name("wrong"), params: vec![], result: m(), body: int(1) },
    );
    assert_eq!(
        e,
        KernelError::SortMismatch {
            context: "the body of definition `wrong`".into(),
            expected: m(),
            found: Sort::Rat
        }
    );
    // A non-closed axiom.
    let e = declare_err(&mut sig, Declaration::Axiom { name: name("open"), statement: p(var("z")) });
    assert_eq!(e, KernelError::NotClosed { what: "`open`".into(), variable: "z".into() });
    // An axiom with a dangling bound variable.
    let e =
        declare_err(&mut sig, Declaration::Axiom { name: name("dangling"), statement: p(Term::Bound(0)) });
    assert_eq!(e, KernelError::DanglingBound { index: 0 });
    // An ill-sorted axiom.
    let e = declare_err(&mut sig, Declaration::Axiom { name: name("ill"), statement: p(int(0)) });
    assert!(matches!(e, KernelError::SortMismatch { .. }), "{e:?}");
    // After all those refusals, the names are still free.
    sig.declare(Declaration::DefineFunction {
        name: name("loop"),
        params: vec![(name("z"), Sort::Rat)],
        result: Sort::Rat,
        body: z,
    })
    .unwrap();
}

#[test]
fn theorems_enter_a_signature_only_through_add_theorem() {
    // A `Declaration::Theorem` handed to `declare` would be an axiom with an empty
    // trust base: `false`, "proved", resting on nothing.
    let mut sig = sig();
    let e = declare_err(
        &mut sig,
        Declaration::Theorem { name: name("boom"), statement: Formula::False, trust_base: BTreeSet::new() },
    );
    assert_eq!(e, KernelError::UncheckedTheorem { name: "boom".into() });
    let (step, rule, e) = refuse_at(&sig, &empty(), vec![Step::Theorem { name: name("boom"), args: vec![] }]);
    assert_eq!((step, rule), (0, "theorem"));
    assert_eq!(e, KernelError::UnknownFact { name: "boom".into(), kind: "theorem" });
}

#[test]
fn theorem_reuse_across_signatures_refused() {
    // A theorem from an unrelated signature, even one with the same names.
    let mut other = Signature::new();
    other.declare(Declaration::Sort { name: name("M") }).unwrap();
    other.declare(Declaration::Predicate { name: name("q"), params: vec![] }).unwrap();
    other.declare(Declaration::Axiom { name: name("q_true"), statement: q() }).unwrap();
    let thm = accept(&other, &empty(), vec![Step::Axiom { name: name("q_true"), args: vec![] }]);
    let mut sig = sig();
    let before = sig.fingerprint();
    let e = sig.add_theorem(name("stolen"), &thm).unwrap_err();
    assert!(matches!(e, KernelError::Internal { .. }), "{e:?}");
    assert_eq!(sig.fingerprint(), before);
    // A theorem from a longer signature cannot go back to its prefix.
    let mut longer = sig.clone();
    longer.declare(Declaration::Axiom { name: name("extra"), statement: s() }).unwrap();
    let thm = accept(&longer, &empty(), vec![Step::Axiom { name: name("extra"), args: vec![] }]);
    let e = sig.add_theorem(name("extra_thm"), &thm).unwrap_err();
    assert!(matches!(e, KernelError::Internal { .. }), "{e:?}");
    // A theorem from a prefix is fine in the extension.
    let thm = accept(&sig, &empty(), vec![Step::TrueIntro]);
    longer.add_theorem(name("t"), &thm).unwrap();
    assert_eq!(
        accept(&longer, &empty(), vec![Step::Theorem { name: name("t"), args: vec![] }]).conclusion(),
        &Formula::True
    );
    // Same declarations, built separately: not taken as the same signature (the
    // caller re-checks the proof instead), and refused without a change.
    let mut twin = Signature::new();
    for d in base_declarations() {
        twin.declare(d).unwrap();
    }
    let thm = accept(&twin, &empty(), vec![Step::TrueIntro]);
    let before = sig.fingerprint();
    let e = sig.add_theorem(name("twin"), &thm).unwrap_err();
    assert!(matches!(e, KernelError::Internal { .. }), "{e:?}");
    assert_eq!(sig.fingerprint(), before);
}

#[test]
fn theorem_reuse_across_sibling_clones_refused() {
    let base = sig();
    // Two clones of one signature, each extended by one declaration.
    let mut left = base.clone();
    left.declare(Declaration::Axiom { name: name("left_ax"), statement: q() }).unwrap();
    let mut right = base.clone();
    right.declare(Declaration::Axiom { name: name("right_ax"), statement: Formula::False }).unwrap();
    assert_eq!(left.fingerprint().len, right.fingerprint().len);
    assert_ne!(left.fingerprint(), right.fingerprint());
    // A theorem that rests on the left branch's axiom stays out of the right branch.
    let thm = accept(&left, &empty(), vec![Step::Axiom { name: name("left_ax"), args: vec![] }]);
    let before = right.fingerprint();
    let e = right.add_theorem(name("stolen"), &thm).unwrap_err();
    assert!(matches!(e, KernelError::Internal { .. }), "{e:?}");
    assert_eq!(right.fingerprint(), before);
    assert!(right.fact("stolen").is_none());
    // Even the same declaration made in each branch separately is not the same prefix.
    let mut twin_left = base.clone();
    twin_left.declare(Declaration::Axiom { name: name("same"), statement: q() }).unwrap();
    let mut twin_right = base.clone();
    twin_right.declare(Declaration::Axiom { name: name("same"), statement: q() }).unwrap();
    let thm_twin = accept(&twin_left, &empty(), vec![Step::TrueIntro]);
    assert!(!twin_right.extends(&thm_twin.signature()));
    assert!(twin_right.add_theorem(name("t"), &thm_twin).is_err());
    // In an extension of its own branch (a clone, then one more declaration), it is
    // accepted and can be cited.
    let mut left_extended = left.clone();
    left_extended.declare(Declaration::Axiom { name: name("more"), statement: s() }).unwrap();
    assert!(left_extended.extends(&thm.signature()));
    assert_eq!(left_extended.fingerprint_at(left.fingerprint().len), Some(left.fingerprint()));
    left_extended.add_theorem(name("t"), &thm).unwrap();
    let cited = accept(&left_extended, &empty(), vec![Step::Theorem { name: name("t"), args: vec![] }]);
    assert_eq!(cited.conclusion(), &q());
    assert_eq!(cited.trust_base(), &names(&["left_ax"]));
    // The base is a prefix of both branches; neither branch is a prefix of the base.
    assert!(left.extends(&base.fingerprint()) && right.extends(&base.fingerprint()));
    assert!(!base.extends(&left.fingerprint()));
    assert_eq!(base.fingerprint_at(base.fingerprint().len + 1), None);
}

/// `add_theorem` measures a conclusion against the signature it enters, whose limits
/// may be stricter than those the theorem was checked under.
#[test]
fn add_theorem_holds_a_measured_conclusion_to_the_signature_limits() {
    // `forall y: Rat. 1+1+1+1 = 1+1+1+1`: closed, 16 nodes, depth 6, its extent known
    // to the checker (forall-intro computes it), checked under the default limits.
    let sum = (0..3).fold(int(1), |t, _| Term::add(t, int(1)));
    let steps =
        vec![Step::Refl { term: sum }, Step::ForallIntro { variable: name("y"), sort: Sort::Rat, from: 0 }];
    let proof = Proof { steps };
    // Checked against the empty signature with the default limits, which is a prefix of
    // every signature, whatever its limits.
    let thm = check(&Signature::new(), &empty(), &proof).expect("checks under the default limits");
    for (size, depth, refused) in [
        (15, 6, Some(KernelError::Limit { kind: LimitKind::FormulaSize, limit: 15 })),
        (16, 5, Some(KernelError::Limit { kind: LimitKind::Depth, limit: 5 })),
        (16, 6, None),
    ] {
        let limits = Limits { max_formula_size: size, max_depth: depth, ..Limits::default() };
        let mut small = Signature::with_limits(limits);
        assert_eq!(small.add_theorem(name("t"), &thm).err(), refused, "limits {size}, {depth}");
    }
}

#[test]
fn add_theorem_accepts_closed_conclusions_however_they_end() {
    let mut sig = sig();
    // A context variable generalised by the last step: the conclusion is closed.
    let with_x = ctx(&[("x", m())], &[]);
    let thm = accept(
        &sig,
        &with_x,
        vec![Step::Refl { term: var("x") }, Step::ForallIntro { variable: name("x"), sort: m(), from: 0 }],
    );
    sig.add_theorem(name("refl_all"), &thm).unwrap();
    // A last `psatz` step (the checker checks its goal's variables atom by atom, not by
    // walking the conclusion): closed, accepted; open, refused.
    let goal = |t: Term| Formula::le(int(0), Term::mul(t.clone(), t));
    let square = |t: Term| {
        vec![Step::Psatz {
            goal: goal(t.clone()),
            facts: vec![],
            products: vec![],
            squares: vec![Square { coefficient: Rat::one(), base: t }],
        }]
    };
    let thm = accept(&sig, &empty(), square(int(3)));
    sig.add_theorem(name("nine_nonneg"), &thm).unwrap();
    let thm = accept(&sig, &ctx(&[("z", Sort::Rat)], &[]), square(rvar("z")));
    let e = sig.add_theorem(name("square_nonneg"), &thm).unwrap_err();
    assert_eq!(e, KernelError::NotClosed { what: "`square_nonneg`".into(), variable: "z".into() });
}

#[test]
fn add_theorem_refuses_hypotheses_and_free_variables() {
    let mut sig = sig();
    let thm = accept(&sig, &ctx(&[], &[("h", q())]), vec![hyp("h")]);
    let e = sig.add_theorem(name("t"), &thm).unwrap_err();
    assert_eq!(e, KernelError::UndischargedAssumption { formula: Box::new(q()) });
    let thm = accept(&sig, &ctx(&[("x", m())], &[]), vec![Step::Refl { term: var("x") }]);
    let e = sig.add_theorem(name("t"), &thm).unwrap_err();
    assert_eq!(e, KernelError::NotClosed { what: "`t`".into(), variable: "x".into() });
    // Name clashes.
    let thm = accept(&sig, &empty(), vec![Step::TrueIntro]);
    let e = sig.add_theorem(name("p_g"), &thm).unwrap_err();
    assert_eq!(e, KernelError::NameTaken { name: "p_g".into() });
}
