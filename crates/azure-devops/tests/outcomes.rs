//! Collection outcomes that cannot be mistaken: an unreachable API is an error; a budget stop or
//! an organisation that cannot be read gives a dataset marked partial, with a
//! `collection_errors` row per table left unread.

use devquery_azure_devops::{AzureOptions, Error, Secret};
use devquery_fake_forge::azure::{ServerConfig, synthetic};

use crate::common::{options, rows, start};

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut opts = AzureOptions::new(vec!["contoso".into()]);
    opts.base_url = format!("http://127.0.0.1:{port}");
    opts.pat = Some(Secret::new("p"));
    opts.cache_dir = None;
    opts.progress = false;
    opts.initial_backoff = std::time::Duration::from_millis(1);
    let err = devquery_azure_devops::collect(&opts)
        .await
        .expect_err("closed port");
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn a_budget_stop_is_partial_with_the_unread_calls_recorded() {
    let fake = start(synthetic("contoso", 5, 1), ServerConfig::default()).await;
    let mut opts = options(&fake, "contoso", Some("p"));
    opts.max_requests = Some(15);
    let ds = devquery_azure_devops::collect(&opts)
        .await
        .expect("completes");
    let partial = ds.partial().expect("a stopped run is partial");
    assert!(partial.reason.contains("budget"), "{partial:?}");
    assert!(!partial.missing.is_empty(), "{partial:?}");
    let unread: Vec<_> = rows(&ds, "collection_errors")
        .into_iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("not read"))
        })
        .collect();
    assert!(!unread.is_empty());
    assert!(
        unread.iter().all(|e| e["table_name"].as_str().is_some()
            && e["endpoint"]
                .as_str()
                .is_some_and(|p| p.contains("/_apis/"))),
        "{unread:?}"
    );
}

#[tokio::test]
async fn an_organisation_that_cannot_be_read_is_partial() {
    let fake = start(synthetic("contoso", 2, 1), ServerConfig::default()).await;
    let mut opts = options(&fake, "contoso", Some("p"));
    opts.orgs.push("no-such-org".into());
    let ds = devquery_azure_devops::collect(&opts)
        .await
        .expect("completes");
    assert!(ds.row_count("projects") > 0, "contoso was read");
    let partial = ds.partial().expect("partial");
    assert!(
        partial.missing.iter().any(|m| m.contains("/no-such-org")),
        "{partial:?}"
    );
}

#[tokio::test]
async fn a_complete_run_is_not_partial() {
    let fake = start(synthetic("contoso", 2, 1), ServerConfig::default()).await;
    let ds = devquery_azure_devops::collect(&options(&fake, "contoso", Some("p")))
        .await
        .expect("completes");
    assert!(ds.partial().is_none(), "{:?}", ds.partial());
}
