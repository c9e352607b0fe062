//! `variables`: one row per non-secret variable.

table! {
    /// Non-secret configuration variable (Actions variable, variable-group or pipeline variable).
    variables => VariableRow, keys [project, repo] {
        /// `org`, `repo`, `environment`, `variable_group` or `pipeline`.
        scope: text() => Option<String>,
        /// The container holding the variable.
        container: text() => Option<String>,
        /// Id of the container, if any.
        container_id: text() => Option<String>,
        /// Variable name.
        name: text() => Option<String>,
        /// Value (non-secret variables only).
        value: text() => Option<String>,
        /// Settable at queue time.
        allow_override: boolean() => Option<bool>,
        /// Last updated.
        updated_at: timestamp() => Option<String>,
    }
}
