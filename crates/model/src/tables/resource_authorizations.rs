//! `resource_authorizations`: which pipelines may use a protected resource.

table! {
    /// Protected resource and the pipelines or repositories authorised to use it.
    resource_authorizations => ResourceAuthorizationRow, keys [project] {
        /// `variable_group`, `secure_file`, `service_connection`, `agent_queue`, `environment` or `org_secret`.
        resource_type: text() => Option<String>,
        /// Resource id.
        resource_id: text() => Option<String>,
        /// Resource name.
        resource_name: text() => Option<String>,
        /// Every pipeline is authorised.
        all_pipelines: boolean() => Option<bool>,
        /// Ids of the pipelines explicitly authorised.
        authorized_pipelines: text_list() => Option<Vec<String>>,
        /// Repositories that may use the resource (GitHub org secrets with `selected` visibility).
        selected_repositories: text_list() => Option<Vec<String>>,
    }
}
