//! [`ProofBuilder`]: appends kernel [`Step`]s, shares identical ones, and keeps the
//! prover's own (untrusted) record of what each step proves, so tactics can look at
//! goals and facts. The record is a mirror of the kernel's reading, never a substitute:
//! [`ProofBuilder::check`] hands the finished proof object to [`warrant_kernel::check()`].

use crate::error::{ProverError, Result};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;
use warrant_kernel::{
    close_formula, open_formula, open_term, Context, FactKind, Formula, Hint, Name, Proof, Signature, Sort,
    Step, StepId, Term, Theorem,
};

/// Builds one proof object step by step.
///
/// ```
/// use warrant_kernel::*;
/// use warrant_prover::ProofBuilder;
/// let sig = Signature::new();
/// let ctx = Context::default();
/// let mut b = ProofBuilder::new(&sig, &ctx);
/// let one = b.add(Step::Refl { term: Term::int(1) }).unwrap();
/// let again = b.add(Step::Refl { term: Term::int(1) }).unwrap();
/// assert_eq!(one, again); // identical steps are shared
/// let thm = b.check(one).unwrap();
/// assert_eq!(thm.conclusion().to_string(), "1 = 1");
/// ```
pub struct ProofBuilder<'a> {
    sig: &'a Signature,
    ctx: &'a Context,
    steps: Vec<Step>,
    conclusions: Vec<Formula>,
    /// Keyed by the step's `FxHasher` hash, which the map hashes again: with the
    /// same hasher, not SipHash (that second hash was most of the cost of a lookup).
    index: HashMap<u64, Vec<StepId>, BuildHasherDefault<FxHasher>>,
}

impl<'a> ProofBuilder<'a> {
    /// An empty builder for proofs against `sig` in `ctx`.
    pub fn new(sig: &'a Signature, ctx: &'a Context) -> Self {
        ProofBuilder { sig, ctx, steps: Vec::new(), conclusions: Vec::new(), index: HashMap::default() }
    }

    /// The signature proofs are built against.
    pub fn signature(&self) -> &'a Signature {
        self.sig
    }

    /// The context proofs are built in.
    pub fn context(&self) -> &'a Context {
        self.ctx
    }

    /// How many steps so far.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Are there no steps yet?
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The steps so far.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// What step `id` proves, by the prover's reading (untrusted).
    pub fn conclusion(&self, id: StepId) -> Result<&Formula> {
        self.conclusions.get(id).ok_or_else(|| ProverError::Internal(format!("no step {id}")))
    }

    /// Appends `step` (or returns the identical step already there) and its id.
    /// Fails when the step's premises do not have the shape its rule needs, by the
    /// prover's reading; the kernel decides in the end.
    pub fn add(&mut self, step: Step) -> Result<StepId> {
        let mut h = FxHasher::default();
        hash_step(&step, &mut h);
        let key = h.finish();
        if let Some(ids) = self.index.get(&key) {
            if let Some(&id) = ids.iter().find(|&&id| self.steps[id] == step) {
                return Ok(id);
            }
        }
        let concl = self.conclude(&step)?;
        let id = self.steps.len();
        self.steps.push(step);
        self.conclusions.push(concl);
        self.index.entry(key).or_default().push(id);
        Ok(id)
    }

    /// `hypothesis name`.
    pub fn hypothesis(&mut self, name: &Name) -> Result<StepId> {
        self.add(Step::Hypothesis { name: name.clone() })
    }

    /// `refl t`.
    pub fn refl(&mut self, term: Term) -> Result<StepId> {
        self.add(Step::Refl { term })
    }

    /// `symm`.
    pub fn symm(&mut self, from: StepId) -> Result<StepId> {
        self.add(Step::Symm { from })
    }

    /// `trans`.
    pub fn trans(&mut self, left: StepId, right: StepId) -> Result<StepId> {
        self.add(Step::Trans { left, right })
    }

    /// The proof object whose last step is `root`, keeping only the steps it needs.
    pub fn finish(&self, root: StepId) -> Result<Proof> {
        if root >= self.steps.len() {
            return Err(ProverError::Internal(format!("no step {root}")));
        }
        let mut needed = vec![false; root + 1];
        needed[root] = true;
        for i in (0..=root).rev() {
            if needed[i] {
                for p in self.steps[i].premises() {
                    if p < i {
                        needed[p] = true;
                    }
                }
            }
        }
        let mut renumber = vec![usize::MAX; root + 1];
        let mut steps = Vec::new();
        for i in 0..=root {
            if needed[i] {
                renumber[i] = steps.len();
                steps.push(self.steps[i].map_premises(&|p| renumber[p]));
            }
        }
        Ok(Proof { steps })
    }

    /// Finishes at `root` and has the kernel check the proof object (in the context's
    /// hypotheses the proof can use, see [`check_in_used_context`]).
    pub fn check(&self, root: StepId) -> Result<Theorem> {
        let proof = self.finish(root)?;
        Ok(check_in_used_context(self.sig, self.ctx, &proof)?)
    }

    fn premise(&self, id: StepId) -> Result<&Formula> {
        self.conclusions
            .get(id)
            .ok_or_else(|| ProverError::Internal(format!("step refers to missing step {id}")))
    }

    fn instantiate(&self, name: &Name, kind: FactKind, args: &[Term]) -> Result<Formula> {
        let fact = self
            .sig
            .fact(name)
            .filter(|f| f.kind == kind)
            .ok_or_else(|| ProverError::Internal(format!("no {kind:?} named `{name}`")))?;
        let mut f = fact.statement.clone();
        for arg in args {
            let Formula::Forall(_, _, body) = &f else {
                return Err(ProverError::Internal(format!(
                    "`{name}` has fewer than {} quantifiers",
                    args.len()
                )));
            };
            f = open_formula(body, arg);
        }
        Ok(f)
    }

    /// The prover's reading of what `step` proves.
    fn conclude(&self, step: &Step) -> Result<Formula> {
        let bad = |what: &str, f: &Formula| {
            Err(ProverError::Internal(format!("{} needs {what}, found {f}", step.rule())))
        };
        Ok(match step {
            Step::Hypothesis { name } => match self.ctx.hypotheses.iter().find(|(h, _)| h == name) {
                Some((_, f)) => f.clone(),
                None => return Err(ProverError::Internal(format!("no hypothesis `{name}`"))),
            },
            Step::Assume { formula } => formula.clone(),
            Step::Axiom { name, args } => self.instantiate(name, FactKind::Axiom, args)?,
            Step::Theorem { name, args } => self.instantiate(name, FactKind::Theorem, args)?,
            Step::Unfold { name, args } => self.instantiate(name, FactKind::Definition, args)?,
            Step::TrueIntro => Formula::True,
            Step::FalseElim { goal, .. } => goal.clone(),
            Step::AndIntro { left, right } => {
                Formula::And(Arc::new(self.premise(*left)?.clone()), Arc::new(self.premise(*right)?.clone()))
            }
            Step::AndLeft { from } | Step::AndRight { from } => match self.premise(*from)? {
                Formula::And(a, b) => {
                    if matches!(step, Step::AndLeft { .. }) {
                        (**a).clone()
                    } else {
                        (**b).clone()
                    }
                }
                f => return bad("a conjunction", f),
            },
            Step::OrLeft { from, right } => {
                Formula::Or(Arc::new(self.premise(*from)?.clone()), Arc::new(right.clone()))
            }
            Step::OrRight { left, from } => {
                Formula::Or(Arc::new(left.clone()), Arc::new(self.premise(*from)?.clone()))
            }
            Step::OrElim { left, .. } => self.premise(*left)?.clone(),
            Step::ImpIntro { assumption, from } => {
                Formula::Implies(Arc::new(assumption.clone()), Arc::new(self.premise(*from)?.clone()))
            }
            Step::ImpElim { implication, .. } => match self.premise(*implication)? {
                Formula::Implies(_, b) => (**b).clone(),
                f => return bad("an implication", f),
            },
            Step::NotIntro { assumption, .. } => Formula::Not(Arc::new(assumption.clone())),
            Step::NotElim { .. } => Formula::False,
            Step::IffIntro { forward, .. } => match self.premise(*forward)? {
                Formula::Implies(a, b) => Formula::Iff(a.clone(), b.clone()),
                f => return bad("an implication", f),
            },
            Step::IffForward { from } | Step::IffBackward { from } => match self.premise(*from)? {
                Formula::Iff(a, b) => {
                    if matches!(step, Step::IffForward { .. }) {
                        Formula::Implies(a.clone(), b.clone())
                    } else {
                        Formula::Implies(b.clone(), a.clone())
                    }
                }
                f => return bad("an equivalence", f),
            },
            Step::ExcludedMiddle { formula } => {
                let f = Arc::new(formula.clone());
                Formula::Or(f.clone(), Arc::new(Formula::Not(f)))
            }
            Step::ForallIntro { variable, sort, from } => Formula::Forall(
                Hint(variable.clone()),
                sort.clone(),
                Arc::new(close_formula(self.premise(*from)?, variable, sort)),
            ),
            Step::ForallElim { from, term } => match self.premise(*from)? {
                Formula::Forall(_, _, body) => open_formula(body, term),
                f => return bad("a universal formula", f),
            },
            Step::ExistsIntro { hint, sort, body, .. } => {
                Formula::Exists(hint.clone(), sort.clone(), Arc::new(body.clone()))
            }
            Step::ExistsElim { body, .. } => self.premise(*body)?.clone(),
            Step::Refl { term } => Formula::Eq(term.clone(), term.clone()),
            Step::Symm { from } => match self.premise(*from)? {
                Formula::Eq(a, b) => Formula::Eq(b.clone(), a.clone()),
                f => return bad("an equation", f),
            },
            Step::Trans { left, right } => match (self.premise(*left)?, self.premise(*right)?) {
                (Formula::Eq(a, b), Formula::Eq(b2, c)) if b == b2 => Formula::Eq(a.clone(), c.clone()),
                (l, r) => {
                    return Err(ProverError::Internal(format!(
                        "trans of {l} and {r}: the middle terms differ"
                    )))
                }
            },
            Step::Congruence { context, from, .. } => match self.premise(*from)? {
                Formula::Eq(a, b) => Formula::Eq(open_term(context, a), open_term(context, b)),
                f => return bad("an equation", f),
            },
            Step::Substitute { motive, equation, .. } => match self.premise(*equation)? {
                Formula::Eq(_, b) => open_formula(motive, b),
                f => return bad("an equation", f),
            },
            Step::Ring { lhs, rhs } => Formula::Eq(lhs.clone(), rhs.clone()),
            Step::Psatz { goal, .. } => goal.clone(),
            Step::LeTotal { left, right } => Formula::Or(
                Arc::new(Formula::Le(left.clone(), right.clone())),
                Arc::new(Formula::Lt(right.clone(), left.clone())),
            ),
            Step::LeAntisymm { le, .. } => match self.premise(*le)? {
                Formula::Le(a, b) => Formula::Eq(a.clone(), b.clone()),
                f => return bad("a comparison a <= b", f),
            },
        })
    }
}

/// A fast non-cryptographic hasher (the multiply-rotate scheme of rustc's `FxHasher`);
/// the index only needs to spread steps, and collisions are resolved by `==`.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A structural hash of a step (the kernel's `Step` does not implement `Hash`).
fn hash_step<H: Hasher>(step: &Step, h: &mut H) {
    step.rule().hash(h);
    for p in step.premises() {
        p.hash(h);
    }
    match step {
        Step::Hypothesis { name } => name.hash(h),
        Step::Assume { formula } | Step::ExcludedMiddle { formula } => formula.hash(h),
        Step::Axiom { name, args } | Step::Theorem { name, args } | Step::Unfold { name, args } => {
            name.hash(h);
            args.hash(h);
        }
        Step::FalseElim { goal, .. } => goal.hash(h),
        Step::OrLeft { right: f, .. }
        | Step::OrRight { left: f, .. }
        | Step::ImpIntro { assumption: f, .. }
        | Step::NotIntro { assumption: f, .. } => f.hash(h),
        Step::ForallIntro { variable, sort, .. } => {
            variable.hash(h);
            sort.hash(h);
        }
        Step::ForallElim { term, .. } | Step::Refl { term } => term.hash(h),
        Step::ExistsIntro { sort, body, witness, .. } => {
            sort.hash(h);
            body.hash(h);
            witness.hash(h);
        }
        Step::ExistsElim { variable, .. } => variable.hash(h),
        Step::Congruence { hole, context, .. } => {
            hole.hash(h);
            context.hash(h);
        }
        Step::Substitute { hole, motive, .. } => {
            hole.hash(h);
            motive.hash(h);
        }
        Step::Ring { lhs, rhs } => {
            lhs.hash(h);
            rhs.hash(h);
        }
        Step::LeTotal { left, right } => {
            left.hash(h);
            right.hash(h);
        }
        Step::Psatz { goal, products, squares, .. } => {
            goal.hash(h);
            for p in products {
                p.coefficient.hash(h);
                p.factors.hash(h);
            }
            for s in squares {
                s.coefficient.hash(h);
                s.base.hash(h);
            }
        }
        Step::TrueIntro
        | Step::AndIntro { .. }
        | Step::AndLeft { .. }
        | Step::AndRight { .. }
        | Step::OrElim { .. }
        | Step::ImpElim { .. }
        | Step::NotElim { .. }
        | Step::IffIntro { .. }
        | Step::IffForward { .. }
        | Step::IffBackward { .. }
        | Step::Symm { .. }
        | Step::Trans { .. }
        | Step::LeAntisymm { .. } => {}
    }
}

/// The sort of a term as the prover reads it (symbols looked up in `sig`; arithmetic
/// is `Rat`). `None` for an unknown symbol or a bound variable.
pub fn sort_of(sig: &Signature, t: &Term) -> Option<Sort> {
    match t {
        Term::Bound(_) => None,
        Term::Free(_, s) => Some(s.clone()),
        Term::App(f, _) => match sig.symbol(f)? {
            warrant_kernel::Symbol::Function { result, .. } => Some(result.clone()),
            _ => None,
        },
        _ => Some(Sort::Rat),
    }
}

/// The kernel's check of `proof` in `ctx`, with the context cut down to what the proof
/// can rest on; the theorem is the one the kernel gives for the whole context.
///
/// The kernel reads every hypothesis of the context before the first step (its
/// well-formedness, its free variables, a number for its formula), whatever the proof
/// uses. A discharge proved `by c0` in a technique with many assumptions names one.
/// So the proof is first checked in the context of the variables and of the hypotheses
/// whose formula is that of a hypothesis it names (`Step::Hypothesis`); all hypotheses
/// with such a formula are kept, in their order, so the kernel records the same ones as
/// used as it would in the whole context (it picks the first with the formula). A
/// theorem checked in part of a context holds in all of it (nothing else is read from
/// the context). Only when that check fails (an `assume` left open whose formula is a
/// hypothesis the proof does not name, or a real error) is the proof checked in the
/// whole context, so errors and results are those of the whole context.
pub fn check_in_used_context(
    sig: &Signature,
    ctx: &Context,
    proof: &Proof,
) -> std::result::Result<Theorem, warrant_kernel::KernelError> {
    let named: std::collections::BTreeSet<&str> = proof
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Hypothesis { name } => Some(&**name),
            _ => None,
        })
        .collect();
    let formulas: Vec<&Formula> =
        ctx.hypotheses.iter().filter(|(h, _)| named.contains(&**h)).map(|(_, f)| f).collect();
    let hypotheses: Vec<(Name, Formula)> = ctx
        .hypotheses
        .iter()
        .filter(|(h, f)| named.contains(&**h) || formulas.contains(&f))
        .cloned()
        .collect();
    if hypotheses.len() == ctx.hypotheses.len() {
        return warrant_kernel::check(sig, ctx, proof);
    }
    let used = Context { variables: ctx.variables.clone(), hypotheses };
    warrant_kernel::check(sig, &used, proof).or_else(|_| warrant_kernel::check(sig, ctx, proof))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warrant_kernel::name;

    #[test]
    fn finish_keeps_only_needed_steps_and_renumbers() {
        let sig = Signature::new();
        let ctx = Context::default();
        let mut b = ProofBuilder::new(&sig, &ctx);
        let unused = b.refl(Term::int(7)).unwrap();
        let a = b.refl(Term::int(1)).unwrap();
        let s = b.symm(a).unwrap();
        assert_eq!((unused, a, s), (0, 1, 2));
        let proof = b.finish(s).unwrap();
        assert_eq!(proof.steps, vec![Step::Refl { term: Term::int(1) }, Step::Symm { from: 0 }]);
        assert_eq!(b.check(s).unwrap().conclusion().to_string(), "1 = 1");
    }

    /// The narrowed check records the hypotheses the whole context's check records, and
    /// its errors are the whole context's.
    #[test]
    fn checks_in_the_used_context_as_in_the_whole() {
        let sig = Signature::new();
        let x = Term::free("x", Sort::Rat);
        let zero_le_x = Formula::le(Term::int(0), x.clone());
        let ctx = Context {
            variables: vec![(name("x"), Sort::Rat)],
            hypotheses: vec![
                (name("a"), Formula::lt(Term::int(0), x.clone())),
                (name("c"), zero_le_x.clone()),
                (name("d"), zero_le_x.clone()),
                (name("e"), Formula::True),
            ],
        };
        let whole = |p: &Proof| warrant_kernel::check(&sig, &ctx, p);
        let used = |p: &Proof| check_in_used_context(&sig, &ctx, p);
        // Naming `d`, whose formula `c` has too: the kernel records `c` (the first).
        let by_d = Proof { steps: vec![Step::Hypothesis { name: name("d") }] };
        let thm = used(&by_d).unwrap();
        assert_eq!(thm.hypotheses(), whole(&by_d).unwrap().hypotheses());
        assert_eq!(thm.hypotheses(), &[(name("c"), zero_le_x.clone())][..]);
        assert_eq!(thm.variables(), ctx.variables.as_slice());
        // An `assume` left open whose formula is an unnamed hypothesis: only the whole
        // context has it, and the result is the whole context's.
        let open = Proof { steps: vec![Step::Assume { formula: Formula::True }] };
        assert_eq!(used(&open).unwrap().hypotheses(), &[(name("e"), Formula::True)][..]);
        // An error is the whole context's error.
        let bad = Proof { steps: vec![Step::Hypothesis { name: name("nope") }] };
        assert_eq!(used(&bad).unwrap_err().to_string(), whole(&bad).unwrap_err().to_string());
        let empty = Proof { steps: vec![] };
        assert_eq!(used(&empty).unwrap_err().to_string(), whole(&empty).unwrap_err().to_string());
    }

    #[test]
    fn mirror_reads_conclusions() {
        let sig = Signature::new();
        let x = Term::free("x", Sort::Rat);
        let ctx = Context {
            variables: vec![(name("x"), Sort::Rat)],
            hypotheses: vec![(name("h"), Formula::le(Term::int(0), x.clone()))],
        };
        let mut b = ProofBuilder::new(&sig, &ctx);
        let h = b.hypothesis(&name("h")).unwrap();
        let t = b.add(Step::TrueIntro).unwrap();
        let both = b.add(Step::AndIntro { left: h, right: t }).unwrap();
        assert_eq!(b.conclusion(both).unwrap().to_string(), "0 <= x and true");
        let missing = b.add(Step::Symm { from: h }).unwrap_err();
        assert!(matches!(missing, ProverError::Internal(_)));
        assert_eq!(b.len(), 3);
    }
}
