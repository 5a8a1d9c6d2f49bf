//! A cache entry's findings point where the technique was when they were made: a
//! technique that moved (text added above it) takes them moved with it, or the
//! report's spans would differ from a fresh audit's.

use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, Auditor, Cache, Submission, TacticEngine};

fn audit(text: &str, cache: Option<Cache>) -> String {
    let engine = TacticEngine::default();
    let options = AuditOptions { cache, ..AuditOptions::default() };
    Auditor::new(options, &engine)
        .audit(&[Submission { name: "gen.wr".into(), text: Some(text.into()) }])
        .report
        .to_json()
}

#[test]
fn a_moved_technique_does_not_take_its_old_findings() {
    // T0 has a `sorry`: a finding with a span. T2 above it uses it.
    let text = library("gen", Shape { count: 4, width: 2, fan_out: 1, proof_size: 2 }).replacen(
        "linarith [c0, c1, top]",
        "sorry",
        1,
    );
    let moved = text.replacen("technique T0(", "/// moved\n/// down\ntechnique T0(", 1);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let filled = audit(&text, Some(Cache::new(dir.path())));
    assert_eq!(filled, audit(&text, None));
    assert!(filled.contains("\"code\": \"sorry\""), "{filled}");
    // Same keys (doc comments are outside the items' text), other places: every entry
    // is used (nothing new is stored), its findings moved.
    let index = || std::fs::read_to_string(dir.path().join("v2/index")).expect("the index");
    let entries = index();
    assert_eq!(entries.lines().count(), 4);
    let warm = audit(&moved, Some(Cache::new(dir.path())));
    assert_eq!(warm, audit(&moved, None));
    assert_eq!(index(), entries);
    assert_ne!(warm, filled);
    // And where they were made, the entries are used again.
    assert_eq!(audit(&text, Some(Cache::new(dir.path()))), filled);
}
