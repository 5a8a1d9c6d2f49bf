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
//!
//! Each hash is over the compact JSON of its parts, which is how a bundle is written.
//! [`verify_text`] (what `warrant verify` runs) therefore hashes the parts' bytes as
//! stored, and re-encodes the decoded parts only when those bytes do not give the
//! recorded hashes (a re-formatted bundle). It decodes the bundle in two parts on two
//! threads, and computes the hashes and the summary on one thread while the kernel
//! re-checks on the other; the refusal reasons and their order do not change.

use crate::check::{check, Context};
use crate::error::KernelError;
use crate::print::formula_to_string;
use crate::proof::Proof;
use crate::signature::{Declaration, FactKind, Signature};
use crate::term::{close_formula, open_formula, Formula, Hint, Name, Sort, Term};
use crate::{Limits, KERNEL_VERSION};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
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

/// `v` as compact JSON, in `buf` (cleared first).
fn encode<'b, T: Serialize + ?Sized>(buf: &'b mut Vec<u8>, v: &T) -> Result<&'b [u8], BundleError> {
    buf.clear();
    serde_json::to_writer(&mut *buf, v).map_err(|e| BundleError { reason: format!("cannot encode: {e}") })?;
    Ok(buf)
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
        // One buffer, reused for every encoding: the bytes hashed are exactly
        // `serde_json::to_vec` of each part.
        let mut buf = Vec::new();
        let mut chain = Sha256::new();
        let mut proofs = Sha256::new();
        for e in &self.declarations {
            let prev = chain.finalize_reset();
            chain.update(prev);
            chain.update(encode(&mut buf, &e.declaration)?);
            if let Some(p) = &e.proof {
                proofs.update(encode(&mut buf, e.declaration.name().as_ref())?);
                proofs.update(encode(&mut buf, p)?);
            }
        }
        let declarations = hex::encode(chain.finalize());
        let proofs = hex::encode(proofs.finalize());
        let claims =
            sha(encode(&mut buf, &(&self.verdict, &self.claims, &self.trust_base, &self.challenge))?);
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
    pub fn from_json(text: &str) -> Result<Bundle, BundleError> {
        read(text).map(|(bundle, _)| bundle)
    }
}

/// The parts of a bundle's text that its hashes cover, as they are stored.
struct Stored<'a> {
    entries: Vec<RawEntry<'a>>,
    claims: &'a RawValue,
    trust_base: &'a RawValue,
    challenge: Option<&'a RawValue>,
}

/// One declaration of the signature slice, left as text.
#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(borrow)]
    declaration: &'a RawValue,
    #[serde(borrow, default)]
    proof: Option<&'a RawValue>,
}

impl RawEntry<'_> {
    fn len(&self) -> usize {
        self.declaration.get().len() + self.proof.map_or(0, |p| p.get().len())
    }

    fn decode(&self) -> Option<Entry> {
        Some(Entry {
            declaration: serde_json::from_str(self.declaration.get()).ok()?,
            proof: match self.proof {
                None => None,
                Some(p) => serde_json::from_str(p.get()).ok()?,
            },
        })
    }
}

impl Stored<'_> {
    /// [`Bundle::compute_hashes`] over the stored bytes of each part instead of their
    /// re-encoding: the same hashes when the bundle is stored as written (compact
    /// JSON), at the cost of hashing alone.
    fn hashes(&self, bundle: &Bundle) -> Result<Hashes, BundleError> {
        let mut buf = Vec::new();
        let mut chain = Sha256::new();
        let mut proofs = Sha256::new();
        for (raw, e) in self.entries.iter().zip(&bundle.declarations) {
            let prev = chain.finalize_reset();
            chain.update(prev);
            chain.update(raw.declaration.get());
            if let Some(p) = raw.proof {
                proofs.update(encode(&mut buf, e.declaration.name().as_ref())?);
                proofs.update(p.get());
            }
        }
        let declarations = hex::encode(chain.finalize());
        let proofs = hex::encode(proofs.finalize());
        // The encoding of the tuple `(verdict, claims, trust_base, challenge)`.
        let mut claims = Sha256::new();
        claims.update(b"[");
        claims.update(encode(&mut buf, &bundle.verdict)?);
        claims.update(b",");
        claims.update(self.claims.get());
        claims.update(b",");
        claims.update(self.trust_base.get());
        claims.update(b",");
        claims.update(self.challenge.map_or("null", |c| c.get()));
        claims.update(b"]");
        let claims = hex::encode(claims.finalize());
        let bundle =
            sha(format!("{}\n{}\n{declarations}\n{proofs}\n{claims}", bundle.format, bundle.kernel_version)
                .as_bytes());
        Ok(Hashes { declarations, proofs, claims, bundle })
    }
}

/// Reads a bundle, refusing documents larger or deeper than the default limits; with
/// the stored parts when it was decoded in parts.
///
/// The usual bundle (within serde_json's own recursion limit) is decoded in two
/// halves on two threads ([`decode_in_parts`]); any other document (too deep for
/// that, or unreadable) goes the measured way: a shallow one is decoded directly, a
/// deeper one on a growable stack ([`crate::json`]), and an unreadable one is refused
/// with the decoder's reason.
fn read(text: &str) -> Result<(Bundle, Option<Stored<'_>>), BundleError> {
    let unreadable = |e: String| BundleError { reason: format!("not a readable bundle: {e}") };
    let limits = Limits::default();
    if text.len() <= limits.max_json_bytes {
        if let Some((bundle, stored)) = decode_in_parts(text) {
            return Ok((bundle, Some(stored)));
        }
        if crate::json::json_depth(text.as_bytes()) <= 100 {
            return serde_json::from_str(text).map(|b| (b, None)).map_err(|e| unreadable(e.to_string()));
        }
    }
    crate::json::from_json(text, &limits)
        .map(|b| (b, None))
        .map_err(|e: KernelError| unreadable(e.to_string()))
}

/// Decodes the bundle's outline first, leaving each declaration and proof, the
/// claims, the trust base and the challenge as text, then decodes about half of that
/// text on another thread. Every part is decoded by serde_json with its recursion
/// limit (128), so nothing deeper gets through; `None` on any error (the caller then
/// decodes the slow way, which says why).
fn decode_in_parts(text: &str) -> Option<(Bundle, Stored<'_>)> {
    /// A bundle with its bulky parts left as text.
    #[derive(Deserialize)]
    struct Outline<'a> {
        format: String,
        kernel_version: String,
        verdict: String,
        #[serde(borrow)]
        declarations: Vec<RawEntry<'a>>,
        #[serde(borrow)]
        claims: &'a RawValue,
        #[serde(borrow)]
        trust_base: &'a RawValue,
        #[serde(borrow)]
        challenge: Option<&'a RawValue>,
        hashes: Hashes,
    }
    fn entries(raw: &[RawEntry]) -> Option<Vec<Entry>> {
        raw.iter().map(RawEntry::decode).collect()
    }
    let outline: Outline = serde_json::from_str(text).ok()?;
    // The other thread takes the first declarations, up to half of the bulk.
    let bulk = outline.declarations.iter().map(RawEntry::len).sum::<usize>()
        + outline.claims.get().len()
        + outline.trust_base.get().len()
        + outline.challenge.map_or(0, |c| c.get().len());
    let (mut split, mut taken) = (0, 0);
    while split < outline.declarations.len() && taken < bulk / 2 {
        taken += outline.declarations[split].len();
        split += 1;
    }
    let (first, rest) = outline.declarations.split_at(split);
    let (first, (rest, claims, trust_base, challenge)) = in_parallel(
        || entries(first),
        || {
            (
                entries(rest),
                serde_json::from_str::<Vec<Claim>>(outline.claims.get()).ok(),
                serde_json::from_str::<TrustBase>(outline.trust_base.get()).ok(),
                match outline.challenge {
                    None => Some(None),
                    Some(c) => serde_json::from_str::<Option<ChallengeMet>>(c.get()).ok(),
                },
            )
        },
    );
    let mut declarations = first?;
    declarations.extend(rest?);
    let bundle = Bundle {
        format: outline.format,
        kernel_version: outline.kernel_version,
        verdict: outline.verdict,
        declarations,
        claims: claims?,
        trust_base: trust_base?,
        challenge: challenge?,
        hashes: outline.hashes,
    };
    let stored = Stored {
        entries: outline.declarations,
        claims: outline.claims,
        trust_base: outline.trust_base,
        challenge: outline.challenge,
    };
    Some((bundle, stored))
}

/// Runs `a` on another thread while this one runs `b` (both here when no thread can
/// be started). A panic in `a` is resumed here, as if both had run on this thread.
fn in_parallel<A: Send, B>(a: impl Fn() -> A + Sync, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let a = &a;
        match std::thread::Builder::new().spawn_scoped(s, a) {
            Ok(handle) => {
                let b = b();
                match handle.join() {
                    Ok(a) => (a, b),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            Err(_) => (a(), b()),
        }
    })
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
    verify_and(bundle, None, || ()).map(|(verified, ())| verified)
}

/// [`verify`], running `side` (work that only matters if the bundle verifies, such as
/// rendering its summary) on the thread that recomputes the hashes, alongside the
/// kernel's re-check. With the `stored` parts of the bundle's text, their bytes are
/// hashed; only if that does not give the recorded hashes (the bundle was re-formatted,
/// or damaged) are the parts re-encoded and hashed, as [`verify`] does. The refusal
/// reasons and their order are [`verify`]'s.
fn verify_and<T: Send>(
    bundle: &Bundle,
    stored: Option<&Stored>,
    side: impl Fn() -> T + Sync,
) -> Result<(Verified, T), BundleError> {
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
    // The hashes need only the bundle's text: they are recomputed alongside the
    // kernel's re-check, and compared after it (the kernel speaks first).
    let hashes = || match stored.map(|s| s.hashes(bundle)) {
        Some(Ok(h)) if h == bundle.hashes => Ok(h),
        _ => bundle.compute_hashes(),
    };
    let ((hashes, side), replayed) = in_parallel(|| (hashes(), side()), || replay(bundle));
    let verified = replayed?;
    let h = hashes?;
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
    Ok((verified, side))
}

/// The kernel's part of [`verify`]: the signature rebuilt declaration by declaration
/// (every proof re-checked), then the claims, trust base and challenge against it.
fn replay(bundle: &Bundle) -> Result<Verified, BundleError> {
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
    Ok(Verified { signature: sig, theorem_proofs })
}

/// A bundle that verified from its text, with the summary `warrant verify` prints.
#[derive(Debug)]
pub struct Verification {
    /// What it proved and rests on, as text ([`summary`]).
    pub summary: String,
    /// The bundle.
    pub bundle: Bundle,
    /// The signature and proofs the kernel rebuilt.
    pub verified: Verified,
}

/// What `warrant verify` does with a bundle's text: decode it, verify it and render
/// the [`summary`] it prints. The bench and the command share this one path.
pub fn verify_text(text: &str) -> Result<Verification, BundleError> {
    let (bundle, stored) = read(text)?;
    // What the summary counts once the bundle verifies: every theorem carries a proof
    // and nothing else does.
    let proofs = bundle.declarations.iter().filter(|e| e.proof.is_some()).count();
    let (verified, summary) = verify_and(&bundle, stored.as_ref(), || summary_with(&bundle, proofs))?;
    Ok(Verification { summary, bundle, verified })
}

fn join(names: &BTreeSet<Name>) -> String {
    names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

/// What a verified bundle proved and rests on, as text (what `warrant verify` prints).
pub fn summary(bundle: &Bundle, verified: &Verified) -> String {
    summary_with(bundle, verified.theorem_proofs.len())
}

/// [`summary`], given the number of proofs re-checked.
fn summary_with(bundle: &Bundle, proofs: usize) -> String {
    let mut out = format!(
        "verified: {} declarations, {proofs} proofs re-checked by kernel {KERNEL_VERSION} ({}); bundle {}\n",
        bundle.declarations.len(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::name;

    /// A bundle with every part the hashes cover (it need not verify).
    fn sample() -> Bundle {
        let m = Sort::Named(name("M"));
        let c = Term::App(name("c"), Arc::from(vec![]));
        let statement = Formula::Eq(c.clone(), c);
        let declarations = vec![
            Entry { declaration: Declaration::Sort { name: name("M") }, proof: None },
            Entry {
                declaration: Declaration::Function { name: name("c"), params: vec![], result: m.clone() },
                proof: None,
            },
            Entry {
                declaration: Declaration::Theorem {
                    name: name("t"),
                    statement: statement.clone(),
                    trust_base: BTreeSet::new(),
                },
                proof: Some(TheoremProof {
                    context: BundleContext { variables: vec![(name("x \"quoted\""), m)], hypotheses: vec![] },
                    proof: Proof { steps: vec![crate::proof::Step::TrueIntro] },
                }),
            },
        ];
        let claims = vec![Claim {
            kind: ClaimKind::Requirement,
            owner: "C".into(),
            name: "r".into(),
            theorem: name("t"),
            params: vec![],
            assumptions: vec![("a".into(), Formula::True)],
            conclusion: statement.clone(),
        }];
        let trust_base = TrustBase {
            axioms: vec![],
            assumptions: vec![TrustAssumption {
                owner: "C".into(),
                name: "a".into(),
                statement: Formula::True,
            }],
        };
        let challenge = ChallengeMet {
            challenge: "C".into(),
            technique: "T".into(),
            params: vec![],
            allows: vec![("a".into(), Formula::True)],
            requires: vec![("r".into(), statement, name("t"))],
        };
        Bundle::new(declarations, claims, trust_base, Some(challenge)).expect("hashes")
    }

    #[test]
    fn the_stored_bytes_of_a_written_bundle_hash_as_its_encoding() {
        for challenge in [true, false] {
            let mut b = sample();
            if !challenge {
                b.challenge = None;
                b.hashes = b.compute_hashes().expect("hashes");
            }
            let text = b.to_json().expect("encode");
            let (read_back, stored) = read(&text).expect("reads");
            assert_eq!(read_back, b);
            let stored = stored.expect("decoded in parts");
            assert_eq!(stored.hashes(&read_back).expect("hashes"), b.hashes);
        }
    }

    #[test]
    fn re_formatted_bytes_hash_differently_and_fall_back() {
        // Pretty-printed, the stored bytes no longer give the recorded hashes; the
        // re-encoding still does.
        let b = sample();
        let text = serde_json::to_string_pretty(&b).expect("encode");
        let (read_back, stored) = read(&text).expect("reads");
        assert_eq!(read_back, b);
        assert_ne!(stored.expect("decoded in parts").hashes(&read_back).expect("hashes"), b.hashes);
        assert_eq!(read_back.compute_hashes().expect("hashes"), b.hashes);
    }
}
