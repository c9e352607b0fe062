//! The git remote of a checkout, read from `.git/config` without git: the `origin` remote
//! (else the first one) parsed into the platform, host, organisation, project and repository
//! it names, so rows read from a checkout join a live collection of the same repository.
//!
//! Understood URL forms (https, http, ssh, git and scp-like `user@host:path`):
//! - GitHub and GitHub Enterprise Server: `host/org/repo(.git)`;
//! - Azure DevOps: `https://dev.azure.com/ORG/PROJECT/_git/REPO`,
//!   `https://ORG.visualstudio.com/[DefaultCollection/]PROJECT/_git/REPO`,
//!   `git@ssh.dev.azure.com:v3/ORG/PROJECT/REPO`,
//!   `ORG@vs-ssh.visualstudio.com:v3/ORG/PROJECT/REPO`, and Azure DevOps Server
//!   `host/COLLECTION/PROJECT/_git/REPO` (all with host `dev.azure.com` except the server);
//! - GitLab: `gitlab.com/group/sub/repo` (org `group/sub`).
//!
//! The git files are read as regular files only, and at most a megabyte of each (see
//! [`super::read::small_text`]): a checkout's `.git/config` may be a FIFO or a link to a device.
//!
//! Credentials (`user:token@`) are dropped while parsing: no part of a URL that could hold
//! them is ever stored or logged.

use std::path::{Path, PathBuf};

use devquery_model::platform;

use super::MAX_GIT_FILE_BYTES;
use super::read::small_text;

/// What a remote URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remote {
    /// `github`, `azure_devops` or `gitlab` when the host says so; `None` for other hosts
    /// (GitHub Enterprise Server, self-managed GitLab, ...), whose platform the pipeline files
    /// decide.
    pub platform: Option<&'static str>,
    /// Host as the live collectors record it (`github.com`, `dev.azure.com`, a GHES host).
    pub host: String,
    /// Organisation (GitLab: the group path, `group/sub`).
    pub org: String,
    /// Azure DevOps project.
    pub project: Option<String>,
    /// Repository name.
    pub repo: String,
}

/// The git directory of a checkout: `DIR/.git`, or where a `.git` file (worktree, submodule)
/// points with `gitdir: PATH`.
pub(crate) fn git_dir(dir: &Path) -> Option<PathBuf> {
    let git = dir.join(".git");
    if git.is_dir() {
        return Some(git);
    }
    let text = small_text(&git, MAX_GIT_FILE_BYTES)?;
    let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    Some(relative_to(dir, target))
}

fn relative_to(base: &Path, target: &str) -> PathBuf {
    let target = Path::new(target);
    if target.is_absolute() {
        target.to_path_buf()
    } else {
        base.join(target)
    }
}

/// The remote a checkout's git config names (`origin`, else the first remote with a URL).
pub(crate) fn read_remote(dir: &Path) -> Option<Remote> {
    let git = git_dir(dir)?;
    let config = match small_text(&git.join("config"), MAX_GIT_FILE_BYTES) {
        Some(text) => text,
        // A worktree keeps its config in the common directory.
        None => {
            let common = small_text(&git.join("commondir"), MAX_GIT_FILE_BYTES)?;
            let common = relative_to(&git, common.trim()).join("config");
            small_text(&common, MAX_GIT_FILE_BYTES)?
        }
    };
    let url = remote_url(&config)?;
    let remote = parse_remote_url(&url);
    match &remote {
        Some(r) => {
            tracing::debug!(dir = %dir.display(), host = %r.host, org = %r.org, repo = %r.repo, "git remote")
        }
        None => tracing::debug!(dir = %dir.display(), "git remote names no known host"),
    }
    remote
}

/// A git config line: a section header (`[remote "origin"]`) or a `key = value` entry.
enum ConfigLine {
    Section(String, Option<String>),
    Entry(String, String),
}

fn config_line(line: &str) -> Option<ConfigLine> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', ';']) {
        return None;
    }
    if let Some(header) = line.strip_prefix('[') {
        let header = header.split(']').next().unwrap_or_default().trim();
        // `[remote "origin"]`, or the old `[remote.origin]` form.
        return Some(match header.split_once([' ', '\t']) {
            Some((section, sub)) => ConfigLine::Section(
                section.to_ascii_lowercase(),
                Some(sub.trim().trim_matches('"').to_string()),
            ),
            None => match header.split_once('.') {
                Some((section, sub)) => {
                    ConfigLine::Section(section.to_ascii_lowercase(), Some(sub.to_string()))
                }
                None => ConfigLine::Section(header.to_ascii_lowercase(), None),
            },
        });
    }
    let (key, value) = line.split_once('=')?;
    Some(ConfigLine::Entry(
        key.trim().to_ascii_lowercase(),
        config_value(value),
    ))
}

/// A config value without surrounding quotes and trailing comments.
fn config_value(raw: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in raw.trim().chars() {
        match c {
            '"' => quoted = !quoted,
            '#' | ';' if !quoted => break,
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// The URL of `origin` (else of the first remote), with `url.<base>.insteadOf` rewrites
/// applied.
fn remote_url(config: &str) -> Option<String> {
    let mut remotes: Vec<(String, String)> = Vec::new();
    let mut rewrites: Vec<(String, String)> = Vec::new();
    let mut section: Option<(String, Option<String>)> = None;
    for line in config.lines() {
        match config_line(line) {
            Some(ConfigLine::Section(name, sub)) => section = Some((name, sub)),
            Some(ConfigLine::Entry(key, value)) => match (&section, key.as_str()) {
                (Some((s, Some(name))), "url")
                    if s == "remote" && !remotes.iter().any(|(n, _)| n == name) =>
                {
                    remotes.push((name.clone(), value));
                }
                (Some((s, Some(base))), "insteadof") if s == "url" => {
                    rewrites.push((value, base.clone()));
                }
                _ => {}
            },
            None => {}
        }
    }
    let url = remotes
        .iter()
        .find(|(n, _)| n == "origin")
        .or_else(|| remotes.first())
        .map(|(_, u)| u.clone())?;
    let rewrite = rewrites
        .iter()
        .filter(|(prefix, _)| !prefix.is_empty() && url.starts_with(prefix.as_str()))
        .max_by_key(|(prefix, _)| prefix.len());
    Some(match rewrite {
        Some((prefix, base)) => format!("{base}{}", url.get(prefix.len()..).unwrap_or_default()),
        None => url,
    })
}

/// Parses a remote URL; `None` for local paths, `file://` URLs and URLs naming no repository.
pub(crate) fn parse_remote_url(url: &str) -> Option<Remote> {
    let (host, path) = split_url(url.trim())?;
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    classify(&host, segments)
}

/// `(host, path)` of a URL, credentials and (for ssh) the port dropped, the host lower-cased.
fn split_url(url: &str) -> Option<(String, String)> {
    if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(
            scheme.as_str(),
            "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
        ) {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
            _ => (host_port, None),
        };
        let host = host.to_ascii_lowercase();
        let host = match (scheme.as_str(), port) {
            ("https", Some(p)) if p != "443" => format!("{host}:{p}"),
            ("http", Some(p)) if p != "80" => format!("{host}:{p}"),
            _ => host,
        };
        return (!host.is_empty()).then(|| (host, path.to_string()));
    }
    // scp-like `[user@]host:path`: a colon before any slash (not a Windows drive letter).
    let colon = url.find(':')?;
    if url.get(..colon).is_some_and(|h| h.contains('/')) || colon <= 1 {
        return None;
    }
    let host_part = url.get(..colon)?;
    let host = host_part
        .rsplit_once('@')
        .map_or(host_part, |(_, h)| h)
        .to_ascii_lowercase();
    let path = url.get(colon + 1..)?.to_string();
    (!host.is_empty()).then_some((host, path))
}

/// Decodes `%XX` escapes (Azure DevOps project names with spaces).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn strip_git(name: &str) -> String {
    let name = name.trim_end_matches('/');
    match name.len().checked_sub(4) {
        Some(i)
            if name
                .get(i..)
                .is_some_and(|s| s.eq_ignore_ascii_case(".git")) =>
        {
            name.get(..i).unwrap_or(name).to_string()
        }
        _ => name.to_string(),
    }
}

/// The repository a host and path name.
fn classify(host: &str, mut segs: Vec<String>) -> Option<Remote> {
    if let Some(remote) = azure(host, &segs) {
        return Some(remote);
    }
    let repo = strip_git(&segs.pop()?);
    if segs.is_empty() || repo.is_empty() {
        return None;
    }
    let (platform, host) = match host {
        "github.com" | "www.github.com" | "ssh.github.com" => {
            // `github.com/org/repo` only: deeper paths are not repositories.
            segs.truncate(1);
            (Some(platform::GITHUB), "github.com")
        }
        "gitlab.com" | "www.gitlab.com" | "altssh.gitlab.com" => {
            (Some(platform::GITLAB), "gitlab.com")
        }
        h if h.split('.').next().is_some_and(|label| label == "gitlab") => {
            (Some(platform::GITLAB), h)
        }
        h => (None, h),
    };
    Some(Remote {
        platform,
        host: host.to_string(),
        org: segs.join("/"),
        project: None,
        repo,
    })
}

/// An Azure DevOps remote, or `None` when the organisation or repository is empty.
fn azure_remote(org: &str, project: &str, repo: &str, host: &str) -> Option<Remote> {
    let repo = strip_git(repo);
    (!org.is_empty() && !repo.is_empty()).then(|| Remote {
        platform: Some(platform::AZURE_DEVOPS),
        host: host.to_string(),
        org: org.to_string(),
        project: Some(project.to_string()),
        repo,
    })
}

/// Azure DevOps forms: `v3/ORG/PROJECT/REPO` over ssh, `.../PROJECT/_git/REPO` over https.
fn azure(host: &str, segs: &[String]) -> Option<Remote> {
    if host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com" {
        return match segs {
            [v3, org, project, repo, ..] if v3.as_str() == "v3" => {
                azure_remote(org, project, repo, "dev.azure.com")
            }
            _ => None,
        };
    }
    let git = segs.iter().position(|s| s.eq_ignore_ascii_case("_git"))?;
    let repo = segs.get(git + 1)?;
    let before = segs.get(..git)?;
    if let Some(org) = host.strip_suffix(".visualstudio.com") {
        let project = before
            .iter()
            .rfind(|s| !s.eq_ignore_ascii_case("DefaultCollection"))
            .unwrap_or(repo);
        return azure_remote(org, project, repo, "dev.azure.com");
    }
    match before {
        // `ORG/_git/REPO`: a project named like the repository.
        [org] => azure_remote(org, repo, repo, host),
        [.., org, project] => azure_remote(org, project, repo, host),
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(url: &str) -> (Option<&'static str>, String, String, Option<String>, String) {
        let r = parse_remote_url(url).unwrap_or_else(|| panic!("{url} should parse"));
        (r.platform, r.host, r.org, r.project, r.repo)
    }

    fn gh(
        host: &str,
        org: &str,
        repo: &str,
    ) -> (Option<&'static str>, String, String, Option<String>, String) {
        (Some("github"), host.into(), org.into(), None, repo.into())
    }

    fn ado(
        org: &str,
        project: &str,
        repo: &str,
    ) -> (Option<&'static str>, String, String, Option<String>, String) {
        (
            Some("azure_devops"),
            "dev.azure.com".into(),
            org.into(),
            Some(project.into()),
            repo.into(),
        )
    }

    #[test]
    fn github_forms() {
        let want = gh("github.com", "acme", "api");
        for url in [
            "https://github.com/acme/api.git",
            "https://github.com/acme/api",
            "https://github.com/acme/api/",
            "http://github.com/acme/api.git",
            "git@github.com:acme/api.git",
            "github.com:acme/api",
            "ssh://git@github.com/acme/api.git",
            "ssh://git@ssh.github.com:443/acme/api.git",
            "git://github.com/acme/api.git",
            "HTTPS://GitHub.com/acme/api.GIT",
        ] {
            assert_eq!(parsed(url), want, "{url}");
        }
        // GHES: platform unknown from the URL, host kept (with a non-default https port).
        assert_eq!(
            parsed("https://ghe.corp.example/acme/api.git"),
            (
                None,
                "ghe.corp.example".into(),
                "acme".into(),
                None,
                "api".into()
            )
        );
        assert_eq!(
            parsed("https://ghe.corp.example:8443/acme/api").1,
            "ghe.corp.example:8443"
        );
        assert_eq!(
            parsed("ssh://git@ghe.corp.example:2222/acme/api.git").1,
            "ghe.corp.example"
        );
    }

    #[test]
    fn azure_forms() {
        let want = ado("contoso", "Fabrikam", "ledger");
        for url in [
            "https://dev.azure.com/contoso/Fabrikam/_git/ledger",
            "https://contoso@dev.azure.com/contoso/Fabrikam/_git/ledger",
            "https://contoso.visualstudio.com/Fabrikam/_git/ledger",
            "https://contoso.visualstudio.com/DefaultCollection/Fabrikam/_git/ledger",
            "git@ssh.dev.azure.com:v3/contoso/Fabrikam/ledger",
            "contoso@vs-ssh.visualstudio.com:v3/contoso/Fabrikam/ledger",
            "ssh://git@ssh.dev.azure.com/v3/contoso/Fabrikam/ledger",
        ] {
            assert_eq!(parsed(url), want, "{url}");
        }
        assert_eq!(
            parsed("https://dev.azure.com/contoso/My%20Project/_git/ledger").3,
            Some("My Project".into())
        );
        assert_eq!(
            parsed("https://dev.azure.com/contoso/_git/ledger"),
            ado("contoso", "ledger", "ledger")
        );
        // Azure DevOps Server keeps its host.
        assert_eq!(
            parsed("https://tfs.corp.example/tfs/Main/Fabrikam/_git/ledger"),
            (
                Some("azure_devops"),
                "tfs.corp.example".into(),
                "Main".into(),
                Some("Fabrikam".into()),
                "ledger".into()
            )
        );
    }

    #[test]
    fn gitlab_forms() {
        let want = (
            Some("gitlab"),
            "gitlab.com".to_string(),
            "group/sub".to_string(),
            None,
            "repo".to_string(),
        );
        for url in [
            "https://gitlab.com/group/sub/repo.git",
            "git@gitlab.com:group/sub/repo.git",
            "ssh://git@gitlab.com/group/sub/repo",
        ] {
            assert_eq!(parsed(url), want, "{url}");
        }
        assert_eq!(
            parsed("https://gitlab.corp.example/team/app.git"),
            (
                Some("gitlab"),
                "gitlab.corp.example".into(),
                "team".into(),
                None,
                "app".into()
            )
        );
    }

    #[test]
    fn credentials_are_never_kept() {
        for url in [
            "https://user:ghp_s3cret@github.com/acme/api.git",
            "https://x-access-token:ghp_s3cret@github.com/acme/api.git",
            "https://ghp_s3cret@github.com/acme/api",
        ] {
            let r = parse_remote_url(url).expect("parses");
            assert_eq!(r.host, "github.com");
            assert!(!format!("{r:?}").contains("s3cret"), "{r:?}");
        }
        let r =
            parse_remote_url("https://me:pat123@dev.azure.com/contoso/P/_git/r").expect("parses");
        assert!(!format!("{r:?}").contains("pat123"), "{r:?}");
        assert_eq!(r.org, "contoso");
    }

    #[test]
    fn local_and_odd_urls_name_nothing() {
        for url in [
            "/srv/git/api.git",
            "../api",
            "file:///srv/git/api.git",
            "C:\\src\\api",
            "https://github.com/",
            "https://github.com/acme",
            "",
        ] {
            assert_eq!(parse_remote_url(url), None, "{url}");
        }
    }

    #[test]
    fn origin_wins_and_rewrites_apply() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/up/api.git\n[remote \"origin\"]\n\turl = \"git@github.com:acme/api.git\" ; mine\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            remote_url(config).as_deref(),
            Some("git@github.com:acme/api.git")
        );
        let config = "[remote \"fork\"]\n  url = gh:me/api\n[url \"https://github.com/\"]\n  insteadOf = gh:\n";
        assert_eq!(
            remote_url(config).as_deref(),
            Some("https://github.com/me/api")
        );
        assert_eq!(remote_url("[core]\n"), None);
    }

    #[test]
    fn reads_a_checkout_and_a_worktree() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("api");
        std::fs::create_dir_all(repo.join(".git/worktrees/wt")).expect("mkdir");
        std::fs::write(
            repo.join(".git/config"),
            "[remote \"origin\"]\n\turl = https://token@github.com/acme/api.git\n",
        )
        .expect("write");
        let remote = read_remote(&repo).expect("remote");
        assert_eq!((remote.org.as_str(), remote.repo.as_str()), ("acme", "api"));
        // A worktree: `.git` is a file naming a gitdir whose `commondir` holds the config.
        let wt = tmp.path().join("wt");
        std::fs::create_dir_all(&wt).expect("mkdir");
        std::fs::write(
            wt.join(".git"),
            format!("gitdir: {}\n", repo.join(".git/worktrees/wt").display()),
        )
        .expect("write");
        std::fs::write(repo.join(".git/worktrees/wt/commondir"), "../..\n").expect("write");
        assert_eq!(read_remote(&wt).map(|r| r.repo), Some("api".to_string()));
    }
}
