//! Parquet snapshots: `DIR/manifest.json` plus one `DIR/<table>.parquet` per catalogue table.
//!
//! A snapshot is written to a temporary sibling directory and moved into place only when every
//! file is complete and synced, so an interrupted write never leaves a half snapshot at the
//! target and never damages the snapshot that was there before. [`write_snapshot`] writes an
//! in-memory [`Dataset`]; [`SnapshotWriter`] streams batches table by table (both share one code
//! path).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use devquery_model::rows::Partial;
use devquery_model::{Coverage, Dataset, TableSpec, catalog};
use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::integrity::{FileDigest, HashingWriter};

/// The snapshot format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Rows per Parquet row group: large enough for fast scans, small enough to skip by statistics.
pub const ROW_GROUP_SIZE: usize = 64 * 1024;

/// `manifest.json`: what a snapshot holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Snapshot format version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// devquery version that wrote it.
    pub tool_version: String,
    /// When the data was collected (RFC 3339).
    pub collected_at: String,
    /// Sources collected (`github:org`, `azure_devops:org`, `path:/src`, …).
    pub sources: Vec<String>,
    /// Rows per table.
    pub tables: BTreeMap<String, usize>,
    /// SHA-256 and size of every table file, checked when the snapshot is opened; absent in
    /// snapshots written before checksums were recorded (they open with a warning).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checksums: BTreeMap<String, FileDigest>,
    /// Rows in `collection_errors`.
    pub error_count: usize,
    /// Which tables and columns the sources could fill (e.g. only pipeline files for `--path`);
    /// absent means every one, as in snapshots written before coverage was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// Set when the collection stopped before the estate was complete: why, and what it left
    /// unread (also one `collection_errors` row per table and repository). Absent in a complete
    /// snapshot, and in snapshots written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
}

/// What the caller knows about the data being written.
#[derive(Debug, Clone, Default)]
pub struct SnapshotInfo {
    /// Sources collected.
    pub sources: Vec<String>,
    /// Collection time (RFC 3339); now when `None`.
    pub collected_at: Option<String>,
}

/// Reads and validates `DIR/manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, EngineError> {
    if !dir.is_dir() {
        return Err(EngineError::snapshot(
            dir,
            "no such snapshot directory (create one with `devquery collect ... --out DIR`)",
        ));
    }
    let path = dir.join("manifest.json");
    let text = fs::read_to_string(&path).map_err(|e| {
        EngineError::snapshot(
            &path,
            format!(
                "cannot read the manifest ({e}): not a devquery snapshot, or an interrupted write"
            ),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| EngineError::snapshot(&path, format!("invalid JSON: {e}")))?;
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(FORMAT_VERSION)) {
        return Err(EngineError::snapshot(
            &path,
            format!(
                "unknown snapshot format version {} (this devquery {} reads version {FORMAT_VERSION})",
                version.map_or_else(|| "(missing)".to_string(), |v| v.to_string()),
                env!("CARGO_PKG_VERSION"),
            ),
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| EngineError::snapshot(&path, format!("invalid manifest: {e}")))
}

/// Opens a table file's Parquet footer and checks its columns against the catalogue (none
/// missing, none extra, the catalogue's types), so a corrupt or foreign file is reported by
/// name before any query runs. A panic of the Parquet reader on damaged bytes is an error too.
pub fn check_parquet(file: &Path, spec: &TableSpec) -> Result<(), EngineError> {
    crate::integrity::guarded(spec.name, file, || {
        let footer = crate::integrity::read_footer(file, spec)?;
        let missing = crate::integrity::missing_columns(file, spec, &footer.schema)?;
        if missing.is_empty() {
            Ok(())
        } else {
            Err(EngineError::snapshot(
                file,
                format!(
                    "table '{}': the file lacks column(s) {}",
                    spec.name,
                    missing.join(", ")
                ),
            ))
        }
    })
}

/// Writer properties for snapshot and findings files.
pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_SIZE))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_created_by(format!("devquery {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// One Parquet file being written: an open [`ArrowWriter`] that checks every batch against the
/// table's catalogue schema and counts rows.
struct TableFile {
    path: PathBuf,
    name: &'static str,
    schema: SchemaRef,
    writer: ArrowWriter<HashingWriter<File>>,
    rows: usize,
}

impl TableFile {
    fn create(path: &Path, spec: &TableSpec) -> Result<Self, EngineError> {
        let schema = spec.schema();
        let file = File::create(path).map_err(|e| EngineError::io(path, e))?;
        let writer = ArrowWriter::try_new(
            HashingWriter::new(file),
            schema.clone(),
            Some(writer_properties()),
        )?;
        Ok(Self {
            path: path.to_path_buf(),
            name: spec.name,
            schema,
            writer,
            rows: 0,
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), EngineError> {
        if batch.schema().fields() != self.schema.fields() {
            return Err(EngineError::snapshot(
                &self.path,
                format!(
                    "batch for table '{}' does not have the catalogue schema",
                    self.name
                ),
            ));
        }
        self.rows += batch.num_rows();
        self.writer.write(batch)?;
        Ok(())
    }

    /// Writes the footer and syncs the file; returns the row count and the file's checksum.
    fn finish(self) -> Result<(usize, FileDigest), EngineError> {
        let (file, digest) = self.writer.into_inner()?.finish();
        file.sync_all()
            .map_err(|e| EngineError::io(&self.path, e))?;
        Ok((self.rows, digest))
    }
}

/// Writes `batches` (which must have `spec`'s schema) to a Parquet file and syncs it.
pub fn write_parquet(
    path: &Path,
    spec: &TableSpec,
    batches: &[RecordBatch],
) -> Result<usize, EngineError> {
    let mut file = TableFile::create(path, spec)?;
    for batch in batches {
        file.write(batch)?;
    }
    Ok(file.finish()?.0)
}

/// Writes `data` as a snapshot at `target`, atomically replacing any snapshot already there.
///
/// Refuses to replace a non-empty directory that is not a snapshot.
pub fn write_snapshot(
    target: &Path,
    data: &Dataset,
    info: &SnapshotInfo,
) -> Result<Manifest, EngineError> {
    let mut writer = SnapshotWriter::create(target)?;
    writer.set_coverage(data.coverage().cloned());
    writer.set_partial(data.partial().cloned());
    for spec in catalog() {
        for batch in data.batches(spec.name) {
            writer.write(spec.name, batch)?;
        }
    }
    writer.finish(info)
}

/// A snapshot written table by table, batch by batch, so data larger than memory can be
/// streamed to disk: one open Parquet writer per catalogue table in a temporary sibling
/// directory of the target, moved into place by [`SnapshotWriter::finish`] with the same
/// guarantees as [`write_snapshot`] (every catalogue table present, files synced, the manifest
/// written last, an existing snapshot replaced atomically).
///
/// Dropping the writer without finishing it removes the temporary directory and leaves the
/// target untouched.
pub struct SnapshotWriter {
    target: PathBuf,
    parent: PathBuf,
    name: String,
    tmp: PathBuf,
    tables: Vec<TableFile>,
    /// An advisory lock on `tmp` while the writer lives, so that the stale-leftover cleanup of
    /// another run ([`crate::stale`]) leaves it alone.
    _lock: Option<File>,
    coverage: Option<Coverage>,
    partial: Option<Partial>,
    done: bool,
}

impl std::fmt::Debug for SnapshotWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotWriter")
            .field("target", &self.target)
            .field("tmp", &self.tmp)
            .field(
                "rows",
                &self
                    .tables
                    .iter()
                    .map(|t| (t.name, t.rows))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl SnapshotWriter {
    /// Starts a snapshot at `target`: checks that `target` is absent, empty or a snapshot (a
    /// non-empty directory that is not a snapshot is refused), creates the temporary directory
    /// and opens one Parquet file per catalogue table.
    pub fn create(target: &Path) -> Result<Self, EngineError> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| EngineError::snapshot(target, "not a directory name"))?
            .to_string_lossy()
            .to_string();
        if target.exists() && !target.join("manifest.json").exists() {
            let empty = fs::read_dir(target)
                .map_err(|e| EngineError::io(target, e))?
                .next()
                .is_none();
            if !empty {
                return Err(EngineError::snapshot(
                    target,
                    "exists and is not a devquery snapshot; refusing to replace it",
                ));
            }
        }
        fs::create_dir_all(&parent).map_err(|e| EngineError::io(&parent, e))?;
        crate::stale::remove_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}.tmp-{}-{}", std::process::id(), nanos()));
        fs::create_dir(&tmp).map_err(|e| EngineError::io(&tmp, e))?;
        let lock = crate::stale::lock(&tmp);
        let mut writer = Self {
            target: target.to_path_buf(),
            parent,
            name,
            tmp,
            tables: Vec::new(),
            _lock: lock,
            coverage: None,
            partial: None,
            done: false,
        };
        // On error the partly built writer is dropped, which removes the temporary directory.
        for spec in catalog() {
            let path = writer.tmp.join(format!("{}.parquet", spec.name));
            writer.tables.push(TableFile::create(&path, &spec)?);
        }
        Ok(writer)
    }

    /// Appends a batch (which must have the table's catalogue schema) to a table.
    pub fn write(&mut self, table: &str, batch: &RecordBatch) -> Result<(), EngineError> {
        match self.tables.iter_mut().find(|t| t.name == table) {
            Some(file) => file.write(batch),
            None => Err(EngineError::snapshot(
                self.tmp.join(format!("{table}.parquet")),
                format!("'{table}' is not a catalogue table"),
            )),
        }
    }

    /// Records what the sources provide in the manifest (`None`, the default: everything).
    pub fn set_coverage(&mut self, coverage: Option<Coverage>) {
        self.coverage = coverage;
    }

    /// Records in the manifest that the collection stopped early (`None`, the default: complete).
    pub fn set_partial(&mut self, partial: Option<Partial>) {
        self.partial = partial;
    }

    /// Rows written to `table` so far (0 for a table that is not in the catalogue).
    pub fn rows(&self, table: &str) -> usize {
        self.tables
            .iter()
            .find(|t| t.name == table)
            .map_or(0, |t| t.rows)
    }

    /// Closes and syncs every table file, writes the manifest and moves the snapshot into place.
    pub fn finish(mut self, info: &SnapshotInfo) -> Result<Manifest, EngineError> {
        let mut tables = BTreeMap::new();
        let mut checksums = BTreeMap::new();
        for file in std::mem::take(&mut self.tables) {
            let name = file.name;
            let (rows, digest) = file.finish()?;
            tables.insert(name.to_string(), rows);
            checksums.insert(name.to_string(), digest);
        }
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            collected_at: info.collected_at.clone().unwrap_or_else(|| {
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            }),
            sources: info.sources.clone(),
            error_count: tables.get("collection_errors").copied().unwrap_or(0),
            tables,
            checksums,
            coverage: self.coverage.take(),
            partial: self.partial.take(),
        };
        let path = self.tmp.join("manifest.json");
        let mut f = File::create(&path).map_err(|e| EngineError::io(&path, e))?;
        let json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| EngineError::snapshot(&path, e.to_string()))?;
        f.write_all(&json).map_err(|e| EngineError::io(&path, e))?;
        f.sync_all().map_err(|e| EngineError::io(&path, e))?;
        sync_dir(&self.tmp);
        // From here on the temporary directory holds a complete snapshot: if the swap fails it
        // is kept for inspection.
        self.done = true;
        swap_into_place(&self.tmp, &self.target, &self.parent, &self.name)?;
        Ok(manifest)
    }
}

impl Drop for SnapshotWriter {
    fn drop(&mut self) {
        if !self.done {
            // Close the open files before removing their directory.
            self.tables.clear();
            self._lock = None;
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Moves the finished `tmp` directory to `target`. An existing target is moved aside first and
/// removed only after the new snapshot is in place.
fn swap_into_place(
    tmp: &Path,
    target: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), EngineError> {
    if target.exists() {
        let old = parent.join(format!(".{name}.old-{}-{}", std::process::id(), nanos()));
        fs::rename(target, &old).map_err(|e| EngineError::io(target, e))?;
        if let Err(e) = fs::rename(tmp, target) {
            // Put the previous snapshot back; the new one stays in tmp for inspection.
            let _ = fs::rename(&old, target);
            return Err(EngineError::io(target, e));
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(tmp, target).map_err(|e| EngineError::io(target, e))?;
    }
    sync_dir(parent);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Reads `(table, parquet bytes)` pairs (e.g. a snapshot embedded in a binary) into a dataset,
/// checking each file against the catalogue.
pub fn read_embedded(files: &[(&str, &'static [u8])]) -> Result<Dataset, EngineError> {
    let mut data = Dataset::new();
    for (table, bytes) in files {
        let path = PathBuf::from(format!("<embedded>/{table}.parquet"));
        let spec = devquery_model::find(table)
            .ok_or_else(|| EngineError::snapshot(&path, "not a catalogue table"))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from_static(bytes))
            .and_then(|b| b.build())
            .map_err(|e| EngineError::snapshot(&path, format!("corrupt Parquet file: {e}")))?;
        for batch in reader {
            let batch = batch?;
            if batch.schema().fields() != spec.schema().fields() {
                return Err(EngineError::snapshot(
                    &path,
                    "columns differ from the catalogue (rebuild it with `devquery-demo-build`)",
                ));
            }
            data.push_batch(spec.name, batch);
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use devquery_model::tables::RepositoryRow;
    use devquery_model::{Row, to_batch};

    use super::*;

    fn repos(names: &[&str]) -> RecordBatch {
        let rows: Vec<RepositoryRow> = names
            .iter()
            .map(|n| RepositoryRow {
                platform: Some("github".into()),
                org: Some("acme".into()),
                repo: Some((*n).to_string()),
                ..RepositoryRow::default()
            })
            .collect();
        to_batch(&RepositoryRow::spec(), &rows).expect("rows fit the schema")
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn streamed_batches_make_a_complete_snapshot() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("snap");
        let mut writer = SnapshotWriter::create(&dir).expect("create");
        writer
            .write("repositories", &repos(&["a", "b"]))
            .expect("write");
        writer.write("repositories", &repos(&["c"])).expect("write");
        assert_eq!(writer.rows("repositories"), 3);
        assert!(!dir.exists(), "nothing is visible before finish");
        let info = SnapshotInfo {
            sources: vec!["test".into()],
            collected_at: Some("2026-11-22T09:00:00Z".into()),
        };
        let manifest = writer.finish(&info).expect("finish");
        assert_eq!(manifest.tables.len(), catalog().len());
        assert_eq!(manifest.tables["repositories"], 3);
        assert_eq!(manifest.tables["pipelines"], 0);
        for spec in catalog() {
            assert!(dir.join(format!("{}.parquet", spec.name)).exists());
        }
        assert_eq!(read_manifest(&dir).expect("manifest"), manifest);
        assert_eq!(entries(tmp.path()), vec!["snap".to_string()]);

        // The same batches through `write_snapshot` give the same files.
        let mut data = Dataset::new();
        data.push_batch("repositories", repos(&["a", "b"]));
        data.push_batch("repositories", repos(&["c"]));
        let other = tmp.path().join("other");
        write_snapshot(&other, &data, &info).expect("write_snapshot");
        for name in entries(&dir) {
            assert_eq!(
                fs::read(dir.join(&name)).expect("read"),
                fs::read(other.join(&name)).expect("read"),
                "{name}"
            );
        }
    }

    #[test]
    fn unknown_tables_and_foreign_batches_are_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut writer = SnapshotWriter::create(&tmp.path().join("snap")).expect("create");
        let err = writer
            .write("no_such_table", &repos(&["a"]))
            .expect_err("unknown table");
        assert!(err.to_string().contains("not a catalogue table"), "{err}");
        let err = writer
            .write("secrets", &repos(&["a"]))
            .expect_err("wrong schema");
        assert!(err.to_string().contains("secrets"), "{err}");
    }

    #[test]
    fn an_unfinished_writer_leaves_the_previous_snapshot_alone() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("snap");
        let mut data = Dataset::new();
        data.push_batch("repositories", repos(&["kept"]));
        let before = write_snapshot(&dir, &data, &SnapshotInfo::default()).expect("first");
        {
            let mut writer = SnapshotWriter::create(&dir).expect("create");
            writer
                .write("repositories", &repos(&["lost"]))
                .expect("write");
        }
        assert_eq!(read_manifest(&dir).expect("manifest"), before);
        assert_eq!(entries(tmp.path()), vec!["snap".to_string()]);
    }
}
