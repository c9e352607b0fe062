//! Output formats: CSV of nested values as JSON text (over every catalogue table too), Markdown
//! escaping, NULL shown apart from the empty string, and tables fitted to a terminal's width
//! (or kept whole).

use std::sync::Arc;

use devquery_engine::datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, ListBuilder, MapBuilder, StringArray, StringBuilder,
    StructArray,
};
use devquery_engine::datafusion::arrow::buffer::NullBuffer;
use devquery_engine::datafusion::arrow::csv::ReaderBuilder;
use devquery_engine::datafusion::arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef};
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::output::TextLayout;
use devquery_engine::{Engine, EngineOptions, OutputFormat};
use devquery_model::catalog;
use serde_json::{Value, json};

use crate::estate::estate;

fn col(array: impl Array + 'static) -> ArrayRef {
    Arc::new(array)
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> (SchemaRef, RecordBatch) {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays).expect("batch");
    (schema, batch)
}

fn render(format: OutputFormat, batch: &RecordBatch, layout: &TextLayout) -> String {
    let mut out = Vec::new();
    format
        .write_with(
            &mut out,
            &batch.schema(),
            std::slice::from_ref(batch),
            layout,
        )
        .expect("write output");
    String::from_utf8(out).expect("utf-8")
}

fn width(layout_width: Option<usize>) -> TextLayout {
    TextLayout {
        max_width: layout_width,
        ..TextLayout::default()
    }
}

/// A list, a map and a struct column, each with a NULL, an empty or a NULL-holding value.
fn nested_batch() -> (SchemaRef, RecordBatch) {
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.values().append_value("a");
    tags.values().append_value("b");
    tags.append(true);
    tags.append(false);
    tags.append(true);
    let mut labels = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    labels.keys().append_value("team");
    labels.values().append_value("core");
    labels.append(true).expect("map row");
    labels.append(false).expect("null map");
    labels.keys().append_value("k");
    labels.values().append_null();
    labels.append(true).expect("map row");
    let owner = StructArray::try_new(
        Fields::from(vec![
            Field::new("name", DataType::Utf8, true),
            Field::new("n", DataType::Int64, false),
        ]),
        vec![
            col(StringArray::from(vec![Some("x"), None, Some("z")])),
            col(Int64Array::from(vec![1, 2, 3])),
        ],
        Some(NullBuffer::from(vec![true, true, false])),
    )
    .expect("struct");
    batch(vec![
        ("repo", col(StringArray::from(vec!["a", "b", "c"]))),
        ("tags", col(tags.finish())),
        ("labels", col(labels.finish())),
        ("owner", col(owner)),
    ])
}

/// Reads CSV text back with every column as text, then each cell of the columns after the
/// first `skip` ones as JSON (NULL: `None`).
fn read_csv_as_json(text: &str, names: &[&str], skip: usize) -> Vec<Vec<Option<Value>>> {
    let schema = Arc::new(Schema::new(
        (0..skip)
            .map(|i| Field::new(format!("skipped{i}"), DataType::Utf8, true))
            .chain(names.iter().map(|n| Field::new(*n, DataType::Utf8, true)))
            .collect::<Vec<_>>(),
    ));
    let reader = ReaderBuilder::new(schema)
        .with_header(true)
        .build(std::io::Cursor::new(text.as_bytes().to_vec()))
        .expect("csv reader");
    let mut columns = vec![Vec::new(); names.len()];
    for b in reader {
        let b = b.expect("csv batch");
        for (i, column) in columns.iter_mut().enumerate() {
            let strings = b.column(i + skip).as_string::<i32>();
            for row in 0..strings.len() {
                column.push(
                    // NULL is written as an empty field, which reads back as "" for text.
                    (!strings.is_null(row) && !strings.value(row).is_empty())
                        .then(|| serde_json::from_str(strings.value(row)).expect("JSON text")),
                );
            }
        }
    }
    columns
}

#[test]
fn csv_writes_nested_values_as_json_text() {
    let (_, b) = nested_batch();
    let text = render(OutputFormat::Csv, &b, &TextLayout::default());
    assert!(text.starts_with("repo,tags,labels,owner\n"), "{text}");
    let cols = read_csv_as_json(&text, &["tags", "labels", "owner"], 1);
    assert_eq!(
        cols[0],
        vec![Some(json!(["a", "b"])), None, Some(json!([]))],
        "{text}"
    );
    assert_eq!(
        cols[1],
        vec![
            Some(json!({"team": "core"})),
            None,
            Some(json!({"k": null}))
        ],
        "{text}"
    );
    assert_eq!(
        cols[2],
        vec![
            Some(json!({"name": "x", "n": 1})),
            Some(json!({"name": null, "n": 2})),
            None
        ],
        "{text}"
    );
}

#[test]
fn csv_of_no_rows_with_nested_columns_is_a_header() {
    let (schema, _) = nested_batch();
    let mut out = Vec::new();
    OutputFormat::Csv
        .write(&mut out, &schema, &[])
        .expect("header only");
    assert_eq!(String::from_utf8_lossy(&out), "repo,tags,labels,owner\n");
}

#[tokio::test]
async fn csv_of_every_catalogue_table() {
    let engine = Engine::from_dataset(&estate(), EngineOptions::default()).expect("engine");
    let mut nested_tables = 0;
    for spec in catalog() {
        let out = engine
            .query(&format!("select * from {}", spec.name))
            .await
            .expect(spec.name);
        if out
            .schema
            .fields()
            .iter()
            .any(|f| f.data_type().is_nested())
        {
            nested_tables += 1;
        }
        let mut text = Vec::new();
        OutputFormat::Csv
            .write(&mut text, &out.schema, &out.batches)
            .unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        let text = String::from_utf8(text).expect("utf-8");
        let header: Vec<&str> = out
            .schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(
            text.lines().next(),
            Some(header.join(",").as_str()),
            "{}",
            spec.name
        );
        assert!(text.lines().count() > 1, "{}: no rows\n{text}", spec.name);
    }
    assert!(nested_tables > 0, "the catalogue has nested columns");
}

#[test]
fn markdown_escapes_cells_and_writes_nested_values_as_json() {
    let mut tags = ListBuilder::new(StringBuilder::new());
    for row in [Some(vec!["x"]), None, Some(vec![]), Some(vec!["p|q"])] {
        match row {
            Some(values) => {
                for v in values {
                    tags.values().append_value(v);
                }
                tags.append(true);
            }
            None => tags.append(false),
        }
    }
    let (_, b) = batch(vec![
        (
            "text",
            col(StringArray::from(vec!["a|b", "two\nlines", "<b>&\\", ""])),
        ),
        (
            "n",
            col(Int64Array::from(vec![Some(1), None, Some(3), Some(4)])),
        ),
        ("tags", col(tags.finish())),
    ]);
    let text = render(OutputFormat::Markdown, &b, &TextLayout::default());
    assert_eq!(
        text,
        "| text | n | tags |\n\
         | --- | ---: | --- |\n\
         | a\\|b | 1 | [\"x\"] |\n\
         | two<br>lines | NULL | NULL |\n\
         | &lt;b>&amp;\\\\ | 3 | [] |\n\
         |  | 4 | [\"p\\|q\"] |\n"
    );
    let (_, hostile) = batch(vec![(
        "t",
        col(StringArray::from(vec!["\x1b[2J\u{202e}x"])),
    )]);
    let text = render(OutputFormat::Markdown, &hostile, &TextLayout::default());
    assert!(
        !text.contains('\x1b') && !text.contains('\u{202e}'),
        "{text}"
    );
}

#[test]
fn markdown_is_a_format_name() {
    assert_eq!(
        OutputFormat::parse("markdown"),
        Some(OutputFormat::Markdown)
    );
    assert_eq!(OutputFormat::parse("md"), Some(OutputFormat::Markdown));
    assert!(OutputFormat::NAMES.contains(&"markdown"));
    for name in OutputFormat::NAMES {
        assert_eq!(
            OutputFormat::parse(name).map(OutputFormat::name),
            Some(name)
        );
    }
}

/// Twelve columns: `id` (NULL, '' and a value), then eleven of long text.
fn wide_batch() -> RecordBatch {
    let mut columns: Vec<(String, ArrayRef)> = vec![(
        "id".into(),
        col(StringArray::from(vec![None, Some(""), Some("x")])),
    )];
    for c in 1..12 {
        let values: Vec<String> = (0..3)
            .map(|r| format!("row {r} column {c}: {}", "long text ".repeat(6)))
            .collect();
        columns.push((format!("column_{c}"), col(StringArray::from(values))));
    }
    let named = columns
        .iter()
        .map(|(n, a)| (n.as_str(), a.clone()))
        .collect();
    batch(named).1
}

fn widest_line(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn a_table_fits_80_columns_with_ellipses_and_names_what_it_left_out() {
    let text = render(OutputFormat::Table, &wide_batch(), &width(Some(80)));
    assert!(widest_line(&text) <= 80, "{text}");
    assert!(text.contains('…'), "{text}");
    let note = text.lines().last().unwrap_or_default();
    assert!(note.contains("of 12 columns shown"), "{text}");
    assert!(note.contains("--wide"), "{text}");
    assert!(text.contains("| NULL "), "NULL is shown: {text}");
    // Every row is one line: header, three rows, four rules, the note.
    assert_eq!(text.lines().count(), 8, "{text}");
}

#[test]
fn without_a_width_the_table_keeps_everything() {
    let b = wide_batch();
    let text = render(OutputFormat::Table, &b, &width(None));
    assert!(widest_line(&text) > 80);
    assert!(!text.contains('…'), "{text}");
    let last = format!("row 2 column 11: {}", "long text ".repeat(6));
    assert!(text.contains(last.trim_end()), "{text}");
    assert!(!text.contains("columns shown"), "{text}");
    // NULL and the empty string differ.
    assert!(text.contains("| NULL |"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("|      |")), "{text}");
}

#[test]
fn a_table_that_fits_is_the_same_at_any_width() {
    let (_, b) = batch(vec![
        ("a", col(Int64Array::from(vec![Some(1), None]))),
        ("b", col(StringArray::from(vec!["x", "yy"]))),
    ]);
    let fitted = render(OutputFormat::Table, &b, &width(Some(80)));
    assert_eq!(fitted, render(OutputFormat::Table, &b, &width(None)));
    assert_eq!(
        fitted,
        "+------+----+\n| a    | b  |\n+------+----+\n| 1    | x  |\n| NULL | yy |\n+------+----+\n"
    );
}

#[test]
fn a_fitted_table_cuts_a_multi_line_cell_to_its_first_line() {
    let (_, b) = batch(vec![(
        "script",
        col(StringArray::from(vec!["echo one\necho two"])),
    )]);
    let fitted = render(OutputFormat::Table, &b, &width(Some(80)));
    // The column is as wide as the longest line, so the `…` takes its last character.
    assert!(fitted.contains("| echo on… |"), "{fitted}");
    assert!(!fitted.contains("echo two"), "{fitted}");
    let whole = render(OutputFormat::Table, &b, &width(None));
    assert!(whole.contains("echo two"), "{whole}");
}

#[test]
fn a_narrow_terminal_still_gets_a_table_inside_its_width() {
    let b = wide_batch();
    for w in [20, 40, 60, 100, 120] {
        let text = render(OutputFormat::Table, &b, &width(Some(w)));
        assert!(widest_line(&text) <= w, "width {w}:\n{text}");
    }
    let empty = b.slice(0, 0);
    let text = render(OutputFormat::Table, &empty, &width(Some(40)));
    assert!(widest_line(&text) <= 40, "{text}");
}

#[test]
fn box_draws_the_table_with_box_characters() {
    let (_, b) = batch(vec![
        ("a", col(Int64Array::from(vec![Some(1), None]))),
        ("b", col(StringArray::from(vec!["x", "yy"]))),
    ]);
    let text = render(OutputFormat::Box, &b, &width(None));
    assert_eq!(
        text,
        "┌──────┬────┐\n│ a    │ b  │\n├──────┼────┤\n│ 1    │ x  │\n│ NULL │ yy │\n└──────┴────┘\n"
    );
    assert_eq!(text, render(OutputFormat::Box, &b, &width(Some(80))));
    assert_eq!(OutputFormat::parse("box"), Some(OutputFormat::Box));
    assert!(OutputFormat::Box.is_table() && OutputFormat::Table.is_table());
    assert!(!OutputFormat::Csv.is_table());
    let wide = render(OutputFormat::Box, &wide_batch(), &width(Some(60)));
    assert!(widest_line(&wide) <= 60, "{wide}");
}

#[test]
fn column_widths_fix_the_columns_they_name() {
    let (_, b) = batch(vec![
        ("name", col(StringArray::from(vec!["repositories", "x"]))),
        ("n", col(Int64Array::from(vec![1, 22]))),
    ]);
    let layout = TextLayout {
        column_widths: vec![5, 0],
        ..TextLayout::default()
    };
    let text = render(OutputFormat::Table, &b, &layout);
    assert_eq!(
        text,
        "+-------+----+\n| name  | n  |\n+-------+----+\n| repo… | 1  |\n| x     | 22 |\n+-------+----+\n"
    );
    let fitted = TextLayout {
        max_width: Some(80),
        column_widths: vec![5],
        ..TextLayout::default()
    };
    assert_eq!(render(OutputFormat::Table, &b, &fitted), text);
    // A width wider than the content pads the column.
    let padded = TextLayout {
        column_widths: vec![0, 6],
        ..TextLayout::default()
    };
    let text = render(OutputFormat::Table, &b, &padded);
    assert!(text.contains("| n      |"), "{text}");
}
