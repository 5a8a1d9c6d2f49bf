//! `Signature::truncate`: what a signature cut back to a prefix keeps and refuses.
//! A theorem checked against the kept prefix is still accepted; one checked against
//! the longer signature is refused by `add_theorem`, and a proof citing a dropped
//! fact no longer checks, even after the signature grows back to the same length with
//! the same declarations.

mod common;

use common::*;
use warrant_kernel::*;

#[test]
fn truncation_keeps_the_prefix_and_refuses_what_was_checked_beyond_it() {
    let mut sig = sig();
    let prefix = sig.fingerprint();
    // Checked against the prefix: `true`.
    let early = accept(&sig, &empty(), vec![Step::TrueIntro]);
    sig.declare(Declaration::Axiom { name: name("extra"), statement: s() }).unwrap();
    // Checked against the longer signature: it rests on `extra`.
    let late = accept(&sig, &empty(), vec![Step::Axiom { name: name("extra"), args: vec![] }]);
    sig.add_theorem(name("late_thm"), &late).unwrap();
    assert_eq!(sig.fingerprint().len, prefix.len + 2);

    sig.truncate(prefix.len);
    assert_eq!(sig.fingerprint(), prefix, "the prefix keeps its ids");
    assert!(sig.fact("extra").is_none() && sig.fact("late_thm").is_none());
    // Cutting to a length it does not exceed changes nothing.
    sig.truncate(prefix.len + 5);
    assert_eq!(sig.fingerprint(), prefix);

    // The same declaration again: same length as before, but a new id.
    sig.declare(Declaration::Axiom { name: name("extra"), statement: s() }).unwrap();
    assert_eq!(sig.fingerprint().len, late.signature().len);
    assert!(!sig.extends(&late.signature()));
    let e = sig.add_theorem(name("late_thm"), &late).unwrap_err();
    assert!(matches!(e, KernelError::Internal { .. }), "{e:?}");
    assert!(sig.fact("late_thm").is_none());

    // The theorem checked against the prefix is accepted, and can be cited.
    sig.add_theorem(name("early_thm"), &early).unwrap();
    let cited = accept(&sig, &empty(), vec![Step::Theorem { name: name("early_thm"), args: vec![] }]);
    assert_eq!(cited.conclusion(), &Formula::True);
}

#[test]
fn a_proof_citing_a_dropped_fact_is_refused() {
    let mut sig = sig();
    let len = sig.fingerprint().len;
    sig.declare(Declaration::Axiom { name: name("gone"), statement: s() }).unwrap();
    let proof = vec![Step::Axiom { name: name("gone"), args: vec![] }];
    assert_eq!(accept(&sig, &empty(), proof.clone()).conclusion(), &s());
    sig.truncate(len);
    let (step, rule, e) = refuse_at(&sig, &empty(), proof);
    assert_eq!((step, rule), (0, "axiom"));
    assert_eq!(e, KernelError::UnknownFact { name: "gone".into(), kind: "axiom" });
}
