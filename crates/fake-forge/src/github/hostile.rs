//! A hostile fake GitHub: a [`Scenario`](super::Scenario) with [`Hostile`] set makes the server
//! misbehave the way a compromised or malicious API host would, to prove the collector keeps
//! its credentials and its accounting:
//!
//! | [`HostileMode`] | answer |
//! |---|---|
//! | `foreign_link` | the real answer, plus `Link: <FOREIGN/...?page=2>; rel="next"` on every `200` |
//! | `cross_origin_redirect` | `302` (`307` for non-GET) to the same path on FOREIGN |
//! | `echo_authorization` | `403` whose message (and accepted-permissions header) repeats the request's `Authorization` and `Cookie` headers and the bare token |
//! | `unauthorized` | `401 Bad credentials`, whatever the token |
//! | `truncated_body` | the real answer with its `200` body cut in half |
//!
//! FOREIGN is [`Hostile::foreign_url`], normally a [`ForeignListener`]: a second server on
//! `127.0.0.1` that answers `[]` to everything and records whether each request carried
//! credentials. [`Hostile::paths`] limits the mode to some requests (substring of the path), so
//! a collection can run and fail on just one endpoint.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use devquery_fake_forge::github::{FakeGithub, ForeignListener, Hostile, HostileMode, Scenario};
//! let foreign = ForeignListener::start().await?;
//! let mut scenario = Scenario::default();
//! scenario.hostile = Hostile::new(HostileMode::ForeignLink, Some(&foreign));
//! let server = FakeGithub::start(scenario).await?;
//! // ... collect from server.base_url() ...
//! assert!(!foreign.saw_credentials());
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::server::AppState;

/// How the server misbehaves (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostileMode {
    /// A `Link: rel="next"` to the foreign origin on every `200`.
    ForeignLink,
    /// A redirect to the same path on the foreign origin.
    CrossOriginRedirect,
    /// A `403` echoing the request's `Authorization` and `Cookie` headers.
    EchoAuthorization,
    /// `401 Bad credentials`.
    Unauthorized,
    /// `200` bodies cut in half.
    TruncatedBody,
}

/// The hostile behaviour of a scenario; the default behaves.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Hostile {
    /// What goes wrong; `None` = nothing.
    pub mode: Option<HostileMode>,
    /// Base URL of the foreign origin that links and redirects point to.
    pub foreign_url: Option<String>,
    /// Only requests whose path contains one of these strings misbehave; empty = every request.
    pub paths: Vec<String>,
}

impl Hostile {
    /// `mode` on every request, pointing at `foreign` when given.
    pub fn new(mode: HostileMode, foreign: Option<&ForeignListener>) -> Self {
        Self {
            mode: Some(mode),
            foreign_url: foreign.map(|f| f.base_url().to_string()),
            paths: Vec::new(),
        }
    }

    /// The same, limited to requests whose path contains one of `paths`.
    pub fn on_paths(mut self, paths: &[&str]) -> Self {
        self.paths = paths.iter().map(|p| p.to_string()).collect();
        self
    }

    fn applies_to(&self, path: &str) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|p| path.contains(p.as_str()))
    }
}

/// The middleware in front of the fake GitHub's handler: passes requests through unless the
/// scenario's [`Hostile`] mode applies to them.
pub(crate) async fn layer(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let hostile = state
        .scenario
        .lock()
        .map(|s| s.hostile.clone())
        .unwrap_or_default();
    let Some(mode) = hostile
        .mode
        .filter(|_| hostile.applies_to(req.uri().path()))
    else {
        return next.run(req).await;
    };
    let foreign = hostile
        .foreign_url
        .as_deref()
        .unwrap_or("http://127.0.0.1:9")
        .trim_end_matches('/')
        .to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let target = format!("{foreign}{path_and_query}");
    match mode {
        HostileMode::Unauthorized => error(StatusCode::UNAUTHORIZED, "Bad credentials", None),
        HostileMode::EchoAuthorization => echo(req.headers()),
        HostileMode::CrossOriginRedirect => redirect(req.method(), &target),
        HostileMode::ForeignLink => with_foreign_link(next.run(req).await, &target),
        HostileMode::TruncatedBody => truncated(next.run(req).await).await,
    }
}

fn error(status: StatusCode, message: &str, accepted: Option<&str>) -> Response {
    let body = serde_json::to_vec(&super::render::error_body(message, status.as_u16()))
        .unwrap_or_default();
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(v) = accepted.and_then(|a| HeaderValue::from_str(a).ok()) {
        h.insert("x-accepted-github-permissions", v);
    }
    resp
}

/// A `403` whose message repeats the credentials the request carried, as a careless proxy or
/// debug endpoint would.
fn echo(headers: &HeaderMap) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let auth = header("authorization");
    let bare = auth
        .split_once(' ')
        .map_or(auth.as_str(), |(_, t)| t)
        .to_string();
    let message = format!(
        "Forbidden. Request headers were:\nAuthorization: {auth}\nCookie: {}\n\
         The token {bare} may not read this resource ({{\"authorization\": \"{auth}\"}}).",
        header("cookie")
    );
    error(
        StatusCode::FORBIDDEN,
        &message,
        Some(&format!("token {bare}")),
    )
}

fn redirect(method: &Method, target: &str) -> Response {
    let status = if method == Method::GET {
        StatusCode::FOUND
    } else {
        StatusCode::TEMPORARY_REDIRECT
    };
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(target) {
        resp.headers_mut().insert("location", v);
    }
    resp
}

fn with_foreign_link(mut resp: Response, target: &str) -> Response {
    if resp.status() == StatusCode::OK {
        let sep = if target.contains('?') { '&' } else { '?' };
        let link = format!("<{target}{sep}page=2>; rel=\"next\"");
        if let Ok(v) = HeaderValue::from_str(&link) {
            resp.headers_mut().insert("link", v);
        }
    }
    resp
}

async fn truncated(resp: Response) -> Response {
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::from(cut))
}

/// What the foreign listener saw of one request (never the credential itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The request carried an `Authorization` header.
    pub authorization: bool,
    /// The request carried a `Cookie` header.
    pub cookie: bool,
}

/// A second server on `127.0.0.1`, another origin than the fake GitHub: answers `[]` to every
/// request and records it. Stops when dropped.
pub struct ForeignListener {
    base_url: String,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for ForeignListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignListener")
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl ForeignListener {
    /// Listens on `127.0.0.1` with an ephemeral port.
    pub async fn start() -> std::io::Result<Self> {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let seen: Arc<Mutex<Vec<SeenRequest>>> = Arc::default();
        let app = axum::Router::new()
            .fallback(record)
            .with_state(seen.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "foreign listener stopped");
            }
        });
        Ok(Self {
            base_url,
            seen,
            task,
        })
    }

    /// Base URL (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// True when any request carried an `Authorization` or `Cookie` header.
    pub fn saw_credentials(&self) -> bool {
        self.requests().iter().any(|r| r.authorization || r.cookie)
    }
}

impl Drop for ForeignListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(seen): State<Arc<Mutex<Vec<SeenRequest>>>>, req: Request) -> Response {
    let request = SeenRequest {
        method: req.method().to_string(),
        path: req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string(),
        authorization: req.headers().contains_key("authorization"),
        cookie: req.headers().contains_key("cookie"),
    };
    if let Ok(mut s) = seen.lock() {
        s.push(request);
    }
    let mut resp = Response::new(Body::from("[]"));
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::{FakeGithub, Scenario, generate};

    async fn get(server: &FakeGithub, path: &str) -> (u16, HeaderMap, String) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let resp = client
            .get(format!("{}{path}", server.base_url()))
            .header("authorization", "Bearer tok-123456789")
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, headers, resp.text().await.expect("body"))
    }

    async fn hostile(mode: HostileMode, foreign: Option<&ForeignListener>) -> FakeGithub {
        let mut scenario: Scenario = generate::synthetic("acme", 2, 1);
        scenario.hostile = Hostile::new(mode, foreign).on_paths(&["/repos"]);
        FakeGithub::start(scenario).await.expect("start")
    }

    #[tokio::test]
    async fn each_mode_misbehaves_only_on_its_paths() {
        let foreign = ForeignListener::start().await.expect("foreign");
        let server = hostile(HostileMode::ForeignLink, Some(&foreign)).await;
        let (status, headers, _) = get(&server, "/orgs/acme/repos").await;
        let link = headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(status, 200);
        assert!(
            link.starts_with(&format!("<{}/", foreign.base_url())),
            "{link}"
        );
        let (_, headers, _) = get(&server, "/orgs/acme").await;
        assert!(headers.get("link").is_none(), "not on other paths");

        let server = hostile(HostileMode::CrossOriginRedirect, Some(&foreign)).await;
        let (status, headers, _) = get(&server, "/orgs/acme/repos").await;
        assert_eq!(status, 302);
        let location = headers.get("location").and_then(|v| v.to_str().ok());
        assert_eq!(
            location,
            Some(format!("{}/orgs/acme/repos", foreign.base_url()).as_str())
        );

        let server = hostile(HostileMode::EchoAuthorization, None).await;
        let (status, _, body) = get(&server, "/orgs/acme/repos").await;
        assert_eq!(status, 403);
        assert!(
            body.contains("Authorization: Bearer tok-123456789"),
            "{body}"
        );

        let server = hostile(HostileMode::Unauthorized, None).await;
        assert_eq!(get(&server, "/orgs/acme/repos").await.0, 401);

        let server = hostile(HostileMode::TruncatedBody, None).await;
        let (status, _, body) = get(&server, "/orgs/acme/repos").await;
        assert_eq!(status, 200);
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).is_err(),
            "{body}"
        );
        assert!(foreign.requests().is_empty());
    }
}
