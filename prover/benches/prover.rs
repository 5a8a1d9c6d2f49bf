//! `cargo bench -p warrant-prover`.
//!
//! On egg's own identities (see `tests/common/mod.rs`): (a) egg alone without
//! explanations, (b) egg with explanations (the run and `explain_equivalence`), (c) the
//! whole `rewrite`: run, explanation, replay as kernel steps and the kernel's check.
//! The goal is (c) ≤ 1.25 × (b). Also `linarith` on problems with 30 hypotheses.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;
use warrant_kernel::*;
use warrant_prover::*;

#[path = "../tests/common/mod.rs"]
mod common;

struct Prepared {
    sig: Signature,
    ctx: Context,
    rewriter: Rewriter,
    lhs: Term,
    rhs: Term,
    limits: RewriteLimits,
}

fn prepare() -> Vec<Prepared> {
    common::ALL
        .iter()
        .map(|id| {
            let sig = common::signature(id.theory);
            let (lhs, rhs) = common::sides(&sig, id);
            let ctx = common::context_for(&[&lhs, &rhs]);
            let rewriter = Rewriter::new(common::rules(&sig, id)).unwrap();
            Prepared { sig, ctx, rewriter, lhs, rhs, limits: common::limits(id) }
        })
        .collect()
}

fn full(p: &Prepared) -> usize {
    let mut b = ProofBuilder::new(&p.sig, &p.ctx);
    let mut none = |_: &mut ProofBuilder<'_>, _: &Formula| -> Result<StepId, ProverError> {
        Err(ProverError::Internal("no side conditions here".into()))
    };
    let root = p.rewriter.prove_eq(&mut b, &p.lhs, &p.rhs, &p.limits, &mut none).unwrap();
    b.check(root).unwrap();
    root
}

fn rewrite(c: &mut Criterion) {
    let all = prepare();
    let mut g = c.benchmark_group("rewrite-egg-identities");
    g.sample_size(30).measurement_time(Duration::from_secs(4));
    g.bench_function("a-egg-no-explanations", |bench| {
        bench.iter(|| {
            for p in &all {
                let s = p.rewriter.search(&p.lhs, &p.rhs, &p.limits, false).unwrap();
                assert!(s.equal());
                black_box(s);
            }
        })
    });
    g.bench_function("b-egg-with-explanations", |bench| {
        bench.iter(|| {
            for p in &all {
                let mut s = p.rewriter.search(&p.lhs, &p.rhs, &p.limits, true).unwrap();
                black_box(s.explain().unwrap());
            }
        })
    });
    g.bench_function("c-rewrite-replay-kernel-check", |bench| {
        bench.iter(|| {
            for p in &all {
                black_box(full(p));
            }
        })
    });
    g.finish();
}

/// 30 hypotheses: a chain `x0 < x1 <= x2 < ... x30` and a goal about its ends.
fn chain_problem() -> (Context, Formula) {
    let x = |i: usize| Term::free(&format!("x{i}"), Sort::Rat);
    let hyps = (0..30)
        .map(|i| {
            let f = if i % 2 == 0 {
                Formula::lt(x(i), x(i + 1))
            } else {
                Formula::le(x(i), Term::add(x(i + 1), Term::int(1)))
            };
            (name(&format!("h{i}")), f)
        })
        .collect();
    let ctx = Context {
        variables: (0..=30).map(|i| (name(&format!("x{i}")), Sort::Rat)).collect(),
        hypotheses: hyps,
    };
    (ctx, Formula::lt(x(0), Term::add(x(30), Term::int(15))))
}

/// 30 hypotheses over 10 unknowns: `Σ c_ij x_j <= k_i` with small pseudo-random
/// coefficients, plus bounds, and a goal implied by a combination of them.
fn dense_problem() -> (Context, Formula) {
    let x = |i: usize| Term::free(&format!("y{i}"), Sort::Rat);
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % 7) as i64 - 3
    };
    let mut hyps = Vec::new();
    for i in 0..20 {
        let mut sum = Term::int(0);
        for j in 0..10 {
            sum = Term::add(sum, Term::mul(Term::int(next()), x(j)));
        }
        hyps.push((name(&format!("h{i}")), Formula::le(sum, Term::int(10 + i as i64))));
    }
    for j in 0..10 {
        hyps.push((
            name(&format!("b{j}")),
            Formula::and(Formula::le(Term::int(-5), x(j)), Formula::le(x(j), Term::int(5))),
        ));
    }
    let ctx = Context {
        variables: (0..10).map(|i| (name(&format!("y{i}")), Sort::Rat)).collect(),
        hypotheses: hyps,
    };
    let mut total = Term::int(0);
    for j in 0..10 {
        total = Term::add(total, x(j));
    }
    (ctx, Formula::le(total, Term::int(50)))
}

fn linarith_bench(c: &mut Criterion) {
    let sig = Signature::new();
    let mut g = c.benchmark_group("linarith-30-hypotheses");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for (label, (ctx, goal)) in [("chain", chain_problem()), ("dense", dense_problem())] {
        g.bench_function(label, |bench| {
            bench.iter(|| {
                let mut b = ProofBuilder::new(&sig, &ctx);
                let facts: Vec<StepId> =
                    ctx.hypotheses.iter().map(|(h, _)| b.hypothesis(h).unwrap()).collect();
                let root = linarith(&mut b, &facts, &goal, &ArithLimits::default()).unwrap();
                b.check(root).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, rewrite, linarith_bench);
criterion_main!(benches);
