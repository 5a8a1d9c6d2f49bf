//! The audit report and its renderings: human (miette), JSON (versioned schema in
//! `docs/report.schema.json`), SARIF 2.1.0 and DOT. Rendering is deterministic: the
//! same report gives the same bytes.

use crate::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The report schema's version, written as `schema` in every JSON report.
pub const SCHEMA: &str = "warrant-report/1";

/// Accepted or rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No finding rejects.
    Accepted,
    /// At least one finding rejects.
    Rejected,
}

impl Verdict {
    /// The verdict of a report with these findings: rejected when one of them rejects.
    pub(crate) fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Reject) {
            Verdict::Rejected
        } else {
            Verdict::Accepted
        }
    }

    /// `accepted` or `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected => "rejected",
        }
    }
}

/// An assumption a deployer must believe: an assumption of an audited technique (its
/// own, or lifted from below).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assumption {
    /// The technique that makes it.
    pub technique: String,
    /// Its name there (`first.recall_prob` for a lifted one).
    pub name: String,
    /// The statement, in warrant's syntax.
    pub statement: String,
}

/// What a deployer must believe for the accepted guarantees to hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustBase {
    /// Axioms, by qualified name, that the checked theorems rest on.
    pub axioms: Vec<String>,
    /// Assumptions of the submitted techniques.
    pub assumptions: Vec<Assumption>,
}

/// A guarantee as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeReport {
    /// Its name.
    pub name: String,
    /// Its statement, in warrant's syntax.
    pub statement: String,
    /// Whether the kernel checked its proof.
    pub checked: bool,
    /// SHA-256 of the kernel proof object (JSON), when checked.
    pub certificate: Option<String>,
}

/// One technique's part of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechniqueReport {
    /// Qualified name.
    pub name: String,
    /// The file it is in.
    pub file: String,
    /// Its own verdict.
    pub verdict: Verdict,
    /// Is it part of the submission (as opposed to the library)?
    pub submitted: bool,
    /// `source` (the paper it comes from), if given.
    pub source: Option<String>,
    /// `proposed_by`, if given.
    pub proposed_by: Option<String>,
    /// `oversees`, if given.
    pub oversees: Option<String>,
    /// The techniques it uses (qualified names).
    pub uses: Vec<String>,
    /// Its guarantees.
    pub guarantees: Vec<GuaranteeReport>,
    /// The hash of the technique and everything below it (the cache key, which the
    /// cache prefixes with a digest of the engine's bounds).
    pub content_hash: String,
}

/// The result of an audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Every finding, sorted.
    pub findings: Vec<Finding>,
    /// Axioms and assumptions the acceptance rests on.
    pub trust_base: TrustBase,
    /// Every technique audited, submitted or below, sorted by name.
    pub techniques: Vec<TechniqueReport>,
}

impl Report {
    /// Builds a report, deciding the verdict from the findings' severities and putting
    /// everything in a canonical order.
    pub fn new(
        mut findings: Vec<Finding>,
        mut trust_base: TrustBase,
        mut techniques: Vec<TechniqueReport>,
    ) -> Report {
        findings.retain(|f| f.severity != Severity::Allow);
        findings.sort();
        findings.dedup();
        trust_base.axioms.sort();
        trust_base.axioms.dedup();
        trust_base.assumptions.sort();
        trust_base.assumptions.dedup();
        techniques.sort_by(|a, b| a.name.cmp(&b.name));
        Report {
            schema: SCHEMA.to_string(),
            verdict: Verdict::of(&findings),
            findings,
            trust_base,
            techniques,
        }
    }

    /// The JSON rendering (pretty, with a final newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    /// The SARIF 2.1.0 rendering. `sources` maps file names to their text, to turn byte
    /// offsets into lines and columns.
    pub fn to_sarif(&self, sources: &BTreeMap<String, String>) -> String {
        let mut rules: Vec<serde_json::Value> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for f in &self.findings {
            if seen.insert(f.code) {
                rules.push(serde_json::json!({
                    "id": f.code.as_str(),
                    "shortDescription": { "text": first_line(f.code.explain()) },
                    "fullDescription": { "text": f.code.explain() },
                    "defaultConfiguration": { "level": sarif_level(f.code.default_severity()) },
                }));
            }
        }
        let results: Vec<serde_json::Value> = self
            .findings
            .iter()
            .map(|f| {
                let mut text = f.message.clone();
                if let Some(d) = &f.detail {
                    text.push_str("\n\n");
                    text.push_str(d);
                }
                let mut result = serde_json::json!({
                    "ruleId": f.code.as_str(),
                    "level": sarif_level(f.severity),
                    "message": { "text": text },
                });
                if let (Some(file), Some(span)) = (&f.file, f.span) {
                    let region = match sources.get(file) {
                        Some(text) => {
                            let (l1, c1) = line_col(text, span.start);
                            let (l2, c2) = line_col(text, span.end);
                            serde_json::json!({ "startLine": l1, "startColumn": c1, "endLine": l2, "endColumn": c2 })
                        }
                        None => serde_json::json!({ "byteOffset": span.start, "byteLength": span.end - span.start }),
                    };
                    result["locations"] = serde_json::json!([{
                        "physicalLocation": { "artifactLocation": { "uri": file }, "region": region }
                    }]);
                }
                result
            })
            .collect();
        let doc = serde_json::json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "warrant",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": results,
            }],
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The DOT rendering: techniques as nodes coloured by verdict, `use` as edges.
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph audit {\n  rankdir=BT;\n  node [shape=box, style=filled, fontname=\"Helvetica\"];\n",
        );
        for t in &self.techniques {
            let colour = match t.verdict {
                Verdict::Accepted => "palegreen",
                Verdict::Rejected => "lightcoral",
            };
            let border = if t.submitted { ", penwidth=2" } else { "" };
            let _ =
                writeln!(s, "  {} [label={}, fillcolor={colour}{border}];", dot_id(&t.name), dot_id(&t.name));
        }
        for t in &self.techniques {
            for u in &t.uses {
                let _ = writeln!(s, "  {} -> {};", dot_id(&t.name), dot_id(u));
            }
        }
        s.push_str("}\n");
        s
    }
}

fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap_or("").to_string()
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Reject => "error",
        Severity::Warn => "warning",
        Severity::Allow => "none",
    }
}

fn dot_id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub use warrant_lang::render::line_col;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Span};

    fn sample() -> Report {
        let f = Finding::new(Code::NoWitness, "no witness")
            .technique("m.T")
            .at("a.wr", Span { start: 4, end: 7 });
        let g = Finding::new(Code::Proof, "step fails").technique("m.T").detail("goal: x <= 1");
        let t = TechniqueReport {
            name: "m.T".into(),
            file: "a.wr".into(),
            verdict: Verdict::Rejected,
            submitted: true,
            source: None,
            proposed_by: Some("agent:a".into()),
            oversees: None,
            uses: vec!["m.U".into()],
            guarantees: vec![],
            content_hash: "00".into(),
        };
        Report::new(vec![f, g], TrustBase::default(), vec![t])
    }

    #[test]
    fn verdict_follows_severities_and_findings_are_sorted() {
        let r = sample();
        assert_eq!(r.verdict, Verdict::Rejected);
        let codes: Vec<Code> = r.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::Proof, Code::NoWitness]);
        let only_warn = Report::new(vec![Finding::new(Code::NoWitness, "w")], TrustBase::default(), vec![]);
        assert_eq!(only_warn.verdict, Verdict::Accepted);
    }

    #[test]
    fn json_has_the_stable_fields() {
        let v: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        assert_eq!(v["verdict"], "rejected");
        assert_eq!(v["findings"][1]["code"], "no-witness");
        assert_eq!(v["findings"][1]["severity"], "warn");
        assert_eq!(v["findings"][1]["span"]["start"], 4);
        assert_eq!(v["techniques"][0]["verdict"], "rejected");
    }

    #[test]
    fn sarif_places_results_by_line_and_column() {
        let sources = BTreeMap::from([("a.wr".to_string(), "ab\ncdefgh\n".to_string())]);
        let v: serde_json::Value = serde_json::from_str(&sample().to_sarif(&sources)).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let res = &v["runs"][0]["results"][1];
        assert_eq!(res["ruleId"], "no-witness");
        assert_eq!(res["level"], "warning");
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(2), Some(2)));
        assert_eq!((region["endLine"].as_u64(), region["endColumn"].as_u64()), (Some(2), Some(5)));
    }

    #[test]
    fn dot_colours_by_verdict() {
        let dot = sample().to_dot();
        assert!(dot.contains("\"m.T\" [label=\"m.T\", fillcolor=lightcoral, penwidth=2];"));
        assert!(dot.contains("\"m.T\" -> \"m.U\";"));
    }
}
