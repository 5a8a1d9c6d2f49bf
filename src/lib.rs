//! # warrant
//!
//! The facade of the warrant library: it re-exports the crates that make up the
//! pipeline (kernel, language, prover, auditor, language server). The `warrant`
//! binary is built on this facade only.
#![warn(missing_docs)]

pub use warrant_kernel as kernel;
