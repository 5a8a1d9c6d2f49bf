//! # warrant-auditor: recursive audits of techniques
//!
//! This crate owns techniques as a dependency graph, the recursive audit, findings,
//! policy, the content-addressed cache and the reports. It must never accept when a
//! limit was hit or a step was skipped: anything it cannot establish is a finding.
//! It never makes a theorem itself: every proof an engine returns, and every
//! composition of a technique's guarantee with what it uses, is checked by the kernel.
//!
//! [`Auditor`] audits once; [`AuditSession`] keeps its last audit in memory (the
//! program, each technique's outcome and kernel theorems, the layers) and, when one
//! submitted text changes, audits again only the techniques the change reaches, with
//! the report a fresh audit would give ([`session`]).
#![warn(missing_docs)]

pub mod audit;
pub mod bundle;
pub mod cache;
pub mod challenge;
pub mod compose;
pub mod engine;
pub mod finding;
pub mod graph;
pub mod human;
pub mod policy;
pub mod prover_engine;
pub mod report;
pub mod session;
pub mod synthetic;
pub mod witness;

pub use audit::{Audit, AuditLimits, AuditOptions, Auditor, Progress, Submission};
pub use cache::Cache;
pub use engine::{ProofEngine, ProofFailure};
pub use finding::{Code, Finding, Location, Severity, Span, ALL_CODES};
pub use policy::{Policy, PolicyError};
pub use prover_engine::TacticEngine;
pub use report::{Report, TrustBase, Verdict};
pub use session::AuditSession;
