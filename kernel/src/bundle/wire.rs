//! The stored form of a bundle (format `warrant-bundle/2`): every term and formula
//! outside proof steps sits once in a shared table, and everything else names it by
//! its index there.
//!
//! The tables are hash-consed when written: `terms` holds each distinct term node once,
//! its children given as indices of *earlier* entries; `formulas` likewise, its terms
//! given as indices of `terms`. Declarations, contexts, claims, the trust base and the
//! challenge give their terms and formulas as indices, and so do proof steps
//! ([`StepW`], which mirrors [`Step`] with indices for its terms and formulas).
//!
//! Reading a table is one forward loop (no recursion driven by the input): an entry
//! that names itself, a later entry or no entry at all is refused, so a table cannot
//! hold a cycle. Each entry's depth and size (shared subtrees counted each time) are
//! computed on the way and held to the kernel's [`Limits`], and the total size of
//! everything the rest of the bundle names is held to a budget, so sharing cannot
//! blow a small document up into an unbounded amount of work.

use super::{
    BundleContext, BundleError, ChallengeMet, Claim, ClaimKind, Entry, Hashes, TheoremProof, TrustAssumption,
    TrustBase,
};
use crate::proof::{Product, Proof, Square, Step, StepId};
use crate::rat::Rat;
use crate::signature::Declaration;
use crate::term::{Formula, Hint, Name, Sort, Term};
use crate::Limits;
use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

/// Text as stored: borrowed from the document when it has no escapes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'a> Text<'a> {
    /// `n`, borrowed.
    pub(super) fn of(n: &'a str) -> Text<'a> {
        Text(Cow::Borrowed(n))
    }
}

/// A sort as stored (the same JSON as [`Sort`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(super) enum SortNode<'a> {
    Rat,
    Named(#[serde(borrow)] Text<'a>),
}

impl<'a> SortNode<'a> {
    fn of(s: &'a Sort) -> SortNode<'a> {
        match s {
            Sort::Rat => SortNode::Rat,
            Sort::Named(n) => SortNode::Named(Text::of(n)),
        }
    }
}

/// A term node: [`Term`] with each child an index of an earlier `terms` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(super) enum TermNode<'a> {
    Bound(u32),
    Free(#[serde(borrow)] Text<'a>, #[serde(borrow)] SortNode<'a>),
    Num(Cow<'a, Rat>),
    App(#[serde(borrow)] Text<'a>, Vec<u32>),
    Neg(u32),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Div(u32, Cow<'a, Rat>),
    Pow(u32, u32),
}

/// A formula node: [`Formula`] with each subformula an index of an earlier `formulas`
/// entry and each term an index of `terms`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(super) enum FormulaNode<'a> {
    True,
    False,
    Eq(u32, u32),
    Le(u32, u32),
    Lt(u32, u32),
    Pred(#[serde(borrow)] Text<'a>, Vec<u32>),
    Not(u32),
    And(u32, u32),
    Or(u32, u32),
    Implies(u32, u32),
    Iff(u32, u32),
    Forall(#[serde(borrow)] Text<'a>, #[serde(borrow)] SortNode<'a>, u32),
    Exists(#[serde(borrow)] Text<'a>, #[serde(borrow)] SortNode<'a>, u32),
}

/// A [`Declaration`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) enum DeclarationW<'a> {
    Sort {
        #[serde(borrow)]
        name: Text<'a>,
    },
    Function {
        #[serde(borrow)]
        name: Text<'a>,
        #[serde(borrow)]
        params: Vec<SortNode<'a>>,
        #[serde(borrow)]
        result: SortNode<'a>,
    },
    Predicate {
        #[serde(borrow)]
        name: Text<'a>,
        #[serde(borrow)]
        params: Vec<SortNode<'a>>,
    },
    DefineFunction {
        #[serde(borrow)]
        name: Text<'a>,
        #[serde(borrow)]
        params: Vec<(Text<'a>, SortNode<'a>)>,
        #[serde(borrow)]
        result: SortNode<'a>,
        body: u32,
    },
    DefinePredicate {
        #[serde(borrow)]
        name: Text<'a>,
        #[serde(borrow)]
        params: Vec<(Text<'a>, SortNode<'a>)>,
        body: u32,
    },
    Axiom {
        #[serde(borrow)]
        name: Text<'a>,
        statement: u32,
    },
    Theorem {
        #[serde(borrow)]
        name: Text<'a>,
        statement: u32,
        #[serde(borrow)]
        trust_base: Vec<Text<'a>>,
    },
}

/// A [`BundleContext`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct ContextW<'a> {
    #[serde(borrow)]
    variables: Vec<(Text<'a>, SortNode<'a>)>,
    #[serde(borrow)]
    hypotheses: Vec<(Text<'a>, u32)>,
}

/// A [`TheoremProof`] as stored: the context and the proof's terms and formulas by index.
#[derive(Serialize, Deserialize)]
pub(super) struct TheoremProofW<'a> {
    #[serde(borrow)]
    context: ContextW<'a>,
    #[serde(borrow)]
    proof: ProofW<'a>,
}

/// A [`Proof`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct ProofW<'a> {
    #[serde(borrow)]
    steps: Vec<StepW<'a>>,
}

/// An [`Entry`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct EntryW<'a> {
    #[serde(borrow)]
    pub declaration: DeclarationW<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<TheoremProofW<'a>>,
}

/// A [`Claim`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct ClaimW<'a> {
    kind: ClaimKind,
    #[serde(borrow)]
    owner: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    theorem: Text<'a>,
    #[serde(borrow)]
    params: Vec<(Text<'a>, SortNode<'a>)>,
    #[serde(borrow)]
    assumptions: Vec<(Text<'a>, u32)>,
    conclusion: u32,
}

/// A [`TrustAssumption`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct TrustAssumptionW<'a> {
    #[serde(borrow)]
    owner: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    statement: u32,
}

/// A [`TrustBase`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct TrustBaseW<'a> {
    #[serde(borrow)]
    axioms: Vec<Text<'a>>,
    #[serde(borrow)]
    assumptions: Vec<TrustAssumptionW<'a>>,
}

/// A [`ChallengeMet`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct ChallengeW<'a> {
    #[serde(borrow)]
    challenge: Text<'a>,
    #[serde(borrow)]
    technique: Text<'a>,
    #[serde(borrow)]
    params: Vec<(Text<'a>, SortNode<'a>)>,
    #[serde(borrow)]
    allows: Vec<(Text<'a>, u32)>,
    #[serde(borrow)]
    requires: Vec<(Text<'a>, u32, Text<'a>)>,
}

/// A whole bundle as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct BundleW<'a> {
    #[serde(borrow)]
    pub format: Text<'a>,
    #[serde(borrow)]
    pub kernel_version: Text<'a>,
    #[serde(borrow)]
    pub verdict: Text<'a>,
    #[serde(borrow)]
    pub terms: Vec<TermNode<'a>>,
    #[serde(borrow)]
    pub formulas: Vec<FormulaNode<'a>>,
    #[serde(borrow)]
    pub declarations: Vec<EntryW<'a>>,
    #[serde(borrow)]
    pub claims: Vec<ClaimW<'a>>,
    #[serde(borrow)]
    pub trust_base: TrustBaseW<'a>,
    #[serde(borrow, default)]
    pub challenge: Option<ChallengeW<'a>>,
    pub hashes: Hashes,
}

// ---------------------------------------------------------------------------
// Writing: the bundle's terms and formulas hash-consed into the tables.
// ---------------------------------------------------------------------------

/// Builds the tables while the parts are converted to their stored form. Entries are
/// numbered in first-visit order (children first), so the same bundle always gives
/// the same tables. `*_seen` remembers nodes by address, so that a subtree shared in
/// memory is visited once.
#[derive(Default)]
pub(super) struct Encoder<'b> {
    pub terms: Vec<TermNode<'b>>,
    term_ids: HashMap<TermNode<'b>, u32>,
    terms_seen: HashMap<*const Term, u32>,
    pub formulas: Vec<FormulaNode<'b>>,
    formula_ids: HashMap<FormulaNode<'b>, u32>,
    formulas_seen: HashMap<*const Formula, u32>,
}

/// The index of `node` in `table`, added if it is not there yet.
fn intern<N: Clone + Eq + std::hash::Hash>(table: &mut Vec<N>, ids: &mut HashMap<N, u32>, node: N) -> u32 {
    if let Some(&i) = ids.get(&node) {
        return i;
    }
    let i = table.len() as u32;
    table.push(node.clone());
    ids.insert(node, i);
    i
}

impl<'b> Encoder<'b> {
    /// The index of `t` (recursing over the in-memory term, which the kernel or the
    /// reader has already held to the depth limit).
    pub fn term(&mut self, t: &'b Term) -> u32 {
        if let Some(&i) = self.terms_seen.get(&(t as *const Term)) {
            return i;
        }
        let node = match t {
            Term::Bound(i) => TermNode::Bound(*i),
            Term::Free(x, s) => TermNode::Free(Text::of(x), SortNode::of(s)),
            Term::Num(r) => TermNode::Num(Cow::Borrowed(&**r)),
            Term::App(f, args) => TermNode::App(Text::of(f), args.iter().map(|a| self.term(a)).collect()),
            Term::Neg(a) => TermNode::Neg(self.term(a)),
            Term::Add(a, b) => TermNode::Add(self.term(a), self.term(b)),
            Term::Sub(a, b) => TermNode::Sub(self.term(a), self.term(b)),
            Term::Mul(a, b) => TermNode::Mul(self.term(a), self.term(b)),
            Term::Div(a, c) => TermNode::Div(self.term(a), Cow::Borrowed(&**c)),
            Term::Pow(a, n) => TermNode::Pow(self.term(a), *n),
        };
        let i = intern(&mut self.terms, &mut self.term_ids, node);
        self.terms_seen.insert(t as *const Term, i);
        i
    }

    /// The index of `f`.
    pub fn formula(&mut self, f: &'b Formula) -> u32 {
        if let Some(&i) = self.formulas_seen.get(&(f as *const Formula)) {
            return i;
        }
        let node = match f {
            Formula::True => FormulaNode::True,
            Formula::False => FormulaNode::False,
            Formula::Eq(a, b) => FormulaNode::Eq(self.term(a), self.term(b)),
            Formula::Le(a, b) => FormulaNode::Le(self.term(a), self.term(b)),
            Formula::Lt(a, b) => FormulaNode::Lt(self.term(a), self.term(b)),
            Formula::Pred(p, args) => {
                FormulaNode::Pred(Text::of(p), args.iter().map(|a| self.term(a)).collect())
            }
            Formula::Not(a) => FormulaNode::Not(self.formula(a)),
            Formula::And(a, b) => FormulaNode::And(self.formula(a), self.formula(b)),
            Formula::Or(a, b) => FormulaNode::Or(self.formula(a), self.formula(b)),
            Formula::Implies(a, b) => FormulaNode::Implies(self.formula(a), self.formula(b)),
            Formula::Iff(a, b) => FormulaNode::Iff(self.formula(a), self.formula(b)),
            Formula::Forall(h, s, b) => FormulaNode::Forall(Text::of(&h.0), SortNode::of(s), self.formula(b)),
            Formula::Exists(h, s, b) => FormulaNode::Exists(Text::of(&h.0), SortNode::of(s), self.formula(b)),
        };
        let i = intern(&mut self.formulas, &mut self.formula_ids, node);
        self.formulas_seen.insert(f as *const Formula, i);
        i
    }

    fn named_formulas<N: AsRef<str>>(&mut self, v: &'b [(N, Formula)]) -> Vec<(Text<'b>, u32)> {
        v.iter().map(|(n, f)| (Text::of(n.as_ref()), self.formula(f))).collect()
    }

    /// The stored form of an entry.
    pub fn entry(&mut self, e: &'b Entry) -> EntryW<'b> {
        let declaration = match &e.declaration {
            Declaration::Sort { name } => DeclarationW::Sort { name: Text::of(name) },
            Declaration::Function { name, params, result } => DeclarationW::Function {
                name: Text::of(name),
                params: params.iter().map(SortNode::of).collect(),
                result: SortNode::of(result),
            },
            Declaration::Predicate { name, params } => DeclarationW::Predicate {
                name: Text::of(name),
                params: params.iter().map(SortNode::of).collect(),
            },
            Declaration::DefineFunction { name, params, result, body } => DeclarationW::DefineFunction {
                name: Text::of(name),
                params: variables(params),
                result: SortNode::of(result),
                body: self.term(body),
            },
            Declaration::DefinePredicate { name, params, body } => DeclarationW::DefinePredicate {
                name: Text::of(name),
                params: variables(params),
                body: self.formula(body),
            },
            Declaration::Axiom { name, statement } => {
                DeclarationW::Axiom { name: Text::of(name), statement: self.formula(statement) }
            }
            Declaration::Theorem { name, statement, trust_base } => DeclarationW::Theorem {
                name: Text::of(name),
                statement: self.formula(statement),
                trust_base: trust_base.iter().map(|n| Text::of(n)).collect(),
            },
        };
        let proof = e.proof.as_ref().map(|p| TheoremProofW {
            context: ContextW {
                variables: variables(&p.context.variables),
                hypotheses: self.named_formulas(&p.context.hypotheses),
            },
            proof: ProofW { steps: p.proof.steps.iter().map(|s| self.step(s)).collect() },
        });
        EntryW { declaration, proof }
    }

    /// The stored form of a claim.
    pub fn claim(&mut self, c: &'b Claim) -> ClaimW<'b> {
        ClaimW {
            kind: c.kind,
            owner: Text::of(&c.owner),
            name: Text::of(&c.name),
            theorem: Text::of(&c.theorem),
            params: variables(&c.params),
            assumptions: self.named_formulas(&c.assumptions),
            conclusion: self.formula(&c.conclusion),
        }
    }

    /// The stored form of the trust base.
    pub fn trust_base(&mut self, t: &'b TrustBase) -> TrustBaseW<'b> {
        TrustBaseW {
            axioms: t.axioms.iter().map(|a| Text::of(a)).collect(),
            assumptions: t
                .assumptions
                .iter()
                .map(|a| TrustAssumptionW {
                    owner: Text::of(&a.owner),
                    name: Text::of(&a.name),
                    statement: self.formula(&a.statement),
                })
                .collect(),
        }
    }

    /// The stored form of the challenge met.
    pub fn challenge(&mut self, m: &'b ChallengeMet) -> ChallengeW<'b> {
        ChallengeW {
            challenge: Text::of(&m.challenge),
            technique: Text::of(&m.technique),
            params: variables(&m.params),
            allows: self.named_formulas(&m.allows),
            requires: m
                .requires
                .iter()
                .map(|(r, f, t)| (Text::of(r), self.formula(f), Text::of(t)))
                .collect(),
        }
    }
}

fn variables(v: &[(Name, Sort)]) -> Vec<(Text<'_>, SortNode<'_>)> {
    v.iter().map(|(x, s)| (Text::of(x), SortNode::of(s))).collect()
}

// ---------------------------------------------------------------------------
// Reading: the tables decoded bottom-up into shared nodes, then the parts resolved.
// ---------------------------------------------------------------------------

/// The tables, decoded: every entry once, shared by every part that names it.
pub(super) struct Tables {
    terms: Vec<Arc<Term>>,
    formulas: Vec<Arc<Formula>>,
    /// Size of each entry (nodes, shared subtrees counted each time).
    term_sizes: Vec<u64>,
    formula_sizes: Vec<u64>,
    names: Names,
    /// Nodes that the parts may still name, counted each time they are named.
    budget: u64,
}

/// One [`Name`] per distinct text, so that equal names share one allocation.
#[derive(Default)]
pub(super) struct Names(HashMap<Box<str>, Name>);

impl Names {
    fn get(&mut self, s: &str) -> Name {
        if let Some(n) = self.0.get(s) {
            return n.clone();
        }
        let n: Name = Arc::from(s);
        self.0.insert(s.into(), n.clone());
        n
    }

    fn sort(&mut self, s: &SortNode) -> Sort {
        match s {
            SortNode::Rat => Sort::Rat,
            SortNode::Named(n) => Sort::Named(self.get(&n.0)),
        }
    }
}

fn unreadable<T>(reason: String) -> Result<T, BundleError> {
    Err(BundleError { reason: format!("not a readable bundle: {reason}") })
}

/// The entry `j` that entry `i` of `table` names, when it is an earlier one.
fn earlier<'t, T>(table: &'t [T], what: &str, i: usize, j: u32) -> Result<&'t T, BundleError> {
    match table.get(j as usize) {
        Some(t) if (j as usize) < i => Ok(t),
        _ => unreadable(format!("{what} {i} names {what} {j}, which is not an earlier entry of the table")),
    }
}

impl Tables {
    /// Decodes the tables, refusing a reference that is not to an earlier entry and an
    /// entry deeper or larger than `limits` allow.
    pub fn decode(
        terms: &[TermNode],
        formulas: &[FormulaNode],
        limits: &Limits,
    ) -> Result<Tables, BundleError> {
        let max_depth = limits.max_depth as u32;
        let max_size = limits.max_formula_size as u64;
        let mut names = Names::default();
        let mut out: Vec<Arc<Term>> = Vec::with_capacity(terms.len());
        let mut depths: Vec<u32> = Vec::with_capacity(terms.len());
        let mut term_sizes: Vec<u64> = Vec::with_capacity(terms.len());
        for (i, node) in terms.iter().enumerate() {
            let mut depth = 0;
            let mut size = 1u64;
            let mut child = |j: u32| -> Result<Arc<Term>, BundleError> {
                let t = earlier(&out, "term", i, j)?;
                depth = depth.max(depths[j as usize]);
                size = size.saturating_add(term_sizes[j as usize]);
                Ok(t.clone())
            };
            let term = match node {
                TermNode::Bound(k) => Term::Bound(*k),
                TermNode::Free(x, s) => Term::Free(names.get(&x.0), names.sort(s)),
                TermNode::Num(r) => Term::Num(Arc::new(r.clone().into_owned())),
                TermNode::App(f, args) => {
                    let args =
                        args.iter().map(|&j| child(j).map(|t| (*t).clone())).collect::<Result<_, _>>()?;
                    Term::App(names.get(&f.0), args)
                }
                TermNode::Neg(a) => Term::Neg(child(*a)?),
                TermNode::Add(a, b) => Term::Add(child(*a)?, child(*b)?),
                TermNode::Sub(a, b) => Term::Sub(child(*a)?, child(*b)?),
                TermNode::Mul(a, b) => Term::Mul(child(*a)?, child(*b)?),
                TermNode::Div(a, c) => Term::Div(child(*a)?, Arc::new(c.clone().into_owned())),
                TermNode::Pow(a, n) => Term::Pow(child(*a)?, *n),
            };
            let depth = depth + 1;
            if depth > max_depth || size > max_size {
                return unreadable(format!(
                    "term {i} is deeper than {max_depth} or larger than {max_size} nodes (the kernel's limits)"
                ));
            }
            out.push(Arc::new(term));
            depths.push(depth);
            term_sizes.push(size);
        }
        let mut fs: Vec<Arc<Formula>> = Vec::with_capacity(formulas.len());
        let mut fdepths: Vec<u32> = Vec::with_capacity(formulas.len());
        let mut formula_sizes: Vec<u64> = Vec::with_capacity(formulas.len());
        for (i, node) in formulas.iter().enumerate() {
            let mut depth = 0;
            let mut size = 1u64;
            // A term of the formula: any entry of `terms` (that table is complete).
            let mut term = |j: u32| -> Result<Term, BundleError> {
                let Some(t) = out.get(j as usize) else {
                    return unreadable(format!("formula {i} names term {j}, which is not in the table"));
                };
                depth = depth.max(depths[j as usize]);
                size = size.saturating_add(term_sizes[j as usize]);
                Ok((**t).clone())
            };
            let formula = match node {
                FormulaNode::True => Formula::True,
                FormulaNode::False => Formula::False,
                FormulaNode::Eq(a, b) => Formula::Eq(term(*a)?, term(*b)?),
                FormulaNode::Le(a, b) => Formula::Le(term(*a)?, term(*b)?),
                FormulaNode::Lt(a, b) => Formula::Lt(term(*a)?, term(*b)?),
                FormulaNode::Pred(p, args) => {
                    let args = args.iter().map(|&j| term(j)).collect::<Result<_, _>>()?;
                    Formula::Pred(names.get(&p.0), args)
                }
                node => {
                    let mut sub = |j: u32| -> Result<Arc<Formula>, BundleError> {
                        let f = earlier(&fs, "formula", i, j)?;
                        depth = depth.max(fdepths[j as usize]);
                        size = size.saturating_add(formula_sizes[j as usize]);
                        Ok(f.clone())
                    };
                    match node {
                        FormulaNode::Not(a) => Formula::Not(sub(*a)?),
                        FormulaNode::And(a, b) => Formula::And(sub(*a)?, sub(*b)?),
                        FormulaNode::Or(a, b) => Formula::Or(sub(*a)?, sub(*b)?),
                        FormulaNode::Implies(a, b) => Formula::Implies(sub(*a)?, sub(*b)?),
                        FormulaNode::Iff(a, b) => Formula::Iff(sub(*a)?, sub(*b)?),
                        FormulaNode::Forall(x, s, b) => {
                            Formula::Forall(Hint(names.get(&x.0)), names.sort(s), sub(*b)?)
                        }
                        FormulaNode::Exists(x, s, b) => {
                            Formula::Exists(Hint(names.get(&x.0)), names.sort(s), sub(*b)?)
                        }
                        FormulaNode::True
                        | FormulaNode::False
                        | FormulaNode::Eq(..)
                        | FormulaNode::Le(..)
                        | FormulaNode::Lt(..)
                        | FormulaNode::Pred(..) => unreachable!("handled above"),
                    }
                }
            };
            let depth = depth + 1;
            if depth > max_depth || size > max_size {
                return unreadable(format!(
                    "formula {i} is deeper than {max_depth} or larger than {max_size} nodes (the kernel's limits)"
                ));
            }
            fs.push(Arc::new(formula));
            fdepths.push(depth);
            formula_sizes.push(size);
        }
        Ok(Tables {
            terms: out,
            formulas: fs,
            term_sizes,
            formula_sizes,
            names,
            // No more nodes than a format-1 bundle of the largest document allowed
            // could spell out (each node takes at least a few bytes there).
            budget: (limits.max_json_bytes / 4) as u64,
        })
    }

    fn spend(&mut self, size: u64) -> Result<(), BundleError> {
        match self.budget.checked_sub(size) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => unreadable(
                "its parts name more term and formula nodes (shared ones counted each time) than a bundle may hold"
                    .into(),
            ),
        }
    }

    fn term(&mut self, j: u32) -> Result<Term, BundleError> {
        let Some(size) = self.term_sizes.get(j as usize) else {
            return unreadable(format!("a part names term {j}, which is not in the table"));
        };
        self.spend(*size)?;
        Ok((*self.terms[j as usize]).clone())
    }

    fn formula(&mut self, j: u32) -> Result<Formula, BundleError> {
        let Some(size) = self.formula_sizes.get(j as usize) else {
            return unreadable(format!("a part names formula {j}, which is not in the table"));
        };
        self.spend(*size)?;
        Ok((*self.formulas[j as usize]).clone())
    }

    fn name(&mut self, t: &Text) -> Name {
        self.names.get(&t.0)
    }

    fn variables(&mut self, v: &[(Text, SortNode)]) -> Vec<(Name, Sort)> {
        v.iter().map(|(x, s)| (self.names.get(&x.0), self.names.sort(s))).collect()
    }

    fn named_formulas(&mut self, v: &[(Text, u32)]) -> Result<Vec<(Name, Formula)>, BundleError> {
        v.iter().map(|(n, f)| Ok((self.name(n), self.formula(*f)?))).collect()
    }

    fn labelled_formulas(&mut self, v: &[(Text, u32)]) -> Result<Vec<(String, Formula)>, BundleError> {
        v.iter().map(|(n, f)| Ok((n.0.to_string(), self.formula(*f)?))).collect()
    }

    /// The entry `e` names.
    pub fn entry(&mut self, e: EntryW) -> Result<Entry, BundleError> {
        let declaration = match e.declaration {
            DeclarationW::Sort { name } => Declaration::Sort { name: self.name(&name) },
            DeclarationW::Function { name, params, result } => Declaration::Function {
                name: self.name(&name),
                params: params.iter().map(|s| self.names.sort(s)).collect(),
                result: self.names.sort(&result),
            },
            DeclarationW::Predicate { name, params } => Declaration::Predicate {
                name: self.name(&name),
                params: params.iter().map(|s| self.names.sort(s)).collect(),
            },
            DeclarationW::DefineFunction { name, params, result, body } => Declaration::DefineFunction {
                name: self.name(&name),
                params: self.variables(&params),
                result: self.names.sort(&result),
                body: self.term(body)?,
            },
            DeclarationW::DefinePredicate { name, params, body } => Declaration::DefinePredicate {
                name: self.name(&name),
                params: self.variables(&params),
                body: self.formula(body)?,
            },
            DeclarationW::Axiom { name, statement } => {
                Declaration::Axiom { name: self.name(&name), statement: self.formula(statement)? }
            }
            DeclarationW::Theorem { name, statement, trust_base } => Declaration::Theorem {
                name: self.name(&name),
                statement: self.formula(statement)?,
                trust_base: trust_base.iter().map(|n| self.name(n)).collect::<BTreeSet<Name>>(),
            },
        };
        let proof = match e.proof {
            None => None,
            Some(p) => Some(TheoremProof {
                context: BundleContext {
                    variables: self.variables(&p.context.variables),
                    hypotheses: self.named_formulas(&p.context.hypotheses)?,
                },
                proof: Proof {
                    steps: p.proof.steps.into_iter().map(|s| self.step(s)).collect::<Result<_, _>>()?,
                },
            }),
        };
        Ok(Entry { declaration, proof })
    }

    /// The claim `c` names.
    pub fn claim(&mut self, c: ClaimW) -> Result<Claim, BundleError> {
        Ok(Claim {
            kind: c.kind,
            owner: c.owner.0.into_owned(),
            name: c.name.0.into_owned(),
            theorem: self.name(&c.theorem),
            params: self.variables(&c.params),
            assumptions: self.labelled_formulas(&c.assumptions)?,
            conclusion: self.formula(c.conclusion)?,
        })
    }

    /// The trust base `t` names.
    pub fn trust_base(&mut self, t: TrustBaseW) -> Result<TrustBase, BundleError> {
        Ok(TrustBase {
            axioms: t.axioms.iter().map(|a| self.name(a)).collect(),
            assumptions: t
                .assumptions
                .into_iter()
                .map(|a| {
                    Ok(TrustAssumption {
                        owner: a.owner.0.into_owned(),
                        name: a.name.0.into_owned(),
                        statement: self.formula(a.statement)?,
                    })
                })
                .collect::<Result<_, BundleError>>()?,
        })
    }

    /// The challenge `m` names.
    pub fn challenge(&mut self, m: ChallengeW) -> Result<ChallengeMet, BundleError> {
        Ok(ChallengeMet {
            challenge: m.challenge.0.into_owned(),
            technique: m.technique.0.into_owned(),
            params: self.variables(&m.params),
            allows: self.labelled_formulas(&m.allows)?,
            requires: m
                .requires
                .iter()
                .map(|(r, f, t)| Ok((r.0.to_string(), self.formula(*f)?, self.name(t))))
                .collect::<Result<_, BundleError>>()?,
        })
    }
}

// ---------------------------------------------------------------------------
// Proof steps: [`Step`] with each term and formula an index of the tables.
// ---------------------------------------------------------------------------

/// A [`Product`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct ProductW<'a> {
    coefficient: Cow<'a, Rat>,
    factors: Cow<'a, [usize]>,
}

/// A [`Square`] as stored.
#[derive(Serialize, Deserialize)]
pub(super) struct SquareW<'a> {
    coefficient: Cow<'a, Rat>,
    base: u32,
}

/// A [`Step`] as stored: the same variants and fields, each term an index of `terms`
/// and each formula an index of `formulas`.
#[derive(Serialize, Deserialize)]
pub(super) enum StepW<'a> {
    Hypothesis {
        #[serde(borrow)]
        name: Text<'a>,
    },
    Assume {
        formula: u32,
    },
    Axiom {
        #[serde(borrow)]
        name: Text<'a>,
        args: Vec<u32>,
    },
    Theorem {
        #[serde(borrow)]
        name: Text<'a>,
        args: Vec<u32>,
    },
    Unfold {
        #[serde(borrow)]
        name: Text<'a>,
        args: Vec<u32>,
    },
    TrueIntro,
    FalseElim {
        from: StepId,
        goal: u32,
    },
    AndIntro {
        left: StepId,
        right: StepId,
    },
    AndLeft {
        from: StepId,
    },
    AndRight {
        from: StepId,
    },
    OrLeft {
        from: StepId,
        right: u32,
    },
    OrRight {
        left: u32,
        from: StepId,
    },
    OrElim {
        from: StepId,
        left: StepId,
        right: StepId,
    },
    ImpIntro {
        assumption: u32,
        from: StepId,
    },
    ImpElim {
        implication: StepId,
        argument: StepId,
    },
    NotIntro {
        assumption: u32,
        from: StepId,
    },
    NotElim {
        negation: StepId,
        argument: StepId,
    },
    IffIntro {
        forward: StepId,
        backward: StepId,
    },
    IffForward {
        from: StepId,
    },
    IffBackward {
        from: StepId,
    },
    ExcludedMiddle {
        formula: u32,
    },
    ForallIntro {
        #[serde(borrow)]
        variable: Text<'a>,
        #[serde(borrow)]
        sort: SortNode<'a>,
        from: StepId,
    },
    ForallElim {
        from: StepId,
        term: u32,
    },
    ExistsIntro {
        #[serde(borrow)]
        hint: Text<'a>,
        #[serde(borrow)]
        sort: SortNode<'a>,
        body: u32,
        witness: u32,
        from: StepId,
    },
    ExistsElim {
        from: StepId,
        #[serde(borrow)]
        variable: Text<'a>,
        body: StepId,
    },
    Refl {
        term: u32,
    },
    Symm {
        from: StepId,
    },
    Trans {
        left: StepId,
        right: StepId,
    },
    Congruence {
        #[serde(borrow)]
        hole: SortNode<'a>,
        context: u32,
        from: StepId,
    },
    Substitute {
        #[serde(borrow)]
        hole: SortNode<'a>,
        motive: u32,
        equation: StepId,
        from: StepId,
    },
    Ring {
        lhs: u32,
        rhs: u32,
    },
    Psatz {
        goal: u32,
        facts: Cow<'a, [StepId]>,
        #[serde(borrow)]
        products: Vec<ProductW<'a>>,
        #[serde(borrow)]
        squares: Vec<SquareW<'a>>,
    },
    LeTotal {
        left: u32,
        right: u32,
    },
    LeAntisymm {
        le: StepId,
        ge: StepId,
    },
}

impl<'b> Encoder<'b> {
    fn terms_of(&mut self, ts: &'b [Term]) -> Vec<u32> {
        ts.iter().map(|t| self.term(t)).collect()
    }

    /// The stored form of a proof step.
    pub fn step(&mut self, s: &'b Step) -> StepW<'b> {
        match s {
            Step::Hypothesis { name } => StepW::Hypothesis { name: Text::of(name) },
            Step::Assume { formula } => StepW::Assume { formula: self.formula(formula) },
            Step::Axiom { name, args } => StepW::Axiom { name: Text::of(name), args: self.terms_of(args) },
            Step::Theorem { name, args } => {
                StepW::Theorem { name: Text::of(name), args: self.terms_of(args) }
            }
            Step::Unfold { name, args } => StepW::Unfold { name: Text::of(name), args: self.terms_of(args) },
            Step::TrueIntro => StepW::TrueIntro,
            Step::FalseElim { from, goal } => StepW::FalseElim { from: *from, goal: self.formula(goal) },
            Step::AndIntro { left, right } => StepW::AndIntro { left: *left, right: *right },
            Step::AndLeft { from } => StepW::AndLeft { from: *from },
            Step::AndRight { from } => StepW::AndRight { from: *from },
            Step::OrLeft { from, right } => StepW::OrLeft { from: *from, right: self.formula(right) },
            Step::OrRight { left, from } => StepW::OrRight { left: self.formula(left), from: *from },
            Step::OrElim { from, left, right } => StepW::OrElim { from: *from, left: *left, right: *right },
            Step::ImpIntro { assumption, from } => {
                StepW::ImpIntro { assumption: self.formula(assumption), from: *from }
            }
            Step::ImpElim { implication, argument } => {
                StepW::ImpElim { implication: *implication, argument: *argument }
            }
            Step::NotIntro { assumption, from } => {
                StepW::NotIntro { assumption: self.formula(assumption), from: *from }
            }
            Step::NotElim { negation, argument } => {
                StepW::NotElim { negation: *negation, argument: *argument }
            }
            Step::IffIntro { forward, backward } => {
                StepW::IffIntro { forward: *forward, backward: *backward }
            }
            Step::IffForward { from } => StepW::IffForward { from: *from },
            Step::IffBackward { from } => StepW::IffBackward { from: *from },
            Step::ExcludedMiddle { formula } => StepW::ExcludedMiddle { formula: self.formula(formula) },
            Step::ForallIntro { variable, sort, from } => {
                StepW::ForallIntro { variable: Text::of(variable), sort: SortNode::of(sort), from: *from }
            }
            Step::ForallElim { from, term } => StepW::ForallElim { from: *from, term: self.term(term) },
            Step::ExistsIntro { hint, sort, body, witness, from } => StepW::ExistsIntro {
                hint: Text::of(&hint.0),
                sort: SortNode::of(sort),
                body: self.formula(body),
                witness: self.term(witness),
                from: *from,
            },
            Step::ExistsElim { from, variable, body } => {
                StepW::ExistsElim { from: *from, variable: Text::of(variable), body: *body }
            }
            Step::Refl { term } => StepW::Refl { term: self.term(term) },
            Step::Symm { from } => StepW::Symm { from: *from },
            Step::Trans { left, right } => StepW::Trans { left: *left, right: *right },
            Step::Congruence { hole, context, from } => {
                StepW::Congruence { hole: SortNode::of(hole), context: self.term(context), from: *from }
            }
            Step::Substitute { hole, motive, equation, from } => StepW::Substitute {
                hole: SortNode::of(hole),
                motive: self.formula(motive),
                equation: *equation,
                from: *from,
            },
            Step::Ring { lhs, rhs } => StepW::Ring { lhs: self.term(lhs), rhs: self.term(rhs) },
            Step::Psatz { goal, facts, products, squares } => StepW::Psatz {
                goal: self.formula(goal),
                facts: Cow::Borrowed(facts),
                products: products
                    .iter()
                    .map(|p| ProductW {
                        coefficient: Cow::Borrowed(&p.coefficient),
                        factors: Cow::Borrowed(&p.factors),
                    })
                    .collect(),
                squares: squares
                    .iter()
                    .map(|s| SquareW { coefficient: Cow::Borrowed(&s.coefficient), base: self.term(&s.base) })
                    .collect(),
            },
            Step::LeTotal { left, right } => {
                StepW::LeTotal { left: self.term(left), right: self.term(right) }
            }
            Step::LeAntisymm { le, ge } => StepW::LeAntisymm { le: *le, ge: *ge },
        }
    }
}

impl Tables {
    fn terms_of(&mut self, ts: &[u32]) -> Result<Vec<Term>, BundleError> {
        ts.iter().map(|&t| self.term(t)).collect()
    }

    /// The proof step `s` names.
    fn step(&mut self, s: StepW) -> Result<Step, BundleError> {
        Ok(match s {
            StepW::Hypothesis { name } => Step::Hypothesis { name: self.name(&name) },
            StepW::Assume { formula } => Step::Assume { formula: self.formula(formula)? },
            StepW::Axiom { name, args } => {
                Step::Axiom { name: self.name(&name), args: self.terms_of(&args)? }
            }
            StepW::Theorem { name, args } => {
                Step::Theorem { name: self.name(&name), args: self.terms_of(&args)? }
            }
            StepW::Unfold { name, args } => {
                Step::Unfold { name: self.name(&name), args: self.terms_of(&args)? }
            }
            StepW::TrueIntro => Step::TrueIntro,
            StepW::FalseElim { from, goal } => Step::FalseElim { from, goal: self.formula(goal)? },
            StepW::AndIntro { left, right } => Step::AndIntro { left, right },
            StepW::AndLeft { from } => Step::AndLeft { from },
            StepW::AndRight { from } => Step::AndRight { from },
            StepW::OrLeft { from, right } => Step::OrLeft { from, right: self.formula(right)? },
            StepW::OrRight { left, from } => Step::OrRight { left: self.formula(left)?, from },
            StepW::OrElim { from, left, right } => Step::OrElim { from, left, right },
            StepW::ImpIntro { assumption, from } => {
                Step::ImpIntro { assumption: self.formula(assumption)?, from }
            }
            StepW::ImpElim { implication, argument } => Step::ImpElim { implication, argument },
            StepW::NotIntro { assumption, from } => {
                Step::NotIntro { assumption: self.formula(assumption)?, from }
            }
            StepW::NotElim { negation, argument } => Step::NotElim { negation, argument },
            StepW::IffIntro { forward, backward } => Step::IffIntro { forward, backward },
            StepW::IffForward { from } => Step::IffForward { from },
            StepW::IffBackward { from } => Step::IffBackward { from },
            StepW::ExcludedMiddle { formula } => Step::ExcludedMiddle { formula: self.formula(formula)? },
            StepW::ForallIntro { variable, sort, from } => {
                Step::ForallIntro { variable: self.name(&variable), sort: self.names.sort(&sort), from }
            }
            StepW::ForallElim { from, term } => Step::ForallElim { from, term: self.term(term)? },
            StepW::ExistsIntro { hint, sort, body, witness, from } => Step::ExistsIntro {
                hint: Hint(self.name(&hint)),
                sort: self.names.sort(&sort),
                body: self.formula(body)?,
                witness: self.term(witness)?,
                from,
            },
            StepW::ExistsElim { from, variable, body } => {
                Step::ExistsElim { from, variable: self.name(&variable), body }
            }
            StepW::Refl { term } => Step::Refl { term: self.term(term)? },
            StepW::Symm { from } => Step::Symm { from },
            StepW::Trans { left, right } => Step::Trans { left, right },
            StepW::Congruence { hole, context, from } => {
                Step::Congruence { hole: self.names.sort(&hole), context: self.term(context)?, from }
            }
            StepW::Substitute { hole, motive, equation, from } => Step::Substitute {
                hole: self.names.sort(&hole),
                motive: self.formula(motive)?,
                equation,
                from,
            },
            StepW::Ring { lhs, rhs } => Step::Ring { lhs: self.term(lhs)?, rhs: self.term(rhs)? },
            StepW::Psatz { goal, facts, products, squares } => Step::Psatz {
                goal: self.formula(goal)?,
                facts: facts.into_owned(),
                products: products
                    .into_iter()
                    .map(|p| Product {
                        coefficient: p.coefficient.into_owned(),
                        factors: p.factors.into_owned(),
                    })
                    .collect(),
                squares: squares
                    .into_iter()
                    .map(|s| Ok(Square { coefficient: s.coefficient.into_owned(), base: self.term(s.base)? }))
                    .collect::<Result<_, BundleError>>()?,
            },
            StepW::LeTotal { left, right } => {
                Step::LeTotal { left: self.term(left)?, right: self.term(right)? }
            }
            StepW::LeAntisymm { le, ge } => Step::LeAntisymm { le, ge },
        })
    }
}
