//! Proofs made by `unfold` of predicate definitions (under `->`, `not`, `<->`,
//! `forall`, `exists`) and by `apply` with its variables found from the goal are
//! exported to Coq and re-checked by `coqc`, like the corpus (`coq_corpus.rs`).
//!
//! Without `coqc` the test says so and passes, except on CI (`CI` set).

use std::process::Command;

const SOURCE: &str = r#"module tactics
fn f(x: Rat): Rat
def double(x: Rat): Rat = 2 * x
def is_prob(p: Rat): Prop = 0 <= p and p <= 1
def both_prob(p: Rat, q: Rat): Prop = is_prob(p) and is_prob(q)
lemma f_mono: forall a: Rat, b: Rat. a <= b -> f(a) + a <= f(a) + b := by {
  intro a b h
  linarith
}
lemma complement: forall p: Rat. is_prob(p) -> is_prob(1 - p) := by {
  unfold is_prob
  intro p h
  cases h with lo hi
  split
  linarith
}
lemma not_all_improbable: (exists q: Rat. both_prob(q, double(q))) -> not (forall r: Rat. not is_prob(r)) := by {
  unfold both_prob is_prob double
  intro h k
  cases h with q hq
  cases hq with x c
  have n: not (0 <= q and q <= 1) by exact k(q)
  apply n
  exact x
}
lemma iff_under_binders: forall p: Rat. (is_prob(p) <-> (exists q: Rat. is_prob(q) and q = p)) -> true := by {
  unfold is_prob
  intro p h
}
lemma applied: forall x: Rat. 0 <= x -> f(x) + x <= f(x) + 2 * x := by {
  intro x h
  apply f_mono
  linarith
}
"#;

#[test]
fn unfold_and_apply_proofs_are_checked_by_coqc() {
    if !Command::new("coqc").arg("--version").output().is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("CI").is_none(), "coqc is missing on CI: .ci/run must install coq");
        eprintln!("SKIPPED: coqc is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("warrant-coq-tactics-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tactics.wr");
    std::fs::write(&file, SOURCE).unwrap();
    let out = dir.join("coq");
    let export = Command::new(env!("CARGO_BIN_EXE_warrant"))
        .args(["export", "coq"])
        .arg(&file)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(export.status.success(), "warrant export failed: {stderr}");
    assert!(stderr.contains("5 theorems"), "{stderr}");
    let make = Command::new("make").arg("-C").arg(&out).output().unwrap();
    assert!(
        make.status.success(),
        "coqc rejected the export:\n{}\n{}",
        String::from_utf8_lossy(&make.stdout),
        String::from_utf8_lossy(&make.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
