//! Every table the collector fills is populated from the rules scenario, with the values the
//! scenario sets; paging works across continuation tokens.

use devquery_fake_forge::azure::{ServerConfig, synthetic};
use serde_json::Value;

use crate::common::{find, options, rows, rules, start};

const TABLES: &[&str] = &[
    "projects",
    "repositories",
    "branch_policies",
    "pipelines",
    "pipeline_jobs",
    "pipeline_steps",
    "pipeline_settings",
    "secrets",
    "variables",
    "service_connections",
    "resource_authorizations",
    "runner_groups",
    "runners",
    "environments",
    "access_grants",
    "members",
    "teams",
    "collection_runs",
];

#[tokio::test]
async fn every_table_is_populated() {
    let sc = rules();
    let pat = sc.pat.clone();
    let fake = start(sc, ServerConfig::default()).await;
    let opts = options(&fake, "fabrikam", pat.as_deref());
    let ds = devquery_azure_devops::collect(&opts)
        .await
        .expect("collects");
    for t in TABLES {
        assert!(ds.row_count(t) > 0, "table {t} is empty");
    }
    assert_eq!(
        ds.row_count("collection_errors"),
        0,
        "{:?}",
        rows(&ds, "collection_errors")
    );

    let projects = rows(&ds, "projects");
    assert_eq!(projects.len(), 2);
    assert_eq!(
        find(&projects, "project", "legacy")[0]["visibility"],
        "public"
    );

    let repos = rows(&ds, "repositories");
    let pay = find(&repos, "repo", "payments-api")[0];
    assert_eq!(pay["default_branch"], "main");
    assert_eq!(pay["advanced_security"], true);
    assert_eq!(pay["push_protection"], true);
    assert_eq!(pay["full_name"], "secure/payments-api");
    let empty = find(&repos, "repo", "empty")[0];
    assert!(empty.get("default_branch").is_none());

    let bp = rows(&ds, "branch_policies");
    let pay_default: Vec<&Value> = find(&bp, "repo", "payments-api")
        .into_iter()
        .filter(|r| r["applies_to_default_branch"] == true)
        .collect();
    assert_eq!(pay_default.len(), 1);
    let p = pay_default[0];
    assert_eq!(p["source"], "ado_policy");
    assert_eq!(p["branch_pattern"], "refs/heads/main");
    assert_eq!(p["required_approvals"], 2);
    assert_eq!(p["allow_self_approval"], false);
    assert_eq!(p["dismiss_stale_reviews"], true);
    assert_eq!(p["require_last_push_approval"], true);
    assert_eq!(p["require_conversation_resolution"], true);
    assert_eq!(
        p["required_status_checks"],
        serde_json::json!(["payments-ci"])
    );
    // The release/ prefix policy of `web` is a separate, non-default row.
    assert!(bp.iter().any(|r| r["repo"] == "web"
        && r["branch_pattern"] == "refs/heads/release/*"
        && r["applies_to_default_branch"] == false));

    let pipes = rows(&ds, "pipelines");
    let ci = find(&pipes, "pipeline_id", "11")[0];
    assert_eq!(ci["kind"], "azure_yaml");
    assert_eq!(ci["path"], "azure-pipelines.yml");
    assert_eq!(ci["job_auth_scope"], "project");
    assert_eq!(ci["fork_builds"], true);
    assert_eq!(ci["fork_secrets_allowed"], false);
    assert_eq!(
        ci["last_run_at"]
            .as_str()
            .map(|s| s.starts_with("2026-11-20")),
        Some(true)
    );
    let classic = find(&pipes, "pipeline_id", "22")[0];
    assert_eq!(classic["kind"], "azure_classic");
    assert_eq!(classic["job_auth_scope"], "collection");
    assert_eq!(classic["pool"], "Default");
    let jobs = rows(&ds, "pipeline_jobs");
    assert!(
        jobs.iter()
            .any(|j| j["pipeline_id"] == "11" && j["environment"] == "production"),
        "{jobs:?}"
    );
    let steps = rows(&ds, "pipeline_steps");
    assert!(
        steps
            .iter()
            .any(|s| s["pipeline_id"] == "21" && s["kind"] == "task")
    );

    let settings = rows(&ds, "pipeline_settings");
    assert_eq!(
        find(&settings, "project", "secure")[0]["enforce_settable_var"],
        true
    );
    assert_eq!(
        find(&settings, "project", "legacy")[0]["disable_classic_pipeline_creation"],
        false
    );

    let secrets = rows(&ds, "secrets");
    assert!(secrets.iter().any(|s| s["scope"] == "variable_group"
        && s["name"] == "apiKey"
        && s["key_vault_backed"] == false));
    assert!(secrets.iter().any(|s| s["scope"] == "variable_group"
        && s["name"] == "db-connection"
        && s["key_vault_backed"] == true));
    assert!(
        secrets
            .iter()
            .any(|s| s["scope"] == "secure_file" && s["name"] == "signing.pfx")
    );
    assert!(
        secrets
            .iter()
            .any(|s| s["scope"] == "pipeline" && s["name"] == "signingPassword")
    );
    let vars = rows(&ds, "variables");
    assert!(vars.iter().any(|v| v["scope"] == "pipeline"
        && v["name"] == "buildConfiguration"
        && v["allow_override"] == true));
    assert!(vars.iter().any(|v| v["scope"] == "variable_group"
        && v["name"] == "region"
        && v["value"] == "westeurope"));

    let conns = rows(&ds, "service_connections");
    let wif = find(&conns, "name", "prod-wif")[0];
    assert_eq!(wif["auth_scheme"], "WorkloadIdentityFederation");
    assert_eq!(wif["scope_level"], "Subscription");
    let shared: Vec<&Value> = find(&conns, "name", "acr-spn");
    assert!(shared.iter().any(|c| c["project"] == "secure"
        && c["is_shared"] == true
        && c["shared_projects"] == serde_json::json!(["legacy"])));
    assert!(
        shared.iter().any(|c| c["project"] == "legacy"),
        "shared connection visible in legacy"
    );

    let auth = rows(&ds, "resource_authorizations");
    for t in [
        "service_connection",
        "variable_group",
        "secure_file",
        "agent_queue",
        "environment",
    ] {
        assert!(
            auth.iter().any(|a| a["resource_type"] == t),
            "no {t} authorization"
        );
    }
    let q = auth
        .iter()
        .find(|a| a["resource_type"] == "agent_queue" && a["resource_name"] == "Self-hosted Linux")
        .expect("queue");
    assert_eq!(q["all_pipelines"], false);
    assert_eq!(q["authorized_pipelines"], serde_json::json!(["11"]));

    let groups = rows(&ds, "runner_groups");
    let default_pool = find(&groups, "name", "Default")[0];
    assert_eq!(default_pool["is_hosted"], false);
    assert_eq!(default_pool["all_pipelines"], true);
    assert_eq!(
        find(&groups, "name", "Self-hosted Linux")[0]["all_pipelines"],
        false
    );
    assert_eq!(
        find(&groups, "name", "Azure Pipelines")[0]["is_hosted"],
        true
    );
    let runners = rows(&ds, "runners");
    assert!(
        runners
            .iter()
            .any(|r| r["name"] == "build-02" && r["enabled"] == false && r["self_hosted"] == true)
    );

    let envs = rows(&ds, "environments");
    let prod = envs
        .iter()
        .find(|e| e["project"] == "secure" && e["name"] == "production")
        .expect("production");
    assert_eq!(
        prod["required_reviewers"][0]["name"],
        "carol@fabrikam.example"
    );
    assert_eq!(prod["prevent_self_review"], true);
    assert_eq!(prod["deployment_branch_policy"], "custom");
    assert_eq!(prod["checks"].as_array().map(Vec::len), Some(2));

    let grants = rows(&ds, "access_grants");
    assert!(
        grants
            .iter()
            .any(|g| g["role"] == "Project Collection Administrators"
                && g["principal"] == "ada@fabrikam.example"
                && g["resource_type"] == "org")
    );
    assert!(grants.iter().any(|g| g["role"] == "Build Administrators"
        && g["project"] == "legacy"
        && g["principal"] == "ada@fabrikam.example"
        && g["via"] == "group"));
    let members = rows(&ds, "members");
    assert_eq!(
        find(&members, "login", "dan@partner.example")[0]["is_guest"],
        true
    );
    let teams = rows(&ds, "teams");
    assert!(teams.iter().any(|t| t["team"] == "Project Administrators"
        && t["project"] == "legacy"
        && t["member_count"] == 3));

    let runs = rows(&ds, "collection_runs");
    assert_eq!(runs.len(), 1);
    let requests = runs[0]["api_requests"].as_i64().unwrap_or(0);
    assert_eq!(
        requests as u64,
        fake.counters().total(),
        "every request counted"
    );
}

#[tokio::test]
async fn paging_follows_continuation_tokens() {
    let sc = synthetic("contoso", 7, 3);
    // Pages of 2: projects, definitions, variable groups, graph users/groups all span pages.
    let cfg = ServerConfig {
        page_size: 2,
        ..ServerConfig::default()
    };
    let fake = start(sc.clone(), cfg).await;
    let ds = devquery_azure_devops::collect(&options(&fake, "contoso", Some("x")))
        .await
        .expect("collects");
    assert_eq!(ds.row_count("projects"), 7);
    let pipelines: usize = sc.projects.iter().map(|p| p.pipelines.len()).sum();
    assert_eq!(ds.row_count("pipelines"), pipelines);
    assert_eq!(ds.row_count("members"), sc.users.len());
    assert_eq!(ds.row_count("teams"), sc.groups.len());
    let endpoints = fake.counters().by_endpoint();
    assert!(
        endpoints.get("projects").copied().unwrap_or(0) >= 4,
        "{endpoints:?}"
    );
}

#[tokio::test]
async fn conditional_requests_hit_the_cache() {
    let sc = rules();
    let pat = sc.pat.clone();
    let fake = start(sc, ServerConfig::default()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&fake, "fabrikam", pat.as_deref());
    opts.cache_dir = Some(dir.path().to_path_buf());
    let first = devquery_azure_devops::collect(&opts)
        .await
        .expect("first run");
    let second = devquery_azure_devops::collect(&opts)
        .await
        .expect("second run");
    let runs = rows(&second, "collection_runs");
    assert!(
        runs[0]["conditional_hits"].as_i64().unwrap_or(0) > 0,
        "{runs:?}"
    );
    for t in TABLES.iter().filter(|t| **t != "collection_runs") {
        assert_eq!(first.row_count(t), second.row_count(t), "table {t}");
    }
    assert_eq!(
        fake.counters().by_status().get(&304).copied().unwrap_or(0) as i64,
        runs[0]["conditional_hits"].as_i64().unwrap_or(-1)
    );
}
