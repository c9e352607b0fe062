//! Collection outcomes that cannot be mistaken, end to end against the in-process fake GitHub:
//! a refused or missing token exits 3 and a closed port 4, writing nothing; a collection
//! stopped by `--max-requests` or the rate limit exits 5 with a snapshot marked partial, every
//! report format says so in its header, and `report --fail-on` exits 5 over it unless
//! `--allow-partial`.

use std::path::Path;
use std::process::Output;

use devquery_fake_forge::github::{FakeGithub, Scenario, generate};
use serde_json::Value;

use crate::common::{stderr, stdout};

const TOKEN: &str = "good-token";

/// The fake GitHub on its own runtime (the binary runs as a child process meanwhile).
struct Fake {
    server: FakeGithub,
    _rt: tokio::runtime::Runtime,
}

impl Fake {
    fn start(scenario: Scenario) -> Self {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let server = rt
            .block_on(FakeGithub::start(scenario))
            .expect("fake GitHub");
        Self { server, _rt: rt }
    }

    fn url(&self) -> &str {
        self.server.base_url()
    }

    fn host(&self) -> &str {
        self.url().trim_start_matches("http://")
    }
}

/// A synthetic org `acme` whose fake accepts only [`TOKEN`].
fn acme(repos: usize) -> Scenario {
    let mut sc = generate::synthetic("acme", repos, 5);
    sc.token.value = Some(TOKEN.into());
    sc
}

/// Runs `devquery` in `dir` with `GITHUB_TOKEN` set to `token` (or unset).
fn run(args: &[&str], dir: &Path, token: Option<&str>) -> Output {
    let mut cmd = crate::common::devquery_command(args, dir);
    if let Some(t) = token {
        cmd.env("GITHUB_TOKEN", t);
    }
    cmd.output().expect("run devquery")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn manifest(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest");
    serde_json::from_str(&text).expect("manifest JSON")
}

#[test]
fn a_refused_or_missing_token_exits_3_and_writes_nothing() {
    let fake = Fake::start(acme(3));
    let tmp = tempfile::tempdir().expect("tempdir");
    let args = [
        "collect",
        "--github-org",
        "acme",
        "--github-url",
        fake.url(),
        "--out",
        "snap",
    ];
    let o = run(&args, tmp.path(), Some("expired-canary-token"));
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(fake.host()) && err.contains("GITHUB_TOKEN"),
        "{err}"
    );
    assert!(!err.contains("expired-canary-token"), "{err}");
    assert!(!tmp.path().join("snap").exists());

    let o = run(&args, tmp.path(), None);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("no token"), "{}", stderr(&o));

    let report = [
        "report",
        "--github-org",
        "acme",
        "--github-url",
        fake.url(),
        "--fail-on",
        "low",
    ];
    let o = run(&report, tmp.path(), Some("expired-canary-token"));
    assert_eq!(code(&o), 3, "{}", stderr(&o));
}

#[test]
fn a_closed_port_exits_4_and_writes_nothing() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let args = [
        "collect",
        "--github-org",
        "acme",
        "--github-url",
        url.as_str(),
        "--out",
        "snap",
    ];
    let o = run(&args, tmp.path(), Some(TOKEN));
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("127.0.0.1:{port}")),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("snap").exists());
}

/// Collects `acme` with `extra` flags into `DIR/snap`; returns the output.
fn collect(fake: &Fake, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "collect",
        "--github-org",
        "acme",
        "--github-url",
        fake.url(),
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", "snap"]);
    run(&args, dir, Some(TOKEN))
}

#[test]
fn a_request_budget_gives_a_partial_snapshot_that_no_gate_passes() {
    let fake = Fake::start(acme(10));
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = collect(&fake, tmp.path(), &["--max-requests", "5"]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stderr(&o).contains("PARTIAL"), "{}", stderr(&o));
    let snap = tmp.path().join("snap");
    let m = manifest(&snap);
    let reason = m["partial"]["reason"].as_str().expect("partial reason");
    assert!(reason.contains("budget"), "{m:#}");
    let missing = m["partial"]["missing"].as_array().expect("missing");
    assert!(!missing.is_empty(), "{m:#}");
    assert!(
        m["error_count"].as_u64().expect("error_count") >= missing.len() as u64,
        "one collection_errors row at least per part left unread: {m:#}"
    );

    let s = snap.to_str().expect("utf-8 path");
    let o = run(
        &["report", "--snapshot", s, "--fail-on", "low"],
        tmp.path(),
        None,
    );
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stdout(&o).contains("PARTIAL SOURCE"), "{}", stdout(&o));
    let o = run(
        &[
            "report",
            "--snapshot",
            s,
            "--fail-on",
            "low",
            "--allow-partial",
        ],
        tmp.path(),
        None,
    );
    let c = code(&o);
    assert!(c == 0 || (11..=15).contains(&c), "{c}: {}", stderr(&o));
    let o = run(&["report", "--snapshot", s], tmp.path(), None);
    assert_eq!(code(&o), 0, "without --fail-on the exit code does not gate");

    // With --allow-partial, collect exits 0 and the manifest still says partial.
    let o = collect(
        &fake,
        tmp.path(),
        &["--max-requests", "5", "--allow-partial"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(manifest(&snap)["partial"].is_object());
}

#[test]
fn every_report_format_says_partial_in_its_header() {
    let fake = Fake::start(acme(5));
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = collect(&fake, tmp.path(), &["--max-requests", "8"]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let snap = tmp.path().join("snap");
    let s = snap.to_str().expect("utf-8 path");
    for format in [
        "table", "markdown", "html", "sarif", "junit", "github", "csv",
    ] {
        let o = run(
            &["report", "--snapshot", s, "--format", format],
            tmp.path(),
            None,
        );
        assert_eq!(code(&o), 0, "{format}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("PARTIAL SOURCE"),
            "{format}: {}",
            stdout(&o)
        );
    }
    let o = run(
        &["report", "--snapshot", s, "--format", "json"],
        tmp.path(),
        None,
    );
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json report");
    assert!(
        v["run"]["partial"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("budget")),
        "{:#}",
        v["run"]
    );
    // `query` warns on stderr and still answers.
    let o = run(
        &[
            "query",
            "--snapshot",
            s,
            "-e",
            "select count(*) from collection_errors",
        ],
        tmp.path(),
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("PARTIAL SOURCE"), "{}", stderr(&o));
}

#[test]
fn a_live_report_over_a_stopped_collection_fails_the_gate() {
    let fake = Fake::start(acme(5));
    let tmp = tempfile::tempdir().expect("tempdir");
    let args = [
        "report",
        "--github-org",
        "acme",
        "--github-url",
        fake.url(),
        "--max-requests",
        "5",
        "--fail-on",
        "low",
    ];
    let o = run(&args, tmp.path(), Some(TOKEN));
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stdout(&o).contains("PARTIAL SOURCE"), "{}", stdout(&o));
}

#[test]
fn the_rate_limit_gives_a_partial_snapshot() {
    let mut sc = acme(10);
    sc.rate_limit.limit = 12;
    sc.rate_limit.reset_secs = 3600;
    let fake = Fake::start(sc);
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = collect(&fake, tmp.path(), &[]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let m = manifest(&tmp.path().join("snap"));
    let reason = m["partial"]["reason"].as_str().expect("partial reason");
    assert!(reason.contains("rate limited"), "{m:#}");
}

#[test]
fn a_complete_collection_exits_0_and_is_not_partial() {
    let fake = Fake::start(acme(3));
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = collect(&fake, tmp.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(manifest(&tmp.path().join("snap")).get("partial").is_none());
    let s = tmp.path().join("snap");
    let o = run(
        &[
            "report",
            "--snapshot",
            s.to_str().expect("utf-8"),
            "--fail-on",
            "critical",
        ],
        tmp.path(),
        None,
    );
    assert!(!stdout(&o).contains("PARTIAL SOURCE"), "{}", stdout(&o));
    assert_ne!(code(&o), 5, "{}", stderr(&o));
}
