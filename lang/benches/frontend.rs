//! Front-end throughput on a generated 50,000-line library:
//! `cargo bench -p warrant-lang`. Reports MB/s for lex+parse and for the whole front
//! end (parse, resolve, type-check, lower into a kernel signature). Figures:
//! `lang/BENCHMARKS.md`.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::fmt::Write;
use warrant_lang::{load, parse, Input, Limits, Options};

/// A library of `lines` lines: sorts, functions, definitions, axioms, lemmas with
/// proofs, and techniques that use each other.
pub fn library(lines: usize) -> String {
    let mut s = String::from("module bench.generated\nimport std.prob\n\nsort Model\nsort Monitor\n\n");
    let mut i = 0;
    let mut count = s.lines().count();
    while count < lines {
        let before = s.len();
        let _ = write!(
            s,
            "/// Attack rate number {i}.\n\
             fn rate{i}(m: Model): Rat\n\
             fn recall{i}(mon: Monitor): Rat\n\
             pred flagged{i}(m: Model, mon: Monitor)\n\
             axiom rate{i}_prob: forall m: Model. 0 <= rate{i}(m) <= 1\n\
             def slip{i}(m: Model, mon: Monitor): Rat = rate{i}(m) * (1 - recall{i}(mon)) + 1/20 * 0.5\n\
             def safe{i}(m: Model, mon: Monitor): Prop = slip{i}(m, mon) <= 5% and not flagged{i}(m, mon)\n\
             lemma slip{i}_nonneg: forall m: Model, mon: Monitor. recall{i}(mon) <= 1 -> 0 <= slip{i}(m, mon) := by {{\n\
             \x20 intro m mon h\n\
             \x20 unfold slip{i}\n\
             \x20 nlinarith [rate{i}_prob(m), h]\n\
             }}\n\
             technique Monitor{i}(u: Model, t: Monitor) {{\n\
             \x20 source \"generated\"\n\
             \x20 oversees \"agent:untrusted\"\n\
             \x20 assume high: recall{i}(t) >= 95%\n\
             \x20 assume prob: recall{i}(t) <= 1\n\
             \x20 intent: slip{i}(u, t) <= 5%\n\
             \x20 guarantee safe: slip{i}(u, t) <= 5% := by {{\n\
             \x20   unfold slip{i}\n\
             \x20   nlinarith [rate{i}_prob(u), high, prob]\n\
             \x20 }}\n\
             \x20 witness {{ rate{i}(u) = 1/10; recall{i}(t) = 19/20 }}\n\
             }}\n\
             technique Pair{i}(u: Model, a: Monitor) {{\n\
             \x20 use first = Monitor{i}(u, a)\n\
             \x20 assume ra: recall{i}(a) >= 0.96\n\
             \x20 discharge first.high by linarith [ra]\n\
             \x20 lift first.prob\n\
             \x20 guarantee safe: slip{i}(u, a) <= 1e-1 := by linarith [first.safe]\n\
             }}\n\n"
        );
        count += s[before..].matches('\n').count();
        i += 1;
    }
    s
}

/// Seconds the threads of this process have spent on a CPU
/// (`/proc/self/task/*/schedstat`), for the examples that time the front end.
#[allow(dead_code)]
pub fn process_cpu_seconds() -> f64 {
    let mut total = 0.0;
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let s = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        total += s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0) / 1e9;
    }
    total
}

#[allow(dead_code)]
fn bench(c: &mut Criterion) {
    let src = library(50_000);
    let mut g = c.benchmark_group("frontend_50k_lines");
    g.throughput(Throughput::Bytes(src.len() as u64));
    g.sample_size(10);
    g.bench_function("lex_parse", |b| {
        b.iter(|| {
            let p = parse(&src, &Limits::default());
            assert!(p.errors.is_empty());
            p
        })
    });
    g.bench_function("whole_front_end", |b| {
        b.iter(|| {
            let p = load(&[Input::Text { name: "bench.wr".into(), text: src.clone() }], &Options::default());
            assert!(p.diagnostics.is_empty(), "{:?}", &p.diagnostics[..1]);
            p
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// The allocator of the `warrant` binary (src/main.rs), which runs the front end for
/// `check`, `audit` and `lsp`, so the figures are the commands'.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
