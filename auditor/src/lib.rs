//! # warrant-auditor: recursive audits of techniques
//!
//! This crate owns techniques as a dependency graph, the recursive audit, findings,
//! policy, the content-addressed cache and the reports. It must never accept when a
//! limit was hit or a step was skipped: anything it cannot establish is a finding.
#![warn(missing_docs)]

pub mod finding;
pub mod graph;
pub mod policy;
pub mod report;

pub use finding::{Code, Finding, Location, Severity, Span, ALL_CODES};
pub use policy::{Policy, PolicyError};
pub use report::{Report, TrustBase, Verdict};
