//! Collects the demo scenarios: starts the in-process fake GitHub and fake Azure DevOps servers
//! (`devquery-fake-forge`) on loopback ports, serves a curated scenario on each —
//! `crates/fake-forge/scenarios/github-demo.yaml` (the `acme-corp` and `acme-platform`
//! organisations) and `crates/fake-forge/scenarios/azure-rules.yaml` (the `fabrikam`
//! organisation) — collects both with `devquery_github::collect` and
//! `devquery_azure_devops::collect`, and merges the two datasets.
//!
//! The result is then made reproducible: the fakes' loopback addresses become the public hosts
//! (`github.com`, `api.github.com`, `dev.azure.com`), run ids and run / error timestamps are
//! pinned to [`COLLECTED_AT`], and every table's rows are sorted, so rebuilding from the same
//! scenarios writes the same Parquet files.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use datafusion::arrow::array::{
    Array, ArrayRef, GenericListArray, Int64Array, MapArray, OffsetSizeTrait, RecordBatch,
    StringArray, StructArray, TimestampMicrosecondArray, UInt32Array,
};
use datafusion::arrow::compute::{concat_batches, take_record_batch};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use devquery_fake_forge::{azure, github};
use devquery_model::Dataset;

/// When the demo estate was "collected": the manifest's `collected_at` and every run and error
/// timestamp.
pub const COLLECTED_AT: &str = "2026-11-22T09:00:00Z";

/// What the fake GitHub's address is replaced with: (API URL, host).
const GITHUB_PUBLIC: (&str, &str) = ("https://api.github.com", "github.com");
/// What the fake Azure DevOps' address is replaced with: (base URL, host).
const AZURE_PUBLIC: (&str, &str) = ("https://dev.azure.com", "dev.azure.com");

/// The two scenarios the demo estate is collected from.
#[derive(Debug, Clone)]
pub struct Scenarios {
    /// Fake GitHub scenario (one or more organisations).
    pub github: github::Scenario,
    /// Fake Azure DevOps scenario (one organisation).
    pub azure: azure::Scenario,
}

impl Scenarios {
    /// The bundled scenarios, or the given files instead.
    pub fn load(github_file: Option<&Path>, azure_file: Option<&Path>) -> Result<Self> {
        let github = match github_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                github::Scenario::from_yaml(&text)
                    .with_context(|| format!("parsing the GitHub scenario {}", path.display()))?
            }
            None => github::demo_scenario().context("parsing the bundled GitHub demo scenario")?,
        };
        let azure = match azure_file {
            Some(path) => azure::Scenario::load(path)
                .with_context(|| format!("loading the Azure DevOps scenario {}", path.display()))?,
            None => azure::rules_scenario()
                .context("parsing the bundled Azure DevOps rules scenario")?,
        };
        Ok(Self { github, azure })
    }

    /// `sources` of the snapshot manifest.
    pub fn sources(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .github
            .orgs
            .iter()
            .map(|o| format!("github:{}", o.login))
            .collect();
        out.push(format!("azure_devops:{}", self.azure.org));
        out
    }
}

/// Serves `scenarios` on in-process fake servers, collects them with the real collectors and
/// returns the merged, normalised dataset.
pub async fn build(scenarios: &Scenarios) -> Result<Dataset> {
    let gh = github::FakeGithub::start(scenarios.github.clone())
        .await
        .context("starting the fake GitHub")?;
    let gh_opts = devquery_github::GithubOptions {
        orgs: scenarios
            .github
            .orgs
            .iter()
            .map(|o| o.login.clone())
            .collect(),
        base_url: gh.base_url().to_string(),
        token: scenarios
            .github
            .token
            .value
            .clone()
            .map(devquery_github::Secret::new),
        no_cache: true,
        progress: false,
        concurrency: 4,
        initial_backoff: Duration::from_millis(10),
        ..devquery_github::GithubOptions::default()
    };
    let github_data = devquery_github::collect(&gh_opts)
        .await
        .context("collecting the fake GitHub")?;

    let az = azure::AzureFake::start(scenarios.azure.clone(), azure::ServerConfig::default())
        .await
        .context("starting the fake Azure DevOps")?;
    let mut az_opts = devquery_azure_devops::AzureOptions::new(vec![scenarios.azure.org.clone()]);
    az_opts.base_url = az.base_url().to_string();
    az_opts.pat = Some(devquery_azure_devops::Secret::new(
        scenarios
            .azure
            .pat
            .clone()
            .unwrap_or_else(|| "demo".to_string()),
    ));
    az_opts.cache_dir = None;
    az_opts.progress = false;
    az_opts.concurrency = 4;
    az_opts.initial_backoff = Duration::from_millis(10);
    let azure_data = devquery_azure_devops::collect(&az_opts)
        .await
        .context("collecting the fake Azure DevOps")?;

    let mut data = Dataset::new();
    let gh_limit = i64::try_from(scenarios.github.rate_limit.limit).ok();
    data.merge(normalise(
        &github_data,
        gh.base_url(),
        GITHUB_PUBLIC,
        "demo-github",
        gh_limit,
    )?);
    data.merge(normalise(
        &azure_data,
        az.base_url(),
        AZURE_PUBLIC,
        "demo-azure-devops",
        None,
    )?);
    sorted(&data)
}

/// One platform's dataset with the fake's address replaced by the public one (`fake_url` →
/// `public.0`, its `host:port` → `public.1`, in every text value) and run ids and run / error
/// timestamps pinned. The remaining rate limit a run saw depends on which concurrent response
/// came last; with `rate_limit` it is pinned to `rate_limit - api_requests`.
fn normalise(
    data: &Dataset,
    fake_url: &str,
    public: (&str, &str),
    run_id: &str,
    rate_limit: Option<i64>,
) -> Result<Dataset> {
    let fake_url = fake_url.trim_end_matches('/');
    let fake_host = fake_url.split("://").nth(1).unwrap_or(fake_url);
    let rewrite = |s: &str| -> Option<String> {
        s.contains(fake_host)
            .then(|| s.replace(fake_url, public.0).replace(fake_host, public.1))
    };
    let collected_at = chrono::DateTime::parse_from_rfc3339(COLLECTED_AT)
        .context("COLLECTED_AT is RFC 3339")?
        .timestamp_micros();
    let mut out = Dataset::new();
    for (table, batches) in data.iter() {
        if batches.is_empty() {
            // Keep declared-but-empty tables declared.
            out.merge(empty_table(table));
            continue;
        }
        for batch in batches {
            let schema = batch.schema();
            let mut columns = Vec::with_capacity(batch.num_columns());
            for (field, column) in schema.fields().iter().zip(batch.columns()) {
                let pinned: Option<ArrayRef> = match (table, field.name().as_str()) {
                    ("collection_runs" | "collection_errors", "run_id") => {
                        Some(Arc::new(StringArray::from(vec![run_id; batch.num_rows()])))
                    }
                    ("collection_runs", "started_at" | "finished_at")
                    | ("collection_errors", "at") => match field.data_type() {
                        DataType::Timestamp(TimeUnit::Microsecond, tz) => Some(Arc::new(
                            TimestampMicrosecondArray::from(vec![collected_at; batch.num_rows()])
                                .with_timezone_opt(tz.clone()),
                        )),
                        _ => None,
                    },
                    ("collection_runs", "rate_limit_remaining") => {
                        remaining(batch, column, rate_limit)
                    }
                    _ => None,
                };
                columns.push(match pinned {
                    Some(c) => c,
                    None => map_strings(column, &rewrite)?,
                });
            }
            let batch = RecordBatch::try_new(schema, columns)
                .with_context(|| format!("rebuilding {table}"))?;
            out.push_batch(table, batch);
        }
    }
    Ok(out)
}

/// `rate_limit - api_requests` where `column` (the remaining rate limit) is set.
fn remaining(batch: &RecordBatch, column: &ArrayRef, rate_limit: Option<i64>) -> Option<ArrayRef> {
    let limit = rate_limit?;
    let requests = batch
        .column_by_name("api_requests")?
        .as_any()
        .downcast_ref::<Int64Array>()?;
    let pinned: Int64Array = (0..batch.num_rows())
        .map(|i| (column.is_valid(i) && requests.is_valid(i)).then(|| limit - requests.value(i)))
        .collect();
    Some(Arc::new(pinned))
}

fn empty_table(table: &str) -> Dataset {
    let mut d = Dataset::new();
    if let Some(spec) = devquery_model::find(table) {
        d.push_batch(spec.name, RecordBatch::new_empty(spec.schema()));
    }
    d
}

/// `array` with `f` applied to every text value, nested ones (lists, structs, maps) included;
/// values for which `f` returns `None` are kept.
fn map_strings(array: &ArrayRef, f: &dyn Fn(&str) -> Option<String>) -> Result<ArrayRef> {
    Ok(match array.data_type() {
        DataType::Utf8 => {
            let Some(strings) = array.as_any().downcast_ref::<StringArray>() else {
                return Ok(array.clone());
            };
            if !strings.iter().flatten().any(|s| f(s).is_some()) {
                return Ok(array.clone());
            }
            let mapped: StringArray = strings
                .iter()
                .map(|v| v.map(|s| f(s).unwrap_or_else(|| s.to_string())))
                .collect();
            Arc::new(mapped)
        }
        DataType::List(_) => map_list::<i32>(array, f)?,
        DataType::LargeList(_) => map_list::<i64>(array, f)?,
        DataType::Struct(_) => {
            let Some(s) = array.as_any().downcast_ref::<StructArray>() else {
                return Ok(array.clone());
            };
            let columns = s
                .columns()
                .iter()
                .map(|c| map_strings(c, f))
                .collect::<Result<Vec<_>>>()?;
            Arc::new(StructArray::try_new(
                s.fields().clone(),
                columns,
                s.nulls().cloned(),
            )?)
        }
        DataType::Map(field, ordered) => {
            let Some(m) = array.as_any().downcast_ref::<MapArray>() else {
                return Ok(array.clone());
            };
            let entries: ArrayRef = Arc::new(m.entries().clone());
            let entries = map_strings(&entries, f)?;
            let Some(entries) = entries.as_any().downcast_ref::<StructArray>() else {
                return Ok(array.clone());
            };
            Arc::new(MapArray::try_new(
                field.clone(),
                m.offsets().clone(),
                entries.clone(),
                m.nulls().cloned(),
                *ordered,
            )?)
        }
        _ => array.clone(),
    })
}

fn map_list<O: OffsetSizeTrait>(
    array: &ArrayRef,
    f: &dyn Fn(&str) -> Option<String>,
) -> Result<ArrayRef> {
    let Some(list) = array.as_any().downcast_ref::<GenericListArray<O>>() else {
        return Ok(array.clone());
    };
    let (DataType::List(field) | DataType::LargeList(field)) = array.data_type() else {
        return Ok(array.clone());
    };
    let values = map_strings(list.values(), f)?;
    Ok(Arc::new(GenericListArray::<O>::try_new(
        field.clone(),
        list.offsets().clone(),
        values,
        list.nulls().cloned(),
    )?))
}

/// Every table as one batch with its rows in a stable order (by the text of all columns), so
/// the order in which concurrent requests finished does not show in the snapshot.
fn sorted(data: &Dataset) -> Result<Dataset> {
    let mut out = Dataset::new();
    for (table, batches) in data.iter() {
        let Some(first) = batches.first() else {
            out.merge(empty_table(table));
            continue;
        };
        let batch = concat_batches(&first.schema(), batches)
            .with_context(|| format!("concatenating {table}"))?;
        let options = FormatOptions::default();
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()?;
        let keys: Vec<Vec<String>> = (0..batch.num_rows())
            .map(|row| {
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect()
            })
            .collect();
        let mut order: Vec<u32> = (0..u32::try_from(batch.num_rows())?).collect();
        order.sort_by(|a, b| keys[*a as usize].cmp(&keys[*b as usize]));
        let batch = take_record_batch(&batch, &UInt32Array::from(order))
            .with_context(|| format!("sorting {table}"))?;
        out.push_batch(table, batch);
    }
    Ok(out)
}
