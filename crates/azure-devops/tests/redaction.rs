//! The PAT never appears in output, logs (trace level) or collected data.

use devquery_fake_forge::azure::ServerConfig;
use devquery_fake_forge::logs::LogCapture;

use crate::common::{dump, options, rules, start};

const CANARY: &str = "canary-pat-3f9c1e7d5b";

#[tokio::test(flavor = "current_thread")]
async fn canary_pat_never_leaks() {
    let mut sc = rules();
    sc.pat = Some(CANARY.into());
    // A denial so error rows and messages exist too.
    sc.deny.push(devquery_fake_forge::azure::scenario::Denial {
        path_contains: "_apis/build/generalsettings".into(),
        status: 403,
        project: None,
    });
    let capture = LogCapture::start().expect("log capture");
    let fake = start(sc, ServerConfig::default()).await;
    let opts = options(&fake, "fabrikam", Some(CANARY));
    let debug = format!("{opts:?}");
    let ds = devquery_azure_devops::collect(&opts)
        .await
        .expect("collects");
    assert!(ds.row_count("pipelines") > 0);
    assert!(ds.row_count("collection_errors") > 0);
    let wrong = devquery_azure_devops::collect(&options(
        &fake,
        "fabrikam",
        Some(&format!("{CANARY}-wrong")),
    ))
    .await
    .expect_err("wrong PAT");
    let logs = capture.finish();
    assert!(logs.len() > 1000, "trace logs captured");
    let basic = "Basic OmNhbmFyeS1wYXQtM2Y5YzFlN2Q1Yg=="; // base64(":canary-pat-3f9c1e7d5b")
    for (what, text) in [
        ("options Debug", debug),
        ("data", dump(&ds)),
        ("error", wrong.to_string()),
        ("logs", logs),
    ] {
        assert!(!text.contains(CANARY), "PAT in {what}");
        assert!(!text.contains(&basic[6..]), "encoded PAT in {what}");
    }
}
