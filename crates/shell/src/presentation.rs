//! `.headers`, `.nullvalue` and `.width`: whether results show their column names, how NULL
//! shows, and the widths of table columns. NULL text is the engine's
//! [`devquery_engine::output::TextLayout::null`] (table, box, line and markdown modes; CSV and
//! JSON keep NULL exact); widths are its [`devquery_engine::output::TextLayout::column_widths`]
//! (table and box modes). Column names are left out by taking the header off the text the
//! engine's printer wrote ([`without_header`]), so every mode keeps one printer.

use devquery_engine::OutputFormat;

/// How results are presented beyond [`crate::Settings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// Column names above results in table, csv and markdown modes (`.headers`).
    pub headers: bool,
    /// What NULL shows as in table, line and markdown modes (`.nullvalue`).
    pub null: String,
    /// Column widths in table and box modes, in order; 0 is automatic (`.width`).
    pub widths: Vec<usize>,
}

impl Default for Presentation {
    fn default() -> Self {
        Self {
            headers: true,
            null: "NULL".to_string(),
            widths: Vec::new(),
        }
    }
}

/// `rendered`, a result written in `mode`, without its column names: the header record of CSV;
/// the header and alignment rows of Markdown (the rows alone, e.g. to add to a table); the
/// header rows of a table (ASCII or box) and the rule under them. Other modes, and a table's
/// "(0 rows …)" note, are returned as they are.
pub fn without_header(mode: OutputFormat, rendered: &[u8]) -> Vec<u8> {
    match mode {
        OutputFormat::Csv => rendered[csv_record_end(rendered)..].to_vec(),
        OutputFormat::Markdown => rendered[line_end(rendered, line_end(rendered, 0))..].to_vec(),
        OutputFormat::Table => table_without_header(rendered, b"+", b"+"),
        OutputFormat::Box => table_without_header(rendered, "┌".as_bytes(), "├".as_bytes()),
        _ => rendered.to_vec(),
    }
}

/// The offset just past the line starting at `from` (its `\n` included).
fn line_end(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |i| from + i + 1)
}

/// The offset just past the first CSV record (a line break inside quotes does not end it).
fn csv_record_end(text: &[u8]) -> usize {
    let mut quoted = false;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return i + 1,
            _ => {}
        }
    }
    text.len()
}

/// A table (a border starting with `top`, header rows, a rule starting with `rule`, rows, a
/// border) without the header rows and the rule under them.
fn table_without_header(text: &[u8], top: &[u8], rule: &[u8]) -> Vec<u8> {
    if !text.starts_with(top) {
        return text.to_vec();
    }
    let top = line_end(text, 0);
    let mut at = top;
    while at < text.len() {
        let next = line_end(text, at);
        let is_rule = text[at..].starts_with(rule);
        at = next;
        if is_rule {
            let mut out = text[..top].to_vec();
            out.extend_from_slice(&text[at..]);
            return out;
        }
    }
    text.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_loses_its_header_record_even_across_lines() {
        let csv = b"a,\"b\nc\"\n1,2\n3,4\n";
        assert_eq!(without_header(OutputFormat::Csv, csv), b"1,2\n3,4\n");
        assert_eq!(without_header(OutputFormat::Csv, b"a,b\n"), b"");
    }

    #[test]
    fn markdown_keeps_its_rows() {
        let md = b"| a | b |\n| --- | ---: |\n| x | 1 |\n";
        assert_eq!(without_header(OutputFormat::Markdown, md), b"| x | 1 |\n");
        assert_eq!(without_header(OutputFormat::Markdown, b"| a |\n"), b"");
    }

    #[test]
    fn a_table_keeps_its_borders_and_rows() {
        let table =
            b"+-----+----+\n| one | b  |\n| two |    |\n+-----+----+\n| 1   | x  |\n+-----+----+\n";
        assert_eq!(
            without_header(OutputFormat::Table, table),
            b"+-----+----+\n| 1   | x  |\n+-----+----+\n"
        );
        let empty = b"(0 rows; columns: a)\n";
        assert_eq!(without_header(OutputFormat::Table, empty), empty);
        assert_eq!(without_header(OutputFormat::Line, b"a = 1\n"), b"a = 1\n");
    }

    #[test]
    fn a_box_keeps_its_borders_and_rows() {
        let table = "┌─────┐\n│ one │\n├─────┤\n│ 1   │\n└─────┘\n";
        assert_eq!(
            without_header(OutputFormat::Box, table.as_bytes()),
            "┌─────┐\n│ 1   │\n└─────┘\n".as_bytes()
        );
    }
}
