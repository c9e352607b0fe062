//! The hand-made test estate (`tests/fixtures/estate.json`, at least one row in every table)
//! and the committed snapshot generated from it (`tests/fixtures/snapshot`).

use std::path::PathBuf;

use devquery_engine::{Engine, EngineOptions, SnapshotInfo, write_snapshot};
use devquery_model::{Dataset, catalog, find, to_batch};

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures"))
}

/// Loads `estate.json` into a dataset through the real row conversion.
pub fn estate() -> Dataset {
    let text = std::fs::read_to_string(fixtures().join("estate.json")).expect("estate.json");
    let value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("estate.json is JSON");
    let mut ds = Dataset::new();
    for (table, rows) in value {
        let spec = find(&table).unwrap_or_else(|| panic!("estate.json: unknown table {table}"));
        let rows = rows.as_array().expect("rows array").clone();
        let batch = to_batch(&spec, &rows).unwrap_or_else(|e| panic!("{e}"));
        ds.push_batch(spec.name, batch);
    }
    ds
}

#[test]
fn estate_exercises_every_table() {
    let ds = estate();
    for spec in catalog() {
        assert!(
            ds.row_count(spec.name) > 0,
            "estate.json has no {} rows",
            spec.name
        );
    }
}

#[tokio::test]
async fn committed_snapshot_matches_estate() {
    let dir = fixtures().join("snapshot");
    let ds = estate();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        let info = SnapshotInfo {
            sources: vec!["test:estate.json".into()],
            collected_at: Some("2026-11-22T10:00:09Z".into()),
        };
        write_snapshot(&dir, &ds, &info).expect("write test snapshot");
    }
    let (engine, manifest) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .expect("tests/fixtures/snapshot is stale or missing: run UPDATE_FIXTURES=1 cargo test --workspace -- committed_snapshot_matches_estate");
    assert_eq!(
        manifest.checksums.len(),
        catalog().len(),
        "tests/fixtures/snapshot has no checksums: run UPDATE_FIXTURES=1 cargo test --workspace -- committed_snapshot_matches_estate"
    );
    for spec in catalog() {
        assert_eq!(
            manifest.tables.get(spec.name).copied(),
            Some(ds.row_count(spec.name)),
            "tests/fixtures/snapshot is stale for {}: run UPDATE_FIXTURES=1 cargo test --workspace -- committed_snapshot_matches_estate",
            spec.name
        );
        let out = engine
            .query(&format!("select count(*) from {}", spec.name))
            .await
            .expect("count");
        assert_eq!(out.batches[0].num_rows(), 1);
    }
}
