//! `service_connections`: one row per Azure DevOps service endpoint.

table! {
    /// Azure DevOps service connection (service endpoint).
    service_connections => ServiceConnectionRow, keys [project] {
        /// Endpoint GUID.
        connection_id: text() => Option<String>,
        /// Name.
        name: text() => Option<String>,
        /// Endpoint type (`azurerm`, `azure`, `github`, `dockerregistry`, `generic`, …).
        r#type: text() => Option<String>,
        /// Authorization scheme (`ServicePrincipal`, `WorkloadIdentityFederation`, `ManagedServiceIdentity`, `Certificate`, `UsernamePassword`, `Token`, …).
        auth_scheme: text() => Option<String>,
        /// Azure scope level (`Subscription`, `ManagementGroup`, `AzureMLWorkspace`).
        scope_level: text() => Option<String>,
        /// Shared with other projects.
        is_shared: boolean() => Option<bool>,
        /// Projects the connection is shared with.
        shared_projects: text_list() => Option<Vec<String>>,
        /// Ready for use.
        is_ready: boolean() => Option<bool>,
        /// Owner: `library` or `agentcloud`.
        owner: text() => Option<String>,
        /// Host of the target URL.
        url_host: text() => Option<String>,
        /// Who created the connection.
        created_by: text() => Option<String>,
    }
}
