//! # warrant-auditor: recursive audits of techniques
//!
//! This crate owns techniques as a dependency graph, the recursive audit, findings,
//! policy, the content-addressed cache and the reports. It must never accept when a
//! limit was hit or a step was skipped: anything it cannot establish is a finding.
#![warn(missing_docs)]
