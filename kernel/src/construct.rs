//! Convenience constructors for terms and formulas, the input types [`Context`] and
//! [`Declaration`], and rational operations only untrusted code uses (not trusted:
//! they only build values, which the checker and the signature check like any other
//! input).

use crate::rat::Rat;
use crate::term::{close_formula, first_free, map_term, Formula, Hint, Name, Node, Sort, Subst, Term};
use num_bigint::BigInt;
use num_rational::BigRational;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Makes a [`Name`] from text.
pub fn name(s: &str) -> Name {
    Arc::from(s)
}

/// The variables and named hypotheses a proof may use (the checker's input; see
/// [`check`](crate::check::check)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Free variables with their sorts (e.g. a technique's parameters).
    pub variables: Vec<(Name, Sort)>,
    /// Named hypotheses (e.g. a technique's assumptions).
    pub hypotheses: Vec<(Name, Formula)>,
}

/// One extension of a signature, as it is exported and bundled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Declaration {
    /// A new sort. Every sort is inhabited, as usual in first-order logic.
    Sort {
        /// Its name.
        name: Name,
    },
    /// An uninterpreted function symbol (a constant when `params` is empty).
    Function {
        /// Its name.
        name: Name,
        /// Argument sorts.
        params: Vec<Sort>,
        /// Result sort.
        result: Sort,
    },
    /// An uninterpreted predicate symbol.
    Predicate {
        /// Its name.
        name: Name,
        /// Argument sorts.
        params: Vec<Sort>,
    },
    /// `def name(params): result = body`; `body` names the parameters as free variables.
    DefineFunction {
        /// Its name.
        name: Name,
        /// Parameters.
        params: Vec<(Name, Sort)>,
        /// Result sort.
        result: Sort,
        /// The defining term.
        body: Term,
    },
    /// `def name(params): Prop = body`; `body` names the parameters as free variables.
    DefinePredicate {
        /// Its name.
        name: Name,
        /// Parameters.
        params: Vec<(Name, Sort)>,
        /// The defining formula.
        body: Formula,
    },
    /// An axiom: a closed formula taken without proof. It enters the trust base of
    /// every theorem that uses it.
    Axiom {
        /// Its name.
        name: Name,
        /// Its statement.
        statement: Formula,
    },
    /// A theorem checked by the kernel earlier.
    Theorem {
        /// Its name.
        name: Name,
        /// Its closed statement.
        statement: Formula,
        /// The axioms it rests on.
        trust_base: BTreeSet<Name>,
    },
}

impl Declaration {
    /// The name this declaration introduces.
    pub fn name(&self) -> &Name {
        match self {
            Declaration::Sort { name }
            | Declaration::Function { name, .. }
            | Declaration::Predicate { name, .. }
            | Declaration::DefineFunction { name, .. }
            | Declaration::DefinePredicate { name, .. }
            | Declaration::Axiom { name, .. }
            | Declaration::Theorem { name, .. } => name,
        }
    }
}

/// Every free variable of `root`, with its sort, in order of first occurrence.
pub fn free_variables(root: &Formula) -> Vec<(Name, Sort)> {
    let mut out: Vec<(Name, Sort)> = Vec::new();
    // What `out` holds, for a lookup in logarithmic time: a formula may have many.
    let mut seen: BTreeSet<(&Name, &Sort)> = BTreeSet::new();
    first_free(Node::F(root), |n, s| {
        if seen.insert((n, s)) {
            out.push((n.clone(), s.clone()));
        }
        false
    });
    out
}

/// Turns the free variable `x: s` of `t` into a dangling bound variable.
pub fn close_term(t: &Term, x: &str, s: &Sort) -> Term {
    map_term(t, Subst::Close(x, s), 0).unwrap_or_else(|| t.clone())
}

// These are constructors taking two operands, not operator methods on `self`.
#[allow(clippy::should_implement_trait)]
impl Term {
    /// A numeral.
    pub fn num(r: Rat) -> Term {
        Term::Num(Arc::new(r))
    }
    /// An integer numeral.
    pub fn int(n: i64) -> Term {
        Term::num(Rat::int(n))
    }
    /// A free variable.
    pub fn free(n: &str, s: Sort) -> Term {
        Term::Free(name(n), s)
    }
    /// An application `f(args)`.
    pub fn app(f: &str, args: Vec<Term>) -> Term {
        Term::App(name(f), Arc::from(args))
    }
    /// A constant `c`.
    pub fn constant(c: &str) -> Term {
        Term::App(name(c), Arc::from(Vec::new()))
    }
    /// `a + b`.
    pub fn add(a: Term, b: Term) -> Term {
        Term::Add(Arc::new(a), Arc::new(b))
    }
    /// `a - b`.
    pub fn sub(a: Term, b: Term) -> Term {
        Term::Sub(Arc::new(a), Arc::new(b))
    }
    /// `a * b`.
    pub fn mul(a: Term, b: Term) -> Term {
        Term::Mul(Arc::new(a), Arc::new(b))
    }
    /// `-a`.
    pub fn neg(a: Term) -> Term {
        Term::Neg(Arc::new(a))
    }
    /// `a ^ n`.
    pub fn pow(a: Term, n: u32) -> Term {
        Term::Pow(Arc::new(a), n)
    }
    /// `a / c`.
    pub fn div(a: Term, c: Rat) -> Term {
        Term::Div(Arc::new(a), Arc::new(c))
    }
}

#[allow(clippy::should_implement_trait)]
impl Formula {
    /// `a = b`.
    pub fn eq(a: Term, b: Term) -> Formula {
        Formula::Eq(a, b)
    }
    /// `a <= b`.
    pub fn le(a: Term, b: Term) -> Formula {
        Formula::Le(a, b)
    }
    /// `a < b`.
    pub fn lt(a: Term, b: Term) -> Formula {
        Formula::Lt(a, b)
    }
    /// `p(args)`.
    pub fn pred(p: &str, args: Vec<Term>) -> Formula {
        Formula::Pred(name(p), Arc::from(args))
    }
    /// `not a`.
    pub fn not(a: Formula) -> Formula {
        Formula::Not(Arc::new(a))
    }
    /// `a and b`.
    pub fn and(a: Formula, b: Formula) -> Formula {
        Formula::And(Arc::new(a), Arc::new(b))
    }
    /// `a or b`.
    pub fn or(a: Formula, b: Formula) -> Formula {
        Formula::Or(Arc::new(a), Arc::new(b))
    }
    /// `a -> b`.
    pub fn implies(a: Formula, b: Formula) -> Formula {
        Formula::Implies(Arc::new(a), Arc::new(b))
    }
    /// `a <-> b`.
    pub fn iff(a: Formula, b: Formula) -> Formula {
        Formula::Iff(Arc::new(a), Arc::new(b))
    }
    /// `forall x: s. body`, binding the free variable `x: s` of `body`.
    pub fn forall(x: &str, s: Sort, body: &Formula) -> Formula {
        let closed = close_formula(body, x, &s);
        Formula::Forall(Hint(name(x)), s, Arc::new(closed))
    }
    /// `exists x: s. body`, binding the free variable `x: s` of `body`.
    pub fn exists(x: &str, s: Sort, body: &Formula) -> Formula {
        let closed = close_formula(body, x, &s);
        Formula::Exists(Hint(name(x)), s, Arc::new(closed))
    }
}

// Rational operations the checker does not use (its own are in `rat.rs`).
impl Rat {
    /// Zero.
    pub fn zero() -> Rat {
        Rat::int(0)
    }
    /// One.
    pub fn one() -> Rat {
        Rat::int(1)
    }
    /// The rational `n / d`; `None` when `d` is zero.
    pub fn frac(n: i64, d: i64) -> Option<Rat> {
        if d == 0 {
            None
        } else {
            Some(Rat::from_big(BigRational::new(BigInt::from(n), BigInt::from(d))))
        }
    }
}

impl std::ops::Sub for &Rat {
    type Output = Rat;
    fn sub(self, o: &Rat) -> Rat {
        self + &-o
    }
}
impl std::ops::Neg for &Rat {
    type Output = Rat;
    fn neg(self) -> Rat {
        &Rat::int(-1) * self
    }
}
