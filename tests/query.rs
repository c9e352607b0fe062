//! `devquery query` and `devquery tables` end to end, the catalogue tables included.

use crate::common::{devquery, stderr, stdout, test_snapshot};

#[test]
fn tables_lists_the_whole_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let out = devquery(&["tables", "--format", "csv"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let names: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let expected = devquery_model::catalog().len() + devquery_engine::catalog::specs().len();
    assert_eq!(names.len(), expected, "{text}");
    for t in [
        "repositories",
        "pipeline_steps",
        "collection_errors",
        "findings",
        "devquery_tables",
        "devquery_columns",
        "devquery_views",
        "devquery_rules",
    ] {
        assert!(names.contains(&t), "{t} missing");
    }
    // By default, the table of `devquery query`.
    let out = devquery(&["tables"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("+-"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("| repositories ")),
        "{text}"
    );

    let out = devquery(&["tables", "repositories"], tmp.path());
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("repositories — "), "{text}");
    assert!(text.contains("default_branch"), "{text}");
    assert!(text.contains("boolean"), "{text}");
    assert!(text.contains("Secret scanning is enabled"), "{text}");
    let out = devquery(&["tables", "repositories", "--format", "json"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let columns: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let scanning = columns
        .as_array()
        .and_then(|c| c.iter().find(|c| c["column_name"] == "secret_scanning"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        scanning,
        serde_json::json!({"column_name": "secret_scanning", "data_type": "boolean",
            "description": "Secret scanning is enabled."})
    );

    let out = devquery(&["tables", "nope"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no table 'nope'"));
}

#[test]
fn tables_markdown_matches_docs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = devquery(&["tables", "--markdown"], tmp.path());
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tables.md"))
            .unwrap();
    assert_eq!(stdout(&out), docs);
}

#[test]
fn json_and_csv_over_the_test_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = test_snapshot();
    let snap = snap.to_str().unwrap();
    let sql = "select platform, count(*) as n from repositories group by 1 order by 1";
    let out = devquery(
        &["query", "--snapshot", snap, "-e", sql, "--format", "json"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(
        v,
        serde_json::json!([{"platform": "azure_devops", "n": 1}, {"platform": "github", "n": 2}])
    );
    let out = devquery(
        &["query", "--snapshot", snap, "-e", sql, "--format", "csv"],
        tmp.path(),
    );
    assert_eq!(stdout(&out), "platform,n\nazure_devops,1\ngithub,2\n");
    let out = devquery(
        &["query", "--snapshot", snap, "-e", sql, "--format", "ndjson"],
        tmp.path(),
    );
    assert_eq!(stdout(&out).lines().count(), 2);
}

#[test]
fn parquet_output_file() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = test_snapshot();
    let out = devquery(
        &[
            "query",
            "--snapshot",
            snap.to_str().unwrap(),
            "-e",
            "select platform, count(*) from repositories group by 1",
            "--format",
            "parquet",
            "--output",
            "x.parquet",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = std::fs::File::open(tmp.path().join("x.parquet")).unwrap();
    let reader =
        datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("valid Parquet")
            .build()
            .unwrap();
    let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 2, "one row per platform");
}

#[test]
fn copy_to_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("x.parquet");
    let sql = format!("COPY (select 1) TO '{}'", target.display());
    let out = devquery(&["query", "-e", &sql], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("read-only"), "{err}");
    assert!(err.contains("COPY"), "{err}");
    assert!(!target.exists());
}

#[test]
fn sql_errors_exit_1_with_position_and_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = devquery(
        &["query", "-e", "select 1; select nope from repositories"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("statement 2"), "{err}");
    assert!(err.contains("nope"), "{err}");

    let out = devquery(&["query", "-e", "selec 1"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("statement 1 (line 1)"),
        "{}",
        stderr(&out)
    );

    let out = devquery(&["query"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let out = devquery(&["query", "-e", "select 1", "--format", "xml"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let out = devquery(&["query", "-f", "missing.sql"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.sql"));
    let out = devquery(
        &["query", "--snapshot", "nowhere", "-e", "select 1"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));
}

#[test]
fn file_with_several_statements() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("q.sql"),
        "-- two statements\nselect 1 as a;\nselect 'x;y' as b;\n",
    )
    .unwrap();
    let out = devquery(&["query", "-f", "q.sql", "--format", "csv"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "a\n1\nb\nx;y\n");
}

#[test]
fn path_source_collects_pipelines_without_network() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("src/app");
    std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/trunk\n").unwrap();
    std::fs::write(
        repo.join(".github/workflows/ci.yml"),
        "on: [pull_request_target]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo hi\n",
    )
    .unwrap();
    let out = devquery(
        &[
            "query",
            "--path",
            "src",
            "--format",
            "csv",
            "-e",
            "select r.repo, r.default_branch, count(s.step_index) as steps from repositories r join pipeline_steps s on s.repo = r.repo group by 1, 2",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "repo,default_branch,steps\napp,trunk,2\n");

    let out = devquery(&["collect", "--path", "src", "--out", "snap"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.path().join("snap/manifest.json").exists());
    // The catalogue tables are not data: a snapshot never holds them.
    let manifest = std::fs::read_to_string(tmp.path().join("snap/manifest.json")).unwrap();
    assert!(manifest.contains("\"repositories\""), "{manifest}");
    assert!(!manifest.contains("devquery_"), "{manifest}");
    let out = devquery(
        &[
            "query",
            "--snapshot",
            "snap",
            "--format",
            "csv",
            "-e",
            "select count(*) as n from pipelines",
        ],
        tmp.path(),
    );
    assert_eq!(stdout(&out), "n\n1\n");
}

#[test]
fn demo_estate_every_rule_fails_and_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = devquery(&["report", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("report JSON");
    let rules = v["rules"].as_array().expect("rules");
    assert!(rules.len() >= 75, "{} rules", rules.len());
    let lacking: Vec<_> = rules
        .iter()
        .filter(|r| {
            r["counts"]["fail"].as_u64().unwrap_or(0) == 0
                || r["counts"]["pass"].as_u64().unwrap_or(0) == 0
        })
        .map(|r| r["id"].as_str().unwrap_or("?").to_string())
        .collect();
    assert!(
        lacking.is_empty(),
        "rules without both a fail and a pass on the demo: {lacking:?}"
    );
    // No reason glues a rule id to other text ("repo-secret-scanning-disabled0 is …").
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut garbled = Vec::new();
    for r in rules {
        for f in r["findings"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            let reason = f["reason"].as_str().unwrap_or_default();
            for id in &ids {
                let glued = reason.match_indices(id).any(|(at, _)| {
                    reason[at + id.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric())
                });
                if glued {
                    garbled.push(format!("{}: {reason}", r["id"]));
                }
            }
        }
    }
    assert!(garbled.is_empty(), "garbled reasons: {garbled:?}");
}

#[test]
fn the_catalogue_is_queryable() {
    let tmp = tempfile::tempdir().unwrap();
    let bundled = devquery_rules::RuleSet::bundled().unwrap().len();
    let out = devquery(
        &[
            "query",
            "--format",
            "csv",
            "-e",
            "select count(*) as n from devquery_rules",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("n\n{bundled}\n"));

    let out = devquery(
        &[
            "query",
            "--format",
            "csv",
            "-e",
            "select column_name, data_type, description from devquery_columns \
             where table_name = 'repositories' and column_name = 'is_archived'",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "column_name,data_type,description\nis_archived,boolean,Archived (read-only).\n"
    );

    // Over a snapshot, the row counts are its manifest's.
    let snap = test_snapshot();
    let out = devquery(
        &[
            "query",
            "--snapshot",
            snap.to_str().unwrap(),
            "--format",
            "csv",
            "-e",
            "select t.row_count = (select count(*) from repositories) as same \
             from devquery_tables t where t.table_name = 'repositories'",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "same\ntrue\n");

    // `devquery rules` lists devquery_rules through the same printer.
    let out = devquery(&["rules", "--format", "csv"], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("id,severity,platforms,title\n"), "{text}");
    assert_eq!(text.lines().count(), bundled + 1, "{text}");
}
