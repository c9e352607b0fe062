//! Unit tests of the fake GitHub's HTTP behaviour (the collector's integration tests exercise
//! the rest): fixture shapes, pagination, conditional requests, permissions, rate limits.

use serde_json::Value;

use super::{FakeGithub, Scenario, generate};

async fn get(
    server: &FakeGithub,
    path: &str,
    etag: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let mut req = client.get(format!("{}{path}", server.base_url()));
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("body");
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn repos_paginate_with_link_headers() {
    let server = FakeGithub::start(generate::synthetic("acme", 250, 1))
        .await
        .expect("start");
    let (status, headers, body) = get(&server, "/orgs/acme/repos?per_page=100", None).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(100));
    let link = headers
        .get("link")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        link.contains("page=2") && link.contains("rel=\"next\"") && link.contains("rel=\"last\""),
        "{link}"
    );
    let (_, headers, body) = get(&server, "/orgs/acme/repos?per_page=100&page=3", None).await;
    assert_eq!(body.as_array().map(Vec::len), Some(50));
    let link = headers
        .get("link")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(!link.contains("rel=\"next\""), "{link}");
    // documented fields beyond the example: security_and_analysis and permissions
    let (_, _, body) = get(&server, "/orgs/acme/repos?per_page=1", None).await;
    assert!(body[0]["security_and_analysis"]["secret_scanning"]["status"].is_string());
    assert!(body[0]["permissions"]["admin"].is_boolean());
    assert!(body[0]["owner"]["login"] == "acme");
}

#[tokio::test]
async fn etags_give_304s_and_rate_limit_headers() {
    let server = FakeGithub::start(generate::synthetic("acme", 5, 1))
        .await
        .expect("start");
    let (status, headers, _) = get(&server, "/orgs/acme", None).await;
    assert_eq!(status, 200);
    let etag = headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_string();
    assert_eq!(
        headers
            .get("x-ratelimit-limit")
            .and_then(|v| v.to_str().ok()),
        Some("5000")
    );
    assert_eq!(
        headers
            .get("x-ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("4999")
    );
    let (status, headers, _) = get(&server, "/orgs/acme", Some(&etag)).await;
    assert_eq!(status, 304);
    assert_eq!(
        headers
            .get("x-ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("4999"),
        "304s are free"
    );
    let c = server.counters();
    assert_eq!((c.total, c.not_modified), (2, 1));
    assert_eq!(c.per_endpoint.get("GET /orgs/{org}"), Some(&2));
}

#[tokio::test]
async fn permissions_hidden_repos_and_error_bodies() {
    let mut scenario = generate::synthetic("acme", 5, 1);
    scenario.token.admin = false;
    scenario.orgs[0].repos[0].visibility = "private".into();
    let hidden = scenario.orgs[0].repos[0].name.clone();
    scenario.token.hidden_repos = vec![hidden.clone()];
    let server = FakeGithub::start(scenario).await.expect("start");
    let (status, _, body) = get(&server, &format!("/repos/acme/{hidden}"), None).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "Not Found");
    assert_eq!(body["status"], "404");
    assert!(body["documentation_url"].is_string());
    let (status, headers, body) = get(
        &server,
        "/repos/acme/service-0001/branches/main/protection",
        None,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["message"], "Must have admin rights to Repository.");
    assert_eq!(
        headers
            .get("x-accepted-github-permissions")
            .and_then(|v| v.to_str().ok()),
        Some("administration=read")
    );
    let (_, _, body) = get(&server, "/orgs/acme/repos", None).await;
    assert_eq!(
        body.as_array().map(Vec::len),
        Some(4),
        "hidden repo not listed"
    );
}

#[tokio::test]
async fn budget_and_injected_faults() {
    let mut scenario =
        Scenario::from_yaml("orgs: [{login: tiny}]\nrate_limit: {limit: 2}\n").expect("yaml");
    scenario.faults.seed = 9;
    let server = FakeGithub::start(scenario).await.expect("start");
    assert_eq!(get(&server, "/orgs/tiny", None).await.0, 200);
    assert_eq!(get(&server, "/orgs/tiny/repos", None).await.0, 200);
    let (status, headers, body) = get(&server, "/orgs/tiny", None).await;
    assert_eq!(status, 403);
    assert_eq!(
        headers
            .get("x-ratelimit-remaining")
            .and_then(|v| v.to_str().ok()),
        Some("0")
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("rate limit"))
    );

    let mut scenario =
        Scenario::from_yaml("orgs: [{login: tiny}]\nrate_limit: {limit: 2}\n").expect("yaml");
    scenario.faults.rate_429 = 1.0;
    server.set_scenario(scenario);
    let (status, headers, _) = get(&server, "/orgs/tiny", None).await;
    assert_eq!(status, 403, "the primary budget is still spent");
    let _ = headers;
    let fresh = FakeGithub::start({
        let mut s = Scenario::from_yaml("orgs: [{login: tiny}]").expect("yaml");
        s.faults.rate_429 = 1.0;
        s
    })
    .await
    .expect("start");
    let (status, headers, _) = get(&fresh, "/orgs/tiny", None).await;
    assert_eq!(status, 429);
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_eq!(fresh.counters().injected_429, 1);
}

#[tokio::test]
async fn workflow_files_come_back_from_tree_and_blob() {
    let scenario = Scenario::from_yaml(
        "orgs:\n  - login: o\n    repos:\n      - name: r\n        files:\n          .github/workflows/ci.yml: \"on: push\\n\"\n",
    )
    .expect("yaml");
    let server = FakeGithub::start(scenario).await.expect("start");
    let (_, _, tree) = get(&server, "/repos/o/r/git/trees/main?recursive=1", None).await;
    let entry = tree["tree"]
        .as_array()
        .and_then(|t| t.iter().find(|e| e["path"] == ".github/workflows/ci.yml"))
        .cloned()
        .expect("workflow in tree");
    let sha = entry["sha"].as_str().expect("sha");
    let (_, _, blob) = get(&server, &format!("/repos/o/r/git/blobs/{sha}"), None).await;
    assert_eq!(blob["encoding"], "base64");
    assert_eq!(blob["content"], "b246IHB1c2gK\n");
    let (_, _, file) = get(
        &server,
        "/repos/o/r/contents/.github/workflows/ci.yml",
        None,
    )
    .await;
    assert_eq!(file["type"], "file");
    assert_eq!(file["content"], "b246IHB1c2gK\n");
}
