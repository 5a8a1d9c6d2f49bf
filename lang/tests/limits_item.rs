//! The `limits` item: parsed, formatted back, and checked (known names with "did you
//! mean", values from 1 to `u64::MAX`, each name once). Valid settings are carried on
//! the module for the prover; whether a value is above the caller's ceiling is the
//! prover's to say (`prover/tests/file_limits.rs`).

use warrant_lang::fmt::format;
use warrant_lang::*;

fn check(text: &str) -> Program {
    load(&[Input::Text { name: "test.wr".into(), text: text.into() }], &Options::default())
}

/// `(message, help, the text under the primary span)` of each diagnostic.
fn diagnostics(text: &str) -> Vec<(String, Option<String>, String)> {
    let p = check(text);
    p.diagnostics
        .iter()
        .map(|d| {
            let help = miette::Diagnostic::help(&d.error).map(|h| h.to_string());
            let span =
                d.span().map(|s| text[s.start as usize..s.end as usize].to_string()).unwrap_or_default();
            (d.error.to_string(), help, span)
        })
        .collect()
}

#[test]
fn valid_settings_are_carried_on_the_module() {
    let text = "module test\nlimits { rewrite_nodes = 2000, arith_pivots = 50 }\nlimits {\n  arith_time_ms = 100\n}\n";
    let p = check(text);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let m = &p.modules[p.module_named("test").unwrap()];
    let got: Vec<(&str, u64, &str)> = m
        .proof_limits
        .iter()
        .map(|l| (l.name, l.value, &text[l.span.start as usize..l.span.end as usize]))
        .collect();
    assert_eq!(
        got,
        [
            ("rewrite_nodes", 2000, "rewrite_nodes = 2000"),
            ("arith_pivots", 50, "arith_pivots = 50"),
            ("arith_time_ms", 100, "arith_time_ms = 100")
        ]
    );
}

#[test]
fn every_documented_limit_is_accepted() {
    let settings: Vec<String> = PROOF_LIMITS.iter().map(|(n, _)| format!("{n} = 7")).collect();
    let p = check(&format!("module test\nlimits {{ {} }}\n", settings.join(", ")));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(p.modules[0].proof_limits.len(), PROOF_LIMITS.len());
}

#[test]
fn an_unknown_name_gets_did_you_mean() {
    assert_eq!(
        diagnostics("module test\nlimits { rewrite_node = 5 }\n"),
        [(
            "unknown limit `rewrite_node`".to_string(),
            Some("did you mean `rewrite_nodes`?".to_string()),
            "rewrite_node".to_string()
        )]
    );
}

#[test]
fn a_name_far_from_any_lists_them() {
    let d = diagnostics("module test\nlimits { speed = 5 }\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].0, "unknown limit `speed`");
    assert_eq!(
        d[0].1.as_deref(),
        Some(&*format!(
            "the limits are {}",
            PROOF_LIMITS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ))
    );
}

#[test]
fn zero_is_a_diagnostic() {
    assert_eq!(
        diagnostics("module test\nlimits { arith_pivots = 0 }\n"),
        [(
            "`arith_pivots = 0`: a limit of zero would stop every search".to_string(),
            Some(format!("a limit is a whole number from 1 to {}", u64::MAX)),
            "0".to_string()
        )]
    );
}

#[test]
fn a_negative_value_is_a_diagnostic() {
    assert_eq!(
        diagnostics("module test\nlimits { arith_pivots = -5 }\n"),
        [(
            "`arith_pivots = -5`: a limit cannot be negative".to_string(),
            Some(format!("a limit is a whole number from 1 to {}", u64::MAX)),
            "-5".to_string()
        )]
    );
}

#[test]
fn a_huge_value_is_a_diagnostic() {
    let huge = "9".repeat(40);
    assert_eq!(
        diagnostics(&format!("module test\nlimits {{ rewrite_nodes = {huge} }}\n")),
        [(
            format!("`rewrite_nodes = {huge}` is too large"),
            Some(format!("a limit is a whole number from 1 to {}", u64::MAX)),
            huge.clone()
        )]
    );
    // The largest value is accepted (the prover caps it at its ceiling).
    let p = check(&format!("module test\nlimits {{ rewrite_nodes = {} }}\n", u64::MAX));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn a_fraction_or_percentage_is_a_diagnostic() {
    for v in ["1.5", "95%"] {
        assert_eq!(
            diagnostics(&format!("module test\nlimits {{ rewrite_nodes = {v} }}\n")),
            [(
                format!("`rewrite_nodes = {v}`: a limit is a whole number"),
                Some(format!("a limit is a whole number from 1 to {}", u64::MAX)),
                v.to_string()
            )]
        );
    }
}

#[test]
fn a_name_set_twice_is_a_diagnostic() {
    let d = diagnostics("module test\nlimits { rewrite_nodes = 5 }\nlimits { rewrite_nodes = 6 }\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].2, "rewrite_nodes");
    assert_eq!(d[0].0, "`rewrite_nodes` is already defined");
}

#[test]
fn invalid_settings_are_not_carried() {
    let p = check("module test\nlimits { rewrite_nodes = 0, arith_pivots = 9, speed = 1 }\n");
    assert!(p.has_errors());
    let names: Vec<&str> = p.modules[0].proof_limits.iter().map(|l| l.name).collect();
    assert_eq!(names, ["arith_pivots"]);
}

#[test]
fn the_item_formats_and_parses_back() {
    let text = "module test\nlimits {rewrite_nodes=2000\n  arith_pivots = 50,}\nlimits {}\n";
    let parsed = parse(text, &Limits::default());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let out = format(text, &parsed.file);
    assert_eq!(out, "module test\nlimits { rewrite_nodes = 2000, arith_pivots = 50 }\nlimits {}\n");
    let again = parse(&out, &Limits::default());
    assert!(again.errors.is_empty());
    assert_eq!(format(&out, &again.file), out);
}

#[test]
fn a_negative_value_formats_as_written() {
    let text = "module test\nlimits { arith_pivots = -5 }\n";
    let parsed = parse(text, &Limits::default());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(format(text, &parsed.file), text);
}
