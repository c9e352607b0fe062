//! Turning typed rows into Arrow record batches with a table's schema.

use datafusion::arrow::error::ArrowError;
use datafusion::arrow::json::ReaderBuilder;
use datafusion::arrow::record_batch::RecordBatch;
use serde::{Deserialize, Serialize};

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

/// A collection that stopped before the estate was complete (request budget spent, rate limit
/// too long to wait for, credentials refused mid-run, an organisation that could not be read).
/// What it left unread is also in `collection_errors` (one row per table and repository), so
/// rules that consult it say `unknown`; reports over a partial source say so in their header and
/// `report --fail-on` refuses to pass over one without `--allow-partial`.
///
/// ```
/// use devquery_model::Dataset;
/// use devquery_model::rows::Partial;
///
/// let mut live = Dataset::new();
/// let mut stopped = Dataset::new();
/// stopped.set_partial(Some(Partial::new("budget spent", vec!["github:h/acme/api".into()])));
/// live.merge(stopped);
/// let p = live.partial().expect("partial after merging a partial dataset");
/// assert_eq!(p.missing, vec!["github:h/acme/api".to_string()]);
/// assert!(p.summary().contains("budget spent"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partial {
    /// Why the collection stopped early, one clause per stop joined with `; `
    /// (e.g. `github 127.0.0.1:8080: request budget of 5 requests reached`).
    pub reason: String,
    /// What was left unread: `platform:host/org (tables)` for organisation-level tables,
    /// `platform:host/org/repo` for a repository whose tables are all unknown.
    #[serde(default)]
    pub missing: Vec<String>,
}

impl Partial {
    /// A partial record.
    pub fn new(reason: impl Into<String>, missing: Vec<String>) -> Self {
        Self {
            reason: reason.into(),
            missing,
        }
    }

    /// Both records in one: the reasons joined, the missing parts appended.
    pub fn union(mut self, other: Partial) -> Partial {
        if self.reason.is_empty() {
            self.reason = other.reason;
        } else if !other.reason.is_empty() && other.reason != self.reason {
            self.reason = format!("{}; {}", self.reason, other.reason);
        }
        self.missing.extend(other.missing);
        self
    }

    /// Combines two optional records: partial when either is.
    pub fn combine(a: Option<Partial>, b: Option<Partial>) -> Option<Partial> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.union(b)),
            (a, b) => a.or(b),
        }
    }

    /// One line for report headers and warnings: the reason and how much was left unread.
    pub fn summary(&self) -> String {
        let n = self.missing.len();
        let reason = if self.reason.is_empty() {
            "the collection stopped early"
        } else {
            self.reason.as_str()
        };
        format!(
            "the collection stopped before the estate was complete ({reason}); {n} part{} left unread, reported as unknown",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// A typed row of one data table (implemented by every `table!` row type; the catalogue
/// tables' entries are not rows, so no dataset holds them).
pub trait Row: Serialize {
    /// The table the row belongs to.
    const TABLE: &'static str;
    /// The table's specification.
    fn spec() -> TableSpec;
}

/// Collected data: record batches per data table name. Tables without data are simply
/// absent; the engine registers them empty.
///
/// The dataset also records its source's [`Coverage`]: which tables and columns the source can
/// fill at all (`None`, the default, means every one: a live collection). Rules reading a column
/// outside it are not applicable rather than passing. A collection that stopped early marks its
/// dataset [`Partial`].
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    tables: std::collections::BTreeMap<String, Vec<RecordBatch>>,
    coverage: Option<Coverage>,
    partial: Option<Partial>,
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
    /// [`Dataset::new`]) takes the other's coverage, so collecting into one starts neutral. The
    /// result is partial when either side is (reasons and missing parts combined).
    pub fn merge(&mut self, other: Dataset) {
        let coverage = if self.is_blank() {
            other.coverage
        } else if other.is_blank() {
            self.coverage.take()
        } else {
            Coverage::combine(self.coverage.take(), other.coverage)
        };
        self.coverage = coverage;
        self.partial = Partial::combine(self.partial.take(), other.partial);
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

    /// Marks the dataset partial (combined with any record it already has); `None` leaves it.
    pub fn add_partial(&mut self, partial: Option<Partial>) {
        self.partial = Partial::combine(self.partial.take(), partial);
    }

    /// Sets (or clears, with `None`) the partial record.
    pub fn set_partial(&mut self, partial: Option<Partial>) {
        self.partial = partial;
    }

    /// Set when the collection stopped before the estate was complete.
    pub fn partial(&self) -> Option<&Partial> {
        self.partial.as_ref()
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
