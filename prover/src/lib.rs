//! # warrant-prover: proof scripts into kernel proof objects
//!
//! This crate owns the meaning of tactics: it turns a proof script into a proof object
//! (e-graph rewriting with `egg` whose explanations are replayed as kernel steps, exact
//! rational certificate search for `linarith` and `nlinarith`, bounded `auto`). It must
//! never construct a theorem without the kernel: every proof object it makes is handed to
//! the kernel's checker, and a search that hits a bound is an error, never a proof.
#![warn(missing_docs)]

pub mod arith;
pub mod builder;
pub mod checker;
pub mod error;
pub mod lp;
pub mod poly;
pub mod q;

pub use arith::{linarith, nlinarith, normalize, ring_eq, ArithLimits};
pub use builder::ProofBuilder;
pub use checker::TacticChecker;
pub use error::{Bound, ProverError};
pub mod rewrite;
pub use rewrite::{RewriteLimits, Rewriter, Rule, RuleOrigin};
pub mod tactics;
pub mod unfold;
pub use tactics::{
    limit_warnings, prove_obligation, prove_program, unchecked_proof, Failure, Outcome, TacticLimits,
};
