//! The signature's name maps (hashed since 2026-11-27) against a plain model: a
//! `BTreeMap<String, _>` of what each name was declared as, updated by the extension
//! rules (a name is declared once, never empty nor `Rat`; every sort a symbol names
//! must be declared). Random sequences of declarations, truncations and lookups over a
//! small set of names, most of them long with a shared prefix, so that names are
//! declared twice, looked up before and after they exist, and dropped and declared
//! again. After every step each name is looked up in both, by a fresh copy of its text
//! and by every allocation a declaration was given (the signature finds a symbol by
//! the address of the name it declared before it reads text): a name dropped by a
//! truncation and still held elsewhere must not be found at its old address.

use proptest::prelude::*;
use std::collections::BTreeMap;
use warrant_kernel::*;

/// What the model records for a declared name.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Sort,
    Function(Vec<Sort>, Sort),
    Predicate(Vec<Sort>),
    Axiom,
}

/// The names the operations pick from: a shared long prefix, short ones, and the two
/// names no declaration may take.
fn names() -> Vec<String> {
    let mut v: Vec<String> = (0..12).map(|i| format!("library.module.with.a.long.prefix.n{i}")).collect();
    v.extend(["a", "b", "ab", "ba", "", "Rat"].map(String::from));
    v
}

#[derive(Clone, Debug)]
enum Op {
    Sort(usize),
    /// Name, parameter sorts' names, result sort's name (`None`: `Rat`).
    Function(usize, Vec<usize>, Option<usize>),
    Predicate(usize, Vec<usize>),
    Axiom(usize),
    Truncate(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let n = names().len();
    prop_oneof![
        (0..n).prop_map(Op::Sort),
        (0..n, prop::collection::vec(0..n, 0..3), prop::option::of(0..n))
            .prop_map(|(a, p, r)| Op::Function(a, p, r)),
        (0..n, prop::collection::vec(0..n, 0..3)).prop_map(|(a, p)| Op::Predicate(a, p)),
        (0..n).prop_map(Op::Axiom),
        (0..20usize).prop_map(Op::Truncate),
    ]
}

fn sort_named(names: &[String], i: Option<usize>) -> Sort {
    i.map_or(Sort::Rat, |i| Sort::Named(name(&names[i])))
}

/// The model's answer to a declaration: does it extend the signature?
fn model_accepts(model: &[(String, Kind)], n: &str, sorts: &[Sort]) -> bool {
    let taken = n.is_empty() || n == "Rat" || model.iter().any(|(m, _)| m == n);
    let known = |s: &Sort| match s {
        Sort::Rat => true,
        Sort::Named(x) => model.iter().any(|(m, k)| **m == **x && *k == Kind::Sort),
    };
    !taken && sorts.iter().all(known)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn signature_names_answer_as_an_ordered_map_does(ops in prop::collection::vec(op(), 1..60)) {
        let names = names();
        let mut sig = Signature::new();
        // The declarations in order, as the signature keeps them.
        let mut model: Vec<(String, Kind)> = Vec::new();
        // Every name a declaration was given, accepted or not, still allocated.
        let mut given: Vec<Name> = Vec::new();
        for op in ops {
            let (n, kind, decl) = match op {
                Op::Truncate(len) => {
                    sig.truncate(len);
                    model.truncate(len);
                    (None, None, None)
                }
                Op::Sort(a) => (Some(a), Some(Kind::Sort), Some(Declaration::Sort { name: name(&names[a]) })),
                Op::Function(a, p, r) => {
                    let params: Vec<Sort> = p.iter().map(|&i| sort_named(&names, Some(i))).collect();
                    let result = sort_named(&names, r);
                    let decl = Declaration::Function { name: name(&names[a]), params: params.clone(), result: result.clone() };
                    (Some(a), Some(Kind::Function(params, result)), Some(decl))
                }
                Op::Predicate(a, p) => {
                    let params: Vec<Sort> = p.iter().map(|&i| sort_named(&names, Some(i))).collect();
                    let decl = Declaration::Predicate { name: name(&names[a]), params: params.clone() };
                    (Some(a), Some(Kind::Predicate(params)), Some(decl))
                }
                Op::Axiom(a) => (Some(a), Some(Kind::Axiom), Some(Declaration::Axiom { name: name(&names[a]), statement: Formula::True })),
            };
            if let (Some(a), Some(kind), Some(decl)) = (n, kind, decl) {
                given.push(decl.name().clone());
                let sorts: Vec<Sort> = match &kind {
                    Kind::Function(p, r) => p.iter().chain([r]).cloned().collect(),
                    Kind::Predicate(p) => p.clone(),
                    Kind::Sort | Kind::Axiom => Vec::new(),
                };
                let expected = model_accepts(&model, &names[a], &sorts);
                let before = sig.fingerprint();
                let got = sig.declare(decl);
                prop_assert_eq!(got.is_ok(), expected, "declaring {:?}: {:?}", names[a], got);
                if expected {
                    model.push((names[a].clone(), kind));
                } else {
                    prop_assert_eq!(sig.fingerprint(), before, "a refused declaration changed the signature");
                }
            }
            prop_assert_eq!(sig.declarations().len(), model.len());
            let by_name: BTreeMap<String, Kind> = model.iter().cloned().collect();
            for n in &names {
                let want = by_name.get(n);
                let symbol = sig.symbol(n);
                let want_symbol = want.and_then(|k| match k {
                    Kind::Sort => Some(Symbol::Sort),
                    Kind::Function(p, r) => Some(Symbol::Function { params: p.clone(), result: r.clone() }),
                    Kind::Predicate(p) => Some(Symbol::Predicate { params: p.clone() }),
                    Kind::Axiom => None,
                });
                prop_assert_eq!(symbol, want_symbol.as_ref(), "symbol {:?}", n);
                let fact = sig.fact(n).map(|f| (f.kind, f.statement.clone()));
                let want_fact = (want == Some(&Kind::Axiom)).then_some((FactKind::Axiom, Formula::True));
                prop_assert_eq!(fact, want_fact, "fact {:?}", n);
                prop_assert_eq!(sig.has_sort(&Sort::Named(name(n))), want == Some(&Kind::Sort), "sort {:?}", n);
            }
            for g in &given {
                let want = by_name.get(&**g);
                prop_assert_eq!(sig.has_sort(&Sort::Named(g.clone())), want == Some(&Kind::Sort), "sort {:?} by address", g);
                // A constant of the symbol `g`: its sort when `g` is a function of no parameters.
                let constant = sig.sort_of(&Term::App(g.clone(), Vec::new().into()), &[]).ok();
                let want_constant = match want {
                    Some(Kind::Function(p, r)) if p.is_empty() => Some(r.clone()),
                    _ => None,
                };
                prop_assert_eq!(constant, want_constant, "constant {:?} by address", g);
                let atom = sig.check_formula(&Formula::Pred(g.clone(), Vec::new().into()), &mut Vec::new()).is_ok();
                prop_assert_eq!(atom, matches!(want, Some(Kind::Predicate(p)) if p.is_empty()), "atom {:?} by address", g);
            }
        }
    }
}
