//! The read-only accessors of [`Theorem`]. A child module of `check`, so it can read
//! the theorem's private fields; it holds no rule and makes no theorem (only
//! [`check`](crate::check::check) does), which is why it sits outside the trusted files
//! that `tests/trusted_size.rs` counts.

use super::Theorem;
use crate::signature::Fingerprint;
use crate::term::{Formula, Name, Sort};
use std::collections::BTreeSet;

impl Theorem {
    /// The context hypotheses the proof actually uses, in context order.
    pub fn hypotheses(&self) -> &[(Name, Formula)] {
        &self.hypotheses
    }
    /// The context's variables.
    pub fn variables(&self) -> &[(Name, Sort)] {
        &self.variables
    }
    /// What was proved.
    pub fn conclusion(&self) -> &Formula {
        &self.conclusion
    }
    /// The axioms the proof rests on, transitively through the theorems it cites.
    pub fn trust_base(&self) -> &BTreeSet<Name> {
        &self.trust_base
    }
    /// The signature the proof was checked against.
    pub fn signature(&self) -> Fingerprint {
        self.signature
    }
}
