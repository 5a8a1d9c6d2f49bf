//! `cargo bench -p warrant-auditor`: audits of generated libraries.
//! - `cold/N`: N techniques, no cache.
//! - `warm_after_leaf_edit/N`: N techniques with a warm cache, after editing one
//!   technique of the top layer (the one edit invalidates only that technique).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, Auditor, Cache, Submission, TacticEngine, Verdict};

fn shape(count: usize) -> Shape {
    Shape { count, width: 100, fan_out: 2, proof_size: 3 }
}

fn audit(text: &str, cache: Option<Cache>) -> Verdict {
    let engine = TacticEngine::default();
    let options = AuditOptions { cache, ..AuditOptions::default() };
    let auditor = Auditor::new(options, &engine);
    auditor.audit(&[Submission { name: "gen.wr".into(), text: Some(text.to_string()) }]).report.verdict
}

fn cold(c: &mut Criterion) {
    let mut group = c.benchmark_group("cold");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let text = library("gen", shape(n));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| assert_eq!(audit(text, None), Verdict::Accepted))
        });
    }
    group.finish();
}

fn warm(c: &mut Criterion) {
    let mut group = c.benchmark_group("warm_after_leaf_edit");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let dir = std::env::temp_dir().join(format!("warrant-bench-cache-{n}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let text = library("gen", shape(n));
        assert_eq!(audit(&text, Some(Cache::new(&dir))), Verdict::Accepted);
        // Edit the last technique (a leaf of the use graph: nothing uses it).
        let last = format!("technique T{}(m: Model) {{\n", n - 1);
        let edited = text.replacen(&last, &format!("{last}  source \"edited\"\n"), 1);
        assert_ne!(edited, text);
        group.bench_with_input(BenchmarkId::from_parameter(n), &edited, |b, edited| {
            b.iter(|| assert_eq!(audit(edited, Some(Cache::new(&dir))), Verdict::Accepted))
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
    group.finish();
}

criterion_group!(benches, cold, warm);
criterion_main!(benches);

/// The allocator of the `warrant` binary (src/main.rs), so the figures are `warrant audit`'s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
