//! Turns the source flags into an [`Engine`]: a snapshot, live collection, or the demo estate.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use devquery_engine::{Engine, EngineOptions};
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
    let mut data = Dataset::new();
    if !sources.path.is_empty() {
        let paths = sources.path.clone();
        let local = tokio::task::spawn_blocking(move || devquery_pipelines::collect_paths(&paths))
            .await
            .context("local collection task failed")?
            .context("reading --path checkouts")?;
        data.merge(local);
    }
    let progress = std::io::stderr().is_terminal();
    if !sources.github_org.is_empty() {
        let mut opts = devquery_github::GithubOptions::from_env(sources.github_org.clone());
        opts.base_url = sources.github_url.clone();
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
        opts.repo_globs = sources.repo.clone();
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
        opts.concurrency = sources.concurrency.max(1);
        opts.max_requests = sources.max_requests;
        opts.cache_dir = sources.cache_dir.clone();
        opts.progress = progress;
        let azure = devquery_azure_devops::collect(&opts)
            .await
            .context("collecting from Azure DevOps")?;
        data.merge(azure);
    }
    Ok(data)
}

/// Opens the sources as a query session.
pub async fn open(sources: &SourceArgs, options: EngineOptions) -> Result<Opened> {
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
            label: dir.display().to_string(),
        });
    }
    if sources.has_live_source() {
        let data = collect(sources).await?;
        return Ok(Opened {
            engine: Engine::from_dataset(&data, options)?,
            label: sources.describe().join(", "),
        });
    }
    let data = tokio::task::spawn_blocking(crate::demo::embedded)
        .await
        .context("loading the demo estate")??;
    Ok(Opened {
        engine: Engine::from_dataset(&data, options)?,
        label: "demo".into(),
    })
}
