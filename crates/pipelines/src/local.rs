//! The `--path DIR` source: local checkouts (or directories of checkouts) walked for pipeline
//! files, read without git or network, into `repositories`, `pipelines`, `pipeline_jobs`,
//! `pipeline_steps`, `collection_runs` and `collection_errors`.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use devquery_model::Dataset;
use devquery_model::platform;
use devquery_model::tables::collection_errors::CollectionErrorRow;
use devquery_model::tables::collection_runs::CollectionRunRow;
use devquery_model::tables::repositories::RepositoryRow;
use walkdir::WalkDir;

use crate::kind::kinds;
use crate::{Error, FileContext, ParsedPipeline, is_pipeline_path, parse_file_as};

/// Directories never walked.
const SKIP_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// Largest pipeline file read (bigger files are reported in `collection_errors`).
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Files or directories at a repository root that mark a checkout.
const ROOT_MARKERS: &[&str] = &[
    ".git",
    ".github",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".azure-pipelines.yml",
    ".azure-pipelines",
    ".gitlab-ci.yml",
    "action.yml",
    "action.yaml",
];

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Turns parsed files into a dataset with the three pipeline tables.
pub fn dataset(parsed: &[ParsedPipeline]) -> Result<Dataset, devquery_model::RowsError> {
    let mut ds = Dataset::new();
    let pipelines: Vec<_> = parsed.iter().map(|p| p.pipeline.clone()).collect();
    let jobs: Vec<_> = parsed.iter().flat_map(|p| p.jobs.iter().cloned()).collect();
    let steps: Vec<_> = parsed
        .iter()
        .flat_map(|p| p.steps.iter().cloned())
        .collect();
    ds.extend(&pipelines)?;
    ds.extend(&jobs)?;
    ds.extend(&steps)?;
    Ok(ds)
}

fn is_checkout(dir: &Path) -> bool {
    ROOT_MARKERS.iter().any(|m| dir.join(m).exists())
}

/// Reads local checkouts. Each path is a repository checkout (it has `.git` or pipeline files
/// at its root) or a directory whose children are checkouts; a directory that is neither is
/// read as one repository. A path that does not exist is an error naming it; unreadable files
/// become `collection_errors` rows.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Dataset, Error> {
    let started_at = now();
    let run_id = format!("path-{}", Utc::now().format("%Y%m%dT%H%M%S%.6fZ"));
    let mut repos = Vec::new();
    let mut sources = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::PathNotFound { path: p.clone() },
            _ => Error::Io {
                path: p.clone(),
                source: e,
            },
        })?;
        if !meta.is_dir() {
            return Err(Error::NotADirectory { path: p.clone() });
        }
        let abs = std::path::absolute(p).map_err(|e| Error::Io {
            path: p.clone(),
            source: e,
        })?;
        sources.push(format!("path:{}", abs.display()));
        if is_checkout(&abs) {
            repos.push(abs);
            continue;
        }
        let mut children: Vec<PathBuf> = std::fs::read_dir(&abs)
            .map_err(|e| Error::Io {
                path: p.clone(),
                source: e,
            })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|c| c.is_dir() && is_checkout(c))
            .collect();
        children.sort();
        if children.is_empty() {
            repos.push(abs);
        } else {
            repos.extend(children);
        }
    }

    let mut out = Collected::default();
    for repo in &repos {
        collect_repo(repo, &run_id, &mut out);
    }

    let mut ds = dataset(&out.parsed)?;
    ds.extend(&out.repositories)?;
    ds.extend(&out.errors)?;
    ds.extend(&[CollectionRunRow {
        platform: Some(platform::LOCAL.to_string()),
        host: Some("local".to_string()),
        run_id: Some(run_id),
        source: Some(sources.join(",")),
        started_at: Some(started_at),
        finished_at: Some(now()),
        tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        api_requests: Some(0),
        conditional_hits: Some(0),
        errors: i64::try_from(out.errors.len()).ok(),
        ..CollectionRunRow::default()
    }])?;
    Ok(ds)
}

#[derive(Default)]
struct Collected {
    repositories: Vec<RepositoryRow>,
    parsed: Vec<ParsedPipeline>,
    errors: Vec<CollectionErrorRow>,
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// `.git/HEAD` → branch name (`ref: refs/heads/x`), following a `.git` file (`gitdir: ...`).
fn default_branch(dir: &Path) -> Option<String> {
    let git = dir.join(".git");
    let git_dir = if git.is_file() {
        let text = std::fs::read_to_string(&git).ok()?;
        let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
        let target = Path::new(target);
        if target.is_absolute() {
            target.to_path_buf()
        } else {
            dir.join(target)
        }
    } else {
        git
    };
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    head.trim()
        .strip_prefix("ref:")
        .map(str::trim)
        .and_then(|r| r.strip_prefix("refs/heads/"))
        .map(str::to_string)
}

/// Whether a file exists in any of the directories, compared case-insensitively.
fn has_file(dir: &Path, subdirs: &[&str], names: &[&str]) -> bool {
    subdirs.iter().any(|sub| {
        let d = if sub.is_empty() {
            dir.to_path_buf()
        } else {
            dir.join(sub)
        };
        std::fs::read_dir(d).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let n = e.file_name().to_string_lossy().to_ascii_lowercase();
                names.iter().any(|want| n == *want) && e.path().is_file()
            })
        })
    })
}

/// Lexically normalises a repository-relative path (`a/./b/../c` → `a/c`); `None` when it
/// escapes the repository.
fn normalise(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    Some(parts.join("/"))
}

fn collect_repo(dir: &Path, run_id: &str, out: &mut Collected) {
    let repo = file_name(dir).unwrap_or_else(|| dir.display().to_string());
    let org = dir.parent().and_then(file_name);
    let ctx = FileContext {
        platform: platform::LOCAL.to_string(),
        host: Some("local".to_string()),
        org: org.clone(),
        project: None,
        repo: Some(repo.clone()),
        pipeline_id: None,
    };
    out.repositories.push(RepositoryRow {
        platform: Some(platform::LOCAL.to_string()),
        host: Some("local".to_string()),
        org: org.clone(),
        repo: Some(repo.clone()),
        full_name: Some(match &org {
            Some(o) => format!("{o}/{repo}"),
            None => repo.clone(),
        }),
        default_branch: default_branch(dir),
        has_codeowners: Some(has_file(
            dir,
            &["", ".github", "docs", ".gitlab"],
            &["codeowners"],
        )),
        has_security_policy: Some(has_file(dir, &["", ".github", "docs"], &["security.md"])),
        has_dependabot_config: Some(has_file(
            dir,
            &[".github"],
            &["dependabot.yml", "dependabot.yaml"],
        )),
        url: Some(dir.display().to_string()),
        ..RepositoryRow::default()
    });

    let error = |out: &mut Collected, endpoint: String, message: String| {
        tracing::warn!(%endpoint, %message, "local pipeline file not read");
        out.errors.push(CollectionErrorRow {
            platform: Some(platform::LOCAL.to_string()),
            host: Some("local".to_string()),
            org: org.clone(),
            repo: Some(repo.clone()),
            run_id: Some(run_id.to_string()),
            table_name: Some("pipelines".to_string()),
            endpoint: Some(endpoint),
            message: Some(message),
            at: Some(now()),
            ..CollectionErrorRow::default()
        });
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
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                if is_pipeline_path(&rel) {
                    found.push(rel);
                }
            }
            Ok(_) => {}
            Err(e) => {
                let endpoint = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                error(out, endpoint, format!("cannot read directory: {e}"));
            }
        }
    }

    let mut done: BTreeSet<String> = found.iter().cloned().collect();
    let mut queue: VecDeque<(String, Option<bool>, Option<String>)> =
        found.into_iter().map(|p| (p, None, None)).collect();
    while let Some((rel, template, referenced_from)) = queue.pop_front() {
        let full = dir.join(&rel);
        let content = match std::fs::metadata(&full) {
            Ok(m) if m.len() > MAX_FILE_BYTES => Err(format!(
                "file is {} bytes, more than the {MAX_FILE_BYTES} read",
                m.len()
            )),
            Ok(_) => std::fs::read(&full)
                .map_err(|e| e.to_string())
                .and_then(|b| {
                    String::from_utf8(b).map_err(|_| "file is not UTF-8 text".to_string())
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && referenced_from.is_some() => {
                let mut p = crate::parse_file_as(&ctx, &rel, "", Some(true));
                p.pipeline.kind = Some(kinds::AZURE_YAML.to_string());
                p.pipeline.parse_error = Some(format!(
                    "template not found: {rel} (referenced from {})",
                    referenced_from.as_deref().unwrap_or_default()
                ));
                out.parsed.push(p);
                continue;
            }
            Err(e) => Err(e.to_string()),
        };
        let content = match content {
            Ok(c) => c,
            Err(message) => {
                error(out, rel, message);
                continue;
            }
        };
        let parsed = parse_file_as(&ctx, &rel, &content, template);
        if parsed.pipeline.kind.as_deref() == Some(kinds::AZURE_YAML) {
            let base = Path::new(&rel)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            for r in parsed.pipeline.resources.iter().flatten() {
                if r.kind.as_deref() != Some("template") {
                    continue;
                }
                let Some(source) = &r.source else { continue };
                let (path, alias) = match source.rsplit_once('@') {
                    Some((p, a)) if !a.contains('/') => (p, Some(a)),
                    _ => (source.as_str(), None),
                };
                if alias.is_some_and(|a| a != "self") || path.contains("${{") || path.contains("$(")
                {
                    continue;
                }
                let joined = match path.strip_prefix('/') {
                    Some(root_rel) => PathBuf::from(root_rel),
                    None => base.join(path),
                };
                let Some(target) = normalise(&joined) else {
                    continue;
                };
                if done.insert(target.clone()) {
                    queue.push_back((target, Some(true), Some(rel.clone())));
                }
            }
        }
        out.parsed.push(parsed);
    }
}
