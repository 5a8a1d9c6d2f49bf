//! Exact rational numbers, the values of the built-in sort `Rat` (trusted; their text
//! form and serde are in `rat_text.rs`, and what only untrusted code uses, such as
//! subtraction and ordering, in `construct.rs`).
//!
//! A value is a reduced fraction of machine words while its numerator and denominator
//! fit an `i64`, and a `num_rational::BigRational` beyond; the kernel controls how
//! numbers are serialised (as the text `"-3/20"`, checked on the way in) and how large
//! they may grow (see [`Limits::max_numeral_bits`](crate::Limits::max_numeral_bits)).
//!
//! Each value has exactly one representation (the big one only when the small one
//! cannot hold it, and zero is small), so the derived equality and hashing are those
//! of values. Small
//! operations are exact: operands are at most 2^63 in magnitude, so products are at
//! most 2^126 and a sum of two such products fits an `i128`.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive};

/// An exact rational number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Rat(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// `n / d`, reduced, with `d > 0`.
    Small(i64, i64),
    /// A value whose reduced numerator or denominator does not fit an `i64`.
    Big(Box<BigRational>),
}

impl Rat {
    /// The rational `n`.
    pub fn int(n: i64) -> Rat {
        Rat(Repr::Small(n, 1))
    }
    /// The same value as a rational of big integers (always reduced, with a positive
    /// denominator).
    pub fn from_big(r: BigRational) -> Rat {
        match (r.numer().to_i64(), r.denom().to_i64()) {
            (Some(n), Some(d)) => Rat(Repr::Small(n, d)),
            _ => Rat(Repr::Big(Box::new(r))),
        }
    }
    /// This value as a rational of big integers.
    pub fn to_big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n, d) => BigRational::new_raw(BigInt::from(*n), BigInt::from(*d)),
            Repr::Big(r) => (**r).clone(),
        }
    }
    /// Numerator and denominator, when small.
    pub(crate) fn small(&self) -> Option<(i128, i128)> {
        match self.0 {
            Repr::Small(n, d) => Some((n.into(), d.into())),
            Repr::Big(_) => None,
        }
    }
    /// `n / d` for `d > 0` and `|n| < 2^127`, reduced.
    fn wide(n: i128, d: i128) -> Rat {
        // `d == 1` is the common case of integers, where there is nothing to reduce;
        // dividing by 1 is skipped too, as a 128-bit division costs dearly.
        let g = if d == 1 { 1 } else { n.gcd(&d) };
        let (n, d) = if g == 1 { (n, d) } else { (n / g, d / g) };
        match (i64::try_from(n), i64::try_from(d)) {
            (Ok(n), Ok(d)) => Rat(Repr::Small(n, d)),
            _ => Rat::from_big(BigRational::new(BigInt::from(n), BigInt::from(d))),
        }
    }
    /// Is this zero?
    pub fn is_zero(&self) -> bool {
        self.small().is_some_and(|(n, _)| n == 0)
    }
    /// Is this strictly negative?
    pub fn is_negative(&self) -> bool {
        self.small().map_or_else(|| self.to_big().is_negative(), |(n, _)| n < 0)
    }
    /// Is this strictly positive?
    pub fn is_positive(&self) -> bool {
        self.small().map_or_else(|| self.to_big().is_positive(), |(n, _)| n > 0)
    }
    /// The number of bits of the larger of numerator and denominator.
    pub fn bits(&self) -> u64 {
        match &self.0 {
            // The larger of two numbers has as many bits as their bitwise or.
            Repr::Small(n, d) => u64::from(64 - (n.unsigned_abs() | d.unsigned_abs()).leading_zeros()),
            Repr::Big(r) => r.numer().bits().max(r.denom().bits()),
        }
    }
    /// The multiplicative inverse; `None` for zero.
    pub fn recip(&self) -> Option<Rat> {
        (!self.is_zero()).then(|| Rat::from_big(self.to_big().recip()))
    }
}

/// The order of values. It is trusted: `Term`'s and `Formula`'s derived orders use it,
/// and the checker's and the normaliser's tables fall back to B-trees keyed by terms
/// and formulas (`term::Numbering`). Values are kept reduced with a positive denominator (and small when
/// they fit), so two `Rat`s are equal exactly when their values are, and this order
/// agrees with the derived equality.
impl PartialOrd for Rat {
    fn partial_cmp(&self, o: &Rat) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Rat {
    fn cmp(&self, o: &Rat) -> std::cmp::Ordering {
        match (self.small(), o.small()) {
            // Denominators are positive and each product is below 2^126 in magnitude,
            // so comparing cross products in i128 is exact.
            (Some((a, b)), Some((c, d))) => (a * d).cmp(&(c * b)),
            _ => self.to_big().cmp(&o.to_big()),
        }
    }
}

impl std::ops::Add for &Rat {
    type Output = Rat;
    #[inline]
    fn add(self, o: &Rat) -> Rat {
        // Integers whose sum fits a word, the common case, need no wide arithmetic.
        if let (Repr::Small(a, 1), Repr::Small(c, 1)) = (&self.0, &o.0) {
            return a.checked_add(*c).map_or_else(|| Rat::wide(i128::from(*a) + i128::from(*c), 1), Rat::int);
        }
        match (self.small(), o.small()) {
            (Some((a, b)), Some((c, d))) => Rat::wide(a * d + c * b, b * d),
            _ => Rat::from_big(self.to_big() + o.to_big()),
        }
    }
}

impl std::ops::Mul for &Rat {
    type Output = Rat;
    #[inline]
    fn mul(self, o: &Rat) -> Rat {
        // Integers whose product fits a word, the common case, need no wide arithmetic.
        if let (Repr::Small(a, 1), Repr::Small(c, 1)) = (&self.0, &o.0) {
            return a.checked_mul(*c).map_or_else(|| Rat::wide(i128::from(*a) * i128::from(*c), 1), Rat::int);
        }
        match (self.small(), o.small()) {
            (Some((a, b)), Some((c, d))) => Rat::wide(a * c, b * d),
            _ => Rat::from_big(self.to_big() * o.to_big()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::Zero;
    use proptest::prelude::*;

    fn big(n: i128, d: i128) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    /// Values near every boundary of the small form: tiny fractions, whole `i64`s,
    /// `i64::MIN`, and products of two `i64`s (mostly big).
    fn value() -> impl Strategy<Value = BigRational> {
        let edge =
            prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(i64::MIN + 1), Just(0i64), Just(1), Just(-1)];
        prop_oneof![
            (-20i128..20, 1i128..20).prop_map(|(n, d)| big(n, d)),
            (any::<i64>(), 1i64..=i64::MAX).prop_map(|(n, d)| big(n.into(), d.into())),
            (edge.clone(), prop_oneof![Just(1i64), Just(2), Just(i64::MAX)])
                .prop_map(|(n, d)| big(n.into(), d.into())),
            (any::<i64>(), any::<i64>(), 1i64..1000)
                .prop_map(|(a, b, d)| big(i128::from(a) * i128::from(b), d.into())),
            (edge, 1i64..4).prop_map(|(n, d)| big(-i128::from(n), d.into())),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// Every operation agrees with big rationals, and every result is in its one
        /// representation (`from_big` of the true value, compared structurally).
        #[test]
        fn agrees_with_big_rationals(x in value(), y in value()) {
            let (rx, ry) = (Rat::from_big(x.clone()), Rat::from_big(y.clone()));
            prop_assert_eq!(&rx + &ry, Rat::from_big(&x + &y));
            prop_assert_eq!(&rx * &ry, Rat::from_big(&x * &y));
            prop_assert_eq!(rx.cmp(&ry), x.cmp(&y));
            prop_assert_eq!(rx == ry, x == y);
            prop_assert_eq!(rx.to_big(), x.clone());
            prop_assert_eq!(rx.recip(), (!x.is_zero()).then(|| Rat::from_big(x.recip())));
            prop_assert_eq!(rx.bits(), x.numer().bits().max(x.denom().bits()));
            prop_assert_eq!(
                (rx.is_zero(), rx.is_negative(), rx.is_positive()),
                (x.is_zero(), x.is_negative(), x.is_positive())
            );
            let small = matches!(rx.0, Repr::Small(..));
            prop_assert_eq!(small, x.numer().to_i64().is_some() && x.denom().to_i64().is_some());
        }
    }

    #[test]
    fn overflow_goes_big_and_comes_back() {
        let max = Rat::int(i64::MAX);
        let twice = &max + &max;
        assert!(matches!(twice.0, Repr::Big(_)));
        assert_eq!(&twice + &Rat::int(-i64::MAX), max);
        let min = Rat::int(i64::MIN);
        assert!(matches!((&min * &Rat::int(-1)).0, Repr::Big(_)));
        assert_eq!(min.recip(), Some(Rat::from_big(big(-1, 1 << 63))));
        assert!(matches!(min.recip().and_then(|r| r.recip()), Some(Rat(Repr::Small(i64::MIN, 1)))));
        assert_eq!(Rat::int(-4).recip(), Some(Rat::from_big(big(-1, 4))));
        assert_eq!(Rat::zero().recip(), None);
    }
}
