//! An in-process client for the server over `Connection::memory()`.
#![allow(dead_code)]

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};

pub struct Client {
    pub conn: Connection,
    next_id: i32,
    pub notifications: VecDeque<Notification>,
    server: Option<std::thread::JoinHandle<Result<(), String>>>,
}

pub fn uri_of(path: &Path) -> String {
    warrant_lsp::uri::from_path(path).expect("uri").as_str().to_string()
}

impl Client {
    /// Starts a server and initializes it with these workspace folders.
    pub fn start(config: warrant_lsp::Config, folders: &[&Path]) -> Client {
        let (server_conn, client_conn) = Connection::memory();
        let server = std::thread::spawn(move || warrant_lsp::serve(&server_conn, config));
        let mut c =
            Client { conn: client_conn, next_id: 0, notifications: VecDeque::new(), server: Some(server) };
        let folders: Vec<Value> = folders.iter().map(|f| json!({"uri": uri_of(f), "name": "ws"})).collect();
        let init = c.request("initialize", json!({"capabilities": {}, "workspaceFolders": folders}));
        assert_eq!(init["capabilities"]["textDocumentSync"], json!(2), "incremental sync: {init}");
        c.notify("initialized", json!({}));
        c
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn.sender.send(Message::Notification(Notification::new(method.into(), params))).expect("send");
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id: RequestId = self.next_id.into();
        self.conn
            .sender
            .send(Message::Request(Request::new(id.clone(), method.into(), params)))
            .expect("send");
        id
    }

    /// Waits for the response to `id`: `Ok(result)` or `Err(error)`.
    pub fn response(&mut self, id: RequestId) -> Result<Value, Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left).expect("a response in time") {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Err(e) => Err(json!({"code": e.code, "message": e.message})),
                        Ok(v) => Ok(v),
                    }
                }
                Message::Notification(n) => self.notifications.push_back(n),
                _ => {}
            }
        }
    }

    /// Sends a request and waits for its result (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id).expect("an ok response")
    }

    /// Waits for a `publishDiagnostics` for `uri` satisfying `pred`; returns its
    /// diagnostics.
    pub fn diagnostics_where(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(120);
        let check = |n: &Notification| -> Option<Vec<Value>> {
            if n.method != "textDocument/publishDiagnostics" || n.params["uri"] != json!(uri) {
                return None;
            }
            pred(&n.params).then(|| n.params["diagnostics"].as_array().cloned().unwrap_or_default())
        };
        while let Some(n) = self.notifications.pop_front() {
            if let Some(d) = check(&n) {
                return d;
            }
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Notification(n)) => {
                    if let Some(d) = check(&n) {
                        return d;
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("no matching diagnostics for {uri}: {e}"),
            }
        }
    }

    pub fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "warrant", "version": 1, "text": text}}),
        );
    }

    pub fn shutdown(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(s) = self.server.take() {
            s.join().expect("server thread").expect("server result");
        }
    }
}

/// The diagnostics with this code.
pub fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == json!(code)).collect()
}

pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// The (line, character) of the first occurrence of `needle` (ASCII text only).
pub fn find(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let line = text[..at].matches('\n').count() as u32;
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, col as u32)
}
