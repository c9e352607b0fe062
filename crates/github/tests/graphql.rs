//! GraphQL batching: the batched collection reads the same tables as the REST-only one with a
//! fraction of the requests, and falls back to REST when GraphQL is unavailable.

use std::collections::BTreeMap;

use devquery_fake_forge::github::{FakeGithub, Scenario, generate};
use devquery_github::GithubOptions;
use devquery_model::Dataset;

use crate::common::*;

/// Every table but `collection_runs`, each as its rows serialised and sorted (without the
/// run's id and clock, which differ between two runs).
fn tables(ds: &Dataset) -> BTreeMap<String, Vec<String>> {
    ds.table_names()
        .filter(|t| *t != "collection_runs")
        .map(|t| {
            let mut rs: Vec<String> = rows(ds, t)
                .into_iter()
                .map(|mut r| {
                    r.remove("run_id");
                    r.remove("at");
                    serde_json::to_string(&r).expect("row as JSON")
                })
                .collect();
            rs.sort();
            (t.to_string(), rs)
        })
        .collect()
}

async fn collect(server: &FakeGithub, org: &str, graphql: bool) -> Dataset {
    let cache = tempfile::tempdir().expect("tempdir");
    let opts = GithubOptions {
        graphql,
        ..options(server, org, cache.path())
    };
    devquery_github::collect(&opts).await.expect("collect")
}

fn scenario() -> Scenario {
    // 45 repositories: three batches (20, 20 and the rest).
    generate::synthetic("gq", 45, 17)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_and_rest_only_collections_read_the_same_tables() {
    let server = FakeGithub::start(scenario()).await.expect("start");
    let rest = collect(&server, "gq", false).await;
    let rest_requests = server.counters().total;
    server.reset_counters();
    let batched = collect(&server, "gq", true).await;
    let c = server.counters();

    assert_eq!(tables(&batched), tables(&rest));
    assert!(rows(&batched, "collection_errors").is_empty());
    assert!(batched.row_count("branch_policies") > 0);
    assert!(batched.row_count("pipelines") > 0);
    assert!(batched.row_count("access_grants") > 0);

    assert_eq!(c.per_endpoint.get("POST /graphql"), Some(&3), "{c:?}");
    for answered_by_graphql in [
        "GET /repos/{owner}/{repo}/git/trees/{sha}",
        "GET /repos/{owner}/{repo}/git/blobs/{sha}",
        "GET /repos/{owner}/{repo}/branches/{branch}/protection",
        "GET /repos/{owner}/{repo}/rules/branches/{branch}",
        "GET /repos/{owner}/{repo}/collaborators",
        "GET /repos/{owner}/{repo}/rulesets/{ruleset_id}",
    ] {
        assert_eq!(
            c.per_endpoint.get(answered_by_graphql),
            None,
            "{answered_by_graphql}: {c:?}"
        );
    }
    assert!(
        c.total * 2 < rest_requests,
        "batched {} vs REST only {rest_requests}",
        c.total
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unavailable_graphql_endpoint_costs_requests_not_rows() {
    let server = FakeGithub::start(scenario()).await.expect("start");
    let rest = collect(&server, "gq", false).await;
    let mut down = scenario();
    down.faults.graphql_unavailable = true;
    server.set_scenario(down);
    server.reset_counters();
    let ds = collect(&server, "gq", true).await;
    let c = server.counters();

    assert_eq!(tables(&ds), tables(&rest));
    assert!(rows(&ds, "collection_errors").is_empty());
    assert!(c.per_endpoint.get("POST /graphql").is_some_and(|n| *n >= 3));
    assert!(
        c.per_endpoint
            .get("GET /repos/{owner}/{repo}/git/trees/{sha}")
            .is_some_and(|n| *n > 0),
        "{c:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipeline_file_deeper_than_the_listing_needs_rest_only() {
    let mut s = scenario();
    let repo = &mut s.orgs[0].repos[0];
    repo.archived = false;
    let name = repo.name.clone();
    repo.files.insert(
        "tools/ci/deploy/action.yml".into(),
        "name: deploy\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n"
            .into(),
    );
    repo.files.insert(
        "ci/action.yml".into(),
        "name: ci\nruns:\n  using: node20\n  main: index.js\n".into(),
    );
    let server = FakeGithub::start(s).await.expect("start");
    let paths = |ds: &Dataset| -> Vec<String> {
        let mut p: Vec<String> = rows(ds, "pipelines")
            .iter()
            .filter(|r| str_of(r, "repo") == Some(name.as_str()))
            .filter_map(|r| str_of(r, "path").map(str::to_string))
            .filter(|p| p.ends_with("action.yml"))
            .collect();
        p.sort();
        p
    };
    let batched = collect(&server, "gq", true).await;
    assert_eq!(paths(&batched), ["ci/action.yml"]);
    let rest = collect(&server, "gq", false).await;
    assert_eq!(
        paths(&rest),
        ["ci/action.yml", "tools/ci/deploy/action.yml"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_hand_written_estate_both_ways_agree_too() {
    // Classic protection merged with repository and org rulesets, bypass actors, environments,
    // deploy keys, outside collaborators, non-workflow pipeline files.
    let server = FakeGithub::start(estate()).await.expect("start");
    let rest = collect(&server, "octo", false).await;
    let batched = collect(&server, "octo", true).await;
    assert_eq!(tables(&batched), tables(&rest));
    assert!(batched.row_count("branch_policies") > 0);

    // Below admin: the same NULLs and the same collection_errors rows either way.
    let mut reader = estate();
    reader.token.admin = false;
    server.set_scenario(reader);
    let rest = collect(&server, "octo", false).await;
    let batched = collect(&server, "octo", true).await;
    assert!(batched.row_count("collection_errors") > 0);
    assert_eq!(tables(&batched), tables(&rest));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_without_the_fields_is_tried_once_then_rest_reads_everything() {
    let server = FakeGithub::start(scenario()).await.expect("start");
    let rest = collect(&server, "gq", false).await;
    let mut old = scenario();
    old.faults.graphql_old_schema = true;
    server.set_scenario(old);
    server.reset_counters();
    let ds = collect(&server, "gq", true).await;
    let c = server.counters();
    assert_eq!(tables(&ds), tables(&rest));
    assert!(rows(&ds, "collection_errors").is_empty());
    // Two batches may be in flight when the first answer arrives; the third is never sent.
    assert!(
        c.per_endpoint.get("POST /graphql").is_some_and(|n| *n <= 2),
        "{c:?}"
    );
}
