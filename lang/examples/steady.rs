//! The benchmark's whole-front-end loop as criterion runs it (`load` of the generated
//! 50,000-line library, then dropping the result, back to back), with each
//! iteration's figures printed: the wall clock of `load` and of the drop, the CPU time
//! of every thread of the process in each, and the page faults in each. It shows how
//! the steady state differs from the best run (`examples/timing.rs`): which part
//! moves between iterations, and whether memory is being faulted in again.
//!
//! Run: `cargo run --release -p warrant-lang --example steady [N]` (default 30).
//!
//! It shares the bench's allocator (mimalloc, the `warrant` binary's).
#[path = "../benches/frontend.rs"]
#[allow(dead_code)]
mod b;

/// Minor page faults of the process so far (`/proc/self/stat`, field 10): each is a
/// page the kernel had to map, and zero, on first touch. With transparent huge pages
/// one fault can stand for 2 MiB.
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) is in parentheses and may hold spaces: count from
    // after it. Field 10 is then the 8th.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    after.split_whitespace().nth(7).and_then(|x| x.parse().ok()).unwrap_or(0)
}

/// Runs `f`: (wall ms, CPU ms, minor faults).
fn measure(f: impl FnOnce()) -> (f64, f64, u64) {
    let (t, c, m) = (std::time::Instant::now(), b::process_cpu_seconds(), minor_faults());
    f();
    (t.elapsed().as_secs_f64() * 1e3, (b::process_cpu_seconds() - c) * 1e3, minor_faults() - m)
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(30);
    let src = b::library(50_000);
    let (mut sum, mut best) = (0.0, f64::MAX);
    for i in 0..runs {
        let mut program = None;
        let input = warrant_lang::Input::Text { name: "b.wr".into(), text: src.clone() };
        let (lw, lc, lf) = measure(|| program = Some(warrant_lang::load(&[input], &Default::default())));
        assert!(program.as_ref().is_some_and(|p| p.diagnostics.is_empty()));
        let (dw, dc, df) = measure(|| drop(program));
        println!(
            "{i:3}: load {lw:6.1} ms wall {lc:6.1} ms CPU {lf:6} faults | drop {dw:5.1} ms wall {dc:5.1} ms CPU {df:5} faults | both {:6.1} ms",
            lw + dw
        );
        sum += lw + dw;
        best = best.min(lw + dw);
    }
    println!("load + drop: mean {:.1} ms, best {best:.1} ms", sum / runs as f64);
}
