//! The front end again after one file's text changed, redoing only the techniques the
//! change touches, when that provably gives the [`Program`] a full [`crate::load`] of
//! the new text gives; [`NotIncremental`] (and the caller loads afresh) otherwise.
//!
//! The fast path ([`update`]) takes a program without any diagnostic and the new text
//! of one of its root files, and:
//! 1. finds the changed bytes (the longest common prefix and suffix of the old and new
//!    texts) and the *stretch* around them: from the end of the last item that ends
//!    before the change to the end of the item the change ends in, when it ends
//!    strictly inside one (that item's last bytes are shared text), else to the end of
//!    the first item that starts after the change (or to the end of the file);
//! 2. parses the new text of the stretch alone (`parse::parse_stretch`). Its
//!    start is right after an item, at a blank, in text both versions share, so the
//!    lexer starts there as a whole-file lex would (between items, with no bracket
//!    open); its end is at a blank after an item whose last token (a technique's
//!    closing brace, step 3) is text both share, and the new stretch's last item must
//!    end there (not a comment running on past the stretch's end). When
//!    the stretch parses as whole items without any diagnostic, those are the items a
//!    parse of the whole new text has there, for the reason pieces are
//!    (`parse::parse_in_pieces`): the tokens are the same, and the grammar has one tree
//!    for a list of items;
//! 3. requires every item of the stretch, old and new, to be a technique, with the
//!    same names in the same order, and each `use` naming the same declarations: then
//!    the module declares the same names, its techniques are put in the same order and
//!    get the same numbers, and everything else (sorts, symbols, axioms, lemmas, the
//!    signature, other modules) is what it was;
//! 4. lowers the stretch's techniques again, in their numbers' order, against the
//!    program as it stands. A full elaboration lowers a technique when those numbered
//!    before it are registered and those after it are not; lowering reads another
//!    technique only through a name that resolved to it (`Lowering::refs`), so each
//!    lowering that names a technique numbered at or after its own is declined, as
//!    `Elab::lower_techniques_in_layers` declines. A lowering with a diagnostic, a use of
//!    a broken declaration or a broken result is declined (the diagnostics would have to
//!    be merged); so is a technique whose interface (parameters, assumptions, guarantees,
//!    brokenness: what `use` reads) changed while another technique uses it;
//! 5. puts the new obligations in the old ones' places (a technique's obligations are
//!    numbered in one run, so the same count gives the same numbers) and the new
//!    references in the old ones' place;
//! 6. when the length changed, moves everything after the stretch by the change of
//!    length (`shift_after_stretch`): the text there is the old text, and the lexer
//!    reaches it in the same state (at a blank after a whole item), so a full load
//!    gives the same items, declarations and obligations there at offsets moved by
//!    that much. Those techniques are not lowered again ([`Updated::moved`] lists
//!    them).
//!
//! Anything else (a change outside techniques, an old program with diagnostics, a
//! stretch that does not parse cleanly, a renamed technique, a changed `use` graph)
//! is [`NotIncremental`].

mod shift;

use crate::ast::{ClauseKind, Item, ItemKind};
use crate::elab::{resolve_in, Elab};
use crate::program::{GlobalKind, Program, TechniqueId};
use crate::span::{FileId, Span};
use shift::Shift;
use std::collections::HashMap;
use std::sync::Arc;

/// Why [`update`] declined: the caller must load the new text afresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotIncremental {
    /// What was not simple enough, for logs and tests.
    pub reason: &'static str,
}

fn decline<T>(reason: &'static str) -> Result<T, NotIncremental> {
    Err(NotIncremental { reason })
}

/// What [`update`] redid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Updated {
    /// The techniques lowered again (ascending): the ones the change touched. Every
    /// other technique, obligation and declaration is exactly as it was, moved by
    /// [`Updated::moved`] when the length changed.
    pub relowered: Vec<TechniqueId>,
    /// When the file's length changed: what moved, and by how much.
    pub moved: Option<Moved>,
}

/// What a change of a file's length moved: every span of `file` that started at or
/// after old byte `from` now starts `delta` bytes later (earlier when negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The file changed.
    pub file: FileId,
    /// The first old byte of the text parsed again (`reparsed_from..from`): a span
    /// there is not moved, it is gone (the techniques there were lowered again).
    pub reparsed_from: u32,
    /// The first old byte that moved (the end of the text parsed again).
    pub from: u32,
    /// The change of length: new minus old.
    pub delta: i64,
    /// The techniques that moved without being lowered again (ascending): their
    /// entries equal their old ones but for spans shifted by `delta`.
    pub techniques: Vec<TechniqueId>,
}

impl Moved {
    /// `span` (of [`Moved::file`]) where it is now: moved when it starts at or after
    /// [`Moved::from`].
    pub fn span(&self, mut span: Span) -> Span {
        Shift { from: self.from, delta: self.delta }.span(&mut span);
        span
    }
}

/// The program a full load would give once the text of `file` (a root module's file)
/// is `text`, made from `program` by redoing only the techniques the change touches
/// (see the module's documentation), with what was redone; or why not, and then
/// `program` is dropped (it may have been partly changed) and the caller loads
/// afresh. An unchanged text gives the program back with nothing redone.
pub fn update(mut program: Program, file: FileId, text: &str) -> Result<(Program, Updated), NotIncremental> {
    if !program.diagnostics.is_empty() {
        return decline("the program has diagnostics");
    }
    let limits = program.limits.clone();
    if text.len() > limits.max_file_bytes || text.len() > limits.max_tokens {
        return decline("the new text is near a size limit");
    }
    let Some(old_text) = program.sources.get(file).map(|s| s.text.clone()) else {
        return decline("no such file");
    };
    let modules: Vec<usize> =
        (0..program.modules.len()).filter(|&m| program.modules[m].file == file).collect();
    let &[m] = modules.as_slice() else {
        return decline("the file is not exactly one module");
    };
    if !program.modules[m].is_root || !program.modules[m].parse_errors.is_empty() {
        return decline("the file is not a root module that parsed");
    }
    if *old_text == *text {
        return Ok((program, Updated::default()));
    }
    let (old, new) = (old_text.as_bytes(), text.as_bytes());
    let prefix = common_prefix(old, new);
    let room = old.len().min(new.len()) - prefix;
    let suffix = common_suffix(&old[old.len() - room..], &new[new.len() - room..]);
    let old_change_end = old.len() - suffix;
    let delta = new.len() as i64 - old.len() as i64;

    // The stretch, in items of the old tree: `first..last` (exclusive).
    let items = &program.modules[m].ast.items;
    let Some(before) = items.iter().rposition(|i| (i.span.end as usize) < prefix) else {
        return decline("the change reaches the file's first item");
    };
    let first = before + 1;
    let next = items.iter().position(|i| (i.span.start as usize) > old_change_end);
    // The item the change ends in or after (it starts at or before the change's end).
    let ends_in = next.unwrap_or(items.len()).saturating_sub(1);
    // When the change ends strictly inside that item, the stretch ends with it: its
    // last bytes are text both versions share, and the new stretch's last item must
    // end exactly there (checked below). Otherwise the stretch takes the next item too,
    // which lies wholly in the shared text.
    let tight = ends_in >= first && (items[ends_in].span.end as usize) > old_change_end;
    let last = match next {
        _ if tight => ends_in + 1,
        Some(next) => next + 1,
        None => items.len(),
    };
    let start = items[before].span.end as usize;
    let old_end = if last == items.len() { old.len() } else { items[last - 1].span.end as usize };
    let new_end = (old_end as i64 + delta) as usize;
    let blank =
        |bytes: &[u8], at: usize| at == bytes.len() || bytes.get(at).is_some_and(u8::is_ascii_whitespace);
    if !blank(old, start) || !blank(old, old_end) || !blank(new, new_end) || new_end < start {
        return decline("the stretch is not bounded by blanks");
    }
    let Some((new_items, new_comments)) = crate::parse::parse_stretch(text, start, new_end, &limits) else {
        return decline("the changed stretch does not parse cleanly as items");
    };
    let old_items = &items[first..last];
    if old_items.len() != new_items.len() {
        return decline("the number of items changed");
    }
    // Ending right after an item's shared last token (not in a comment that a whole
    // parse would run on past the stretch's end), the lexer and the parser are where
    // a whole parse of the new text is there: between items.
    if tight && last < items.len() && new_items.last().is_none_or(|i| i.span.end as usize != new_end) {
        return decline("the stretch's last item does not end where its shared text does");
    }

    // Each item of the stretch: a technique, of the same name, with the same uses.
    // The techniques whose items start in the old stretch, by where they start.
    let tid_at: HashMap<u32, TechniqueId> = program
        .techniques
        .iter()
        .enumerate()
        .filter(|(_, t)| t.module == m && (start..old_end).contains(&(t.span.start as usize)))
        .map(|(i, t)| (t.span.start, i))
        .collect();
    let mut stretch: Vec<(TechniqueId, usize)> = Vec::with_capacity(new_items.len());
    for (k, (o, n)) in old_items.iter().zip(&new_items).enumerate() {
        let (ItemKind::Technique(ot), ItemKind::Technique(nt)) = (&o.kind, &n.kind) else {
            return decline("an item other than a technique changed");
        };
        if ot.name.text != nt.name.text {
            return decline("a technique's name changed");
        }
        let Some(&tid) = tid_at.get(&o.span.start).filter(|&&t| program.techniques[t].span == o.span) else {
            return decline("a technique of the stretch has no entry");
        };
        if uses_of(&program, m, o) != uses_of(&program, m, n) {
            return decline("a technique's uses changed");
        }
        stretch.push((tid, first + k));
    }
    stretch.sort_unstable();

    // Where each technique's obligations and references are now.
    let mut obligation_runs: Vec<(usize, usize)> = Vec::with_capacity(stretch.len());
    for &(tid, _) in &stretch {
        let info = &program.techniques[tid];
        let mut ids: Vec<usize> = info.guarantees.iter().filter_map(|g| g.obligation).collect();
        ids.extend(info.discharges.iter().map(|d| d.obligation));
        ids.sort_unstable();
        let base = ids.first().copied().unwrap_or(0);
        if ids.iter().enumerate().any(|(i, &o)| o != base + i) || base + ids.len() > program.obligations.len()
        {
            return decline("a technique's obligations are not one run");
        }
        obligation_runs.push((base, ids.len()));
    }
    let ref_blocks = reference_blocks(&program, file, &stretch, items, start)?;
    let moved = if delta != 0 {
        let from = old_end as u32;
        let techniques = (0..program.techniques.len())
            .filter(|&t| program.techniques[t].file == file && program.techniques[t].span.start >= from)
            .collect();
        shift_after_stretch(&mut program, m, Shift { from, delta });
        Some(Moved { file, reparsed_from: start as u32, from, delta, techniques })
    } else {
        None
    };

    // Lower the stretch again, in the techniques' order.
    let mut el = Elab {
        modules: std::mem::take(&mut program.modules),
        globals: std::mem::take(&mut program.globals),
        sig: std::mem::take(&mut program.signature),
        background: None,
        obligations: Vec::new(),
        techniques: std::mem::take(&mut program.techniques),
        challenges: std::mem::take(&mut program.challenges),
        references: Vec::new(),
        diags: Vec::new(),
        limits: &limits,
        quiet: Vec::new(),
        layered_techniques: false,
    };
    let mut new_refs: Vec<Vec<crate::program::Reference>> = Vec::with_capacity(stretch.len());
    let mut new_obligations = Vec::with_capacity(stretch.len());
    for (&(tid, ix), &(base, count)) in stretch.iter().zip(&obligation_runs) {
        let item = &new_items[ix - first];
        let ItemKind::Technique(t) = &item.kind else {
            return decline("an item other than a technique changed");
        };
        let old_info = el.techniques[tid].clone();
        let gid = old_info.global;
        let mut lowered = el.lower_technique(m, gid, item, t);
        if !lowered.low.errors.is_empty() || lowered.low.poisoned || lowered.broken {
            return decline("a technique lowers with a diagnostic or broken");
        }
        let reads_later = lowered.low.refs.iter().any(|&(_, g)| {
            matches!(el.globals.get(g).map(|g| &g.kind), Some(GlobalKind::Technique(j)) if *j >= tid)
        });
        if reads_later {
            return decline("a technique names one numbered at or after it");
        }
        el.register_technique(gid, tid, &mut lowered);
        el.technique_obligations(m, ix, tid, &mut lowered);
        let info = &mut el.techniques[tid];
        if el.obligations.len() != count {
            return decline("a technique's number of obligations changed");
        }
        for g in &mut info.guarantees {
            g.obligation = g.obligation.map(|o| o + base);
        }
        for d in &mut info.discharges {
            d.obligation += base;
        }
        let same_interface = info.params == old_info.params
            && info.broken == old_info.broken
            && info.assumptions.len() == old_info.assumptions.len()
            && info
                .assumptions
                .iter()
                .zip(&old_info.assumptions)
                .all(|(a, b)| a.name == b.name && a.statement == b.statement)
            && info.guarantees.len() == old_info.guarantees.len()
            && info
                .guarantees
                .iter()
                .zip(&old_info.guarantees)
                .all(|(a, b)| a.name == b.name && a.statement == b.statement);
        if !same_interface && el.techniques.iter().any(|u| u.uses.iter().any(|x| x.technique == Some(tid))) {
            return decline("a used technique's interface changed");
        }
        let global = &mut el.globals[gid];
        global.span = t.name.span;
        global.doc = item.doc.clone();
        new_obligations.push(std::mem::take(&mut el.obligations));
        new_refs.push(std::mem::take(&mut el.references));
    }
    program.modules = el.modules;
    program.globals = el.globals;
    program.signature = el.sig;
    program.techniques = el.techniques;
    program.challenges = el.challenges;

    for ((base, _), obligations) in obligation_runs.iter().zip(new_obligations) {
        for (i, ob) in obligations.into_iter().enumerate() {
            program.obligations[base + i] = ob;
        }
    }
    splice_references(&mut program, &ref_blocks, new_refs)?;
    let ast = &mut program.modules[m].ast;
    let old_end = old_end as u32;
    let mut comments: Vec<crate::lexer::Comment> =
        ast.comments.iter().filter(|c| (c.span.start as usize) < start).cloned().collect();
    comments.extend(new_comments);
    // After the stretch, moved by the change of length.
    let shift = Shift { from: old_end, delta };
    comments.extend(ast.comments.iter().filter(|c| c.span.start >= old_end).map(|c| {
        let mut c = c.clone();
        shift.comment(&mut c);
        c
    }));
    ast.comments = comments;
    ast.items.splice(first..last, new_items);
    if let Some(source) = program.sources.files.get_mut(file.0 as usize) {
        source.text = Arc::from(text);
    }
    let relowered = stretch.iter().map(|&(t, _)| t).collect();
    Ok((program, Updated { relowered, moved }))
}

/// Moves everything of module `m`'s file at or after `shift.from` (the old stretch's
/// end) by the change of length, before the stretch is lowered again (the stretch's own
/// entries all start before `shift.from` and are replaced). Every span-bearing field of
/// [`Program`] is listed here; the destructurings name every field, so a field added
/// later does not compile until it is considered:
/// - shifted: the module's items after the stretch (every span of their trees), its
///   `limits` settings, and the declarations, references, obligations (spans and proof
///   trees), techniques and challenges of that file;
/// - not shifted: the module's comments (the caller moves them as it splices the
///   stretch's), its parse errors (none: checked), the diagnostics (none: checked), the
///   signature and the obligations' contexts (kernel terms, without places), other
///   files' modules and entries, the limits and the manifests' exclusions.
fn shift_after_stretch(program: &mut Program, m: usize, shift: Shift) {
    let Program {
        sources: _,
        modules,
        globals,
        signature: _,
        obligations,
        techniques,
        challenges,
        references,
        diagnostics: _,
        limits: _,
        skipped: _,
    } = program;
    let module = &mut modules[m];
    let file = module.file;
    for item in module.ast.items.iter_mut().filter(|i| i.span.start >= shift.from) {
        shift.item(item);
    }
    for limit in &mut module.proof_limits {
        let crate::program::ProofLimit { name: _, value: _, span, value_span } = limit;
        shift.span(span);
        shift.span(value_span);
    }
    for g in globals.iter_mut().filter(|g| g.file == file) {
        let crate::program::Global {
            short: _,
            kernel: _,
            module: _,
            file: _,
            span,
            doc: _,
            kind: _,
            broken: _,
        } = g;
        shift.span(span);
    }
    for r in references.iter_mut().filter(|r| r.file == file) {
        let crate::program::Reference { file: _, span, target: _ } = r;
        shift.span(span);
    }
    for o in obligations.iter_mut().filter(|o| o.file == file) {
        let crate::program::Obligation {
            kind: _,
            name: _,
            module: _,
            file: _,
            span,
            statement: _,
            context: _,
            proof,
        } = o;
        shift.span(span);
        if let Some(p) = proof {
            shift.proof(p);
        }
    }
    for t in techniques.iter_mut().filter(|t| t.file == file && t.span.start >= shift.from) {
        let crate::program::TechniqueInfo {
            name: _,
            short: _,
            global: _,
            module: _,
            file: _,
            span,
            doc: _,
            params: _,
            source: _,
            proposed_by: _,
            oversees: _,
            assumptions,
            uses,
            discharges,
            lifts,
            intent,
            guarantees,
            witness,
            answers,
            broken: _,
        } = t;
        shift.span(span);
        assumptions.iter_mut().for_each(|a| shift.span(&mut a.span));
        uses.iter_mut().for_each(|u| shift.span(&mut u.span));
        discharges.iter_mut().for_each(|d| shift.span(&mut d.span));
        lifts.iter_mut().for_each(|l| shift.span(&mut l.span));
        if let Some((_, s)) = intent {
            shift.span(s);
        }
        guarantees.iter_mut().for_each(|g| shift.span(&mut g.span));
        witness.iter_mut().flatten().for_each(|w| shift.span(&mut w.span));
        if let Some(a) = answers {
            shift.span(&mut a.span);
        }
    }
    for c in challenges.iter_mut().filter(|c| c.file == file && c.span.start >= shift.from) {
        let crate::program::ChallengeInfo {
            name: _,
            short: _,
            global: _,
            module: _,
            file: _,
            span,
            params: _,
            oversees: _,
            source: _,
            allows,
            requires,
            broken: _,
        } = c;
        shift.span(span);
        allows.iter_mut().chain(requires.iter_mut()).for_each(|(_, _, s)| shift.span(s));
    }
}

/// Compared this many bytes at a time (a slice comparison is a `memcmp`), then byte
/// by byte in the first block that differs: a byte-by-byte scan of a 5 MB text took
/// milliseconds.
const BLOCK: usize = 256;

/// The length of the longest common prefix of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= n && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..n].iter().zip(&b[at..n]).take_while(|(x, y)| x == y).count()
}

/// The length of the longest common suffix of `a` and `b`.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut at = n;
    while at >= BLOCK && a[at - BLOCK..at] == b[at - BLOCK..at] {
        at -= BLOCK;
    }
    n - at + a[..at].iter().rev().zip(b[..at].iter().rev()).take_while(|(x, y)| x == y).count()
}

/// What each `use` clause of a technique item names, as [`Elab::techniques`] resolves
/// it to order the module's techniques.
fn uses_of(program: &Program, m: usize, item: &Item) -> Vec<Option<usize>> {
    let ItemKind::Technique(t) = &item.kind else { return Vec::new() };
    t.clauses
        .iter()
        .filter_map(|c| match &c.kind {
            ClauseKind::Use { technique, .. } => Some(
                resolve_in(&program.modules, &program.globals, m, &technique.name, "technique", &[]).ok(),
            ),
            _ => None,
        })
        .collect()
}

/// Per technique of the stretch (in `stretch`'s order), the range of
/// [`Program::references`] its lowering added: the references in its old item. They
/// must be one run each (one lowering adds them at once).
fn reference_blocks(
    program: &Program,
    file: FileId,
    stretch: &[(TechniqueId, usize)],
    items: &[Item],
    start: usize,
) -> Result<Vec<Option<(usize, usize)>>, NotIncremental> {
    // Old item spans of the stretch, sorted by start, with their place in `stretch`.
    let mut spans: Vec<(Span, usize)> =
        stretch.iter().enumerate().map(|(k, &(_, ix))| (items[ix].span, k)).collect();
    spans.sort_unstable_by_key(|(s, _)| s.start);
    let mut blocks: Vec<Option<(usize, usize)>> = vec![None; stretch.len()];
    let mut counts = vec![0usize; stretch.len()];
    for (i, r) in program.references.iter().enumerate() {
        if r.file != file || (r.span.start as usize) < start {
            continue;
        }
        let at = spans.partition_point(|(s, _)| s.start <= r.span.start);
        let Some(&(s, k)) = at.checked_sub(1).and_then(|a| spans.get(a)) else { continue };
        if r.span.start >= s.end {
            continue;
        }
        let b = blocks[k].get_or_insert((i, i));
        b.1 = i;
        counts[k] += 1;
    }
    for (b, c) in blocks.iter().zip(&counts) {
        if let Some((lo, hi)) = b {
            if hi - lo + 1 != *c {
                return decline("a technique's references are not one run");
            }
        }
    }
    Ok(blocks)
}

/// Puts each technique's new references where its old ones were.
fn splice_references(
    program: &mut Program,
    blocks: &[Option<(usize, usize)>],
    mut new: Vec<Vec<crate::program::Reference>>,
) -> Result<(), NotIncremental> {
    let mut at: Vec<(usize, usize, usize)> = Vec::new();
    for (k, b) in blocks.iter().enumerate() {
        match b {
            Some((lo, hi)) => at.push((*lo, *hi, k)),
            None if new[k].is_empty() => {}
            None => return decline("a technique without references gained some"),
        }
    }
    if at.is_empty() {
        return Ok(());
    }
    at.sort_unstable();
    let old = std::mem::take(&mut program.references);
    let mut out = Vec::with_capacity(old.len());
    let mut kept_from = 0;
    for (lo, hi, k) in at {
        out.extend_from_slice(&old[kept_from..lo]);
        out.append(&mut new[k]);
        kept_from = hi + 1;
    }
    out.extend_from_slice(&old[kept_from..]);
    program.references = out;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_and_suffix_by_blocks_and_bytes() {
        let a: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let mut b = a.clone();
        b[700] = 255;
        assert_eq!(common_prefix(&a, &b), 700);
        assert_eq!(common_suffix(&a, &b), 299);
        assert_eq!(common_prefix(&a, &a), 1000);
        assert_eq!(common_suffix(&a, &a[1..]), 999);
        assert_eq!(common_prefix(&a[..3], &a), 3);
        assert_eq!(common_prefix(b"", &a), 0);
        assert_eq!(common_suffix(b"xyz", b"yz"), 2);
    }
}
