//! `secrets`: one row per secret (metadata only; values are never requested or stored).

table! {
    /// Secret metadata (never a value): Actions/Dependabot/environment secrets, secret variables, secure files.
    secrets => SecretRow, keys [project, repo] {
        /// `org`, `repo`, `environment`, `variable_group`, `pipeline`, `secure_file` or `dependabot`.
        scope: text() => Option<String>,
        /// The container holding the secret: environment, variable group, pipeline name.
        container: text() => Option<String>,
        /// Id of the container (variable group id, definition id), if any.
        container_id: text() => Option<String>,
        /// Secret name.
        name: text() => Option<String>,
        /// Org secret visibility: `all`, `private` or `selected`.
        visibility: text() => Option<String>,
        /// Repositories an org secret with `selected` visibility is available to.
        selected_repositories: text_list() => Option<Vec<String>>,
        /// Backed by an Azure Key Vault.
        key_vault_backed: boolean() => Option<bool>,
        /// Created.
        created_at: timestamp() => Option<String>,
        /// Last updated (rotated).
        updated_at: timestamp() => Option<String>,
    }
}
