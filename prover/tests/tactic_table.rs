//! One accepted and one rejected script for every tactic, as a table. An accepted case
//! asserts the statement of the theorem the kernel checked; a rejected case asserts the
//! exact message, goal, hypotheses and the line of the failing step. The last
//! obligation of each case is the one under test (earlier ones are helpers and must be
//! proved).

use warrant_lang::render::line_col;
use warrant_lang::{load, Input, Options, Program};
use warrant_prover::{prove_program, Outcome, TacticLimits};

/// Declarations every case may use.
const PRELUDE: &str = r#"module test

sort Model
fn f(x: Rat): Rat
fn g(m: Model): Rat
pred good(m: Model)
axiom f_mono: forall a: Rat, b: Rat. a <= b -> f(a) <= f(b)
axiom g_prob: forall m: Model. 0 <= g(m) <= 1
def double(x: Rat): Rat = 2 * x
def is_prob(p: Rat): Prop = 0 <= p and p <= 1
def both_prob(p: Rat, q: Rat): Prop = is_prob(p) and is_prob(q)
rule double_eq: forall x: Rat. double(x) = x + x := by {
  intro x
  unfold double
  norm
}
"#;

enum Expect {
    /// The kernel checked the last obligation; its statement as printed.
    Proved(&'static str),
    /// The last obligation fails at `line` (of the case text, 1-based).
    Failed { line: usize, message: &'static str, goal: &'static str, hyps: &'static [&'static str] },
    /// A `sorry` at `line` stands for `goal`.
    Sorry { line: usize, goal: &'static str, hyps: &'static [&'static str] },
    /// A search bound was hit at `line`.
    Limit { line: usize, message: &'static str },
}

struct Case {
    name: &'static str,
    text: &'static str,
    expect: Expect,
}

fn program(text: &str) -> Program {
    let p = load(&[Input::Text { name: "test.wr".into(), text: text.into() }], &Options::default());
    let errors: Vec<String> = p.diagnostics.iter().map(|d| d.error.to_string()).collect();
    assert!(!p.has_errors(), "{errors:?}");
    p
}

fn run(case: &Case, limits: &TacticLimits) {
    run_text(case.name, case.text, &case.expect, limits)
}

fn run_text(name: &str, case_text: &str, expect: &Expect, limits: &TacticLimits) {
    let text = format!("{PRELUDE}{case_text}");
    let prelude_lines = PRELUDE.matches('\n').count();
    let p = program(&text);
    let outcomes = prove_program(&p, limits);
    let (last, helpers) = outcomes.split_last().expect("the case has an obligation");
    for (i, o) in helpers.iter().enumerate() {
        assert!(matches!(o, Outcome::Proved { .. }), "{}: helper obligation {i} is not proved: {o:?}", name);
    }
    let module = p.obligations.last().map(|o| o.module).unwrap_or_default();
    let line = |span: warrant_lang::Span| line_col(&text, span.start as usize).0 - prelude_lines;
    match (expect, last) {
        (Expect::Proved(statement), Outcome::Proved { theorem, .. }) => {
            assert_eq!(p.display_formula(module, theorem.conclusion()), *statement, "{}", name);
            assert!(theorem.hypotheses().is_empty(), "{}", name);
        }
        (Expect::Failed { line: l, message, goal, hyps }, Outcome::Failed(f)) => {
            assert!(!f.limit, "{}: {f:?}", name);
            assert_eq!(
                (line(f.span), f.message.as_str(), f.goal.as_str(), f.hypotheses.clone()),
                (*l, *message, *goal, hyps.iter().map(|h| h.to_string()).collect::<Vec<_>>()),
                "{}",
                name
            );
        }
        (Expect::Sorry { line: l, goal, hyps }, Outcome::Sorry(f)) => {
            assert_eq!(
                (line(f.span), f.message.as_str(), f.goal.as_str(), f.hypotheses.clone()),
                (*l, "sorry", *goal, hyps.iter().map(|h| h.to_string()).collect::<Vec<_>>()),
                "{}",
                name
            );
        }
        (Expect::Limit { line: l, message }, Outcome::Failed(f)) => {
            assert!(f.limit, "{}: {f:?}", name);
            assert_eq!((line(f.span), f.message.as_str()), (*l, *message), "{}", name);
        }
        (_, other) => panic!("{}: unexpected outcome {other:?}", name),
    }
}

use Expect::*;

const CASES: &[Case] = &[
    // intro
    Case {
        name: "intro accepted",
        text: "lemma t: forall x: Rat. x <= 1 -> x <= 1 := by {\n  intro x h\n  exact h\n}\n",
        expect: Proved("forall x: Rat. x <= 1 -> x <= 1"),
    },
    Case {
        name: "intro rejected: nothing to introduce",
        text: "lemma t: 1 <= 2 := by {\n  intro h\n  linarith\n}\n",
        expect: Failed { line: 2, message: "nothing to introduce", goal: "1 <= 2", hyps: &[] },
    },
    // have
    Case {
        name: "have accepted",
        text: "lemma t: forall x: Rat. 0 <= x -> 0 <= 2 * x := by {\n  intro x h\n  have d: 0 <= x + x by linarith\n  linarith [d]\n}\n",
        expect: Proved("forall x: Rat. 0 <= x -> 0 <= 2 * x"),
    },
    Case {
        name: "have rejected: its proof fails",
        text: "lemma t: forall x: Rat. 0 <= x -> 0 <= 2 * x := by {\n  intro x h\n  have d: 1 <= x by linarith\n  linarith [d]\n}\n",
        expect: Failed {
            line: 3,
            message: "linarith found no certificate for 1 <= x",
            goal: "1 <= x",
            hyps: &["h: 0 <= x"],
        },
    },
    // show
    Case {
        name: "show accepted",
        text: "lemma t: forall x: Rat. x = x := by {\n  intro x\n  show x = x\n  norm\n}\n",
        expect: Proved("forall x: Rat. x = x"),
    },
    Case {
        name: "show rejected: another goal",
        text: "lemma t: forall x: Rat. x = x := by {\n  intro x\n  show x = 0\n  norm\n}\n",
        expect: Failed { line: 3, message: "the goal is not x = 0", goal: "x = x", hyps: &[] },
    },
    // calc, mixing =, <= and <
    Case {
        name: "calc accepted",
        text: "lemma t: forall x: Rat. 0 < x -> x < 3 * x + 1 := by {\n  intro x h\n  calc x = x + 0 := by norm\n    _ <= 2 * x := by linarith\n    _ < 3 * x + 1 := by linarith\n}\n",
        expect: Proved("forall x: Rat. 0 < x -> x < 3 * x + 1"),
    },
    Case {
        name: "calc rejected: a step fails",
        text: "lemma t: forall x: Rat. 0 < x -> x < 3 * x + 1 := by {\n  intro x h\n  calc x = x + 0 := by norm\n    _ <= x - 1 := by linarith\n    _ < 3 * x + 1 := by linarith\n}\n",
        expect: Failed {
            line: 4,
            message: "linarith found no certificate for x + 0 <= x - 1",
            goal: "x + 0 <= x - 1",
            hyps: &["h: 0 < x"],
        },
    },
    // cases: conjunction, existential, disjunction
    Case {
        name: "cases accepted (disjunction)",
        text: "lemma t: forall x: Rat. x <= 0 or 1 <= x -> x <= 0 or 0 < x := by {\n  intro x h\n  cases h with\n    | a => { left\n exact a }\n    | b => { right\n linarith [b] }\n}\n",
        expect: Proved("forall x: Rat. x <= 0 or 1 <= x -> x <= 0 or 0 < x"),
    },
    Case {
        name: "cases accepted (existential)",
        text: "lemma t: (exists y: Rat. 1 <= y) -> exists z: Rat. 0 <= z := by {\n  intro h\n  cases h with w hw\n  exists w\n  linarith [hw]\n}\n",
        expect: Proved("(exists y: Rat. 1 <= y) -> (exists z: Rat. 0 <= z)"),
    },
    Case {
        name: "cases rejected: not a conjunction, existential or disjunction",
        text: "lemma t: forall x: Rat. x <= 1 -> x <= 1 := by {\n  intro x h\n  cases h\n}\n",
        expect: Failed {
            line: 3,
            message: "cases needs a conjunction, an existential or a disjunction",
            goal: "x <= 1",
            hyps: &["h: x <= 1"],
        },
    },
    // split
    Case {
        name: "split accepted",
        text: "lemma t: forall x: Rat. x = 1 -> 0 <= x and x <= 1 := by {\n  intro x h\n  split\n  linarith\n}\n",
        expect: Proved("forall x: Rat. x = 1 -> 0 <= x and x <= 1"),
    },
    Case {
        name: "split rejected: not a conjunction",
        text: "lemma t: forall x: Rat. x = 1 -> 0 <= x := by {\n  intro x h\n  split\n  linarith\n}\n",
        expect: Failed {
            line: 3,
            message: "split needs a conjunction or an equivalence",
            goal: "0 <= x",
            hyps: &["h: x = 1"],
        },
    },
    // left / right
    Case {
        name: "right accepted",
        text: "lemma t: forall x: Rat. x = 2 -> x <= 0 or 1 <= x := by {\n  intro x h\n  right\n  linarith\n}\n",
        expect: Proved("forall x: Rat. x = 2 -> x <= 0 or 1 <= x"),
    },
    Case {
        name: "left rejected: the wrong disjunct",
        text: "lemma t: forall x: Rat. x = 2 -> x <= 0 or 1 <= x := by {\n  intro x h\n  left\n  linarith\n}\n",
        expect: Failed {
            line: 4,
            message: "linarith found no certificate for x <= 0",
            goal: "x <= 0",
            hyps: &["h: x = 2"],
        },
    },
    // exists
    Case {
        name: "exists accepted",
        text: "lemma t: exists x: Rat. 2 * x = 1 := by {\n  exists 1/2\n  norm\n}\n",
        expect: Proved("exists x: Rat. 2 * x = 1"),
    },
    Case {
        name: "exists rejected: the witness does not work",
        text: "lemma t: exists x: Rat. 2 * x = 1 := by {\n  exists 1\n  norm\n}\n",
        expect: Failed {
            line: 3,
            message: "the normal forms differ: 2 versus 1",
            goal: "2 * 1 = 1",
            hyps: &[],
        },
    },
    // apply: an implication, and a fact under forall instantiated from the goal
    Case {
        name: "apply accepted (an axiom under forall, instantiated from the goal)",
        text: "lemma t: forall x: Rat. 0 <= x -> f(x) <= f(2 * x) := by {\n  intro x h\n  apply f_mono\n  linarith\n}\n",
        expect: Proved("forall x: Rat. 0 <= x -> f(x) <= f(2 * x)"),
    },
    Case {
        name: "apply accepted (a hypothesis under forall)",
        text: "lemma t: forall m: Model. (forall n: Model. good(n)) -> good(m) := by {\n  intro m h\n  apply h\n}\n",
        expect: Proved("forall m: Model. (forall n: Model. good(n)) -> good(m)"),
    },
    Case {
        name: "apply accepted (a lemma, instantiated by hand)",
        text: "lemma mono2: forall a: Rat, b: Rat, c: Rat. a <= b -> b <= c -> f(a) <= f(c) := by {\n  intro a b c h1 h2\n  apply f_mono\n  linarith\n}\nlemma t: f(0) <= f(2) := by {\n  apply mono2(0, 1, 2)\n  linarith\n}\n",
        expect: Proved("f(0) <= f(2)"),
    },
    Case {
        name: "apply rejected: a variable the goal does not determine",
        text: "lemma mono2: forall a: Rat, b: Rat, c: Rat. a <= b -> b <= c -> f(a) <= f(c) := by {\n  intro a b c h1 h2\n  apply f_mono\n  linarith\n}\nlemma t: f(0) <= f(2) := by {\n  apply mono2\n  linarith\n}\n",
        expect: Failed {
            line: 7,
            message: "apply cannot tell `b` from the goal; give it: apply name(terms for its variables)",
            goal: "f(0) <= f(2)",
            hyps: &[],
        },
    },
    Case {
        name: "apply rejected: the conclusion does not match",
        text: "lemma t: forall m: Model. g(m) <= 1 := by {\n  intro m\n  apply f_mono\n}\n",
        expect: Failed { line: 3, message: "the fact does not conclude the goal", goal: "g(m) <= 1", hyps: &[] },
    },
    // exact
    Case {
        name: "exact accepted (an instantiated axiom)",
        text: "lemma t: forall m: Model. 0 <= g(m) and g(m) <= 1 := by {\n  intro m\n  exact g_prob(m)\n}\n",
        expect: Proved("forall m: Model. 0 <= g(m) and g(m) <= 1"),
    },
    Case {
        name: "exact rejected: the fact proves something else",
        text: "lemma t: forall m: Model. 0 <= g(m) := by {\n  intro m\n  exact g_prob(m)\n}\n",
        expect: Failed {
            line: 3,
            message: "the fact proves 0 <= g(m) and g(m) <= 1, not the goal",
            goal: "0 <= g(m)",
            hyps: &[],
        },
    },
    // unfold: functions in terms, predicates anywhere in the formula
    Case {
        name: "unfold accepted (a function)",
        text: "lemma t: forall x: Rat. double(x) = x + x := by {\n  intro x\n  unfold double\n  norm\n}\n",
        expect: Proved("forall x: Rat. double(x) = x + x"),
    },
    Case {
        name: "unfold accepted (a predicate, under forall and ->)",
        text: "lemma t: forall p: Rat. is_prob(p) -> is_prob(1 - p) := by {\n  unfold is_prob\n  intro p h\n  cases h with lo hi\n  split\n  linarith\n}\n",
        expect: Proved("forall p: Rat. is_prob(p) -> is_prob(1 - p)"),
    },
    Case {
        name: "unfold accepted (nested predicate definitions, existential, negation)",
        text: "lemma t: (exists q: Rat. both_prob(q, double(q))) -> not (forall r: Rat. not is_prob(r)) := by {\n  unfold both_prob is_prob double\n  intro h k\n  cases h with q hq\n  cases hq with a c\n  have n: not (0 <= q and q <= 1) by exact k(q)\n  apply n\n  exact a\n}\n",
        expect: Proved("(exists q: Rat. both_prob(q, double(q))) -> not (forall r: Rat. not is_prob(r))"),
    },
    Case {
        name: "unfold rejected: not a definition",
        text: "lemma t: forall m: Model. 0 <= g(m) := by {\n  unfold g_prob\n  sorry\n}\n",
        expect: Failed { line: 2, message: "`g_prob` is not a definition", goal: "forall m: Model. 0 <= g(m)", hyps: &[] },
    },
    Case {
        name: "unfold rejected: the unfolded goal is not proved",
        text: "lemma t: forall p: Rat. is_prob(p) := by {\n  unfold is_prob\n  intro p\n  split\n  linarith\n}\n",
        expect: Failed {
            line: 5,
            message: "linarith found no certificate for 0 <= p",
            goal: "0 <= p",
            hyps: &[],
        },
    },
    // rewrite with rules (a rule lemma and a hypothesis)
    Case {
        name: "rewrite accepted",
        text: "lemma t: forall x: Rat, y: Rat. y = double(x) -> f(y) = f(x + x) := by {\n  intro x y h\n  rewrite [h, double_eq]\n}\n",
        expect: Proved("forall x: Rat. forall y: Rat. y = double(x) -> f(y) = f(x + x)"),
    },
    Case {
        name: "rewrite rejected: the rules do not make the sides equal",
        text: "lemma t: forall x: Rat. f(double(x)) = f(x) := by {\n  intro x\n  rewrite [double_eq]\n}\n",
        expect: Failed {
            line: 3,
            message: "rewriting could not show f(double(x)) = f(x): the rules saturated",
            goal: "f(double(x)) = f(x)",
            hyps: &[],
        },
    },
    // norm
    Case {
        name: "norm accepted",
        text: "lemma t: forall x: Rat. (x + 1) ^ 2 = x * x + 2 * x + 1 := by {\n  intro x\n  norm\n}\n",
        expect: Proved("forall x: Rat. (x + 1)^2 = x * x + 2 * x + 1"),
    },
    Case {
        name: "norm rejected",
        text: "lemma t: forall x: Rat. (x + 1) ^ 2 = x * x + 1 := by {\n  intro x\n  norm\n}\n",
        expect: Failed {
            line: 3,
            message: "the normal forms differ: 1 + 2 * x + x^2 versus 1 + x^2",
            goal: "(x + 1)^2 = x * x + 1",
            hyps: &[],
        },
    },
    // linarith with a hypothesis, an instantiated axiom and a lemma; chains split
    Case {
        name: "linarith accepted (hypothesis chain, instantiated axiom, lemma)",
        text: "lemma half: forall m: Model. g(m) / 2 <= 1/2 := by {\n  intro m\n  linarith [g_prob(m)]\n}\nlemma t: forall m: Model, x: Rat. 0 <= x <= g(m) -> x / 2 <= 1/2 := by {\n  intro m x h\n  linarith [h, half(m)]\n}\n",
        expect: Proved("forall m: Model. forall x: Rat. 0 <= x and x <= g(m) -> x / 2 <= 1/2"),
    },
    Case {
        name: "linarith rejected",
        text: "lemma t: forall m: Model. g(m) < 1 := by {\n  intro m\n  linarith [g_prob(m)]\n}\n",
        expect: Failed { line: 3, message: "linarith found no certificate for g(m) < 1", goal: "g(m) < 1", hyps: &[] },
    },
    // nlinarith
    Case {
        name: "nlinarith accepted",
        text: "lemma t: forall m: Model, x: Rat. 0 <= x -> x <= 1 -> x * g(m) <= 1 := by {\n  intro m x lo hi\n  nlinarith [g_prob(m)]\n}\n",
        expect: Proved("forall m: Model. forall x: Rat. 0 <= x -> x <= 1 -> x * g(m) <= 1"),
    },
    Case {
        name: "nlinarith rejected",
        text: "lemma t: forall x: Rat, y: Rat. x <= 1 -> y <= 1 -> x * y <= 1 := by {\n  intro x y a b\n  nlinarith\n}\n",
        expect: Failed {
            line: 3,
            message: "nlinarith found no certificate for x * y <= 1",
            goal: "x * y <= 1",
            hyps: &["a: x <= 1", "b: y <= 1"],
        },
    },
    // auto
    Case {
        name: "auto accepted",
        text: "lemma t: forall m: Model. g(m) * g(m) <= 1 := by {\n  intro m\n  auto [g_prob(m)]\n}\n",
        expect: Proved("forall m: Model. g(m) * g(m) <= 1"),
    },
    Case {
        name: "auto rejected",
        text: "lemma t: forall m: Model. g(m) <= 1/2 := by {\n  intro m\n  auto [g_prob(m)]\n}\n",
        expect: Failed {
            line: 3,
            message: "nlinarith found no certificate for g(m) <= 1/2",
            goal: "g(m) <= 1/2",
            hyps: &[],
        },
    },
    // sorry reports its goal and is never a proof
    Case {
        name: "sorry",
        text: "lemma t: forall x: Rat. x <= 1 -> x <= 2 := by {\n  intro x h\n  sorry\n}\n",
        expect: Sorry { line: 3, goal: "x <= 2", hyps: &["h: x <= 1"] },
    },
    Case {
        name: "goals left after the last tactic",
        text: "lemma t: forall x: Rat. x <= 1 -> x <= 2 := by {\n  intro x h\n}\n",
        expect: Failed {
            line: 1,
            message: "goals are left after the last tactic",
            goal: "x <= 2",
            hyps: &["h: x <= 1"],
        },
    },
];

#[test]
fn every_tactic_accepted_and_rejected() {
    // Every case runs; the failures are listed together.
    let failed: Vec<&str> = CASES
        .iter()
        .filter(|case| std::panic::catch_unwind(|| run(case, &TacticLimits::default())).is_err())
        .map(|case| case.name)
        .collect();
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

#[test]
fn a_bound_hit_names_the_bound() {
    let mut limits = TacticLimits::default();
    limits.arith.max_pivots = 1;
    run(
        &Case {
            name: "linarith pivots",
            text: "lemma t: forall x: Rat, y: Rat. x <= y -> y <= 1 -> x <= 1 := by {\n  intro x y a b\n  linarith\n}\n",
            expect: Limit { line: 3, message: "the search hit the bound `max_pivots` (1)" },
        },
        &limits,
    );
    let mut limits = TacticLimits::default();
    limits.rewrite.max_nodes = 3;
    run(
        &Case {
            name: "unfold nodes",
            text: "lemma t: forall x: Rat. double(double(x)) = 4 * x := by {\n  intro x\n  unfold double\n  norm\n}\n",
            expect: Limit { line: 3, message: "the search hit the bound `max_nodes` (3)" },
        },
        &limits,
    );
}

#[test]
fn unfolding_that_would_explode_hits_the_node_bound() {
    // `sq` nested 40 deep unfolds to a term of 2^40 leaves (shared in memory): the
    // measure stops at `max_nodes` before anything walks the whole term.
    let nested = (0..40).fold("x".to_string(), |t, _| format!("sq({t})"));
    let text = format!(
        "def sq(x: Rat): Rat = x * x\nlemma t: forall x: Rat. {nested} = {nested} := by {{\n  intro x\n  unfold sq\n  norm\n}}\n"
    );
    let expect = Limit { line: 4, message: "the search hit the bound `max_nodes` (10000)" };
    run_text("exploding unfold", &text, &expect, &TacticLimits::default());
}
