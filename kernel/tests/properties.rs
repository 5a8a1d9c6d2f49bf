//! Property tests of the kernel.
//!
//! 1. `ring` agrees with an independent polynomial normaliser written here, and every
//!    equation it accepts holds at random rational points; generated identities
//!    (commuting, distributing, expanding) are accepted.
//! 2. Random proofs, built by a random walk that applies rules to earlier steps'
//!    conclusions (and sometimes breaks their side conditions), over a small signature:
//!    whatever the checker accepts is true in random finite interpretations under every
//!    assignment that makes its hypotheses true.
//! 3. Proofs and formulas survive a JSON round trip.
//! 4. Arbitrary JSON decoded as a proof and checked never panics.

mod common;

use common::*;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;
use std::collections::BTreeMap;
use warrant_kernel::*;

type Q = BigRational;

/// A small deterministic generator, seeded by proptest.
struct Rng(u64);
impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
    fn small_rat(&mut self) -> Q {
        let n = self.below(9) as i64 - 4;
        let d = self.pick(&[1i64, 1, 2, 3]);
        Q::new(BigInt::from(n), BigInt::from(d))
    }
}

fn to_rat(q: &Q) -> Rat {
    Rat::from_big(q.clone())
}

fn num(q: &Q) -> Term {
    Term::num(to_rat(q))
}

// ---------------------------------------------------------------------------
// 1. Ring normal forms
// ---------------------------------------------------------------------------

const RVARS: [&str; 3] = ["x", "y", "z"];

fn rterm(rng: &mut Rng, depth: u32) -> Term {
    if depth == 0 || rng.chance(25) {
        return if rng.chance(60) { rvar(RVARS[rng.below(3)]) } else { num(&rng.small_rat()) };
    }
    let d = depth - 1;
    match rng.below(7) {
        0 | 1 => Term::add(rterm(rng, d), rterm(rng, d)),
        2 => Term::sub(rterm(rng, d), rterm(rng, d)),
        3 | 4 => Term::mul(rterm(rng, d), rterm(rng, d)),
        5 => Term::neg(rterm(rng, d)),
        _ => {
            if rng.chance(50) {
                Term::pow(rterm(rng, d), rng.below(4) as u32)
            } else {
                let c = rng.pick(&[1i64, 2, -3, 5]);
                Term::div(rterm(rng, d), Rat::int(c))
            }
        }
    }
}

/// An algebraically equal term, by random local rewrites.
fn rewrite(rng: &mut Rng, t: &Term) -> Term {
    let t = match t {
        Term::Add(a, b) => Term::add(rewrite(rng, a), rewrite(rng, b)),
        Term::Sub(a, b) => Term::sub(rewrite(rng, a), rewrite(rng, b)),
        Term::Mul(a, b) => Term::mul(rewrite(rng, a), rewrite(rng, b)),
        Term::Neg(a) => Term::neg(rewrite(rng, a)),
        Term::Pow(a, n) => Term::pow(rewrite(rng, a), *n),
        Term::Div(a, c) => Term::div(rewrite(rng, a), (**c).clone()),
        other => other.clone(),
    };
    match (&t, rng.below(6)) {
        (Term::Add(a, b), 0) => Term::add((**b).clone(), (**a).clone()),
        (Term::Mul(a, b), 0) => Term::mul((**b).clone(), (**a).clone()),
        (Term::Mul(a, b), 1) => match &**b {
            Term::Add(c, d) => {
                Term::add(Term::mul((**a).clone(), (**c).clone()), Term::mul((**a).clone(), (**d).clone()))
            }
            _ => t.clone(),
        },
        (Term::Sub(a, b), 1) => Term::add((**a).clone(), Term::neg((**b).clone())),
        (Term::Pow(a, n), 1) if *n > 0 => Term::mul((**a).clone(), Term::pow((**a).clone(), n - 1)),
        (Term::Div(a, c), 1) => Term::mul((**a).clone(), Term::num(Rat::from_big(c.to_big().recip()))),
        (Term::Neg(a), 2) => Term::mul(Term::int(-1), (**a).clone()),
        (_, 3) => Term::add(t.clone(), Term::int(0)),
        (_, 4) => Term::mul(Term::int(1), t.clone()),
        _ => t,
    }
}

/// An independent normal form: exponent vectors over x, y, z to coefficients.
type NF = BTreeMap<[u32; 3], Q>;

fn nf_add(p: &NF, q: &NF, sign: i64) -> NF {
    let mut out = p.clone();
    for (m, k) in q {
        let e = out.entry(*m).or_insert_with(Q::zero);
        *e += k * Q::from_integer(BigInt::from(sign));
    }
    out.retain(|_, k| !k.is_zero());
    out
}

fn nf_mul(p: &NF, q: &NF) -> NF {
    let mut out = NF::new();
    for (m1, k1) in p {
        for (m2, k2) in q {
            let m = [m1[0] + m2[0], m1[1] + m2[1], m1[2] + m2[2]];
            *out.entry(m).or_insert_with(Q::zero) += k1 * k2;
        }
    }
    out.retain(|_, k| !k.is_zero());
    out
}

fn nf_const(q: Q) -> NF {
    let mut out = NF::new();
    if !q.is_zero() {
        out.insert([0, 0, 0], q);
    }
    out
}

fn nf(t: &Term) -> NF {
    match t {
        Term::Free(n, _) => {
            let i = RVARS.iter().position(|v| **v == **n).expect("a ring variable");
            let mut m = [0; 3];
            m[i] = 1;
            BTreeMap::from([(m, Q::one())])
        }
        Term::Num(c) => nf_const(c.to_big()),
        Term::Add(a, b) => nf_add(&nf(a), &nf(b), 1),
        Term::Sub(a, b) => nf_add(&nf(a), &nf(b), -1),
        Term::Mul(a, b) => nf_mul(&nf(a), &nf(b)),
        Term::Neg(a) => nf_add(&NF::new(), &nf(a), -1),
        Term::Div(a, c) => nf_mul(&nf(a), &nf_const(c.to_big().recip())),
        Term::Pow(a, n) => {
            let base = nf(a);
            (0..*n).fold(nf_const(Q::one()), |acc, _| nf_mul(&acc, &base))
        }
        other => panic!("not a ring term: {other:?}"),
    }
}

fn rpow(q: &Q, n: u32) -> Q {
    (0..n).fold(Q::one(), |acc, _| acc * q)
}

fn eval_ring(t: &Term, point: &[Q; 3]) -> Q {
    match t {
        Term::Free(n, _) => point[RVARS.iter().position(|v| **v == **n).unwrap()].clone(),
        Term::Num(c) => c.to_big(),
        Term::Add(a, b) => eval_ring(a, point) + eval_ring(b, point),
        Term::Sub(a, b) => eval_ring(a, point) - eval_ring(b, point),
        Term::Mul(a, b) => eval_ring(a, point) * eval_ring(b, point),
        Term::Neg(a) => -eval_ring(a, point),
        Term::Div(a, c) => eval_ring(a, point) / c.to_big(),
        Term::Pow(a, n) => rpow(&eval_ring(a, point), *n),
        other => panic!("not a ring term: {other:?}"),
    }
}

fn ring_ctx() -> Context {
    ctx(&[("x", Sort::Rat), ("y", Sort::Rat), ("z", Sort::Rat)], &[])
}

fn ring_check(lhs: &Term, rhs: &Term) -> Result<Theorem, KernelError> {
    let proof = Proof { steps: vec![Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() }] };
    check(&Signature::new(), &ring_ctx(), &proof)
}

fn random_points(rng: &mut Rng) -> Vec<[Q; 3]> {
    (0..4).map(|_| [rng.small_rat(), rng.small_rat(), rng.small_rat()]).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// For random pairs, and pairs made equal on purpose: the kernel's verdict is the
    /// independent normaliser's, and accepted equations hold at random points.
    #[test]
    fn ring_agrees_with_evaluation(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let t = rterm(&mut rng, 4);
        let u = match rng.below(3) {
            0 => rterm(&mut rng, 4),
            1 => rewrite(&mut rng, &t),
            // Equal except possibly for a small perturbation.
            _ => {
                let w = rterm(&mut rng, 2);
                let w2 = if rng.chance(50) { rewrite(&mut rng, &w) } else { rterm(&mut rng, 2) };
                Term::add(rewrite(&mut rng, &t), Term::sub(w, w2))
            }
        };
        let expected = nf(&t) == nf(&u);
        match ring_check(&t, &u) {
            Ok(thm) => {
                prop_assert!(expected, "ring accepted {t} = {u}, which the test's normaliser refutes");
                prop_assert_eq!(thm.conclusion(), &Formula::eq(t.clone(), u.clone()));
                for point in random_points(&mut rng) {
                    prop_assert_eq!(eval_ring(&t, &point), eval_ring(&u, &point), "{} = {}", t, u);
                }
            }
            Err(e) => {
                prop_assert!(!expected, "ring refused the identity {t} = {u}: {e}");
                prop_assert!(matches!(e.root(), KernelError::RingMismatch { .. }), "{e:?}");
            }
        }
    }

    /// Rewritten terms and full expansions are accepted.
    #[test]
    fn ring_accepts_generated_identities(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let t = rterm(&mut rng, 4);
        let once = rewrite(&mut rng, &t);
        let u = rewrite(&mut rng, &once);
        prop_assert!(ring_check(&t, &u).is_ok(), "{} = {}", t, u);
        // The expansion, written back as a sum of monomials.
        let expansion = nf(&t)
            .iter()
            .map(|(m, k)| {
                let mut term = num(k);
                for (i, e) in m.iter().enumerate() {
                    if *e > 0 {
                        term = Term::mul(term, Term::pow(rvar(RVARS[i]), *e));
                    }
                }
                term
            })
            .fold(Term::int(0), Term::add);
        prop_assert!(ring_check(&t, &expansion).is_ok(), "{} = {}", t, expansion);
    }
}

// ---------------------------------------------------------------------------
// 2. Random proofs against random finite interpretations
// ---------------------------------------------------------------------------

/// An interpretation of the test signature (see `common::sig`) that satisfies its
/// axioms: `p` is closed under `g`, and `q` holds.
struct Model {
    size: usize,
    c: usize,
    g: Vec<usize>,
    r: Vec<Q>,
    p: Vec<bool>,
    s: bool,
}

impl Model {
    fn random(rng: &mut Rng) -> Model {
        let size = 1 + rng.below(3);
        let g: Vec<usize> = (0..size).map(|_| rng.below(size)).collect();
        let mut p: Vec<bool> = (0..size).map(|_| rng.chance(50)).collect();
        // Close p under g, for the axiom p_g.
        for _ in 0..size {
            for e in 0..size {
                if p[e] {
                    p[g[e]] = true;
                }
            }
        }
        Model {
            size,
            c: rng.below(size),
            g,
            r: (0..size).map(|_| rng.small_rat()).collect(),
            p,
            s: rng.chance(50),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    M(usize),
    R(Q),
}

/// Values of the free variables.
type Assignment = Vec<(Name, Val)>;

fn eval_t(m: &Model, a: &Assignment, bound: &[usize], t: &Term) -> Option<Val> {
    let rat = |t: &Term| match eval_t(m, a, bound, t)? {
        Val::R(q) => Some(q),
        Val::M(_) => None,
    };
    Some(match t {
        Term::Bound(i) => Val::M(*bound.get(bound.len().checked_sub(1 + *i as usize)?)?),
        Term::Free(n, _) => a.iter().find(|(v, _)| v == n)?.1.clone(),
        Term::Num(c) => Val::R(c.to_big()),
        Term::App(f, args) => match (&**f, args.len()) {
            ("c", 0) => Val::M(m.c),
            ("g", 1) => match eval_t(m, a, bound, &args[0])? {
                Val::M(e) => Val::M(m.g[e]),
                _ => return None,
            },
            ("r", 1) => match eval_t(m, a, bound, &args[0])? {
                Val::M(e) => Val::R(m.r[e].clone()),
                _ => return None,
            },
            ("double", 1) => {
                let v = rat(&args[0])?;
                Val::R(&v + &v)
            }
            _ => return None,
        },
        Term::Neg(x) => Val::R(-rat(x)?),
        Term::Add(x, y) => Val::R(rat(x)? + rat(y)?),
        Term::Sub(x, y) => Val::R(rat(x)? - rat(y)?),
        Term::Mul(x, y) => Val::R(rat(x)? * rat(y)?),
        Term::Div(x, c) => Val::R(rat(x)? / c.to_big()),
        Term::Pow(x, n) => Val::R(rpow(&rat(x)?, *n)),
    })
}

/// The truth of `f`; `None` when it cannot be decided here (a quantifier over `Rat`)
/// or does not evaluate.
fn eval_f(m: &Model, a: &Assignment, bound: &mut Vec<usize>, f: &Formula) -> Option<bool> {
    let rat = |t: &Term, bound: &[usize]| match eval_t(m, a, bound, t)? {
        Val::R(q) => Some(q),
        Val::M(_) => None,
    };
    Some(match f {
        Formula::True => true,
        Formula::False => false,
        Formula::Eq(x, y) => eval_t(m, a, bound, x)? == eval_t(m, a, bound, y)?,
        Formula::Le(x, y) => rat(x, bound)? <= rat(y, bound)?,
        Formula::Lt(x, y) => rat(x, bound)? < rat(y, bound)?,
        Formula::Pred(p, args) => match (&**p, args.len()) {
            ("p", 1) => match eval_t(m, a, bound, &args[0])? {
                Val::M(e) => m.p[e],
                _ => return None,
            },
            ("q", 0) => true,
            ("s", 0) => m.s,
            ("positive", 1) => rat(&args[0], bound)?.is_positive(),
            _ => return None,
        },
        Formula::Not(x) => !eval_f(m, a, bound, x)?,
        Formula::And(x, y) => eval_f(m, a, bound, x)? & eval_f(m, a, bound, y)?,
        Formula::Or(x, y) => eval_f(m, a, bound, x)? | eval_f(m, a, bound, y)?,
        Formula::Implies(x, y) => !eval_f(m, a, bound, x)? | eval_f(m, a, bound, y)?,
        Formula::Iff(x, y) => eval_f(m, a, bound, x)? == eval_f(m, a, bound, y)?,
        Formula::Forall(_, s, body) | Formula::Exists(_, s, body) => {
            if *s != common::m() {
                return None;
            }
            let mut values = Vec::with_capacity(m.size);
            for e in 0..m.size {
                bound.push(e);
                let v = eval_f(m, a, bound, body);
                bound.pop();
                values.push(v?);
            }
            if matches!(f, Formula::Forall(..)) {
                values.iter().all(|v| *v)
            } else {
                values.iter().any(|v| *v)
            }
        }
    })
}

const MVARS: [&str; 2] = ["x", "y"];
const QVARS: [&str; 2] = ["a", "b"];

fn walk_vars() -> Vec<(Name, Sort)> {
    let mut v: Vec<(Name, Sort)> = MVARS.iter().map(|n| (name(n), m())).collect();
    v.extend(QVARS.iter().map(|n| (name(n), Sort::Rat)));
    v
}

/// Random terms and formulas of the test signature. `scope` names the variables of
/// enclosing binders (closed afterwards).
struct Gen<'r> {
    rng: &'r mut Rng,
}

impl Gen<'_> {
    fn mterm(&mut self, depth: u32, scope: &[String]) -> Term {
        let r = self.rng.below(6);
        if depth == 0 || r < 3 {
            if !scope.is_empty() && self.rng.chance(50) {
                return var(&self.rng.pick(scope));
            }
            return match self.rng.below(3) {
                0 => var(MVARS[0]),
                1 => var(MVARS[1]),
                _ => c(),
            };
        }
        g(self.mterm(depth - 1, scope))
    }

    fn qterm(&mut self, depth: u32, scope: &[String]) -> Term {
        if depth == 0 || self.rng.chance(35) {
            return match self.rng.below(4) {
                0 => rvar(QVARS[0]),
                1 => rvar(QVARS[1]),
                2 => r(self.mterm(1, scope)),
                _ => num(&self.rng.small_rat()),
            };
        }
        let d = depth - 1;
        match self.rng.below(5) {
            0 => Term::add(self.qterm(d, scope), self.qterm(d, scope)),
            1 => Term::sub(self.qterm(d, scope), self.qterm(d, scope)),
            2 => Term::mul(self.qterm(d, scope), self.qterm(d, scope)),
            3 => Term::neg(self.qterm(d, scope)),
            _ => Term::app("double", vec![self.qterm(d, scope)]),
        }
    }

    fn formula(&mut self, depth: u32, scope: &mut Vec<String>) -> Formula {
        if depth == 0 || self.rng.chance(30) {
            return match self.rng.below(8) {
                0 => p(self.mterm(2, scope)),
                1 => q(),
                2 => s(),
                3 => Formula::pred("positive", vec![self.qterm(1, scope)]),
                4 => Formula::eq(self.mterm(2, scope), self.mterm(2, scope)),
                5 => Formula::eq(self.qterm(1, scope), self.qterm(1, scope)),
                6 => Formula::le(self.qterm(2, scope), self.qterm(2, scope)),
                _ => Formula::lt(self.qterm(2, scope), self.qterm(2, scope)),
            };
        }
        let d = depth - 1;
        match self.rng.below(7) {
            0 => Formula::not(self.formula(d, scope)),
            1 => Formula::and(self.formula(d, scope), self.formula(d, scope)),
            2 => Formula::or(self.formula(d, scope), self.formula(d, scope)),
            3 => Formula::implies(self.formula(d, scope), self.formula(d, scope)),
            4 => Formula::iff(self.formula(d, scope), self.formula(d, scope)),
            k => {
                let z = format!("z{}", scope.len());
                scope.push(z.clone());
                let body = self.formula(d, scope);
                scope.pop();
                if k == 5 {
                    Formula::forall(&z, m(), &body)
                } else {
                    Formula::exists(&z, m(), &body)
                }
            }
        }
    }
}

/// Replaces every occurrence of the locally closed term `t` in `f` by the bound
/// variable of a new binder around `f`.
fn abstract_f(f: &Formula, t: &Term, depth: u32) -> Formula {
    let at = |x: &Term| abstract_t(x, t, depth);
    let af = |x: &Formula| std::sync::Arc::new(abstract_f(x, t, depth));
    match f {
        Formula::True | Formula::False => f.clone(),
        Formula::Eq(x, y) => Formula::Eq(at(x), at(y)),
        Formula::Le(x, y) => Formula::Le(at(x), at(y)),
        Formula::Lt(x, y) => Formula::Lt(at(x), at(y)),
        Formula::Pred(p, args) => Formula::Pred(p.clone(), args.iter().map(at).collect()),
        Formula::Not(x) => Formula::Not(af(x)),
        Formula::And(x, y) => Formula::And(af(x), af(y)),
        Formula::Or(x, y) => Formula::Or(af(x), af(y)),
        Formula::Implies(x, y) => Formula::Implies(af(x), af(y)),
        Formula::Iff(x, y) => Formula::Iff(af(x), af(y)),
        Formula::Forall(h, s, b) => {
            Formula::Forall(h.clone(), s.clone(), std::sync::Arc::new(abstract_f(b, t, depth + 1)))
        }
        Formula::Exists(h, s, b) => {
            Formula::Exists(h.clone(), s.clone(), std::sync::Arc::new(abstract_f(b, t, depth + 1)))
        }
    }
}

fn abstract_t(x: &Term, t: &Term, depth: u32) -> Term {
    if x == t {
        return Term::Bound(depth);
    }
    let a = |y: &Term| std::sync::Arc::new(abstract_t(y, t, depth));
    match x {
        Term::App(f, args) => Term::App(f.clone(), args.iter().map(|y| abstract_t(y, t, depth)).collect()),
        Term::Neg(y) => Term::Neg(a(y)),
        Term::Add(y, z) => Term::Add(a(y), a(z)),
        Term::Sub(y, z) => Term::Sub(a(y), a(z)),
        Term::Mul(y, z) => Term::Mul(a(y), a(z)),
        Term::Div(y, c) => Term::Div(a(y), c.clone()),
        Term::Pow(y, n) => Term::Pow(a(y), *n),
        other => other.clone(),
    }
}

fn is_m_term(t: &Term) -> bool {
    match t {
        Term::Free(_, s) => *s == m(),
        Term::App(f, _) => &**f == "c" || &**f == "g",
        _ => false,
    }
}

/// What the walk produced: the accepted prefixes' theorems, and counts.
struct Walk {
    proof: Proof,
    context: Context,
    theorems: Vec<Theorem>,
    refused: usize,
}

/// Builds a proof step by step. Each candidate step is checked (as the last step of
/// the proof so far, in a context holding every assumption made); refused candidates
/// are dropped, accepted ones kept, and their theorems returned for the oracle.
fn random_walk(rng: &mut Rng, attempts: usize) -> Walk {
    let sig = sig();
    let mut context = Context { variables: walk_vars(), hypotheses: vec![] };
    let mut steps: Vec<Step> = vec![];
    let mut concl: Vec<Formula> = vec![];
    let mut hyps: Vec<Vec<Formula>> = vec![];
    let mut theorems = vec![];
    let mut refused = 0;
    for _ in 0..3 {
        let f = Gen { rng }.formula(2, &mut vec![]);
        let n = name(&format!("h{}", context.hypotheses.len()));
        context.hypotheses.push((n, f));
    }
    for _ in 0..attempts {
        let Some(step) = candidate(rng, &steps, &concl, &hyps, &mut context) else {
            continue;
        };
        steps.push(step);
        match check(&sig, &context, &Proof { steps: steps.clone() }) {
            Ok(thm) => {
                concl.push(thm.conclusion().clone());
                hyps.push(thm.hypotheses().iter().map(|(_, h)| h.clone()).collect());
                theorems.push(thm);
            }
            Err(_) => {
                steps.pop();
                refused += 1;
            }
        }
    }
    Walk { proof: Proof { steps }, context, theorems, refused }
}

fn find(rng: &mut Rng, concl: &[Formula], ok: impl Fn(&Formula) -> bool) -> Option<usize> {
    let hits: Vec<usize> = (0..concl.len()).filter(|&i| ok(&concl[i])).collect();
    (!hits.is_empty()).then(|| rng.pick(&hits))
}

fn candidate(
    rng: &mut Rng,
    steps: &[Step],
    concl: &[Formula],
    hyps: &[Vec<Formula>],
    context: &mut Context,
) -> Option<Step> {
    let n = steps.len();
    let any = |rng: &mut Rng| (n > 0).then(|| rng.below(n));
    let assume = |f: Formula, context: &mut Context| {
        if !context.hypotheses.iter().any(|(_, h)| *h == f) {
            let n = name(&format!("h{}", context.hypotheses.len()));
            context.hypotheses.push((n, f.clone()));
        }
        Step::Assume { formula: f }
    };
    // Quantifier steps get extra weight: their side conditions are where soundness
    // bugs hide.
    let rule = match rng.below(36) {
        30 | 31 => 24,
        32..=35 => 25,
        r => r,
    };
    Some(match rule {
        0 => {
            let (h, _) = rng.pick(&context.hypotheses);
            Step::Hypothesis { name: h }
        }
        1 => {
            let f = Gen { rng }.formula(2, &mut vec![]);
            assume(f, context)
        }
        2 => {
            let x = Gen { rng }.mterm(2, &[]);
            Step::Axiom { name: name("p_g"), args: if rng.chance(80) { vec![x] } else { vec![] } }
        }
        3 => Step::Axiom { name: name("q_holds"), args: vec![] },
        4 => {
            let t = Gen { rng }.qterm(2, &[]);
            Step::Unfold { name: name(rng.pick(&["double", "positive"])), args: vec![t] }
        }
        5 => Step::TrueIntro,
        6 => Step::FalseElim {
            from: find(rng, concl, |f| *f == Formula::False).or_else(|| any(rng))?,
            goal: Gen { rng }.formula(2, &mut vec![]),
        },
        7 => Step::AndIntro { left: any(rng)?, right: any(rng)? },
        8 => Step::AndLeft { from: find(rng, concl, |f| matches!(f, Formula::And(..)))? },
        9 => Step::AndRight { from: find(rng, concl, |f| matches!(f, Formula::And(..)))? },
        10 => Step::OrLeft { from: any(rng)?, right: Gen { rng }.formula(1, &mut vec![]) },
        11 => Step::OrRight { left: Gen { rng }.formula(1, &mut vec![]), from: any(rng)? },
        12 => {
            let from = find(rng, concl, |f| matches!(f, Formula::Or(..)))?;
            let left = any(rng)?;
            let same: Vec<usize> = (0..n).filter(|&i| concl[i] == concl[left]).collect();
            Step::OrElim { from, left, right: rng.pick(&same) }
        }
        13 | 14 => {
            let from = any(rng)?;
            // Discharge a hypothesis in the context (used or not), or anything.
            let assumption = if rng.chance(80) {
                rng.pick(&context.hypotheses).1
            } else {
                Gen { rng }.formula(1, &mut vec![])
            };
            Step::ImpIntro { assumption, from }
        }
        15 => {
            let implication = find(rng, concl, |f| matches!(f, Formula::Implies(..)))?;
            let Formula::Implies(x, _) = &concl[implication] else { unreachable!() };
            let argument = find(rng, concl, |f| f == &**x).or_else(|| any(rng))?;
            Step::ImpElim { implication, argument }
        }
        16 => Step::NotIntro {
            assumption: rng.pick(&context.hypotheses).1,
            from: find(rng, concl, |f| *f == Formula::False)?,
        },
        17 => {
            let negation = find(rng, concl, |f| matches!(f, Formula::Not(..)))?;
            let Formula::Not(x) = &concl[negation] else { unreachable!() };
            match find(rng, concl, |f| f == &**x) {
                Some(argument) => Step::NotElim { negation, argument },
                // Assume the negated formula to get a contradiction later.
                None => assume((**x).clone(), context),
            }
        }
        18 => {
            let forward = find(rng, concl, |f| matches!(f, Formula::Implies(..)))?;
            let backward = any(rng)?;
            Step::IffIntro { forward, backward }
        }
        19 => {
            let from = find(rng, concl, |f| matches!(f, Formula::Iff(..)))?;
            if rng.chance(50) {
                Step::IffForward { from }
            } else {
                Step::IffBackward { from }
            }
        }
        20 => Step::ExcludedMiddle { formula: Gen { rng }.formula(2, &mut vec![]) },
        21 | 22 => Step::ForallIntro {
            // Not checked here: the kernel must refuse when the variable is in a
            // hypothesis.
            variable: name(rng.pick(&MVARS)),
            sort: m(),
            from: any(rng)?,
        },
        23 => {
            let from = find(rng, concl, |f| matches!(f, Formula::Forall(..)))?;
            Step::ForallElim { from, term: Gen { rng }.mterm(2, &[]) }
        }
        24 => {
            let from = any(rng)?;
            let witness = rng.pick(&[var("x"), var("y"), c(), g(var("x"))]);
            let body = abstract_f(&concl[from], &witness, 0);
            Step::ExistsIntro { hint: Hint(name("w")), sort: m(), body, witness, from }
        }
        25 => {
            let from = find(rng, concl, |f| matches!(f, Formula::Exists(..)))?;
            let Formula::Exists(_, _, body) = &concl[from] else { unreachable!() };
            let v = rng.pick(&MVARS);
            let instance = open_formula(body, &var(v));
            // Steps resting on the instance: bodies for exists-elim, legal or not (their
            // conclusions often mention the eigenvariable).
            let users: Vec<usize> = (0..n).filter(|&i| hyps[i].contains(&instance)).collect();
            if users.is_empty() || rng.chance(15) {
                assume(instance, context)
            } else {
                let body = if rng.chance(85) { rng.pick(&users) } else { any(rng)? };
                Step::ExistsElim { from, variable: name(v), body }
            }
        }
        26 => match rng.below(4) {
            0 => Step::Refl { term: Gen { rng }.mterm(2, &[]) },
            1 => Step::Refl { term: Gen { rng }.qterm(2, &[]) },
            2 => Step::Symm { from: find(rng, concl, |f| matches!(f, Formula::Eq(..)))? },
            _ => {
                let left = find(rng, concl, |f| matches!(f, Formula::Eq(..)))?;
                let Formula::Eq(_, b) = &concl[left] else { unreachable!() };
                let right = find(rng, concl, |f| matches!(f, Formula::Eq(x, _) if x == b))?;
                Step::Trans { left, right }
            }
        },
        27 => {
            let from = find(rng, concl, |f| matches!(f, Formula::Eq(..)))?;
            let Formula::Eq(a, _) = &concl[from] else { unreachable!() };
            if rng.chance(50) {
                let hole = if is_m_term(a) { m() } else { Sort::Rat };
                let context = if hole == m() {
                    rng.pick(&[g(Term::Bound(0)), Term::add(r(Term::Bound(0)), rvar("a"))])
                } else {
                    rng.pick(&[
                        Term::mul(Term::Bound(0), Term::Bound(0)),
                        Term::app("double", vec![Term::sub(Term::Bound(0), rvar("b"))]),
                    ])
                };
                Step::Congruence { hole, context, from }
            } else {
                let target = any(rng)?;
                let hole = if is_m_term(a) { m() } else { Sort::Rat };
                Step::Substitute {
                    hole,
                    motive: abstract_f(&concl[target], a, 0),
                    equation: from,
                    from: target,
                }
            }
        }
        28 => {
            let mut g = Gen { rng };
            if g.rng.chance(70) {
                let t = g.qterm(3, &[]);
                let u = rewrite(g.rng, &t);
                Step::Ring { lhs: t, rhs: u }
            } else {
                Step::LeTotal { left: g.qterm(2, &[]), right: g.qterm(2, &[]) }
            }
        }
        _ => psatz_candidate(rng, concl)?,
    })
}

/// A certificate over up to two comparison facts, whose goal is built from the
/// certificate itself (sometimes with a wrong sign or a wrong strictness).
fn psatz_candidate(rng: &mut Rng, concl: &[Formula]) -> Option<Step> {
    if rng.chance(5) {
        // le-antisymm on a pair, if one exists.
        let le = find(rng, concl, |f| matches!(f, Formula::Le(..)))?;
        let ge = find(rng, concl, |f| matches!(f, Formula::Le(..)))?;
        return Some(Step::LeAntisymm { le, ge });
    }
    let is_fact = |f: &Formula| match f {
        Formula::Le(..) | Formula::Lt(..) => true,
        Formula::Eq(a, _) => !is_m_term(a),
        _ => false,
    };
    let mut facts = vec![];
    for _ in 0..rng.below(3) {
        if let Some(i) = find(rng, concl, is_fact) {
            facts.push(i);
        }
    }
    let diff = |i: usize| match &concl[i] {
        Formula::Le(a, b) | Formula::Lt(a, b) | Formula::Eq(a, b) => Term::sub(b.clone(), a.clone()),
        _ => unreachable!(),
    };
    let mut products = vec![];
    let mut sum = Term::int(0);
    for k in 0..facts.len() {
        let coefficient =
            if rng.chance(10) { Q::from_integer(BigInt::from(-1)) } else { rng.small_rat().abs() };
        let mut factors = vec![k];
        if rng.chance(30) {
            factors.push(rng.below(facts.len()));
        }
        let value = factors.iter().map(|&f| diff(facts[f])).reduce(Term::mul).unwrap();
        sum = Term::add(sum, Term::mul(num(&coefficient), value));
        products.push(Product { coefficient: to_rat(&coefficient), factors });
    }
    let mut squares = vec![];
    if rng.chance(40) {
        let base = Gen { rng }.qterm(1, &[]);
        sum = Term::add(sum, Term::pow(base.clone(), 2));
        squares.push(Square { coefficient: Rat::one(), base });
    }
    let slack = rng.pick(&[-1i64, 0, 0, 1]);
    let rhs = Term::add(sum, Term::int(slack));
    let goal = if rng.chance(50) { Formula::le(Term::int(0), rhs) } else { Formula::lt(Term::int(0), rhs) };
    Some(Step::Psatz { goal, facts, products, squares })
}

/// Is `thm` true in `model` under every assignment of its variables (the `Rat` ones
/// sampled) that satisfies its hypotheses? Returns the number of assignments where
/// the conclusion could be evaluated with the hypotheses true.
fn holds(rng: &mut Rng, model: &Model, thm: &Theorem) -> Result<usize, String> {
    let mut decided = 0;
    for mx in 0..model.size {
        for my in 0..model.size {
            for _ in 0..3 {
                let a: Assignment = vec![
                    (name("x"), Val::M(mx)),
                    (name("y"), Val::M(my)),
                    (name("a"), Val::R(rng.small_rat())),
                    (name("b"), Val::R(rng.small_rat())),
                ];
                let mut hyps_true = true;
                for (_, h) in thm.hypotheses() {
                    if eval_f(model, &a, &mut vec![], h) != Some(true) {
                        hyps_true = false;
                    }
                }
                if !hyps_true {
                    continue;
                }
                match eval_f(model, &a, &mut vec![], thm.conclusion()) {
                    Some(true) => decided += 1,
                    Some(false) => {
                        return Err(format!(
                            "accepted but false: {} (hypotheses: {:?}) at {a:?}",
                            thm.conclusion(),
                            thm.hypotheses().iter().map(|(_, h)| h.to_string()).collect::<Vec<_>>()
                        ))
                    }
                    None => {}
                }
            }
        }
    }
    Ok(decided)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Soundness against finite interpretations: everything the walk got accepted
    /// is true in random models satisfying the axioms.
    #[test]
    fn accepted_random_proofs_are_true_in_finite_models(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let walk = random_walk(&mut rng, 40);
        for _ in 0..4 {
            let model = Model::random(&mut rng);
            for thm in &walk.theorems {
                if let Err(msg) = holds(&mut rng, &model, thm) {
                    prop_assert!(false, "{}\nproof: {:?}", msg, walk.proof);
                }
            }
        }
    }

    /// Proofs and their formulas survive a JSON round trip.
    #[test]
    fn json_round_trip(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let walk = random_walk(&mut rng, 25);
        let text = serde_json::to_string(&walk.proof).unwrap();
        let back: Proof = from_json(&text, &Limits::default()).unwrap();
        prop_assert_eq!(&back, &walk.proof);
        // The same proof checks to the same theorem.
        if !walk.proof.steps.is_empty() {
            // One signature for both: separately built ones have different identities.
            let sig = sig();
            let a = check(&sig, &walk.context, &walk.proof);
            let b = check(&sig, &walk.context, &back);
            prop_assert_eq!(a, b);
        }
        let f = Gen { rng: &mut rng }.formula(4, &mut vec![]);
        let text = serde_json::to_string(&f).unwrap();
        let back: Formula = from_json(&text, &Limits::default()).unwrap();
        prop_assert_eq!(back, f);
        let q = rng.small_rat();
        let text = serde_json::to_string(&to_rat(&q)).unwrap();
        prop_assert_eq!(from_json::<Rat>(&text, &Limits::default()).unwrap(), to_rat(&q));
    }

    /// Random bytes never panic the decoder.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(proof) = from_json::<Proof>(&text, &Limits::default()) {
            let _ = check(&sig(), &Context::default(), &proof);
        }
    }

    /// Random JSON values, and valid proofs with random edits, decoded and checked:
    /// `Ok` or an error, never a panic.
    #[test]
    fn mutated_proofs_never_panic(seed in any::<u64>(), value in json_value()) {
        let mut rng = Rng::new(seed);
        if let Ok(proof) = serde_json::from_value::<Proof>(value.clone()) {
            let _ = check(&sig(), &Context::default(), &proof);
        }
        let wrapped = serde_json::json!({ "steps": [value] });
        if let Ok(proof) = from_json::<Proof>(&wrapped.to_string(), &Limits::default()) {
            let _ = check(&sig(), &Context::default(), &proof);
        }
        let walk = random_walk(&mut rng, 15);
        let mut doc = serde_json::to_value(&walk.proof).unwrap();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut doc);
        }
        let text = doc.to_string();
        if let Ok(proof) = from_json::<Proof>(&text, &Limits::default()) {
            let _ = check(&sig(), &walk.context, &proof);
        }
        // Byte-level edits too.
        let mut bytes = text.into_bytes();
        for _ in 0..3 {
            if !bytes.is_empty() {
                let i = rng.below(bytes.len());
                bytes[i] = rng.pick(b"{}[]\":,0123456789-/ aeTFN");
            }
        }
        if let Ok(proof) = from_json::<Proof>(&String::from_utf8_lossy(&bytes), &Limits::default()) {
            let _ = check(&sig(), &walk.context, &proof);
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "[a-zA-Z0-9/_-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "TrueIntro",
            "Assume",
            "Refl",
            "Ring",
            "Psatz",
            "Free",
            "Bound",
            "Num",
            "App",
            "Pow",
            "Forall",
            "Rat",
            "Named",
            "-1/0",
            "1/3",
            "steps",
            "formula",
            "term",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "steps",
                    "Assume",
                    "formula",
                    "Refl",
                    "term",
                    "Free",
                    "Num",
                    "App",
                    "Pow",
                    "Ring",
                    "lhs",
                    "rhs",
                    "from",
                    "left",
                    "right",
                    "Forall",
                    "Not",
                    "And",
                    "Bound",
                    "name",
                    "args",
                    "hole",
                    "context",
                    "Congruence",
                ]),
                inner,
                0..4,
            )
            .prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// A random edit somewhere in a JSON document: a number changed, a string replaced,
/// an element dropped or duplicated.
fn mutate(rng: &mut Rng, v: &mut serde_json::Value) {
    use serde_json::Value;
    let go_deeper = rng.chance(75);
    match v {
        Value::Array(xs) if !xs.is_empty() => {
            let i = rng.below(xs.len());
            if go_deeper {
                mutate(rng, &mut xs[i]);
            } else if rng.chance(50) {
                xs.remove(i);
            } else {
                let x = xs[i].clone();
                xs.push(x);
            }
        }
        Value::Object(m) if !m.is_empty() => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = rng.pick(&keys);
            if go_deeper {
                mutate(rng, m.get_mut(&k).unwrap());
            } else {
                m.remove(&k);
            }
        }
        Value::Number(_) => {
            *v = Value::from(rng.pick(&[0i64, 1, 2, -1, 1 << 40, i64::MAX]));
        }
        Value::String(_) => {
            *v = Value::String(rng.pick(&["x", "M", "Rat", "c", "g", "0", "-5/3", "p"]).into());
        }
        _ => *v = Value::from(rng.below(5) as u64),
    }
}

/// The walk is not vacuous: across seeds it gets many steps accepted (including
/// quantifier and certificate steps) and some refused.
#[test]
fn random_walk_exercises_the_rules() {
    let mut accepted = std::collections::BTreeMap::<&'static str, usize>::new();
    let mut refused = 0;
    let mut decided = 0;
    for seed in 0..40 {
        let mut rng = Rng::new(seed);
        let walk = random_walk(&mut rng, 40);
        refused += walk.refused;
        for step in &walk.proof.steps {
            *accepted.entry(step.rule()).or_default() += 1;
        }
        let model = Model::random(&mut rng);
        for thm in &walk.theorems {
            decided += holds(&mut rng, &model, thm).unwrap();
        }
    }
    for rule in [
        "hypothesis",
        "assume",
        "axiom",
        "unfold",
        "and-intro",
        "imp-intro",
        "imp-elim",
        "forall-intro",
        "forall-elim",
        "exists-intro",
        "exists-elim",
        "congruence",
        "substitute",
        "ring",
        "psatz",
        "or-elim",
    ] {
        assert!(
            accepted.get(rule).copied().unwrap_or(0) > 0,
            "the walk never got `{rule}` accepted: {accepted:?}"
        );
    }
    assert!(refused > 50, "only {refused} refusals");
    assert!(decided > 1000, "only {decided} decided evaluations");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `psatz` with products of up to three facts `0 <= x_i` (the empty product, 1,
    /// included), for the goal `0 <= s + k` or `0 < s + k` where `s` is the
    /// certificate's own sum: accepted exactly when the constant `k` gives the goal
    /// (`k >= 0`; `k > 0`, or `k = 0` with a positive multiple of 1 in the sum).
    #[test]
    fn psatz_over_products_of_facts_decides_by_the_constant(
        products in proptest::collection::vec((0i64..4, proptest::collection::vec(0usize..4, 0..4)), 0..6),
        k in -2i64..3,
        strict in any::<bool>(),
    ) {
        let x = |i: usize| Term::free(&format!("x{i}"), Sort::Rat);
        let ctx = Context {
            variables: (0..4).map(|i| (name(&format!("x{i}")), Sort::Rat)).collect(),
            hypotheses: (0..4).map(|i| (name(&format!("h{i}")), Formula::le(Term::int(0), x(i)))).collect(),
        };
        let mut steps: Vec<Step> = (0..4).map(|i| Step::Hypothesis { name: name(&format!("h{i}")) }).collect();
        let mut sum = Term::int(k);
        for (c, factors) in &products {
            let value = factors.iter().map(|&f| x(f)).fold(Term::int(1), Term::mul);
            sum = Term::add(sum, Term::mul(Term::int(*c), value));
        }
        let goal = if strict { Formula::lt(Term::int(0), sum) } else { Formula::le(Term::int(0), sum) };
        let certificate = products.iter().map(|(c, f)| Product { coefficient: Rat::int(*c), factors: f.clone() });
        steps.push(Step::Psatz { goal, facts: (0..4).collect(), products: certificate.collect(), squares: vec![] });
        let result = check(&Signature::new(), &ctx, &Proof { steps });
        let positive_one = products.iter().any(|(c, f)| *c > 0 && f.is_empty());
        let expected = if strict { k > 0 || (k == 0 && positive_one) } else { k >= 0 };
        prop_assert_eq!(result.is_ok(), expected, "{:?}", result);
    }
}
