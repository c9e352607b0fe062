//! Synthetic scenario generator: an organisation of N projects with realistic variety (YAML and
//! classic pipelines, fork settings, policies, library, service connections of every auth scheme,
//! self-hosted and hosted pools, environments with checks, graph groups), deterministic per seed.
//! Used for request-count figures and load tests.

use std::collections::BTreeMap;

use super::scenario::{
    Agent, Check, Environment, Forks, Group, Pipeline, Policy, PolicyKind, Pool, Project, Queue,
    Repo, Scenario, SecureFile, ServiceConnection, User, Variable, VariableGroup, fnv1a,
};

struct Dice {
    seed: u64,
}

impl Dice {
    fn n(&self, parts: &[&str], modulo: u64) -> u64 {
        let s = self.seed.to_string();
        let mut all = vec![s.as_str()];
        all.extend_from_slice(parts);
        fnv1a(&all) % modulo.max(1)
    }

    fn yes(&self, parts: &[&str], percent: u64) -> bool {
        self.n(parts, 100) < percent
    }
}

const YAML: &str = "trigger:\n  - main\npr:\n  - main\npool:\n  vmImage: ubuntu-latest\nvariables:\n  - group: shared-config\nsteps:\n  - checkout: self\n  - script: ./build.sh\n    displayName: Build\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: prod-arm\n      scriptType: bash\n      inlineScript: az account show\n";

const YAML_SELF_HOSTED: &str = "trigger: none\npr:\n  branches:\n    include: ['*']\npool: Default\njobs:\n  - job: test\n    steps:\n      - script: make test\n  - deployment: deploy\n    environment: production\n    strategy:\n      runOnce:\n        deploy:\n          steps:\n            - script: ./deploy.sh\n";

/// An organisation of `projects` projects.
pub fn synthetic(org: &str, projects: usize, seed: u64) -> Scenario {
    let d = Dice { seed };
    let users: Vec<User> = (0..12)
        .map(|i| User {
            name: format!("User {i}"),
            email: format!("user{i}@{org}.example"),
            origin: Some(if i % 5 == 4 {
                "msa".into()
            } else {
                "aad".into()
            }),
            guest: i % 6 == 5,
        })
        .collect();
    let pools = vec![
        Pool {
            id: 9,
            name: "Azure Pipelines".into(),
            hosted: true,
            auto_provision: true,
            auto_update: true,
            is_default: false,
            agents: vec![Agent {
                id: 1,
                name: "Hosted Agent".into(),
                os: Some("Linux".into()),
                status: Some("online".into()),
                enabled: true,
                version: Some("3.248.0".into()),
            }],
        },
        Pool {
            id: 1,
            name: "Default".into(),
            hosted: false,
            auto_provision: true,
            auto_update: true,
            is_default: true,
            agents: (0..3)
                .map(|i| Agent {
                    id: 10 + i,
                    name: format!("build-agent-{i}"),
                    os: Some(if i == 2 {
                        "Microsoft Windows 10.0.20348".into()
                    } else {
                        "Linux 6.8.0-1017-azure".into()
                    }),
                    status: Some(if i == 1 {
                        "offline".into()
                    } else {
                        "online".into()
                    }),
                    enabled: i != 1,
                    version: Some("3.246.0".into()),
                })
                .collect(),
        },
        Pool {
            id: 2,
            name: "linux-private".into(),
            hosted: false,
            auto_provision: false,
            auto_update: false,
            is_default: false,
            agents: vec![Agent {
                id: 20,
                name: "private-1".into(),
                os: Some("Linux".into()),
                status: Some("online".into()),
                enabled: true,
                version: Some("3.240.1".into()),
            }],
        },
    ];
    let mut groups = vec![Group {
        name: "Project Collection Administrators".into(),
        project: None,
        description: None,
        members: vec![users[0].email.clone(), users[1].email.clone()],
    }];
    let mut out_projects = Vec::new();
    let mut next_def = 1i64;
    let mut next_vg = 1i64;
    let mut next_queue = 1i64;
    let mut next_env = 1i64;
    for pi in 0..projects {
        let pname = format!("project-{pi:02}");
        let ps = pname.as_str();
        let n_repos = 2 + d.n(&[ps, "repos"], 4) as usize;
        let mut repos = Vec::new();
        let mut pipelines = Vec::new();
        let queue_hosted = next_queue;
        let queue_default = next_queue + 1;
        next_queue += 2;
        let queues = vec![
            Queue {
                id: queue_hosted,
                name: "Azure Pipelines".into(),
                pool: "Azure Pipelines".into(),
                all_pipelines: true,
                pipelines: vec![],
            },
            Queue {
                id: queue_default,
                name: "Default".into(),
                pool: "Default".into(),
                all_pipelines: d.yes(&[ps, "q-all"], 50),
                pipelines: vec![],
            },
        ];
        let mut vgs = vec![VariableGroup {
            id: next_vg,
            name: "shared-config".into(),
            description: Some("common settings".into()),
            key_vault: None,
            variables: BTreeMap::from([
                (
                    "region".into(),
                    Variable {
                        value: Some("westeurope".into()),
                        ..Default::default()
                    },
                ),
                (
                    "deployPassword".into(),
                    Variable {
                        secret: true,
                        ..Default::default()
                    },
                ),
                (
                    "apiToken".into(),
                    Variable {
                        value: Some("ghp_example_not_secret".into()),
                        ..Default::default()
                    },
                ),
            ]),
            shared_with: vec![],
            all_pipelines: d.yes(&[ps, "vg-all"], 60),
            pipelines: vec![],
            modified_on: Some("2023-03-01T10:00:00Z".into()),
        }];
        next_vg += 1;
        if d.yes(&[ps, "kv"], 50) {
            vgs.push(VariableGroup {
                id: next_vg,
                name: "kv-secrets".into(),
                description: None,
                key_vault: Some(format!("kv-{ps}")),
                variables: BTreeMap::from([
                    ("db-password".into(), Variable::default()),
                    ("storage-key".into(), Variable::default()),
                ]),
                shared_with: vec![],
                all_pipelines: false,
                pipelines: vec![],
                modified_on: None,
            });
            next_vg += 1;
        }
        for ri in 0..n_repos {
            let rname = format!("{ps}-svc{ri}");
            let rs = rname.as_str();
            let def_id = next_def;
            next_def += 1;
            let classic = d.yes(&[rs, "classic"], 25);
            let self_hosted = d.yes(&[rs, "selfhosted"], 30);
            let mut files = BTreeMap::new();
            if !classic {
                files.insert(
                    "azure-pipelines.yml".to_string(),
                    if self_hosted {
                        YAML_SELF_HOSTED.to_string()
                    } else {
                        YAML.to_string()
                    },
                );
            }
            let mut policies = Vec::new();
            if d.yes(&[rs, "policy"], 70) {
                policies.push(Policy {
                    kind: PolicyKind::MinReviewers,
                    min_approvers: Some(1 + d.n(&[rs, "min"], 3) as i64),
                    creator_vote_counts: Some(d.yes(&[rs, "creator"], 30)),
                    reset_on_source_push: Some(d.yes(&[rs, "reset"], 50)),
                    enabled: true,
                    blocking: true,
                    ..Default::default()
                });
                if d.yes(&[rs, "buildpol"], 60) {
                    policies.push(Policy {
                        kind: PolicyKind::Build,
                        build_definition_id: Some(def_id),
                        display_name: Some("CI".into()),
                        enabled: true,
                        blocking: true,
                        ..Default::default()
                    });
                }
                if d.yes(&[rs, "comments"], 40) {
                    policies.push(Policy {
                        kind: PolicyKind::CommentRequirements,
                        enabled: true,
                        blocking: true,
                        ..Default::default()
                    });
                }
            }
            repos.push(Repo {
                name: rname.clone(),
                id: None,
                default_branch: Some("main".into()),
                advanced_security: d.yes(&[rs, "ghazdo"], 40),
                disabled: false,
                files,
                policies,
            });
            let forks = d.yes(&[rs, "forks"], 40).then(|| Forks {
                enabled: true,
                allow_secrets: d.yes(&[rs, "fsec"], 40),
                allow_full_access_token: d.yes(&[rs, "ftok"], 30),
            });
            pipelines.push(Pipeline {
                id: def_id,
                name: format!("{rname}-ci"),
                repo: rname.clone(),
                folder: None,
                yaml: (!classic).then(|| "azure-pipelines.yml".to_string()),
                classic_tasks: if classic {
                    vec!["Build solution".into(), "Publish artifacts".into()]
                } else {
                    vec![]
                },
                queue: Some(if self_hosted {
                    "Default".into()
                } else {
                    "Azure Pipelines".into()
                }),
                job_auth_scope: Some(if d.yes(&[rs, "scope"], 40) {
                    "projectCollection".into()
                } else {
                    "project".into()
                }),
                ci: true,
                forks,
                variables: BTreeMap::from([
                    (
                        "configuration".into(),
                        Variable {
                            value: Some("Release".into()),
                            allow_override: d.yes(&[rs, "ovr"], 50),
                            ..Default::default()
                        },
                    ),
                    (
                        "signingKey".into(),
                        Variable {
                            secret: true,
                            ..Default::default()
                        },
                    ),
                ]),
                variable_groups: vec![vgs[0].id],
                last_run: Some("2026-11-20T08:00:00Z".into()),
            });
        }
        let def_ids: Vec<i64> = pipelines.iter().map(|p| p.id).collect();
        if let Some(vg) = vgs.get_mut(1) {
            vg.pipelines = def_ids.iter().take(1).copied().collect();
        }
        let schemes = [
            "WorkloadIdentityFederation",
            "ServicePrincipal",
            "ManagedServiceIdentity",
        ];
        let mut conns = vec![ServiceConnection {
            name: "prod-arm".into(),
            id: None,
            kind: "azurerm".into(),
            scheme: schemes[d.n(&[ps, "scheme"], 3) as usize].into(),
            scope_level: Some("Subscription".into()),
            authentication_type: None,
            shared_with: if d.yes(&[ps, "shared"], 30) && pi + 1 < projects {
                vec![format!("project-{:02}", pi + 1)]
            } else {
                vec![]
            },
            ready: true,
            url: None,
            all_pipelines: d.yes(&[ps, "sc-all"], 40),
            pipelines: def_ids.clone(),
        }];
        conns.push(ServiceConnection {
            name: "github".into(),
            id: None,
            kind: "github".into(),
            scheme: "Token".into(),
            scope_level: None,
            authentication_type: None,
            shared_with: vec![],
            ready: true,
            url: None,
            all_pipelines: true,
            pipelines: vec![],
        });
        if d.yes(&[ps, "classic-azure"], 20) {
            conns.push(ServiceConnection {
                name: "legacy-classic".into(),
                id: None,
                kind: "Azure".into(),
                scheme: "Certificate".into(),
                scope_level: None,
                authentication_type: None,
                shared_with: vec![],
                ready: true,
                url: None,
                all_pipelines: false,
                pipelines: vec![],
            });
        }
        let secure_files = (0..d.n(&[ps, "sf"], 3))
            .map(|i| SecureFile {
                name: format!("signing-{i}.pfx"),
                id: None,
                all_pipelines: i == 0 && d.yes(&[ps, "sf-all"], 50),
                pipelines: def_ids.iter().take(1).copied().collect(),
            })
            .collect();
        let environments = vec![
            Environment {
                id: next_env,
                name: "staging".into(),
                approvers: vec![],
                requester_cannot_approve: false,
                checks: vec![],
                all_pipelines: true,
                pipelines: vec![],
            },
            Environment {
                id: next_env + 1,
                name: "production".into(),
                approvers: vec![users[2].email.clone()],
                requester_cannot_approve: d.yes(&[ps, "rca"], 50),
                checks: vec![Check {
                    kind: "branch_control".into(),
                    allowed_branches: Some("refs/heads/main".into()),
                }],
                all_pipelines: false,
                pipelines: def_ids.clone(),
            },
        ];
        next_env += 2;
        for g in [
            "Project Administrators",
            "Build Administrators",
            "Contributors",
            "Readers",
        ] {
            let members = match g {
                "Project Administrators" => vec![users[(pi + 2) % users.len()].email.clone()],
                "Build Administrators" => vec![users[(pi + 3) % users.len()].email.clone()],
                "Contributors" => vec![
                    users[(pi + 4) % users.len()].email.clone(),
                    users[(pi + 5) % users.len()].email.clone(),
                ],
                _ => vec![],
            };
            groups.push(Group {
                name: g.into(),
                project: Some(pname.clone()),
                description: None,
                members,
            });
        }
        let mut settings = BTreeMap::new();
        for (k, pct) in [
            ("enforceJobAuthScope", 60),
            ("enforceJobAuthScopeForReleases", 50),
            ("enforceReferencedRepoScopedToken", 50),
            ("enforceSettableVar", 60),
            ("disableClassicPipelineCreation", 50),
            ("enforceNoAccessToSecretsFromForks", 70),
            ("enableShellTasksArgsSanitizing", 40),
            ("statusBadgesArePrivate", 70),
        ] {
            settings.insert(k.to_string(), d.yes(&[ps, k], pct));
        }
        out_projects.push(Project {
            name: pname.clone(),
            id: None,
            description: Some(format!("Synthetic project {pi}")),
            visibility: if d.yes(&[ps, "public"], 10) {
                "public".into()
            } else {
                "private".into()
            },
            last_update: Some("2026-11-01T12:00:00Z".into()),
            general_settings: settings,
            repos,
            pipelines,
            variable_groups: vgs,
            secure_files,
            service_connections: conns,
            queues,
            environments,
            teams: vec![format!("{pname} Team")],
        });
    }
    Scenario {
        org: org.into(),
        pat: None,
        projects: out_projects,
        pools,
        users,
        groups,
        deny: vec![],
    }
}
