//! `devquery report` and `devquery rules` end to end: formats, `--fail-on` exit codes (0, 10 + n),
//! usage errors (2), rule validation with file:line errors, the Parquet export.
//!
//! The rules used here live in a temporary `--rules` directory and are selected with `--only`,
//! and none of them reads a table, so the results do not depend on the bundled pack or estate.

use std::path::Path;

use crate::common::{devquery, stderr, stdout};

fn write_rule(dir: &Path, area: &str, id: &str, severity: &str, sql: &str) {
    let d = dir.join(area);
    std::fs::create_dir_all(&d).expect("create rule dir");
    std::fs::write(
        d.join(format!("{id}.sql")),
        format!(
            "-- id: {id}\n-- title: Test rule {id}\n-- severity: {severity}\n-- platforms: github\n-- remediation: Fix it.\n-- tactics: execution\n-- param: n = 1\n{sql}\n"
        ),
    )
    .expect("write rule");
}

/// A rules dir with a failing high rule, a failing low rule and a passing critical rule.
fn rules_dir(root: &Path) -> std::path::PathBuf {
    let dir = root.join("rules");
    write_rule(
        &dir,
        "t",
        "e2e-high",
        "high",
        "SELECT 'repository' AS resource_type, 'acme/web' AS resource, 'fails ' || CAST({{n}} AS VARCHAR) AS reason, 'fail' AS status\nUNION ALL SELECT 'repository', 'acme/api', 'passes', 'pass'",
    );
    write_rule(
        &dir,
        "t",
        "e2e-low",
        "low",
        "SELECT 'org' AS resource_type, 'acme' AS resource, 'always fails' AS reason",
    );
    write_rule(
        &dir,
        "t",
        "e2e-critical-pass",
        "critical",
        "SELECT 'org' AS resource_type, 'acme' AS resource, 'ok' AS reason, 'pass' AS status",
    );
    dir
}

const ONLY: &str = "e2e-high,e2e-low,e2e-critical-pass";

#[test]
fn report_exit_codes_follow_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = rules_dir(tmp.path());
    let rules = rules.to_str().unwrap();
    let base = ["report", "--rules", rules, "--only", ONLY];

    let out = devquery(&base, tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("e2e-high"), "{text}");
    assert!(text.contains("1 of 2 repositories fail"), "{text}");

    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        devquery(&args, tmp.path()).status.code()
    };
    assert_eq!(run(&["--fail-on", "high"]), Some(14));
    assert_eq!(run(&["--fail-on", "low"]), Some(14));
    assert_eq!(run(&["--fail-on", "critical"]), Some(0));
    assert_eq!(run(&["--fail-on", "low", "--skip", "e2e-high"]), Some(12));
    assert_eq!(
        run(&["--fail-on", "info", "--min-severity", "critical"]),
        Some(0)
    );
    // usage errors
    assert_eq!(run(&["--fail-on", "severe"]), Some(2));
    assert_eq!(run(&["--format", "pdf"]), Some(2));
    assert_eq!(run(&["--only", "no-such-rule"]), Some(2));
    assert_eq!(run(&["--param", "nope=1"]), Some(2));
    assert_eq!(run(&["--format", "parquet"]), Some(2));
    assert_eq!(run(&["--baseline", "missing.yml"]), Some(2));
}

#[test]
fn report_formats_params_and_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = rules_dir(tmp.path());
    let rules = rules.to_str().unwrap();
    let base = ["report", "--rules", rules, "--only", ONLY];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = devquery(&args, tmp.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let json: serde_json::Value =
        serde_json::from_str(&with(&["--format", "json", "--param", "n=7"])).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["findings"]["fail"], 2);
    let high = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "e2e-high")
        .unwrap();
    assert_eq!(high["findings"][0]["reason"], "fails 7");

    let sarif: serde_json::Value = serde_json::from_str(&with(&["--format", "sarif"])).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    for f in ["markdown", "html", "junit", "github", "csv"] {
        assert!(!with(&["--format", f]).is_empty(), "{f}");
    }
    // output file
    let path = tmp.path().join("r.sarif");
    with(&["--format", "sarif", "--output", path.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&path).unwrap().contains("e2e-high"));

    // baseline suppresses the high failure; --fail-on then sees only the low one
    let baseline = tmp.path().join("baseline.yml");
    std::fs::write(
        &baseline,
        "- rule: e2e-high\n  resource: acme/*\n  reason: accepted\n  expires: 2999-01-01\n- rule: e2e-low\n  resource: acme\n  reason: old\n  expires: 2000-01-01\n",
    )
    .unwrap();
    let mut args = base.to_vec();
    args.extend_from_slice(&["--baseline", baseline.to_str().unwrap(), "--fail-on", "low"]);
    let out = devquery(&args, tmp.path());
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("expired on 2000-01-01"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn report_parquet_export_replaces_same_run_id() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = rules_dir(tmp.path());
    let out_dir = tmp.path().join("findings");
    let args = [
        "report",
        "--rules",
        rules.to_str().unwrap(),
        "--only",
        ONLY,
        "--format",
        "parquet",
        "--output",
        out_dir.to_str().unwrap(),
        "--run-id",
        "e2e-run",
    ];
    for _ in 0..2 {
        let out = devquery(&args, tmp.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let parts: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(parts, ["part-e2e-run.parquet"]);
}

#[test]
fn rules_lists_shows_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = rules_dir(tmp.path());
    let rules = rules.to_str().unwrap();
    let out = devquery(&["rules", "--rules", rules], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("| e2e-high ") && l.contains("high"))
    );

    let out = devquery(&["rules", "--rules", rules, "e2e-low"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("-- severity: low"));
    assert!(stdout(&out).contains("always fails"));
    assert_eq!(
        devquery(&["rules", "nope"], tmp.path()).status.code(),
        Some(2)
    );

    let out = devquery(&["rules", "--check", "--rules", rules], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(bad.join("x")).unwrap();
    std::fs::write(
        bad.join("x/wrong-name.sql"),
        "-- id: other-name\n-- title: t\n-- severity: high\nselect 1",
    )
    .unwrap();
    std::fs::write(
        bad.join("x/no-reason.sql"),
        "-- id: no-reason\n-- title: t\n-- severity: high\nselect 'r' as resource_type, 'x' as resource",
    )
    .unwrap();
    let out = devquery(
        &["rules", "--check", "--rules", bad.to_str().unwrap()],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("wrong-name.sql:1:") && err.contains("does not match the file name"),
        "{err}"
    );
    let out = devquery(&["report", "--rules", bad.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn rules_export_sql_substitutes_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = rules_dir(tmp.path());
    let rules = rules.to_str().unwrap();
    let out_dir = tmp.path().join("sql");
    let out_arg = out_dir.to_str().unwrap();
    let out = devquery(
        &[
            "rules",
            "--rules",
            rules,
            "--export-sql",
            out_arg,
            "--param",
            "e2e-high.n=7",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let high = std::fs::read_to_string(out_dir.join("e2e-high.sql")).unwrap();
    assert!(high.contains("CAST(7 AS VARCHAR)"), "{high}");
    assert!(high.starts_with("-- e2e-high (high): Test rule e2e-high"));
    // Every bundled rule is exported too, and no placeholder is left anywhere.
    let files: Vec<_> = std::fs::read_dir(&out_dir).unwrap().flatten().collect();
    assert!(files.len() > 3, "{}", files.len());
    for f in files {
        let text = std::fs::read_to_string(f.path()).unwrap();
        assert!(!text.contains("{{"), "{}", f.path().display());
    }

    let out = devquery(
        &[
            "rules",
            "--export-sql",
            out_arg,
            "--param",
            "e2e-high.nope=1",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}
