//! GitHub organisations and repositories: organisation settings, members, teams, runner groups,
//! secrets, apps; per repository its settings, branch protection, collaborators, hooks, keys,
//! environments, secrets, variables, runners, alerts and workflows ([`crate::workflows`]).
//!
//! Values have the shapes the GitHub collector writes (numeric ids as text, RFC 3339 UTC
//! timestamps, `classic` / `ruleset` / `classic+ruleset` policy sources, role names, ...).

use devquery_model::tables::{
    AccessGrantRow, AlertRow, BranchPolicyRow, BypassActor, CollectionErrorRow, DeployKeyRow,
    EnvironmentRow, IntegrationRow, MemberRow, OrgRow, PipelineSettingsRow, Principal,
    RepositoryRow, RunnerGroupRow, RunnerRow, SecretRow, TeamRow, VariableRow, WebhookRow,
};

use crate::ctx::{At, Ctx, list, map, s};
use crate::keys;
use crate::layout::{GithubOrg, Hygiene};
use crate::names;
use crate::out::Rows;
use crate::rng::Rng;
use crate::workflows::{self, RepoFacts};

/// A self-hosted runner group of an organisation.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub id: u64,
    pub name: &'static str,
    pub label: &'static str,
    pub is_default: bool,
    pub visibility: &'static str,
    pub allows_public: bool,
    pub restricted: bool,
    /// Local indices of the selected repositories (`selected` visibility).
    pub selected: Vec<u64>,
    pub runners: u64,
}

/// Organisation-level settings that repositories depend on.
#[derive(Debug, Clone)]
pub(crate) struct OrgProfile {
    pub org_id: u64,
    pub default_write: bool,
    pub can_approve: bool,
    pub allowed_actions: &'static str,
    pub sha_pinning: bool,
    pub admins: u64,
    pub groups: Vec<Group>,
    /// An organisation ruleset that is not enforced (id, enforcement), if any.
    pub inactive_ruleset: Option<(u64, &'static str)>,
    /// Share of repositories the inactive ruleset targets.
    pub inactive_share: f64,
}

impl OrgProfile {
    /// Draws the profile of `org`.
    pub(crate) fn new(ctx: &Ctx, org: &GithubOrg) -> Self {
        let mut rng = ctx.rng(&[keys::GITHUB_ORG_PROFILE, org.index]);
        let h = org.hygiene;
        let good = |rng: &mut Rng| h.good(rng);
        let default_write = !good(&mut rng);
        let can_approve = !good(&mut rng);
        let allowed_actions = match h {
            Hygiene::Strict => "selected",
            Hygiene::Lax => "all",
            Hygiene::Mixed => *rng.pick(&["all", "selected", "local_only"]),
        };
        let sha_pinning = match h {
            Hygiene::Strict => true,
            Hygiene::Lax => false,
            Hygiene::Mixed => rng.chance(0.3),
        };
        let admins = match h {
            Hygiene::Strict => 3,
            Hygiene::Lax => 9,
            Hygiene::Mixed => rng.range(1, 7) as u64,
        }
        .min(org.members);
        let sel = |rng: &mut Rng, n: u64| -> Vec<u64> {
            rng.sample(org.repos as usize, n as usize)
                .into_iter()
                .map(|i| i as u64)
                .collect()
        };
        let scale = 1 + org.repos / 400;
        let mut groups = vec![Group {
            id: 1,
            name: "Default",
            label: "self-hosted",
            is_default: true,
            visibility: "all",
            allows_public: h == Hygiene::Lax,
            restricted: false,
            selected: Vec::new(),
            runners: match h {
                Hygiene::Strict => 0,
                Hygiene::Lax => 2 + scale,
                Hygiene::Mixed => rng.below(2) * (1 + scale),
            },
        }];
        let fleet = sel(&mut rng, (3 + org.repos / 25).min(60));
        groups.push(Group {
            id: 2,
            name: "build-fleet",
            label: "linux-large",
            is_default: false,
            visibility: "selected",
            allows_public: false,
            restricted: h == Hygiene::Strict,
            selected: fleet,
            runners: 2 + scale,
        });
        if h != Hygiene::Strict {
            let public: Vec<u64> = (0..org.repos)
                .filter(|l| visibility(ctx, org.index, *l) == "public")
                .take(12)
                .collect();
            groups.push(Group {
                id: 3,
                name: "oss-runners",
                label: "oss",
                is_default: false,
                visibility: "selected",
                allows_public: true,
                restricted: false,
                selected: public,
                runners: 1 + scale / 2,
            });
        }
        if h == Hygiene::Mixed || org.repos > 2_000 {
            let private = h == Hygiene::Mixed && rng.chance(0.5);
            let selected = if private {
                Vec::new()
            } else {
                sel(&mut rng, (2 + org.repos / 100).min(30))
            };
            groups.push(Group {
                id: 4,
                name: "gpu-runners",
                label: "gpu",
                is_default: false,
                visibility: if private { "private" } else { "selected" },
                allows_public: false,
                restricted: rng.chance(0.5),
                selected,
                runners: 1 + rng.below(3),
            });
        }
        let inactive_ruleset = match h {
            Hygiene::Strict => None,
            _ => Some((
                8_800 + org.index,
                if rng.chance(0.7) {
                    "evaluate"
                } else {
                    "disabled"
                },
            )),
        };
        Self {
            org_id: 4_400_000 + org.index * 7_919 + rng.below(5_000),
            default_write,
            can_approve,
            allowed_actions,
            sha_pinning,
            admins,
            groups,
            inactive_ruleset,
            inactive_share: 0.05 + rng.below(10) as f64 / 100.0,
        }
    }

    /// Repositories cannot be more permissive than an org with read tokens and no PR approval.
    fn workflow_permissions_implied(&self) -> bool {
        !self.default_write && !self.can_approve
    }
}

/// `public`, `internal` or `private`: its own stream so runner groups can find public
/// repositories without generating them.
pub(crate) fn visibility(ctx: &Ctx, org: u64, local: u64) -> &'static str {
    let mut rng = ctx.rng(&[keys::GITHUB_VISIBILITY, org, local]);
    ["public", "internal", "private"][rng.weighted(&[12, 18, 70])]
}

/// Title-case display name of a slug (`acme-labs` → `Acme Labs`).
pub(crate) fn display(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Org secret names, in the order they are created.
const ORG_SECRETS: &[&str] = &[
    "NPM_TOKEN",
    "DOCKERHUB_TOKEN",
    "SONAR_TOKEN",
    "SLACK_WEBHOOK_URL",
    "PYPI_API_TOKEN",
    "CODECOV_TOKEN",
    "SENTRY_AUTH_TOKEN",
    "ARTIFACTORY_PASSWORD",
    "GPG_PRIVATE_KEY",
    "SNYK_TOKEN",
    "DATADOG_API_KEY",
    "TF_API_TOKEN",
    "GH_PACKAGES_TOKEN",
    "COSIGN_PRIVATE_KEY",
];

/// Org-level rows of `org` (written with its first repository).
pub(crate) fn org_rows(ctx: &Ctx, org: &GithubOrg, p: &OrgProfile, out: &mut Rows) {
    let at = At::github(&org.name);
    let mut rng = ctx.rng(&[keys::GITHUB_ORG, org.index]);
    let h = org.hygiene;
    let pg = h.p_good();
    let strict = h == Hygiene::Strict;
    let lax = h == Hygiene::Lax;
    let flag = |rng: &mut Rng| match h {
        Hygiene::Strict => true,
        Hygiene::Lax => false,
        Hygiene::Mixed => rng.chance(0.6),
    };
    let base_permission = match h {
        Hygiene::Strict => "read",
        Hygiene::Lax => "write",
        Hygiene::Mixed => *rng.pick(&["read", "none", "write", "read"]),
    };
    let copilot = match h {
        Hygiene::Strict => s("block"),
        Hygiene::Lax => s("allow"),
        Hygiene::Mixed => [s("block"), s("allow"), None][rng.index(3)].clone(),
    };
    out.orgs.push(row_org!(OrgRow, at,
        org_id: s(p.org_id.to_string()),
        display_name: s(display(&org.name)),
        two_factor_required: Some(flag(&mut rng)),
        default_repo_permission: s(base_permission),
        members_can_create_public_repos: Some(!flag(&mut rng)),
        members_can_create_private_repos: Some(true),
        members_can_fork_private_repos: Some(!flag(&mut rng)),
        web_commit_signoff_required: Some(flag(&mut rng)),
        is_verified: Some(flag(&mut rng)),
        secret_scanning_default: Some(strict || rng.chance(0.5)),
        push_protection_default: Some(flag(&mut rng)),
        dependabot_alerts_default: Some(strict || (!lax && rng.chance(0.8))),
        dependabot_security_updates_default: Some(flag(&mut rng)),
        dependency_graph_default: Some(true),
        advanced_security_default: Some(flag(&mut rng)),
        copilot_public_code_suggestions: copilot,
        plan: s(if lax { "team" } else { "enterprise" }),
        created_at: ctx.clock.ago(&mut rng, 1_500, 4_500),
    ));
    out.access_grants.push(row!(AccessGrantRow, at,
        resource_type: s("org"),
        resource: s(&org.name),
        principal_type: s("group"),
        principal: s("all-members"),
        role: s(base_permission),
        via: s("org_base"),
        is_outside_collaborator: Some(false),
    ));
    out.pipeline_settings.push(row!(PipelineSettingsRow, at,
        scope: s("org"),
        actions_enabled: Some(true),
        enabled_repositories: s("all"),
        allowed_actions: s(p.allowed_actions),
        sha_pinning_required: Some(p.sha_pinning),
        default_workflow_permissions: s(if p.default_write { "write" } else { "read" }),
        can_approve_pull_request_reviews: Some(p.can_approve),
        fork_pr_approval_policy: s(*rng.pick(&[
            "first_time_contributors_new_to_github",
            "first_time_contributors",
            "all_external_contributors",
        ])),
    ));

    // Runner groups and their runners.
    for g in &p.groups {
        out.runner_groups.push(row_project!(RunnerGroupRow, at,
            group_id: s(g.id.to_string()),
            name: s(g.name),
            kind: s("runner_group"),
            is_hosted: Some(false),
            is_default: Some(g.is_default),
            visibility: s(g.visibility),
            selected_repositories: (g.visibility == "selected")
                .then(|| g.selected.iter().map(|l| names::repo(org.salt, *l)).collect()),
            allows_public_repositories: Some(g.allows_public),
            restricted_to_workflows: Some(g.restricted),
            selected_workflows: Some(if g.restricted {
                vec![format!("{}/shared-workflows/.github/workflows/build.yml@refs/heads/main", org.name)]
            } else {
                Vec::new()
            }),
        ));
        for k in 0..g.runners {
            let os = if g.name == "gpu-runners" || rng.chance(0.8) {
                "linux"
            } else {
                *rng.pick(&["windows", "macos"])
            };
            let online = rng.chance(0.85);
            out.runners.push(row!(RunnerRow, at,
                scope: s("org"),
                runner_id: s((org.index * 100_000 + g.id * 1_000 + k + 1).to_string()),
                name: s(format!("{}-{os}-{:02}", g.name.trim_end_matches("-runners"), k + 1)),
                os: s(os),
                status: s(if online { "online" } else { "offline" }),
                busy: Some(online && rng.chance(0.4)),
                labels: list(["self-hosted", os, "x64", g.label]),
                self_hosted: Some(true),
                group: s(g.name),
                version: s(*rng.pick(&["2.321.0", "2.320.0", "2.319.1", "2.311.0"])),
            ));
        }
    }

    // Organisation secrets: visibility and rotation follow the organisation's hygiene.
    let n_secrets = (4 + org.repos / 500).min(ORG_SECRETS.len() as u64) as usize;
    for (i, name) in ORG_SECRETS.iter().take(n_secrets).enumerate() {
        let visibility = match (h, i) {
            (Hygiene::Strict, _) => "selected",
            (Hygiene::Lax, 0) => "all",
            (Hygiene::Lax, 1) => "private",
            (_, _) => ["all", "private", "selected"][rng.weighted(&[20, 25, 55])],
        };
        let selected = (visibility == "selected").then(|| {
            let n = 2 + rng.below(20);
            rng.sample(org.repos as usize, n as usize)
                .into_iter()
                .map(|l| names::repo(org.salt, l as u64))
                .collect()
        });
        // The lax organisation's oldest secret is shared with every repository.
        let oldest = (h, i) == (Hygiene::Lax, 0);
        let (created, age) = ctx
            .clock
            .days_ago(&mut rng, if oldest { 500 } else { 30 }, 2_000);
        let rotated = if !oldest && rng.chance(pg) { 200 } else { 10 };
        out.secrets.push(row!(SecretRow, at,
            scope: s("org"),
            container: s(&org.name),
            name: s(*name),
            visibility: s(visibility),
            selected_repositories: selected,
            created_at: created,
            updated_at: ctx.clock.after(&mut rng, age, age / 86_400 * rotated / 100),
        ));
    }
    let (created, age) = ctx.clock.days_ago(&mut rng, 60, 900);
    out.secrets.push(row!(SecretRow, at,
        scope: s("dependabot"),
        container: s(&org.name),
        name: s("NPM_READ_TOKEN"),
        visibility: s("private"),
        created_at: created,
        updated_at: ctx.clock.after(&mut rng, age, 400),
    ));

    // Organisation variables.
    let mut vars: Vec<(&str, String)> = vec![
        (
            "AWS_REGION",
            (*rng.pick(&["eu-west-1", "us-east-1", "us-west-2"])).to_string(),
        ),
        (
            "SONAR_HOST_URL",
            format!("https://sonar.{}.example", ctx.company),
        ),
        (
            "ARTIFACTORY_URL",
            format!("https://{}.jfrog.io/artifactory", ctx.company),
        ),
        ("ACTIONS_STEP_DEBUG", "false".to_string()),
    ];
    if !strict {
        vars.push(("ARTIFACTORY_API_KEY", format!("AKCp8{}", rng.hex(40))));
    }
    if lax {
        vars.push((
            "SLACK_BOT_TOKEN",
            format!(
                "xoxb-{}-{}",
                rng.range(100_000_000, 999_999_999),
                rng.hex(24)
            ),
        ));
        vars.push(("ACTIONS_RUNNER_DEBUG", "true".to_string()));
    }
    for (name, value) in vars {
        out.variables.push(row!(VariableRow, at,
            scope: s("org"),
            container: s(&org.name),
            name: s(name),
            value: s(value),
            updated_at: ctx.clock.ago(&mut rng, 5, 900),
        ));
    }

    // Members: the first `admins` are owners.
    for i in 0..org.members {
        let two_factor = match h {
            Hygiene::Strict => true,
            Hygiene::Lax => rng.chance(0.85),
            Hygiene::Mixed => rng.chance(0.95),
        };
        out.members.push(row_org!(MemberRow, at,
            login: s(names::login(org.salt, i)),
            user_id: s((1_000_000 + org.salt % 1_000 * 10_000 + i).to_string()),
            role: s(if i < p.admins { "admin" } else { "member" }),
            two_factor_enabled: Some(two_factor),
            is_guest: Some(false),
        ));
    }
    for i in 0..org.outside {
        let two_factor = match h {
            Hygiene::Strict => true,
            Hygiene::Lax => i != 0 && rng.chance(0.6),
            Hygiene::Mixed => rng.chance(0.8),
        };
        out.members.push(row_org!(MemberRow, at,
            login: s(names::outside_login(org.salt, i)),
            user_id: s((9_000_000 + org.salt % 1_000 * 1_000 + i).to_string()),
            role: s("outside_collaborator"),
            two_factor_enabled: Some(two_factor),
            is_guest: Some(true),
        ));
    }

    // Teams.
    for i in 0..org.teams {
        let slug = names::team(i);
        let parent = (i >= 3 && rng.chance(0.4)).then(|| names::team(rng.below(3)));
        out.teams.push(row_project!(TeamRow, at,
            team: s(&slug),
            team_id: s((7_000_000 + org.index * 10_000 + i).to_string()),
            description: s(format!("{} team", display(&slug))),
            privacy: s(if rng.chance(0.85) { "closed" } else { "secret" }),
            parent: parent,
        ));
    }

    // Organisation webhooks.
    let hooks = 1 + rng.below(3);
    for k in 0..hooks {
        let (host, scheme, secret, insecure) = match (k, h) {
            (0, _) => ("hooks.slack.com".to_string(), "https", false, false),
            (1, Hygiene::Lax) => (
                format!("legacy-ci.{}.internal:8080", ctx.company),
                "http",
                false,
                false,
            ),
            _ => (
                format!("audit.{}.example", ctx.company),
                "https",
                true,
                !rng.chance(pg),
            ),
        };
        out.webhooks.push(row!(WebhookRow, at,
            scope: s("org"),
            hook_id: s((300_000_000 + org.index * 1_000 + k).to_string()),
            url_host: s(host),
            url_scheme: s(scheme),
            active: Some(true),
            events: list(if k == 0 { vec!["repository", "member", "team"] } else { vec!["push", "pull_request"] }),
            insecure_ssl: Some(insecure),
            has_secret: Some(secret),
            content_type: s("json"),
        ));
    }

    // App installations.
    type App = (
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
        Vec<&'static str>,
        bool,
    );
    let apps: Vec<App> = match h {
        Hygiene::Strict => vec![
            (
                "renovate",
                "selected",
                vec![
                    ("contents", "write"),
                    ("pull_requests", "write"),
                    ("metadata", "read"),
                ],
                vec!["push", "pull_request"],
                false,
            ),
            (
                "codecov",
                "all",
                vec![
                    ("checks", "read"),
                    ("metadata", "read"),
                    ("statuses", "read"),
                ],
                vec!["status"],
                false,
            ),
            (
                "sonarcloud",
                "selected",
                vec![
                    ("checks", "write"),
                    ("pull_requests", "write"),
                    ("metadata", "read"),
                ],
                vec!["pull_request", "check_run"],
                false,
            ),
        ],
        Hygiene::Lax => vec![
            (
                "renovate",
                "all",
                vec![
                    ("contents", "write"),
                    ("pull_requests", "write"),
                    ("issues", "write"),
                    ("metadata", "read"),
                    ("workflows", "write"),
                ],
                vec!["push", "pull_request", "issues"],
                false,
            ),
            (
                "codecov",
                "all",
                vec![
                    ("checks", "read"),
                    ("metadata", "read"),
                    ("statuses", "read"),
                ],
                vec!["status"],
                false,
            ),
            (
                "legacy-deploy-bot",
                "all",
                vec![
                    ("administration", "write"),
                    ("contents", "write"),
                    ("metadata", "read"),
                ],
                vec![],
                true,
            ),
            (
                "ci-helper",
                "all",
                vec![
                    ("contents", "write"),
                    ("checks", "write"),
                    ("metadata", "read"),
                ],
                vec!["push"],
                false,
            ),
        ],
        Hygiene::Mixed => vec![
            (
                "renovate",
                if rng.chance(0.5) { "all" } else { "selected" },
                vec![
                    ("contents", "write"),
                    ("pull_requests", "write"),
                    ("metadata", "read"),
                ],
                vec!["push", "pull_request"],
                false,
            ),
            (
                "slack",
                "all",
                vec![
                    ("metadata", "read"),
                    ("issues", "read"),
                    ("pull_requests", "read"),
                ],
                vec!["issues", "pull_request"],
                false,
            ),
            (
                "jira-cloud",
                "all",
                vec![("issues", "write"), ("metadata", "read")],
                vec!["issues"],
                rng.chance(0.2),
            ),
        ],
    };
    for (k, (slug, selection, perms, events, suspended)) in apps.into_iter().enumerate() {
        out.integrations.push(row_org!(IntegrationRow, at,
            kind: s("github_app"),
            installation_id: s((51_000_000 + org.index * 100 + k as u64).to_string()),
            slug: s(slug),
            publisher: s(&org.name),
            repository_selection: s(selection),
            permissions: map(perms),
            events: list(events),
            suspended: Some(suspended),
            created_at: ctx.clock.ago(&mut rng, 30, 2_000),
        ));
    }
}

/// Per-organisation tallies for the `collection_runs` rows.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tally {
    pub repos: u64,
    pub errors: u64,
    pub requests: u64,
}

/// How well a repository is looked after; settings are drawn around it.
fn care(org: Hygiene, rng: &mut Rng) -> f64 {
    let weights = match org {
        Hygiene::Strict => [60, 35, 5],
        Hygiene::Lax => [10, 45, 45],
        Hygiene::Mixed => [30, 45, 25],
    };
    [0.92, 0.6, 0.2][rng.weighted(&weights)]
}

fn clamp(p: f64) -> f64 {
    p.clamp(0.02, 0.98)
}

const REPO_SECRETS: &[&str] = &[
    "NPM_TOKEN",
    "SONAR_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "DOCKER_PASSWORD",
    "CODECOV_TOKEN",
    "SENTRY_AUTH_TOKEN",
    "SLACK_WEBHOOK",
    "GPG_PRIVATE_KEY",
    "PYPI_API_TOKEN",
    "DEPLOY_KEY",
    "AZURE_CREDENTIALS",
];

const ENV_SECRETS: &[&str] = &[
    "DATABASE_URL",
    "DEPLOY_TOKEN",
    "KUBECONFIG",
    "AZURE_CLIENT_SECRET",
    "AWS_ROLE_ARN",
    "PROD_API_KEY",
];

/// All rows of the `local`-th repository of `org`.
pub(crate) fn repo_rows(
    ctx: &Ctx,
    org: &GithubOrg,
    p: &OrgProfile,
    local: u64,
    out: &mut Rows,
    tally: &mut Tally,
) {
    let mut rng = ctx.rng(&[keys::GITHUB_REPO, org.index, local]);
    let name = names::repo(org.salt, local);
    let at = At::github(&org.name).in_repo(&name);
    let pc = care(org.hygiene, &mut rng);
    let good = |rng: &mut Rng, bias: f64| rng.chance(clamp(pc + bias));
    let visibility = visibility(ctx, org.index, local);
    let public = visibility == "public";
    let archived = rng.chance(0.05);
    let fork = rng.chance(0.03);
    let disabled = !archived && rng.chance(0.002);
    let branch = if rng.chance(0.85) { "main" } else { "master" };
    tally.repos += 1;
    tally.requests += 12;

    // Settings.
    let ghas = (!public).then(|| good(&mut rng, -0.1));
    let secret_scanning = if public {
        good(&mut rng, 0.2)
    } else {
        ghas == Some(true) && rng.chance(0.9)
    };
    let push_protection = secret_scanning && good(&mut rng, 0.0);
    let dsu = good(&mut rng, 0.0);
    let has_codeowners = good(&mut rng, -0.05);
    let (created, created_age) = ctx.clock.days_ago(&mut rng, 60, 3_650);
    let push_days = if archived {
        rng.range(400, 2_500)
    } else {
        match rng.weighted(&[55, 25, 20]) {
            0 => rng.range(0, 60),
            1 => rng.range(60, 180),
            _ => rng.range(180, 1_200),
        }
    };
    let push_age = (push_days * 86_400 + rng.range(0, 86_399)).min(created_age);
    out.repositories.push(row!(RepositoryRow, at,
        repo_id: s((100_000_000 + rng.below(800_000_000)).to_string()),
        full_name: s(format!("{}/{name}", org.name)),
        visibility: s(visibility),
        is_archived: Some(archived),
        is_fork: Some(fork),
        is_disabled: Some(disabled),
        default_branch: s(branch),
        allow_forking: Some(public || !good(&mut rng, 0.0)),
        secret_scanning: Some(secret_scanning),
        push_protection: Some(push_protection),
        dependabot_security_updates: Some(dsu),
        vulnerability_alerts: dsu.then_some(true),
        advanced_security: ghas,
        private_vulnerability_reporting: public.then(|| good(&mut rng, -0.3)),
        has_codeowners: Some(has_codeowners),
        has_security_policy: Some(good(&mut rng, -0.2)),
        has_dependabot_config: Some(good(&mut rng, -0.1)),
        created_at: created,
        pushed_at: ctx.clock.before(push_age),
        url: s(format!("https://github.com/{}/{name}", org.name)),
    ));

    // Branch protection on the default branch.
    if rng.chance(0.004) {
        tally.errors += 1;
        out.collection_errors.push(row!(CollectionErrorRow, at,
            run_id: s(run_id(ctx, "github", &org.name)),
            table_name: s("branch_policies"),
            endpoint: s(format!("/repos/{}/{name}/branches/{branch}/protection", org.name)),
            http_status: Some(403),
            message: s("Resource not accessible by integration"),
            missing_permission: s("administration=read"),
            at: ctx.clock.now(),
        ));
    } else if good(&mut rng, 0.25) {
        branch_policy(&mut rng, &at, branch, pc, org, out);
    }
    if let Some((id, enforcement)) = p.inactive_ruleset
        && rng.chance(p.inactive_share)
    {
        out.branch_policies.push(row!(BranchPolicyRow, at,
            branch_pattern: s("~DEFAULT_BRANCH"),
            applies_to_default_branch: Some(true),
            source: s("ruleset"),
            source_ids: list([id.to_string()]),
            enforcement: s(enforcement),
            bypass_actors: Some(vec![BypassActor {
                actor_type: s("OrganizationAdmin"),
                actor_id: s("1"),
                bypass_mode: s("always"),
            }]),
        ));
    }

    // Environments (deployment targets of the workflows).
    let mut envs: Vec<&'static str> = Vec::new();
    if rng.chance(0.35) {
        envs.push("production");
        envs.push("staging");
        if rng.chance(0.3) {
            envs.push("dev");
        }
    }
    for env in &envs {
        let prod = *env == "production";
        let reviewers: Vec<Principal> = if good(&mut rng, if prod { 0.1 } else { -0.4 }) {
            if rng.chance(0.6) {
                vec![Principal {
                    r#type: s("Team"),
                    name: s(names::team(rng.below(org.teams.max(1)))),
                }]
            } else {
                vec![Principal {
                    r#type: s("User"),
                    name: s(names::login(org.salt, rng.below(org.members.max(1)))),
                }]
            }
        } else {
            Vec::new()
        };
        let branch_policy = if good(&mut rng, -0.15) {
            s(if rng.chance(0.7) {
                "protected_branches"
            } else {
                "custom"
            })
        } else {
            None
        };
        out.environments.push(row!(EnvironmentRow, at,
            environment_id: s((600_000_000 + rng.below(300_000_000)).to_string()),
            name: s(*env),
            prevent_self_review: (!reviewers.is_empty()).then(|| good(&mut rng, -0.2)),
            required_reviewers: Some(reviewers),
            wait_timer: Some(if prod && rng.chance(0.2) { 30 } else { 0 }),
            deployment_branch_policy: branch_policy,
            can_admins_bypass: Some(!good(&mut rng, -0.2)),
            checks: Some(Vec::new()),
        ));
        if rng.chance(0.75) {
            let n = 1 + rng.index(3);
            for i in rng.sample(ENV_SECRETS.len(), n) {
                let (c, age) = ctx.clock.days_ago(&mut rng, 10, 1_400);
                out.secrets.push(row!(SecretRow, at,
                    scope: s("environment"),
                    container: s(*env),
                    name: s(ENV_SECRETS[i]),
                    created_at: c,
                    updated_at: ctx.clock.after(&mut rng, age, 600),
                ));
            }
        }
    }

    // Workflows, jobs and steps.
    let facts = RepoFacts {
        org: &org.name,
        org_index: org.index,
        repo: &name,
        local,
        care: pc,
        envs: &envs,
    };
    let wf = workflows::repo_workflows(ctx, &at, &facts, out);
    tally.requests += wf.files;

    // Actions settings, secrets and variables where Actions runs.
    if wf.files > 0 && !archived {
        let implied = p.workflow_permissions_implied();
        let allowed = if p.allowed_actions == "all" {
            *rng.pick(&["all", "all", "selected", "local_only"])
        } else {
            p.allowed_actions
        };
        out.pipeline_settings.push(row!(PipelineSettingsRow, at,
            scope: s("repo"),
            actions_enabled: Some(!rng.chance(0.02)),
            allowed_actions: s(allowed),
            sha_pinning_required: Some(p.sha_pinning),
            default_workflow_permissions: s(if implied || good(&mut rng, 0.0) { "read" } else { "write" }),
            can_approve_pull_request_reviews: Some(!implied && !good(&mut rng, 0.2)),
        ));
        let n = rng.weighted(&[35, 25, 20, 12, 8]);
        for i in rng.sample(REPO_SECRETS.len(), n) {
            let (c, age) = ctx.clock.days_ago(&mut rng, 5, 1_800);
            let rotate = if good(&mut rng, 0.0) { 700 } else { 60 };
            out.secrets.push(row!(SecretRow, at,
                scope: s("repo"),
                container: s(&name),
                name: s(REPO_SECRETS[i]),
                created_at: c,
                updated_at: ctx.clock.after(&mut rng, age, rotate),
            ));
        }
        repo_variables(ctx, &mut rng, &at, &org.name, &name, pc, out);
    }
    if rng.chance(0.05) {
        let (c, age) = ctx.clock.days_ago(&mut rng, 30, 900);
        out.secrets.push(row!(SecretRow, at,
            scope: s("dependabot"),
            container: s(&name),
            name: s("NPM_READ_TOKEN"),
            created_at: c,
            updated_at: ctx.clock.after(&mut rng, age, 300),
        ));
    }

    // Repository runners (self-hosted).
    if rng.chance(if public { 0.06 } else { 0.02 }) {
        for k in 0..1 + rng.below(2) {
            let online = rng.chance(0.7);
            out.runners.push(row!(RunnerRow, at,
                scope: s("repo"),
                runner_id: s((20_000_000 + rng.below(9_000_000)).to_string()),
                name: s(format!("{name}-runner-{}", k + 1)),
                os: s("linux"),
                status: s(if online { "online" } else { "offline" }),
                busy: Some(false),
                labels: list(["self-hosted", "linux", "x64"]),
                self_hosted: Some(true),
                version: s("2.320.0"),
            ));
        }
    }

    access_grants(&mut rng, &at, org, &name, pc, out);
    webhooks(ctx, &mut rng, &at, pc, out);
    deploy_keys(ctx, &mut rng, &at, org, pc, out);
    let on = AlertInputs {
        code_scanning: wf.codeql || (ghas == Some(true) && rng.chance(0.15)),
        dependabot: dsu,
        secret_scanning,
    };
    alerts(ctx, &mut rng, &at, &org.name, &name, on, out);
}

/// The run id of the collection of one organisation.
pub(crate) fn run_id(ctx: &Ctx, platform: &str, org: &str) -> String {
    format!("synthetic-{}-{platform}-{org}", ctx.seed)
}

fn branch_policy(rng: &mut Rng, at: &At, branch: &str, pc: f64, org: &GithubOrg, out: &mut Rows) {
    let good = |rng: &mut Rng, bias: f64| rng.chance(clamp(pc + bias));
    let kind = rng.weighted(&[60, 28, 12]);
    let classic = kind != 1;
    let ruleset = kind != 0;
    let ruleset_id = 100_000 + rng.below(900_000);
    let bypass = if ruleset && !good(rng, 0.1) {
        vec![match rng.index(3) {
            0 => BypassActor {
                actor_type: s("OrganizationAdmin"),
                actor_id: s("1"),
                bypass_mode: s("always"),
            },
            1 => BypassActor {
                actor_type: s("Team"),
                actor_id: s(
                    (7_000_000 + org.index * 10_000 + rng.below(org.teams.max(1))).to_string(),
                ),
                bypass_mode: s("always"),
            },
            _ => BypassActor {
                actor_type: s("Integration"),
                actor_id: s((7_101 + rng.below(5)).to_string()),
                bypass_mode: s("pull_request"),
            },
        }]
    } else {
        Vec::new()
    };
    let checks: Vec<&str> = if good(rng, 0.0) {
        let all = ["build", "test", "lint", "CodeQL", "ci/circleci: build"];
        let n = 1 + rng.index(3);
        rng.sample(all.len(), n)
            .into_iter()
            .map(|i| all[i])
            .collect()
    } else {
        Vec::new()
    };
    let mut ids = Vec::new();
    if classic {
        ids.push("protection".to_string());
    }
    if ruleset {
        ids.push(ruleset_id.to_string());
    }
    let approvals = if good(rng, 0.0) {
        *rng.pick(&[2, 2, 3])
    } else {
        *rng.pick(&[0, 1, 1])
    };
    let enforce_admins = if classic {
        good(rng, -0.1)
    } else {
        bypass.is_empty()
    };
    out.branch_policies.push(row!(BranchPolicyRow, at,
        branch_pattern: s(branch),
        applies_to_default_branch: Some(true),
        source: s(match (classic, ruleset) {
            (true, true) => "classic+ruleset",
            (true, false) => "classic",
            _ => "ruleset",
        }),
        source_ids: Some(ids),
        enforcement: s("active"),
        required_approvals: Some(approvals),
        dismiss_stale_reviews: Some(good(rng, 0.0)),
        require_code_owner_review: Some(good(rng, -0.1)),
        require_last_push_approval: Some(good(rng, -0.3)),
        required_status_checks: list(checks),
        strict_status_checks: Some(good(rng, -0.2)),
        require_conversation_resolution: Some(good(rng, -0.2)),
        require_signed_commits: Some(good(rng, -0.5)),
        require_linear_history: Some(good(rng, -0.3)),
        enforce_admins: Some(enforce_admins),
        allow_force_pushes: Some(!good(rng, 0.1)),
        allow_deletions: Some(!good(rng, 0.1)),
        bypass_actors: Some(bypass),
    ));
}

fn repo_variables(
    ctx: &Ctx,
    rng: &mut Rng,
    at: &At,
    org: &str,
    repo: &str,
    pc: f64,
    out: &mut Rows,
) {
    let mut vars: Vec<(&str, String)> = Vec::new();
    let plain: [(&str, String); 5] = [
        ("NODE_VERSION", "20".to_string()),
        ("IMAGE_NAME", format!("ghcr.io/{org}/{repo}")),
        ("DEPLOY_ENV", "staging".to_string()),
        ("SENTRY_ORG", ctx.company.to_string()),
        ("TF_WORKSPACE", format!("{repo}-prod")),
    ];
    let n = rng.weighted(&[50, 25, 15, 10]);
    for i in rng.sample(plain.len(), n) {
        vars.push((plain[i].0, plain[i].1.clone()));
    }
    if rng.chance(0.015) {
        vars.push((
            "ACTIONS_STEP_DEBUG",
            if rng.chance(0.5) { "true" } else { "false" }.to_string(),
        ));
    }
    if rng.chance(clamp((1.0 - pc) * 0.03)) {
        vars.push(match rng.index(4) {
            0 => (
                "DB_PASSWORD",
                format!(
                    "{}-Prod-{}!",
                    display(repo).replace(' ', ""),
                    rng.range(10, 99)
                ),
            ),
            1 => (
                "AWS_ACCESS_KEY_ID",
                format!("AKIA{}", rng.hex(16).to_uppercase()),
            ),
            2 => (
                "SLACK_TOKEN",
                format!(
                    "xoxb-{}-{}",
                    rng.range(100_000_000, 999_999_999),
                    rng.hex(24)
                ),
            ),
            _ => ("API_KEY", format!("sk_live_{}", rng.hex(24))),
        });
    }
    for (name, value) in vars {
        out.variables.push(row!(VariableRow, at,
            scope: s("repo"),
            container: s(repo),
            name: s(name),
            value: s(value),
            updated_at: ctx.clock.ago(rng, 1, 900),
        ));
    }
}

fn access_grants(rng: &mut Rng, at: &At, org: &GithubOrg, repo: &str, pc: f64, out: &mut Rows) {
    let grant = |principal_type: &str, principal: String, role: &str, via: &str, outside: bool| {
        row!(AccessGrantRow, at,
            resource_type: s("repository"),
            resource: s(repo),
            principal_type: s(principal_type),
            principal: s(principal),
            role: s(role),
            via: s(via),
            is_outside_collaborator: Some(outside),
        )
    };
    const ROLES: [&str; 4] = ["read", "write", "maintain", "admin"];
    let n = 1 + rng.index(3);
    for t in rng.sample(org.teams as usize, n) {
        let role = ROLES[rng.weighted(&[30, 45, 15, 10])];
        out.access_grants
            .push(grant("team", names::team(t as u64), role, "team", false));
    }
    if rng.chance(clamp(1.0 - pc * 0.8)) {
        let n = if rng.chance(0.05) {
            4 + rng.index(3)
        } else {
            1 + rng.index(3)
        };
        let many_admins = n > 3;
        for m in rng.sample(org.members as usize, n) {
            let role = if many_admins {
                "admin"
            } else {
                ROLES[rng.weighted(&[25, 50, 10, 15])]
            };
            let login = names::login(org.salt, m as u64);
            out.access_grants
                .push(grant("user", login, role, "direct", false));
        }
    }
    if rng.chance(0.05) {
        let i = rng.below(org.outside.max(1));
        let role = ROLES[rng.weighted(&[50, 40, 0, 10])];
        out.access_grants.push(grant(
            "user",
            names::outside_login(org.salt, i),
            role,
            "direct",
            true,
        ));
    }
}

const EVENTS: [&[&str]; 3] = [&["push"], &["push", "pull_request"], &["*"]];

fn webhooks(ctx: &Ctx, rng: &mut Rng, at: &At, pc: f64, out: &mut Rows) {
    if !rng.chance(0.15) {
        return;
    }
    for k in 0..1 + rng.below(2) {
        let (host, scheme, secret, insecure) = match rng.weighted(&[55, 25, 20]) {
            0 => (
                format!("ci.{}.example", ctx.company),
                "https",
                rng.chance(clamp(pc + 0.1)),
                !rng.chance(clamp(pc + 0.2)),
            ),
            1 => ("hooks.slack.com".to_string(), "https", false, false),
            _ => (
                format!("jenkins.{}.internal:8080", ctx.company),
                if rng.chance(0.6) { "http" } else { "https" },
                rng.chance(0.3),
                rng.chance(0.3),
            ),
        };
        out.webhooks.push(row!(WebhookRow, at,
            scope: s("repo"),
            hook_id: s((400_000_000 + rng.below(100_000_000) + k).to_string()),
            url_host: s(host),
            url_scheme: s(scheme),
            active: Some(rng.chance(0.92)),
            events: list(rng.pick(&EVENTS).iter().copied()),
            insecure_ssl: Some(insecure),
            has_secret: Some(secret),
            content_type: s(if rng.chance(0.8) { "json" } else { "form" }),
        ));
    }
}

fn deploy_keys(ctx: &Ctx, rng: &mut Rng, at: &At, org: &GithubOrg, pc: f64, out: &mut Rows) {
    if !rng.chance(0.08) {
        return;
    }
    for _ in 0..1 + rng.below(2) {
        let (created, age) = ctx.clock.days_ago(rng, 30, 2_000);
        out.deploy_keys.push(row!(DeployKeyRow, at,
            key_id: s((80_000_000 + rng.below(20_000_000)).to_string()),
            title: s(*rng.pick(&["deploy@prod", "argocd", "ci-readonly", "backup-bot", "legacy-deploy", "flux"])),
            read_only: Some(rng.chance(clamp(pc))),
            verified: Some(true),
            added_by: rng.chance(0.7).then(|| names::login(org.salt, rng.below(org.members.max(1)))),
            created_at: created,
            last_used_at: if rng.chance(0.7) { ctx.clock.after(rng, age, 2_000) } else { None },
        ));
    }
}

/// Which alert kinds a repository produces.
pub(crate) struct AlertInputs {
    pub code_scanning: bool,
    pub dependabot: bool,
    pub secret_scanning: bool,
}

const CODE_RULES: &[&str] = &[
    "js/xss-through-dom",
    "js/incomplete-sanitization",
    "py/sql-injection",
    "py/path-injection",
    "java/sql-injection",
    "java/unsafe-deserialization",
    "go/log-injection",
    "go/path-injection",
    "cs/web/missing-token-validation",
    "rb/reflected-xss",
];

const PACKAGES: &[&str] = &[
    "lodash",
    "axios",
    "@babel/traverse",
    "jackson-databind",
    "log4j-core",
    "requests",
    "urllib3",
    "golang.org/x/net",
    "Newtonsoft.Json",
    "express",
    "minimist",
    "pyyaml",
];

const SECRET_TYPES: &[&str] = &[
    "aws_access_key_id",
    "github_personal_access_token",
    "stripe_api_key",
    "slack_api_token",
    "azure_storage_account_key",
    "google_api_key",
];

/// `GHSA-xxxx-xxxx-xxxx`.
fn ghsa(rng: &mut Rng) -> String {
    const ALPHA: &[u8] = b"23456789cfghjmpqrvwx";
    let part = |rng: &mut Rng| -> String {
        (0..4)
            .map(|_| char::from(ALPHA[rng.index(ALPHA.len())]))
            .collect()
    };
    let (a, b, c) = (part(rng), part(rng), part(rng));
    format!("GHSA-{a}-{b}-{c}")
}

fn alerts(
    ctx: &Ctx,
    rng: &mut Rng,
    at: &At,
    org: &str,
    repo: &str,
    on: AlertInputs,
    out: &mut Rows,
) {
    let base = format!("https://github.com/{org}/{repo}/security");
    let mut push = |rng: &mut Rng,
                    kind: &str,
                    n: i64,
                    state: &str,
                    severity: Option<String>,
                    rule: Option<String>,
                    tool: &str,
                    what: Option<String>,
                    path: &str| {
        let (created, age) = ctx.clock.days_ago(rng, 0, 700);
        let closed = matches!(state, "fixed" | "resolved");
        out.alerts.push(row!(AlertRow, at,
            kind: s(kind),
            number: Some(n),
            state: s(state),
            severity: severity,
            rule: rule,
            tool: s(tool),
            package_or_secret_type: what,
            created_at: created,
            fixed_at: if closed { ctx.clock.after(rng, age, 60) } else { None },
            url: s(format!("{base}/{path}/{n}")),
        ));
    };
    let infra = ["infra", "terraform", "helm", "k8s"]
        .iter()
        .any(|w| repo.contains(w));
    let api = ["-api", "gateway"].iter().any(|w| repo.contains(w));
    let mut n = 0;
    if on.code_scanning {
        for _ in 0..[0, 1, 2, 3, 5][rng.weighted(&[40, 25, 15, 10, 10])] {
            n += 1;
            let sev = ["critical", "high", "medium", "low", "warning", "note"]
                [rng.weighted(&[5, 25, 40, 20, 5, 5])];
            let state = ["open", "fixed", "dismissed"][rng.weighted(&[45, 40, 15])];
            let rule = *rng.pick(CODE_RULES);
            push(
                rng,
                "code_scanning",
                n,
                state,
                s(sev),
                s(rule),
                "CodeQL",
                None,
                "code-scanning",
            );
        }
        if infra && rng.chance(0.6) {
            for _ in 0..1 + rng.below(4) {
                n += 1;
                let (tool, rule) = *rng.pick(&[
                    ("Checkov", "CKV_AWS_20"),
                    ("Trivy", "KSV011"),
                    ("tfsec", "aws-s3-enable-bucket-encryption"),
                    ("KICS", "a227ec01-f97a-4084-91a4-47b350c1db54"),
                ]);
                let state = if rng.chance(0.55) { "open" } else { "fixed" };
                let sev = *rng.pick(&["high", "medium", "low"]);
                push(
                    rng,
                    "code_scanning",
                    n,
                    state,
                    s(sev),
                    s(rule),
                    tool,
                    None,
                    "code-scanning",
                );
            }
        }
    }
    // API security testing runs as its own tool, with or without code scanning.
    if api && rng.chance(0.15) {
        for _ in 0..1 + rng.below(2) {
            n += 1;
            let (tool, rule) = *rng.pick(&[
                ("ZAP", "api-broken-object-level-authorization"),
                ("StackHawk", "40012"),
                ("42Crunch", "v3-global-securityscheme-missing"),
            ]);
            let state = if rng.chance(0.6) { "open" } else { "fixed" };
            push(
                rng,
                "code_scanning",
                n,
                state,
                s("high"),
                s(rule),
                tool,
                None,
                "code-scanning",
            );
        }
    }
    if on.dependabot {
        for n in 1..=[0, 1, 2, 4, 8][rng.weighted(&[35, 20, 15, 15, 15])] {
            let sev = ["critical", "high", "medium", "low"][rng.weighted(&[8, 27, 45, 20])];
            let state =
                ["open", "fixed", "dismissed", "auto_dismissed"][rng.weighted(&[40, 45, 10, 5])];
            let rule = ghsa(rng);
            let package = *rng.pick(PACKAGES);
            push(
                rng,
                "dependabot",
                n,
                state,
                s(sev),
                s(rule),
                "dependabot",
                s(package),
                "dependabot",
            );
        }
    }
    if on.secret_scanning && rng.chance(0.12) {
        for n in 1..=1 + rng.below(2) as i64 {
            let state = if rng.chance(0.5) { "open" } else { "resolved" };
            let what = *rng.pick(SECRET_TYPES);
            push(
                rng,
                "secret_scanning",
                n,
                state,
                None,
                None,
                "secret-scanning",
                s(what),
                "secret-scanning",
            );
        }
    }
}
