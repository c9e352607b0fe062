//! Synthetic scenarios: an org with N repositories of realistic variety (visibility, archived
//! and forked repos, workflows with pinned and unpinned actions, dangerous triggers, self-hosted
//! runners, CODEOWNERS/SECURITY.md/Dependabot files, classic protection and rulesets, secrets,
//! environments, collaborators, hooks, deploy keys), reproducible from a seed. Used by benchmarks
//! and pagination tests.

use std::collections::BTreeMap;

use super::scenario::{
    ActionsSettings, Alert, BypassActor, Collaborator, DeployKey, Environment, Hook, Installation,
    Member, Org, OrgSecret, Repo, Rules, Ruleset, Runner, RunnerGroup, Scenario, Security, Team,
    Variable,
};

/// A tiny deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const CHECKOUT_SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";

fn workflow(rng: &mut Rng, i: usize) -> (String, String) {
    let trigger = rng.pick(&[
        "push",
        "pull_request",
        "pull_request",
        "pull_request_target",
        "workflow_dispatch",
    ]);
    let runs_on = if rng.chance(0.1) {
        "[self-hosted, linux]"
    } else {
        "ubuntu-latest"
    };
    let checkout = if rng.chance(0.3) {
        format!("actions/checkout@{CHECKOUT_SHA}")
    } else {
        "actions/checkout@v4".to_string()
    };
    let permissions = rng.pick(&[
        "",
        "permissions: read-all\n",
        "permissions:\n  contents: read\n",
        "permissions: write-all\n",
    ]);
    let script = if trigger == "pull_request_target" && rng.chance(0.5) {
        "echo \"${{ github.event.pull_request.title }}\""
    } else {
        "make test"
    };
    let env = if rng.chance(0.2) {
        "    environment: production\n"
    } else {
        ""
    };
    let name = format!("ci{i}");
    let text = format!(
        "name: {name}\non: [{trigger}]\n{permissions}jobs:\n  build:\n    runs-on: {runs_on}\n{env}    steps:\n      - uses: {checkout}\n      - run: {script}\n        env:\n          TOKEN: ${{{{ secrets.DEPLOY_TOKEN }}}}\n"
    );
    (format!(".github/workflows/{name}.yml"), text)
}

/// An org `org` with `repos` repositories of realistic variety, reproducible from `seed`.
pub fn synthetic(org: &str, repos: usize, seed: u64) -> Scenario {
    let mut rng = Rng(seed);
    let members: Vec<Member> = (0..(repos / 5).clamp(5, 200))
        .map(|i| Member {
            login: format!("dev{i:03}"),
            role: if i < 3 {
                "admin".into()
            } else {
                "member".into()
            },
            two_factor: !rng.chance(0.1),
        })
        .collect();
    let outside: Vec<Member> = (0..3)
        .map(|i| Member {
            login: format!("contractor{i}"),
            role: "member".into(),
            two_factor: i != 0,
        })
        .collect();
    let mut teams: Vec<Team> = ["platform", "backend", "frontend", "security", "data"]
        .iter()
        .map(|slug| Team {
            slug: (*slug).into(),
            privacy: "closed".into(),
            members: members.iter().take(5).map(|m| m.login.clone()).collect(),
            ..Team::default()
        })
        .collect();
    if let Some(t) = teams.get_mut(1) {
        t.parent = Some("platform".into());
    }

    let mut repo_list = Vec::new();
    for i in 0..repos {
        let name = format!("service-{i:04}");
        let mut files = BTreeMap::new();
        files.insert("README.md".to_string(), format!("# {name}\n"));
        if rng.chance(0.4) {
            files.insert(".github/CODEOWNERS".into(), "* @acme/platform\n".into());
        }
        if rng.chance(0.3) {
            files.insert(
                "SECURITY.md".into(),
                "Report to security@example.com\n".into(),
            );
        }
        if rng.chance(0.35) {
            files.insert(
                ".github/dependabot.yml".into(),
                "version: 2\nupdates: []\n".into(),
            );
        }
        let workflows = if rng.chance(0.55) {
            1 + rng.below(2) as usize
        } else {
            0
        };
        for w in 0..workflows {
            let (path, text) = workflow(&mut rng, w);
            files.insert(path, text);
        }
        let protection = rng.chance(0.5).then(|| Rules {
            required_approvals: Some(1 + rng.below(2) as i64),
            dismiss_stale_reviews: rng.chance(0.5),
            require_code_owner_review: rng.chance(0.3),
            required_status_checks: if rng.chance(0.5) {
                vec!["ci0".into()]
            } else {
                vec![]
            },
            strict_status_checks: rng.chance(0.5),
            enforce_admins: rng.chance(0.3),
            allow_force_pushes: rng.chance(0.1),
            ..Rules::default()
        });
        let rulesets = if rng.chance(0.1) {
            vec![Ruleset {
                id: 1000 + i as u64,
                name: "main-guard".into(),
                rules: Rules {
                    require_signed_commits: true,
                    require_linear_history: true,
                    ..Rules::default()
                },
                ..Ruleset::default()
            }]
        } else {
            vec![]
        };
        let secrets: Vec<String> = if workflows > 0 {
            (0..rng.below(3)).map(|k| format!("SECRET_{k}")).collect()
        } else {
            vec![]
        };
        let environments = if workflows > 0 && rng.chance(0.2) {
            vec![Environment {
                name: "production".into(),
                wait_timer: if rng.chance(0.5) { 10 } else { 0 },
                reviewers: if rng.chance(0.6) {
                    vec!["Team:platform".into()]
                } else {
                    vec![]
                },
                deployment_branch_policy: Some("protected_branches".into()),
                secrets: vec!["PROD_KEY".into()],
                ..Environment::default()
            }]
        } else {
            vec![]
        };
        let collaborators = (0..rng.below(3))
            .map(|k| Collaborator {
                login: if k == 0 && rng.chance(0.3) {
                    "contractor0".into()
                } else {
                    members[rng.below(members.len() as u64) as usize]
                        .login
                        .clone()
                },
                permission: rng.pick(&["read", "write", "admin", "maintain"]).into(),
            })
            .collect();
        let hooks = if rng.chance(0.2) {
            vec![Hook {
                id: 10_000 + i as u64,
                url: if rng.chance(0.3) {
                    "http://hooks.example.com/ci".into()
                } else {
                    "https://hooks.example.com/ci".into()
                },
                events: vec!["push".into()],
                active: true,
                insecure_ssl: rng.chance(0.1),
                secret: rng.chance(0.6),
                content_type: "json".into(),
            }]
        } else {
            vec![]
        };
        let deploy_keys = if rng.chance(0.15) {
            vec![DeployKey {
                id: 20_000 + i as u64,
                title: "deploy".into(),
                read_only: rng.chance(0.5),
                verified: true,
                created_at: "2024-05-01T10:00:00Z".into(),
                ..DeployKey::default()
            }]
        } else {
            vec![]
        };
        let runners = if workflows > 0 && rng.chance(0.05) {
            vec![Runner {
                id: 30_000 + i as u64,
                name: format!("{name}-runner"),
                os: "linux".into(),
                status: "online".into(),
                ..Runner::default()
            }]
        } else {
            vec![]
        };
        for t in teams.iter_mut() {
            if rng.chance(0.2) {
                t.repos.insert(
                    name.clone(),
                    rng.pick(&["pull", "push", "maintain", "admin"]).into(),
                );
            }
        }
        repo_list.push(Repo {
            name,
            visibility: rng
                .pick(&["private", "private", "private", "internal", "public"])
                .into(),
            archived: rng.chance(0.08),
            fork: rng.chance(0.05),
            allow_forking: rng.chance(0.3),
            security: Security {
                advanced_security: rng.chance(0.4),
                secret_scanning: rng.chance(0.6),
                push_protection: rng.chance(0.4),
                dependabot_security_updates: rng.chance(0.5),
            },
            files,
            protection,
            rulesets,
            secrets,
            variables: if workflows > 0 && rng.chance(0.3) {
                vec![Variable {
                    name: "REGION".into(),
                    value: "eu-west-1".into(),
                    visibility: None,
                }]
            } else {
                vec![]
            },
            dependabot_secrets: vec![],
            environments,
            collaborators,
            hooks,
            deploy_keys,
            runners,
            actions: None,
            ..Repo::default()
        });
    }
    let alerts = repo_list
        .iter()
        .take(10)
        .enumerate()
        .map(|(k, r)| Alert {
            kind: ["secret_scanning", "code_scanning", "dependabot"][k % 3].into(),
            repo: r.name.clone(),
            number: 1,
            state: "open".into(),
            severity: Some(["high", "error", "critical"][k % 3].into()),
            rule: Some(["", "js/sql-injection", "GHSA-aaaa-bbbb-cccc"][k % 3].into())
                .filter(|s: &String| !s.is_empty()),
            package_or_secret_type: Some(
                ["github_personal_access_token", "", "lodash"][k % 3].into(),
            )
            .filter(|s: &String| !s.is_empty()),
            tool: None,
            created_at: "2026-10-01T08:00:00Z".into(),
            fixed_at: None,
        })
        .collect();
    let org = Org {
        login: org.to_string(),
        two_factor_required: false,
        default_repository_permission: "read".into(),
        actions: ActionsSettings::default(),
        secrets: vec![
            OrgSecret {
                name: "DEPLOY_TOKEN".into(),
                visibility: "all".into(),
                selected_repositories: vec![],
                ..OrgSecret::default()
            },
            OrgSecret {
                name: "NPM_TOKEN".into(),
                visibility: "private".into(),
                selected_repositories: vec![],
                ..OrgSecret::default()
            },
            OrgSecret {
                name: "PROD_DB".into(),
                visibility: "selected".into(),
                selected_repositories: repo_list.iter().take(3).map(|r| r.name.clone()).collect(),
                ..OrgSecret::default()
            },
        ],
        dependabot_secrets: vec![OrgSecret {
            name: "REGISTRY_TOKEN".into(),
            visibility: "all".into(),
            selected_repositories: vec![],
            ..OrgSecret::default()
        }],
        variables: vec![Variable {
            name: "ENV".into(),
            value: "prod".into(),
            visibility: Some("all".into()),
        }],
        runner_groups: vec![
            RunnerGroup {
                id: 1,
                name: "Default".into(),
                visibility: "all".into(),
                default: true,
                allows_public_repositories: true,
                ..RunnerGroup::default()
            },
            RunnerGroup {
                id: 2,
                name: "deploy".into(),
                visibility: "selected".into(),
                restricted_to_workflows: true,
                selected_workflows: vec![format!(
                    "{org}/infra/.github/workflows/deploy.yml@refs/heads/main"
                )],
                ..RunnerGroup::default()
            },
        ],
        runners: vec![
            Runner {
                id: 1,
                name: "build-1".into(),
                os: "linux".into(),
                status: "online".into(),
                busy: true,
                labels: vec!["gpu".into()],
                group_id: Some(1),
            },
            Runner {
                id: 2,
                name: "deploy-1".into(),
                os: "linux".into(),
                status: "offline".into(),
                busy: false,
                labels: vec![],
                group_id: Some(2),
            },
        ],
        members,
        outside_collaborators: outside,
        teams,
        hooks: vec![Hook {
            id: 1,
            url: "https://siem.example.com/github".into(),
            events: vec!["*".into()],
            active: true,
            insecure_ssl: false,
            secret: true,
            content_type: "json".into(),
        }],
        installations: vec![Installation {
            id: 25381,
            app_id: 2218,
            app_slug: "renovate".into(),
            repository_selection: "all".into(),
            permissions: [
                ("contents".to_string(), "write".to_string()),
                ("metadata".into(), "read".into()),
            ]
            .into_iter()
            .collect(),
            events: vec!["push".into()],
            suspended: false,
        }],
        rulesets: vec![Ruleset {
            id: 73,
            name: "org-baseline".into(),
            include: vec!["~DEFAULT_BRANCH".into()],
            rules: Rules {
                allow_force_pushes: false,
                allow_deletions: false,
                ..Rules::default()
            },
            bypass_actors: vec![BypassActor {
                actor_id: Some(1),
                actor_type: "OrganizationAdmin".into(),
                bypass_mode: "always".into(),
            }],
            ..Ruleset::default()
        }],
        alerts,
        repos: repo_list,
        ..Org::default()
    };
    Scenario {
        orgs: vec![org],
        ..Scenario::default()
    }
}
