//! Pagination over a 250-repository org, and the ETag cache on a second collection.

use devquery_fake_forge::github::{FakeGithub, generate};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_250_repo_org_paginates_and_a_rerun_is_served_from_the_cache() {
    let scenario = generate::synthetic("big", 250, 11);
    let expected: Vec<String> = scenario.orgs[0]
        .repos
        .iter()
        .filter(|r| !r.archived)
        .map(|r| r.name.clone())
        .collect();
    let server = FakeGithub::start(scenario).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let opts = options(&server, "big", cache.path());

    let first = devquery_github::collect(&opts)
        .await
        .expect("first collection");
    let repos = rows(&first, "repositories");
    let mut got: Vec<String> = repos
        .iter()
        .filter_map(|r| str_of(r, "repo").map(str::to_string))
        .collect();
    got.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(got.len(), want.len());
    assert_eq!(
        got, want,
        "every page of /orgs/big/repos collected exactly once"
    );
    let c = server.counters();
    assert_eq!(
        c.per_endpoint.get("GET /orgs/{org}/repos"),
        Some(&3),
        "250 repos = 3 pages of 100"
    );
    assert_eq!(
        rows(&first, "collection_errors").len(),
        0,
        "{:#?}",
        rows(&first, "collection_errors")
    );
    let first_requests = c.total;

    server.reset_counters();
    let second = devquery_github::collect(&opts)
        .await
        .expect("second collection");
    let c2 = server.counters();
    let share = c2.not_modified as f64 / c2.total as f64;
    assert!(
        share >= 0.9,
        "304 share {share:.3} ({} of {})",
        c2.not_modified,
        c2.total
    );
    assert_eq!(c2.total, first_requests, "same requests, now conditional");
    for table in [
        "repositories",
        "branch_policies",
        "pipelines",
        "secrets",
        "access_grants",
        "members",
    ] {
        assert_eq!(
            first.row_count(table),
            second.row_count(table),
            "{table} differs on the cached run"
        );
    }
    let runs = rows(&second, "collection_runs");
    assert_eq!(
        int_of(&runs[0], "conditional_hits"),
        Some(c2.not_modified as i64)
    );
}
