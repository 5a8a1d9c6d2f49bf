//! `warrant check` (placeholder until the front end lands; owned by the front end).

use std::process::ExitCode;

/// Arguments of `warrant check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files or folders.
    pub paths: Vec<std::path::PathBuf>,
}

/// Runs `warrant check`.
pub fn run(_args: &CheckArgs) -> ExitCode {
    eprintln!("warrant check: the language front end is not built yet");
    ExitCode::from(2)
}
