//! The trusted computing base: the checker and the term, signature, polynomial and
//! rational code it calls, counted without blank lines, comments and `#[cfg(test)]`
//! items. Run with `--nocapture` to see the count.
//!
//! The design's budget is 1,500 lines; the kernel is within it (1,500 lines). Two
//! tests: the budget itself, and a ratchet at today's count so that growth is a
//! deliberate change of `CEILING`.

const TRUSTED: [&str; 5] = ["check.rs", "term.rs", "signature.rs", "poly.rs", "rat.rs"];
const BUDGET: usize = 1_500;
const CEILING: usize = 1_500;

/// Lines of `text` that are code: not blank, not a comment, not inside a
/// `#[cfg(test)]` item.
fn code_lines(text: &str) -> usize {
    let mut count = 0;
    let mut in_block_comment = false;
    // Inside a `#[cfg(test)]` item: the brace depth it opened at, once it opened.
    let mut skipping: Option<Option<i64>> = None;
    let mut depth: i64 = 0;
    for line in text.lines() {
        let t = line.trim();
        if in_block_comment {
            in_block_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_block_comment = !t.contains("*/");
            continue;
        }
        let opens = t.matches('{').count() as i64;
        let closes = t.matches('}').count() as i64;
        if let Some(start) = skipping {
            if start.is_none() && opens == 0 && t.ends_with(';') {
                // A one-line item such as `#[cfg(test)] use ...;`.
                skipping = None;
                continue;
            }
            let start = start.unwrap_or(depth);
            depth += opens - closes;
            skipping = if depth <= start && (opens > 0 || closes > 0) { None } else { Some(Some(start)) };
            continue;
        }
        if t == "#[cfg(test)]" {
            skipping = Some(None);
            continue;
        }
        depth += opens - closes;
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        count += 1;
    }
    count
}

#[test]
fn counter_skips_comments_blanks_and_test_modules() {
    let text = "//! doc\nfn a() {\n    // c\n\n    1\n}\n/* block\n still */\n#[cfg(test)]\nmod tests {\n    fn b() {\n    }\n}\n#[cfg(test)]\nuse x;\nfn c() {}\n";
    assert_eq!(code_lines(text), 4);
}

fn trusted_lines() -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut total = 0;
    for file in TRUSTED {
        let text = std::fs::read_to_string(dir.join(file)).expect("a trusted source file");
        let n = code_lines(&text);
        println!("{file:>14}: {n:>5}");
        total += n;
    }
    println!("{:>14}: {total:>5} (budget {BUDGET})", "trusted total");
    total
}

#[test]
fn trusted_base_does_not_grow() {
    let total = trusted_lines();
    assert!(total <= CEILING, "the trusted base grew to {total} lines (ceiling {CEILING}, budget {BUDGET})");
}

#[test]
fn trusted_base_is_within_budget() {
    let total = trusted_lines();
    assert!(total <= BUDGET, "the trusted base has {total} lines, over the budget of {BUDGET}");
}
