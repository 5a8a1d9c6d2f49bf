//! `cargo bench -p warrant-auditor`: audits of generated libraries.
//! - `cold/N`: N techniques, no cache.
//! - `warm_after_leaf_edit/N`: N techniques with a warm cache, after editing one
//!   technique of the top layer (the one edit invalidates only that technique): a
//!   fresh process's re-audit (front end, kernel re-check of every cache hit).
//! - `session_after_leaf_edit/N`: an `AuditSession` that audited the library once
//!   (outside the timing); each iteration audits the other of two texts that differ in
//!   the last technique of the top layer (original and edited, alternately), so each
//!   is a real one-leaf edit, and checks that exactly one technique was audited again.
//! - `session_after_mid_leaf_edit/N`: the same with the first technique of the top
//!   layer (T{N-100}) lengthened and restored alternately: every technique after it in
//!   the file moves (its findings are moved, it is not audited again), and exactly one
//!   technique is audited again.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, AuditSession, Auditor, Cache, Submission, TacticEngine, Verdict};

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

fn session(c: &mut Criterion) {
    // The last technique, then the first of the top layer (100 wide).
    session_group(c, "session_after_leaf_edit", |n| n - 1);
    session_group(c, "session_after_mid_leaf_edit", |n| n - 100);
}

/// Alternately the library and the library with technique `edited(N)` lengthened, in
/// one session.
fn session_group(c: &mut Criterion, name: &str, edited: fn(usize) -> usize) {
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    for n in [1_000usize, 10_000] {
        let text = library("gen", shape(n));
        let header = format!("technique T{}(m: Model) {{\n", edited(n));
        let edited = text.replacen(&header, &format!("{header}  source \"edited\"\n"), 1);
        assert_ne!(edited, text);
        let submit = |text: &str| [Submission { name: "gen.wr".into(), text: Some(text.to_string()) }];
        let texts = [submit(&text), submit(&edited)];
        let engine = TacticEngine::default();
        let mut session = AuditSession::new(AuditOptions::default(), &engine);
        assert_eq!(session.audit(&texts[0]).report.verdict, Verdict::Accepted);
        assert_eq!(session.audited_again(), None);
        let mut next = 1;
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                assert_eq!(session.audit(&texts[next]).report.verdict, Verdict::Accepted);
                assert_eq!(session.audited_again(), Some(1));
                next = 1 - next;
            })
        });
    }
    group.finish();
}

criterion_group!(benches, cold, warm, session);
criterion_main!(benches);

/// The allocator of the `warrant` binary (src/main.rs), so the figures are `warrant audit`'s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
