//! `pipeline_steps`: one row per step or task of a job.

use serde::{Deserialize, Serialize};

/// Where an untrusted expression occurs in a pipeline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpressionPosition {
    /// The untrusted input, as listed in `untrusted_inputs` (`github.event.issue.title`).
    pub expression: Option<String>,
    /// Line (from 1) where the expression (`${{`, `$(`, `$[`) starts.
    pub line: Option<i64>,
    /// Column (from 1) where the expression starts.
    pub column: Option<i64>,
}

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
        /// Line (from 1) where the step starts: its first key after `- ` (GitHub, Azure
        /// Pipelines), or the `before_script` / `script` / `after_script` key (GitLab).
        line: int() => Option<i64>,
        /// Column (from 1) where the step starts on `line`.
        column: int() => Option<i64>,
        /// Each key of the step mapping (`uses`, `run`, `with`, `env`, `if`, `script`, `bash`,
        /// `task`, `template`, `checkout`, …) → the line (from 1) it is on:
        /// `key_lines['uses']`.
        key_lines: int_map() => Option<std::collections::BTreeMap<String, i64>>,
        /// Where each untrusted expression of `untrusted_inputs` occurs in the file: one entry
        /// per occurrence, with `expression` (the same text as in `untrusted_inputs`) and the
        /// `line` and `column` (from 1) where its `${{` / `$(` / `$[` starts:
        /// `untrusted_input_positions[1]['line']`.
        untrusted_input_positions: position_list() => Option<Vec<ExpressionPosition>>,
    }
}
