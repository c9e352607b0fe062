//! The GitHub collector: one or more organisations on github.com or GitHub Enterprise Server (or
//! the fake server) read through the REST and GraphQL APIs into devquery's catalogue tables.
//!
//! ```no_run
//! # async fn demo() -> Result<(), devquery_github::Error> {
//! use devquery_github::{GithubOptions, collect};
//! let opts = GithubOptions::from_env(vec!["my-org".into()]);
//! let data = collect(&opts).await?;
//! println!("{} repositories", data.row_count("repositories"));
//! # Ok(()) }
//! ```
//!
//! # HTTP: octocrab for auth, the shared policy for reads
//! Every GET goes through [`devquery_collect::HttpClient`] (reqwest), not octocrab's own client:
//! the collector needs conditional requests against an on-disk ETag cache (`If-None-Match`,
//! `304` replayed from disk), `Retry-After`/`X-RateLimit-Reset` waits shared by all tasks, a
//! request budget, retries on truncated bodies and request counters, and the Azure DevOps
//! collector needs exactly the same policy. octocrab's client offers a retry layer but none of
//! the rest. octocrab is used for what it does well: GitHub App authentication (JWT from the app
//! id and private key, installation lookup for the org, installation access token), with the
//! same configurable base URL (GHES, the fake server). Both run on hyper 1 / http 1 / rustls
//! with ring, so there is one HTTP stack in the build.
//!
//! # Requests per repository
//! Org-level list endpoints are used wherever GitHub has them (repos with
//! `security_and_analysis`, secrets, variables, runners, runner groups, members, teams with their
//! repositories, hooks, installations, alerts, rulesets), plus the org's Copilot settings (`404`
//! there means no Copilot plan: NULL, not an error).
//!
//! Repositories are read 20 at a time with one GraphQL request (`graphql` module): the default
//! branch's classic protection rule and active rules, direct collaborators, whether the
//! repository has deploy keys and environments, and the file listing of the default branch —
//! the root two levels deep, `.github` three, with the text of the `.github` files (workflows,
//! local actions, CODEOWNERS, Dependabot config). Pipeline files elsewhere in that listing
//! (`azure-pipelines.yml`, `action.yml` one directory down, ...) are fetched as blobs. A pipeline
//! file deeper than the listing is not found this way; [`GithubOptions::graphql`] `= false`
//! (`--github-rest-only`) reads one recursive git tree per repository instead. Whatever the
//! batch cannot answer (the request failed, an error for one repository or one field, more than
//! 100 collaborators or rules, a truncated blob) is read over REST, so GraphQL trouble costs
//! requests, not rows.
//!
//! Per repository over REST: hooks (GraphQL has no webhooks), and where Actions can run, Actions
//! permissions, secrets, variables, runners and environments (environments only when the batch
//! counted some); a repository's own rulesets once each for their bypass actors; deploy keys
//! only when the batch counted some. Calls whose answer is implied are skipped: the Actions
//! calls only for repositories that have workflow files and Actions enabled; default workflow
//! permissions are taken from the org when the org enforces `read` and forbids PR approval
//! (repositories cannot loosen that); Dependabot secrets only with a Dependabot config; deploy
//! keys not when the org disables them; admin-only endpoints not when the repository listing
//! says the token is not admin (a `collection_errors` row says so instead); empty repositories
//! get no tree or branch calls. Dependabot alerts are not in the repository listing, but
//! security updates cannot be on without them, so enabled security updates set
//! `vulnerability_alerts`; otherwise it is NULL. [`GithubOptions::full`] turns the implied skips
//! off. GraphQL answers are never `304`, so a re-collection's conditional requests are the REST
//! ones.
//!
//! # Branch policies
//! One row per repository for the effective protection of the default branch (classic
//! protection merged with the active rules of `rules/branches/{branch}`), none when nothing
//! protects it. Org rulesets in `evaluate` or `disabled` mode are not in that merge; each one
//! whose conditions cover a repository's default branch gets its own row with its enforcement
//! (from the ruleset details already read for bypass actors, so no extra request).

mod collector;
mod graphql;
mod json;
mod options;
mod outcome;
mod policy;

pub use collector::collect;
pub use devquery_collect::Secret;
pub use options::{AppAuth, GithubOptions};

/// Why a collection could not run at all. Failures of single endpoints are not errors: they
/// become `collection_errors` rows; a run that stops early (request budget, rate limit,
/// credentials refused mid-run) returns its dataset marked [`devquery_model::rows::Partial`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No credentials were given where they are required, or the server refused them (`401`)
    /// before anything was read. The message names the host and what to do, never the token.
    #[error("cannot authenticate to GitHub at {host}: {message}")]
    Unauthorized {
        /// The API host (no credentials).
        host: String,
        /// What happened and what to do.
        message: String,
    },
    /// The API could not be reached at all (connection refused, DNS, TLS, timeouts on the very
    /// first request, after retries).
    #[error("cannot reach the GitHub API at {host}: {message}")]
    Unreachable {
        /// The API host (no credentials).
        host: String,
        /// The transport failure and what to check.
        message: String,
    },
    /// The options are unusable (no org, bad URL, unreadable key file).
    #[error("invalid GitHub options: {0}")]
    Options(String),
    /// GitHub App authentication failed.
    #[error("GitHub App authentication failed: {0}")]
    AppAuth(String),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Http(#[from] devquery_collect::HttpError),
    /// Rows did not fit their table (a bug).
    #[error(transparent)]
    Rows(#[from] devquery_model::RowsError),
}
