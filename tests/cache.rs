//! The audit cache: a hit gives the same report as a cold audit, a corrupted or
//! forged entry is a miss (its proofs are re-checked by the kernel), and editing a
//! technique invalidates it and what uses it, nothing else.

use std::path::{Path, PathBuf};
use warrant_auditor::{AuditOptions, Auditor, Cache, Submission, TacticEngine};

const LIBRARY: &str = r#"module lib
sort Model
fn rate(m: Model): Rat
def cap(m: Model): Rat = 1/2

technique Base(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/5 := by linarith [low]
  witness { rate(u) = 0 }
}

technique Above(u: Model) {
  use b = Base(u)
  assume low: rate(u) <= 1/10
  discharge b.low by low
  guarantee g: rate(u) <= 1/4 := by linarith [b.g]
  witness { rate(u) = 0 }
}

technique Apart(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/2 := by linarith [low]
  witness { rate(u) = 0 }
}
"#;

fn audit_json(text: &str, cache: &Path) -> String {
    let engine = TacticEngine::default();
    let options = AuditOptions { cache: Some(Cache::new(cache)), ..AuditOptions::default() };
    let audit = Auditor::new(options, &engine)
        .audit(&[Submission { name: "lib.wr".into(), text: Some(text.into()) }]);
    audit.report.to_json()
}

/// The report's overall verdict.
fn verdict(report: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(report).expect("a JSON report");
    doc["verdict"].as_str().unwrap_or("?").to_string()
}

/// The cache's index lines (one per stored entry) and its pack files.
fn stored(dir: &Path) -> (Vec<String>, Vec<PathBuf>) {
    let index = std::fs::read_to_string(dir.join("v2/index")).unwrap_or_default();
    let mut packs: Vec<PathBuf> =
        std::fs::read_dir(dir.join("v2/packs")).into_iter().flatten().flatten().map(|e| e.path()).collect();
    packs.sort();
    (index.lines().map(str::to_string).collect(), packs)
}

#[test]
fn hits_misses_and_invalidation() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let cold = audit_json(LIBRARY, dir);
    assert_eq!(verdict(&cold), "accepted", "{cold}");
    let (lines, packs) = stored(dir);
    assert_eq!(lines.len(), 3, "one entry per technique");
    assert_eq!(packs.len(), 1, "one pack per run");
    // A warm audit gives the same bytes, and stores nothing new.
    assert_eq!(audit_json(LIBRARY, dir), cold);
    assert_eq!(stored(dir), (lines.clone(), packs.clone()));
    // Forged entries (a proof made to prove something else) are misses: the kernel
    // re-checks them, and the audit redoes the search and gets the same report.
    let text = std::fs::read_to_string(&packs[0]).unwrap();
    assert!(text.contains("\"1/5\"") && text.contains("\"1/4\"") && text.contains("\"1/2\""), "{text}");
    let forged =
        text.replace("\"1/5\"", "\"1/50\"").replace("\"1/4\"", "\"1/40\"").replace("\"1/2\"", "\"1/20\"");
    std::fs::write(&packs[0], forged).unwrap();
    assert_eq!(audit_json(LIBRARY, dir), cold);
    // A damaged pack is a miss too.
    for p in &stored(dir).1 {
        std::fs::write(p, "[ not json").unwrap();
    }
    assert_eq!(audit_json(LIBRARY, dir), cold);
    // Editing Base invalidates Base and Above, not Apart: two new entries.
    let before = stored(dir).0.len();
    let edited =
        LIBRARY.replace("technique Base(u: Model) {\n", "technique Base(u: Model) {\n  source \"edited\"\n");
    let report = audit_json(&edited, dir);
    assert_eq!(verdict(&report), "accepted", "{report}");
    assert_eq!(stored(dir).0.len(), before + 2);
    // Changing an item that is not a technique (here a definition nothing uses)
    // invalidates every technique of the module: three new entries.
    let before = stored(dir).0.len();
    let changed = edited.replace("= 1/2\n", "= 1/3\n");
    assert_ne!(changed, edited);
    let report = audit_json(&changed, dir);
    assert_eq!(verdict(&report), "accepted", "{report}");
    assert_eq!(stored(dir).0.len(), before + 3);
}

#[test]
fn a_files_limits_are_part_of_the_key() {
    let dir = std::env::temp_dir().join(format!("warrant-cache-limits-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cold = audit_json(LIBRARY, &dir);
    assert_eq!(verdict(&cold), "accepted", "{cold}");
    // The same file lowering a bound below what its proofs need: a cached success from
    // the run above must not stand in for the search these limits allow.
    let lowered = LIBRARY.replace("sort Model\n", "sort Model\nlimits { arith_pivots = 1 }\n");
    let fresh = std::env::temp_dir().join(format!("warrant-cache-limits-cold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let expected = audit_json(&lowered, &fresh);
    assert_eq!(verdict(&expected), "rejected", "{expected}");
    assert!(expected.contains("max_pivots"), "{expected}");
    assert_eq!(audit_json(&lowered, &dir), expected);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&fresh);
}
