//! `warrant fmt` (placeholder until the front end lands; owned by the front end).

use std::process::ExitCode;

/// Arguments of `warrant fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {
    /// Files or folders.
    pub paths: Vec<std::path::PathBuf>,
}

/// Runs `warrant fmt`.
pub fn run(_args: &FmtArgs) -> ExitCode {
    eprintln!("warrant fmt: the language front end is not built yet");
    ExitCode::from(2)
}
