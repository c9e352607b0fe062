//! Snapshot writing and reading: round trip, atomic replacement, clear errors.

use std::fs;

use devquery_engine::datafusion::arrow::array::Int64Array;
use devquery_engine::datafusion::arrow::datatypes::{DataType, Field, Schema};
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::{Engine, EngineError, EngineOptions, SnapshotInfo, write_snapshot};
use devquery_model::catalog;

use crate::estate::estate;

fn count(batches: &[RecordBatch]) -> i64 {
    batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<Int64Array>()
        .expect("count is bigint")
        .value(0)
}

#[tokio::test]
async fn round_trip_every_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    let ds = estate();
    let manifest = write_snapshot(&dir, &ds, &SnapshotInfo::default()).unwrap();
    assert_eq!(manifest.format_version, 1);
    assert_eq!(manifest.error_count, 1);
    for spec in catalog() {
        assert!(dir.join(format!("{}.parquet", spec.name)).exists());
    }
    let (engine, read) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap();
    assert_eq!(read, manifest);
    let out = engine
        .query("select count(*) from repositories where platform = 'github'")
        .await
        .unwrap();
    assert_eq!(count(&out.batches), 2);
    // Nested columns survive: unnest a list and index a map.
    let out = engine
        .query("select count(*) from (select unnest(required_status_checks) from branch_policies)")
        .await
        .unwrap();
    assert_eq!(count(&out.batches), 2);
    let out = engine
        .query("select count(*) from pipeline_jobs where permissions['contents'] = 'read'")
        .await
        .unwrap();
    assert_eq!(count(&out.batches), 1);
}

#[tokio::test]
async fn a_deleted_table_is_an_error_and_a_table_the_snapshot_predates_is_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    write_snapshot(&dir, &estate(), &SnapshotInfo::default()).unwrap();
    fs::remove_file(dir.join("alerts.parquet")).unwrap();
    // The manifest lists the table: its file is missing, never an empty table.
    let err = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("table 'alerts'"), "{err}");
    assert!(err.to_string().contains("missing"), "{err}");

    // A snapshot written before the table existed (neither listed nor checksummed) reads
    // it as empty.
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    manifest["tables"].as_object_mut().unwrap().remove("alerts");
    manifest["checksums"]
        .as_object_mut()
        .unwrap()
        .remove("alerts");
    fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let (engine, _) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap();
    let out = engine
        .query("select count(*), max(severity) from alerts")
        .await
        .unwrap();
    assert_eq!(count(&out.batches), 0);
}

#[test]
fn failed_write_leaves_previous_snapshot_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    let first = write_snapshot(&dir, &estate(), &SnapshotInfo::default()).unwrap();
    let before: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let manifest_before = fs::read(dir.join("manifest.json")).unwrap();

    // A dataset whose `secrets` batch has the wrong schema: the writer fails part-way, after
    // several tables were already written to the temporary directory.
    let mut bad = estate();
    let schema = Schema::new(vec![Field::new("oops", DataType::Int64, true)]);
    let batch = RecordBatch::try_new(
        std::sync::Arc::new(schema),
        vec![std::sync::Arc::new(Int64Array::from(vec![1]))],
    )
    .unwrap();
    bad.push_batch("secrets", batch);
    let err = write_snapshot(&dir, &bad, &SnapshotInfo::default()).unwrap_err();
    assert!(err.to_string().contains("secrets"), "{err}");

    let after: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before.len(), after.len());
    assert_eq!(
        fs::read(dir.join("manifest.json")).unwrap(),
        manifest_before
    );
    assert_eq!(first.tables.len(), 25);
    // No temporary directory is left behind.
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != "snap")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_to_replace_a_directory_that_is_not_a_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("important.txt"), "keep me").unwrap();
    let err = write_snapshot(tmp.path(), &estate(), &SnapshotInfo::default()).unwrap_err();
    assert!(err.to_string().contains("not a devquery snapshot"), "{err}");
    assert!(tmp.path().join("important.txt").exists());
}

#[tokio::test]
async fn clear_errors_for_bad_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snap");
    write_snapshot(&dir, &estate(), &SnapshotInfo::default()).unwrap();

    // Corrupt Parquet file: named in the error.
    fs::write(dir.join("repositories.parquet"), b"PAR1 not really").unwrap();
    let err = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::Snapshot { .. }));
    assert!(err.to_string().contains("repositories.parquet"), "{err}");

    // Unknown format version.
    let manifest = dir.join("manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("\"format_version\": 1", "\"format_version\": 99"),
    )
    .unwrap();
    let err = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("format version 99"), "{err}");
    assert!(err.to_string().contains("manifest.json"), "{err}");

    // Missing manifest.
    fs::remove_file(&manifest).unwrap();
    let err = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("manifest.json"), "{err}");

    // Missing directory.
    let err = Engine::from_snapshot(&tmp.path().join("nope"), EngineOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no such snapshot"), "{err}");
}

#[tokio::test]
async fn coverage_round_trips_through_the_manifest() {
    use devquery_model::{ColumnSet, Coverage};

    let tmp = tempfile::tempdir().unwrap();
    let coverage = Coverage::new("local checkouts (--path)")
        .with("pipelines", ColumnSet::except(["last_run_at"]))
        .with("repositories", ColumnSet::only(["org", "repo"]))
        .with("collection_runs", ColumnSet::All);
    let mut ds = estate();
    ds.set_coverage(coverage.clone());

    // In memory: the engine keeps the dataset's coverage, and hands it back.
    let engine = Engine::from_dataset(&ds, EngineOptions::default()).unwrap();
    assert_eq!(engine.coverage(), Some(&coverage));
    let copied = engine.to_dataset().await.unwrap();
    assert_eq!(copied.coverage(), Some(&coverage));

    // On disk: written to manifest.json and read back.
    let dir = tmp.path().join("snap");
    let manifest = write_snapshot(&dir, &ds, &SnapshotInfo::default()).unwrap();
    assert_eq!(manifest.coverage.as_ref(), Some(&coverage));
    let text = fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(text.contains("\"coverage\""), "{text}");
    assert!(text.contains("\"except\""), "{text}");
    let (engine, read) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .unwrap();
    assert_eq!(read, manifest);
    assert_eq!(engine.coverage(), Some(&coverage));

    // A snapshot of a source that provides everything has no `coverage` key (like the
    // snapshots written before it existed), and reads as "everything".
    let full = tmp.path().join("full");
    let manifest = write_snapshot(&full, &estate(), &SnapshotInfo::default()).unwrap();
    assert_eq!(manifest.coverage, None);
    let text = fs::read_to_string(full.join("manifest.json")).unwrap();
    assert!(!text.contains("coverage"), "{text}");
    let (engine, _) = Engine::from_snapshot(&full, EngineOptions::default())
        .await
        .unwrap();
    assert_eq!(engine.coverage(), None);
}
