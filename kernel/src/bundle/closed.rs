//! Whether a theorem's statement is a claim's closed statement, without building it.
//!
//! [`verify`](super::verify) compares each claim with the theorem it cites. Building
//! the claim's closed statement ([`closed_statement`](super::closed_statement)) copies
//! every node that a parameter occurs under, once per parameter, and the comparison
//! then walks two trees that share nothing; [`is_closed_statement`] walks the
//! theorem's statement and the claim's parts side by side instead, reading each
//! parameter's occurrence as the bound variable that closing would have made of it.
//! It answers exactly what `closed_statement(..) == *statement` answers (binder hints
//! aside, as `==` ignores them); the tests hold it to that.

use super::same::{same_name, same_sort, same_term};
use crate::term::{Formula, Name, Sort, Term};

/// Whether `statement` is `closed_statement(params, assumptions, conclusion)`, as `==`
/// tells formulas apart.
pub fn is_closed_statement(
    statement: &Formula,
    params: &[(Name, Sort)],
    assumptions: &[(Name, Formula)],
    conclusion: &Formula,
) -> bool {
    let mut f = statement;
    for (_, s) in params {
        let Formula::Forall(_, sort, body) = f else { return false };
        if !same_sort(sort, s) {
            return false;
        }
        f = body;
    }
    let closing = Closing { params };
    for (_, a) in assumptions {
        let Formula::Implies(premise, rest) = f else { return false };
        if !closing.formula(premise, a, 0) {
            return false;
        }
        f = rest;
    }
    closing.formula(f, conclusion, 0)
}

/// Compares a part of a closed statement with the open part it was made from, the
/// parameters `params` (outermost first) being closed.
struct Closing<'p> {
    params: &'p [(Name, Sort)],
}

/// What closing the parameters makes of a free variable.
enum Closed {
    /// It is no parameter: it stays as it is.
    Unchanged,
    /// The bound variable it becomes (`None` past `u32`, which no statement within the
    /// kernel's limits reaches).
    Bound(Option<u32>),
}

impl Closing<'_> {
    /// The free variable `x: s` under `depth` binders of the open part. Closing goes from
    /// the innermost parameter out, each one turning `x: s` into the bound variable of
    /// its binder, `depth` plus the number of parameters after it: the last parameter
    /// called `x` of sort `s` takes every occurrence.
    fn free(&self, x: &Name, s: &Sort, depth: u32) -> Closed {
        match self.params.iter().rposition(|(p, sort)| same_name(p, x) && same_sort(sort, s)) {
            None => Closed::Unchanged,
            Some(i) => Closed::Bound(
                u32::try_from(self.params.len() - 1 - i).ok().and_then(|k| k.checked_add(depth)),
            ),
        }
    }

    fn terms(&self, closed: &[Term], open: &[Term], depth: u32) -> bool {
        closed.len() == open.len() && closed.iter().zip(open).all(|(c, o)| self.term(c, o, depth))
    }

    fn term(&self, closed: &Term, open: &Term, depth: u32) -> bool {
        match (closed, open) {
            (_, Term::Free(x, s)) => match self.free(x, s, depth) {
                Closed::Unchanged => same_term(closed, open),
                Closed::Bound(k) => matches!(closed, Term::Bound(i) if Some(*i) == k),
            },
            (Term::Bound(i), Term::Bound(j)) => i == j,
            (Term::Num(a), Term::Num(b)) => a == b,
            (Term::App(f, xs), Term::App(g, ys)) => same_name(f, g) && self.terms(xs, ys, depth),
            (Term::Neg(a), Term::Neg(b)) => self.term(a, b, depth),
            (Term::Add(a, b), Term::Add(c, d))
            | (Term::Sub(a, b), Term::Sub(c, d))
            | (Term::Mul(a, b), Term::Mul(c, d)) => self.term(a, c, depth) && self.term(b, d, depth),
            (Term::Div(a, r), Term::Div(b, q)) => r == q && self.term(a, b, depth),
            (Term::Pow(a, n), Term::Pow(b, m)) => n == m && self.term(a, b, depth),
            _ => false,
        }
    }

    fn formula(&self, closed: &Formula, open: &Formula, depth: u32) -> bool {
        match (closed, open) {
            (Formula::True, Formula::True) | (Formula::False, Formula::False) => true,
            (Formula::Eq(a, b), Formula::Eq(c, d))
            | (Formula::Le(a, b), Formula::Le(c, d))
            | (Formula::Lt(a, b), Formula::Lt(c, d)) => self.term(a, c, depth) && self.term(b, d, depth),
            (Formula::Pred(p, xs), Formula::Pred(q, ys)) => same_name(p, q) && self.terms(xs, ys, depth),
            (Formula::Not(a), Formula::Not(b)) => self.formula(a, b, depth),
            (Formula::And(a, b), Formula::And(c, d))
            | (Formula::Or(a, b), Formula::Or(c, d))
            | (Formula::Implies(a, b), Formula::Implies(c, d))
            | (Formula::Iff(a, b), Formula::Iff(c, d)) => {
                self.formula(a, c, depth) && self.formula(b, d, depth)
            }
            (Formula::Forall(_, s, a), Formula::Forall(_, r, b))
            | (Formula::Exists(_, s, a), Formula::Exists(_, r, b)) => {
                same_sort(s, r) && depth.checked_add(1).is_some_and(|d| self.formula(a, b, d))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::closed_statement;
    use super::*;
    use crate::rat::Rat;
    use crate::term::{name, Hint};
    use std::sync::Arc;

    /// Terms over the variables `x: M`, `x: Rat`, `y: M`, two bound variables, a
    /// number and a symbol, nested a little.
    fn terms() -> Vec<Term> {
        let m = Sort::Named(name("M"));
        let leaves = vec![
            Term::Free(name("x"), m.clone()),
            Term::Free(name("x"), Sort::Rat),
            Term::Free(name("y"), m),
            Term::Bound(0),
            Term::Bound(1),
            Term::Num(Arc::new(Rat::int(2))),
        ];
        let mut all = leaves.clone();
        for a in &leaves[..4] {
            all.push(Term::App(name("f"), Arc::from(vec![a.clone()])));
            all.push(Term::Neg(Arc::new(a.clone())));
            for b in &leaves[2..5] {
                all.push(Term::Add(Arc::new(a.clone()), Arc::new(b.clone())));
            }
        }
        all.push(Term::Div(Arc::new(leaves[0].clone()), Arc::new(Rat::int(3))));
        all.push(Term::Pow(Arc::new(leaves[2].clone()), 2));
        all
    }

    /// Formulas over [`terms`], some under a binder of their own.
    fn formulas() -> Vec<Formula> {
        let ts = terms();
        let mut all = vec![Formula::True];
        for (k, t) in ts.iter().enumerate() {
            all.push(Formula::Pred(name("P"), Arc::from(vec![t.clone()])));
            all.push(Formula::Le(t.clone(), ts[(k + 3) % ts.len()].clone()));
        }
        let bound: Vec<Formula> = all[1..12]
            .iter()
            .map(|f| Formula::Forall(Hint(name("z")), Sort::Named(name("M")), Arc::new(f.clone())))
            .collect();
        all.extend(bound);
        all.push(Formula::Not(Arc::new(all[3].clone())));
        all.push(Formula::And(Arc::new(all[2].clone()), Arc::new(all[5].clone())));
        all
    }

    #[test]
    fn it_answers_what_comparing_with_the_built_statement_answers() {
        let m = Sort::Named(name("M"));
        let (x, y) = (name("x"), name("y"));
        let params: Vec<Vec<(Name, Sort)>> = vec![
            vec![],
            vec![(x.clone(), m.clone())],
            vec![(x.clone(), Sort::Rat)],
            vec![(x.clone(), m.clone()), (y.clone(), m.clone())],
            vec![(y.clone(), m.clone()), (x.clone(), m.clone())],
            vec![(x.clone(), m.clone()), (x.clone(), m.clone())],
            vec![(x.clone(), m.clone()), (x.clone(), Sort::Rat)],
        ];
        let fs = formulas();
        let assumptions: Vec<Vec<(Name, Formula)>> = vec![
            vec![],
            vec![("a".into(), fs[1].clone())],
            vec![("a".into(), fs[7].clone()), ("b".into(), fs[20].clone())],
        ];
        // The statements to compare with: every built closed statement of a few
        // conclusions, and the formulas themselves.
        let conclusions = [&fs[2], &fs[5], &fs[14], &fs[30], &fs[fs.len() - 1]];
        let mut statements = fs.clone();
        for p in &params {
            for a in &assumptions {
                for c in conclusions {
                    statements.push(closed_statement(p, a, c));
                }
            }
        }
        let (mut equal, mut compared) = (0, 0);
        for p in &params {
            for a in &assumptions {
                for c in &fs {
                    let built = closed_statement(p, a, c);
                    for s in &statements {
                        let expected = built == *s;
                        assert_eq!(
                            is_closed_statement(s, p, a, c),
                            expected,
                            "{p:?} {a:?} {c:?} against {s:?}"
                        );
                        equal += usize::from(expected);
                        compared += 1;
                    }
                }
            }
        }
        // Both answers are exercised, and more than by the statements built from the
        // very same parts (a variable of another name or sort closing to the same
        // bound variable, a bound variable of the conclusion captured by a parameter).
        let built_from_same = params.len() * assumptions.len() * conclusions.len();
        assert!(equal > built_from_same, "{equal} equal of {compared}");
        assert!(compared - equal > 100_000, "{equal} equal of {compared}");
    }
}
