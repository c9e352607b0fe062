//! Fault injection: 10 % 5xx and 429s, truncated bodies; a request budget or a far rate-limit
//! reset stops cleanly, with the dataset marked partial.

use devquery_fake_forge::github::{FakeGithub, generate};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_percent_5xx_and_429s_lose_no_table() {
    let clean = {
        let server = FakeGithub::start(estate()).await.expect("start");
        let cache = tempfile::tempdir().expect("tempdir");
        devquery_github::collect(&options(&server, "octo", cache.path()))
            .await
            .expect("clean")
    };
    let mut scenario = estate();
    scenario.faults.error_rate = 0.10;
    scenario.faults.rate_429 = 0.05;
    scenario.faults.secondary_403_rate = 0.02;
    scenario.faults.truncate_rate = 0.05;
    scenario.faults.retry_after_secs = 1;
    scenario.faults.seed = 1234;
    let server = FakeGithub::start(scenario).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let faulty = devquery_github::collect(&options(&server, "octo", cache.path()))
        .await
        .expect("faulty");
    let c = server.counters();
    assert!(
        c.injected_5xx > 0 && c.injected_429 > 0,
        "faults were injected: {c:?}"
    );

    let errors = rows(&faulty, "collection_errors");
    // With 5 retries per request, every table is complete; any call that still failed is named.
    for (table, _) in clean.iter() {
        if table == "collection_runs" || table == "collection_errors" {
            continue;
        }
        let lost = errors
            .iter()
            .any(|e| str_of(e, "table_name") == Some(table));
        if lost {
            continue;
        }
        assert_eq!(
            clean.row_count(table),
            faulty.row_count(table),
            "table {table} lost rows without a collection_errors row"
        );
    }
    for e in &errors {
        assert!(
            str_of(e, "endpoint").is_some() && str_of(e, "message").is_some(),
            "{e:?}"
        );
    }
    assert!(!faulty.batches("repositories").is_empty());
}

#[tokio::test]
async fn permanent_5xx_is_recorded_per_endpoint() {
    let mut scenario = estate();
    scenario.faults.error_rate = 1.0;
    let server = FakeGithub::start(scenario).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&server, "octo", cache.path());
    opts.initial_backoff = std::time::Duration::from_millis(1);
    let ds = devquery_github::collect(&opts)
        .await
        .expect("collect does not fail");
    let errors = rows(&ds, "collection_errors");
    let org = find(&errors, &[("endpoint", "/orgs/octo")]);
    assert!(matches!(int_of(org, "http_status"), Some(502 | 503)));
    assert_eq!(str_of(org, "table_name"), Some("orgs"));
    assert_eq!(ds.row_count("orgs"), 0);
    // The org was never read: the run is partial, not an empty estate.
    let partial = ds.partial().expect("partial");
    assert!(
        partial.missing.iter().any(|m| m.contains("/octo")),
        "{partial:?}"
    );
}

#[tokio::test]
async fn a_request_budget_stops_cleanly() {
    let server = FakeGithub::start(generate::synthetic("acme", 40, 3))
        .await
        .expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&server, "acme", cache.path());
    opts.max_requests = Some(30);
    let ds = devquery_github::collect(&opts).await.expect("collect");
    assert!(
        server.counters().total <= 30,
        "{:?}",
        server.counters().total
    );
    let errors = rows(&ds, "collection_errors");
    assert!(
        errors
            .iter()
            .any(|e| str_of(e, "message").is_some_and(|m| m.contains("budget"))),
        "{errors:#?}"
    );
    assert_eq!(rows(&ds, "collection_runs").len(), 1);
    let partial = ds.partial().expect("a stopped run is partial");
    assert!(partial.reason.contains("budget"), "{partial:?}");
    assert!(!partial.missing.is_empty(), "{partial:?}");
}

#[tokio::test]
async fn the_primary_rate_limit_stops_cleanly_when_the_reset_is_far() {
    let mut scenario = generate::synthetic("acme", 20, 3);
    scenario.rate_limit.limit = 15;
    scenario.rate_limit.reset_secs = 3600;
    let server = FakeGithub::start(scenario).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let opts = options(&server, "acme", cache.path());
    let ds = devquery_github::collect(&opts).await.expect("collect");
    let errors = rows(&ds, "collection_errors");
    assert!(
        errors
            .iter()
            .any(|e| str_of(e, "message").is_some_and(|m| m.contains("rate limited"))),
        "{errors:#?}"
    );
    let runs = rows(&ds, "collection_runs");
    assert_eq!(int_of(&runs[0], "rate_limit_remaining"), Some(0));
    let partial = ds.partial().expect("a rate-limited run is partial");
    assert!(partial.reason.contains("rate limited"), "{partial:?}");
}
