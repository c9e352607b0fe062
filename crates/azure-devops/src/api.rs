//! The Azure DevOps side of HTTP: URLs with `api-version`, JSON GETs through the shared policy
//! ([`devquery_collect::HttpClient`]), continuation-token paging, recognition of the `203`
//! sign-in page, and turning failures into `collection_errors` rows with the PAT scope that
//! would have allowed the call.

use std::sync::Arc;

use devquery_collect::{ErrorContext, ErrorRecorder, HttpClient, HttpError};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::outcome::{Stop, Unread};

/// A page of a list and the token of the next one.
#[derive(Debug)]
pub(crate) struct Fetched {
    /// Parsed body.
    pub body: Value,
    /// Continuation token for the next page, if any.
    pub continuation: Option<String>,
}

/// The HTTP transport the collector needs. Implemented by the shared policy client; a separate
/// trait so the collector does not depend on how the policy exposes response headers.
pub(crate) trait Transport: Send + Sync {
    /// GET `url` and parse JSON.
    fn fetch<'a>(
        &'a self,
        url: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<Fetched, HttpError>>;
}

impl Transport for HttpClient {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<Fetched, HttpError>> {
        Box::pin(async move {
            let resp = self.get(url).await?;
            // Azure DevOps answers a call without (valid) credentials with `203` and its HTML
            // sign-in page instead of a 401.
            if resp.status == 203 || resp.body.first().is_some_and(|b| *b == b'<') {
                return Err(HttpError::Status {
                    status: 203,
                    endpoint: devquery_collect::endpoint_of(url),
                    message:
                        "Azure DevOps answered with its sign-in page: the PAT is missing or invalid"
                            .into(),
                    accepted_permissions: None,
                });
            }
            let body = match serde_json::from_slice::<Value>(&resp.body) {
                Ok(v) => v,
                // A truncated body: the policy's JSON GET retries it (bypassing the cache).
                Err(_) => self.get_json(url).await?.body,
            };
            let continuation = continuation_of(&resp, &body);
            Ok(Fetched { body, continuation })
        })
    }
}

/// The continuation token of a response: the `x-ms-continuationtoken` header (replayed from
/// the ETag cache on a `304`), else a `continuationToken` body field.
fn continuation_of(resp: &devquery_collect::Response, body: &Value) -> Option<String> {
    resp.continuation.clone().or_else(|| {
        body.get("continuationToken")
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|t| !t.is_empty())
    })
}

/// The PAT scope an endpoint needs, for `collection_errors.missing_permission`.
pub(crate) fn scope_for(endpoint: &str) -> &'static str {
    let e = endpoint.to_ascii_lowercase();
    if e.contains("/_apis/graph/") {
        "Graph (Read) vso.graph"
    } else if e.contains("/_apis/management/") {
        "Advanced Security (Read) vso.advsec"
    } else if e.contains("/_apis/git/") || e.contains("/_apis/policy/") {
        "Code (Read) vso.code"
    } else if e.contains("/_apis/distributedtask/variablegroups") {
        "Variable Groups (Read) vso.variablegroups_read"
    } else if e.contains("/_apis/distributedtask/securefiles") {
        "Secure Files (Read) vso.securefiles_read"
    } else if e.contains("/_apis/distributedtask/") {
        "Agent Pools (Read) vso.agentpools"
    } else if e.contains("/_apis/serviceendpoint/") {
        "Service Connections (Read) vso.serviceendpoint"
    } else if e.contains("/_apis/pipelines/environments") {
        "Environment (Read & manage) vso.environment_manage"
    } else if e.contains("/_apis/pipelines/") || e.contains("/_apis/build/") {
        "Build (Read) vso.build"
    } else if e.contains("/_apis/projects") {
        "Project and Team (Read) vso.project"
    } else {
        "a PAT with read access to this endpoint"
    }
}

/// The API of one organisation: URL building, GETs, paging, error recording.
#[derive(Clone)]
pub(crate) struct Api {
    pub http: Arc<dyn Transport>,
    pub errors: ErrorRecorder,
    pub api_version: String,
    stop: Arc<Stop>,
    /// What the stop left unread in this organisation.
    pub unread: Arc<Unread>,
}

impl Api {
    pub fn new(
        http: Arc<dyn Transport>,
        errors: ErrorRecorder,
        api_version: &str,
        stop: Arc<Stop>,
    ) -> Self {
        Self {
            http,
            errors,
            api_version: api_version.to_string(),
            stop,
            unread: Arc::default(),
        }
    }

    /// True once the request budget or a too-long rate limit stopped the collection.
    pub fn stopped(&self) -> bool {
        self.stop.is_stopped()
    }

    /// Notes `url` (for `ctx`) as left unread by the stop.
    pub fn note_unread(&self, ctx: &ErrorContext, url: &str) {
        self.unread.call(ctx, &devquery_collect::endpoint_of(url));
    }

    /// `url` with `api-version` (and any existing query kept).
    pub fn with_version(&self, url: &str) -> String {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}api-version={}", self.api_version)
    }

    fn record(&self, ctx: &ErrorContext, url: &str, err: &HttpError) {
        if err.is_fatal() {
            self.note_unread(ctx, url);
            // Record a budget / rate-limit stop once.
            if !self.stop.stop(err) {
                return;
            }
        }
        let endpoint = devquery_collect::endpoint_of(url);
        let scope = scope_for(&endpoint);
        let missing = match err.status() {
            Some(203) => Some("a valid PAT (AZURE_DEVOPS_PAT or AZURE_DEVOPS_EXT_PAT)"),
            _ => Some(scope),
        };
        self.errors.record_http(ctx, &endpoint, err, missing);
    }

    /// GET one JSON document; on failure records an error row and returns `None`.
    pub async fn get(&self, ctx: &ErrorContext, url: &str) -> Option<Value> {
        if self.stopped() {
            self.note_unread(ctx, url);
            return None;
        }
        let full = self.with_version(url);
        match self.http.fetch(&full).await {
            Ok(f) => Some(f.body),
            Err(e) => {
                self.record(ctx, &full, &e);
                None
            }
        }
    }

    /// GET every page of a `{"count", "value"}` list, following continuation tokens.
    pub async fn list(&self, ctx: &ErrorContext, url: &str) -> Option<Vec<Value>> {
        self.list_raw(ctx, url).await.ok()
    }

    /// Like [`Api::list`] but returns the error (already recorded).
    pub async fn list_raw(&self, ctx: &ErrorContext, url: &str) -> Result<Vec<Value>, HttpError> {
        if self.stopped() {
            self.note_unread(ctx, url);
            return Err(HttpError::BudgetExhausted { max: 0 });
        }
        let base = self.with_version(url);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..10_000 {
            let page_url = match &token {
                Some(t) => format!("{base}&continuationToken={}", encode(t)),
                None => base.clone(),
            };
            match self.http.fetch(&page_url).await {
                Ok(f) => {
                    if let Some(Value::Array(items)) = f.body.get("value").cloned() {
                        out.extend(items);
                    }
                    match f.continuation {
                        Some(next) if Some(&next) != token.as_ref() => token = Some(next),
                        _ => return Ok(out),
                    }
                }
                Err(e) => {
                    self.record(ctx, &page_url, &e);
                    return Err(e);
                }
            }
        }
        Ok(out)
    }
}

/// What [`encode`] escapes: everything but RFC 3986's unreserved characters.
const COMPONENT_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path segment or query value (a `/` is escaped too).
pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT_ESCAPES).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_escape_all_but_unreserved_characters() {
        assert_eq!(encode("Fabrikam-Fiber_1.0~x"), "Fabrikam-Fiber_1.0~x");
        assert_eq!(encode("My Project"), "My%20Project");
        assert_eq!(encode("/src/a+b.yml"), "%2Fsrc%2Fa%2Bb.yml");
        assert_eq!(encode("tok=en&x?"), "tok%3Den%26x%3F");
        assert_eq!(encode("Projét"), "Proj%C3%A9t");
    }
}
