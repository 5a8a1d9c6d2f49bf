//! What a cache entry answers: the key covers the engine's bounds, and an outcome that
//! hit a bound is not stored (a wall-clock bound may not be hit next time).

use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, Auditor, Cache, Submission, TacticEngine};

fn audit(text: &str, engine: &TacticEngine, cache: &std::path::Path) -> String {
    let options = AuditOptions { cache: Some(Cache::new(cache)), ..AuditOptions::default() };
    Auditor::new(options, engine)
        .audit(&[Submission { name: "gen.wr".into(), text: Some(text.into()) }])
        .report
        .to_json()
}

fn index_lines(cache: &std::path::Path) -> usize {
    std::fs::read_to_string(cache.join("v2/index")).map(|s| s.lines().count()).unwrap_or(0)
}

fn text() -> String {
    library("gen", Shape { count: 4, width: 2, fan_out: 1, proof_size: 2 })
}

#[test]
fn an_engine_with_other_bounds_does_not_read_the_entries() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let default = TacticEngine::default();
    let first = audit(&text(), &default, dir.path());
    assert_eq!(index_lines(dir.path()), 4);
    // The same engine again: every entry is used, nothing new is stored.
    assert_eq!(audit(&text(), &default, dir.path()), first);
    assert_eq!(index_lines(dir.path()), 4);
    // Other bounds: every technique is a miss, audited and stored under its own key.
    let mut other = TacticEngine::default();
    other.limits.arith.max_pivots -= 1;
    assert_eq!(audit(&text(), &other, dir.path()), first);
    assert_eq!(index_lines(dir.path()), 8);
    assert_eq!(audit(&text(), &other, dir.path()), first);
    assert_eq!(index_lines(dir.path()), 8);
}

/// The library of [`text`] with T1's guarantee weakened to its assumption `top`, proved
/// by `exact`: no arithmetic search.
fn one_without_arithmetic() -> String {
    let text = text();
    let t1 = text.find("technique T1(").expect("T1");
    let proof = "guarantee g: v0(m) <= 1 := by linarith [c0, c1, top]";
    let at = t1 + text[t1..].find(proof).expect("T1's guarantee");
    format!("{}guarantee g: v2(m) <= 1 := by exact top{}", &text[..at], &text[at + proof.len()..])
}

#[test]
fn an_outcome_that_hit_a_bound_is_not_stored() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut starved = TacticEngine::default();
    starved.limits.arith.max_pivots = 0;
    let text = one_without_arithmetic;
    let report = audit(&text(), &starved, dir.path());
    // T0 and T3 hit the bound; T2 hit it and uses T0; T1 needed no search.
    assert_eq!(report.matches("\"code\": \"limit\"").count(), 3, "{report}");
    assert_eq!(report.matches("\"verdict\": \"accepted\"").count(), 1, "{report}");
    // Only T1's outcome is stored. A second run replays T1 and searches again for the
    // others (and still stores nothing for them), with the same report.
    assert_eq!(index_lines(dir.path()), 1);
    assert_eq!(audit(&text(), &starved, dir.path()), report);
    assert_eq!(index_lines(dir.path()), 1);
    // With the bound lifted, the same cache gives the default engine's answer.
    let fresh = tempfile::tempdir().expect("a temporary directory");
    let default = TacticEngine::default();
    assert_eq!(audit(&text(), &default, dir.path()), audit(&text(), &default, fresh.path()));
}
