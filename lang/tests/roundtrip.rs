//! The formatter: parse(format(tree)) == tree (spans aside), formatting is idempotent,
//! and no comment is lost. Checked on the fixtures and on generated programs.
use proptest::prelude::*;
use std::path::Path;
use warrant_lang::{fmt::format_source, parse, Limits};

/// The tree's debug form with every span erased.
fn shape(src: &str) -> String {
    let p = parse(src, &Limits::default());
    assert!(p.errors.is_empty(), "does not parse: {:?}\n{src}", p.errors);
    let dbg = format!("{:?}", p.file.items);
    let mut out = String::with_capacity(dbg.len());
    let mut chars = dbg.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' {
            while chars.peek().is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn comments(src: &str) -> Vec<String> {
    let p = parse(src, &Limits::default());
    p.file.comments.iter().map(|c| src[c.span.range()].trim_end().to_string()).collect()
}

fn check_roundtrip(src: &str) {
    let once = format_source(src, &Limits::default()).expect("formats");
    assert_eq!(shape(src), shape(&once), "tree changed:\n{src}\n---\n{once}");
    assert_eq!(comments(src), comments(&once), "comments changed:\n{once}");
    let twice = format_source(&once, &Limits::default()).expect("formats again");
    assert_eq!(once, twice, "not idempotent");
}

#[test]
fn fixtures_roundtrip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        if parse(&src, &Limits::default()).errors.is_empty() {
            check_roundtrip(&src);
            n += 1;
        }
    }
    assert!(n >= 8);
}

#[test]
fn canonical_layout() {
    let src = "sort   A // the sort\n\n\n/// doc\nfn f( x:A ):Rat\naxiom a : forall x:A. (f(x)) >= ((1 + 2) * 3) and not (true -> false)\n\
               lemma l: true := by { intro\n  norm ; sorry }\n";
    let out = format_source(src, &Limits::default()).unwrap();
    assert_eq!(
        out,
        "sort A // the sort\n\n/// doc\nfn f(x: A): Rat\naxiom a: forall x: A. f(x) >= (1 + 2) * 3 and not (true -> false)\n\
         lemma l: true := by {\n  intro\n  norm\n  sorry\n}\n"
    );
}

// ---------------------------------------------------------------------------
// Generated programs
// ---------------------------------------------------------------------------

fn name() -> impl Strategy<Value = String> {
    prop_oneof![Just("x"), Just("y"), Just("f(x)"), Just("g(x, y)"), Just("c"), Just("m.k")]
        .prop_map(str::to_string)
}

fn numeral() -> impl Strategy<Value = String> {
    prop_oneof![Just("0"), Just("1"), Just("95%"), Just("0.5"), Just("1e-3"), Just("20")]
        .prop_map(str::to_string)
}

fn term() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![name(), numeral()];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), prop_oneof![Just("+"), Just("-"), Just("*"), Just("/")], inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("({a})^2")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("h({a}, {b})")),
        ]
    })
}

fn formula() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("true".to_string()),
        Just("p(x)".to_string()),
        (term(), prop_oneof![Just("="), Just("<="), Just("<"), Just(">="), Just(">")], term())
            .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        (term(), term(), term()).prop_map(|(a, b, c)| format!("{a} <= {b} < {c}")),
    ];
    atom.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), prop_oneof![Just("and"), Just("or"), Just("->"), Just("<->")], inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("(forall x: Rat, y: S. {a})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} -> exists z: Rat. {b}")),
        ]
    })
}

fn tactic() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("norm".to_string()),
        Just("intro a b".to_string()),
        Just("left".to_string()),
        Just("sorry".to_string()),
        Just("linarith [h, first.safe, rates(u)]".to_string()),
        Just("nlinarith".to_string()),
        Just("unfold slip, rate".to_string()),
        Just("rewrite [<- r, s(x)]".to_string()),
        Just("cases h with a b".to_string()),
        term().prop_map(|t| format!("exists {t}")),
        formula().prop_map(|f| format!("show {f}")),
        Just("apply foo(x)".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (formula(), inner.clone()).prop_map(|(f, t)| format!("have h: {f} by {t}")),
            (formula(), prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, ts)| format!("have h: {f} by {{ {} }}", ts.join("; "))),
            (term(), term(), inner.clone(), term(), inner.clone()).prop_map(|(a, b, t1, c, t2)| format!(
                "calc {a} = {b} := by {{ {t1} }}\n _ <= {c} := by {{ {t2} }} // step\n"
            )),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("split {{ {a} }} {{ {b} }}")),
            (inner.clone(), inner)
                .prop_map(|(a, b)| format!("cases h with | l => {{ {a} }} | r x => {{ {b} }}")),
        ]
    })
}

fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sort S".to_string()),
        Just("fn f(x: Rat): Rat".to_string()),
        Just("fn c: Rat".to_string()),
        Just("pred p(x: Rat)".to_string()),
        term().prop_map(|t| format!("def d(x: Rat, y: S): Rat = {t}")),
        formula().prop_map(|f| format!("def q(x: Rat): Prop = {f}")),
        formula().prop_map(|f| format!("axiom a: {f}")),
        (formula(), prop::collection::vec(tactic(), 0..4))
            .prop_map(|(f, ts)| format!("lemma l: {f} := by {{\n{}\n}}", ts.join("\n"))),
        (formula(), tactic()).prop_map(|(f, t)| format!("theorem t: {f} := by {t}")),
        (formula(), formula(), tactic(), term()).prop_map(|(a, g, t, v)| format!(
            "/// A technique.\ntechnique T(u: M, t: N) answers C(u) {{\n  source \"s \\\"q\\\"\"\n  // note\n  assume a: {a}\n  use first = U(u, t)\n  discharge first.a by h\n  discharge first.b by {{ {t} }}\n  lift first.c\n  intent: {g}\n  guarantee g: {g} := by {{ {t} }}\n  witness {{ f(u) = {v}; c = 1/2 }}\n}}"
        )),
        (1u64..100_000, any::<bool>())
            .prop_map(|(n, two)| if two {
                format!("limits {{ rewrite_nodes = {n}\n arith_pivots = {n}, }}")
            } else {
                format!("limits {{ arith_time_ms = {n} }}")
            }),
        formula().prop_map(|f| format!("challenge C(u: M) {{\n  oversees \"agent:x\"\n  allow a: {f}\n  require r: {f} // must\n}}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn generated_programs_roundtrip(items in prop::collection::vec(item(), 1..6), blank in any::<bool>()) {
        let sep = if blank { "\n\n// between\n" } else { "\n" };
        let src = format!("module gen.test\nimport std.prob\n{}\n", items.join(sep));
        prop_assume!(parse(&src, &Limits::default()).errors.is_empty());
        check_roundtrip(&src);
    }
}
