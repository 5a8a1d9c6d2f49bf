//! Challenges: holding a submission to the lab's own requirement (`--challenge FILE`).
//!
//! The challenge file is trusted input, loaded as a library module. A submitted
//! technique `T(x̄)` that `answers C(ȳ := args)` meets the challenge when the kernel
//! checks, for every requirement `R` of `C`, the closed theorem
//!
//! ```text
//!   C.r : forall ȳ. Allow₁ -> … -> Allowₘ -> R
//! ```
//!
//! built from two kinds of bounded searches, each checked by the kernel:
//! - for every assumption `Aᵢ` that `T` rests on (its own and every lifted one):
//!   `x̄; allows ⊢ Aᵢ`; one that does not follow is `assumption-not-allowed`;
//! - for every requirement: `x̄; T's guarantees ⊢ R`: the technique must establish it.
//!   Neither the allows nor `T`'s assumptions are premises here: a challenge's allows
//!   are often the very measurements the requirement is computed from, and with them
//!   any answer, however weak its guarantees, would pass. One that does not follow is
//!   `challenge-unmet`.
//!
//! In the requirement's proof, each guarantee is then replaced by `T`'s closed theorem
//! `T.g : forall x̄. A₁ -> … -> Aₙ -> G` from the signature, applied to the proofs of
//! the `Aᵢ` from the allows. The result rests only on the allows. Matching is by implication, never by text: a
//! stronger guarantee or a weaker assumption passes. `args` must be distinct parameters
//! of `T`, so the theorem holds for every instance of the challenge, not a special one.
//!
//! The challenge and what it imports must come from the library: a submitted module
//! that redefines one of them, or shadows a library module, is a `type` finding.

use crate::compose::guarantee_theorem_name;
use crate::engine::ProofEngine;
use crate::finding::{Code, Finding, Span};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use warrant_kernel::{
    check, print::formula_to_string_with, Context, Formula, Name, Proof, Signature, Sort, Step, StepId, Term,
    Theorem,
};
use warrant_lang::{AssumptionOrigin, ChallengeInfo, ModuleId, Program, TechniqueId, TechniqueInfo};

/// A challenge the submission met: what the bundle records.
#[derive(Clone, Debug)]
pub struct MetChallenge {
    /// The challenge's qualified name.
    pub challenge: String,
    /// The technique that answers it (qualified name).
    pub technique: String,
    /// The challenge's parameters.
    pub params: Vec<(Name, Sort)>,
    /// Its allows (parameters free).
    pub allows: Vec<(String, Formula)>,
    /// Its requirements (parameters free), each with the kernel name of its closed
    /// theorem `forall params. allows -> require`.
    pub requires: Vec<(String, Formula, Name)>,
}

/// What holding a submission to a challenge file produced.
#[derive(Clone, Debug, Default)]
pub struct ChallengeOutcome {
    /// `challenge-unmet`, `assumption-not-allowed`, `no-answer` and `type` findings.
    pub findings: Vec<Finding>,
    /// The closed requirement theorems, checked: name, proof, context it was checked
    /// in, theorem (to add to the signature).
    pub theorems: Vec<(Name, Proof, Context, Theorem)>,
    /// The challenges met.
    pub met: Vec<MetChallenge>,
}

/// The module loaded from the challenge file at `path`, if any.
pub fn challenge_module(program: &Program, path: &Path) -> Option<ModuleId> {
    let want = canonical(path);
    program.modules.iter().position(|m| {
        program
            .sources
            .get(m.file)
            .is_some_and(|s| s.path.as_deref().map(canonical).is_some_and(|p| p == want))
    })
}

/// Marks the challenge file's module as library (trusted) rather than submitted.
pub fn mark_trusted(program: &mut Program, path: &Path) {
    if let Some(m) = challenge_module(program, path) {
        program.modules[m].is_root = false;
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Submitted modules that redefine the challenge, a module it imports, or a module of a
/// library root (`type` findings: the submission may not replace trusted input).
pub fn redefinitions(program: &Program, challenge: Option<ModuleId>, library: &[PathBuf]) -> Vec<Finding> {
    let mut trusted: BTreeSet<ModuleId> = BTreeSet::new();
    let mut stack: Vec<ModuleId> = challenge.into_iter().collect();
    while let Some(m) = stack.pop() {
        if trusted.insert(m) {
            stack.extend(program.modules.get(m).map(|m| m.imports.clone()).unwrap_or_default());
        }
    }
    let mut out = Vec::new();
    for (i, m) in program.modules.iter().enumerate() {
        if !m.is_root {
            continue;
        }
        let source = program.sources.get(m.file);
        let file = source.map(|s| s.name.clone()).unwrap_or_default();
        let own = source.and_then(|s| s.path.as_deref()).map(canonical);
        let rel: PathBuf = m.name.split('.').collect::<PathBuf>().with_extension("wr");
        let shadowed =
            library.iter().map(|r| r.join(&rel)).find(|p| p.is_file() && Some(canonical(p)) != own);
        let embedded = warrant_lang::embedded_std()
            .iter()
            .any(|(p, _)| *p == m.name || p.trim_end_matches(".wr").replace('/', ".") == m.name);
        let why = if trusted.contains(&i) {
            Some("the challenge rests on it".to_string())
        } else if embedded {
            Some("the standard library defines it".to_string())
        } else {
            shadowed.map(|p| format!("the library defines it in `{}`", p.display()))
        };
        if let Some(why) = why {
            out.push(
                Finding::new(Code::Type, format!("the submission redefines the trusted module `{}`: {why}", m.name))
                    .at(file, Span { start: 0, end: 0 })
                    .help("give the submitted module a name of its own; the challenge and the library are trusted input"),
            );
        }
    }
    out
}

/// Holds the submitted techniques `accepted` (audited and accepted; `submitted` are
/// all the submission's techniques) to every challenge the module `challenge` declares.
pub fn hold(
    program: &Program,
    signature: &Signature,
    engine: &dyn ProofEngine,
    challenge: ModuleId,
    submitted: &BTreeSet<TechniqueId>,
    accepted: &BTreeSet<TechniqueId>,
) -> ChallengeOutcome {
    let mut out = ChallengeOutcome::default();
    let file_of =
        |f: warrant_lang::FileId| program.sources.get(f).map(|s| s.name.clone()).unwrap_or_default();
    let challenges: Vec<&ChallengeInfo> =
        program.challenges.iter().filter(|c| c.module == challenge).collect();
    if challenges.is_empty() {
        let file = program.modules.get(challenge).map(|m| file_of(m.file)).unwrap_or_default();
        out.findings.push(
            Finding::new(Code::NoAnswer, "the challenge file declares no challenge")
                .at(file, Span { start: 0, end: 0 })
                .help("a challenge file declares `challenge Name(params) { allow ...; require ... }`"),
        );
        return out;
    }
    for c in challenges {
        let cid = program.challenges.iter().position(|d| std::ptr::eq(d, c));
        let answering: Vec<TechniqueId> = submitted
            .iter()
            .copied()
            .filter(|&t| program.techniques[t].answers.as_ref().is_some_and(|a| Some(a.challenge) == cid))
            .collect();
        if answering.is_empty() {
            let impostors: Vec<&str> = submitted
                .iter()
                .filter_map(|&t| program.techniques[t].answers.as_ref())
                .filter_map(|a| program.challenges.get(a.challenge))
                .filter(|d| d.module != challenge)
                .map(|d| d.name.as_ref())
                .collect();
            let mut f = Finding::new(
                Code::NoAnswer,
                format!("no submitted technique answers the challenge `{}`", c.short),
            )
            .at(file_of(c.file), to_span(c.span))
            .help(format!("declare `technique T(...) answers {}(...)` in the submission", c.short));
            if !impostors.is_empty() {
                f = f.detail(format!(
                    "the submission answers {}, which is not the trusted challenge",
                    impostors.join(", ")
                ));
            }
            out.findings.push(f);
            continue;
        }
        if c.broken {
            continue;
        }
        for t in answering {
            if accepted.contains(&t) {
                hold_one(program, signature, engine, c, t, &mut out);
            }
        }
    }
    out
}

fn to_span(s: warrant_lang::Span) -> Span {
    Span { start: s.start as usize, end: s.end as usize }
}

/// Where a lifted assumption comes from: the technique that first states it.
fn origin(program: &Program, tech: &TechniqueInfo, assumption: &str) -> Option<String> {
    let a = tech.assumptions.iter().find(|a| a.name == assumption)?;
    match a.origin {
        AssumptionOrigin::Own => Some(tech.short.clone()),
        AssumptionOrigin::Lifted { use_index } => {
            let u = tech.uses.get(use_index)?;
            let below = program.techniques.get(u.technique?)?;
            let rest = assumption.strip_prefix(&*u.name)?.strip_prefix('.')?;
            origin(program, below, rest).or_else(|| Some(below.short.clone()))
        }
    }
}

/// Holds technique `t` to challenge `c`.
fn hold_one(
    program: &Program,
    signature: &Signature,
    engine: &dyn ProofEngine,
    c: &ChallengeInfo,
    t: TechniqueId,
    out: &mut ChallengeOutcome,
) {
    let tech = &program.techniques[t];
    let Some(answers) = &tech.answers else { return };
    let file = program.sources.get(tech.file).map(|s| s.name.clone()).unwrap_or_default();
    let at = |f: Finding, span: warrant_lang::Span| f.technique(&*tech.name).at(&file, to_span(span));
    let show = |f: &Formula| formula_to_string_with(f, &|n| program.display_name(tech.module, n));

    // The arguments must be distinct parameters: the theorem is then about every instance.
    let mut vars: Vec<(Name, Sort)> = Vec::new();
    for a in &answers.args {
        match a {
            Term::Free(x, s)
                if tech.params.iter().any(|(p, q)| p == x && q == s) && !vars.iter().any(|(v, _)| v == x) =>
            {
                vars.push((x.clone(), s.clone()))
            }
            _ => {
                out.findings.push(at(
                    Finding::new(
                        Code::ChallengeUnmet,
                        format!("`{}` answers a special case of `{}`, not the challenge itself", tech.short, c.short),
                    )
                    .help("answer the challenge with distinct parameters of the technique, e.g. `answers C(x, y)`"),
                    answers.span,
                ));
                return;
            }
        }
    }
    if vars.len() != c.params.len() {
        return; // the front end reported the arity
    }
    let allows: Vec<(Name, Formula)> = c
        .allows
        .iter()
        .map(|(n, f, _)| {
            (
                warrant_kernel::name(&format!("allow.{n}")),
                warrant_lang::instantiate(f, &c.params, &answers.args),
            )
        })
        .collect();
    let allowed = Context { variables: tech.params.clone(), hypotheses: allows.clone() };
    let holds = |ctx: &Context, goal: &Formula| -> Option<Proof> {
        let proof = engine.search(program, tech.module, signature, ctx, goal)?;
        check(signature, ctx, &proof).ok().filter(|thm| thm.conclusion() == goal).map(|_| proof)
    };

    // (2) Every assumption follows from the allows.
    let mut assumption_proofs: Vec<Option<Proof>> = Vec::new();
    for a in &tech.assumptions {
        let proof = holds(&allowed, &a.statement);
        if proof.is_none() {
            let from = match a.origin {
                AssumptionOrigin::Own => "its own assumption".to_string(),
                AssumptionOrigin::Lifted { .. } => format!(
                    "lifted from `{}`",
                    origin(program, tech, &a.name).unwrap_or_else(|| "a used technique".into())
                ),
            };
            let allowed_text: Vec<String> = c
                .allows
                .iter()
                .map(|(n, f, _)| {
                    format!("{n}: {}", show(&warrant_lang::instantiate(f, &c.params, &answers.args)))
                })
                .collect();
            out.findings.push(at(
                Finding::new(
                    Code::AssumptionNotAllowed,
                    format!(
                        "`{}` rests on the assumption `{}` ({from}), which does not follow from what `{}` allows",
                        tech.short, a.name, c.short
                    ),
                )
                .detail(format!(
                    "assumption {}: {}\nallowed:\n  {}",
                    a.name,
                    show(&a.statement),
                    if allowed_text.is_empty() { "(nothing)".to_string() } else { allowed_text.join("\n  ") }
                ))
                .help("rest only on what the challenge allows (or something weaker), or discharge the assumption with a proof"),
                a.span,
            ));
        }
        assumption_proofs.push(proof);
    }

    // (1) Every requirement follows from the guarantees, under the allows.
    let mut with_guarantees = Context { variables: tech.params.clone(), hypotheses: Vec::new() };
    for g in &tech.guarantees {
        with_guarantees
            .hypotheses
            .push((warrant_kernel::name(&format!("guarantee.{}", g.name)), g.statement.clone()));
    }
    let gives: Vec<String> =
        tech.guarantees.iter().map(|g| format!("{}: {}", g.name, show(&g.statement))).collect();
    let mut met = MetChallenge {
        challenge: c.name.to_string(),
        technique: tech.name.to_string(),
        params: c.params.clone(),
        allows: c.allows.iter().map(|(n, f, _)| (n.clone(), f.clone())).collect(),
        requires: Vec::new(),
    };
    let mut all_met = true;
    for (rname, rf, rspan) in &c.requires {
        let goal = warrant_lang::instantiate(rf, &c.params, &answers.args);
        let Some(proof) = holds(&with_guarantees, &goal) else {
            all_met = false;
            out.findings.push(at(
                Finding::new(
                    Code::ChallengeUnmet,
                    format!(
                        "the requirement `{rname}` of `{}` does not follow from the guarantees of `{}`",
                        c.short, tech.short
                    ),
                )
                .detail(format!(
                    "required {rname}: {}\nthe guarantees give:\n  {}",
                    show(&goal),
                    if gives.is_empty() { "(nothing)".to_string() } else { gives.join("\n  ") }
                ))
                .help("prove the required statement (or a stronger one) as a guarantee")
                .related(crate::finding::Location {
                    file: program.sources.get(c.file).map(|s| s.name.clone()).unwrap_or_default(),
                    span: to_span(*rspan),
                    label: format!("required by {}", c.short),
                }),
                answers.span,
            ));
            continue;
        };
        if assumption_proofs.iter().any(Option::is_none) {
            all_met = false;
            continue;
        }
        let theorem_name = warrant_kernel::name(&format!("{}.{rname}", c.name));
        let mut everything = allowed.clone();
        everything.hypotheses.extend(with_guarantees.hypotheses.iter().cloned());
        match close_requirement(signature, tech, &allowed, &vars, &proof, &everything, &assumption_proofs) {
            Ok((p, thm)) => {
                met.requires.push((rname.clone(), rf.clone(), theorem_name.clone()));
                out.theorems.push((theorem_name, p, everything, thm));
            }
            Err(e) => {
                all_met = false;
                out.findings.push(at(
                    Finding::new(
                        Code::ChallengeUnmet,
                        format!(
                            "the requirement `{rname}` could not be composed with the guarantees of `{}`",
                            tech.short
                        ),
                    )
                    .detail(e),
                    answers.span,
                ));
            }
        }
    }
    if all_met {
        out.met.push(met);
    }
}

/// Turns `proof` of the requirement (from `T`'s assumptions and guarantees) into the
/// closed theorem `forall vars. allows -> R`, checked in `everything` (the allows,
/// `T`'s assumptions and guarantees as hypotheses): each assumption it used is
/// replaced by its proof from the allows, each guarantee by `T.g` applied to those.
fn close_requirement(
    signature: &Signature,
    tech: &TechniqueInfo,
    allowed: &Context,
    vars: &[(Name, Sort)],
    proof: &Proof,
    everything: &Context,
    assumption_proofs: &[Option<Proof>],
) -> Result<(Proof, Theorem), String> {
    let thm = check(signature, everything, proof).map_err(|e| e.to_string())?;
    let mut p = Proof::default();
    let mut cur = p.splice(proof).ok_or("empty proof")?;
    for (hyp, formula) in thm.hypotheses() {
        let fact = if let Some(g) = hyp.strip_prefix("guarantee.") {
            guarantee_fact(tech, g, assumption_proofs, &mut p)?
        } else if let Some(i) = tech.assumptions.iter().position(|a| *a.name == **hyp) {
            let a =
                assumption_proofs.get(i).and_then(Option::as_ref).ok_or("an assumption is not allowed")?;
            p.splice(a).ok_or("empty proof")?
        } else {
            continue; // an allow: discharged below
        };
        cur = p.push(Step::ImpIntro { assumption: formula.clone(), from: cur });
        cur = p.push(Step::ImpElim { implication: cur, argument: fact });
    }
    for (_, a) in allowed.hypotheses.iter().rev() {
        cur = p.push(Step::ImpIntro { assumption: a.clone(), from: cur });
    }
    for (x, s) in vars.iter().rev() {
        cur = p.push(Step::ForallIntro { variable: x.clone(), sort: s.clone(), from: cur });
    }
    let _ = cur;
    let closed = check(signature, everything, &p).map_err(|e| e.to_string())?;
    if !closed.hypotheses().is_empty() {
        return Err("the composed proof still rests on a hypothesis".into());
    }
    Ok((p, closed))
}

/// Appends a proof of guarantee `g` of `tech` from its closed theorem.
fn guarantee_fact(
    tech: &TechniqueInfo,
    g: &str,
    assumption_proofs: &[Option<Proof>],
    p: &mut Proof,
) -> Result<StepId, String> {
    let args = tech.params.iter().map(|(x, s)| Term::Free(x.clone(), s.clone())).collect();
    let mut s = p.push(Step::Theorem { name: warrant_kernel::name(&guarantee_theorem_name(tech, g)), args });
    for a in assumption_proofs {
        let a = a.as_ref().ok_or("an assumption is not allowed")?;
        let argument = p.splice(a).ok_or("empty proof")?;
        s = p.push(Step::ImpElim { implication: s, argument });
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use crate::finding::Code;
    use crate::{AuditOptions, Auditor, Submission, TacticEngine, Verdict};
    use std::path::PathBuf;

    /// A library root with `base` and the challenge file `chal.wr`, unique per test.
    fn setup(test: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("warrant-challenge-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        std::fs::write(dir.join("base.wr"), "module base\nsort D\nfn s(d: D): Rat\nfn u(d: D): Rat\n")
            .expect("write");
        let chal = dir.join("chal.wr");
        std::fs::write(
            &chal,
            "module chal\nimport base\nchallenge C(d: D) {\n  allow m: s(d) = 92%\n  allow n: u(d) = 94%\n  require r: 90% <= s(d)\n}\n",
        )
        .expect("write");
        (dir, chal)
    }

    fn audit(test: &str, text: &str) -> crate::Audit {
        let (dir, chal) = setup(test);
        let engine = TacticEngine::default();
        let options =
            AuditOptions { library: vec![dir.clone()], challenge: Some(chal), ..AuditOptions::default() };
        let name = dir.join("sub.wr").display().to_string();
        Auditor::new(options, &engine).audit(&[Submission { name, text: Some(text.into()) }])
    }

    fn codes(a: &crate::Audit) -> Vec<Code> {
        a.report.findings.iter().map(|f| f.code).collect()
    }

    const HEAD: &str = "module sub\nimport base\nimport chal\n";

    #[test]
    fn a_stronger_guarantee_on_a_weaker_assumption_meets_the_challenge() {
        let a = audit(
            "met",
            &format!(
                "{HEAD}technique T(d: D) answers C(d) {{\n  assume a: 91% <= s(d)\n  guarantee g: 91% <= s(d) := by linarith [a]\n  witness {{ s(d) = 23/25 }}\n}}\n"
            ),
        );
        assert_eq!(a.report.verdict, Verdict::Accepted, "{:?}", a.report.findings);
        assert!(a.signature.fact("chal.C.r").is_some(), "the requirement theorem is in the signature");
        let met = &a.challenge.as_ref().expect("challenge outcome").met;
        assert_eq!(met.len(), 1);
        let bundle = crate::bundle::write(&a).expect("bundle");
        warrant_kernel::bundle::verify(&bundle).expect("verifies");
    }

    #[test]
    fn a_weaker_guarantee_is_challenge_unmet() {
        let a = audit(
            "weaker",
            &format!(
                "{HEAD}technique T(d: D) answers C(d) {{\n  assume a: s(d) = 92%\n  guarantee g: 89% <= s(d) := by linarith [a]\n  witness {{ s(d) = 23/25 }}\n}}\n"
            ),
        );
        assert_eq!(codes(&a), vec![Code::ChallengeUnmet]);
        let f = &a.report.findings[0];
        assert!(f.message.contains("`r`"), "{}", f.message);
        assert!(f.detail.as_deref().unwrap_or("").contains("g: 89/100 <= s(d)"), "{:?}", f.detail);
    }

    #[test]
    fn a_stronger_assumption_is_not_allowed() {
        let a = audit(
            "stronger",
            &format!(
                "{HEAD}technique T(d: D) answers C(d) {{\n  assume a: 93% <= s(d)\n  guarantee g: 90% <= s(d) := by linarith [a]\n  witness {{ s(d) = 47/50 }}\n}}\n"
            ),
        );
        assert_eq!(codes(&a), vec![Code::AssumptionNotAllowed]);
        assert!(a.report.findings[0].message.contains("`a`"));
    }

    #[test]
    fn a_challenge_of_the_submission_s_own_is_no_answer() {
        let a = audit(
            "impostor",
            "module sub\nimport base\nchallenge C(d: D) {\n  require r: true\n}\ntechnique T(d: D) answers C(d) {\n  assume a: s(d) = 92%\n  guarantee g: 90% <= s(d) := by linarith [a]\n  witness { s(d) = 23/25 }\n}\n",
        );
        assert_eq!(codes(&a), vec![Code::NoAnswer]);
        assert!(a.report.findings[0].detail.as_deref().unwrap_or("").contains("sub.C"));
    }

    #[test]
    fn redefining_a_module_the_challenge_rests_on_is_refused() {
        // The submission's own `base` would replace the library's under the challenge.
        let a = audit(
            "redefine",
            "module base\nsort D\nfn s(d: D): Rat\nfn u(d: D): Rat\ntechnique T(d: D) {\n  assume a: s(d) = 92%\n  guarantee g: 90% <= s(d) := by linarith [a]\n  witness { s(d) = 23/25 }\n}\n",
        );
        assert_eq!(a.report.verdict, Verdict::Rejected);
        assert!(
            a.report
                .findings
                .iter()
                .any(|f| f.code == Code::Type && f.message.contains("redefines the trusted module `base`")),
            "{:?}",
            a.report.findings
        );
    }

    #[test]
    fn a_special_case_is_not_an_answer() {
        let a = audit(
            "special",
            &format!(
                "{HEAD}fn d0: D\ntechnique T(d: D) answers C(d0) {{\n  assume a: s(d0) = 92%\n  guarantee g: 90% <= s(d0) := by linarith [a]\n  witness {{ s(d0) = 23/25 }}\n}}\n"
            ),
        );
        assert!(codes(&a).contains(&Code::ChallengeUnmet), "{:?}", a.report.findings);
        assert!(a.report.findings.iter().any(|f| f.message.contains("special case")));
    }
}
