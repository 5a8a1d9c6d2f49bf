//! Every finding code, triggered and narrowly missed, through the whole pipeline
//! (front end, prover, kernel, auditor). Each case is a small submission in the
//! language with the exact verdict and set of finding codes it must get.

use std::collections::BTreeSet;
use warrant_auditor::{AuditOptions, Auditor, Policy, Submission, TacticEngine, Verdict};

const PRELUDE: &str = "sort Model\nsort Monitor\nfn rate(m: Model): Rat\nfn recall(t: Monitor): Rat\n";

/// Audits `body` (after a module line and a small prelude) and returns the verdict and
/// the sorted, deduplicated finding codes.
fn audit_with(body: &str, policy: Policy) -> (Verdict, Vec<String>) {
    let text = format!("module sub\n{PRELUDE}\n{body}");
    let engine = TacticEngine::default();
    let auditor = Auditor::new(AuditOptions { policy, ..AuditOptions::default() }, &engine);
    let audit = auditor.audit(&[Submission { name: "sub.wr".into(), text: Some(text) }]);
    let codes: BTreeSet<String> = audit.report.findings.iter().map(|f| f.code.as_str().to_string()).collect();
    (audit.report.verdict, codes.into_iter().collect())
}

fn audit(body: &str) -> (Verdict, Vec<String>) {
    audit_with(body, Policy::strict())
}

macro_rules! case {
    ($name:ident, $verdict:ident, [$($code:literal),*], $body:expr) => {
        #[test]
        fn $name() {
            let expected: Vec<String> = vec![$($code.to_string()),*];
            assert_eq!(audit($body), (Verdict::$verdict, expected));
        }
    };
}

// A clean technique: the base every near miss starts from.
const CLEAN: &str = r#"
technique Watch(u: Model, t: Monitor) {
  proposed_by "agent:planner"
  oversees "agent:untrusted"
  assume low: rate(u) <= 1/10
  assume caught: 9/10 <= recall(t)
  assume prob: recall(t) <= 1
  guarantee slip: rate(u) * (1 - recall(t)) <= 1/100 := by nlinarith [low, caught, prob]
  witness { rate(u) = 1/10; recall(t) = 9/10 }
}
"#;

case!(clean_technique_is_accepted, Accepted, [], CLEAN);

case!(parse_error, Rejected, ["parse"], "technique Broken(u: Model {\n}\n");
case!(
    parse_near_miss,
    Accepted,
    ["no-witness", "unused-assumption"],
    "technique Fine(u: Model) {\n  assume a: rate(u) <= 1\n}\n"
);

case!(type_error, Rejected, ["type"], "technique T(u: Model) {\n  assume a: rat(u) <= 1\n}\n");
case!(
    type_near_miss,
    Accepted,
    ["no-witness", "unused-assumption"],
    "technique T(u: Model) {\n  assume a: rate(u) <= 1\n}\n"
);

case!(
    proof_fails,
    Rejected,
    ["proof"],
    r#"
technique T(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/20 := by linarith [low]
  witness { rate(u) = 1/10 }
}
"#
);
case!(
    proof_near_miss,
    Accepted,
    [],
    r#"
technique T(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/5 := by linarith [low]
  witness { rate(u) = 1/10 }
}
"#
);

case!(
    sorry_left,
    Rejected,
    ["sorry"],
    r#"
technique T(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/5 := by { sorry }
  witness { rate(u) = 1/10 }
}
"#
);

case!(
    new_axiom,
    Rejected,
    ["new-axiom"],
    r#"
axiom low_everywhere: forall m: Model. rate(m) <= 1/10
technique T(u: Model) {
  assume pos: 0 <= rate(u)
  guarantee g: rate(u) <= 1/5 := by linarith [low_everywhere(u), pos]
  witness { rate(u) = 0 }
}
"#
);
case!(
    new_axiom_near_miss_as_assumption,
    Accepted,
    [],
    r#"
technique T(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/5 := by linarith [low]
  witness { rate(u) = 0 }
}
"#
);

#[test]
fn new_axiom_allowed_by_policy() {
    let body = r#"
axiom low_everywhere: forall m: Model. rate(m) <= 1/10
technique T(u: Model) {
  assume pos: 0 <= rate(u)
  guarantee g: rate(u) <= 1/5 := by linarith [low_everywhere(u), pos]
  witness { rate(u) = 0 }
}
"#;
    let policy = Policy::from_toml("[axioms]\nallow = [\"sub.low_everywhere\"]\n").unwrap();
    assert_eq!(audit_with(body, policy), (Verdict::Accepted, vec![]));
}

case!(
    cycle,
    Rejected,
    ["cycle"],
    r#"
technique A(u: Model) {
  use b = B(u)
  guarantee g: rate(u) <= 1 := by b.g
}
technique B(u: Model) {
  use a = A(u)
  guarantee g: rate(u) <= 1 := by a.g
}
"#
);
case!(
    cycle_near_miss_diamond,
    Accepted,
    [],
    r#"
technique Base(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) <= 1/10 := by low
  witness { rate(u) = 0 }
}
technique Left(u: Model) {
  use b = Base(u)
  assume low: rate(u) <= 1/10
  discharge b.low by low
  guarantee g: rate(u) <= 1/5 := by linarith [b.g]
  witness { rate(u) = 0 }
}
technique Right(u: Model) {
  use b = Base(u)
  assume low: rate(u) <= 1/10
  discharge b.low by low
  guarantee g: rate(u) <= 1/4 := by linarith [b.g]
  witness { rate(u) = 0 }
}
technique Top(u: Model) {
  use l = Left(u)
  use r = Right(u)
  assume low: rate(u) <= 1/10
  discharge l.low by low
  discharge r.low by low
  guarantee g: rate(u) <= 1/5 := by linarith [l.g, r.g]
  witness { rate(u) = 0 }
}
"#
);

const BASE: &str = r#"
technique Base(u: Model) {
  assume low: rate(u) <= 1/10
  assume pos: 0 <= rate(u)
  guarantee g: 0 <= rate(u) and rate(u) <= 1/10 := by linarith [low, pos]
  witness { rate(u) = 0 }
}
"#;

#[test]
fn undischarged_assumption() {
    let body = format!(
        "{BASE}\ntechnique Top(u: Model) {{\n  use b = Base(u)\n  assume low: rate(u) <= 1/10\n  discharge b.low by low\n  guarantee g: rate(u) <= 1/5 := by linarith [b.g]\n  witness {{ rate(u) = 0 }}\n}}\n"
    );
    assert_eq!(audit(&body), (Verdict::Rejected, vec!["undischarged".to_string()]));
}

#[test]
fn undischarged_near_miss_lifted() {
    let body = format!(
        "{BASE}\ntechnique Top(u: Model) {{\n  use b = Base(u)\n  assume low: rate(u) <= 1/10\n  discharge b.low by low\n  lift b.pos\n  guarantee g: rate(u) <= 1/5 := by linarith [b.g]\n  witness {{ rate(u) = 0 }}\n}}\n"
    );
    assert_eq!(audit(&body), (Verdict::Accepted, vec![]));
}

/// The discharges of a technique are checked together when they all hold; when one
/// does not, each is proved on its own, so every wrong one is a `proof` finding at its
/// own discharge and the right ones are not.
#[test]
fn each_wrong_discharge_is_found_at_its_own_place() {
    let top = |pos_by: &str, low_by: &str| {
        format!(
            "{BASE}\ntechnique Top(u: Model) {{\n  use b = Base(u)\n  assume low: rate(u) <= 1/10\n  assume pos: 0 <= rate(u)\n  discharge b.low by {low_by}\n  discharge b.pos by {pos_by}\n  guarantee g: rate(u) <= 1/5 := by linarith [b.g]\n  witness {{ rate(u) = 0 }}\n}}\n"
        )
    };
    // The verdict, and the line of each finding (all must be `proof` findings).
    let proof_findings = |body: &str| -> (Verdict, Vec<String>) {
        let text = format!("module sub\n{PRELUDE}\n{body}");
        let engine = TacticEngine::default();
        let auditor =
            Auditor::new(AuditOptions { policy: Policy::strict(), ..AuditOptions::default() }, &engine);
        let audit = auditor.audit(&[Submission { name: "sub.wr".into(), text: Some(text.clone()) }]);
        let mut lines = Vec::new();
        for f in &audit.report.findings {
            assert_eq!(f.code.as_str(), "proof", "{f:?}");
            let span = f.span.as_ref().expect("a proof finding has a place");
            let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = text[span.start..].find('\n').map_or(text.len(), |i| span.start + i);
            lines.push(text[start..end].trim().to_string());
        }
        (audit.report.verdict, lines)
    };
    assert_eq!(proof_findings(&top("pos", "low")), (Verdict::Accepted, vec![]));
    assert_eq!(
        proof_findings(&top("low", "low")),
        (Verdict::Rejected, vec!["discharge b.pos by low".to_string()])
    );
    assert_eq!(
        proof_findings(&top("low", "pos")),
        (Verdict::Rejected, vec!["discharge b.low by pos".to_string(), "discharge b.pos by low".to_string()])
    );
}

#[test]
fn dependency_rejected_and_near_miss() {
    let bad_base = BASE.replace("rate(u) <= 1/10 := by", "rate(u) <= 1/20 := by");
    let top = "\ntechnique Top(u: Model) {\n  use b = Base(u)\n  assume low: rate(u) <= 1/10\n  assume pos: 0 <= rate(u)\n  discharge b.low by low\n  discharge b.pos by pos\n  guarantee g: rate(u) <= 1/5 := by linarith [b.g]\n  witness { rate(u) = 0 }\n}\n";
    let (v, codes) = audit(&format!("{bad_base}{top}"));
    assert_eq!((v, codes), (Verdict::Rejected, vec!["dependency-rejected".to_string(), "proof".to_string()]));
    // A dependency with only warnings is not rejected.
    let warned_base = BASE.replace("  witness { rate(u) = 0 }\n", "");
    let (v, codes) = audit(&format!("{warned_base}{top}"));
    assert_eq!((v, codes), (Verdict::Accepted, vec!["no-witness".to_string()]));
}

case!(
    vacuous,
    Rejected,
    ["no-witness", "vacuous"],
    r#"
technique T(t: Monitor) {
  assume high: 99/100 <= recall(t)
  assume low: recall(t) <= 1/2
  guarantee below: recall(t) <= 1 := by linarith [low]
  guarantee above: 0 <= recall(t) := by linarith [high]
}
"#
);
case!(
    vacuous_near_miss_tight,
    Accepted,
    ["no-witness"],
    r#"
technique T(t: Monitor) {
  assume high: 1/2 <= recall(t)
  assume low: recall(t) <= 1/2
  guarantee g: recall(t) = 1/2 := by linarith [low, high]
}
"#
);

case!(
    self_certification,
    Rejected,
    ["self-certification"],
    &CLEAN.replace("agent:planner", "agent:untrusted")
);
case!(self_certification_near_miss, Accepted, [], &CLEAN.replace("agent:planner", "agent:untrusted-2"));

case!(
    limit_nesting,
    Rejected,
    ["limit"],
    &format!(
        "technique T(u: Model) {{\n  assume a: rate(u) <= {}1{}\n}}\n",
        "(".repeat(400),
        ")".repeat(400)
    )
);
case!(limit_near_miss, Accepted, ["no-witness"], &format!(
    "technique T(u: Model) {{\n  assume a: rate(u) <= {}1{}\n  guarantee g: rate(u) <= 1 := by linarith [a]\n}}\n",
    "(".repeat(20), ")".repeat(20)));

case!(witness_fails, Rejected, ["witness-fails"], &CLEAN.replace("recall(t) = 9/10", "recall(t) = 89/100"));
case!(witness_near_miss_boundary, Accepted, [], &CLEAN.replace("rate(u) = 1/10", "rate(u) = 0"));

case!(
    trivial,
    Accepted,
    ["trivial"],
    r#"
technique T(u: Model) {
  assume low: rate(u) <= 1/10
  guarantee g: rate(u) * 0 <= 1 := by linarith [low]
  guarantee h: rate(u) <= 1 := by linarith [low]
  witness { rate(u) = 0 }
}
"#
);

case!(
    intent_gap,
    Accepted,
    ["intent-gap"],
    &CLEAN.replace("  assume low:", "  intent: rate(u) * (1 - recall(t)) <= 1/1000\n  assume low:")
);
case!(
    intent_near_miss,
    Accepted,
    [],
    &CLEAN.replace("  assume low:", "  intent: rate(u) * (1 - recall(t)) <= 1/50\n  assume low:")
);

case!(
    unused_assumption,
    Accepted,
    ["unused-assumption"],
    &CLEAN.replace("  assume caught:", "  assume spare: rate(u) <= 1\n  assume caught:")
);

case!(
    no_witness,
    Accepted,
    ["no-witness"],
    &CLEAN.replace("  witness { rate(u) = 1/10; recall(t) = 9/10 }\n", "")
);
