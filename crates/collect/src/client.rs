//! [`HttpClient`]: GET requests under one policy — bounded concurrency, retries with exponential
//! backoff, rate-limit waits, a request budget, an ETag cache and counters.
//!
//! The policy, in order, for every attempt of a GET:
//! 1. stop with [`HttpError::BudgetExhausted`] once `max_requests` requests were sent;
//! 2. wait while a rate-limit pause is in force (set by an earlier answer, shared by all tasks);
//! 3. take one of `concurrency` permits and send, with `If-None-Match` when the cache has an ETag;
//! 4. `304` → the cached body (counted in [`HttpStats::not_modified`]);
//!    `2xx` → the body (cached when it carries an `ETag`);
//!    `429`, or `403` with `Retry-After` or `X-RateLimit-Remaining: 0` → wait `Retry-After`
//!    seconds or until `X-RateLimit-Reset`, with a visible message, then retry; a wait longer
//!    than `max_rate_limit_wait` stops with [`HttpError::RateLimited`];
//!    `5xx`, timeouts, transport errors → retry after `initial_backoff * 2^attempt` (capped,
//!    with jitter) up to `max_retries` times;
//!    other statuses → [`HttpError::Status`] at once (a `403`/`404` is an answer, not a fault).
//!
//! [`HttpClient::get_json`] also retries a body that is not valid JSON (a truncated response).
//!
//! Credentials stay on their origin (scheme, host, port): a `Link: rel="next"` page on another
//! origin than the first page is refused ([`HttpError::ForeignOrigin`], nothing is sent there),
//! and when [`HttpPolicy::allowed_origins`] is set, so is any request or redirect to an origin
//! outside it. Redirects that are followed drop `Authorization` and cookies when they change
//! origin (reqwest's redirect handling). Error messages a server sends back are stored with
//! credentials redacted ([`crate::redact`]), the client's own token included.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::sync::{Mutex, Semaphore};

use crate::cache::{CacheEntry, EtagCache};
use crate::progress::Progress;
use crate::secret::Secret;

/// How a collector talks to an API. `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    /// Requests in flight at once (`--concurrency`, default 8).
    pub concurrency: usize,
    /// Stop cleanly after this many requests (`--max-requests`); `None` = no budget.
    pub max_requests: Option<u64>,
    /// Retries of one request on 5xx, timeouts, transport errors and bad JSON (default 5).
    pub max_retries: u32,
    /// First backoff delay; doubles on each retry (default 500 ms).
    pub initial_backoff: Duration,
    /// Longest backoff delay (default 30 s).
    pub max_backoff: Duration,
    /// Longest rate-limit wait accepted; a longer one stops the collection (default 15 min).
    pub max_rate_limit_wait: Duration,
    /// Rate-limit waits accepted for one request before giving up (default 10).
    pub max_rate_limit_retries: u32,
    /// Timeout of one request (default 30 s).
    pub timeout: Duration,
    /// ETag cache directory (`--cache-dir`); `None` disables conditional requests.
    pub cache_dir: Option<PathBuf>,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Origins (`scheme://host[:port]`) the client may talk to, normally the API URL's (see
    /// [`crate::origin_of`]); requests and redirects elsewhere are refused. Empty = no such
    /// list (pagination links must still stay on the origin of the first page, and redirects
    /// to another origin are followed without credentials).
    pub allowed_origins: Vec<String>,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        Self {
            concurrency: 8,
            max_requests: None,
            max_retries: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_rate_limit_wait: Duration::from_secs(15 * 60),
            max_rate_limit_retries: 10,
            timeout: Duration::from_secs(30),
            cache_dir: Self::default_cache_dir(),
            user_agent: concat!("devquery/", env!("CARGO_PKG_VERSION")).to_string(),
            allowed_origins: Vec::new(),
        }
    }
}

impl HttpPolicy {
    /// The default cache directory: `<user cache dir>/devquery/http` (e.g.
    /// `~/.cache/devquery/http`), or `None` when the platform has no cache directory.
    pub fn default_cache_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("devquery").join("http"))
    }
}

/// Why a GET failed for good.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The server answered with a non-success status (after retries for 5xx).
    #[error("HTTP {status} from {endpoint}: {message}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Path of the request (no host, no query).
        endpoint: String,
        /// The error message of the body (`message` field), or the status text.
        message: String,
        /// Permissions the server said the endpoint accepts (`X-Accepted-GitHub-Permissions`,
        /// `X-Accepted-OAuth-Scopes`), when present.
        accepted_permissions: Option<String>,
    },
    /// Transport failure or timeout (after retries).
    #[error("request to {endpoint} failed: {message}")]
    Transport {
        /// Path of the request.
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// The body was not valid JSON (after retries).
    #[error("invalid JSON from {endpoint}: {message}")]
    Decode {
        /// Path of the request.
        endpoint: String,
        /// Parser message.
        message: String,
    },
    /// The `max_requests` budget is spent; the collection stops cleanly.
    #[error("request budget of {max} requests reached")]
    BudgetExhausted {
        /// The budget.
        max: u64,
    },
    /// The rate limit requires a longer wait than allowed.
    #[error("rate limited by {endpoint}: would have to wait {wait_secs} s (limit {max_secs} s)")]
    RateLimited {
        /// Path of the request.
        endpoint: String,
        /// Seconds the server asked to wait.
        wait_secs: u64,
        /// The longest accepted wait.
        max_secs: u64,
    },
    /// The server pointed the client at another origin (a pagination link or a redirect), or
    /// a request was made outside [`HttpPolicy::allowed_origins`]: refused, nothing was sent
    /// there, with or without credentials.
    #[error(
        "refused {via} to {origin} (from {endpoint}): another origin than the API's; \
         credentials and requests stay on the API origin"
    )]
    ForeignOrigin {
        /// Path of the request that led there.
        endpoint: String,
        /// The foreign origin (`scheme://host:port`), or `an invalid URL`.
        origin: String,
        /// What pointed there: `a pagination link`, `a redirect` or `a request`.
        via: &'static str,
    },
    /// The client could not be built (bad header, TLS setup).
    #[error("HTTP client setup failed: {0}")]
    Setup(String),
}

impl HttpError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the whole collection must stop (budget spent, rate limit too long).
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            HttpError::BudgetExhausted { .. } | HttpError::RateLimited { .. }
        )
    }
}

/// A successful GET.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status of the answer (`200`…; a replayed `304` reports `200`).
    pub status: u16,
    /// The `Link` header (pagination), if any.
    pub link: Option<String>,
    /// The `x-ms-continuationtoken` header (Azure DevOps paging), if any.
    pub continuation: Option<String>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// True when the body came from the ETag cache after a `304`.
    pub from_cache: bool,
}

/// A successful GET with a JSON body.
#[derive(Debug, Clone)]
pub struct JsonResponse {
    /// Parsed body.
    pub body: Value,
    /// URL of the next page (`Link: <…>; rel="next"`), if any.
    pub next: Option<String>,
    /// True when served from the cache after a `304`.
    pub from_cache: bool,
}

/// Request counters, read with [`HttpClient::stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HttpStats {
    /// Requests sent (every attempt counts).
    pub requests: u64,
    /// Answers `304 Not Modified` served from the cache.
    pub not_modified: u64,
    /// Retries (5xx, timeouts, transport errors, bad JSON).
    pub retries: u64,
    /// Rate-limit waits.
    pub rate_limit_waits: u64,
    /// Last `X-RateLimit-Remaining` seen, if any.
    pub rate_limit_remaining: Option<i64>,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    not_modified: AtomicU64,
    retries: AtomicU64,
    rate_limit_waits: AtomicU64,
    rate_limit_remaining: AtomicI64,
}

struct Inner {
    client: reqwest::Client,
    policy: HttpPolicy,
    auth: Option<HeaderValue>,
    /// The forms of the credential a server could echo ([`Secret::variants`]), for redaction.
    known_secrets: Vec<String>,
    /// [`HttpPolicy::allowed_origins`], normalised by [`crate::origin_of`].
    allowed: Vec<String>,
    semaphore: Semaphore,
    counters: Counters,
    cache: Option<EtagCache>,
    pause_until: Mutex<Option<Instant>>,
    progress: std::sync::Mutex<Option<Progress>>,
    jitter: AtomicU64,
}

/// A GET-only HTTP client under an [`HttpPolicy`]. Cheap to clone (shared state).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("policy", &self.inner.policy)
            .field("auth", &self.inner.auth.as_ref().map(|_| "***"))
            .finish()
    }
}

const UNKNOWN_REMAINING: i64 = i64::MIN;

impl HttpClient {
    /// A client with `policy`. `authorization` is the full `Authorization` header value (e.g.
    /// `Bearer …`, `Basic …`), sent marked sensitive; `headers` are added to every request.
    pub fn new(
        policy: HttpPolicy,
        authorization: Option<Secret>,
        headers: Vec<(HeaderName, HeaderValue)>,
    ) -> Result<Self, HttpError> {
        // reqwest is built with `rustls-no-provider` (ring instead of aws-lc: faster builds,
        // no cmake); install ring as the process default once. An error means one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut default_headers = HeaderMap::new();
        for (k, v) in headers {
            default_headers.insert(k, v);
        }
        let allowed: Vec<String> = policy
            .allowed_origins
            .iter()
            .map(|o| crate::origin_of(o).unwrap_or_else(|| o.clone()))
            .collect();
        let client = reqwest::Client::builder()
            .user_agent(policy.user_agent.clone())
            .default_headers(default_headers)
            .timeout(policy.timeout)
            .redirect(redirect_policy(allowed.clone()))
            .build()
            .map_err(|e| HttpError::Setup(e.to_string()))?;
        let known_secrets = authorization
            .as_ref()
            .map(Secret::variants)
            .unwrap_or_default();
        let auth = match authorization {
            Some(secret) => {
                let mut v = HeaderValue::from_str(secret.expose()).map_err(|_| {
                    HttpError::Setup("the authorization value is not a valid header".into())
                })?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        let counters = Counters::default();
        counters
            .rate_limit_remaining
            .store(UNKNOWN_REMAINING, Ordering::Relaxed);
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                semaphore: Semaphore::new(policy.concurrency.max(1)),
                cache: policy.cache_dir.clone().map(EtagCache::new),
                policy,
                auth,
                known_secrets,
                allowed,
                counters,
                pause_until: Mutex::new(None),
                progress: std::sync::Mutex::new(None),
                jitter: AtomicU64::new(0x9e37_79b9_7f4a_7c15),
            }),
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &HttpPolicy {
        &self.inner.policy
    }

    /// Shows rate-limit waits and request counts on this progress reporter.
    pub fn set_progress(&self, progress: Progress) {
        if let Ok(mut p) = self.inner.progress.lock() {
            *p = Some(progress);
        }
    }

    /// `text` with credentials redacted: this client's own credential in every form a server
    /// could echo, plus anything that looks like one ([`crate::redact`]).
    pub fn redact(&self, text: &str) -> String {
        crate::redact(text, &self.inner.known_secrets)
    }

    /// Refuses `url` when it is outside [`HttpPolicy::allowed_origins`] (when that is set).
    fn check_origin(&self, url: &str, via: &'static str) -> Result<(), HttpError> {
        if self.inner.allowed.is_empty() {
            return Ok(());
        }
        match crate::origin_of(url) {
            Some(o) if self.inner.allowed.contains(&o) => Ok(()),
            other => Err(HttpError::ForeignOrigin {
                endpoint: crate::endpoint_of(url),
                origin: other.unwrap_or_else(|| "an invalid URL".into()),
                via,
            }),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> HttpStats {
        let c = &self.inner.counters;
        let remaining = c.rate_limit_remaining.load(Ordering::Relaxed);
        HttpStats {
            requests: c.requests.load(Ordering::Relaxed),
            not_modified: c.not_modified.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            rate_limit_waits: c.rate_limit_waits.load(Ordering::Relaxed),
            rate_limit_remaining: (remaining != UNKNOWN_REMAINING).then_some(remaining),
        }
    }

    fn notice(&self, message: &str) {
        let progress = self.inner.progress.lock().ok().and_then(|p| p.clone());
        match progress {
            Some(p) => p.println(message),
            None => tracing::warn!("{message}"),
        }
    }

    fn update_progress(&self) {
        let progress = self.inner.progress.lock().ok().and_then(|p| p.clone());
        if let Some(p) = progress {
            p.set_http_stats(self.stats());
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let p = &self.inner.policy;
        let base = p
            .initial_backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(p.max_backoff);
        // xorshift jitter of up to 25 %, no RNG dependency.
        let mut x = self.inner.jitter.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.inner.jitter.store(x, Ordering::Relaxed);
        let jitter = base.as_millis() as u64 / 4;
        base + Duration::from_millis(if jitter == 0 { 0 } else { x % jitter })
    }

    async fn wait_for_pause(&self) {
        loop {
            let until = *self.inner.pause_until.lock().await;
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t.into()).await,
                _ => return,
            }
        }
    }

    async fn pause(&self, wait: Duration) {
        let mut guard = self.inner.pause_until.lock().await;
        let until = Instant::now() + wait;
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
    }

    /// GET `url` under the policy. Non-success answers become [`HttpError::Status`].
    pub async fn get(&self, url: &str) -> Result<Response, HttpError> {
        self.send(url, None, true).await
    }

    /// GET `url`, or POST `body` as JSON to it, under the policy (budget, concurrency, retries,
    /// rate-limit waits). Only GETs use the ETag cache: a POST is never conditional.
    async fn send(
        &self,
        url: &str,
        post: Option<&[u8]>,
        use_cache: bool,
    ) -> Result<Response, HttpError> {
        self.check_origin(url, "a request")?;
        let endpoint = crate::endpoint_of(url);
        let policy = &self.inner.policy;
        let use_cache = use_cache && post.is_none();
        let cached = if use_cache {
            self.inner.cache.as_ref().and_then(|c| c.get(url))
        } else {
            None
        };
        let mut attempt: u32 = 0;
        let mut rate_waits: u32 = 0;
        loop {
            // Reserve this request against the budget atomically, so concurrent tasks never
            // overshoot `max_requests`.
            let requests = &self.inner.counters.requests;
            match policy.max_requests {
                Some(max) => {
                    if requests
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                            (n < max).then_some(n + 1)
                        })
                        .is_err()
                    {
                        return Err(HttpError::BudgetExhausted { max });
                    }
                }
                None => {
                    requests.fetch_add(1, Ordering::Relaxed);
                }
            }
            self.wait_for_pause().await;
            let permit = self
                .inner
                .semaphore
                .acquire()
                .await
                .map_err(|e| HttpError::Setup(e.to_string()))?;
            let mut req = match post {
                Some(b) => self
                    .inner
                    .client
                    .post(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.to_vec()),
                None => self.inner.client.get(url),
            };
            if let Some(auth) = &self.inner.auth {
                req = req.header(reqwest::header::AUTHORIZATION, auth.clone());
            }
            if let Some(entry) = &cached {
                req = req.header(reqwest::header::IF_NONE_MATCH, entry.etag.as_str());
            }
            tracing::trace!(%endpoint, attempt, method = if post.is_some() { "POST" } else { "GET" });
            let sent = req.send().await;
            let outcome = match sent {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(body) => Ok((status, headers, body.to_vec())),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            drop(permit);
            let (status, headers, body) = match outcome {
                Ok(x) => x,
                Err(e) => {
                    let message = if e.is_timeout() {
                        "timed out".to_string()
                    } else {
                        error_chain(&e)
                    };
                    if attempt < policy.max_retries {
                        let wait = self.backoff(attempt);
                        attempt += 1;
                        self.inner.counters.retries.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(%endpoint, %message, ?wait, "transport error; retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(HttpError::Transport { endpoint, message });
                }
            };
            let remaining = header_i64(&headers, "x-ratelimit-remaining");
            // GitHub's GraphQL points are a budget of their own; the figure reported (progress,
            // `collection_runs.rate_limit_remaining`) is the REST one.
            let own_budget = headers
                .get("x-ratelimit-resource")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|r| r == "graphql");
            if let Some(r) = remaining.filter(|_| !own_budget) {
                self.inner
                    .counters
                    .rate_limit_remaining
                    .store(r, Ordering::Relaxed);
            }
            self.update_progress();
            let link = headers
                .get(reqwest::header::LINK)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let continuation = headers
                .get("x-ms-continuationtoken")
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
                .map(str::to_string);

            if status == StatusCode::NOT_MODIFIED
                && let Some(entry) = &cached
            {
                self.inner
                    .counters
                    .not_modified
                    .fetch_add(1, Ordering::Relaxed);
                return Ok(Response {
                    status: 200,
                    link: entry.link.clone(),
                    continuation: entry.continuation.clone(),
                    body: entry.body.clone().into_bytes(),
                    from_cache: true,
                });
            }
            if status.is_success() {
                if post.is_none()
                    && let (Some(cache), Some(etag)) = (
                        &self.inner.cache,
                        headers
                            .get(reqwest::header::ETAG)
                            .and_then(|v| v.to_str().ok()),
                    )
                    && let Ok(text) = std::str::from_utf8(&body)
                {
                    cache.put(&CacheEntry {
                        url: url.to_string(),
                        etag: etag.to_string(),
                        link: link.clone(),
                        continuation: continuation.clone(),
                        body: text.to_string(),
                    });
                }
                return Ok(Response {
                    status: status.as_u16(),
                    link,
                    continuation,
                    body,
                    from_cache: false,
                });
            }

            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                // A redirect the policy refused to follow (another origin).
                return Err(HttpError::ForeignOrigin {
                    endpoint,
                    origin: redirect_target(url, &headers),
                    via: "a redirect",
                });
            }
            let retry_after = header_i64(&headers, "retry-after");
            let rate_limited = status == StatusCode::TOO_MANY_REQUESTS
                || (status == StatusCode::FORBIDDEN
                    && (retry_after.is_some() || remaining == Some(0)));
            if rate_limited {
                let wait_secs = match retry_after {
                    Some(s) => s.max(0) as u64,
                    None => match header_i64(&headers, "x-ratelimit-reset") {
                        Some(reset) => {
                            let now = SystemTime::now()
                                .duration_since(UNIX_EPOCH)
                                .map(|d| d.as_secs() as i64)
                                .unwrap_or(0);
                            (reset - now).max(0) as u64 + 1
                        }
                        None => 60,
                    },
                };
                let wait = Duration::from_secs(wait_secs);
                if wait > policy.max_rate_limit_wait || rate_waits >= policy.max_rate_limit_retries
                {
                    return Err(HttpError::RateLimited {
                        endpoint,
                        wait_secs,
                        max_secs: policy.max_rate_limit_wait.as_secs(),
                    });
                }
                rate_waits += 1;
                self.inner
                    .counters
                    .rate_limit_waits
                    .fetch_add(1, Ordering::Relaxed);
                self.notice(&format!(
                    "rate limited (HTTP {}) on {endpoint}; waiting {wait_secs} s",
                    status.as_u16()
                ));
                self.pause(wait).await;
                continue;
            }
            if status.is_server_error() && attempt < policy.max_retries {
                let wait = self.backoff(attempt);
                attempt += 1;
                self.inner.counters.retries.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(%endpoint, status = status.as_u16(), ?wait, "server error; retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(self.status_error(status, endpoint, &headers, &body));
        }
    }

    /// The [`HttpError::Status`] of a refused answer: the body's `message` (or the status
    /// text) and the accepted-permissions header, both with credentials redacted.
    fn status_error(
        &self,
        status: StatusCode,
        endpoint: String,
        headers: &HeaderMap,
        body: &[u8],
    ) -> HttpError {
        let message = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("unexpected status")
                    .to_string()
            });
        let accepted_permissions = ["x-accepted-github-permissions", "x-accepted-oauth-scopes"]
            .iter()
            .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
            .filter(|s| !s.is_empty())
            .map(|s| crate::truncate_message(&self.redact(s)));
        HttpError::Status {
            status: status.as_u16(),
            endpoint,
            message: crate::truncate_message(&self.redact(&message)),
            accepted_permissions,
        }
    }

    /// GET `url` and parse the body as JSON; a body that does not parse (truncated) is fetched
    /// again (bypassing the cache) up to `max_retries` times.
    pub async fn get_json(&self, url: &str) -> Result<JsonResponse, HttpError> {
        self.json_of(url, None).await
    }

    /// POST `body` as JSON to `url` (a GraphQL endpoint) and parse the answer as JSON; retried
    /// like [`HttpClient::get_json`], never cached.
    pub async fn post_json(&self, url: &str, body: &Value) -> Result<JsonResponse, HttpError> {
        let bytes = serde_json::to_vec(body).map_err(|e| HttpError::Decode {
            endpoint: crate::endpoint_of(url),
            message: e.to_string(),
        })?;
        self.json_of(url, Some(&bytes)).await
    }

    async fn json_of(&self, url: &str, post: Option<&[u8]>) -> Result<JsonResponse, HttpError> {
        let mut attempt = 0;
        let mut use_cache = true;
        loop {
            let resp = self.send(url, post, use_cache).await?;
            match serde_json::from_slice::<Value>(&resp.body) {
                Ok(body) => {
                    return Ok(JsonResponse {
                        body,
                        next: resp.link.as_deref().and_then(next_link),
                        from_cache: resp.from_cache,
                    });
                }
                Err(e) => {
                    if let Some(cache) = &self.inner.cache {
                        cache.remove(url);
                    }
                    use_cache = false;
                    if attempt >= self.inner.policy.max_retries {
                        return Err(HttpError::Decode {
                            endpoint: crate::endpoint_of(url),
                            message: e.to_string(),
                        });
                    }
                    attempt += 1;
                    self.inner.counters.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(endpoint = %crate::endpoint_of(url), "invalid JSON body; retrying");
                    tokio::time::sleep(self.backoff(attempt - 1)).await;
                }
            }
        }
    }

    /// GET every page of a list, following `Link: rel="next"`. The items are the body itself
    /// when it is an array, else the array under `items_key` (e.g. `runners` in
    /// `{"total_count": 2, "runners": [...]}`). A next page on another origin than `url` is
    /// never requested: the list fails with [`HttpError::ForeignOrigin`].
    pub async fn get_paginated(
        &self,
        url: &str,
        items_key: Option<&str>,
    ) -> Result<Vec<Value>, HttpError> {
        let mut out = Vec::new();
        let mut next = Some(url.to_string());
        let mut pages = 0usize;
        while let Some(u) = next.take() {
            let page = self.get_json(&u).await?;
            let items = match (page.body, items_key) {
                (Value::Array(items), _) => items,
                (Value::Object(mut map), Some(key)) => match map.remove(key) {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            out.extend(items);
            pages += 1;
            // A server that links a page to itself must not loop forever.
            next = match page.next {
                Some(n) => Some(next_page(url, &u, &n)?),
                None => None,
            }
            .filter(|n| *n != u && pages < 10_000);
        }
        Ok(out)
    }
}

/// The absolute URL of the `next` link `link` found on page `current` of the list that started
/// at `first`, when it stays on the origin of `first`.
fn next_page(first: &str, current: &str, link: &str) -> Result<String, HttpError> {
    let resolved = reqwest::Url::parse(current)
        .and_then(|base| base.join(link))
        .ok();
    let origin = resolved.as_ref().and_then(crate::origin::origin_of_url);
    match (resolved, origin) {
        (Some(next), Some(o)) if Some(&o) == crate::origin_of(first).as_ref() => {
            Ok(next.to_string())
        }
        (_, o) => Err(HttpError::ForeignOrigin {
            endpoint: crate::endpoint_of(current),
            origin: o.unwrap_or_else(|| "an invalid URL".into()),
            via: "a pagination link",
        }),
    }
}

/// The longest redirect chain followed.
const MAX_REDIRECTS: usize = 10;

/// Redirects: at most [`MAX_REDIRECTS`]; with an `allowed` list, a redirect to an origin outside
/// it is not followed (the 3xx answer becomes [`HttpError::ForeignOrigin`]). A followed redirect
/// to another origin carries no `Authorization` or cookies (reqwest drops them).
fn redirect_policy(allowed: Vec<String>) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        let ok = allowed.is_empty()
            || crate::origin::origin_of_url(attempt.url()).is_some_and(|o| allowed.contains(&o));
        if ok { attempt.follow() } else { attempt.stop() }
    })
}

/// The origin a refused redirect pointed to (its `Location`, resolved against `url`).
fn redirect_target(url: &str, headers: &HeaderMap) -> String {
    headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|loc| reqwest::Url::parse(url).ok()?.join(loc).ok())
        .and_then(|u| crate::origin::origin_of_url(&u))
        .unwrap_or_else(|| "an invalid URL".into())
}

fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse().ok())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// The `rel="next"` URL of a `Link` header.
pub(crate) fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let url = pieces.next()?.trim();
        let is_next = pieces.any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        (is_next && url.starts_with('<') && url.ends_with('>'))
            .then(|| url[1..url.len() - 1].to_string())
    })
}
