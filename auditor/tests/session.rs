//! `AuditSession` against fresh audits: after every edit, the session's JSON report
//! must be byte for byte the one a fresh `Auditor::audit` of the same text gives, and
//! the edits the session redoes in part must be redone in part.

use proptest::prelude::*;
use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, AuditSession, Auditor, Submission, TacticEngine, Verdict};

const SHAPE: Shape = Shape { count: 12, width: 4, fan_out: 2, proof_size: 2 };

fn submit(text: &str) -> [Submission; 1] {
    [Submission { name: "gen.wr".into(), text: Some(text.to_string()) }]
}

fn fresh(text: &str) -> String {
    let engine = TacticEngine::default();
    Auditor::new(AuditOptions::default(), &engine).audit(&submit(text)).report.to_json()
}

/// Replaces the first `from` after the header of technique `t`.
fn edit_in(text: &str, t: usize, from: &str, to: &str) -> String {
    let at = text.find(&format!("technique T{t}(m: Model) {{\n")).expect("the technique");
    let rel = text[at..].find(from).expect("the text to replace");
    format!("{}{}{}", &text[..at + rel], to, &text[at + rel + from.len()..])
}

/// Audits `text` in the session, compares with a fresh audit, and returns the verdict
/// and how many techniques the session audited again.
fn step(session: &mut AuditSession<'_>, text: &str) -> (Verdict, Option<usize>) {
    let report = &session.audit(&submit(text)).report;
    let (json, verdict) = (report.to_json(), report.verdict);
    assert_eq!(json, fresh(text), "the session's report differs from a fresh audit");
    (verdict, session.audited_again())
}

#[test]
fn edits_give_the_reports_of_fresh_audits() {
    let engine = TacticEngine::default();
    let mut session = AuditSession::new(AuditOptions::default(), &engine);
    let text = library("gen", SHAPE);
    assert_eq!(step(&mut session, &text), (Verdict::Accepted, None));
    // The same text again: nothing to redo.
    assert_eq!(step(&mut session, &text), (Verdict::Accepted, Some(0)));
    assert_eq!(session.audit(&submit(&text)).report.techniques.len(), 12);

    // A leaf of the top layer: only it.
    let leaf = edit_in(&text, 11, "  proposed_by", "  source \"edited\"\n  proposed_by");
    assert_eq!(step(&mut session, &leaf), (Verdict::Accepted, Some(1)));
    assert_eq!(step(&mut session, &text), (Verdict::Accepted, Some(1)));

    // Mid-layer, same length: T5, and what uses it in the top layer (T8..T11 use two
    // of T4..T7 each).
    let mid = edit_in(&text, 5, "agent:generator", "agent:generatoR");
    let (verdict, redone) = step(&mut session, &mid);
    assert_eq!(verdict, Verdict::Accepted);
    assert!(redone.is_some_and(|n| (2..12).contains(&n)), "{redone:?}");

    // T5's guarantee no longer follows: it is rejected, and so is what uses it.
    let failing = edit_in(&mid, 5, "linarith [c0, c1, top]", "sorry");
    let (verdict, redone) = step(&mut session, &failing);
    assert_eq!(verdict, Verdict::Rejected);
    assert!(redone.is_some(), "a failing proof is redone in part");
    // And back.
    let (verdict, redone) = step(&mut session, &mid);
    assert_eq!(verdict, Verdict::Accepted);
    assert!(redone.is_some());

    // A non-technique item: a full audit.
    let other = mid.replace("fn v2(m: Model): Rat", "fn v2(m: Model): Rat\nfn w(m: Model): Rat");
    assert_eq!(step(&mut session, &other), (Verdict::Accepted, None));

    // A parse error, and back (the erroneous program is not updated in part).
    let unparsable = edit_in(&other, 7, "assume c0:", "assume c0");
    assert_eq!(step(&mut session, &unparsable), (Verdict::Rejected, None));
    assert_eq!(step(&mut session, &other), (Verdict::Accepted, None));

    // A cycle (T1 uses T9, which rests on T1), and back.
    let cycle = edit_in(&other, 1, "  proposed_by", "  use back = T9(m)\n  proposed_by");
    assert_eq!(step(&mut session, &cycle), (Verdict::Rejected, None));
    assert_eq!(step(&mut session, &other), (Verdict::Accepted, None));
    // After a full audit the fast path is open again: T10 is longer, and T11 after it
    // moves without being audited again.
    assert_eq!(
        step(&mut session, &edit_in(&other, 10, "  proposed_by", "  source \"x\"\n  proposed_by")).1,
        Some(1)
    );
}

#[test]
fn a_longer_edit_low_down_redoes_the_layers_above_with_checked_theorems() {
    let engine = TacticEngine::default();
    let mut session = AuditSession::new(AuditOptions::default(), &engine);
    let text = library("gen", SHAPE);
    step(&mut session, &text);
    // A doc comment in layer 0 moves everything after it. T2 is lowered again, and
    // audited again with what uses it (T5, T6, and T8, T9, T10 on them), against a
    // signature cut back to layer 0's start; the others moved and are kept, the
    // theorems of layers 1 and 2 checked again.
    let documented = text.replace("technique T2(", "/// The second.\ntechnique T2(");
    assert_eq!(step(&mut session, &documented), (Verdict::Accepted, Some(6)));
    // Same length, in layer 0: T1 and T2 are redone, and what uses them; T0 and T3 are
    // kept, and so are the layer-1 techniques that do not rest on T1 or T2, whose
    // theorems are checked again against the new layer-0 theorems' signature.
    let renamed = edit_in(&documented, 1, "agent:generator", "agent:generatoR");
    let (verdict, redone) = step(&mut session, &renamed);
    assert_eq!(verdict, Verdict::Accepted);
    assert!(redone.is_some_and(|n| n < 12), "{redone:?}");
}

/// The library with findings that have spans after T5: a `sorry` in T11, an unused
/// assumption in T7, and an axiom at the end (a finding made before the techniques').
fn with_findings_after_the_middle() -> String {
    let text = library("gen", SHAPE);
    let text = edit_in(&text, 11, "linarith [c0, c1, top]", "sorry");
    let text = edit_in(&text, 7, "  assume top", "  assume spare: v0(m) <= 7\n  assume top");
    format!("{text}axiom late: forall m: Model. v0(m) <= 1\n")
}

#[test]
fn a_length_changing_edit_in_the_middle_moves_the_kept_findings() {
    let engine = TacticEngine::default();
    let mut session = AuditSession::new(AuditOptions::default(), &engine);
    let text = with_findings_after_the_middle();
    let first = step(&mut session, &text);
    let json = fresh(&text);
    for code in ["\"sorry\"", "\"unused-assumption\"", "\"new-axiom\""] {
        assert!(json.contains(code), "{code} in {json}");
    }
    // T5, and what uses it: T8, T9. T7 and T11, with their findings, and the axiom
    // move and are kept.
    let longer = edit_in(&text, 5, "agent:generator", "agent:generator, at length");
    let shorter = edit_in(&text, 5, "  proposed_by \"agent:generator\"\n", "");
    for edited in [&longer, &text, &shorter, &text] {
        assert_eq!(step(&mut session, edited), (first.0, Some(3)));
    }
    // A doc comment added right before T6: T6 and what uses it (T9, T10).
    let documented = text.replace("technique T6(", "/// The sixth.\ntechnique T6(");
    assert_eq!(step(&mut session, &documented), (first.0, Some(3)));
    // An edit of T7, whose finding is made again: T7 and T10, T11.
    let seventh = edit_in(&documented, 7, "agent:generator", "agent:generator, at length");
    assert_eq!(step(&mut session, &seventh), (first.0, Some(3)));
}

#[test]
fn a_session_with_a_disk_cache_moves_what_it_keeps_as_a_fresh_audit_places_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let engine = TacticEngine::default();
    let cached =
        || AuditOptions { cache: Some(warrant_auditor::Cache::new(dir.path())), ..AuditOptions::default() };
    let mut session = AuditSession::new(cached(), &engine);
    let text = with_findings_after_the_middle();
    let longer = edit_in(&text, 5, "agent:generator", "agent:generator, at length");
    for (edited, partly) in [(&text, false), (&longer, true), (&text, true), (&longer, true)] {
        let json = session.audit(&submit(edited)).report.to_json();
        assert_eq!(session.audited_again().is_some(), partly);
        assert_eq!(json, fresh(edited));
        // A fresh audit reading the cache the session wrote gives the same report:
        // an entry is used only where its technique is.
        let warm = Auditor::new(cached(), &engine).audit(&submit(edited)).report.to_json();
        assert_eq!(warm, json);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Random edit sequences of a small library: every report is a fresh audit's.
    #[test]
    fn random_edit_sequences_give_fresh_reports(edits in proptest::collection::vec((0usize..12, 0usize..7), 1..5)) {
        let engine = TacticEngine::default();
        let mut session = AuditSession::new(AuditOptions::default(), &engine);
        let mut text = library("gen", SHAPE);
        step(&mut session, &text);
        for (t, kind) in edits {
            let (from, to) = match kind {
                0 => ("  proposed_by", "  source \"x\"\n  proposed_by"),
                1 => ("agent:generator", "agent:generatoR"),
                2 => ("linarith [c0, c1, top]", "sorry"),
                3 => ("v0(m) = 0;", "v0(m) = 5;"),
                4 => ("  proposed_by \"agent:generator\"\n", ""),
                5 => ("0 }\n}\n", "1 }\n}\n//\n"),
                _ => ("  assume top", "  assume extra: v0(m) <= 7\n  assume top"),
            };
            let header = format!("technique T{t}(m: Model) {{\n");
            let at = text.find(&header).unwrap();
            if text[at..].contains(from) {
                text = edit_in(&text, t, from, to);
            }
            step(&mut session, &text);
        }
    }
}

#[test]
fn one_thread_gives_the_same_reports() {
    let text = library("gen", SHAPE);
    let edits = [
        edit_in(&text, 11, "  proposed_by", "  source \"edited\"\n  proposed_by"),
        edit_in(&text, 5, "linarith [c0, c1, top]", "sorry"),
        text.clone(),
    ];
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
    let engine = TacticEngine::default();
    let mut session = AuditSession::new(AuditOptions::default(), &engine);
    pool.install(|| session.audit(&submit(&text)));
    for edited in &edits {
        // The fresh audit runs on the global pool (the machine's threads).
        let one_thread = pool.install(|| session.audit(&submit(edited)).report.to_json());
        assert!(session.audited_again().is_some(), "redone in part");
        assert_eq!(one_thread, fresh(edited));
    }
}

#[test]
fn a_session_with_a_disk_cache_gives_the_same_reports() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let engine = TacticEngine::default();
    let options =
        AuditOptions { cache: Some(warrant_auditor::Cache::new(dir.path())), ..AuditOptions::default() };
    let mut session = AuditSession::new(options, &engine);
    let text = library("gen", SHAPE);
    let failing = edit_in(&text, 5, "linarith [c0, c1, top]", "sorry");
    // Audited, then the failing edit and back: the last is answered by the cache's
    // entries for the original text, re-checked by the kernel.
    for (edited, partly) in [(&text, false), (&failing, true), (&text, true)] {
        let json = session.audit(&submit(edited)).report.to_json();
        assert_eq!(session.audited_again().is_some(), partly);
        assert_eq!(json, fresh(edited));
    }
}

/// A submission that imports a module from a library root, and one from its own
/// directory: the session redoes edits in part while those files read the same, and
/// does a full audit when one changes or a file appears where the import search found
/// none (it would shadow the embedded standard library), each time with the report of
/// a fresh audit.
#[test]
fn imports_read_from_disk_are_compared_on_each_call() {
    let root = tempfile::tempdir().expect("a temporary directory");
    let (own, lib) = (root.path().join("own"), root.path().join("lib"));
    std::fs::create_dir_all(lib.join("defs")).expect("the library's folder");
    std::fs::create_dir_all(&own).expect("the submission's folder");
    let defs = lib.join("defs").join("model.wr");
    std::fs::write(&defs, "module defs.model\nsort Model\nfn rate(m: Model): Rat\n").expect("write");
    let sibling = own.join("extra.wr");
    std::fs::write(&sibling, "module extra\nfn cost(m: defs.model.Model): Rat\nimport defs.model\n")
        .expect("write");
    let options = AuditOptions { library: vec![lib.clone()], ..AuditOptions::default() };
    let name = own.join("mine.wr").display().to_string();
    let text = |bound: &str| {
        format!(
            "module mine\nimport defs.model\nimport extra\nimport std.prob\n\n\
             technique T(m: Model) {{\n  assume a: rate(m) <= {bound}\n  assume b: cost(m) <= 1\n\
             \x20 guarantee g: rate(m) + cost(m) <= 2 := by linarith [a, b]\n  witness {{ rate(m) = 0; cost(m) = 0 }}\n}}\n"
        )
    };
    let submit = |t: &str| [Submission { name: name.clone(), text: Some(t.to_string()) }];
    let engine = TacticEngine::default();
    let fresh = |t: &str| Auditor::new(options.clone(), &engine).audit(&submit(t)).report.to_json();
    let mut session = AuditSession::new(options.clone(), &engine);
    let mut step = |t: &str| {
        let report = session.audit(&submit(t)).report.to_json();
        assert_eq!(report, fresh(t), "the session's report differs from a fresh audit");
        assert!(report.contains("\"verdict\": \"accepted\""), "{report}");
        session.audited_again()
    };
    assert_eq!(step(&text("1")), None);
    assert_eq!(step(&text("1/2")), Some(1));
    // The library file changes (same meaning, other text): a full audit.
    std::fs::write(&defs, "module defs.model\n\nsort Model\nfn rate(m: Model): Rat\n").expect("write");
    assert_eq!(step(&text("1")), None);
    assert_eq!(step(&text("1/2")), Some(1));
    // So does a change of the file found on the submission's own root.
    std::fs::write(&sibling, "module extra\nimport defs.model\nfn cost(m: defs.model.Model): Rat\n")
        .expect("write");
    assert_eq!(step(&text("1")), None);
    assert_eq!(step(&text("1/2")), Some(1));
    // A file appears where the search for `std.prob` looked first: it would be found
    // by a new load instead of the embedded one.
    std::fs::create_dir_all(own.join("std")).expect("a folder");
    std::fs::write(own.join("std").join("prob.wr"), "module std.prob\nfn p(x: Rat): Rat\n").expect("write");
    assert_eq!(step(&text("1")), None);
    assert_eq!(step(&text("1/2")), Some(1));
}
