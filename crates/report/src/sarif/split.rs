//! `--split-by repository`: one SARIF file per repository (platform / org / [project /] repo),
//! plus one per organisation for findings that belong to no repository, so an estate-wide report
//! uploads to code scanning repository by repository. Every repository a rule looked at gets a
//! file, also when it has no result: uploading it closes the alerts that were fixed. Each file
//! stays inside code scanning's limits (the most severe results first) and is written atomically.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use devquery_rules::{CollectionIssue, Finding};

use super::{Item, SarifFile, build, descriptor, items};
use crate::{Options, ReportError, RunReport};

/// What a split file covers: the join keys of its findings (absent parts are `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SplitKey {
    /// `github`, `azure_devops`, `gitlab`.
    pub platform: Option<String>,
    /// Organisation (GitLab group).
    pub org: Option<String>,
    /// Azure DevOps project.
    pub project: Option<String>,
    /// Repository; `None` for an organisation's file.
    pub repo: Option<String>,
}

fn present(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl SplitKey {
    /// The key of a finding.
    pub fn of(f: &Finding) -> Self {
        Self {
            platform: present(&f.platform),
            org: present(&f.org),
            project: present(&f.project),
            repo: present(&f.repo),
        }
    }

    /// True for a repository's file (false for an organisation's).
    pub fn is_repository(&self) -> bool {
        self.repo.is_some()
    }

    /// The parts that are present, in order.
    pub fn parts(&self) -> Vec<&str> {
        [&self.platform, &self.org, &self.project, &self.repo]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect()
    }

    /// `github/acme/web`, `azure_devops/fabrikam/Payments/api`, `github/acme`; `estate` when
    /// the findings name nothing.
    pub fn path(&self) -> String {
        let parts = self.parts();
        if parts.is_empty() {
            "estate".to_string()
        } else {
            parts.join("/")
        }
    }

    /// True when a failed collection call concerns this file (same platform, org and repo).
    pub fn covers_issue(&self, e: &CollectionIssue) -> bool {
        self.platform == present(&e.platform)
            && self.org == present(&e.org)
            && self.repo == present(&e.repo)
    }
}

/// The findings that become results, by key. Keys also come from passing findings, so that a
/// clean repository gets a file without results.
fn groups(report: &RunReport) -> BTreeMap<SplitKey, Vec<Item<'_>>> {
    let mut groups: BTreeMap<SplitKey, Vec<Item<'_>>> = BTreeMap::new();
    for r in &report.results {
        for f in &r.findings {
            groups.entry(SplitKey::of(f)).or_default();
        }
    }
    for it in items(report) {
        groups.entry(SplitKey::of(it.finding)).or_default().push(it);
    }
    groups
}

/// A file name part: letters, digits, `-`, `_` and `.` (not leading); anything else is `_`.
fn name_part(part: &str) -> String {
    let safe: String = part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "_".to_string()
    } else {
        safe.to_string()
    }
}

fn fnv64(s: &str) -> u64 {
    let mut h = fnv::FnvHasher::default();
    std::hash::Hasher::write(&mut h, s.as_bytes());
    std::hash::Hasher::finish(&h)
}

/// Safe, unique file names for `keys` (in order): `github__acme__web.sarif`; a name that
/// would clash with an earlier one (also case-insensitively, or after replacing unsafe
/// characters) gets a hash of its key: `github__acme__web-1f2e3d4c5b6a7988.sarif`.
pub fn file_names(keys: &[&SplitKey]) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    keys.iter()
        .map(|k| {
            let mut base: String = k
                .parts()
                .iter()
                .map(|p| name_part(p))
                .collect::<Vec<_>>()
                .join("__");
            if base.is_empty() {
                base = "estate".to_string();
            }
            base.truncate(150);
            let mut name = format!("{base}.sarif");
            if !used.insert(name.to_ascii_lowercase()) {
                name = format!("{base}-{:016x}.sarif", fnv64(&k.path()));
                used.insert(name.to_ascii_lowercase());
            }
            name
        })
        .collect()
}

/// Builds every split file, in key order, and hands each (with its file name) to `each`; one
/// file is in memory at a time.
pub fn for_each_split(
    report: &RunReport,
    options: &Options,
    mut each: impl FnMut(&str, SarifFile) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let groups = groups(report);
    let keys: Vec<&SplitKey> = groups.keys().collect();
    let names = file_names(&keys);
    let rules = descriptor::descriptors(report);
    for ((key, group), name) in groups.iter().zip(names) {
        let file = build(
            report,
            options,
            Some(key),
            group.clone(),
            Vec::new(),
            &rules,
            false,
        )?;
        each(&name, file)?;
    }
    Ok(())
}

/// A split file written to disk.
#[derive(Debug, Clone)]
pub struct WrittenFile {
    /// What it covers.
    pub key: SplitKey,
    /// Where it is.
    pub path: PathBuf,
    /// Results in it.
    pub results: usize,
    /// Results left out to stay inside the limits.
    pub omitted: usize,
    /// What to tell the user (also notifications in the file).
    pub warnings: Vec<String>,
}

/// Writes one file per repository and organisation into `dir` (created if needed), each
/// atomically; returns them in key order.
pub fn write_split(
    report: &RunReport,
    options: &Options,
    dir: &Path,
) -> Result<Vec<WrittenFile>, ReportError> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for_each_split(report, options, |name, file| {
        let path = dir.join(name);
        crate::atomic::write_atomic(&path, &file.to_bytes()?)?;
        written.push(WrittenFile {
            key: file.key.unwrap_or_default(),
            path,
            results: file.results,
            omitted: file.omitted,
            warnings: file.warnings,
        });
        Ok(())
    })?;
    crate::atomic::sync_dir(dir);
    Ok(written)
}
