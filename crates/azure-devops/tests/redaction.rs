//! The PAT never appears in output, logs (trace level) or collected data.

use std::io::Write;
use std::sync::{Arc, Mutex};

use devquery_fake_forge::azure::ServerConfig;

use crate::common::{dump, options, rules, start};

const CANARY: &str = "canary-pat-3f9c1e7d5b";

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(data);
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buf {
    type Writer = Buf;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

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
    let buf = Buf::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buf.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
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
    let logs =
        String::from_utf8_lossy(&buf.0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned();
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
