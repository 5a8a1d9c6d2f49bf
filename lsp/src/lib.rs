//! # warrant-lsp: the language server
//!
//! This crate owns the Language Server Protocol over stdio: document sync, diagnostics,
//! hovers, definitions, completion. It must never hold logic the command line lacks:
//! every answer comes from the same library calls `warrant check` and `warrant audit` make.
//!
//! Layout: [`document`] (text, UTF-16 positions, incremental edits), [`analysis`] (a
//! snapshot: `warrant_lang::load` over the open documents, files ↔ URIs),
//! [`diagnostics`] (every stage's diagnostics as LSP ones), [`features`] (hover,
//! definition, references, symbols, completion, code actions), [`worker`] (proofs and
//! audits off the main thread), [`server`] (the main loop).
//!
//! ```no_run
//! // What `warrant lsp` does:
//! let code = warrant_lsp::run_stdio(warrant_lsp::Config::default());
//! ```
#![warn(missing_docs)]
// `lsp_types::Uri` caches its parse in a cell, but hashes and compares by its text:
// a sound map key (rust-analyzer allows this lint for the same reason).
#![allow(clippy::mutable_key_type)]

pub mod analysis;
pub mod diagnostics;
pub mod document;
pub mod features;
pub mod server;
pub mod uri;
pub mod worker;

use lsp_server::Connection;
use std::path::PathBuf;
use std::time::Duration;

pub use worker::Engine;

/// How the server runs.
#[derive(Clone)]
pub struct Config {
    /// Library roots searched for imports after the workspace folders
    /// (`warrant lsp --library DIR`).
    pub library: Vec<PathBuf>,
    /// How long the text must stay unchanged before it is analysed again.
    pub debounce: Duration,
    /// Check proofs (on the worker thread).
    pub prove: bool,
    /// The auditor's proof engine; with one, audit findings are diagnostics too.
    pub engine: Option<Engine>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            library: Vec::new(),
            debounce: Duration::from_millis(DEFAULT_DEBOUNCE_MS),
            prove: true,
            engine: None,
        }
    }
}

/// The default debounce, in milliseconds: none. The main loop takes every message
/// already waiting before it analyses, so edits that arrive together (or while an
/// analysis runs) are analysed once; a fixed wait on top would only delay every
/// publication (it was 10 ms, paid on each edit).
pub const DEFAULT_DEBOUNCE_MS: u64 = 0;

/// Serves one client on `conn`: the initialize handshake, then the main loop until
/// `shutdown`/`exit` or the connection closes.
pub fn serve(conn: &Connection, config: Config) -> Result<(), String> {
    let caps = serde_json::to_value(server::capabilities()).map_err(|e| e.to_string())?;
    let params = conn.initialize(caps).map_err(|e| e.to_string())?;
    let params: lsp_types::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize parameters: {e}"))?;
    server::Server::new(conn, config, &params).run()
}

/// Serves a client over standard input and output (`warrant lsp`).
pub fn run_stdio(config: Config) -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    let result = serve(&conn, config);
    drop(conn);
    io.join().map_err(|e| e.to_string())?;
    result
}
