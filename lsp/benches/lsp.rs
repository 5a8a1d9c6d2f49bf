//! The time from `didChange` to `publishDiagnostics` on a generated 5,000-line file
//! after a one-character edit, with the server configured as `warrant lsp` runs it
//! (default debounce, proofs and audits on the worker thread). Goal: median ≤ 30 ms.
//!
//! Run: `cargo bench -p warrant-lsp --bench lsp`. Figures: `lang/BENCHMARKS.md`; the
//! `latency` example also reports the server's CPU time per edit.

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Request};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/workload.rs"]
mod workload;
use workload::{generate, notify, wait_publish};

fn bench(c: &mut Criterion) {
    // As `warrant lsp` runs: default debounce, proofs and audits on the worker.
    let default = warrant_lsp::Config {
        engine: Some(Arc::new(warrant_auditor::TacticEngine::default())),
        ..warrant_lsp::Config::default()
    };
    one(c, "didChange to publishDiagnostics, 5000 lines", default);
    // The front end alone: `warrant lsp --no-proofs --no-audit`.
    let bare = warrant_lsp::Config { prove: false, engine: None, ..warrant_lsp::Config::default() };
    one(c, "didChange to publishDiagnostics, 5000 lines, front end only", bare);
}

fn one(c: &mut Criterion, name: &str, config: warrant_lsp::Config) {
    let text = generate(5_000);
    assert!(text.lines().count() >= 5_000);
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || warrant_lsp::serve(&server, config));
    client
        .sender
        .send(Message::Request(Request::new(1.into(), "initialize".into(), json!({"capabilities": {}}))))
        .expect("send");
    let _ = client.receiver.recv().expect("initialize response");
    notify(&client, "initialized", json!({}));
    let uri = "file:///tmp/warrant-bench/bench.wr";
    notify(
        &client,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "warrant", "version": 1, "text": text}}),
    );
    wait_publish(&client, 1);
    // The edit: `Doc` <-> `Dog` in a doc comment near the middle of the file.
    let line = text.lines().position(|l| l.starts_with("/// Doc of f200.")).unwrap_or(2) as u32;
    let mut version = 1;
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let ch = if version % 2 == 0 { "g" } else { "c" };
                let start = Instant::now();
                notify(
                    &client,
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                        {"range": {"start": {"line": line, "character": 6}, "end": {"line": line, "character": 7}}, "text": ch}
                    ]}),
                );
                wait_publish(&client, version);
                total += start.elapsed();
            }
            total
        })
    });
    client
        .sender
        .send(Message::Request(Request::new(2.into(), "shutdown".into(), json!(null))))
        .expect("send");
    notify(&client, "exit", json!(null));
    let _ = thread.join();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(10));
    targets = bench
}
criterion_main!(benches);

/// The allocator of the `warrant` binary (src/main.rs), so the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
