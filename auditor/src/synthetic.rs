//! Synthetic libraries for benchmarks and scale tests: `count` techniques in layers,
//! each using up to `fan_out` techniques of the layer below (discharging their
//! assumptions), each guarantee proved by `linarith` over a chain of `proof_size`
//! assumptions, each with a witness. Every generated technique is accepted.

use std::fmt::Write;

/// The shape of a generated library.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Techniques in all.
    pub count: usize,
    /// Techniques per layer (the depth is `count / width`).
    pub width: usize,
    /// Techniques of the layer below each one uses.
    pub fan_out: usize,
    /// Assumptions in each guarantee's chain (the `linarith` problem's size).
    pub proof_size: usize,
}

/// One module's text holding the whole library, named `module`.
pub fn library(module: &str, shape: Shape) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "module {module}\n\nsort Model\n");
    for p in 0..=shape.proof_size {
        let _ = writeln!(s, "fn v{p}(m: Model): Rat");
    }
    s.push('\n');
    let width = shape.width.max(1);
    for i in 0..shape.count {
        technique(&mut s, i, width, shape);
    }
    s
}

/// The text of technique `i`.
fn technique(s: &mut String, i: usize, width: usize, shape: Shape) {
    let k = shape.proof_size;
    let _ = writeln!(s, "technique T{i}(m: Model) {{");
    let _ = writeln!(s, "  proposed_by \"agent:generator\"");
    let layer = i / width;
    let uses: Vec<usize> = if layer == 0 {
        Vec::new()
    } else {
        (0..shape.fan_out.min(width)).map(|j| (layer - 1) * width + (i + j) % width).collect()
    };
    for (n, u) in uses.iter().enumerate() {
        let _ = writeln!(s, "  use u{n} = T{u}(m)");
    }
    for p in 0..k {
        let _ = writeln!(s, "  assume c{p}: v{p}(m) <= v{}(m)", p + 1);
    }
    let _ = writeln!(s, "  assume top: v{k}(m) <= 1");
    for n in 0..uses.len() {
        for p in 0..k {
            let _ = writeln!(s, "  discharge u{n}.c{p} by c{p}");
        }
        let _ = writeln!(s, "  discharge u{n}.top by top");
    }
    let facts: Vec<String> = (0..k).map(|p| format!("c{p}")).chain(["top".to_string()]).collect();
    let _ = writeln!(s, "  guarantee g: v0(m) <= 1 := by linarith [{}]", facts.join(", "));
    let values: Vec<String> = (0..=k).map(|p| format!("v{p}(m) = 0")).collect();
    let _ = writeln!(s, "  witness {{ {} }}", values.join("; "));
    let _ = writeln!(s, "}}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_the_requested_shape() {
        let text = library("gen", Shape { count: 6, width: 3, fan_out: 2, proof_size: 2 });
        assert_eq!(text.matches("technique T").count(), 6);
        assert!(text.contains("technique T4(m: Model) {\n  proposed_by \"agent:generator\"\n  use u0 = T1(m)\n  use u1 = T2(m)\n"));
        assert!(text.contains("guarantee g: v0(m) <= 1 := by linarith [c0, c1, top]"));
    }
}
