//! Batched GraphQL reads: one `POST /graphql` answers, for [`BATCH_SIZE`] repositories at once,
//! what REST needs six or more calls per repository for — the default branch's classic
//! protection and active rules, direct collaborators, whether there are deploy keys or
//! environments at all, and the file listing (root two levels deep, `.github` three) with the
//! text of the `.github` files (workflows included).
//!
//! Everything is translated into the REST shapes the collector already consumes, so the tables
//! come out the same whichever API answered. Anything the batch could not answer — a failed
//! request, an `errors` entry for one repository or one field, a list longer than one page, a
//! truncated or binary blob — is left `None` and the collector asks REST for it, so a GraphQL
//! problem costs requests, never data.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

/// Repositories per GraphQL request.
pub(crate) const BATCH_SIZE: usize = 20;

/// What a batch learned about one repository, in REST shapes; `None` = ask REST.
#[derive(Debug, Default)]
pub(crate) struct Prefetch {
    /// Classic protection of the default branch (`GET .../branches/{b}/protection` shape);
    /// `Some(None)` = not protected.
    pub protection: Option<Option<Value>>,
    /// Active rules on the default branch (`GET .../rules/branches/{b}` items).
    pub rules: Option<Vec<Value>>,
    /// Bypass actors of the rulesets behind `rules`, by ruleset id (REST `bypass_actors` items);
    /// a ruleset is absent when its list was longer than a page.
    pub bypass: HashMap<String, Vec<Value>>,
    /// Direct collaborators (`GET .../collaborators?affiliation=direct` items: login, role_name).
    pub collaborators: Option<Vec<Value>>,
    /// Number of deploy keys.
    pub deploy_keys: Option<u64>,
    /// Number of environments.
    pub environments: Option<u64>,
    /// Files of the default branch at the depths listed: path → (blob oid, text when fetched).
    pub files: Option<BTreeMap<String, (String, Option<String>)>>,
}

const FRAGMENTS: &str = r#"
fragment Repo on Repository {
  name
  viewerPermission
  defaultBranchRef {
    name
    branchProtectionRule {
      requiresApprovingReviews requiredApprovingReviewCount dismissesStaleReviews
      requiresCodeOwnerReviews requireLastPushApproval requiresConversationResolution
      requiresStatusChecks requiresStrictStatusChecks requiredStatusChecks { context }
      requiresCommitSignatures requiresLinearHistory allowsForcePushes allowsDeletions
      isAdminEnforced
    }
    rules(first: 50) {
      totalCount
      nodes {
        type
        parameters {
          ... on PullRequestParameters {
            requiredApprovingReviewCount dismissStaleReviewsOnPush requireCodeOwnerReview
            requireLastPushApproval requiredReviewThreadResolution
          }
          ... on RequiredStatusChecksParameters {
            strictRequiredStatusChecksPolicy requiredStatusChecks { context integrationId }
          }
        }
        repositoryRuleset {
          databaseId enforcement source { __typename }
          bypassActors(first: 20) {
            totalCount
            nodes {
              actor { __typename ... on App { databaseId } ... on Team { databaseId } }
              bypassMode organizationAdmin repositoryRoleDatabaseId deployKey enterpriseOwner
            }
          }
        }
      }
    }
  }
  collaborators(first: 100, affiliation: DIRECT) {
    totalCount
    edges { permission node { login } }
  }
  deployKeys(first: 1) { totalCount }
  environments(first: 1) { totalCount }
  root: object(expression: "HEAD:") { ...Listing }
  dotGithub: object(expression: "HEAD:.github") { ...Contents }
}
fragment Listing on Tree {
  entries { name type oid object { ... on Tree { entries { name type oid } } } }
}
fragment Contents on Tree {
  entries {
    name type oid
    object {
      ...Text
      ... on Tree {
        entries {
          name type oid
          object { ...Text ... on Tree { entries { name type oid } } }
        }
      }
    }
  }
}
fragment Text on Blob { text isBinary isTruncated }
"#;

/// The request body (query + variables) for `names` in `owner`.
pub(crate) fn request(owner: &str, names: &[String]) -> Value {
    let mut header = String::from("query Batch($owner: String!");
    let mut body = String::new();
    let mut variables = Map::new();
    variables.insert("owner".into(), json!(owner));
    for (i, name) in names.iter().enumerate() {
        header.push_str(&format!(", $n{i}: String!"));
        body.push_str(&format!(
            "  r{i}: repository(owner: $owner, name: $n{i}) {{ ...Repo }}\n"
        ));
        variables.insert(format!("n{i}"), json!(name));
    }
    json!({
        "query": format!("{header}) {{\n{body}}}\n{FRAGMENTS}"),
        "variables": variables,
    })
}

/// The GraphQL endpoint next to a REST base URL: `https://api.github.com` →
/// `https://api.github.com/graphql`; GHES `https://HOST/api/v3` → `https://HOST/api/graphql`.
pub(crate) fn endpoint(rest_base: &str) -> String {
    let base = rest_base.trim_end_matches('/');
    match base.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{base}/graphql"),
    }
}

/// Splits a response for `names` into one [`Prefetch`] per repository name. Repositories the
/// response has nothing usable for are absent. `Err` (with GitHub's message) when the request
/// was refused as a whole: an error without a path, or no `data`.
pub(crate) fn parse(
    names: &[String],
    response: &Value,
) -> Result<HashMap<String, Prefetch>, String> {
    // Fields of a repository that an `errors` entry made unusable ("" = the whole repository).
    let mut broken: HashMap<String, Vec<String>> = HashMap::new();
    for e in response
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let path: Vec<&str> = e
            .get("path")
            .and_then(Value::as_array)
            .map(|p| p.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match path.as_slice() {
            [] => {
                return Err(e
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("an error without a path")
                    .to_string());
            }
            [alias] => broken
                .entry((*alias).to_string())
                .or_default()
                .push(String::new()),
            [alias, field, ..] => broken
                .entry((*alias).to_string())
                .or_default()
                .push((*field).to_string()),
        }
    }
    let Some(data) = response.get("data").and_then(Value::as_object) else {
        return Err(response
            .pointer("/errors/0/message")
            .and_then(Value::as_str)
            .unwrap_or("the response has no data")
            .to_string());
    };
    let mut out = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        let alias = format!("r{i}");
        let bad = broken.get(&alias).cloned().unwrap_or_default();
        if bad.iter().any(String::is_empty) {
            continue;
        }
        let Some(repo) = data.get(&alias).filter(|v| v.is_object()) else {
            continue;
        };
        let ok = |field: &str| !bad.iter().any(|b| b == field);
        out.insert(name.clone(), repository(repo, &ok));
    }
    Ok(out)
}

fn repository(repo: &Value, ok: &dyn Fn(&str) -> bool) -> Prefetch {
    let mut p = Prefetch::default();
    let branch = repo.get("defaultBranchRef");
    if ok("defaultBranchRef") {
        match branch {
            // An empty repository: nothing protected, no rules, no files.
            Some(Value::Null) => {
                p.protection = Some(None);
                p.rules = Some(Vec::new());
                p.files = Some(BTreeMap::new());
            }
            Some(b) => {
                p.protection = b.get("branchProtectionRule").map(protection);
                p.rules = b.get("rules").and_then(rules);
                p.bypass = b.get("rules").map(bypass_actors).unwrap_or_default();
            }
            None => {}
        }
    }
    if ok("collaborators") {
        p.collaborators = repo.get("collaborators").and_then(collaborators);
    }
    if ok("deployKeys") {
        p.deploy_keys = total(repo.get("deployKeys"));
    }
    if ok("environments") {
        p.environments = total(repo.get("environments"));
    }
    if p.files.is_none() && ok("root") && ok("dotGithub") {
        p.files = files(repo);
    }
    // Below admin, GitHub may answer "no protection rule", "no bypass actors" or "no deploy
    // keys" for what it hides: leave those to REST, which says when it cannot see them.
    let empty = matches!(branch, Some(Value::Null));
    if repo.get("viewerPermission").and_then(Value::as_str) != Some("ADMIN") {
        if p.protection == Some(None) && !empty {
            p.protection = None;
        }
        p.bypass.clear();
        p.deploy_keys = None;
    }
    p
}

fn total(conn: Option<&Value>) -> Option<u64> {
    conn?.get("totalCount")?.as_u64()
}

/// A connection's `key` list (`nodes` or `edges`) when it holds every item (`totalCount`);
/// `None` when there are more pages, which REST then reads.
fn whole_page<'a>(conn: &'a Value, key: &str) -> Option<&'a Vec<Value>> {
    let items = conn.get(key)?.as_array()?;
    (total(Some(conn))? <= items.len() as u64).then_some(items)
}

/// A `BranchProtectionRule` (or null) as the REST protection object.
fn protection(rule: &Value) -> Option<Value> {
    if rule.is_null() {
        return None;
    }
    let flag = |k: &str| rule.get(k).and_then(Value::as_bool).unwrap_or(false);
    let enabled = |k: &str| json!({ "enabled": flag(k) });
    let mut out = Map::new();
    if flag("requiresApprovingReviews") {
        out.insert(
            "required_pull_request_reviews".into(),
            json!({
                "required_approving_review_count": rule.get("requiredApprovingReviewCount").cloned().unwrap_or(json!(0)),
                "dismiss_stale_reviews": flag("dismissesStaleReviews"),
                "require_code_owner_reviews": flag("requiresCodeOwnerReviews"),
                "require_last_push_approval": flag("requireLastPushApproval"),
            }),
        );
    }
    if flag("requiresStatusChecks") {
        let checks: Vec<Value> = rule
            .get("requiredStatusChecks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("context").cloned())
            .collect();
        out.insert(
            "required_status_checks".into(),
            json!({
                "strict": flag("requiresStrictStatusChecks"),
                "contexts": checks,
                "checks": checks.iter().map(|c| json!({"context": c})).collect::<Vec<_>>(),
            }),
        );
    }
    out.insert("enforce_admins".into(), enabled("isAdminEnforced"));
    out.insert(
        "required_signatures".into(),
        enabled("requiresCommitSignatures"),
    );
    out.insert(
        "required_linear_history".into(),
        enabled("requiresLinearHistory"),
    );
    out.insert("allow_force_pushes".into(), enabled("allowsForcePushes"));
    out.insert("allow_deletions".into(), enabled("allowsDeletions"));
    out.insert(
        "required_conversation_resolution".into(),
        enabled("requiresConversationResolution"),
    );
    Some(Value::Object(out))
}

/// `Ref.rules` as `rules/branches` items (active rulesets only); `None` when more than a page.
fn rules(conn: &Value) -> Option<Vec<Value>> {
    Some(
        whole_page(conn, "nodes")?
            .iter()
            .filter(|n| {
                n.pointer("/repositoryRuleset/enforcement")
                    .and_then(Value::as_str)
                    .is_none_or(|e| e.eq_ignore_ascii_case("active"))
            })
            .map(|n| {
                let mut rule = Map::new();
                let kind = n.get("type").and_then(Value::as_str).unwrap_or("");
                rule.insert("type".into(), json!(kind.to_ascii_lowercase()));
                if let Some(params) = n.get("parameters").filter(|p| p.is_object()) {
                    rule.insert("parameters".into(), snake_keys(params));
                }
                let rs = n.get("repositoryRuleset");
                if let Some(id) = rs
                    .and_then(|r| r.get("databaseId"))
                    .filter(|v| !v.is_null())
                {
                    rule.insert("ruleset_id".into(), id.clone());
                }
                if let Some(source) = rs.and_then(|r| r.pointer("/source/__typename")) {
                    rule.insert("ruleset_source_type".into(), source.clone());
                }
                Value::Object(rule)
            })
            .collect(),
    )
}

/// The bypass actors of every ruleset behind `Ref.rules`, as REST `bypass_actors` items.
fn bypass_actors(conn: &Value) -> HashMap<String, Vec<Value>> {
    let mut out = HashMap::new();
    for n in conn
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(rs) = n.get("repositoryRuleset") else {
            continue;
        };
        let Some(id) = rs.get("databaseId").and_then(Value::as_u64) else {
            continue;
        };
        let Some(actors) = rs.get("bypassActors").filter(|b| !b.is_null()) else {
            continue;
        };
        let Some(nodes) = whole_page(actors, "nodes") else {
            continue;
        };
        let list = nodes
            .iter()
            .map(|a| {
                let flag = |k: &str| a.get(k).and_then(Value::as_bool).unwrap_or(false);
                let (kind, id) = if flag("organizationAdmin") {
                    ("OrganizationAdmin", json!(1))
                } else if flag("deployKey") {
                    ("DeployKey", Value::Null)
                } else if flag("enterpriseOwner") {
                    ("EnterpriseOwner", Value::Null)
                } else if let Some(role) = a.get("repositoryRoleDatabaseId").filter(|v| !v.is_null()) {
                    ("RepositoryRole", role.clone())
                } else {
                    let actor = a.get("actor");
                    let kind = match actor.and_then(|x| x.get("__typename")).and_then(Value::as_str) {
                        Some("App") => "Integration",
                        Some("Team") => "Team",
                        _ => "Unknown",
                    };
                    (kind, actor.and_then(|x| x.get("databaseId")).cloned().unwrap_or(Value::Null))
                };
                json!({
                    "actor_id": id,
                    "actor_type": kind,
                    "bypass_mode": a.get("bypassMode").and_then(Value::as_str).map(str::to_ascii_lowercase),
                })
            })
            .collect();
        out.insert(id.to_string(), list);
    }
    out
}

/// camelCase keys → snake_case, recursively (`__typename` dropped).
fn snake_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "__typename")
                .map(|(k, v)| (snake(k), snake_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(snake_keys).collect()),
        other => other.clone(),
    }
}

fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Collaborator edges as REST items; `None` when more than a page (REST pages the rest).
fn collaborators(conn: &Value) -> Option<Vec<Value>> {
    Some(
        whole_page(conn, "edges")?
            .iter()
            .filter_map(|e| {
                let login = e.pointer("/node/login")?.as_str()?;
                let role = e.get("permission")?.as_str()?.to_ascii_lowercase();
                Some(json!({"login": login, "role_name": role}))
            })
            .collect(),
    )
}

/// The listed files: the root two levels deep, `.github` three, with text where it came along.
fn files(repo: &Value) -> Option<BTreeMap<String, (String, Option<String>)>> {
    let root = repo.get("root")?;
    if root.is_null() {
        // No tree at HEAD although there is a default branch: let REST decide.
        return None;
    }
    let mut out = BTreeMap::new();
    walk(root, "", &mut out);
    if let Some(dot) = repo.get("dotGithub").filter(|v| !v.is_null()) {
        walk(dot, ".github/", &mut out);
    }
    Some(out)
}

fn walk(tree: &Value, prefix: &str, out: &mut BTreeMap<String, (String, Option<String>)>) {
    for e in tree
        .get("entries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(kind)) = (
            e.get("name").and_then(Value::as_str),
            e.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        let path = format!("{prefix}{name}");
        match kind {
            "blob" => {
                let oid = e
                    .get("oid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let object = e.get("object");
                let usable = object.is_some_and(|o| {
                    o.get("isBinary").and_then(Value::as_bool) == Some(false)
                        && o.get("isTruncated").and_then(Value::as_bool) == Some(false)
                });
                let text = object
                    .filter(|_| usable)
                    .and_then(|o| o.get("text"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let slot = out.entry(path).or_insert((oid, None));
                if slot.1.is_none() {
                    slot.1 = text;
                }
            }
            "tree" => {
                if let Some(sub) = e.get("object").filter(|o| o.get("entries").is_some()) {
                    walk(sub, &format!("{path}/"), out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_follows_the_rest_base() {
        assert_eq!(
            endpoint("https://api.github.com"),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            endpoint("https://ghe.example.com/api/v3/"),
            "https://ghe.example.com/api/graphql"
        );
    }

    #[test]
    fn an_error_on_one_field_leaves_only_that_field_to_rest() {
        let names = vec!["a".to_string(), "b".to_string()];
        let response = json!({
            "data": {
                "r0": {
                    "viewerPermission": "ADMIN",
                    "defaultBranchRef": {"branchProtectionRule": null, "rules": {"totalCount": 0, "nodes": []}},
                    "collaborators": null,
                    "deployKeys": {"totalCount": 0},
                    "environments": {"totalCount": 2},
                    "root": {"entries": []},
                    "dotGithub": null
                },
                "r1": null
            },
            "errors": [
                {"type": "FORBIDDEN", "path": ["r0", "collaborators"], "message": "no"},
                {"type": "NOT_FOUND", "path": ["r1"], "message": "gone"}
            ]
        });
        let out = parse(&names, &response).expect("partial answer");
        let a = &out["a"];
        assert!(a.collaborators.is_none());
        assert_eq!(a.protection, Some(None));
        assert_eq!(a.rules.as_deref(), Some(&[][..]));
        assert_eq!(a.environments, Some(2));
        assert!(a.files.as_ref().is_some_and(BTreeMap::is_empty));
        assert!(!out.contains_key("b"));
    }

    #[test]
    fn below_admin_an_absent_protection_or_key_list_is_left_to_rest() {
        let names = vec!["a".to_string(), "b".to_string()];
        let repo = |perm: &str| {
            json!({
                "viewerPermission": perm,
                "defaultBranchRef": {"branchProtectionRule": null, "rules": {"totalCount": 0, "nodes": []}},
                "collaborators": {"totalCount": 0, "edges": []},
                "deployKeys": {"totalCount": 0},
                "environments": {"totalCount": 0},
                "root": {"entries": []},
                "dotGithub": null
            })
        };
        let response = json!({"data": {"r0": repo("ADMIN"), "r1": repo("WRITE")}});
        let out = parse(&names, &response).expect("answer");
        assert_eq!(out["a"].protection, Some(None));
        assert_eq!(out["a"].deploy_keys, Some(0));
        assert_eq!(out["b"].protection, None);
        assert_eq!(out["b"].deploy_keys, None);
        assert_eq!(out["b"].environments, Some(0));
    }

    #[test]
    fn a_request_level_error_leaves_everything_to_rest() {
        let names = vec!["a".to_string()];
        let response =
            json!({"errors": [{"message": "Field 'x' doesn't exist on type 'Repository'"}]});
        assert_eq!(
            parse(&names, &response).err().as_deref(),
            Some("Field 'x' doesn't exist on type 'Repository'")
        );
    }

    #[test]
    fn more_than_a_page_is_left_to_rest() {
        let conn =
            json!({"totalCount": 101, "edges": [{"permission": "ADMIN", "node": {"login": "a"}}]});
        assert!(collaborators(&conn).is_none());
        let conn =
            json!({"totalCount": 1, "edges": [{"permission": "MAINTAIN", "node": {"login": "a"}}]});
        assert_eq!(
            collaborators(&conn),
            Some(vec![json!({"login": "a", "role_name": "maintain"})])
        );
    }

    #[test]
    fn rules_translate_to_rest_shapes() {
        let conn = json!({"totalCount": 2, "nodes": [
            {"type": "PULL_REQUEST",
             "parameters": {"__typename": "PullRequestParameters", "requiredApprovingReviewCount": 2, "dismissStaleReviewsOnPush": true},
             "repositoryRuleset": {"databaseId": 7, "enforcement": "ACTIVE", "source": {"__typename": "Organization"}}},
            {"type": "DELETION", "parameters": null,
             "repositoryRuleset": {"databaseId": 8, "enforcement": "EVALUATE", "source": {"__typename": "Repository"}}}
        ]});
        assert_eq!(
            rules(&conn),
            Some(vec![json!({
                "type": "pull_request",
                "parameters": {"required_approving_review_count": 2, "dismiss_stale_reviews_on_push": true},
                "ruleset_id": 7,
                "ruleset_source_type": "Organization"
            })])
        );
    }

    #[test]
    fn truncated_or_binary_blobs_have_no_text() {
        let repo = json!({
            "root": {"entries": [
                {"name": "action.yml", "type": "blob", "oid": "1"},
                {"name": "src", "type": "tree", "oid": "2", "object": {"entries": [{"name": "x.rs", "type": "blob", "oid": "3"}]}}
            ]},
            "dotGithub": {"entries": [
                {"name": "workflows", "type": "tree", "oid": "4", "object": {"entries": [
                    {"name": "ci.yml", "type": "blob", "oid": "5", "object": {"text": "on: push", "isBinary": false, "isTruncated": false}},
                    {"name": "big.yml", "type": "blob", "oid": "6", "object": {"text": "on:", "isBinary": false, "isTruncated": true}}
                ]}}
            ]}
        });
        let f = files(&repo).expect("listed");
        assert_eq!(f["action.yml"], ("1".to_string(), None));
        assert_eq!(f["src/x.rs"].0, "3");
        assert_eq!(f[".github/workflows/ci.yml"].1.as_deref(), Some("on: push"));
        assert_eq!(f[".github/workflows/big.yml"].1, None);
    }
}
