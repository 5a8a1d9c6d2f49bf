//! The corpus as a test: every submission under `corpus/submissions` states its expected
//! outcome in a header, and the audit must produce exactly that verdict and exactly that
//! set of finding codes; the standard library and the techniques must check; every
//! technique cites its source.
//!
//! Header of a submission (leading `//` lines):
//!
//! ```text
//! // expect: accepted                 (or: rejected)
//! // findings: no-witness, unused-assumption   (sorted, comma-separated; `none` if none)
//! // challenge: corpus/challenges/safe_deployment.wr   (only for challenge submissions)
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use warrant_auditor::ALL_CODES;

mod support;
use support::*;

/// Every `.wr` file under `dir`, sorted.
fn wr_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read corpus folder") {
            let p = e.expect("folder entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "wr") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What a submission's header expects.
#[derive(Debug)]
struct Expected {
    accepted: bool,
    findings: Vec<String>,
    challenge: Option<String>,
}

fn header(path: &Path) -> Result<Expected, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (mut verdict, mut findings, mut challenge) = (None, None, None);
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("//") else { break };
        let rest = rest.trim();
        if let Some(v) = rest.strip_prefix("expect:") {
            verdict = Some(match v.trim() {
                "accepted" => true,
                "rejected" => false,
                other => return Err(format!("unknown verdict `{other}`")),
            });
        } else if let Some(f) = rest.strip_prefix("findings:") {
            let f = f.trim();
            findings = Some(if f == "none" {
                Vec::new()
            } else {
                f.split(',').map(|c| c.trim().to_string()).collect()
            });
        } else if let Some(c) = rest.strip_prefix("challenge:") {
            challenge = Some(c.trim().to_string());
        }
    }
    let accepted = verdict.ok_or("no `// expect:` line")?;
    let findings: Vec<String> = findings.ok_or("no `// findings:` line")?;
    let mut sorted = findings.clone();
    sorted.sort();
    sorted.dedup();
    if sorted != findings {
        return Err(format!("findings are not sorted and distinct: {findings:?}"));
    }
    for c in &findings {
        if !ALL_CODES.iter().any(|k| k.as_str() == c) {
            return Err(format!("`{c}` is not a finding code"));
        }
    }
    Ok(Expected { accepted, findings, challenge })
}

fn submissions() -> Vec<PathBuf> {
    wr_files(&root().join("corpus/submissions"))
}

/// The headers are well formed, there are at least 24 submissions, and between them
/// they expect every finding code.
#[test]
fn headers_cover_every_finding_code() {
    let files = submissions();
    assert!(files.len() >= 24, "only {} submissions", files.len());
    let mut seen = BTreeSet::new();
    let mut bad = Vec::new();
    for f in &files {
        match header(f) {
            Ok(e) => {
                if let Some(c) = &e.challenge {
                    if !root().join(c).is_file() {
                        bad.push(format!("{}: no challenge file `{c}`", f.display()));
                    }
                }
                seen.extend(e.findings);
            }
            Err(e) => bad.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(bad.is_empty(), "bad headers:\n{}", bad.join("\n"));
    let missing: Vec<&str> = ALL_CODES.iter().map(|c| c.as_str()).filter(|c| !seen.contains(*c)).collect();
    assert!(missing.is_empty(), "no submission expects {missing:?}");
}

/// Every technique of the corpus cites its source, and the corpus is well formed
/// (parse, names, types).
#[test]
fn techniques_cite_sources() {
    let inputs = vec![
        warrant_lang::Input::Path(root().join("corpus/std")),
        warrant_lang::Input::Path(root().join("corpus/techniques")),
    ];
    let program = warrant_lang::load(&inputs, &warrant_lang::Options::default());
    assert!(!program.has_errors(), "the corpus has errors: {:?}", program.diagnostics);
    let techniques: Vec<_> =
        program.techniques.iter().filter(|t| t.name.starts_with("techniques.")).collect();
    assert!(techniques.len() >= 15, "only {} techniques", techniques.len());
    let unsourced: Vec<&str> = techniques
        .iter()
        .filter(|t| t.source.as_deref().is_none_or(|s| s.trim().is_empty()))
        .map(|t| &*t.name)
        .collect();
    assert!(unsourced.is_empty(), "techniques without a source: {unsourced:?}");
}

/// `warrant check corpus` succeeds: the standard library, the techniques and the
/// challenges are well-formed and every proof checks. `corpus/warrant.toml` excludes
/// `corpus/submissions` (independent, often deliberately broken, audit inputs), and
/// the run says so.
#[test]
fn warrant_check_corpus_succeeds() {
    let out = warrant(&["check", "corpus"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "warrant check corpus failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = format!(
        "note: not checked: `{}` ({} .wr file(s)), excluded by `{}`",
        Path::new("corpus").join("submissions").display(),
        submissions().len(),
        Path::new("corpus").join("warrant.toml").display()
    );
    assert!(stdout.lines().any(|l| l == note), "missing `{note}` in:\n{stdout}");
    let summary = stdout.lines().last().unwrap_or_default();
    let proofs = summary.split("; ").nth(1).unwrap_or_default();
    let total: usize = proofs.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(total > 0, "{summary}");
    assert_eq!(
        proofs,
        format!("{total} proof(s): {total} checked, 0 unchecked, 0 sorry, 0 failed"),
        "{summary}"
    );
    assert!(summary.contains(" 0 error(s), 0 warning(s);"), "{summary}");
}

/// Every submission gets exactly the verdict and the finding codes its header states.
#[test]
fn submissions_match_their_headers() {
    let mut failures = Vec::new();
    for f in submissions() {
        let rel = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        let want = match header(&f) {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!("{rel}: {e}"));
                continue;
            }
        };
        let mut args = vec!["audit", "--library", "corpus", "--format", "json", "--no-cache"];
        if let Some(c) = &want.challenge {
            args.extend(["--challenge", c.as_str()]);
        }
        args.push(&rel);
        let out = warrant(&args);
        let report: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{rel}: no JSON report ({e}); exit {:?}; stderr: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
        };
        let verdict = report["verdict"].as_str().unwrap_or("?").to_string();
        let mut codes: Vec<String> = report["findings"]
            .as_array()
            .map(|fs| fs.iter().filter_map(|f| f["code"].as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        codes.sort();
        codes.dedup();
        let want_verdict = if want.accepted { "accepted" } else { "rejected" };
        if verdict != want_verdict || codes != want.findings {
            let messages: Vec<String> = report["findings"]
                .as_array()
                .map(|fs| fs.iter().map(|f| format!("    {}: {}", f["code"], f["message"])).collect())
                .unwrap_or_default();
            failures.push(format!(
                "{rel}: expected {want_verdict} {:?}, got {verdict} {codes:?}\n{}",
                want.findings,
                messages.join("\n")
            ));
        }
        // The exit code agrees with the verdict.
        let exit_ok = out.status.success();
        if exit_ok != (verdict == "accepted") {
            failures.push(format!("{rel}: exit {:?} but verdict {verdict}", out.status.code()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} submission(s) differ from their headers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
