//! Writing certificate bundles (`warrant audit --bundle OUT`) for accepted audits.
//!
//! The format and its verifier live in the kernel ([`warrant_kernel::bundle`]), so that
//! `warrant verify` needs nothing else. This module picks what an accepted audit proved
//! (each submitted technique's closed guarantee theorems, and the requirement theorems
//! of a challenge met), the slice of the signature those rest on, and every proof
//! object, then verifies the bundle it wrote before handing it back.

use crate::audit::Audit;
use crate::report::Verdict;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use warrant_kernel::bundle::{
    open_statement, verify, Bundle, ChallengeMet, Claim, ClaimKind, Entry, TheoremProof, TrustAssumption,
    TrustBase,
};
use warrant_kernel::{Context, Declaration, Name, Proof};

/// The bundle of an accepted audit, verified; an error says why none can be written.
pub fn write(audit: &Audit) -> Result<Bundle, String> {
    if audit.report.verdict != Verdict::Accepted {
        return Err("the submission was rejected; a bundle is written only for an accepted one".into());
    }
    let proofs: BTreeMap<&str, (&Context, &Proof)> =
        audit.theorem_proofs.iter().map(|(n, c, p)| (n.as_ref(), (c, p))).collect();
    let sig = &audit.signature;
    let mut claims = Vec::new();
    for t in audit.report.techniques.iter().filter(|t| t.submitted && t.verdict == Verdict::Accepted) {
        let names: BTreeSet<&str> = audit
            .report
            .trust_base
            .assumptions
            .iter()
            .filter(|a| a.technique == t.name)
            .map(|a| a.name.as_str())
            .collect();
        // One name for the technique, shared by its claims.
        let owner = warrant_kernel::name(&t.name);
        for g in &t.guarantees {
            let theorem = warrant_kernel::name(&format!("{}.{}", t.name, g.name));
            let (Some(fact), Some((context, _))) = (sig.fact(&theorem), proofs.get(theorem.as_ref())) else {
                return Err(format!("the guarantee theorem `{theorem}` is missing from the audit"));
            };
            let assumptions: Vec<(Name, warrant_kernel::Formula)> = context
                .hypotheses
                .iter()
                .filter(|(n, _)| names.contains(n.as_ref()))
                .map(|(n, f)| (n.clone(), f.clone()))
                .collect();
            let Some((premises, conclusion)) =
                open_statement(&fact.statement, &context.variables, assumptions.len())
            else {
                return Err(format!("the guarantee theorem `{theorem}` does not have its technique's shape"));
            };
            if premises.iter().zip(&assumptions).any(|(p, (_, a))| p != a) {
                return Err(format!("the premises of `{theorem}` are not its technique's assumptions"));
            }
            claims.push(Claim {
                kind: ClaimKind::Guarantee,
                owner: owner.clone(),
                name: warrant_kernel::name(&g.name),
                theorem,
                params: context.variables.clone().into(),
                assumptions: assumptions.into(),
                conclusion,
            });
        }
    }
    let mut challenge = None;
    if let Some(outcome) = &audit.challenge {
        if let Some(m) = outcome.met.first() {
            let owner = warrant_kernel::name(&m.challenge);
            let allows: Vec<(Name, warrant_kernel::Formula)> =
                m.allows.iter().map(|(n, f)| (warrant_kernel::name(n), f.clone())).collect();
            let requires: Vec<(Name, warrant_kernel::Formula, Name)> =
                m.requires.iter().map(|(r, f, t)| (warrant_kernel::name(r), f.clone(), t.clone())).collect();
            for (r, f, theorem) in &requires {
                claims.push(Claim {
                    kind: ClaimKind::Requirement,
                    owner: owner.clone(),
                    name: r.clone(),
                    theorem: theorem.clone(),
                    params: m.params.clone().into(),
                    assumptions: allows.clone().into(),
                    conclusion: f.clone(),
                });
            }
            challenge = Some(ChallengeMet {
                challenge: owner,
                technique: warrant_kernel::name(&m.technique),
                params: m.params.clone(),
                allows,
                requires,
            });
        }
    }
    let declarations = slice(audit, &proofs, &claims)?;
    let mut axioms = BTreeSet::new();
    let mut assumptions = BTreeSet::new();
    for c in &claims {
        if let Some(f) = sig.fact(&c.theorem) {
            axioms.extend(f.trust_base.iter().cloned());
        }
        for (name, statement) in c.assumptions.iter() {
            assumptions.insert(TrustAssumption {
                owner: c.owner.clone(),
                name: name.clone(),
                statement: statement.clone(),
            });
        }
    }
    let trust_base =
        TrustBase { axioms: axioms.into_iter().collect(), assumptions: assumptions.into_iter().collect() };
    let bundle = Bundle::new(declarations, claims, trust_base, challenge).map_err(|e| e.to_string())?;
    verify(&bundle).map_err(|e| format!("the bundle written does not verify (a bug): {e}"))?;
    Ok(bundle)
}

/// The declarations the claims rest on, in signature order: a reverse pass that keeps
/// a declaration when a kept one (or its proof) mentions its name. Mentions are found
/// as strings of the JSON form, which can only over-approximate.
fn slice(
    audit: &Audit,
    proofs: &BTreeMap<&str, (&Context, &Proof)>,
    claims: &[Claim],
) -> Result<Vec<Entry>, String> {
    let mut needed: BTreeSet<String> = claims.iter().map(|c| c.theorem.to_string()).collect();
    let mut kept = Vec::new();
    for d in audit.signature.declarations().iter().rev() {
        if !needed.contains(d.name().as_ref()) {
            continue;
        }
        let proof = match d {
            Declaration::Theorem { name, .. } => {
                let (context, proof) =
                    proofs.get(name.as_ref()).ok_or_else(|| format!("the proof of `{name}` is missing"))?;
                Some(TheoremProof { context: Arc::new((*context).clone()), proof: (*proof).clone() })
            }
            _ => None,
        };
        let entry = Entry { declaration: d.clone(), proof };
        let value = serde_json::to_value(&entry).map_err(|e| e.to_string())?;
        strings(&value, &mut needed);
        kept.push(entry);
    }
    kept.reverse();
    Ok(kept)
}

/// Every string in a JSON value (iteratively).
fn strings(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(a) => stack.extend(a),
            serde_json::Value::Object(o) => {
                for (k, v) in o {
                    out.insert(k.clone());
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}
