//! The devquery execution core: a DataFusion session with every catalogue table registered from
//! in-memory batches or a Parquet snapshot (checked on open), read-only SQL by default with a
//! memory limit and checked integer arithmetic, statement splitting with positions, output
//! formats with control characters escaped, the one writer of `-o FILE`, and the atomic
//! snapshot writer, and the catalogue as tables (`devquery_tables`, `devquery_columns`,
//! `devquery_views`, `devquery_rules`). Shared by `query`, `report` and the REPL so they behave
//! the same.

pub mod catalog;
pub mod checked;
pub mod error;
pub mod filter;
pub mod integrity;
pub mod limits;
pub mod outfile;
pub mod output;
pub mod session;
pub mod snapshot;
pub mod split;
pub mod stale;
pub mod text;
mod unwind;

pub use catalog::RuleEntry;
pub use error::EngineError;
pub use filter::{ResolvedFilter, RowFilter, filter_dataset};
pub use limits::{DEFAULT_MEMORY_LIMIT, parse_memory_limit};
pub use outfile::write_output;
pub use output::OutputFormat;
pub use session::{Engine, EngineOptions, StatementOutput};
pub use snapshot::{Manifest, SnapshotInfo, SnapshotWriter, write_snapshot};
pub use split::{Statement, split_statements};

/// Re-export so downstream crates use exactly the engine's DataFusion (and its arrow/parquet).
pub use datafusion;
