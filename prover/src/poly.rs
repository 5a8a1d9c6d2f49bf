//! The prover's own polynomial normal forms over ℚ. They mirror the kernel's reading
//! (atoms are free variables and applications, compared structurally) so that the
//! certificates found here check there; the kernel's normaliser is private and remains
//! the judge.

use crate::error::{ProverError, Result};
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use std::collections::BTreeMap;
use std::sync::Arc;
use warrant_kernel::{Rat, Term};

/// A monomial: atom numbers with positive exponents, sorted by atom number.
pub type Monomial = Vec<(u32, u32)>;

/// A polynomial: monomials with nonzero coefficients; the empty monomial is the constant.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Poly(pub BTreeMap<Monomial, BigRational>);

/// Numbers the atoms of the terms it reads, in order of first appearance.
#[derive(Clone, Debug, Default)]
pub struct Atoms {
    terms: Vec<Term>,
    /// A B-tree, not a hash map: the atoms are few, a comparison usually stops at the
    /// first symbol, and SipHash over every node of each term read was a tenth of the
    /// auditor's arithmetic.
    numbers: BTreeMap<Term, u32>,
    /// The largest total degree a monomial may reach.
    pub max_degree: u32,
}

impl Atoms {
    /// An empty table allowing monomials up to total degree `max_degree`.
    pub fn new(max_degree: u32) -> Atoms {
        Atoms { max_degree, ..Atoms::default() }
    }

    /// The term of atom `n`.
    pub fn term(&self, n: u32) -> Option<&Term> {
        self.terms.get(n as usize)
    }

    /// How many atoms so far.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// No atoms yet?
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    fn atom(&mut self, t: &Term) -> u32 {
        if let Some(&n) = self.numbers.get(t) {
            return n;
        }
        let n = self.terms.len() as u32;
        self.terms.push(t.clone());
        self.numbers.insert(t.clone(), n);
        n
    }

    /// The polynomial of atom `n`.
    pub fn var(n: u32) -> Poly {
        let mut p = Poly::default();
        p.0.insert(vec![(n, 1)], BigRational::one());
        p
    }

    /// The normal form of `t`.
    pub fn normalize(&mut self, t: &Term) -> Result<Poly> {
        Ok(match t {
            Term::Num(c) => Poly::constant(c.to_big()),
            Term::Bound(_) | Term::Free(..) | Term::App(..) => Atoms::var(self.atom(t)),
            Term::Neg(a) => self.normalize(a)?.scale(&-BigRational::one()),
            Term::Add(a, b) => self.normalize(a)?.add(&self.normalize(b)?),
            Term::Sub(a, b) => self.normalize(a)?.add(&self.normalize(b)?.scale(&-BigRational::one())),
            Term::Mul(a, b) => {
                let p = self.normalize(a)?;
                let q = self.normalize(b)?;
                p.mul(&q, self.max_degree)?
            }
            Term::Div(a, c) => {
                if c.is_zero() {
                    return Err(ProverError::Shape { tactic: "norm", what: "a division by zero".into() });
                }
                self.normalize(a)?.scale(&c.to_big().recip())
            }
            Term::Pow(a, n) => {
                if *n > self.max_degree {
                    return Err(degree(self.max_degree));
                }
                let base = self.normalize(a)?;
                let mut acc = Poly::constant(BigRational::one());
                for _ in 0..*n {
                    acc = acc.mul(&base, self.max_degree)?;
                }
                acc
            }
        })
    }

    /// `b - a`, the kernel's reading of a comparison `a ⋈ b`.
    pub fn difference(&mut self, b: &Term, a: &Term) -> Result<Poly> {
        let pb = self.normalize(b)?;
        let pa = self.normalize(a)?;
        Ok(pb.sub(&pa))
    }

    /// A term whose normal form is `p`: monomials in order, each `c * a^k * ...`.
    pub fn to_term(&self, p: &Poly) -> Term {
        let mut sum: Option<Term> = None;
        for (m, c) in &p.0 {
            let mut prod: Option<Term> = (!c.is_one() || m.is_empty()).then(|| numeral(c));
            for &(a, e) in m {
                let base = self.terms[a as usize].clone();
                let f = if e == 1 { base } else { Term::pow(base, e) };
                prod = Some(match prod {
                    None => f,
                    Some(x) => Term::mul(x, f),
                });
            }
            let monomial = prod.unwrap_or_else(|| numeral(c));
            sum = Some(match sum {
                None => monomial,
                Some(s) => Term::add(s, monomial),
            });
        }
        sum.unwrap_or_else(|| Term::int(0))
    }

    /// `p` printed readably.
    pub fn show(&self, p: &Poly) -> String {
        warrant_kernel::print::term_to_string(&self.to_term(p))
    }
}

fn degree(max: u32) -> ProverError {
    ProverError::Shape { tactic: "norm", what: format!("a monomial of degree above {max}") }
}

impl Poly {
    /// The constant `c`.
    pub fn constant(c: BigRational) -> Poly {
        let mut p = Poly::default();
        if !c.is_zero() {
            p.0.insert(Vec::new(), c);
        }
        p
    }

    /// The constant coefficient.
    pub fn constant_part(&self) -> BigRational {
        self.0.get(&Vec::new()).cloned().unwrap_or_else(BigRational::zero)
    }

    /// `Some(c)` when this is the constant `c`.
    pub fn as_constant(&self) -> Option<BigRational> {
        match self.0.len() {
            0 => Some(BigRational::zero()),
            1 => self.0.get(&Vec::new()).cloned(),
            _ => None,
        }
    }

    /// `c * self`.
    pub fn scale(&self, c: &BigRational) -> Poly {
        if c.is_zero() {
            return Poly::default();
        }
        Poly(self.0.iter().map(|(m, k)| (m.clone(), k * c)).collect())
    }

    /// `self + q`.
    pub fn add(&self, q: &Poly) -> Poly {
        self.add_signed(q, false)
    }

    /// `-self` (no multiplication: coefficients only change sign).
    pub fn neg(&self) -> Poly {
        Poly(self.0.iter().map(|(m, k)| (m.clone(), -k)).collect())
    }

    /// `self - q`.
    pub fn sub(&self, q: &Poly) -> Poly {
        self.add_signed(q, true)
    }

    /// `self + q`, or `self - q` when `subtract` (`q`'s coefficients only change sign).
    fn add_signed(&self, q: &Poly, subtract: bool) -> Poly {
        let mut out = self.clone();
        for (m, k) in &q.0 {
            let sum = match (out.0.get(m), subtract) {
                (Some(old), false) => old + k,
                (Some(old), true) => old - k,
                (None, false) => k.clone(),
                (None, true) => -k,
            };
            if sum.is_zero() {
                out.0.remove(m);
            } else {
                out.0.insert(m.clone(), sum);
            }
        }
        out
    }

    /// `self * q`, failing when a monomial would exceed `max_degree`.
    pub fn mul(&self, q: &Poly, max_degree: u32) -> Result<Poly> {
        let mut out = Poly::default();
        for (m1, k1) in &self.0 {
            for (m2, k2) in &q.0 {
                let m = mul_monomials(m1, m2);
                let d: u64 = m.iter().map(|&(_, e)| e as u64).sum();
                if d > max_degree as u64 {
                    return Err(degree(max_degree));
                }
                let k = k1 * k2;
                let sum = match out.0.get(&m) {
                    Some(old) => old + &k,
                    None => k,
                };
                if sum.is_zero() {
                    out.0.remove(&m);
                } else {
                    out.0.insert(m, sum);
                }
            }
        }
        Ok(out)
    }

    /// Is every coefficient of a non-constant monomial zero and the constant `>= 0`?
    pub fn is_nonnegative_constant(&self) -> bool {
        self.as_constant().is_some_and(|c| !c.is_negative())
    }
}

fn mul_monomials(a: &Monomial, b: &Monomial) -> Monomial {
    let mut out: Monomial = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x.0 == y.0 => {
                i += 1;
                j += 1;
                (x.0, x.1.saturating_add(y.1))
            }
            (Some(&x), Some(&y)) if x.0 < y.0 => {
                i += 1;
                x
            }
            (Some(_), Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, Some(&y)) => {
                j += 1;
                y
            }
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

/// A numeral term for an exact rational.
pub fn numeral(c: &BigRational) -> Term {
    Term::Num(Arc::new(Rat::from_big(c.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warrant_kernel::Sort;

    #[test]
    fn binomial_square_and_back() {
        let x = Term::free("x", Sort::Rat);
        let y = Term::free("y", Sort::Rat);
        let mut atoms = Atoms::new(16);
        let p = atoms.normalize(&Term::pow(Term::add(x.clone(), y.clone()), 2)).unwrap();
        assert_eq!(p.0.len(), 3);
        assert_eq!(atoms.show(&p), "2 * x * y + x^2 + y^2");
        let q = atoms.normalize(&atoms.to_term(&p)).unwrap();
        assert_eq!(p, q);
    }
}
