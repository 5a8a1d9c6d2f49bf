//! `warrant explain [CODE]`: a finding's documentation with an example; without a
//! code, the list of codes.

use std::process::ExitCode;
use warrant_auditor::{Code, ALL_CODES};

/// Arguments of `warrant explain`.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A finding code, e.g. `new-axiom`. Without one, every code is listed.
    pub code: Option<String>,
}

/// Runs `warrant explain`.
pub fn run(args: &ExplainArgs) -> ExitCode {
    match &args.code {
        None => {
            println!("Finding codes (default severity):");
            for c in ALL_CODES {
                let first = c.explain().lines().nth(2).unwrap_or("");
                println!("  {:<24} {:<7} {}", c.as_str(), c.default_severity().as_str(), first);
            }
            println!("\nRun `warrant explain CODE` for one code's documentation and an example.");
            ExitCode::SUCCESS
        }
        Some(code) => match Code::parse(code.trim_start_matches("warrant::")) {
            Some(c) => {
                print!("{}", c.explain());
                ExitCode::SUCCESS
            }
            None => {
                let known: Vec<&str> = ALL_CODES.iter().map(|c| c.as_str()).collect();
                eprintln!(
                    "warrant explain: `{code}` is not a finding code; the codes are: {}",
                    known.join(", ")
                );
                ExitCode::from(2)
            }
        },
    }
}
