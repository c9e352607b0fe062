//! The `markdown` format: a GitHub-flavoured Markdown table, for pull requests, issues and wikis.
//! Cells are escaped ([`cell`]) so that text from the estate stays inside its cell and shows as
//! written; numbers are right-aligned; lists, maps and structs are JSON text
//! ([`super::nested`]); NULL is [`TextLayout::null`]. Never cut to a width.

use std::io::Write;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::FormatOptions;

use super::{TextLayout, display_rows, nested};
use crate::error::EngineError;
use crate::text::escape_control;

/// Writes the header, the alignment row and one row per record.
pub(super) fn write<W: Write>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    layout: &TextLayout,
) -> Result<(), EngineError> {
    let names: Vec<String> = schema.fields().iter().map(|f| cell(f.name())).collect();
    writeln!(out, "| {} |", names.join(" | "))?;
    let align: Vec<&str> = schema
        .fields()
        .iter()
        .map(|f| {
            if f.data_type().is_numeric() {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    writeln!(out, "| {} |", align.join(" | "))?;
    let options = FormatOptions::default()
        .with_display_error(true)
        .with_null(&layout.null);
    for batch in batches {
        let batch = nested::json_text_batch(batch)?;
        for values in display_rows(&batch, &options)? {
            let cells: Vec<String> = values.iter().map(|v| cell(v)).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
    }
    Ok(())
}

/// Text for a Markdown table cell: control characters as visible escapes
/// ([`escape_control`]); `\` and `|` escaped with a backslash (a `|` would end the cell);
/// `&` and `<` as entities (no HTML from the data); a newline as `<br>`.
fn cell(s: &str) -> String {
    escape_control(s, true)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('\n', "<br>")
}
