//! The `warrant` command line. Each subcommand lives in `src/cmd/`; this file only
//! parses the command line and dispatches.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use warrant_auditor::TacticEngine;

mod cmd;

/// mimalloc instead of glibc's allocator. The front end, the prover and the kernel
/// allocate many small nodes on several threads; with glibc, `malloc`/`free` were about
/// 40% of the language server's profile per edit (lang/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// warrant decides whether an AI-alignment technique may be trusted.
#[derive(Parser)]
#[command(name = "warrant", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, type-check and check every proof of the given files or folders.
    Check(cmd::check::CheckArgs),
    /// Format files in the canonical style (keeps comments).
    Fmt(cmd::fmt::FmtArgs),
    /// Audit submitted techniques and everything they rest on; print the report.
    Audit(cmd::audit::AuditArgs),
    /// Print a finding code's documentation with an example.
    Explain(cmd::explain::ExplainArgs),
    /// Run the language server over stdio (see docs/editors.md).
    Lsp(cmd::lsp::LspArgs),
    /// Export every checked theorem to a proof assistant (Coq) for independent re-checking.
    Export(cmd::export::ExportArgs),
    /// Re-check a certificate bundle with the kernel alone; print what it proves.
    Verify(cmd::verify::VerifyArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors.
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match &cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Fmt(args) => cmd::fmt::run(args),
        Command::Audit(args) => cmd::audit::run(args, &TacticEngine::default()),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Lsp(args) => cmd::lsp::run(args),
        Command::Export(args) => cmd::export::run(args, &TacticEngine::default()),
        Command::Verify(args) => cmd::verify::run(args),
    }
}
