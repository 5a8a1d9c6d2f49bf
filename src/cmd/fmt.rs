//! `warrant fmt [--check] PATH...`: rewrite files in the canonical layout, keeping
//! every comment. With `--check`, change nothing and exit 1 when a file would change.
//! Files with parse errors are reported and left alone (exit 1); I/O errors exit 2.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use warrant_lang::render::{render, Style};
use warrant_lang::{Diagnostic, FileId, Limits, SourceInfo, SourceMap};

/// Arguments of `warrant fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or folders (folders are searched for `.wr` files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Do not write; exit 1 if any file is not formatted.
    #[arg(long)]
    pub check: bool,
}

fn collect(p: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if p.is_dir() {
        if depth > 64 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "wr") {
                collect(&e, out, depth + 1);
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
}

/// Runs `warrant fmt`.
pub fn run(args: &FmtArgs) -> ExitCode {
    let limits = Limits::default();
    let mut files = Vec::new();
    for p in &args.paths {
        if !p.exists() {
            eprintln!("warrant fmt: `{}` does not exist", p.display());
            return ExitCode::from(2);
        }
        collect(p, &mut files, 0);
    }
    let style = if std::io::stderr().is_terminal() { Style::Color } else { Style::Plain };
    let (mut failed, mut io_error) = (false, false);
    for f in files {
        let text = match std::fs::read(&f) {
            Ok(b) if b.len() <= limits.max_file_bytes => match String::from_utf8(b) {
                Ok(t) => t,
                Err(_) => {
                    eprintln!("warrant fmt: `{}` is not UTF-8", f.display());
                    failed = true;
                    continue;
                }
            },
            Ok(_) => {
                eprintln!("warrant fmt: `{}` is larger than {} bytes", f.display(), limits.max_file_bytes);
                failed = true;
                continue;
            }
            Err(e) => {
                eprintln!("warrant fmt: cannot read `{}`: {e}", f.display());
                io_error = true;
                continue;
            }
        };
        match warrant_lang::fmt::format_source(&text, &limits) {
            Err(errors) => {
                let mut sources = SourceMap::default();
                let file: FileId = sources.add(SourceInfo {
                    name: f.display().to_string(),
                    path: Some(f.clone()),
                    text: Arc::from(text.as_str()),
                });
                for error in errors {
                    eprintln!("{}", render(&sources, &Diagnostic { file, error }, style));
                }
                eprintln!("warrant fmt: `{}` has errors; not formatted", f.display());
                failed = true;
            }
            Ok(out) if out == text => {}
            Ok(out) => {
                if args.check {
                    println!("would reformat {}", f.display());
                    failed = true;
                } else if let Err(e) = std::fs::write(&f, out) {
                    eprintln!("warrant fmt: cannot write `{}`: {e}", f.display());
                    io_error = true;
                }
            }
        }
    }
    if io_error {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
