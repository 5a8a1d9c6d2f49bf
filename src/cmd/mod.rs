//! One module per subcommand of the `warrant` binary.

pub mod audit;
pub mod check;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod lsp;
pub mod verify;
