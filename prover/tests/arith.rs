//! `linarith`, `nlinarith` and `norm`: accepted and rejected cases with exact outcomes.
//! Every proof made here is checked by `warrant_kernel::check`.

use warrant_kernel::*;
use warrant_prover::*;

fn rat() -> Sort {
    Sort::Rat
}
fn v(n: &str) -> Term {
    Term::free(n, rat())
}
fn n(k: i64) -> Term {
    Term::int(k)
}
fn q(a: i64, b: i64) -> Term {
    Term::num(Rat::frac(a, b).unwrap())
}

/// A context with the Rat variables `vars` and hypotheses `h0, h1, ...`.
fn ctx(vars: &[&str], hyps: Vec<Formula>) -> Context {
    Context {
        variables: vars.iter().map(|x| (name(x), rat())).collect(),
        hypotheses: hyps.into_iter().enumerate().map(|(i, f)| (name(&format!("h{i}")), f)).collect(),
    }
}

/// Runs `tactic` on all hypotheses; returns the kernel's theorem or the prover error.
fn run(sig: &Signature, c: &Context, goal: &Formula, nonlinear: bool) -> Result<Theorem, ProverError> {
    let mut b = ProofBuilder::new(sig, c);
    let facts: Vec<StepId> = c.hypotheses.iter().map(|(h, _)| b.hypothesis(h).unwrap()).collect();
    let limits = ArithLimits::default();
    let root = if nonlinear {
        nlinarith(&mut b, &facts, goal, &limits)?
    } else {
        linarith(&mut b, &facts, goal, &limits)?
    };
    b.check(root)
}

fn proves(c: &Context, goal: Formula, nonlinear: bool) {
    let sig = Signature::new();
    let thm = run(&sig, c, &goal, nonlinear).unwrap();
    assert_eq!(thm.conclusion(), &goal);
}

fn fails(c: &Context, goal: Formula, nonlinear: bool) -> ProverError {
    let sig = Signature::new();
    run(&sig, c, &goal, nonlinear).unwrap_err()
}

#[test]
fn linarith_chains_inequalities() {
    let c = ctx(
        &["x", "y", "z"],
        vec![Formula::lt(v("x"), v("y")), Formula::le(v("y"), Term::add(v("z"), n(1)))],
    );
    proves(&c, Formula::lt(v("x"), Term::add(v("z"), n(1))), false);
    proves(&c, Formula::le(v("x"), Term::add(v("z"), n(2))), false);
}

#[test]
fn linarith_uses_equations_and_scales() {
    // 2x + 3y = 12, x >= 0, y >= 0  gives  y <= 4 and x <= 6.
    let c = ctx(
        &["x", "y"],
        vec![
            Formula::eq(Term::add(Term::mul(n(2), v("x")), Term::mul(n(3), v("y"))), n(12)),
            Formula::le(n(0), v("x")),
            Formula::le(n(0), v("y")),
        ],
    );
    proves(&c, Formula::le(v("y"), n(4)), false);
    proves(&c, Formula::le(v("x"), n(6)), false);
    proves(&c, Formula::le(Term::div(v("x"), Rat::int(3)), n(2)), false);
}

#[test]
fn linarith_proves_equations_by_antisymmetry() {
    let c = ctx(&["x", "y"], vec![Formula::le(v("x"), v("y")), Formula::le(v("y"), v("x"))]);
    proves(&c, Formula::eq(v("x"), v("y")), false);
}

#[test]
fn linarith_refutes_contradictory_facts() {
    let c = ctx(&["x"], vec![Formula::lt(v("x"), n(0)), Formula::lt(n(0), v("x"))]);
    proves(&c, Formula::False, false);
    // A goal unrelated to the facts follows from their contradiction.
    proves(&c, Formula::le(n(5), n(3)), false);
}

#[test]
fn linarith_splits_conjunctions_and_reads_negations() {
    let c = ctx(
        &["p", "q"],
        vec![
            Formula::and(Formula::le(n(0), v("p")), Formula::le(v("p"), n(1))),
            Formula::not(Formula::le(v("q"), v("p"))),
        ],
    );
    proves(&c, Formula::lt(n(0), v("q")), false);
    proves(&c, Formula::not(Formula::lt(n(1), v("p"))), false);
}

#[test]
fn linarith_treats_products_as_opaque() {
    // x*y <= 3 and 1 <= x*y - z give z <= 2, with x*y an unknown of the program.
    let xy = Term::mul(v("x"), v("y"));
    let c = ctx(
        &["x", "y", "z"],
        vec![Formula::le(xy.clone(), n(3)), Formula::le(n(1), Term::sub(Term::mul(v("y"), v("x")), v("z")))],
    );
    proves(&c, Formula::le(v("z"), n(2)), false);
}

#[test]
fn linarith_rejects_what_does_not_follow() {
    let c = ctx(&["x", "y"], vec![Formula::le(v("x"), v("y"))]);
    assert_eq!(
        fails(&c, Formula::lt(v("x"), v("y")), false),
        ProverError::NoCertificate { tactic: "linarith", goal: "x < y".into() }
    );
    assert_eq!(
        fails(&c, Formula::False, false),
        ProverError::NoCertificate { tactic: "linarith", goal: "false".into() }
    );
}

#[test]
fn linarith_rejects_nonlinear_consequences() {
    // 0 <= x*x needs a square: linarith alone cannot see it, nlinarith can.
    let c = ctx(&["x"], vec![]);
    let goal = Formula::le(n(0), Term::mul(v("x"), v("x")));
    assert_eq!(
        fails(&c, goal.clone(), false),
        ProverError::NoCertificate { tactic: "linarith", goal: "0 <= x * x".into() }
    );
    proves(&c, goal, true);
}

#[test]
fn nlinarith_trusted_monitoring() {
    // DESIGN.md's example: 0 <= a <= 1, 95% <= r <= 1  gives  a * (1 - r) <= 5%.
    let a = v("a");
    let r = v("r");
    let c = ctx(
        &["a", "r"],
        vec![
            Formula::and(Formula::le(n(0), a.clone()), Formula::le(a.clone(), n(1))),
            Formula::le(q(95, 100), r.clone()),
            Formula::le(r.clone(), n(1)),
        ],
    );
    let slip = Term::mul(a.clone(), Term::sub(n(1), r.clone()));
    proves(&c, Formula::le(slip.clone(), q(5, 100)), true);
    assert_eq!(
        fails(&c, Formula::le(slip.clone(), q(4, 100)), true),
        ProverError::NoCertificate { tactic: "nlinarith", goal: "a * (1 - r) <= 1/25".into() }
    );
    // Linear search alone does not find it.
    assert!(matches!(fails(&c, Formula::le(slip, q(5, 100)), false), ProverError::NoCertificate { .. }));
}

#[test]
fn nlinarith_products_with_the_negated_goal() {
    // 0 < x, x * y >= x  gives  y >= 1 only through the product x * (1 - y).
    let c = ctx(&["x", "y"], vec![Formula::lt(n(0), v("x")), Formula::le(v("x"), Term::mul(v("x"), v("y")))]);
    proves(&c, Formula::le(n(1), v("y")), true);
}

#[test]
fn nlinarith_squares_of_differences() {
    // 2xy <= x^2 + y^2 from the square of x - y.
    let c = ctx(&["x", "y"], vec![]);
    let goal = Formula::le(
        Term::mul(n(2), Term::mul(v("x"), v("y"))),
        Term::add(Term::pow(v("x"), 2), Term::pow(v("y"), 2)),
    );
    proves(&c, goal, true);
}

#[test]
fn bounds_are_errors_naming_the_bound() {
    let c = ctx(&["x", "y", "z"], vec![Formula::lt(v("x"), v("y")), Formula::lt(v("y"), v("z"))]);
    let sig = Signature::new();
    let mut b = ProofBuilder::new(&sig, &c);
    let facts = vec![b.hypothesis(&name("h0")).unwrap(), b.hypothesis(&name("h1")).unwrap()];
    let goal = Formula::lt(v("x"), v("z"));
    let tight = ArithLimits { max_pivots: 1, ..ArithLimits::default() };
    assert_eq!(
        linarith(&mut b, &facts, &goal, &tight).unwrap_err(),
        ProverError::Limit { bound: Bound::Pivots, limit: 1 }
    );
    let few = ArithLimits { max_products: 3, ..ArithLimits::default() };
    assert_eq!(
        nlinarith(&mut b, &facts, &goal, &few).unwrap_err(),
        ProverError::Limit { bound: Bound::Products, limit: 3 }
    );
}

#[test]
fn norm_proves_ring_identities_and_reports_normal_forms() {
    let sig = Signature::new();
    let c = ctx(&["x", "y"], vec![]);
    let mut b = ProofBuilder::new(&sig, &c);
    let lhs = Term::pow(Term::add(v("x"), v("y")), 2);
    let rhs = Term::add(
        Term::add(Term::mul(v("x"), v("x")), Term::mul(n(2), Term::mul(v("x"), v("y")))),
        Term::mul(v("y"), v("y")),
    );
    let id = ring_eq(&mut b, &lhs, &rhs).unwrap();
    assert_eq!(b.check(id).unwrap().conclusion(), &Formula::eq(lhs.clone(), rhs));
    let (nf, id) = normalize(&mut b, &lhs).unwrap();
    assert_eq!(warrant_kernel::print::term_to_string(&nf), "2 * x * y + x^2 + y^2");
    b.check(id).unwrap();
    assert_eq!(
        ring_eq(&mut b, &v("x"), &v("y")).unwrap_err(),
        ProverError::RingMismatch { lhs: "x".into(), rhs: "y".into() }
    );
}
