//! Output formats for query results, behind one enum writing to any `io::Write`. The text
//! formats for people (table, line) show control characters escaped
//! ([`crate::text::escape_control`]); the machine formats keep the data exact.

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
    /// An aligned text table for terminals.
    #[default]
    Table,
    /// CSV with a header row.
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
}

impl OutputFormat {
    /// Every format's name, for help and completion.
    pub const NAMES: [&'static str; 6] = ["table", "csv", "json", "ndjson", "parquet", "line"];

    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "table" => Self::Table,
            "csv" => Self::Csv,
            "json" => Self::Json,
            "ndjson" | "jsonl" => Self::Ndjson,
            "parquet" => Self::Parquet,
            "line" => Self::Line,
            _ => return None,
        })
    }

    /// True for formats that are not text.
    pub fn is_binary(self) -> bool {
        self == Self::Parquet
    }

    /// Writes `batches` with `schema` to `out`.
    pub fn write<W: Write + Send>(
        self,
        out: &mut W,
        schema: &SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<(), EngineError> {
        match self {
            Self::Table => {
                if batches.iter().all(|b| b.num_rows() == 0) {
                    let names: Vec<_> = schema
                        .fields()
                        .iter()
                        .map(|f| escape_control(f.name(), false).into_owned())
                        .collect();
                    writeln!(out, "(0 rows; columns: {})", names.join(", "))?;
                } else {
                    write_table(out, schema, batches)?;
                }
            }
            Self::Csv => {
                let mut w = CsvWriterBuilder::new().with_header(true).build(&mut *out);
                if batches.is_empty() {
                    w.write(&RecordBatch::new_empty(schema.clone()))?;
                }
                for b in batches {
                    w.write(b)?;
                }
            }
            Self::Json => {
                let mut w = ArrayWriter::new(&mut *out);
                for b in batches {
                    w.write(b)?;
                }
                w.finish()?;
                drop(w);
                writeln!(out)?;
            }
            Self::Ndjson => {
                let mut w = LineDelimitedWriter::new(&mut *out);
                for b in batches {
                    w.write(b)?;
                }
                w.finish()?;
            }
            Self::Parquet => {
                let props = crate::snapshot::writer_properties();
                let mut w = ArrowWriter::try_new(&mut *out, schema.clone(), Some(props))?;
                for b in batches {
                    w.write(b)?;
                }
                w.close()?;
            }
            Self::Line => write_lines(out, schema, batches)?,
        }
        Ok(())
    }
}

/// Writes an aligned text table (the layout of Arrow's `pretty_format_batches`), every header
/// and cell with its control characters escaped.
fn write_table<W: Write>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let options = FormatOptions::default().with_display_error(true);
    let mut table = comfy_table::Table::new();
    table.load_preset("||--+-++|    ++++++");
    let header: Vec<comfy_table::Cell> = schema
        .fields()
        .iter()
        .map(|f| comfy_table::Cell::new(escape_control(f.name(), true)))
        .collect();
    table.set_header(header);
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            let cells: Vec<comfy_table::Cell> = formatters
                .iter()
                .map(|f| comfy_table::Cell::new(escape_control(&f.value(row).to_string(), true)))
                .collect();
            table.add_row(cells);
        }
    }
    writeln!(out, "{table}")?;
    Ok(())
}

/// Writes rows as `column = value` lines, names right-aligned, rows separated by a blank line;
/// control characters in names and values are escaped (newlines in values are kept).
fn write_lines<W: Write>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let names: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| escape_control(f.name(), false).into_owned())
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let options = FormatOptions::default().with_null("NULL");
    let mut first = true;
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            if !first {
                writeln!(out)?;
            }
            first = false;
            for (name, formatter) in names.iter().zip(&formatters) {
                let value = formatter.value(row).to_string();
                writeln!(out, "{name:>width$} = {}", escape_control(&value, true))?;
            }
        }
    }
    Ok(())
}
