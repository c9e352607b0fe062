//! Which directories under a `--path` are repositories, and which of their files are pipeline
//! files: by path (see [`crate::detect_kind`]), and Azure Pipelines files and GitHub workflows
//! by shape anywhere in the checkout (see [`crate::kind::looks_like_azure`] and
//! [`crate::kind::looks_like_github_workflow`]), so a directory of exported or renamed workflow
//! files is read too.
//!
//! A path with a version-control marker (`.git`, `.hg`, `.svn`, `.jj`) or a pipeline file at
//! its root is one checkout. Otherwise it is a directory of checkouts when at least one child
//! has such a marker: then every child with a marker or with pipeline files anywhere below it
//! is read. A path that is neither is read as one repository. Every directory read without a
//! version-control marker gets a warning naming it (its rows have no git remote).
//!
//! The walk never follows links. A link or special file (FIFO, socket, device) whose path names
//! a pipeline file is still listed, so reading it (see [`super::read`]) reports why it was not
//! read; a generic YAML file is sniffed only when it is, or links to, a regular file inside the
//! checkout.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::read;
use crate::kind::{detect_kind, is_yaml, kinds, looks_like_azure, looks_like_github_workflow};

/// Directories never walked.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    "node_modules",
    "target",
    ".venv",
    "__pycache__",
    ".terraform",
];

/// Version-control directories (or files) that mark a checkout.
const VCS_MARKERS: &[&str] = &[".git", ".hg", ".svn", ".jj"];

/// Files or directories at a repository root that mark a checkout without version control.
const PIPELINE_MARKERS: &[&str] = &[
    ".github",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".azure-pipelines.yml",
    ".azure-pipelines",
    ".gitlab-ci.yml",
    "action.yml",
    "action.yaml",
];

/// Largest YAML file read to sniff whether it is an Azure Pipelines file.
const SNIFF_MAX_BYTES: u64 = 1024 * 1024;

/// A repository checkout and the pipeline files found in it.
#[derive(Debug)]
pub(crate) struct Checkout {
    /// The checkout's root.
    pub dir: PathBuf,
    /// Its canonical form: files read must resolve under it.
    pub root: PathBuf,
    /// Repository-relative paths (`/`-separated) of pipeline files, with the kind each was
    /// found as, in walk order.
    pub files: Vec<(String, &'static str)>,
    /// Pipeline files refused before reading: path (lossy), kind and why (a file name that is
    /// not UTF-8 cannot be named in a reference or a row faithfully).
    pub refused: Vec<(String, &'static str, String)>,
    /// Directories that could not be read: repository-relative path and message.
    pub errors: Vec<(String, String)>,
}

fn has_vcs(dir: &Path) -> bool {
    VCS_MARKERS.iter().any(|m| dir.join(m).exists())
}

fn has_marker(dir: &Path) -> bool {
    has_vcs(dir) || PIPELINE_MARKERS.iter().any(|m| dir.join(m).exists())
}

fn warn_without_vcs(dir: &Path) {
    if !has_vcs(dir) {
        tracing::warn!(
            "{}: no .git (or other version-control) directory; read as a checkout without a git remote (host `local`)",
            dir.display()
        );
    }
}

/// The checkouts a `--path` directory holds (see the module documentation).
pub(crate) fn checkouts(top: &Path) -> std::io::Result<Vec<Checkout>> {
    if has_marker(top) {
        warn_without_vcs(top);
        return Ok(vec![find(top)]);
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(top)?
        .filter_map(Result::ok)
        .filter(|e| !SKIP_DIRS.iter().any(|s| e.file_name().to_str() == Some(*s)))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    if !children.iter().any(|c| has_marker(c)) {
        tracing::warn!(
            "{}: no .git or pipeline file at its root and no checkout directly below it; read as one repository",
            top.display()
        );
        return Ok(vec![find(top)]);
    }
    let mut out = Vec::new();
    for child in children {
        let checkout = find(&child);
        if has_marker(&child) || !checkout.files.is_empty() {
            warn_without_vcs(&child);
            out.push(checkout);
        } else {
            tracing::debug!(dir = %child.display(), "skipped: no checkout marker and no pipeline file");
        }
    }
    Ok(out)
}

/// Walks a checkout for pipeline files.
pub(crate) fn find(dir: &Path) -> Checkout {
    let mut checkout = Checkout {
        dir: dir.to_path_buf(),
        root: read::canonical_root(dir),
        files: Vec::new(),
        refused: Vec::new(),
        errors: Vec::new(),
    };
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_dir()
                && SKIP_DIRS.iter().any(|s| e.file_name() == *s))
        });
    for entry in walker {
        match entry {
            Ok(e) if !e.file_type().is_dir() => consider(&mut checkout, &e),
            Ok(_) => {}
            Err(e) => {
                let endpoint = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                checkout
                    .errors
                    .push((endpoint, format!("cannot read directory: {e}")));
            }
        }
    }
    checkout
}

/// Lists a file when its path names a pipeline file (whatever it is: reading it decides), or
/// when it is a generic YAML file with the shape of an Azure Pipelines file or a workflow.
fn consider(checkout: &mut Checkout, e: &walkdir::DirEntry) {
    let Ok(rel) = e.path().strip_prefix(&checkout.dir) else {
        return;
    };
    let Some(rel) = rel.to_str().map(|r| r.replace('\\', "/")) else {
        let lossy = rel.to_string_lossy().replace('\\', "/");
        if let Some(kind) = detect_kind(&lossy) {
            let why = "file name is not UTF-8".to_string();
            checkout.refused.push((lossy, kind, why));
        }
        return;
    };
    if let Some(kind) = detect_kind(&rel) {
        checkout.files.push((rel, kind));
    } else if sniff_candidate(&rel)
        && let Some(kind) = kind_by_shape(checkout, &rel)
    {
        checkout.files.push((rel, kind));
    }
}

/// Whether a file whose path says nothing is worth sniffing: YAML, not in a GitHub workflows
/// directory (whose nested files are not workflows).
fn sniff_candidate(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    is_yaml(&lower)
        && !lower.starts_with(".github/workflows/")
        && !lower.contains("/.github/workflows/")
}

/// The kind a YAML file (not larger than [`SNIFF_MAX_BYTES`]) has by its shape: an Azure
/// Pipelines file or a GitHub workflow. Files that cannot be read safely (links leading outside
/// the checkout, special files), larger files and non-UTF-8 files have none.
fn kind_by_shape(checkout: &Checkout, rel: &str) -> Option<&'static str> {
    match read::checkout_text(&checkout.dir, &checkout.root, rel, SNIFF_MAX_BYTES) {
        Ok(text) if looks_like_azure(&text) => Some(kinds::AZURE_YAML),
        Ok(text) if looks_like_github_workflow(&text) => Some(kinds::GITHUB_WORKFLOW),
        Ok(_) => None,
        Err(why) => {
            tracing::debug!(path = rel, "not sniffed: {why:?}");
            None
        }
    }
}
