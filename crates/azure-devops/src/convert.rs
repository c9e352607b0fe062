//! Pure conversions from Azure DevOps JSON to catalogue rows (no I/O), so they can be tested on
//! the fixture bodies directly.

use std::collections::{BTreeMap, BTreeSet};

use devquery_model::tables::branch_policies::BranchPolicyRow;
use devquery_model::tables::environments::{EnvironmentRow, Principal};
use devquery_model::tables::pipeline_settings::PipelineSettingsRow;
use devquery_model::tables::service_connections::ServiceConnectionRow;
use serde_json::Value;

/// Join keys of a row.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub platform: String,
    pub host: String,
    pub org: String,
}

pub(crate) fn s(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Some(Value::String(x)) => Some(x.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn b(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

pub(crate) fn i(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(*k))
}

/// `refs/heads/main` → `main`.
pub(crate) fn short_branch(r: &str) -> String {
    r.strip_prefix("refs/heads/").unwrap_or(r).to_string()
}

/// `projectCollection` → `collection`, `project` → `project`.
pub(crate) fn job_scope(v: &str) -> String {
    match v {
        "projectCollection" => "collection".into(),
        other => other.to_ascii_lowercase(),
    }
}

/// Build definition trigger type → normalised trigger name.
pub(crate) fn trigger_name(t: &str) -> String {
    match t {
        "continuousIntegration" | "batchedContinuousIntegration" => "push".into(),
        "pullRequest" => "pr".into(),
        "schedule" => "schedule".into(),
        "gatedCheckIn" | "batchedGatedCheckIn" => "gated_checkin".into(),
        "buildCompletion" => "pipeline_completion".into(),
        other => other.to_string(),
    }
}

/// Fork settings of a definition: `(fork_builds, secrets, full_token)`.
pub(crate) fn fork_settings(def: &Value) -> (bool, bool, bool) {
    let mut out = (false, false, false);
    for t in def
        .get("triggers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if s(t, "triggerType").as_deref() != Some("pullRequest") {
            continue;
        }
        if let Some(f) = t.get("forks") {
            let enabled = b(f, "enabled").unwrap_or(false);
            out.0 |= enabled;
            out.1 |= enabled && b(f, "allowSecrets").unwrap_or(false);
            out.2 |= enabled && b(f, "allowFullAccessToken").unwrap_or(false);
        }
    }
    out
}

/// `pipeline_settings` row from build general settings.
pub(crate) fn general_settings(k: &Keys, project: &str, v: &Value) -> PipelineSettingsRow {
    let classic_off = b(v, "disableClassicPipelineCreation").map(|all| {
        all || (b(v, "disableClassicBuildPipelineCreation").unwrap_or(false)
            && b(v, "disableClassicReleasePipelineCreation").unwrap_or(false))
    });
    PipelineSettingsRow {
        platform: Some(k.platform.clone()),
        host: Some(k.host.clone()),
        org: Some(k.org.clone()),
        project: Some(project.to_string()),
        scope: Some("project".into()),
        enforce_job_auth_scope: b(v, "enforceJobAuthScope"),
        enforce_referenced_repo_scoped_token: b(v, "enforceReferencedRepoScopedToken"),
        enforce_settable_var: b(v, "enforceSettableVar"),
        disable_classic_pipeline_creation: classic_off,
        no_secrets_for_forks: b(v, "enforceNoAccessToSecretsFromForks"),
        shell_args_sanitizing: b(v, "enableShellTasksArgsSanitizing"),
        status_badges_private: b(v, "statusBadgesArePrivate"),
        ..Default::default()
    }
}

/// `service_connections` row from a service endpoint.
pub(crate) fn service_connection(k: &Keys, project: &str, e: &Value) -> ServiceConnectionRow {
    let refs: Vec<String> = e
        .get("serviceEndpointProjectReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| at(r, &["projectReference", "name"]).and_then(Value::as_str))
        .filter(|n| !n.eq_ignore_ascii_case(project))
        .map(str::to_string)
        .collect();
    let is_shared = b(e, "isShared").or(if e.get("serviceEndpointProjectReferences").is_some() {
        Some(!refs.is_empty())
    } else {
        None
    });
    let url_host = s(e, "url").and_then(|u| {
        reqwest::Url::parse(&u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
    });
    let created_by = e
        .get("createdBy")
        .and_then(|c| s(c, "uniqueName").or_else(|| s(c, "displayName")));
    ServiceConnectionRow {
        platform: Some(k.platform.clone()),
        host: Some(k.host.clone()),
        org: Some(k.org.clone()),
        project: Some(project.to_string()),
        connection_id: s(e, "id"),
        name: s(e, "name"),
        r#type: s(e, "type").map(|t| t.to_ascii_lowercase()),
        auth_scheme: at(e, &["authorization", "scheme"])
            .and_then(Value::as_str)
            .map(str::to_string),
        scope_level: at(e, &["data", "scopeLevel"])
            .and_then(Value::as_str)
            .map(str::to_string),
        is_shared,
        shared_projects: e.get("serviceEndpointProjectReferences").map(|_| refs),
        is_ready: b(e, "isReady"),
        owner: s(e, "owner").map(|o| o.to_ascii_lowercase()),
        url_host,
        created_by,
    }
}

/// The effective policy of each branch pattern of a repository.
#[derive(Debug, Default, Clone)]
struct Acc {
    ids: Vec<String>,
    any_enabled: bool,
    any_blocking: bool,
    min_reviewer_seen: bool,
    required_approvals: i64,
    self_approval: Option<bool>,
    reset: Option<bool>,
    last_push: Option<bool>,
    checks: BTreeSet<String>,
    comments: bool,
}

impl Acc {
    fn add(&mut self, pol: &Value, build_names: &BTreeMap<i64, String>) {
        let enabled = b(pol, "isEnabled").unwrap_or(false);
        let blocking = b(pol, "isBlocking").unwrap_or(false);
        if let Some(id) = s(pol, "id") {
            self.ids.push(id);
        }
        self.any_enabled |= enabled;
        if !(enabled && blocking) {
            return;
        }
        self.any_blocking = true;
        let settings = pol.get("settings").cloned().unwrap_or(Value::Null);
        let type_id = at(pol, &["type", "id"])
            .and_then(Value::as_str)
            .unwrap_or("");
        match type_id {
            "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd" => {
                self.min_reviewer_seen = true;
                self.required_approvals = self
                    .required_approvals
                    .max(i(&settings, "minimumApproverCount").unwrap_or(0));
                let creator = b(&settings, "creatorVoteCounts").unwrap_or(false);
                // Self-approval is allowed when any applicable policy lets the creator's vote count.
                self.self_approval = Some(self.self_approval.unwrap_or(false) || creator);
                let reset = b(&settings, "resetOnSourcePush").unwrap_or(false);
                self.reset = Some(self.reset.unwrap_or(false) || reset);
                let last = b(&settings, "blockLastPusherVote").unwrap_or(false);
                self.last_push = Some(self.last_push.unwrap_or(false) || last);
            }
            "0609b952-1397-4640-95ec-e00a01b2c241" => {
                let id = i(&settings, "buildDefinitionId");
                let name = s(&settings, "displayName")
                    .filter(|n| !n.is_empty())
                    .or_else(|| id.and_then(|id| build_names.get(&id).cloned()))
                    .or_else(|| id.map(|id| format!("build:{id}")))
                    .unwrap_or_else(|| "build".into());
                self.checks.insert(name);
            }
            "c6a1889d-b943-4856-b76f-9e46bb6b0df2" => self.comments = true,
            "cbdc66da-9728-4af8-aada-9a5a32e4a226" => {
                // Status policy (external status checks).
                let name = s(&settings, "statusName").unwrap_or_else(|| "status".into());
                self.checks.insert(name);
            }
            _ => {}
        }
    }
}

/// One policy scope entry.
#[derive(Debug, Clone)]
struct Scope {
    ref_name: Option<String>,
    exact: bool,
    repo: Option<String>,
}

fn scopes(pol: &Value) -> Vec<Scope> {
    at(pol, &["settings", "scope"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|sc| Scope {
                    ref_name: s(sc, "refName"),
                    exact: s(sc, "matchKind").is_none_or(|m| m.eq_ignore_ascii_case("exact")),
                    repo: s(sc, "repositoryId"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn matches(scope: &Scope, repo_id: &str, branch_ref: &str) -> bool {
    let repo_ok = scope
        .repo
        .as_deref()
        .is_none_or(|r| r.eq_ignore_ascii_case(repo_id));
    let ref_ok = match &scope.ref_name {
        None => true,
        Some(r) if scope.exact => r == branch_ref,
        Some(r) => branch_ref.starts_with(r.as_str()),
    };
    repo_ok && ref_ok
}

/// A repository as the policy conversion needs it.
#[derive(Debug, Clone)]
pub(crate) struct RepoRef {
    pub project: String,
    pub name: String,
    pub id: String,
    pub default_ref: Option<String>,
}

/// `branch_policies` rows of a project's policy configurations: per repository, one row with the
/// effective policy on its default branch (all applicable policies merged) and one per other
/// branch pattern that does not cover the default branch.
pub(crate) fn branch_policies(
    k: &Keys,
    repos: &[RepoRef],
    policies: &[Value],
    build_names: &BTreeMap<i64, String>,
) -> Vec<BranchPolicyRow> {
    let mut rows = Vec::new();
    for repo in repos {
        let mut default_acc: Option<Acc> = None;
        let mut patterns: BTreeMap<(String, bool), Acc> = BTreeMap::new();
        for pol in policies {
            if b(pol, "isDeleted").unwrap_or(false) {
                continue;
            }
            for sc in scopes(pol) {
                if !sc
                    .repo
                    .as_deref()
                    .is_none_or(|r| r.eq_ignore_ascii_case(&repo.id))
                {
                    continue;
                }
                if let Some(d) = &repo.default_ref
                    && matches(&sc, &repo.id, d)
                {
                    default_acc
                        .get_or_insert_with(Acc::default)
                        .add(pol, build_names);
                    continue;
                }
                let key = (sc.ref_name.clone().unwrap_or_else(|| "*".into()), sc.exact);
                patterns.entry(key).or_default().add(pol, build_names);
            }
        }
        let mk = |pattern: String, applies: bool, acc: &Acc| BranchPolicyRow {
            platform: Some(k.platform.clone()),
            host: Some(k.host.clone()),
            org: Some(k.org.clone()),
            project: Some(repo.project.clone()),
            repo: Some(repo.name.clone()),
            branch_pattern: Some(pattern),
            applies_to_default_branch: Some(applies),
            source: Some("ado_policy".into()),
            source_ids: Some(acc.ids.clone()),
            enforcement: Some(if acc.any_blocking {
                "active".into()
            } else if acc.any_enabled {
                "evaluate".into()
            } else {
                "disabled".into()
            }),
            required_approvals: Some(acc.required_approvals),
            dismiss_stale_reviews: Some(acc.reset.unwrap_or(false)),
            require_last_push_approval: Some(acc.last_push.unwrap_or(false)),
            allow_self_approval: acc.self_approval,
            required_status_checks: Some(acc.checks.iter().cloned().collect()),
            require_conversation_resolution: Some(acc.comments),
            ..Default::default()
        };
        if let (Some(acc), Some(d)) = (&default_acc, &repo.default_ref) {
            rows.push(mk(d.clone(), true, acc));
        }
        for ((pattern, exact), acc) in &patterns {
            let p = if *exact {
                pattern.clone()
            } else {
                format!("{pattern}*")
            };
            rows.push(mk(p, false, acc));
        }
    }
    rows
}

/// `environments` row from an environment and its check configurations (with settings).
pub(crate) fn environment(
    k: &Keys,
    project: &str,
    env: &Value,
    checks: Option<&[Value]>,
) -> EnvironmentRow {
    let mut row = EnvironmentRow {
        platform: Some(k.platform.clone()),
        host: Some(k.host.clone()),
        org: Some(k.org.clone()),
        project: Some(project.to_string()),
        environment_id: s(env, "id"),
        name: s(env, "name"),
        ..Default::default()
    };
    let Some(checks) = checks else {
        return row;
    };
    let mut reviewers = Vec::new();
    let mut others = Vec::new();
    let mut prevent_self = None;
    let mut branch_policy = "none".to_string();
    for c in checks {
        let type_name = at(c, &["type", "name"])
            .and_then(Value::as_str)
            .unwrap_or("");
        let settings = c.get("settings").cloned().unwrap_or(Value::Null);
        if type_name.eq_ignore_ascii_case("Approval") {
            for a in settings
                .get("approvers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = s(a, "uniqueName").or_else(|| s(a, "displayName"));
                let kind = if name.as_deref().is_some_and(|n| n.contains('@')) {
                    "User"
                } else {
                    "Group"
                };
                reviewers.push(Principal {
                    r#type: Some(kind.into()),
                    name,
                });
            }
            let rca = b(&settings, "requesterCannotBeApprover").unwrap_or(false);
            prevent_self = Some(prevent_self.unwrap_or(false) || rca);
            continue;
        }
        let def_name = at(&settings, &["definitionRef", "name"])
            .and_then(Value::as_str)
            .unwrap_or("");
        let (kind, name) = if def_name.eq_ignore_ascii_case("evaluatebranchProtection") {
            branch_policy = "custom".into();
            (
                "BranchControl".to_string(),
                at(&settings, &["inputs", "allowedBranches"])
                    .and_then(Value::as_str)
                    .map(str::to_string),
            )
        } else if def_name.eq_ignore_ascii_case("evaluateBusinessHours") {
            ("BusinessHours".to_string(), s(&settings, "displayName"))
        } else if !def_name.is_empty() {
            (def_name.to_string(), s(&settings, "displayName"))
        } else {
            (
                type_name.to_string(),
                s(&settings, "displayName").or_else(|| Some(type_name.to_string())),
            )
        };
        others.push(Principal {
            r#type: Some(kind),
            name,
        });
    }
    row.required_reviewers = Some(reviewers);
    row.prevent_self_review = Some(prevent_self.unwrap_or(false));
    row.checks = Some(others);
    row.deployment_branch_policy = Some(branch_policy);
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys() -> Keys {
        Keys {
            platform: "azure_devops".into(),
            host: "dev.azure.com".into(),
            org: "fabrikam".into(),
        }
    }

    #[test]
    fn fixture_policies_merge_on_default_branch() {
        // The three policies of the official example: required reviewers (master + prefix),
        // minimum approvers on master, build on features/.
        let text = include_str!(
            "../../../../shared/fixtures/azure-devops/GET_{organization}_{project}__apis_policy_configurations.json"
        );
        let v: Value = serde_json::from_str(text).expect("fixture parses");
        let pols = v["value"].as_array().cloned().unwrap_or_default();
        let repo = RepoRef {
            project: "Fabrikam-Fiber-Git".into(),
            name: "Fabrikam-Fiber-Git".into(),
            id: "278d5cd2-584d-4b63-824a-2ba458937249".into(),
            default_ref: Some("refs/heads/master".into()),
        };
        let rows = branch_policies(
            &keys(),
            &[repo],
            &pols,
            &BTreeMap::from([(5, "ci".to_string())]),
        );
        let default = rows
            .iter()
            .find(|r| r.applies_to_default_branch == Some(true))
            .expect("default row");
        // Minimum approval count is non-blocking in the example: it does not count.
        assert_eq!(default.required_approvals, Some(0));
        assert_eq!(default.enforcement.as_deref(), Some("active"));
        let features = rows
            .iter()
            .find(|r| r.branch_pattern.as_deref() == Some("refs/heads/features/*"));
        assert!(features.is_some(), "{rows:?}");
    }

    #[test]
    fn fork_settings_from_pr_trigger() {
        let def = json!({"triggers": [{"triggerType": "pullRequest", "forks": {"enabled": true, "allowSecrets": true, "allowFullAccessToken": false}}]});
        assert_eq!(fork_settings(&def), (true, true, false));
        let off = json!({"triggers": [{"triggerType": "pullRequest", "forks": {"enabled": false, "allowSecrets": true}}]});
        assert_eq!(fork_settings(&off), (false, false, false));
    }

    #[test]
    fn fixture_service_endpoint() {
        let text = include_str!(
            "../../../../shared/fixtures/azure-devops/POST_{organization}__apis_serviceendpoint_endpoints__AzureRM-response.json"
        );
        let v: Value = serde_json::from_str(text).expect("fixture parses");
        let row = service_connection(&keys(), "TestProject", &v);
        assert_eq!(row.r#type.as_deref(), Some("azurerm"));
        assert_eq!(row.auth_scheme.as_deref(), Some("ServicePrincipal"));
        assert_eq!(row.scope_level.as_deref(), Some("Subscription"));
        assert_eq!(row.is_shared, Some(false));
        assert_eq!(row.shared_projects, Some(vec![]));
    }
}
