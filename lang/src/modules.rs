//! Loading modules: files given to a run, their imports found on library roots or in
//! the embedded standard library, import cycles, and the dependency order.
//!
//! A module path maps to a file under a root: `std.prob` is `ROOT/std/prob.wr`. The
//! roots searched for an import, in order: the importing file's own root (the
//! directory that its `module` path is relative to), each `--library` root, and the
//! standard library embedded in the binary (`corpus/std` at build time).

use crate::ast::{ItemKind, Path as AstPath, SourceFile};
use crate::diag::{ss, Diagnostic, LangError};
use crate::limits::Limits;
use crate::parse::{parse, parse_bytes};
use crate::program::{Module, Program, SourceInfo, SourceMap};
use crate::span::{FileId, Span};
use crate::walk::{walk_directory, Skipped};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/embedded_std.rs"));

/// The standard library modules embedded in this build: (module path, source).
pub fn embedded_std() -> &'static [(&'static str, &'static str)] {
    EMBEDDED_STD
}

/// How to run the front end.
#[derive(Clone, Debug)]
pub struct Options {
    /// Limits on input.
    pub limits: Limits,
    /// Extra library roots (`--library DIR`), searched in order after a file's own root.
    pub library: Vec<PathBuf>,
    /// Search the embedded standard library (on by default).
    pub embedded_std: bool,
    /// Apply the `warrant.toml` manifests of the directories walked (on by default;
    /// see [`crate::walk`]). Off, a directory input stands for every `.wr` file below it.
    pub manifests: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { limits: Limits::default(), library: Vec::new(), embedded_std: true, manifests: true }
    }
}

/// One input of a run.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file on disk, or a directory whose `.wr` files (recursively) are inputs.
    Path(PathBuf),
    /// Text in memory (an editor buffer, a test) with the name shown in diagnostics.
    /// Its own root is the directory of `name` when that exists.
    Text {
        /// The file name shown.
        name: String,
        /// Its text.
        text: String,
    },
}

struct Loaded {
    name: String,
    file: FileId,
    ast: SourceFile,
    root: Option<PathBuf>,
    is_root: bool,
    /// (import path, index of the loaded module) for every import that resolved.
    imports: Vec<(AstPath, usize)>,
    parse_errors: Vec<u32>,
    attempted: crate::program::NameSet<String>,
}

struct Loader<'o> {
    options: &'o Options,
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    loaded: Vec<Loaded>,
    by_name: HashMap<String, usize>,
    skipped: Vec<Skipped>,
}

/// Loads, parses, resolves and type-checks `inputs` and everything they import.
///
/// ```
/// use warrant_lang::{load, Input, Options};
/// let text = "module demo\nimport std.prob\nsort Model\nfn rate(m: Model): Rat\n\
///             axiom rate_prob: forall m: Model. 0 <= rate(m) <= 1".to_string();
/// let program = load(&[Input::Text { name: "demo.wr".into(), text }], &Options::default());
/// assert!(program.diagnostics.is_empty(), "{:?}", program.diagnostics);
/// assert!(program.signature.fact("demo.rate_prob").is_some());
/// ```
pub fn load(inputs: &[Input], options: &Options) -> Program {
    load_with(inputs, options, true)
}

/// [`load`], elaborated `concurrent`ly (what [`load`] does: the techniques of a module
/// lowered layer by layer in parallel, a large program's declarations checked on a
/// thread of their own) or one thing after another (for the tests that check both
/// give the same program); see [`crate::elab::elaborate`].
pub(crate) fn load_with(inputs: &[Input], options: &Options, concurrent: bool) -> Program {
    let mut l = Loader {
        options,
        sources: SourceMap::default(),
        diags: Vec::new(),
        loaded: Vec::new(),
        by_name: HashMap::new(),
        skipped: Vec::new(),
    };
    for input in inputs {
        match input {
            Input::Path(p) => {
                if p.is_dir() {
                    let walk = walk_directory(p, l.options.manifests, l.limits().max_file_bytes as u64);
                    for problem in walk.problems {
                        let file = l.sources.add(SourceInfo {
                            name: problem.path.display().to_string(),
                            path: Some(problem.path),
                            text: Arc::from(problem.text),
                        });
                        l.diags.push(Diagnostic { file, error: problem.error });
                    }
                    l.skipped.extend(walk.skipped);
                    for f in walk.files {
                        l.load_file(&f, None, None);
                    }
                } else {
                    l.load_file(p, None, None);
                }
            }
            Input::Text { name, text } => {
                let root = Path::new(name).parent().map(Path::to_path_buf);
                l.add_module(name.clone(), None, text.as_bytes(), root, None, Some(name));
            }
        }
    }
    l.resolve_imports();
    let (order, cut) = l.order();
    l.build(order, cut, concurrent)
}

impl Loader<'_> {
    fn limits(&self) -> &Limits {
        &self.options.limits
    }

    /// Reads and adds a file; `expected` is the module name an import asked for.
    fn load_file(
        &mut self,
        path: &Path,
        expected: Option<&str>,
        import: Option<(FileId, Span)>,
    ) -> Option<usize> {
        let shown = path.display().to_string();
        let too_big =
            std::fs::metadata(path).map(|m| m.len() > self.limits().max_file_bytes as u64).unwrap_or(false);
        if too_big {
            let file = self.sources.add(SourceInfo {
                name: shown,
                path: Some(path.to_path_buf()),
                text: Arc::from(""),
            });
            self.diags.push(Diagnostic {
                file,
                error: LangError::Limit {
                    what: "the file's size".into(),
                    field: "max_file_bytes",
                    limit: self.limits().max_file_bytes as u64,
                    span: ss(Span::default()),
                },
            });
            return None;
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                let root = path.parent().map(Path::to_path_buf);
                self.add_module(shown, Some(path.to_path_buf()), &bytes, root, expected, None)
            }
            Err(e) => {
                let file = match import {
                    Some((f, _)) => f,
                    None => self.sources.add(SourceInfo {
                        name: shown.clone(),
                        path: Some(path.to_path_buf()),
                        text: Arc::from(""),
                    }),
                };
                self.diags
                    .push(Diagnostic { file, error: LangError::Io { path: shown, message: e.to_string() } });
                None
            }
        }
    }

    /// Parses and registers a module. `dir` is the file's directory; its own root is
    /// derived from the `module` header.
    fn add_module(
        &mut self,
        shown: String,
        path: Option<PathBuf>,
        bytes: &[u8],
        dir: Option<PathBuf>,
        expected: Option<&str>,
        text_name: Option<&String>,
    ) -> Option<usize> {
        // UTF-8 is checked once: `parse_bytes` would check it again (a pass over the
        // whole file on this thread before the parse can start).
        let utf8 = std::str::from_utf8(bytes);
        let parsed = match utf8 {
            Ok(src) => parse(src, self.limits()),
            Err(_) => parse_bytes(bytes, self.limits()),
        };
        let text: Arc<str> = Arc::from(utf8.unwrap_or(""));
        let parse_errors: Vec<u32> =
            parsed.errors.iter().filter_map(|e| e.primary_span().map(|s| s.start)).collect();
        let attempted =
            if parse_errors.is_empty() { Default::default() } else { attempted_names(&text, self.limits()) };
        let file = self.sources.add(SourceInfo { name: shown.clone(), path: path.clone(), text });
        for error in parsed.errors {
            self.diags.push(Diagnostic { file, error });
        }
        let ast = parsed.file;
        let headers: Vec<&AstPath> = ast
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Module(p) => Some(p),
                _ => None,
            })
            .collect();
        for extra in headers.iter().skip(1) {
            self.diags.push(Diagnostic {
                file,
                error: LangError::Invalid {
                    message: "a file declares one module".into(),
                    help: Some("remove this `module` line".into()),
                    span: ss(extra.span),
                },
            });
        }
        let stem = path
            .as_deref()
            .or(text_name.map(Path::new))
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "main".into());
        let name = match (headers.first(), expected) {
            (Some(h), Some(e)) if h.text != e => {
                self.diags.push(Diagnostic {
                    file,
                    error: LangError::Invalid {
                        message: format!("this file declares module `{}` but is imported as `{e}`", h.text),
                        help: Some(format!("a module `a.b` lives in `a/b.wr` under a library root; rename the module to `{e}`")),
                        span: ss(h.span),
                    },
                });
                e.to_string()
            }
            (Some(h), _) => h.text.as_str().to_owned(),
            (None, Some(e)) => e.to_string(),
            (None, None) => stem,
        };
        // The file's own root: strip the module path from its directory.
        let root = dir.map(|d| {
            let segs: Vec<&str> = name.split('.').collect();
            let mut r = d.clone();
            for s in segs[..segs.len().saturating_sub(1)].iter().rev() {
                if r.file_name().is_some_and(|f| f == *s) {
                    r.pop();
                } else {
                    return d;
                }
            }
            r
        });
        if let Some(&prev) = self.by_name.get(&name) {
            let prev_name =
                self.sources.get(self.loaded[prev].file).map(|s| s.name.clone()).unwrap_or_default();
            let span = headers.first().map(|h| h.span).unwrap_or_default();
            self.diags.push(Diagnostic {
                file,
                error: LangError::Invalid {
                    message: format!("module `{name}` is already loaded from `{prev_name}`"),
                    help: Some("each module is defined by one file".into()),
                    span: ss(span),
                },
            });
            return None;
        }
        if self.loaded.len() >= self.limits().max_modules {
            self.diags.push(Diagnostic {
                file,
                error: LangError::Limit {
                    what: "the number of modules".into(),
                    field: "max_modules",
                    limit: self.limits().max_modules as u64,
                    span: ss(Span::default()),
                },
            });
            return None;
        }
        let idx = self.loaded.len();
        self.by_name.insert(name.clone(), idx);
        self.loaded.push(Loaded {
            name,
            file,
            ast,
            root,
            is_root: expected.is_none(),
            imports: Vec::new(),
            parse_errors,
            attempted,
        });
        Some(idx)
    }

    fn resolve_imports(&mut self) {
        let mut i = 0;
        while i < self.loaded.len() {
            let imports: Vec<AstPath> = self.loaded[i]
                .ast
                .items
                .iter()
                .filter_map(|it| match &it.kind {
                    ItemKind::Import(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            for p in imports {
                if let Some(j) = self.find(i, &p) {
                    self.loaded[i].imports.push((p, j));
                }
            }
            i += 1;
        }
    }

    fn find(&mut self, from: usize, p: &AstPath) -> Option<usize> {
        if let Some(&j) = self.by_name.get(p.text.as_str()) {
            return Some(j);
        }
        let file = self.loaded[from].file;
        let rel: PathBuf = {
            let mut r = PathBuf::new();
            for s in p.segments() {
                r.push(s);
            }
            r.set_extension("wr");
            r
        };
        let mut roots: Vec<PathBuf> = Vec::new();
        if let Some(r) = &self.loaded[from].root {
            roots.push(r.clone());
        }
        roots.extend(self.options.library.iter().cloned());
        for r in &roots {
            let candidate = r.join(&rel);
            if candidate.is_file() {
                return self.load_file(&candidate, Some(&p.text), Some((file, p.span)));
            }
            self.sources.missing.push(candidate);
        }
        if self.options.embedded_std {
            if let Some((_, src)) = EMBEDDED_STD.iter().find(|(m, _)| *m == p.text) {
                let shown = format!("<std>/{}", rel.display());
                return self.add_module(shown, None, src.as_bytes(), None, Some(&p.text), None);
            }
        }
        let mut searched: Vec<String> =
            roots.iter().map(|r| format!("`{}`", r.join(&rel).display())).collect();
        if self.options.embedded_std {
            searched.push("the embedded standard library".into());
        }
        let suggestion = crate::elab::suggest(
            &p.text,
            self.by_name.keys().map(String::as_str).chain(EMBEDDED_STD.iter().map(|(m, _)| *m)),
        );
        let mut help = format!("searched {}", searched.join(", "));
        if let Some(s) = suggestion {
            help = format!("did you mean `{s}`? ({help})");
        } else {
            help.push_str("; add a root with `--library DIR`");
        }
        self.diags.push(Diagnostic {
            file,
            error: LangError::ModuleNotFound {
                module: p.text.as_str().to_owned(),
                help: Some(help),
                span: ss(p.span),
            },
        });
        None
    }

    /// Dependency order by iterative depth-first search; a back edge is an import
    /// cycle, reported and cut. Returns the order and the cut edges.
    fn order(&mut self) -> (Vec<usize>, Vec<(usize, usize)>) {
        let n = self.loaded.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        let mut order = Vec::with_capacity(n);
        let mut cut = Vec::new();
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if *next < self.loaded[node].imports.len() {
                    let (path, target) = self.loaded[node].imports[*next].clone();
                    *next += 1;
                    match state[target] {
                        0 => {
                            state[target] = 1;
                            stack.push((target, 0));
                        }
                        1 => {
                            let pos = stack.iter().position(|&(m, _)| m == target).unwrap_or(0);
                            let mut names: Vec<String> =
                                stack[pos..].iter().map(|&(m, _)| self.loaded[m].name.clone()).collect();
                            names.push(self.loaded[target].name.clone());
                            self.diags.push(Diagnostic {
                                file: self.loaded[node].file,
                                error: LangError::Cycle {
                                    what: "import",
                                    cycle: names.join(" -> "),
                                    span: ss(path.span),
                                },
                            });
                            cut.push((node, target));
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        (order, cut)
    }

    fn build(self, order: Vec<usize>, cut: Vec<(usize, usize)>, concurrent: bool) -> Program {
        let mut position = vec![0usize; self.loaded.len()];
        for (pos, &i) in order.iter().enumerate() {
            position[i] = pos;
        }
        let mut slots: Vec<Option<Loaded>> = self.loaded.into_iter().map(Some).collect();
        let mut modules = Vec::with_capacity(order.len());
        for &i in &order {
            let Some(l) = slots[i].take() else { continue };
            let mut imports: Vec<usize> = l
                .imports
                .iter()
                .filter(|(_, t)| !cut.contains(&(i, *t)))
                .map(|(_, t)| position[*t])
                .collect();
            imports.sort_unstable();
            imports.dedup();
            modules.push(Module {
                name: l.name,
                file: l.file,
                ast: l.ast,
                imports,
                globals: Vec::new(),
                is_root: l.is_root,
                names: Default::default(),
                parse_errors: l.parse_errors,
                attempted: l.attempted,
                proof_limits: Vec::new(),
            });
        }
        let mut program =
            crate::elab::elaborate(self.sources, modules, self.diags, &self.options.limits, concurrent);
        program.skipped = self.skipped;
        program
    }
}

/// Identifiers right after a declaring keyword, anywhere in the text.
fn attempted_names(text: &str, limits: &Limits) -> crate::program::NameSet<String> {
    use crate::lexer::Tok;
    let lexed = crate::lexer::lex(text, limits);
    let mut out = crate::program::NameSet::default();
    for w in lexed.tokens.windows(2) {
        if let (
            Tok::Sort
            | Tok::Fn
            | Tok::Pred
            | Tok::Def
            | Tok::Axiom
            | Tok::Lemma
            | Tok::Theorem
            | Tok::Rule
            | Tok::Technique
            | Tok::Challenge,
            Tok::Ident(name),
        ) = (w[0].1, w[1].1)
        {
            out.insert(name.to_string());
        }
    }
    out
}
