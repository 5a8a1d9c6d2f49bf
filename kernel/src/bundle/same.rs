//! Equality of terms and formulas, told by address first wherever they share.
//!
//! `==` on a [`Formula`] or [`Term`] compares an `Arc<Formula>` or `Arc<Term>` child
//! by address before its contents, but not a [`Name`] or an `Arc<[Term]>` (std takes
//! that shortcut only for sized types): every name is compared byte by byte, and an
//! application's arguments one by one, even when both sides hold the very same
//! allocation. In a bundle every name and argument list comes from one table entry,
//! and a conclusion the checker builds keeps the parts of its premises that it does not
//! change, so most of what [`verify`](super::verify) compares is shared. These
//! functions answer exactly what `==` answers (binder hints ignored); the tests hold
//! them to it. They recurse over their arguments, which the kernel or the reader has
//! held to the depth limit.
//!
//! The same shortcut in `Term`'s and `Formula`'s own `PartialEq` (term.rs) would speed
//! up every comparison, the checker's included, and make this module unnecessary; it
//! was left out because a hand-written equality there is about 30 lines of the
//! trusted kernel, whose budget (1,500 lines) is used up.

use crate::check::Context;
use crate::term::{Formula, Name, Sort, Term};
use std::sync::Arc;

/// `a == b` for names.
pub(super) fn same_name(a: &Name, b: &Name) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

/// `a == b` for sorts.
pub(super) fn same_sort(a: &Sort, b: &Sort) -> bool {
    match (a, b) {
        (Sort::Rat, Sort::Rat) => true,
        (Sort::Named(a), Sort::Named(b)) => same_name(a, b),
        _ => false,
    }
}

/// `a == b` for argument lists.
pub(super) fn same_terms(a: &Arc<[Term]>, b: &Arc<[Term]>) -> bool {
    Arc::ptr_eq(a, b) || (a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same_term(x, y)))
}

fn same_arc_term(a: &Arc<Term>, b: &Arc<Term>) -> bool {
    Arc::ptr_eq(a, b) || same_term(a, b)
}

fn same_arc_formula(a: &Arc<Formula>, b: &Arc<Formula>) -> bool {
    Arc::ptr_eq(a, b) || same_formula(a, b)
}

/// `a == b` for terms.
pub(super) fn same_term(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::Bound(i), Term::Bound(j)) => i == j,
        (Term::Free(x, s), Term::Free(y, r)) => same_name(x, y) && same_sort(s, r),
        (Term::Num(p), Term::Num(q)) => p == q,
        (Term::App(f, xs), Term::App(g, ys)) => same_name(f, g) && same_terms(xs, ys),
        (Term::Neg(x), Term::Neg(y)) => same_arc_term(x, y),
        (Term::Add(a, b), Term::Add(c, d))
        | (Term::Sub(a, b), Term::Sub(c, d))
        | (Term::Mul(a, b), Term::Mul(c, d)) => same_arc_term(a, c) && same_arc_term(b, d),
        (Term::Div(x, p), Term::Div(y, q)) => same_arc_term(x, y) && p == q,
        (Term::Pow(x, n), Term::Pow(y, m)) => same_arc_term(x, y) && n == m,
        _ => false,
    }
}

/// `a == b` for formulas.
pub(super) fn same_formula(a: &Formula, b: &Formula) -> bool {
    match (a, b) {
        (Formula::True, Formula::True) | (Formula::False, Formula::False) => true,
        (Formula::Eq(a, b), Formula::Eq(c, d))
        | (Formula::Le(a, b), Formula::Le(c, d))
        | (Formula::Lt(a, b), Formula::Lt(c, d)) => same_term(a, c) && same_term(b, d),
        (Formula::Pred(p, xs), Formula::Pred(q, ys)) => same_name(p, q) && same_terms(xs, ys),
        (Formula::Not(x), Formula::Not(y)) => same_arc_formula(x, y),
        (Formula::And(a, b), Formula::And(c, d))
        | (Formula::Or(a, b), Formula::Or(c, d))
        | (Formula::Implies(a, b), Formula::Implies(c, d))
        | (Formula::Iff(a, b), Formula::Iff(c, d)) => same_arc_formula(a, c) && same_arc_formula(b, d),
        (Formula::Forall(_, s, x), Formula::Forall(_, r, y))
        | (Formula::Exists(_, s, x), Formula::Exists(_, r, y)) => same_sort(s, r) && same_arc_formula(x, y),
        _ => false,
    }
}

/// `a == b` for contexts (a technique's guarantees are checked in equal contexts, each
/// read from the same table entries, or shared whole).
pub(super) fn same_context(a: &Context, b: &Context) -> bool {
    std::ptr::eq(a, b)
        || a.variables.len() == b.variables.len()
            && a.hypotheses.len() == b.hypotheses.len()
            && a.variables.iter().zip(&b.variables).all(|((x, s), (y, r))| same_name(x, y) && same_sort(s, r))
            && a.hypotheses
                .iter()
                .zip(&b.hypotheses)
                .all(|((x, f), (y, g))| same_name(x, y) && same_formula(f, g))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rat::Rat;
    use crate::term::{name, Hint};

    /// `t` rebuilt with nothing shared: every node, name and list allocated anew.
    fn fresh_term(t: &Term) -> Term {
        let n = |x: &Name| name(x);
        let s = |s: &Sort| match s {
            Sort::Rat => Sort::Rat,
            Sort::Named(x) => Sort::Named(name(x)),
        };
        let a = |t: &Term| Arc::new(fresh_term(t));
        match t {
            Term::Bound(i) => Term::Bound(*i),
            Term::Free(x, r) => Term::Free(n(x), s(r)),
            Term::Num(q) => Term::Num(Arc::new((**q).clone())),
            Term::App(f, xs) => Term::App(n(f), xs.iter().map(fresh_term).collect()),
            Term::Neg(x) => Term::Neg(a(x)),
            Term::Add(x, y) => Term::Add(a(x), a(y)),
            Term::Sub(x, y) => Term::Sub(a(x), a(y)),
            Term::Mul(x, y) => Term::Mul(a(x), a(y)),
            Term::Div(x, q) => Term::Div(a(x), Arc::new((**q).clone())),
            Term::Pow(x, k) => Term::Pow(a(x), *k),
        }
    }

    fn fresh_formula(f: &Formula) -> Formula {
        let a = |f: &Formula| Arc::new(fresh_formula(f));
        let s = |s: &Sort| match s {
            Sort::Rat => Sort::Rat,
            Sort::Named(x) => Sort::Named(name(x)),
        };
        match f {
            Formula::True => Formula::True,
            Formula::False => Formula::False,
            Formula::Eq(x, y) => Formula::Eq(fresh_term(x), fresh_term(y)),
            Formula::Le(x, y) => Formula::Le(fresh_term(x), fresh_term(y)),
            Formula::Lt(x, y) => Formula::Lt(fresh_term(x), fresh_term(y)),
            Formula::Pred(p, xs) => Formula::Pred(name(p), xs.iter().map(fresh_term).collect()),
            Formula::Not(x) => Formula::Not(a(x)),
            Formula::And(x, y) => Formula::And(a(x), a(y)),
            Formula::Or(x, y) => Formula::Or(a(x), a(y)),
            Formula::Implies(x, y) => Formula::Implies(a(x), a(y)),
            Formula::Iff(x, y) => Formula::Iff(a(x), a(y)),
            // Another hint: equality ignores it.
            Formula::Forall(_, r, x) => Formula::Forall(Hint(name("other")), s(r), a(x)),
            Formula::Exists(h, r, x) => Formula::Exists(Hint(name(&h.0)), s(r), a(x)),
        }
    }

    /// Terms of every shape over a few leaves, some sharing their parts.
    fn terms() -> Vec<Term> {
        let m = Sort::Named(name("M"));
        let leaves = vec![
            Term::Free(name("x"), m.clone()),
            Term::Free(name("x"), Sort::Rat),
            Term::Free(name("y"), m),
            Term::Free(name("xy"), Sort::Named(name("N"))),
            Term::Bound(0),
            Term::Bound(1),
            Term::Num(Arc::new(Rat::int(2))),
            Term::Num(Arc::new(Rat::int(3))),
            Term::App(name("c"), Arc::from(vec![])),
        ];
        let mut all = leaves.clone();
        for (k, a) in leaves.iter().enumerate() {
            let b = &leaves[(k + 1) % leaves.len()];
            all.push(Term::App(name("f"), Arc::from(vec![a.clone()])));
            all.push(Term::App(name("f"), Arc::from(vec![a.clone(), b.clone()])));
            all.push(Term::App(name("g"), Arc::from(vec![a.clone()])));
            all.push(Term::Neg(Arc::new(a.clone())));
            all.push(Term::Add(Arc::new(a.clone()), Arc::new(b.clone())));
            all.push(Term::Sub(Arc::new(a.clone()), Arc::new(b.clone())));
            all.push(Term::Mul(Arc::new(b.clone()), Arc::new(a.clone())));
            all.push(Term::Div(Arc::new(a.clone()), Arc::new(Rat::int(k as i64 % 2 + 2))));
            all.push(Term::Pow(Arc::new(a.clone()), k as u32 % 2 + 2));
        }
        all
    }

    /// Formulas of every shape over [`terms`].
    fn formulas() -> Vec<Formula> {
        let ts = terms();
        let mut atoms = vec![Formula::True, Formula::False];
        for (k, t) in ts.iter().enumerate().step_by(3) {
            let u = &ts[(k * 7 + 1) % ts.len()];
            atoms.push(Formula::Eq(t.clone(), u.clone()));
            atoms.push(Formula::Le(t.clone(), u.clone()));
            atoms.push(Formula::Lt(u.clone(), t.clone()));
            atoms.push(Formula::Pred(name("P"), Arc::from(vec![t.clone()])));
            atoms.push(Formula::Pred(name("Q"), Arc::from(vec![t.clone(), u.clone()])));
        }
        let mut all = atoms.clone();
        for (k, a) in atoms.iter().enumerate().step_by(4) {
            let (x, y) = (Arc::new(a.clone()), Arc::new(atoms[(k * 5 + 3) % atoms.len()].clone()));
            all.push(Formula::Not(x.clone()));
            all.push(Formula::And(x.clone(), y.clone()));
            all.push(Formula::Or(x.clone(), y.clone()));
            all.push(Formula::Implies(x.clone(), y.clone()));
            all.push(Formula::Iff(y.clone(), x.clone()));
            all.push(Formula::Forall(Hint(name("z")), Sort::Rat, x.clone()));
            all.push(Formula::Forall(Hint(name("z")), Sort::Named(name("M")), x.clone()));
            all.push(Formula::Exists(Hint(name("z")), Sort::Rat, x.clone()));
            // Equal to one above but for the hint, built apart.
            all.push(Formula::Forall(Hint(name("w")), Sort::Rat, Arc::new(fresh_formula(&x))));
        }
        all
    }

    #[test]
    fn it_answers_what_equality_answers() {
        // Every pair of formulas (and of their terms), each side shared with the
        // other's parts or rebuilt with nothing shared.
        let fs = formulas();
        let fresh: Vec<Formula> = fs.iter().map(fresh_formula).collect();
        let (mut equal, mut compared) = (0, 0);
        for (a, a2) in fs.iter().zip(&fresh) {
            for (b, b2) in fs.iter().zip(&fresh) {
                let expected = a == b;
                for (x, y) in [(a, b), (a2, b), (a, b2), (a2, b2)] {
                    assert_eq!(x == y, expected, "{x:?} / {y:?}");
                    assert_eq!(same_formula(x, y), expected, "{x:?} / {y:?}");
                }
                equal += usize::from(expected);
                compared += 1;
            }
        }
        assert!(equal > fs.len() && compared - equal > 10_000, "{equal} equal of {compared}");
        // Contexts of a few variables and hypotheses, shared or rebuilt.
        let vars = |k: usize| -> Vec<(Name, Sort)> {
            let all = [
                (name("x"), Sort::Rat),
                (name("y"), Sort::Named(name("M"))),
                (name("x"), Sort::Named(name("M"))),
            ];
            all.iter().skip(k % 3).take(k % 2 + 1).cloned().collect()
        };
        let contexts: Vec<Context> = (0..12)
            .map(|k| Context {
                variables: vars(k),
                hypotheses: (0..k % 4)
                    .map(|j| (name(["a", "b"][(k + j) % 2]), fs[(k * 5 + j * 3) % 7].clone()))
                    .collect(),
            })
            .collect();
        let fresh_context = |c: &Context| Context {
            variables: c.variables.iter().map(|(x, s)| (name(x), s.clone())).collect(),
            hypotheses: c.hypotheses.iter().map(|(x, f)| (name(x), fresh_formula(f))).collect(),
        };
        let (mut equal, mut compared) = (0, 0);
        for a in &contexts {
            assert!(same_context(a, a), "{a:?} at one address");
            for b in &contexts {
                for (x, y) in
                    [(a.clone(), b.clone()), (fresh_context(a), b.clone()), (a.clone(), fresh_context(b))]
                {
                    assert_eq!(same_context(&x, &y), a == b, "{x:?} / {y:?}");
                }
                equal += usize::from(a == b);
                compared += 1;
            }
        }
        assert!(equal >= contexts.len() && compared - equal > 100, "{equal} equal of {compared}");
        let ts = terms();
        let fresh: Vec<Term> = ts.iter().map(fresh_term).collect();
        for (a, a2) in ts.iter().zip(&fresh) {
            for (b, b2) in ts.iter().zip(&fresh) {
                for (x, y) in [(a, b), (a2, b), (a, b2), (a2, b2)] {
                    assert_eq!(same_term(x, y), a == b, "{x:?} / {y:?}");
                }
            }
        }
    }
}
