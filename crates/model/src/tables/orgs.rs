//! `orgs`: one row per GitHub organisation or Azure DevOps organisation.

table! {
    /// Organisation (GitHub organisation or Azure DevOps organisation) and its security defaults.
    orgs => OrgRow, keys [] {
        /// Numeric or GUID id of the organisation on its platform.
        org_id: text() => Option<String>,
        /// Display name.
        display_name: text() => Option<String>,
        /// Members must enable two-factor authentication.
        two_factor_required: boolean() => Option<bool>,
        /// Base permission every member has on every repository: `none`, `read`, `write` or `admin`.
        default_repo_permission: text() => Option<String>,
        /// Members can create public repositories.
        members_can_create_public_repos: boolean() => Option<bool>,
        /// Members can create private repositories.
        members_can_create_private_repos: boolean() => Option<bool>,
        /// Members can fork private repositories.
        members_can_fork_private_repos: boolean() => Option<bool>,
        /// Web-based commits must be signed off.
        web_commit_signoff_required: boolean() => Option<bool>,
        /// The organisation has a verified domain.
        is_verified: boolean() => Option<bool>,
        /// Secret scanning is enabled by default for new repositories.
        secret_scanning_default: boolean() => Option<bool>,
        /// Secret scanning push protection is enabled by default for new repositories.
        push_protection_default: boolean() => Option<bool>,
        /// Dependabot alerts are enabled by default for new repositories.
        dependabot_alerts_default: boolean() => Option<bool>,
        /// Dependabot security updates are enabled by default for new repositories.
        dependabot_security_updates_default: boolean() => Option<bool>,
        /// The dependency graph is enabled by default for new repositories.
        dependency_graph_default: boolean() => Option<bool>,
        /// Advanced Security is enabled by default for new repositories.
        advanced_security_default: boolean() => Option<bool>,
        /// Copilot suggestions matching public code: `allow` or `block`.
        copilot_public_code_suggestions: text() => Option<String>,
        /// Billing plan name.
        plan: text() => Option<String>,
        /// When the organisation was created.
        created_at: timestamp() => Option<String>,
    }
}
