//! The bundled demo estate: `snapshots/demo`, embedded in the binary so every command has data
//! to show with no source, token or network.
//!
//! The estate is built by `devquery demo build` from the rule pack's fixture estates
//! (`queries/tests/<area>.yaml`): every rule's failing, passing and unknown estate becomes its
//! own organisation (`<org>--<rule-id>--<estate>`), so rules evaluate each estate on its own
//! and every bundled rule has both failing and passing resources in the demo.

use std::path::Path;

use anyhow::{Context, Result, bail};
use devquery_model::{Dataset, find, to_batch};
use serde_json::Value;

/// Parquet files and manifest of `snapshots/demo`, embedded at build time.
macro_rules! embed {
    ($($t:literal),* $(,)?) => {
        &[$(($t, include_bytes!(concat!("../../../snapshots/demo/", $t, ".parquet")))),*]
    };
}

/// `(table, parquet bytes)` of the embedded demo estate.
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

/// Builds the demo dataset from the fixture estates under `fixtures` (`queries/tests`).
pub fn build(fixtures: &Path) -> Result<Dataset> {
    let mut rows: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    let mut files: Vec<_> = std::fs::read_dir(fixtures)
        .with_context(|| format!("reading {}", fixtures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no fixture estates (*.yaml) in {}", fixtures.display());
    }
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let doc: Value =
            yaml_serde::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
        let Some(doc) = doc.as_object() else {
            bail!("{}: not a mapping of rule id -> estates", file.display());
        };
        let defaults = doc
            .get("defaults")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (rule, estates) in doc {
            if rule == "defaults" {
                continue;
            }
            let Some(estates) = estates.as_object() else {
                bail!("{}: `{rule}` is not a mapping of estates", file.display());
            };
            for (estate, tables) in estates {
                let Some(tables) = tables.as_object() else {
                    continue;
                };
                for (table, table_rows) in tables {
                    let spec = find(table).with_context(|| {
                        format!(
                            "{}: {rule}.{estate}: unknown table `{table}`",
                            file.display()
                        )
                    })?;
                    for row in table_rows.as_array().into_iter().flatten() {
                        let mut obj = row.as_object().cloned().unwrap_or_default();
                        for (k, v) in &defaults {
                            if spec.column(k).is_some() && !obj.contains_key(k) {
                                obj.insert(k.clone(), v.clone());
                            }
                        }
                        let org = obj
                            .get("org")
                            .and_then(Value::as_str)
                            .unwrap_or("demo")
                            .to_string();
                        obj.insert(
                            "org".into(),
                            Value::String(format!("{org}--{rule}--{estate}")),
                        );
                        rows.entry(spec.name.to_string())
                            .or_default()
                            .push(Value::Object(obj));
                    }
                }
            }
        }
    }
    let mut data = Dataset::new();
    for (table, table_rows) in rows {
        let spec = find(&table).with_context(|| format!("unknown table `{table}`"))?;
        let batch = to_batch(&spec, &table_rows)?;
        data.push_batch(spec.name, batch);
    }
    Ok(data)
}
