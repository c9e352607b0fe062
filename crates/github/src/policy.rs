//! The effective branch policy of a default branch: classic branch protection merged with the
//! rules of every active ruleset that targets the branch (`GET /repos/{o}/{r}/rules/branches/{b}`,
//! which already resolves org and repo rulesets), the stricter setting winning.
//!
//! Merge rules: required approvals = the maximum; each "require …" flag = true when any source
//! requires it; status checks = the union; force pushes / deletions are allowed only when classic
//! protection allows them (or there is none) **and** no ruleset has `non_fast_forward` /
//! `deletion`; `enforce_admins` is classic's setting, and for ruleset-only policies true when no
//! ruleset has bypass actors. `source` is `classic`, `ruleset` or `classic+ruleset`;
//! `source_ids` lists `protection` and the ruleset ids. A branch with neither gets a row with
//! `source = 'none'` (unprotected), written only when both calls answered.

use std::collections::BTreeSet;

use devquery_model::tables::{BranchPolicyRow, BypassActor};
use serde_json::Value;

use crate::json::{b, bp, i, ip, s};

/// Inputs of the merge.
#[derive(Debug, Default)]
pub struct PolicyInputs<'a> {
    /// Classic protection (`None` = not protected).
    pub classic: Option<&'a Value>,
    /// Rules that apply to the branch (`rules/branches` entries).
    pub rules: &'a [Value],
    /// Bypass actors of the rulesets involved.
    pub bypass_actors: Vec<BypassActor>,
}

/// Merges the sources into one row (join keys left to the caller).
pub fn effective(inputs: &PolicyInputs<'_>, branch: &str) -> BranchPolicyRow {
    let mut row = BranchPolicyRow {
        branch_pattern: Some(branch.to_string()),
        applies_to_default_branch: Some(true),
        enforcement: Some("active".into()),
        ..BranchPolicyRow::default()
    };
    let mut ids = Vec::new();
    let mut approvals: i64 = 0;
    let mut dismiss = false;
    let mut code_owner = false;
    let mut last_push = false;
    let mut conversation = false;
    let mut checks = BTreeSet::new();
    let mut strict = false;
    let mut signed = false;
    let mut linear = false;
    let mut force_allowed = true;
    let mut delete_allowed = true;

    if let Some(c) = inputs.classic {
        ids.push("protection".to_string());
        if let Some(n) = ip(
            c,
            "/required_pull_request_reviews/required_approving_review_count",
        ) {
            approvals = approvals.max(n);
        }
        dismiss |= bp(c, "/required_pull_request_reviews/dismiss_stale_reviews").unwrap_or(false);
        code_owner |= bp(
            c,
            "/required_pull_request_reviews/require_code_owner_reviews",
        )
        .unwrap_or(false);
        last_push |= bp(
            c,
            "/required_pull_request_reviews/require_last_push_approval",
        )
        .unwrap_or(false);
        conversation |= bp(c, "/required_conversation_resolution/enabled").unwrap_or(false);
        if let Some(ctx) = c
            .pointer("/required_status_checks/contexts")
            .and_then(Value::as_array)
        {
            checks.extend(ctx.iter().filter_map(|x| x.as_str().map(str::to_string)));
        }
        if let Some(chk) = c
            .pointer("/required_status_checks/checks")
            .and_then(Value::as_array)
        {
            checks.extend(chk.iter().filter_map(|x| s(x, "context")));
        }
        strict |= bp(c, "/required_status_checks/strict").unwrap_or(false);
        signed |= bp(c, "/required_signatures/enabled").unwrap_or(false);
        linear |= bp(c, "/required_linear_history/enabled").unwrap_or(false);
        force_allowed &= bp(c, "/allow_force_pushes/enabled").unwrap_or(false);
        delete_allowed &= bp(c, "/allow_deletions/enabled").unwrap_or(false);
        row.enforce_admins = bp(c, "/enforce_admins/enabled");
    }
    let mut ruleset_ids = BTreeSet::new();
    for rule in inputs.rules {
        if let Some(id) = s(rule, "ruleset_id") {
            ruleset_ids.insert(id);
        }
        let params = rule.get("parameters").cloned().unwrap_or(Value::Null);
        match rule.get("type").and_then(Value::as_str).unwrap_or("") {
            "pull_request" => {
                approvals =
                    approvals.max(i(&params, "required_approving_review_count").unwrap_or(0));
                dismiss |= b(&params, "dismiss_stale_reviews_on_push").unwrap_or(false);
                code_owner |= b(&params, "require_code_owner_review").unwrap_or(false);
                last_push |= b(&params, "require_last_push_approval").unwrap_or(false);
                conversation |= b(&params, "required_review_thread_resolution").unwrap_or(false);
            }
            "required_status_checks" => {
                if let Some(list) = params
                    .get("required_status_checks")
                    .and_then(Value::as_array)
                {
                    checks.extend(list.iter().filter_map(|x| s(x, "context")));
                }
                strict |= b(&params, "strict_required_status_checks_policy").unwrap_or(false);
            }
            "required_signatures" => signed = true,
            "required_linear_history" => linear = true,
            "non_fast_forward" => force_allowed = false,
            "deletion" => delete_allowed = false,
            _ => {}
        }
    }
    ids.extend(ruleset_ids.iter().cloned());
    let has_classic = inputs.classic.is_some();
    let has_rules = !ruleset_ids.is_empty();
    row.source = Some(
        match (has_classic, has_rules) {
            (true, true) => "classic+ruleset",
            (true, false) => "classic",
            (false, true) => "ruleset",
            (false, false) => "none",
        }
        .to_string(),
    );
    if !has_classic && !has_rules {
        row.enforcement = None;
    }
    if !has_classic {
        row.enforce_admins = Some(has_rules && inputs.bypass_actors.is_empty());
    }
    row.source_ids = Some(ids);
    row.required_approvals = Some(approvals);
    row.dismiss_stale_reviews = Some(dismiss);
    row.require_code_owner_review = Some(code_owner);
    row.require_last_push_approval = Some(last_push);
    row.require_conversation_resolution = Some(conversation);
    row.required_status_checks = Some(checks.into_iter().collect());
    row.strict_status_checks = Some(strict);
    row.require_signed_commits = Some(signed);
    row.require_linear_history = Some(linear);
    row.allow_force_pushes = Some(force_allowed);
    row.allow_deletions = Some(delete_allowed);
    row.bypass_actors = Some(inputs.bypass_actors.clone());
    row
}
