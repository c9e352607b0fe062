//! Integration tests of the rules crate: header parsing and validation errors (file and line),
//! parameters, selection, status handling, baselines with expiry, findings rows and their
//! fingerprints, rules not applicable to a source's coverage, the bundled pack and
//! `docs/rules.md`, and `--rules` directories with links, FIFOs and broken rule files.

mod rules_dir;

mod support {
    //! Shared helpers: fixture paths and small estates.

    use std::path::PathBuf;

    use devquery_engine::{Engine, EngineOptions};
    use devquery_model::Dataset;
    use devquery_model::tables::orgs::OrgRow;
    use devquery_model::tables::repositories::RepositoryRow;

    pub fn fixtures() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pack"))
    }

    pub fn repo(name: &str, visibility: &str, scanning: Option<bool>) -> RepositoryRow {
        RepositoryRow {
            platform: Some("github".into()),
            host: Some("github.com".into()),
            org: Some("acme".into()),
            repo: Some(name.into()),
            full_name: Some(format!("acme/{name}")),
            visibility: Some(visibility.into()),
            secret_scanning: scanning,
            has_security_policy: Some(false),
            ..Default::default()
        }
    }

    pub fn estate() -> Engine {
        let mut data = Dataset::new();
        data.extend(&[
            repo("api", "public", Some(true)),
            repo("web", "private", Some(false)),
            repo("legacy-1", "public", Some(false)),
            repo("legacy-2", "private", None),
        ])
        .expect("repos");
        data.extend(&[OrgRow {
            platform: Some("github".into()),
            org: Some("acme".into()),
            two_factor_required: Some(false),
            ..Default::default()
        }])
        .expect("orgs");
        Engine::from_dataset(&data, EngineOptions::default()).expect("engine")
    }
}

mod parse {
    //! Header parsing and static validation errors.

    use devquery_model::Severity;
    use devquery_rules::{Origin, parse_rule};

    const GOOD: &str = "-- id: my-rule\n-- title: A title\n-- severity: high\n-- platforms: github, Azure-DevOps\n-- description: first line\n--   second line\n-- remediation: fix it\n-- tactics: execution, credential-access\n-- references: CIS 1.1.3, SC Branch-Protection\n-- references: https://example.com/x\n-- param: days = 180\n-- param: name = 'main'\n\nSELECT 'repository' AS resource_type, repo AS resource, 'x' AS reason\nFROM repositories WHERE pushed_at < now() - INTERVAL '{{days}} days' AND default_branch = {{name}};\n";

    #[test]
    fn parses_every_header_key() {
        let r = parse_rule("queries/repos/my-rule.sql", GOOD, Origin::Bundled).expect("parses");
        assert_eq!(r.id, "my-rule");
        assert_eq!(r.title, "A title");
        assert_eq!(r.severity, Severity::High);
        assert_eq!(r.platforms, ["github", "azure_devops"]);
        assert_eq!(r.description, "first line second line");
        assert_eq!(r.remediation, "fix it");
        assert_eq!(r.tactics, ["execution", "credential-access"]);
        assert_eq!(
            r.references,
            ["CIS 1.1.3", "SC Branch-Protection", "https://example.com/x"]
        );
        assert_eq!(r.params.len(), 2);
        assert_eq!(r.params[1].default, "main");
        assert_eq!(r.sql_line, 14);
        assert!(r.sql.starts_with("SELECT"));
        assert!(!r.sql.ends_with(';'));
        assert_eq!(r.area, "repos");
        // to_source round-trips
        let again = parse_rule("queries/repos/my-rule.sql", &r.to_source(), Origin::Bundled)
            .expect("round trip");
        assert_eq!(again.params, r.params);
        assert_eq!(again.references, r.references);
    }

    fn err(file: &str, text: &str) -> String {
        parse_rule(file, text, Origin::Dir)
            .expect_err("should fail")
            .to_string()
    }

    #[test]
    fn id_must_match_file_name() {
        let e = err("rules/other.sql", GOOD);
        assert!(e.starts_with("rules/other.sql:1:"), "{e}");
        assert!(
            e.contains("does not match the file name 'other.sql'"),
            "{e}"
        );
    }

    #[test]
    fn unknown_and_missing_severity() {
        let e = err(
            "r/x.sql",
            "-- id: x\n-- title: t\n-- severity: severe\nselect 1",
        );
        assert!(e.starts_with("r/x.sql:3:"), "{e}");
        assert!(e.contains("unknown severity 'severe'"), "{e}");
        let e = err("r/x.sql", "-- id: x\n-- title: t\nselect 1");
        assert!(e.contains("missing `-- severity"), "{e}");
        assert!(e.starts_with("r/x.sql:1:"), "{e}");
    }

    #[test]
    fn unknown_key_missing_title_and_no_sql() {
        let e = err(
            "r/x.sql",
            "-- id: x\n-- title: t\n-- severity: low\n-- owner: me\nselect 1",
        );
        assert!(
            e.starts_with("r/x.sql:4:") && e.contains("unknown header key 'owner'"),
            "{e}"
        );
        let e = err("r/x.sql", "-- id: x\n-- severity: low\nselect 1");
        assert!(e.contains("missing `-- title"), "{e}");
        let e = err(
            "r/x.sql",
            "-- id: x\n-- title: t\n-- severity: low\n\n-- nothing\n",
        );
        assert!(e.contains("no SQL after the header"), "{e}");
        let e = err("r/x.sql", "select 1");
        assert!(e.contains("no header"), "{e}");
    }

    #[test]
    fn duplicate_keys_bad_lists_params_and_statements() {
        let h = "-- id: x\n-- title: t\n-- severity: low\n";
        let e = err("r/x.sql", &format!("{h}-- title: again\nselect 1"));
        assert!(
            e.starts_with("r/x.sql:4:") && e.contains("duplicate header key 'title'"),
            "{e}"
        );
        let e = err("r/x.sql", &format!("{h}-- tactics: mining\nselect 1"));
        assert!(e.contains("unknown tactic 'mining'"), "{e}");
        let e = err("r/x.sql", &format!("{h}-- platforms: bitbucket\nselect 1"));
        assert!(e.contains("unknown platform 'bitbucket'"), "{e}");
        let e = err("r/x.sql", &format!("{h}-- param: n = 1; drop\nselect 1"));
        assert!(
            e.starts_with("r/x.sql:4:") && e.contains("invalid parameter value"),
            "{e}"
        );
        let e = err("r/x.sql", &format!("{h}-- param: n\nselect 1"));
        assert!(e.contains("must be `name = default`"), "{e}");
        let e = err("r/x.sql", &format!("{h}\nselect 1;\n\nselect 2"));
        assert!(
            e.starts_with("r/x.sql:7:") && e.contains("found 2 statements"),
            "{e}"
        );
        let e = err("r/x.sql", &format!("{h}\nselect 1\nwhere x > {{{{days}}}}"));
        assert!(
            e.starts_with("r/x.sql:6:") && e.contains("not declared"),
            "{e}"
        );
        let e = err(
            "r/x.sql",
            "-- id: Bad_Id\n-- title: t\n-- severity: low\nselect 1",
        );
        assert!(e.contains("not kebab-case"), "{e}");
    }

    #[test]
    fn bare_comment_ends_header_and_sql_comments_are_kept() {
        let r = parse_rule(
            "r/x.sql",
            "-- id: x\n-- title: t\n-- severity: info\n--\n-- explanation: not a header key\nselect 1 as resource",
            Origin::Dir,
        )
        .expect("parses");
        assert_eq!(r.sql_line, 5);
        assert!(r.sql.starts_with("-- explanation"));
    }
}

mod validate {
    //! Planning against the catalogue and column checks.

    use devquery_rules::{Origin, ParamOverrides, RuleSet, parse_rule};

    async fn check(text: &str) -> Result<(), String> {
        let rule = parse_rule("r/x.sql", text, Origin::Dir).map_err(|e| e.to_string())?;
        let set = RuleSet::parse([("r/x.sql".to_string(), text)], Origin::Dir)
            .map_err(|e| e.to_string())?;
        assert_eq!(set.rules()[0], rule);
        set.validate(&ParamOverrides::default())
            .await
            .map_err(|e| e.to_string())
    }

    const H: &str = "-- id: x\n-- title: t\n-- severity: low\n";

    #[tokio::test]
    async fn missing_columns_named() {
        let e = check(&format!("{H}select repo as resource from repositories"))
            .await
            .expect_err("fails");
        assert!(e.contains("r/x.sql:4:"), "{e}");
        assert!(e.contains("`resource_type`, `reason`"), "{e}");
    }

    #[tokio::test]
    async fn sql_that_does_not_plan_names_the_line() {
        let e = check(&format!(
            "{H}select 'r' as resource_type, repo as resource,\n  'x' as reason\nfrom no_such_table"
        ))
        .await
        .expect_err("fails");
        assert!(
            e.contains("r/x.sql:4:") && e.contains("no_such_table"),
            "{e}"
        );
        let e = check(&format!(
            "{H}select 'r' as resource_type, repo as resource,\n  'x' as reason\nfrom repositories where repo = = 1"
        ))
        .await
        .expect_err("fails");
        assert!(e.contains("r/x.sql:6:"), "{e}");
        assert!(e.contains("does not plan"), "{e}");
    }

    #[tokio::test]
    async fn writes_are_refused() {
        let e = check(&format!(
            "{H}insert into repositories select * from repositories"
        ))
        .await
        .expect_err("fails");
        assert!(e.contains("r/x.sql:4:"), "{e}");
    }

    #[tokio::test]
    async fn status_must_be_text_with_known_values() {
        let e = check(&format!(
            "{H}select 'r' as resource_type, repo as resource, 'x' as reason, 1 as status from repositories"
        ))
        .await
        .expect_err("fails");
        assert!(e.contains("`status` must be text"), "{e}");
        let e = check(&format!(
            "{H}select 'r' as resource_type, repo as resource, 'x' as reason,\n  case when secret_scanning then 'pass'\n  else 'failed' end as status from repositories"
        ))
        .await
        .expect_err("fails");
        assert!(e.contains("r/x.sql:6:") && e.contains("'failed'"), "{e}");
        check(&format!(
            "{H}select 'r' as resource_type, repo as resource, case when x then 'oops' else 'y' end as reason,\n  case when secret_scanning then 'pass' when secret_scanning is null then 'unknown'\n  else 'fail' end as status from (select *, true as x from repositories)"
        ))
        .await
        .expect("valid");
    }

    #[tokio::test]
    async fn positions_are_optional_and_typed() {
        check(&format!(
            "{H}select 'workflow' as resource_type, repo as resource, 'x' as reason,\n  '.github/workflows/ci.yml' as path, cast(3 as bigint) as line, 5 as column\nfrom repositories"
        ))
        .await
        .expect("path, line and column are accepted");
        check(&format!(
            "{H}select 'workflow' as resource_type, repo as resource, 'x' as reason, null as line, null as column from repositories"
        ))
        .await
        .expect("NULL positions are accepted");
        let e = check(&format!(
            "{H}select 'workflow' as resource_type, repo as resource, 'x' as reason, 'top' as column from repositories"
        ))
        .await
        .expect_err("text column");
        assert!(e.contains("`column` must be an integer"), "{e}");
        let e = check(&format!(
            "{H}select 'workflow' as resource_type, repo as resource, 'x' as reason, 1.5 as line from repositories"
        ))
        .await
        .expect_err("float line");
        assert!(e.contains("`line` must be an integer"), "{e}");
        let e = check(&format!(
            "{H}select 'workflow' as resource_type, repo as resource, 'x' as reason, 3 as path from repositories"
        ))
        .await
        .expect_err("numeric path");
        assert!(e.contains("`path` must be text"), "{e}");
    }

    #[tokio::test]
    async fn fixture_pack_validates_and_skips_examples() {
        let set = RuleSet::load_dir(&crate::support::fixtures()).expect("loads");
        let ids: Vec<_> = set.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["fx-inactive", "fx-org-2fa", "fx-secret-scanning"]);
        set.validate(&ParamOverrides::default())
            .await
            .expect("valid");
    }

    #[test]
    fn duplicate_ids_are_reported_with_both_files() {
        let text = "-- id: x\n-- title: t\n-- severity: low\nselect 1";
        let e = RuleSet::parse(
            [("a/x.sql".to_string(), text), ("b/x.sql".to_string(), text)],
            Origin::Dir,
        )
        .expect_err("dup");
        assert!(
            e.to_string()
                .contains("b/x.sql: duplicate rule id 'x' (also in a/x.sql)")
        );
    }
}

mod params {
    //! Parameter substitution and overrides.

    use std::collections::BTreeMap;

    use devquery_rules::ParamOverrides;
    use devquery_rules::params::{normalize_value, substitute};

    #[test]
    fn values_are_literals_and_quoted_contexts_escape() {
        let mut v = BTreeMap::new();
        v.insert("n".to_string(), "5".to_string());
        v.insert("s".to_string(), "main".to_string());
        let out = substitute(
            "a > {{n}} and b = {{ s }} and c = '{{s}}-x' and d < INTERVAL '{{n}} days' -- {{n}}",
            &v,
        )
        .expect("ok");
        assert_eq!(
            out,
            "a > 5 and b = 'main' and c = 'main-x' and d < INTERVAL '5 days' -- {{n}}"
        );
        assert!(substitute("{{missing}}", &v).is_err());
        assert!(normalize_value("x' or 1=1 --").is_err());
        assert!(normalize_value("a;b").is_err());
        assert_eq!(normalize_value("'quoted'").expect("ok"), "quoted");
        assert_eq!(normalize_value("-2.5").expect("ok"), "-2.5");
    }

    #[test]
    fn overrides_general_and_per_rule() {
        let o = ParamOverrides::parse(&["days=30", "repo-inactive.days=90"]).expect("parses");
        let params = vec![devquery_rules::Param {
            name: "days".into(),
            default: "180".into(),
            line: 1,
        }];
        assert_eq!(o.values_for("repo-inactive", &params)["days"], "90");
        assert_eq!(o.values_for("other", &params)["days"], "30");
        assert!(ParamOverrides::parse(&["nokey"]).is_err());
        assert!(ParamOverrides::parse(&["days=1'"]).is_err());
        assert!(ParamOverrides::parse(&["Days=1"]).is_err());
    }
}

mod runner {
    //! Running rules: statuses, counts, join keys, errors, selection, baseline, findings rows.

    use std::path::Path;

    use chrono::NaiveDate;
    use devquery_model::Severity;
    use devquery_rules::{
        Baseline, Origin, ParamOverrides, RuleSet, RunOptions, Selection, Status, finding_rows,
        findings_batch, run_rules,
    };

    fn pack() -> RuleSet {
        RuleSet::load_dir(&crate::support::fixtures()).expect("loads")
    }

    fn options() -> RunOptions {
        let mut o = RunOptions::now("test estate");
        o.run_id = "run-1".into();
        o.today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        o
    }

    #[tokio::test]
    async fn statuses_counts_and_join_keys() {
        let engine = crate::support::estate();
        let rules = pack().select(&Selection::default()).expect("select");
        let report = run_rules(&engine, &rules, &options()).await;
        let by_id = |id: &str| {
            report
                .results
                .iter()
                .find(|r| r.rule.id == id)
                .expect("result")
        };
        let scanning = by_id("fx-secret-scanning");
        assert_eq!(scanning.error, None);
        assert_eq!(
            (
                scanning.counts.fail,
                scanning.counts.pass,
                scanning.counts.unknown
            ),
            (2, 1, 1)
        );
        assert_eq!(scanning.summary(), "2 of 4 repositories fail, 1 unknown");
        let first = &scanning.findings[0];
        assert_eq!(first.status, Status::Fail);
        assert_eq!(first.org.as_deref(), Some("acme"));
        assert_eq!(first.platform.as_deref(), Some("github"));
        assert!(first.repo.is_some());
        // no status column: every row fails; params substituted; owner carried
        let inactive = by_id("fx-inactive");
        assert_eq!(inactive.counts.fail, 2);
        assert_eq!(inactive.counts.pass, 0);
        assert_eq!(inactive.findings[0].owner.as_deref(), Some("team-a"));
        assert!(inactive.findings[0].reason.contains("public repository"));
        assert_eq!(by_id("fx-org-2fa").counts.fail, 1);
        assert_eq!(report.highest_failing(), Some(Severity::Critical));
        assert_eq!(report.exit_code(None), 0);
        assert_eq!(report.exit_code(Some(Severity::High)), 15);
        assert_eq!(report.exit_code(Some(Severity::Critical)), 15);
        assert!(report.collection_errors.is_empty());
    }

    #[tokio::test]
    async fn dropping_passing_findings_keeps_counts_and_summaries() {
        let engine = crate::support::estate();
        let rules = pack().select(&Selection::default()).expect("select");
        let full = run_rules(&engine, &rules, &options()).await;
        let mut lean_options = options();
        lean_options.keep_passing = false;
        let lean = run_rules(&engine, &rules, &lean_options).await;
        assert_eq!(full.totals(), lean.totals());
        for (a, b) in full.results.iter().zip(&lean.results) {
            assert_eq!(a.counts, b.counts, "{}", a.rule.id);
            assert_eq!(a.summary(), b.summary(), "{}", a.rule.id);
            assert!(b.findings.iter().all(|f| f.status != Status::Pass));
            let failing = |r: &devquery_rules::RuleResult| {
                r.findings
                    .iter()
                    .filter(|f| f.status != Status::Pass)
                    .count()
            };
            assert_eq!(failing(a), failing(b), "{}", a.rule.id);
        }
        assert!(
            full.results
                .iter()
                .any(|r| r.findings.iter().any(|f| f.status == Status::Pass)),
            "the estate has passing findings to drop"
        );
    }

    #[tokio::test]
    async fn keeping_only_the_first_findings_keeps_counts_and_expired_matches() {
        let yaml = "- rule: fx-*\n  resource: '*'\n  reason: expired blanket exception\n  expires: 2026-01-01\n";
        // Many rows of every status, arriving out of resource order.
        const MANY: &str = "-- id: fx-many\n-- title: Many rows\n-- severity: low\n-- platforms: github\n-- description: many rows\n-- remediation: none\n\nSELECT 'repository' AS resource_type, 'acme/r' || CAST((value * 7919) % 1000 AS VARCHAR) AS resource, 'why ' || CAST(value % 5 AS VARCHAR) AS reason, CASE WHEN value % 3 = 0 THEN 'fail' WHEN value % 3 = 1 THEN 'pass' END AS status FROM generate_series(1, 300)\n";
        let engine = crate::support::estate();
        let mut rules = pack().select(&Selection::default()).expect("select");
        rules.push(
            devquery_rules::parse_rule("queries/fx/fx-many.sql", MANY, devquery_rules::Origin::Dir)
                .expect("parses"),
        );
        let mut full_options = options();
        full_options.baseline =
            Some(Baseline::parse(yaml, Path::new("baseline.yml")).expect("parses"));
        let full = run_rules(&engine, &rules, &full_options).await;
        let mut capped_options = full_options.clone();
        capped_options.max_findings_per_status = Some(1);
        let capped = run_rules(&engine, &rules, &capped_options).await;

        assert_eq!(full.totals(), capped.totals());
        assert_eq!(full.expired_suppressions, capped.expired_suppressions);
        assert!(
            full.expired_suppressions[0].matched > 1,
            "the expired entry matches several failing findings"
        );
        let mut truncated = 0;
        for (a, b) in full.results.iter().zip(&capped.results) {
            assert_eq!(a.counts, b.counts, "{}", a.rule.id);
            assert_eq!(a.summary(), b.summary(), "{}", a.rule.id);
            for status in [
                Status::Fail,
                Status::Unknown,
                Status::Suppressed,
                Status::Pass,
            ] {
                let all: Vec<_> = a.findings.iter().filter(|f| f.status == status).collect();
                let kept: Vec<_> = b.findings.iter().filter(|f| f.status == status).collect();
                assert_eq!(
                    kept,
                    all.iter().take(1).copied().collect::<Vec<_>>(),
                    "{}",
                    a.rule.id
                );
                truncated += all.len() - kept.len();
            }
        }
        assert!(truncated > 0, "some rule had more than one finding to drop");
        assert!(
            full.results.iter().any(|r| r
                .findings
                .iter()
                .filter(|f| f.status == Status::Pass)
                .count()
                > 2),
            "some rule has enough findings of one status to compact the kept ones while reading"
        );
    }

    #[tokio::test]
    async fn param_override_changes_results() {
        let engine = crate::support::estate();
        let rules = pack()
            .select(&Selection {
                only: vec!["fx-inactive".into()],
                ..Default::default()
            })
            .expect("select");
        let mut o = options();
        o.params = ParamOverrides::parse(&["visibility=private"]).expect("parse");
        o.params.check(&rules).expect("known param");
        let report = run_rules(&engine, &rules, &o).await;
        assert_eq!(report.results[0].counts.fail, 2);
        assert!(report.results[0].findings[0].reason.contains("private"));
        let bad = ParamOverrides::parse(&["nope=1"]).expect("parse");
        assert!(bad.check(&rules).expect_err("unknown").is_usage());
    }

    #[tokio::test]
    async fn runtime_errors_and_bad_status_are_errored_rules() {
        let text = "-- id: boom\n-- title: t\n-- severity: high\nselect 'r' as resource_type, 'x' as resource, 'y' as reason, 'maybe' as status";
        let cast = "-- id: cast\n-- title: t\n-- severity: high\nselect 'r' as resource_type, 'x' as resource, 'y' as reason where cast('a' as int) = 1";
        let set = RuleSet::parse(
            [
                ("r/boom.sql".to_string(), text),
                ("r/cast.sql".to_string(), cast),
            ],
            Origin::Dir,
        )
        .expect("parse");
        let engine = crate::support::estate();
        let report = run_rules(&engine, set.rules(), &options()).await;
        let boom = &report.results[0];
        let msg = boom.error.as_deref().expect("errored");
        assert!(msg.contains("status 'maybe'"), "{msg}");
        assert!(report.results[1].error.is_some());
        assert_eq!(report.errored().count(), 2);
        assert_eq!(report.exit_code(Some(Severity::Info)), 0);
    }

    #[test]
    fn selection_filters_and_rejects_unknown_ids() {
        let p = pack();
        let ids = |s: Selection| {
            p.select(&s)
                .expect("select")
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(Selection {
                min_severity: Some(Severity::High),
                ..Default::default()
            }),
            ["fx-org-2fa", "fx-secret-scanning"]
        );
        assert_eq!(
            ids(Selection {
                skip: vec!["fx-org-2fa".into()],
                platforms: vec!["azure-devops".into()],
                ..Default::default()
            }),
            ["fx-secret-scanning"]
        );
        assert_eq!(
            ids(Selection {
                only: vec!["fx-inactive".into()],
                ..Default::default()
            }),
            ["fx-inactive"]
        );
        let e = p
            .select(&Selection {
                only: vec!["nope".into()],
                ..Default::default()
            })
            .expect_err("unknown");
        assert!(e.is_usage() && e.to_string().contains("nope"));
        assert!(
            p.select(&Selection {
                platforms: vec!["svn".into()],
                ..Default::default()
            })
            .is_err()
        );
    }

    #[tokio::test]
    async fn baseline_suppresses_and_reports_expired_entries() {
        let yaml = "- rule: fx-secret-scanning\n  resource: acme/legacy-*\n  reason: being archived\n  expires: 2026-12-31\n- rule: fx-*\n  resource: acme/web\n  reason: old exception\n  expires: 2026-01-01\n";
        let baseline = Baseline::parse(yaml, Path::new("baseline.yml")).expect("parses");
        let engine = crate::support::estate();
        let rules = pack()
            .select(&Selection {
                only: vec!["fx-secret-scanning".into()],
                ..Default::default()
            })
            .expect("select");
        let mut o = options();
        o.baseline = Some(baseline);
        let report = run_rules(&engine, &rules, &o).await;
        let r = &report.results[0];
        assert_eq!((r.counts.fail, r.counts.suppressed), (1, 1));
        let s = r
            .findings
            .iter()
            .find(|f| f.status == Status::Suppressed)
            .expect("suppressed");
        assert_eq!(s.resource, "acme/legacy-1");
        assert_eq!(
            s.suppressed_by.as_ref().map(|b| b.reason.as_str()),
            Some("being archived")
        );
        assert_eq!(report.expired_suppressions.len(), 1);
        assert_eq!(
            report.expired_suppressions[0].suppression.resource,
            "acme/web"
        );
        assert_eq!(report.expired_suppressions[0].matched, 1);
        assert_eq!(report.highest_failing(), Some(Severity::High));
    }

    #[test]
    fn baseline_errors_name_the_problem() {
        let p = Path::new("b.yml");
        let e = Baseline::parse("- rule: x\n  resource: y\n", p).expect_err("no reason");
        assert!(e.to_string().contains("b.yml"), "{e}");
        let e = Baseline::parse(
            "- rule: x\n  resource: y\n  reason: r\n  expires: soon\n",
            p,
        )
        .expect_err("bad date");
        assert!(e.to_string().contains("line"), "{e}");
        let e = Baseline::parse("- rule: x\n  resource: y\n  reason: r\n  colour: red\n", p)
            .expect_err("unknown key");
        assert!(e.to_string().contains("colour"), "{e}");
        let b = Baseline::parse(
            "suppressions:\n  - rule: x\n    resource: '*'\n    reason: r\n",
            p,
        )
        .expect("wrapped form");
        assert_eq!(b.entries.len(), 1);
        assert!(devquery_rules::glob_match("acme/*-api", "acme/x-api"));
        assert!(!devquery_rules::glob_match("acme/?", "acme/xy"));
    }

    #[tokio::test]
    async fn findings_rows_have_the_findings_schema() {
        let engine = crate::support::estate();
        let rules = pack().select(&Selection::default()).expect("select");
        let report = run_rules(&engine, &rules, &options()).await;
        let rows = finding_rows(&report);
        assert_eq!(rows.len(), 4 + 2 + 1);
        assert!(rows.iter().all(|r| r.run_id.as_deref() == Some("run-1")));
        let org = rows
            .iter()
            .find(|r| r.rule_id.as_deref() == Some("fx-org-2fa"))
            .expect("org row");
        assert_eq!(org.severity.as_deref(), Some("critical"));
        assert_eq!(
            org.tactics.as_deref(),
            Some(
                &[
                    "initial-access".to_string(),
                    "privilege-escalation".to_string()
                ][..]
            )
        );
        let batch = findings_batch(&report).expect("batch");
        assert_eq!(batch.num_rows(), 7);
        assert_eq!(
            batch.schema(),
            <devquery_model::tables::findings::FindingRow as devquery_model::Row>::spec().schema()
        );
    }
}

mod bundled {
    //! The bundled pack in `queries/` and `docs/rules.md`.

    use devquery_rules::{ParamOverrides, RuleSet, docs};

    #[tokio::test]
    async fn every_bundled_rule_parses_validates_and_plans() {
        let set = match RuleSet::bundled() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        if let Err(e) = set.validate(&ParamOverrides::default()).await {
            panic!("{e}");
        }
        for r in set.rules() {
            assert!(!r.platforms.is_empty(), "{}: no platforms", r.file);
            assert!(!r.remediation.is_empty(), "{}: no remediation", r.file);
        }
    }

    #[test]
    fn docs_rules_md_is_fresh() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
        let set = match RuleSet::bundled() {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let want = docs::rules_markdown(set.rules());
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).expect("write docs/rules.md");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test --workspace -- docs_rules_md`"
        );
    }
}

mod coverage {
    //! A source's coverage: rules reading columns it cannot provide are not applicable (a state
    //! of their own, never passing, never in the exit code); positions and fingerprints.

    use devquery_engine::{Engine, EngineOptions};
    use devquery_model::tables::orgs::OrgRow;
    use devquery_model::{ColumnSet, Coverage, Dataset, Severity};
    use devquery_rules::{
        Origin, Rule, RuleResult, RuleSet, RuleState, RunOptions, RunReport, finding_rows,
        fingerprint, run_rules,
    };

    const LOCAL: &str = "local checkouts (--path)";

    fn local() -> Coverage {
        Coverage::new(LOCAL)
            .with(
                "repositories",
                ColumnSet::only(["platform", "host", "org", "project", "repo", "full_name"]),
            )
            .with("collection_errors", ColumnSet::All)
    }

    fn data() -> Dataset {
        let mut data = Dataset::new();
        data.extend(&[
            crate::support::repo("api", "public", Some(false)),
            crate::support::repo("web", "private", None),
        ])
        .expect("repos");
        data.extend(&[OrgRow {
            platform: Some("github".into()),
            org: Some("acme".into()),
            two_factor_required: Some(false),
            ..Default::default()
        }])
        .expect("orgs");
        data
    }

    fn engine(coverage: Option<Coverage>) -> Engine {
        let mut data = data();
        data.set_coverage(coverage);
        Engine::from_dataset(&data, EngineOptions::default()).expect("engine")
    }

    /// Rules from `(id, SELECT)` pairs, all of severity high.
    fn rules(sql: &[(&str, &str)]) -> Vec<Rule> {
        let texts: Vec<(String, String)> = sql
            .iter()
            .map(|(id, q)| {
                (
                    format!("r/{id}.sql"),
                    format!("-- id: {id}\n-- title: {id}\n-- severity: high\n{q}\n"),
                )
            })
            .collect();
        let set = RuleSet::parse(
            texts.iter().map(|(f, t)| (f.clone(), t.as_str())),
            Origin::Dir,
        )
        .expect("rules parse");
        set.rules().to_vec()
    }

    const NAMES: (&str, &str) = (
        "ok-names",
        "select 'repository' as resource_type, full_name as resource, 'named' as reason, platform, org, repo from repositories",
    );
    const VISIBILITY: (&str, &str) = (
        "na-visibility",
        "select 'repository' as resource_type, full_name as resource, 'public' as reason from repositories where visibility = 'public'",
    );
    const ORG_2FA: (&str, &str) = (
        "na-org-2fa",
        "select 'org' as resource_type, org as resource, 'no 2FA' as reason from orgs where not two_factor_required",
    );
    const SUBQUERY: (&str, &str) = (
        "na-subquery",
        "select 'repository' as resource_type, full_name as resource, 'x' as reason from repositories where org in (select org from orgs where two_factor_required)",
    );
    const COUNT_ONLY: (&str, &str) = (
        "na-count",
        "select 'org' as resource_type, 'acme' as resource, cast(count(*) as varchar) as reason from orgs",
    );
    const MANY: (&str, &str) = (
        "na-many",
        "select 'repository' as resource_type, full_name as resource, 'x' as reason from repositories where visibility = 'public' and secret_scanning and push_protection and is_archived and is_fork",
    );

    fn all_rules() -> Vec<Rule> {
        rules(&[NAMES, VISIBILITY, ORG_2FA, SUBQUERY, COUNT_ONLY, MANY])
    }

    fn by_id<'a>(report: &'a RunReport, id: &str) -> &'a RuleResult {
        report
            .results
            .iter()
            .find(|r| r.rule.id == id)
            .expect("result")
    }

    fn options(run_id: &str) -> RunOptions {
        let mut o = RunOptions::now("coverage test");
        o.run_id = run_id.into();
        o
    }

    #[tokio::test]
    async fn rules_reading_unprovided_columns_are_not_applicable() {
        let report = run_rules(&engine(Some(local())), &all_rules(), &options("r")).await;
        assert_eq!(report.errored().count(), 0, "{:?}", report.errored().next());

        let ok = by_id(&report, "ok-names");
        assert_eq!(ok.not_applicable, None);
        assert_eq!(ok.state(), RuleState::Fail);
        assert_eq!(ok.counts.fail, 2);

        let vis = by_id(&report, "na-visibility");
        assert_eq!(
            vis.not_applicable.as_deref(),
            Some("reads repositories.visibility, which local checkouts (--path) do not provide")
        );
        assert_eq!(vis.state(), RuleState::NotApplicable);
        assert!(vis.findings.is_empty());
        assert_eq!(vis.counts.total(), 0);
        assert!(
            vis.summary().starts_with("not applicable: reads"),
            "{}",
            vis.summary()
        );

        let org = by_id(&report, "na-org-2fa");
        assert_eq!(
            org.not_applicable.as_deref(),
            Some("reads orgs, which local checkouts (--path) do not provide")
        );
        let sub = by_id(&report, "na-subquery");
        let why = sub
            .not_applicable
            .as_deref()
            .expect("subquery columns count");
        assert!(why.contains("reads orgs,"), "{why}");
        let count = by_id(&report, "na-count");
        let why = count
            .not_applicable
            .as_deref()
            .expect("a table not provided");
        assert!(why.starts_with("reads orgs"), "{why}");
        let many = by_id(&report, "na-many");
        let why = many.not_applicable.as_deref().expect("many columns");
        assert!(why.contains(" and 2 more, which "), "{why}");
        assert!(
            why.starts_with("reads repositories.is_archived, repositories.is_fork, "),
            "{why}"
        );
    }

    #[tokio::test]
    async fn not_applicable_is_its_own_state_in_counts_and_exit_codes() {
        let report = run_rules(&engine(Some(local())), &all_rules(), &options("r")).await;
        assert_eq!(report.not_applicable().count(), 5);
        let states = report.state_counts();
        assert_eq!(states.get(&RuleState::NotApplicable), Some(&5));
        assert_eq!(states.get(&RuleState::Fail), Some(&1));
        assert_eq!(states.get(&RuleState::Pass), None);
        assert_eq!(report.totals().total(), 2);
        assert_eq!(RuleState::NotApplicable.as_str(), "not_applicable");

        // Only the applicable rule has finding rows.
        let rows = finding_rows(&report);
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter()
                .all(|r| r.rule_id.as_deref() == Some("ok-names"))
        );

        // Not applicable rules alone never fail a run.
        let only_na = run_rules(
            &engine(Some(local())),
            &rules(&[VISIBILITY, ORG_2FA]),
            &options("r"),
        )
        .await;
        assert_eq!(only_na.not_applicable().count(), 2);
        assert_eq!(only_na.highest_failing(), None);
        assert_eq!(only_na.exit_code(Some(Severity::Info)), 0);
    }

    #[tokio::test]
    async fn without_coverage_every_rule_runs() {
        let report = run_rules(&engine(None), &all_rules(), &options("r")).await;
        assert_eq!(report.not_applicable().count(), 0);
        assert_eq!(report.errored().count(), 0);
        assert_eq!(by_id(&report, "na-visibility").counts.fail, 1);
        assert_eq!(by_id(&report, "na-org-2fa").counts.fail, 1);
        assert_eq!(by_id(&report, "na-count").state(), RuleState::Fail);
    }

    #[tokio::test]
    async fn a_coverage_providing_the_columns_makes_the_rule_applicable() {
        let wider = local().with("repositories", ColumnSet::only(["visibility"]));
        let report = run_rules(&engine(Some(wider)), &rules(&[VISIBILITY]), &options("r")).await;
        let vis = by_id(&report, "na-visibility");
        assert_eq!(vis.not_applicable, None);
        assert_eq!(vis.counts.fail, 1);
        let everything = Coverage::new(LOCAL)
            .with("repositories", ColumnSet::All)
            .with(
                "orgs",
                ColumnSet::except(["members_can_fork_private_repos"]),
            );
        let report = run_rules(&engine(Some(everything)), &all_rules(), &options("r")).await;
        assert_eq!(report.not_applicable().count(), 0);
    }

    #[test]
    fn dataset_merge_combines_coverage() {
        // Collecting into a blank dataset keeps the source's coverage.
        let mut local_only = Dataset::new();
        let mut scan = data();
        scan.set_coverage(local());
        local_only.merge(scan.clone());
        assert_eq!(local_only.coverage(), Some(&local()));
        // A live collection provides everything: it absorbs the local coverage.
        let mut live = data();
        live.merge(scan.clone());
        assert_eq!(live.coverage(), None);
        let mut other_way = scan.clone();
        other_way.merge(data());
        assert_eq!(other_way.coverage(), None);
        // Two partial sources: the union.
        let mut more = Dataset::new();
        more.set_coverage(
            Coverage::new("another source")
                .with("repositories", ColumnSet::only(["visibility"]))
                .with("orgs", ColumnSet::All),
        );
        let mut both = scan;
        both.merge(more);
        let c = both.coverage().expect("partial");
        assert!(c.provides("repositories", "visibility"));
        assert!(c.provides("repositories", "full_name"));
        assert!(!c.provides("repositories", "secret_scanning"));
        assert!(c.provides("orgs", "two_factor_required"));
        assert_eq!(c.description, "local checkouts (--path) and another source");
    }

    #[test]
    fn column_sets_union() {
        let only = ColumnSet::only(["a", "b"]);
        let except = ColumnSet::except(["b", "c"]);
        let u = only.clone().union(except.clone());
        assert!(u.contains("a") && u.contains("b") && !u.contains("c") && u.contains("z"));
        assert_eq!(
            except.clone().union(ColumnSet::except(["c", "d"])),
            ColumnSet::except(["c"])
        );
        assert_eq!(
            except.clone().union(ColumnSet::only(["c"])),
            ColumnSet::except(["b"])
        );
        assert_eq!(except.union(ColumnSet::only(["b", "c"])), ColumnSet::All);
        assert_eq!(only.union(ColumnSet::All), ColumnSet::All);
        assert_eq!(ColumnSet::except(Vec::<String>::new()), ColumnSet::All);
        let json = serde_json::to_string(&local()).expect("json");
        let back: Coverage = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, local());
    }

    #[test]
    fn fingerprints_are_stable_fnv1a_hex() {
        // FNV-1a 64 of "wf-unpinned\0acme/api:.github/workflows/ci.yml", computed independently.
        assert_eq!(
            fingerprint("wf-unpinned", "acme/api:.github/workflows/ci.yml"),
            "1b954788d1144832"
        );
        assert_eq!(fingerprint("x", "ab").len(), 16);
        assert_ne!(fingerprint("x", "ab"), fingerprint("xa", "b"));
    }

    #[tokio::test]
    async fn the_catalogue_tables_are_not_source_data() {
        use devquery_engine::datafusion::arrow::array::AsArray;
        use devquery_engine::datafusion::arrow::datatypes::Int64Type;
        use devquery_rules::coverage::not_applicable;

        let engine = engine(Some(local()));
        let set = RuleSet::bundled().expect("bundled rules");
        set.register_catalogue(&engine).expect("register");
        let out = engine
            .query("select count(*) from devquery_rules")
            .await
            .expect("count");
        let n = out.batches[0]
            .column(0)
            .as_primitive::<Int64Type>()
            .value(0);
        assert_eq!(usize::try_from(n).ok(), Some(set.len()));
        // Reading the catalogue tables needs nothing from the source.
        let why = not_applicable(
            &engine,
            "select c.table_name, r.id from devquery_columns c cross join devquery_rules r",
        )
        .await
        .expect("plans");
        assert_eq!(why, None);
        // Joined with a table the source lacks, only that table is named.
        let why = not_applicable(
            &engine,
            "select t.table_name from devquery_tables t join orgs o on t.table_name = o.org \
             where o.two_factor_required",
        )
        .await
        .expect("plans")
        .unwrap_or_default();
        assert!(why.contains("orgs") && !why.contains("devquery_"), "{why}");
    }

    #[tokio::test]
    async fn positions_and_fingerprints_reach_findings_rows() {
        const POS: (&str, &str) = (
            "pos",
            "select 'workflow' as resource_type, full_name as resource, 'x' as reason, '.github/workflows/ci.yml' as path, cast(12 as bigint) as line, 7 as column from repositories where repo = 'api'",
        );
        let engine = engine(Some(local()));
        let first = run_rules(&engine, &rules(&[POS]), &options("run-1")).await;
        let f = &by_id(&first, "pos").findings[0];
        assert_eq!(f.path.as_deref(), Some(".github/workflows/ci.yml"));
        assert_eq!((f.line, f.column), (Some(12), Some(7)));
        let rows = finding_rows(&first);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].path.as_deref(), Some(".github/workflows/ci.yml"));
        assert_eq!((rows[0].line, rows[0].column), (Some(12), Some(7)));
        assert_eq!(
            rows[0].fingerprint.as_deref(),
            Some(fingerprint("pos", "acme/api").as_str())
        );
        // Another run: another run id, the same fingerprint.
        let second = run_rules(&engine, &rules(&[POS]), &options("run-2")).await;
        let again = finding_rows(&second);
        assert_ne!(again[0].run_id, rows[0].run_id);
        assert_eq!(again[0].fingerprint, rows[0].fingerprint);
    }
}
