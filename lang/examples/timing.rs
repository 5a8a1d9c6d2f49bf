//! Throughput of the front end on the benchmark's generated 50,000-line library: the
//! best of N runs (default 7) of lex+parse and of the whole front end, each including
//! dropping its result, as `cargo bench -p warrant-lang` measures them. Two figures
//! each: the wall clock, and the CPU time of every thread of the process
//! (`/proc/self/task/*/schedstat`; the front end parses large files on several
//! threads). On a loaded machine the CPU time is the steadier one; with the machine
//! quiet, the wall clock is what a user waits.
//!
//! Run: `cargo run --release -p warrant-lang --example timing [N]`
//!
//! It shares the bench's allocator (mimalloc, the `warrant` binary's).
#[path = "../benches/frontend.rs"]
#[allow(dead_code)]
mod b;

/// Runs `f`, returns (wall seconds, CPU seconds).
fn measure(f: impl FnOnce()) -> (f64, f64) {
    let (t, c) = (std::time::Instant::now(), b::process_cpu_seconds());
    f();
    (t.elapsed().as_secs_f64(), b::process_cpu_seconds() - c)
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let src = b::library(50_000);
    let mb = src.len() as f64 / 1e6;
    let limits = warrant_lang::Limits::default();
    let (mut parse, mut load) = ((f64::MAX, f64::MAX), (f64::MAX, f64::MAX));
    let best = |a: (f64, f64), b: (f64, f64)| (a.0.min(b.0), a.1.min(b.1));
    for _ in 0..runs {
        let m = measure(|| {
            let p = warrant_lang::parse(&src, &limits);
            assert!(p.errors.is_empty());
            drop(p);
        });
        parse = best(parse, m);
        let input = warrant_lang::Input::Text { name: "b.wr".into(), text: src.clone() };
        let m = measure(|| {
            let p = warrant_lang::load(&[input], &Default::default());
            assert!(p.diagnostics.is_empty());
            drop(p);
        });
        load = best(load, m);
    }
    let show = |(wall, cpu): (f64, f64)| {
        format!("{:.1} MB/s ({:.0} ms) wall, {:.0} ms CPU", mb / wall, wall * 1e3, cpu * 1e3)
    };
    println!("{mb:.2} MB, best of {runs}: lex+parse {}; whole front end {}", show(parse), show(load));
}
