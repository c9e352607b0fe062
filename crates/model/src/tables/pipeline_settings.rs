//! `pipeline_settings`: CI settings of an org, repository or Azure DevOps project.

table! {
    /// CI settings of a GitHub org/repo (Actions permissions) or an Azure DevOps org/project (general settings).
    pipeline_settings => PipelineSettingsRow, keys [project, repo] {
        /// `org`, `repo` or `project`.
        scope: text() => Option<String>,
        /// GitHub Actions is enabled.
        actions_enabled: boolean() => Option<bool>,
        /// Repositories where Actions is enabled: `all`, `selected`, `none`.
        enabled_repositories: text() => Option<String>,
        /// Which actions may run: `all`, `local_only` or `selected`.
        allowed_actions: text() => Option<String>,
        /// Actions must be pinned to a full commit SHA.
        sha_pinning_required: boolean() => Option<bool>,
        /// Default `GITHUB_TOKEN` permissions: `read` or `write`.
        default_workflow_permissions: text() => Option<String>,
        /// Workflows can approve pull requests.
        can_approve_pull_request_reviews: boolean() => Option<bool>,
        /// Which fork contributors need approval before workflows run.
        fork_pr_approval_policy: text() => Option<String>,
        /// Job token limited to the current project (non-release pipelines).
        enforce_job_auth_scope: boolean() => Option<bool>,
        /// Job token limited to referenced repositories.
        enforce_referenced_repo_scoped_token: boolean() => Option<bool>,
        /// Only variables marked settable at queue time may be set.
        enforce_settable_var: boolean() => Option<bool>,
        /// Creation of classic build and release pipelines is disabled.
        disable_classic_pipeline_creation: boolean() => Option<bool>,
        /// Secrets are withheld from fork pull-request builds.
        no_secrets_for_forks: boolean() => Option<bool>,
        /// Shell task arguments are sanitised.
        shell_args_sanitizing: boolean() => Option<bool>,
        /// Status badges are private.
        status_badges_private: boolean() => Option<bool>,
    }
}
