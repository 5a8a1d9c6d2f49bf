//! Resolution, type checking and lowering of whole programs.
#[path = "parse_design.rs"]
#[allow(dead_code)]
mod design;

use warrant_lang::*;

fn check(text: &str) -> Program {
    load(&[Input::Text { name: "test.wr".into(), text: text.into() }], &Options::default())
}

fn codes(p: &Program) -> Vec<String> {
    p.diagnostics.iter().map(|d| format!("{} {}", d.code(), d.error)).collect()
}

#[test]
fn design_example_elaborates() {
    let p = check(design::EXAMPLE);
    assert!(p.diagnostics.is_empty(), "{:#?}", codes(&p));
    let tm = p.technique_named("TrustedMonitoring").unwrap();
    let t = &p.techniques[tm];
    assert_eq!(&*t.name, "control.trusted_monitoring.TrustedMonitoring");
    assert_eq!(t.assumptions.len(), 2);
    assert_eq!(t.guarantees.len(), 1);
    assert_eq!(t.witness.as_ref().unwrap().len(), 2);
    let m = t.module;
    let g = &t.guarantees[0];
    assert_eq!(p.display_formula(m, &g.statement), "slip(u, t) <= 1/20");
    let two = &p.techniques[p.technique_named("TwoMonitors").unwrap()];
    assert_eq!(two.uses.len(), 1);
    assert_eq!(p.display_formula(m, &two.uses[0].assumptions[0].1), "19/20 <= recall(a)");
    assert_eq!(two.assumptions.len(), 2);
    assert_eq!(two.assumptions[1].name, "first.recall_prob");
    assert!(two.undischarged().is_empty());
    let ctx = two.guarantee_context();
    assert!(ctx.hypotheses.iter().any(|(n, _)| &**n == "first.safe"));
    let my = &p.techniques[p.technique_named("MyProtocol").unwrap()];
    assert!(my.answers.is_some());
    // Lemma obligations from std.prob, then the guarantees and the discharge.
    assert!(p.obligations.iter().any(|o| &*o.name == "std.prob.prob_mul_le"));
    assert!(p
        .obligations
        .iter()
        .any(|o| &*o.name == "control.trusted_monitoring.TwoMonitors.discharge.first.recall_high"));
    assert!(p.signature.fact("control.trusted_monitoring.slip").is_some());
}
