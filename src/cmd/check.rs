//! `warrant check PATH...`: parse, resolve and type-check files and everything they
//! import, then check every proof through a pluggable [`ProofChecker`]. Exit 0 when
//! everything is well-formed and every proof checked, 1 when anything is not, 2 on a
//! usage or I/O error. Without a prover plugged in, proofs are "unchecked", which is
//! not success.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use warrant_lang::render::{line_col, render, render_json, Style};
use warrant_lang::{check_proofs, load, Diagnostic, Input, Options, Program, ProofChecker, ProofStatus};

/// How `warrant check` prints its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets (colours on a terminal).
    Human,
    /// One JSON document on standard output.
    Json,
}

/// Arguments of `warrant check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders (folders are searched for `.wr` files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// An additional library root to search for imports (repeatable).
    #[arg(long = "library", value_name = "DIR")]
    pub library: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Do not search the embedded standard library.
    #[arg(long)]
    pub no_std: bool,
}

/// Runs `warrant check` with warrant's prover deciding every proof.
pub fn run(args: &CheckArgs) -> ExitCode {
    run_with(args, &mut warrant_prover::TacticChecker::default())
}

/// Runs `warrant check` with `checker` deciding the proofs.
pub fn run_with(args: &CheckArgs, checker: &mut dyn ProofChecker) -> ExitCode {
    for p in args.paths.iter().chain(&args.library) {
        if !p.exists() {
            eprintln!("warrant check: `{}` does not exist", p.display());
            return ExitCode::from(2);
        }
    }
    let options = Options { library: args.library.clone(), embedded_std: !args.no_std, ..Options::default() };
    let inputs: Vec<Input> = args.paths.iter().cloned().map(Input::Path).collect();
    let program = load(&inputs, &options);
    let io_error = program.diagnostics.iter().any(|d| d.code() == "warrant::io");
    // Proofs of ill-formed programs are not checked: their statements may be missing.
    let reports = if program.has_errors() { Vec::new() } else { check_proofs(&program, checker) };
    // Warnings of the checker's own (a file's `limits` above what it allows).
    let notes = if program.has_errors() { Vec::new() } else { checker.notes(&program) };
    let proofs_ok = !program.obligations.is_empty()
        && reports.len() == program.obligations.len()
        && reports.iter().all(|r| r.status == ProofStatus::Checked)
        || program.obligations.is_empty();
    let ok = !program.has_errors() && proofs_ok;
    let out = match args.format {
        Format::Human => human(&program, &notes, &reports, std::io::stdout().is_terminal()),
        Format::Json => json(&program, &notes, &reports, ok),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    if io_error {
        ExitCode::from(2)
    } else if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn location(program: &Program, file: warrant_lang::FileId, offset: u32) -> String {
    match program.sources.get(file) {
        Some(s) => {
            let (l, c) = line_col(&s.text, offset as usize);
            format!("{}:{l}:{c}", s.name)
        }
        None => "?".into(),
    }
}

fn human(
    program: &Program,
    notes: &[Diagnostic],
    reports: &[warrant_lang::ProofReport],
    color: bool,
) -> String {
    let style = if color { Style::Color } else { Style::Plain };
    let mut out = String::new();
    for d in program.diagnostics.iter().chain(notes) {
        out.push_str(&render(&program.sources, d, style));
        out.push('\n');
    }
    let (mut checked, mut unchecked, mut sorry, mut failed) = (0, 0, 0, 0);
    for r in reports {
        let ob = &program.obligations[r.obligation];
        let what = match &r.status {
            ProofStatus::Checked => {
                checked += 1;
                continue;
            }
            ProofStatus::Unchecked => {
                unchecked += 1;
                "unchecked"
            }
            ProofStatus::Sorry(ds) => {
                sorry += 1;
                for d in ds {
                    out.push_str(&render(&program.sources, d, style));
                    out.push('\n');
                }
                "sorry (a hole is left)"
            }
            ProofStatus::Failed(ds) => {
                failed += 1;
                for d in ds {
                    out.push_str(&render(&program.sources, d, style));
                    out.push('\n');
                }
                "failed"
            }
        };
        out.push_str(&format!(
            "{}: proof of `{}`: {what}\n",
            location(program, ob.file, ob.span.start),
            program.obligation_name(ob)
        ));
    }
    for skipped in &program.skipped {
        out.push_str(&format!(
            "note: not checked: `{}` ({} .wr file(s)), excluded by `{}`\n",
            skipped.path.display(),
            skipped.files,
            skipped.manifest.display()
        ));
    }
    let errors = program.diagnostics.iter().chain(notes).filter(|d| !d.is_warning()).count();
    let warnings = program.diagnostics.len() + notes.len() - errors;
    out.push_str(&format!(
        "{} module(s), {errors} error(s), {warnings} warning(s); {} proof(s): {checked} checked, {unchecked} unchecked, {sorry} sorry, {failed} failed{}\n",
        program.modules.len(),
        program.obligations.len(),
        if program.has_errors() && !program.obligations.is_empty() {
            " (proofs are not checked while there are errors)"
        } else {
            ""
        }
    ));
    out
}

fn json(program: &Program, notes: &[Diagnostic], reports: &[warrant_lang::ProofReport], ok: bool) -> String {
    let diagnostics: Vec<serde_json::Value> =
        program.diagnostics.iter().chain(notes).map(|d| render_json(&program.sources, d)).collect();
    let proofs: Vec<serde_json::Value> = program
        .obligations
        .iter()
        .enumerate()
        .map(|(i, ob)| {
            let status = reports.iter().find(|r| r.obligation == i).map(|r| &r.status);
            let (status, details): (&str, Vec<serde_json::Value>) = match status {
                Some(ProofStatus::Checked) => ("checked", vec![]),
                Some(ProofStatus::Sorry(ds)) => {
                    ("sorry", ds.iter().map(|d| render_json(&program.sources, d)).collect())
                }
                Some(ProofStatus::Failed(ds)) => {
                    ("failed", ds.iter().map(|d| render_json(&program.sources, d)).collect())
                }
                Some(ProofStatus::Unchecked) | None => ("unchecked", vec![]),
            };
            let (line, column) = program
                .sources
                .get(ob.file)
                .map(|s| line_col(&s.text, ob.span.start as usize))
                .unwrap_or((0, 0));
            serde_json::json!({
                "name": &*ob.name,
                "file": program.sources.get(ob.file).map(|s| s.name.clone()).unwrap_or_default(),
                "line": line,
                "column": column,
                "status": status,
                "diagnostics": details,
            })
        })
        .collect();
    let modules: Vec<&str> = program.modules.iter().map(|m| m.name.as_str()).collect();
    let skipped: Vec<serde_json::Value> = program
        .skipped
        .iter()
        .map(|s| {
            serde_json::json!({
                "path": s.path.display().to_string(),
                "files": s.files,
                "manifest": s.manifest.display().to_string(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "ok": ok,
        "modules": modules,
        "skipped": skipped,
        "diagnostics": diagnostics,
        "proofs": proofs,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
