//! The benchmark workloads, shared by `benches/kernel.rs` and the profiling example
//! `examples/profile.rs` (so a profile measures exactly what the benchmark does).

use warrant_kernel::*;

fn m() -> Sort {
    Sort::Named(name("M"))
}

/// `sort M; fn c: M; fn g(M): M; fn h(M): M;`
/// `axiom swap: forall x. g(x) = h(x); axiom back: forall x. h(x) = g(x)`.
pub fn chain_signature() -> Signature {
    let mut sig = Signature::new();
    sig.declare(Declaration::Sort { name: name("M") }).unwrap();
    sig.declare(Declaration::Function { name: name("c"), params: vec![], result: m() }).unwrap();
    for f in ["g", "h"] {
        sig.declare(Declaration::Function { name: name(f), params: vec![m()], result: m() }).unwrap();
    }
    let x = Term::free("x", m());
    let gx = Term::app("g", vec![x.clone()]);
    let hx = Term::app("h", vec![x]);
    for (n, l, r) in [("swap", &gx, &hx), ("back", &hx, &gx)] {
        sig.declare(Declaration::Axiom {
            name: name(n),
            statement: Formula::forall("x", m(), &Formula::eq(l.clone(), r.clone())),
        })
        .unwrap();
    }
    sig
}

/// A chain `g(g(c)) = g(h(c)) = g(g(c)) = ...` of `steps` steps: each link is an axiom
/// instance (`g(c) = h(c)` or back), a congruence under `g(·)`, and a transitivity
/// step onto the chain so far.
pub fn equality_chain(steps: usize) -> Proof {
    let c = Term::constant("c");
    let hole = Term::app("g", vec![Term::Bound(0)]);
    let mut proof = vec![
        Step::Axiom { name: name("swap"), args: vec![c.clone()] },
        Step::Congruence { hole: m(), context: hole.clone(), from: 0 },
    ];
    let mut acc = 1;
    let mut k = 0;
    while proof.len() + 3 <= steps {
        k += 1;
        let axiom = if k % 2 == 1 { "back" } else { "swap" };
        proof.push(Step::Axiom { name: name(axiom), args: vec![c.clone()] });
        proof.push(Step::Congruence { hole: m(), context: hole.clone(), from: proof.len() - 1 });
        proof.push(Step::Trans { left: acc, right: proof.len() - 1 });
        acc = proof.len() - 1;
    }
    while proof.len() < steps {
        proof.push(Step::Symm { from: acc });
        acc = proof.len() - 1;
    }
    Proof { steps: proof }
}

/// Nested implication and conjunction, in `blocks` blocks over atoms `a_0 .. a_(k-1)`:
/// assume every atom, build `a_0 and (a_1 and ...)`, take it apart again, discharge
/// each atom by implication introduction, eliminate the implications with the
/// context's hypotheses; the blocks' results are joined by conjunction.
pub fn natural_deduction(k: usize, blocks: usize) -> (Signature, Context, Proof) {
    let mut sig = Signature::new();
    let mut ctx = Context::default();
    for i in 0..k {
        let p = format!("a{i}");
        sig.declare(Declaration::Predicate { name: name(&p), params: vec![] }).unwrap();
        ctx.hypotheses.push((name(&format!("h{i}")), Formula::pred(&p, vec![])));
    }
    let atom = |i: usize| Formula::pred(&format!("a{i}"), vec![]);
    let mut steps = vec![];
    let mut joined: Option<usize> = None;
    for _ in 0..blocks {
        let base = steps.len();
        for i in 0..k {
            steps.push(Step::Assume { formula: atom(i) });
        }
        let mut conj = base + k - 1;
        for i in (0..k - 1).rev() {
            steps.push(Step::AndIntro { left: base + i, right: conj });
            conj = steps.len() - 1;
        }
        let mut spine = conj;
        for _ in 0..k - 1 {
            steps.push(Step::AndLeft { from: spine });
            steps.push(Step::AndRight { from: spine });
            spine = steps.len() - 1;
        }
        let mut imp = conj;
        for i in (0..k).rev() {
            steps.push(Step::ImpIntro { assumption: atom(i), from: imp });
            imp = steps.len() - 1;
        }
        for i in 0..k {
            steps.push(Step::Hypothesis { name: name(&format!("h{i}")) });
            let h = steps.len() - 1;
            steps.push(Step::ImpElim { implication: imp, argument: h });
            imp = steps.len() - 1;
        }
        joined = Some(match joined {
            None => imp,
            Some(j) => {
                steps.push(Step::AndIntro { left: j, right: imp });
                steps.len() - 1
            }
        });
    }
    (sig, ctx, Proof { steps })
}

/// 50 hypotheses `0 <= x_i` and `x_i <= 1`; the goal `0 <= sum c_i x_i + sum x_i x_{i+1}`
/// by a certificate of 50 linear products and 49 degree-2 products.
pub fn psatz(n: usize) -> (Signature, Context, Proof) {
    let sig = Signature::new();
    let mut ctx = Context::default();
    let x = |i: usize| Term::free(&format!("x{i}"), Sort::Rat);
    for i in 0..n {
        ctx.variables.push((name(&format!("x{i}")), Sort::Rat));
        ctx.hypotheses.push((name(&format!("h{i}")), Formula::le(Term::int(0), x(i))));
    }
    let mut steps: Vec<Step> = (0..n).map(|i| Step::Hypothesis { name: name(&format!("h{i}")) }).collect();
    let mut products = vec![];
    let mut sum = Term::int(0);
    for i in 0..n {
        let c = (i % 7 + 1) as i64;
        products.push(Product { coefficient: Rat::int(c), factors: vec![i] });
        sum = Term::add(sum, Term::mul(Term::int(c), x(i)));
    }
    for i in 0..n - 1 {
        products.push(Product { coefficient: Rat::one(), factors: vec![i, i + 1] });
        sum = Term::add(sum, Term::mul(x(i), x(i + 1)));
    }
    steps.push(Step::Psatz {
        goal: Formula::le(Term::int(0), sum),
        facts: (0..n).collect(),
        products,
        squares: vec![],
    });
    (sig, ctx, Proof { steps })
}
