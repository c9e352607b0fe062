//! `members`: one row per organisation member or outside collaborator.

table! {
    /// Organisation member (or outside collaborator) with role and 2FA status.
    members => MemberRow, keys [] {
        /// Login or principal name.
        login: text() => Option<String>,
        /// User id on the platform.
        user_id: text() => Option<String>,
        /// `admin`, `member`, `outside_collaborator`, or an Azure DevOps access level.
        role: text() => Option<String>,
        /// Two-factor authentication is enabled (NULL when not visible to the token).
        two_factor_enabled: boolean() => Option<bool>,
        /// Guest (Azure DevOps / Entra guest) account.
        is_guest: boolean() => Option<bool>,
        /// Last activity.
        last_active_at: timestamp() => Option<String>,
    }
}
