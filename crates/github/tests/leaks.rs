//! A canary token never appears in logs (trace level), the dataset or the HTTP cache.

use devquery_fake_forge::github::FakeGithub;
use devquery_fake_forge::logs::LogCapture;
use devquery_github::Secret;

use crate::common::*;

#[tokio::test]
async fn the_token_never_leaks() {
    const CANARY: &str = "ghp_CANARY0123456789abcdefCANARY";
    let capture = LogCapture::start().expect("log capture");

    let mut scenario = estate();
    scenario.token.value = Some(CANARY.to_string());
    scenario.faults.error_rate = 0.05;
    let server = FakeGithub::start(scenario).await.expect("start");
    let cache = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&server, "octo", cache.path());
    opts.token = Some(Secret::new(CANARY));
    tracing::debug!(?opts, "options");
    let ds = devquery_github::collect(&opts).await.expect("collect");
    assert!(
        ds.row_count("repositories") > 0,
        "the canary token authenticated"
    );
    assert_eq!(
        rows(&ds, "collection_errors")
            .iter()
            .filter(|e| int_of(e, "http_status") == Some(401))
            .count(),
        0
    );

    let logs = capture.finish();
    assert!(
        logs.len() > 1000,
        "trace logs were captured ({} bytes)",
        logs.len()
    );
    assert!(!logs.contains(CANARY), "token in logs");
    assert!(!format!("{opts:?}").contains(CANARY));
    assert_eq!(format!("{}", Secret::new(CANARY)), "***");

    for (table, _) in ds.iter() {
        let text = serde_json::to_string(&rows(&ds, table)).unwrap_or_default();
        assert!(!text.contains(CANARY), "token in table {table}");
    }
    for entry in std::fs::read_dir(cache.path()).expect("cache dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            !text.contains(CANARY),
            "token in cache file {}",
            path.display()
        );
    }
}
