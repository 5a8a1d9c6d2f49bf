//! Snapshot tests of rendered diagnostics (plain text and JSON).
use warrant_lang::render::{render, render_json, Style};
use warrant_lang::{load, Input, Options};

fn program(text: &str) -> warrant_lang::Program {
    load(&[Input::Text { name: "snap.wr".into(), text: text.into() }], &Options::default())
}

#[test]
fn unknown_name_with_suggestion() {
    let p = program("sort Model\nfn recall(m: Model): Rat\naxiom a: forall m: Model. recal(m) >= 0\n");
    assert_eq!(p.diagnostics.len(), 1);
    let text = render(&p.sources, &p.diagnostics[0], Style::Plain);
    let expected = "warrant::type

  x unknown name `recal`
   ,-[snap.wr:3:27]
 2 | fn recall(m: Model): Rat
 3 | axiom a: forall m: Model. recal(m) >= 0
   :                           ^^|^^
   :                             `-- not found
   `----
  help: did you mean `recall`?
";
    assert_eq!(text, expected, "\n{text}");
    let json = render_json(&p.sources, &p.diagnostics[0]);
    assert_eq!(json["code"], "warrant::type");
    assert_eq!(json["line"], 3);
    assert_eq!(json["column"], 27);
    assert_eq!(json["file"], "snap.wr");
}

#[test]
fn duplicate_shows_both_places() {
    let p = program("sort A\nsort A\n");
    let text = render(&p.sources, &p.diagnostics[0], Style::Plain);
    assert!(text.contains("`A` is already defined"), "{text}");
    assert!(text.contains("first defined here"), "{text}");
    assert!(text.contains("defined again here"), "{text}");
}

#[test]
fn parse_error_says_what_was_expected() {
    let p = program("fn f(x: Rat) Rat\n");
    let text = render(&p.sources, &p.diagnostics[0], Style::Plain);
    assert!(text.starts_with("warrant::parse"), "{text}");
    assert!(text.contains("unexpected identifier `Rat`"), "{text}");
    assert!(text.contains("help: expected `:`"), "{text}");
}
