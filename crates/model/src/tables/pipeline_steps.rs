//! `pipeline_steps`: one row per step or task of a job.

table! {
    /// Step of a job: an action, a script, a task or a template.
    pipeline_steps => PipelineStepRow, keys [project, repo] {
        /// Pipeline id (joins `pipelines.pipeline_id`).
        pipeline_id: text() => Option<String>,
        /// File path of the pipeline.
        path: text() => Option<String>,
        /// Job id (joins `pipeline_jobs.job_id`).
        job_id: text() => Option<String>,
        /// Position of the step in its job, from 0.
        step_index: int() => Option<i64>,
        /// Step name or id.
        name: text() => Option<String>,
        /// `action`, `run`, `task`, `template` or `checkout`.
        kind: text() => Option<String>,
        /// The `uses:` value, task reference (`AzureCLI@2`) or template path.
        uses: text() => Option<String>,
        /// Owner of the action (`actions` in `actions/checkout@v4`).
        action_owner: text() => Option<String>,
        /// Repository of the action.
        action_repo: text() => Option<String>,
        /// Path inside the action repository, if any.
        action_path: text() => Option<String>,
        /// Ref the action is pinned to.
        action_ref: text() => Option<String>,
        /// `sha` (full 40-hex commit only), `tag`, `branch`, `local`, `docker` or NULL.
        ref_kind: text() => Option<String>,
        /// Script body of a run/script/bash/pwsh step.
        script: text() => Option<String>,
        /// Shell of the script.
        shell: text() => Option<String>,
        /// Attacker-controllable expressions expanded into the script (`github.event.issue.title`, …).
        untrusted_inputs: text_list() => Option<Vec<String>>,
        /// Inputs (`with:` / task `inputs:`).
        with: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Step environment variables.
        env: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Checkout keeps the token in the git config (`persist-credentials`, default true).
        persist_credentials: boolean() => Option<bool>,
        /// Ref a checkout step checks out.
        checkout_ref: text() => Option<String>,
        /// The checkout fetches the pull-request head (attacker code).
        checkout_pr_head: boolean() => Option<bool>,
        /// `if:` / `condition:` expression.
        if_condition: text() => Option<String>,
    }
}
