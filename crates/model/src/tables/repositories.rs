//! `repositories`: one row per repository (GitHub, Azure Repos, or a local checkout).

table! {
    /// Repository with its security settings and the presence of security files.
    repositories => RepositoryRow, keys [project, repo] {
        /// Repository id on the platform (number or GUID); NULL for a local checkout.
        repo_id: text() => Option<String>,
        /// `owner/name` (GitHub) or `project/name` (Azure DevOps).
        full_name: text() => Option<String>,
        /// `public`, `private` or `internal`.
        visibility: text() => Option<String>,
        /// Archived (read-only).
        is_archived: boolean() => Option<bool>,
        /// A fork of another repository.
        is_fork: boolean() => Option<bool>,
        /// Disabled by an administrator.
        is_disabled: boolean() => Option<bool>,
        /// Default branch name (without `refs/heads/`).
        default_branch: text() => Option<String>,
        /// Forking is allowed.
        allow_forking: boolean() => Option<bool>,
        /// Secret scanning is enabled.
        secret_scanning: boolean() => Option<bool>,
        /// Secret scanning push protection is enabled.
        push_protection: boolean() => Option<bool>,
        /// Dependabot security updates are enabled.
        dependabot_security_updates: boolean() => Option<bool>,
        /// Dependabot (vulnerability) alerts are enabled.
        vulnerability_alerts: boolean() => Option<bool>,
        /// GitHub Advanced Security (GitHub) or GitHub Advanced Security for Azure DevOps is enabled.
        advanced_security: boolean() => Option<bool>,
        /// Private vulnerability reporting is enabled.
        private_vulnerability_reporting: boolean() => Option<bool>,
        /// A CODEOWNERS file exists (root, `.github/` or `docs/`).
        has_codeowners: boolean() => Option<bool>,
        /// A SECURITY.md file exists.
        has_security_policy: boolean() => Option<bool>,
        /// A Dependabot configuration (`.github/dependabot.yml`) exists.
        has_dependabot_config: boolean() => Option<bool>,
        /// When the repository was created.
        created_at: timestamp() => Option<String>,
        /// When the repository was last pushed to.
        pushed_at: timestamp() => Option<String>,
        /// Web URL of the repository, or the local path of a checkout.
        url: text() => Option<String>,
    }
}
