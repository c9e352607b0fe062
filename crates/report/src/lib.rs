//! devquery compliance report: one module per output format behind [`Format`], each writing a
//! [`RunReport`] to any [`std::io::Write`]; plus the Parquet findings export
//! ([`parquet::export`]) that appends to a `run_date=YYYY-MM-DD/` partitioned directory, and
//! SARIF split into one file per repository ([`sarif::write_split`]) for GitHub code scanning.
//!
//! Adding a format is one module plus one [`Format`] variant.

pub mod atomic;
pub mod csv;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod links;
pub mod markdown;
pub mod parquet;
pub mod sarif;
pub mod summary;
pub mod table;

use std::io::Write;

pub use devquery_rules::RunReport;

/// Report errors.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing the output failed.
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
    /// JSON serialisation failed.
    #[error("serialising the report: {0}")]
    Json(#[from] serde_json::Error),
    /// CSV writing failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// The findings do not fit the `findings` schema (a bug).
    #[error(transparent)]
    Rows(#[from] devquery_model::RowsError),
    /// Writing Parquet failed.
    #[error(transparent)]
    Engine(#[from] devquery_engine::EngineError),
    /// The HTML templates could not be rendered (a bug).
    #[error("rendering the HTML report: {0}")]
    Template(#[from] minijinja::Error),
    /// A format that writes a directory was asked to write a stream.
    #[error("--format {0} writes a directory: give --output DIR")]
    NeedsDirectory(&'static str),
}

/// Output formats of `devquery report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Terminal summary, per-rule table and top findings.
    Table,
    /// Versioned JSON (`{"version": 1, ...}`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// Markdown (for PR comments, wikis).
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// JUnit XML: one test case per rule and resource.
    Junit,
    /// GitHub Actions workflow annotations.
    Github,
    /// CSV: one line per finding.
    Csv,
    /// Parquet findings appended to `DIR/run_date=YYYY-MM-DD/part-<run_id>.parquet`.
    Parquet,
}

impl Format {
    /// Names accepted by `--format`.
    pub const NAMES: &'static [&'static str] = &[
        "table", "json", "sarif", "markdown", "html", "junit", "github", "csv", "parquet",
    ];

    /// Parses a `--format` value (`md` and `text` are accepted aliases).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "table" | "text" | "terminal" => Format::Table,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "markdown" | "md" => Format::Markdown,
            "html" => Format::Html,
            "junit" | "xml" => Format::Junit,
            "github" => Format::Github,
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            _ => return None,
        })
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// True for formats that list passing findings (the others show only their count).
    pub fn lists_passing(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Html | Format::Junit | Format::Csv | Format::Parquet
        )
    }

    /// True for formats that list only the first failing findings (`Options::top`) rather
    /// than every one.
    pub fn lists_only_top(self) -> bool {
        matches!(self, Format::Table | Format::Markdown)
    }

    /// True for formats that write a directory rather than a stream.
    pub fn is_directory(self) -> bool {
        matches!(self, Format::Parquet)
    }
}

/// Rendering options.
#[derive(Debug, Clone)]
pub struct Options {
    /// ANSI colour (terminal format only).
    pub color: bool,
    /// How many failing findings the terminal and Markdown formats list.
    pub top: usize,
    /// Tool version shown in outputs.
    pub tool_version: String,
    /// The widest the terminal format may be (the terminal's width); `None` keeps every
    /// column and the whole of every line (`--wide`, a pipe, a file).
    pub width: Option<usize>,
    /// How many findings of each status the HTML format lists per rule (the counts always
    /// cover every finding); 0 lists them all.
    pub html_limit: usize,
}

/// The default of [`Options::html_limit`]: enough to act on, small enough that a report over
/// 100,000 repositories stays a file of a few MB.
pub const DEFAULT_HTML_LIMIT: usize = 100;

impl Default for Options {
    fn default() -> Self {
        Self {
            color: false,
            top: 20,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            width: None,
            html_limit: DEFAULT_HTML_LIMIT,
        }
    }
}

/// Writes `report` in `format` to `out`. Directory formats return [`ReportError::NeedsDirectory`].
pub fn write(
    format: Format,
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    match format {
        Format::Table => table::write(report, out, options),
        Format::Json => json::write(report, out, options),
        Format::Sarif => sarif::write(report, out, options),
        Format::Markdown => markdown::write(report, out, options),
        Format::Html => html::write(report, out, options),
        Format::Junit => junit::write(report, out, options),
        Format::Github => github::write(report, out, options),
        Format::Csv => csv::write(report, out, options),
        Format::Parquet => Err(ReportError::NeedsDirectory("parquet")),
    }
}
