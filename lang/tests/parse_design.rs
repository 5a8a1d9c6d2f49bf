//! The DESIGN.md example parses without errors.
use warrant_lang::{ast::*, parse, Limits};

pub const EXAMPLE: &str = r#"module control.trusted_monitoring
import std.prob

sort Model
sort Monitor

/// Fraction of tasks on which `m` attempts sabotage.
fn attack_rate(m: Model): Rat
/// Probability that `mon` flags an attempted sabotage.
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

  witness { attack_rate(u) = 1/10; recall(t) = 19/20 }
}

technique TwoMonitors(u: Model, a: Monitor, b: Monitor) {
  proposed_by "agent:planner-7"
  oversees "agent:untrusted-model"
  use first = TrustedMonitoring(u, a)      // its guarantees become facts `first.safe`,
  assume recall_a: recall(a) >= 95%        // once each of its assumptions is
  discharge first.recall_high by recall_a  // discharged by a proof here, or lifted
  lift first.recall_prob                   // explicitly into this technique's own
  guarantee safe: slip(u, a) <= 5% := by first.safe
}

challenge SafeDeployment(u: Model, t: Monitor) {
  oversees "agent:untrusted-model"
  allow recall_measured: recall(t) >= 95%     // what a submission may rest on
  require safe: slip(u, t) <= 5%             // what it must establish
}

technique MyProtocol(u: Model, t: Monitor) answers SafeDeployment(u, t) {
  assume r: recall(t) >= 95%
}
"#;

#[test]
fn design_example_parses() {
    let p = parse(EXAMPLE, &Limits::default());
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.file.items.len(), 12);
    let fn_item = &p.file.items[4];
    assert_eq!(fn_item.doc.as_deref(), Some("Fraction of tasks on which `m` attempts sabotage."));
    let ItemKind::Technique(t) = &p.file.items[8].kind else { panic!("not a technique") };
    assert_eq!(t.clauses.len(), 7);
}
