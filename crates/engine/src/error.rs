//! Engine errors: each names the file, statement or table it is about.

use std::path::PathBuf;

use datafusion::error::DataFusionError;

/// What can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A snapshot directory or file is missing, unreadable, corrupt or of an unknown version.
    #[error("snapshot {path}: {message}")]
    Snapshot {
        /// The file or directory at fault.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A statement failed to parse, plan or execute.
    #[error("statement {index} (line {line}): {source}")]
    Sql {
        /// 1-based statement number in the script.
        index: usize,
        /// 1-based line where the statement starts.
        line: usize,
        /// DataFusion's explanation.
        #[source]
        source: DataFusionError,
    },
    /// A statement would change state or write files, and the session is read-only.
    #[error(
        "statement {index} (line {line}): {what} is refused: devquery runs read-only SQL (queries, EXPLAIN, SHOW, DESCRIBE); {hint}"
    )]
    ReadOnly {
        /// 1-based statement number.
        index: usize,
        /// 1-based line where the statement starts.
        line: usize,
        /// The kind of statement refused.
        what: String,
        /// What to do instead.
        hint: String,
    },
    /// An I/O error on a named path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// DataFusion or Arrow failed outside a user statement (registration, output).
    #[error(transparent)]
    DataFusion(#[from] DataFusionError),
    /// Arrow failed while writing output.
    #[error(transparent)]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    /// Parquet failed while writing output.
    #[error(transparent)]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    /// Output could not be written.
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    /// Rows of a catalogue table (`devquery_rules`, …) do not fit its schema.
    #[error(transparent)]
    Catalogue(#[from] devquery_model::RowsError),
}

impl EngineError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EngineError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn snapshot(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        EngineError::Snapshot {
            path: path.into(),
            message: message.into(),
        }
    }
}
