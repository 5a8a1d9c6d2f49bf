//! Proof objects: plain data, one variant per rule.
//!
//! A proof object is a flat list of [`Step`]s. Each step applies one rule to
//! *earlier* steps, named by their index ([`StepId`]), so sharing is free, the checker
//! is a single forward loop, and no input can drive a recursion over the proof. The
//! last step is the conclusion. Each step proves a sequent `Γ ⊢ φ` whose hypotheses
//! `Γ` are formulas; rules that discharge a hypothesis remove it from `Γ`. The
//! checker ([`crate::check()`]) says exactly what each rule demands.

use crate::rat::Rat;
use crate::term::{Formula, Hint, Name, Sort, Term};
use serde::{Deserialize, Serialize};

/// The index of an earlier step in the same proof object.
pub type StepId = usize;

/// A proof object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The steps, in order; the last one is the conclusion.
    pub steps: Vec<Step>,
}

/// One product of hypotheses in a Positivstellensatz certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Its coefficient (nonnegative unless a factor is an equation).
    pub coefficient: Rat,
    /// Indices into the certificate's `facts`; empty means the constant 1.
    pub factors: Vec<usize>,
}

/// One square in a Positivstellensatz certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Square {
    /// Its nonnegative coefficient.
    pub coefficient: Rat,
    /// The polynomial that is squared (a term of sort `Rat`).
    pub base: Term,
}

/// One rule application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// `{φ} ⊢ φ` for the context's hypothesis named `name`.
    Hypothesis {
        /// The hypothesis' name in the context.
        name: Name,
    },
    /// `{φ} ⊢ φ` for any well-sorted `φ` (to be discharged later).
    Assume {
        /// The assumed formula.
        formula: Formula,
    },
    /// `⊢ φ[args]` for the axiom `forall x̄. φ`, instantiating leading quantifiers.
    Axiom {
        /// The axiom.
        name: Name,
        /// Terms for its leading universal quantifiers, outermost first.
        args: Vec<Term>,
    },
    /// `⊢ φ[args]` for the checked theorem `forall x̄. φ`.
    Theorem {
        /// The theorem.
        name: Name,
        /// Terms for its leading universal quantifiers, outermost first.
        args: Vec<Term>,
    },
    /// `⊢ f(args) = body[args]` (or `p(args) <-> body[args]`) for a definition.
    Unfold {
        /// The defined symbol.
        name: Name,
        /// Terms for its parameters, in order (possibly fewer, leaving a `forall`).
        args: Vec<Term>,
    },
    /// `⊢ true`.
    TrueIntro,
    /// From `Γ ⊢ false`, `Γ ⊢ goal`.
    FalseElim {
        /// Proof of `false`.
        from: StepId,
        /// Any well-sorted formula.
        goal: Formula,
    },
    /// From `Γ ⊢ φ` and `Δ ⊢ ψ`, `Γ ∪ Δ ⊢ φ and ψ`.
    AndIntro {
        /// Proof of the left conjunct.
        left: StepId,
        /// Proof of the right conjunct.
        right: StepId,
    },
    /// From `Γ ⊢ φ and ψ`, `Γ ⊢ φ`.
    AndLeft {
        /// Proof of the conjunction.
        from: StepId,
    },
    /// From `Γ ⊢ φ and ψ`, `Γ ⊢ ψ`.
    AndRight {
        /// Proof of the conjunction.
        from: StepId,
    },
    /// From `Γ ⊢ φ`, `Γ ⊢ φ or ψ`.
    OrLeft {
        /// Proof of the left disjunct.
        from: StepId,
        /// The right disjunct.
        right: Formula,
    },
    /// From `Γ ⊢ ψ`, `Γ ⊢ φ or ψ`.
    OrRight {
        /// The left disjunct.
        left: Formula,
        /// Proof of the right disjunct.
        from: StepId,
    },
    /// From `Γ ⊢ φ or ψ`, `Δ ⊢ χ` and `Θ ⊢ χ`: `Γ ∪ (Δ - φ) ∪ (Θ - ψ) ⊢ χ`.
    OrElim {
        /// Proof of the disjunction.
        from: StepId,
        /// Proof of the conclusion that may assume the left disjunct.
        left: StepId,
        /// Proof of the conclusion that may assume the right disjunct.
        right: StepId,
    },
    /// From `Γ ⊢ ψ`, `Γ - φ ⊢ φ -> ψ`.
    ImpIntro {
        /// The antecedent `φ`, discharged from the hypotheses.
        assumption: Formula,
        /// Proof of the consequent.
        from: StepId,
    },
    /// From `Γ ⊢ φ -> ψ` and `Δ ⊢ φ`, `Γ ∪ Δ ⊢ ψ`.
    ImpElim {
        /// Proof of the implication.
        implication: StepId,
        /// Proof of its antecedent.
        argument: StepId,
    },
    /// From `Γ ⊢ false`, `Γ - φ ⊢ not φ`.
    NotIntro {
        /// The formula `φ` that led to `false`, discharged.
        assumption: Formula,
        /// Proof of `false`.
        from: StepId,
    },
    /// From `Γ ⊢ not φ` and `Δ ⊢ φ`, `Γ ∪ Δ ⊢ false`.
    NotElim {
        /// Proof of the negation.
        negation: StepId,
        /// Proof of the negated formula.
        argument: StepId,
    },
    /// From `Γ ⊢ φ -> ψ` and `Δ ⊢ ψ -> φ`, `Γ ∪ Δ ⊢ φ <-> ψ`.
    IffIntro {
        /// Proof of `φ -> ψ`.
        forward: StepId,
        /// Proof of `ψ -> φ`.
        backward: StepId,
    },
    /// From `Γ ⊢ φ <-> ψ`, `Γ ⊢ φ -> ψ`.
    IffForward {
        /// Proof of the equivalence.
        from: StepId,
    },
    /// From `Γ ⊢ φ <-> ψ`, `Γ ⊢ ψ -> φ`.
    IffBackward {
        /// Proof of the equivalence.
        from: StepId,
    },
    /// `⊢ φ or not φ` (the classical rule).
    ExcludedMiddle {
        /// The formula `φ`.
        formula: Formula,
    },
    /// From `Γ ⊢ φ` where `x: s` is not free in `Γ`, `Γ ⊢ forall x: s. φ`.
    ForallIntro {
        /// The eigenvariable.
        variable: Name,
        /// Its sort.
        sort: Sort,
        /// Proof of the body.
        from: StepId,
    },
    /// From `Γ ⊢ forall x: s. φ` and a term `t: s`, `Γ ⊢ φ[t]`.
    ForallElim {
        /// Proof of the universal formula.
        from: StepId,
        /// The instance.
        term: Term,
    },
    /// From `Γ ⊢ φ[t]`, `Γ ⊢ exists x: s. φ`.
    ExistsIntro {
        /// The binder's name (for printing only).
        hint: Hint,
        /// The binder's sort.
        sort: Sort,
        /// The body `φ`, with the bound variable as `Bound(0)`.
        body: Formula,
        /// The witness `t`.
        witness: Term,
        /// Proof of `φ[t]`.
        from: StepId,
    },
    /// From `Γ ⊢ exists x: s. φ` and `Δ ⊢ χ`, where the eigenvariable `y: s` occurs
    /// neither in `χ`, nor in `Δ - φ[y]`, nor in the existential: `Γ ∪ (Δ - φ[y]) ⊢ χ`.
    ExistsElim {
        /// Proof of the existential.
        from: StepId,
        /// The eigenvariable `y` standing for the witness.
        variable: Name,
        /// Proof of `χ` that may assume `φ[y]`.
        body: StepId,
    },
    /// `⊢ t = t`.
    Refl {
        /// The term.
        term: Term,
    },
    /// From `Γ ⊢ a = b`, `Γ ⊢ b = a`.
    Symm {
        /// Proof of the equation.
        from: StepId,
    },
    /// From `Γ ⊢ a = b` and `Δ ⊢ b = c`, `Γ ∪ Δ ⊢ a = c`.
    Trans {
        /// Proof of `a = b`.
        left: StepId,
        /// Proof of `b = c`.
        right: StepId,
    },
    /// From `Γ ⊢ a = b`, `Γ ⊢ C[a] = C[b]` for a context `C` (a term whose hole is
    /// `Bound(0)`, of sort `hole`).
    Congruence {
        /// The sort of the hole.
        hole: Sort,
        /// The context.
        context: Term,
        /// Proof of `a = b`.
        from: StepId,
    },
    /// From `Γ ⊢ a = b` and `Δ ⊢ P[a]`, `Γ ∪ Δ ⊢ P[b]` for a motive `P` (a formula
    /// whose hole is `Bound(0)`, of sort `hole`).
    Substitute {
        /// The sort of the hole.
        hole: Sort,
        /// The motive.
        motive: Formula,
        /// Proof of `a = b`.
        equation: StepId,
        /// Proof of `P[a]`.
        from: StepId,
    },
    /// `⊢ a = b` when `a` and `b` have the same polynomial normal form over ℚ.
    Ring {
        /// Left side.
        lhs: Term,
        /// Right side.
        rhs: Term,
    },
    /// A Positivstellensatz certificate. Each fact proves `a <= b`, `a < b` or `a = b`
    /// over `Rat`, read as `p = b - a` with `p >= 0`, `p > 0` or `p = 0`. The sum
    /// `S = Σ cᵢ·Πⱼ pⱼ + Σ dₖ·sₖ²` is then `>= 0` (and `> 0` when a product of only
    /// strict facts has `cᵢ > 0`). The goal is `false` when `S` is a negative constant,
    /// or zero and strict; `a <= b` when `b - a - S` is a nonnegative constant; `a < b`
    /// when `b - a - S` is a positive constant, or zero with `S` strict.
    Psatz {
        /// The goal: `false`, `a <= b` or `a < b`.
        goal: Formula,
        /// Proofs of the comparisons used.
        facts: Vec<StepId>,
        /// Products of facts with their coefficients.
        products: Vec<Product>,
        /// Squares with their coefficients.
        squares: Vec<Square>,
    },
    /// `⊢ a <= b or b < a` for terms of sort `Rat` (the order is total).
    LeTotal {
        /// `a`.
        left: Term,
        /// `b`.
        right: Term,
    },
    /// From `Γ ⊢ a <= b` and `Δ ⊢ b <= a`, `Γ ∪ Δ ⊢ a = b`.
    LeAntisymm {
        /// Proof of `a <= b`.
        le: StepId,
        /// Proof of `b <= a`.
        ge: StepId,
    },
}

impl Step {
    /// The rule's name, as errors and reports print it.
    pub fn rule(&self) -> &'static str {
        match self {
            Step::Hypothesis { .. } => "hypothesis",
            Step::Assume { .. } => "assume",
            Step::Axiom { .. } => "axiom",
            Step::Theorem { .. } => "theorem",
            Step::Unfold { .. } => "unfold",
            Step::TrueIntro => "true-intro",
            Step::FalseElim { .. } => "false-elim",
            Step::AndIntro { .. } => "and-intro",
            Step::AndLeft { .. } => "and-left",
            Step::AndRight { .. } => "and-right",
            Step::OrLeft { .. } => "or-left",
            Step::OrRight { .. } => "or-right",
            Step::OrElim { .. } => "or-elim",
            Step::ImpIntro { .. } => "imp-intro",
            Step::ImpElim { .. } => "imp-elim",
            Step::NotIntro { .. } => "not-intro",
            Step::NotElim { .. } => "not-elim",
            Step::IffIntro { .. } => "iff-intro",
            Step::IffForward { .. } => "iff-forward",
            Step::IffBackward { .. } => "iff-backward",
            Step::ExcludedMiddle { .. } => "excluded-middle",
            Step::ForallIntro { .. } => "forall-intro",
            Step::ForallElim { .. } => "forall-elim",
            Step::ExistsIntro { .. } => "exists-intro",
            Step::ExistsElim { .. } => "exists-elim",
            Step::Refl { .. } => "refl",
            Step::Symm { .. } => "symm",
            Step::Trans { .. } => "trans",
            Step::Congruence { .. } => "congruence",
            Step::Substitute { .. } => "substitute",
            Step::Ring { .. } => "ring",
            Step::Psatz { .. } => "psatz",
            Step::LeTotal { .. } => "le-total",
            Step::LeAntisymm { .. } => "le-antisymm",
        }
    }

    /// The earlier steps this step uses.
    // Inlined: the checker calls it twice per step, and a call returns the iterator
    // through memory.
    #[inline]
    pub fn premises(&self) -> Premises<'_> {
        let (fixed, len): ([StepId; 3], usize) = match self {
            Step::Hypothesis { .. }
            | Step::Assume { .. }
            | Step::Axiom { .. }
            | Step::Theorem { .. }
            | Step::Unfold { .. }
            | Step::TrueIntro
            | Step::ExcludedMiddle { .. }
            | Step::Refl { .. }
            | Step::Ring { .. }
            | Step::LeTotal { .. } => ([0; 3], 0),
            Step::FalseElim { from, .. }
            | Step::AndLeft { from }
            | Step::AndRight { from }
            | Step::OrLeft { from, .. }
            | Step::OrRight { from, .. }
            | Step::ImpIntro { from, .. }
            | Step::NotIntro { from, .. }
            | Step::IffForward { from }
            | Step::IffBackward { from }
            | Step::ForallIntro { from, .. }
            | Step::ForallElim { from, .. }
            | Step::ExistsIntro { from, .. }
            | Step::Symm { from }
            | Step::Congruence { from, .. } => ([*from, 0, 0], 1),
            Step::AndIntro { left, right } | Step::Trans { left, right } => ([*left, *right, 0], 2),
            Step::OrElim { from, left, right } => ([*from, *left, *right], 3),
            Step::ImpElim { implication, argument } => ([*implication, *argument, 0], 2),
            Step::NotElim { negation, argument } => ([*negation, *argument, 0], 2),
            Step::IffIntro { forward, backward } => ([*forward, *backward, 0], 2),
            Step::ExistsElim { from, body, .. } => ([*from, *body, 0], 2),
            Step::Substitute { equation, from, .. } => ([*equation, *from, 0], 2),
            Step::Psatz { facts, .. } => return Premises { fixed: [0; 3], len: 0, next: 0, rest: facts },
            Step::LeAntisymm { le, ge } => ([*le, *ge, 0], 2),
        };
        Premises { fixed, len, next: 0, rest: &[] }
    }
}

/// The premises of a step, in order ([`Step::premises`]); no allocation.
#[derive(Clone, Debug)]
pub struct Premises<'a> {
    fixed: [StepId; 3],
    len: usize,
    next: usize,
    rest: &'a [StepId],
}

impl Iterator for Premises<'_> {
    type Item = StepId;
    #[inline]
    fn next(&mut self) -> Option<StepId> {
        if self.next < self.len {
            self.next += 1;
            return Some(self.fixed[self.next - 1]);
        }
        let (first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(*first)
    }
}

impl Step {
    /// This step with every premise `p` replaced by `f(p)` (for renumbering).
    pub fn map_premises(&self, f: &dyn Fn(StepId) -> StepId) -> Step {
        let mut s = self.clone();
        let bump = |id: &mut StepId| *id = f(*id);
        match &mut s {
            Step::Hypothesis { .. }
            | Step::Assume { .. }
            | Step::Axiom { .. }
            | Step::Theorem { .. }
            | Step::Unfold { .. }
            | Step::TrueIntro
            | Step::ExcludedMiddle { .. }
            | Step::Refl { .. }
            | Step::Ring { .. }
            | Step::LeTotal { .. } => {}
            Step::FalseElim { from, .. }
            | Step::AndLeft { from }
            | Step::AndRight { from }
            | Step::OrLeft { from, .. }
            | Step::OrRight { from, .. }
            | Step::ImpIntro { from, .. }
            | Step::NotIntro { from, .. }
            | Step::IffForward { from }
            | Step::IffBackward { from }
            | Step::ForallIntro { from, .. }
            | Step::ForallElim { from, .. }
            | Step::ExistsIntro { from, .. }
            | Step::Symm { from }
            | Step::Congruence { from, .. } => bump(from),
            Step::AndIntro { left, right } | Step::Trans { left, right } => {
                bump(left);
                bump(right);
            }
            Step::OrElim { from, left, right } => {
                bump(from);
                bump(left);
                bump(right);
            }
            Step::ImpElim { implication, argument } => {
                bump(implication);
                bump(argument);
            }
            Step::NotElim { negation, argument } => {
                bump(negation);
                bump(argument);
            }
            Step::IffIntro { forward, backward } => {
                bump(forward);
                bump(backward);
            }
            Step::ExistsElim { from, body, .. } => {
                bump(from);
                bump(body);
            }
            Step::Substitute { equation, from, .. } => {
                bump(equation);
                bump(from);
            }
            Step::Psatz { facts, .. } => facts.iter_mut().for_each(bump),
            Step::LeAntisymm { le, ge } => {
                bump(le);
                bump(ge);
            }
        }
        s
    }

    /// This step with every premise index increased by `offset` (for splicing one
    /// proof object after another).
    pub fn shifted(&self, offset: usize) -> Step {
        self.map_premises(&|p| p + offset)
    }
}

impl Proof {
    /// Appends `other`'s steps after this proof's, renumbered, and returns the index
    /// of `other`'s conclusion here (`None` when `other` is empty).
    pub fn splice(&mut self, other: &Proof) -> Option<StepId> {
        let offset = self.steps.len();
        self.steps.extend(other.steps.iter().map(|s| s.shifted(offset)));
        (!other.steps.is_empty()).then(|| self.steps.len() - 1)
    }

    /// Appends one step and returns its index.
    pub fn push(&mut self, step: Step) -> StepId {
        self.steps.push(step);
        self.steps.len() - 1
    }
}
