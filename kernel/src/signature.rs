//! Signatures: what sorts, symbols, definitions, axioms and theorems exist (trusted).
//!
//! A signature only grows, one checked [`Declaration`] at a time, and every name is
//! declared at most once (sorts, symbols and facts share one namespace). Each
//! extension gets an identity no other extension in this process has, so a
//! [`Theorem`](crate::Theorem) can remember exactly which signature it was checked
//! against and be reused only in that signature or an extension of it.

use crate::error::KernelError;
use crate::term::{check_extent, close_formula, first_free, Formula, Hint, Name, Node, Sort, Term};
use crate::Limits;
// The input type `Declaration` is plain data, defined with the untrusted constructors.
pub use crate::construct::Declaration;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The kind of fact a name stands for, as a proof step may cite it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    /// An axiom.
    Axiom,
    /// A definition's defining equation or equivalence.
    Definition,
    /// A checked theorem.
    Theorem,
}

/// A fact the signature provides: a closed formula, and what it rests on.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Axiom, definition or theorem.
    pub kind: FactKind,
    /// The closed statement (for a definition, `forall params. f(params) = body`).
    pub statement: Formula,
    /// The axioms this fact rests on (itself, for an axiom).
    pub trust_base: Arc<BTreeSet<Name>>,
}

/// The sorts of a symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    /// A declared sort.
    Sort,
    /// A function (declared or defined).
    Function {
        /// Argument sorts.
        params: Vec<Sort>,
        /// Result sort.
        result: Sort,
    },
    /// A predicate (declared or defined).
    Predicate {
        /// Argument sorts.
        params: Vec<Sort>,
    },
}

/// A signature: the built-in sort `Rat` plus every checked declaration, in order.
#[derive(Clone, Debug, Default)]
pub struct Signature {
    entries: Vec<Declaration>,
    /// `ids[k]` is the identity of the extension that added `entries[k]`.
    ids: Vec<u64>,
    symbols: NameMap<Symbol>,
    /// `symbols` again, keyed by the address of each name's text as `symbols` holds it
    /// (see [`Signature::symbol_of`]).
    symbols_at: HashMap<usize, Symbol, foldhash::fast::RandomState>,
    facts: NameMap<Fact>,
    limits: Limits,
}

/// The signature's maps from names. Hashed, not B-trees: comparing long names with a
/// shared prefix was half of `declare` (lang/BENCHMARKS.md, 2026-11-27). foldhash's
/// seed is random per process and per map; input cannot observe it, so it cannot be
/// written to make its names collide. Nothing iterates these maps: their order
/// decides nothing.
type NameMap<V> = HashMap<Name, V, foldhash::fast::RandomState>;

/// A signature's identity at one length: the identity of its last declaration there.
///
/// Why this identifies the whole prefix: every successful extension of any signature
/// takes a fresh id from `NEXT_ID`, which never hands out the same id twice in a
/// process (it stops at `u64::MAX` rather than wrap). A signature changes only by
/// pushing one declaration together with its fresh id, and [`Clone`] copies both
/// lists. So a signature holds id `x` at position `k` only if it is the signature that
/// made `x`, or was cloned (perhaps through other clones) from it after that point,
/// and then its first `k + 1` declarations are exactly those that signature had when
/// it made `x`. Two signatures that declared the same text separately do not share
/// ids: they are not taken as extensions of each other, which is merely conservative
/// (a theorem is then re-checked). Fingerprints mean nothing across processes, and
/// no theorem crosses one: the cache and bundles keep proofs, which the kernel
/// re-checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// How many declarations.
    pub len: usize,
    /// The id of the last of them (0 for the empty signature).
    pub id: u64,
}

/// A definition's parameters as the arguments of its head.
fn arguments(params: &[(Name, Sort)]) -> Arc<[Term]> {
    params.iter().map(|(p, s)| Term::Free(p.clone(), s.clone())).collect()
}

/// The next declaration id; ids start at 1 (0 stands for the empty signature).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Signature {
    /// The empty signature (only `Rat`), with default limits.
    pub fn new() -> Signature {
        Signature::default()
    }

    /// The empty signature with the given limits for the statements it accepts.
    pub fn with_limits(limits: Limits) -> Signature {
        Signature { limits, ..Signature::default() }
    }

    pub(crate) fn limits_ref(&self) -> &Limits {
        &self.limits
    }

    /// Every declaration, in order.
    pub fn declarations(&self) -> &[Declaration] {
        &self.entries
    }

    /// The symbol called `n`, if any.
    pub fn symbol(&self, n: &str) -> Option<&Symbol> {
        self.symbols.get(n)
    }

    /// The symbol called `n`. Found first by the address of `n`'s text, without reading
    /// it: `symbols_at` holds the address of each name `symbols` holds, and that name
    /// stays allocated while its entry does (the two maps gain and lose entries
    /// together), so no other text can have that address. A name that does not share
    /// the declared name's allocation is found by its text.
    pub(crate) fn symbol_of(&self, n: &Name) -> Option<&Symbol> {
        self.symbols_at.get(&(n.as_ptr() as usize)).or_else(|| self.symbols.get(n))
    }

    /// The fact (axiom, definition, theorem) called `n`, if any.
    pub fn fact(&self, n: &str) -> Option<&Fact> {
        self.facts.get(n)
    }

    /// Is `s` the built-in `Rat` or a declared sort?
    pub fn has_sort(&self, s: &Sort) -> bool {
        match s {
            Sort::Rat => true,
            Sort::Named(n) => matches!(self.symbol_of(n), Some(Symbol::Sort)),
        }
    }

    /// This signature's identity now.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint { len: self.ids.len(), id: self.ids.last().copied().unwrap_or(0) }
    }

    /// Its identity when it had `len` declarations (`None` when it never had).
    pub fn fingerprint_at(&self, len: usize) -> Option<Fingerprint> {
        match len.checked_sub(1) {
            None => Some(Fingerprint { len: 0, id: 0 }),
            Some(last) => self.ids.get(last).map(|&id| Fingerprint { len, id }),
        }
    }

    /// Is `fp` this signature or one of its prefixes?
    pub fn extends(&self, fp: &Fingerprint) -> bool {
        self.fingerprint_at(fp.len) == Some(*fp)
    }

    /// Drops every declaration after the first `len` (none when it has no more), and
    /// their names; the first `len` keep their ids. Why a theorem stays safe: one
    /// checked against this signature at a length of at most `len` still finds its
    /// fingerprint here, and its statement uses only what those declarations give. One
    /// checked against a longer signature names, at a position of `len` or more, an id
    /// this signature no longer holds and will never hold again (every extension takes
    /// a fresh id, see [`Fingerprint`]), so `add_theorem` refuses it, and a proof that
    /// cites a dropped fact by name no longer finds it.
    pub fn truncate(&mut self, len: usize) {
        for decl in self.entries.drain(len.min(self.entries.len())..) {
            self.symbols.remove(decl.name());
            self.symbols_at.remove(&(decl.name().as_ptr() as usize));
            self.facts.remove(decl.name());
        }
        self.ids.truncate(len);
    }

    /// Checks `decl` and adds it. Fails, leaving the signature as it was, when the name
    /// is taken, a sort or symbol is undeclared, a statement is ill-sorted or not
    /// closed, or a definition's body has a variable that is not a parameter.
    ///
    /// A [`Declaration::Theorem`] is refused here: a theorem enters a signature only
    /// through [`Signature::add_theorem`], with the [`Theorem`](crate::Theorem) the
    /// checker made.
    pub fn declare(&mut self, decl: Declaration) -> Result<(), KernelError> {
        if let Declaration::Theorem { name, .. } = &decl {
            return Err(KernelError::UncheckedTheorem { name: name.to_string() });
        }
        self.declare_checked(decl)
    }

    /// Adds `decl`, a theorem only when the caller holds its checked `Theorem`.
    pub(crate) fn declare_checked(&mut self, decl: Declaration) -> Result<(), KernelError> {
        let n = decl.name().clone();
        if n.is_empty() || &*n == "Rat" || self.symbols.contains_key(&n) || self.facts.contains_key(&n) {
            return Err(KernelError::NameTaken { name: n.to_string() });
        }
        let (symbol, fact) = match &decl {
            Declaration::Sort { .. } => (Some(Symbol::Sort), None),
            Declaration::Function { params, result, .. } => {
                self.check_sorts(params.iter().chain([result]))?;
                (Some(Symbol::Function { params: params.clone(), result: result.clone() }), None)
            }
            Declaration::Predicate { params, .. } => {
                self.check_sorts(params)?;
                (Some(Symbol::Predicate { params: params.clone() }), None)
            }
            Declaration::DefineFunction { params, result, body, .. } => {
                self.check_sorts(params.iter().map(|(_, s)| s).chain([result]))?;
                let found = self.sort_of(body, &[])?;
                if &found != result {
                    let what = format!("the body of definition `{n}`");
                    return Err(KernelError::sort_mismatch(what, result, &found));
                }
                let head = Term::App(n.clone(), arguments(params));
                let statement = Self::close_definition(&n, params, Formula::Eq(head, body.clone()))?;
                let symbol = Symbol::Function {
                    params: params.iter().map(|(_, s)| s.clone()).collect(),
                    result: result.clone(),
                };
                (Some(symbol), Some((FactKind::Definition, statement)))
            }
            Declaration::DefinePredicate { params, body, .. } => {
                self.check_sorts(params.iter().map(|(_, s)| s))?;
                self.check_formula(body, &mut Vec::new())?;
                let head = Formula::Pred(n.clone(), arguments(params));
                let statement =
                    Self::close_definition(&n, params, Formula::Iff(Arc::new(head), Arc::new(body.clone())))?;
                let symbol = Symbol::Predicate { params: params.iter().map(|(_, s)| s.clone()).collect() };
                (Some(symbol), Some((FactKind::Definition, statement)))
            }
            Declaration::Axiom { statement, .. } | Declaration::Theorem { statement, .. } => {
                let axiom = matches!(decl, Declaration::Axiom { .. });
                // Both are measured against this signature's limits and must be closed.
                // An axiom's statement is input: its sorts, measure and closedness are
                // checked here. A theorem's comes only from `add_theorem` (`declare`
                // refuses the declaration), as the conclusion of a `Theorem` checked
                // against this signature or a prefix of it: the checker checked its sorts
                // against that prefix, and every sort and symbol of a prefix is declared
                // alike here. `add_theorem` checks that it is closed (its free variables
                // may be the context's) and fits these limits (the empty prefix is every
                // signature's).
                if axiom {
                    self.check_formula(statement, &mut Vec::new())?;
                    let free = first_free(Node::F(statement), |_, _| true);
                    KernelError::unless_free(|| format!("`{n}`"), free)?;
                }
                (None, Some((if axiom { FactKind::Axiom } else { FactKind::Theorem }, statement.clone())))
            }
        };
        let trust_base = match &decl {
            Declaration::Axiom { .. } => Arc::new(BTreeSet::from([n.clone()])),
            Declaration::Theorem { trust_base, .. } => Arc::new(trust_base.clone()),
            _ => Arc::new(BTreeSet::new()),
        };
        // A fresh id (see `Fingerprint`); `checked_add` makes the counter stop, not wrap.
        let id = NEXT_ID
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .map_err(|_| KernelError::Internal { what: "declaration ids are exhausted".into() })?;
        self.ids.push(id);
        if let Some(sym) = symbol {
            // A definition's symbol is added after its body was checked: no recursion.
            self.symbols_at.insert(n.as_ptr() as usize, sym.clone());
            self.symbols.insert(n.clone(), sym);
        }
        if let Some((kind, statement)) = fact {
            self.facts.insert(n.clone(), Fact { kind, statement, trust_base });
        }
        self.entries.push(decl);
        Ok(())
    }

    #[inline]
    pub(crate) fn check_sorts<'a>(&self, all: impl IntoIterator<Item = &'a Sort>) -> Result<(), KernelError> {
        for s in all {
            if !self.has_sort(s) {
                return Err(KernelError::UnknownSort { sort: s.clone() });
            }
        }
        Ok(())
    }

    /// `forall params. eq`, after checking that `eq`'s free variables are parameters.
    fn close_definition(n: &Name, params: &[(Name, Sort)], eq: Formula) -> Result<Formula, KernelError> {
        let mut seen = BTreeSet::new();
        if let Some((p, _)) = params.iter().find(|(p, _)| !seen.insert(p)) {
            return Err(KernelError::NameTaken { name: p.to_string() });
        }
        let free = first_free(Node::F(&eq), |v, s| !params.iter().any(|(p, t)| p == v && t == s));
        KernelError::unless_free(|| format!("definition `{n}`"), free)?;
        let mut f = eq;
        for (p, s) in params.iter().rev() {
            f = Formula::Forall(Hint(p.clone()), s.clone(), Arc::new(close_formula(&f, p, s)));
        }
        Ok(f)
    }

    /// The sort of `t` under binders of sorts `binders` (innermost last); fails when
    /// `t` is ill-sorted, uses an unknown symbol, or has a dangling bound variable.
    pub fn sort_of(&self, t: &Term, binders: &[Sort]) -> Result<Sort, KernelError> {
        check_extent(Node::T(t), self.limits.max_formula_size, self.limits.max_depth)?;
        self.sort_of_rec(t, binders).cloned()
    }

    /// The sort of a part of a checked formula (not under its binders), read from its
    /// head alone: the checker only keeps well-sorted formulas, so its arguments were
    /// checked with it. A bound variable is dangling here, which `sort_of_rec` reports.
    pub(crate) fn sort_of_checked<'s>(&'s self, t: &'s Term) -> Result<&'s Sort, KernelError> {
        let head = if let Term::App(f, _) = t { self.symbol_of(f) } else { None };
        match (t, head) {
            (Term::Free(_, s), _) | (Term::App(..), Some(Symbol::Function { result: s, .. })) => Ok(s),
            (Term::Bound(_) | Term::App(..), _) => self.sort_of_rec(t, &[]),
            // Numerals and arithmetic.
            _ => Ok(&Sort::Rat),
        }
    }

    pub(crate) fn sort_of_rec<'s>(
        &'s self,
        t: &'s Term,
        binders: &'s [Sort],
    ) -> Result<&'s Sort, KernelError> {
        const RAT: &Sort = &Sort::Rat;
        let operand = |a: &'s Term| match self.sort_of_rec(a, binders)? {
            Sort::Rat => Ok(RAT),
            s => Err(KernelError::sort_mismatch("an arithmetic operand", RAT, s)),
        };
        match t {
            Term::Bound(i) => match binders.len().checked_sub(*i as usize + 1) {
                Some(k) => Ok(&binders[k]),
                None => Err(KernelError::DanglingBound { index: *i as usize }),
            },
            Term::Free(_, s) => {
                self.check_sorts([s])?;
                Ok(s)
            }
            Term::Num(_) => Ok(RAT),
            Term::App(f, args) => match self.symbol_of(f) {
                Some(Symbol::Function { params, result }) => {
                    self.check_args(f, params, args, binders)?;
                    Ok(result)
                }
                _ => Err(KernelError::UnknownSymbol { name: f.to_string(), expected: "function" }),
            },
            Term::Neg(a) | Term::Pow(a, _) => operand(a),
            Term::Div(_, c) if c.is_zero() => Err(KernelError::DivisionByZero),
            Term::Div(a, _) => operand(a),
            Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => operand(a).and(operand(b)),
        }
    }

    fn check_args(
        &self,
        f: &str,
        params: &[Sort],
        args: &[Term],
        binders: &[Sort],
    ) -> Result<(), KernelError> {
        if params.len() != args.len() {
            return Err(KernelError::arity(f, params.len(), args.len()));
        }
        for (p, a) in params.iter().zip(args) {
            let s = self.sort_of_rec(a, binders)?;
            if s != p {
                return Err(KernelError::sort_mismatch(format!("an argument of `{f}`"), p, s));
            }
        }
        Ok(())
    }

    /// Checks that `f` is a well-sorted formula under binders of sorts `binders`.
    pub fn check_formula(&self, f: &Formula, binders: &mut Vec<Sort>) -> Result<(), KernelError> {
        check_extent(Node::F(f), self.limits.max_formula_size, self.limits.max_depth)?;
        self.check_formula_rec(f, binders)
    }

    pub(crate) fn check_formula_rec(&self, f: &Formula, binders: &mut Vec<Sort>) -> Result<(), KernelError> {
        match f {
            Formula::True | Formula::False => Ok(()),
            Formula::Eq(a, b) => {
                let sa = self.sort_of_rec(a, binders)?;
                let sb = self.sort_of_rec(b, binders)?;
                if sa != sb {
                    return Err(KernelError::sort_mismatch("the right side of `=`", sa, sb));
                }
                Ok(())
            }
            Formula::Le(a, b) | Formula::Lt(a, b) => {
                for t in [a, b] {
                    let s = self.sort_of_rec(t, binders)?;
                    if *s != Sort::Rat {
                        return Err(KernelError::sort_mismatch("a side of a comparison", &Sort::Rat, s));
                    }
                }
                Ok(())
            }
            Formula::Pred(p, args) => match self.symbol_of(p) {
                Some(Symbol::Predicate { params }) => self.check_args(p, params, args, binders),
                _ => Err(KernelError::UnknownSymbol { name: p.to_string(), expected: "predicate" }),
            },
            Formula::Not(a) => self.check_formula_rec(a, binders),
            Formula::And(a, b) | Formula::Or(a, b) | Formula::Implies(a, b) | Formula::Iff(a, b) => {
                self.check_formula_rec(a, binders)?;
                self.check_formula_rec(b, binders)
            }
            Formula::Forall(_, s, body) | Formula::Exists(_, s, body) => {
                self.check_sorts([s])?;
                binders.push(s.clone());
                let r = self.check_formula_rec(body, binders);
                binders.pop();
                r
            }
        }
    }
}
