//! The `table` format: an aligned text table (the layout of Arrow's `pretty_format_batches`),
//! every header and cell with its control characters escaped and NULL shown as
//! [`TextLayout::null`].
//!
//! Given a width ([`TextLayout::max_width`]), the table fits it: every row is one line (a
//! multi-line value shows its first line and `…`); the leading columns that fit at a
//! readable width ([`MIN_COLUMN`] characters, or less when their content is narrower) are
//! shown and the others named under the table; the shown columns share the width, none wider
//! than its content, and a cell longer than its column ends with `…`. Widths are measured as
//! the terminal shows them (comfy-table's Unicode widths).
//!
//! Columns given a width ([`TextLayout::column_widths`]) keep it, content cut with `…` or
//! padded, and every row is one line; fitting counts them at that width. The borders are
//! ASCII ([`Borders::Ascii`]) or box-drawing characters ([`Borders::Box`]).

use std::io::Write;

use comfy_table::{Cell, Column, ColumnConstraint, Row, Table, Width};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::FormatOptions;

use super::{TextLayout, display_rows, fit_line};
use crate::error::EngineError;
use crate::text::escape_control;

/// Arrow's pretty-printer borders: `|` between columns, `-` above and below the header.
const PRESET: &str = "||--+-++|    ++++++";
/// The same layout in box-drawing characters (duckdb's and sqlite's `.mode box`), in
/// comfy-table's preset order: borders, header rule, column lines, corners.
const BOX_PRESET: &str = "││──├─┼┤│    ┬┴┌┐└┘";
/// What a column costs besides its content: a space either side and one border.
const PER_COLUMN: usize = 3;
/// The narrowest a shortened column gets, in characters (its last one is `…`).
const MIN_COLUMN: usize = 8;
/// Splits cell text into words when a long cell is cut: a character never in a cell (control
/// characters are escaped), so that a cell is cut at its width rather than at a space.
const NO_DELIMITER: char = '\0';

/// How a table's borders are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Borders {
    /// `+`, `-` and `|`.
    Ascii,
    /// `┌`, `─`, `│`, …
    Box,
}

/// Writes the table (or a one-line note for no rows).
pub(super) fn write<W: Write>(
    out: &mut W,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    layout: &TextLayout,
    borders: Borders,
) -> Result<(), EngineError> {
    if batches.iter().all(|b| b.num_rows() == 0) {
        let names: Vec<_> = schema
            .fields()
            .iter()
            .map(|f| escape_control(f.name(), false).into_owned())
            .collect();
        let note = format!("(0 rows; columns: {})", names.join(", "));
        writeln!(out, "{}", fit_line(&note, layout.max_width))?;
        return Ok(());
    }
    let mut table = build(schema, batches, layout)?;
    table.load_preset(match borders {
        Borders::Ascii => PRESET,
        Borders::Box => BOX_PRESET,
    });
    let shown = match layout.max_width {
        Some(width) => fit(&mut table, width, &layout.column_widths),
        None => {
            fix_widths(&mut table, &layout.column_widths);
            schema.fields().len()
        }
    };
    writeln!(out, "{table}")?;
    if shown < schema.fields().len() {
        writeln!(out, "{}", left_out_note(schema, shown, layout))?;
    }
    Ok(())
}

/// The table with every column; each row one line when the table is to be fitted.
fn build(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    layout: &TextLayout,
) -> Result<Table, EngineError> {
    let options = FormatOptions::default()
        .with_display_error(true)
        .with_null(&layout.null);
    let one_line = layout.max_width.is_some() || layout.column_widths.iter().any(|w| *w > 0);
    let mut table = Table::new();
    let header: Vec<Cell> = schema
        .fields()
        .iter()
        .map(|f| Cell::new(escape_control(f.name(), true)))
        .collect();
    table.set_header(row(header, one_line));
    for batch in batches {
        for values in display_rows(batch, &options)? {
            let cells: Vec<Cell> = values
                .iter()
                .map(|v| Cell::new(escape_control(v, true)))
                .collect();
            table.add_row(row(cells, one_line));
        }
    }
    Ok(table)
}

fn row(cells: Vec<Cell>, one_line: bool) -> Row {
    let mut row = Row::from(cells);
    if one_line {
        row.max_height(1);
    }
    row
}

/// The width asked for column `i` in `fixed` (`.width`), if any (0 is automatic).
fn requested(fixed: &[usize], i: usize) -> Option<usize> {
    fixed.get(i).copied().filter(|w| *w > 0)
}

/// Cells longer than their column are cut at its width and end with `…`.
fn cut_long_cells(table: &mut Table) {
    table
        .set_truncation_indicator("…")
        .set_delimiter(NO_DELIMITER);
}

/// Gives `column` a content width of `width` characters.
fn set_width(column: &mut Column, width: usize) {
    // comfy-table counts the padding in an absolute width.
    let fixed = u16::try_from(width + 2).unwrap_or(u16::MAX);
    column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(fixed)));
}

/// The widths of `fixed` (`.width`) on a table that is not fitted to a width.
fn fix_widths(table: &mut Table, fixed: &[usize]) {
    if fixed.iter().all(|w| *w == 0) {
        return;
    }
    cut_long_cells(table);
    for (i, &w) in fixed.iter().enumerate().filter(|(_, w)| **w > 0) {
        if let Some(column) = table.column_mut(i) {
            set_width(column, w);
        }
    }
}

/// Fits `table` into `width` terminal columns: hides the columns that do not fit and narrows
/// the others (see the module), columns with a `fixed` width counted at it. Returns how many
/// leading columns are shown.
fn fit(table: &mut Table, width: usize, fixed: &[usize]) -> usize {
    cut_long_cells(table);
    let content: Vec<usize> = table
        .column_max_content_widths()
        .into_iter()
        .map(usize::from)
        .collect();
    let natural: Vec<usize> = content
        .iter()
        .enumerate()
        .map(|(i, c)| requested(fixed, i).unwrap_or(*c))
        .collect();
    let widths = column_widths(&natural, width);
    for (i, w) in widths.iter().enumerate() {
        let Some(column) = table.column_mut(i) else {
            continue;
        };
        match w {
            None => {
                column.set_constraint(ColumnConstraint::Hidden);
            }
            Some(w) if *w < content[i] || requested(fixed, i).is_some() => set_width(column, *w),
            Some(_) => {}
        }
    }
    widths.iter().filter(|w| w.is_some()).count()
}

/// The content width of each column of a table at most `width` columns wide, given each
/// column's `natural` (widest content) width: `None` for a column left out. The leading
/// columns that fit at their narrowest are shown (at least one), the others left out.
fn column_widths(natural: &[usize], width: usize) -> Vec<Option<usize>> {
    let min: Vec<usize> = natural.iter().map(|n| (*n).min(MIN_COLUMN)).collect();
    let mut used = 1;
    let mut shown = 0;
    for m in &min {
        if shown > 0 && used + m + PER_COLUMN > width {
            break;
        }
        used += m + PER_COLUMN;
        shown += 1;
    }
    let budget = width.saturating_sub(1 + PER_COLUMN * shown);
    let mut widths: Vec<Option<usize>> = share(&natural[..shown], &min[..shown], budget)
        .into_iter()
        .map(Some)
        .collect();
    widths.resize(natural.len(), None);
    widths
}

/// Content widths for columns sharing `budget` characters: each at least its `min`, the rest
/// shared out evenly (the narrowest needs served first), none beyond its `natural` width.
fn share(natural: &[usize], min: &[usize], budget: usize) -> Vec<usize> {
    let floor: usize = min.iter().sum();
    if budget < floor {
        // Only a single column wider than the whole terminal gets here.
        return min.iter().map(|m| (*m).min(budget.max(1))).collect();
    }
    let mut widths = min.to_vec();
    let mut spare = budget - floor;
    let mut order: Vec<usize> = (0..natural.len()).collect();
    order.sort_by_key(|&i| natural[i] - min[i]);
    let mut left = order.len();
    for i in order {
        let give = (natural[i] - min[i]).min(spare / left);
        widths[i] += give;
        spare -= give;
        left -= 1;
    }
    widths
}

/// The line under a fitted table that names the columns left out, cut to the width.
fn left_out_note(schema: &SchemaRef, shown: usize, layout: &TextLayout) -> String {
    let fields = schema.fields();
    let hidden: Vec<String> = fields
        .iter()
        .skip(shown)
        .map(|f| escape_control(f.name(), false).into_owned())
        .collect();
    let note = format!(
        "({shown} of {} columns shown; {}; not shown: {})",
        fields.len(),
        layout.wide_hint,
        hidden.join(", ")
    );
    fit_line(&note, layout.max_width)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table's width for content `widths` (borders and padding included).
    fn total(widths: &[Option<usize>]) -> usize {
        1 + widths
            .iter()
            .flatten()
            .map(|w| w + PER_COLUMN)
            .sum::<usize>()
    }

    #[test]
    fn narrow_columns_keep_their_width_and_wide_ones_share_the_rest() {
        let widths = column_widths(&[4, 50, 60], 80);
        assert_eq!(widths[0], Some(4));
        assert!(total(&widths) <= 80, "{widths:?}");
        assert_eq!(total(&widths), 80, "the spare width is used: {widths:?}");
        let (b, c) = (widths[1].unwrap_or(0), widths[2].unwrap_or(0));
        assert!(b.abs_diff(c) <= 1, "{widths:?}");
    }

    #[test]
    fn columns_that_do_not_fit_are_left_out() {
        let natural = vec![20; 30];
        let widths = column_widths(&natural, 80);
        let shown = widths.iter().filter(|w| w.is_some()).count();
        assert!(shown > 1 && shown < 30, "{widths:?}");
        assert!(widths[..shown].iter().all(Option::is_some));
        assert!(widths[shown..].iter().all(Option::is_none));
        assert!(total(&widths) <= 80, "{widths:?}");
    }

    #[test]
    fn a_table_that_fits_is_unchanged() {
        let natural = [3, 10, 12];
        let widths = column_widths(&natural, 200);
        assert_eq!(widths, vec![Some(3), Some(10), Some(12)]);
    }

    #[test]
    fn one_column_wider_than_the_terminal_is_cut_to_it() {
        assert_eq!(column_widths(&[500], 80), vec![Some(76)]);
        assert_eq!(column_widths(&[500, 3], 10), vec![Some(6), None]);
        assert_eq!(column_widths(&[500], 2), vec![Some(1)]);
    }
}
