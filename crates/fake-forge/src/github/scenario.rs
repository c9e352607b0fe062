//! The scenario a fake GitHub serves: a compact description of an estate (YAML or JSON) plus the
//! token's powers, rate limits and injected faults. Every field has a default, so a scenario can
//! be as short as `orgs: [{login: acme, repos: [{name: api}]}]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole fake estate.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// What the caller's token may do.
    pub token: TokenSpec,
    /// Primary rate limit.
    pub rate_limit: RateLimitSpec,
    /// Injected faults.
    pub faults: Faults,
    /// GitHub App served for installation auth (`/orgs/{org}/installation`,
    /// `/app/installations/{id}/access_tokens`).
    pub app: Option<AppSpec>,
    /// Organisations.
    pub orgs: Vec<Org>,
    /// Hostile behaviour (foreign links, redirects, echoed credentials, ...); default: none.
    pub hostile: super::hostile::Hostile,
}

impl Scenario {
    /// Parses a scenario from YAML (a superset of JSON).
    pub fn from_yaml(text: &str) -> Result<Self, yaml_serde::Error> {
        yaml_serde::from_str(text)
    }
}

/// The token's powers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenSpec {
    /// When set, requests must carry `Authorization: Bearer <value>` (or `token <value>`);
    /// other requests get `401 Bad credentials`.
    pub value: Option<String>,
    /// Org owner and repository admin: without it, admin-only endpoints (branch protection,
    /// hooks, secrets, runners, keys, collaborators, Actions settings, installations, 2FA filter,
    /// alerts) answer `403` with GitHub's permission message.
    pub admin: bool,
    /// Private repositories the token cannot see: absent from lists, `404` everywhere.
    pub hidden_repos: Vec<String>,
}

impl Default for TokenSpec {
    fn default() -> Self {
        Self {
            value: None,
            admin: true,
            hidden_repos: Vec::new(),
        }
    }
}

/// Primary rate limit (`X-RateLimit-*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitSpec {
    /// Requests per window (`X-RateLimit-Limit`); `304`s are free, as on GitHub.
    pub limit: u64,
    /// Window length in seconds (`X-RateLimit-Reset` = window start + this).
    pub reset_secs: u64,
}

impl Default for RateLimitSpec {
    fn default() -> Self {
        Self {
            limit: 5000,
            reset_secs: 3600,
        }
    }
}

/// Fault injection knobs. Rates are probabilities per request (0.0–1.0), drawn from a seeded
/// generator so runs are reproducible.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Share of requests answered `502`/`503`.
    pub error_rate: f64,
    /// Share of requests answered `429` with `Retry-After` (secondary rate limit).
    pub rate_429: f64,
    /// Share of requests answered `403` with `Retry-After` (secondary rate limit, GitHub style).
    pub secondary_403_rate: f64,
    /// `Retry-After` seconds on injected rate limits.
    pub retry_after_secs: u64,
    /// Latency added to every response, in milliseconds.
    pub latency_ms: u64,
    /// Share of `200` JSON bodies cut in half.
    pub truncate_rate: f64,
    /// Seed of the fault generator.
    pub seed: u64,
    /// `POST /graphql` always answers `502` (a proxy or server without GraphQL).
    pub graphql_unavailable: bool,
    /// `POST /graphql` refuses every query as an older GHES schema would
    /// (`Field 'rules' doesn't exist on type 'Ref'`).
    pub graphql_old_schema: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            error_rate: 0.0,
            rate_429: 0.0,
            secondary_403_rate: 0.0,
            retry_after_secs: 1,
            latency_ms: 0,
            truncate_rate: 0.0,
            seed: 42,
            graphql_unavailable: false,
            graphql_old_schema: false,
        }
    }
}

/// A GitHub App for installation auth.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSpec {
    /// App id.
    pub app_id: u64,
    /// Installation id (one per org, same id).
    pub installation_id: u64,
    /// Installation access token handed out; requests with it are accepted like `token.value`.
    pub installation_token: String,
}

/// An organisation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Org {
    /// Login.
    pub login: String,
    /// Numeric id (0 = derived from the login).
    pub id: u64,
    /// Display name.
    pub name: Option<String>,
    /// `two_factor_requirement_enabled`.
    pub two_factor_required: bool,
    /// `default_repository_permission`: `read`, `write`, `admin`, `none`.
    pub default_repository_permission: String,
    /// `members_can_create_public_repositories`.
    pub members_can_create_public_repositories: bool,
    /// `members_can_create_private_repositories`.
    pub members_can_create_private_repositories: bool,
    /// `members_can_fork_private_repositories`.
    pub members_can_fork_private_repositories: bool,
    /// `web_commit_signoff_required`.
    pub web_commit_signoff_required: bool,
    /// `is_verified`.
    pub is_verified: bool,
    /// `secret_scanning_enabled_for_new_repositories`.
    pub secret_scanning_default: bool,
    /// `secret_scanning_push_protection_enabled_for_new_repositories`.
    pub push_protection_default: bool,
    /// `dependabot_alerts_enabled_for_new_repositories`.
    pub dependabot_alerts_default: bool,
    /// `dependabot_security_updates_enabled_for_new_repositories`.
    pub dependabot_security_updates_default: bool,
    /// `dependency_graph_enabled_for_new_repositories`.
    pub dependency_graph_default: bool,
    /// `advanced_security_enabled_for_new_repositories`.
    pub advanced_security_default: bool,
    /// `deploy_keys_enabled_for_repositories`.
    pub deploy_keys_enabled: bool,
    /// Plan name.
    pub plan: String,
    /// Copilot Business subscription (`GET /orgs/{org}/copilot/billing`); `None` = no Copilot
    /// plan (`404`).
    pub copilot: Option<Copilot>,
    /// Actions permissions of the org.
    pub actions: ActionsSettings,
    /// Actions secrets.
    pub secrets: Vec<OrgSecret>,
    /// Dependabot secrets.
    pub dependabot_secrets: Vec<OrgSecret>,
    /// Actions variables.
    pub variables: Vec<Variable>,
    /// Runner groups (a `Default` group with id 1 is added when none is given).
    pub runner_groups: Vec<RunnerGroup>,
    /// Org runners.
    pub runners: Vec<Runner>,
    /// Members.
    pub members: Vec<Member>,
    /// Outside collaborators.
    pub outside_collaborators: Vec<Member>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Org webhooks.
    pub hooks: Vec<Hook>,
    /// App installations.
    pub installations: Vec<Installation>,
    /// Org rulesets (apply to every repository whose default branch they include).
    pub rulesets: Vec<Ruleset>,
    /// Security alerts.
    pub alerts: Vec<Alert>,
    /// Repositories.
    pub repos: Vec<Repo>,
}

impl Default for Org {
    fn default() -> Self {
        Self {
            login: "acme".into(),
            id: 0,
            name: None,
            two_factor_required: false,
            default_repository_permission: "read".into(),
            members_can_create_public_repositories: false,
            members_can_create_private_repositories: true,
            members_can_fork_private_repositories: false,
            web_commit_signoff_required: false,
            is_verified: false,
            secret_scanning_default: false,
            push_protection_default: false,
            dependabot_alerts_default: false,
            dependabot_security_updates_default: false,
            dependency_graph_default: false,
            advanced_security_default: false,
            deploy_keys_enabled: true,
            plan: "enterprise".into(),
            copilot: None,
            actions: ActionsSettings::default(),
            secrets: Vec::new(),
            dependabot_secrets: Vec::new(),
            variables: Vec::new(),
            runner_groups: Vec::new(),
            runners: Vec::new(),
            members: Vec::new(),
            outside_collaborators: Vec::new(),
            teams: Vec::new(),
            hooks: Vec::new(),
            installations: Vec::new(),
            rulesets: Vec::new(),
            alerts: Vec::new(),
            repos: Vec::new(),
        }
    }
}

/// Actions permissions (org, or a repository override).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionsSettings {
    /// Repo: Actions enabled.
    pub enabled: bool,
    /// Org: `all`, `selected`, `none`.
    pub enabled_repositories: String,
    /// `all`, `local_only`, `selected`.
    pub allowed_actions: String,
    /// Actions must be pinned to a SHA.
    pub sha_pinning_required: bool,
    /// `read` or `write`.
    pub default_workflow_permissions: String,
    /// Workflows can approve pull requests.
    pub can_approve_pull_request_reviews: bool,
    /// Org: fork PR contributor approval policy.
    pub fork_pr_approval_policy: String,
}

impl Default for ActionsSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            enabled_repositories: "all".into(),
            allowed_actions: "all".into(),
            sha_pinning_required: false,
            default_workflow_permissions: "read".into(),
            can_approve_pull_request_reviews: false,
            fork_pr_approval_policy: "first_time_contributors".into(),
        }
    }
}

/// An org's Copilot Business subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Copilot {
    /// `public_code_suggestions`: `allow`, `block` or `unconfigured`.
    pub public_code_suggestions: String,
    /// `seat_management_setting`: `assign_all`, `assign_selected`, `disabled`, `unconfigured`.
    pub seat_management_setting: String,
    /// Seats assigned.
    pub seats: u64,
}

impl Default for Copilot {
    fn default() -> Self {
        Self {
            public_code_suggestions: "block".into(),
            seat_management_setting: "assign_selected".into(),
            seats: 0,
        }
    }
}

/// An org secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgSecret {
    /// Name.
    pub name: String,
    /// `all`, `private` or `selected`.
    pub visibility: String,
    /// Repository names when `selected`.
    pub selected_repositories: Vec<String>,
    /// Created (RFC3339); `None` = the API example's date.
    pub created_at: Option<String>,
    /// Last updated (RFC3339); `None` = the API example's date.
    pub updated_at: Option<String>,
}

/// A variable.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Variable {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// Org variables: `all`, `private`, `selected`.
    pub visibility: Option<String>,
}

/// A runner group.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RunnerGroup {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// `all`, `selected`, `private`.
    pub visibility: String,
    /// The default group.
    pub default: bool,
    /// Public repositories may use it.
    pub allows_public_repositories: bool,
    /// Restricted to selected workflows.
    pub restricted_to_workflows: bool,
    /// Selected workflows.
    pub selected_workflows: Vec<String>,
}

/// A self-hosted runner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Runner {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// `linux`, `windows`, `macos`.
    pub os: String,
    /// `online` or `offline`.
    pub status: String,
    /// Running a job.
    pub busy: bool,
    /// Custom labels (the `self-hosted`, OS and arch labels are added).
    pub labels: Vec<String>,
    /// Runner group id (org runners).
    pub group_id: Option<u64>,
}

/// An org member or outside collaborator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    /// Login.
    pub login: String,
    /// `admin` or `member`.
    pub role: String,
    /// Two-factor authentication enabled.
    pub two_factor: bool,
}

/// A team.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Team {
    /// Slug.
    pub slug: String,
    /// Name (defaults to the slug).
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `closed` or `secret`.
    pub privacy: String,
    /// Parent team slug.
    pub parent: Option<String>,
    /// Member logins.
    pub members: Vec<String>,
    /// Repository name → permission (`pull`, `triage`, `push`, `maintain`, `admin`).
    pub repos: BTreeMap<String, String>,
}

/// A webhook.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Hook {
    /// Id.
    pub id: u64,
    /// Delivery URL.
    pub url: String,
    /// Events.
    pub events: Vec<String>,
    /// Active.
    pub active: bool,
    /// TLS verification disabled.
    pub insecure_ssl: bool,
    /// A secret is configured (rendered as `config.secret: "********"`).
    pub secret: bool,
    /// `json` or `form`.
    pub content_type: String,
}

/// An app installation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Installation {
    /// Installation id.
    pub id: u64,
    /// App id.
    pub app_id: u64,
    /// App slug.
    pub app_slug: String,
    /// `all` or `selected`.
    pub repository_selection: String,
    /// Permissions.
    pub permissions: BTreeMap<String, String>,
    /// Events.
    pub events: Vec<String>,
    /// Suspended.
    pub suspended: bool,
}

/// A ruleset (org or repository).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Ruleset {
    /// Id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// `active`, `evaluate`, `disabled`.
    pub enforcement: String,
    /// Ref patterns included: `~DEFAULT_BRANCH`, `~ALL`, `refs/heads/main`, `refs/heads/release/*`.
    pub include: Vec<String>,
    /// Org rulesets: repository names targeted (`conditions.repository_name.include`); empty =
    /// every repository (`~ALL`).
    pub repositories: Vec<String>,
    /// Rules.
    pub rules: Rules,
    /// Bypass actors.
    pub bypass_actors: Vec<BypassActor>,
}

impl Default for Ruleset {
    fn default() -> Self {
        Self {
            id: 0,
            name: "ruleset".into(),
            enforcement: "active".into(),
            include: vec!["~DEFAULT_BRANCH".into()],
            repositories: Vec::new(),
            rules: Rules::default(),
            bypass_actors: Vec::new(),
        }
    }
}

/// Branch rules, shared by classic protection and rulesets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Pull requests required, with this many approvals (`None` = no PR rule).
    pub required_approvals: Option<i64>,
    /// Dismiss stale reviews on push.
    pub dismiss_stale_reviews: bool,
    /// Code-owner review required.
    pub require_code_owner_review: bool,
    /// Last push must be approved by someone else.
    pub require_last_push_approval: bool,
    /// Conversations must be resolved.
    pub require_conversation_resolution: bool,
    /// Required status checks (contexts).
    pub required_status_checks: Vec<String>,
    /// Branch must be up to date.
    pub strict_status_checks: bool,
    /// Signed commits.
    pub require_signed_commits: bool,
    /// Linear history.
    pub require_linear_history: bool,
    /// Classic only: applies to admins.
    pub enforce_admins: bool,
    /// Force pushes allowed (rulesets: absence of `non_fast_forward`).
    pub allow_force_pushes: bool,
    /// Deletion allowed (rulesets: absence of `deletion`).
    pub allow_deletions: bool,
}

/// A ruleset bypass actor.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BypassActor {
    /// Actor id.
    pub actor_id: Option<u64>,
    /// `Team`, `Integration`, `OrganizationAdmin`, `RepositoryRole`, `DeployKey`.
    pub actor_type: String,
    /// `always` or `pull_request`.
    pub bypass_mode: String,
}

/// A security alert.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Alert {
    /// `secret_scanning`, `code_scanning`, `dependabot`.
    pub kind: String,
    /// Repository name.
    pub repo: String,
    /// Number in the repository.
    pub number: u64,
    /// `open`, `fixed`, `dismissed`, `resolved`.
    pub state: String,
    /// Severity (`critical`…`low`, or `error`/`warning`/`note`).
    pub severity: Option<String>,
    /// Rule id / GHSA id.
    pub rule: Option<String>,
    /// Code scanning: the analysis tool (`tool.name`); `None` = `CodeQL`.
    pub tool: Option<String>,
    /// Package name or secret type.
    pub package_or_secret_type: Option<String>,
    /// Created (RFC3339).
    pub created_at: String,
    /// Fixed/resolved (RFC3339).
    pub fixed_at: Option<String>,
}

/// A repository.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Repo {
    /// Name.
    pub name: String,
    /// Numeric id (0 = derived).
    pub id: u64,
    /// `public`, `private`, `internal`.
    pub visibility: String,
    /// Archived.
    pub archived: bool,
    /// Fork.
    pub fork: bool,
    /// Disabled.
    pub disabled: bool,
    /// Default branch.
    pub default_branch: String,
    /// Forking allowed.
    pub allow_forking: bool,
    /// Created (RFC3339).
    pub created_at: String,
    /// Last push (RFC3339).
    pub pushed_at: String,
    /// `security_and_analysis` settings.
    pub security: Security,
    /// Files on the default branch: path → content.
    pub files: BTreeMap<String, String>,
    /// Classic branch protection of the default branch.
    pub protection: Option<Rules>,
    /// Repository rulesets.
    pub rulesets: Vec<Ruleset>,
    /// Actions secrets (names).
    pub secrets: Vec<String>,
    /// Dependabot secrets (names).
    pub dependabot_secrets: Vec<String>,
    /// Actions variables.
    pub variables: Vec<Variable>,
    /// Environments.
    pub environments: Vec<Environment>,
    /// Direct collaborators.
    pub collaborators: Vec<Collaborator>,
    /// Webhooks.
    pub hooks: Vec<Hook>,
    /// Deploy keys.
    pub deploy_keys: Vec<DeployKey>,
    /// Repository runners.
    pub runners: Vec<Runner>,
    /// Actions permissions override (`None` = the org's).
    pub actions: Option<ActionsSettings>,
}

impl Default for Repo {
    fn default() -> Self {
        Self {
            name: "repo".into(),
            id: 0,
            visibility: "private".into(),
            archived: false,
            fork: false,
            disabled: false,
            default_branch: "main".into(),
            allow_forking: false,
            created_at: "2023-01-10T09:00:00Z".into(),
            pushed_at: "2026-11-01T12:00:00Z".into(),
            security: Security::default(),
            files: BTreeMap::new(),
            protection: None,
            rulesets: Vec::new(),
            secrets: Vec::new(),
            dependabot_secrets: Vec::new(),
            variables: Vec::new(),
            environments: Vec::new(),
            collaborators: Vec::new(),
            hooks: Vec::new(),
            deploy_keys: Vec::new(),
            runners: Vec::new(),
            actions: None,
        }
    }
}

/// `security_and_analysis` of a repository.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Security {
    /// Advanced Security.
    pub advanced_security: bool,
    /// Secret scanning.
    pub secret_scanning: bool,
    /// Push protection.
    pub push_protection: bool,
    /// Dependabot security updates.
    pub dependabot_security_updates: bool,
}

/// A deployment environment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    /// Name.
    pub name: String,
    /// Id (0 = derived).
    pub id: u64,
    /// Wait timer in minutes (0 = none).
    pub wait_timer: u64,
    /// Required reviewers: `User:login` or `Team:slug`.
    pub reviewers: Vec<String>,
    /// Reviewers cannot approve their own deployments.
    pub prevent_self_review: bool,
    /// `protected_branches`, `custom` or none.
    pub deployment_branch_policy: Option<String>,
    /// Admins can bypass.
    pub can_admins_bypass: bool,
    /// Environment secrets (names).
    pub secrets: Vec<String>,
}

/// A direct collaborator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Collaborator {
    /// Login.
    pub login: String,
    /// `read`, `triage`, `write`, `maintain`, `admin`.
    pub permission: String,
}

/// A deploy key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeployKey {
    /// Id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Read-only.
    pub read_only: bool,
    /// Verified.
    pub verified: bool,
    /// Added by (login).
    pub added_by: Option<String>,
    /// Created (RFC3339).
    pub created_at: String,
    /// Last used (RFC3339).
    pub last_used: Option<String>,
}
