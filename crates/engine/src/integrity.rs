//! Snapshot integrity: the SHA-256 and size of every table file, recorded in `manifest.json`
//! when the snapshot is written ([`HashingWriter`]) and checked when it is opened
//! ([`verify_snapshot`]), together with each file's row count and columns.
//!
//! A missing, changed or damaged table file is an error naming the table, never an empty
//! table. Snapshots written before checksums were recorded still open: their files are decoded
//! in full instead (which finds damage the decoder notices, but not a consistent edit), with a
//! warning. The Parquet decoder can panic on hostile bytes, so every read here runs under
//! [`guarded`], which turns a panic into an error naming the table.

use std::any::Any;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use datafusion::arrow::datatypes::Schema;
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use datafusion::parquet::file::metadata::PageIndexPolicy;
use devquery_model::TableSpec;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EngineError;
use crate::snapshot::Manifest;

/// A table file's checksum, as recorded in `manifest.json` (`checksums.<table>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// A writer that hashes everything written through it (the snapshot writer wraps each table
/// file in one, so the checksum costs no second read).
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W> std::fmt::Debug for HashingWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashingWriter")
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl<W> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer and the digest of everything written.
    pub fn finish(self) -> (W, FileDigest) {
        let digest = FileDigest {
            sha256: hex(&self.hasher.finalize()),
            bytes: self.bytes,
        };
        (self.inner, digest)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        let written = buf.get(..n).unwrap_or(buf);
        self.hasher.update(written);
        self.bytes += written.len() as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 and size of a file.
pub fn digest_file(path: &Path) -> io::Result<FileDigest> {
    let mut file = File::open(path)?;
    let mut hasher = HashingWriter::new(io::sink());
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.write_all(buf.get(..n).unwrap_or(&[]))?;
    }
    Ok(hasher.finish().1)
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// An error about one table of a snapshot: the message names the table, the path its file.
pub(crate) fn table_error(table: &str, file: &Path, message: impl AsRef<str>) -> EngineError {
    EngineError::snapshot(file, format!("table '{table}': {}", message.as_ref()))
}

/// Runs `f`, turning a panic (e.g. inside the Parquet decoder, on damaged bytes) into an error
/// naming the table.
pub fn guarded<T>(
    table: &str,
    file: &Path,
    f: impl FnOnce() -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(table_error(
            table,
            file,
            format!(
                "damaged Parquet file: the decoder failed ({})",
                panic_message(payload.as_ref())
            ),
        )),
    }
}

/// Which of the catalogue's columns a file's schema lacks; a column the catalogue does not
/// have, or of another type, is an error.
pub fn missing_columns(
    file: &Path,
    spec: &TableSpec,
    schema: &Schema,
) -> Result<Vec<String>, EngineError> {
    let want = spec.schema();
    for field in schema.fields() {
        match want.field_with_name(field.name()) {
            Ok(w) if w.data_type() == field.data_type() => {}
            Ok(w) => {
                return Err(table_error(
                    spec.name,
                    file,
                    format!(
                        "column '{}' has type {} but the catalogue expects {}",
                        field.name(),
                        field.data_type(),
                        w.data_type()
                    ),
                ));
            }
            Err(_) => {
                return Err(table_error(
                    spec.name,
                    file,
                    format!(
                        "column '{}' is not in the catalogue (written by a newer devquery?)",
                        field.name()
                    ),
                ));
            }
        }
    }
    Ok(want
        .fields()
        .iter()
        .filter(|w| schema.field_with_name(w.name()).is_err())
        .map(|w| w.name().clone())
        .collect())
}

/// What a table file's footer says: its Arrow schema and row count.
pub(crate) struct Footer {
    pub(crate) schema: Schema,
    pub(crate) rows: u64,
}

/// Reads a table file's footer (call under [`guarded`]).
pub(crate) fn read_footer(file: &Path, spec: &TableSpec) -> Result<Footer, EngineError> {
    let f = File::open(file).map_err(|e| EngineError::io(file, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f)
        .map_err(|e| table_error(spec.name, file, format!("corrupt Parquet file: {e}")))?;
    let rows = builder.metadata().file_metadata().num_rows();
    let rows = u64::try_from(rows).map_err(|_| {
        table_error(
            spec.name,
            file,
            format!("corrupt Parquet footer: {rows} rows"),
        )
    })?;
    Ok(Footer {
        schema: builder.schema().as_ref().clone(),
        rows,
    })
}

/// Decodes every row and page index of a table file and returns the row count (call under
/// [`guarded`]).
pub(crate) fn decode_all(file: &Path, spec: &TableSpec) -> Result<u64, EngineError> {
    let corrupt = |e: &dyn std::fmt::Display| {
        table_error(spec.name, file, format!("corrupt Parquet file: {e}"))
    };
    let f = File::open(file).map_err(|e| EngineError::io(file, e))?;
    let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional);
    let reader = ParquetRecordBatchReaderBuilder::try_new_with_options(f, options)
        .and_then(|b| b.build())
        .map_err(|e| corrupt(&e))?;
    let mut rows = 0u64;
    for batch in reader {
        rows += batch.map_err(|e| corrupt(&e))?.num_rows() as u64;
    }
    Ok(rows)
}

/// Checks every catalogue table of the snapshot in `dir` against its manifest; returns the
/// file to register for each table (`None`: the snapshot predates the table, which reads as
/// empty). Files are checked in parallel on the blocking pool.
pub async fn verify_snapshot(
    dir: &Path,
    manifest: &Manifest,
) -> Result<Vec<(TableSpec, Option<PathBuf>)>, EngineError> {
    if manifest.checksums.is_empty() {
        tracing::warn!(
            "snapshot {} has no checksums (written by an older devquery): its files are decoded \
             in full to find damage, but a consistent edit cannot be detected; write it again \
             with `devquery collect` to record checksums",
            dir.display()
        );
    }
    let manifest = std::sync::Arc::new(manifest.clone());
    let mut tasks = Vec::new();
    for spec in devquery_model::catalog() {
        let dir = dir.to_path_buf();
        let manifest = manifest.clone();
        tasks.push(tokio::task::spawn_blocking(move || {
            let file = verify_table(&dir, &spec, &manifest)?;
            Ok::<_, EngineError>((spec, file))
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        let checked = task.await.map_err(|e| {
            EngineError::snapshot(dir, format!("checking the snapshot failed: {e}"))
        })?;
        out.push(checked?);
    }
    Ok(out)
}

/// Checks one table's file: present (when the manifest lists the table), a regular file, its
/// checksum, row count and columns. See [`verify_snapshot`].
pub fn verify_table(
    dir: &Path,
    spec: &TableSpec,
    manifest: &Manifest,
) -> Result<Option<PathBuf>, EngineError> {
    let file = dir.join(format!("{}.parquet", spec.name));
    match fs::metadata(&file) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return absent(dir, &file, spec, manifest),
        Err(e) => {
            return Err(table_error(
                spec.name,
                &file,
                format!("cannot read the file: {e}"),
            ));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(table_error(spec.name, &file, "not a regular file"));
        }
        Ok(_) => {}
    }
    guarded(spec.name, &file, || check_contents(&file, spec, manifest))?;
    Ok(Some(file))
}

/// A table without a file: an error when the manifest lists it, else a snapshot written before
/// the table existed, where it reads as empty.
fn absent(
    dir: &Path,
    file: &Path,
    spec: &TableSpec,
    manifest: &Manifest,
) -> Result<Option<PathBuf>, EngineError> {
    if let Some(rows) = manifest.tables.get(spec.name) {
        return Err(table_error(
            spec.name,
            file,
            format!("the file is missing (the manifest lists {rows} rows)"),
        ));
    }
    if manifest.checksums.contains_key(spec.name) {
        return Err(table_error(
            spec.name,
            file,
            "the file is missing (the manifest records its checksum)",
        ));
    }
    tracing::warn!(
        "snapshot {} has no table '{}' (written before the table existed): it reads as empty",
        dir.display(),
        spec.name
    );
    Ok(None)
}

/// The checks of [`verify_table`] on an existing file.
fn check_contents(file: &Path, spec: &TableSpec, manifest: &Manifest) -> Result<(), EngineError> {
    let verified = match manifest.checksums.get(spec.name) {
        Some(want) => {
            check_digest(file, spec, want)?;
            true
        }
        None if !manifest.checksums.is_empty() => {
            return Err(table_error(
                spec.name,
                file,
                "the manifest records checksums for the other tables but not this one (edited by hand?)",
            ));
        }
        None => false,
    };
    let footer = read_footer(file, spec)?;
    let missing = missing_columns(file, spec, &footer.schema)?;
    check_missing(file, spec, &missing, verified)?;
    let rows = if verified {
        footer.rows
    } else {
        let decoded = decode_all(file, spec)?;
        if decoded != footer.rows {
            return Err(table_error(
                spec.name,
                file,
                format!(
                    "damaged Parquet file: the footer says {} rows but {decoded} decode",
                    footer.rows
                ),
            ));
        }
        decoded
    };
    check_rows(file, spec, manifest, rows)
}

fn check_digest(file: &Path, spec: &TableSpec, want: &FileDigest) -> Result<(), EngineError> {
    let got = digest_file(file).map_err(|e| EngineError::io(file, e))?;
    if got.bytes != want.bytes {
        return Err(table_error(
            spec.name,
            file,
            format!(
                "the file has {} bytes but the manifest records {}: changed or damaged since it was written",
                got.bytes, want.bytes
            ),
        ));
    }
    if !got.sha256.eq_ignore_ascii_case(&want.sha256) {
        return Err(table_error(
            spec.name,
            file,
            "checksum mismatch: the file was changed or damaged since it was written",
        ));
    }
    Ok(())
}

/// A file without some catalogue columns: damage, unless its checksum proves it is as written
/// (by an older devquery whose catalogue lacked them), when they read as NULL.
fn check_missing(
    file: &Path,
    spec: &TableSpec,
    missing: &[String],
    verified: bool,
) -> Result<(), EngineError> {
    if missing.is_empty() {
        return Ok(());
    }
    if verified {
        tracing::warn!(
            "table '{}' of snapshot {} was written without column(s) {} (by an older devquery): they read as NULL",
            spec.name,
            file.parent().unwrap_or(file).display(),
            missing.join(", ")
        );
        return Ok(());
    }
    Err(table_error(
        spec.name,
        file,
        format!("the file lacks column(s) {}", missing.join(", ")),
    ))
}

fn check_rows(
    file: &Path,
    spec: &TableSpec,
    manifest: &Manifest,
    rows: u64,
) -> Result<(), EngineError> {
    match manifest.tables.get(spec.name) {
        Some(&listed) if listed as u64 != rows => Err(table_error(
            spec.name,
            file,
            format!("the file holds {rows} rows but the manifest lists {listed}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_written_bytes_matches_digest_of_the_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("f");
        let mut w = HashingWriter::new(File::create(&path).expect("create"));
        w.write_all(b"hello ").expect("write");
        w.write_all(b"world").expect("write");
        let (file, digest) = w.finish();
        drop(file);
        assert_eq!(digest.bytes, 11);
        assert_eq!(
            digest.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(digest_file(&path).expect("digest"), digest);
    }

    #[test]
    fn a_panic_becomes_an_error_naming_the_table() {
        let err = guarded::<()>("alerts", Path::new("/x/alerts.parquet"), || {
            panic!("attempt to divide by zero")
        })
        .expect_err("panic caught");
        let text = err.to_string();
        assert!(text.contains("table 'alerts'"), "{text}");
        assert!(text.contains("divide by zero"), "{text}");
    }
}
