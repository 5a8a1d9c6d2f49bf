//! Certificate bundles: an acceptance that anyone can re-check with the kernel alone.
//!
//! Not part of the trusted base: this module only feeds declarations to
//! [`Signature::declare`], proofs to [`check`] and checked theorems to
//! [`Signature::add_theorem`], and compares what they return with what the bundle
//! says. A bundle (format [`FORMAT`], a compact binary encoding laid out in
//! `bundle/wire.rs`) holds:
//!
//! - the format and the kernel version that wrote it;
//! - `names`, `terms` and `formulas`: every string, term and formula that the parts
//!   below name, each distinct one stored once, a node's children by index of earlier
//!   entries (see `bundle/wire.rs` for the rules a reader enforces);
//! - `declarations`: the slice of the signature the claims use, in order; a theorem
//!   is re-checked with its proof (`proofs`: the context it was checked in and its
//!   proof object);
//! - the verdict (always `accepted`) and the `claims`: what was proved — each technique
//!   guarantee (or challenge requirement) as the closed theorem
//!   `forall params. A₁ -> … -> Aₙ -> G`, with its parameters, named assumptions and
//!   conclusion spelled out; the trust base (the axioms the claims rest on and their
//!   assumptions); the challenge met, if any, with its allows and requirements;
//! - `hashes`: BLAKE3 of the tables, of the declarations, of the proofs, of the
//!   verdict with the claims, trust base and challenge, and of the bundle as a whole.
//!
//! In memory ([`Bundle`]) everything is spelled out; the parts that name one table
//! entry share its children (subterms, subformulas, argument lists, names), so equality
//! tests on them are cheap: an `Arc<Term>` or `Arc<Formula>` compares pointers first,
//! and `bundle/same.rs` does so for names and argument lists too (std's `==` does not
//! for unsized types).
//!
//! The hashes name a bundle and catch accidental damage; they are not what makes it
//! believable. [`verify`] rebuilds the signature declaration by declaration and
//! re-checks every proof, so a forged bundle with recomputed hashes is still refused.
//!
//! Each hash is over the exact bytes of its sections as stored (length prefixes
//! included), and a writer encodes a bundle in one fixed way. [`verify_bytes`] (what
//! `warrant verify` runs) hashes the stored bytes; [`verify`], given a bundle in
//! memory, hashes its encoding. It re-checks the theorems' proofs on the machine's
//! threads (see [`verify_on`] and `replay`), computing the hashes and the summary on a
//! helper while the first batch's prefix is declared; the refusal reasons and their
//! order do not change.
//! A bundle of an older format (`warrant-bundle/2`, JSON; `warrant-bundle/3`, hashed
//! with SHA-256) is refused by name, with how to make a new one; `warrant verify
//! --print` shows a bundle spelled out, as JSON.

mod closed;
mod same;
mod wire;

pub use closed::is_closed_statement;

use crate::check::{check, CheckedContext, Context, Theorem};
use crate::error::KernelError;
use crate::print::{formula_to_string, write_formula};
use crate::proof::{Proof, Step};
use crate::signature::{Declaration, FactKind, Signature};
use crate::term::{close_formula, open_formula, Formula, Hint, Name, Sort, Term};
use crate::{Limits, KERNEL_VERSION};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

/// The bundle format this module writes and reads.
pub const FORMAT: &str = "warrant-bundle/4";

/// The formats of earlier versions, each with what sets it apart: refused by name, with
/// how to make a bundle anew.
const OLDER_FORMATS: [(&str, &str); 2] =
    [("warrant-bundle/2", "JSON"), ("warrant-bundle/3", "SHA-256 hashes")];

/// A theorem's proof as a bundle carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TheoremProof {
    /// The context the proof was checked in (its hypotheses must all be discharged).
    /// The kernel's own type, so that `verify` checks the proof in it without a copy;
    /// shared by the proofs of a bundle read from bytes that state the same context in
    /// a row (a technique's guarantees); shown as `{"variables": [...], "hypotheses":
    /// [...]}`.
    #[serde(serialize_with = "serialize_context")]
    pub context: Arc<Context>,
    /// The proof object.
    pub proof: Proof,
}

/// A [`Context`] as `{"variables": [...], "hypotheses": [...]}` (`warrant verify --print`
/// and the auditor's search of what a proof names).
fn serialize_context<S: serde::Serializer>(c: &Context, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Context", 2)?;
    st.serialize_field("variables", &c.variables)?;
    st.serialize_field("hypotheses", &c.hypotheses)?;
    st.end()
}

/// One declaration of the signature slice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The declaration.
    pub declaration: Declaration,
    /// For a theorem (and only then): its proof.
    #[serde(skip_serializing_if = "Option::is_none")]
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
    pub owner: Name,
    /// The guarantee's (or requirement's) name.
    pub name: Name,
    /// The kernel theorem that proves it.
    pub theorem: Name,
    /// The parameters (shared by the claims of a bundle read from bytes that state the
    /// same parameters and assumptions in a row, as a technique's guarantees do).
    pub params: Arc<[(Name, Sort)]>,
    /// The assumptions it rests on, named, with the parameters free (shared as the
    /// parameters are).
    pub assumptions: Arc<[(Name, Formula)]>,
    /// What holds under them, with the parameters free.
    pub conclusion: Formula,
}

/// An assumption a deployer must believe.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrustAssumption {
    /// The technique (or challenge) that makes it.
    pub owner: Name,
    /// Its name there.
    pub name: Name,
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
    pub challenge: Name,
    /// The technique that answers it, qualified.
    pub technique: Name,
    /// The challenge's parameters.
    pub params: Vec<(Name, Sort)>,
    /// What it allows, with the parameters free.
    pub allows: Vec<(Name, Formula)>,
    /// What it requires, with the parameters free, and the theorem proving each.
    pub requires: Vec<(Name, Formula, Name)>,
}

/// Content hashes (hex BLAKE3; stored as 32 bytes each).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashes {
    /// The names, terms and formulas sections.
    pub tables: String,
    /// The declarations section.
    pub declarations: String,
    /// The proofs section.
    pub proofs: String,
    /// The claims section: verdict, claims, trust base and challenge.
    pub claims: String,
    /// Format, kernel version and the four hashes above.
    pub bundle: String,
}

/// A certificate bundle, spelled out (its stored form is written by
/// [`Bundle::to_bytes`] and read by [`Bundle::from_bytes`]; serialized with serde, it
/// is the readable JSON that `warrant verify --print` shows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bundle {
    /// Always [`FORMAT`].
    pub format: String,
    /// The kernel version that wrote it ([`KERNEL_VERSION`]).
    pub kernel_version: String,
    /// Always `accepted`.
    pub verdict: Name,
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

/// A bundle that verified: the rebuilt signature. Its theorems' contexts and proofs are
/// the bundle's own ([`Bundle::theorem_proofs`]), not copied.
#[derive(Debug)]
pub struct Verified {
    /// The signature rebuilt from the declarations.
    pub signature: Signature,
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

    /// The hashes of this bundle's content, computed afresh (over its encoding).
    pub fn compute_hashes(&self) -> Result<Hashes, BundleError> {
        let s = wire::Writer::sections(self);
        let prefixed = |body: &[u8]| {
            let mut out = Vec::with_capacity(body.len() + 10);
            wire::put_section(&mut out, body);
            out
        };
        let tables = [prefixed(&s.names), prefixed(&s.terms), prefixed(&s.formulas)].concat();
        Ok(hash_regions(
            &self.format,
            &self.kernel_version,
            &Regions {
                tables: &tables,
                declarations: &prefixed(&s.declarations),
                proofs: &prefixed(&s.proofs),
                claims: &prefixed(&s.claims),
            },
        ))
    }

    /// The bundle in its stored form ([`FORMAT`]), with the recorded hashes; an error
    /// when a recorded hash is not 64 hex digits or the format is not [`FORMAT`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, BundleError> {
        if self.format != FORMAT {
            return refuse(format!("cannot encode: the format `{}` is not `{FORMAT}`", self.format));
        }
        let s = wire::Writer::sections(self);
        let mut out = Vec::with_capacity(
            256 + s.names.len()
                + s.terms.len()
                + s.formulas.len()
                + s.declarations.len()
                + s.proofs.len()
                + s.claims.len(),
        );
        out.extend_from_slice(wire::FORMAT_LINE);
        wire::put_str(&mut out, &self.kernel_version);
        for body in [&s.names, &s.terms, &s.formulas, &s.declarations, &s.proofs, &s.claims] {
            wire::put_section(&mut out, body);
        }
        let h = &self.hashes;
        for hash in [&h.tables, &h.declarations, &h.proofs, &h.claims, &h.bundle] {
            match hex::decode(hash) {
                Ok(bytes) if bytes.len() == wire::HASH_BYTES => out.extend_from_slice(&bytes),
                _ => return refuse(format!("cannot encode: the hash `{hash}` is not 64 hex digits")),
            }
        }
        Ok(out)
    }

    /// Every theorem's name, context and proof, in the bundle's order (in a bundle that
    /// verified, each was checked in that context and proves the theorem's statement).
    pub fn theorem_proofs(&self) -> impl Iterator<Item = (&Name, &Context, &Proof)> {
        self.declarations.iter().filter_map(|e| match (&e.declaration, &e.proof) {
            (Declaration::Theorem { name, .. }, Some(tp)) => Some((name, &*tp.context, &tp.proof)),
            _ => None,
        })
    }

    /// Reads a bundle, refusing files larger than the default limits, another format
    /// (by name) and bytes that break the format's rules (`bundle/wire.rs`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, BundleError> {
        read(bytes).map(|(bundle, _)| bundle)
    }
}

/// The byte regions that the hashes cover.
struct Regions<'p> {
    /// The names, terms and formulas sections, length prefixes included.
    tables: &'p [u8],
    /// The declarations section, length prefix included.
    declarations: &'p [u8],
    /// The proofs section, length prefix included.
    proofs: &'p [u8],
    /// The claims section, length prefix included.
    claims: &'p [u8],
}

/// The hashes of a bundle of `format` by `kernel_version` whose sections are `regions`:
/// each of the first four is the BLAKE3 hash (32 bytes) of its region; `bundle` is the
/// BLAKE3 hash of the format, the kernel version and the four hashes above (hex), one a
/// line.
fn hash_regions(format: &str, kernel_version: &str, regions: &Regions) -> Hashes {
    // `to_hex` writes the 64 digits into a fixed array: 5 x 0.16 µs less than `hex::encode`.
    let hash = |bytes: &[u8]| blake3::hash(bytes).to_hex().as_str().to_owned();
    let tables = hash(regions.tables);
    let declarations = hash(regions.declarations);
    let proofs = hash(regions.proofs);
    let claims = hash(regions.claims);
    let whole = format!("{format}\n{kernel_version}\n{tables}\n{declarations}\n{proofs}\n{claims}");
    let bundle = hash(whole.as_bytes());
    Hashes { tables, declarations, proofs, claims, bundle }
}

/// Refuses a file that is not of format [`FORMAT`], naming the format it is of when it
/// says (a format line, or the `format` field of a JSON bundle).
fn refuse_other_format(bytes: &[u8]) -> Result<(), BundleError> {
    if bytes.starts_with(wire::FORMAT_LINE) {
        return Ok(());
    }
    let named = if bytes.starts_with(b"warrant-bundle/") {
        // A format line of another version: up to its end (a short line only).
        let line = &bytes[..bytes.len().min(64)];
        let end = line.iter().position(|&b| b == b'\n').unwrap_or(line.len());
        Some(String::from_utf8_lossy(&line[..end]).into_owned())
    } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        /// Just the format of a JSON document (serde_json's recursion limit applies to
        /// whatever else it skips).
        #[derive(Deserialize)]
        struct Head {
            format: String,
        }
        serde_json::from_slice::<Head>(bytes).ok().map(|h| h.format)
    } else {
        None
    };
    let older = |f: &str| OLDER_FORMATS.iter().find(|(older, _)| *older == f).map(|(_, what)| *what);
    match named {
        Some(f) => match older(&f) {
            Some(what) => refuse(format!(
                "this bundle is of format `{f}` ({what}), which is no longer read; re-create it with `warrant audit --bundle`"
            )),
            None => refuse(format!("unsupported bundle format `{f}` (this verifier reads `{FORMAT}`)")),
        },
        None => wire::unreadable(format!("it does not start with the format line `{FORMAT}`")),
    }
}

/// The hashed regions of a bundle as stored.
struct Stored<'a> {
    format: &'a str,
    kernel_version: &'a str,
    regions: Regions<'a>,
}

impl Stored<'_> {
    /// The hashes of the stored bytes.
    fn hashes(&self) -> Hashes {
        hash_regions(self.format, self.kernel_version, &self.regions)
    }
}

/// Reads a bundle, refusing files larger than the default limits, another format by
/// name, and bytes that break the format's rules; with the regions its hashes cover.
///
/// The tables are decoded first (every other part names their entries); then the
/// declarations, the claims and the first proofs on this thread while another decodes
/// the other proofs, when there are enough bytes of them to pay for a thread (see
/// [`MIN_BYTES_FOR_A_DECODING_THREAD`]). What is refused, and why, is what reading the
/// file in order on one thread refuses: the first error in the file's order, then the
/// budget of named nodes over the whole file. (The memory budget of its lists and
/// tables, `wire::Budget`, is shared by both threads: which list runs it out may
/// depend on which thread gets there first; either way the bundle is refused.)
fn read(bytes: &[u8]) -> Result<(Bundle, Stored<'_>), BundleError> {
    read_with(bytes, MIN_BYTES_FOR_A_DECODING_THREAD)
}

/// [`read`], starting a decoding thread when the parts after the tables have at least
/// `min_bytes` bytes.
fn read_with(bytes: &[u8], min_bytes: usize) -> Result<(Bundle, Stored<'_>), BundleError> {
    let limits = Limits::default();
    if bytes.len() > limits.max_json_bytes {
        return wire::unreadable(format!(
            "it is larger than {} bytes (the kernel's `max_json_bytes` limit)",
            limits.max_json_bytes
        ));
    }
    refuse_other_format(bytes)?;
    // What decoding may allocate for its lists and tables: twice the largest input.
    let budget = wire::Budget::new(2 * limits.max_json_bytes as u64);
    let mut r = wire::Reader::new(bytes, "bundle", &budget);
    r.take(wire::FORMAT_LINE.len())?;
    let kernel_version = r.str()?;
    let tables_at = r.pos();
    let names = r.section("names section")?;
    let terms = r.section("terms section")?;
    let formulas = r.section("formulas section")?;
    let declarations_at = r.pos();
    let mut declarations_in = r.section("declarations section")?;
    let proofs_at = r.pos();
    let mut proofs_in = r.section("proofs section")?;
    let claims_at = r.pos();
    let mut claims_in = r.section("claims section")?;
    let hashes_at = r.pos();
    let mut hash = || r.take(wire::HASH_BYTES).map(hex::encode);
    let hashes =
        Hashes { tables: hash()?, declarations: hash()?, proofs: hash()?, claims: hash()?, bundle: hash()? };
    r.finish()?;
    let stored = Stored {
        format: FORMAT,
        kernel_version,
        regions: Regions {
            tables: &bytes[tables_at..declarations_at],
            declarations: &bytes[declarations_at..proofs_at],
            proofs: &bytes[proofs_at..claims_at],
            claims: &bytes[claims_at..hashes_at],
        },
    };
    let tables = wire::Tables::decode(names, terms, formulas, &limits)?;
    // The proofs: each is its own section, so they can be shared out between two
    // threads without being decoded first.
    let n = proofs_in.count(std::mem::size_of::<wire::Reader>())?;
    let mut proof_sections = Vec::with_capacity(n);
    for _ in 0..n {
        proof_sections.push(proofs_in.section("proof")?);
    }
    proofs_in.finish()?;
    // This thread reads the declarations, the claims and the first proofs, another
    // the other proofs: as many bytes each, when there are enough to pay for a thread.
    let others = declarations_in.len() + claims_in.len();
    let (split, parallel) = proof_split(&proof_sections, others, min_bytes);
    let (later, (declarations, first, claims)) = in_parallel(
        parallel,
        || decode_proofs(&tables, &proof_sections[split..]),
        || {
            let declarations = decode_declarations(&tables, &mut declarations_in);
            let first = decode_proofs(&tables, &proof_sections[..split]);
            let claims = decode_claims(&tables, &mut claims_in);
            (declarations, first, claims)
        },
    );
    // The first error in the file's order.
    let (declarations, spent_declarations) = declarations?;
    let (mut proofs, spent_first) = first?;
    let (later, spent_later) = later?;
    proofs.extend(later);
    let ((verdict, claims, trust_base, challenge), spent_claims) = claims?;
    let declarations = attach(declarations, proofs)?;
    let spent = [spent_declarations, spent_first, spent_later, spent_claims]
        .into_iter()
        .fold(0u64, u64::saturating_add);
    if spent > tables.budget {
        return wire::unreadable(
            "its parts name more term and formula nodes (shared ones counted each time) than a bundle may hold"
                .into(),
        );
    }
    let bundle = Bundle {
        format: FORMAT.into(),
        kernel_version: kernel_version.into(),
        verdict,
        declarations,
        claims,
        trust_base,
        challenge,
        hashes,
    };
    Ok((bundle, stored))
}

/// Below this many bytes of proofs, declarations and claims, they are all read on the
/// calling thread: starting a thread costs more than reading them.
const MIN_BYTES_FOR_A_DECODING_THREAD: usize = 16 * 1024;

/// Where to split `proofs` between this thread (the first ones, with `others` bytes of
/// other parts to read too) and another (the rest), and whether to start one (not for
/// fewer than `min_bytes` bytes in all).
fn proof_split(proofs: &[wire::Reader], others: usize, min_bytes: usize) -> (usize, bool) {
    let total: usize = others + proofs.iter().map(wire::Reader::len).sum::<usize>();
    if total < min_bytes {
        return (proofs.len(), false);
    }
    let (mut split, mut here) = (0, others);
    while split < proofs.len() && 2 * (here + proofs[split].len()) <= total {
        here += proofs[split].len();
        split += 1;
    }
    (split, true)
}

/// The declarations section: each declaration, whether it carries a proof, and the
/// nodes they name.
fn decode_declarations(
    tables: &wire::Tables,
    r: &mut wire::Reader,
) -> Result<(Vec<(Declaration, bool)>, u64), BundleError> {
    let mut parts = wire::Parts::new(tables);
    let n = r.count(std::mem::size_of::<(Declaration, bool)>())?;
    let mut declarations = Vec::with_capacity(n);
    for _ in 0..n {
        declarations.push(parts.declaration(r)?);
    }
    r.finish()?;
    Ok((declarations, parts.spent))
}

/// Proofs, each from its own section, and the nodes they name.
fn decode_proofs(
    tables: &wire::Tables,
    sections: &[wire::Reader],
) -> Result<(Vec<TheoremProof>, u64), BundleError> {
    let mut parts = wire::Parts::new(tables);
    let mut proofs = Vec::with_capacity(sections.len());
    for s in sections {
        let mut r = *s;
        proofs.push(parts.theorem_proof(&mut r)?);
        r.finish()?;
    }
    Ok((proofs, parts.spent))
}

/// What the claims section holds.
type ClaimsPart = (Name, Vec<Claim>, TrustBase, Option<ChallengeMet>);

/// The claims section: the verdict, the claims, the trust base and the challenge, and
/// the nodes they name.
fn decode_claims(tables: &wire::Tables, r: &mut wire::Reader) -> Result<(ClaimsPart, u64), BundleError> {
    let mut parts = wire::Parts::new(tables);
    let verdict = parts.verdict(r)?;
    let n = r.count(std::mem::size_of::<Claim>())?;
    let mut claims = Vec::with_capacity(n);
    for _ in 0..n {
        claims.push(parts.claim(r)?);
    }
    let trust_base = parts.trust_base(r)?;
    let challenge = parts.challenge(r)?;
    r.finish()?;
    Ok(((verdict, claims, trust_base, challenge), parts.spent))
}

/// The declarations with their proofs: each one marked as carrying a proof takes the
/// next one, and there must be as many proofs as marks.
fn attach(
    declarations: Vec<(Declaration, bool)>,
    proofs: Vec<TheoremProof>,
) -> Result<Vec<Entry>, BundleError> {
    let marked = declarations.iter().filter(|(_, has)| *has).count();
    if marked != proofs.len() {
        return wire::unreadable(format!(
            "{marked} declarations carry a proof but the proofs section holds {}",
            proofs.len()
        ));
    }
    let mut proofs = proofs.into_iter();
    Ok(declarations
        .into_iter()
        .map(|(declaration, has)| Entry { declaration, proof: if has { proofs.next() } else { None } })
        .collect())
}

/// Runs `a` on another thread while this one runs `b` when `parallel` (both here when
/// not, or when no thread can be started). A panic in `a` is resumed here, as if both
/// had run on this thread.
fn in_parallel<A: Send, B>(parallel: bool, a: impl Fn() -> A + Sync, b: impl FnOnce() -> B) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
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
    assumptions: &[(Name, Formula)],
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
/// many threads as the machine offers ([`verify_on`]), unless the bundle is too small
/// to pay for starting one ([`MIN_STEPS_FOR_THREADS`]).
pub fn verify(bundle: &Bundle) -> Result<Verified, BundleError> {
    verify_on(bundle, threads_for(bundle))
}

/// [`verify`] with the theorems' proofs checked on at most `threads` threads (at least
/// one). The outcome does not depend on `threads`: the same signature, proofs and
/// summary when the bundle verifies, the same refusal when it does not.
pub fn verify_on(bundle: &Bundle, threads: usize) -> Result<Verified, BundleError> {
    verify_and(bundle, None, || (), threads).map(|(verified, ())| verified)
}

/// Below this many proof steps in all, a bundle is verified on the calling thread
/// alone. Measured with `verify_bytes_on` on 1 and 2 threads, two cores shared with
/// other work (load 4.5–5, 2026-11-27): the corpus bundle (412 steps) took 1.18–1.26 ms
/// on one thread against 4.0–5.6 ms on two (the calling thread waits for a helper that
/// is not running yet), a bundle of 4 copies of the corpus (1,648 steps) 8.1–8.2 ms
/// against 9.8–10.1 ms, one of 16 copies (6,592 steps) 41 against 44 ms. The day
/// before (criterion, load not recorded) the corpus bundle also took less on one thread
/// (1.40–1.58 against 1.86–2.06 ms). Larger bundles were not measured on a quiet
/// machine, where two threads may pay sooner: threads are kept from a little above
/// the 4-copy bundle.
pub const MIN_STEPS_FOR_THREADS: usize = 2000;

/// How many threads [`verify`] and [`verify_bytes`] check `bundle`'s proofs on: one for
/// a bundle of fewer than [`MIN_STEPS_FOR_THREADS`] proof steps (a thread costs more to
/// start and to wait for than it saves there), else the machine's parallelism.
fn threads_for(bundle: &Bundle) -> usize {
    let steps: usize = bundle.declarations.iter().map(steps).sum();
    if steps < MIN_STEPS_FOR_THREADS {
        1
    } else {
        default_threads()
    }
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
/// With the `stored` regions of the bundle's bytes, those are hashed; without, the
/// bundle's encoding is. The refusal reasons and their order are [`verify`]'s.
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
    if &*bundle.verdict != "accepted" {
        return refuse(format!("the bundle records the verdict `{}`, not `accepted`", bundle.verdict));
    }
    // The hashes need only the bundle's bytes: they are recomputed alongside the
    // kernel's re-check, and compared after it (the kernel speaks first).
    let hashes = || match stored {
        Some(s) => Ok(s.hashes()),
        None => bundle.compute_hashes(),
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
/// length of that prefix and the outcome.
type Checked = (usize, Result<Theorem, KernelError>);

/// For each entry, the shortest prefix of the signature its proof can be checked
/// against (meaningful for theorems with proofs only): the declarations up to the
/// entry that is not a theorem with a proof before it, and up to every theorem it cites
/// (in `Theorem` steps) among those after that entry. Every symbol, definition, axiom
/// and theorem such a proof uses is then in that prefix, if it is anywhere before the
/// entry; a proof that uses something else does not check in either.
fn ready_at(declarations: &[Entry]) -> Vec<usize> {
    let mut ready = vec![0; declarations.len()];
    let mut stretch_start = 0;
    // The theorems declared since `stretch_start`, by name (foldhash, as the
    // signature's maps: std's default hasher costs more than the lookups it serves).
    let mut stretch: HashMap<&Name, usize, foldhash::fast::RandomState> = HashMap::default();
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

/// The fewest proof steps a batch must hold for helper threads to be started for it.
const MIN_STEPS_FOR_HELPERS: usize = 64;

/// The proofs of a batch of theorems, shared out between threads: each takes the next
/// run of proofs not yet taken, those with the most steps first. A run is consecutive
/// jobs with equal contexts (a technique's guarantees share one), checked once for the
/// run (`CheckedContext`). Each result is kept with its entry's index, in the order
/// of `jobs`, so the results do not depend on which thread checked what.
struct Batch<'d> {
    declarations: &'d [Entry],
    jobs: &'d [usize],
    /// Runs of positions in `jobs` whose contexts are equal, most steps first.
    order: Vec<std::ops::Range<usize>>,
    results: Vec<OnceLock<Result<Theorem, KernelError>>>,
    next: AtomicUsize,
}

impl<'d> Batch<'d> {
    fn new(declarations: &'d [Entry], jobs: &'d [usize]) -> Batch<'d> {
        // Contexts compared by address first (`same`): a technique's guarantees name the
        // same table entries.
        let same_context = |a: Option<&TheoremProof>, b: Option<&TheoremProof>| match (a, b) {
            (Some(a), Some(b)) => same::same_context(&a.context, &b.context),
            (a, b) => a.is_none() && b.is_none(),
        };
        let proof = |k: usize| declarations[jobs[k]].proof.as_ref();
        // Each run with its steps, counted once.
        let mut runs: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
        for k in 0..jobs.len() {
            let n = steps(&declarations[jobs[k]]);
            match runs.last_mut() {
                Some((run, total)) if same_context(proof(run.start), proof(k)) => {
                    run.end = k + 1;
                    *total += n;
                }
                _ => runs.push((k..k + 1, n)),
            }
        }
        runs.sort_by_key(|(_, total)| std::cmp::Reverse(*total));
        let order = runs.into_iter().map(|(run, _)| run).collect();
        Batch {
            declarations,
            jobs,
            order,
            results: jobs.iter().map(|_| OnceLock::new()).collect(),
            next: 0.into(),
        }
    }

    /// How many threads in all should check this batch, out of `threads`: no more than
    /// its runs (each checked by one thread), and `side`, one more job if there is one. Starting a thread costs about as much as checking
    /// a few dozen proof steps: a batch with less work than that is checked by the
    /// calling thread alone.
    fn threads(&self, side: bool, threads: usize) -> usize {
        let work_steps: usize = self.jobs.iter().map(|&j| steps(&self.declarations[j])).sum();
        if side || work_steps >= MIN_STEPS_FOR_HELPERS {
            threads.min(self.order.len() + usize::from(side)).max(1)
        } else {
            1
        }
    }

    /// Checks proofs against `sig` until none is left.
    fn work(&self, sig: &Signature) {
        while let Some(run) = self.order.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let Some(tp) = &self.declarations[self.jobs[run.start]].proof else { continue };
            let checked = CheckedContext::new(sig, &tp.context);
            // Each proof of the run but the last with a copy of the checked context, the
            // last with the context itself.
            for k in run.start..run.end - 1 {
                if let Some(tp) = &self.declarations[self.jobs[k]].proof {
                    let _ = self.results[k]
                        .set(checked.as_ref().map_err(Clone::clone).and_then(|c| c.check(&tp.proof)));
                }
            }
            let last = run.end - 1;
            if let Some(tp) = &self.declarations[self.jobs[last]].proof {
                let _ = self.results[last].set(checked.and_then(|c| c.check_last(&tp.proof)));
            }
        }
    }

    fn results(self) -> Vec<(usize, Result<Theorem, KernelError>)> {
        self.jobs.iter().zip(self.results).filter_map(|(&j, r)| r.into_inner().map(|r| (j, r))).collect()
    }
}

/// How many steps the proof of `e` has (none without a proof).
fn steps(e: &Entry) -> usize {
    e.proof.as_ref().map_or(0, |tp| tp.proof.steps.len())
}

/// `side`, run by the first thread that asks (once in all).
struct SideJob<'s> {
    side: Option<&'s (dyn Fn() + Sync)>,
    taken: AtomicBool,
}

impl SideJob<'_> {
    fn take(&self) {
        if let Some(side) = self.side {
            if !self.taken.swap(true, Ordering::Relaxed) {
                side();
            }
        }
    }
}

/// Checks the proofs of the entries `jobs` against `sig` on up to `threads` threads,
/// `side` (if any) being one more job (see [`Batch`]).
fn check_batch(
    sig: &Signature,
    declarations: &[Entry],
    jobs: &[usize],
    side: Option<&(dyn Fn() + Sync)>,
    threads: usize,
) -> Vec<(usize, Result<Theorem, KernelError>)> {
    let batch = Batch::new(declarations, jobs);
    let side = SideJob { side, taken: AtomicBool::new(false) };
    let helpers = batch.threads(side.side.is_some(), threads) - 1;
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // A helper that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(s, || {
                side.take();
                batch.work(sig);
            });
        }
        side.take();
        batch.work(sig);
    });
    batch.results()
}

/// Whether the signature prefix of the first batch is built: `None` while this thread
/// declares it, then whether it could be; and how many helpers wait for it.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    built: Option<bool>,
    waiting: usize,
}

impl Gate {
    /// Opens the gate (the first time only), waking the helpers that wait. With none
    /// waiting (always on one thread) nothing is woken: a `Condvar`'s `notify_all` is a
    /// system call (`futex`) even then, two per verify before this was so.
    fn set(&self, built: bool) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.built.is_none() {
            state.built = Some(built);
            if state.waiting > 0 {
                self.changed.notify_all();
            }
        }
    }

    fn wait(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(built) = state.built {
                return built;
            }
            // Counted under the lock, which `wait` releases only once this thread is
            // waiting: `set` sees every helper that could miss its state.
            state.waiting += 1;
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.waiting -= 1;
        }
    }
}

/// Closes a [`Gate`] still shut when it is dropped (the declaring thread stopped early,
/// even by a panic), so that no helper waits for ever.
struct CloseOnDrop<'g>(&'g Gate);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// The first batch: declares the entries before `until` (none of them a theorem with a
/// proof) on this thread while the helpers run `side`, then checks the proofs of the
/// entries `jobs` against that prefix on up to `threads` threads (see [`Batch`]). The
/// prefix and the results, or the refusal of a declaration, as declaring in turn gives.
#[allow(clippy::type_complexity)]
fn first_batch(
    declarations: &[Entry],
    until: usize,
    jobs: &[usize],
    side: Option<&(dyn Fn() + Sync)>,
    threads: usize,
) -> Result<(Signature, Vec<(usize, Result<Theorem, KernelError>)>), BundleError> {
    let batch = Batch::new(declarations, jobs);
    let side = SideJob { side, taken: AtomicBool::new(false) };
    let helpers = batch.threads(side.side.is_some(), threads) - 1;
    let prefix: OnceLock<Signature> = OnceLock::new();
    let gate = Gate::default();
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // A helper that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(s, || {
                side.take();
                if let (true, Some(sig)) = (gate.wait(), prefix.get()) {
                    batch.work(sig);
                }
            });
        }
        let _close = CloseOnDrop(&gate);
        let mut sig = Signature::new();
        for (i, e) in declarations[..until].iter().enumerate() {
            if let Err(e) = declare(&mut sig, i, e) {
                gate.set(false);
                return Err(e);
            }
        }
        let sig = prefix.get_or_init(|| sig);
        gate.set(true);
        batch.work(sig);
        side.take();
        Ok(())
    })?;
    let Some(sig) = prefix.into_inner() else { unreachable!("the prefix is set when declaring succeeded") };
    Ok((sig, batch.results()))
}

/// Adds the entry `i`, which is not a theorem with a proof, to `sig`, or says why not.
fn declare(sig: &mut Signature, i: usize, e: &Entry) -> Result<(), BundleError> {
    let n = e.declaration.name();
    match (&e.declaration, &e.proof) {
        (Declaration::Theorem { name, .. }, None) => refuse(format!("theorem `{name}` carries no proof")),
        (_, Some(_)) => refuse(format!("declaration {i} (`{n}`) is not a theorem but carries a proof")),
        (d, None) => {
            sig.declare(d.clone()).or_else(|e| refuse(format!("declaration {i} (`{n}`) is refused: {e}")))
        }
    }
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
/// one. `side` runs once, as a job of the first batch (or not at all if there is none),
/// on a helper while this thread declares the prefix of that batch ([`first_batch`]):
/// one thread start, off the path of this thread, for the side job and the batch.
fn replay(bundle: &Bundle, side: &(dyn Fn() + Sync), threads: usize) -> Result<Verified, BundleError> {
    // The signature, declaration by declaration.
    let mut sig = Signature::new();
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
    // The first batch is checked while its prefix is declared (the side job running
    // meanwhile on a helper); the loop below goes on from its first theorem.
    let first = bundle
        .declarations
        .iter()
        .position(|e| matches!((&e.declaration, &e.proof), (Declaration::Theorem { .. }, Some(_))));
    let start = first.unwrap_or(0);
    if let Some(i) = first {
        let end = pending.partition_point(|&(r, _)| r <= i);
        let jobs: Vec<usize> = pending[..end].iter().map(|&(_, j)| j).collect();
        next = end;
        let (prefix, results) = first_batch(&bundle.declarations, i, &jobs, side.take(), threads)?;
        sig = prefix;
        for (j, r) in results {
            checked[j] = Some((i, r));
        }
    }
    for (i, e) in bundle.declarations.iter().enumerate().skip(start) {
        match (&e.declaration, &e.proof) {
            (Declaration::Theorem { name, statement, trust_base }, Some(tp)) => {
                if checked[i].is_none() {
                    // Every pending proof that can be checked against this prefix (this
                    // entry's among them: it is ready at `i` or before).
                    let end = next + pending[next..].partition_point(|&(r, _)| r <= i);
                    let jobs: Vec<usize> = pending[next..end].iter().map(|&(_, j)| j).collect();
                    next = end;
                    for (j, r) in check_batch(&sig, &bundle.declarations, &jobs, side.take(), threads) {
                        checked[j] = Some((i, r));
                    }
                }
                let thm = match checked[i].take() {
                    Some((at, thm)) if thm.is_ok() || at == i => thm,
                    // Checked against a shorter prefix, or not at all: checked against its own.
                    _ => check(&sig, &tp.context, &tp.proof),
                };
                let thm =
                    thm.or_else(|e| refuse(format!("the proof of theorem `{name}` does not check: {e}")))?;
                if let Some((h, f)) = thm.hypotheses().first() {
                    return refuse(format!(
                        "the proof of theorem `{name}` rests on the hypothesis `{h}: {}`",
                        formula_to_string(f)
                    ));
                }
                if !same::same_formula(thm.conclusion(), statement) {
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
            }
            _ => declare(&mut sig, i, e)?,
        }
    }
    // The claims: each a theorem of the signature, with exactly the stated shape.
    let mut axioms: BTreeSet<Name> = BTreeSet::new();
    for c in &bundle.claims {
        let what = || format!("the claim `{}.{}`", c.owner, c.name);
        let Some(fact) = sig.fact(&c.theorem).filter(|f| f.kind == FactKind::Theorem) else {
            return refuse(format!("{} cites `{}`, which is not a theorem of the bundle", what(), c.theorem));
        };
        // Compared without building the claim's statement, which only a refusal shows.
        if !is_closed_statement(&fact.statement, &c.params, &c.assumptions, &c.conclusion) {
            return refuse(format!(
                "{} states `{}` but the theorem `{}` is `{}`",
                what(),
                formula_to_string(&closed_statement(&c.params, &c.assumptions, &c.conclusion)),
                c.theorem,
                formula_to_string(&fact.statement)
            ));
        }
        axioms.extend(fact.trust_base.iter().cloned());
    }
    // The trust base: exactly what the claims rest on.
    let listed: BTreeSet<&Name> = bundle.trust_base.axioms.iter().collect();
    if let Some(a) = axioms.iter().find(|a| !listed.contains(a)) {
        return refuse(format!("the trust base omits the axiom `{a}`, which the claims rest on"));
    }
    if let Some(a) = listed.iter().find(|a| !axioms.contains(**a)) {
        return refuse(format!("the trust base lists the axiom `{a}`, which no claim rests on"));
    }
    if !lists_the_same_assumptions(&bundle.claims, &bundle.trust_base.assumptions) {
        compare_assumptions(&bundle.claims, &bundle.trust_base.assumptions)?;
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
            if *c.params != m.params || *c.assumptions != m.allows || c.conclusion != *statement {
                return refuse(format!(
                    "the claim for the requirement `{r}` is not the challenge's statement `{}`",
                    formula_to_string(&closed_statement(&m.params, &m.allows, statement))
                ));
            }
        }
    }
    Ok(Verified { signature: sig })
}

/// Whether the trust base lists, as a set, exactly the assumptions the claims rest on,
/// when that can be told cheaply: `true` only when it does, judged by the addresses of
/// each assumption's owner and name and by its statement's [`Identity`] (the same
/// address is the same string; equal identities are equal statements). `false` when it
/// does not, and also when equal names or statements are held in different allocations
/// or the trust base lists one owner and name (by address) twice;
/// [`compare_assumptions`] then compares them in full. In a bundle read from bytes,
/// each string and each statement named twice comes from one table entry, so the
/// assumptions of a bundle that verifies are told by one lookup each, without a string
/// hashed or compared, a formula compared or copied, or a sort.
///
/// Why `true` means the same set: each assumption a claim rests on finds a listed one
/// with the very same owner and name and an equal statement (so it is listed), and
/// every listed one is found by some claim (so it is claimed). The listed pairs being
/// distinct by address is what makes each lookup find the one listed entry of its
/// address; two listed entries with equal strings at different addresses are each
/// found only by claims that share their own, so both are claimed.
fn lists_the_same_assumptions(claims: &[Claim], listed: &[TrustAssumption]) -> bool {
    // Each listed assumption by the addresses of its owner and name: its statement's
    // identity, and whether a claim rests on it. The map is foldhash-seeded per
    // process, as the signature's; it only finds entries, so its order decides nothing.
    let label = |owner: &Name, name: &Name| (owner.as_ptr() as usize, name.as_ptr() as usize);
    let mut by_label: HashMap<(usize, usize), (Identity, bool), foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(listed.len(), foldhash::fast::RandomState::default());
    for a in listed {
        let entry = (Identity::of(&a.statement), false);
        if by_label.insert(label(&a.owner, &a.name), entry).is_some() {
            return false;
        }
    }
    let mut found = 0;
    for c in claims {
        for (n, f) in c.assumptions.iter() {
            match by_label.get_mut(&label(&c.owner, n)) {
                Some((identity, seen)) if *identity == Identity::of(f) => {
                    if !*seen {
                        *seen = true;
                        found += 1;
                    }
                }
                _ => return false,
            }
        }
    }
    found == by_label.len()
}

/// The trust base's assumptions compared in full with those the claims rest on: the
/// first (in order) that it omits, else the first that it lists and no claim rests on,
/// is the refusal.
fn compare_assumptions(claims: &[Claim], listed: &[TrustAssumption]) -> Result<(), BundleError> {
    let mut assumptions: BTreeSet<TrustAssumption> = BTreeSet::new();
    for c in claims {
        for (name, statement) in c.assumptions.iter() {
            assumptions.insert(TrustAssumption {
                owner: c.owner.clone(),
                name: name.clone(),
                statement: statement.clone(),
            });
        }
    }
    let listed: BTreeSet<&TrustAssumption> = listed.iter().collect();
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
    Ok(())
}

/// A bundle that verified from its bytes, with the summary `warrant verify` prints.
#[derive(Debug)]
pub struct Verification {
    /// What it proved and rests on, as text ([`summary`]).
    pub summary: String,
    /// The bundle.
    pub bundle: Bundle,
    /// The signature the kernel rebuilt.
    pub verified: Verified,
}

/// What `warrant verify` does with a bundle's bytes: decode them, verify the bundle
/// (hashing the bytes as stored) and render the [`summary`] it prints. The bench, the
/// command and the Coq export of a bundle share this one path.
/// Proofs are checked on the threads [`verify`] would use.
pub fn verify_bytes(bytes: &[u8]) -> Result<Verification, BundleError> {
    verify_bytes_with(bytes, None)
}

/// [`verify_bytes`] with the theorems' proofs checked on at most `threads` threads (at
/// least one), whatever the bundle's size. The outcome does not depend on `threads`:
/// the same summary when the bundle verifies, the same refusal when it does not.
pub fn verify_bytes_on(bytes: &[u8], threads: usize) -> Result<Verification, BundleError> {
    verify_bytes_with(bytes, Some(threads))
}

/// [`verify_bytes`] on `threads` threads, or on [`threads_for`] the bundle when `None`.
fn verify_bytes_with(bytes: &[u8], threads: Option<usize>) -> Result<Verification, BundleError> {
    let (bundle, stored) = read(bytes)?;
    // What the summary counts once the bundle verifies: every theorem carries a proof
    // and nothing else does.
    let proofs = bundle.declarations.iter().filter(|e| e.proof.is_some()).count();
    let threads = threads.unwrap_or_else(|| threads_for(&bundle));
    let (verified, summary) = verify_and(&bundle, Some(&stored), || summary_with(&bundle, proofs), threads)?;
    Ok(Verification { summary: summary?, bundle, verified })
}

fn join(names: &BTreeSet<Name>) -> String {
    names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

/// What a verified bundle proved and rests on, as text (what `warrant verify` prints).
/// `verified` is what [`verify`] returned for `bundle`: only a bundle that verified has
/// a summary. Refused when the text would be longer than twice the kernel's largest
/// input (`max_json_bytes`): a bundle may name one long name or formula again and
/// again, each time for a byte or two of input, so the text it would print is not
/// bounded by the bundle's own size.
pub fn summary(bundle: &Bundle, verified: &Verified) -> Result<String, BundleError> {
    let _ = verified;
    summary_with(bundle, bundle.theorem_proofs().count())
}

/// [`summary`], given the number of proofs re-checked.
fn summary_with(bundle: &Bundle, proofs: usize) -> Result<String, BundleError> {
    summary_within(bundle, proofs, 2 * Limits::default().max_json_bytes)
}

/// [`summary_with`], refused once the text is longer than `max` bytes.
fn summary_within(bundle: &Bundle, proofs: usize, max: usize) -> Result<String, BundleError> {
    // The same formula is printed many times (a technique's assumptions under each of
    // its guarantees and again in the trust base: 257 formulas, 85 distinct, in the
    // corpus bundle): each is printed once per [`Identity`], into one `String` that
    // holds every distinct text in turn, and each occurrence copies its stretch of it.
    // The stretches are found by hashing a few numbers rather than whole formulas
    // (foldhash, seeded per process as the signature's maps are; the map is only a
    // cache, so the text does not depend on it).
    let mut printed: HashMap<Identity, (usize, usize), foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(bundle.claims.len() * 2, foldhash::fast::RandomState::default());
    let mut texts = String::new();
    let mut text = |out: &mut String, identity: Identity, f: &Formula| {
        let (start, end) = *printed.entry(identity).or_insert_with(|| {
            let start = texts.len();
            write_formula(&mut texts, f);
            (start, texts.len())
        });
        out.push_str(&texts[start..end]);
        out.push('\n');
    };
    // About 128 bytes a line (126 in the corpus bundle's summary): one allocation of
    // about the right size rather than a doubling midway that copies what is written,
    // up to 1 MiB (the lines are counted from the input; a larger summary grows).
    let lines = 8
        + bundle.claims.iter().map(|c| 1 + c.assumptions.len()).sum::<usize>()
        + bundle.trust_base.axioms.len()
        + bundle.trust_base.assumptions.len();
    let mut out = String::with_capacity(lines.saturating_mul(128).min(1 << 20));
    // Checked after each line: a line is at most a name or a formula's text long, and
    // each of those is held to the bundle's size or the kernel's limits.
    let within = |out: &String| {
        if out.len() > max {
            return Err(BundleError { reason: format!("its summary would be longer than {max} bytes") });
        }
        Ok(())
    };
    let (declarations, proofs) = (bundle.declarations.len().to_string(), proofs.to_string());
    push_all(
        &mut out,
        &["verified: ", &declarations, " declarations, ", &proofs, " proofs re-checked by kernel "],
    );
    push_all(&mut out, &[KERNEL_VERSION, " (", &bundle.format, "); bundle ", &bundle.hashes.bundle, "\n"]);
    if let Some(m) = &bundle.challenge {
        push_all(&mut out, &["challenge met: ", &m.challenge, " (answered by ", &m.technique, ")\n"]);
    }
    out.push_str("proved:\n");
    // A technique's guarantees rest on the same assumptions (79 of the 143 `assuming`
    // lines of the corpus bundle's summary repeat the claim before): the lines of the
    // last claim's assumptions, with each one's label (by address: the same address is
    // the same string) and statement's identity, are copied whole when the next claim's
    // are the same, rather than looked up and written line by line.
    let mut block: Vec<(usize, Identity)> = Vec::new();
    let mut block_text = String::new();
    for c in &bundle.claims {
        let kind = match c.kind {
            ClaimKind::Guarantee => "  guarantee ",
            ClaimKind::Requirement => "  requirement ",
        };
        push_all(&mut out, &[kind, &c.owner, ".", &c.name, ": "]);
        text(&mut out, Identity::of(&c.conclusion), &c.conclusion);
        within(&out)?;
        let repeated = c.assumptions.len() == block.len()
            && (c.assumptions.iter().zip(&block)).all(|((n, a), (label, identity))| {
                n.as_ptr() as usize == *label && Identity::of(a) == *identity
            });
        if repeated {
            out.push_str(&block_text);
            within(&out)?;
            continue;
        }
        block.clear();
        let start = out.len();
        for (n, a) in c.assumptions.iter() {
            let identity = Identity::of(a);
            push_all(&mut out, &["    assuming ", n, ": "]);
            text(&mut out, identity, a);
            within(&out)?;
            block.push((n.as_ptr() as usize, identity));
        }
        block_text.clear();
        block_text.push_str(&out[start..]);
    }
    out.push_str("trust base:\n  axioms:");
    if bundle.trust_base.axioms.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for a in &bundle.trust_base.axioms {
        push_all(&mut out, &["    ", a, "\n"]);
        within(&out)?;
    }
    out.push_str("  assumptions:");
    if bundle.trust_base.assumptions.is_empty() {
        out.push_str(" none");
    }
    out.push('\n');
    for a in &bundle.trust_base.assumptions {
        push_all(&mut out, &["    ", &a.owner, ".", &a.name, ": "]);
        text(&mut out, Identity::of(&a.statement), &a.statement);
        within(&out)?;
    }
    within(&out)?;
    Ok(out)
}

/// Appends `parts` to `out` in order (the summary is built with appends rather than
/// `write!`, whose formatting machinery costs more than the text it writes).
fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

/// What a formula holds, told apart cheaply: its variant, then for each of its fields
/// the field's value or the address of what it shares (a subformula, a term's parts, a
/// name, a number). Formulas with the same identity hold the very same parts in the
/// same places, so they are equal and print alike, binder hints included. Equal
/// formulas in different allocations may have different identities; they are then
/// printed twice, to the same text. A bundle read from bytes holds each table entry
/// once, and every part that names it shares its parts, so repeats are found.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Identity([usize; 7]);

impl Identity {
    fn of(f: &Formula) -> Identity {
        let node = |f: &Arc<Formula>| Arc::as_ptr(f) as usize;
        let name = |n: &Name| n.as_ptr() as usize;
        let sort = |s: &Sort| match s {
            Sort::Rat => 0,
            Sort::Named(n) => name(n),
        };
        let [a, b, c] = [0usize; 3];
        Identity(match f {
            Formula::True => [0, a, b, c, a, b, c],
            Formula::False => [1, a, b, c, a, b, c],
            Formula::Eq(l, r) | Formula::Le(l, r) | Formula::Lt(l, r) => {
                let tag = match f {
                    Formula::Eq(..) => 2,
                    Formula::Le(..) => 3,
                    _ => 4,
                };
                let ([l0, l1, l2], [r0, r1, r2]) = (term_identity(l), term_identity(r));
                [tag, l0, l1, l2, r0, r1, r2]
            }
            Formula::Pred(p, args) => [5, name(p), args.as_ptr() as usize, c, a, b, c],
            Formula::Not(x) => [6, node(x), b, c, a, b, c],
            Formula::And(x, y) => [7, node(x), node(y), c, a, b, c],
            Formula::Or(x, y) => [8, node(x), node(y), c, a, b, c],
            Formula::Implies(x, y) => [9, node(x), node(y), c, a, b, c],
            Formula::Iff(x, y) => [10, node(x), node(y), c, a, b, c],
            Formula::Forall(h, s, x) => [11, name(&h.0), sort(s), node(x), a, b, c],
            Formula::Exists(h, s, x) => [12, name(&h.0), sort(s), node(x), a, b, c],
        })
    }
}

/// A term's part of an [`Identity`]: its variant, then its fields' values or addresses.
fn term_identity(t: &Term) -> [usize; 3] {
    let node = |t: &Arc<Term>| Arc::as_ptr(t) as usize;
    let name = |n: &Name| n.as_ptr() as usize;
    match t {
        Term::Bound(i) => [0, *i as usize, 0],
        Term::Free(x, Sort::Rat) => [1, name(x), 0],
        Term::Free(x, Sort::Named(s)) => [1, name(x), name(s)],
        Term::Num(r) => [2, Arc::as_ptr(r) as usize, 0],
        Term::App(f, args) => [3, name(f), args.as_ptr() as usize],
        Term::Neg(x) => [4, node(x), 0],
        Term::Add(x, y) => [5, node(x), node(y)],
        Term::Sub(x, y) => [6, node(x), node(y)],
        Term::Mul(x, y) => [7, node(x), node(y)],
        Term::Div(x, r) => [8, node(x), Arc::as_ptr(r) as usize],
        Term::Pow(x, n) => [9, node(x), *n as usize],
    }
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
                    context: Arc::new(Context {
                        variables: vec![(name("x \"quoted\""), m)],
                        hypotheses: vec![],
                    }),
                    proof: Proof { steps: vec![crate::proof::Step::TrueIntro] },
                }),
            },
        ];
        let claims = vec![Claim {
            kind: ClaimKind::Requirement,
            owner: "C".into(),
            name: "r".into(),
            theorem: name("t"),
            params: Arc::from([]),
            assumptions: Arc::from([("a".into(), Formula::True)]),
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
    fn a_context_or_claim_list_read_again_is_shared() {
        // Proofs of `t`, `t2` (the context of `t`, in an allocation of its own), `t3`
        // (another variable) and `t4` (the context of `t3`); claims with the same
        // parameters and assumptions, then other assumptions, then those again.
        let mut b = sample();
        let m = Sort::Named(name("M"));
        let context =
            |x: &str| Arc::new(Context { variables: vec![(name(x), m.clone())], hypotheses: vec![] });
        let theorem = b.declarations[2].clone();
        for (t, x) in [("t2", "x \"quoted\""), ("t3", "y"), ("t4", "y")] {
            b.declarations.push(renamed(&theorem, t, context(x)));
        }
        let claim = b.claims[0].clone();
        let other: Arc<[(Name, Formula)]> = Arc::from([("a".into(), Formula::False)]);
        b.claims = vec![
            Claim { name: "r1".into(), ..claim.clone() },
            Claim { name: "r2".into(), params: Arc::from([]), ..claim.clone() },
            Claim { name: "r3".into(), assumptions: other, ..claim.clone() },
            Claim { name: "r4".into(), ..claim },
        ];
        b.hashes = b.compute_hashes().expect("hashes");
        let read_back = Bundle::from_bytes(&b.to_bytes().expect("encode")).expect("reads");
        assert_eq!(read_back, b);
        let contexts: Vec<&Arc<Context>> =
            read_back.declarations[2..].iter().map(|e| &e.proof.as_ref().expect("a proof").context).collect();
        let shared = |a: &Arc<Context>, b: &Arc<Context>| Arc::ptr_eq(a, b);
        assert_eq!(
            [
                shared(contexts[0], contexts[1]),
                shared(contexts[1], contexts[2]),
                shared(contexts[2], contexts[3])
            ],
            [true, false, true]
        );
        let c = &read_back.claims;
        let shared = |i: usize| {
            Arc::ptr_eq(&c[i].params, &c[i + 1].params)
                && Arc::ptr_eq(&c[i].assumptions, &c[i + 1].assumptions)
        };
        assert_eq!([shared(0), shared(1), shared(2)], [true, false, false]);
        // The parameters alone match across `r2` and `r3`, but they are shared only with
        // the assumptions after them.
        assert!(!Arc::ptr_eq(&c[1].params, &c[2].params));
    }

    /// The theorem entry `theorem` under the name `t`, its proof in `context`.
    fn renamed(theorem: &Entry, t: &str, context: Arc<Context>) -> Entry {
        let mut e = theorem.clone();
        if let Declaration::Theorem { name: n, .. } = &mut e.declaration {
            *n = name(t);
        }
        e.proof.as_mut().expect("a proof").context = context;
        e
    }

    /// `P(arg)`, its argument list a fresh allocation.
    fn p(arg: &str) -> Formula {
        let args: Arc<[Term]> = Arc::from(vec![Term::App(name(arg), Arc::from(vec![]))]);
        Formula::Pred(name("P"), args)
    }

    #[test]
    fn assumptions_are_told_apart_by_identity_then_in_full() {
        // One allocation of each name, as in a bundle read from bytes.
        let (t, a) = (name("T"), name("a"));
        let claim = |assumptions: Vec<(Name, Formula)>| Claim {
            kind: ClaimKind::Guarantee,
            owner: t.clone(),
            name: "g".into(),
            theorem: name("t"),
            params: Arc::from([]),
            assumptions: assumptions.into(),
            conclusion: Formula::True,
        };
        let listed = |statement: &Formula| TrustAssumption {
            owner: t.clone(),
            name: a.clone(),
            statement: statement.clone(),
        };
        let (pc, pd) = (p("c"), p("d"));
        // The same statement (one allocation of its arguments), named twice by the
        // claims and listed once: the same set, told by identity.
        let claims = vec![claim(vec![(a.clone(), pc.clone())]), claim(vec![(a.clone(), pc.clone())])];
        assert!(lists_the_same_assumptions(&claims, &[listed(&pc)]));
        assert_eq!(compare_assumptions(&claims, &[listed(&pc)]), Ok(()));
        // Equal owner and name made anew: not told by address, equal in full.
        let anew = TrustAssumption { owner: name("T"), name: name("a"), statement: pc.clone() };
        assert!(!lists_the_same_assumptions(&claims, std::slice::from_ref(&anew)));
        assert_eq!(compare_assumptions(&claims, &[anew]), Ok(()));
        // An equal statement made anew: not told by identity, equal in full.
        assert!(!lists_the_same_assumptions(&claims, &[listed(&p("c"))]));
        assert_eq!(compare_assumptions(&claims, &[listed(&p("c"))]), Ok(()));
        // Another statement: refused in full, with the one omitted.
        assert!(!lists_the_same_assumptions(&claims, &[listed(&pd)]));
        assert_eq!(
            compare_assumptions(&claims, &[listed(&pd)]).map_err(|e| e.reason),
            Err("the trust base omits the assumption `a` of `T` (P(c)), which a claim rests on".into())
        );
        assert_eq!(
            compare_assumptions(&claims, &[listed(&pc), listed(&pd)]).map_err(|e| e.reason),
            Err("the trust base lists the assumption `a` of `T`, which no claim rests on".into())
        );
    }

    #[test]
    fn assumptions_told_by_identity_are_the_claimed_set() {
        // Every trust base and set of claims over two owners, two labels and two
        // statements (each one allocation, so equal strings have one address and equal
        // statements one identity), up to three assumptions each: `true` exactly when
        // the listed and claimed sets are equal, but for a trust base that lists one
        // owner and label twice, which is left to the comparison in full (`false`).
        let statements = [Formula::True, Formula::Not(Arc::new(Formula::False))];
        let names: HashMap<&str, Name> = ["T", "U", "a", "b"].into_iter().map(|n| (n, name(n))).collect();
        let mut triples: Vec<(&str, &str, &Formula)> = Vec::new();
        for o in ["T", "U"] {
            for n in ["a", "b"] {
                triples.extend(statements.iter().map(|f| (o, n, f)));
            }
        }
        // Lists of up to three triples, as numbers in base 9 (0 for none).
        let lists: Vec<Vec<(&str, &str, &Formula)>> = (0..729)
            .map(|k: usize| {
                [k % 9, k / 9 % 9, k / 81].into_iter().filter(|&d| d > 0).map(|d| triples[d - 1]).collect()
            })
            .collect();
        let mut told = 0;
        for claimed in &lists {
            // One claim per assumption, so that owners may differ.
            let claims: Vec<Claim> = claimed
                .iter()
                .map(|&(o, n, f)| Claim {
                    kind: ClaimKind::Guarantee,
                    owner: names[o].clone(),
                    name: "g".into(),
                    theorem: name("t"),
                    params: Arc::from([]),
                    assumptions: Arc::from([(names[n].clone(), f.clone())]),
                    conclusion: Formula::True,
                })
                .collect();
            let claimed_set: BTreeSet<(&str, &str, &Formula)> = claimed.iter().copied().collect();
            for listed in lists.iter().step_by(7) {
                let trust: Vec<TrustAssumption> = listed
                    .iter()
                    .map(|&(o, n, f)| TrustAssumption {
                        owner: names[o].clone(),
                        name: names[n].clone(),
                        statement: f.clone(),
                    })
                    .collect();
                let listed_set: BTreeSet<(&str, &str, &Formula)> = listed.iter().copied().collect();
                let labels: BTreeSet<(&str, &str)> = listed.iter().map(|&(o, n, _)| (o, n)).collect();
                let same = claimed_set == listed_set;
                let expected = same && labels.len() == listed.len();
                assert_eq!(lists_the_same_assumptions(&claims, &trust), expected, "{claimed:?} / {listed:?}");
                assert_eq!(compare_assumptions(&claims, &trust).is_ok(), same, "{claimed:?} / {listed:?}");
                // The same trust base with its strings made anew: never told by address
                // (but when there is nothing to tell), and the same answer in full.
                let anew: Vec<TrustAssumption> = trust
                    .iter()
                    .map(|a| TrustAssumption {
                        owner: name(&a.owner),
                        name: name(&a.name),
                        statement: a.statement.clone(),
                    })
                    .collect();
                let nothing = claimed.is_empty() && listed.is_empty();
                assert_eq!(lists_the_same_assumptions(&claims, &anew), nothing, "{claimed:?} / {listed:?}");
                assert_eq!(compare_assumptions(&claims, &anew).is_ok(), same, "{claimed:?} / {listed:?}");
                told += usize::from(expected);
            }
        }
        assert!(told > 20, "{told}");
    }

    #[test]
    fn a_small_bundle_is_verified_on_one_thread() {
        let mut b = sample();
        assert_eq!(threads_for(&b), 1);
        let proof = b.declarations[2].proof.as_mut().expect("the theorem's proof");
        proof.proof.steps = vec![Step::TrueIntro; MIN_STEPS_FOR_THREADS - 1];
        assert_eq!(threads_for(&b), 1);
        b.declarations[2].proof.as_mut().expect("the theorem's proof").proof.steps.push(Step::TrueIntro);
        assert_eq!(threads_for(&b), default_threads());
    }

    #[test]
    fn the_stored_bytes_of_a_written_bundle_hash_as_its_encoding() {
        for challenge in [true, false] {
            let mut b = sample();
            if !challenge {
                b.challenge = None;
                b.hashes = b.compute_hashes().expect("hashes");
            }
            let bytes = b.to_bytes().expect("encode");
            assert!(bytes.starts_with(b"warrant-bundle/4\n"));
            let (read_back, stored) = read(&bytes).expect("reads");
            assert_eq!(read_back, b);
            assert_eq!(stored.hashes(), b.hashes);
            // Written again: the same bytes.
            assert_eq!(read_back.to_bytes().expect("encode"), bytes);
        }
    }

    #[test]
    fn each_distinct_node_is_stored_once_and_read_back_shared() {
        let b = sample();
        let s = wire::Writer::sections(&b);
        // `c` is one term, `c = c` one formula, `true` one formula, though each is
        // named several times: a count, then the entries.
        assert_eq!(s.terms, [1, 3, 1, 0]);
        assert_eq!(s.formulas, [2, 2, 0, 0, 0]);
        let read_back = Bundle::from_bytes(&b.to_bytes().expect("encode")).expect("reads");
        assert_eq!(read_back, b);
        let (Formula::Eq(Term::App(_, l), Term::App(_, r)), Formula::Eq(Term::App(_, c), _)) = (
            &read_back.claims[0].conclusion,
            &read_back.challenge.as_ref().expect("a challenge").requires[0].1,
        ) else {
            panic!("the sample's statement is `c = c`")
        };
        assert!(Arc::ptr_eq(l, r) && Arc::ptr_eq(l, c), "equal terms share one allocation");
    }

    /// The sample's sections, changed by `edit`, assembled into a file with the sample's
    /// recorded hashes.
    fn edited(edit: impl FnOnce(&mut wire::Sections)) -> Vec<u8> {
        let b = sample();
        let mut s = wire::Writer::sections(&b);
        edit(&mut s);
        let mut out = wire::FORMAT_LINE.to_vec();
        wire::put_str(&mut out, &b.kernel_version);
        for body in [&s.names, &s.terms, &s.formulas, &s.declarations, &s.proofs, &s.claims] {
            wire::put_section(&mut out, body);
        }
        out.extend_from_slice(&b.to_bytes().expect("encode")[b.to_bytes().expect("encode").len() - 160..]);
        out
    }

    fn refusal(bytes: &[u8]) -> String {
        Bundle::from_bytes(bytes).expect_err("refused").reason
    }

    #[test]
    fn the_sample_assembled_unchanged_is_the_written_file() {
        assert_eq!(edited(|_| {}), sample().to_bytes().expect("encode"));
    }

    #[test]
    fn a_table_entry_must_name_an_earlier_entry() {
        // The sample's formulas: 0 is `c = c` (tag 2, term 0 twice), 1 is `true` (tag
        // 0). A formula naming itself (the shortest cycle), a later entry, or none at
        // all is refused.
        for (formula_1, names) in
            [(vec![6, 1], 1u64), (vec![7, 0, 2], 2), (vec![6, 0x80, 0xd0, 0xac, 0xf3, 0x0e], 4000000000)]
        {
            let bytes = edited(|s| s.formulas = [&[2, 2, 0, 0][..], &formula_1].concat());
            assert_eq!(
                refusal(&bytes),
                format!("not a readable bundle: formula 1 names formula {names}, which is not an earlier entry of the table")
            );
        }
        let bytes = edited(|s| s.terms = vec![1, 4, 0]);
        assert_eq!(
            refusal(&bytes),
            "not a readable bundle: term 0 names term 0, which is not an earlier entry of the table"
        );
        let bytes = edited(|s| s.formulas = vec![2, 2, 0, 1, 0]);
        assert_eq!(
            refusal(&bytes),
            "not a readable bundle: formula 0 names term 1, which is not in the table"
        );
        // The claims section: verdict, one claim (kind, owner, name, theorem, no
        // parameters, assumptions, conclusion). Its conclusion made formula 2.
        let bytes = edited(|s| {
            let at = s.claims.len() - 1 - trailing_after_first_conclusion(&sample());
            s.claims[at] = 2;
        });
        assert_eq!(
            refusal(&bytes),
            "not a readable bundle: a part names formula 2, which is not in the table"
        );
    }

    /// How many bytes of the sample's claims section follow the first claim's
    /// conclusion index (the trust base and the challenge).
    fn trailing_after_first_conclusion(b: &Bundle) -> usize {
        let mut without = b.clone();
        without.claims.clear();
        let s = wire::Writer::sections(&without);
        // The claims section without claims: verdict, a zero count, then the rest.
        s.claims.len() - 2
    }

    #[test]
    fn a_table_entry_is_held_to_the_kernel_limits() {
        // 600 nested negations, each naming the one before: deeper than `max_depth`.
        let max = Limits::default();
        let bytes = edited(|s| {
            let mut f = Vec::new();
            wire::put_uint(&mut f, 600);
            f.push(0);
            for i in 0..599u64 {
                f.push(6);
                wire::put_uint(&mut f, i);
            }
            s.formulas = f;
        });
        assert_eq!(
            refusal(&bytes),
            format!(
                "not a readable bundle: formula {} is deeper than {} or larger than {} nodes (the kernel's limits)",
                max.max_depth,
                max.max_depth,
                max.max_formula_size
            )
        );
        // 40 conjunctions of the one before with itself: 2^40 nodes in 41 entries.
        let bytes = edited(|s| {
            let mut f = vec![41, 0];
            for i in 0..40u8 {
                f.extend([7, i, i]);
            }
            s.formulas = f;
        });
        assert!(refusal(&bytes).contains("larger than"), "{}", refusal(&bytes));
    }

    #[test]
    fn parts_may_not_name_more_nodes_than_a_bundle_may_hold() {
        // A formula of 2^19 - 1 nodes, named by 1,000 assumptions of one claim:
        // within each entry's limit, but more than the budget for the whole bundle.
        let b = sample();
        let mut f = Formula::True;
        for _ in 0..18 {
            let a = Arc::new(f);
            f = Formula::And(a.clone(), a);
        }
        let too_many = Some("not a readable bundle: its parts name more term and formula nodes (shared ones counted each time) than a bundle may hold".to_string());
        // The refusal, if any (not `refusal`: a bundle read back would be shown whole).
        let refused = |b: &Bundle| Bundle::from_bytes(&b.to_bytes().expect("encode")).err().map(|e| e.reason);
        let mut one_claim = b.clone();
        one_claim.claims[0].assumptions = (0..1000).map(|k| (name(&format!("a{k}")), f.clone())).collect();
        assert_eq!(refused(&one_claim), too_many);
        // The same, as 1,000 claims that each rest on it: read once and shared, but
        // counted for each claim, as each is compared with its theorem.
        let mut claims = b.clone();
        let claim = Claim { assumptions: Arc::from([(name("a"), f.clone())]), ..b.claims[0].clone() };
        claims.claims = (0..1000).map(|k| Claim { name: name(&format!("r{k}")), ..claim.clone() }).collect();
        assert_eq!(refused(&claims), too_many);
        // And as the context of 1,000 proofs.
        let mut proofs = b.clone();
        let context = Arc::new(Context { variables: vec![], hypotheses: vec![(name("h"), f.clone())] });
        let theorem = proofs.declarations[2].clone();
        proofs.declarations.extend((0..1000).map(|k| renamed(&theorem, &format!("t{k}"), context.clone())));
        assert_eq!(refused(&proofs), too_many);
        // Ten of them are within the budget, and read back sharing the context.
        proofs.declarations.truncate(13);
        let read_back = Bundle::from_bytes(&proofs.to_bytes().expect("encode")).expect("reads");
        let contexts: Vec<&Arc<Context>> =
            read_back.declarations[3..].iter().map(|e| &e.proof.as_ref().expect("a proof").context).collect();
        assert!(contexts.iter().all(|c| Arc::ptr_eq(c, contexts[0])));
    }

    #[test]
    fn the_hashes_are_blake3_of_the_regions_then_of_their_hex_lines() {
        // BLAKE3's published test values for "" and "abc".
        let empty = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
        let abc = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";
        let h = hash_regions(
            FORMAT,
            "0.1.0",
            &Regions { tables: b"abc", declarations: b"", proofs: b"abc", claims: b"" },
        );
        assert_eq!([&h.tables, &h.declarations, &h.proofs, &h.claims], [abc, empty, abc, empty]);
        let whole = format!("warrant-bundle/4\n0.1.0\n{abc}\n{empty}\n{abc}\n{empty}");
        assert_eq!(h.bundle, blake3::hash(whole.as_bytes()).to_hex().as_str());
    }

    #[test]
    fn another_format_is_refused_by_name() {
        let bytes = sample().to_bytes().expect("encode");
        let mut other = b"warrant-bundle/5\n".to_vec();
        other.extend_from_slice(&bytes[17..]);
        assert_eq!(
            refusal(&other),
            format!("unsupported bundle format `warrant-bundle/5` (this verifier reads `{FORMAT}`)")
        );
        // The format before this one: the same layout, hashed with SHA-256.
        let mut older = b"warrant-bundle/3\n".to_vec();
        older.extend_from_slice(&bytes[17..]);
        assert_eq!(
            refusal(&older),
            "this bundle is of format `warrant-bundle/3` (SHA-256 hashes), which is no longer read; re-create it with `warrant audit --bundle`"
        );
        assert_eq!(
            refusal(br#"{"format": "warrant-bundle/2", "terms": []}"#),
            "this bundle is of format `warrant-bundle/2` (JSON), which is no longer read; re-create it with `warrant audit --bundle`"
        );
        assert_eq!(
            refusal(br#" {"format": "warrant-bundle/1"}"#),
            format!("unsupported bundle format `warrant-bundle/1` (this verifier reads `{FORMAT}`)")
        );
        for garbage in [&b"{ not json"[..], b"", b"\x00\x01"] {
            assert_eq!(
                refusal(garbage),
                format!("not a readable bundle: it does not start with the format line `{FORMAT}`")
            );
        }
    }

    #[test]
    fn every_truncation_is_refused() {
        // Cut anywhere, the file is refused as unreadable (never read as something
        // else, never a panic).
        let bytes = sample().to_bytes().expect("encode");
        for n in wire::FORMAT_LINE.len()..bytes.len() {
            let reason = refusal(&bytes[..n]);
            assert!(reason.starts_with("not a readable bundle: "), "{n}: {reason}");
        }
        let reason = refusal(&bytes[..bytes.len() - 1]);
        assert_eq!(
            reason,
            format!("not a readable bundle: the bundle ends early (at byte {})", bytes.len() - 1)
        );
    }

    #[test]
    fn trailing_bytes_are_refused() {
        let mut bytes = sample().to_bytes().expect("encode");
        let end = bytes.len();
        bytes.push(0);
        assert_eq!(
            refusal(&bytes),
            format!(
                "not a readable bundle: 1 bytes are left over at the end of the bundle (from byte {end})"
            )
        );
        // Inside a section: a byte more in the terms section (its length says so).
        let bytes = edited(|s| s.terms.push(0));
        assert!(
            refusal(&bytes)
                .starts_with("not a readable bundle: 1 bytes are left over at the end of the terms section"),
            "{}",
            refusal(&bytes)
        );
    }

    #[test]
    fn a_length_larger_than_the_input_is_refused_before_anything_is_allocated() {
        // A names section claiming 2^62 names, and a string of 2^62 bytes.
        let mut huge = Vec::new();
        wire::put_uint(&mut huge, 1 << 62);
        let bytes = edited(|s| s.names = huge.clone());
        assert!(
            refusal(&bytes).contains(&format!("has {} elements, more than the 0 bytes left", 1u64 << 62)),
            "{}",
            refusal(&bytes)
        );
        let bytes = edited(|s| s.names = [&[1u8][..], &huge].concat());
        assert!(refusal(&bytes).contains("runs past its end"), "{}", refusal(&bytes));
        // A section length past the end of the file.
        let mut bytes = wire::FORMAT_LINE.to_vec();
        wire::put_str(&mut bytes, KERNEL_VERSION);
        wire::put_uint(&mut bytes, u64::MAX);
        assert!(refusal(&bytes).contains("runs past its end"), "{}", refusal(&bytes));
        // A number longer than 64 bits, and one not in its shortest form.
        let bytes = edited(|s| s.names = vec![0xff; 11]);
        assert!(refusal(&bytes).contains("is too large"), "{}", refusal(&bytes));
        let bytes = edited(|s| s.names = vec![0x80, 0x00]);
        assert!(refusal(&bytes).contains("not in its shortest form"), "{}", refusal(&bytes));
    }

    #[test]
    fn a_changed_byte_changes_a_hash() {
        // Every byte of every section is covered: the sample's bytes with one byte
        // changed either do not read or give other hashes than the recorded ones.
        let b = sample();
        let bytes = b.to_bytes().expect("encode");
        let hashed = bytes.len() - 5 * wire::HASH_BYTES;
        let start = wire::FORMAT_LINE.len() + 1 + b.kernel_version.len();
        for i in start..hashed {
            let mut changed = bytes.clone();
            changed[i] ^= 0x01;
            if let Ok((_, stored)) = read(&changed) {
                assert_ne!(stored.hashes(), b.hashes, "byte {i}");
            }
        }
    }

    #[test]
    fn a_proof_count_other_than_the_marks_is_refused() {
        // The theorem's mark cleared: one proof more than marks.
        let bytes = edited(|s| {
            let last = s.declarations.len() - 1;
            s.declarations[last] = 0;
        });
        assert_eq!(
            refusal(&bytes),
            "not a readable bundle: 0 declarations carry a proof but the proofs section holds 1"
        );
    }

    #[test]
    fn an_unknown_tag_is_refused() {
        let bytes = edited(|s| s.formulas = vec![1, 13]);
        assert!(
            refusal(&bytes).starts_with("not a readable bundle: unknown formula tag 13 at byte"),
            "{}",
            refusal(&bytes)
        );
    }

    #[test]
    fn the_first_error_in_the_files_order_is_the_refusal_on_one_thread_or_two() {
        // A declaration's tag, the proof's step tag and the claim's kind broken, in
        // every combination: read on one thread or two, the refusal is the first in the
        // file's order.
        for broken in 1..8u8 {
            let bytes = edited(|s| {
                if broken & 1 != 0 {
                    s.declarations[1] = 99;
                }
                if broken & 2 != 0 {
                    *s.proofs.last_mut().expect("a proof") = 99;
                }
                if broken & 4 != 0 {
                    s.claims[2] = 9;
                }
            });
            let one = read_with(&bytes, usize::MAX).map(|_| ()).expect_err("refused").reason;
            let two = read_with(&bytes, 0).map(|_| ()).expect_err("refused").reason;
            assert_eq!(one, two);
            let first = ["unknown declaration tag 99", "unknown proof step tag 99", "unknown claim tag 9"]
                [broken.trailing_zeros() as usize];
            assert!(one.starts_with(&format!("not a readable bundle: {first} at byte")), "{one}");
        }
        // Unbroken: the same bundle both ways.
        let bytes = sample().to_bytes().expect("encode");
        assert_eq!(read_with(&bytes, 0).expect("reads").0, read_with(&bytes, usize::MAX).expect("reads").0);
    }

    #[test]
    fn repeated_assumptions_are_summarised_as_written_line_by_line() {
        // Claims whose assumptions repeat the claim before (the same labels and
        // statements), repeat it with equal parts made anew, differ in one statement or
        // one label, or have none: the summary is what writing every line in full gives.
        let mut b = sample();
        let (a, bb) = (name("a"), name("b"));
        let (pc, pd) = (p("c"), p("d"));
        let shared = vec![(a.clone(), pc.clone()), (bb.clone(), pd.clone())];
        let lists = [
            shared.clone(),
            shared.clone(),
            vec![(name("a"), p("c")), (name("b"), p("d"))],
            vec![(a.clone(), pc.clone()), (bb.clone(), pc.clone())],
            vec![(a.clone(), pc.clone()), (a.clone(), pd.clone())],
            vec![(a.clone(), pc.clone())],
            vec![],
            vec![],
            shared.clone(),
            shared,
        ];
        let claim = b.claims[0].clone();
        b.claims = (lists.iter().enumerate())
            .map(|(k, l)| Claim {
                name: name(&format!("g{k}")),
                assumptions: l.clone().into(),
                ..claim.clone()
            })
            .collect();
        let mut expected = String::new();
        for c in &b.claims {
            expected +=
                &format!("  requirement {}.{}: {}\n", c.owner, c.name, formula_to_string(&c.conclusion));
            for (n, f) in c.assumptions.iter() {
                expected += &format!("    assuming {n}: {}\n", formula_to_string(f));
            }
        }
        let summary = summary_with(&b, 1).expect("within the limit");
        let proved = summary.split_once("proved:\n").expect("claims").1;
        let proved = proved.split_once("trust base:").expect("trust base").0;
        assert_eq!(proved, expected);
        assert_eq!(proved.matches("assuming a: P(c)").count(), 8);
    }

    #[test]
    fn a_gate_wakes_every_helper_waiting_and_lets_later_ones_through() {
        for built in [true, false] {
            let gate = Gate::default();
            let waited = std::thread::scope(|s| {
                let helpers: Vec<_> = (0..4).map(|_| s.spawn(|| gate.wait())).collect();
                // Until every helper waits (or has seen the gate open, which it cannot).
                while gate.state.lock().expect("lock").waiting < 4 {
                    std::thread::yield_now();
                }
                gate.set(built);
                gate.set(!built); // the first setting stays
                helpers.into_iter().map(|h| h.join().expect("helper")).collect::<Vec<_>>()
            });
            assert_eq!(waited, vec![built; 4]);
            assert_eq!(gate.wait(), built);
            assert_eq!(gate.state.lock().expect("lock").waiting, 0);
        }
    }

    #[test]
    fn the_summary_is_held_to_its_length_limit() {
        let b = sample();
        let full = summary_with(&b, 1).expect("far within the default limit");
        assert_eq!(summary_within(&b, 1, full.len()), Ok(full.clone()));
        let refused = format!("its summary would be longer than {} bytes", full.len() - 1);
        assert_eq!(summary_within(&b, 1, full.len() - 1).map_err(|e| e.reason), Err(refused));
    }
}
