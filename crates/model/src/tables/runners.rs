//! `runners`: one row per runner or agent.

table! {
    /// Runner (GitHub) or agent (Azure DevOps).
    runners => RunnerRow, keys [project, repo] {
        /// `org`, `repo` or `pool`.
        scope: text() => Option<String>,
        /// Runner or agent id.
        runner_id: text() => Option<String>,
        /// Name.
        name: text() => Option<String>,
        /// Operating system.
        os: text() => Option<String>,
        /// `online` or `offline`.
        status: text() => Option<String>,
        /// Currently running a job.
        busy: boolean() => Option<bool>,
        /// Enabled (Azure DevOps agents).
        enabled: boolean() => Option<bool>,
        /// Labels or capabilities.
        labels: text_list() => Option<Vec<String>>,
        /// Self-hosted (not platform-hosted).
        self_hosted: boolean() => Option<bool>,
        /// Runner group or agent pool name.
        group: text() => Option<String>,
        /// Agent or runner software version.
        version: text() => Option<String>,
    }
}
