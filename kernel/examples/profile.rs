//! Runs one benchmark workload's check many times, for profilers that count
//! instructions (`valgrind --tool=callgrind`) or sample (`perf record`):
//!
//! `cargo run --release -p warrant-kernel --example profile -- psatz 100`
//!
//! Workloads: `chain`, `nd` (100 atoms, 10 blocks), `nd-deep` (200 atoms, 20 blocks),
//! `psatz` (as in `benches/kernel.rs`), and `verify`, which verifies the bundle at the
//! path given third (as `warrant verify` does; make one with
//! `warrant audit --no-cache --bundle B corpus/techniques`). Comparing the counts of two
//! runs with different repetitions gives the cost of one check.

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use std::hint::black_box;
use warrant_kernel::*;

/// The allocator of the `warrant` binary, as in `benches/kernel.rs`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (which, times) = match args.as_slice() {
        [_, which, times, ..] => (which.as_str(), times.parse::<usize>().unwrap_or(1)),
        [_, which] => (which.as_str(), 1),
        _ => ("psatz", 1),
    };
    if which == "verify" {
        let Some(path) = args.get(3) else {
            eprintln!("usage: profile verify TIMES BUNDLE");
            std::process::exit(2);
        };
        let text = std::fs::read(path).expect("read the bundle");
        for _ in 0..times {
            black_box(bundle::verify_bytes(black_box(&text)).expect("the bundle verifies"));
        }
        println!("verify: {path} verified {times} times");
        return;
    }
    let (sig, ctx, proof) = match which {
        "chain" => (workloads::chain_signature(), Context::default(), workloads::equality_chain(100_000)),
        "nd" => workloads::natural_deduction(100, 10),
        "nd-deep" => workloads::natural_deduction(200, 20),
        "psatz" => workloads::psatz(50),
        other => {
            eprintln!("unknown workload `{other}` (chain, nd, nd-deep, psatz)");
            std::process::exit(2);
        }
    };
    for _ in 0..times {
        black_box(check(&sig, &ctx, black_box(&proof)).expect("the workload checks"));
    }
    println!("{which}: {} steps checked {times} times", proof.steps.len());
}
