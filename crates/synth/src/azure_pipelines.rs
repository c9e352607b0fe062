//! Azure Pipelines of a repository, as the Azure DevOps collector reads them: a build
//! definition (YAML or classic) overlaid with what its YAML file says, jobs (with stages and
//! deployment jobs), steps (checkout, tasks, scripts, templates), and the definition's own
//! variables and secret variables.

use std::collections::BTreeMap;

use devquery_model::tables::{
    PipelineJobRow, PipelineResource, PipelineRow, PipelineStepRow, SecretRow, VariableRow,
};

use crate::azure::{Project, definition_id, pipeline_total};
use crate::ctx::{At, Ctx, map, s};
use crate::keys;
use crate::out::Rows;
use crate::rng::Rng;
use crate::workflows::{self, Lang, digest};

/// `(file, name suffix, triggers, staged deployment)`.
const ARCHETYPES: &[(&str, &str, &[&str], bool)] = &[
    ("azure-pipelines.yml", "ci", &["pr", "push"], false),
    ("pipelines/release.yml", "release", &["push"], true),
    ("pipelines/pr-validation.yml", "pr", &["pr"], false),
    ("pipelines/nightly.yml", "nightly", &["schedule"], false),
    (
        "pipelines/security-scan.yml",
        "security",
        &["push", "schedule"],
        false,
    ),
    ("pipelines/infra.yml", "infra", &["push"], true),
    ("pipelines/docker.yml", "docker", &["pr", "push"], false),
    (
        "pipelines/integration-tests.yml",
        "integration",
        &["pr", "schedule"],
        false,
    ),
    ("pipelines/hotfix.yml", "hotfix", &["manual"], true),
];

/// `(task, inputs)` of a toolchain's setup, and its build steps as scripts.
fn setup_task(lang: &Lang) -> (&'static str, &'static [(&'static str, &'static str)]) {
    match lang.name {
        "node" => ("NodeTool@0", &[("versionSpec", "20.x")]),
        "python" => ("UsePythonVersion@0", &[("versionSpec", "3.12")]),
        "go" => ("GoTool@0", &[("version", "1.22")]),
        "java" => (
            "JavaToolInstaller@0",
            &[("versionSpec", "21"), ("jdkArchitectureOption", "x64")],
        ),
        _ => ("UseDotNet@2", &[("packageType", "sdk"), ("version", "8.x")]),
    }
}

struct Step {
    name: Option<String>,
    kind: &'static str,
    uses: Option<String>,
    action_ref: Option<String>,
    action_owner: Option<String>,
    action_repo: Option<String>,
    action_path: Option<String>,
    ref_kind: Option<&'static str>,
    script: Option<String>,
    shell: Option<&'static str>,
    untrusted: Option<Vec<String>>,
    with: Option<BTreeMap<String, String>>,
    env: Option<BTreeMap<String, String>>,
    persist: Option<bool>,
    checkout_pr_head: Option<bool>,
}

impl Step {
    fn blank(kind: &'static str) -> Self {
        Self {
            name: None,
            kind,
            uses: None,
            action_ref: None,
            action_owner: None,
            action_repo: None,
            action_path: None,
            ref_kind: None,
            script: None,
            shell: None,
            untrusted: None,
            with: None,
            env: None,
            persist: None,
            checkout_pr_head: None,
        }
    }

    fn script(
        shell: &'static str,
        name: &str,
        text: impl Into<String>,
        untrusted: &[&str],
    ) -> Self {
        let mut st = Self::blank("run");
        st.name = Some(name.to_string());
        st.shell = Some(shell);
        st.script = Some(text.into());
        st.untrusted = Some(untrusted.iter().map(|u| (*u).to_string()).collect());
        st
    }

    fn task(task: &str, name: Option<&str>, inputs: &[(&str, String)]) -> Self {
        let mut st = Self::blank("task");
        st.name = name.map(str::to_string);
        st.action_ref = task.rsplit_once('@').map(|(_, v)| v.to_string());
        st.uses = Some(task.to_string());
        if !inputs.is_empty() {
            st.with = map(inputs.iter().map(|(k, v)| (*k, v.clone())));
        }
        if let Some((_, script)) = inputs.iter().find(|(k, _)| {
            matches!(
                *k,
                "script" | "inlineScript" | "Inline" | "inline" | "arguments"
            )
        }) {
            st.untrusted = Some(
                [
                    "$(Build.SourceBranchName)",
                    "$(Build.SourceVersionMessage)",
                    "$(System.PullRequest.SourceBranch)",
                ]
                .iter()
                .filter(|m| script.contains(**m))
                .map(|m| m.trim_start_matches("$(").trim_end_matches(')').to_string())
                .collect(),
            );
            st.script = Some(script.clone());
        }
        st
    }
}

/// All pipelines of the `local`-th repository of project `p`.
pub(crate) fn repo_pipelines(
    ctx: &Ctx,
    at: &At,
    p: &Project,
    local: u64,
    repo: &str,
    pc: f64,
    out: &mut Rows,
) {
    let mut rng = ctx.rng(&[keys::AZURE_PIPELINES, p.org, p.index, local]);
    let count = pipeline_total(ctx, p.org, p.index, local);
    let lang = workflows::lang(&mut rng);
    let kinds = rng.sample(ARCHETYPES.len(), count as usize);
    for (k, a) in kinds.into_iter().enumerate() {
        let id = definition_id(local, k as u64);
        let classic = k > 0 && rng.chance(0.15);
        pipeline(
            ctx,
            &mut rng,
            at,
            p,
            repo,
            lang,
            pc,
            id,
            ARCHETYPES[a],
            classic,
            out,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn pipeline(
    ctx: &Ctx,
    rng: &mut Rng,
    at: &At,
    p: &Project,
    repo: &str,
    lang: &'static Lang,
    pc: f64,
    id: u64,
    (file, suffix, triggers, staged): (&str, &str, &[&str], bool),
    classic: bool,
    out: &mut Rows,
) {
    let good = |rng: &mut Rng, bias: f64| rng.chance((pc + bias).clamp(0.02, 0.98));
    let name = if classic {
        format!("{repo}-{suffix}-classic")
    } else {
        format!("{repo}-{suffix}")
    };
    let id_text = id.to_string();
    let path = (!classic).then(|| file.to_string());
    let self_hosted_pool = rng.chance(0.25);
    let pool = if self_hosted_pool {
        *rng.pick(&["Default", "linux-agents", "windows-build"])
    } else {
        "Azure Pipelines"
    };
    let fork_builds = rng.chance(if p.public { 0.4 } else { 0.1 });
    let mut trig: Vec<String> = triggers.iter().map(|t| (*t).to_string()).collect();
    trig.sort();
    let groups: Vec<String> = {
        let n = rng.index(3);
        rng.sample(p.groups.len(), n)
            .into_iter()
            .map(|i| p.groups[i].name.clone())
            .collect()
    };
    let extends = (!classic && rng.chance(0.1))
        .then(|| "templates/secure-pipeline.yml@templates".to_string());
    let resources = extends.as_ref().map(|_| {
        vec![PipelineResource {
            kind: s("repository"),
            name: s("templates"),
            source: s(format!("{}/pipeline-templates", p.name)),
            r#ref: s("refs/heads/main"),
        }]
    });
    let mut env: Vec<(&str, &str)> = Vec::new();
    if !classic && rng.chance(0.6) {
        env.push(("buildConfiguration", "Release"));
    }
    if !classic && rng.chance(0.01) {
        env.push(("system.debug", "true"));
    }
    out.pipelines.push(row!(PipelineRow, at,
        pipeline_id: s(&id_text),
        name: s(&name),
        path: path.clone(),
        kind: s(if classic { "azure_classic" } else { "azure_yaml" }),
        triggers: Some(trig.clone()),
        job_auth_scope: s(if rng.chance((0.6 * (1.0 - pc) + 0.05).clamp(0.0, 1.0)) { "collection" } else { "project" }),
        fork_builds: Some(fork_builds),
        fork_secrets_allowed: Some(fork_builds && rng.chance(0.4 * (1.0 - pc) + 0.1)),
        fork_full_access_token: Some(fork_builds && rng.chance(0.3 * (1.0 - pc) + 0.05)),
        pool: s(pool),
        env: (!env.is_empty()).then(|| env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()),
        variable_groups: Some(groups),
        extends: extends,
        resources: resources,
        last_run_at: if rng.chance(0.93) { ctx.clock.ago(rng, 0, 300) } else { None },
    ));

    // Definition variables.
    if rng.chance(0.4) {
        let mut vars: Vec<(&str, String)> = vec![("buildConfiguration", "Release".to_string())];
        if rng.chance(0.04) {
            vars.push((
                "system.debug",
                if rng.chance(0.5) { "true" } else { "false" }.to_string(),
            ));
        }
        if !good(rng, 0.3) && rng.chance(0.08) {
            vars.push(("dbPassword", format!("P@ssw0rd{}", rng.range(100, 999))));
        }
        for (vname, value) in vars {
            out.variables.push(row!(VariableRow, at,
                scope: s("pipeline"),
                container: s(&name),
                container_id: s(&id_text),
                name: s(vname),
                value: s(value),
                allow_override: Some(!good(rng, 0.0)),
            ));
        }
    }
    if rng.chance(0.15) {
        let n = 1 + rng.index(2);
        for i in rng.sample(4, n) {
            out.secrets.push(row!(SecretRow, at,
                scope: s("pipeline"),
                container: s(&name),
                container_id: s(&id_text),
                name: s(["deployPassword", "sonarToken", "npmAuthToken", "registryPassword"][i]),
            ));
        }
    }
    if classic {
        return;
    }

    // Jobs and steps.
    let n_jobs = workflows::job_count(rng);
    let pr = trig.iter().any(|t| t == "pr");
    for j in 0..n_jobs {
        let (stage, job_name, deploy_env) = if staged {
            match p.envs.get(j.wrapping_sub(1)) {
                _ if j == 0 => (Some("Build".to_string()), "Build".to_string(), None),
                Some(env) => (
                    Some(format!("Deploy_{env}")),
                    format!("deploy_{env}"),
                    Some(*env),
                ),
                None => {
                    let extra = [
                        "smoke",
                        "integration",
                        "notify",
                        "cleanup",
                        "report",
                        "audit",
                    ];
                    let k = (j - 1 - p.envs.len()) % extra.len();
                    (Some("Verify".to_string()), extra[k].to_string(), None)
                }
            }
        } else {
            (
                None,
                ["Build", "Test", "Lint", "Package", "Scan", "Publish"][j % 6].to_string(),
                None,
            )
        };
        let job_id = match &stage {
            Some(st) => format!("{st}.{job_name}"),
            None => job_name.clone(),
        };
        let mut job = row!(PipelineJobRow, at,
            pipeline_id: s(&id_text),
            path: path.clone(),
            job_id: s(&job_id),
            stage: stage.clone(),
        );
        if j > 0 && rng.chance(0.05) {
            let template = "templates/jobs/build.yml".to_string();
            job.job_id = s(match &stage {
                Some(st) => format!("{st}.template{j}"),
                None => format!("template{j}"),
            });
            job.name = s(&template);
            job.reusable_workflow = s(template);
            job.env = map([("configuration", "Release")]);
            out.pipeline_jobs.push(job);
            continue;
        }
        job.name = s(job_name.replace('_', " "));
        let job_pool_self = if rng.chance(0.2) {
            !self_hosted_pool
        } else {
            self_hosted_pool
        };
        if job_pool_self {
            let pool_name = if self_hosted_pool {
                pool
            } else {
                "linux-agents"
            };
            job.runs_on = Some(vec![pool_name.to_string()]);
            job.self_hosted = Some(true);
        } else {
            job.runs_on = Some(vec![
                (*rng.pick(&[
                    "ubuntu-latest",
                    "ubuntu-latest",
                    "windows-latest",
                    "ubuntu-22.04",
                ]))
                .to_string(),
            ]);
            job.self_hosted = Some(false);
        }
        job.environment = deploy_env.map(str::to_string);
        if rng.chance(0.03) {
            job.container_image = s(if rng.chance(0.4) {
                format!(
                    "mcr.microsoft.com/dotnet/sdk@{}",
                    digest(ctx, "mcr.microsoft.com/dotnet/sdk:8.0")
                )
            } else {
                lang.image.to_string()
            });
        }
        if rng.chance(0.1) {
            job.env = map([("configuration", "Release")]);
        }
        job.needs = (j > 0).then(|| vec!["Build".to_string()]);
        let steps = steps(rng, p, repo, lang, pc, deploy_env.is_some(), suffix, pr);
        let target = workflows::step_count(rng).min(steps.len()).max(1);
        for (i, st) in steps.into_iter().take(target).enumerate() {
            out.pipeline_steps.push(row!(PipelineStepRow, at,
                pipeline_id: s(&id_text),
                path: path.clone(),
                job_id: s(&job_id),
                step_index: i64::try_from(i).ok(),
                name: st.name,
                kind: s(st.kind),
                uses: st.uses,
                action_owner: st.action_owner,
                action_repo: st.action_repo,
                action_path: st.action_path,
                action_ref: st.action_ref,
                ref_kind: st.ref_kind.map(str::to_string),
                script: st.script,
                shell: st.shell.map(str::to_string),
                untrusted_inputs: st.untrusted,
                with: st.with,
                env: st.env,
                persist_credentials: st.persist,
                checkout_pr_head: st.checkout_pr_head,
            ));
        }
        out.pipeline_jobs.push(job);
    }
}

#[allow(clippy::too_many_arguments)]
fn steps(
    rng: &mut Rng,
    p: &Project,
    repo: &str,
    lang: &Lang,
    pc: f64,
    deploy: bool,
    suffix: &str,
    pr: bool,
) -> Vec<Step> {
    let mut v = Vec::new();
    if rng.chance(0.85) {
        let mut st = Step::blank("checkout");
        st.uses = s("self");
        st.persist = Some(rng.chance(((1.0 - pc) * 0.2).clamp(0.02, 0.2)));
        st.checkout_pr_head = Some(false);
        v.push(st);
    }
    let azure_conn = p
        .connections
        .iter()
        .find(|c| matches!(c.r#type, "azurerm" | "azure"))
        .map_or_else(|| "azure-prod".to_string(), |c| c.name.clone());
    if deploy {
        v.push(Step::task(
            "AzureKeyVault@2",
            Some("Fetch secrets"),
            &[
                ("azureSubscription", azure_conn.clone()),
                (
                    "KeyVaultName",
                    format!("kv-{}", p.name.to_ascii_lowercase()),
                ),
            ],
        ));
        v.push(Step::task(
            "AzureCLI@2",
            Some("Deploy"),
            &[
                ("azureSubscription", azure_conn.clone()),
                ("scriptType", "bash".to_string()),
                ("scriptLocation", "inlineScript".to_string()),
                ("inlineScript", format!("az webapp deploy --resource-group rg-{repo} --name {repo} --src-path $(Pipeline.Workspace)/drop/app.zip")),
            ],
        ));
        v.push(Step::task(
            "AzureWebApp@1",
            None,
            &[
                ("azureSubscription", azure_conn.clone()),
                ("appName", repo.to_string()),
            ],
        ));
    } else if suffix == "security" {
        v.push(Step::task(
            "AdvancedSecurity-Codeql-Init@1",
            None,
            &[(
                "languages",
                lang.codeql
                    .split('-')
                    .next()
                    .unwrap_or("csharp")
                    .to_string(),
            )],
        ));
        v.push(Step::task("AdvancedSecurity-Codeql-Autobuild@1", None, &[]));
        v.push(Step::task(
            "AdvancedSecurity-Dependency-Scanning@1",
            None,
            &[],
        ));
        v.push(Step::task("AdvancedSecurity-Codeql-Analyze@1", None, &[]));
    } else if suffix == "docker" {
        let registry = p
            .connections
            .iter()
            .find(|c| c.r#type == "dockerregistry")
            .map_or_else(
                || format!("acr-{}", p.name.to_ascii_lowercase()),
                |c| c.name.clone(),
            );
        v.push(Step::task(
            "Docker@2",
            Some("Build and push"),
            &[
                ("command", "buildAndPush".to_string()),
                ("containerRegistry", registry),
                ("repository", repo.to_string()),
            ],
        ));
    }
    let (task, inputs) = setup_task(lang);
    v.push(Step::task(
        task,
        None,
        &inputs
            .iter()
            .map(|(k, v)| (*k, (*v).to_string()))
            .collect::<Vec<_>>(),
    ));
    // Risky scripts, early enough to survive trimming.
    if rng.chance(((1.0 - pc) * 0.03).clamp(0.003, 0.025)) {
        let (shell, text) = *rng.pick(&[
            ("script", "curl -sL https://aka.ms/InstallAzureCLIDeb | sudo bash"),
            ("bash", "curl -fsSL https://get.docker.com | sh"),
            ("powershell", "iex (New-Object Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1')"),
        ]);
        v.push(Step::script(shell, "Install tooling", text, &[]));
    }
    if rng.chance(0.06) {
        let (text, input) = if pr && rng.chance(0.5) {
            (
                "echo \"Validating $(System.PullRequest.SourceBranch)\"\n./build/validate.sh \"$(System.PullRequest.SourceBranch)\"",
                "System.PullRequest.SourceBranch",
            )
        } else {
            (
                "echo \"##vso[build.updatebuildnumber]$(Build.SourceBranchName)-$(Build.BuildId)\"",
                "Build.SourceBranchName",
            )
        };
        v.push(Step::script("script", "Set build number", text, &[input]));
    }
    v.push(Step::script("script", "Install", lang.install, &[]));
    v.push(Step::script(
        "script",
        "Build",
        format!("{}\necho \"Built $(Build.BuildNumber)\"", lang.build),
        &[],
    ));
    if rng.chance(0.05) {
        let mut st = Step::blank("template");
        if rng.chance(0.6) {
            let path = "templates/steps/build.yml";
            st.uses = s(path);
            st.action_path = s(path);
            st.ref_kind = Some("local");
        } else {
            st.uses = s("steps/scan.yml@templates");
            st.action_path = s("steps/scan.yml");
            st.action_owner = s(&p.name);
            st.action_repo = s("pipeline-templates");
            st.action_ref = s("refs/heads/main");
            st.ref_kind = Some("branch");
        }
        st.with = map([("configuration", "Release")]);
        v.push(st);
    }
    v.push(Step::script("script", "Test", lang.test, &[]));
    v.push(Step::task(
        "PublishTestResults@2",
        None,
        &[
            ("testResultsFormat", "JUnit".to_string()),
            ("testResultsFiles", "**/TEST-*.xml".to_string()),
        ],
    ));
    if rng.chance(0.3) {
        v.push(Step::task(
            "SonarQubePrepare@6",
            None,
            &[
                ("SonarQube", "sonarcloud".to_string()),
                ("scannerMode", "CLI".to_string()),
            ],
        ));
    }
    v.push(Step::task(
        "CopyFiles@2",
        None,
        &[
            ("Contents", "**/bin/**".to_string()),
            (
                "TargetFolder",
                "$(Build.ArtifactStagingDirectory)".to_string(),
            ),
        ],
    ));
    let mut publish = Step::task(
        "PublishPipelineArtifact@1",
        None,
        &[
            (
                "targetPath",
                "$(Build.ArtifactStagingDirectory)".to_string(),
            ),
            ("artifact", "drop".to_string()),
        ],
    );
    if rng.chance(0.1) {
        publish.env = map([("SYSTEM_ACCESSTOKEN", "$(System.AccessToken)")]);
    }
    v.push(publish);
    v.push(Step::script(
        "pwsh",
        "Summary",
        "Write-Host \"Pipeline finished\"",
        &[],
    ));
    v
}
