//! `branch_policies`: the effective protection on a branch or branch pattern.

use serde::{Deserialize, Serialize};

/// Who may bypass a ruleset or policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BypassActor {
    /// `Team`, `Integration`, `OrganizationAdmin`, `RepositoryRole`, `DeployKey`, `User`.
    pub actor_type: Option<String>,
    /// Actor id.
    pub actor_id: Option<String>,
    /// `always` or `pull_request`.
    pub bypass_mode: Option<String>,
}

table! {
    /// Effective rule set on a branch or pattern: classic protection, a ruleset or an Azure DevOps policy.
    branch_policies => BranchPolicyRow, keys [project, repo] {
        /// Branch name or pattern the policy applies to (`main`, `refs/heads/main`, `~DEFAULT_BRANCH`).
        branch_pattern: text() => Option<String>,
        /// The policy covers the repository's default branch.
        applies_to_default_branch: boolean() => Option<bool>,
        /// Where the policy comes from: `classic`, `ruleset`, `classic+ruleset` (merged) or `ado_policy`.
        source: text() => Option<String>,
        /// Ruleset ids, policy configuration ids, or `protection` for classic protection.
        source_ids: text_list() => Option<Vec<String>>,
        /// `active`, `evaluate` or `disabled`.
        enforcement: text() => Option<String>,
        /// Required approving reviews.
        required_approvals: int() => Option<i64>,
        /// New pushes dismiss approvals (`resetOnSourcePush` on Azure DevOps).
        dismiss_stale_reviews: boolean() => Option<bool>,
        /// Code-owner review is required.
        require_code_owner_review: boolean() => Option<bool>,
        /// The most recent push must be approved by someone other than its author.
        require_last_push_approval: boolean() => Option<bool>,
        /// The pull-request author's own vote counts (`creatorVoteCounts`).
        allow_self_approval: boolean() => Option<bool>,
        /// Status checks or build validations that must pass.
        required_status_checks: text_list() => Option<Vec<String>>,
        /// Branches must be up to date before merging.
        strict_status_checks: boolean() => Option<bool>,
        /// Review conversations (comments) must be resolved.
        require_conversation_resolution: boolean() => Option<bool>,
        /// Commits must be signed.
        require_signed_commits: boolean() => Option<bool>,
        /// Merge commits are not allowed.
        require_linear_history: boolean() => Option<bool>,
        /// Protection also applies to administrators.
        enforce_admins: boolean() => Option<bool>,
        /// Force pushes are allowed.
        allow_force_pushes: boolean() => Option<bool>,
        /// The branch can be deleted.
        allow_deletions: boolean() => Option<bool>,
        /// Actors that may bypass the rules.
        bypass_actors: struct_list(&["actor_type", "actor_id", "bypass_mode"]) => Option<Vec<BypassActor>>,
    }
}
