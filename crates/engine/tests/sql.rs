//! SQL execution: read-only enforcement, multi-statement scripts, error positions.

use devquery_engine::{Engine, EngineError, EngineOptions, split_statements};

use crate::estate::estate;

fn engine() -> Engine {
    Engine::from_dataset(&estate(), EngineOptions::default()).expect("engine")
}

#[tokio::test]
async fn writes_are_refused_with_a_reason() {
    let e = engine();
    for (sql, what) in [
        ("COPY (select 1) TO '/tmp/devquery-never.parquet'", "COPY"),
        ("create table t as select 1", "CREATE"),
        ("create view v as select 1", "CREATE"),
        ("insert into repositories (repo) values ('x')", "Insert"),
        ("drop table repositories", "DROP"),
        ("set datafusion.execution.batch_size = 1", "SET"),
    ] {
        let err = e.query(sql).await.unwrap_err();
        assert!(matches!(err, EngineError::ReadOnly { .. }), "{sql}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("read-only"), "{msg}");
        assert!(
            msg.to_lowercase().contains(&what.to_lowercase()),
            "{sql}: {msg}"
        );
    }
    assert!(!std::path::Path::new("/tmp/devquery-never.parquet").exists());
    // The table is untouched.
    assert!(e.query("select * from repositories").await.is_ok());
}

#[tokio::test]
async fn reads_are_allowed() {
    let e = engine();
    for sql in [
        "select 1",
        "explain select * from repositories",
        "show tables",
        "select table_name from information_schema.tables",
        "with r as (select * from repositories) select count(*) from r",
        "describe repositories",
    ] {
        e.query(sql)
            .await
            .unwrap_or_else(|err| panic!("{sql}: {err}"));
    }
}

#[tokio::test]
async fn script_errors_name_statement_and_line() {
    let e = engine();
    let script = "select 1;\n\nselect nope from repositories;\nselect 2";
    let err = e.run_script(script).await.unwrap_err();
    match &err {
        EngineError::Sql { index, line, .. } => {
            assert_eq!((*index, *line), (2, 3));
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("nope"), "{err}");
    let ok = e.run_script("select 1; select 2;").await.unwrap();
    assert_eq!(ok.len(), 2);
    assert_eq!(split_statements("select 1; select 2;").len(), 2);
}
