//! Configurable limits on what the front end accepts. Every limit that is hit gives a
//! `warrant::limit` diagnostic naming the limit; none makes the front end panic.

/// Limits on one source file and on one run.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Limits {
    /// Bytes of one source file.
    pub max_file_bytes: usize,
    /// Tokens in one source file.
    pub max_tokens: usize,
    /// Nesting depth of brackets, and of expressions and proofs in the syntax tree.
    pub max_depth: u32,
    /// Bytes of one identifier or qualified name.
    pub max_ident_len: usize,
    /// Characters of one numeral (digits, point and exponent together), and the
    /// largest decimal exponent.
    pub max_numeral_len: usize,
    /// Diagnostics reported for one file before the rest are dropped.
    pub max_errors: usize,
    /// Modules loaded in one run (imports included).
    pub max_modules: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 32 << 20,
            max_tokens: 8_000_000,
            max_depth: 256,
            max_ident_len: 256,
            max_numeral_len: 1_000,
            max_errors: 200,
            max_modules: 10_000,
        }
    }
}
