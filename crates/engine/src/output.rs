//! Output formats for query results, behind one enum writing to any `io::Write`. The text
//! formats for people (table, line, markdown) show control characters escaped
//! ([`crate::text::escape_control`]) and NULL as [`TextLayout::null`] (`NULL` by default, so
//! that it differs from an empty string); the machine formats keep the data exact. Formats
//! that hold only scalars (CSV, Markdown) write lists, maps and structs as JSON text
//! ([`nested`]). A table can be fitted into a terminal's width ([`TextLayout::max_width`],
//! [`terminal_width`]): long cells end with `…` and the columns that do not fit are named
//! under it; columns can be given fixed widths ([`TextLayout::column_widths`], the shell's
//! `.width`). A table is drawn with ASCII borders (`table`) or box-drawing characters (`box`).

mod markdown;
pub mod nested;
mod table;

use std::io::Write;

use datafusion::arrow::csv::WriterBuilder as CsvWriterBuilder;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::json::{ArrayWriter, LineDelimitedWriter};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::parquet::arrow::ArrowWriter;

use crate::error::EngineError;
use crate::text::escape_control;

/// How query results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// An aligned text table for terminals; NULL is shown as `NULL` (see [`TextLayout`]).
    #[default]
    Table,
    /// The same table drawn with box-drawing characters (`┌─┬─┐`, as duckdb's `.mode box`).
    Box,
    /// CSV with a header row; lists, maps and structs as JSON text, NULL as an empty field.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A Parquet file (binary; needs a file, not a terminal).
    Parquet,
    /// One `column = value` line per column, a blank line between rows (like sqlite's
    /// `.mode line`): readable for wide rows.
    Line,
    /// A GitHub-flavoured Markdown table: `|`, `\` and newlines in cells escaped, lists, maps
    /// and structs as JSON text.
    Markdown,
}

/// How the text formats for people lay a result out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLayout {
    /// The widest a table may be, in terminal columns. `None` keeps every column and the whole
    /// of every cell (`--wide`, a pipe, a file).
    pub max_width: Option<usize>,
    /// What a NULL shows as in the table, line and markdown formats.
    pub null: String,
    /// How to see the columns left out of a fitted table (said under it).
    pub wide_hint: String,
    /// Fixed content widths of a table's columns, in order (the shell's `.width`): a cell
    /// longer than its column ends with `…`, every row is one line; 0, or a column past the
    /// end of the list, is sized automatically. Empty: every column automatic.
    pub column_widths: Vec<usize>,
}

impl Default for TextLayout {
    fn default() -> Self {
        Self {
            max_width: None,
            null: "NULL".to_string(),
            wide_hint: "--wide shows every column".to_string(),
            column_widths: Vec::new(),
        }
    }
}

/// The width of the terminal that standard output goes to, for fitting tables: `$COLUMNS` when
/// it is set to a positive number (also when standard output is not a terminal, so that a
/// script or a test can ask for a width), else the terminal's own width; `None` when standard
/// output is not a terminal (a pipe or a file keeps every column).
pub fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0);
    columns.or_else(|| {
        terminal_size::terminal_size_of(std::io::stdout())
            .map(|(w, _)| usize::from(w.0))
            .filter(|w| *w > 0)
    })
}

/// `text` cut to `max_width` characters, its end replaced by `…` when it is longer.
pub(crate) fn fit_line(text: &str, max_width: Option<usize>) -> String {
    match max_width {
        Some(w) if text.chars().count() > w => {
            let mut cut: String = text.chars().take(w.saturating_sub(1)).collect();
            cut.push('…');
            cut
        }
        _ => text.to_string(),
    }
}

impl OutputFormat {
    /// Every format's name, for help and completion.
    pub const NAMES: [&'static str; 8] = [
        "table", "box", "csv", "json", "ndjson", "parquet", "line", "markdown",
    ];

    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "table" => Self::Table,
            "box" => Self::Box,
            "csv" => Self::Csv,
            "json" => Self::Json,
            "ndjson" | "jsonl" => Self::Ndjson,
            "parquet" => Self::Parquet,
            "line" => Self::Line,
            "markdown" | "md" => Self::Markdown,
            _ => return None,
        })
    }

    /// The canonical name (one of [`Self::NAMES`]).
    pub fn name(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Box => "box",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Ndjson => "ndjson",
            Self::Parquet => "parquet",
            Self::Line => "line",
            Self::Markdown => "markdown",
        }
    }

    /// True for formats that are not text.
    pub fn is_binary(self) -> bool {
        self == Self::Parquet
    }

    /// True for the aligned tables (`table` and `box`), which fit a width and have column
    /// widths.
    pub fn is_table(self) -> bool {
        matches!(self, Self::Table | Self::Box)
    }

    /// Writes `batches` with `schema` to `out`, tables at full width ([`TextLayout::default`]).
    pub fn write<W: Write + Send>(
        self,
        out: &mut W,
        schema: &SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<(), EngineError> {
        self.write_with(out, schema, batches, &TextLayout::default())
    }

    /// Writes `batches` with `schema` to `out`, the text formats laid out as `layout` says.
    pub fn write_with<W: Write + Send>(
        self,
        out: &mut W,
        schema: &SchemaRef,
        batches: &[RecordBatch],
        layout: &TextLayout,
    ) -> Result<(), EngineError> {
        match self {
            Self::Table => table::write(out, schema, batches, layout, table::Borders::Ascii),
            Self::Box => table::write(out, schema, batches, layout, table::Borders::Box),
            Self::Csv => write_csv(out, schema, batches),
            Self::Json => write_json(out, batches),
            Self::Ndjson => write_ndjson(out, batches),
            Self::Parquet => write_parquet(out, schema, batches),
            Self::Line => write_lines(out, schema, batches, layout),
            Self::Markdown => markdown::write(out, schema, batches, layout),
        }
    }
}

/// CSV with a header row (also for no rows); nested columns as JSON text, NULL as nothing.
fn write_csv<W: Write>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let mut w = CsvWriterBuilder::new().with_header(true).build(&mut *out);
    if batches.is_empty() {
        w.write(&RecordBatch::new_empty(nested::json_text_schema(schema)))?;
    }
    for b in batches {
        w.write(&nested::json_text_batch(b)?)?;
    }
    Ok(())
}

fn write_json<W: Write>(out: &mut W, batches: &[RecordBatch]) -> Result<(), EngineError> {
    let mut w = ArrayWriter::new(&mut *out);
    for b in batches {
        w.write(b)?;
    }
    w.finish()?;
    drop(w);
    writeln!(out)?;
    Ok(())
}

fn write_ndjson<W: Write>(out: &mut W, batches: &[RecordBatch]) -> Result<(), EngineError> {
    let mut w = LineDelimitedWriter::new(&mut *out);
    for b in batches {
        w.write(b)?;
    }
    w.finish()?;
    Ok(())
}

fn write_parquet<W: Write + Send>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let props = crate::snapshot::writer_properties();
    let mut w = ArrowWriter::try_new(&mut *out, schema.clone(), Some(props))?;
    for b in batches {
        w.write(b)?;
    }
    w.close()?;
    Ok(())
}

/// Writes rows as `column = value` lines, names right-aligned, rows separated by a blank line;
/// control characters in names and values are escaped (newlines in values are kept).
fn write_lines<W: Write>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    layout: &TextLayout,
) -> Result<(), EngineError> {
    let names: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| escape_control(f.name(), false).into_owned())
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let options = FormatOptions::default()
        .with_display_error(true)
        .with_null(&layout.null);
    let mut first = true;
    for batch in batches {
        for row in display_rows(batch, &options)? {
            if !first {
                writeln!(out)?;
            }
            first = false;
            for (name, value) in names.iter().zip(&row) {
                writeln!(out, "{name:>width$} = {}", escape_control(value, true))?;
            }
        }
    }
    Ok(())
}

/// Each row of `batch` as display text, one string per column, formatted with `options`
/// (shared by the table, line and Markdown printers).
pub(crate) fn display_rows(
    batch: &RecordBatch,
    options: &FormatOptions<'_>,
) -> Result<Vec<Vec<String>>, EngineError> {
    let formatters = batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), options))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((0..batch.num_rows())
        .map(|r| formatters.iter().map(|f| f.value(r).to_string()).collect())
        .collect())
}
