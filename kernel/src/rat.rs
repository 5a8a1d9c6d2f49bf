//! Exact rational numbers, the values of the built-in sort `Rat` (trusted; their text
//! form and serde are in `rat_text.rs`, and the operations only untrusted code uses,
//! such as subtraction, in `construct.rs`).
//!
//! A thin wrapper over `num_rational::BigRational` so that the kernel controls how
//! numbers are serialised (as the text `"-3/20"`, checked on the way in) and how large
//! they may grow (see [`Limits::max_numeral_bits`](crate::Limits::max_numeral_bits)).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// An exact rational number.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rat(pub BigRational);

impl Rat {
    /// The rational `n`.
    pub fn int(n: i64) -> Rat {
        Rat(BigRational::from_integer(BigInt::from(n)))
    }
    /// Zero.
    pub fn zero() -> Rat {
        Rat(BigRational::zero())
    }
    /// One.
    pub fn one() -> Rat {
        Rat(BigRational::one())
    }
    /// Is this zero?
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
    /// Is this strictly negative?
    pub fn is_negative(&self) -> bool {
        self.0.is_negative()
    }
    /// Is this strictly positive?
    pub fn is_positive(&self) -> bool {
        self.0.is_positive()
    }
    /// The number of bits of the larger of numerator and denominator.
    pub fn bits(&self) -> u64 {
        self.0.numer().bits().max(self.0.denom().bits())
    }
    /// The multiplicative inverse; `None` for zero.
    pub fn recip(&self) -> Option<Rat> {
        if self.is_zero() {
            None
        } else {
            Some(Rat(self.0.recip()))
        }
    }
}

impl std::ops::Add for &Rat {
    type Output = Rat;
    fn add(self, o: &Rat) -> Rat {
        Rat(&self.0 + &o.0)
    }
}
impl std::ops::Mul for &Rat {
    type Output = Rat;
    fn mul(self, o: &Rat) -> Rat {
        Rat(&self.0 * &o.0)
    }
}
