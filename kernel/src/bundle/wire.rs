//! The stored form of a bundle (format `warrant-bundle/4`): a compact binary encoding
//! in which every name, term and formula sits once in a shared table and everything
//! else names it by its index there.
//!
//! # Layout
//!
//! ```text
//! "warrant-bundle/4\n"             the format line (text, so `head -c 17` names it)
//! kernel version                   a string
//! names section                    every distinct string: names, labels, owners
//! terms section                    the term table
//! formulas section                 the formula table
//! declarations section             the signature slice, in order
//! proofs section                   one proof section (context and steps) per theorem
//! claims section                   verdict, claims, trust base, challenge
//! hashes                           five BLAKE3 digests, 32 bytes each
//! ```
//!
//! Format `warrant-bundle/3` was the same with SHA-256 digests; it is refused by name.
//!
//! A section is a length (in bytes) followed by that many bytes, its *body*; a body
//! must be read to its last byte exactly, and the file must end with the hashes.
//! Numbers are unsigned LEB128 varints (7 bits a byte, low bits first) written in
//! their shortest form; a string is its length in bytes and its UTF-8 bytes; a list
//! is its length and its elements; a rational is its text (`-3/20`), read by the same
//! checked parser as everywhere else. A sort is one number: 0 for `Rat`, `k + 1` for
//! the sort named by names entry `k`. Every enum is a tag byte (the variant's position
//! in the kernel type: [`Term`], [`Formula`], [`Declaration`], [`Step`]) followed by its
//! fields in declaration order; terms and formulas are table indices, names are
//! names indices, step references are plain numbers.
//!
//! # Tables
//!
//! The tables are hash-consed when written: `terms` holds each distinct term node once,
//! its children given as indices of *earlier* entries; `formulas` likewise, its terms
//! given as indices of `terms`. A writer numbers the entries in first-visit order
//! (children first) over the declarations, proofs, claims, trust base and challenge,
//! so the same bundle always gives the same bytes.
//!
//! Reading a table is one forward loop (no recursion driven by the input): an entry
//! that names itself, a later entry or no entry at all is refused, so a table cannot
//! hold a cycle. Each entry's depth and size (shared subtrees counted each time) are
//! computed on the way and held to the kernel's [`Limits`], and the total size of
//! everything the rest of the bundle names is held to a budget, so sharing cannot
//! blow a small document up into an unbounded amount of work.
//!
//! # Why damage cannot go unnoticed and input cannot allocate without bound
//!
//! Every byte of a file is in exactly one of: the format line and the kernel version
//! (each compared with what this verifier expects), a section (each covered by a
//! hash, length prefix included), the hashes (compared with the recomputed ones).
//! The decoder is a function of the bytes alone (one reading, no choices), so a change
//! anywhere changes what a hash covers, or is refused by name. Every length and count
//! is checked against the bytes left in its section before anything is allocated for
//! it: each string byte and each list element takes at least one byte of input, so a
//! reader never allocates more than a constant times the file's size, and the file is
//! held to [`Limits::max_json_bytes`] before it is read. That constant is large (a
//! proof step is one byte in the file and 168 once decoded), so every list and table
//! also takes its elements' decoded size from one [`Budget`] for the whole bundle
//! before it is read: twice `max_json_bytes`.

use super::{BundleError, ChallengeMet, Claim, ClaimKind, TheoremProof, TrustAssumption, TrustBase};
use crate::check::Context;
use crate::proof::{Product, Proof, Square, Step, StepId};
use crate::rat::Rat;
use crate::signature::Declaration;
use crate::term::{Formula, Hint, Name, Sort, Term};
use crate::Limits;
use std::collections::{BTreeSet, HashMap};
use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What the bytes of a format-4 file start with.
pub(super) const FORMAT_LINE: &[u8] = b"warrant-bundle/4\n";

/// The length of one recorded hash (BLAKE3).
pub(super) const HASH_BYTES: usize = 32;

// ---------------------------------------------------------------------------
// Writing.
// ---------------------------------------------------------------------------

/// Appends `v` as an unsigned LEB128 varint, shortest form.
pub(super) fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a string: its length, then its bytes.
pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Appends `body` as a section: its length, then its bytes.
pub(super) fn put_section(out: &mut Vec<u8>, body: &[u8]) {
    put_uint(out, body.len() as u64);
    out.extend_from_slice(body);
}

fn put_usize(out: &mut Vec<u8>, v: usize) {
    put_uint(out, v as u64);
}

/// The bodies of the sections of a bundle, as a writer makes them.
pub(super) struct Sections {
    pub names: Vec<u8>,
    pub terms: Vec<u8>,
    pub formulas: Vec<u8>,
    pub declarations: Vec<u8>,
    pub proofs: Vec<u8>,
    pub claims: Vec<u8>,
}

/// Builds the tables while the parts are encoded. `*_ids` find a node by its encoding
/// (two nodes are equal exactly when their encodings are, children being indices of
/// already-unique entries); `*_seen` remember nodes by address, so that a subtree
/// shared in memory is visited once.
#[derive(Default)]
pub(super) struct Writer<'b> {
    names: Vec<u8>,
    name_ids: HashMap<&'b str, u32>,
    terms: Vec<u8>,
    term_ids: HashMap<Vec<u8>, u32>,
    terms_seen: HashMap<*const Term, u32>,
    formulas: Vec<u8>,
    formula_ids: HashMap<Vec<u8>, u32>,
    formulas_seen: HashMap<*const Formula, u32>,
}

/// The index of `node` among `ids`, appended to `table` if it is not there yet.
fn intern(table: &mut Vec<u8>, ids: &mut HashMap<Vec<u8>, u32>, node: Vec<u8>) -> u32 {
    if let Some(&i) = ids.get(&node) {
        return i;
    }
    let i = ids.len() as u32;
    table.extend_from_slice(&node);
    ids.insert(node, i);
    i
}

/// Prefixes `body` with the number of entries it holds.
fn counted(count: usize, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 5);
    put_usize(&mut out, count);
    out.extend_from_slice(body);
    out
}

impl<'b> Writer<'b> {
    /// The sections of `b`'s parts. Entries are numbered in first-visit order over the
    /// declarations and their proofs, the claims, the trust base and the challenge.
    pub fn sections(b: &'b super::Bundle) -> Sections {
        let mut w = Writer::default();
        let mut declarations = Vec::new();
        let mut proofs = Vec::new();
        put_usize(&mut declarations, b.declarations.len());
        put_usize(&mut proofs, b.declarations.iter().filter(|e| e.proof.is_some()).count());
        for e in &b.declarations {
            w.declaration(&mut declarations, &e.declaration);
            declarations.push(u8::from(e.proof.is_some()));
            if let Some(p) = &e.proof {
                // Each proof is a section of its own, so that a reader can share the
                // proofs out between threads before decoding them.
                let mut body = Vec::new();
                w.theorem_proof(&mut body, p);
                put_section(&mut proofs, &body);
            }
        }
        let mut claims = Vec::new();
        w.name_into(&mut claims, &b.verdict);
        put_usize(&mut claims, b.claims.len());
        for c in &b.claims {
            w.claim(&mut claims, c);
        }
        w.trust_base(&mut claims, &b.trust_base);
        match &b.challenge {
            None => claims.push(0),
            Some(m) => {
                claims.push(1);
                w.challenge(&mut claims, m);
            }
        }
        Sections {
            names: counted(w.name_ids.len(), &w.names),
            terms: counted(w.term_ids.len(), &w.terms),
            formulas: counted(w.formula_ids.len(), &w.formulas),
            declarations,
            proofs,
            claims,
        }
    }

    fn name(&mut self, s: &'b str) -> u32 {
        if let Some(&i) = self.name_ids.get(s) {
            return i;
        }
        let i = self.name_ids.len() as u32;
        put_str(&mut self.names, s);
        self.name_ids.insert(s, i);
        i
    }

    fn name_into(&mut self, out: &mut Vec<u8>, s: &'b str) {
        let i = self.name(s);
        put_uint(out, u64::from(i));
    }

    fn sort_into(&mut self, out: &mut Vec<u8>, s: &'b Sort) {
        match s {
            Sort::Rat => out.push(0),
            Sort::Named(n) => {
                let i = self.name(n);
                put_uint(out, u64::from(i) + 1);
            }
        }
    }

    fn variables_into(&mut self, out: &mut Vec<u8>, v: &'b [(Name, Sort)]) {
        put_usize(out, v.len());
        for (x, s) in v {
            self.name_into(out, x);
            self.sort_into(out, s);
        }
    }

    fn named_formulas_into<N: AsRef<str>>(&mut self, out: &mut Vec<u8>, v: &'b [(N, Formula)]) {
        put_usize(out, v.len());
        for (n, f) in v {
            self.name_into(out, n.as_ref());
            self.formula_into(out, f);
        }
    }

    /// The index of `t` (recursing over the in-memory term, which the kernel or the
    /// reader has already held to the depth limit).
    fn term(&mut self, t: &'b Term) -> u32 {
        if let Some(&i) = self.terms_seen.get(&(t as *const Term)) {
            return i;
        }
        let mut node = Vec::new();
        match t {
            Term::Bound(i) => {
                node.push(0);
                put_uint(&mut node, u64::from(*i));
            }
            Term::Free(x, s) => {
                node.push(1);
                self.name_into(&mut node, x);
                self.sort_into(&mut node, s);
            }
            Term::Num(r) => {
                node.push(2);
                put_str(&mut node, &r.to_string());
            }
            Term::App(f, args) => {
                node.push(3);
                self.name_into(&mut node, f);
                self.terms_into(&mut node, args);
            }
            Term::Neg(a) => {
                node.push(4);
                self.term_into(&mut node, a);
            }
            Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => {
                node.push(match t {
                    Term::Add(..) => 5,
                    Term::Sub(..) => 6,
                    _ => 7,
                });
                self.term_into(&mut node, a);
                self.term_into(&mut node, b);
            }
            Term::Div(a, c) => {
                node.push(8);
                self.term_into(&mut node, a);
                put_str(&mut node, &c.to_string());
            }
            Term::Pow(a, n) => {
                node.push(9);
                self.term_into(&mut node, a);
                put_uint(&mut node, u64::from(*n));
            }
        }
        let i = intern(&mut self.terms, &mut self.term_ids, node);
        self.terms_seen.insert(t as *const Term, i);
        i
    }

    fn term_into(&mut self, out: &mut Vec<u8>, t: &'b Term) {
        let i = self.term(t);
        put_uint(out, u64::from(i));
    }

    fn terms_into(&mut self, out: &mut Vec<u8>, ts: &'b [Term]) {
        put_usize(out, ts.len());
        for t in ts {
            self.term_into(out, t);
        }
    }

    /// The index of `f`.
    fn formula(&mut self, f: &'b Formula) -> u32 {
        if let Some(&i) = self.formulas_seen.get(&(f as *const Formula)) {
            return i;
        }
        let mut node = Vec::new();
        match f {
            Formula::True => node.push(0),
            Formula::False => node.push(1),
            Formula::Eq(a, b) | Formula::Le(a, b) | Formula::Lt(a, b) => {
                node.push(match f {
                    Formula::Eq(..) => 2,
                    Formula::Le(..) => 3,
                    _ => 4,
                });
                self.term_into(&mut node, a);
                self.term_into(&mut node, b);
            }
            Formula::Pred(p, args) => {
                node.push(5);
                self.name_into(&mut node, p);
                self.terms_into(&mut node, args);
            }
            Formula::Not(a) => {
                node.push(6);
                self.formula_into(&mut node, a);
            }
            Formula::And(a, b) | Formula::Or(a, b) | Formula::Implies(a, b) | Formula::Iff(a, b) => {
                node.push(match f {
                    Formula::And(..) => 7,
                    Formula::Or(..) => 8,
                    Formula::Implies(..) => 9,
                    _ => 10,
                });
                self.formula_into(&mut node, a);
                self.formula_into(&mut node, b);
            }
            Formula::Forall(h, s, b) | Formula::Exists(h, s, b) => {
                node.push(if matches!(f, Formula::Forall(..)) { 11 } else { 12 });
                self.name_into(&mut node, &h.0);
                self.sort_into(&mut node, s);
                self.formula_into(&mut node, b);
            }
        }
        let i = intern(&mut self.formulas, &mut self.formula_ids, node);
        self.formulas_seen.insert(f as *const Formula, i);
        i
    }

    fn formula_into(&mut self, out: &mut Vec<u8>, f: &'b Formula) {
        let i = self.formula(f);
        put_uint(out, u64::from(i));
    }

    fn declaration(&mut self, out: &mut Vec<u8>, d: &'b Declaration) {
        match d {
            Declaration::Sort { name } => {
                out.push(0);
                self.name_into(out, name);
            }
            Declaration::Function { name, params, result } => {
                out.push(1);
                self.name_into(out, name);
                put_usize(out, params.len());
                for s in params {
                    self.sort_into(out, s);
                }
                self.sort_into(out, result);
            }
            Declaration::Predicate { name, params } => {
                out.push(2);
                self.name_into(out, name);
                put_usize(out, params.len());
                for s in params {
                    self.sort_into(out, s);
                }
            }
            Declaration::DefineFunction { name, params, result, body } => {
                out.push(3);
                self.name_into(out, name);
                self.variables_into(out, params);
                self.sort_into(out, result);
                self.term_into(out, body);
            }
            Declaration::DefinePredicate { name, params, body } => {
                out.push(4);
                self.name_into(out, name);
                self.variables_into(out, params);
                self.formula_into(out, body);
            }
            Declaration::Axiom { name, statement } => {
                out.push(5);
                self.name_into(out, name);
                self.formula_into(out, statement);
            }
            Declaration::Theorem { name, statement, trust_base } => {
                out.push(6);
                self.name_into(out, name);
                self.formula_into(out, statement);
                put_usize(out, trust_base.len());
                for n in trust_base {
                    self.name_into(out, n);
                }
            }
        }
    }

    fn theorem_proof(&mut self, out: &mut Vec<u8>, p: &'b TheoremProof) {
        self.variables_into(out, &p.context.variables);
        self.named_formulas_into(out, &p.context.hypotheses);
        put_usize(out, p.proof.steps.len());
        for s in &p.proof.steps {
            self.step(out, s);
        }
    }

    fn claim(&mut self, out: &mut Vec<u8>, c: &'b Claim) {
        out.push(match c.kind {
            ClaimKind::Guarantee => 0,
            ClaimKind::Requirement => 1,
        });
        self.name_into(out, &c.owner);
        self.name_into(out, &c.name);
        self.name_into(out, &c.theorem);
        self.variables_into(out, &c.params);
        self.named_formulas_into(out, &c.assumptions);
        self.formula_into(out, &c.conclusion);
    }

    fn trust_base(&mut self, out: &mut Vec<u8>, t: &'b TrustBase) {
        put_usize(out, t.axioms.len());
        for a in &t.axioms {
            self.name_into(out, a);
        }
        put_usize(out, t.assumptions.len());
        for a in &t.assumptions {
            self.name_into(out, &a.owner);
            self.name_into(out, &a.name);
            self.formula_into(out, &a.statement);
        }
    }

    fn challenge(&mut self, out: &mut Vec<u8>, m: &'b ChallengeMet) {
        self.name_into(out, &m.challenge);
        self.name_into(out, &m.technique);
        self.variables_into(out, &m.params);
        self.named_formulas_into(out, &m.allows);
        put_usize(out, m.requires.len());
        for (r, f, t) in &m.requires {
            self.name_into(out, r);
            self.formula_into(out, f);
            self.name_into(out, t);
        }
    }

    /// A proof step: its tag (its position in [`Step`]) and its fields in order.
    fn step(&mut self, out: &mut Vec<u8>, s: &'b Step) {
        let refs = |out: &mut Vec<u8>, ids: &[StepId]| {
            for &i in ids {
                put_usize(out, i);
            }
        };
        match s {
            Step::Hypothesis { name } => {
                out.push(0);
                self.name_into(out, name);
            }
            Step::Assume { formula } => {
                out.push(1);
                self.formula_into(out, formula);
            }
            Step::Axiom { name, args } | Step::Theorem { name, args } | Step::Unfold { name, args } => {
                out.push(match s {
                    Step::Axiom { .. } => 2,
                    Step::Theorem { .. } => 3,
                    _ => 4,
                });
                self.name_into(out, name);
                self.terms_into(out, args);
            }
            Step::TrueIntro => out.push(5),
            Step::FalseElim { from, goal } => {
                out.push(6);
                refs(out, &[*from]);
                self.formula_into(out, goal);
            }
            Step::AndIntro { left, right } => {
                out.push(7);
                refs(out, &[*left, *right]);
            }
            Step::AndLeft { from } => {
                out.push(8);
                refs(out, &[*from]);
            }
            Step::AndRight { from } => {
                out.push(9);
                refs(out, &[*from]);
            }
            Step::OrLeft { from, right } => {
                out.push(10);
                refs(out, &[*from]);
                self.formula_into(out, right);
            }
            Step::OrRight { left, from } => {
                out.push(11);
                self.formula_into(out, left);
                refs(out, &[*from]);
            }
            Step::OrElim { from, left, right } => {
                out.push(12);
                refs(out, &[*from, *left, *right]);
            }
            Step::ImpIntro { assumption, from } => {
                out.push(13);
                self.formula_into(out, assumption);
                refs(out, &[*from]);
            }
            Step::ImpElim { implication, argument } => {
                out.push(14);
                refs(out, &[*implication, *argument]);
            }
            Step::NotIntro { assumption, from } => {
                out.push(15);
                self.formula_into(out, assumption);
                refs(out, &[*from]);
            }
            Step::NotElim { negation, argument } => {
                out.push(16);
                refs(out, &[*negation, *argument]);
            }
            Step::IffIntro { forward, backward } => {
                out.push(17);
                refs(out, &[*forward, *backward]);
            }
            Step::IffForward { from } => {
                out.push(18);
                refs(out, &[*from]);
            }
            Step::IffBackward { from } => {
                out.push(19);
                refs(out, &[*from]);
            }
            Step::ExcludedMiddle { formula } => {
                out.push(20);
                self.formula_into(out, formula);
            }
            Step::ForallIntro { variable, sort, from } => {
                out.push(21);
                self.name_into(out, variable);
                self.sort_into(out, sort);
                refs(out, &[*from]);
            }
            Step::ForallElim { from, term } => {
                out.push(22);
                refs(out, &[*from]);
                self.term_into(out, term);
            }
            Step::ExistsIntro { hint, sort, body, witness, from } => {
                out.push(23);
                self.name_into(out, &hint.0);
                self.sort_into(out, sort);
                self.formula_into(out, body);
                self.term_into(out, witness);
                refs(out, &[*from]);
            }
            Step::ExistsElim { from, variable, body } => {
                out.push(24);
                refs(out, &[*from]);
                self.name_into(out, variable);
                refs(out, &[*body]);
            }
            Step::Refl { term } => {
                out.push(25);
                self.term_into(out, term);
            }
            Step::Symm { from } => {
                out.push(26);
                refs(out, &[*from]);
            }
            Step::Trans { left, right } => {
                out.push(27);
                refs(out, &[*left, *right]);
            }
            Step::Congruence { hole, context, from } => {
                out.push(28);
                self.sort_into(out, hole);
                self.term_into(out, context);
                refs(out, &[*from]);
            }
            Step::Substitute { hole, motive, equation, from } => {
                out.push(29);
                self.sort_into(out, hole);
                self.formula_into(out, motive);
                refs(out, &[*equation, *from]);
            }
            Step::Ring { lhs, rhs } => {
                out.push(30);
                self.term_into(out, lhs);
                self.term_into(out, rhs);
            }
            Step::Psatz { goal, facts, products, squares } => {
                out.push(31);
                self.formula_into(out, goal);
                put_usize(out, facts.len());
                refs(out, facts);
                put_usize(out, products.len());
                for p in products {
                    put_str(out, &p.coefficient.to_string());
                    put_usize(out, p.factors.len());
                    refs(out, &p.factors);
                }
                put_usize(out, squares.len());
                for q in squares {
                    put_str(out, &q.coefficient.to_string());
                    self.term_into(out, &q.base);
                }
            }
            Step::LeTotal { left, right } => {
                out.push(32);
                self.term_into(out, left);
                self.term_into(out, right);
            }
            Step::LeAntisymm { le, ge } => {
                out.push(33);
                refs(out, &[*le, *ge]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Reading: bounds-checked primitives.
// ---------------------------------------------------------------------------

pub(super) fn unreadable<T>(reason: String) -> Result<T, BundleError> {
    Err(BundleError { reason: format!("not a readable bundle: {reason}") })
}

/// The memory that decoding one bundle may take for the elements of its lists and
/// tables, counted as `count × size_of::<element>()` before they are read, over all
/// the cursors (and threads) reading that bundle. A bundle is compact: a proof step or
/// a formula `true` takes one byte in it but 168 or 88 once decoded, so its size alone
/// (at most `max_json_bytes`) would let a file of 512 MB ask for tens of gigabytes,
/// and an allocation that fails aborts the process. What is shared (a name in the
/// table, which the claims, labels and trust base name without a copy, a table entry's
/// children) is counted once, in the table, and is of the order of the input.
pub(super) struct Budget {
    spent: AtomicU64,
    limit: u64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub const fn new(limit: u64) -> Budget {
        Budget { spent: AtomicU64::new(0), limit }
    }

    /// Takes `bytes` from the budget, refusing once it is spent.
    fn take(&self, bytes: u64) -> Result<(), BundleError> {
        let before = self.spent.fetch_add(bytes, Ordering::Relaxed);
        if before.saturating_add(bytes) > self.limit {
            return unreadable(format!(
                "decoding it would take more than {} bytes of memory for its lists and tables",
                self.limit
            ));
        }
        Ok(())
    }
}

/// A cursor over the bytes `[pos, end)` of a file, named `what` in refusals (which
/// give positions as offsets in the whole file), and the decoding's memory budget.
#[derive(Clone, Copy)]
pub(super) struct Reader<'a, 'g> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    what: &'static str,
    budget: &'g Budget,
}

impl<'a, 'g> Reader<'a, 'g> {
    /// A cursor over the whole of `bytes`, whose lists take from `budget`.
    pub fn new(bytes: &'a [u8], what: &'static str, budget: &'g Budget) -> Reader<'a, 'g> {
        Reader { bytes, pos: 0, end: bytes.len(), what, budget }
    }

    /// Where the cursor is, as an offset in the file.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn left(&self) -> usize {
        self.end - self.pos
    }

    /// The bytes left to read.
    pub fn len(&self) -> usize {
        self.left()
    }

    fn ends_early<T>(&self) -> Result<T, BundleError> {
        unreadable(format!("the {} ends early (at byte {})", self.what, self.end))
    }

    /// One byte.
    #[inline]
    pub fn byte(&mut self) -> Result<u8, BundleError> {
        if self.pos == self.end {
            return self.ends_early();
        }
        let b = self.bytes[self.pos];
        self.pos += 1;
        Ok(b)
    }

    /// Reads `expected` when the bytes at the cursor start with it; else reads nothing.
    pub fn skip_if(&mut self, expected: &[u8]) -> bool {
        let same = self.bytes[self.pos..self.end].starts_with(expected);
        if same {
            self.pos += expected.len();
        }
        same
    }

    /// The bytes read since offset `start` (a [`Reader::pos`] of this reader).
    pub fn since(&self, start: usize) -> &'a [u8] {
        &self.bytes[start..self.pos]
    }

    /// `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], BundleError> {
        if n > self.left() {
            return self.ends_early();
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// A varint in its shortest form, at most `u64::MAX`.
    #[inline]
    pub fn uint(&mut self) -> Result<u64, BundleError> {
        // Most numbers (tags, counts, indices into tables of up to 16,384 entries) take
        // one or two bytes. A second byte of 0 would not be the shortest form: that,
        // like anything longer, is left to `long_uint`.
        if self.pos < self.end && self.bytes[self.pos] < 0x80 {
            self.pos += 1;
            return Ok(u64::from(self.bytes[self.pos - 1]));
        }
        if self.pos + 1 < self.end && (1..0x80).contains(&self.bytes[self.pos + 1]) {
            let v = u64::from(self.bytes[self.pos] & 0x7f) | u64::from(self.bytes[self.pos + 1]) << 7;
            self.pos += 2;
            return Ok(v);
        }
        self.long_uint()
    }

    /// [`Reader::uint`] of more than one byte (or at the end).
    #[inline(never)]
    fn long_uint(&mut self) -> Result<u64, BundleError> {
        let at = self.pos;
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                return unreadable(format!("the number at byte {at} of the {} is too large", self.what));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                if b == 0 && shift > 0 {
                    return unreadable(format!(
                        "the number at byte {at} of the {} is not in its shortest form",
                        self.what
                    ));
                }
                return Ok(v);
            }
            shift += 7;
        }
    }

    /// A varint that fits a `u32`.
    #[inline]
    pub fn u32(&mut self) -> Result<u32, BundleError> {
        let at = self.pos;
        let v = self.uint()?;
        u32::try_from(v).or_else(|_| {
            unreadable(format!("the number {v} at byte {at} of the {} does not fit 32 bits", self.what))
        })
    }

    /// An index or a step reference (a varint that fits a `usize`).
    #[inline]
    pub fn index(&mut self) -> Result<usize, BundleError> {
        let at = self.pos;
        let v = self.uint()?;
        usize::try_from(v)
            .or_else(|_| unreadable(format!("the number {v} at byte {at} of the {} is too large", self.what)))
    }

    /// The length of a list of elements of `element_bytes` bytes each once decoded: no
    /// more than the bytes left, as every element takes at least one byte (so nothing
    /// is allocated for elements that are not there), and within the [`Budget`].
    pub fn count(&mut self, element_bytes: usize) -> Result<usize, BundleError> {
        let at = self.pos;
        let n = self.uint()?;
        if n > self.left() as u64 {
            return unreadable(format!(
                "the list at byte {at} of the {} has {n} elements, more than the {} bytes left",
                self.what,
                self.left()
            ));
        }
        if n > 0 {
            self.budget.take(n.saturating_mul(element_bytes as u64))?;
        }
        Ok(n as usize)
    }

    /// A list: its length (see [`Reader::count`]), then that many elements, each read
    /// by `element`.
    pub fn list<T>(
        &mut self,
        mut element: impl FnMut(&mut Reader) -> Result<T, BundleError>,
    ) -> Result<Vec<T>, BundleError> {
        let n = self.count(size_of::<T>())?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(element(self)?);
        }
        Ok(v)
    }

    /// A byte length: no more than the bytes left.
    fn length(&mut self) -> Result<usize, BundleError> {
        let at = self.pos;
        let n = self.uint()?;
        if n > self.left() as u64 {
            return unreadable(format!(
                "the length {n} at byte {at} of the {} runs past its end ({} bytes left)",
                self.what,
                self.left()
            ));
        }
        Ok(n as usize)
    }

    /// A string.
    pub fn str(&mut self) -> Result<&'a str, BundleError> {
        let at = self.pos;
        let n = self.length()?;
        let bytes = self.take(n)?;
        self.utf8(bytes, at)
    }

    /// `bytes`, the string at byte `at`, as text.
    fn utf8(&self, bytes: &'a [u8], at: usize) -> Result<&'a str, BundleError> {
        std::str::from_utf8(bytes)
            .or_else(|_| unreadable(format!("the string at byte {at} of the {} is not UTF-8", self.what)))
    }

    /// The bytes left as UTF-8, when they are (checked in one pass: see
    /// [`Reader::str_within`]).
    pub fn rest_as_utf8(&self) -> Option<&'a str> {
        std::str::from_utf8(&self.bytes[self.pos..self.end]).ok()
    }

    /// [`Reader::str`], where `rest` is what [`Reader::rest_as_utf8`] gave at byte
    /// `rest_at`: a string within it that starts and ends on its character boundaries
    /// is UTF-8 without a check of its own (any slice of a `str` on its boundaries is),
    /// and any other is checked as [`Reader::str`] checks it. The names section is
    /// UTF-8 as a whole whenever its lengths are below 128 (a one-byte length is
    /// ASCII), so its strings are checked in one pass rather than one call each.
    pub fn str_within(&mut self, rest: Option<&'a str>, rest_at: usize) -> Result<&'a str, BundleError> {
        let at = self.pos;
        let n = self.length()?;
        let start = self.pos - rest_at;
        let bytes = self.take(n)?;
        let within = rest.and_then(|rest| rest.get(start..start + n));
        match within {
            Some(s) => Ok(s),
            None => self.utf8(bytes, at),
        }
    }

    /// A section: its length, then a cursor over its body (named `what`).
    pub fn section(&mut self, what: &'static str) -> Result<Reader<'a, 'g>, BundleError> {
        let n = self.length()?;
        let body = Reader { bytes: self.bytes, pos: self.pos, end: self.pos + n, what, budget: self.budget };
        self.pos += n;
        Ok(body)
    }

    /// Refuses bytes left over after what was read.
    pub fn finish(&self) -> Result<(), BundleError> {
        if self.pos != self.end {
            return unreadable(format!(
                "{} bytes are left over at the end of the {} (from byte {})",
                self.left(),
                self.what,
                self.pos
            ));
        }
        Ok(())
    }

    /// A 0 or 1 flag.
    pub fn flag(&mut self) -> Result<bool, BundleError> {
        let at = self.pos;
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => unreadable(format!("the flag at byte {at} of the {} is {b}, not 0 or 1", self.what)),
        }
    }

    fn bad_tag<T>(&self, what: &str, tag: u8) -> Result<T, BundleError> {
        unreadable(format!("unknown {what} tag {tag} at byte {} of the {}", self.pos - 1, self.what))
    }

    /// A rational, as text.
    fn rat(&mut self) -> Result<Rat, BundleError> {
        let at = self.pos;
        let n = self.length()?;
        let bytes = self.take(n)?;
        if let Some(r) = small_rat(bytes) {
            return Ok(r);
        }
        let text = self.utf8(bytes, at)?;
        text.parse::<Rat>()
            .or_else(|e| unreadable(format!("the number `{text}` at byte {at} of the {}: {e}", self.what)))
    }
}

/// The rational that `text` spells when its numerator and denominator each have at most
/// 18 digits (so fit an `i64`) and the denominator is not zero: the value the general
/// parser gives, without its big integers (which cost thousands of instructions a
/// number) or a check that the text is UTF-8 (such a text is ASCII). `None` for any
/// other text, which the general parser then reads or refuses.
fn small_rat(text: &[u8]) -> Option<Rat> {
    let int = |t: &[u8]| -> Option<i64> {
        let (negative, digits) = match t {
            [b'-', rest @ ..] => (true, rest),
            _ => (false, t),
        };
        if digits.is_empty() || digits.len() > 18 {
            return None;
        }
        // At most 18 digits: below 10^18, so no step overflows.
        let magnitude =
            digits.iter().try_fold(0i64, |v, &b| b.is_ascii_digit().then(|| v * 10 + i64::from(b - b'0')))?;
        Some(if negative { -magnitude } else { magnitude })
    };
    match text.iter().position(|&b| b == b'/') {
        None => Some(Rat::int(int(text)?)),
        Some(slash) => Some(&Rat::int(int(&text[..slash])?) * &Rat::int(int(&text[slash + 1..])?).recip()?),
    }
}

// ---------------------------------------------------------------------------
// Reading: the tables decoded bottom-up into shared nodes, then the parts resolved.
// ---------------------------------------------------------------------------

/// The tables, decoded: every entry once, shared by every part that names it.
///
/// A term or formula entry is kept as a value until another entry names it as a child
/// (a subterm or subformula, held by `Arc`); only then is it moved into an `Arc`,
/// which every entry naming it shares. Many entries are never anyone's child (an
/// atom's terms, a statement, a hypothesis: the parts and the formulas take them by
/// value; in the corpus bundle 173 of 264 terms and 170 of 433 formulas), and those
/// are never boxed: no allocation made to be copied from and freed with the table.
pub(super) struct Tables {
    names: Vec<Name>,
    terms: Vec<Slot<Term>>,
    formulas: Vec<Slot<Formula>>,
    /// Size of each entry (nodes, shared subtrees counted each time).
    term_sizes: Vec<u64>,
    formula_sizes: Vec<u64>,
    /// The most nodes the parts may name, counted each time they are named.
    pub budget: u64,
}

/// A term or formula table entry: its value, or, once an entry has named it as a
/// child, the `Arc` they share.
enum Slot<T> {
    Value(T),
    Shared(Arc<T>),
}

impl<T: Clone> Slot<T> {
    /// A copy of the entry's value (its children shared).
    fn value(&self) -> T {
        match self {
            Slot::Value(v) => v.clone(),
            Slot::Shared(a) => (**a).clone(),
        }
    }

    /// The entry as a shared child, moved into an `Arc` the first time (`empty` is
    /// what is left in its place for the moment of the move).
    fn shared(&mut self, empty: T) -> Arc<T> {
        match self {
            Slot::Shared(a) => a.clone(),
            Slot::Value(v) => {
                let a = Arc::new(std::mem::replace(v, empty));
                *self = Slot::Shared(a.clone());
                a
            }
        }
    }
}

/// `j`, when entry `i` of a table (whose earlier entries are decoded) may name entry
/// `j`: an earlier one.
fn earlier(what: &str, i: usize, j: usize) -> Result<usize, BundleError> {
    if j < i {
        Ok(j)
    } else {
        unreadable(format!("{what} {i} names {what} {j}, which is not an earlier entry of the table"))
    }
}

impl Tables {
    /// Decodes the names, terms and formulas sections, refusing a reference that is not
    /// to an earlier entry and an entry deeper or larger than `limits` allow.
    pub fn decode(
        mut names_in: Reader,
        mut terms_in: Reader,
        mut formulas_in: Reader,
        limits: &Limits,
    ) -> Result<Tables, BundleError> {
        let max_depth = limits.max_depth as u32;
        let max_size = limits.max_formula_size as u64;
        let n = names_in.count(size_of::<Name>())?;
        let mut names: Vec<Name> = Vec::with_capacity(n);
        let (rest, rest_at) = (names_in.rest_as_utf8(), names_in.pos());
        for _ in 0..n {
            names.push(Arc::from(names_in.str_within(rest, rest_at)?));
        }
        names_in.finish()?;
        let name = |r: &mut Reader| -> Result<Name, BundleError> { name_at(&names, r) };
        let sort = |r: &mut Reader| -> Result<Sort, BundleError> { sort_at(&names, r) };
        let n = terms_in.count(size_of::<(Slot<Term>, u32, u64)>())?;
        let mut terms: Vec<Slot<Term>> = Vec::with_capacity(n);
        let mut depths: Vec<u32> = Vec::with_capacity(n);
        let mut term_sizes: Vec<u64> = Vec::with_capacity(n);
        // The arguments of an application, gathered before they are moved into it.
        let mut scratch: Vec<Term> = Vec::new();
        for i in 0..n {
            let r = &mut terms_in;
            let mut depth = 0;
            let mut size = 1u64;
            // The index of an earlier entry, counted into this one's depth and size.
            let mut child = |r: &mut Reader| -> Result<usize, BundleError> {
                let j = earlier("term", i, r.index()?)?;
                depth = depth.max(depths[j]);
                size = size.saturating_add(term_sizes[j]);
                Ok(j)
            };
            let mut sub = |r: &mut Reader| -> Result<Arc<Term>, BundleError> {
                let j = child(r)?;
                Ok(terms[j].shared(Term::Bound(0)))
            };
            let term = match r.byte()? {
                0 => Term::Bound(r.u32()?),
                1 => Term::Free(name(r)?, sort(r)?),
                2 => Term::Num(Arc::new(r.rat()?)),
                3 => {
                    let f = name(r)?;
                    let n = r.count(size_of::<Term>())?;
                    for _ in 0..n {
                        let arg = terms[child(r)?].value();
                        scratch.push(arg);
                    }
                    // One allocation, of the exact size (`Drain` tells its length).
                    Term::App(f, scratch.drain(..).collect())
                }
                4 => Term::Neg(sub(r)?),
                5 => Term::Add(sub(r)?, sub(r)?),
                6 => Term::Sub(sub(r)?, sub(r)?),
                7 => Term::Mul(sub(r)?, sub(r)?),
                8 => Term::Div(sub(r)?, Arc::new(r.rat()?)),
                9 => Term::Pow(sub(r)?, r.u32()?),
                tag => return r.bad_tag("term", tag),
            };
            let depth = depth + 1;
            if depth > max_depth || size > max_size {
                return unreadable(format!(
                    "term {i} is deeper than {max_depth} or larger than {max_size} nodes (the kernel's limits)"
                ));
            }
            terms.push(Slot::Value(term));
            depths.push(depth);
            term_sizes.push(size);
        }
        terms_in.finish()?;
        let n = formulas_in.count(size_of::<(Slot<Formula>, u32, u64)>())?;
        let mut formulas: Vec<Slot<Formula>> = Vec::with_capacity(n);
        let mut fdepths: Vec<u32> = Vec::with_capacity(n);
        let mut formula_sizes: Vec<u64> = Vec::with_capacity(n);
        for i in 0..n {
            let r = &mut formulas_in;
            let mut depth = 0;
            let mut size = 1u64;
            // A term of the formula: any entry of `terms` (that table is complete).
            let mut term = |r: &mut Reader| -> Result<Term, BundleError> {
                let j = r.index()?;
                let Some(t) = terms.get(j) else {
                    return unreadable(format!("formula {i} names term {j}, which is not in the table"));
                };
                depth = depth.max(depths[j]);
                size = size.saturating_add(term_sizes[j]);
                Ok(t.value())
            };
            let tag = r.byte()?;
            let formula = match tag {
                0 => Formula::True,
                1 => Formula::False,
                2 => Formula::Eq(term(r)?, term(r)?),
                3 => Formula::Le(term(r)?, term(r)?),
                4 => Formula::Lt(term(r)?, term(r)?),
                5 => {
                    let p = name(r)?;
                    let n = r.count(size_of::<Term>())?;
                    for _ in 0..n {
                        let arg = term(r)?;
                        scratch.push(arg);
                    }
                    Formula::Pred(p, scratch.drain(..).collect())
                }
                6..=12 => {
                    let mut sub = |r: &mut Reader| -> Result<Arc<Formula>, BundleError> {
                        let j = earlier("formula", i, r.index()?)?;
                        depth = depth.max(fdepths[j]);
                        size = size.saturating_add(formula_sizes[j]);
                        Ok(formulas[j].shared(Formula::True))
                    };
                    match tag {
                        6 => Formula::Not(sub(r)?),
                        7 => Formula::And(sub(r)?, sub(r)?),
                        8 => Formula::Or(sub(r)?, sub(r)?),
                        9 => Formula::Implies(sub(r)?, sub(r)?),
                        10 => Formula::Iff(sub(r)?, sub(r)?),
                        11 => Formula::Forall(Hint(name(r)?), sort(r)?, sub(r)?),
                        _ => Formula::Exists(Hint(name(r)?), sort(r)?, sub(r)?),
                    }
                }
                tag => return r.bad_tag("formula", tag),
            };
            let depth = depth + 1;
            if depth > max_depth || size > max_size {
                return unreadable(format!(
                    "formula {i} is deeper than {max_depth} or larger than {max_size} nodes (the kernel's limits)"
                ));
            }
            formulas.push(Slot::Value(formula));
            fdepths.push(depth);
            formula_sizes.push(size);
        }
        formulas_in.finish()?;
        Ok(Tables {
            names,
            terms,
            formulas,
            term_sizes,
            formula_sizes,
            // No more nodes than a JSON bundle of the largest document allowed could
            // spell out (each node takes at least a few bytes there).
            budget: (limits.max_json_bytes / 4) as u64,
        })
    }
}

/// The entry of `names` that `r` names next, shared.
fn name_at(names: &[Name], r: &mut Reader) -> Result<Name, BundleError> {
    let j = r.index()?;
    match names.get(j) {
        Some(n) => Ok(n.clone()),
        None => unreadable(format!("a part names name {j}, which is not in the table")),
    }
}

fn sort_at(names: &[Name], r: &mut Reader) -> Result<Sort, BundleError> {
    match r.index()? {
        0 => Ok(Sort::Rat),
        k => match names.get(k - 1) {
            Some(n) => Ok(Sort::Named(n.clone())),
            None => unreadable(format!("a part names sort {k}, which is not in the names table")),
        },
    }
}

/// Reads the parts of a bundle against its tables, counting what they name.
pub(super) struct Parts<'t> {
    tables: &'t Tables,
    /// Nodes named so far (shared ones counted each time).
    pub spent: u64,
    /// The last proof's context: a technique's guarantees are proved in one context,
    /// one after the other (30 of the 53 proofs of the corpus bundle repeat the context
    /// before them).
    last_context: Repeat<Arc<Context>>,
    /// The last claim's parameters and assumptions, which a technique's guarantees
    /// share likewise.
    last_claim: Repeat<ClaimLists>,
}

/// A claim's parameters and assumptions.
type ClaimLists = (Arc<[(Name, Sort)]>, Arc<[(Name, Formula)]>);

/// The last value read by one kind of read, the bytes it was read from and the nodes it
/// names. When the bytes at the cursor are those again, the value is shared rather
/// than read anew: reading is a function of the bytes and the tables (and stops where
/// the bytes say it ends), so the same bytes give an equal value. A shared value takes
/// nothing from the memory budget, as it allocates nothing, but its nodes are counted
/// in [`Parts::spent`] again: what is checked after decoding (a claim against its
/// theorem, a context in each batch that holds one of its proofs) walks it once for
/// each part that names it.
#[derive(Default)]
struct Repeat<T> {
    bytes: Vec<u8>,
    value: Option<(T, u64)>,
}

impl<'t> Parts<'t> {
    /// A reader of parts that name entries of `tables`.
    pub fn new(tables: &'t Tables) -> Parts<'t> {
        Parts { tables, spent: 0, last_context: Repeat::default(), last_claim: Repeat::default() }
    }

    /// What `read` gives at the cursor, through the [`Repeat`] that `last` picks out:
    /// the value it holds when the bytes at the cursor are those it was read from.
    fn again<T: Clone>(
        &mut self,
        r: &mut Reader,
        last: impl Fn(&mut Self) -> &mut Repeat<T>,
        read: impl FnOnce(&mut Self, &mut Reader) -> Result<T, BundleError>,
    ) -> Result<T, BundleError> {
        let repeat = last(self);
        if let Some((value, nodes)) = repeat.value.as_ref().filter(|_| r.skip_if(&repeat.bytes)) {
            let (value, nodes) = (value.clone(), *nodes);
            self.spent = self.spent.saturating_add(nodes);
            return Ok(value);
        }
        let (start, spent) = (r.pos(), self.spent);
        let value = read(self, r)?;
        let nodes = self.spent - spent;
        let repeat = last(self);
        repeat.bytes.clear();
        repeat.bytes.extend_from_slice(r.since(start));
        repeat.value = Some((value.clone(), nodes));
        Ok(value)
    }

    fn name(&self, r: &mut Reader) -> Result<Name, BundleError> {
        name_at(&self.tables.names, r)
    }

    fn sort(&self, r: &mut Reader) -> Result<Sort, BundleError> {
        sort_at(&self.tables.names, r)
    }

    fn term(&mut self, r: &mut Reader) -> Result<Term, BundleError> {
        let j = r.index()?;
        let Some(size) = self.tables.term_sizes.get(j) else {
            return unreadable(format!("a part names term {j}, which is not in the table"));
        };
        self.spent = self.spent.saturating_add(*size);
        Ok(self.tables.terms[j].value())
    }

    fn formula(&mut self, r: &mut Reader) -> Result<Formula, BundleError> {
        let j = r.index()?;
        let Some(size) = self.tables.formula_sizes.get(j) else {
            return unreadable(format!("a part names formula {j}, which is not in the table"));
        };
        self.spent = self.spent.saturating_add(*size);
        Ok(self.tables.formulas[j].value())
    }

    fn terms(&mut self, r: &mut Reader) -> Result<Vec<Term>, BundleError> {
        r.list(|r| self.term(r))
    }

    fn sorts(&self, r: &mut Reader) -> Result<Vec<Sort>, BundleError> {
        r.list(|r| self.sort(r))
    }

    fn variables(&self, r: &mut Reader) -> Result<Vec<(Name, Sort)>, BundleError> {
        r.list(|r| Ok((self.name(r)?, self.sort(r)?)))
    }

    fn named_formulas(&mut self, r: &mut Reader) -> Result<Vec<(Name, Formula)>, BundleError> {
        r.list(|r| Ok((self.name(r)?, self.formula(r)?)))
    }

    fn refs(&self, r: &mut Reader) -> Result<Vec<StepId>, BundleError> {
        r.list(|r| r.index())
    }

    /// One declaration and whether it carries a proof (in the proofs section).
    pub fn declaration(&mut self, r: &mut Reader) -> Result<(Declaration, bool), BundleError> {
        let d = match r.byte()? {
            0 => Declaration::Sort { name: self.name(r)? },
            1 => Declaration::Function { name: self.name(r)?, params: self.sorts(r)?, result: self.sort(r)? },
            2 => Declaration::Predicate { name: self.name(r)?, params: self.sorts(r)? },
            3 => Declaration::DefineFunction {
                name: self.name(r)?,
                params: self.variables(r)?,
                result: self.sort(r)?,
                body: self.term(r)?,
            },
            4 => Declaration::DefinePredicate {
                name: self.name(r)?,
                params: self.variables(r)?,
                body: self.formula(r)?,
            },
            5 => Declaration::Axiom { name: self.name(r)?, statement: self.formula(r)? },
            6 => {
                let name = self.name(r)?;
                let statement = self.formula(r)?;
                let n = r.count(size_of::<Name>())?;
                let mut trust_base = BTreeSet::new();
                for _ in 0..n {
                    trust_base.insert(self.name(r)?);
                }
                Declaration::Theorem { name, statement, trust_base }
            }
            tag => return r.bad_tag("declaration", tag),
        };
        Ok((d, r.flag()?))
    }

    /// One theorem's proof: its context and steps.
    pub fn theorem_proof(&mut self, r: &mut Reader) -> Result<TheoremProof, BundleError> {
        let context = self.again(
            r,
            |p| &mut p.last_context,
            |p, r| Ok(Arc::new(Context { variables: p.variables(r)?, hypotheses: p.named_formulas(r)? })),
        )?;
        let steps = r.list(|r| self.step(r))?;
        Ok(TheoremProof { context, proof: Proof { steps } })
    }

    /// One claim.
    pub fn claim(&mut self, r: &mut Reader) -> Result<Claim, BundleError> {
        let kind = match r.byte()? {
            0 => ClaimKind::Guarantee,
            1 => ClaimKind::Requirement,
            tag => return r.bad_tag("claim", tag),
        };
        let (owner, name, theorem) = (self.name(r)?, self.name(r)?, self.name(r)?);
        let (params, assumptions) = self.again(
            r,
            |p| &mut p.last_claim,
            |p, r| Ok((p.variables(r)?.into(), p.named_formulas(r)?.into())),
        )?;
        Ok(Claim { kind, owner, name, theorem, params, assumptions, conclusion: self.formula(r)? })
    }

    /// The trust base.
    pub fn trust_base(&mut self, r: &mut Reader) -> Result<TrustBase, BundleError> {
        let axioms = r.list(|r| self.name(r))?;
        let assumptions = r.list(|r| {
            Ok(TrustAssumption { owner: self.name(r)?, name: self.name(r)?, statement: self.formula(r)? })
        })?;
        Ok(TrustBase { axioms, assumptions })
    }

    /// The challenge met, if any.
    pub fn challenge(&mut self, r: &mut Reader) -> Result<Option<ChallengeMet>, BundleError> {
        if !r.flag()? {
            return Ok(None);
        }
        let challenge = self.name(r)?;
        let technique = self.name(r)?;
        let params = self.variables(r)?;
        let allows = self.named_formulas(r)?;
        let requires = r.list(|r| Ok((self.name(r)?, self.formula(r)?, self.name(r)?)))?;
        Ok(Some(ChallengeMet { challenge, technique, params, allows, requires }))
    }

    /// The text of a verdict (a names entry, shared with the table).
    pub fn verdict(&self, r: &mut Reader) -> Result<Name, BundleError> {
        self.name(r)
    }

    /// One proof step (see [`Writer::step`] for the tags).
    fn step(&mut self, r: &mut Reader) -> Result<Step, BundleError> {
        let i = |r: &mut Reader| r.index();
        Ok(match r.byte()? {
            0 => Step::Hypothesis { name: self.name(r)? },
            1 => Step::Assume { formula: self.formula(r)? },
            2 => Step::Axiom { name: self.name(r)?, args: self.terms(r)? },
            3 => Step::Theorem { name: self.name(r)?, args: self.terms(r)? },
            4 => Step::Unfold { name: self.name(r)?, args: self.terms(r)? },
            5 => Step::TrueIntro,
            6 => Step::FalseElim { from: i(r)?, goal: self.formula(r)? },
            7 => Step::AndIntro { left: i(r)?, right: i(r)? },
            8 => Step::AndLeft { from: i(r)? },
            9 => Step::AndRight { from: i(r)? },
            10 => Step::OrLeft { from: i(r)?, right: self.formula(r)? },
            11 => Step::OrRight { left: self.formula(r)?, from: i(r)? },
            12 => Step::OrElim { from: i(r)?, left: i(r)?, right: i(r)? },
            13 => Step::ImpIntro { assumption: self.formula(r)?, from: i(r)? },
            14 => Step::ImpElim { implication: i(r)?, argument: i(r)? },
            15 => Step::NotIntro { assumption: self.formula(r)?, from: i(r)? },
            16 => Step::NotElim { negation: i(r)?, argument: i(r)? },
            17 => Step::IffIntro { forward: i(r)?, backward: i(r)? },
            18 => Step::IffForward { from: i(r)? },
            19 => Step::IffBackward { from: i(r)? },
            20 => Step::ExcludedMiddle { formula: self.formula(r)? },
            21 => Step::ForallIntro { variable: self.name(r)?, sort: self.sort(r)?, from: i(r)? },
            22 => Step::ForallElim { from: i(r)?, term: self.term(r)? },
            23 => Step::ExistsIntro {
                hint: Hint(self.name(r)?),
                sort: self.sort(r)?,
                body: self.formula(r)?,
                witness: self.term(r)?,
                from: i(r)?,
            },
            24 => Step::ExistsElim { from: i(r)?, variable: self.name(r)?, body: i(r)? },
            25 => Step::Refl { term: self.term(r)? },
            26 => Step::Symm { from: i(r)? },
            27 => Step::Trans { left: i(r)?, right: i(r)? },
            28 => Step::Congruence { hole: self.sort(r)?, context: self.term(r)?, from: i(r)? },
            29 => Step::Substitute {
                hole: self.sort(r)?,
                motive: self.formula(r)?,
                equation: i(r)?,
                from: i(r)?,
            },
            30 => Step::Ring { lhs: self.term(r)?, rhs: self.term(r)? },
            31 => {
                let goal = self.formula(r)?;
                let facts = self.refs(r)?;
                let products = r.list(|r| Ok(Product { coefficient: r.rat()?, factors: self.refs(r)? }))?;
                let squares = r.list(|r| Ok(Square { coefficient: r.rat()?, base: self.term(r)? }))?;
                Step::Psatz { goal, facts, products, squares }
            }
            32 => Step::LeTotal { left: self.term(r)?, right: self.term(r)? },
            33 => Step::LeAntisymm { le: i(r)?, ge: i(r)? },
            tag => return r.bad_tag("proof step", tag),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No limit on what the tests' lists take.
    static UNLIMITED: Budget = Budget::new(u64::MAX);

    #[test]
    fn numbers_read_back_as_written() {
        // One byte, two bytes (the quick path) and longer, at the end of the input too.
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 21, u64::from(u32::MAX), u64::MAX] {
            let mut bytes = Vec::new();
            put_uint(&mut bytes, v);
            let mut r = Reader::new(&bytes, "test", &UNLIMITED);
            assert_eq!(r.uint().expect("a number"), v);
            r.finish().expect("read to the end");
            bytes.push(5);
            let mut r = Reader::new(&bytes, "test", &UNLIMITED);
            assert_eq!((r.uint().expect("a number"), r.byte().expect("a byte")), (v, 5));
        }
        // A first byte that says more follows, at the end of the input.
        assert!(Reader::new(&[0x81], "test", &UNLIMITED).uint().is_err());
    }

    /// The tables of a names section (its body) and empty term and formula sections,
    /// read within `budget`, or the refusal.
    fn tables_of(names: &[u8], budget: &Budget) -> Result<Tables, String> {
        let empty = [0u8];
        Tables::decode(
            Reader::new(names, "names section", budget),
            Reader::new(&empty, "terms section", budget),
            Reader::new(&empty, "formulas section", budget),
            &Limits::default(),
        )
        .map_err(|e| e.reason)
    }

    /// The names of a names section (its body) with empty term and formula tables, or
    /// the refusal.
    fn names_of(body: &[u8]) -> Result<Vec<String>, String> {
        let tables = tables_of(body, &UNLIMITED)?;
        Ok(tables.names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn names_are_utf8_whether_the_section_is_checked_whole_or_each_alone() {
        let section = |names: &[&[u8]]| {
            let mut body = Vec::new();
            put_usize(&mut body, names.len());
            for n in names {
                put_usize(&mut body, n.len());
                body.extend_from_slice(n);
            }
            body
        };
        // Short names: the section is UTF-8 as a whole.
        let names = ["a", "é", "x\u{1F600}y", ""];
        let bytes: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        assert!(std::str::from_utf8(&section(&bytes)[1..]).is_ok());
        assert_eq!(names_of(&section(&bytes)), Ok(names.iter().map(|n| n.to_string()).collect()));
        // A name of 200 bytes: its two-byte length is not UTF-8, each name is checked alone.
        let long = "é".repeat(100);
        let names = ["é", long.as_str(), "b"];
        let bytes: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        assert!(std::str::from_utf8(&section(&bytes)[1..]).is_err());
        assert_eq!(names_of(&section(&bytes)), Ok(names.iter().map(|n| n.to_string()).collect()));
        // A name that is not UTF-8 is refused either way.
        let bad = |names: &[&[u8]], at: usize| {
            assert_eq!(
                names_of(&section(names)),
                Err(format!(
                    "not a readable bundle: the string at byte {at} of the names section is not UTF-8"
                ))
            );
        };
        bad(&[b"a", &[0xff], b"b"], 3);
        bad(&[&long.as_bytes()[..199], b"b"], 1);
        // The section UTF-8 as a whole, but a name ending halfway through a character
        // (its last byte and the next name's two-byte length make `é`): refused.
        let next = [b'a'; 169];
        let body = section(&[&[0xc3], &next]);
        assert_eq!(&body[..5], &[2, 1, 0xc3, 0xa9, 0x01]);
        assert!(std::str::from_utf8(&body[1..]).is_ok());
        bad(&[&[0xc3], &next], 1);
    }

    #[test]
    fn small_rationals_read_as_the_general_parser_reads_them() {
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "3/20",
            "-6/4",
            "6/-4",
            "-6/-4",
            "0/5",
            "999999999999999999/3",
            "-999999999999999999/-999999999999999998",
        ] {
            assert_eq!(small_rat(text.as_bytes()), Some(text.parse::<Rat>().expect("a rational")), "{text}");
        }
        // Left to the general parser: too long, malformed, or a zero denominator.
        for text in
            ["1/0", "9999999999999999999", "1.5", "+1", "", "-", "1/", "/2", "--1", "1/2/3", "1 ", "\u{661}"]
        {
            assert_eq!(small_rat(text.as_bytes()), None, "{text}");
        }
        // A number's text that is not UTF-8 is refused as any other string is.
        assert_eq!(
            Reader::new(&[1, 0xff], "test", &UNLIMITED).rat().map_err(|e| e.reason),
            Err("not a readable bundle: the string at byte 0 of the test is not UTF-8".to_string())
        );
    }

    proptest::proptest! {
        /// On numbers of up to 20 digits (over and under the 18 it reads), with and
        /// without signs and denominators: every value it gives is the general parser's,
        /// and it gives one whenever both parts have at most 18 digits and the
        /// denominator is not zero.
        #[test]
        fn small_rat_agrees_with_the_general_parser(text in "-?[0-9]{1,20}(/-?[0-9]{1,20})?") {
            let parsed = text.parse::<Rat>().ok();
            let small = small_rat(text.as_bytes());
            if small.is_some() {
                proptest::prop_assert_eq!(&small, &parsed);
            }
            let short = |part: &str| part.trim_start_matches('-').len() <= 18;
            let fits = match text.split_once('/') {
                None => short(&text),
                Some((n, d)) => short(n) && short(d) && d.trim_start_matches('-').bytes().any(|b| b != b'0'),
            };
            proptest::prop_assert_eq!(small.is_some(), fits);
        }
    }

    /// A proof section (its body) of `n` steps `true`-intro, in an empty context.
    fn true_intros(n: usize) -> Vec<u8> {
        let mut body = vec![0, 0];
        put_usize(&mut body, n);
        body.resize(body.len() + n, 5);
        body
    }

    /// Decodes `proof` (a proof section's body) against empty tables, within `budget`.
    fn steps_within(proof: &[u8], budget: &Budget) -> Result<usize, String> {
        let tables = tables_of(&[0], budget)?;
        let p = Parts::new(&tables)
            .theorem_proof(&mut Reader::new(proof, "proof", budget))
            .map_err(|e| e.reason)?;
        Ok(p.proof.steps.len())
    }

    #[test]
    fn lists_take_from_the_decoding_budget() {
        // Every list takes `count × size_of::<element>()` before any element is read;
        // the context's two empty lists take nothing.
        let step = size_of::<Step>() as u64;
        assert_eq!(steps_within(&true_intros(10), &Budget::new(10 * step)), Ok(10));
        let refused = "not a readable bundle: decoding it would take more than 1679 bytes of memory for its lists and tables";
        assert_eq!(
            steps_within(&true_intros(10), &Budget::new(10 * step - 1)),
            Err(refused.replace("1679", &(10 * step - 1).to_string()))
        );
        // One budget for every cursor of a bundle: what one list took, another cannot.
        let shared = Budget::new(10 * step);
        assert_eq!(steps_within(&true_intros(6), &shared), Ok(6));
        assert!(steps_within(&true_intros(5), &shared).is_err());
        // The bundle reader's budget (twice `max_json_bytes`, 1 GiB) refuses 10 M one-byte
        // steps (1.68 GB once decoded) before reserving anything for them.
        let limit = 2 * Limits::default().max_json_bytes as u64;
        let e = steps_within(&true_intros(10_000_000), &Budget::new(limit)).unwrap_err();
        assert!(e.ends_with(&format!("more than {limit} bytes of memory for its lists and tables")), "{e}");
    }

    #[test]
    fn a_name_the_claims_section_names_is_the_table_entry_itself() {
        // One name of 1,000 bytes, named three times by the claims section: each time the
        // table's entry is shared (no copy), so nothing is taken from the budget for it,
        // however often it is named.
        let mut names = Vec::new();
        put_usize(&mut names, 1);
        put_usize(&mut names, 1_000);
        names.resize(names.len() + 1_000, b'n');
        let tables = tables_of(&names, &UNLIMITED).expect("one name");
        let nothing = Budget::new(0);
        let mut r = Reader::new(&[0, 0, 0], "claims section", &nothing);
        let parts = Parts::new(&tables);
        for _ in 0..3 {
            let n = parts.verdict(&mut r).expect("within the budget");
            assert_eq!(n.len(), 1_000);
            assert!(Arc::ptr_eq(&n, &tables.names[0]));
        }
        r.finish().expect("read to its end");
    }
}
