//! Primitive inferences per second: one proof step is one inference.
//!
//! - `equality_chain`: 100,000 steps of axiom instances, congruence and transitivity.
//! - `natural_deduction`: thousands of nested implication and conjunction
//!   introductions and eliminations.
//! - `psatz`: certificates over 50 hypotheses.
//!
//! `cargo bench -p warrant-kernel`; criterion reports the throughput in elements
//! (steps) per second. The bench runs with mimalloc as its global allocator, as the
//! `warrant` binary does (src/main.rs), so the figures are those of `warrant check`,
//! `audit` and `verify`. Issue #2 asks for 2 M steps per second on one core; figures
//! before and after each round of work are in kernel/BENCHMARKS.md, with
//! the instruction counts of `examples/profile.rs`, which are independent of load.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use warrant_kernel::*;
use workloads::{chain_signature, equality_chain, natural_deduction, psatz};

mod workloads;

fn bench_chain(c: &mut Criterion) {
    let sig = chain_signature();
    let ctx = Context::default();
    let n = 100_000usize;
    let proof = equality_chain(n);
    assert_eq!(proof.steps.len(), n);
    check(&sig, &ctx, &proof).expect("the chain checks");
    let mut group = c.benchmark_group("equality_chain");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(BenchmarkId::from_parameter(n), &proof, |b, proof| {
        b.iter(|| check(&sig, &ctx, black_box(proof)).unwrap())
    });
    group.finish();
}

fn bench_nd(c: &mut Criterion) {
    let mut group = c.benchmark_group("natural_deduction");
    group.sample_size(10);
    for &(k, blocks) in &[(100usize, 10usize), (200, 20)] {
        let (sig, ctx, proof) = natural_deduction(k, blocks);
        let thm = check(&sig, &ctx, &proof).expect("the deduction checks");
        assert_eq!(thm.hypotheses().len(), k);
        let n = proof.steps.len();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("steps", proof.steps.len()), &proof, |b, proof| {
            b.iter(|| check(&sig, &ctx, black_box(proof)).unwrap())
        });
    }
    group.finish();
}

fn bench_psatz(c: &mut Criterion) {
    let mut group = c.benchmark_group("psatz");
    group.sample_size(10);
    let (sig, ctx, proof) = psatz(50);
    check(&sig, &ctx, &proof).expect("the certificate checks");
    group.throughput(Throughput::Elements(proof.steps.len() as u64));
    group.bench_function("hypotheses/50", |b| b.iter(|| check(&sig, &ctx, black_box(&proof)).unwrap()));
    group.finish();
}

criterion_group!(benches, bench_chain, bench_nd, bench_psatz);
criterion_main!(benches);

/// The allocator of the `warrant` binary (src/main.rs), which runs the kernel for
/// `check`, `audit` and `verify`, so the figures are the commands'.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
