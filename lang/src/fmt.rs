//! The canonical formatter. It prints a syntax tree in one layout and keeps every
//! comment: comments before an item, clause or tactic stay before it, a comment at
//! the end of a line stays there, and one blank line is kept where the source had
//! one or more. Files with parse errors are not formatted.

use crate::ast::*;
use crate::diag::LangError;
use crate::lexer::Comment;
use crate::limits::Limits;

/// Formats `src`; refuses (with the parse diagnostics) when it does not parse.
///
/// ```
/// let out = warrant_lang::fmt::format_source("sort   A\nfn f( x:A ):Rat", &Default::default()).unwrap();
/// assert_eq!(out, "sort A\nfn f(x: A): Rat\n");
/// ```
pub fn format_source(src: &str, limits: &Limits) -> Result<String, Vec<LangError>> {
    let parsed = crate::parse::parse(src, limits);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    Ok(format(src, &parsed.file))
}

/// Formats a parsed file; `src` is the text it was parsed from (for comments and
/// blank lines).
pub fn format(src: &str, file: &SourceFile) -> String {
    let mut p = Printer {
        src,
        comments: &file.comments,
        next: 0,
        out: String::with_capacity(src.len() + src.len() / 8),
        indent: 0,
        last: 0,
        at_line_start: true,
    };
    for (i, item) in file.items.iter().enumerate() {
        p.leading(item.span.start, i > 0);
        p.item(item);
        p.trailing(item.span.end);
        p.newline();
    }
    p.leading(u32::MAX, !file.items.is_empty());
    let mut out = p.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    next: usize,
    out: String,
    indent: usize,
    /// Source offset of the end of what was printed last.
    last: u32,
    at_line_start: bool,
}

/// The widest line the formatter makes on its own when it has a choice (a witness
/// block is broken into one entry a line beyond it); a long statement stays on one
/// line.
const MAX_WIDTH: usize = 100;

// Precedences, loosest first.
const P_QUANT: u8 = 0;
const P_IFF: u8 = 1;
const P_IMP: u8 = 2;
const P_OR: u8 = 3;
const P_AND: u8 = 4;
const P_NOT: u8 = 5;
const P_CMP: u8 = 6;
const P_SUM: u8 = 7;
const P_PROD: u8 = 8;
const P_NEG: u8 = 9;
const P_POW: u8 = 10;
const P_ATOM: u8 = 11;

/// A numeral of digits only (`20`, not `0.5`, `5%` or `1e-3`).
fn is_whole_numeral(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Num(n) if n.bytes().all(|b| b.is_ascii_digit()))
}

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Quant(..) => P_QUANT,
        ExprKind::Bin(op, ..) => match op {
            BinOp::Iff => P_IFF,
            BinOp::Implies => P_IMP,
            BinOp::Or => P_OR,
            BinOp::And => P_AND,
            BinOp::Add | BinOp::Sub => P_SUM,
            BinOp::Mul | BinOp::Div => P_PROD,
            BinOp::Pow => P_POW,
        },
        ExprKind::Not(_) => P_NOT,
        ExprKind::Cmp(..) => P_CMP,
        ExprKind::Neg(_) => P_NEG,
        _ => P_ATOM,
    }
}

impl Printer<'_> {
    fn w(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.at_line_start {
            for _ in 0..self.indent {
                self.out.push_str("  ");
            }
            self.at_line_start = false;
        }
        self.out.push_str(s);
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.at_line_start = true;
    }

    fn blank_between(&self, from: u32, to: u32) -> bool {
        let Some(text) = self.src.get(from as usize..(to as usize).min(self.src.len())) else {
            return false;
        };
        // A blank line: a line break, only spaces, another line break.
        let n = text.matches('\n').count();
        n >= 2 && text.split('\n').skip(1).take(n - 1).any(|l| l.trim().is_empty())
    }

    /// Prints the comments that start before `pos`, each on its own line, keeping one
    /// blank line where the source had some (when `blank` allows it).
    fn leading(&mut self, pos: u32, blank: bool) {
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start >= pos {
                break;
            }
            if !self.at_line_start {
                self.newline();
            }
            if blank && self.blank_between(self.last, c.span.start) && !self.out.is_empty() {
                self.newline();
            }
            let text = self.src.get(c.span.range()).unwrap_or("").trim_end().to_string();
            self.w(&text);
            self.newline();
            self.last = c.span.end;
            self.next += 1;
        }
        if pos != u32::MAX {
            if !self.at_line_start {
                self.newline();
            }
            if blank && self.blank_between(self.last, pos) && !self.out.is_empty() {
                self.newline();
            }
            self.last = pos;
        }
    }

    /// Prints a comment that starts on the same line right after `end`.
    fn trailing(&mut self, end: u32) {
        self.last = self.last.max(end);
        let Some(c) = self.comments.get(self.next) else {
            return;
        };
        if c.span.start < end {
            return;
        }
        let gap = self.src.get(end as usize..c.span.start as usize).unwrap_or("\n");
        if gap.contains('\n') {
            return;
        }
        let text = self.src.get(c.span.range()).unwrap_or("").trim_end().to_string();
        if text.contains('\n') {
            return; // a multi-line block comment goes on its own lines
        }
        self.w(" ");
        self.w(&text);
        self.last = c.span.end;
        self.next += 1;
    }

    fn params(&mut self, ps: &[Param]) {
        self.w("(");
        for (i, p) in ps.iter().enumerate() {
            if i > 0 {
                self.w(", ");
            }
            self.param(p);
        }
        self.w(")");
    }

    fn param(&mut self, p: &Param) {
        self.w(&p.name.text);
        self.w(": ");
        self.w(&p.sort.text);
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Module(p) => {
                self.w("module ");
                self.w(&p.text);
            }
            ItemKind::Import(p) => {
                self.w("import ");
                self.w(&p.text);
            }
            ItemKind::Sort(n) => {
                self.w("sort ");
                self.w(&n.text);
            }
            ItemKind::Fn { name, params, result } => {
                self.w("fn ");
                self.w(&name.text);
                if !params.is_empty() {
                    self.params(params);
                }
                self.w(": ");
                self.w(&result.text);
            }
            ItemKind::Pred { name, params } => {
                self.w("pred ");
                self.w(&name.text);
                if !params.is_empty() {
                    self.params(params);
                }
            }
            ItemKind::Def { name, params, result, body } => {
                self.w("def ");
                self.w(&name.text);
                if !params.is_empty() {
                    self.params(params);
                }
                self.w(": ");
                match result {
                    DefResult::Sort(p) => self.w(&p.text),
                    DefResult::Prop(_) => self.w("Prop"),
                }
                self.w(" = ");
                self.expr(body, P_QUANT);
            }
            ItemKind::Axiom { name, statement } => {
                self.w("axiom ");
                self.w(&name.text);
                self.w(": ");
                self.expr(statement, P_QUANT);
            }
            ItemKind::Lemma { kind, name, statement, proof } => {
                self.w(kind.keyword());
                self.w(" ");
                self.w(&name.text);
                self.w(": ");
                self.expr(statement, P_QUANT);
                if let Some(p) = proof {
                    self.w(" := ");
                    self.proof(p);
                }
            }
            ItemKind::Technique(t) => {
                self.w("technique ");
                self.w(&t.name.text);
                self.params(&t.params);
                if let Some(a) = &t.answers {
                    self.w(" answers ");
                    self.application(a);
                }
                self.body(&t.clauses, item.span.end);
            }
            ItemKind::Challenge(c) => {
                self.w("challenge ");
                self.w(&c.name.text);
                self.params(&c.params);
                self.body(&c.clauses, item.span.end);
            }
            ItemKind::Limits(settings) => {
                self.w("limits {");
                for (i, setting) in settings.iter().enumerate() {
                    self.w(if i == 0 { " " } else { ", " });
                    self.w(&setting.name.text);
                    self.w(" = ");
                    self.w(&setting.value);
                }
                self.w(if settings.is_empty() { "}" } else { " }" });
            }
            ItemKind::Error => self.w("/* unparsable */"),
        }
    }

    fn body(&mut self, clauses: &[Clause], end: u32) {
        self.w(" {");
        self.indent += 1;
        for (i, c) in clauses.iter().enumerate() {
            self.leading(c.span.start, i > 0);
            self.clause(c);
            self.trailing(c.span.end);
        }
        self.leading(end.saturating_sub(1), true);
        self.indent -= 1;
        if !self.at_line_start {
            self.newline();
        }
        self.w("}");
    }

    fn application(&mut self, a: &Application) {
        self.w(&a.name.text);
        self.w("(");
        self.exprs(&a.args);
        self.w(")");
    }

    fn exprs(&mut self, es: &[Expr]) {
        for (i, e) in es.iter().enumerate() {
            if i > 0 {
                self.w(", ");
            }
            self.expr(e, P_QUANT);
        }
    }

    fn string(&mut self, s: &StrLit) {
        let mut out = String::with_capacity(s.value.len() + 2);
        out.push('"');
        for c in s.value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push('"');
        self.w(&out);
    }

    fn clause(&mut self, c: &Clause) {
        match &c.kind {
            ClauseKind::Source(s) => {
                self.w("source ");
                self.string(s);
            }
            ClauseKind::ProposedBy(s) => {
                self.w("proposed_by ");
                self.string(s);
            }
            ClauseKind::Oversees(s) => {
                self.w("oversees ");
                self.string(s);
            }
            ClauseKind::Assume { name, statement } => self.named("assume", name, statement),
            ClauseKind::Allow { name, statement } => self.named("allow", name, statement),
            ClauseKind::Require { name, statement } => self.named("require", name, statement),
            ClauseKind::Use { name, technique } => {
                self.w("use ");
                self.w(&name.text);
                self.w(" = ");
                self.application(technique);
            }
            ClauseKind::Discharge { target, proof } => {
                self.w("discharge ");
                self.w(&target.text);
                self.w(" ");
                self.proof(proof);
            }
            ClauseKind::Lift { target } => {
                self.w("lift ");
                self.w(&target.text);
            }
            ClauseKind::Intent(e) => {
                self.w("intent: ");
                self.expr(e, P_QUANT);
            }
            ClauseKind::Guarantee { name, statement, proof } => {
                self.named("guarantee", name, statement);
                if let Some(p) = proof {
                    self.w(" := ");
                    self.proof(p);
                }
            }
            ClauseKind::Witness(entries) => self.witness(entries),
            ClauseKind::Error => self.w("/* unparsable */"),
        }
    }

    /// `witness { a = 1; b = 2 }` on one line when it fits in [`MAX_WIDTH`] columns,
    /// otherwise one entry a line (entries need no separator).
    fn witness(&mut self, entries: &[WitnessEntry]) {
        let (mark, at_line_start) = (self.out.len(), self.at_line_start);
        self.w("witness {");
        for (i, e) in entries.iter().enumerate() {
            self.w(if i == 0 { " " } else { "; " });
            self.witness_entry(e);
        }
        self.w(" }");
        if entries.len() < 2 || self.current_line_width() <= MAX_WIDTH {
            return;
        }
        self.out.truncate(mark);
        self.at_line_start = at_line_start;
        self.w("witness {");
        self.newline();
        self.indent += 1;
        for e in entries {
            self.witness_entry(e);
            self.newline();
        }
        self.indent -= 1;
        self.w("}");
    }

    fn witness_entry(&mut self, e: &WitnessEntry) {
        self.expr(&e.lhs, P_SUM);
        self.w(" = ");
        self.expr(&e.rhs, P_SUM);
    }

    /// Columns of the line being printed.
    fn current_line_width(&self) -> usize {
        let start = self.out.rfind('\n').map_or(0, |i| i + 1);
        self.out[start..].chars().count()
    }

    fn named(&mut self, kw: &str, name: &Ident, e: &Expr) {
        self.w(kw);
        self.w(" ");
        self.w(&name.text);
        self.w(": ");
        self.expr(e, P_QUANT);
    }

    fn proof(&mut self, p: &Proof) {
        self.w("by ");
        match (p.style, &p.tactics[..]) {
            (ProofStyle::Fact, [Tactic { kind: TacticKind::Exact(f), .. }]) => self.fact(f),
            (ProofStyle::Tactic, [t]) if !matches!(t.kind, TacticKind::Calc(_)) => self.tactic(t),
            _ => self.block(&p.tactics, p.span.end),
        }
    }

    fn block(&mut self, tactics: &[Tactic], end: u32) {
        self.w("{");
        if tactics.is_empty() && self.comments.get(self.next).is_none_or(|c| c.span.start >= end) {
            self.w(" }");
            return;
        }
        self.indent += 1;
        for (i, t) in tactics.iter().enumerate() {
            self.leading(t.span.start, i > 0);
            self.tactic(t);
            self.trailing(t.span.end);
        }
        self.leading(end.saturating_sub(1), true);
        self.indent -= 1;
        if !self.at_line_start {
            self.newline();
        }
        self.w("}");
    }

    fn fact(&mut self, f: &Fact) {
        self.w(&f.name.text);
        if !f.args.is_empty() {
            self.w("(");
            self.exprs(&f.args);
            self.w(")");
        }
    }

    fn facts(&mut self, kw: &str, fs: &[Fact]) {
        self.w(kw);
        if !fs.is_empty() {
            self.w(" [");
            for (i, f) in fs.iter().enumerate() {
                if i > 0 {
                    self.w(", ");
                }
                self.fact(f);
            }
            self.w("]");
        }
    }

    fn names(&mut self, kw: &str, ns: &[Ident]) {
        self.w(kw);
        for n in ns {
            self.w(" ");
            self.w(&n.text);
        }
    }

    fn tactic(&mut self, t: &Tactic) {
        match &t.kind {
            TacticKind::Intro(ns) => self.names("intro", ns),
            TacticKind::Have { name, statement, proof } => {
                self.w("have ");
                self.w(&name.text);
                self.w(": ");
                self.expr(statement, P_QUANT);
                self.w(" ");
                self.proof(proof);
            }
            TacticKind::Show(e) => {
                self.w("show ");
                self.expr(e, P_QUANT);
            }
            TacticKind::Calc(steps) => {
                self.w("calc ");
                for (i, s) in steps.iter().enumerate() {
                    if i > 0 {
                        self.indent += 1;
                        self.leading(s.span.start, false);
                    }
                    match &s.lhs {
                        Some(l) => self.expr(l, P_SUM),
                        None => self.w("_"),
                    }
                    self.w(" ");
                    self.w(s.rel.text());
                    self.w(" ");
                    self.expr(&s.rhs, P_SUM);
                    self.w(" := ");
                    self.proof(&s.proof);
                    self.trailing(s.span.end);
                    if i > 0 {
                        self.indent -= 1;
                    }
                }
            }
            TacticKind::Cases { fact, names, arms } => {
                self.w("cases ");
                self.fact(fact);
                if !names.is_empty() {
                    self.names(" with", names);
                }
                if !arms.is_empty() {
                    self.w(" with");
                    self.indent += 1;
                    for a in arms {
                        self.leading(a.span.start, false);
                        self.names("|", &a.names);
                        self.w(" => ");
                        self.block(&a.proof.tactics, a.proof.span.end);
                        self.trailing(a.span.end);
                    }
                    self.indent -= 1;
                }
            }
            TacticKind::Split(blocks) => {
                self.w("split");
                for b in blocks {
                    self.w(" ");
                    self.block(&b.tactics, b.span.end);
                }
            }
            TacticKind::Left => self.w("left"),
            TacticKind::Right => self.w("right"),
            TacticKind::Exists(e) => {
                self.w("exists ");
                self.expr(e, P_QUANT);
            }
            TacticKind::Apply(f) => {
                self.w("apply ");
                self.fact(f);
            }
            TacticKind::Exact(f) => {
                self.w("exact ");
                self.fact(f);
            }
            TacticKind::Unfold(ps) => {
                self.w("unfold ");
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.w(&p.text);
                }
            }
            TacticKind::Rewrite(rules) => {
                self.w("rewrite [");
                for (i, r) in rules.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    if r.reverse {
                        self.w("<- ");
                    }
                    self.fact(&r.fact);
                }
                self.w("]");
            }
            TacticKind::Norm => self.w("norm"),
            TacticKind::Linarith(fs) => self.facts("linarith", fs),
            TacticKind::Nlinarith(fs) => self.facts("nlinarith", fs),
            TacticKind::Auto(fs) => self.facts("auto", fs),
            TacticKind::Sorry => self.w("sorry"),
            TacticKind::Error => self.w("sorry /* unparsable */"),
        }
    }

    /// Prints `e`, in parentheses when it binds more loosely than `min`.
    fn expr(&mut self, e: &Expr, min: u8) {
        let p = prec(e);
        let paren = p < min || (p == P_QUANT && min > P_QUANT);
        if paren {
            self.w("(");
        }
        match &e.kind {
            ExprKind::Num(n) => self.w(n),
            ExprKind::Name(p) => self.w(&p.text),
            ExprKind::App(p, args) => {
                self.w(&p.text);
                self.w("(");
                self.exprs(args);
                self.w(")");
            }
            ExprKind::True => self.w("true"),
            ExprKind::False => self.w("false"),
            ExprKind::Neg(a) => {
                self.w("-");
                self.expr(a, P_NEG);
            }
            ExprKind::Not(a) => {
                self.w("not ");
                self.expr(a, P_NOT);
            }
            // An exact fraction of two whole numerals is written as one number, `1/20`.
            ExprKind::Bin(BinOp::Div, a, b) if is_whole_numeral(a) && is_whole_numeral(b) => {
                self.expr(a, P_ATOM);
                self.w("/");
                self.expr(b, P_ATOM);
            }
            ExprKind::Bin(op, a, b) => {
                let (l, r) = match op {
                    BinOp::Iff => (P_IMP, P_IFF),
                    BinOp::Implies => (P_OR, P_IMP),
                    BinOp::Or => (P_OR, P_AND),
                    BinOp::And => (P_AND, P_NOT),
                    BinOp::Add | BinOp::Sub => (P_SUM, P_PROD),
                    BinOp::Mul | BinOp::Div => (P_PROD, P_NEG),
                    BinOp::Pow => (P_ATOM, P_POW),
                };
                self.expr(a, l);
                if *op == BinOp::Pow {
                    self.w("^");
                } else {
                    self.w(" ");
                    self.w(op.text());
                    self.w(" ");
                }
                self.expr(b, r);
            }
            ExprKind::Cmp(first, rest) => {
                self.expr(first, P_SUM);
                for (op, x) in rest {
                    self.w(" ");
                    self.w(op.text());
                    self.w(" ");
                    self.expr(x, P_SUM);
                }
            }
            ExprKind::Quant(q, binders, body) => {
                self.w(match q {
                    Quantifier::Forall => "forall ",
                    Quantifier::Exists => "exists ",
                });
                for (i, b) in binders.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.param(b);
                }
                self.w(". ");
                self.expr(body, P_QUANT);
            }
            ExprKind::Error => self.w("/* unparsable */ 0"),
        }
        if paren {
            self.w(")");
        }
    }
}
