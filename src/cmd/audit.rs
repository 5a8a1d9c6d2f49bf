//! `warrant audit PATH...`: audit submissions against the library and print the
//! report. Exit 0 accepted, 1 rejected, 2 on a usage or I/O error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use warrant_auditor::{
    human, AuditOptions, Auditor, Cache, Policy, Progress, ProofEngine, Submission, Verdict,
};

/// How `warrant audit` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Findings with source snippets, the trust base and the provenance chain.
    Human,
    /// The JSON report (schema: docs/report.schema.json).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// The audit graph in Graphviz DOT, coloured by verdict.
    Dot,
}

/// Arguments of `warrant audit`.
#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Submitted files or folders (folders are searched for `.wr` files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// A library root to search for imports (repeatable).
    #[arg(long = "library", value_name = "DIR")]
    pub library: Vec<PathBuf>,
    /// A TOML policy file (levels per finding code, allowed axioms).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Do not read or write the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// The cache directory.
    #[arg(long, value_name = "DIR", default_value = ".warrant/cache")]
    pub cache: PathBuf,
    /// A challenge file (trusted, written by the lab): accept only a submission with a
    /// technique that answers it, meets every `require` and rests only on its `allow`s.
    #[arg(long, value_name = "FILE")]
    pub challenge: Option<PathBuf>,
    /// Write a certificate bundle of the accepted submission to FILE (binary, format
    /// `warrant-bundle/4`), for `warrant verify` (`--print` shows it as JSON).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
}

/// A progress bar on standard error, drawn when there are many techniques.
fn progress_bar() -> Progress {
    Progress(std::sync::Arc::new(|done: usize, total: usize| {
        if total < 50 {
            return;
        }
        let width = 40;
        let filled = width * done / total.max(1);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r[{bar}] {done}/{total} techniques");
        if done == total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }))
}

/// Runs `warrant audit` with `engine` as the prover.
pub fn run(args: &AuditArgs, engine: &dyn ProofEngine) -> ExitCode {
    for p in args.paths.iter().chain(&args.library).chain(&args.challenge) {
        if !p.exists() {
            eprintln!("warrant audit: `{}` does not exist", p.display());
            return ExitCode::from(2);
        }
    }
    let policy = match &args.policy {
        None => Policy::strict(),
        Some(path) => match std::fs::read_to_string(path) {
            Err(e) => {
                eprintln!("warrant audit: cannot read the policy `{}`: {e}", path.display());
                return ExitCode::from(2);
            }
            Ok(text) => match Policy::from_toml(&text) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("warrant audit: `{}`: {e}", path.display());
                    return ExitCode::from(2);
                }
            },
        },
    };
    let options = AuditOptions {
        library: args.library.clone(),
        policy,
        cache: (!args.no_cache).then(|| Cache::new(&args.cache)),
        progress: std::io::stderr().is_terminal().then(progress_bar),
        challenge: args.challenge.clone(),
        ..AuditOptions::default()
    };
    let submissions: Vec<Submission> =
        args.paths.iter().map(|p| Submission { name: p.display().to_string(), text: None }).collect();
    let audit = Auditor::new(options, engine).audit(&submissions);
    if !audit.io_errors.is_empty() {
        // An unreadable input is an I/O error, not a verdict.
        for e in &audit.io_errors {
            eprintln!("warrant audit: {e}");
        }
        return ExitCode::from(2);
    }
    if let Some(path) = &args.bundle {
        match warrant_auditor::bundle::write(&audit) {
            Ok(bundle) => {
                let written = bundle.to_bytes().map_err(|e| e.to_string()).and_then(|bytes| {
                    std::fs::write(path, bytes).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
                });
                if let Err(e) = written {
                    eprintln!("warrant audit: {e}");
                    return ExitCode::from(2);
                }
                eprintln!("warrant audit: bundle {} written to {}", bundle.hashes.bundle, path.display());
            }
            Err(e) => eprintln!("warrant audit: no bundle written: {e}"),
        }
    }
    let out = match args.format {
        Format::Human => human::render(&audit.report, &audit.sources, std::io::stdout().is_terminal()),
        Format::Json => audit.report.to_json(),
        Format::Sarif => audit.report.to_sarif(&audit.sources),
        Format::Dot => audit.report.to_dot(),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return ExitCode::from(2);
    }
    match audit.report.verdict {
        Verdict::Accepted => ExitCode::SUCCESS,
        Verdict::Rejected => ExitCode::from(1),
    }
}
