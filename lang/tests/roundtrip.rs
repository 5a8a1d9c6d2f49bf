//! The formatter: parse(format(tree)) == tree (spans aside), formatting is idempotent,
//! and no comment is lost. Checked on the fixtures and on generated programs.
use proptest::prelude::*;
use std::path::Path;
use warrant_lang::{fmt::format_source, parse, Limits};

/// The tree's debug form with every span erased.
fn shape(src: &str) -> String {
    let p = parse(src, &Limits::default());
    assert!(p.errors.is_empty(), "does not parse: {:?}\n{src}", p.errors);
    let dbg = format!("{:?}", p.file.items);
    let mut out = String::with_capacity(dbg.len());
    let mut chars = dbg.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' {
            while chars.peek().is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn comments(src: &str) -> Vec<String> {
    let p = parse(src, &Limits::default());
    p.file.comments.iter().map(|c| src[c.span.range()].trim_end().to_string()).collect()
}

fn check_roundtrip(src: &str) {
    let once = format_source(src, &Limits::default()).expect("formats");
    assert_eq!(shape(src), shape(&once), "tree changed:\n{src}\n---\n{once}");
    assert_eq!(comments(src), comments(&once), "comments changed:\n{once}");
    let twice = format_source(&once, &Limits::default()).expect("formats again");
    assert_eq!(once, twice, "not idempotent");
}

#[test]
fn fixtures_roundtrip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        if parse(&src, &Limits::default()).errors.is_empty() {
            check_roundtrip(&src);
            n += 1;
        }
    }
    assert!(n >= 8);
}

#[test]
fn canonical_layout() {
    let src = "sort   A // the sort\n\n\n/// doc\nfn f( x:A ):Rat\naxiom a : forall x:A. (f(x)) >= ((1 + 2) * 3) and not (true -> false)\n\
               lemma l: true := by { intro\n  norm ; sorry }\n";
    let out = format_source(src, &Limits::default()).unwrap();
    assert_eq!(
        out,
        "sort A // the sort\n\n/// doc\nfn f(x: A): Rat\naxiom a: forall x: A. f(x) >= (1 + 2) * 3 and not (true -> false)\n\
         lemma l: true := by {\n  intro\n  norm\n  sorry\n}\n"
    );
}

// ---------------------------------------------------------------------------
// Generated programs (`programs/mod.rs`, shared with `fast_parse.rs`)
// ---------------------------------------------------------------------------

mod programs;
use programs::item;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn generated_programs_roundtrip(items in prop::collection::vec(item(), 1..6), blank in any::<bool>()) {
        let sep = if blank { "\n\n// between\n" } else { "\n" };
        let src = format!("module gen.test\nimport std.prob\n{}\n", items.join(sep));
        prop_assume!(parse(&src, &Limits::default()).errors.is_empty());
        check_roundtrip(&src);
    }
}
