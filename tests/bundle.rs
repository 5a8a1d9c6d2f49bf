//! Certificate bundles end to end: `warrant audit --bundle` writes one for an accepted
//! submission (with and without a challenge), `warrant verify` re-checks it with the
//! kernel alone, and a bundle changed anywhere is refused with a clear reason.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use warrant_kernel::bundle::{summary, verify, verify_bytes, verify_bytes_on, verify_on, Bundle, ClaimKind};
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
        let out = scratch("answered.bundle");
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
    Bundle::from_bytes(&std::fs::read(out).expect("bundle written")).expect("bundle reads")
}

fn verify_file(path: &Path) -> (Option<i32>, String) {
    let o = warrant(&["verify", path.to_str().expect("utf-8 path")]);
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Writes `bytes` to the scratch file `name` and runs `warrant verify` on it: exit code
/// and output.
fn verify_written(name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let path = scratch(name);
    std::fs::write(&path, bytes).expect("write");
    verify_file(&path)
}

/// Writes `b` (with the hashes it records) and runs `warrant verify` on it: exit code
/// and output.
fn verify_changed(name: &str, b: &Bundle) -> (Option<i32>, String) {
    verify_written(name, &b.to_bytes().expect("encode"))
}

/// What `warrant verify` printed, once it has exited with 1 (refused).
fn refused_by_command((code, out): (Option<i32>, String)) -> String {
    assert_eq!(code, Some(1), "{out}");
    out
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
        assert_eq!(*c.assumptions, m.allows);
    }
}

#[test]
fn the_claims_names_read_from_bytes_are_the_tables_own() {
    // Each distinct string is one entry of the names table: the owners, names and labels
    // of the claims, the trust base and the challenge share it (no copy each), and the
    // bundle still reads and prints as it did.
    let (path, written) = answered();
    let v = verify_bytes(&std::fs::read(path).expect("bundle")).expect("verifies");
    let b = &v.bundle;
    assert_eq!(b.claims, written.claims);
    assert_eq!(b.trust_base, written.trust_base);
    assert_eq!(b.challenge, written.challenge);
    assert_eq!(&*b.verdict, "accepted");
    let m = b.challenge.as_ref().expect("challenge recorded");
    let requirements: Vec<_> = b.claims.iter().filter(|c| c.kind == ClaimKind::Requirement).collect();
    assert_eq!(requirements.len(), 2);
    for c in requirements {
        assert!(Arc::ptr_eq(&c.owner, &m.challenge));
        let (r, _, _) = m.requires.iter().find(|(r, _, _)| *r == c.name).expect("its requirement");
        assert!(Arc::ptr_eq(&c.name, r));
        for ((a, _), (l, _)) in c.assumptions.iter().zip(&m.allows) {
            assert!(Arc::ptr_eq(a, l));
        }
    }
    let mut shared = 0;
    for a in &b.trust_base.assumptions {
        for c in b.claims.iter().filter(|c| c.owner == a.owner) {
            assert!(Arc::ptr_eq(&c.owner, &a.owner));
            for (n, _) in c.assumptions.iter().filter(|(n, _)| *n == a.name) {
                assert!(Arc::ptr_eq(n, &a.name));
                shared += 1;
            }
        }
    }
    assert!(shared > 0);
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
    let garbage = scratch("garbage.bundle");
    std::fs::write(&garbage, "{ not json").expect("write");
    let out = refused_by_command(verify_file(&garbage));
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
    let out = refused_by_command(verify_changed("step.json", &rehashed(c)));
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
    let n = c.claims[0].assumptions.len();
    c.claims[0].assumptions = Arc::from(&c.claims[0].assumptions[..n - 1]);
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
    c.claims[0].name = format!("{}x", c.claims[0].name).into();
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

/// The bundle's bytes as `warrant audit --bundle` wrote them.
fn answered_bytes() -> Vec<u8> {
    std::fs::read(&answered().0).expect("bundle written")
}

/// A varint of the bundle format at `at`: its value and where it ends.
fn varint(bytes: &[u8], mut at: usize) -> (u64, usize) {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let b = bytes[at];
        at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return (v, at);
        }
        shift += 7;
    }
}

/// Where each of a bundle's six sections (names, terms, formulas, declarations,
/// proofs, claims) starts (its length prefix) and where its body starts and ends.
fn sections(bytes: &[u8]) -> Vec<(usize, usize, usize)> {
    let (version_len, at) = varint(bytes, "warrant-bundle/4\n".len());
    let mut at = at + version_len as usize;
    (0..6)
        .map(|_| {
            let (len, body) = varint(bytes, at);
            let section = (at, body, body + len as usize);
            at = body + len as usize;
            section
        })
        .collect()
}

/// `bytes` with section `k`'s body replaced by `edit` of it (the length prefix
/// rewritten to fit, the hashes left as they were).
fn with_section(bytes: &[u8], k: usize, edit: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let (start, body, end) = sections(bytes)[k];
    let new = edit(&bytes[body..end]);
    let mut out = bytes[..start].to_vec();
    let mut len = new.len() as u64;
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(&new);
    out.extend_from_slice(&bytes[end..]);
    out
}

const FORMULAS: usize = 2;
const DECLARATIONS: usize = 3;

#[test]
fn a_bundle_reads_back_as_written_byte_for_byte() {
    let (_, b) = answered();
    let bytes = answered_bytes();
    assert!(bytes.starts_with(b"warrant-bundle/4\n"));
    assert_eq!(&Bundle::from_bytes(&bytes).expect("reads"), b);
    assert_eq!(b.to_bytes().expect("encode"), bytes);
    // A bundle without a challenge, and one with every formula spelled out, read
    // back the same.
    let mut c = b.clone();
    c.challenge = None;
    assert_eq!(Bundle::from_bytes(&c.to_bytes().expect("encode")).expect("reads"), c);
}

#[test]
fn deep_formulas_are_stored_flat() {
    // 300 nested negations, in a claim and in a proof step: each is one flat entry of
    // the formula table, so reading them back recurses on nothing and gives the same.
    let (_, b) = answered();
    let mut f = Formula::True;
    for _ in 0..300 {
        f = Formula::Not(Arc::new(f));
    }
    let mut c = b.clone();
    c.claims[0].conclusion = f.clone();
    assert_eq!(Bundle::from_bytes(&c.to_bytes().expect("encode")).expect("reads"), c);
    refused(&rehashed(c), "states");
    let mut c = b.clone();
    let tp = c.declarations.iter_mut().rev().find_map(|e| e.proof.as_mut()).expect("a theorem with a proof");
    tp.proof.steps.push(Step::Assume { formula: f });
    assert_eq!(Bundle::from_bytes(&c.to_bytes().expect("encode")).expect("reads"), c);
    refused(&rehashed(c), "rests on the undischarged assumption not not");
}

#[test]
fn a_json_bundle_of_the_last_format_is_refused_with_how_to_make_one() {
    let json = br#"{"format":"warrant-bundle/2","kernel_version":"0.1.0","terms":[]}"#;
    let out = refused_by_command(verify_written("old.json", json));
    assert_eq!(
        out,
        "refused: this bundle is of format `warrant-bundle/2` (JSON), which is no longer read; re-create it with `warrant audit --bundle`\n"
    );
}

/// The answered bundle's bytes under another format line.
fn with_format_line(line: &str) -> Vec<u8> {
    let mut bytes = format!("{line}\n").into_bytes();
    bytes.extend_from_slice(&answered_bytes()["warrant-bundle/4\n".len()..]);
    bytes
}

#[test]
fn a_bundle_of_the_format_before_is_refused_with_how_to_make_one() {
    // `warrant-bundle/3` had this layout, its hashes SHA-256.
    let out = refused_by_command(verify_written("old3.bundle", &with_format_line("warrant-bundle/3")));
    assert_eq!(
        out,
        "refused: this bundle is of format `warrant-bundle/3` (SHA-256 hashes), which is no longer read; re-create it with `warrant audit --bundle`\n"
    );
}

#[test]
fn a_changed_shared_formula_is_refused() {
    // The statement of the first theorem changed wherever the bundle names it (in the
    // stored form, its one table entry), the hashes as they were and recomputed: the
    // kernel speaks first.
    let (_, b) = answered();
    let statement = b
        .declarations
        .iter()
        .find_map(|e| match &e.declaration {
            Declaration::Theorem { statement, .. } => Some(statement.clone()),
            _ => None,
        })
        .expect("a theorem");
    let mut c = b.clone();
    for e in &mut c.declarations {
        if let Declaration::Theorem { statement: s, .. } = &mut e.declaration {
            if *s == statement {
                *s = Formula::True;
            }
        }
    }
    for claim in &mut c.claims {
        if claim.conclusion == statement {
            claim.conclusion = Formula::True;
        }
    }
    refused(&c, "not the stated `true`");
    refused(&rehashed(c.clone()), "not the stated `true`");
    let out = refused_by_command(verify_changed("shared.bundle", &c));
    assert!(out.starts_with("refused: the proof of theorem"), "{out}");
}

#[test]
fn a_bad_table_reference_is_refused_by_the_command() {
    // A formula put first in the table that names itself (`Not`, tag 6, of entry 0).
    let bytes = with_section(&answered_bytes(), FORMULAS, |body| {
        let (count, at) = varint(body, 0);
        assert!(count < 127, "the count is one byte and stays one byte");
        [&[count as u8 + 1, 6, 0][..], &body[at..]].concat()
    });
    let out = refused_by_command(verify_written("cycle.bundle", &bytes));
    assert_eq!(
        out,
        "refused: not a readable bundle: formula 0 names formula 0, which is not an earlier entry of the table\n"
    );
}

#[test]
fn another_format_is_refused_with_its_name() {
    let out = refused_by_command(verify_written("old.bundle", &with_format_line("warrant-bundle/1")));
    assert_eq!(
        out,
        "refused: unsupported bundle format `warrant-bundle/1` (this verifier reads `warrant-bundle/4`)\n"
    );
}

#[test]
fn an_unreadable_part_is_refused() {
    let bytes = answered_bytes();
    // The first declaration's tag made unknown.
    let changed = with_section(&bytes, DECLARATIONS, |body| {
        let (_, at) = varint(body, 0);
        let mut body = body.to_vec();
        body[at] = 99;
        body
    });
    let out = refused_by_command(verify_written("tag.bundle", &changed));
    assert!(out.starts_with("refused: not a readable bundle: unknown declaration tag 99 at byte"), "{out}");
    // Cut short, or with a byte more.
    let out = refused_by_command(verify_written("short.bundle", &bytes[..bytes.len() - 10]));
    assert_eq!(
        out,
        format!("refused: not a readable bundle: the bundle ends early (at byte {})\n", bytes.len() - 10)
    );
    let out = refused_by_command(verify_written("long.bundle", &[&bytes[..], b"\n"].concat()));
    assert_eq!(
        out,
        format!(
            "refused: not a readable bundle: 1 bytes are left over at the end of the bundle (from byte {})\n",
            bytes.len()
        )
    );
}

#[test]
fn the_command_hashes_the_stored_bytes() {
    let (_, b) = answered();
    // A recorded hash changed, or a claim renamed without rehashing: refused.
    let mut c = b.clone();
    c.hashes.claims = "0".repeat(64);
    let out = refused_by_command(verify_changed("zeroed.bundle", &c));
    assert!(out.starts_with("refused: the claims hash does not match"), "{out}");
    // A claim's name is a new entry of the names table (and its index in the claims).
    let mut c = b.clone();
    c.claims[0].name = format!("{}x", c.claims[0].name).into();
    let out = refused_by_command(verify_changed("renamed.bundle", &c));
    assert!(out.starts_with("refused: the tables hash does not match"), "{out}");
    // The same change made in the stored bytes: a letter of that name in the names
    // section (a label only the claims use).
    let bytes = answered_bytes();
    let (_, body, end) = sections(&bytes)[0];
    let label = format!("{}{}", b.claims[0].name.len() as u8 as char, b.claims[0].name);
    let at = body
        + bytes[body..end]
            .windows(label.len())
            .position(|w| w == label.as_bytes())
            .expect("the claim's name")
        + label.len()
        - 1;
    let mut changed = bytes.clone();
    changed[at] = if changed[at] == b'z' { b'y' } else { b'z' };
    let out = refused_by_command(verify_written("raw-claim.bundle", &changed));
    assert!(out.starts_with("refused: the tables hash does not match"), "{out}");
}

#[test]
fn a_changed_premise_is_refused_by_the_kernel_first() {
    // A proof step's premise changed, hashes as they were: the kernel refuses it first.
    let (_, b) = answered();
    let mut c = b.clone();
    let step = c
        .declarations
        .iter_mut()
        .filter_map(|e| e.proof.as_mut())
        .flat_map(|tp| tp.proof.steps.iter_mut())
        .find_map(|s| match s {
            Step::AndLeft { from } | Step::AndRight { from } | Step::Symm { from } => Some(from),
            Step::ImpElim { implication, .. } => Some(implication),
            _ => None,
        })
        .expect("a step citing another");
    *step = 999_999;
    let out = refused_by_command(verify_changed("raw-step.bundle", &c));
    assert!(out.starts_with("refused: the proof of theorem"), "{out}");
}

#[test]
fn print_shows_the_verified_bundle_as_json() {
    let (path, b) = answered();
    let o = warrant(&["verify", "--print", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    let (_, summary) = verify_file(path);
    let json = out.strip_prefix(&summary).expect("the summary first");
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON after the summary");
    assert_eq!(value["format"], "warrant-bundle/4");
    assert_eq!(value["claims"].as_array().expect("claims").len(), b.claims.len());
    assert_eq!(value["hashes"]["bundle"], b.hashes.bundle.as_str());
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
                .and_then(|v| Ok((summary(b, &v)?, v.signature.declarations().to_vec())))
                .map_err(|e| e.reason)
        })
        .collect();
    for (threads, o) in [2, 3].into_iter().zip(&outcomes[1..]) {
        assert_eq!(o, &outcomes[0], "{threads} threads against one");
    }
    outcomes[0].clone().map(|(summary, _)| summary)
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
fn a_refused_declaration_before_the_first_theorem_is_refused_alike_on_any_thread_count() {
    // The first declaration (a sort the next ones use) dropped: the first batch's prefix
    // cannot be declared, so its helper, started beforehand, must give up (not wait)
    // and the refusal is the one-by-one refusal.
    let b = corpus_bundle();
    let first_theorem = b.declarations.iter().position(|e| e.proof.is_some()).expect("a theorem");
    assert!(first_theorem > 1, "declarations come before the first theorem");
    let mut c = b.clone();
    c.declarations.remove(0);
    let reason = outcome_on_any_thread_count(&rehashed(c)).expect_err("refused");
    assert!(reason.starts_with("declaration 0 (`"), "{reason}");
    assert!(reason.contains("is refused"), "{reason}");
}

/// What `warrant verify` gives `bytes` (one thread for a bundle as small as the
/// corpus's) and what it gives them checked on 2 and 3 threads, which must be one
/// outcome: the summary when they verify, the reason when they do not.
fn command_outcome_on_any_thread_count(bytes: &[u8]) -> Result<String, String> {
    let outcome = |v: Result<warrant_kernel::bundle::Verification, _>| {
        v.map(|v| v.summary).map_err(|e: warrant_kernel::bundle::BundleError| e.reason)
    };
    let command = outcome(verify_bytes(bytes));
    for threads in [1, 2, 3] {
        assert_eq!(
            outcome(verify_bytes_on(bytes, threads)),
            command,
            "{threads} threads against the command"
        );
    }
    command
}

#[test]
fn the_command_gives_the_same_summary_and_refusal_on_one_thread_or_more() {
    let b = corpus_bundle();
    let summary = command_outcome_on_any_thread_count(&b.to_bytes().expect("encode")).expect("verifies");
    assert_eq!(summary, outcome_on_any_thread_count(b).expect("verifies"));
    // Two broken theorems: the first in the bundle's order is the reason.
    let theorems = theorems_and_citations(b);
    let (first, last) = (theorems[0].0, theorems[theorems.len() - 1].0);
    let two = rehashed(broken(broken(b.clone(), last), first));
    let reason = command_outcome_on_any_thread_count(&two.to_bytes().expect("encode")).expect_err("refused");
    let name = b.declarations[first].declaration.name().to_string();
    assert!(reason.starts_with(&format!("the proof of theorem `{name}` proves `true`")), "{reason}");
}

/// The summary as the printer makes it with no sharing: every formula printed afresh
/// with `formula_to_string`, in the layout `summary` documents.
fn summary_printed_afresh(b: &Bundle, proofs: usize) -> String {
    use warrant_kernel::print::formula_to_string;
    let mut out = format!(
        "verified: {} declarations, {proofs} proofs re-checked by kernel {} ({}); bundle {}\n",
        b.declarations.len(),
        warrant_kernel::KERNEL_VERSION,
        b.format,
        b.hashes.bundle
    );
    if let Some(m) = &b.challenge {
        out += &format!("challenge met: {} (answered by {})\n", m.challenge, m.technique);
    }
    out += "proved:\n";
    for c in &b.claims {
        let kind = match c.kind {
            ClaimKind::Guarantee => "guarantee",
            ClaimKind::Requirement => "requirement",
        };
        out += &format!("  {kind} {}.{}: {}\n", c.owner, c.name, formula_to_string(&c.conclusion));
        for (n, a) in c.assumptions.iter() {
            out += &format!("    assuming {n}: {}\n", formula_to_string(a));
        }
    }
    out += "trust base:\n  axioms:";
    out += if b.trust_base.axioms.is_empty() { " none\n" } else { "\n" };
    for a in &b.trust_base.axioms {
        out += &format!("    {a}\n");
    }
    out += "  assumptions:";
    out += if b.trust_base.assumptions.is_empty() { " none\n" } else { "\n" };
    for a in &b.trust_base.assumptions {
        out += &format!("    {}.{}: {}\n", a.owner, a.name, formula_to_string(&a.statement));
    }
    out
}

#[test]
fn the_summary_prints_each_formula_as_the_printer_does() {
    // The summary prints a formula met again by copying its first text: the copies must
    // be the text printed afresh (the corpus bundle repeats 172 of its 257 formulas).
    for (path, b) in [(scratch("corpus.json"), corpus_bundle()), (answered().0.clone(), &answered().1)] {
        let bytes = std::fs::read(&path).expect("the bundle is written");
        let verification = verify_bytes(&bytes).expect("verifies");
        let proofs = b.theorem_proofs().count();
        assert_eq!(verification.summary, summary_printed_afresh(b, proofs));
        let (code, out) = verify_file(&path);
        assert_eq!((code, out), (Some(0), summary_printed_afresh(b, proofs)));
    }
}

/// The bytes of a bundle (hashes zero) whose one proof is `n` steps `true`-intro, each
/// one byte in the file and 168 once decoded.
fn long_proof_bundle(n: usize) -> Vec<u8> {
    let uint = |mut v: usize, out: &mut Vec<u8>| {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    };
    let section = |body: &[u8], out: &mut Vec<u8>| {
        uint(body.len(), out);
        out.extend_from_slice(body);
    };
    let mut proof = vec![0, 0];
    uint(n, &mut proof);
    proof.resize(proof.len() + n, 5);
    let mut proofs = vec![1];
    section(&proof, &mut proofs);
    let mut out = b"warrant-bundle/4\n".to_vec();
    section(b"0.1.0", &mut out);
    for body in [&[0u8][..], &[0], &[0], &[0], &proofs, &[]] {
        section(body, &mut out);
    }
    out.resize(out.len() + 5 * 32, 0);
    out
}

#[test]
fn a_bundle_that_would_decode_into_too_much_memory_is_refused_before_it_does() {
    // 10 M one-byte steps: 10 MB of file, 1.68 GB of steps once decoded, more than the
    // decoding budget (twice `max_json_bytes`: 1 GiB). Before the budget, `warrant
    // verify` decoded them all, and a file of 200 MB (33.6 GB of steps) took all the
    // machine's memory until the kernel killed it.
    let out = refused_by_command(verify_written("long_proof.bundle", &long_proof_bundle(10_000_000)));
    assert!(
        out.contains("not a readable bundle: decoding it would take more than 1073741824 bytes of memory for its lists and tables"),
        "{out}"
    );
    // The same file with 1,000 steps: its proof is decoded, and the file is refused
    // for what comes next, an empty claims section.
    let out = refused_by_command(verify_written("short_proof.bundle", &long_proof_bundle(1_000)));
    assert!(out.starts_with("refused: not a readable bundle: the claims section ends early"), "{out}");
}
