//! Errors of the `--path` source (parsing itself never fails: see `parse_error`).

use std::path::PathBuf;

/// What can stop [`crate::collect_paths`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A `--path` directory that does not exist.
    #[error("--path {}: no such directory", path.display())]
    PathNotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A `--path` that is not a directory.
    #[error("--path {}: not a directory", path.display())]
    NotADirectory {
        /// The path as given.
        path: PathBuf,
    },
    /// A directory that could not be read.
    #[error("--path {}: {source}", path.display())]
    Io {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Rows that do not fit a table's schema (a bug, not bad input).
    #[error(transparent)]
    Rows(#[from] devquery_model::RowsError),
}
