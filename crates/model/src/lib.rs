//! The devquery table catalogue: every table's Arrow schema with one-line docs for the table and
//! each column, the serde row type collectors fill, and helpers to turn rows into record batches.
//!
//! A table is declared once, in one file under `tables/`, with the [`table!`] macro; the
//! registry in [`tables::ALL`] lists them. The tables about the session itself
//! (`devquery_tables`, `devquery_columns`, `devquery_views`, `devquery_rules`) are declared the
//! same way under `catalogue/` ([`catalogue::ALL`]) but are not data: [`catalog`], [`find`] and
//! [`Dataset`] know the data tables only. `docs/tables.md` is generated from both.

#[macro_use]
mod spec;
pub mod catalogue;
pub mod coverage;
pub mod docs;
pub mod glob;
pub mod rows;
pub mod severity;
pub mod tables;

pub use catalogue::{catalogue_tables, is_catalogue_table};
pub use coverage::{ColumnSet, Coverage};
pub use glob::{GlobError, GlobPattern, glob_match, glob_match_ignore_case};
pub use rows::{Dataset, Row, RowsError, to_batch};
pub use severity::{Severity, SeverityParseError};
pub use spec::{ColumnSpec, JOIN_KEYS, TableSpec, type_name as spec_type_name, types};
pub use tables::{ALL, catalog, find};

/// Platform identifiers used in the `platform` join key.
pub mod platform {
    /// GitHub.com or GitHub Enterprise Server.
    pub const GITHUB: &str = "github";
    /// Azure DevOps Services or Server.
    pub const AZURE_DEVOPS: &str = "azure_devops";
    /// GitLab (pipeline files only in v1).
    pub const GITLAB: &str = "gitlab";
    /// A local checkout read with `--path` (no forge API).
    pub const LOCAL: &str = "local";
}
