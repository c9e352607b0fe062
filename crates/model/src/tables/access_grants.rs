//! `access_grants`: one row per principal × resource grant.

table! {
    /// A principal's role on a resource (repository, org, project, pipeline).
    access_grants => AccessGrantRow, keys [project, repo] {
        /// `org`, `repository`, `project` or `team`.
        resource_type: text() => Option<String>,
        /// Resource name.
        resource: text() => Option<String>,
        /// `user`, `team`, `group` or `app`.
        principal_type: text() => Option<String>,
        /// Login, team slug or group name.
        principal: text() => Option<String>,
        /// `read`, `triage`, `write`, `maintain`, `admin`, or an Azure DevOps group role.
        role: text() => Option<String>,
        /// `direct`, `team`, `org_base` or `group`.
        via: text() => Option<String>,
        /// The principal is an outside collaborator (not an org member).
        is_outside_collaborator: boolean() => Option<bool>,
    }
}
