//! The server in process, over `Connection::memory()`: diagnostics of a failing proof,
//! hover, definition, references, symbols, completion, code actions, cancellation,
//! incremental edits, and audit findings through edits.

mod common;

use common::{find, pos, with_code, Client};
use serde_json::{json, Value};
use std::path::PathBuf;

const DEMO: &str = r#"module demo

/// Fraction of tasks on which `x` misbehaves.
fn rate(x: Rat): Rat

axiom rate_bounded: forall x: Rat. rate(x) <= 1

lemma bad: forall x: Rat. rate(x) <= 0 := by {
  intro x
  linarith [rate_bounded(x)]
}

lemma holey: forall x: Rat. rate(x) <= 2 := by {
  sorry
}
"#;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("warrant-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn doc_pos(uri: &str, (l, c): (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos(l, c)})
}

#[test]
fn failing_proof_hover_definition_references_completion() {
    let dir = temp_dir("demo");
    let path = dir.join("demo.wr");
    let uri = common::uri_of(&path);
    let mut c = Client::start(warrant_lsp::Config::default(), &[&dir]);
    c.open(&uri, DEMO);

    // The prover's result arrives after the front end's: wait for it.
    let diags = c.diagnostics_where(&uri, |p| {
        p["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == json!("warrant::proof")))
    });
    let proof = with_code(&diags, "warrant::proof");
    assert_eq!(proof.len(), 1, "{diags:#?}");
    let (l, col) = find(DEMO, "linarith [rate_bounded(x)]");
    assert_eq!(proof[0]["range"]["start"], pos(l, col), "{:#}", proof[0]);
    assert_eq!(proof[0]["severity"], json!(1));
    let message = proof[0]["message"].as_str().unwrap_or("");
    assert!(message.contains("⊢ rate(x) <= 0"), "the goal left: {message}");
    assert!(
        proof[0]["relatedInformation"][0]["message"].as_str().unwrap_or("").contains("bad"),
        "related: the statement, {:#}",
        proof[0]
    );
    let sorry = with_code(&diags, "warrant::sorry");
    assert_eq!(sorry.len(), 1, "{diags:#?}");
    assert_eq!(sorry[0]["severity"], json!(2));
    assert_eq!(sorry[0]["range"]["start"], pos(find(DEMO, "sorry").0, 2));

    // Hover on a use of `rate`: signature and doc comment.
    let (l, col) = find(DEMO, "rate(x) <= 0");
    let hover = c.request("textDocument/hover", doc_pos(&uri, (l, col + 1)));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("fn rate(Rat): Rat"), "{text}");
    assert!(text.contains("Fraction of tasks"), "{text}");

    // Hover inside the proof, on the failing step: the goal and hypotheses there.
    let (l, col) = find(DEMO, "linarith [rate_bounded(x)]");
    let hover = c.request("textDocument/hover", doc_pos(&uri, (l, col + 2)));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("goal left at this step") && text.contains("⊢ rate(x) <= 0"), "{text}");
    // Inside the `sorry`.
    let (l, col) = find(DEMO, "sorry");
    let hover = c.request("textDocument/hover", doc_pos(&uri, (l, col + 1)));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("goal at this `sorry`") && text.contains("⊢ forall x: Rat"), "{text}");

    // Definition of `rate_bounded` from its use in the proof.
    let (l, col) = find(DEMO, "rate_bounded(x)]");
    let def = c.request("textDocument/definition", doc_pos(&uri, (l, col + 3)));
    let (dl, dc) = find(DEMO, "rate_bounded:");
    assert_eq!(def["uri"], json!(uri));
    assert_eq!(def["range"]["start"], pos(dl, dc), "{def}");
    assert_eq!(def["range"]["end"], pos(dl, dc + "rate_bounded".len() as u32), "{def}");

    // References to `rate`: the declaration and its three uses.
    let (l, col) = find(DEMO, "fn rate");
    let mut params = doc_pos(&uri, (l, col + 3));
    params["context"] = json!({"includeDeclaration": true});
    let refs = c.request("textDocument/references", params);
    assert_eq!(refs.as_array().map(Vec::len), Some(4), "{refs:#}");
    // References to `rate_bounded`, cited in a proof script.
    let (l, col) = find(DEMO, "rate_bounded:");
    let mut params = doc_pos(&uri, (l, col));
    params["context"] = json!({"includeDeclaration": false});
    let refs = c.request("textDocument/references", params);
    let (ul, uc) = find(DEMO, "rate_bounded(x)]");
    assert_eq!(refs[0]["range"]["start"], pos(ul, uc), "{refs:#}");
    assert_eq!(refs.as_array().map(Vec::len), Some(1), "{refs:#}");

    // Completion inside a proof: tactics, facts, hypotheses.
    let (l, col) = find(DEMO, "intro x");
    let items = c.request("textDocument/completion", doc_pos(&uri, (l, col)));
    let labels: Vec<&str> =
        items.as_array().into_iter().flatten().filter_map(|i| i["label"].as_str()).collect();
    for want in ["linarith", "intro", "sorry", "rate_bounded", "rate", "bad"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    // Outside a proof: no tactics.
    let items = c.request("textDocument/completion", doc_pos(&uri, (1, 0)));
    let labels: Vec<&str> =
        items.as_array().into_iter().flatten().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"rate") && !labels.contains(&"linarith"), "{labels:?}");

    // Document symbols.
    let syms = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = syms.as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["rate", "rate_bounded", "bad", "holey"]);
    c.shutdown();
}

#[test]
fn imports_resolve_through_workspace_folders() {
    let dir = temp_dir("ws");
    std::fs::create_dir_all(dir.join("lib")).expect("dir");
    let lib = "module lib.defs\n\n/// A model.\nsort Model\nfn score(m: Model): Rat\n";
    std::fs::write(dir.join("lib/defs.wr"), lib).expect("write");
    let main = "module app\nimport lib.defs\n\naxiom good: forall m: Model. score(m) >= 0\naxiom oops: forall m: Modl. score(m) >= 0\n";
    let path = dir.join("app.wr");
    let uri = common::uri_of(&path);
    let mut c = Client::start(warrant_lsp::Config::default(), &[&dir]);
    c.open(&uri, main);
    let diags = c.diagnostics_where(&uri, |_| true);
    let ty = with_code(&diags, "warrant::type");
    assert_eq!(ty.len(), 1, "only the misspelt sort: {diags:#?}");
    assert!(ty[0]["message"].as_str().unwrap_or("").contains("Modl"), "{:#}", ty[0]);
    // Definition into the library file on disk.
    let (l, col) = find(main, "score(m) >= 0");
    let def = c.request("textDocument/definition", doc_pos(&uri, (l, col)));
    assert_eq!(def["uri"], json!(common::uri_of(&dir.join("lib/defs.wr"))), "{def}");
    assert_eq!(def["range"]["start"], pos(4, 3));
    // References from the library's declaration, across modules.
    let mut params = doc_pos(&uri, (l, col));
    params["context"] = json!({"includeDeclaration": false});
    let refs = c.request("textDocument/references", params);
    assert_eq!(refs.as_array().map(Vec::len), Some(2), "{refs:#}");
    // Hover on the imported sort shows its doc comment.
    let (l, col) = find(main, "Model.");
    let hover = c.request("textDocument/hover", doc_pos(&uri, (l, col)));
    assert!(hover["contents"]["value"].as_str().unwrap_or("").contains("A model."), "{hover}");
    c.shutdown();
}

const TECH: &str = r#"module tech

fn recall(t: Rat): Rat

technique Base(t: Rat) {
  assume high: recall(t) >= 95%
  assume prob: recall(t) <= 1
  guarantee fine: recall(t) >= 90% := by linarith
}

technique Top(t: Rat) {
  use b = Base(t)
  lift b.prob
  guarantee ok: recall(t) >= 90%
}

lemma later: recall(1) <= 1
"#;

#[test]
fn code_actions_insert_sorry_skeletons_and_discharges() {
    let dir = temp_dir("tech");
    let uri = common::uri_of(&dir.join("tech.wr"));
    let mut c = Client::start(warrant_lsp::Config::default(), &[&dir]);
    c.open(&uri, TECH);
    let diags = c.diagnostics_where(&uri, |_| true);
    assert!(diags.iter().any(|d| d["message"].as_str().unwrap_or("").contains("has no proof")), "{diags:#?}");
    let actions = |c: &mut Client, needle: &str| -> Vec<Value> {
        let (l, col) = find(TECH, needle);
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos(l, col), "end": pos(l, col)}, "context": {"diagnostics": []}}),
        );
        r.as_array().cloned().unwrap_or_default()
    };
    let edit_of = |a: &Value| -> (Value, String) {
        let e = &a["edit"]["changes"][&uri][0];
        (e["range"]["start"].clone(), e["newText"].as_str().unwrap_or("").to_string())
    };
    // The lemma without a proof.
    let a = actions(&mut c, "lemma later");
    assert_eq!(a.len(), 1, "{a:#?}");
    let (at, text) = edit_of(&a[0]);
    let (l, _) = find(TECH, "lemma later");
    assert_eq!(at, pos(l, "lemma later: recall(1) <= 1".len() as u32));
    assert_eq!(text, " := by { sorry }");
    // In `Top`: the guarantee without proof, and `b.high` neither discharged nor lifted.
    let a = actions(&mut c, "guarantee ok");
    let titles: Vec<&str> = a.iter().filter_map(|x| x["title"].as_str()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[0].contains("guarantee `ok`"), "{titles:?}");
    let (at, text) = edit_of(&a[1]);
    let (close, _) = find(TECH, "}\n\nlemma later");
    assert_eq!((at, text.as_str()), (pos(close, 0), "  discharge b.high by { sorry }\n"));
    let (_, text) = edit_of(&a[2]);
    assert_eq!(text, "  lift b.high\n");
    c.shutdown();
}

#[test]
fn cancelled_requests_are_answered_with_request_cancelled() {
    let dir = temp_dir("cancel");
    let uri = common::uri_of(&dir.join("demo.wr"));
    let mut c = Client::start(warrant_lsp::Config::default(), &[&dir]);
    c.open(&uri, DEMO);
    // A cancel that overtakes its request (both are queued before the server reads).
    c.notify("$/cancelRequest", json!({"id": 1000}));
    c.conn
        .sender
        .send(lsp_server::Message::Request(lsp_server::Request::new(
            1000.into(),
            "textDocument/hover".into(),
            doc_pos(&uri, (3, 3)),
        )))
        .expect("send");
    let r = c.response(1000.into());
    assert_eq!(r.expect_err("cancelled")["code"], json!(-32800));
    // The server still answers.
    let hover = c.request("textDocument/hover", doc_pos(&uri, (3, 3)));
    assert!(hover["contents"]["value"].as_str().unwrap_or("").contains("rate"));
    // Unknown methods and bad parameters are errors, not crashes.
    let id = c.send_request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(c.response(id).expect_err("bad params")["code"], json!(-32602));
    let id = c.send_request("warrant/unknown", json!({}));
    assert_eq!(c.response(id).expect_err("unknown")["code"], json!(-32601));
    c.shutdown();
}

#[test]
fn incremental_edits_update_diagnostics_and_versions() {
    let dir = temp_dir("edit");
    let uri = common::uri_of(&dir.join("e.wr"));
    let mut c = Client::start(warrant_lsp::Config::default(), &[&dir]);
    let text = "module e\n// é𝔸 comment\nfn f(x: Rat): Rat\naxiom a: forall x: Rat. f(x) <= 1\n";
    c.open(&uri, text);
    let d = c.diagnostics_where(&uri, |_| true);
    assert!(d.is_empty(), "{d:#?}");
    // Replace `Rat` of the axiom's binder with `Rot`, in UTF-16 columns after a
    // line with multi-byte characters; then put it back.
    let (l, col) = find(text, "Rat. f");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": pos(l, col + 1), "end": pos(l, col + 2)}, "text": "o"},
            {"range": {"start": pos(1, 3), "end": pos(1, 6)}, "text": "ü"}
        ]}),
    );
    let d = c.diagnostics_where(&uri, |p| p["version"] == json!(2));
    assert_eq!(with_code(&d, "warrant::type").len(), 1, "{d:#?}");
    assert_eq!(d[0]["range"]["start"], pos(l, col), "{d:#?}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": pos(l, col + 1), "end": pos(l, col + 2)}, "text": "a"}
        ]}),
    );
    let d = c.diagnostics_where(&uri, |p| p["version"] == json!(3));
    assert!(d.is_empty(), "{d:#?}");
    c.shutdown();
}

const AUDITED: &str = r#"module audited
sort Model
fn rate(m: Model): Rat
fn cost(m: Model): Rat

technique Leaf(u: Model) {
  proposed_by "agent:planner"
  assume a: rate(u) <= 1/2
  assume b: cost(u) <= 1/2
  guarantee g: rate(u) <= 1 := by linarith [a]
  witness { rate(u) = 0; cost(u) = 0 }
}
"#;

/// The audit's findings as diagnostics (`audit::<code>`), which follow an edit.
#[test]
fn audit_findings_follow_edits() {
    let dir = temp_dir("audit");
    let uri = common::uri_of(&dir.join("audited.wr"));
    let engine: warrant_lsp::Engine = std::sync::Arc::new(warrant_auditor::TacticEngine::default());
    let config = warrant_lsp::Config { engine: Some(engine), ..warrant_lsp::Config::default() };
    let mut c = Client::start(config, &[&dir]);
    let audited = |p: &Value| p["diagnostics"].to_string().contains("audit::");
    c.open(&uri, AUDITED);
    let d = c.diagnostics_where(&uri, audited);
    let unused = with_code(&d, "audit::unused-assumption");
    assert_eq!(unused.len(), 1, "{d:#?}");
    let (l, col) = find(AUDITED, "b: cost");
    assert_eq!(unused[0]["range"]["start"], pos(l, col), "{d:#?}");
    assert_eq!(unused[0]["severity"], json!(2), "a warning: {d:#?}");
    // Guarantee a bound on the cost instead, from `b`: the finding moves to `a`.
    let (l, col) = find(AUDITED, "rate(u) <= 1 :=");
    let (m, end) = find(AUDITED, "a]");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": pos(m, end), "end": pos(m, end + 1)}, "text": "b"},
            {"range": {"start": pos(l, col), "end": pos(l, col + 4)}, "text": "cost"}
        ]}),
    );
    let d = c.diagnostics_where(&uri, |p| p["version"] == json!(2) && audited(p));
    let unused = with_code(&d, "audit::unused-assumption");
    assert_eq!(unused.len(), 1, "{d:#?}");
    let (l, col) = find(AUDITED, "a: rate");
    assert_eq!(unused[0]["range"]["start"], pos(l, col), "{d:#?}");
    c.shutdown();
}
