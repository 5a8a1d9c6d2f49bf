//! The two parsers agree. The recovering parser (generated from `grammar.lalrpop`) is
//! the definition of the language and the source of every diagnostic; the fast
//! hand-written parser runs first. On every input, the fast parser either gives up, or
//! the recovering parser reports no diagnostic at all and builds the same tree (spans,
//! docs and comments included). On every well-formed input the fast parser must not
//! give up (a construct it gives up on would be a silent slowdown). Checked on the
//! corpus, the fixtures, a text with every construct of the grammar, the formatter's
//! generated programs, the benchmark's library, random edits of all of them, and deep
//! nesting.
use proptest::prelude::*;
use warrant_lang::parse::{parse_expr_fast, parse_expr_recovering, parse_fast, parse_recovering};
use warrant_lang::{parse, parse_expr, Limits};

mod programs;
mod sources;

#[path = "../benches/frontend.rs"]
#[allow(dead_code)]
mod bench;

/// Holds the fast parser to the recovering one on `src`; says whether it parsed.
fn agree(src: &str, limits: &Limits) -> bool {
    let slow = parse_recovering(src, limits);
    let fast = parse_fast(src, limits);
    if let Some(file) = &fast {
        assert!(
            slow.errors.is_empty(),
            "the fast parser accepts text with diagnostics {:?}:\n{src}",
            slow.errors
        );
        if *file != slow.file {
            panic!("the trees differ on:\n{src}\n{}", first_difference(file, &slow.file));
        }
    }
    // And `parse`, which takes the fast parser first, is the recovering parser's.
    let both = parse(src, limits);
    assert_eq!(format!("{:?}\n{:?}", both.file, both.errors), format!("{:?}\n{:?}", slow.file, slow.errors));
    fast.is_some()
}

/// Where the pretty debug forms of `fast` and `slow` first differ, with some context.
fn first_difference(fast: &warrant_lang::ast::SourceFile, slow: &warrant_lang::ast::SourceFile) -> String {
    let (a, b) = (format!("{fast:#?}"), format!("{slow:#?}"));
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(12);
    format!(
        "fast:\n{}\nrecovering:\n{}",
        a[from..(at + 3).min(a.len())].join("\n"),
        b[from..(at + 3).min(b.len())].join("\n")
    )
}

/// `src` is well formed: the fast parser must parse it, and agree.
fn fast_parses(src: &str) {
    assert!(parse_recovering(src, &Limits::default()).errors.is_empty(), "not well formed:\n{src}");
    assert!(agree(src, &Limits::default()), "the fast parser gives up on:\n{src}");
}

#[test]
fn corpus_and_fixtures() {
    let mut clean = 0;
    let mut with_diagnostics = 0;
    for (path, src) in sources::fixtures_and_corpus() {
        if parse_recovering(&src, &Limits::default()).errors.is_empty() {
            assert!(agree(&src, &Limits::default()), "the fast parser gives up on {}", path.display());
            clean += 1;
        } else {
            assert!(!agree(&src, &Limits::default()), "{}", path.display());
            with_diagnostics += 1;
        }
    }
    assert!(clean >= 50 && with_diagnostics >= 2, "{clean} clean, {with_diagnostics} with diagnostics");
    for (name, src) in warrant_lang::embedded_std() {
        assert!(agree(src, &Limits::default()), "the fast parser gives up on std module {name}");
    }
}

/// Every item, clause, tactic and expression form of the grammar, and the places
/// where a rule ends with an empty list (whose end lalrpop puts at the next token).
const EVERY_CONSTRUCT: &str = r#"module a.b
import std.prob
sort S
fn c: Rat
fn f(x: S, y: Rat,): S.t
pred p
pred q()
pred r(x: S)
def d: Rat = 1
def e(x: S): Prop = forall y: S, z: Rat. r(y) <-> exists w: S. r(w)
/// Doc
/// on two lines.
axiom a1: 1 + 2 - 3 * 4 / 5 ^ 6 ^ 7 = - - 8 and not not true or false -> p -> q() <-> r(x) <-> p
axiom a2: 0 <= x < 1 <= y = z > w >= v
axiom a3: p -> forall x: S. p
axiom a4: p <-> forall x: S. p
axiom a5: p -> q -> exists x: S. p -> forall y: S. q
axiom a6: (p) and ((q)) and f(g(x, y,), h()) = -(1)^2 * 3% + 1e-3 - 0.5E+2 + m.k
axiom a7: -x^2 = (-x)^2 and 2 * -x = x / -2 and x - -x = 0
lemma l1: true
lemma l2: true := by sorry
theorem t1: true := by exact h
rule r1: x = x := by h(1, x)
lemma l3: true := by {
  ;;
  intro
  intro x y, z
  intro , w
  left; right;;
  apply h; apply h(x, f(y))
  exact first.safe(1)
  unfold a, b.c d
  rewrite []
  rewrite [h, <- g(x), k,]
  norm
  linarith
  linarith []
  nlinarith [h, g(1),]
  auto [a]
  sorry
  have h1: p by norm
  have h2: p -> q by { intro h; exact h }
  have h3: p by h
  show forall x: S. p
  exists f(x) + 1
  cases h
  cases h with
  cases h with a b, c
  cases h(x) with | a => { exact a } | b c => { left } | => { }
  split
  split { norm } { linarith; sorry }
  calc x = y := by h
    _ <= z + 1 := by { linarith }
    _ < w := by norm
  calc a + b >= c := by auto
  intro
}
lemma l4: true := by intro
lemma l5: true := by cases h with
lemma l6: true := by split
lemma l7: true := by linarith
technique T(u: S, t: Rat) answers C(u, 1) {
  /// A clause doc.
  source "s \"q\" \\ \n \t"
  proposed_by "agent:x"
  assume a: p
  use first = U(u, t)
  use second = V()
  discharge first.a by h
  discharge first.b by { norm }
  discharge first.c by sorry
  lift first.d
  intent: p and q
  guarantee g1: p
  guarantee g2: p := by auto
  witness { }
  witness { ; f(u) = 1; c = 1/2 ;; g(u, t) = -u + 2 h = 3 }
  allow al: p
  require rq: q
}
technique U() { }
challenge C(u: S) {
  oversees "agent:y"
  allow a: p
  require r: q
}
challenge D() {}
limits { }
limits { a = 1, b = -2 c = 3, }
"#;

#[test]
fn every_construct() {
    fast_parses(EVERY_CONSTRUCT);
    // Each item alone too (an empty list at the very end of the text ends at the last
    // token).
    let parsed = parse_recovering(EVERY_CONSTRUCT, &Limits::default());
    for item in &parsed.file.items {
        fast_parses(&EVERY_CONSTRUCT[item.span.range()]);
    }
}

#[test]
fn expressions_alone() {
    for src in [
        "x",
        "forall x: S. p -> q <-> r",
        "1 + 2 * 3 ^ 4 ^ 5 <= 6 < 7",
        "not not (p or q) and r -> s",
        "f(x,)",
    ] {
        let (slow, errors) = parse_expr_recovering(src, &Limits::default());
        assert!(errors.is_empty(), "{src}: {errors:?}");
        assert_eq!(parse_expr_fast(src, &Limits::default()), slow, "{src}");
        assert_eq!(parse_expr(src, &Limits::default()).0, slow);
    }
    for src in ["", "x y", "x +", "(x", "x)", "forall x: S.", "a and forall x: S. p", "x ^ -2", "\u{1F600}"] {
        let (slow, errors) = parse_expr_recovering(src, &Limits::default());
        assert!(slow.is_none() && !errors.is_empty(), "{src}");
        assert_eq!(parse_expr_fast(src, &Limits::default()), None, "{src}");
    }
}

#[test]
fn the_bench_library() {
    fast_parses(&bench::library(2_000));
}

/// Text the recovering parser reports something on: the fast parser must give up.
#[test]
fn ill_formed_texts() {
    for src in [
        "sort",
        "sort A B",
        "fn f(x: S: Rat",
        "axiom a: (1",
        "axiom a: 1 = = 2",
        "axiom a: a and forall x: S. p",
        "axiom a: (p -> forall x: S. p) <-> forall",
        "axiom a: x ^ -2",
        "axiom a: - not p",
        "axiom a: forall x: S, . p",
        "lemma l: true := by calc a = b := by h",
        "lemma l: true := by { intro x, }",
        "lemma l: true := by { calc a = b = c := by h }",
        "lemma l: true := by { cases h with | a => norm }",
        "lemma l: true := by",
        "technique T { }",
        "technique T() { sort A }",
        "technique T() { witness { f = 1 = 2 } }",
        "limits { a = 1,, }",
        "limits { a = - }",
        "sort A \"open",
        "sort A /* open",
        "sort A \u{1F600}",
        "sort A )",
        "/// doc\nsort A }",
    ] {
        assert!(!parse_recovering(src, &Limits::default()).errors.is_empty(), "{src}");
        assert!(!agree(src, &Limits::default()), "{src}");
    }
}

/// Limits: the fast parser gives up where the recovering parser reports one.
#[test]
fn limits_are_the_recovering_parsers() {
    let src = "axiom a: f(f(f(f(x)))) = 1\nlemma l: true := by { have h: p by { norm } }\n";
    for max_depth in 0..8 {
        agree(src, &Limits { max_depth, ..Limits::default() });
    }
    assert!(!agree(src, &Limits { max_tokens: 10, ..Limits::default() }));
    assert!(!agree(src, &Limits { max_ident_len: 0, ..Limits::default() }));
    assert!(agree(src, &Limits { max_errors: 0, ..Limits::default() }));
    // With no room for diagnostics, an unterminated comment is still reported (as
    // "too many errors"): the fast parser gives up on it.
    assert!(!agree("sort A /* open", &Limits { max_errors: 0, ..Limits::default() }));
    assert!(!agree("sort A \"open", &Limits { max_errors: 0, ..Limits::default() }));
}

/// Nesting far past where the fast parser stops: no stack overflow, and the result
/// (tree, depth diagnostic) is the recovering parser's. Run on a thread with the
/// default 2 MiB stack, as the pool's threads have.
#[test]
fn deep_nesting() {
    let run = || {
        for n in [10, 60, 200, 255, 300, 5_000] {
            for src in [
                format!("axiom a: {}x", "not ".repeat(n)),
                format!("axiom a: {}x = 1", "- ".repeat(n)),
                format!("axiom a: {}x{} = 1", "(".repeat(n), ")".repeat(n)),
                format!("axiom a: {}x{} = 1", "f(".repeat(n), ")".repeat(n)),
                format!("axiom a: x{} = 1", " ^ x".repeat(n)),
                format!("axiom a: p{}", " -> p".repeat(n)),
                format!("axiom a: p{}", " <-> p".repeat(n)),
                format!("axiom a: {}p", "forall x: S. ".repeat(n)),
                format!("axiom a: {}p", "p -> forall x: S. ".repeat(n)),
                format!("axiom a: 0{} = 1", " + 1".repeat(n)),
                format!("axiom a: 0{}", " <= 1".repeat(n)),
                format!("lemma l: true := by {}norm", "have h: true by ".repeat(n)),
                format!("lemma l: true := by {}norm{}", "{ split ".repeat(n), " }".repeat(n)),
            ] {
                let fast = agree(&src, &Limits::default());
                // The fast parser nests up to 64 levels; the loops (prefixes, chains)
                // go as far as the depth limit.
                if n <= 10 {
                    assert!(fast, "{}", &src[..60.min(src.len())]);
                }
            }
        }
    };
    std::thread::Builder::new().stack_size(2 << 20).spawn(run).unwrap().join().unwrap();
}

/// One random edit of `src`: a byte span deleted, replaced by a token, or the text cut.
fn edit(src: &str, at: usize, len: usize, what: usize) -> String {
    const TOKENS: &[&str] = &[
        "",
        " ",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        ";",
        ".",
        ":=",
        "=",
        "<=",
        "<",
        "->",
        "<-",
        "<->",
        "=>",
        "|",
        "+",
        "-",
        "*",
        "/",
        "^",
        "_",
        "x",
        "a.b",
        "1",
        "\"s\"",
        "not",
        "and",
        "or",
        "forall x: S.",
        "by",
        "calc",
        "have",
        "with",
        "exists",
        "sort",
        "lemma",
        "/*",
        "//",
        "\n",
    ];
    let mut at = at % (src.len() + 1);
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + len % 8).min(src.len());
    while !src.is_char_boundary(end) {
        end -= 1;
    }
    if what == TOKENS.len() {
        return src[..at].to_string();
    }
    format!("{}{}{}", &src[..at], TOKENS[what % TOKENS.len()], &src[end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The formatter's generated programs: always parsed by the fast parser.
    #[test]
    fn generated_programs(items in prop::collection::vec(programs::item(), 1..6)) {
        let src = format!("module gen.test\nimport std.prob\n{}\n", items.join("\n"));
        prop_assume!(parse_recovering(&src, &Limits::default()).errors.is_empty());
        prop_assert!(agree(&src, &Limits::default()), "gives up on:\n{}", src);
    }

    /// Edits of generated programs: the parsers agree whatever comes out.
    #[test]
    fn edited_generated_programs(
        items in prop::collection::vec(programs::item(), 1..4),
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), 0..46usize), 1..4),
    ) {
        let mut src = items.join("\n");
        for (at, len, what) in edits {
            src = edit(&src, at, len, what);
        }
        agree(&src, &Limits::default());
    }

    /// Edits of the corpus and the fixtures.
    #[test]
    fn edited_files(file in any::<prop::sample::Index>(), at in any::<usize>(), len in any::<usize>(), what in 0..46usize) {
        let files = sources::fixtures_and_corpus();
        let (_, src) = &files[file.index(files.len())];
        agree(&edit(src, at, len, what), &Limits::default());
    }

    /// Edits of the text with every construct.
    #[test]
    fn edited_constructs(
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), 0..46usize), 1..3),
    ) {
        let mut src = EVERY_CONSTRUCT.to_string();
        for (at, len, what) in edits {
            src = edit(&src, at, len, what);
        }
        agree(&src, &Limits::default());
    }
}
