//! Integration tests of the report formats on one fixed report: snapshots of the text formats,
//! JUnit well-formed, counted and escaped, JSON shape, HTML self-contained, Parquet export re-run
//! without duplicates; every format's file location and "not applicable" state; SARIF validated
//! against the OASIS 2.1.0 schema and GitHub code scanning's ingestion rules (the fixed report,
//! path findings, the demo estate, a split over thousands of synthetic repositories), with
//! exactly the properties devquery writes and readable by `serde-sarif`'s model; GitHub
//! annotations capped as Actions displays them, and the step summary.

mod fixture {
    //! A fixed report: three rules (failing with suppression and unknown, passing, errored),
    //! a partial-collection error and an expired suppression.

    use chrono::{NaiveDate, TimeZone, Utc};
    use devquery_rules::{
        CollectionIssue, Counts, ExpiredSuppression, Finding, Origin, RuleResult, RunReport,
        Status, Suppression, parse_rule,
    };

    pub fn finding(status: Status, resource: &str, reason: &str) -> Finding {
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
            column: None,
            suppressed_by: None,
        }
    }

    pub fn counts(findings: &[Finding]) -> Counts {
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
            not_applicable: None,
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
                    not_applicable: None,
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
            partial: None,
        }
    }

    /// The reason the fixture's not-applicable rule gives.
    pub const NOT_APPLICABLE: &str =
        "reads orgs.default_repo_permission, which local checkouts (--path) do not provide";

    /// The fixed report plus a rule that is not applicable, and a column on the workflow
    /// finding (`.github/workflows/ci.yml:12:9`).
    pub fn report_with_not_applicable() -> RunReport {
        let mut report = report();
        for r in &mut report.results {
            for f in &mut r.findings {
                if f.path.is_some() {
                    f.column = Some(9);
                }
            }
        }
        let rule = parse_rule(
            "queries/org/gh-org-base-permission.sql",
            "-- id: gh-org-base-permission\n-- title: Organisation base permission is write or admin\n-- severity: high\n-- platforms: github\n-- tactics: privilege-escalation\nselect 1",
            Origin::Bundled,
        )
        .expect("rule");
        report.results.push(RuleResult {
            rule,
            findings: vec![],
            counts: Counts::default(),
            error: None,
            elapsed_ms: 0,
            main_resource_type: None,
            not_applicable: Some(NOT_APPLICABLE.into()),
        });
        report
    }

    pub fn options() -> devquery_report::Options {
        devquery_report::Options {
            color: false,
            top: 20,
            tool_version: "0.1.0".into(),
            width: None,
            html_limit: devquery_report::DEFAULT_HTML_LIMIT,
        }
    }

    pub fn render_report(format: devquery_report::Format, report: &RunReport) -> String {
        let mut out = Vec::new();
        devquery_report::write(format, report, &mut out, &options()).expect("renders");
        String::from_utf8(out).expect("utf-8")
    }

    pub fn render(format: devquery_report::Format) -> String {
        render_report(format, &report())
    }

    /// A rule result with counts that match its findings.
    pub fn result_of(rule: devquery_rules::Rule, findings: Vec<Finding>) -> RuleResult {
        RuleResult {
            counts: counts(&findings),
            rule,
            findings,
            error: None,
            elapsed_ms: 1,
            main_resource_type: None,
            not_applicable: None,
        }
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
        assert_eq!(scanning["status"], "fail");
        assert_eq!(v["summary"]["rules_not_applicable"], 0);
        assert_eq!(
            scanning["summary"],
            "2 of 5 repositories fail, 1 unknown, 1 suppressed"
        );
        assert_eq!(scanning["findings"][0]["keys"]["org"], "acme");
        assert_eq!(v["collection_errors"][0]["http_status"], "403");
        insta::assert_snapshot!("json", render(Format::Json));
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
        assert!(gh.contains("::warning file=.github/workflows/ci.yml,line=12,title=wf-unpinned-action (medium)%3A Action not pinned to a SHA::"), "{gh}");
        assert!(gh.contains("really: 100%25"), "{gh}");
        assert!(
            gh.contains("::warning title=devquery%3A partial collection (1 call(s) failed)::"),
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
        // links to the estate are fine; nothing is loaded from anywhere
        for external in ["<link", " src=", "@import", "url("] {
            assert!(!html.contains(external), "external asset: {external}");
        }
        assert!(html.contains("id=\"rule-repo-secret-scanning-disabled\" data-sev=\"high\" open"));
        // minijinja's HTML escaping also writes `/` as `&#x2f;`
        assert!(html.contains("acme&#x2f;&quot;quoted&quot; &lt;x&gt;&amp;y"));
        assert!(html.contains("Partial collection"));
        assert!(html.contains("<script>"));
        if let Ok(path) = std::env::var("DEVQUERY_HTML_OUT") {
            std::fs::write(path, &html).expect("write html");
        }
    }
}

mod locations_and_not_applicable {
    //! Every format carries `path:line:column` and shows a rule that is not applicable as a
    //! state of its own, never as passing.

    use devquery_report::Format;

    use crate::fixture::{NOT_APPLICABLE, render_report, report_with_not_applicable};

    fn render(format: Format) -> String {
        render_report(format, &report_with_not_applicable())
    }

    #[test]
    fn table_counts_and_marks_not_applicable() {
        let text = render(Format::Table);
        assert!(
            text.contains("5 rules: 2 failing, 1 passing, 0 with nothing to check, 1 not applicable, 1 errored"),
            "{text}"
        );
        let row = text
            .lines()
            .find(|l| l.contains("gh-org-base-permission"))
            .expect("rule row");
        assert!(row.contains(" n/a "), "{row}");
        assert!(
            row.contains("not applicable: reads orgs.default_repo_permission"),
            "{row}"
        );
        assert!(text.contains(".github/workflows/ci.yml:12:9"), "{text}");
    }

    #[test]
    fn json_has_status_reason_and_column() {
        let v: serde_json::Value = serde_json::from_str(&render(Format::Json)).expect("json");
        assert_eq!(v["summary"]["rules_not_applicable"], 1);
        assert_eq!(v["summary"]["rules_passing"], 1);
        let rules = v["rules"].as_array().expect("rules");
        let na = rules
            .iter()
            .find(|r| r["id"] == "gh-org-base-permission")
            .expect("rule");
        assert_eq!(na["status"], "not_applicable");
        assert_eq!(na["not_applicable"], NOT_APPLICABLE);
        let passing = rules
            .iter()
            .find(|r| r["id"] == "gh-org-2fa-required")
            .expect("rule");
        assert!(
            passing.get("not_applicable").is_none(),
            "only when not applicable"
        );
        let wf = rules
            .iter()
            .find(|r| r["id"] == "wf-unpinned-action")
            .expect("rule");
        assert_eq!(
            wf["findings"][0]["keys"]["path"],
            ".github/workflows/ci.yml"
        );
        assert_eq!(wf["findings"][0]["keys"]["line"], "12");
        assert_eq!(wf["findings"][0]["keys"]["column"], "9");
    }

    #[test]
    fn csv_has_a_row_per_not_applicable_rule_and_the_column() {
        let csv = render(Format::Csv);
        let mut rd = csv::Reader::from_reader(csv.as_bytes());
        let headers = rd.headers().expect("header").clone();
        let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
        let rows: Vec<csv::StringRecord> = rd.records().collect::<Result<_, _>>().expect("csv");
        let na: Vec<_> = rows
            .iter()
            .filter(|r| r.get(col("status")) == Some("not_applicable"))
            .collect();
        assert_eq!(na.len(), 1);
        assert_eq!(na[0].get(col("rule_id")), Some("gh-org-base-permission"));
        assert_eq!(na[0].get(col("reason")), Some(NOT_APPLICABLE));
        let wf = rows
            .iter()
            .find(|r| r.get(col("rule_id")) == Some("wf-unpinned-action"))
            .expect("wf row");
        assert_eq!(wf.get(col("path")), Some(".github/workflows/ci.yml"));
        assert_eq!(wf.get(col("line")), Some("12"));
        assert_eq!(wf.get(col("column")), Some("9"));
    }

    #[test]
    fn junit_skips_the_rule_with_its_reason_and_locates_findings() {
        let xml = render(Format::Junit);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let suite = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("testsuite") && n.attribute("name") == Some("gh-org-base-permission")
            })
            .expect("suite");
        assert_eq!(suite.attribute("skipped"), Some("1"));
        let skipped = suite
            .descendants()
            .find(|n| n.has_tag_name("skipped"))
            .expect("skipped");
        assert_eq!(
            skipped.attribute("message").map(str::to_string),
            Some(format!("not applicable: {NOT_APPLICABLE}"))
        );
        let root = doc.root_element();
        // 1 unknown + 1 suppressed + 1 not applicable
        assert_eq!(root.attribute("skipped"), Some("3"));
        let wf = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("testcase") && n.attribute("classname") == Some("wf-unpinned-action")
            })
            .expect("wf case");
        assert_eq!(wf.attribute("file"), Some(".github/workflows/ci.yml"));
        assert_eq!(wf.attribute("line"), Some("12"));
    }

    #[test]
    fn html_and_markdown_show_the_state_reason_and_location() {
        for format in [Format::Html, Format::Markdown] {
            // the HTML escapes `/` as `&#x2f;`
            let text = render(format).replace("&#x2f;", "/");
            assert!(text.contains("not applicable"), "{format:?}");
            assert!(
                text.contains("reads orgs.default_repo_permission"),
                "{format:?}"
            );
            assert!(text.contains(".github/workflows/ci.yml:12:9"), "{format:?}");
        }
        let md = render(Format::Markdown);
        assert!(md.contains("1 not applicable"), "{md}");
        assert!(
            !md.contains("not_applicable"),
            "words, not the wire name: {md}"
        );
    }

    #[test]
    fn annotations_have_the_column_and_no_not_applicable_annotation() {
        let gh = render(Format::Github);
        assert!(
            gh.contains("file=.github/workflows/ci.yml,line=12,col=9,title="),
            "{gh}"
        );
        assert!(!gh.contains("gh-org-base-permission"), "{gh}");
        assert!(
            gh.lines()
                .next()
                .is_some_and(|l| l.contains("1 not applicable")),
            "{gh}"
        );
    }
}

mod sarif {
    //! SARIF: the OASIS schema and GitHub code scanning's ingestion rules, on the fixed report,
    //! path findings, the demo estate and a split over thousands of synthetic repositories.

    use std::collections::HashSet;

    use devquery_report::sarif::{self, check_github_ingestion, check_github_upload, limits};
    use devquery_rules::{Finding, Origin, RuleResult, RunReport, Status, parse_rule};
    use serde_json::{Value, json};

    use crate::fixture::{
        NOT_APPLICABLE, finding, options, report, report_with_not_applicable, result_of,
    };

    fn validator() -> jsonschema::Validator {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(path).expect("schema file");
        let schema: Value = serde_json::from_str(&text).expect("schema json");
        jsonschema::validator_for(&schema).expect("schema compiles")
    }

    /// The log is valid SARIF 2.1.0 and code scanning accepts it.
    fn assert_accepted(validator: &jsonschema::Validator, bytes: &[u8]) -> Value {
        let log: Value = serde_json::from_slice(bytes).expect("json");
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
        let problems = check_github_upload(bytes);
        assert!(
            problems.is_empty(),
            "code scanning would reject:\n{}",
            problems.join("\n")
        );
        log
    }

    fn results(log: &Value) -> &Vec<Value> {
        log["runs"][0]["results"].as_array().expect("results")
    }

    fn rule(id: &str, severity: &str, area: &str) -> devquery_rules::Rule {
        parse_rule(
            &format!("queries/{area}/{id}.sql"),
            &format!("-- id: {id}\n-- title: Title of {id}\n-- severity: {severity}\n-- platforms: github\n-- description: What {id} finds.\n-- remediation: Fix {id}.\n-- tactics: execution\nselect 1"),
            Origin::Bundled,
        )
        .expect("rule")
    }

    fn run(results: Vec<RuleResult>) -> RunReport {
        let mut r = report();
        r.results = results;
        r.collection_errors.clear();
        r.expired_suppressions.clear();
        r
    }

    #[test]
    fn the_fixed_report_is_valid_and_accepted() {
        let v = validator();
        let file = sarif::single(&report(), &options()).expect("sarif");
        let log = assert_accepted(&v, &file.to_bytes().expect("bytes"));
        // and an invalid document is rejected by both, so the checks have teeth
        let mut broken = log.clone();
        broken["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!v.is_valid(&broken));
        assert!(!check_github_ingestion(&broken).is_empty());

        let run = &log["runs"][0];
        assert_eq!(run["automationDetails"]["id"], "devquery/");
        assert_eq!(
            run["invocations"][0]["executionSuccessful"], true,
            "an errored rule must not turn the upload into a failed analysis"
        );
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
        for r in rules {
            let tags = r["properties"]["tags"].as_array().expect("tags");
            assert_eq!(tags[0], "security");
            assert!(tags.len() <= limits::TAGS_SHOWN);
            assert!(
                r["helpUri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://"))
            );
            assert!(r["properties"]["security-severity"].is_string());
        }
        let wf_rule = rules
            .iter()
            .find(|r| r["id"] == "wf-unpinned-action")
            .expect("rule");
        assert_eq!(
            wf_rule["helpUri"],
            "https://github.com/devquery/devquery/blob/main/docs/rules.md#wf-unpinned-action"
        );

        let results = results(&log);
        // 3 fail + 1 unknown + 1 suppressed; passes are omitted
        assert_eq!(results.len(), 5);
        assert_eq!(results[0]["level"], "error", "most severe first");
        let wf = results
            .iter()
            .find(|r| r["ruleId"] == "wf-unpinned-action")
            .expect("wf result");
        assert_eq!(wf["level"], "warning");
        let phys = &wf["locations"][0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], ".github/workflows/ci.yml");
        assert_eq!(phys["region"]["startLine"], 12);
        assert!(
            wf["partialFingerprints"]
                .get(sarif::LINE_HASH_KEY)
                .is_none(),
            "the upload action hashes the real file"
        );
        // a finding about settings: the stable pseudo-path, line 1, its own line hash
        let web = results
            .iter()
            .find(|r| r["properties"]["resource"] == "acme/web")
            .expect("web result");
        let phys = &web["locations"][0]["physicalLocation"];
        assert_eq!(
            phys["artifactLocation"]["uri"],
            ".github/devquery/repository"
        );
        assert_eq!(phys["region"]["startLine"], 1);
        assert_eq!(
            web["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "acme/web"
        );
        let fp = devquery_rules::fingerprint("repo-secret-scanning-disabled", "acme/web");
        assert_eq!(
            web["partialFingerprints"][sarif::FINGERPRINT_KEY],
            json!(fp)
        );
        assert_eq!(
            web["partialFingerprints"][sarif::LINE_HASH_KEY],
            json!(format!("{fp}:1"))
        );
        assert!(
            results
                .iter()
                .any(|r| r["suppressions"][0]["kind"] == "external")
        );

        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notes");
        let level = |l: &str| notes.iter().filter(|n| n["level"] == l).count();
        assert_eq!(level("error"), 1, "the errored rule");
        // partial collection, and results of several repositories in one file
        assert_eq!(level("warning"), 2, "{notes:?}");
        assert_eq!(file.warnings.len(), 1);
        assert!(file.warnings[0].contains("--split-by repository"));
    }

    #[test]
    fn not_applicable_rules_are_notifications_never_results() {
        let file = sarif::single(&report_with_not_applicable(), &options()).expect("sarif");
        let log = assert_accepted(&validator(), &file.to_bytes().expect("bytes"));
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let (index, na) = rules
            .iter()
            .enumerate()
            .find(|(_, r)| r["id"] == "gh-org-base-permission")
            .expect("descriptor");
        assert_eq!(na["properties"]["status"], "not_applicable");
        assert_eq!(na["properties"]["not_applicable"], NOT_APPLICABLE);
        assert!(
            !results(&log)
                .iter()
                .any(|r| r["ruleId"] == "gh-org-base-permission")
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notes");
        let note = notes
            .iter()
            .find(|n| n["associatedRule"]["id"] == "gh-org-base-permission")
            .expect("notification");
        assert_eq!(note["level"], "note");
        assert_eq!(note["associatedRule"]["index"], index);
        assert!(
            note["message"]["text"]
                .as_str()
                .expect("text")
                .contains(NOT_APPLICABLE)
        );
        let wf = results(&log)
            .iter()
            .find(|r| r["ruleId"] == "wf-unpinned-action")
            .expect("wf");
        assert_eq!(
            wf["locations"][0]["physicalLocation"]["region"]["startColumn"],
            9
        );
    }

    #[test]
    fn path_findings_point_at_the_file_line_and_column() {
        let mut findings = Vec::new();
        for (path, line, column) in [
            (".github/workflows/release.yml", Some(40), Some(15)),
            ("./azure-pipelines/npm publish.yaml", Some(3), None),
            ("ci\\build.yml", None, None),
            ("/.gitlab-ci.yml", Some(7), Some(1)),
            ("dir#1/ü.yml", Some(2), Some(3)),
        ] {
            let mut f = finding(
                Status::Fail,
                &format!("acme/api:{path}"),
                "uses an unpinned action",
            );
            f.resource_type = "step".into();
            f.repo = Some("api".into());
            f.path = Some(path.into());
            f.line = line;
            f.column = column;
            findings.push(f);
        }
        let report = run(vec![result_of(
            rule("wf-unpinned-action", "medium", "workflows"),
            findings,
        )]);
        let file = sarif::single(&report, &options()).expect("sarif");
        assert!(
            file.warnings.is_empty(),
            "one repository: {:?}",
            file.warnings
        );
        let log = assert_accepted(&validator(), &file.to_bytes().expect("bytes"));
        let located: Vec<(String, Value)> = results(&log)
            .iter()
            .map(|r| {
                let phys = &r["locations"][0]["physicalLocation"];
                (
                    phys["artifactLocation"]["uri"]
                        .as_str()
                        .expect("uri")
                        .to_string(),
                    phys["region"].clone(),
                )
            })
            .collect();
        let want = [
            (
                ".github/workflows/release.yml",
                json!({"startLine": 40, "startColumn": 15}),
            ),
            (
                "azure-pipelines/npm%20publish.yaml",
                json!({"startLine": 3}),
            ),
            ("ci/build.yml", json!({"startLine": 1})),
            (".gitlab-ci.yml", json!({"startLine": 7, "startColumn": 1})),
            (
                "dir%231/%C3%BC.yml",
                json!({"startLine": 2, "startColumn": 3}),
            ),
        ];
        for (uri, region) in want {
            assert!(
                located.iter().any(|(u, r)| u == uri && *r == region),
                "{uri} {region}: {located:?}"
            );
        }
    }

    #[test]
    fn the_checks_catch_what_code_scanning_rejects() {
        let file = sarif::single(&report(), &options()).expect("sarif");
        let good = serde_json::to_value(&file.log).expect("json");
        assert!(check_github_ingestion(&good).is_empty());
        let broken = |edit: &dyn Fn(&mut Value)| {
            let mut log = good.clone();
            edit(&mut log);
            check_github_ingestion(&log)
        };
        type Edit = Box<dyn Fn(&mut Value)>;
        fn change(f: impl Fn(&mut Value) + 'static) -> Edit {
            Box::new(f)
        }
        fn first_result(l: &mut Value) -> &mut Value {
            &mut l["runs"][0]["results"][0]
        }
        fn first_rule(l: &mut Value) -> &mut Value {
            &mut l["runs"][0]["tool"]["driver"]["rules"][0]
        }
        let cases: Vec<(&str, Edit)> = vec![
            (
                "no physical location",
                change(|l| {
                    if let Some(o) = first_result(l)["locations"][0].as_object_mut() {
                        o.remove("physicalLocation");
                    }
                }),
            ),
            (
                "no locations",
                change(|l| first_result(l)["locations"] = json!([])),
            ),
            (
                "no start line",
                change(|l| {
                    first_result(l)["locations"][0]["physicalLocation"]["region"] =
                        json!({"startColumn": 2});
                }),
            ),
            (
                "absolute uri",
                change(|l| {
                    first_result(l)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                        json!("https://example.com/x.yml");
                }),
            ),
            (
                "a space in the uri",
                change(|l| {
                    first_result(l)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                        json!("a b.yml");
                }),
            ),
            (
                "unknown rule",
                change(|l| first_result(l)["ruleId"] = json!("nope")),
            ),
            (
                "no fingerprints",
                change(|l| {
                    if let Some(o) = first_result(l).as_object_mut() {
                        o.remove("partialFingerprints");
                    }
                }),
            ),
            (
                "empty message",
                change(|l| first_result(l)["message"]["text"] = json!(" ")),
            ),
            (
                "unsuccessful execution",
                change(|l| {
                    l["runs"][0]["invocations"][0]["executionSuccessful"] = json!(false);
                }),
            ),
            (
                "too many tags",
                change(|l| first_rule(l)["properties"]["tags"] = json!(vec!["t"; 21])),
            ),
            (
                "severity not a number",
                change(|l| {
                    first_rule(l)["properties"]["security-severity"] = json!("high");
                }),
            ),
            (
                "no help text",
                change(|l| first_rule(l)["help"] = json!({"markdown": "x"})),
            ),
            (
                "long short description",
                change(|l| {
                    first_rule(l)["shortDescription"]["text"] = json!("x".repeat(1025));
                }),
            ),
            (
                "too many runs",
                change(|l| {
                    let run = l["runs"][0].clone();
                    let runs: Vec<Value> = (0..21)
                        .map(|i| {
                            let mut r = run.clone();
                            r["automationDetails"]["id"] = json!(format!("c{i}/"));
                            r
                        })
                        .collect();
                    l["runs"] = json!(runs);
                }),
            ),
            (
                "two runs in one category",
                change(|l| {
                    let run = l["runs"][0].clone();
                    l["runs"] = json!([run.clone(), run]);
                }),
            ),
            (
                "too many results",
                change(|l| {
                    let r = first_result(l).clone();
                    l["runs"][0]["results"] = json!(vec![r; limits::RESULTS_PER_RUN + 1]);
                }),
            ),
            ("wrong version", change(|l| l["version"] = json!("2.0.0"))),
        ];
        for (name, edit) in &cases {
            assert!(!broken(edit.as_ref()).is_empty(), "{name} was not caught");
        }
    }

    /// Findings of `repos` repositories: a repository rule (every third fails), a workflow rule
    /// with five findings in each even repository, and organisation-level findings.
    fn estate(repos: usize) -> RunReport {
        let mut scanning = Vec::new();
        let mut workflows = Vec::new();
        for i in 0..repos {
            let name = format!("repo-{i:04}");
            let status = if i % 3 == 0 {
                Status::Fail
            } else {
                Status::Pass
            };
            let mut f = finding(status, &format!("acme/{name}"), "secret scanning is off");
            f.repo = Some(name.clone());
            scanning.push(f);
            if i % 2 == 0 {
                for k in 0..5u64 {
                    let mut f = finding(
                        Status::Fail,
                        &format!("acme/{name}:.github/workflows/ci.yml:{k}"),
                        "uses actions/checkout@v4",
                    );
                    f.resource_type = "step".into();
                    f.repo = Some(name.clone());
                    f.path = Some(".github/workflows/ci.yml".into());
                    f.line = Some(10 + k);
                    f.column = Some(9);
                    workflows.push(f);
                }
            }
        }
        for i in 0..200 {
            let mut f = finding(
                Status::Fail,
                &format!("fabrikam/Payments/api-{i:03}"),
                "secret scanning is off",
            );
            f.platform = Some("azure_devops".into());
            f.org = Some("fabrikam".into());
            f.project = Some("Payments".into());
            f.repo = Some(format!("api-{i:03}"));
            scanning.push(f);
        }
        let mut org = vec![finding(
            Status::Fail,
            "acme",
            "two-factor authentication is not required",
        )];
        org[0].resource_type = "org".into();
        let groups: Vec<Finding> = (0..3)
            .map(|i| {
                let mut f = finding(
                    Status::Fail,
                    &format!("acme/group-{i}"),
                    "all repositories can use it",
                );
                f.resource_type = "runner_group".into();
                f.repo = None;
                f
            })
            .collect();
        let mut na = result_of(rule("gh-org-base-permission", "high", "org"), vec![]);
        na.not_applicable = Some(NOT_APPLICABLE.into());
        run(vec![
            result_of(rule("gh-org-2fa-required", "critical", "org"), org),
            result_of(
                rule("gh-runner-group-all-repos", "medium", "actions"),
                groups,
            ),
            na,
            result_of(
                rule("repo-secret-scanning-disabled", "high", "repos"),
                scanning,
            ),
            result_of(rule("wf-unpinned-action", "medium", "workflows"), workflows),
        ])
    }

    #[test]
    fn a_split_over_thousands_of_repositories_stays_inside_the_limits() {
        let report = estate(3_000);
        let dir = tempfile::tempdir().expect("tmp");
        let written = sarif::write_split(&report, &options(), dir.path()).expect("split");
        // 3,000 GitHub and 200 Azure DevOps repositories, and the acme organisation
        assert_eq!(written.len(), 3_201);
        let names: HashSet<String> = written
            .iter()
            .map(|w| {
                w.path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .to_lowercase()
            })
            .collect();
        assert_eq!(names.len(), written.len(), "unique file names");
        let on_disk = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(on_disk, written.len(), "no temporary file left");
        let v = validator();
        let mut empty = 0;
        let mut categories = HashSet::new();
        for (i, w) in written.iter().enumerate() {
            let bytes = std::fs::read(&w.path).expect("read");
            let problems = check_github_upload(&bytes);
            assert!(
                problems.is_empty(),
                "{}:\n{}",
                w.path.display(),
                problems.join("\n")
            );
            let log: Value = serde_json::from_slice(&bytes).expect("json");
            if i % 500 == 0 || !w.key.is_repository() {
                assert_accepted(&v, &bytes);
            }
            let id = log["runs"][0]["automationDetails"]["id"]
                .as_str()
                .expect("id")
                .to_string();
            assert_eq!(id, format!("devquery/{}/", w.key.path()));
            assert!(categories.insert(id), "one category per file");
            empty += usize::from(results(&log).is_empty());
            assert_eq!(w.omitted, 0);
        }
        assert!(empty > 0, "clean repositories get a file without results");
        let org = written
            .iter()
            .find(|w| w.key.path() == "github/acme")
            .expect("the organisation's file");
        let log: Value =
            serde_json::from_slice(&std::fs::read(&org.path).expect("read")).expect("json");
        let hashes: HashSet<&str> = results(&log)
            .iter()
            .map(|r| {
                r["partialFingerprints"][sarif::LINE_HASH_KEY]
                    .as_str()
                    .expect("hash")
            })
            .collect();
        assert_eq!(
            hashes.len(),
            4,
            "org, three runner groups: one identity each"
        );
        assert!(results(&log).iter().any(
            |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == ".github/devquery/runner_group"
        ));
        let repo = written
            .iter()
            .find(|w| w.key.path() == "github/acme/repo-0000")
            .expect("a repository's file");
        assert_eq!(
            repo.path.file_name().and_then(|n| n.to_str()),
            Some("github__acme__repo-0000.sarif")
        );
        let log: Value =
            serde_json::from_slice(&std::fs::read(&repo.path).expect("read")).expect("json");
        assert_eq!(results(&log).len(), 6);
        assert_eq!(log["runs"][0]["properties"]["repo"], "repo-0000");
        let ado = written
            .iter()
            .find(|w| w.key.path() == "azure_devops/fabrikam/Payments/api-000")
            .expect("an Azure DevOps repository's file");
        assert!(
            ado.path
                .ends_with("azure_devops__fabrikam__Payments__api-000.sarif")
        );
    }

    #[test]
    fn a_repository_over_the_results_limit_keeps_the_most_severe_and_says_so() {
        let mut report = estate(2);
        let mut low = Vec::new();
        for i in 0..(limits::RESULTS_PER_RUN + 1_000) {
            let mut f = finding(
                Status::Fail,
                &format!("acme/monorepo:{i}"),
                "direct collaborator",
            );
            f.repo = Some("monorepo".into());
            f.resource_type = "access_grant".into();
            low.push(f);
        }
        let mut critical = Vec::new();
        for i in 0..7 {
            let mut f = finding(
                Status::Fail,
                &format!("acme/monorepo:wf-{i}"),
                "dangerous trigger",
            );
            f.repo = Some("monorepo".into());
            f.path = Some(format!(".github/workflows/w{i}.yml"));
            f.line = Some(3);
            critical.push(f);
        }
        report.results.push(result_of(
            rule("repo-direct-collaborators", "low", "repos"),
            low,
        ));
        report.results.push(result_of(
            rule("wf-dangerous-trigger-checkout", "critical", "workflows"),
            critical,
        ));
        let dir = tempfile::tempdir().expect("tmp");
        let written = sarif::write_split(&report, &options(), dir.path()).expect("split");
        let mono = written
            .iter()
            .find(|w| w.key.path() == "github/acme/monorepo")
            .expect("monorepo file");
        assert_eq!(mono.results, limits::RESULTS_PER_RUN);
        assert_eq!(mono.omitted, 1_007);
        assert!(
            mono.warnings
                .iter()
                .any(|w| w.contains("1007 of 26007 results left out")),
            "{:?}",
            mono.warnings
        );
        let bytes = std::fs::read(&mono.path).expect("read");
        let log = assert_accepted(&validator(), &bytes);
        let results = results(&log);
        assert_eq!(results.len(), limits::RESULTS_PER_RUN);
        assert_eq!(
            results
                .iter()
                .filter(|r| r["ruleId"] == "wf-dangerous-trigger-checkout")
                .count(),
            7,
            "every critical result is kept"
        );
        assert_eq!(results[0]["level"], "error");
        let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notes");
        assert!(notes.iter().any(|n| {
            n["level"] == "warning"
                && n["message"]["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("left out"))
        }));
    }

    /// Text that gzip cannot shrink much: base64-like characters from a linear congruential
    /// generator.
    fn noise(seed: u64, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(ALPHABET[(x >> 58) as usize])
            })
            .collect()
    }

    #[test]
    fn a_file_over_ten_megabytes_compressed_keeps_the_most_severe_that_fit() {
        let findings: Vec<Finding> = (0..3_000u64)
            .map(|i| {
                let mut f = finding(Status::Fail, &format!("acme/api:{i}"), &noise(i, 8_000));
                f.repo = Some("api".into());
                f
            })
            .collect();
        let report = run(vec![result_of(
            rule("repo-secret-scanning-disabled", "high", "repos"),
            findings,
        )]);
        let file = sarif::single(&report, &options()).expect("sarif");
        assert!(
            file.omitted > 0 && file.results > 0,
            "{} kept, {} left out",
            file.results,
            file.omitted
        );
        let bytes = file.to_bytes().expect("bytes");
        assert!(sarif::gzip_len(&bytes).expect("gzip") <= limits::GZIP_BYTES);
        assert!(check_github_upload(&bytes).is_empty());
        assert!(file.warnings.iter().any(|w| w.contains("left out")));
    }

    #[test]
    fn the_demo_estate_is_accepted_whole_and_split() {
        let report = crate::demo::report();
        let v = validator();
        let file = sarif::single(&report, &options()).expect("sarif");
        assert_eq!(file.omitted, 0);
        let log = assert_accepted(&v, &file.to_bytes().expect("bytes"));
        let t = report.totals();
        assert_eq!(results(&log).len(), t.fail + t.unknown + t.suppressed);
        let dir = tempfile::tempdir().expect("tmp");
        let written = sarif::write_split(&report, &options(), dir.path()).expect("split");
        assert!(written.len() > 1);
        let mut total = 0;
        for w in &written {
            let log = assert_accepted(&v, &std::fs::read(&w.path).expect("read"));
            total += results(&log).len();
        }
        assert_eq!(total, file.results, "every result is in one split file");
    }

    /// The names of an object's properties, sorted.
    fn keys(v: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The objects and properties of the log, named and valued as code scanning reads them:
    /// nothing renamed or left out, and no property the schema allows but devquery does not
    /// write.
    #[test]
    fn the_log_has_exactly_the_properties_devquery_writes() {
        let report = report();
        let file = sarif::single(&report, &options()).expect("sarif");
        let log = serde_json::to_value(&file.log).expect("json");
        assert_eq!(keys(&log), ["$schema", "runs", "version"]);
        assert_eq!(log["$schema"], sarif::SCHEMA_URI);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            keys(run),
            [
                "automationDetails",
                "columnKind",
                "invocations",
                "originalUriBaseIds",
                "properties",
                "results",
                "tool"
            ]
        );
        assert_eq!(run["automationDetails"], json!({"id": "devquery/"}));
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(
            run["originalUriBaseIds"],
            json!({"%SRCROOT%": {"description": {"text": "The root of the repository the file is uploaded to."}}})
        );
        assert_eq!(
            run["properties"],
            json!({"run_id": "run-42", "source": "snapshot:demo"})
        );
        assert_eq!(keys(&run["tool"]), ["driver"]);
        let driver = &run["tool"]["driver"];
        assert_eq!(
            keys(driver),
            [
                "informationUri",
                "name",
                "rules",
                "semanticVersion",
                "version"
            ]
        );
        assert_eq!(driver["name"], "devquery");
        assert_eq!(driver["version"], "0.1.0");
        assert_eq!(driver["semanticVersion"], "0.1.0");
        assert_eq!(driver["informationUri"], sarif::REPOSITORY_URL);

        let invocation = &run["invocations"][0];
        assert_eq!(
            keys(invocation),
            [
                "executionSuccessful",
                "startTimeUtc",
                "toolExecutionNotifications"
            ]
        );
        assert_eq!(invocation["startTimeUtc"], "2026-11-24T12:00:00Z");
        let notes = invocation["toolExecutionNotifications"]
            .as_array()
            .expect("notes");
        let errored = json!({
            "associatedRule": {"id": "ado-broken", "index": 1},
            "level": "error",
            "message": {"text": "rule ado-broken could not run: queries/org/ado-broken.sql: Cast error: 'a' is not an int"},
        });
        assert!(notes.contains(&errored), "{notes:?}");
        let partial = json!({
            "level": "warning",
            "message": {"text": "partial collection: repositories /repos/acme/private 403: Resource not accessible by integration"},
        });
        assert!(notes.contains(&partial), "{notes:?}");

        let wf_rule = &report.results[3].rule;
        let descriptor = &driver["rules"][3];
        assert_eq!(
            keys(descriptor),
            [
                "defaultConfiguration",
                "fullDescription",
                "help",
                "helpUri",
                "id",
                "name",
                "properties",
                "shortDescription"
            ]
        );
        assert_eq!(descriptor["id"], "wf-unpinned-action");
        assert_eq!(descriptor["name"], "WfUnpinnedAction");
        assert_eq!(
            descriptor["shortDescription"],
            json!({"text": "Action not pinned to a SHA"})
        );
        assert_eq!(
            descriptor["fullDescription"],
            json!({"text": "A tag can be moved."})
        );
        assert_eq!(keys(&descriptor["help"]), ["markdown", "text"]);
        assert!(
            descriptor["help"]["text"]
                .as_str()
                .is_some_and(|t| t
                    .starts_with("A tag can be moved.\n\nRemediation: Pin to a full commit SHA.")),
            "{descriptor}"
        );
        assert_eq!(descriptor["helpUri"], sarif::help_uri(wf_rule));
        assert_eq!(
            descriptor["defaultConfiguration"],
            json!({"level": "warning"})
        );
        assert_eq!(
            descriptor["properties"],
            json!({
                "platforms": wf_rule.platforms,
                "precision": "high",
                "problem.severity": "warning",
                "references": wf_rule.references,
                "security-severity": "5.5",
                "severity": "medium",
                "tags": sarif::tags(wf_rule),
            })
        );

        let results = results(&log);
        let resource = "acme/api:.github/workflows/ci.yml";
        let wf = results
            .iter()
            .find(|r| r["ruleId"] == "wf-unpinned-action")
            .expect("wf result");
        let want = json!({
            "kind": "fail",
            "level": "warning",
            "locations": [{
                "logicalLocations": [{"fullyQualifiedName": resource, "kind": "workflow"}],
                "physicalLocation": {
                    "artifactLocation": {"uri": ".github/workflows/ci.yml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 12},
                },
            }],
            "message": {"text": format!("{resource}: uses actions/checkout@v4")},
            "partialFingerprints": {
                "devquery/v1": devquery_rules::fingerprint("wf-unpinned-action", resource),
            },
            "properties": {
                "host": "github.com",
                "org": "acme",
                "platform": "github",
                "repo": "api:.github",
                "resource": resource,
                "resource_type": "workflow",
                "status": "fail",
            },
            "ruleId": "wf-unpinned-action",
            "ruleIndex": 3,
        });
        assert_eq!(*wf, want);

        let suppressed = results
            .iter()
            .find(|r| r["properties"]["resource"] == "acme/legacy-1")
            .expect("suppressed result");
        assert_eq!(
            suppressed["suppressions"],
            json!([{
                "justification": "archived soon (until 2026-12-31)",
                "kind": "external",
                "status": "accepted",
            }])
        );
        assert_eq!(suppressed["kind"], "fail");
        assert_eq!(suppressed["level"], "error");
        let fp = devquery_rules::fingerprint("repo-secret-scanning-disabled", "acme/legacy-1");
        let line_hash = format!("{fp}:1");
        assert_eq!(
            suppressed["partialFingerprints"],
            json!({"devquery/v1": fp, "primaryLocationLineHash": line_hash})
        );
        assert_eq!(
            suppressed["locations"][0]["physicalLocation"],
            json!({
                "artifactLocation": {"uri": ".github/devquery/repository", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1},
            })
        );
        let unknown = results
            .iter()
            .find(|r| r["properties"]["resource"] == "acme/private")
            .expect("unknown result");
        assert_eq!(unknown["kind"], "review");
        assert_eq!(unknown["level"], "none");
        let written = [
            "kind",
            "level",
            "locations",
            "message",
            "partialFingerprints",
            "properties",
            "ruleId",
            "ruleIndex",
            "suppressions",
        ];
        for r in results {
            assert!(keys(r).iter().all(|k| written.contains(k)), "{r}");
        }
    }

    /// What devquery writes reads back into `serde-sarif`'s model of the schema unchanged.
    #[test]
    fn the_log_reads_back_into_the_schema_types() {
        let file = sarif::single(&report_with_not_applicable(), &options()).expect("sarif");
        let bytes = file.to_bytes().expect("bytes");
        let read: serde_sarif::sarif::Sarif = serde_json::from_slice(&bytes).expect("typed SARIF");
        assert_eq!(read, file.log);
    }
}

mod html;

mod demo {
    //! The bundled demo estate, run through every bundled rule.

    use devquery_engine::{Engine, EngineOptions};
    use devquery_rules::{RuleSet, RunOptions, RunReport, Selection, run_rules};

    pub fn report() -> RunReport {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let dir =
                std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/demo"));
            let (engine, _) = Engine::from_snapshot(dir, EngineOptions::default())
                .await
                .expect("demo snapshot");
            let rules = RuleSet::load(None)
                .expect("bundled rules")
                .select(&Selection::default())
                .expect("selection");
            run_rules(&engine, &rules, &RunOptions::now("demo")).await
        })
    }
}

mod annotations {
    //! `--format github`: totals first, the most severe first, at most 10 of each kind, a last
    //! line counting the rest; and the step summary.

    use devquery_report::github::{self, PER_KIND_PER_STEP, STEP_SUMMARY_MAX_BYTES};
    use devquery_rules::{Finding, Origin, RuleResult, RunReport, Status, parse_rule};

    use crate::fixture::{counts, finding, options, render_report, report};

    fn rule_result(id: &str, severity: &str, findings: Vec<Finding>) -> RuleResult {
        RuleResult {
            counts: counts(&findings),
            rule: parse_rule(
                &format!("queries/x/{id}.sql"),
                &format!("-- id: {id}\n-- title: {id}\n-- severity: {severity}\n-- remediation: Fix it.\nselect 1"),
                Origin::Bundled,
            )
            .expect("rule"),
            findings,
            error: None,
            elapsed_ms: 1,
            main_resource_type: None,
            not_applicable: None,
        }
    }

    fn many(prefix: &str, n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| finding(Status::Fail, &format!("acme/{prefix}-{i:02}"), "bad"))
            .collect()
    }

    fn busy_report() -> RunReport {
        let mut r = report();
        r.expired_suppressions.clear();
        r.collection_errors.clear();
        let broken = r
            .results
            .iter()
            .find(|x| x.error.is_some())
            .cloned()
            .expect("errored rule");
        r.results = vec![
            rule_result("crit", "critical", many("c", 15)),
            rule_result("med", "medium", many("m", 15)),
            rule_result("inf", "info", many("i", 15)),
            broken,
        ];
        r
    }

    #[test]
    fn capped_to_what_actions_shows_with_totals_first_and_the_rest_counted() {
        let gh = render_report(devquery_report::Format::Github, &busy_report());
        let lines: Vec<&str> = gh.lines().collect();
        let first = lines.first().expect("first line");
        assert!(
            !first.starts_with("::") && first.contains("45 fail"),
            "{first}"
        );
        let last = lines.last().expect("last line");
        assert!(!last.starts_with("::"), "{last}");
        assert!(
            last.contains("29 of 45 failing finding(s) shown") && last.contains("16 not shown"),
            "{last}"
        );
        let count = |kind: &str| {
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("::{kind} ")))
                .count()
        };
        assert_eq!(count("error"), PER_KIND_PER_STEP);
        assert_eq!(count("warning"), PER_KIND_PER_STEP);
        assert_eq!(count("notice"), PER_KIND_PER_STEP);
        // the errored rule first, then the critical findings
        assert!(
            lines[1].starts_with("::error title=devquery%3A 1 rule(s) errored::"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains("title=crit (critical)%3A crit::acme/c-00"),
            "{}",
            lines[2]
        );
        let first_warning = lines
            .iter()
            .position(|l| l.starts_with("::warning"))
            .expect("warning");
        let last_error = lines
            .iter()
            .rposition(|l| l.starts_with("::error"))
            .expect("error");
        assert!(last_error < first_warning, "most severe first");
    }

    #[test]
    fn properties_and_messages_are_escaped() {
        let mut f = finding(Status::Fail, "acme/api", "line one\r\nline two: 50% done");
        f.path = Some("dir,with:odd%chars/ci.yml".into());
        f.line = Some(3);
        f.column = Some(7);
        let mut r = report();
        r.results = vec![rule_result("esc", "high", vec![f])];
        let gh = render_report(devquery_report::Format::Github, &r);
        assert!(
            gh.contains("::error file=dir%2Cwith%3Aodd%25chars/ci.yml,line=3,col=7,title=esc (high)%3A esc::acme/api: line one%0D%0Aline two: 50%25 done%0ARemediation: Fix it."),
            "{gh}"
        );
        assert_eq!(github::escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(github::escape_data("a:b,c%\r"), "a:b,c%25%0D");
    }

    #[test]
    fn the_step_summary_is_appended_and_fits() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("summary.md");
        std::fs::write(&path, "before\n").expect("seed");
        github::append_step_summary(&report(), &options(), &path).expect("append");
        github::append_step_summary(&report(), &options(), &path).expect("append again");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("before\n"));
        assert_eq!(text.matches("# devquery report").count(), 2);

        let findings: Vec<Finding> = (0..100)
            .map(|i| finding(Status::Fail, &format!("acme/r{i}"), &"x".repeat(20_000)))
            .collect();
        let mut big = report();
        big.results = vec![rule_result("big", "high", findings)];
        let mut opts = options();
        opts.top = 100;
        let summary = github::step_summary(&big, &opts).expect("summary");
        assert!(summary.len() < STEP_SUMMARY_MAX_BYTES, "{}", summary.len());
        assert!(summary.contains("# devquery report"));
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

mod junit {
    //! JUnit XML: each suite's and the report's counts, what each test case says, escaping,
    //! and the first suite of a partial source.

    use devquery_report::Format;
    use roxmltree::{Document, Node};

    use crate::fixture::{render_report, report};

    fn suite<'a, 'i>(doc: &'a Document<'i>, name: &str) -> Node<'a, 'i> {
        doc.descendants()
            .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(name))
            .expect("suite")
    }

    /// `tests`, `failures`, `errors`, `skipped`.
    fn counts<'a>(n: Node<'a, '_>) -> [Option<&'a str>; 4] {
        ["tests", "failures", "errors", "skipped"].map(|a| n.attribute(a))
    }

    /// The element `tag` inside the test case named `name`.
    fn status<'a, 'i>(doc: &'a Document<'i>, name: &str, tag: &str) -> Node<'a, 'i> {
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .flat_map(|n| n.children())
            .find(|n| n.has_tag_name(tag))
            .expect("status element")
    }

    #[test]
    fn every_suite_counts_its_cases_and_says_why() {
        let report = report();
        let xml = render_report(Format::Junit, &report);
        let doc = Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(counts(root), [Some("8"), Some("3"), Some("1"), Some("2")]);
        let at = root
            .attribute("timestamp")
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .expect("an RFC 3339 timestamp");
        assert_eq!(at, report.run_at);
        let scanning = suite(&doc, "repo-secret-scanning-disabled");
        assert_eq!(
            counts(scanning),
            [Some("5"), Some("2"), Some("0"), Some("2")]
        );
        assert_eq!(scanning.attribute("time"), Some("0.003"));
        let properties: Vec<(Option<&str>, Option<&str>)> = scanning
            .descendants()
            .filter(|n| n.has_tag_name("property"))
            .map(|p| (p.attribute("name"), p.attribute("value")))
            .collect();
        assert_eq!(
            properties,
            [
                (Some("severity"), Some("high")),
                (Some("title"), Some("Secret scanning is off"))
            ]
        );
        let broken = suite(&doc, "ado-broken");
        assert_eq!(counts(broken), [Some("1"), Some("0"), Some("1"), Some("0")]);
        let error = status(&doc, "(rule)", "error");
        assert_eq!(error.attribute("type"), Some("rule-error"));
        assert_eq!(
            error.attribute("message"),
            Some("queries/org/ado-broken.sql: Cast error: 'a' is not an int")
        );
        let org = suite(&doc, "gh-org-2fa-required");
        assert_eq!(counts(org), [Some("1"), Some("0"), Some("0"), Some("0")]);

        let failure = status(
            &doc,
            "workflow acme/api:.github/workflows/ci.yml",
            "failure",
        );
        assert_eq!(
            failure.attribute("message"),
            Some("uses actions/checkout@v4")
        );
        assert_eq!(failure.attribute("type"), Some("medium"));
        assert_eq!(
            failure.text(),
            Some(
                "Action not pinned to a SHA\nAt: .github/workflows/ci.yml:12\nRemediation: Pin to a full commit SHA."
            )
        );
        let unknown = status(&doc, "repository acme/private", "skipped");
        assert_eq!(
            unknown.attribute("message"),
            Some("unknown: setting unreadable (403)")
        );
        let suppressed = status(&doc, "repository acme/legacy-1", "skipped");
        assert_eq!(
            suppressed.attribute("message"),
            Some("suppressed by baseline: archived soon")
        );
    }

    #[test]
    fn text_is_escaped_and_what_xml_forbids_is_dropped() {
        let mut report = report();
        let scanning = &mut report.results[2];
        assert_eq!(scanning.findings[0].resource, "acme/web");
        scanning.findings[0].reason =
            "bad <tag> & \"quotes\" 'single'\u{7} \u{1b}[31mred\u{1b}[0m".into();
        let xml = render_report(Format::Junit, &report);
        assert!(!xml.contains(['\u{7}', '\u{1b}']), "{xml}");
        let doc = Document::parse(&xml).expect("well-formed XML");
        let failure = status(&doc, "repository acme/web", "failure");
        assert_eq!(
            failure.attribute("message"),
            Some("bad <tag> & \"quotes\" 'single' red")
        );
        let quoted = status(&doc, "repository acme/\"quoted\" <x>&y", "failure");
        assert_eq!(
            quoted.attribute("message"),
            Some("secret scanning is off, really: 100%")
        );
    }

    #[test]
    fn a_partial_source_is_a_first_suite_in_error() {
        let mut report = report();
        report.partial = Some(devquery_model::rows::Partial::new(
            "request budget of 5 requests reached",
            vec!["github:github.com/acme/api".into()],
        ));
        let xml = render_report(Format::Junit, &report);
        let doc = Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        let first = root
            .children()
            .find(|n| n.has_tag_name("testsuite"))
            .expect("a suite");
        assert_eq!(first.attribute("name"), Some("devquery.collection"));
        assert_eq!(counts(first), [Some("1"), Some("0"), Some("1"), Some("0")]);
        let error = status(&doc, "the collection is complete", "error");
        assert!(
            error
                .attribute("message")
                .is_some_and(|m| m.starts_with("PARTIAL SOURCE:") && m.contains("request budget")),
            "{xml}"
        );
        assert_eq!(counts(root), [Some("9"), Some("3"), Some("2"), Some("2")]);
    }
}
