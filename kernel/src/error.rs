//! Why the kernel refused something. Every refusal is a value of [`KernelError`]:
//! which rule, at which step, what was expected and what was found.

use crate::term::{Formula, Name, Sort, Term};
use std::fmt;

/// Which limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// `max_steps`: steps in one proof object.
    Steps,
    /// `max_formula_size`: nodes in one term or formula.
    FormulaSize,
    /// `max_depth`: nesting of one term or formula.
    Depth,
    /// `max_monomials`: monomials in one polynomial normal form.
    Monomials,
    /// `max_numeral_bits`: bits in one rational coefficient.
    NumeralBits,
    /// `max_exponent`: a power's exponent.
    Exponent,
    /// `max_degree`: a monomial's total degree (also of a certificate product).
    Degree,
    /// `max_json_depth`: nesting of a JSON document.
    JsonDepth,
    /// `max_json_bytes`: size of a JSON document.
    JsonBytes,
    /// `max_hypotheses`: hypotheses of one sequent.
    Hypotheses,
    /// `max_work`: the work of one check.
    Work,
}

impl LimitKind {
    /// The field of [`Limits`](crate::Limits) that sets this limit.
    pub fn field(self) -> &'static str {
        match self {
            LimitKind::Steps => "max_steps",
            LimitKind::FormulaSize => "max_formula_size",
            LimitKind::Depth => "max_depth",
            LimitKind::Monomials => "max_monomials",
            LimitKind::NumeralBits => "max_numeral_bits",
            LimitKind::Exponent => "max_exponent",
            LimitKind::Degree => "max_degree",
            LimitKind::JsonDepth => "max_json_depth",
            LimitKind::JsonBytes => "max_json_bytes",
            LimitKind::Hypotheses => "max_hypotheses",
            LimitKind::Work => "max_work",
        }
    }
}

/// A refusal by the kernel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KernelError {
    /// A step of a proof object failed; `error` says how.
    #[error("step {step} ({rule}): {error}")]
    Step {
        /// Index of the failing step in the proof object.
        step: usize,
        /// The rule that step applies.
        rule: &'static str,
        /// What went wrong.
        error: Box<KernelError>,
    },
    /// A step's premise or result is not the formula the rule needs.
    #[error("expected {expected}, found {found}")]
    Mismatch {
        /// What the rule needed.
        expected: Box<Formula>,
        /// What it was given.
        found: Box<Formula>,
    },
    /// Two terms that must be identical differ.
    #[error("expected the term {expected}, found {found}")]
    TermMismatch {
        /// What the rule needed.
        expected: Box<Term>,
        /// What it was given.
        found: Box<Term>,
    },
    /// A premise does not have the shape the rule needs.
    #[error("expected {expected}, found {found}")]
    Shape {
        /// A description of the shape, e.g. "a conjunction".
        expected: &'static str,
        /// What it was given.
        found: Box<Formula>,
    },
    /// A step refers to a step that is not before it.
    #[error("refers to step {reference}, which is not an earlier step")]
    ForwardReference {
        /// The step it refers to.
        reference: usize,
    },
    /// The proof object has no steps.
    #[error("the proof object has no steps")]
    EmptyProof,
    /// A hypothesis name the context does not have.
    #[error("no hypothesis named `{name}` in the context")]
    UnknownHypothesis {
        /// The name.
        name: String,
    },
    /// A fact name the signature does not have (or of another kind).
    #[error("no {kind} named `{name}` in the signature")]
    UnknownFact {
        /// The name.
        name: String,
        /// "axiom", "theorem" or "definition".
        kind: &'static str,
    },
    /// More instantiation arguments than the fact has leading quantifiers.
    #[error("`{name}` takes at most {max} arguments, {given} given")]
    TooManyArguments {
        /// The fact.
        name: String,
        /// Its leading quantifiers.
        max: usize,
        /// Arguments given.
        given: usize,
    },
    /// An eigenvariable condition is violated.
    #[error("the variable `{variable}` must not occur free in {place}")]
    EigenvariableOccurs {
        /// The variable.
        variable: String,
        /// Where it occurs.
        place: String,
    },
    /// The final sequent rests on a hypothesis that is not in the context.
    #[error("the proof rests on the undischarged assumption {formula}")]
    UndischargedAssumption {
        /// The assumption.
        formula: Box<Formula>,
    },
    /// `ring`: the two sides' normal forms differ.
    #[error("the normal forms differ: {lhs} versus {rhs}")]
    RingMismatch {
        /// Normal form of the left side.
        lhs: String,
        /// Normal form of the right side.
        rhs: String,
    },
    /// `psatz`: the certificate does not establish its goal.
    #[error("the certificate does not establish the goal: {reason}")]
    Certificate {
        /// Why not.
        reason: String,
    },
    /// A theorem declared without the checked `Theorem` that proves it.
    #[error("the theorem `{name}` can only be added with the Theorem the checker made")]
    UncheckedTheorem {
        /// The theorem's name.
        name: String,
    },
    /// A name is declared twice (or is `Rat`, or empty).
    #[error("the name `{name}` is already declared")]
    NameTaken {
        /// The name.
        name: String,
    },
    /// A sort that is not declared.
    #[error("unknown sort {sort:?}")]
    UnknownSort {
        /// The sort.
        sort: Sort,
    },
    /// A symbol that is not declared, or not of the expected kind.
    #[error("no {expected} named `{name}`")]
    UnknownSymbol {
        /// The name.
        name: String,
        /// "function" or "predicate".
        expected: &'static str,
    },
    /// Wrong number of arguments.
    #[error("`{name}` takes {expected} arguments, {found} given")]
    Arity {
        /// The symbol.
        name: String,
        /// Its arity.
        expected: usize,
        /// Arguments given.
        found: usize,
    },
    /// A term of the wrong sort.
    #[error("{context} must have sort {expected:?}, found {found:?}")]
    SortMismatch {
        /// Where.
        context: String,
        /// The sort needed.
        expected: Sort,
        /// The sort found.
        found: Sort,
    },
    /// A bound variable with no binder.
    #[error("bound variable #{index} has no binder")]
    DanglingBound {
        /// Its index.
        index: usize,
    },
    /// A statement that must be closed has a free variable.
    #[error("{what} has the free variable `{variable}`")]
    NotClosed {
        /// The statement.
        what: String,
        /// The variable.
        variable: String,
    },
    /// A free variable the context does not declare (or declares with another sort).
    #[error("the variable `{variable}` is not declared in the context with that sort")]
    UndeclaredVariable {
        /// The variable.
        variable: String,
    },
    /// Division by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A resource limit was hit: the input is rejected, never accepted.
    #[error("limit `{}` ({limit}) exceeded", kind.field())]
    Limit {
        /// Which limit.
        kind: LimitKind,
        /// Its value.
        limit: u64,
    },
    /// A JSON proof object could not be decoded.
    #[error("malformed proof object: {reason}")]
    Decode {
        /// The decoder's message.
        reason: String,
    },
    /// A failure that is not the input's fault.
    #[error("internal error: {what}")]
    Internal {
        /// What.
        what: String,
    },
}

/// Why a term or formula is too large to handle (what `term::check_extent` reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// More nodes than allowed.
    Size(usize),
    /// Nested deeper than allowed.
    Depth(usize),
}

impl From<Oversize> for KernelError {
    fn from(o: Oversize) -> KernelError {
        match o {
            Oversize::Size(n) => KernelError::Limit { kind: LimitKind::FormulaSize, limit: n as u64 },
            Oversize::Depth(n) => KernelError::Limit { kind: LimitKind::Depth, limit: n as u64 },
        }
    }
}

impl KernelError {
    /// Wraps this error with the step and rule where it happened.
    pub fn at(self, step: usize, rule: &'static str) -> KernelError {
        match self {
            e @ KernelError::Step { .. } => e,
            e => KernelError::Step { step, rule, error: Box::new(e) },
        }
    }

    /// `found` has the sort `found` where `expected` was needed.
    pub(crate) fn sort_mismatch(context: impl Into<String>, expected: &Sort, found: &Sort) -> KernelError {
        KernelError::SortMismatch {
            context: context.into(),
            expected: expected.clone(),
            found: found.clone(),
        }
    }

    /// A broken invariant of the caller or the kernel, described by `what`.
    pub(crate) fn internal(what: &str) -> KernelError {
        KernelError::Internal { what: what.to_string() }
    }

    /// The limit `kind`, of value `limit`, was hit.
    pub(crate) fn limit(kind: LimitKind, limit: impl TryInto<u64>) -> KernelError {
        KernelError::Limit { kind, limit: limit.try_into().unwrap_or(u64::MAX) }
    }

    /// Two terms that a rule needs to be equal are not.
    pub(crate) fn term_mismatch(expected: &Term, found: &Term) -> KernelError {
        KernelError::TermMismatch { expected: Box::new(expected.clone()), found: Box::new(found.clone()) }
    }

    /// The eigenvariable `variable` occurs free in `place`.
    pub(crate) fn occurs(variable: &str, place: String) -> KernelError {
        KernelError::EigenvariableOccurs { variable: variable.to_string(), place }
    }

    /// `what` has the free variable `variable` but must be closed.
    pub(crate) fn not_closed(what: String, variable: &str) -> KernelError {
        KernelError::NotClosed { what, variable: variable.to_string() }
    }

    /// `Ok` when `free`, the first free variable the checker found in `what`, is `None`;
    /// else [`KernelError::not_closed`].
    pub(crate) fn unless_free(what: impl FnOnce() -> String, free: Option<&Name>) -> Result<(), KernelError> {
        free.map_or(Ok(()), |v| Err(KernelError::not_closed(what(), v)))
    }

    /// The symbol `name` takes `expected` arguments but was given `found`.
    pub(crate) fn arity(name: &str, expected: usize, found: usize) -> KernelError {
        KernelError::Arity { name: name.to_string(), expected, found }
    }

    /// A formula that does not have the shape a rule needs.
    pub(crate) fn shape(expected: &'static str, found: &Formula) -> KernelError {
        KernelError::Shape { expected, found: Box::new(found.clone()) }
    }

    /// A formula that is not the one a rule needs.
    pub(crate) fn mismatch(expected: &Formula, found: &Formula) -> KernelError {
        KernelError::Mismatch { expected: Box::new(expected.clone()), found: Box::new(found.clone()) }
    }

    /// The innermost error, without step information.
    pub fn root(&self) -> &KernelError {
        match self {
            KernelError::Step { error, .. } => error.root(),
            e => e,
        }
    }
}

/// Helper for messages: a sort printed as in the language.
pub struct ShowSort<'a>(pub &'a Sort);
impl fmt::Display for ShowSort<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Sort::Rat => write!(f, "Rat"),
            Sort::Named(n) => write!(f, "{n}"),
        }
    }
}
