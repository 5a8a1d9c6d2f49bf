//! Parsing a text in pieces in parallel gives exactly what parsing it whole gives:
//! the same tree, the same comments, the same diagnostics in the same order, whatever
//! the number of pieces. Checked on the fixtures, the corpus, texts cut in the middle
//! of a block comment or a string, the token limit, and random texts and edits.
use proptest::prelude::*;
use warrant_lang::parse::parse_in_pieces;
use warrant_lang::Limits;

mod sources;

/// Everything a parse returns, as text (`LangError` has no `PartialEq`).
fn outcome(src: &str, limits: &Limits, pieces: usize) -> String {
    let p = parse_in_pieces(src, limits, pieces);
    format!("{:?}\n{:?}", p.file, p.errors)
}

fn check_same(src: &str, limits: &Limits) {
    let whole = outcome(src, limits, 1);
    for pieces in [2, 3, 5, 16] {
        assert_eq!(outcome(src, limits, pieces), whole, "{pieces} pieces differ on:\n{src}");
    }
}

#[test]
fn fixtures_and_corpus_parse_the_same_in_pieces() {
    let files = sources::fixtures_and_corpus();
    assert!(files.len() >= 20, "{} files", files.len());
    let mut all = String::new();
    for (_, src) in &files {
        check_same(src, &Limits::default());
        all.push_str(src);
        all.push('\n');
    }
    // Every file one after the other: clashing module lines are the elaborator's
    // business; for the parser this is one long text with (some) errors in it.
    check_same(&all, &Limits::default());
}

/// A clean text of `n` item groups, each starting with an item keyword on its line.
fn clean_text(n: usize) -> String {
    let mut s = String::from("module t\n");
    for i in 0..n {
        s.push_str(&format!(
            "/// Doc {i}.\nfn f{i}(x: Rat): Rat\n/* block\n   comment */\naxiom a{i}: forall x: Rat. f{i}(x) >= 0\n\
             lemma l{i}: forall x: Rat. f{i}(x) + 1 >= 1 := by {{\n  intro x\n  linarith [a{i}(x)]\n}}\n\
             technique T{i}(x: Rat) {{\n  /// clause doc\n  assume h: f{i}(x) <= 1\n  guarantee g: f{i}(x) <= 2 := by linarith [h]\n}}\n"
        ));
    }
    s
}

#[test]
fn a_clean_text_in_pieces_is_the_whole_tree() {
    let src = clean_text(40);
    let whole = warrant_lang::parse::parse_in_pieces(&src, &Limits::default(), 1);
    assert!(whole.errors.is_empty(), "{:?}", whole.errors);
    assert_eq!(whole.file.items.len(), 1 + 40 * 4);
    assert_eq!(whole.file.items[1].doc.as_deref(), Some("Doc 0."));
    check_same(&src, &Limits::default());
}

#[test]
fn a_cut_inside_a_block_comment_or_after_an_unclosed_brace_falls_back() {
    // Lines starting with an item keyword inside a block comment: a piece ending there
    // has an unterminated comment.
    let mut src = clean_text(10);
    src.push_str("/*\nsort Hidden\nfn hidden: Rat\n*/\n");
    src.push_str(&clean_text(10));
    check_same(&src, &Limits::default());
    // An unclosed technique: the next item keyword is where the whole parse recovers.
    let mut src = clean_text(10);
    src.push_str("technique Open(x: Rat) {\n  assume h: x >= 0\n");
    src.push_str(&clean_text(10));
    let whole = warrant_lang::parse::parse_in_pieces(&src, &Limits::default(), 1);
    assert!(!whole.errors.is_empty());
    check_same(&src, &Limits::default());
}

#[test]
fn the_token_limit_counts_every_piece() {
    let src = clean_text(20);
    let total = warrant_lang::lexer::lex(&src, &Limits::default()).tokens.len();
    for max_tokens in [total - 1, total, total + 1, total / 3] {
        let limits = Limits { max_tokens, ..Limits::default() };
        let whole = warrant_lang::parse::parse_in_pieces(&src, &limits, 1);
        assert_eq!(whole.errors.is_empty(), max_tokens >= total, "{max_tokens}: {:?}", whole.errors);
        check_same(&src, &limits);
    }
}

#[test]
fn small_error_limits_are_the_same_in_pieces() {
    let mut src = clean_text(8);
    src.push_str("/*\nsort Hidden\n");
    for max_errors in [0, 1, 2] {
        check_same(&src, &Limits { max_errors, ..Limits::default() });
    }
}

/// Lines a random text is made of: items, pieces of items, comments, junk.
const LINES: &[&str] = &[
    "sort A",
    "fn f(x: A): Rat",
    "pred p(x: A)",
    "axiom ax: forall x: A. f(x) >= 0",
    "def d(x: A): Rat = f(x) * 2",
    "lemma l: forall x: A. f(x) >= 0 := by {",
    "  intro x",
    "  linarith [ax(x)]",
    "}",
    "technique T(x: A) {",
    "  assume h: f(x) <= 1",
    "  guarantee g: f(x) <= 2 := by linarith [h]",
    "/// a doc comment",
    "// a comment",
    "/* a block",
    "comment */",
    "\"a string",
    "limits { rewrite_nodes = 10 }",
    "(((",
    ")",
    "sort",
    "module m.n",
    "import std.prob",
    "rule r: forall x: A. f(x) = f(x) := by sorry",
    "\u{1F600}",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_texts_parse_the_same_in_pieces(lines in prop::collection::vec(0..LINES.len(), 0..80)) {
        let src: String = lines.iter().map(|&i| format!("{}\n", LINES[i])).collect();
        let whole = outcome(&src, &Limits::default(), 1);
        for pieces in [2, 4, 9] {
            prop_assert_eq!(outcome(&src, &Limits::default(), pieces), whole.clone());
        }
    }

    #[test]
    fn edited_clean_texts_parse_the_same_in_pieces(
        at in 0.0f64..1.0,
        remove in 0usize..4,
        insert in "[a-z{}()\\[\\]/*\"\n :=.]{0,4}",
    ) {
        let src = clean_text(6);
        let mut at = (at * src.len() as f64) as usize;
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        let end = (at + remove).min(src.len());
        let edited = format!("{}{}{}", &src[..at], insert, &src[end..]);
        let whole = outcome(&edited, &Limits::default(), 1);
        for pieces in [2, 5, 12] {
            prop_assert_eq!(outcome(&edited, &Limits::default(), pieces), whole.clone());
        }
    }
}
