//! Hostile input to live collection through the binary: an API URL with credentials in it is a
//! usage error (exit 2) that never repeats the password and writes nothing; a hostile GitHub
//! whose pagination links point at another host never gets the token there, the token is in no
//! output even at trace level, and the ETag cache it leaves is private (`0700` / `0600`).

use std::path::Path;
use std::process::{Command, Output};

use devquery_fake_forge::github::{FakeGithub, ForeignListener, Hostile, HostileMode, generate};

use crate::common::{devquery, stderr, stdout};

const PASSWORD: &str = "s3cretPASSWORD42";
const TOKEN: &str = "ghp_E2EHOSTILE0123456789abcdefCANARY";

fn all_output(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

#[test]
fn a_github_url_with_credentials_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = format!("http://user:{PASSWORD}@127.0.0.1:9");
    let out = devquery(
        &[
            "collect",
            "--github-org",
            "acme",
            "--github-url",
            &url,
            "--out",
            "snap",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = all_output(&out);
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(text.contains("--github-url"), "{text}");
    assert!(!tmp.path().join("snap").exists());
}

#[test]
fn an_azure_url_with_credentials_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = format!("https://pat:{PASSWORD}@dev.azure.com");
    let out = devquery(
        &[
            "query",
            "-e",
            "select 1",
            "--azure-org",
            "fabrikam",
            "--azure-url",
            &url,
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = all_output(&out);
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(text.contains("--azure-url"), "{text}");
}

/// Runs `devquery collect` against `base` with `GITHUB_TOKEN` set, trace logging on.
fn collect_with_token(base: &str, dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_devquery"))
        .args([
            "collect",
            "--github-org",
            "acme",
            "--github-url",
            base,
            "--out",
            "snap",
            "-vvv",
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join(".data"))
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("GITHUB_TOKEN", TOKEN)
        .env_remove("GH_TOKEN")
        .env_remove("AZURE_DEVOPS_PAT")
        .env_remove("RUST_LOG")
        .output()
        .expect("run devquery")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_next_link_never_receives_the_token() {
    let foreign = ForeignListener::start().await.expect("foreign listener");
    let mut scenario = generate::synthetic("acme", 3, 1);
    scenario.token.value = Some(TOKEN.to_string());
    scenario.hostile = Hostile::new(HostileMode::ForeignLink, Some(&foreign));
    let server = FakeGithub::start(scenario).await.expect("fake GitHub");
    let tmp = tempfile::tempdir().expect("tempdir");
    let (base, dir) = (server.base_url().to_string(), tmp.path().to_path_buf());
    let out = tokio::task::spawn_blocking(move || collect_with_token(&base, &dir))
        .await
        .expect("devquery thread");
    assert!(
        foreign.requests().is_empty(),
        "the foreign host was contacted: {:?}\n{}",
        foreign.requests(),
        stderr(&out)
    );
    assert!(!all_output(&out).contains(TOKEN), "token in the output");
    assert!(server.counters().total > 0, "{}", stderr(&out));
    #[cfg(unix)]
    assert_cache_is_private(&tmp.path().join(".cache").join("devquery").join("http"));
}

#[cfg(unix)]
fn assert_cache_is_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let files: Vec<_> = std::fs::read_dir(dir)
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(!files.is_empty(), "nothing cached in {}", dir.display());
    for f in files {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        assert!(!text.contains(TOKEN), "token in {}", f.display());
    }
}
