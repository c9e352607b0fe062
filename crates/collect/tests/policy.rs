//! The policy, one behaviour per test.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use devquery_collect::{ErrorContext, ErrorRecorder, HttpClient, HttpError, HttpPolicy, Secret};

#[derive(Default)]
struct S {
    hits: AtomicU64,
    auth_seen: std::sync::Mutex<Vec<String>>,
}

async fn handler(State(s): State<Arc<S>>, uri: Uri, headers: HeaderMap) -> Response {
    let n = s.hits.fetch_add(1, Ordering::SeqCst);
    if let Some(a) = headers.get("authorization").and_then(|v| v.to_str().ok())
        && let Ok(mut seen) = s.auth_seen.lock()
    {
        seen.push(a.to_string());
    }
    let path = uri.path().to_string();
    match path.as_str() {
        "/flaky" if n % 3 != 2 => (StatusCode::BAD_GATEWAY, "{\"message\":\"bad gateway\"}").into_response(),
        "/flaky" => (StatusCode::OK, "{\"ok\":true}").into_response(),
        "/slowdown" if n == 0 => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "{\"message\":\"slow down\"}").into_response(),
        "/slowdown" => (StatusCode::OK, "{\"ok\":true}").into_response(),
        "/forbidden" => (
            StatusCode::FORBIDDEN,
            [("x-accepted-github-permissions", "secrets=read")],
            "{\"message\":\"Must have admin rights to Repository.\",\"documentation_url\":\"x\",\"status\":\"403\"}",
        )
            .into_response(),
        "/truncated" if n == 0 => (StatusCode::OK, "{\"ok\":tr").into_response(),
        "/truncated" => (StatusCode::OK, "{\"ok\":true}").into_response(),
        "/etag" => {
            if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some("\"v1\"") {
                (StatusCode::NOT_MODIFIED, [("etag", "\"v1\"")]).into_response()
            } else {
                (StatusCode::OK, [("etag", "\"v1\"")], "[1,2,3]").into_response()
            }
        }
        "/pages" => {
            let page: u32 = uri.query().and_then(|q| q.strip_prefix("page=")).and_then(|p| p.parse().ok()).unwrap_or(1);
            let body = format!("{{\"total_count\":5,\"items\":[{},{}]}}", page * 10, page * 10 + 1);
            if page < 3 {
                let link = format!("<http://{}/pages?page={}>; rel=\"next\"", headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or(""), page + 1);
                (StatusCode::OK, [("link", link)], body).into_response()
            } else {
                (StatusCode::OK, body).into_response()
            }
        }
        _ => (StatusCode::NOT_FOUND, "{\"message\":\"Not Found\"}").into_response(),
    }
}

async fn server() -> (String, Arc<S>) {
    let state = Arc::new(S::default());
    let app = Router::new().fallback(handler).with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), state)
}

fn policy(cache: Option<&std::path::Path>) -> HttpPolicy {
    HttpPolicy {
        initial_backoff: Duration::from_millis(5),
        cache_dir: cache.map(|p| p.to_path_buf()),
        ..HttpPolicy::default()
    }
}

#[tokio::test]
async fn retries_5xx_until_success() {
    let (base, s) = server().await;
    let c = HttpClient::new(policy(None), None, vec![]).expect("client");
    let r = c
        .get_json(&format!("{base}/flaky"))
        .await
        .expect("eventually ok");
    assert_eq!(r.body["ok"], true);
    assert_eq!(s.hits.load(Ordering::SeqCst), 3);
    assert_eq!(c.stats().retries, 2);
}

#[tokio::test]
async fn honours_retry_after() {
    let (base, _) = server().await;
    let c = HttpClient::new(policy(None), None, vec![]).expect("client");
    let t = std::time::Instant::now();
    c.get_json(&format!("{base}/slowdown"))
        .await
        .expect("ok after waiting");
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        t.elapsed()
    );
    assert_eq!(c.stats().rate_limit_waits, 1);
}

#[tokio::test]
async fn a_too_long_rate_limit_wait_stops() {
    let (base, _) = server().await;
    let mut p = policy(None);
    p.max_rate_limit_wait = Duration::from_millis(100);
    let c = HttpClient::new(p, None, vec![]).expect("client");
    let err = c
        .get_json(&format!("{base}/slowdown"))
        .await
        .expect_err("stops");
    assert!(
        matches!(err, HttpError::RateLimited { .. }) && err.is_fatal(),
        "{err}"
    );
}

#[tokio::test]
async fn forbidden_is_an_answer_with_the_permission() {
    let (base, s) = server().await;
    let c = HttpClient::new(policy(None), None, vec![]).expect("client");
    let err = c
        .get_json(&format!("{base}/forbidden"))
        .await
        .expect_err("403");
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "no retry on 403");
    assert_eq!(err.status(), Some(403));
    let rec = ErrorRecorder::new("github", "example", "run-1");
    rec.record_http(
        &ErrorContext::repo("o", "r", "secrets"),
        "/forbidden",
        &err,
        None,
    );
    let rows = rec.rows();
    assert_eq!(rows[0].missing_permission.as_deref(), Some("secrets=read"));
    assert_eq!(rows[0].http_status, Some(403));
    assert!(
        rows[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("admin rights"))
    );
}

#[tokio::test]
async fn truncated_json_is_fetched_again() {
    let (base, s) = server().await;
    let c = HttpClient::new(policy(None), None, vec![]).expect("client");
    let r = c
        .get_json(&format!("{base}/truncated"))
        .await
        .expect("ok on retry");
    assert_eq!(r.body["ok"], true);
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn etag_cache_serves_304s() {
    let (base, _) = server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let c = HttpClient::new(policy(Some(dir.path())), None, vec![]).expect("client");
    let a = c.get_json(&format!("{base}/etag")).await.expect("first");
    assert!(!a.from_cache);
    let c2 = HttpClient::new(policy(Some(dir.path())), None, vec![]).expect("client");
    let b = c2.get_json(&format!("{base}/etag")).await.expect("second");
    assert!(b.from_cache);
    assert_eq!(a.body, b.body);
    assert_eq!(c2.stats().not_modified, 1);
}

#[tokio::test]
async fn follows_link_pagination() {
    let (base, _) = server().await;
    let c = HttpClient::new(policy(None), None, vec![]).expect("client");
    let items = c
        .get_paginated(&format!("{base}/pages"), Some("items"))
        .await
        .expect("pages");
    assert_eq!(items.len(), 6);
}

#[tokio::test]
async fn budget_stops_requests() {
    let (base, s) = server().await;
    let mut p = policy(None);
    p.max_requests = Some(2);
    let c = HttpClient::new(p, None, vec![]).expect("client");
    let err = c
        .get_json(&format!("{base}/flaky"))
        .await
        .expect_err("budget");
    assert!(matches!(err, HttpError::BudgetExhausted { max: 2 }));
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_secret_is_sent_but_never_printed() {
    let (base, s) = server().await;
    let secret = Secret::new("Bearer canary-123");
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    let c = HttpClient::new(policy(None), Some(secret), vec![]).expect("client");
    assert!(!format!("{c:?}").contains("canary"));
    let _ = c.get_json(&format!("{base}/etag")).await;
    assert_eq!(
        s.auth_seen.lock().map(|v| v.clone()).unwrap_or_default(),
        vec!["Bearer canary-123".to_string()]
    );
}
