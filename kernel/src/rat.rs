//! Exact rational numbers, the values of the built-in sort `Rat`.
//!
//! A thin wrapper over `num_rational::BigRational` so that the kernel controls how
//! numbers are serialised (as the text `"-3/20"`, checked on the way in) and how large
//! they may grow (see [`Limits::max_numeral_bits`](crate::Limits::max_numeral_bits)).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An exact rational number.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rat(pub BigRational);

impl Rat {
    /// The rational `n`.
    pub fn int(n: i64) -> Rat {
        Rat(BigRational::from_integer(BigInt::from(n)))
    }
    /// The rational `n / d`; `None` when `d` is zero.
    pub fn frac(n: i64, d: i64) -> Option<Rat> {
        if d == 0 {
            None
        } else {
            Some(Rat(BigRational::new(BigInt::from(n), BigInt::from(d))))
        }
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
impl std::ops::Sub for &Rat {
    type Output = Rat;
    fn sub(self, o: &Rat) -> Rat {
        Rat(&self.0 - &o.0)
    }
}
impl std::ops::Mul for &Rat {
    type Output = Rat;
    fn mul(self, o: &Rat) -> Rat {
        Rat(&self.0 * &o.0)
    }
}
impl std::ops::Neg for &Rat {
    type Output = Rat;
    fn neg(self) -> Rat {
        Rat(-&self.0)
    }
}

impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_integer() {
            write!(f, "{}", self.0.numer())
        } else {
            write!(f, "{}/{}", self.0.numer(), self.0.denom())
        }
    }
}

impl fmt::Debug for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a text is not a rational.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatParseError {
    /// Not of the form `n` or `n/d` with decimal integers.
    #[error("`{0}` is not a rational of the form `n` or `n/d`")]
    Malformed(String),
    /// The denominator is zero.
    #[error("`{0}` has a zero denominator")]
    ZeroDenominator(String),
    /// More digits than the kernel reads.
    #[error("a numeral of {0} characters is longer than the {MAX_RAT_TEXT} the kernel reads")]
    TooLong(usize),
}

/// The longest numeral text the kernel parses (about 3,300 decimal digits per side).
pub const MAX_RAT_TEXT: usize = 8192;

impl FromStr for Rat {
    type Err = RatParseError;
    fn from_str(s: &str) -> Result<Rat, RatParseError> {
        if s.len() > MAX_RAT_TEXT {
            return Err(RatParseError::TooLong(s.len()));
        }
        let malformed = || RatParseError::Malformed(s.to_string());
        let int = |t: &str| -> Result<BigInt, RatParseError> {
            let digits = t.strip_prefix('-').unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            BigInt::from_str(t).map_err(|_| malformed())
        };
        match s.split_once('/') {
            None => Ok(Rat(BigRational::from_integer(int(s)?))),
            Some((n, d)) => {
                let d = int(d)?;
                if d.is_zero() {
                    return Err(RatParseError::ZeroDenominator(s.to_string()));
                }
                Ok(Rat(BigRational::new(int(n)?, d)))
            }
        }
    }
}

impl Serialize for Rat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rat, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Rat::from_str(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!("3/20".parse::<Rat>().unwrap(), Rat::frac(3, 20).unwrap());
        assert_eq!("-6/4".parse::<Rat>().unwrap().to_string(), "-3/2");
        assert_eq!("7".parse::<Rat>().unwrap().to_string(), "7");
    }

    #[test]
    fn rejects_malformed_text() {
        assert!(matches!(
            "1/0".parse::<Rat>(),
            Err(RatParseError::ZeroDenominator(_))
        ));
        assert!(matches!(
            "1.5".parse::<Rat>(),
            Err(RatParseError::Malformed(_))
        ));
        assert!(matches!(
            "+1".parse::<Rat>(),
            Err(RatParseError::Malformed(_))
        ));
        assert!(matches!(
            "".parse::<Rat>(),
            Err(RatParseError::Malformed(_))
        ));
        assert!(matches!(
            "1/-".parse::<Rat>(),
            Err(RatParseError::Malformed(_))
        ));
        let long = "9".repeat(MAX_RAT_TEXT + 1);
        assert!(matches!(
            long.parse::<Rat>(),
            Err(RatParseError::TooLong(_))
        ));
    }
}
