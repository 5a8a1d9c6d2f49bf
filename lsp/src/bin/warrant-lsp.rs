//! `warrant-lsp`: the language server on its own (the same as `warrant lsp`), used by
//! the end-to-end editor test.

fn main() -> std::process::ExitCode {
    let mut config = warrant_lsp::Config::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--library" {
            config.library.extend(args.next().map(std::path::PathBuf::from));
        }
    }
    match warrant_lsp::run_stdio(config) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warrant-lsp: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
