//! Fuzzing in CI: the pipeline files of `tests/fixtures`, edited by a few random mutations
//! (bytes inserted, deleted or replaced, runs of brackets spliced in, lines re-indented or
//! repeated) and parsed as every kind, never panic and always give a `pipelines` row. The case
//! count is bounded so the test takes seconds.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use devquery_pipelines::{FileContext, parse_file};
use proptest::prelude::*;
use proptest::sample::{Index, select};

/// Where mutated content is parsed from: every kind by path, and a generic file whose kind the
/// content and the platform decide.
const TARGETS: &[(&str, &str)] = &[
    ("github", ".github/workflows/fuzz.yml"),
    ("github", "action.yml"),
    ("azure_devops", "azure-pipelines.yml"),
    ("azure_devops", "templates/steps.yml"),
    ("gitlab", ".gitlab-ci.yml"),
    ("local", "ci/pipeline.yml"),
];

/// Bytes that mean something to YAML (and to the expression scanners), plus a few others.
const SPECIAL: &[u8] = b"[]{}:-,?&*!|>'\"#%@`$ \t\n\r\\0x\xff";

/// Every YAML fixture (read once).
fn fixtures() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut paths = Vec::new();
        yaml_files(&dir, &mut paths);
        paths.sort();
        assert!(paths.len() >= 10, "fixtures found: {paths:?}");
        paths
            .iter()
            .map(|p| std::fs::read(p).expect("fixture"))
            .collect()
    })
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

/// One edit of a file.
#[derive(Debug, Clone)]
enum Edit {
    /// Bytes inserted at a position.
    Insert(Index, Vec<u8>),
    /// Up to this many bytes deleted from a position.
    Delete(Index, usize),
    /// One byte replaced.
    Replace(Index, u8),
    /// A run of one bracket (`[`, `{`, `]`, `}`) spliced in.
    Brackets(Index, u8, usize),
    /// A line indented more (`true`) or less by this many spaces.
    Indent(Index, usize, bool),
    /// The lines between two lines repeated after themselves.
    Repeat(Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), prop::collection::vec(select(SPECIAL), 1..8))
            .prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        (any::<Index>(), 1usize..64).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<Index>(), select(SPECIAL)).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<Index>(), select(b"[{]}".as_slice()), 1usize..600)
            .prop_map(|(at, b, n)| Edit::Brackets(at, b, n)),
        (any::<Index>(), 1usize..40, any::<bool>())
            .prop_map(|(line, n, more)| Edit::Indent(line, n, more)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Repeat(a, b)),
    ]
}

/// Byte offsets where lines start.
fn line_starts(content: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            content
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

fn apply(content: &mut Vec<u8>, edit: &Edit) {
    let at = |i: &Index, len: usize| i.index(len + 1);
    match edit {
        Edit::Insert(i, bytes) => {
            let p = at(i, content.len());
            content.splice(p..p, bytes.iter().copied());
        }
        Edit::Delete(i, n) => {
            let p = at(i, content.len());
            let end = (p + n).min(content.len());
            content.drain(p..end);
        }
        Edit::Replace(i, b) => {
            if !content.is_empty() {
                let p = i.index(content.len());
                content[p] = *b;
            }
        }
        Edit::Brackets(i, b, n) => {
            let p = at(i, content.len());
            content.splice(p..p, std::iter::repeat_n(*b, *n));
        }
        Edit::Indent(i, n, more) => indent(content, i, *n, *more),
        Edit::Repeat(a, b) => repeat(content, a, b),
    }
}

fn indent(content: &mut Vec<u8>, line: &Index, n: usize, more: bool) {
    let starts = line_starts(content);
    let start = starts[line.index(starts.len())];
    if more {
        content.splice(start..start, std::iter::repeat_n(b' ', n));
    } else {
        let spaces = content[start..]
            .iter()
            .take(n)
            .take_while(|b| **b == b' ')
            .count();
        content.drain(start..start + spaces);
    }
}

fn repeat(content: &mut Vec<u8>, a: &Index, b: &Index) {
    let mut starts = line_starts(content);
    starts.push(content.len());
    let (x, y) = (a.index(starts.len()), b.index(starts.len()));
    let (from, to) = (starts[x.min(y)], starts[x.max(y)]);
    let copy = content[from..to].to_vec();
    content.splice(to..to, copy);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        max_shrink_iters: 500,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_fixtures_never_panic_and_always_give_a_row(
        file in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..6),
        target in any::<Index>(),
    ) {
        let files = fixtures();
        let mut content = files[file.index(files.len())].clone();
        for e in &edits {
            apply(&mut content, e);
        }
        let text = String::from_utf8_lossy(&content);
        let (platform, path) = TARGETS[target.index(TARGETS.len())];
        let parsed = parse_file(&FileContext::new(platform), path, &text);
        prop_assert_eq!(parsed.pipeline.path.as_deref(), Some(path));
        prop_assert_eq!(parsed.pipeline.platform.as_deref(), Some(platform));
        prop_assert!(parsed.pipeline.pipeline_id.is_some());
        for job in &parsed.jobs {
            prop_assert_eq!(job.path.as_deref(), Some(path));
        }
        for step in &parsed.steps {
            prop_assert_eq!(step.path.as_deref(), Some(path));
        }
    }
}

#[test]
fn every_fixture_parses_unmutated_as_every_kind() {
    for content in fixtures() {
        let text = String::from_utf8_lossy(content);
        for (platform, path) in TARGETS {
            let parsed = parse_file(&FileContext::new(*platform), path, &text);
            assert_eq!(parsed.pipeline.path.as_deref(), Some(*path));
        }
    }
}
