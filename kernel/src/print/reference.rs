//! The printer as it was before 2026-11-27's round 3 (a `String` allocated per symbol
//! name, per bound occurrence and per binder, the free variables gathered before
//! printing), kept for tests only: the printer must give its text byte for byte.

use crate::term::{free_variables, Formula, Name, Sort, Term};
use std::fmt::Write;

/// Binding strength, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Iff,
    Imp,
    Or,
    And,
    Not,
    Atom,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TPrec {
    Sum,
    Product,
    Unary,
    Power,
    Atom,
}

struct Printer<'r> {
    out: String,
    /// How symbol names are shown (e.g. a module-qualified name shortened).
    rename: &'r dyn Fn(&str) -> String,
    /// Names of the enclosing binders, innermost last.
    scope: Vec<String>,
    /// Names of free variables, which bound names must avoid.
    taken: Vec<String>,
}

impl Printer<'_> {
    fn fresh(&self, hint: &str) -> String {
        let base = if hint.is_empty() { "x" } else { hint };
        let clash = |n: &str| self.scope.iter().any(|s| s == n) || self.taken.iter().any(|s| s == n);
        if !clash(base) {
            return base.to_string();
        }
        (1..).map(|i| format!("{base}{i}")).find(|n| !clash(n)).unwrap_or_default()
    }

    fn sort(&mut self, s: &Sort) {
        match s {
            Sort::Rat => self.out.push_str("Rat"),
            Sort::Named(n) => {
                let shown = (self.rename)(n);
                self.out.push_str(&shown)
            }
        }
    }

    fn args(&mut self, f: &Name, args: &[Term]) {
        let shown = (self.rename)(f);
        self.out.push_str(&shown);
        if args.is_empty() {
            return;
        }
        self.out.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.term(a, TPrec::Sum);
        }
        self.out.push(')');
    }

    fn term(&mut self, t: &Term, ctx: TPrec) {
        let own = match t {
            Term::Bound(_) | Term::Free(..) | Term::App(..) => TPrec::Atom,
            Term::Num(r) => {
                let text = r.to_string();
                if text.starts_with('-') {
                    TPrec::Unary
                } else if text.contains('/') {
                    TPrec::Product
                } else {
                    TPrec::Atom
                }
            }
            Term::Neg(_) => TPrec::Unary,
            Term::Add(..) | Term::Sub(..) => TPrec::Sum,
            Term::Mul(..) | Term::Div(..) => TPrec::Product,
            Term::Pow(..) => TPrec::Power,
        };
        let paren = own < ctx;
        if paren {
            self.out.push('(');
        }
        match t {
            Term::Bound(i) => {
                let i = *i as usize;
                let n = match self.scope.len().checked_sub(i + 1) {
                    Some(k) => self.scope[k].clone(),
                    None => format!("#{i}"),
                };
                self.out.push_str(&n);
            }
            Term::Free(n, _) => self.out.push_str(n),
            Term::Num(r) => {
                let _ = write!(self.out, "{r}");
            }
            Term::App(f, args) => self.args(f, args),
            Term::Neg(a) => {
                self.out.push('-');
                self.term(a, TPrec::Unary);
            }
            Term::Add(a, b) | Term::Sub(a, b) => {
                self.term(a, TPrec::Sum);
                self.out.push_str(if matches!(t, Term::Add(..)) { " + " } else { " - " });
                self.term(b, TPrec::Product);
            }
            Term::Mul(a, b) => {
                self.term(a, TPrec::Product);
                self.out.push_str(" * ");
                self.term(b, TPrec::Unary);
            }
            Term::Div(a, c) => {
                self.term(a, TPrec::Product);
                self.out.push_str(" / ");
                let text = c.to_string();
                if text.contains('/') || text.starts_with('-') {
                    let _ = write!(self.out, "({text})");
                } else {
                    self.out.push_str(&text);
                }
            }
            Term::Pow(a, n) => {
                self.term(a, TPrec::Atom);
                let _ = write!(self.out, "^{n}");
            }
        }
        if paren {
            self.out.push(')');
        }
    }

    fn binary(&mut self, a: &Formula, op: &str, b: &Formula, own: Prec, ctx: Prec, right_assoc: bool) {
        let paren = own < ctx;
        if paren {
            self.out.push('(');
        }
        let (lp, rp) = if right_assoc { (next(own), own) } else { (own, next(own)) };
        self.formula(a, lp);
        let _ = write!(self.out, " {op} ");
        self.formula(b, rp);
        if paren {
            self.out.push(')');
        }
    }

    fn formula(&mut self, f: &Formula, ctx: Prec) {
        match f {
            Formula::True => self.out.push_str("true"),
            Formula::False => self.out.push_str("false"),
            Formula::Eq(a, b) => self.compare(a, "=", b),
            Formula::Le(a, b) => self.compare(a, "<=", b),
            Formula::Lt(a, b) => self.compare(a, "<", b),
            Formula::Pred(p, args) => self.args(p, args),
            Formula::Not(a) => {
                self.out.push_str("not ");
                self.formula(a, Prec::Not);
            }
            Formula::And(a, b) => self.binary(a, "and", b, Prec::And, ctx, false),
            Formula::Or(a, b) => self.binary(a, "or", b, Prec::Or, ctx, false),
            Formula::Implies(a, b) => self.binary(a, "->", b, Prec::Imp, ctx, true),
            Formula::Iff(a, b) => self.binary(a, "<->", b, Prec::Iff, ctx, true),
            Formula::Forall(h, s, body) | Formula::Exists(h, s, body) => {
                let paren = ctx > Prec::Iff;
                if paren {
                    self.out.push('(');
                }
                let q = if matches!(f, Formula::Forall(..)) { "forall" } else { "exists" };
                let n = self.fresh(&h.0);
                let _ = write!(self.out, "{q} {n}: ");
                self.sort(s);
                self.out.push_str(". ");
                self.scope.push(n);
                self.formula(body, Prec::Iff);
                self.scope.pop();
                if paren {
                    self.out.push(')');
                }
            }
        }
    }

    fn compare(&mut self, a: &Term, op: &str, b: &Term) {
        self.term(a, TPrec::Sum);
        let _ = write!(self.out, " {op} ");
        self.term(b, TPrec::Sum);
    }
}

fn next(p: Prec) -> Prec {
    match p {
        Prec::Iff => Prec::Imp,
        Prec::Imp => Prec::Or,
        Prec::Or => Prec::And,
        Prec::And => Prec::Not,
        Prec::Not | Prec::Atom => Prec::Atom,
    }
}

fn keep(n: &str) -> String {
    n.to_string()
}

/// The reference printer's text of `f`, showing each symbol name `n` as `rename(n)`.
pub(crate) fn formula_to_string_with(f: &Formula, rename: &dyn Fn(&str) -> String) -> String {
    let taken = free_variables(f).into_iter().map(|(n, _)| n.to_string()).collect();
    let mut p = Printer { out: String::new(), rename, scope: Vec::new(), taken };
    p.formula(f, Prec::Iff);
    p.out
}

/// The reference printer's text of `f`.
pub(crate) fn formula_to_string(f: &Formula) -> String {
    formula_to_string_with(f, &keep)
}

/// The reference printer's text of `t`.
pub(crate) fn term_to_string(t: &Term) -> String {
    let mut p = Printer { out: String::new(), rename: &keep, scope: Vec::new(), taken: Vec::new() };
    p.term(t, TPrec::Sum);
    p.out
}
