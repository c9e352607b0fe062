//! Turns the source flags into an [`Engine`]: a snapshot, live collection, or the demo estate.

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
    Ok(Opened {
        engine: Engine::new(options)?,
        label: "empty catalogue".into(),
    })
}
