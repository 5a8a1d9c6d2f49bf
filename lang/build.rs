//! Generates the parser from `src/grammar.lalrpop` and the table of embedded standard
//! library modules from `corpus/std`.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    lalrpop::Configuration::new()
        .emit_rerun_directives(true)
        .set_in_dir("src")
        .process()
        .expect("lalrpop failed on src/grammar.lalrpop");
    embed_std();
}

/// Writes `$OUT_DIR/embedded_std.rs`: a `&[(&str, &str)]` of (module path, source) for
/// every `.wr` file under `corpus/std`, sorted, each pulled in with `include_str!`.
fn embed_std() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let root = manifest.join("..").join("corpus");
    let std_dir = root.join("std");
    println!("cargo:rerun-if-changed={}", std_dir.display());
    let mut files = Vec::new();
    collect(&std_dir, &mut files);
    files.sort();
    let mut out = String::from("/// Embedded standard library: (module path, source).\n");
    out.push_str("pub static EMBEDDED_STD: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).expect("under corpus");
        let module: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let _ = writeln!(out, "    ({:?}, include_str!({:?})),", module.join("."), f.display().to_string());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("embedded_std.rs");
    std::fs::write(dest, out).expect("write embedded_std.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            collect(&p, files);
        } else if p.extension().is_some_and(|x| x == "wr") {
            files.push(p);
        }
    }
}
