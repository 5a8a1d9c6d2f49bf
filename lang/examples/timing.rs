//! On-CPU throughput of the front end on the benchmark's generated 50,000-line
//! library: the best of N runs (default 7) of lex+parse and of the whole front end,
//! each including dropping its result, as `cargo bench -p warrant-lang` measures them.
//! On-CPU time (`/proc/thread-self/schedstat`) is steadier than criterion's wall
//! clock on a loaded machine.
//!
//! Run: `cargo run --release -p warrant-lang --example timing [N]`
#[path = "../benches/frontend.rs"]
#[allow(dead_code)]
mod b;

/// Seconds this thread has spent on a CPU.
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0) / 1e9
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let src = b::library(50_000);
    let mb = src.len() as f64 / 1e6;
    let limits = warrant_lang::Limits::default();
    let (mut parse, mut load) = (f64::MAX, f64::MAX);
    for _ in 0..runs {
        let t = cpu();
        let p = warrant_lang::parse(&src, &limits);
        assert!(p.errors.is_empty());
        drop(p);
        parse = parse.min(cpu() - t);
        let t = cpu();
        let input = warrant_lang::Input::Text { name: "b.wr".into(), text: src.clone() };
        let p = warrant_lang::load(&[input], &Default::default());
        assert!(p.diagnostics.is_empty());
        drop(p);
        load = load.min(cpu() - t);
    }
    println!(
        "{mb:.2} MB, best of {runs} on-CPU: lex+parse {:.1} MB/s ({:.0} ms), whole front end {:.1} MB/s ({:.0} ms)",
        mb / parse,
        parse * 1e3,
        mb / load,
        load * 1e3
    );
}
