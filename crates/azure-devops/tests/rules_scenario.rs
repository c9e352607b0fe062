//! The rules scenario (`crates/fake-forge/scenarios/azure-rules.yaml`): for every Azure DevOps
//! recommendation of the rules catalogue, the collected tables hold both a resource on which the
//! rule fails and one on which it passes, in the rule's key columns.

use devquery_fake_forge::azure::ServerConfig;
use serde_json::Value;

use crate::common::{options, rows, rules, start};

fn both(rule: &str, rows: &[Value], fail: impl Fn(&Value) -> bool, pass: impl Fn(&Value) -> bool) {
    assert!(
        rows.iter().any(&fail),
        "{rule}: no failing resource in {rows:#?}"
    );
    assert!(
        rows.iter().any(&pass),
        "{rule}: no passing resource in {rows:#?}"
    );
}

fn typed(rows: &[Value], t: &str) -> Vec<Value> {
    rows.iter()
        .filter(|r| r["resource_type"] == t)
        .cloned()
        .collect()
}

#[tokio::test]
async fn rules_scenario_has_pass_and_fail() {
    let sc = rules();
    let pat = sc.pat.clone();
    let fake = start(sc, ServerConfig::default()).await;
    let ds = devquery_azure_devops::collect(&options(&fake, "fabrikam", pat.as_deref()))
        .await
        .expect("collects");
    let repos = rows(&ds, "repositories");
    let pipes = rows(&ds, "pipelines");
    let auth = rows(&ds, "resource_authorizations");
    let conns = rows(&ds, "service_connections");
    let settings = rows(&ds, "pipeline_settings");
    let projects = rows(&ds, "projects");
    let bp = rows(&ds, "branch_policies");
    let vars = rows(&ds, "variables");
    let secrets = rows(&ds, "secrets");
    let groups = rows(&ds, "runner_groups");

    both(
        "ado-ghazdo-disabled",
        &repos,
        |r| r["advanced_security"] == false,
        |r| r["advanced_security"] == true,
    );
    let forked: Vec<Value> = pipes
        .iter()
        .filter(|p| p["fork_builds"] == true)
        .cloned()
        .collect();
    both(
        "ado-fork-builds-secrets",
        &forked,
        |p| p["fork_secrets_allowed"] == true || p["fork_full_access_token"] == true,
        |p| p["fork_secrets_allowed"] == false && p["fork_full_access_token"] == false,
    );
    both(
        "ado-service-connection-all-pipelines",
        &typed(&auth, "service_connection"),
        |a| a["all_pipelines"] == true,
        |a| a["all_pipelines"] == false,
    );
    both(
        "ado-secure-file-all-pipelines",
        &typed(&auth, "secure_file"),
        |a| a["all_pipelines"] == true,
        |a| a["all_pipelines"] == false,
    );
    // Variable groups holding secrets: join secrets (scope variable_group) on the group id.
    let secret_groups: Vec<Value> = typed(&auth, "variable_group")
        .into_iter()
        .filter(|a| {
            secrets.iter().any(|s| {
                s["scope"] == "variable_group"
                    && s["container_id"] == a["resource_id"]
                    && s["project"] == a["project"]
            })
        })
        .collect();
    both(
        "ado-variable-group-all-pipelines",
        &secret_groups,
        |a| a["all_pipelines"] == true,
        |a| a["all_pipelines"] == false,
    );
    both(
        "ado-classic-azure-connection",
        &conns,
        |c| c["type"] == "azure",
        |c| c["type"] == "azurerm",
    );
    both(
        "ado-classic-pipeline-creation",
        &settings,
        |s| s["disable_classic_pipeline_creation"] == false,
        |s| s["disable_classic_pipeline_creation"] == true,
    );
    both(
        "ado-agent-pool-all-pipelines",
        &typed(&auth, "agent_queue"),
        |a| a["all_pipelines"] == true,
        |a| a["all_pipelines"] == false,
    );
    both(
        "ado-agent-pool-all-pipelines (pools)",
        &groups,
        |g| g["all_pipelines"] == true && g["is_hosted"] == false,
        |g| g["all_pipelines"] == false,
    );
    let self_hosted = |p: &Value| {
        groups
            .iter()
            .any(|g| g["name"] == p["pool"] && g["is_hosted"] == false)
    };
    both(
        "ado-self-hosted-fork-builds",
        &forked,
        |p| self_hosted(p),
        |p| !self_hosted(p),
    );
    both(
        "ado-job-auth-scope-collection (pipelines)",
        &pipes,
        |p| p["job_auth_scope"] == "collection",
        |p| p["job_auth_scope"] == "project",
    );
    both(
        "ado-job-auth-scope-collection (settings)",
        &settings,
        |s| s["enforce_job_auth_scope"] == false,
        |s| s["enforce_job_auth_scope"] == true,
    );
    both(
        "ado-settable-variables",
        &settings,
        |s| s["enforce_settable_var"] == false,
        |s| s["enforce_settable_var"] == true,
    );
    let credential = |name: &str| {
        let n = name.to_ascii_lowercase();
        ["password", "secret", "token", "apikey", "key"]
            .iter()
            .any(|k| n.contains(k))
    };
    assert!(
        vars.iter()
            .any(|v| v["name"].as_str().is_some_and(credential)),
        "ado-plaintext-secret-variable: no failing variable"
    );
    assert!(
        secrets
            .iter()
            .any(|s| s["name"].as_str().is_some_and(credential)),
        "ado-plaintext-secret-variable: no passing (secret) variable"
    );
    both(
        "ado-service-connection-secret-auth",
        &conns,
        |c| c["auth_scheme"] == "ServicePrincipal",
        |c| c["auth_scheme"] == "WorkloadIdentityFederation",
    );
    both(
        "ado-service-connection-shared",
        &conns,
        |c| c["is_shared"] == true,
        |c| c["is_shared"] == false,
    );
    both(
        "ado-public-project",
        &projects,
        |p| p["visibility"] == "public",
        |p| p["visibility"] == "private",
    );

    // Repository rules on Azure Repos (default-branch policies).
    let protected = |r: &Value| {
        bp.iter().any(|b| {
            b["repo"] == r["repo"]
                && b["project"] == r["project"]
                && b["applies_to_default_branch"] == true
                && b["enforcement"] == "active"
        })
    };
    let with_branch: Vec<Value> = repos
        .iter()
        .filter(|r| r.get("default_branch").is_some())
        .cloned()
        .collect();
    both(
        "repo-default-branch-unprotected",
        &with_branch,
        |r| !protected(r),
        |r| protected(r),
    );
    let default_rows: Vec<Value> = bp
        .iter()
        .filter(|b| b["applies_to_default_branch"] == true)
        .cloned()
        .collect();
    both(
        "repo-reviews-below-two",
        &default_rows,
        |b| b["required_approvals"].as_i64() < Some(2),
        |b| b["required_approvals"].as_i64() >= Some(2),
    );
    both(
        "repo-self-approval-allowed",
        &default_rows,
        |b| b["allow_self_approval"] == true,
        |b| b["allow_self_approval"] == false,
    );
    both(
        "repo-stale-reviews-kept",
        &default_rows,
        |b| b["dismiss_stale_reviews"] == false,
        |b| b["dismiss_stale_reviews"] == true,
    );
    both(
        "repo-status-checks-not-required",
        &default_rows,
        |b| {
            b["required_status_checks"]
                .as_array()
                .is_none_or(Vec::is_empty)
        },
        |b| {
            b["required_status_checks"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        },
    );
}
