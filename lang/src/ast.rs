//! The syntax tree. Every node has a byte-offset [`Span`] into its file. Parsing never
//! fails: what could not be parsed is an `Error` node ([`ItemKind::Error`],
//! [`ClauseKind::Error`], [`ExprKind::Error`], [`TacticKind::Error`]) and a
//! diagnostic.
//!
//! This module is a stable interface: the prover reads [`Proof`] and [`Tactic`] to give
//! tactics their meaning, the auditor and the language server read the rest. Terms
//! and formulas share one [`Expr`] type; the type checker tells them apart.

use crate::span::Span;

/// A parsed file.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceFile {
    /// Items in order.
    pub items: Vec<Item>,
    /// Every comment, in order (doc comments included); the formatter keeps them.
    pub comments: Vec<crate::lexer::Comment>,
}

/// From this many items a syntax tree is freed on two threads.
const PARALLEL_DROP_ITEMS: usize = 1024;

impl Drop for SourceFile {
    /// A large tree is freed in two halves on two threads (the rayon pool): freeing
    /// the 50,000-line benchmark's tree node by node is about a fifth of its parse's
    /// instructions, all on the dropping thread (lang/BENCHMARKS.md). What is freed
    /// does not change, only where.
    fn drop(&mut self) {
        if self.items.len() < PARALLEL_DROP_ITEMS {
            return;
        }
        let mut first = std::mem::take(&mut self.items);
        let second = first.split_off(first.len() / 2);
        rayon::join(move || drop(first), move || drop(second));
    }
}

/// The text of a name or numeral: up to 24 bytes are held inline, without an
/// allocation (almost every name and numeral in practice); longer ones are on the
/// heap. Reads as a `&str`. (`smol_str::SmolStr`, which shares its long strings,
/// was measured too: its inline copy is a byte loop, and the parse cost more
/// instructions with it than with `String`s; lang/BENCHMARKS.md.)
pub type Text = compact_str::CompactString;

/// An identifier as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// Its text.
    pub text: Text,
    /// Where.
    pub span: Span,
}

/// A possibly dotted name: `slip`, `std.prob`, `first.safe`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// Its text, dots included.
    pub text: Text,
    /// Where.
    pub span: Span,
}

impl Path {
    /// The dot-separated segments.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.text.split('.')
    }
    /// Is it a single identifier?
    pub fn is_simple(&self) -> bool {
        !self.text.contains('.')
    }
}

/// A string literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    /// Its value, escapes resolved.
    pub value: String,
    /// Where, quotes included.
    pub span: Span,
}

/// A parameter or binder `x: S`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The variable.
    pub name: Ident,
    /// Its sort.
    pub sort: Path,
}

/// An item with its doc comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// The `///` comment lines right before it, without the `///` and one space.
    pub doc: Option<String>,
    /// Where, from its keyword to its end (doc comment excluded).
    pub span: Span,
}

/// Whether a statement item is a lemma, a theorem or a rewrite rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum LemmaKind {
    /// `lemma`.
    Lemma,
    /// `theorem`.
    Theorem,
    /// `rule`: an equation (or equivalence) usable by `rewrite`; proved like a lemma.
    Rule,
}

impl LemmaKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            LemmaKind::Lemma => "lemma",
            LemmaKind::Theorem => "theorem",
            LemmaKind::Rule => "rule",
        }
    }
}

/// The result of a `def`: a sort, or `Prop` for a predicate definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefResult {
    /// `: S`: a term definition.
    Sort(Path),
    /// `: Prop`: a predicate definition.
    Prop(Span),
}

/// The kinds of item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// `module a.b`
    Module(Path),
    /// `import a.b`
    Import(Path),
    /// `sort S`
    Sort(Ident),
    /// `fn f(x: A, y: B): C`, or `fn c: C` for a constant.
    Fn {
        /// The symbol.
        name: Ident,
        /// Parameters (their names are documentation).
        params: Vec<Param>,
        /// Result sort.
        result: Path,
    },
    /// `pred p(x: A)`, or `pred p` for a proposition constant.
    Pred {
        /// The symbol.
        name: Ident,
        /// Parameters.
        params: Vec<Param>,
    },
    /// `def f(x: A): S = term` or `def p(x: A): Prop = formula`.
    Def {
        /// The defined symbol.
        name: Ident,
        /// Parameters.
        params: Vec<Param>,
        /// Sort or `Prop`.
        result: DefResult,
        /// The body.
        body: Expr,
    },
    /// `axiom name: φ`
    Axiom {
        /// Its name.
        name: Ident,
        /// The statement.
        statement: Expr,
    },
    /// `lemma name: φ := by ...` (also `theorem`, `rule`).
    Lemma {
        /// Lemma, theorem or rule.
        kind: LemmaKind,
        /// Its name.
        name: Ident,
        /// The statement.
        statement: Expr,
        /// The proof (`None` when missing, which is a type error).
        proof: Option<Proof>,
    },
    /// `technique T(params) [answers C(args)] { clauses }`
    Technique(Box<Technique>),
    /// `challenge C(params) { clauses }`
    Challenge(Box<Challenge>),
    /// `limits { rewrite_nodes = 20000, arith_pivots = 500 }`: lowers the prover's
    /// search bounds for every proof of this file (see [`crate::PROOF_LIMITS`]).
    Limits(Vec<LimitSetting>),
    /// Text that could not be parsed.
    Error,
}

/// One `name = n` of a `limits` item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitSetting {
    /// The bound's name.
    pub name: Ident,
    /// The numeral as written, with its sign when it has one (checked by the
    /// elaborator, never here: parsing never fails).
    pub value: String,
    /// Where the value is.
    pub value_span: Span,
    /// The whole setting.
    pub span: Span,
}

/// A technique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Technique {
    /// Its name.
    pub name: Ident,
    /// Parameters.
    pub params: Vec<Param>,
    /// `answers C(args)`.
    pub answers: Option<Application>,
    /// Clauses in order.
    pub clauses: Vec<Clause>,
}

/// A challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// Its name.
    pub name: Ident,
    /// Parameters.
    pub params: Vec<Param>,
    /// Clauses in order (`oversees`, `source`, `allow`, `require`).
    pub clauses: Vec<Clause>,
}

/// `T(args)`: a technique or challenge applied to terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    /// What is applied.
    pub name: Path,
    /// Arguments.
    pub args: Vec<Expr>,
    /// Where.
    pub span: Span,
}

/// A clause of a technique or challenge, with its doc comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// What it is.
    pub kind: ClauseKind,
    /// `///` lines right before it.
    pub doc: Option<String>,
    /// Where.
    pub span: Span,
}

/// The kinds of clause. Which are allowed in a technique and which in a challenge is
/// checked by the type checker, not the grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClauseKind {
    /// `source "..."`
    Source(StrLit),
    /// `proposed_by "agent:..."`
    ProposedBy(StrLit),
    /// `oversees "agent:..."`
    Oversees(StrLit),
    /// `assume name: φ`
    Assume {
        /// Its name.
        name: Ident,
        /// The assumption.
        statement: Expr,
    },
    /// `use x = T(args)`
    Use {
        /// The local name of the instance.
        name: Ident,
        /// The technique and its arguments.
        technique: Application,
    },
    /// `discharge x.a by proof`
    Discharge {
        /// The used technique's assumption, `x.a`.
        target: Path,
        /// Its proof.
        proof: Proof,
    },
    /// `lift x.a`
    Lift {
        /// The used technique's assumption, `x.a`.
        target: Path,
    },
    /// `intent: φ`
    Intent(Expr),
    /// `guarantee name: φ := by ...`
    Guarantee {
        /// Its name.
        name: Ident,
        /// The guarantee.
        statement: Expr,
        /// The proof (`None` when missing, a type error).
        proof: Option<Proof>,
    },
    /// `witness { f(args) = value; ... }`
    Witness(Vec<WitnessEntry>),
    /// `allow name: φ` (challenges)
    Allow {
        /// Its name.
        name: Ident,
        /// What a submission may assume.
        statement: Expr,
    },
    /// `require name: φ` (challenges)
    Require {
        /// Its name.
        name: Ident,
        /// What a submission must establish.
        statement: Expr,
    },
    /// Text that could not be parsed.
    Error,
}

/// `f(args) = value` in a witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessEntry {
    /// The symbol applied to arguments.
    pub lhs: Expr,
    /// Its value.
    pub rhs: Expr,
    /// Where.
    pub span: Span,
}

/// An expression: a term or a formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where (parentheses included when it was parenthesised).
    pub span: Span,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
    /// `and`
    And,
    /// `or`
    Or,
    /// `->`
    Implies,
    /// `<->`
    Iff,
}

impl BinOp {
    /// The operator's text.
    pub fn text(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Implies => "->",
            BinOp::Iff => "<->",
        }
    }
}

/// Comparison operators (chainable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum RelOp {
    /// `=`
    Eq,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl RelOp {
    /// The operator's text.
    pub fn text(self) -> &'static str {
        match self {
            RelOp::Eq => "=",
            RelOp::Le => "<=",
            RelOp::Lt => "<",
            RelOp::Ge => ">=",
            RelOp::Gt => ">",
        }
    }
}

/// Quantifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `forall`
    Forall,
    /// `exists`
    Exists,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// A numeral as written: `3`, `0.95`, `95%`, `1e-3` (see [`crate::numeral`]).
    Num(Text),
    /// A variable or constant.
    Name(Path),
    /// `f(args)`: a function or predicate applied.
    App(Path, Vec<Expr>),
    /// `true`
    True,
    /// `false`
    False,
    /// `-t`
    Neg(Box<Expr>),
    /// `not φ`
    Not(Box<Expr>),
    /// A binary operation.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `a op1 b op2 c ...`: one comparison or a chain (`0 <= x <= 1`).
    Cmp(Box<Expr>, Vec<(RelOp, Expr)>),
    /// `forall x: A, y: B. φ` / `exists ...`
    Quant(Quantifier, Vec<Param>, Box<Expr>),
    /// Text that could not be parsed.
    Error,
}

/// A fact given to a tactic: a name (`recall_high`), a dotted name (`first.safe`),
/// or an instantiated one (`rates_are_probs(u)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// The fact's name.
    pub name: Path,
    /// Terms for its leading universal quantifiers (empty when not instantiated).
    pub args: Vec<Expr>,
    /// Where.
    pub span: Span,
}

/// How a proof was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProofStyle {
    /// `by { t1; t2 }`
    Block,
    /// `by t` (exactly one tactic)
    Tactic,
    /// `by fact`: exactly one [`TacticKind::Exact`].
    Fact,
}

/// A proof: the tactics after `by`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// How it was written (for the formatter; the meaning is the tactic list).
    pub style: ProofStyle,
    /// The tactics, run in order on the goal. Shared: an obligation holds the proof
    /// of the item it comes from, and cloning a proof copies no tactic.
    pub tactics: std::sync::Arc<[Tactic]>,
    /// Where, from `by` to the end.
    pub span: Span,
}

/// One tactic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tactic {
    /// What it is.
    pub kind: TacticKind,
    /// Where.
    pub span: Span,
}

/// One step of a `calc` chain: `lhs rel rhs := proof`; `lhs` is `None` for `_`
/// (the previous step's right side). The first step always has a `lhs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalcStep {
    /// The left side, or `None` for `_`.
    pub lhs: Option<Expr>,
    /// The relation.
    pub rel: RelOp,
    /// The right side.
    pub rhs: Expr,
    /// The step's proof.
    pub proof: Proof,
    /// Where.
    pub span: Span,
}

/// One arm of `cases h with | a => ... | b => ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseArm {
    /// Names for what the case introduces.
    pub names: Vec<Ident>,
    /// The proof of the goal in this case.
    pub proof: Proof,
    /// Where.
    pub span: Span,
}

/// A rule given to `rewrite`; `<- r` rewrites right to left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewriteRule {
    /// Right to left?
    pub reverse: bool,
    /// The rule (a `rule`, an axiom or lemma that is an equation, or a hypothesis).
    pub fact: Fact,
}

/// The tactics. Their meaning is the prover's; this documents the intent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TacticKind {
    /// `intro x y`: introduce universally bound variables and implication premises,
    /// with these names (none: the prover picks names).
    Intro(Vec<Ident>),
    /// `have h: φ by proof`: prove `φ` and add it as hypothesis `h`.
    Have {
        /// The new hypothesis' name.
        name: Ident,
        /// Its statement (lower it with [`crate::Program::lower_formula`]).
        statement: Expr,
        /// Its proof.
        proof: Proof,
    },
    /// `show φ`: state the current goal (checked to match it).
    Show(Expr),
    /// `calc a = b := by ... \n _ <= c := by ...`: a chain of `=`, `<=`, `<`
    /// (or `=`, `>=`, `>`) proving `a rel c`.
    Calc(Vec<CalcStep>),
    /// `cases h with x y` (split a conjunction or existential into named parts) or
    /// `cases h with | a => proof | b => proof` (a disjunction, one arm per case).
    Cases {
        /// The fact analysed.
        fact: Fact,
        /// Names for the parts (the first form).
        names: Vec<Ident>,
        /// One arm per case (the second form).
        arms: Vec<CaseArm>,
    },
    /// `split`: prove a conjunction or equivalence part by part; with blocks
    /// (`split { ... } { ... }`) each part gets its own proof.
    Split(Vec<Proof>),
    /// `left`: prove the left side of a disjunction.
    Left,
    /// `right`: prove the right side of a disjunction.
    Right,
    /// `exists t`: give the witness of an existential goal.
    Exists(Expr),
    /// `apply fact`: reduce the goal by an implication (or universal implication).
    Apply(Fact),
    /// `exact fact`: the fact is the goal.
    Exact(Fact),
    /// `unfold a, b`: unfold definitions.
    Unfold(Vec<Path>),
    /// `rewrite [r1, <- r2]`: rewrite with equations (e-graph).
    Rewrite(Vec<RewriteRule>),
    /// `norm`: ring normal form.
    Norm,
    /// `linarith [facts]`: linear arithmetic from the hypotheses and these facts.
    Linarith(Vec<Fact>),
    /// `nlinarith [facts]`: also products of pairs of facts.
    Nlinarith(Vec<Fact>),
    /// `auto [facts]`: a bounded mix of the above.
    Auto(Vec<Fact>),
    /// `sorry`: a hole; shows the goal; never accepted.
    Sorry,
    /// Text that could not be parsed.
    Error,
}
