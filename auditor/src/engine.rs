//! What the auditor needs from a prover, as a trait: turn an obligation's script into
//! a proof object, and search for a proof of a goal under bounds. The auditor
//! re-checks everything an engine returns with the kernel; an engine is never trusted.

use warrant_kernel::{Context, Formula, Proof, Signature, Theorem};
use warrant_lang::{Obligation, Program, Span};

/// Why an engine produced no proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofFailure {
    /// A `sorry` is left; `goal` is the goal it stands for.
    Sorry {
        /// Where.
        span: Option<Span>,
        /// The goal and hypotheses it stands for.
        goal: String,
    },
    /// A step failed.
    Failed {
        /// Where.
        span: Option<Span>,
        /// One sentence.
        message: String,
        /// The goal and hypotheses left.
        goal: String,
    },
    /// A resource bound was hit.
    Limit {
        /// Where.
        span: Option<Span>,
        /// Which bound, e.g. `egraph nodes (10000)`.
        bound: String,
    },
}

/// A prover, as the auditor uses it.
pub trait ProofEngine: Sync {
    /// A proof object for `obligation`, whose script is in `program`, against `signature`
    /// (which holds every lemma checked so far and the theorems of audited techniques),
    /// with the theorem the kernel made of it. (A `Theorem` comes only from the kernel;
    /// the auditor still checks that it is about this signature, context and statement.)
    fn prove(
        &self,
        program: &Program,
        signature: &Signature,
        obligation: &Obligation,
    ) -> Result<(Proof, Theorem), ProofFailure>;

    /// The proof object of `obligation`'s script without the kernel's check, for a
    /// caller that has the kernel check it (the auditor checks all the discharges of a
    /// technique in one kernel check); `None` when the script does not give one, and
    /// then [`ProofEngine::prove`] says why. By default, [`ProofEngine::prove`]'s
    /// proof (checked once more than needed).
    fn unchecked_proof(
        &self,
        program: &Program,
        signature: &Signature,
        obligation: &Obligation,
    ) -> Option<Proof> {
        self.prove(program, signature, obligation).ok().map(|(proof, _)| proof)
    }

    /// A bounded automatic search for a proof of `goal` in `context`; `None` when
    /// nothing was found within the bounds. The auditor uses it for the `vacuous`,
    /// `trivial` and `intent-gap` checks, where finding nothing is an answer.
    /// `module` is the module whose names are in scope (for messages).
    fn search(
        &self,
        program: &Program,
        module: usize,
        signature: &Signature,
        context: &Context,
        goal: &Formula,
    ) -> Option<Proof>;

    /// Everything about this engine that can change what it proves or finds, as text.
    /// The auditor reads the cache through [`crate::Cache::for_engine`] with it, so
    /// that entries made under other bounds (or by another engine) are misses rather
    /// than answers to another question. By default the engine's type name; an engine
    /// with configurable bounds includes them.
    fn cache_identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }
}
