//! # warrant-lsp: the language server
//!
//! This crate owns the Language Server Protocol over stdio: document sync, diagnostics,
//! hovers, definitions, completion. It must never hold logic the command line lacks:
//! every answer comes from the same library calls `warrant check` and `warrant audit` make.
#![warn(missing_docs)]
