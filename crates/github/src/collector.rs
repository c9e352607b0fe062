//! The collection itself: org-level endpoints first, then every selected repository with a
//! bounded number of calls, all through the shared HTTP policy. A refused or failed call leaves
//! its columns NULL and writes a `collection_errors` row; only a spent budget, an over-long
//! rate-limit wait or credentials refused mid-run stop the run (cleanly, with what was collected
//! so far, the dataset marked partial: see the `outcome` module). Credentials refused, or an API
//! that cannot be reached, before anything was read are errors.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use devquery_collect::{
    ErrorContext, ErrorRecorder, HttpClient, HttpError, HttpPolicy, Progress, Secret, endpoint_of,
    now_rfc3339,
};
use devquery_model::platform::GITHUB;
use devquery_model::tables::*;
use devquery_model::{Dataset, Row};
use futures::StreamExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::Error;
use crate::graphql;
use crate::json::{b, i, s, sp, status_enabled, strings, ts};
use crate::options::GithubOptions;
use crate::outcome::{Outcome, stops_the_run};
use crate::policy::{PolicyInputs, effective};

/// Fills a row's join keys (`platform`, `host`, `org`) and the given fields.
macro_rules! row {
    ($ty:ident, $k:expr $(, $field:ident : $val:expr)* $(,)?) => {
        #[allow(clippy::needless_update)]
        $ty {
            platform: Some(GITHUB.to_string()),
            host: Some($k.host.to_string()),
            org: Some($k.org.to_string()),
            $($field: $val,)*
            ..Default::default()
        }
    };
}

/// All rows of a collection, grouped by table.
#[derive(Debug, Default)]
struct Rows {
    orgs: Vec<OrgRow>,
    repositories: Vec<RepositoryRow>,
    branch_policies: Vec<BranchPolicyRow>,
    pipelines: Vec<PipelineRow>,
    pipeline_jobs: Vec<PipelineJobRow>,
    pipeline_steps: Vec<PipelineStepRow>,
    pipeline_settings: Vec<PipelineSettingsRow>,
    runners: Vec<RunnerRow>,
    runner_groups: Vec<RunnerGroupRow>,
    secrets: Vec<SecretRow>,
    variables: Vec<VariableRow>,
    environments: Vec<EnvironmentRow>,
    access_grants: Vec<AccessGrantRow>,
    members: Vec<MemberRow>,
    teams: Vec<TeamRow>,
    webhooks: Vec<WebhookRow>,
    deploy_keys: Vec<DeployKeyRow>,
    integrations: Vec<IntegrationRow>,
    alerts: Vec<AlertRow>,
}

impl Rows {
    fn merge(&mut self, o: Rows) {
        self.orgs.extend(o.orgs);
        self.repositories.extend(o.repositories);
        self.branch_policies.extend(o.branch_policies);
        self.pipelines.extend(o.pipelines);
        self.pipeline_jobs.extend(o.pipeline_jobs);
        self.pipeline_steps.extend(o.pipeline_steps);
        self.pipeline_settings.extend(o.pipeline_settings);
        self.runners.extend(o.runners);
        self.runner_groups.extend(o.runner_groups);
        self.secrets.extend(o.secrets);
        self.variables.extend(o.variables);
        self.environments.extend(o.environments);
        self.access_grants.extend(o.access_grants);
        self.members.extend(o.members);
        self.teams.extend(o.teams);
        self.webhooks.extend(o.webhooks);
        self.deploy_keys.extend(o.deploy_keys);
        self.integrations.extend(o.integrations);
        self.alerts.extend(o.alerts);
    }

    fn into_dataset(self, ds: &mut Dataset) -> Result<(), Error> {
        fn put<R: Row>(ds: &mut Dataset, rows: &[R]) -> Result<(), Error> {
            ds.extend(rows)?;
            Ok(())
        }
        put(ds, &self.orgs)?;
        put(ds, &self.repositories)?;
        put(ds, &self.branch_policies)?;
        put(ds, &self.pipelines)?;
        put(ds, &self.pipeline_jobs)?;
        put(ds, &self.pipeline_steps)?;
        put(ds, &self.pipeline_settings)?;
        put(ds, &self.runners)?;
        put(ds, &self.runner_groups)?;
        put(ds, &self.secrets)?;
        put(ds, &self.variables)?;
        put(ds, &self.environments)?;
        put(ds, &self.access_grants)?;
        put(ds, &self.members)?;
        put(ds, &self.teams)?;
        put(ds, &self.webhooks)?;
        put(ds, &self.deploy_keys)?;
        put(ds, &self.integrations)?;
        put(ds, &self.alerts)?;
        Ok(())
    }
}

/// Shared state of one org's collection.
struct Ctx {
    client: HttpClient,
    errors: ErrorRecorder,
    base: String,
    host: String,
    org: String,
    /// Stop state and what the stop left unread, shared by every org of the run.
    outcome: Arc<Outcome>,
    full: bool,
    /// Set when the server refused a GraphQL request as a whole (e.g. a GHES release whose
    /// schema lacks a field): the rest of the run reads over REST without trying again.
    graphql_off: Arc<AtomicBool>,
}

/// Outcome of a call that may legitimately answer 404 (e.g. "Branch not protected").
enum Fetch {
    Ok(Value),
    NotFound,
    Failed,
}

impl Ctx {
    fn url(&self, path: impl AsRef<str>) -> String {
        format!("{}{}", self.base, path.as_ref())
    }

    fn ectx(&self, repo: Option<&str>, table: &str) -> ErrorContext {
        match repo {
            Some(r) => ErrorContext::repo(&self.org, r, table),
            None => ErrorContext::org(&self.org, table),
        }
    }

    fn record(
        &self,
        repo: Option<&str>,
        table: &str,
        path: &str,
        err: &HttpError,
        perm: Option<&str>,
    ) {
        let endpoint = endpoint_of(&self.url(path));
        if stops_the_run(err) {
            if self.outcome.stop(err) {
                tracing::warn!("stopping the GitHub collection: {err}");
                self.errors
                    .record_http(&self.ectx(repo, table), &endpoint, err, None);
            }
            self.outcome.unread(&self.org, repo, table, &endpoint);
            return;
        }
        self.errors
            .record_http(&self.ectx(repo, table), &endpoint, err, perm);
    }

    /// True (and the call noted as unread) when the run has stopped.
    fn refused(&self, repo: Option<&str>, table: &str, path: &str) -> bool {
        if !self.outcome.is_stopped() {
            return false;
        }
        let endpoint = endpoint_of(&self.url(path));
        self.outcome.unread(&self.org, repo, table, &endpoint);
        true
    }

    /// A call skipped because the token cannot make it (recorded, no request sent).
    fn skipped(&self, repo: &str, table: &str, path: impl AsRef<str>, why: &str, perm: &str) {
        let path = path.as_ref();
        self.errors.record(
            &self.ectx(Some(repo), table),
            &endpoint_of(&self.url(path)),
            None,
            why,
            Some(perm.to_string()),
        );
    }

    async fn get(
        &self,
        repo: Option<&str>,
        table: &str,
        path: impl AsRef<str>,
        perm: Option<&str>,
    ) -> Fetch {
        let path = path.as_ref();
        if self.refused(repo, table, path) {
            return Fetch::Failed;
        }
        match self.client.get_json(&self.url(path)).await {
            Ok(r) => Fetch::Ok(r.body),
            Err(HttpError::Status { status: 404, .. })
                if table == "branch_policies" || path.ends_with("/copilot/billing") =>
            {
                Fetch::NotFound
            }
            Err(e) => {
                self.record(repo, table, path, &e, perm);
                Fetch::Failed
            }
        }
    }

    async fn json(
        &self,
        repo: Option<&str>,
        table: &str,
        path: impl AsRef<str>,
        perm: Option<&str>,
    ) -> Option<Value> {
        match self.get(repo, table, path, perm).await {
            Fetch::Ok(v) => Some(v),
            _ => None,
        }
    }

    async fn list(
        &self,
        repo: Option<&str>,
        table: &str,
        path: impl AsRef<str>,
        key: Option<&str>,
        perm: Option<&str>,
    ) -> Option<Vec<Value>> {
        let path = path.as_ref();
        if self.refused(repo, table, path) {
            return None;
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = self.url(format!("{path}{sep}per_page=100"));
        match self.client.get_paginated(&url, key).await {
            Ok(items) => Some(items),
            Err(e) => {
                self.record(repo, table, path, &e, perm);
                None
            }
        }
    }
}

/// Collects every org of `opts` into a dataset (all GitHub tables, plus `collection_runs` and
/// `collection_errors`). Endpoint failures become `collection_errors` rows; a run that stops
/// early, or an org that cannot be read, gives a dataset marked partial
/// ([`Dataset::partial`]). The function fails when the collection cannot start (bad options,
/// no credentials where required, App auth refused, client setup), when the credentials are
/// refused before anything was read ([`Error::Unauthorized`]), and when the API cannot be
/// reached at all ([`Error::Unreachable`]).
pub async fn collect(opts: &GithubOptions) -> Result<Dataset, Error> {
    if opts.orgs.is_empty() {
        return Err(Error::Options(
            "no organisation given (--github-org)".into(),
        ));
    }
    opts.check_base_url()?;
    let started_at = now_rfc3339();
    let run_id = format!("github-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"));
    let host = opts.host();
    let errors = ErrorRecorder::new(GITHUB, &host, &run_id);
    if let Some(token) = &opts.token {
        // A server that echoes the token back never gets it stored in collection_errors.
        errors.add_secret(token);
    }
    check_credentials(opts, &host)?;
    let progress = Progress::new(opts.progress);
    let outcome = Arc::new(Outcome::new(&host));
    let shared = Shared {
        errors: errors.clone(),
        base: opts.base_url.trim_end_matches('/').to_string(),
        host: host.clone(),
        outcome: outcome.clone(),
        graphql_off: Arc::new(AtomicBool::new(!opts.graphql)),
    };
    let mut clients: Vec<HttpClient> = Vec::new();
    let collected = collect_orgs(opts, &shared, &progress, &mut clients).await;
    if collected.is_err() {
        progress.finish();
    }
    let rows = collected?;
    let mut total = devquery_collect::HttpStats::default();
    for c in &clients {
        let st = c.stats();
        total.requests += st.requests;
        total.not_modified += st.not_modified;
        total.rate_limit_remaining = st.rate_limit_remaining.or(total.rate_limit_remaining);
    }
    progress.finish();

    let partial = outcome.finish(&errors);
    let mut ds = Dataset::new();
    rows.into_dataset(&mut ds)?;
    let error_rows = errors.rows();
    let run = CollectionRunRow {
        platform: Some(GITHUB.into()),
        host: Some(host.clone()),
        org: Some(opts.orgs.join(",")),
        run_id: Some(run_id),
        source: Some(format!("github:{}", opts.orgs.join(","))),
        started_at: Some(started_at),
        finished_at: Some(now_rfc3339()),
        tool_version: Some(env!("CARGO_PKG_VERSION").into()),
        api_requests: Some(total.requests as i64),
        conditional_hits: Some(total.not_modified as i64),
        rate_limit_remaining: total.rate_limit_remaining,
        errors: Some(error_rows.len() as i64),
    };
    ds.extend(&[run])?;
    ds.extend(&error_rows)?;
    tracing::info!(
        requests = total.requests,
        not_modified = total.not_modified,
        errors = error_rows.len(),
        "GitHub collection finished"
    );
    if let Some(p) = &partial {
        tracing::info!("the GitHub collection is partial: {}", p.reason);
    }
    ds.set_partial(partial);
    Ok(ds)
}

/// What every org's [`Ctx`] of one run shares.
struct Shared {
    errors: ErrorRecorder,
    base: String,
    host: String,
    outcome: Arc<Outcome>,
    graphql_off: Arc<AtomicBool>,
}

/// Collects the orgs one after the other. Fails when the credentials are refused or the API
/// cannot be reached before anything was read; an org that cannot be read otherwise, and every
/// org after a stop, is noted as unread (the run is then partial).
async fn collect_orgs(
    opts: &GithubOptions,
    shared: &Shared,
    progress: &Progress,
    clients: &mut Vec<HttpClient>,
) -> Result<Rows, Error> {
    let mut rows = Rows::default();
    let mut any_read = false;
    for org in &opts.orgs {
        let path = format!("/orgs/{org}");
        if shared.outcome.is_stopped() {
            let endpoint = endpoint_of(&format!("{}{path}", shared.base));
            shared.outcome.unread(org, None, "orgs", &endpoint);
            shared
                .outcome
                .org_unread(org, "the collection stopped before it".into());
            continue;
        }
        let client = org_client(opts, org, clients).await?;
        client.set_progress(progress.clone());
        let ctx = Ctx {
            client,
            errors: shared.errors.clone(),
            base: shared.base.clone(),
            host: shared.host.clone(),
            org: org.clone(),
            outcome: shared.outcome.clone(),
            full: opts.full,
            graphql_off: shared.graphql_off.clone(),
        };
        match ctx.client.get_json(&ctx.url(&path)).await {
            Ok(org_json) => {
                any_read = true;
                rows.merge(collect_org(&ctx, opts, progress, org_json.body).await);
            }
            Err(e) => org_failed(&ctx, opts, &e, any_read)?,
        }
    }
    Ok(rows)
}

/// The HTTP client of `org`: one per App installation, else one shared by every org.
async fn org_client(
    opts: &GithubOptions,
    org: &str,
    clients: &mut Vec<HttpClient>,
) -> Result<HttpClient, Error> {
    Ok(match (&opts.app, clients.first()) {
        (Some(app), _) => {
            let token = app_installation_token(opts, app, org).await?;
            let c = new_client(opts, Some(token))?;
            clients.push(c.clone());
            c
        }
        (None, Some(c)) => c.clone(),
        (None, None) => {
            let c = new_client(opts, opts.token.clone())?;
            clients.push(c.clone());
            c
        }
    })
}

/// The org's first call (`GET /orgs/{org}`) failed. Before anything was read, refused
/// credentials and an unreachable API are errors; otherwise the org is unread: the run stops
/// (budget, rate limit, `401`) or goes on with the next org, and is partial either way.
fn org_failed(
    ctx: &Ctx,
    opts: &GithubOptions,
    err: &HttpError,
    any_read: bool,
) -> Result<(), Error> {
    match err {
        HttpError::Status { status: 401, .. } if !any_read => {
            return Err(unauthorized(opts, &ctx.host));
        }
        HttpError::Transport { message, .. } if !any_read => {
            return Err(Error::Unreachable {
                host: ctx.host.clone(),
                message: format!(
                    "GET /orgs/{}: {message}; check --github-url (GitHub Enterprise Server: \
                     https://HOST/api/v3), the network and any proxy",
                    ctx.org
                ),
            });
        }
        _ => {}
    }
    let ectx = ctx.ectx(None, "orgs");
    let endpoint = endpoint_of(&ctx.url(format!("/orgs/{}", ctx.org)));
    if stops_the_run(err) {
        if ctx.outcome.stop(err) {
            tracing::warn!("stopping the GitHub collection: {err}");
            ctx.errors.record_http(&ectx, &endpoint, err, None);
        }
        ctx.outcome
            .org_unread(&ctx.org, "the collection stopped".into());
        return Ok(());
    }
    ctx.errors
        .record_http(&ectx, &endpoint, err, Some("metadata=read"));
    let why = match err {
        HttpError::Status { status, .. } => format!("HTTP {status}"),
        other => other.to_string(),
    };
    tracing::warn!(org = %ctx.org, "the organisation could not be read ({why})");
    ctx.outcome.add_reason(format!(
        "organisation {} could not be read ({why})",
        ctx.org
    ));
    ctx.outcome.org_unread(&ctx.org, why);
    Ok(())
}

/// The token variables read for `host`, in order of precedence, for messages.
fn token_variables(host: &str) -> String {
    GithubOptions::token_variables(host).join(" or ")
}

/// Refuses to start without credentials when they are required.
fn check_credentials(opts: &GithubOptions, host: &str) -> Result<(), Error> {
    let has_token = opts.token.as_ref().is_some_and(|t| !t.is_empty());
    if opts.require_credentials && !has_token && opts.app.is_none() {
        return Err(Error::Unauthorized {
            host: host.to_string(),
            message: format!(
                "no token given: set {} to a token for {host}, or use --github-app-id with \
                 --github-app-key",
                token_variables(host)
            ),
        });
    }
    Ok(())
}

/// The error for credentials refused (`401`) before anything was read.
fn unauthorized(opts: &GithubOptions, host: &str) -> Error {
    let message = if opts.app.is_some() {
        "the GitHub App's installation token was refused (HTTP 401): check the App id, its key \
         and that the App is installed on the organisation"
            .to_string()
    } else if opts.token.as_ref().is_some_and(|t| !t.is_empty()) {
        format!(
            "the token was refused (HTTP 401 Bad credentials): set {} to a valid, unexpired \
             token for {host} (a GitHub Enterprise Server needs a token it issued), or use \
             --github-app-id with --github-app-key",
            token_variables(host)
        )
    } else {
        format!(
            "no token given and the API requires one (HTTP 401): set {} to a token for {host}, \
             or use --github-app-id with --github-app-key",
            token_variables(host)
        )
    };
    Error::Unauthorized {
        host: host.to_string(),
        message,
    }
}

fn new_client(opts: &GithubOptions, token: Option<Secret>) -> Result<HttpClient, Error> {
    let cache_dir = if opts.no_cache {
        None
    } else {
        opts.cache_dir
            .clone()
            .or_else(HttpPolicy::default_cache_dir)
    };
    let policy = HttpPolicy {
        concurrency: opts.concurrency.max(1),
        max_requests: opts.max_requests,
        initial_backoff: opts.initial_backoff,
        timeout: opts.timeout,
        cache_dir,
        allowed_origins: opts.api_origins(),
        ..HttpPolicy::default()
    };
    let auth = token.map(|t| t.map(|v| format!("Bearer {v}")));
    let headers = vec![
        (
            HeaderName::from_static("accept"),
            HeaderValue::from_static("application/vnd.github+json"),
        ),
        (
            HeaderName::from_static("x-github-api-version"),
            HeaderValue::from_static("2022-11-28"),
        ),
    ];
    Ok(HttpClient::new(policy, auth, headers)?)
}

/// An installation token for `org` via octocrab: JWT from the app id and key, the org's
/// installation, then an installation access token. The token is wrapped at once.
async fn app_installation_token(
    opts: &GithubOptions,
    app: &crate::options::AppAuth,
    org: &str,
) -> Result<Secret, Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pem = std::fs::read(&app.private_key_path).map_err(|e| {
        Error::Options(format!(
            "cannot read the GitHub App key {}: {e}",
            app.private_key_path.display()
        ))
    })?;
    let key = octocrab::EncodingKey::from_rsa_pem(&pem)
        .map_err(|e| Error::AppAuth(format!("the App key is not an RSA PEM key: {e}")))?;
    let octo = octocrab::Octocrab::builder()
        .base_uri(opts.base_url.as_str())
        .map_err(|e| Error::Options(format!("bad GitHub URL: {e}")))?
        .app(octocrab::models::AppId(app.app_id), key)
        .build()
        .map_err(|e| Error::AppAuth(e.to_string()))?;
    let installation = octo.apps().get_org_installation(org).await.map_err(|e| {
        Error::AppAuth(format!(
            "no installation of app {} on {org}: {e}",
            app.app_id
        ))
    })?;
    let (_, token) = octo
        .installation_and_token(installation.id)
        .await
        .map_err(|e| Error::AppAuth(format!("installation token for {org}: {e}")))?;
    use octocrab::secrecy::ExposeSecret;
    Ok(Secret::new(token.expose_secret().to_string()))
}

fn missing_admin(table: &str) -> &'static str {
    match table {
        "branch_policies" | "deploy_keys" | "pipeline_settings" => "administration=read",
        "webhooks" => "repository_hooks=read",
        "secrets" => "secrets=read",
        "variables" => "actions_variables=read",
        "runners" => "administration=read",
        "access_grants" => "metadata=read (push access)",
        _ => "admin",
    }
}

/// One org whose `GET /orgs/{org}` answered `org_json`.
async fn collect_org(
    ctx: &Ctx,
    opts: &GithubOptions,
    progress: &Progress,
    org_json: Value,
) -> Rows {
    let mut rows = Rows::default();
    let org = ctx.org.as_str();
    let k = ctx;
    // Copilot policy: 404 = no Copilot plan (NULL, not an error).
    let copilot = match ctx
        .get(
            None,
            "orgs",
            format!("/orgs/{org}/copilot/billing"),
            Some("organization_copilot_seat_management=read"),
        )
        .await
    {
        Fetch::Ok(v) => s(&v, "public_code_suggestions"),
        _ => None,
    };
    rows.orgs.push(row!(OrgRow, k,
        org_id: s(&org_json, "id"),
        display_name: s(&org_json, "name"),
        two_factor_required: b(&org_json, "two_factor_requirement_enabled"),
        default_repo_permission: s(&org_json, "default_repository_permission"),
        members_can_create_public_repos: b(&org_json, "members_can_create_public_repositories"),
        members_can_create_private_repos: b(&org_json, "members_can_create_private_repositories"),
        members_can_fork_private_repos: b(&org_json, "members_can_fork_private_repositories"),
        web_commit_signoff_required: b(&org_json, "web_commit_signoff_required"),
        is_verified: b(&org_json, "is_verified"),
        secret_scanning_default: b(&org_json, "secret_scanning_enabled_for_new_repositories"),
        push_protection_default: b(&org_json, "secret_scanning_push_protection_enabled_for_new_repositories"),
        dependabot_alerts_default: b(&org_json, "dependabot_alerts_enabled_for_new_repositories"),
        dependabot_security_updates_default: b(&org_json, "dependabot_security_updates_enabled_for_new_repositories"),
        dependency_graph_default: b(&org_json, "dependency_graph_enabled_for_new_repositories"),
        advanced_security_default: b(&org_json, "advanced_security_enabled_for_new_repositories"),
        plan: sp(&org_json, "/plan/name"),
        copilot_public_code_suggestions: copilot,
        created_at: ts(&org_json, "created_at"),
    ));
    let deploy_keys_enabled = b(&org_json, "deploy_keys_enabled_for_repositories").unwrap_or(true);
    if let Some(perm) = s(&org_json, "default_repository_permission") {
        rows.access_grants.push(row!(AccessGrantRow, k,
            resource_type: Some("org".into()),
            resource: Some(org.to_string()),
            principal_type: Some("group".into()),
            principal: Some("all-members".into()),
            role: Some(perm),
            via: Some("org_base".into()),
            is_outside_collaborator: Some(false),
        ));
    }

    // Org-level endpoints, concurrently.
    let o = format!("/orgs/{org}");
    let (actions, workflow_perms, fork_pr, runners, groups, secrets, dep_secrets, variables) = tokio::join!(
        ctx.json(
            None,
            "pipeline_settings",
            format!("{o}/actions/permissions"),
            Some("administration=read")
        ),
        ctx.json(
            None,
            "pipeline_settings",
            format!("{o}/actions/permissions/workflow"),
            Some("administration=read")
        ),
        ctx.json(
            None,
            "pipeline_settings",
            format!("{o}/actions/permissions/fork-pr-contributor-approval"),
            Some("administration=read")
        ),
        ctx.list(
            None,
            "runners",
            format!("{o}/actions/runners"),
            Some("runners"),
            Some("organization_self_hosted_runners=read")
        ),
        ctx.list(
            None,
            "runner_groups",
            format!("{o}/actions/runner-groups"),
            Some("runner_groups"),
            Some("organization_self_hosted_runners=read")
        ),
        ctx.list(
            None,
            "secrets",
            format!("{o}/actions/secrets"),
            Some("secrets"),
            Some("organization_secrets=read")
        ),
        ctx.list(
            None,
            "secrets",
            format!("{o}/dependabot/secrets"),
            Some("secrets"),
            Some("organization_dependabot_secrets=read")
        ),
        ctx.list(
            None,
            "variables",
            format!("{o}/actions/variables"),
            Some("variables"),
            Some("organization_actions_variables=read")
        ),
    );
    let (members, admins, no_2fa, outside, outside_no_2fa, teams, hooks, installations) = tokio::join!(
        ctx.list(
            None,
            "members",
            format!("{o}/members"),
            None,
            Some("members=read")
        ),
        ctx.list(
            None,
            "members",
            format!("{o}/members?role=admin"),
            None,
            Some("members=read")
        ),
        ctx.list(
            None,
            "members",
            format!("{o}/members?filter=2fa_disabled"),
            None,
            Some("organization owner")
        ),
        ctx.list(
            None,
            "members",
            format!("{o}/outside_collaborators"),
            None,
            Some("members=read")
        ),
        ctx.list(
            None,
            "members",
            format!("{o}/outside_collaborators?filter=2fa_disabled"),
            None,
            Some("organization owner")
        ),
        ctx.list(
            None,
            "teams",
            format!("{o}/teams"),
            None,
            Some("members=read")
        ),
        ctx.list(
            None,
            "webhooks",
            format!("{o}/hooks"),
            None,
            Some("organization_hooks=read")
        ),
        ctx.list(
            None,
            "integrations",
            format!("{o}/installations"),
            Some("installations"),
            Some("organization_administration=read")
        ),
    );
    let (secret_alerts, code_alerts, dep_alerts, org_rulesets, repos) = tokio::join!(
        ctx.list(
            None,
            "alerts",
            format!("{o}/secret-scanning/alerts"),
            None,
            Some("secret_scanning_alerts=read")
        ),
        ctx.list(
            None,
            "alerts",
            format!("{o}/code-scanning/alerts"),
            None,
            Some("security_events=read")
        ),
        ctx.list(
            None,
            "alerts",
            format!("{o}/dependabot/alerts"),
            None,
            Some("vulnerability_alerts=read")
        ),
        ctx.list(
            None,
            "branch_policies",
            format!("{o}/rulesets"),
            None,
            Some("organization_administration=read")
        ),
        ctx.list(
            None,
            "repositories",
            format!("{o}/repos?type=all"),
            None,
            Some("metadata=read")
        ),
    );

    // pipeline_settings (org)
    let org_settings = OrgActions::new(actions.as_ref(), workflow_perms.as_ref());
    if actions.is_some() || workflow_perms.is_some() || fork_pr.is_some() {
        rows.pipeline_settings.push(row!(PipelineSettingsRow, k,
            scope: Some("org".into()),
            actions_enabled: actions.as_ref().and_then(|a| s(a, "enabled_repositories")).map(|e| e != "none"),
            enabled_repositories: actions.as_ref().and_then(|a| s(a, "enabled_repositories")),
            allowed_actions: actions.as_ref().and_then(|a| s(a, "allowed_actions")),
            sha_pinning_required: actions.as_ref().and_then(|a| b(a, "sha_pinning_required")),
            default_workflow_permissions: workflow_perms.as_ref().and_then(|w| s(w, "default_workflow_permissions")),
            can_approve_pull_request_reviews: workflow_perms.as_ref().and_then(|w| b(w, "can_approve_pull_request_reviews")),
            fork_pr_approval_policy: fork_pr.as_ref().and_then(|f| s(f, "approval_policy")),
        ));
    }

    // runner groups and org runners
    let mut group_names = HashMap::new();
    for g in groups.iter().flatten() {
        if let (Some(id), Some(name)) = (s(g, "id"), s(g, "name")) {
            group_names.insert(id, name);
        }
        rows.runner_groups.push(row!(RunnerGroupRow, k,
            group_id: s(g, "id"),
            name: s(g, "name"),
            kind: Some("runner_group".into()),
            is_hosted: Some(false),
            is_default: b(g, "default"),
            visibility: s(g, "visibility"),
            allows_public_repositories: b(g, "allows_public_repositories"),
            restricted_to_workflows: b(g, "restricted_to_workflows"),
            selected_workflows: strings(g, "selected_workflows"),
        ));
    }
    for r in runners.iter().flatten() {
        rows.runners
            .push(runner_row(k, None, "org", r, &group_names));
    }

    // org secrets (+ selected repositories)
    for (kind, list) in [("actions", &secrets), ("dependabot", &dep_secrets)] {
        let scope = if kind == "actions" {
            "org"
        } else {
            "dependabot"
        };
        for sec in list.iter().flatten() {
            let name = s(sec, "name").unwrap_or_default();
            let visibility = s(sec, "visibility");
            let selected = if visibility.as_deref() == Some("selected") {
                ctx.list(
                    None,
                    "secrets",
                    format!("{o}/{kind}/secrets/{name}/repositories"),
                    Some("repositories"),
                    Some("organization_secrets=read"),
                )
                .await
                .map(|repos| repos.iter().filter_map(|r| s(r, "name")).collect())
            } else {
                None
            };
            rows.secrets.push(row!(SecretRow, k,
                scope: Some(scope.into()),
                container: Some(org.to_string()),
                name: Some(name),
                visibility: visibility,
                selected_repositories: selected,
                created_at: ts(sec, "created_at"),
                updated_at: ts(sec, "updated_at"),
            ));
        }
    }
    for v in variables.iter().flatten() {
        rows.variables.push(row!(VariableRow, k,
            scope: Some("org".into()),
            container: Some(org.to_string()),
            name: s(v, "name"),
            value: s(v, "value"),
            updated_at: ts(v, "updated_at"),
        ));
    }

    // members: role from the admin list, 2FA from the 2fa_disabled filter when visible
    let admin_logins: Option<BTreeSet<String>> =
        admins.map(|a| a.iter().filter_map(|m| s(m, "login")).collect());
    let no_2fa: Option<BTreeSet<String>> =
        no_2fa.map(|a| a.iter().filter_map(|m| s(m, "login")).collect());
    for m in members.iter().flatten() {
        let login = s(m, "login").unwrap_or_default();
        rows.members.push(row!(MemberRow, k,
            user_id: s(m, "id"),
            role: admin_logins.as_ref().map(|a| if a.contains(&login) { "admin".to_string() } else { "member".to_string() }),
            two_factor_enabled: no_2fa.as_ref().map(|n| !n.contains(&login)),
            is_guest: Some(false),
            login: Some(login),
        ));
    }
    let outside_no_2fa: Option<BTreeSet<String>> =
        outside_no_2fa.map(|a| a.iter().filter_map(|m| s(m, "login")).collect());
    let outside_logins: BTreeSet<String> = outside
        .iter()
        .flatten()
        .filter_map(|m| s(m, "login"))
        .collect();
    for m in outside.iter().flatten() {
        let login = s(m, "login").unwrap_or_default();
        rows.members.push(row!(MemberRow, k,
            user_id: s(m, "id"),
            role: Some("outside_collaborator".into()),
            two_factor_enabled: outside_no_2fa.as_ref().map(|n| !n.contains(&login)),
            is_guest: Some(true),
            login: Some(login),
        ));
    }

    // teams and their repository grants (one call per team, not per repository)
    for t in teams.iter().flatten() {
        let slug = s(t, "slug").unwrap_or_default();
        rows.teams.push(row!(TeamRow, k,
            team: Some(slug.clone()),
            team_id: s(t, "id"),
            description: s(t, "description"),
            privacy: s(t, "privacy"),
            parent: t.get("parent").and_then(|p| s(p, "slug")),
        ));
    }
    let team_repo_lists = futures::future::join_all(teams.iter().flatten().map(|t| {
        let slug = s(t, "slug").unwrap_or_default();
        let path = format!("{o}/teams/{slug}/repos");
        async move {
            let list = ctx
                .list(None, "access_grants", &path, None, Some("members=read"))
                .await;
            (slug, list)
        }
    }))
    .await;
    for (slug, list) in team_repo_lists {
        for r in list.iter().flatten() {
            let repo = s(r, "name");
            rows.access_grants.push(row!(AccessGrantRow, k,
                repo: repo.clone(),
                resource_type: Some("repository".into()),
                resource: repo,
                principal_type: Some("team".into()),
                principal: Some(slug.clone()),
                role: s(r, "role_name").or_else(|| role_from_permissions(r)),
                via: Some("team".into()),
                is_outside_collaborator: Some(false),
            ));
        }
    }

    for h in hooks.iter().flatten() {
        rows.webhooks.push(webhook_row(k, None, "org", h));
    }
    for inst in installations.iter().flatten() {
        rows.integrations.push(row!(IntegrationRow, k,
            kind: Some("github_app".into()),
            installation_id: s(inst, "id"),
            slug: s(inst, "app_slug"),
            publisher: sp(inst, "/account/login"),
            repository_selection: s(inst, "repository_selection"),
            permissions: inst.get("permissions").and_then(Value::as_object).map(|m| {
                m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect::<BTreeMap<_, _>>()
            }),
            events: strings(inst, "events"),
            suspended: Some(!inst.get("suspended_at").is_none_or(Value::is_null)),
            created_at: ts(inst, "created_at"),
        ));
    }
    for (kind, list) in [
        ("secret_scanning", &secret_alerts),
        ("code_scanning", &code_alerts),
        ("dependabot", &dep_alerts),
    ] {
        for a in list.iter().flatten() {
            rows.alerts.push(alert_row(k, kind, a));
        }
    }

    // org ruleset details (bypass actors), fetched once per org
    let mut ruleset_bypass: HashMap<String, Vec<BypassActor>> = HashMap::new();
    let mut inactive_rulesets = Vec::new();
    for rs in org_rulesets.iter().flatten() {
        if let Some(id) = s(rs, "id")
            && let Some(detail) = ctx
                .json(
                    None,
                    "branch_policies",
                    format!("{o}/rulesets/{id}"),
                    Some("organization_administration=read"),
                )
                .await
        {
            if let Some(inactive) = InactiveRuleset::from_detail(&id, &detail) {
                inactive_rulesets.push(inactive);
            }
            ruleset_bypass.insert(id, bypass_actors(&detail));
        }
    }

    // repositories
    let Some(repos) = repos else { return rows };
    let selected: Vec<Value> = repos
        .into_iter()
        .filter(|r| s(r, "name").is_some_and(|n| opts.repo_selected(&n)))
        .filter(|r| opts.include_archived || !b(r, "archived").unwrap_or(false))
        .collect();
    progress.start(&format!("github {org}"), selected.len() as u64);
    let org_ctx = OrgContext {
        settings: org_settings,
        deploy_keys_enabled,
        outside: outside_logins,
        ruleset_bypass,
        inactive_rulesets,
    };
    // Repositories in GraphQL batches: one request answers the batch's protection, rules,
    // collaborators, file listings and workflow texts; REST does the rest, repository by
    // repository (and anything the batch could not answer).
    let concurrency = opts.concurrency.max(1) * 2;
    let org_ctx = &org_ctx;
    let mut batches = futures::stream::iter(selected.chunks(graphql::BATCH_SIZE).map(
        |chunk| async move {
            let prefetched = prefetch(ctx, chunk).await;
            let prefetched = &prefetched;
            futures::stream::iter(chunk.iter().map(|r| async move {
                let pre = s(r, "name").and_then(|n| prefetched.get(&n));
                let rows = collect_repo(ctx, org_ctx, r, pre).await;
                progress.inc();
                rows
            }))
            .buffer_unordered(concurrency)
            .collect::<Vec<Rows>>()
            .await
        },
    ))
    .buffer_unordered(2);
    while let Some(batch) = batches.next().await {
        for repo_rows in batch {
            rows.merge(repo_rows);
        }
    }
    rows
}

/// One GraphQL request for `repos`; an empty map (everything left to REST) when it fails.
async fn prefetch(ctx: &Ctx, repos: &[Value]) -> HashMap<String, graphql::Prefetch> {
    if ctx.outcome.is_stopped() || ctx.graphql_off.load(Ordering::SeqCst) {
        return HashMap::new();
    }
    let names: Vec<String> = repos.iter().filter_map(|r| s(r, "name")).collect();
    let url = graphql::endpoint(&ctx.base);
    let refused = |why: &str| {
        if !ctx.graphql_off.swap(true, Ordering::SeqCst) {
            tracing::warn!("GraphQL refused ({why}); reading every repository over REST");
        }
        HashMap::new()
    };
    match ctx
        .client
        .post_json(&url, &graphql::request(&ctx.org, &names))
        .await
    {
        Ok(resp) => match graphql::parse(&names, &resp.body) {
            Ok(out) => {
                if out.len() < names.len() {
                    tracing::debug!(
                        org = %ctx.org,
                        answered = out.len(),
                        asked = names.len(),
                        "GraphQL batch left repositories to REST"
                    );
                }
                out
            }
            Err(message) => refused(&message),
        },
        Err(e) if e.is_fatal() => {
            // The batch's repositories are the ones left unread, not the org's listing.
            for name in &names {
                ctx.record(Some(name.as_str()), "repositories", "/graphql", &e, None);
            }
            HashMap::new()
        }
        Err(HttpError::Status {
            status: 401 | 403 | 404 | 410,
            message,
            ..
        }) => refused(&message),
        Err(e) => {
            // Nothing is lost: every repository of the batch is read over REST instead.
            tracing::warn!(org = %ctx.org, "GraphQL batch failed ({e}); reading its repositories over REST");
            HashMap::new()
        }
    }
}

/// What repository collection needs to know about its org.
struct OrgContext {
    settings: OrgActions,
    deploy_keys_enabled: bool,
    outside: BTreeSet<String>,
    ruleset_bypass: HashMap<String, Vec<BypassActor>>,
    /// Org rulesets in `evaluate` or `disabled` mode (absent from `rules/branches`).
    inactive_rulesets: Vec<InactiveRuleset>,
}

/// An org ruleset that is not enforced, with the conditions that say where it would apply.
struct InactiveRuleset {
    id: String,
    enforcement: String,
    /// The `ref_name` include patterns as written (the policy row's `branch_pattern`).
    ref_include: Vec<String>,
    refs: Condition,
    repos: Condition,
    bypass: Vec<BypassActor>,
}

/// A ruleset condition (`ref_name` or `repository_name`): its include and exclude patterns,
/// compiled once per ruleset. `~ALL` and `~DEFAULT_BRANCH` are [`Target::Any`].
struct Condition {
    include: Vec<Target>,
    exclude: Vec<Target>,
}

/// One pattern of a condition.
enum Target {
    /// `~ALL`, or `~DEFAULT_BRANCH` (the only branch asked about is the default one).
    Any,
    /// A pattern read as GitHub reads it (`File.fnmatch` with `FNM_PATHNAME`).
    Glob(devquery_model::GlobPattern),
}

impl Target {
    /// A `ref_name` pattern (`refs/heads/` is optional; branch names are case-sensitive).
    fn branch(pattern: &str) -> Self {
        match pattern {
            "~ALL" | "~DEFAULT_BRANCH" => Self::Any,
            p => Self::Glob(devquery_model::GlobPattern::fnmatch(
                p.trim_start_matches("refs/heads/"),
            )),
        }
    }

    /// A `repository_name` pattern (repository names ignore case).
    fn repository(pattern: &str) -> Self {
        match pattern {
            "~ALL" => Self::Any,
            p => Self::Glob(devquery_model::GlobPattern::fnmatch_ignore_case(p)),
        }
    }

    fn is_match(&self, name: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Glob(g) => g.is_match(name),
        }
    }
}

impl Condition {
    fn new(include: &[String], exclude: &[String], target: fn(&str) -> Target) -> Self {
        Self {
            include: include.iter().map(|p| target(p.as_str())).collect(),
            exclude: exclude.iter().map(|p| target(p.as_str())).collect(),
        }
    }

    /// Whether `name` is included and not excluded.
    fn admits(&self, name: &str) -> bool {
        self.include.iter().any(|t| t.is_match(name))
            && !self.exclude.iter().any(|t| t.is_match(name))
    }
}

impl InactiveRuleset {
    /// A branch ruleset whose enforcement is not `active`, from `GET /orgs/{org}/rulesets/{id}`.
    fn from_detail(id: &str, detail: &Value) -> Option<Self> {
        let enforcement = s(detail, "enforcement")?;
        if enforcement == "active" || s(detail, "target").is_some_and(|t| t != "branch") {
            return None;
        }
        let list = |ptr: &str| -> Vec<String> {
            detail
                .pointer(ptr)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let ref_include = list("/conditions/ref_name/include");
        let refs = Condition::new(
            &ref_include,
            &list("/conditions/ref_name/exclude"),
            Target::branch,
        );
        let repos = Condition::new(
            &list("/conditions/repository_name/include"),
            &list("/conditions/repository_name/exclude"),
            Target::repository,
        );
        Some(Self {
            id: id.to_string(),
            enforcement,
            ref_include,
            refs,
            repos,
            bypass: bypass_actors(detail),
        })
    }

    /// Whether the ruleset targets `branch` (the default branch) of `repo`. Rulesets targeting
    /// repositories by id or custom property are not matched (their scope is not known here).
    fn covers(&self, repo: &str, branch: &str) -> bool {
        self.refs.admits(branch) && self.repos.admits(repo)
    }
}

/// Org Actions settings that decide which per-repository calls are implied.
#[derive(Debug, Default)]
struct OrgActions {
    enabled_repositories: Option<String>,
    default_workflow_permissions: Option<String>,
    can_approve: Option<bool>,
}

impl OrgActions {
    fn new(actions: Option<&Value>, workflow: Option<&Value>) -> Self {
        Self {
            enabled_repositories: actions.and_then(|a| s(a, "enabled_repositories")),
            default_workflow_permissions: workflow
                .and_then(|w| s(w, "default_workflow_permissions")),
            can_approve: workflow.and_then(|w| b(w, "can_approve_pull_request_reviews")),
        }
    }

    /// Repositories cannot be more permissive than `read` + no PR approval set at the org.
    fn workflow_permissions_implied(&self) -> bool {
        self.default_workflow_permissions.as_deref() == Some("read")
            && self.can_approve == Some(false)
    }
}

fn role_from_permissions(v: &Value) -> Option<String> {
    let p = v.get("permissions")?;
    for role in ["admin", "maintain", "push", "triage", "pull"] {
        if b(p, role) == Some(true) {
            return Some(
                match role {
                    "push" => "write",
                    "pull" => "read",
                    r => r,
                }
                .to_string(),
            );
        }
    }
    None
}

fn bypass_actors(ruleset: &Value) -> Vec<BypassActor> {
    ruleset
        .get("bypass_actors")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| BypassActor {
                    actor_type: s(a, "actor_type"),
                    actor_id: s(a, "actor_id"),
                    bypass_mode: s(a, "bypass_mode"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn runner_row(
    k: &Ctx,
    repo: Option<&str>,
    scope: &str,
    r: &Value,
    groups: &HashMap<String, String>,
) -> RunnerRow {
    let labels: Option<Vec<String>> = r
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|x| s(x, "name")).collect());
    row!(RunnerRow, k,
        repo: repo.map(str::to_string),
        scope: Some(scope.into()),
        runner_id: s(r, "id"),
        name: s(r, "name"),
        os: s(r, "os"),
        status: s(r, "status"),
        busy: b(r, "busy"),
        self_hosted: Some(true),
        group: s(r, "runner_group_id").and_then(|g| groups.get(&g).cloned()),
        version: s(r, "version"),
        labels: labels,
    )
}

fn webhook_row(k: &Ctx, repo: Option<&str>, scope: &str, h: &Value) -> WebhookRow {
    let url = h
        .pointer("/config/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or(host);
    row!(WebhookRow, k,
        repo: repo.map(str::to_string),
        scope: Some(scope.into()),
        hook_id: s(h, "id"),
        url_host: (!host.is_empty()).then(|| host.to_string()),
        url_scheme: (!scheme.is_empty()).then(|| scheme.to_lowercase()),
        active: b(h, "active"),
        events: strings(h, "events"),
        insecure_ssl: h.pointer("/config/insecure_ssl").map(|v| matches!(v.as_str(), Some("1")) || v.as_i64() == Some(1)),
        has_secret: Some(h.pointer("/config/secret").is_some_and(|v| !v.is_null())),
        content_type: sp(h, "/config/content_type"),
    )
}

fn alert_row(k: &Ctx, kind: &str, a: &Value) -> AlertRow {
    let (severity, rule, tool, what, fixed) = match kind {
        "secret_scanning" => (
            None,
            None,
            Some("secret-scanning".to_string()),
            s(a, "secret_type"),
            ts(a, "resolved_at"),
        ),
        "code_scanning" => (
            sp(a, "/rule/security_severity_level").or_else(|| sp(a, "/rule/severity")),
            sp(a, "/rule/id"),
            sp(a, "/tool/name"),
            None,
            ts(a, "fixed_at"),
        ),
        _ => (
            sp(a, "/security_advisory/severity")
                .or_else(|| sp(a, "/security_vulnerability/severity")),
            sp(a, "/security_advisory/ghsa_id"),
            Some("dependabot".to_string()),
            sp(a, "/dependency/package/name"),
            ts(a, "fixed_at"),
        ),
    };
    row!(AlertRow, k,
        repo: sp(a, "/repository/name"),
        kind: Some(kind.into()),
        number: i(a, "number"),
        state: s(a, "state"),
        severity: severity,
        rule: rule,
        tool: tool,
        package_or_secret_type: what,
        created_at: ts(a, "created_at"),
        fixed_at: fixed,
        url: s(a, "html_url"),
    )
}

/// What [`encode_path`] escapes: everything but RFC 3986's unreserved characters and `/`.
const PATH_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// A name (repository, branch, environment) percent-encoded for a REST path; `/` is kept, as
/// GitHub's `{branch}` parameters take it unescaped.
fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH_ESCAPES).to_string()
}

fn decode_content(v: &Value) -> Option<String> {
    let content = v.get("content")?.as_str()?;
    let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    String::from_utf8(bytes).ok()
}

async fn collect_repo(
    ctx: &Ctx,
    oc: &OrgContext,
    r: &Value,
    pre: Option<&graphql::Prefetch>,
) -> Rows {
    let mut rows = Rows::default();
    let k = ctx;
    let Some(name) = s(r, "name") else {
        return rows;
    };
    let repo = Some(name.as_str());
    let org = ctx.org.as_str();
    let p = format!("/repos/{org}/{}", encode_path(&name));
    let default_branch = s(r, "default_branch").unwrap_or_else(|| "main".into());
    let branch = encode_path(&default_branch);
    let admin = r
        .pointer("/permissions/admin")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let empty = i(r, "size") == Some(0);

    // The file listing: from the GraphQL batch (with the `.github` texts), else one recursive
    // tree over REST.
    let listed = pre.and_then(|p| p.files.as_ref());
    let tree = if empty {
        Some(Vec::new())
    } else if let Some(files) = listed {
        Some(
            files
                .iter()
                .map(|(path, (oid, _))| json!({"path": path, "type": "blob", "sha": oid}))
                .collect(),
        )
    } else {
        ctx.json(
            repo,
            "repositories",
            format!("{p}/git/trees/{branch}?recursive=1"),
            Some("contents=read"),
        )
        .await
        .map(|t| {
            t.get("tree")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
    };
    let paths: Option<Vec<(String, String)>> = tree.as_ref().map(|t| {
        t.iter()
            .filter(|e| s(e, "type").as_deref() == Some("blob"))
            .filter_map(|e| Some((s(e, "path")?, s(e, "sha")?)))
            .collect()
    });
    let has = |pred: &dyn Fn(&str) -> bool| {
        paths
            .as_ref()
            .map(|ps| ps.iter().any(|(path, _)| pred(path.as_str())))
    };
    let has_codeowners =
        has(&|p| matches!(p, "CODEOWNERS" | ".github/CODEOWNERS" | "docs/CODEOWNERS"));
    let has_security = has(&|p| {
        let l = p.to_ascii_lowercase();
        matches!(
            l.as_str(),
            "security.md" | ".github/security.md" | "docs/security.md"
        )
    });
    let has_dependabot =
        has(&|p| matches!(p, ".github/dependabot.yml" | ".github/dependabot.yaml"));
    let pipeline_files: Vec<(String, String)> = paths
        .iter()
        .flatten()
        .filter(|(p, _)| devquery_pipelines::is_pipeline_path(p))
        .cloned()
        .collect();
    let has_workflows = pipeline_files
        .iter()
        .any(|(p, _)| p.starts_with(".github/workflows/"));
    let actions_on = oc.settings.enabled_repositories.as_deref() != Some("none");
    let want_actions = ctx.full || (has_workflows && actions_on);

    rows.repositories.push(row!(RepositoryRow, k,
        repo: Some(name.clone()),
        repo_id: s(r, "id"),
        full_name: s(r, "full_name"),
        visibility: s(r, "visibility").or_else(|| b(r, "private").map(|p| if p { "private".into() } else { "public".into() })),
        is_archived: b(r, "archived"),
        is_fork: b(r, "fork"),
        is_disabled: b(r, "disabled"),
        default_branch: Some(default_branch.clone()),
        allow_forking: b(r, "allow_forking"),
        secret_scanning: status_enabled(r, "/security_and_analysis/secret_scanning"),
        push_protection: status_enabled(r, "/security_and_analysis/secret_scanning_push_protection"),
        dependabot_security_updates: status_enabled(r, "/security_and_analysis/dependabot_security_updates"),
        // Security updates cannot be on with alerts off, so "enabled" implies alerts are on;
        // otherwise the alert setting is not in the listing (NULL).
        vulnerability_alerts: status_enabled(r, "/security_and_analysis/dependabot_security_updates").filter(|on| *on),
        advanced_security: status_enabled(r, "/security_and_analysis/advanced_security"),
        has_codeowners: has_codeowners,
        has_security_policy: has_security,
        has_dependabot_config: has_dependabot,
        created_at: ts(r, "created_at"),
        pushed_at: ts(r, "pushed_at"),
        url: s(r, "html_url"),
    ));

    // Pipeline files: the text the GraphQL listing brought, else one blob each
    // (content-addressed, so the ETag cache always hits). `None` = the fetch failed (recorded);
    // `Some(None)` = the blob is not text.
    let blobs = futures::future::join_all(pipeline_files.iter().map(|(path, sha)| {
        let url = format!("{p}/git/blobs/{sha}");
        let text = listed
            .and_then(|f| f.get(path))
            .and_then(|(_, text)| text.clone());
        async move {
            if let Some(text) = text {
                return (path.clone(), Some(Some(text)));
            }
            let blob = ctx
                .json(repo, "pipelines", &url, Some("contents=read"))
                .await;
            (path.clone(), blob.map(|b| decode_content(&b)))
        }
    }));

    // Effective branch policy: classic protection + rules on the default branch.
    let protection = async {
        if empty {
            return None;
        }
        if let Some(known) = pre.and_then(|p| p.protection.clone()) {
            return Some(match known {
                Some(v) => Fetch::Ok(v),
                None => Fetch::NotFound,
            });
        }
        if !admin {
            ctx.skipped(&name, "branch_policies", format!("{p}/branches/{branch}/protection"),
                "skipped: the token is not admin on the repository (classic protection needs admin)", "administration=read");
            return None;
        }
        Some(
            ctx.get(
                repo,
                "branch_policies",
                format!("{p}/branches/{branch}/protection"),
                Some("administration=read"),
            )
            .await,
        )
    };
    let rules = async {
        if empty {
            return None;
        }
        if let Some(known) = pre.and_then(|p| p.rules.clone()) {
            return Some(known);
        }
        ctx.list(
            repo,
            "branch_policies",
            format!("{p}/rules/branches/{branch}"),
            None,
            Some("metadata=read"),
        )
        .await
    };
    let collaborators = async {
        if let Some(known) = pre.and_then(|p| p.collaborators.clone()) {
            return Some(known);
        }
        if !admin {
            ctx.skipped(
                &name,
                "access_grants",
                format!("{p}/collaborators"),
                "skipped: the token is not admin on the repository",
                missing_admin("access_grants"),
            );
            return None;
        }
        ctx.list(
            repo,
            "access_grants",
            format!("{p}/collaborators?affiliation=direct"),
            None,
            Some("metadata=read (push access)"),
        )
        .await
    };
    let hooks = async {
        if !admin {
            ctx.skipped(
                &name,
                "webhooks",
                format!("{p}/hooks"),
                "skipped: the token is not admin on the repository",
                missing_admin("webhooks"),
            );
            return None;
        }
        ctx.list(
            repo,
            "webhooks",
            format!("{p}/hooks"),
            None,
            Some("repository_hooks=read"),
        )
        .await
    };
    let keys = async {
        if (!oc.deploy_keys_enabled && !ctx.full) || pre.and_then(|p| p.deploy_keys) == Some(0) {
            return Some(Vec::new());
        }
        if !admin {
            ctx.skipped(
                &name,
                "deploy_keys",
                format!("{p}/keys"),
                "skipped: the token is not admin on the repository",
                missing_admin("deploy_keys"),
            );
            return None;
        }
        ctx.list(
            repo,
            "deploy_keys",
            format!("{p}/keys"),
            None,
            Some("administration=read"),
        )
        .await
    };
    let (blobs, protection, rules, collaborators, hooks, keys) =
        tokio::join!(blobs, protection, rules, collaborators, hooks, keys);

    // Environments, unless the GraphQL batch counted none.
    let environments = async {
        if pre.and_then(|p| p.environments) == Some(0) {
            return Some(Vec::new());
        }
        ctx.list(
            repo,
            "environments",
            format!("{p}/environments"),
            Some("environments"),
            Some("actions=read"),
        )
        .await
    };
    // Actions-dependent calls, only where Actions can run.
    let actions_calls = async {
        if !want_actions {
            return (None, None, None, None, None, None);
        }
        if !admin {
            for (table, path) in [
                ("pipeline_settings", "actions/permissions"),
                ("secrets", "actions/secrets"),
                ("variables", "actions/variables"),
                ("runners", "actions/runners"),
            ] {
                ctx.skipped(
                    &name,
                    table,
                    format!("{p}/{path}"),
                    "skipped: the token is not admin on the repository",
                    missing_admin(table),
                );
            }
            let envs = environments.await;
            return (None, None, None, None, None, envs);
        }
        let workflow = async {
            if oc.settings.workflow_permissions_implied() && !ctx.full {
                None
            } else {
                ctx.json(
                    repo,
                    "pipeline_settings",
                    format!("{p}/actions/permissions/workflow"),
                    Some("administration=read"),
                )
                .await
            }
        };
        tokio::join!(
            ctx.json(
                repo,
                "pipeline_settings",
                format!("{p}/actions/permissions"),
                Some("administration=read")
            ),
            workflow,
            ctx.list(
                repo,
                "secrets",
                format!("{p}/actions/secrets"),
                Some("secrets"),
                Some("secrets=read")
            ),
            ctx.list(
                repo,
                "variables",
                format!("{p}/actions/variables"),
                Some("variables"),
                Some("actions_variables=read")
            ),
            ctx.list(
                repo,
                "runners",
                format!("{p}/actions/runners"),
                Some("runners"),
                Some("administration=read")
            ),
            environments,
        )
    };
    let dependabot_secrets = async {
        if !(ctx.full || has_dependabot == Some(true)) || !admin {
            return None;
        }
        ctx.list(
            repo,
            "secrets",
            format!("{p}/dependabot/secrets"),
            Some("secrets"),
            Some("dependabot_secrets=read"),
        )
        .await
    };
    let ((actions, workflow, secrets, variables, runners, environments), dep_secrets) =
        tokio::join!(actions_calls, dependabot_secrets);

    // pipelines
    for (path, blob) in blobs {
        let content = match blob {
            Some(Some(text)) => text,
            Some(None) => {
                ctx.errors.record(
                    &ctx.ectx(repo, "pipelines"),
                    &endpoint_of(&ctx.url(format!("{p}/contents/{path}"))),
                    None,
                    "blob is not base64 UTF-8 text",
                    None,
                );
                continue;
            }
            None => continue,
        };
        let fctx = devquery_pipelines::FileContext {
            platform: GITHUB.to_string(),
            host: Some(ctx.host.clone()),
            org: Some(org.to_string()),
            project: None,
            repo: Some(name.clone()),
            pipeline_id: None,
        };
        let parsed = devquery_pipelines::parse_file(&fctx, &path, &content);
        rows.pipelines.push(parsed.pipeline);
        rows.pipeline_jobs.extend(parsed.jobs);
        rows.pipeline_steps.extend(parsed.steps);
    }

    // branch policy
    let classic = match &protection {
        Some(Fetch::Ok(v)) => Some(Some(v)),
        Some(Fetch::NotFound) => Some(None),
        _ => None,
    };
    if let (Some(classic), Some(rules)) = (classic, &rules) {
        let mut bypass = Vec::new();
        let mut seen = BTreeSet::new();
        for rule in rules {
            let Some(id) = s(rule, "ruleset_id") else {
                continue;
            };
            if !seen.insert(id.clone()) {
                continue;
            }
            let prefetched = pre.and_then(|p| p.bypass.get(&id));
            if s(rule, "ruleset_source_type").as_deref() == Some("Organization") {
                bypass.extend(oc.ruleset_bypass.get(&id).cloned().unwrap_or_default());
            } else if let Some(actors) = prefetched {
                bypass.extend(bypass_actors(&json!({ "bypass_actors": actors })));
            } else if let Some(detail) = ctx
                .json(
                    repo,
                    "branch_policies",
                    format!("{p}/rulesets/{id}"),
                    Some("administration=read"),
                )
                .await
            {
                bypass.extend(bypass_actors(&detail));
            }
        }
        let mut row = effective(
            &PolicyInputs {
                classic,
                rules,
                bypass_actors: bypass,
            },
            &default_branch,
        );
        row.platform = Some(GITHUB.into());
        row.host = Some(ctx.host.clone());
        row.org = Some(org.to_string());
        row.repo = Some(name.clone());
        // No classic protection and no active rule: no policy row (the rules read the absence
        // as "unprotected"; a failed call is a collection error instead).
        if row.source.as_deref() != Some("none") {
            rows.branch_policies.push(row);
        }
        for rs in oc
            .inactive_rulesets
            .iter()
            .filter(|rs| rs.covers(&name, &default_branch))
        {
            rows.branch_policies.push(row!(BranchPolicyRow, k,
                repo: Some(name.clone()),
                branch_pattern: Some(rs.ref_include.join(",")),
                applies_to_default_branch: Some(true),
                source: Some("ruleset".into()),
                source_ids: Some(vec![rs.id.clone()]),
                enforcement: Some(rs.enforcement.clone()),
                bypass_actors: Some(rs.bypass.clone()),
            ));
        }
    }

    // pipeline settings (repo)
    if actions.is_some() || workflow.is_some() {
        let implied = oc.settings.workflow_permissions_implied() && workflow.is_none();
        rows.pipeline_settings.push(row!(PipelineSettingsRow, k,
            repo: Some(name.clone()),
            scope: Some("repo".into()),
            actions_enabled: actions.as_ref().and_then(|a| b(a, "enabled")),
            allowed_actions: actions.as_ref().and_then(|a| s(a, "allowed_actions")),
            sha_pinning_required: actions.as_ref().and_then(|a| b(a, "sha_pinning_required")),
            default_workflow_permissions: match &workflow {
                Some(w) => s(w, "default_workflow_permissions"),
                None if implied => oc.settings.default_workflow_permissions.clone(),
                None => None,
            },
            can_approve_pull_request_reviews: match &workflow {
                Some(w) => b(w, "can_approve_pull_request_reviews"),
                None if implied => oc.settings.can_approve,
                None => None,
            },
        ));
    }

    for (scope, list) in [("repo", &secrets), ("dependabot", &dep_secrets)] {
        for sec in list.iter().flatten() {
            rows.secrets.push(row!(SecretRow, k,
                repo: Some(name.clone()),
                scope: Some(scope.into()),
                container: Some(name.clone()),
                name: s(sec, "name"),
                created_at: ts(sec, "created_at"),
                updated_at: ts(sec, "updated_at"),
            ));
        }
    }
    for v in variables.iter().flatten() {
        rows.variables.push(row!(VariableRow, k,
            repo: Some(name.clone()),
            scope: Some("repo".into()),
            container: Some(name.clone()),
            name: s(v, "name"),
            value: s(v, "value"),
            updated_at: ts(v, "updated_at"),
        ));
    }
    for rn in runners.iter().flatten() {
        rows.runners
            .push(runner_row(k, repo, "repo", rn, &HashMap::new()));
    }
    for env in environments.iter().flatten() {
        let env_name = s(env, "name").unwrap_or_default();
        let rules = env
            .get("protection_rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut reviewers = Vec::new();
        let mut wait = None;
        let mut prevent_self = None;
        let mut checks = Vec::new();
        for rule in &rules {
            match s(rule, "type").as_deref() {
                Some("wait_timer") => wait = i(rule, "wait_timer"),
                Some("required_reviewers") => {
                    prevent_self = b(rule, "prevent_self_review");
                    for rv in rule
                        .get("reviewers")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let kind = s(rv, "type");
                        let who = rv
                            .get("reviewer")
                            .and_then(|x| s(x, "login").or_else(|| s(x, "slug")));
                        reviewers.push(Principal {
                            r#type: kind,
                            name: who,
                        });
                    }
                }
                Some("branch_policy") => {}
                Some(other) => checks.push(Principal {
                    r#type: Some(other.to_string()),
                    name: s(rule, "id"),
                }),
                None => {}
            }
        }
        let dbp = env
            .get("deployment_branch_policy")
            .filter(|v| !v.is_null())
            .map(|d| {
                if b(d, "protected_branches") == Some(true) {
                    "protected_branches".to_string()
                } else {
                    "custom".to_string()
                }
            });
        rows.environments.push(row!(EnvironmentRow, k,
            repo: Some(name.clone()),
            environment_id: s(env, "id"),
            name: Some(env_name.clone()),
            required_reviewers: Some(reviewers),
            prevent_self_review: prevent_self,
            wait_timer: Some(wait.unwrap_or(0)),
            deployment_branch_policy: dbp,
            can_admins_bypass: b(env, "can_admins_bypass"),
            checks: Some(checks),
        ));
        if admin {
            let enc = encode_path(&env_name);
            if let Some(list) = ctx
                .list(
                    repo,
                    "secrets",
                    format!("{p}/environments/{enc}/secrets"),
                    Some("secrets"),
                    Some("environments=read"),
                )
                .await
            {
                for sec in list {
                    rows.secrets.push(row!(SecretRow, k,
                        repo: Some(name.clone()),
                        scope: Some("environment".into()),
                        container: Some(env_name.clone()),
                        name: s(&sec, "name"),
                        created_at: ts(&sec, "created_at"),
                        updated_at: ts(&sec, "updated_at"),
                    ));
                }
            }
        }
    }
    for c in collaborators.iter().flatten() {
        let login = s(c, "login");
        let outside = login.as_ref().map(|l| oc.outside.contains(l));
        rows.access_grants.push(row!(AccessGrantRow, k,
            repo: Some(name.clone()),
            resource_type: Some("repository".into()),
            resource: Some(name.clone()),
            principal_type: Some("user".into()),
            principal: login,
            role: s(c, "role_name").or_else(|| role_from_permissions(c)),
            via: Some("direct".into()),
            is_outside_collaborator: outside,
        ));
    }
    for h in hooks.iter().flatten() {
        rows.webhooks.push(webhook_row(k, repo, "repo", h));
    }
    for key in keys.iter().flatten() {
        rows.deploy_keys.push(row!(DeployKeyRow, k,
            repo: Some(name.clone()),
            key_id: s(key, "id"),
            title: s(key, "title"),
            read_only: b(key, "read_only"),
            verified: b(key, "verified"),
            added_by: s(key, "added_by"),
            created_at: ts(key, "created_at"),
            last_used_at: ts(key, "last_used"),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ruleset(refs: Value, repos: Value) -> InactiveRuleset {
        let detail = json!({
            "enforcement": "evaluate",
            "target": "branch",
            "conditions": {"ref_name": refs, "repository_name": repos},
        });
        InactiveRuleset::from_detail("7", &detail).unwrap()
    }

    #[test]
    fn ruleset_conditions_read_patterns_as_github_does() {
        let all = json!({"include": ["~ALL"], "exclude": []});
        let release = ruleset(json!({"include": ["refs/heads/release/*"]}), all.clone());
        assert!(release.covers("api", "release/1.0"));
        assert!(!release.covers("api", "release/1.0/hotfix"));
        assert!(!release.covers("api", "Release/1.0"));
        assert_eq!(release.ref_include, ["refs/heads/release/*"]);

        let default = ruleset(json!({"include": ["~DEFAULT_BRANCH"]}), all);
        assert!(default.covers("api", "main"));

        let repos = json!({"include": ["API-*", "web"], "exclude": ["api-legacy*"]});
        let named = ruleset(json!({"include": ["~ALL"]}), repos);
        assert!(named.covers("api-gateway", "main"));
        assert!(named.covers("Web", "main"));
        assert!(!named.covers("api-legacy-v1", "main"));
        assert!(!named.covers("docs", "main"));
    }

    #[test]
    fn paths_escape_all_but_unreserved_characters_and_slashes() {
        assert_eq!(encode_path("release/1.0_a-b~c"), "release/1.0_a-b~c");
        assert_eq!(encode_path("feat #1+x?"), "feat%20%231%2Bx%3F");
        assert_eq!(encode_path("prod:eu%"), "prod%3Aeu%25");
        assert_eq!(encode_path("é"), "%C3%A9");
    }
}
