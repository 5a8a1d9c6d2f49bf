//! Answers to requests, read off a [`Snapshot`]: hovers, definitions, references,
//! document symbols, completion and code actions. Every fact comes from the front
//! end's `Program` (its globals, references, obligations and techniques) or from the
//! prover's notes; nothing here re-derives what the library knows.

use crate::analysis::Snapshot;
use crate::diagnostics::{goal_text, place, ProofNote};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind, DocumentSymbol,
    Hover, HoverContents, Location, MarkupContent, MarkupKind, Position, Range, SymbolKind, TextEdit, Uri,
    WorkspaceEdit,
};
use std::collections::{BTreeSet, HashMap};
use warrant_kernel::Sort;
use warrant_lang::ast::{ClauseKind, ItemKind};
use warrant_lang::{FileId, GlobalId, GlobalKind, ModuleId, Program, Span};

fn module_of(p: &Program, file: FileId) -> Option<ModuleId> {
    p.modules.iter().position(|m| m.file == file)
}

fn sort_text(p: &Program, m: ModuleId, s: &Sort) -> String {
    match s {
        Sort::Rat => "Rat".into(),
        Sort::Named(n) => p.display_name(m, n),
    }
}

/// A declaration's signature in the language's syntax, names as `module` reads them.
pub fn signature(p: &Program, module: ModuleId, g: GlobalId) -> String {
    let gl = &p.globals[g];
    let params = |ps: &[Sort]| ps.iter().map(|s| sort_text(p, module, s)).collect::<Vec<_>>().join(", ");
    let name = p.display_name(module, &gl.kernel);
    match &gl.kind {
        GlobalKind::Sort => format!("sort {name}"),
        GlobalKind::Function { params: ps, result, defined } => {
            let kw = if *defined { "def" } else { "fn" };
            let args = if ps.is_empty() { String::new() } else { format!("({})", params(ps)) };
            format!("{kw} {name}{args}: {}", sort_text(p, module, result))
        }
        GlobalKind::Predicate { params: ps, defined } => {
            let kw = if *defined { "def" } else { "pred" };
            let args = if ps.is_empty() { String::new() } else { format!("({})", params(ps)) };
            if *defined {
                format!("{kw} {name}{args}: Prop")
            } else {
                format!("{kw} {name}{args}")
            }
        }
        GlobalKind::Axiom { statement } | GlobalKind::Lemma { statement, .. } => {
            let kw = match &gl.kind {
                GlobalKind::Lemma { kind, .. } => kind.keyword(),
                _ => "axiom",
            };
            match statement {
                Some(f) => format!("{kw} {name}: {}", p.display_formula(module, f)),
                None => format!("{kw} {name}"),
            }
        }
        GlobalKind::Technique(t) => match p.techniques.get(*t) {
            Some(t) => {
                let ps: Vec<String> =
                    t.params.iter().map(|(n, s)| format!("{n}: {}", sort_text(p, module, s))).collect();
                format!("technique {name}({})", ps.join(", "))
            }
            None => format!("technique {name}"),
        },
        GlobalKind::Challenge(c) => match p.challenges.get(*c) {
            Some(c) => {
                let ps: Vec<String> =
                    c.params.iter().map(|(n, s)| format!("{n}: {}", sort_text(p, module, s))).collect();
                format!("challenge {name}({})", ps.join(", "))
            }
            None => format!("challenge {name}"),
        },
    }
}

fn markdown(value: String, range: Option<Range>) -> Hover {
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range }
}

/// The obligation whose proof script contains `offset` in `file` (innermost first:
/// scripts do not nest across obligations).
fn obligation_at(p: &Program, file: FileId, offset: u32) -> Option<usize> {
    p.obligations.iter().position(|ob| {
        ob.file == file
            && ob.proof.as_ref().is_some_and(|pr| pr.span.start <= offset && offset <= pr.span.end)
    })
}

/// Names cited in the proof script of obligation `ob` (facts, definitions, symbols),
/// resolved by [`Program::resolve`] in the obligation's module: `(span, target)`.
/// The front end's `references` do not cover scripts (the prover reads them), so the
/// script's tokens are lexed by `warrant_lang::lexer` and each name resolved.
/// Names of the obligation's variables and hypotheses are local, not declarations.
pub fn script_names(p: &Program, snap: &Snapshot, ob: usize) -> Vec<(Span, GlobalId)> {
    use warrant_lang::lexer::{lex, Tok};
    let Some(ob) = p.obligations.get(ob) else { return Vec::new() };
    let Some(proof) = &ob.proof else { return Vec::new() };
    let text = snap.text(ob.file);
    let Some(script) = text.get(proof.span.range()) else { return Vec::new() };
    let locals: BTreeSet<String> = ob
        .context
        .variables
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(ob.context.hypotheses.iter().map(|(n, _)| n.to_string()))
        .collect();
    let lexed = lex(script, &p.limits);
    let mut out = Vec::new();
    for (a, tok, b) in &lexed.tokens {
        let name = match tok {
            Tok::Ident(n) | Tok::QualName(n) => *n,
            _ => continue,
        };
        if locals.contains(name) {
            continue;
        }
        let span = Span::new(proof.span.start as usize + a, proof.span.start as usize + b);
        let path = warrant_lang::ast::Path { text: warrant_lang::ast::Text::new(name), span };
        if let Ok(g) = p.resolve(ob.module, &path) {
            out.push((span, g));
        }
    }
    out
}

/// The declaration named at `offset` and the span of that name: a resolved use or a
/// declaration (the front end's `global_at`), or a name cited in a proof script.
pub fn target_at(snap: &Snapshot, file: FileId, offset: u32) -> Option<(GlobalId, Span)> {
    let p = &snap.program;
    if let Some(g) = p.global_at(file, offset) {
        let span = p
            .references
            .iter()
            .find(|r| r.file == file && r.span.start <= offset && offset < r.span.end)
            .map(|r| r.span)
            .unwrap_or(p.globals[g].span);
        return Some((g, span));
    }
    let ob = obligation_at(p, file, offset)?;
    script_names(p, snap, ob)
        .into_iter()
        .find(|(s, _)| s.start <= offset && offset < s.end)
        .map(|(s, g)| (g, s))
}

/// The hover at `pos`: a declaration's signature and doc comment, or inside a proof
/// the goal and hypotheses (at the failing step or `sorry` when the prover reported
/// one there, else at the start of the proof).
pub fn hover(snap: &Snapshot, notes: &[ProofNote], uri: &Uri, pos: Position) -> Option<Hover> {
    let file = snap.file(uri)?;
    let p = &snap.program;
    let offset = u32::try_from(snap.offset(file, pos)).ok()?;
    let module = module_of(p, file).unwrap_or(0);
    if let Some((g, span)) = target_at(snap, file, offset) {
        let gl = &p.globals[g];
        let mut text = format!("```warrant\n{}\n```", signature(p, module, g));
        if let Some(doc) = &gl.doc {
            text.push_str(&format!("\n\n{doc}"));
        }
        text.push_str(&format!("\n\n*{}* `{}`", gl.kind.describe(), gl.kernel));
        return Some(markdown(text, Some(snap.range(file, span))));
    }
    let ob_id = obligation_at(p, file, offset)?;
    let ob = &p.obligations[ob_id];
    let name = p.obligation_name(ob);
    let at_step = notes
        .iter()
        .filter_map(|n| place(snap, n))
        .filter(|pl| pl.obligation == ob_id && pl.span.start <= offset && offset <= pl.span.end)
        .min_by_key(|pl| pl.span.len());
    let text = match at_step {
        Some(pl) => {
            let what = if pl.note.sorry {
                "goal at this `sorry`".to_string()
            } else {
                format!("goal left at this step ({})", pl.note.message)
            };
            format!(
                "**{what}** in the proof of `{name}`\n```warrant\n{}\n```",
                goal_text(&pl.note.goal, &pl.note.hypotheses)
            )
        }
        None => {
            let hyps: Vec<String> = ob
                .context
                .variables
                .iter()
                .map(|(n, s)| format!("{n}: {}", sort_text(p, ob.module, s)))
                .chain(
                    ob.context
                        .hypotheses
                        .iter()
                        .map(|(n, f)| format!("{n}: {}", p.display_formula(ob.module, f))),
                )
                .collect();
            format!(
                "**goal at the start of the proof** of `{name}`\n```warrant\n{}\n```",
                goal_text(&p.display_formula(ob.module, &ob.statement), &hyps)
            )
        }
    };
    Some(markdown(text, None))
}

/// Where the name at `pos` is declared.
pub fn definition(snap: &Snapshot, uri: &Uri, pos: Position) -> Option<Location> {
    let file = snap.file(uri)?;
    let p = &snap.program;
    let offset = u32::try_from(snap.offset(file, pos)).ok()?;
    let g = &p.globals[target_at(snap, file, offset)?.0];
    snap.location(g.file, g.span)
}

/// Every use of the declaration at `pos` in the loaded modules (and its declaration
/// when asked).
pub fn references(snap: &Snapshot, uri: &Uri, pos: Position, declaration: bool) -> Option<Vec<Location>> {
    let file = snap.file(uri)?;
    let p = &snap.program;
    let offset = u32::try_from(snap.offset(file, pos)).ok()?;
    let (target, _) = target_at(snap, file, offset)?;
    let g = &p.globals[target];
    let mut out: Vec<Location> = Vec::new();
    if declaration {
        out.extend(snap.location(g.file, g.span));
    }
    let mut uses: Vec<(FileId, Span)> =
        p.references.iter().filter(|r| r.target == target).map(|r| (r.file, r.span)).collect();
    for (i, ob) in p.obligations.iter().enumerate() {
        if ob.proof.is_some() {
            uses.extend(
                script_names(p, snap, i).into_iter().filter(|(_, g)| *g == target).map(|(s, _)| (ob.file, s)),
            );
        }
    }
    uses.sort();
    uses.dedup();
    out.extend(uses.iter().filter_map(|(f, s)| snap.location(*f, *s)));
    Some(out)
}

fn symbol_kind(k: &GlobalKind) -> SymbolKind {
    match k {
        GlobalKind::Sort => SymbolKind::STRUCT,
        GlobalKind::Function { params, .. } if params.is_empty() => SymbolKind::CONSTANT,
        GlobalKind::Function { .. } | GlobalKind::Predicate { .. } => SymbolKind::FUNCTION,
        GlobalKind::Axiom { .. } => SymbolKind::PROPERTY,
        GlobalKind::Lemma { .. } => SymbolKind::METHOD,
        GlobalKind::Technique(_) => SymbolKind::CLASS,
        GlobalKind::Challenge(_) => SymbolKind::INTERFACE,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be given.
fn symbol(
    snap: &Snapshot,
    file: FileId,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    whole: Span,
    at: Span,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: snap.range(file, whole.to(at)),
        selection_range: snap.range(file, at),
        children: None,
    }
}

/// The declarations of a file, techniques with their assumptions and guarantees.
pub fn document_symbols(snap: &Snapshot, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
    let file = snap.file(uri)?;
    let p = &snap.program;
    let m = module_of(p, file)?;
    let items = &p.modules[m].ast.items;
    let mut out = Vec::new();
    for &g in &p.modules[m].globals {
        let gl = &p.globals[g];
        let whole = items
            .iter()
            .find(|i| i.span.start <= gl.span.start && gl.span.end <= i.span.end)
            .map(|i| i.span)
            .unwrap_or(gl.span);
        let mut s = symbol(
            snap,
            file,
            gl.short.clone(),
            Some(signature(p, m, g)),
            symbol_kind(&gl.kind),
            whole,
            gl.span,
        );
        if let GlobalKind::Technique(t) = &gl.kind {
            if let Some(t) = p.techniques.get(*t) {
                let mut children = Vec::new();
                for a in &t.assumptions {
                    children.push(symbol(
                        snap,
                        file,
                        a.name.clone(),
                        Some(p.display_formula(m, &a.statement)),
                        SymbolKind::FIELD,
                        a.span,
                        a.span,
                    ));
                }
                for gu in &t.guarantees {
                    children.push(symbol(
                        snap,
                        file,
                        gu.name.clone(),
                        Some(p.display_formula(m, &gu.statement)),
                        SymbolKind::METHOD,
                        gu.span,
                        gu.span,
                    ));
                }
                s.children = Some(children);
            }
        }
        out.push(s);
    }
    Some(out)
}

fn completion_kind(k: &GlobalKind) -> CompletionItemKind {
    match k {
        GlobalKind::Sort => CompletionItemKind::STRUCT,
        GlobalKind::Function { params, .. } if params.is_empty() => CompletionItemKind::CONSTANT,
        GlobalKind::Function { .. } | GlobalKind::Predicate { .. } => CompletionItemKind::FUNCTION,
        GlobalKind::Axiom { .. } | GlobalKind::Lemma { .. } => CompletionItemKind::PROPERTY,
        GlobalKind::Technique(_) => CompletionItemKind::CLASS,
        GlobalKind::Challenge(_) => CompletionItemKind::INTERFACE,
    }
}

/// Completion at `pos`: declarations visible in the file's module (its own and its
/// imports'), and inside a proof the tactics, the obligation's variables and
/// hypotheses, and the facts (axioms, lemmas) a tactic may cite.
pub fn completion(snap: &Snapshot, uri: &Uri, pos: Position) -> Option<Vec<CompletionItem>> {
    let file = snap.file(uri)?;
    let p = &snap.program;
    let offset = u32::try_from(snap.offset(file, pos)).ok()?;
    let m = module_of(p, file)?;
    let in_proof = obligation_at(p, file, offset);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut add =
        |label: String, kind: CompletionItemKind, detail: Option<String>, out: &mut Vec<CompletionItem>| {
            if seen.insert(label.clone()) {
                out.push(CompletionItem { label, kind: Some(kind), detail, ..CompletionItem::default() });
            }
        };
    if let Some(ob) = in_proof.and_then(|i| p.obligations.get(i)) {
        for t in warrant_lang::lexer::TACTICS {
            add(t.to_string(), CompletionItemKind::KEYWORD, Some("tactic".into()), &mut out);
        }
        for (n, s) in &ob.context.variables {
            add(n.to_string(), CompletionItemKind::VARIABLE, Some(sort_text(p, m, s)), &mut out);
        }
        for (n, f) in &ob.context.hypotheses {
            add(n.to_string(), CompletionItemKind::VALUE, Some(p.display_formula(m, f)), &mut out);
        }
    }
    let visible = std::iter::once(m).chain(p.modules[m].imports.iter().copied());
    for vm in visible {
        let Some(module) = p.modules.get(vm) else { continue };
        for &g in &module.globals {
            let gl = &p.globals[g];
            let is_fact = matches!(gl.kind, GlobalKind::Axiom { .. } | GlobalKind::Lemma { .. });
            if in_proof.is_none() && is_fact {
                continue;
            }
            add(p.display_name(m, &gl.kernel), completion_kind(&gl.kind), Some(signature(p, m, g)), &mut out);
        }
    }
    Some(out)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

fn action(title: String, uri: &Uri, edit: TextEdit) -> CodeActionOrCommand {
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), vec![edit]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    })
}

/// Mechanical fixes touching `range`: a `:= by { sorry }` skeleton for a lemma or
/// guarantee without a proof, and for an assumption of a used technique that is
/// neither discharged nor lifted, a `discharge u.a by { sorry }` or a `lift u.a`.
pub fn code_actions(snap: &Snapshot, uri: &Uri, range: Range) -> Option<Vec<CodeActionOrCommand>> {
    let file = snap.file(uri)?;
    let p = &snap.program;
    let m = module_of(p, file)?;
    let text = snap.text(file);
    let (a, b) = (snap.offset(file, range.start) as u32, snap.offset(file, range.end) as u32);
    let touches = |s: Span| s.start <= b && a <= s.end;
    let mut out = Vec::new();
    let insert_at = |offset: u32, new_text: String| {
        let pos = snap.range(file, Span { start: offset, end: offset });
        TextEdit { range: pos, new_text }
    };
    for item in &p.modules[m].ast.items {
        if !touches(item.span) {
            continue;
        }
        match &item.kind {
            ItemKind::Lemma { kind, name, statement, proof: None } => out.push(action(
                format!("Add a `sorry` proof skeleton to {} `{}`", kind.keyword(), name.text),
                uri,
                insert_at(statement.span.end, " := by { sorry }".into()),
            )),
            ItemKind::Technique(t) => {
                for cl in &t.clauses {
                    if let ClauseKind::Guarantee { name, statement, proof: None } = &cl.kind {
                        out.push(action(
                            format!("Add a `sorry` proof skeleton to guarantee `{}`", name.text),
                            uri,
                            insert_at(statement.span.end, " := by { sorry }".into()),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for t in &p.techniques {
        if t.file != file || !touches(t.span) {
            continue;
        }
        // Insert before the technique's closing brace, on a line of its own.
        let close = text
            .get(..(t.span.end as usize).min(text.len()))
            .and_then(|s| s.rfind('}'))
            .unwrap_or(t.span.end as usize);
        let ls = line_start(text, close);
        let own_line = text.get(ls..close).is_some_and(|s| s.trim().is_empty());
        let indent = "  ";
        for (use_index, assumption) in t.undischarged() {
            let Some(u) = t.uses.get(use_index) else { continue };
            let target = format!("{}.{assumption}", u.name);
            for (title, clause) in [
                (
                    format!("Discharge `{target}` (with a `sorry` proof)"),
                    format!("discharge {target} by {{ sorry }}"),
                ),
                (format!("Lift `{target}` into `{}`'s assumptions", t.short), format!("lift {target}")),
            ] {
                let edit = if own_line {
                    insert_at(ls as u32, format!("{indent}{clause}\n"))
                } else {
                    insert_at(close as u32, format!("\n{indent}{clause}\n"))
                };
                out.push(action(title, uri, edit));
            }
        }
    }
    Some(out)
}
