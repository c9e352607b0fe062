//! `uses:` references split into owner, repository, path and ref, and the kind of ref
//! (`sha` only for a full 40-hex commit, `tag`, `branch`, `local`, `docker`).

use github_actions_models::common::Uses;

/// A `uses:` reference taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRef {
    /// Owner (`actions` in `actions/checkout@v4`); registry for a Docker image.
    pub owner: Option<String>,
    /// Repository (`checkout`); image name for a Docker image.
    pub repo: Option<String>,
    /// Path inside the repository (`.github/workflows/x.yml`), or the local path for `./...`.
    pub path: Option<String>,
    /// Ref (`v4`, a commit), or the Docker tag / digest.
    pub r#ref: Option<String>,
    /// `sha`, `tag`, `branch`, `local` or `docker`; `None` when the reference is malformed.
    pub ref_kind: Option<&'static str>,
}

/// Splits a `uses:` value with `github-actions-models`' parser; a value it rejects (no `@ref`,
/// too short) keeps what can be read and no ref kind.
pub fn parse_uses(raw: &str) -> ActionRef {
    match Uses::parse(raw) {
        Ok(uses) => from_model(&uses),
        Err(_) => {
            let (path, git_ref) = match raw.trim().rsplit_once('@') {
                Some((p, r)) => (p, Some(r.to_string())),
                None => (raw.trim(), None),
            };
            let mut parts = path.splitn(3, '/');
            ActionRef {
                owner: parts.next().filter(|s| !s.is_empty()).map(str::to_string),
                repo: parts.next().filter(|s| !s.is_empty()).map(str::to_string),
                path: parts.next().filter(|s| !s.is_empty()).map(str::to_string),
                ref_kind: git_ref.as_deref().map(ref_kind),
                r#ref: git_ref,
            }
        }
    }
}

/// Converts a parsed model reference.
pub(crate) fn from_model(uses: &Uses) -> ActionRef {
    match uses {
        Uses::Local(local) => ActionRef {
            path: Some(local.raw().to_string()),
            ref_kind: Some("local"),
            ..ActionRef::default()
        },
        Uses::Docker(docker) => ActionRef {
            owner: docker.registry().map(str::to_string),
            repo: Some(docker.image().to_string()),
            r#ref: docker.hash().or(docker.tag()).map(str::to_string),
            ref_kind: Some("docker"),
            ..ActionRef::default()
        },
        Uses::Repository(repo) => ActionRef {
            owner: Some(repo.owner().to_string()),
            repo: Some(repo.repo().to_string()),
            path: repo.subpath().map(str::to_string),
            r#ref: Some(repo.git_ref().to_string()),
            ref_kind: Some(ref_kind(repo.git_ref())),
        },
    }
}

/// The kind of a git ref: `sha` for a full 40-hex commit id, `tag` for version-like refs
/// (`v1`, `v1.2.3`, `1.0`, `v2-beta`, `refs/tags/...`), `branch` for everything else.
pub fn ref_kind(git_ref: &str) -> &'static str {
    let r = git_ref.trim();
    if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) {
        return "sha";
    }
    if r.starts_with("refs/tags/") {
        return "tag";
    }
    if r.starts_with("refs/heads/") {
        return "branch";
    }
    let version = r.strip_prefix(['v', 'V']).unwrap_or(r);
    let digits_end = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let head = &version[..digits_end];
    if !head.is_empty()
        && head.starts_with(|c: char| c.is_ascii_digit())
        && (digits_end == version.len() || version[digits_end..].starts_with(['-', '+']))
    {
        return "tag";
    }
    "branch"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_kinds() {
        assert_eq!(ref_kind("v4"), "tag");
        assert_eq!(ref_kind("v1.2.3"), "tag");
        assert_eq!(ref_kind("2.0.0-beta.1"), "tag");
        assert_eq!(ref_kind("main"), "branch");
        assert_eq!(ref_kind("a81bbbf8298c0fa03ea29cdc473d45769f953675"), "sha");
        assert_eq!(ref_kind("a81bbbf"), "branch");
        assert_eq!(ref_kind("release/v1"), "branch");
    }

    #[test]
    fn splits_uses() {
        let a = parse_uses("octo/repo/path/to@v1");
        assert_eq!(a.owner.as_deref(), Some("octo"));
        assert_eq!(a.repo.as_deref(), Some("repo"));
        assert_eq!(a.path.as_deref(), Some("path/to"));
        assert_eq!(a.r#ref.as_deref(), Some("v1"));
        assert_eq!(parse_uses("./local").ref_kind, Some("local"));
        let d = parse_uses("docker://ghcr.io/x/y:1");
        assert_eq!(d.ref_kind, Some("docker"));
        assert_eq!(d.r#ref.as_deref(), Some("1"));
        assert_eq!(parse_uses("actions/checkout").ref_kind, None);
    }
}
