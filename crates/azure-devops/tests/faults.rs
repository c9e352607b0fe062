//! Throttling and injected faults: the collection completes; recoverable faults are retried to
//! the same data, unrecoverable ones are recorded.

use devquery_fake_forge::azure::{Faults, ServerConfig, synthetic};

use crate::common::{options, rows, start};

const TABLES: &[&str] = &[
    "projects",
    "repositories",
    "pipelines",
    "secrets",
    "service_connections",
    "resource_authorizations",
    "environments",
    "teams",
];

#[tokio::test]
async fn recoverable_faults_give_the_same_data() {
    let sc = synthetic("contoso", 4, 11);
    let clean_fake = start(sc.clone(), ServerConfig::default()).await;
    let clean = devquery_azure_devops::collect(&options(&clean_fake, "contoso", Some("p")))
        .await
        .expect("clean run");
    let faults = Faults {
        error_rate: 0.08,
        throttle_every: 9,
        retry_after_secs: 0,
        truncate_rate: 0.05,
        latency_ms: 1,
        seed: 42,
        ..Faults::default()
    };
    let fake = start(
        sc,
        ServerConfig {
            faults,
            ..ServerConfig::default()
        },
    )
    .await;
    let ds = devquery_azure_devops::collect(&options(&fake, "contoso", Some("p")))
        .await
        .expect("faulty run completes");
    for t in TABLES {
        assert_eq!(ds.row_count(t), clean.row_count(t), "table {t}");
    }
    assert_eq!(
        ds.row_count("collection_errors"),
        0,
        "{:?}",
        rows(&ds, "collection_errors")
    );
    let status = fake.counters().by_status();
    assert!(status.get(&429).copied().unwrap_or(0) > 0, "{status:?}");
    assert!(status.keys().any(|s| *s >= 500), "{status:?}");
    let runs = rows(&ds, "collection_runs");
    assert!(
        runs[0]["api_requests"].as_i64()
            > rows(&clean, "collection_runs")[0]["api_requests"].as_i64()
    );
}

#[tokio::test]
async fn heavy_faults_complete_with_errors_recorded() {
    let sc = synthetic("contoso", 3, 5);
    let faults = Faults {
        error_rate: 0.5,
        throttle_rate: 0.1,
        retry_after_secs: 0,
        seed: 7,
        ..Faults::default()
    };
    let fake = start(
        sc,
        ServerConfig {
            faults,
            ..ServerConfig::default()
        },
    )
    .await;
    let mut opts = options(&fake, "contoso", Some("p"));
    opts.max_retries = 1;
    match devquery_azure_devops::collect(&opts).await {
        Ok(ds) => {
            let errors = rows(&ds, "collection_errors");
            assert!(!errors.is_empty());
            assert!(
                errors
                    .iter()
                    .any(|e| e["http_status"].as_i64().is_some_and(|s| s >= 500)),
                "{errors:?}"
            );
            assert!(errors.iter().all(|e| {
                e["endpoint"]
                    .as_str()
                    .is_some_and(|p| p.contains("/_apis/"))
            }));
        }
        // The project list itself may fail for good: that is a recorded, non-auth failure.
        Err(e) => panic!("collection must complete: {e}"),
    }
}

#[tokio::test]
async fn request_budget_stops_cleanly() {
    let sc = synthetic("contoso", 5, 1);
    let fake = start(sc, ServerConfig::default()).await;
    let mut opts = options(&fake, "contoso", Some("p"));
    opts.max_requests = Some(15);
    let ds = devquery_azure_devops::collect(&opts)
        .await
        .expect("completes");
    let errors = rows(&ds, "collection_errors");
    assert_eq!(
        errors
            .iter()
            .filter(|e| e["message"].as_str().is_some_and(|m| m.contains("budget")))
            .count(),
        1,
        "{errors:?}"
    );
    assert!(fake.counters().total() <= 15);
}
