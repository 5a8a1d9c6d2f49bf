//! A long-lived audit: [`AuditSession`] keeps what its last audit computed (the
//! program, every technique's outcome with its kernel-made theorems, the layers and
//! the signature's length at each layer's start), and audits a changed submission
//! again by redoing only what the change can reach.
//!
//! How a later call works, when it can (otherwise it is a full audit, as the first):
//! 1. Exactly one submitted text changed, the options name no challenge, the last
//!    program had no diagnostic and no technique cycle, and every file it read from
//!    disk (imports found on the submissions' own roots or on library roots) reads
//!    the same, with every path the import search found empty still empty
//!    ([`warrant_lang::SourceMap::unchanged_on_disk`]): so a new load would find the
//!    same files. The front end redoes only the techniques the change touches
//!    ([`warrant_lang::incremental::update`], which declines anything else).
//! 2. Those techniques must use the same techniques as before (so the graph and its
//!    layers are the same). They and every technique that uses them, directly or not,
//!    are *dirty*: their content hashes are computed again and they are audited again.
//! 3. The signature is cut back to its length at the start of the lowest layer with a
//!    dirty technique (`Signature::truncate`, which keeps the prefix's declaration
//!    ids), and the layers from there are done again in order: a dirty technique is
//!    audited (through the disk cache when there is one, as in a full audit); any
//!    other keeps its outcome. A kept theorem is re-added as it is only when the
//!    signature still extends the one it was checked against (the lowest layer's
//!    theorems were checked against the kept prefix); any other is checked again by
//!    the kernel against the signature as it now stands, and when that fails the
//!    technique is audited again and its users become dirty. Never is a theorem
//!    re-added unchecked against a signature it was not checked in: `add_theorem`
//!    itself refuses that (the theorem's `Fingerprint`).
//! 4. When the change moved text (its length changed), every recorded finding that
//!    points into the changed file after the text parsed again is moved by as much
//!    (the kept outcomes', the findings made before the techniques', the report's
//!    counts): the techniques there were not lowered again, and a fresh audit of a
//!    moved technique makes the same findings at the moved places. A kept finding that
//!    points into the text parsed again makes it a full audit.
//! 5. The report is updated in place: the findings and the trust base's axioms are
//!    kept as counts (so a finding two techniques share survives the removal of one),
//!    and the dirty techniques' entries and assumptions are replaced.
//!
//! Why a kept outcome is what a full audit would compute: a technique's audit reads
//! its own elaborated entry and obligations (unchanged: the front end did not redo
//! it), the non-technique part of the program (unchanged: the front end declines any
//! change there), the outcomes and theorems of the techniques it uses (not dirty, or
//! it would be), and the signature, of which it can name only the declarations of the
//! program, the lemmas (both unchanged) and the guarantee theorems of what it uses.
//! Its report entry reads the same, and its content hash covers the same (the text of
//! the technique and of the module's other items, never their places). A technique
//! that only moved is such a kept technique, with its findings moved (step 4). The disk
//! cache is not written for it: its entry keeps the place where it was made, and a
//! fresh audit reading the cache moves an entry's findings from there as the session
//! does (when they all point into the technique's own item; else it is a miss), so
//! both give the same findings.

use crate::audit::{audit_or_replay, Audit, Auditor, Outcome, Run, Submission};
use crate::engine::ProofEngine;
use crate::finding::{Finding, Severity, Span};
use crate::policy::Policy;
use crate::report::Verdict;
use crate::AuditOptions;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use warrant_kernel::{Context, Proof};
use warrant_lang::incremental::Moved;
use warrant_lang::{FileId, Program, TechniqueId};
use warrant_prover::builder::check_in_used_context;

/// What a full audit leaves for a session (see [`crate::audit::Plan`]).
pub(crate) struct Recorded {
    pub(crate) plan: crate::audit::Plan,
    /// Every audited technique's outcome, its theorems' proofs moved to
    /// [`Audit::theorem_proofs`].
    pub(crate) outcomes: BTreeMap<TechniqueId, Outcome>,
    pub(crate) submitted: BTreeSet<TechniqueId>,
    pub(crate) content_hashes: BTreeMap<TechniqueId, String>,
    pub(crate) module_hashes: BTreeMap<usize, String>,
    /// The findings made before the techniques' own (front end, axioms, lemmas,
    /// cycles), with their severities.
    pub(crate) base_findings: Vec<Finding>,
}

/// A long-lived audit of submissions that change a little at a time (an editor, the
/// language server): each [`AuditSession::audit`] gives the report a fresh
/// [`Auditor::audit`] of the same submissions gives, byte for byte, redoing only the
/// techniques a change can reach (see the [module documentation](self)).
///
/// On the fast path the session takes every submission with its text; a submission
/// read from disk or a challenge makes every call a full audit. Files its imports read
/// from disk are read again on each call and compared (with the paths the import
/// search found empty), so a change there makes that call a full audit.
///
/// ```
/// use warrant_auditor::{AuditOptions, AuditSession, Submission, TacticEngine, Verdict};
/// let engine = TacticEngine::default();
/// let mut session = AuditSession::new(AuditOptions::default(), &engine);
/// let text = "module mine\nsort M\nfn v(m: M): Rat\n\n\
///     technique T(m: M) {\n  assume a: v(m) <= 1\n  guarantee g: v(m) <= 1 := by linarith [a]\n  witness { v(m) = 0 }\n}\n";
/// let submit = |text: &str| [Submission { name: "mine.wr".into(), text: Some(text.into()) }];
/// assert_eq!(session.audit(&submit(text)).report.verdict, Verdict::Accepted);
/// // The guarantee no longer follows: only `T` is audited again.
/// let edited = text.replace("v(m) <= 1 :=", "v(m) <= 0 :=");
/// assert_eq!(session.audit(&submit(&edited)).report.verdict, Verdict::Rejected);
/// assert_eq!(session.audited_again(), Some(1));
/// ```
pub struct AuditSession<'e> {
    auditor: Auditor<'e>,
    options: AuditOptions,
    state: Option<Box<State>>,
}

/// The last audit and what redoing part of it needs.
struct State {
    /// The submissions' names, in order.
    names: Vec<String>,
    program: Program,
    audit: Audit,
    /// `None` when the fast path is closed (see [`AuditSession`]).
    recorded: Option<Recorded>,
    /// Every finding of the report, with its multiplicity before deduplication.
    findings: BTreeMap<Finding, usize>,
    /// The trust base's axioms, with the number of theorems that rest on each.
    axioms: BTreeMap<String, usize>,
    /// How many techniques the call that made this state audited again, or `None`
    /// when it was a full audit.
    redone: Option<usize>,
}

impl<'e> AuditSession<'e> {
    /// A session with these options and this engine; nothing audited yet.
    pub fn new(options: AuditOptions, engine: &'e dyn ProofEngine) -> AuditSession<'e> {
        AuditSession { auditor: Auditor::new(options.clone(), engine), options, state: None }
    }

    /// Audits the submissions: what a fresh [`Auditor::audit`] gives, from the last
    /// audit's outcomes where the change cannot reach them. The audit stays in the
    /// session (a large one is costly to copy); clone what must outlive the next call.
    pub fn audit(&mut self, submissions: &[Submission]) -> &Audit {
        let state = match self.state.take() {
            Some(state) => match self.again(state, submissions) {
                Ok(state) => state,
                Err(old) => {
                    if let Some(old) = old {
                        // Freed on the pool while the full audit runs.
                        rayon::spawn(move || drop(old));
                    }
                    self.full(submissions)
                }
            },
            None => self.full(submissions),
        };
        &self.state.insert(state).audit
    }

    /// How many techniques the last [`AuditSession::audit`] audited again (`Some(0)`
    /// when nothing it audits changed), or `None` when it was a full audit (the first
    /// call, or a change the session does not redo in part).
    pub fn audited_again(&self) -> Option<usize> {
        self.state.as_ref().and_then(|s| s.redone)
    }

    /// A full audit, recorded.
    fn full(&self, submissions: &[Submission]) -> Box<State> {
        let program = self.auditor.load(submissions);
        let (audit, recorded) = self.auditor.audit_recorded(&program, true);
        let mut findings = BTreeMap::new();
        let mut axioms = BTreeMap::new();
        let recorded = recorded.filter(|_| self.fast_path_open(submissions, &program));
        if let Some(rec) = &recorded {
            for f in &rec.base_findings {
                *findings.entry(f.clone()).or_insert(0) += 1;
            }
            for (t, outcome) in &rec.outcomes {
                let submitted = rec.submitted.contains(t);
                count(&self.options.policy, outcome, submitted, &mut findings, &mut axioms, true);
            }
        }
        let names = submissions.iter().map(|s| s.name.clone()).collect();
        Box::new(State { names, program, audit, recorded, findings, axioms, redone: None })
    }

    /// Can a later call redo part of an audit of `submissions` that gave `program`?
    fn fast_path_open(&self, submissions: &[Submission], program: &Program) -> bool {
        self.options.challenge.is_none()
            && submissions.iter().all(|s| s.text.is_some())
            && program.diagnostics.is_empty()
    }

    /// The audit of `submissions` redone from `state`, or why not: `Err` with the
    /// state when nothing of it was changed, `Err(None)` when it was consumed. Either
    /// way the caller audits afresh.
    fn again(&self, state: Box<State>, submissions: &[Submission]) -> Result<Box<State>, Option<Box<State>>> {
        if state.recorded.as_ref().is_none_or(|r| r.plan.cycles)
            || state.names.len() != submissions.len()
            || state.names.iter().zip(submissions).any(|(n, s)| *n != s.name)
            || !state.program.sources.unchanged_on_disk()
        {
            return Err(Some(state));
        }
        // The one submission whose text changed, and its file.
        let mut changed = Vec::new();
        for s in submissions {
            let Some(text) = &s.text else { return Err(Some(state)) };
            let Some(file) = submitted_file(&state.program, &s.name) else { return Err(Some(state)) };
            let same = state.program.sources.get(file).is_some_and(|f| *f.text == **text);
            if !same {
                changed.push((file, s.name.clone(), text.as_str()));
            }
        }
        if changed.is_empty() {
            return Ok(Box::new(State { redone: Some(0), ..*state }));
        }
        let Some((file, name, text)) = changed.pop().filter(|_| changed.is_empty()) else {
            return Err(Some(state));
        };
        let State { names, program, mut audit, recorded, mut findings, mut axioms, .. } = *state;
        let Some(mut rec) = recorded else { return Err(None) };
        let (program, updated) = warrant_lang::incremental::update(program, file, text).map_err(|_| None)?;
        // The graph stays as it was: the redone techniques use what they used.
        let redone: Vec<TechniqueId> =
            updated.relowered.iter().copied().filter(|t| rec.outcomes.contains_key(t)).collect();
        for &t in &redone {
            let mut uses: Vec<TechniqueId> =
                program.techniques[t].uses.iter().filter_map(|u| u.technique).collect();
            uses.sort_unstable();
            uses.dedup();
            if uses != rec.plan.graph.uses(t) {
                return Err(None);
            }
        }
        let mut dirty = rec.plan.graph.users_of(&redone.iter().copied().collect());
        if let Some(moved) = &updated.moved {
            move_findings(&program, moved, &dirty, &mut rec, &mut findings).map_err(|()| None)?;
        }
        audit.sources.insert(name, text.to_string());
        let mut layer_of: Vec<Option<usize>> = vec![None; program.techniques.len()];
        for (l, layer) in rec.plan.layers.iter().enumerate() {
            for &t in layer {
                if let Some(slot) = layer_of.get_mut(t) {
                    *slot = Some(l);
                }
            }
        }
        let Some(lowest) = dirty.iter().filter_map(|&t| layer_of.get(t).copied().flatten()).min() else {
            return Ok(Box::new(State {
                names,
                program,
                audit,
                recorded: Some(rec),
                findings,
                axioms,
                redone: Some(0),
            }));
        };
        // Back to the signature before the lowest dirty layer.
        let (signature_len, proofs_len) = rec.plan.boundaries[lowest];
        audit.signature.truncate(signature_len);
        let mut kept: HashMap<String, (Context, Proof)> = audit
            .theorem_proofs
            .split_off(proofs_len)
            .into_iter()
            .map(|(n, c, p)| (n.to_string(), (c, p)))
            .collect();
        let policy = &self.options.policy;
        let engine = self.auditor.engine();
        let cache = self.options.cache.as_ref().map(|c| c.for_engine(engine));
        let cache = cache.as_ref();
        let mut run = Run {
            program: &program,
            policy,
            signature: std::mem::take(&mut audit.signature),
            findings: Vec::new(),
            outcomes: std::mem::take(&mut rec.outcomes),
            submitted: std::mem::take(&mut rec.submitted),
            content_hashes: std::mem::take(&mut rec.content_hashes),
            module_hashes: std::mem::take(&mut rec.module_hashes),
            certificates: std::mem::take(&mut audit.certificates),
            theorem_proofs: std::mem::take(&mut audit.theorem_proofs),
            challenge: None,
            plan: None,
        };
        // The dirty techniques' content hashes, computed again as a full audit does
        // (the others, and every module's, are kept).
        for t in &dirty {
            run.content_hashes.remove(t);
        }
        run.content_hashes(&dirty);
        let mut audited: BTreeSet<TechniqueId> = BTreeSet::new();
        for l in lowest..rec.plan.layers.len() {
            rec.plan.boundaries[l] = (run.signature.fingerprint().len, run.theorem_proofs.len());
            let members = rec.plan.layers[l].clone();
            // Take the layer's outcomes out, and what they gave the report.
            let mut taken = Vec::with_capacity(members.len());
            for &t in &members {
                let old = run.outcomes.remove(&t);
                if let Some(o) = &old {
                    let submitted = run.submitted.contains(&t);
                    count(policy, o, submitted, &mut findings, &mut axioms, false);
                    for (name, _, _) in &o.theorems {
                        run.certificates.remove(name);
                    }
                }
                let reusable = !dirty.contains(&t) && !rec.plan.add_failed.contains(&t);
                taken.push((t, old.filter(|_| reusable)));
            }
            let signature = &run.signature;
            let below = &run.outcomes;
            let keys = &run.content_hashes;
            let kept_ref = &kept;
            let program = &program;
            let results: Vec<(TechniqueId, Outcome, Context, bool)> = taken
                .into_par_iter()
                .map(|(t, old)| {
                    if let Some(outcome) = old.and_then(|o| reuse(o, signature, kept_ref)) {
                        let context = outcome
                            .theorems
                            .first()
                            .and_then(|(n, _, _)| kept_ref.get(n))
                            .map(|(c, _)| c.clone())
                            .unwrap_or_default();
                        return (t, outcome, context, false);
                    }
                    let key = keys.get(&t).map(String::as_str);
                    let (outcome, context) =
                        audit_or_replay(program, signature, engine, policy, cache, below, key, t);
                    (t, outcome, context, true)
                })
                .collect();
            for (t, mut outcome, context, fresh) in results {
                if fresh {
                    audited.insert(t);
                    if !dirty.contains(&t) {
                        // A kept theorem no longer checks: what uses it is redone too.
                        dirty.extend(rec.plan.graph.users_of(&BTreeSet::from([t])));
                    }
                } else {
                    // The proofs go back with their theorems, to be added in order.
                    for (name, proof, _) in &mut outcome.theorems {
                        if let Some((_, p)) = kept.remove(name.as_str()) {
                            *proof = p;
                        }
                    }
                }
                if run.add_theorems(t, outcome, context) {
                    rec.plan.add_failed.remove(&t);
                } else {
                    rec.plan.add_failed.insert(t);
                    audited.insert(t);
                }
                if let Some(o) = run.outcomes.get(&t) {
                    count(policy, o, run.submitted.contains(&t), &mut findings, &mut axioms, true);
                }
            }
        }
        if let Some(cache) = cache {
            cache.flush();
        }

        // The report: the audited techniques' entries and assumptions, the findings
        // and axioms from their counts.
        let entries: Vec<_> = audited
            .iter()
            .filter_map(|&t| run.outcomes.get(&t).map(|o| run.technique_report(t, o)))
            .collect();
        let report = &mut audit.report;
        for (assumptions, entry) in entries {
            let technique = entry.name.clone();
            if let Ok(i) = report.techniques.binary_search_by(|e| e.name.cmp(&technique)) {
                report.techniques[i] = entry;
            } else {
                return Err(None);
            }
            let list = &mut report.trust_base.assumptions;
            let lo = list.partition_point(|a| a.technique < technique);
            let hi = list.partition_point(|a| a.technique <= technique);
            let mut own = assumptions;
            own.sort();
            own.dedup();
            list.splice(lo..hi, own);
        }
        report.findings =
            findings.iter().filter(|(f, _)| f.severity != Severity::Allow).map(|(f, _)| f.clone()).collect();
        report.trust_base.axioms = axioms.keys().cloned().collect();
        report.verdict = Verdict::of(&report.findings);

        audit.signature = run.signature;
        audit.certificates = run.certificates;
        audit.theorem_proofs = run.theorem_proofs;
        rec.outcomes = run.outcomes;
        rec.submitted = run.submitted;
        rec.content_hashes = run.content_hashes;
        rec.module_hashes = run.module_hashes;
        let redone = Some(audited.len());
        Ok(Box::new(State { names, program, audit, recorded: Some(rec), findings, axioms, redone }))
    }
}

/// Moves every recorded finding of the changed file (the kept outcomes', the
/// findings made before the techniques', the report's counts) as `moved` moved the
/// text, so that a kept outcome reads as a fresh audit of the moved technique would
/// (its findings point into its own item or at other items, which moved with it or
/// stayed; the technique's content hash covers its text, not its place). The dirty
/// techniques' outcomes are moved alike, so their counts are taken back exactly when
/// they are audited again. `Err` (and a full audit) when a finding that is kept points
/// into the text parsed again: nothing says where that place is now.
fn move_findings(
    program: &Program,
    moved: &Moved,
    dirty: &BTreeSet<TechniqueId>,
    rec: &mut Recorded,
    findings: &mut BTreeMap<Finding, usize>,
) -> Result<(), ()> {
    let file = program.sources.get(moved.file).map(|s| s.name.as_str()).unwrap_or_default();
    // The places a finding points at in the changed file.
    let places = |f: &Finding| {
        let primary = f.span.filter(|_| f.file.as_deref() == Some(file));
        let related = f.related.iter().filter(|l| l.file == file).map(|l| l.span);
        primary.into_iter().chain(related).collect::<Vec<Span>>()
    };
    let reparsed = |s: Span| s.start < moved.from as usize && s.end > moved.reparsed_from as usize;
    let kept_in_reparsed = |f: &Finding| places(f).into_iter().any(reparsed);
    if rec.base_findings.iter().any(kept_in_reparsed)
        || rec.outcomes.iter().any(|(t, o)| !dirty.contains(t) && o.findings.iter().any(kept_in_reparsed))
    {
        return Err(());
    }
    let shift = |s: &mut Span| {
        let new = moved.span(warrant_lang::Span::new(s.start, s.end));
        *s = Span { start: new.start as usize, end: new.end as usize };
    };
    let move_one = |f: &mut Finding| {
        if f.file.as_deref() == Some(file) {
            if let Some(s) = &mut f.span {
                shift(s);
            }
        }
        for l in f.related.iter_mut().filter(|l| l.file == file) {
            shift(&mut l.span);
        }
    };
    rec.base_findings.iter_mut().for_each(move_one);
    for o in rec.outcomes.values_mut() {
        o.findings.iter_mut().for_each(move_one);
    }
    // Two findings may now be equal (one moved onto a reparsed one's place): their
    // counts add up, as each outcome's are taken back one by one.
    let mut moved_counts = BTreeMap::new();
    for (mut f, n) in std::mem::take(findings) {
        move_one(&mut f);
        *moved_counts.entry(f).or_insert(0) += n;
    }
    *findings = moved_counts;
    Ok(())
}

/// A kept outcome made fit for the signature as it now stands: each theorem as it is
/// when the signature extends the one it was checked against, else checked again by
/// the kernel from its kept proof (closed, with the same statement); `None` when one
/// does not check, and the technique is audited again.
fn reuse(
    mut outcome: Outcome,
    signature: &warrant_kernel::Signature,
    kept: &HashMap<String, (Context, Proof)>,
) -> Option<Outcome> {
    for (name, _, thm) in &mut outcome.theorems {
        if signature.extends(&thm.signature()) {
            continue;
        }
        let (context, proof) = kept.get(name.as_str())?;
        let again = check_in_used_context(signature, context, proof).ok()?;
        if !again.hypotheses().is_empty() || again.conclusion() != thm.conclusion() {
            return None;
        }
        *thm = again;
    }
    Some(outcome)
}

/// Adds (`add`) or removes what `outcome` gives the report's findings and, for a
/// submitted technique, the trust base's axioms.
fn count(
    policy: &Policy,
    outcome: &Outcome,
    submitted: bool,
    findings: &mut BTreeMap<Finding, usize>,
    axioms: &mut BTreeMap<String, usize>,
    add: bool,
) {
    for f in &outcome.findings {
        // The severity `Run::push` gives it.
        let f = policy.apply(f.clone());
        bump(findings, f, add);
    }
    if submitted {
        for (_, _, thm) in &outcome.theorems {
            for a in thm.trust_base() {
                bump(axioms, a.to_string(), add);
            }
        }
    }
}

fn bump<K: Ord>(counts: &mut BTreeMap<K, usize>, key: K, add: bool) {
    if add {
        *counts.entry(key).or_insert(0) += 1;
    } else if let Some(n) = counts.get_mut(&key) {
        *n -= 1;
        if *n == 0 {
            counts.remove(&key);
        }
    }
}

/// The file of the submission called `name`: exactly one text given under that name.
fn submitted_file(program: &Program, name: &str) -> Option<FileId> {
    let mut found = program
        .sources
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name == name && f.path.is_none())
        .map(|(i, _)| FileId(u32::try_from(i).unwrap_or(u32::MAX)));
    match (found.next(), found.next()) {
        (Some(f), None) => Some(f),
        _ => None,
    }
}
