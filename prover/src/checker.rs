//! The prover as the front end's proof checker: `warrant check` runs every
//! obligation's script through the tactics and reports what the kernel accepted.

use crate::tactics::{limit_warnings, prove_program, Failure, Outcome, TacticLimits};
use warrant_lang::{Diagnostic, LangError, Program, ProofChecker, ProofReport, ProofStatus};

/// Checks every proof of a program with the tactics, under `limits`.
#[derive(Clone, Debug, Default)]
pub struct TacticChecker {
    /// The bounds of every search.
    pub limits: TacticLimits,
}

/// The hypotheses and goal of a failure, one per line, the goal last after `⊢`.
pub fn goal_text(f: &Failure) -> String {
    let mut s = String::new();
    for h in &f.hypotheses {
        s.push_str("  ");
        s.push_str(h);
        s.push('\n');
    }
    s.push_str("  ⊢ ");
    s.push_str(&f.goal);
    s
}

impl ProofChecker for TacticChecker {
    fn notes(&mut self, program: &Program) -> Vec<Diagnostic> {
        limit_warnings(program, &self.limits)
    }

    fn check(&mut self, program: &Program) -> Vec<ProofReport> {
        prove_program(program, &self.limits)
            .into_iter()
            .enumerate()
            .map(|(obligation, outcome)| {
                let file = program.obligations[obligation].file;
                let diagnostic = |error: LangError| vec![Diagnostic { file, error }];
                let status = match outcome {
                    Outcome::Proved { .. } => ProofStatus::Checked,
                    Outcome::Sorry(f) => ProofStatus::Sorry(diagnostic(LangError::Sorry {
                        goal: goal_text(&f),
                        span: f.span.into(),
                    })),
                    Outcome::Failed(f) if f.limit => ProofStatus::Failed(diagnostic(LangError::ProofLimit {
                        message: f.message,
                        span: f.span.into(),
                    })),
                    Outcome::Failed(f) => ProofStatus::Failed(diagnostic(LangError::Proof {
                        goal: goal_text(&f),
                        message: f.message,
                        span: f.span.into(),
                    })),
                };
                ProofReport { obligation, status }
            })
            .collect()
    }
}
