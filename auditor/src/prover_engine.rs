//! The [`ProofEngine`] backed by warrant's prover (`warrant-prover`'s tactics).

use crate::engine::{ProofEngine, ProofFailure};
use warrant_kernel::{Context, Formula, Proof, Signature, Theorem};
use warrant_lang::{ast, Obligation, ObligationKind, Program};
use warrant_prover::tactics::{prove_obligation, unchecked_proof, Failure, Outcome, TacticLimits};

/// Proofs by the prover's tactics, under its limits.
#[derive(Clone, Debug, Default)]
pub struct TacticEngine {
    /// The bounds of every search.
    pub limits: TacticLimits,
}

fn goal_text(f: &Failure) -> String {
    let mut s = String::new();
    for h in &f.hypotheses {
        s.push_str(h);
        s.push('\n');
    }
    s.push_str("⊢ ");
    s.push_str(&f.goal);
    s
}

impl ProofEngine for TacticEngine {
    fn prove(
        &self,
        program: &Program,
        signature: &Signature,
        obligation: &Obligation,
    ) -> Result<(Proof, Theorem), ProofFailure> {
        match prove_obligation(program, signature, obligation, &self.limits) {
            Outcome::Proved { proof, theorem } => Ok((proof, *theorem)),
            Outcome::Sorry(f) => Err(ProofFailure::Sorry { span: Some(f.span), goal: goal_text(&f) }),
            Outcome::Failed(f) if f.limit => {
                Err(ProofFailure::Limit { span: Some(f.span), bound: f.message })
            }
            Outcome::Failed(f) => {
                Err(ProofFailure::Failed { span: Some(f.span), goal: goal_text(&f), message: f.message })
            }
        }
    }

    fn unchecked_proof(
        &self,
        program: &Program,
        signature: &Signature,
        obligation: &Obligation,
    ) -> Option<Proof> {
        unchecked_proof(program, signature, obligation, &self.limits)
    }

    fn search(
        &self,
        program: &Program,
        module: usize,
        signature: &Signature,
        context: &Context,
        goal: &Formula,
    ) -> Option<Proof> {
        // The search is the `auto` tactic on a synthetic obligation.
        let span = warrant_lang::Span { start: 0, end: 0 };
        // Every hypothesis of the context is offered to `auto` as a fact.
        let facts = context
            .hypotheses
            .iter()
            .map(|(h, _)| ast::Fact { name: ast::Path { text: ast::Text::new(h), span }, args: vec![], span })
            .collect();
        let file = program.modules.get(module)?.file;
        let obligation = Obligation {
            kind: ObligationKind::Lemma(ast::LemmaKind::Lemma),
            name: warrant_kernel::name("search"),
            module,
            file,
            span,
            statement: goal.clone(),
            context: context.clone(),
            proof: Some(ast::Proof {
                style: ast::ProofStyle::Tactic,
                tactics: vec![ast::Tactic { kind: ast::TacticKind::Auto(facts), span }].into(),
                span,
            }),
        };
        // A failed search is an answer: the prover does not describe it. The proof is
        // not checked here: the auditor checks every proof a search returns, in the
        // context it asked about, so a check here would be a second one.
        unchecked_proof(program, signature, &obligation, &self.limits)
    }

    /// The engine's name and every bound of its searches.
    fn cache_identity(&self) -> String {
        format!("warrant-prover tactics {:?}", self.limits)
    }
}
