//! Certificate bundles: an acceptance that anyone can re-check with the kernel alone.
//!
//! Not part of the trusted base: this module only feeds declarations to
//! [`Signature::declare`], proofs to [`check`] and checked theorems to
//! [`Signature::add_theorem`], and compares what they return with what the bundle
//! says. A bundle (format [`FORMAT`], JSON) holds:
//!
//! - `format`, `kernel_version`, `verdict` (always `accepted`);
//! - `terms` and `formulas`: every term and formula that the parts below name, each
//!   distinct node stored once, its children by index of earlier entries (see
//!   `bundle/wire.rs` for the rules a reader enforces);
//! - `declarations`: the slice of the signature the claims use, in order; a theorem
//!   carries the context it was checked in and its proof object, and is re-checked;
//! - `claims`: what was proved — each technique guarantee (or challenge requirement) as
//!   the closed theorem `forall params. A₁ -> … -> Aₙ -> G`, with its parameters,
//!   named assumptions and conclusion spelled out;
//! - `trust_base`: the axioms the claims rest on and their assumptions;
//! - `challenge`: the challenge met, if any, with its allows and requirements;
//! - `hashes`: SHA-256 of the tables, of the declarations (chained), of the proofs, of
//!   the claims with the trust base, verdict and challenge, and of the bundle as a
//!   whole.
//!
//! Declarations, contexts, proof steps, claims, the trust base and the challenge name
//! their terms and formulas by table index, so no part of the document is deep. In
//! memory ([`Bundle`]) everything is spelled out; equal nodes read from one table
//! entry share one allocation, so the kernel's equality tests on them are cheap.
//!
//! The hashes name a bundle and catch accidental damage; they are not what makes it
//! believable. [`verify`] rebuilds the signature declaration by declaration and
//! re-checks every proof, so a forged bundle with recomputed hashes is still refused.
//!
//! Each hash is over the compact JSON of its parts as written (table indices
//! included), which is how a bundle is written, and a writer numbers the tables in
//! one fixed order. [`verify_text`] (what `warrant verify` runs) therefore hashes the
//! parts' bytes as stored, and re-encodes the decoded bundle only when those bytes do
//! not give the recorded hashes (a re-formatted bundle). It decodes the bundle in two
//! parts on two threads, and re-checks the theorems' proofs on the machine's threads
//! (see [`verify_on`] and `replay`), computing the hashes and the summary as one more
//! job among the proofs; the refusal reasons and their order do not change.

mod wire;

use crate::check::{check, Context, Theorem};
use crate::error::KernelError;
use crate::print::formula_to_string;
use crate::proof::{Proof, Step};
use crate::signature::{Declaration, FactKind, Signature};
use crate::term::{close_formula, open_formula, Formula, Hint, Name, Sort, Term};
use crate::{Limits, KERNEL_VERSION};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The bundle format this module writes and reads.
pub const FORMAT: &str = "warrant-bundle/2";

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
    /// The term and formula tables.
    pub tables: String,
    /// The declarations, chained one by one.
    pub declarations: String,
    /// The proofs with their contexts, in order.
    pub proofs: String,
    /// Verdict, claims, trust base and challenge.
    pub claims: String,
    /// Format, kernel version and the four hashes above.
    pub bundle: String,
}

/// A certificate bundle, spelled out (its stored form is written by [`Bundle::to_json`]
/// and read by [`Bundle::from_json`]).
#[derive(Clone, Debug, PartialEq, Eq)]
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
        let w = self.stored();
        let terms = to_vec(&w.terms)?;
        let formulas = to_vec(&w.formulas)?;
        let entries = w
            .declarations
            .iter()
            .map(|e| Ok((to_vec(&e.declaration)?, e.proof.as_ref().map(to_vec).transpose()?)))
            .collect::<Result<Vec<_>, BundleError>>()?;
        let claims = to_vec(&w.claims)?;
        let trust_base = to_vec(&w.trust_base)?;
        let challenge = w.challenge.as_ref().map(to_vec).transpose()?;
        hash_parts(
            self,
            &Parts {
                terms: &terms,
                formulas: &formulas,
                entries: entries.iter().map(|(d, p)| (&d[..], p.as_deref())).collect(),
                claims: &claims,
                trust_base: &trust_base,
                challenge: challenge.as_deref(),
            },
        )
    }

    /// The stored form: tables numbered in one fixed order (declarations, claims,
    /// trust base, challenge; children before their parents), with the recorded hashes.
    fn stored(&self) -> wire::BundleW<'_> {
        let mut enc = wire::Encoder::default();
        let declarations = self.declarations.iter().map(|e| enc.entry(e)).collect();
        let claims = self.claims.iter().map(|c| enc.claim(c)).collect();
        let trust_base = enc.trust_base(&self.trust_base);
        let challenge = self.challenge.as_ref().map(|m| enc.challenge(m));
        wire::BundleW {
            format: wire::Text::of(&self.format),
            kernel_version: wire::Text::of(&self.kernel_version),
            verdict: wire::Text::of(&self.verdict),
            terms: enc.terms,
            formulas: enc.formulas,
            declarations,
            claims,
            trust_base,
            challenge,
            hashes: self.hashes.clone(),
        }
    }

    /// The bundle as (compact) JSON, in its stored form.
    pub fn to_json(&self) -> Result<String, BundleError> {
        serde_json::to_string(&self.stored()).map_err(cannot_encode)
    }

    /// Reads a bundle, refusing documents larger or deeper than the default limits and
    /// tables that break the format's rules.
    pub fn from_json(text: &str) -> Result<Bundle, BundleError> {
        read(text).map(|(bundle, _)| bundle)
    }
}

/// Why encoding failed, as a bundle error.
fn cannot_encode(e: serde_json::Error) -> BundleError {
    BundleError { reason: format!("cannot encode: {e}") }
}

/// `v` as compact JSON.
fn to_vec<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, BundleError> {
    serde_json::to_vec(v).map_err(cannot_encode)
}

/// The compact JSON of each part a hash covers.
struct Parts<'p> {
    terms: &'p [u8],
    formulas: &'p [u8],
    /// Each entry's declaration and proof.
    entries: Vec<(&'p [u8], Option<&'p [u8]>)>,
    claims: &'p [u8],
    trust_base: &'p [u8],
    /// `None` is hashed as `null`.
    challenge: Option<&'p [u8]>,
}

/// The hashes of `bundle` whose parts are `parts`:
/// - `tables`: SHA-256 of `[terms,formulas]`;
/// - `declarations`: a chain, `h₀ = SHA-256()` and `hᵢ₊₁ = SHA-256(hᵢ ‖ declarationᵢ)`;
/// - `proofs`: SHA-256 of each theorem's name (a JSON string) and proof, in order;
/// - `claims`: SHA-256 of `[verdict,claims,trust_base,challenge]`;
/// - `bundle`: SHA-256 of the format, the kernel version and the four hashes above
///   (hex), one a line.
fn hash_parts(bundle: &Bundle, parts: &Parts) -> Result<Hashes, BundleError> {
    let mut buf = Vec::new();
    let mut tables = Sha256::new();
    for piece in [&b"["[..], parts.terms, b",", parts.formulas, b"]"] {
        tables.update(piece);
    }
    let tables = hex::encode(tables.finalize());
    let mut chain = Sha256::new();
    let mut proofs = Sha256::new();
    for ((declaration, proof), e) in parts.entries.iter().zip(&bundle.declarations) {
        let prev = chain.finalize_reset();
        chain.update(prev);
        chain.update(declaration);
        if let Some(p) = proof {
            buf.clear();
            serde_json::to_writer(&mut buf, e.declaration.name().as_ref()).map_err(cannot_encode)?;
            proofs.update(&buf);
            proofs.update(p);
        }
    }
    let declarations = hex::encode(chain.finalize());
    let proofs = hex::encode(proofs.finalize());
    let mut claims = Sha256::new();
    buf.clear();
    serde_json::to_writer(&mut buf, &bundle.verdict).map_err(cannot_encode)?;
    for piece in [
        &b"["[..],
        &buf,
        b",",
        parts.claims,
        b",",
        parts.trust_base,
        b",",
        parts.challenge.unwrap_or(b"null"),
        b"]",
    ] {
        claims.update(piece);
    }
    let claims = hex::encode(claims.finalize());
    let whole =
        format!("{}\n{}\n{tables}\n{declarations}\n{proofs}\n{claims}", bundle.format, bundle.kernel_version);
    let bundle = hex::encode(Sha256::digest(whole.as_bytes()));
    Ok(Hashes { tables, declarations, proofs, claims, bundle })
}

/// The parts of a bundle's text that its hashes cover, as they are stored.
struct Stored<'a> {
    terms: &'a RawValue,
    formulas: &'a RawValue,
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

    /// The entry in its stored form; `None` when serde cannot read it.
    fn decode(&self) -> Option<wire::EntryW<'_>> {
        Some(wire::EntryW {
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
        hash_parts(
            bundle,
            &Parts {
                terms: self.terms.get().as_bytes(),
                formulas: self.formulas.get().as_bytes(),
                entries: self
                    .entries
                    .iter()
                    .map(|e| (e.declaration.get().as_bytes(), e.proof.map(|p| p.get().as_bytes())))
                    .collect(),
                claims: self.claims.get().as_bytes(),
                trust_base: self.trust_base.get().as_bytes(),
                challenge: self.challenge.map(|c| c.get().as_bytes()),
            },
        )
    }
}

/// Reads a bundle, refusing documents larger or deeper than the default limits; with
/// the stored parts when it was decoded in parts.
///
/// The usual bundle (within serde_json's own recursion limit) is decoded in two
/// halves on two threads ([`decode_in_parts`]); any other document (too deep for
/// that, or unreadable) goes the measured way ([`crate::json`], on a growable stack).
/// A document that cannot be read but names another format is refused for its format.
fn read(text: &str) -> Result<(Bundle, Option<Stored<'_>>), BundleError> {
    let limits = Limits::default();
    if text.len() <= limits.max_json_bytes {
        if let Some(read) = decode_in_parts(text, &limits) {
            return read.map(|(bundle, stored)| (bundle, Some(stored)));
        }
    }
    match crate::json::from_json_borrowed::<wire::BundleW>(text, &limits) {
        Ok(w) => resolve(w, &limits).map(|b| (b, None)),
        Err(e) => {
            /// Just the format of a document.
            #[derive(Deserialize)]
            struct Head<'a> {
                #[serde(borrow)]
                format: wire::Text<'a>,
            }
            if let Ok(Head { format }) = serde_json::from_str::<Head>(text) {
                if format.0 != FORMAT {
                    return refuse(format!(
                        "unsupported bundle format `{}` (this verifier reads `{FORMAT}`)",
                        format.0
                    ));
                }
            }
            refuse(format!("not a readable bundle: {e}"))
        }
    }
}

/// The bundle a whole stored document names.
fn resolve(w: wire::BundleW, limits: &Limits) -> Result<Bundle, BundleError> {
    let mut tables = wire::Tables::decode(&w.terms, &w.formulas, limits)?;
    let declarations = w.declarations.into_iter().map(|e| tables.entry(e)).collect::<Result<_, _>>()?;
    Ok(Bundle {
        format: w.format.0.into_owned(),
        kernel_version: w.kernel_version.0.into_owned(),
        verdict: w.verdict.0.into_owned(),
        declarations,
        claims: w.claims.into_iter().map(|c| tables.claim(c)).collect::<Result<_, _>>()?,
        trust_base: tables.trust_base(w.trust_base)?,
        challenge: w.challenge.map(|m| tables.challenge(m)).transpose()?,
        hashes: w.hashes,
    })
}

/// Decodes the bundle's outline first, leaving the tables, each declaration and
/// proof, the claims, the trust base and the challenge as text; then decodes the
/// tables and the first declarations on this thread (resolving those declarations'
/// table indices) while another thread decodes the rest, whose indices are resolved
/// after it. Every part is decoded by serde_json with its recursion limit (128),
/// so nothing deeper gets through; `None` when serde cannot read a part this way
/// (the caller then decodes the slow way, which says why), a refusal when the tables
/// or the indices break the format's rules.
#[allow(clippy::type_complexity)]
fn decode_in_parts<'t>(text: &'t str, limits: &Limits) -> Option<Result<(Bundle, Stored<'t>), BundleError>> {
    /// A bundle with its bulky parts left as text.
    #[derive(Deserialize)]
    struct Outline<'a> {
        #[serde(borrow)]
        format: wire::Text<'a>,
        #[serde(borrow)]
        kernel_version: wire::Text<'a>,
        #[serde(borrow)]
        verdict: wire::Text<'a>,
        #[serde(borrow)]
        terms: &'a RawValue,
        #[serde(borrow)]
        formulas: &'a RawValue,
        #[serde(borrow)]
        declarations: Vec<RawEntry<'a>>,
        #[serde(borrow)]
        claims: &'a RawValue,
        #[serde(borrow)]
        trust_base: &'a RawValue,
        #[serde(borrow, default)]
        challenge: Option<&'a RawValue>,
        hashes: Hashes,
    }
    fn entries<'a>(raw: &'a [RawEntry<'a>]) -> Option<Vec<wire::EntryW<'a>>> {
        raw.iter().map(RawEntry::decode).collect()
    }
    let outline: Outline = serde_json::from_str(text).ok()?;
    // This thread decodes the tables, then the first declarations, and resolves those
    // declarations' indices while the other thread decodes the rest (whose indices are
    // resolved here after it). Resolving costs about half as much as decoding and
    // decoding a table entry about as much as reading it, so the work is even when
    // twice the tables and one and a half times the first declarations match the rest.
    let tables_len = outline.terms.get().len() + outline.formulas.get().len();
    let others_len = outline.declarations.iter().map(RawEntry::len).sum::<usize>()
        + outline.claims.get().len()
        + outline.trust_base.get().len()
        + outline.challenge.map_or(0, |c| c.get().len());
    let (mut split, mut taken) = (0, 0);
    while split < outline.declarations.len() && 4 * tables_len + 3 * taken < 2 * (others_len - taken) {
        taken += outline.declarations[split].len();
        split += 1;
    }
    let (first, rest) = outline.declarations.split_at(split);
    let ((rest, claims, trust_base, challenge), tables_and_first) = in_parallel(
        || {
            (
                entries(rest),
                serde_json::from_str::<Vec<wire::ClaimW>>(outline.claims.get()).ok(),
                serde_json::from_str::<wire::TrustBaseW>(outline.trust_base.get()).ok(),
                match outline.challenge {
                    None => Some(None),
                    Some(c) => serde_json::from_str::<Option<wire::ChallengeW>>(c.get()).ok(),
                },
            )
        },
        || {
            let terms = serde_json::from_str::<Vec<wire::TermNode>>(outline.terms.get()).ok()?;
            let formulas = serde_json::from_str::<Vec<wire::FormulaNode>>(outline.formulas.get()).ok()?;
            let first = entries(first)?;
            Some(wire::Tables::decode(&terms, &formulas, limits).and_then(|mut tables| {
                let first = first.into_iter().map(|e| tables.entry(e)).collect::<Result<Vec<_>, _>>()?;
                Ok((tables, first))
            }))
        },
    );
    // A part serde cannot read sends the whole document the slow way, even when the
    // tables or the first declarations were refused: the refusal is then the slow way's.
    let (tables_and_first, rest, claims, trust_base, challenge) =
        (tables_and_first?, rest?, claims?, trust_base?, challenge?);
    let resolved = tables_and_first.and_then(|(mut tables, mut declarations)| {
        for e in rest {
            declarations.push(tables.entry(e)?);
        }
        Ok(Bundle {
            format: outline.format.0.into_owned(),
            kernel_version: outline.kernel_version.0.into_owned(),
            verdict: outline.verdict.0.into_owned(),
            declarations,
            claims: claims.into_iter().map(|c| tables.claim(c)).collect::<Result<_, _>>()?,
            trust_base: tables.trust_base(trust_base)?,
            challenge: challenge.map(|m| tables.challenge(m)).transpose()?,
            hashes: outline.hashes,
        })
    });
    let stored = Stored {
        terms: outline.terms,
        formulas: outline.formulas,
        entries: outline.declarations,
        claims: outline.claims,
        trust_base: outline.trust_base,
        challenge: outline.challenge,
    };
    Some(resolved.map(|bundle| (bundle, stored)))
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
/// compared; the first discrepancy is the reason for refusal. Proofs are checked on as
/// many threads as the machine offers ([`verify_on`]).
pub fn verify(bundle: &Bundle) -> Result<Verified, BundleError> {
    verify_on(bundle, default_threads())
}

/// [`verify`] with the theorems' proofs checked on at most `threads` threads (at least
/// one). The outcome does not depend on `threads`: the same signature, proofs and
/// summary when the bundle verifies, the same refusal when it does not.
pub fn verify_on(bundle: &Bundle, threads: usize) -> Result<Verified, BundleError> {
    verify_and(bundle, None, || (), threads).map(|(verified, ())| verified)
}

/// How many threads check proofs by default: the machine's parallelism (asked once per
/// process, as it reads the scheduler's settings).
fn default_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// [`verify`], running `side` (work that only matters if the bundle verifies, such as
/// rendering its summary) together with the recomputation of the hashes, alongside the
/// kernel's re-check (as one more job of the first batch of proofs, see [`replay`]).
/// With the `stored` parts of the bundle's text, their bytes are hashed; only if that
/// does not give the recorded hashes (the bundle was re-formatted, or damaged) are the
/// parts re-encoded and hashed, as [`verify`] does. The refusal reasons and their order
/// are [`verify`]'s.
fn verify_and<T: Send + Sync>(
    bundle: &Bundle,
    stored: Option<&Stored>,
    side: impl Fn() -> T + Sync,
    threads: usize,
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
    let side_done = OnceLock::new();
    let side_job = || {
        side_done.get_or_init(|| (hashes(), side()));
    };
    let verified = replay(bundle, &side_job, threads)?;
    // The side job ran in `replay` unless it stopped early (then it returned an error).
    side_job();
    let Some((hashes, side)) = side_done.into_inner() else { unreachable!("the side job has just run") };
    let h = hashes?;
    for (what, recorded, computed) in [
        ("tables", &bundle.hashes.tables, &h.tables),
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

/// A theorem's proof checked in its context against a prefix of the signature: the
/// length of that prefix, the context and the outcome.
type Checked = (usize, Context, Result<Theorem, KernelError>);

/// For each entry, the shortest prefix of the signature its proof can be checked
/// against (meaningful for theorems with proofs only): the declarations up to the
/// entry that is not a theorem with a proof before it, and up to every theorem it cites
/// (in `Theorem` steps) among those after that entry. Every symbol, definition, axiom
/// and theorem such a proof uses is then in that prefix, if it is anywhere before the
/// entry; a proof that uses something else does not check in either.
fn ready_at(declarations: &[Entry]) -> Vec<usize> {
    let mut ready = vec![0; declarations.len()];
    let mut stretch_start = 0;
    // The theorems declared since `stretch_start`, by name.
    let mut stretch: HashMap<&Name, usize> = HashMap::new();
    for (j, e) in declarations.iter().enumerate() {
        match (&e.declaration, &e.proof) {
            (Declaration::Theorem { name, .. }, Some(tp)) => {
                let cited = tp.proof.steps.iter().filter_map(|s| match s {
                    Step::Theorem { name, .. } => stretch.get(name).map(|&k| k + 1),
                    _ => None,
                });
                ready[j] = cited.fold(stretch_start, usize::max);
                stretch.insert(name, j);
            }
            _ => {
                stretch_start = j + 1;
                stretch.clear();
            }
        }
    }
    ready
}

/// The fewest proof steps a batch must hold for [`check_batch`] to start helper threads.
const MIN_STEPS_FOR_HELPERS: usize = 64;

/// Checks the proofs of the entries `jobs` against `sig` on up to `threads` threads,
/// `side` (if any) being one more job, taken first; the proofs with the most steps are
/// taken next. Each result is returned with its entry's index and the context it was
/// checked in, in the order of `jobs`, so the results do not depend on which thread
/// checked what.
fn check_batch(
    sig: &Signature,
    declarations: &[Entry],
    jobs: &[usize],
    side: Option<&(dyn Fn() + Sync)>,
    threads: usize,
) -> Vec<(usize, Context, Result<Theorem, KernelError>)> {
    let steps = |j: usize| declarations[j].proof.as_ref().map_or(0, |tp| tp.proof.steps.len());
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(steps(jobs[k])));
    let results: Vec<OnceLock<(Context, Result<Theorem, KernelError>)>> =
        jobs.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let extra = usize::from(side.is_some());
    let work = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k < extra {
            if let Some(side) = side {
                side();
            }
            continue;
        }
        let Some(&k) = order.get(k - extra) else { break };
        if let Some(tp) = &declarations[jobs[k]].proof {
            let context = tp.context.to_context();
            let checked = check(sig, &context, &tp.proof);
            let _ = results[k].set((context, checked));
        }
    };
    // Starting a thread costs about as much as checking a few dozen proof steps: a
    // batch with less work than that is checked here alone.
    let work_steps: usize = jobs.iter().map(|&j| steps(j)).sum();
    let threads = if side.is_some() || work_steps >= MIN_STEPS_FOR_HELPERS { threads } else { 1 };
    let helpers = threads.min(jobs.len() + extra).saturating_sub(1);
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // A helper that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(s, work);
        }
        work();
    });
    jobs.iter().zip(results).filter_map(|(&j, r)| r.into_inner().map(|(c, r)| (j, c, r))).collect()
}

/// The kernel's part of [`verify`]: the signature rebuilt declaration by declaration
/// (every proof re-checked), then the claims, trust base and challenge against it.
///
/// Proofs are checked in batches on up to `threads` threads ([`ready_at`], [`check_batch`]):
/// a proof checked against a prefix of the signature gives a theorem that holds in the
/// whole signature (every lookup the kernel makes is of something that exists, and
/// stays), so the declarations are still added one by one in the bundle's order, and
/// the outcome is what checking each proof in turn gives. When a proof checked against
/// a shorter prefix than its own failed, it is checked again against its own, so the
/// refusal is the one-by-one refusal, for the first entry in the bundle's order that has
/// one. `side` runs once, as a job of the first batch (or not at all if there is none).
fn replay(bundle: &Bundle, side: &(dyn Fn() + Sync), threads: usize) -> Result<Verified, BundleError> {
    // The signature, declaration by declaration.
    let mut sig = Signature::new();
    let mut theorem_proofs = Vec::new();
    let mut checked: Vec<Option<Checked>> = bundle.declarations.iter().map(|_| None).collect();
    let ready = ready_at(&bundle.declarations);
    // The theorems with proofs by the prefix they are ready at; `next` is the first
    // not handed to a batch yet.
    let mut pending: Vec<(usize, usize)> = (bundle.declarations.iter().enumerate())
        .filter(|(_, e)| matches!((&e.declaration, &e.proof), (Declaration::Theorem { .. }, Some(_))))
        .map(|(j, _)| (ready[j], j))
        .collect();
    pending.sort_unstable();
    let mut next = 0;
    let mut side = Some(side);
    for (i, e) in bundle.declarations.iter().enumerate() {
        let n = e.declaration.name();
        match (&e.declaration, &e.proof) {
            (Declaration::Theorem { name, statement, trust_base }, Some(tp)) => {
                if checked[i].is_none() {
                    // Every pending proof that can be checked against this prefix (this
                    // entry's among them: it is ready at `i` or before).
                    let end = next + pending[next..].partition_point(|&(r, _)| r <= i);
                    let jobs: Vec<usize> = pending[next..end].iter().map(|&(_, j)| j).collect();
                    next = end;
                    for (j, context, r) in
                        check_batch(&sig, &bundle.declarations, &jobs, side.take(), threads)
                    {
                        checked[j] = Some((i, context, r));
                    }
                }
                let (context, thm) = match checked[i].take() {
                    Some((at, context, thm)) if thm.is_ok() || at == i => (context, thm),
                    // Checked against a shorter prefix, or not at all: checked against its own.
                    other => {
                        let context = other.map_or_else(|| tp.context.to_context(), |(_, c, _)| c);
                        let thm = check(&sig, &context, &tp.proof);
                        (context, thm)
                    }
                };
                let thm =
                    thm.or_else(|e| refuse(format!("the proof of theorem `{name}` does not check: {e}")))?;
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
    let (verified, summary) =
        verify_and(&bundle, stored.as_ref(), || summary_with(&bundle, proofs), default_threads())?;
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
    use std::fmt::Write;
    // The same formula is printed many times (a technique's assumptions under each of
    // its guarantees and again in the trust base): each distinct one is printed once.
    // (Ordered by `Formula`'s `Ord`: comparing is cheaper than hashing a whole formula.)
    fn text<'f, 'm>(printed: &'m mut BTreeMap<&'f Formula, String>, f: &'f Formula) -> &'m str {
        printed.entry(f).or_insert_with(|| formula_to_string(f))
    }
    let mut printed = BTreeMap::new();
    let mut out = format!(
        "verified: {} declarations, {proofs} proofs re-checked by kernel {KERNEL_VERSION} ({}); bundle {}\n",
        bundle.declarations.len(),
        bundle.format,
        bundle.hashes.bundle
    );
    // Writing to a `String` cannot fail.
    if let Some(m) = &bundle.challenge {
        let _ = writeln!(out, "challenge met: {} (answered by {})", m.challenge, m.technique);
    }
    out.push_str("proved:\n");
    for c in &bundle.claims {
        let kind = match c.kind {
            ClaimKind::Guarantee => "guarantee",
            ClaimKind::Requirement => "requirement",
        };
        let _ = writeln!(out, "  {kind} {}.{}: {}", c.owner, c.name, text(&mut printed, &c.conclusion));
        for (n, a) in &c.assumptions {
            let _ = writeln!(out, "    assuming {n}: {}", text(&mut printed, a));
        }
    }
    out.push_str("trust base:\n  axioms:");
    if bundle.trust_base.axioms.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for a in &bundle.trust_base.axioms {
        let _ = writeln!(out, "    {a}");
    }
    out.push_str("  assumptions:");
    if bundle.trust_base.assumptions.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for a in &bundle.trust_base.assumptions {
        let _ = writeln!(out, "    {}.{}: {}", a.owner, a.name, text(&mut printed, &a.statement));
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

    /// `b` written, then pretty-printed (keys reordered too): the same content.
    fn pretty(b: &Bundle) -> String {
        let value: serde_json::Value = serde_json::from_str(&b.to_json().expect("encode")).expect("json");
        serde_json::to_string_pretty(&value).expect("encode")
    }

    #[test]
    fn re_formatted_bytes_hash_differently_and_fall_back() {
        // Pretty-printed, the stored bytes no longer give the recorded hashes; the
        // re-encoding still does.
        let b = sample();
        let text = pretty(&b);
        let (read_back, stored) = read(&text).expect("reads");
        assert_eq!(read_back, b);
        assert_ne!(stored.expect("decoded in parts").hashes(&read_back).expect("hashes"), b.hashes);
        assert_eq!(read_back.compute_hashes().expect("hashes"), b.hashes);
    }

    #[test]
    fn each_distinct_node_is_stored_once_and_read_back_shared() {
        let b = sample();
        let w = b.stored();
        // `c` is one term, `c = c` one formula, `true` one formula, though each is
        // named several times.
        assert_eq!(w.terms.len(), 1);
        assert_eq!(w.formulas.len(), 2);
        let read_back = Bundle::from_json(&b.to_json().expect("encode")).expect("reads");
        assert_eq!(read_back, b);
        let (Formula::Eq(Term::App(_, l), Term::App(_, r)), Formula::Eq(Term::App(_, c), _)) = (
            &read_back.claims[0].conclusion,
            &read_back.challenge.as_ref().expect("a challenge").requires[0].1,
        ) else {
            panic!("the sample's statement is `c = c`")
        };
        assert!(Arc::ptr_eq(l, r) && Arc::ptr_eq(l, c), "equal terms share one allocation");
    }

    /// The sample's JSON with `edit` applied to its value.
    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut value: serde_json::Value =
            serde_json::from_str(&sample().to_json().expect("encode")).expect("json");
        edit(&mut value);
        value.to_string()
    }

    fn refusal(text: &str) -> String {
        Bundle::from_json(text).expect_err("refused").reason
    }

    #[test]
    fn a_table_entry_must_name_an_earlier_entry() {
        // The sample's formulas: 0 is `c = c`, 1 is `true`. A formula naming itself
        // (the shortest cycle), a later entry, or none at all is refused.
        for (node, names) in
            [(r#"{"Not": 1}"#, 1), (r#"{"And": [0, 2]}"#, 2), (r#"{"Not": 4000000000}"#, 4000000000u64)]
        {
            let text = edited(|v| v["formulas"][1] = serde_json::from_str(node).expect("json"));
            assert_eq!(
                refusal(&text),
                format!("not a readable bundle: formula 1 names formula {names}, which is not an earlier entry of the table")
            );
        }
        let text = edited(|v| v["terms"][0] = serde_json::from_str(r#"{"Neg": 0}"#).expect("json"));
        assert_eq!(
            refusal(&text),
            "not a readable bundle: term 0 names term 0, which is not an earlier entry of the table"
        );
        let text = edited(|v| v["formulas"][0] = serde_json::from_str(r#"{"Eq": [0, 1]}"#).expect("json"));
        assert_eq!(
            refusal(&text),
            "not a readable bundle: formula 0 names term 1, which is not in the table"
        );
        let text = edited(|v| v["claims"][0]["conclusion"] = 2.into());
        assert_eq!(
            refusal(&text),
            "not a readable bundle: a part names formula 2, which is not in the table"
        );
    }

    #[test]
    fn a_table_entry_is_held_to_the_kernel_limits() {
        // 600 nested negations, each naming the one before: deeper than `max_depth`.
        let mut text = edited(|v| {
            let formulas = v["formulas"].as_array_mut().expect("an array");
            for i in 1..600u32 {
                formulas.push(serde_json::json!({ "Not": i }));
            }
        });
        let max = Limits::default();
        assert_eq!(
            refusal(&text),
            format!(
                "not a readable bundle: formula {} is deeper than {} or larger than {} nodes (the kernel's limits)",
                max.max_depth + 1,
                max.max_depth,
                max.max_formula_size
            )
        );
        // 40 conjunctions of the one before with itself: 2^40 nodes in 42 entries.
        text = edited(|v| {
            let formulas = v["formulas"].as_array_mut().expect("an array");
            for i in 1..41u32 {
                formulas.push(serde_json::json!({ "And": [i, i] }));
            }
        });
        assert!(refusal(&text).contains("larger than"), "{}", refusal(&text));
    }

    #[test]
    fn parts_may_not_name_more_nodes_than_a_bundle_may_hold() {
        // A formula of about 2^19 nodes (index 19), named by 1,000 claims' assumptions: within
        // each entry's limit, but more than the budget for the whole bundle.
        let text = edited(|v| {
            let formulas = v["formulas"].as_array_mut().expect("an array");
            for i in 1..19u32 {
                formulas.push(serde_json::json!({ "And": [i, i] }));
            }
            let big = formulas.len() - 1;
            let named: Vec<serde_json::Value> =
                (0..1000).map(|k| serde_json::json!([format!("a{k}"), big])).collect();
            v["claims"][0]["assumptions"] = named.into();
        });
        assert_eq!(
            refusal(&text),
            "not a readable bundle: its parts name more term and formula nodes (shared ones counted each time) than a bundle may hold"
        );
    }

    #[test]
    fn another_format_is_refused_for_its_format() {
        let text = edited(|v| {
            v["format"] = "warrant-bundle/1".into();
            v.as_object_mut().expect("an object").remove("terms");
        });
        assert_eq!(
            refusal(&text),
            format!("unsupported bundle format `warrant-bundle/1` (this verifier reads `{FORMAT}`)")
        );
    }
}
