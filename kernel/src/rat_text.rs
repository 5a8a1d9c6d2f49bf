//! The text form of rationals (`"-3/20"`), used by serde and messages: parsed with
//! checks on the way in (not part of the trusted count: serde and printing).

use crate::rat::Rat;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A small value (kept reduced, with a positive denominator) is printed from
        // its machine integers; the big form would make the same text through two
        // allocated integers.
        match self.small() {
            Some((n, 1)) => return write!(f, "{n}"),
            Some((n, d)) => return write!(f, "{n}/{d}"),
            None => {}
        }
        let r = self.to_big();
        if r.is_integer() {
            write!(f, "{}", r.numer())
        } else {
            write!(f, "{}/{}", r.numer(), r.denom())
        }
    }
}

/// How a rational's text reads inside a larger expression: what the printer needs to
/// decide on parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RatShape {
    /// A non-negative integer (`7`): an atom.
    Natural,
    /// A non-negative fraction (`3/20`): a quotient.
    Fraction,
    /// A negative value (`-7`, `-3/20`): a negation.
    Negative,
}

impl Rat {
    /// Appends this value's text (exactly what `Display` writes) to `out`, and says how
    /// it reads, so that the printer formats each number once. A small value (reduced,
    /// its denominator positive) whose parts fit 64 bits is written from them here
    /// (`n`, or `n/d` when `d` is not 1): `Display` goes through `fmt` and 128-bit
    /// divisions, about 600 instructions a number.
    pub(crate) fn write_text(&self, out: &mut String) -> RatShape {
        let small = self.small().and_then(|(n, d)| Some((i64::try_from(n).ok()?, u64::try_from(d).ok()?)));
        if let Some((n, d)) = small {
            if n < 0 {
                out.push('-');
            }
            push_decimal(out, n.unsigned_abs());
            if d != 1 {
                out.push('/');
                push_decimal(out, d);
            }
            return if n < 0 {
                RatShape::Negative
            } else if d != 1 {
                RatShape::Fraction
            } else {
                RatShape::Natural
            };
        }
        let at = out.len();
        let _ = fmt::Write::write_fmt(out, format_args!("{self}"));
        if self.is_negative() {
            RatShape::Negative
        } else if out[at..].contains('/') {
            RatShape::Fraction
        } else {
            RatShape::Natural
        }
    }
}

/// Appends the decimal digits of `v` (as `Display` writes it), one ASCII `char` at a
/// time (no UTF-8 check of the digits, as `str::from_utf8` would make).
fn push_decimal(out: &mut String, mut v: u64) {
    if v < 10 {
        out.push(char::from(b'0' + v as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while v > 0 {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.reserve(digits.len() - at);
    for &d in &digits[at..] {
        out.push(char::from(d));
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
            None => Ok(Rat::from_big(BigRational::from_integer(int(s)?))),
            Some((n, d)) => {
                let d = int(d)?;
                if d.is_zero() {
                    return Err(RatParseError::ZeroDenominator(s.to_string()));
                }
                Ok(Rat::from_big(BigRational::new(int(n)?, d)))
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
    use proptest::strategy::Strategy;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!("3/20".parse::<Rat>().unwrap(), Rat::frac(3, 20).unwrap());
        assert_eq!("-6/4".parse::<Rat>().unwrap().to_string(), "-3/2");
        assert_eq!("7".parse::<Rat>().unwrap().to_string(), "7");
    }

    proptest::proptest! {
        /// A value prints as the reduced `BigRational` of its numerator and
        /// denominator prints (`n`, or `n/d` with `d > 1`), whether it is held small
        /// or big: integers, fractions, `i64::MIN`, and values past `i64`.
        #[test]
        fn prints_as_the_reduced_big_rational(
            n in proptest::prop_oneof![proptest::num::i64::ANY, proptest::strategy::Just(i64::MIN)],
            d in proptest::num::i64::ANY.prop_filter("nonzero", |d| *d != 0),
            scale in 0u32..3,
        ) {
            let big = BigRational::new(BigInt::from(n) * BigInt::from(10).pow(scale * 20), BigInt::from(d));
            let expected = if big.is_integer() {
                big.numer().to_string()
            } else {
                format!("{}/{}", big.numer(), big.denom())
            };
            proptest::prop_assert_eq!(Rat::from_big(big).to_string(), expected);
        }

        /// `write_text` appends what `Display` writes, and its shape is what that text
        /// starts with or holds (`-`, `/`).
        #[test]
        fn write_text_appends_the_display_text(
            n in proptest::prop_oneof![proptest::num::i64::ANY, proptest::strategy::Just(i64::MIN), -20i64..20],
            d in proptest::prop_oneof![proptest::num::i64::ANY, 1i64..5, proptest::strategy::Just(i64::MIN)]
                .prop_filter("nonzero", |d| *d != 0),
            scale in 0u32..3,
        ) {
            let value = Rat::from_big(BigRational::new(BigInt::from(n) * BigInt::from(10).pow(scale * 20), BigInt::from(d)));
            let text = value.to_string();
            let mut out = String::from("x = ");
            let shape = value.write_text(&mut out);
            proptest::prop_assert_eq!(&out, &format!("x = {text}"));
            let expected = if text.starts_with('-') {
                RatShape::Negative
            } else if text.contains('/') {
                RatShape::Fraction
            } else {
                RatShape::Natural
            };
            proptest::prop_assert_eq!(shape, expected);
        }
    }

    #[test]
    fn rejects_malformed_text() {
        assert!(matches!("1/0".parse::<Rat>(), Err(RatParseError::ZeroDenominator(_))));
        assert!(matches!("1.5".parse::<Rat>(), Err(RatParseError::Malformed(_))));
        assert!(matches!("+1".parse::<Rat>(), Err(RatParseError::Malformed(_))));
        assert!(matches!("".parse::<Rat>(), Err(RatParseError::Malformed(_))));
        assert!(matches!("1/-".parse::<Rat>(), Err(RatParseError::Malformed(_))));
        let long = "9".repeat(MAX_RAT_TEXT + 1);
        assert!(matches!(long.parse::<Rat>(), Err(RatParseError::TooLong(_))));
    }
}
