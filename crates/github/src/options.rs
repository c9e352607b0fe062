//! [`GithubOptions`]: what to collect and how. The CLI maps its flags onto these fields:
//!
//! | flag | field |
//! |---|---|
//! | `--github-org ORG` (repeatable) | `orgs` |
//! | `--github-url URL` | `base_url` (default `https://api.github.com`; GHES: `https://HOST/api/v3`) |
//! | `GH_TOKEN` / `GITHUB_TOKEN` env (GHES: `GH_ENTERPRISE_TOKEN` / `GITHUB_ENTERPRISE_TOKEN` first) | `token` ([`GithubOptions::from_env`], [`GithubOptions::read_token_env`]) |
//! | `--github-app-id ID` + `--github-app-key FILE` | `app` |
//! | `--concurrency N` | `concurrency` (default 8) |
//! | `--max-requests N` | `max_requests` |
//! | `--cache-dir DIR` / `--no-cache` | `cache_dir` / `no_cache` |
//! | `--repo GLOB` (repeatable) | `repo_globs` |
//! | `--include-archived` | `include_archived` |
//! | `--no-progress` | `progress` |
//! | `--full` | `full` |
//! | `--github-rest-only` | `graphql = false` |

use std::path::PathBuf;
use std::time::Duration;

use devquery_collect::Secret;

/// GitHub App installation auth.
#[derive(Debug, Clone)]
pub struct AppAuth {
    /// App id.
    pub app_id: u64,
    /// Path of the app's private key (PEM).
    pub private_key_path: PathBuf,
}

/// Options of a GitHub collection.
#[derive(Debug, Clone)]
pub struct GithubOptions {
    /// Organisations to collect.
    pub orgs: Vec<String>,
    /// REST API base URL: `https://api.github.com`, `https://HOST/api/v3` (GHES), or a fake.
    pub base_url: String,
    /// Personal access token or installation token (never logged).
    pub token: Option<Secret>,
    /// GitHub App auth (takes precedence over `token`): one installation token per org.
    pub app: Option<AppAuth>,
    /// Refuse to start without a token or an App ([`crate::Error::Unauthorized`]): an
    /// anonymous collection reads almost nothing. [`GithubOptions::from_env`] (the CLI) sets it;
    /// the default allows anonymous runs against fakes that need no token.
    pub require_credentials: bool,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Stop cleanly after this many requests.
    pub max_requests: Option<u64>,
    /// ETag cache directory; `None` = the default (`<user cache dir>/devquery/http`).
    pub cache_dir: Option<PathBuf>,
    /// Disable the ETag cache.
    pub no_cache: bool,
    /// Only repositories whose name matches one of these globs (`*`, `?`); empty = all.
    pub repo_globs: Vec<String>,
    /// Also collect archived repositories.
    pub include_archived: bool,
    /// Progress bar on stderr when it is a terminal.
    pub progress: bool,
    /// Do not skip per-repository calls whose answer is implied (see the crate docs).
    pub full: bool,
    /// Read protection, rules, collaborators and file listings for 20 repositories per GraphQL
    /// request (default); `false` = REST only, one recursive tree per repository (finds pipeline
    /// files at any depth, costs about 2.5 times the requests).
    pub graphql: bool,
    /// First retry delay (doubles per retry); tests shorten it.
    pub initial_backoff: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl Default for GithubOptions {
    fn default() -> Self {
        Self {
            orgs: Vec::new(),
            base_url: "https://api.github.com".into(),
            token: None,
            app: None,
            require_credentials: false,
            concurrency: 8,
            max_requests: None,
            cache_dir: None,
            no_cache: false,
            repo_globs: Vec::new(),
            include_archived: false,
            progress: true,
            full: false,
            graphql: true,
            initial_backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(30),
        }
    }
}

impl GithubOptions {
    /// Options for `orgs` on `https://api.github.com` with the token read from the environment
    /// in `gh`'s order ([`GithubOptions::token_variables`]); a collection without a token (and
    /// no App) is refused ([`GithubOptions::require_credentials`]). After changing `base_url`
    /// to another host, call [`GithubOptions::read_token_env`] to read that host's variables.
    pub fn from_env(orgs: Vec<String>) -> Self {
        let mut options = Self {
            orgs,
            require_credentials: true,
            ..Self::default()
        };
        options.read_token_env();
        options
    }

    /// The environment variables holding the token for `host`, first set (non-empty) wins, as
    /// the `gh` CLI reads them: `GH_TOKEN`, then `GITHUB_TOKEN` for github.com; for any other
    /// host (GitHub Enterprise Server, a fake), `GH_ENTERPRISE_TOKEN` and
    /// `GITHUB_ENTERPRISE_TOKEN` first, then those two.
    pub fn token_variables(host: &str) -> &'static [&'static str] {
        const DOTCOM: &[&str] = &["GH_TOKEN", "GITHUB_TOKEN"];
        const ENTERPRISE: &[&str] = &[
            "GH_ENTERPRISE_TOKEN",
            "GITHUB_ENTERPRISE_TOKEN",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ];
        if host == "github.com" {
            DOTCOM
        } else {
            ENTERPRISE
        }
    }

    /// Sets `token` from the environment for the host of `base_url`
    /// ([`GithubOptions::token_variables`]); `None` when none of them is set.
    pub fn read_token_env(&mut self) {
        let vars = Self::token_variables(&self.host());
        self.token = token_from(vars, |k| std::env::var(k).ok());
    }

    /// Checks `base_url` with the shared rule ([`devquery_collect::check_api_url`]): `http` or
    /// `https`, a host, and no `user:password@` (refused before anything stores or logs it). The
    /// message names `--github-url` and never repeats the URL.
    pub fn check_base_url(&self) -> Result<(), crate::Error> {
        devquery_collect::check_api_url(&self.base_url)
            .map(|_| ())
            .map_err(|e| crate::Error::Options(format!("--github-url {e}")))
    }

    /// The origins the token may be sent to: the origin of `base_url` (REST and GraphQL share
    /// it, on github.com and on GHES); empty when `base_url` is not a valid URL.
    pub fn api_origins(&self) -> Vec<String> {
        devquery_collect::origin_of(self.base_url.trim())
            .into_iter()
            .collect()
    }

    /// The host recorded in the `host` column: `github.com` for the public API, else the
    /// host (and port) of `base_url` (never any `user:password@`).
    pub fn host(&self) -> String {
        let url = self.base_url.trim().trim_end_matches('/');
        let without_scheme = url.split("://").nth(1).unwrap_or(url);
        let host = without_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or(without_scheme);
        let host = host.rsplit('@').next().unwrap_or(host);
        if host == "api.github.com" {
            "github.com".to_string()
        } else {
            host.to_string()
        }
    }

    /// Whether `repo` passes the `--repo` globs (`*`, `?`, case-insensitive: see
    /// [`devquery_model::glob`]).
    pub fn repo_selected(&self, repo: &str) -> bool {
        self.repo_globs.is_empty()
            || self
                .repo_globs
                .iter()
                .any(|g| devquery_model::glob_match_ignore_case(g, repo))
    }
}

/// The first of `vars` that `get` finds set to a non-blank value, trimmed.
fn token_from(vars: &[&str], get: impl Fn(&str) -> Option<String>) -> Option<Secret> {
    vars.iter()
        .find_map(|&k| get(k).filter(|v| !v.trim().is_empty()))
        .map(|v| Secret::new(v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(host: &str, env: &[(&str, &str)]) -> Option<String> {
        let get = |k: &str| {
            env.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_string())
        };
        token_from(GithubOptions::token_variables(host), get).map(|s| s.expose().to_string())
    }

    #[test]
    fn gh_token_beats_github_token_as_in_gh() {
        let both = [("GITHUB_TOKEN", "from-github"), ("GH_TOKEN", "from-gh")];
        assert_eq!(token("github.com", &both).as_deref(), Some("from-gh"));
        let only = [("GITHUB_TOKEN", "from-github"), ("GH_TOKEN", "  ")];
        assert_eq!(token("github.com", &only).as_deref(), Some("from-github"));
        assert_eq!(token("github.com", &[]), None);
    }

    #[test]
    fn an_enterprise_host_reads_the_enterprise_variables_first() {
        let env = [
            ("GH_TOKEN", "dotcom"),
            ("GITHUB_ENTERPRISE_TOKEN", "ghes-2"),
            ("GH_ENTERPRISE_TOKEN", "ghes-1"),
        ];
        assert_eq!(token("ghes.example.com", &env).as_deref(), Some("ghes-1"));
        assert_eq!(
            token("ghes.example.com", &env[..2]).as_deref(),
            Some("ghes-2")
        );
        assert_eq!(
            token("ghes.example.com", &env[..1]).as_deref(),
            Some("dotcom")
        );
        // github.com never reads the enterprise variables.
        assert_eq!(token("github.com", &env[1..]), None);
    }

    #[test]
    fn the_host_of_the_base_url_decides() {
        let mut o = GithubOptions::default();
        assert_eq!(GithubOptions::token_variables(&o.host())[0], "GH_TOKEN");
        o.base_url = "https://ghes.example.com/api/v3".into();
        assert_eq!(
            GithubOptions::token_variables(&o.host())[0],
            "GH_ENTERPRISE_TOKEN"
        );
    }
}
