//! The lexer (logos). It turns text into tokens with byte spans, sets comments aside
//! for the formatter and for doc comments, checks the token, identifier, numeral and
//! bracket-nesting limits, and never fails: bad characters become
//! [`Tok::Error`] tokens plus a diagnostic.

use crate::diag::{ss, LangError};
use crate::limits::Limits;
use crate::span::Span;
use logos::Logos;
use std::fmt;

/// A lexical error (the parser sees it as a [`Tok::Error`] token).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LexError {
    /// A character that starts no token.
    #[default]
    Unexpected,
    /// A string without its closing quote.
    UnterminatedString,
    /// A block comment without `*/`.
    UnterminatedComment,
    /// A bad escape in a string.
    BadEscape,
}

/// A token. Keywords are reserved.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f]+")]
#[allow(missing_docs)]
pub enum Tok<'a> {
    #[token("module")]
    Module,
    #[token("import")]
    Import,
    #[token("sort")]
    Sort,
    #[token("fn")]
    Fn,
    #[token("pred")]
    Pred,
    #[token("def")]
    Def,
    #[token("axiom")]
    Axiom,
    #[token("lemma")]
    Lemma,
    #[token("theorem")]
    Theorem,
    #[token("rule")]
    Rule,
    #[token("technique")]
    Technique,
    #[token("challenge")]
    Challenge,
    #[token("limits")]
    Limits,
    #[token("answers")]
    Answers,
    #[token("source")]
    Source,
    #[token("proposed_by")]
    ProposedBy,
    #[token("oversees")]
    Oversees,
    #[token("assume")]
    Assume,
    #[token("use")]
    Use,
    #[token("discharge")]
    Discharge,
    #[token("lift")]
    Lift,
    #[token("intent")]
    Intent,
    #[token("guarantee")]
    Guarantee,
    #[token("witness")]
    Witness,
    #[token("allow")]
    Allow,
    #[token("require")]
    Require,
    #[token("by")]
    By,
    #[token("forall")]
    Forall,
    #[token("exists")]
    Exists,
    #[token("not")]
    Not,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("intro")]
    Intro,
    #[token("have")]
    Have,
    #[token("show")]
    Show,
    #[token("calc")]
    Calc,
    #[token("cases")]
    Cases,
    #[token("with")]
    With,
    #[token("split")]
    Split,
    #[token("left")]
    Left,
    #[token("right")]
    Right,
    #[token("apply")]
    Apply,
    #[token("exact")]
    Exact,
    #[token("unfold")]
    Unfold,
    #[token("rewrite")]
    Rewrite,
    #[token("norm")]
    Norm,
    #[token("linarith")]
    Linarith,
    #[token("nlinarith")]
    Nlinarith,
    #[token("auto")]
    Auto,
    #[token("sorry")]
    Sorry,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token(".")]
    Dot,
    #[token(":=")]
    ColonEq,
    #[token("=")]
    Eq,
    #[token("<=")]
    Le,
    #[token("<")]
    Lt,
    #[token(">=")]
    Ge,
    #[token(">")]
    Gt,
    #[token("->")]
    Arrow,
    #[token("<-")]
    BackArrow,
    #[token("<->")]
    Iff,
    #[token("=>")]
    FatArrow,
    #[token("|")]
    Bar,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("^")]
    Caret,
    #[token("_", priority = 10)]
    Underscore,

    /// An identifier.
    #[regex("[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice(), priority = 3)]
    Ident(&'a str),
    /// A dotted name with no spaces: `std.prob`, `first.safe`.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+", |lex| lex.slice())]
    QualName(&'a str),
    /// A numeral: `3`, `0.95`, `95%`, `1e-3`.
    #[regex(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?%?", |lex| lex.slice())]
    Num(&'a str),
    /// A string literal, quotes included.
    #[token("\"", lex_string)]
    Str(&'a str),

    /// `// ...` (also `/// ...`); set aside before parsing.
    #[regex("//[^\n]*")]
    LineComment,
    /// `/* ... */`; set aside before parsing.
    #[token("/*", lex_block_comment)]
    BlockComment,

    /// A lexical error, passed to the parser so that it can recover.
    Error,
}

fn lex_string<'a>(lex: &mut logos::Lexer<'a, Tok<'a>>) -> Result<&'a str, LexError> {
    let rest = lex.remainder();
    let bytes = rest.as_bytes();
    let mut i = 0;
    let mut bad_escape = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                lex.bump(i + 1);
                return if bad_escape { Err(LexError::BadEscape) } else { Ok(lex.slice()) };
            }
            b'\\' => {
                match bytes.get(i + 1) {
                    Some(b'"' | b'\\' | b'n' | b't') => {}
                    _ => bad_escape = true,
                }
                i += 2;
            }
            b'\n' => break,
            _ => i += 1,
        }
    }
    // Unterminated: swallow the rest of the line so that it does not lex as code.
    let line_end = rest.find('\n').unwrap_or(rest.len());
    lex.bump(line_end);
    Err(LexError::UnterminatedString)
}

fn lex_block_comment<'a>(lex: &mut logos::Lexer<'a, Tok<'a>>) -> Result<(), LexError> {
    let rest = lex.remainder();
    match rest.find("*/") {
        Some(i) => {
            lex.bump(i + 2);
            Ok(())
        }
        None => {
            lex.bump(rest.len());
            Err(LexError::UnterminatedComment)
        }
    }
}

impl fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "identifier `{s}`"),
            Tok::QualName(s) => write!(f, "name `{s}`"),
            Tok::Num(s) => write!(f, "numeral `{s}`"),
            Tok::Str(_) => write!(f, "string"),
            Tok::Error => write!(f, "invalid token"),
            Tok::LineComment | Tok::BlockComment => write!(f, "comment"),
            other => write!(f, "`{}`", other.text()),
        }
    }
}

impl Tok<'_> {
    /// The fixed text of a keyword or punctuation token (empty for the others).
    pub fn text(&self) -> &'static str {
        use Tok::*;
        match self {
            Module => "module",
            Import => "import",
            Sort => "sort",
            Fn => "fn",
            Pred => "pred",
            Def => "def",
            Axiom => "axiom",
            Lemma => "lemma",
            Theorem => "theorem",
            Rule => "rule",
            Technique => "technique",
            Challenge => "challenge",
            Limits => "limits",
            Answers => "answers",
            Source => "source",
            ProposedBy => "proposed_by",
            Oversees => "oversees",
            Assume => "assume",
            Use => "use",
            Discharge => "discharge",
            Lift => "lift",
            Intent => "intent",
            Guarantee => "guarantee",
            Witness => "witness",
            Allow => "allow",
            Require => "require",
            By => "by",
            Forall => "forall",
            Exists => "exists",
            Not => "not",
            And => "and",
            Or => "or",
            True => "true",
            False => "false",
            Intro => "intro",
            Have => "have",
            Show => "show",
            Calc => "calc",
            Cases => "cases",
            With => "with",
            Split => "split",
            Left => "left",
            Right => "right",
            Apply => "apply",
            Exact => "exact",
            Unfold => "unfold",
            Rewrite => "rewrite",
            Norm => "norm",
            Linarith => "linarith",
            Nlinarith => "nlinarith",
            Auto => "auto",
            Sorry => "sorry",
            LParen => "(",
            RParen => ")",
            LBrace => "{",
            RBrace => "}",
            LBracket => "[",
            RBracket => "]",
            Comma => ",",
            Colon => ":",
            Semi => ";",
            Dot => ".",
            ColonEq => ":=",
            Eq => "=",
            Le => "<=",
            Lt => "<",
            Ge => ">=",
            Gt => ">",
            Arrow => "->",
            BackArrow => "<-",
            Iff => "<->",
            FatArrow => "=>",
            Bar => "|",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Caret => "^",
            Underscore => "_",
            Ident(_) | QualName(_) | Num(_) | Str(_) | LineComment | BlockComment | Error => "",
        }
    }

    /// Is this a reserved word?
    pub fn is_keyword(&self) -> bool {
        let t = self.text();
        t.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
    }
}

/// Every reserved word of the language.
pub fn keywords() -> impl Iterator<Item = &'static str> {
    // `exists` is both a quantifier and a tactic: listed once.
    let words = ITEM_KEYWORDS.iter().chain(OTHER_KEYWORDS);
    words.chain(TACTICS.iter().filter(|t| !OTHER_KEYWORDS.contains(t))).copied()
}

/// The tactics of proof scripts (all reserved words), in the order
/// [`crate::ast::TacticKind`] documents them.
pub const TACTICS: &[&str] = &[
    "intro",
    "have",
    "show",
    "calc",
    "cases",
    "split",
    "left",
    "right",
    "exists",
    "apply",
    "exact",
    "unfold",
    "rewrite",
    "norm",
    "linarith",
    "nlinarith",
    "auto",
    "sorry",
];

/// The reserved words that only ever start an item (the parser cuts large files
/// into pieces before them).
pub const ITEM_KEYWORDS: &[&str] = &[
    "module",
    "import",
    "sort",
    "fn",
    "pred",
    "def",
    "axiom",
    "lemma",
    "theorem",
    "rule",
    "technique",
    "challenge",
    "limits",
];

/// The other reserved words, besides the tactics.
const OTHER_KEYWORDS: &[&str] = &[
    "answers",
    "source",
    "proposed_by",
    "oversees",
    "assume",
    "use",
    "discharge",
    "lift",
    "intent",
    "guarantee",
    "witness",
    "allow",
    "require",
    "by",
    "forall",
    "exists",
    "not",
    "and",
    "or",
    "true",
    "false",
    "with",
];

/// Is `s` a reserved word?
pub fn is_keyword(s: &str) -> bool {
    ITEM_KEYWORDS.contains(&s) || OTHER_KEYWORDS.contains(&s) || TACTICS.contains(&s)
}

/// What kind of comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...`: documentation of the next item.
    Doc,
    /// `/* ... */`
    Block,
}

/// A comment, kept for the formatter and for doc comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Which kind.
    pub kind: CommentKind,
    /// Where, delimiters included.
    pub span: Span,
}

/// The tokens of one file, its comments and the lexical diagnostics.
#[derive(Debug, Default)]
pub struct Lexed<'a> {
    /// Tokens with byte spans (comments removed).
    pub tokens: Vec<(usize, Tok<'a>, usize)>,
    /// Comments in order.
    pub comments: Vec<Comment>,
    /// Lexical and limit diagnostics.
    pub errors: Vec<LangError>,
    /// Set when a limit stopped lexing or nesting is too deep to parse safely.
    pub fatal: bool,
}

impl Lexed<'_> {
    /// Did the lexer report nothing: no diagnostic, no limit that stopped it?
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && !self.fatal
    }
}

/// A token with its byte span, as the parser takes it.
pub type Spanned<'a> = (usize, Tok<'a>, usize);

/// Lexes `src` under `limits`.
pub fn lex<'a>(src: &'a str, limits: &Limits) -> Lexed<'a> {
    let mut tokens = Tokens::new(src, limits);
    let collected: Vec<Spanned<'a>> = (&mut tokens).collect();
    let mut out = tokens.finish();
    out.tokens = collected;
    out
}

/// The lexer as an iterator: the tokens [`lex`] collects, made one at a time, so that
/// the parser can take them as they come instead of from a vector as long as the file
/// (40 bytes a token). Comments, diagnostics and `fatal` are in [`Tokens::finish`]
/// once the iterator has ended.
pub struct Tokens<'a, 'l> {
    src: &'a str,
    limits: &'l Limits,
    lexer: logos::Lexer<'a, Tok<'a>>,
    /// Bracket nesting so far.
    depth: u32,
    /// Tokens made so far (for the token limit).
    count: usize,
    /// The last token made, held back one step: a run of bad characters after it is
    /// merged into it.
    pending: Option<Spanned<'a>>,
    /// Set at the end of the text or when a limit stopped lexing.
    stopped: bool,
    /// Comments, diagnostics and `fatal` (its `tokens` stay empty).
    out: Lexed<'a>,
}

/// What one step of the lexer gives.
enum Step<'a> {
    Token(Spanned<'a>),
    Nothing,
    End,
}

impl<'a, 'l> Tokens<'a, 'l> {
    /// A lexer over `src` under `limits`.
    pub fn new(src: &'a str, limits: &'l Limits) -> Tokens<'a, 'l> {
        Tokens::range(src, 0, src.len(), limits)
    }

    /// A lexer over `src[start..end]` whose spans are offsets into the whole of `src`,
    /// for parsing a file in pieces ([`crate::parse`]). `start` must be a character
    /// boundary; bracket depth and token count start at zero.
    pub(crate) fn range(src: &'a str, start: usize, end: usize, limits: &'l Limits) -> Tokens<'a, 'l> {
        let src = &src[..end];
        let mut lexer = Tok::lexer(src);
        lexer.bump(start);
        Tokens {
            src,
            limits,
            lexer,
            depth: 0,
            count: 0,
            pending: None,
            stopped: false,
            out: Lexed::default(),
        }
    }

    /// Lexes what is left, and returns the comments, the diagnostics and whether a
    /// limit stopped lexing (`tokens` is empty: they were taken from the iterator).
    pub fn finish(self) -> Lexed<'a> {
        self.finish_counted().0
    }

    /// As [`Tokens::finish`], with the number of tokens made and the bracket depth at
    /// the end (what a piece of a file leaves to the pieces after it).
    pub(crate) fn finish_counted(mut self) -> (Lexed<'a>, usize, u32) {
        for _ in &mut self {}
        (self.out, self.count, self.depth)
    }

    /// Lexes one token. The common case (a token within the limits) stays on the
    /// straight path; comments, lexical errors and limits are out of line.
    #[inline]
    fn step(&mut self) -> Step<'a> {
        let Some(res) = self.lexer.next() else {
            return Step::End;
        };
        let tok = match res {
            Ok(Tok::LineComment) => {
                self.line_comment();
                return Step::Nothing;
            }
            Ok(Tok::BlockComment) => {
                let range = self.lexer.span();
                self.out
                    .comments
                    .push(Comment { kind: CommentKind::Block, span: Span::new(range.start, range.end) });
                return Step::Nothing;
            }
            Ok(t) => t,
            Err(e) => match self.lex_error(e) {
                Some(t) => t,
                None => return Step::Nothing,
            },
        };
        let limits = self.limits;
        match tok {
            Tok::Ident(s) | Tok::QualName(s) if s.len() > limits.max_ident_len => {
                let what = format!("a name of {} bytes", s.len());
                return self.too_long(what, "max_ident_len", limits.max_ident_len);
            }
            Tok::Num(s) if s.len() > limits.max_numeral_len => {
                let what = format!("a numeral of {} characters", s.len());
                return self.too_long(what, "max_numeral_len", limits.max_numeral_len);
            }
            Tok::LParen | Tok::LBrace | Tok::LBracket => {
                self.depth += 1;
                if self.depth > limits.max_depth {
                    return self.too_deep();
                }
            }
            Tok::RParen | Tok::RBrace | Tok::RBracket => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        let range = self.lexer.span();
        self.count += 1;
        if self.count > limits.max_tokens {
            self.too_many_tokens(range.start, range.end);
        }
        Step::Token((range.start, tok, range.end))
    }

    #[cold]
    fn line_comment(&mut self) {
        let range = self.lexer.span();
        let text = &self.src[range.clone()];
        let kind = if text.starts_with("///") && !text.starts_with("////") {
            CommentKind::Doc
        } else {
            CommentKind::Line
        };
        self.out.comments.push(Comment { kind, span: Span::new(range.start, range.end) });
    }

    /// A lexical error: its diagnostic, and the error token for the parser (`None`
    /// when there is none: a bad character merged into the error token before it, an
    /// unterminated comment).
    #[cold]
    #[inline(never)]
    fn lex_error(&mut self, e: LexError) -> Option<Tok<'a>> {
        let (src, limits, out) = (self.src, self.limits, &mut self.out);
        let range = self.lexer.span();
        let span = Span::new(range.start, range.end);
        let err = match e {
            LexError::Unexpected => {
                // Merge a run of bad characters into one token and one error.
                if let Some((_, Tok::Error, end)) = &mut self.pending {
                    if *end == range.start {
                        *end = range.end;
                        if let Some(LangError::UnexpectedChar { found, span }) = out.errors.last_mut() {
                            if found.len() < 40 {
                                found.push_str(&src[range.clone()]);
                            }
                            *span = ss(Span::new(span.offset(), range.end));
                        }
                        return None;
                    }
                }
                LangError::UnexpectedChar { found: src[range.clone()].to_string(), span: ss(span) }
            }
            LexError::UnterminatedString => LangError::UnterminatedString { span: ss(span) },
            LexError::UnterminatedComment => {
                LangError::UnterminatedComment { span: ss(Span::new(range.start, range.start + 2)) }
            }
            LexError::BadEscape => LangError::BadEscape { span: ss(span) },
        };
        // An unterminated comment is reported even past the cap: it swallows the rest of
        // the text (so there is at most one), and without its error a text whose end is
        // lost would parse as if it had none (the parser then caps the list and says
        // that diagnostics were dropped).
        let swallows_rest = matches!(e, LexError::UnterminatedComment);
        if out.errors.len() < limits.max_errors || swallows_rest {
            out.errors.push(err);
        }
        if swallows_rest {
            return None;
        }
        Some(Tok::Error)
    }

    /// A name or numeral over its length limit: an error token, not counted against
    /// the token limit.
    #[cold]
    #[inline(never)]
    fn too_long(&mut self, what: String, field: &'static str, limit: usize) -> Step<'a> {
        let range = self.lexer.span();
        let span = ss(Span::new(range.start, range.end));
        self.out.errors.push(LangError::Limit { what, field, limit: limit as u64, span });
        Step::Token((range.start, Tok::Error, range.end))
    }

    /// Brackets nested past the limit: lexing stops there.
    #[cold]
    #[inline(never)]
    fn too_deep(&mut self) -> Step<'a> {
        let range = self.lexer.span();
        self.out.errors.push(LangError::Limit {
            what: format!("brackets nested {} deep", self.depth),
            field: "max_depth",
            limit: self.limits.max_depth as u64,
            span: ss(Span::new(range.start, range.end)),
        });
        self.out.fatal = true;
        Step::End
    }

    /// One token past the token limit: it still counts as made; nothing after it does.
    #[cold]
    #[inline(never)]
    fn too_many_tokens(&mut self, start: usize, end: usize) {
        self.out.errors.push(LangError::Limit {
            what: "the number of tokens".into(),
            field: "max_tokens",
            limit: self.limits.max_tokens as u64,
            span: ss(Span::new(start, end)),
        });
        self.out.fatal = true;
        self.stopped = true;
    }
}

impl<'a> Iterator for Tokens<'a, '_> {
    type Item = Spanned<'a>;

    /// Only an error token is held back (in `pending`, with the token after it once
    /// that is made): bad characters right after it merge into it. Any other token is
    /// passed on as soon as it is made. The tokens, comments and diagnostics are the
    /// same as when every token was held back one step; only when the parser sees them
    /// changes.
    fn next(&mut self) -> Option<Spanned<'a>> {
        loop {
            match self.pending {
                Some(held) if held.1 != Tok::Error || self.stopped => {
                    self.pending = None;
                    return Some(held);
                }
                None if self.stopped => return None,
                _ => {}
            }
            match self.step() {
                Step::Token(t) if self.pending.is_none() && t.1 != Tok::Error => return Some(t),
                Step::Token(t) => {
                    if let Some(before) = self.pending.replace(t) {
                        return Some(before);
                    }
                }
                Step::Nothing => {}
                Step::End => self.stopped = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok<'_>> {
        lex(s, &Limits::default()).tokens.into_iter().map(|(_, t, _)| t).collect()
    }

    #[test]
    fn lexes_names_numbers_and_keywords() {
        assert_eq!(
            toks("forall m: Model. 0 <= attack_rate(m) <= 95%"),
            vec![
                Tok::Forall,
                Tok::Ident("m"),
                Tok::Colon,
                Tok::Ident("Model"),
                Tok::Dot,
                Tok::Num("0"),
                Tok::Le,
                Tok::Ident("attack_rate"),
                Tok::LParen,
                Tok::Ident("m"),
                Tok::RParen,
                Tok::Le,
                Tok::Num("95%"),
            ]
        );
        assert_eq!(
            toks("first.safe std.prob 1e-3 0.95 _ <-> <- ->"),
            vec![
                Tok::QualName("first.safe"),
                Tok::QualName("std.prob"),
                Tok::Num("1e-3"),
                Tok::Num("0.95"),
                Tok::Underscore,
                Tok::Iff,
                Tok::BackArrow,
                Tok::Arrow,
            ]
        );
    }

    #[test]
    fn comments_are_set_aside() {
        let l = lex("/// doc\nsort A // trailing\n/* block */ sort B", &Limits::default());
        assert_eq!(l.tokens.len(), 4);
        let kinds: Vec<_> = l.comments.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![CommentKind::Doc, CommentKind::Line, CommentKind::Block]);
    }

    #[test]
    fn bad_characters_merge_into_the_error_token_right_before_them() {
        let limits = Limits { max_ident_len: 4, ..Limits::default() };
        let src = "sort \u{1F600}\u{1F600} A \"a\\q\"\u{1F600} toolong\u{1F600}! B";
        let l = lex(src, &limits);
        let at = |s: &str| src.find(s).unwrap();
        let after = |s: &str| src.find(s).unwrap() + s.len();
        assert_eq!(
            l.tokens,
            vec![
                (0, Tok::Sort, 4),
                (5, Tok::Error, 13),
                (at(" A") + 1, Tok::Ident("A"), at(" A") + 2),
                // A bad escape, then a bad character right after it: one token.
                (at("\"a"), Tok::Error, after("\"\u{1F600}")),
                // A name over the limit, then two bad characters: one token.
                (at("toolong"), Tok::Error, after("toolong\u{1F600}!")),
                (at(" B") + 1, Tok::Ident("B"), src.len()),
            ]
        );
        // The run of two bad characters is one diagnostic; those merged into another
        // token's error token add none.
        let shown: Vec<String> = l.errors.iter().map(|e| format!("{e:?}")).collect();
        assert_eq!(
            shown,
            vec![
                "UnexpectedChar { found: \"\u{1F600}\u{1F600}\", span: SourceSpan { offset: SourceOffset(5), length: 8 } }",
                "BadEscape { span: SourceSpan { offset: SourceOffset(16), length: 5 } }",
                "Limit { what: \"a name of 7 bytes\", field: \"max_ident_len\", limit: 4, span: SourceSpan { offset: SourceOffset(26), length: 7 } }",
            ]
        );
    }

    #[test]
    fn bad_input_gives_error_tokens() {
        let l = lex("sort A \u{1F600}\u{1F600} \"open\nsort B /* never", &Limits::default());
        assert_eq!(l.errors.len(), 3, "{:?}", l.errors);
        assert!(l.tokens.iter().any(|(_, t, _)| *t == Tok::Error));
    }
}
