//! Shared helpers: start the fake, build options, read tables back as JSON rows.

use std::time::Duration;

use datafusion::arrow::json::ArrayWriter;
use devquery_azure_devops::{AzureOptions, Secret};
use devquery_fake_forge::azure::{AzureFake, Scenario, ServerConfig};
use devquery_model::Dataset;
use serde_json::Value;

/// Starts the fake with `scenario` and `config`.
pub async fn start(scenario: Scenario, config: ServerConfig) -> AzureFake {
    AzureFake::start(scenario, config)
        .await
        .expect("fake server starts")
}

/// Options pointing at `fake` for `org` with `pat`, fast retries, no cache, no progress bar.
pub fn options(fake: &AzureFake, org: &str, pat: Option<&str>) -> AzureOptions {
    let mut o = AzureOptions::new(vec![org.to_string()]);
    o.base_url = fake.base_url().to_string();
    o.pat = pat.map(Secret::new);
    o.cache_dir = None;
    o.progress = false;
    o.concurrency = 4;
    o.initial_backoff = Duration::from_millis(1);
    o
}

/// Every row of `table` as JSON objects.
pub fn rows(ds: &Dataset, table: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for batch in ds.batches(table) {
        let mut w = ArrayWriter::new(Vec::new());
        w.write_batches(&[batch]).expect("batch serialises");
        w.finish().expect("writer finishes");
        let bytes = w.into_inner();
        if bytes.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_slice(&bytes).expect("json rows");
        if let Value::Array(a) = v {
            out.extend(a);
        }
    }
    out
}

/// The whole dataset as one JSON text (for leak checks).
pub fn dump(ds: &Dataset) -> String {
    let mut s = String::new();
    for (name, _) in ds.iter() {
        s.push_str(name);
        s.push_str(&serde_json::to_string(&rows(ds, name)).unwrap_or_default());
    }
    s
}

/// Rows of `table` whose `key` equals `value`.
pub fn find<'a>(rows: &'a [Value], key: &str, value: &str) -> Vec<&'a Value> {
    rows.iter()
        .filter(|r| r.get(key).and_then(Value::as_str) == Some(value))
        .collect()
}

/// The rules scenario with its PAT.
pub fn rules() -> Scenario {
    devquery_fake_forge::azure::rules_scenario().expect("rules scenario parses")
}
