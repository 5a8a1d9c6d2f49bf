//! `warrant.toml` manifests: `warrant check DIR` skips what a manifest excludes and
//! says so; `warrant audit DIR` ignores manifests, so a submitter's manifest cannot
//! hide a file from the gate; a bad manifest is a diagnostic with a span.

use std::path::Path;

mod support;
use support::warrant_in;

/// A folder with a good module, and a `bad/` folder whose technique rests on `sorry`.
fn project(manifest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    std::fs::create_dir_all(root.join("bad")).unwrap();
    std::fs::write(root.join("warrant.toml"), manifest).unwrap();
    std::fs::write(root.join("good.wr"), "module good\nlemma one_pos: 0 < 1 := by linarith\n").unwrap();
    std::fs::write(
        root.join("bad/hole.wr"),
        "module bad.hole\ntechnique Hole(x: Rat) {\n  guarantee g: x < x := by sorry\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_skips_what_the_manifest_excludes_and_reports_it() {
    let dir = project("exclude = [\"bad\"]\n");
    let out = warrant_in(dir.path(), &["check", "lib"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let note = format!(
        "note: not checked: `{}` (1 .wr file(s)), excluded by `{}`",
        Path::new("lib").join("bad").display(),
        Path::new("lib").join("warrant.toml").display()
    );
    assert!(stdout.lines().any(|l| l == note), "{stdout}");
    // Naming the excluded folder checks it.
    let out = warrant_in(dir.path(), &["check", "lib/bad"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn audit_ignores_manifests() {
    let dir = project("exclude = [\"bad\"]\n");
    let out = warrant_in(dir.path(), &["audit", "--no-cache", "--format", "json", "lib"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report["verdict"], "rejected");
    let codes: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"sorry"), "{codes:?}");
}

#[test]
fn a_bad_manifest_is_a_diagnostic_with_a_span() {
    let dir = project("exclude = [\"bda\"]\n");
    let out = warrant_in(dir.path(), &["check", "--format", "json", "lib"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "warrant::manifest", "{doc}");
    assert_eq!(d["message"], "`bda` does not exist", "{doc}");
    assert_eq!(d["line"], 1, "{doc}");
}
