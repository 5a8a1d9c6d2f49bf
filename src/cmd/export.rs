//! `warrant export coq PATH... -o DIR`: audit the inputs, then write every theorem the
//! kernel checked (lemmas and accepted techniques' guarantees) as a Coq 8.16 project
//! that `make -C DIR` re-checks with an independent proof assistant.
//!
//! `warrant export coq BUNDLE -o DIR` exports a certificate bundle instead (a file that
//! starts with `warrant-bundle/`, or a `.json` file, which is refused with how to make
//! a bundle anew when it is a bundle of the old JSON format): it is verified by the
//! kernel alone (as `warrant verify` does), then every theorem it carries is written,
//! without the parser, prover or auditor.

use std::path::PathBuf;
use std::process::ExitCode;
use warrant_auditor::{AuditOptions, Auditor, ProofEngine, Submission, Verdict};
use warrant_kernel::bundle::verify_bytes;
use warrant_kernel::coq::{write_project, Exporter, Options, Technique};
use warrant_kernel::{Context, Formula, Proof, Step, Term};

/// What to export to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Coq 8.16 over QArith.
    Coq,
}

/// Arguments of `warrant export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The proof assistant.
    #[arg(value_enum)]
    pub target: Target,
    /// Files or folders to export (everything they import is exported too), or one
    /// certificate bundle (from `warrant audit --bundle`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The output directory (a Coq project).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// A library root to search for imports (repeatable).
    #[arg(long = "library", value_name = "DIR")]
    pub library: Vec<PathBuf>,
    /// Add `Print Assumptions` for every exported lemma (slower to check).
    #[arg(long)]
    pub print_assumptions: bool,
}

/// Runs `warrant export`.
pub fn run(args: &ExportArgs, engine: &dyn ProofEngine) -> ExitCode {
    for p in args.paths.iter().chain(&args.library) {
        if !p.exists() {
            eprintln!("warrant export: `{}` does not exist", p.display());
            return ExitCode::from(2);
        }
    }
    if let [path] = args.paths.as_slice() {
        if is_bundle(path) {
            return run_bundle(args, path);
        }
    }
    let options = AuditOptions { library: args.library.clone(), ..AuditOptions::default() };
    let submissions: Vec<Submission> =
        args.paths.iter().map(|p| Submission { name: p.display().to_string(), text: None }).collect();
    let audit = Auditor::new(options, engine).audit(&submissions);
    if !audit.io_errors.is_empty() {
        for e in &audit.io_errors {
            eprintln!("warrant export: {e}");
        }
        return ExitCode::from(2);
    }
    let mut exporter = Exporter::new(&audit.signature);
    for (name, context, proof) in &audit.theorem_proofs {
        exporter.theorem_proof(name.clone(), context.clone(), proof.clone());
    }
    // Each accepted technique also as a section: its assumptions as hypotheses, each
    // guarantee proved from its closed theorem.
    let mut sections = 0;
    for (name, context, _) in &audit.theorem_proofs {
        if let Some(t) = audit.report.techniques.iter().find(|t| name.starts_with(&format!("{}.", t.name))) {
            let Some(fact) = audit.signature.fact(name) else { continue };
            let guarantee = name[t.name.len() + 1..].to_string();
            let (proof, conclusion) = instantiate_closed(name, &fact.statement, context);
            exporter.technique(Technique {
                name: warrant_kernel::name(&format!("{}.section.{guarantee}", t.name)),
                context: section_context(context, &fact.statement),
                guarantees: vec![(warrant_kernel::name(&guarantee), proof, conclusion)],
            });
            sections += 1;
        }
    }
    let what = format!("{} theorems and {sections} technique sections", audit.theorem_proofs.len());
    if let Err(code) = write_coq(args, &exporter, &what) {
        return code;
    }
    match audit.report.verdict {
        Verdict::Accepted => ExitCode::SUCCESS,
        Verdict::Rejected => {
            eprintln!("warrant export: the audit rejected part of the input; only what the kernel checked was exported");
            ExitCode::from(1)
        }
    }
}

/// Exports `exporter`'s theorems as the Coq project `args.output` and says so
/// (`what` names what was written); the error is the exit code to return.
fn write_coq(args: &ExportArgs, exporter: &Exporter<'_>, what: &str) -> Result<(), ExitCode> {
    let module =
        exporter.export("Warrant", &Options { print_assumptions: args.print_assumptions }).map_err(|e| {
            eprintln!("warrant export: {e}");
            ExitCode::from(1)
        })?;
    let info = write_project(&args.output, &[module]).map_err(|e| {
        eprintln!("warrant export: {e}");
        ExitCode::from(2)
    })?;
    eprintln!(
        "warrant export: {what} written to {} ({}); check with `make -C {}`",
        args.output.display(),
        info.files.join(", "),
        args.output.display()
    );
    Ok(())
}

/// Whether `path` names a certificate bundle: a file that starts as one does, or a
/// `.json` file (bundles were JSON once; such a file is refused by its format).
fn is_bundle(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 15];
    let starts_as_a_bundle = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && &head == b"warrant-bundle/";
    starts_as_a_bundle || path.extension().is_some_and(|e| e == "json")
}

/// Exports a certificate bundle: verified by the kernel, then every theorem written.
fn run_bundle(args: &ExportArgs, path: &std::path::Path) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("warrant export: cannot read `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let verification = match verify_bytes(&bytes) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("warrant export: the bundle is refused: {e}");
            return ExitCode::from(1);
        }
    };
    let mut exporter = Exporter::new(&verification.verified.signature);
    for (name, context, proof) in verification.bundle.theorem_proofs() {
        exporter.theorem_proof(name.clone(), context.clone(), proof.clone());
    }
    let what = format!("{} theorems of the bundle", verification.bundle.theorem_proofs().count());
    match write_coq(args, &exporter, &what) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// The context of a technique section: the technique's parameters and the premises of
/// its closed guarantee `forall x̄. A₁ -> … -> Aₙ -> G`, named as in the technique.
fn section_context(context: &Context, closed: &Formula) -> Context {
    let mut premises = Vec::new();
    let mut f = strip_foralls(closed, context);
    while let Formula::Implies(a, b) = f {
        premises.push((*a).clone());
        f = (*b).clone();
    }
    let hypotheses =
        context.hypotheses.iter().filter(|(_, h)| premises.contains(h)).cloned().collect::<Vec<_>>();
    Context { variables: context.variables.clone(), hypotheses }
}

/// `closed` with its leading quantifiers instantiated by the context's variables.
fn strip_foralls(closed: &Formula, context: &Context) -> Formula {
    let mut f = closed.clone();
    for (x, s) in &context.variables {
        let Formula::Forall(_, _, body) = &f else { break };
        f = warrant_kernel::open_formula(body, &Term::Free(x.clone(), s.clone()));
    }
    f
}

/// A proof of the guarantee `G` in the technique's context from its closed theorem:
/// instantiate the quantifiers with the parameters, then apply it to each assumption.
fn instantiate_closed(name: &str, closed: &Formula, context: &Context) -> (Proof, Formula) {
    let mut p = Proof::default();
    let mut cur = p.push(Step::Theorem { name: warrant_kernel::name(name), args: vec![] });
    let mut f = closed.clone();
    for (x, s) in &context.variables {
        let Formula::Forall(_, _, body) = &f else { break };
        let term = Term::Free(x.clone(), s.clone());
        f = warrant_kernel::open_formula(body, &term);
        cur = p.push(Step::ForallElim { from: cur, term });
    }
    while let Formula::Implies(a, b) = f.clone() {
        let Some((h, _)) = context.hypotheses.iter().find(|(_, h)| *h == *a) else { break };
        let arg = p.push(Step::Hypothesis { name: h.clone() });
        cur = p.push(Step::ImpElim { implication: cur, argument: arg });
        f = (*b).clone();
    }
    let _ = cur;
    (p, f)
}
