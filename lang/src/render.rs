//! Rendering diagnostics: graphical (with or without colour), plain text, or JSON.

use crate::diag::Diagnostic;
use crate::program::SourceMap;
use miette::{GraphicalReportHandler, GraphicalTheme, JSONReportHandler, NamedSource, Report};
use std::sync::Arc;

/// How to show diagnostics to people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode drawing and colours (for a terminal).
    Color,
    /// ASCII drawing, no colours (for logs, pipes and snapshot tests).
    Plain,
}

fn report(sources: &SourceMap, d: &Diagnostic) -> Report {
    let (name, text): (String, Arc<str>) = match sources.get(d.file) {
        Some(s) => (s.name.clone(), s.text.clone()),
        None => ("<unknown>".into(), Arc::from("")),
    };
    Report::new(d.error.clone()).with_source_code(NamedSource::new(name, text))
}

/// One diagnostic as text with its source snippet.
pub fn render(sources: &SourceMap, d: &Diagnostic, style: Style) -> String {
    let handler = match style {
        Style::Color => GraphicalReportHandler::new_themed(GraphicalTheme::unicode()),
        Style::Plain => GraphicalReportHandler::new_themed(GraphicalTheme::none()),
    }
    .with_width(100)
    .with_links(false);
    let r = report(sources, d);
    let mut out = String::new();
    if handler.render_report(&mut out, r.as_ref()).is_err() {
        out = format!("{}: {}", d.code(), d.error);
    }
    out
}

/// One diagnostic as a JSON object (miette's format plus `"file"`, `"line"` and
/// `"column"` of the primary span, 1-based).
pub fn render_json(sources: &SourceMap, d: &Diagnostic) -> serde_json::Value {
    let r = report(sources, d);
    let mut out = String::new();
    let mut v = if JSONReportHandler::new().render_report(&mut out, r.as_ref()).is_ok() {
        serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
    } else {
        serde_json::Value::Null
    };
    if !v.is_object() {
        v = serde_json::json!({ "message": d.error.to_string(), "code": d.code() });
    }
    if let Some(obj) = v.as_object_mut() {
        let src = sources.get(d.file);
        obj.insert("file".into(), src.map(|s| s.name.clone()).unwrap_or_default().into());
        if let (Some(span), Some(src)) = (d.span(), src) {
            let (line, col) = line_col(&src.text, span.start as usize);
            obj.insert("line".into(), line.into());
            obj.insert("column".into(), col.into());
        }
    }
    v
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}
