//! SQL limits: the memory pool, the output cap of `repeat`/`lpad`/`rpad`, checked integer
//! arithmetic; and control characters escaped in the text output formats.

use std::sync::Arc;

use devquery_engine::datafusion::arrow::array::{AsArray, Int64Array, StringArray};
use devquery_engine::datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::{Engine, EngineOptions, OutputFormat, StatementOutput};

use crate::estate::estate;

fn engine(options: EngineOptions) -> Engine {
    Engine::from_dataset(&estate(), options).expect("engine")
}

fn int(out: &StatementOutput, column: usize) -> i64 {
    out.batches[0]
        .column(column)
        .as_primitive::<Int64Type>()
        .value(0)
}

#[tokio::test]
async fn repeat_of_two_gigabytes_fails_before_allocating() {
    let e = engine(EngineOptions::default());
    for sql in [
        "select repeat('x', 2147483647)",
        "select length(repeat('ab', 1500000000))",
        "select lpad('x', 2000000000)",
        "select rpad(repo, 2000000000, '-') from repositories",
        "select repeat(repo, 1000000000) from repositories",
    ] {
        let err = e.query(sql).await.expect_err(sql).to_string();
        assert!(err.contains("--memory-limit"), "{sql}: {err}");
    }
    // Ordinary sizes still work.
    let out = e
        .query("select cast(length(repeat('x', 1000)) as bigint), lpad('x', 30)")
        .await
        .expect("small repeat");
    assert_eq!(int(&out, 0), 1000);
}

#[tokio::test]
async fn a_query_over_the_memory_limit_fails_with_a_hint() {
    let e = engine(EngineOptions {
        memory_limit: Some(1 << 20),
        ..EngineOptions::default()
    });
    let err = e
        .query("select array_agg(value) from generate_series(1, 3000000)")
        .await
        .expect_err("3 million values do not fit in 1 MiB")
        .to_string();
    assert!(err.contains("--memory-limit"), "{err}");
    // The same query runs under the default limit.
    let e = engine(EngineOptions::default());
    let out = e
        .query("select cardinality(array_agg(value)) from generate_series(1, 300000)")
        .await
        .expect("300,000 values fit in the default limit");
    assert_eq!(out.batches[0].num_rows(), 1);
}

#[tokio::test]
async fn integer_overflow_is_an_error() {
    let e = engine(EngineOptions::default());
    for sql in [
        "select 9223372036854775807 + 1",
        "select -9223372036854775807 - 2",
        "select 4611686018427387904 * 2",
        "select x + 9223372036854775807 from (values (1), (2)) as t(x)",
        "select cast(x as int) * cast(2147483647 as int) from (values (7)) as t(x)",
    ] {
        let err = e.query(sql).await.expect_err(sql).to_string();
        assert!(err.contains("integer overflow"), "{sql}: {err}");
    }
    let out = e
        .query("select 2 * 3, 10 - 4, sum(x * 2) from (values (1), (2), (3)) as t(x)")
        .await
        .expect("arithmetic");
    assert_eq!(int(&out, 0), 6);
    assert_eq!(int(&out, 1), 6);
    assert_eq!(int(&out, 2), 12);
    // Non-integer arithmetic is untouched.
    assert!(
        e.query("select 1.5 * 2, now() - interval '1 day'")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn checked_arithmetic_keeps_column_names_and_wraps_when_turned_off() {
    let sql = "select x + 1, x * 2 as doubled from (values (1)) as t(x)";
    let checked = engine(EngineOptions::default())
        .query(sql)
        .await
        .expect("checked");
    let wrapping = engine(EngineOptions {
        checked_arithmetic: false,
        ..EngineOptions::default()
    });
    let plain = wrapping.query(sql).await.expect("plain");
    let names = |o: &StatementOutput| -> Vec<String> {
        o.batches[0]
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    };
    assert_eq!(names(&checked), names(&plain));
    assert_eq!(checked.schema.fields().len(), 2);
    // What DataFusion does without the rule: it wraps silently.
    let out = wrapping
        .query("select 9223372036854775807 + 1")
        .await
        .expect("wraps");
    assert_eq!(int(&out, 0), i64::MIN);
}

fn hostile_batch() -> (Arc<Schema>, RecordBatch) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("repo", DataType::Utf8, true),
        Field::new("n", DataType::Int64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec![
                Some("\x1b]0;owned\x07\x1b[2Jci.yml"),
                Some("two\nlines\ttab"),
            ])),
            Arc::new(Int64Array::from(vec![Some(1), None])),
        ],
    )
    .expect("batch");
    (schema, batch)
}

fn render(format: OutputFormat) -> String {
    let (schema, batch) = hostile_batch();
    let mut out = Vec::new();
    format
        .write(&mut out, &schema, &[batch])
        .expect("write output");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn table_and_line_output_escape_control_characters() {
    for format in [OutputFormat::Table, OutputFormat::Line] {
        let text = render(format);
        assert!(!text.contains('\x1b'), "{format:?}: {text}");
        assert!(!text.contains('\x07'), "{format:?}: {text}");
        assert!(!text.contains('\t'), "{format:?}: {text}");
        assert!(
            text.contains("\\x1b]0;owned\\x07\\x1b[2Jci.yml"),
            "{format:?}: {text}"
        );
        assert!(text.contains("lines\\ttab"), "{format:?}: {text}");
    }
    assert!(render(OutputFormat::Line).contains("two\nlines"));
    // The table keeps its layout: every line has the same width.
    let table = render(OutputFormat::Table);
    let widths: Vec<usize> = table.lines().map(|l| l.chars().count()).collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
    // Machine formats keep the data exact (JSON escapes it by its own rules).
    assert!(render(OutputFormat::Csv).contains('\x1b'));
    assert!(render(OutputFormat::Json).contains("\\u001b"));
}

#[test]
fn the_table_layout_shows_null_distinctly_for_plain_text() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(vec![Some(1), None])),
            Arc::new(StringArray::from(vec![Some("x"), Some("yy")])),
        ],
    )
    .expect("batch");
    let mut out = Vec::new();
    OutputFormat::Table
        .write(&mut out, &schema, &[batch])
        .expect("write");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "+------+----+\n| a    | b  |\n+------+----+\n| 1    | x  |\n| NULL | yy |\n+------+----+\n"
    );
}
