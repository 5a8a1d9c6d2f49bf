//! Exact values of numerals: `3`, `0.95`, `95%`, `1e-3`, `2.5e2` are exact rationals.

use std::str::FromStr;
use warrant_kernel::Rat;

/// The exact value of a numeral as written, or `None` when it is malformed or its
/// exponent is larger than `max_len` (the numeral-size limit).
///
/// ```
/// use warrant_lang::numeral::value;
/// assert_eq!(value("95%", 1000).unwrap().to_string(), "19/20");
/// assert_eq!(value("1e-3", 1000).unwrap().to_string(), "1/1000");
/// assert_eq!(value("0.95", 1000).unwrap().to_string(), "19/20");
/// ```
pub fn value(text: &str, max_len: usize) -> Option<Rat> {
    let (body, percent) = match text.strip_suffix('%') {
        Some(b) => (b, true),
        None => (text, false),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (mantissa.contains('.') && frac.is_empty()) {
        return None;
    }
    let mut e: i64 = 0;
    if let Some(x) = exp {
        let (neg, digits) = match x.as_bytes().first() {
            Some(b'-') => (true, &x[1..]),
            Some(b'+') => (false, &x[1..]),
            _ => (false, x),
        };
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i64 = digits.parse().ok()?;
        if v as u64 > max_len as u64 {
            return None;
        }
        e = if neg { -v } else { v };
    }
    e -= frac.len() as i64;
    if percent {
        e -= 2;
    }
    small_value(int, frac, e).or_else(|| big_value(int, frac, e))
}

/// The value `int.frac × 10^e` through a big integer's text form (any size).
fn big_value(int: &str, frac: &str, e: i64) -> Option<Rat> {
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let text = if e >= 0 {
        format!("{digits}{}", "0".repeat(e as usize))
    } else {
        format!("{digits}/1{}", "0".repeat((-e) as usize))
    };
    Rat::from_str(&text).ok()
}

/// The value `int.frac × 10^e` (digits only, `e` already counts `frac`) when the
/// digits and the power of ten fit in machine integers: most numerals, without the
/// text round trip through a big integer. `None` means "use the general path".
fn small_value(int: &str, frac: &str, e: i64) -> Option<Rat> {
    // 18 decimal digits always fit in an i64.
    if int.len() + frac.len() > 18 || e.unsigned_abs() > 18 {
        return None;
    }
    let mut m: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        m = m * 10 + i64::from(b - b'0');
    }
    if e >= 0 {
        Some(Rat::int(m.checked_mul(10i64.pow(e as u32))?))
    } else {
        // `m × 10^-k` as a product of two small rationals, which the kernel reduces
        // in machine words; `Rat::frac(m, 10^k)` reduces through big integers, which
        // cost about 1,800 instructions a numeral (lang/BENCHMARKS.md).
        Some(&Rat::int(m) * inverse_power_of_ten(e.unsigned_abs() as usize))
    }
}

/// `10^-k` for `k` from 0 to 18 (the caller's bound), made once.
fn inverse_power_of_ten(k: usize) -> &'static Rat {
    static TABLE: std::sync::OnceLock<Vec<Rat>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=18u32).map(|k| Rat::frac(1, 10i64.pow(k)).expect("a power of ten is not zero")).collect()
    });
    &table[k]
}

#[cfg(test)]
mod tests {
    use super::{big_value, small_value, value};

    #[test]
    fn exact_values() {
        let v = |s: &str| value(s, 1000).map(|r| r.to_string());
        assert_eq!(v("3").as_deref(), Some("3"));
        assert_eq!(v("007").as_deref(), Some("7"));
        assert_eq!(v("0").as_deref(), Some("0"));
        assert_eq!(v("5%").as_deref(), Some("1/20"));
        assert_eq!(v("2.5e2").as_deref(), Some("250"));
        assert_eq!(v("1E+2").as_deref(), Some("100"));
        assert_eq!(v("12.5%").as_deref(), Some("1/8"));
        assert_eq!(v("1e-3").as_deref(), Some("1/1000"));
        assert_eq!(v("1.").as_deref(), None);
        assert_eq!(v("1e").as_deref(), None);
        assert_eq!(value("1e1001", 1000), None);
    }

    /// `(int, frac, e)` as `value` splits a numeral without `%`.
    fn parts(s: &str) -> (String, String, i64) {
        let (m, x) = s.split_once(['e', 'E']).unwrap_or((s, "0"));
        let (i, f) = m.split_once('.').unwrap_or((m, ""));
        let x: i64 = x.trim_start_matches('+').parse().unwrap();
        (i.to_string(), f.to_string(), x - f.len() as i64)
    }

    #[test]
    fn small_and_big_paths_agree() {
        // Each numeral (without `%`) through the machine-integer and the text paths.
        for s in [
            "0",
            "000",
            "0.0",
            "1",
            "19",
            "0.95",
            "1e-3",
            "2.5e2",
            "1E+2",
            "7e18",
            "9.9e17",
            "123456789012345678",
            "0.00000000000000001",
            "5e-18",
            "1e18",
            "10e17",
            "99999999999999999.9",
            "12.5e-2",
        ] {
            let (int, frac, e) = parts(s);
            let small = small_value(&int, &frac, e).unwrap_or_else(|| panic!("{s} fits in machine integers"));
            assert_eq!(Some(small), big_value(&int, &frac, e), "{s}");
        }
        // Past the machine-integer range: no fast value.
        for s in ["1234567890123456789", "1e19", "9.9e18", "1e-19"] {
            let (int, frac, e) = parts(s);
            assert_eq!(small_value(&int, &frac, e), None, "{s}");
        }
        // Past the machine-integer range: the general path.
        assert_eq!(value("1234567890123456789", 1000).unwrap().to_string(), "1234567890123456789");
        assert_eq!(value("1e19", 1000).unwrap().to_string(), "10000000000000000000");
        assert_eq!(value("9.9e18", 1000).unwrap().to_string(), "9900000000000000000");
        assert_eq!(value("1e-19", 1000).unwrap().to_string(), "1/10000000000000000000");
    }
}
