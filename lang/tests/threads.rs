//! The front end gives the same program whatever the number of threads: large files
//! are parsed in pieces and their items lowered in parallel, and the diagnostics,
//! declarations, references and obligations must not depend on it. The text here is
//! large enough for both and full of errors whose reports depend on the order in which
//! declarations are checked (uses of broken declarations, statements that name other
//! statements, definitions that use later ones).
use warrant_lang::{load, Input, Options, Program};

/// `groups` groups of items, every third one with errors.
fn text(groups: usize) -> String {
    let mut s = String::from("module threads\nsort A\n");
    for i in 0..groups {
        s.push_str(&format!(
            "fn f{i}(x: A): Rat\n\
             def later{i}(x: A): Rat = twice{i}(x) + 1\n\
             def twice{i}(x: A): Rat = f{i}(x) * 2\n\
             axiom pos{i}: forall x: A. f{i}(x) >= 0\n\
             lemma use{i}: forall x: A. later{i}(x) >= 1 := by sorry\n\
             technique P{i}(x: A) {{\n  use first = M{i}(x)\n  discharge first.h by sorry\n  \
             guarantee g2: f{i}(x) <= 3 := by sorry\n}}\n\
             technique M{i}(x: A) {{\n  assume h: f{i}(x) <= 1\n  guarantee g: f{i}(x) <= 2 := by sorry\n}}\n"
        ));
        if i % 3 == 0 {
            s.push_str(&format!(
                "axiom bad{i}: forall x: Nope{i}. f{i}(x) >= 0\n\
                 lemma names_axiom{i}: pos{i} := by sorry\n\
                 lemma names_broken{i}: forall x: A. bad{i}(x) >= 0 := by sorry\n\
                 def loop{i}(x: A): Rat = loop{i}(x)\n\
                 def uses_loop{i}(x: A): Rat = loop{i}(x)\n\
                 lemma no_proof{i}: forall x: A. f{i}(x) >= 0\n\
                 rule not_eq{i}: forall x: A. f{i}(x) >= 0 := by sorry\n\
                 axiom sorts{i}: forall x: A. f{i}(x) and true\n\
                 technique UsesBad{i}(x: A) {{\n  use b = Bad{i}(x)\n  guarantee g: true := by sorry\n}}\n\
                 technique Bad{i}(x: Missing{i}) {{\n  guarantee g: true := by sorry\n}}\n\
                 technique C{i}(x: A) {{\n  use d = D{i}(x)\n}}\n\
                 technique D{i}(x: A) {{\n  use c = C{i}(x)\n}}\n"
            ));
        }
    }
    s
}

/// Everything the program says about the text, except the signature (whose
/// fingerprints are unique to each run).
fn outcome(p: &Program) -> String {
    let diags: Vec<String> =
        p.diagnostics.iter().map(|d| format!("{} {:?} {}", d.code(), d.span(), d.error)).collect();
    format!("{diags:#?}\n{:?}\n{:?}\n{:?}\n{:?}", p.globals, p.references, p.obligations, p.techniques)
}

fn load_on(threads: usize, text: &str) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let input = Input::Text { name: "threads.wr".into(), text: text.into() };
    pool.install(|| outcome(&load(&[input], &Options::default())))
}

#[test]
fn the_program_does_not_depend_on_the_number_of_threads() {
    let src = text(300);
    assert!(src.len() > 64 * 1024, "large enough to be parsed in pieces: {}", src.len());
    let one = load_on(1, &src);
    for threads in [2, 8] {
        assert_eq!(load_on(threads, &src), one, "{threads} threads");
    }
    // The errors are there, reported once each, in order.
    let input = Input::Text { name: "threads.wr".into(), text: src.clone() };
    let p = load(&[input], &Options::default());
    let count = |needle: &str| p.diagnostics.iter().filter(|d| d.error.to_string().contains(needle)).count();
    assert_eq!(count("Nope0"), 1);
    assert_eq!(count("has no proof"), 100);
    assert_eq!(count("a rule must be an equation"), 100);
    assert_eq!(count("loop0 -> loop0"), 1);
    assert_eq!(count("C0 -> D0 -> C0") + count("D0 -> C0 -> D0"), 1);
    // A technique that uses one of the same module sees it elaborated.
    let pair = &p.techniques[p.technique_named("P0").unwrap()];
    assert!(!pair.broken);
    assert_eq!(pair.uses[0].technique, p.technique_named("M0"));
    assert_eq!(pair.uses[0].guarantees.len(), 1);
    assert!(p.techniques[p.technique_named("UsesBad0").unwrap()].broken);
    let starts: Vec<u32> = p.diagnostics.iter().map(|d| d.span().map(|s| s.start).unwrap_or(0)).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    // `names_broken0` uses a broken axiom, `UsesBad0` a broken technique: nothing
    // more is reported for them.
    for (from, to) in [("lemma names_broken0", "def loop0"), ("technique UsesBad0", "technique Bad0")] {
        let (at, end) = (src.find(from).unwrap() as u32, src.find(to).unwrap() as u32);
        assert!(!starts.iter().any(|&s| at <= s && s < end), "{from}: {:?}", &codes(&p)[..12]);
    }
}

fn codes(p: &Program) -> Vec<String> {
    p.diagnostics.iter().map(|d| format!("{} {}", d.code(), d.error)).collect()
}

/// Expressions nested close to the depth limit are parsed and lowered on the pool's
/// threads (which have the default 2 MiB stacks of spawned threads, like the test
/// threads that run the single-threaded limit tests).
#[test]
fn deep_expressions_on_the_pool() {
    let mut src = String::from("module deep\nsort A\nfn f(x: A): Rat\n");
    let depth = 240;
    for i in 0..200 {
        let open = "(".repeat(depth);
        let close = ")".repeat(depth);
        src.push_str(&format!("axiom d{i}: forall x: A. {open}f(x){close} >= 0\n"));
        src.push_str(&format!("def g{i}(x: A): Rat = {open}f(x) + 1{close}\n"));
    }
    assert!(src.len() > 64 * 1024);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("thread pool");
    let input = Input::Text { name: "deep.wr".into(), text: src };
    let p = pool.install(|| load(&[input], &Options::default()));
    assert!(p.diagnostics.is_empty(), "{:?}", &codes(&p)[..1]);
    assert_eq!(p.globals.len(), 2 + 2 * 200);
}
