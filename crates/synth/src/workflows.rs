//! GitHub Actions workflows of a repository, as the pipeline parser would read them: one
//! `pipelines` row per workflow file, its jobs and their steps.
//!
//! Each repository picks a few workflow archetypes (CI, release, deploy, CodeQL, a
//! `pull_request_target` preview, issue triage, ...) and a language; jobs follow recipes of
//! realistic steps (checkout, toolchain setup, install, build, test, third-party actions), with
//! the risky patterns the rules look for mixed in at low rates: actions pinned by tag or branch
//! instead of a commit, checkout of the pull-request head under `pull_request_target`,
//! attacker-controlled expressions in scripts, writes to `GITHUB_ENV`, `curl | bash`, literal
//! container passwords, `secrets: inherit`, `write-all` tokens, self-hosted runners on pull
//! requests.

use std::collections::BTreeMap;

use devquery_model::tables::{PipelineJobRow, PipelineRow, PipelineStepRow};

use crate::ctx::{At, Ctx, map, s};
use crate::keys;
use crate::out::Rows;
use crate::rng::Rng;

/// What the workflow generator needs to know about its repository.
#[derive(Debug)]
pub(crate) struct RepoFacts<'a> {
    pub org: &'a str,
    pub org_index: u64,
    pub repo: &'a str,
    pub local: u64,
    /// Probability that a given control is in its secure state.
    pub care: f64,
    /// Deployment environments of the repository.
    pub envs: &'a [&'static str],
}

/// What the repository's workflows imply for the rest of its rows.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// Workflow (and action) files.
    pub files: u64,
    /// A CodeQL workflow is present (code-scanning alerts exist).
    pub codeql: bool,
}

/// Pipelines of a repository: mean 10/3, from 0 to 8.
pub(crate) fn pipeline_count(rng: &mut Rng) -> usize {
    rng.weighted(&[8, 12, 16, 20, 17, 12, 8, 5, 2])
}

/// Jobs of a pipeline: mean about 3.
pub(crate) fn job_count(rng: &mut Rng) -> usize {
    1 + rng.weighted(&[17, 22, 24, 18, 12, 7])
}

/// Steps of a job: 2 to 10, mean 6.
pub(crate) fn step_count(rng: &mut Rng) -> usize {
    2 + rng.index(9)
}

/// A toolchain: how its repositories set up, install, build, test and lint.
#[derive(Debug)]
pub(crate) struct Lang {
    pub name: &'static str,
    pub setup: (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ),
    pub install: &'static str,
    pub build: &'static str,
    pub test: &'static str,
    pub lint: &'static str,
    pub image: &'static str,
    pub codeql: &'static str,
}

pub(crate) const LANGS: &[Lang] = &[
    Lang {
        name: "node",
        setup: ("actions", "setup-node", "v4", "node-version", "20"),
        install: "npm ci",
        build: "npm run build",
        test: "npm test -- --ci",
        lint: "npm run lint",
        image: "node:20",
        codeql: "javascript-typescript",
    },
    Lang {
        name: "python",
        setup: ("actions", "setup-python", "v5", "python-version", "3.12"),
        install: "pip install -r requirements.txt",
        build: "python -m build",
        test: "pytest -q --junitxml=report.xml",
        lint: "ruff check .",
        image: "python:3.12-slim",
        codeql: "python",
    },
    Lang {
        name: "go",
        setup: ("actions", "setup-go", "v5", "go-version", "1.22"),
        install: "go mod download",
        build: "go build ./...",
        test: "go test -race ./...",
        lint: "go vet ./...",
        image: "golang:1.22",
        codeql: "go",
    },
    Lang {
        name: "java",
        setup: ("actions", "setup-java", "v4", "java-version", "21"),
        install: "./gradlew dependencies --no-daemon",
        build: "./gradlew build -x test --no-daemon",
        test: "./gradlew test --no-daemon",
        lint: "./gradlew spotlessCheck --no-daemon",
        image: "eclipse-temurin:21-jdk",
        codeql: "java-kotlin",
    },
    Lang {
        name: "dotnet",
        setup: ("actions", "setup-dotnet", "v4", "dotnet-version", "8.0.x"),
        install: "dotnet restore",
        build: "dotnet build --no-restore -c Release",
        test: "dotnet test --no-build -c Release",
        lint: "dotnet format --verify-no-changes",
        image: "mcr.microsoft.com/dotnet/sdk:8.0",
        codeql: "csharp",
    },
];

/// A repository's language (its own stream, shared by both platforms' generators).
pub(crate) fn lang(rng: &mut Rng) -> &'static Lang {
    &LANGS[rng.weighted(&[35, 22, 16, 15, 12])]
}

/// FNV-1a hash of a text (stable ids for action versions).
pub(crate) fn fnv(text: &str) -> u64 {
    let mut h = fnv::FnvHasher::default();
    std::hash::Hasher::write(&mut h, text.as_bytes());
    std::hash::Hasher::finish(&h)
}

/// The commit an action version points to: the same everywhere in the estate.
pub(crate) fn commit(ctx: &Ctx, what: &str) -> String {
    ctx.rng(&[keys::COMMIT, fnv(what)]).hex(40)
}

/// A `sha256:` image digest.
pub(crate) fn digest(ctx: &Ctx, what: &str) -> String {
    format!(
        "sha256:{}",
        ctx.rng(&[keys::COMMIT, fnv(what), 256]).hex(64)
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arch {
    Ci,
    Lint,
    E2e,
    Release,
    Deploy,
    CodeQl,
    Preview,
    Labeler,
    Triage,
    Nightly,
    Docs,
    Stale,
    AutoMerge,
    Report,
    Docker,
    Publish,
    Welcome,
    Action,
}

/// `(archetype, file, display name, weight)`.
const ARCHETYPES: &[(Arch, &str, &str, u32)] = &[
    (Arch::Ci, "ci.yml", "CI", 100),
    (Arch::Lint, "lint.yml", "Lint", 25),
    (Arch::E2e, "e2e.yml", "E2E tests", 15),
    (Arch::Release, "release.yml", "Release", 35),
    (Arch::Deploy, "deploy.yml", "Deploy", 35),
    (Arch::CodeQl, "codeql.yml", "CodeQL", 30),
    (Arch::Preview, "pr-preview.yml", "PR preview", 8),
    (Arch::Labeler, "labeler.yml", "Labeler", 12),
    (Arch::Triage, "issue-triage.yml", "Issue triage", 8),
    (Arch::Nightly, "nightly.yml", "Nightly", 15),
    (Arch::Docs, "docs.yml", "Docs", 12),
    (Arch::Stale, "stale.yml", "Close stale issues", 10),
    (
        Arch::AutoMerge,
        "dependabot-auto-merge.yml",
        "Dependabot auto-merge",
        8,
    ),
    (Arch::Report, "test-report.yml", "Test report", 6),
    (Arch::Docker, "docker.yml", "Docker image", 20),
    (Arch::Publish, "publish.yml", "Publish package", 12),
    (Arch::Welcome, "welcome.yml", "Welcome", 4),
    (Arch::Action, "action.yml", "Composite action", 3),
];

/// Draws `n` distinct archetypes by weight (CI first when drawn).
fn pick_archetypes(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut left: Vec<usize> = (0..ARCHETYPES.len()).collect();
    let mut out = Vec::new();
    while out.len() < n && !left.is_empty() {
        let weights: Vec<u32> = left.iter().map(|i| ARCHETYPES[*i].3).collect();
        let k = rng.weighted(&weights);
        out.push(left.remove(k));
    }
    out.sort_unstable();
    out
}

/// All workflows of one repository.
pub(crate) fn repo_workflows(ctx: &Ctx, at: &At, f: &RepoFacts<'_>, out: &mut Rows) -> Summary {
    let mut rng = ctx.rng(&[keys::GITHUB_WORKFLOWS, f.org_index, f.local]);
    let count = pipeline_count(&mut rng);
    let lang = lang(&mut rng);
    let self_hosted_repo = rng.chance(0.06);
    // Repositories tend to pin all their actions the same way: by commit, by tag, or a mix.
    let care = f.care;
    let pin_sha =
        [0.03, 0.5, 0.97][rng.weighted(&[(70.0 - care * 50.0) as u32, 20, (care * 40.0) as u32])];
    let mut summary = Summary::default();
    for a in pick_archetypes(&mut rng, count) {
        let (arch, file, name, _) = ARCHETYPES[a];
        summary.files += 1;
        summary.codeql |= arch == Arch::CodeQl;
        let w = Workflow {
            ctx,
            at,
            f,
            lang,
            arch,
            self_hosted_repo,
            pin_sha,
            path: if arch == Arch::Action {
                file.to_string()
            } else {
                format!(".github/workflows/{file}")
            },
        };
        w.generate(&mut rng, name, out);
    }
    summary
}

struct Workflow<'a> {
    ctx: &'a Ctx,
    at: &'a At,
    f: &'a RepoFacts<'a>,
    lang: &'static Lang,
    arch: Arch,
    self_hosted_repo: bool,
    /// Share of action references pinned to a commit.
    pin_sha: f64,
    path: String,
}

/// Job kinds, in the order a workflow of each archetype adds them.
fn job_plan(arch: Arch) -> &'static [&'static str] {
    match arch {
        Arch::Ci => &[
            "build",
            "test",
            "lint",
            "coverage",
            "integration",
            "package",
        ],
        Arch::Lint => &[
            "lint",
            "format",
            "typecheck",
            "spellcheck",
            "licenses",
            "actionlint",
        ],
        Arch::E2e => &["e2e", "build", "smoke", "integration", "report", "cleanup"],
        Arch::Release => &["release", "build", "changelog", "publish", "notify", "sbom"],
        Arch::Deploy => &["build", "deploy", "smoke", "notify", "rollback", "migrate"],
        Arch::CodeQl => &[
            "analyze",
            "dependency-review",
            "secrets",
            "sbom",
            "scorecard",
            "notify",
        ],
        Arch::Preview => &[
            "preview",
            "comment",
            "build",
            "cleanup",
            "lighthouse",
            "notify",
        ],
        Arch::Labeler => &["label", "size", "triage", "assign", "notify", "cleanup"],
        Arch::Triage => &["triage", "label", "assign", "notify", "comment", "cleanup"],
        Arch::Nightly => &["build", "test", "e2e", "scan", "notify", "cleanup"],
        Arch::Docs => &[
            "docs",
            "build",
            "deploy-pages",
            "linkcheck",
            "notify",
            "cleanup",
        ],
        Arch::Stale => &["stale", "lock", "notify", "cleanup", "report", "label"],
        Arch::AutoMerge => &[
            "automerge",
            "label",
            "approve",
            "notify",
            "cleanup",
            "report",
        ],
        Arch::Report => &[
            "report", "comment", "notify", "cleanup", "coverage", "label",
        ],
        Arch::Docker => &["docker", "scan", "sign", "push", "notify", "cleanup"],
        Arch::Publish => &["publish", "build", "test", "sign", "notify", "docs"],
        Arch::Welcome => &["greet", "label", "notify", "assign", "comment", "cleanup"],
        Arch::Action => &["action"],
    }
}

/// One step being assembled.
struct StepDraft {
    name: Option<String>,
    kind: &'static str,
    uses: Option<String>,
    owner: Option<String>,
    repo: Option<String>,
    path: Option<String>,
    r#ref: Option<String>,
    ref_kind: Option<&'static str>,
    script: Option<String>,
    shell: Option<&'static str>,
    untrusted: Vec<String>,
    with: Vec<(String, String)>,
    env: Vec<(String, String)>,
    checkout: Option<(bool, Option<String>, bool)>,
    if_condition: Option<String>,
}

impl StepDraft {
    fn run(name: Option<&str>, script: impl Into<String>) -> Self {
        Self {
            name: name.map(str::to_string),
            kind: "run",
            uses: None,
            owner: None,
            repo: None,
            path: None,
            r#ref: None,
            ref_kind: None,
            script: Some(script.into()),
            shell: None,
            untrusted: Vec::new(),
            with: Vec::new(),
            env: Vec::new(),
            checkout: None,
            if_condition: None,
        }
    }

    fn untrusted(mut self, inputs: &[&str]) -> Self {
        self.untrusted = inputs.iter().map(|s| (*s).to_string()).collect();
        self
    }

    fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.with.push((key.to_string(), value.into()));
        self
    }

    fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.push((key.to_string(), value.into()));
        self
    }
}

/// Secrets a job's expressions read (`secrets.X`).
#[derive(Default)]
struct JobSecrets(Vec<String>);

impl JobSecrets {
    fn expr(&mut self, name: &str) -> String {
        if !self.0.iter().any(|n| n == name) {
            self.0.push(name.to_string());
        }
        format!("${{{{ secrets.{name} }}}}")
    }
}

impl Workflow<'_> {
    fn generate(&self, rng: &mut Rng, name: &str, out: &mut Rows) {
        let care = self.f.care;
        let triggers = self.triggers(rng);
        let untrusted_trigger = triggers.iter().any(|t| {
            matches!(
                *t,
                "pull_request_target" | "workflow_run" | "issues" | "issue_comment"
            )
        });
        let (mode, scopes) = if self.arch == Arch::Action {
            (None, None)
        } else {
            let w = if untrusted_trigger {
                // Workflows on untrusted triggers are more often locked down, not always.
                [(1.0 - care) * 40.0 + 8.0, care * 45.0 + 5.0, 6.0, 4.0, 4.0]
            } else {
                [(1.0 - care) * 55.0 + 15.0, care * 40.0 + 8.0, 8.0, 3.0, 3.0]
            };
            let weights: Vec<u32> = w.iter().map(|x| *x as u32).collect();
            match rng.weighted(&weights) {
                0 => (s("unset"), None),
                1 => (s("scoped"), Some(scoped_permissions(rng))),
                2 => (s("read-all"), None),
                3 => (s("write-all"), None),
                _ => (s("none"), None),
            }
        };
        let mut env: Vec<(&str, &str)> = Vec::new();
        if rng.chance(0.15) {
            env.push(*rng.pick(&[
                ("CI", "true"),
                ("NODE_VERSION", "20"),
                ("FORCE_COLOR", "1"),
                ("REGISTRY", "ghcr.io"),
            ]));
        }
        if rng.chance(0.003) {
            env.push(("ACTIONS_ALLOW_UNSECURE_COMMANDS", "true"));
        }
        if rng.chance(0.004) {
            env.push(("ACTIONS_STEP_DEBUG", "true"));
        }
        let parse_error = (rng.chance(0.003)).then(|| {
            (*rng.pick(&[
                "jobs.deploy: missing `runs-on`",
                "jobs.build.steps[3]: a step needs `uses` or `run`",
                "invalid YAML: mapping values are not allowed in this context at line 14 column 18",
            ]))
            .to_string()
        });
        let kind = if self.arch == Arch::Action {
            "github_action"
        } else {
            "github_workflow"
        };
        out.pipelines.push(row!(PipelineRow, self.at,
            pipeline_id: s(&self.path),
            name: s(name),
            path: s(&self.path),
            kind: s(kind),
            triggers: (self.arch != Arch::Action).then(|| triggers.iter().map(|t| (*t).to_string()).collect()),
            permissions_mode: mode,
            top_level_permissions: scopes,
            env: (!env.is_empty()).then(|| env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()),
            last_run_at: if self.arch != Arch::Action && rng.chance(0.95) { self.ctx.clock.ago(rng, 0, 400) } else { None },
            parse_error: parse_error,
        ));

        let plan = job_plan(self.arch);
        let n_jobs = if self.arch == Arch::Action {
            1
        } else {
            job_count(rng).min(plan.len())
        };
        let mut previous: Option<&str> = None;
        for job_kind in plan.iter().take(n_jobs) {
            self.job(rng, job_kind, previous, &triggers, out);
            previous = Some(job_kind);
        }
    }

    fn triggers(&self, rng: &mut Rng) -> Vec<&'static str> {
        let mut t: Vec<&'static str> = match self.arch {
            Arch::Ci => vec!["push", "pull_request"],
            Arch::Lint => vec!["pull_request"],
            Arch::E2e => vec!["pull_request", "schedule"],
            Arch::Release => vec![*rng.pick(&["push", "release", "workflow_dispatch"])],
            Arch::Deploy => vec!["push", "workflow_dispatch"],
            Arch::CodeQl => vec!["push", "pull_request", "schedule"],
            Arch::Preview => vec!["pull_request_target"],
            Arch::Labeler => vec!["pull_request_target"],
            Arch::Triage => vec!["issues", "issue_comment"],
            Arch::Nightly => vec!["schedule", "workflow_dispatch"],
            Arch::Docs => vec!["push"],
            Arch::Stale => vec!["schedule"],
            Arch::AutoMerge => vec!["pull_request_target"],
            Arch::Report => vec!["workflow_run"],
            Arch::Docker => vec!["push", "pull_request"],
            Arch::Publish => vec!["release"],
            Arch::Welcome => vec!["pull_request_target", "issues"],
            Arch::Action => Vec::new(),
        };
        if matches!(self.arch, Arch::Ci | Arch::Docker | Arch::Docs) && rng.chance(0.3) {
            t.push("workflow_dispatch");
        }
        if self.arch == Arch::Ci && rng.chance(0.05) {
            t.push("merge_group");
        }
        t
    }

    fn runs_on(&self, rng: &mut Rng) -> (Vec<String>, Option<bool>) {
        if self.self_hosted_repo && rng.chance(0.5) {
            const LABELS: [&[&str]; 3] = [
                &["self-hosted", "linux", "x64"],
                &["linux-large"],
                &["self-hosted", "gpu"],
            ];
            let labels = *rng.pick(&LABELS);
            return (
                labels.iter().map(|l| (*l).to_string()).collect(),
                Some(true),
            );
        }
        match rng.weighted(&[70, 8, 7, 7, 5, 3]) {
            0 => (vec!["ubuntu-latest".into()], Some(false)),
            1 => (vec!["ubuntu-22.04".into()], Some(false)),
            2 => (vec!["ubuntu-24.04".into()], Some(false)),
            3 => (vec!["windows-latest".into()], Some(false)),
            4 => (vec!["macos-14".into()], Some(false)),
            _ => (vec!["${{ matrix.os }}".into()], None),
        }
    }

    /// A third-party or first-party action reference, pinned by commit, tag or branch.
    fn action(
        &self,
        rng: &mut Rng,
        owner: &str,
        repo: &str,
        path: Option<&str>,
        version: &str,
    ) -> StepDraft {
        let care = self.f.care;
        let full = match path {
            Some(p) => format!("{owner}/{repo}/{p}"),
            None => format!("{owner}/{repo}"),
        };
        let (r, kind) = if rng.chance(self.pin_sha) {
            (
                commit(self.ctx, &format!("{owner}/{repo}@{version}")),
                "sha",
            )
        } else if rng.chance(((1.0 - care) * 0.1).clamp(0.01, 0.2)) {
            ((*rng.pick(&["main", "master"])).to_string(), "branch")
        } else {
            (version.to_string(), "tag")
        };
        StepDraft {
            name: None,
            kind: "action",
            uses: Some(format!("{full}@{r}")),
            owner: Some(owner.to_string()),
            repo: Some(repo.to_string()),
            path: path.map(str::to_string),
            r#ref: Some(r),
            ref_kind: Some(kind),
            script: None,
            shell: None,
            untrusted: Vec::new(),
            with: Vec::new(),
            env: Vec::new(),
            checkout: None,
            if_condition: None,
        }
    }

    fn checkout(&self, rng: &mut Rng, pr_head: Option<&str>) -> StepDraft {
        let mut st = self.action(rng, "actions", "checkout", None, "v4");
        st.name = rng.chance(0.3).then(|| "Checkout".to_string());
        let persist = !rng.chance((self.f.care * 0.5).clamp(0.05, 0.6));
        if !persist {
            st.with.push(("persist-credentials".into(), "false".into()));
        }
        if let Some(r) = pr_head {
            st.with.push(("ref".into(), r.to_string()));
        } else if rng.chance(0.1) {
            st.with.push(("fetch-depth".into(), "0".into()));
        }
        st.checkout = Some((persist, pr_head.map(str::to_string), pr_head.is_some()));
        st
    }

    fn setup(&self, rng: &mut Rng) -> StepDraft {
        let (o, r, v, k, val) = self.lang.setup;
        let mut st = self.action(rng, o, r, None, v).with(k, val);
        st.name = rng
            .chance(0.4)
            .then(|| format!("Set up {}", self.lang.name));
        st
    }

    /// The steps of one job kind, most characteristic first.
    fn recipe(
        &self,
        rng: &mut Rng,
        kind: &str,
        triggers: &[&str],
        secrets: &mut JobSecrets,
    ) -> Vec<StepDraft> {
        let l = self.lang;
        let care = self.f.care;
        let org = self.f.org;
        let repo = self.f.repo;
        let mut v: Vec<StepDraft> = Vec::new();
        match kind {
            "preview" | "build" if self.arch == Arch::Preview => {
                // pull_request_target: checking out the PR head and building it runs attacker code.
                let head = rng.chance(0.5);
                v.push(self.checkout(
                    rng,
                    head.then_some("${{ github.event.pull_request.head.sha }}"),
                ));
                v.push(StepDraft::run(
                    Some("Build preview"),
                    format!("{}\n{}", l.install, l.build),
                ));
                let mut deploy = self.action(rng, "cloudflare", "wrangler-action", None, "v3");
                deploy
                    .with
                    .push(("apiToken".into(), secrets.expr("CLOUDFLARE_API_TOKEN")));
                v.push(deploy);
            }
            "label" | "size" if matches!(self.arch, Arch::Labeler) => {
                let mut st = self.action(rng, "actions", "labeler", None, "v5");
                st.with
                    .push(("repo-token".into(), secrets.expr("GITHUB_TOKEN")));
                v.push(st);
                v.push(self.action(rng, "codelytv", "pr-size-labeler", None, "v1"));
            }
            "triage" | "greet" => {
                let (expr, input) = match self.arch {
                    Arch::Welcome => (
                        "${{ github.event.pull_request.title }}",
                        "github.event.pull_request.title",
                    ),
                    _ if triggers.contains(&"issue_comment") && rng.chance(0.5) => (
                        "${{ github.event.comment.body }}",
                        "github.event.comment.body",
                    ),
                    _ => (
                        "${{ github.event.issue.title }}",
                        "github.event.issue.title",
                    ),
                };
                if rng.chance(0.45) {
                    v.push(
                        StepDraft::run(
                            Some("Classify"),
                            format!("echo \"Triaging: {expr}\"\n./scripts/classify.sh \"{expr}\""),
                        )
                        .untrusted(&[input]),
                    );
                } else {
                    v.push(
                        StepDraft::run(Some("Classify"), "./scripts/classify.sh \"$TITLE\"")
                            .env("TITLE", expr),
                    );
                }
                let mut st = self.action(rng, "actions", "github-script", None, "v7");
                st.with.push(("script".into(), "await github.rest.issues.addLabels({ ...context.repo, issue_number: context.issue.number, labels: ['triage'] })".into()));
                st.untrusted = Vec::new();
                st.script = Some("await github.rest.issues.addLabels({ ...context.repo, issue_number: context.issue.number, labels: ['triage'] })".into());
                v.push(st);
            }
            "report" if self.arch == Arch::Report => {
                let mut dl = self.action(rng, "actions", "download-artifact", None, "v4");
                dl.with.push((
                    "run-id".into(),
                    "${{ github.event.workflow_run.id }}".into(),
                ));
                v.push(dl);
                if rng.chance(0.3) {
                    v.push(self.checkout(rng, Some("${{ github.event.workflow_run.head_sha }}")));
                    v.push(StepDraft::run(None, "npm ci && npm run report"));
                }
                v.push(StepDraft::run(
                    Some("Export PR number"),
                    "echo \"PR_NUMBER=$(cat pr/number)\" >> \"$GITHUB_ENV\"",
                ));
                v.push(self.action(rng, "dorny", "test-reporter", None, "v1"));
            }
            "automerge" => {
                v.push(self.action(rng, "dependabot", "fetch-metadata", None, "v2"));
                v.push(
                    StepDraft::run(
                        Some("Enable auto-merge"),
                        "gh pr merge --auto --squash \"$PR_URL\"",
                    )
                    .env("PR_URL", "${{ github.event.pull_request.html_url }}")
                    .env("GH_TOKEN", secrets.expr("GITHUB_TOKEN")),
                );
            }
            "stale" => {
                v.push(self.action(rng, "actions", "stale", None, "v9"));
            }
            "analyze" => {
                v.push(self.checkout(rng, None));
                v.push(
                    self.action(rng, "github", "codeql-action", Some("init"), "v3")
                        .with("languages", l.codeql),
                );
                v.push(self.action(rng, "github", "codeql-action", Some("autobuild"), "v3"));
                v.push(self.action(rng, "github", "codeql-action", Some("analyze"), "v3"));
            }
            "deploy" | "deploy-pages" | "rollback" | "migrate" => {
                v.push(self.checkout(rng, None));
                if rng.chance(0.5) {
                    let mut st =
                        self.action(rng, "aws-actions", "configure-aws-credentials", None, "v4");
                    st.with
                        .push(("role-to-assume".into(), secrets.expr("AWS_ROLE_ARN")));
                    st.with.push(("aws-region".into(), "eu-west-1".into()));
                    v.push(st);
                    v.push(StepDraft::run(Some("Deploy"), format!("aws ecs update-service --cluster prod --service {repo} --force-new-deployment")));
                } else {
                    let mut st = self.action(rng, "azure", "login", None, "v2");
                    st.with
                        .push(("creds".into(), secrets.expr("AZURE_CREDENTIALS")));
                    v.push(st);
                    let mut app = self.action(rng, "azure", "webapps-deploy", None, "v3");
                    app.with.push(("app-name".into(), format!("{repo}-prod")));
                    v.push(app);
                }
            }
            "docker" | "push" | "sign" => {
                v.push(self.checkout(rng, None));
                v.push(self.action(rng, "docker", "setup-buildx-action", None, "v3"));
                let mut login = self.action(rng, "docker", "login-action", None, "v3");
                login.with.push(("registry".into(), "ghcr.io".into()));
                login
                    .with
                    .push(("password".into(), secrets.expr("GITHUB_TOKEN")));
                v.push(login);
                let mut build = self.action(rng, "docker", "build-push-action", None, "v6");
                build
                    .with
                    .push(("tags".into(), format!("ghcr.io/{org}/{repo}:latest")));
                build.with.push(("push".into(), "true".into()));
                v.push(build);
                if kind == "sign" {
                    v.push(self.action(rng, "sigstore", "cosign-installer", None, "v3"));
                }
            }
            "release" | "publish" | "changelog" => {
                v.push(self.checkout(rng, None));
                v.push(self.setup(rng));
                v.push(StepDraft::run(None, l.build));
                let mut rel = self.action(rng, "softprops", "action-gh-release", None, "v2");
                rel.with
                    .push(("token".into(), secrets.expr("GITHUB_TOKEN")));
                v.push(rel);
                if kind == "publish" {
                    v.push(
                        StepDraft::run(Some("Publish"), "npm publish --provenance")
                            .env("NODE_AUTH_TOKEN", secrets.expr("NPM_TOKEN")),
                    );
                }
            }
            "notify" => {
                let mut st = self.action(rng, "slackapi", "slack-github-action", None, "v1.27.0");
                st.env.push((
                    "SLACK_WEBHOOK_URL".into(),
                    secrets.expr("SLACK_WEBHOOK_URL"),
                ));
                v.push(st);
            }
            "scan" => {
                v.push(self.checkout(rng, None));
                if rng.chance(0.5) {
                    v.push(self.action(rng, "aquasecurity", "trivy-action", None, "0.28.0"));
                } else {
                    let mut st = self.action(rng, "snyk", "actions", Some("node"), "master");
                    st.env
                        .push(("SNYK_TOKEN".into(), secrets.expr("SNYK_TOKEN")));
                    v.push(st);
                }
            }
            "action" => {
                v.push(StepDraft::run(None, l.install));
                v.push(self.setup(rng));
                v.push(StepDraft::run(None, l.build));
            }
            _ => {
                v.push(self.checkout(rng, None));
                v.push(self.setup(rng));
            }
        }
        // The generic tail: install, build, test, lint and helpers.
        if rng.chance(0.4) {
            let mut cache = self.action(rng, "actions", "cache", None, "v4");
            cache.with.push(("path".into(), "~/.cache".into()));
            cache.with.push((
                "key".into(),
                "${{ runner.os }}-${{ hashFiles('**/lockfiles') }}".into(),
            ));
            v.push(cache);
        }
        v.push(StepDraft::run(Some("Install"), l.install));
        v.push(StepDraft::run(Some("Build"), l.build));
        v.push(StepDraft::run(Some("Test"), l.test));
        if rng.chance(0.1) {
            let file = *rng.pick(&[
                "./.github/actions/setup",
                "./.github/actions/cache-deps",
                "./tools/ci-action",
            ]);
            v.push(StepDraft {
                name: None,
                kind: "action",
                uses: Some(file.to_string()),
                owner: None,
                repo: None,
                path: Some(file.to_string()),
                r#ref: None,
                ref_kind: Some("local"),
                script: None,
                shell: None,
                untrusted: Vec::new(),
                with: Vec::new(),
                env: Vec::new(),
                checkout: None,
                if_condition: None,
            });
        }
        v.push(StepDraft::run(Some("Lint"), l.lint));
        let extra: &[(&str, &str, &str)] = &[
            ("actions", "upload-artifact", "v4"),
            ("codecov", "codecov-action", "v4"),
            ("tj-actions", "changed-files", "v45"),
            ("peter-evans", "create-pull-request", "v7"),
            ("hashicorp", "setup-terraform", "v3"),
            ("actions", "download-artifact", "v4"),
            ("golangci", "golangci-lint-action", "v6"),
            ("JamesIves", "github-pages-deploy-action", "v4"),
        ];
        for _ in 0..3 {
            let (o, r, ver) = *rng.pick(extra);
            let mut st = self.action(rng, o, r, None, ver);
            if r == "codecov-action" {
                st.with
                    .push(("token".into(), secrets.expr("CODECOV_TOKEN")));
            }
            v.push(st);
        }
        v.push(StepDraft::run(None, "echo \"done\""));
        // Risky patterns, placed early so they survive trimming.
        if rng.chance(((1.0 - care) * 0.05).clamp(0.004, 0.04)) {
            let script = *rng.pick(&[
                "curl -sSL https://get.docker.com | sh",
                "curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -",
                "wget -qO- https://install.python-poetry.org | python3 -",
                "curl -s https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash",
            ]);
            v.insert(
                1.min(v.len()),
                StepDraft::run(Some("Install tooling"), script),
            );
        } else if rng.chance(0.02) {
            v.insert(
                1.min(v.len()),
                StepDraft::run(Some("Install tooling"), "curl -sSLo helm.tar.gz https://get.helm.sh/helm-v3.16.2-linux-amd64.tar.gz\nsha256sum -c helm.sha256\ntar -xzf helm.tar.gz"),
            );
        }
        if rng.chance(0.05) {
            let pr = triggers
                .iter()
                .any(|t| matches!(*t, "pull_request" | "pull_request_target"));
            let st = if pr && rng.chance(0.4) {
                StepDraft::run(
                    Some("Export branch"),
                    "echo \"BRANCH=${{ github.head_ref }}\" >> $GITHUB_ENV",
                )
                .untrusted(&["github.head_ref"])
            } else {
                StepDraft::run(
                    Some("Export version"),
                    "echo \"VERSION=$(git describe --tags --always)\" >> \"$GITHUB_ENV\"",
                )
            };
            v.insert(1.min(v.len()), st);
        }
        if rng.chance(0.03)
            && triggers
                .iter()
                .any(|t| matches!(*t, "pull_request" | "pull_request_target"))
        {
            v.insert(
                1.min(v.len()),
                StepDraft::run(
                    Some("Title check"),
                    "echo \"Checking ${{ github.event.pull_request.title }}\"",
                )
                .untrusted(&["github.event.pull_request.title"]),
            );
        }
        if rng.chance(0.005) {
            v.insert(
                1.min(v.len()),
                StepDraft::run(Some("Write config"), "echo \"$ALL_SECRETS\" > secrets.json")
                    .env("ALL_SECRETS", "${{ toJSON(secrets) }}"),
            );
            secrets.0.insert(0, "*".to_string());
        }
        v
    }

    fn job(
        &self,
        rng: &mut Rng,
        kind: &str,
        previous: Option<&str>,
        triggers: &[&str],
        out: &mut Rows,
    ) {
        let care = self.f.care;
        let mut secrets = JobSecrets::default();
        let mut job = row!(PipelineJobRow, self.at,
            pipeline_id: s(&self.path),
            path: s(&self.path),
            job_id: s(kind),
        );
        // Reusable workflow calls: no steps of their own.
        if self.arch != Arch::Action && previous.is_some() && rng.chance(0.06) {
            let target = match rng.index(4) {
                0 => "./.github/workflows/build.yml".to_string(),
                1 => format!(
                    "{}/shared-workflows/.github/workflows/deploy.yml@main",
                    self.f.org
                ),
                2 => format!(
                    "{}/shared-workflows/.github/workflows/deploy.yml@v2",
                    self.f.org
                ),
                _ => format!(
                    "{}/shared-workflows/.github/workflows/deploy.yml@{}",
                    self.f.org,
                    commit(self.ctx, &format!("{}/shared-workflows@v2", self.f.org))
                ),
            };
            let inherit = rng.chance(0.5);
            job.name = s(format!("Call {kind}"));
            job.reusable_workflow = Some(target);
            job.secrets_inherit = Some(inherit);
            job.secrets_referenced = Some(if inherit {
                vec!["*".to_string()]
            } else {
                vec!["DEPLOY_TOKEN".to_string()]
            });
            job.permissions_mode = s("unset");
            job.needs = previous.map(|p| vec![p.to_string()]);
            out.pipeline_jobs.push(job);
            return;
        }
        if self.arch != Arch::Action {
            let (labels, self_hosted) = self.runs_on(rng);
            job.runs_on = Some(labels);
            job.self_hosted = self_hosted;
            let w = [
                72.0 - care * 20.0,
                18.0 + care * 20.0,
                4.0,
                2.0 + (1.0 - care) * 2.0,
            ];
            let weights: Vec<u32> = w.iter().map(|x| *x as u32).collect();
            let (mode, perms) = match rng.weighted(&weights) {
                0 => ("unset", None),
                1 => ("scoped", Some(scoped_permissions(rng))),
                2 => ("read-all", None),
                _ => ("write-all", None),
            };
            job.permissions_mode = s(mode);
            job.permissions = perms;
            job.secrets_inherit = Some(false);
            job.name = rng.chance(0.6).then(|| title(kind));
            job.needs = previous
                .filter(|_| rng.chance(0.5))
                .map(|p| vec![p.to_string()]);
        }
        if matches!(kind, "deploy" | "rollback" | "migrate" | "deploy-pages")
            && !self.f.envs.is_empty()
        {
            job.environment = s(*rng.pick(self.f.envs));
            job.if_condition = rng
                .chance(0.5)
                .then(|| "github.ref == 'refs/heads/main'".to_string());
        }
        if self.arch != Arch::Action && rng.chance(0.07) {
            let image = match rng.weighted(&[40, 20, 25, 15]) {
                0 => self.lang.image.to_string(),
                1 => format!(
                    "{}:latest",
                    self.lang.image.split(':').next().unwrap_or("node")
                ),
                2 => {
                    let name = self.lang.image.split(':').next().unwrap_or("node");
                    format!("{name}@{}", digest(self.ctx, self.lang.image))
                }
                _ => format!("ghcr.io/{}/build-image:1.{}", self.f.org, rng.below(9)),
            };
            job.container_image = Some(image);
            job.container_password_literal =
                Some(rng.chance(((1.0 - care) * 0.12).clamp(0.01, 0.1)));
        }
        if self.arch != Arch::Action && rng.chance(0.04) {
            let svc = if rng.chance(0.3) {
                format!("postgres@{}", digest(self.ctx, "postgres:16"))
            } else {
                (*rng.pick(&["postgres:16", "redis:7-alpine", "mysql:8.0", "mongo:7"])).to_string()
            };
            job.services = Some(vec![svc]);
            job.container_password_literal = Some(job.container_password_literal.unwrap_or(false));
        }
        let mut env: Vec<(String, String)> = Vec::new();
        if rng.chance(0.1) {
            env.push(("NODE_ENV".into(), "test".into()));
        }
        if rng.chance(0.003) {
            env.push(("ACTIONS_ALLOW_UNSECURE_COMMANDS".into(), "true".into()));
        } else if rng.chance(0.002) {
            env.push(("ACTIONS_ALLOW_UNSECURE_COMMANDS".into(), "false".into()));
        }
        if rng.chance(0.003) {
            env.push(("ACTIONS_RUNNER_DEBUG".into(), "true".into()));
        }
        job.env = (!env.is_empty()).then(|| env.into_iter().collect());

        let mut drafts = self.recipe(rng, kind, triggers, &mut secrets);
        let target = step_count(rng).max(2);
        drafts.truncate(target);
        let job_id = kind.to_string();
        for (i, d) in drafts.into_iter().enumerate() {
            out.pipeline_steps.push(self.step(i, &job_id, d));
        }
        let mut refs = secrets.0;
        refs.sort();
        refs.dedup();
        job.secrets_referenced = Some(refs);
        out.pipeline_jobs.push(job);
    }

    fn step(&self, index: usize, job_id: &str, d: StepDraft) -> PipelineStepRow {
        let with: Option<BTreeMap<String, String>> =
            (!d.with.is_empty()).then(|| d.with.into_iter().collect());
        let env: Option<BTreeMap<String, String>> =
            (!d.env.is_empty()).then(|| d.env.into_iter().collect());
        let is_run = d.kind == "run";
        let mut row = row!(PipelineStepRow, self.at,
            pipeline_id: s(&self.path),
            path: s(&self.path),
            job_id: s(job_id),
            step_index: i64::try_from(index).ok(),
            name: d.name,
            kind: s(d.kind),
            uses: d.uses,
            action_owner: d.owner,
            action_repo: d.repo,
            action_path: d.path,
            action_ref: d.r#ref,
            ref_kind: d.ref_kind.map(str::to_string),
            script: d.script,
            shell: d.shell.map(str::to_string),
            untrusted_inputs: (is_run || d.kind == "action" && with.as_ref().is_some_and(|w| w.contains_key("script"))).then_some(d.untrusted),
            with: with,
            env: env,
            if_condition: d.if_condition,
        );
        if let Some((persist, r, head)) = d.checkout {
            row.persist_credentials = Some(persist);
            row.checkout_ref = r;
            row.checkout_pr_head = Some(head);
        }
        row
    }
}

fn scoped_permissions(rng: &mut Rng) -> BTreeMap<String, String> {
    let options: &[&[(&str, &str)]] = &[
        &[("contents", "read")],
        &[("contents", "read"), ("pull-requests", "write")],
        &[("contents", "read"), ("id-token", "write")],
        &[("contents", "write")],
        &[("contents", "read"), ("packages", "write")],
        &[("issues", "write"), ("pull-requests", "write")],
        &[("contents", "read"), ("security-events", "write")],
    ];
    map(rng.pick(options).iter().copied()).unwrap_or_default()
}

/// `deploy-pages` → `Deploy pages`.
fn title(kind: &str) -> String {
    let text = kind.replace('-', " ");
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_have_the_intended_means() {
        let mut rng = Rng::keyed(5, &[]);
        let n = 20_000;
        let p: usize = (0..n).map(|_| pipeline_count(&mut rng)).sum();
        let j: usize = (0..n).map(|_| job_count(&mut rng)).sum();
        let st: usize = (0..n).map(|_| step_count(&mut rng)).sum();
        let mean = |x: usize| x as f64 / n as f64;
        assert!((3.1..3.6).contains(&mean(p)), "{}", mean(p));
        assert!((2.8..3.3).contains(&mean(j)), "{}", mean(j));
        assert!((5.8..6.2).contains(&mean(st)), "{}", mean(st));
    }

    #[test]
    fn archetypes_are_distinct() {
        let mut rng = Rng::keyed(9, &[]);
        for n in 0..9 {
            let a = pick_archetypes(&mut rng, n);
            assert_eq!(a.len(), n);
            assert!(a.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
