//! The Coq export of the whole corpus is re-checked by `coqc`: every theorem the
//! kernel accepted (std lemmas, technique guarantees, accepted submissions) is
//! exported as a Coq project and built with `make`.
//!
//! Without `coqc` the test says so and passes, except on CI (`CI` set), where a
//! missing Coq is a failure: `.ci/run` installs it.

use std::path::Path;
use std::process::Command;

fn coqc_available() -> bool {
    Command::new("coqc").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// The accepted submissions, by their header.
fn accepted_submissions() -> Vec<String> {
    let mut out = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/submissions");
    for entry in std::fs::read_dir(dir).expect("corpus/submissions") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a submission");
        let accepted = text.lines().any(|l| l.trim() == "// expect: accepted");
        let challenge = text.lines().any(|l| l.starts_with("// challenge:"));
        if accepted && !challenge {
            out.push(path.display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn the_corpus_export_is_checked_by_coqc() {
    if !coqc_available() {
        assert!(std::env::var_os("CI").is_none(), "coqc is missing on CI: .ci/run must install coq");
        eprintln!("SKIPPED: coqc is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("warrant-coq-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut args: Vec<String> = vec!["export".into(), "coq".into(), "--library".into(), "corpus".into()];
    args.push("corpus/techniques".into());
    args.extend(accepted_submissions());
    args.push("-o".into());
    args.push(out.display().to_string());
    let export = Command::new(env!("CARGO_BIN_EXE_warrant")).current_dir(root).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(export.status.success(), "warrant export failed: {stderr}");
    assert!(stderr.contains("theorems and"), "{stderr}");
    let make = Command::new("make").arg("-C").arg(&out).arg("-j2").output().unwrap();
    assert!(
        make.status.success(),
        "coqc rejected the export:\n{}\n{}",
        String::from_utf8_lossy(&make.stdout),
        String::from_utf8_lossy(&make.stderr)
    );
    assert!(out.join("Warrant.vo").exists());
    let _ = std::fs::remove_dir_all(&out);
}
