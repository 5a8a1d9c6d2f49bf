//! Name resolution, type checking and lowering into kernel terms, formulas and
//! declarations. Works module by module in dependency order; every problem is a
//! diagnostic and elaboration goes on, marking what failed as broken so that one
//! mistake is reported once.

use crate::ast::{self, BinOp, ClauseKind, DefResult, ExprKind, ItemKind, LemmaKind, Quantifier, RelOp};
use crate::diag::{ss, Diagnostic, LangError};
use crate::limits::Limits;
use crate::program::*;
use crate::span::{FileId, Span};
use std::sync::Arc;
use warrant_kernel::{name, Declaration, Formula, Hint, Name, Rat, Signature, Sort, Term};

// ---------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------

/// Resolves `path` in `module`. `locals` are offered as suggestions only.
pub(crate) fn resolve_in(
    modules: &[Module],
    globals: &[Global],
    module: ModuleId,
    path: &ast::Path,
    kind: &'static str,
    locals: &[(Name, Sort)],
) -> Result<GlobalId, LangError> {
    let Some(m) = modules.get(module) else {
        return Err(unknown(kind, path, None));
    };
    match m.names.get(path.text.as_str()) {
        None => {
            let suggestion = suggest(&path.text, m.names.keys().chain(locals.iter().map(|(n, _)| &**n)));
            Err(unknown(kind, path, suggestion))
        }
        Some(ids) => {
            let mut own = ids.iter().copied().filter(|&i| globals.get(i).is_some_and(|g| g.module == module));
            if let (Some(only), None) = (own.next(), own.next()) {
                return Ok(only);
            }
            let mut distinct = ids.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() == 1 {
                return Ok(distinct[0]);
            }
            let candidates: Vec<String> =
                distinct.iter().filter_map(|&i| globals.get(i)).map(|g| format!("`{}`", g.kernel)).collect();
            Err(LangError::Ambiguous {
                name: path.text.as_str().to_owned(),
                candidates: candidates.join(" and "),
                span: ss(path.span),
            })
        }
    }
}

fn unknown(kind: &'static str, path: &ast::Path, suggestion: Option<String>) -> LangError {
    LangError::UnknownName {
        kind,
        name: path.text.as_str().to_owned(),
        help: suggestion.map(|s| format!("did you mean `{s}`?")),
        span: ss(path.span),
    }
}

/// `a.b`. (Names are made for every declaration: `format!` costs ten times as much.)
pub(crate) fn dotted(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + 1 + b.len());
    s.push_str(a);
    s.push('.');
    s.push_str(b);
    s
}

/// The closest name to `name` among `candidates`, if one is close enough.
pub(crate) fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let want_dots = name.contains('.');
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.contains('.') != want_dots || c == name {
            continue;
        }
        if c.len().abs_diff(name.len()) > 3 {
            continue;
        }
        let d = strsim::levenshtein(name, c);
        let limit = (name.chars().count() / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// The sort given to a variable whose declared sort did not resolve: anything that
/// involves it is not reported again.
fn error_sort() -> Sort {
    Sort::Named(name("?"))
}

fn is_error_sort(s: &Sort) -> bool {
    matches!(s, Sort::Named(n) if &**n == "?")
}

/// Shows a sort in a message.
fn sort_str(s: &Sort) -> String {
    match s {
        Sort::Rat => "Rat".into(),
        Sort::Named(n) => n.rsplit('.').next().unwrap_or(n).to_string(),
    }
}

// ---------------------------------------------------------------------------
// Lowering expressions
// ---------------------------------------------------------------------------

/// A lowered expression.
enum Low {
    Term(Term, Sort),
    Formula(Formula),
}

/// The state of lowering one expression (or one item's expressions).
struct Lx<'e> {
    modules: &'e [Module],
    globals: &'e [Global],
    module: ModuleId,
    numeral_len: usize,
    max_exponent: u32,
    /// Variables in scope, innermost last. A variable's occurrences share its `Name`.
    locals: Vec<(Name, Sort)>,
    /// How many of the last `locals` are the binders of the quantifiers being
    /// lowered (one binder a level, innermost last): their occurrences are made bound
    /// variables at once (`Term::Bound`, counted from the innermost binder), so a
    /// quantifier's body needs no pass that closes it over each binder afterwards.
    /// The other locals (parameters, a proof's variables) are free variables.
    binders: usize,
    errors: Vec<LangError>,
    refs: Vec<(Span, GlobalId)>,
    /// Defined symbols used (to order and check definitions).
    deps: Vec<GlobalId>,
    /// The definition being lowered (its own name is a recursive use).
    current: Option<GlobalId>,
    /// Set when a broken declaration was used: the result is unusable but the error
    /// was reported where that declaration is.
    poisoned: bool,
}

impl<'e> Lx<'e> {
    fn new(
        modules: &'e [Module],
        globals: &'e [Global],
        module: ModuleId,
        limits: &Limits,
        max_exponent: u32,
    ) -> Lx<'e> {
        Lx {
            modules,
            globals,
            module,
            numeral_len: limits.max_numeral_len,
            max_exponent,
            locals: Vec::new(),
            binders: 0,
            errors: Vec::new(),
            refs: Vec::new(),
            deps: Vec::new(),
            current: None,
            poisoned: false,
        }
    }

    fn err(&mut self, e: LangError) {
        self.errors.push(e);
    }

    fn resolve(&mut self, path: &ast::Path, kind: &'static str) -> Option<GlobalId> {
        match resolve_in(self.modules, self.globals, self.module, path, kind, &self.locals) {
            Ok(id) => {
                self.refs.push((path.span, id));
                if self.globals[id].broken {
                    self.poisoned = true;
                    return None;
                }
                Some(id)
            }
            Err(e) => {
                let attempted = matches!(e, LangError::UnknownName { .. })
                    && self.modules[self.module].attempted.contains(path.text.as_str());
                if attempted {
                    self.poisoned = true;
                } else {
                    self.err(e);
                }
                None
            }
        }
    }

    fn sort(&mut self, path: &ast::Path) -> Option<Sort> {
        if path.text == "Rat" {
            return Some(Sort::Rat);
        }
        if path.text == "Prop" {
            self.err(LangError::Invalid {
                message: "`Prop` is not a sort".into(),
                help: Some(
                    "`Prop` is only the result of a predicate definition: `def p(x: S): Prop = ...`".into(),
                ),
                span: ss(path.span),
            });
            return None;
        }
        let id = self.resolve(path, "sort")?;
        let g = &self.globals[id];
        match g.kind {
            GlobalKind::Sort => Some(Sort::Named(g.kernel.clone())),
            ref other => {
                self.err(LangError::WrongKind {
                    name: path.text.as_str().to_owned(),
                    found: other.describe().into(),
                    expected: "sort".into(),
                    help: None,
                    span: ss(path.span),
                });
                None
            }
        }
    }

    /// The innermost local named `n`, with how many locals are inside it.
    fn local(&self, n: &str) -> Option<(usize, &(Name, Sort))> {
        self.locals.iter().rev().enumerate().find(|(_, (l, _))| &**l == n)
    }

    /// The variable `n` as a term with its sort: the bound variable of a quantifier
    /// being lowered (its de Bruijn index is the number of binders inside it, which
    /// is what closing the body over that binder would have made of it), or a free
    /// variable.
    fn variable(&self, n: &str) -> Option<(Term, Sort)> {
        let (from_innermost, (x, s)) = self.local(n)?;
        let term = match u32::try_from(from_innermost) {
            Ok(index) if from_innermost < self.binders => Term::Bound(index),
            _ => Term::Free(x.clone(), s.clone()),
        };
        Some((term, s.clone()))
    }

    fn formula(&mut self, e: &ast::Expr) -> Option<Formula> {
        match self.lower(e)? {
            Low::Formula(f) => Some(f),
            Low::Term(_, s) => {
                self.err(LangError::TermNotFormula { sort: sort_str(&s), span: ss(e.span) });
                None
            }
        }
    }

    fn term(&mut self, e: &ast::Expr) -> Option<(Term, Sort)> {
        match self.lower(e)? {
            Low::Term(t, s) => Some((t, s)),
            Low::Formula(_) => {
                self.err(LangError::FormulaNotTerm { span: ss(e.span) });
                None
            }
        }
    }

    /// A term of sort `Rat`, the operand of the operator `op` (named in the error).
    fn rat_term(&mut self, e: &ast::Expr, op: &str) -> Option<Term> {
        let (t, s) = self.term(e)?;
        if is_error_sort(&s) {
            self.poisoned = true;
            return None;
        }
        if s != Sort::Rat {
            self.err(LangError::SortMismatch {
                expected: "Rat".into(),
                found: sort_str(&s),
                help: Some(format!("`{op}` works on `Rat` only")),
                span: ss(e.span),
            });
            return None;
        }
        Some(t)
    }

    /// The arguments of `f` lowered, each checked against its parameter's sort: made
    /// straight into the shared slice a kernel application holds (no vector to copy
    /// from).
    fn args(
        &mut self,
        f: &ast::Path,
        params: &[Sort],
        args: &[ast::Expr],
        span: Span,
    ) -> Option<Arc<[Term]>> {
        if params.len() != args.len() {
            let sig = params.iter().map(sort_str).collect::<Vec<_>>().join(", ");
            self.err(LangError::Arity {
                name: f.text.as_str().to_owned(),
                expected: params.len(),
                found: args.len(),
                help: Some(format!("`{}` takes ({sig})", f.text)),
                span: ss(span),
            });
            // Still check the arguments for their own errors.
            for a in args {
                let _ = self.lower(a);
            }
            return None;
        }
        let mut ok = true;
        // Every argument is lowered, in order, whatever happens to the others; a
        // failed one holds a placeholder and the whole slice is dropped.
        let out: Arc<[Term]> = params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, (p, a))| match self.term(a) {
                Some((t, s)) if &s == p => t,
                Some((_, s)) if is_error_sort(&s) => {
                    self.poisoned = true;
                    ok = false;
                    Term::Bound(0)
                }
                Some((_, s)) => {
                    self.err(LangError::SortMismatch {
                        expected: sort_str(p),
                        found: sort_str(&s),
                        help: Some(format!("argument {} of `{}`", i + 1, f.text)),
                        span: ss(a.span),
                    });
                    ok = false;
                    Term::Bound(0)
                }
                None => {
                    ok = false;
                    Term::Bound(0)
                }
            })
            .collect();
        ok.then_some(out)
    }

    fn symbol(&mut self, path: &ast::Path, args: &[ast::Expr], span: Span, applied: bool) -> Option<Low> {
        if path.is_simple() {
            if let Some((t, s)) = self.variable(&path.text) {
                if applied {
                    self.err(LangError::WrongKind {
                        name: path.text.as_str().to_owned(),
                        found: "variable".into(),
                        expected: "function or predicate".into(),
                        help: Some("only functions and predicates take arguments".into()),
                        span: ss(path.span),
                    });
                    return None;
                }
                return Some(Low::Term(t, s));
            }
        }
        let id = self.resolve(path, "name")?;
        if self.current == Some(id) {
            self.err(LangError::RecursiveDef {
                cycle: format!("{0} -> {0}", path.text),
                span: ss(path.span),
            });
            return None;
        }
        // The declarations outlive this lowering: borrow their sorts, do not copy them.
        let globals = self.globals;
        let g = &globals[id];
        let kernel = g.kernel.clone();
        match &g.kind {
            GlobalKind::Function { params, result, defined } => {
                if *defined {
                    self.deps.push(id);
                }
                let args = self.args(path, params, args, span)?;
                Some(Low::Term(Term::App(kernel, args), result.clone()))
            }
            GlobalKind::Predicate { params, defined } => {
                if *defined {
                    self.deps.push(id);
                }
                let args = self.args(path, params, args, span)?;
                Some(Low::Formula(Formula::Pred(kernel, args)))
            }
            other => {
                let found = other.describe();
                let help = match other {
                    GlobalKind::Axiom { .. } | GlobalKind::Lemma { .. } => Some(
                        "facts are cited in proofs (`linarith [name]`), not used in statements".to_string(),
                    ),
                    _ => None,
                };
                self.err(LangError::WrongKind {
                    name: path.text.as_str().to_owned(),
                    found: found.into(),
                    expected: "term or formula".into(),
                    help,
                    span: ss(path.span),
                });
                None
            }
        }
    }

    fn lower(&mut self, e: &ast::Expr) -> Option<Low> {
        match &e.kind {
            ExprKind::Error => None,
            ExprKind::Num(text) => match crate::numeral::value(text, self.numeral_len) {
                Some(r) => Some(Low::Term(Term::num(r), Sort::Rat)),
                None => {
                    self.err(LangError::BadNumeral { text: text.to_string(), span: ss(e.span) });
                    None
                }
            },
            ExprKind::True => Some(Low::Formula(Formula::True)),
            ExprKind::False => Some(Low::Formula(Formula::False)),
            ExprKind::Name(p) => self.symbol(p, &[], e.span, false),
            ExprKind::App(p, args) => self.symbol(p, args, e.span, true),
            ExprKind::Neg(a) => {
                let t = self.rat_term(a, "-")?;
                Some(Low::Term(Term::neg(t), Sort::Rat))
            }
            ExprKind::Not(a) => Some(Low::Formula(Formula::not(self.formula(a)?))),
            ExprKind::Bin(op, a, b) => self.binary(*op, a, b),
            ExprKind::Cmp(first, rest) => self.compare(first, rest),
            ExprKind::Quant(q, binders, body) => {
                let mut sorts = Vec::with_capacity(binders.len());
                // Binder lists are short: look back through them, unless one is long.
                let mut seen: Option<NameSet<&str>> = (binders.len() > 16).then(NameSet::default);
                for (i, b) in binders.iter().enumerate() {
                    let repeated = match &mut seen {
                        Some(seen) => !seen.insert(b.name.text.as_str()),
                        None => binders[..i].iter().any(|c| c.name.text == b.name.text),
                    };
                    if repeated {
                        self.err(LangError::Duplicate {
                            name: b.name.text.as_str().to_owned(),
                            span: ss(b.name.span),
                            previous: None,
                        });
                    }
                    sorts.push(self.sort(&b.sort));
                }
                let n = self.locals.len();
                for (b, s) in binders.iter().zip(&sorts) {
                    // An unresolved sort still binds the name, so that the body does
                    // not report it as unknown.
                    self.locals.push((name(&b.name.text), s.clone().unwrap_or_else(error_sort)));
                }
                // The body is lowered with the binders' occurrences already bound
                // (`Lx::variable`): it is closed as it is made.
                self.binders += binders.len();
                let body = self.formula(body);
                self.binders -= binders.len();
                let bound = self.locals.split_off(n);
                let mut f = body?;
                // As `Formula::forall` and `Formula::exists` do, with the binder's name
                // as the hint.
                for ((x, _), s) in bound.into_iter().zip(sorts).rev() {
                    let s = s?;
                    f = match q {
                        Quantifier::Forall => Formula::Forall(Hint(x), s, Arc::new(f)),
                        Quantifier::Exists => Formula::Exists(Hint(x), s, Arc::new(f)),
                    };
                }
                Some(Low::Formula(f))
            }
        }
    }

    fn binary(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr) -> Option<Low> {
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies | BinOp::Iff => {
                let fa = self.formula(a);
                let fb = self.formula(b);
                let (fa, fb) = (fa?, fb?);
                Some(Low::Formula(match op {
                    BinOp::And => Formula::and(fa, fb),
                    BinOp::Or => Formula::or(fa, fb),
                    BinOp::Implies => Formula::implies(fa, fb),
                    _ => Formula::iff(fa, fb),
                }))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul => {
                let ta = self.rat_term(a, op.text());
                let tb = self.rat_term(b, op.text());
                let (ta, tb) = (ta?, tb?);
                Some(Low::Term(
                    match op {
                        BinOp::Add => Term::add(ta, tb),
                        BinOp::Sub => Term::sub(ta, tb),
                        _ => Term::mul(ta, tb),
                    },
                    Sort::Rat,
                ))
            }
            BinOp::Div => {
                let ta = self.rat_term(a, "/");
                let c = self.divisor(b);
                let (ta, c) = (ta?, c?);
                let t = match &ta {
                    Term::Num(n) => Term::num(&**n * &c.recip()?),
                    _ => Term::div(ta, c),
                };
                Some(Low::Term(t, Sort::Rat))
            }
            BinOp::Pow => {
                let ta = self.rat_term(a, "^");
                let n = self.exponent(b);
                Some(Low::Term(Term::pow(ta?, n?), Sort::Rat))
            }
        }
    }

    fn divisor(&mut self, b: &ast::Expr) -> Option<Rat> {
        let (neg, inner) = match &b.kind {
            ExprKind::Neg(x) => (true, &**x),
            _ => (false, b),
        };
        if let ExprKind::Num(text) = &inner.kind {
            let Some(v) = crate::numeral::value(text, self.numeral_len) else {
                self.err(LangError::BadNumeral { text: text.to_string(), span: ss(inner.span) });
                return None;
            };
            if v.is_zero() {
                self.err(LangError::BadDivision { what: "zero".into(), span: ss(b.span) });
                return None;
            }
            return Some(if neg { -&v } else { v });
        }
        // Check the divisor's own errors first, then say why it cannot divide.
        let before = self.errors.len();
        let low = self.lower(b);
        if self.errors.len() > before || self.poisoned {
            return None;
        }
        let what = match low {
            Some(Low::Formula(_)) => "a formula".to_string(),
            _ => "an expression that is not a numeral".to_string(),
        };
        self.err(LangError::BadDivision { what, span: ss(b.span) });
        None
    }

    fn exponent(&mut self, b: &ast::Expr) -> Option<u32> {
        let bad = |me: &mut Lx| {
            me.err(LangError::BadExponent { max: me.max_exponent, span: ss(b.span) });
            None
        };
        let ExprKind::Num(text) = &b.kind else {
            return bad(self);
        };
        if !text.bytes().all(|c| c.is_ascii_digit()) || text.len() > 9 {
            return bad(self);
        }
        match text.parse::<u32>() {
            Ok(n) if n <= self.max_exponent => Some(n),
            _ => bad(self),
        }
    }

    fn compare(&mut self, first: &ast::Expr, rest: &[(RelOp, ast::Expr)]) -> Option<Low> {
        let mut sides = Vec::with_capacity(rest.len() + 1);
        sides.push(self.term(first));
        for (_, e) in rest {
            sides.push(self.term(e));
        }
        let mut out: Option<Formula> = None;
        let mut ok = true;
        for (i, (op, e)) in rest.iter().enumerate() {
            let (Some((a, sa)), Some((b, sb))) = (&sides[i], &sides[i + 1]) else {
                ok = false;
                continue;
            };
            if is_error_sort(sa) || is_error_sort(sb) {
                self.poisoned = true;
                ok = false;
                continue;
            }
            let f = match op {
                RelOp::Eq => {
                    if sa != sb {
                        self.err(LangError::SortMismatch {
                            expected: sort_str(sa),
                            found: sort_str(sb),
                            help: Some("both sides of `=` must have the same sort".into()),
                            span: ss(e.span),
                        });
                        ok = false;
                        continue;
                    }
                    Formula::eq(a.clone(), b.clone())
                }
                _ => {
                    let mut bad = false;
                    for (s, ex) in [(sa, if i == 0 { first } else { &rest[i - 1].1 }), (sb, e)] {
                        if *s != Sort::Rat {
                            self.err(LangError::SortMismatch {
                                expected: "Rat".into(),
                                found: sort_str(s),
                                help: Some(format!("`{}` compares rationals only", op.text())),
                                span: ss(ex.span),
                            });
                            bad = true;
                        }
                    }
                    if bad {
                        ok = false;
                        continue;
                    }
                    match op {
                        RelOp::Le => Formula::le(a.clone(), b.clone()),
                        RelOp::Lt => Formula::lt(a.clone(), b.clone()),
                        RelOp::Ge => Formula::le(b.clone(), a.clone()),
                        _ => Formula::lt(b.clone(), a.clone()),
                    }
                }
            };
            out = Some(match out {
                None => f,
                Some(acc) => Formula::and(acc, f),
            });
        }
        if !ok {
            return None;
        }
        out.map(Low::Formula)
    }
}

/// The strings of one declaration ([`Elab::declare_names`]): the `Global`'s own, and
/// the keys it gets in its module's name table.
struct ItemNames {
    short: String,
    kernel: Name,
    doc: Option<String>,
    /// Its short name, `module.name` and (when the module's name has dots)
    /// `last_segment.name`.
    short_key: String,
    qualified: String,
    last_key: Option<String>,
}

impl ItemNames {
    /// The strings of `item`'s declaration in the module `modname` (whose last segment
    /// is `last`), if it declares a name.
    fn of(item: &ast::Item, modname: &str, last: &str) -> Option<ItemNames> {
        let ident = match &item.kind {
            ItemKind::Sort(name)
            | ItemKind::Fn { name, .. }
            | ItemKind::Pred { name, .. }
            | ItemKind::Def { name, .. }
            | ItemKind::Axiom { name, .. }
            | ItemKind::Lemma { name, .. } => name,
            ItemKind::Technique(t) => &t.name,
            ItemKind::Challenge(c) => &c.name,
            ItemKind::Module(_) | ItemKind::Import(_) | ItemKind::Limits(_) | ItemKind::Error => return None,
        };
        Some(ItemNames::new(item, ident, modname, last))
    }

    fn new(item: &ast::Item, ident: &ast::Ident, modname: &str, last: &str) -> ItemNames {
        let qualified = dotted(modname, &ident.text);
        ItemNames {
            short: ident.text.as_str().to_owned(),
            kernel: name(&qualified),
            doc: item.doc.clone(),
            short_key: ident.text.as_str().to_owned(),
            qualified,
            last_key: (last != modname).then(|| dotted(last, &ident.text)),
        }
    }
}

/// Below this many items a module's items are lowered on one thread: sharing out the
/// work would cost more than it saves.
const PARALLEL_ITEMS: usize = 64;

/// `one(0)`, ..., `one(count - 1)`, in order: on the pool from [`PARALLEL_ITEMS`]
/// items, on this thread below.
fn map_items<T: Send>(count: usize, one: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    if count < PARALLEL_ITEMS {
        (0..count).map(one).collect()
    } else {
        (0..count).into_par_iter().map(one).collect()
    }
}

/// What lowering one item gave: its value, diagnostics, resolved names, the defined
/// symbols it uses and whether it used a broken declaration.
pub(crate) struct Lowering<T> {
    value: Option<T>,
    pub(crate) errors: Vec<LangError>,
    pub(crate) refs: Vec<(Span, GlobalId)>,
    deps: Vec<GlobalId>,
    pub(crate) poisoned: bool,
}

/// A signature, lowered ([`Elab::lower_signature`]): the parameters (`None` when one
/// does not lower) and the result sort (`None` for a predicate, `Some(None)` when it
/// does not lower).
type SignatureLowering = (Option<Vec<(Name, Sort)>>, Option<Option<Sort>>);

/// A technique's clauses, lowered ([`Elab::lower_technique`]).
pub(crate) struct TechniqueLowering {
    pub(crate) info: TechniqueInfo,
    pub(crate) broken: bool,
    /// The obligations of its guarantees with a statement, then of its discharges,
    /// made with the lowering (on the pool when techniques are lowered in parallel):
    /// only their numbers and the technique's number are left to fill in when it
    /// takes its place ([`Elab::technique_obligations`]).
    obligations: Vec<Obligation>,
    pub(crate) low: Lowering<()>,
}

impl TechniqueInfo {
    /// The entry that holds a technique's place in [`Elab::techniques`] until it is
    /// lowered: nothing reads it, since its declaration does not point at it yet.
    fn placeholder(global: GlobalId, module: ModuleId, file: FileId) -> TechniqueInfo {
        TechniqueInfo {
            name: name(""),
            short: String::new(),
            global,
            module,
            file,
            span: Span::default(),
            doc: None,
            params: Vec::new(),
            source: None,
            proposed_by: None,
            oversees: None,
            assumptions: Vec::new(),
            uses: Vec::new(),
            discharges: Vec::new(),
            lifts: Vec::new(),
            intent: None,
            guarantees: Vec::new(),
            witness: None,
            answers: None,
            broken: true,
        }
    }
}

impl<T> Lowering<T> {
    fn of(lx: Lx<'_>, value: Option<T>) -> Lowering<T> {
        let mut deps = lx.deps;
        deps.sort_unstable();
        deps.dedup();
        Lowering { value, errors: lx.errors, refs: lx.refs, deps, poisoned: lx.poisoned }
    }

    /// Did lowering read a declaration that `modified` marks, or the item's own
    /// declaration `own` after it was marked? Lowering reads a declaration only
    /// through a name that resolved to it, and every such name is in `refs` (broken
    /// ones included).
    fn reads_any(&self, modified: &[bool], own: GlobalId) -> bool {
        modified[own] || self.refs.iter().any(|&(_, g)| modified[g])
    }
}

/// Substitutes `args` for the free variables `params` of `f`, simultaneously: every
/// occurrence of the free variable `params[i]` (name and sort) becomes `args[i]`, in
/// one pass over `f` that rebuilds only what changes. The arguments are lowered terms,
/// so locally closed: putting one under a binder captures nothing. (A parameter without
/// an argument becomes the free variable `#i`, which no source can name.)
pub fn instantiate(f: &Formula, params: &[(Name, Sort)], args: &[Term]) -> Formula {
    if params.is_empty() {
        return f.clone();
    }
    let with: Vec<Term> = params
        .iter()
        .enumerate()
        .map(|(i, (_, s))| {
            args.get(i).cloned().unwrap_or_else(|| Term::Free(name(&format!("#{i}")), s.clone()))
        })
        .collect();
    Instantiation { params, with: &with }.formula(f).unwrap_or_else(|| f.clone())
}

/// [`instantiate`]'s substitution. Its recursion follows the formula's nesting, as
/// lowering's and the kernel's substitutions do.
struct Instantiation<'a> {
    params: &'a [(Name, Sort)],
    /// The term for each parameter.
    with: &'a [Term],
}

impl Instantiation<'_> {
    /// `t` with the parameters replaced; `None` when it has none of them.
    fn term(&self, t: &Term) -> Option<Term> {
        match t {
            Term::Free(n, s) => {
                let i = self.params.iter().position(|(p, ps)| p == n && ps == s)?;
                Some(self.with[i].clone())
            }
            Term::Bound(_) | Term::Num(_) => None,
            Term::App(f, args) => self.terms(args).map(|a| Term::App(f.clone(), a)),
            Term::Neg(a) => Some(Term::Neg(Arc::new(self.term(a)?))),
            Term::Add(a, b) => self.pair(a, b).map(|(a, b)| Term::Add(a, b)),
            Term::Sub(a, b) => self.pair(a, b).map(|(a, b)| Term::Sub(a, b)),
            Term::Mul(a, b) => self.pair(a, b).map(|(a, b)| Term::Mul(a, b)),
            Term::Div(a, c) => Some(Term::Div(Arc::new(self.term(a)?), c.clone())),
            Term::Pow(a, n) => Some(Term::Pow(Arc::new(self.term(a)?), *n)),
        }
    }

    fn pair(&self, a: &Arc<Term>, b: &Arc<Term>) -> Option<(Arc<Term>, Arc<Term>)> {
        match (self.term(a), self.term(b)) {
            (None, None) => None,
            (na, nb) => {
                Some((na.map_or_else(|| a.clone(), Arc::new), nb.map_or_else(|| b.clone(), Arc::new)))
            }
        }
    }

    fn terms(&self, args: &Arc<[Term]>) -> Option<Arc<[Term]>> {
        let (i, new) = args.iter().enumerate().find_map(|(i, a)| Some((i, self.term(a)?)))?;
        let rest = args[i + 1..].iter().map(|a| self.term(a).unwrap_or_else(|| a.clone()));
        Some(args[..i].iter().cloned().chain([new]).chain(rest).collect())
    }

    fn sides(&self, a: &Term, b: &Term) -> Option<(Term, Term)> {
        match (self.term(a), self.term(b)) {
            (None, None) => None,
            (na, nb) => Some((na.unwrap_or_else(|| a.clone()), nb.unwrap_or_else(|| b.clone()))),
        }
    }

    fn both(&self, a: &Arc<Formula>, b: &Arc<Formula>) -> Option<(Arc<Formula>, Arc<Formula>)> {
        match (self.formula(a), self.formula(b)) {
            (None, None) => None,
            (na, nb) => {
                Some((na.map_or_else(|| a.clone(), Arc::new), nb.map_or_else(|| b.clone(), Arc::new)))
            }
        }
    }

    /// `f` with the parameters replaced; `None` when it has none of them.
    fn formula(&self, f: &Formula) -> Option<Formula> {
        match f {
            Formula::True | Formula::False => None,
            Formula::Eq(a, b) => self.sides(a, b).map(|(a, b)| Formula::Eq(a, b)),
            Formula::Le(a, b) => self.sides(a, b).map(|(a, b)| Formula::Le(a, b)),
            Formula::Lt(a, b) => self.sides(a, b).map(|(a, b)| Formula::Lt(a, b)),
            Formula::Pred(p, args) => self.terms(args).map(|a| Formula::Pred(p.clone(), a)),
            Formula::Not(a) => Some(Formula::Not(Arc::new(self.formula(a)?))),
            Formula::And(a, b) => self.both(a, b).map(|(a, b)| Formula::And(a, b)),
            Formula::Or(a, b) => self.both(a, b).map(|(a, b)| Formula::Or(a, b)),
            Formula::Implies(a, b) => self.both(a, b).map(|(a, b)| Formula::Implies(a, b)),
            Formula::Iff(a, b) => self.both(a, b).map(|(a, b)| Formula::Iff(a, b)),
            Formula::Forall(h, s, b) => {
                Some(Formula::Forall(h.clone(), s.clone(), Arc::new(self.formula(b)?)))
            }
            Formula::Exists(h, s, b) => {
                Some(Formula::Exists(h.clone(), s.clone(), Arc::new(self.formula(b)?)))
            }
        }
    }
}

pub(crate) fn lower_formula_in(
    p: &Program,
    scope: &Scope,
    expr: &ast::Expr,
) -> Result<Formula, Vec<LangError>> {
    let mut lx = Lx::new(&p.modules, &p.globals, scope.module, &p.limits, p.signature.limits().max_exponent);
    lx.locals = scope.locals.iter().map(|(n, s)| (name(n), s.clone())).collect();
    match lx.formula(expr) {
        Some(f) if lx.errors.is_empty() && !lx.poisoned => Ok(f),
        _ => Err(poisoned_errors(lx.errors, lx.poisoned, expr.span)),
    }
}

pub(crate) fn lower_term_in(
    p: &Program,
    scope: &Scope,
    expr: &ast::Expr,
) -> Result<(Term, Sort), Vec<LangError>> {
    let mut lx = Lx::new(&p.modules, &p.globals, scope.module, &p.limits, p.signature.limits().max_exponent);
    lx.locals = scope.locals.iter().map(|(n, s)| (name(n), s.clone())).collect();
    match lx.term(expr) {
        Some(t) if lx.errors.is_empty() && !lx.poisoned => Ok(t),
        _ => Err(poisoned_errors(lx.errors, lx.poisoned, expr.span)),
    }
}

fn poisoned_errors(mut errors: Vec<LangError>, poisoned: bool, span: Span) -> Vec<LangError> {
    if errors.is_empty() {
        errors.push(LangError::Invalid {
            message: if poisoned {
                "this uses a declaration that has errors".into()
            } else {
                "this expression could not be parsed".into()
            },
            help: None,
            span: ss(span),
        });
    }
    errors
}

// ---------------------------------------------------------------------------
// Elaborating modules
// ---------------------------------------------------------------------------

/// The elaborator's state while building a [`Program`].
pub(crate) struct Elab<'l> {
    pub(crate) modules: Vec<Module>,
    pub(crate) globals: Vec<Global>,
    /// The signature, unless declarations go to `background`: then it stays empty
    /// until elaboration ends ([`elaborate`]).
    pub(crate) sig: Signature,
    /// The thread that checks declarations into the signature while elaboration goes
    /// on, in the order sent ([`elaborate`]); whether it refused one is known only at
    /// the end.
    pub(crate) background: Option<Background>,
    pub(crate) obligations: Vec<Obligation>,
    pub(crate) techniques: Vec<TechniqueInfo>,
    pub(crate) challenges: Vec<ChallengeInfo>,
    pub(crate) references: Vec<Reference>,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) limits: &'l Limits,
    /// Per item of the current module: is there a parse error in it? Then its type
    /// errors are not reported (they would only echo the parse error).
    pub(crate) quiet: Vec<bool>,
    /// Lower a module's techniques layer by layer in parallel
    /// ([`Elab::lower_techniques_in_layers`]) rather than one by one.
    pub(crate) layered_techniques: bool,
}

/// From this many items (all modules together), [`elaborate`] hands the signature's
/// checks to a thread of their own: `Signature::declare` is a third of the main
/// thread's elaboration of a large library, and below this the thread costs more than
/// it saves.
const BACKGROUND_DECLARATIONS_FROM: usize = 256;

/// Elaborates `modules` (already in dependency order, with imports resolved).
///
/// With `concurrent` (what [`crate::load`] does), a large program is elaborated
/// while another thread checks its declarations into the signature, in order
/// ([`Elab::background`]). The kernel refuses nothing the front end accepted
/// unless a kernel limit is hit (or there is a front-end bug); when it accepts
/// everything, the program is the one declaring in place gives, since a declaration
/// changes nothing else then. When it refuses one, that refusal had to mark the
/// declaration broken before the rest was elaborated: the modules' elaboration state
/// is cleared and everything is elaborated again, declaring in place. So the program
/// and its diagnostics never depend on `concurrent` (`tests::same_both_ways`).
/// `concurrent` also lowers techniques in layers ([`Elab::lower_techniques_in_layers`]).
pub(crate) fn elaborate(
    sources: SourceMap,
    modules: Vec<Module>,
    diags: Vec<Diagnostic>,
    limits: &Limits,
    concurrent: bool,
) -> Program {
    let items: usize = modules.iter().map(|m| m.ast.items.len()).sum();
    if !concurrent || items < BACKGROUND_DECLARATIONS_FROM {
        return run(modules, diags, limits, concurrent, None).into_program(sources);
    }
    let (send, receive) = std::sync::mpsc::channel::<Vec<Declaration>>();
    let (mut el, checked) = std::thread::scope(|scope| {
        let checker =
            std::thread::Builder::new().name("declarations".into()).spawn_scoped(scope, move || {
                let mut signature = Signature::new();
                for decl in receive.into_iter().flatten() {
                    if signature.declare(decl).is_err() {
                        // Everything is elaborated again: stop here.
                        return None;
                    }
                }
                Some(signature)
            });
        // Without a thread (the system refused one), declare in place.
        let background =
            checker.is_ok().then(|| Background { send, batch: Vec::with_capacity(Background::BATCH) });
        let mut el = run(modules, diags.clone(), limits, concurrent, background);
        // Dropping the sender (here, before the join) ends the checker's loop.
        let sent = el.background.take().map(Background::flush).is_some();
        let checked = match checker {
            Ok(checker) if sent => match checker.join() {
                Ok(Some(signature)) => Checked::There(Box::new(signature)),
                _ => Checked::Refused,
            },
            _ => Checked::Here,
        };
        (el, checked)
    });
    match checked {
        Checked::Here => el.into_program(sources),
        Checked::There(signature) => {
            el.sig = *signature;
            el.into_program(sources)
        }
        Checked::Refused => {
            let mut modules = el.modules;
            for m in &mut modules {
                m.clear_elaboration();
            }
            run(modules, diags, limits, concurrent, None).into_program(sources)
        }
    }
}

/// The sending end of [`elaborate`]'s declarations thread: declarations go in
/// batches, since a message costs about as much as the front end's work on a small
/// declaration.
pub(crate) struct Background {
    send: std::sync::mpsc::Sender<Vec<Declaration>>,
    /// Declarations not sent yet, in order.
    batch: Vec<Declaration>,
}

impl Background {
    /// Declarations sent at once.
    const BATCH: usize = 64;

    /// Sends the batch. A send fails only when the checker has stopped at a refusal:
    /// then everything is elaborated again ([`elaborate`]).
    fn send(&mut self) {
        if !self.batch.is_empty() {
            // The next batch is sized at once rather than grown push by push.
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(Self::BATCH));
            let _ = self.send.send(batch);
        }
    }

    /// Sends what is left, and gives the sender back to be dropped.
    fn flush(mut self) -> std::sync::mpsc::Sender<Vec<Declaration>> {
        self.send();
        self.send
    }
}

/// How [`elaborate`]'s declarations were checked.
enum Checked {
    /// In place: the signature is the `Elab`'s.
    Here,
    /// On the checker's thread, which accepted them all and gives this signature
    /// (boxed: a signature is some 200 bytes, the other variants none).
    There(Box<Signature>),
    /// On the checker's thread, which refused one (or failed).
    Refused,
}

/// Elaborates every module, declaring into the `Elab`'s signature, or through
/// `background` when given.
fn run<'l>(
    modules: Vec<Module>,
    diags: Vec<Diagnostic>,
    limits: &'l Limits,
    concurrent: bool,
    background: Option<Background>,
) -> Elab<'l> {
    let mut el = Elab {
        modules,
        globals: Vec::new(),
        sig: Signature::new(),
        background,
        obligations: Vec::new(),
        techniques: Vec::new(),
        challenges: Vec::new(),
        references: Vec::new(),
        diags,
        limits,
        quiet: Vec::new(),
        layered_techniques: concurrent,
    };
    for m in 0..el.modules.len() {
        el.module(m);
    }
    el
}

impl Elab<'_> {
    /// The program, its diagnostics in order of file and position.
    fn into_program(mut self, sources: SourceMap) -> Program {
        self.diags.sort_by_key(|d| (d.file, d.span().map(|s| s.start).unwrap_or(0)));
        Program {
            sources,
            modules: self.modules,
            globals: self.globals,
            signature: self.sig,
            obligations: self.obligations,
            techniques: self.techniques,
            challenges: self.challenges,
            references: self.references,
            diagnostics: self.diags,
            limits: self.limits.clone(),
            skipped: Vec::new(),
        }
    }
}

impl Elab<'_> {
    fn report(&mut self, file: FileId, errors: impl IntoIterator<Item = LangError>) {
        for error in errors {
            self.diags.push(Diagnostic { file, error });
        }
    }

    fn lx(&self, m: ModuleId) -> Lx<'_> {
        Lx::new(&self.modules, &self.globals, m, self.limits, self.sig.limits().max_exponent)
    }

    /// Moves a finished lowering's errors and references into the program; returns
    /// whether it was clean.
    fn finish(
        &mut self,
        m: ModuleId,
        item: usize,
        errors: Vec<LangError>,
        refs: Vec<(Span, GlobalId)>,
        poisoned: bool,
    ) -> bool {
        let file = self.modules[m].file;
        let clean = errors.is_empty() && !poisoned;
        if !self.quiet.get(item).copied().unwrap_or(false) {
            self.report(file, errors);
        }
        self.references.extend(refs.into_iter().map(|(span, target)| Reference { file, span, target }));
        clean
    }

    /// Makes room for the references of `lowerings`, which a phase is about to take
    /// in order: the program's vector is sized once rather than grown (and copied)
    /// as each item's references are added, on this thread while the pool waits.
    fn reserve_references<'a, T: 'a>(&mut self, lowerings: impl Iterator<Item = &'a Lowering<T>>) {
        let refs: usize = lowerings.map(|l| l.refs.len()).sum();
        self.references.reserve(refs);
    }

    /// Sends the declarations batched so far to the checker, if there is one.
    fn send_declarations(&mut self) {
        if let Some(background) = &mut self.background {
            background.send();
        }
    }

    fn declare(&mut self, m: ModuleId, gid: GlobalId, decl: Declaration) {
        if let Some(background) = &mut self.background {
            background.batch.push(decl);
            if background.batch.len() >= Background::BATCH {
                background.send();
            }
            return;
        }
        if let Err(e) = self.sig.declare(decl) {
            let g = &mut self.globals[gid];
            g.broken = true;
            let (span, name) = (g.span, g.short.clone());
            let file = self.modules[m].file;
            self.report(file, [LangError::Kernel { name, message: e.to_string(), span: ss(span) }]);
        }
    }

    fn module(&mut self, m: ModuleId) {
        let ast = std::mem::take(&mut self.modules[m].ast);
        let errs = &self.modules[m].parse_errors;
        self.quiet = (0..ast.items.len())
            .map(|i| {
                let start = ast.items[i].span.start;
                // An item is tainted by a parse error inside it, or in an unparsable
                // stretch right after it (which may be its own unfinished end).
                let end = match ast.items.get(i + 1) {
                    Some(n) if n.kind == ItemKind::Error => n.span.end.saturating_add(1),
                    Some(n) => n.span.start,
                    None => u32::MAX,
                };
                errs.iter().any(|&e| start <= e && e < end)
            })
            .collect();
        let imported = self.import_names(m);
        let ids = self.declare_names(m, &ast, imported);
        self.signatures(m, &ast, &ids);
        self.send_declarations();
        self.definitions(m, &ast, &ids);
        self.send_declarations();
        self.statements(m, &ast, &ids);
        // Nothing is declared after this phase: the checker takes the last batch while
        // the techniques are lowered.
        self.send_declarations();
        self.challenges(m, &ast, &ids);
        self.techniques(m, &ast, &ids);
        self.proof_limits(m, &ast);
        self.modules[m].ast = ast;
    }

    /// The settings of the module's `limits` items: known names, each once, with a
    /// whole number from 1 to `u64::MAX`. Whether a value is above what the prover's
    /// caller allows is the prover's to say.
    fn proof_limits(&mut self, m: ModuleId, ast: &ast::SourceFile) {
        let file = self.modules[m].file;
        let mut valid: Vec<ProofLimit> = Vec::new();
        let mut errors = Vec::new();
        for item in &ast.items {
            let ItemKind::Limits(settings) = &item.kind else { continue };
            for s in settings {
                let Some(&(name, _)) = PROOF_LIMITS.iter().find(|(n, _)| *n == s.name.text) else {
                    let names = PROOF_LIMITS.iter().map(|(n, _)| *n);
                    let help = match suggest(&s.name.text, names.clone()) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => format!("the limits are {}", names.collect::<Vec<_>>().join(", ")),
                    };
                    errors.push(LangError::Invalid {
                        message: format!("unknown limit `{}`", s.name.text),
                        help: Some(help),
                        span: ss(s.name.span),
                    });
                    continue;
                };
                if let Some(prev) = valid.iter().find(|p| p.name == name) {
                    errors.push(LangError::Duplicate {
                        name: name.to_string(),
                        span: ss(s.name.span),
                        previous: Some(ss(prev.span)),
                    });
                    continue;
                }
                let bad = |message: String| LangError::Invalid {
                    message,
                    help: Some(format!("a limit is a whole number from 1 to {}", u64::MAX)),
                    span: ss(s.value_span),
                };
                let digits = !s.value.is_empty() && s.value.bytes().all(|b| b.is_ascii_digit());
                let value = if s.value.starts_with('-') {
                    Err(bad(format!("`{name} = {}`: a limit cannot be negative", s.value)))
                } else if !digits {
                    Err(bad(format!("`{name} = {}`: a limit is a whole number", s.value)))
                } else {
                    match s.value.parse::<u64>() {
                        Ok(0) => Err(bad(format!("`{name} = 0`: a limit of zero would stop every search"))),
                        Ok(v) => Ok(v),
                        Err(_) => Err(bad(format!("`{name} = {}` is too large", s.value))),
                    }
                };
                match value {
                    Ok(value) => {
                        valid.push(ProofLimit { name, value, span: s.span, value_span: s.value_span })
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        self.report(file, errors);
        self.modules[m].proof_limits = valid;
    }

    /// The names the module `m` sees of the declarations of its imports:
    /// `last_segment.name`, `module.name` and `name` for each, in that order.
    fn import_names(&self, m: ModuleId) -> Vec<(String, GlobalId)> {
        let mut names = Vec::new();
        for &i in &self.modules[m].imports {
            let last = self.modules[i].name.rsplit('.').next().unwrap_or("");
            for &id in &self.modules[i].globals {
                let short = &self.globals[id].short;
                names.push((dotted(last, short), id));
                names.push((self.globals[id].kernel.to_string(), id));
                names.push((short.clone(), id));
            }
        }
        names
    }

    /// Phase 1: every item's name, with duplicates reported.
    /// Fills the module's name table with `imported` (the names of its imports'
    /// declarations), then its own.
    fn declare_names(
        &mut self,
        m: ModuleId,
        ast: &ast::SourceFile,
        mut names: Vec<(String, GlobalId)>,
    ) -> Vec<Option<GlobalId>> {
        let file = self.modules[m].file;
        let modname = self.modules[m].name.clone();
        let last = modname.rsplit('.').next().unwrap_or("").to_string();
        let mut own: NameMap<&str, Span> =
            NameMap::with_capacity_and_hasher(ast.items.len(), Default::default());
        let mut ids = Vec::with_capacity(ast.items.len());
        // Up to three names for each item (see `Module::names`), and at most one
        // declaration: reserved, so that the large vectors are not copied as they grow.
        names.reserve(3 * ast.items.len());
        self.modules[m].globals.reserve(ast.items.len());
        self.globals.reserve(ast.items.len());
        // The strings each declaration needs, made on the pool for a large module: this
        // thread only checks duplicates and fills the tables.
        let mut prepared = map_items(ast.items.len(), |ix| ItemNames::of(&ast.items[ix], &modname, &last));
        for (ix, item) in ast.items.iter().enumerate() {
            let (ident, kind) = match &item.kind {
                ItemKind::Sort(n) => (n, GlobalKind::Sort),
                ItemKind::Fn { name, .. } => {
                    (name, GlobalKind::Function { params: vec![], result: Sort::Rat, defined: false })
                }
                ItemKind::Pred { name, .. } => {
                    (name, GlobalKind::Predicate { params: vec![], defined: false })
                }
                ItemKind::Def { name, result, .. } => (
                    name,
                    match result {
                        DefResult::Prop(_) => GlobalKind::Predicate { params: vec![], defined: true },
                        DefResult::Sort(_) => {
                            GlobalKind::Function { params: vec![], result: Sort::Rat, defined: true }
                        }
                    },
                ),
                ItemKind::Axiom { name, .. } => (name, GlobalKind::Axiom { statement: None }),
                ItemKind::Lemma { kind, name, .. } => {
                    (name, GlobalKind::Lemma { kind: *kind, statement: None, obligation: None })
                }
                ItemKind::Technique(t) => (&t.name, GlobalKind::Technique(usize::MAX)),
                ItemKind::Challenge(c) => (&c.name, GlobalKind::Challenge(usize::MAX)),
                ItemKind::Module(_) | ItemKind::Import(_) | ItemKind::Limits(_) | ItemKind::Error => {
                    ids.push(None);
                    continue;
                }
            };
            if matches!(ident.text.as_str(), "Rat" | "Prop") {
                self.report(
                    file,
                    [LangError::Invalid {
                        message: format!("`{}` is built in and cannot be declared", ident.text),
                        help: None,
                        span: ss(ident.span),
                    }],
                );
                ids.push(None);
                continue;
            }
            if let Some(prev) = own.get(ident.text.as_str()) {
                self.report(
                    file,
                    [LangError::Duplicate {
                        name: ident.text.as_str().to_owned(),
                        span: ss(ident.span),
                        previous: Some(ss(*prev)),
                    }],
                );
                ids.push(None);
                continue;
            }
            own.insert(&ident.text, ident.span);
            let id = self.globals.len();
            // Every item that declares a name has its strings made.
            let strings = prepared[ix].take().unwrap_or_else(|| ItemNames::new(item, ident, &modname, &last));
            self.globals.push(Global {
                short: strings.short,
                kernel: strings.kernel,
                module: m,
                file,
                span: ident.span,
                doc: strings.doc,
                kind,
                broken: false,
            });
            self.modules[m].globals.push(id);
            names.push((strings.short_key, id));
            names.push((strings.qualified, id));
            if let Some(key) = strings.last_key {
                names.push((key, id));
            }
            ids.push(Some(id));
        }
        self.modules[m].names.extend(names);
        ids
    }

    fn params(&self, lx: &mut Lx, params: &[ast::Param]) -> Option<Vec<(Name, Sort)>> {
        let mut out = Vec::with_capacity(params.len());
        let mut ok = true;
        // Parameter lists are short: look back through them, unless one is long.
        let mut seen: Option<NameMap<&str, Span>> = (params.len() > 16).then(NameMap::default);
        for (i, p) in params.iter().enumerate() {
            let prev = match &mut seen {
                Some(seen) => seen.insert(&p.name.text, p.name.span),
                None => params[..i].iter().rev().find(|q| q.name.text == p.name.text).map(|q| q.name.span),
            };
            if let Some(prev) = prev {
                lx.err(LangError::Duplicate {
                    name: p.name.text.as_str().to_owned(),
                    span: ss(p.name.span),
                    previous: Some(ss(prev)),
                });
                ok = false;
            }
            match lx.sort(&p.sort) {
                Some(s) => out.push((name(&p.name.text), s)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Phase 2: sorts, and the signatures of functions, predicates and definitions.
    fn signatures(&mut self, m: ModuleId, ast: &ast::SourceFile, ids: &[Option<GlobalId>]) {
        let is_signature = |item: &ast::Item| {
            matches!(item.kind, ItemKind::Fn { .. } | ItemKind::Pred { .. } | ItemKind::Def { .. })
        };
        for (item, id) in ast.items.iter().zip(ids) {
            let (Some(id), ItemKind::Sort(_)) = (id, &item.kind) else {
                continue;
            };
            let n = self.globals[*id].kernel.clone();
            self.declare(m, *id, Declaration::Sort { name: n });
        }
        // Lowered in parallel against the declarations as they stand now; one that
        // resolved a name to a declaration this phase has changed since (a sort named
        // like a function) is lowered again in its turn.
        let mut early = self.speculate(ast, ids, is_signature, |el, item, _| el.lower_signature(m, item));
        self.reserve_references(early.iter().flatten());
        let mut modified = vec![false; self.globals.len()];
        for (ix, (item, id)) in ast.items.iter().zip(ids).enumerate() {
            let Some(id) = *id else { continue };
            if !is_signature(item) {
                continue;
            }
            let low = match early[ix].take() {
                Some(low) if !low.reads_any(&modified, id) => low,
                _ => self.lower_signature(m, item),
            };
            // Whatever happens below changes this declaration.
            modified[id] = true;
            let clean = self.finish(m, ix, low.errors, low.refs, low.poisoned);
            let (Some((Some(ps), rs)), true) = (low.value, clean) else {
                self.globals[id].broken = true;
                continue;
            };
            let sorts: Vec<Sort> = ps.iter().map(|(_, s)| s.clone()).collect();
            let kernel = self.globals[id].kernel.clone();
            match (&item.kind, rs) {
                (ItemKind::Fn { .. }, Some(Some(result))) => {
                    self.globals[id].kind = GlobalKind::Function {
                        params: sorts.clone(),
                        result: result.clone(),
                        defined: false,
                    };
                    self.declare(m, id, Declaration::Function { name: kernel, params: sorts, result });
                }
                (ItemKind::Pred { .. }, None) => {
                    self.globals[id].kind = GlobalKind::Predicate { params: sorts.clone(), defined: false };
                    self.declare(m, id, Declaration::Predicate { name: kernel, params: sorts });
                }
                (ItemKind::Def { .. }, Some(Some(result))) => {
                    self.globals[id].kind = GlobalKind::Function { params: sorts, result, defined: true };
                }
                (ItemKind::Def { .. }, None) => {
                    self.globals[id].kind = GlobalKind::Predicate { params: sorts, defined: true };
                }
                _ => self.globals[id].broken = true,
            }
        }
    }

    /// The signature of a function, predicate or definition.
    fn lower_signature(&self, m: ModuleId, item: &ast::Item) -> Lowering<SignatureLowering> {
        let mut lx = self.lx(m);
        let (params, result) = match &item.kind {
            ItemKind::Fn { params, result, .. } => (params, Some(result)),
            ItemKind::Pred { params, .. } => (params, None),
            ItemKind::Def { params, result, .. } => (
                params,
                match result {
                    DefResult::Sort(p) => Some(p),
                    DefResult::Prop(_) => None,
                },
            ),
            _ => return Lowering::of(lx, None),
        };
        let ps = self.params(&mut lx, params);
        let rs = result.map(|r| lx.sort(r));
        Lowering::of(lx, Some((ps, rs)))
    }

    /// Phase 3: definition bodies, ordered by dependency; recursion is an error.
    fn definitions(&mut self, m: ModuleId, ast: &ast::SourceFile, ids: &[Option<GlobalId>]) {
        struct Lowered {
            id: GlobalId,
            decl: Declaration,
            deps: Vec<GlobalId>,
        }
        let is_def = |item: &ast::Item| matches!(item.kind, ItemKind::Def { .. });
        let mut early = self.speculate(ast, ids, is_def, |el, item, id| el.lower_definition(m, id, item));
        self.reserve_references(early.iter().flatten());
        let mut modified = vec![false; self.globals.len()];
        let mut defs: Vec<Lowered> = Vec::new();
        for (ix, (item, id)) in ast.items.iter().zip(ids).enumerate() {
            let (Some(id), true) = (*id, is_def(item)) else {
                continue;
            };
            if self.globals[id].broken {
                continue;
            }
            let low = match early[ix].take() {
                Some(low) if !low.reads_any(&modified, id) => low,
                _ => self.lower_definition(m, id, item),
            };
            let clean = self.finish(m, ix, low.errors, low.refs, low.poisoned);
            match low.value {
                Some(decl) if clean => defs.push(Lowered { id, decl, deps: low.deps }),
                _ => {
                    self.globals[id].broken = true;
                    modified[id] = true;
                }
            }
        }
        // Kahn's algorithm over this module's definitions.
        let index: NameMap<GlobalId, usize> = defs.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        let mut indegree = vec![0usize; defs.len()];
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); defs.len()];
        for (i, d) in defs.iter().enumerate() {
            for dep in &d.deps {
                if let Some(&j) = index.get(dep) {
                    indegree[i] += 1;
                    users[j].push(i);
                }
            }
        }
        let mut ready: Vec<usize> = (0..defs.len()).rev().filter(|&i| indegree[i] == 0).collect();
        let mut order = Vec::with_capacity(defs.len());
        while let Some(i) = ready.pop() {
            order.push(i);
            for &u in &users[i] {
                indegree[u] -= 1;
                if indegree[u] == 0 {
                    ready.push(u);
                }
            }
        }
        let mut done = vec![false; defs.len()];
        for &i in &order {
            done[i] = true;
        }
        let mut reported = vec![false; defs.len()];
        for i in 0..defs.len() {
            if done[i] || reported[i] {
                continue;
            }
            // Walk dependencies inside the leftover set until one repeats.
            let mut path = vec![i];
            let mut cur = i;
            let cycle = loop {
                let next = defs[cur].deps.iter().filter_map(|d| index.get(d).copied()).find(|&j| !done[j]);
                let Some(next) = next else { break None };
                if let Some(pos) = path.iter().position(|&p| p == next) {
                    break Some(path[pos..].to_vec());
                }
                path.push(next);
                cur = next;
            };
            let file = self.modules[m].file;
            if let Some(cycle) = cycle {
                let mut names: Vec<String> =
                    cycle.iter().map(|&c| self.globals[defs[c].id].short.clone()).collect();
                names.push(names[0].clone());
                let span = self.globals[defs[cycle[0]].id].span;
                self.report(file, [LangError::RecursiveDef { cycle: names.join(" -> "), span: ss(span) }]);
                for c in cycle {
                    reported[c] = true;
                }
            }
        }
        for (i, d) in defs.iter().enumerate() {
            if !done[i] {
                self.globals[d.id].broken = true;
            }
        }
        let mut slots: Vec<Option<Lowered>> = defs.into_iter().map(Some).collect();
        for i in order {
            if let Some(d) = slots[i].take() {
                let broken_dep = d.deps.iter().any(|&g| self.globals[g].broken);
                if broken_dep {
                    self.globals[d.id].broken = true;
                    continue;
                }
                self.declare(m, d.id, d.decl);
            }
        }
    }

    /// Phase 4: axioms (into the signature), then lemmas, theorems and rules (as
    /// obligations).
    fn statements(&mut self, m: ModuleId, ast: &ast::SourceFile, ids: &[Option<GlobalId>]) {
        let is_statement =
            |item: &ast::Item| matches!(item.kind, ItemKind::Axiom { .. } | ItemKind::Lemma { .. });
        let mut early = self.speculate(ast, ids, is_statement, |el, item, _| el.lower_statement(m, item));
        self.reserve_references(early.iter().flatten());
        let lemmas = ast.items.iter().filter(|item| matches!(item.kind, ItemKind::Lemma { .. })).count();
        self.obligations.reserve(lemmas);
        let mut modified = vec![false; self.globals.len()];
        for pass in [true, false] {
            for (ix, (item, id)) in ast.items.iter().zip(ids).enumerate() {
                let Some(id) = *id else { continue };
                let lemma = match &item.kind {
                    ItemKind::Axiom { .. } if pass => None,
                    ItemKind::Lemma { kind, proof, .. } if !pass => Some((*kind, proof)),
                    _ => continue,
                };
                let low = match early[ix].take() {
                    Some(low) if !low.reads_any(&modified, id) => low,
                    _ => self.lower_statement(m, item),
                };
                // Whatever happens below changes this declaration.
                modified[id] = true;
                let clean = self.finish(m, ix, low.errors, low.refs, low.poisoned);
                let Some(f) = low.value.filter(|_| clean || lemma.is_some_and(|l| l.1.is_none())) else {
                    self.globals[id].broken = true;
                    continue;
                };
                let kernel = self.globals[id].kernel.clone();
                match lemma {
                    None => {
                        self.globals[id].kind = GlobalKind::Axiom { statement: Some(f.clone()) };
                        self.declare(m, id, Declaration::Axiom { name: kernel, statement: f });
                    }
                    Some((kind, proof)) => {
                        let ob = self.obligations.len();
                        self.obligations.push(Obligation {
                            kind: ObligationKind::Lemma(kind),
                            name: kernel,
                            module: m,
                            file: self.modules[m].file,
                            span: self.globals[id].span,
                            statement: f.clone(),
                            context: Default::default(),
                            proof: proof.clone(),
                        });
                        if proof.is_none() {
                            self.globals[id].broken = true;
                        }
                        self.globals[id].kind =
                            GlobalKind::Lemma { kind, statement: Some(f), obligation: Some(ob) };
                    }
                }
            }
        }
    }

    /// Runs `lower` on every item of module `m` that `wanted` picks and that has a
    /// declaration, in parallel when there are many, against the declarations as they
    /// stand now. A phase then takes each result in source order, unless it read a
    /// declaration the phase has changed since (`Lowering::reads_any`): then it lowers
    /// that item again. Lowering only reads the program, so a result that read nothing
    /// changed is exactly what lowering at that point would give, and the diagnostics,
    /// references and declarations come out the same, in the same order, whatever the
    /// number of threads.
    fn speculate<'a, T: Send>(
        &self,
        ast: &'a ast::SourceFile,
        ids: &[Option<GlobalId>],
        wanted: impl Fn(&ast::Item) -> bool + Sync,
        lower: impl Fn(&Self, &'a ast::Item, GlobalId) -> T + Sync,
    ) -> Vec<Option<T>> {
        map_items(ast.items.len(), |ix| {
            let item = &ast.items[ix];
            match ids[ix] {
                Some(id) if wanted(item) && !self.globals[id].broken => Some(lower(self, item, id)),
                _ => None,
            }
        })
    }

    /// A definition's parameters and body, lowered (`value` is `None` when they do not
    /// lower to a kernel declaration).
    fn lower_definition(&self, m: ModuleId, id: GlobalId, item: &ast::Item) -> Lowering<Declaration> {
        let mut lx = self.lx(m);
        let decl = match &item.kind {
            ItemKind::Def { params, body, result, .. } => {
                lx.current = Some(id);
                let ps = self.params(&mut lx, params).unwrap_or_default();
                lx.locals = ps.clone();
                let kernel = self.globals[id].kernel.clone();
                match (&self.globals[id].kind, result) {
                    (GlobalKind::Function { result: rs, .. }, DefResult::Sort(_)) => {
                        let rs = rs.clone();
                        match lx.term(body) {
                            Some((t, s)) if s == rs => Some(Declaration::DefineFunction {
                                name: kernel,
                                params: ps,
                                result: rs,
                                body: t,
                            }),
                            Some((_, s)) => {
                                lx.err(LangError::SortMismatch {
                                    expected: sort_str(&rs),
                                    found: sort_str(&s),
                                    help: Some(format!(
                                        "the body of `{}` must have its declared sort",
                                        self.globals[id].short
                                    )),
                                    span: ss(body.span),
                                });
                                None
                            }
                            None => None,
                        }
                    }
                    (GlobalKind::Predicate { .. }, DefResult::Prop(_)) => lx
                        .formula(body)
                        .map(|f| Declaration::DefinePredicate { name: kernel, params: ps, body: f }),
                    _ => None,
                }
            }
            _ => None,
        };
        Lowering::of(lx, decl)
    }

    /// An axiom's or lemma's statement, lowered, with the errors of a rule that is not
    /// an equation and of a lemma without proof.
    fn lower_statement(&self, m: ModuleId, item: &ast::Item) -> Lowering<Formula> {
        let mut lx = self.lx(m);
        let (statement, lemma) = match &item.kind {
            ItemKind::Axiom { statement, .. } => (statement, None),
            ItemKind::Lemma { kind, statement, proof, name: ident } => {
                (statement, Some((*kind, proof, ident)))
            }
            _ => return Lowering::of(lx, None),
        };
        let f = lx.formula(statement);
        if let (Some(f), Some((LemmaKind::Rule, _, _))) = (&f, &lemma) {
            let mut body = f;
            while let Formula::Forall(_, _, b) = body {
                body = b;
            }
            if !matches!(body, Formula::Eq(..) | Formula::Iff(..)) {
                lx.err(LangError::Invalid {
                    message: "a rule must be an equation or an equivalence".into(),
                    help: Some(
                        "write `rule name: forall x: S. lhs = rhs`; use `lemma` for other statements".into(),
                    ),
                    span: ss(statement.span),
                });
            }
        }
        if let Some((kind, None, ident)) = &lemma {
            lx.err(LangError::Invalid {
                message: format!("{} `{}` has no proof", kind.keyword(), ident.text),
                help: Some("add `:= by { ... }` (or `:= by sorry` to leave a hole); a statement without proof is an `axiom`".into()),
                span: ss(ident.span),
            });
        }
        Lowering::of(lx, f)
    }

    fn challenges(&mut self, m: ModuleId, ast: &ast::SourceFile, ids: &[Option<GlobalId>]) {
        for (ix, (item, id)) in ast.items.iter().zip(ids).enumerate() {
            let (Some(id), ItemKind::Challenge(c)) = (*id, &item.kind) else {
                continue;
            };
            let mut lx = self.lx(m);
            let params = self.params(&mut lx, &c.params);
            let ok_params = params.is_some();
            let params = params.unwrap_or_default();
            lx.locals = params.clone();
            let mut info = ChallengeInfo {
                name: self.globals[id].kernel.clone(),
                short: c.name.text.as_str().to_owned(),
                global: id,
                module: m,
                file: self.modules[m].file,
                span: item.span,
                params,
                oversees: None,
                source: None,
                allows: vec![],
                requires: vec![],
                broken: !ok_params,
            };
            let mut names: NameMap<ast::Text, Span> = NameMap::default();
            for cl in &c.clauses {
                match &cl.kind {
                    ClauseKind::Oversees(s) => set_once(&mut lx, &mut info.oversees, s, "oversees", cl.span),
                    ClauseKind::Source(s) => set_once(&mut lx, &mut info.source, s, "source", cl.span),
                    ClauseKind::Allow { name: n, statement } | ClauseKind::Require { name: n, statement } => {
                        check_fresh(&mut lx, &mut names, n);
                        if let Some(f) = lx.formula(statement) {
                            let entry = (n.text.as_str().to_owned(), f, n.span);
                            if matches!(cl.kind, ClauseKind::Allow { .. }) {
                                info.allows.push(entry);
                            } else {
                                info.requires.push(entry);
                            }
                        }
                    }
                    ClauseKind::Error => {}
                    other => lx.err(LangError::Invalid {
                        message: format!("`{}` is not allowed in a challenge", clause_keyword(other)),
                        help: Some(
                            "a challenge has `oversees`, `source`, `allow` and `require` clauses".into(),
                        ),
                        span: ss(cl.span),
                    }),
                }
            }
            let (errors, refs, poisoned) = (lx.errors, lx.refs, lx.poisoned);
            let clean = self.finish(m, ix, errors, refs, poisoned);
            info.broken |= !clean;
            self.globals[id].broken = info.broken;
            let cid = self.challenges.len();
            self.challenges.push(info);
            self.globals[id].kind = GlobalKind::Challenge(cid);
        }
    }

    fn techniques(&mut self, m: ModuleId, ast: &ast::SourceFile, ids: &[Option<GlobalId>]) {
        // Order this module's techniques so that a used one comes first.
        let techs: Vec<(GlobalId, &ast::Item, &ast::Technique, usize)> = ast
            .items
            .iter()
            .zip(ids)
            .enumerate()
            .filter_map(|(ix, (item, id))| match (&item.kind, id) {
                (ItemKind::Technique(t), Some(id)) => Some((*id, item, &**t, ix)),
                _ => None,
            })
            .collect();
        let index: NameMap<GlobalId, usize> = techs.iter().enumerate().map(|(i, t)| (t.0, i)).collect();
        let mut deps: Vec<Vec<(usize, Span)>> = vec![Vec::new(); techs.len()];
        for (i, (_, _, t, _)) in techs.iter().enumerate() {
            for cl in &t.clauses {
                if let ClauseKind::Use { technique, .. } = &cl.kind {
                    if let Ok(g) =
                        resolve_in(&self.modules, &self.globals, m, &technique.name, "technique", &[])
                    {
                        if let Some(&j) = index.get(&g) {
                            deps[i].push((j, technique.name.span));
                        }
                    }
                }
            }
        }
        let mut indegree: Vec<usize> = deps.iter().map(Vec::len).collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); techs.len()];
        for (i, d) in deps.iter().enumerate() {
            for (j, _) in d {
                users[*j].push(i);
            }
        }
        let mut ready: Vec<usize> = (0..techs.len()).rev().filter(|&i| indegree[i] == 0).collect();
        let mut order = Vec::with_capacity(techs.len());
        while let Some(i) = ready.pop() {
            order.push(i);
            for &u in &users[i] {
                indegree[u] -= 1;
                if indegree[u] == 0 {
                    ready.push(u);
                }
            }
        }
        let mut done = vec![false; techs.len()];
        for &i in &order {
            done[i] = true;
        }
        let mut reported = vec![false; techs.len()];
        let file = self.modules[m].file;
        for i in 0..techs.len() {
            if done[i] || reported[i] {
                continue;
            }
            let mut path: Vec<(usize, Span)> = vec![(i, Span::default())];
            let mut cur = i;
            let cycle = loop {
                let Some(&(next, span)) = deps[cur].iter().find(|&&(j, _)| !done[j]) else {
                    break None;
                };
                if let Some(pos) = path.iter().position(|&(p, _)| p == next) {
                    path.push((next, span));
                    break Some(path[pos..].to_vec());
                }
                path.push((next, span));
                cur = next;
            };
            if let Some(cycle) = cycle {
                let names: Vec<String> =
                    cycle.iter().map(|&(c, _)| techs[c].2.name.text.as_str().to_owned()).collect();
                let span = cycle.last().map(|c| c.1).unwrap_or_default();
                self.report(
                    file,
                    [LangError::Cycle { what: "technique", cycle: names.join(" -> "), span: ss(span) }],
                );
                for c in &cycle {
                    reported[c.0] = true;
                }
            }
        }
        order.extend((0..techs.len()).filter(|&i| !done[i]));
        // Lowered layer by layer in parallel when that gives the program lowering them
        // one by one gives (see `lower_techniques_in_layers`); what it leaves (the
        // techniques in cycles, last in `order`, or all of them when it declines) is
        // lowered and registered here, one by one in `order`.
        let base = self.techniques.len();
        let mut layered = if self.layered_techniques {
            self.lower_techniques_in_layers(m, &techs, &deps, &order, &index)
        } else {
            None
        }
        .unwrap_or_default();
        // What the lowerings in layers hold is taken below: room for it at once.
        self.reserve_references(layered.iter().flatten().map(|l| &l.low));
        self.obligations.reserve(layered.iter().flatten().map(|l| l.obligations.len()).sum());
        for (pos, &i) in order.iter().enumerate() {
            let (id, item, t, ix) = techs[i];
            let tid = base + pos;
            let mut lowered = match layered.get_mut(i).and_then(Option::take) {
                Some(l) => l,
                None => {
                    let mut l = self.lower_technique(m, id, item, t);
                    self.register_technique(id, tid, &mut l);
                    l
                }
            };
            self.technique_obligations(m, ix, tid, &mut lowered);
        }
    }

    /// Lowers this module's techniques that are in no cycle, layer by layer: a layer
    /// is lowered in parallel once every technique its members use is registered
    /// (`register_technique`), so a technique that uses another of its module is
    /// lowered once, not speculatively and then again.
    ///
    /// Why the result is what lowering them one by one in `order` gives: a technique's
    /// number is its place in `order` (every one of them is registered in turn), and
    /// lowering reads another technique of the module only through a name that
    /// resolved to it (`Lowering::refs`). So each lowering is checked afterwards: every
    /// technique of the module that it names must be registered when it was lowered
    /// exactly when it comes before it in `order`. Used techniques always do (they are
    /// in an earlier layer and earlier in `order`); a technique merely named (in a
    /// formula, say) may not, and then everything done here is undone and `None`
    /// returned, for the caller to lower them one by one.
    ///
    /// Returns, per entry of `techs`, its lowering (`None` for one in a cycle), with
    /// its information already in [`Elab::techniques`] and its declaration updated.
    fn lower_techniques_in_layers(
        &mut self,
        m: ModuleId,
        techs: &[(GlobalId, &ast::Item, &ast::Technique, usize)],
        deps: &[Vec<(usize, Span)>],
        order: &[usize],
        index: &NameMap<GlobalId, usize>,
    ) -> Option<Vec<Option<TechniqueLowering>>> {
        let n = techs.len();
        if n == 0 {
            return Some(Vec::new());
        }
        let base = self.techniques.len();
        let mut pos = vec![0usize; n];
        for (p, &i) in order.iter().enumerate() {
            pos[i] = p;
        }
        // Layer of each technique in no cycle: one more than the deepest it uses. The
        // ones in cycles are those Kahn's algorithm left out of the first part of
        // `order`, whose uses (all earlier in `order`) are in no cycle either.
        let mut layer: Vec<Option<usize>> = vec![None; n];
        let mut depth = 0;
        for &i in order {
            let l = deps[i].iter().try_fold(0usize, |acc, &(j, _)| layer[j].map(|lj| acc.max(lj + 1)));
            let Some(l) = l else { break };
            layer[i] = Some(l);
            depth = depth.max(l + 1);
        }
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
        for &i in order {
            if let Some(l) = layer[i] {
                layers[l].push(i);
            }
        }
        // What registering changes, to undo it.
        let saved: Vec<(GlobalKind, bool)> =
            techs.iter().map(|t| (self.globals[t.0].kind.clone(), self.globals[t.0].broken)).collect();
        self.techniques
            .extend(techs.iter().map(|t| TechniqueInfo::placeholder(t.0, m, self.modules[m].file)));
        let mut lowered: Vec<Option<TechniqueLowering>> = (0..n).map(|_| None).collect();
        let mut consistent = true;
        'layers: for members in &layers {
            let one = |&i: &usize| {
                let (id, item, t, _) = techs[i];
                self.lower_technique(m, id, item, t)
            };
            let results: Vec<TechniqueLowering> = map_items(members.len(), |k| one(&members[k]));
            for (&i, mut l) in members.iter().zip(results) {
                let li = layer[i].unwrap_or(0);
                let seen_as_one_thread = l.low.refs.iter().all(|&(_, g)| match index.get(&g) {
                    Some(&j) => layer[j].is_some_and(|lj| lj < li) == (pos[j] < pos[i]),
                    None => true,
                });
                if !seen_as_one_thread {
                    consistent = false;
                    break 'layers;
                }
                self.register_technique(techs[i].0, base + pos[i], &mut l);
                lowered[i] = Some(l);
            }
        }
        if !consistent {
            self.techniques.truncate(base);
            for (t, (kind, broken)) in techs.iter().zip(saved) {
                self.globals[t.0].kind = kind;
                self.globals[t.0].broken = broken;
            }
            return None;
        }
        Some(lowered)
    }

    /// Gives a lowered technique its number `tid`: its information goes to
    /// [`Elab::techniques`] (replacing a placeholder, or appended), and its
    /// declaration points at it, broken when the technique is.
    pub(crate) fn register_technique(
        &mut self,
        id: GlobalId,
        tid: TechniqueId,
        lowered: &mut TechniqueLowering,
    ) {
        let clean = lowered.low.errors.is_empty() && !lowered.low.poisoned;
        let mut info = std::mem::replace(&mut lowered.info, TechniqueInfo::placeholder(id, 0, FileId(0)));
        info.broken = lowered.broken || !clean;
        self.globals[id].broken = info.broken;
        self.globals[id].kind = GlobalKind::Technique(tid);
        if tid == self.techniques.len() {
            self.techniques.push(info);
        } else {
            self.techniques[tid] = info;
        }
    }

    /// Reports a registered technique's diagnostics and references and numbers its
    /// obligations; called for the techniques in `order`.
    pub(crate) fn technique_obligations(
        &mut self,
        m: ModuleId,
        ix: usize,
        tid: TechniqueId,
        lowered: &mut TechniqueLowering,
    ) {
        let low = &mut lowered.low;
        self.finish(m, ix, std::mem::take(&mut low.errors), std::mem::take(&mut low.refs), low.poisoned);
        // `info` and `self.obligations` are different fields: each obligation is
        // numbered as it is pushed.
        let info = &mut self.techniques[tid];
        for mut ob in std::mem::take(&mut lowered.obligations) {
            match &mut ob.kind {
                ObligationKind::Guarantee { technique, index } => {
                    *technique = tid;
                    info.guarantees[*index].obligation = Some(self.obligations.len());
                }
                ObligationKind::Discharge { technique, index } => {
                    *technique = tid;
                    info.discharges[*index].obligation = self.obligations.len();
                }
                ObligationKind::Lemma(_) => {}
            }
            self.obligations.push(ob);
        }
    }

    /// A technique's clauses, lowered, with its obligations, which are numbered when it
    /// takes its place.
    pub(crate) fn lower_technique(
        &self,
        m: ModuleId,
        id: GlobalId,
        item: &ast::Item,
        t: &ast::Technique,
    ) -> TechniqueLowering {
        let file = self.modules[m].file;
        let tkernel = self.globals[id].kernel.clone();
        let mut lx = self.lx(m);
        let params = self.params(&mut lx, &t.params);
        let mut broken = params.is_none();
        let params = params.unwrap_or_default();
        lx.locals = params.clone();
        let mut info = TechniqueInfo {
            name: tkernel.clone(),
            short: t.name.text.as_str().to_owned(),
            global: id,
            module: m,
            file,
            span: item.span,
            doc: item.doc.clone(),
            params: params.clone(),
            source: None,
            proposed_by: None,
            oversees: None,
            assumptions: vec![],
            uses: vec![],
            discharges: vec![],
            lifts: vec![],
            intent: None,
            guarantees: vec![],
            witness: None,
            answers: None,
            broken: false,
        };
        let mut names: NameMap<ast::Text, Span> = NameMap::default();
        // Pass 1: everything but discharges, lifts and guarantees.
        for cl in &t.clauses {
            match &cl.kind {
                ClauseKind::Source(s) => set_once(&mut lx, &mut info.source, s, "source", cl.span),
                ClauseKind::ProposedBy(s) => set_once(&mut lx, &mut info.proposed_by, s, "proposed_by", cl.span),
                ClauseKind::Oversees(s) => set_once(&mut lx, &mut info.oversees, s, "oversees", cl.span),
                ClauseKind::Assume { name: n, statement } => {
                    check_fresh(&mut lx, &mut names, n);
                    match lx.formula(statement) {
                        Some(f) => info.assumptions.push(Assumption {
                            name: n.text.as_str().to_owned(),
                            statement: f,
                            span: n.span,
                            origin: AssumptionOrigin::Own,
                        }),
                        None => broken = true,
                    }
                }
                ClauseKind::Use { name: n, technique } => {
                    check_fresh(&mut lx, &mut names, n);
                    if n.text.contains('.') {
                        broken = true;
                    }
                    let u = self.use_clause(&mut lx, n, technique, cl.span);
                    if u.technique.is_none() {
                        broken = true;
                    }
                    info.uses.push(u);
                }
                ClauseKind::Intent(e) => {
                    if info.intent.is_some() {
                        lx.err(repeated("intent", cl.span));
                    }
                    match lx.formula(e) {
                        Some(f) => info.intent = Some((f, e.span)),
                        None => broken = true,
                    }
                }
                ClauseKind::Witness(entries) => {
                    if info.witness.is_some() {
                        lx.err(repeated("witness", cl.span));
                    }
                    let mut values = Vec::new();
                    for w in entries {
                        if let Some(v) = self.witness_entry(&mut lx, w) {
                            values.push(v);
                        }
                    }
                    info.witness = Some(values);
                }
                ClauseKind::Allow { .. } | ClauseKind::Require { .. } => lx.err(LangError::Invalid {
                    message: format!("`{}` is only allowed in a challenge", clause_keyword(&cl.kind)),
                    help: Some("a technique states `assume` and `guarantee`; `allow` and `require` belong to a challenge".into()),
                    span: ss(cl.span),
                }),
                ClauseKind::Error => broken = true,
                ClauseKind::Discharge { .. } | ClauseKind::Lift { .. } | ClauseKind::Guarantee { .. } => {}
            }
        }
        if let Some(a) = &t.answers {
            info.answers = self.answers(&mut lx, a);
        }
        // Pass 2: discharges and lifts.
        let mut settled: NameMap<(usize, String), Span> = NameMap::default();
        let mut pending_discharges: Vec<(usize, &ast::Proof)> = Vec::new();
        for cl in &t.clauses {
            let (target, proof) = match &cl.kind {
                ClauseKind::Discharge { target, proof } => (target, Some(proof)),
                ClauseKind::Lift { target } => (target, None),
                _ => continue,
            };
            let Some((ui, aname, statement)) = resolve_target(&mut lx, &info.uses, target) else {
                broken = true;
                continue;
            };
            if let Some(prev) = settled.get(&(ui, aname.clone())) {
                lx.err(LangError::Duplicate {
                    name: target.text.as_str().to_owned(),
                    span: ss(target.span),
                    previous: Some(ss(*prev)),
                });
                continue;
            }
            settled.insert((ui, aname.clone()), target.span);
            match proof {
                Some(p) => {
                    pending_discharges.push((info.discharges.len(), p));
                    info.discharges.push(Discharge {
                        use_index: ui,
                        assumption: aname,
                        statement,
                        span: cl.span,
                        obligation: usize::MAX,
                    });
                }
                None => {
                    let lifted = format!("{}.{aname}", info.uses[ui].name);
                    if let Some(prev) = names.get(lifted.as_str()) {
                        lx.err(LangError::Duplicate {
                            name: lifted.clone(),
                            span: ss(target.span),
                            previous: Some(ss(*prev)),
                        });
                    }
                    names.insert(ast::Text::new(&lifted), target.span);
                    info.assumptions.push(Assumption {
                        name: lifted,
                        statement,
                        span: target.span,
                        origin: AssumptionOrigin::Lifted { use_index: ui },
                    });
                    info.lifts.push(Lift { use_index: ui, assumption: aname, span: cl.span });
                }
            }
        }
        // Pass 3: guarantees.
        let mut guarantee_proofs: Vec<(usize, Option<&ast::Proof>)> = Vec::new();
        for cl in &t.clauses {
            let ClauseKind::Guarantee { name: n, statement, proof } = &cl.kind else {
                continue;
            };
            check_fresh(&mut lx, &mut names, n);
            if proof.is_none() {
                lx.err(LangError::Invalid {
                    message: format!("guarantee `{}` has no proof", n.text),
                    help: Some("add `:= by { ... }`; every guarantee carries a proof".into()),
                    span: ss(n.span),
                });
            }
            match lx.formula(statement) {
                Some(f) => {
                    guarantee_proofs.push((info.guarantees.len(), proof.as_ref()));
                    info.guarantees.push(Guarantee {
                        name: n.text.as_str().to_owned(),
                        statement: f,
                        span: n.span,
                        obligation: None,
                    });
                }
                None => broken = true,
            }
        }
        let obligations = technique_obligations(m, &info, &guarantee_proofs, &pending_discharges);
        TechniqueLowering { info, broken, obligations, low: Lowering::of(lx, Some(())) }
    }

    fn use_clause(&self, lx: &mut Lx, n: &ast::Ident, app: &ast::Application, span: Span) -> Use {
        let mut u = Use {
            name: n.text.as_str().to_owned(),
            technique: None,
            args: vec![],
            span,
            assumptions: vec![],
            guarantees: vec![],
        };
        let Some(g) = lx.resolve(&app.name, "technique") else {
            for a in &app.args {
                let _ = lx.lower(a);
            }
            return u;
        };
        let tid = match self.globals[g].kind {
            GlobalKind::Technique(tid) if tid < self.techniques.len() => tid,
            GlobalKind::Technique(_) => return u, // in a cycle: reported already
            ref other => {
                lx.err(LangError::WrongKind {
                    name: app.name.text.as_str().to_owned(),
                    found: other.describe().into(),
                    expected: "technique".into(),
                    help: None,
                    span: ss(app.name.span),
                });
                return u;
            }
        };
        let used = &self.techniques[tid];
        let sorts: Vec<Sort> = used.params.iter().map(|(_, s)| s.clone()).collect();
        let Some(args) = lx.args(&app.name, &sorts, &app.args, app.span) else {
            return u;
        };
        if used.broken {
            lx.poisoned = true;
        }
        u.assumptions = used
            .assumptions
            .iter()
            .map(|a| (a.name.clone(), instantiate(&a.statement, &used.params, &args)))
            .collect();
        u.guarantees = used
            .guarantees
            .iter()
            .map(|g| (g.name.clone(), instantiate(&g.statement, &used.params, &args)))
            .collect();
        u.args = args.to_vec();
        u.technique = Some(tid);
        u
    }

    fn answers(&self, lx: &mut Lx, app: &ast::Application) -> Option<Answers> {
        let g = lx.resolve(&app.name, "challenge")?;
        let cid = match self.globals[g].kind {
            GlobalKind::Challenge(c) if c < self.challenges.len() => c,
            ref other => {
                lx.err(LangError::WrongKind {
                    name: app.name.text.as_str().to_owned(),
                    found: other.describe().into(),
                    expected: "challenge".into(),
                    help: None,
                    span: ss(app.name.span),
                });
                return None;
            }
        };
        let sorts: Vec<Sort> = self.challenges[cid].params.iter().map(|(_, s)| s.clone()).collect();
        let args = lx.args(&app.name, &sorts, &app.args, app.span)?.to_vec();
        Some(Answers { challenge: cid, args, span: app.span })
    }

    fn witness_entry(&self, lx: &mut Lx, w: &ast::WitnessEntry) -> Option<WitnessValue> {
        let path = match &w.lhs.kind {
            ExprKind::Name(p) | ExprKind::App(p, _) => p,
            _ => return None,
        };
        if path.is_simple() && lx.local(&path.text).is_some() {
            lx.err(LangError::Invalid {
                message: format!("`{}` is a parameter; a witness gives values to functions", path.text),
                help: Some("write `f(args) = value` for a declared function `f`".into()),
                span: ss(path.span),
            });
            return None;
        }
        if let Ok(g) = resolve_in(lx.modules, lx.globals, lx.module, path, "function", &[]) {
            if let GlobalKind::Function { defined: true, .. } = self.globals[g].kind {
                lx.err(LangError::Invalid {
                    message: format!("`{}` is a definition; its value follows from the others", path.text),
                    help: Some("a witness gives values to declared functions (`fn`) only".into()),
                    span: ss(path.span),
                });
                return None;
            }
        }
        let lhs = lx.term(&w.lhs);
        let rhs = lx.term(&w.rhs);
        let ((lt, ls), (rt, rs)) = (lhs?, rhs?);
        if ls != rs {
            lx.err(LangError::SortMismatch {
                expected: sort_str(&ls),
                found: sort_str(&rs),
                help: Some("a witness value has the sort of the function".into()),
                span: ss(w.rhs.span),
            });
            return None;
        }
        Some(WitnessValue { lhs: lt, rhs: rt, span: w.span })
    }
}

/// The obligations of a lowered technique `info` of module `m`: one per guarantee of
/// `guarantee_proofs` (index in `info.guarantees` and proof), then one per discharge of
/// `pending_discharges`, in that order. Their technique number is left as
/// `usize::MAX` until the technique takes its place ([`Elab::technique_obligations`]).
fn technique_obligations(
    m: ModuleId,
    info: &TechniqueInfo,
    guarantee_proofs: &[(usize, Option<&ast::Proof>)],
    pending_discharges: &[(usize, &ast::Proof)],
) -> Vec<Obligation> {
    let mut out = Vec::with_capacity(guarantee_proofs.len() + pending_discharges.len());
    let tkernel = &info.name;
    if !guarantee_proofs.is_empty() {
        let gctx = info.guarantee_context();
        for &(gi, proof) in guarantee_proofs {
            let g = &info.guarantees[gi];
            out.push(Obligation {
                kind: ObligationKind::Guarantee { technique: usize::MAX, index: gi },
                name: name(&dotted(tkernel, &g.name)),
                module: m,
                file: info.file,
                span: g.span,
                statement: g.statement.clone(),
                context: gctx.clone(),
                proof: proof.cloned(),
            });
        }
    }
    if !pending_discharges.is_empty() {
        let dctx = info.discharge_context();
        for &(di, proof) in pending_discharges {
            let d = &info.discharges[di];
            let uname = &info.uses[d.use_index].name;
            out.push(Obligation {
                kind: ObligationKind::Discharge { technique: usize::MAX, index: di },
                name: name(&format!("{tkernel}.discharge.{uname}.{}", d.assumption)),
                module: m,
                file: info.file,
                span: d.span,
                statement: d.statement.clone(),
                context: dctx.clone(),
                proof: Some(proof.clone()),
            });
        }
    }
    out
}

fn resolve_target(lx: &mut Lx, uses: &[Use], target: &ast::Path) -> Option<(usize, String, Formula)> {
    let Some((uname, aname)) = target.text.split_once('.') else {
        lx.err(LangError::Invalid {
            message: format!("`{}` does not name an assumption of a used technique", target.text),
            help: Some("write `use_name.assumption`, e.g. `discharge first.recall_high by ...`".into()),
            span: ss(target.span),
        });
        return None;
    };
    let Some(ui) = uses.iter().position(|u| u.name == uname) else {
        lx.err(LangError::UnknownName {
            kind: "used technique",
            name: uname.to_string(),
            help: suggest(uname, uses.iter().map(|u| u.name.as_str()))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some("name it first with `use name = Technique(args)`".into())),
            span: ss(target.span),
        });
        return None;
    };
    let u = &uses[ui];
    u.technique?;
    match u.assumptions.iter().find(|(a, _)| a == aname) {
        Some((a, f)) => Some((ui, a.clone(), f.clone())),
        None => {
            let s = suggest(aname, u.assumptions.iter().map(|(a, _)| a.as_str()));
            let all: Vec<&str> = u.assumptions.iter().map(|(a, _)| a.as_str()).collect();
            lx.err(LangError::UnknownName {
                kind: "assumption",
                name: target.text.as_str().to_owned(),
                help: Some(match s {
                    Some(s) => format!("did you mean `{uname}.{s}`?"),
                    None if all.is_empty() => format!("`{uname}` has no assumptions"),
                    None => format!("the assumptions of `{uname}` are: {}", all.join(", ")),
                }),
                span: ss(target.span),
            });
            None
        }
    }
}

fn set_once(lx: &mut Lx, slot: &mut Option<String>, s: &ast::StrLit, what: &str, span: Span) {
    if slot.is_some() {
        lx.err(repeated(what, span));
    }
    *slot = Some(s.value.clone());
}

fn repeated(what: &str, span: Span) -> LangError {
    LangError::Invalid {
        message: format!("`{what}` is given twice"),
        help: Some(format!("keep one `{what}` clause")),
        span: ss(span),
    }
}

fn check_fresh(lx: &mut Lx, names: &mut NameMap<ast::Text, Span>, n: &ast::Ident) {
    if let Some(prev) = names.get(n.text.as_str()) {
        lx.err(LangError::Duplicate {
            name: n.text.as_str().to_owned(),
            span: ss(n.span),
            previous: Some(ss(*prev)),
        });
    } else {
        names.insert(n.text.clone(), n.span);
    }
}

fn clause_keyword(k: &ClauseKind) -> &'static str {
    match k {
        ClauseKind::Source(_) => "source",
        ClauseKind::ProposedBy(_) => "proposed_by",
        ClauseKind::Oversees(_) => "oversees",
        ClauseKind::Assume { .. } => "assume",
        ClauseKind::Use { .. } => "use",
        ClauseKind::Discharge { .. } => "discharge",
        ClauseKind::Lift { .. } => "lift",
        ClauseKind::Intent(_) => "intent",
        ClauseKind::Guarantee { .. } => "guarantee",
        ClauseKind::Witness(_) => "witness",
        ClauseKind::Allow { .. } => "allow",
        ClauseKind::Require { .. } => "require",
        ClauseKind::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::instantiate;
    use crate::modules::load_with;
    use crate::{Input, Options, Program};
    use warrant_kernel::{close_formula, name, open_formula, Formula, Name, Sort, Term};

    /// Everything the program says, the signature's declarations included (not its
    /// fingerprints, which are unique to each run).
    fn outcome(p: &Program) -> String {
        let diags: Vec<String> =
            p.diagnostics.iter().map(|d| format!("{} {:?} {}", d.code(), d.span(), d.error)).collect();
        format!(
            "{diags:#?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            p.globals,
            p.references,
            p.obligations,
            p.techniques,
            p.signature.declarations()
        )
    }

    /// Loads `inputs` concurrently (techniques lowered in layers, a large program's
    /// declarations checked on a thread of their own) and one thing after another;
    /// both must give the same program.
    fn same_both_ways(inputs: &[Input]) -> String {
        let options = Options::default();
        let concurrent = outcome(&load_with(inputs, &options, true));
        let one_by_one = outcome(&load_with(inputs, &options, false));
        assert_eq!(concurrent, one_by_one);
        concurrent
    }

    /// `groups` groups of techniques three layers deep, with broken ones, cycles and
    /// (`names_later`) a technique whose formula names one of a later layer that comes
    /// earlier in the module's order.
    fn text(groups: usize, names_later: bool) -> String {
        let mut s = String::from("module layers\nsort A\n");
        for i in 0..groups {
            s.push_str(&format!(
                "fn f{i}(x: A): Rat\n\
                 technique Top{i}(x: A) {{\n  use p = Pair{i}(x)\n  lift p.first.h\n  \
                 guarantee t: f{i}(x) <= 4 := by sorry\n}}\n\
                 technique Pair{i}(x: A) {{\n  use first = M{i}(x)\n  lift first.h\n  \
                 guarantee g2: f{i}(x) <= 3 := by sorry\n}}\n\
                 technique M{i}(x: A) {{\n  assume h: f{i}(x) <= 1\n  guarantee g: f{i}(x) <= 2 := by sorry\n}}\n"
            ));
            if i % 4 == 1 {
                s.push_str(&format!(
                    "technique UsesBad{i}(x: A) {{\n  use b = Bad{i}(x)\n  guarantee g: true := by sorry\n}}\n\
                     technique Bad{i}(x: Missing{i}) {{\n  guarantee g: true := by sorry\n}}\n\
                     technique C{i}(x: A) {{\n  use d = D{i}(x)\n}}\n\
                     technique D{i}(x: A) {{\n  use c = C{i}(x)\n  use m = M{i}(x)\n}}\n\
                     technique E{i}(x: A) {{\n  use c = C{i}(x)\n}}\n"
                ));
            }
            if names_later && i % 4 == 2 {
                let j = i - 1;
                s.push_str(&format!(
                    "technique Names{i}(x: A) {{\n  assume z: Pair{j}(x) <= 1\n  assume w: UsesBad{j}(x) <= 1\n}}\n"
                ));
            }
        }
        s
    }

    /// `instantiate` as it was written before it became one pass: every parameter
    /// renamed to a name no source can write, then each replaced by its argument.
    fn instantiate_in_two_steps(f: &Formula, params: &[(Name, Sort)], args: &[Term]) -> Formula {
        let mut g = f.clone();
        let tmps: Vec<Name> = (0..params.len()).map(|i| name(&format!("#{i}"))).collect();
        for ((p, s), tmp) in params.iter().zip(&tmps) {
            g = open_formula(&close_formula(&g, p, s), &Term::Free(tmp.clone(), s.clone()));
        }
        for (((_, s), a), tmp) in params.iter().zip(args).zip(&tmps) {
            g = open_formula(&close_formula(&g, tmp, s), a);
        }
        g
    }

    #[test]
    fn instantiate_replaces_every_parameter_at_once() {
        let a = Sort::Named(name("m.A"));
        let var = |n: &str, s: &Sort| Term::Free(name(n), s.clone());
        let params = vec![(name("x"), a.clone()), (name("y"), Sort::Rat)];
        // `forall z: A. p(x, z) and y <= f(x) + y`, with a `y` of another sort (which is
        // not the parameter) and a bound variable.
        let body = |x: Term, y: Term| {
            Formula::and(
                Formula::pred("m.p", vec![x.clone(), Term::Bound(0)]),
                Formula::le(y.clone(), Term::add(Term::app("m.f", vec![x]), y)),
            )
        };
        let f = Formula::Forall(
            warrant_kernel::Hint(name("z")),
            a.clone(),
            std::sync::Arc::new(Formula::and(
                body(var("x", &a), var("y", &Sort::Rat)),
                Formula::pred("m.q", vec![var("y", &a)]),
            )),
        );
        // The arguments name the parameters the other way round.
        let args = vec![var("y", &a), Term::app("m.g", vec![var("x", &a)])];
        let expected = Formula::Forall(
            warrant_kernel::Hint(name("z")),
            a.clone(),
            std::sync::Arc::new(Formula::and(
                body(args[0].clone(), args[1].clone()),
                Formula::pred("m.q", vec![var("y", &a)]),
            )),
        );
        assert_eq!(instantiate(&f, &params, &args), expected);
        assert_eq!(format!("{:?}", instantiate(&f, &params, &args)), format!("{expected:?}"));
        assert_eq!(instantiate(&f, &params, &args), instantiate_in_two_steps(&f, &params, &args));
        // Too few arguments: the parameter left over becomes `#1`, as before.
        let short = instantiate(&f, &params, &args[..1]);
        assert_eq!(short, instantiate_in_two_steps(&f, &params, &args[..1]));
        assert!(format!("{short:?}").contains("\"#1\""), "{short:?}");
        // No parameter occurs: the formula comes back as it was.
        let g = Formula::pred("m.q", vec![var("w", &a)]);
        assert_eq!(instantiate(&g, &params, &args), g);
    }

    #[test]
    fn techniques_in_layers_give_the_program_of_one_by_one() {
        for names_later in [false, true] {
            // Above and below the size at which a layer is lowered in parallel.
            for groups in [3, 40] {
                let input = Input::Text { name: "layers.wr".into(), text: text(groups, names_later) };
                let out = same_both_ways(&[input]);
                assert!(out.contains("technique cycle"), "{out}");
                assert!(out.contains("unknown sort `Missing1`"), "{out}");
            }
        }
    }

    /// Signatures are lowered in parallel before any is taken: one that names, as a
    /// sort, a function whose signature was taken since must say what that function
    /// is then (a function of one argument, no longer the constant its declaration
    /// started as), as taking them one by one does.
    /// A quantifier's body is lowered with its binders already bound (`Lx::variable`):
    /// the statement must be the one that lowering the body over free variables and
    /// closing it over each binder, innermost first, gives (nested binders, a binder
    /// that shadows another, both quantifiers, a free variable of the scope named like
    /// a binder, used both inside and outside it).
    #[test]
    fn quantifiers_lower_to_what_closing_over_each_binder_gives() {
        use crate::program::{GlobalKind, Scope};
        let text = "module q\nsort A\nsort B\nfn c: B\nfn f(x: A, y: B): Rat\npred p(x: A, y: B)\n\
                    axiom a1: forall x: A, y: B. exists x: A. p(x, y) and f(x, y) <= 0\n\
                    axiom a2: forall x: A. (forall y: B. p(x, y)) -> exists y: B, z: A. p(z, y) or p(x, c)\n";
        let program =
            load_with(&[Input::Text { name: "q.wr".into(), text: text.into() }], &Options::default(), false);
        assert!(program.diagnostics.is_empty(), "{:?}", program.diagnostics);
        let (a, b) = (Sort::Named(name("q.A")), Sort::Named(name("q.B")));
        let x = || Term::free("x", a.clone());
        let z = || Term::free("z", a.clone());
        let y = || Term::free("y", b.clone());
        let c = || Term::constant("q.c");
        let p = |s: Term, t: Term| Formula::pred("q.p", vec![s, t]);
        let f = |s: Term, t: Term| Term::app("q.f", vec![s, t]);
        let a1 = Formula::forall(
            "x",
            a.clone(),
            &Formula::forall(
                "y",
                b.clone(),
                &Formula::exists(
                    "x",
                    a.clone(),
                    &Formula::and(p(x(), y()), Formula::le(f(x(), y()), Term::int(0))),
                ),
            ),
        );
        let a2 = Formula::forall(
            "x",
            a.clone(),
            &Formula::implies(
                Formula::forall("y", b.clone(), &p(x(), y())),
                Formula::exists(
                    "y",
                    b.clone(),
                    &Formula::exists("z", a.clone(), &Formula::or(p(z(), y()), p(x(), c()))),
                ),
            ),
        );
        let statement = |kernel: &str| {
            let id = program.global_by_kernel_name(kernel).unwrap();
            match &program.globals[id].kind {
                GlobalKind::Axiom { statement: Some(s) } => s.clone(),
                other => panic!("{kernel}: {other:?}"),
            }
        };
        assert_eq!(statement("q.a1"), a1);
        assert_eq!(statement("q.a2"), a2);
        // `==` ignores binder names: the hints must be the binders' too.
        assert_eq!(format!("{:?}", statement("q.a1")), format!("{a1:?}"));
        assert_eq!(format!("{:?}", statement("q.a2")), format!("{a2:?}"));

        // In a proof's scope, `x` is a free variable until a binder shadows it.
        let scope = Scope { module: 0, file: program.modules[0].file, locals: vec![("x".into(), a.clone())] };
        let limits = crate::Limits::default();
        let (expr, errors) = crate::parse_expr("p(x, c) and (forall x: A. exists y: B. p(x, y))", &limits);
        assert!(errors.is_empty(), "{errors:?}");
        let lowered = super::lower_formula_in(&program, &scope, &expr.unwrap()).unwrap();
        let expected = Formula::and(
            p(x(), c()),
            Formula::forall("x", a.clone(), &Formula::exists("y", b.clone(), &p(x(), y()))),
        );
        assert_eq!(format!("{lowered:?}"), format!("{expected:?}"));
    }

    #[test]
    fn a_signature_that_names_an_earlier_function_as_a_sort_sees_it_taken() {
        let mut text = String::from("module sigs\nsort A\nfn g(x: A): Rat\nfn h(y: g): Rat\n");
        // Enough items for the signatures to be lowered on the pool.
        for i in 0..super::PARALLEL_ITEMS {
            text.push_str(&format!("fn c{i}(x: A): Rat\n"));
        }
        let inputs = [Input::Text { name: "sigs.wr".into(), text }];
        let out = same_both_ways(&inputs);
        assert!(out.contains("`g` is a function, but a sort is expected here"), "{out}");
        let program = crate::load(&inputs, &Options::default());
        let messages: Vec<String> = program.diagnostics.iter().map(|d| d.error.to_string()).collect();
        assert_eq!(messages, ["`g` is a function, but a sort is expected here"]);
    }

    /// A program large enough for its declarations to be checked on a thread of
    /// their own, with a definition the kernel refuses (600 nested quantifiers: one
    /// level for the front end, past the kernel's depth limit of 512) and an axiom
    /// that uses it (broken by the refusal, so neither reported nor declared).
    fn refused_text() -> String {
        let mut s = String::from("module refused\nsort A\n");
        for i in 0..super::BACKGROUND_DECLARATIONS_FROM {
            s.push_str(&format!("fn f{i}(x: A): Rat\n"));
        }
        let binders: Vec<String> = (0..600).map(|i| format!("y{i}: A")).collect();
        s.push_str(&format!("def p(x: A): Prop = forall {}. true\n", binders.join(", ")));
        s.push_str("axiom uses: forall x: A. p(x)\naxiom after: forall x: A. f0(x) <= f1(x)\n");
        s
    }

    #[test]
    fn a_declaration_the_kernel_refuses_gives_the_same_program_both_ways() {
        let inputs = [Input::Text { name: "refused.wr".into(), text: refused_text() }];
        let out = same_both_ways(&inputs);
        assert!(out.contains("the kernel refused `p`"), "{out}");
        let program = crate::load(&inputs, &Options::default());
        assert_eq!(program.diagnostics.len(), 1, "{:?}", program.diagnostics);
        let sig = &program.signature;
        assert!(sig.symbol("refused.p").is_none());
        assert!(sig.fact("refused.uses").is_none());
        assert!(sig.fact("refused.after").is_some());
        assert!(program.globals.iter().any(|g| g.short == "uses" && g.broken));
    }

    #[test]
    fn the_corpus_gives_the_same_program_both_ways() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for dir in ["corpus", "lang/tests/fixtures"] {
            let inputs = [Input::Path(root.join(dir))];
            let out = same_both_ways(&inputs);
            assert!(!out.is_empty());
        }
    }
}
