//! The proof-checking hook. The front end builds [`Obligation`](crate::Obligation)s; something else
//! (the prover) checks them. Until one is plugged in, [`Unchecked`] reports every
//! proof as unchecked, which a run must never count as success.

use crate::diag::Diagnostic;
use crate::program::{ObligationId, Program};

/// What became of one obligation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofStatus {
    /// The kernel checked a proof of it.
    Checked,
    /// No checker looked at it.
    Unchecked,
    /// A hole (`sorry`) is left; the diagnostics show the goal it stands for.
    Sorry(Vec<Diagnostic>),
    /// The proof does not check; the diagnostics say why (goal and hypotheses left).
    Failed(Vec<Diagnostic>),
}

/// The status of one obligation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofReport {
    /// Which obligation.
    pub obligation: ObligationId,
    /// What became of it.
    pub status: ProofStatus,
}

/// Checks the proofs of a program. Implementations must report every obligation of
/// [`Program::obligations`] exactly once; one that is left out counts as unchecked.
pub trait ProofChecker {
    /// Checks every obligation of `program`.
    fn check(&mut self, program: &Program) -> Vec<ProofReport>;

    /// Diagnostics that belong to no one obligation, such as a file's `limits` setting
    /// above what this checker allows. None by default.
    fn notes(&mut self, _program: &Program) -> Vec<Diagnostic> {
        Vec::new()
    }
}

/// The checker used until the prover is plugged in: every proof is unchecked.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unchecked;

impl ProofChecker for Unchecked {
    fn check(&mut self, program: &Program) -> Vec<ProofReport> {
        (0..program.obligations.len())
            .map(|obligation| ProofReport { obligation, status: ProofStatus::Unchecked })
            .collect()
    }
}

/// Runs `checker` and returns one report per obligation, in obligation order
/// (missing reports become [`ProofStatus::Unchecked`]; duplicates keep the first).
pub fn check_proofs(program: &Program, checker: &mut dyn ProofChecker) -> Vec<ProofReport> {
    let mut slots: Vec<Option<ProofStatus>> = vec![None; program.obligations.len()];
    for r in checker.check(program) {
        if let Some(slot) = slots.get_mut(r.obligation) {
            if slot.is_none() {
                *slot = Some(r.status);
            }
        }
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(obligation, s)| ProofReport { obligation, status: s.unwrap_or(ProofStatus::Unchecked) })
        .collect()
}
