//! `file:` URIs and paths, both ways (percent-encoding of the path's bytes).

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // Drop an authority (`file://host/path`): keep from the first `/`.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path (relative paths are made absolute against the
/// current directory first).
pub fn from_path(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
    let text = abs.to_str()?;
    let mut s = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

/// The name a document is loaded under: its path for `file:` URIs (so that imports
/// resolve relative to it), the URI itself otherwise.
pub fn load_name(uri: &Uri) -> String {
    match to_path(uri) {
        Some(p) => p.display().to_string(),
        None => uri.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_spaces_and_unicode() {
        let p = Path::new("/tmp/a dir/été.wr");
        let u = from_path(p).expect("uri");
        assert_eq!(u.as_str(), "file:///tmp/a%20dir/%C3%A9t%C3%A9.wr");
        assert_eq!(to_path(&u).as_deref(), Some(p));
        let odd = Uri::from_str("untitled:Untitled-1").expect("uri");
        assert_eq!(to_path(&odd), None);
    }
}
