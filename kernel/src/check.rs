//! The checker: the only code that makes a [`Theorem`] (trusted).
//!
//! # Judgement
//!
//! Each step of a [`Proof`] proves a sequent `Γ ⊢ φ`: a finite set of hypotheses `Γ`
//! and a conclusion `φ`. Steps refer only to earlier steps. The last step's sequent is
//! the result; every formula in its `Γ` must be a hypothesis of the [`Context`], and
//! every free variable of its conclusion a variable of the context.
//!
//! Every formula and term a step carries is checked well-sorted against the signature
//! (no unknown symbol, right arities and sorts, no dangling bound variable, division
//! only by a nonzero literal) and within the size and depth limits; so is every
//! conclusion the checker builds. (A formula equal to one sort-checked already, the
//! assumption of an `imp-intro` that is a hypothesis of the context, is measured but
//! not sort-checked again.)
//!
//! # Rules
//!
//! Hypotheses and the signature
//! - `hypothesis h`: `{φ} ⊢ φ` where `h: φ` is in the context.
//! - `assume φ`: `{φ} ⊢ φ`.
//! - `axiom a t̄`, `theorem a t̄`, `unfold d t̄`: `⊢ φ[t̄]` where the signature's fact is
//!   `∀x̄. φ` (for a definition `∀x̄. d(x̄) = body` or `∀x̄. d(x̄) ↔ body`) and each `tᵢ`
//!   has the sort of `xᵢ`. Axioms enter the trust base; theorems bring theirs.
//!
//! Connectives
//! - `true-intro`: `⊢ true`.
//! - `false-elim`: `Γ ⊢ false` gives `Γ ⊢ ψ`.
//! - `and-intro`: `Γ ⊢ φ`, `Δ ⊢ ψ` give `Γ ∪ Δ ⊢ φ ∧ ψ`; `and-left`, `and-right`:
//!   `Γ ⊢ φ ∧ ψ` gives `Γ ⊢ φ`, resp. `Γ ⊢ ψ`.
//! - `or-left`, `or-right`: `Γ ⊢ φ` gives `Γ ⊢ φ ∨ ψ`, resp. `Γ ⊢ ψ ∨ φ`.
//! - `or-elim`: `Γ ⊢ φ ∨ ψ`, `Δ ⊢ χ`, `Θ ⊢ χ` give `Γ ∪ (Δ∖φ) ∪ (Θ∖ψ) ⊢ χ`.
//! - `imp-intro φ`: `Γ ⊢ ψ` gives `Γ∖φ ⊢ φ → ψ`; `imp-elim`: `Γ ⊢ φ → ψ`, `Δ ⊢ φ`
//!   give `Γ ∪ Δ ⊢ ψ`.
//! - `not-intro φ`: `Γ ⊢ false` gives `Γ∖φ ⊢ ¬φ`; `not-elim`: `Γ ⊢ ¬φ`, `Δ ⊢ φ` give
//!   `Γ ∪ Δ ⊢ false`.
//! - `iff-intro`: `Γ ⊢ φ → ψ`, `Δ ⊢ ψ → φ` give `Γ ∪ Δ ⊢ φ ↔ ψ`; `iff-forward`,
//!   `iff-backward`: `Γ ⊢ φ ↔ ψ` gives `Γ ⊢ φ → ψ`, resp. `Γ ⊢ ψ → φ`.
//! - `excluded-middle φ`: `⊢ φ ∨ ¬φ`.
//!
//! Quantifiers (`y` an eigenvariable, `t` a term of the binder's sort)
//! - `forall-intro y:s`: `Γ ⊢ φ`, `y` not free in `Γ`, give `Γ ⊢ ∀y:s. φ`.
//! - `forall-elim t`: `Γ ⊢ ∀x:s. φ` gives `Γ ⊢ φ[t]`.
//! - `exists-intro ∃x:s.φ, t`: `Γ ⊢ φ[t]` gives `Γ ⊢ ∃x:s. φ`.
//! - `exists-elim y`: `Γ ⊢ ∃x:s. φ`, `Δ ⊢ χ`, `y` not free in `χ`, `∃x:s.φ` or
//!   `Δ∖φ[y]`, give `Γ ∪ (Δ∖φ[y]) ⊢ χ`.
//!
//! Equality
//! - `refl t`: `⊢ t = t`; `symm`: `Γ ⊢ a = b` gives `Γ ⊢ b = a`; `trans`: `Γ ⊢ a = b`,
//!   `Δ ⊢ b = c` give `Γ ∪ Δ ⊢ a = c`.
//! - `congruence C`: `Γ ⊢ a = b` gives `Γ ⊢ C[a] = C[b]` (`C` a term with one hole).
//! - `substitute P`: `Γ ⊢ a = b`, `Δ ⊢ P[a]` give `Γ ∪ Δ ⊢ P[b]` (`P` a formula with
//!   one hole).
//!
//! Arithmetic over the ordered field ℚ
//! - `ring a b`: `⊢ a = b` when `a` and `b` have the same polynomial normal form.
//! - `psatz`: a Positivstellensatz certificate (see [`Step::Psatz`]) proves `false`,
//!   `a ≤ b` or `a < b` from facts `p ≥ 0`, `p > 0`, `p = 0`, nonnegative multiples of
//!   their products and of squares.
//! - `le-total a b`: `⊢ a ≤ b ∨ b < a`.
//! - `le-antisymm`: `Γ ⊢ a ≤ b`, `Δ ⊢ b ≤ a` give `Γ ∪ Δ ⊢ a = b`.
//!
//! Nothing else makes a theorem: [`Theorem`]'s fields are private to this crate and
//! only [`check`] (with [`check_with_limits`]) and [`CheckedContext::check`] (with
//! [`CheckedContext::check_last`]) return one, all by the same loop over the steps.
//!
//! # Entry points
//!
//! [`CheckedContext::with_limits`] checks a context against a signature and limits:
//! each variable's sort is declared and its name is new; each hypothesis formula is
//! measured, well-sorted and speaks only of the context's variables, and its name is
//! new. [`CheckedContext::check`] then checks a proof in it with a copy of the checker
//! as the context check left it (its tables, no step results, the work spent on the
//! context), so that one proof's assumptions, results and work never reach another's.
//! [`CheckedContext::check_last`] and [`check_with_limits`] are the same for one proof,
//! with the checker itself.

use crate::error::{KernelError, LimitKind};
use crate::poly::{Monomial, Normalizer, Work};
use crate::print::show_poly;
use crate::proof::{Proof, Step, StepId};
use crate::rat::Rat;
use crate::signature::{Declaration, FactKind, Fingerprint, Signature};
use crate::term::{
    check_extent, close_formula, first_free, open_formula, open_term, Extent, Formula, Hint, Name, Node,
    Numbering, Oversize, Sort, Term,
};
use crate::Limits;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

// The input type `Context` is plain data, defined with the untrusted constructors.
pub use crate::construct::Context;
// `Theorem`'s read-only accessors: a child module, so it reads the private fields.
mod theorem;

/// A checked sequent. Only [`check`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theorem {
    variables: Vec<(Name, Sort)>,
    hypotheses: Vec<(Name, Formula)>,
    conclusion: Formula,
    trust_base: BTreeSet<Name>,
    signature: Fingerprint,
    /// The conclusion's extent when the checker found it closed and knew its extent,
    /// so that `add_theorem` need not walk it again. Whether the extent was known
    /// depends on the proof's last step, so theorems of one conclusion proved two ways
    /// may differ here (and so under `==`).
    closed: Option<Extent>,
}

impl Signature {
    /// Adds a checked theorem under `name`. It must have been checked against this
    /// signature or a prefix of it, rest on no hypothesis, and be closed.
    pub fn add_theorem(&mut self, name: Name, theorem: &Theorem) -> Result<(), KernelError> {
        if !self.extends(&theorem.signature) {
            return Err(KernelError::internal("the theorem was checked against another signature"));
        }
        if let Some((_, h)) = theorem.hypotheses.first() {
            return Err(KernelError::UndischargedAssumption { formula: Box::new(h.clone()) });
        }
        // Measured against this signature's limits and closed (`declare_checked` does not
        // check a theorem's statement): a conclusion the checker found closed, of an
        // extent within these limits, is not walked again.
        let (l, statement) = (self.limits(), &theorem.conclusion);
        if !theorem.closed.is_some_and(|e| e.size <= l.max_formula_size && e.depth <= l.max_depth) {
            check_extent(Node::F(statement), l.max_formula_size, l.max_depth)?;
            KernelError::unless_free(|| format!("`{name}`"), first_free(Node::F(statement), |_, _| true))?;
        }
        self.declare_checked(Declaration::Theorem {
            name,
            statement: statement.clone(),
            trust_base: theorem.trust_base.clone(),
        })
    }
}

/// A step's result: its hypotheses (numbers in [`Checker::numbers`], sorted, without
/// duplicates), its conclusion, and the conclusion's extent once known. Steps that
/// take a part of a premise's conclusion leave the extent to be measured if a later
/// step needs it; every other step computes it from its premises' in O(1) or measures
/// what it built.
#[derive(Clone, Debug)]
struct Sequent {
    hyps: Hyps,
    concl: Formula,
    extent: Cell<Option<Extent>>,
}

/// A hypothesis set. `Rc`, not `Arc`: it never leaves the checker's thread, and most
/// steps copy a premise's set, which then costs no atomic operation.
type Hyps = Rc<Vec<u32>>;

/// Checks `proof` against `signature` in `context`, with the signature's limits.
///
/// ```
/// use warrant_kernel::*;
/// let sig = Signature::new();
/// let x = Term::free("x", Sort::Rat);
/// let ctx = Context { variables: vec![(name("x"), Sort::Rat)], hypotheses: vec![] };
/// // x * (x + 1) = x^2 + x, by the ring normal form.
/// let lhs = Term::mul(x.clone(), Term::add(x.clone(), Term::int(1)));
/// let rhs = Term::add(Term::pow(x.clone(), 2), x);
/// let proof = Proof { steps: vec![Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() }] };
/// let thm = check(&sig, &ctx, &proof).unwrap();
/// assert_eq!(thm.conclusion(), &Formula::eq(lhs, rhs));
/// ```
pub fn check(signature: &Signature, context: &Context, proof: &Proof) -> Result<Theorem, KernelError> {
    check_with_limits(signature, context, proof, signature.limits())
}

/// [`check`] with explicit limits.
pub fn check_with_limits(
    signature: &Signature,
    context: &Context,
    proof: &Proof,
    limits: &Limits,
) -> Result<Theorem, KernelError> {
    CheckedContext::with_limits(signature, context, limits)?.checker.run(proof)
}

/// A context checked once against a signature and limits, in which proofs are then
/// checked one by one ([`check`] is the same for one proof). It keeps the signature and
/// the limits it was checked with, so it cannot be used with others. Each proof is
/// checked by a copy of the checker as the context left it: the tables of hypotheses
/// numbered so far (the context's only), no results, and the work count of the context,
/// so nothing one proof assumes, builds or spends reaches the next.
///
/// ```
/// use warrant_kernel::*;
/// let sig = Signature::new();
/// let ctx = Context { variables: vec![], hypotheses: vec![(name("h"), Formula::True)] };
/// let checked = CheckedContext::new(&sig, &ctx).unwrap();
/// let proof = Proof { steps: vec![Step::Hypothesis { name: name("h") }] };
/// assert_eq!(checked.check(&proof).unwrap(), check(&sig, &ctx, &proof).unwrap());
/// ```
pub struct CheckedContext<'a> {
    checker: Checker<'a>,
}

impl<'a> CheckedContext<'a> {
    /// Checks `context` against `signature`, with the signature's limits.
    pub fn new(signature: &'a Signature, context: &'a Context) -> Result<Self, KernelError> {
        Self::with_limits(signature, context, signature.limits())
    }

    /// [`CheckedContext::new`] with explicit limits.
    pub fn with_limits(
        signature: &'a Signature,
        context: &'a Context,
        limits: &Limits,
    ) -> Result<Self, KernelError> {
        // Statements must fit the signature's limits as well as the check's.
        let sig_limits = signature.limits();
        let limits = Limits {
            max_formula_size: limits.max_formula_size.min(sig_limits.max_formula_size),
            max_depth: limits.max_depth.min(sig_limits.max_depth),
            ..limits.clone()
        };
        let mut checker = Checker {
            sig: signature,
            ctx: context,
            work: Work { done: Cell::new(0), max: limits.max_work },
            limits,
            numbers: Numbering::new(context.hypotheses.len()),
            hyp_names: Numbering::new(context.hypotheses.len()),
            context_hyps: Vec::with_capacity(context.hypotheses.len()),
            first_context: Vec::with_capacity(context.hypotheses.len()),
            variables: Numbering::new(context.variables.len()),
            empty: Hyps::default(),
            results: Vec::new(),
            cited: Vec::new(),
            last: 0,
        };
        checker.check_context()?;
        Ok(CheckedContext { checker })
    }

    /// Checks `proof` in this context (see [`check`]).
    pub fn check(&self, proof: &Proof) -> Result<Theorem, KernelError> {
        self.checker.clone().run(proof)
    }

    /// [`CheckedContext::check`] for the last proof checked in this context: the same
    /// check, with the checker itself rather than a copy.
    pub fn check_last(self, proof: &Proof) -> Result<Theorem, KernelError> {
        self.checker.run(proof)
    }
}

impl<'a> Checker<'a> {
    /// Checks `proof` with this checker, as the context check left it.
    fn run(mut self, proof: &'a Proof) -> Result<Theorem, KernelError> {
        if proof.steps.len() > self.limits.max_steps {
            return Err(KernelError::limit(LimitKind::Steps, self.limits.max_steps));
        }
        self.results.reserve(proof.steps.len());
        self.last = proof.steps.len().wrapping_sub(1);
        // One backward pass over the steps (a premise that is not an earlier step is
        // skipped here and refused by the check): `last_use[p]` is the last step that names
        // step `p` (0 for none), `needed[p]` whether the last step depends on step `p`.
        let n = proof.steps.len();
        let mut last_use = vec![0; n];
        let mut needed: Vec<bool> = (0..n).map(|i| i + 1 == n).collect();
        for (i, step) in proof.steps.iter().enumerate().rev() {
            for p in step.premises().filter(|&p| p < i) {
                last_use[p] = last_use[p].max(i);
                needed[p] |= needed[i];
            }
        }
        for (i, step) in proof.steps.iter().enumerate() {
            let result = self.step(step).map_err(|e| e.at(i, step.rule()))?;
            if result.hyps.len() > self.limits.max_hypotheses {
                let max = self.limits.max_hypotheses;
                return Err(KernelError::limit(LimitKind::Hypotheses, max).at(i, step.rule()));
            }
            self.results.push(result);
            // Once its last user is checked, a step's sequent is replaced by `⊢ true`, which
            // frees it early (the allocator reuses the memory at once). Sound whatever
            // `premises` says: `⊢ true` is a theorem.
            for p in step.premises().filter(|&p| last_use[p] == i) {
                self.results[p] = sequent(self.empty.clone(), Formula::True, None);
            }
        }
        let last = self.results.pop().ok_or(KernelError::EmptyProof)?;
        // The result may rest only on the context's hypotheses...
        // (`first_context` grows with the context's order, so `used` comes out sorted.)
        let mut used = Vec::new();
        for &h in last.hyps.iter() {
            let Some(&i) = self.first_context.get(h as usize) else {
                let formula = Box::new(self.numbers.values[h as usize].clone());
                return Err(KernelError::UndischargedAssumption { formula });
            };
            used.push(i);
        }
        // ...and speak only of the context's variables (a last `psatz` step checked its
        // goal's): nothing to look up when it is closed.
        let closed = first_free(Node::F(&last.concl), |_, _| true).is_none();
        if !closed && !matches!(proof.steps.last(), Some(Step::Psatz { .. })) {
            self.declared(Node::F(&last.concl))?;
        }
        let context = self.ctx;
        Ok(Theorem {
            variables: context.variables.clone(),
            hypotheses: used.into_iter().map(|i| context.hypotheses[i].clone()).collect(),
            conclusion: last.concl,
            trust_base: trust_base(&needed, &self.cited),
            signature: self.sig.fingerprint(),
            closed: last.extent.get().filter(|_| closed),
        })
    }
}

/// The axioms cited by the steps the last step depends on (`needed`). `cited` holds
/// the steps that cite a fact, with the fact's trust base.
fn trust_base(needed: &[bool], cited: &[(StepId, &Arc<BTreeSet<Name>>)]) -> BTreeSet<Name> {
    // Many steps cite the same few facts: merge each fact's trust base once.
    let mut bases: Vec<&Arc<BTreeSet<Name>>> =
        cited.iter().filter(|(i, _)| needed[*i]).map(|(_, b)| *b).collect();
    bases.sort_unstable_by_key(|b| Arc::as_ptr(b));
    bases.dedup_by_key(|b| Arc::as_ptr(b));
    bases.into_iter().flat_map(|b| b.iter().cloned()).collect()
}

#[derive(Clone)]
struct Checker<'a> {
    sig: &'a Signature,
    ctx: &'a Context,
    limits: Limits,
    work: Work,
    /// Every formula that has been a hypothesis, numbered in order of appearance: only
    /// the context's and those of `assume` steps are, so all are borrowed.
    numbers: Numbering<'a, Formula>,
    /// The context's hypotheses, numbered by name in order; for each, `{h}` as a
    /// hypothesis set, `h`, its extent.
    hyp_names: Numbering<'a, Name>,
    context_hyps: Vec<(Hyps, &'a Formula, Extent)>,
    /// The context's formulas are numbered first, in order: number `n` is the formula
    /// of the context's hypothesis `first_context[n]` and of no earlier one.
    first_context: Vec<usize>,
    /// The context's variables, numbered by name in the context's order.
    variables: Numbering<'a, Name>,
    empty: Hyps,
    results: Vec<Sequent>,
    /// The steps that cite an axiom, definition or theorem, with its trust base.
    cited: Vec<(StepId, &'a Arc<BTreeSet<Name>>)>,
    /// The number of the proof's last step.
    last: StepId,
}

/// `shape!(PATTERN = FORMULA, "what")` binds `PATTERN` to a premise's conclusion,
/// refusing a conclusion of another shape (`KernelError::shape`).
macro_rules! shape {
    ($pattern:pat = $f:expr, $what:literal) => {
        let $pattern = $f else { return Err(KernelError::shape($what, $f)) };
    };
}

fn eq_sides(f: &Formula) -> Result<(&Term, &Term), KernelError> {
    match f {
        Formula::Eq(a, b) => Ok((a, b)),
        _ => Err(KernelError::shape("an equation", f)),
    }
}

/// Refuses `found` unless it is the formula `expected`.
fn expect(expected: &Formula, found: &Formula) -> Result<(), KernelError> {
    (expected == found).then_some(()).ok_or_else(|| KernelError::mismatch(expected, found))
}

fn sequent(hyps: Hyps, concl: Formula, extent: Option<Extent>) -> Sequent {
    Sequent { hyps, concl, extent: Cell::new(extent) }
}

/// `a ∪ b`, sharing `a` or `b` when the other adds nothing.
fn union(a: &Hyps, b: &Hyps) -> Hyps {
    let (big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() || Rc::ptr_eq(a, b) {
        return big.clone();
    }
    // Both lists are sorted without duplicates. For each element `x` of the smaller one,
    // in order: copy the elements of the bigger one below `x`, skip its copy of `x` if
    // it has one, then take `x`. A proof often adds one hypothesis to many: this costs
    // a binary search and a block copy per element of the smaller list.
    let mut out = Vec::with_capacity(big.len() + small.len());
    let mut rest = &big[..];
    for &x in small.iter() {
        let below = rest.partition_point(|&y| y < x);
        out.extend_from_slice(&rest[..below]);
        rest = &rest[below + usize::from(rest.get(below) == Some(&x))..];
        out.push(x);
    }
    out.extend_from_slice(rest);
    // The union is as long as `big` only when `small ⊆ big`.
    if out.len() == big.len() {
        return big.clone();
    }
    Rc::new(out)
}

/// How a fact of a certificate constrains its polynomial, ordered so that a product's
/// relation is the least of its factors' (`= 0` if one is, `> 0` if all are, else `>= 0`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    Zero,
    NonNegative,
    Positive,
}

impl<'a> Checker<'a> {
    fn get(&self, id: StepId) -> Result<&Sequent, KernelError> {
        self.results.get(id).ok_or(KernelError::ForwardReference { reference: id })
    }

    fn check_context(&mut self) -> Result<(), KernelError> {
        for (i, (v, s)) in self.ctx.variables.iter().enumerate() {
            if self.variables.number(v) as usize != i {
                return Err(KernelError::NameTaken { name: v.to_string() });
            }
            self.sig.check_sorts([s])?;
        }
        for (i, (h, f)) in self.ctx.hypotheses.iter().enumerate() {
            let extent = self.formula(f)?;
            let hyps = self.singleton(f);
            if hyps[0] as usize == self.first_context.len() {
                self.first_context.push(i);
            }
            if self.hyp_names.number(h) as usize != i {
                return Err(KernelError::NameTaken { name: h.to_string() });
            }
            self.context_hyps.push((hyps, f, extent));
            self.declared(Node::F(f))?;
        }
        Ok(())
    }

    /// Checks that every free variable of `f` is a variable of the context.
    fn declared(&self, f: Node<'_>) -> Result<(), KernelError> {
        self.undeclared(f)
            .map_or(Ok(()), |v| Err(KernelError::UndeclaredVariable { variable: v.to_string() }))
    }

    /// The first free variable of `node`, left to right, that is not a variable of the
    /// context with its sort. It recurses, without a stack to allocate: every node it
    /// is given (a context hypothesis, a `psatz` goal's atom, the last conclusion) was
    /// measured, or is a part of what was, so its depth is within the depth limit.
    fn undeclared<'n>(&self, node: Node<'n>) -> Option<&'n Name> {
        if let Node::T(Term::Free(v, s)) = node {
            let declared = self.variables.get(v).map(|i| &self.ctx.variables[i as usize].1);
            return (declared != Some(s)).then_some(v);
        }
        let mut found = None;
        node.children(|c| found = found.or_else(|| self.undeclared(c)));
        found
    }

    /// `{f}`, numbering `f` if it is new.
    fn singleton(&mut self, f: &'a Formula) -> Hyps {
        Rc::new(vec![self.numbers.number(f)])
    }

    /// `a ∖ {f}`, and the number of `f` when `a` holds it. Numbers stand for formulas up
    /// to `==`, so the place of `f` in `a` is found by comparing it with the formula of a
    /// set of one (cheaper than hashing it: a comparison stops at the first difference,
    /// or at children shared by pointer), or else by its number. (Comparing up to four
    /// instead cost natural deduction 0.3%.)
    fn remove(&self, a: &Hyps, f: &Formula) -> (Hyps, Option<u32>) {
        let found = match a.len() {
            0..=1 => a.iter().position(|&h| self.numbers.values[h as usize] == f),
            _ => self.numbers.get(f).and_then(|n| a.binary_search(&n).ok()),
        };
        (found.map_or_else(|| a.clone(), |i| Rc::new([&a[..i], &a[i + 1..]].concat())), found.map(|i| a[i]))
    }

    /// Refuses `x` when it occurs free in a hypothesis of `hyps`.
    fn unmentioned(&self, hyps: &Hyps, x: &str) -> Result<(), KernelError> {
        let mut formulas = hyps.iter().map(|&h| self.numbers.values[h as usize]);
        formulas
            .find(|h| first_free(Node::F(h), |n, _| &**n == x).is_some())
            .map_or(Ok(()), |h| Err(KernelError::occurs(x, format!("the hypothesis {h}"))))
    }

    /// Measures a term or formula against the limits, and counts the work.
    fn measure(&self, n: Node<'_>) -> Result<Extent, KernelError> {
        let extent = check_extent(n, self.limits.max_formula_size, self.limits.max_depth)?;
        self.work.charge(extent.size as u64)?;
        Ok(extent)
    }

    /// The extent of a premise's conclusion, measured once.
    fn extent(&self, s: &Sequent) -> Result<Extent, KernelError> {
        if let Some(e) = s.extent.get() {
            return Ok(e);
        }
        let e = self.measure(Node::F(&s.concl))?;
        s.extent.set(Some(e));
        Ok(e)
    }

    /// The extent of a node with children of extents `parts`, within the limits.
    fn node(&self, parts: &[Extent]) -> Result<Extent, KernelError> {
        let size = parts.iter().fold(1usize, |n, p| n.saturating_add(p.size));
        let depth = 1 + parts.iter().map(|p| p.depth).max().unwrap_or(0);
        if size > self.limits.max_formula_size {
            return Err(Oversize::Size(self.limits.max_formula_size).into());
        }
        if depth > self.limits.max_depth {
            return Err(Oversize::Depth(self.limits.max_depth).into());
        }
        Ok(Extent { size, depth })
    }

    /// Checks a formula the step carries.
    fn formula(&self, f: &Formula) -> Result<Extent, KernelError> {
        let extent = self.measure(Node::F(f))?;
        self.sig.check_formula_rec(f, &mut Vec::new())?;
        Ok(extent)
    }

    /// Checks that a term the step carries has sort `s`.
    fn expect_sort(&self, t: &Term, s: &Sort) -> Result<Extent, KernelError> {
        let extent = self.measure(Node::T(t))?;
        self.sort_is(self.sig.sort_of_rec(t, &[])?, s)?;
        Ok(extent)
    }

    /// Checks that a term's sort, `found`, is `s`. For a part of a checked conclusion,
    /// `Signature::sort_of_checked` finds it from the term's head alone.
    fn sort_is(&self, found: &Sort, s: &Sort) -> Result<(), KernelError> {
        (found == s).then_some(()).ok_or_else(|| KernelError::sort_mismatch("the instance", s, found))
    }

    fn instantiate(&mut self, n: &Name, kind: FactKind, args: &[Term]) -> Result<Sequent, KernelError> {
        let kind_name = ["axiom", "definition", "theorem"][kind as usize];
        let sig = self.sig;
        let fact = sig
            .fact(n)
            .filter(|f| f.kind == kind)
            .ok_or_else(|| KernelError::UnknownFact { name: n.to_string(), kind: kind_name })?;
        // The statement is read in place; only the instances are built.
        let mut f = Cow::Borrowed(&fact.statement);
        for (i, arg) in args.iter().enumerate() {
            let Formula::Forall(_, s, body) = &*f else {
                return Err(KernelError::TooManyArguments { name: n.to_string(), max: i, given: args.len() });
            };
            self.expect_sort(arg, s)?;
            f = Cow::Owned(open_formula(body, arg));
        }
        let extent = self.measure(Node::F(&f))?;
        self.cited.push((self.results.len(), &fact.trust_base));
        Ok(sequent(self.empty.clone(), f.into_owned(), Some(extent)))
    }

    fn step(&mut self, step: &'a Step) -> Result<Sequent, KernelError> {
        match step {
            Step::Hypothesis { name } => {
                let found = self.hyp_names.get(name).map(|i| &self.context_hyps[i as usize]);
                let (hyps, f, extent) =
                    found.ok_or_else(|| KernelError::UnknownHypothesis { name: name.to_string() })?;
                Ok(sequent(hyps.clone(), (*f).clone(), Some(*extent)))
            }
            Step::Assume { formula } => {
                let extent = self.formula(formula)?;
                Ok(sequent(self.singleton(formula), formula.clone(), Some(extent)))
            }
            Step::Axiom { name, args } => self.instantiate(name, FactKind::Axiom, args),
            Step::Theorem { name, args } => self.instantiate(name, FactKind::Theorem, args),
            Step::Unfold { name, args } => self.instantiate(name, FactKind::Definition, args),
            Step::TrueIntro => Ok(sequent(self.empty.clone(), Formula::True, Some(self.node(&[])?))),
            Step::FalseElim { from, goal } => {
                let p = self.get(*from)?;
                expect(&Formula::False, &p.concl)?;
                Ok(sequent(p.hyps.clone(), goal.clone(), Some(self.formula(goal)?)))
            }
            Step::AndIntro { left, right } => {
                let (l, r) = (self.get(*left)?, self.get(*right)?);
                let extent = self.node(&[self.extent(l)?, self.extent(r)?])?;
                let concl = Formula::And(Arc::new(l.concl.clone()), Arc::new(r.concl.clone()));
                Ok(sequent(union(&l.hyps, &r.hyps), concl, Some(extent)))
            }
            Step::AndLeft { from } | Step::AndRight { from } => {
                let p = self.get(*from)?;
                shape!(Formula::And(a, b) = &p.concl, "a conjunction");
                let part = if matches!(step, Step::AndLeft { .. }) { a } else { b };
                Ok(sequent(p.hyps.clone(), (**part).clone(), None))
            }
            Step::OrLeft { from, right } => {
                let p = self.get(*from)?;
                let extent = self.node(&[self.extent(p)?, self.formula(right)?])?;
                let concl = Formula::Or(Arc::new(p.concl.clone()), Arc::new(right.clone()));
                Ok(sequent(p.hyps.clone(), concl, Some(extent)))
            }
            Step::OrRight { left, from } => {
                let p = self.get(*from)?;
                let extent = self.node(&[self.formula(left)?, self.extent(p)?])?;
                let concl = Formula::Or(Arc::new(left.clone()), Arc::new(p.concl.clone()));
                Ok(sequent(p.hyps.clone(), concl, Some(extent)))
            }
            Step::OrElim { from, left, right } => {
                let p = self.get(*from)?;
                shape!(Formula::Or(a, b) = &p.concl, "a disjunction");
                let (l, r) = (self.get(*left)?, self.get(*right)?);
                expect(&l.concl, &r.concl)?;
                let hyps = union(&union(&p.hyps, &self.remove(&l.hyps, a).0), &self.remove(&r.hyps, b).0);
                Ok(sequent(hyps, l.concl.clone(), l.extent.get()))
            }
            Step::ImpIntro { assumption, from } => {
                // Measured first (no other walk sees it before), then sort-checked unless
                // it is a hypothesis of the context, which was checked with the context.
                let e = self.measure(Node::F(assumption))?;
                let p = self.get(*from)?;
                let (hyps, found) = self.remove(&p.hyps, assumption);
                if found.and_then(|n| self.first_context.get(n as usize)).is_none() {
                    self.sig.check_formula_rec(assumption, &mut Vec::new())?;
                }
                let extent = self.node(&[e, self.extent(p)?])?;
                let concl = Formula::Implies(Arc::new(assumption.clone()), Arc::new(p.concl.clone()));
                Ok(sequent(hyps, concl, Some(extent)))
            }
            Step::ImpElim { implication, argument } => {
                let (i, a) = (self.get(*implication)?, self.get(*argument)?);
                shape!(Formula::Implies(x, y) = &i.concl, "an implication");
                expect(x, &a.concl)?;
                Ok(sequent(union(&i.hyps, &a.hyps), (**y).clone(), None))
            }
            Step::NotIntro { assumption, from } => {
                let e = self.formula(assumption)?;
                let p = self.get(*from)?;
                expect(&Formula::False, &p.concl)?;
                let concl = Formula::Not(Arc::new(assumption.clone()));
                Ok(sequent(self.remove(&p.hyps, assumption).0, concl, Some(self.node(&[e])?)))
            }
            Step::NotElim { negation, argument } => {
                let (n, a) = (self.get(*negation)?, self.get(*argument)?);
                shape!(Formula::Not(x) = &n.concl, "a negation");
                expect(x, &a.concl)?;
                Ok(sequent(union(&n.hyps, &a.hyps), Formula::False, Some(self.node(&[])?)))
            }
            Step::IffIntro { forward, backward } => {
                let (f, b) = (self.get(*forward)?, self.get(*backward)?);
                shape!(Formula::Implies(x, y) = &f.concl, "an implication");
                let expected = Formula::Implies(y.clone(), x.clone());
                expect(&expected, &b.concl)?;
                // `x ↔ y` has the extent of `x → y`.
                let concl = Formula::Iff(x.clone(), y.clone());
                Ok(sequent(union(&f.hyps, &b.hyps), concl, f.extent.get()))
            }
            Step::IffForward { from } | Step::IffBackward { from } => {
                let p = self.get(*from)?;
                shape!(Formula::Iff(x, y) = &p.concl, "an equivalence");
                let (x, y) = if matches!(step, Step::IffForward { .. }) { (x, y) } else { (y, x) };
                Ok(sequent(p.hyps.clone(), Formula::Implies(x.clone(), y.clone()), p.extent.get()))
            }
            Step::ExcludedMiddle { formula } => {
                let e = self.formula(formula)?;
                let extent = self.node(&[e, self.node(&[e])?])?;
                let f = Arc::new(formula.clone());
                let concl = Formula::Or(f.clone(), Arc::new(Formula::Not(f)));
                Ok(sequent(self.empty.clone(), concl, Some(extent)))
            }
            Step::ForallIntro { variable, sort, from } => {
                self.sig.check_sorts([sort])?;
                let p = self.get(*from)?;
                self.unmentioned(&p.hyps, variable)?;
                // Closing replaces variables by variables: the body keeps its extent.
                let extent = self.node(&[self.extent(p)?])?;
                let body = close_formula(&p.concl, variable, sort);
                let concl = Formula::Forall(Hint(variable.clone()), sort.clone(), Arc::new(body));
                Ok(sequent(p.hyps.clone(), concl, Some(extent)))
            }
            Step::ForallElim { from, term } => {
                let p = self.get(*from)?;
                shape!(Formula::Forall(_, s, body) = &p.concl, "a universal formula");
                self.expect_sort(term, s)?;
                let concl = open_formula(body, term);
                let extent = self.measure(Node::F(&concl))?;
                Ok(sequent(p.hyps.clone(), concl, Some(extent)))
            }
            Step::ExistsIntro { hint, sort, body, witness, from } => {
                let target = Formula::Exists(hint.clone(), sort.clone(), Arc::new(body.clone()));
                let extent = self.formula(&target)?;
                self.expect_sort(witness, sort)?;
                let p = self.get(*from)?;
                let instance = open_formula(body, witness);
                expect(&instance, &p.concl)?;
                Ok(sequent(p.hyps.clone(), target, Some(extent)))
            }
            Step::ExistsElim { from, variable, body } => {
                let (e, b) = (self.get(*from)?, self.get(*body)?);
                shape!(Formula::Exists(_, s, phi) = &e.concl, "an existential formula");
                let instance = open_formula(phi, &Term::Free(variable.clone(), s.clone()));
                let rest = self.remove(&b.hyps, &instance).0;
                for (what, f) in [("the conclusion", &b.concl), ("the existential", &e.concl)] {
                    if first_free(Node::F(f), |n, _| n == variable).is_some() {
                        return Err(KernelError::occurs(variable, format!("{what} {f}")));
                    }
                }
                self.unmentioned(&rest, variable)?;
                Ok(sequent(union(&e.hyps, &rest), b.concl.clone(), b.extent.get()))
            }
            Step::Refl { term } => {
                let e = self.measure(Node::T(term))?;
                self.sig.sort_of_rec(term, &[])?;
                let extent = self.node(&[e, e])?;
                Ok(sequent(self.empty.clone(), Formula::Eq(term.clone(), term.clone()), Some(extent)))
            }
            Step::Symm { from } => {
                let p = self.get(*from)?;
                let (a, b) = eq_sides(&p.concl)?;
                Ok(sequent(p.hyps.clone(), Formula::Eq(b.clone(), a.clone()), p.extent.get()))
            }
            Step::Trans { left, right } => {
                let (l, r) = (self.get(*left)?, self.get(*right)?);
                let (a, b) = eq_sides(&l.concl)?;
                let (b2, c) = eq_sides(&r.concl)?;
                if b != b2 {
                    return Err(KernelError::term_mismatch(b, b2));
                }
                Ok(sequent(union(&l.hyps, &r.hyps), Formula::Eq(a.clone(), c.clone()), None))
            }
            Step::Congruence { hole, context, from } => {
                let p = self.get(*from)?;
                let (a, b) = eq_sides(&p.concl)?;
                self.sort_is(self.sig.sort_of_checked(a)?, hole)?;
                self.measure(Node::T(context))?;
                self.sig.sort_of_rec(context, std::slice::from_ref(hole))?;
                let concl = Formula::Eq(open_term(context, a), open_term(context, b));
                let extent = self.measure(Node::F(&concl))?;
                Ok(sequent(p.hyps.clone(), concl, Some(extent)))
            }
            Step::Substitute { hole, motive, equation, from } => {
                let (e, p) = (self.get(*equation)?, self.get(*from)?);
                let (a, b) = eq_sides(&e.concl)?;
                self.sort_is(self.sig.sort_of_checked(a)?, hole)?;
                self.measure(Node::F(motive))?;
                self.sig.check_formula_rec(motive, &mut vec![hole.clone()])?;
                let before = open_formula(motive, a);
                expect(&before, &p.concl)?;
                let concl = open_formula(motive, b);
                let extent = self.measure(Node::F(&concl))?;
                Ok(sequent(union(&e.hyps, &p.hyps), concl, Some(extent)))
            }
            Step::Ring { lhs, rhs } => {
                let extent =
                    self.node(&[self.expect_sort(lhs, &Sort::Rat)?, self.expect_sort(rhs, &Sort::Rat)?])?;
                let mut n = Normalizer::new(&self.limits, &self.work, 0);
                let (p, q) = (n.poly(lhs)?, n.poly(rhs)?);
                if p != q {
                    return Err(KernelError::RingMismatch { lhs: show_poly(&n, &p), rhs: show_poly(&n, &q) });
                }
                Ok(sequent(self.empty.clone(), Formula::Eq(lhs.clone(), rhs.clone()), Some(extent)))
            }
            Step::Psatz { goal, facts, products, squares } => self.psatz(goal, facts, products, squares),
            Step::LeTotal { left, right } => {
                let side =
                    self.node(&[self.expect_sort(left, &Sort::Rat)?, self.expect_sort(right, &Sort::Rat)?])?;
                let concl = Formula::Or(
                    Arc::new(Formula::Le(left.clone(), right.clone())),
                    Arc::new(Formula::Lt(right.clone(), left.clone())),
                );
                Ok(sequent(self.empty.clone(), concl, Some(self.node(&[side, side])?)))
            }
            Step::LeAntisymm { le, ge } => {
                let (l, g) = (self.get(*le)?, self.get(*ge)?);
                shape!(Formula::Le(a, b) = &l.concl, "a comparison a <= b");
                let expected = Formula::Le(b.clone(), a.clone());
                expect(&expected, &g.concl)?;
                // `a = b` has the extent of `a <= b`.
                Ok(sequent(union(&l.hyps, &g.hyps), Formula::Eq(a.clone(), b.clone()), l.extent.get()))
            }
        }
    }

    fn psatz(
        &self,
        goal: &Formula,
        facts: &[StepId],
        products: &[crate::proof::Product],
        squares: &[crate::proof::Square],
    ) -> Result<Sequent, KernelError> {
        let bad = |reason: String| KernelError::Certificate { reason };
        let extent = self.measure(Node::F(goal))?;
        // Room for an atom per fact (a certificate's facts are mostly bounds of atoms),
        // for the facts listed up to 1,024: an input's list of facts must not make the
        // checker reserve a multiple of its own size in advance.
        let room = facts.len().min(1024);
        let mut n = Normalizer::new(&self.limits, &self.work, room);
        // One accumulator, put in normal form once: the sum of the products and squares
        // for the goal `false`; that sum plus `a - b` for a goal `a ≤ b` or `a < b`. The
        // goal is read first, so the atoms numbered so far are exactly the goal's.
        let (what, mut acc) = match goal {
            Formula::False => ("the sum", Vec::new()),
            Formula::Le(a, b) | Formula::Lt(a, b) => {
                ("the sum minus the goal's b - a", n.add(&[(Rat::int(1), a), (Rat::int(-1), b)])?)
            }
            other => return Err(KernelError::shape("false, a <= b or a < b as the goal", other)),
        };
        // The goal's sides are made by arithmetic from numerals and atoms (the
        // normaliser refuses a division by zero): they have sort `Rat` when every atom
        // has, and their free variables are the atoms'. So the goal is checked on its
        // distinct atoms, not node by node; as the last step, its variables must be the
        // context's (the final check of `check_with_limits` leaves them to this one).
        for &atom in &n.atoms.values {
            self.sort_is(self.sig.sort_of_rec(atom, &[])?, &Sort::Rat)?;
            if self.results.len() == self.last {
                self.declared(Node::T(atom))?;
            }
        }
        // Each fact `a ⋈ b` is read as `b - a ⋈' 0`; the normal forms of all of them are
        // written one after the other in `flat`, fact `i`'s at `read[i].0`.
        let mut read: Vec<(std::ops::Range<usize>, Relation)> = Vec::with_capacity(room);
        let mut flat = Vec::with_capacity(4 * room);
        let mut hyps: Vec<u32> = Vec::with_capacity(room);
        for &id in facts {
            let p = self.get(id)?;
            let (a, b, rel) = match &p.concl {
                Formula::Le(a, b) => (a, b, Relation::NonNegative),
                Formula::Lt(a, b) => (a, b, Relation::Positive),
                Formula::Eq(a, b) if *self.sig.sort_of_checked(a)? == Sort::Rat => (a, b, Relation::Zero),
                other => return Err(KernelError::shape("a comparison or an equation over Rat", other)),
            };
            let start = flat.len();
            n.difference(&mut flat, b, a)?;
            read.push((start..flat.len(), rel));
            // A fact's hypotheses are copied: one unit of work each (a fact may be listed
            // again and again, each time with up to `max_hypotheses` of them).
            self.work.charge(p.hyps.len() as u64)?;
            hyps.extend_from_slice(&p.hyps);
        }
        // The union of the facts' hypotheses, sorted and without duplicates.
        hyps.sort_unstable();
        hyps.dedup();
        let mut strict = false;
        let one = [(Monomial::new(), Rat::int(1))];
        for (k, product) in products.iter().enumerate() {
            // The product of the factors before the last one read, and that one
            // (`None` for none, 1): `c` times their product is added to the sum
            // without first being put in normal form.
            let (mut value, mut last): (Option<Cow<[_]>>, _) = (None, None);
            let mut relation = Relation::Positive;
            for &f in &product.factors {
                let (p, rel) = read
                    .get(f)
                    .map(|(range, rel)| (&flat[range.clone()], rel))
                    .ok_or_else(|| bad(format!("product {k} names fact {f}, which is not given")))?;
                if let Some(l) = last.replace(p) {
                    value = Some(value.map_or(Ok(Cow::Borrowed(l)), |v| n.mul(&v, l).map(Cow::Owned))?);
                }
                relation = relation.min(*rel);
            }
            let c = &product.coefficient;
            if relation != Relation::Zero && c.is_negative() {
                return Err(bad(format!("product {k} has the negative coefficient {c}")));
            }
            strict |= relation == Relation::Positive && c.is_positive();
            match value {
                // One factor (or none): `c` times it.
                None => n.add_poly(&mut acc, c, last.unwrap_or(&one))?,
                Some(v) => n.add_product(&mut acc, c, &v, last.unwrap_or(&one))?,
            }
        }
        for (k, square) in squares.iter().enumerate() {
            if square.coefficient.is_negative() {
                return Err(bad(format!("square {k} has the negative coefficient {}", square.coefficient)));
            }
            self.expect_sort(&square.base, &Sort::Rat)?;
            let base = n.poly(&square.base)?;
            n.add_product(&mut acc, &square.coefficient, &base.0, &base.0)?;
        }
        let acc = n.collect(acc)?;
        let Some(t) = acc.as_constant() else {
            return Err(bad(format!("{what} is {}, not a constant", show_poly(&n, &acc))));
        };
        // The sum `s` is `>= 0`, and `> 0` when `strict`; `t` is `s`, or `s + a - b`.
        // `false`: `t < 0` contradicts `s >= 0`, and `t = 0` contradicts `s > 0`.
        // `a < b`: `b - a = s - t`, positive when `t < 0`, or `t = 0` and `s > 0`.
        // `a <= b`: `b - a = s - t`, nonnegative when `t <= 0`.
        let established = match goal {
            Formula::Le(..) => !t.is_positive(),
            _ => t.is_negative() || (t.is_zero() && strict),
        };
        if !established {
            return Err(bad(format!("{what} is {t}, without the sign the goal needs")));
        }
        Ok(sequent(Rc::new(hyps), goal.clone(), Some(extent)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(list: &[u32]) -> Hyps {
        let mut v: Vec<u32> = list.to_vec();
        v.sort_unstable();
        v.dedup();
        Rc::new(v)
    }

    proptest! {
        /// `union` is the set union, sorted without duplicates, and shares an operand
        /// when the other adds nothing.
        #[test]
        fn union_is_the_set_union(a in proptest::collection::vec(0u32..64, 0..40),
                                  b in proptest::collection::vec(0u32..64, 0..40)) {
            let (a, b) = (set(&a), set(&b));
            let expected: BTreeSet<u32> = a.iter().chain(b.iter()).copied().collect();
            let u = union(&a, &b);
            prop_assert_eq!(&*u, &expected.iter().copied().collect::<Vec<u32>>());
            if b.iter().all(|x| a.contains(x)) && a.len() >= b.len() {
                prop_assert!(Rc::ptr_eq(&u, &a));
            }
            if a.iter().all(|x| b.contains(x)) && b.len() > a.len() {
                prop_assert!(Rc::ptr_eq(&u, &b));
            }
        }
    }

    #[test]
    fn union_of_one_into_many() {
        let many = set(&[1, 3, 5, 7]);
        assert_eq!(*union(&many, &set(&[4])), vec![1, 3, 4, 5, 7]);
        assert_eq!(*union(&set(&[0]), &many), vec![0, 1, 3, 5, 7]);
        assert_eq!(*union(&many, &set(&[9])), vec![1, 3, 5, 7, 9]);
        assert!(Rc::ptr_eq(&union(&many, &set(&[5])), &many));
        assert!(Rc::ptr_eq(&union(&set(&[]), &many), &many));
    }
}
