//! Composing a technique's guarantee into one closed kernel theorem.
//!
//! A guarantee `g` of technique `T(x̄)` is proved in the context of `T`'s parameters,
//! its assumptions `A₁ … Aₙ` (own, then lifted), and the guarantees `u.h` of the
//! techniques it uses. This module turns that into a theorem the kernel checks whole:
//!
//! ```text
//!   T.g : forall x̄. A₁ -> … -> Aₙ -> G
//! ```
//!
//! For each `u.h` the proof used, it appends `imp-intro u.h`, then proves `u.h` from
//! the used technique's own closed theorem `U.h` (instantiated with the `use`'s
//! arguments), applied to each of `U`'s assumptions: a discharge proof, or the lifted
//! assumption `u.a`. Then it discharges `A₁ … Aₙ` and generalises over `x̄`. Nothing here
//! is trusted: the kernel checks the result.

use std::collections::BTreeSet;
use warrant_kernel::{Context, KernelError, Name, Proof, Signature, Step, StepId, Theorem};
use warrant_lang::{Program, TechniqueInfo};
use warrant_prover::builder::check_in_used_context;

/// A guarantee composed and checked (one kernel check of the whole composition).
pub struct Composed {
    /// `forall x̄. A₁ -> … -> Aₙ -> G`, checked.
    pub closed: Theorem,
    /// The whole proof object of `closed` (for bundles and the Coq export).
    pub proof: Proof,
    /// The names of the technique's assumptions the guarantee rests on, once the used
    /// techniques' guarantees are replaced by what they rest on.
    pub used_assumptions: BTreeSet<String>,
}

/// Why composition failed.
#[derive(Debug)]
pub enum ComposeError {
    /// The kernel refused the composed proof (a bug upstream, reported as a finding).
    Kernel(KernelError),
    /// A used technique's assumption is neither discharged nor lifted.
    Unsettled(String),
}

/// The kernel name of a technique's guarantee theorem.
pub fn guarantee_theorem_name(technique: &TechniqueInfo, guarantee: &str) -> String {
    format!("{}.{guarantee}", technique.name)
}

/// Composes guarantee `guarantee_proof` (checked as `guarantee_theorem` in
/// `technique.guarantee_context()`) into the closed theorem; `discharges[i]` is the
/// checked proof of `technique.discharges[i]`.
pub fn compose(
    program: &Program,
    signature: &Signature,
    technique: &TechniqueInfo,
    guarantee_proof: &Proof,
    guarantee_theorem: &Theorem,
    discharges: &[Proof],
) -> Result<Composed, ComposeError> {
    let context: Context = technique.guarantee_context();
    let mut p = Proof::default();
    let Some(mut cur) = p.splice(guarantee_proof) else {
        return Err(ComposeError::Kernel(KernelError::EmptyProof));
    };
    for (hyp_name, formula) in guarantee_theorem.hypotheses() {
        let Some((ui, g)) = used_guarantee(technique, hyp_name) else {
            continue;
        };
        cur = p.push(Step::ImpIntro { assumption: formula.clone(), from: cur });
        let fact = prove_used_guarantee(program, technique, ui, &g, discharges, &mut p)?;
        cur = p.push(Step::ImpElim { implication: cur, argument: fact });
    }
    // The assumptions it rests on: those the guarantee's own proof used, and for each
    // used guarantee `u.h`, the assumptions of `u` this technique lifted. (Those its
    // discharge proofs use are counted by the caller, from their theorems.)
    let mut used_assumptions = BTreeSet::new();
    for (hyp_name, _) in guarantee_theorem.hypotheses() {
        match used_guarantee(technique, hyp_name) {
            Some((ui, _)) => {
                let u = &technique.uses[ui];
                for l in technique.lifts.iter().filter(|l| l.use_index == ui) {
                    used_assumptions.insert(format!("{}.{}", u.name, l.assumption));
                }
            }
            None => {
                used_assumptions.insert(hyp_name.to_string());
            }
        }
    }
    for a in technique.assumptions.iter().rev() {
        cur = p.push(Step::ImpIntro { assumption: a.statement.clone(), from: cur });
    }
    for (x, s) in technique.params.iter().rev() {
        cur = p.push(Step::ForallIntro { variable: x.clone(), sort: s.clone(), from: cur });
    }
    // The kernel checks the whole composition (in the context's hypotheses it names).
    let closed = check_in_used_context(signature, &context, &p).map_err(ComposeError::Kernel)?;
    Ok(Composed { closed, proof: p, used_assumptions })
}

/// `(use index, guarantee name)` when `hyp` names a used technique's guarantee `u.g`.
fn used_guarantee(t: &TechniqueInfo, hyp: &Name) -> Option<(usize, String)> {
    t.uses.iter().enumerate().find_map(|(i, u)| {
        let g = hyp.strip_prefix(&*u.name)?.strip_prefix('.')?;
        u.guarantees.iter().any(|(n, _)| n == g).then(|| (i, g.to_string()))
    })
}

/// Appends a proof of `u.g` and returns its step.
fn prove_used_guarantee(
    program: &Program,
    t: &TechniqueInfo,
    ui: usize,
    g: &str,
    discharges: &[Proof],
    p: &mut Proof,
) -> Result<StepId, ComposeError> {
    let u = &t.uses[ui];
    let used = u
        .technique
        .and_then(|id| program.techniques.get(id))
        .ok_or_else(|| ComposeError::Unsettled(format!("{} is not a technique", u.name)))?;
    let mut s = p.push(Step::Theorem {
        name: warrant_kernel::name(&guarantee_theorem_name(used, g)),
        args: u.args.clone(),
    });
    for (a, _) in &u.assumptions {
        let argument =
            if let Some(i) = t.discharges.iter().position(|d| d.use_index == ui && &d.assumption == a) {
                let proof =
                    discharges.get(i).ok_or_else(|| ComposeError::Unsettled(format!("{}.{a}", u.name)))?;
                p.splice(proof).ok_or(ComposeError::Kernel(KernelError::EmptyProof))?
            } else if t.lifts.iter().any(|l| l.use_index == ui && &l.assumption == a) {
                p.push(Step::Hypothesis { name: warrant_kernel::name(&format!("{}.{a}", u.name)) })
            } else {
                return Err(ComposeError::Unsettled(format!("{}.{a}", u.name)));
            };
        s = p.push(Step::ImpElim { implication: s, argument });
    }
    Ok(s)
}
