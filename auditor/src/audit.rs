//! The audit: from source text to a [`Report`].
//!
//! 1. The front end loads the submission with the library and reports `parse`/`type`
//!    (and `limit`) diagnostics as findings.
//! 2. Every lemma is proved and checked by the kernel, in dependency order, and added
//!    to the signature.
//! 3. The techniques the submission declares, and everything they use, form a graph;
//!    each cycle is a `cycle` finding, and whatever uses a cycle is rejected.
//! 4. The rest is audited bottom-up in layers, the techniques of one layer in
//!    parallel: discharges and guarantees proved and checked, each guarantee composed
//!    into a closed theorem (see [`crate::compose`]) that techniques above may use,
//!    then the gaming checks.
//! 5. The policy sets each finding's severity; any `reject` rejects.

use crate::cache::{Cache, Entry};
use crate::compose::{compose, guarantee_theorem_name, ComposeError};
use crate::engine::{ProofEngine, ProofFailure};
use crate::finding::{Code, Finding, Location, Severity, Span};
use crate::graph::TechniqueGraph;
use crate::policy::Policy;
use crate::report::{Assumption, GuaranteeReport, Report, TechniqueReport, TrustBase, Verdict};
use crate::witness::{Unevaluated, Witness};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use warrant_kernel::{
    check, print::formula_to_string_with, Context, Formula, KernelError, Name, Proof, Signature, Step,
    StepId, Theorem,
};
use warrant_lang::{GlobalKind, Input, Obligation, ObligationKind, Program, TechniqueId, TechniqueInfo};
use warrant_prover::builder::check_in_used_context;

/// Bounds on the audit as a whole (the prover and kernel have their own).
#[derive(Clone, Debug)]
pub struct AuditLimits {
    /// Techniques in one audit, submission and library together.
    pub max_techniques: usize,
}

impl Default for AuditLimits {
    fn default() -> AuditLimits {
        AuditLimits { max_techniques: 100_000 }
    }
}

/// How to audit.
#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    /// Library roots besides the embedded standard library (`--library DIR`).
    pub library: Vec<PathBuf>,
    /// The policy.
    pub policy: Policy,
    /// Front-end limits.
    pub lang_limits: warrant_lang::Limits,
    /// Audit limits.
    pub limits: AuditLimits,
    /// The on-disk cache, if any (`.warrant/cache` for the command line by default).
    pub cache: Option<Cache>,
    /// A challenge file (`--challenge FILE`): trusted input the submission must meet
    /// (see [`crate::challenge`]).
    pub challenge: Option<PathBuf>,
    /// Told `(audited, total)` techniques after each layer (the command line draws a
    /// progress bar with it).
    pub progress: Option<Progress>,
}

/// A progress callback: `(techniques audited, techniques to audit)`.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// One submitted file: its text and where it came from.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The name shown in findings (a path, or a name for text from elsewhere).
    pub name: String,
    /// Its text, or `None` to read `name` from disk (a file or a folder of `.wr` files).
    pub text: Option<String>,
}

/// The outcome of an audit: the report, and the sources its spans point into.
pub struct Audit {
    /// The report.
    pub report: Report,
    /// File name → text, for rendering spans.
    pub sources: BTreeMap<String, String>,
    /// Checked proof objects of the submitted techniques' guarantees, by theorem name
    /// (for bundles and the Coq export).
    pub certificates: BTreeMap<String, (Proof, Theorem)>,
    /// Inputs that could not be read (the command line treats these as I/O errors).
    pub io_errors: Vec<String>,
    /// The signature at the end: the library's declarations, every checked lemma and
    /// every accepted technique's closed guarantee theorems.
    pub signature: Signature,
    /// The proof object of every theorem in `signature`, with the context it was
    /// checked in, in the order they were added (for the Coq export and bundles).
    pub theorem_proofs: Vec<(Name, Context, Proof)>,
    /// With a challenge: the challenges met and their requirement theorems.
    pub challenge: Option<crate::challenge::ChallengeOutcome>,
}

/// Audits submissions against a library, with a proof engine.
///
/// ```no_run
/// use warrant_auditor::{Auditor, AuditOptions, Submission};
/// # fn engine() -> Box<dyn warrant_auditor::ProofEngine> { unimplemented!() }
/// let engine = engine(); // e.g. warrant's prover
/// let auditor = Auditor::new(AuditOptions::default(), &*engine);
/// let audit = auditor.audit(&[Submission { name: "mine.wr".into(), text: Some("module mine\n".into()) }]);
/// println!("{}", audit.report.to_json());
/// ```
pub struct Auditor<'e> {
    options: AuditOptions,
    engine: &'e dyn ProofEngine,
}

/// What auditing one technique produced.
pub(crate) struct Outcome {
    pub(crate) findings: Vec<Finding>,
    /// Set when something could not be established (a proof, a dependency, ...).
    pub(crate) broken: bool,
    pub(crate) verdict: Verdict,
    /// Closed guarantee theorems to add to the signature, with their proofs (each proof
    /// moves to [`Audit::theorem_proofs`] once its theorem is added).
    pub(crate) theorems: Vec<(String, Proof, Theorem)>,
    pub(crate) guarantees: Vec<GuaranteeReport>,
}

impl<'e> Auditor<'e> {
    /// An auditor with these options and this engine.
    pub fn new(options: AuditOptions, engine: &'e dyn ProofEngine) -> Auditor<'e> {
        Auditor { options, engine }
    }

    /// Audits the submissions.
    pub fn audit(&self, submissions: &[Submission]) -> Audit {
        let program = self.load(submissions);
        let audit = self.audit_program(&program);
        // Freeing the program (its syntax trees and terms: millions of small nodes for a
        // large library) took about 3% of an audit's instructions on one thread, with
        // both cores otherwise idle; nothing waits for it, so the pool does it while the
        // caller goes on with the report.
        rayon::spawn(move || drop(program));
        audit
    }

    /// The proof engine.
    pub(crate) fn engine(&self) -> &'e dyn ProofEngine {
        self.engine
    }

    /// The front end's program of the submissions with the library (and the
    /// challenge, marked trusted), the cache's packs read meanwhile.
    pub(crate) fn load(&self, submissions: &[Submission]) -> Program {
        let inputs: Vec<Input> = submissions
            .iter()
            .map(|s| match &s.text {
                Some(text) => Input::Text { name: s.name.clone(), text: text.clone() },
                None => Input::Path(PathBuf::from(&s.name)),
            })
            .collect();
        let lang_options = warrant_lang::Options {
            limits: self.options.lang_limits.clone(),
            library: self.options.library.clone(),
            embedded_std: true,
            // A gate audits every file it is pointed at: a `warrant.toml` inside a
            // submission's folder is the submitter's file and must not hide anything.
            manifests: false,
        };
        let mut inputs = inputs;
        if let Some(c) = &self.options.challenge {
            // Loaded first, so that nothing submitted can take its module's name.
            inputs.insert(0, Input::Path(c.clone()));
        }
        // While the front end reads the input, another thread reads the cache's index
        // and packs: the two are independent, and a warm run needs both.
        let (mut program, ()) = rayon::join(
            || warrant_lang::load(&inputs, &lang_options),
            || {
                if let Some(cache) = &self.options.cache {
                    cache.preload();
                }
            },
        );
        if let Some(c) = &self.options.challenge {
            crate::challenge::mark_trusted(&mut program, c);
        }
        program
    }

    /// Audits a program the front end has loaded; its root modules are the submission.
    pub fn audit_program(&self, program: &Program) -> Audit {
        self.audit_recorded(program, false).0
    }

    /// [`Auditor::audit_program`], and with `record` what a session needs to audit a
    /// changed program again (see [`crate::session`]).
    pub(crate) fn audit_recorded(
        &self,
        program: &Program,
        record: bool,
    ) -> (Audit, Option<crate::session::Recorded>) {
        let mut run = Run::new(program, &self.options.policy);
        run.front_end_findings();
        run.new_axioms();
        run.lemmas(self.engine);
        let progress = self.options.progress.as_ref();
        let cache = self.options.cache.as_ref().map(|c| c.for_engine(self.engine));
        run.techniques(self.engine, &self.options.limits, cache.as_ref(), progress);
        if let Some(path) = &self.options.challenge {
            run.challenge(self.engine, path, &self.options.library);
        }
        run.finish(record)
    }
}

/// The state of one audit.
pub(crate) struct Run<'p> {
    pub(crate) program: &'p Program,
    pub(crate) policy: &'p Policy,
    pub(crate) signature: Signature,
    pub(crate) findings: Vec<Finding>,
    pub(crate) outcomes: BTreeMap<TechniqueId, Outcome>,
    pub(crate) submitted: BTreeSet<TechniqueId>,
    pub(crate) content_hashes: BTreeMap<TechniqueId, String>,
    pub(crate) module_hashes: BTreeMap<usize, String>,
    pub(crate) certificates: BTreeMap<String, (Proof, Theorem)>,
    pub(crate) theorem_proofs: Vec<(Name, Context, Proof)>,
    pub(crate) challenge: Option<crate::challenge::ChallengeOutcome>,
    /// What the session records of the technique stage (`None` when it stopped at the
    /// technique limit).
    pub(crate) plan: Option<Plan>,
}

/// The technique stage's structure, as a session keeps it.
pub(crate) struct Plan {
    /// The use graph of the techniques audited.
    pub(crate) graph: TechniqueGraph,
    /// Whether some technique is on or above a cycle.
    pub(crate) cycles: bool,
    /// The layers, bottom-up.
    pub(crate) layers: Vec<Vec<TechniqueId>>,
    /// Per layer: the signature's length and `theorem_proofs`' before it was added.
    pub(crate) boundaries: Vec<(usize, usize)>,
    /// Techniques one of whose theorems could not be added (their outcome was changed
    /// by that, so it is not the audit's own: a session audits them again).
    pub(crate) add_failed: BTreeSet<TechniqueId>,
}

impl<'p> Run<'p> {
    fn new(program: &'p Program, policy: &'p Policy) -> Run<'p> {
        let submitted = program
            .techniques
            .iter()
            .enumerate()
            .filter(|(_, t)| program.modules.get(t.module).is_some_and(|m| m.is_root))
            .map(|(i, _)| i)
            .collect();
        Run {
            program,
            policy,
            signature: program.signature.clone(),
            findings: Vec::new(),
            outcomes: BTreeMap::new(),
            submitted,
            content_hashes: BTreeMap::new(),
            module_hashes: BTreeMap::new(),
            theorem_proofs: Vec::new(),
            certificates: BTreeMap::new(),
            challenge: None,
            plan: None,
        }
    }

    fn file_name(&self, file: warrant_lang::FileId) -> String {
        self.program.sources.get(file).map(|s| s.name.clone()).unwrap_or_default()
    }

    fn show(&self, module: usize, f: &Formula) -> String {
        formula_to_string_with(f, &|n| self.program.display_name(module, n))
    }

    pub(crate) fn push(&mut self, f: Finding) {
        self.findings.push(self.policy.apply(f));
    }

    /// Step 1: the front end's diagnostics.
    fn front_end_findings(&mut self) {
        for d in &self.program.diagnostics {
            if d.is_warning() {
                continue;
            }
            let code = match (&d.error, d.code().as_str()) {
                (warrant_lang::LangError::Cycle { what: "technique", .. }, _) => Code::Cycle,
                (_, "warrant::parse") => Code::Parse,
                (_, "warrant::limit") => Code::Limit,
                _ => Code::Type,
            };
            let mut f = Finding::new(code, d.error.to_string());
            if let Some(span) = d.span() {
                f = f.at(self.file_name(d.file), to_span(span));
            }
            if let Some(help) = miette::Diagnostic::help(&d.error) {
                f = f.help(help.to_string());
            }
            self.push(f);
        }
    }

    /// Axioms declared by the submission.
    fn new_axioms(&mut self) {
        for g in &self.program.globals {
            let submitted = self.program.modules.get(g.module).is_some_and(|m| m.is_root);
            if submitted && matches!(g.kind, GlobalKind::Axiom { .. }) && !self.policy.allows_axiom(&g.kernel)
            {
                let f = Finding::new(
                    Code::NewAxiom,
                    format!("the submission declares the axiom `{}`", g.short),
                )
                .at(self.file_name(g.file), to_span(g.span))
                .help("prove it as a lemma, state it as an `assume`, or have the lab allow it in the policy");
                self.push(f);
            }
        }
    }

    /// Step 2: every lemma, in order.
    fn lemmas(&mut self, engine: &dyn ProofEngine) {
        for ob in &self.program.obligations {
            if !matches!(ob.kind, ObligationKind::Lemma(_)) {
                continue;
            }
            let Some(_) = &ob.proof else { continue };
            match prove(engine, self.program, &self.signature, ob) {
                Ok((proof, thm)) => {
                    if let Err(e) = self.signature.add_theorem(ob.name.clone(), &thm) {
                        let f = Finding::new(Code::Proof, format!("`{}` cannot be added: {e}", ob.name))
                            .at(self.file_name(ob.file), to_span(ob.span));
                        self.push(f);
                    } else {
                        self.theorem_proofs.push((ob.name.clone(), ob.context.clone(), proof));
                    }
                }
                Err(f) => {
                    let span = f_span(&f, ob);
                    let f = (*f).at(self.file_name(ob.file), span);
                    self.push(f);
                }
            }
        }
    }

    /// Steps 3 and 4: the technique graph, bottom-up.
    fn techniques(
        &mut self,
        engine: &dyn ProofEngine,
        limits: &AuditLimits,
        cache: Option<&Cache>,
        progress: Option<&Progress>,
    ) {
        let program = self.program;
        let n = program.techniques.len();
        if n > limits.max_techniques {
            let f = Finding::new(
                Code::Limit,
                format!("{n} techniques exceed the audit's limit of {}", limits.max_techniques),
            )
            .help("audit fewer techniques at once, or raise the limit");
            self.push(f);
            for &t in &self.submitted.clone() {
                self.outcomes.insert(t, Outcome::rejected());
            }
            return;
        }
        // The techniques to audit: the submission's and everything below them.
        let mut relevant: BTreeSet<TechniqueId> = BTreeSet::new();
        let mut stack: Vec<TechniqueId> = self.submitted.iter().copied().collect();
        while let Some(t) = stack.pop() {
            if relevant.insert(t) {
                stack.extend(program.techniques[t].uses.iter().filter_map(|u| u.technique));
            }
        }
        let edges = relevant.iter().flat_map(|&t| {
            program.techniques[t].uses.iter().filter_map(move |u| u.technique.map(|v| (t, v)))
        });
        let graph = TechniqueGraph::new(n, edges.collect::<Vec<_>>());
        let cycles = graph.cycles();
        let mut on_cycle = BTreeSet::new();
        for cycle in &cycles {
            on_cycle.extend(cycle.iter().copied());
            self.cycle_finding(cycle);
        }
        let tainted = graph.users_of(&on_cycle);
        for &t in &tainted {
            let mut outcome = Outcome::rejected();
            if !on_cycle.contains(&t) {
                outcome.findings.push(self.dependency_finding(t, "it uses a technique on a cycle"));
            }
            self.outcomes.insert(t, outcome);
        }
        let excluded: BTreeSet<usize> =
            (0..n).filter(|t| !relevant.contains(t) || tainted.contains(t)).collect();
        self.content_hashes(&relevant);
        let layers = graph.layers(&excluded);
        let total: usize = layers.iter().map(Vec::len).sum();
        let mut plan = Plan {
            graph,
            cycles: !tainted.is_empty(),
            layers: Vec::with_capacity(layers.len()),
            boundaries: Vec::with_capacity(layers.len()),
            add_failed: BTreeSet::new(),
        };
        let mut done = 0;
        for layer in layers {
            done += layer.len();
            plan.boundaries.push((self.signature.fingerprint().len, self.theorem_proofs.len()));
            let signature = &self.signature;
            let outcomes = &self.outcomes;
            let policy = self.policy;
            let keys = &self.content_hashes;
            // Each technique's audit, its cache entry and the context of its theorems are
            // made in parallel; only adding the theorems to the signature is sequential.
            let results: Vec<(TechniqueId, Outcome, Context)> = layer
                .par_iter()
                .map(|&t| {
                    let key = keys.get(&t).map(String::as_str);
                    let (outcome, context) =
                        audit_or_replay(program, signature, engine, policy, cache, outcomes, key, t);
                    (t, outcome, context)
                })
                .collect();
            for (t, outcome, context) in results {
                if !self.add_theorems(t, outcome, context) {
                    plan.add_failed.insert(t);
                }
            }
            plan.layers.push(layer);
            if let Some(p) = progress {
                (p.0)(done, total);
            }
        }
        if let Some(cache) = cache {
            cache.flush();
        }
        self.plan = Some(plan);
    }

    /// Adds an audited technique's theorems to the signature, in order; their proofs go
    /// to `theorem_proofs` (and `certificates` for a submitted technique). A theorem
    /// that cannot be added is a finding that rejects the technique. Returns whether
    /// every theorem was added.
    pub(crate) fn add_theorems(
        &mut self,
        t: TechniqueId,
        mut outcome: Outcome,
        mut context: Context,
    ) -> bool {
        let program = self.program;
        let tech = &program.techniques[t];
        let submitted = self.submitted.contains(&t);
        let last = outcome.theorems.len().saturating_sub(1);
        let mut all_added = true;
        for (i, (name, proof, thm)) in outcome.theorems.iter_mut().enumerate() {
            if let Err(e) = self.signature.add_theorem(warrant_kernel::name(name), thm) {
                outcome.findings.push(
                    Finding::new(Code::Proof, format!("the guarantee theorem `{name}` cannot be added: {e}"))
                        .technique(&*tech.name)
                        .at(self.file_name(tech.file), to_span(tech.span)),
                );
                outcome.verdict = Verdict::Rejected;
                all_added = false;
            } else {
                // The proof object moves to `theorem_proofs` (the outcome keeps the
                // theorem, which is all the report reads from it).
                let proof = std::mem::take(proof);
                if submitted {
                    self.certificates.insert(name.clone(), (proof.clone(), thm.clone()));
                }
                let context = if i == last { std::mem::take(&mut context) } else { context.clone() };
                self.theorem_proofs.push((warrant_kernel::name(name), context, proof));
            }
        }
        self.outcomes.insert(t, outcome);
        all_added
    }

    /// The hash of everything a technique's audit depends on besides the techniques it
    /// uses: the non-technique items of its module and of the modules it imports, and
    /// the module's `limits` settings.
    fn module_hash(&mut self, m: usize, visiting: &mut BTreeSet<usize>) -> String {
        if let Some(h) = self.module_hashes.get(&m) {
            return h.clone();
        }
        let program = self.program;
        let module = &program.modules[m];
        let mut hasher = Sha256::new();
        hasher.update(module.name.as_bytes());
        // The whole text of every item but the techniques (each technique's own key
        // covers its text): a changed axiom, definition or lemma statement, or a
        // changed `limits` item (it bounds the searches whose results are cached),
        // changes the key of every technique of the module and of its importers.
        if let Some(src) = program.sources.get(module.file) {
            let len = src.text.len();
            for item in &module.ast.items {
                if matches!(item.kind, warrant_lang::ast::ItemKind::Technique(_)) {
                    continue;
                }
                let (s, e) = ((item.span.start as usize).min(len), (item.span.end as usize).min(len));
                hasher.update((e - s.min(e)).to_le_bytes());
                hasher.update(src.text.get(s..e).unwrap_or("").as_bytes());
            }
        }
        visiting.insert(m);
        for &i in &module.imports {
            if !visiting.contains(&i) {
                let h = self.module_hash(i, visiting);
                hasher.update(h.as_bytes());
            }
        }
        visiting.remove(&m);
        let h = hex::encode(hasher.finalize());
        self.module_hashes.insert(m, h.clone());
        h
    }

    /// The content hash (cache key) of every technique of `relevant`: the kernel's
    /// version, the technique's name, its module's hash and its own text, then the
    /// hashes of the techniques it uses. The first part, which reads the most bytes, is
    /// hashed for all techniques in parallel; the uses are fed in afterwards.
    pub(crate) fn content_hashes(&mut self, relevant: &BTreeSet<TechniqueId>) {
        let program = self.program;
        for &t in relevant {
            self.module_hash(program.techniques[t].module, &mut BTreeSet::new());
        }
        let module_hashes = &self.module_hashes;
        let own: Vec<(TechniqueId, Sha256)> =
            relevant.par_iter().map(|&t| (t, own_hash(program, module_hashes, t))).collect();
        let mut own: BTreeMap<TechniqueId, Sha256> = own.into_iter().collect();
        for &t in relevant {
            self.content_hash(t, &mut own, &mut BTreeSet::new());
        }
    }

    /// Finishes the hash of `t` from its own part (`own[t]`), first finishing those of
    /// the techniques it uses. A use that closes a cycle is left out (`visiting`).
    fn content_hash(
        &mut self,
        t: TechniqueId,
        own: &mut BTreeMap<TechniqueId, Sha256>,
        visiting: &mut BTreeSet<TechniqueId>,
    ) -> String {
        if let Some(h) = self.content_hashes.get(&t) {
            return h.clone();
        }
        let tech = &self.program.techniques[t];
        // Every technique a relevant one uses is relevant, so its own part is there.
        let mut hasher = own.remove(&t).unwrap_or_else(|| own_hash(self.program, &self.module_hashes, t));
        visiting.insert(t);
        let below: Vec<TechniqueId> = tech.uses.iter().filter_map(|u| u.technique).collect();
        for u in below {
            if !visiting.contains(&u) {
                let h = self.content_hash(u, own, visiting);
                hasher.update(h.as_bytes());
            }
        }
        visiting.remove(&t);
        let h = hex::encode(hasher.finalize());
        self.content_hashes.insert(t, h.clone());
        h
    }

    fn cycle_finding(&mut self, cycle: &[TechniqueId]) {
        let program = self.program;
        let names: Vec<String> = cycle.iter().map(|&t| program.techniques[t].short.clone()).collect();
        let mut path = names.join(" → ");
        if let Some(first) = names.first() {
            path.push_str(" → ");
            path.push_str(first);
        }
        for (i, &t) in cycle.iter().enumerate() {
            let tech = &program.techniques[t];
            let next = cycle[(i + 1) % cycle.len()];
            let mut f =
                Finding::new(Code::Cycle, format!("techniques justify each other in a circle: {path}"))
                    .technique(&*tech.name)
                    .help("break the cycle: one technique must stand on its own assumptions");
            for (j, &member) in cycle.iter().enumerate() {
                let m = &program.techniques[member];
                let target = cycle[(j + 1) % cycle.len()];
                if let Some(u) = m.uses.iter().find(|u| u.technique == Some(target)) {
                    f = f.related(Location {
                        file: self.file_name(m.file),
                        span: to_span(u.span),
                        label: format!("{} uses {}", m.short, program.techniques[target].short),
                    });
                }
            }
            if let Some(u) = tech.uses.iter().find(|u| u.technique == Some(next)) {
                f = f.at(self.file_name(tech.file), to_span(u.span));
            }
            self.push(f);
        }
    }

    /// With `--challenge`: hold the accepted submitted techniques to the challenge
    /// file's challenges (see [`crate::challenge`]); add the requirement theorems.
    fn challenge(&mut self, engine: &dyn ProofEngine, path: &std::path::Path, library: &[PathBuf]) {
        let module = crate::challenge::challenge_module(self.program, path);
        for f in crate::challenge::redefinitions(self.program, module, library) {
            self.push(f);
        }
        let Some(module) = module else { return };
        let accepted: BTreeSet<TechniqueId> = self
            .submitted
            .iter()
            .copied()
            .filter(|t| self.outcomes.get(t).is_some_and(|o| o.verdict == Verdict::Accepted))
            .collect();
        let mut outcome =
            crate::challenge::hold(self.program, &self.signature, engine, module, &self.submitted, &accepted);
        for f in std::mem::take(&mut outcome.findings) {
            self.push(f);
        }
        for (name, proof, context, thm) in &outcome.theorems {
            match self.signature.add_theorem(name.clone(), thm) {
                Ok(()) => self.theorem_proofs.push((name.clone(), context.clone(), proof.clone())),
                Err(e) => self.push(Finding::new(
                    Code::ChallengeUnmet,
                    format!("the requirement theorem `{name}` cannot be added: {e}"),
                )),
            }
        }
        self.challenge = Some(outcome);
    }

    fn dependency_finding(&self, t: TechniqueId, why: &str) -> Finding {
        let tech = &self.program.techniques[t];
        Finding::new(Code::DependencyRejected, format!("`{}` is rejected because {why}", tech.short))
            .technique(&*tech.name)
            .at(self.file_name(tech.file), to_span(tech.span))
    }

    /// A technique's entry in the report, and its assumptions for the trust base (a
    /// submitted technique's; none for one below).
    pub(crate) fn technique_report(
        &self,
        t: TechniqueId,
        outcome: &Outcome,
    ) -> (Vec<Assumption>, TechniqueReport) {
        let program = self.program;
        let tech = &program.techniques[t];
        let submitted = self.submitted.contains(&t);
        let assumptions = if submitted {
            tech.assumptions
                .iter()
                .map(|a| Assumption {
                    technique: tech.name.to_string(),
                    name: a.name.clone(),
                    statement: self.show(tech.module, &a.statement),
                })
                .collect()
        } else {
            Vec::new()
        };
        let report = TechniqueReport {
            name: tech.name.to_string(),
            file: self.file_name(tech.file),
            verdict: outcome.verdict,
            submitted,
            source: tech.source.clone(),
            proposed_by: tech.proposed_by.clone(),
            oversees: tech.oversees.clone(),
            uses: tech
                .uses
                .iter()
                .filter_map(|u| u.technique.map(|v| program.techniques[v].name.to_string()))
                .collect(),
            guarantees: outcome.guarantees.clone(),
            content_hash: self.content_hashes.get(&t).cloned().unwrap_or_default(),
        };
        (assumptions, report)
    }

    /// The audit, and with `record` what a session keeps of the run.
    fn finish(mut self, record: bool) -> (Audit, Option<crate::session::Recorded>) {
        let program = self.program;
        let mut techniques = Vec::new();
        let mut trust = TrustBase::default();
        let outcomes = std::mem::take(&mut self.outcomes);
        // What came before the techniques' own findings: a session keeps it.
        let base_findings = if record { self.findings.clone() } else { Vec::new() };
        // Printing statements and building the technique reports reads only the
        // program: it is done for all techniques in parallel, in order.
        let this = &self;
        let reports: Vec<(Vec<Assumption>, TechniqueReport)> =
            outcomes.par_iter().map(|(&t, outcome)| this.technique_report(t, outcome)).collect();
        for (outcome, (assumptions, report)) in outcomes.values().zip(reports) {
            for f in &outcome.findings {
                self.push(f.clone());
            }
            if report.submitted {
                trust.assumptions.extend(assumptions);
                for (_, _, thm) in &outcome.theorems {
                    trust.axioms.extend(thm.trust_base().iter().map(|a| a.to_string()));
                }
            }
            techniques.push(report);
        }
        let sources = program.sources.files.iter().map(|s| (s.name.clone(), s.text.to_string())).collect();
        let io_errors = program
            .diagnostics
            .iter()
            .filter(|d| d.code() == "warrant::io")
            .map(|d| d.error.to_string())
            .collect();
        let recorded = match self.plan.take() {
            Some(plan) if record => Some(crate::session::Recorded {
                plan,
                outcomes,
                submitted: std::mem::take(&mut self.submitted),
                content_hashes: std::mem::take(&mut self.content_hashes),
                module_hashes: std::mem::take(&mut self.module_hashes),
                base_findings,
            }),
            _ => None,
        };
        let audit = Audit {
            report: Report::new(self.findings, trust, techniques),
            sources,
            certificates: self.certificates,
            io_errors,
            signature: self.signature,
            theorem_proofs: self.theorem_proofs,
            challenge: self.challenge,
        };
        (audit, recorded)
    }
}

/// Technique `t`'s outcome, from the cache (its theorems re-checked by the kernel) or
/// from its audit (then put in the cache under `key`), and the context of its
/// guarantee theorems. `below` holds the outcomes of the techniques it uses.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit_or_replay(
    program: &Program,
    signature: &Signature,
    engine: &dyn ProofEngine,
    policy: &Policy,
    cache: Option<&Cache>,
    below: &BTreeMap<TechniqueId, Outcome>,
    key: Option<&str>,
    t: TechniqueId,
) -> (Outcome, Context) {
    let tech = &program.techniques[t];
    // The context of the technique's guarantee theorems: a replay checks them in it,
    // and `theorem_proofs` keeps it beside each proof.
    let context = tech.guarantee_context();
    let replayed = cache.and_then(|c| replay(program, signature, policy, c, key.unwrap_or(""), t, &context));
    let outcome = match replayed {
        Some(outcome) => outcome,
        None => {
            let outcome = audit_technique(program, signature, engine, policy, below, t);
            // An outcome that hit a bound is not stored: some bounds are wall-clock
            // time, so the same search may finish on a quieter machine, and a stored
            // `limit` would be replayed instead of being tried again.
            let hit_a_bound = outcome.findings.iter().any(|f| f.code == Code::Limit);
            if let (Some(cache), Some(key), false) = (cache, key, hit_a_bound) {
                let file = program.sources.get(tech.file).map(|s| s.name.as_str()).unwrap_or("");
                cache.put(key, outcome.entry(tech, file));
            }
            outcome
        }
    };
    (outcome, context)
}

impl Outcome {
    /// Sets the verdict under `policy`; a rejected technique offers no theorems.
    fn decide(&mut self, policy: &Policy) {
        let rejecting = self.findings.iter().any(|f| policy.severity(f.code) == Severity::Reject);
        self.verdict = if self.broken || rejecting { Verdict::Rejected } else { Verdict::Accepted };
        if self.verdict == Verdict::Rejected {
            self.theorems.clear();
        }
    }

    /// What the cache stores of this outcome.
    fn entry(&self, tech: &TechniqueInfo, file: &str) -> Entry {
        Entry {
            technique: tech.name.to_string(),
            place: Some((file.to_string(), tech.span.start as usize)),
            findings: self.findings.clone(),
            broken: self.broken,
            verdict: self.verdict,
            guarantees: self.guarantees.clone(),
            theorems: self.theorems.iter().map(|(n, p, _)| (n.clone(), p.clone())).collect(),
        }
    }

    fn rejected() -> Outcome {
        Outcome {
            findings: Vec::new(),
            broken: true,
            verdict: Verdict::Rejected,
            theorems: Vec::new(),
            guarantees: Vec::new(),
        }
    }
}

/// The first part of technique `t`'s content hash: the kernel's version, its name, its
/// module's hash (in `module_hashes`) and its own text.
fn own_hash(program: &Program, module_hashes: &BTreeMap<usize, String>, t: TechniqueId) -> Sha256 {
    let tech = &program.techniques[t];
    let mut hasher = Sha256::new();
    hasher.update(warrant_kernel::KERNEL_VERSION.as_bytes());
    hasher.update(tech.name.as_bytes());
    hasher.update(module_hashes.get(&tech.module).map(String::as_str).unwrap_or("").as_bytes());
    if let Some(src) = program.sources.get(tech.file) {
        let len = src.text.len();
        let (s, e) = ((tech.span.start as usize).min(len), (tech.span.end as usize).min(len));
        hasher.update(src.text.get(s..e).unwrap_or("").as_bytes());
    }
    hasher
}

fn to_span(s: warrant_lang::Span) -> Span {
    Span { start: s.start as usize, end: s.end as usize }
}

/// The span a proof failure points at: the failing step, or the obligation.
fn f_span(f: &Finding, ob: &Obligation) -> Span {
    f.span.unwrap_or_else(|| to_span(ob.span))
}

/// A technique's outcome from the cache, its theorems re-checked by the kernel in
/// `context` (the technique's guarantee context);
/// `None` (a miss) when there is no entry or a proof no longer checks.
fn replay(
    program: &Program,
    signature: &Signature,
    policy: &Policy,
    cache: &Cache,
    key: &str,
    t: TechniqueId,
    context: &Context,
) -> Option<Outcome> {
    let tech = &program.techniques[t];
    let entry = cache.get(key)?;
    if entry.technique != *tech.name {
        return None;
    }
    // Its findings point where the technique was: this audit's only where it is now.
    let file = program.sources.get(tech.file).map(|s| s.name.as_str()).unwrap_or("");
    let Some((place_file, old_start)) = &entry.place else { return None };
    if place_file != file {
        return None;
    }
    let mut findings = entry.findings;
    if *old_start != tech.span.start as usize {
        findings = moved_findings(findings, file, *old_start, tech.span)?;
    }
    let mut theorems = Vec::new();
    for (name, proof) in entry.theorems {
        // Only this technique's own guarantee theorems, closed and re-checked.
        if !tech.guarantees.iter().any(|g| guarantee_theorem_name(tech, &g.name) == name) {
            return None;
        }
        let thm = check_in_used_context(signature, context, &proof).ok()?;
        if !thm.hypotheses().is_empty() {
            return None;
        }
        theorems.push((name, proof, thm));
    }
    let mut outcome = Outcome {
        findings,
        broken: entry.broken,
        verdict: entry.verdict,
        theorems,
        guarantees: entry.guarantees,
    };
    outcome.decide(policy);
    Some(outcome)
}

/// The findings of a technique made when its item started at `old_start` of `file`,
/// moved to where the item `now` is; `None` when one points elsewhere in the file
/// than into the item (only the item's own text is known to have moved with it). The
/// cache key covers the item's text, so it has the same length in both places, and
/// an audit of it makes the same findings at places moved by as much.
fn moved_findings(
    mut findings: Vec<Finding>,
    file: &str,
    old_start: usize,
    now: warrant_lang::Span,
) -> Option<Vec<Finding>> {
    let old_end = old_start.checked_add(now.len())?;
    let new_start = now.start as usize;
    let shift = |s: &mut Span| -> Option<()> {
        if s.start < old_start || s.end > old_end || s.start > s.end {
            return None;
        }
        *s = Span { start: s.start - old_start + new_start, end: s.end - old_start + new_start };
        Some(())
    };
    for f in &mut findings {
        match f.file.as_deref() {
            Some(other) if other != file => return None,
            Some(_) => {
                if let Some(s) = &mut f.span {
                    shift(s)?;
                }
            }
            None => {}
        }
        for l in &mut f.related {
            if l.file != file {
                return None;
            }
            shift(&mut l.span)?;
        }
    }
    Some(findings)
}

/// Proves an obligation with the engine and checks it with the kernel. A failure is a
/// finding (without file: the caller places it).
fn prove(
    engine: &dyn ProofEngine,
    program: &Program,
    signature: &Signature,
    ob: &Obligation,
) -> Result<(Proof, Theorem), Box<Finding>> {
    let (proof, thm) = engine.prove(program, signature, ob).map_err(|e| failure_finding(&ob.name, e))?;
    // The theorem is the kernel's; it stands here if it was checked against this
    // signature (or a prefix) and rests only on this obligation's hypotheses and
    // variables. Otherwise the kernel checks the proof object here.
    let fits = signature.extends(&thm.signature())
        && thm.variables() == ob.context.variables.as_slice()
        && thm.hypotheses().iter().all(|h| ob.context.hypotheses.contains(h));
    let thm = if fits {
        thm
    } else {
        check_in_used_context(signature, &ob.context, &proof)
            .map_err(|e| Box::new(kernel_finding(&ob.name, e)))?
    };
    if thm.conclusion() != &ob.statement {
        let f =
            Finding::new(Code::Proof, format!("the proof of `{}` proves something else", short(&ob.name)))
                .detail(format!("proved: {}\nexpected: {}", thm.conclusion(), ob.statement));
        return Err(Box::new(f));
    }
    Ok((proof, thm))
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn failure_finding(name: &str, e: ProofFailure) -> Finding {
    match e {
        ProofFailure::Sorry { span, goal } => {
            let f = Finding::new(Code::Sorry, format!("the proof of `{}` has a `sorry`", short(name)))
                .detail(goal)
                .help("replace `sorry` by tactics that prove the goal shown");
            with_span(f, span)
        }
        ProofFailure::Failed { span, message, goal } => {
            let f = Finding::new(
                Code::Proof,
                format!("the proof of `{}` does not check: {message}", short(name)),
            )
            .detail(goal)
            .help("the goal and hypotheses left are shown; give the tactic the facts it needs");
            with_span(f, span)
        }
        ProofFailure::Limit { span, bound } => {
            let f = Finding::new(Code::Limit, format!("the proof of `{}` hit a bound: {bound}", short(name)))
                .help("give the tactic the facts it needs so the search is short, or raise the bound");
            with_span(f, span)
        }
    }
}

fn with_span(mut f: Finding, span: Option<warrant_lang::Span>) -> Finding {
    f.span = span.map(to_span);
    f
}

fn kernel_finding(name: &str, e: KernelError) -> Finding {
    match e.root() {
        KernelError::Limit { .. } => {
            Finding::new(Code::Limit, format!("the kernel refused the proof of `{}`: {e}", short(name)))
        }
        _ => Finding::new(Code::Proof, format!("the kernel refused the proof of `{}`", short(name)))
            .detail(e.to_string()),
    }
}

/// Audits one technique, whose used techniques all have outcomes.
fn audit_technique(
    program: &Program,
    signature: &Signature,
    engine: &dyn ProofEngine,
    policy: &Policy,
    below: &BTreeMap<TechniqueId, Outcome>,
    t: TechniqueId,
) -> Outcome {
    let tech = &program.techniques[t];
    let file = program.sources.get(tech.file).map(|s| s.name.clone()).unwrap_or_default();
    let at = |f: Finding, span: Span| f.technique(&*tech.name).at(&file, span);
    let show = |f: &Formula| formula_to_string_with(f, &|n| program.display_name(tech.module, n));
    let mut findings: Vec<Finding> = Vec::new();
    let mut broken = tech.broken;

    // What it uses.
    for u in &tech.uses {
        match u.technique.and_then(|v| below.get(&v).map(|o| (v, o))) {
            Some((_, o)) if o.verdict == Verdict::Accepted => {}
            Some((v, _)) => {
                findings.push(at(
                    Finding::new(
                        Code::DependencyRejected,
                        format!(
                            "`{}` uses `{}`, which was rejected",
                            tech.short, program.techniques[v].short
                        ),
                    )
                    .help("fix the used technique first; its own findings say why it was rejected"),
                    to_span(u.span),
                ));
                broken = true;
            }
            None => broken = true,
        }
    }
    // A technique the front end could not elaborate (or whose uses it could not
    // resolve) has already been reported; its proofs would only repeat that.
    if tech.broken || tech.uses.iter().any(|u| u.technique.is_none()) {
        return Outcome { findings, ..Outcome::rejected() };
    }
    for (ui, a) in tech.undischarged() {
        let u = &tech.uses[ui];
        findings.push(at(
            Finding::new(
                Code::Undischarged,
                format!("the assumption `{}.{a}` is neither discharged nor lifted", u.name),
            )
            .help(format!("add `discharge {}.{a} by <proof>` or `lift {}.{a}`", u.name, u.name)),
            to_span(u.span),
        ));
        broken = true;
    }
    self_certification(program, tech, t, &at, &mut findings);

    // Discharges: all in one kernel check when they all hold, else one by one (which
    // says which fails, and how, exactly as for a technique with one discharge).
    let mut discharge_proofs: Vec<Proof> = Vec::new();
    let mut used_by_discharges: BTreeSet<String> = BTreeSet::new();
    let at_once = discharges_at_once(engine, program, signature, tech);
    let one_by_one: &[warrant_lang::Discharge] = if at_once.is_some() { &[] } else { &tech.discharges };
    if let Some((proofs, thm)) = at_once {
        used_by_discharges.extend(thm.hypotheses().iter().map(|(n, _)| n.to_string()));
        discharge_proofs = proofs;
    }
    for d in one_by_one {
        let Some(ob) = program.obligations.get(d.obligation) else {
            broken = true;
            continue;
        };
        match prove(engine, program, signature, ob) {
            Ok((proof, thm)) => {
                used_by_discharges.extend(thm.hypotheses().iter().map(|(n, _)| n.to_string()));
                discharge_proofs.push(proof);
            }
            Err(f) => {
                let span = f.span.unwrap_or(to_span(d.span));
                findings.push(at(*f, span));
                broken = true;
            }
        }
    }

    // Guarantees.
    let mut proved: Vec<(usize, Proof, Theorem)> = Vec::new();
    let mut guarantees = Vec::new();
    for (gi, g) in tech.guarantees.iter().enumerate() {
        guarantees.push(GuaranteeReport {
            name: g.name.clone(),
            statement: show(&g.statement),
            checked: false,
            certificate: None,
        });
        match g.obligation.and_then(|o| program.obligations.get(o)) {
            Some(ob) => match prove(engine, program, signature, ob) {
                Ok((proof, thm)) => proved.push((gi, proof, thm)),
                Err(f) => {
                    let span = f.span.unwrap_or(to_span(g.span));
                    findings.push(at(*f, span));
                    broken = true;
                }
            },
            None => broken = true,
        }
    }

    // Compose each guarantee into its closed theorem.
    let mut theorems = Vec::new();
    let mut used_assumptions: BTreeSet<String> = used_by_discharges;
    if !broken {
        for (gi, proof, thm) in &proved {
            let g = &tech.guarantees[*gi];
            match compose(program, signature, tech, proof, thm, &discharge_proofs) {
                Ok(c) => {
                    used_assumptions.extend(c.used_assumptions.iter().cloned());
                    guarantees[*gi].checked = true;
                    guarantees[*gi].certificate = Some(certificate_hash(&c.proof));
                    theorems.push((guarantee_theorem_name(tech, &g.name), c.proof, c.closed));
                }
                Err(e) => {
                    let why = match e {
                        ComposeError::Kernel(k) => k.to_string(),
                        ComposeError::Unsettled(a) => {
                            format!("the assumption `{a}` is not settled")
                        }
                    };
                    findings.push(at(
                        Finding::new(
                            Code::Proof,
                            format!("the guarantee `{}` could not be composed with what it uses", g.name),
                        )
                        .detail(why),
                        to_span(g.span),
                    ));
                    broken = true;
                }
            }
        }
    }

    if !broken {
        let env = Env { program, signature, engine };
        gaming_checks(&env, tech, &used_assumptions, &at, &show, &mut findings);
    }
    let mut outcome = Outcome { findings, broken, verdict: Verdict::Rejected, theorems, guarantees };
    outcome.decide(policy);
    outcome
}

/// The proofs of all of `tech`'s discharges and the kernel's theorem of their
/// conjunction, checked in one kernel check (each check has a fixed cost that was most
/// of a one-step discharge's); `None` unless every discharge's script gives a proof,
/// they share one context and the kernel accepts the conjunction of exactly their
/// statements, and then the caller proves them one by one, which says what fails.
/// The theorem's hypotheses are those the proofs use together: what the discharges'
/// own theorems would have recorded, joined.
fn discharges_at_once(
    engine: &dyn ProofEngine,
    program: &Program,
    signature: &Signature,
    tech: &TechniqueInfo,
) -> Option<(Vec<Proof>, Theorem)> {
    let obligations: Vec<&Obligation> =
        tech.discharges.iter().map(|d| program.obligations.get(d.obligation)).collect::<Option<_>>()?;
    let (first, rest) = obligations.split_first()?;
    if rest.iter().any(|ob| ob.context != first.context) {
        return None;
    }
    let proofs: Vec<Proof> =
        obligations.iter().map(|ob| engine.unchecked_proof(program, signature, ob)).collect::<Option<_>>()?;
    // `d₁ ∧ (d₂ ∧ (… ∧ dₙ))`: each proof spliced in, joined from the right.
    let mut joined = Proof::default();
    let roots: Vec<StepId> = proofs.iter().map(|p| joined.splice(p)).collect::<Option<_>>()?;
    let (&last_root, other_roots) = roots.split_last()?;
    let mut root = last_root;
    let mut statement = obligations[obligations.len() - 1].statement.clone();
    for (ob, &left) in obligations.iter().zip(other_roots).rev() {
        root = joined.push(Step::AndIntro { left, right: root });
        statement = Formula::And(Arc::new(ob.statement.clone()), Arc::new(statement));
    }
    let thm = check_in_used_context(signature, &first.context, &joined).ok()?;
    (thm.conclusion() == &statement).then_some((proofs, thm))
}

/// The SHA-256 of a proof object's JSON, in hex. The JSON is written into a buffer and
/// hashed in one call: streamed into the hasher, each of the serialiser's many small
/// writes went through the hasher's block buffering (the same bytes, so the same hash).
fn certificate_hash(proof: &Proof) -> String {
    let mut json = Vec::with_capacity(16 << 10);
    // Serialising a proof object into memory cannot fail.
    let _ = serde_json::to_writer(&mut json, proof);
    hex::encode(Sha256::digest(&json))
}

/// `self-certification`: the technique oversees agent A and rests, itself included or
/// anywhere below, on something A proposed.
fn self_certification(
    program: &Program,
    tech: &TechniqueInfo,
    t: TechniqueId,
    at: &dyn Fn(Finding, Span) -> Finding,
    findings: &mut Vec<Finding>,
) {
    let Some(overseen) = &tech.oversees else {
        return;
    };
    let mut seen = BTreeSet::new();
    let mut stack = vec![t];
    let mut culprits = Vec::new();
    while let Some(v) = stack.pop() {
        if !seen.insert(v) {
            continue;
        }
        let below = &program.techniques[v];
        if below.proposed_by.as_deref() == Some(overseen.as_str()) {
            culprits.push(below.short.clone());
        }
        stack.extend(below.uses.iter().filter_map(|u| u.technique));
    }
    if !culprits.is_empty() {
        culprits.sort();
        findings.push(at(
            Finding::new(
                Code::SelfCertification,
                format!(
                    "`{}` oversees `{overseen}` but rests on {} proposed by `{overseen}`",
                    tech.short,
                    culprits.join(", ")
                ),
            )
            .help("everything a technique rests on must come from an agent other than the one it oversees"),
            to_span(tech.span),
        ));
    }
}

/// What the checks of one technique read.
#[derive(Clone, Copy)]
struct Env<'a> {
    program: &'a Program,
    signature: &'a Signature,
    engine: &'a dyn ProofEngine,
}

/// The checks for a technique whose proofs all hold: `vacuous`, `witness-fails`,
/// `no-witness`, `trivial`, `intent-gap`, `unused-assumption`.
fn gaming_checks(
    env: &Env<'_>,
    tech: &TechniqueInfo,
    used_assumptions: &BTreeSet<String>,
    at: &dyn Fn(Finding, Span) -> Finding,
    show: &dyn Fn(&Formula) -> String,
    findings: &mut Vec<Finding>,
) {
    let Env { program, signature, engine } = *env;
    let assumptions = tech.discharge_context();
    // The witness: every assumption evaluated exactly.
    let mut consistent = false;
    match &tech.witness {
        None => findings.push(at(
            Finding::new(
                Code::NoWitness,
                format!("`{}` gives no witness that its assumptions can hold together", tech.short),
            )
            .help("add `witness { f(args) = value; ... }` with values satisfying every assumption"),
            to_span(tech.span),
        )),
        Some(values) => {
            let pairs: Vec<_> = values.iter().map(|v| (v.lhs.clone(), v.rhs.clone())).collect();
            let bits = signature.limits().max_numeral_bits;
            match Witness::new(&pairs, bits) {
                Err((lhs, _)) => findings.push(at(
                    Finding::new(Code::WitnessFails, format!("the witness value of `{lhs}` is not a number")),
                    to_span(tech.span),
                )),
                Ok(w) => {
                    consistent = true;
                    for a in &tech.assumptions {
                        match w.formula(&a.statement) {
                            Ok(true) => {}
                            Ok(false) => {
                                consistent = false;
                                findings.push(at(
                                    Finding::new(
                                        Code::WitnessFails,
                                        format!("the witness violates the assumption `{}`", a.name),
                                    )
                                    .detail(format!(
                                        "{}: {}",
                                        a.name,
                                        show(&a.statement)
                                    )),
                                    to_span(a.span),
                                ));
                            }
                            Err(Unevaluated::Missing(term)) => {
                                consistent = false;
                                findings.push(at(
                                    Finding::new(
                                        Code::WitnessFails,
                                        format!("the witness gives no value to `{}`, which the assumption `{}` needs", term, a.name),
                                    )
                                    .help("give every term the assumptions mention a value"),
                                    to_span(a.span),
                                ));
                            }
                            Err(Unevaluated::NotQuantifierFree) => consistent = false,
                            Err(Unevaluated::TooLarge) => {
                                consistent = false;
                                findings.push(at(
                                    Finding::new(
                                        Code::Limit,
                                        format!(
                                            "evaluating `{}` at the witness exceeds the numeral limit",
                                            a.name
                                        ),
                                    ),
                                    to_span(a.span),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    // Vacuity: a bounded search for `false` (needless when the witness satisfies all).
    if !consistent && !assumptions.hypotheses.is_empty() {
        if let Some(proof) = engine.search(program, tech.module, signature, &assumptions, &Formula::False) {
            if let Ok(thm) = check(signature, &assumptions, &proof) {
                let used: Vec<String> =
                    thm.hypotheses().iter().map(|(n, f)| format!("{n}: {}", show(f))).collect();
                findings.push(at(
                    Finding::new(
                        Code::Vacuous,
                        format!("the assumptions of `{}` contradict each other", tech.short),
                    )
                    .detail(format!(
                        "the kernel checked a derivation of `false` ({} steps) from:\n  {}",
                        proof.steps.len(),
                        used.join("\n  ")
                    ))
                    .help("correct the assumptions; a witness shows they can hold together"),
                    to_span(tech.span),
                ));
            }
        }
    }
    // Triviality: a guarantee that holds with no assumption at all.
    let bare = Context { variables: tech.params.clone(), hypotheses: Vec::new() };
    for g in &tech.guarantees {
        if let Some(proof) = engine.search(program, tech.module, signature, &bare, &g.statement) {
            if check(signature, &bare, &proof).is_ok_and(|thm| thm.conclusion() == &g.statement) {
                findings.push(at(
                    Finding::new(
                        Code::Trivial,
                        format!("the guarantee `{}` holds without any assumption", g.name),
                    )
                    .detail(show(&g.statement))
                    .help("check that the guarantee states what the technique achieves"),
                    to_span(g.span),
                ));
            }
        }
    }
    // Intent: it should follow from the guarantees (under the assumptions).
    if let Some((intent, span)) = &tech.intent {
        let mut ctx = assumptions.clone();
        for g in &tech.guarantees {
            ctx.hypotheses
                .push((warrant_kernel::name(&format!("guarantee.{}", g.name)), g.statement.clone()));
        }
        let established = engine
            .search(program, tech.module, signature, &ctx, intent)
            .is_some_and(|proof| check(signature, &ctx, &proof).is_ok_and(|thm| thm.conclusion() == intent));
        if !established {
            findings.push(at(
                Finding::new(
                    Code::IntentGap,
                    format!("the guarantees of `{}` do not establish its intent", tech.short),
                )
                .detail(format!("intent: {}", show(intent)))
                .help("strengthen a guarantee until the intent follows, or correct the intent"),
                to_span(*span),
            ));
        }
    }
    // Unused assumptions.
    for a in &tech.assumptions {
        if !used_assumptions.contains(&a.name) {
            findings.push(at(
                Finding::new(Code::UnusedAssumption, format!("no proof uses the assumption `{}`", a.name))
                    .help("remove it, or check that the guarantee that should use it does"),
                to_span(a.span),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_findings_move_with_their_item_or_not_at_all() {
        let at = |file: &str, start: usize, end: usize| {
            Finding::new(Code::Sorry, "x").at(file, Span { start, end })
        };
        let item = warrant_lang::Span::new(110, 150);
        // Inside the item (made when it was at 100..140): moved; not moved when the
        // item is where it was.
        let inside = vec![at("a.wr", 100, 104), at("a.wr", 130, 140)];
        let moved = moved_findings(inside.clone(), "a.wr", 100, item).expect("moved");
        assert_eq!(moved, vec![at("a.wr", 110, 114), at("a.wr", 140, 150)]);
        let there = warrant_lang::Span::new(100, 140);
        assert_eq!(moved_findings(inside.clone(), "a.wr", 100, there), Some(inside));
        // Before or past the item, in another file, or a related place outside the
        // item: a miss, moved or not (the key does not cover where other text is).
        for item in [item, there] {
            assert_eq!(moved_findings(vec![at("a.wr", 99, 104)], "a.wr", 100, item), None);
            assert_eq!(moved_findings(vec![at("a.wr", 130, 141)], "a.wr", 100, item), None);
            assert_eq!(moved_findings(vec![at("b.wr", 100, 104)], "a.wr", 100, item), None);
            let elsewhere = at("a.wr", 100, 104).related(Location {
                file: "b.wr".into(),
                span: Span { start: 100, end: 104 },
                label: "y".into(),
            });
            assert_eq!(moved_findings(vec![elsewhere], "a.wr", 100, item), None);
        }
        let related = at("a.wr", 100, 104).related(Location {
            file: "a.wr".into(),
            span: Span { start: 10, end: 12 },
            label: "y".into(),
        });
        assert_eq!(moved_findings(vec![related], "a.wr", 100, item), None);
    }
}
