//! What the pipeline tests share: the workspace root and running the `warrant`
//! binary. Each test file includes it with `mod support;`.

#![allow(dead_code)] // Each test file uses its own part.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root: paths in headers and commands are relative to it.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `warrant ARGS` in the workspace root.
pub fn warrant(args: &[&str]) -> Output {
    warrant_in(&root(), args)
}

/// Runs `warrant ARGS` in `dir`.
pub fn warrant_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run the warrant binary")
}
