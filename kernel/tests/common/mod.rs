//! Shared fixtures for the kernel's integration tests: a small signature, term and
//! formula helpers, and wrappers around `check` that unpack the outcome.
#![allow(dead_code)]

use warrant_kernel::*;

/// The declared sort `M`.
pub fn m() -> Sort {
    Sort::Named(name("M"))
}

/// The free variable `n: M`.
pub fn var(n: &str) -> Term {
    Term::free(n, m())
}

/// The free variable `n: Rat`.
pub fn rvar(n: &str) -> Term {
    Term::free(n, Sort::Rat)
}

/// The constant `c: M`.
pub fn c() -> Term {
    Term::constant("c")
}

/// `g(t)`, with `g: M -> M`.
pub fn g(t: Term) -> Term {
    Term::app("g", vec![t])
}

/// `r(t)`, with `r: M -> Rat`.
pub fn r(t: Term) -> Term {
    Term::app("r", vec![t])
}

/// `p(t)`, with `p` a predicate on `M`.
pub fn p(t: Term) -> Formula {
    Formula::pred("p", vec![t])
}

/// The nullary predicates `q` and `s`.
pub fn q() -> Formula {
    Formula::pred("q", vec![])
}
pub fn s() -> Formula {
    Formula::pred("s", vec![])
}

pub fn int(n: i64) -> Term {
    Term::int(n)
}

/// The test signature:
/// ```text
/// sort M; fn c: M; fn g(M): M; fn r(M): Rat; pred p(M); pred q; pred s
/// axiom p_g: forall x: M. p(x) -> p(g(x))
/// axiom q_holds: q
/// def double(y: Rat): Rat = y + y
/// def positive(y: Rat) <-> 0 < y
/// ```
pub fn sig() -> Signature {
    let mut sig = Signature::new();
    for d in base_declarations() {
        sig.declare(d).expect("the test signature is well-formed");
    }
    sig
}

pub fn base_declarations() -> Vec<Declaration> {
    let y = rvar("y");
    vec![
        Declaration::Sort { name: name("M") },
        Declaration::Function { name: name("c"), params: vec![], result: m() },
        Declaration::Function { name: name("g"), params: vec![m()], result: m() },
        Declaration::Function { name: name("r"), params: vec![m()], result: Sort::Rat },
        Declaration::Predicate { name: name("p"), params: vec![m()] },
        Declaration::Predicate { name: name("q"), params: vec![] },
        Declaration::Predicate { name: name("s"), params: vec![] },
        Declaration::Axiom {
            name: name("p_g"),
            statement: Formula::forall("x", m(), &Formula::implies(p(var("x")), p(g(var("x"))))),
        },
        Declaration::Axiom { name: name("q_holds"), statement: q() },
        Declaration::DefineFunction {
            name: name("double"),
            params: vec![(name("y"), Sort::Rat)],
            result: Sort::Rat,
            body: Term::add(y.clone(), y.clone()),
        },
        Declaration::DefinePredicate {
            name: name("positive"),
            params: vec![(name("y"), Sort::Rat)],
            body: Formula::lt(int(0), y),
        },
    ]
}

/// A context with the given variables and named hypotheses.
pub fn ctx(vars: &[(&str, Sort)], hyps: &[(&str, Formula)]) -> Context {
    Context {
        variables: vars.iter().map(|(n, s)| (name(n), s.clone())).collect(),
        hypotheses: hyps.iter().map(|(n, f)| (name(n), f.clone())).collect(),
    }
}

/// The empty context.
pub fn empty() -> Context {
    Context::default()
}

/// Checks `steps`, expecting acceptance.
pub fn accept(sig: &Signature, ctx: &Context, steps: Vec<Step>) -> Theorem {
    match check(sig, ctx, &Proof { steps }) {
        Ok(t) => t,
        Err(e) => panic!("expected acceptance, got: {e}"),
    }
}

/// Checks `steps`, expecting a refusal; returns it whole.
pub fn refuse(sig: &Signature, ctx: &Context, steps: Vec<Step>) -> KernelError {
    match check(sig, ctx, &Proof { steps }) {
        Ok(t) => panic!("expected a refusal, got {}", t.conclusion()),
        Err(e) => e,
    }
}

/// Checks `steps`, expecting a refusal at a step; returns (step, rule, inner error).
pub fn refuse_at(sig: &Signature, ctx: &Context, steps: Vec<Step>) -> (usize, &'static str, KernelError) {
    match refuse(sig, ctx, steps) {
        KernelError::Step { step, rule, error } => (step, rule, *error),
        e => panic!("expected a step error, got {e:?}"),
    }
}

/// The parts of a binder `Q x: s. body`.
pub fn binder(f: &Formula) -> (Hint, Sort, Formula) {
    match f {
        Formula::Forall(h, s, b) | Formula::Exists(h, s, b) => (h.clone(), s.clone(), (**b).clone()),
        other => panic!("not a binder: {other}"),
    }
}

pub fn rat(n: i64, d: i64) -> Rat {
    Rat::frac(n, d).expect("nonzero denominator")
}
