//! Reading proof objects from JSON that an adversary wrote.
//!
//! Before anything is decoded, the text's size and nesting depth are measured by a
//! plain loop, so that neither the decoder nor any later recursion over the decoded
//! terms can be driven past the stack. Deep but allowed documents are decoded on a
//! growable stack (`serde_stacker`).

use crate::error::{KernelError, LimitKind};
use crate::Limits;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The maximum nesting of `[`/`{` in `text`, ignoring brackets inside strings.
pub fn json_depth(text: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Decodes a value (a [`Proof`](crate::Proof), a [`Formula`](crate::Formula), ...) from
/// JSON, refusing documents larger or deeper than `limits` allow.
pub fn from_json<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T, KernelError> {
    from_json_borrowed(text, limits)
}

/// [`from_json`] for a value that may borrow from `text` (strings without escapes).
pub fn from_json_borrowed<'a, T: Deserialize<'a>>(text: &'a str, limits: &Limits) -> Result<T, KernelError> {
    if text.len() > limits.max_json_bytes {
        return Err(KernelError::Limit { kind: LimitKind::JsonBytes, limit: limits.max_json_bytes as u64 });
    }
    if json_depth(text.as_bytes()) > limits.max_json_depth {
        return Err(KernelError::Limit { kind: LimitKind::JsonDepth, limit: limits.max_json_depth as u64 });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let value = {
        let stacked = serde_stacker::Deserializer::new(&mut de);
        T::deserialize(stacked).map_err(|e| KernelError::Decode { reason: e.to_string() })?
    };
    de.end().map_err(|e| KernelError::Decode { reason: e.to_string() })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Proof;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(json_depth(br#"{"a": "[[[[", "b": [1, [2]]}"#), 3);
        assert_eq!(json_depth(br#"["\"[", []]"#), 2);
    }

    #[test]
    fn deep_documents_are_refused_before_decoding() {
        let limits = Limits { max_json_depth: 100, ..Limits::default() };
        let text = "[".repeat(1_000_000);
        let err = from_json::<Proof>(&text, &limits).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::JsonDepth, limit: 100 });
    }

    #[test]
    fn large_documents_are_refused() {
        let limits = Limits { max_json_bytes: 10, ..Limits::default() };
        let err = from_json::<Proof>(r#"{"steps": []}"#, &limits).unwrap_err();
        assert_eq!(err, KernelError::Limit { kind: LimitKind::JsonBytes, limit: 10 });
    }

    #[test]
    fn garbage_is_a_decode_error() {
        let err = from_json::<Proof>("{\"steps\": [{\"Nope\": 1}]}", &Limits::default()).unwrap_err();
        assert!(matches!(err, KernelError::Decode { .. }));
    }
}
