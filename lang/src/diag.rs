//! Diagnostics: every problem the front end finds is a value of [`LangError`], a
//! `miette::Diagnostic` with a stable code, a message, labelled spans and help.
//! A [`Diagnostic`] pairs one with the file it is about.
//!
//! Codes: `warrant::parse` (the text is not in the grammar, including lexical errors),
//! `warrant::limit` (a configured limit was hit), `warrant::type` (resolution and type
//! errors), `warrant::import` (a module cannot be found or read), `warrant::cycle`
//! (imports or technique uses form a cycle), `warrant::io` (a file cannot be read),
//! `warrant::manifest` (a `warrant.toml` manifest is invalid),
//! `warrant::internal` (the kernel refused what the front end accepted: a bug).

use crate::span::{FileId, Span};
#[allow(unused_imports)]
use miette::Diagnostic as _;
use miette::{Diagnostic as MietteDiagnostic, SourceSpan};

/// One diagnostic about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file it is about.
    pub file: FileId,
    /// What is wrong.
    pub error: LangError,
}

impl Diagnostic {
    /// The stable code, e.g. `warrant::type`.
    pub fn code(&self) -> String {
        self.error.code().map(|c| c.to_string()).unwrap_or_default()
    }
    /// The primary span, if any.
    pub fn span(&self) -> Option<Span> {
        self.error.primary_span()
    }
    /// Is this a warning rather than an error?
    pub fn is_warning(&self) -> bool {
        matches!(self.error.severity(), Some(miette::Severity::Warning))
    }
}

/// Why a file is not a well-formed program.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, MietteDiagnostic)]
pub enum LangError {
    /// A character that starts no token.
    #[error("unexpected character {found:?}")]
    #[diagnostic(code(warrant::parse), help("warrant source is ASCII outside strings and comments"))]
    UnexpectedChar {
        /// The characters.
        found: String,
        /// Where.
        #[label("not part of any token")]
        span: SourceSpan,
    },
    /// A string literal without its closing quote.
    #[error("unterminated string")]
    #[diagnostic(code(warrant::parse), help("close the string with `\"` on the same line"))]
    UnterminatedString {
        /// Where it starts.
        #[label("this string is never closed")]
        span: SourceSpan,
    },
    /// A block comment without its closing `*/`.
    #[error("unterminated block comment")]
    #[diagnostic(code(warrant::parse), help("close the comment with `*/`"))]
    UnterminatedComment {
        /// Where it starts.
        #[label("this comment is never closed")]
        span: SourceSpan,
    },
    /// A string escape that is not `\"`, `\\`, `\n` or `\t`.
    #[error("unknown escape in string")]
    #[diagnostic(code(warrant::parse), help("the escapes are \\\" \\\\ \\n \\t"))]
    BadEscape {
        /// Where.
        #[label("unknown escape")]
        span: SourceSpan,
    },
    /// The file is not UTF-8.
    #[error("the file is not valid UTF-8 (first bad byte at offset {offset})")]
    #[diagnostic(code(warrant::parse), help("warrant source files are UTF-8 text"))]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
        /// Where.
        #[label("invalid UTF-8")]
        span: SourceSpan,
    },
    /// A token the grammar does not allow here.
    #[error("unexpected {found}")]
    #[diagnostic(code(warrant::parse))]
    UnexpectedToken {
        /// The token as shown to the user.
        found: String,
        /// What would have been accepted.
        #[help]
        expected: Option<String>,
        /// Where.
        #[label("unexpected here")]
        span: SourceSpan,
    },
    /// The file ended in the middle of something.
    #[error("unexpected end of file")]
    #[diagnostic(code(warrant::parse))]
    UnexpectedEof {
        /// What would have been accepted.
        #[help]
        expected: Option<String>,
        /// The end of the file.
        #[label("the file ends here")]
        span: SourceSpan,
    },
    /// A numeral that is not an exact rational the language accepts.
    #[error("malformed numeral `{text}`")]
    #[diagnostic(code(warrant::parse), help("numerals are like 3, 0.95, 95%, 1e-3"))]
    BadNumeral {
        /// Its text.
        text: String,
        /// Where.
        #[label("not a numeral")]
        span: SourceSpan,
    },
    /// A configured limit was hit.
    #[error("{what} exceeds the limit of {limit} (`{field}`)")]
    #[diagnostic(
        code(warrant::limit),
        help("the input is too large or too deep for the configured limits; split it up or raise `{field}`")
    )]
    Limit {
        /// What exceeded the limit.
        what: String,
        /// The field of [`crate::Limits`].
        field: &'static str,
        /// The limit.
        limit: u64,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// Too many diagnostics; the rest were dropped.
    #[error("too many errors in this file; the remaining ones are not shown")]
    #[diagnostic(code(warrant::limit), help("fix the errors above first"))]
    TooManyErrors {
        /// Where reporting stopped.
        #[label("reporting stopped here")]
        span: SourceSpan,
    },
    /// A name that is not in scope.
    #[error("unknown {kind} `{name}`")]
    #[diagnostic(code("warrant::type"))]
    UnknownName {
        /// What kind of thing was expected (sort, function, fact, ...).
        kind: &'static str,
        /// The name as written.
        name: String,
        /// "did you mean" and other hints.
        #[help]
        help: Option<String>,
        /// Where.
        #[label("not found")]
        span: SourceSpan,
    },
    /// A name that denotes something of the wrong kind here.
    #[error("`{name}` is a {found}, but a {expected} is expected here")]
    #[diagnostic(code("warrant::type"))]
    WrongKind {
        /// The name.
        name: String,
        /// What it is.
        found: String,
        /// What is needed.
        expected: String,
        /// Hints.
        #[help]
        help: Option<String>,
        /// Where.
        #[label("this is a {found}")]
        span: SourceSpan,
    },
    /// A name in scope from several places.
    #[error("`{name}` is ambiguous: it is declared in {candidates}")]
    #[diagnostic(code("warrant::type"), help("qualify it with its module"))]
    Ambiguous {
        /// The name.
        name: String,
        /// Where it is declared.
        candidates: String,
        /// Where.
        #[label("ambiguous")]
        span: SourceSpan,
    },
    /// Wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s) but {found} were given")]
    #[diagnostic(code("warrant::type"))]
    Arity {
        /// The symbol.
        name: String,
        /// Parameters.
        expected: usize,
        /// Arguments.
        found: usize,
        /// Its signature.
        #[help]
        help: Option<String>,
        /// Where.
        #[label("wrong number of arguments")]
        span: SourceSpan,
    },
    /// A term of the wrong sort.
    #[error("expected a term of sort `{expected}`, found one of sort `{found}`")]
    #[diagnostic(code("warrant::type"))]
    SortMismatch {
        /// Needed sort.
        expected: String,
        /// Found sort.
        found: String,
        /// Context.
        #[help]
        help: Option<String>,
        /// Where.
        #[label("this has sort `{found}`")]
        span: SourceSpan,
    },
    /// A term where a formula belongs.
    #[error("expected a formula, found a term of sort `{sort}`")]
    #[diagnostic(
        code("warrant::type"),
        help("compare it (`= <= < >= >`) or apply a predicate to make a formula")
    )]
    TermNotFormula {
        /// The term's sort.
        sort: String,
        /// Where.
        #[label("this is a term")]
        span: SourceSpan,
    },
    /// A formula where a term belongs.
    #[error("expected a term, found a formula")]
    #[diagnostic(code("warrant::type"), help("formulas cannot be arguments or operands of arithmetic"))]
    FormulaNotTerm {
        /// Where.
        #[label("this is a formula")]
        span: SourceSpan,
    },
    /// A name declared twice.
    #[error("`{name}` is already defined")]
    #[diagnostic(code("warrant::type"), help("every name in a module is declared once; rename one of them"))]
    Duplicate {
        /// The name.
        name: String,
        /// The second declaration.
        #[label("defined again here")]
        span: SourceSpan,
        /// The first one, when in the same file.
        #[label("first defined here")]
        previous: Option<SourceSpan>,
    },
    /// A definition that refers to itself, directly or through others.
    #[error("recursive definition: {cycle}")]
    #[diagnostic(
        code("warrant::type"),
        help("definitions must not be recursive (that keeps them conservative); state a recursive property as an axiom instead")
    )]
    RecursiveDef {
        /// The cycle, `a -> b -> a`.
        cycle: String,
        /// Where.
        #[label("refers back to itself")]
        span: SourceSpan,
    },
    /// Division by something other than a nonzero numeral.
    #[error("division by {what}")]
    #[diagnostic(
        code("warrant::type"),
        help("`/` divides only by a nonzero numeral (like `x / 20`); multiply instead, or state the quotient with an axiom")
    )]
    BadDivision {
        /// What the divisor is.
        what: String,
        /// Where.
        #[label("the divisor must be a nonzero numeral")]
        span: SourceSpan,
    },
    /// An exponent that is not a natural-number numeral.
    #[error("the exponent must be a natural-number numeral of at most {max}")]
    #[diagnostic(code("warrant::type"), help("write `x ^ 2`; other powers are not in the language"))]
    BadExponent {
        /// Largest exponent allowed.
        max: u32,
        /// Where.
        #[label("not a natural number numeral")]
        span: SourceSpan,
    },
    /// Something that is not allowed in this position (a clause in the wrong block,
    /// a repeated clause, a malformed calc chain, a rule that is not an equation ...).
    #[error("{message}")]
    #[diagnostic(code("warrant::type"))]
    Invalid {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// A module that cannot be found on any library root.
    #[error("module `{module}` not found")]
    #[diagnostic(code(warrant::import))]
    ModuleNotFound {
        /// The module path.
        module: String,
        /// Where it was looked for.
        #[help]
        help: Option<String>,
        /// The import.
        #[label("imported here")]
        span: SourceSpan,
    },
    /// A cycle of imports or of technique uses.
    #[error("{what} cycle: {cycle}")]
    #[diagnostic(code(warrant::cycle), help("break the cycle: nothing may depend on itself"))]
    Cycle {
        /// `import` or `technique`.
        what: &'static str,
        /// The cycle, `a -> b -> a`.
        cycle: String,
        /// Where it closes.
        #[label("closes the cycle")]
        span: SourceSpan,
    },
    /// A file could not be read.
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(warrant::io))]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
    /// A `warrant.toml` manifest that cannot be used (see [`crate::walk`]); its
    /// exclusions are not applied.
    #[error("{message}")]
    #[diagnostic(code(warrant::manifest), help("{help}"))]
    Manifest {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
        /// Where in the manifest.
        #[label("here")]
        span: SourceSpan,
    },
    /// The kernel refused a declaration the front end accepted.
    #[error("the kernel refused `{name}`: {message}")]
    #[diagnostic(
        code(warrant::internal),
        help("this is a bug in warrant's front end unless a kernel limit was hit; please report it")
    )]
    Kernel {
        /// The declaration.
        name: String,
        /// The kernel's error.
        message: String,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// A proof step does not check (reported by the prover, which the front end hosts
    /// through [`crate::ProofChecker`]).
    #[error("{message}\n{goal}")]
    #[diagnostic(
        code(warrant::proof),
        help("the goal and hypotheses left are shown above; give the tactic the facts it needs")
    )]
    Proof {
        /// What went wrong.
        message: String,
        /// The hypotheses and the goal left, in warrant's syntax.
        goal: String,
        /// The failing step.
        #[label("this step does not check")]
        span: SourceSpan,
    },
    /// A search bound was hit while proving.
    #[error("{message}")]
    #[diagnostic(
        code(warrant::limit),
        help("give the tactic the facts it needs so the search is short, or raise the bound")
    )]
    ProofLimit {
        /// Which bound.
        message: String,
        /// The step.
        #[label("the search stopped here")]
        span: SourceSpan,
    },
    /// A `limits` setting above what the prover's caller allows (the ceiling). The
    /// ceiling applies: a file may lower a bound, never raise it.
    #[error("`{setting} = {value}` is above the ceiling {ceiling}")]
    #[diagnostic(code(warrant::limit), severity(Warning))]
    LimitAboveCeiling {
        /// The setting's name.
        setting: String,
        /// The value the file asked for.
        value: u64,
        /// The caller's value, which applies.
        ceiling: u64,
        /// Names the ceiling.
        #[help]
        help: String,
        /// The value.
        #[label("the ceiling {ceiling} applies")]
        span: SourceSpan,
    },
    /// A `sorry` is left.
    #[error("a `sorry` is left; it stands for\n{goal}")]
    #[diagnostic(
        code(warrant::sorry),
        help("`sorry` is never a proof: replace it by tactics that prove the goal shown")
    )]
    Sorry {
        /// The hypotheses and the goal it stands for.
        goal: String,
        /// The `sorry`.
        #[label("hole")]
        span: SourceSpan,
    },
}

impl LangError {
    /// The primary span, if any.
    pub fn primary_span(&self) -> Option<Span> {
        use LangError::*;
        let s = match self {
            UnexpectedChar { span, .. }
            | UnterminatedString { span }
            | UnterminatedComment { span }
            | BadEscape { span }
            | NotUtf8 { span, .. }
            | UnexpectedToken { span, .. }
            | UnexpectedEof { span, .. }
            | BadNumeral { span, .. }
            | Limit { span, .. }
            | TooManyErrors { span }
            | UnknownName { span, .. }
            | WrongKind { span, .. }
            | Ambiguous { span, .. }
            | Arity { span, .. }
            | SortMismatch { span, .. }
            | TermNotFormula { span, .. }
            | FormulaNotTerm { span }
            | Duplicate { span, .. }
            | RecursiveDef { span, .. }
            | BadDivision { span, .. }
            | BadExponent { span, .. }
            | Invalid { span, .. }
            | ModuleNotFound { span, .. }
            | Cycle { span, .. }
            | Manifest { span, .. }
            | Kernel { span, .. }
            | Proof { span, .. }
            | ProofLimit { span, .. }
            | LimitAboveCeiling { span, .. }
            | Sorry { span, .. } => *span,
            Io { .. } => return None,
        };
        Some(Span::new(s.offset(), s.offset() + s.len()))
    }
}

/// Shorthand: a span as miette wants it.
pub(crate) fn ss(s: Span) -> SourceSpan {
    s.into()
}
