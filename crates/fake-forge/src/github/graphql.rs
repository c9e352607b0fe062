//! `POST /graphql` of the fake GitHub: a small executor over the scenario for the repository
//! fields devquery's collector batches (default-branch protection rule and active rules,
//! collaborators, deploy keys, environments, `object(expression:)` trees and blobs).
//!
//! It behaves like GitHub where the collector can tell: aliases, fragments, inline fragments on
//! `__typename`, variables, connections that demand `first` (≤ 100) and page with `after`,
//! `null` plus an `errors` entry with a `path` for a repository the token cannot see
//! (`NOT_FOUND`) or a field it may not read (`FORBIDDEN`), and a request-level error for a field
//! the schema does not have. Everything is derived from the same scenario the REST routes
//! render, so both APIs always agree.

use std::collections::{BTreeMap, HashMap};

use graphql_parser::query::{self as q, Definition, OperationDefinition, Selection, TypeCondition};
use serde_json::{Map, Value, json};

use super::render;
use super::scenario::{BypassActor, Org, Repo, Rules, Ruleset, Scenario};
use super::server::{find_repo, ruleset_applies};

type Doc<'a> = q::Document<'a, String>;
type SelectionSet<'a> = q::SelectionSet<'a, String>;

/// Marker key of a value the token may not read (becomes `null` + a `FORBIDDEN` error).
const FORBIDDEN: &str = "__forbidden";
/// Marker key of a connection (sliced by `first`/`after`).
const CONNECTION: &str = "__connection";

/// Answers a GraphQL request body (`{"query": ..., "variables": ...}`) with GitHub's response
/// shape: `{"data": ..., "errors": [...]}` (`errors` only when there are some).
pub(crate) fn execute(s: &Scenario, body: &[u8]) -> Value {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return json!({"errors": [{"message": "Problems parsing JSON"}]}),
    };
    let Some(text) = request.get("query").and_then(Value::as_str) else {
        return json!({"errors": [{"message": "A query attribute must be specified and must be a string."}]});
    };
    let doc: Doc<'_> = match q::parse_query::<String>(text) {
        Ok(d) => d,
        Err(e) => {
            return json!({"errors": [{"message": format!("Parse error: {e}")}]});
        }
    };
    let variables = request
        .get("variables")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut fragments = HashMap::new();
    let mut operation = None;
    for def in &doc.definitions {
        match def {
            Definition::Fragment(f) => {
                fragments.insert(f.name.as_str(), f);
            }
            Definition::Operation(OperationDefinition::Query(op)) if operation.is_none() => {
                operation = Some(&op.selection_set);
            }
            Definition::Operation(OperationDefinition::SelectionSet(set))
                if operation.is_none() =>
            {
                operation = Some(set);
            }
            Definition::Operation(_) => {}
        }
    }
    let Some(root) = operation else {
        return json!({"errors": [{"message": "the document has no query operation"}]});
    };
    let mut exec = Executor {
        scenario: s,
        fragments,
        variables,
        errors: Vec::new(),
    };
    match exec.root(root) {
        Ok(data) => {
            let mut out = Map::new();
            out.insert("data".into(), data);
            if !exec.errors.is_empty() {
                out.insert("errors".into(), Value::Array(exec.errors));
            }
            Value::Object(out)
        }
        Err(message) => json!({"errors": [{"message": message}]}),
    }
}

struct Executor<'a, 'd> {
    scenario: &'a Scenario,
    fragments: HashMap<&'d str, &'d q::FragmentDefinition<'d, String>>,
    variables: Map<String, Value>,
    errors: Vec<Value>,
}

/// The fields of a selection set with fragments expanded for an object of `typename`.
fn fields<'d>(
    set: &'d SelectionSet<'d>,
    typename: &str,
    fragments: &HashMap<&'d str, &'d q::FragmentDefinition<'d, String>>,
    out: &mut Vec<&'d q::Field<'d, String>>,
) -> Result<(), String> {
    for item in &set.items {
        match item {
            Selection::Field(f) => out.push(f),
            Selection::InlineFragment(f) => {
                let applies = match &f.type_condition {
                    Some(TypeCondition::On(t)) => t == typename,
                    None => true,
                };
                if applies {
                    fields(&f.selection_set, typename, fragments, out)?;
                }
            }
            Selection::FragmentSpread(sp) => {
                let def = fragments.get(sp.fragment_name.as_str()).ok_or_else(|| {
                    format!("Fragment {} was used, but not defined", sp.fragment_name)
                })?;
                let TypeCondition::On(t) = &def.type_condition;
                if t == typename {
                    fields(&def.selection_set, typename, fragments, out)?;
                }
            }
        }
    }
    Ok(())
}

impl<'a, 'd> Executor<'a, 'd> {
    fn arg(&self, field: &q::Field<'d, String>, name: &str) -> Option<Value> {
        let (_, v) = field.arguments.iter().find(|(n, _)| n == name)?;
        Some(self.value(v))
    }

    fn value(&self, v: &q::Value<'d, String>) -> Value {
        match v {
            q::Value::Variable(name) => self.variables.get(name).cloned().unwrap_or(Value::Null),
            q::Value::Int(n) => n.as_i64().map(Value::from).unwrap_or(Value::Null),
            q::Value::Float(f) => json!(f),
            q::Value::String(s) => Value::String(s.clone()),
            q::Value::Boolean(b) => Value::Bool(*b),
            q::Value::Null => Value::Null,
            q::Value::Enum(e) => Value::String(e.clone()),
            q::Value::List(items) => Value::Array(items.iter().map(|i| self.value(i)).collect()),
            q::Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), self.value(v))).collect())
            }
        }
    }

    fn root(&mut self, set: &'d SelectionSet<'d>) -> Result<Value, String> {
        let mut list = Vec::new();
        fields(set, "Query", &self.fragments, &mut list)?;
        let mut data = Map::new();
        for f in list {
            let key = f.alias.clone().unwrap_or_else(|| f.name.clone());
            let v = match f.name.as_str() {
                "__typename" => json!("Query"),
                "repository" => {
                    let owner = self.arg(f, "owner");
                    let name = self.arg(f, "name");
                    let (Some(owner), Some(name)) = (
                        owner.as_ref().and_then(Value::as_str),
                        name.as_ref().and_then(Value::as_str),
                    ) else {
                        return Err(
                            "Field 'repository' is missing required arguments: owner, name".into(),
                        );
                    };
                    match find_repo(self.scenario, owner, name) {
                        Some((o, r)) => {
                            let value = repository(self.scenario, o, r);
                            self.select(&value, &f.selection_set, vec![json!(key)], Some((o, r)))?
                        }
                        None => {
                            self.errors.push(json!({
                                "type": "NOT_FOUND",
                                "path": [key],
                                "locations": [],
                                "message": format!("Could not resolve to a Repository with the name '{owner}/{name}'."),
                            }));
                            Value::Null
                        }
                    }
                }
                other => return Err(format!("Field '{other}' doesn't exist on type 'Query'")),
            };
            data.insert(key, v);
        }
        Ok(Value::Object(data))
    }

    /// Applies `set` to `value` (an object, a list of objects, or null).
    fn select(
        &mut self,
        value: &Value,
        set: &'d SelectionSet<'d>,
        path: Vec<Value>,
        repo: Option<(&'a Org, &'a Repo)>,
    ) -> Result<Value, String> {
        match value {
            Value::Null => Ok(Value::Null),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(json!(i));
                    out.push(self.select(item, set, p, repo)?);
                }
                Ok(Value::Array(out))
            }
            Value::Object(obj) => {
                let typename = obj
                    .get("__typename")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let mut list = Vec::new();
                fields(set, &typename, &self.fragments, &mut list)?;
                let mut out = Map::new();
                for f in list {
                    let key = f.alias.clone().unwrap_or_else(|| f.name.clone());
                    let mut p = path.clone();
                    p.push(json!(key));
                    let child = match (typename.as_str(), f.name.as_str(), repo) {
                        ("Repository", "object", Some((_, r))) => {
                            let expr = self.arg(f, "expression");
                            git_object(r, expr.as_ref().and_then(Value::as_str).unwrap_or(""))
                        }
                        _ => match obj.get(&f.name) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(format!(
                                    "Field '{}' doesn't exist on type '{typename}'",
                                    f.name
                                ));
                            }
                        },
                    };
                    let child = if let Some(message) = child.get(FORBIDDEN).and_then(Value::as_str)
                    {
                        self.errors.push(json!({
                            "type": "FORBIDDEN",
                            "path": p,
                            "locations": [],
                            "message": message,
                        }));
                        Value::Null
                    } else if child.get(CONNECTION).is_some() {
                        self.page(&child, f)?
                    } else {
                        child
                    };
                    let v = if f.selection_set.items.is_empty() {
                        child
                    } else {
                        self.select(&child, &f.selection_set, p, repo)?
                    };
                    out.insert(key, v);
                }
                Ok(Value::Object(out))
            }
            leaf => Ok(leaf.clone()),
        }
    }

    /// Slices a connection by `first` and `after` (GitHub requires `first` or `last`, ≤ 100).
    fn page(&self, conn: &Value, field: &q::Field<'d, String>) -> Result<Value, String> {
        let Some(first) = self.arg(field, "first").and_then(|v| v.as_u64()) else {
            return Err(format!(
                "You must provide a `first` or `last` value to properly paginate the `{}` connection.",
                field.name
            ));
        };
        if first > 100 {
            return Err(format!(
                "Requesting {first} records on the `{}` connection exceeds the `first` limit of 100 records.",
                field.name
            ));
        }
        let start = self
            .arg(field, "after")
            .and_then(|v| {
                v.as_str()
                    .and_then(|c| c.strip_prefix("cursor:")?.parse::<usize>().ok())
            })
            .map_or(0, |i| i + 1);
        let nodes: Vec<Value> = conn
            .get("nodes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let total = nodes.len();
        let end = (start + first as usize).min(total);
        let slice: Vec<Value> = nodes.get(start.min(end)..end).unwrap_or_default().to_vec();
        let edges: Vec<Value> = slice
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut e = n.get("__edge").cloned().unwrap_or_else(|| json!({}));
                if let Value::Object(m) = &mut e {
                    m.insert("node".into(), n.clone());
                    m.insert("cursor".into(), json!(format!("cursor:{}", start + i)));
                }
                e
            })
            .collect();
        Ok(json!({
            "totalCount": total,
            "nodes": slice,
            "edges": edges,
            "pageInfo": {
                "hasNextPage": end < total,
                "hasPreviousPage": start > 0,
                "startCursor": (end > start).then(|| format!("cursor:{start}")),
                "endCursor": (end > start).then(|| format!("cursor:{}", end - 1)),
            },
        }))
    }
}

fn connection(nodes: Vec<Value>) -> Value {
    json!({ CONNECTION: true, "nodes": nodes })
}

fn forbidden(message: &str) -> Value {
    json!({ FORBIDDEN: message })
}

/// The GraphQL `Repository` of `r` (every field the executor serves, `object` aside).
fn repository(s: &Scenario, o: &Org, r: &Repo) -> Value {
    let admin = s.token.admin;
    let full = format!("{}/{}", o.login, r.name);
    let collaborators = if admin {
        connection(
            r.collaborators
                .iter()
                .map(|c| {
                    json!({
                        "__typename": "User",
                        "login": c.login,
                        "__edge": {"permission": c.permission.to_ascii_uppercase()},
                    })
                })
                .collect(),
        )
    } else {
        forbidden("Must have push access to view repository collaborators.")
    };
    let deploy_keys = if admin {
        connection(
            r.deploy_keys
                .iter()
                .map(|k| {
                    json!({
                        "__typename": "DeployKey",
                        "databaseId": k.id,
                        "title": k.title,
                        "readOnly": k.read_only,
                        "verified": k.verified,
                        "createdAt": k.created_at,
                    })
                })
                .collect(),
        )
    } else {
        forbidden("Resource not accessible by integration")
    };
    let environments = connection(
        r.environments
            .iter()
            .map(|e| json!({"__typename": "Environment", "name": e.name, "databaseId": e.id}))
            .collect(),
    );
    let default_branch_ref = if r.files.is_empty() {
        Value::Null
    } else {
        let protection = match (&r.protection, admin) {
            (Some(rules), true) => protection_rule(&r.default_branch, rules),
            (None, true) => Value::Null,
            (_, false) => forbidden("Resource not accessible by integration"),
        };
        let mut rules = Vec::new();
        for (list, source) in [(&r.rulesets, "Repository"), (&o.rulesets, "Organization")] {
            for rs in list {
                if ruleset_applies(rs, &r.name, &r.default_branch, &r.default_branch) {
                    let bypass = if admin {
                        connection(rs.bypass_actors.iter().map(bypass_actor).collect())
                    } else {
                        forbidden("Resource not accessible by integration")
                    };
                    for rule in render::ruleset_rules(&rs.rules) {
                        rules.push(repository_rule(&rule, rs, source, bypass.clone()));
                    }
                }
            }
        }
        json!({
            "__typename": "Ref",
            "name": r.default_branch,
            "prefix": "refs/heads/",
            "branchProtectionRule": protection,
            "rules": connection(rules),
        })
    };
    json!({
        "__typename": "Repository",
        "name": r.name,
        "nameWithOwner": full,
        "databaseId": render::repo_id(o, r),
        "isArchived": r.archived,
        "visibility": r.visibility.to_ascii_uppercase(),
        "viewerPermission": if admin { "ADMIN" } else { "READ" },
        "defaultBranchRef": default_branch_ref,
        "collaborators": collaborators,
        "deployKeys": deploy_keys,
        "environments": environments,
    })
}

/// A classic protection as GraphQL's `BranchProtectionRule`.
fn protection_rule(pattern: &str, p: &Rules) -> Value {
    json!({
        "__typename": "BranchProtectionRule",
        "pattern": pattern,
        "requiresApprovingReviews": p.required_approvals.is_some(),
        "requiredApprovingReviewCount": p.required_approvals,
        "dismissesStaleReviews": p.dismiss_stale_reviews,
        "requiresCodeOwnerReviews": p.require_code_owner_review,
        "requireLastPushApproval": p.require_last_push_approval,
        "requiresConversationResolution": p.require_conversation_resolution,
        "requiresStatusChecks": !p.required_status_checks.is_empty(),
        "requiresStrictStatusChecks": p.strict_status_checks,
        "requiredStatusCheckContexts": p.required_status_checks,
        "requiredStatusChecks": p.required_status_checks.iter()
            .map(|c| json!({"__typename": "RequiredStatusCheckDescription", "context": c, "app": null}))
            .collect::<Vec<_>>(),
        "requiresCommitSignatures": p.require_signed_commits,
        "requiresLinearHistory": p.require_linear_history,
        "allowsForcePushes": p.allow_force_pushes,
        "allowsDeletions": p.allow_deletions,
        "isAdminEnforced": p.enforce_admins,
    })
}

/// A REST branch rule (`{"type": "pull_request", "parameters": {...}}`) as GraphQL's
/// `RepositoryRule`: upper-case type, camel-case parameters with their `__typename`.
fn repository_rule(rule: &Value, rs: &Ruleset, source: &str, bypass: Value) -> Value {
    let kind = rule.get("type").and_then(Value::as_str).unwrap_or("");
    let parameters = match rule.get("parameters") {
        Some(Value::Object(p)) => {
            let mut out = Map::new();
            let typename = match kind {
                "pull_request" => "PullRequestParameters",
                "required_status_checks" => "RequiredStatusChecksParameters",
                _ => "RuleParameters",
            };
            out.insert("__typename".into(), json!(typename));
            for (k, v) in p {
                let v = match (k.as_str(), v) {
                    ("required_status_checks", Value::Array(list)) => Value::Array(
                        list.iter()
                            .map(|c| {
                                json!({
                                    "__typename": "StatusCheckConfiguration",
                                    "context": c.get("context").cloned().unwrap_or(Value::Null),
                                    "integrationId": c.get("integration_id").cloned().unwrap_or(Value::Null),
                                })
                            })
                            .collect(),
                    ),
                    _ => v.clone(),
                };
                out.insert(camel(k), v);
            }
            Value::Object(out)
        }
        _ => Value::Null,
    };
    json!({
        "__typename": "RepositoryRule",
        "type": kind.to_ascii_uppercase(),
        "parameters": parameters,
        "repositoryRuleset": {
            "__typename": "RepositoryRuleset",
            "databaseId": rs.id,
            "name": rs.name,
            "enforcement": "ACTIVE",
            "source": {"__typename": source},
            "bypassActors": bypass,
        },
    })
}

/// A REST bypass actor as GraphQL's `RepositoryRulesetBypassActor`: the kind is spread over
/// `actor` (apps and teams), `organizationAdmin`, `repositoryRoleDatabaseId`, `deployKey`.
fn bypass_actor(b: &BypassActor) -> Value {
    let actor = match b.actor_type.as_str() {
        "Integration" => json!({"__typename": "App", "databaseId": b.actor_id}),
        "Team" => json!({"__typename": "Team", "databaseId": b.actor_id}),
        _ => Value::Null,
    };
    json!({
        "__typename": "RepositoryRulesetBypassActor",
        "actor": actor,
        "bypassMode": b.bypass_mode.to_ascii_uppercase(),
        "organizationAdmin": b.actor_type == "OrganizationAdmin",
        "repositoryRoleDatabaseId": if b.actor_type == "RepositoryRole" { json!(b.actor_id) } else { Value::Null },
        "deployKey": b.actor_type == "DeployKey",
        "enterpriseOwner": b.actor_type == "EnterpriseOwner",
    })
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `object(expression: "REV:PATH")` on the default branch (`HEAD` or its name): a `Tree` with
/// nested entries, a `Blob` with its text, or null.
fn git_object(r: &Repo, expression: &str) -> Value {
    let Some((rev, path)) = expression.split_once(':') else {
        return Value::Null;
    };
    if r.files.is_empty() || !(rev == "HEAD" || rev == r.default_branch) {
        return Value::Null;
    }
    let path = path.trim_matches('/');
    if let Some(content) = r.files.get(path) {
        return blob(content);
    }
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    if !r.files.keys().any(|f| f.starts_with(&prefix)) {
        return Value::Null;
    }
    tree(r, &prefix)
}

fn blob(content: &str) -> Value {
    json!({
        "__typename": "Blob",
        "oid": render::sha_for(content),
        "byteSize": content.len(),
        "isBinary": false,
        "isTruncated": false,
        "text": content,
    })
}

/// The tree at `prefix` (`""` = root, else ending in `/`), entries sorted by name.
fn tree(r: &Repo, prefix: &str) -> Value {
    let mut entries: BTreeMap<String, Value> = BTreeMap::new();
    for (path, content) in r.files.range(prefix.to_string()..) {
        let Some(rest) = path.strip_prefix(prefix) else {
            break;
        };
        match rest.split_once('/') {
            None => {
                entries.insert(
                    rest.to_string(),
                    json!({
                        "__typename": "TreeEntry",
                        "name": rest,
                        "path": path,
                        "type": "blob",
                        "mode": 33188,
                        "oid": render::sha_for(content),
                        "object": blob(content),
                    }),
                );
            }
            Some((dir, _)) if !entries.contains_key(dir) => {
                let sub = tree(r, &format!("{prefix}{dir}/"));
                entries.insert(
                    dir.to_string(),
                    json!({
                        "__typename": "TreeEntry",
                        "name": dir,
                        "path": format!("{prefix}{dir}"),
                        "type": "tree",
                        "mode": 16384,
                        "oid": sub.get("oid").cloned().unwrap_or(Value::Null),
                        "object": sub,
                    }),
                );
            }
            Some(_) => {}
        }
    }
    let oid = render::sha_for(
        &entries
            .values()
            .filter_map(|e| e.get("oid").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
    );
    json!({
        "__typename": "Tree",
        "oid": oid,
        "entries": entries.into_values().collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::generate;

    fn run(s: &Scenario, query: &str, variables: Value) -> Value {
        let body =
            serde_json::to_vec(&json!({"query": query, "variables": variables})).expect("body");
        execute(s, &body)
    }

    fn with_workflow() -> (Scenario, String) {
        let s = generate::synthetic("acme", 30, 4);
        let name = s.orgs[0]
            .repos
            .iter()
            .find(|r| r.files.keys().any(|f| f.starts_with(".github/workflows/")))
            .map(|r| r.name.clone())
            .expect("a repository with a workflow");
        (s, name)
    }

    #[test]
    fn aliases_fragments_variables_and_inline_fragments() {
        let (s, name) = with_workflow();
        let out = run(
            &s,
            "query($o: String!, $n: String!) { a: repository(owner: $o, name: $n) { ...R } }
             fragment R on Repository { nameWithOwner
               wf: object(expression: \"HEAD:.github/workflows\") {
                 __typename ... on Tree { entries { name object { ... on Blob { text } } } }
                 ... on Blob { byteSize } } }",
            json!({"o": "acme", "n": name}),
        );
        assert!(out.get("errors").is_none(), "{out}");
        assert_eq!(
            out["data"]["a"]["nameWithOwner"],
            json!(format!("acme/{name}"))
        );
        let wf = &out["data"]["a"]["wf"];
        assert_eq!(wf["__typename"], "Tree");
        assert!(
            wf.get("byteSize").is_none(),
            "the Blob fragment does not apply to a Tree"
        );
        let text = wf["entries"][0]["object"]["text"].as_str().unwrap_or("");
        assert!(text.contains("jobs:"), "{wf}");
    }

    #[test]
    fn connections_need_first_and_page_with_after() {
        let (s, name) = with_workflow();
        let q = "query($n: String!, $after: String) { repository(owner: \"acme\", name: $n) {
                   collaborators(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor }
                     edges { permission node { login } } } } }";
        let first = run(&s, q, json!({"n": name}));
        let conn = &first["data"]["repository"]["collaborators"];
        let total = conn["totalCount"].as_u64().unwrap_or(0);
        assert!(total >= 1, "{first}");
        assert_eq!(conn["edges"].as_array().map(Vec::len), Some(1));
        assert_eq!(conn["pageInfo"]["hasNextPage"], json!(total > 1));
        let cursor = conn["pageInfo"]["endCursor"].clone();
        let second = run(&s, q, json!({"n": name, "after": cursor}));
        let conn2 = &second["data"]["repository"]["collaborators"];
        assert_ne!(conn2["edges"], conn["edges"]);

        let missing = run(
            &s,
            "{ repository(owner: \"acme\", name: \"x\") { collaborators { totalCount } } }",
            json!({}),
        );
        // An unknown repository is a NOT_FOUND error with its path and null data.
        assert_eq!(missing["data"]["repository"], Value::Null);
        assert_eq!(missing["errors"][0]["type"], "NOT_FOUND");
        let no_first = run(
            &s,
            &format!(
                "{{ repository(owner: \"acme\", name: \"{name}\") {{ collaborators {{ totalCount }} }} }}"
            ),
            json!({}),
        );
        assert!(no_first.get("data").is_none());
        assert!(
            no_first["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("`first`")),
            "{no_first}"
        );
    }

    #[test]
    fn unknown_fields_fail_the_request_and_forbidden_ones_are_null_with_a_path() {
        let (mut s, name) = with_workflow();
        let unknown = run(
            &s,
            &format!("{{ repository(owner: \"acme\", name: \"{name}\") {{ webhooks }} }}"),
            json!({}),
        );
        assert!(unknown.get("data").is_none(), "{unknown}");
        s.token.admin = false;
        let out = run(
            &s,
            &format!(
                "{{ r: repository(owner: \"acme\", name: \"{name}\") {{ name collaborators(first: 5) {{ totalCount }} }} }}"
            ),
            json!({}),
        );
        assert_eq!(out["data"]["r"]["name"], json!(name));
        assert_eq!(out["data"]["r"]["collaborators"], Value::Null);
        assert_eq!(out["errors"][0]["type"], "FORBIDDEN");
        assert_eq!(out["errors"][0]["path"], json!(["r", "collaborators"]));
    }

    #[test]
    fn malformed_requests_get_graphql_errors() {
        let s = generate::synthetic("acme", 1, 4);
        assert!(execute(&s, b"{not json").get("errors").is_some());
        let out = run(&s, "{ repository(owner: ", json!({}));
        assert!(
            out["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Parse error")),
            "{out}"
        );
    }
}
