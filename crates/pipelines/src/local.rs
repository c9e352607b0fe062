//! The `--path DIR` source: local checkouts (or directories of checkouts) walked for pipeline
//! files, read without git or network, into `repositories`, `pipelines`, `pipeline_jobs`,
//! `pipeline_steps`, `collection_runs` and `collection_errors`.
//!
//! - **Platform**: rows carry the platform of their file's format: `github` (workflows,
//!   `action.yml`), `azure_devops` (Azure Pipelines, found by path or by shape anywhere in the
//!   checkout, plus the templates they reference) or `gitlab` (`.gitlab-ci.yml`).
//! - **Host, org, project, repo**: those of the checkout's git remote (`origin`, else the
//!   first; see [`remote`]) when it names one, so a local scan joins a live collection of the
//!   same repository; otherwise host `local`, the parent directory's name as org and the
//!   checkout directory's name as repo.
//! - **`repositories`**: one row per platform present in a checkout (its files' platforms, plus
//!   the remote's platform when the host tells it); a checkout with neither gets one row with
//!   platform `local`.
//! - **`collection_runs`**: one row per `--path` collection, with platform and host `local`
//!   (it is a local read, not an API collection of any platform).
//! - **Warnings**: directories read without a version-control marker are named on stderr (see
//!   [`discover`]); unreadable files become `collection_errors` rows.
//! - **Hostile checkouts**: files are read only when they are regular files inside the checkout
//!   (links are followed only to such files), and at most [`MAX_FILE_BYTES`] of them (see
//!   [`read`]). A pipeline file that is a FIFO, a device, a socket, a link leading outside or
//!   to a special file, too large, or not UTF-8 still gets its `pipelines` row, whose
//!   `parse_error` says why it was not read, plus a `collection_errors` row. Templates are
//!   followed at most [`MAX_TEMPLATE_DEPTH`] references deep and [`MAX_TEMPLATES`] per
//!   checkout.

mod discover;
mod read;
mod remote;

use std::collections::{BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use devquery_model::Dataset;
use devquery_model::platform;
use devquery_model::tables::collection_errors::CollectionErrorRow;
use devquery_model::tables::collection_runs::CollectionRunRow;
use devquery_model::tables::repositories::RepositoryRow;

use self::discover::Checkout;
use self::read::Unread;
use crate::kind::{kinds, platform_of};
use crate::{Error, FileContext, ParsedPipeline, parse_file_as};

/// Largest pipeline file read (a bigger file gets a row saying so and a `collection_errors`
/// row).
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Most Azure Pipelines templates followed in one checkout, beyond its discovered files.
const MAX_TEMPLATES: usize = 1000;

/// Deepest chain of template references followed from a discovered file (Azure Pipelines
/// itself allows 20 levels of templates including templates).
const MAX_TEMPLATE_DEPTH: usize = 20;

/// Largest git metadata file read (`.git/HEAD`, `.git/config`, a `.git` file).
pub(crate) const MAX_GIT_FILE_BYTES: u64 = 1024 * 1024;

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

/// Reads local checkouts. Each path is a repository checkout (it has `.git` or pipeline files
/// at its root), or a directory whose children are checkouts (every child with a marker or
/// with pipeline files is read), or else is read as one repository with a warning. A path that
/// does not exist is an error naming it; unreadable files become `collection_errors` rows.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Dataset, Error> {
    let started_at = now();
    let run_id = format!("path-{}", Utc::now().format("%Y%m%dT%H%M%S%.6fZ"));
    let mut checkouts = Vec::new();
    let mut sources = Vec::new();
    for p in paths {
        let abs = checked_dir(p)?;
        sources.push(format!("path:{}", abs.display()));
        let found = discover::checkouts(&abs).map_err(|e| Error::Io {
            path: p.clone(),
            source: e,
        })?;
        checkouts.extend(found);
    }

    let mut out = Collected::default();
    for checkout in &checkouts {
        collect_repo(checkout, &run_id, &mut out);
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
    ds.set_coverage(crate::coverage::local_coverage());
    Ok(ds)
}

/// The absolute path of an existing directory, or the error naming it.
fn checked_dir(p: &Path) -> Result<PathBuf, Error> {
    let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::PathNotFound {
            path: p.to_path_buf(),
        },
        _ => Error::Io {
            path: p.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory {
            path: p.to_path_buf(),
        });
    }
    std::path::absolute(p).map_err(|e| Error::Io {
        path: p.to_path_buf(),
        source: e,
    })
}

#[derive(Default)]
struct Collected {
    repositories: Vec<RepositoryRow>,
    parsed: Vec<ParsedPipeline>,
    errors: Vec<CollectionErrorRow>,
}

impl Collected {
    /// Records a file or directory that could not be read.
    fn error(
        &mut self,
        id: &Identity,
        platform: &str,
        run_id: &str,
        endpoint: String,
        message: String,
    ) {
        tracing::warn!(%endpoint, %message, "local pipeline file not read");
        self.errors.push(CollectionErrorRow {
            platform: Some(platform.to_string()),
            host: Some(id.host.clone()),
            org: id.org.clone(),
            project: id.project.clone(),
            repo: Some(id.repo.clone()),
            run_id: Some(run_id.to_string()),
            table_name: Some("pipelines".to_string()),
            endpoint: Some(endpoint),
            message: Some(message),
            at: Some(now()),
            ..CollectionErrorRow::default()
        });
    }

    /// Keeps a parsed file, its rows stamped with the platform of the kind it was parsed as
    /// (`hint` when the kind says none), and notes that platform.
    fn push(
        &mut self,
        mut parsed: ParsedPipeline,
        hint: &'static str,
        platforms: &mut BTreeSet<&'static str>,
    ) {
        let platform = parsed
            .pipeline
            .kind
            .as_deref()
            .and_then(platform_of)
            .unwrap_or(hint);
        if platform != hint {
            restamp(&mut parsed, platform);
        }
        platforms.insert(platform);
        self.parsed.push(parsed);
    }
}

/// Sets the platform of every row of a parsed file.
fn restamp(parsed: &mut ParsedPipeline, platform: &str) {
    parsed.pipeline.platform = Some(platform.to_string());
    for job in &mut parsed.jobs {
        job.platform = Some(platform.to_string());
    }
    for step in &mut parsed.steps {
        step.platform = Some(platform.to_string());
    }
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The join keys of a checkout's rows: its git remote's, or the local directory names.
struct Identity {
    /// The remote's platform, when its host tells it.
    remote_platform: Option<&'static str>,
    host: String,
    org: Option<String>,
    project: Option<String>,
    repo: String,
}

impl Identity {
    fn of(dir: &Path) -> Self {
        match remote::read_remote(dir) {
            Some(r) => Self {
                remote_platform: r.platform,
                host: r.host,
                org: Some(r.org),
                project: r.project,
                repo: r.repo,
            },
            None => Self {
                remote_platform: None,
                host: "local".to_string(),
                org: dir.parent().and_then(file_name),
                project: None,
                repo: file_name(dir).unwrap_or_else(|| dir.display().to_string()),
            },
        }
    }

    /// The context a file of `platform` is parsed in.
    fn context(&self, platform: &str) -> FileContext {
        FileContext {
            platform: platform.to_string(),
            host: Some(self.host.clone()),
            org: self.org.clone(),
            project: self.project.clone(),
            repo: Some(self.repo.clone()),
            pipeline_id: None,
        }
    }

    /// `project/repo` on Azure DevOps, else `org/repo`.
    fn full_name(&self, of: &str) -> String {
        match (of, &self.project, &self.org) {
            (platform::AZURE_DEVOPS, Some(project), _) => format!("{project}/{}", self.repo),
            (_, _, Some(org)) => format!("{org}/{}", self.repo),
            _ => self.repo.clone(),
        }
    }
}

/// `.git/HEAD` → branch name (`ref: refs/heads/x`), following a `.git` file (`gitdir: ...`).
fn default_branch(dir: &Path) -> Option<String> {
    let head = read::small_text(&remote::git_dir(dir)?.join("HEAD"), MAX_GIT_FILE_BYTES)?;
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

/// The `repositories` row of a checkout, without platform and full name.
fn repository_row(dir: &Path, id: &Identity) -> RepositoryRow {
    RepositoryRow {
        host: Some(id.host.clone()),
        org: id.org.clone(),
        project: id.project.clone(),
        repo: Some(id.repo.clone()),
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
    }
}

fn collect_repo(checkout: &Checkout, run_id: &str, out: &mut Collected) {
    let id = Identity::of(&checkout.dir);
    let walk_platform = id.remote_platform.unwrap_or(platform::LOCAL);
    for (endpoint, message) in &checkout.errors {
        out.error(
            &id,
            walk_platform,
            run_id,
            endpoint.clone(),
            message.clone(),
        );
    }
    let mut platforms = BTreeSet::new();
    parse_files(checkout, &id, run_id, out, &mut platforms);
    if let Some(p) = id.remote_platform {
        platforms.insert(p);
    }
    if platforms.is_empty() {
        platforms.insert(platform::LOCAL);
    }
    let base = repository_row(&checkout.dir, &id);
    for p in platforms {
        out.repositories.push(RepositoryRow {
            platform: Some(p.to_string()),
            full_name: Some(id.full_name(p)),
            ..base.clone()
        });
    }
}

/// A file waiting to be parsed: its path, the kind it was found as, the file that referenced
/// it when it is an Azure Pipelines template, and how many template references led to it.
struct Pending {
    rel: String,
    kind: &'static str,
    referenced_from: Option<String>,
    depth: usize,
}

/// A parsed file (or the row of one that could not be read), with the platform it was read as,
/// whether it was parsed as a template and how deep in a template chain it is.
struct Done {
    rel: String,
    parsed: ParsedPipeline,
    hint: &'static str,
    as_template: bool,
    read: bool,
    depth: usize,
}

/// What a checkout's files are parsed in: the checkout, its join keys and the run.
struct Scope<'a> {
    checkout: &'a Checkout,
    id: &'a Identity,
    run_id: &'a str,
}

/// Parses the checkout's pipeline files and the Azure Pipelines templates they reference
/// (followed within the checkout and within [`MAX_TEMPLATES`] and [`MAX_TEMPLATE_DEPTH`]),
/// noting the platforms met. A discovered Azure file that another file references is a
/// template (parsed again as one when its content alone did not say so), so its triggers are
/// its includer's. Every file listed gets a `pipelines` row, read or not.
fn parse_files(
    checkout: &Checkout,
    id: &Identity,
    run_id: &str,
    out: &mut Collected,
    platforms: &mut BTreeSet<&'static str>,
) {
    let scope = Scope {
        checkout,
        id,
        run_id,
    };
    let mut templates = Templates::new(checkout);
    let mut done: Vec<Done> = checkout
        .refused
        .iter()
        .map(|(rel, kind, why)| refused(&scope, rel, kind, why, out))
        .collect();
    while let Some(item) = templates.queue.pop_front() {
        let file = parse_one(&scope, item, out);
        templates.follow(&scope, &file, out, &mut done);
        done.push(file);
    }
    for file in done {
        let parsed = if file.read
            && !file.as_template
            && templates.referenced.contains(&file.rel)
            && file.parsed.pipeline.kind.as_deref() == Some(kinds::AZURE_YAML)
        {
            reparse_as_template(checkout, id, &file).unwrap_or(file.parsed)
        } else {
            file.parsed
        };
        out.push(parsed, file.hint, platforms);
    }
}

/// The files still to parse in a checkout and the templates met so far, with the limits on
/// how many are followed and how deep.
struct Templates {
    queue: VecDeque<Pending>,
    seen: BTreeSet<String>,
    referenced: BTreeSet<String>,
    followed: usize,
    over_budget: bool,
}

impl Templates {
    /// The checkout's discovered files, queued.
    fn new(checkout: &Checkout) -> Self {
        let seen = checkout
            .files
            .iter()
            .map(|(r, _)| r.clone())
            .chain(checkout.refused.iter().map(|(r, _, _)| r.clone()))
            .collect();
        let queue = checkout
            .files
            .iter()
            .map(|(rel, kind)| Pending {
                rel: rel.clone(),
                kind,
                referenced_from: None,
                depth: 0,
            })
            .collect();
        Self {
            queue,
            seen,
            referenced: BTreeSet::new(),
            followed: 0,
            over_budget: false,
        }
    }

    /// Queues the local templates `file` references that were not met yet. Past
    /// [`MAX_TEMPLATE_DEPTH`] a template gets a row saying so instead; past [`MAX_TEMPLATES`]
    /// in the checkout, the rest are left (one `collection_errors` row says so).
    fn follow(
        &mut self,
        scope: &Scope<'_>,
        file: &Done,
        out: &mut Collected,
        done: &mut Vec<Done>,
    ) {
        for target in template_targets(&file.parsed, &file.rel) {
            self.referenced.insert(target.clone());
            if !self.seen.insert(target.clone()) {
                continue;
            }
            if self.followed >= MAX_TEMPLATES {
                self.budget_spent(scope, &file.rel, out);
                continue;
            }
            self.followed += 1;
            if file.depth >= MAX_TEMPLATE_DEPTH {
                done.push(too_deep(scope, target, &file.rel, file.depth + 1));
                continue;
            }
            self.queue.push_back(Pending {
                rel: target,
                kind: kinds::AZURE_YAML,
                referenced_from: Some(file.rel.clone()),
                depth: file.depth + 1,
            });
        }
    }

    /// Records, once per checkout, that templates were left unread.
    fn budget_spent(&mut self, scope: &Scope<'_>, from: &str, out: &mut Collected) {
        if std::mem::replace(&mut self.over_budget, true) {
            return;
        }
        let message = format!(
            "more than {MAX_TEMPLATES} templates referenced in this checkout: the others are not read"
        );
        out.error(
            scope.id,
            platform::AZURE_DEVOPS,
            scope.run_id,
            from.to_string(),
            message,
        );
    }
}

/// Reads and parses one file. A file that cannot be read gets a row saying why (and a
/// `collection_errors` row); a referenced template that does not exist, a row saying so.
fn parse_one(scope: &Scope<'_>, item: Pending, out: &mut Collected) -> Done {
    let hint = platform_of(item.kind).unwrap_or(platform::LOCAL);
    let ctx = scope.id.context(hint);
    let template = item.referenced_from.is_some().then_some(true);
    let checkout = scope.checkout;
    let (parsed, read) =
        match read::checkout_text(&checkout.dir, &checkout.root, &item.rel, MAX_FILE_BYTES) {
            Ok(text) => (parse_file_as(&ctx, &item.rel, &text, template), true),
            Err(Unread::Missing) => match &item.referenced_from {
                Some(from) => (missing_template(&ctx, &item.rel, from), false),
                None => (
                    unread(scope, &ctx, &item, "file vanished while reading", out),
                    false,
                ),
            },
            Err(Unread::Failed(why)) => (unread(scope, &ctx, &item, &why, out), false),
        };
    Done {
        parsed,
        rel: item.rel,
        hint,
        as_template: template.is_some(),
        read,
        depth: item.depth,
    }
}

/// The row of a file that was not read, and its `collection_errors` row.
fn unread(
    scope: &Scope<'_>,
    ctx: &FileContext,
    item: &Pending,
    why: &str,
    out: &mut Collected,
) -> ParsedPipeline {
    out.error(
        scope.id,
        &ctx.platform,
        scope.run_id,
        item.rel.clone(),
        why.to_string(),
    );
    let message = match &item.referenced_from {
        Some(from) => format!("template not read: {why} (referenced from {from})"),
        None => format!("not read: {why}"),
    };
    let template = item.referenced_from.is_some().then_some(true);
    empty_row(ctx, &item.rel, item.kind, template, message)
}

/// The row of a discovered file refused before reading (see [`Checkout::refused`]).
fn refused(
    scope: &Scope<'_>,
    rel: &str,
    kind: &'static str,
    why: &str,
    out: &mut Collected,
) -> Done {
    let hint = platform_of(kind).unwrap_or(platform::LOCAL);
    let ctx = scope.id.context(hint);
    let item = Pending {
        rel: rel.to_string(),
        kind,
        referenced_from: None,
        depth: 0,
    };
    Done {
        parsed: unread(scope, &ctx, &item, why, out),
        rel: item.rel,
        hint,
        as_template: false,
        read: false,
        depth: 0,
    }
}

/// The row of a template not followed because the chain that reaches it is too deep.
fn too_deep(scope: &Scope<'_>, rel: String, from: &str, depth: usize) -> Done {
    let hint = platform::AZURE_DEVOPS;
    let message = format!(
        "template not read: it is {depth} template references deep, more than the \
         {MAX_TEMPLATE_DEPTH} followed (referenced from {from})"
    );
    let ctx = scope.id.context(hint);
    Done {
        parsed: empty_row(&ctx, &rel, kinds::AZURE_YAML, Some(true), message),
        rel,
        hint,
        as_template: true,
        read: false,
        depth,
    }
}

/// Parses a discovered file again as an Azure Pipelines template.
fn reparse_as_template(checkout: &Checkout, id: &Identity, file: &Done) -> Option<ParsedPipeline> {
    let text =
        read::checkout_text(&checkout.dir, &checkout.root, &file.rel, MAX_FILE_BYTES).ok()?;
    Some(parse_file_as(
        &id.context(file.hint),
        &file.rel,
        &text,
        Some(true),
    ))
}

/// The row of a referenced template that does not exist in the checkout.
fn missing_template(ctx: &FileContext, rel: &str, from: &str) -> ParsedPipeline {
    let message = format!("template not found: {rel} (referenced from {from})");
    empty_row(ctx, rel, kinds::AZURE_YAML, Some(true), message)
}

/// A `pipelines` row for a file with no content read: its kind and why.
fn empty_row(
    ctx: &FileContext,
    rel: &str,
    kind: &str,
    template: Option<bool>,
    message: String,
) -> ParsedPipeline {
    let mut p = parse_file_as(ctx, rel, "", template);
    p.jobs.clear();
    p.steps.clear();
    p.pipeline.kind = Some(kind.to_string());
    p.pipeline.parse_error = Some(message);
    p
}

/// Repository-relative paths of the local templates an Azure Pipelines file references.
fn template_targets(parsed: &ParsedPipeline, rel: &str) -> Vec<String> {
    if parsed.pipeline.kind.as_deref() != Some(kinds::AZURE_YAML) {
        return Vec::new();
    }
    let base = Path::new(rel)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    parsed
        .pipeline
        .resources
        .iter()
        .flatten()
        .filter(|r| r.kind.as_deref() == Some("template"))
        .filter_map(|r| template_path(r.source.as_deref()?, &base))
        .collect()
}

/// A template reference (`path`, `/root/path`, `path@self`) resolved against the referencing
/// file's directory; `None` for other repositories (`path@alias`) and expressions.
fn template_path(source: &str, base: &Path) -> Option<String> {
    let (path, alias) = match source.rsplit_once('@') {
        Some((p, a)) if !a.contains('/') => (p, Some(a)),
        _ => (source, None),
    };
    if alias.is_some_and(|a| a != "self") || path.contains("${{") || path.contains("$(") {
        return None;
    }
    let joined = match path.strip_prefix('/') {
        Some(root_rel) => PathBuf::from(root_rel),
        None => base.join(path),
    };
    normalise(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_references_resolve_inside_the_checkout() {
        let base = Path::new("build/ci");
        assert_eq!(
            template_path("steps.yml", base).as_deref(),
            Some("build/ci/steps.yml")
        );
        assert_eq!(
            template_path("../x.yml@self", base).as_deref(),
            Some("build/x.yml")
        );
        assert_eq!(
            template_path("/eng/t.yml", base).as_deref(),
            Some("eng/t.yml")
        );
        assert_eq!(template_path("t.yml@templates", base), None);
        assert_eq!(template_path("${{ parameters.t }}", base), None);
        assert_eq!(template_path("../../../out.yml", base), None);
    }

    #[test]
    fn full_names_follow_the_platform() {
        let id = Identity {
            remote_platform: Some(platform::AZURE_DEVOPS),
            host: "dev.azure.com".into(),
            org: Some("contoso".into()),
            project: Some("Fabrikam".into()),
            repo: "ledger".into(),
        };
        assert_eq!(id.full_name(platform::AZURE_DEVOPS), "Fabrikam/ledger");
        assert_eq!(id.full_name(platform::GITHUB), "contoso/ledger");
    }
}
