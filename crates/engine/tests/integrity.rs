//! Snapshot integrity: checksums and row counts recorded and checked, missing, changed and
//! damaged tables reported by name, old snapshots still readable, leftovers of killed writers
//! removed, and a fuzz test: no byte of a snapshot makes the reader panic.

use std::fs;
use std::path::{Path, PathBuf};

use devquery_engine::datafusion::arrow::array::StringArray;
use devquery_engine::datafusion::arrow::datatypes::{DataType, Field, Schema};
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::integrity::digest_file;
use devquery_engine::{Engine, EngineError, EngineOptions, SnapshotInfo, write_snapshot};
use devquery_model::catalog;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::estate::estate;

fn snapshot(dir: &Path) -> PathBuf {
    let snap = dir.join("snap");
    write_snapshot(&snap, &estate(), &SnapshotInfo::default()).expect("write snapshot");
    snap
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).expect("manifest"))
        .expect("manifest is JSON")
}

fn set_manifest(dir: &Path, value: &serde_json::Value) {
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(value).expect("json"),
    )
    .expect("write manifest");
}

async fn open_err(dir: &Path) -> String {
    Engine::from_snapshot(dir, EngineOptions::default())
        .await
        .expect_err("the snapshot is refused")
        .to_string()
}

#[tokio::test]
async fn every_table_file_has_a_checksum_in_the_manifest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = snapshot(tmp.path());
    let (_, read) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .expect("open");
    for spec in catalog() {
        let digest = &read.checksums[spec.name];
        let file = dir.join(format!("{}.parquet", spec.name));
        assert_eq!(
            digest,
            &digest_file(&file).expect("digest"),
            "{}",
            spec.name
        );
        assert_eq!(digest.sha256.len(), 64);
    }
}

#[tokio::test]
async fn a_flipped_byte_is_an_error_naming_the_table() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = snapshot(tmp.path());
    let file = dir.join("pipelines.parquet");
    let mut bytes = fs::read(&file).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    fs::write(&file, &bytes).expect("write");
    let err = open_err(&dir).await;
    assert!(err.contains("table 'pipelines'"), "{err}");
    assert!(err.contains("checksum"), "{err}");

    bytes.truncate(middle);
    fs::write(&file, &bytes).expect("write");
    let err = open_err(&dir).await;
    assert!(err.contains("table 'pipelines'"), "{err}");
    assert!(err.contains("bytes"), "{err}");
}

#[tokio::test]
async fn manifest_row_counts_are_checked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = snapshot(tmp.path());
    let mut m = manifest(&dir);
    m["tables"]["repositories"] = serde_json::json!(40);
    set_manifest(&dir, &m);
    let err = open_err(&dir).await;
    assert!(err.contains("table 'repositories'"), "{err}");
    assert!(err.contains("manifest lists 40"), "{err}");
}

#[tokio::test]
async fn a_table_file_that_is_not_a_regular_file_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = snapshot(tmp.path());
    let file = dir.join("secrets.parquet");
    fs::remove_file(&file).expect("remove");
    fs::create_dir(&file).expect("mkdir");
    let err = open_err(&dir).await;
    assert!(err.contains("table 'secrets'"), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

/// Removes the checksums, as in a snapshot written before they were recorded.
fn make_legacy(dir: &Path) {
    let mut m = manifest(dir);
    m.as_object_mut().expect("object").remove("checksums");
    set_manifest(dir, &m);
}

#[tokio::test]
async fn a_snapshot_without_checksums_opens_and_its_files_are_still_checked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = snapshot(tmp.path());
    make_legacy(&dir);
    let (engine, read) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .expect("an old snapshot opens");
    assert!(read.checksums.is_empty());
    let out = engine
        .query("select count(*) from repositories")
        .await
        .expect("query");
    assert_eq!(out.batches[0].num_rows(), 1);

    // Its row counts are still checked, by decoding every file.
    let mut m = manifest(&dir);
    m["tables"]["members"] = serde_json::json!(7);
    set_manifest(&dir, &m);
    let err = open_err(&dir).await;
    assert!(err.contains("table 'members'"), "{err}");
}

/// A `repositories` file with only two of the catalogue's columns.
fn narrow_repositories(file: &Path) {
    let schema = Schema::new(vec![
        Field::new("platform", DataType::Utf8, true),
        Field::new("repo", DataType::Utf8, true),
    ]);
    let batch = RecordBatch::try_new(
        std::sync::Arc::new(schema.clone()),
        vec![
            std::sync::Arc::new(StringArray::from(vec![Some("github")])),
            std::sync::Arc::new(StringArray::from(vec![Some("api")])),
        ],
    )
    .expect("batch");
    let out = fs::File::create(file).expect("create");
    let mut w = devquery_engine::datafusion::parquet::arrow::ArrowWriter::try_new(
        out,
        std::sync::Arc::new(schema),
        None,
    )
    .expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

#[tokio::test]
async fn a_file_missing_columns_is_an_error_unless_its_checksum_vouches_for_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = snapshot(tmp.path());
    let file = dir.join("repositories.parquet");
    narrow_repositories(&file);
    let mut m = manifest(&dir);
    m["tables"]["repositories"] = serde_json::json!(1);
    set_manifest(&dir, &m);
    // Replaced behind the manifest's back: the checksum says so.
    let err = open_err(&dir).await;
    assert!(err.contains("table 'repositories'"), "{err}");

    // Without checksums the missing columns are named.
    make_legacy(&dir);
    let err = open_err(&dir).await;
    assert!(err.contains("table 'repositories'"), "{err}");
    assert!(err.contains("lacks column(s)"), "{err}");
    assert!(err.contains("default_branch"), "{err}");

    // With a checksum recorded for it, the file is as its (older) writer made it: the columns
    // it lacks read as NULL.
    let mut m = manifest(&dir);
    let mut sums = serde_json::Map::new();
    for spec in catalog() {
        let digest = digest_file(&dir.join(format!("{}.parquet", spec.name))).expect("digest");
        sums.insert(
            spec.name.to_string(),
            serde_json::to_value(digest).expect("json"),
        );
    }
    m["checksums"] = serde_json::Value::Object(sums);
    set_manifest(&dir, &m);
    let (engine, _) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .expect("open");
    let out = engine
        .query("select repo, default_branch from repositories")
        .await
        .expect("query");
    assert_eq!(out.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
}

#[test]
fn leftovers_of_a_killed_writer_are_removed_by_the_next_write() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dead = tmp.path().join(".snap.tmp-99999999-1");
    fs::create_dir(&dead).expect("mkdir");
    fs::write(dead.join("repositories.parquet"), b"half").expect("write");
    let old = tmp.path().join(".snap.old-99999999-2");
    fs::create_dir(&old).expect("mkdir");
    // A writer that is still running holds a lock on its directory: it is left alone.
    let live = tmp.path().join(".snap.tmp-99999998-3");
    fs::create_dir(&live).expect("mkdir");
    let held = devquery_engine::stale::lock(&live);
    snapshot(tmp.path());
    if Path::new("/proc/self").exists() {
        assert!(!dead.exists(), "the killed writer's directory is removed");
        assert!(!old.exists(), "the moved-aside snapshot is removed");
    }
    if held.is_some() {
        assert!(live.exists(), "a running writer's directory is kept");
    }
    assert!(tmp.path().join("snap/manifest.json").exists());
}

/// One way of damaging a snapshot in the fuzz test.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Flip bytes; the manifest's checksums stay as written.
    Checked,
    /// Flip bytes in a snapshot without checksums (files decoded in full on open).
    Legacy,
    /// Flip bytes, then record the damaged files' checksums (a hostile but consistent
    /// snapshot: only the Parquet reader stands between the bytes and a panic).
    Forged,
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Checked), Just(Mode::Legacy), Just(Mode::Forged)]
}

/// `(file index, position as a fraction of the file, xor mask)`.
fn flips() -> impl Strategy<Value = Vec<(usize, f64, u8)>> {
    proptest::collection::vec((0usize..64, 0.0f64..1.0, 1u8..=255), 1..6)
}

fn damage(dir: &Path, mode: Mode, flips: &[(usize, f64, u8)]) {
    let mut files: Vec<PathBuf> = catalog()
        .iter()
        .map(|s| dir.join(format!("{}.parquet", s.name)))
        .collect();
    if !matches!(mode, Mode::Forged) {
        files.push(dir.join("manifest.json"));
    }
    if matches!(mode, Mode::Legacy) {
        make_legacy(dir);
    }
    for &(index, at, mask) in flips {
        let file = &files[index % files.len()];
        let mut bytes = fs::read(file).expect("read");
        if bytes.is_empty() {
            continue;
        }
        let i = ((bytes.len() as f64) * at) as usize % bytes.len();
        bytes[i] ^= mask;
        fs::write(file, &bytes).expect("write");
    }
    if matches!(mode, Mode::Forged) {
        let mut m = manifest(dir);
        for spec in catalog() {
            let file = dir.join(format!("{}.parquet", spec.name));
            let digest = digest_file(&file).expect("digest");
            m["checksums"][spec.name] = serde_json::to_value(digest).expect("json");
        }
        set_manifest(dir, &m);
    }
}

/// Opens the damaged snapshot and reads every table: success, or an error that names a table
/// or the manifest. A panic fails the test.
async fn open_and_read(dir: &Path) -> Result<(), String> {
    let engine = match Engine::from_snapshot(dir, EngineOptions::default()).await {
        Ok((engine, _)) => engine,
        Err(e @ EngineError::Snapshot { .. }) => {
            let text = e.to_string();
            let named = text.contains("table '") || text.contains("manifest.json");
            return if named { Ok(()) } else { Err(text) };
        }
        Err(e) => return Err(format!("not a snapshot error: {e}")),
    };
    for spec in catalog() {
        // A query may fail (the reader's own errors, or a caught panic), but must return.
        let _ = engine.query(&format!("select * from {}", spec.name)).await;
    }
    Ok(())
}

#[test]
fn no_byte_of_a_snapshot_makes_the_reader_panic() {
    let base = tempfile::tempdir().expect("tempdir");
    let pristine = snapshot(base.path());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = Config {
        cases: 32,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&(mode(), flips()), |(mode, flips)| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("snap");
        fs::create_dir(&dir).expect("mkdir");
        for entry in fs::read_dir(&pristine).expect("read dir") {
            let entry = entry.expect("entry");
            fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
        }
        damage(&dir, mode, &flips);
        let outcome = runtime.block_on(open_and_read(&dir));
        prop_assert!(outcome.is_ok(), "{mode:?} {flips:?}: {outcome:?}");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
