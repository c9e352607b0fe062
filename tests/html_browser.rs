//! The HTML report in a real browser: `devquery report --format html` on the demo, and on a
//! generated 5,000-repository estate, opened by headless Chromium 1400 and 400 pixels wide.
//! The screenshots are kept in `target/html-screenshots/` for a person to look at; the tests
//! check that they are PNGs with more on them than a blank page, that the page's script ran
//! and the findings are in the DOM, and that the large report stays a few MB. How long a
//! 100,000-repository report takes to render is measured by `bench/html.py`.
//!
//! Chromium comes from `DEVQUERY_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on the
//! `PATH`. Without one the tests fail: install Debian's `chromium` package (`.ci/run` does).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::{devquery, stderr, stdout, synthetic_estate};

/// The widths the page is looked at: a desktop window and a phone.
const WIDTHS: [u32; 2] = [1400, 400];

/// The longest one Chromium run may take before the test gives up on it.
const CHROMIUM_LIMIT: Duration = Duration::from_secs(120);

/// The Chromium binary, or a failure that says how to get one.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("DEVQUERY_CHROMIUM").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return debian.to_path_buf();
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("chromium"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!(
                "the HTML report tests need headless Chromium: install Debian's chromium \
                 package (apt-get install chromium), or set DEVQUERY_CHROMIUM to a Chromium binary"
            )
        })
}

/// `target/html-screenshots/`, created.
fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("html-screenshots");
    std::fs::create_dir_all(&dir).expect("create target/html-screenshots");
    dir
}

/// Runs headless Chromium on `page` at `width` x 900 with `extra` arguments, its standard
/// output into `out`; returns how it ended and how long it took.
fn run_chromium(page: &Path, width: u32, extra: &[String], out: &Path) -> (ExitStatus, Duration) {
    let profile = tempfile::tempdir().expect("chromium profile dir");
    let stdout_file = std::fs::File::create(out).expect("chromium output file");
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--window-size={width},900"))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(stdout_file)
    .stderr(Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start chromium");
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            return (status, start.elapsed());
        }
        if start.elapsed() > CHROMIUM_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish {} in {CHROMIUM_LIMIT:?}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Screenshots `page` at `width` into `png`; returns the PNG's bytes and how long it took.
fn screenshot(page: &Path, width: u32, png: &Path) -> (Vec<u8>, Duration) {
    let _ = std::fs::remove_file(png);
    let log = png.with_extension("log");
    let (status, took) = run_chromium(
        page,
        width,
        &[format!("--screenshot={}", png.display())],
        &log,
    );
    assert!(
        status.success(),
        "chromium --screenshot {}: {status}",
        page.display()
    );
    let bytes = std::fs::read(png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    let _ = std::fs::remove_file(log);
    (bytes, took)
}

/// The width and height a PNG's header gives, after checking its signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 24 && &bytes[12..16] == b"IHDR",
        "no PNG header"
    );
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// The size of a screenshot of an empty page at `width`: what a report must exceed.
fn blank_png_len(dir: &Path, width: u32) -> usize {
    let page = dir.join("blank.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html lang=\"en\"><title>blank</title></html>",
    )
    .expect("write the blank page");
    let (bytes, _) = screenshot(&page, width, &dir.join(format!("blank-{width}.png")));
    bytes.len()
}

/// Screenshots `page` at every width into `target/html-screenshots/{name}-{width}.png`, checks
/// each is a PNG of that width with more on it than a blank page, and returns the longest time
/// a screenshot took.
fn look_at(page: &Path, name: &str, work: &Path) -> Duration {
    let dir = screenshot_dir();
    let mut slowest = Duration::ZERO;
    for width in WIDTHS {
        let png = dir.join(format!("{name}-{width}.png"));
        let (bytes, took) = screenshot(page, width, &png);
        let (w, h) = png_size(&bytes);
        assert_eq!((w, h), (width, 900), "{}", png.display());
        let blank = blank_png_len(work, width);
        assert!(
            bytes.len() > 3 * blank,
            "{}: {} bytes, hardly more than a blank page ({blank} bytes)",
            png.display(),
            bytes.len()
        );
        eprintln!("{}: {} bytes in {took:?}", png.display(), bytes.len());
        slowest = slowest.max(took);
    }
    slowest
}

/// The rules that fail on the demo, from its JSON report.
fn failing_rules(dir: &Path) -> Vec<String> {
    let out = devquery(&["report", "--format", "json"], dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json report");
    v["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["counts"]["fail"].as_u64().is_some_and(|n| n > 0))
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_demo_report_renders_in_chromium_at_1400_and_400_pixels() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = devquery(
        &["report", "--format", "html", "-o", "report.html"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = tmp.path().join("report.html");
    look_at(&page, "demo", tmp.path());

    // The DOM after the page's script ran, 400 pixels wide.
    let dom_file = tmp.path().join("dom.html");
    let (status, _) = run_chromium(&page, 400, &["--dump-dom".to_string()], &dom_file);
    assert!(status.success(), "chromium --dump-dom: {status}");
    let dom = std::fs::read_to_string(&dom_file).expect("dumped DOM");
    assert!(dom.contains("<section id=\"findings\""), "{dom}");
    // the script showed the filter form and counted what it shows
    assert!(
        dom.contains("<form id=\"filters\" class=\"filters\">"),
        "the script ran"
    );
    assert!(
        dom.contains("listed findings shown"),
        "the filter counted the findings"
    );
    let failing = failing_rules(tmp.path());
    assert!(!failing.is_empty(), "the demo has failing rules");
    for id in &failing {
        assert!(
            dom.contains(&format!("id=\"rule-{id}\"")),
            "no group of findings for {id}"
        );
    }
    assert!(dom.contains("<tr data-st=\"fail\">"));
    assert!(dom.contains(">Rule documentation</a>"));
}

/// A synthetic estate far larger than the demo: the page lists at most `--html-limit` findings
/// per rule and status, so its size does not grow with the estate. (How fast Chromium renders a
/// 100,000-repository report is measured by `bench/html.py`, not asserted here.)
#[test]
fn a_large_estate_report_stays_small_and_renders() {
    let tmp = tempfile::tempdir().expect("tempdir");
    synthetic_estate(tmp.path(), "synth", 5000, 7);
    let out = devquery(
        &[
            "report",
            "--snapshot",
            "synth",
            "--format",
            "html",
            "-o",
            "big.html",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = tmp.path().join("big.html");
    let size = std::fs::metadata(&page).expect("big.html").len();
    assert!(size < 8 * 1024 * 1024, "{size} bytes: more than a few MB");
    let html = std::fs::read_to_string(&page).expect("read big.html");
    assert!(
        html.contains("the full list is in --format json/csv/sarif"),
        "a rule lists fewer findings than it has, and says so"
    );
    look_at(&page, "estate-5000", tmp.path());
}

#[test]
fn html_limit_caps_what_the_page_lists_and_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = |limit: &str| {
        let out = devquery(
            &["report", "--format", "html", "--html-limit", limit],
            tmp.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let one = run("1");
    assert!(
        one.contains("showing 1 of "),
        "a rule with more than one says so"
    );
    assert!(one.contains("the full list is in --format json/csv/sarif"));
    let all = run("0");
    assert!(!all.contains("showing "), "0 lists every finding");
    assert!(
        one.matches("<tr data-st=").count() < all.matches("<tr data-st=").count(),
        "fewer rows listed with a limit"
    );
}
