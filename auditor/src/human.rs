//! The human rendering of a report: each finding as a miette diagnostic with its
//! source snippet, then the verdict, the trust base and the provenance chain.

use crate::finding::{Finding, Severity};
use crate::report::{Report, Verdict};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// A finding seen as a miette diagnostic.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)?;
        if let Some(d) = &self.finding.detail {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("warrant::{}", self.finding.code.as_str())))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Reject => miette::Severity::Error,
            Severity::Warn | Severity::Allow => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.help.as_ref().map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.span?;
        self.source.as_ref()?;
        let label = self.finding.technique.as_ref().map(|t| format!("in {t}"));
        let mut labels = vec![LabeledSpan::new_primary_with_span(label, (span.start, span.end - span.start))];
        // Related places in the same file are labelled too.
        for r in &self.finding.related {
            if Some(&r.file) == self.finding.file.as_ref() && r.span != span {
                labels.push(LabeledSpan::new_with_span(
                    Some(r.label.clone()),
                    (r.span.start, r.span.end - r.span.start),
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// Renders the report for a person. `color` uses the unicode theme with colours (for a
/// terminal); otherwise plain ASCII, stable for logs and tests.
pub fn render(report: &Report, sources: &BTreeMap<String, String>, color: bool) -> String {
    let handler = if color {
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
    } else {
        GraphicalReportHandler::new_themed(GraphicalTheme::none())
    }
    .with_width(100)
    .with_links(false);
    let mut out = String::new();
    for f in &report.findings {
        let source = f
            .file
            .as_ref()
            .and_then(|file| sources.get(file).map(|text| NamedSource::new(file.clone(), text.clone())));
        let d = FindingDiagnostic { finding: f, source };
        if handler.render_report(&mut out, &d).is_err() {
            let _ = writeln!(out, "warrant::{}: {}", f.code, f.message);
        }
    }
    let rejected = report.findings.iter().filter(|f| f.severity == Severity::Reject).count();
    let warned = report.findings.iter().filter(|f| f.severity == Severity::Warn).count();
    let verdict = match report.verdict {
        Verdict::Accepted => "ACCEPTED",
        Verdict::Rejected => "REJECTED",
    };
    let _ = writeln!(out, "verdict: {verdict} ({rejected} rejecting, {warned} warning findings)");
    let _ = writeln!(out, "\ntrust base (what a deployer must believe):");
    if report.trust_base.axioms.is_empty() && report.trust_base.assumptions.is_empty() {
        let _ = writeln!(out, "  nothing");
    }
    for a in &report.trust_base.axioms {
        let _ = writeln!(out, "  axiom {a}");
    }
    for a in &report.trust_base.assumptions {
        let _ = writeln!(out, "  assumption {}.{}: {}", a.technique, a.name, a.statement);
    }
    let _ = writeln!(out, "\nprovenance:");
    for t in report.techniques.iter().filter(|t| t.submitted) {
        provenance(report, &t.name, 1, &mut out, &mut Vec::new());
    }
    out
}

fn provenance(report: &Report, name: &str, depth: usize, out: &mut String, path: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    let Some(t) = report.techniques.iter().find(|t| t.name == name) else {
        let _ = writeln!(out, "{indent}{name} (not audited)");
        return;
    };
    let mut line = format!("{indent}{} [{}]", t.name, t.verdict.as_str());
    if let Some(p) = &t.proposed_by {
        let _ = write!(line, " proposed by {p}");
    }
    if let Some(o) = &t.oversees {
        let _ = write!(line, ", oversees {o}");
    }
    if let Some(s) = &t.source {
        let _ = write!(line, ", source: {s}");
    }
    let _ = writeln!(out, "{line}");
    if path.iter().any(|p| p == name) || depth > 32 {
        return;
    }
    path.push(name.to_string());
    for u in &t.uses {
        provenance(report, u, depth + 1, out, path);
    }
    path.pop();
}
