//! Diagnostics of every stage as LSP diagnostics: the front end's (parse, type,
//! import, ...), the prover's (a failing step with the goal and hypotheses left, a
//! `sorry` with its goal) and the auditor's findings.
//!
//! Proof results arrive later than the front end's (they are computed on a worker
//! thread), so each is kept as a [`ProofNote`] anchored to its obligation's proof
//! script: after an edit, a note is shown again only where the same obligation still
//! has the same script text, shifted to where that script now is.

use crate::analysis::Snapshot;
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};
use miette::Diagnostic as _;
use std::collections::HashMap;
use std::sync::Arc;
use warrant_lang::{FileId, Span};

/// The `source` field of every diagnostic.
pub const SOURCE: &str = "warrant";

/// A proof result, anchored to its obligation's script.
#[derive(Clone, Debug)]
pub struct ProofNote {
    /// The obligation's kernel name.
    pub obligation: String,
    /// The proof script's text when it was checked ("" when it had none).
    pub script: String,
    /// The failure's span, relative to the anchor (the script's start, or the
    /// obligation's name when there is no script).
    pub rel: (u32, u32),
    /// A `sorry` (a warning) rather than a failing step.
    pub sorry: bool,
    /// What went wrong.
    pub message: String,
    /// The goal at that step.
    pub goal: String,
    /// The hypotheses at that step.
    pub hypotheses: Vec<String>,
}

/// Where a proof note lands in a snapshot.
pub struct Placed<'a> {
    /// The note.
    pub note: &'a ProofNote,
    /// Its file.
    pub file: FileId,
    /// Its span.
    pub span: Span,
    /// The obligation it is about.
    pub obligation: usize,
}

/// The anchor of an obligation: its script's span and text, or its name's span.
pub fn anchor(snap: &Snapshot, ob: &warrant_lang::Obligation) -> (u32, String) {
    match &ob.proof {
        Some(p) => (p.span.start, snap.text(ob.file).get(p.span.range()).unwrap_or("").to_string()),
        None => (ob.span.start, String::new()),
    }
}

/// Places `note` in `snap`, if its obligation still has the same script.
pub fn place<'a>(snap: &Snapshot, note: &'a ProofNote) -> Option<Placed<'a>> {
    let program = &snap.program;
    program.obligations.iter().enumerate().filter(|(_, ob)| &*ob.name == note.obligation.as_str()).find_map(
        |(i, ob)| {
            let (start, script) = anchor(snap, ob);
            (script == note.script).then(|| Placed {
                note,
                file: ob.file,
                span: Span { start: start.saturating_add(note.rel.0), end: start.saturating_add(note.rel.1) },
                obligation: i,
            })
        },
    )
}

/// An audit finding with the text of the file it points into.
#[derive(Clone, Debug)]
pub struct AuditNote {
    /// The finding.
    pub finding: warrant_auditor::Finding,
    /// The text of its file when it was found (shown only while unchanged).
    pub text: Option<Arc<str>>,
}

/// Diagnostics per URI.
pub type ByUri = HashMap<Uri, Vec<Diagnostic>>;

fn push(out: &mut ByUri, uri: &Uri, d: Diagnostic) {
    out.entry(uri.clone()).or_default().push(d);
}

/// The front end's diagnostics.
pub fn front_end(snap: &Snapshot, out: &mut ByUri) {
    for d in &snap.program.diagnostics {
        let Some(uri) = snap.uri(d.file) else { continue };
        let span = d.span().unwrap_or_default();
        let mut message = d.error.to_string();
        if let Some(help) = d.error.help() {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let primary = d.span();
        let related: Vec<DiagnosticRelatedInformation> = d
            .error
            .labels()
            .into_iter()
            .flatten()
            .filter(|l| {
                let s = Span::new(l.offset(), l.offset() + l.len());
                Some(s) != primary
            })
            .filter_map(|l| {
                let s = Span::new(l.offset(), l.offset() + l.len());
                Some(DiagnosticRelatedInformation {
                    location: snap.location(d.file, s)?,
                    message: l.label().unwrap_or("here").to_string(),
                })
            })
            .collect();
        push(
            out,
            uri,
            Diagnostic {
                range: snap.range(d.file, span),
                severity: Some(if d.is_warning() {
                    DiagnosticSeverity::WARNING
                } else {
                    DiagnosticSeverity::ERROR
                }),
                code: Some(NumberOrString::String(d.code())),
                source: Some(SOURCE.into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            },
        );
    }
}

/// The goal and hypotheses of a note, as shown in messages and hovers.
pub fn goal_text(goal: &str, hypotheses: &[String]) -> String {
    let mut s = String::new();
    for h in hypotheses {
        s.push_str(&format!("{h}\n"));
    }
    s.push_str(&format!("⊢ {goal}"));
    s
}

/// The prover's results that still apply to `snap`.
pub fn proofs(snap: &Snapshot, notes: &[ProofNote], out: &mut ByUri) {
    for note in notes {
        let Some(p) = place(snap, note) else { continue };
        let Some(uri) = snap.uri(p.file) else { continue };
        let ob = &snap.program.obligations[p.obligation];
        let name = snap.program.obligation_name(ob);
        let (code, severity, head) = if note.sorry {
            ("warrant::sorry", DiagnosticSeverity::WARNING, format!("`sorry` in the proof of `{name}`"))
        } else {
            ("warrant::proof", DiagnosticSeverity::ERROR, note.message.clone())
        };
        let related = snap.location(ob.file, ob.span).map(|location| {
            vec![DiagnosticRelatedInformation { location, message: format!("the statement of `{name}`") }]
        });
        push(
            out,
            uri,
            Diagnostic {
                range: snap.range(p.file, p.span),
                severity: Some(severity),
                code: Some(NumberOrString::String(code.into())),
                source: Some(SOURCE.into()),
                message: format!("{head}\ngoal left:\n{}", goal_text(&note.goal, &note.hypotheses)),
                related_information: related,
                ..Diagnostic::default()
            },
        );
    }
}

/// Audit codes whose findings repeat what an earlier stage already shows.
fn repeats_earlier_stage(code: warrant_auditor::Code) -> bool {
    use warrant_auditor::Code;
    matches!(code, Code::Parse | Code::Type | Code::Proof | Code::Sorry)
}

/// The auditor's findings whose files are unchanged in `snap`.
pub fn audit(snap: &Snapshot, notes: &[AuditNote], out: &mut ByUri) {
    let by_name: HashMap<&str, FileId> =
        snap.files().filter_map(|(f, _)| Some((snap.program.sources.get(f)?.name.as_str(), f))).collect();
    for n in notes {
        let f = &n.finding;
        if repeats_earlier_stage(f.code) {
            continue;
        }
        let Some(file) = f.file.as_deref().and_then(|name| by_name.get(name).copied()) else {
            continue;
        };
        if n.text.as_deref() != Some(snap.text(file)) {
            continue;
        }
        let Some(uri) = snap.uri(file) else { continue };
        let span = f.span.map(|s| Span::new(s.start, s.end)).unwrap_or_default();
        let mut message = f.message.clone();
        if let Some(d) = &f.detail {
            message.push_str(&format!("\n{d}"));
        }
        if let Some(h) = &f.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let related: Vec<DiagnosticRelatedInformation> = f
            .related
            .iter()
            .filter_map(|l| {
                let file = by_name.get(l.file.as_str()).copied()?;
                let location: Location = snap.location(file, Span::new(l.span.start, l.span.end))?;
                Some(DiagnosticRelatedInformation { location, message: l.label.clone() })
            })
            .collect();
        push(
            out,
            uri,
            Diagnostic {
                range: snap.range(file, span),
                severity: Some(match f.severity {
                    warrant_auditor::Severity::Reject => DiagnosticSeverity::ERROR,
                    _ => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(format!("audit::{}", f.code.as_str()))),
                source: Some(SOURCE.into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            },
        );
    }
}
