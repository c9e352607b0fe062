//! The demo scenario (`crates/fake-forge/scenarios/github-demo.yaml`): the settings the demo
//! estate relies on are collected — Copilot policy, org rulesets in evaluate mode, Dependabot
//! alerts implied by security updates, and no policy row for an unprotected branch.

use devquery_fake_forge::github::{FakeGithub, demo_scenario};

use crate::common::*;

#[tokio::test]
async fn demo_scenario_settings_are_collected() {
    let server = FakeGithub::start(demo_scenario().expect("demo scenario parses"))
        .await
        .expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&server, "acme-corp", cache.path());
    opts.orgs.push("acme-platform".into());
    let ds = devquery_github::collect(&opts).await.expect("collects");
    assert_eq!(
        rows(&ds, "collection_errors").len(),
        0,
        "{:#?}",
        rows(&ds, "collection_errors")
    );

    let orgs = rows(&ds, "orgs");
    let copilot = |org: &str| {
        str_of(
            find(&orgs, &[("org", org)]),
            "copilot_public_code_suggestions",
        )
        .map(String::from)
    };
    assert_eq!(copilot("acme-corp").as_deref(), Some("allow"));
    assert_eq!(copilot("acme-platform").as_deref(), Some("block"));

    let bp = rows(&ds, "branch_policies");
    let trial = find(
        &bp,
        &[("repo", "ledger-service"), ("enforcement", "evaluate")],
    );
    assert_eq!(str_of(trial, "source"), Some("ruleset"));
    assert_eq!(list_of(trial, "source_ids"), vec!["8801"]);
    assert!(
        !bp.iter().any(|r| str_of(r, "repo") == Some("auth-service")
            && str_of(r, "enforcement") == Some("evaluate")),
        "the evaluate ruleset targets named repositories only"
    );
    assert!(
        !bp.iter()
            .any(|r| str_of(r, "repo") == Some("data-pipeline")),
        "an unprotected default branch has no policy row"
    );

    let repos = rows(&ds, "repositories");
    let payments = find(&repos, &[("repo", "payments-api")]);
    assert_eq!(bool_of(payments, "vulnerability_alerts"), Some(true));
    let etl = find(&repos, &[("repo", "data-pipeline")]);
    assert_eq!(
        etl.get("vulnerability_alerts"),
        None,
        "not implied: unknown"
    );
}
