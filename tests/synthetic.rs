//! Synthetic estates end to end: `devquery demo generate` writes a readable snapshot, refuses
//! bad options with a usage error, and the full rule pack finds at least one failing and one
//! passing resource for every bundled rule on a generated 2,000-repository estate.

use devquery_engine::{Engine, EngineOptions};
use devquery_rules::{RuleSet, RunOptions, Selection, run_rules};
use devquery_synth::Options;

use crate::common::{devquery, stderr, stdout, synthetic_estate};

#[test]
fn demo_generate_writes_a_snapshot() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = devquery(
        &[
            "demo", "generate", "--repos", "60", "--seed", "3", "--out", "synth",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("wrote synthetic estate synth: 60 repositories"),
        "{err}"
    );
    assert!(err.contains("pipeline_steps"), "{err}");
    let q = devquery(
        &[
            "query",
            "--snapshot",
            "synth",
            "-e",
            "select count(*) as n from repositories",
            "--format",
            "csv",
        ],
        tmp.path(),
    );
    assert_eq!(q.status.code(), Some(0), "{}", stderr(&q));
    assert!(stdout(&q).contains("60"), "{}", stdout(&q));
}

#[test]
fn demo_generate_refuses_bad_options() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for args in [
        &["demo", "generate", "--repos", "10", "--azure-share", "2"][..],
        &["demo", "generate", "--repos", "0"][..],
        &["demo", "generate", "--repos", "10", "--as-of", "soon"][..],
    ] {
        let out = devquery(args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    assert!(!tmp.path().join("snapshots").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_rule_fails_and_passes_on_a_synthetic_estate() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("synthetic");
    // Rules about age compare with the current time, so the estate is "collected" now.
    let options = Options {
        repos: 2_000,
        seed: 7,
        azure_share: 0.3,
        as_of: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let target = dir.clone();
    tokio::task::spawn_blocking(move || devquery_synth::generate(&options, &target, |_| {}))
        .await
        .expect("generator thread")
        .expect("generate the estate");
    let (engine, _) = Engine::from_snapshot(&dir, EngineOptions::default())
        .await
        .expect("open the snapshot");
    let set = RuleSet::load(None).expect("bundled rules");
    let rules = set.select(&Selection::default()).expect("select rules");
    assert!(rules.len() > 50, "{} rules", rules.len());
    let report = run_rules(&engine, &rules, &RunOptions::now("synthetic")).await;
    let mut lacking = Vec::new();
    for r in &report.results {
        if let Some(e) = &r.error {
            lacking.push(format!("{}: errored: {e}", r.rule.id));
        } else if r.counts.fail == 0 || r.counts.pass == 0 {
            lacking.push(format!(
                "{}: {} fail, {} pass",
                r.rule.id, r.counts.fail, r.counts.pass
            ));
        }
    }
    assert!(
        lacking.is_empty(),
        "rules without both a failing and a passing finding:\n{}",
        lacking.join("\n")
    );
}

#[test]
fn sarif_split_of_a_3000_repository_estate_stays_inside_code_scanning_limits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    synthetic_estate(tmp.path(), "synth", 3000, 11);
    let out = devquery(
        &[
            "report",
            "--snapshot",
            "synth",
            "--format",
            "sarif",
            "--split-by",
            "repository",
            "--output",
            "split",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut files: Vec<_> = std::fs::read_dir(tmp.path().join("split"))
        .expect("split directory")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() > 3000, "{} files", files.len());
    let mut problems = Vec::new();
    let (mut results, mut largest) = (0, (0, std::path::PathBuf::new()));
    for file in &files {
        let bytes = std::fs::read(file).expect("read split file");
        if bytes.len() > largest.0 {
            largest = (bytes.len(), file.clone());
        }
        let log: serde_json::Value = serde_json::from_slice(&bytes).expect("split file is JSON");
        results += log["runs"][0]["results"].as_array().map_or(0, Vec::len);
        for p in devquery_report::sarif::check_github_upload(&bytes) {
            problems.push(format!("{}: {p}", file.display()));
        }
    }
    assert!(results > 10_000, "{results} results");
    let bytes = std::fs::read(&largest.1).expect("read largest file");
    let log: serde_json::Value = serde_json::from_slice(&bytes).expect("largest file is JSON");
    problems.extend(crate::common::sarif_schema_errors(&log));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
