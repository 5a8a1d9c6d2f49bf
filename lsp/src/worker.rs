//! The proof worker: checks a snapshot's proofs (and audits it, when an engine is
//! given) on its own thread, so that a slow proof never blocks the server. Each job
//! carries a generation and a cancel flag; the server sets the flag when a newer
//! snapshot exists, the worker checks it between obligations, and the server drops
//! any result whose generation is not the current one.

use crate::analysis::Snapshot;
use crate::diagnostics::{anchor, AuditNote, ProofNote};
use crossbeam_channel::{Receiver, Sender};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use warrant_auditor::{AuditOptions, Auditor, ProofEngine};
use warrant_lang::{ObligationKind, Program};
use warrant_prover::{prove_obligation, Failure, Outcome, TacticLimits};

/// A proof engine the server may share with its worker.
pub type Engine = Arc<dyn ProofEngine + Send>;

/// Work for the worker.
pub struct Job {
    /// The snapshot's generation.
    pub generation: u64,
    /// The snapshot.
    pub snapshot: Arc<Snapshot>,
    /// Set when the job is stale.
    pub cancel: Arc<AtomicBool>,
}

/// What the worker found.
pub struct JobResult {
    /// The generation of the snapshot checked.
    pub generation: u64,
    /// One note per obligation whose proof did not check (failed or `sorry`).
    pub proofs: Vec<ProofNote>,
    /// Proof obligations looked at.
    pub checked: usize,
    /// Audit findings (empty without an engine).
    pub audit: Vec<AuditNote>,
}

/// How the worker checks.
#[derive(Clone)]
pub struct Settings {
    /// Run the prover at all.
    pub prove: bool,
    /// The auditor's proof engine (no audit without one).
    pub engine: Option<Engine>,
    /// Library roots for the audit.
    pub library: Vec<PathBuf>,
}

/// Runs jobs until the job channel closes. Only the newest job waiting is run.
pub fn run(jobs: Receiver<Job>, results: Sender<JobResult>, settings: Settings) {
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let stale = || job.cancel.load(Ordering::Relaxed) || !jobs.is_empty();
        let Some(result) = check(&job, &settings, &stale) else {
            continue;
        };
        if results.send(result).is_err() {
            return;
        }
    }
}

/// A failure's fields, independent of the prover's struct.
struct Fail<'a> {
    span: warrant_lang::Span,
    message: &'a str,
    goal: &'a str,
    hypotheses: &'a [String],
}

impl<'a> From<&'a Failure> for Fail<'a> {
    fn from(f: &'a Failure) -> Fail<'a> {
        Fail { span: f.span, message: &f.message, goal: &f.goal, hypotheses: &f.hypotheses }
    }
}

fn note(snap: &Snapshot, ob: &warrant_lang::Obligation, f: Fail<'_>, sorry: bool) -> ProofNote {
    let (start, script) = anchor(snap, ob);
    let span = if f.span.start >= start {
        f.span
    } else {
        // A failure outside the script (e.g. "no proof"): anchor it at the start.
        warrant_lang::Span { start, end: start }
    };
    ProofNote {
        obligation: ob.name.to_string(),
        script,
        rel: (span.start - start, span.end.saturating_sub(start)),
        sorry,
        message: f.message.to_string(),
        goal: f.goal.to_string(),
        hypotheses: f.hypotheses.to_vec(),
    }
}

/// Checks one job; `None` when it became stale on the way.
pub fn check(job: &Job, settings: &Settings, stale: &dyn Fn() -> bool) -> Option<JobResult> {
    let snap = &job.snapshot;
    let program: &Program = &snap.program;
    let mut proofs = Vec::new();
    let mut checked = 0;
    // As `warrant check`: proofs of an ill-formed program are not checked.
    if settings.prove && !program.has_errors() {
        let limits = TacticLimits::default();
        let mut sig = program.signature.clone();
        for ob in &program.obligations {
            if stale() {
                return None;
            }
            checked += 1;
            let outcome = catch_unwind(AssertUnwindSafe(|| prove_obligation(program, &sig, ob, &limits)));
            let statement = program.display_formula(ob.module, &ob.statement);
            let outcome = match outcome {
                Ok(o) => o,
                Err(_) => {
                    let f = Fail {
                        span: ob.span,
                        message: "internal error: the prover panicked on this proof",
                        goal: &statement,
                        hypotheses: &[],
                    };
                    proofs.push(note(snap, ob, f, false));
                    continue;
                }
            };
            match outcome {
                Outcome::Proved { theorem, .. } => {
                    if let ObligationKind::Lemma(_) = ob.kind {
                        if let Err(e) = sig.add_theorem(ob.name.clone(), &theorem) {
                            let message = e.to_string();
                            let f =
                                Fail { span: ob.span, message: &message, goal: &statement, hypotheses: &[] };
                            proofs.push(note(snap, ob, f, false));
                        }
                    }
                }
                Outcome::Sorry(f) => proofs.push(note(snap, ob, (&f).into(), true)),
                Outcome::Failed(f) => proofs.push(note(snap, ob, (&f).into(), false)),
            }
        }
    }
    let mut audit = Vec::new();
    if let Some(engine) = &settings.engine {
        if stale() {
            return None;
        }
        let options = AuditOptions { library: settings.library.clone(), ..AuditOptions::default() };
        let engine: &dyn ProofEngine = &**engine;
        // The auditor is parallel (rayon); confine it to one thread so that the main
        // loop keeps a core for analysing the next edit.
        let audit_once = || Auditor::new(options, engine).audit_program(program);
        let result =
            catch_unwind(AssertUnwindSafe(|| match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                Ok(pool) => pool.install(audit_once),
                Err(_) => audit_once(),
            }));
        if let Ok(a) = result {
            for finding in a.report.findings {
                let text = finding
                    .file
                    .as_deref()
                    .and_then(|name| program.sources.files.iter().find(|s| s.name == name))
                    .map(|s| s.text.clone());
                audit.push(AuditNote { finding, text });
            }
        }
    }
    Some(JobResult { generation: job.generation, proofs, checked, audit })
}
