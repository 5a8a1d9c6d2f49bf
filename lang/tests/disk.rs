//! `SourceMap::unchanged_on_disk`: whether a new load of the same inputs would read the
//! same files (what a long-lived audit session checks before it redoes part of a run).

use warrant_lang::{load, Input, Options};

#[test]
fn a_changed_import_or_a_file_where_the_search_found_none_is_a_change() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let lib = dir.path().join("lib.wr");
    std::fs::write(&lib, "module lib\nsort Model\n").expect("write");
    let input = Input::Text {
        name: dir.path().join("main.wr").display().to_string(),
        text: "module main\nimport lib\nimport std.prob\nfn rate(m: lib.Model): Rat\n".into(),
    };
    let program = load(&[input], &Options::default());
    assert!(program.diagnostics.is_empty(), "{:?}", program.diagnostics);
    // The search for `std.prob` looked at `DIR/std/prob.wr` before the embedded one.
    assert_eq!(program.sources.missing, [dir.path().join("std").join("prob.wr")]);
    assert!(program.sources.unchanged_on_disk());
    std::fs::write(&lib, "module lib\nsort Model\n\n").expect("write");
    assert!(!program.sources.unchanged_on_disk());
    std::fs::write(&lib, "module lib\nsort Model\n").expect("write");
    assert!(program.sources.unchanged_on_disk());
    std::fs::remove_file(&lib).expect("remove");
    assert!(!program.sources.unchanged_on_disk());
    std::fs::write(&lib, "module lib\nsort Model\n").expect("write");
    std::fs::create_dir_all(dir.path().join("std")).expect("a folder");
    std::fs::write(dir.path().join("std").join("prob.wr"), "module std.prob\n").expect("write");
    assert!(!program.sources.unchanged_on_disk());
}
