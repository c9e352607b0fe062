//! `pipelines`: one row per workflow file, action file or pipeline definition.

use serde::{Deserialize, Serialize};

/// A resource a pipeline declares (Azure Pipelines `resources`, GitLab `include`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PipelineResource {
    /// `repository`, `pipeline`, `container`, `include`, `template`.
    pub kind: Option<String>,
    /// Alias or name.
    pub name: Option<String>,
    /// Where it comes from (repository name, image, project, file).
    pub source: Option<String>,
    /// Ref or version, when pinned.
    pub r#ref: Option<String>,
}

table! {
    /// Workflow file, action definition, or pipeline definition (YAML or classic).
    pipelines => PipelineRow, keys [project, repo] {
        /// Stable id: definition id on Azure DevOps, workflow id on GitHub, else the file path.
        pipeline_id: text() => Option<String>,
        /// Workflow or pipeline name.
        name: text() => Option<String>,
        /// File path inside the repository (NULL for classic pipelines).
        path: text() => Option<String>,
        /// `github_workflow`, `github_action`, `azure_yaml`, `azure_classic` or `gitlab_ci`.
        kind: text() => Option<String>,
        /// Normalised trigger events (`push`, `pull_request`, `pull_request_target`, `workflow_run`, `pr`, `schedule`, `manual`, …).
        triggers: text_list() => Option<Vec<String>>,
        /// Top-level token permissions: `unset`, `read-all`, `write-all`, `none` or `scoped`.
        permissions_mode: text() => Option<String>,
        /// Top-level per-scope token permissions (`contents` → `read`); NULL unless `scoped`.
        top_level_permissions: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Azure DevOps job authorization scope: `project` or `collection`.
        job_auth_scope: text() => Option<String>,
        /// Builds of pull requests from forks are enabled (Azure DevOps).
        fork_builds: boolean() => Option<bool>,
        /// Fork builds receive secrets (Azure DevOps `allowSecrets`).
        fork_secrets_allowed: boolean() => Option<bool>,
        /// Fork builds receive a full-access token (Azure DevOps `allowFullAccessToken`).
        fork_full_access_token: boolean() => Option<bool>,
        /// Default agent pool or queue of the pipeline.
        pool: text() => Option<String>,
        /// Top-level environment variables.
        env: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Variable groups referenced (Azure Pipelines).
        variable_groups: text_list() => Option<Vec<String>>,
        /// Template this pipeline `extends` (Azure Pipelines).
        extends: text() => Option<String>,
        /// Declared resources and includes.
        resources: struct_list(&["kind", "name", "source", "ref"]) => Option<Vec<PipelineResource>>,
        /// When the pipeline last ran.
        last_run_at: timestamp() => Option<String>,
        /// Why the file could not be parsed; NULL when it parsed.
        parse_error: text() => Option<String>,
        /// Line (from 1) of the definition's first top-level key in the file; NULL when not read
        /// from a file or the file did not parse.
        line: int() => Option<i64>,
        /// Each top-level key of the file (`on`, `permissions`, `env`, `jobs`, `trigger`, `pr`,
        /// `variables`, `extends`, `stages`, every GitLab key, …) → the line (from 1) it is on:
        /// `key_lines['permissions']`.
        key_lines: int_map() => Option<std::collections::BTreeMap<String, i64>>,
        /// Each trigger of `triggers` → the line (from 1) where it is declared: the event under
        /// `on:` (the `on:` line for `on: push`), Azure `trigger` / `pr` / `schedules` / the
        /// resource's `trigger`, GitLab `workflow:rules` or job `rules` / `only` entries.
        /// Triggers that are on by default (Azure `trigger` / `pr` when absent, a GitLab job
        /// without rules) have no entry: `trigger_lines['pull_request_target']`.
        trigger_lines: int_map() => Option<std::collections::BTreeMap<String, i64>>,
    }
}
