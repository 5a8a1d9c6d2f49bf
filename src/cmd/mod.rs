//! One module per subcommand of the `warrant` binary.

pub mod check;
pub mod fmt;
