//! `integrations`: one row per app installation or extension.

table! {
    /// GitHub App installation or Azure DevOps extension.
    integrations => IntegrationRow, keys [] {
        /// `github_app` or `ado_extension`.
        kind: text() => Option<String>,
        /// Installation or extension id.
        installation_id: text() => Option<String>,
        /// App slug or extension name.
        slug: text() => Option<String>,
        /// Publisher or app owner.
        publisher: text() => Option<String>,
        /// `all` or `selected` repositories.
        repository_selection: text() => Option<String>,
        /// Granted permissions (`contents` → `write`).
        permissions: text_map() => Option<std::collections::BTreeMap<String, String>>,
        /// Subscribed events.
        events: text_list() => Option<Vec<String>>,
        /// Suspended.
        suspended: boolean() => Option<bool>,
        /// Installed.
        created_at: timestamp() => Option<String>,
    }
}
