//! Certificate bundles: an acceptance that anyone can re-check with the kernel alone.
//!
//! Not part of the trusted base: this module only feeds declarations to
//! [`Signature::declare`], proofs to [`check`] and checked theorems to
//! [`Signature::add_theorem`], and compares what they return with what the bundle
//! says. A bundle (format [`FORMAT`], JSON) holds:
//!
//! - `format`, `kernel_version`, `verdict` (always `accepted`);
//! - `declarations`: the slice of the signature the claims use, in order; a theorem
//!   carries the context it was checked in and its proof object, and is re-checked;
//! - `claims`: what was proved — each technique guarantee (or challenge requirement) as
//!   the closed theorem `forall params. A₁ -> … -> Aₙ -> G`, with its parameters,
//!   named assumptions and conclusion spelled out;
//! - `trust_base`: the axioms the claims rest on and their assumptions;
//! - `challenge`: the challenge met, if any, with its allows and requirements;
//! - `hashes`: SHA-256 of the declarations (chained), of the proofs, of the claims
//!   with the trust base, verdict and challenge, and of the bundle as a whole.
//!
//! The hashes name a bundle and catch accidental damage; they are not what makes it
//! believable. [`verify`] rebuilds the signature declaration by declaration and
//! re-checks every proof, so a forged bundle with recomputed hashes is still refused.

use crate::check::{check, Context};
use crate::error::KernelError;
use crate::print::formula_to_string;
use crate::proof::Proof;
use crate::signature::{Declaration, FactKind, Signature};
use crate::term::{close_formula, open_formula, Formula, Hint, Name, Sort, Term};
use crate::{Limits, KERNEL_VERSION};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

/// The bundle format this module writes and reads.
pub const FORMAT: &str = "warrant-bundle/1";

/// A [`Context`] as it is stored in a bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleContext {
    /// Free variables with their sorts.
    pub variables: Vec<(Name, Sort)>,
    /// Named hypotheses.
    pub hypotheses: Vec<(Name, Formula)>,
}

impl BundleContext {
    /// The stored form of `c`.
    pub fn of(c: &Context) -> BundleContext {
        BundleContext { variables: c.variables.clone(), hypotheses: c.hypotheses.clone() }
    }

    /// The kernel context.
    pub fn to_context(&self) -> Context {
        Context { variables: self.variables.clone(), hypotheses: self.hypotheses.clone() }
    }
}

/// A theorem's proof as a bundle carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TheoremProof {
    /// The context the proof was checked in (its hypotheses must all be discharged).
    pub context: BundleContext,
    /// The proof object.
    pub proof: Proof,
}

/// One declaration of the signature slice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The declaration.
    pub declaration: Declaration,
    /// For a theorem (and only then): its proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<TheoremProof>,
}

/// What a claim is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// A guarantee of an accepted technique.
    Guarantee,
    /// A requirement of the challenge met.
    Requirement,
}

/// One thing the bundle proves: `theorem : forall params. assumptions -> conclusion`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Guarantee or requirement.
    pub kind: ClaimKind,
    /// The technique (or challenge) it belongs to, qualified.
    pub owner: String,
    /// The guarantee's (or requirement's) name.
    pub name: String,
    /// The kernel theorem that proves it.
    pub theorem: Name,
    /// The parameters.
    pub params: Vec<(Name, Sort)>,
    /// The assumptions it rests on, named, with the parameters free.
    pub assumptions: Vec<(String, Formula)>,
    /// What holds under them, with the parameters free.
    pub conclusion: Formula,
}

/// An assumption a deployer must believe.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrustAssumption {
    /// The technique (or challenge) that makes it.
    pub owner: String,
    /// Its name there.
    pub name: String,
    /// Its statement (the owner's parameters free).
    pub statement: Formula,
}

/// What the claims rest on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustBase {
    /// Axioms, sorted.
    pub axioms: Vec<Name>,
    /// Assumptions, sorted.
    pub assumptions: Vec<TrustAssumption>,
}

/// The challenge an accepted submission met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeMet {
    /// The challenge, qualified.
    pub challenge: String,
    /// The technique that answers it, qualified.
    pub technique: String,
    /// The challenge's parameters.
    pub params: Vec<(Name, Sort)>,
    /// What it allows, with the parameters free.
    pub allows: Vec<(String, Formula)>,
    /// What it requires, with the parameters free, and the theorem proving each.
    pub requires: Vec<(String, Formula, Name)>,
}

/// Content hashes (hex SHA-256).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashes {
    /// The declarations, chained one by one.
    pub declarations: String,
    /// The proofs with their contexts, in order.
    pub proofs: String,
    /// Verdict, claims, trust base and challenge.
    pub claims: String,
    /// Format, kernel version and the three hashes above.
    pub bundle: String,
}

/// A certificate bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always [`FORMAT`].
    pub format: String,
    /// The kernel version that wrote it ([`KERNEL_VERSION`]).
    pub kernel_version: String,
    /// Always `accepted`.
    pub verdict: String,
    /// The signature slice, in order.
    pub declarations: Vec<Entry>,
    /// What was proved.
    pub claims: Vec<Claim>,
    /// What it rests on.
    pub trust_base: TrustBase,
    /// The challenge met, if any.
    pub challenge: Option<ChallengeMet>,
    /// Content hashes.
    pub hashes: Hashes,
}

/// Why a bundle was refused (or could not be made).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleError {
    /// One sentence.
    pub reason: String,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for BundleError {}

fn refuse<T>(reason: impl Into<String>) -> Result<T, BundleError> {
    Err(BundleError { reason: reason.into() })
}

/// A bundle that verified: the rebuilt signature and every theorem's proof.
#[derive(Debug)]
pub struct Verified {
    /// The signature rebuilt from the declarations.
    pub signature: Signature,
    /// Every theorem's name, context and proof, in order.
    pub theorem_proofs: Vec<(Name, Context, Proof)>,
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn json<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, BundleError> {
    serde_json::to_vec(v).map_err(|e| BundleError { reason: format!("cannot encode: {e}") })
}

impl Bundle {
    /// A bundle with its hashes filled in.
    pub fn new(
        declarations: Vec<Entry>,
        claims: Vec<Claim>,
        trust_base: TrustBase,
        challenge: Option<ChallengeMet>,
    ) -> Result<Bundle, BundleError> {
        let mut b = Bundle {
            format: FORMAT.into(),
            kernel_version: KERNEL_VERSION.into(),
            verdict: "accepted".into(),
            declarations,
            claims,
            trust_base,
            challenge,
            hashes: Hashes::default(),
        };
        b.hashes = b.compute_hashes()?;
        Ok(b)
    }

    /// The hashes of this bundle's content, computed afresh.
    pub fn compute_hashes(&self) -> Result<Hashes, BundleError> {
        let mut chain = Sha256::new();
        let mut proofs = Sha256::new();
        for e in &self.declarations {
            let prev = chain.finalize_reset();
            chain.update(prev);
            chain.update(json(&e.declaration)?);
            if let Some(p) = &e.proof {
                proofs.update(json(e.declaration.name().as_ref())?);
                proofs.update(json(p)?);
            }
        }
        let declarations = hex::encode(chain.finalize());
        let proofs = hex::encode(proofs.finalize());
        let claims = sha(&json(&(&self.verdict, &self.claims, &self.trust_base, &self.challenge))?);
        let bundle =
            sha(format!("{}\n{}\n{declarations}\n{proofs}\n{claims}", self.format, self.kernel_version)
                .as_bytes());
        Ok(Hashes { declarations, proofs, claims, bundle })
    }

    /// The bundle as (compact) JSON.
    pub fn to_json(&self) -> Result<String, BundleError> {
        serde_json::to_string(self).map_err(|e| BundleError { reason: format!("cannot encode: {e}") })
    }

    /// Reads a bundle, refusing documents larger or deeper than the default limits.
    /// A shallow document (the usual case) is decoded directly, within serde_json's
    /// own recursion limit; a deeper one on a growable stack ([`crate::json`]).
    pub fn from_json(text: &str) -> Result<Bundle, BundleError> {
        let unreadable = |e: String| BundleError { reason: format!("not a readable bundle: {e}") };
        let limits = Limits::default();
        if text.len() <= limits.max_json_bytes && crate::json::json_depth(text.as_bytes()) <= 100 {
            return serde_json::from_str(text).map_err(|e| unreadable(e.to_string()));
        }
        crate::json::from_json(text, &limits).map_err(|e: KernelError| unreadable(e.to_string()))
    }
}

/// `forall params. assumptions -> conclusion`, closed.
pub fn closed_statement(
    params: &[(Name, Sort)],
    assumptions: &[(String, Formula)],
    conclusion: &Formula,
) -> Formula {
    let mut f = conclusion.clone();
    for (_, a) in assumptions.iter().rev() {
        f = Formula::Implies(Arc::new(a.clone()), Arc::new(f));
    }
    for (x, s) in params.iter().rev() {
        f = Formula::Forall(Hint(x.clone()), s.clone(), Arc::new(close_formula(&f, x, s)));
    }
    f
}

/// Splits a closed statement into `params`-opened premises (exactly `n` of them) and
/// conclusion; `None` when it has fewer quantifiers or premises.
pub fn open_statement(
    statement: &Formula,
    params: &[(Name, Sort)],
    n: usize,
) -> Option<(Vec<Formula>, Formula)> {
    let mut f = statement.clone();
    for (x, s) in params {
        let Formula::Forall(_, sort, body) = &f else { return None };
        if sort != s {
            return None;
        }
        f = open_formula(body, &Term::Free(x.clone(), s.clone()));
    }
    let mut premises = Vec::new();
    for _ in 0..n {
        let Formula::Implies(a, b) = &f else { return None };
        premises.push((**a).clone());
        f = (**b).clone();
    }
    Some((premises, f))
}

/// Re-checks a bundle with the kernel alone. See the module documentation for what is
/// compared; the first discrepancy is the reason for refusal.
pub fn verify(bundle: &Bundle) -> Result<Verified, BundleError> {
    if bundle.format != FORMAT {
        return refuse(format!(
            "unsupported bundle format `{}` (this verifier reads `{FORMAT}`)",
            bundle.format
        ));
    }
    if bundle.kernel_version != KERNEL_VERSION {
        return refuse(format!(
            "the bundle was made by kernel {}, this is kernel {KERNEL_VERSION}",
            bundle.kernel_version
        ));
    }
    if bundle.verdict != "accepted" {
        return refuse(format!("the bundle records the verdict `{}`, not `accepted`", bundle.verdict));
    }
    // The signature, declaration by declaration.
    let mut sig = Signature::new();
    let mut theorem_proofs = Vec::new();
    for (i, e) in bundle.declarations.iter().enumerate() {
        let n = e.declaration.name();
        match (&e.declaration, &e.proof) {
            (Declaration::Theorem { name, statement, trust_base }, Some(tp)) => {
                let context = tp.context.to_context();
                let thm = check(&sig, &context, &tp.proof)
                    .or_else(|e| refuse(format!("the proof of theorem `{name}` does not check: {e}")))?;
                if let Some((h, f)) = thm.hypotheses().first() {
                    return refuse(format!(
                        "the proof of theorem `{name}` rests on the hypothesis `{h}: {}`",
                        formula_to_string(f)
                    ));
                }
                if thm.conclusion() != statement {
                    return refuse(format!(
                        "the proof of theorem `{name}` proves `{}`, not the stated `{}`",
                        formula_to_string(thm.conclusion()),
                        formula_to_string(statement)
                    ));
                }
                if thm.trust_base() != trust_base {
                    return refuse(format!(
                        "theorem `{name}` states the trust base {{{}}} but its proof rests on {{{}}}",
                        join(trust_base),
                        join(thm.trust_base())
                    ));
                }
                sig.add_theorem(name.clone(), &thm)
                    .or_else(|e| refuse(format!("theorem `{name}` cannot be added: {e}")))?;
                theorem_proofs.push((name.clone(), context, tp.proof.clone()));
            }
            (Declaration::Theorem { name, .. }, None) => {
                return refuse(format!("theorem `{name}` carries no proof"));
            }
            (_, Some(_)) => {
                return refuse(format!("declaration {i} (`{n}`) is not a theorem but carries a proof"))
            }
            (d, None) => sig
                .declare(d.clone())
                .or_else(|e| refuse(format!("declaration {i} (`{n}`) is refused: {e}")))?,
        }
    }
    // The claims: each a theorem of the signature, with exactly the stated shape.
    let mut axioms: BTreeSet<Name> = BTreeSet::new();
    let mut assumptions: BTreeSet<TrustAssumption> = BTreeSet::new();
    for c in &bundle.claims {
        let what = format!("the claim `{}.{}`", c.owner, c.name);
        let Some(fact) = sig.fact(&c.theorem).filter(|f| f.kind == FactKind::Theorem) else {
            return refuse(format!("{what} cites `{}`, which is not a theorem of the bundle", c.theorem));
        };
        let expected = closed_statement(&c.params, &c.assumptions, &c.conclusion);
        if fact.statement != expected {
            return refuse(format!(
                "{what} states `{}` but the theorem `{}` is `{}`",
                formula_to_string(&expected),
                c.theorem,
                formula_to_string(&fact.statement)
            ));
        }
        axioms.extend(fact.trust_base.iter().cloned());
        for (name, statement) in &c.assumptions {
            assumptions.insert(TrustAssumption {
                owner: c.owner.clone(),
                name: name.clone(),
                statement: statement.clone(),
            });
        }
    }
    // The trust base: exactly what the claims rest on.
    let listed: BTreeSet<&Name> = bundle.trust_base.axioms.iter().collect();
    if let Some(a) = axioms.iter().find(|a| !listed.contains(a)) {
        return refuse(format!("the trust base omits the axiom `{a}`, which the claims rest on"));
    }
    if let Some(a) = listed.iter().find(|a| !axioms.contains(**a)) {
        return refuse(format!("the trust base lists the axiom `{a}`, which no claim rests on"));
    }
    let listed: BTreeSet<&TrustAssumption> = bundle.trust_base.assumptions.iter().collect();
    if let Some(a) = assumptions.iter().find(|a| !listed.contains(a)) {
        return refuse(format!(
            "the trust base omits the assumption `{}` of `{}` ({}), which a claim rests on",
            a.name,
            a.owner,
            formula_to_string(&a.statement)
        ));
    }
    if let Some(a) = listed.iter().find(|a| !assumptions.contains(**a)) {
        return refuse(format!(
            "the trust base lists the assumption `{}` of `{}`, which no claim rests on",
            a.name, a.owner
        ));
    }
    // The challenge: every requirement is a claim with the challenge's own statement.
    for c in &bundle.claims {
        let ok = c.kind == ClaimKind::Guarantee
            || bundle.challenge.as_ref().is_some_and(|m| {
                m.challenge == c.owner && m.requires.iter().any(|(r, _, t)| *r == c.name && *t == c.theorem)
            });
        if !ok {
            return refuse(format!(
                "the requirement claim `{}.{}` belongs to no challenge of the bundle",
                c.owner, c.name
            ));
        }
    }
    if let Some(m) = &bundle.challenge {
        if m.requires.is_empty() {
            return refuse(format!("the challenge `{}` has no requirement", m.challenge));
        }
        for (r, statement, theorem) in &m.requires {
            let Some(c) = bundle.claims.iter().find(|c| {
                c.kind == ClaimKind::Requirement
                    && c.owner == m.challenge
                    && c.name == *r
                    && c.theorem == *theorem
            }) else {
                return refuse(format!("the requirement `{r}` of `{}` is not among the claims", m.challenge));
            };
            if c.params != m.params || c.assumptions != m.allows || c.conclusion != *statement {
                return refuse(format!(
                    "the claim for the requirement `{r}` is not the challenge's statement `{}`",
                    formula_to_string(&closed_statement(&m.params, &m.allows, statement))
                ));
            }
        }
    }
    // The hashes.
    let h = bundle.compute_hashes()?;
    for (what, recorded, computed) in [
        ("declarations", &bundle.hashes.declarations, &h.declarations),
        ("proofs", &bundle.hashes.proofs, &h.proofs),
        ("claims", &bundle.hashes.claims, &h.claims),
        ("bundle", &bundle.hashes.bundle, &h.bundle),
    ] {
        if recorded != computed {
            return refuse(format!(
                "the {what} hash does not match: recorded {recorded}, computed {computed}"
            ));
        }
    }
    Ok(Verified { signature: sig, theorem_proofs })
}

fn join(names: &BTreeSet<Name>) -> String {
    names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

/// What a verified bundle proved and rests on, as text (what `warrant verify` prints).
pub fn summary(bundle: &Bundle, verified: &Verified) -> String {
    let mut out = format!(
        "verified: {} declarations, {} proofs re-checked by kernel {KERNEL_VERSION} ({}); bundle {}\n",
        bundle.declarations.len(),
        verified.theorem_proofs.len(),
        bundle.format,
        bundle.hashes.bundle
    );
    if let Some(m) = &bundle.challenge {
        out.push_str(&format!("challenge met: {} (answered by {})\n", m.challenge, m.technique));
    }
    out.push_str("proved:\n");
    for c in &bundle.claims {
        let kind = match c.kind {
            ClaimKind::Guarantee => "guarantee",
            ClaimKind::Requirement => "requirement",
        };
        out.push_str(&format!("  {kind} {}.{}: {}\n", c.owner, c.name, formula_to_string(&c.conclusion)));
        for (n, a) in &c.assumptions {
            out.push_str(&format!("    assuming {n}: {}\n", formula_to_string(a)));
        }
    }
    out.push_str("trust base:\n  axioms:");
    if bundle.trust_base.axioms.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for a in &bundle.trust_base.axioms {
        out.push_str(&format!("    {a}\n"));
    }
    out.push_str("  assumptions:");
    if bundle.trust_base.assumptions.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for a in &bundle.trust_base.assumptions {
        out.push_str(&format!("    {}.{}: {}\n", a.owner, a.name, formula_to_string(&a.statement)));
    }
    out
}
