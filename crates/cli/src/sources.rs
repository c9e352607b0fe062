//! Turns the source flags into an [`Engine`]: a snapshot, live collection, or the demo estate,
//! narrowed by `--org` / `--repo` whatever the source (see [`devquery_engine::filter`]).

use anyhow::{Context, Result};
use devquery_engine::{Engine, EngineOptions, filter_dataset};
use devquery_model::Dataset;

use crate::args::SourceArgs;

/// An opened source, ready for SQL.
#[derive(Debug)]
pub struct Opened {
    /// The session.
    pub engine: Engine,
    /// Short description for prompts and report headers.
    pub label: String,
}

/// Collects every live source into one dataset.
pub async fn collect(sources: &SourceArgs) -> Result<Dataset> {
    check_urls(sources)?;
    let mut data = Dataset::new();
    if !sources.path.is_empty() {
        let paths = sources.path.clone();
        let local = tokio::task::spawn_blocking(move || devquery_pipelines::collect_paths(&paths))
            .await
            .context("local collection task failed")?
            .context("reading --path checkouts")?;
        data.merge(local);
    }
    // A bar on a terminal, else plain rate-limited lines on stderr (devquery_collect::Progress).
    let progress = true;
    if !sources.github_org.is_empty() {
        let mut opts = devquery_github::GithubOptions::from_env(sources.github_org.clone());
        opts.base_url = sources.github_url.clone();
        // The token variables depend on the host (GH_ENTERPRISE_TOKEN first off github.com).
        opts.read_token_env();
        if let Some(name) = &sources.github_token_env {
            opts.token = Some(named_secret(name, "--github-token-env")?);
        }
        opts.app = match (sources.github_app_id, &sources.github_app_key) {
            (Some(app_id), Some(key)) => Some(devquery_github::AppAuth {
                app_id,
                private_key_path: key.clone(),
            }),
            _ => None,
        };
        opts.concurrency = sources.concurrency.max(1);
        opts.max_requests = sources.max_requests;
        opts.cache_dir = sources.cache_dir.clone();
        opts.repo_globs = collector_repo_globs(&sources.repo);
        opts.include_archived = sources.include_archived;
        opts.graphql = !sources.github_rest_only;
        opts.progress = progress;
        let github = devquery_github::collect(&opts)
            .await
            .context("collecting from GitHub")?;
        data.merge(github);
    }
    if !sources.azure_org.is_empty() {
        let mut opts = devquery_azure_devops::AzureOptions::from_env(sources.azure_org.clone());
        opts.base_url = sources.azure_url.clone();
        if let Some(name) = &sources.azure_pat_env {
            opts.pat = Some(named_secret(name, "--azure-pat-env")?);
        }
        opts.concurrency = sources.concurrency.max(1);
        opts.max_requests = sources.max_requests;
        opts.cache_dir = sources.cache_dir.clone();
        opts.progress = progress;
        let azure = devquery_azure_devops::collect(&opts)
            .await
            .context("collecting from Azure DevOps")?;
        data.merge(azure);
    }
    filter_dataset(&mut data, &sources.row_filter()).context("applying --org / --repo")?;
    Ok(data)
}

/// The token in the environment variable `name` (`--github-token-env` / `--azure-pat-env`, or
/// `token_env` / `pat_env` in devquery.toml): a usage error when it is unset or blank, so that a
/// misspelt name never falls back to another variable's token.
fn named_secret(name: &str, flag: &str) -> Result<devquery_github::Secret> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .map(devquery_github::Secret::new)
        .ok_or_else(|| {
            crate::exit::usage(format!(
                "{flag} {name}: the environment variable {name} is not set"
            ))
        })
}

/// Refuses a `--github-url` / `--azure-url` with credentials in it (or not http(s)) with a
/// usage error (exit 2) that does not repeat the URL, before anything stores or logs it.
fn check_urls(sources: &SourceArgs) -> Result<()> {
    let github = devquery_github::GithubOptions {
        base_url: sources.github_url.clone(),
        ..devquery_github::GithubOptions::default()
    };
    github
        .check_base_url()
        .map_err(|e| crate::exit::usage(e.to_string()))?;
    let mut azure = devquery_azure_devops::AzureOptions::new(Vec::new());
    azure.base_url = sources.azure_url.clone();
    azure
        .check_base_url()
        .map_err(|e| crate::exit::usage(e.to_string()))
}

/// The `--repo` globs the GitHub collector applies to repository names while listing: a glob
/// with `/` (`org/name`) gives its last segment, so the collector may fetch a few extra
/// repositories of other orgs, which the row filter then drops.
fn collector_repo_globs(globs: &[String]) -> Vec<String> {
    globs
        .iter()
        .map(|g| g.rsplit('/').next().unwrap_or(g).to_string())
        .collect()
}

/// The engine options of a command, with the sources' `--org` / `--repo` filter and
/// `--memory-limit`.
pub fn engine_options(sources: &SourceArgs) -> EngineOptions {
    with_filter(sources, EngineOptions::default())
}

fn with_filter(sources: &SourceArgs, mut options: EngineOptions) -> EngineOptions {
    if options.filter.is_empty() {
        options.filter = sources.row_filter();
    }
    options.memory_limit = sources.memory_limit;
    options
}

/// A label with the filter appended (`demo (--org acme, --repo api)`).
fn labelled(label: String, sources: &SourceArgs) -> String {
    let flags: Vec<String> = sources
        .org
        .iter()
        .map(|o| format!("--org {o}"))
        .chain(sources.repo.iter().map(|r| format!("--repo {r}")))
        .collect();
    if flags.is_empty() {
        label
    } else {
        format!("{label} ({})", flags.join(", "))
    }
}

/// Opens the sources as a query session, its `devquery_rules` filled with the bundled rules.
pub async fn open(sources: &SourceArgs, options: EngineOptions) -> Result<Opened> {
    let opened = open_source(sources, options).await?;
    devquery_rules::RuleSet::bundled()?.register_catalogue(&opened.engine)?;
    Ok(opened)
}

/// Opens the sources as a query session (the catalogue tables hold no rules yet).
async fn open_source(sources: &SourceArgs, options: EngineOptions) -> Result<Opened> {
    let options = with_filter(sources, options);
    if let Some(dir) = &sources.snapshot {
        let (engine, manifest) = Engine::from_snapshot(dir, options).await?;
        tracing::info!(
            "snapshot {} collected at {} ({} sources)",
            dir.display(),
            manifest.collected_at,
            manifest.sources.len()
        );
        return Ok(Opened {
            engine,
            label: labelled(dir.display().to_string(), sources),
        });
    }
    if sources.has_live_source() {
        let data = collect(sources).await?;
        return Ok(Opened {
            engine: Engine::from_dataset(&data, options)?,
            label: labelled(sources.describe().join(", "), sources),
        });
    }
    let data = tokio::task::spawn_blocking(crate::demo::embedded)
        .await
        .context("loading the demo estate")??;
    Ok(Opened {
        engine: Engine::from_dataset(&data, options)?,
        label: labelled("demo".into(), sources),
    })
}
