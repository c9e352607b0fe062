//! Azure DevOps organisations, projects and repositories: agent pools and agents, users and
//! security groups, per project its pipeline settings, service connections, variable groups,
//! secure files, environments and the pipeline permissions of each protected resource; per
//! repository its Advanced Security state, branch policies, alerts and pipelines
//! ([`crate::azure_pipelines`]).
//!
//! Values have the shapes the Azure DevOps collector writes (GUIDs, lower-case endpoint types,
//! `ado_policy` branch policies on `refs/heads/...`, pipeline permissions per resource).

use devquery_model::tables::{
    AccessGrantRow, AlertRow, BranchPolicyRow, EnvironmentRow, MemberRow, OrgRow,
    PipelineSettingsRow, Principal, ProjectRow, RepositoryRow, ResourceAuthorizationRow,
    RunnerGroupRow, RunnerRow, SecretRow, ServiceConnectionRow, TeamRow, VariableRow,
};

use crate::azure_pipelines;
use crate::ctx::{At, Ctx, list, s};
use crate::github::Tally;
use crate::keys;
use crate::layout::{AzureOrg, Hygiene, Layout};
use crate::names;
use crate::out::Rows;
use crate::rng::Rng;

/// Agent pools of every organisation: `(name, id, Microsoft-hosted, default)`.
pub(crate) const POOLS: &[(&str, u64, bool, bool)] = &[
    ("Default", 1, false, true),
    ("Azure Pipelines", 9, true, false),
    ("linux-agents", 10, false, false),
    ("windows-build", 11, false, false),
    ("gpu-agents", 12, false, false),
];

/// Whether project `project`'s queue on pool `pool` is open to all pipelines.
fn queue_open(ctx: &Ctx, org: u64, project: u64, pool: u64) -> bool {
    let mut rng = ctx.rng(&[keys::QUEUE, org, project, pool]);
    let p = if pool == 9 {
        0.9
    } else {
        match Hygiene::of(project) {
            Hygiene::Strict => 0.05,
            Hygiene::Lax => 0.7,
            Hygiene::Mixed => 0.3,
        }
    };
    rng.chance(p)
}

/// A service connection of a project.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub id: String,
    pub name: String,
    pub r#type: &'static str,
}

/// A variable group of a project.
#[derive(Debug, Clone)]
pub(crate) struct VariableGroup {
    pub id: u64,
    pub name: String,
    pub key_vault: bool,
}

/// What the pipelines of a project can reference, and what its project-level rows need.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub org: u64,
    pub index: u64,
    pub name: String,
    pub hygiene: Hygiene,
    pub public: bool,
    pub connections: Vec<Connection>,
    pub groups: Vec<VariableGroup>,
    pub envs: Vec<&'static str>,
    /// Definition ids of the project's pipelines.
    pub definitions: Vec<u64>,
}

/// Definition id of the `k`-th pipeline of the `local`-th repository of a project.
pub(crate) fn definition_id(local: u64, k: u64) -> u64 {
    local * 10 + k + 1
}

/// Pipelines of the `local`-th repository of a project (its own stream, so the project can
/// list its definitions before its repositories are generated).
pub(crate) fn pipeline_total(ctx: &Ctx, org: u64, project: u64, local: u64) -> u64 {
    let mut rng = ctx.rng(&[keys::AZURE_PIPELINE_COUNT, org, project, local]);
    crate::workflows::pipeline_count(&mut rng) as u64
}

impl Project {
    /// The profile of project `index` of `org`.
    pub(crate) fn new(ctx: &Ctx, layout: &Layout, org: &AzureOrg, index: u64) -> Self {
        let mut rng = ctx.rng(&[keys::PROJECT, org.index, index]);
        let hygiene = Hygiene::of(index);
        let name = names::project(index);
        let lower = name.to_ascii_lowercase();
        let public = match (org.index, index) {
            (0, 1) => true,
            (_, 0) => false,
            _ => rng.chance(0.05),
        };
        let mut connections = Vec::new();
        let n = 2 + rng.below(4);
        for k in 0..n {
            let r#type = match (hygiene, k) {
                (Hygiene::Lax, 0) => "azure",
                (_, 0 | 1) => "azurerm",
                _ => [
                    "azurerm",
                    "github",
                    "dockerregistry",
                    "kubernetes",
                    "generic",
                    "azure",
                    "sonarqube",
                ][rng.weighted(&[45, 14, 14, 7, 8, 4, 8])],
            };
            let base = match r#type {
                "azurerm" => format!(
                    "azure-{}-{lower}",
                    ["prod", "nonprod", "shared", "sandbox"][(k % 4) as usize]
                ),
                "azure" => format!("azure-classic-{lower}"),
                "github" => format!("github-{}", ctx.company),
                "dockerregistry" => format!("acr-{lower}"),
                "kubernetes" => format!("aks-{lower}"),
                "sonarqube" => "sonarcloud".to_string(),
                _ => format!("artifacts-{lower}"),
            };
            let name = if connections.iter().any(|c: &Connection| c.name == base) {
                format!("{base}-{k}")
            } else {
                base
            };
            connections.push(Connection {
                id: rng.guid(),
                name,
                r#type,
            });
        }
        let mut groups = Vec::new();
        let n = match hygiene {
            Hygiene::Mixed => 1 + rng.below(4),
            _ => 2 + rng.below(3),
        };
        let group_names = ["common", "release", "secrets", "keyvault"];
        for k in 0..n {
            groups.push(VariableGroup {
                id: k + 1,
                name: format!("{lower}-{}", group_names[k as usize % group_names.len()]),
                key_vault: group_names[k as usize % group_names.len()] == "keyvault",
            });
        }
        let envs = match rng.index(3) {
            0 => vec!["dev", "staging", "production"],
            1 => vec!["staging", "production"],
            _ => vec!["production"],
        };
        let repos = layout.project_repos(org, index);
        let mut definitions = Vec::new();
        for local in 0..repos {
            for k in 0..pipeline_total(ctx, org.index, index, local) {
                definitions.push(definition_id(local, k));
            }
        }
        Self {
            org: org.index,
            index,
            name,
            hygiene,
            public,
            connections,
            groups,
            envs,
            definitions,
        }
    }

    /// Probability that one resource of the project is open to all pipelines.
    fn p_open(&self) -> f64 {
        match self.hygiene {
            Hygiene::Strict => 0.1,
            Hygiene::Lax => 0.7,
            Hygiene::Mixed => 0.35,
        }
    }

    /// A few of the project's pipeline ids, as text.
    fn some_pipelines(&self, rng: &mut Rng) -> Vec<String> {
        let n = 1 + rng.index(4);
        rng.sample(self.definitions.len(), n)
            .into_iter()
            .map(|i| self.definitions[i].to_string())
            .collect()
    }
}

/// A descriptor-like id (`vssgp.Uy0xLTkt...`, `aad.MDA...`).
fn descriptor(rng: &mut Rng, prefix: &str) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let body: String = (0..44)
        .map(|_| char::from(B64[rng.index(B64.len())]))
        .collect();
    format!("{prefix}.{body}")
}

/// Organisation-level rows of `org` (written with its first repository).
pub(crate) fn org_rows(ctx: &Ctx, org: &AzureOrg, out: &mut Rows) {
    let at = At::azure(&org.name);
    let mut rng = ctx.rng(&[keys::AZURE_ORG, org.index]);
    let strict = org.hygiene == Hygiene::Strict;
    out.orgs.push(row_org!(OrgRow, at,
        org_id: s(rng.guid()),
        display_name: s(&org.name),
    ));
    for (name, id, hosted, default) in POOLS {
        if *name == "gpu-agents" && org.index != 0 {
            continue;
        }
        let open = (0..org.projects).any(|p| queue_open(ctx, org.index, p, *id));
        out.runner_groups.push(row_project!(RunnerGroupRow, at,
            group_id: s(id.to_string()),
            name: s(*name),
            kind: s("agent_pool"),
            is_hosted: Some(*hosted),
            is_default: Some(*default),
            auto_provision: Some(*default || *hosted || rng.chance(0.3)),
            auto_update: Some(true),
            all_pipelines: Some(open),
        ));
        if *hosted {
            continue;
        }
        let agents = if *default {
            1 + rng.below(2)
        } else {
            2 + org.repos / 1_000
        };
        for k in 0..agents {
            let windows = *name == "windows-build";
            let online = rng.chance(0.85);
            out.runners.push(row!(RunnerRow, at,
                scope: s("pool"),
                runner_id: s((id * 1_000 + k + 1).to_string()),
                name: s(format!("{}-{:02}", name.trim_end_matches('s'), k + 1)),
                os: s(if windows { "Microsoft Windows 10.0.20348" } else { "Linux 5.15.0-1064-azure #73-Ubuntu SMP Tue Apr 30 14:24:24 UTC 2024" }),
                status: s(if online { "online" } else { "offline" }),
                enabled: Some(rng.chance(0.95)),
                self_hosted: Some(true),
                group: s(*name),
                version: s(*rng.pick(&["3.248.0", "3.246.0", "3.243.1", "2.217.2"])),
            ));
        }
    }
    // Organisation pipeline settings: the strict organisation enforces everything.
    out.pipeline_settings.push(row!(PipelineSettingsRow, at,
        scope: s("org"),
        enforce_job_auth_scope: Some(strict),
        enforce_referenced_repo_scoped_token: Some(strict),
        enforce_settable_var: Some(strict),
        disable_classic_pipeline_creation: Some(strict),
        no_secrets_for_forks: Some(strict),
        shell_args_sanitizing: Some(strict),
        status_badges_private: Some(true),
    ));
    for i in 0..org.users {
        let guest = i > 5 && rng.chance(0.05);
        let login = names::email(org.salt, i, &org.domain);
        out.members.push(row_org!(MemberRow, at,
            login: s(if guest { format!("{}#EXT#", login.replace('@', "_")) } else { login }),
            user_id: s(descriptor(&mut rng, "aad")),
            role: s(if guest { "guest" } else { "member" }),
            is_guest: Some(guest),
        ));
    }
    for (k, group) in [
        "Project Collection Administrators",
        "Project Collection Build Administrators",
        "Project Collection Valid Users",
        "Security Service Group",
    ]
    .iter()
    .enumerate()
    {
        let members = if k == 0 {
            2 + rng.below(if strict { 2 } else { 6 })
        } else {
            1 + rng.below(4)
        };
        out.teams.push(row_project!(TeamRow, at,
            team: s(*group),
            team_id: s(descriptor(&mut rng, "vssgp")),
            description: s(format!("Members of this group have {} permissions on the collection", if k == 0 { "administrative" } else { "assigned" })),
            member_count: Some(members as i64),
        ));
        if k < 2 {
            for m in rng.sample(org.users as usize, members as usize) {
                out.access_grants.push(row!(AccessGrantRow, at,
                    resource_type: s("org"),
                    resource: s(&org.name),
                    principal_type: s("user"),
                    principal: s(names::email(org.salt, m as u64, &org.domain)),
                    role: s(*group),
                    via: s("direct"),
                ));
            }
        }
    }
}

const SECURE_FILES: &[&str] = &[
    "signing-cert.pfx",
    "release.keystore",
    "id_rsa_deploy",
    "ios-distribution.p12",
    "app.mobileprovision",
    "gpg-release.asc",
];

/// Project-level rows (written with its first repository).
pub(crate) fn project_rows(ctx: &Ctx, org: &AzureOrg, p: &Project, out: &mut Rows) {
    let at = At::azure(&org.name).in_project(&p.name);
    let mut rng = ctx.rng(&[keys::PROJECT_ROWS, org.index, p.index]);
    let h = p.hygiene;
    let flag = |rng: &mut Rng| h.good(rng);
    out.projects.push(row_project!(ProjectRow, at,
        project_id: s(rng.guid()),
        description: s(format!("{} services and pipelines", p.name)),
        visibility: s(if p.public { "public" } else { "private" }),
        state: s("wellFormed"),
        last_update_at: ctx.clock.ago(&mut rng, 0, 300),
    ));
    out.pipeline_settings.push(row!(PipelineSettingsRow, at,
        scope: s("project"),
        enforce_job_auth_scope: Some(flag(&mut rng)),
        enforce_referenced_repo_scoped_token: Some(flag(&mut rng)),
        enforce_settable_var: Some(flag(&mut rng)),
        disable_classic_pipeline_creation: Some(flag(&mut rng)),
        no_secrets_for_forks: Some(flag(&mut rng)),
        shell_args_sanitizing: Some(flag(&mut rng)),
        status_badges_private: Some(flag(&mut rng)),
    ));
    let p_open = p.p_open();
    let mut auths = Vec::new();
    let mut auth = |rng: &mut Rng, rtype: &str, id: String, name: String, open: bool| {
        let ids = if open {
            Vec::new()
        } else {
            p.some_pipelines(rng)
        };
        auths.push(row_project!(ResourceAuthorizationRow, at,
            resource_type: s(rtype),
            resource_id: s(id),
            resource_name: s(name),
            all_pipelines: Some(open),
            authorized_pipelines: Some(ids),
        ));
    };

    // Service connections.
    let creator = |rng: &mut Rng| names::email(org.salt, rng.below(org.users.max(1)), &org.domain);
    let mut conn_rows = Vec::new();
    for (k, c) in p.connections.iter().enumerate() {
        let (scheme, scope_level, host) = match c.r#type {
            "azurerm" => {
                let scheme = match (h, k) {
                    (Hygiene::Lax, 1) => "ServicePrincipal",
                    (Hygiene::Strict, _) => "WorkloadIdentityFederation",
                    _ => [
                        "ServicePrincipal",
                        "WorkloadIdentityFederation",
                        "ManagedServiceIdentity",
                    ][rng.weighted(&[45, 45, 10])],
                };
                (
                    scheme,
                    s(if rng.chance(0.8) {
                        "Subscription"
                    } else {
                        "ManagementGroup"
                    }),
                    "management.azure.com".to_string(),
                )
            }
            "azure" => (
                "Certificate",
                None,
                "management.core.windows.net".to_string(),
            ),
            "github" => (
                *rng.pick(&["PersonalAccessToken", "InstallationToken", "OAuth"]),
                None,
                "github.com".to_string(),
            ),
            "dockerregistry" => (
                "UsernamePassword",
                None,
                format!("{}.azurecr.io", ctx.company),
            ),
            "kubernetes" => (
                *rng.pick(&["Kubeconfig", "ServiceAccount"]),
                None,
                format!("aks-prod-{}.hcp.westeurope.azmk8s.io", rng.hex(8)),
            ),
            "sonarqube" => ("UsernamePassword", None, "sonarcloud.io".to_string()),
            _ => (
                "UsernamePassword",
                None,
                format!("artifacts.{}.com", ctx.company),
            ),
        };
        let shared = rng.chance(match h {
            Hygiene::Strict => 0.05,
            Hygiene::Lax => 0.45,
            Hygiene::Mixed => 0.15,
        });
        let others: Vec<String> = if shared {
            let n = 1 + rng.below(2);
            (1..=n)
                .map(|d| names::project((p.index + d) % org.projects.max(2)))
                .filter(|n| *n != p.name)
                .collect()
        } else {
            Vec::new()
        };
        conn_rows.push(row_project!(ServiceConnectionRow, at,
            connection_id: s(&c.id),
            name: s(&c.name),
            r#type: s(c.r#type),
            auth_scheme: s(scheme),
            scope_level: scope_level,
            is_shared: Some(!others.is_empty()),
            shared_projects: Some(others),
            is_ready: Some(!rng.chance(0.02)),
            owner: s("library"),
            url_host: s(host),
            created_by: s(creator(&mut rng)),
        ));
        let open = rng.chance(p_open);
        auth(
            &mut rng,
            "service_connection",
            c.id.clone(),
            c.name.clone(),
            open,
        );
    }
    out.service_connections.extend(conn_rows);

    // Variable groups: secret variables are secrets, the others variables.
    let mut secret_rows = Vec::new();
    let mut var_rows = Vec::new();
    for g in &p.groups {
        let (created, age) = ctx.clock.days_ago(&mut rng, 60, 1_500);
        let rotated = if flag(&mut rng) { 1_500 } else { 100 };
        let modified = ctx.clock.after(&mut rng, age, rotated);
        let secret_names: &[&str] = if g.key_vault {
            &[
                "sql-admin-password",
                "storage-account-key",
                "api-client-secret",
            ]
        } else if g.name.ends_with("-common") {
            &[]
        } else {
            &[
                "dbPassword",
                "apiKey",
                "sonarToken",
                "certPassword",
                "npmToken",
            ]
        };
        let n = match secret_names.len() {
            0 => 0,
            _ if g.key_vault => secret_names.len(),
            len => 1 + rng.index(len),
        };
        for name in secret_names.iter().take(n) {
            secret_rows.push(row!(SecretRow, at,
                scope: s("variable_group"),
                container: s(&g.name),
                container_id: s(g.id.to_string()),
                name: s(*name),
                key_vault_backed: Some(g.key_vault),
                created_at: created.clone(),
                updated_at: modified.clone(),
            ));
        }
        if g.key_vault {
            continue;
        }
        let mut vars: Vec<(&str, String)> = vec![
            (
                "environment",
                (*rng.pick(&["prod", "staging", "dev"])).to_string(),
            ),
            (
                "apiUrl",
                format!(
                    "https://api.{}.com/{}",
                    ctx.company,
                    p.name.to_ascii_lowercase()
                ),
            ),
            ("buildConfiguration", "Release".to_string()),
        ];
        if rng.chance(0.08) {
            vars.push((
                "system.debug",
                if rng.chance(0.6) { "true" } else { "false" }.to_string(),
            ));
        }
        if !flag(&mut rng) && rng.chance(0.3) {
            vars.push(match rng.index(3) {
                0 => ("sqlConnectionString", format!("Server=tcp:sql-{}.database.windows.net;Database=app;User ID=app;Password={}!", p.name.to_ascii_lowercase(), rng.hex(10))),
                1 => ("storageConnection", format!("DefaultEndpointsProtocol=https;AccountName=st{};AccountKey={}==", rng.hex(8), rng.hex(40))),
                _ => ("deployPassword", format!("Winter{}!", 2020 + rng.below(6))),
            });
        }
        for (name, value) in vars {
            var_rows.push(row!(VariableRow, at,
                scope: s("variable_group"),
                container: s(&g.name),
                container_id: s(g.id.to_string()),
                name: s(name),
                value: s(value),
                updated_at: modified.clone(),
            ));
        }
    }
    for (k, g) in p.groups.iter().enumerate() {
        // In the lax project the first group with secrets is open to every pipeline.
        let open = match h {
            Hygiene::Lax if k == 1 => true,
            Hygiene::Strict => false,
            _ => rng.chance(p_open),
        };
        auth(
            &mut rng,
            "variable_group",
            g.id.to_string(),
            g.name.clone(),
            open,
        );
    }

    // Secure files.
    let n = match h {
        Hygiene::Strict | Hygiene::Lax => 1 + rng.below(2),
        Hygiene::Mixed => rng.below(3),
    };
    for k in 0..n {
        let id = rng.guid();
        let name = SECURE_FILES[((p.index + k) % SECURE_FILES.len() as u64) as usize];
        let (created, age) = ctx.clock.days_ago(&mut rng, 30, 1_800);
        secret_rows.push(row!(SecretRow, at,
            scope: s("secure_file"),
            container: s("secure files"),
            container_id: s(&id),
            name: s(name),
            key_vault_backed: Some(false),
            created_at: created,
            updated_at: ctx.clock.after(&mut rng, age, 200),
        ));
        let open = match h {
            Hygiene::Lax if k == 0 => true,
            Hygiene::Strict => false,
            _ => rng.chance(p_open),
        };
        auth(&mut rng, "secure_file", id, name.to_string(), open);
    }
    out.secrets.extend(secret_rows);
    out.variables.extend(var_rows);

    // Agent queues on the organisation's pools.
    for (name, id, _, _) in POOLS {
        if *name == "gpu-agents" && org.index != 0 {
            continue;
        }
        let open = queue_open(ctx, org.index, p.index, *id);
        auth(
            &mut rng,
            "agent_queue",
            (p.index * 100 + id).to_string(),
            (*name).to_string(),
            open,
        );
    }

    // Environments and their checks.
    let mut env_rows = Vec::new();
    for (k, env) in p.envs.iter().enumerate() {
        let prod = *env == "production";
        let approvers = if (prod && flag(&mut rng)) || (h == Hygiene::Strict) {
            vec![Principal {
                r#type: s("Group"),
                name: s(format!("[{}]\\Release Approvers", p.name)),
            }]
        } else {
            Vec::new()
        };
        let mut checks = Vec::new();
        if flag(&mut rng) {
            checks.push(Principal {
                r#type: s("BranchControl"),
                name: s("refs/heads/main"),
            });
        }
        if prod && rng.chance(0.2) {
            checks.push(Principal {
                r#type: s("BusinessHours"),
                name: s("Business hours"),
            });
        }
        let branch_control = checks
            .iter()
            .any(|c| c.r#type.as_deref() == Some("BranchControl"));
        let prevent = !approvers.is_empty() && flag(&mut rng);
        env_rows.push(row!(EnvironmentRow, at,
            environment_id: s((k + 1).to_string()),
            name: s(*env),
            required_reviewers: Some(approvers),
            prevent_self_review: Some(prevent),
            deployment_branch_policy: s(if branch_control { "custom" } else { "none" }),
            checks: Some(checks),
        ));
        let open = rng.chance(p_open);
        auth(
            &mut rng,
            "environment",
            (k + 1).to_string(),
            (*env).to_string(),
            open,
        );
    }
    out.environments.extend(env_rows);

    // Security groups and the members of the administrator groups.
    let mut team_rows = Vec::new();
    let mut grants = Vec::new();
    for group in [
        "Project Administrators",
        "Build Administrators",
        "Contributors",
        "Readers",
        "Project Valid Users",
        "Release Approvers",
    ] {
        let admins = matches!(group, "Project Administrators" | "Build Administrators");
        let count = if admins {
            match h {
                Hygiene::Strict => 2 + rng.below(2),
                Hygiene::Lax => 4 + rng.below(8),
                Hygiene::Mixed => 2 + rng.below(5),
            }
        } else {
            3 + rng.below(40)
        };
        team_rows.push(row_project!(TeamRow, at,
            team: s(group),
            team_id: s(descriptor(&mut rng, "vssgp")),
            description: s(format!("Members of this group are {} of the project", group.to_ascii_lowercase())),
            member_count: Some(count as i64),
        ));
        if admins {
            for m in rng.sample(org.users as usize, count as usize) {
                grants.push(row!(AccessGrantRow, at,
                    resource_type: s("project"),
                    resource: s(&p.name),
                    principal_type: s("user"),
                    principal: s(names::email(org.salt, m as u64, &org.domain)),
                    role: s(group),
                    via: s("direct"),
                ));
            }
        }
    }
    out.resource_authorizations.extend(auths);
    out.teams.extend(team_rows);
    out.access_grants.extend(grants);
}

/// All rows of the `local`-th repository of project `p`.
pub(crate) fn repo_rows(
    ctx: &Ctx,
    org: &AzureOrg,
    p: &Project,
    local: u64,
    out: &mut Rows,
    tally: &mut Tally,
) {
    let mut rng = ctx.rng(&[keys::AZURE_REPO, org.index, p.index, local]);
    let name = names::repo(org.salt ^ p.index.wrapping_mul(0x9e37), local);
    let at = At::azure(&org.name).in_project(&p.name).in_repo(&name);
    let pc = match p.hygiene {
        Hygiene::Strict => 0.85,
        Hygiene::Lax => 0.3,
        Hygiene::Mixed => [0.9, 0.6, 0.25][rng.weighted(&[30, 45, 25])],
    };
    let good = |rng: &mut Rng, bias: f64| rng.chance((pc + bias).clamp(0.02, 0.98));
    tally.repos += 1;
    tally.requests += 6;
    let ghazdo = good(&mut rng, -0.2);
    let disabled = rng.chance(0.003);
    let branch = if rng.chance(0.7) { "main" } else { "master" };
    out.repositories.push(row!(RepositoryRow, at,
        repo_id: s(rng.guid()),
        full_name: s(format!("{}/{name}", p.name)),
        visibility: s(if p.public { "public" } else { "private" }),
        is_fork: Some(rng.chance(0.01)),
        is_disabled: Some(disabled),
        default_branch: s(branch),
        advanced_security: Some(ghazdo),
        secret_scanning: Some(ghazdo),
        push_protection: Some(ghazdo && good(&mut rng, 0.0)),
        url: s(format!("https://dev.azure.com/{}/{}/_git/{name}", org.name, p.name)),
    ));

    // Branch policies: one effective row for the default branch, sometimes one for releases.
    if good(&mut rng, 0.1) {
        let approvals = if good(&mut rng, 0.0) {
            2
        } else {
            *rng.pick(&[0_i64, 1, 1])
        };
        let n_ids = 1 + rng.below(4);
        let ids: Vec<String> = (0..n_ids)
            .map(|_| rng.range(1, 5_000).to_string())
            .collect();
        let checks = if good(&mut rng, 0.0) {
            vec![format!("{name}-ci")]
        } else {
            Vec::new()
        };
        out.branch_policies.push(row!(BranchPolicyRow, at,
            branch_pattern: s(format!("refs/heads/{branch}")),
            applies_to_default_branch: Some(true),
            source: s("ado_policy"),
            source_ids: Some(ids),
            enforcement: s(if rng.chance(0.92) { "active" } else { "evaluate" }),
            required_approvals: Some(approvals),
            dismiss_stale_reviews: Some(good(&mut rng, 0.0)),
            require_last_push_approval: Some(good(&mut rng, -0.3)),
            allow_self_approval: (approvals > 0).then(|| !good(&mut rng, 0.0)),
            required_status_checks: Some(checks),
            require_conversation_resolution: Some(good(&mut rng, -0.2)),
        ));
        if rng.chance(0.2) {
            out.branch_policies.push(row!(BranchPolicyRow, at,
                branch_pattern: s("refs/heads/release/*"),
                applies_to_default_branch: Some(false),
                source: s("ado_policy"),
                source_ids: list([rng.range(1, 5_000).to_string()]),
                enforcement: s("active"),
                required_approvals: Some(1),
                dismiss_stale_reviews: Some(false),
                require_last_push_approval: Some(false),
                allow_self_approval: Some(false),
                required_status_checks: Some(Vec::new()),
                require_conversation_resolution: Some(false),
            ));
        }
    }

    if ghazdo {
        alerts(ctx, &mut rng, &at, org, p, &name, out);
    }
    azure_pipelines::repo_pipelines(ctx, &at, p, local, &name, pc, out);
}

fn alerts(
    ctx: &Ctx,
    rng: &mut Rng,
    at: &At,
    org: &AzureOrg,
    p: &Project,
    repo: &str,
    out: &mut Rows,
) {
    let base = format!(
        "https://dev.azure.com/{}/{}/_git/{repo}/alerts",
        org.name, p.name
    );
    let mut number = 0;
    let mut push = |rng: &mut Rng,
                    kind: &str,
                    state: &str,
                    severity: Option<String>,
                    rule: Option<String>,
                    tool: &str,
                    what: Option<String>| {
        number += 1;
        let (created, age) = ctx.clock.days_ago(rng, 0, 500);
        out.alerts.push(row!(AlertRow, at,
            kind: s(kind),
            number: Some(number),
            state: s(state),
            severity: severity,
            rule: rule,
            tool: s(tool),
            package_or_secret_type: what,
            created_at: created,
            fixed_at: if state == "fixed" { ctx.clock.after(rng, age, 45) } else { None },
            url: s(format!("{base}/{number}")),
        ));
    };
    for _ in 0..[0, 1, 2, 4][rng.weighted(&[40, 30, 20, 10])] {
        let sev = ["critical", "high", "medium", "low"][rng.weighted(&[5, 25, 45, 25])];
        let state = ["open", "fixed", "dismissed"][rng.weighted(&[50, 40, 10])];
        let rule = *rng.pick(&[
            "cs/sql-injection",
            "cs/web/xss",
            "js/path-injection",
            "cs/hardcoded-credentials",
        ]);
        push(rng, "code_scanning", state, s(sev), s(rule), "CodeQL", None);
    }
    if ["infra", "terraform", "helm", "k8s"]
        .iter()
        .any(|w| repo.contains(w))
        && rng.chance(0.5)
    {
        let state = if rng.chance(0.5) { "open" } else { "fixed" };
        push(
            rng,
            "code_scanning",
            state,
            s("medium"),
            s("TA-000004"),
            "TemplateAnalyzer",
            None,
        );
    }
    for _ in 0..[0, 1, 3, 6][rng.weighted(&[35, 30, 20, 15])] {
        let sev = ["critical", "high", "medium", "low"][rng.weighted(&[8, 27, 45, 20])];
        let state = ["open", "fixed", "dismissed"][rng.weighted(&[45, 45, 10])];
        let cve = format!("CVE-20{}-{}", 20 + rng.below(6), 10_000 + rng.below(40_000));
        let package = *rng.pick(&[
            "Newtonsoft.Json",
            "System.Text.Json",
            "log4net",
            "lodash",
            "axios",
            "Azure.Identity",
        ]);
        push(
            rng,
            "dependency",
            state,
            s(sev),
            s(cve),
            "AdvancedSecurity-Dependency-Scanning",
            s(package),
        );
    }
    if rng.chance(0.1) {
        let state = if rng.chance(0.5) { "open" } else { "fixed" };
        let what = *rng.pick(&[
            "Azure Storage Account Access Key",
            "Azure DevOps Personal Access Token",
            "Azure SQL Connection String",
        ]);
        push(
            rng,
            "secret_scanning",
            state,
            s("critical"),
            None,
            "AdvancedSecurity-Secret-Scanning",
            s(what),
        );
    }
}
