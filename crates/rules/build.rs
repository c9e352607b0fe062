//! Embeds the bundled rule pack: every `queries/**/*.sql` of the repository root except the
//! `examples/`, `tests/` and `fixtures/` folders, as `(relative path, text)` pairs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("../../queries");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if root.is_dir() {
        walk(&root, &root, &mut files);
    }
    files.sort();
    let mut out =
        String::from("/// Bundled rule files: (path relative to `queries/`, contents).\n");
    out.push_str("pub static BUNDLED: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, include_str!({abs:?})),");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("bundled.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if matches!(name.as_str(), "examples" | "tests" | "fixtures") || name.starts_with('.') {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            walk(root, &path, out);
        } else if name.ends_with(".sql") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let abs = path
                .canonicalize()
                .unwrap_or(path.clone())
                .to_string_lossy()
                .to_string();
            out.push((rel, abs));
        }
    }
}
