//! # warrant-kernel: the proof kernel
//!
//! This crate owns warrant's logic: sorts, terms, formulas, signatures, proof objects,
//! exact rational arithmetic, and the checker, which is the only code that can make a
//! [`Theorem`]. It is classical many-sorted first-order logic with equality, with the
//! built-in sort `Rat` as the ordered field of exact rationals. Every theorem records
//! its trust base: the axioms it rests on, transitively.
//!
//! It must never depend on another crate of this project, trust anything it did not
//! check, or panic on any input: any proof object, however deep, ill-sorted or large,
//! gives a [`Theorem`] or a [`KernelError`]. Inputs that exceed the [`Limits`] are
//! refused with a [`KernelError::Limit`] naming the limit.
//!
//! The trusted part is `check.rs`, `term.rs`, `signature.rs`, `poly.rs` and `rat.rs`;
//! the rules are listed at the top of [`mod@check`].
//!
//! ```
//! use warrant_kernel::*;
//! let mut sig = Signature::new();
//! sig.declare(Declaration::Predicate { name: name("safe"), params: vec![] }).unwrap();
//! let safe = Formula::pred("safe", vec![]);
//! // From the hypothesis `h: safe`, conclude `safe and true`.
//! let ctx = Context { variables: vec![], hypotheses: vec![(name("h"), safe.clone())] };
//! let proof = Proof {
//!     steps: vec![
//!         Step::Hypothesis { name: name("h") },
//!         Step::TrueIntro,
//!         Step::AndIntro { left: 0, right: 1 },
//!     ],
//! };
//! let thm = check(&sig, &ctx, &proof).unwrap();
//! assert_eq!(thm.conclusion().to_string(), "safe and true");
//! assert_eq!(thm.hypotheses().len(), 1);
//! ```
#![warn(missing_docs)]

pub mod bundle;
pub mod check;
mod construct;
pub mod coq;
pub mod error;
pub mod json;
mod poly;
pub mod print;
pub mod proof;
pub mod rat;
pub mod rat_text;
pub mod signature;
pub mod term;

pub use check::{check, check_with_limits, CheckedContext, Context, Theorem};
pub use error::{KernelError, LimitKind};
pub use json::from_json;
pub use proof::{Premises, Product, Proof, Square, Step, StepId};
pub use rat::Rat;
pub use signature::{Declaration, Fact, FactKind, Fingerprint, Signature, Symbol};
pub use term::{
    close_formula, close_term, free_variables, name, open_formula, open_term, Formula, Hint, Name, Sort, Term,
};

/// The kernel's version; part of every cache key and bundle.
pub const KERNEL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Resource limits. Hitting one is a [`KernelError::Limit`], never an acceptance.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Steps in one proof object.
    pub max_steps: usize,
    /// Nodes in one term or formula (shared subtrees counted each time).
    pub max_formula_size: usize,
    /// Nesting depth of one term or formula.
    pub max_depth: usize,
    /// Hypotheses of one sequent.
    pub max_hypotheses: usize,
    /// Monomials in one polynomial normal form.
    pub max_monomials: usize,
    /// Bits of one rational coefficient (numerator or denominator).
    pub max_numeral_bits: u64,
    /// Exponent of one power `t ^ n`.
    pub max_exponent: u32,
    /// Total degree of one monomial (also of a certificate product).
    pub max_degree: u32,
    /// Bytes of one JSON document.
    pub max_json_bytes: usize,
    /// Nesting depth of one JSON document.
    pub max_json_depth: usize,
    /// Work of one check, so that every check ends in bounded time: one unit per node
    /// of every term or formula the checker measures (what steps carry, what it builds
    /// by substitution, and parts of premises that later steps build on), and 64 units
    /// per coefficient operation of a normal form or certificate, times the square of
    /// the coefficients' size in 64-bit words, plus one unit per atom of every
    /// monomial a normal form is built from and one per hypothesis of every fact a
    /// `psatz` certificate lists. The default is a few seconds of
    /// work on current hardware.
    pub max_work: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 10_000_000,
            max_formula_size: 1_000_000,
            max_depth: 512,
            max_hypotheses: 10_000,
            max_monomials: 20_000,
            max_numeral_bits: 8_192,
            max_exponent: 256,
            max_degree: 512,
            max_json_bytes: 512 << 20,
            max_json_depth: 2_048,
            max_work: 100_000_000,
        }
    }
}

impl Signature {
    /// The limits this signature applies to the statements and proofs checked against it.
    pub fn limits(&self) -> &Limits {
        self.limits_ref()
    }
}
