//! Rendering scenario objects into GitHub's JSON shapes, using the official API examples in
//! `fixtures/` as templates: an example item is cloned and the scenario's fields overwrite the
//! example's, so every response keeps the documented shape. Fields the examples lack but the API
//! reference documents (`security_and_analysis`, `permissions`, `role_name`, `runner_group_id`,
//! alerts) are added here.

use std::hash::Hasher;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use fnv::FnvHasher;
use serde_json::{Value, json};

use super::scenario::{
    ActionsSettings, Alert, Copilot, Environment, Hook, Installation, Member, Org, OrgSecret, Repo,
    Rules, Ruleset, Runner, RunnerGroup, Team,
};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/", $name))
    };
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// First item of an example list (bare array, or the array under `key`).
fn first_item(text: &str, key: Option<&str>) -> Value {
    let v = parse(text);
    let arr = match key {
        Some(k) => v.get(k).cloned().unwrap_or(Value::Null),
        None => v,
    };
    arr.get(0).cloned().unwrap_or_else(|| json!({}))
}

fn set(v: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = v {
        map.insert(key.to_string(), value);
    }
}

/// The standard FNV-1a 64-bit offset basis (the state of `FnvHasher::default()`).
const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64 of exactly the bytes of `text`, starting from `key`.
fn fnv1a_from(key: u64, text: &str) -> u64 {
    let mut h = FnvHasher::with_key(key);
    h.write(text.as_bytes());
    h.finish()
}

/// Stable numeric id for a name (FNV-1a folded into 31 bits, never 0).
pub fn id_for(name: &str) -> u64 {
    (fnv1a_from(FNV_OFFSET_BASIS, name) % 2_000_000_000) + 1
}

/// Stable hex digest (40 chars, git-SHA-like) of some content: three FNV-1a hashes whose
/// offset basis is salted with 0, 1 and 2.
pub fn sha_for(content: &str) -> String {
    let mut out: String = (0..3u64)
        .map(|salt| format!("{:016x}", fnv1a_from(FNV_OFFSET_BASIS ^ salt, content)))
        .collect();
    out.truncate(40);
    out
}

/// Base64 with GitHub's 60-column line wrapping (as the contents API returns it): standard
/// alphabet, padded, a `\n` after every 60 characters and at the end.
pub fn base64_wrapped(data: &[u8]) -> String {
    let encoded = STANDARD.encode(data);
    let mut wrapped = String::with_capacity(encoded.len() + encoded.len() / 60 + 1);
    for (i, c) in encoded.chars().enumerate() {
        if i > 0 && i % 60 == 0 {
            wrapped.push('\n');
        }
        wrapped.push(c);
    }
    wrapped.push('\n');
    wrapped
}

/// The id of an org (scenario id or derived from the login).
pub fn org_id(org: &Org) -> u64 {
    if org.id != 0 {
        org.id
    } else {
        id_for(&org.login)
    }
}

/// The id of a repository.
pub fn repo_id(org: &Org, repo: &Repo) -> u64 {
    if repo.id != 0 {
        repo.id
    } else {
        id_for(&format!("{}/{}", org.login, repo.name))
    }
}

/// A simple user (`simple-user` shape).
pub fn user(login: &str, base: &str) -> Value {
    let mut u = first_item(fixture!("GET_orgs_{org}_members.json"), None);
    set(&mut u, "login", json!(login));
    set(&mut u, "id", json!(id_for(login)));
    set(&mut u, "url", json!(format!("{base}/users/{login}")));
    set(
        &mut u,
        "html_url",
        json!(format!("https://github.com/{login}")),
    );
    u
}

/// `GET /orgs/{org}`.
pub fn org(org: &Org, base: &str) -> Value {
    let mut v = parse(fixture!("GET_orgs_{org}.json"));
    let login = &org.login;
    set(&mut v, "login", json!(login));
    set(&mut v, "id", json!(org_id(org)));
    set(
        &mut v,
        "name",
        json!(org.name.clone().unwrap_or_else(|| login.clone())),
    );
    set(&mut v, "url", json!(format!("{base}/orgs/{login}")));
    set(
        &mut v,
        "repos_url",
        json!(format!("{base}/orgs/{login}/repos")),
    );
    set(
        &mut v,
        "html_url",
        json!(format!("https://github.com/{login}")),
    );
    set(
        &mut v,
        "two_factor_requirement_enabled",
        json!(org.two_factor_required),
    );
    set(
        &mut v,
        "default_repository_permission",
        json!(org.default_repository_permission),
    );
    set(
        &mut v,
        "members_can_create_public_repositories",
        json!(org.members_can_create_public_repositories),
    );
    set(
        &mut v,
        "members_can_create_private_repositories",
        json!(org.members_can_create_private_repositories),
    );
    set(
        &mut v,
        "members_can_fork_private_repositories",
        json!(org.members_can_fork_private_repositories),
    );
    set(
        &mut v,
        "web_commit_signoff_required",
        json!(org.web_commit_signoff_required),
    );
    set(&mut v, "is_verified", json!(org.is_verified));
    set(
        &mut v,
        "secret_scanning_enabled_for_new_repositories",
        json!(org.secret_scanning_default),
    );
    set(
        &mut v,
        "secret_scanning_push_protection_enabled_for_new_repositories",
        json!(org.push_protection_default),
    );
    set(
        &mut v,
        "dependabot_alerts_enabled_for_new_repositories",
        json!(org.dependabot_alerts_default),
    );
    set(
        &mut v,
        "dependabot_security_updates_enabled_for_new_repositories",
        json!(org.dependabot_security_updates_default),
    );
    set(
        &mut v,
        "dependency_graph_enabled_for_new_repositories",
        json!(org.dependency_graph_default),
    );
    set(
        &mut v,
        "advanced_security_enabled_for_new_repositories",
        json!(org.advanced_security_default),
    );
    set(
        &mut v,
        "deploy_keys_enabled_for_repositories",
        json!(org.deploy_keys_enabled),
    );
    if let Some(plan) = v.get_mut("plan") {
        set(plan, "name", json!(org.plan));
    }
    v
}

fn enabled(b: bool) -> Value {
    json!({ "status": if b { "enabled" } else { "disabled" } })
}

/// A repository in the `minimal-repository` shape of `GET /orgs/{org}/repos`, with the
/// documented `security_and_analysis`, `allow_forking` and `permissions` filled in.
pub fn repo(org: &Org, repo: &Repo, base: &str, admin: bool) -> Value {
    let mut v = first_item(fixture!("GET_orgs_{org}_repos.json"), None);
    let full = format!("{}/{}", org.login, repo.name);
    set(&mut v, "id", json!(repo_id(org, repo)));
    set(&mut v, "name", json!(repo.name));
    set(&mut v, "full_name", json!(full));
    set(&mut v, "private", json!(repo.visibility != "public"));
    set(&mut v, "visibility", json!(repo.visibility));
    set(&mut v, "fork", json!(repo.fork));
    set(&mut v, "archived", json!(repo.archived));
    set(&mut v, "disabled", json!(repo.disabled));
    set(&mut v, "default_branch", json!(repo.default_branch));
    set(&mut v, "allow_forking", json!(repo.allow_forking));
    set(&mut v, "created_at", json!(repo.created_at));
    set(&mut v, "pushed_at", json!(repo.pushed_at));
    set(&mut v, "updated_at", json!(repo.pushed_at));
    set(
        &mut v,
        "size",
        json!(if repo.files.is_empty() { 0 } else { 108 }),
    );
    set(&mut v, "url", json!(format!("{base}/repos/{full}")));
    set(
        &mut v,
        "html_url",
        json!(format!("https://github.com/{full}")),
    );
    if let Some(owner) = v.get_mut("owner") {
        set(owner, "login", json!(org.login));
        set(owner, "id", json!(org_id(org)));
        set(owner, "type", json!("Organization"));
    }
    set(
        &mut v,
        "permissions",
        json!({"admin": admin, "maintain": admin, "push": admin, "triage": true, "pull": true}),
    );
    if admin {
        let s = &repo.security;
        set(
            &mut v,
            "security_and_analysis",
            json!({
                "advanced_security": enabled(s.advanced_security),
                "dependabot_security_updates": enabled(s.dependabot_security_updates),
                "secret_scanning": enabled(s.secret_scanning),
                "secret_scanning_push_protection": enabled(s.push_protection),
                "secret_scanning_non_provider_patterns": enabled(false),
                "secret_scanning_validity_checks": enabled(false),
            }),
        );
    } else if let Value::Object(map) = &mut v {
        // GitHub only shows security_and_analysis to admins.
        map.remove("security_and_analysis");
    }
    v
}

/// `GET /repos/{o}/{r}/git/trees/{sha}?recursive=1`.
pub fn tree(org: &Org, repo: &Repo, base: &str) -> Value {
    let mut v = parse(fixture!(
        "GET_repos_{owner}_{repo}_git_trees_{tree_sha}__recursive.json"
    ));
    let template = v
        .get("tree")
        .and_then(|t| t.get(0))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let full = format!("{}/{}", org.login, repo.name);
    let mut entries = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    for path in repo.files.keys() {
        let mut parts: Vec<&str> = path.split('/').collect();
        parts.pop();
        let mut prefix = String::new();
        for p in parts {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(p);
            dirs.insert(prefix.clone());
        }
    }
    for dir in &dirs {
        let sha = sha_for(&format!("tree:{full}:{dir}"));
        entries.push(
            json!({"path": dir, "mode": "040000", "type": "tree", "sha": sha,
            "url": format!("{base}/repos/{full}/git/trees/{sha}")}),
        );
    }
    for (path, content) in &repo.files {
        let mut e = template.clone();
        let sha = sha_for(content);
        set(&mut e, "path", json!(path));
        set(&mut e, "sha", json!(sha));
        set(&mut e, "size", json!(content.len()));
        set(
            &mut e,
            "url",
            json!(format!("{base}/repos/{full}/git/blobs/{sha}")),
        );
        entries.push(e);
    }
    entries.sort_by(|a, b| {
        a.get("path")
            .and_then(Value::as_str)
            .cmp(&b.get("path").and_then(Value::as_str))
    });
    let root = sha_for(&format!("root:{full}:{}", repo.files.len()));
    set(&mut v, "sha", json!(root));
    set(
        &mut v,
        "url",
        json!(format!("{base}/repos/{full}/git/trees/{root}")),
    );
    set(&mut v, "tree", Value::Array(entries));
    set(&mut v, "truncated", json!(false));
    v
}

/// `GET /repos/{o}/{r}/contents/{path}` for a file.
pub fn content_file(org: &Org, repo: &Repo, path: &str, content: &str, base: &str) -> Value {
    let mut v = parse(fixture!(
        "GET_repos_{owner}_{repo}_contents_{path}__file.json"
    ));
    let full = format!("{}/{}", org.login, repo.name);
    let sha = sha_for(content);
    let name = path.rsplit('/').next().unwrap_or(path);
    set(&mut v, "name", json!(name));
    set(&mut v, "path", json!(path));
    set(&mut v, "sha", json!(sha));
    set(&mut v, "size", json!(content.len()));
    set(&mut v, "encoding", json!("base64"));
    set(&mut v, "content", json!(base64_wrapped(content.as_bytes())));
    set(
        &mut v,
        "url",
        json!(format!("{base}/repos/{full}/contents/{path}")),
    );
    set(
        &mut v,
        "git_url",
        json!(format!("{base}/repos/{full}/git/blobs/{sha}")),
    );
    v
}

/// `GET /repos/{o}/{r}/git/blobs/{sha}`.
pub fn blob(org: &Org, repo: &Repo, content: &str, base: &str) -> Value {
    let sha = sha_for(content);
    json!({
        "content": base64_wrapped(content.as_bytes()),
        "encoding": "base64",
        "url": format!("{base}/repos/{}/{}/git/blobs/{sha}", org.login, repo.name),
        "sha": sha,
        "size": content.len(),
        "node_id": format!("B_{sha}"),
    })
}

/// `GET /repos/{o}/{r}/branches/{b}/protection`.
pub fn protection(org: &Org, repo: &Repo, rules: &Rules, base: &str) -> Value {
    let mut v = parse(fixture!(
        "GET_repos_{owner}_{repo}_branches_{branch}_protection.json"
    ));
    let url = format!(
        "{base}/repos/{}/{}/branches/{}/protection",
        org.login, repo.name, repo.default_branch
    );
    set(&mut v, "url", json!(url));
    if rules.required_status_checks.is_empty() {
        if let Value::Object(m) = &mut v {
            m.remove("required_status_checks");
        }
    } else if let Some(rsc) = v.get_mut("required_status_checks") {
        set(rsc, "contexts", json!(rules.required_status_checks));
        set(rsc, "strict", json!(rules.strict_status_checks));
        set(
            rsc,
            "checks",
            Value::Array(
                rules
                    .required_status_checks
                    .iter()
                    .map(|c| json!({"context": c, "app_id": null}))
                    .collect(),
            ),
        );
    }
    if let Some(ea) = v.get_mut("enforce_admins") {
        set(ea, "enabled", json!(rules.enforce_admins));
    }
    match rules.required_approvals {
        Some(n) => {
            if let Some(pr) = v.get_mut("required_pull_request_reviews") {
                set(pr, "required_approving_review_count", json!(n));
                set(
                    pr,
                    "dismiss_stale_reviews",
                    json!(rules.dismiss_stale_reviews),
                );
                set(
                    pr,
                    "require_code_owner_reviews",
                    json!(rules.require_code_owner_review),
                );
                set(
                    pr,
                    "require_last_push_approval",
                    json!(rules.require_last_push_approval),
                );
            }
        }
        None => {
            if let Value::Object(m) = &mut v {
                m.remove("required_pull_request_reviews");
            }
        }
    }
    set(
        &mut v,
        "required_linear_history",
        json!({"enabled": rules.require_linear_history}),
    );
    set(
        &mut v,
        "allow_force_pushes",
        json!({"enabled": rules.allow_force_pushes}),
    );
    set(
        &mut v,
        "allow_deletions",
        json!({"enabled": rules.allow_deletions}),
    );
    set(
        &mut v,
        "required_conversation_resolution",
        json!({"enabled": rules.require_conversation_resolution}),
    );
    set(&mut v, "lock_branch", json!({"enabled": false}));
    set(
        &mut v,
        "required_signatures",
        json!({"url": format!("{url}/required_signatures"), "enabled": rules.require_signed_commits}),
    );
    v
}

/// The rule objects of a ruleset (`repository-rule` shapes).
pub fn ruleset_rules(rules: &Rules) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(n) = rules.required_approvals {
        out.push(json!({"type": "pull_request", "parameters": {
            "required_approving_review_count": n,
            "dismiss_stale_reviews_on_push": rules.dismiss_stale_reviews,
            "require_code_owner_review": rules.require_code_owner_review,
            "require_last_push_approval": rules.require_last_push_approval,
            "required_review_thread_resolution": rules.require_conversation_resolution,
            "allowed_merge_methods": ["merge", "squash", "rebase"]
        }}));
    }
    if !rules.required_status_checks.is_empty() {
        out.push(json!({"type": "required_status_checks", "parameters": {
            "required_status_checks": rules.required_status_checks.iter().map(|c| json!({"context": c})).collect::<Vec<_>>(),
            "strict_required_status_checks_policy": rules.strict_status_checks,
            "do_not_enforce_on_create": false
        }}));
    }
    if rules.require_signed_commits {
        out.push(json!({"type": "required_signatures"}));
    }
    if rules.require_linear_history {
        out.push(json!({"type": "required_linear_history"}));
    }
    if !rules.allow_force_pushes {
        out.push(json!({"type": "non_fast_forward"}));
    }
    if !rules.allow_deletions {
        out.push(json!({"type": "deletion"}));
    }
    out
}

/// `GET /repos/{o}/{r}/rulesets/{id}` or `GET /orgs/{org}/rulesets/{id}`.
pub fn ruleset(rs: &Ruleset, source_type: &str, source: &str, base: &str) -> Value {
    let mut v = parse(if source_type == "Organization" {
        fixture!("GET_orgs_{org}_rulesets_{ruleset_id}.json")
    } else {
        fixture!("GET_repos_{owner}_{repo}_rulesets_{ruleset_id}.json")
    });
    set(&mut v, "id", json!(rs.id));
    set(&mut v, "name", json!(rs.name));
    set(&mut v, "target", json!("branch"));
    set(&mut v, "source_type", json!(source_type));
    set(&mut v, "source", json!(source));
    set(&mut v, "enforcement", json!(rs.enforcement));
    set(
        &mut v,
        "bypass_actors",
        Value::Array(
            rs.bypass_actors
                .iter()
                .map(|b| json!({"actor_id": b.actor_id, "actor_type": b.actor_type, "bypass_mode": b.bypass_mode}))
                .collect(),
        ),
    );
    let mut conditions = json!({"ref_name": {"include": rs.include, "exclude": []}});
    if source_type == "Organization" {
        let repos = if rs.repositories.is_empty() {
            json!(["~ALL"])
        } else {
            json!(rs.repositories)
        };
        set(
            &mut conditions,
            "repository_name",
            json!({"include": repos, "exclude": [], "protected": false}),
        );
    }
    set(&mut v, "conditions", conditions);
    set(&mut v, "rules", Value::Array(ruleset_rules(&rs.rules)));
    let path = if source_type == "Organization" {
        format!("{base}/orgs/{source}/rulesets/{}", rs.id)
    } else {
        format!("{base}/repos/{source}/rulesets/{}", rs.id)
    };
    set(&mut v, "_links", json!({"self": {"href": path}}));
    v
}

/// One entry of `GET /repos/{o}/{r}/rules/branches/{branch}`.
pub fn branch_rule(rule: &Value, rs: &Ruleset, source_type: &str, source: &str) -> Value {
    let mut r = rule.clone();
    set(&mut r, "ruleset_source_type", json!(source_type));
    set(&mut r, "ruleset_source", json!(source));
    set(&mut r, "ruleset_id", json!(rs.id));
    r
}

/// Actions permissions of an org (`GET /orgs/{org}/actions/permissions`).
pub fn org_actions(a: &ActionsSettings, org_id: u64, base: &str) -> Value {
    let mut v = parse(fixture!("GET_orgs_{org}_actions_permissions.json"));
    set(
        &mut v,
        "enabled_repositories",
        json!(a.enabled_repositories),
    );
    set(&mut v, "allowed_actions", json!(a.allowed_actions));
    set(
        &mut v,
        "sha_pinning_required",
        json!(a.sha_pinning_required),
    );
    set(
        &mut v,
        "selected_actions_url",
        json!(format!(
            "{base}/organizations/{org_id}/actions/permissions/selected-actions"
        )),
    );
    v
}

/// Actions permissions of a repository.
pub fn repo_actions(a: &ActionsSettings, repo_id: u64, base: &str) -> Value {
    let mut v = parse(fixture!(
        "GET_repos_{owner}_{repo}_actions_permissions.json"
    ));
    set(&mut v, "enabled", json!(a.enabled));
    set(&mut v, "allowed_actions", json!(a.allowed_actions));
    set(
        &mut v,
        "sha_pinning_required",
        json!(a.sha_pinning_required),
    );
    set(
        &mut v,
        "selected_actions_url",
        json!(format!(
            "{base}/repositories/{repo_id}/actions/permissions/selected-actions"
        )),
    );
    v
}

/// Default workflow permissions (org or repo).
pub fn workflow_permissions(a: &ActionsSettings) -> Value {
    let mut v = parse(fixture!("GET_orgs_{org}_actions_permissions_workflow.json"));
    set(
        &mut v,
        "default_workflow_permissions",
        json!(a.default_workflow_permissions),
    );
    set(
        &mut v,
        "can_approve_pull_request_reviews",
        json!(a.can_approve_pull_request_reviews),
    );
    v
}

/// Fork PR contributor approval policy.
pub fn fork_pr_approval(a: &ActionsSettings) -> Value {
    let mut v = parse(fixture!(
        "GET_orgs_{org}_actions_permissions_fork-pr-contributor-approval.json"
    ));
    set(&mut v, "approval_policy", json!(a.fork_pr_approval_policy));
    v
}

/// A runner.
pub fn runner(r: &Runner) -> Value {
    let mut v = first_item(
        fixture!("GET_orgs_{org}_actions_runners.json"),
        Some("runners"),
    );
    set(&mut v, "id", json!(r.id));
    set(&mut v, "name", json!(r.name));
    set(&mut v, "os", json!(r.os));
    set(&mut v, "status", json!(r.status));
    set(&mut v, "busy", json!(r.busy));
    let os_label = match r.os.as_str() {
        "macos" => "macOS",
        "windows" => "Windows",
        _ => "Linux",
    };
    let mut labels = vec![
        json!({"id": 5, "name": "self-hosted", "type": "read-only"}),
        json!({"id": 7, "name": "X64", "type": "read-only"}),
        json!({"id": 11, "name": os_label, "type": "read-only"}),
    ];
    for l in &r.labels {
        labels.push(json!({"id": id_for(l) % 10_000, "name": l, "type": "custom"}));
    }
    set(&mut v, "labels", Value::Array(labels));
    if let Some(g) = r.group_id {
        set(&mut v, "runner_group_id", json!(g));
    }
    v
}

/// A runner group.
pub fn runner_group(g: &RunnerGroup, org: &str, base: &str) -> Value {
    let mut v = first_item(
        fixture!("GET_orgs_{org}_actions_runner-groups.json"),
        Some("runner_groups"),
    );
    set(&mut v, "id", json!(g.id));
    set(&mut v, "name", json!(g.name));
    set(&mut v, "visibility", json!(g.visibility));
    set(&mut v, "default", json!(g.default));
    set(
        &mut v,
        "allows_public_repositories",
        json!(g.allows_public_repositories),
    );
    set(
        &mut v,
        "restricted_to_workflows",
        json!(g.restricted_to_workflows),
    );
    set(&mut v, "selected_workflows", json!(g.selected_workflows));
    set(
        &mut v,
        "runners_url",
        json!(format!(
            "{base}/orgs/{org}/actions/runner_groups/{}/runners",
            g.id
        )),
    );
    v
}

/// An org secret (visibility, `selected_repositories_url`, and the scenario's dates when given).
pub fn org_secret(sec: &OrgSecret, org: &str, base: &str, kind: &str) -> Value {
    let mut v = first_item(
        fixture!("GET_orgs_{org}_actions_secrets.json"),
        Some("secrets"),
    );
    let (name, visibility) = (sec.name.as_str(), sec.visibility.as_str());
    set(&mut v, "name", json!(name));
    set(&mut v, "visibility", json!(visibility));
    if let Some(at) = &sec.created_at {
        set(&mut v, "created_at", json!(at));
    }
    if let Some(at) = &sec.updated_at {
        set(&mut v, "updated_at", json!(at));
    }
    if visibility == "selected" {
        set(
            &mut v,
            "selected_repositories_url",
            json!(format!(
                "{base}/orgs/{org}/{kind}/secrets/{name}/repositories"
            )),
        );
    } else if let Value::Object(m) = &mut v {
        m.remove("selected_repositories_url");
    }
    v
}

/// A repository or environment secret.
pub fn repo_secret(name: &str) -> Value {
    let mut v = first_item(
        fixture!("GET_repos_{owner}_{repo}_actions_secrets.json"),
        Some("secrets"),
    );
    set(&mut v, "name", json!(name));
    v
}

/// A variable (org variables carry a visibility).
pub fn variable(name: &str, value: &str, visibility: Option<&str>) -> Value {
    let mut v = first_item(
        fixture!("GET_orgs_{org}_actions_variables.json"),
        Some("variables"),
    );
    set(&mut v, "name", json!(name));
    set(&mut v, "value", json!(value));
    match visibility {
        Some(vis) => set(&mut v, "visibility", json!(vis)),
        None => {
            if let Value::Object(m) = &mut v {
                m.remove("visibility");
                m.remove("selected_repositories_url");
            }
        }
    }
    v
}

/// An environment.
pub fn environment(org: &Org, repo: &Repo, env: &Environment, base: &str) -> Value {
    let mut v = first_item(
        fixture!("GET_repos_{owner}_{repo}_environments.json"),
        Some("environments"),
    );
    let full = format!("{}/{}", org.login, repo.name);
    let id = if env.id != 0 {
        env.id
    } else {
        id_for(&format!("{full}:{}", env.name))
    };
    set(&mut v, "id", json!(id));
    set(&mut v, "name", json!(env.name));
    set(
        &mut v,
        "url",
        json!(format!("{base}/repos/{full}/environments/{}", env.name)),
    );
    set(&mut v, "can_admins_bypass", json!(env.can_admins_bypass));
    let mut rules = Vec::new();
    if env.wait_timer > 0 {
        rules.push(json!({"id": id_for(&format!("{id}wt")), "node_id": "GA_wait", "type": "wait_timer", "wait_timer": env.wait_timer}));
    }
    if !env.reviewers.is_empty() {
        let reviewers: Vec<Value> = env
            .reviewers
            .iter()
            .map(|r| {
                let (kind, name) = r.split_once(':').unwrap_or(("User", r.as_str()));
                if kind == "Team" {
                    json!({"type": "Team", "reviewer": {"id": id_for(name), "slug": name, "name": name, "privacy": "closed", "permission": "push", "parent": null}})
                } else {
                    json!({"type": "User", "reviewer": user(name, base)})
                }
            })
            .collect();
        rules.push(json!({"id": id_for(&format!("{id}rr")), "node_id": "GA_rr", "prevent_self_review": env.prevent_self_review, "type": "required_reviewers", "reviewers": reviewers}));
    }
    match env.deployment_branch_policy.as_deref() {
        Some(p) => {
            rules.push(json!({"id": id_for(&format!("{id}bp")), "node_id": "GA_bp", "type": "branch_policy"}));
            set(
                &mut v,
                "deployment_branch_policy",
                json!({
                    "protected_branches": p == "protected_branches",
                    "custom_branch_policies": p == "custom"
                }),
            );
        }
        None => set(&mut v, "deployment_branch_policy", Value::Null),
    }
    set(&mut v, "protection_rules", Value::Array(rules));
    v
}

/// A collaborator with permissions and `role_name`.
pub fn collaborator(login: &str, permission: &str, base: &str) -> Value {
    let mut v = first_item(
        fixture!("GET_repos_{owner}_{repo}_collaborators.json"),
        None,
    );
    let u = user(login, base);
    for key in ["login", "id", "url", "html_url"] {
        if let Some(x) = u.get(key) {
            set(&mut v, key, x.clone());
        }
    }
    let rank = perm_rank(permission);
    set(
        &mut v,
        "permissions",
        json!({
            "pull": rank >= 1, "triage": rank >= 2, "push": rank >= 3, "maintain": rank >= 4, "admin": rank >= 5
        }),
    );
    set(&mut v, "role_name", json!(permission));
    v
}

/// Rank of a permission name (API `pull`/`push` or UI `read`/`write` spellings).
pub fn perm_rank(p: &str) -> u8 {
    match p {
        "admin" => 5,
        "maintain" => 4,
        "push" | "write" => 3,
        "triage" => 2,
        "pull" | "read" => 1,
        _ => 0,
    }
}

/// A team.
pub fn team(t: &Team, org: &str, base: &str, parent: Option<&Team>) -> Value {
    let mut v = first_item(fixture!("GET_orgs_{org}_teams.json"), None);
    set(&mut v, "id", json!(id_for(&format!("{org}/{}", t.slug))));
    set(&mut v, "slug", json!(t.slug));
    set(
        &mut v,
        "name",
        json!(t.name.clone().unwrap_or_else(|| t.slug.clone())),
    );
    set(&mut v, "description", json!(t.description));
    set(&mut v, "privacy", json!(t.privacy));
    set(
        &mut v,
        "url",
        json!(format!("{base}/orgs/{org}/teams/{}", t.slug)),
    );
    set(
        &mut v,
        "parent",
        match parent {
            Some(p) => {
                json!({"id": id_for(&format!("{org}/{}", p.slug)), "slug": p.slug, "name": p.name.clone().unwrap_or_else(|| p.slug.clone())})
            }
            None => Value::Null,
        },
    );
    v
}

/// A webhook (org or repo shape).
pub fn hook(h: &Hook, org_level: bool, path: &str) -> Value {
    let mut v = if org_level {
        first_item(fixture!("GET_orgs_{org}_hooks.json"), None)
    } else {
        first_item(fixture!("GET_repos_{owner}_{repo}_hooks.json"), None)
    };
    set(&mut v, "id", json!(h.id));
    set(&mut v, "active", json!(h.active));
    set(&mut v, "events", json!(h.events));
    set(&mut v, "url", json!(format!("{path}/{}", h.id)));
    let mut config = json!({
        "url": h.url,
        "content_type": h.content_type,
        "insecure_ssl": if h.insecure_ssl { "1" } else { "0" },
    });
    if h.secret {
        set(&mut config, "secret", json!("********"));
    }
    set(&mut v, "config", config);
    v
}

/// A deploy key (with the documented `added_by`, `last_used`, `enabled`).
pub fn deploy_key(k: &super::scenario::DeployKey, path: &str) -> Value {
    let mut v = first_item(fixture!("GET_repos_{owner}_{repo}_keys.json"), None);
    set(&mut v, "id", json!(k.id));
    set(&mut v, "title", json!(k.title));
    set(&mut v, "read_only", json!(k.read_only));
    set(&mut v, "verified", json!(k.verified));
    set(&mut v, "created_at", json!(k.created_at));
    set(&mut v, "url", json!(format!("{path}/{}", k.id)));
    set(&mut v, "added_by", json!(k.added_by));
    set(&mut v, "last_used", json!(k.last_used));
    set(&mut v, "enabled", json!(true));
    v
}

/// An installation.
pub fn installation(i: &Installation, org: &Org, base: &str) -> Value {
    let mut v = first_item(
        fixture!("GET_orgs_{org}_installations.json"),
        Some("installations"),
    );
    set(&mut v, "id", json!(i.id));
    set(&mut v, "app_id", json!(i.app_id));
    set(&mut v, "app_slug", json!(i.app_slug));
    set(&mut v, "target_id", json!(org_id(org)));
    set(
        &mut v,
        "repository_selection",
        json!(i.repository_selection),
    );
    set(&mut v, "permissions", json!(i.permissions));
    set(&mut v, "events", json!(i.events));
    set(
        &mut v,
        "access_tokens_url",
        json!(format!("{base}/app/installations/{}/access_tokens", i.id)),
    );
    if let Some(acct) = v.get_mut("account") {
        set(acct, "login", json!(org.login));
        set(acct, "id", json!(org_id(org)));
    }
    if i.suspended {
        set(&mut v, "suspended_at", json!("2026-01-01T00:00:00Z"));
        set(&mut v, "suspended_by", user("octo-admin", base));
    }
    v
}

/// `GET /orgs/{org}/copilot/billing` (the `copilot-organization-details` shape).
pub fn copilot_billing(c: &Copilot) -> Value {
    json!({
        "seat_breakdown": {
            "total": c.seats, "added_this_cycle": 0, "pending_invitation": 0,
            "pending_cancellation": 0, "active_this_cycle": c.seats, "inactive_this_cycle": 0
        },
        "public_code_suggestions": c.public_code_suggestions,
        "ide_chat": "enabled",
        "platform_chat": "enabled",
        "cli": "enabled",
        "seat_management_setting": c.seat_management_setting,
        "plan_type": "business"
    })
}

/// A member for `/orgs/{org}/members`.
pub fn member(m: &Member, base: &str) -> Value {
    user(&m.login, base)
}

fn mini_repo(org: &Org, repo_name: &str, base: &str) -> Value {
    let full = format!("{}/{repo_name}", org.login);
    json!({"id": id_for(&full), "name": repo_name, "full_name": full,
        "private": true, "url": format!("{base}/repos/{full}"), "html_url": format!("https://github.com/{full}")})
}

/// A security alert in the org-level list shape of its kind.
pub fn alert(a: &Alert, org: &Org, base: &str) -> Value {
    let full = format!("{}/{}", org.login, a.repo);
    let (url, html) = match a.kind.as_str() {
        "secret_scanning" => (
            format!("{base}/repos/{full}/secret-scanning/alerts/{}", a.number),
            format!(
                "https://github.com/{full}/security/secret-scanning/{}",
                a.number
            ),
        ),
        "code_scanning" => (
            format!("{base}/repos/{full}/code-scanning/alerts/{}", a.number),
            format!(
                "https://github.com/{full}/security/code-scanning/{}",
                a.number
            ),
        ),
        _ => (
            format!("{base}/repos/{full}/dependabot/alerts/{}", a.number),
            format!("https://github.com/{full}/security/dependabot/{}", a.number),
        ),
    };
    let repository = mini_repo(org, &a.repo, base);
    match a.kind.as_str() {
        "secret_scanning" => json!({
            "number": a.number, "created_at": a.created_at, "updated_at": a.created_at,
            "url": url, "html_url": html, "state": a.state,
            "resolution": if a.state == "resolved" { json!("revoked") } else { Value::Null },
            "resolved_at": a.fixed_at, "secret_type": a.package_or_secret_type,
            "secret_type_display_name": a.package_or_secret_type, "validity": "unknown",
            "repository": repository, "push_protection_bypassed": false
        }),
        "code_scanning" => json!({
            "number": a.number, "created_at": a.created_at, "updated_at": a.created_at,
            "url": url, "html_url": html, "state": a.state, "fixed_at": a.fixed_at,
            "dismissed_at": null, "dismissed_by": null, "dismissed_reason": null,
            "rule": {"id": a.rule, "severity": a.severity, "security_severity_level": a.severity, "description": a.rule, "name": a.rule},
            "tool": {"name": a.tool.as_deref().unwrap_or("CodeQL"), "guid": null, "version": if a.tool.is_some() { Value::Null } else { json!("2.20.0") }},
            "most_recent_instance": {"ref": "refs/heads/main", "state": a.state},
            "repository": repository
        }),
        _ => json!({
            "number": a.number, "state": a.state,
            "dependency": {"package": {"ecosystem": "npm", "name": a.package_or_secret_type}, "manifest_path": "package-lock.json", "scope": "runtime"},
            "security_advisory": {"ghsa_id": a.rule, "severity": a.severity, "summary": a.rule},
            "security_vulnerability": {"package": {"ecosystem": "npm", "name": a.package_or_secret_type}, "severity": a.severity},
            "url": url, "html_url": html, "created_at": a.created_at, "updated_at": a.created_at,
            "fixed_at": a.fixed_at, "dismissed_at": null, "auto_dismissed_at": null,
            "repository": repository
        }),
    }
}

/// A repository as listed by `GET /orgs/{org}/teams/{slug}/repos` (with `role_name`).
pub fn team_repo(org: &Org, repo: &Repo, permission: &str, base: &str) -> Value {
    let mut v = self::repo(org, repo, base, true);
    let rank = perm_rank(permission);
    set(
        &mut v,
        "permissions",
        json!({
            "pull": rank >= 1, "triage": rank >= 2, "push": rank >= 3, "maintain": rank >= 4, "admin": rank >= 5
        }),
    );
    set(
        &mut v,
        "role_name",
        json!(match permission {
            "pull" => "read",
            "push" => "write",
            p => p,
        }),
    );
    v
}

/// GitHub's error body.
pub fn error_body(message: &str, status: u16) -> Value {
    json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_shas_are_pinned() {
        assert_eq!(id_for("acme"), 1_131_075_088);
        assert_eq!(sha_for("hello"), "a430d84680aabd0b1b6dad4264751614f45754b4");
        assert_eq!(fnv1a_from(FNV_OFFSET_BASIS, ""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_from(FNV_OFFSET_BASIS, "a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn base64_is_wrapped_at_60_columns() {
        assert_eq!(base64_wrapped(b""), "\n");
        assert_eq!(base64_wrapped(b"foo"), "Zm9v\n");
        assert_eq!(base64_wrapped(b"f"), "Zg==\n");
        let one_line = base64_wrapped(&[b'x'; 45]);
        assert_eq!(one_line.len(), 61);
        assert!(!one_line[..60].contains('\n'));
        let two_lines = base64_wrapped(&[b'x'; 46]);
        let lines: Vec<&str> = two_lines.split_terminator('\n').collect();
        assert_eq!(lines.iter().map(|l| l.len()).collect::<Vec<_>>(), [60, 4]);
        let joined: String = lines.concat();
        assert_eq!(STANDARD.decode(joined).unwrap(), vec![b'x'; 46]);
    }
}
