//! `runner_groups`: one row per GitHub runner group or Azure DevOps agent pool.

table! {
    /// GitHub runner group or Azure DevOps agent pool.
    runner_groups => RunnerGroupRow, keys [project] {
        /// Group or pool id.
        group_id: text() => Option<String>,
        /// Name.
        name: text() => Option<String>,
        /// `runner_group` or `agent_pool`.
        kind: text() => Option<String>,
        /// Platform-hosted (GitHub-hosted, Microsoft-hosted).
        is_hosted: boolean() => Option<bool>,
        /// The default group or pool.
        is_default: boolean() => Option<bool>,
        /// Repository access: `all`, `selected` or `private`.
        visibility: text() => Option<String>,
        /// Repositories a group with `selected` visibility is available to (names without the org).
        selected_repositories: text_list() => Option<Vec<String>>,
        /// Public repositories may use the group.
        allows_public_repositories: boolean() => Option<bool>,
        /// Only selected workflows may use the group.
        restricted_to_workflows: boolean() => Option<bool>,
        /// The workflows allowed when restricted.
        selected_workflows: text_list() => Option<Vec<String>>,
        /// Pool is provisioned into every new project.
        auto_provision: boolean() => Option<bool>,
        /// Agents update themselves.
        auto_update: boolean() => Option<bool>,
        /// The pool's queue is authorised for all pipelines.
        all_pipelines: boolean() => Option<bool>,
    }
}
