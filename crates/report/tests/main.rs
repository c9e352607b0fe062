//! Integration tests of the report formats on one fixed report: snapshots of the text formats,
//! SARIF validated against the OASIS 2.1.0 schema, JUnit well-formed, JSON shape, HTML
//! self-contained, Parquet export re-run without duplicates.

mod fixture {
    //! A fixed report: three rules (failing with suppression and unknown, passing, errored),
    //! a partial-collection error and an expired suppression.

    use chrono::{NaiveDate, TimeZone, Utc};
    use devquery_rules::{
        CollectionIssue, Counts, ExpiredSuppression, Finding, Origin, RuleResult, RunReport,
        Status, Suppression, parse_rule,
    };

    fn finding(status: Status, resource: &str, reason: &str) -> Finding {
        Finding {
            status,
            resource_type: "repository".into(),
            resource: resource.into(),
            reason: reason.into(),
            platform: Some("github".into()),
            host: Some("github.com".into()),
            org: Some("acme".into()),
            project: None,
            repo: resource.split('/').nth(1).map(str::to_string),
            owner: None,
            path: None,
            line: None,
            suppressed_by: None,
        }
    }

    fn counts(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.status {
                Status::Fail => c.fail += 1,
                Status::Pass => c.pass += 1,
                Status::Unknown => c.unknown += 1,
                Status::Suppressed => c.suppressed += 1,
            }
        }
        c
    }

    pub fn report() -> RunReport {
        let scanning = parse_rule(
            "queries/repos/repo-secret-scanning-disabled.sql",
            "-- id: repo-secret-scanning-disabled\n-- title: Secret scanning is off\n-- severity: high\n-- platforms: github\n-- description: Committed credentials are not detected <early>.\n-- remediation: Enable secret scanning & push protection.\n-- tactics: credential-access\n-- references: Defender: GitHub repositories should have secret scanning enabled, https://docs.github.com/code-security\nselect 1",
            Origin::Bundled,
        )
        .expect("rule");
        let workflow = parse_rule(
            "queries/workflows/wf-unpinned-action.sql",
            "-- id: wf-unpinned-action\n-- title: Action not pinned to a SHA\n-- severity: medium\n-- platforms: github\n-- description: A tag can be moved.\n-- remediation: Pin to a full commit SHA.\n-- tactics: execution, initial-access\nselect 1",
            Origin::Bundled,
        )
        .expect("rule");
        let org = parse_rule(
            "queries/org/gh-org-2fa-required.sql",
            "-- id: gh-org-2fa-required\n-- title: Org does not require 2FA\n-- severity: critical\n-- platforms: github\n-- tactics: initial-access\nselect 1",
            Origin::Bundled,
        )
        .expect("rule");
        let broken = parse_rule(
            "queries/org/ado-broken.sql",
            "-- id: ado-broken\n-- title: A rule that errors\n-- severity: low\n-- platforms: azure_devops\nselect 1",
            Origin::Bundled,
        )
        .expect("rule");

        let suppression = Suppression {
            rule: "repo-secret-scanning-disabled".into(),
            resource: "acme/legacy-*".into(),
            reason: "archived soon".into(),
            expires: NaiveDate::from_ymd_opt(2026, 12, 31),
        };
        let mut suppressed = finding(
            Status::Suppressed,
            "acme/legacy-1",
            "secret scanning is off",
        );
        suppressed.suppressed_by = Some(suppression);
        let f1 = vec![
            finding(Status::Fail, "acme/web", "secret scanning is off"),
            finding(
                Status::Fail,
                "acme/\"quoted\" <x>&y",
                "secret scanning is off, really: 100%",
            ),
            finding(Status::Unknown, "acme/private", "setting unreadable (403)"),
            suppressed,
            finding(Status::Pass, "acme/api", "secret scanning is on"),
        ];
        let mut wf = finding(
            Status::Fail,
            "acme/api:.github/workflows/ci.yml",
            "uses actions/checkout@v4",
        );
        wf.resource_type = "workflow".into();
        wf.path = Some(".github/workflows/ci.yml".into());
        wf.line = Some(12);
        let f2 = vec![wf];
        let mut org_pass = finding(Status::Pass, "acme", "2FA required");
        org_pass.resource_type = "org".into();
        let f3 = vec![org_pass];

        let result = |rule, findings: Vec<Finding>| RuleResult {
            counts: counts(&findings),
            rule,
            findings,
            error: None,
            elapsed_ms: 3,
            main_resource_type: None,
        };
        RunReport {
            run_id: "run-42".into(),
            run_at: Utc
                .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
                .single()
                .expect("time"),
            source: "snapshot:demo".into(),
            results: vec![
                result(org, f3),
                RuleResult {
                    rule: broken,
                    findings: vec![],
                    counts: Counts::default(),
                    error: Some("queries/org/ado-broken.sql: Cast error: 'a' is not an int".into()),
                    elapsed_ms: 1,
                    main_resource_type: None,
                },
                result(scanning, f1),
                result(workflow, f2),
            ],
            collection_errors: vec![CollectionIssue {
                platform: Some("github".into()),
                org: Some("acme".into()),
                repo: Some("private".into()),
                table_name: Some("repositories".into()),
                endpoint: Some("/repos/acme/private".into()),
                http_status: Some("403".into()),
                message: Some("Resource not accessible by integration".into()),
            }],
            expired_suppressions: vec![ExpiredSuppression {
                suppression: Suppression {
                    rule: "wf-*".into(),
                    resource: "acme/old".into(),
                    reason: "temporary".into(),
                    expires: NaiveDate::from_ymd_opt(2026, 1, 1),
                },
                matched: 0,
            }],
            baseline: Some("baseline.yml".into()),
        }
    }

    pub fn render(format: devquery_report::Format) -> String {
        let mut out = Vec::new();
        devquery_report::write(
            format,
            &report(),
            &mut out,
            &devquery_report::Options {
                color: false,
                top: 20,
                tool_version: "0.1.0".into(),
            },
        )
        .expect("renders");
        String::from_utf8(out).expect("utf-8")
    }
}

mod formats {
    //! Every stream format on the fixed report.

    use devquery_report::Format;

    use crate::fixture::{render, report};

    #[test]
    fn format_names_round_trip() {
        for n in Format::NAMES {
            assert_eq!(Format::parse(n).map(Format::name), Some(*n));
        }
        assert!(Format::parse("pdf").is_none());
        let mut out = Vec::new();
        assert!(
            devquery_report::write(Format::Parquet, &report(), &mut out, &Default::default())
                .is_err()
        );
    }

    #[test]
    fn table() {
        let text = render(Format::Table);
        assert!(
            text.contains("1 of 4 repositories fail") || text.contains("2 of 5 repositories fail"),
            "{text}"
        );
        assert!(text.contains("partial collection"), "{text}");
        assert!(text.contains("expired on 2026-01-01"), "{text}");
        assert!(text.contains("By tactic"), "{text}");
        assert!(!text.contains('\x1b'), "no colour unless asked");
        insta::assert_snapshot!("table", text);
        let mut out = Vec::new();
        devquery_report::write(
            Format::Table,
            &report(),
            &mut out,
            &devquery_report::Options {
                color: true,
                ..Default::default()
            },
        )
        .expect("renders");
        assert!(String::from_utf8_lossy(&out).contains("\x1b[1;31m"));
    }

    #[test]
    fn json_is_versioned_wire_shape() {
        let v: serde_json::Value = serde_json::from_str(&render(Format::Json)).expect("json");
        assert_eq!(v["version"], 1);
        assert_eq!(v["run"]["id"], "run-42");
        assert_eq!(v["summary"]["findings"]["fail"], 3);
        assert_eq!(v["summary"]["rules_errored"], 1);
        assert_eq!(v["summary"]["highest_failing_severity"], "high");
        assert_eq!(v["summary"]["by_severity"]["high"]["fail"], 2);
        let rules = v["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 4);
        let scanning = rules
            .iter()
            .find(|r| r["id"] == "repo-secret-scanning-disabled")
            .expect("rule");
        assert_eq!(scanning["state"], "fail");
        assert_eq!(
            scanning["summary"],
            "2 of 5 repositories fail, 1 unknown, 1 suppressed"
        );
        assert_eq!(scanning["findings"][0]["keys"]["org"], "acme");
        assert_eq!(v["collection_errors"][0]["http_status"], "403");
        insta::assert_snapshot!("json", render(Format::Json));
    }

    #[test]
    fn sarif_validates_against_the_oasis_schema() {
        let schema_path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/schemas/sarif-schema-2.1.0.json"
        );
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema file"))
                .expect("schema json");
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let sarif: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).expect("json");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
        // and an invalid document is rejected, so the check has teeth
        let mut broken = sarif.clone();
        broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
        assert!(!validator.is_valid(&broken));

        let run = &sarif["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 4);
        let r = rules
            .iter()
            .find(|r| r["id"] == "repo-secret-scanning-disabled")
            .expect("rule");
        assert_eq!(r["defaultConfiguration"]["level"], "error");
        assert_eq!(r["properties"]["security-severity"], "8.0");
        assert!(
            r["help"]["markdown"]
                .as_str()
                .expect("md")
                .contains("Remediation")
        );
        assert_eq!(r["helpUri"], "https://docs.github.com/code-security");
        let results = run["results"].as_array().expect("results");
        // 3 fail + 1 unknown + 1 suppressed; passes are omitted
        assert_eq!(results.len(), 5);
        let wf = results
            .iter()
            .find(|r| r["ruleId"] == "wf-unpinned-action")
            .expect("wf result");
        assert_eq!(wf["level"], "warning");
        assert_eq!(
            wf["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            ".github/workflows/ci.yml"
        );
        assert_eq!(
            wf["locations"][0]["physicalLocation"]["region"]["startLine"],
            12
        );
        assert!(
            results
                .iter()
                .any(|r| r["suppressions"][0]["kind"] == "external")
        );
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .expect("notes")
                .len(),
            2
        );
    }

    #[test]
    fn junit_is_well_formed_with_one_case_per_rule_and_resource() {
        let xml = render(Format::Junit);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("failures"), Some("3"));
        assert_eq!(root.attribute("errors"), Some("1"));
        let suites: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        assert_eq!(suites.len(), 4);
        let cases = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(cases, 1 + 1 + 5 + 1);
        let failures = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(failures, 3);
        assert!(
            doc.descendants()
                .any(|n| n.attribute("name") == Some("repository acme/\"quoted\" <x>&y"))
        );
    }

    #[test]
    fn markdown_github_csv() {
        insta::assert_snapshot!("markdown", render(Format::Markdown));
        let gh = render(Format::Github);
        assert!(gh.lines().any(|l| l.starts_with("::error title=repo-secret-scanning-disabled (high)%3A Secret scanning is off::acme/web: secret scanning is off")), "{gh}");
        assert!(gh.contains("::warning title=wf-unpinned-action (medium)%3A Action not pinned to a SHA,file=.github/workflows/ci.yml,line=12::"), "{gh}");
        assert!(gh.contains("really: 100%25"), "{gh}");
        assert!(
            gh.contains("::warning title=devquery%3A partial collection::"),
            "{gh}"
        );
        insta::assert_snapshot!("github", gh);
        let csv = render(Format::Csv);
        let mut rd = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().collect::<Result<_, _>>().expect("csv");
        assert_eq!(rows.len(), 5 + 1 + 1);
        assert_eq!(rd.headers().expect("header").get(0), Some("rule_id"));
        insta::assert_snapshot!("csv", csv);
    }

    #[test]
    fn html_is_one_self_contained_file() {
        let html = render(Format::Html);
        assert!(html.starts_with("<!DOCTYPE html>"));
        for external in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
            assert!(!html.contains(external), "external asset: {external}");
        }
        assert!(html.contains("data-severity=\"high\" data-status=\"fail\""));
        assert!(html.contains("acme/&quot;quoted&quot; &lt;x&gt;&amp;y"));
        assert!(html.contains("Partial collection"));
        assert!(html.contains("<script>"));
        if let Ok(path) = std::env::var("DEVQUERY_HTML_OUT") {
            std::fs::write(path, &html).expect("write html");
        }
    }
}

mod parquet_export {
    //! The Parquet findings export.

    use devquery_engine::datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    use devquery_model::Row;
    use devquery_model::tables::findings::FindingRow;

    use crate::fixture::report;

    fn rows(path: &std::path::Path) -> i64 {
        let f = std::fs::File::open(path).expect("open");
        let r = SerializedFileReader::new(f).expect("parquet");
        r.metadata().file_metadata().num_rows()
    }

    #[test]
    fn rerunning_a_run_id_replaces_instead_of_duplicating() {
        let dir = tempfile::tempdir().expect("tmp");
        let report = report();
        let a = devquery_report::parquet::export(&report, dir.path()).expect("export");
        assert!(
            a.ends_with("run_date=2026-11-24/part-run-42.parquet"),
            "{}",
            a.display()
        );
        assert_eq!(rows(&a), 7);
        let b = devquery_report::parquet::export(&report, dir.path()).expect("export again");
        assert_eq!(a, b);
        let files: Vec<_> = std::fs::read_dir(a.parent().expect("parent"))
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(
            files,
            ["part-run-42.parquet"],
            "no duplicates, no temp files"
        );
        let mut other = report.clone();
        other.run_id = "run-43".into();
        devquery_report::parquet::export(&other, dir.path()).expect("second run");
        assert_eq!(
            std::fs::read_dir(a.parent().expect("parent"))
                .expect("list")
                .count(),
            2
        );
        // the schema is exactly the findings table's
        let f = std::fs::File::open(&a).expect("open");
        let builder = devquery_engine::datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
            .expect("reader");
        let want = FindingRow::spec().schema();
        let names: Vec<_> = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let want_names: Vec<_> = want.fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, want_names);
        if let Ok(out) = std::env::var("DEVQUERY_PARQUET_OUT") {
            std::fs::copy(&a, out).expect("copy");
        }
        duckdb_reads(dir.path());
    }

    /// DuckDB (PyPI `duckdb`) reads the partitioned export unchanged. Skipped with a message when
    /// duckdb is not installed, unless `DEVQUERY_REQUIRE_DUCKDB=1` (set by `.ci/run`, which
    /// installs it) makes its absence a failure.
    fn duckdb_reads(dir: &std::path::Path) {
        let required = std::env::var("DEVQUERY_REQUIRE_DUCKDB").is_ok_and(|v| v == "1");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/duckdb_read.py");
        let out = match std::process::Command::new("python3")
            .arg(script)
            .arg(dir)
            .output()
        {
            Ok(o) => o,
            Err(e) => {
                assert!(!required, "python3 not runnable: {e}");
                eprintln!("skipping the DuckDB check: python3 not runnable ({e})");
                return;
            }
        };
        let text = String::from_utf8_lossy(&out.stdout);
        if out.status.code() == Some(3) {
            assert!(!required, "DEVQUERY_REQUIRE_DUCKDB=1 but {text}");
            eprintln!("skipping the DuckDB check: {text}");
            return;
        }
        assert!(
            out.status.success(),
            "DuckDB could not read the export: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            text.trim(),
            "14 2 run_date=2026-11-24 high:fail:4",
            "{text}"
        );
    }
}
