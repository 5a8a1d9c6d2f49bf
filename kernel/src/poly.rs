//! Polynomial normal forms over ℚ (trusted).
//!
//! A term of sort `Rat` is read as a polynomial whose variables ("atoms") are its
//! maximal non-arithmetic subterms: free variables and applications of function
//! symbols, compared structurally. Two terms are equal in every commutative ring
//! extending ℚ when their normal forms are equal; that is the whole of the `ring` rule.
//! Every operation respects [`Limits`]: monomial count, coefficient size, degree.

use crate::error::{KernelError, LimitKind};
use crate::rat::Rat;
use crate::term::Term;
use crate::Limits;
use std::cell::Cell;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// A monomial: atoms with positive exponents, sorted by atom number.
pub(crate) type Monomial = Vec<(u32, u32)>;

/// A polynomial: monomials with nonzero coefficients. The empty monomial is the constant.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Poly(pub(crate) BTreeMap<Monomial, Rat>);

/// The work done so far in one check, against [`Limits::max_work`].
pub(crate) struct Work {
    pub(crate) done: Cell<u64>,
    pub(crate) max: u64,
}

impl Work {
    /// Counts `units` more work, refusing once the total passes the limit.
    pub(crate) fn charge(&self, units: u64) -> Result<(), KernelError> {
        self.done.set(self.done.get().saturating_add(units));
        if self.done.get() > self.max {
            return Err(KernelError::limit(LimitKind::Work, self.max));
        }
        Ok(())
    }
}

/// Reads terms as polynomials, numbering atoms as it meets them.
pub(crate) struct Normalizer<'a> {
    atoms: Vec<Term>,
    numbers: HashMap<Term, u32>,
    limits: &'a Limits,
    work: &'a Work,
}

impl<'a> Normalizer<'a> {
    pub(crate) fn new(limits: &'a Limits, work: &'a Work) -> Self {
        Normalizer { atoms: Vec::new(), numbers: HashMap::new(), limits, work }
    }

    /// Charges one operation on the coefficients `a` and `b`: 64 units per square of
    /// their size in machine words, as keeping a rational reduced takes a binary gcd,
    /// whose cost grows as bits times words.
    fn charge(&self, a: &Rat, b: &Rat) -> Result<(), KernelError> {
        let words = a.bits().max(b.bits()) / 64 + 1;
        self.work.charge(64 * words * words)
    }

    fn atom(&mut self, t: &Term) -> u32 {
        let next = self.atoms.len() as u32;
        *self.numbers.entry(t.clone()).or_insert_with(|| {
            self.atoms.push(t.clone());
            next
        })
    }

    fn check_coefficient(&self, c: &Rat) -> Result<(), KernelError> {
        if c.bits() > self.limits.max_numeral_bits {
            return Err(KernelError::limit(LimitKind::NumeralBits, self.limits.max_numeral_bits));
        }
        Ok(())
    }

    /// The constant polynomial `c`.
    pub(crate) fn constant(&self, c: &Rat) -> Result<Poly, KernelError> {
        self.check_coefficient(c)?;
        let mut p = Poly::default();
        if !c.is_zero() {
            p.0.insert(Vec::new(), c.clone());
        }
        Ok(p)
    }

    /// The normal form of `t`, computed with an explicit work list (no recursion, so
    /// no input can exhaust the stack here).
    pub(crate) fn normalize(&mut self, root: &Term) -> Result<Poly, KernelError> {
        enum Task<'t> {
            Visit(&'t Term),
            Combine(&'t Term),
        }
        let mut tasks = vec![Task::Visit(root)];
        let mut values: Vec<Poly> = Vec::new();
        let internal = || KernelError::Internal { what: "normal form stack".into() };
        while let Some(task) = tasks.pop() {
            match task {
                Task::Visit(t) => match t {
                    Term::Num(c) => values.push(self.constant(c)?),
                    Term::Bound(_) | Term::Free(..) | Term::App(..) => {
                        values.push(Poly(BTreeMap::from([(vec![(self.atom(t), 1)], Rat::int(1))])))
                    }
                    Term::Neg(a) | Term::Div(a, _) => {
                        tasks.push(Task::Combine(t));
                        tasks.push(Task::Visit(a));
                    }
                    Term::Pow(a, n) => {
                        if *n > self.limits.max_exponent {
                            return Err(KernelError::limit(LimitKind::Exponent, self.limits.max_exponent));
                        }
                        tasks.push(Task::Combine(t));
                        tasks.push(Task::Visit(a));
                    }
                    Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => {
                        tasks.push(Task::Combine(t));
                        tasks.push(Task::Visit(b));
                        tasks.push(Task::Visit(a));
                    }
                },
                Task::Combine(t) => {
                    let last = values.pop().ok_or_else(internal)?;
                    let value = match t {
                        Term::Neg(_) => self.scale(&last, &Rat::int(-1))?,
                        Term::Div(_, c) => {
                            let inv = c.recip().ok_or(KernelError::DivisionByZero)?;
                            let r = self.scale(&last, &inv)?;
                            r.0.values().try_for_each(|c| self.check_coefficient(c))?;
                            r
                        }
                        Term::Pow(_, n) => {
                            let mut acc = self.constant(&Rat::int(1))?;
                            for _ in 0..*n {
                                acc = self.mul(&acc, &last)?;
                            }
                            acc
                        }
                        Term::Add(..) | Term::Sub(..) | Term::Mul(..) => {
                            let first = values.pop().ok_or_else(internal)?;
                            match t {
                                Term::Add(..) => self.add(first, &last)?,
                                Term::Sub(..) => self.add(first, &self.scale(&last, &Rat::int(-1))?)?,
                                _ => self.mul(&first, &last)?,
                            }
                        }
                        _ => return Err(internal()),
                    };
                    values.push(value);
                }
            }
        }
        values.pop().ok_or_else(internal)
    }

    /// The term standing for atom `i`.
    pub(crate) fn atom_term(&self, i: u32) -> Option<&Term> {
        self.atoms.get(i as usize)
    }

    /// The normal form of `b - a`.
    pub(crate) fn difference(&mut self, b: &Term, a: &Term) -> Result<Poly, KernelError> {
        let (pb, pa) = (self.normalize(b)?, self.normalize(a)?);
        self.add(pb, &self.scale(&pa, &Rat::int(-1))?)
    }

    /// `c * p`.
    pub(crate) fn scale(&self, p: &Poly, c: &Rat) -> Result<Poly, KernelError> {
        if c.is_zero() {
            return Ok(Poly::default());
        }
        let scaled = |(m, k): (&Monomial, &Rat)| self.charge(k, c).map(|()| (m.clone(), k * c));
        Ok(Poly(p.0.iter().map(scaled).collect::<Result<_, _>>()?))
    }

    /// `p + q`, computed in `p`'s place (so a long sum costs its length, not its square).
    pub(crate) fn add(&self, mut p: Poly, q: &Poly) -> Result<Poly, KernelError> {
        for (m, k) in &q.0 {
            self.charge(k, p.0.get(m).unwrap_or(k))?;
            self.accumulate(&mut p, m.clone(), k.clone())?;
        }
        Ok(p)
    }

    /// `p * q`.
    pub(crate) fn mul(&self, p: &Poly, q: &Poly) -> Result<Poly, KernelError> {
        // ℚ[atoms] has no zero divisors, so `p * q` has degree exactly
        // `deg p + deg q`: refuse an over-degree product before computing it.
        if p.degree() + q.degree() > self.limits.max_degree as u64 {
            return Err(KernelError::limit(LimitKind::Degree, self.limits.max_degree));
        }
        let mut out = Poly::default();
        for (m1, k1) in &p.0 {
            for (m2, k2) in &q.0 {
                self.charge(k1, k2)?;
                self.accumulate(&mut out, self.mul_monomials(m1, m2)?, k1 * k2)?;
            }
        }
        Ok(out)
    }

    /// Adds `k` to the coefficient of `m` in `p` (removing it if it becomes zero),
    /// within the limits on coefficients and monomials.
    fn accumulate(&self, p: &mut Poly, m: Monomial, k: Rat) -> Result<(), KernelError> {
        match p.0.entry(m) {
            Entry::Vacant(e) => {
                self.check_coefficient(&k)?;
                e.insert(k);
            }
            Entry::Occupied(mut e) => {
                let sum = e.get() + &k;
                self.check_coefficient(&sum)?;
                if sum.is_zero() {
                    e.remove();
                } else {
                    *e.get_mut() = sum;
                }
            }
        }
        if p.0.len() > self.limits.max_monomials {
            return Err(KernelError::limit(LimitKind::Monomials, self.limits.max_monomials));
        }
        Ok(())
    }

    fn mul_monomials(&self, a: &Monomial, b: &Monomial) -> Result<Monomial, KernelError> {
        let mut out = a.clone();
        for &(atom, e) in b {
            match out.binary_search_by_key(&atom, |&(x, _)| x) {
                Ok(i) => out[i].1 = out[i].1.saturating_add(e),
                Err(i) => out.insert(i, (atom, e)),
            }
        }
        let degree: u64 = out.iter().map(|&(_, e)| e as u64).sum();
        if degree > self.limits.max_degree as u64 {
            return Err(KernelError::limit(LimitKind::Degree, self.limits.max_degree));
        }
        Ok(out)
    }
}

impl Poly {
    /// The total degree (0 for the zero polynomial).
    fn degree(&self) -> u64 {
        let total = |m: &Monomial| m.iter().map(|&(_, e)| e as u64).sum::<u64>();
        self.0.keys().map(total).max().unwrap_or(0)
    }

    /// `Some(c)` when this is the constant `c`.
    pub(crate) fn as_constant(&self) -> Option<Rat> {
        match self.0.len() {
            0 => Some(Rat::int(0)),
            1 => self.0.get(&Vec::new()).cloned(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Sort;

    fn unlimited() -> Work {
        Work { done: Cell::new(0), max: u64::MAX }
    }

    #[test]
    fn binomial_square() {
        let limits = Limits::default();
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work);
        let x = Term::free("x", Sort::Rat);
        let y = Term::free("y", Sort::Rat);
        let lhs = Term::pow(Term::add(x.clone(), y.clone()), 2);
        let rhs = Term::add(
            Term::add(
                Term::mul(x.clone(), x.clone()),
                Term::mul(Term::int(2), Term::mul(y.clone(), x.clone())),
            ),
            Term::mul(y.clone(), y),
        );
        assert_eq!(n.normalize(&lhs).unwrap(), n.normalize(&rhs).unwrap());
    }

    #[test]
    fn monomial_limit_is_an_error() {
        let limits = Limits { max_monomials: 10, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work);
        let sum = (0..6).map(|i| Term::free(&format!("x{i}"), Sort::Rat)).reduce(Term::add).unwrap();
        let err = n.normalize(&Term::pow(sum, 2)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::Monomials, limit: 10 });
    }

    #[test]
    fn coefficient_limit_is_an_error() {
        let limits = Limits { max_numeral_bits: 64, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work);
        let err = n.normalize(&Term::pow(Term::int(1 << 20), 4)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::NumeralBits, limit: 64 });
    }

    #[test]
    fn degree_limit_is_an_error() {
        let limits = Limits { max_degree: 100, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work);
        let x = Term::free("x", Sort::Rat);
        let err = n.normalize(&Term::pow(Term::pow(x, 20), 20)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::Degree, limit: 100 });
    }
}
