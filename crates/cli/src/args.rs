//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use devquery_engine::RowFilter;

use crate::color::ColorWhen;
use crate::commands;

/// SQL over your DevOps estate: GitHub and Azure DevOps repositories, pipelines, runners, secrets
/// and permissions as tables, with posture rules as plain SQL.
#[derive(Debug, Parser)]
#[command(name = "devquery", version, about, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to colour output (logs, the report table, the shell, help): auto colours a
    /// terminal, unless NO_COLOR is set; CLICOLOR_FORCE colours pipes too.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto
    )]
    pub color: ColorWhen,

    /// Read this configuration file instead of the user's and the project's devquery.toml
    /// (see the README's "Configuration"); flags still override it.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no configuration file.
    #[arg(long, global = true)]
    pub no_config: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run SQL (-e or -f) and print the results.
    Query(commands::query::QueryArgs),
    /// List the tables, or the columns of one table.
    Tables(commands::tables::TablesArgs),
    /// Collect from the sources and write a Parquet snapshot.
    Collect(commands::collect::CollectArgs),
    /// Run the rules and write the compliance report (exit 10 + n with --fail-on).
    Report(Box<commands::report::ReportArgs>),
    /// List the rules, print one rule, or validate rule files (--check).
    Rules(commands::rules::RulesArgs),
    /// Interactive SQL shell (the default on a terminal): completion, history, `.help`.
    Shell(commands::shell::ShellArgs),
    /// Synthetic estates of any size, for scale benchmarks (`demo generate`).
    Demo(commands::demo::DemoArgs),
    /// Print the shell completion script: bash, zsh, fish, powershell or elvish.
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page, or write one per command into a directory (--out DIR).
    Man(commands::man::ManArgs),
}

/// Where the data comes from. With no source, the bundled demo estate is used.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Read a Parquet snapshot written by `devquery collect`.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["path", "github_org", "azure_org"])]
    pub snapshot: Option<PathBuf>,

    /// A repository checkout, or a directory of checkouts, to read pipeline files from
    /// (repeatable; no token or network needed).
    #[arg(long = "path", value_name = "DIR")]
    pub path: Vec<PathBuf>,

    /// A GitHub organisation to collect live (repeatable). Token from GH_TOKEN, else
    /// GITHUB_TOKEN; for GitHub Enterprise Server (--github-url), GH_ENTERPRISE_TOKEN or
    /// GITHUB_ENTERPRISE_TOKEN first.
    #[arg(long = "github-org", value_name = "ORG")]
    pub github_org: Vec<String>,

    /// GitHub API base URL (GitHub Enterprise Server, or a fake-forge server).
    #[arg(long, value_name = "URL", default_value = "https://api.github.com")]
    pub github_url: String,

    /// GitHub App id, to authenticate as an app installation instead of a token.
    #[arg(long, value_name = "ID", requires = "github_app_key")]
    pub github_app_id: Option<u64>,

    /// Private key (PEM) of the GitHub App.
    #[arg(long, value_name = "FILE", requires = "github_app_id")]
    pub github_app_key: Option<PathBuf>,

    /// An Azure DevOps organisation to collect live (repeatable). PAT from AZURE_DEVOPS_PAT,
    /// else AZURE_DEVOPS_EXT_PAT (the `az devops` variable).
    #[arg(long = "azure-org", value_name = "ORG")]
    pub azure_org: Vec<String>,

    /// Azure DevOps base URL (Azure DevOps Server, or a fake-forge server).
    #[arg(long, value_name = "URL", default_value = "https://dev.azure.com")]
    pub azure_url: String,

    /// Read the GitHub token from this environment variable instead (its NAME, never the
    /// token; `[github] token_env` in devquery.toml). Unset or empty is an error.
    #[arg(long, value_name = "NAME", value_parser = crate::config::EnvName)]
    pub github_token_env: Option<String>,

    /// Read the Azure DevOps PAT from this environment variable instead (its NAME, never the
    /// PAT; `[azure] pat_env` in devquery.toml). Unset or empty is an error.
    #[arg(long, value_name = "NAME", value_parser = crate::config::EnvName)]
    pub azure_pat_env: Option<String>,

    /// Parallel API requests per collector.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,

    /// Stop collecting cleanly after this many API requests.
    #[arg(long, value_name = "N")]
    pub max_requests: Option<u64>,

    /// Directory of the HTTP ETag cache (default: the user's cache directory).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Only repositories matching this glob (repeatable; `*`, `?`, case-insensitive): the
    /// repository name, or `org/name` when the glob has a `/`. Narrows every source: a
    /// snapshot, the demo, a live collection and --path (org-level rows stay for the orgs
    /// owning a selected repository).
    #[arg(long = "repo", value_name = "GLOB")]
    pub repo: Vec<String>,

    /// Only this organisation's rows (repeatable; globs allowed, case-insensitive), on every
    /// source.
    #[arg(long = "org", value_name = "NAME")]
    pub org: Vec<String>,

    /// Also collect archived repositories.
    #[arg(long)]
    pub include_archived: bool,

    /// GitHub: read everything over REST, one recursive tree per repository (finds pipeline
    /// files at any depth; about 2.5 times the requests of the default GraphQL batches).
    #[arg(long)]
    pub github_rest_only: bool,

    /// Memory SQL may use: sorts, joins and aggregations share it (sorts and aggregations
    /// spill to temporary files when it is full), and one call of repeat/lpad/rpad may produce
    /// an eighth of it. A size such as 512M or 8GiB, or `unlimited`.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "4GiB",
        value_parser = devquery_engine::parse_memory_limit
    )]
    // Spelled out so that clap takes the parser's `Option` (None: unlimited) as the value.
    pub memory_limit: ::std::option::Option<usize>,
}

impl SourceArgs {
    /// True when any live source (not a snapshot) was given.
    pub fn has_live_source(&self) -> bool {
        !self.path.is_empty() || !self.github_org.is_empty() || !self.azure_org.is_empty()
    }

    /// The `--org` / `--repo` row filter.
    pub fn row_filter(&self) -> RowFilter {
        RowFilter {
            orgs: self.org.clone(),
            repo_globs: self.repo.clone(),
        }
    }

    /// Human-readable descriptions of the sources, for manifests and prompts.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = &self.snapshot {
            out.push(format!("snapshot:{}", s.display()));
        }
        for p in &self.path {
            out.push(format!("path:{}", p.display()));
        }
        for o in &self.github_org {
            out.push(format!("github:{o}"));
        }
        for o in &self.azure_org {
            out.push(format!("azure_devops:{o}"));
        }
        out
    }
}

impl Default for SourceArgs {
    fn default() -> Self {
        Self {
            snapshot: None,
            path: Vec::new(),
            github_org: Vec::new(),
            github_url: "https://api.github.com".into(),
            github_app_id: None,
            github_app_key: None,
            azure_org: Vec::new(),
            azure_url: "https://dev.azure.com".into(),
            github_token_env: None,
            azure_pat_env: None,
            concurrency: 8,
            max_requests: None,
            cache_dir: None,
            repo: Vec::new(),
            org: Vec::new(),
            include_archived: false,
            github_rest_only: false,
            memory_limit: Some(devquery_engine::DEFAULT_MEMORY_LIMIT),
        }
    }
}

/// How wide text tables may be (`query` and the shell in table mode, `report`'s terminal
/// format).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct WidthArgs {
    /// Keep every column and the whole of every cell. Without it, a table printed to a terminal
    /// fits the terminal's width ($COLUMNS when set, also into a pipe): long cells end with '…',
    /// columns that do not fit are named under the table, and the report drops or shortens
    /// its less important columns. Pipes and files (without $COLUMNS) are never cut.
    #[arg(long)]
    pub wide: bool,
}

impl WidthArgs {
    /// The widest a table written to stdout may be: `None` with `--wide` or when nothing
    /// says a width (see [`devquery_engine::output::terminal_width`]).
    pub fn stdout_width(self) -> Option<usize> {
        if self.wide {
            None
        } else {
            devquery_engine::output::terminal_width()
        }
    }
}
