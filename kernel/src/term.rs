//! Sorts, terms and formulas (trusted).
//!
//! Binders are *locally nameless*: a bound variable is a de Bruijn index
//! ([`Term::Bound`]), a free variable is a name with its sort ([`Term::Free`]). So
//! alpha-equivalent formulas are structurally equal (`==`), and substitution of a
//! locally closed term can never capture a variable. A binder keeps the name its author
//! wrote as a [`Hint`], which printing uses and equality ignores.
//!
//! Children sit behind `Arc`, so cloning a term is cheap and the checker can share
//! structure between the conclusions of its steps.

use crate::rat::Rat;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
// Kept at their old paths; they live with the untrusted helpers, as the checker does not
// use them.
pub use crate::construct::{close_term, free_variables, name};
// Why a term is too large: an error type, defined with the kernel's errors.
pub use crate::error::Oversize;
use rustc_hash::FxBuildHasher;
use std::collections::hash_map::{Entry, HashMap};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

/// A name: of a sort, a symbol, a variable, an axiom or a hypothesis.
pub type Name = Arc<str>;

/// A sort: the built-in ordered field `Rat`, or a declared sort.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub enum Sort {
    /// The exact rationals.
    Rat,
    /// A sort declared in the signature.
    Named(Name),
}

/// The name a binder was written with. Printing uses it; equality, ordering and
/// hashing ignore it, which is what makes alpha-equivalence plain `==`.
#[derive(Clone, Serialize, Deserialize, Debug)]
#[serde(transparent)]
pub struct Hint(pub Name);

impl PartialEq for Hint {
    fn eq(&self, _: &Hint) -> bool {
        true
    }
}
impl Eq for Hint {}
impl PartialOrd for Hint {
    fn partial_cmp(&self, other: &Hint) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Hint {
    fn cmp(&self, _: &Hint) -> Ordering {
        Ordering::Equal
    }
}
impl Hash for Hint {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A term. Terms of sort `Rat` may use the arithmetic operations.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub enum Term {
    /// A bound variable: the index counts binders outward from this occurrence.
    Bound(u32),
    /// A free variable and its sort.
    Free(Name, Sort),
    /// An exact rational literal.
    Num(Arc<Rat>),
    /// A function symbol (or defined function, or constant when there are no
    /// arguments) applied to arguments.
    App(Name, Arc<[Term]>),
    /// `-t`.
    Neg(Arc<Term>),
    /// `a + b`.
    Add(Arc<Term>, Arc<Term>),
    /// `a - b`.
    Sub(Arc<Term>, Arc<Term>),
    /// `a * b`.
    Mul(Arc<Term>, Arc<Term>),
    /// `t / c` for a nonzero literal `c`.
    Div(Arc<Term>, Arc<Rat>),
    /// `t ^ n` for a natural number `n`.
    Pow(Arc<Term>, u32),
}

/// A formula of classical many-sorted first-order logic.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug)]
pub enum Formula {
    /// Truth.
    True,
    /// Falsity.
    False,
    /// Equality of two terms of the same sort.
    Eq(Term, Term),
    /// `a <= b` over `Rat`.
    Le(Term, Term),
    /// `a < b` over `Rat`.
    Lt(Term, Term),
    /// A predicate symbol (or defined predicate) applied to arguments.
    Pred(Name, Arc<[Term]>),
    /// Negation.
    Not(Arc<Formula>),
    /// Conjunction.
    And(Arc<Formula>, Arc<Formula>),
    /// Disjunction.
    Or(Arc<Formula>, Arc<Formula>),
    /// Implication.
    Implies(Arc<Formula>, Arc<Formula>),
    /// Equivalence.
    Iff(Arc<Formula>, Arc<Formula>),
    /// Universal quantification over a sort; the body refers to it as `Bound(0)`.
    Forall(Hint, Sort, Arc<Formula>),
    /// Existential quantification over a sort; the body refers to it as `Bound(0)`.
    Exists(Hint, Sort, Arc<Formula>),
}

// ---------------------------------------------------------------------------
// Substitution (trusted). `open` replaces the outermost bound variable of a binder
// body by a locally closed term; `close` turns a free variable into that bound
// variable. Both rebuild only the parts that change.
// ---------------------------------------------------------------------------

/// A substitution: `Open(t)` replaces the bound variable of the binder being opened,
/// `Close(x, s)` turns the free variable `x: s` into it.
#[derive(Clone, Copy)]
pub(crate) enum Subst<'a> {
    Open(&'a Term),
    Close(&'a str, &'a Sort),
}

/// `a` and `b` under `f`, when at least one of them changed.
fn both<T: Clone>(a: &T, b: &T, f: impl Fn(&T) -> Option<T>) -> Option<(T, T)> {
    match (f(a), f(b)) {
        (None, None) => None,
        (na, nb) => Some((na.unwrap_or_else(|| a.clone()), nb.unwrap_or_else(|| b.clone()))),
    }
}

fn map_arc_term(t: &Arc<Term>, m: Subst<'_>, depth: u32) -> Option<Arc<Term>> {
    map_term(t, m, depth).map(Arc::new)
}

/// Rebuilds `t` under `m` seen under `depth` binders; `None` when nothing changed.
pub(crate) fn map_term(t: &Term, m: Subst<'_>, depth: u32) -> Option<Term> {
    let pair = |a: &Arc<Term>, b: &Arc<Term>| both(a, b, |x| map_arc_term(x, m, depth));
    match (t, m) {
        (Term::Bound(i), Subst::Open(u)) => (*i == depth).then(|| u.clone()),
        (Term::Free(n, s), Subst::Close(x, r)) => (&**n == x && s == r).then_some(Term::Bound(depth)),
        (Term::Bound(_) | Term::Free(..) | Term::Num(_), _) => None,
        (Term::App(f, args), _) => map_terms(args, m, depth).map(|a| Term::App(f.clone(), a)),
        (Term::Neg(a), _) => map_arc_term(a, m, depth).map(Term::Neg),
        (Term::Add(a, b), _) => pair(a, b).map(|(a, b)| Term::Add(a, b)),
        (Term::Sub(a, b), _) => pair(a, b).map(|(a, b)| Term::Sub(a, b)),
        (Term::Mul(a, b), _) => pair(a, b).map(|(a, b)| Term::Mul(a, b)),
        (Term::Div(a, c), _) => map_arc_term(a, m, depth).map(|a| Term::Div(a, c.clone())),
        (Term::Pow(a, n), _) => map_arc_term(a, m, depth).map(|a| Term::Pow(a, *n)),
    }
}

fn map_terms(args: &Arc<[Term]>, m: Subst<'_>, depth: u32) -> Option<Arc<[Term]>> {
    if let [a] = &**args {
        return map_term(a, m, depth).map(|a| Arc::from([a]));
    }
    let (i, new) = args.iter().enumerate().find_map(|(i, a)| Some((i, map_term(a, m, depth)?)))?;
    let rest = args[i + 1..].iter().map(|a| map_term(a, m, depth).unwrap_or_else(|| a.clone()));
    Some(args[..i].iter().cloned().chain([new]).chain(rest).collect())
}

fn map_arc_formula(f: &Arc<Formula>, m: Subst<'_>, depth: u32) -> Option<Arc<Formula>> {
    map_formula(f, m, depth).map(Arc::new)
}

/// Rebuilds `f` under `m` seen under `depth` binders; `None` when nothing changed.
fn map_formula(f: &Formula, m: Subst<'_>, depth: u32) -> Option<Formula> {
    let terms = |a: &Term, b: &Term| both(a, b, |x| map_term(x, m, depth));
    let pair = |a: &Arc<Formula>, b: &Arc<Formula>| both(a, b, |x| map_arc_formula(x, m, depth));
    match f {
        Formula::True | Formula::False => None,
        Formula::Eq(a, b) => terms(a, b).map(|(a, b)| Formula::Eq(a, b)),
        Formula::Le(a, b) => terms(a, b).map(|(a, b)| Formula::Le(a, b)),
        Formula::Lt(a, b) => terms(a, b).map(|(a, b)| Formula::Lt(a, b)),
        Formula::Pred(p, args) => map_terms(args, m, depth).map(|a| Formula::Pred(p.clone(), a)),
        Formula::Not(a) => map_arc_formula(a, m, depth).map(Formula::Not),
        Formula::And(a, b) => pair(a, b).map(|(a, b)| Formula::And(a, b)),
        Formula::Or(a, b) => pair(a, b).map(|(a, b)| Formula::Or(a, b)),
        Formula::Implies(a, b) => pair(a, b).map(|(a, b)| Formula::Implies(a, b)),
        Formula::Iff(a, b) => pair(a, b).map(|(a, b)| Formula::Iff(a, b)),
        Formula::Forall(h, s, b) => {
            map_arc_formula(b, m, depth + 1).map(|b| Formula::Forall(h.clone(), s.clone(), b))
        }
        Formula::Exists(h, s, b) => {
            map_arc_formula(b, m, depth + 1).map(|b| Formula::Exists(h.clone(), s.clone(), b))
        }
    }
}

/// `body[t]`: the body of a binder with its bound variable replaced by the locally
/// closed term `t`.
pub fn open_formula(body: &Formula, t: &Term) -> Formula {
    map_formula(body, Subst::Open(t), 0).unwrap_or_else(|| body.clone())
}

/// `body[t]` for a term with one dangling bound variable (a congruence context).
pub fn open_term(body: &Term, t: &Term) -> Term {
    map_term(body, Subst::Open(t), 0).unwrap_or_else(|| body.clone())
}

/// Turns the free variable `x: s` of `f` into the bound variable of a new binder.
pub fn close_formula(f: &Formula, x: &str, s: &Sort) -> Formula {
    map_formula(f, Subst::Close(x, s), 0).unwrap_or_else(|| f.clone())
}

/// Numbers values up to `==`, for the checker's and the normaliser's tables: a value
/// gets the number of the equal value numbered before it, if any, else the next number
/// (0, 1, 2, ... in order of first appearance). Values equal by `==` hash alike (`Hash`
/// agrees with `Eq` for names, terms and formulas, binder hints included). A hash map
/// holds the number of the first value numbered under each hash; a value whose hash a
/// different value already holds goes to a B-tree keyed by value, so that a collision
/// costs a search by comparisons of values (what every search cost when the tables
/// were B-trees) and never a wrong number. The hash is FxHash: a multiply per word,
/// cheap on the many small writes of a term, and easy to make collide, which costs
/// only that B-tree search. The map spreads the hashes over its buckets with foldhash,
/// seeded at random per map, which input cannot see: distinct hashes cannot be aimed
/// at one bucket. Hashing recurses as `==` does, over checked terms and formulas only.
#[derive(Clone)]
pub(crate) struct Numbering<'a, T: ?Sized> {
    /// The values numbered so far, by number.
    pub(crate) values: Vec<&'a T>,
    first: HashMap<u64, u32, foldhash::fast::RandomState>,
    others: BTreeMap<&'a T, u32>,
}

impl<'a, T: Hash + Ord + ?Sized> Numbering<'a, T> {
    /// A numbering with room for `n` values, and at least 28 (the tables of most checks,
    /// a few hundred bytes), before it grows.
    pub(crate) fn new(n: usize) -> Self {
        let first = HashMap::with_capacity_and_hasher(n.max(28), Default::default());
        Numbering { values: Vec::with_capacity(n.max(28)), first, others: BTreeMap::new() }
    }

    /// The number of `x`: that of the value equal to it numbered before, or else the
    /// next number, which `x` then takes.
    pub(crate) fn number(&mut self, x: &'a T) -> u32 {
        let next = self.values.len() as u32;
        let n = match self.first.entry(FxBuildHasher.hash_one(x)) {
            Entry::Vacant(place) => *place.insert(next),
            Entry::Occupied(place) if *self.values[*place.get() as usize] == *x => *place.get(),
            Entry::Occupied(_) => *self.others.entry(x).or_insert(next),
        };
        if n == next {
            self.values.push(x);
        }
        n
    }

    /// The number of the value equal to `x`, if one was numbered.
    pub(crate) fn get(&self, x: &T) -> Option<u32> {
        let n = *self.first.get(&FxBuildHasher.hash_one(x))?;
        (*self.values[n as usize] == *x).then_some(n).or_else(|| self.others.get(x).copied())
    }
}

// ---------------------------------------------------------------------------
// Traversals that inputs cannot drive past the stack: explicit work lists, or (for
// `check_extent`) recursion that stops at the depth limit.
// ---------------------------------------------------------------------------

/// A node of either kind, for traversals of both.
#[derive(Clone, Copy)]
pub(crate) enum Node<'a> {
    T(&'a Term),
    F(&'a Formula),
}

impl<'a> Node<'a> {
    /// Passes this node's children to `out`, left to right.
    pub(crate) fn children(self, mut out: impl FnMut(Node<'a>)) {
        match self {
            Node::T(t) => match t {
                Term::Bound(_) | Term::Free(..) | Term::Num(_) => {}
                Term::App(_, args) => args.iter().for_each(|a| out(Node::T(a))),
                Term::Neg(a) | Term::Div(a, _) | Term::Pow(a, _) => out(Node::T(a)),
                Term::Add(a, b) | Term::Sub(a, b) | Term::Mul(a, b) => {
                    [a, b].into_iter().for_each(|c| out(Node::T(c)))
                }
            },
            Node::F(f) => match f {
                Formula::True | Formula::False => {}
                Formula::Eq(a, b) | Formula::Le(a, b) | Formula::Lt(a, b) => {
                    [a, b].into_iter().for_each(|c| out(Node::T(c)))
                }
                Formula::Pred(_, args) => args.iter().for_each(|a| out(Node::T(a))),
                Formula::Not(a) | Formula::Forall(_, _, a) | Formula::Exists(_, _, a) => out(Node::F(a)),
                Formula::And(a, b) | Formula::Or(a, b) | Formula::Implies(a, b) | Formula::Iff(a, b) => {
                    [a, b].into_iter().for_each(|c| out(Node::F(c)))
                }
            },
        }
    }
}

/// The size (nodes, shared subtrees counted each time they occur) and depth of a term
/// or formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Extent {
    pub(crate) size: usize,
    pub(crate) depth: usize,
}

/// Measures `root`, refusing it once it has more than `max_size` nodes or more than
/// `max_depth` levels. Takes time proportional to `min(size, max_size)`. It recurses,
/// but never deeper than `max_depth`: it is what keeps every later recursion over the
/// same node within that depth.
pub(crate) fn check_extent(root: Node<'_>, max_size: usize, max_depth: usize) -> Result<Extent, Oversize> {
    // Counts one node at `level`, refusing it past a limit.
    fn count(level: usize, e: &mut Extent, max: Extent) -> Result<(), Oversize> {
        e.size += 1;
        e.depth = e.depth.max(level);
        if e.size > max.size {
            return Err(Oversize::Size(max.size));
        }
        if level > max.depth {
            return Err(Oversize::Depth(max.depth));
        }
        Ok(())
    }
    // Counts the children of `node` (at `level`) and visits those that have children of
    // their own, in order: a leaf costs no call.
    fn visit(node: Node<'_>, level: usize, e: &mut Extent, max: Extent) -> Result<(), Oversize> {
        let mut result = Ok(());
        node.children(|c| {
            let leaf = matches!(c, Node::T(Term::Bound(_) | Term::Free(..) | Term::Num(_)))
                || matches!(c, Node::T(Term::App(_, args)) if args.is_empty());
            result = result.and_then(|()| count(level + 1, e, max));
            result = result.and_then(|()| if leaf { Ok(()) } else { visit(c, level + 1, e, max) });
        });
        result
    }
    let (mut extent, max) = (Extent { size: 0, depth: 0 }, Extent { size: max_size, depth: max_depth });
    count(1, &mut extent, max).and_then(|()| visit(root, 1, &mut extent, max))?;
    Ok(extent)
}

/// The first occurrence, left to right, of a free variable of `root` for which
/// `wanted` holds.
pub(crate) fn first_free<'a>(
    root: Node<'a>,
    mut wanted: impl FnMut(&'a Name, &'a Sort) -> bool,
) -> Option<&'a Name> {
    // A variable alone needs no stack; a small formula's nodes fit the first one.
    if let Node::T(Term::Free(n, s)) = root {
        return wanted(n, s).then_some(n);
    }
    let mut stack = Vec::with_capacity(16);
    stack.push(root);
    while let Some(node) = stack.pop() {
        match node {
            Node::T(Term::Free(n, s)) if wanted(n, s) => return Some(n),
            _ => {}
        }
        let first = stack.len();
        node.children(|c| stack.push(c));
        stack[first..].reverse();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Sort {
        Sort::Named(name("Model"))
    }

    #[test]
    fn alpha_equivalent_formulas_are_equal() {
        let x = Term::free("x", model());
        let y = Term::free("y", model());
        let a = Formula::forall("x", model(), &Formula::pred("p", vec![x]));
        let b = Formula::forall("y", model(), &Formula::pred("p", vec![y]));
        assert_eq!(a, b);
    }

    #[test]
    fn equal_values_have_equal_numbers() {
        // Alpha-equivalent, built apart (no shared allocation): one number.
        let x = Term::free("x", model());
        let y = Term::free("y", model());
        let a = Formula::forall("x", model(), &Formula::pred("p", vec![x.clone()]));
        let b = Formula::forall("y", model(), &Formula::pred("p", vec![y]));
        let mut formulas = Numbering::new(0);
        assert_eq!((formulas.number(&a), formulas.number(&b)), (0, 0));
        assert_eq!(formulas.get(&b), Some(0));
        let mut names: Numbering<Name> = Numbering::new(0);
        let (x1, x2, y) = (name("x"), name("x"), name("y"));
        assert_eq!((names.number(&x1), names.number(&x2), names.number(&y)), (0, 0, 1));
        assert_eq!((names.get(&y), names.get(&name("z"))), (Some(1), None));
        let x_rat = Term::free("x", Sort::Rat);
        let mut terms = Numbering::new(0);
        assert_eq!((terms.number(&x), terms.number(&x_rat)), (0, 1));
        assert_eq!(terms.values, vec![&x, &x_rat]);
    }

    proptest::proptest! {
        /// Numbering agrees with a B-tree numbering in order of first appearance, also
        /// when one value's hash is made to collide with another's.
        #[test]
        fn numbering_agrees_with_a_btree(picks in proptest::collection::vec((0usize..6, 0usize..3), 0..40),
                                         collide in 0usize..6) {
            let names = ["a", "b", "c", "d", "e", "f"];
            let sorts = [Sort::Rat, model(), Sort::Named(name("N"))];
            let terms: Vec<Term> = picks.iter().map(|&(n, s)| Term::free(names[n], sorts[s].clone())).collect();
            let decoy = Term::free("decoy", Sort::Rat);
            let mut numbering = Numbering::new(0);
            numbering.number(&decoy);
            let target = Term::free(names[collide], Sort::Rat);
            numbering.first.insert(FxBuildHasher.hash_one(&target), 0);
            let mut reference = BTreeMap::from([(&decoy, 0u32)]);
            for t in &terms {
                let next = reference.len() as u32;
                let expected = *reference.entry(t).or_insert(next);
                proptest::prop_assert_eq!(numbering.number(t), expected);
                proptest::prop_assert_eq!(numbering.get(t), Some(expected));
            }
            proptest::prop_assert_eq!(numbering.values.len(), reference.len());
        }
    }

    #[test]
    fn a_hash_collision_costs_no_wrong_number() {
        // `y` is number 0 under the hash of `x`, as if their hashes collided.
        let (x, y, z) = (Term::free("x", model()), Term::free("y", model()), Term::free("z", model()));
        let mut terms = Numbering::new(0);
        terms.values.push(&y);
        terms.first.insert(FxBuildHasher.hash_one(&x), 0);
        assert_eq!(terms.get(&x), None);
        assert_eq!(terms.number(&x), 1);
        assert_eq!((terms.number(&x), terms.get(&x)), (1, Some(1)));
        assert_eq!((terms.number(&z), terms.get(&z)), (2, Some(2)));
        assert_eq!((terms.others.len(), terms.values.clone()), (1, vec![&y, &x, &z]));
    }

    #[test]
    fn opening_substitutes_without_capture() {
        // forall y. x = y, with x then replaced by y (free): the bound y stays apart.
        let x = Term::free("x", model());
        let y = Term::free("y", model());
        let inner = Formula::forall("y", model(), &Formula::eq(x.clone(), y.clone()));
        let outer = Formula::forall("x", model(), &inner);
        let Formula::Forall(_, _, body) = &outer else { unreachable!() };
        let opened = open_formula(body, &y);
        let Formula::Forall(_, _, b) = &opened else { unreachable!() };
        assert_eq!(**b, Formula::Eq(y.clone(), Term::Bound(0)));
    }

    #[test]
    fn extent_limits_size_and_depth() {
        let mut t = Term::int(1);
        for _ in 0..100 {
            t = Term::neg(t);
        }
        let f = Formula::eq(t.clone(), t);
        assert_eq!(check_extent(Node::F(&f), 1000, 1000), Ok(Extent { size: 203, depth: 102 }));
        assert_eq!(check_extent(Node::F(&f), 1000, 50), Err(Oversize::Depth(50)));
        assert_eq!(check_extent(Node::F(&f), 150, 1000), Err(Oversize::Size(150)));
    }

    /// The extent and the first limit broken, in preorder, as a plain walk of every
    /// node finds them (the reference for `check_extent`, which counts leaves without
    /// a call).
    fn reference_extent(root: Node<'_>, max_size: usize, max_depth: usize) -> Result<Extent, Oversize> {
        fn walk(
            n: Node<'_>,
            level: usize,
            e: &mut Extent,
            first: &mut Option<Oversize>,
            max: (usize, usize),
        ) {
            e.size += 1;
            e.depth = e.depth.max(level);
            if first.is_none() && e.size > max.0 {
                *first = Some(Oversize::Size(max.0));
            }
            if first.is_none() && level > max.1 {
                *first = Some(Oversize::Depth(max.1));
            }
            n.children(|c| walk(c, level + 1, e, first, max));
        }
        let (mut e, mut first) = (Extent { size: 0, depth: 0 }, None);
        walk(root, 1, &mut e, &mut first, (max_size, max_depth));
        first.map_or(Ok(e), Err)
    }

    fn small_term() -> impl proptest::strategy::Strategy<Value = Term> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Term::int(2)),
            Just(Term::free("x", Sort::Rat)),
            Just(Term::Bound(0)),
            Just(Term::app("c", vec![])),
        ];
        leaf.prop_recursive(6, 40, 3, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Term::add(a, b)),
                inner.clone().prop_map(Term::neg),
                proptest::collection::vec(inner, 0..3).prop_map(|args| Term::app("f", args)),
            ]
        })
    }

    proptest::proptest! {
        /// `check_extent` agrees with the plain walk: the same extent, or the same first
        /// limit broken.
        #[test]
        fn extent_agrees_with_a_plain_walk(a in small_term(), b in small_term(), size in 1usize..30, depth in 1usize..8) {
            let f = Formula::le(a, b);
            proptest::prop_assert_eq!(check_extent(Node::F(&f), size, depth), reference_extent(Node::F(&f), size, depth));
            proptest::prop_assert_eq!(check_extent(Node::F(&f), 1000, 1000), reference_extent(Node::F(&f), 1000, 1000));
        }
    }

    #[test]
    fn free_variables_in_order() {
        let f = Formula::eq(Term::free("b", Sort::Rat), Term::free("a", Sort::Rat));
        let names: Vec<String> = free_variables(&f).iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(names, ["b", "a"]);
    }
}
