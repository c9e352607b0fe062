//! `environments`: one row per deployment environment.

use serde::{Deserialize, Serialize};

/// A required reviewer, approver or check on an environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Principal {
    /// `User`, `Team`, `Group`, or a check type (`Approval`, `BranchControl`, `ExclusiveLock`, …).
    pub r#type: Option<String>,
    /// Login, team slug, group or check name.
    pub name: Option<String>,
}

table! {
    /// Deployment environment and its protection.
    environments => EnvironmentRow, keys [project, repo] {
        /// Environment id.
        environment_id: text() => Option<String>,
        /// Name.
        name: text() => Option<String>,
        /// Required reviewers or approvers.
        required_reviewers: struct_list(&["type", "name"]) => Option<Vec<Principal>>,
        /// Reviewers cannot approve their own deployments.
        prevent_self_review: boolean() => Option<bool>,
        /// Wait timer in minutes.
        wait_timer: int() => Option<i64>,
        /// Branches allowed to deploy: `none`, `protected_branches`, `custom` or NULL.
        deployment_branch_policy: text() => Option<String>,
        /// Admins can bypass the protection rules.
        can_admins_bypass: boolean() => Option<bool>,
        /// Other checks (Azure DevOps checks, GitHub custom protection rules).
        checks: struct_list(&["type", "name"]) => Option<Vec<Principal>>,
    }
}
