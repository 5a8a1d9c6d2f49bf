//! Random edit scripts: any sequence of incremental edits (insertions and deletions of
//! random text, ASCII and not, at random UTF-16 positions, some out of range) leaves
//! the server answering, and its copy of the document equal to the same edits applied
//! to a `String` by an independent reference implementation.

mod common;

use common::{pos, Client};
use proptest::prelude::*;
use serde_json::json;

/// The byte offset of a UTF-16 position, by walking characters (clamped like the
/// protocol says: past the end of a line is its end, past the last line is the end).
fn reference_offset(text: &str, line: u32, character: u32) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map(|i| start + i).unwrap_or(text.len());
    let mut units = 0u32;
    for (i, ch) in text[start..end].char_indices() {
        let w = ch.len_utf16() as u32;
        if units + w > character {
            return start + i;
        }
        units += w;
    }
    end
}

/// The UTF-16 position of a byte offset at a character boundary.
fn reference_position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let ls = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[ls..].encode_utf16().count() as u32)
}

#[derive(Clone, Debug)]
struct Edit {
    /// Where, as fractions of the text (mapped to character boundaries).
    a: f64,
    b: f64,
    /// Out of range instead (line, character).
    wild: Option<(u32, u32)>,
    text: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop::sample::select(vec![
        "a", "x", " ", "\n", "é", "𝔸", "中", "(", ")", "{", "}", ":=", "by", "sorry", "lemma ", "forall ",
        "rate(x)", "<=", "1", "///", "\"", "🦀", "\u{301}",
    ]);
    (
        0.0..1.0f64,
        0.0..1.0f64,
        prop::option::weighted(0.15, (0u32..40, 0u32..200)),
        prop::collection::vec(piece, 0..6),
    )
        .prop_map(|(a, b, wild, pieces)| Edit { a, b, wild, text: pieces.concat() })
}

fn boundary(text: &str, frac: f64) -> usize {
    let mut o = ((text.len() as f64) * frac) as usize;
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o.min(text.len())
}

const START: &str = "module demo\n\n/// é𝔸 doc\nfn rate(x: Rat): Rat\n\nlemma l: forall x: Rat. rate(x) <= 1 := by {\n  intro x\n  sorry\n}\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn random_edit_scripts_keep_text_in_sync(edits in prop::collection::vec(edit(), 1..25)) {
        let dir = std::env::temp_dir().join(format!("warrant-lsp-edits-{}", std::process::id()));
        let uri = common::uri_of(&dir.join("demo.wr"));
        let config = warrant_lsp::Config { debounce: std::time::Duration::from_millis(0), ..Default::default() };
        let mut c = Client::start(config, &[]);
        c.open(&uri, START);
        let mut model = START.to_string();
        for (version, e) in edits.iter().enumerate() {
            let (start, end) = match e.wild {
                Some((l, ch)) => ((l, ch), (l, ch.saturating_add(3))),
                None => {
                    let (x, y) = (boundary(&model, e.a), boundary(&model, e.b));
                    let (x, y) = (x.min(y), x.max(y));
                    (reference_position(&model, x), reference_position(&model, y))
                }
            };
            let a = reference_offset(&model, start.0, start.1);
            let b = reference_offset(&model, end.0, end.1);
            let (a, b) = (a.min(b), a.max(b));
            model.replace_range(a..b, &e.text);
            c.notify("textDocument/didChange", json!({
                "textDocument": {"uri": uri, "version": version + 2},
                "contentChanges": [{"range": {"start": pos(start.0, start.1), "end": pos(end.0, end.1)}, "text": e.text}]
            }));
            if version % 5 == 0 {
                // Requests interleaved with the edits are answered.
                let _ = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": pos(start.0, start.1)}));
                let _ = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": pos(end.0, end.1)}));
            }
        }
        let text = c.request(warrant_lsp::server::TEXT_METHOD, json!({"uri": uri}));
        prop_assert_eq!(text.as_str(), Some(model.as_str()));
        let syms = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
        prop_assert!(syms.is_array() || syms.is_null());
        c.shutdown();
    }
}

#[test]
fn reference_implementation_agrees_on_fixed_cases() {
    let t = "aé𝔸b\nxyz";
    assert_eq!(reference_offset(t, 0, 4), 7);
    assert_eq!(reference_offset(t, 0, 3), 3);
    assert_eq!(reference_offset(t, 0, 99), 8);
    assert_eq!(reference_offset(t, 5, 0), t.len());
    assert_eq!(reference_position(t, 7), (0, 4));
    assert_eq!(reference_position(t, 9), (1, 0));
}
