//! GitHub App installation auth: the collector signs a JWT with the app's key, finds the org's
//! installation, exchanges the JWT for an installation token and collects with it. The fake
//! rejects the personal token here, so every table row proves the installation token was used.
//!
//! `data/test-app-key.pem` is an RSA key generated for these tests only; it signs nothing else.

use std::path::PathBuf;

use devquery_fake_forge::github::FakeGithub;
use devquery_fake_forge::github::scenario::AppSpec;
use devquery_github::AppAuth;

use crate::common::*;

fn key_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/test-app-key.pem")
}

fn app_estate(app_id: u64) -> devquery_fake_forge::github::Scenario {
    let mut sc = estate();
    // Only the installation token is accepted on the REST routes.
    sc.token.value = Some("personal-token-not-given".into());
    sc.app = Some(AppSpec {
        app_id,
        installation_id: 31337,
        installation_token: "ghs_installation_token_for_tests".into(),
    });
    sc
}

#[tokio::test]
async fn collects_with_an_installation_token() {
    let server = FakeGithub::start(app_estate(4242)).await.expect("fake");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&server, "octo", cache.path());
    opts.token = None;
    opts.app = Some(AppAuth {
        app_id: 4242,
        private_key_path: key_path(),
    });
    let ds = devquery_github::collect(&opts).await.expect("collects");
    assert!(ds.row_count("repositories") > 0);
    assert!(ds.row_count("orgs") == 1);
    let errors = rows(&ds, "collection_errors");
    assert!(
        errors.iter().all(|e| int_of(e, "http_status") != Some(401)),
        "{errors:#?}"
    );
    let endpoints = server.counters().per_endpoint;
    assert!(
        endpoints.keys().any(|k| k.contains("access_tokens")),
        "{endpoints:?}"
    );
    assert!(
        endpoints.keys().any(|k| k.ends_with("/installation")),
        "{endpoints:?}"
    );
}

#[tokio::test]
async fn a_wrong_app_id_is_a_clear_error() {
    let server = FakeGithub::start(app_estate(4242)).await.expect("fake");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&server, "octo", cache.path());
    opts.token = None;
    opts.app = Some(AppAuth {
        app_id: 999,
        private_key_path: key_path(),
    });
    let err = devquery_github::collect(&opts)
        .await
        .expect_err("the fake refuses a JWT issued for another app");
    let msg = err.to_string();
    assert!(msg.contains("999") && msg.contains("octo"), "{msg}");
}

#[tokio::test]
async fn a_key_that_is_not_rsa_pem_is_a_clear_error() {
    let server = FakeGithub::start(app_estate(4242)).await.expect("fake");
    let cache = tempfile::tempdir().expect("tempdir");
    let bad = cache.path().join("not-a-key.pem");
    std::fs::write(&bad, "hello").expect("write");
    let mut opts = options(&server, "octo", cache.path());
    opts.token = None;
    opts.app = Some(AppAuth {
        app_id: 4242,
        private_key_path: bad,
    });
    let err = devquery_github::collect(&opts).await.expect_err("bad key");
    assert!(err.to_string().contains("RSA"), "{err}");
}
