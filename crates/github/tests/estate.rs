//! Every GitHub table filled with the values the hand-written scenario set, and
//! permission-aware behaviour with a non-admin token.

use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn every_table_has_the_scenario_values() {
    let server = devquery_fake_forge::github::FakeGithub::start(estate())
        .await
        .expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let opts = options(&server, "octo", cache.path());
    let ds = devquery_github::collect(&opts).await.expect("collect");

    let orgs = rows(&ds, "orgs");
    assert_eq!(orgs.len(), 1);
    let o = &orgs[0];
    assert_eq!(str_of(o, "platform"), Some("github"));
    assert_eq!(str_of(o, "org"), Some("octo"));
    assert_eq!(str_of(o, "display_name"), Some("Octo Inc"));
    assert_eq!(bool_of(o, "two_factor_required"), Some(true));
    assert_eq!(str_of(o, "default_repo_permission"), Some("write"));
    assert_eq!(bool_of(o, "members_can_create_public_repos"), Some(true));
    assert_eq!(bool_of(o, "members_can_fork_private_repos"), Some(true));
    assert_eq!(bool_of(o, "web_commit_signoff_required"), Some(true));
    assert_eq!(bool_of(o, "secret_scanning_default"), Some(true));
    assert_eq!(bool_of(o, "push_protection_default"), Some(true));
    assert_eq!(str_of(o, "plan"), Some("enterprise"));

    // repositories: archived skipped by default; security files from the tree
    let repos = rows(&ds, "repositories");
    let names: Vec<&str> = repos.iter().filter_map(|r| str_of(r, "repo")).collect();
    assert!(
        !names.contains(&"legacy"),
        "archived repo collected: {names:?}"
    );
    assert_eq!(repos.len(), 3, "{names:?}");
    let api = find(&repos, &[("repo", "api")]);
    assert_eq!(str_of(api, "visibility"), Some("private"));
    assert_eq!(bool_of(api, "allow_forking"), Some(true));
    assert_eq!(bool_of(api, "secret_scanning"), Some(true));
    assert_eq!(bool_of(api, "push_protection"), Some(false));
    assert_eq!(bool_of(api, "advanced_security"), Some(true));
    assert_eq!(bool_of(api, "dependabot_security_updates"), Some(true));
    assert_eq!(bool_of(api, "has_codeowners"), Some(true));
    assert_eq!(bool_of(api, "has_security_policy"), Some(true));
    assert_eq!(bool_of(api, "has_dependabot_config"), Some(true));
    let web = find(&repos, &[("repo", "web")]);
    assert_eq!(str_of(web, "visibility"), Some("public"));
    assert_eq!(bool_of(web, "has_codeowners"), Some(false));
    assert_eq!(bool_of(web, "has_security_policy"), Some(false));

    // branch_policies: classic + org ruleset + repo ruleset merged
    let bp = rows(&ds, "branch_policies");
    let p = find(&bp, &[("repo", "api")]);
    assert_eq!(str_of(p, "source"), Some("classic+ruleset"));
    assert_eq!(str_of(p, "branch_pattern"), Some("main"));
    assert_eq!(
        int_of(p, "required_approvals"),
        Some(3),
        "org ruleset asks for 3"
    );
    assert_eq!(bool_of(p, "dismiss_stale_reviews"), Some(true));
    assert_eq!(bool_of(p, "require_code_owner_review"), Some(true));
    assert_eq!(
        bool_of(p, "require_signed_commits"),
        Some(true),
        "repo ruleset"
    );
    assert_eq!(
        bool_of(p, "allow_force_pushes"),
        Some(false),
        "org ruleset blocks"
    );
    assert_eq!(bool_of(p, "strict_status_checks"), Some(true));
    assert_eq!(bool_of(p, "enforce_admins"), Some(false));
    assert_eq!(list_of(p, "required_status_checks"), vec!["ci/build"]);
    let ids = list_of(p, "source_ids");
    assert!(
        ids.contains(&"protection".to_string())
            && ids.contains(&"73".to_string())
            && ids.contains(&"900".to_string()),
        "{ids:?}"
    );
    let bypass = p
        .get("bypass_actors")
        .and_then(Value::as_array)
        .expect("bypass actors");
    assert_eq!(bypass.len(), 2, "{bypass:?}");
    let w = find(&bp, &[("repo", "web")]);
    assert_eq!(
        str_of(w, "source"),
        Some("ruleset"),
        "web: only the org ruleset"
    );
    assert_eq!(int_of(w, "required_approvals"), Some(3));
    assert!(
        !bp.iter().any(|r| str_of(r, "repo") == Some("empty")),
        "empty repo has no branch"
    );

    // pipelines / jobs / steps through the pipelines parser
    let pipelines = rows(&ds, "pipelines");
    assert_eq!(pipelines.len(), 2, "{pipelines:#?}");
    let ci = find(
        &pipelines,
        &[("repo", "api"), ("path", ".github/workflows/ci.yml")],
    );
    assert_eq!(str_of(ci, "kind"), Some("github_workflow"));
    assert!(list_of(ci, "triggers").contains(&"pull_request_target".to_string()));
    assert!(str_of(ci, "parse_error").is_none());
    let jobs = rows(&ds, "pipeline_jobs");
    let build = find(&jobs, &[("repo", "api"), ("job_id", "build")]);
    assert_eq!(bool_of(build, "self_hosted"), Some(true));
    let steps = rows(&ds, "pipeline_steps");
    assert!(steps.len() >= 3, "{steps:#?}");
    assert!(steps.iter().any(|s| str_of(s, "ref_kind") == Some("sha")));

    // pipeline_settings: org and repo
    let ps = rows(&ds, "pipeline_settings");
    let org_ps = find(&ps, &[("scope", "org")]);
    assert_eq!(str_of(org_ps, "allowed_actions"), Some("selected"));
    assert_eq!(bool_of(org_ps, "sha_pinning_required"), Some(true));
    assert_eq!(
        str_of(org_ps, "default_workflow_permissions"),
        Some("write")
    );
    assert_eq!(
        bool_of(org_ps, "can_approve_pull_request_reviews"),
        Some(true)
    );
    assert_eq!(
        str_of(org_ps, "fork_pr_approval_policy"),
        Some("all_external_contributors")
    );
    assert_eq!(str_of(org_ps, "enabled_repositories"), Some("all"));
    let repo_ps = find(&ps, &[("scope", "repo"), ("repo", "api")]);
    assert_eq!(str_of(repo_ps, "allowed_actions"), Some("local_only"));
    assert_eq!(
        str_of(repo_ps, "default_workflow_permissions"),
        Some("read")
    );
    assert_eq!(
        bool_of(repo_ps, "can_approve_pull_request_reviews"),
        Some(false)
    );

    // runners and groups
    let runners = rows(&ds, "runners");
    let big = find(&runners, &[("name", "big-linux")]);
    assert_eq!(str_of(big, "scope"), Some("org"));
    assert_eq!(str_of(big, "group"), Some("deploy"));
    assert_eq!(str_of(big, "status"), Some("online"));
    assert!(list_of(big, "labels").contains(&"gpu".to_string()));
    let rr = find(&runners, &[("name", "api-runner")]);
    assert_eq!(str_of(rr, "scope"), Some("repo"));
    assert_eq!(str_of(rr, "os"), Some("windows"));
    let groups = rows(&ds, "runner_groups");
    assert_eq!(groups.len(), 2);
    let deploy = find(&groups, &[("name", "deploy")]);
    assert_eq!(bool_of(deploy, "restricted_to_workflows"), Some(true));
    assert_eq!(str_of(deploy, "visibility"), Some("selected"));

    // secrets: org (visibility + selected repos), dependabot, repo, environment
    let secrets = rows(&ds, "secrets");
    let sel = find(&secrets, &[("name", "ORG_SELECTED")]);
    assert_eq!(str_of(sel, "visibility"), Some("selected"));
    assert_eq!(list_of(sel, "selected_repositories"), vec!["api", "web"]);
    assert_eq!(
        str_of(find(&secrets, &[("name", "ORG_ALL")]), "visibility"),
        Some("all")
    );
    assert_eq!(
        str_of(find(&secrets, &[("name", "DEP_TOKEN")]), "scope"),
        Some("dependabot")
    );
    assert_eq!(
        str_of(find(&secrets, &[("name", "API_KEY")]), "scope"),
        Some("repo")
    );
    assert_eq!(
        str_of(find(&secrets, &[("name", "NPM_READ")]), "repo"),
        Some("api")
    );
    let env_secret = find(&secrets, &[("name", "PROD_TOKEN")]);
    assert_eq!(str_of(env_secret, "scope"), Some("environment"));
    assert_eq!(str_of(env_secret, "container"), Some("production"));

    // variables
    let vars = rows(&ds, "variables");
    assert_eq!(
        str_of(find(&vars, &[("name", "REGION")]), "value"),
        Some("eu-west-1")
    );
    assert_eq!(
        str_of(find(&vars, &[("name", "LOG_LEVEL")]), "scope"),
        Some("repo")
    );

    // environments
    let envs = rows(&ds, "environments");
    let prod = find(&envs, &[("repo", "api"), ("name", "production")]);
    assert_eq!(int_of(prod, "wait_timer"), Some(30));
    assert_eq!(bool_of(prod, "prevent_self_review"), Some(true));
    assert_eq!(
        str_of(prod, "deployment_branch_policy"),
        Some("protected_branches")
    );
    assert_eq!(bool_of(prod, "can_admins_bypass"), Some(false));
    let reviewers = prod
        .get("required_reviewers")
        .and_then(Value::as_array)
        .expect("reviewers");
    assert_eq!(reviewers.len(), 2);

    // access grants: org base, teams, direct collaborators (outside flagged)
    let grants = rows(&ds, "access_grants");
    let base = find(&grants, &[("via", "org_base")]);
    assert_eq!(str_of(base, "role"), Some("write"));
    let team = find(
        &grants,
        &[("via", "team"), ("principal", "platform"), ("repo", "api")],
    );
    assert_eq!(str_of(team, "role"), Some("admin"));
    assert_eq!(
        str_of(
            find(
                &grants,
                &[("via", "team"), ("principal", "platform"), ("repo", "web")]
            ),
            "role"
        ),
        Some("write")
    );
    let eve = find(&grants, &[("via", "direct"), ("principal", "eve")]);
    assert_eq!(str_of(eve, "role"), Some("admin"));
    assert_eq!(bool_of(eve, "is_outside_collaborator"), Some(true));
    let bob = find(&grants, &[("via", "direct"), ("principal", "bob")]);
    assert_eq!(bool_of(bob, "is_outside_collaborator"), Some(false));

    // members: role and 2FA
    let members = rows(&ds, "members");
    assert_eq!(
        str_of(find(&members, &[("login", "alice")]), "role"),
        Some("admin")
    );
    let b = find(&members, &[("login", "bob")]);
    assert_eq!(str_of(b, "role"), Some("member"));
    assert_eq!(bool_of(b, "two_factor_enabled"), Some(false));
    assert_eq!(
        bool_of(find(&members, &[("login", "carol")]), "two_factor_enabled"),
        Some(true)
    );
    let e = find(&members, &[("login", "eve")]);
    assert_eq!(str_of(e, "role"), Some("outside_collaborator"));
    assert_eq!(bool_of(e, "two_factor_enabled"), Some(false));

    // teams
    let teams = rows(&ds, "teams");
    assert_eq!(
        str_of(find(&teams, &[("team", "sre")]), "parent"),
        Some("platform")
    );
    assert_eq!(
        str_of(find(&teams, &[("team", "sre")]), "privacy"),
        Some("secret")
    );
    assert_eq!(
        str_of(find(&teams, &[("team", "platform")]), "description"),
        Some("Platform team")
    );

    // webhooks: host only, never the path/query
    let hooks = rows(&ds, "webhooks");
    let oh = find(&hooks, &[("scope", "org")]);
    assert_eq!(str_of(oh, "url_host"), Some("insecure.example.com"));
    assert_eq!(str_of(oh, "url_scheme"), Some("http"));
    assert_eq!(bool_of(oh, "insecure_ssl"), Some(true));
    assert_eq!(bool_of(oh, "has_secret"), Some(false));
    assert_eq!(str_of(oh, "content_type"), Some("form"));
    let rh = find(&hooks, &[("scope", "repo"), ("repo", "api")]);
    assert_eq!(bool_of(rh, "has_secret"), Some(true));
    assert_eq!(list_of(rh, "events"), vec!["push", "pull_request"]);

    // deploy keys
    let keys = rows(&ds, "deploy_keys");
    let k = find(&keys, &[("title", "deploy-bot")]);
    assert_eq!(bool_of(k, "read_only"), Some(false));
    assert_eq!(str_of(k, "added_by"), Some("alice"));
    assert!(str_of(k, "last_used_at").is_some_and(|t| t.starts_with("2026-11-01")));

    // integrations
    let ints = rows(&ds, "integrations");
    let ren = find(&ints, &[("slug", "renovate")]);
    assert_eq!(str_of(ren, "repository_selection"), Some("selected"));
    assert_eq!(bool_of(ren, "suspended"), Some(true));
    assert_eq!(str_of(ren, "publisher"), Some("octo"));

    // alerts (org-level endpoints)
    let alerts = rows(&ds, "alerts");
    assert_eq!(alerts.len(), 3);
    assert_eq!(
        str_of(
            find(&alerts, &[("kind", "secret_scanning")]),
            "package_or_secret_type"
        ),
        Some("aws_access_key_id")
    );
    let cs = find(&alerts, &[("kind", "code_scanning")]);
    assert_eq!(str_of(cs, "rule"), Some("js/sql-injection"));
    assert_eq!(str_of(cs, "state"), Some("fixed"));
    let dep = find(&alerts, &[("kind", "dependabot")]);
    assert_eq!(str_of(dep, "severity"), Some("critical"));
    assert_eq!(str_of(dep, "repo"), Some("web"));

    // run bookkeeping
    let runs = rows(&ds, "collection_runs");
    assert_eq!(runs.len(), 1);
    assert!(int_of(&runs[0], "api_requests").unwrap_or(0) > 10);
    assert_eq!(
        int_of(&runs[0], "errors"),
        Some(0),
        "{:#?}",
        rows(&ds, "collection_errors")
    );
}

#[tokio::test]
async fn a_non_admin_token_gets_nulls_and_error_rows_not_a_failure() {
    let mut scenario = estate();
    scenario.token.admin = false;
    scenario.token.hidden_repos = vec!["api".into()];
    let server = devquery_fake_forge::github::FakeGithub::start(scenario)
        .await
        .expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let opts = options(&server, "octo", cache.path());
    let ds = devquery_github::collect(&opts).await.expect("collect");

    // The hidden private repo is invisible, the others are there.
    let repos = rows(&ds, "repositories");
    assert!(repos.iter().all(|r| str_of(r, "repo") != Some("api")));
    let web = find(&repos, &[("repo", "web")]);
    assert_eq!(
        web.get("secret_scanning"),
        None,
        "security_and_analysis is admin-only: NULL"
    );
    assert_eq!(rows(&ds, "orgs").len(), 1);

    let errors = rows(&ds, "collection_errors");
    let org_secrets = find(&errors, &[("endpoint", "/orgs/octo/actions/secrets")]);
    assert_eq!(int_of(org_secrets, "http_status"), Some(403));
    assert_eq!(str_of(org_secrets, "table_name"), Some("secrets"));
    assert_eq!(
        str_of(org_secrets, "missing_permission"),
        Some("organization_secrets=read")
    );
    assert!(str_of(org_secrets, "message").is_some_and(|m| m.contains("organization owner")));
    let twofa = find(
        &errors,
        &[
            ("endpoint", "/orgs/octo/members"),
            ("table_name", "members"),
        ],
    );
    assert_eq!(int_of(twofa, "http_status"), Some(422));
    // per-repo admin endpoints are skipped with a reason, not called
    let prot = find(
        &errors,
        &[("repo", "web"), ("table_name", "branch_policies")],
    );
    assert_eq!(
        str_of(prot, "missing_permission"),
        Some("administration=read")
    );
    assert!(
        server
            .counters()
            .per_endpoint
            .keys()
            .all(|k| !k.contains("/protection")),
        "no protection call without admin"
    );

    // members still listed, 2FA unknown (NULL)
    let members = rows(&ds, "members");
    let bob = find(&members, &[("login", "bob")]);
    assert_eq!(bob.get("two_factor_enabled"), None);
    let runs = rows(&ds, "collection_runs");
    assert_eq!(int_of(&runs[0], "errors"), Some(errors.len() as i64));
}
