//! The axum server: routing of Azure DevOps REST paths to the scenario, continuation-token paging
//! (`x-ms-continuationtoken` header, `continuationToken` / `$top` parameters), ETags and `304`,
//! authentication (Basic PAT: `203` sign-in page without credentials, `401` for a wrong PAT),
//! permission denials with ADO's error bodies, throttling (`429` with `Retry-After` and
//! `X-RateLimit-*`), injected faults (5xx, latency, truncated JSON) and request counters.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::render::Ctx;
use super::scenario::{Project, Scenario, fnv1a};

/// Injected faults. Rates are probabilities in `0.0..=1.0`, drawn deterministically from `seed`
/// and the request number, so a run is reproducible.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Share of requests answered with a 5xx.
    pub error_rate: f64,
    /// Share of requests answered with `429`.
    pub throttle_rate: f64,
    /// Every n-th request is answered with `429` (0 = never).
    pub throttle_every: u64,
    /// `Retry-After` seconds sent with a 429.
    pub retry_after_secs: u64,
    /// Latency added to every response.
    pub latency_ms: u64,
    /// Share of 200 responses whose JSON body is cut in half.
    pub truncate_rate: f64,
    /// Seed of the fault draws.
    pub seed: u64,
}

/// Server configuration.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest page a list returns (smaller `$top` wins).
    pub page_size: usize,
    /// Injected faults.
    pub faults: Faults,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            page_size: 100,
            faults: Faults::default(),
        }
    }
}

/// Request counters.
#[derive(Debug, Default)]
pub struct Counters {
    total: AtomicU64,
    by_endpoint: Mutex<BTreeMap<String, u64>>,
    by_project: Mutex<BTreeMap<String, u64>>,
    by_status: Mutex<BTreeMap<u16, u64>>,
}

impl Counters {
    /// Requests received.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Requests per endpoint template (`git/repositories`, `build/definitions`, …).
    pub fn by_endpoint(&self) -> BTreeMap<String, u64> {
        lock(&self.by_endpoint).clone()
    }

    /// Requests per project (name as requested); org-level calls under `(org)`.
    pub fn by_project(&self) -> BTreeMap<String, u64> {
        lock(&self.by_project).clone()
    }

    /// Responses per HTTP status.
    pub fn by_status(&self) -> BTreeMap<u16, u64> {
        lock(&self.by_status).clone()
    }

    /// Resets every counter to zero.
    pub fn reset(&self) {
        self.total.store(0, Ordering::Relaxed);
        lock(&self.by_endpoint).clear();
        lock(&self.by_project).clear();
        lock(&self.by_status).clear();
    }

    fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K) {
        *lock(map).entry(key).or_default() += 1;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct AppState {
    scenario: Scenario,
    config: ServerConfig,
    base: String,
    counters: Arc<Counters>,
    expected_auth: Option<String>,
}

/// A running fake Azure DevOps server; stops when dropped.
#[derive(Debug)]
pub struct AzureFake {
    base_url: String,
    counters: Arc<Counters>,
    task: tokio::task::JoinHandle<()>,
}

impl AzureFake {
    /// Starts the server on `127.0.0.1:0`.
    pub async fn start(scenario: Scenario, config: ServerConfig) -> std::io::Result<Self> {
        Self::start_on(scenario, config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts the server on `addr`.
    pub async fn start_on(
        scenario: Scenario,
        config: ServerConfig,
        addr: SocketAddr,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let base = format!("http://{local}");
        let counters = Arc::new(Counters::default());
        let expected_auth = scenario.pat.as_deref().map(basic_auth);
        let state = Arc::new(AppState {
            scenario,
            config,
            base: base.clone(),
            counters: counters.clone(),
            expected_auth,
        });
        let app = Router::new().fallback(handle).with_state(state);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "fake azure devops server stopped");
            }
        });
        tracing::debug!(%base, "fake azure devops server listening");
        Ok(Self {
            base_url: base,
            counters,
            task,
        })
    }

    /// Base URL (`http://127.0.0.1:PORT`), to pass as `--azure-url`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The request counters.
    pub fn counters(&self) -> &Arc<Counters> {
        &self.counters
    }
}

impl Drop for AzureFake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The Basic `Authorization` value a client sends for `pat` (empty user name, standard base64).
fn basic_auth(pat: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!(":{pat}")))
}

/// Percent-decodes a URL component (`+` stays `+`; a `%` not followed by two hex digits stays;
/// invalid UTF-8 is replaced).
fn pct_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn parse_query(q: Option<&str>) -> BTreeMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (pct_decode(k), pct_decode(v))
        })
        .collect()
}

/// A successful answer of a route.
enum Answer {
    /// JSON body with an optional continuation token.
    Json(Value, Option<String>),
    /// Plain text body.
    Text(String),
}

/// A failed route.
struct Miss {
    status: StatusCode,
    body: Value,
}

fn ado_error(message: &str, type_key: &str, type_name: &str) -> Value {
    json!({
        "$id": "1",
        "innerException": null,
        "message": message,
        "typeName": type_name,
        "typeKey": type_key,
        "errorCode": 0,
        "eventId": 3000
    })
}

fn not_found(what: &str) -> Miss {
    Miss {
        status: StatusCode::NOT_FOUND,
        body: ado_error(
            what,
            "ResourceNotFoundException",
            "Microsoft.TeamFoundation.Framework.Server.ResourceNotFoundException, Microsoft.TeamFoundation.Framework.Server",
        ),
    }
}

fn no_project(name: &str) -> Miss {
    Miss {
        status: StatusCode::NOT_FOUND,
        body: ado_error(
            &format!(
                "TF200016: The following project does not exist: {name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server."
            ),
            "ProjectDoesNotExistException",
            "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException, Microsoft.TeamFoundation.Core.WebApi",
        ),
    }
}

/// Draws a deterministic number in `0.0..1.0` for request `n` and purpose `what`.
fn draw(seed: u64, n: u64, what: &str) -> f64 {
    let h = fnv1a(&[&seed.to_string(), &n.to_string(), what]);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The endpoint template of a path, for counters.
fn template(segs: &[String]) -> String {
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let at = lower.iter().position(|s| s == "_apis");
    let Some(at) = at else {
        return "(other)".into();
    };
    let rest = &lower[at + 1..];
    let r: Vec<&str> = rest.iter().map(String::as_str).collect();
    match r.as_slice() {
        ["projects"] => "projects",
        ["projects", _, "teams"] => "projects/teams",
        ["distributedtask", "pools"] => "distributedtask/pools",
        ["distributedtask", "pools", _, "agents"] => "distributedtask/pools/agents",
        ["graph", "users"] => "graph/users",
        ["graph", "groups"] => "graph/groups",
        ["graph", "memberships", _] => "graph/memberships",
        ["git", "repositories"] => "git/repositories",
        ["git", "repositories", _] => "git/repository",
        ["git", "repositories", _, "items"] => "git/items",
        ["management", "repositories", _, "enablement"] => "advsec/enablement",
        ["policy", "configurations"] => "policy/configurations",
        ["build", "definitions"] => "build/definitions",
        ["build", "definitions", _] => "build/definition",
        ["build", "generalsettings"] => "build/generalsettings",
        ["distributedtask", "variablegroups"] => "distributedtask/variablegroups",
        ["distributedtask", "securefiles"] => "distributedtask/securefiles",
        ["distributedtask", "queues"] => "distributedtask/queues",
        ["serviceendpoint", "endpoints"] => "serviceendpoint/endpoints",
        ["pipelines", "pipelinepermissions", _, _] => "pipelines/pipelinepermissions",
        ["pipelines", "environments"] => "pipelines/environments",
        ["pipelines", "checks", "configurations"] => "pipelines/checks/configurations",
        _ => "(unknown)",
    }
    .into()
}

async fn handle(State(st): State<Arc<AppState>>, req: Request) -> Response<Body> {
    let n = st.counters.total.fetch_add(1, Ordering::Relaxed) + 1;
    let path = req.uri().path().to_string();
    let query = parse_query(req.uri().query());
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(pct_decode)
        .collect();
    let tmpl = template(&segs);
    Counters::bump(&st.counters.by_endpoint, tmpl.clone());
    let project_key = match segs.get(1) {
        Some(s) if !s.eq_ignore_ascii_case("_apis") => s.clone(),
        _ => "(org)".into(),
    };
    Counters::bump(&st.counters.by_project, project_key.clone());
    tracing::trace!(%path, n, "fake azure request");

    let faults = &st.config.faults;
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let resp = respond(&st, n, req.headers(), &segs, &query, &project_key);
    Counters::bump(&st.counters.by_status, resp.status().as_u16());
    resp
}

fn respond(
    st: &AppState,
    n: u64,
    headers: &HeaderMap,
    segs: &[String],
    query: &BTreeMap<String, String>,
    project_key: &str,
) -> Response<Body> {
    let faults = &st.config.faults;
    // Authentication.
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match (auth, &st.expected_auth) {
        (None, _) => return sign_in_page(),
        (Some(got), Some(want)) if got != want => return access_denied(),
        _ => {}
    }
    // Permission denials.
    let joined = format!("/{}", segs.join("/"));
    for d in &st.scenario.deny {
        let project_ok = d
            .project
            .as_deref()
            .is_none_or(|p| p.eq_ignore_ascii_case(project_key));
        if project_ok
            && joined
                .to_ascii_lowercase()
                .contains(&d.path_contains.to_ascii_lowercase())
        {
            return denial(d.status, &joined);
        }
    }
    // Throttling.
    let throttled = (faults.throttle_every > 0 && n.is_multiple_of(faults.throttle_every))
        || (faults.throttle_rate > 0.0 && draw(faults.seed, n, "429") < faults.throttle_rate);
    if throttled {
        return throttle(faults.retry_after_secs);
    }
    if faults.error_rate > 0.0 && draw(faults.seed, n, "5xx") < faults.error_rate {
        let status = match n % 3 {
            0 => StatusCode::INTERNAL_SERVER_ERROR,
            1 => StatusCode::BAD_GATEWAY,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        return json_response(
            status,
            &ado_error(
                &format!(
                    "TF400898: An Internal Error Occurred. Activity Id: {}.",
                    super::scenario::guid(&["activity", &n.to_string()])
                ),
                "InternalServerErrorException",
                "Microsoft.VisualStudio.Services.WebApi.InternalServerErrorException",
            ),
            None,
        );
    }
    let ctx = Ctx {
        base: &st.base,
        sc: &st.scenario,
    };
    match route(&ctx, &st.config, segs, query) {
        Ok(Answer::Text(t)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from(t))
            .unwrap_or_default(),
        Ok(Answer::Json(v, token)) => {
            let body = v.to_string();
            let etag = format!("\"{:016x}\"", fnv1a(&[&body]));
            let inm = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok());
            if inm == Some(etag.as_str()) {
                return Response::builder()
                    .status(StatusCode::NOT_MODIFIED)
                    .header(header::ETAG, etag)
                    .body(Body::empty())
                    .unwrap_or_default();
            }
            let body = if faults.truncate_rate > 0.0
                && draw(faults.seed, n, "trunc") < faults.truncate_rate
            {
                body[..body.len() / 2].to_string()
            } else {
                body
            };
            let mut b = Response::builder()
                .status(StatusCode::OK)
                .header(
                    header::CONTENT_TYPE,
                    "application/json; charset=utf-8; api-version=7.1",
                )
                .header(header::ETAG, etag)
                .header(
                    "x-vss-e2eid",
                    super::scenario::guid(&["e2e", &n.to_string()]),
                );
            if let Some(t) = token {
                b = b.header("x-ms-continuationtoken", t);
            }
            b.body(Body::from(body)).unwrap_or_default()
        }
        Err(m) => json_response(m.status, &m.body, None),
    }
}

fn json_response(status: StatusCode, v: &Value, extra: Option<HeaderMap>) -> Response<Body> {
    let mut r = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from(v.to_string()))
        .unwrap_or_default();
    if let Some(h) = extra {
        r.headers_mut().extend(h);
    }
    r
}

/// What Azure DevOps answers to an API call without credentials: `203 Non-Authoritative
/// Information` with the HTML sign-in page.
fn sign_in_page() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NON_AUTHORITATIVE_INFORMATION)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(
            "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head>\
             <body><div class=\"signin\">Sign in to your account</div></body></html>",
        ))
        .unwrap_or_default()
}

/// What Azure DevOps answers to a wrong or expired PAT.
fn access_denied() -> Response<Body> {
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::WWW_AUTHENTICATE, "Basic realm=\"https://dev.azure.com/\"")
        .header("x-tfs-serviceerror", "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.")
        .body(Body::from(
            "<html><head><title>Access Denied</title></head><body>Access Denied: The Personal Access Token used has expired.</body></html>",
        ))
        .unwrap_or_default()
}

fn denial(status: u16, path: &str) -> Response<Body> {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
    let body = match status {
        401 => ado_error(
            "TF400813: The user 'aad.fake-user' is not authorized to access this resource.",
            "UnauthorizedRequestException",
            "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
        ),
        404 => ado_error(
            &format!(
                "TF401019: The resource at {path} does not exist or you do not have permissions for the operation you are attempting."
            ),
            "ResourceNotFoundException",
            "Microsoft.TeamFoundation.Framework.Server.ResourceNotFoundException, Microsoft.TeamFoundation.Framework.Server",
        ),
        _ => ado_error(
            "VS403403: Access denied. The user does not have the permissions required to perform this action.",
            "AccessCheckException",
            "Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi",
        ),
    };
    json_response(code, &body, None)
}

fn throttle(retry_after: u64) -> Response<Body> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut h = HeaderMap::new();
    let mut put = |k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    put("retry-after", retry_after.to_string());
    put("x-ratelimit-resource", "Core".into());
    put("x-ratelimit-delay", "2.5".into());
    put("x-ratelimit-limit", "200".into());
    put("x-ratelimit-remaining", "0".into());
    put("x-ratelimit-reset", (now + retry_after).to_string());
    json_response(
        StatusCode::TOO_MANY_REQUESTS,
        &ado_error(
            "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core' in namespace 'User'.",
            "RequestBlockedException",
            "Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server",
        ),
        Some(h),
    )
}

/// Pages a list: `continuationToken` is the offset, `$top` the page size (capped by the server).
fn page(items: Vec<Value>, query: &BTreeMap<String, String>, cfg: &ServerConfig) -> Answer {
    let start: usize = query
        .get("continuationToken")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let top: usize = query
        .get("$top")
        .and_then(|t| t.parse().ok())
        .unwrap_or(cfg.page_size)
        .min(cfg.page_size)
        .max(1);
    let total = items.len();
    let slice: Vec<Value> = items.into_iter().skip(start).take(top).collect();
    let next = (start + slice.len() < total).then(|| (start + slice.len()).to_string());
    Answer::Json(json!({"count": slice.len(), "value": slice}), next)
}

fn route(
    ctx: &Ctx<'_>,
    cfg: &ServerConfig,
    segs: &[String],
    query: &BTreeMap<String, String>,
) -> Result<Answer, Miss> {
    let sc = ctx.sc;
    let Some(org) = segs.first() else {
        return Err(not_found("No organisation in the path."));
    };
    if !org.eq_ignore_ascii_case(&sc.org) {
        return Err(not_found(&format!(
            "TF400813: The organization '{org}' could not be found."
        )));
    }
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    // Organisation-level routes.
    if l.get(1) == Some(&"_apis") {
        return match &l[2..] {
            ["projects"] => Ok(page(
                sc.projects.iter().map(|p| ctx.project(p)).collect(),
                query,
                cfg,
            )),
            ["projects", _, "teams"] => {
                let p = sc.project(&segs[3]).ok_or_else(|| no_project(&segs[3]))?;
                Ok(page(
                    p.teams.iter().map(|t| ctx.team(p, t)).collect(),
                    query,
                    cfg,
                ))
            }
            ["distributedtask", "pools"] => Ok(page(
                sc.pools.iter().map(|p| ctx.pool(p)).collect(),
                query,
                cfg,
            )),
            ["distributedtask", "pools", id, "agents"] => {
                let pool = sc
                    .pools
                    .iter()
                    .find(|p| p.id.to_string() == *id)
                    .ok_or_else(|| not_found(&format!("Agent pool {id} not found.")))?;
                Ok(page(
                    pool.agents.iter().map(|a| ctx.agent(pool, a)).collect(),
                    query,
                    cfg,
                ))
            }
            ["graph", "users"] => Ok(page(
                sc.users.iter().map(|u| ctx.graph_user(u)).collect(),
                query,
                cfg,
            )),
            ["graph", "groups"] => Ok(page(
                sc.groups.iter().map(|g| ctx.graph_group(g)).collect(),
                query,
                cfg,
            )),
            ["graph", "memberships", _] => {
                let desc = &segs[4];
                let g = sc
                    .groups
                    .iter()
                    .find(|g| super::render::group_descriptor(&ctx.group_principal(g)) == *desc);
                let items = g.map(|g| ctx.memberships_down(g)).unwrap_or_default();
                Ok(Answer::Json(
                    json!({"count": items.len(), "value": items}),
                    None,
                ))
            }
            _ => Err(not_found("The requested resource does not exist.")),
        };
    }
    // Project-level routes.
    let Some(pname) = segs.get(1) else {
        return Err(not_found("No project in the path."));
    };
    if l.get(2) != Some(&"_apis") {
        return Err(not_found("The requested resource does not exist."));
    }
    let p = sc.project(pname).ok_or_else(|| no_project(pname))?;
    project_route(ctx, cfg, p, &segs[3..], &l[3..], query)
}

fn find_repo<'a>(p: &'a Project, id: &str) -> Result<&'a super::scenario::Repo, Miss> {
    p.repo(id).ok_or_else(|| {
        not_found(&format!(
            "TF401019: The Git repository with name or identifier {id} does not exist or you do not have permissions for the operation you are attempting."
        ))
    })
}

fn project_route(
    ctx: &Ctx<'_>,
    cfg: &ServerConfig,
    p: &Project,
    segs: &[String],
    l: &[&str],
    query: &BTreeMap<String, String>,
) -> Result<Answer, Miss> {
    let flag = |k: &str| query.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    match l {
        ["git", "repositories"] => Ok(page(
            p.repos.iter().map(|r| ctx.repo(p, r)).collect(),
            query,
            cfg,
        )),
        ["git", "repositories", _] => {
            let r = find_repo(p, &segs[2])?;
            Ok(Answer::Json(ctx.repo(p, r), None))
        }
        ["git", "repositories", _, "items"] => {
            let r = find_repo(p, &segs[2])?;
            let want = query.get("path").map(String::as_str).unwrap_or("/");
            let norm = want.trim_start_matches('/');
            let content = r
                .files
                .iter()
                .find(|(k, _)| k.trim_start_matches('/') == norm)
                .map(|(_, v)| v);
            let Some(content) = content else {
                return Err(Miss {
                    status: StatusCode::NOT_FOUND,
                    body: ado_error(
                        &format!(
                            "TF401174: The item '{want}' could not be found in the repository '{}' at the version specified by '<Branch: {} >' (resolved to commit '0000000000000000000000000000000000000000').",
                            r.name,
                            r.default_branch.as_deref().unwrap_or("main")
                        ),
                        "GitItemNotFoundException",
                        "Microsoft.TeamFoundation.Git.Server.GitItemNotFoundException, Microsoft.TeamFoundation.Git.Server",
                    ),
                });
            };
            let path = format!("/{norm}");
            if flag("includeContent") {
                Ok(Answer::Json(ctx.item(p, r, &path, content), None))
            } else {
                Ok(Answer::Text(content.clone()))
            }
        }
        ["management", "repositories", _, "enablement"] => {
            let r = find_repo(p, &segs[2])?;
            Ok(Answer::Json(ctx.advsec(p, r), None))
        }
        ["policy", "configurations"] => {
            let mut items = Vec::new();
            let mut id = 0i64;
            for r in &p.repos {
                for pol in &r.policies {
                    id += 1;
                    items.push(ctx.policy(p, r, pol, id));
                }
            }
            Ok(page(items, query, cfg))
        }
        ["build", "definitions"] => {
            let all = flag("includeAllProperties");
            let latest = flag("includeLatestBuilds");
            let mut defs: Vec<&super::scenario::Pipeline> = p.pipelines.iter().collect();
            defs.sort_by_key(|d| d.id);
            let items = defs
                .into_iter()
                .map(|d| {
                    if all {
                        ctx.definition(p, d, latest)
                    } else {
                        ctx.definition_ref(p, d)
                    }
                })
                .collect();
            Ok(page(items, query, cfg))
        }
        ["build", "definitions", id] => {
            let d = p
                .pipelines
                .iter()
                .find(|d| d.id.to_string() == *id)
                .ok_or_else(|| {
                    not_found(&format!(
                        "The requested build definition {id} could not be found."
                    ))
                })?;
            Ok(Answer::Json(ctx.definition(p, d, true), None))
        }
        ["build", "generalsettings"] => Ok(Answer::Json(ctx.general_settings(p), None)),
        ["distributedtask", "variablegroups"] => {
            // Shared groups appear in every project they are shared with.
            let mut items: Vec<Value> = p
                .variable_groups
                .iter()
                .map(|g| ctx.variable_group(p, g))
                .collect();
            for other in &ctx.sc.projects {
                if other.name == p.name {
                    continue;
                }
                for g in &other.variable_groups {
                    if g.shared_with
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(&p.name))
                    {
                        items.push(ctx.variable_group(other, g));
                    }
                }
            }
            Ok(page(items, query, cfg))
        }
        ["distributedtask", "securefiles"] => {
            let items: Vec<Value> = p
                .secure_files
                .iter()
                .map(|f| ctx.secure_file(p, f))
                .collect();
            Ok(Answer::Json(
                json!({"count": items.len(), "value": items}),
                None,
            ))
        }
        ["distributedtask", "queues"] => {
            let items: Vec<Value> = p.queues.iter().map(|q| ctx.queue(p, q)).collect();
            Ok(Answer::Json(
                json!({"count": items.len(), "value": items}),
                None,
            ))
        }
        ["serviceendpoint", "endpoints"] => {
            let mut items: Vec<Value> = p
                .service_connections
                .iter()
                .map(|e| ctx.endpoint(p, e))
                .collect();
            for other in &ctx.sc.projects {
                if other.name == p.name {
                    continue;
                }
                for e in &other.service_connections {
                    if e.shared_with
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(&p.name))
                    {
                        items.push(ctx.endpoint(other, e));
                    }
                }
            }
            Ok(Answer::Json(
                json!({"count": items.len(), "value": items}),
                None,
            ))
        }
        ["pipelines", "pipelinepermissions", rtype, _] => {
            let rid = segs[3].as_str();
            let found: Option<(bool, &[i64])> = match *rtype {
                "endpoint" => p
                    .service_connections
                    .iter()
                    .find(|e| e.guid(&p.name).eq_ignore_ascii_case(rid))
                    .map(|e| (e.all_pipelines, e.pipelines.as_slice())),
                "variablegroup" => p
                    .variable_groups
                    .iter()
                    .find(|g| g.id.to_string() == rid)
                    .map(|g| (g.all_pipelines, g.pipelines.as_slice())),
                "securefile" => p
                    .secure_files
                    .iter()
                    .find(|f| f.guid(&p.name).eq_ignore_ascii_case(rid))
                    .map(|f| (f.all_pipelines, f.pipelines.as_slice())),
                "queue" => p
                    .queues
                    .iter()
                    .find(|q| q.id.to_string() == rid)
                    .map(|q| (q.all_pipelines, q.pipelines.as_slice())),
                "environment" => p
                    .environments
                    .iter()
                    .find(|e| e.id.to_string() == rid)
                    .map(|e| (e.all_pipelines, e.pipelines.as_slice())),
                _ => None,
            };
            // Unknown resources answer an empty permission set, as ADO does.
            let (all, pipes) = found.unwrap_or((false, &[]));
            Ok(Answer::Json(
                ctx.pipeline_permissions(rtype, rid, all, pipes),
                None,
            ))
        }
        ["pipelines", "environments"] => Ok(page(
            p.environments
                .iter()
                .map(|e| ctx.environment(p, e))
                .collect(),
            query,
            cfg,
        )),
        ["pipelines", "checks", "configurations"] => {
            let rtype = query.get("resourceType").map(String::as_str).unwrap_or("");
            let rid = query.get("resourceId").map(String::as_str).unwrap_or("");
            let expand = query
                .get("$expand")
                .is_some_and(|e| e.eq_ignore_ascii_case("settings"));
            let items = if rtype.eq_ignore_ascii_case("environment") {
                p.environments
                    .iter()
                    .find(|e| e.id.to_string() == rid)
                    .map(|e| ctx.environment_checks(p, e, expand))
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            Ok(Answer::Json(
                json!({"count": items.len(), "value": items}),
                None,
            ))
        }
        _ => Err(not_found("The requested resource does not exist.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_rfc4648_base64() {
        assert_eq!(basic_auth(""), "Basic Og==");
        assert_eq!(basic_auth("f"), "Basic OmY=");
        assert_eq!(basic_auth("fo"), "Basic OmZv");
        assert_eq!(basic_auth("pat"), "Basic OnBhdA==");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(pct_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(pct_decode("100%"), "100%");
        assert_eq!(pct_decode("a+b%2Bc"), "a+b+c");
        assert_eq!(pct_decode("%zz%4"), "%zz%4");
        assert_eq!(pct_decode("Proj%C3%A9t"), "Projét");
    }
}
