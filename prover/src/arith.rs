//! Arithmetic: `norm` (ring normal forms, proved by the kernel's `ring` rule) and
//! `linarith` / `nlinarith` (Positivstellensatz certificates found by exact rational
//! linear programming, proved by the kernel's `psatz` rule).
//!
//! A fact `a <= b`, `a < b`, `a = b` over `Rat` is read, as the kernel reads it, as
//! `p = b - a` with `p >= 0`, `p > 0`, `p = 0`. Monomials of any degree are opaque
//! unknowns of the linear program: its rows say that a nonnegative combination of the
//! columns (facts; for `nlinarith` also pairwise products of facts and squares of atoms
//! and of their differences) cancels every non-constant monomial and leaves a constant
//! `k` with `k < 0`, or `k = 0` and a strict column used. The goal `a <= b` (or `a < b`)
//! is refuted as `b < a` (or `b <= a`) and the certificate turned into the kernel's goal
//! form; when the negated goal occurs inside a product, the proof goes by cases on
//! `le-total` instead. Every search is bounded ([`ArithLimits`]).

use crate::builder::{sort_of, ProofBuilder};
use crate::error::{Bound, ProverError, Result};
use crate::lp::{feasible, LpBounds};
use crate::poly::{Atoms, Poly};
use num_rational::BigRational;
use num_traits::{One, Zero};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use warrant_kernel::print::formula_to_string;
use warrant_kernel::{Formula, Product, Rat, Sort, Square, Step, StepId, Term};

/// Bounds of the arithmetic searches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArithLimits {
    /// Most simplex pivots per linear program.
    pub max_pivots: usize,
    /// Most rows (distinct monomials) per linear program.
    pub max_rows: usize,
    /// Most columns (facts, products, squares) per linear program.
    pub max_columns: usize,
    /// Most products and squares `nlinarith` adds.
    pub max_products: usize,
    /// Largest monomial degree.
    pub max_degree: u32,
    /// Wall-clock guard for one call.
    pub max_time: Duration,
}

impl Default for ArithLimits {
    fn default() -> ArithLimits {
        ArithLimits {
            max_pivots: 20_000,
            max_rows: 2_000,
            max_columns: 4_000,
            max_products: 2_000,
            max_degree: 16,
            max_time: Duration::from_secs(10),
        }
    }
}

/// How a fact constrains its polynomial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    NonNeg,
    Pos,
    Zero,
}

/// A fact read as `poly ⋈ 0`; `step` is `None` for the negated goal (not yet a step).
struct Read {
    step: Option<StepId>,
    poly: Poly,
    rel: Rel,
}

/// One column of the linear program.
struct Column {
    poly: Poly,
    strict: bool,
    /// Sign: `-1` for the negative half of a free (equation) column.
    sign: i8,
    origin: Origin,
}

enum Origin {
    /// A product of facts (indices into the read facts).
    Product(Vec<usize>),
    /// The square of a term.
    Square(Term),
}

/// What the linear program found: per column, its coefficient.
struct Certificate {
    coefficients: Vec<BigRational>,
}

/// `norm` for an equation: proves `lhs = rhs` by the `ring` rule when their normal
/// forms agree, and otherwise reports both normal forms.
pub fn ring_eq(b: &mut ProofBuilder<'_>, lhs: &Term, rhs: &Term) -> Result<StepId> {
    let mut atoms = Atoms::new(b.signature().limits().max_degree);
    let p = atoms.normalize(lhs)?;
    let q = atoms.normalize(rhs)?;
    if p != q {
        return Err(ProverError::RingMismatch { lhs: atoms.show(&p), rhs: atoms.show(&q) });
    }
    b.add(Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() })
}

/// `norm` for a term: its normal form `n` and a step proving `t = n`.
pub fn normalize(b: &mut ProofBuilder<'_>, t: &Term) -> Result<(Term, StepId)> {
    let mut atoms = Atoms::new(b.signature().limits().max_degree);
    let p = atoms.normalize(t)?;
    let n = atoms.to_term(&p);
    let id = b.add(Step::Ring { lhs: t.clone(), rhs: n.clone() })?;
    Ok((n, id))
}

/// `linarith`: proves `goal` (`false`, `a <= b`, `a < b`, `a = b`, `not` of a
/// comparison, or a conjunction of these) from `facts` (steps proving comparisons,
/// equations over `Rat`, their negations and conjunctions; other facts are ignored) by
/// a linear certificate.
pub fn linarith(
    b: &mut ProofBuilder<'_>,
    facts: &[StepId],
    goal: &Formula,
    limits: &ArithLimits,
) -> Result<StepId> {
    let mut search = Search::new(b, limits, false);
    search.prove(facts, goal)
}

/// `nlinarith`: [`linarith`] with pairwise products of the facts (and of the negated
/// goal) and squares of atoms and of their differences as extra certificate terms.
pub fn nlinarith(
    b: &mut ProofBuilder<'_>,
    facts: &[StepId],
    goal: &Formula,
    limits: &ArithLimits,
) -> Result<StepId> {
    let mut search = Search::new(b, limits, true);
    search.prove(facts, goal)
}

struct Search<'b, 'a> {
    b: &'b mut ProofBuilder<'a>,
    limits: &'b ArithLimits,
    products: bool,
    deadline: Instant,
}

impl<'b, 'a> Search<'b, 'a> {
    fn new(b: &'b mut ProofBuilder<'a>, limits: &'b ArithLimits, products: bool) -> Self {
        Search { b, limits, products, deadline: Instant::now() + limits.max_time }
    }

    fn tactic(&self) -> &'static str {
        if self.products {
            "nlinarith"
        } else {
            "linarith"
        }
    }

    fn prove(&mut self, facts: &[StepId], goal: &Formula) -> Result<StepId> {
        let mut facts = self.read_facts(facts)?;
        // A fact given twice (a tactic's named facts are also hypotheses of its goal)
        // adds only copies of columns; the copy after the first never enters the basis
        // (Bland's rule enters the lowest-numbered of equal columns, and a basic
        // column's copy has reduced cost zero), so without it the pivots and the
        // certificate are the same, from a smaller linear program.
        let mut seen = std::collections::HashSet::new();
        facts.retain(|&id| seen.insert(id));
        self.prove_goal(&facts, goal)
    }

    /// Splits conjunctions and turns negated comparisons into comparisons; returns
    /// steps proving `a <= b`, `a < b` or `a = b` over `Rat`.
    fn read_facts(&mut self, facts: &[StepId]) -> Result<Vec<StepId>> {
        let mut out = Vec::new();
        let mut todo: Vec<StepId> = facts.iter().rev().copied().collect();
        while let Some(id) = todo.pop() {
            let f = self.b.conclusion(id)?.clone();
            match &f {
                Formula::Le(..) | Formula::Lt(..) => out.push(id),
                Formula::Eq(a, _) if sort_of(self.b.signature(), a) == Some(Sort::Rat) => out.push(id),
                Formula::And(..) => {
                    let r = self.b.add(Step::AndRight { from: id })?;
                    let l = self.b.add(Step::AndLeft { from: id })?;
                    todo.push(r);
                    todo.push(l);
                }
                Formula::Not(inner) => match &**inner {
                    // not (a <= b)  gives  b < a
                    Formula::Le(a, c) => {
                        let flipped = Formula::Lt(c.clone(), a.clone());
                        out.push(self.flip_negation(id, a, c, flipped, true)?);
                    }
                    // not (a < b)  gives  b <= a
                    Formula::Lt(a, c) => {
                        let flipped = Formula::Le(c.clone(), a.clone());
                        out.push(self.flip_negation(id, a, c, flipped, false)?);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(out)
    }

    /// From `neg: not (a <= c)` (when `le`) or `neg: not (a < c)`, proves `flipped`
    /// (`c < a`, resp. `c <= a`) by cases on `le-total`.
    fn flip_negation(
        &mut self,
        neg: StepId,
        a: &Term,
        c: &Term,
        flipped: Formula,
        le: bool,
    ) -> Result<StepId> {
        let b = &mut *self.b;
        let (left, right) = if le {
            (a.clone(), c.clone()) // a <= c or c < a
        } else {
            (c.clone(), a.clone()) // c <= a or a < c
        };
        let total = b.add(Step::LeTotal { left, right })?;
        let Formula::Or(l, r) = b.conclusion(total)?.clone() else {
            return Err(ProverError::Internal("le-total is not a disjunction".into()));
        };
        let assume_l = b.add(Step::Assume { formula: (*l).clone() })?;
        let assume_r = b.add(Step::Assume { formula: (*r).clone() })?;
        let (contra, direct) = if le { (assume_l, assume_r) } else { (assume_r, assume_l) };
        let f = b.add(Step::NotElim { negation: neg, argument: contra })?;
        let proved = b.add(Step::FalseElim { from: f, goal: flipped })?;
        let (left, right) = if le { (proved, direct) } else { (direct, proved) };
        b.add(Step::OrElim { from: total, left, right })
    }

    fn prove_goal(&mut self, facts: &[StepId], goal: &Formula) -> Result<StepId> {
        match goal {
            Formula::True => self.b.add(Step::TrueIntro),
            Formula::And(l, r) => {
                let left = self.prove_goal(facts, l)?;
                let right = self.prove_goal(facts, r)?;
                self.b.add(Step::AndIntro { left, right })
            }
            Formula::False => self.refute(facts, goal),
            Formula::Le(..) | Formula::Lt(..) => self.prove_comparison(facts, goal),
            Formula::Eq(a, c) if sort_of(self.b.signature(), a) == Some(Sort::Rat) => {
                let le = self.prove_comparison(facts, &Formula::Le(a.clone(), c.clone()))?;
                let ge = self.prove_comparison(facts, &Formula::Le(c.clone(), a.clone()))?;
                self.b.add(Step::LeAntisymm { le, ge })
            }
            Formula::Not(inner)
                if matches!(&**inner, Formula::Le(..) | Formula::Lt(..))
                    || matches!(&**inner, Formula::Eq(a, _)
                        if sort_of(self.b.signature(), a) == Some(Sort::Rat)) =>
            {
                let assumed = self.b.add(Step::Assume { formula: (**inner).clone() })?;
                let mut with = facts.to_vec();
                with.push(assumed);
                let f = self.refute(&with, &Formula::not((**inner).clone()))?;
                self.b.add(Step::NotIntro { assumption: (**inner).clone(), from: f })
            }
            other => Err(ProverError::Shape {
                tactic: self.tactic(),
                what: format!("the goal {}", formula_to_string(other)),
            }),
        }
    }

    /// Proves `false` from `facts`; `shown` is the goal to print on failure.
    fn refute(&mut self, facts: &[StepId], shown: &Formula) -> Result<StepId> {
        let mut atoms = Atoms::new(self.limits.max_degree);
        let reads = self.reads(facts, &mut atoms)?;
        let columns = self.columns(&reads, &mut atoms)?;
        let Some(cert) = self.solve(&columns)? else {
            return Err(self.no_certificate(shown));
        };
        self.psatz(Formula::False, &reads, &columns, &cert, None)
    }

    fn no_certificate(&self, goal: &Formula) -> ProverError {
        ProverError::NoCertificate { tactic: self.tactic(), goal: formula_to_string(goal) }
    }

    fn reads(&mut self, facts: &[StepId], atoms: &mut Atoms) -> Result<Vec<Read>> {
        let mut reads = Vec::with_capacity(facts.len() + 1);
        for &id in facts {
            let (a, c, rel) = match self.b.conclusion(id)? {
                Formula::Le(a, c) => (a.clone(), c.clone(), Rel::NonNeg),
                Formula::Lt(a, c) => (a.clone(), c.clone(), Rel::Pos),
                Formula::Eq(a, c) => (a.clone(), c.clone(), Rel::Zero),
                other => {
                    return Err(ProverError::Internal(format!(
                        "fact {} is not a comparison",
                        formula_to_string(other)
                    )))
                }
            };
            reads.push(Read { step: Some(id), poly: atoms.difference(&c, &a)?, rel });
        }
        Ok(reads)
    }

    /// `goal` is `a <= b` or `a < b`.
    fn prove_comparison(&mut self, facts: &[StepId], goal: &Formula) -> Result<StepId> {
        let (a, c, strict_goal) = match goal {
            Formula::Le(a, c) => (a, c, false),
            Formula::Lt(a, c) => (a, c, true),
            _ => return Err(ProverError::Internal("not a comparison".into())),
        };
        let mut atoms = Atoms::new(self.limits.max_degree);
        let mut reads = self.reads(facts, &mut atoms)?;
        // The negated goal: `c < a` (read `a - c > 0`) or `c <= a` (read `a - c >= 0`).
        let g = reads.len();
        reads.push(Read {
            step: None,
            poly: atoms.difference(a, c)?,
            rel: if strict_goal { Rel::NonNeg } else { Rel::Pos },
        });
        let columns = self.columns(&reads, &mut atoms)?;
        let Some(cert) = self.solve(&columns)? else {
            return Err(self.no_certificate(goal));
        };
        let mut linear_g = BigRational::zero();
        let mut nonlinear_g = false;
        for (col, x) in columns.iter().zip(&cert.coefficients) {
            if x.is_zero() {
                continue;
            }
            if let Origin::Product(fs) = &col.origin {
                if fs.contains(&g) {
                    if fs.len() == 1 {
                        linear_g += x;
                    } else {
                        nonlinear_g = true;
                    }
                }
            }
        }
        if nonlinear_g {
            return self.by_cases(a, c, strict_goal, &mut reads, &columns, &cert, goal);
        }
        if linear_g.is_zero() {
            // The facts alone are contradictory.
            let f = self.psatz(Formula::False, &reads, &columns, &cert, None)?;
            return self.b.add(Step::FalseElim { from: f, goal: goal.clone() });
        }
        let scale = linear_g.recip();
        self.psatz(goal.clone(), &reads, &columns, &cert, Some((g, scale)))
    }

    /// The proof by cases on `le-total`: the negated goal is assumed, refuted, and the
    /// goal follows in both branches.
    #[allow(clippy::too_many_arguments)]
    fn by_cases(
        &mut self,
        a: &Term,
        c: &Term,
        strict_goal: bool,
        reads: &mut [Read],
        columns: &[Column],
        cert: &Certificate,
        goal: &Formula,
    ) -> Result<StepId> {
        let (left, right) = if strict_goal {
            (c.clone(), a.clone()) // c <= a or a < c
        } else {
            (a.clone(), c.clone()) // a <= c or c < a
        };
        let total = self.b.add(Step::LeTotal { left, right })?;
        let Formula::Or(l, r) = self.b.conclusion(total)?.clone() else {
            return Err(ProverError::Internal("le-total is not a disjunction".into()));
        };
        let (negated, same) = if strict_goal { (l, r) } else { (r, l) };
        let assumed = self.b.add(Step::Assume { formula: (*negated).clone() })?;
        let direct = self.b.add(Step::Assume { formula: (*same).clone() })?;
        if let Some(last) = reads.last_mut() {
            last.step = Some(assumed);
        }
        let f = self.psatz(Formula::False, reads, columns, cert, None)?;
        let refuted = self.b.add(Step::FalseElim { from: f, goal: goal.clone() })?;
        let (left, right) = if strict_goal { (refuted, direct) } else { (direct, refuted) };
        self.b.add(Step::OrElim { from: total, left, right })
    }

    /// The columns: each fact; for `nlinarith`, pairwise products and squares.
    fn columns(&self, reads: &[Read], atoms: &mut Atoms) -> Result<Vec<Column>> {
        let mut cols = Vec::new();
        let push = |cols: &mut Vec<Column>, poly: Poly, rel: Rel, origin: Vec<usize>| match rel {
            Rel::Zero => {
                let neg = poly.neg();
                cols.push(Column { poly, strict: false, sign: 1, origin: Origin::Product(origin.clone()) });
                cols.push(Column { poly: neg, strict: false, sign: -1, origin: Origin::Product(origin) });
            }
            _ => {
                cols.push(Column { poly, strict: rel == Rel::Pos, sign: 1, origin: Origin::Product(origin) })
            }
        };
        for (i, r) in reads.iter().enumerate() {
            push(&mut cols, r.poly.clone(), r.rel, vec![i]);
        }
        if !self.products {
            return Ok(cols);
        }
        let mut extra = 0usize;
        let mut count = |n: usize| -> Result<()> {
            extra += n;
            if extra > self.limits.max_products {
                return Err(ProverError::Limit {
                    bound: Bound::Products,
                    limit: self.limits.max_products as u64,
                });
            }
            Ok(())
        };
        for i in 0..reads.len() {
            for j in i..reads.len() {
                count(1)?;
                let p = reads[i].poly.mul(&reads[j].poly, self.limits.max_degree)?;
                let rel = match (reads[i].rel, reads[j].rel) {
                    (Rel::Zero, _) | (_, Rel::Zero) => Rel::Zero,
                    (Rel::Pos, Rel::Pos) => Rel::Pos,
                    _ => Rel::NonNeg,
                };
                push(&mut cols, p, rel, vec![i, j]);
            }
        }
        let n = atoms.len() as u32;
        let mut bases: Vec<Term> = Vec::new();
        for i in 0..n {
            if let Some(t) = atoms.term(i) {
                bases.push(t.clone());
            }
        }
        for i in 0..n as usize {
            for j in (i + 1)..n as usize {
                bases.push(Term::sub(bases[i].clone(), bases[j].clone()));
            }
        }
        for base in bases {
            count(1)?;
            let p = atoms.normalize(&base)?;
            let sq = p.mul(&p, self.limits.max_degree)?;
            cols.push(Column { poly: sq, strict: false, sign: 1, origin: Origin::Square(base) });
        }
        Ok(cols)
    }

    fn solve(&self, cols: &[Column]) -> Result<Option<Certificate>> {
        if Instant::now() > self.deadline {
            return Err(self.time_limit());
        }
        // Rows: one per non-constant monomial, then `-k - s = 0` and
        // `-k + Σ strict = 1`, with the slack `s` as the last column.
        let mut monomials: BTreeMap<&Vec<(u32, u32)>, usize> = BTreeMap::new();
        for c in cols {
            for m in c.poly.0.keys() {
                if !m.is_empty() {
                    let next = monomials.len();
                    monomials.entry(m).or_insert(next);
                }
            }
        }
        // Renumber rows in monomial order, for determinism independent of insertion.
        let order: BTreeMap<usize, usize> =
            monomials.values().enumerate().map(|(rank, &first)| (first, rank)).collect();
        let m = monomials.len();
        let mut rows: Vec<Vec<(usize, BigRational)>> = vec![Vec::new(); m + 2];
        for (j, c) in cols.iter().enumerate() {
            for (mono, k) in &c.poly.0 {
                if mono.is_empty() {
                    rows[m].push((j, -k.clone()));
                    let mut v = -k.clone();
                    if c.strict {
                        v += BigRational::one();
                    }
                    if !v.is_zero() {
                        rows[m + 1].push((j, v));
                    }
                } else {
                    let first = monomials[mono];
                    rows[order[&first]].push((j, k.clone()));
                }
            }
            if c.strict && !c.poly.0.contains_key(&Vec::new()) {
                rows[m + 1].push((j, BigRational::one()));
            }
        }
        let slack = cols.len();
        rows[m].push((slack, -BigRational::one()));
        let mut rhs = vec![BigRational::zero(); m + 2];
        rhs[m + 1] = BigRational::one();
        let bounds = LpBounds {
            max_pivots: self.limits.max_pivots,
            max_rows: self.limits.max_rows,
            max_columns: self.limits.max_columns,
            deadline: Some((self.deadline, self.limits.max_time.as_millis() as u64)),
        };
        Ok(feasible(cols.len() + 1, &rows, &rhs, &bounds)?.map(|mut x| {
            x.pop();
            Certificate { coefficients: x }
        }))
    }

    fn time_limit(&self) -> ProverError {
        ProverError::Limit { bound: Bound::Time, limit: self.limits.max_time.as_millis() as u64 }
    }

    /// The `psatz` step for `goal` from the certificate. With `drop = Some((g, s))`,
    /// fact `g` (the negated goal) is left out and every other coefficient scaled by
    /// `s`; otherwise every fact must be a step.
    fn psatz(
        &mut self,
        goal: Formula,
        reads: &[Read],
        cols: &[Column],
        cert: &Certificate,
        drop: Option<(usize, BigRational)>,
    ) -> Result<StepId> {
        let scale = drop.as_ref().map(|(_, s)| s.clone()).unwrap_or_else(BigRational::one);
        // Facts used, renumbered in order of first use.
        let mut fact_index: BTreeMap<usize, usize> = BTreeMap::new();
        let mut facts: Vec<StepId> = Vec::new();
        let mut products: BTreeMap<Vec<usize>, BigRational> = BTreeMap::new();
        let mut squares: Vec<Square> = Vec::new();
        for (col, x) in cols.iter().zip(&cert.coefficients) {
            if x.is_zero() {
                continue;
            }
            let coefficient = if col.sign < 0 { -x } else { x.clone() } * &scale;
            match &col.origin {
                Origin::Product(fs) => {
                    if drop.as_ref().is_some_and(|(g, _)| fs.contains(g)) {
                        continue;
                    }
                    let mut factors = Vec::with_capacity(fs.len());
                    for &f in fs {
                        let k = match fact_index.get(&f) {
                            Some(&k) => k,
                            None => {
                                let step = reads[f].step.ok_or_else(|| {
                                    ProverError::Internal("the negated goal has no step".into())
                                })?;
                                let k = facts.len();
                                facts.push(step);
                                fact_index.insert(f, k);
                                k
                            }
                        };
                        factors.push(k);
                    }
                    *products.entry(factors).or_insert_with(BigRational::zero) += coefficient;
                }
                Origin::Square(base) => {
                    squares.push(Square { coefficient: Rat::from_big(coefficient), base: base.clone() })
                }
            }
        }
        let products = products
            .into_iter()
            .filter(|(_, c)| !c.is_zero())
            .map(|(factors, c)| Product { coefficient: Rat::from_big(c), factors })
            .collect();
        self.b.add(Step::Psatz { goal, facts, products, squares })
    }
}
