//! `projects`: one row per Azure DevOps project.

table! {
    /// Azure DevOps project.
    projects => ProjectRow, keys [project] {
        /// Project GUID.
        project_id: text() => Option<String>,
        /// Project description.
        description: text() => Option<String>,
        /// `private` or `public`.
        visibility: text() => Option<String>,
        /// `wellFormed`, `createPending`, `deleting`, …
        state: text() => Option<String>,
        /// Last time the project was updated.
        last_update_at: timestamp() => Option<String>,
    }
}
