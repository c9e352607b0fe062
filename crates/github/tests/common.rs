//! Shared helpers: start the fake, build options, read tables back as JSON objects.

use std::time::Duration;

use datafusion::arrow::json::ArrayWriter;
use devquery_fake_forge::github::{FakeGithub, Scenario};
use devquery_github::{GithubOptions, Secret};
use devquery_model::Dataset;
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

pub fn estate() -> Scenario {
    Scenario::from_yaml(include_str!("data/estate.yaml")).expect("estate.yaml parses")
}

pub fn options(server: &FakeGithub, org: &str, cache: &std::path::Path) -> GithubOptions {
    GithubOptions {
        orgs: vec![org.to_string()],
        base_url: server.base_url().to_string(),
        token: Some(Secret::new("test-token")),
        cache_dir: Some(cache.to_path_buf()),
        progress: false,
        initial_backoff: Duration::from_millis(5),
        ..GithubOptions::default()
    }
}

pub fn rows(ds: &Dataset, table: &str) -> Vec<Obj> {
    let mut out = Vec::new();
    for batch in ds.batches(table) {
        let mut w = ArrayWriter::new(Vec::new());
        w.write(batch).expect("batch to JSON");
        w.finish().expect("finish JSON");
        let bytes = w.into_inner();
        if bytes.is_empty() {
            continue;
        }
        let v: Vec<Obj> = serde_json::from_slice(&bytes).expect("JSON rows");
        out.extend(v);
    }
    out
}

pub fn find<'a>(rows: &'a [Obj], pairs: &[(&str, &str)]) -> &'a Obj {
    rows.iter()
        .find(|r| {
            pairs
                .iter()
                .all(|(k, v)| r.get(*k).and_then(Value::as_str) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no row with {pairs:?} in {rows:#?}"))
}

pub fn str_of<'a>(r: &'a Obj, k: &str) -> Option<&'a str> {
    r.get(k).and_then(Value::as_str)
}

pub fn bool_of(r: &Obj, k: &str) -> Option<bool> {
    r.get(k).and_then(Value::as_bool)
}

pub fn int_of(r: &Obj, k: &str) -> Option<i64> {
    r.get(k).and_then(Value::as_i64)
}

pub fn list_of(r: &Obj, k: &str) -> Vec<String> {
    r.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
