//! The language server benchmark's workload and client side, shared by
//! `benches/lsp.rs` and `examples/latency.rs` (each includes this file with
//! `#[path = ...] mod workload;`). It sits in a subfolder so that cargo does not
//! take it for a bench of its own.

use lsp_server::{Connection, Message, Notification};
use serde_json::json;
use std::time::Duration;

/// About `lines` lines of declarations, lemmas with proofs and techniques.
pub fn generate(lines: usize) -> String {
    let mut s = String::from("module bench\n\n");
    let mut i = 0;
    while s.lines().count() < lines {
        s.push_str(&format!(
            "/// Doc of f{i}.\n\
             fn f{i}(x: Rat): Rat\n\
             axiom f{i}_bound: forall x: Rat. 0 <= f{i}(x) <= 1\n\
             def g{i}(x: Rat): Rat = f{i}(x) * 2\n\
             lemma l{i}: forall x: Rat. f{i}(x) <= 1 -> 2 * f{i}(x) <= 2 := by {{\n\
             \x20 intro x h\n\
             \x20 linarith\n\
             }}\n\
             technique T{i}(x: Rat) {{\n\
             \x20 assume a: f{i}(x) <= 1\n\
             \x20 guarantee g: 2 * f{i}(x) <= 2 := by linarith\n\
             }}\n"
        ));
        i += 1;
    }
    s
}

pub fn notify(c: &Connection, method: &str, params: serde_json::Value) {
    c.sender.send(Message::Notification(Notification::new(method.into(), params))).expect("send");
}

/// Waits for the `publishDiagnostics` of `version`.
pub fn wait_publish(c: &Connection, version: i32) {
    loop {
        match c.receiver.recv_timeout(Duration::from_secs(60)).expect("a publication") {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics" && n.params["version"] == json!(version) =>
            {
                return
            }
            _ => {}
        }
    }
}
