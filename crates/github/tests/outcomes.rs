//! Collection outcomes that cannot be mistaken: refused credentials, no credentials and an
//! unreachable API are errors; a stop before the estate is complete gives a dataset marked
//! partial, and every repository the stop touched is `unknown` (a `collection_errors` row per
//! table), never silently absent.

use std::collections::BTreeSet;

use devquery_fake_forge::github::{FakeGithub, Scenario, generate};
use devquery_github::{Error, GithubOptions, Secret};
use devquery_model::Dataset;

use crate::common::*;

/// A synthetic org whose fake accepts only `good-token`.
fn guarded(repos: usize) -> Scenario {
    let mut sc = generate::synthetic("acme", repos, 3);
    sc.token.value = Some("good-token".into());
    sc
}

fn opts_for(server: &FakeGithub, cache: &std::path::Path, token: Option<&str>) -> GithubOptions {
    let mut o = options(server, "acme", cache);
    o.token = token.map(Secret::new);
    o.no_cache = true;
    o
}

#[tokio::test]
async fn a_refused_token_is_an_error_naming_the_host_not_the_token() {
    let server = FakeGithub::start(guarded(3)).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let opts = opts_for(&server, cache.path(), Some("expired-canary-token"));
    let err = devquery_github::collect(&opts)
        .await
        .expect_err("a refused token fails the collection");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&opts.host()), "{msg}");
    assert!(msg.contains("GITHUB_TOKEN"), "{msg}");
    assert!(!msg.contains("expired-canary-token"), "{msg}");
}

#[tokio::test]
async fn no_token_is_refused_before_any_request_when_credentials_are_required() {
    let server = FakeGithub::start(guarded(3)).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = opts_for(&server, cache.path(), None);
    opts.require_credentials = true;
    let err = devquery_github::collect(&opts).await.expect_err("no token");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("no token"), "{err}");
    assert_eq!(server.counters().total, 0, "nothing was sent");
    // Without the requirement the fake's 401 says the same.
    opts.require_credentials = false;
    let err = devquery_github::collect(&opts).await.expect_err("no token");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let opts = GithubOptions {
        orgs: vec!["acme".into()],
        base_url: format!("http://127.0.0.1:{port}"),
        token: Some(Secret::new("good-token")),
        no_cache: true,
        progress: false,
        initial_backoff: std::time::Duration::from_millis(1),
        ..GithubOptions::default()
    };
    let err = devquery_github::collect(&opts)
        .await
        .expect_err("closed port");
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn an_org_that_cannot_be_read_makes_the_run_partial() {
    let server = FakeGithub::start(guarded(3)).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = opts_for(&server, cache.path(), Some("good-token"));
    opts.orgs = vec!["acme".into(), "no-such-org".into()];
    let ds = devquery_github::collect(&opts).await.expect("collect");
    assert!(ds.row_count("repositories") > 0, "acme was read");
    let partial = ds.partial().expect("partial");
    assert!(partial.reason.contains("no-such-org"), "{partial:?}");
    assert!(
        partial.missing.iter().any(|m| m.contains("/no-such-org")),
        "{partial:?}"
    );
}

#[tokio::test]
async fn a_complete_run_is_not_partial() {
    let server = FakeGithub::start(guarded(3)).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let ds = devquery_github::collect(&opts_for(&server, cache.path(), Some("good-token")))
        .await
        .expect("collect");
    assert!(ds.partial().is_none(), "{:?}", ds.partial());
}

/// `(table, repo)` pairs a `collection_errors` row accounts for (`None`: the whole table).
fn explained(ds: &Dataset) -> BTreeSet<(String, Option<String>)> {
    rows(ds, "collection_errors")
        .iter()
        .map(|e| {
            (
                str_of(e, "table_name").unwrap_or_default().to_string(),
                str_of(e, "repo").map(str::to_string),
            )
        })
        .collect()
}

fn count(ds: &Dataset, table: &str, repo: &str) -> usize {
    rows(ds, table)
        .iter()
        .filter(|r| str_of(r, "repo") == Some(repo))
        .count()
}

#[tokio::test]
async fn a_budget_stop_leaves_every_touched_repository_unknown_not_absent() {
    let server = FakeGithub::start(guarded(40)).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = opts_for(&server, cache.path(), Some("good-token"));
    let clean = devquery_github::collect(&opts).await.expect("clean");
    let needed = server.counters().total;
    // The last requests of a run read repositories: stop a few repositories before the end.
    opts.max_requests = Some(needed.saturating_sub(20));
    let ds = devquery_github::collect(&opts).await.expect("stopped");

    let partial = ds.partial().expect("a stopped run is partial");
    assert!(partial.reason.contains("budget"), "{partial:?}");
    let host = opts.host();
    let repo_prefix = format!("github:{host}/acme/");
    let touched: Vec<&str> = partial
        .missing
        .iter()
        .filter_map(|m| m.strip_prefix(&repo_prefix))
        .collect();
    assert!(!touched.is_empty(), "{partial:?}");

    let why = explained(&ds);
    for repo in &touched {
        for table in ["branch_policies", "pipelines", "webhooks", "repositories"] {
            assert!(
                why.contains(&(table.to_string(), Some(repo.to_string()))),
                "{repo}: no {table} row in collection_errors"
            );
        }
    }
    // No repository lost rows without a row saying which table is unknown.
    for r in rows(&clean, "repositories") {
        let repo = str_of(&r, "repo").expect("repo");
        for table in [
            "branch_policies",
            "pipelines",
            "webhooks",
            "environments",
            "deploy_keys",
            "secrets",
            "variables",
            "access_grants",
        ] {
            if count(&ds, table, repo) == count(&clean, table, repo) {
                continue;
            }
            assert!(
                why.contains(&(table.to_string(), Some(repo.to_string())))
                    || why.contains(&(table.to_string(), None))
                    || why.contains(&("repositories".to_string(), None)),
                "{repo}: {table} lost rows with no collection_errors row"
            );
        }
    }
}
