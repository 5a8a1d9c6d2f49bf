//! The main loop: one thread reads messages in order (so `didChange` edits apply in
//! the order sent), keeps the open documents, re-analyses once the messages already
//! waiting are handled (after a quiet period when a debounce is set), answers requests from the latest snapshot, and hands proof checking to
//! the worker thread. A panic in any handler is caught and answered with an error.

use crate::analysis::Snapshot;
use crate::diagnostics::{self, AuditNote, ByUri, ProofNote};
use crate::document::Document;
use crate::features;
use crate::worker::{self, Job, JobResult, Settings};
use crate::Config;
use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeTextDocument, DidChangeWorkspaceFolders, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, Diagnostic, HoverProviderCapability, InitializeParams,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    Uri, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the server tells the client it can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

/// `warrant/documentText`: the server's copy of an open document (for tests and
/// debugging a client's sync; `null` when the document is not open).
pub const TEXT_METHOD: &str = "warrant/documentText";

/// The request [`TEXT_METHOD`].
pub enum TextRequest {}

impl lsp_types::request::Request for TextRequest {
    type Params = lsp_types::TextDocumentIdentifier;
    type Result = Option<String>;
    const METHOD: &'static str = TEXT_METHOD;
}

/// How many cancelled request ids are remembered (a cancel may overtake its request).
const CANCEL_MEMORY: usize = 256;

/// The server's state.
pub struct Server<'c> {
    conn: &'c Connection,
    config: Config,
    folders: Vec<PathBuf>,
    docs: HashMap<Uri, Document>,
    generation: u64,
    deadline: Option<Instant>,
    snapshot: Option<Arc<Snapshot>>,
    proofs: Vec<ProofNote>,
    audit: Vec<AuditNote>,
    published: HashMap<Uri, Vec<Diagnostic>>,
    cancelled: VecDeque<RequestId>,
    jobs: Option<Sender<Job>>,
    results: Receiver<JobResult>,
    job_cancel: Arc<AtomicBool>,
    worker: Option<std::thread::JoinHandle<()>>,
}

fn folders_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        params.workspace_folders.iter().flatten().filter_map(|f| crate::uri::to_path(&f.uri)).collect();
    #[allow(deprecated)] // Older clients only send `rootUri`.
    if out.is_empty() {
        out.extend(params.root_uri.as_ref().and_then(crate::uri::to_path));
    }
    out
}

impl<'c> Server<'c> {
    /// A server on `conn` after the initialize handshake gave `params`.
    pub fn new(conn: &'c Connection, config: Config, params: &InitializeParams) -> Server<'c> {
        let folders = folders_of(params);
        let (job_tx, job_rx) = crossbeam_channel::unbounded();
        let (res_tx, res_rx) = crossbeam_channel::unbounded();
        let settings = Settings {
            prove: config.prove,
            engine: config.engine.clone(),
            library: folders.iter().chain(&config.library).cloned().collect(),
        };
        let worker = std::thread::Builder::new()
            .name("warrant-lsp-proofs".into())
            .stack_size(64 << 20)
            .spawn(move || worker::run(job_rx, res_tx, settings))
            .ok();
        Server {
            conn,
            config,
            folders,
            docs: HashMap::new(),
            generation: 0,
            deadline: None,
            snapshot: None,
            proofs: Vec::new(),
            audit: Vec::new(),
            published: HashMap::new(),
            cancelled: VecDeque::new(),
            jobs: Some(job_tx),
            results: res_rx,
            job_cancel: Arc::new(AtomicBool::new(false)),
            worker,
        }
    }

    /// Runs until `shutdown` and `exit` (or the connection closes).
    pub fn run(mut self) -> Result<(), String> {
        let mut queue: VecDeque<Message> = VecDeque::new();
        loop {
            let wait = self
                .deadline
                .map(|d| d.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(3600));
            select! {
                recv(self.conn.receiver) -> msg => match msg {
                    Ok(m) => queue.push_back(m),
                    Err(_) => break,
                },
                recv(self.results) -> r => {
                    if let Ok(r) = r {
                        self.on_result(r);
                    }
                }
                default(wait) => {}
            }
            // Take everything already waiting, so that a cancel can overtake its request.
            while let Ok(m) = self.conn.receiver.try_recv() {
                queue.push_back(m);
            }
            for m in &queue {
                if let Message::Notification(n) = m {
                    if n.method == Cancel::METHOD {
                        self.note_cancel(n);
                    }
                }
            }
            while let Some(m) = queue.pop_front() {
                match m {
                    Message::Request(req) => {
                        if req.method == "shutdown" {
                            self.shutdown();
                            let _ = self.conn.handle_shutdown(&req);
                            return Ok(());
                        }
                        self.on_request(req);
                    }
                    Message::Notification(n) => {
                        if n.method == "exit" {
                            self.shutdown();
                            return Ok(());
                        }
                        if n.method == Cancel::METHOD {
                            continue;
                        }
                        let method = n.method.clone();
                        if catch_unwind(AssertUnwindSafe(|| self.on_notification(n))).is_err() {
                            eprintln!("warrant lsp: internal error handling `{method}`");
                        }
                    }
                    Message::Response(_) => {}
                }
            }
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                self.analyze();
            }
        }
        self.shutdown();
        Ok(())
    }

    fn shutdown(&mut self) {
        self.job_cancel.store(true, Ordering::Relaxed);
        self.jobs = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }

    fn note_cancel(&mut self, n: &Notification) {
        if let Ok(p) = serde_json::from_value::<lsp_types::CancelParams>(n.params.clone()) {
            let id: RequestId = match p.id {
                lsp_types::NumberOrString::Number(i) => i.into(),
                lsp_types::NumberOrString::String(s) => s.into(),
            };
            if !self.cancelled.contains(&id) {
                self.cancelled.push_back(id);
                if self.cancelled.len() > CANCEL_MEMORY {
                    self.cancelled.pop_front();
                }
            }
        }
    }

    fn send(&self, m: Message) {
        let _ = self.conn.sender.send(m);
    }

    fn on_request(&mut self, req: Request) {
        if let Some(i) = self.cancelled.iter().position(|id| *id == req.id) {
            self.cancelled.remove(i);
            self.send(
                Response::new_err(req.id, ErrorCode::RequestCanceled as i32, "cancelled".into()).into(),
            );
            return;
        }
        // Answer from a snapshot of the current text.
        if self.deadline.is_some() || self.snapshot.is_none() {
            self.analyze();
        }
        let id = req.id.clone();
        let method = req.method.clone();
        let resp = match catch_unwind(AssertUnwindSafe(|| self.dispatch(req))) {
            Ok(r) => r,
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("internal error while handling `{method}`"),
            ),
        };
        self.send(resp.into());
    }

    fn dispatch(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let Some(snap) = self.snapshot.clone() else {
            return Response::new_ok(id, serde_json::Value::Null);
        };
        fn parse<P: serde::de::DeserializeOwned>(req: Request) -> Result<(RequestId, P), Response> {
            let id = req.id.clone();
            serde_json::from_value(req.params)
                .map(|p| (id.clone(), p))
                .map_err(|e| Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()))
        }
        macro_rules! answer {
            ($req:expr, $ty:ty, |$p:ident| $body:expr) => {
                match parse::<<$ty as lsp_types::request::Request>::Params>($req) {
                    Ok((id, $p)) => Response::new_ok(id, $body),
                    Err(r) => r,
                }
            };
        }
        match req.method.as_str() {
            TEXT_METHOD => answer!(req, TextRequest, |p| self.text(&p.uri)),
            HoverRequest::METHOD => answer!(req, HoverRequest, |p| features::hover(
                &snap,
                &self.proofs,
                &p.text_document_position_params.text_document.uri,
                p.text_document_position_params.position
            )),
            GotoDefinition::METHOD => answer!(req, GotoDefinition, |p| features::definition(
                &snap,
                &p.text_document_position_params.text_document.uri,
                p.text_document_position_params.position
            )),
            References::METHOD => answer!(req, References, |p| features::references(
                &snap,
                &p.text_document_position.text_document.uri,
                p.text_document_position.position,
                p.context.include_declaration
            )),
            DocumentSymbolRequest::METHOD => answer!(req, DocumentSymbolRequest, |p| {
                features::document_symbols(&snap, &p.text_document.uri)
            }),
            Completion::METHOD => answer!(req, Completion, |p| features::completion(
                &snap,
                &p.text_document_position.text_document.uri,
                p.text_document_position.position
            )),
            CodeActionRequest::METHOD => answer!(req, CodeActionRequest, |p| {
                features::code_actions(&snap, &p.text_document.uri, p.range)
            }),
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{}`", req.method),
            ),
        }
    }

    fn touch(&mut self) {
        // The proofs being checked are of an old text: stop the worker now, so that it
        // does not compete with the next analysis.
        self.job_cancel.store(true, Ordering::Relaxed);
        if self.deadline.is_none() {
            self.deadline = Some(Instant::now() + self.config.debounce);
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.docs.insert(d.uri, Document::new(d.text, d.version));
                    // Open: analyse at once.
                    self.analyze();
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                        for c in &p.content_changes {
                            doc.apply(c);
                        }
                        doc.version = p.text_document.version;
                        self.touch();
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) {
                    self.docs.remove(&p.text_document.uri);
                    self.touch();
                }
            }
            DidSaveTextDocument::METHOD => self.touch(),
            DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWorkspaceFoldersParams>(n.params)
                {
                    let removed: HashSet<PathBuf> =
                        p.event.removed.iter().filter_map(|f| crate::uri::to_path(&f.uri)).collect();
                    self.folders.retain(|f| !removed.contains(f));
                    self.folders.extend(p.event.added.iter().filter_map(|f| crate::uri::to_path(&f.uri)));
                    self.touch();
                }
            }
            _ => {}
        }
    }

    /// The text of an open document (for tests and the benchmark).
    pub fn text(&self, uri: &Uri) -> Option<&str> {
        self.docs.get(uri).map(Document::text)
    }

    fn library(&self) -> Vec<PathBuf> {
        self.folders.iter().chain(&self.config.library).cloned().collect()
    }

    /// Re-analyses the open documents, publishes, and starts checking proofs.
    fn analyze(&mut self) {
        self.deadline = None;
        let mut docs: Vec<(Uri, String)> =
            self.docs.iter().map(|(u, d)| (u.clone(), d.text().to_string())).collect();
        docs.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let generation = self.generation + 1;
        let library = self.library();
        let snap = match catch_unwind(AssertUnwindSafe(|| Snapshot::load(generation, &docs, &library))) {
            Ok(s) => Arc::new(s),
            Err(_) => {
                eprintln!("warrant lsp: internal error while loading the workspace");
                return;
            }
        };
        self.generation = generation;
        // Freeing a program takes a fifth of the time of building one: do it on
        // another thread, after publishing.
        let old = self.snapshot.replace(snap.clone());
        self.publish();
        if let Some(old) = old {
            let freed = std::thread::Builder::new().name("warrant-lsp-free".into()).spawn(move || drop(old));
            drop(freed);
        }
        // Start checking proofs; the job before is stale.
        self.job_cancel.store(true, Ordering::Relaxed);
        self.job_cancel = Arc::new(AtomicBool::new(false));
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job { generation, snapshot: snap, cancel: self.job_cancel.clone() });
        }
    }

    fn on_result(&mut self, r: JobResult) {
        if r.generation != self.generation {
            return; // stale
        }
        self.proofs = r.proofs;
        self.audit = r.audit;
        if self.deadline.is_some() {
            return; // published with the analysis about to run
        }
        if catch_unwind(AssertUnwindSafe(|| self.publish())).is_err() {
            eprintln!("warrant lsp: internal error while publishing proof results");
        }
    }

    fn publish(&mut self) {
        let Some(snap) = self.snapshot.clone() else { return };
        let mut by_uri = ByUri::new();
        diagnostics::front_end(&snap, &mut by_uri);
        diagnostics::proofs(&snap, &self.proofs, &mut by_uri);
        diagnostics::audit(&snap, &self.audit, &mut by_uri);
        // Open documents always get a publication; others when theirs changed.
        for u in self.docs.keys() {
            by_uri.entry(u.clone()).or_default();
        }
        for u in self.published.keys() {
            by_uri.entry(u.clone()).or_default();
        }
        let mut uris: Vec<Uri> = by_uri.keys().cloned().collect();
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        for uri in uris {
            let diagnostics = by_uri.remove(&uri).unwrap_or_default();
            let version = self.docs.get(&uri).map(|d| d.version);
            if version.is_none() && self.published.get(&uri) == Some(&diagnostics) {
                continue;
            }
            let params =
                PublishDiagnosticsParams { uri: uri.clone(), diagnostics: diagnostics.clone(), version };
            self.send(Notification::new(PublishDiagnostics::METHOD.into(), params).into());
            if diagnostics.is_empty() && version.is_none() {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri, diagnostics);
            }
        }
    }
}
