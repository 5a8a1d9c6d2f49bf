//! The proof worker: checks a snapshot's proofs (and audits it, when an engine is
//! given) on its own thread, so that a slow proof never blocks the server. Each job
//! carries a generation and a cancel flag; the server sets the flag when a newer
//! snapshot exists, the worker checks it between obligations, and the server drops
//! any result whose generation is not the current one.
//!
//! The audit goes through one [`AuditSession`] kept for the worker's life: after an
//! edit it audits again only the techniques the edit reaches (and their users), and
//! its report is the one a fresh audit of the same documents gives.

use crate::analysis::Snapshot;
use crate::diagnostics::{anchor, AuditNote, ProofNote};
use crossbeam_channel::{Receiver, Sender};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use warrant_auditor::{AuditOptions, AuditSession, ProofEngine};
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
    /// How many techniques the audit session audited again for this job: `None` for a
    /// full audit (or no audit), as [`AuditSession::audited_again`] says.
    pub audited_again: Option<usize>,
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
    let engine = settings.engine.clone();
    let mut worker = Worker::new(&settings, engine.as_deref().map(|e| e as &dyn ProofEngine));
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let stale = || job.cancel.load(Ordering::Relaxed) || !jobs.is_empty();
        let Some(result) = worker.check(&job, &stale) else {
            continue;
        };
        if results.send(result).is_err() {
            return;
        }
    }
}

/// What the worker keeps from one job to the next.
pub struct Worker<'e> {
    settings: &'e Settings,
    /// The engine the audit session was made with (a new session needs it).
    engine: Option<&'e dyn ProofEngine>,
    /// The audit session (with an engine).
    session: Option<AuditSession<'e>>,
    /// The auditor is parallel (rayon); it runs on this one-thread pool so that the
    /// main loop keeps a core for analysing the next edit (`None`: the pool could not
    /// be made; the audit runs on rayon's global pool).
    pool: Option<rayon::ThreadPool>,
}

impl<'e> Worker<'e> {
    /// A worker with these settings, auditing with `engine` if any.
    pub fn new(settings: &'e Settings, engine: Option<&'e dyn ProofEngine>) -> Worker<'e> {
        let pool = engine.and_then(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok());
        Worker { settings, engine, session: engine.map(|e| Worker::session(settings, e)), pool }
    }

    fn session(settings: &Settings, engine: &'e dyn ProofEngine) -> AuditSession<'e> {
        AuditSession::new(
            AuditOptions { library: settings.library.clone(), ..AuditOptions::default() },
            engine,
        )
    }

    /// Checks one job; `None` when it became stale on the way.
    pub fn check(&mut self, job: &Job, stale: &dyn Fn() -> bool) -> Option<JobResult> {
        let (proofs, checked) = check_proofs(job, self.settings, stale)?;
        if self.session.is_some() && stale() {
            return None;
        }
        let (audit, audited_again) = match self.session.take() {
            None => (Vec::new(), None),
            Some(session) => self.audit(session, &job.snapshot),
        };
        Some(JobResult { generation: job.generation, proofs, checked, audit, audited_again })
    }

    /// Audits `snap`'s documents with `session`, and keeps it for the next job (or a
    /// new one, if the audit panicked: the session's state may be half updated).
    fn audit(&mut self, mut session: AuditSession<'e>, snap: &Snapshot) -> (Vec<AuditNote>, Option<usize>) {
        let program: &Program = &snap.program;
        let mut audit_once = || {
            let findings = session.audit(&snap.documents).report.findings.clone();
            (findings, session.audited_again())
        };
        let result = catch_unwind(AssertUnwindSafe(|| match &self.pool {
            Some(pool) => pool.install(&mut audit_once),
            None => audit_once(),
        }));
        let mut notes = Vec::new();
        let mut audited_again = None;
        match result {
            Ok((findings, again)) => {
                audited_again = again;
                self.session = Some(session);
                for finding in findings {
                    let text = finding
                        .file
                        .as_deref()
                        .and_then(|name| program.sources.files.iter().find(|s| s.name == name))
                        .map(|s| s.text.clone());
                    notes.push(AuditNote { finding, text });
                }
            }
            Err(_) => self.session = self.engine.map(|e| Worker::session(self.settings, e)),
        }
        (notes, audited_again)
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

/// Checks the proofs of one job's snapshot: the notes of those that fail and how many
/// were looked at; `None` when it became stale on the way.
fn check_proofs(job: &Job, settings: &Settings, stale: &dyn Fn() -> bool) -> Option<(Vec<ProofNote>, usize)> {
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
    Some((proofs, checked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warrant_auditor::{Auditor, TacticEngine};

    const TEXT: &str = "module w\nsort Model\nsort Monitor\nfn rate(m: Model): Rat\nfn recall(t: Monitor): Rat\nfn cost(m: Model): Rat\n
technique Base(u: Model, t: Monitor) {
  proposed_by \"agent:planner\"
  assume low: rate(u) <= 1/10
  assume caught: 9/10 <= recall(t)
  assume prob: recall(t) <= 1
  guarantee slip: rate(u) * (1 - recall(t)) <= 1/100 := by nlinarith [low, caught, prob]
  witness { rate(u) = 1/10; recall(t) = 9/10 }
}

technique Leaf(u: Model) {
  proposed_by \"agent:planner\"
  assume a: rate(u) <= 1/2
  assume b: cost(u) <= 1/2
  guarantee g: rate(u) <= 1 := by linarith [a]
  witness { rate(u) = 0; cost(u) = 0 }
}
";

    fn job(generation: u64, text: &str) -> Job {
        let uri: lsp_types::Uri = "file:///tmp/warrant-worker/w.wr".parse().expect("a uri");
        let snapshot = Snapshot::load(generation, &[(uri, text.to_string())], &[]);
        Job { generation, snapshot: Arc::new(snapshot), cancel: Arc::new(AtomicBool::new(false)) }
    }

    /// The findings of a fresh audit of the same document, as the worker reports them.
    fn fresh(engine: &TacticEngine, job: &Job) -> Vec<String> {
        let audit = Auditor::new(AuditOptions::default(), engine).audit(&job.snapshot.documents);
        audit.report.findings.iter().map(shown).collect()
    }

    fn reported(result: &JobResult) -> Vec<String> {
        result.audit.iter().map(|n| shown(&n.finding)).collect()
    }

    /// A finding's code, place and message, as the tests compare them.
    fn shown(f: &warrant_auditor::Finding) -> String {
        format!("{} {:?} {}", f.code.as_str(), f.span, f.message)
    }

    #[test]
    fn the_session_audits_again_only_what_an_edit_reaches() {
        let engine = TacticEngine::default();
        let settings = Settings { prove: false, engine: None, library: Vec::new() };
        let mut worker = Worker::new(&settings, Some(&engine));
        let never = || false;
        // The first job is a full audit: `b` is unused in Leaf.
        let first = job(1, TEXT);
        let result = worker.check(&first, &never).expect("not stale");
        assert_eq!(result.audited_again, None);
        assert_eq!(reported(&result), fresh(&engine, &first));
        assert_eq!(unused(&result), ["no proof uses the assumption `b`"]);
        // An edit inside Leaf: only Leaf is audited again, and now `a` is unused.
        let edited =
            job(2, &TEXT.replace("g: rate(u) <= 1 := by linarith [a]", "g: cost(u) <= 1 := by linarith [b]"));
        let result = worker.check(&edited, &never).expect("not stale");
        assert_eq!(result.audited_again, Some(1));
        assert_eq!(reported(&result), fresh(&engine, &edited));
        assert_eq!(unused(&result), ["no proof uses the assumption `a`"]);
        // A stale job is dropped before the audit, and the session is kept.
        assert!(worker.check(&job(3, TEXT), &|| true).is_none());
        let back = job(4, TEXT);
        let result = worker.check(&back, &never).expect("not stale");
        assert_eq!(result.audited_again, Some(1));
        assert_eq!(reported(&result), fresh(&engine, &back));
        assert_eq!(unused(&result), ["no proof uses the assumption `b`"]);
    }

    fn unused(result: &JobResult) -> Vec<&str> {
        result
            .audit
            .iter()
            .filter(|n| n.finding.code.as_str() == "unused-assumption")
            .map(|n| n.finding.message.as_str())
            .collect()
    }
}
