//! The texts on disk that the parsing tests read (`pieces.rs`, `fast_parse.rs`): the
//! fixtures and the corpus, the embedded standard library among it.
use std::path::{Path, PathBuf};

/// Every `.wr` file of the fixtures and of the corpus with its text, in path order.
pub fn fixtures_and_corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    wr_files(&root.join("tests/fixtures"), &mut paths);
    wr_files(&root.join("../corpus"), &mut paths);
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), std::fs::read_to_string(p).unwrap())).collect()
}

fn wr_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            wr_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "wr") {
            out.push(path);
        }
    }
}
