//! The checked program: what the front end hands to the prover, the auditor and the
//! language server. Everything here is plain data plus lookups; building it is
//! [`crate::elab`]'s job, loading files is [`crate::modules`]'.

use crate::ast::{self, LemmaKind};
use crate::diag::{Diagnostic, LangError};
use crate::limits::Limits;
use crate::span::{FileId, Span};
use std::collections::HashMap;

/// A map keyed by names from the source. foldhash instead of the standard SipHash:
/// hashing names was a fifth of the elaborating thread's instructions
/// (lang/BENCHMARKS.md). Its seed is random per process and per map, so a file cannot
/// be written to make its names collide (it cannot observe the seed: the front end
/// is not interactive), which is all the protection against quadratic probing that
/// SipHash gave here.
pub(crate) type NameMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A set of names from the source (see [`NameMap`]).
pub(crate) type NameSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use std::path::PathBuf;
use std::sync::Arc;
use warrant_kernel::{Context, Formula, Name, Signature, Sort, Term};

/// Index of a module in [`Program::modules`].
pub type ModuleId = usize;
/// Index of a declaration in [`Program::globals`].
pub type GlobalId = usize;
/// Index of a technique in [`Program::techniques`].
pub type TechniqueId = usize;
/// Index of a challenge in [`Program::challenges`].
pub type ChallengeId = usize;
/// Index of an obligation in [`Program::obligations`].
pub type ObligationId = usize;

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    /// The name shown in diagnostics (a path, or `<std>/std/prob.wr` for embedded ones).
    pub name: String,
    /// The path on disk, when it came from disk.
    pub path: Option<PathBuf>,
    /// The text (empty when the file could not be read or is not UTF-8).
    pub text: Arc<str>,
}

/// Every source file of a run, indexed by [`FileId`], and the paths its import search
/// found empty.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    /// The files.
    pub files: Vec<SourceInfo>,
    /// Paths the import search looked at and found no file at, in the order it looked:
    /// a file that appears at one later would be found by a new load.
    pub missing: Vec<PathBuf>,
}

impl SourceMap {
    /// Adds a file.
    pub fn add(&mut self, info: SourceInfo) -> FileId {
        self.files.push(info);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }
    /// The file `id`.
    pub fn get(&self, id: FileId) -> Option<&SourceInfo> {
        self.files.get(id.0 as usize)
    }

    /// Would a new load of the same inputs read the same files? True when every file
    /// read from disk still has the text it had, and every path the import search
    /// found empty is still empty: the search then takes the same turns, so imports
    /// resolve to the same files. A file that could not be read, or was not UTF-8,
    /// counts as changed. Inputs given as directories are not covered (a file added to
    /// one would be loaded too): a caller that gives directories compares them itself.
    pub fn unchanged_on_disk(&self) -> bool {
        self.missing.iter().all(|p| !p.is_file())
            && self.files.iter().all(|f| match &f.path {
                None => true,
                Some(p) => std::fs::read(p).is_ok_and(|bytes| bytes == f.text.as_bytes()),
            })
    }
}

/// The declarations a name stands for in a module: nearly always one, so kept inline.
pub(crate) type GlobalIds = smallvec::SmallVec<[GlobalId; 2]>;

/// A module's names ([`Module::names`]): what declarations each name stands for, in
/// the order they were added. The map is cut in shards by a hash of the name, so that
/// a large module's table (three names per declaration) is filled on the pool, a
/// shard per task, instead of on the elaborating thread.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameTable {
    /// Picks a name's shard; seeded at random, as [`NameMap`]s are.
    selector: foldhash::fast::RandomState,
    /// [`NameTable::SHARDS`] maps once anything was added, none before.
    shards: Vec<NameMap<String, GlobalIds>>,
}

impl NameTable {
    const SHARDS: usize = 16;
    /// From this many names, [`NameTable::extend`] fills the shards on the pool.
    const PARALLEL_NAMES: usize = 256;

    fn shard(&self, name: &str) -> usize {
        use std::hash::BuildHasher;
        (self.selector.hash_one(name) % Self::SHARDS as u64) as usize
    }

    /// The declarations `name` stands for.
    pub(crate) fn get(&self, name: &str) -> Option<&GlobalIds> {
        self.shards.get(self.shard(name))?.get(name)
    }

    /// Every name, in no particular order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.shards.iter().flat_map(|s| s.keys().map(String::as_str))
    }

    /// Forgets every name.
    pub(crate) fn clear(&mut self) {
        self.shards.clear();
    }

    /// Adds each `(name, declaration)` of `entries`, in order: a name's declarations
    /// keep the order they come in, and one already under that name is not added
    /// again. Which shard fills first does not matter: a name is in one shard, and a
    /// shard takes its entries in order.
    pub(crate) fn extend(&mut self, entries: Vec<(String, GlobalId)>) {
        use rayon::prelude::*;
        if self.shards.is_empty() {
            self.shards = (0..Self::SHARDS).map(|_| NameMap::default()).collect();
        }
        let parallel = entries.len() >= Self::PARALLEL_NAMES;
        // Each name's shard, hashed on the pool for many; then the entries are dealt
        // out to their shards in order, each shard's vector sized first.
        let shard_of: Vec<u8> = if parallel {
            entries.par_iter().map(|(name, _)| self.shard(name) as u8).collect()
        } else {
            entries.iter().map(|(name, _)| self.shard(name) as u8).collect()
        };
        let mut sizes = [0usize; Self::SHARDS];
        for &s in &shard_of {
            sizes[usize::from(s)] += 1;
        }
        let mut parts: Vec<Vec<(String, GlobalId)>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
        for (entry, s) in entries.into_iter().zip(shard_of) {
            parts[usize::from(s)].push(entry);
        }
        let fill = |(map, part): (&mut NameMap<String, GlobalIds>, Vec<(String, GlobalId)>)| {
            map.reserve(part.len());
            for (name, id) in part {
                let ids = map.entry(name).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        };
        if parallel {
            self.shards.par_iter_mut().zip(parts).for_each(fill);
        } else {
            self.shards.iter_mut().zip(parts).for_each(fill);
        }
    }
}

/// A loaded module.
#[derive(Clone, Debug)]
pub struct Module {
    /// Its dotted name.
    pub name: String,
    /// Its file.
    pub file: FileId,
    /// Its syntax tree.
    pub ast: ast::SourceFile,
    /// Modules it imports directly.
    pub imports: Vec<ModuleId>,
    /// Declarations it makes, in source order.
    pub globals: Vec<GlobalId>,
    /// Was it given to the run (rather than only imported)?
    pub is_root: bool,
    /// Names visible in it: own and imported short names, `module.name` and
    /// `last_segment.name` for own and imported declarations.
    pub(crate) names: NameTable,
    /// Offsets of its parse errors (type errors near them are not reported).
    pub(crate) parse_errors: Vec<u32>,
    /// Names the text tries to declare (after `sort`, `fn`, ...), even in items that
    /// did not parse: an unknown name among them is not reported again.
    pub(crate) attempted: NameSet<String>,
    /// The settings of its `limits` items that are valid (the others were reported):
    /// the prover lowers its bounds by them for every proof of this module's file.
    pub proof_limits: Vec<ProofLimit>,
}

impl Module {
    /// Forgets what elaboration added (names, declarations, limits), so that the
    /// module can be elaborated again from its syntax tree.
    pub(crate) fn clear_elaboration(&mut self) {
        self.names.clear();
        self.globals.clear();
        self.proof_limits.clear();
    }
}

/// The bounds a `limits` item may set, with what each bounds. Each is a field of the
/// prover's `TacticLimits` (`arith_pivots` is `arith.max_pivots`, ...). A file may only
/// lower a bound: the prover's caller sets the ceiling.
pub const PROOF_LIMITS: &[(&str, &str)] = &[
    ("arith_pivots", "simplex pivots of one `linarith`, `nlinarith` or `norm` search"),
    ("arith_rows", "rows (distinct monomials) of one linear program"),
    ("arith_columns", "columns (facts, products, squares) of one linear program"),
    ("arith_products", "products and squares `nlinarith` adds"),
    ("arith_degree", "largest monomial degree"),
    ("arith_time_ms", "wall-clock guard of one arithmetic search, in milliseconds"),
    ("rewrite_nodes", "e-graph nodes of one `rewrite`; nodes of a goal after `unfold`"),
    ("rewrite_iterations", "e-graph iterations of one `rewrite`"),
    ("rewrite_time_ms", "wall-clock guard of one `rewrite` search, in milliseconds"),
    ("rewrite_replay_steps", "kernel steps one replayed `rewrite` explanation may add"),
    ("rewrite_numeral_bits", "largest numeral (in bits) constant folding may make"),
];

/// One valid setting of a `limits` item: a name of [`PROOF_LIMITS`] and a value of at
/// least 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofLimit {
    /// The bound's name, as in [`PROOF_LIMITS`].
    pub name: &'static str,
    /// Its value.
    pub value: u64,
    /// The whole setting.
    pub span: Span,
    /// Its value.
    pub value_span: Span,
}

/// What a declaration is.
#[derive(Clone, Debug, PartialEq)]
pub enum GlobalKind {
    /// `sort S`
    Sort,
    /// `fn` or a term `def`.
    Function {
        /// Parameter sorts.
        params: Vec<Sort>,
        /// Result sort.
        result: Sort,
        /// Is it a `def`?
        defined: bool,
    },
    /// `pred` or a predicate `def`.
    Predicate {
        /// Parameter sorts.
        params: Vec<Sort>,
        /// Is it a `def`?
        defined: bool,
    },
    /// `axiom`
    Axiom {
        /// Its statement (None when it did not type-check).
        statement: Option<Formula>,
    },
    /// `lemma`, `theorem`, `rule`.
    Lemma {
        /// Which.
        kind: LemmaKind,
        /// Its statement (None when it did not type-check).
        statement: Option<Formula>,
        /// Its proof obligation.
        obligation: Option<ObligationId>,
    },
    /// `technique`
    Technique(TechniqueId),
    /// `challenge`
    Challenge(ChallengeId),
}

impl GlobalKind {
    /// A word for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            GlobalKind::Sort => "sort",
            GlobalKind::Function { defined: true, .. } => "defined function",
            GlobalKind::Function { params, .. } if params.is_empty() => "constant",
            GlobalKind::Function { .. } => "function",
            GlobalKind::Predicate { defined: true, .. } => "defined predicate",
            GlobalKind::Predicate { .. } => "predicate",
            GlobalKind::Axiom { .. } => "axiom",
            GlobalKind::Lemma { kind: LemmaKind::Rule, .. } => "rule",
            GlobalKind::Lemma { kind: LemmaKind::Theorem, .. } => "theorem",
            GlobalKind::Lemma { .. } => "lemma",
            GlobalKind::Technique(_) => "technique",
            GlobalKind::Challenge(_) => "challenge",
        }
    }
}

/// A declaration of a module.
#[derive(Clone, Debug)]
pub struct Global {
    /// The name as declared.
    pub short: String,
    /// The fully qualified kernel name, `module.short`.
    pub kernel: Name,
    /// Its module.
    pub module: ModuleId,
    /// Its file.
    pub file: FileId,
    /// Where its name is declared.
    pub span: Span,
    /// Its doc comment.
    pub doc: Option<String>,
    /// What it is.
    pub kind: GlobalKind,
    /// Set when its declaration had errors: uses of it report nothing more.
    pub broken: bool,
}

/// A use of a declaration in the source (for go-to-definition and hovers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The file of the use.
    pub file: FileId,
    /// Where the name is used.
    pub span: Span,
    /// What it refers to.
    pub target: GlobalId,
}

/// Where a proof obligation comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObligationKind {
    /// A `lemma`, `theorem` or `rule` (its kernel name is [`Obligation::name`]).
    Lemma(LemmaKind),
    /// A technique's guarantee.
    Guarantee {
        /// The technique.
        technique: TechniqueId,
        /// The guarantee's index in [`TechniqueInfo::guarantees`].
        index: usize,
    },
    /// A `discharge` of a used technique's assumption.
    Discharge {
        /// The technique.
        technique: TechniqueId,
        /// The discharge's index in [`TechniqueInfo::discharges`].
        index: usize,
    },
}

/// Something to prove: a closed statement in a context, with the script that should
/// prove it.
#[derive(Clone, Debug)]
pub struct Obligation {
    /// Where it comes from.
    pub kind: ObligationKind,
    /// Its name: the kernel name of a lemma; `Technique.guarantee` for a guarantee;
    /// `Technique.discharge.use.assumption` for a discharge (all module-qualified).
    pub name: Name,
    /// The module it is in (the scope of its proof script).
    pub module: ModuleId,
    /// Its file.
    pub file: FileId,
    /// The statement's name span (for diagnostics).
    pub span: Span,
    /// The statement, with the context's variables free.
    pub statement: Formula,
    /// Variables (technique parameters) and named hypotheses (assumptions, lifted
    /// assumptions `u.a`, used techniques' guarantees `u.g`) the proof may use.
    pub context: Context,
    /// The proof script (`None` when missing: a diagnostic was reported).
    pub proof: Option<ast::Proof>,
}

impl Obligation {
    /// The scope to lower the script's expressions in (`have h: φ`, `exists t`, ...).
    pub fn scope(&self) -> Scope {
        Scope {
            module: self.module,
            file: self.file,
            locals: self.context.variables.iter().map(|(n, s)| (n.to_string(), s.clone())).collect(),
        }
    }
}

/// A scope for lowering expressions of a proof script: a module and local variables
/// (innermost last; later ones shadow earlier ones).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The module whose names are visible.
    pub module: ModuleId,
    /// The file (for diagnostics).
    pub file: FileId,
    /// Local variables with their sorts; each lowers to a kernel free variable of the
    /// same name.
    pub locals: Vec<(String, Sort)>,
}

/// Where a technique's assumption comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssumptionOrigin {
    /// `assume name: φ`
    Own,
    /// `lift u.a`: an assumption of the used technique `uses[use_index]`.
    Lifted {
        /// Index in [`TechniqueInfo::uses`].
        use_index: usize,
    },
}

/// One assumption a technique rests on.
#[derive(Clone, Debug)]
pub struct Assumption {
    /// Its name: `a` for its own, `u.a` for a lifted one.
    pub name: String,
    /// The statement (parameters free).
    pub statement: Formula,
    /// Where.
    pub span: Span,
    /// Own or lifted.
    pub origin: AssumptionOrigin,
}

/// `use name = T(args)`, elaborated.
#[derive(Clone, Debug)]
pub struct Use {
    /// The local name.
    pub name: String,
    /// The used technique (`None` when it did not resolve or is in a cycle).
    pub technique: Option<TechniqueId>,
    /// The lowered arguments (in this technique's parameters).
    pub args: Vec<Term>,
    /// Where.
    pub span: Span,
    /// The used technique's assumptions (its own and lifted), instantiated with `args`.
    pub assumptions: Vec<(String, Formula)>,
    /// Its guarantees, instantiated with `args`.
    pub guarantees: Vec<(String, Formula)>,
}

/// `discharge u.a by proof`, elaborated.
#[derive(Clone, Debug)]
pub struct Discharge {
    /// Index in [`TechniqueInfo::uses`].
    pub use_index: usize,
    /// The assumption's name in the used technique (`a`, or `v.b` for one it lifted).
    pub assumption: String,
    /// The instantiated statement to prove.
    pub statement: Formula,
    /// Where.
    pub span: Span,
    /// Its proof obligation.
    pub obligation: ObligationId,
}

/// `lift u.a`, elaborated.
#[derive(Clone, Debug)]
pub struct Lift {
    /// Index in [`TechniqueInfo::uses`].
    pub use_index: usize,
    /// The assumption's name in the used technique.
    pub assumption: String,
    /// Where.
    pub span: Span,
}

/// A guarantee with its obligation.
#[derive(Clone, Debug)]
pub struct Guarantee {
    /// Its name.
    pub name: String,
    /// The statement (parameters free).
    pub statement: Formula,
    /// Where.
    pub span: Span,
    /// Its proof obligation (`None` when the statement did not type-check).
    pub obligation: Option<ObligationId>,
}

/// `f(args) = value` of a witness, lowered.
#[derive(Clone, Debug)]
pub struct WitnessValue {
    /// The symbol applied to terms.
    pub lhs: Term,
    /// Its value.
    pub rhs: Term,
    /// Where.
    pub span: Span,
}

/// `answers C(args)`, elaborated.
#[derive(Clone, Debug)]
pub struct Answers {
    /// The challenge.
    pub challenge: ChallengeId,
    /// Its arguments, in the technique's parameters.
    pub args: Vec<Term>,
    /// Where.
    pub span: Span,
}

/// A technique, elaborated.
#[derive(Clone, Debug)]
pub struct TechniqueInfo {
    /// Its kernel-style qualified name (`module.Name`).
    pub name: Name,
    /// The name as declared.
    pub short: String,
    /// Its declaration.
    pub global: GlobalId,
    /// Its module.
    pub module: ModuleId,
    /// Its file.
    pub file: FileId,
    /// The whole item.
    pub span: Span,
    /// Its doc comment.
    pub doc: Option<String>,
    /// Parameters: the variables of every statement below.
    pub params: Vec<(Name, Sort)>,
    /// `source "..."`
    pub source: Option<String>,
    /// `proposed_by "..."`
    pub proposed_by: Option<String>,
    /// `oversees "..."`
    pub oversees: Option<String>,
    /// Its assumptions: own ones in order, then lifted ones.
    pub assumptions: Vec<Assumption>,
    /// Used techniques.
    pub uses: Vec<Use>,
    /// Discharged assumptions of used techniques.
    pub discharges: Vec<Discharge>,
    /// Lifted assumptions of used techniques.
    pub lifts: Vec<Lift>,
    /// The stated intent.
    pub intent: Option<(Formula, Span)>,
    /// Guarantees.
    pub guarantees: Vec<Guarantee>,
    /// The witness, if given.
    pub witness: Option<Vec<WitnessValue>>,
    /// The challenge it answers.
    pub answers: Option<Answers>,
    /// Set when it had errors (diagnostics were reported): it must not be accepted.
    pub broken: bool,
}

impl TechniqueInfo {
    /// The context of its guarantees: parameters; own, then lifted assumptions; then
    /// the guarantees of used techniques as `u.g`.
    pub fn guarantee_context(&self) -> Context {
        let mut hyps: Vec<(Name, Formula)> =
            self.assumptions.iter().map(|a| (warrant_kernel::name(&a.name), a.statement.clone())).collect();
        for u in &self.uses {
            for (g, f) in &u.guarantees {
                hyps.push((warrant_kernel::name(&crate::elab::dotted(&u.name, g)), f.clone()));
            }
        }
        Context { variables: self.params.clone(), hypotheses: hyps }
    }

    /// The context of its discharges: parameters and its own and lifted assumptions
    /// (not the guarantees of used techniques, which would be circular).
    pub fn discharge_context(&self) -> Context {
        Context {
            variables: self.params.clone(),
            hypotheses: self
                .assumptions
                .iter()
                .map(|a| (warrant_kernel::name(&a.name), a.statement.clone()))
                .collect(),
        }
    }

    /// Assumptions of used techniques that are neither discharged nor lifted:
    /// `(use index, assumption name)`.
    pub fn undischarged(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, u) in self.uses.iter().enumerate() {
            for (a, _) in &u.assumptions {
                let done = self.discharges.iter().any(|d| d.use_index == i && &d.assumption == a)
                    || self.lifts.iter().any(|l| l.use_index == i && &l.assumption == a);
                if !done {
                    out.push((i, a.clone()));
                }
            }
        }
        out
    }
}

/// A challenge, elaborated.
#[derive(Clone, Debug)]
pub struct ChallengeInfo {
    /// Its qualified name.
    pub name: Name,
    /// The name as declared.
    pub short: String,
    /// Its declaration.
    pub global: GlobalId,
    /// Its module.
    pub module: ModuleId,
    /// Its file.
    pub file: FileId,
    /// The whole item.
    pub span: Span,
    /// Parameters.
    pub params: Vec<(Name, Sort)>,
    /// `oversees "..."`
    pub oversees: Option<String>,
    /// `source "..."`
    pub source: Option<String>,
    /// What a submission may assume: name, statement, span.
    pub allows: Vec<(String, Formula, Span)>,
    /// What it must establish: name, statement, span.
    pub requires: Vec<(String, Formula, Span)>,
    /// Set when it had errors.
    pub broken: bool,
}

/// A fact a proof may cite by name, as [`Program::resolve_fact`] finds it.
#[derive(Clone, Debug)]
pub struct FactRef {
    /// Its kernel name.
    pub name: Name,
    /// The declaration.
    pub global: GlobalId,
    /// Its closed statement, when it type-checked (for a definition: `None`; unfold it
    /// through the kernel's `Unfold` step).
    pub statement: Option<Formula>,
}

/// The result of the front end: every module, the kernel signature of their sorts,
/// symbols, definitions and axioms, the proof obligations, the elaborated techniques
/// and challenges, and every diagnostic.
#[derive(Debug)]
pub struct Program {
    /// Every file read.
    pub sources: SourceMap,
    /// Modules, dependencies before dependents.
    pub modules: Vec<Module>,
    /// Every declaration.
    pub globals: Vec<Global>,
    /// Sorts, functions, predicates, definitions and axioms of every module, in
    /// dependency order. Lemmas are not in it: the prover adds each as it checks it
    /// (`Signature::add_theorem`), in the order of [`Program::obligations`].
    pub signature: Signature,
    /// What must be proved, in dependency order.
    pub obligations: Vec<Obligation>,
    /// Techniques.
    pub techniques: Vec<TechniqueInfo>,
    /// Challenges.
    pub challenges: Vec<ChallengeInfo>,
    /// Every name use that resolved.
    pub references: Vec<Reference>,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// The limits used.
    pub limits: Limits,
    /// What `warrant.toml` manifests excluded from the directories walked
    /// ([`crate::walk`]): reported, so nothing is left out silently.
    pub skipped: Vec<crate::walk::Skipped>,
}

/// Below this many declarations a program is freed on the dropping thread alone.
const PARALLEL_DROP_GLOBALS: usize = 1024;

impl Drop for Program {
    /// A large program is freed by the rayon pool's threads, in parts that the
    /// threads share out as they go: the modules (whose syntax trees free themselves
    /// in halves, `ast::SourceFile`), the signature, the obligations, the techniques
    /// and the declarations (freeing a 50,000-line program's allocations one by one
    /// took about a fifth of the front end's time, lang/BENCHMARKS.md). What is freed
    /// does not change, only where.
    fn drop(&mut self) {
        if self.globals.len() < PARALLEL_DROP_GLOBALS {
            return;
        }
        let modules = std::mem::take(&mut self.modules);
        let signature = std::mem::take(&mut self.signature);
        let obligations = std::mem::take(&mut self.obligations);
        let techniques = std::mem::take(&mut self.techniques);
        let globals = std::mem::take(&mut self.globals);
        rayon::scope(move |s| {
            s.spawn(move |_| drop(modules));
            s.spawn(move |_| drop(signature));
            s.spawn(move |_| drop(obligations));
            s.spawn(move |_| drop(techniques));
            s.spawn(move |_| drop(globals));
        });
    }
}

impl Program {
    /// Are there errors (not counting warnings)?
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.is_warning())
    }

    /// The module called `name`.
    pub fn module_named(&self, name: &str) -> Option<ModuleId> {
        self.modules.iter().position(|m| m.name == name)
    }

    /// The declaration with kernel name `kernel`.
    pub fn global_by_kernel_name(&self, kernel: &str) -> Option<GlobalId> {
        self.globals.iter().position(|g| &*g.kernel == kernel)
    }

    /// The technique called `name` (qualified, or short when unique).
    pub fn technique_named(&self, name: &str) -> Option<TechniqueId> {
        self.techniques.iter().position(|t| &*t.name == name).or_else(|| {
            let mut it = self.techniques.iter().enumerate().filter(|(_, t)| t.short == name);
            match (it.next(), it.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })
    }

    /// Resolves a name as written in `module` (short, `module.name` or
    /// `last_segment.name`) to a declaration; errors are the diagnostics a user sees.
    pub fn resolve(&self, module: ModuleId, path: &ast::Path) -> Result<GlobalId, LangError> {
        crate::elab::resolve_in(&self.modules, &self.globals, module, path, "name", &[])
    }

    /// Resolves a fact cited in a proof of `module`: an axiom, lemma, theorem, rule or
    /// definition. Hypotheses of the obligation's context and local `have`s are the
    /// prover's to look up first.
    pub fn resolve_fact(&self, module: ModuleId, path: &ast::Path) -> Result<FactRef, LangError> {
        let id = crate::elab::resolve_in(&self.modules, &self.globals, module, path, "fact", &[])?;
        let g = &self.globals[id];
        let statement = match &g.kind {
            GlobalKind::Axiom { statement } | GlobalKind::Lemma { statement, .. } => statement.clone(),
            GlobalKind::Function { defined: true, .. } | GlobalKind::Predicate { defined: true, .. } => None,
            other => {
                return Err(LangError::WrongKind {
                    name: path.text.as_str().to_owned(),
                    found: other.describe().into(),
                    expected: "fact (axiom, lemma, theorem, rule or definition)".into(),
                    help: None,
                    span: path.span.into(),
                })
            }
        };
        Ok(FactRef { name: g.kernel.clone(), global: id, statement })
    }

    /// Lowers a formula of a proof script (`have h: φ`, `show φ`, ...) in `scope`.
    pub fn lower_formula(&self, scope: &Scope, expr: &ast::Expr) -> Result<Formula, Vec<LangError>> {
        crate::elab::lower_formula_in(self, scope, expr)
    }

    /// Lowers a term of a proof script (`exists t`, fact arguments, calc sides) in
    /// `scope`, with its sort.
    pub fn lower_term(&self, scope: &Scope, expr: &ast::Expr) -> Result<(Term, Sort), Vec<LangError>> {
        crate::elab::lower_term_in(self, scope, expr)
    }

    /// How a kernel name is shown to a user reading `module`: the short name when it
    /// resolves back to the same declaration there, else the qualified name.
    pub fn display_name(&self, module: ModuleId, kernel: &str) -> String {
        let Some(m) = self.modules.get(module) else {
            return kernel.to_string();
        };
        let short = kernel.rsplit('.').next().unwrap_or(kernel);
        match m.names.get(short) {
            Some(ids) => {
                let own: Vec<_> = ids.iter().filter(|&&i| self.globals[i].module == module).collect();
                let pick = if own.len() == 1 {
                    Some(*own[0])
                } else if ids.len() == 1 {
                    Some(ids[0])
                } else {
                    None
                };
                match pick {
                    Some(i) if &*self.globals[i].kernel == kernel => short.to_string(),
                    _ => kernel.to_string(),
                }
            }
            None => kernel.to_string(),
        }
    }

    /// An obligation's name as its module's reader knows it (`T.safe`, `lemma_name`).
    pub fn obligation_name(&self, ob: &Obligation) -> String {
        let prefix = self.modules.get(ob.module).map(|m| format!("{}.", m.name));
        match prefix.and_then(|p| ob.name.strip_prefix(&p).map(str::to_string)) {
            Some(s) => s,
            None => ob.name.to_string(),
        }
    }

    /// A kernel formula in the language's syntax, names shortened as in `module`.
    pub fn display_formula(&self, module: ModuleId, f: &Formula) -> String {
        warrant_kernel::print::formula_to_string_with(f, &|n| self.display_name(module, n))
    }

    /// A kernel term in the language's syntax, names shortened as in `module`.
    pub fn display_term(&self, module: ModuleId, t: &Term) -> String {
        warrant_kernel::print::term_to_string_with(t, &|n| self.display_name(module, n))
    }

    /// The declaration whose name is used or declared at `offset` in `file`.
    pub fn global_at(&self, file: FileId, offset: u32) -> Option<GlobalId> {
        self.references
            .iter()
            .find(|r| r.file == file && r.span.start <= offset && offset < r.span.end)
            .map(|r| r.target)
            .or_else(|| {
                self.globals
                    .iter()
                    .position(|g| g.file == file && g.span.start <= offset && offset < g.span.end)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::NameTable;

    /// Filled in one go (on the pool from `PARALLEL_NAMES` names) or a few names at a
    /// time, a table gives each name its declarations in the order they came, once
    /// each.
    #[test]
    fn a_name_table_keeps_each_names_declarations_in_order_once() {
        for count in [10, NameTable::PARALLEL_NAMES, 3 * NameTable::PARALLEL_NAMES] {
            let mut entries = Vec::new();
            for i in 0..count {
                entries.push((format!("n{i}"), i));
                // Every third name stands for a second declaration, added twice.
                if i % 3 == 0 {
                    entries.push((format!("n{i}"), i + 100_000));
                    entries.push((format!("n{i}"), i));
                }
            }
            let mut whole = NameTable::default();
            whole.extend(entries.clone());
            let mut in_parts = NameTable::default();
            for part in entries.chunks(7) {
                in_parts.extend(part.to_vec());
            }
            for table in [&whole, &in_parts] {
                assert_eq!(table.keys().count(), count);
                for i in 0..count {
                    let expected: Vec<usize> = if i % 3 == 0 { vec![i, i + 100_000] } else { vec![i] };
                    assert_eq!(table.get(&format!("n{i}")).map(|ids| ids.to_vec()), Some(expected));
                }
                assert_eq!(table.get("missing"), None);
            }
        }
        assert_eq!(NameTable::default().get("n0"), None);
    }
}
