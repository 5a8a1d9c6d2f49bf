//! Moving what an edit of a file's length moved: every span at or after a byte of the
//! old text is shifted by the edit's change of length.
//!
//! The syntax tree's visitor destructures every node without `..`, so a span field
//! added to a node does not compile until it is shifted here too; the test parses
//! every fixture behind added blanks and compares with the shifted tree.

use crate::ast::*;
use crate::lexer::Comment;
use crate::span::Span;

/// Shifts spans that start at or after `from` (old offsets) by `delta` bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shift {
    /// The first old byte that moved.
    pub from: u32,
    /// The change of length (new minus old).
    pub delta: i64,
}

impl Shift {
    /// `span` moved when it starts at or after [`Shift::from`]. A span is never
    /// astride `from` here: `from` is the end of an item, and every span is inside one
    /// item or is a whole item.
    pub fn span(self, span: &mut Span) {
        if span.start >= self.from {
            span.start = self.offset(span.start);
            span.end = self.offset(span.end);
        }
    }

    fn offset(self, at: u32) -> u32 {
        // In range: a moved offset is one of the new text's, which fits the size limit.
        u32::try_from(i64::from(at) + self.delta).unwrap_or(u32::MAX)
    }

    /// Every span of `item`.
    pub fn item(self, item: &mut Item) {
        let Item { kind, doc: _, span } = item;
        self.span(span);
        match kind {
            ItemKind::Module(p) | ItemKind::Import(p) => self.path(p),
            ItemKind::Sort(i) => self.ident(i),
            ItemKind::Fn { name, params, result } => {
                self.ident(name);
                self.params(params);
                self.path(result);
            }
            ItemKind::Pred { name, params } => {
                self.ident(name);
                self.params(params);
            }
            ItemKind::Def { name, params, result, body } => {
                self.ident(name);
                self.params(params);
                match result {
                    DefResult::Sort(p) => self.path(p),
                    DefResult::Prop(s) => self.span(s),
                }
                self.expr(body);
            }
            ItemKind::Axiom { name, statement } => {
                self.ident(name);
                self.expr(statement);
            }
            ItemKind::Lemma { kind: _, name, statement, proof } => {
                self.ident(name);
                self.expr(statement);
                if let Some(p) = proof {
                    self.proof(p);
                }
            }
            ItemKind::Technique(t) => {
                let Technique { name, params, answers, clauses } = &mut **t;
                self.ident(name);
                self.params(params);
                if let Some(a) = answers {
                    self.application(a);
                }
                clauses.iter_mut().for_each(|c| self.clause(c));
            }
            ItemKind::Challenge(c) => {
                let Challenge { name, params, clauses } = &mut **c;
                self.ident(name);
                self.params(params);
                clauses.iter_mut().for_each(|c| self.clause(c));
            }
            ItemKind::Limits(settings) => {
                for LimitSetting { name, value: _, value_span, span } in settings {
                    self.ident(name);
                    self.span(value_span);
                    self.span(span);
                }
            }
            ItemKind::Error => {}
        }
    }

    /// A comment's span.
    pub fn comment(self, comment: &mut Comment) {
        let Comment { kind: _, span } = comment;
        self.span(span);
    }

    fn ident(self, i: &mut Ident) {
        let Ident { text: _, span } = i;
        self.span(span);
    }

    fn path(self, p: &mut Path) {
        let Path { text: _, span } = p;
        self.span(span);
    }

    fn params(self, params: &mut [Param]) {
        for Param { name, sort } in params {
            self.ident(name);
            self.path(sort);
        }
    }

    fn application(self, a: &mut Application) {
        let Application { name, args, span } = a;
        self.path(name);
        args.iter_mut().for_each(|e| self.expr(e));
        self.span(span);
    }

    fn clause(self, c: &mut Clause) {
        let Clause { kind, doc: _, span } = c;
        self.span(span);
        match kind {
            ClauseKind::Source(s) | ClauseKind::ProposedBy(s) | ClauseKind::Oversees(s) => {
                let StrLit { value: _, span } = s;
                self.span(span);
            }
            ClauseKind::Assume { name, statement }
            | ClauseKind::Allow { name, statement }
            | ClauseKind::Require { name, statement } => {
                self.ident(name);
                self.expr(statement);
            }
            ClauseKind::Use { name, technique } => {
                self.ident(name);
                self.application(technique);
            }
            ClauseKind::Discharge { target, proof } => {
                self.path(target);
                self.proof(proof);
            }
            ClauseKind::Lift { target } => self.path(target),
            ClauseKind::Intent(e) => self.expr(e),
            ClauseKind::Guarantee { name, statement, proof } => {
                self.ident(name);
                self.expr(statement);
                if let Some(p) = proof {
                    self.proof(p);
                }
            }
            ClauseKind::Witness(entries) => {
                for WitnessEntry { lhs, rhs, span } in entries {
                    self.expr(lhs);
                    self.expr(rhs);
                    self.span(span);
                }
            }
            ClauseKind::Error => {}
        }
    }

    fn expr(self, e: &mut Expr) {
        let Expr { kind, span } = e;
        self.span(span);
        match kind {
            ExprKind::Num(_) | ExprKind::True | ExprKind::False | ExprKind::Error => {}
            ExprKind::Name(p) => self.path(p),
            ExprKind::App(p, args) => {
                self.path(p);
                args.iter_mut().for_each(|a| self.expr(a));
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(a),
            ExprKind::Bin(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Cmp(a, rest) => {
                self.expr(a);
                rest.iter_mut().for_each(|(_, b)| self.expr(b));
            }
            ExprKind::Quant(_, params, body) => {
                self.params(params);
                self.expr(body);
            }
        }
    }

    /// Every span of `proof`. Its tactics are shared (an obligation holds the proof of
    /// its item): they are copied once when they move.
    pub fn proof(self, proof: &mut Proof) {
        let Proof { style: _, tactics, span } = proof;
        if span.start < self.from {
            // Its tactics are inside it: none moves.
            return;
        }
        self.span(span);
        let mut moved: Vec<Tactic> = tactics.to_vec();
        moved.iter_mut().for_each(|t| self.tactic(t));
        *tactics = moved.into();
    }

    fn fact(self, f: &mut Fact) {
        let Fact { name, args, span } = f;
        self.path(name);
        args.iter_mut().for_each(|a| self.expr(a));
        self.span(span);
    }

    fn tactic(self, t: &mut Tactic) {
        let Tactic { kind, span } = t;
        self.span(span);
        match kind {
            TacticKind::Intro(names) => names.iter_mut().for_each(|n| self.ident(n)),
            TacticKind::Have { name, statement, proof } => {
                self.ident(name);
                self.expr(statement);
                self.proof(proof);
            }
            TacticKind::Show(e) | TacticKind::Exists(e) => self.expr(e),
            TacticKind::Calc(steps) => {
                for CalcStep { lhs, rel: _, rhs, proof, span } in steps {
                    if let Some(l) = lhs {
                        self.expr(l);
                    }
                    self.expr(rhs);
                    self.proof(proof);
                    self.span(span);
                }
            }
            TacticKind::Cases { fact, names, arms } => {
                self.fact(fact);
                names.iter_mut().for_each(|n| self.ident(n));
                for CaseArm { names, proof, span } in arms {
                    names.iter_mut().for_each(|n| self.ident(n));
                    self.proof(proof);
                    self.span(span);
                }
            }
            TacticKind::Split(proofs) => proofs.iter_mut().for_each(|p| self.proof(p)),
            TacticKind::Apply(f) | TacticKind::Exact(f) => self.fact(f),
            TacticKind::Unfold(paths) => paths.iter_mut().for_each(|p| self.path(p)),
            TacticKind::Rewrite(rules) => {
                for RewriteRule { reverse: _, fact } in rules {
                    self.fact(fact);
                }
            }
            TacticKind::Linarith(facts) | TacticKind::Nlinarith(facts) | TacticKind::Auto(facts) => {
                facts.iter_mut().for_each(|f| self.fact(f))
            }
            TacticKind::Left
            | TacticKind::Right
            | TacticKind::Norm
            | TacticKind::Sorry
            | TacticKind::Error => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    /// Each fixture parsed behind `pad` added blanks gives the fixture's tree shifted
    /// by `pad`, and shifted back it is the fixture's tree again: the visitor reaches
    /// every span (a missed one keeps its old offset and the trees differ).
    #[test]
    fn shifting_a_tree_is_parsing_the_moved_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut fixtures = 0;
        for entry in std::fs::read_dir(dir).expect("the fixtures") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|x| x != "wr") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a fixture");
            let limits = Limits::default();
            let original = crate::parse::parse(&text, &limits).file;
            let pad = 7;
            let moved = crate::parse::parse(&format!("{}{text}", " ".repeat(pad)), &limits).file;
            let shift = Shift { from: 0, delta: pad as i64 };
            let mut shifted = original.clone();
            shifted.items.iter_mut().for_each(|i| shift.item(i));
            shifted.comments.iter_mut().for_each(|c| shift.comment(c));
            assert_eq!(shifted, moved, "{}", path.display());
            assert!(!original.items.is_empty());
            let back = Shift { from: 0, delta: -(pad as i64) };
            shifted.items.iter_mut().for_each(|i| back.item(i));
            shifted.comments.iter_mut().for_each(|c| back.comment(c));
            assert_eq!(shifted, original, "{}", path.display());
            fixtures += 1;
        }
        assert!(fixtures >= 10, "{fixtures} fixtures");
    }

    #[test]
    fn only_spans_from_the_first_moved_byte_move() {
        let shift = Shift { from: 10, delta: -3 };
        let mut before = Span::new(2, 9);
        let mut at = Span::new(10, 14);
        shift.span(&mut before);
        shift.span(&mut at);
        assert_eq!((before, at), (Span::new(2, 9), Span::new(7, 11)));
    }
}
