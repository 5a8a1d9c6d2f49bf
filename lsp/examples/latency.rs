//! The `didChange` → `publishDiagnostics` path of the LSP benchmark
//! (`benches/lsp.rs`: a generated 5,000-line file, one-character edits), measured two
//! ways per edit: the wall-clock latency the client sees, and the CPU time spent
//! analysing it: the server's main loop plus the thread pool on which the front end
//! parses and lowers a large file in parallel (the proof worker and the thread that
//! frees old snapshots are not counted). On a shared, loaded machine the wall clock
//! mostly measures the wait for a core; the CPU time is the latency's ceiling with a
//! core free for the analysis (with two free, the pool's part is shared between them).
//! The kernel accounts CPU time in scheduler ticks here, so the CPU figure is a mean
//! over the edits, not a median.
//!
//! Run: `cargo run --release -p warrant-lsp --example latency [EDITS]`

use lsp_server::{Connection, Message, Request};
use serde_json::json;
use std::time::Instant;

#[path = "../benches/support/workload.rs"]
mod workload;
use workload::{generate, notify, wait_publish};

/// CPU seconds of the threads of this process whose names start with one of `names`.
fn thread_cpu(names: &[&str]) -> f64 {
    let mut total = 0.0;
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if names.iter().any(|n| comm.trim().starts_with(n)) {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            total += stat.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0) / 1e9;
        }
    }
    total
}

/// The threads that analyse an edit: the main loop and the pool the front end parses
/// and lowers large files on.
const ANALYSIS: &[&str] = &["lsp-main-loop", "rayon-pool-"];

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let edits: i32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    let text = generate(5_000);
    // Named, so that their CPU time can be told from the proof worker's.
    let _ = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("rayon-pool-{i}")).build_global();
    let (server, client) = Connection::memory();
    // As `warrant lsp` runs: default settings, proofs and audits on the worker.
    let config = warrant_lsp::Config {
        engine: Some(std::sync::Arc::new(warrant_auditor::TacticEngine::default())),
        ..warrant_lsp::Config::default()
    };
    let thread = std::thread::Builder::new()
        .name("lsp-main-loop".into())
        .spawn(move || warrant_lsp::serve(&server, config))
        .expect("spawn");
    let init = Request::new(1.into(), "initialize".into(), json!({"capabilities": {}}));
    client.sender.send(Message::Request(init)).expect("send");
    let _ = client.receiver.recv().expect("initialize response");
    notify(&client, "initialized", json!({}));
    let uri = "file:///tmp/warrant-bench/bench.wr";
    let open = json!({"textDocument": {"uri": uri, "languageId": "warrant", "version": 1, "text": text}});
    notify(&client, "textDocument/didOpen", open);
    wait_publish(&client, 1);
    let line = text.lines().position(|l| l.starts_with("/// Doc of f200.")).unwrap_or(2) as u32;
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for version in 2..2 + edits {
        let ch = if version % 2 == 0 { "g" } else { "c" };
        let (t, c) = (Instant::now(), thread_cpu(ANALYSIS));
        let change = json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": {"line": line, "character": 6}, "end": {"line": line, "character": 7}}, "text": ch}
        ]});
        notify(&client, "textDocument/didChange", change);
        wait_publish(&client, version);
        wall.push(t.elapsed().as_secs_f64());
        cpu.push(thread_cpu(ANALYSIS) - c);
    }
    let shutdown = Request::new(2.into(), "shutdown".into(), json!(null));
    client.sender.send(Message::Request(shutdown)).expect("send");
    notify(&client, "exit", json!(null));
    let _ = thread.join();
    println!(
        "{edits} edits of a {}-byte file: median wall clock {:.1} ms, mean CPU of the analysis (main loop and front-end pool) {:.1} ms",
        text.len(),
        median(&mut wall) * 1e3,
        cpu.iter().sum::<f64>() / cpu.len() as f64 * 1e3
    );
}

/// The allocator of the `warrant` binary, which serves `warrant lsp` (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
