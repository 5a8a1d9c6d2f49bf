//! `unfold`: replaces defined symbols by their bodies anywhere in a formula, and
//! proves the result equivalent to the original with kernel steps.
//!
//! A defined function `f(x̄) = t` is unfolded inside terms: each changed term gets a
//! proof `t = t'` made of `unfold` instances, congruence and transitivity (no search).
//! A defined predicate `p(x̄) <-> φ` is unfolded where it occurs as an atom. Each atom
//! that changes carries a chain of equivalences (`iff` steps); connectives and
//! quantifiers are crossed by natural deduction ([`Conversion::convert`]), so the
//! unfolded formula may sit under `not`, `->`, `<->`, `forall` and `exists`. Bodies are
//! unfolded again when they mention another symbol being unfolded (definitions are not
//! recursive, so this ends after at most one pass per symbol).
//!
//! Definitions can nest: unfolding may make a term far larger than the text it came
//! from. Every term and atom made is measured against the rewrite bound `max_nodes`
//! before it is used, and going past it is [`ProverError::Limit`].

use crate::builder::{sort_of, ProofBuilder};
use crate::error::{Bound, ProverError, Result};
use std::collections::BTreeSet;
use std::sync::Arc;
use warrant_kernel::{close_formula, open_formula, Formula, Hint, Name, Sort, Step, StepId, Term};

/// Unfolds the definitions `names` (kernel names) in formulas.
pub struct Unfolder {
    names: BTreeSet<Name>,
    /// Most nodes a term or formula made by unfolding may have.
    max_nodes: usize,
    /// Names that must not be used for eigenvariables.
    taken: BTreeSet<Name>,
    fresh: usize,
}

/// A proof that two formulas are equivalent, in a form that carries proofs across:
/// [`Conversion::convert`] turns a proof of one side into a proof of the other.
pub struct Conversion {
    from: Formula,
    to: Formula,
    kind: Kind,
}

enum Kind {
    Same,
    /// An atom: a chain of `iff` steps `from <-> f1 <-> ... <-> to`.
    Atom(Vec<StepId>),
    Not(Box<Conversion>),
    And(Box<Conversion>, Box<Conversion>),
    Or(Box<Conversion>, Box<Conversion>),
    Implies(Box<Conversion>, Box<Conversion>),
    Iff(Box<Conversion>, Box<Conversion>),
    /// The body opened with the eigenvariable `Term::Free(var, sort)`.
    Forall(Name, Sort, Box<Conversion>),
    Exists(Name, Sort, Hint, Box<Conversion>),
}

impl Conversion {
    /// The unfolded formula.
    pub fn to(&self) -> &Formula {
        &self.to
    }

    /// Did anything change?
    pub fn changed(&self) -> bool {
        !matches!(self.kind, Kind::Same)
    }

    /// From a proof `p` of the original formula, a proof of the unfolded one
    /// (`forward`), or from a proof of the unfolded one, the original (`!forward`).
    pub fn convert(&self, b: &mut ProofBuilder<'_>, p: StepId, forward: bool) -> Result<StepId> {
        let dst = if forward { &self.to } else { &self.from };
        let side = |c: &Conversion, fwd: bool| if fwd { c.to.clone() } else { c.from.clone() };
        match &self.kind {
            Kind::Same => Ok(p),
            Kind::Atom(chain) => {
                let mut acc = p;
                let ordered: Vec<StepId> =
                    if forward { chain.clone() } else { chain.iter().rev().copied().collect() };
                for iff in ordered {
                    let imp = if forward {
                        b.add(Step::IffForward { from: iff })?
                    } else {
                        b.add(Step::IffBackward { from: iff })?
                    };
                    acc = b.add(Step::ImpElim { implication: imp, argument: acc })?;
                }
                Ok(acc)
            }
            Kind::Not(a) => {
                let assumed = b.add(Step::Assume { formula: side(a, forward) })?;
                let back = a.convert(b, assumed, !forward)?;
                let f = b.add(Step::NotElim { negation: p, argument: back })?;
                b.add(Step::NotIntro { assumption: side(a, forward), from: f })
            }
            Kind::And(l, r) => {
                let pl = b.add(Step::AndLeft { from: p })?;
                let pr = b.add(Step::AndRight { from: p })?;
                let left = l.convert(b, pl, forward)?;
                let right = r.convert(b, pr, forward)?;
                b.add(Step::AndIntro { left, right })
            }
            Kind::Or(l, r) => {
                let al = b.add(Step::Assume { formula: side(l, !forward) })?;
                let cl = l.convert(b, al, forward)?;
                let left = b.add(Step::OrLeft { from: cl, right: side(r, forward) })?;
                let ar = b.add(Step::Assume { formula: side(r, !forward) })?;
                let cr = r.convert(b, ar, forward)?;
                let right = b.add(Step::OrRight { left: side(l, forward), from: cr })?;
                b.add(Step::OrElim { from: p, left, right })
            }
            Kind::Implies(a, c) => {
                let assumed = b.add(Step::Assume { formula: side(a, forward) })?;
                let back = a.convert(b, assumed, !forward)?;
                let got = b.add(Step::ImpElim { implication: p, argument: back })?;
                let there = c.convert(b, got, forward)?;
                b.add(Step::ImpIntro { assumption: side(a, forward), from: there })
            }
            Kind::Iff(l, r) => {
                // dst_l -> dst_r through src_l -> src_r, and back.
                let one = |b: &mut ProofBuilder<'_>, x: &Conversion, y: &Conversion, fwd_step: bool| {
                    let assumed = b.add(Step::Assume { formula: side(x, forward) })?;
                    let back = x.convert(b, assumed, !forward)?;
                    let imp = if fwd_step {
                        b.add(Step::IffForward { from: p })?
                    } else {
                        b.add(Step::IffBackward { from: p })?
                    };
                    let got = b.add(Step::ImpElim { implication: imp, argument: back })?;
                    let there = y.convert(b, got, forward)?;
                    b.add(Step::ImpIntro { assumption: side(x, forward), from: there })
                };
                let forward_half = one(b, l, r, true)?;
                let backward_half = one(b, r, l, false)?;
                b.add(Step::IffIntro { forward: forward_half, backward: backward_half })
            }
            Kind::Forall(x, s, body) => {
                let inst = b.add(Step::ForallElim { from: p, term: Term::Free(x.clone(), s.clone()) })?;
                let got = body.convert(b, inst, forward)?;
                b.add(Step::ForallIntro { variable: x.clone(), sort: s.clone(), from: got })
            }
            Kind::Exists(x, s, hint, body) => {
                let Formula::Exists(_, _, dst_body) = dst else {
                    return Err(ProverError::Internal(format!("unfold: {dst} is not an existential")));
                };
                let assumed = b.add(Step::Assume { formula: side(body, !forward) })?;
                let got = body.convert(b, assumed, forward)?;
                let intro = b.add(Step::ExistsIntro {
                    hint: hint.clone(),
                    sort: s.clone(),
                    body: (**dst_body).clone(),
                    witness: Term::Free(x.clone(), s.clone()),
                    from: got,
                })?;
                b.add(Step::ExistsElim { from: p, variable: x.clone(), body: intro })
            }
        }
    }
}

impl Unfolder {
    /// Unfolds the definitions `names`; `taken` are the free variables that
    /// eigenvariables must avoid (the goal's, the hypotheses', the context's).
    pub fn new(names: BTreeSet<Name>, max_nodes: usize, taken: BTreeSet<Name>) -> Unfolder {
        Unfolder { names, max_nodes, taken, fresh: 0 }
    }

    /// Unfolds `f` until no symbol of `names` is left (at most one pass per symbol, as
    /// definitions are not recursive). The conversions are in order: the first starts
    /// at `f`, the last ends at the fully unfolded formula.
    pub fn unfold(&mut self, b: &mut ProofBuilder<'_>, f: &Formula) -> Result<Vec<Conversion>> {
        let mut passes = Vec::new();
        let mut current = f.clone();
        for _ in 0..self.names.len().max(1) {
            let c = self.formula(b, &current)?;
            self.measure_formula(&c.to)?;
            if !c.changed() {
                break;
            }
            current = c.to.clone();
            passes.push(c);
        }
        Ok(passes)
    }

    fn fresh(&mut self, hint: &str) -> Name {
        // The binder's own name when it is free, so the result prints as written.
        let plain = warrant_kernel::name(hint);
        if !self.taken.contains(&plain) {
            self.taken.insert(plain.clone());
            return plain;
        }
        loop {
            self.fresh += 1;
            let n = warrant_kernel::name(&format!("{hint}_{}", self.fresh));
            if !self.taken.contains(&n) {
                self.taken.insert(n.clone());
                return n;
            }
        }
    }

    fn measure_term(&self, t: &Term) -> Result<()> {
        let mut stack = vec![t];
        let mut n = 0usize;
        while let Some(t) = stack.pop() {
            n += 1;
            if n > self.max_nodes {
                return Err(ProverError::Limit { bound: Bound::Nodes, limit: self.max_nodes as u64 });
            }
            match t {
                Term::App(_, args) => stack.extend(args.iter()),
                Term::Neg(a) | Term::Div(a, _) | Term::Pow(a, _) => stack.push(a),
                Term::Add(a, c) | Term::Sub(a, c) | Term::Mul(a, c) => {
                    stack.push(a);
                    stack.push(c);
                }
                Term::Bound(_) | Term::Free(..) | Term::Num(_) => {}
            }
        }
        Ok(())
    }

    fn measure_formula(&self, f: &Formula) -> Result<()> {
        let mut stack = vec![f];
        let mut n = 0usize;
        while let Some(f) = stack.pop() {
            n += 1;
            if n > self.max_nodes {
                return Err(ProverError::Limit { bound: Bound::Nodes, limit: self.max_nodes as u64 });
            }
            match f {
                Formula::True | Formula::False => {}
                Formula::Eq(a, c) | Formula::Le(a, c) | Formula::Lt(a, c) => {
                    self.measure_term(a)?;
                    self.measure_term(c)?;
                }
                Formula::Pred(_, args) => {
                    for a in args.iter() {
                        self.measure_term(a)?;
                    }
                }
                Formula::Not(a) | Formula::Forall(_, _, a) | Formula::Exists(_, _, a) => stack.push(a),
                Formula::And(a, c) | Formula::Or(a, c) | Formula::Implies(a, c) | Formula::Iff(a, c) => {
                    stack.push(a);
                    stack.push(c);
                }
            }
        }
        Ok(())
    }

    /// `t` unfolded, with a proof of `t = t'`; `None` when nothing changes.
    fn term(&mut self, b: &mut ProofBuilder<'_>, t: &Term) -> Result<Option<(Term, StepId)>> {
        let hole = |b: &ProofBuilder<'_>, x: &Term| {
            sort_of(b.signature(), x)
                .ok_or_else(|| ProverError::Internal(format!("unfold: no sort for the term {x}")))
        };
        // `C[a] = C[a']` from `a = a'`, chained after `acc`.
        let cong = |b: &mut ProofBuilder<'_>, acc: Option<StepId>, sort: Sort, context: Term, eq: StepId| {
            let step = b.add(Step::Congruence { hole: sort, context, from: eq })?;
            match acc {
                Some(a) => b.add(Step::Trans { left: a, right: step }),
                None => Ok(step),
            }
        };
        let hole_term = Term::Bound(0);
        let out = match t {
            Term::Bound(_) | Term::Free(..) | Term::Num(_) => return Ok(None),
            Term::App(f, args) => {
                let mut new_args: Vec<Term> = args.to_vec();
                let mut acc = None;
                for i in 0..args.len() {
                    if let Some((a2, eq)) = self.term(b, &args[i])? {
                        let sort = hole(b, &args[i])?;
                        let mut ctx_args = new_args.clone();
                        ctx_args[i] = hole_term.clone();
                        acc = Some(cong(b, acc, sort, Term::App(f.clone(), Arc::from(ctx_args)), eq)?);
                        new_args[i] = a2;
                    }
                }
                let applied = Term::App(f.clone(), Arc::from(new_args.clone()));
                if self.names.contains(f) {
                    let step = b.add(Step::Unfold { name: f.clone(), args: new_args })?;
                    let Formula::Eq(_, body) = b.conclusion(step)?.clone() else {
                        return Err(ProverError::Internal(format!(
                            "unfold: `{f}` is not a defined function"
                        )));
                    };
                    self.measure_term(&body)?;
                    let eq = match acc {
                        Some(a) => b.add(Step::Trans { left: a, right: step })?,
                        None => step,
                    };
                    return Ok(Some((body, eq)));
                }
                match acc {
                    Some(eq) => (applied, eq),
                    None => return Ok(None),
                }
            }
            Term::Neg(a) => match self.term(b, a)? {
                Some((a2, eq)) => {
                    let step = cong(b, None, Sort::Rat, Term::Neg(Arc::new(hole_term)), eq)?;
                    (Term::Neg(Arc::new(a2)), step)
                }
                None => return Ok(None),
            },
            Term::Div(a, c) => match self.term(b, a)? {
                Some((a2, eq)) => {
                    let step = cong(b, None, Sort::Rat, Term::Div(Arc::new(hole_term), c.clone()), eq)?;
                    (Term::Div(Arc::new(a2), c.clone()), step)
                }
                None => return Ok(None),
            },
            Term::Pow(a, n) => match self.term(b, a)? {
                Some((a2, eq)) => {
                    let step = cong(b, None, Sort::Rat, Term::Pow(Arc::new(hole_term), *n), eq)?;
                    (Term::Pow(Arc::new(a2), *n), step)
                }
                None => return Ok(None),
            },
            Term::Add(x, y) | Term::Sub(x, y) | Term::Mul(x, y) => {
                let mk = |l: Term, r: Term| -> Term {
                    match t {
                        Term::Add(..) => Term::Add(Arc::new(l), Arc::new(r)),
                        Term::Sub(..) => Term::Sub(Arc::new(l), Arc::new(r)),
                        _ => Term::Mul(Arc::new(l), Arc::new(r)),
                    }
                };
                let mut left = (**x).clone();
                let mut acc = None;
                if let Some((x2, eq)) = self.term(b, x)? {
                    acc = Some(cong(b, acc, Sort::Rat, mk(hole_term.clone(), (**y).clone()), eq)?);
                    left = x2;
                }
                let mut right = (**y).clone();
                if let Some((y2, eq)) = self.term(b, y)? {
                    acc = Some(cong(b, acc, Sort::Rat, mk(left.clone(), hole_term.clone()), eq)?);
                    right = y2;
                }
                match acc {
                    Some(eq) => (mk(left, right), eq),
                    None => return Ok(None),
                }
            }
        };
        self.measure_term(&out.0)?;
        Ok(Some(out))
    }

    /// The atom `make(args)` with each argument unfolded: one `iff` per changed
    /// argument, by substitution of its equation.
    fn atom_args(
        &mut self,
        b: &mut ProofBuilder<'_>,
        args: &[Term],
        make: &dyn Fn(&[Term]) -> Formula,
        chain: &mut Vec<StepId>,
    ) -> Result<Vec<Term>> {
        let mut current = args.to_vec();
        for i in 0..args.len() {
            let Some((a2, eq)) = self.term(b, &args[i])? else { continue };
            let sort = sort_of(b.signature(), &args[i])
                .ok_or_else(|| ProverError::Internal(format!("unfold: no sort for the term {}", args[i])))?;
            let mut hole = current.clone();
            hole[i] = Term::Bound(0);
            let motive = make(&hole);
            let before = make(&current);
            current[i] = a2;
            let after = make(&current);
            // before -> after, and back with the reversed equation.
            let assumed = b.add(Step::Assume { formula: before.clone() })?;
            let there = b.add(Step::Substitute {
                hole: sort.clone(),
                motive: motive.clone(),
                equation: eq,
                from: assumed,
            })?;
            let forward = b.add(Step::ImpIntro { assumption: before.clone(), from: there })?;
            let reversed = b.add(Step::Symm { from: eq })?;
            let assumed = b.add(Step::Assume { formula: after.clone() })?;
            let back = b.add(Step::Substitute { hole: sort, motive, equation: reversed, from: assumed })?;
            let backward = b.add(Step::ImpIntro { assumption: after, from: back })?;
            chain.push(b.add(Step::IffIntro { forward, backward })?);
        }
        Ok(current)
    }

    fn formula(&mut self, b: &mut ProofBuilder<'_>, f: &Formula) -> Result<Conversion> {
        let same = || Conversion { from: f.clone(), to: f.clone(), kind: Kind::Same };
        let two = |this: &mut Self, b: &mut ProofBuilder<'_>, x: &Formula, y: &Formula| -> Result<_> {
            Ok((this.formula(b, x)?, this.formula(b, y)?))
        };
        let conv = match f {
            Formula::True | Formula::False => return Ok(same()),
            Formula::Eq(x, y) | Formula::Le(x, y) | Formula::Lt(x, y) => {
                let make = |a: &[Term]| -> Formula {
                    let (l, r) = (a[0].clone(), a[1].clone());
                    match f {
                        Formula::Eq(..) => Formula::Eq(l, r),
                        Formula::Le(..) => Formula::Le(l, r),
                        _ => Formula::Lt(l, r),
                    }
                };
                let mut chain = Vec::new();
                let args = self.atom_args(b, &[x.clone(), y.clone()], &make, &mut chain)?;
                if chain.is_empty() {
                    return Ok(same());
                }
                Conversion { from: f.clone(), to: make(&args), kind: Kind::Atom(chain) }
            }
            Formula::Pred(p, args) => {
                let make = |a: &[Term]| Formula::Pred(p.clone(), Arc::from(a.to_vec()));
                let mut chain = Vec::new();
                let args = self.atom_args(b, args, &make, &mut chain)?;
                let mut to = make(&args);
                if self.names.contains(p) {
                    let step = b.add(Step::Unfold { name: p.clone(), args })?;
                    let Formula::Iff(_, body) = b.conclusion(step)?.clone() else {
                        return Err(ProverError::Internal(format!(
                            "unfold: `{p}` is not a defined predicate"
                        )));
                    };
                    to = (*body).clone();
                    self.measure_formula(&to)?;
                    chain.push(step);
                }
                if chain.is_empty() {
                    return Ok(same());
                }
                Conversion { from: f.clone(), to, kind: Kind::Atom(chain) }
            }
            Formula::Not(a) => {
                let c = self.formula(b, a)?;
                if !c.changed() {
                    return Ok(same());
                }
                Conversion {
                    from: f.clone(),
                    to: Formula::Not(Arc::new(c.to.clone())),
                    kind: Kind::Not(Box::new(c)),
                }
            }
            Formula::And(x, y) | Formula::Or(x, y) | Formula::Implies(x, y) | Formula::Iff(x, y) => {
                let (l, r) = two(self, b, x, y)?;
                if !l.changed() && !r.changed() {
                    return Ok(same());
                }
                let (lt, rt) = (Arc::new(l.to.clone()), Arc::new(r.to.clone()));
                let (l, r) = (Box::new(l), Box::new(r));
                let (to, kind) = match f {
                    Formula::And(..) => (Formula::And(lt, rt), Kind::And(l, r)),
                    Formula::Or(..) => (Formula::Or(lt, rt), Kind::Or(l, r)),
                    Formula::Implies(..) => (Formula::Implies(lt, rt), Kind::Implies(l, r)),
                    _ => (Formula::Iff(lt, rt), Kind::Iff(l, r)),
                };
                Conversion { from: f.clone(), to, kind }
            }
            Formula::Forall(h, s, body) | Formula::Exists(h, s, body) => {
                let x = self.fresh(&h.0);
                let opened = open_formula(body, &Term::Free(x.clone(), s.clone()));
                let c = self.formula(b, &opened)?;
                if !c.changed() {
                    return Ok(same());
                }
                let closed = Arc::new(close_formula(&c.to, &x, s));
                let (to, kind) = match f {
                    Formula::Forall(..) => (
                        Formula::Forall(h.clone(), s.clone(), closed),
                        Kind::Forall(x, s.clone(), Box::new(c)),
                    ),
                    _ => (
                        Formula::Exists(h.clone(), s.clone(), closed),
                        Kind::Exists(x, s.clone(), h.clone(), Box::new(c)),
                    ),
                };
                Conversion { from: f.clone(), to, kind }
            }
        };
        Ok(conv)
    }
}
