//! Why the prover could not make a proof. Every failure is a value of [`ProverError`];
//! a search that hits a bound says which bound ([`Bound`]), and is never a proof.

use std::fmt;
use warrant_kernel::KernelError;

/// A resource bound of a prover search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// Pivots of one exact simplex run (`max_pivots`).
    Pivots,
    /// Rows of one linear program: distinct monomials (`max_rows`).
    Rows,
    /// Columns of one linear program: facts, products and squares (`max_columns`).
    Columns,
    /// Products and squares `nlinarith` adds (`max_products`).
    Products,
    /// Wall-clock time of one search (`max_time`).
    Time,
    /// E-graph nodes (`max_nodes`).
    Nodes,
    /// E-graph iterations (`max_iterations`).
    Iterations,
    /// Steps of one replayed explanation (`max_replay_steps`).
    ReplaySteps,
}

impl Bound {
    /// The name of the setting that controls this bound.
    pub fn field(self) -> &'static str {
        match self {
            Bound::Pivots => "max_pivots",
            Bound::Rows => "max_rows",
            Bound::Columns => "max_columns",
            Bound::Products => "max_products",
            Bound::Time => "max_time",
            Bound::Nodes => "max_nodes",
            Bound::Iterations => "max_iterations",
            Bound::ReplaySteps => "max_replay_steps",
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

/// A failure of the prover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProverError {
    /// A search hit a resource bound; nothing was proved.
    #[error("the search hit the bound `{bound}` ({limit})")]
    Limit {
        /// Which bound.
        bound: Bound,
        /// Its value (milliseconds for `max_time`).
        limit: u64,
    },
    /// The linear program has no solution: the facts do not imply the goal linearly
    /// (with products and squares, for `nlinarith`).
    #[error("{tactic} found no certificate for {goal}")]
    NoCertificate {
        /// `linarith` or `nlinarith`.
        tactic: &'static str,
        /// The goal, printed.
        goal: String,
    },
    /// The goal or a fact does not have a shape the tactic handles.
    #[error("{tactic} cannot use {what}")]
    Shape {
        /// The tactic.
        tactic: &'static str,
        /// What it was given, printed.
        what: String,
    },
    /// `norm`: the two sides have different normal forms.
    #[error("the normal forms differ: {lhs} versus {rhs}")]
    RingMismatch {
        /// Normal form of the left side.
        lhs: String,
        /// Normal form of the right side.
        rhs: String,
    },
    /// `rewrite`: the e-graph stopped without making the two sides equal.
    #[error("rewriting could not show {lhs} = {rhs}: {reason}")]
    NotEqual {
        /// Left side, printed.
        lhs: String,
        /// Right side, printed.
        rhs: String,
        /// Why the search stopped (saturated, or the bound it hit).
        reason: String,
    },
    /// A rule is not an equation the rewriter can use.
    #[error("`{rule}` cannot be used as a rewrite rule: {reason}")]
    BadRule {
        /// The rule's name.
        rule: String,
        /// Why not.
        reason: String,
    },
    /// A side condition of a conditional rule could not be discharged.
    #[error("the side condition {condition} of `{rule}` is not proved: {reason}")]
    SideCondition {
        /// The rule.
        rule: String,
        /// The instance of its condition, printed.
        condition: String,
        /// Why it failed.
        reason: String,
    },
    /// An e-graph explanation could not be replayed as kernel steps. This is a prover
    /// bug, reported and never trusted.
    #[error("an explanation could not be replayed: {reason}")]
    Replay {
        /// What did not line up.
        reason: String,
    },
    /// The kernel refused the proof object the prover built.
    #[error("the kernel refused the proof: {0}")]
    Kernel(#[from] KernelError),
    /// The prover's own bookkeeping went wrong (a bug, never an acceptance).
    #[error("internal prover error: {0}")]
    Internal(String),
}

/// Shorthand for prover results.
pub type Result<T, E = ProverError> = std::result::Result<T, E>;
