//! The bundled demo estate: `snapshots/demo`, embedded in the binary so every command has data
//! to show with no source, token or network.
//!
//! The estate is produced by the `devquery-demo-build` binary (`crates/demo-build`), which
//! collects curated scenarios from in-process fake servers with the real collectors; the fake
//! servers are not part of this binary.

use anyhow::{Context, Result};
use devquery_model::Dataset;

/// Parquet files and manifest of `snapshots/demo`, embedded at build time.
macro_rules! embed {
    ($($t:literal),* $(,)?) => {
        &[$(($t, include_bytes!(concat!("../../../snapshots/demo/", $t, ".parquet")))),*]
    };
}

/// `(table, parquet bytes)` of the embedded demo estate (every table of the catalogue).
pub const EMBEDDED: &[(&str, &[u8])] = embed!(
    "orgs",
    "projects",
    "repositories",
    "branch_policies",
    "pipelines",
    "pipeline_jobs",
    "pipeline_steps",
    "pipeline_settings",
    "runners",
    "runner_groups",
    "secrets",
    "variables",
    "resource_authorizations",
    "service_connections",
    "environments",
    "access_grants",
    "members",
    "teams",
    "webhooks",
    "deploy_keys",
    "integrations",
    "alerts",
    "collection_errors",
    "collection_runs",
    "findings",
);

/// The embedded demo estate as a dataset.
pub fn embedded() -> Result<Dataset> {
    devquery_engine::snapshot::read_embedded(EMBEDDED).context("reading the embedded demo estate")
}
