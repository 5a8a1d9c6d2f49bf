//! Bad input: every limit has a test, and huge, deep, binary, non-UTF-8 and
//! unterminated inputs give diagnostics, never a panic, a hang or a stack overflow.
use warrant_lang::{load, parse, parse_bytes, Input, LangError, Limits, Options};

fn limit_field(errors: &[LangError]) -> Vec<&'static str> {
    errors
        .iter()
        .filter_map(|e| match e {
            LangError::Limit { field, .. } => Some(*field),
            _ => None,
        })
        .collect()
}

#[test]
fn file_size_limit() {
    let limits = Limits { max_file_bytes: 100, ..Limits::default() };
    let p = parse(&"sort A\n".repeat(50), &limits);
    assert_eq!(limit_field(&p.errors), vec!["max_file_bytes"]);
}

#[test]
fn token_count_limit() {
    let limits = Limits { max_tokens: 1000, ..Limits::default() };
    let p = parse(&"sort A\n".repeat(1000), &limits);
    assert_eq!(limit_field(&p.errors), vec!["max_tokens"]);
}

#[test]
fn identifier_length_limit() {
    let limits = Limits { max_ident_len: 10, ..Limits::default() };
    let p = parse("sort abcdefghijklmnop\nsort ok", &limits);
    assert_eq!(limit_field(&p.errors), vec!["max_ident_len"]);
    assert_eq!(p.file.items.len(), 2);
}

#[test]
fn numeral_size_limit() {
    let limits = Limits { max_numeral_len: 20, ..Limits::default() };
    let p = parse(&format!("axiom a: {} = 1\naxiom b: true", "9".repeat(30)), &limits);
    assert_eq!(limit_field(&p.errors), vec!["max_numeral_len"]);
    // A huge exponent is refused too, without building the number.
    let prog = load(
        &[Input::Text { name: "e.wr".into(), text: "axiom a: 1e999999999 = 1".into() }],
        &Options::default(),
    );
    assert_eq!(prog.diagnostics.len(), 1);
    assert_eq!(prog.diagnostics[0].code(), "warrant::parse");
}

#[test]
fn bracket_depth_limit() {
    let deep = format!("axiom a: {}1{} = 1", "(".repeat(100_000), ")".repeat(100_000));
    let p = parse(&deep, &Limits::default());
    assert_eq!(limit_field(&p.errors), vec!["max_depth"]);
    let limits = Limits { max_depth: 10, ..Limits::default() };
    let p = parse("axiom a: ((((((((((((1)))))))))))) = 1", &limits);
    assert_eq!(limit_field(&p.errors), vec!["max_depth"]);
}

#[test]
fn operator_depth_limit_without_brackets() {
    // Long left-nested chains and prefix towers are deep without any bracket.
    for src in [
        format!("axiom a: {}1 = 1", "1 + ".repeat(200_000)),
        format!("axiom a: {}true", "not ".repeat(200_000)),
        format!("axiom a: {}1 = 1", "-".repeat(200_000)),
        format!("axiom a: 0 {}", "<= 1 ".repeat(200_000)),
        format!("lemma l: true := by {}norm", "have h: true by ".repeat(100_000)),
    ] {
        let p = parse(&src, &Limits::default());
        assert_eq!(limit_field(&p.errors), vec!["max_depth"], "{}", &src[..40]);
        // And the whole front end survives it.
        let prog = load(&[Input::Text { name: "d.wr".into(), text: src }], &Options::default());
        assert!(prog.has_errors());
    }
}

#[test]
fn many_items_are_fine() {
    let src: String = (0..20_000).map(|i| format!("axiom a{i}: {i} <= {i} + 1\n")).collect();
    let prog = load(&[Input::Text { name: "m.wr".into(), text: src }], &Options::default());
    assert!(prog.diagnostics.is_empty());
    assert_eq!(prog.signature.declarations().len(), 20_000);
}

#[test]
fn error_count_limit() {
    let limits = Limits { max_errors: 5, ..Limits::default() };
    let p = parse(&"sort ) ".repeat(100), &limits);
    assert_eq!(p.errors.len(), 6);
    assert!(matches!(p.errors.last(), Some(LangError::TooManyErrors { .. })));
}

/// With no room for diagnostics at all, a text whose end an unterminated comment
/// swallows still says so: the list is capped to nothing plus "too many errors", never
/// an empty list (which would read as a clean parse of the text before the comment).
#[test]
fn unterminated_comment_is_reported_with_no_room_for_errors() {
    let limits = Limits { max_errors: 0, ..Limits::default() };
    for src in ["sort A\n/* open\nsort B\n", "/*"] {
        let p = parse(src, &limits);
        assert!(matches!(p.errors[..], [LangError::TooManyErrors { .. }]), "{src:?}: {:?}", p.errors);
    }
    // With room, it is reported as itself, once.
    let p = parse("sort A\n/* open\nsort B\n", &Limits { max_errors: 1, ..Limits::default() });
    assert!(matches!(p.errors[..], [LangError::UnterminatedComment { .. }]), "{:?}", p.errors);
}

#[test]
fn module_count_limit() {
    let dir = std::env::temp_dir().join(format!("warrant-lang-modules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..5 {
        let next = i + 1;
        std::fs::write(dir.join(format!("m{i}.wr")), format!("module m{i}\nimport m{next}\n")).unwrap();
    }
    std::fs::write(dir.join("m5.wr"), "module m5\n").unwrap();
    let options = Options { limits: Limits { max_modules: 3, ..Limits::default() }, ..Options::default() };
    let prog = load(&[Input::Path(dir.join("m0.wr"))], &options);
    assert!(prog
        .diagnostics
        .iter()
        .any(|d| matches!(&d.error, LangError::Limit { field: "max_modules", .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn binary_and_non_utf8() {
    let p = parse_bytes(&[0xff, 0xfe, 0x00, 0x01], &Limits::default());
    assert!(matches!(p.errors[..], [LangError::NotUtf8 { .. }]));
    let noise: Vec<u8> =
        (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x7f).collect();
    let p = parse_bytes(&noise, &Limits::default());
    assert!(!p.errors.is_empty());
    assert!(p.errors.len() <= Limits::default().max_errors + 1);
}

#[test]
fn unterminated_things() {
    for src in [
        "sort A \"",
        "sort A /*",
        "technique T() { source \"abc",
        "lemma l: true := by {",
        "axiom a: (((",
        "/",
    ] {
        let p = parse(src, &Limits::default());
        assert!(!p.errors.is_empty(), "{src}");
    }
}
