//! Turning typed rows into Arrow record batches with a table's schema.

use datafusion::arrow::error::ArrowError;
use datafusion::arrow::json::ReaderBuilder;
use datafusion::arrow::record_batch::RecordBatch;
use serde::Serialize;

use crate::coverage::Coverage;
use crate::spec::TableSpec;

/// Rows that do not fit the table's schema (a bug in a collector, never user input).
#[derive(Debug, thiserror::Error)]
#[error("rows for table '{table}' do not match its schema: {source}")]
pub struct RowsError {
    /// Table name.
    pub table: String,
    /// Arrow's explanation.
    #[source]
    pub source: ArrowError,
}

/// Converts serde rows (whose field names are the table's columns) into one record batch with
/// exactly the table's schema. Unknown fields are an error, missing fields are NULL.
pub fn to_batch<R: Serialize>(spec: &TableSpec, rows: &[R]) -> Result<RecordBatch, RowsError> {
    let wrap = |source| RowsError {
        table: spec.name.to_string(),
        source,
    };
    let schema = spec.schema();
    let mut decoder = ReaderBuilder::new(schema.clone())
        .with_batch_size(rows.len().max(1))
        .with_strict_mode(true)
        .build_decoder()
        .map_err(wrap)?;
    let mut batches = Vec::new();
    for chunk in rows.chunks(8192) {
        decoder.serialize(chunk).map_err(wrap)?;
        if let Some(batch) = decoder.flush().map_err(wrap)? {
            batches.push(batch);
        }
    }
    match batches.len() {
        0 => Ok(RecordBatch::new_empty(schema)),
        1 => Ok(batches.remove(0)),
        _ => datafusion::arrow::compute::concat_batches(&schema, &batches).map_err(wrap),
    }
}

/// A typed row of one catalogue table (implemented by every `table!` row type).
pub trait Row: Serialize {
    /// The table the row belongs to.
    const TABLE: &'static str;
    /// The table's specification.
    fn spec() -> TableSpec;
}

/// Collected data: record batches per catalogue table name. Tables without data are simply
/// absent; the engine registers them empty.
///
/// The dataset also records its source's [`Coverage`]: which tables and columns the source can
/// fill at all (`None`, the default, means every one: a live collection). Rules reading a column
/// outside it are not applicable rather than passing.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    tables: std::collections::BTreeMap<String, Vec<RecordBatch>>,
    coverage: Option<Coverage>,
}

impl Dataset {
    /// An empty dataset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends typed rows to their table.
    pub fn extend<R: Row>(&mut self, rows: &[R]) -> Result<(), RowsError> {
        if rows.is_empty() {
            self.tables.entry(R::TABLE.to_string()).or_default();
            return Ok(());
        }
        let batch = to_batch(&R::spec(), rows)?;
        self.push_batch(R::TABLE, batch);
        Ok(())
    }

    /// Appends a record batch (which must have the table's schema) to a table.
    pub fn push_batch(&mut self, table: &str, batch: RecordBatch) {
        self.tables
            .entry(table.to_string())
            .or_default()
            .push(batch);
    }

    /// Moves every table of `other` into this dataset. The coverage becomes what either
    /// provides (`None`, everything, absorbs); a blank dataset (no table, no coverage, as from
    /// [`Dataset::new`]) takes the other's coverage, so collecting into one starts neutral.
    pub fn merge(&mut self, other: Dataset) {
        let coverage = if self.is_blank() {
            other.coverage
        } else if other.is_blank() {
            self.coverage.take()
        } else {
            Coverage::combine(self.coverage.take(), other.coverage)
        };
        self.coverage = coverage;
        for (name, batches) in other.tables {
            self.tables.entry(name).or_default().extend(batches);
        }
    }

    /// No table and no coverage yet.
    fn is_blank(&self) -> bool {
        self.tables.is_empty() && self.coverage.is_none()
    }

    /// Sets what the source provides (`None`: everything).
    pub fn set_coverage(&mut self, coverage: impl Into<Option<Coverage>>) {
        self.coverage = coverage.into();
    }

    /// What the source provides; `None` means every table and column.
    pub fn coverage(&self) -> Option<&Coverage> {
        self.coverage.as_ref()
    }

    /// The batches of a table (empty when the table has no data).
    pub fn batches(&self, table: &str) -> &[RecordBatch] {
        self.tables.get(table).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Row count of a table.
    pub fn row_count(&self, table: &str) -> usize {
        self.batches(table).iter().map(RecordBatch::num_rows).sum()
    }

    /// Table names with data (or declared empty), sorted.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// Iterates over `(table, batches)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[RecordBatch])> {
        self.tables.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Replaces every batch with `f(table, batch)` (e.g. to filter rows), keeping the tables,
    /// their order and the coverage; stops at the first error.
    pub fn try_map_batches<E>(
        &mut self,
        mut f: impl FnMut(&str, &RecordBatch) -> Result<RecordBatch, E>,
    ) -> Result<(), E> {
        for (name, batches) in &mut self.tables {
            for batch in batches.iter_mut() {
                *batch = f(name, batch)?;
            }
        }
        Ok(())
    }
}
