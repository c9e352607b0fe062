//! `deploy_keys`: one row per repository deploy key.

table! {
    /// Repository deploy key.
    deploy_keys => DeployKeyRow, keys [project, repo] {
        /// Key id.
        key_id: text() => Option<String>,
        /// Title.
        title: text() => Option<String>,
        /// Read-only (false means the key can push).
        read_only: boolean() => Option<bool>,
        /// Verified.
        verified: boolean() => Option<bool>,
        /// Added by.
        added_by: text() => Option<String>,
        /// Created.
        created_at: timestamp() => Option<String>,
        /// Last used.
        last_used_at: timestamp() => Option<String>,
    }
}
