//! `warrant lsp`: the language server over standard input and output (see
//! `docs/editors.md` for Neovim and Helix). Everything it answers comes from the same
//! library calls as `warrant check` and `warrant audit`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use warrant_auditor::TacticEngine;

/// Arguments of `warrant lsp`.
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// A library root to search for imports, after the workspace folders (repeatable).
    #[arg(long = "library", value_name = "DIR")]
    pub library: Vec<PathBuf>,
    /// Milliseconds the text must stay unchanged before it is analysed again.
    #[arg(long, value_name = "MS", default_value_t = warrant_lsp::DEFAULT_DEBOUNCE_MS)]
    pub debounce: u64,
    /// Do not check proofs (front-end diagnostics only).
    #[arg(long)]
    pub no_proofs: bool,
    /// Do not audit (no audit findings as diagnostics).
    #[arg(long)]
    pub no_audit: bool,
}

/// Runs the language server until the client exits. Exit 0 after `shutdown`/`exit`,
/// 2 when the connection fails.
pub fn run(args: &LspArgs) -> ExitCode {
    let engine: Option<warrant_lsp::Engine> =
        if args.no_audit { None } else { Some(Arc::new(TacticEngine::default())) };
    let config = warrant_lsp::Config {
        library: args.library.clone(),
        debounce: std::time::Duration::from_millis(args.debounce),
        prove: !args.no_proofs,
        engine,
    };
    match warrant_lsp::run_stdio(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warrant lsp: {e}");
            ExitCode::from(2)
        }
    }
}
