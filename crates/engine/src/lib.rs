//! The devquery execution core: a DataFusion session with every catalogue table registered from
//! in-memory batches or a Parquet snapshot, read-only SQL by default, statement splitting with
//! positions, output formats, and the atomic snapshot writer. Shared by `query`, `report` and the
//! REPL so they behave the same.

pub mod error;
pub mod filter;
pub mod output;
pub mod session;
pub mod snapshot;
pub mod split;

pub use error::EngineError;
pub use filter::{ResolvedFilter, RowFilter, filter_dataset};
pub use output::OutputFormat;
pub use session::{Engine, EngineOptions, StatementOutput};
pub use snapshot::{Manifest, SnapshotInfo, SnapshotWriter, write_snapshot};
pub use split::{Statement, split_statements};

/// Re-export so downstream crates use exactly the engine's DataFusion (and its arrow/parquet).
pub use datafusion;
