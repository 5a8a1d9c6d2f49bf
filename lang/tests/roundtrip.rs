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

/// `src` formats to exactly `expected`, and round-trips.
fn formats_to(src: &str, expected: &str) {
    assert_eq!(format_source(src, &Limits::default()).unwrap(), expected);
    check_roundtrip(src);
}

#[test]
fn canonical_layout() {
    formats_to(
        "sort   A // the sort\n\n\n/// doc\nfn f( x:A ):Rat\naxiom a : forall x:A. (f(x)) >= ((1 + 2) * 3) and not (true -> false)\n\
         lemma l: true := by { intro\n  norm ; sorry }\n",
        "sort A // the sort\n\n/// doc\nfn f(x: A): Rat\naxiom a: forall x: A. f(x) >= (1 + 2) * 3 and not (true -> false)\n\
         lemma l: true := by {\n  intro\n  norm\n  sorry\n}\n",
    );
}

#[test]
fn fractions_and_witness_layout() {
    formats_to(
        "technique T(d: D) {\n  witness { f(d) = 1 / 20; g(d) = x / 20; h(d) = 0.5 / 2; k(d) = y * (1/20) }\n}\n",
        "technique T(d: D) {\n  witness { f(d) = 1/20; g(d) = x / 20; h(d) = 0.5 / 2; k(d) = y * (1/20) }\n}\n",
    );
    // Past 100 columns on one line: one entry a line, whatever the source's layout.
    formats_to(
        "technique T(d: D) {\n  witness { safety_of_the_deployment(d) = 23/25; usefulness_of_the_deployment(d) = 47/50\n  cost(d) = 1 }\n}\n",
        "technique T(d: D) {\n  witness {\n    safety_of_the_deployment(d) = 23/25\n    usefulness_of_the_deployment(d) = 47/50\n    cost(d) = 1\n  }\n}\n",
    );
}

/// The bundled corpus is written in the formatter's layout: `warrant fmt --check
/// corpus` passes. (Files that do not parse, the rejected submissions' fixtures, are
/// skipped.)
#[test]
fn corpus_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut stack = vec![root];
    let (mut checked, mut unformatted) = (0, Vec::new());
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "wr") {
                let src = std::fs::read_to_string(&path).unwrap();
                if let Ok(out) = format_source(&src, &Limits::default()) {
                    checked += 1;
                    if out != src {
                        unformatted.push(path.display().to_string());
                    }
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} corpus files parsed");
    assert!(
        unformatted.is_empty(),
        "not in the formatter's layout (run `warrant fmt corpus`): {unformatted:#?}"
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
