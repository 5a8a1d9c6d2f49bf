//! Parsing: text to [`SourceFile`] plus diagnostics. Never fails: bytes that are not
//! UTF-8, lexical errors, syntax errors and limits all give diagnostics and a tree
//! with error nodes.
//!
//! Two parsers take the same tokens. The one generated from `grammar.lalrpop` defines
//! the language and recovers from errors: every diagnostic comes from it
//! ([`parse_recovering`]). A hand-written recursive-descent parser (`parse/fast.rs`)
//! runs first and either builds exactly the tree the grammar's actions would, or gives
//! up at the first thing it does not expect (a syntax error, an error token, a depth
//! limit, deep nesting), and the text is parsed again by the recovering parser. The
//! fast one is about half the instructions of the table-driven one on clean text
//! (lang/BENCHMARKS.md); `tests/fast_parse.rs` holds the two to the same trees.

use crate::ast::*;
use crate::diag::{ss, LangError};
use crate::lexer::{CommentKind, LexError, Tok, Tokens};
use crate::limits::Limits;
use crate::span::Span;
use lalrpop_util::{lalrpop_mod, ErrorRecovery, ParseError};

lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, missing_docs, unused_parens, dead_code)]
    grammar
);

mod fast;

/// An expression and its nesting depth.
pub(crate) type D = (Expr, u32);
/// A proof and its nesting depth.
pub(crate) type P = (Proof, u32);
/// A tactic (boxed while on the parser's stack) and its nesting depth.
pub(crate) type T = (Box<Tactic>, u32);

/// The nodes of a list built boxed on the parser's stack.
pub(crate) fn unbox<N>(v: Vec<Box<N>>) -> Vec<N> {
    v.into_iter().map(|n| *n).collect()
}

pub(crate) fn sp(l: usize, r: usize) -> Span {
    Span::new(l, r)
}

/// Resolves the escapes of a string token (quotes included).
pub(crate) fn unescape(s: &str) -> String {
    let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The parser's state: recovered errors and the depth limit.
pub(crate) struct State<'input> {
    pub(crate) recovered: Vec<ErrorRecovery<usize, Tok<'input>, LexError>>,
    max_depth: u32,
    depth_errors: Vec<Span>,
}

impl State<'_> {
    /// A parser state with nothing recovered yet, under `limits`' depth bound.
    fn new(limits: &Limits) -> Self {
        State { recovered: Vec::new(), max_depth: limits.max_depth, depth_errors: Vec::new() }
    }

    fn check(&mut self, kind: ExprKind, span: Span, depth: u32, children: u32) -> D {
        if children > self.max_depth {
            // Inside an expression already cut off: stay cut off, report once.
            return (Expr { kind: ExprKind::Error, span }, self.max_depth + 1);
        }
        if depth > self.max_depth {
            self.depth_errors.push(span);
            drop(kind);
            return (Expr { kind: ExprKind::Error, span }, self.max_depth + 1);
        }
        (Expr { kind, span }, depth)
    }

    pub(crate) fn leaf(&mut self, kind: ExprKind, l: usize, r: usize) -> D {
        (Expr { kind, span: sp(l, r) }, 1)
    }

    pub(crate) fn node(
        &mut self,
        l: usize,
        r: usize,
        child: u32,
        extra: u32,
        make: impl FnOnce(Box<Expr>) -> ExprKind,
        e: Expr,
    ) -> D {
        let kind = make(Box::new(e));
        self.check(kind, sp(l, r), child.saturating_add(extra), child)
    }

    pub(crate) fn bin(&mut self, op: BinOp, a: D, b: D, l: usize, r: usize) -> D {
        let child = a.1.max(b.1);
        let kind = ExprKind::Bin(op, Box::new(a.0), Box::new(b.0));
        self.check(kind, sp(l, r), child + 1, child)
    }

    pub(crate) fn cmp(&mut self, a: D, rest: Vec<(RelOp, D)>, l: usize, r: usize) -> D {
        let child = rest.iter().map(|(_, e)| e.1).fold(a.1, u32::max);
        // A chain becomes a conjunction as long as the chain: count it as depth.
        let depth = child.saturating_add(u32::try_from(rest.len()).unwrap_or(u32::MAX));
        let kind = ExprKind::Cmp(Box::new(a.0), rest.into_iter().map(|(op, e)| (op, e.0)).collect());
        self.check(kind, sp(l, r), depth, child)
    }

    pub(crate) fn app(&mut self, p: Path, args: Vec<D>, l: usize, r: usize) -> D {
        let child = args.iter().map(|a| a.1).max().unwrap_or(0);
        let kind = ExprKind::App(p, args.into_iter().map(|a| a.0).collect());
        self.check(kind, sp(l, r), child + 1, child)
    }

    pub(crate) fn paren(&mut self, e: D, l: usize, r: usize) -> D {
        (Expr { kind: e.0.kind, span: sp(l, r) }, e.1)
    }

    /// A tactic whose parts have depths `parts`.
    pub(crate) fn tactic(&mut self, parts: Vec<u32>, l: usize, r: usize, kind: TacticKind) -> T {
        let child = parts.into_iter().max().unwrap_or(0);
        let span = sp(l, r);
        if child > self.max_depth {
            return (Box::new(Tactic { kind: TacticKind::Error, span }), self.max_depth + 1);
        }
        if child + 1 > self.max_depth {
            self.depth_errors.push(span);
            return (Box::new(Tactic { kind: TacticKind::Error, span }), self.max_depth + 1);
        }
        (Box::new(Tactic { kind, span }), child + 1)
    }

    pub(crate) fn calc(&mut self, steps: Vec<(Box<CalcStep>, u32)>, l: usize, r: usize) -> T {
        let d = steps.iter().map(|s| s.1).collect();
        let steps = steps.into_iter().map(|s| *s.0).collect();
        self.tactic(d, l, r, TacticKind::Calc(steps))
    }

    pub(crate) fn proof(&mut self, style: ProofStyle, tactics: Vec<T>, l: usize, r: usize) -> P {
        let child = tactics.iter().map(|t| t.1).max().unwrap_or(0);
        let tactics: Vec<Tactic> = tactics.into_iter().map(|t| *t.0).collect();
        let tactics = tactics.into();
        (Proof { style, tactics, span: sp(l, r) }, child.saturating_add(1))
    }
}

/// What [`parse`] returns: always a tree, and every problem found.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The tree (with error nodes where the text could not be parsed).
    pub file: SourceFile,
    /// Lexical, syntax and limit diagnostics, in order of position.
    pub errors: Vec<LangError>,
}

/// Parses bytes that should be UTF-8 source.
pub fn parse_bytes(bytes: &[u8], limits: &Limits) -> Parsed {
    if bytes.len() > limits.max_file_bytes {
        return too_big(bytes.len(), limits);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => parse(s, limits),
        Err(e) => {
            let offset = e.valid_up_to();
            Parsed {
                file: SourceFile::default(),
                errors: vec![LangError::NotUtf8 { offset, span: ss(Span::new(offset, offset + 1)) }],
            }
        }
    }
}

fn too_big(len: usize, limits: &Limits) -> Parsed {
    Parsed {
        file: SourceFile::default(),
        errors: vec![LangError::Limit {
            what: format!("a file of {len} bytes"),
            field: "max_file_bytes",
            limit: limits.max_file_bytes as u64,
            span: ss(Span::new(0, 0)),
        }],
    }
}

/// Parses source text. Never fails: see [`Parsed`].
///
/// ```
/// let parsed = warrant_lang::parse("sort Model\nfn recall(m: Model): Rat", &Default::default());
/// assert!(parsed.errors.is_empty());
/// assert_eq!(parsed.file.items.len(), 2);
/// ```
pub fn parse(src: &str, limits: &Limits) -> Parsed {
    let pieces = (src.len() / MIN_PIECE_BYTES).min(rayon::current_num_threads());
    parse_in_pieces(src, limits, pieces)
}

/// Below this many bytes a piece is not worth a thread of its own.
const MIN_PIECE_BYTES: usize = 32 * 1024;

/// [`parse`] with the text cut into at most `pieces` pieces parsed in parallel (one
/// piece: parsed whole). The result is the same whatever `pieces` is; [`parse`] picks
/// it from the text's size and the threads available. Public for the tests that check
/// exactly that.
///
/// Why the result is the same: a piece starts at the beginning of a line, so the
/// tokens of the pieces are the tokens of the whole text (no token spans a line end,
/// except a block comment, and a piece that ends inside one has an unterminated
/// comment). When every piece parses without a diagnostic, each is a list of items, so
/// their concatenation is a list of items too, and the grammar (LR(1), hence
/// unambiguous) has exactly one tree for it: the pieces' trees one after the other.
/// The lexer's state carried from one piece to the next is its bracket depth (zero
/// after a piece that parsed) and its token count (the pieces' counts are added up
/// and checked against the limit). Whenever a piece has any diagnostic, the whole
/// text is parsed again in one piece, so recovery and its diagnostics are exactly
/// those of one parse.
#[doc(hidden)]
pub fn parse_in_pieces(src: &str, limits: &Limits, pieces: usize) -> Parsed {
    if src.len() > limits.max_file_bytes {
        return too_big(src.len(), limits);
    }
    // With no room for diagnostics, a piece could end in an unterminated comment
    // without saying so: parse such texts whole.
    if pieces > 1 && limits.max_errors > 0 {
        let cuts = cut_points(src, pieces);
        if cuts.len() > 2 {
            if let Some(parsed) = parse_cut(src, limits, &cuts) {
                return parsed;
            }
        }
    }
    parse_whole(src, limits)
}

/// Up to `pieces + 1` increasing offsets from 0 to `src.len()`: each inner one is the
/// start of a line that begins with an item keyword, near an equal share of the text.
fn cut_points(src: &str, pieces: usize) -> Vec<usize> {
    let bytes = src.as_bytes();
    let mut cuts = vec![0];
    for k in 1..pieces {
        let target = (src.len() / pieces * k).max(cuts[cuts.len() - 1] + 1);
        let mut at = target;
        let found = loop {
            let Some(nl) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) else {
                break None;
            };
            let line = at + nl + 1;
            let starts_item = crate::lexer::ITEM_KEYWORDS.iter().any(|kw| {
                bytes[line..].starts_with(kw.as_bytes())
                    && !bytes
                        .get(line + kw.len())
                        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            });
            if starts_item {
                break Some(line);
            }
            at = line;
        };
        match found {
            Some(line) if line < src.len() => cuts.push(line),
            _ => break,
        }
    }
    cuts.push(src.len());
    cuts
}

/// One piece of a text, parsed without any diagnostic.
struct Piece {
    items: Vec<Item>,
    comments: Vec<crate::lexer::Comment>,
    tokens: usize,
}

/// Parses the pieces between consecutive `cuts` in parallel; `None` when any of them
/// has a diagnostic or their tokens together are over the limit.
fn parse_cut(src: &str, limits: &Limits, cuts: &[usize]) -> Option<Parsed> {
    use rayon::prelude::*;
    // Collecting into an `Option` stops handing out pieces once one has a diagnostic:
    // the whole text is parsed again then, so the rest would be wasted.
    let pieces: Option<Vec<Piece>> =
        cuts.par_windows(2).map(|w| parse_piece(src, w[0], w[1], limits)).collect();
    let pieces = pieces?;
    // Sized once: growing the vectors piece by piece copied the items already in them
    // again (on the calling thread, while the pool waits).
    let mut items = Vec::with_capacity(pieces.iter().map(|p| p.items.len()).sum());
    let mut comments = Vec::with_capacity(pieces.iter().map(|p| p.comments.len()).sum());
    let mut tokens = 0usize;
    for piece in pieces {
        items.extend(piece.items);
        comments.extend(piece.comments);
        tokens = tokens.saturating_add(piece.tokens);
    }
    if tokens > limits.max_tokens {
        return None;
    }
    attach_docs(src, &comments, &mut items);
    Some(Parsed { file: SourceFile { items, comments }, errors: Vec::new() })
}

/// A piece parsed without any diagnostic, or `None`. The fast parser first; when it
/// gives up, the recovering parser (which may still find the piece clean, e.g. when it
/// nests deeper than the fast parser goes).
fn parse_piece(src: &str, start: usize, end: usize, limits: &Limits) -> Option<Piece> {
    let mut tokens = Tokens::range(src, start, end, limits);
    let fast = fast::Fast::new(&mut tokens, limits.max_depth).file();
    let (items, tokens) = match fast {
        Some(items) => (items, tokens),
        None => {
            let mut tokens = Tokens::range(src, start, end, limits);
            let mut state = State::new(limits);
            let result = grammar::FileParser::new().parse(&mut state, (&mut tokens).map(Ok::<_, LexError>));
            if !state.recovered.is_empty() || !state.depth_errors.is_empty() {
                return None;
            }
            (result.ok()?, tokens)
        }
    };
    // Either parser took every token: whatever the lexer reports now is the piece's.
    let (lexed, count, depth) = tokens.finish_counted();
    (lexed.is_clean() && depth == 0).then_some(Piece { items, comments: lexed.comments, tokens: count })
}

/// The items of `src[start..end]` with their doc comments attached, and the
/// stretch's comments, when it parses as whole items without any diagnostic (`None`
/// otherwise, and when `limits` leave no room for diagnostics, as in
/// [`parse_in_pieces`]). Spans are offsets in `src`. For [`crate::incremental`], which
/// says when these are the items a parse of all of `src` has there.
pub(crate) fn parse_stretch(
    src: &str,
    start: usize,
    end: usize,
    limits: &Limits,
) -> Option<(Vec<Item>, Vec<crate::lexer::Comment>)> {
    if limits.max_errors == 0 {
        return None;
    }
    let mut piece = parse_piece(src, start, end, limits)?;
    attach_docs(src, &piece.comments, &mut piece.items);
    Some((piece.items, piece.comments))
}

/// Parses the text in one piece: the fast parser when it parses the text without any
/// diagnostic, the recovering parser otherwise.
fn parse_whole(src: &str, limits: &Limits) -> Parsed {
    match parse_fast(src, limits) {
        Some(file) => Parsed { file, errors: Vec::new() },
        None => parse_recovering(src, limits),
    }
}

/// The fast parser alone on the whole text, doc comments attached: `None` when it gives
/// up or the lexer reports anything. Public for the tests that hold it to
/// [`parse_recovering`] (`tests/fast_parse.rs`).
#[doc(hidden)]
pub fn parse_fast(src: &str, limits: &Limits) -> Option<SourceFile> {
    if src.len() > limits.max_file_bytes {
        return None;
    }
    let mut tokens = Tokens::new(src, limits);
    let mut items = fast::Fast::new(&mut tokens, limits.max_depth).file()?;
    let lexed = tokens.finish();
    if !lexed.is_clean() {
        return None;
    }
    attach_docs(src, &lexed.comments, &mut items);
    Some(SourceFile { items, comments: lexed.comments })
}

/// The recovering parser (generated from `grammar.lalrpop`, the definition of the
/// language) alone on the whole text: every diagnostic comes from here. Public for
/// the tests that hold the fast parser to it (`tests/fast_parse.rs`).
#[doc(hidden)]
pub fn parse_recovering(src: &str, limits: &Limits) -> Parsed {
    if src.len() > limits.max_file_bytes {
        return too_big(src.len(), limits);
    }
    // The parser takes tokens as the lexer makes them. When a lexer limit stops the
    // lexing (`fatal`), the tree is thrown away, as if it had never been parsed.
    let mut tokens = Tokens::new(src, limits);
    let mut state = State::new(limits);
    let result = grammar::FileParser::new().parse(&mut state, (&mut tokens).map(Ok::<_, LexError>));
    let lexed = tokens.finish();
    let mut errors = lexed.errors;
    let comments = lexed.comments;
    if lexed.fatal {
        return Parsed {
            file: SourceFile {
                items: vec![Item { kind: ItemKind::Error, doc: None, span: Span::new(0, src.len()) }],
                comments,
            },
            errors,
        };
    }
    let mut items = match result {
        Ok(items) => items,
        Err(e) => {
            // Recovery failed (should not happen: every item position can recover).
            push_parse_error(&mut errors, e, src.len());
            vec![Item { kind: ItemKind::Error, doc: None, span: Span::new(0, src.len()) }]
        }
    };
    for r in std::mem::take(&mut state.recovered) {
        push_parse_error(&mut errors, r.error, src.len());
    }
    for span in state.depth_errors {
        errors.push(LangError::Limit {
            what: "nesting depth".into(),
            field: "max_depth",
            limit: u64::from(limits.max_depth),
            span: ss(span),
        });
    }
    errors.sort_by_key(|e| e.primary_span().map(|s| s.start).unwrap_or(0));
    if errors.len() > limits.max_errors {
        let at = errors[limits.max_errors].primary_span().unwrap_or_default();
        errors.truncate(limits.max_errors);
        errors.push(LangError::TooManyErrors { span: ss(at) });
    }
    attach_docs(src, &comments, &mut items);
    Parsed { file: SourceFile { items, comments }, errors }
}

/// Parses one expression (for tests and tools; proof scripts come parsed with their
/// file). Returns `None` with diagnostics when it does not parse.
pub fn parse_expr(src: &str, limits: &Limits) -> (Option<Expr>, Vec<LangError>) {
    match parse_expr_fast(src, limits) {
        Some(e) => (Some(e), Vec::new()),
        None => parse_expr_recovering(src, limits),
    }
}

/// [`parse_expr`] by the fast parser alone: `None` when it gives up or the lexer
/// reports anything. Public for `tests/fast_parse.rs`.
#[doc(hidden)]
pub fn parse_expr_fast(src: &str, limits: &Limits) -> Option<Expr> {
    let mut tokens = Tokens::new(src, limits);
    let mut parser = fast::Fast::new(&mut tokens, limits.max_depth);
    let e = parser.expr()?;
    if !parser.at_end() {
        return None;
    }
    let lexed = tokens.finish();
    lexed.is_clean().then_some(e.0)
}

/// [`parse_expr`] by the recovering parser alone. Public for `tests/fast_parse.rs`.
#[doc(hidden)]
pub fn parse_expr_recovering(src: &str, limits: &Limits) -> (Option<Expr>, Vec<LangError>) {
    let mut tokens = Tokens::new(src, limits);
    let mut state = State::new(limits);
    let result = grammar::ExprOnlyParser::new().parse(&mut state, (&mut tokens).map(Ok::<_, LexError>));
    let lexed = tokens.finish();
    let mut errors = lexed.errors;
    if lexed.fatal {
        return (None, errors);
    }
    for r in std::mem::take(&mut state.recovered) {
        push_parse_error(&mut errors, r.error, src.len());
    }
    for span in state.depth_errors {
        errors.push(LangError::Limit {
            what: "nesting depth".into(),
            field: "max_depth",
            limit: u64::from(limits.max_depth),
            span: ss(span),
        });
    }
    match result {
        Ok(e) if errors.is_empty() => (Some(e.0), errors),
        Ok(_) => (None, errors),
        Err(e) => {
            push_parse_error(&mut errors, e, src.len());
            (None, errors)
        }
    }
}

fn expected_help(expected: &[String]) -> Option<String> {
    if expected.is_empty() {
        return None;
    }
    let shown: Vec<String> = expected
        .iter()
        .map(|e| match e.as_str() {
            "IDENT" => "an identifier".to_string(),
            "QUALNAME" => "a dotted name".to_string(),
            "NUM" => "a numeral".to_string(),
            "STR" => "a string".to_string(),
            other => format!("`{}`", other.trim_matches('"')),
        })
        .collect();
    let expr_start = expected.iter().any(|e| e == "NUM") && expected.iter().any(|e| e == "\"(\"");
    if expr_start {
        return Some("expected an expression".into());
    }
    if shown.len() > 10 {
        return Some(format!("expected one of {} and {} more", shown[..10].join(", "), shown.len() - 10));
    }
    Some(format!("expected {}", join_or(&shown)))
}

fn join_or(v: &[String]) -> String {
    match v {
        [] => String::new(),
        [one] => one.clone(),
        _ => format!("{} or {}", v[..v.len() - 1].join(", "), v.last().cloned().unwrap_or_default()),
    }
}

fn push_parse_error(errors: &mut Vec<LangError>, e: ParseError<usize, Tok<'_>, LexError>, len: usize) {
    match e {
        ParseError::InvalidToken { location } => errors.push(LangError::UnexpectedToken {
            found: "invalid token".into(),
            expected: None,
            span: ss(Span::new(location, location + 1)),
        }),
        ParseError::UnrecognizedEof { location, expected } => {
            let at = location.min(len);
            errors.push(LangError::UnexpectedEof {
                expected: expected_help(&expected),
                span: ss(Span::new(at, at)),
            })
        }
        ParseError::UnrecognizedToken { token: (l, tok, r), expected } => {
            if tok == Tok::Error {
                return; // the lexer reported it already
            }
            let mut help = expected_help(&expected);
            if tok.is_keyword() {
                let kw = format!("`{}` is a keyword and cannot be used as a name", tok.text());
                if expected.iter().any(|e| e == "IDENT") {
                    help = Some(kw);
                }
            }
            errors.push(LangError::UnexpectedToken {
                found: tok.to_string(),
                expected: help,
                span: ss(Span::new(l, r)),
            })
        }
        ParseError::ExtraToken { token: (l, tok, r) } => errors.push(LangError::UnexpectedToken {
            found: tok.to_string(),
            expected: None,
            span: ss(Span::new(l, r)),
        }),
        ParseError::User { error } => errors.push(LangError::UnexpectedToken {
            found: format!("{error:?}"),
            expected: None,
            span: ss(Span::new(0, 0)),
        }),
    }
}

/// Attaches `///` comments to the items and clauses right after them.
fn attach_docs(src: &str, comments: &[crate::lexer::Comment], items: &mut [Item]) {
    let docs: Vec<Span> = comments.iter().filter(|c| c.kind == CommentKind::Doc).map(|c| c.span).collect();
    if docs.is_empty() {
        return;
    }
    let attach = |item: &mut Item| {
        item.doc = doc_before(src, &docs, item.span.start);
        let clauses = match &mut item.kind {
            ItemKind::Technique(t) => Some(&mut t.clauses),
            ItemKind::Challenge(c) => Some(&mut c.clauses),
            _ => None,
        };
        if let Some(clauses) = clauses {
            for c in clauses.iter_mut() {
                c.doc = doc_before(src, &docs, c.span.start);
            }
        }
    };
    // Each item's doc depends on the text and the doc comments only: on the pool when
    // there are many (a file parsed in pieces has its docs attached after the pieces
    // are joined, since a piece's first item has its doc in the piece before).
    if items.len() >= PARALLEL_DOCS_ITEMS {
        use rayon::prelude::*;
        items.par_iter_mut().with_min_len(PARALLEL_DOCS_ITEMS / 4).for_each(attach);
    } else {
        items.iter_mut().for_each(attach);
    }
}

/// From this many items, [`attach_docs`] runs on the rayon pool.
const PARALLEL_DOCS_ITEMS: usize = 1024;

/// The run of doc comments that ends right before `start` (only whitespace between).
fn doc_before(src: &str, docs: &[Span], start: u32) -> Option<String> {
    // Index of the first doc comment starting at or after `start`.
    let idx = docs.partition_point(|d| d.start < start);
    let mut lines = Vec::new();
    let mut next = start as usize;
    let mut i = idx;
    while i > 0 {
        let d = docs[i - 1];
        let gap = src.get(d.end as usize..next)?;
        if !gap.chars().all(char::is_whitespace) || gap.matches('\n').count() > 1 {
            break;
        }
        let text = src.get(d.range())?;
        let text = text.strip_prefix("///").unwrap_or(text);
        lines.push(text.strip_prefix(' ').unwrap_or(text).trim_end().to_string());
        next = d.start as usize;
        i -= 1;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "module m\nsort A\n/// doc\nfn f(x: A): Rat\naxiom a: forall x: A. f(x) >= 0\n\
                        lemma l: true := by {\n  sorry\n}\nsort B\n";

    #[test]
    fn cuts_are_at_lines_that_start_an_item() {
        // Shares of 16 bytes: the first item line after byte 16 is `fn` (after the
        // doc comment), after 32 `axiom`, after 48 `lemma`, after 64 `sort B`.
        let cuts = cut_points(TEXT, 6);
        let at = |s: &str| TEXT.find(s).unwrap();
        assert_eq!(cuts, vec![0, at("fn f"), at("axiom"), at("lemma"), at("sort B"), TEXT.len()]);
        assert_eq!(cut_points("sort A", 4), vec![0, 6]);
    }

    #[test]
    fn clean_pieces_are_used_and_a_piece_with_a_diagnostic_is_not() {
        let cuts = cut_points(TEXT, 6);
        let pieces = parse_cut(TEXT, &Limits::default(), &cuts).expect("every piece parses");
        let whole = parse_whole(TEXT, &Limits::default());
        assert_eq!(pieces.file, whole.file);
        assert_eq!(pieces.file.items[2].doc.as_deref(), Some("doc"));
        // A block comment across a cut: the piece before it does not end cleanly.
        let text = "sort A\n/*\nsort B\n*/\nsort C\n";
        let cuts = vec![0, text.find("sort B").unwrap(), text.len()];
        assert!(parse_cut(text, &Limits::default(), &cuts).is_none());
    }
}
