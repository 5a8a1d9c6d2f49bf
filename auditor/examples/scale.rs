//! `cargo run --release -p warrant-auditor --example scale -- N [cold]`: one cold audit
//! of a generated library of N techniques, then a warm re-audit after editing one leaf,
//! with wall-clock times (a quick look; `cargo bench -p warrant-auditor` measures).
//! With `cold`, only the cold audit without cache runs (for profiling it alone).

use std::time::Instant;
use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, Auditor, Cache, Submission, TacticEngine};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let text = library("gen", Shape { count: n, width: 100, fan_out: 2, proof_size: 3 });
    let dir = std::env::temp_dir().join(format!("warrant-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let engine = TacticEngine::default();
    let run = |text: &str, cache: Option<Cache>| {
        let options = AuditOptions { cache, ..AuditOptions::default() };
        let start = Instant::now();
        let audit = Auditor::new(options, &engine)
            .audit(&[Submission { name: "gen.wr".into(), text: Some(text.to_string()) }]);
        (start.elapsed(), audit.report.verdict, audit.report.findings.len())
    };
    let (t, v, f) = run(&text, None);
    println!("cold, no cache: {n} techniques in {:.3} s ({v:?}, {f} findings)", t.as_secs_f64());
    if std::env::args().nth(2).as_deref() == Some("cold") {
        return;
    }
    let (t, v, _) = run(&text, Some(Cache::new(&dir)));
    println!("cold, filling the cache: {:.3} s ({v:?})", t.as_secs_f64());
    let last = format!("technique T{}(m: Model) {{\n", n - 1);
    let edited = text.replacen(&last, &format!("{last}  source \"edited\"\n"), 1);
    let (t, v, _) = run(&edited, Some(Cache::new(&dir)));
    println!("warm, one leaf edited: {:.3} s ({v:?})", t.as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The allocator of the `warrant` binary (src/main.rs), so the figures are `warrant audit`'s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
