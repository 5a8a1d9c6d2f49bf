//! Annotated fixtures: each `tests/fixtures/*.wr` states in its header the diagnostics
//! it must produce, one `// expect: CODE LINE` (or `CODE FILE:LINE` for another file)
//! per diagnostic, or `// expect: none`. One test runs them all.
use std::path::Path;
use warrant_lang::render::line_col;
use warrant_lang::{load, Input, Options};

fn expectations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("//") else { break };
        if let Some(e) = rest.trim().strip_prefix("expect:") {
            let e = e.trim();
            if e != "none" {
                out.push(e.to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wr"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let want = expectations(&text);
        let program = load(&[Input::Path(f.clone())], &Options::default());
        let mut got: Vec<String> = program
            .diagnostics
            .iter()
            .map(|d| {
                let src = program.sources.get(d.file).unwrap();
                let line = d.span().map(|s| line_col(&src.text, s.start as usize).0).unwrap_or(0);
                let same = src.path.as_deref() == Some(f.as_path());
                let file = Path::new(&src.name).file_name().unwrap().to_string_lossy().to_string();
                if same {
                    format!("{} {line}", d.code())
                } else {
                    format!("{} {file}:{line}", d.code())
                }
            })
            .collect();
        got.sort();
        if got != want {
            let msgs: Vec<String> = program.diagnostics.iter().map(|d| d.error.to_string()).collect();
            failures.push(format!("{}:\n  want {want:?}\n  got  {got:?}\n  messages {msgs:#?}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
