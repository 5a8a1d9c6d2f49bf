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

#[cfg(test)]
mod tests {
    use super::value;

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
}
