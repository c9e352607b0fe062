//! `pipeline_jobs`: one row per job of a pipeline.

table! {
    /// Job of a workflow or pipeline (a GitLab job, an Azure Pipelines job or deployment).
    pipeline_jobs => PipelineJobRow, keys [project, repo] {
        /// Pipeline id (joins `pipelines.pipeline_id`).
        pipeline_id: text() => Option<String>,
        /// File path of the pipeline.
        path: text() => Option<String>,
        /// Job id (key in the file).
        job_id: text() => Option<String>,
        /// Display name.
        name: text() => Option<String>,
        /// Stage the job belongs to (Azure Pipelines, GitLab).
        stage: text() => Option<String>,
        /// Runner labels, pool name or GitLab tags.
        runs_on: text_list() => Option<Vec<String>>,
        /// The job runs on a self-hosted runner or pool.
        self_hosted: boolean() => Option<bool>,
        /// Job-level token permissions: `unset`, `read-all`, `write-all`, `none` or `scoped`.
        permissions_mode: text() => Option<String>,
        /// Job-level per-scope token permissions.
        permissions: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Deployment environment the job targets.
        environment: text() => Option<String>,
        /// Container image the job runs in.
        container_image: text() => Option<String>,
        /// Service container images.
        services: text_list() => Option<Vec<String>>,
        /// The container credentials carry a literal password (not an expression or secret).
        container_password_literal: boolean() => Option<bool>,
        /// Reusable workflow or template the job calls.
        reusable_workflow: text() => Option<String>,
        /// Called with `secrets: inherit`.
        secrets_inherit: boolean() => Option<bool>,
        /// Secret names the job references (`secrets.X`, `*` for `toJSON(secrets)`).
        secrets_referenced: text_list() => Option<Vec<String>>,
        /// Job environment variables.
        env: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Jobs this job depends on.
        needs: text_list() => Option<Vec<String>>,
        /// `if:` / `condition:` / `rules` expression.
        if_condition: text() => Option<String>,
        /// Line (from 1) of the job in the file: its key under `jobs:` (GitHub), its `- job:` /
        /// `- deployment:` / `- template:` list item (Azure Pipelines), its top-level key
        /// (GitLab), `runs:` for an action.
        line: int() => Option<i64>,
        /// Column (from 1) where the job's key or list item starts on `line`.
        column: int() => Option<i64>,
        /// Each key of the job mapping (`runs-on`, `permissions`, `container`, `services`,
        /// `secrets`, `uses`, `environment`, `pool`, `image`, `strategy`, …) → the line (from 1) it
        /// is on: `key_lines['permissions']`. Keys inherited through GitLab `extends` or `default`
        /// are not listed.
        key_lines: int_map() => Option<std::collections::BTreeMap<String, i64>>,
    }
}
