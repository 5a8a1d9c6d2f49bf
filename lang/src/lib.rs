//! # warrant-lang: the language front end
//!
//! This crate owns everything between source text and the kernel: files, the lexer,
//! the lalrpop grammar (the definition of the language, whose recovering parser gives
//! every syntax diagnostic) and a hand-written parser that runs first and gives up on
//! anything it does not parse cleanly (see [`mod@parse`]), the syntax tree with
//! byte-offset spans, modules and imports, name resolution, type checking, lowering
//! into kernel terms and signatures, miette diagnostics and the formatter. It must
//! never decide truth: it builds the statements that the kernel and the prover judge,
//! and nothing more.
#![warn(missing_docs)]

pub mod ast;
pub mod diag;
pub mod lexer;
pub mod limits;
pub mod parse;
pub mod span;

pub use diag::{Diagnostic, LangError};
pub use limits::Limits;
pub use parse::{parse, parse_bytes, parse_expr, Parsed};
pub use span::{FileId, Span};
pub mod elab;
pub mod modules;
pub mod numeral;
pub mod program;
pub mod walk;

pub use elab::instantiate;
pub use modules::{embedded_std, load, Input, Options};
pub use program::*;
pub mod hook;
pub mod render;

pub use hook::{check_proofs, ProofChecker, ProofReport, ProofStatus, Unchecked};
pub mod fmt;
pub mod incremental;
