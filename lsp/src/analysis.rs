//! One analysis of the workspace: the open documents (and everything they import)
//! loaded by `warrant_lang::load`, exactly as `warrant check` loads files, plus the
//! mapping between the program's files and URIs.

use crate::document::LineMap;
use crate::uri;
use lsp_types::{Location, Range, Uri};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use warrant_lang::{load, FileId, Input, Options, Program, Span};

/// A loaded program and how its files map to URIs.
pub struct Snapshot {
    /// Which analysis this is (increases with every edit).
    pub generation: u64,
    /// The program, as the front end built it.
    pub program: Arc<Program>,
    /// The open documents it was loaded from (named as the front end was given them):
    /// what the worker submits to its audit session.
    pub documents: Vec<warrant_auditor::Submission>,
    uris: Vec<Option<Uri>>,
    maps: Vec<OnceLock<LineMap>>,
    by_uri: HashMap<Uri, FileId>,
}

impl Snapshot {
    /// Loads `docs` (URI, text) with `library` roots, as `warrant check --library`
    /// would load the same files.
    pub fn load(generation: u64, docs: &[(Uri, String)], library: &[PathBuf]) -> Snapshot {
        let inputs: Vec<Input> = docs
            .iter()
            .map(|(u, text)| Input::Text { name: uri::load_name(u), text: text.clone() })
            .collect();
        let options = Options { library: library.to_vec(), ..Options::default() };
        let program = load(&inputs, &options);
        let by_name: HashMap<String, &Uri> = docs.iter().map(|(u, _)| (uri::load_name(u), u)).collect();
        let uris: Vec<Option<Uri>> = program
            .sources
            .files
            .iter()
            .map(|s| match &s.path {
                Some(p) => uri::from_path(p),
                None => by_name.get(&s.name).map(|u| (*u).clone()),
            })
            .collect();
        let mut by_uri = HashMap::new();
        for (i, u) in uris.iter().enumerate() {
            if let Some(u) = u {
                by_uri.entry(u.clone()).or_insert(FileId(u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        let maps = (0..uris.len()).map(|_| OnceLock::new()).collect();
        let documents = docs
            .iter()
            .map(|(u, text)| warrant_auditor::Submission {
                name: uri::load_name(u),
                text: Some(text.clone()),
            })
            .collect();
        Snapshot { generation, program: Arc::new(program), documents, uris, maps, by_uri }
    }

    /// The URI of a file (`None` for the embedded standard library).
    pub fn uri(&self, file: FileId) -> Option<&Uri> {
        self.uris.get(file.0 as usize).and_then(Option::as_ref)
    }

    /// The file loaded from `uri`.
    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        self.by_uri.get(uri).copied()
    }

    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        self.program.sources.get(file).map(|s| &*s.text).unwrap_or("")
    }

    fn map(&self, file: FileId) -> Option<&LineMap> {
        let cell = self.maps.get(file.0 as usize)?;
        Some(cell.get_or_init(|| LineMap::new(self.text(file))))
    }

    /// The byte offset of a position in a file.
    pub fn offset(&self, file: FileId, pos: lsp_types::Position) -> usize {
        match self.map(file) {
            Some(m) => m.offset(self.text(file), pos),
            None => 0,
        }
    }

    /// The range of a span in a file.
    pub fn range(&self, file: FileId, span: Span) -> Range {
        match self.map(file) {
            Some(m) => m.range(self.text(file), span.start as usize, span.end as usize),
            None => Range::default(),
        }
    }

    /// The location of a span (`None` for files without a URI).
    pub fn location(&self, file: FileId, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(file)?.clone(), self.range(file, span)))
    }

    /// Every file with a URI.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &Uri)> {
        self.uris.iter().enumerate().filter_map(|(i, u)| Some((FileId(u32::try_from(i).ok()?), u.as_ref()?)))
    }
}
