//! Export of checked proofs to Coq 8.16, so that an independent proof assistant
//! re-checks every theorem warrant accepts.
//!
//! **This module is not part of the trusted base.** A bug here can only make `coqc`
//! reject a correct export (or, at worst, export a statement other than the one we
//! proved, which the reader of the `.v` file can see); it can never make the kernel
//! accept anything. Every proof is checked by [`crate::check()`] before it is exported.
//!
//! # What is exported
//!
//! A [`Exporter`] turns a [`Signature`], the proof objects of the signature's
//! theorems and any number of [`Technique`]s into one Coq module (a `.v` file) over
//! `QArith`, inside `Section Signature`:
//! - a sort `S` ↦ `Variable S'S : Type.` and `Variable inhabitant'S : S'S.` (first-order
//!   logic takes every sort to be inhabited; Coq does not);
//! - a function or predicate symbol ↦ a `Variable` (see "Rationals" for those with
//!   `Rat` arguments) and a proved congruence lemma `cong'f`;
//! - a definition ↦ a Coq `Definition` and a lemma `unfold'd` (its defining equation,
//!   proved by `reflexivity`: definitions add nothing to the trust base);
//! - an axiom ↦ `Hypothesis ax'a : φ.` Every axiom appears, so that `Print Assumptions`
//!   shows exactly what a lemma rests on;
//! - a theorem ↦ `Lemma thm'a : φ.` whose proof replays the theorem's proof object;
//! - a technique ↦ a nested `Section`: its variables as `Variable`s, its assumptions as
//!   `Hypothesis h'…`, each guarantee as a `Lemma g'T'name`.
//!
//! # How a proof object is replayed
//!
//! Only the steps the last step depends on are exported (exactly the steps the kernel
//! counts for the trust base). Step `i`, proving `Γᵢ ⊢ φᵢ` with free variables `x̄`, is
//! `assert (sI : forall x̄, γ₁ -> … -> γₙ -> φᵢ)` where `γ₁ … γₙ` are `Γᵢ` in the
//! kernel's order, proved by an explicit proof term built from the premises `sJ`:
//! `conj`, `proj1`, `or_ind`, `ex_intro`, `ex_ind`, application and abstraction for
//! the natural-deduction rules; `eq_trans`, `eq_sym`, `f_equal (fun h => C[h])` and
//! `eq_ind` for equality at declared sorts; `Qeq_trans`, `Qeq_sym` and explicit
//! congruence terms (`w_add_cong`, `cong'f`, `w_all_cong`, …, one per node of the
//! context that contains the hole) for equality at `Rat`. A premise whose variable is
//! not in scope is instantiated with the sort's inhabitant (`0` at `Rat`).
//!
//! Arithmetic: `ring a b` ↦ `ring`. A `psatz` certificate ↦ one `pose proof` per fact
//! (`0 <= b - a`, `0 < b - a` or `b - a == 0`), per product (signs multiplied with
//! `Qmult_le_0_compat` / `Qmult_lt_0_compat`), per square (`w_sq_nonneg`), a sum built
//! with `w_add_nn` / `w_add_pl` / `w_add_pr`, then `assert (e : (b - a) - S == k) by
//! ring` with the constant `k` computed here, closed by a lemma such as `w_goal_le`
//! whose numeral side condition (`Qle_bool 0 k = true`) is decided by `eq_refl`. No
//! step calls Coq's own search (`lra`, `nra`, `psatz`, `auto`, `tauto`).
//!
//! `le-total` uses `Qlt_le_dec` (no axiom: the order of ℚ is decidable). Only
//! `excluded-middle` needs `Require Import Classical`, which adds the axiom `classic`
//! to what `Print Assumptions` lists. It is logic, not a trust-base axiom: the kernel
//! is classical. A module imports `Classical` only when an exported proof uses it.
//!
//! # Rationals: `Q` modulo `==`
//!
//! The built-in sort `Rat` is Coq's `Q`, and the kernel's `=` at `Rat` is `Qeq`
//! (`==`), because `=` on `Q` is syntactic (`1#2 <> 2#4`) and `ring` proves `==`.
//! (`Qc`, canonical rationals with Leibniz `=`, was tried: `Qcanon` declares its field
//! without constants, so `ring` cannot compute with literals like `Q2Qc (1#2)`.)
//! `a / c` (a nonzero literal `c`) is written `a * (1/c)`, because `ring` on `Q` does
//! not handle `Qdiv`; `a ^ n` is `Qpower a n`.
//!
//! Working modulo `==` needs every symbol to respect `==`. Rather than assume that
//! (which would add hypotheses to every trust base), an uninterpreted symbol with
//! `Rat` arguments is a `Variable r'f` over canonical representatives, and `f'f` is
//! `r'f` applied to `Qred` of its `Rat` arguments: `cong'f` is then a lemma
//! (`Qred_complete`). This is faithful: functions on ℚ are exactly functions on
//! canonical representatives. Symbols without `Rat` arguments are plain `Variable`s.
//!
//! # Names
//!
//! Kernel names may contain any character. [`mangle`] keeps ASCII letters and digits,
//! writes `_` as `__`, `.` as `_'` and any other character as `_x<hex>_`; it is
//! injective and [`demangle`] inverts it. Each kind of name gets a prefix ending in `'`
//! (`S'`, `f'`, `p'`, `r'`, `ax'`, `thm'`, `unfold'`, `cong'`, `v'`, `h'`, `g'`), which
//! no Coq library name has, so exported names never shadow the library. A variable
//! `x: Rat` is `v'x`, a variable `x: S` is `v'x'S`.
//!
//! # Cost
//!
//! Measured on the development machine (2 cores, shared) with
//! `cargo test --release -p warrant-kernel --test coq_export -- --ignored --nocapture timing`:
//! 40 generated theorems (392 steps: equality chains with congruence, ring identities
//! up to degree 11, linear and product certificates, natural deduction) take 3.5 ms in
//! the kernel and 9.9 s in `coqc` (the prelude compiled beforehand), about 2,800 times
//! longer; exporting them takes 37 ms.
//!
//! # Projects
//!
//! [`write_project`] writes `Prelude.v` (the `w_…` lemmas, all proved, axiom-free), the
//! modules, a `_CoqProject` (`-R . Warrant`) and a `Makefile` made by `coq_makefile`
//! (or an equivalent one when `coq_makefile` is missing): `make -C DIR` checks
//! everything. [`parse_assumptions`] reads the `Print Assumptions` output that
//! [`Options::print_assumptions`] asks for.

use crate::check::{check, Context};
use crate::error::KernelError;
use crate::proof::{Product, Proof, Square, Step, StepId};
use crate::rat::Rat;
use crate::signature::{Declaration, FactKind, Signature, Symbol};
use crate::term::{free_variables, open_formula, open_term, Formula, Name, Sort, Term};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// The logical name of an exported project (`From Warrant Require Import Prelude.`).
pub const LOGICAL_ROOT: &str = "Warrant";

/// Deepest term or formula the exporter prints: it recurses on them, so this bounds
/// its stack. The kernel's default `max_depth` (2,000) is below it, so every proof
/// checked with default limits can be exported; a deeper one is an error, not a crash.
const MAX_PRINT_DEPTH: usize = 2_500;

/// The stack of the thread an export runs on (reserved, not committed, memory).
const EXPORT_STACK: usize = 256 << 20;

/// The prelude every exported module starts from: `QArith`, and lemmas the replayed
/// proofs cite. All are proved here; `Print Assumptions` of each is empty.
pub const PRELUDE: &str = r#"(* warrant's Coq prelude: lemmas the exported proofs cite. Generated; axiom-free. *)
Require Export QArith Qfield.
Open Scope Q_scope.

Lemma w_eq_qeq : forall x y : Q, x = y -> x == y.
Proof. intros x y e. rewrite e. apply Qeq_refl. Qed.
Lemma w_iff_mp : forall A B : Prop, (A <-> B) -> A -> B.
Proof. intros A B h a. exact (proj1 h a). Qed.
Lemma w_iff_mpr : forall A B : Prop, (A <-> B) -> B -> A.
Proof. intros A B h b. exact (proj2 h b). Qed.
Lemma w_iff_fwd : forall A B : Prop, (A <-> B) -> A -> B.
Proof. intros A B h. exact (proj1 h). Qed.
Lemma w_iff_bwd : forall A B : Prop, (A <-> B) -> B -> A.
Proof. intros A B h. exact (proj2 h). Qed.
Lemma w_iff_intro : forall A B : Prop, (A -> B) -> (B -> A) -> (A <-> B).
Proof. intros A B f g. exact (conj f g). Qed.

Lemma w_add_cong : forall x x' y y' : Q, x == x' -> y == y' -> x + y == x' + y'.
Proof. intros x x' y y' e f. rewrite e, f. apply Qeq_refl. Qed.
Lemma w_sub_cong : forall x x' y y' : Q, x == x' -> y == y' -> x - y == x' - y'.
Proof. intros x x' y y' e f. rewrite e, f. apply Qeq_refl. Qed.
Lemma w_mul_cong : forall x x' y y' : Q, x == x' -> y == y' -> x * y == x' * y'.
Proof. intros x x' y y' e f. rewrite e, f. apply Qeq_refl. Qed.
Lemma w_opp_cong : forall x x' : Q, x == x' -> - x == - x'.
Proof. intros x x' e. rewrite e. apply Qeq_refl. Qed.
Lemma w_pow_cong : forall (x x' : Q) (n : Z), x == x' -> x ^ n == x' ^ n.
Proof. intros x x' n e. rewrite e. apply Qeq_refl. Qed.

Lemma w_qeq_cong : forall x x' y y' : Q, x == x' -> y == y' -> (x == y <-> x' == y').
Proof. intros x x' y y' e f. rewrite e, f. apply iff_refl. Qed.
Lemma w_eq_cong : forall (A : Type) (x x' y y' : A), x = x' -> y = y' -> (x = y <-> x' = y').
Proof. intros A x x' y y' e f. rewrite e, f. apply iff_refl. Qed.
Lemma w_le_cong : forall x x' y y' : Q, x == x' -> y == y' -> (x <= y <-> x' <= y').
Proof. intros x x' y y' e f. rewrite e, f. apply iff_refl. Qed.
Lemma w_lt_cong : forall x x' y y' : Q, x == x' -> y == y' -> (x < y <-> x' < y').
Proof. intros x x' y y' e f. rewrite e, f. apply iff_refl. Qed.
Lemma w_not_cong : forall A A' : Prop, (A <-> A') -> (~ A <-> ~ A').
Proof. intros A A' h. split; intros n a; apply n; apply h; exact a. Qed.
Lemma w_and_cong : forall A A' B B' : Prop, (A <-> A') -> (B <-> B') -> (A /\ B <-> A' /\ B').
Proof. intros A A' B B' h k. split; intros [a b]; split; (apply h || apply k); assumption. Qed.
Lemma w_or_cong : forall A A' B B' : Prop, (A <-> A') -> (B <-> B') -> (A \/ B <-> A' \/ B').
Proof. intros A A' B B' h k. split; (intros [a | b]; [left; apply h | right; apply k]; assumption). Qed.
Lemma w_imp_cong : forall A A' B B' : Prop, (A <-> A') -> (B <-> B') -> ((A -> B) <-> (A' -> B')).
Proof. intros A A' B B' h k. split; intros f a; apply k; apply f; apply h; exact a. Qed.
Lemma w_iff_cong : forall A A' B B' : Prop, (A <-> A') -> (B <-> B') -> ((A <-> B) <-> (A' <-> B')).
Proof.
  intros A A' B B' h k. split; intros f; split; intros a;
  (apply k || apply h); apply f; (apply k || apply h); exact a.
Qed.
Lemma w_all_cong : forall (A : Type) (P P' : A -> Prop),
  (forall x, P x <-> P' x) -> ((forall x, P x) <-> (forall x, P' x)).
Proof. intros A P P' h. split; intros f x; apply h; apply f. Qed.
Lemma w_ex_cong : forall (A : Type) (P P' : A -> Prop),
  (forall x, P x <-> P' x) -> ((exists x, P x) <-> (exists x, P' x)).
Proof. intros A P P' h. split; intros [x p]; exists x; apply h; exact p. Qed.

Lemma w_le_total : forall a b : Q, a <= b \/ b < a.
Proof. intros a b. destruct (Qlt_le_dec b a) as [h | h]; [right | left]; exact h. Qed.
Lemma w_le_sub : forall a b : Q, a <= b -> 0 <= b - a.
Proof. intros a b h. apply Qle_minus_iff in h. exact h. Qed.
Lemma w_lt_sub : forall a b : Q, a < b -> 0 < b - a.
Proof. intros a b h. apply Qlt_minus_iff in h. exact h. Qed.
Lemma w_eq_sub : forall a b : Q, a == b -> b - a == 0.
Proof. intros a b h. rewrite h. ring. Qed.
Lemma w_one_pos : 0 < 1.
Proof. exact eq_refl. Qed.
Lemma w_weak : forall x : Q, 0 < x -> 0 <= x.
Proof. intros x h. apply Qlt_le_weak. exact h. Qed.
Lemma w_mul_zero_l : forall x y : Q, x == 0 -> x * y == 0.
Proof. intros x y h. rewrite h. ring. Qed.
Lemma w_mul_zero_r : forall x y : Q, y == 0 -> x * y == 0.
Proof. intros x y h. rewrite h. ring. Qed.
Lemma w_zero_nn : forall x : Q, x == 0 -> 0 <= x.
Proof. intros x h. rewrite h. apply Qle_refl. Qed.
Lemma w_sq_nonneg : forall x : Q, 0 <= x * x.
Proof.
  intros x. destruct (Qlt_le_dec x 0) as [h | h].
  - setoid_replace (x * x) with ((- x) * (- x)) by ring.
    apply Qmult_le_0_compat; apply Qlt_le_weak; apply Qlt_minus_iff in h;
    setoid_replace (- x) with (0 + - x) by ring; exact h.
  - apply Qmult_le_0_compat; exact h.
Qed.
Lemma w_add_nn : forall x y : Q, 0 <= x -> 0 <= y -> 0 <= x + y.
Proof. intros x y h k. setoid_replace 0 with (0 + 0) by ring. apply Qplus_le_compat; assumption. Qed.
Lemma w_add_pl : forall x y : Q, 0 < x -> 0 <= y -> 0 < x + y.
Proof. intros x y h k. setoid_replace 0 with (0 + 0) by ring. apply Qplus_lt_le_compat; assumption. Qed.
Lemma w_add_pr : forall x y : Q, 0 <= x -> 0 < y -> 0 < x + y.
Proof. intros x y h k. setoid_replace (x + y) with (y + x) by ring. apply w_add_pl; assumption. Qed.
Lemma w_nonneg_num : forall c : Q, Qle_bool 0 c = true -> 0 <= c.
Proof. intros c h. apply Qle_bool_imp_le. exact h. Qed.
Lemma w_nonpos_num : forall c : Q, Qle_bool c 0 = true -> c <= 0.
Proof. intros c h. apply Qle_bool_imp_le. exact h. Qed.
Lemma w_pos_num : forall c : Q, Qle_bool c 0 = false -> 0 < c.
Proof. intros c h. apply Qnot_le_lt. intros k. apply Qle_bool_iff in k. rewrite k in h. discriminate h. Qed.
Lemma w_neg_num : forall c : Q, Qle_bool 0 c = false -> c < 0.
Proof. intros c h. apply Qnot_le_lt. intros k. apply Qle_bool_iff in k. rewrite k in h. discriminate h. Qed.
Lemma w_contra_nn : forall s k : Q, 0 <= s -> s == k -> k < 0 -> False.
Proof. intros s k h e n. rewrite e in h. apply (Qlt_not_le k 0 n h). Qed.
Lemma w_contra_p : forall s k : Q, 0 < s -> s == k -> k <= 0 -> False.
Proof. intros s k h e n. rewrite e in h. apply (Qle_not_lt k 0 n h). Qed.
Lemma w_goal_le : forall a b s k : Q, 0 <= s -> b - a - s == k -> 0 <= k -> a <= b.
Proof.
  intros a b s k h e n. apply Qle_minus_iff.
  setoid_replace (b + - a) with (s + k) by (rewrite <- e; ring).
  apply w_add_nn; assumption.
Qed.
Lemma w_goal_lt_k : forall a b s k : Q, 0 <= s -> b - a - s == k -> 0 < k -> a < b.
Proof.
  intros a b s k h e n. apply Qlt_minus_iff.
  setoid_replace (b + - a) with (s + k) by (rewrite <- e; ring).
  apply w_add_pr; assumption.
Qed.
Lemma w_goal_lt_s : forall a b s k : Q, 0 < s -> b - a - s == k -> 0 <= k -> a < b.
Proof.
  intros a b s k h e n. apply Qlt_minus_iff.
  setoid_replace (b + - a) with (s + k) by (rewrite <- e; ring).
  apply w_add_pl; assumption.
Qed.
"#;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The kernel rejected a proof the exporter was asked to export.
    #[error("the kernel rejects {what}: {error}")]
    Kernel {
        /// Which proof.
        what: String,
        /// The kernel's reason.
        error: KernelError,
    },
    /// The signature has a theorem whose proof object was not given.
    #[error("no proof object was given for the theorem `{theorem}`")]
    MissingProof {
        /// The theorem.
        theorem: String,
    },
    /// A checked proof does not prove what it was said to prove.
    #[error("{what}")]
    Mismatch {
        /// What differs.
        what: String,
    },
    /// A proof object (only possible for unchecked exports) or a term that the
    /// exporter cannot translate.
    #[error("cannot translate step {step}: {reason}")]
    Malformed {
        /// The step's index, if any.
        step: usize,
        /// Why.
        reason: String,
    },
    /// A module name that is not a Coq identifier, or a duplicate one.
    #[error("`{name}` cannot name a Coq module: {reason}")]
    ModuleName {
        /// The name.
        name: String,
        /// Why not.
        reason: &'static str,
    },
    /// Writing a project failed.
    #[error("writing the Coq project: {0}")]
    Io(#[from] std::io::Error),
}

fn malformed(step: usize, reason: impl Into<String>) -> ExportError {
    ExportError::Malformed { step, reason: reason.into() }
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/// Turns a kernel name into the body of a Coq identifier, injectively: ASCII letters
/// and digits stay, `_` becomes `__`, `.` becomes `_'`, any other character `c`
/// becomes `_x<hex of c>_`.
pub fn mangle(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '_' => out.push_str("__"),
            '.' => out.push_str("_'"),
            other => {
                let _ = write!(out, "_x{:x}_", other as u32);
            }
        }
    }
    out
}

/// The inverse of [`mangle`]; `None` when `s` is not a mangled name.
pub fn demangle(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '_' => match chars.next()? {
                '_' => out.push('_'),
                '\'' => out.push('.'),
                'x' => {
                    let mut hex = String::new();
                    loop {
                        match chars.next()? {
                            '_' => break,
                            h => hex.push(h),
                        }
                    }
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code)?);
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    Some(out)
}

/// The Coq identifier of a sort.
pub fn sort_ident(s: &Sort) -> String {
    match s {
        Sort::Rat => "Q".to_string(),
        Sort::Named(n) => format!("S'{}", mangle(n)),
    }
}

fn inhabitant(s: &Sort) -> String {
    match s {
        Sort::Rat => "(0#1)".to_string(),
        Sort::Named(n) => format!("inhabitant'{}", mangle(n)),
    }
}

/// The Coq identifier of a free variable.
pub fn var_ident(n: &str, s: &Sort) -> String {
    match s {
        Sort::Rat => format!("v'{}", mangle(n)),
        Sort::Named(sn) => format!("v'{}'{}", mangle(n), mangle(sn)),
    }
}

/// The Coq name of a free variable bound inside a proof (`l'x`), apart from the
/// section's `Variable v'x`, so that `intros` never clashes with it.
fn local_ident(n: &str, s: &Sort) -> String {
    format!("l{}", &var_ident(n, s)[1..])
}

/// The Coq identifier of a function symbol (declared or defined).
pub fn function_ident(n: &str) -> String {
    format!("f'{}", mangle(n))
}

/// The Coq identifier of a predicate symbol (declared or defined).
pub fn predicate_ident(n: &str) -> String {
    format!("p'{}", mangle(n))
}

/// The Coq identifier of an axiom (a section `Hypothesis`).
pub fn axiom_ident(n: &str) -> String {
    format!("ax'{}", mangle(n))
}

/// The Coq identifier of a signature theorem (a `Lemma`).
pub fn theorem_ident(n: &str) -> String {
    format!("thm'{}", mangle(n))
}

/// The Coq identifier of a technique's assumption (a section `Hypothesis`).
pub fn hypothesis_ident(n: &str) -> String {
    format!("h'{}", mangle(n))
}

/// The Coq identifier of a technique's guarantee (a `Lemma`).
pub fn guarantee_ident(technique: &str, n: &str) -> String {
    format!("g'{}'{}", mangle(technique), mangle(n))
}

fn unfold_ident(n: &str) -> String {
    format!("unfold'{}", mangle(n))
}

fn cong_ident(n: &str) -> String {
    format!("cong'{}", mangle(n))
}

fn raw_ident(n: &str) -> String {
    format!("r'{}", mangle(n))
}

fn binder_ident(depth: usize, hint: &str) -> String {
    format!("b{depth}_{}", mangle(hint))
}

fn numeral(r: &Rat) -> String {
    let r = r.to_big();
    format!("({}#{})", r.numer(), r.denom())
}

// ---------------------------------------------------------------------------
// Printing terms and formulas
// ---------------------------------------------------------------------------

/// How free variables print while a formula is printed.
#[derive(Clone, Default)]
struct Scope {
    /// Every free variable prints as its identifier (statements at section level).
    all: bool,
    /// Variables in scope print as their identifier; others as the sort's inhabitant.
    vars: HashSet<(Name, Sort)>,
    /// Variables that print as given text (congruence sides).
    subst: BTreeMap<(Name, Sort), String>,
    /// Hypotheses in scope: formula ↦ Coq name.
    hyps: BTreeMap<Formula, String>,
}

impl Scope {
    fn everything() -> Scope {
        Scope { all: true, ..Scope::default() }
    }

    fn var(&self, n: &Name, s: &Sort) -> String {
        let key = (n.clone(), s.clone());
        if let Some(t) = self.subst.get(&key) {
            return t.clone();
        }
        if self.all {
            var_ident(n, s)
        } else if self.vars.contains(&key) {
            local_ident(n, s)
        } else {
            inhabitant(s)
        }
    }
}

/// Bound variables in scope: Coq name and sort, innermost last.
type Env = Vec<(String, Sort)>;

struct Printer<'a> {
    sig: &'a Signature,
}

impl Printer<'_> {
    fn sort_of(&self, t: &Term, env: &Env) -> Result<Sort, ExportError> {
        match t {
            Term::Bound(i) => {
                let i = *i as usize;
                env.len()
                    .checked_sub(i + 1)
                    .map(|k| env[k].1.clone())
                    .ok_or_else(|| malformed(0, format!("dangling bound variable {i}")))
            }
            Term::Free(_, s) => Ok(s.clone()),
            Term::App(f, _) => match self.sig.symbol(f) {
                Some(Symbol::Function { result, .. }) => Ok(result.clone()),
                _ => Err(malformed(0, format!("`{f}` is not a function symbol"))),
            },
            _ => Ok(Sort::Rat),
        }
    }

    fn term(&self, t: &Term, env: &Env, sc: &Scope) -> Result<String, ExportError> {
        let mut out = String::new();
        self.term_into(t, env, sc, &mut out, 0)?;
        Ok(out)
    }

    fn term_into(
        &self,
        t: &Term,
        env: &Env,
        sc: &Scope,
        out: &mut String,
        depth: usize,
    ) -> Result<(), ExportError> {
        if depth > MAX_PRINT_DEPTH {
            return Err(malformed(0, "a term is nested too deeply to print"));
        }
        let d = depth + 1;
        match t {
            Term::Bound(i) => {
                let i = *i as usize;
                let k = env
                    .len()
                    .checked_sub(i + 1)
                    .ok_or_else(|| malformed(0, format!("dangling bound variable {i}")))?;
                out.push_str(&env[k].0);
            }
            Term::Free(n, s) => out.push_str(&sc.var(n, s)),
            Term::Num(r) => out.push_str(&numeral(r)),
            Term::App(f, args) => {
                if args.is_empty() {
                    out.push_str(&function_ident(f));
                } else {
                    out.push('(');
                    out.push_str(&function_ident(f));
                    for a in args.iter() {
                        out.push(' ');
                        self.term_into(a, env, sc, out, d)?;
                    }
                    out.push(')');
                }
            }
            Term::Neg(a) => {
                out.push_str("(- ");
                self.term_into(a, env, sc, out, d)?;
                out.push(')');
            }
            Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => {
                let op = match t {
                    Term::Add(..) => " + ",
                    Term::Sub(..) => " - ",
                    _ => " * ",
                };
                out.push('(');
                self.term_into(a, env, sc, out, d)?;
                out.push_str(op);
                self.term_into(b, env, sc, out, d)?;
                out.push(')');
            }
            Term::Div(a, c) => {
                let inv = c.recip().ok_or_else(|| malformed(0, "division by zero"))?;
                out.push('(');
                self.term_into(a, env, sc, out, d)?;
                out.push_str(" * ");
                out.push_str(&numeral(&inv));
                out.push(')');
            }
            Term::Pow(a, n) => {
                out.push('(');
                self.term_into(a, env, sc, out, d)?;
                let _ = write!(out, " ^ {n})");
            }
        }
        Ok(())
    }

    fn formula(&self, f: &Formula, env: &mut Env, sc: &Scope) -> Result<String, ExportError> {
        let mut out = String::new();
        self.formula_into(f, env, sc, &mut out, 0)?;
        Ok(out)
    }

    fn formula_into(
        &self,
        f: &Formula,
        env: &mut Env,
        sc: &Scope,
        out: &mut String,
        depth: usize,
    ) -> Result<(), ExportError> {
        if depth > MAX_PRINT_DEPTH {
            return Err(malformed(0, "a formula is nested too deeply to print"));
        }
        let d = depth + 1;
        match f {
            Formula::True => out.push_str("True"),
            Formula::False => out.push_str("False"),
            Formula::Eq(a, b) | Formula::Le(a, b) | Formula::Lt(a, b) => {
                let op = match f {
                    Formula::Eq(..) => {
                        if self.sort_of(a, env)? == Sort::Rat {
                            " == "
                        } else {
                            " = "
                        }
                    }
                    Formula::Le(..) => " <= ",
                    _ => " < ",
                };
                out.push('(');
                self.term_into(a, env, sc, out, d)?;
                out.push_str(op);
                self.term_into(b, env, sc, out, d)?;
                out.push(')');
            }
            Formula::Pred(p, args) => {
                if args.is_empty() {
                    out.push_str(&predicate_ident(p));
                } else {
                    out.push('(');
                    out.push_str(&predicate_ident(p));
                    for a in args.iter() {
                        out.push(' ');
                        self.term_into(a, env, sc, out, d)?;
                    }
                    out.push(')');
                }
            }
            Formula::Not(a) => {
                out.push_str("(~ ");
                self.formula_into(a, env, sc, out, d)?;
                out.push(')');
            }
            Formula::And(a, b) | Formula::Or(a, b) | Formula::Implies(a, b) | Formula::Iff(a, b) => {
                let op = match f {
                    Formula::And(..) => " /\\ ",
                    Formula::Or(..) => " \\/ ",
                    Formula::Implies(..) => " -> ",
                    _ => " <-> ",
                };
                out.push('(');
                self.formula_into(a, env, sc, out, d)?;
                out.push_str(op);
                self.formula_into(b, env, sc, out, d)?;
                out.push(')');
            }
            Formula::Forall(h, s, body) | Formula::Exists(h, s, body) => {
                let q = if matches!(f, Formula::Forall(..)) { "forall" } else { "exists" };
                let b = binder_ident(env.len(), &h.0);
                let _ = write!(out, "({q} {b} : {}, ", sort_ident(s));
                env.push((b, s.clone()));
                let r = self.formula_into(body, env, sc, out, d);
                env.pop();
                r?;
                out.push(')');
            }
        }
        Ok(())
    }

    /// `fun (b : S) => body` for a binder body.
    fn lambda(
        &self,
        hint: &str,
        s: &Sort,
        body: &Formula,
        env: &mut Env,
        sc: &Scope,
    ) -> Result<String, ExportError> {
        let b = binder_ident(env.len(), hint);
        env.push((b.clone(), s.clone()));
        let r = self.formula(body, env, sc);
        env.pop();
        Ok(format!("(fun ({b} : {}) => {})", sort_ident(s), r?))
    }

    fn refl(&self, t: &Term, env: &Env, sc: &Scope) -> Result<String, ExportError> {
        let text = self.term(t, env, sc)?;
        Ok(if self.sort_of(t, env)? == Sort::Rat {
            format!("(Qeq_refl {text})")
        } else {
            format!("(@eq_refl {} {text})", sort_ident(&self.sort_of(t, env)?))
        })
    }

    // -----------------------------------------------------------------------
    // Congruence: explicit proofs that a term (formula) respects `==`/`=` (`<->`)
    // when some free variables vary. `Some(proof)` of `t[left] ~ t[right]`, `None`
    // when no varying variable occurs.
    // -----------------------------------------------------------------------

    fn cong_term(&self, t: &Term, env: &Env, cg: &Cong, depth: usize) -> Result<Option<String>, ExportError> {
        if depth > MAX_PRINT_DEPTH {
            return Err(malformed(0, "a term is nested too deeply"));
        }
        let d = depth + 1;
        let refl_or = |p: Option<String>, t: &Term| -> Result<String, ExportError> {
            match p {
                Some(p) => Ok(p),
                None => self.refl(t, env, &cg.left),
            }
        };
        match t {
            Term::Free(n, s) => Ok(cg.proofs.get(&(n.clone(), s.clone())).cloned()),
            Term::Bound(_) | Term::Num(_) => Ok(None),
            Term::Neg(a) => Ok(self.cong_term(a, env, cg, d)?.map(|p| format!("(w_opp_cong _ _ {p})"))),
            Term::Pow(a, _) => Ok(self.cong_term(a, env, cg, d)?.map(|p| format!("(w_pow_cong _ _ _ {p})"))),
            Term::Div(a, c) => {
                let inv = c.recip().ok_or_else(|| malformed(0, "division by zero"))?;
                Ok(self
                    .cong_term(a, env, cg, d)?
                    .map(|p| format!("(w_mul_cong _ _ _ _ {p} (Qeq_refl {}))", numeral(&inv))))
            }
            Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => {
                let (pa, pb) = (self.cong_term(a, env, cg, d)?, self.cong_term(b, env, cg, d)?);
                if pa.is_none() && pb.is_none() {
                    return Ok(None);
                }
                let lemma = match t {
                    Term::Add(..) => "w_add_cong",
                    Term::Sub(..) => "w_sub_cong",
                    _ => "w_mul_cong",
                };
                Ok(Some(format!("({lemma} _ _ _ _ {} {})", refl_or(pa, a)?, refl_or(pb, b)?)))
            }
            Term::App(f, args) => {
                let mut proofs = Vec::with_capacity(args.len());
                for a in args.iter() {
                    proofs.push(self.cong_term(a, env, cg, d)?);
                }
                if proofs.iter().all(Option::is_none) {
                    return Ok(None);
                }
                let mut out = format!("({}", cong_ident(f));
                for _ in 0..2 * args.len() {
                    out.push_str(" _");
                }
                for (p, a) in proofs.into_iter().zip(args.iter()) {
                    out.push(' ');
                    out.push_str(&refl_or(p, a)?);
                }
                out.push(')');
                Ok(Some(out))
            }
        }
    }

    fn cong_formula(
        &self,
        f: &Formula,
        env: &mut Env,
        cg: &Cong,
        depth: usize,
    ) -> Result<Option<String>, ExportError> {
        if depth > MAX_PRINT_DEPTH {
            return Err(malformed(0, "a formula is nested too deeply"));
        }
        let d = depth + 1;
        match f {
            Formula::True | Formula::False => Ok(None),
            Formula::Eq(a, b) | Formula::Le(a, b) | Formula::Lt(a, b) => {
                let (pa, pb) = (self.cong_term(a, env, cg, d)?, self.cong_term(b, env, cg, d)?);
                if pa.is_none() && pb.is_none() {
                    return Ok(None);
                }
                let lemma = match f {
                    Formula::Eq(..) if self.sort_of(a, env)? == Sort::Rat => "w_qeq_cong",
                    Formula::Eq(..) => "w_eq_cong _",
                    Formula::Le(..) => "w_le_cong",
                    _ => "w_lt_cong",
                };
                let pa = match pa {
                    Some(p) => p,
                    None => self.refl(a, env, &cg.left)?,
                };
                let pb = match pb {
                    Some(p) => p,
                    None => self.refl(b, env, &cg.left)?,
                };
                Ok(Some(format!("({lemma} _ _ _ _ {pa} {pb})")))
            }
            Formula::Pred(p, args) => {
                let mut proofs = Vec::with_capacity(args.len());
                for a in args.iter() {
                    proofs.push(self.cong_term(a, env, cg, d)?);
                }
                if proofs.iter().all(Option::is_none) {
                    return Ok(None);
                }
                let mut out = format!("({}", cong_ident(p));
                for _ in 0..2 * args.len() {
                    out.push_str(" _");
                }
                for (pr, a) in proofs.into_iter().zip(args.iter()) {
                    out.push(' ');
                    match pr {
                        Some(pr) => out.push_str(&pr),
                        None => out.push_str(&self.refl(a, env, &cg.left)?),
                    }
                }
                out.push(')');
                Ok(Some(out))
            }
            Formula::Not(a) => Ok(self.cong_formula(a, env, cg, d)?.map(|p| format!("(w_not_cong _ _ {p})"))),
            Formula::And(a, b) | Formula::Or(a, b) | Formula::Implies(a, b) | Formula::Iff(a, b) => {
                let pa = self.cong_formula(a, env, cg, d)?;
                let pb = self.cong_formula(b, env, cg, d)?;
                if pa.is_none() && pb.is_none() {
                    return Ok(None);
                }
                let lemma = match f {
                    Formula::And(..) => "w_and_cong",
                    Formula::Or(..) => "w_or_cong",
                    Formula::Implies(..) => "w_imp_cong",
                    _ => "w_iff_cong",
                };
                let pa = match pa {
                    Some(p) => p,
                    None => format!("(iff_refl {})", self.formula(a, env, &cg.left)?),
                };
                let pb = match pb {
                    Some(p) => p,
                    None => format!("(iff_refl {})", self.formula(b, env, &cg.left)?),
                };
                Ok(Some(format!("({lemma} _ _ _ _ {pa} {pb})")))
            }
            Formula::Forall(h, s, body) | Formula::Exists(h, s, body) => {
                let b = binder_ident(env.len(), &h.0);
                env.push((b.clone(), s.clone()));
                let inner = self.cong_formula(body, env, cg, d);
                env.pop();
                let Some(p) = inner? else {
                    return Ok(None);
                };
                let lemma = if matches!(f, Formula::Forall(..)) { "w_all_cong" } else { "w_ex_cong" };
                let left = self.lambda(&h.0, s, body, env, &cg.left)?;
                let right = self.lambda(&h.0, s, body, env, &cg.right)?;
                Ok(Some(format!(
                    "({lemma} {} {left} {right} (fun ({b} : {}) => {p}))",
                    sort_ident(s),
                    sort_ident(s)
                )))
            }
        }
    }
}

/// Free variables that vary in a congruence proof: how each side prints them and the
/// proof that the two sides are equal.
struct Cong {
    left: Scope,
    right: Scope,
    proofs: BTreeMap<(Name, Sort), String>,
}

impl Cong {
    fn new(base: &Scope) -> Cong {
        Cong { left: base.clone(), right: base.clone(), proofs: BTreeMap::new() }
    }

    fn vary(&mut self, n: &Name, s: &Sort, left: String, right: String, proof: String) {
        let key = (n.clone(), s.clone());
        self.left.subst.insert(key.clone(), left);
        self.right.subst.insert(key.clone(), right);
        self.proofs.insert(key, proof);
    }
}

/// A variable name that occurs nowhere in `fs` nor `ts`.
fn fresh_name(fs: &[&Formula], ts: &[&Term]) -> Name {
    let mut used: BTreeSet<Name> = BTreeSet::new();
    for f in fs {
        used.extend(free_variables(f).into_iter().map(|(n, _)| n));
    }
    for t in ts {
        let f = Formula::Eq((*t).clone(), (*t).clone());
        used.extend(free_variables(&f).into_iter().map(|(n, _)| n));
    }
    let mut candidate = String::from("hole");
    while used.contains(candidate.as_str()) {
        candidate.push('\'');
    }
    Name::from(candidate)
}

// ---------------------------------------------------------------------------
// Replaying the sequents of a proof object (untrusted mirror of the rules)
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Seq {
    hyps: BTreeSet<Formula>,
    concl: Formula,
}

fn instantiate(
    sig: &Signature,
    name: &Name,
    kind: FactKind,
    args: &[Term],
    i: usize,
) -> Result<Formula, ExportError> {
    let fact = sig
        .fact(name)
        .filter(|f| f.kind == kind)
        .ok_or_else(|| malformed(i, format!("unknown fact `{name}`")))?;
    let mut f = fact.statement.clone();
    for a in args {
        let Formula::Forall(_, _, body) = &f else {
            return Err(malformed(i, format!("too many arguments for `{name}`")));
        };
        f = open_formula(body, a);
    }
    Ok(f)
}

/// The sequent of every step, computed as the rules say (without their side
/// conditions, which the kernel has checked, or which Coq will reject).
fn replay(sig: &Signature, ctx: &Context, proof: &Proof) -> Result<Vec<Seq>, ExportError> {
    let mut out: Vec<Seq> = Vec::with_capacity(proof.steps.len());
    for (i, step) in proof.steps.iter().enumerate() {
        let get = |j: StepId| -> Result<&Seq, ExportError> {
            if j < i {
                out.get(j).ok_or_else(|| malformed(i, format!("no step {j}")))
            } else {
                Err(malformed(i, format!("step {j} is not earlier")))
            }
        };
        let shape = |what: &str| malformed(i, format!("the premise is not {what}"));
        let none = BTreeSet::new;
        let one = |f: &Formula| BTreeSet::from([f.clone()]);
        let union =
            |a: &BTreeSet<Formula>, b: &BTreeSet<Formula>| a.union(b).cloned().collect::<BTreeSet<Formula>>();
        let without = |a: &BTreeSet<Formula>, f: &Formula| {
            let mut a = a.clone();
            a.remove(f);
            a
        };
        let seq = match step {
            Step::Hypothesis { name } => {
                let (_, f) = ctx
                    .hypotheses
                    .iter()
                    .find(|(h, _)| h == name)
                    .ok_or_else(|| malformed(i, format!("unknown hypothesis `{name}`")))?;
                Seq { hyps: one(f), concl: f.clone() }
            }
            Step::Assume { formula } => Seq { hyps: one(formula), concl: formula.clone() },
            Step::Axiom { name, args } => {
                Seq { hyps: none(), concl: instantiate(sig, name, FactKind::Axiom, args, i)? }
            }
            Step::Theorem { name, args } => {
                Seq { hyps: none(), concl: instantiate(sig, name, FactKind::Theorem, args, i)? }
            }
            Step::Unfold { name, args } => {
                Seq { hyps: none(), concl: instantiate(sig, name, FactKind::Definition, args, i)? }
            }
            Step::TrueIntro => Seq { hyps: none(), concl: Formula::True },
            Step::FalseElim { from, goal } => Seq { hyps: get(*from)?.hyps.clone(), concl: goal.clone() },
            Step::AndIntro { left, right } => {
                let (l, r) = (get(*left)?, get(*right)?);
                Seq { hyps: union(&l.hyps, &r.hyps), concl: Formula::and(l.concl.clone(), r.concl.clone()) }
            }
            Step::AndLeft { from } | Step::AndRight { from } => {
                let p = get(*from)?;
                let Formula::And(a, b) = &p.concl else {
                    return Err(shape("a conjunction"));
                };
                let part = if matches!(step, Step::AndLeft { .. }) { a } else { b };
                Seq { hyps: p.hyps.clone(), concl: (**part).clone() }
            }
            Step::OrLeft { from, right } => {
                let p = get(*from)?;
                Seq { hyps: p.hyps.clone(), concl: Formula::or(p.concl.clone(), right.clone()) }
            }
            Step::OrRight { left, from } => {
                let p = get(*from)?;
                Seq { hyps: p.hyps.clone(), concl: Formula::or(left.clone(), p.concl.clone()) }
            }
            Step::OrElim { from, left, right } => {
                let p = get(*from)?;
                let Formula::Or(a, b) = &p.concl else {
                    return Err(shape("a disjunction"));
                };
                let (l, r) = (get(*left)?, get(*right)?);
                Seq {
                    hyps: union(&union(&p.hyps, &without(&l.hyps, a)), &without(&r.hyps, b)),
                    concl: l.concl.clone(),
                }
            }
            Step::ImpIntro { assumption, from } => {
                let p = get(*from)?;
                Seq {
                    hyps: without(&p.hyps, assumption),
                    concl: Formula::implies(assumption.clone(), p.concl.clone()),
                }
            }
            Step::ImpElim { implication, argument } => {
                let (f, a) = (get(*implication)?, get(*argument)?);
                let Formula::Implies(_, y) = &f.concl else {
                    return Err(shape("an implication"));
                };
                Seq { hyps: union(&f.hyps, &a.hyps), concl: (**y).clone() }
            }
            Step::NotIntro { assumption, from } => {
                let p = get(*from)?;
                Seq { hyps: without(&p.hyps, assumption), concl: Formula::not(assumption.clone()) }
            }
            Step::NotElim { negation, argument } => {
                let (n, a) = (get(*negation)?, get(*argument)?);
                Seq { hyps: union(&n.hyps, &a.hyps), concl: Formula::False }
            }
            Step::IffIntro { forward, backward } => {
                let (f, b) = (get(*forward)?, get(*backward)?);
                let Formula::Implies(x, y) = &f.concl else {
                    return Err(shape("an implication"));
                };
                Seq { hyps: union(&f.hyps, &b.hyps), concl: Formula::Iff(x.clone(), y.clone()) }
            }
            Step::IffForward { from } | Step::IffBackward { from } => {
                let p = get(*from)?;
                let Formula::Iff(x, y) = &p.concl else {
                    return Err(shape("an equivalence"));
                };
                let concl = if matches!(step, Step::IffForward { .. }) {
                    Formula::Implies(x.clone(), y.clone())
                } else {
                    Formula::Implies(y.clone(), x.clone())
                };
                Seq { hyps: p.hyps.clone(), concl }
            }
            Step::ExcludedMiddle { formula } => {
                Seq { hyps: none(), concl: Formula::or(formula.clone(), Formula::not(formula.clone())) }
            }
            Step::ForallIntro { variable, sort, from } => {
                let p = get(*from)?;
                Seq { hyps: p.hyps.clone(), concl: Formula::forall(variable, sort.clone(), &p.concl) }
            }
            Step::ForallElim { from, term } => {
                let p = get(*from)?;
                let Formula::Forall(_, _, body) = &p.concl else {
                    return Err(shape("a universal formula"));
                };
                Seq { hyps: p.hyps.clone(), concl: open_formula(body, term) }
            }
            Step::ExistsIntro { hint, sort, body, from, .. } => Seq {
                hyps: get(*from)?.hyps.clone(),
                concl: Formula::Exists(hint.clone(), sort.clone(), Arc::new(body.clone())),
            },
            Step::ExistsElim { from, variable, body } => {
                let (e, b) = (get(*from)?, get(*body)?);
                let Formula::Exists(_, s, phi) = &e.concl else {
                    return Err(shape("an existential formula"));
                };
                let instance = open_formula(phi, &Term::Free(variable.clone(), s.clone()));
                Seq { hyps: union(&e.hyps, &without(&b.hyps, &instance)), concl: b.concl.clone() }
            }
            Step::Refl { term } => Seq { hyps: none(), concl: Formula::Eq(term.clone(), term.clone()) },
            Step::Symm { from } => {
                let p = get(*from)?;
                let Formula::Eq(a, b) = &p.concl else {
                    return Err(shape("an equation"));
                };
                Seq { hyps: p.hyps.clone(), concl: Formula::Eq(b.clone(), a.clone()) }
            }
            Step::Trans { left, right } => {
                let (l, r) = (get(*left)?, get(*right)?);
                let (Formula::Eq(a, _), Formula::Eq(_, c)) = (&l.concl, &r.concl) else {
                    return Err(shape("an equation"));
                };
                Seq { hyps: union(&l.hyps, &r.hyps), concl: Formula::Eq(a.clone(), c.clone()) }
            }
            Step::Congruence { context, from, .. } => {
                let p = get(*from)?;
                let Formula::Eq(a, b) = &p.concl else {
                    return Err(shape("an equation"));
                };
                Seq { hyps: p.hyps.clone(), concl: Formula::Eq(open_term(context, a), open_term(context, b)) }
            }
            Step::Substitute { motive, equation, from, .. } => {
                let (e, p) = (get(*equation)?, get(*from)?);
                let Formula::Eq(_, b) = &e.concl else {
                    return Err(shape("an equation"));
                };
                Seq { hyps: union(&e.hyps, &p.hyps), concl: open_formula(motive, b) }
            }
            Step::Ring { lhs, rhs } => Seq { hyps: none(), concl: Formula::Eq(lhs.clone(), rhs.clone()) },
            Step::Psatz { goal, facts, .. } => {
                let mut hyps = none();
                for &j in facts {
                    hyps = union(&hyps, &get(j)?.hyps);
                }
                Seq { hyps, concl: goal.clone() }
            }
            Step::LeTotal { left, right } => Seq {
                hyps: none(),
                concl: Formula::or(
                    Formula::Le(left.clone(), right.clone()),
                    Formula::Lt(right.clone(), left.clone()),
                ),
            },
            Step::LeAntisymm { le, ge } => {
                let (l, g) = (get(*le)?, get(*ge)?);
                let Formula::Le(a, b) = &l.concl else {
                    return Err(shape("a comparison a <= b"));
                };
                Seq { hyps: union(&l.hyps, &g.hyps), concl: Formula::Eq(a.clone(), b.clone()) }
            }
        };
        out.push(seq);
    }
    Ok(out)
}

/// The steps the last step depends on (the ones the kernel's trust base counts).
fn needed_steps(proof: &Proof) -> Vec<bool> {
    let mut needed = vec![false; proof.steps.len()];
    if let Some(n) = needed.last_mut() {
        *n = true;
    }
    for i in (0..proof.steps.len()).rev() {
        if needed[i] {
            for p in proof.steps[i].premises() {
                if let Some(n) = needed.get_mut(p) {
                    *n = true;
                }
            }
        }
    }
    needed
}

/// Does a needed step use excluded middle?
fn uses_classic(proof: &Proof) -> bool {
    let needed = needed_steps(proof);
    proof.steps.iter().zip(needed).any(|(s, n)| n && matches!(s, Step::ExcludedMiddle { .. }))
}

fn seq_vars(s: &Seq) -> Vec<(Name, Sort)> {
    let mut vars: BTreeSet<(Name, Sort)> = BTreeSet::new();
    for h in &s.hyps {
        vars.extend(free_variables(h));
    }
    vars.extend(free_variables(&s.concl));
    vars.into_iter().collect()
}

/// Evaluates a `Rat` term with every atom (variable, application) set to 0.
fn eval_at_zero(t: &Term, depth: usize) -> Result<Rat, ExportError> {
    if depth > MAX_PRINT_DEPTH {
        return Err(malformed(0, "a term is nested too deeply"));
    }
    let d = depth + 1;
    Ok(match t {
        Term::Num(c) => (**c).clone(),
        Term::Bound(_) | Term::Free(..) | Term::App(..) => Rat::zero(),
        Term::Neg(a) => -&eval_at_zero(a, d)?,
        Term::Add(a, b) => &eval_at_zero(a, d)? + &eval_at_zero(b, d)?,
        Term::Sub(a, b) => &eval_at_zero(a, d)? - &eval_at_zero(b, d)?,
        Term::Mul(a, b) => &eval_at_zero(a, d)? * &eval_at_zero(b, d)?,
        Term::Div(a, c) => {
            let inv = c.recip().ok_or_else(|| malformed(0, "division by zero"))?;
            &eval_at_zero(a, d)? * &inv
        }
        Term::Pow(a, n) => {
            let base = eval_at_zero(a, d)?;
            let mut acc = Rat::one();
            let mut sq = base;
            let mut n = *n;
            while n > 0 {
                if n & 1 == 1 {
                    acc = &acc * &sq;
                }
                n >>= 1;
                if n > 0 {
                    sq = &sq * &sq;
                }
            }
            acc
        }
    })
}

// ---------------------------------------------------------------------------
// Writing one proof
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sign {
    Zero,
    NonNeg,
    Pos,
}

struct ProofWriter<'a> {
    pr: Printer<'a>,
    steps: &'a [Step],
    seqs: Vec<Seq>,
    vars: Vec<Vec<(Name, Sort)>>,
    hyps: Vec<Vec<Formula>>,
}

impl<'a> ProofWriter<'a> {
    fn new(sig: &'a Signature, ctx: &Context, proof: &'a Proof) -> Result<Self, ExportError> {
        let seqs = replay(sig, ctx, proof)?;
        let vars = seqs.iter().map(seq_vars).collect();
        let hyps = seqs.iter().map(|s| s.hyps.iter().cloned().collect()).collect();
        Ok(ProofWriter { pr: Printer { sig }, steps: &proof.steps, seqs, vars, hyps })
    }

    /// `forall x̄, γ₁ -> … -> φ` for step `i`.
    fn step_type(&self, i: usize) -> Result<String, ExportError> {
        let sc = self.step_scope(i);
        let mut out = String::new();
        if !self.vars[i].is_empty() {
            out.push_str("forall");
            for (n, s) in &self.vars[i] {
                let _ = write!(out, " ({} : {})", local_ident(n, s), sort_ident(s));
            }
            out.push_str(", ");
        }
        for h in &self.hyps[i] {
            out.push_str(&self.pr.formula(h, &mut Vec::new(), &sc)?);
            out.push_str(" -> ");
        }
        out.push_str(&self.pr.formula(&self.seqs[i].concl, &mut Vec::new(), &sc)?);
        Ok(out)
    }

    /// The scope inside step `i`'s proof: its variables and hypotheses `H0 …`.
    fn step_scope(&self, i: usize) -> Scope {
        let mut sc = Scope::default();
        sc.vars.extend(self.vars[i].iter().cloned());
        for (k, h) in self.hyps[i].iter().enumerate() {
            sc.hyps.insert(h.clone(), format!("H{k}"));
        }
        sc
    }

    fn binders(&self, i: usize) -> Vec<String> {
        let mut b: Vec<String> = self.vars[i].iter().map(|(n, s)| local_ident(n, s)).collect();
        b.extend((0..self.hyps[i].len()).map(|k| format!("H{k}")));
        b
    }

    /// Step `j` applied to the variables and hypotheses of the scope.
    fn premise(&self, i: usize, j: StepId, sc: &Scope) -> Result<String, ExportError> {
        if j >= i {
            return Err(malformed(i, format!("step {j} is not earlier")));
        }
        let mut out = format!("(s{j}");
        for (n, s) in &self.vars[j] {
            out.push(' ');
            out.push_str(&sc.var(n, s));
        }
        for h in &self.hyps[j] {
            let name = sc
                .hyps
                .get(h)
                .ok_or_else(|| malformed(i, format!("step {j} rests on a hypothesis not in scope")))?;
            out.push(' ');
            out.push_str(name);
        }
        out.push(')');
        Ok(out)
    }

    fn concl(&self, j: StepId) -> &Formula {
        &self.seqs[j].concl
    }

    /// The Coq text proving step `i`: `assert (sI : T) ...`.
    fn write_step(&self, i: usize, out: &mut String) -> Result<(), ExportError> {
        let ty = self.step_type(i)?;
        let step = &self.steps[i];
        let mut sc = self.step_scope(i);
        let binders = self.binders(i);
        let intro =
            if binders.is_empty() { String::new() } else { format!("intros {}. ", binders.join(" ")) };
        let _ = write!(out, "  (* step {i}: {} *)\n  assert (s{i} : {ty}).\n", step.rule());
        match step {
            Step::Ring { .. } => {
                let _ = writeln!(out, "  {{ {intro}ring. }}");
            }
            Step::Psatz { goal, facts, products, squares } => {
                let _ = writeln!(out, "  {{ {intro}");
                self.psatz(i, goal, facts, products, squares, &sc, out)?;
                out.push_str("  }\n");
            }
            _ => {
                let body = self.term_step(i, &mut sc)?;
                if binders.is_empty() {
                    let _ = writeln!(out, "  {{ exact {body}. }}");
                } else {
                    let _ = writeln!(out, "  {{ exact (fun {} => {body}). }}", binders.join(" "));
                }
            }
        }
        Ok(())
    }

    fn term_step(&self, i: usize, sc: &mut Scope) -> Result<String, ExportError> {
        let pr = &self.pr;
        let p = |j: StepId, sc: &Scope| self.premise(i, j, sc);
        let args = |args: &[Term], sc: &Scope| -> Result<String, ExportError> {
            let mut out = String::new();
            for a in args {
                out.push(' ');
                out.push_str(&pr.term(a, &Vec::new(), sc)?);
            }
            Ok(out)
        };
        let shape = |what: &str| malformed(i, format!("the premise is not {what}"));
        Ok(match &self.steps[i] {
            Step::Hypothesis { .. } | Step::Assume { .. } => "H0".to_string(),
            Step::Axiom { name, args: a } => format!("({}{})", axiom_ident(name), args(a, sc)?),
            Step::Theorem { name, args: a } => {
                format!("({}{})", theorem_ident(name), args(a, sc)?)
            }
            Step::Unfold { name, args: a } => format!("({}{})", unfold_ident(name), args(a, sc)?),
            Step::TrueIntro => "I".to_string(),
            Step::FalseElim { from, goal } => {
                format!("(False_ind {} {})", pr.formula(goal, &mut Vec::new(), sc)?, p(*from, sc)?)
            }
            Step::AndIntro { left, right } => {
                format!("(conj {} {})", p(*left, sc)?, p(*right, sc)?)
            }
            Step::AndLeft { from } => format!("(proj1 {})", p(*from, sc)?),
            Step::AndRight { from } => format!("(proj2 {})", p(*from, sc)?),
            Step::OrLeft { from, .. } => format!("(or_introl {})", p(*from, sc)?),
            Step::OrRight { from, .. } => format!("(or_intror {})", p(*from, sc)?),
            Step::OrElim { from, left, right } => {
                let Formula::Or(a, b) = self.concl(*from) else {
                    return Err(shape("a disjunction"));
                };
                let (ta, tb) = (pr.formula(a, &mut Vec::new(), sc)?, pr.formula(b, &mut Vec::new(), sc)?);
                let chi = pr.formula(&self.seqs[i].concl, &mut Vec::new(), sc)?;
                let pf = p(*from, sc)?;
                let mut inner = sc.clone();
                inner.hyps.insert((**a).clone(), format!("L{i}"));
                let pl = p(*left, &inner)?;
                let mut inner = sc.clone();
                inner.hyps.insert((**b).clone(), format!("R{i}"));
                let pr_ = p(*right, &inner)?;
                format!(
                    "(@or_ind {ta} {tb} {chi} (fun (L{i} : {ta}) => {pl}) (fun (R{i} : {tb}) => {pr_}) {pf})"
                )
            }
            Step::ImpIntro { assumption, from } | Step::NotIntro { assumption, from } => {
                let ta = pr.formula(assumption, &mut Vec::new(), sc)?;
                let mut inner = sc.clone();
                inner.hyps.insert(assumption.clone(), format!("A{i}"));
                format!("(fun (A{i} : {ta}) => {})", p(*from, &inner)?)
            }
            Step::ImpElim { implication, argument } => {
                format!("({} {})", p(*implication, sc)?, p(*argument, sc)?)
            }
            Step::NotElim { negation, argument } => {
                format!("({} {})", p(*negation, sc)?, p(*argument, sc)?)
            }
            Step::IffIntro { forward, backward } => {
                format!("(w_iff_intro _ _ {} {})", p(*forward, sc)?, p(*backward, sc)?)
            }
            Step::IffForward { from } => format!("(w_iff_fwd _ _ {})", p(*from, sc)?),
            Step::IffBackward { from } => format!("(w_iff_bwd _ _ {})", p(*from, sc)?),
            Step::ExcludedMiddle { formula } => {
                format!("(classic {})", pr.formula(formula, &mut Vec::new(), sc)?)
            }
            Step::ForallIntro { variable, sort, from } => {
                let mut inner = sc.clone();
                inner.vars.insert((variable.clone(), sort.clone()));
                format!(
                    "(fun ({} : {}) => {})",
                    local_ident(variable, sort),
                    sort_ident(sort),
                    p(*from, &inner)?
                )
            }
            Step::ForallElim { from, term } => {
                format!("({} {})", p(*from, sc)?, pr.term(term, &Vec::new(), sc)?)
            }
            Step::ExistsIntro { hint, sort, body, witness, from } => format!(
                "(ex_intro {} {} {})",
                pr.lambda(&hint.0, sort, body, &mut Vec::new(), sc)?,
                pr.term(witness, &Vec::new(), sc)?,
                p(*from, sc)?
            ),
            Step::ExistsElim { from, variable, body } => {
                let Formula::Exists(h, s, phi) = self.concl(*from) else {
                    return Err(shape("an existential formula"));
                };
                let lam = pr.lambda(&h.0, s, phi, &mut Vec::new(), sc)?;
                let chi = pr.formula(&self.seqs[i].concl, &mut Vec::new(), sc)?;
                let pf = p(*from, sc)?;
                let instance = open_formula(phi, &Term::Free(variable.clone(), s.clone()));
                let mut inner = sc.clone();
                inner.vars.insert((variable.clone(), s.clone()));
                let ti = pr.formula(&instance, &mut Vec::new(), &inner)?;
                inner.hyps.insert(instance, format!("E{i}"));
                let pb = p(*body, &inner)?;
                format!(
                    "(@ex_ind {} {lam} {chi} (fun ({} : {}) (E{i} : {ti}) => {pb}) {pf})",
                    sort_ident(s),
                    local_ident(variable, s),
                    sort_ident(s)
                )
            }
            Step::Refl { term } => pr.refl(term, &Vec::new(), sc)?,
            Step::Symm { from } => {
                let Formula::Eq(a, _) = self.concl(*from) else {
                    return Err(shape("an equation"));
                };
                if pr.sort_of(a, &Vec::new())? == Sort::Rat {
                    format!("(Qeq_sym _ _ {})", p(*from, sc)?)
                } else {
                    format!("(eq_sym {})", p(*from, sc)?)
                }
            }
            Step::Trans { left, right } => {
                let Formula::Eq(a, _) = self.concl(*left) else {
                    return Err(shape("an equation"));
                };
                if pr.sort_of(a, &Vec::new())? == Sort::Rat {
                    format!("(Qeq_trans _ _ _ {} {})", p(*left, sc)?, p(*right, sc)?)
                } else {
                    format!("(eq_trans {} {})", p(*left, sc)?, p(*right, sc)?)
                }
            }
            Step::Congruence { hole, context, from } => {
                let Formula::Eq(a, b) = self.concl(*from) else {
                    return Err(shape("an equation"));
                };
                let pf = p(*from, sc)?;
                let env: Env = vec![("hole".to_string(), hole.clone())];
                let result = pr.sort_of(context, &env)?;
                if *hole != Sort::Rat {
                    let body = pr.term(context, &env, sc)?;
                    let eq = format!("(f_equal (fun (hole : {}) => {body}) {pf})", sort_ident(hole));
                    if result == Sort::Rat {
                        format!("(w_eq_qeq _ _ {eq})")
                    } else {
                        eq
                    }
                } else {
                    let z = fresh_name(&[], &[context, a, b]);
                    let cz = open_term(context, &Term::Free(z.clone(), hole.clone()));
                    let mut cg = Cong::new(sc);
                    cg.vary(&z, hole, pr.term(a, &Vec::new(), sc)?, pr.term(b, &Vec::new(), sc)?, pf);
                    match pr.cong_term(&cz, &Vec::new(), &cg, 0)? {
                        Some(proof) => proof,
                        None => pr.refl(&open_term(context, a), &Vec::new(), sc)?,
                    }
                }
            }
            Step::Substitute { hole, motive, equation, from } => {
                let Formula::Eq(a, b) = self.concl(*equation) else {
                    return Err(shape("an equation"));
                };
                let pe = p(*equation, sc)?;
                let pf = p(*from, sc)?;
                if *hole != Sort::Rat {
                    format!(
                        "(@eq_ind {} {} {} {pf} {} {pe})",
                        sort_ident(hole),
                        pr.term(a, &Vec::new(), sc)?,
                        pr.lambda("hole", hole, motive, &mut Vec::new(), sc)?,
                        pr.term(b, &Vec::new(), sc)?
                    )
                } else {
                    let z = fresh_name(&[motive], &[a, b]);
                    let pz = open_formula(motive, &Term::Free(z.clone(), hole.clone()));
                    let mut cg = Cong::new(sc);
                    cg.vary(&z, hole, pr.term(a, &Vec::new(), sc)?, pr.term(b, &Vec::new(), sc)?, pe);
                    match pr.cong_formula(&pz, &mut Vec::new(), &cg, 0)? {
                        Some(iff) => format!("(w_iff_mp _ _ {iff} {pf})"),
                        None => pf,
                    }
                }
            }
            Step::LeTotal { left, right } => format!(
                "(w_le_total {} {})",
                pr.term(left, &Vec::new(), sc)?,
                pr.term(right, &Vec::new(), sc)?
            ),
            Step::LeAntisymm { le, ge } => {
                format!("(Qle_antisym _ _ {} {})", p(*le, sc)?, p(*ge, sc)?)
            }
            Step::Ring { .. } | Step::Psatz { .. } => {
                return Err(malformed(i, "arithmetic steps are written as tactics"))
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn psatz(
        &self,
        i: usize,
        goal: &Formula,
        facts: &[StepId],
        products: &[Product],
        squares: &[Square],
        sc: &Scope,
        out: &mut String,
    ) -> Result<(), ExportError> {
        let pr = &self.pr;
        let env: Env = Vec::new();
        // Each fact `a ⋈ b` as `b - a ⋈' 0`: its text, sign, value at zero.
        let mut read: Vec<(String, Sign, Rat)> = Vec::with_capacity(facts.len());
        for (k, &j) in facts.iter().enumerate() {
            let pj = self.premise(i, j, sc)?;
            let (a, b, sign, lemma) = match self.concl(j) {
                Formula::Le(a, b) => (a, b, Sign::NonNeg, "w_le_sub"),
                Formula::Lt(a, b) => (a, b, Sign::Pos, "w_lt_sub"),
                Formula::Eq(a, b) => (a, b, Sign::Zero, "w_eq_sub"),
                _ => return Err(malformed(i, "a psatz fact is not a comparison")),
            };
            let text = format!("({} - {})", pr.term(b, &env, sc)?, pr.term(a, &env, sc)?);
            let value = &eval_at_zero(b, 0)? - &eval_at_zero(a, 0)?;
            let _ = writeln!(out, "    pose proof ({lemma} _ _ {pj}) as d{k}.");
            read.push((text, sign, value));
        }
        // Each product and square: text, sign, value at zero, proof name.
        let terms_len = products.len() + squares.len();
        let mut terms: Vec<(String, Sign, Rat, String)> = Vec::new();
        let weak = |s: Sign, p: &str| -> String {
            match s {
                Sign::Pos => format!("(w_weak _ {p})"),
                _ => p.to_string(),
            }
        };
        for (k, product) in products.iter().enumerate() {
            let (mut text, mut sign, mut value, mut proof);
            match product.factors.split_first() {
                None => {
                    text = "(1#1)".to_string();
                    sign = Sign::Pos;
                    value = Rat::one();
                    proof = "w_one_pos".to_string();
                }
                Some((&first, rest)) => {
                    let (t, s, v) = read
                        .get(first)
                        .cloned()
                        .ok_or_else(|| malformed(i, format!("product {k} names a missing fact")))?;
                    text = t;
                    sign = s;
                    value = v;
                    proof = format!("d{first}");
                    for &f in rest {
                        let (t, s, v) = read
                            .get(f)
                            .cloned()
                            .ok_or_else(|| malformed(i, format!("product {k} names a missing fact")))?;
                        let df = format!("d{f}");
                        let (np, ns) = match (sign, s) {
                            (Sign::Zero, _) => (format!("(w_mul_zero_l _ {t} {proof})"), Sign::Zero),
                            (_, Sign::Zero) => (format!("(w_mul_zero_r {text} _ {df})"), Sign::Zero),
                            (Sign::Pos, Sign::Pos) => {
                                (format!("(Qmult_lt_0_compat _ _ {proof} {df})"), Sign::Pos)
                            }
                            _ => (
                                format!("(Qmult_le_0_compat _ _ {} {})", weak(sign, &proof), weak(s, &df)),
                                Sign::NonNeg,
                            ),
                        };
                        text = format!("({text} * {t})");
                        value = &value * &v;
                        proof = np;
                        sign = ns;
                    }
                }
            }
            let c = &product.coefficient;
            let cn = numeral(c);
            let (p, s) = match sign {
                Sign::Zero => (format!("(w_mul_zero_r {cn} _ {proof})"), Sign::Zero),
                Sign::Pos if c.is_positive() => {
                    (format!("(Qmult_lt_0_compat _ _ (w_pos_num {cn} eq_refl) {proof})"), Sign::Pos)
                }
                _ => (
                    format!("(Qmult_le_0_compat _ _ (w_nonneg_num {cn} eq_refl) {})", weak(sign, &proof)),
                    Sign::NonNeg,
                ),
            };
            let _ = writeln!(out, "    pose proof {p} as t{k}.");
            terms.push((format!("({cn} * {text})"), s, c * &value, format!("t{k}")));
        }
        for (k, square) in squares.iter().enumerate() {
            let base = pr.term(&square.base, &env, sc)?;
            let v = eval_at_zero(&square.base, 0)?;
            let dn = numeral(&square.coefficient);
            let name = format!("q{k}");
            let _ = writeln!(
                out,
                "    pose proof (Qmult_le_0_compat _ _ (w_nonneg_num {dn} eq_refl) (w_sq_nonneg {base})) as {name}."
            );
            terms.push((
                format!("({dn} * ({base} * {base}))"),
                Sign::NonNeg,
                &square.coefficient * &(&v * &v),
                name,
            ));
        }
        // The sum, nonnegative or positive, one `pose proof` per term added.
        let (mut sum, mut sign, mut value) = ("(0#1)".to_string(), Sign::NonNeg, Rat::zero());
        let mut first = true;
        for (k, (text, s, v, name)) in terms.into_iter().enumerate() {
            let (p, s) = match s {
                Sign::Zero => (format!("(w_zero_nn _ {name})"), Sign::NonNeg),
                other => (name, other),
            };
            let proof = if first {
                sum = text;
                value = v;
                sign = s;
                first = false;
                p
            } else {
                let (lemma, p) = match (sign, s) {
                    (Sign::Pos, Sign::Pos) => ("w_add_pl", format!("(w_weak _ {p})")),
                    (Sign::Pos, _) => ("w_add_pl", p),
                    (_, Sign::Pos) => ("w_add_pr", p),
                    _ => ("w_add_nn", p),
                };
                if s == Sign::Pos {
                    sign = Sign::Pos;
                }
                sum = format!("({sum} + {text})");
                value = &value + &v;
                format!("({lemma} _ _ sum{} {p})", k - 1)
            };
            let _ = writeln!(out, "    pose proof {proof} as sum{k}.");
        }
        let last = match terms_len {
            0 => {
                let _ = writeln!(out, "    pose proof (Qle_refl (0#1)) as sum.");
                "sum".to_string()
            }
            n => format!("sum{}", n - 1),
        };
        let nonneg = if sign == Sign::Pos { format!("(w_weak _ {last})") } else { last.clone() };
        match goal {
            Formula::False => {
                let k = numeral(&value);
                let _ = writeln!(out, "    assert (e : {sum} == {k}) by ring.");
                if !value.is_negative() && sign == Sign::Pos {
                    let _ = writeln!(out, "    exact (w_contra_p _ _ {last} e (w_nonpos_num {k} eq_refl)).");
                } else {
                    let _ = writeln!(out, "    exact (w_contra_nn _ _ {nonneg} e (w_neg_num {k} eq_refl)).");
                }
            }
            Formula::Le(a, b) | Formula::Lt(a, b) => {
                let slack = &(&eval_at_zero(b, 0)? - &eval_at_zero(a, 0)?) - &value;
                let k = numeral(&slack);
                let _ = writeln!(
                    out,
                    "    assert (e : (({} - {}) - {sum}) == {k}) by ring.",
                    pr.term(b, &env, sc)?,
                    pr.term(a, &env, sc)?
                );
                let close = match goal {
                    Formula::Le(..) => {
                        format!("(w_goal_le _ _ _ _ {nonneg} e (w_nonneg_num {k} eq_refl))")
                    }
                    _ if !slack.is_positive() && sign == Sign::Pos => {
                        format!("(w_goal_lt_s _ _ _ _ {last} e (w_nonneg_num {k} eq_refl))")
                    }
                    _ => format!("(w_goal_lt_k _ _ _ _ {nonneg} e (w_pos_num {k} eq_refl))"),
                };
                let _ = writeln!(out, "    exact {close}.");
            }
            _ => return Err(malformed(i, "a psatz goal is not false, <= or <")),
        }
        Ok(())
    }

    /// The whole proof of a lemma whose statement is the last step's conclusion, in
    /// a context where `vars` and `hyps` (formula ↦ Coq name) are in scope.
    fn write_proof(
        &self,
        proof: &Proof,
        hyp_names: &[(Formula, String)],
        out: &mut String,
    ) -> Result<(), ExportError> {
        let needed = needed_steps(proof);
        let last = proof.steps.len().checked_sub(1).ok_or_else(|| malformed(0, "the proof is empty"))?;
        out.push_str("Proof.\n");
        for (i, n) in needed.iter().enumerate() {
            if *n {
                self.write_step(i, out)?;
            }
        }
        let mut fin = format!("s{last}");
        for (n, s) in &self.vars[last] {
            fin.push(' ');
            fin.push_str(&var_ident(n, s));
        }
        for h in &self.hyps[last] {
            let name =
                hyp_names.iter().find(|(f, _)| f == h).map(|(_, n)| n.clone()).ok_or_else(|| {
                    malformed(last, "the proof rests on a formula that is not a hypothesis")
                })?;
            fin.push(' ');
            fin.push_str(&name);
        }
        let _ = writeln!(out, "  exact ({fin}).\nQed.");
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Exporting a signature and techniques
// ---------------------------------------------------------------------------

/// A technique to export as a Coq section.
#[derive(Clone, Debug)]
pub struct Technique {
    /// Its name.
    pub name: Name,
    /// Its parameters (`Variable`s) and assumptions (`Hypothesis`es).
    pub context: Context,
    /// Its guarantees: name, proof object, and what the proof must conclude.
    pub guarantees: Vec<(Name, Proof, Formula)>,
}

/// Export options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// After each exported lemma, print a marker line `warrant-assumptions NAME`
    /// and `Print Assumptions NAME` (read the output with [`parse_assumptions`]).
    pub print_assumptions: bool,
}

/// One exported Coq module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoqModule {
    /// The module name (the file is `NAME.v`).
    pub name: String,
    /// The module's content after its header.
    pub body: String,
    /// Whether a proof uses excluded middle (the module imports `Classical`).
    pub uses_classic: bool,
}

impl CoqModule {
    fn header(&self) -> String {
        let mut h = String::new();
        if self.uses_classic {
            h.push_str("Require Import Classical.\n");
        }
        h.push_str("Open Scope Q_scope.\n\n");
        h
    }

    /// The module as a file inside a project written by [`write_project`].
    pub fn project_file(&self) -> String {
        format!(
            "(* Generated by warrant; re-checks proofs its kernel accepted. *)\nFrom {LOGICAL_ROOT} Require Import Prelude.\n{}{}",
            self.header(),
            self.body
        )
    }

    /// The module as one self-contained file (the prelude inlined), for `coqc FILE`.
    pub fn standalone(&self) -> String {
        format!(
            "(* Generated by warrant; re-checks proofs its kernel accepted. *)\n{PRELUDE}\n{}{}",
            self.header(),
            self.body
        )
    }
}

/// Exports a signature, its theorems' proofs and techniques to a Coq module.
///
/// ```
/// use warrant_kernel::*;
/// use warrant_kernel::coq::{Exporter, Options};
/// let sig = Signature::new();
/// let x = Term::free("x", Sort::Rat);
/// let ctx = Context { variables: vec![(name("x"), Sort::Rat)], hypotheses: vec![] };
/// let lhs = Term::mul(x.clone(), Term::add(x.clone(), Term::int(1)));
/// let rhs = Term::add(Term::pow(x.clone(), 2), x);
/// let proof = Proof { steps: vec![Step::Ring { lhs: lhs.clone(), rhs: rhs.clone() }] };
/// let mut ex = Exporter::new(&sig);
/// ex.technique(coq::Technique {
///     name: name("T"),
///     context: ctx,
///     guarantees: vec![(name("expand"), proof, Formula::eq(lhs, rhs))],
/// });
/// let module = ex.export("Example", &Options::default()).unwrap();
/// assert!(module.body.contains("Lemma g'T'expand : ((v'x * (v'x + (1#1))) == ((v'x ^ 2) + v'x))."));
/// ```
pub struct Exporter<'a> {
    sig: &'a Signature,
    theorem_proofs: BTreeMap<Name, (Context, Proof)>,
    techniques: Vec<(Technique, bool)>,
}

impl<'a> Exporter<'a> {
    /// An exporter for `sig`.
    pub fn new(sig: &'a Signature) -> Exporter<'a> {
        Exporter { sig, theorem_proofs: BTreeMap::new(), techniques: Vec::new() }
    }

    /// Gives the proof object of the signature's theorem `name` (checked in `context`
    /// against the signature as it was when the theorem was added). Every theorem of
    /// the signature needs one.
    pub fn theorem_proof(&mut self, name: Name, context: Context, proof: Proof) -> &mut Self {
        self.theorem_proofs.insert(name, (context, proof));
        self
    }

    /// Adds a technique; its guarantees are checked by the kernel when exporting.
    pub fn technique(&mut self, technique: Technique) -> &mut Self {
        self.techniques.push((technique, true));
        self
    }

    /// Adds a technique whose guarantees are exported **without** being checked by
    /// the kernel, each as if every step were right. Only for testing that Coq
    /// rejects on its own what the kernel rejects; never a way to accept anything.
    pub fn unchecked_technique(&mut self, technique: Technique) -> &mut Self {
        self.techniques.push((technique, false));
        self
    }

    /// Writes the module `module_name`. Fails when a proof is missing, the kernel
    /// rejects a proof, or a proof does not conclude what it was said to.
    ///
    /// The work runs on a thread of its own with a large stack, because printing
    /// recurses on terms (up to a depth of 2,500).
    pub fn export(&self, module_name: &str, options: &Options) -> Result<CoqModule, ExportError> {
        check_module_name(module_name)?;
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("coq-export".into())
                .stack_size(EXPORT_STACK)
                .spawn_scoped(scope, || self.export_here(module_name, options))?
                .join()
                .unwrap_or_else(|_| Err(malformed(0, "the exporter panicked")))
        })
    }

    fn export_here(&self, module_name: &str, options: &Options) -> Result<CoqModule, ExportError> {
        let sig = self.sig;
        let pr = Printer { sig };
        let all = Scope::everything();
        let mut out = String::new();
        let mut classic = false;
        out.push_str("Section Signature.\n\n");
        let mut prefix = Signature::with_limits(sig.limits().clone());
        for decl in sig.declarations() {
            match decl {
                Declaration::Sort { name } => {
                    let s = Sort::Named(name.clone());
                    let _ = writeln!(
                        out,
                        "Variable {} : Type.\nVariable {} : {}.\n",
                        sort_ident(&s),
                        inhabitant(&s),
                        sort_ident(&s)
                    );
                }
                Declaration::Function { name, params, result } => {
                    symbol_variable(&mut out, name, params, &sort_ident(result), true);
                    cong_lemma_uninterpreted(&mut out, name, params, Some(result));
                }
                Declaration::Predicate { name, params } => {
                    symbol_variable(&mut out, name, params, "Prop", false);
                    cong_lemma_uninterpreted(&mut out, name, params, None);
                }
                Declaration::DefineFunction { name, params, result, body } => {
                    let _ = writeln!(
                        out,
                        "Definition {}{} : {} := {}.",
                        function_ident(name),
                        param_binders(params),
                        sort_ident(result),
                        pr.term(body, &Vec::new(), &all)?
                    );
                    let refl = if *result == Sort::Rat { "Qeq_refl _" } else { "eq_refl" };
                    self.unfold_lemma(&mut out, name, refl)?;
                    cong_lemma_defined(&pr, &mut out, name, params, Some((result, body)), None)?;
                }
                Declaration::DefinePredicate { name, params, body } => {
                    let _ = writeln!(
                        out,
                        "Definition {}{} : Prop := {}.",
                        predicate_ident(name),
                        param_binders(params),
                        pr.formula(body, &mut Vec::new(), &all)?
                    );
                    self.unfold_lemma(&mut out, name, "iff_refl _")?;
                    cong_lemma_defined(&pr, &mut out, name, params, None, Some(body))?;
                }
                Declaration::Axiom { name, statement } => {
                    let _ = writeln!(
                        out,
                        "Hypothesis {} : {}.\n",
                        axiom_ident(name),
                        pr.formula(statement, &mut Vec::new(), &all)?
                    );
                }
                Declaration::Theorem { name, statement, trust_base } => {
                    let (ctx, proof) = self
                        .theorem_proofs
                        .get(name)
                        .ok_or_else(|| ExportError::MissingProof { theorem: name.to_string() })?;
                    let thm = check(&prefix, ctx, proof).map_err(|error| ExportError::Kernel {
                        what: format!("the proof of theorem `{name}`"),
                        error,
                    })?;
                    if thm.conclusion() != statement
                        || !thm.hypotheses().is_empty()
                        || thm.trust_base() != trust_base
                    {
                        return Err(ExportError::Mismatch {
                            what: format!(
                                "the proof given for theorem `{name}` does not prove its statement from its trust base"
                            ),
                        });
                    }
                    classic |= uses_classic(proof);
                    let ident = theorem_ident(name);
                    let _ = writeln!(out, "(* trust base: {} *)", names(trust_base));
                    let _ =
                        writeln!(out, "Lemma {ident} : {}.", pr.formula(statement, &mut Vec::new(), &all)?);
                    let w = ProofWriter::new(sig, ctx, proof)?;
                    w.write_proof(proof, &[], &mut out)?;
                    print_assumptions(&mut out, &ident, options);
                    out.push('\n');
                    prefix.add_theorem(name.clone(), &thm).map_err(|error| ExportError::Kernel {
                        what: format!("the declaration of `{name}`"),
                        error,
                    })?;
                    continue;
                }
            }
            prefix.declare(decl.clone()).map_err(|error| ExportError::Kernel {
                what: format!("the declaration of `{}`", decl.name()),
                error,
            })?;
        }
        for (t, checked) in &self.techniques {
            classic |= self.technique_section(&mut out, t, *checked, options)?;
        }
        out.push_str("End Signature.\n");
        Ok(CoqModule { name: module_name.to_string(), body: out, uses_classic: classic })
    }

    fn unfold_lemma(&self, out: &mut String, name: &Name, refl: &str) -> Result<(), ExportError> {
        let fact = self.sig.fact(name).ok_or_else(|| ExportError::Mismatch {
            what: format!("the definition `{name}` has no defining fact"),
        })?;
        let _ = writeln!(
            out,
            "Lemma {} : {}.\nProof. intros. exact ({refl}). Qed.",
            unfold_ident(name),
            Printer { sig: self.sig }.formula(&fact.statement, &mut Vec::new(), &Scope::everything())?
        );
        Ok(())
    }

    /// Writes one technique section; returns whether it uses excluded middle.
    fn technique_section(
        &self,
        out: &mut String,
        t: &Technique,
        checked: bool,
        options: &Options,
    ) -> Result<bool, ExportError> {
        let pr = Printer { sig: self.sig };
        let all = Scope::everything();
        let mut classic = false;
        let section = format!("T'{}", mangle(&t.name));
        let _ = writeln!(out, "Section {section}.");
        for (n, s) in &t.context.variables {
            let _ = writeln!(out, "Variable {} : {}.", var_ident(n, s), sort_ident(s));
        }
        let mut hyp_names: Vec<(Formula, String)> = Vec::new();
        for (n, f) in &t.context.hypotheses {
            let ident = hypothesis_ident(n);
            let _ = writeln!(out, "Hypothesis {ident} : {}.", pr.formula(f, &mut Vec::new(), &all)?);
            hyp_names.push((f.clone(), ident));
        }
        out.push('\n');
        for (g, proof, conclusion) in &t.guarantees {
            if checked {
                let thm = check(self.sig, &t.context, proof).map_err(|error| ExportError::Kernel {
                    what: format!("guarantee `{g}` of technique `{}`", t.name),
                    error,
                })?;
                if thm.conclusion() != conclusion {
                    return Err(ExportError::Mismatch {
                        what: format!(
                            "guarantee `{g}` of technique `{}` proves {} instead of {}",
                            t.name,
                            thm.conclusion(),
                            conclusion
                        ),
                    });
                }
                let _ = writeln!(
                    out,
                    "(* trust base: {}; assumptions used: {} *)",
                    names(thm.trust_base()),
                    names(thm.hypotheses().iter().map(|(n, _)| n))
                );
            } else {
                out.push_str(
                    "(* NOT checked by warrant's kernel: exported as if every step were right. *)\n",
                );
            }
            classic |= uses_classic(proof);
            let ident = guarantee_ident(&t.name, g);
            let _ = writeln!(out, "Lemma {ident} : {}.", pr.formula(conclusion, &mut Vec::new(), &all)?);
            let w = ProofWriter::new(self.sig, &t.context, proof)?;
            w.write_proof(proof, &hyp_names, out)?;
            print_assumptions(out, &ident, options);
            out.push('\n');
        }
        let _ = writeln!(out, "End {section}.\n");
        Ok(classic)
    }
}

fn names<'n>(it: impl IntoIterator<Item = &'n Name>) -> String {
    let v: Vec<&str> = it.into_iter().map(|n| &**n).collect();
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

fn print_assumptions(out: &mut String, ident: &str, options: &Options) {
    if options.print_assumptions {
        let _ = writeln!(
            out,
            "Goal True. idtac \"warrant-assumptions {ident}\". Abort.\nPrint Assumptions {ident}."
        );
    }
}

fn param_binders(params: &[(Name, Sort)]) -> String {
    let mut out = String::new();
    for (n, s) in params {
        let _ = write!(out, " ({} : {})", var_ident(n, s), sort_ident(s));
    }
    out
}

fn arrow_type(params: &[Sort], result: &str) -> String {
    let mut out = String::new();
    for p in params {
        out.push_str(&sort_ident(p));
        out.push_str(" -> ");
    }
    out.push_str(result);
    out
}

/// `Variable f : …` (or `Variable r'f` and the `Qred` wrapper when an argument is a
/// rational).
fn symbol_variable(out: &mut String, name: &Name, params: &[Sort], result: &str, function: bool) {
    let ident = if function { function_ident(name) } else { predicate_ident(name) };
    if params.contains(&Sort::Rat) {
        let raw = raw_ident(name);
        let _ = writeln!(out, "Variable {raw} : {}.", arrow_type(params, result));
        let mut binders = String::new();
        let mut args = String::new();
        for (k, p) in params.iter().enumerate() {
            let _ = write!(binders, " (x{k} : {})", sort_ident(p));
            if *p == Sort::Rat {
                let _ = write!(args, " (Qred x{k})");
            } else {
                let _ = write!(args, " x{k}");
            }
        }
        let _ = writeln!(out, "Definition {ident}{binders} : {result} := {raw}{args}.");
    } else {
        let _ = writeln!(out, "Variable {ident} : {}.", arrow_type(params, result));
    }
}

/// `forall (x0 y0 : T0) …, x0 ~ y0 -> … ->` for a congruence lemma.
fn cong_head(params: &[Sort]) -> (String, String, String) {
    let mut head = String::from("forall");
    let mut premises = String::new();
    let mut left = String::new();
    let mut right = String::new();
    for (k, p) in params.iter().enumerate() {
        let _ = write!(head, " (x{k} y{k} : {})", sort_ident(p));
        let rel = if *p == Sort::Rat { "==" } else { "=" };
        let _ = write!(premises, "x{k} {rel} y{k} -> ");
        let _ = write!(left, " x{k}");
        let _ = write!(right, " y{k}");
    }
    (format!("{head}, {premises}"), left, right)
}

fn cong_conclusion(ident: &str, left: &str, right: &str, result: Option<&Sort>) -> String {
    match result {
        Some(Sort::Rat) => format!("{ident}{left} == {ident}{right}"),
        Some(_) => format!("{ident}{left} = {ident}{right}"),
        None => format!("({ident}{left} <-> {ident}{right})"),
    }
}

fn cong_lemma_uninterpreted(out: &mut String, name: &Name, params: &[Sort], result: Option<&Sort>) {
    if params.is_empty() {
        return;
    }
    let ident = if result.is_some() { function_ident(name) } else { predicate_ident(name) };
    let (head, left, right) = cong_head(params);
    let _ = writeln!(
        out,
        "Lemma {} : {head}{}.",
        cong_ident(name),
        cong_conclusion(&ident, &left, &right, result)
    );
    let mut script = String::from("Proof.\n  intros");
    for k in 0..params.len() {
        let _ = write!(script, " x{k} y{k}");
    }
    for k in 0..params.len() {
        let _ = write!(script, " e{k}");
    }
    script.push('.');
    if params.contains(&Sort::Rat) {
        let _ = write!(script, " unfold {ident}.");
    }
    for (k, p) in params.iter().enumerate() {
        if *p == Sort::Rat {
            let _ = write!(script, " rewrite (Qred_complete _ _ e{k}).");
        } else {
            let _ = write!(script, " rewrite e{k}.");
        }
    }
    let close = match result {
        Some(Sort::Rat) => "apply Qeq_refl",
        Some(_) => "reflexivity",
        None => "apply iff_refl",
    };
    let _ = writeln!(out, "{script} {close}.\nQed.\n");
}

fn cong_lemma_defined(
    pr: &Printer<'_>,
    out: &mut String,
    name: &Name,
    params: &[(Name, Sort)],
    function: Option<(&Sort, &Term)>,
    predicate: Option<&Formula>,
) -> Result<(), ExportError> {
    if params.is_empty() {
        out.push('\n');
        return Ok(());
    }
    let sorts: Vec<Sort> = params.iter().map(|(_, s)| s.clone()).collect();
    let (ident, result) = match function {
        Some((r, _)) => (function_ident(name), Some(r)),
        None => (predicate_ident(name), None),
    };
    let (head, left, right) = cong_head(&sorts);
    let _ = writeln!(
        out,
        "Lemma {} : {head}{}.",
        cong_ident(name),
        cong_conclusion(&ident, &left, &right, result)
    );
    let mut cg = Cong::new(&Scope::everything());
    let mut binders = String::new();
    for (k, (n, s)) in params.iter().enumerate() {
        cg.vary(n, s, format!("x{k}"), format!("y{k}"), format!("e{k}"));
        let _ = write!(binders, " x{k} y{k}");
    }
    for k in 0..params.len() {
        let _ = write!(binders, " e{k}");
    }
    let proof = match (function, predicate) {
        (Some((r, body)), _) => match pr.cong_term(body, &Vec::new(), &cg, 0)? {
            Some(p) => p,
            None if *r == Sort::Rat => {
                format!("(Qeq_refl {})", pr.term(body, &Vec::new(), &cg.left)?)
            }
            None => "eq_refl".to_string(),
        },
        (None, Some(body)) => match pr.cong_formula(body, &mut Vec::new(), &cg, 0)? {
            Some(p) => p,
            None => format!("(iff_refl {})", pr.formula(body, &mut Vec::new(), &cg.left)?),
        },
        (None, None) => return Err(malformed(0, "a definition without a body")),
    };
    let _ = writeln!(out, "Proof. exact (fun{binders} => {proof}). Qed.\n");
    Ok(())
}

fn check_module_name(name: &str) -> Result<(), ExportError> {
    let bad = |reason| Err(ExportError::ModuleName { name: name.to_string(), reason });
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return bad("it must start with an ASCII letter"),
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return bad("only ASCII letters, digits and `_` are allowed");
    }
    if name == "Prelude" {
        return bad("`Prelude` is the prelude's name");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------

/// What [`write_project`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectInfo {
    /// The `.v` files, in dependency order (the prelude first).
    pub files: Vec<String>,
    /// Whether the Makefile was made by `coq_makefile` (else it is a plain one).
    pub coq_makefile: bool,
}

/// Writes a Coq project into `dir`: `Prelude.v`, one `NAME.v` per module, a
/// `_CoqProject` and a `Makefile` (by `coq_makefile -f _CoqProject -o Makefile` when
/// it is installed, else an equivalent one), so that `make -C DIR` checks everything.
pub fn write_project(dir: &Path, modules: &[CoqModule]) -> Result<ProjectInfo, ExportError> {
    let mut seen = BTreeSet::new();
    for m in modules {
        check_module_name(&m.name)?;
        if !seen.insert(m.name.clone()) {
            return Err(ExportError::ModuleName {
                name: m.name.clone(),
                reason: "two modules have this name",
            });
        }
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("Prelude.v"), PRELUDE)?;
    let mut files = vec!["Prelude.v".to_string()];
    for m in modules {
        let file = format!("{}.v", m.name);
        std::fs::write(dir.join(&file), m.project_file())?;
        files.push(file);
    }
    let mut project = format!("-R . {LOGICAL_ROOT}\n");
    for f in &files {
        project.push_str(f);
        project.push('\n');
    }
    std::fs::write(dir.join("_CoqProject"), project)?;
    let made = std::process::Command::new("coq_makefile")
        .args(["-f", "_CoqProject", "-o", "Makefile"])
        .current_dir(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !made {
        let mut mk = String::from("# Written by warrant (coq_makefile was not available).\nCOQC ?= coqc\n\n");
        let vos: Vec<String> = files.iter().map(|f| format!("{f}o")).collect();
        let _ = writeln!(mk, "all: {}\n", vos.join(" "));
        let _ = writeln!(mk, "%.vo: %.v\n\t$(COQC) -R . {LOGICAL_ROOT} $<\n");
        for vo in vos.iter().skip(1) {
            let _ = writeln!(mk, "{vo}: Prelude.vo");
        }
        let _ = writeln!(mk, "\nclean:\n\trm -f *.vo *.vok *.vos *.glob .*.aux\n\n.PHONY: all clean");
        std::fs::write(dir.join("Makefile"), mk)?;
    }
    Ok(ProjectInfo { files, coq_makefile: made })
}

// ---------------------------------------------------------------------------
// Reading `Print Assumptions`
// ---------------------------------------------------------------------------

/// What `Print Assumptions` listed for one exported lemma, sorted by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assumptions {
    /// Kernel axioms (`ax'…`), demangled: should be the theorem's trust base.
    pub axioms: BTreeSet<String>,
    /// Technique assumptions (`h'…`), demangled: the hypotheses the proof used.
    pub hypotheses: BTreeSet<String>,
    /// Logical axioms of Coq's library, e.g. `classic`.
    pub logic: BTreeSet<String>,
    /// Everything else: sorts, inhabitants, symbols, variables (Coq identifiers).
    pub signature: BTreeSet<String>,
}

/// Reads coqc's output for a module exported with [`Options::print_assumptions`]:
/// Coq lemma name ↦ what it rests on.
pub fn parse_assumptions(output: &str) -> BTreeMap<String, Assumptions> {
    let mut all = BTreeMap::new();
    let mut current: Option<(String, Assumptions)> = None;
    for line in output.lines() {
        if let Some(rest) = line.trim().strip_prefix("warrant-assumptions ") {
            if let Some((n, a)) = current.take() {
                all.insert(n, a);
            }
            current = Some((rest.trim().to_string(), Assumptions::default()));
            continue;
        }
        let Some((_, a)) = current.as_mut() else {
            continue;
        };
        if line.is_empty()
            || line.starts_with(char::is_whitespace)
            || line.starts_with(':')
            || line.ends_with(':')
            || line.starts_with("Closed under")
        {
            continue;
        }
        let Some(ident) = line.split_whitespace().next() else {
            continue;
        };
        let demangled = |prefix: &str| ident.strip_prefix(prefix).and_then(demangle);
        if let Some(n) = demangled("ax'") {
            a.axioms.insert(n);
        } else if let Some(n) = demangled("h'") {
            a.hypotheses.insert(n);
        } else if ident.contains('\'') {
            a.signature.insert(ident.to_string());
        } else {
            a.logic.insert(ident.to_string());
        }
    }
    if let Some((n, a)) = current.take() {
        all.insert(n, a);
    }
    all
}
