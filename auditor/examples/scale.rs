//! `cargo run --release -p warrant-auditor --example scale -- N [MODE]`: audits of a
//! generated library of N techniques, with wall-clock times (a quick look;
//! `cargo bench -p warrant-auditor` measures). Without a mode: one cold audit without
//! cache, one that fills a cache, and a warm re-audit after editing one leaf. Modes, for
//! profiling one run alone:
//! - `cold`: only the cold audit without cache;
//! - `fill DIR`: only the audit that fills the cache in `DIR` (emptied first);
//! - `warm DIR`: only the warm re-audit after editing one leaf, with the cache in `DIR`
//!   (filled by `fill DIR`; it is left as it was, less the edited leaf's new entry);
//! - `session K`: an `AuditSession` audits the library, then re-audits it K times
//!   (default 20), alternately with the last technique edited and as it was; prints
//!   the first audit's time and each re-audit's (profile the re-audits by their
//!   share, or with K large).

use std::path::PathBuf;
use std::time::Instant;
use warrant_auditor::synthetic::{library, Shape};
use warrant_auditor::{AuditOptions, AuditSession, Auditor, Cache, Submission, TacticEngine};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let mode = args.get(2).map(String::as_str);
    let text = library("gen", Shape { count: n, width: 100, fan_out: 2, proof_size: 3 });
    let last = format!("technique T{}(m: Model) {{\n", n - 1);
    let edited = text.replacen(&last, &format!("{last}  source \"edited\"\n"), 1);
    let engine = TacticEngine::default();
    let run = |text: &str, cache: Option<Cache>| {
        let options = AuditOptions { cache, ..AuditOptions::default() };
        let start = Instant::now();
        let audit = Auditor::new(options, &engine)
            .audit(&[Submission { name: "gen.wr".into(), text: Some(text.to_string()) }]);
        (start.elapsed(), audit.report.verdict, audit.report.findings.len())
    };
    let given_dir = || args.get(3).map(PathBuf::from).expect("a cache directory after the mode");
    match mode {
        Some("session") => {
            let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
            let texts = [text.as_str(), edited.as_str()]
                .map(|t| [Submission { name: "gen.wr".into(), text: Some(t.to_string()) }]);
            let mut session = AuditSession::new(AuditOptions::default(), &engine);
            let start = Instant::now();
            let v = session.audit(&texts[0]).report.verdict;
            println!(
                "session, first audit: {n} techniques in {:.3} s ({v:?})",
                start.elapsed().as_secs_f64()
            );
            let mut times = Vec::with_capacity(rounds);
            for round in 0..rounds {
                let start = Instant::now();
                let v = session.audit(&texts[1 - round % 2]).report.verdict;
                times.push(start.elapsed().as_secs_f64() * 1e3);
                assert_eq!(session.audited_again(), Some(1), "one leaf audited again ({v:?})");
            }
            times.sort_by(f64::total_cmp);
            println!(
                "session, one leaf edited: {rounds} re-audits, median {:.2} ms, min {:.2} ms, max {:.2} ms",
                times[times.len() / 2],
                times[0],
                times[times.len() - 1]
            );
            return;
        }
        Some("fill") => {
            let dir = given_dir();
            let _ = std::fs::remove_dir_all(&dir);
            let (t, v, _) = run(&text, Some(Cache::new(&dir)));
            println!("cold, filling the cache: {n} techniques in {:.3} s ({v:?})", t.as_secs_f64());
            return;
        }
        Some("warm") => {
            let dir = given_dir();
            // The run appends the edited leaf's entry; a copy keeps `dir` as filled.
            let copy = std::env::temp_dir().join(format!("warrant-scale-warm-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&copy);
            copy_dir(&dir, &copy);
            let (t, v, _) = run(&edited, Some(Cache::new(&copy)));
            println!("warm, one leaf edited: {n} techniques in {:.3} s ({v:?})", t.as_secs_f64());
            let _ = std::fs::remove_dir_all(&copy);
            return;
        }
        _ => {}
    }
    let (t, v, f) = run(&text, None);
    println!("cold, no cache: {n} techniques in {:.3} s ({v:?}, {f} findings)", t.as_secs_f64());
    if mode == Some("cold") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("warrant-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (t, v, _) = run(&text, Some(Cache::new(&dir)));
    println!("cold, filling the cache: {:.3} s ({v:?})", t.as_secs_f64());
    let (t, v, _) = run(&edited, Some(Cache::new(&dir)));
    println!("warm, one leaf edited: {:.3} s ({v:?})", t.as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Copies the files below `from` to `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    let _ = std::fs::create_dir_all(to);
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            let _ = std::fs::copy(entry.path(), target);
        }
    }
}

/// The allocator of the `warrant` binary (src/main.rs), so the figures are `warrant audit`'s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
