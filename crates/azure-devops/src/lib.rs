//! The Azure DevOps collector: one or more organisations on Azure DevOps Services, Azure DevOps
//! Server or the fake server, read through the REST API (7.1) into devquery's catalogue tables.
//!
//! ```no_run
//! # async fn demo() -> Result<(), devquery_azure_devops::Error> {
//! use devquery_azure_devops::{AzureOptions, collect};
//! let opts = AzureOptions::from_env(vec!["fabrikam".into()]);
//! let data = collect(&opts).await?;
//! println!("{} pipelines", data.row_count("pipelines"));
//! # Ok(()) }
//! ```
//!
//! Every GET goes through the shared policy of [`devquery_collect::HttpClient`] (bounded
//! concurrency, retries, `Retry-After`, request budget, ETag cache). A call the PAT may not make
//! (`401`, `403`, `404`, or the `203` sign-in page) leaves the affected columns NULL and adds a
//! `collection_errors` row naming the endpoint and the PAT scope that would allow it; the run goes
//! on. Only a PAT refused on the very first call (the project list) fails the organisation.
//!
//! # Requests
//! Per organisation: projects (paged), agent pools and one agent list per pool, graph groups and
//! users (paged) and one membership list per group. Per project: repositories, policy
//! configurations, build definitions with all properties and latest builds (paged), build general
//! settings, variable groups, secure files, service endpoints, agent queues, environments, one
//! check list per environment, one pipeline-permissions call per protected resource (service
//! connection, variable group, secure file, queue, environment). Per repository: the Advanced
//! Security enablement. Per YAML pipeline: its file (git items).
//!
//! # Paging
//! Lists are read page by page, following the continuation token (`continuationToken` query
//! parameter). Azure DevOps returns the next token in the `x-ms-continuationtoken` response
//! header ([`devquery_collect::Response::continuation`], kept in the ETag cache so a `304` replay
//! pages on too); a `continuationToken` field in the body (graph APIs) is followed as well.

mod api;
mod collector;
mod convert;
mod options;
mod outcome;

pub use collector::collect;
pub use devquery_collect::Secret;
pub use options::{AzureOptions, DEFAULT_BASE_URL, PAT_ENV};

/// Why a collection could not run at all. Failures of single endpoints are not errors: they
/// become `collection_errors` rows; a run stopped by the request budget or a rate limit, or an
/// organisation whose project list cannot be read, gives a dataset marked
/// [`devquery_model::rows::Partial`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The options are unusable (no organisation, bad URL).
    #[error("invalid Azure DevOps options: {0}")]
    Options(String),
    /// The PAT was refused for the whole organisation.
    #[error("Azure DevOps refused the credentials for organisation '{org}': {message}")]
    Unauthorized {
        /// Organisation.
        org: String,
        /// What the server said.
        message: String,
    },
    /// The API could not be reached at all (connection refused, DNS, TLS, timeouts on the very
    /// first request, after retries).
    #[error("cannot reach Azure DevOps at {host} (organisation '{org}'): {message}")]
    Unreachable {
        /// The host (no credentials).
        host: String,
        /// Organisation.
        org: String,
        /// The transport failure and what to check.
        message: String,
    },
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Http(#[from] devquery_collect::HttpError),
    /// Rows did not fit a table's schema (a bug).
    #[error(transparent)]
    Rows(#[from] devquery_model::RowsError),
}
