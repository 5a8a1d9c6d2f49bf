//! The fast path of the parse: a hand-written recursive-descent parser for
//! `grammar.lalrpop`'s language, over the same token stream.
//!
//! The lalrpop grammar stays the definition of the language, and its recovering parser
//! gives every diagnostic. This parser only ever answers for text that has none: it
//! builds exactly the tree the grammar's actions build (same nodes, same spans, same
//! depth bookkeeping), and gives up (`None`) on the first token it does not expect, on
//! an error token of the lexer, on a node deeper than `max_depth`, and past
//! [`MAX_NESTING`] nested expressions and proofs. The caller then parses the text again
//! with the recovering parser, so what comes out (tree and diagnostics) is the same as
//! if this parser did not exist. The caller also checks what the lexer reports once
//! the tokens are used up (lexical diagnostics, limits, bracket depth).
//!
//! `tests/fast_parse.rs` holds the two parsers to this: on every input, either this one
//! gives up, or the recovering one reports nothing and builds the same tree.
//!
//! Why it pays: the table-driven parser spends about 190 instructions on each of its
//! 2.9 reductions a token (a state machine, 100-byte value slots moved on every push
//! and pop); here a token costs a few calls and the node it builds.
//!
//! The grammar is LL(1) once its left-recursive operator rules are read as loops, with
//! the one exception that `<->` may not follow an implication that ends in a
//! quantifier: it cannot, since that quantifier's body takes every `<->` after it.

use crate::ast::*;
use crate::lexer::{Spanned, Tok, Tokens};
use crate::parse::{sp, unescape};
use std::sync::Arc;

/// How deep expressions (each parenthesis, argument list, quantifier body) and proofs
/// (each `by` and block inside a proof) may nest before this parser gives up and leaves
/// the text to the recovering parser. Far below the default `max_depth` (256): the
/// point is a bound on this parser's recursion, which uses the thread's stack (a
/// level is about a dozen calls), whatever the limits say. Prefix operators and
/// operator chains do not nest here: they are loops.
pub(crate) const MAX_NESTING: u32 = 64;

/// An expression and its depth (as in the grammar's actions, [`crate::parse::D`]).
type D = (Expr, u32);
/// A proof and its depth.
type P = (Proof, u32);
/// A tactic and its depth.
type T = (Tactic, u32);

/// The parser: the token stream with one token of lookahead.
pub(crate) struct Fast<'a, 't, 'l> {
    tokens: &'t mut Tokens<'a, 'l>,
    /// The next token; `None` at the end of the tokens.
    next: Option<Spanned<'a>>,
    /// Where the last symbol taken ends (the grammar's `@R`): the end of the last
    /// token, except after an empty `NameList` (see [`Fast::name_list`]).
    end: usize,
    /// `Limits::max_depth`: a node deeper than this makes the parser give up.
    max_depth: u32,
    /// Expressions and proofs open right now (see [`MAX_NESTING`]).
    nesting: u32,
}

impl<'a, 't, 'l> Fast<'a, 't, 'l> {
    /// A parser that takes its tokens from `tokens`, under the depth limit `max_depth`.
    pub(crate) fn new(tokens: &'t mut Tokens<'a, 'l>, max_depth: u32) -> Self {
        let next = tokens.next();
        Fast { tokens, next, end: 0, max_depth, nesting: 0 }
    }

    // -----------------------------------------------------------------------------
    // Tokens
    // -----------------------------------------------------------------------------

    fn bump(&mut self) {
        if let Some((_, _, end)) = self.next {
            self.end = end;
        }
        self.next = self.tokens.next();
    }

    /// Have all the tokens been taken?
    pub(crate) fn at_end(&self) -> bool {
        self.next.is_none()
    }

    fn peek(&self) -> Option<Tok<'a>> {
        self.next.map(|(_, t, _)| t)
    }

    fn at(&self, tok: Tok<'_>) -> bool {
        matches!(self.next, Some((_, t, _)) if t == tok)
    }

    /// Takes the next token if it is `tok`.
    fn eat(&mut self, tok: Tok<'_>) -> bool {
        let found = self.at(tok);
        if found {
            self.bump();
        }
        found
    }

    fn expect(&mut self, tok: Tok<'_>) -> Option<()> {
        self.eat(tok).then_some(())
    }

    /// Where the next token starts (the grammar's `@L`); `None` at the end.
    fn start(&self) -> Option<usize> {
        self.next.map(|(l, _, _)| l)
    }

    /// Runs `f` one level of nesting deeper; gives up past [`MAX_NESTING`].
    fn nested<X>(&mut self, f: impl FnOnce(&mut Self) -> Option<X>) -> Option<X> {
        if self.nesting >= MAX_NESTING {
            return None;
        }
        self.nesting += 1;
        let out = f(self);
        self.nesting -= 1;
        out
    }

    /// The grammar's `Comma<X> close`: `item`s separated by commas, a trailing comma
    /// allowed, then `close`.
    fn comma_list<X>(
        &mut self,
        close: Tok<'_>,
        mut item: impl FnMut(&mut Self) -> Option<X>,
    ) -> Option<Vec<X>> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(items);
            }
            items.push(item(self)?);
            if !self.eat(Tok::Comma) {
                self.expect(close)?;
                return Some(items);
            }
        }
    }

    // -----------------------------------------------------------------------------
    // Names
    // -----------------------------------------------------------------------------

    fn ident(&mut self) -> Option<Ident> {
        match self.next {
            Some((l, Tok::Ident(s), r)) => {
                self.bump();
                Some(Ident { text: Text::new(s), span: sp(l, r) })
            }
            _ => None,
        }
    }

    fn path(&mut self) -> Option<Path> {
        match self.next {
            Some((l, Tok::Ident(s) | Tok::QualName(s), r)) => {
                self.bump();
                Some(Path { text: Text::new(s), span: sp(l, r) })
            }
            _ => None,
        }
    }

    fn at_path(&self) -> bool {
        matches!(self.peek(), Some(Tok::Ident(_) | Tok::QualName(_)))
    }

    fn string(&mut self) -> Option<StrLit> {
        match self.next {
            Some((l, Tok::Str(s), r)) => {
                self.bump();
                Some(StrLit { value: unescape(s), span: sp(l, r) })
            }
            _ => None,
        }
    }

    /// `NameList`: identifiers, each maybe after a comma, maybe none. An empty list is
    /// a reduction of an empty rule, which lalrpop places at the start of the token
    /// after it (where the last symbol ends when there is none): whatever ends with
    /// the list (`intro`, `cases h with`, the proof and tactics around them) ends
    /// there too, whitespace included.
    fn name_list(&mut self) -> Option<Vec<Ident>> {
        let mut names = Vec::new();
        // A comma must be followed by a name; a name needs no comma before it.
        while self.eat(Tok::Comma) || matches!(self.peek(), Some(Tok::Ident(_))) {
            names.push(self.ident()?);
        }
        if names.is_empty() {
            self.end = self.start().unwrap_or(self.end);
        }
        Some(names)
    }

    /// `PathList`: at least one path, each after the first maybe after a comma.
    fn path_list(&mut self) -> Option<Vec<Path>> {
        let mut paths = vec![self.path()?];
        while self.eat(Tok::Comma) || self.at_path() {
            paths.push(self.path()?);
        }
        Some(paths)
    }

    /// `name ":" Expr`, the head of axioms, lemmas, assumptions, guarantees, allowances
    /// and requirements.
    fn named_statement(&mut self) -> Option<(Ident, Expr)> {
        let name = self.ident()?;
        self.expect(Tok::Colon)?;
        Some((name, self.expr()?.0))
    }

    /// `Param`: `x: S`.
    fn param(&mut self) -> Option<Param> {
        let name = self.ident()?;
        self.expect(Tok::Colon)?;
        let sort = self.path()?;
        Some(Param { name, sort })
    }

    /// `Params`: `(` parameters separated by commas, a trailing one allowed `)`.
    fn params(&mut self) -> Option<Vec<Param>> {
        self.expect(Tok::LParen)?;
        self.comma_list(Tok::RParen, Self::param)
    }

    /// `Params?`.
    fn opt_params(&mut self) -> Option<Vec<Param>> {
        self.optional(Tok::LParen, Self::params)
    }

    /// `X?` for a list `X` that starts with `open`: the list, or an empty one when the
    /// next token is not `open`.
    fn optional<X>(
        &mut self,
        open: Tok<'_>,
        list: impl FnOnce(&mut Self) -> Option<Vec<X>>,
    ) -> Option<Vec<X>> {
        if self.at(open) {
            list(self)
        } else {
            Some(Vec::new())
        }
    }

    /// `Comma<Expr> ")"`, after the `(`: the expressions, and the depth of the
    /// deepest (0 for none). Collected straight into the vector the node keeps, not
    /// into one of expressions with their depths to be copied.
    fn args(&mut self) -> Option<(Vec<Expr>, u32)> {
        let mut deepest = 0;
        let args = self.comma_list(Tok::RParen, |p| {
            let (e, depth) = p.expr()?;
            deepest = deepest.max(depth);
            Some(e)
        })?;
        Some((args, deepest))
    }

    /// `Comma<Expr> ")"` where only the expressions are kept.
    fn args_only(&mut self) -> Option<Vec<Expr>> {
        Some(self.args()?.0)
    }

    /// `Application`: `T(args)`.
    fn application(&mut self) -> Option<Application> {
        let l = self.start()?;
        let name = self.path()?;
        self.expect(Tok::LParen)?;
        let args = self.args_only()?;
        Some(Application { name, args, span: sp(l, self.end) })
    }

    /// `Fact`: a name, maybe applied.
    fn fact(&mut self) -> Option<Fact> {
        let l = self.start()?;
        let name = self.path()?;
        let args = if self.eat(Tok::LParen) { self.args_only()? } else { Vec::new() };
        Some(Fact { name, args, span: sp(l, self.end) })
    }

    /// `FactList`: `[` facts separated by commas, a trailing one allowed `]`.
    fn fact_list(&mut self) -> Option<Vec<Fact>> {
        self.expect(Tok::LBracket)?;
        self.comma_list(Tok::RBracket, Self::fact)
    }

    /// `FactList?`.
    fn opt_fact_list(&mut self) -> Option<Vec<Fact>> {
        self.optional(Tok::LBracket, Self::fact_list)
    }

    // -----------------------------------------------------------------------------
    // Files, items and clauses
    // -----------------------------------------------------------------------------

    /// `File`: items up to the end of the tokens. Doc comments are attached by the
    /// caller, as after the recovering parser.
    pub(crate) fn file(&mut self) -> Option<Vec<Item>> {
        let mut items = Vec::new();
        while let Some((l, tok, _)) = self.next {
            self.bump();
            let kind = self.item_kind(tok)?;
            items.push(Item { kind, doc: None, span: sp(l, self.end) });
        }
        Some(items)
    }

    /// `ItemKind`, after its keyword `tok`.
    fn item_kind(&mut self, tok: Tok<'_>) -> Option<ItemKind> {
        Some(match tok {
            Tok::Module => ItemKind::Module(self.path()?),
            Tok::Import => ItemKind::Import(self.path()?),
            Tok::Sort => ItemKind::Sort(self.ident()?),
            Tok::Fn => {
                let name = self.ident()?;
                let params = self.opt_params()?;
                self.expect(Tok::Colon)?;
                let result = self.path()?;
                ItemKind::Fn { name, params, result }
            }
            Tok::Pred => {
                let name = self.ident()?;
                let params = self.opt_params()?;
                ItemKind::Pred { name, params }
            }
            Tok::Def => {
                let name = self.ident()?;
                let params = self.opt_params()?;
                self.expect(Tok::Colon)?;
                let result = self.path()?;
                self.expect(Tok::Eq)?;
                let body = self.expr()?.0;
                let result = if result.text == "Prop" {
                    DefResult::Prop(result.span)
                } else {
                    DefResult::Sort(result)
                };
                ItemKind::Def { name, params, result, body }
            }
            Tok::Axiom => {
                let (name, statement) = self.named_statement()?;
                ItemKind::Axiom { name, statement }
            }
            Tok::Lemma | Tok::Theorem | Tok::Rule => {
                let kind = match tok {
                    Tok::Lemma => LemmaKind::Lemma,
                    Tok::Theorem => LemmaKind::Theorem,
                    _ => LemmaKind::Rule,
                };
                let (name, statement) = self.named_statement()?;
                let proof = self.opt_proof()?;
                ItemKind::Lemma { kind, name, statement, proof }
            }
            Tok::Technique => {
                let name = self.ident()?;
                let params = self.params()?;
                let answers = if self.eat(Tok::Answers) { Some(self.application()?) } else { None };
                let clauses = self.clauses()?;
                ItemKind::Technique(Box::new(Technique { name, params, answers, clauses }))
            }
            Tok::Challenge => {
                let name = self.ident()?;
                let params = self.params()?;
                let clauses = self.clauses()?;
                ItemKind::Challenge(Box::new(Challenge { name, params, clauses }))
            }
            Tok::Limits => {
                self.expect(Tok::LBrace)?;
                let mut settings = Vec::new();
                while !self.eat(Tok::RBrace) {
                    settings.push(self.limit_setting()?);
                    self.eat(Tok::Comma);
                }
                ItemKind::Limits(settings)
            }
            _ => return None,
        })
    }

    /// `LimitSetting`: `name = n` or `name = -n`.
    fn limit_setting(&mut self) -> Option<LimitSetting> {
        let l = self.start()?;
        let name = self.ident()?;
        self.expect(Tok::Eq)?;
        let vl = self.start()?;
        let neg = self.eat(Tok::Minus);
        let Some((_, Tok::Num(n), r)) = self.next else { return None };
        self.bump();
        let value = if neg { format!("-{n}") } else { n.to_string() };
        Some(LimitSetting { name, value, value_span: sp(vl, r), span: sp(l, r) })
    }

    /// `(":=" Proof)?`.
    fn opt_proof(&mut self) -> Option<Option<Proof>> {
        if self.eat(Tok::ColonEq) {
            Some(Some(self.proof()?.0))
        } else {
            Some(None)
        }
    }

    /// `"{" Clause* "}"`.
    fn clauses(&mut self) -> Option<Vec<Clause>> {
        self.expect(Tok::LBrace)?;
        let mut clauses = Vec::new();
        loop {
            let (l, tok, _) = self.next?;
            self.bump();
            if tok == Tok::RBrace {
                return Some(clauses);
            }
            let kind = self.clause_kind(tok)?;
            clauses.push(Clause { kind, doc: None, span: sp(l, self.end) });
        }
    }

    /// `ClauseKind`, after its keyword `tok`.
    fn clause_kind(&mut self, tok: Tok<'_>) -> Option<ClauseKind> {
        Some(match tok {
            Tok::Source => ClauseKind::Source(self.string()?),
            Tok::ProposedBy => ClauseKind::ProposedBy(self.string()?),
            Tok::Oversees => ClauseKind::Oversees(self.string()?),
            Tok::Assume => {
                let (name, statement) = self.named_statement()?;
                ClauseKind::Assume { name, statement }
            }
            Tok::Use => {
                let name = self.ident()?;
                self.expect(Tok::Eq)?;
                ClauseKind::Use { name, technique: self.application()? }
            }
            Tok::Discharge => {
                let target = self.path()?;
                ClauseKind::Discharge { target, proof: self.proof()?.0 }
            }
            Tok::Lift => ClauseKind::Lift { target: self.path()? },
            Tok::Intent => {
                self.expect(Tok::Colon)?;
                ClauseKind::Intent(self.expr()?.0)
            }
            Tok::Guarantee => {
                let (name, statement) = self.named_statement()?;
                let proof = self.opt_proof()?;
                ClauseKind::Guarantee { name, statement, proof }
            }
            Tok::Witness => {
                self.expect(Tok::LBrace)?;
                let mut entries = Vec::new();
                loop {
                    if self.eat(Tok::Semi) {
                        continue;
                    }
                    if self.eat(Tok::RBrace) {
                        break;
                    }
                    entries.push(self.witness_entry()?);
                }
                ClauseKind::Witness(entries)
            }
            Tok::Allow => {
                let (name, statement) = self.named_statement()?;
                ClauseKind::Allow { name, statement }
            }
            Tok::Require => {
                let (name, statement) = self.named_statement()?;
                ClauseKind::Require { name, statement }
            }
            _ => return None,
        })
    }

    /// `WitnessEntry`: a symbol, maybe applied, `=` a sum.
    fn witness_entry(&mut self) -> Option<WitnessEntry> {
        let l = self.start()?;
        let p = self.path()?;
        let lhs = if self.eat(Tok::LParen) {
            let (args, deepest) = self.args()?;
            self.app(p, args, deepest, l)?
        } else {
            let span = p.span;
            (Expr { kind: ExprKind::Name(p), span }, 1)
        };
        self.expect(Tok::Eq)?;
        let rhs = self.sum()?;
        Some(WitnessEntry { lhs: lhs.0, rhs: rhs.0, span: sp(l, self.end) })
    }

    // -----------------------------------------------------------------------------
    // Proofs and tactics
    // -----------------------------------------------------------------------------

    /// `Proof`: `by` a block, a tactic (not `calc`) or a fact.
    fn proof(&mut self) -> Option<P> {
        self.nested(|p| {
            let l = p.start()?;
            p.expect(Tok::By)?;
            match p.peek()? {
                Tok::LBrace => {
                    let tactics = p.block()?;
                    Some(proof_of_block(tactics, l, p.end))
                }
                Tok::Ident(_) | Tok::QualName(_) => {
                    let fact = p.fact()?;
                    let span = fact.span;
                    let tactic = Tactic { kind: TacticKind::Exact(fact), span };
                    Some(proof(ProofStyle::Fact, Arc::from([tactic]), 1, l, p.end))
                }
                _ => {
                    let (tactic, depth) = p.tactic(false)?;
                    Some(proof(ProofStyle::Tactic, Arc::from([tactic]), depth, l, p.end))
                }
            }
        })
    }

    /// `BlockProof`: a block as a proof (the arms of `split` and `cases`).
    fn block_proof(&mut self) -> Option<P> {
        self.nested(|p| {
            let l = p.start()?;
            let tactics = p.block()?;
            Some(proof_of_block(tactics, l, p.end))
        })
    }

    /// `Block`: `{` tactics, each maybe followed by semicolons `}`.
    fn block(&mut self) -> Option<Vec<T>> {
        self.expect(Tok::LBrace)?;
        let mut tactics = Vec::new();
        loop {
            match self.peek()? {
                Tok::Semi => self.bump(),
                Tok::RBrace => {
                    self.bump();
                    return Some(tactics);
                }
                _ => tactics.push(self.tactic(true)?),
            }
        }
    }

    /// `Tactic` (with `calc`) or `SimpleTactic` (without).
    fn tactic(&mut self, with_calc: bool) -> Option<T> {
        let (l, tok, _) = self.next?;
        self.bump();
        let leaf = |kind, end| Some((Tactic { kind, span: sp(l, end) }, 1));
        match tok {
            Tok::Intro => {
                let names = self.name_list()?;
                leaf(TacticKind::Intro(names), self.end)
            }
            Tok::Left => leaf(TacticKind::Left, self.end),
            Tok::Right => leaf(TacticKind::Right, self.end),
            Tok::Norm => leaf(TacticKind::Norm, self.end),
            Tok::Sorry => leaf(TacticKind::Sorry, self.end),
            Tok::Apply => {
                let fact = self.fact()?;
                leaf(TacticKind::Apply(fact), self.end)
            }
            Tok::Exact => {
                let fact = self.fact()?;
                leaf(TacticKind::Exact(fact), self.end)
            }
            Tok::Unfold => {
                let paths = self.path_list()?;
                leaf(TacticKind::Unfold(paths), self.end)
            }
            Tok::Rewrite => {
                self.expect(Tok::LBracket)?;
                let rules = self.comma_list(Tok::RBracket, |p| {
                    let reverse = p.eat(Tok::BackArrow);
                    Some(RewriteRule { reverse, fact: p.fact()? })
                })?;
                leaf(TacticKind::Rewrite(rules), self.end)
            }
            Tok::Linarith => {
                let facts = self.opt_fact_list()?;
                leaf(TacticKind::Linarith(facts), self.end)
            }
            Tok::Nlinarith => {
                let facts = self.opt_fact_list()?;
                leaf(TacticKind::Nlinarith(facts), self.end)
            }
            Tok::Auto => {
                let facts = self.opt_fact_list()?;
                leaf(TacticKind::Auto(facts), self.end)
            }
            Tok::Have => {
                let name = self.ident()?;
                self.expect(Tok::Colon)?;
                let statement = self.expr()?;
                let proof = self.proof()?;
                let kind = TacticKind::Have { name, statement: statement.0, proof: proof.0 };
                self.tactic_node(&[statement.1, proof.1], l, kind)
            }
            Tok::Show => {
                let e = self.expr()?;
                self.tactic_node(&[e.1], l, TacticKind::Show(e.0))
            }
            Tok::Exists => {
                let e = self.expr()?;
                self.tactic_node(&[e.1], l, TacticKind::Exists(e.0))
            }
            Tok::Cases => {
                let fact = self.fact()?;
                if !self.eat(Tok::With) {
                    let kind = TacticKind::Cases { fact, names: Vec::new(), arms: Vec::new() };
                    return leaf(kind, self.end);
                }
                if !self.at(Tok::Bar) {
                    let names = self.name_list()?;
                    return leaf(TacticKind::Cases { fact, names, arms: Vec::new() }, self.end);
                }
                let mut arms = Vec::new();
                let mut depths = Vec::new();
                while let Some((al, Tok::Bar, _)) = self.next {
                    self.bump();
                    let names = self.name_list()?;
                    self.expect(Tok::FatArrow)?;
                    let proof = self.block_proof()?;
                    depths.push(proof.1);
                    arms.push(CaseArm { names, proof: proof.0, span: sp(al, self.end) });
                }
                self.tactic_node(&depths, l, TacticKind::Cases { fact, names: Vec::new(), arms })
            }
            Tok::Split => {
                let mut blocks = Vec::new();
                let mut depths = Vec::new();
                while self.at(Tok::LBrace) {
                    let proof = self.block_proof()?;
                    depths.push(proof.1);
                    blocks.push(proof.0);
                }
                self.tactic_node(&depths, l, TacticKind::Split(blocks))
            }
            Tok::Calc if with_calc => {
                let mut steps = Vec::new();
                let mut depths = Vec::new();
                let first = self.calc_step(true)?;
                depths.push(first.1);
                steps.push(first.0);
                while self.at(Tok::Underscore) {
                    let next = self.calc_step(false)?;
                    depths.push(next.1);
                    steps.push(next.0);
                }
                self.tactic_node(&depths, l, TacticKind::Calc(steps))
            }
            _ => None,
        }
    }

    /// `CalcFirst` (`a rel b := proof`) or `CalcNext` (`_ rel b := proof`).
    fn calc_step(&mut self, first: bool) -> Option<(CalcStep, u32)> {
        let l = self.start()?;
        let lhs = if first {
            Some(self.sum()?)
        } else {
            self.expect(Tok::Underscore)?;
            None
        };
        let rel = self.rel_op()?;
        let rhs = self.sum()?;
        self.expect(Tok::ColonEq)?;
        let proof = self.proof()?;
        let depth = lhs.as_ref().map_or(0, |a| a.1).max(rhs.1).max(proof.1);
        let step = CalcStep { lhs: lhs.map(|a| a.0), rel, rhs: rhs.0, proof: proof.0, span: sp(l, self.end) };
        Some((step, depth))
    }

    /// A tactic whose parts have depths `parts` (the grammar's `State::tactic`): one
    /// deeper than the deepest part, and no deeper than `max_depth`.
    fn tactic_node(&self, parts: &[u32], l: usize, kind: TacticKind) -> Option<T> {
        let depth = parts.iter().copied().max().unwrap_or(0).checked_add(1)?;
        if depth > self.max_depth {
            return None;
        }
        Some((Tactic { kind, span: sp(l, self.end) }, depth))
    }

    // -----------------------------------------------------------------------------
    // Expressions, loosest first
    // -----------------------------------------------------------------------------

    /// `Expr`: a quantifier, or an equivalence chain.
    pub(crate) fn expr(&mut self) -> Option<D> {
        self.nested(|p| if p.at_quantifier() { p.quant() } else { p.iff() })
    }

    fn at_quantifier(&self) -> bool {
        matches!(self.peek(), Some(Tok::Forall | Tok::Exists))
    }

    /// `Quant`: `forall x: A, y: B. body`; the body is an `Expr`, so it takes the rest.
    fn quant(&mut self) -> Option<D> {
        let (l, tok, _) = self.next?;
        self.bump();
        let q = if tok == Tok::Forall { Quantifier::Forall } else { Quantifier::Exists };
        let mut binders = vec![self.param()?];
        while self.eat(Tok::Comma) {
            binders.push(self.param()?);
        }
        self.expect(Tok::Dot)?;
        let body = self.expr()?;
        self.node(l, body.1, 1, ExprKind::Quant(q, binders, Box::new(body.0)))
    }

    /// `Iff`: implication chains joined by `<->` (to the right), the last of which
    /// may be a quantifier.
    fn iff(&mut self) -> Option<D> {
        self.right_chain(Tok::Iff, BinOp::Iff, Self::imp)
    }

    /// `ImpClosed` or `ImpOpen`: disjunctions joined by `->` (to the right), the last
    /// of which may be a quantifier.
    fn imp(&mut self) -> Option<D> {
        self.right_chain(Tok::Arrow, BinOp::Implies, Self::or)
    }

    /// `operand`s joined by `tok` (the operator `op`, to the right); after a `tok`, a
    /// quantifier instead of an operand ends the chain, its body taking the rest.
    fn right_chain(
        &mut self,
        tok: Tok<'_>,
        op: BinOp,
        operand: impl Fn(&mut Self) -> Option<D>,
    ) -> Option<D> {
        let first = operand(self)?;
        if !self.at(tok) {
            return Some(first);
        }
        let mut parts = vec![first];
        let mut last = None;
        while self.eat(tok) {
            if self.at_quantifier() {
                last = Some(self.nested(Self::quant)?);
                break;
            }
            parts.push(operand(self)?);
        }
        self.fold_right(op, parts, last)
    }

    /// `a op (b op (... op z))` from `parts` (`a`, `b`, ...) and `last` (`z`, when it
    /// is not the last of `parts`), innermost first, as the grammar reduces it.
    fn fold_right(&mut self, op: BinOp, mut parts: Vec<D>, last: Option<D>) -> Option<D> {
        let mut acc = match last {
            Some(last) => last,
            None => parts.pop()?,
        };
        while let Some(a) = parts.pop() {
            acc = self.bin(op, a, acc)?;
        }
        Some(acc)
    }

    /// Operands joined by the operators of one left-associative level (`op_of` says
    /// which tokens they are): `((a op b) op c) ...`, as the grammar's left-recursive
    /// rules reduce them.
    fn left_chain(
        &mut self,
        operand: impl Fn(&mut Self) -> Option<D>,
        op_of: impl Fn(Tok<'_>) -> Option<BinOp>,
    ) -> Option<D> {
        let mut acc = operand(self)?;
        while let Some(op) = self.peek().and_then(&op_of) {
            self.bump();
            let b = operand(self)?;
            acc = self.bin(op, acc, b)?;
        }
        Some(acc)
    }

    /// `Or`: conjunctions joined by `or` (to the left).
    fn or(&mut self) -> Option<D> {
        self.left_chain(Self::and, |t| (t == Tok::Or).then_some(BinOp::Or))
    }

    /// `And`: negations joined by `and` (to the left).
    fn and(&mut self) -> Option<D> {
        self.left_chain(Self::not, |t| (t == Tok::And).then_some(BinOp::And))
    }

    /// `NotF`: `not`s before a comparison (a loop, not a recursion).
    fn not(&mut self) -> Option<D> {
        self.prefixed(Tok::Not, ExprKind::Not, Self::cmp)
    }

    /// A run of prefix operators `tok`, then an `operand`: each operator wraps what
    /// follows it (`wrap`), innermost first, in a loop rather than a recursion. Gives up
    /// when the run is deeper than `max_depth` allows (each adds one level), so that a
    /// long run costs no more than that.
    fn prefixed(
        &mut self,
        tok: Tok<'_>,
        wrap: fn(Box<Expr>) -> ExprKind,
        operand: impl Fn(&mut Self) -> Option<D>,
    ) -> Option<D> {
        let mut starts = Vec::new();
        while let Some((l, t, _)) = self.next {
            if t != tok {
                break;
            }
            if starts.len() >= self.max_depth as usize {
                return None;
            }
            starts.push(l);
            self.bump();
        }
        let mut e = operand(self)?;
        for l in starts.into_iter().rev() {
            e = self.node(l, e.1, 1, wrap(Box::new(e.0)))?;
        }
        Some(e)
    }

    /// `Cmp`: a sum, or a chain of comparisons of sums.
    fn cmp(&mut self) -> Option<D> {
        let first = self.sum()?;
        if self.peek().and_then(rel_op).is_none() {
            return Some(first);
        }
        // The comparisons go straight into the vector the node keeps; the deepest
        // operand is tracked on the way.
        let mut rest = Vec::new();
        let mut child = first.1;
        while let Some(op) = self.peek().and_then(rel_op) {
            self.bump();
            let (e, depth) = self.sum()?;
            child = child.max(depth);
            rest.push((op, e));
        }
        // As `State::cmp`: a chain becomes a conjunction as long as the chain.
        let depth = child.saturating_add(u32::try_from(rest.len()).unwrap_or(u32::MAX));
        let l = first.0.span.start as usize;
        let kind = ExprKind::Cmp(Box::new(first.0), rest);
        self.check(kind, l, depth)
    }

    fn rel_op(&mut self) -> Option<RelOp> {
        let op = rel_op(self.peek()?)?;
        self.bump();
        Some(op)
    }

    /// `Sum`: products joined by `+` and `-` (to the left).
    fn sum(&mut self) -> Option<D> {
        self.left_chain(Self::prod, |t| match t {
            Tok::Plus => Some(BinOp::Add),
            Tok::Minus => Some(BinOp::Sub),
            _ => None,
        })
    }

    /// `Prod`: negations joined by `*` and `/` (to the left).
    fn prod(&mut self) -> Option<D> {
        self.left_chain(Self::unary, |t| match t {
            Tok::Star => Some(BinOp::Mul),
            Tok::Slash => Some(BinOp::Div),
            _ => None,
        })
    }

    /// `Unary`: `-`s before a power (a loop, not a recursion).
    fn unary(&mut self) -> Option<D> {
        self.prefixed(Tok::Minus, ExprKind::Neg, Self::power)
    }

    /// `Power`: atoms joined by `^` (to the right).
    fn power(&mut self) -> Option<D> {
        let first = self.atom()?;
        if !self.at(Tok::Caret) {
            return Some(first);
        }
        let mut parts = vec![first];
        while self.eat(Tok::Caret) {
            parts.push(self.atom()?);
        }
        self.fold_right(BinOp::Pow, parts, None)
    }

    /// `Atom`: a numeral, a name, an application, `true`, `false`, or a parenthesised
    /// expression (whose span takes in the parentheses).
    fn atom(&mut self) -> Option<D> {
        let (l, tok, r) = self.next?;
        match tok {
            Tok::Num(n) => {
                self.bump();
                Some((Expr { kind: ExprKind::Num(Text::new(n)), span: sp(l, r) }, 1))
            }
            Tok::Ident(_) | Tok::QualName(_) => {
                let p = self.path()?;
                if self.eat(Tok::LParen) {
                    let (args, deepest) = self.args()?;
                    self.app(p, args, deepest, l)
                } else {
                    Some((Expr { kind: ExprKind::Name(p), span: sp(l, r) }, 1))
                }
            }
            Tok::True => {
                self.bump();
                Some((Expr { kind: ExprKind::True, span: sp(l, r) }, 1))
            }
            Tok::False => {
                self.bump();
                Some((Expr { kind: ExprKind::False, span: sp(l, r) }, 1))
            }
            Tok::LParen => {
                self.bump();
                let e = self.expr()?;
                self.expect(Tok::RParen)?;
                Some((Expr { kind: e.0.kind, span: sp(l, self.end) }, e.1))
            }
            _ => None,
        }
    }

    // -----------------------------------------------------------------------------
    // Nodes, with the grammar's depth bookkeeping (`State` in `parse.rs`)
    // -----------------------------------------------------------------------------

    /// A node from `l` to the end of the last token, of depth `depth`; gives up when
    /// that is deeper than `max_depth` (where `State::check` reports it).
    fn check(&self, kind: ExprKind, l: usize, depth: u32) -> Option<D> {
        if depth > self.max_depth {
            return None;
        }
        Some((Expr { kind, span: sp(l, self.end) }, depth))
    }

    /// `State::node`: a node over one child of depth `child`, `extra` deeper.
    fn node(&self, l: usize, child: u32, extra: u32, kind: ExprKind) -> Option<D> {
        self.check(kind, l, child.saturating_add(extra))
    }

    /// `State::bin`.
    fn bin(&self, op: BinOp, a: D, b: D) -> Option<D> {
        let child = a.1.max(b.1);
        let l = a.0.span.start as usize;
        self.check(ExprKind::Bin(op, Box::new(a.0), Box::new(b.0)), l, child + 1)
    }

    /// `State::app`, over arguments whose deepest has depth `deepest`.
    fn app(&self, p: Path, args: Vec<Expr>, deepest: u32, l: usize) -> Option<D> {
        self.check(ExprKind::App(p, args), l, deepest + 1)
    }
}

/// The comparison a token stands for.
fn rel_op(tok: Tok<'_>) -> Option<RelOp> {
    match tok {
        Tok::Eq => Some(RelOp::Eq),
        Tok::Le => Some(RelOp::Le),
        Tok::Lt => Some(RelOp::Lt),
        Tok::Ge => Some(RelOp::Ge),
        Tok::Gt => Some(RelOp::Gt),
        _ => None,
    }
}

/// `State::proof`: its depth is one more than its deepest tactic's, `deepest` (not
/// checked).
fn proof(style: ProofStyle, tactics: Arc<[Tactic]>, deepest: u32, l: usize, r: usize) -> P {
    (Proof { style, tactics, span: sp(l, r) }, deepest.saturating_add(1))
}

/// A block's tactics as a proof: moved straight into the shared slice the proof
/// keeps (one allocation of the exact size, no vector of tactics in between).
fn proof_of_block(tactics: Vec<T>, l: usize, r: usize) -> P {
    let deepest = tactics.iter().map(|t| t.1).max().unwrap_or(0);
    proof(ProofStyle::Block, tactics.into_iter().map(|t| t.0).collect(), deepest, l, r)
}
