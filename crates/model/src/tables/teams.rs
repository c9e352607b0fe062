//! `teams`: one row per team or security group.

table! {
    /// Team (GitHub) or group (Azure DevOps).
    teams => TeamRow, keys [project] {
        /// Team slug or group name.
        team: text() => Option<String>,
        /// Team or group id (descriptor).
        team_id: text() => Option<String>,
        /// Description.
        description: text() => Option<String>,
        /// `closed` or `secret` (GitHub).
        privacy: text() => Option<String>,
        /// Parent team slug.
        parent: text() => Option<String>,
        /// Number of members, when known.
        member_count: int() => Option<i64>,
    }
}
