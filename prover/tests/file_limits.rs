//! A file's `limits` item: it lowers the caller's limits for every proof of that file
//! and never raises them (the caller's `TacticLimits` is the ceiling; a value above it
//! is a warning naming the ceiling, and the ceiling applies).

use warrant_lang::render::line_col;
use warrant_lang::{load, Input, LangError, Options, Program, ProofChecker, ProofLimit, PROOF_LIMITS};
use warrant_prover::{limit_warnings, prove_program, Outcome, TacticChecker, TacticLimits};

fn program(files: &[(&str, &str)]) -> Program {
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| Input::Text { name: name.to_string(), text: text.to_string() })
        .collect();
    let p = load(&inputs, &Options::default());
    let errors: Vec<String> = p.diagnostics.iter().map(|d| d.error.to_string()).collect();
    assert!(!p.has_errors(), "{errors:?}");
    p
}

/// Each obligation: `name: proved` or `name: LINE: MESSAGE` (limit failures marked).
fn outcomes(p: &Program, limits: &TacticLimits) -> Vec<String> {
    prove_program(p, limits)
        .into_iter()
        .zip(&p.obligations)
        .map(|(o, ob)| {
            let name = p.obligation_name(ob);
            let text = &p.sources.get(ob.file).unwrap().text;
            match o {
                Outcome::Proved { .. } => format!("{name}: proved"),
                Outcome::Sorry(f) => format!("{name}: {}: sorry", line_col(text, f.span.start as usize).0),
                Outcome::Failed(f) => format!(
                    "{name}: {}: {}{}",
                    line_col(text, f.span.start as usize).0,
                    if f.limit { "limit: " } else { "" },
                    f.message
                ),
            }
        })
        .collect()
}

const PROOF: &str =
    "lemma t: forall x: Rat, y: Rat. x <= y -> y <= 1 -> x <= 1 := by {\n  intro x y a b\n  linarith\n}\n";

#[test]
fn without_the_item_the_proof_checks() {
    let p = program(&[("a.wr", &format!("module a\n{PROOF}"))]);
    assert_eq!(outcomes(&p, &TacticLimits::default()), ["t: proved"]);
}

#[test]
fn a_file_lowers_a_limit() {
    let p = program(&[("a.wr", &format!("module a\nlimits {{ arith_pivots = 1 }}\n{PROOF}"))]);
    assert_eq!(
        outcomes(&p, &TacticLimits::default()),
        ["t: 5: limit: the search hit the bound `max_pivots` (1)"]
    );
    assert!(limit_warnings(&p, &TacticLimits::default()).is_empty());
}

#[test]
fn a_file_lowers_a_rewrite_limit() {
    let text = "module a\nlimits { rewrite_nodes = 3 }\ndef double(x: Rat): Rat = 2 * x\nlemma t: forall x: Rat. double(double(x)) = 4 * x := by {\n  intro x\n  unfold double\n  norm\n}\n";
    let p = program(&[("a.wr", text)]);
    assert_eq!(
        outcomes(&p, &TacticLimits::default()),
        ["t: 6: limit: the search hit the bound `max_nodes` (3)"]
    );
}

#[test]
fn a_file_cannot_raise_a_limit_above_the_ceiling() {
    let text = format!("module a\nlimits {{ arith_pivots = 1000 }}\n{PROOF}");
    let p = program(&[("a.wr", &text)]);
    let mut ceiling = TacticLimits::default();
    ceiling.arith.max_pivots = 1;
    // The ceiling applies ...
    assert_eq!(outcomes(&p, &ceiling), ["t: 5: limit: the search hit the bound `max_pivots` (1)"]);
    // ... and the file is told, at the value, with the ceiling named.
    let warnings = limit_warnings(&p, &ceiling);
    assert_eq!(warnings.len(), 1);
    let w = &warnings[0];
    assert!(w.is_warning());
    assert_eq!(w.code(), "warrant::limit");
    assert_eq!(w.error.to_string(), "`arith_pivots = 1000` is above the ceiling 1");
    let LangError::LimitAboveCeiling { help, ceiling, .. } = &w.error else { panic!("{w:?}") };
    assert_eq!(*ceiling, 1);
    assert_eq!(
        help,
        "a file may lower a limit but not raise it: the caller allows `arith_pivots` up to 1, and that applies"
    );
    let span = w.span().unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "1000");
}

#[test]
fn a_value_at_the_ceiling_is_no_warning() {
    let p = program(&[("a.wr", &format!("module a\nlimits {{ arith_pivots = 20000 }}\n{PROOF}"))]);
    assert!(limit_warnings(&p, &TacticLimits::default()).is_empty());
    assert_eq!(outcomes(&p, &TacticLimits::default()), ["t: proved"]);
}

#[test]
fn the_largest_value_is_capped_at_the_ceiling() {
    let text = format!("module a\nlimits {{ rewrite_nodes = {} }}\n{PROOF}", u64::MAX);
    let p = program(&[("a.wr", &text)]);
    let warnings = limit_warnings(&p, &TacticLimits::default());
    assert_eq!(
        warnings.iter().map(|w| w.error.to_string()).collect::<Vec<_>>(),
        [format!("`rewrite_nodes = {}` is above the ceiling 10000", u64::MAX)]
    );
    assert_eq!(outcomes(&p, &TacticLimits::default()), ["t: proved"]);
}

#[test]
fn the_item_applies_to_its_own_file_only() {
    let lib = format!("module lib\nlimits {{ arith_pivots = 1 }}\n{PROOF}");
    let user = format!("module user\nimport lib\n{}", PROOF.replace("lemma t", "lemma u"));
    let p = program(&[("lib.wr", &lib), ("user.wr", &user)]);
    let mut got = outcomes(&p, &TacticLimits::default());
    got.sort();
    assert_eq!(got, ["t: 5: limit: the search hit the bound `max_pivots` (1)", "u: proved"]);
}

#[test]
fn warrant_check_reports_the_warning() {
    let p = program(&[("a.wr", &format!("module a\nlimits {{ arith_pivots = 99999 }}\n{PROOF}"))]);
    let mut checker = TacticChecker::default();
    let notes = checker.notes(&p);
    assert_eq!(
        notes.iter().map(|d| d.error.to_string()).collect::<Vec<_>>(),
        ["`arith_pivots = 99999` is above the ceiling 20000"]
    );
}

#[test]
fn every_limit_name_lowers_its_own_field() {
    let ceiling = TacticLimits::default();
    let mut changed = Vec::new();
    for (name, _) in PROOF_LIMITS {
        let setting = ProofLimit { name, value: 1, span: Default::default(), value_span: Default::default() };
        let (lowered, warnings) = ceiling.lowered_by(&[setting]);
        assert!(warnings.is_empty(), "{name}");
        assert_ne!(lowered, ceiling, "`{name}` lowers nothing");
        assert!(!changed.contains(&lowered), "`{name}` lowers the same field as another name");
        changed.push(lowered);
    }
}
