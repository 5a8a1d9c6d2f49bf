//! The on-disk cache of technique audits, addressed by content.
//!
//! The key of a technique hashes the kernel's version, the technique's own text, the
//! text of the non-technique items of its module and of every module that module
//! imports (with their `limits` settings), and the keys of the techniques it uses. So a change below a technique
//! changes its key and the keys above it, and nothing else.
//!
//! A cache entry holds the technique's findings and verdict, and the proof objects of
//! its closed guarantee theorems. A hit is never trusted: the proofs are re-checked by
//! the kernel (which is fast; it is the proof *search* the cache saves), and a proof
//! that no longer checks makes the entry a miss.

use crate::finding::Finding;
use crate::report::{GuaranteeReport, Verdict};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use warrant_kernel::Proof;

/// The cache format's version; part of every path.
const FORMAT: &str = "v1";

/// What is stored for one technique.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The technique's qualified name (a sanity check on reads).
    pub technique: String,
    /// Its findings (severities as the policy of the run that stored them set them;
    /// the reader re-applies its own policy).
    pub findings: Vec<Finding>,
    /// Whether something could not be established (the verdict is re-decided from
    /// this and the findings under the reader's policy).
    pub broken: bool,
    /// Its verdict when stored.
    pub verdict: Verdict,
    /// Its guarantees as reported.
    pub guarantees: Vec<GuaranteeReport>,
    /// The closed guarantee theorems' names and proof objects.
    pub theorems: Vec<(String, Proof)>,
}

/// A cache directory.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        if key.len() < 3 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.dir.join(FORMAT).join(&key[..2]).join(format!("{key}.json")))
    }

    /// The entry stored under `key`, if any and readable.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let text = std::fs::read_to_string(self.path(key)?).ok()?;
        warrant_kernel::from_json(&text, &warrant_kernel::Limits::default()).ok()
    }

    /// Stores `entry` under `key`. Failures are ignored: a cache that cannot be
    /// written only makes the next audit slower.
    pub fn put(&self, key: &str, entry: &Entry) {
        let Some(path) = self.path(key) else { return };
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(entry) else {
            return;
        };
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_reads_back_and_ignores_garbage() {
        let dir = std::env::temp_dir().join(format!("warrant-cache-test-{}", std::process::id()));
        let cache = Cache::new(&dir);
        let entry = Entry {
            technique: "m.T".into(),
            findings: vec![],
            broken: false,
            verdict: Verdict::Accepted,
            guarantees: vec![],
            theorems: vec![("m.T.g".into(), Proof { steps: vec![warrant_kernel::Step::TrueIntro] })],
        };
        let key = "ab12cd";
        assert!(cache.get(key).is_none());
        cache.put(key, &entry);
        let back = cache.get(key).unwrap();
        assert_eq!(back.technique, "m.T");
        assert_eq!(back.theorems[0].1.steps.len(), 1);
        std::fs::write(cache.path(key).unwrap(), "{ not json").unwrap();
        assert!(cache.get(key).is_none());
        assert!(cache.path("../etc").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
