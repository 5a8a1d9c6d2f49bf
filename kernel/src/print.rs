//! Printing terms and formulas in warrant's own syntax (not trusted: used only for
//! messages and `warrant verify`'s summary). Bound variables print with their hint,
//! renamed when that would clash.
//!
//! The printer appends to one `String` ([`write_formula`]): a symbol name, a binder's
//! name and a bound occurrence are copied from the formula, not allocated, and the
//! free variables' names (which a binder's name must avoid) are gathered at the first
//! binder only, so a formula without binders is printed in one walk. The text is that
//! of the printer before these changes, byte for byte (`print/reference.rs`, tests).

#[cfg(test)]
mod reference;

use crate::rat::Rat;
use crate::rat_text::RatShape;
use crate::term::{first_free, Formula, Name, Node, Sort, Term};
use std::borrow::Cow;
use std::fmt::{self, Write};

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

struct Printer<'f, 'o, 'r> {
    out: &'o mut String,
    /// How symbol and sort names are shown (e.g. a module-qualified name shortened);
    /// `None` shows them as they are.
    rename: Option<&'r dyn Fn(&str) -> String>,
    /// Names of the enclosing binders, innermost last.
    scope: Vec<Cow<'f, str>>,
    /// The formula whose free variables' names bound names must avoid (none for a term).
    root: Option<&'f Formula>,
    /// Those names, sorted and without repeats, once the first binder needs them.
    taken: Option<Vec<&'f str>>,
}

impl<'f> Printer<'f, '_, '_> {
    /// The name a binder with hint `hint` prints as: the hint (`x` if empty) unless an
    /// enclosing binder or a free variable of the root has it, else the first of
    /// `hint1`, `hint2`, … that none has.
    fn fresh(&mut self, hint: &'f str) -> Cow<'f, str> {
        let base = if hint.is_empty() { "x" } else { hint };
        let root = self.root;
        let taken = self.taken.get_or_insert_with(|| {
            let mut names: Vec<&'f str> = Vec::new();
            if let Some(root) = root {
                first_free(Node::F(root), |n, _| {
                    names.push(&**n);
                    false
                });
            }
            names.sort_unstable();
            names.dedup();
            names
        });
        let scope = &self.scope;
        let clash = |n: &str| scope.iter().any(|s| s == n) || taken.binary_search(&n).is_ok();
        if !clash(base) {
            return Cow::Borrowed(base);
        }
        Cow::Owned((1..).map(|i| format!("{base}{i}")).find(|n| !clash(n)).unwrap_or_default())
    }

    /// A symbol or sort name, as `rename` shows it.
    fn symbol(&mut self, n: &str) {
        match self.rename {
            Some(rename) => self.out.push_str(&rename(n)),
            None => self.out.push_str(n),
        }
    }

    fn sort(&mut self, s: &Sort) {
        match s {
            Sort::Rat => self.out.push_str("Rat"),
            Sort::Named(n) => self.symbol(n),
        }
    }

    fn args(&mut self, f: &Name, args: &'f [Term]) {
        self.symbol(f);
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

    /// A number where `ctx` binds: written first and parenthesised afterwards if its
    /// text needs it, so that it is formatted once.
    fn num(&mut self, r: &Rat, ctx: TPrec) {
        let at = self.out.len();
        let shape = r.write_text(self.out);
        let own = match shape {
            RatShape::Negative => TPrec::Unary,
            RatShape::Fraction => TPrec::Product,
            RatShape::Natural => TPrec::Atom,
        };
        if own < ctx {
            self.out.insert(at, '(');
            self.out.push(')');
        }
    }

    fn term(&mut self, t: &'f Term, ctx: TPrec) {
        if let Term::Num(r) = t {
            return self.num(r, ctx);
        }
        let own = match t {
            Term::Bound(_) | Term::Free(..) | Term::App(..) | Term::Num(_) => TPrec::Atom,
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
                match self.scope.len().checked_sub(i + 1) {
                    Some(k) => self.out.push_str(&self.scope[k]),
                    None => {
                        let _ = write!(self.out, "#{i}");
                    }
                }
            }
            Term::Free(n, _) => self.out.push_str(n),
            Term::Num(_) => {}
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
                self.num(c, TPrec::Atom);
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

    fn binary(&mut self, a: &'f Formula, op: &str, b: &'f Formula, own: Prec, ctx: Prec, right_assoc: bool) {
        let paren = own < ctx;
        if paren {
            self.out.push('(');
        }
        let (lp, rp) = if right_assoc { (next(own), own) } else { (own, next(own)) };
        self.formula(a, lp);
        self.out.push(' ');
        self.out.push_str(op);
        self.out.push(' ');
        self.formula(b, rp);
        if paren {
            self.out.push(')');
        }
    }

    fn formula(&mut self, f: &'f Formula, ctx: Prec) {
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
                self.out.push_str(if matches!(f, Formula::Forall(..)) { "forall " } else { "exists " });
                let n = self.fresh(&h.0);
                self.out.push_str(&n);
                self.out.push_str(": ");
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

    fn compare(&mut self, a: &'f Term, op: &str, b: &'f Term) {
        self.term(a, TPrec::Sum);
        self.out.push(' ');
        self.out.push_str(op);
        self.out.push(' ');
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

/// Appends `f` in warrant's syntax to `out` (the text [`formula_to_string`] returns).
pub fn write_formula(out: &mut String, f: &Formula) {
    write_formula_with(out, f, None);
}

/// [`write_formula`], showing each symbol and sort name `n` as `rename(n)` when given.
fn write_formula_with(out: &mut String, f: &Formula, rename: Option<&dyn Fn(&str) -> String>) {
    let mut p = Printer { out, rename, scope: Vec::new(), root: Some(f), taken: None };
    p.formula(f, Prec::Iff);
}

/// A formula in warrant's syntax.
pub fn formula_to_string(f: &Formula) -> String {
    let mut out = String::new();
    write_formula(&mut out, f);
    out
}

/// A formula in warrant's syntax, showing each symbol and sort name `n` as `rename(n)`.
pub fn formula_to_string_with(f: &Formula, rename: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    write_formula_with(&mut out, f, Some(rename));
    out
}

/// A term in warrant's syntax.
pub fn term_to_string(t: &Term) -> String {
    term_to_string_inner(t, None)
}

/// A term in warrant's syntax, showing each symbol name `n` as `rename(n)`.
pub fn term_to_string_with(t: &Term, rename: &dyn Fn(&str) -> String) -> String {
    term_to_string_inner(t, Some(rename))
}

fn term_to_string_inner(t: &Term, rename: Option<&dyn Fn(&str) -> String>) -> String {
    let mut out = String::new();
    let mut p = Printer { out: &mut out, rename, scope: Vec::new(), root: None, taken: None };
    p.term(t, TPrec::Sum);
    out
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&formula_to_string(self))
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&term_to_string(self))
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sort::Rat => f.write_str("Rat"),
            Sort::Named(n) => f.write_str(n),
        }
    }
}

/// A polynomial normal form printed readably, for the kernel's error messages.
pub(crate) fn show_poly(n: &crate::poly::Normalizer<'_>, p: &crate::poly::Poly) -> String {
    if p.0.is_empty() {
        return "0".into();
    }
    let mut s = String::new();
    for (i, (m, k)) in p.0.iter().enumerate() {
        if i > 0 {
            s.push_str(" + ");
        }
        if m.is_empty() {
            let _ = write!(s, "{k}");
            continue;
        }
        if *k != crate::Rat::one() {
            let _ = write!(s, "{k}*");
        }
        // A monomial lists each atom as often as its exponent.
        let factors: Vec<String> = m
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len()))
            .map(|(a, e)| {
                let atom = n
                    .atoms
                    .values
                    .get(a as usize)
                    .map(|t| term_to_string(t))
                    .unwrap_or_else(|| format!("#{a}"));
                if e == 1 {
                    atom
                } else {
                    format!("{atom}^{e}")
                }
            })
            .collect();
        s.push_str(&factors.join("*"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_in_warrant_syntax() {
        let m = Sort::Named(crate::name("Model"));
        let x = Term::free("m", m.clone());
        let rate = Term::app("attack_rate", vec![x.clone()]);
        let body = Formula::and(Formula::le(Term::int(0), rate.clone()), Formula::le(rate, Term::int(1)));
        let f = Formula::forall("m", m, &body);
        assert_eq!(f.to_string(), "forall m: Model. 0 <= attack_rate(m) and attack_rate(m) <= 1");
        let t = Term::mul(
            Term::add(Term::int(1), Term::free("x", Sort::Rat)),
            Term::neg(Term::free("y", Sort::Rat)),
        );
        assert_eq!(t.to_string(), "(1 + x) * -y");
        let imp = Formula::implies(Formula::implies(Formula::True, Formula::False), Formula::False);
        assert_eq!(imp.to_string(), "(true -> false) -> false");
        let nested = Formula::implies(Formula::True, Formula::implies(Formula::False, Formula::True));
        assert_eq!(nested.to_string(), "true -> false -> true");
    }

    #[test]
    fn renames_clashing_binders() {
        let x = Term::free("x", Sort::Rat);
        let inner = Formula::forall(
            "x",
            Sort::Rat,
            &Formula::le(Term::free("x", Sort::Rat), Term::free("y", Sort::Rat)),
        );
        let f = Formula::forall("y", Sort::Rat, &Formula::and(inner, Formula::eq(x.clone(), x)));
        // The free `x` keeps its name; the bound one is renamed.
        assert_eq!(f.to_string(), "forall y: Rat. (forall x1: Rat. x1 <= y) and x = x");
    }

    mod same_text_as_the_reference {
        use super::*;
        use crate::rat::Rat;
        use crate::term::Hint;
        use proptest::prelude::*;
        use std::sync::Arc;

        fn sort() -> impl Strategy<Value = Sort> {
            prop_oneof![
                Just(Sort::Rat),
                Just(Sort::Named(crate::name("M"))),
                Just(Sort::Named(crate::name("x")))
            ]
        }

        /// Names that clash on purpose: hints, free variables and the renamed forms
        /// (`x1`) share them, and a hint may be empty.
        fn hint() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec!["x", "y", "x1", "x2", "", "g"])
        }

        fn number() -> impl Strategy<Value = Rat> {
            prop_oneof![
                (-30i64..30, 1i64..5)
                    .prop_map(|(n, d)| format!("{n}/{d}").parse::<Rat>().expect("a rational")),
                Just("-123456789012345678901234567890/7".parse::<Rat>().expect("a rational")),
                Just("123456789012345678901234567890".parse::<Rat>().expect("a rational")),
                Just(Rat::int(i64::MIN)),
            ]
        }

        fn term() -> impl Strategy<Value = Term> {
            let leaf = prop_oneof![
                (0u32..4).prop_map(Term::Bound),
                (hint(), sort()).prop_map(|(n, s)| Term::Free(crate::name(n), s)),
                number().prop_map(Term::num),
                prop::sample::select(vec!["c", "M", "x"]).prop_map(Term::constant),
            ];
            leaf.prop_recursive(4, 24, 3, |t| {
                prop_oneof![
                    (prop::sample::select(vec!["f", "x", "g"]), prop::collection::vec(t.clone(), 0..3))
                        .prop_map(|(f, args)| Term::app(f, args)),
                    t.clone().prop_map(Term::neg),
                    (t.clone(), t.clone()).prop_map(|(a, b)| Term::add(a, b)),
                    (t.clone(), t.clone()).prop_map(|(a, b)| Term::sub(a, b)),
                    (t.clone(), t.clone()).prop_map(|(a, b)| Term::mul(a, b)),
                    (t.clone(), number()).prop_map(|(a, r)| Term::Div(Arc::new(a), Arc::new(r))),
                    (t, 0u32..12).prop_map(|(a, n)| Term::Pow(Arc::new(a), n)),
                ]
            })
        }

        fn formula() -> impl Strategy<Value = Formula> {
            let leaf = prop_oneof![
                Just(Formula::True),
                Just(Formula::False),
                (term(), term()).prop_map(|(a, b)| Formula::Eq(a, b)),
                (term(), term()).prop_map(|(a, b)| Formula::Le(a, b)),
                (term(), term()).prop_map(|(a, b)| Formula::Lt(a, b)),
                (prop::sample::select(vec!["p", "x"]), prop::collection::vec(term(), 0..3))
                    .prop_map(|(p, args)| Formula::Pred(crate::name(p), Arc::from(args))),
            ];
            leaf.prop_recursive(6, 32, 2, |f| {
                let sub = f.clone().prop_map(Arc::new);
                prop_oneof![
                    sub.clone().prop_map(Formula::Not),
                    (sub.clone(), sub.clone()).prop_map(|(a, b)| Formula::And(a, b)),
                    (sub.clone(), sub.clone()).prop_map(|(a, b)| Formula::Or(a, b)),
                    (sub.clone(), sub.clone()).prop_map(|(a, b)| Formula::Implies(a, b)),
                    (sub.clone(), sub.clone()).prop_map(|(a, b)| Formula::Iff(a, b)),
                    (hint(), sort(), sub.clone()).prop_map(|(h, s, b)| Formula::Forall(
                        Hint(crate::name(h)),
                        s,
                        b
                    )),
                    (hint(), sort(), sub).prop_map(|(h, s, b)| Formula::Exists(Hint(crate::name(h)), s, b)),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]

            /// Random formulas (binders whose hints clash with each other and with
            /// free variables, dangling bound variables, negative, fractional and big
            /// numbers) print as the printer before round 3 printed them, with and
            /// without a renaming of symbols, and appended after other text.
            #[test]
            fn formulas(f in formula()) {
                prop_assert_eq!(formula_to_string(&f), reference::formula_to_string(&f));
                let rename = |n: &str| format!("<{n}>");
                prop_assert_eq!(formula_to_string_with(&f, &rename), reference::formula_to_string_with(&f, &rename));
                let mut out = String::from("before ");
                write_formula(&mut out, &f);
                prop_assert_eq!(out, format!("before {}", reference::formula_to_string(&f)));
            }

            /// Random terms likewise.
            #[test]
            fn terms(t in term()) {
                prop_assert_eq!(term_to_string(&t), reference::term_to_string(&t));
            }
        }
    }
}
