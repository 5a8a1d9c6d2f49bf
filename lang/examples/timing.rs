#[path = "../benches/frontend.rs"]
#[allow(dead_code)]
mod b;
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0) / 1e9
}
fn main() {
    let src = b::library(50_000);
    let mb = src.len() as f64 / 1e6;
    let limits = warrant_lang::Limits::default();
    for _ in 0..3 {
        let t = cpu();
        let l = warrant_lang::lexer::lex(&src, &limits);
        let e = cpu() - t;
        println!("lex {:.1} MB/s ({} tokens)", mb / e, l.tokens.len());
        let t = cpu();
        let p = warrant_lang::parse(&src, &limits);
        let e = cpu() - t;
        println!("parse {:.1} MB/s", mb / e);
        drop(p);
        let t = cpu();
        let p = warrant_lang::load(
            &[warrant_lang::Input::Text { name: "b.wr".into(), text: src.clone() }],
            &Default::default(),
        );
        let e = cpu() - t;
        println!("load {:.1} MB/s {}", mb / e, p.diagnostics.len());
    }
}
