//! [`AzureOptions`]: what to collect and how (organisations, base URL, PAT, HTTP policy knobs).

use std::path::PathBuf;
use std::time::Duration;

use devquery_collect::{HttpPolicy, Secret};

/// The Azure DevOps Services host.
pub const DEFAULT_BASE_URL: &str = "https://dev.azure.com";

/// Environment variable holding the personal access token.
pub const PAT_ENV: &str = "AZURE_DEVOPS_PAT";

/// The variables read for the PAT, first set (non-empty) wins: [`PAT_ENV`], then the `az devops`
/// CLI's `AZURE_DEVOPS_EXT_PAT`.
pub const PAT_ENVS: [&str; 2] = [PAT_ENV, "AZURE_DEVOPS_EXT_PAT"];

/// Options of one Azure DevOps collection. Build with [`AzureOptions::new`] or
/// [`AzureOptions::from_env`], then adjust fields.
#[derive(Debug, Clone)]
pub struct AzureOptions {
    /// Organisations to collect (`--azure-org`, repeatable).
    pub orgs: Vec<String>,
    /// Base URL (`--azure-url`): `https://dev.azure.com`, an Azure DevOps Server collection URL
    /// or the fake server. For `https://dev.azure.com` the graph is read from
    /// `https://vssps.dev.azure.com` and Advanced Security from `https://advsec.dev.azure.com`;
    /// any other base URL serves every API itself.
    pub base_url: String,
    /// Personal access token (Basic auth, empty user name); never printed.
    pub pat: Option<Secret>,
    /// Requests in flight at once (`--concurrency`).
    pub concurrency: usize,
    /// Stop cleanly after this many requests (`--max-requests`).
    pub max_requests: Option<u64>,
    /// ETag cache directory (`--cache-dir`); `None` disables conditional requests.
    pub cache_dir: Option<PathBuf>,
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
    /// Retries of one request on 5xx / transport errors / truncated JSON.
    pub max_retries: u32,
    /// First retry backoff (doubles per retry).
    pub initial_backoff: Duration,
    /// Longest rate-limit wait accepted before the collection stops.
    pub max_rate_limit_wait: Duration,
    /// `api-version` sent with every call.
    pub api_version: String,
}

impl AzureOptions {
    /// Options for `orgs` on `https://dev.azure.com` without a PAT.
    pub fn new(orgs: Vec<String>) -> Self {
        let defaults = HttpPolicy::default();
        Self {
            orgs,
            base_url: DEFAULT_BASE_URL.to_string(),
            pat: None,
            concurrency: defaults.concurrency,
            max_requests: None,
            cache_dir: defaults.cache_dir,
            progress: true,
            max_retries: defaults.max_retries,
            initial_backoff: defaults.initial_backoff,
            max_rate_limit_wait: defaults.max_rate_limit_wait,
            api_version: "7.1".to_string(),
        }
    }

    /// Options for `orgs` with the PAT read from `AZURE_DEVOPS_PAT`, else `AZURE_DEVOPS_EXT_PAT`
    /// ([`PAT_ENVS`]; unset or empty: no PAT).
    pub fn from_env(orgs: Vec<String>) -> Self {
        let mut o = Self::new(orgs);
        o.pat = pat_from(|k| std::env::var(k).ok());
        o
    }

    /// Checks `base_url` with the shared rule ([`devquery_collect::check_api_url`]): `http` or
    /// `https`, a host, and no `user:password@` (refused before anything stores or logs it). The
    /// message names `--azure-url` and never repeats the URL.
    pub fn check_base_url(&self) -> Result<(), crate::Error> {
        devquery_collect::check_api_url(&self.base_url)
            .map(|_| ())
            .map_err(|e| crate::Error::Options(format!("--azure-url {e}")))
    }

    /// The origins the PAT may be sent to: the base URL's and, on `https://dev.azure.com`, the
    /// graph (`vssps`) and Advanced Security (`advsec`) hosts the collector reads.
    pub fn api_origins(&self) -> Vec<String> {
        let urls = [
            self.base().to_string(),
            self.graph_url(""),
            self.advsec_url(""),
        ];
        let mut origins: Vec<String> = urls
            .iter()
            .filter_map(|u| devquery_collect::origin_of(u))
            .collect();
        origins.sort();
        origins.dedup();
        origins
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    /// The `host` join key: host (and port) of the base URL.
    pub fn host(&self) -> String {
        match reqwest::Url::parse(self.base()) {
            Ok(u) => match (u.host_str(), u.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => self.base().to_string(),
            },
            Err(_) => self.base().to_string(),
        }
    }

    /// Base URL of the organisation for core APIs.
    pub fn org_url(&self, org: &str) -> String {
        format!("{}/{org}", self.base())
    }

    fn sibling_host(&self, prefix: &str, org: &str) -> String {
        match reqwest::Url::parse(self.base()) {
            Ok(u) if u.host_str() == Some("dev.azure.com") => {
                format!("https://{prefix}.dev.azure.com/{org}")
            }
            _ => self.org_url(org),
        }
    }

    /// Base URL of the organisation for the Graph API (`vssps`).
    pub fn graph_url(&self, org: &str) -> String {
        self.sibling_host("vssps", org)
    }

    /// Base URL of the organisation for the Advanced Security API (`advsec`).
    pub fn advsec_url(&self, org: &str) -> String {
        self.sibling_host("advsec", org)
    }

    /// The shared HTTP policy for these options.
    pub fn http_policy(&self) -> HttpPolicy {
        HttpPolicy {
            concurrency: self.concurrency.max(1),
            max_requests: self.max_requests,
            max_retries: self.max_retries,
            initial_backoff: self.initial_backoff,
            max_rate_limit_wait: self.max_rate_limit_wait,
            cache_dir: self.cache_dir.clone(),
            allowed_origins: self.api_origins(),
            ..HttpPolicy::default()
        }
    }
}

/// The first of [`PAT_ENVS`] that `get` finds set to a non-blank value.
fn pat_from(get: impl Fn(&str) -> Option<String>) -> Option<Secret> {
    PAT_ENVS
        .iter()
        .find_map(|&k| get(k).filter(|s| !s.trim().is_empty()))
        .map(Secret::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(env: &[(&str, &str)]) -> Option<String> {
        pat_from(|k: &str| {
            env.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_string())
        })
        .map(|s| s.expose().to_string())
    }

    #[test]
    fn azure_devops_pat_beats_the_az_devops_variable() {
        let both = [("AZURE_DEVOPS_EXT_PAT", "az"), ("AZURE_DEVOPS_PAT", "ours")];
        assert_eq!(pat(&both).as_deref(), Some("ours"));
        assert_eq!(pat(&both[..1]).as_deref(), Some("az"));
        assert_eq!(pat(&[("AZURE_DEVOPS_PAT", " ")]), None);
    }
}
