//! `src/cmd/lsp.rs` of the root package (the `warrant lsp` subcommand) compiles against
//! this crate and parses its options.

#[allow(dead_code)]
#[path = "../../src/cmd/lsp.rs"]
mod lsp_cmd;

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: lsp_cmd::LspArgs,
}

#[test]
fn options_parse() {
    let cli = Cli::parse_from(["warrant-lsp", "--library", "lib", "--debounce", "25", "--no-audit"]);
    assert_eq!(cli.args.library, [std::path::PathBuf::from("lib")]);
    assert_eq!(cli.args.debounce, 25);
    assert!(cli.args.no_audit && !cli.args.no_proofs);
    let cli = Cli::parse_from(["warrant-lsp"]);
    assert_eq!(cli.args.debounce, warrant_lsp::DEFAULT_DEBOUNCE_MS);
}
