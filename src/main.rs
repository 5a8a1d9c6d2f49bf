//! The `warrant` command line. Each subcommand lives in `src/cmd/`; this file only
//! parses the command line and dispatches.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

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
    }
}
