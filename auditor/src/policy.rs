//! Policy: how findings turn into a verdict, and which axioms a lab trusts.
//!
//! Strict by default: every finding whose code defaults to `reject` rejects, and no
//! axiom beyond the library's is allowed. A TOML file can change a code's level and
//! allow named axioms:
//!
//! ```toml
//! [levels]
//! no-witness = "reject"     # reject, warn or allow
//! trivial = "allow"
//!
//! [axioms]
//! allow = ["lab.measured_recall"]
//! ```

use crate::finding::{Code, Finding, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// A policy: levels per code and the allow-list of axioms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    levels: BTreeMap<Code, Severity>,
    allowed_axioms: BTreeSet<String>,
}

/// Why a policy file was refused.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PolicyError {
    /// Not valid TOML, or not of the policy's shape.
    #[error("the policy file is not valid: {0}")]
    #[diagnostic(
        code(warrant::policy),
        help("see `warrant explain` for the codes; levels are reject, warn or allow")
    )]
    Toml(#[from] toml::de::Error),
    /// A code that does not exist.
    #[error("the policy names the unknown finding code `{0}`")]
    #[diagnostic(code(warrant::policy), help("run `warrant explain` for the list of codes"))]
    UnknownCode(String),
    /// A level that does not exist.
    #[error("the policy gives `{code}` the unknown level `{level}`")]
    #[diagnostic(code(warrant::policy), help("levels are reject, warn or allow"))]
    UnknownLevel {
        /// The code.
        code: String,
        /// The level given.
        level: String,
    },
    /// A code whose finding means the input could not be checked at all.
    #[error("the policy may not lower `{0}`: it means the submission could not be checked")]
    #[diagnostic(
        code(warrant::policy),
        help("parse, type, proof, sorry, cycle, limit and dependency-rejected always reject")
    )]
    Unlowerable(Code),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    levels: BTreeMap<String, String>,
    #[serde(default)]
    axioms: AxiomSection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AxiomSection {
    #[serde(default)]
    allow: Vec<String>,
}

impl Policy {
    /// The default, strict policy.
    pub fn strict() -> Policy {
        Policy::default()
    }

    /// Reads a policy from TOML text.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text)?;
        let mut policy = Policy::default();
        for (code, level) in file.levels {
            let c = Code::parse(&code).ok_or_else(|| PolicyError::UnknownCode(code.clone()))?;
            let l = match level.as_str() {
                "reject" => Severity::Reject,
                "warn" => Severity::Warn,
                "allow" => Severity::Allow,
                _ => return Err(PolicyError::UnknownLevel { code, level }),
            };
            if l != Severity::Reject && Self::unlowerable(c) {
                return Err(PolicyError::Unlowerable(c));
            }
            policy.levels.insert(c, l);
        }
        policy.allowed_axioms = file.axioms.allow.into_iter().collect();
        Ok(policy)
    }

    /// Codes that mean nothing was established: no policy may lower them.
    fn unlowerable(c: Code) -> bool {
        matches!(
            c,
            Code::Parse
                | Code::Type
                | Code::Proof
                | Code::Sorry
                | Code::Cycle
                | Code::Limit
                | Code::DependencyRejected
        )
    }

    /// The severity of `code` under this policy.
    pub fn severity(&self, code: Code) -> Severity {
        self.levels.get(&code).copied().unwrap_or_else(|| code.default_severity())
    }

    /// `finding` at the severity this policy gives its code.
    pub fn apply(&self, finding: Finding) -> Finding {
        Finding { severity: self.severity(finding.code), ..finding }
    }

    /// May the submission declare the axiom `name`?
    pub fn allows_axiom(&self, name: &str) -> bool {
        self.allowed_axioms.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_by_default() {
        let p = Policy::strict();
        assert_eq!(p.severity(Code::NewAxiom), Severity::Reject);
        assert_eq!(p.severity(Code::NoWitness), Severity::Warn);
        assert!(!p.allows_axiom("anything"));
    }

    #[test]
    fn reads_levels_and_allowed_axioms() {
        let p = Policy::from_toml(
            "[levels]\nno-witness = \"reject\"\ntrivial = \"allow\"\n[axioms]\nallow = [\"lab.recall\"]\n",
        )
        .unwrap();
        assert_eq!(p.severity(Code::NoWitness), Severity::Reject);
        assert_eq!(p.severity(Code::Trivial), Severity::Allow);
        assert!(p.allows_axiom("lab.recall"));
        assert!(!p.allows_axiom("lab.other"));
    }

    #[test]
    fn refuses_unknown_codes_levels_and_lowering_soundness_codes() {
        assert!(
            matches!(Policy::from_toml("[levels]\nfoo = \"warn\""), Err(PolicyError::UnknownCode(c)) if c == "foo")
        );
        assert!(matches!(
            Policy::from_toml("[levels]\ntrivial = \"meh\""),
            Err(PolicyError::UnknownLevel { .. })
        ));
        assert!(matches!(
            Policy::from_toml("[levels]\nproof = \"warn\""),
            Err(PolicyError::Unlowerable(Code::Proof))
        ));
        assert!(matches!(Policy::from_toml("[other]\nx = 1"), Err(PolicyError::Toml(_))));
    }
}
