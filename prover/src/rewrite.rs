//! `rewrite`: equational reasoning with `egg` 0.11, every explanation replayed as kernel
//! steps.
//!
//! Kernel terms map one-to-one onto the e-graph language [`Expr`]: arithmetic nodes,
//! exact rational numerals, free variables and applications by symbol name. A rule is a
//! kernel equation `forall x̄. [c₁ -> ...] l = r` (an axiom, theorem or definition of the
//! signature, or a step such as a hypothesis); it rewrites in both directions when both
//! sides mention every bound variable, otherwise in the one direction that does. Side
//! conditions are not in egg's explanations: each instance becomes a separate
//! obligation handed to a discharge function. Constant folding is an e-class analysis
//! that merges with [`egg::EGraph::union_instantiations`] under the reason
//! [`CONSTANT_FOLD`]; the replay justifies each such step by the kernel's `ring` rule.
//!
//! Replay follows the tree form of the explanation (memoised on the `Rc` pointers, so
//! shared subproofs are replayed once): each tree term is a congruence over its
//! children's chains, consecutive terms are joined by a rule instance (an `axiom` /
//! `theorem` / `unfold` step with the matched substitution, `symm` for the reverse
//! direction), and chains are joined by `trans`. A replay that does not line up is a
//! [`ProverError::Replay`], never an acceptance. The search is bounded by nodes,
//! iterations and time ([`RewriteLimits`]); a bound that is hit is an error naming it.

use crate::builder::{sort_of, ProofBuilder};
use crate::error::{Bound, ProverError, Result};
use crate::poly::Atoms;
use egg::{
    merge_option, Analysis, DidMerge, ENodeOrVar, Explanation, Id, Pattern, PatternAst, RecExpr, Rewrite,
    Runner, StopReason, Subst, Symbol, TreeTerm, Var,
};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use warrant_kernel::print::term_to_string;
use warrant_kernel::{FactKind, Formula, Name, Rat, Signature, Sort, Step, StepId, Term};

/// The reason constant folding records in explanations.
pub const CONSTANT_FOLD: &str = "constant-fold";

/// The divisor of a division node (a nonzero literal, as in the kernel).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DivBy(pub Rat);

impl fmt::Display for DivBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.0)
    }
}

impl FromStr for DivBy {
    type Err = String;
    fn from_str(s: &str) -> Result<DivBy, String> {
        let r: Rat = s.strip_prefix('/').ok_or("not a divisor")?.parse().map_err(|e| format!("{e}"))?;
        if r.is_zero() {
            return Err("division by zero".into());
        }
        Ok(DivBy(r))
    }
}

/// The exponent of a power node (a natural number, as in the kernel).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PowBy(pub u32);

impl fmt::Display for PowBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "^{}", self.0)
    }
}

impl FromStr for PowBy {
    type Err = String;
    fn from_str(s: &str) -> Result<PowBy, String> {
        let n = s.strip_prefix('^').ok_or("not an exponent")?;
        n.parse().map(PowBy).map_err(|e| format!("{e}"))
    }
}

/// The head of an application: a function symbol's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Head(pub Symbol);

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Head {
    type Err = String;
    fn from_str(s: &str) -> Result<Head, String> {
        Ok(Head(Symbol::from(s)))
    }
}

#[allow(missing_docs)]
mod language {
    use super::{DivBy, Head, PowBy};
    use egg::{define_language, Id, Symbol};
    use warrant_kernel::Rat;

    define_language! {
    /// Kernel terms as e-graph nodes: `+ - * neg`, division by a literal, powers with a
    /// literal exponent, exact numerals, free variables and applications by name.
    pub enum Expr {
        "+" = Add([Id; 2]),
        "-" = Sub([Id; 2]),
        "*" = Mul([Id; 2]),
        "neg" = Neg([Id; 1]),
        Div(DivBy, [Id; 1]),
        Pow(PowBy, [Id; 1]),
        Num(Rat),
        Var(Symbol),
        App(Head, Box<[Id]>),
    }
    }
}
pub use language::Expr;

/// Constant folding over exact rationals. Each class that has a value remembers the
/// node it came from (as a pattern over numerals), so the merge can be explained.
#[derive(Clone, Debug, Default)]
pub struct Fold {
    /// Fold constants at all.
    pub enabled: bool,
    /// Do not fold to a numeral with more bits than this.
    pub max_bits: u64,
}

impl Analysis<Expr> for Fold {
    type Data = Option<(Rat, PatternAst<Expr>)>;

    fn make(egraph: &mut egg::EGraph<Expr, Fold>, enode: &Expr, _id: Id) -> Self::Data {
        if !egraph.analysis.enabled {
            return None;
        }
        let value = |i: &Id| egraph[*i].data.as_ref().map(|d| d.0.clone());
        let (v, pattern) = match enode {
            Expr::Num(c) => (c.clone(), vec![Expr::Num(c.clone())]),
            Expr::Add([a, b]) | Expr::Sub([a, b]) | Expr::Mul([a, b]) => {
                let (x, y) = (value(a)?, value(b)?);
                let v = match enode {
                    Expr::Add(_) => &x + &y,
                    Expr::Sub(_) => &x - &y,
                    _ => &x * &y,
                };
                let node = match enode {
                    Expr::Add(_) => Expr::Add([Id::from(0), Id::from(1)]),
                    Expr::Sub(_) => Expr::Sub([Id::from(0), Id::from(1)]),
                    _ => Expr::Mul([Id::from(0), Id::from(1)]),
                };
                (v, vec![Expr::Num(x), Expr::Num(y), node])
            }
            Expr::Neg([a]) => {
                let x = value(a)?;
                (-&x, vec![Expr::Num(x), Expr::Neg([Id::from(0)])])
            }
            Expr::Div(c, [a]) => {
                let x = value(a)?;
                let v = &x * &c.0.recip()?;
                (v, vec![Expr::Num(x), Expr::Div(c.clone(), [Id::from(0)])])
            }
            Expr::Pow(n, [a]) => {
                let x = value(a)?;
                if (x.bits()).saturating_mul(n.0 as u64) > egraph.analysis.max_bits {
                    return None;
                }
                let mut v = Rat::one();
                for _ in 0..n.0 {
                    v = &v * &x;
                }
                (v, vec![Expr::Num(x), Expr::Pow(n.clone(), [Id::from(0)])])
            }
            Expr::Var(_) | Expr::App(..) => return None,
        };
        if v.bits() > egraph.analysis.max_bits {
            return None;
        }
        let ast: RecExpr<ENodeOrVar<Expr>> = pattern.into_iter().map(ENodeOrVar::ENode).collect();
        Some((v, ast))
    }

    fn merge(&mut self, to: &mut Self::Data, from: Self::Data) -> DidMerge {
        // Two different values in one class can only come from a rule instance whose
        // side condition fails; the replay's obligations catch that. Keep the first.
        merge_option(to, from, |_, _| DidMerge(false, true))
    }

    fn modify(egraph: &mut egg::EGraph<Expr, Fold>, id: Id) {
        let Some((v, pattern)) = egraph[id].data.clone() else {
            return;
        };
        if pattern.as_ref().len() == 1 {
            return; // already a numeral
        }
        let to: RecExpr<ENodeOrVar<Expr>> = vec![ENodeOrVar::ENode(Expr::Num(v))].into();
        egraph.union_instantiations(&pattern, &to, &Subst::default(), CONSTANT_FOLD);
    }
}

/// Where a rule's instances come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleOrigin {
    /// A fact of the signature, instantiated by an `axiom`, `theorem` or `unfold` step.
    Fact(FactKind),
    /// A step of the proof being built (e.g. a hypothesis), instantiated by
    /// `forall-elim`.
    Step(StepId),
}

/// A rewrite rule: a kernel equation `forall x̄. [c₁ -> ... ->] l = r`.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Its name, for messages (the fact's name for signature facts).
    pub name: Name,
    /// How to make an instance.
    pub origin: RuleOrigin,
    /// Sorts of the leading universal quantifiers, outermost first.
    pub vars: Vec<Sort>,
    /// Left side, with `Bound(i)` for quantified variable `vars.len() - 1 - i`.
    pub lhs: Term,
    /// Right side.
    pub rhs: Term,
    /// Number of side conditions.
    pub conditions: usize,
    /// May rewrite left to right.
    pub forward: bool,
    /// May rewrite right to left.
    pub backward: bool,
}

impl Rule {
    /// The rule for the signature fact `name`.
    pub fn fact(sig: &Signature, name: &str) -> Result<Rule> {
        let fact = sig.fact(name).ok_or_else(|| ProverError::BadRule {
            rule: name.into(),
            reason: "no such axiom, theorem or definition".into(),
        })?;
        Rule::parse(warrant_kernel::name(name), RuleOrigin::Fact(fact.kind), &fact.statement)
    }

    /// The rule for the equation step `id` proves (e.g. a hypothesis), called `name`.
    pub fn step(b: &ProofBuilder<'_>, id: StepId, name: &str) -> Result<Rule> {
        let f = b.conclusion(id)?.clone();
        Rule::parse(warrant_kernel::name(name), RuleOrigin::Step(id), &f)
    }

    /// This rule used left to right only.
    pub fn forward_only(mut self) -> Rule {
        self.backward = false;
        self
    }

    /// This rule used right to left only.
    pub fn backward_only(mut self) -> Rule {
        self.forward = false;
        self
    }

    fn parse(name: Name, origin: RuleOrigin, statement: &Formula) -> Result<Rule> {
        let bad = |reason: &str| ProverError::BadRule { rule: name.to_string(), reason: reason.into() };
        let mut vars = Vec::new();
        let mut f = statement;
        while let Formula::Forall(_, s, body) = f {
            vars.push(s.clone());
            f = body;
        }
        let mut conditions = 0;
        while let Formula::Implies(_, body) = f {
            conditions += 1;
            f = body;
        }
        let Formula::Eq(lhs, rhs) = f else {
            return Err(bad("it is not an equation (after its quantifiers and conditions)"));
        };
        let n = vars.len();
        let mut in_l = vec![false; n];
        let mut in_r = vec![false; n];
        bound_vars(lhs, n, &mut in_l).map_err(|e| bad(&e))?;
        bound_vars(rhs, n, &mut in_r).map_err(|e| bad(&e))?;
        let forward = in_l.iter().all(|&b| b);
        let backward = in_r.iter().all(|&b| b);
        if !forward && !backward {
            return Err(bad("neither side mentions every quantified variable, so no instance is determined"));
        }
        Ok(Rule { name, origin, vars, lhs: lhs.clone(), rhs: rhs.clone(), conditions, forward, backward })
    }
}

/// Marks which quantified variables `t` mentions; fails on a nested binder's variable.
fn bound_vars(t: &Term, n: usize, seen: &mut [bool]) -> Result<(), String> {
    match t {
        Term::Bound(i) => {
            let i = *i as usize;
            if i >= n {
                return Err(format!("bound variable #{i} has no quantifier"));
            }
            seen[n - 1 - i] = true;
            Ok(())
        }
        Term::Free(..) | Term::Num(_) => Ok(()),
        Term::App(_, args) => args.iter().try_for_each(|a| bound_vars(a, n, seen)),
        Term::Neg(a) | Term::Div(a, _) | Term::Pow(a, _) => bound_vars(a, n, seen),
        Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => {
            bound_vars(a, n, seen)?;
            bound_vars(b, n, seen)
        }
    }
}

/// Bounds of one rewrite search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewriteLimits {
    /// Most e-graph nodes.
    pub max_nodes: usize,
    /// Most iterations.
    pub max_iterations: usize,
    /// Wall-clock guard for the e-graph search.
    pub max_time: Duration,
    /// Most kernel steps one replay may add.
    pub max_replay_steps: usize,
    /// Fold constants (exact rationals).
    pub fold_constants: bool,
    /// Largest numeral (in bits) constant folding may make.
    pub max_numeral_bits: u64,
}

impl Default for RewriteLimits {
    fn default() -> RewriteLimits {
        RewriteLimits {
            max_nodes: 10_000,
            max_iterations: 30,
            max_time: Duration::from_secs(5),
            max_replay_steps: 1_000_000,
            fold_constants: true,
            max_numeral_bits: 1_024,
        }
    }
}

/// A side-condition prover: proves the given instance of a condition, or says why not.
pub type Discharge<'d, 'a> = dyn FnMut(&mut ProofBuilder<'a>, &Formula) -> Result<StepId> + 'd;

/// A set of rules compiled for egg.
pub struct Rewriter {
    rules: Vec<Rule>,
    rewrites: Vec<Rewrite<Expr, Fold>>,
    /// Rewrite name to (rule index, forward?).
    names: HashMap<Symbol, (usize, bool)>,
}

/// A finished e-graph search between two terms.
pub struct Search {
    /// The egg runner, with its e-graph.
    pub runner: Runner<Expr, Fold>,
    lhs: RecExpr<Expr>,
    rhs: RecExpr<Expr>,
    vars: HashMap<Symbol, Sort>,
}

impl Search {
    /// Did the search put both sides in one e-class?
    pub fn equal(&self) -> bool {
        self.runner.roots.len() == 2
            && self.runner.egraph.find(self.runner.roots[0]) == self.runner.egraph.find(self.runner.roots[1])
    }

    /// egg's explanation of the equality (`None` when the sides are not equal or
    /// explanations are off).
    pub fn explain(&mut self) -> Option<Explanation<Expr>> {
        if !self.equal() || !self.runner.egraph.are_explanations_enabled() {
            return None;
        }
        Some(self.runner.explain_equivalence(&self.lhs, &self.rhs))
    }
}

impl Rewriter {
    /// Compiles `rules`.
    pub fn new(rules: Vec<Rule>) -> Result<Rewriter> {
        let mut rewrites = Vec::new();
        let mut names = HashMap::new();
        let mut vars_table = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            let n = rule.vars.len();
            let l = pattern(&rule.lhs, n, &mut vars_table).map_err(|e| bad_rule(rule, &e))?;
            let r = pattern(&rule.rhs, n, &mut vars_table).map_err(|e| bad_rule(rule, &e))?;
            for (forward, from, to) in [(true, &l, &r), (false, &r, &l)] {
                if (forward && !rule.forward) || (!forward && !rule.backward) {
                    continue;
                }
                let name = Symbol::from(format!("{}{}", i, if forward { ">" } else { "<" }));
                let rw = Rewrite::new(name, from.clone(), to.clone()).map_err(|e| bad_rule(rule, &e))?;
                rewrites.push(rw);
                names.insert(name, (i, forward));
            }
        }
        Ok(Rewriter { rules, rewrites, names })
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Runs egg on `lhs` and `rhs` until they are equal, the e-graph saturates, or a
    /// bound is hit. With `explanations`, egg records why classes merged.
    pub fn search(
        &self,
        lhs: &Term,
        rhs: &Term,
        limits: &RewriteLimits,
        explanations: bool,
    ) -> Result<Search> {
        let mut vars = HashMap::new();
        let l = expr(lhs, &mut vars)?;
        let r = expr(rhs, &mut vars)?;
        let fold = Fold { enabled: limits.fold_constants, max_bits: limits.max_numeral_bits };
        let mut runner = Runner::new(fold)
            .with_node_limit(limits.max_nodes)
            .with_iter_limit(limits.max_iterations)
            .with_time_limit(limits.max_time);
        if explanations {
            runner = runner.with_explanations_enabled().without_explanation_length_optimization();
        }
        let runner = runner
            .with_expr(&l)
            .with_expr(&r)
            .with_hook(|runner| {
                if runner.egraph.find(runner.roots[0]) == runner.egraph.find(runner.roots[1]) {
                    Err("equal".into())
                } else {
                    Ok(())
                }
            })
            .run(&self.rewrites);
        Ok(Search { runner, lhs: l, rhs: r, vars })
    }

    /// Proves `lhs = rhs` by rewriting; the proof is built in `b`, with side
    /// conditions proved by `discharge`.
    pub fn prove_eq<'a>(
        &self,
        b: &mut ProofBuilder<'a>,
        lhs: &Term,
        rhs: &Term,
        limits: &RewriteLimits,
        discharge: &mut Discharge<'_, 'a>,
    ) -> Result<StepId> {
        if lhs == rhs {
            return b.refl(lhs.clone());
        }
        let mut search = self.search(lhs, rhs, limits, true)?;
        if !search.equal() {
            return Err(not_equal(&search, lhs, rhs, limits));
        }
        let explanation = search.explain().ok_or_else(|| ProverError::Internal("no explanation".into()))?;
        let mut replay = Replay {
            rewriter: self,
            b,
            vars: &search.vars,
            memo: HashMap::new(),
            steps: 0,
            max_steps: limits.max_replay_steps,
            discharge,
        };
        let (init, last, proof) = replay.chain(&explanation.explanation_trees)?;
        if &init != lhs || &last != rhs {
            return Err(ProverError::Replay {
                reason: format!(
                    "the explanation joins {} and {}, not the goal's sides",
                    term_to_string(&init),
                    term_to_string(&last)
                ),
            });
        }
        match proof {
            Some(p) => Ok(p),
            None => b.refl(lhs.clone()),
        }
    }
}

fn not_equal(search: &Search, lhs: &Term, rhs: &Term, limits: &RewriteLimits) -> ProverError {
    let limit = |bound, limit: u64| ProverError::Limit { bound, limit };
    match &search.runner.stop_reason {
        Some(StopReason::IterationLimit(_)) => limit(Bound::Iterations, limits.max_iterations as u64),
        Some(StopReason::NodeLimit(_)) => limit(Bound::Nodes, limits.max_nodes as u64),
        Some(StopReason::TimeLimit(_)) => limit(Bound::Time, limits.max_time.as_millis() as u64),
        other => ProverError::NotEqual {
            lhs: term_to_string(lhs),
            rhs: term_to_string(rhs),
            reason: match other {
                Some(StopReason::Saturated) => "the rules saturated".into(),
                Some(StopReason::Other(s)) => s.clone(),
                _ => "the search stopped".into(),
            },
        },
    }
}

fn bad_rule(rule: &Rule, reason: &str) -> ProverError {
    ProverError::BadRule { rule: rule.name.to_string(), reason: reason.into() }
}

/// A rule side as an egg pattern; quantified variable `k` is `?vk`.
fn pattern(t: &Term, n: usize, vars: &mut HashMap<Symbol, Sort>) -> Result<Pattern<Expr>, String> {
    let mut ast: RecExpr<ENodeOrVar<Expr>> = RecExpr::default();
    build(
        t,
        &mut ast,
        &mut |i| {
            let i = i as usize;
            if i >= n {
                return Err(format!("bound variable #{i} has no quantifier"));
            }
            Var::from_str(&format!("?v{}", n - 1 - i)).map_err(|e| format!("{e:?}"))
        },
        vars,
    )?;
    Ok(Pattern::new(ast))
}

/// A closed kernel term as an egg expression.
fn expr(t: &Term, vars: &mut HashMap<Symbol, Sort>) -> Result<RecExpr<Expr>> {
    let mut ast: RecExpr<ENodeOrVar<Expr>> = RecExpr::default();
    build(t, &mut ast, &mut |i| Err(format!("bound variable #{i} in a goal")), vars)
        .map_err(|reason| ProverError::Shape { tactic: "rewrite", what: reason })?;
    let nodes: Result<Vec<Expr>> = ast
        .as_ref()
        .iter()
        .map(|n| match n {
            ENodeOrVar::ENode(e) => Ok(e.clone()),
            ENodeOrVar::Var(_) => Err(ProverError::Internal("a pattern variable in a goal".into())),
        })
        .collect();
    Ok(RecExpr::from(nodes?))
}

fn build(
    t: &Term,
    ast: &mut RecExpr<ENodeOrVar<Expr>>,
    bound: &mut dyn FnMut(u32) -> Result<Var, String>,
    vars: &mut HashMap<Symbol, Sort>,
) -> Result<Id, String> {
    let mut go = |t: &Term, ast: &mut RecExpr<ENodeOrVar<Expr>>| build(t, ast, bound, vars);
    let node = match t {
        Term::Bound(i) => {
            let v = bound(*i)?;
            return Ok(ast.add(ENodeOrVar::Var(v)));
        }
        Term::Free(x, s) => {
            let sym = Symbol::from(&**x);
            if let Some(old) = vars.insert(sym, s.clone()) {
                if &old != s {
                    return Err(format!("the variable `{x}` is used with two sorts"));
                }
            }
            Expr::Var(sym)
        }
        Term::Num(c) => Expr::Num((**c).clone()),
        Term::App(f, args) => {
            let mut ids = Vec::with_capacity(args.len());
            for a in args.iter() {
                ids.push(go(a, ast)?);
            }
            Expr::App(Head(Symbol::from(&**f)), ids.into_boxed_slice())
        }
        Term::Neg(a) => Expr::Neg([go(a, ast)?]),
        Term::Add(a, b) => Expr::Add([go(a, ast)?, go(b, ast)?]),
        Term::Sub(a, b) => Expr::Sub([go(a, ast)?, go(b, ast)?]),
        Term::Mul(a, b) => Expr::Mul([go(a, ast)?, go(b, ast)?]),
        Term::Div(a, c) => Expr::Div(DivBy((**c).clone()), [go(a, ast)?]),
        Term::Pow(a, n) => Expr::Pow(PowBy(*n), [go(a, ast)?]),
    };
    Ok(ast.add(ENodeOrVar::ENode(node)))
}

/// The kernel term of node `node` over the children `kids`.
fn term_of(node: &Expr, kids: &[Term], vars: &HashMap<Symbol, Sort>) -> Result<Term> {
    let arc = |i: usize| -> Result<Arc<Term>> {
        kids.get(i)
            .cloned()
            .map(Arc::new)
            .ok_or_else(|| ProverError::Replay { reason: format!("the node {node} lacks child {i}") })
    };
    Ok(match node {
        Expr::Add(_) => Term::Add(arc(0)?, arc(1)?),
        Expr::Sub(_) => Term::Sub(arc(0)?, arc(1)?),
        Expr::Mul(_) => Term::Mul(arc(0)?, arc(1)?),
        Expr::Neg(_) => Term::Neg(arc(0)?),
        Expr::Div(c, _) => Term::Div(arc(0)?, Arc::new(c.0.clone())),
        Expr::Pow(n, _) => Term::Pow(arc(0)?, n.0),
        Expr::Num(c) => Term::Num(Arc::new(c.clone())),
        Expr::Var(x) => {
            let s = vars
                .get(x)
                .ok_or_else(|| ProverError::Replay { reason: format!("the variable `{x}` has no sort") })?;
            Term::Free(warrant_kernel::name(x.as_str()), s.clone())
        }
        Expr::App(f, _) => Term::App(warrant_kernel::name(f.0.as_str()), Arc::from(kids.to_vec())),
    })
}

/// Replays one explanation as kernel steps.
struct Replay<'r, 'b, 'a, 'd> {
    rewriter: &'r Rewriter,
    b: &'b mut ProofBuilder<'a>,
    vars: &'r HashMap<Symbol, Sort>,
    memo: HashMap<*const TreeTerm<Expr>, (Term, Term, Option<StepId>)>,
    steps: usize,
    max_steps: usize,
    discharge: &'d mut Discharge<'d, 'a>,
}

impl<'a> Replay<'_, '_, 'a, '_> {
    fn add(&mut self, step: Step) -> Result<StepId> {
        self.steps += 1;
        if self.steps > self.max_steps {
            return Err(ProverError::Limit { bound: Bound::ReplaySteps, limit: self.max_steps as u64 });
        }
        self.b.add(step)
    }

    fn trans(&mut self, a: Option<StepId>, c: Option<StepId>) -> Result<Option<StepId>> {
        Ok(match (a, c) {
            (None, x) | (x, None) => x,
            (Some(left), Some(right)) => Some(self.add(Step::Trans { left, right })?),
        })
    }

    /// A chain of tree terms: its first term, its last term, and a proof they are
    /// equal (`None` when they are the same term).
    fn chain(&mut self, seq: &[Rc<TreeTerm<Expr>>]) -> Result<(Term, Term, Option<StepId>)> {
        let first =
            seq.first().ok_or_else(|| ProverError::Replay { reason: "an empty explanation".into() })?;
        let (init, mut cur, mut proof) = self.tree(first)?;
        for t in &seq[1..] {
            let (t_init, t_last, t_proof) = self.tree(t)?;
            let join = if let Some(rule) = t.forward_rule {
                Some(self.instance(rule, &cur, &t_init)?)
            } else if let Some(rule) = t.backward_rule {
                let s = self.instance(rule, &t_init, &cur)?;
                Some(self.add(Step::Symm { from: s })?)
            } else if cur == t_init {
                None
            } else {
                return Err(ProverError::Replay {
                    reason: format!(
                        "consecutive terms {} and {} are joined by no rule",
                        term_to_string(&cur),
                        term_to_string(&t_init)
                    ),
                });
            };
            proof = self.trans(proof, join)?;
            proof = self.trans(proof, t_proof)?;
            cur = t_last;
        }
        Ok((init, cur, proof))
    }

    /// One tree term: congruence over its children's chains.
    fn tree(&mut self, t: &Rc<TreeTerm<Expr>>) -> Result<(Term, Term, Option<StepId>)> {
        let key = Rc::as_ptr(t);
        if let Some(r) = self.memo.get(&key) {
            return Ok(r.clone());
        }
        let mut inits = Vec::with_capacity(t.child_proofs.len());
        let mut lasts = Vec::with_capacity(t.child_proofs.len());
        let mut proofs = Vec::with_capacity(t.child_proofs.len());
        for child in &t.child_proofs {
            let (i, l, p) = self.chain(child)?;
            inits.push(i);
            lasts.push(l);
            proofs.push(p);
        }
        let init = term_of(&t.node, &inits, self.vars)?;
        let last = if proofs.iter().all(Option::is_none) {
            init.clone()
        } else {
            term_of(&t.node, &lasts, self.vars)?
        };
        let mut proof = None;
        for (k, p) in proofs.iter().enumerate() {
            let Some(p) = *p else { continue };
            let mut kids: Vec<Term> = lasts[..k].to_vec();
            kids.push(Term::Bound(0));
            kids.extend_from_slice(&inits[k + 1..]);
            let context = term_of(&t.node, &kids, self.vars)?;
            let hole = sort_of(self.b.signature(), &inits[k]).ok_or_else(|| ProverError::Replay {
                reason: format!("the term {} has no sort", term_to_string(&inits[k])),
            })?;
            let lifted = self.add(Step::Congruence { hole, context, from: p })?;
            proof = self.trans(proof, Some(lifted))?;
        }
        let r = (init, last, proof);
        self.memo.insert(key, r.clone());
        Ok(r)
    }

    /// A proof of `from = to`, where the rewrite `rule` turned `from` into `to`.
    fn instance(&mut self, rule: Symbol, from: &Term, to: &Term) -> Result<StepId> {
        if rule.as_str() == CONSTANT_FOLD {
            let mut atoms = Atoms::new(self.b.signature().limits().max_degree);
            if atoms.difference(from, to)?.as_constant() != Some(Default::default()) {
                return Err(ProverError::Replay {
                    reason: format!(
                        "constant folding of {} to {} is wrong",
                        term_to_string(from),
                        term_to_string(to)
                    ),
                });
            }
            return self.add(Step::Ring { lhs: from.clone(), rhs: to.clone() });
        }
        let &(index, forward) = self.rewriter.names.get(&rule).ok_or_else(|| ProverError::Replay {
            reason: format!("the explanation names the unknown rule `{rule}`"),
        })?;
        let r = &self.rewriter.rules[index];
        let n = r.vars.len();
        let (src, dst) = if forward { (from, to) } else { (to, from) };
        let mut sigma: Vec<Option<Term>> = vec![None; n];
        if !matches(&r.lhs, src, n, &mut sigma) || !matches(&r.rhs, dst, n, &mut sigma) {
            return Err(ProverError::Replay {
                reason: format!(
                    "`{}` does not rewrite {} to {}",
                    r.name,
                    term_to_string(src),
                    term_to_string(dst)
                ),
            });
        }
        let args: Vec<Term> = sigma.into_iter().collect::<Option<_>>().ok_or_else(|| {
            ProverError::Replay { reason: format!("an instance of `{}` leaves a variable open", r.name) }
        })?;
        let mut id = match &r.origin {
            RuleOrigin::Fact(kind) => {
                let (name, args) = (r.name.clone(), args);
                self.add(match kind {
                    FactKind::Axiom => Step::Axiom { name, args },
                    FactKind::Theorem => Step::Theorem { name, args },
                    FactKind::Definition => Step::Unfold { name, args },
                })?
            }
            RuleOrigin::Step(s) => {
                let mut id = *s;
                for term in args {
                    id = self.add(Step::ForallElim { from: id, term })?;
                }
                id
            }
        };
        for _ in 0..r.conditions {
            let Formula::Implies(c, _) = self.b.conclusion(id)?.clone() else {
                return Err(ProverError::Internal("a condition is missing".into()));
            };
            let proved = (self.discharge)(self.b, &c).map_err(|e| match e {
                // A bound hit stays a bound hit (a `limit`, not a wrong proof).
                ProverError::Limit { .. } => e,
                e => ProverError::SideCondition {
                    rule: r.name.to_string(),
                    condition: warrant_kernel::print::formula_to_string(&c),
                    reason: e.to_string(),
                },
            })?;
            id = self.add(Step::ImpElim { implication: id, argument: proved })?;
        }
        let lines_up = matches!(self.b.conclusion(id)?, Formula::Eq(l, r) if l == src && r == dst);
        if !lines_up {
            return Err(ProverError::Replay {
                reason: format!("the instance of `{}` proves something else", r.name),
            });
        }
        if forward {
            Ok(id)
        } else {
            self.add(Step::Symm { from: id })
        }
    }
}

/// Matches the rule side `p` (quantified variables as `Bound`) against `t`.
fn matches(p: &Term, t: &Term, n: usize, sigma: &mut [Option<Term>]) -> bool {
    match (p, t) {
        (Term::Bound(i), _) => {
            let Some(k) = n.checked_sub(*i as usize + 1) else {
                return false;
            };
            match &sigma[k] {
                Some(old) => old == t,
                None => {
                    sigma[k] = Some(t.clone());
                    true
                }
            }
        }
        (Term::App(f, xs), Term::App(g, ys)) => {
            f == g && xs.len() == ys.len() && xs.iter().zip(ys.iter()).all(|(x, y)| matches(x, y, n, sigma))
        }
        (Term::Neg(a), Term::Neg(b)) => matches(a, b, n, sigma),
        (Term::Div(a, c), Term::Div(b, d)) => c == d && matches(a, b, n, sigma),
        (Term::Pow(a, e), Term::Pow(b, f)) => e == f && matches(a, b, n, sigma),
        (Term::Add(a, b), Term::Add(c, d))
        | (Term::Sub(a, b), Term::Sub(c, d))
        | (Term::Mul(a, b), Term::Mul(c, d)) => matches(a, c, n, sigma) && matches(b, d, n, sigma),
        _ => p == t,
    }
}
