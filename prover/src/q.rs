//! Exact rationals for the simplex tableau: a machine-word fraction while numerator
//! and denominator fit in an `i64`, a `BigRational` beyond. Every operation is exact;
//! an intermediate that would overflow is redone with big integers. Only speed
//! depends on the representation: the values, and so the certificates the prover
//! builds, are the same either way (the kernel re-checks them anyway).

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// An exact rational. `Small(n, d)` is always reduced with `d > 0`; `Big` is used only
/// when the value does not fit `Small`, so equal values have equal representations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Q {
    /// `n / d`, reduced, `d > 0`.
    Small(i64, i64),
    /// Anything larger.
    Big(BigRational),
}

impl Q {
    /// Zero.
    pub const ZERO: Q = Q::Small(0, 1);

    /// From a big rational, small when it fits.
    pub fn from_big(r: &BigRational) -> Q {
        match (r.numer().to_i64(), r.denom().to_i64()) {
            (Some(n), Some(d)) => Q::Small(n, d),
            _ => Q::Big(r.clone()),
        }
    }

    /// As a big rational.
    pub fn to_big(&self) -> BigRational {
        match self {
            Q::Small(n, d) => BigRational::new_raw(BigInt::from(*n), BigInt::from(*d)),
            Q::Big(r) => r.clone(),
        }
    }

    /// From a reduced-or-not fraction of 128-bit integers (`d != 0`).
    fn from_i128(n: i128, d: i128) -> Q {
        // Most values fit a machine word: reduce them with 64-bit arithmetic, which is
        // several times cheaper than 128-bit division. (`i64::MIN` is left to the
        // general path, so that negating is safe.)
        if let (Ok(n), Ok(d)) = (i64::try_from(n), i64::try_from(d)) {
            if n != i64::MIN && d != i64::MIN {
                // `d != 0`, so `g >= 1`.
                let g = n.gcd(&d);
                let (n, d) = (n / g, d / g);
                return if d < 0 { Q::Small(-n, -d) } else { Q::Small(n, d) };
            }
        }
        let g = n.gcd(&d);
        let (mut n, mut d) = if g > 1 { (n / g, d / g) } else { (n, d) };
        if d < 0 {
            (n, d) = (-n, -d);
        }
        match (i64::try_from(n), i64::try_from(d)) {
            (Ok(n), Ok(d)) => Q::Small(n, d),
            _ => Q::Big(BigRational::new(BigInt::from(n), BigInt::from(d))),
        }
    }

    /// Is this zero?
    pub fn is_zero(&self) -> bool {
        match self {
            Q::Small(n, _) => *n == 0,
            Q::Big(r) => r.is_zero(),
        }
    }

    /// Is this strictly positive?
    pub fn is_positive(&self) -> bool {
        match self {
            Q::Small(n, _) => *n > 0,
            Q::Big(r) => r.is_positive(),
        }
    }

    /// Is this strictly negative?
    pub fn is_negative(&self) -> bool {
        match self {
            Q::Small(n, _) => *n < 0,
            Q::Big(r) => r.is_negative(),
        }
    }

    /// `-self`.
    pub fn neg(&self) -> Q {
        match self {
            Q::Small(n, d) if *n != i64::MIN => Q::Small(-n, *d),
            _ => Q::from_big(&-self.to_big()),
        }
    }

    /// `self + other`.
    pub fn add(&self, other: &Q) -> Q {
        match (self, other) {
            // The tableaux are mostly zeros and whole numbers: no fraction to reduce.
            (Q::Small(0, _), _) => other.clone(),
            (_, Q::Small(0, _)) => self.clone(),
            (Q::Small(a, 1), Q::Small(c, 1)) => match a.checked_add(*c) {
                Some(n) if n != i64::MIN => Q::Small(n, 1),
                _ => Q::from_i128(*a as i128 + *c as i128, 1),
            },
            (Q::Small(a, b), Q::Small(c, d)) => {
                let (a, b, c, d) = (*a as i128, *b as i128, *c as i128, *d as i128);
                // |a d + c b| < 2^127 and b d < 2^126: no overflow in i128.
                Q::from_i128(a * d + c * b, b * d)
            }
            _ => Q::from_big(&(self.to_big() + other.to_big())),
        }
    }

    /// `self - other`.
    pub fn sub(&self, other: &Q) -> Q {
        self.add(&other.neg())
    }

    /// `self * other`.
    pub fn mul(&self, other: &Q) -> Q {
        match (self, other) {
            (Q::Small(0, _), _) | (_, Q::Small(0, _)) => Q::ZERO,
            (Q::Small(a, 1), Q::Small(c, 1)) => match a.checked_mul(*c) {
                Some(n) if n != i64::MIN => Q::Small(n, 1),
                _ => Q::from_i128(*a as i128 * *c as i128, 1),
            },
            (Q::Small(a, b), Q::Small(c, d)) => {
                Q::from_i128(*a as i128 * *c as i128, *b as i128 * *d as i128)
            }
            _ => Q::from_big(&(self.to_big() * other.to_big())),
        }
    }

    /// `self / other`; `other` must not be zero.
    pub fn div(&self, other: &Q) -> Q {
        debug_assert!(!other.is_zero());
        match (self, other) {
            (Q::Small(a, b), Q::Small(c, d)) => {
                Q::from_i128(*a as i128 * *d as i128, *b as i128 * *c as i128)
            }
            _ => Q::from_big(&(self.to_big() / other.to_big())),
        }
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, other: &Q) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Q {
    fn cmp(&self, other: &Q) -> Ordering {
        match (self, other) {
            // b, d > 0, so a/b < c/d iff a d < c b; the products fit in i128.
            (Q::Small(a, b), Q::Small(c, d)) => (*a as i128 * *d as i128).cmp(&(*c as i128 * *b as i128)),
            _ => self.to_big().cmp(&other.to_big()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    fn value() -> impl Strategy<Value = BigRational> {
        prop_oneof![
            (-20i64..20, 1i64..20).prop_map(|(n, d)| big(n, d)),
            (any::<i64>(), 1i64..=i64::MAX).prop_map(|(n, d)| big(n, d)),
            (any::<i64>(), any::<i64>(), 1i64..1000).prop_map(|(a, b, d)| {
                BigRational::new(BigInt::from(a) * BigInt::from(b), BigInt::from(d))
            }),
        ]
    }

    proptest! {
        /// Every operation agrees with big rationals, and results are canonical (small
        /// exactly when they fit).
        #[test]
        fn agrees_with_big_rationals(x in value(), y in value()) {
            let (qx, qy) = (Q::from_big(&x), Q::from_big(&y));
            prop_assert_eq!(qx.add(&qy), Q::from_big(&(&x + &y)));
            prop_assert_eq!(qx.sub(&qy), Q::from_big(&(&x - &y)));
            prop_assert_eq!(qx.mul(&qy), Q::from_big(&(&x * &y)));
            if !y.is_zero() {
                prop_assert_eq!(qx.div(&qy), Q::from_big(&(&x / &y)));
            }
            prop_assert_eq!(qx.neg(), Q::from_big(&-&x));
            prop_assert_eq!(qx.cmp(&qy), x.cmp(&y));
            prop_assert_eq!(qx.to_big(), x.clone());
            prop_assert_eq!(qx.is_positive(), x.is_positive());
            prop_assert_eq!(qx.is_negative(), x.is_negative());
        }
    }

    #[test]
    fn overflow_goes_big_and_comes_back() {
        let max = Q::Small(i64::MAX, 1);
        let twice = max.add(&max);
        assert!(matches!(twice, Q::Big(_)));
        assert_eq!(twice.sub(&max), max);
        assert_eq!(Q::Small(i64::MIN, 1).neg(), Q::from_big(&-big(i64::MIN, 1)));
        assert_eq!(Q::Small(1, i64::MAX).mul(&Q::Small(1, 2)), Q::from_big(&(big(1, i64::MAX) * big(1, 2))));
    }
}
