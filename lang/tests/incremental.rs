//! `incremental::update` against a full load of the same text: whenever it takes the
//! fast path, the program must be the one the full load gives (every declaration,
//! reference, obligation, technique, syntax tree and the signature's declarations);
//! and what is not simple must be declined.

use proptest::prelude::*;
use warrant_lang::incremental::{update, NotIncremental};
use warrant_lang::{load, FileId, Input, Options, Program};

/// `count` techniques in layers of `width`, each using two of the layer below.
fn library(count: usize, width: usize) -> String {
    let mut s = String::from("module gen\n\nsort Model\n");
    for p in 0..3 {
        s.push_str(&format!("fn v{p}(m: Model): Rat\n"));
    }
    s.push('\n');
    for i in 0..count {
        s.push_str(&format!("technique T{i}(m: Model) {{\n  proposed_by \"agent:generator\"\n"));
        let layer = i / width;
        let uses: Vec<usize> =
            if layer == 0 { vec![] } else { (0..2).map(|j| (layer - 1) * width + (i + j) % width).collect() };
        for (n, u) in uses.iter().enumerate() {
            s.push_str(&format!("  use u{n} = T{u}(m)\n"));
        }
        s.push_str("  assume c0: v0(m) <= v1(m)\n  assume top: v1(m) <= 1\n");
        for n in 0..uses.len() {
            s.push_str(&format!("  discharge u{n}.c0 by c0\n  discharge u{n}.top by top\n"));
        }
        s.push_str("  guarantee g: v0(m) <= 1 := by linarith [c0, top]\n");
        s.push_str("  witness { v0(m) = 0; v1(m) = 0 }\n}\n\n");
    }
    s
}

fn load_text(text: &str) -> Program {
    load(&[Input::Text { name: "gen.wr".into(), text: text.to_string() }], &Options::default())
}

/// Everything the program says that does not depend on the run (the signature's
/// fingerprints do).
fn outcome(p: &Program) -> String {
    let diags: Vec<String> =
        p.diagnostics.iter().map(|d| format!("{} {:?} {}", d.code(), d.span(), d.error)).collect();
    let trees: Vec<_> = p
        .modules
        .iter()
        .map(|m| (&m.name, &m.ast, &m.imports, &m.globals, m.is_root, &m.proof_limits))
        .collect();
    let texts: Vec<_> = p.sources.files.iter().map(|f| (&f.name, &f.text)).collect();
    format!(
        "{diags:#?}\n{trees:?}\n{texts:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        p.globals,
        p.challenges,
        p.references,
        p.obligations,
        p.techniques,
        p.signature.declarations()
    )
}

fn file_of(p: &Program) -> FileId {
    let m = p.module_named("gen").expect("the module");
    p.modules[m].file
}

/// Updates `old`'s program to `new`; when the fast path is taken, checks it against a
/// full load and returns what was lowered again.
fn check(old: &str, new: &str) -> Result<Vec<usize>, NotIncremental> {
    let program = load_text(old);
    let file = file_of(&program);
    let (updated, what) = update(program, file, new)?;
    assert_eq!(outcome(&updated), outcome(&load_text(new)), "the update differs from a full load");
    Ok(what.relowered)
}

fn edit_in(text: &str, technique: usize, from: &str, to: &str) -> String {
    let head = format!("technique T{technique}(m: Model) {{\n");
    let at = text.find(&head).expect("the technique");
    let rel = text[at..].find(from).expect("the text to replace");
    format!("{}{}{}", &text[..at + rel], to, &text[at + rel + from.len()..])
}

#[test]
fn a_leaf_edit_relowers_that_technique_alone() {
    let text = library(12, 4);
    let edited = edit_in(&text, 11, "  proposed_by", "  source \"edited\"\n  proposed_by");
    let tid = load_text(&text).technique_named("T11").unwrap();
    assert_eq!(check(&text, &edited), Ok(vec![tid]));
    // And back.
    assert_eq!(check(&edited, &text), Ok(vec![tid]));
}

#[test]
fn a_same_length_edit_in_the_middle_relowers_only_what_it_touches() {
    let text = library(12, 4);
    let edited = edit_in(&text, 5, "agent:generator", "agent:generatoR");
    let program = load_text(&text);
    // The technique alone: the change ends inside it.
    assert_eq!(check(&text, &edited), Ok(vec![program.technique_named("T5").unwrap()]));
}

#[test]
fn a_longer_or_shorter_edit_in_the_middle_relowers_only_what_it_touches() {
    let text = library(12, 4);
    let program = load_text(&text);
    let tid = |name: &str| program.technique_named(name).unwrap();
    let sorted = |mut v: Vec<usize>| {
        v.sort();
        v
    };
    // Longer: the techniques after it move, and are not lowered again.
    let longer = edit_in(&text, 5, "linarith [c0, top]", "linarith [top, c0, top]");
    assert_eq!(check(&text, &longer), Ok(vec![tid("T5")]));
    // Shorter, and back.
    let shorter = edit_in(&text, 5, "  proposed_by \"agent:generator\"\n", "");
    assert_eq!(check(&text, &shorter), Ok(vec![tid("T5")]));
    assert_eq!(check(&shorter, &text), Ok(vec![tid("T5")]));
    // At the closing brace: the new text ends the technique earlier.
    let closed = edit_in(&text, 5, "}\n}\n", "}\n}\n}\n");
    assert_eq!(
        check(&text, &closed).map_err(|e| e.reason),
        Err("the changed stretch does not parse cleanly as items")
    );
    // Blank lines after the technique: the change is between items, and the stretch
    // is the next item (which starts after it).
    let spaced = edit_in(&text, 5, "}\n}\n", "}\n}\n\n\n");
    assert_eq!(check(&text, &spaced), Ok(vec![tid("T6")]));
    // A change from inside the technique to the blank after it: the stretch takes the
    // next item too.
    let across = edit_in(&text, 5, "0 }\n}\n", "1 }\n}\n//\n");
    assert_eq!(check(&text, &across), Ok(sorted(vec![tid("T5"), tid("T6")])));
    // The old technique's closing brace is now in a comment (a line comment may run on
    // past the stretch's end): declined.
    let commented = edit_in(&text, 5, "0 }\n}\n", "1 }\n} // }\n");
    assert_eq!(
        check(&text, &commented).map_err(|e| e.reason),
        Err("the stretch's last item does not end where its shared text does")
    );
    // A doc comment added before a technique is attached to it.
    let documented = text.replace("technique T7(", "/// The seventh.\ntechnique T7(");
    assert_eq!(check(&text, &documented), Ok(vec![tid("T7")]));
    let p = load_text(&documented);
    assert_eq!(p.techniques[p.technique_named("T7").unwrap()].doc.as_deref(), Some("The seventh."));
}

/// A file with every kind of entry after the edited technique: a user of it, a
/// challenge and its answer, a lemma with a proof (an obligation), a `limits` item,
/// comments, and a lift and an intent.
#[test]
fn every_entry_after_a_length_changing_edit_moves_as_a_full_load_has_it() {
    let fixture = include_str!("fixtures/design_example.wr");
    let text = format!(
        "{fixture}\n// A comment after everything.\nlemma after: forall m: Model. attack_rate(m) <= 1 := by {{\n  \
         linarith [rates_are_probs(m)]\n}}\n\nlimits {{ rewrite_nodes = 2000 }}\n/* the end */\n"
    );
    let program = load_text(&text);
    assert!(program.diagnostics.is_empty(), "{:?}", program.diagnostics);
    let m = program.module_named("control.trusted_monitoring").unwrap();
    let file = program.modules[m].file;
    let edited_tid = program.technique_named("TrustedMonitoring").unwrap();
    for (from, to) in [
        ("Greenblatt et al. 2023, AI Control", "Greenblatt, Shlegeris et al. 2023, AI Control"),
        ("Greenblatt et al. 2023, AI Control", "G"),
        ("    unfold slip\n", "    unfold slip\n\n\n"),
    ] {
        let edited = text.replacen(from, to, 1);
        let (updated, what) = update(load_text(&text), file, &edited).expect("the fast path");
        assert_eq!(what.relowered, vec![edited_tid]);
        assert_eq!(outcome(&updated), outcome(&load_text(&edited)), "{to}");
        let moved = what.moved.expect("a change of length");
        assert_eq!((moved.file, moved.delta), (file, edited.len() as i64 - text.len() as i64));
        let mut after = vec![
            program.technique_named("TwoMonitors").unwrap(),
            program.technique_named("MyProtocol").unwrap(),
        ];
        after.sort();
        assert_eq!(moved.techniques, after);
    }
}

#[test]
fn what_is_not_simple_is_declined() {
    let text = library(12, 4);
    let declined = |new: &str| check(&text, new).expect_err("declined").reason;
    // A non-technique item.
    assert_eq!(declined(&text.replace("fn v2(", "fn w2(")), "an item other than a technique changed");
    // A parse error.
    assert_eq!(
        declined(&edit_in(&text, 11, "assume c0:", "assume c0")),
        "the changed stretch does not parse cleanly as items"
    );
    // A renamed technique, a changed use, a type error.
    assert_eq!(declined(&text.replace("technique T11(", "technique U11(")), "a technique's name changed");
    assert_eq!(declined(&edit_in(&text, 11, "T7(m)", "T6(m)")), "a technique's uses changed");
    assert_eq!(
        declined(&edit_in(&text, 11, "v0(m) <= 1 :=", "v0(m) <= m :=")),
        "a technique lowers with a diagnostic or broken"
    );
    // A used technique's guarantee.
    assert_eq!(
        declined(&edit_in(&text, 5, "v0(m) <= 1 :=", "v0(m) <= 2 :=")),
        "a used technique's interface changed"
    );
    // A program that has diagnostics is never updated.
    let broken = edit_in(&text, 11, "assume c0:", "assume c0");
    let program = load_text(&broken);
    let file = file_of(&program);
    assert_eq!(update(program, file, &text).err().map(|e| e.reason), Some("the program has diagnostics"));
    // The same text: nothing to do.
    assert_eq!(check(&text, &text), Ok(vec![]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random edits of random techniques: taken or declined, never different from a
    /// full load.
    #[test]
    fn random_edits_give_the_full_load(edits in proptest::collection::vec((0usize..12, 0usize..9), 1..4)) {
        let mut text = library(12, 4);
        for (t, kind) in edits {
            let (from, to) = match kind {
                0 => ("  proposed_by", "  source \"x\"\n  proposed_by"),
                1 => ("agent:generator", "agent:generatoR"),
                2 => ("linarith [c0, top]", "linarith [top, c0]"),
                3 => ("v0(m) = 0;", "v0(m) = 1;"),
                4 => ("  assume top", "  /// doc\n  assume top"),
                5 => ("guarantee g", "guarantee  g"),
                6 => ("  proposed_by \"agent:generator\"\n", ""),
                7 => ("0 }\n}\n", "1 }\n}\n//\n"),
                _ => ("0 }\n}\n", "1 }\n} // }\n"),
            };
            let edited = if text[text.find(&format!("technique T{t}(")).unwrap()..].find(from).is_some() {
                edit_in(&text, t, from, to)
            } else {
                text.clone()
            };
            let _ = check(&text, &edited);
            text = edited;
        }
    }
}
