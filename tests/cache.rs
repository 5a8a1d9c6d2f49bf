//! The audit cache: a hit gives the same report as a cold audit, a corrupted or
//! forged entry is a miss (its proofs are re-checked by the kernel), and editing a
//! technique invalidates it and what uses it, nothing else.

use std::path::{Path, PathBuf};
use warrant_auditor::{AuditOptions, Auditor, Cache, Submission, TacticEngine};

const LIBRARY: &str = r#"module lib
sort Model
fn rate(m: Model): Rat

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

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn hits_misses_and_invalidation() {
    let dir = std::env::temp_dir().join(format!("warrant-cache-pipeline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cold = audit_json(LIBRARY, &dir);
    assert!(cold.contains("\"verdict\": \"accepted\""), "{cold}");
    let stored = entries(&dir);
    assert_eq!(stored.len(), 3, "one entry per technique");
    // A warm audit gives the same bytes.
    assert_eq!(audit_json(LIBRARY, &dir), cold);
    // Forged entries (here: garbage, and a proof made to prove something else) are misses.
    std::fs::write(&stored[0], "{ not json").unwrap();
    for p in &stored[1..] {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.contains("\"1/5\"") || text.contains("\"1/4\"") || text.contains("\"1/2\""), "{text}");
        std::fs::write(
            p,
            text.replace("\"1/5\"", "\"1/50\"").replace("\"1/4\"", "\"1/40\"").replace("\"1/2\"", "\"1/20\""),
        )
        .unwrap();
    }
    assert_eq!(audit_json(LIBRARY, &dir), cold);
    // Editing Base invalidates Base and Above, not Apart: two new entries.
    let before = entries(&dir).len();
    let edited =
        LIBRARY.replace("technique Base(u: Model) {\n", "technique Base(u: Model) {\n  source \"edited\"\n");
    let report = audit_json(&edited, &dir);
    assert!(report.contains("\"verdict\": \"accepted\""));
    assert_eq!(entries(&dir).len(), before + 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_files_limits_are_part_of_the_key() {
    let dir = std::env::temp_dir().join(format!("warrant-cache-limits-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cold = audit_json(LIBRARY, &dir);
    assert!(cold.contains("\"verdict\": \"accepted\""), "{cold}");
    // The same file lowering a bound below what its proofs need: a cached success from
    // the run above must not stand in for the search these limits allow.
    let lowered = LIBRARY.replace("sort Model\n", "sort Model\nlimits { arith_pivots = 1 }\n");
    let fresh = std::env::temp_dir().join(format!("warrant-cache-limits-cold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let expected = audit_json(&lowered, &fresh);
    assert!(expected.contains("\"verdict\": \"rejected\""), "{expected}");
    assert!(expected.contains("max_pivots"), "{expected}");
    assert_eq!(audit_json(&lowered, &dir), expected);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&fresh);
}
