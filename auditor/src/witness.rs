//! Exact evaluation of a technique's assumptions at its witness.
//!
//! A witness gives values to terms (`recall(t) = 19/20`). An assumption is evaluated
//! by replacing each such term by its value and computing exactly over ℚ. A
//! quantified assumption, or one with a predicate, is not evaluated (the witness
//! speaks of finitely many terms); one that mentions a term the witness does not give
//! is reported as such.

use std::collections::BTreeMap;
use warrant_kernel::{Formula, Rat, Term};

/// Why an assumption could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unevaluated {
    /// It mentions this term, which the witness gives no value.
    Missing(Term),
    /// It has a quantifier, a predicate or an equation between non-numbers.
    NotQuantifierFree,
    /// A value grew past the numeral limit.
    TooLarge,
}

/// The values of a witness.
pub struct Witness {
    /// Looked up at every subterm evaluated: a B-tree's comparisons usually stop at
    /// the first symbol, where SipHash read every node of the subterm.
    values: BTreeMap<Term, Rat>,
    max_bits: u64,
}

impl Witness {
    /// Builds the witness from `(term, value term)` pairs; a value that is not a closed
    /// numeric expression is returned as an error (with the term it was for).
    pub fn new(pairs: &[(Term, Term)], max_bits: u64) -> Result<Witness, (Term, Unevaluated)> {
        let mut w = Witness { values: BTreeMap::new(), max_bits };
        for (lhs, rhs) in pairs {
            let v = w.term(rhs).map_err(|e| (lhs.clone(), e))?;
            w.values.insert(lhs.clone(), v);
        }
        Ok(w)
    }

    fn bounded(&self, r: Rat) -> Result<Rat, Unevaluated> {
        if r.bits() > self.max_bits {
            Err(Unevaluated::TooLarge)
        } else {
            Ok(r)
        }
    }

    /// The exact value of a term of sort `Rat`.
    pub fn term(&self, t: &Term) -> Result<Rat, Unevaluated> {
        if let Some(v) = self.values.get(t) {
            return Ok(v.clone());
        }
        let r = match t {
            Term::Num(r) => (**r).clone(),
            Term::Neg(a) => -&self.term(a)?,
            Term::Add(a, b) => &self.term(a)? + &self.term(b)?,
            Term::Sub(a, b) => &self.term(a)? - &self.term(b)?,
            Term::Mul(a, b) => &self.term(a)? * &self.term(b)?,
            Term::Div(a, c) => match c.recip() {
                Some(inv) => &self.term(a)? * &inv,
                None => return Err(Unevaluated::NotQuantifierFree),
            },
            Term::Pow(a, n) => {
                let base = self.term(a)?;
                let mut acc = Rat::one();
                for _ in 0..*n {
                    acc = self.bounded(&acc * &base)?;
                }
                acc
            }
            Term::Bound(_) | Term::Free(..) | Term::App(..) => return Err(Unevaluated::Missing(t.clone())),
        };
        self.bounded(r)
    }

    /// The truth value of a formula.
    pub fn formula(&self, f: &Formula) -> Result<bool, Unevaluated> {
        Ok(match f {
            Formula::True => true,
            Formula::False => false,
            Formula::Le(a, b) => self.term(a)? <= self.term(b)?,
            Formula::Lt(a, b) => self.term(a)? < self.term(b)?,
            Formula::Eq(a, b) => {
                if a == b {
                    true
                } else {
                    self.term(a)? == self.term(b)?
                }
            }
            Formula::Not(a) => !self.formula(a)?,
            Formula::And(a, b) => self.formula(a)? && self.formula(b)?,
            Formula::Or(a, b) => self.formula(a)? || self.formula(b)?,
            Formula::Implies(a, b) => !self.formula(a)? || self.formula(b)?,
            Formula::Iff(a, b) => self.formula(a)? == self.formula(b)?,
            Formula::Pred(..) | Formula::Forall(..) | Formula::Exists(..) => {
                return Err(Unevaluated::NotQuantifierFree)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warrant_kernel::Sort;

    fn recall() -> Term {
        Term::app("recall", vec![Term::free("t", Sort::Named(warrant_kernel::name("Monitor")))])
    }

    #[test]
    fn evaluates_exactly() {
        let w = Witness::new(&[(recall(), Term::div(Term::int(19), Rat::int(20)))], 1000).unwrap();
        let high = Formula::le(Term::num(Rat::frac(95, 100).unwrap()), recall());
        assert_eq!(w.formula(&high), Ok(true));
        let higher = Formula::lt(Term::num(Rat::frac(95, 100).unwrap()), recall());
        assert_eq!(w.formula(&higher), Ok(false));
    }

    #[test]
    fn reports_missing_values_and_quantifiers() {
        let w = Witness::new(&[], 1000).unwrap();
        let f = Formula::le(Term::int(0), recall());
        assert_eq!(w.formula(&f), Err(Unevaluated::Missing(recall())));
        let q = Formula::forall("x", Sort::Rat, &Formula::le(Term::free("x", Sort::Rat), Term::int(1)));
        assert_eq!(w.formula(&q), Err(Unevaluated::NotQuantifierFree));
    }

    #[test]
    fn huge_values_are_refused() {
        let w = Witness::new(&[], 64).unwrap();
        let t = Term::pow(Term::int(1 << 30), 10);
        assert_eq!(w.term(&t), Err(Unevaluated::TooLarge));
    }
}
