//! Certificate bundles end to end: `warrant audit --bundle` writes one for an accepted
//! submission (with and without a challenge), `warrant verify` re-checks it with the
//! kernel alone, and a bundle changed anywhere is refused with a clear reason.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use warrant_kernel::bundle::{summary, verify, verify_on, Bundle, ClaimKind};
use warrant_kernel::{Declaration, Formula, Step};

mod support;
use support::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warrant-bundle-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir.join(name)
}

/// The bundle of the corpus submission that meets the challenge (made once).
fn answered() -> &'static (PathBuf, Bundle) {
    static B: OnceLock<(PathBuf, Bundle)> = OnceLock::new();
    B.get_or_init(|| {
        let out = scratch("answered.json");
        let bundle = audited_bundle(
            &out,
            &[
                "--library",
                "corpus",
                "--challenge",
                "corpus/challenges/safe_deployment.wr",
                "corpus/submissions/challenge_answered.wr",
            ],
        );
        (out, bundle)
    })
}

/// Runs `warrant audit --no-cache --bundle OUT ARGS...`, which must accept, and reads
/// the bundle it wrote.
fn audited_bundle(out: &std::path::Path, args: &[&str]) -> Bundle {
    let mut all = vec!["audit", "--no-cache", "--bundle", out.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    let o = warrant(&all);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    Bundle::from_json(&std::fs::read_to_string(out).expect("bundle written")).expect("bundle reads")
}

fn verify_file(path: &Path) -> (Option<i32>, String) {
    let o = warrant(&["verify", path.to_str().expect("utf-8 path")]);
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Writes `text` to the scratch file `name` and runs `warrant verify` on it: exit code
/// and output.
fn verify_written(name: &str, text: &str) -> (Option<i32>, String) {
    let path = scratch(name);
    std::fs::write(&path, text).expect("write");
    verify_file(&path)
}

/// Writes `b` and runs `warrant verify` on it: exit code and output.
fn verify_changed(name: &str, b: &Bundle) -> (Option<i32>, String) {
    verify_written(name, &b.to_json().expect("encode"))
}

/// A changed bundle with its hashes recomputed: only the kernel can catch it.
fn rehashed(mut b: Bundle) -> Bundle {
    b.hashes = b.compute_hashes().expect("hashes");
    b
}

fn refused(b: &Bundle, expect: &str) {
    let e = verify(b).expect_err("a changed bundle must be refused");
    assert!(e.reason.contains(expect), "reason `{}` does not mention `{expect}`", e.reason);
}

#[test]
fn a_met_challenge_verifies_and_prints_what_was_proved() {
    let (path, b) = answered();
    let (code, out) = verify_file(path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("challenge met: challenges.safe_deployment.SafeDeployment"), "{out}");
    assert!(out.contains("requirement challenges.safe_deployment.SafeDeployment.safe"), "{out}");
    assert!(out.contains("trust base:"), "{out}");
    assert_eq!(b.claims.iter().filter(|c| c.kind == ClaimKind::Requirement).count(), 2);
    // The requirement theorems rest only on the challenge's allows.
    let m = b.challenge.as_ref().expect("challenge recorded");
    for c in b.claims.iter().filter(|c| c.kind == ClaimKind::Requirement) {
        assert_eq!(c.assumptions, m.allows);
    }
}

#[test]
fn no_bundle_for_a_rejected_submission() {
    let out = scratch("unmet.json");
    let o = warrant(&[
        "audit",
        "--no-cache",
        "--library",
        "corpus",
        "--challenge",
        "corpus/challenges/safe_deployment.wr",
        "--bundle",
        out.to_str().expect("utf-8 path"),
        "corpus/submissions/challenge_unmet.wr",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no bundle written"));
}

#[test]
fn verify_exit_codes() {
    let (code, _) = verify_file(&scratch("missing.json"));
    assert_eq!(code, Some(2), "an unreadable file is an I/O error");
    let garbage = scratch("garbage.json");
    std::fs::write(&garbage, "{ not json").expect("write");
    let (code, out) = verify_file(&garbage);
    assert_eq!(code, Some(1));
    assert!(out.contains("not a readable bundle"), "{out}");
}

#[test]
fn a_changed_proof_step_is_refused() {
    let (_, b) = answered();
    let mut c = b.clone();
    let e = c.declarations.iter_mut().rev().find_map(|e| e.proof.as_mut()).expect("a theorem with a proof");
    // Replace the first hypothesis step by `true`: the proof no longer proves its theorem.
    let step =
        e.proof.steps.iter_mut().find(|s| matches!(s, Step::Hypothesis { .. })).expect("a hypothesis step");
    *step = Step::TrueIntro;
    refused(&rehashed(c.clone()), "the proof of theorem");
    refused(&c, "the proof of theorem"); // the kernel speaks first, whatever the hashes
    let (code, out) = verify_changed("step.json", &rehashed(c));
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: the proof of theorem"), "{out}");
}

#[test]
fn a_changed_statement_is_refused() {
    let (_, b) = answered();
    let mut c = b.clone();
    let Some(Declaration::Theorem { statement, .. }) = c
        .declarations
        .iter_mut()
        .map(|e| &mut e.declaration)
        .find(|d| matches!(d, Declaration::Theorem { .. }))
    else {
        panic!("a theorem")
    };
    *statement = Formula::True;
    refused(&rehashed(c), "not the stated");
}

#[test]
fn a_dropped_assumption_is_refused() {
    let (_, b) = answered();
    // Dropped from the trust base.
    let mut c = b.clone();
    c.trust_base.assumptions.pop();
    refused(&rehashed(c), "the trust base omits the assumption");
    // Dropped from a claim: it no longer states its theorem.
    let mut c = b.clone();
    c.claims[0].assumptions.pop();
    refused(&rehashed(c), "states");
    // Dropped from a challenge's allows: the requirement claims no longer match it.
    let mut c = b.clone();
    if let Some(m) = c.challenge.as_mut() {
        m.allows.pop();
    }
    refused(&rehashed(c), "not the challenge's statement");
}

#[test]
fn a_changed_hash_is_refused() {
    let (_, b) = answered();
    for field in 0..5 {
        let mut c = b.clone();
        let h = match field {
            0 => &mut c.hashes.tables,
            1 => &mut c.hashes.declarations,
            2 => &mut c.hashes.proofs,
            3 => &mut c.hashes.claims,
            _ => &mut c.hashes.bundle,
        };
        *h = "0".repeat(64);
        refused(&c, "hash does not match");
    }
    // A claim renamed without recomputing the hashes.
    let mut c = b.clone();
    c.claims[0].name.push('x');
    refused(&c, "hash does not match");
}

#[test]
fn a_changed_version_or_verdict_is_refused() {
    let (_, b) = answered();
    let mut c = b.clone();
    c.kernel_version = "0.0.0".into();
    refused(&c, "kernel 0.0.0");
    let mut c = b.clone();
    c.format = "warrant-bundle/0".into();
    refused(&c, "unsupported bundle format");
    let mut c = b.clone();
    c.verdict = "rejected".into();
    refused(&c, "verdict");
}

#[test]
fn a_dropped_declaration_is_refused() {
    let (_, b) = answered();
    let mut c = b.clone();
    c.declarations.remove(0);
    refused(&rehashed(c), "refused");
}

#[test]
fn the_coq_export_reads_a_bundle() {
    let (path, _) = answered();
    let dir = scratch("coq");
    let o = warrant(&["export", "coq", path.to_str().expect("utf-8"), "-o", dir.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let files: Vec<_> =
        std::fs::read_dir(&dir).expect("coq project").flatten().map(|e| e.file_name()).collect();
    assert!(files.iter().any(|f| f.to_string_lossy().ends_with(".v")), "{files:?}");
}

/// The bundle's text as `warrant audit --bundle` wrote it.
fn answered_text() -> String {
    std::fs::read_to_string(&answered().0).expect("bundle written")
}

/// `text` with `edit` applied to its JSON value.
fn edited(text: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("json");
    edit(&mut value);
    value.to_string()
}

#[test]
fn decoding_in_parts_reads_what_the_measured_decoder_reads() {
    // `Bundle::from_json` decodes the tables, the declarations and the rest on two
    // threads; the result must be what writing gave, and what the measured decoder
    // (used for deep documents) reads.
    let (_, b) = answered();
    let text = answered_text();
    assert_eq!(&Bundle::from_json(&text).expect("reads"), b);
    // Pretty-printed: the same bundle (and it verifies, the re-encoding giving the
    // recorded hashes).
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let pretty = serde_json::to_string_pretty(&value).expect("encode");
    assert_eq!(&Bundle::from_json(&pretty).expect("reads"), b);
    // A bundle without a challenge: the field absent, or null.
    let absent = edited(&text, |v| {
        v.as_object_mut().expect("an object").remove("challenge");
    });
    assert_eq!(Bundle::from_json(&absent).expect("reads").challenge, None);
    let null = edited(&text, |v| v["challenge"] = serde_json::Value::Null);
    assert_eq!(Bundle::from_json(&null).expect("reads").challenge, None);
}

#[test]
fn deep_formulas_are_stored_flat() {
    // 300 nested negations, in a claim and in a proof step: each is one flat entry of
    // the formula table, so the document stays shallow and reads back the same.
    let (_, b) = answered();
    let mut f = Formula::True;
    for _ in 0..300 {
        f = Formula::Not(Arc::new(f));
    }
    let mut c = b.clone();
    c.claims[0].conclusion = f.clone();
    let text = c.to_json().expect("encode");
    assert!(warrant_kernel::json::json_depth(text.as_bytes()) < 16);
    assert_eq!(Bundle::from_json(&text).expect("reads"), c);
    refused(&rehashed(c), "states");
    let mut c = b.clone();
    let tp = c.declarations.iter_mut().rev().find_map(|e| e.proof.as_mut()).expect("a theorem with a proof");
    tp.proof.steps.push(Step::Assume { formula: f });
    let text = c.to_json().expect("encode");
    assert!(warrant_kernel::json::json_depth(text.as_bytes()) < 16);
    assert_eq!(Bundle::from_json(&text).expect("reads"), c);
    refused(&rehashed(c), "rests on the undischarged assumption not not");
}

#[test]
fn a_deep_document_is_refused_by_the_measured_decoder() {
    // Too deep for serde_json's recursion limit: the measured decoder refuses it for
    // its depth before decoding anything.
    let (code, out) = verify_written("deep.json", &format!("{{\"format\": {}", "[".repeat(100_000)));
    assert_eq!(code, Some(1));
    assert_eq!(out, "refused: not a readable bundle: limit `max_json_depth` (2048) exceeded\n");
}

#[test]
fn a_changed_shared_formula_is_refused() {
    // The statement of the first theorem, changed in the formula table: every part
    // that names it changes with it.
    let text = answered_text();
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let statement = value["declarations"]
        .as_array()
        .expect("an array")
        .iter()
        .find_map(|e| e["declaration"]["Theorem"]["statement"].as_u64())
        .expect("a theorem");
    let changed = edited(&text, |v| v["formulas"][statement as usize] = "True".into());
    // With the hashes as they were, and recomputed: the kernel speaks first.
    let c = Bundle::from_json(&changed).expect("reads");
    assert_ne!(&c, &answered().1);
    refused(&c, "not the stated `true`");
    refused(&rehashed(c), "not the stated `true`");
    let (code, out) = verify_written("shared.json", &changed);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: the proof of theorem"), "{out}");
}

#[test]
fn a_bad_table_reference_is_refused_by_the_command() {
    let text = answered_text();
    let forward = edited(&text, |v| v["formulas"][0] = serde_json::json!({ "Not": 0 }));
    let (code, out) = verify_written("cycle.json", &forward);
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "refused: not a readable bundle: formula 0 names formula 0, which is not an earlier entry of the table\n"
    );
}

#[test]
fn another_format_is_refused_with_its_name() {
    let old = edited(&answered_text(), |v| v["format"] = "warrant-bundle/1".into());
    let (code, out) = verify_written("old.json", &old);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: unsupported bundle format `warrant-bundle/1`"), "{out}");
}

#[test]
fn an_unreadable_part_is_refused() {
    let text = answered_text();
    for (part, garbage) in
        [("declarations", r#"[{"declaration": {"Nope": 1}}]"#), ("claims", "[1]"), ("trust_base", "{}")]
    {
        let changed = edited(&text, |v| v[part] = serde_json::from_str(garbage).expect("json"));
        let e = Bundle::from_json(&changed).expect_err("refused");
        assert!(e.reason.starts_with("not a readable bundle: "), "{part}: {}", e.reason);
    }
}

#[test]
fn the_command_hashes_the_stored_text_or_its_re_encoding() {
    let (_, b) = answered();
    // Re-formatted but unchanged: the re-encoding gives the recorded hashes.
    let pretty = scratch("pretty.json");
    let value: serde_json::Value = serde_json::from_str(&answered_text()).expect("json");
    std::fs::write(&pretty, serde_json::to_string_pretty(&value).expect("encode")).expect("write");
    let (code, out) = verify_file(&pretty);
    assert_eq!(code, Some(0), "{out}");
    // A recorded hash changed, or a claim renamed without rehashing: refused.
    let mut c = b.clone();
    c.hashes.claims = "0".repeat(64);
    let (code, out) = verify_changed("zeroed.json", &c);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: the claims hash does not match"), "{out}");
    let mut c = b.clone();
    c.claims[0].name.push('x');
    let (code, out) = verify_changed("renamed.json", &c);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: the claims hash does not match"), "{out}");
}

/// The bundle of the techniques corpus (made once): its theorems come in one stretch,
/// some citing earlier ones, so its proofs are checked in parallel batches.
fn corpus_bundle() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| audited_bundle(&scratch("corpus.json"), &["corpus/techniques"]))
}

/// What `verify_on` gives `b` with 1, 2 and 3 threads, which must be one outcome: the
/// summary, signature and proofs when it verifies, the reason when it does not.
fn outcome_on_any_thread_count(b: &Bundle) -> Result<String, String> {
    let outcomes: Vec<_> = [1, 2, 3]
        .into_iter()
        .map(|threads| {
            verify_on(b, threads)
                .map(|v| (summary(b, &v), v.signature.declarations().to_vec(), v.theorem_proofs))
                .map_err(|e| e.reason)
        })
        .collect();
    for (threads, o) in [2, 3].into_iter().zip(&outcomes[1..]) {
        assert_eq!(o, &outcomes[0], "{threads} threads against one");
    }
    outcomes[0].clone().map(|(summary, _, _)| summary)
}

/// The indices of `b`'s theorems with proofs, and for each the indices of the theorems it
/// cites.
fn theorems_and_citations(b: &Bundle) -> Vec<(usize, Vec<usize>)> {
    let position = |n: &str| b.declarations.iter().position(|e| &**e.declaration.name() == n);
    b.declarations
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let tp = e.proof.as_ref()?;
            let cited = tp
                .proof
                .steps
                .iter()
                .filter_map(|s| match s {
                    Step::Theorem { name, .. } => position(name),
                    _ => None,
                })
                .collect();
            Some((i, cited))
        })
        .collect()
}

/// `b` with the proof of declaration `i` made wrong: its last step proves `true`.
fn broken(mut b: Bundle, i: usize) -> Bundle {
    let tp = b.declarations[i].proof.as_mut().expect("a theorem with a proof");
    tp.proof.steps.push(Step::TrueIntro);
    b
}

#[test]
fn the_outcome_does_not_depend_on_the_thread_count() {
    for b in [corpus_bundle(), &answered().1] {
        let summary = outcome_on_any_thread_count(b).expect("verifies");
        assert!(
            summary.starts_with(&format!("verified: {} declarations", b.declarations.len())),
            "{summary}"
        );
    }
}

#[test]
fn a_broken_proof_is_refused_alike_on_any_thread_count() {
    let b = corpus_bundle();
    let theorems = theorems_and_citations(b);
    assert!(theorems.len() >= 40, "the corpus has many theorems: {}", theorems.len());
    // A theorem that a later one cites, broken: it is the reason (not the later one),
    // however many threads check.
    let (cited, citer) = theorems
        .iter()
        .find_map(|(i, cited)| cited.first().map(|&c| (c, *i)))
        .expect("a theorem that cites another");
    assert!(cited < citer);
    let name = |i: usize| b.declarations[i].declaration.name().to_string();
    let reason = outcome_on_any_thread_count(&rehashed(broken(b.clone(), cited))).expect_err("refused");
    assert!(reason.starts_with(&format!("the proof of theorem `{}` proves `true`", name(cited))), "{reason}");
    // The citing theorem alone: checked against a shorter prefix than its own when
    // batches are used, its refusal is still the one-by-one refusal.
    let reason = outcome_on_any_thread_count(&rehashed(broken(b.clone(), citer))).expect_err("refused");
    assert!(reason.starts_with(&format!("the proof of theorem `{}` proves `true`", name(citer))), "{reason}");
    // Two broken theorems, the later one checked first (it has more steps, or comes in
    // the same batch): the first in the bundle's order is the reason.
    let (first, last) = (theorems[0].0, theorems[theorems.len() - 1].0);
    let two = rehashed(broken(broken(b.clone(), last), first));
    let reason = outcome_on_any_thread_count(&two).expect_err("refused");
    assert!(reason.starts_with(&format!("the proof of theorem `{}` proves `true`", name(first))), "{reason}");
    // A citing theorem moved before the theorem it cites: the citation is unknown there.
    let mut moved = b.clone();
    let entry = moved.declarations.remove(citer);
    moved.declarations.insert(cited, entry);
    let reason = outcome_on_any_thread_count(&rehashed(moved)).expect_err("refused");
    assert!(
        reason.starts_with(&format!("the proof of theorem `{}` does not check", name(citer))),
        "{reason}"
    );
}

#[test]
fn a_part_changed_in_the_stored_text_is_refused_by_its_hash() {
    // One claim's name changed in the text itself (the hashes as they were): the stored
    // bytes give another claims hash, and so does their re-encoding.
    let (_, b) = answered();
    let text = answered_text();
    let claims_at = text.find("\"claims\":").expect("a claims part");
    let name = format!("\"name\":\"{}\"", b.claims[0].name);
    let at = claims_at + text[claims_at..].find(&name).expect("the first claim's name");
    let changed = format!("{}\"name\":\"{}x\"{}", &text[..at], b.claims[0].name, &text[at + name.len()..]);
    let (code, out) = verify_written("raw-claim.json", &changed);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: the claims hash does not match"), "{out}");
    // A proof step's premise index changed in the text: the kernel refuses it first.
    let steps_at = text.find("\"steps\":[").expect("a proof");
    let from =
        steps_at + text[steps_at..].find("\"from\":").expect("a step citing another") + "\"from\":".len();
    let digits = text[from..].bytes().take_while(u8::is_ascii_digit).count();
    let changed = format!("{}999999{}", &text[..from], &text[from + digits..]);
    let (code, out) = verify_written("raw-step.json", &changed);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("refused: the proof of theorem"), "{out}");
}

#[test]
fn re_ordered_keys_and_added_whitespace_verify_through_the_re_encoding() {
    // serde_json's `Value` sorts object keys: the same content with its keys in another
    // order (and, pretty-printed, with whitespace added) is the same bundle; the stored
    // bytes no longer give the recorded hashes, their re-encoding does.
    let text = answered_text();
    let re_ordered = edited(&text, |_| {});
    assert_ne!(re_ordered, text, "the keys are stored in another order");
    assert_eq!(&Bundle::from_json(&re_ordered).expect("reads"), &answered().1);
    let (code, out) = verify_written("re-ordered.json", &re_ordered);
    assert_eq!(code, Some(0), "{out}");
    let spaced = text.replace(",\"", ", \"").replace("\":", "\" : ");
    let (code, out) = verify_written("spaced.json", &spaced);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out, verify_file(&answered().0).1, "the same summary");
}

#[test]
fn a_duplicate_key_is_refused() {
    // A key given twice, at the top or inside a part, is not a readable bundle: what is
    // decoded never depends on which of two values a reader would keep.
    let text = answered_text();
    let top =
        text.replacen("\"verdict\":\"accepted\"", "\"verdict\":\"accepted\",\"verdict\":\"accepted\"", 1);
    assert_ne!(top, text);
    let inner = text.replacen("\"kind\":\"guarantee\"", "\"kind\":\"guarantee\",\"kind\":\"requirement\"", 1);
    assert_ne!(inner, text);
    for (name, changed, key) in [("dup-top.json", top, "verdict"), ("dup-claim.json", inner, "kind")] {
        let (code, out) = verify_written(name, &changed);
        assert_eq!(code, Some(1));
        assert!(out.starts_with("refused: not a readable bundle: "), "{name}: {out}");
        assert!(out.contains(&format!("duplicate field `{key}`")), "{name}: {out}");
    }
}
