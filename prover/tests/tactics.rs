//! Proof scripts of the language run by the tactic layer, accepted and rejected, with
//! the exact goal text reported on failure. Every accepted proof is kernel-checked.

use warrant_lang::{load, Input, Options, Program};
use warrant_prover::{prove_program, Outcome, TacticLimits};

fn program(text: &str) -> Program {
    let p = load(&[Input::Text { name: "test.wr".into(), text: text.into() }], &Options::default());
    let errors: Vec<String> = p.diagnostics.iter().map(|d| d.error.to_string()).collect();
    assert!(!p.has_errors(), "{errors:?}");
    p
}

/// Each obligation's outcome: "proved", "sorry: GOAL" or "failed: MESSAGE | GOAL | HYPS".
fn outcomes(text: &str) -> Vec<String> {
    let p = program(text);
    prove_program(&p, &TacticLimits::default())
        .into_iter()
        .map(|o| match o {
            Outcome::Proved { .. } => "proved".to_string(),
            Outcome::Sorry(f) => format!("sorry: {}", f.goal),
            Outcome::Failed(f) => format!("failed: {} | {} | {}", f.message, f.goal, f.hypotheses.join(", ")),
        })
        .collect()
}

const MONITORING: &str = r#"
module test

sort Model
sort Monitor
fn attack_rate(m: Model): Rat
fn recall(mon: Monitor): Rat
axiom rates_are_probs: forall m: Model. 0 <= attack_rate(m) <= 1
def slip(m: Model, mon: Monitor): Rat = attack_rate(m) * (1 - recall(mon))

technique TrustedMonitoring(u: Model, t: Monitor) {
  source "Greenblatt et al. 2023, AI Control"
  oversees "agent:untrusted-model"
  assume recall_high: recall(t) >= 95%
  assume recall_prob: recall(t) <= 1
  intent: slip(u, t) <= 5%

  guarantee safe: slip(u, t) <= 5% := by {
    unfold slip
    nlinarith [rates_are_probs(u), recall_high, recall_prob]
  }
}
"#;

#[test]
fn design_example_is_proved() {
    assert_eq!(outcomes(MONITORING), ["proved"]);
}

#[test]
fn lemmas_intro_split_and_arithmetic() {
    let text = r#"
module test

lemma two: forall x: Rat. x <= 1 -> 2 * x <= 2 := by {
  intro x h
  linarith
}

lemma both: forall x: Rat, y: Rat. x = y -> x <= y and y <= x := by {
  intro x y h
  split
  linarith
}

lemma square: forall x: Rat. (x + 1) * (x + 1) = x * x + 2 * x + 1 := by {
  intro x
  norm
}
"#;
    assert_eq!(outcomes(text), ["proved", "proved", "proved"]);
}

#[test]
fn failures_report_goal_and_hypotheses() {
    let text = r#"
module test

lemma wrong: forall x: Rat. x <= 1 -> x <= 0 := by {
  intro x h
  linarith
}

lemma hole: forall x: Rat. x = x := by {
  intro x
  sorry
}
"#;
    assert_eq!(
        outcomes(text),
        ["failed: linarith found no certificate for x <= 0 | x <= 0 | h: x <= 1", "sorry: x = x",]
    );
}
