//! Targeted fixtures, one assertion group per extracted field.

use devquery_model::tables::pipeline_jobs::PipelineJobRow;
use devquery_model::tables::pipeline_steps::PipelineStepRow;
use devquery_pipelines::{FileContext, ParsedPipeline, detect_kind, is_pipeline_path, parse_file};

use crate::common::fixture;

fn parse(platform: &str, path: &str, fixture_name: &str) -> ParsedPipeline {
    let ctx = FileContext {
        platform: platform.to_string(),
        host: Some("example.test".into()),
        org: Some("octo".into()),
        project: None,
        repo: Some("demo".into()),
        pipeline_id: None,
    };
    parse_file(&ctx, path, &fixture(fixture_name))
}

fn job<'a>(p: &'a ParsedPipeline, id: &str) -> &'a PipelineJobRow {
    p.jobs
        .iter()
        .find(|j| j.job_id.as_deref() == Some(id))
        .unwrap_or_else(|| {
            panic!(
                "no job {id}: {:?}",
                p.jobs.iter().map(|j| &j.job_id).collect::<Vec<_>>()
            )
        })
}

fn steps<'a>(p: &'a ParsedPipeline, id: &str) -> Vec<&'a PipelineStepRow> {
    p.steps
        .iter()
        .filter(|s| s.job_id.as_deref() == Some(id))
        .collect()
}

fn strs(v: &[&str]) -> Option<Vec<String>> {
    Some(v.iter().map(|s| s.to_string()).collect())
}

#[test]
fn pwn_request_pull_request_target_with_head_checkout() {
    let p = parse(
        "github",
        ".github/workflows/pr.yml",
        "github/pwn_request.yml",
    );
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(p.pipeline.kind.as_deref(), Some("github_workflow"));
    assert_eq!(
        p.pipeline.pipeline_id.as_deref(),
        Some(".github/workflows/pr.yml")
    );
    assert_eq!(p.pipeline.name.as_deref(), Some("Build PR"));
    assert_eq!(p.pipeline.triggers, strs(&["pull_request_target"]));
    assert_eq!(p.pipeline.permissions_mode.as_deref(), Some("write-all"));
    assert_eq!(p.pipeline.org.as_deref(), Some("octo"));
    let s = steps(&p, "build");
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].step_index, Some(0));
    assert_eq!(s[0].kind.as_deref(), Some("action"));
    assert_eq!(
        s[0].checkout_ref.as_deref(),
        Some("${{ github.event.pull_request.head.sha }}")
    );
    assert_eq!(s[0].checkout_pr_head, Some(true));
    assert_eq!(s[0].persist_credentials, Some(true));
    assert_eq!(s[0].ref_kind.as_deref(), Some("tag"));
    assert_eq!(s[1].kind.as_deref(), Some("run"));
    assert_eq!(s[1].untrusted_inputs, Some(vec![]));
    assert_eq!(s[2].ref_kind.as_deref(), Some("sha"));
    assert_eq!(s[2].persist_credentials, Some(false));
    assert_eq!(
        s[2].checkout_pr_head,
        Some(true),
        "repository: head.repo.full_name"
    );
    let j = job(&p, "build");
    assert_eq!(j.secrets_referenced, strs(&["NPM_TOKEN"]));
    assert_eq!(j.self_hosted, Some(false));
    assert_eq!(j.permissions_mode.as_deref(), Some("unset"));
}

#[test]
fn template_injection_and_triggers() {
    let p = parse(
        "github",
        ".github/workflows/triage.yml",
        "github/injection.yml",
    );
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(
        p.pipeline.triggers,
        strs(&[
            "issues",
            "issue_comment",
            "workflow_run",
            "schedule",
            "workflow_dispatch"
        ])
    );
    assert_eq!(p.pipeline.permissions_mode.as_deref(), Some("unset"));
    let j = job(&p, "triage");
    assert_eq!(j.runs_on, strs(&["self-hosted", "linux"]));
    assert_eq!(j.self_hosted, Some(true));
    assert_eq!(j.permissions_mode.as_deref(), Some("scoped"));
    let perms = j.permissions.clone().unwrap();
    assert_eq!(perms.get("issues").map(String::as_str), Some("write"));
    assert_eq!(perms.get("contents").map(String::as_str), Some("read"));
    assert_eq!(j.secrets_referenced, strs(&["*", "GUARD"]));
    assert!(
        j.if_condition
            .as_deref()
            .unwrap()
            .contains("pull_request == null")
    );
    let s = steps(&p, "triage");
    assert_eq!(
        s[0].untrusted_inputs,
        strs(&[
            "github.event.issue.title",
            "github.head_ref",
            "github.event.commits.*.message"
        ])
    );
    assert_eq!(
        s[1].untrusted_inputs,
        Some(vec![]),
        "env indirection is safe"
    );
    assert_eq!(
        s[1].env.as_ref().unwrap()["BODY"],
        "${{ github.event.issue.body }}"
    );
    assert_eq!(s[2].uses.as_deref(), Some("actions/github-script@v7"));
    assert_eq!(s[2].untrusted_inputs, strs(&["github.event.comment.body"]));
    assert!(s[2].script.as_deref().unwrap().contains("console.log"));
}

#[test]
fn jobs_runners_containers_and_uses_refs() {
    let p = parse("github", ".github/workflows/jobs.yml", "github/jobs.yml");
    assert_eq!(p.pipeline.triggers, strs(&["push", "pull_request"]));
    assert_eq!(p.pipeline.permissions_mode.as_deref(), Some("none"));
    assert_eq!(p.pipeline.top_level_permissions, None);
    assert_eq!(
        p.pipeline.env.as_ref().unwrap()["GLOBAL"],
        "${{ secrets.GLOBAL_SECRET }}"
    );

    let m = job(&p, "matrix");
    assert_eq!(
        m.runs_on,
        strs(&["ubuntu-latest", "windows-2022", "macos-14"])
    );
    assert_eq!(m.self_hosted, Some(false));
    assert_eq!(m.permissions_mode.as_deref(), Some("read-all"));
    assert_eq!(m.secrets_referenced, strs(&["GLOBAL_SECRET"]));
    let s = steps(&p, "matrix");
    let kinds: Vec<_> = s.iter().map(|s| s.ref_kind.as_deref()).collect();
    assert_eq!(
        kinds,
        vec![Some("local"), Some("docker"), Some("branch"), Some("tag")]
    );
    assert_eq!(s[0].action_path.as_deref(), Some("./.github/actions/setup"));
    assert_eq!(s[1].action_repo.as_deref(), Some("alpine"));
    assert_eq!(s[1].action_ref.as_deref(), Some("3.19"));
    assert_eq!(s[2].action_owner.as_deref(), Some("octo-org"));
    assert_eq!(s[2].action_repo.as_deref(), Some("tools"));
    assert_eq!(s[2].action_path.as_deref(), Some("lint"));
    assert_eq!(s[2].action_ref.as_deref(), Some("main"));
    assert_eq!(s[3].action_ref.as_deref(), Some("v4.1.0"));

    let c = job(&p, "container");
    assert_eq!(c.container_image.as_deref(), Some("ghcr.io/org/build:1"));
    assert_eq!(c.container_password_literal, Some(true));
    assert_eq!(c.services, strs(&["postgres:16", "redis:7"]));
    assert_eq!(c.environment.as_deref(), Some("production"));
    assert_eq!(c.needs, strs(&["matrix"]));
    assert_eq!(c.env.as_ref().unwrap()["MODE"], "ci");
    assert_eq!(c.secrets_referenced, strs(&["DEPLOY_KEY", "GLOBAL_SECRET"]));
    assert_eq!(steps(&p, "container")[0].shell.as_deref(), Some("bash"));

    let call = job(&p, "call");
    assert_eq!(
        call.reusable_workflow.as_deref(),
        Some("octo-org/shared/.github/workflows/deploy.yml@v2")
    );
    assert_eq!(call.secrets_inherit, Some(true));
    // `secrets: inherit` passes secrets on; it serialises none (no `*`).
    assert_eq!(call.secrets_referenced, strs(&["GLOBAL_SECRET"]));
    assert_eq!(call.permissions_mode.as_deref(), Some("scoped"));
    assert_eq!(steps(&p, "call").len(), 0);

    let g = job(&p, "group");
    assert_eq!(g.runs_on, strs(&["group:big-runners", "linux-x64-large"]));
    assert_eq!(g.self_hosted, Some(true));

    // One malformed step: an error naming it, the other steps still extracted.
    let err = p.pipeline.parse_error.as_deref().unwrap();
    assert!(err.contains("jobs.broken"), "{err}");
    let b = steps(&p, "broken");
    assert_eq!(b.len(), 3);
    assert_eq!(b[0].persist_credentials, Some(true));
    assert_eq!(b[1].ref_kind, None);
    assert_eq!(
        b[2].untrusted_inputs,
        strs(&["github.event.pull_request.title"])
    );
}

#[test]
fn composite_action() {
    let p = parse("github", "action.yml", "github/action.yml");
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(p.pipeline.kind.as_deref(), Some("github_action"));
    assert_eq!(p.pipeline.name.as_deref(), Some("Composite"));
    let s = steps(&p, "action");
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[0].untrusted_inputs,
        strs(&["github.event.pull_request.head.ref"])
    );
    assert_eq!(s[0].shell.as_deref(), Some("bash"));
    assert_eq!(s[1].uses.as_deref(), Some("actions/cache@v4"));
}

#[test]
fn azure_pipeline() {
    let p = parse(
        "azure_devops",
        "azure-pipelines.yml",
        "azure/azure-pipelines.yml",
    );
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(p.pipeline.kind.as_deref(), Some("azure_yaml"));
    assert_eq!(p.pipeline.triggers, strs(&["push", "schedule", "pipeline"]));
    assert_eq!(p.pipeline.pool.as_deref(), Some("Contoso-Private"));
    assert_eq!(p.pipeline.variable_groups, strs(&["release-secrets"]));
    assert_eq!(p.pipeline.env.as_ref().unwrap()["Configuration"], "Release");
    let res = p.pipeline.resources.clone().unwrap();
    let kinds: Vec<_> = res
        .iter()
        .map(|r| (r.kind.clone().unwrap(), r.name.clone(), r.source.clone()))
        .collect();
    assert!(kinds.contains(&(
        "repository".into(),
        Some("templates".into()),
        Some("contoso/pipeline-templates".into())
    )));
    assert!(kinds.contains(&(
        "pipeline".into(),
        Some("upstream".into()),
        Some("Upstream-CI".into())
    )));
    assert!(kinds.contains(&(
        "container".into(),
        Some("builder".into()),
        Some("contoso.azurecr.io/builder:2".into())
    )));
    assert!(kinds.contains(&("template".into(), None, Some("vars/common.yml".into()))));
    assert!(kinds.contains(&("template".into(), None, Some("jobs/extra.yml".into()))));

    let c = job(&p, "Build.Compile");
    assert_eq!(c.stage.as_deref(), Some("Build"));
    assert_eq!(c.runs_on, strs(&["ubuntu-latest"]));
    assert_eq!(c.self_hosted, Some(false));
    assert_eq!(
        c.container_image.as_deref(),
        Some("contoso.azurecr.io/builder:2")
    );
    let s = steps(&p, "Build.Compile");
    let kinds: Vec<_> = s.iter().map(|s| s.kind.as_deref().unwrap_or("?")).collect();
    assert_eq!(
        kinds,
        vec![
            "checkout", "run", "run", "run", "run", "task", "template", "template", "run"
        ]
    );
    assert_eq!(s[0].persist_credentials, Some(true));
    assert_eq!(s[0].uses.as_deref(), Some("self"));
    assert_eq!(s[1].untrusted_inputs, strs(&["Build.SourceBranchName"]));
    assert_eq!(s[1].shell.as_deref(), Some("script"));
    assert_eq!(
        s[2].untrusted_inputs,
        strs(&["System.PullRequest.SourceBranch"])
    );
    assert_eq!(s[3].shell.as_deref(), Some("pwsh"));
    assert_eq!(s[5].uses.as_deref(), Some("AzureCLI@2"));
    assert_eq!(s[5].action_ref.as_deref(), Some("2"));
    assert_eq!(s[5].untrusted_inputs, strs(&["Build.SourceVersionMessage"]));
    assert_eq!(
        s[5].with.as_ref().unwrap()["azureSubscription"],
        "prod-connection"
    );
    assert_eq!(s[6].action_owner.as_deref(), Some("contoso"));
    assert_eq!(s[6].action_repo.as_deref(), Some("pipeline-templates"));
    assert_eq!(s[6].action_ref.as_deref(), Some("refs/tags/v1.2"));
    assert_eq!(s[6].ref_kind.as_deref(), Some("tag"));
    assert_eq!(s[6].with.as_ref().unwrap()["config"], "Release");
    assert_eq!(s[7].ref_kind.as_deref(), Some("local"));

    let t = job(&p, "Build.template1");
    assert_eq!(t.reusable_workflow.as_deref(), Some("jobs/extra.yml"));

    let d = job(&p, "Deploy.DeployWeb");
    assert_eq!(d.environment.as_deref(), Some("production"));
    assert_eq!(d.runs_on, strs(&["Default"]));
    assert_eq!(d.self_hosted, Some(true));
    let ds = steps(&p, "Deploy.DeployWeb");
    assert_eq!(ds.len(), 3);
    assert_eq!(ds[0].kind.as_deref(), Some("task"));
    assert_eq!(ds[0].uses.as_deref(), Some("download"));
    assert_eq!(ds[2].script.as_deref(), Some("./rollback.sh"));
    assert_eq!(ds[2].step_index, Some(2));
}

#[test]
fn azure_extends_and_templates() {
    let p = parse("azure_devops", "azure-pipelines.yml", "azure/extends.yml");
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(p.pipeline.triggers, strs(&["pr"]));
    assert_eq!(
        p.pipeline.extends.as_deref(),
        Some("v1/1ES.Official.PipelineTemplate.yml@1esPipelines")
    );
    let j = job(&p, "S.J");
    assert_eq!(j.self_hosted, Some(false));
    let s = steps(&p, "S.J");
    assert_eq!(s[0].kind.as_deref(), Some("checkout"));
    assert_eq!(s[0].persist_credentials, None);

    // A step template: generic name, kind from the platform, no triggers (the caller decides).
    let t = parse(
        "azure_devops",
        "build/steps-template.yml",
        "azure/steps-template.yml",
    );
    assert_eq!(t.pipeline.kind.as_deref(), Some("azure_yaml"));
    assert_eq!(t.pipeline.triggers, None);
    assert_eq!(t.steps.len(), 1);
}

#[test]
fn gitlab_ci() {
    let p = parse("gitlab", ".gitlab-ci.yml", "gitlab/.gitlab-ci.yml");
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(p.pipeline.kind.as_deref(), Some("gitlab_ci"));
    assert_eq!(p.pipeline.triggers, strs(&["pr", "push", "schedule"]));
    assert_eq!(p.pipeline.env.as_ref().unwrap()["DESCRIBED"], "x");
    let res = p.pipeline.resources.clone().unwrap();
    assert_eq!(res.len(), 3);
    assert_eq!(res[1].source.as_deref(), Some("group/templates:/build.yml"));
    assert_eq!(res[1].r#ref.as_deref(), Some("v1.0.0"));
    assert_eq!(p.jobs.len(), 3, "hidden jobs are templates, not jobs");

    let b = job(&p, "build");
    assert_eq!(b.stage.as_deref(), Some("build"));
    assert_eq!(b.container_image.as_deref(), Some("node:20"));
    assert_eq!(b.services, strs(&["postgres:16", "redis:7"]));
    assert_eq!(b.self_hosted, None);
    assert!(b.if_condition.as_deref().unwrap().starts_with("rules:"));
    let bs = steps(&p, "build");
    assert_eq!(bs.len(), 2);
    assert_eq!(bs[0].name.as_deref(), Some("before_script"));
    assert_eq!(bs[1].script.as_deref(), Some("npm ci\nnpm run build"));

    let u = job(&p, "unit");
    assert_eq!(u.stage.as_deref(), Some("test"));
    assert_eq!(u.container_image.as_deref(), Some("ruby:3.2"));
    assert_eq!(u.needs, strs(&["build"]));

    let d = job(&p, "deploy");
    assert_eq!(d.stage.as_deref(), Some("deploy"));
    assert_eq!(d.runs_on, strs(&["prod-runner"]));
    assert_eq!(d.self_hosted, Some(true));
    assert_eq!(d.environment.as_deref(), Some("production"));
    assert_eq!(d.secrets_referenced, strs(&["DATABASE_PASSWORD"]));
    assert_eq!(steps(&p, "deploy").len(), 3);
}

#[test]
fn malformed_files_give_parse_errors() {
    let p = parse("github", ".github/workflows/bad.yml", "broken/bad_yaml.yml");
    assert_eq!(p.pipeline.kind.as_deref(), Some("github_workflow"));
    assert!(
        p.pipeline
            .parse_error
            .as_deref()
            .unwrap()
            .starts_with("invalid YAML"),
        "{:?}",
        p.pipeline.parse_error
    );
    let p = parse("github", ".github/workflows/list.yml", "broken/list.yml");
    assert!(
        p.pipeline
            .parse_error
            .as_deref()
            .unwrap()
            .contains("not a mapping")
    );
    let p = parse("github", ".github/workflows/empty.yml", "broken/empty.yml");
    assert!(p.pipeline.parse_error.is_some());
    let p = parse("local", "notes/random.yml", "broken/list.yml");
    assert!(
        p.pipeline
            .parse_error
            .as_deref()
            .unwrap()
            .contains("unrecognised")
    );
}

#[test]
fn kind_detection_and_stable_ids() {
    assert_eq!(
        detect_kind(".github/workflows/ci.yml"),
        Some("github_workflow")
    );
    assert_eq!(detect_kind("tools/action.yaml"), Some("github_action"));
    assert_eq!(detect_kind(".gitlab-ci.yml"), Some("gitlab_ci"));
    assert_eq!(detect_kind("azure-pipelines.yml"), Some("azure_yaml"));
    assert!(!is_pipeline_path("src/main.rs"));
    let ctx = FileContext {
        pipeline_id: Some("42".into()),
        ..FileContext::new("azure_devops")
    };
    let p = parse_file(&ctx, "build/ci.yml", "steps:\n  - script: echo\n");
    assert_eq!(p.pipeline.pipeline_id.as_deref(), Some("42"));
    assert_eq!(p.steps[0].pipeline_id.as_deref(), Some("42"));
    assert_eq!(p.pipeline.kind.as_deref(), Some("azure_yaml"));
}
