//! `warrant verify` against the audit that produced its bundle (issue #9: verifying
//! must be at least 10 times faster than auditing).
//!
//! The corpus (`corpus/techniques`) is audited once without a cache and its bundle
//! written to a scratch file. Then:
//! - `verify_vs_audit/verify`: what `warrant verify BUNDLE` does after start-up: read
//!   the file, decode, re-check with the kernel, render the summary
//!   ([`verify_bytes`], the command's own code path), the result freed after the
//!   clock stops, as the command does not free it;
//! - `verify_vs_audit/audit_no_cache`: what `warrant audit --no-cache corpus/techniques`
//!   does: audit in-process and render the human report;
//! - `verify_phases/*`: the parts of `verify` alone (decode; the kernel re-check on the
//!   threads [`verify`] picks, which is one for a bundle as small as the corpus's, and
//!   on two; summary; the re-check phases also recompute the hashes by re-encoding, as
//!   [`verify`] does).
//!
//! With `--bench`, a last pass times the two in alternation (so both see the same
//! machine load), 300 rounds (about 1.7 s), and prints their medians and the ratio.
//! Until 2026-11-27 21:30 UTC it ran 30 rounds, whose medians moved by ±10% from run to
//! run (8.5x to 10.8x for one binary within minutes); with 300 they stay within ±2%
//! (9.0x to 9.4x in ten runs).
//!
//! Earlier that day the pass timed `verify` at about twice criterion's figure: `verify`
//! then checked the corpus bundle on two threads, and right after an audit the audit's
//! rayon workers were still spinning, so the calling thread waited for its helper
//! (medians per `verify`, load 3–4: 3 to 61 involuntary context switches and 3.2–3.3 ms
//! of process CPU time, against 0 and 2.0 ms with no audit between the runs). Checking
//! a small bundle on one thread (as the command now does,
//! `bundle::MIN_STEPS_FOR_THREADS`) removed the wait.
//!
//! `cargo bench --bench verify`

use criterion::Criterion;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use warrant_auditor::{human, AuditOptions, Auditor, Submission, TacticEngine, Verdict};
use warrant_kernel::bundle::{summary, verify, verify_bytes, verify_on, Bundle, Verification};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join("techniques")
}

/// `warrant audit --no-cache corpus/techniques`, less start-up and printing.
fn audit_corpus() -> (String, warrant_auditor::Audit) {
    let engine = TacticEngine::default();
    let auditor = Auditor::new(AuditOptions { cache: None, ..AuditOptions::default() }, &engine);
    let audit = auditor.audit(&[Submission { name: corpus().display().to_string(), text: None }]);
    assert_eq!(audit.report.verdict, Verdict::Accepted, "the corpus audits clean");
    (human::render(&audit.report, &audit.sources, false), audit)
}

/// `warrant verify PATH`, less start-up and printing. The command leaves the verified
/// bundle to the operating system rather than free it (`src/cmd/verify.rs`): callers
/// free it after the clock stops (the audit's side frees what it made within its
/// time, as `warrant audit` does).
fn verify_file(path: &Path) -> Verification {
    let bytes = std::fs::read(path).expect("read the bundle");
    verify_bytes(&bytes).expect("the corpus bundle verifies")
}

/// Audits the corpus and writes its bundle; returns the bundle's path.
fn write_bundle() -> PathBuf {
    let (_, audit) = audit_corpus();
    let bundle = warrant_auditor::bundle::write(&audit).expect("the corpus has a bundle");
    let path = std::env::temp_dir().join(format!("warrant-bench-corpus-{}.bundle", std::process::id()));
    std::fs::write(&path, bundle.to_bytes().expect("encode")).expect("write the bundle");
    path
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Times verify and audit in alternation and prints the medians and their ratio.
fn ratio(path: &Path, rounds: usize) {
    let (mut verify_times, mut audit_times) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        let verified = black_box(verify_file(path));
        verify_times.push(t.elapsed());
        drop(verified);
        let t = Instant::now();
        black_box(audit_corpus());
        audit_times.push(t.elapsed());
    }
    let (v, a) = (median(verify_times), median(audit_times));
    println!(
        "verify_vs_audit/ratio: verify {:.3} ms, audit --no-cache {:.3} ms (medians of {rounds} alternating runs): verify is {:.1}x faster",
        v.as_secs_f64() * 1e3,
        a.as_secs_f64() * 1e3,
        a.as_secs_f64() / v.as_secs_f64()
    );
}

fn main() {
    let path = write_bundle();
    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("verify_vs_audit");
        g.sample_size(20);
        g.bench_function("verify", |b| b.iter_with_large_drop(|| verify_file(black_box(&path))));
        g.bench_function("audit_no_cache", |b| b.iter(audit_corpus));
        g.finish();
    }
    {
        let bytes = std::fs::read(&path).expect("read the bundle");
        let bundle = Bundle::from_bytes(&bytes).expect("decode");
        let verified = verify(&bundle).expect("verify");
        let mut g = c.benchmark_group("verify_phases");
        g.bench_function("decode", |b| b.iter(|| Bundle::from_bytes(black_box(&bytes)).expect("decode")));
        g.bench_function("kernel", |b| b.iter(|| verify(black_box(&bundle)).expect("verify")));
        g.bench_function("kernel_two_threads", |b| {
            b.iter(|| verify_on(black_box(&bundle), 2).expect("verify"))
        });
        g.bench_function("summary", |b| b.iter(|| summary(black_box(&bundle), &verified)));
        g.finish();
    }
    if std::env::args().any(|a| a == "--bench") {
        ratio(&path, 300);
    }
    c.final_summary();
    let _ = std::fs::remove_file(&path);
}

/// The allocator of the `warrant` binary (src/main.rs), so the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
