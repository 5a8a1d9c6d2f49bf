//! Generators of well-formed programs (as text) for the property tests: the
//! formatter's round trip (`roundtrip.rs`) and the two parsers' agreement
//! (`fast_parse.rs`).
use proptest::prelude::*;

pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![Just("x"), Just("y"), Just("f(x)"), Just("g(x, y)"), Just("c"), Just("m.k")]
        .prop_map(str::to_string)
}

pub fn numeral() -> impl Strategy<Value = String> {
    prop_oneof![Just("0"), Just("1"), Just("95%"), Just("0.5"), Just("1e-3"), Just("20")]
        .prop_map(str::to_string)
}

pub fn term() -> impl Strategy<Value = String> {
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

pub fn formula() -> impl Strategy<Value = String> {
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

pub fn tactic() -> impl Strategy<Value = String> {
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

pub fn item() -> impl Strategy<Value = String> {
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
