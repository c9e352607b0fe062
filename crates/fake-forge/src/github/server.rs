//! The HTTP side of the fake GitHub: one axum fallback handler that routes by path segments,
//! then applies GitHub's cross-cutting behaviour to every answer — authentication, `404` for
//! hidden repositories, `403` for admin-only endpoints without admin, primary rate limit headers
//! and budget, injected faults (latency, 5xx, 429/403 with `Retry-After`, truncated bodies),
//! `per_page`/`page` pagination with `Link`, `ETag` / `If-None-Match` → `304`, and counters.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use fnv::FnvHasher;
use globset::GlobBuilder;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::render;
use super::scenario::{Org, Repo, Ruleset, Scenario};
use crate::azure::scenario::fnv1a;

/// Counters of one server, readable during and after a run.
#[derive(Debug, Default)]
pub struct Counters {
    total: AtomicU64,
    not_modified: AtomicU64,
    injected_5xx: AtomicU64,
    injected_429: AtomicU64,
    injected_403: AtomicU64,
    truncated: AtomicU64,
    rate_limited: AtomicU64,
    per_endpoint: Mutex<BTreeMap<String, u64>>,
}

/// A snapshot of [`Counters`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Requests received.
    pub total: u64,
    /// Answers `304 Not Modified`.
    pub not_modified: u64,
    /// Injected `5xx`.
    pub injected_5xx: u64,
    /// Injected `429`.
    pub injected_429: u64,
    /// Injected secondary-rate-limit `403`.
    pub injected_403: u64,
    /// Truncated bodies.
    pub truncated: u64,
    /// Primary rate limit refusals.
    pub rate_limited: u64,
    /// Requests per endpoint template (`GET /repos/{owner}/{repo}/git/trees/{sha}`).
    pub per_endpoint: BTreeMap<String, u64>,
}

impl Counters {
    /// Current values.
    pub fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            total: self.total.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
            injected_5xx: self.injected_5xx.load(Ordering::Relaxed),
            injected_429: self.injected_429.load(Ordering::Relaxed),
            injected_403: self.injected_403.load(Ordering::Relaxed),
            truncated: self.truncated.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            per_endpoint: self
                .per_endpoint
                .lock()
                .map(|m| m.clone())
                .unwrap_or_default(),
        }
    }

    /// Resets every counter to zero.
    pub fn reset(&self) {
        for c in [
            &self.total,
            &self.not_modified,
            &self.injected_5xx,
            &self.injected_429,
            &self.injected_403,
            &self.truncated,
            &self.rate_limited,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        if let Ok(mut m) = self.per_endpoint.lock() {
            m.clear();
        }
    }
}

pub(crate) struct AppState {
    pub scenario: Mutex<Arc<Scenario>>,
    pub base_url: Mutex<String>,
    pub counters: Arc<Counters>,
    seed: u64,
    /// How many times each `METHOD path?query` has been asked for, so each fault draw is a
    /// function of the request and its attempt number, not of the order concurrent requests
    /// happen to arrive in.
    attempts: Mutex<HashMap<String, u64>>,
    rate: Mutex<RateWindow>,
}

struct RateWindow {
    used: u64,
    reset_at: u64,
}

impl AppState {
    pub fn new(scenario: Scenario, counters: Arc<Counters>) -> Self {
        let seed = scenario.faults.seed;
        let reset_at = now_secs() + scenario.rate_limit.reset_secs;
        Self {
            scenario: Mutex::new(Arc::new(scenario)),
            base_url: Mutex::new(String::new()),
            counters,
            seed,
            attempts: Mutex::new(HashMap::new()),
            rate: Mutex::new(RateWindow { used: 0, reset_at }),
        }
    }

    /// The attempt number (0 for the first) of the request identified by `key`.
    fn attempt(&self, key: &str) -> u64 {
        let mut m = match self.attempts.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let n = m.entry(key.to_string()).or_default();
        let this = *n;
        *n += 1;
        this
    }

    /// A uniform draw in [0, 1) for attempt `n` of request `key` and purpose `what`: the same
    /// seed gives the same faults on the same requests however they interleave.
    fn draw(&self, key: &str, n: u64, what: &str) -> f64 {
        let h = fnv1a(&[&self.seed.to_string(), key, &n.to_string(), what]);
        (h >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Checks the JSON Web Token a GitHub App presents on `/app/...` routes as GitHub does before it
/// looks at the signature: three base64url segments, `alg` RS256, `iss` the app id, `iat` not in
/// the future (60 s skew allowed) and `exp` after now and at most ten minutes after `iat`. The
/// RS256 signature itself is not verified (the fake holds no public key).
fn check_app_jwt(presented: Option<&str>, app_id: u64) -> Result<(), String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let jwt = presented.ok_or("A JSON web token could not be decoded")?;
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err("A JSON web token could not be decoded".into());
    };
    let decode = |seg: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(seg.trim_end_matches('='))
            .map_err(|_| "A JSON web token could not be decoded".to_string())?;
        serde_json::from_slice(&bytes).map_err(|_| "A JSON web token could not be decoded".into())
    };
    let header = decode(header)?;
    let claims = decode(payload)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") || signature.is_empty() {
        return Err("A JSON web token could not be decoded: it must be signed with RS256".into());
    }
    let iss = match claims.get("iss") {
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(v) => v.as_u64(),
        None => None,
    };
    if iss != Some(app_id) {
        return Err("Integration not found".into());
    }
    let now = now_secs() as i64;
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .unwrap_or(i64::MAX);
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if iat > now + 60 {
        return Err("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued".into());
    }
    if exp <= now || exp - iat > 660 {
        return Err("'Expiration time' claim ('exp') is too far in the future".into());
    }
    Ok(())
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What a route produced before the cross-cutting layer.
enum Reply {
    /// A JSON object.
    Json(Value),
    /// A list, paginated; `Some(key)` wraps pages as `{"total_count": n, key: [...]}`.
    List(Vec<Value>, Option<&'static str>),
    /// `204 No Content`.
    NoContent,
    /// An error with GitHub's body; the optional header is `X-Accepted-GitHub-Permissions`.
    Error(StatusCode, String, Option<&'static str>),
}

fn not_found() -> Reply {
    Reply::Error(StatusCode::NOT_FOUND, "Not Found".into(), None)
}

fn forbidden_repo(perm: &'static str) -> Reply {
    Reply::Error(
        StatusCode::FORBIDDEN,
        "Must have admin rights to Repository.".into(),
        Some(perm),
    )
}

fn forbidden_org(perm: &'static str) -> Reply {
    Reply::Error(
        StatusCode::FORBIDDEN,
        "You must be an organization owner or have the required permission to access this resource."
            .into(),
        Some(perm),
    )
}

fn query_map(uri: &Uri) -> BTreeMap<String, String> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes a path segment or query component as form data: `+` is a space, `%XX` a byte
/// (so `%2B` is a `+`); a `%` not followed by two hex digits stays, invalid UTF-8 is replaced.
fn percent_decode(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A weak `ETag`: the FNV-1a 64 of the body's bytes.
fn etag_of(body: &[u8]) -> String {
    let mut h = FnvHasher::default();
    h.write(body);
    format!("W/\"{:016x}\"", h.finish())
}

fn hv(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn json_response(
    status: StatusCode,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert(
        "x-github-api-version-selected",
        HeaderValue::from_static("2022-11-28"),
    );
    for (k, v) in headers {
        h.insert(k, hv(&v));
    }
    resp
}

/// The single handler behind every path.
pub(crate) async fn handle(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    request_body: axum::body::Bytes,
) -> Response {
    let scenario = state.scenario.lock().map(|s| s.clone()).unwrap_or_default();
    let base = state.base_url.lock().map(|b| b.clone()).unwrap_or_default();
    let counters = &state.counters;
    counters.total.fetch_add(1, Ordering::Relaxed);

    let raw_path = uri.path().to_string();
    let segments: Vec<String> = raw_path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let query = query_map(&uri);
    let template = endpoint_template(&method, &segments);
    if let Ok(mut m) = counters.per_endpoint.lock() {
        *m.entry(template.clone()).or_default() += 1;
    }
    let faults = &scenario.faults;
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }

    // Authentication (never logged).
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim_start_matches("Bearer ")
                .trim_start_matches("bearer ")
                .trim_start_matches("token ")
                .to_string()
        });
    let is_app_route = segments.first().map(String::as_str) == Some("app")
        || (segments.len() == 3 && segments[0] == "orgs" && segments[2] == "installation");
    if is_app_route
        && let Some(app) = &scenario.app
        && let Err(reason) = check_app_jwt(presented.as_deref(), app.app_id)
    {
        let body = serde_json::to_vec(&render::error_body(&reason, 401)).unwrap_or_default();
        return json_response(StatusCode::UNAUTHORIZED, body, vec![]);
    }
    if let Some(expected) = &scenario.token.value
        && !is_app_route
    {
        let app_token = scenario.app.as_ref().map(|a| a.installation_token.as_str());
        let ok = presented.as_deref() == Some(expected.as_str())
            || (app_token.is_some() && presented.as_deref() == app_token);
        if !ok {
            let body =
                serde_json::to_vec(&render::error_body("Bad credentials", 401)).unwrap_or_default();
            return json_response(StatusCode::UNAUTHORIZED, body, vec![]);
        }
    }

    // Primary rate limit (304s are free, as on GitHub: charged below only for non-304).
    let limit = scenario.rate_limit.limit;
    let (used, reset_at) = {
        let mut w = match state.rate.lock() {
            Ok(w) => w,
            Err(p) => p.into_inner(),
        };
        let now = now_secs();
        if now >= w.reset_at {
            w.used = 0;
            w.reset_at = now + scenario.rate_limit.reset_secs;
        }
        (w.used, w.reset_at)
    };
    let rate_headers = |used: u64| {
        vec![
            ("x-ratelimit-limit", limit.to_string()),
            (
                "x-ratelimit-remaining",
                limit.saturating_sub(used).to_string(),
            ),
            ("x-ratelimit-reset", reset_at.to_string()),
            ("x-ratelimit-used", used.to_string()),
            ("x-ratelimit-resource", "core".to_string()),
        ]
    };
    if used >= limit {
        counters.rate_limited.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::to_vec(&render::error_body(
            "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
            403,
        ))
        .unwrap_or_default();
        return json_response(StatusCode::FORBIDDEN, body, rate_headers(used));
    }

    // Injected faults.
    let is_graphql = method == Method::POST && segments == ["graphql"];
    // Faults are drawn per distinct request; GraphQL requests differ by their body.
    let request_key = if is_graphql {
        format!(
            "{method} {uri} {}",
            fnv1a(&[&String::from_utf8_lossy(&request_body)])
        )
    } else {
        format!("{method} {}", uri)
    };
    let attempt = state.attempt(&request_key);
    let roll = state.draw(&request_key, attempt, "fault");
    let mut edge = faults.error_rate;
    if roll < edge {
        counters.injected_5xx.fetch_add(1, Ordering::Relaxed);
        let status = if roll < edge / 2.0 {
            StatusCode::BAD_GATEWAY
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        let body = serde_json::to_vec(&render::error_body("Server Error", status.as_u16()))
            .unwrap_or_default();
        return json_response(status, body, rate_headers(used));
    }
    edge += faults.rate_429;
    if roll < edge {
        counters.injected_429.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::to_vec(&render::error_body(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            429,
        ))
        .unwrap_or_default();
        let mut h = rate_headers(used);
        h.push(("retry-after", faults.retry_after_secs.to_string()));
        return json_response(StatusCode::TOO_MANY_REQUESTS, body, h);
    }
    edge += faults.secondary_403_rate;
    if roll < edge {
        counters.injected_403.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::to_vec(&render::error_body(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            403,
        ))
        .unwrap_or_default();
        let mut h = rate_headers(used);
        h.push(("retry-after", faults.retry_after_secs.to_string()));
        return json_response(StatusCode::FORBIDDEN, body, h);
    }

    if is_graphql && faults.graphql_unavailable {
        let body = serde_json::to_vec(&render::error_body("Bad Gateway", 502)).unwrap_or_default();
        return json_response(StatusCode::BAD_GATEWAY, body, rate_headers(used));
    }
    let reply = if is_graphql && faults.graphql_old_schema {
        Reply::Json(json!({"errors": [{
            "path": ["query Batch", "r0", "defaultBranchRef", "rules"],
            "extensions": {"code": "undefinedField", "typeName": "Ref", "fieldName": "rules"},
            "locations": [{"line": 1, "column": 1}],
            "message": "Field 'rules' doesn't exist on type 'Ref'"
        }]}))
    } else if is_graphql {
        Reply::Json(super::graphql::execute(&scenario, &request_body))
    } else {
        route(&scenario, &method, &segments, &query, &base)
    };

    // Charge the request (a 304 is refunded below).
    let used = {
        let mut w = match state.rate.lock() {
            Ok(w) => w,
            Err(p) => p.into_inner(),
        };
        w.used += 1;
        w.used
    };

    let (status, body, mut extra) = match reply {
        Reply::Error(status, message, perm) => {
            let body = serde_json::to_vec(&render::error_body(&message, status.as_u16()))
                .unwrap_or_default();
            let mut extra = Vec::new();
            if let Some(p) = perm {
                extra.push(("x-accepted-github-permissions", p.to_string()));
            }
            return json_response(status, body, [rate_headers(used), extra].concat());
        }
        Reply::NoContent => {
            let mut resp = json_response(StatusCode::NO_CONTENT, Vec::new(), rate_headers(used));
            resp.headers_mut().remove("content-type");
            return resp;
        }
        Reply::Json(v) => (
            StatusCode::OK,
            serde_json::to_vec(&v).unwrap_or_default(),
            Vec::new(),
        ),
        Reply::List(items, wrap) => {
            let per_page = query
                .get("per_page")
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(30)
                .clamp(1, 100);
            let page = query
                .get("page")
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(1)
                .max(1);
            let total = items.len();
            let last = total.div_ceil(per_page).max(1);
            let slice: Vec<Value> = items
                .into_iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .collect();
            let value = match wrap {
                Some(key) => json!({ "total_count": total, key: slice }),
                None => Value::Array(slice),
            };
            let mut extra = Vec::new();
            if last > 1 {
                let link_for = |p: usize| {
                    let mut q = query.clone();
                    q.insert("page".into(), p.to_string());
                    q.insert("per_page".into(), per_page.to_string());
                    let qs: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("{base}{raw_path}?{}", qs.join("&"))
                };
                let mut parts = Vec::new();
                if page > 1 {
                    parts.push(format!("<{}>; rel=\"prev\"", link_for(page - 1)));
                }
                if page < last {
                    parts.push(format!("<{}>; rel=\"next\"", link_for(page + 1)));
                    parts.push(format!("<{}>; rel=\"last\"", link_for(last)));
                }
                if page > 1 {
                    parts.push(format!("<{}>; rel=\"first\"", link_for(1)));
                }
                extra.push(("link", parts.join(", ")));
            }
            (
                StatusCode::OK,
                serde_json::to_vec(&value).unwrap_or_default(),
                extra,
            )
        }
    };

    let mut rate = rate_headers(used);
    if is_graphql {
        // GraphQL answers are never conditional (no ETag, no 304) and have a budget of their own,
        // as on GitHub.
        if let Some(r) = rate.iter_mut().find(|(k, _)| *k == "x-ratelimit-resource") {
            r.1 = "graphql".into();
        }
    } else {
        let etag = etag_of(&body);
        let if_none_match = headers.get("if-none-match").and_then(|v| v.to_str().ok());
        if if_none_match == Some(etag.as_str()) {
            counters.not_modified.fetch_add(1, Ordering::Relaxed);
            let used = {
                let mut w = match state.rate.lock() {
                    Ok(w) => w,
                    Err(p) => p.into_inner(),
                };
                w.used = w.used.saturating_sub(1);
                w.used
            };
            let mut h = rate_headers(used);
            h.push(("etag", etag));
            h.extend(extra);
            let mut resp = json_response(StatusCode::NOT_MODIFIED, Vec::new(), h);
            resp.headers_mut().remove("content-type");
            return resp;
        }
        extra.push(("etag", etag));
        extra.push(("cache-control", "private, max-age=60, s-maxage=60".into()));
    }
    let mut body = body;
    if faults.truncate_rate > 0.0
        && state.draw(&request_key, attempt, "truncate") < faults.truncate_rate
        && body.len() > 2
    {
        counters.truncated.fetch_add(1, Ordering::Relaxed);
        body.truncate(body.len() / 2);
    }
    json_response(status, body, [rate, extra].concat())
}

/// `GET /repos/{owner}/{repo}/...`-style template of a request, for counters.
fn endpoint_template(method: &Method, segs: &[String]) -> String {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let t: Vec<String> = match s.as_slice() {
        ["repos", _, _, "contents", ..] => vec![
            "repos".into(),
            "{owner}".into(),
            "{repo}".into(),
            "contents".into(),
            "{path}".into(),
        ],
        ["repos", _, _, rest @ ..] => {
            let mut v = vec!["repos".to_string(), "{owner}".into(), "{repo}".into()];
            for (i, p) in rest.iter().enumerate() {
                let prev = if i == 0 { "" } else { rest[i - 1] };
                v.push(match prev {
                    "trees" => "{sha}".into(),
                    "blobs" => "{sha}".into(),
                    "branches" => "{branch}".into(),
                    "environments" => "{environment}".into(),
                    "rulesets" => "{ruleset_id}".into(),
                    _ => (*p).to_string(),
                });
            }
            v
        }
        ["orgs", _, rest @ ..] => {
            let mut v = vec!["orgs".to_string(), "{org}".into()];
            for (i, p) in rest.iter().enumerate() {
                let prev = if i == 0 { "" } else { rest[i - 1] };
                v.push(match prev {
                    "teams" => "{team_slug}".into(),
                    "secrets" => "{secret_name}".into(),
                    "rulesets" => "{ruleset_id}".into(),
                    _ => (*p).to_string(),
                });
            }
            v
        }
        ["app", "installations", _, rest @ ..] => {
            let mut v = vec![
                "app".to_string(),
                "installations".into(),
                "{installation_id}".into(),
            ];
            v.extend(rest.iter().map(|p| p.to_string()));
            v
        }
        other => other.iter().map(|p| p.to_string()).collect(),
    };
    format!("{method} /{}", t.join("/"))
}

fn find_org<'a>(s: &'a Scenario, login: &str) -> Option<&'a Org> {
    s.orgs.iter().find(|o| o.login.eq_ignore_ascii_case(login))
}

fn visible(s: &Scenario, repo: &Repo) -> bool {
    !(repo.visibility != "public" && s.token.hidden_repos.iter().any(|h| h == &repo.name))
}

pub(super) fn find_repo<'a>(
    s: &'a Scenario,
    owner: &str,
    name: &str,
) -> Option<(&'a Org, &'a Repo)> {
    let org = find_org(s, owner)?;
    let repo = org
        .repos
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name))?;
    visible(s, repo).then_some((org, repo))
}

/// Does an active ruleset's `include` list cover `branch` (the default branch) of `repo` (org
/// rulesets may target named repositories)?
pub(super) fn ruleset_applies(
    rs: &Ruleset,
    repo: &str,
    branch: &str,
    default_branch: &str,
) -> bool {
    if rs.enforcement != "active" {
        return false;
    }
    if !rs.repositories.is_empty() && !rs.repositories.iter().any(|r| r == repo) {
        return false;
    }
    rs.include.iter().any(|inc| match inc.as_str() {
        "~ALL" => true,
        "~DEFAULT_BRANCH" => branch == default_branch,
        _ => ref_pattern_matches(inc.trim_start_matches("refs/heads/"), branch),
    })
}

/// Whether `branch` matches a ruleset's ref pattern as GitHub reads it (`File.fnmatch` with
/// `FNM_PATHNAME`): `*` and `?` stop at `/`, `**/` spans directories (another `**` is a `*`),
/// `[...]` is a class; braces and backslashes are literal. A pattern that does not compile
/// matches only itself.
fn ref_pattern_matches(pattern: &str, branch: &str) -> bool {
    let mut source = String::with_capacity(pattern.len() * 2);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' | '\\' => {
                source.push('\\');
                source.push(c);
            }
            '*' => {
                let double = chars.next_if_eq(&'*').is_some();
                while chars.next_if_eq(&'*').is_some() {}
                let recursive = double && chars.peek() == Some(&'/');
                source.push_str(if recursive { "**" } else { "*" });
            }
            _ => source.push(c),
        }
    }
    match GlobBuilder::new(&source)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
    {
        Ok(glob) => glob.compile_matcher().is_match(branch),
        Err(_) => pattern == branch,
    }
}

fn route(
    s: &Scenario,
    method: &Method,
    segs: &[String],
    query: &BTreeMap<String, String>,
    base: &str,
) -> Reply {
    let admin = s.token.admin;
    let p: Vec<&str> = segs.iter().map(String::as_str).collect();
    if method == Method::POST {
        return match p.as_slice() {
            ["app", "installations", id, "access_tokens"] => match &s.app {
                Some(app) if id.parse::<u64>().ok() == Some(app.installation_id) => {
                    Reply::Json(json!({
                        "token": app.installation_token,
                        "expires_at": "2099-01-01T00:00:00Z",
                        "permissions": {"administration": "read", "metadata": "read"},
                        "repository_selection": "all"
                    }))
                }
                _ => not_found(),
            },
            _ => not_found(),
        };
    }
    if method != Method::GET {
        return Reply::Error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed".into(),
            None,
        );
    }
    match p.as_slice() {
        ["rate_limit"] => {
            Reply::Json(json!({"resources": {"core": {"limit": s.rate_limit.limit}}}))
        }
        ["orgs", org, "installation"] => match (find_org(s, org), &s.app) {
            (Some(o), Some(app)) => {
                let inst = super::scenario::Installation {
                    id: app.installation_id,
                    app_id: app.app_id,
                    app_slug: "devquery".into(),
                    repository_selection: "all".into(),
                    ..Default::default()
                };
                Reply::Json(render::installation(&inst, o, base))
            }
            _ => not_found(),
        },
        ["orgs", org, rest @ ..] => {
            let Some(o) = find_org(s, org) else {
                return not_found();
            };
            org_route(s, o, rest, query, base, admin)
        }
        ["repos", owner, name, rest @ ..] => {
            let Some((o, r)) = find_repo(s, owner, name) else {
                return not_found();
            };
            repo_route(s, o, r, rest, query, base, admin)
        }
        _ => not_found(),
    }
}

fn org_route(
    s: &Scenario,
    o: &Org,
    rest: &[&str],
    query: &BTreeMap<String, String>,
    base: &str,
    admin: bool,
) -> Reply {
    let login = o.login.as_str();
    match rest {
        [] => Reply::Json(render::org(o, base)),
        ["repos"] => Reply::List(
            o.repos
                .iter()
                .filter(|r| visible(s, r))
                .map(|r| render::repo(o, r, base, admin))
                .collect(),
            None,
        ),
        ["actions", "permissions"] if admin => {
            Reply::Json(render::org_actions(&o.actions, render::org_id(o), base))
        }
        ["actions", "permissions", "workflow"] if admin => {
            Reply::Json(render::workflow_permissions(&o.actions))
        }
        ["actions", "permissions", "fork-pr-contributor-approval"] if admin => {
            Reply::Json(render::fork_pr_approval(&o.actions))
        }
        ["actions", "permissions", "repositories"] if admin => Reply::List(
            o.repos
                .iter()
                .filter(|r| r.actions.as_ref().is_none_or(|a| a.enabled))
                .map(|r| render::repo(o, r, base, admin))
                .collect(),
            Some("repositories"),
        ),
        ["actions", "permissions", ..] => forbidden_org("administration=read"),
        ["actions", "runners"] if admin => Reply::List(
            o.runners.iter().map(render::runner).collect(),
            Some("runners"),
        ),
        ["actions", "runner-groups"] if admin => {
            let groups = if o.runner_groups.is_empty() {
                vec![super::scenario::RunnerGroup {
                    id: 1,
                    name: "Default".into(),
                    visibility: "all".into(),
                    default: true,
                    ..Default::default()
                }]
            } else {
                o.runner_groups.clone()
            };
            Reply::List(
                groups
                    .iter()
                    .map(|g| render::runner_group(g, login, base))
                    .collect(),
                Some("runner_groups"),
            )
        }
        ["actions", "runners" | "runner-groups"] => {
            forbidden_org("organization_self_hosted_runners=read")
        }
        [kind @ ("actions" | "dependabot"), "secrets"] if admin => {
            let list = if *kind == "actions" {
                &o.secrets
            } else {
                &o.dependabot_secrets
            };
            Reply::List(
                list.iter()
                    .map(|x| render::org_secret(x, login, base, kind))
                    .collect(),
                Some("secrets"),
            )
        }
        [
            kind @ ("actions" | "dependabot"),
            "secrets",
            name,
            "repositories",
        ] if admin => {
            let list = if *kind == "actions" {
                &o.secrets
            } else {
                &o.dependabot_secrets
            };
            match list.iter().find(|x| x.name == *name) {
                Some(sec) => Reply::List(
                    sec.selected_repositories
                        .iter()
                        .filter_map(|rn| o.repos.iter().find(|r| &r.name == rn))
                        .map(|r| render::repo(o, r, base, admin))
                        .collect(),
                    Some("repositories"),
                ),
                None => not_found(),
            }
        }
        ["actions" | "dependabot", "secrets", ..] => forbidden_org("organization_secrets=read"),
        ["actions", "variables"] if admin => Reply::List(
            o.variables
                .iter()
                .map(|v| {
                    render::variable(
                        &v.name,
                        &v.value,
                        Some(v.visibility.as_deref().unwrap_or("all")),
                    )
                })
                .collect(),
            Some("variables"),
        ),
        ["actions", "variables"] => forbidden_org("organization_actions_variables=read"),
        ["members"] => {
            let filter = query.get("filter").map(String::as_str);
            let role = query.get("role").map(String::as_str);
            if filter == Some("2fa_disabled") && !admin {
                return Reply::Error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Only owners can use this filter.".into(),
                    None,
                );
            }
            Reply::List(
                o.members
                    .iter()
                    .filter(|m| filter != Some("2fa_disabled") || !m.two_factor)
                    .filter(|m| match role {
                        Some("admin") => m.role == "admin",
                        Some("member") => m.role != "admin",
                        _ => true,
                    })
                    .map(|m| render::member(m, base))
                    .collect(),
                None,
            )
        }
        ["outside_collaborators"] => {
            let filter = query.get("filter").map(String::as_str);
            if filter == Some("2fa_disabled") && !admin {
                return Reply::Error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Only owners can use this filter.".into(),
                    None,
                );
            }
            Reply::List(
                o.outside_collaborators
                    .iter()
                    .filter(|m| filter != Some("2fa_disabled") || !m.two_factor)
                    .map(|m| render::member(m, base))
                    .collect(),
                None,
            )
        }
        ["teams"] => Reply::List(
            o.teams
                .iter()
                .map(|t| {
                    let parent = t
                        .parent
                        .as_ref()
                        .and_then(|p| o.teams.iter().find(|x| &x.slug == p));
                    render::team(t, login, base, parent)
                })
                .collect(),
            None,
        ),
        ["teams", slug, "repos"] => match o.teams.iter().find(|t| t.slug == *slug) {
            Some(t) => Reply::List(
                t.repos
                    .iter()
                    .filter_map(|(rn, perm)| {
                        o.repos
                            .iter()
                            .find(|r| &r.name == rn)
                            .filter(|r| visible(s, r))
                            .map(|r| render::team_repo(o, r, perm, base))
                    })
                    .collect(),
                None,
            ),
            None => not_found(),
        },
        ["teams", slug, "members"] => match o.teams.iter().find(|t| t.slug == *slug) {
            Some(t) => Reply::List(
                t.members.iter().map(|m| render::user(m, base)).collect(),
                None,
            ),
            None => not_found(),
        },
        ["hooks"] if admin => Reply::List(
            o.hooks
                .iter()
                .map(|h| render::hook(h, true, &format!("{base}/orgs/{login}/hooks")))
                .collect(),
            None,
        ),
        ["hooks"] => forbidden_org("organization_hooks=read"),
        ["installations"] if admin => Reply::List(
            o.installations
                .iter()
                .map(|i| render::installation(i, o, base))
                .collect(),
            Some("installations"),
        ),
        ["installations"] => forbidden_org("organization_administration=read"),
        ["copilot", "billing"] if admin => match &o.copilot {
            Some(c) => Reply::Json(render::copilot_billing(c)),
            None => Reply::Error(
                StatusCode::NOT_FOUND,
                "Copilot Business is not enabled for this organization".into(),
                None,
            ),
        },
        ["copilot", ..] => forbidden_org("organization_copilot_seat_management=read"),
        ["rulesets"] => Reply::List(
            o.rulesets
                .iter()
                .map(|rs| {
                    let mut v = render::ruleset(rs, "Organization", login, base);
                    if let Value::Object(m) = &mut v {
                        for k in ["rules", "conditions", "bypass_actors", "target"] {
                            m.remove(k);
                        }
                    }
                    v
                })
                .collect(),
            None,
        ),
        ["rulesets", id] => match o
            .rulesets
            .iter()
            .find(|rs| id.parse::<u64>().ok() == Some(rs.id))
        {
            Some(rs) => Reply::Json(render::ruleset(rs, "Organization", login, base)),
            None => not_found(),
        },
        [
            kind @ ("secret-scanning" | "code-scanning" | "dependabot"),
            "alerts",
        ] => {
            if !admin {
                return forbidden_org("security_events=read");
            }
            let want = kind.replace('-', "_");
            let state_filter = query.get("state");
            Reply::List(
                o.alerts
                    .iter()
                    .filter(|a| a.kind == want)
                    .filter(|a| state_filter.is_none_or(|st| &a.state == st))
                    .filter(|a| o.repos.iter().any(|r| r.name == a.repo && visible(s, r)))
                    .map(|a| render::alert(a, o, base))
                    .collect(),
                None,
            )
        }
        _ => not_found(),
    }
}

fn repo_route(
    s: &Scenario,
    o: &Org,
    r: &Repo,
    rest: &[&str],
    query: &BTreeMap<String, String>,
    base: &str,
    admin: bool,
) -> Reply {
    let full = format!("{}/{}", o.login, r.name);
    let _ = s;
    let effective_actions = || r.actions.clone().unwrap_or_else(|| o.actions.clone());
    match rest {
        [] => Reply::Json(render::repo(o, r, base, admin)),
        ["git", "trees", sha] => {
            if r.files.is_empty() {
                return Reply::Error(
                    StatusCode::CONFLICT,
                    "Git Repository is empty.".into(),
                    None,
                );
            }
            let _ = sha;
            Reply::Json(render::tree(o, r, base))
        }
        ["git", "blobs", sha] => match r.files.values().find(|c| render::sha_for(c) == *sha) {
            Some(c) => Reply::Json(render::blob(o, r, c, base)),
            None => not_found(),
        },
        ["contents", path @ ..] => {
            let path = path.join("/");
            match r.files.get(&path) {
                Some(c) => Reply::Json(render::content_file(o, r, &path, c, base)),
                None => not_found(),
            }
        }
        ["branches", branch, "protection"] => {
            if !admin {
                return forbidden_repo("administration=read");
            }
            match (&r.protection, *branch == r.default_branch) {
                (Some(rules), true) => Reply::Json(render::protection(o, r, rules, base)),
                _ => Reply::Error(StatusCode::NOT_FOUND, "Branch not protected".into(), None),
            }
        }
        ["rules", "branches", branch] => {
            let mut out = Vec::new();
            for rs in &r.rulesets {
                if ruleset_applies(rs, &r.name, branch, &r.default_branch) {
                    for rule in render::ruleset_rules(&rs.rules) {
                        out.push(render::branch_rule(&rule, rs, "Repository", &full));
                    }
                }
            }
            for rs in &o.rulesets {
                if ruleset_applies(rs, &r.name, branch, &r.default_branch) {
                    for rule in render::ruleset_rules(&rs.rules) {
                        out.push(render::branch_rule(&rule, rs, "Organization", &o.login));
                    }
                }
            }
            Reply::List(out, None)
        }
        ["rulesets"] => Reply::List(
            r.rulesets
                .iter()
                .map(|rs| render::ruleset(rs, "Repository", &full, base))
                .collect(),
            None,
        ),
        ["rulesets", id] => {
            let id = id.parse::<u64>().ok();
            match r.rulesets.iter().find(|rs| Some(rs.id) == id) {
                Some(rs) => Reply::Json(render::ruleset(rs, "Repository", &full, base)),
                None => match o.rulesets.iter().find(|rs| Some(rs.id) == id) {
                    Some(rs) => Reply::Json(render::ruleset(rs, "Organization", &o.login, base)),
                    None => not_found(),
                },
            }
        }
        ["actions", "permissions"] if admin => Reply::Json(render::repo_actions(
            &effective_actions(),
            render::repo_id(o, r),
            base,
        )),
        ["actions", "permissions", "workflow"] if admin => {
            Reply::Json(render::workflow_permissions(&effective_actions()))
        }
        ["actions", "permissions", ..] => forbidden_repo("administration=read"),
        ["actions", "secrets"] if admin => Reply::List(
            r.secrets.iter().map(|n| render::repo_secret(n)).collect(),
            Some("secrets"),
        ),
        ["dependabot", "secrets"] if admin => Reply::List(
            r.dependabot_secrets
                .iter()
                .map(|n| render::repo_secret(n))
                .collect(),
            Some("secrets"),
        ),
        ["actions" | "dependabot", "secrets"] => forbidden_repo("secrets=read"),
        ["actions", "variables"] if admin => Reply::List(
            r.variables
                .iter()
                .map(|v| render::variable(&v.name, &v.value, None))
                .collect(),
            Some("variables"),
        ),
        ["actions", "variables"] => forbidden_repo("actions_variables=read"),
        ["actions", "runners"] if admin => Reply::List(
            r.runners.iter().map(render::runner).collect(),
            Some("runners"),
        ),
        ["actions", "runners"] => forbidden_repo("administration=read"),
        ["environments"] => Reply::List(
            r.environments
                .iter()
                .map(|e| render::environment(o, r, e, base))
                .collect(),
            Some("environments"),
        ),
        ["environments", env, "secrets"] if admin => {
            match r.environments.iter().find(|e| e.name == *env) {
                Some(e) => Reply::List(
                    e.secrets.iter().map(|n| render::repo_secret(n)).collect(),
                    Some("secrets"),
                ),
                None => not_found(),
            }
        }
        ["environments", _, "secrets"] => forbidden_repo("environments=read"),
        ["collaborators"] if admin => {
            let affiliation = query
                .get("affiliation")
                .map(String::as_str)
                .unwrap_or("all");
            let outside: Vec<&str> = o
                .outside_collaborators
                .iter()
                .map(|m| m.login.as_str())
                .collect();
            Reply::List(
                r.collaborators
                    .iter()
                    .filter(|c| match affiliation {
                        "outside" => outside.contains(&c.login.as_str()),
                        _ => true,
                    })
                    .map(|c| render::collaborator(&c.login, &c.permission, base))
                    .collect(),
                None,
            )
        }
        ["collaborators"] => forbidden_repo("metadata=read"),
        ["teams"] => Reply::List(
            o.teams
                .iter()
                .filter(|t| t.repos.contains_key(&r.name))
                .map(|t| render::team(t, &o.login, base, None))
                .collect(),
            None,
        ),
        ["hooks"] if admin => Reply::List(
            r.hooks
                .iter()
                .map(|h| render::hook(h, false, &format!("{base}/repos/{full}/hooks")))
                .collect(),
            None,
        ),
        ["hooks"] => forbidden_repo("repository_hooks=read"),
        ["keys"] if admin => Reply::List(
            r.deploy_keys
                .iter()
                .map(|k| render::deploy_key(k, &format!("{base}/repos/{full}/keys")))
                .collect(),
            None,
        ),
        ["keys"] => forbidden_repo("administration=read"),
        ["vulnerability-alerts"] => {
            if r.security.dependabot_security_updates {
                Reply::NoContent
            } else {
                Reply::Error(
                    StatusCode::NOT_FOUND,
                    "Vulnerability alerts are disabled.".into(),
                    None,
                )
            }
        }
        _ => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_decode_as_form_data() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("a+b%2Bc"), "a b+c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }

    #[test]
    fn etags_are_fnv1a_of_the_body() {
        assert_eq!(etag_of(b""), "W/\"cbf29ce484222325\"");
        assert_eq!(etag_of(br#"{"a":1}"#), "W/\"9c3e82dd6fcae8b1\"");
    }

    #[test]
    fn ruleset_ref_patterns_read_like_github() {
        assert!(ref_pattern_matches("main", "main"));
        assert!(!ref_pattern_matches("main", "Main"));
        assert!(ref_pattern_matches("release/*", "release/1.0"));
        assert!(!ref_pattern_matches("release/*", "release/1.0/fix"));
        assert!(ref_pattern_matches("release/**/*", "release/1.0/fix"));
        assert!(!ref_pattern_matches("release/**", "release/1.0/fix"));
        assert!(ref_pattern_matches("v[0-9]*", "v2"));
        assert!(ref_pattern_matches("{a,b}", "{a,b}"));
        assert!(!ref_pattern_matches("{a,b}", "a"));
        assert!(ref_pattern_matches("feat/[", "feat/["));
        assert!(!ref_pattern_matches("feat/[", "feat/x"));
    }
}
