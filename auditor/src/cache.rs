//! The on-disk cache of technique audits, addressed by content.
//!
//! The key of a technique hashes the kernel's version, the technique's own text, the
//! text of the non-technique items of its module and of every module that module
//! imports (with their `limits` settings), and the keys of the techniques it uses. So a change below a technique
//! changes its key and the keys above it, and nothing else.
//! The auditor reads and writes the cache through [`Cache::for_engine`], which puts a
//! digest of the proof engine's bounds before every key: the same technique audited
//! under other bounds is another entry. An outcome that hit a bound (a `limit`
//! finding) is not stored at all, since some bounds are wall-clock time.
//!
//! A cache entry holds the technique's findings and verdict, and the proof objects of
//! its closed guarantee theorems. A hit is never trusted: the proofs are re-checked by
//! the kernel (which is fast; it is the proof *search* the cache saves), and a proof
//! that no longer checks makes the entry a miss. The key does not say where the
//! technique is, but its findings' spans do: an entry records the place (file name,
//! first byte) where it was made, and text added above a technique moves its findings
//! by as much; they must all point into the technique's own item (the key covers its
//! text, never where other text is): a finding pointing elsewhere in the file, or
//! into another file, makes it a miss, moved or not, rather than a finding that may
//! point where the text no longer is.
//!
//! Layout (format `v2`): entries are written in packs, one per audit run, so that a
//! run that audits ten thousand techniques creates two files rather than ten thousand:
//!
//! - `DIR/v2/packs/<hash>.json`: a JSON array of `[key, entry]` pairs; `<hash>` is the
//!   sha256 of the file's bytes, so a pack is never rewritten in place;
//! - `DIR/v2/index`: one line `<key> <pack hash>` per entry, appended by each run.
//!
//! Reads load the index once and each pack at most once per [`Cache`] value. A line,
//! pack or entry that cannot be read is a miss, never an error: a cache that is
//! damaged or forged only makes the audit slower.

use crate::finding::Finding;
use crate::report::{GuaranteeReport, Verdict};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use warrant_kernel::Proof;

/// The cache format's version; part of every path.
const FORMAT: &str = "v2";

/// How many bytes of packs [`Cache::preload`] reads at most (beyond the pack that
/// crosses the bound).
pub const PRELOAD_BYTES: u64 = 256 << 20;

/// What is stored for one technique.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The technique's qualified name (a sanity check on reads).
    pub technique: String,
    /// Where the technique was when its findings were made: its file's name and its
    /// item's first byte. The key does not cover where the technique is, and the
    /// findings' files and spans point there, so an entry is used only in that file,
    /// and only when every finding points into the technique's own item (then moved
    /// with it, if it moved); an entry without it, from an older writer, is never
    /// used.
    #[serde(default)]
    pub place: Option<(String, usize)>,
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

/// A loaded pack: its text, and where each entry's JSON lies in it, by key. Entries are
/// decoded when asked for, so a run decodes only the entries it uses, and the threads
/// that ask decode them in parallel.
struct Pack {
    text: String,
    entries: HashMap<String, std::ops::Range<usize>>,
}

impl Pack {
    /// Reads a pack's text: a JSON array of `[key, entry]` pairs. `None` when it is not
    /// that, or is larger than the kernel's JSON limit.
    ///
    /// Only the pairs are parsed here, two levels deep; an entry is skipped over as raw
    /// text by serde_json's iterative scanner (no recursion, whatever its depth), so its
    /// depth is measured when it is decoded ([`Pack::get`]), not here.
    fn read(text: String) -> Option<Pack> {
        let limits = warrant_kernel::Limits::default();
        if text.len() > limits.max_json_bytes {
            return None;
        }
        // serde_json's own recursion limit stays on: the pairs need two levels.
        let mut de = serde_json::Deserializer::from_str(&text);
        let pairs: Vec<(String, &serde_json::value::RawValue)> =
            serde::Deserialize::deserialize(&mut de).ok()?;
        de.end().ok()?;
        let base = text.as_ptr() as usize;
        let entries = pairs
            .into_iter()
            .map(|(key, raw)| {
                // `raw` is a slice of `text`: its offset is the distance between them.
                let start = raw.get().as_ptr() as usize - base;
                (key, start..start + raw.get().len())
            })
            .collect();
        Some(Pack { text, entries })
    }

    /// The entry under `key`, decoded; `None` if absent or unreadable.
    ///
    /// Entries are first decoded by serde_json as it is, whose recursion limit (128
    /// levels) keeps the decoder within the stack: that is every entry of proofs of
    /// ordinary depth, without measuring the text first or growing the stack at each
    /// level. An entry that fails that way (deeper, or not an entry) is decoded as the
    /// kernel decodes JSON (`from_json`: up to its depth limit, on a stack grown as
    /// needed), so what is readable is what the kernel's decoder reads.
    fn get(&self, key: &str) -> Option<Entry> {
        let json = self.text.get(self.entries.get(key)?.clone())?;
        serde_json::from_str(json)
            .ok()
            .or_else(|| warrant_kernel::from_json(json, &warrant_kernel::Limits::default()).ok())
    }
}

/// A cache directory. Clones share what was loaded and what waits to be written.
#[derive(Clone)]
pub struct Cache {
    dir: PathBuf,
    state: Arc<State>,
    /// Put before every key: a digest of the proof engine's
    /// [`crate::ProofEngine::cache_identity`] (see [`Cache::for_engine`]), so that
    /// entries made under other bounds are misses. Empty for [`Cache::new`].
    namespace: Arc<str>,
}

#[derive(Default)]
struct State {
    /// Key to pack hash, read from the index on the first lookup.
    index: OnceLock<HashMap<String, String>>,
    /// Packs read so far (`None`: unreadable).
    packs: Mutex<HashMap<String, Option<Arc<Pack>>>>,
    /// Entries stored since the last [`Cache::flush`].
    pending: Mutex<Vec<(String, Entry)>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// Is `s` a plausible hash (a key or a pack name): hexadecimal and not tiny?
fn is_hash(s: &str) -> bool {
    s.len() >= 3 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Cache {
    /// The cache in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into(), state: Arc::new(State::default()), namespace: Arc::from("") }
    }

    /// This cache as `engine` sees it: the same directory and loaded state, every key
    /// prefixed with the first 128 bits of the sha256 of its
    /// [`crate::ProofEngine::cache_identity`]. A technique's content hash says what was
    /// asked; the engine's bounds decide what its searches find, so an entry made by an
    /// engine with other bounds answers another question.
    pub fn for_engine(&self, engine: &dyn crate::ProofEngine) -> Cache {
        let digest = hex::encode(&Sha256::digest(engine.cache_identity().as_bytes())[..16]);
        Cache { dir: self.dir.clone(), state: self.state.clone(), namespace: Arc::from(digest) }
    }

    /// The key an entry for `key` is stored under.
    fn full_key(&self, key: &str) -> String {
        let mut full = String::with_capacity(self.namespace.len() + key.len());
        full.push_str(&self.namespace);
        full.push_str(key);
        full
    }

    fn root(&self) -> PathBuf {
        self.dir.join(FORMAT)
    }

    fn pack_path(&self, pack: &str) -> PathBuf {
        self.root().join("packs").join(format!("{pack}.json"))
    }

    fn index(&self) -> &HashMap<String, String> {
        self.state.index.get_or_init(|| {
            let text = std::fs::read_to_string(self.root().join("index")).unwrap_or_default();
            text.lines()
                .filter_map(|line| line.split_once(' '))
                .filter(|(key, pack)| is_hash(key) && is_hash(pack))
                .map(|(key, pack)| (key.to_string(), pack.to_string()))
                .collect()
        })
    }

    fn pack(&self, pack: &str) -> Option<Arc<Pack>> {
        let mut packs = self.state.packs.lock().unwrap_or_else(|e| e.into_inner());
        packs
            .entry(pack.to_string())
            .or_insert_with(|| Pack::read(std::fs::read_to_string(self.pack_path(pack)).ok()?).map(Arc::new))
            .clone()
    }

    /// Reads the index and the packs it names, so that the audit's lookups find them
    /// loaded (the auditor calls this while the front end runs on another thread). The
    /// packs holding the most entries come first; once [`PRELOAD_BYTES`] have been
    /// read, the rest are left to be read when a lookup needs them, so that a cache
    /// grown over many runs does not make every run read all of it.
    pub fn preload(&self) {
        let mut counts: HashMap<&String, usize> = HashMap::new();
        for pack in self.index().values() {
            *counts.entry(pack).or_default() += 1;
        }
        let mut packs: Vec<(&String, usize)> = counts.into_iter().collect();
        packs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut read = 0u64;
        for (pack, _) in packs {
            if read >= PRELOAD_BYTES {
                break;
            }
            read += self.pack(pack).map_or(0, |p| p.text.len() as u64);
        }
    }

    /// The entry stored under `key`, if any and readable.
    pub fn get(&self, key: &str) -> Option<Entry> {
        if !is_hash(key) {
            return None;
        }
        let key = self.full_key(key);
        let pack = self.index().get(&key)?;
        self.pack(pack)?.get(&key)
    }

    /// Stores `entry` under `key`; it reaches the disk at the next [`Cache::flush`].
    pub fn put(&self, key: &str, entry: Entry) {
        if is_hash(key) {
            let mut pending = self.state.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.push((self.full_key(key), entry));
        }
    }

    /// Writes the entries stored since the last flush as one pack and appends them to
    /// the index. Failures are ignored: a cache that cannot be written only makes the
    /// next audit slower.
    pub fn flush(&self) {
        let pending = std::mem::take(&mut *self.state.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if pending.is_empty() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(&pending) else { return };
        let pack = hex::encode(Sha256::digest(&bytes));
        let path = self.pack_path(&pack);
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        // The pack first, then the index lines that point into it: a reader never
        // finds a line whose pack is missing, except after a crash (then: a miss).
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, &bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return;
        }
        let lines: String = pending.iter().map(|(key, _)| format!("{key} {pack}\n")).collect();
        // One append of all lines, so concurrent runs do not interleave within a line.
        let index = std::fs::OpenOptions::new().create(true).append(true).open(self.root().join("index"));
        if let Ok(mut index) = index {
            let _ = index.write_all(lines.as_bytes());
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

    fn entry(technique: &str) -> Entry {
        Entry {
            technique: technique.into(),
            place: Some(("m.wr".into(), 0)),
            findings: vec![],
            broken: false,
            verdict: Verdict::Accepted,
            guarantees: vec![],
            theorems: vec![("m.T.g".into(), Proof { steps: vec![warrant_kernel::Step::TrueIntro] })],
        }
    }

    #[test]
    fn stores_in_packs_reads_back_and_ignores_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        assert!(cache.get("ab12cd").is_none());
        cache.put("ab12cd", entry("m.T"));
        cache.put("ef34", entry("m.U"));
        cache.put("../etc", entry("m.V"));
        // Nothing is on disk before the flush.
        assert!(Cache::new(dir.path()).get("ab12cd").is_none());
        cache.flush();
        let packs: Vec<_> = std::fs::read_dir(dir.path().join("v2/packs")).unwrap().flatten().collect();
        assert_eq!(packs.len(), 1, "one pack per flush");
        let fresh = Cache::new(dir.path());
        assert_eq!(fresh.get("ab12cd").unwrap().technique, "m.T");
        assert_eq!(fresh.get("ef34").unwrap().theorems[0].1.steps.len(), 1);
        assert!(fresh.get("../etc").is_none());
        // A second run's pack is added beside the first; both stay readable.
        let second = Cache::new(dir.path());
        second.put("0099", entry("m.W"));
        second.flush();
        let fresh = Cache::new(dir.path());
        assert_eq!(fresh.get("0099").unwrap().technique, "m.W");
        assert_eq!(fresh.get("ab12cd").unwrap().technique, "m.T");
        // A damaged pack is a miss for every entry in it; garbage index lines are skipped.
        std::fs::write(packs[0].path(), "[ not json").unwrap();
        let mut index = std::fs::OpenOptions::new().append(true).open(dir.path().join("v2/index")).unwrap();
        index.write_all(b"garbage\nzz ../../etc\n").unwrap();
        let fresh = Cache::new(dir.path());
        assert!(fresh.get("ab12cd").is_none());
        assert_eq!(fresh.get("0099").unwrap().technique, "m.W");
    }

    #[test]
    fn entries_are_decoded_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("aa11", entry("m.T"));
        cache.put("bb22", entry("m.U"));
        cache.flush();
        let pack = std::fs::read_dir(dir.path().join("v2/packs")).unwrap().flatten().next().unwrap().path();
        // One entry made unreadable (a step of no known rule): only it is a miss.
        let text = std::fs::read_to_string(&pack).unwrap();
        let damaged = text.replacen("TrueIntro", "NoSuchRule", 1);
        assert_ne!(damaged, text);
        std::fs::write(&pack, damaged).unwrap();
        let fresh = Cache::new(dir.path());
        fresh.preload();
        assert!(fresh.get("aa11").is_none());
        assert_eq!(fresh.get("bb22").unwrap().technique, "m.U");
        // A pack nested beyond the kernel's JSON depth limit is not read at all.
        let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        std::fs::write(&pack, deep).unwrap();
        assert!(Cache::new(dir.path()).get("bb22").is_none());
    }

    /// An entry deeper than serde_json's recursion limit is read by the kernel's
    /// decoder (up to the kernel's depth limit); one beyond that limit is a miss.
    #[test]
    fn deep_entries_are_read_up_to_the_kernel_depth_limit() {
        let nested = |depth: usize| {
            let mut formula = "\"True\"".to_string();
            for _ in 0..depth {
                formula = format!("{{\"Not\":{formula}}}");
            }
            formula
        };
        let pack = |formula: &str| {
            format!(
                "[[\"aa11\",{{\"technique\":\"m.T\",\"findings\":[],\"broken\":false,\"verdict\":\"accepted\",\"guarantees\":[],\"theorems\":[[\"m.T.g\",{{\"steps\":[{{\"Assume\":{{\"formula\":{formula}}}}}]}}]]}}]]"
            )
        };
        // The shape is that of a stored entry.
        let shallow = Pack::read(pack(&nested(1))).unwrap();
        assert_eq!(shallow.get("aa11").unwrap().theorems[0].1.steps.len(), 1);
        let deep = Pack::read(pack(&nested(300))).unwrap();
        let entry = deep.get("aa11").expect("an entry 300 deep is read");
        assert!(matches!(&entry.theorems[0].1.steps[0], warrant_kernel::Step::Assume { .. }));
        let limit = warrant_kernel::Limits::default().max_json_depth;
        let too_deep = Pack::read(pack(&nested(limit + 10))).unwrap();
        assert!(too_deep.get("aa11").is_none());
    }
}
