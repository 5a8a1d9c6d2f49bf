//! Polynomial normal forms over ℚ (trusted).
//!
//! A term of sort `Rat` is read as a polynomial whose variables ("atoms") are its
//! maximal non-arithmetic subterms: free variables and applications of function
//! symbols, compared structurally. Two terms are equal in every commutative ring
//! extending ℚ when their normal forms are equal; that is the whole of the `ring` rule.
//! Every operation respects [`Limits`]: monomial count, coefficient size, degree.
//!
//! A normal form ([`Poly`]) is a list of monomials with nonzero coefficients, sorted
//! strictly by degree, then by atoms. Sums are built as [`Terms`]: the same pairs in any order and
//! possibly repeating, put in normal form by one sort when the value is needed (so a
//! sum of n parts costs n log n, not n²), or whenever they reach twice the monomial
//! limit (so memory stays bounded).

use crate::error::{KernelError, LimitKind};
use crate::rat::Rat;
use crate::term::{Numbering, Term};
use crate::Limits;
use smallvec::{smallvec, SmallVec};
use std::cell::Cell;

/// A monomial: its atoms' numbers in increasing order, each repeated as often as its
/// exponent (`x²y` is `[x, x, y]`), so its length is its degree, which the degree limit
/// bounds. It has exactly one form, so the derived equality is that of monomials (and
/// the derived order, of the lists, a total order consistent with it). The first four
/// atoms are held in place.
pub(crate) type Monomial = SmallVec<[u32; 4]>;

/// `a * b`: the two lists together, sorted.
fn times(a: &Monomial, b: &Monomial) -> Monomial {
    let mut m: Monomial = a.iter().chain(b).copied().collect();
    m.sort_unstable();
    m
}

/// Monomials with coefficients, in any order and possibly repeating: a sum not yet
/// in normal form.
pub(crate) type Terms = Vec<(Monomial, Rat)>;

/// Monomials with coefficients, borrowed: a normal form, or a part of a vector of them.
pub(crate) type Part = [(Monomial, Rat)];

/// A polynomial in normal form: monomials with nonzero coefficients, sorted strictly
/// by degree, then by atoms.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Poly(pub(crate) Terms);

/// The work done so far in one check, against [`Limits::max_work`].
#[derive(Clone)]
pub(crate) struct Work {
    pub(crate) done: Cell<u64>,
    pub(crate) max: u64,
}

impl Work {
    /// Counts `units` more work, refusing once the total passes the limit.
    #[inline]
    pub(crate) fn charge(&self, units: u64) -> Result<(), KernelError> {
        self.done.set(self.done.get().saturating_add(units));
        if self.done.get() > self.max {
            return Err(KernelError::limit(LimitKind::Work, self.max));
        }
        Ok(())
    }
}

/// Reads terms as polynomials, numbering atoms as it meets them. The terms it reads
/// are borrowed for its whole life.
pub(crate) struct Normalizer<'a> {
    /// The atoms, numbered (`atoms.values[n]` is the term of atom `n`).
    pub(crate) atoms: Numbering<'a, Term>,
    /// The task list of [`Normalizer::add`], kept to be reused by the next call.
    tasks: Vec<Task<'a>>,
    limits: &'a Limits,
    work: &'a Work,
}

/// A task of [`Normalizer::add`].
enum Task<'t> {
    /// Add `c * t` to the innermost open sum.
    Visit(&'t Term, Rat),
    /// Open a new innermost sum, holding `t`: an operand of a product or power.
    Operand(&'t Term),
    /// Close the product's operands' sums (the power's base's sum) and add `c` times
    /// their product (its power) to the sum around them.
    Close(&'t Term, Rat),
}

impl<'a> Normalizer<'a> {
    /// A normaliser with room for `atoms` atoms before its table grows.
    pub(crate) fn new(limits: &'a Limits, work: &'a Work, atoms: usize) -> Self {
        Normalizer { atoms: Numbering::new(atoms), tasks: Vec::new(), limits, work }
    }

    /// Charges one operation on the coefficients `a` and `b`: 64 units per square of
    /// their size in machine words, as keeping a rational reduced takes a binary gcd,
    /// whose cost grows as bits times words.
    #[inline]
    fn charge(&self, a: &Rat, b: &Rat) -> Result<(), KernelError> {
        let words = a.bits().max(b.bits()) / 64 + 1;
        self.work.charge(64 * words * words)
    }

    /// `a * b`, counted as one operation.
    fn times(&self, a: &Rat, b: &Rat) -> Result<Rat, KernelError> {
        self.charge(a, b)?;
        Ok(a * b)
    }

    /// The sum of `c * t` over `parts`, not yet in normal form (see
    /// [`Normalizer::collect`]).
    /// Sums, differences, negations, divisions and literal factors only change the
    /// coefficient passed down, so they build no intermediate value; a product (or
    /// power) of other terms collects each operand in a sum of its own, then adds `c`
    /// times their product. It works from an explicit list of tasks, not by recursion,
    /// so that no input can exhaust the stack here.
    pub(crate) fn add(&mut self, parts: &[(Rat, &'a Term)]) -> Result<Terms, KernelError> {
        let mut tasks = std::mem::take(&mut self.tasks);
        tasks.extend(parts.iter().map(|(c, t)| Task::Visit(t, c.clone())));
        let mut sums = vec![Vec::new()];
        let internal = || KernelError::Internal { what: "normal form stack".into() };
        let minus = Rat::int(-1);
        while let Some(task) = tasks.pop() {
            let sum = sums.last_mut().ok_or_else(internal)?;
            match task {
                Task::Operand(t) => {
                    sums.push(Vec::new());
                    tasks.push(Task::Visit(t, Rat::int(1)));
                }
                Task::Visit(t, c) => match t {
                    // A zero adds nothing; a too large coefficient is refused in normal form.
                    Term::Num(k) if k.is_zero() => {}
                    Term::Num(k) => self.push(sum, Monomial::new(), self.times(&c, k)?)?,
                    Term::Bound(_) | Term::Free(..) | Term::App(..) => {
                        // Copying `c` costs no more than an operation on it.
                        self.charge(&c, &c)?;
                        let m = smallvec![self.atoms.number(t)];
                        self.push(sum, m, c)?;
                    }
                    Term::Neg(a) => tasks.push(Task::Visit(a, self.times(&c, &minus)?)),
                    Term::Add(a, b) => tasks.extend([Task::Visit(b, c.clone()), Task::Visit(a, c)]),
                    Term::Sub(a, b) => {
                        tasks.extend([Task::Visit(b, self.times(&c, &minus)?), Task::Visit(a, c)])
                    }
                    Term::Div(a, k) => {
                        let r = k.recip().ok_or(KernelError::DivisionByZero)?;
                        tasks.push(Task::Visit(a, self.times(&c, &r)?));
                    }
                    Term::Mul(a, b) => match (&**a, &**b) {
                        // A literal factor scales the other one, as a division does.
                        (Term::Num(k), x) | (x, Term::Num(k)) => {
                            tasks.push(Task::Visit(x, self.times(&c, k)?))
                        }
                        // Two atoms make one monomial of degree 2 (when the limit allows it).
                        (x, y) if is_atom(x) && is_atom(y) && self.limits.max_degree >= 2 => {
                            self.charge(&c, &c)?;
                            let (i, j) = (self.atoms.number(x), self.atoms.number(y));
                            self.push(sum, smallvec![i.min(j), i.max(j)], c)?;
                        }
                        _ => tasks.extend([Task::Close(t, c), Task::Operand(b), Task::Operand(a)]),
                    },
                    Term::Pow(_, n) if *n > self.limits.max_exponent => {
                        return Err(KernelError::limit(LimitKind::Exponent, self.limits.max_exponent))
                    }
                    Term::Pow(a, _) => tasks.extend([Task::Close(t, c), Task::Operand(a)]),
                },
                Task::Close(t, c) => {
                    // `last` is the power's base, or the product's second operand, put in
                    // normal form after the first operand (1 for a power).
                    let last = sums.pop().ok_or_else(internal)?;
                    let first = match t {
                        Term::Pow(..) => Poly::one().0,
                        _ => self.collect(sums.pop().ok_or_else(internal)?)?.0,
                    };
                    let last = self.collect(last)?.0;
                    let out = sums.last_mut().ok_or_else(internal)?;
                    match t {
                        Term::Pow(_, n) => {
                            self.add_poly(out, &c, &(0..*n).try_fold(first, |acc, _| self.mul(&acc, &last))?)?
                        }
                        _ => self.add_product(out, &c, &first, &last)?,
                    }
                }
            }
        }
        self.tasks = tasks;
        sums.pop().ok_or_else(internal)
    }

    /// Appends the normal form of `b - a` to `to`. A fact of a certificate is mostly
    /// `k ≤ x`, `k < x` or `k = x` for a numeral `k` and an atom `x`: then `x - k` is
    /// written in normal form at once (`-k` unless it is zero, then `x`), without the
    /// task machinery of [`Normalizer::add`], a sort or a vector of its own.
    pub(crate) fn difference(&mut self, to: &mut Terms, b: &'a Term, a: &'a Term) -> Result<(), KernelError> {
        if let (Term::Num(k), true) = (a, is_atom(b)) {
            let start = to.len();
            to.extend(Some((Monomial::new(), self.times(k, &Rat::int(-1))?)).filter(|(_, c)| !c.is_zero()));
            to.push((smallvec![self.atoms.number(b)], Rat::int(1)));
            return self.within_limits(&to[start..]);
        }
        let terms = self.add(&[(Rat::int(1), b), (Rat::int(-1), a)])?;
        to.extend(self.collect(terms)?.0);
        Ok(())
    }

    /// The normal form of `t`.
    pub(crate) fn poly(&mut self, t: &'a Term) -> Result<Poly, KernelError> {
        let terms = self.add(&[(Rat::int(1), t)])?;
        self.collect(terms)
    }

    /// Adds `c * p` to `out`.
    pub(crate) fn add_poly(&self, out: &mut Terms, c: &Rat, p: &Part) -> Result<(), KernelError> {
        p.iter().try_for_each(|(m, k)| self.push(out, Monomial::from_slice(m), self.times(k, c)?))
    }

    /// `p * q`, in normal form.
    pub(crate) fn mul(&self, p: &Part, q: &Part) -> Result<Terms, KernelError> {
        let mut out = Vec::with_capacity((p.len() * q.len()).min(2 * self.limits.max_monomials + 1));
        self.add_product(&mut out, &Rat::int(1), p, q)?;
        Ok(self.collect(out)?.0)
    }

    /// Adds `c * p * q` to `out`, for normal forms `p` and `q`.
    pub(crate) fn add_product(
        &self,
        out: &mut Terms,
        c: &Rat,
        p: &Part,
        q: &Part,
    ) -> Result<(), KernelError> {
        // ℚ[atoms] has no zero divisors, so `p * q` has degree exactly
        // `deg p + deg q`: refuse an over-degree product before computing it. No
        // product of two of their monomials has a greater degree.
        if degree(p) + degree(q) > self.limits.max_degree as u64 {
            return Err(KernelError::limit(LimitKind::Degree, self.limits.max_degree));
        }
        for (m1, k1) in p {
            let ck1 = self.times(c, k1)?;
            for (m2, k2) in q {
                self.push(out, times(m1, m2), self.times(&ck1, k2)?)?;
            }
        }
        Ok(())
    }

    /// Appends `(m, k)` to `terms`, putting them in normal form once they pass twice
    /// the monomial limit. A monomial is charged one unit of work per atom it lists:
    /// building, sorting and comparing it costs time in its length (its degree), so
    /// high-degree monomials cannot make a check slow within a small work count.
    fn push(&self, terms: &mut Terms, m: Monomial, k: Rat) -> Result<(), KernelError> {
        self.work.charge(m.len() as u64)?;
        terms.push((m, k));
        if terms.len() > 2 * self.limits.max_monomials {
            self.combine(terms)?;
        }
        Ok(())
    }

    /// The normal form of the sum `terms`.
    pub(crate) fn collect(&self, mut terms: Terms) -> Result<Poly, KernelError> {
        self.combine(&mut terms)?;
        Ok(Poly(terms))
    }

    /// Puts `terms` in normal form in place: sorted by degree, then by atoms (a total
    /// order, so like monomials end side by side), like monomials added
    /// up (each addition counted as work), zero coefficients dropped, and every
    /// coefficient and the number of monomials within the limits.
    fn combine(&self, terms: &mut Terms) -> Result<(), KernelError> {
        // Stable sorting finds the runs already in order, which sums of normal forms
        // have (an unstable sort was dearer on the `psatz` bench). Degree first: the
        // sum of a certificate's degree-1 and degree-2 parts is then two runs, not four.
        terms.sort_by(|(m, _), (n, _)| (m.len(), m.as_slice()).cmp(&(n.len(), n.as_slice())));
        let mut added = Ok(());
        // `dedup_by` passes a later pair first, then the kept one it may fold into.
        terms.dedup_by(|(m, k), (n, sum)| {
            let like = m.iter().eq(n.iter());
            if like && added.is_ok() {
                added = self.charge(sum, k).map(|()| *sum = &*sum + k);
            }
            like
        });
        added?;
        terms.retain(|(_, k)| !k.is_zero());
        self.within_limits(terms)
    }

    /// Checks a normal form's coefficients and number of monomials against the limits.
    fn within_limits(&self, terms: &Part) -> Result<(), KernelError> {
        let max_bits = self.limits.max_numeral_bits;
        if terms.iter().any(|(_, k)| k.bits() > max_bits) {
            return Err(KernelError::limit(LimitKind::NumeralBits, max_bits));
        }
        if terms.len() > self.limits.max_monomials {
            return Err(KernelError::limit(LimitKind::Monomials, self.limits.max_monomials));
        }
        Ok(())
    }
}

/// Is `t` an atom: a variable or an application of a function symbol?
fn is_atom(t: &Term) -> bool {
    matches!(t, Term::Bound(_) | Term::Free(..) | Term::App(..))
}

/// The total degree of a normal form (0 for the zero polynomial).
fn degree(p: &Part) -> u64 {
    p.iter().map(|(m, _)| m.len() as u64).max().unwrap_or(0)
}

impl Poly {
    /// The constant 1.
    pub(crate) fn one() -> Poly {
        Poly(vec![(Monomial::new(), Rat::int(1))])
    }

    /// `Some(c)` when this is the constant `c`.
    pub(crate) fn as_constant(&self) -> Option<Rat> {
        match self.0.as_slice() {
            [] => Some(Rat::int(0)),
            [(m, k)] if m.is_empty() => Some(k.clone()),
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
        let mut n = Normalizer::new(&limits, &work, 0);
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
        assert_eq!(n.poly(&lhs).unwrap(), n.poly(&rhs).unwrap());
    }

    #[test]
    fn monomial_limit_is_an_error() {
        let limits = Limits { max_monomials: 10, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work, 0);
        let sum = (0..6).map(|i| Term::free(&format!("x{i}"), Sort::Rat)).reduce(Term::add).unwrap();
        let err = n.poly(&Term::pow(sum, 2)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::Monomials, limit: 10 });
    }

    #[test]
    fn coefficient_limit_is_an_error() {
        let limits = Limits { max_numeral_bits: 64, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work, 0);
        let err = n.poly(&Term::pow(Term::int(1 << 20), 4)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::NumeralBits, limit: 64 });
    }

    #[test]
    fn degree_limit_is_an_error() {
        let limits = Limits { max_degree: 100, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work, 0);
        let x = Term::free("x", Sort::Rat);
        let err = n.poly(&Term::pow(Term::pow(x, 20), 20)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::Degree, limit: 100 });
    }

    // -----------------------------------------------------------------------
    // The flat normal form against an independent one: the B-tree form this module
    // used before, over big rationals, with atoms numbered by variable index.
    // -----------------------------------------------------------------------

    use num_rational::BigRational;
    use num_traits::{One, Zero};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Exponents by variable index, to coefficients.
    type Reference = BTreeMap<BTreeMap<u32, u32>, BigRational>;

    fn r_add(mut p: Reference, q: Reference) -> Reference {
        for (m, k) in q {
            *p.entry(m).or_insert_with(BigRational::zero) += k;
        }
        p.retain(|_, k| !k.is_zero());
        p
    }

    fn r_mul(p: &Reference, q: &Reference) -> Reference {
        let mut out = Reference::new();
        for (m1, k1) in p {
            for (m2, k2) in q {
                let mut m = m1.clone();
                m2.iter().for_each(|(&v, &e)| *m.entry(v).or_insert(0) += e);
                out = r_add(out, Reference::from([(m, k1 * k2)]));
            }
        }
        out
    }

    fn r_scale(p: Reference, c: &BigRational) -> Reference {
        p.into_iter().map(|(m, k)| (m, k * c)).filter(|(_, k)| !k.is_zero()).collect()
    }

    fn reference(t: &Term) -> Reference {
        let one = BigRational::one();
        match t {
            Term::Num(c) => r_scale(Reference::from([(BTreeMap::new(), one)]), &c.to_big()),
            Term::Free(n, _) => Reference::from([(BTreeMap::from([(n[1..].parse().unwrap(), 1)]), one)]),
            Term::Neg(a) => r_scale(reference(a), &-one),
            Term::Add(a, b) => r_add(reference(a), reference(b)),
            Term::Sub(a, b) => r_add(reference(a), r_scale(reference(b), &-one)),
            Term::Mul(a, b) => r_mul(&reference(a), &reference(b)),
            Term::Div(a, c) => r_scale(reference(a), &c.to_big().recip()),
            Term::Pow(a, n) => {
                let base = reference(a);
                (0..*n).fold(Reference::from([(BTreeMap::new(), one)]), |acc, _| r_mul(&acc, &base))
            }
            other => panic!("no atoms but variables in these tests: {other:?}"),
        }
    }

    /// `p` in the reference form, checking on the way that it is a normal form:
    /// sorted strictly by degree then atoms, nonzero coefficients, each monomial's
    /// atoms sorted.
    fn as_reference(n: &Normalizer<'_>, p: &Poly) -> Reference {
        let key = |m: &Monomial| (m.len(), m.clone());
        assert!(p.0.windows(2).all(|w| key(&w[0].0) < key(&w[1].0)), "not sorted strictly: {p:?}");
        let mut out = Reference::new();
        for (m, k) in &p.0 {
            assert!(!k.is_zero(), "a zero coefficient in {p:?}");
            assert!(m.windows(2).all(|w| w[0] <= w[1]), "atoms not sorted: {m:?}");
            let name = |a: u32| match n.atoms.values[a as usize] {
                Term::Free(name, _) => name[1..].parse::<u32>().unwrap(),
                other => panic!("unexpected atom {other:?}"),
            };
            let mut exponents = BTreeMap::new();
            m.iter().for_each(|&a| *exponents.entry(name(a)).or_insert(0) += 1);
            out.insert(exponents, k.to_big());
        }
        out
    }

    fn var(i: u32) -> Term {
        Term::free(&format!("x{i}"), Sort::Rat)
    }

    /// Terms over eight variables (so monomials of more atoms than fit in place), with
    /// cancelling sums, nested products and powers, and division.
    fn term() -> impl Strategy<Value = Term> {
        let leaf = prop_oneof![(0u32..8).prop_map(var), (-3i64..4).prop_map(Term::int)];
        leaf.prop_recursive(6, 64, 2, |t| {
            prop_oneof![
                (t.clone(), t.clone()).prop_map(|(a, b)| Term::add(a, b)),
                (t.clone(), t.clone()).prop_map(|(a, b)| Term::sub(a, b)),
                (t.clone(), t.clone()).prop_map(|(a, b)| Term::mul(a, b)),
                t.clone().prop_map(Term::neg),
                (t.clone(), 0u32..4).prop_map(|(a, n)| Term::pow(a, n)),
                (t, prop_oneof![Just(2i64), Just(-3)]).prop_map(|(a, c)| Term::div(a, Rat::int(c))),
            ]
        })
    }

    /// A coefficient: zero, a small fraction, or one of more than 64 bits.
    fn coefficient() -> impl Strategy<Value = Rat> {
        prop_oneof![
            (-4i64..5, 1i64..4).prop_map(|(n, d)| Rat::from_big(BigRational::new(n.into(), d.into()))),
            (any::<i64>(), 1i64..9).prop_map(|(n, d)| {
                Rat::from_big(BigRational::new(num_bigint::BigInt::from(n) << 70u32, d.into()))
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn normal_form_agrees_with_the_reference(t in term()) {
            let limits = Limits::default();
            let work = unlimited();
            let mut n = Normalizer::new(&limits, &work, 0);
            let p = n.poly(&t).unwrap();
            prop_assert_eq!(as_reference(&n, &p), reference(&t));
        }

        /// One accumulator for several terms with coefficients, as `psatz` reads a
        /// fact (`b - a`), and for a product of normal forms scaled by a certificate's
        /// coefficient: `c1 * b + c2 * a + c3 * (pa * pb)`, with coefficients that are
        /// small fractions or beyond machine words.
        #[test]
        fn scaled_sums_and_products_agree_with_the_reference(
            a in term(),
            b in term(),
            cs in proptest::collection::vec(coefficient(), 3),
        ) {
            let limits = Limits::default();
            let work = unlimited();
            let mut n = Normalizer::new(&limits, &work, 0);
            let mut out = n.add(&[(cs[0].clone(), &b), (cs[1].clone(), &a)]).unwrap();
            let (pa, pb) = (n.poly(&a).unwrap(), n.poly(&b).unwrap());
            let product = n.mul(&pa.0, &pb.0).unwrap();
            n.add_poly(&mut out, &cs[2], &product).unwrap();
            let p = n.collect(out).unwrap();
            let (ra, rb) = (reference(&a), reference(&b));
            let expected = r_add(
                r_add(r_scale(rb.clone(), &cs[0].to_big()), r_scale(ra.clone(), &cs[1].to_big())),
                r_scale(r_mul(&ra, &rb), &cs[2].to_big()),
            );
            prop_assert_eq!(as_reference(&n, &p), expected.clone());
            // The same, with the product added by `add_product` without a normal form
            // of its own.
            let mut out = n.add(&[(cs[0].clone(), &b), (cs[1].clone(), &a)]).unwrap();
            n.add_product(&mut out, &cs[2], &pa.0, &pb.0).unwrap();
            prop_assert_eq!(as_reference(&n, &n.collect(out).unwrap()), expected);
        }

        /// Monomials of any length and high exponents: the product adds the exponents,
        /// and is the one sorted list of the result.
        #[test]
        fn monomial_products_add_exponents(
            a in proptest::collection::btree_map(0u32..12, 1u32..300, 0..7),
            b in proptest::collection::btree_map(0u32..12, 1u32..300, 0..7),
        ) {
            let list = |m: &BTreeMap<u32, u32>| -> Monomial {
                m.iter().flat_map(|(&v, &e)| std::iter::repeat_n(v, e as usize)).collect()
            };
            let mut product = a.clone();
            b.iter().for_each(|(&v, &e)| *product.entry(v).or_insert(0) += e);
            prop_assert_eq!(times(&list(&a), &list(&b)), list(&product));
            prop_assert_eq!(times(&list(&b), &list(&a)), list(&product));
        }

        /// `difference(b, a)` is the normal form of `b - a`, on its shortcut (a numeral
        /// `a`, an atom `b`; zero or a coefficient beyond the limit included) and off it.
        #[test]
        fn differences_agree_with_the_general_normal_form(
            i in 0u32..4,
            k in prop_oneof![Just(Rat::int(0)), coefficient()],
            other in term(),
        ) {
            let limits = Limits { max_numeral_bits: 64, ..Limits::default() };
            let work = unlimited();
            let (x, numeral) = (var(i), Term::Num(std::sync::Arc::new(k)));
            for (b, a) in [(&x, &numeral), (&other, &numeral), (&x, &other), (&numeral, &x)] {
                let (mut fast, mut general) = (Normalizer::new(&limits, &work, 0), Normalizer::new(&limits, &work, 0));
                let expected = general.add(&[(Rat::int(1), b), (Rat::int(-1), a)]).and_then(|t| general.collect(t));
                let mut out = Vec::new();
                match (fast.difference(&mut out, b, a).map(|_| Poly(out)), expected) {
                    (Ok(p), Ok(q)) => prop_assert_eq!(as_reference(&fast, &p), as_reference(&general, &q)),
                    (p, q) => prop_assert_eq!(p.map(|_| ()), q.map(|_| ())),
                }
            }
        }

        /// A sum far longer than twice the monomial limit is put in normal form on
        /// the way (several times) and comes out right when its result fits.
        #[test]
        fn long_sums_stay_within_memory_and_are_right(
            parts in proptest::collection::vec((0u32..4, -2i64..3), 0..200),
        ) {
            let limits = Limits { max_monomials: 4, ..Limits::default() };
            let work = unlimited();
            let mut n = Normalizer::new(&limits, &work, 0);
            let sum = parts.iter().fold(Term::int(0), |s, &(v, c)| Term::add(s, Term::mul(Term::int(c), var(v))));
            let p = n.poly(&sum).unwrap();
            prop_assert_eq!(as_reference(&n, &p), reference(&sum));
        }
    }

    #[test]
    fn sums_past_the_monomial_limit_are_refused() {
        let limits = Limits { max_monomials: 4, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work, 0);
        // Five monomials, then twenty more terms that cancel nothing.
        let sum = (0..25).map(|i| var(i % 5)).reduce(Term::add).unwrap();
        let err = n.poly(&sum).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::Monomials, limit: 4 });
    }

    #[test]
    fn degree_limit_is_exact_for_high_degree_monomials() {
        let limits = Limits { max_degree: 512, ..Limits::default() };
        let work = unlimited();
        let mut n = Normalizer::new(&limits, &work, 0);
        let (x, y) = (var(0), var(1));
        // x^256 * y^256 has degree 512: within the limit, one monomial of two atoms.
        let fits = Term::mul(Term::pow(x.clone(), 256), Term::pow(y.clone(), 256));
        let p = n.poly(&fits).unwrap();
        assert_eq!(p.0.len(), 1);
        assert_eq!(p.0[0].0.len(), 512);
        assert_eq!((p.0[0].0[0], p.0[0].0[255], p.0[0].0[256], p.0[0].0[511]), (0, 0, 1, 1));
        // One more factor is one degree too many.
        let err = n.poly(&Term::mul(fits.clone(), y)).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::Degree, limit: 512 });
    }
}
