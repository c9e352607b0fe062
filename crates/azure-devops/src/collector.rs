//! The collection itself: organisation-level reads (projects, pools, graph), then every project
//! concurrently (bounded by the shared policy's concurrency), accumulating typed rows.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use devquery_collect::{ErrorContext, ErrorRecorder, HttpClient, HttpError, Progress};
use devquery_model::Dataset;
use devquery_model::platform::AZURE_DEVOPS;
use devquery_model::rows::Partial;
use devquery_model::tables::access_grants::AccessGrantRow;
use devquery_model::tables::branch_policies::BranchPolicyRow;
use devquery_model::tables::collection_runs::CollectionRunRow;
use devquery_model::tables::environments::EnvironmentRow;
use devquery_model::tables::members::MemberRow;
use devquery_model::tables::pipeline_jobs::PipelineJobRow;
use devquery_model::tables::pipeline_settings::PipelineSettingsRow;
use devquery_model::tables::pipeline_steps::PipelineStepRow;
use devquery_model::tables::pipelines::PipelineRow;
use devquery_model::tables::projects::ProjectRow;
use devquery_model::tables::repositories::RepositoryRow;
use devquery_model::tables::resource_authorizations::ResourceAuthorizationRow;
use devquery_model::tables::runner_groups::RunnerGroupRow;
use devquery_model::tables::runners::RunnerRow;
use devquery_model::tables::secrets::SecretRow;
use devquery_model::tables::service_connections::ServiceConnectionRow;
use devquery_model::tables::teams::TeamRow;
use devquery_model::tables::variables::VariableRow;
use futures::StreamExt;
use serde_json::Value;

use crate::api::{Api, encode};
use crate::convert::{self, Keys, RepoRef, at, b, s};
use crate::outcome::Stop;
use crate::{AzureOptions, Error};

/// Every row of one collection.
#[derive(Default)]
struct Rows {
    projects: Vec<ProjectRow>,
    repositories: Vec<RepositoryRow>,
    branch_policies: Vec<BranchPolicyRow>,
    pipelines: Vec<PipelineRow>,
    jobs: Vec<PipelineJobRow>,
    steps: Vec<PipelineStepRow>,
    settings: Vec<PipelineSettingsRow>,
    secrets: Vec<SecretRow>,
    variables: Vec<VariableRow>,
    connections: Vec<ServiceConnectionRow>,
    authorizations: Vec<ResourceAuthorizationRow>,
    runner_groups: Vec<RunnerGroupRow>,
    runners: Vec<RunnerRow>,
    environments: Vec<EnvironmentRow>,
    grants: Vec<AccessGrantRow>,
    members: Vec<MemberRow>,
    teams: Vec<TeamRow>,
    runs: Vec<CollectionRunRow>,
}

type Shared = Arc<Mutex<Rows>>;

fn push<T>(
    rows: &Shared,
    f: impl FnOnce(&mut Rows) -> &mut Vec<T>,
    items: impl IntoIterator<Item = T>,
) {
    if let Ok(mut r) = rows.lock() {
        f(&mut r).extend(items);
    }
}

/// Collects every organisation of `opts` into a [`Dataset`].
///
/// Endpoint failures become `collection_errors` rows; a run stopped by the request budget or a
/// rate limit, or an organisation whose project list cannot be read, gives a dataset marked
/// partial ([`Dataset::partial`]). The result is an error only when the options are unusable,
/// the HTTP client cannot be built, the PAT is refused outright, or the API cannot be reached
/// before anything was read.
pub async fn collect(opts: &AzureOptions) -> Result<Dataset, Error> {
    if opts.orgs.is_empty() {
        return Err(Error::Options("no organisation given (--azure-org)".into()));
    }
    opts.check_base_url()?;
    let auth = opts.pat.as_ref().map(|pat| pat.map(basic_auth));
    let headers = vec![(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/json"),
    )];
    let client = HttpClient::new(opts.http_policy(), auth, headers)?;
    let progress = opts.progress.then(|| Progress::new(true));
    if let Some(p) = &progress {
        client.set_progress(p.clone());
    }
    let rows: Shared = Arc::default();
    let host = opts.host();
    let mut all_errors = Vec::new();
    let stop = Arc::new(Stop::default());
    let mut partial: Option<Partial> = None;
    let mut any_read = false;
    for org in &opts.orgs {
        let run_id = format!(
            "azure_devops-{org}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
        );
        let errors = ErrorRecorder::new(AZURE_DEVOPS, &host, &run_id);
        if let Some(pat) = &opts.pat {
            errors.add_secret(pat);
        }
        let started = devquery_collect::now_rfc3339();
        let before = client.stats();
        let api = Api::new(
            Arc::new(client.clone()),
            errors.clone(),
            &opts.api_version,
            stop.clone(),
        );
        let keys = Keys {
            platform: AZURE_DEVOPS.into(),
            host: host.clone(),
            org: org.clone(),
        };
        let c = OrgCollector {
            opts,
            api,
            keys,
            rows: rows.clone(),
            progress: progress.clone(),
        };
        any_read |= c.run(any_read).await?;
        let unread = c.api.unread.finish(&errors, &host, org, &stop);
        partial = Partial::combine(partial, unread);
        let after = client.stats();
        let errs = errors.rows();
        push(
            &rows,
            |r| &mut r.runs,
            [CollectionRunRow {
                platform: Some(AZURE_DEVOPS.into()),
                host: Some(host.clone()),
                org: Some(org.clone()),
                run_id: Some(run_id.clone()),
                source: Some(format!("azure_devops:{org}")),
                started_at: Some(started),
                finished_at: Some(devquery_collect::now_rfc3339()),
                tool_version: Some(env!("CARGO_PKG_VERSION").into()),
                api_requests: Some((after.requests - before.requests) as i64),
                conditional_hits: Some((after.not_modified - before.not_modified) as i64),
                rate_limit_remaining: after.rate_limit_remaining,
                errors: Some(errs.len() as i64),
            }],
        );
        all_errors.extend(errs);
    }
    if let Some(p) = &progress {
        p.finish();
    }
    let rows = Arc::try_unwrap(rows)
        .ok()
        .and_then(|m| m.into_inner().ok())
        .unwrap_or_default();
    let mut ds = Dataset::new();
    ds.extend(&rows.projects)?;
    ds.extend(&rows.repositories)?;
    ds.extend(&rows.branch_policies)?;
    ds.extend(&rows.pipelines)?;
    ds.extend(&rows.jobs)?;
    ds.extend(&rows.steps)?;
    ds.extend(&rows.settings)?;
    ds.extend(&rows.secrets)?;
    ds.extend(&rows.variables)?;
    ds.extend(&rows.connections)?;
    ds.extend(&rows.authorizations)?;
    ds.extend(&rows.runner_groups)?;
    ds.extend(&rows.runners)?;
    ds.extend(&rows.environments)?;
    ds.extend(&rows.grants)?;
    ds.extend(&rows.members)?;
    ds.extend(&rows.teams)?;
    ds.extend(&rows.runs)?;
    ds.extend(&all_errors)?;
    if let Some(p) = &partial {
        tracing::info!("the Azure DevOps collection is partial: {}", p.reason);
    }
    ds.set_partial(partial);
    Ok(ds)
}

/// The Basic `Authorization` value of a personal access token (an empty user name and the PAT
/// as password, standard base64), as Azure DevOps expects it.
fn basic_auth(pat: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!(":{pat}")))
}

struct OrgCollector<'a> {
    opts: &'a AzureOptions,
    api: Api,
    keys: Keys,
    rows: Shared,
    progress: Option<Progress>,
}

/// Pool facts the project collection needs (queue → pool hosting).
#[derive(Debug, Clone, Default)]
struct PoolInfo {
    hosted: BTreeMap<String, bool>,
}

impl OrgCollector<'_> {
    fn ctx(&self, project: Option<&str>, repo: Option<&str>, table: &str) -> ErrorContext {
        ErrorContext {
            org: Some(self.keys.org.clone()),
            project: project.map(str::to_string),
            repo: repo.map(str::to_string),
            table: table.to_string(),
        }
    }

    fn org_url(&self) -> String {
        self.opts.org_url(&self.keys.org)
    }

    /// Collects the organisation; `Ok(false)` when its project list could not be read (noted
    /// as unread). `any_read`: whether an earlier organisation was read (an unreachable API
    /// is an error only before anything was).
    async fn run(&self, any_read: bool) -> Result<bool, Error> {
        let org = &self.keys.org;
        tracing::info!(%org, base = %self.opts.base(), "collecting Azure DevOps organisation");
        let ctx = self.ctx(None, None, "projects");
        let url = format!("{}/_apis/projects?$top=100", self.org_url());
        let projects = match self.api.list_raw(&ctx, &url).await {
            Ok(p) => p,
            Err(e) => return self.unreadable(&e, any_read).map(|()| false),
        };
        if let Some(p) = &self.progress {
            p.start(
                &format!("azure devops {org}: projects"),
                projects.len() as u64,
            );
        }
        push(
            &self.rows,
            |r| &mut r.projects,
            projects.iter().map(|p| ProjectRow {
                platform: Some(self.keys.platform.clone()),
                host: Some(self.keys.host.clone()),
                org: Some(org.clone()),
                project: s(p, "name"),
                project_id: s(p, "id"),
                description: s(p, "description"),
                visibility: s(p, "visibility").map(|v| v.to_ascii_lowercase()),
                state: s(p, "state"),
                last_update_at: s(p, "lastUpdateTime"),
            }),
        );

        let (pools, ()) = futures::join!(self.pools(), self.graph());
        let concurrency = self.opts.concurrency.max(1);
        let queue_all: Vec<Vec<(String, bool)>> = futures::stream::iter(projects.iter())
            .map(|p| self.project(p, &pools))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        // Agent pools: authorised for all pipelines when any project's queue on it is.
        let mut pool_all: BTreeMap<String, bool> = BTreeMap::new();
        for (pool, all) in queue_all.into_iter().flatten() {
            *pool_all.entry(pool).or_default() |= all;
        }
        if let Ok(mut r) = self.rows.lock() {
            for g in r.runner_groups.iter_mut() {
                if let Some(name) = &g.name
                    && g.project.is_none()
                {
                    g.all_pipelines = pool_all.get(name).copied().or(Some(false));
                }
            }
        }
        Ok(true)
    }

    /// The project list failed with `e`: refused credentials are an error, and so is an
    /// unreachable API before anything was read; otherwise the organisation is unread.
    fn unreadable(&self, e: &HttpError, any_read: bool) -> Result<(), Error> {
        let org = &self.keys.org;
        if matches!(e.status(), Some(401 | 203)) {
            return Err(Error::Unauthorized {
                org: org.clone(),
                message: format!(
                    "{e}; set {} to a valid, unexpired personal access token for this \
                     organisation on {}",
                    crate::PAT_ENV,
                    self.keys.host
                ),
            });
        }
        if let HttpError::Transport { message, .. } = e
            && !any_read
        {
            return Err(Error::Unreachable {
                host: self.keys.host.clone(),
                org: org.clone(),
                message: format!("{message}; check --azure-url, the network and any proxy"),
            });
        }
        let why = match e {
            _ if e.is_fatal() => "the collection stopped".to_string(),
            HttpError::Status { status, .. } => format!("HTTP {status}"),
            other => other.to_string(),
        };
        tracing::warn!(%org, "the organisation could not be read ({why})");
        self.api.unread.whole_org(why);
        Ok(())
    }

    /// Agent pools and their agents.
    async fn pools(&self) -> PoolInfo {
        let mut info = PoolInfo::default();
        let ctx = self.ctx(None, None, "runner_groups");
        let url = format!("{}/_apis/distributedtask/pools", self.org_url());
        let Some(pools) = self.api.list(&ctx, &url).await else {
            return info;
        };
        let mut groups = Vec::new();
        for p in &pools {
            let hosted = b(p, "isHosted");
            if let (Some(n), Some(h)) = (s(p, "name"), hosted) {
                info.hosted.insert(n, h);
            }
            groups.push(RunnerGroupRow {
                platform: Some(self.keys.platform.clone()),
                host: Some(self.keys.host.clone()),
                org: Some(self.keys.org.clone()),
                group_id: s(p, "id"),
                name: s(p, "name"),
                kind: Some("agent_pool".into()),
                is_hosted: hosted,
                is_default: b(p, "isDefault"),
                auto_provision: b(p, "autoProvision"),
                auto_update: b(p, "autoUpdate"),
                ..Default::default()
            });
        }
        push(&self.rows, |r| &mut r.runner_groups, groups);
        let agent_lists = futures::future::join_all(
            pools
                .iter()
                .filter(|p| s(p, "poolType").as_deref() != Some("deployment"))
                .map(|p| async move {
                    let id = s(p, "id").unwrap_or_default();
                    let ctx = self.ctx(None, None, "runners");
                    let url = format!("{}/_apis/distributedtask/pools/{id}/agents", self.org_url());
                    (p, self.api.list(&ctx, &url).await)
                }),
        )
        .await;
        for (p, agents) in agent_lists {
            let Some(agents) = agents else { continue };
            let hosted = b(p, "isHosted");
            push(
                &self.rows,
                |r| &mut r.runners,
                agents.iter().map(|a| RunnerRow {
                    platform: Some(self.keys.platform.clone()),
                    host: Some(self.keys.host.clone()),
                    org: Some(self.keys.org.clone()),
                    scope: Some("pool".into()),
                    runner_id: s(a, "id"),
                    name: s(a, "name"),
                    os: s(a, "osDescription"),
                    status: s(a, "status"),
                    enabled: b(a, "enabled"),
                    self_hosted: hosted.map(|h| !h),
                    group: s(p, "name"),
                    version: s(a, "version"),
                    ..Default::default()
                }),
            );
        }
        info
    }

    /// Graph users, groups and memberships → members, teams, access grants.
    async fn graph(&self) {
        let base = self.opts.graph_url(&self.keys.org);
        let (users_ctx, groups_ctx) = (
            self.ctx(None, None, "members"),
            self.ctx(None, None, "teams"),
        );
        let (users_url, groups_url) = (
            format!("{base}/_apis/graph/users"),
            format!("{base}/_apis/graph/groups"),
        );
        let (users, groups) = futures::join!(
            self.api.list(&users_ctx, &users_url),
            self.api.list(&groups_ctx, &groups_url),
        );
        let org = self.keys.org.clone();
        // descriptor → (kind, principal name)
        let mut names: HashMap<String, (&'static str, String)> = HashMap::new();
        if let Some(users) = &users {
            for u in users {
                if let (Some(d), Some(n)) = (
                    s(u, "descriptor"),
                    s(u, "principalName").or_else(|| s(u, "mailAddress")),
                ) {
                    names.insert(d, ("user", n));
                }
            }
            push(
                &self.rows,
                |r| &mut r.members,
                users.iter().map(|u| MemberRow {
                    platform: Some(self.keys.platform.clone()),
                    host: Some(self.keys.host.clone()),
                    org: Some(org.clone()),
                    login: s(u, "principalName"),
                    user_id: s(u, "descriptor"),
                    role: s(u, "metaType"),
                    is_guest: s(u, "metaType").map(|m| m.eq_ignore_ascii_case("guest")),
                    ..Default::default()
                }),
            );
        }
        let Some(groups) = groups else { return };
        for g in &groups {
            if let (Some(d), Some(n)) = (s(g, "descriptor"), s(g, "principalName")) {
                names.insert(d, ("group", n));
            }
        }
        let memberships = futures::future::join_all(groups.iter().map(|g| {
            let base = base.clone();
            async move {
                let d = s(g, "descriptor").unwrap_or_default();
                let ctx = self.ctx(None, None, "teams");
                let url = format!(
                    "{base}/_apis/graph/memberships/{}?direction=Down",
                    encode(&d)
                );
                (g, self.api.list(&ctx, &url).await)
            }
        }))
        .await;
        let mut teams = Vec::new();
        let mut grants = Vec::new();
        let by_desc: HashMap<String, Vec<String>> = memberships
            .iter()
            .filter_map(|(g, m)| {
                Some((
                    s(g, "descriptor")?,
                    m.as_ref()?
                        .iter()
                        .filter_map(|x| s(x, "memberDescriptor"))
                        .collect(),
                ))
            })
            .collect();
        for (g, members) in &memberships {
            let principal = s(g, "principalName").unwrap_or_default();
            let (scope, name) = split_principal(&principal);
            let project = scope.filter(|sc| !sc.eq_ignore_ascii_case(&org));
            teams.push(TeamRow {
                platform: Some(self.keys.platform.clone()),
                host: Some(self.keys.host.clone()),
                org: Some(org.clone()),
                project: project.clone(),
                team: s(g, "displayName").or(Some(name.clone())),
                team_id: s(g, "descriptor"),
                description: s(g, "description"),
                member_count: members.as_ref().map(|m| m.len() as i64),
                ..Default::default()
            });
            let admin_group = matches!(
                name.as_str(),
                "Project Collection Administrators"
                    | "Project Administrators"
                    | "Build Administrators"
            );
            let Some(members) = members.as_ref().filter(|_| admin_group) else {
                continue;
            };
            let (resource_type, resource) = match &project {
                Some(p) => ("project", p.clone()),
                None => ("org", org.clone()),
            };
            let mut add = |kind: &str, principal: String, via: &str| {
                grants.push(AccessGrantRow {
                    platform: Some(self.keys.platform.clone()),
                    host: Some(self.keys.host.clone()),
                    org: Some(org.clone()),
                    project: project.clone(),
                    resource_type: Some(resource_type.into()),
                    resource: Some(resource.clone()),
                    principal_type: Some(kind.into()),
                    principal: Some(principal),
                    role: Some(name.clone()),
                    via: Some(via.into()),
                    ..Default::default()
                });
            };
            for m in members {
                let Some(d) = s(m, "memberDescriptor") else {
                    continue;
                };
                match names.get(&d) {
                    Some((kind, n)) => {
                        add(kind, n.clone(), "direct");
                        if *kind == "group" {
                            // One level of nesting: the users of a member group.
                            for inner in by_desc.get(&d).into_iter().flatten() {
                                if let Some(("user", un)) = names.get(inner).map(|(k, n)| (*k, n)) {
                                    add("user", un.clone(), "group");
                                }
                            }
                        }
                    }
                    None => add(
                        if d.starts_with("vssgp.") {
                            "group"
                        } else {
                            "user"
                        },
                        d.clone(),
                        "direct",
                    ),
                }
            }
        }
        push(&self.rows, |r| &mut r.teams, teams);
        push(&self.rows, |r| &mut r.grants, grants);
    }

    /// One project. Returns `(pool name, queue authorised for all pipelines)` per queue.
    async fn project(&self, p: &Value, pools: &PoolInfo) -> Vec<(String, bool)> {
        let Some(name) = s(p, "name") else {
            return Vec::new();
        };
        let visibility = s(p, "visibility").map(|v| v.to_ascii_lowercase());
        // Project-level URLs use the name (ADO accepts name or id): readable endpoints in errors.
        let purl = format!("{}/{}", self.org_url(), encode(&name));
        let pn = name.as_str();
        let ((), (), (), (), queues, ()) = futures::join!(
            self.repos_and_pipelines(pn, &purl, visibility.as_deref(), pools),
            self.general_settings(pn, &purl),
            self.library(pn, &purl),
            self.service_connections(pn, &purl),
            self.queues(pn, &purl),
            self.environments(pn, &purl),
        );
        if let Some(pr) = &self.progress {
            pr.inc();
        }
        queues
    }

    async fn repos_and_pipelines(
        &self,
        pn: &str,
        purl: &str,
        visibility: Option<&str>,
        pools: &PoolInfo,
    ) {
        let k = &self.keys;
        let ctxs = [
            self.ctx(Some(pn), None, "repositories"),
            self.ctx(Some(pn), None, "branch_policies"),
            self.ctx(Some(pn), None, "pipelines"),
        ];
        let urls = [
            format!("{purl}/_apis/git/repositories"),
            format!("{purl}/_apis/policy/configurations"),
            format!(
                "{purl}/_apis/build/definitions?includeAllProperties=true&includeLatestBuilds=true"
            ),
        ];
        let (repos, policies, defs) = futures::join!(
            self.api.list(&ctxs[0], &urls[0]),
            self.api.list(&ctxs[1], &urls[1]),
            self.api.list(&ctxs[2], &urls[2]),
        );
        let repos = repos.unwrap_or_default();
        // Advanced Security enablement, one call per repository.
        let advsec_base = self.opts.advsec_url(&k.org);
        let advsec = futures::future::join_all(repos.iter().map(|r| {
            let rid = s(r, "id").unwrap_or_default();
            let rname = s(r, "name");
            let url = format!("{advsec_base}/{}/_apis/management/repositories/{}/enablement?includeAllProperties=true", encode(pn), encode(&rid));
            async move {
                let ctx = self.ctx(Some(pn), rname.as_deref(), "repositories");
                self.api.get(&ctx, &url).await
            }
        }))
        .await;
        let mut repo_rows = Vec::new();
        let mut refs = Vec::new();
        let mut by_id: HashMap<String, (String, Option<String>)> = HashMap::new();
        for (r, adv) in repos.iter().zip(advsec) {
            let rname = s(r, "name").unwrap_or_default();
            let rid = s(r, "id").unwrap_or_default();
            let default_ref = s(r, "defaultBranch");
            by_id.insert(rid.clone(), (rname.clone(), default_ref.clone()));
            refs.push(RepoRef {
                project: pn.into(),
                name: rname.clone(),
                id: rid.clone(),
                default_ref: default_ref.clone(),
            });
            let adv_on = adv.as_ref().and_then(|a| b(a, "advSecEnabled"));
            repo_rows.push(RepositoryRow {
                platform: Some(k.platform.clone()),
                host: Some(k.host.clone()),
                org: Some(k.org.clone()),
                project: Some(pn.into()),
                repo: Some(rname.clone()),
                repo_id: Some(rid),
                full_name: Some(format!("{pn}/{rname}")),
                visibility: visibility.map(str::to_string),
                is_fork: b(r, "isFork"),
                is_disabled: b(r, "isDisabled"),
                default_branch: default_ref.as_deref().map(convert::short_branch),
                advanced_security: adv_on,
                secret_scanning: adv_on,
                push_protection: adv.as_ref().and_then(|a| {
                    if adv_on == Some(false) {
                        Some(false)
                    } else {
                        b(a, "blockPushes")
                    }
                }),
                url: s(r, "webUrl").or_else(|| s(r, "remoteUrl")),
                ..Default::default()
            });
        }
        push(&self.rows, |r| &mut r.repositories, repo_rows);
        let defs = defs.unwrap_or_default();
        let build_names: BTreeMap<i64, String> = defs
            .iter()
            .filter_map(|d| Some((d.get("id")?.as_i64()?, s(d, "name")?)))
            .collect();
        if let Some(policies) = &policies {
            push(
                &self.rows,
                |r| &mut r.branch_policies,
                convert::branch_policies(k, &refs, policies, &build_names),
            );
        } else if self.api.stopped() {
            // Each repository's protection is unknown, not absent.
            for r in &refs {
                let ctx = self.ctx(Some(pn), Some(r.name.as_str()), "branch_policies");
                self.api.note_unread(&ctx, &urls[1]);
            }
        }
        futures::future::join_all(
            defs.iter()
                .map(|d| self.pipeline(pn, purl, d, &by_id, pools)),
        )
        .await;
    }

    async fn pipeline(
        &self,
        pn: &str,
        purl: &str,
        d: &Value,
        repos: &HashMap<String, (String, Option<String>)>,
        pools: &PoolInfo,
    ) {
        let k = &self.keys;
        let id = s(d, "id").unwrap_or_default();
        let name = s(d, "name").unwrap_or_default();
        let repo_id = at(d, &["repository", "id"])
            .and_then(Value::as_str)
            .map(str::to_string);
        let repo_name = at(d, &["repository", "name"])
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                repo_id
                    .as_ref()
                    .and_then(|r| repos.get(r).map(|x| x.0.clone()))
            });
        let yaml_file = at(d, &["process", "yamlFilename"])
            .and_then(Value::as_str)
            .map(str::to_string);
        let process_type = at(d, &["process", "type"]).and_then(Value::as_i64);
        let kind = if yaml_file.is_some() || process_type == Some(2) {
            "azure_yaml"
        } else {
            "azure_classic"
        };
        let queue = d.get("queue").and_then(|q| s(q, "name"));
        let queue_hosted = d
            .get("queue")
            .and_then(|q| q.get("pool"))
            .and_then(|p| b(p, "isHosted"))
            .or_else(|| queue.as_ref().and_then(|q| pools.hosted.get(q).copied()));
        let (fork_builds, fork_secrets, fork_token) = convert::fork_settings(d);
        let mut triggers: Vec<String> = d
            .get("triggers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| s(t, "triggerType"))
            .map(|t| convert::trigger_name(&t))
            .collect();
        let groups: Vec<String> = d
            .get("variableGroups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|g| s(g, "name"))
            .collect();
        let mut parsed = None;
        if let (Some(file), Some(rid)) = (&yaml_file, &repo_id) {
            let ctx = self.ctx(Some(pn), repo_name.as_deref(), "pipelines");
            let url = format!(
                "{purl}/_apis/git/repositories/{}/items?path={}&includeContent=true",
                encode(rid),
                encode(&format!("/{}", file.trim_start_matches('/')))
            );
            if let Some(item) = self.api.get(&ctx, &url).await
                && let Some(content) = s(&item, "content")
            {
                let fctx = devquery_pipelines::FileContext {
                    platform: AZURE_DEVOPS.into(),
                    host: Some(k.host.clone()),
                    org: Some(k.org.clone()),
                    project: Some(pn.into()),
                    repo: repo_name.clone(),
                    pipeline_id: Some(id.clone()),
                };
                parsed = Some(devquery_pipelines::parse_file(
                    &fctx,
                    file.trim_start_matches('/'),
                    &content,
                ));
            }
        }
        let (mut row, jobs, steps) = match parsed {
            Some(pp) => (pp.pipeline, pp.jobs, pp.steps),
            None => (PipelineRow::default(), Vec::new(), Vec::new()),
        };
        // Definition-level facts overlay what the file says.
        row.platform = Some(k.platform.clone());
        row.host = Some(k.host.clone());
        row.org = Some(k.org.clone());
        row.project = Some(pn.into());
        row.repo = repo_name.clone();
        row.pipeline_id = Some(id.clone());
        row.name = Some(name.clone());
        row.kind = Some(kind.into());
        row.path = yaml_file
            .as_ref()
            .map(|f| f.trim_start_matches('/').to_string());
        if let Some(yaml_triggers) = row.triggers.take() {
            for t in yaml_triggers {
                if !triggers.contains(&t) {
                    triggers.push(t);
                }
            }
        }
        triggers.sort();
        triggers.dedup();
        row.triggers = Some(triggers);
        row.job_auth_scope = s(d, "jobAuthorizationScope").map(|v| convert::job_scope(&v));
        row.fork_builds = Some(fork_builds);
        row.fork_secrets_allowed = Some(fork_secrets);
        row.fork_full_access_token = Some(fork_token);
        if row.pool.is_none() {
            row.pool = queue.clone();
        }
        let mut vg = row.variable_groups.take().unwrap_or_default();
        for g in groups {
            if !vg.contains(&g) {
                vg.push(g);
            }
        }
        row.variable_groups = Some(vg);
        row.last_run_at = at(d, &["latestBuild", "finishTime"])
            .and_then(Value::as_str)
            .map(str::to_string);
        if kind == "azure_classic" {
            row.parse_error = None;
        }
        // Jobs of a classic pipeline run on the definition's queue.
        let mut jobs = jobs;
        for j in &mut jobs {
            j.repo = repo_name.clone();
            if j.runs_on.as_ref().is_none_or(Vec::is_empty)
                && let Some(q) = &queue
            {
                j.runs_on = Some(vec![q.clone()]);
                j.self_hosted = queue_hosted.map(|h| !h);
            }
        }
        let mut steps = steps;
        for st in &mut steps {
            st.repo = repo_name.clone();
        }
        // Definition variables.
        let mut secrets = Vec::new();
        let mut vars = Vec::new();
        if let Some(Value::Object(m)) = d.get("variables") {
            for (vname, v) in m {
                if b(v, "isSecret").unwrap_or(false) {
                    secrets.push(SecretRow {
                        platform: Some(k.platform.clone()),
                        host: Some(k.host.clone()),
                        org: Some(k.org.clone()),
                        project: Some(pn.into()),
                        repo: repo_name.clone(),
                        scope: Some("pipeline".into()),
                        container: Some(name.clone()),
                        container_id: Some(id.clone()),
                        name: Some(vname.clone()),
                        ..Default::default()
                    });
                } else {
                    vars.push(VariableRow {
                        platform: Some(k.platform.clone()),
                        host: Some(k.host.clone()),
                        org: Some(k.org.clone()),
                        project: Some(pn.into()),
                        repo: repo_name.clone(),
                        scope: Some("pipeline".into()),
                        container: Some(name.clone()),
                        container_id: Some(id.clone()),
                        name: Some(vname.clone()),
                        value: s(v, "value"),
                        allow_override: Some(b(v, "allowOverride").unwrap_or(false)),
                        ..Default::default()
                    });
                }
            }
        }
        if let Ok(mut r) = self.rows.lock() {
            r.pipelines.push(row);
            r.jobs.extend(jobs);
            r.steps.extend(steps);
            r.secrets.extend(secrets);
            r.variables.extend(vars);
        }
    }

    async fn general_settings(&self, pn: &str, purl: &str) {
        let ctx = self.ctx(Some(pn), None, "pipeline_settings");
        if let Some(v) = self
            .api
            .get(&ctx, &format!("{purl}/_apis/build/generalsettings"))
            .await
        {
            push(
                &self.rows,
                |r| &mut r.settings,
                [convert::general_settings(&self.keys, pn, &v)],
            );
        }
    }

    /// Pipeline permissions of one protected resource.
    async fn authorization(
        &self,
        pn: &str,
        purl: &str,
        api_type: &str,
        rtype: &str,
        rid: &str,
        rname: Option<String>,
    ) -> Option<bool> {
        let ctx = self.ctx(Some(pn), None, "resource_authorizations");
        let url = format!(
            "{purl}/_apis/pipelines/pipelinepermissions/{api_type}/{}",
            encode(rid)
        );
        let v = self.api.get(&ctx, &url).await?;
        // No `allPipelines` block in an answer means "not authorised for all pipelines".
        let all = at(&v, &["allPipelines", "authorized"])
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let ids: Vec<String> = v
            .get("pipelines")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| b(p, "authorized").unwrap_or(false))
            .filter_map(|p| s(p, "id"))
            .collect();
        push(
            &self.rows,
            |r| &mut r.authorizations,
            [ResourceAuthorizationRow {
                platform: Some(self.keys.platform.clone()),
                host: Some(self.keys.host.clone()),
                org: Some(self.keys.org.clone()),
                project: Some(pn.into()),
                resource_type: Some(rtype.into()),
                resource_id: Some(rid.into()),
                resource_name: rname,
                all_pipelines: Some(all),
                authorized_pipelines: Some(ids),
                ..Default::default()
            }],
        );
        Some(all)
    }

    /// Variable groups and secure files.
    async fn library(&self, pn: &str, purl: &str) {
        let k = &self.keys;
        let ctx = self.ctx(Some(pn), None, "secrets");
        let (groups_url, files_url) = (
            format!("{purl}/_apis/distributedtask/variablegroups"),
            format!("{purl}/_apis/distributedtask/securefiles"),
        );
        let (groups, files) = futures::join!(
            self.api.list(&ctx, &groups_url),
            self.api.list(&ctx, &files_url)
        );
        let mut secrets = Vec::new();
        let mut vars = Vec::new();
        for g in groups.iter().flatten() {
            let gname = s(g, "name");
            let gid = s(g, "id");
            let kv = s(g, "type").is_some_and(|t| t.eq_ignore_ascii_case("AzureKeyVault"));
            if let Some(Value::Object(m)) = g.get("variables") {
                for (vname, v) in m {
                    if kv || b(v, "isSecret").unwrap_or(false) {
                        secrets.push(SecretRow {
                            platform: Some(k.platform.clone()),
                            host: Some(k.host.clone()),
                            org: Some(k.org.clone()),
                            project: Some(pn.into()),
                            scope: Some("variable_group".into()),
                            container: gname.clone(),
                            container_id: gid.clone(),
                            name: Some(vname.clone()),
                            key_vault_backed: Some(kv),
                            created_at: s(g, "createdOn"),
                            updated_at: s(g, "modifiedOn"),
                            ..Default::default()
                        });
                    } else {
                        vars.push(VariableRow {
                            platform: Some(k.platform.clone()),
                            host: Some(k.host.clone()),
                            org: Some(k.org.clone()),
                            project: Some(pn.into()),
                            scope: Some("variable_group".into()),
                            container: gname.clone(),
                            container_id: gid.clone(),
                            name: Some(vname.clone()),
                            value: s(v, "value"),
                            allow_override: None,
                            updated_at: s(g, "modifiedOn"),
                            ..Default::default()
                        });
                    }
                }
            }
        }
        for f in files.iter().flatten() {
            secrets.push(SecretRow {
                platform: Some(k.platform.clone()),
                host: Some(k.host.clone()),
                org: Some(k.org.clone()),
                project: Some(pn.into()),
                scope: Some("secure_file".into()),
                container: Some("secure files".into()),
                container_id: s(f, "id"),
                name: s(f, "name"),
                key_vault_backed: Some(false),
                created_at: s(f, "createdOn"),
                updated_at: s(f, "modifiedOn"),
                ..Default::default()
            });
        }
        push(&self.rows, |r| &mut r.secrets, secrets);
        push(&self.rows, |r| &mut r.variables, vars);
        let group_auth = groups.iter().flatten().filter_map(|g| {
            let id = s(g, "id")?;
            Some(async move {
                self.authorization(
                    pn,
                    purl,
                    "variablegroup",
                    "variable_group",
                    &id,
                    s(g, "name"),
                )
                .await
            })
        });
        let file_auth = files.iter().flatten().filter_map(|f| {
            let id = s(f, "id")?;
            Some(async move {
                self.authorization(pn, purl, "securefile", "secure_file", &id, s(f, "name"))
                    .await
            })
        });
        futures::join!(
            futures::future::join_all(group_auth),
            futures::future::join_all(file_auth)
        );
    }

    async fn service_connections(&self, pn: &str, purl: &str) {
        let ctx = self.ctx(Some(pn), None, "service_connections");
        let Some(eps) = self
            .api
            .list(
                &ctx,
                &format!("{purl}/_apis/serviceendpoint/endpoints?includeFailed=true"),
            )
            .await
        else {
            return;
        };
        push(
            &self.rows,
            |r| &mut r.connections,
            eps.iter()
                .map(|e| convert::service_connection(&self.keys, pn, e)),
        );
        futures::future::join_all(eps.iter().filter_map(|e| {
            let id = s(e, "id")?;
            Some(async move {
                self.authorization(
                    pn,
                    purl,
                    "endpoint",
                    "service_connection",
                    &id,
                    s(e, "name"),
                )
                .await
            })
        }))
        .await;
    }

    async fn queues(&self, pn: &str, purl: &str) -> Vec<(String, bool)> {
        let ctx = self.ctx(Some(pn), None, "resource_authorizations");
        let Some(queues) = self
            .api
            .list(&ctx, &format!("{purl}/_apis/distributedtask/queues"))
            .await
        else {
            return Vec::new();
        };
        let results = futures::future::join_all(queues.iter().filter_map(|q| {
            let id = s(q, "id")?;
            let pool = q
                .get("pool")
                .and_then(|p| s(p, "name"))
                .or_else(|| s(q, "name"))?;
            Some(async move {
                (
                    pool,
                    self.authorization(pn, purl, "queue", "agent_queue", &id, s(q, "name"))
                        .await,
                )
            })
        }))
        .await;
        results
            .into_iter()
            .filter_map(|(pool, all)| Some((pool, all?)))
            .collect()
    }

    async fn environments(&self, pn: &str, purl: &str) {
        let ctx = self.ctx(Some(pn), None, "environments");
        let Some(envs) = self
            .api
            .list(&ctx, &format!("{purl}/_apis/pipelines/environments"))
            .await
        else {
            return;
        };
        let rows = futures::future::join_all(envs.iter().map(|e| async move {
            let id = s(e, "id").unwrap_or_default();
            let ctx = self.ctx(Some(pn), None, "environments");
            let url = format!("{purl}/_apis/pipelines/checks/configurations?resourceType=environment&resourceId={}&$expand=settings", encode(&id));
            let (checks, _) = futures::join!(
                self.api.list(&ctx, &url),
                self.authorization(pn, purl, "environment", "environment", &id, s(e, "name")),
            );
            convert::environment(&self.keys, pn, e, checks.as_deref())
        }))
        .await;
        push(&self.rows, |r| &mut r.environments, rows);
    }
}

/// `[Project]\Name` → (`Some("Project")`, `Name`).
fn split_principal(p: &str) -> (Option<String>, String) {
    if let Some(rest) = p.strip_prefix('[')
        && let Some((scope, name)) = rest.split_once("]\\")
    {
        return (Some(scope.to_string()), name.to_string());
    }
    (None, p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_and_principal() {
        assert_eq!(basic_auth("pat"), "Basic OnBhdA==");
        assert_eq!(basic_auth(""), "Basic Og==");
        assert_eq!(
            split_principal("[proj]\\Project Administrators"),
            (Some("proj".into()), "Project Administrators".into())
        );
        assert_eq!(split_principal("plain"), (None, "plain".into()));
    }
}
