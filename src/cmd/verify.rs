//! `warrant verify BUNDLE`: re-check a certificate bundle with the kernel alone (no
//! parser, prover or auditor) and print what it proves and the trust base; with
//! `--print`, also the whole bundle spelled out as JSON (a bundle is stored in a
//! binary format).
//! Exit 0 verified, 1 refused (the reason is printed), 2 on an I/O error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use warrant_kernel::bundle::verify_bytes;

/// Arguments of `warrant verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The bundle that `warrant audit --bundle` wrote.
    pub bundle: PathBuf,
    /// After the summary, print the verified bundle spelled out, as JSON (every term
    /// and formula written out in full, so for reading, not for verifying again).
    #[arg(long)]
    pub print: bool,
}

/// Asks Linux not to back this process's memory with transparent huge pages from now
/// on (what `MIMALLOC_ALLOW_THP=0` does). `verify` lives a few milliseconds and touches
/// little memory: zeroing a 2 MiB page for each fresh arena was about a fifth of its
/// CPU samples (perf), and its system time fell from 6.3 to 3.5 ms with them off (the
/// same binary under `MIMALLOC_ALLOW_THP=1` and `=0`, hyperfine, 2026-11-27). Only a
/// speed setting: if the call fails, nothing changes.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` only sets a flag of the calling
    // process; it reads and writes no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Runs `warrant verify`.
pub fn run(args: &VerifyArgs) -> ExitCode {
    without_transparent_huge_pages();
    let bytes = match std::fs::read(&args.bundle) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("warrant verify: cannot read `{}`: {e}", args.bundle.display());
            return ExitCode::from(2);
        }
    };
    match verify_bytes(&bytes) {
        Ok(verification) => {
            let mut out = std::io::stdout().lock();
            let mut written = out.write_all(verification.summary.as_bytes());
            if args.print && written.is_ok() {
                written = serde_json::to_writer_pretty(&mut out, &verification.bundle)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"));
            }
            let written = written.and_then(|()| out.flush());
            // The process ends here: leave the bundle's terms and the rebuilt signature
            // to the operating system rather than free them one by one.
            std::mem::forget(verification);
            if written.is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("refused: {e}");
            ExitCode::from(1)
        }
    }
}
