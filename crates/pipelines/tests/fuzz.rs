//! Property test: truncated, byte-flipped, re-nested and spliced versions of corpus files,
//! parsed as every kind, never panic.

use devquery_pipelines::parse_file;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::common::corpus;

/// Paths that route the same content to each parser.
const PATHS: &[&str] = &[
    ".github/workflows/fuzz.yml",
    "action.yml",
    "azure-pipelines.yml",
    ".gitlab-ci.yml",
];

fn mutate(content: &[u8], mutation: u8, a: Index, b: Index, byte: u8, depth: usize) -> Vec<u8> {
    if content.is_empty() {
        return Vec::new();
    }
    let at = a.index(content.len());
    match mutation {
        // Truncated.
        0 => content[..at].to_vec(),
        // Byte flips (a few, near each other).
        1 => {
            let mut out = content.to_vec();
            for k in 0..3 {
                let i = (at + k * 7) % out.len();
                out[i] ^= byte | 1;
            }
            out
        }
        // Re-nested: the file (or its tail) indented under a new key or as a list item.
        2 => {
            let text = String::from_utf8_lossy(&content[at.min(content.len() / 2)..]);
            let indent = " ".repeat(depth * 2);
            let mut out = String::from(if depth.is_multiple_of(2) {
                "jobs:\n"
            } else {
                "steps:\n- "
            });
            for line in text.lines() {
                out.push_str(&indent);
                out.push_str(line);
                out.push('\n');
            }
            out.into_bytes()
        }
        // Spliced: a slice of the file repeated at another offset.
        _ => {
            let other = b.index(content.len());
            let (lo, hi) = if at < other { (at, other) } else { (other, at) };
            let hi = hi.min(lo + 2048);
            let mut out = content[..hi].to_vec();
            out.extend_from_slice(&content[lo..hi]);
            out.extend_from_slice(&content[hi..]);
            out
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_corpus_files_never_panic(
        file in any::<Index>(),
        mutation in 0u8..4,
        a in any::<Index>(),
        b in any::<Index>(),
        byte in any::<u8>(),
        depth in 1usize..5,
        path in 0usize..=PATHS.len(),
    ) {
        let files = corpus();
        let f = &files[file.index(files.len())];
        let mutated = mutate(f.content.as_bytes(), mutation, a, b, byte, depth);
        let text = String::from_utf8_lossy(&mutated);
        let path = PATHS.get(path).copied().unwrap_or(f.original_path.as_str());
        let parsed = parse_file(&f.context(), path, &text);
        prop_assert!(parsed.pipeline.path.is_some());
    }
}
