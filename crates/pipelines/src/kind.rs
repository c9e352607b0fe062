//! Which parser a file needs: detection from the path (`.github/workflows/*.yml`,
//! `action.yml`, `azure-pipelines.yml`, `.gitlab-ci.yml`, ...) and, for a generic `*.yml`, from
//! its content and the platform it came from; the platform a kind belongs to; and a cheap,
//! line-based sniff of Azure Pipelines files by their top-level keys, so checkouts are searched
//! for them anywhere without parsing every YAML file.

use yaml_serde::Value;

use crate::yaml;

/// The values of `pipelines.kind`.
pub mod kinds {
    /// A GitHub Actions workflow.
    pub const GITHUB_WORKFLOW: &str = "github_workflow";
    /// A GitHub action definition (`action.yml`).
    pub const GITHUB_ACTION: &str = "github_action";
    /// An Azure Pipelines YAML definition or template.
    pub const AZURE_YAML: &str = "azure_yaml";
    /// A GitLab CI configuration.
    pub const GITLAB_CI: &str = "gitlab_ci";
}

/// Whether a file name ends in `.yml` or `.yaml` (any case).
pub(crate) fn is_yaml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// The kind of pipeline file a path names, from the path alone: GitHub workflows directly in
/// `.github/workflows/`, `action.yml|yaml` anywhere, `.gitlab-ci.yml` (and `*.gitlab-ci.yml`),
/// and Azure Pipelines files (`azure-pipelines*.yml`, `.azure-pipelines*.yml`, anything in an
/// `.azure-pipelines/` or `.azuredevops/` directory, legacy `.vsts-*.yml`). `None` for other
/// files, whose kind [`crate::parse_file`] decides from the content.
pub fn detect_kind(path: &str) -> Option<&'static str> {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let name = parts.pop()?;
    if !is_yaml(name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let parent = parts.last().map(|p| p.to_ascii_lowercase());
    let grandparent = parts
        .len()
        .checked_sub(2)
        .and_then(|i| parts.get(i))
        .map(|p| p.to_ascii_lowercase());
    if parent.as_deref() == Some("workflows") && grandparent.as_deref() == Some(".github") {
        return Some(kinds::GITHUB_WORKFLOW);
    }
    if lower == "action.yml" || lower == "action.yaml" {
        return Some(kinds::GITHUB_ACTION);
    }
    if lower == ".gitlab-ci.yml" || lower.ends_with(".gitlab-ci.yml") {
        return Some(kinds::GITLAB_CI);
    }
    if lower.starts_with("azure-pipelines")
        || lower.starts_with(".azure-pipelines")
        || lower.starts_with(".vsts-")
        || parts.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p == ".azure-pipelines" || p == ".azuredevops" || p == ".pipelines"
        })
    {
        return Some(kinds::AZURE_YAML);
    }
    None
}

/// Whether a repository path is a pipeline file a collector should fetch and parse.
pub fn is_pipeline_path(path: &str) -> bool {
    detect_kind(path).is_some()
}

/// The platform (`github`, `azure_devops`, `gitlab`) whose format a kind is.
pub(crate) fn platform_of(kind: &str) -> Option<&'static str> {
    use devquery_model::platform;
    match kind {
        kinds::GITHUB_WORKFLOW | kinds::GITHUB_ACTION => Some(platform::GITHUB),
        kinds::AZURE_YAML => Some(platform::AZURE_DEVOPS),
        kinds::GITLAB_CI => Some(platform::GITLAB),
        _ => None,
    }
}

/// The kind a platform's files default to when neither path nor content decides.
pub(crate) fn platform_default(platform: &str) -> Option<&'static str> {
    match platform {
        devquery_model::platform::GITHUB => Some(kinds::GITHUB_WORKFLOW),
        devquery_model::platform::AZURE_DEVOPS => Some(kinds::AZURE_YAML),
        devquery_model::platform::GITLAB => Some(kinds::GITLAB_CI),
        _ => None,
    }
}

/// The kind of a generic YAML file from its content, with the platform as a tie-breaker.
pub(crate) fn sniff(docs: &[Value], platform: &str) -> Option<&'static str> {
    let doc = yaml::first_doc(docs);
    let has = |k: &str| yaml::get(doc, k).is_some();
    if has("runs") && !has("jobs") {
        return Some(kinds::GITHUB_ACTION);
    }
    if let Some(kind) = platform_default(platform) {
        return Some(kind);
    }
    if has("on") && has("jobs") {
        return Some(kinds::GITHUB_WORKFLOW);
    }
    let seq_of_maps = |k: &str| {
        yaml::get(doc, k)
            .and_then(Value::as_sequence)
            .is_some_and(|s| s.iter().any(Value::is_mapping))
    };
    if ["trigger", "pr", "pool", "extends", "resources", "schedules"]
        .iter()
        .any(|k| has(k))
        || seq_of_maps("stages")
        || seq_of_maps("jobs")
        || seq_of_maps("steps")
    {
        return Some(kinds::AZURE_YAML);
    }
    let gitlab_job = doc.as_mapping().is_some_and(|m| {
        m.values()
            .any(|v| yaml::get(v, "script").is_some() || yaml::get(v, "trigger").is_some())
    });
    if gitlab_job || has("include") || has("workflow") {
        return Some(kinds::GITLAB_CI);
    }
    if has("on") || has("jobs") {
        return Some(kinds::GITHUB_WORKFLOW);
    }
    None
}

/// Keys that start an Azure Pipelines step item (`- script: ...`).
const AZURE_STEP_KEYS: &[&str] = &[
    "script",
    "bash",
    "pwsh",
    "powershell",
    "task",
    "checkout",
    "template",
    "download",
    "downloadBuild",
    "getPackage",
    "publish",
    "reviewApp",
];

/// Keys that start an Azure Pipelines job item.
const AZURE_JOB_KEYS: &[&str] = &["job", "deployment", "template"];

/// Keys that start an Azure Pipelines stage item.
const AZURE_STAGE_KEYS: &[&str] = &["stage", "template"];

/// Keys of an Azure `trigger:` / `pr:` mapping.
const AZURE_TRIGGER_KEYS: &[&str] = &["branches", "paths", "tags", "batch", "autoCancel", "drafts"];

/// Top-level keys that, next to an Azure-shaped `trigger:` or `pr:`, make a pipeline.
const AZURE_COMPANION_KEYS: &[&str] = &[
    "pool",
    "variables",
    "resources",
    "schedules",
    "name",
    "parameters",
    "lockBehavior",
    "appendCommitMessageToRunName",
    "trigger",
    "pr",
];

/// A top-level key of a YAML text: its inline value and the lines of its block.
struct TopKey<'a> {
    key: &'a str,
    value: &'a str,
    body: Vec<&'a str>,
}

/// Whether a YAML text has the shape of an Azure Pipelines definition or template, judged
/// line by line from its top-level keys (no YAML parsing; a leading BOM is ignored): `stages`
/// listing `- stage:` items, `jobs` listing `- job:` / `- deployment:` items, `steps` listing
/// Azure steps (`- script:`, `- task:`, `- bash:`, `- pwsh:`, `- checkout:`, ...), any of them
/// listing `- template:` items (also inside `${{ if }}` / `${{ each }}` items), an `extends`
/// mapping with a `template`, or an Azure-shaped `trigger` / `pr` (`none`, a branch list, or
/// `branches` / `paths` / `tags` / `batch` keys) next to another pipeline key (`pool`,
/// `variables`, `resources`, ...). GitLab CI (`stages:` of plain names), Google Cloud Build
/// (`steps: - name:`), docker-compose, Kubernetes manifests and Helm charts do not match.
pub(crate) fn looks_like_azure(text: &str) -> bool {
    let keys = top_level_keys(text);
    let structural = keys.iter().any(|t| match t.key {
        "stages" => items_start_with(&t.body, AZURE_STAGE_KEYS),
        "jobs" => items_start_with(&t.body, AZURE_JOB_KEYS),
        "steps" => items_start_with(&t.body, AZURE_STEP_KEYS),
        "extends" => {
            t.value.contains("template:")
                || t.body
                    .iter()
                    .any(|l| mapping_key(l.trim_start()).is_some_and(|(k, _)| k == "template"))
        }
        _ => false,
    });
    structural
        || keys.iter().any(|t| {
            (t.key == "trigger" || t.key == "pr")
                && azure_trigger(t)
                && keys
                    .iter()
                    .any(|o| o.key != t.key && AZURE_COMPANION_KEYS.contains(&o.key))
        })
}

/// Whether a YAML text has the shape of a GitHub Actions workflow wherever it is stored (a
/// directory of exported workflows, a renamed copy): a top-level `on` (also quoted, or `true`
/// as YAML 1.1 reads it) and a top-level `jobs` mapping of job ids (not a list, which is Azure's
/// shape). Judged line by line like [`looks_like_azure`].
pub(crate) fn looks_like_github_workflow(text: &str) -> bool {
    let keys = top_level_keys(text);
    let on = keys.iter().any(|t| matches!(t.key, "on" | "true"));
    let jobs = keys.iter().any(|t| {
        t.key == "jobs"
            && t.value.is_empty()
            && t.body.first().is_some_and(|l| {
                let l = l.trim_start();
                !is_item(l) && mapping_key(l).is_some()
            })
    });
    on && jobs
}

/// Splits a YAML text into its top-level keys (column 0), each with the lines below it.
fn top_level_keys(text: &str) -> Vec<TopKey<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out: Vec<TopKey<'_>> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") {
            open = false;
            continue;
        }
        let at_column_0 = trimmed.len() == line.len();
        if at_column_0 && !is_item(trimmed) {
            match mapping_key(line) {
                Some((key, value)) => {
                    out.push(TopKey {
                        key,
                        value,
                        body: Vec::new(),
                    });
                    open = true;
                }
                None => open = false,
            }
            continue;
        }
        if open && let Some(last) = out.last_mut() {
            last.body.push(line);
        }
    }
    out
}

/// Whether a (left-trimmed) line is a block sequence item (`- x` or a lone `-`).
fn is_item(trimmed: &str) -> bool {
    trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t")
}

/// The key and inline value of a `key: value` line (left-trimmed), comments removed; `None`
/// when the line is not a mapping entry.
fn mapping_key(line: &str) -> Option<(&str, &str)> {
    let (key, rest) = match line.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = line.get(1..)?;
            let end = inner.find(q)?;
            (inner.get(..end)?, inner.get(end + 1..)?.strip_prefix(':')?)
        }
        _ => {
            let bytes = line.as_bytes();
            let colon = (0..bytes.len()).find(|&i| {
                bytes[i] == b':' && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t'))
            })?;
            (line.get(..colon)?, line.get(colon + 1..)?)
        }
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let value = rest.trim();
    let value = match value.find(" #") {
        Some(i) => value.get(..i).unwrap_or(value).trim_end(),
        None if value.starts_with('#') => "",
        None => value,
    };
    Some((key.trim(), value))
}

/// Whether the block is a sequence whose items start with one of `keys`: items at the
/// block's own indentation, and items nested in a `${{ if }}` / `${{ each }}` item. A block
/// that is a mapping (its first line is not an item) never matches.
fn items_start_with(body: &[&str], keys: &[&str]) -> bool {
    if !body.first().is_some_and(|l| is_item(l.trim_start())) {
        return false;
    }
    let mut item_indent: Option<usize> = None;
    let mut in_conditional = false;
    for line in body {
        let trimmed = line.trim_start();
        if !is_item(trimmed) {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let item = trimmed.get(1..).unwrap_or_default().trim_start();
        let key = mapping_key(item).map(|(k, _)| k);
        let base = *item_indent.get_or_insert(indent);
        if indent <= base {
            in_conditional = key.is_some_and(|k| k.starts_with("${{"));
        } else if !in_conditional {
            continue;
        }
        if key.is_some_and(|k| keys.contains(&k)) {
            return true;
        }
    }
    false
}

/// Whether a top-level `trigger:` / `pr:` has an Azure shape: `none`, a flow list, a block
/// list of plain branch names, or a mapping with `branches` / `paths` / `tags` / ... keys.
fn azure_trigger(t: &TopKey<'_>) -> bool {
    match t.value {
        "none" => return true,
        v if v.starts_with('[') => return true,
        "" => {}
        _ => return false,
    }
    t.body.iter().any(|l| {
        let s = l.trim_start();
        if is_item(s) {
            mapping_key(s.get(1..).unwrap_or_default().trim_start()).is_none()
        } else {
            mapping_key(s).is_some_and(|(k, _)| AZURE_TRIGGER_KEYS.contains(&k))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_path() {
        assert_eq!(
            detect_kind(".github/workflows/ci.yml"),
            Some(kinds::GITHUB_WORKFLOW)
        );
        assert_eq!(
            detect_kind("a/.github/workflows/ci.YAML"),
            Some(kinds::GITHUB_WORKFLOW)
        );
        assert_eq!(detect_kind(".github/workflows/sub/ci.yml"), None);
        assert_eq!(detect_kind("x/action.yaml"), Some(kinds::GITHUB_ACTION));
        assert_eq!(detect_kind(".gitlab-ci.yml"), Some(kinds::GITLAB_CI));
        assert_eq!(detect_kind("azure-pipelines.yml"), Some(kinds::AZURE_YAML));
        assert_eq!(
            detect_kind(".azure-pipelines/build.yml"),
            Some(kinds::AZURE_YAML)
        );
        assert_eq!(detect_kind("build/ci.yml"), None);
        assert_eq!(detect_kind("README.md"), None);
        assert!(is_pipeline_path(
            "scripts/azure-pipelines/linux/azure-pipelines.yml"
        ));
    }

    #[test]
    fn platform_of_each_kind() {
        assert_eq!(platform_of(kinds::GITHUB_WORKFLOW), Some("github"));
        assert_eq!(platform_of(kinds::GITHUB_ACTION), Some("github"));
        assert_eq!(platform_of(kinds::AZURE_YAML), Some("azure_devops"));
        assert_eq!(platform_of(kinds::GITLAB_CI), Some("gitlab"));
        assert_eq!(platform_of("other"), None);
    }

    #[test]
    fn azure_files_are_recognised_by_shape() {
        let azure = [
            // A definition with stages.
            "trigger:\n  branches:\n    include: [main]\nstages:\n- stage: Build\n  jobs:\n  - job: A\n",
            // Jobs, indented items, comments and a BOM.
            "\u{feff}# CI\npr: none\njobs:\n  # the build\n  - job: build\n    steps:\n      - script: make\n",
            // Deployment jobs.
            "jobs:\n- deployment: Deploy\n  environment: prod\n",
            // Steps only (a steps template with parameters).
            "parameters:\n- name: x\n  type: string\nsteps:\n- task: NuGetCommand@2\n",
            "steps:\n  - pwsh: ./build.ps1\n",
            "steps:\n- checkout: self\n- bash: echo hi\n",
            // Template items, also inside a conditional.
            "stages:\n- template: stages/build.yml\n",
            "jobs:\n- ${{ if eq(parameters.run, true) }}:\n  - job: conditional\n",
            "jobs:\n- ${{ each j in parameters.jobs }}:\n  - template: job.yml\n",
            // 1ES / governance pipelines.
            "trigger: none\nextends:\n  template: v1/1ES.Official.PipelineTemplate.yml@1esPipelines\n",
            "extends: { template: pipeline.yml }\n",
            // An Azure trigger next to another pipeline key (steps in flow style).
            "trigger:\n- main\npool:\n  vmImage: ubuntu-latest\nsteps: [{script: make}]\n",
            "---\nname: $(Date:yyyyMMdd)\npr:\n  branches:\n    include: ['*']\n",
            "'stages':\n  - 'stage': quoted\n",
        ];
        for text in azure {
            assert!(looks_like_azure(text), "{text}");
        }
    }

    #[test]
    fn other_yaml_is_not_taken_for_azure() {
        let other = [
            // GitLab CI: stages are plain names, jobs are top-level keys.
            "stages:\n  - build\n  - test\nbuild:\n  stage: build\n  script:\n    - make\n",
            "stages: [build, test]\ninclude:\n  - template: Security/SAST.gitlab-ci.yml\n",
            // Google Cloud Build.
            "steps:\n- name: gcr.io/cloud-builders/docker\n  args: ['build', '.']\n  script: echo\n",
            // docker-compose.
            "version: '3'\nservices:\n  web:\n    image: nginx\n    extends:\n      service: base\n",
            // Kubernetes manifest and a Helm chart.
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    spec: {}\n",
            "apiVersion: v2\nname: chart\nversion: 1.0.0\ndependencies:\n  - name: redis\n",
            // A GitHub workflow outside .github/workflows, and a composite action.
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
            "runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n",
            // Drone / Woodpecker / Buildkite steps.
            "kind: pipeline\nsteps:\n- name: test\n  commands:\n  - make\n",
            "steps:\n  - label: test\n    command: make\n  - wait\n",
            // ESLint config extending presets.
            "extends:\n  - eslint:recommended\n  - plugin:template/recommended\n",
            // A trigger alone, or next to nothing Azure.
            "trigger: none\n",
            "trigger:\n  branches:\n    include: [main]\nservices:\n  db: {}\n",
            // Nested steps under a non-conditional item are not the block's own items.
            "steps:\n- name: x\n  args:\n  - script: y\n",
            // A mapping of jobs whose nested lists hold Azure-like items.
            "jobs:\n  build:\n    steps:\n      - template: x\n      - script: y\n",
            // Empty and odd texts.
            "",
            "\u{feff}",
            "- hosts: all\n  tasks:\n  - shell: echo\n",
            "key: \"unterminated\n",
        ];
        for text in other {
            assert!(!looks_like_azure(text), "{text}");
        }
    }

    #[test]
    fn github_workflows_by_shape() {
        let workflows = [
            "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
            "\u{feff}'on':\n  pull_request_target:\njobs:\n  t:\n    steps: []\n",
            "\"on\": [push]\n# jobs\njobs:\n  # first\n  a:\n    uses: o/r/.github/workflows/x.yml@v1\n",
        ];
        for text in workflows {
            assert!(looks_like_github_workflow(text), "{text}");
        }
        let other = [
            // Azure: jobs is a list.
            "trigger: none\njobs:\n- job: a\n  steps: []\n",
            // An action, a compose file, a workflow without jobs.
            "name: a\nruns:\n  using: node20\n",
            "services:\n  db:\n    image: postgres\n",
            "on: push\n",
        ];
        for text in other {
            assert!(!looks_like_github_workflow(text), "{text}");
        }
    }
}
