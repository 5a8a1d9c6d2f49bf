//! Findings: what an audit says about a submission, each with a stable code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A finding's stable code. The text form (`Code::as_str`) is part of the report
/// schema and of policy files; never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// The text does not parse.
    Parse,
    /// The program is ill-formed: names, sorts, arities, imports.
    Type,
    /// A proof step does not check.
    Proof,
    /// A `sorry` hole is left.
    Sorry,
    /// The submission adds axioms to the library.
    NewAxiom,
    /// Techniques justify each other in a circle.
    Cycle,
    /// A used technique's assumption is neither discharged nor lifted.
    Undischarged,
    /// Something the technique rests on was rejected.
    DependencyRejected,
    /// The assumptions prove `false`.
    Vacuous,
    /// The technique rests on something proposed by the agent it oversees.
    SelfCertification,
    /// A resource bound was hit.
    Limit,
    /// The witness violates an assumption.
    WitnessFails,
    /// A challenge requirement does not follow from the guarantees.
    ChallengeUnmet,
    /// The technique rests on an assumption the challenge does not allow.
    AssumptionNotAllowed,
    /// No technique answers the challenge.
    NoAnswer,
    /// A guarantee holds without the technique's assumptions.
    Trivial,
    /// The guarantees do not establish the stated intent.
    IntentGap,
    /// An assumption no proof needs.
    UnusedAssumption,
    /// Consistency of the assumptions is not shown.
    NoWitness,
}

/// How a finding affects the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The submission is rejected.
    Reject,
    /// Reported; the verdict is unaffected.
    Warn,
    /// Not reported (a policy may silence a warning).
    Allow,
}

impl Severity {
    /// The text form used in reports and policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Reject => "reject",
            Severity::Warn => "warn",
            Severity::Allow => "allow",
        }
    }
}

/// Every code, in the order of DESIGN.md's table.
pub const ALL_CODES: [Code; 19] = [
    Code::Parse,
    Code::Type,
    Code::Proof,
    Code::Sorry,
    Code::NewAxiom,
    Code::Cycle,
    Code::Undischarged,
    Code::DependencyRejected,
    Code::Vacuous,
    Code::SelfCertification,
    Code::Limit,
    Code::WitnessFails,
    Code::ChallengeUnmet,
    Code::AssumptionNotAllowed,
    Code::NoAnswer,
    Code::Trivial,
    Code::IntentGap,
    Code::UnusedAssumption,
    Code::NoWitness,
];

impl Code {
    /// The stable text form, e.g. `new-axiom`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Parse => "parse",
            Code::Type => "type",
            Code::Proof => "proof",
            Code::Sorry => "sorry",
            Code::NewAxiom => "new-axiom",
            Code::Cycle => "cycle",
            Code::Undischarged => "undischarged",
            Code::DependencyRejected => "dependency-rejected",
            Code::Vacuous => "vacuous",
            Code::SelfCertification => "self-certification",
            Code::Limit => "limit",
            Code::WitnessFails => "witness-fails",
            Code::ChallengeUnmet => "challenge-unmet",
            Code::AssumptionNotAllowed => "assumption-not-allowed",
            Code::NoAnswer => "no-answer",
            Code::Trivial => "trivial",
            Code::IntentGap => "intent-gap",
            Code::UnusedAssumption => "unused-assumption",
            Code::NoWitness => "no-witness",
        }
    }

    /// The code whose text form is `s`.
    pub fn parse(s: &str) -> Option<Code> {
        ALL_CODES.iter().copied().find(|c| c.as_str() == s)
    }

    /// The severity under the default (strict) policy.
    pub fn default_severity(self) -> Severity {
        match self {
            Code::Trivial | Code::IntentGap | Code::UnusedAssumption | Code::NoWitness => Severity::Warn,
            _ => Severity::Reject,
        }
    }

    /// The documentation `warrant explain CODE` prints: what it means, why it matters,
    /// how to fix it, and an example that triggers it.
    pub fn explain(self) -> &'static str {
        match self {
            Code::Parse => include_str!("../explain/parse.md"),
            Code::Type => include_str!("../explain/type.md"),
            Code::Proof => include_str!("../explain/proof.md"),
            Code::Sorry => include_str!("../explain/sorry.md"),
            Code::NewAxiom => include_str!("../explain/new-axiom.md"),
            Code::Cycle => include_str!("../explain/cycle.md"),
            Code::Undischarged => include_str!("../explain/undischarged.md"),
            Code::DependencyRejected => include_str!("../explain/dependency-rejected.md"),
            Code::Vacuous => include_str!("../explain/vacuous.md"),
            Code::SelfCertification => include_str!("../explain/self-certification.md"),
            Code::Limit => include_str!("../explain/limit.md"),
            Code::WitnessFails => include_str!("../explain/witness-fails.md"),
            Code::ChallengeUnmet => include_str!("../explain/challenge-unmet.md"),
            Code::AssumptionNotAllowed => include_str!("../explain/assumption-not-allowed.md"),
            Code::NoAnswer => include_str!("../explain/no-answer.md"),
            Code::Trivial => include_str!("../explain/trivial.md"),
            Code::IntentGap => include_str!("../explain/intent-gap.md"),
            Code::UnusedAssumption => include_str!("../explain/unused-assumption.md"),
            Code::NoWitness => include_str!("../explain/no-witness.md"),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset after the last byte.
    pub end: usize,
}

/// A place a finding points at, with what to say there.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file (as given on the command line, or the library path of a module).
    pub file: String,
    /// The byte range.
    pub span: Span,
    /// What is there.
    pub label: String,
}

/// One finding of an audit.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Severity after the policy was applied.
    pub severity: Severity,
    /// The technique it concerns, if any (qualified name).
    pub technique: Option<String>,
    /// One sentence.
    pub message: String,
    /// The file of the primary location, if any.
    pub file: Option<String>,
    /// The primary location's byte range, if any.
    pub span: Option<Span>,
    /// More detail: the goal left, a cycle, a derivation of `false`.
    pub detail: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places involved (e.g. each technique of a cycle).
    pub related: Vec<Location>,
}

impl Finding {
    /// A finding with the code's default severity and nothing but a message.
    pub fn new(code: Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.default_severity(),
            technique: None,
            message: message.into(),
            file: None,
            span: None,
            detail: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// Sets the technique.
    pub fn technique(mut self, t: impl Into<String>) -> Finding {
        self.technique = Some(t.into());
        self
    }

    /// Sets the primary location.
    pub fn at(mut self, file: impl Into<String>, span: Span) -> Finding {
        self.file = Some(file.into());
        self.span = Some(span);
        self
    }

    /// Sets the detail.
    pub fn detail(mut self, d: impl Into<String>) -> Finding {
        self.detail = Some(d.into());
        self
    }

    /// Sets the help.
    pub fn help(mut self, h: impl Into<String>) -> Finding {
        self.help = Some(h.into());
        self
    }

    /// Adds a related location.
    pub fn related(mut self, l: Location) -> Finding {
        self.related.push(l);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_text() {
        for c in ALL_CODES {
            assert_eq!(Code::parse(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert!(c.explain().contains(c.as_str()), "explain text of {c} names it");
        }
        assert_eq!(Code::parse("nope"), None);
    }

    #[test]
    fn default_policy_is_strict() {
        let warns: Vec<&str> =
            ALL_CODES.iter().filter(|c| c.default_severity() == Severity::Warn).map(|c| c.as_str()).collect();
        assert_eq!(warns, ["trivial", "intent-gap", "unused-assumption", "no-witness"]);
    }
}
