//! Which files a directory input stands for: every `.wr` file below it, except the
//! folders and files that a `warrant.toml` manifest in a walked directory excludes.
//!
//! A manifest is a TOML file named `warrant.toml` with one key:
//!
//! ```toml
//! # Each file under `submissions` is an independent input for `warrant audit`,
//! # several of them deliberately broken: not part of this library.
//! exclude = ["submissions"]
//! ```
//!
//! Each entry is a path relative to the manifest's directory, without `..`, that
//! exists. The manifest applies to the walk of its own directory and everything below
//! it. It never hides a file named on the command line: naming a file, or a directory
//! inside an excluded one, checks it. Every excluded path is reported
//! ([`Skipped`]), so nothing is left out silently.
//!
//! `warrant check` and the language server apply manifests ([`crate::Options::manifests`]);
//! `warrant audit` does not: a gate audits every file it is pointed at, and a manifest
//! inside a submission's folder is the submitter's own file.
//!
//! The walk is bounded: [`MAX_WALK_DEPTH`] directory levels, manifests no larger than
//! the file-size limit.

use crate::diag::{ss, LangError};
use crate::span::Span;
use std::path::{Component, Path, PathBuf};

/// The name of a directory's manifest.
pub const MANIFEST_NAME: &str = "warrant.toml";

/// Directory levels a walk descends at most; deeper folders are not searched.
pub const MAX_WALK_DEPTH: usize = 64;

/// A path a manifest excluded from a directory walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The excluded file or folder.
    pub path: PathBuf,
    /// The manifest that excluded it.
    pub manifest: PathBuf,
    /// How many `.wr` files it holds (1 or 0 for a file).
    pub files: usize,
}

/// A manifest that could not be used, with its text so the error can show it.
pub(crate) struct ManifestProblem {
    /// The manifest's path.
    pub path: PathBuf,
    /// Its text (empty when it could not be read).
    pub text: String,
    /// What is wrong.
    pub error: LangError,
}

/// What walking the directories of a run found.
#[derive(Default)]
pub(crate) struct Walk {
    /// The `.wr` files to load, sorted.
    pub files: Vec<PathBuf>,
    /// What manifests excluded.
    pub skipped: Vec<Skipped>,
    /// Manifests that are not valid (their exclusions are not applied).
    pub problems: Vec<ManifestProblem>,
}

/// Walks `dir`: every `.wr` file below it except what manifests exclude, when
/// `manifests` is on. `max_manifest_bytes` bounds the size of a manifest read.
pub(crate) fn walk_directory(dir: &Path, manifests: bool, max_manifest_bytes: u64) -> Walk {
    let mut walk = Walk::default();
    walk_into(dir, &mut Vec::new(), 0, manifests, max_manifest_bytes, &mut walk);
    walk.files.sort();
    walk.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    walk
}

fn walk_into(
    dir: &Path,
    excluded: &mut Vec<PathBuf>,
    depth: usize,
    manifests: bool,
    max_bytes: u64,
    walk: &mut Walk,
) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    let manifest = dir.join(MANIFEST_NAME);
    let inherited = excluded.len();
    if manifests && manifest.is_file() {
        match read_manifest(&manifest, dir, max_bytes) {
            Ok(paths) => {
                for path in paths {
                    let files = count_wr(&path, depth);
                    walk.skipped.push(Skipped { path: path.clone(), manifest: manifest.clone(), files });
                    excluded.push(path);
                }
            }
            Err(problem) => walk.problems.push(*problem),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if excluded.contains(&path) {
                continue;
            }
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                walk_into(&path, excluded, depth + 1, manifests, max_bytes, walk);
            } else if kind.is_file() && is_wr(&path) {
                walk.files.push(path);
            }
        }
    }
    excluded.truncate(inherited);
}

fn is_wr(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "wr")
}

/// `.wr` files at or below `path`, counted within the walk's depth bound.
fn count_wr(path: &Path, depth: usize) -> usize {
    if depth > MAX_WALK_DEPTH {
        return 0;
    }
    if path.is_file() {
        return usize::from(is_wr(path));
    }
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries.flatten().map(|e| count_wr(&e.path(), depth + 1)).sum()
}

/// The manifest's shape: unknown keys are errors, so a typo is not silently ignored.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
}

/// Reads `manifest` (in `dir`) and returns the paths it excludes.
fn read_manifest(manifest: &Path, dir: &Path, max_bytes: u64) -> Result<Vec<PathBuf>, Box<ManifestProblem>> {
    let problem = |text: String, message: String, help: &str, span: Span| {
        Box::new(ManifestProblem {
            path: manifest.to_path_buf(),
            text,
            error: LangError::Manifest { message, help: help.to_string(), span: ss(span) },
        })
    };
    let too_big = std::fs::metadata(manifest).map(|m| m.len() > max_bytes).unwrap_or(false);
    if too_big {
        let message = format!("the manifest is larger than the file-size limit ({max_bytes} bytes)");
        return Err(problem(String::new(), message, "a manifest lists a few paths", Span::default()));
    }
    let text = match std::fs::read(manifest).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            let help = "write the manifest in UTF-8";
            return Err(problem(String::new(), "the manifest is not UTF-8".into(), help, Span::default()));
        }
        Err(e) => {
            let message = format!("cannot read the manifest: {e}");
            return Err(problem(String::new(), message, "check its permissions", Span::default()));
        }
    };
    let parsed: ManifestFile = match toml::from_str(&text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let span = e.span().map(|r| Span::new(r.start, r.end)).unwrap_or_default();
            let message = format!("invalid manifest: {}", e.message().trim_end());
            let help = "the only key is `exclude = [\"folder\", ...]`, paths relative to the manifest";
            return Err(problem(text, message, help, span));
        }
    };
    let mut paths = Vec::with_capacity(parsed.exclude.len());
    for entry in &parsed.exclude {
        let range = entry.span();
        let span = Span::new(range.start, range.end);
        let Some(path) = relative_inside(dir, entry.get_ref()) else {
            let message = format!("`{}` is not a path inside the manifest's folder", entry.get_ref());
            let help = "write a relative path without `..`, such as `submissions`";
            return Err(problem(text.clone(), message, help, span));
        };
        if !path.exists() {
            let message = format!("`{}` does not exist", entry.get_ref());
            let help = "a misspelt exclusion would silently exclude nothing: fix or remove it";
            return Err(problem(text.clone(), message, help, span));
        }
        paths.push(path);
    }
    Ok(paths)
}

/// `dir` joined with `relative` when that is a non-empty relative path with no `..`,
/// built component by component so it compares equal to the paths a walk produces.
fn relative_inside(dir: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = dir.to_path_buf();
    let mut any = false;
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => {
                path.push(part);
                any = true;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    any.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn names(dir: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/")).collect()
    }

    #[test]
    fn without_a_manifest_every_wr_file_is_walked() {
        let dir = tree(&[("a.wr", ""), ("sub/b.wr", ""), ("sub/c.txt", "")]);
        let walk = walk_directory(dir.path(), true, 1 << 20);
        assert_eq!(names(dir.path(), &walk.files), ["a.wr", "sub/b.wr"]);
        assert!(walk.skipped.is_empty() && walk.problems.is_empty());
    }

    #[test]
    fn a_manifest_excludes_folders_and_files_and_reports_them() {
        let dir = tree(&[
            ("warrant.toml", "exclude = [\"broken\", \"./one.wr\"]\n"),
            ("lib.wr", ""),
            ("one.wr", ""),
            ("broken/x.wr", ""),
            ("broken/deep/y.wr", ""),
        ]);
        let walk = walk_directory(dir.path(), true, 1 << 20);
        assert_eq!(names(dir.path(), &walk.files), ["lib.wr"]);
        let skipped: Vec<(String, usize)> = walk
            .skipped
            .iter()
            .map(|s| (names(dir.path(), std::slice::from_ref(&s.path))[0].clone(), s.files))
            .collect();
        assert_eq!(skipped, [("broken".to_string(), 2), ("one.wr".to_string(), 1)]);
        assert!(walk.problems.is_empty());
    }

    #[test]
    fn manifests_off_walks_everything() {
        let dir = tree(&[("warrant.toml", "exclude = [\"x\"]\n"), ("x/f.wr", ""), ("g.wr", "")]);
        let walk = walk_directory(dir.path(), false, 1 << 20);
        assert_eq!(names(dir.path(), &walk.files), ["g.wr", "x/f.wr"]);
        assert!(walk.skipped.is_empty() && walk.problems.is_empty());
    }

    #[test]
    fn a_nested_manifest_applies_to_its_own_subtree_only() {
        let dir = tree(&[("a/warrant.toml", "exclude = [\"x\"]\n"), ("a/x/f.wr", ""), ("b/x/g.wr", "")]);
        let walk = walk_directory(dir.path(), true, 1 << 20);
        assert_eq!(names(dir.path(), &walk.files), ["b/x/g.wr"]);
        // Walking the excluded folder itself checks it: exclusion never hides what is named.
        let walk = walk_directory(&dir.path().join("a/x"), true, 1 << 20);
        assert_eq!(walk.files.len(), 1);
    }

    fn problem(manifest: &str) -> (String, String, Span) {
        let dir = tree(&[("warrant.toml", manifest), ("ok/f.wr", "")]);
        let mut walk = walk_directory(dir.path(), true, 1 << 20);
        assert_eq!(walk.problems.len(), 1, "{manifest}");
        // An invalid manifest excludes nothing.
        assert_eq!(walk.files.len(), 1);
        let p = walk.problems.remove(0);
        let span = p.error.primary_span().unwrap();
        let code = miette::Diagnostic::code(&p.error).unwrap().to_string();
        (code, p.error.to_string(), span)
    }

    #[test]
    fn invalid_manifests_are_diagnostics_with_spans() {
        let (code, message, span) = problem("exclude = [\"missing\"]\n");
        assert_eq!(code, "warrant::manifest");
        assert_eq!(message, "`missing` does not exist");
        assert_eq!(span, Span::new(11, 20));

        let (_, message, span) = problem("exclude = [\"../up\"]\n");
        assert_eq!(message, "`../up` is not a path inside the manifest's folder");
        assert_eq!(span, Span::new(11, 18));

        let (_, message, _) = problem("exclude = [\"/abs\"]\n");
        assert_eq!(message, "`/abs` is not a path inside the manifest's folder");

        let (_, message, span) = problem("exlude = [\"ok\"]\n");
        assert!(message.starts_with("invalid manifest: unknown field `exlude`"), "{message}");
        assert_eq!(span.start, 0);

        let (_, message, _) = problem("exclude = \"ok\"\n");
        assert!(message.starts_with("invalid manifest: invalid type"), "{message}");
    }

    #[test]
    fn an_oversized_manifest_is_refused() {
        let dir = tree(&[("warrant.toml", "exclude = [\"ok\"]\n"), ("ok/f.wr", "")]);
        let walk = walk_directory(dir.path(), true, 4);
        assert_eq!(walk.problems.len(), 1);
        assert_eq!(
            walk.problems[0].error.to_string(),
            "the manifest is larger than the file-size limit (4 bytes)"
        );
        assert_eq!(walk.files.len(), 1);
    }
}
