//! A hostile API host: credentials stay on the API origin (pagination links, redirects, any
//! request outside the allowed origins), echoed credentials are redacted before they are
//! stored, truncated bodies become error rows, URLs with credentials are refused, and the ETag
//! cache is private. Two local servers: the "API" and a "foreign" one that records what it got.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use devquery_collect::{
    ErrorContext, ErrorRecorder, HttpClient, HttpError, HttpPolicy, REDACTED, Secret, UrlError,
    check_api_url, origin_of, redact, without_userinfo,
};

const TOKEN: &str = "ghp_CANARYabcdef0123456789";
const COOKIE: &str = "session=sess-CANARY-4242";

/// Requests a server received: path and whether it carried `Authorization` or `Cookie`.
#[derive(Default)]
struct Seen(Mutex<Vec<(String, bool)>>);

impl Seen {
    fn push(&self, uri: &Uri, headers: &HeaderMap) {
        let creds = headers.contains_key("authorization") || headers.contains_key("cookie");
        if let Ok(mut v) = self.0.lock() {
            v.push((uri.to_string(), creds));
        }
    }

    fn all(&self) -> Vec<(String, bool)> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

struct Api {
    foreign: String,
    seen: Seen,
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn foreign_handler(State(s): State<Arc<Seen>>, uri: Uri, headers: HeaderMap) -> Response {
    s.push(&uri, &headers);
    (StatusCode::OK, "[]").into_response()
}

async fn start_foreign() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app = Router::new()
        .fallback(foreign_handler)
        .with_state(seen.clone());
    (serve(app).await, seen)
}

fn echo(headers: &HeaderMap) -> Response {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let auth = h("authorization");
    let bare = auth
        .split_once(' ')
        .map_or(auth.clone(), |(_, t)| t.to_string());
    let message = format!(
        "Forbidden.\nAuthorization: {auth}\nCookie: {}\nThe token {bare} may not read this.",
        h("cookie")
    );
    let body = serde_json::json!({ "message": message }).to_string();
    let accepted = format!("token {bare}");
    (
        StatusCode::FORBIDDEN,
        [("x-accepted-github-permissions", accepted)],
        body,
    )
        .into_response()
}

async fn api_handler(State(s): State<Arc<Api>>, uri: Uri, headers: HeaderMap) -> Response {
    s.seen.push(&uri, &headers);
    let page2 = uri.query() == Some("page=2");
    match uri.path() {
        "/foreign-link" => {
            let link = format!("<{}/stolen?page=2>; rel=\"next\"", s.foreign);
            (StatusCode::OK, [("link", link)], "[1]").into_response()
        }
        "/relative-link" if page2 => (StatusCode::OK, "[2]").into_response(),
        "/relative-link" => (
            StatusCode::OK,
            [("link", "</relative-link?page=2>; rel=\"next\"".to_string())],
            "[1]",
        )
            .into_response(),
        "/redirect" => (
            StatusCode::FOUND,
            [("location", format!("{}/stolen", s.foreign))],
        )
            .into_response(),
        "/echo" => echo(&headers),
        "/truncated" => (StatusCode::OK, "{\"items\": [1, 2").into_response(),
        "/etag" => (StatusCode::OK, [("etag", "\"v1\"")], "[1]").into_response(),
        _ => (StatusCode::NOT_FOUND, "{\"message\":\"Not Found\"}").into_response(),
    }
}

async fn start_api(foreign: &str) -> (String, Arc<Api>) {
    let state = Arc::new(Api {
        foreign: foreign.to_string(),
        seen: Seen::default(),
    });
    let app = Router::new()
        .fallback(api_handler)
        .with_state(state.clone());
    (serve(app).await, state)
}

fn policy(allowed: Vec<String>) -> HttpPolicy {
    HttpPolicy {
        initial_backoff: Duration::from_millis(2),
        max_retries: 1,
        cache_dir: None,
        allowed_origins: allowed,
        ..HttpPolicy::default()
    }
}

fn client(allowed: Vec<String>) -> HttpClient {
    let cookie = (
        HeaderName::from_static("cookie"),
        HeaderValue::from_static(COOKIE),
    );
    HttpClient::new(
        policy(allowed),
        Some(Secret::new(format!("Bearer {TOKEN}"))),
        vec![cookie],
    )
    .expect("client")
}

fn recorded(err: &HttpError) -> devquery_model::tables::CollectionErrorRow {
    let rec = ErrorRecorder::new("github", "example", "run-1");
    rec.record_http(&ErrorContext::org("o", "members"), "/x", err, None);
    rec.rows().into_iter().next().expect("one row")
}

#[tokio::test]
async fn a_foreign_pagination_link_is_never_requested() {
    let (foreign, seen) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let err = client(Vec::new())
        .get_paginated(&format!("{base}/foreign-link"), None)
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            HttpError::ForeignOrigin {
                via: "a pagination link",
                ..
            }
        ),
        "{err}"
    );
    assert!(seen.all().is_empty(), "the foreign host was contacted");
    let row = recorded(&err);
    let message = row.message.unwrap_or_default();
    let origin = origin_of(&foreign).expect("origin");
    assert!(
        message.contains("pagination link") && message.contains(&origin),
        "{message}"
    );
    assert_eq!(row.http_status, None);
}

#[tokio::test]
async fn a_relative_link_on_the_same_origin_is_followed() {
    let (foreign, _) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let items = client(Vec::new())
        .get_paginated(&format!("{base}/relative-link"), None)
        .await
        .expect("two pages");
    assert_eq!(items.len(), 2);
}

#[tokio::test]
async fn a_followed_cross_origin_redirect_carries_no_credentials() {
    let (foreign, seen) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let r = client(Vec::new())
        .get_json(&format!("{base}/redirect"))
        .await
        .expect("followed");
    assert_eq!(r.body, serde_json::json!([]));
    let got = seen.all();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(!got[0].1, "credentials sent to the foreign host: {got:?}");
}

#[tokio::test]
async fn a_redirect_outside_the_allowed_origins_is_refused() {
    let (foreign, seen) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let c = client(vec![base.clone()]);
    let err = c
        .get_json(&format!("{base}/redirect"))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            HttpError::ForeignOrigin {
                via: "a redirect",
                ..
            }
        ),
        "{err}"
    );
    assert!(seen.all().is_empty(), "the foreign host was contacted");
    // The API itself still answers.
    assert!(c.get_json(&format!("{base}/etag")).await.is_ok());
}

#[tokio::test]
async fn requests_outside_the_allowed_origins_are_never_sent() {
    let (foreign, seen) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let c = client(vec![base.clone()]);
    let err = c
        .get_json(&format!("{foreign}/anything"))
        .await
        .expect_err("refused");
    assert!(matches!(err, HttpError::ForeignOrigin { .. }), "{err}");
    let err = c
        .post_json(
            &format!("{foreign}/graphql"),
            &serde_json::json!({"query": "{}"}),
        )
        .await
        .expect_err("refused");
    assert!(matches!(err, HttpError::ForeignOrigin { .. }), "{err}");
    assert!(seen.all().is_empty());
}

#[tokio::test]
async fn echoed_credentials_are_redacted_before_they_are_stored() {
    let (foreign, _) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let err = client(Vec::new())
        .get_json(&format!("{base}/echo"))
        .await
        .expect_err("403");
    assert_eq!(err.status(), Some(403));
    let text = err.to_string();
    assert!(
        !text.contains(TOKEN) && !text.contains("sess-CANARY"),
        "{text}"
    );
    let row = recorded(&err);
    let message = row.message.unwrap_or_default();
    assert!(!message.contains(TOKEN), "{message}");
    assert!(!message.contains("sess-CANARY"), "{message}");
    assert!(message.contains(REDACTED), "{message}");
    let missing = row.missing_permission.unwrap_or_default();
    assert!(!missing.contains(TOKEN), "{missing}");
}

#[test]
fn the_recorder_redacts_registered_secrets_in_every_form() {
    // Azure DevOps: `Basic base64(":PAT")`; a server may echo the PAT itself.
    let secret = Secret::new("Basic OmF6cGF0LUNBTkFSWS03Nzg4");
    assert!(secret.variants().iter().any(|v| v == "azpat-CANARY-7788"));
    let rec = ErrorRecorder::new("azure_devops", "dev.azure.com", "run-1");
    rec.add_secret(&secret);
    rec.record(
        &ErrorContext::org("o", "projects"),
        "/_apis/projects",
        Some(401),
        "PAT azpat-CANARY-7788 expired; sent OmF6cGF0LUNBTkFSWS03Nzg4",
        None,
    );
    let message = rec.rows()[0].message.clone().unwrap_or_default();
    assert!(!message.contains("azpat-CANARY"), "{message}");
    assert!(!message.contains("OmF6cGF0"), "{message}");
    assert!(!format!("{rec:?}").contains("azpat"));
}

#[test]
fn credential_patterns_are_redacted_without_knowing_the_secret() {
    let cases = [
        (
            "Authorization: Bearer abc.def-123",
            "Authorization: [REDACTED]",
        ),
        (
            "{\"authorization\": \"token xyz987654\"}",
            "{\"authorization\": \"[REDACTED]\"}",
        ),
        ("cookie=sid-1234567; path=/", "cookie=[REDACTED]; path=/"),
        (
            "see ?access_token=gho_abc123&page=2",
            "see ?access_token=[REDACTED]&page=2",
        ),
        (
            "used Bearer ghp_Zz0987654321 here",
            "used Bearer [REDACTED] here",
        ),
        (
            "Basic dXNlcjpwYXNzd29yZA== refused",
            "Basic [REDACTED] refused",
        ),
        ("token ghp_1234567890abc", "token [REDACTED]"),
    ];
    for (input, want) in cases {
        assert_eq!(redact(input, &[]), want, "{input}");
    }
    for plain in [
        "Bad credentials",
        "token expired",
        "Bearer token required",
        "Must have admin rights to Repository.",
        "HTTP 404 from /app/installations/1/access_tokens: Not Found",
    ] {
        assert_eq!(redact(plain, &[]), plain);
    }
}

#[tokio::test]
async fn a_truncated_body_becomes_an_error_row() {
    let (foreign, _) = start_foreign().await;
    let (base, state) = start_api(&foreign).await;
    let err = client(Vec::new())
        .get_json(&format!("{base}/truncated"))
        .await
        .expect_err("never valid JSON");
    assert!(matches!(err, HttpError::Decode { .. }), "{err}");
    assert_eq!(
        state.seen.all().len(),
        2,
        "fetched again once (max_retries 1)"
    );
    let row = recorded(&err);
    assert!(
        row.message
            .as_deref()
            .is_some_and(|m| m.contains("invalid JSON")),
        "{row:?}"
    );
}

#[test]
fn api_urls_with_credentials_are_refused_without_repeating_them() {
    for url in [
        "http://user:s3cretpass@127.0.0.1:8080",
        "https://:s3cretpass@ghe.example/api/v3",
        "https://s3cretpass@dev.azure.com",
    ] {
        let err = check_api_url(url).expect_err(url);
        assert_eq!(err, UrlError::Credentials);
        assert!(!err.to_string().contains("s3cretpass"));
    }
    assert!(matches!(
        check_api_url("ftp://ghe.example"),
        Err(UrlError::Scheme(_))
    ));
    assert!(matches!(
        check_api_url("not a url"),
        Err(UrlError::Invalid(_))
    ));
    assert!(check_api_url("https://api.github.com").is_ok());
    assert!(check_api_url("http://127.0.0.1:8080/api/v3").is_ok());
    assert_eq!(
        without_userinfo("http://u:p@h.example:81/x"),
        "http://h.example:81/x"
    );
    assert_eq!(
        origin_of("https://api.github.com/orgs/x"),
        origin_of("https://API.github.com:443")
    );
    assert_ne!(
        origin_of("https://api.github.com"),
        origin_of("http://api.github.com")
    );
}

#[cfg(unix)]
#[tokio::test]
async fn cache_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (foreign, _) = start_foreign().await;
    let (base, _) = start_api(&foreign).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("devquery").join("http");
    let mut p = policy(Vec::new());
    p.cache_dir = Some(dir.clone());
    let c = HttpClient::new(p, None, vec![]).expect("client");
    c.get_json(&format!("{base}/etag")).await.expect("ok");
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&tmp.path().join("devquery")), 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    for f in files {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}
