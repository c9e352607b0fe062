//! A canary token never appears in logs (trace level), the dataset or the HTTP cache.

use std::io::Write;
use std::sync::{Arc, Mutex};

use devquery_fake_forge::github::FakeGithub;
use devquery_github::Secret;

use crate::common::*;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_token_never_leaks() {
    const CANARY: &str = "ghp_CANARY0123456789abcdefCANARY";
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let logs = String::from_utf8(capture.0.lock().map(|v| v.clone()).unwrap_or_default())
        .unwrap_or_default();
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
