//! Permission-aware collection: a refused endpoint leaves its table empty (NULL), adds a
//! `collection_errors` row naming the endpoint and the missing PAT scope, and the run goes on;
//! a refused PAT fails the organisation with a clear error.

use devquery_fake_forge::azure::ServerConfig;
use devquery_fake_forge::azure::scenario::Denial;

use crate::common::{options, rows, rules, start};

#[tokio::test]
async fn denied_endpoints_become_error_rows() {
    let mut sc = rules();
    sc.deny = vec![
        Denial {
            path_contains: "_apis/policy/configurations".into(),
            status: 403,
            project: Some("secure".into()),
        },
        Denial {
            path_contains: "_apis/distributedtask/variablegroups".into(),
            status: 401,
            project: None,
        },
        Denial {
            path_contains: "_apis/serviceendpoint/endpoints".into(),
            status: 404,
            project: Some("legacy".into()),
        },
        Denial {
            path_contains: "_apis/graph/users".into(),
            status: 403,
            project: None,
        },
    ];
    let pat = sc.pat.clone();
    let fake = start(sc, ServerConfig::default()).await;
    let ds = devquery_azure_devops::collect(&options(&fake, "fabrikam", pat.as_deref()))
        .await
        .expect("run goes on");
    let errors = rows(&ds, "collection_errors");
    let find = |endpoint_part: &str, status: i64| {
        errors
            .iter()
            .find(|e| {
                e["endpoint"]
                    .as_str()
                    .is_some_and(|s| s.contains(endpoint_part))
                    && e["http_status"] == status
            })
            .unwrap_or_else(|| panic!("no error row for {endpoint_part} {status}: {errors:?}"))
    };
    let pol = find("/secure/_apis/policy/configurations", 403);
    assert_eq!(pol["table_name"], "branch_policies");
    assert_eq!(pol["project"], "secure");
    assert_eq!(pol["missing_permission"], "Code (Read) vso.code");
    let vg = find("_apis/distributedtask/variablegroups", 401);
    assert_eq!(
        vg["missing_permission"],
        "Variable Groups (Read) vso.variablegroups_read"
    );
    let se = find("/legacy/_apis/serviceendpoint/endpoints", 404);
    assert_eq!(
        se["missing_permission"],
        "Service Connections (Read) vso.serviceendpoint"
    );
    let users = find("_apis/graph/users", 403);
    assert_eq!(users["missing_permission"], "Graph (Read) vso.graph");
    assert!(
        errors
            .iter()
            .all(|e| e["run_id"].is_string() && e["at"].is_string())
    );

    // Policies of `secure` are unknown (no rows), `legacy` has none anyway; everything else is there.
    let bp = rows(&ds, "branch_policies");
    assert!(bp.iter().all(|r| r["project"] != "secure"), "{bp:?}");
    assert!(
        rows(&ds, "secrets")
            .iter()
            .all(|s| s["scope"] != "variable_group")
    );
    let conns = rows(&ds, "service_connections");
    assert!(conns.iter().all(|c| c["project"] == "secure"));
    assert!(!conns.is_empty());
    assert_eq!(ds.row_count("members"), 0);
    assert!(ds.row_count("teams") > 0);
    assert!(ds.row_count("pipelines") > 0);
    let runs = rows(&ds, "collection_runs");
    assert_eq!(runs[0]["errors"].as_i64(), Some(errors.len() as i64));
}

#[tokio::test]
async fn wrong_or_missing_pat_fails_the_org() {
    let sc = rules();
    let fake = start(sc, ServerConfig::default()).await;
    let wrong =
        devquery_azure_devops::collect(&options(&fake, "fabrikam", Some("wrong-pat-canary")))
            .await
            .expect_err("wrong PAT refused");
    let msg = wrong.to_string();
    assert!(msg.contains("401"), "{msg}");
    assert!(!msg.contains("wrong-pat-canary"));
    let missing = devquery_azure_devops::collect(&options(&fake, "fabrikam", None))
        .await
        .expect_err("no PAT refused");
    assert!(missing.to_string().contains("sign-in page"), "{missing}");
    // The 203 sign-in page is recognised at once, not retried as bad JSON.
    assert!(
        fake.counters().total() <= 4,
        "{:?}",
        fake.counters().by_status()
    );
}
