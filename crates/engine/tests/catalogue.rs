//! The catalogue as tables: `devquery_tables` and `devquery_columns` describe the model's one
//! catalogue (one row per table, one per column, with the docs), row counts follow the
//! session's data, views and rules are listed when there are some, and snapshots never hold
//! the catalogue tables.

use std::path::PathBuf;

use devquery_engine::catalog::{self, RuleEntry};
use devquery_engine::datafusion::arrow::array::{Array, AsArray};
use devquery_engine::datafusion::arrow::datatypes::Int64Type;
use devquery_engine::{Engine, EngineOptions, RowFilter, SnapshotInfo, write_snapshot};
use devquery_model::catalog as model_catalog;

use crate::estate::estate;

/// The first column of the first row of `sql`'s result, a bigint (`None` for NULL or no row).
async fn scalar(engine: &Engine, sql: &str) -> Option<i64> {
    let out = engine
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let batch = out.batches.iter().find(|b| b.num_rows() > 0)?;
    let column = batch.column(0).as_primitive::<Int64Type>();
    column.is_valid(0).then(|| column.value(0))
}

/// The first column of every row of `sql`'s result, as text (NULL as `None`).
async fn texts(engine: &Engine, sql: &str) -> Vec<Option<String>> {
    let out = engine
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut values = Vec::new();
    for batch in &out.batches {
        let column = batch.column(0).as_string::<i32>();
        for i in 0..column.len() {
            values.push(column.is_valid(i).then(|| column.value(i).to_string()));
        }
    }
    values
}

fn count_of(n: usize) -> Option<i64> {
    i64::try_from(n).ok()
}

#[tokio::test]
async fn one_row_per_model_table_and_column_with_the_docs() {
    let engine = Engine::new(EngineOptions::default()).expect("engine");
    let specs = model_catalog();
    let tables = scalar(
        &engine,
        "select count(*) from devquery_tables where kind = 'table'",
    )
    .await;
    assert_eq!(tables, count_of(specs.len()));
    let catalogue = scalar(
        &engine,
        "select count(*) from devquery_tables where kind = 'catalogue'",
    )
    .await;
    assert_eq!(catalogue, count_of(catalog::specs().len()));
    for spec in &specs {
        let sql = format!(
            "select count(*) from devquery_columns where table_name = '{}'",
            spec.name
        );
        assert_eq!(
            scalar(&engine, &sql).await,
            count_of(spec.columns.len()),
            "{}",
            spec.name
        );
    }
    let all: usize = specs.iter().map(|s| s.columns.len()).sum();
    let joined = scalar(
        &engine,
        "select count(*) from devquery_columns c join devquery_tables t using (table_name) \
         where t.kind = 'table'",
    )
    .await;
    assert_eq!(joined, count_of(all));

    let doc = texts(
        &engine,
        "select description from devquery_columns \
         where table_name = 'repositories' and column_name = 'secret_scanning'",
    )
    .await;
    assert_eq!(doc, vec![Some("Secret scanning is enabled.".to_string())]);
    let types = texts(
        &engine,
        "select data_type from devquery_columns \
         where table_name = 'repositories' and column_name = 'is_archived'",
    )
    .await;
    assert_eq!(types, vec![Some("boolean".to_string())]);
    let ordinals = texts(
        &engine,
        "select column_name from devquery_columns where table_name = 'repositories' \
         and ordinal = 1",
    )
    .await;
    assert_eq!(ordinals, vec![Some("platform".to_string())]);
    assert_eq!(
        scalar(&engine, "select count(*) from devquery_views").await,
        Some(0)
    );
    assert_eq!(
        scalar(&engine, "select count(*) from devquery_rules").await,
        Some(0)
    );
}

#[tokio::test]
async fn row_counts_follow_the_data() {
    let sql = "select row_count from devquery_tables where table_name = 'repositories'";
    let empty = Engine::new(EngineOptions::default()).expect("engine");
    assert_eq!(scalar(&empty, sql).await, None, "not known before any data");

    let data = estate();
    let engine = Engine::from_dataset(&data, EngineOptions::default()).expect("engine");
    assert_eq!(
        scalar(&engine, sql).await,
        count_of(data.row_count("repositories"))
    );

    let snapshot = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/snapshot"
    ));
    let (engine, manifest) = Engine::from_snapshot(&snapshot, EngineOptions::default())
        .await
        .expect("snapshot");
    let counted = scalar(&engine, sql).await;
    assert_eq!(
        counted,
        manifest
            .tables
            .get("repositories")
            .and_then(|n| count_of(*n))
    );
    assert_eq!(
        counted,
        scalar(&engine, "select count(*) from repositories").await
    );

    // Narrowed by --org, the manifest's counts are not the session's: not known.
    let options = EngineOptions {
        filter: RowFilter {
            orgs: vec!["nobody-has-this-org".into()],
            repo_globs: Vec::new(),
        },
        ..EngineOptions::default()
    };
    let (narrowed, _) = Engine::from_snapshot(&snapshot, options)
        .await
        .expect("snapshot");
    assert_eq!(scalar(&narrowed, sql).await, None);
}

#[tokio::test]
async fn views_of_a_session_are_listed_with_their_sql_and_columns() {
    let options = EngineOptions {
        read_only: false,
        ..EngineOptions::default()
    };
    let engine = Engine::new(options).expect("engine");
    engine
        .run_script("create view busy as select 1 as one, 'x' as two")
        .await
        .expect("create view");
    let names = texts(&engine, "select view_name from devquery_views").await;
    assert_eq!(names, vec![Some("busy".to_string())]);
    let sql = texts(&engine, "select sql from devquery_views").await;
    assert!(
        sql.first()
            .and_then(Option::as_deref)
            .is_some_and(|s| s.to_ascii_lowercase().contains("select 1 as one")),
        "{sql:?}"
    );
    let kind = texts(
        &engine,
        "select kind from devquery_tables where table_name = 'busy'",
    )
    .await;
    assert_eq!(kind, vec![Some("view".to_string())]);
    let columns = texts(
        &engine,
        "select column_name from devquery_columns where table_name = 'busy' order by ordinal",
    )
    .await;
    assert_eq!(
        columns,
        vec![Some("one".to_string()), Some("two".to_string())]
    );
}

#[tokio::test]
async fn registered_rules_are_rows_and_counted() {
    let engine = Engine::new(EngineOptions::default()).expect("engine");
    let rule = |id: &str| RuleEntry {
        id: id.into(),
        title: format!("title of {id}"),
        severity: "high".into(),
        platforms: vec!["github".into()],
        ..RuleEntry::default()
    };
    engine
        .register_rules(&[rule("a-rule"), rule("b-rule")])
        .expect("register rules");
    assert_eq!(
        scalar(&engine, "select count(*) from devquery_rules").await,
        Some(2)
    );
    assert_eq!(
        scalar(
            &engine,
            "select row_count from devquery_tables where table_name = 'devquery_rules'"
        )
        .await,
        Some(2)
    );
    let listed = texts(&engine, &catalog::rules_query()).await;
    assert_eq!(
        listed,
        vec![Some("a-rule".to_string()), Some("b-rule".to_string())]
    );
}

#[tokio::test]
async fn snapshots_hold_only_the_model_tables() {
    let engine = Engine::from_dataset(&estate(), EngineOptions::default()).expect("engine");
    let data = engine.to_dataset().await.expect("dataset");
    let dir = tempfile::tempdir().expect("tempdir");
    let info = SnapshotInfo {
        sources: vec!["test".into()],
        collected_at: None,
    };
    let manifest = write_snapshot(&dir.path().join("snap"), &data, &info).expect("snapshot");
    assert_eq!(manifest.tables.len(), model_catalog().len());
    assert!(
        manifest.tables.keys().all(|t| !t.starts_with("devquery_")),
        "{:?}",
        manifest.tables.keys()
    );
}

#[tokio::test]
async fn the_listing_queries_run() {
    let engine = Engine::new(EngineOptions::default()).expect("engine");
    let names = texts(&engine, &catalog::tables_query(true)).await;
    assert_eq!(names.len(), model_catalog().len() + catalog::specs().len());
    // The collected tables come first, by name; the catalogue tables last.
    assert_eq!(names.first(), Some(&Some("access_grants".to_string())));
    assert_eq!(names.last(), Some(&Some("devquery_views".to_string())));
    let columns = texts(&engine, &catalog::columns_query("orgs")).await;
    assert_eq!(columns.first(), Some(&Some("platform".to_string())));
    let schema = texts(&engine, &catalog::schema_query()).await;
    assert_eq!(schema.len(), names.len());
    let found = catalog::find_table(&engine, "REPOSITORIES")
        .await
        .expect("find");
    assert!(
        matches!(&found, Some((name, Some(doc))) if name == "repositories" && !doc.is_empty()),
        "{found:?}"
    );
    assert!(
        catalog::find_table(&engine, "nope")
            .await
            .expect("find")
            .is_none()
    );
}
