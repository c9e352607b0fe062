//! The HTTP policy shared by devquery's collectors (GitHub, Azure DevOps), plus the bookkeeping
//! every collection needs.
//!
//! * [`HttpClient`] — a `reqwest` client wrapped in one policy: bounded concurrency (default 8),
//!   retries with exponential backoff on 5xx, timeouts, transport errors and truncated JSON,
//!   `Retry-After` / `X-RateLimit-Reset` honoured (waiting with a visible message, or stopping
//!   cleanly when the wait is too long or a `max_requests` budget is spent), an on-disk ETag cache
//!   so a re-collection sends `If-None-Match` and serves `304 Not Modified` from disk, and request
//!   counters ([`HttpStats`]). It knows nothing about a platform: the caller supplies the
//!   `Authorization` header value (as a [`Secret`]) and any default headers.
//! * [`Secret`] — a token wrapper whose `Debug`/`Display` print `***`; authorization headers are
//!   marked sensitive so `reqwest`/`hyper` never log them.
//! * [`ErrorRecorder`] — collects `collection_errors` rows (endpoint, status, missing permission)
//!   so a refused call leaves NULL columns and a reason, and the run goes on.
//! * [`Progress`] — an indicatif bar on stderr when it is a terminal (orgs, repos done/total,
//!   requests, rate limit remaining), plain `tracing` lines otherwise.
//!
//! Typical use by a collector:
//! ```no_run
//! # async fn demo() -> Result<(), devquery_collect::HttpError> {
//! use devquery_collect::{HttpClient, HttpPolicy, Secret};
//! let policy = HttpPolicy { concurrency: 8, ..HttpPolicy::default() };
//! let client = HttpClient::new(policy, Some(Secret::new("Bearer ghp_example")), Vec::new())?;
//! let repos = client.get_paginated("https://api.github.com/orgs/octo/repos?per_page=100", None).await?;
//! println!("{} repos, {} requests", repos.len(), client.stats().requests);
//! # Ok(()) }
//! ```

mod cache;
mod client;
mod errors;
mod origin;
mod progress;
mod secret;

pub use cache::EtagCache;
pub use client::{HttpClient, HttpError, HttpPolicy, HttpStats, JsonResponse, Response};
pub use errors::{ErrorContext, ErrorRecorder};
pub use origin::{UrlError, check_api_url, origin_of, without_userinfo};
pub use progress::Progress;
pub use secret::{MAX_MESSAGE_CHARS, REDACTED, Secret, redact, truncate_message};

/// The endpoint of a URL as recorded in `collection_errors`: the path, without host or query.
pub fn endpoint_of(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => u.path().to_string(),
        Err(_) => url.split('?').next().unwrap_or(url).to_string(),
    }
}

/// Current time as an RFC3339 string (UTC, seconds), the format of catalogue timestamps.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
