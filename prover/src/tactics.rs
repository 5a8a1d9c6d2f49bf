//! Tactics: a proof script of the language ([`warrant_lang::ast::Proof`]) run against
//! one obligation, building a kernel proof object that the kernel then checks.
//!
//! Goals are tracked one at a time: each tactic acts on the current goal, and tactics
//! that open several goals (`split`, `have`, `calc`, `cases`) run their sub-scripts on
//! each. Every failure names the failing tactic's span and prints the goal and the
//! hypotheses left in the language's syntax ([`Failure`]); `sorry` stops with the goal
//! it stands for ([`Outcome::Sorry`]) and is never a proof. Supported: `intro`, `have`,
//! `show`, `calc` (chains of `=`, `<=`, `<`), `cases` (conjunctions, existentials,
//! disjunctions with arms), `split`, `left`, `right`, `exists`, `apply` (a fact
//! `forall x̄. A1 -> ... -> C`, its variables found by matching `C` against the goal,
//! each `Ai` a new goal), `exact`, `unfold` (defined functions and predicates anywhere
//! in the goal, see [`crate::unfold`]), `rewrite`, `norm`, `linarith`, `nlinarith`,
//! `auto`, `sorry`.

use crate::arith::{linarith, nlinarith, ring_eq, ArithLimits};
use crate::builder::{sort_of, ProofBuilder};
use crate::error::ProverError;
use crate::rewrite::{RewriteLimits, Rewriter, Rule};
use crate::unfold::Unfolder;
use std::collections::BTreeSet;
use std::time::Duration;
use warrant_kernel::{
    free_variables, open_formula, FactKind, Formula, Name, Proof, Signature, Sort, Step, StepId, Term,
    Theorem,
};
use warrant_lang::ast::{self, RelOp, TacticKind};
use warrant_lang::{Diagnostic, LangError, Obligation, Program, ProofLimit, Scope, Span};

/// Bounds of the tactics' searches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TacticLimits {
    /// `linarith`, `nlinarith`, `norm`.
    pub arith: ArithLimits,
    /// `rewrite`, `unfold`.
    pub rewrite: RewriteLimits,
}

/// A field of [`TacticLimits`] that a `limits` setting names.
enum Field<'a> {
    Count(&'a mut usize),
    Degree(&'a mut u32),
    Bits(&'a mut u64),
    Millis(&'a mut Duration),
}

impl Field<'_> {
    fn get(&self) -> u64 {
        match self {
            Field::Count(v) => u64::try_from(**v).unwrap_or(u64::MAX),
            Field::Degree(v) => u64::from(**v),
            Field::Bits(v) => **v,
            Field::Millis(v) => u64::try_from(v.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Sets the field to `value`, which is at most [`Field::get`] (so it fits).
    fn lower_to(&mut self, value: u64) {
        match self {
            Field::Count(v) => **v = usize::try_from(value).unwrap_or(**v),
            Field::Degree(v) => **v = u32::try_from(value).unwrap_or(**v),
            Field::Bits(v) => **v = value,
            Field::Millis(v) => **v = Duration::from_millis(value),
        }
    }
}

impl TacticLimits {
    /// The field a `limits` setting names (the names are [`warrant_lang::PROOF_LIMITS`]).
    fn field(&mut self, name: &str) -> Option<Field<'_>> {
        let (a, r) = (&mut self.arith, &mut self.rewrite);
        Some(match name {
            "arith_pivots" => Field::Count(&mut a.max_pivots),
            "arith_rows" => Field::Count(&mut a.max_rows),
            "arith_columns" => Field::Count(&mut a.max_columns),
            "arith_products" => Field::Count(&mut a.max_products),
            "arith_degree" => Field::Degree(&mut a.max_degree),
            "arith_time_ms" => Field::Millis(&mut a.max_time),
            "rewrite_nodes" => Field::Count(&mut r.max_nodes),
            "rewrite_iterations" => Field::Count(&mut r.max_iterations),
            "rewrite_time_ms" => Field::Millis(&mut r.max_time),
            "rewrite_replay_steps" => Field::Count(&mut r.max_replay_steps),
            "rewrite_numeral_bits" => Field::Bits(&mut r.max_numeral_bits),
            _ => return None,
        })
    }

    /// These limits (the ceiling) lowered by a file's `limits` settings. A setting may
    /// lower a bound but never raise it: one above the ceiling gives a warning naming
    /// the ceiling, and the ceiling applies.
    ///
    /// ```
    /// use warrant_prover::TacticLimits;
    /// let ceiling = TacticLimits::default();
    /// let file = [warrant_lang::ProofLimit {
    ///     name: "rewrite_nodes",
    ///     value: u64::MAX,
    ///     span: Default::default(),
    ///     value_span: Default::default(),
    /// }];
    /// let (limits, warnings) = ceiling.lowered_by(&file);
    /// assert_eq!(limits, ceiling);
    /// assert_eq!(warnings.len(), 1);
    /// ```
    pub fn lowered_by(&self, settings: &[ProofLimit]) -> (TacticLimits, Vec<LangError>) {
        let mut out = self.clone();
        let mut warnings = Vec::new();
        for s in settings {
            let Some(mut field) = out.field(s.name) else {
                // The front end only passes names it knows; an unknown one lowers nothing.
                continue;
            };
            let ceiling = field.get();
            if s.value <= ceiling {
                field.lower_to(s.value);
            } else {
                warnings.push(LangError::LimitAboveCeiling {
                    setting: s.name.to_string(),
                    value: s.value,
                    ceiling,
                    help: format!(
                        "a file may lower a limit but not raise it: the caller allows `{}` up to {ceiling}, and that applies",
                        s.name
                    ),
                    span: s.value_span.into(),
                });
            }
        }
        (out, warnings)
    }
}

/// The warnings of every module's `limits` settings that are above `ceiling`.
pub fn limit_warnings(program: &Program, ceiling: &TacticLimits) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in &program.modules {
        let (_, warnings) = ceiling.lowered_by(&m.proof_limits);
        out.extend(warnings.into_iter().map(|error| Diagnostic { file: m.file, error }));
    }
    out
}

/// Why a script does not prove its obligation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The failing tactic (or the whole proof, when goals are left).
    pub span: Span,
    /// What went wrong.
    pub message: String,
    /// The goal at that point, in the language's syntax.
    pub goal: String,
    /// The hypotheses at that point, `name: formula`.
    pub hypotheses: Vec<String>,
    /// Whether a search bound was hit (a `limit`, not a wrong proof).
    pub limit: bool,
}

/// What became of one obligation.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The kernel checked the proof.
    Proved {
        /// The proof object the kernel checked.
        proof: Proof,
        /// The theorem it proves.
        theorem: Box<Theorem>,
    },
    /// A `sorry` is left: never a proof.
    Sorry(Failure),
    /// The script fails.
    Failed(Failure),
}

/// Runs the obligation's script against `sig` (the program's signature extended with
/// the lemmas proved so far) and has the kernel check the result. `limits` is the
/// ceiling: the `limits` items of the obligation's file may lower it
/// ([`TacticLimits::lowered_by`]).
pub fn prove_obligation(
    program: &Program,
    sig: &Signature,
    ob: &Obligation,
    ceiling: &TacticLimits,
) -> Outcome {
    let proof = match build_obligation(program, sig, ob, ceiling, false) {
        Ok(proof) => proof,
        Err(stopped) => return stopped,
    };
    match crate::builder::check_in_used_context(sig, &ob.context, &proof) {
        Ok(theorem) => Outcome::Proved { proof, theorem: Box::new(theorem) },
        Err(e) => {
            // `build_obligation` returns a proof only for a script.
            let span = ob.proof.as_ref().map_or(ob.span, |script| script.span);
            Outcome::Failed(bare(program, ob, span, ProverError::from(e).to_string()))
        }
    }
}

/// The proof object `ob`'s script builds, **not checked by the kernel**, for a caller
/// that has the kernel check it itself: the auditor checks all the discharges of a
/// technique in one kernel check, and checks its searches' proofs (`vacuous`,
/// `trivial`, `intent-gap`) in its own context. The proof is the one
/// [`prove_obligation`] has the kernel check; a proof the kernel would refuse is
/// returned too. `None` when the script stops (a failing tactic, a `sorry`, goals
/// left, no script): [`prove_obligation`] says why. A failure is not described (no
/// goal or hypotheses printed), which was most of a failed search's cost.
pub fn unchecked_proof(
    program: &Program,
    sig: &Signature,
    ob: &Obligation,
    ceiling: &TacticLimits,
) -> Option<Proof> {
    build_obligation(program, sig, ob, ceiling, true).ok()
}

/// Runs `ob`'s script into a proof object, unchecked; `Err` is the outcome of a script
/// that stops (never [`Outcome::Proved`]). With `quiet`, failures carry no description.
fn build_obligation(
    program: &Program,
    sig: &Signature,
    ob: &Obligation,
    ceiling: &TacticLimits,
    quiet: bool,
) -> Result<Proof, Outcome> {
    let limits = match program.modules.get(ob.module) {
        Some(m) if !m.proof_limits.is_empty() => ceiling.lowered_by(&m.proof_limits).0,
        _ => ceiling.clone(),
    };
    let limits = &limits;
    let Some(script) = &ob.proof else {
        return Err(Outcome::Failed(Failure {
            span: ob.span,
            message: "no proof".into(),
            goal: program.display_formula(ob.module, &ob.statement),
            hypotheses: vec![],
            limit: false,
        }));
    };
    let mut b = ProofBuilder::new(sig, &ob.context);
    let mut hyps = Vec::new();
    for (h, _) in &ob.context.hypotheses {
        match b.hypothesis(h) {
            Ok(id) => hyps.push((h.to_string(), id)),
            Err(e) => return Err(Outcome::Failed(bare(program, ob, ob.span, e.to_string()))),
        }
    }
    let goal = Goal { hyps, target: ob.statement.clone(), scope: ob.scope() };
    let mut engine = Engine { program, ob, limits, fresh: 0, quiet };
    match engine.run(&mut b, goal, &script.tactics, script.span) {
        Ok(root) => {
            b.finish(root).map_err(|e| Outcome::Failed(bare(program, ob, script.span, e.to_string())))
        }
        Err(Stop::Sorry(f)) => Err(Outcome::Sorry(f)),
        Err(Stop::Failed(f)) => Err(Outcome::Failed(f)),
    }
}

/// Proves every obligation of `program` in order, adding each proved lemma to the
/// signature for the ones after it.
pub fn prove_program(program: &Program, limits: &TacticLimits) -> Vec<Outcome> {
    let mut sig = program.signature.clone();
    let mut out = Vec::with_capacity(program.obligations.len());
    for ob in &program.obligations {
        let outcome = prove_obligation(program, &sig, ob, limits);
        if let (Outcome::Proved { theorem, .. }, warrant_lang::ObligationKind::Lemma(_)) =
            (&outcome, &ob.kind)
        {
            if let Err(e) = sig.add_theorem(ob.name.clone(), theorem) {
                out.push(Outcome::Failed(bare(program, ob, ob.span, e.to_string())));
                continue;
            }
        }
        out.push(outcome);
    }
    out
}

/// A failure at `span` with nothing said about it (a quiet search's).
fn undescribed(span: Span) -> Failure {
    Failure { span, message: String::new(), goal: String::new(), hypotheses: vec![], limit: false }
}

fn bare(program: &Program, ob: &Obligation, span: Span, message: String) -> Failure {
    Failure {
        span,
        message,
        goal: program.display_formula(ob.module, &ob.statement),
        hypotheses: vec![],
        limit: false,
    }
}

#[derive(Clone)]
struct Goal {
    hyps: Vec<(String, StepId)>,
    target: Formula,
    scope: Scope,
}

enum Stop {
    Sorry(Failure),
    Failed(Failure),
}

type Run = Result<StepId, Stop>;

struct Engine<'p> {
    program: &'p Program,
    ob: &'p Obligation,
    limits: &'p TacticLimits,
    fresh: usize,
    /// Failures are not described (see [`unchecked_proof`]).
    quiet: bool,
}

impl<'p> Engine<'p> {
    /// A failure from a prover error: a hit bound is marked as such.
    fn fail_err(&self, b: &ProofBuilder<'_>, goal: &Goal, span: Span, e: ProverError) -> Stop {
        let limit = matches!(e, ProverError::Limit { .. });
        if self.quiet {
            return Stop::Failed(Failure { limit, ..undescribed(span) });
        }
        // Errors about the goal print it with the kernel's qualified names; say it as
        // the reader of the module does.
        let show = |f: &Formula| self.program.display_formula(self.ob.module, f);
        use warrant_kernel::print::{formula_to_string as kernel, term_to_string};
        let message = match &e {
            ProverError::NoCertificate { tactic, goal: g } if *g == kernel(&goal.target) => {
                format!("{tactic} found no certificate for {}", show(&goal.target))
            }
            ProverError::NotEqual { lhs, rhs, reason } => match &goal.target {
                Formula::Eq(l, r) if *lhs == term_to_string(l) && *rhs == term_to_string(r) => {
                    format!("rewriting could not show {}: {reason}", show(&goal.target))
                }
                _ => e.to_string(),
            },
            _ => e.to_string(),
        };
        let (Stop::Failed(mut f) | Stop::Sorry(mut f)) = self.fail(b, goal, span, message);
        f.limit = limit;
        Stop::Failed(f)
    }

    fn fail(&self, b: &ProofBuilder<'_>, goal: &Goal, span: Span, message: String) -> Stop {
        if self.quiet {
            return Stop::Failed(undescribed(span));
        }
        let show = |f: &Formula| self.program.display_formula(self.ob.module, f);
        Stop::Failed(Failure {
            limit: false,
            span,
            message,
            goal: show(&goal.target),
            hypotheses: goal
                .hyps
                .iter()
                .map(|(h, id)| match b.conclusion(*id) {
                    Ok(f) => format!("{h}: {}", show(f)),
                    Err(_) => h.clone(),
                })
                .collect(),
        })
    }

    fn fresh_name(&mut self, base: &str, goal: &Goal) -> String {
        let taken = |n: &str| {
            goal.scope.locals.iter().any(|(l, _)| l == n)
                || self.ob.context.variables.iter().any(|(v, _)| &**v == n)
        };
        if !taken(base) {
            return base.to_string();
        }
        loop {
            self.fresh += 1;
            let n = format!("{base}_{}", self.fresh);
            if !taken(&n) {
                return n;
            }
        }
    }

    /// Runs `tactics` on `goal`; `end` is where to report goals left.
    fn run(&mut self, b: &mut ProofBuilder<'_>, goal: Goal, tactics: &[ast::Tactic], end: Span) -> Run {
        let Some((t, rest)) = tactics.split_first() else {
            // Close trivial goals; anything else is left.
            if let Some(id) = self.assumption(b, &goal) {
                return Ok(id);
            }
            return Err(self.fail(b, &goal, end, "goals are left after the last tactic".into()));
        };
        let span = t.span;
        match &t.kind {
            TacticKind::Sorry => {
                let Stop::Failed(f) = self.fail(b, &goal, span, "sorry".into()) else { unreachable!() };
                Err(Stop::Sorry(f))
            }
            TacticKind::Error => Err(self.fail(b, &goal, span, "this tactic did not parse".into())),
            TacticKind::Intro(names) => self.intro(b, goal, names, rest, span, end),
            TacticKind::Have { name, statement, proof } => {
                let phi = self.lower(b, &goal, statement)?;
                let sub = Goal { target: phi, ..goal.clone() };
                let p = self.run(b, sub, &proof.tactics, proof.span)?;
                let mut next = goal;
                next.hyps.push((name.text.to_string(), p));
                self.run(b, next, rest, end)
            }
            TacticKind::Show(e) => {
                let phi = self.lower(b, &goal, e)?;
                if phi != goal.target {
                    let shown = self.program.display_formula(self.ob.module, &phi);
                    return Err(self.fail(b, &goal, span, format!("the goal is not {shown}")));
                }
                self.run(b, goal, rest, end)
            }
            TacticKind::Split(parts) => {
                let (l, r, iff) = match &goal.target {
                    Formula::And(l, r) => ((**l).clone(), (**r).clone(), false),
                    Formula::Iff(l, r) => {
                        (Formula::Implies(l.clone(), r.clone()), Formula::Implies(r.clone(), l.clone()), true)
                    }
                    _ => {
                        return Err(self.fail(
                            b,
                            &goal,
                            span,
                            "split needs a conjunction or an equivalence".into(),
                        ))
                    }
                };
                let (pl, pr) = match parts.as_slice() {
                    [] => {
                        let a = self.run(b, Goal { target: l, ..goal.clone() }, rest, end)?;
                        let c = self.run(b, Goal { target: r, ..goal.clone() }, rest, end)?;
                        (a, c)
                    }
                    [x, y] => {
                        let a = self.run(b, Goal { target: l, ..goal.clone() }, &x.tactics, x.span)?;
                        let c = self.run(b, Goal { target: r, ..goal.clone() }, &y.tactics, y.span)?;
                        if !rest.is_empty() {
                            return Err(self.fail(b, &goal, rest[0].span, "no goals are left".into()));
                        }
                        (a, c)
                    }
                    _ => return Err(self.fail(b, &goal, span, "split takes two blocks".into())),
                };
                let step = if iff {
                    Step::IffIntro { forward: pl, backward: pr }
                } else {
                    Step::AndIntro { left: pl, right: pr }
                };
                b.add(step).map_err(|e| self.fail_err(b, &goal, span, e))
            }
            TacticKind::Left | TacticKind::Right => {
                let Formula::Or(l, r) = goal.target.clone() else {
                    return Err(self.fail(b, &goal, span, "left/right need a disjunction".into()));
                };
                let left = matches!(t.kind, TacticKind::Left);
                let target = if left { (*l).clone() } else { (*r).clone() };
                let p = self.run(b, Goal { target, ..goal.clone() }, rest, end)?;
                let step = if left {
                    Step::OrLeft { from: p, right: (*r).clone() }
                } else {
                    Step::OrRight { left: (*l).clone(), from: p }
                };
                b.add(step).map_err(|e| self.fail_err(b, &goal, span, e))
            }
            TacticKind::Exists(e) => {
                let Formula::Exists(h, s, body) = goal.target.clone() else {
                    return Err(self.fail(b, &goal, span, "exists needs an existential goal".into()));
                };
                let (w, ws) = self.lower_term(b, &goal, e)?;
                if ws != s {
                    return Err(self.fail(b, &goal, span, "the witness has the wrong sort".into()));
                }
                let target = open_formula(&body, &w);
                let p = self.run(b, Goal { target, ..goal.clone() }, rest, end)?;
                b.add(Step::ExistsIntro { hint: h, sort: s, body: (*body).clone(), witness: w, from: p })
                    .map_err(|e| self.fail_err(b, &goal, span, e))
            }
            TacticKind::Exact(f) => {
                let id = self.fact(b, &goal, f)?;
                self.expect(b, &goal, id, span)?;
                self.done(b, &goal, rest, id)
            }
            TacticKind::Apply(f) => {
                let id = self.fact(b, &goal, f)?;
                let fact = b.conclusion(id).map_err(|e| self.fail_err(b, &goal, span, e))?.clone();
                // `forall x̄. A1 -> ... -> An -> C` (quantifiers and premises in any
                // order; `not A` counts as `A -> false`): the shortest prefix whose rest
                // matches the goal, x̄ instantiated from the match; each premise becomes
                // a goal of the rest of the script.
                let (prefix, args) = match match_conclusion(b.signature(), &fact, &goal.target) {
                    Ok(m) => m,
                    Err(message) => return Err(self.fail(b, &goal, span, message)),
                };
                let mut acc = id;
                let mut args = args.into_iter();
                for _ in 0..prefix {
                    let c = b.conclusion(acc).map_err(|e| self.fail_err(b, &goal, span, e))?.clone();
                    let step = match c {
                        Formula::Forall(..) => {
                            let Some(term) = args.next() else {
                                return Err(self.fail(
                                    b,
                                    &goal,
                                    span,
                                    "internal: apply lost an argument".into(),
                                ));
                            };
                            Step::ForallElim { from: acc, term }
                        }
                        Formula::Implies(a, _) => {
                            let p = self.run(b, Goal { target: (*a).clone(), ..goal.clone() }, rest, end)?;
                            Step::ImpElim { implication: acc, argument: p }
                        }
                        Formula::Not(a) => {
                            let p = self.run(b, Goal { target: (*a).clone(), ..goal.clone() }, rest, end)?;
                            Step::NotElim { negation: acc, argument: p }
                        }
                        _ => return Err(self.fail(b, &goal, span, "internal: apply lost a premise".into())),
                    };
                    acc = b.add(step).map_err(|e| self.fail_err(b, &goal, span, e))?;
                }
                if has_premise(&fact, prefix) {
                    Ok(acc)
                } else {
                    // No premise took the rest of the script.
                    self.done(b, &goal, rest, acc)
                }
            }
            TacticKind::Unfold(paths) => {
                let mut names = BTreeSet::new();
                for p in paths {
                    let name = match self.program.resolve_fact(self.ob.module, p) {
                        Ok(f) => f.name,
                        Err(e) => return Err(self.fail(b, &goal, p.span, e.to_string())),
                    };
                    if b.signature().fact(&name).map(|f| f.kind) != Some(FactKind::Definition) {
                        return Err(self.fail(b, &goal, p.span, format!("`{}` is not a definition", p.text)));
                    }
                    names.insert(name);
                }
                let mut taken: BTreeSet<Name> =
                    free_variables(&goal.target).into_iter().map(|(n, _)| n).collect();
                taken.extend(self.ob.context.variables.iter().map(|(n, _)| n.clone()));
                taken.extend(goal.scope.locals.iter().map(|(n, _)| warrant_kernel::name(n)));
                for (_, id) in &goal.hyps {
                    if let Ok(f) = b.conclusion(*id) {
                        taken.extend(free_variables(f).into_iter().map(|(n, _)| n));
                    }
                }
                let mut unfolder = Unfolder::new(names, self.limits.rewrite.max_nodes, taken);
                let passes =
                    unfolder.unfold(b, &goal.target).map_err(|e| self.fail_err(b, &goal, span, e))?;
                let unfolded = passes.last().map_or_else(|| goal.target.clone(), |c| c.to().clone());
                let next = Goal { target: unfolded, ..goal.clone() };
                let mut p = self.run(b, next, rest, end)?;
                for c in passes.iter().rev() {
                    p = c.convert(b, p, false).map_err(|e| self.fail_err(b, &goal, span, e))?;
                }
                Ok(p)
            }
            TacticKind::Rewrite(rs) => {
                let Formula::Eq(l, r) = goal.target.clone() else {
                    return Err(self.fail(b, &goal, span, "rewrite proves equations".into()));
                };
                let mut rules = Vec::new();
                for rr in rs {
                    let id = self.fact(b, &goal, &rr.fact)?;
                    let rule = Rule::step(b, id, &rr.fact.name.text)
                        .map_err(|e| self.fail_err(b, &goal, rr.fact.span, e))?;
                    rules.push(if rr.reverse { rule.backward_only() } else { rule });
                }
                let rw = Rewriter::new(rules).map_err(|e| self.fail_err(b, &goal, span, e))?;
                let hyps: Vec<StepId> = goal.hyps.iter().map(|h| h.1).collect();
                let arith = self.limits.arith.clone();
                let mut discharge = |b: &mut ProofBuilder<'_>, f: &Formula| linarith(b, &hyps, f, &arith);
                let id = rw
                    .prove_eq(b, &l, &r, &self.limits.rewrite, &mut discharge)
                    .map_err(|e| self.fail_err(b, &goal, span, e))?;
                self.done(b, &goal, rest, id)
            }
            TacticKind::Norm => {
                let Formula::Eq(l, r) = &goal.target else {
                    return Err(self.fail(b, &goal, span, "norm proves equations over Rat".into()));
                };
                let id = ring_eq(b, l, r).map_err(|e| self.fail_err(b, &goal, span, e))?;
                self.done(b, &goal, rest, id)
            }
            TacticKind::Linarith(fs) | TacticKind::Nlinarith(fs) | TacticKind::Auto(fs) => {
                let mut facts: Vec<StepId> = goal.hyps.iter().map(|h| h.1).collect();
                for f in fs {
                    facts.push(self.fact(b, &goal, f)?);
                }
                let id = match &t.kind {
                    TacticKind::Linarith(_) => linarith(b, &facts, &goal.target, &self.limits.arith),
                    TacticKind::Nlinarith(_) => nlinarith(b, &facts, &goal.target, &self.limits.arith),
                    _ => self.auto(b, &goal, &facts),
                }
                .map_err(|e| self.fail_err(b, &goal, span, e))?;
                self.done(b, &goal, rest, id)
            }
            TacticKind::Calc(steps) => {
                let id = self.calc(b, &goal, steps, span)?;
                self.done(b, &goal, rest, id)
            }
            TacticKind::Cases { fact, names, arms } => {
                self.cases(b, goal, fact, names, arms, rest, span, end)
            }
        }
    }

    /// After a closing tactic, no tactic may follow.
    fn done(&self, b: &ProofBuilder<'_>, goal: &Goal, rest: &[ast::Tactic], id: StepId) -> Run {
        match rest.first() {
            None => Ok(id),
            Some(t) => Err(self.fail(b, goal, t.span, "no goals are left".into())),
        }
    }

    fn expect(&self, b: &ProofBuilder<'_>, goal: &Goal, id: StepId, span: Span) -> Result<(), Stop> {
        match b.conclusion(id) {
            Ok(f) if *f == goal.target => Ok(()),
            Ok(f) => {
                let shown = self.program.display_formula(self.ob.module, f);
                Err(self.fail(b, goal, span, format!("the fact proves {shown}, not the goal")))
            }
            Err(e) => Err(self.fail_err(b, goal, span, e)),
        }
    }

    fn assumption(&self, b: &mut ProofBuilder<'_>, goal: &Goal) -> Option<StepId> {
        if goal.target == Formula::True {
            return b.add(Step::TrueIntro).ok();
        }
        goal.hyps.iter().rev().find(|(_, id)| b.conclusion(*id).is_ok_and(|f| *f == goal.target)).map(|h| h.1)
    }

    /// `auto`: a hypothesis, `norm`, `linarith`, then `nlinarith`.
    fn auto(&self, b: &mut ProofBuilder<'_>, goal: &Goal, facts: &[StepId]) -> Result<StepId, ProverError> {
        if let Some(id) = self.assumption(b, goal) {
            return Ok(id);
        }
        if let Formula::Eq(l, r) = &goal.target {
            if sort_of(b.signature(), l) == Some(Sort::Rat) {
                if let Ok(id) = ring_eq(b, l, r) {
                    return Ok(id);
                }
            }
        }
        match linarith(b, facts, &goal.target, &self.limits.arith) {
            Ok(id) => Ok(id),
            Err(_) => nlinarith(b, facts, &goal.target, &self.limits.arith),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn intro(
        &mut self,
        b: &mut ProofBuilder<'_>,
        mut goal: Goal,
        names: &[ast::Ident],
        rest: &[ast::Tactic],
        span: Span,
        end: Span,
    ) -> Run {
        let (first, more) = match names.split_first() {
            Some((n, m)) => (Some(n.text.to_string()), m),
            None => (None, names),
        };
        let again = names.is_empty() || !more.is_empty();
        let continue_with = |engine: &mut Self, b: &mut ProofBuilder<'_>, g: Goal| {
            let binder = matches!(g.target, Formula::Forall(..) | Formula::Implies(..) | Formula::Not(..));
            if again && binder {
                engine.intro(b, g, more, rest, span, end)
            } else if !names.is_empty() && !more.is_empty() {
                Err(engine.fail(b, &g, span, "nothing more to introduce".into()))
            } else {
                engine.run(b, g, rest, end)
            }
        };
        match goal.target.clone() {
            Formula::Forall(h, s, body) => {
                let x = self.fresh_name(&first.unwrap_or_else(|| h.0.to_string()), &goal);
                goal.target = open_formula(&body, &Term::Free(warrant_kernel::name(&x), s.clone()));
                goal.scope.locals.push((x.clone(), s.clone()));
                let p = continue_with(self, b, goal.clone())?;
                b.add(Step::ForallIntro { variable: warrant_kernel::name(&x), sort: s, from: p })
                    .map_err(|e| self.fail_err(b, &goal, span, e))
            }
            Formula::Implies(a, _) | Formula::Not(a) => {
                let is_not = matches!(goal.target, Formula::Not(_));
                let concl = match &goal.target {
                    Formula::Implies(_, c) => (**c).clone(),
                    _ => Formula::False,
                };
                let hname = first.unwrap_or_else(|| format!("h{}", goal.hyps.len()));
                let assumed = b
                    .add(Step::Assume { formula: (*a).clone() })
                    .map_err(|e| self.fail_err(b, &goal, span, e))?;
                goal.hyps.push((hname, assumed));
                goal.target = concl;
                let p = continue_with(self, b, goal.clone())?;
                let step = if is_not {
                    Step::NotIntro { assumption: (*a).clone(), from: p }
                } else {
                    Step::ImpIntro { assumption: (*a).clone(), from: p }
                };
                b.add(step).map_err(|e| self.fail_err(b, &goal, span, e))
            }
            _ => Err(self.fail(b, &goal, span, "nothing to introduce".into())),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cases(
        &mut self,
        b: &mut ProofBuilder<'_>,
        goal: Goal,
        fact: &ast::Fact,
        names: &[ast::Ident],
        arms: &[ast::CaseArm],
        rest: &[ast::Tactic],
        span: Span,
        end: Span,
    ) -> Run {
        let id = self.fact(b, &goal, fact)?;
        let f = b.conclusion(id).map_err(|e| self.fail_err(b, &goal, span, e))?.clone();
        let name = |i: usize, default: String| names.get(i).map(|n| n.text.to_string()).unwrap_or(default);
        let add = |engine: &Self, b: &mut ProofBuilder<'_>, s: Step| {
            b.add(s).map_err(|e| engine.fail_err(b, &goal, span, e))
        };
        match f {
            Formula::And(..) => {
                let l = add(self, b, Step::AndLeft { from: id })?;
                let r = add(self, b, Step::AndRight { from: id })?;
                let mut next = goal.clone();
                next.hyps.push((name(0, format!("{}_left", fact.name.text)), l));
                next.hyps.push((name(1, format!("{}_right", fact.name.text)), r));
                self.run(b, next, rest, end)
            }
            Formula::Exists(h, s, body) => {
                let x = self.fresh_name(&name(0, h.0.to_string()), &goal);
                let inst = open_formula(&body, &Term::Free(warrant_kernel::name(&x), s.clone()));
                let assumed = add(self, b, Step::Assume { formula: inst })?;
                let mut next = goal.clone();
                next.scope.locals.push((x.clone(), s));
                next.hyps.push((name(1, format!("{}_spec", fact.name.text)), assumed));
                let p = self.run(b, next, rest, end)?;
                add(self, b, Step::ExistsElim { from: id, variable: warrant_kernel::name(&x), body: p })
            }
            Formula::Or(l, r) => {
                let [left, right] = arms else {
                    return Err(self.fail(b, &goal, span, "cases on a disjunction takes two arms".into()));
                };
                let mut proofs = Vec::new();
                for (arm, part) in [(left, l), (right, r)] {
                    let assumed = add(self, b, Step::Assume { formula: (*part).clone() })?;
                    let mut next = goal.clone();
                    let hn = arm
                        .names
                        .first()
                        .map(|n| n.text.to_string())
                        .unwrap_or_else(|| fact.name.text.to_string());
                    next.hyps.push((hn, assumed));
                    proofs.push(self.run(b, next, &arm.proof.tactics, arm.proof.span)?);
                }
                let id = add(self, b, Step::OrElim { from: id, left: proofs[0], right: proofs[1] })?;
                self.done(b, &goal, rest, id)
            }
            _ => Err(self.fail(
                b,
                &goal,
                span,
                "cases needs a conjunction, an existential or a disjunction".into(),
            )),
        }
    }

    /// `calc`: each step proved by its script; `=` steps chained by `trans`, the rest
    /// combined by `linarith`; the chain must give the goal (or imply it linearly).
    fn calc(&mut self, b: &mut ProofBuilder<'_>, goal: &Goal, steps: &[ast::CalcStep], span: Span) -> Run {
        let mut prev_rhs: Option<Term> = None;
        let mut chain: Option<StepId> = None;
        let mut facts = Vec::new();
        let mut first_lhs: Option<Term> = None;
        for st in steps {
            let lhs = match (&st.lhs, &prev_rhs) {
                (Some(e), _) => self.lower_term(b, goal, e)?.0,
                (None, Some(t)) => t.clone(),
                (None, None) => {
                    return Err(self.fail(b, goal, st.span, "a calc chain starts with a term".into()))
                }
            };
            let rhs = self.lower_term(b, goal, &st.rhs)?.0;
            let target = match st.rel {
                RelOp::Eq => Formula::Eq(lhs.clone(), rhs.clone()),
                RelOp::Le => Formula::Le(lhs.clone(), rhs.clone()),
                RelOp::Lt => Formula::Lt(lhs.clone(), rhs.clone()),
                RelOp::Ge => Formula::Le(rhs.clone(), lhs.clone()),
                RelOp::Gt => Formula::Lt(rhs.clone(), lhs.clone()),
            };
            let p = self.run(b, Goal { target, ..goal.clone() }, &st.proof.tactics, st.proof.span)?;
            first_lhs.get_or_insert(lhs);
            if st.rel == RelOp::Eq {
                chain = Some(match chain {
                    Some(c) if facts.is_empty() => b
                        .add(Step::Trans { left: c, right: p })
                        .map_err(|e| self.fail_err(b, goal, st.span, e))?,
                    _ => p,
                });
            }
            facts.push(p);
            prev_rhs = Some(rhs);
        }
        if let Some(c) = chain {
            if b.conclusion(c).is_ok_and(|f| *f == goal.target) {
                return Ok(c);
            }
        }
        linarith(b, &facts, &goal.target, &self.limits.arith).map_err(|e| match e {
            ProverError::Limit { .. } => self.fail_err(b, goal, span, e),
            e => self.fail(b, goal, span, format!("the chain does not give the goal: {e}")),
        })
    }

    fn lower(&self, b: &ProofBuilder<'_>, goal: &Goal, e: &ast::Expr) -> Result<Formula, Stop> {
        self.program.lower_formula(&goal.scope, e).map_err(|errs| self.fail(b, goal, e.span, join(&errs)))
    }

    fn lower_term(&self, b: &ProofBuilder<'_>, goal: &Goal, e: &ast::Expr) -> Result<(Term, Sort), Stop> {
        self.program.lower_term(&goal.scope, e).map_err(|errs| self.fail(b, goal, e.span, join(&errs)))
    }

    /// A step proving the cited fact: a hypothesis (latest first), or an axiom, lemma
    /// or definition instantiated with the given arguments.
    fn fact(&self, b: &mut ProofBuilder<'_>, goal: &Goal, f: &ast::Fact) -> Result<StepId, Stop> {
        let mut args = Vec::with_capacity(f.args.len());
        for a in &f.args {
            args.push(self.lower_term(b, goal, a)?.0);
        }
        if let Some((_, id)) = goal.hyps.iter().rev().find(|(h, _)| *h == f.name.text) {
            let mut id = *id;
            for t in args {
                id = b
                    .add(Step::ForallElim { from: id, term: t })
                    .map_err(|e| self.fail_err(b, goal, f.span, e))?;
            }
            return Ok(id);
        }
        let r = self
            .program
            .resolve_fact(self.ob.module, &f.name)
            .map_err(|e| self.fail(b, goal, f.span, e.to_string()))?;
        let kind = b.signature().fact(&r.name).map(|x| x.kind);
        let name: Name = r.name.clone();
        let step = match kind {
            Some(FactKind::Axiom) => Step::Axiom { name, args },
            Some(FactKind::Theorem) => Step::Theorem { name, args },
            Some(FactKind::Definition) => Step::Unfold { name, args },
            None => return Err(self.fail(b, goal, f.span, format!("`{}` is not proved yet", f.name.text))),
        };
        b.add(step).map_err(|e| self.fail_err(b, goal, f.span, e))
    }
}

fn join(errs: &[warrant_lang::LangError]) -> String {
    errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}

/// Matches the goal against the fact's conclusion after each prefix of its leading
/// `forall`s and `->`s, shortest first. Returns the prefix length and the terms for the
/// prefix's `forall`s, outermost first; or why no prefix fits.
fn match_conclusion(sig: &Signature, fact: &Formula, goal: &Formula) -> Result<(usize, Vec<Term>), String> {
    let mut sorts: Vec<(String, Sort)> = Vec::new();
    let mut f = fact;
    let mut prefix = 0;
    let mut undetermined: Option<String> = None;
    loop {
        let mut sub: Vec<Option<Term>> = vec![None; sorts.len()];
        if match_formula(sig, f, goal, 0, &sorts, &mut sub) {
            match sub.iter().position(Option::is_none) {
                None => return Ok((prefix, sub.into_iter().flatten().collect())),
                Some(i) => {
                    undetermined.get_or_insert_with(|| {
                        format!(
                            "apply cannot tell `{}` from the goal; give it: apply name(terms for its variables)",
                            sorts[i].0
                        )
                    });
                }
            }
        }
        match f {
            Formula::Forall(h, s, body) => {
                sorts.push((h.0.to_string(), s.clone()));
                f = body;
            }
            Formula::Implies(_, body) => f = body,
            // `not A` is `A -> false`.
            Formula::Not(_) => f = &Formula::False,
            _ => break,
        }
        prefix += 1;
    }
    Err(undetermined.unwrap_or_else(|| "the fact does not conclude the goal".into()))
}

/// Do the first `prefix` binders of `fact` include a premise (an `->` or a `not`)?
fn has_premise(fact: &Formula, prefix: usize) -> bool {
    let mut f = fact;
    for _ in 0..prefix {
        match f {
            Formula::Forall(_, _, body) => f = body,
            Formula::Implies(..) | Formula::Not(_) => return true,
            _ => return false,
        }
    }
    false
}

/// First-order matching of the pattern `p` (under `depth` binders of its own) against
/// `g`: `Bound(depth + i)` in `p` is the pattern variable `vars[len - 1 - i]`, which
/// matches any term without bound variables of its sort, the same term each time.
fn match_formula(
    sig: &Signature,
    p: &Formula,
    g: &Formula,
    depth: u32,
    vars: &[(String, Sort)],
    sub: &mut [Option<Term>],
) -> bool {
    let t = |x: &Term, y: &Term, sub: &mut [Option<Term>]| match_term(sig, x, y, depth, vars, sub);
    match (p, g) {
        (Formula::True, Formula::True) | (Formula::False, Formula::False) => true,
        (Formula::Eq(a, b), Formula::Eq(c, d))
        | (Formula::Le(a, b), Formula::Le(c, d))
        | (Formula::Lt(a, b), Formula::Lt(c, d)) => t(a, c, sub) && t(b, d, sub),
        (Formula::Pred(m, xs), Formula::Pred(n, ys)) => {
            m == n && xs.len() == ys.len() && xs.iter().zip(ys.iter()).all(|(x, y)| t(x, y, sub))
        }
        (Formula::Not(a), Formula::Not(b)) => match_formula(sig, a, b, depth, vars, sub),
        (Formula::And(a, b), Formula::And(c, d))
        | (Formula::Or(a, b), Formula::Or(c, d))
        | (Formula::Implies(a, b), Formula::Implies(c, d))
        | (Formula::Iff(a, b), Formula::Iff(c, d)) => {
            match_formula(sig, a, c, depth, vars, sub) && match_formula(sig, b, d, depth, vars, sub)
        }
        (Formula::Forall(_, s, a), Formula::Forall(_, r, b))
        | (Formula::Exists(_, s, a), Formula::Exists(_, r, b)) => {
            s == r && match_formula(sig, a, b, depth + 1, vars, sub)
        }
        _ => false,
    }
}

fn match_term(
    sig: &Signature,
    p: &Term,
    g: &Term,
    depth: u32,
    vars: &[(String, Sort)],
    sub: &mut [Option<Term>],
) -> bool {
    let go = |x: &Term, y: &Term, sub: &mut [Option<Term>]| match_term(sig, x, y, depth, vars, sub);
    match (p, g) {
        (Term::Bound(i), _) if *i >= depth => {
            let Some(slot) = vars.len().checked_sub(1 + (*i - depth) as usize) else { return false };
            if has_bound(g) || sort_of(sig, g).as_ref() != Some(&vars[slot].1) {
                return false;
            }
            match &sub[slot] {
                Some(t) => t == g,
                None => {
                    sub[slot] = Some(g.clone());
                    true
                }
            }
        }
        (Term::App(f, xs), Term::App(h, ys)) => {
            f == h && xs.len() == ys.len() && xs.iter().zip(ys.iter()).all(|(x, y)| go(x, y, sub))
        }
        (Term::Neg(a), Term::Neg(b)) => go(a, b, sub),
        (Term::Div(a, c), Term::Div(b, d)) => c == d && go(a, b, sub),
        (Term::Pow(a, n), Term::Pow(b, m)) => n == m && go(a, b, sub),
        (Term::Add(a, b), Term::Add(c, d))
        | (Term::Sub(a, b), Term::Sub(c, d))
        | (Term::Mul(a, b), Term::Mul(c, d)) => go(a, c, sub) && go(b, d, sub),
        _ => p == g,
    }
}

/// Does `t` mention a bound variable?
fn has_bound(t: &Term) -> bool {
    match t {
        Term::Bound(_) => true,
        Term::Free(..) | Term::Num(_) => false,
        Term::App(_, args) => args.iter().any(has_bound),
        Term::Neg(a) | Term::Div(a, _) | Term::Pow(a, _) => has_bound(a),
        Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => has_bound(a) || has_bound(b),
    }
}
