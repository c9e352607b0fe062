//! Command-line conventions: shell completions and man pages, `--color` with NO_COLOR and
//! CLICOLOR_FORCE, a closed pipe that ends quietly, token variables in `gh`'s order, and
//! progress lines when stderr is not a terminal.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use devquery_fake_forge::github::{FakeGithub, Scenario, generate};

use crate::common::{devquery, devquery_command, stderr, stdout};

const ESC: u8 = 0x1b;

#[test]
fn completions_name_the_commands_for_every_shell() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = devquery(&["completions", "bash"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(script.contains("devquery"), "{script}");
    assert!(script.contains("report"), "{script}");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = devquery(&["completions", shell], tmp.path());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("report"), "{shell}");
    }
    let out = devquery(&["completions", "tcsh"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn man_writes_a_page_per_command() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = devquery(&["man", "--out", "man"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in ["devquery.1", "devquery-report.1", "devquery-completions.1"] {
        let text = std::fs::read_to_string(tmp.path().join("man").join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}: {text}");
    }
    let report = std::fs::read_to_string(tmp.path().join("man/devquery-report.1")).expect("page");
    assert!(report.contains("fail\\-on"), "{report}");

    let out = devquery(&["man"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(".TH"), "{}", stdout(&out));
}

/// Runs `cmd` with its stdout closed before it writes anything (the reader of a pipe that went
/// away, as in `| head -c1`).
fn into_closed_pipe(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn devquery");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let commands: [&[&str]; 4] = [
        &["report", "--format", "json"],
        &["report"],
        &[
            "query",
            "-e",
            "select * from repositories",
            "--format",
            "csv",
        ],
        &["tables"],
    ];
    for args in commands {
        let out = into_closed_pipe(devquery_command(args, tmp.path()));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_closed_pipe_does_not_turn_a_failing_gate_into_a_pass() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let args = ["report", "--format", "json", "--fail-on", "info"];
    let gate = devquery(&args, tmp.path());
    let code = gate.status.code().expect("exit code");
    assert!(
        code > 10,
        "the demo has failing findings: {}",
        stderr(&gate)
    );
    let out = into_closed_pipe(devquery_command(&args, tmp.path()));
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

/// `devquery report` with colour variables set as given (NO_COLOR unset unless given).
fn report(color: Option<&str>, env: &[(&str, &str)], dir: &Path) -> Output {
    let mut args = vec!["-v", "report"];
    if let Some(c) = color {
        args.extend(["--color", c]);
    }
    let mut cmd = devquery_command(&args, dir);
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run devquery")
}

fn has_esc(bytes: &[u8]) -> bool {
    bytes.contains(&ESC)
}

#[test]
fn color_never_writes_no_escape_and_always_does() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let force = [("CLICOLOR_FORCE", "1")];

    let never = report(Some("never"), &force, tmp.path());
    assert_eq!(never.status.code(), Some(0), "{}", stderr(&never));
    assert!(!has_esc(&never.stdout), "{}", stdout(&never));
    assert!(!has_esc(&never.stderr), "{}", stderr(&never));

    let always = report(Some("always"), &[("NO_COLOR", "1")], tmp.path());
    assert_eq!(always.status.code(), Some(0), "{}", stderr(&always));
    assert!(has_esc(&always.stdout), "--color always colours a pipe");

    // auto: a pipe is plain, CLICOLOR_FORCE colours it, NO_COLOR wins over both.
    let plain = report(None, &[], tmp.path());
    assert!(!has_esc(&plain.stdout) && !has_esc(&plain.stderr));
    let forced = report(None, &force, tmp.path());
    assert!(has_esc(&forced.stdout), "CLICOLOR_FORCE colours a pipe");
    let both = report(
        None,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        tmp.path(),
    );
    assert!(!has_esc(&both.stdout) && !has_esc(&both.stderr));

    let out = devquery(&["report", "--color", "sometimes"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

const TOKEN: &str = "good-token";

/// The fake GitHub (org `acme`, accepting only [`TOKEN`]) on its own runtime.
struct Fake {
    server: FakeGithub,
    _rt: tokio::runtime::Runtime,
}

impl Fake {
    fn start(repos: usize) -> Self {
        let mut scenario: Scenario = generate::synthetic("acme", repos, 7);
        scenario.token.value = Some(TOKEN.into());
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let server = rt
            .block_on(FakeGithub::start(scenario))
            .expect("fake GitHub");
        Self { server, _rt: rt }
    }

    /// `devquery collect` from the fake with these token variables.
    fn collect(&self, dir: &Path, out: &str, tokens: &[(&str, &str)]) -> Output {
        let args = [
            "collect",
            "--github-org",
            "acme",
            "--github-url",
            self.server.base_url(),
            "--out",
            out,
        ];
        let mut cmd = devquery_command(&args, dir);
        for (k, v) in tokens {
            cmd.env(k, v);
        }
        cmd.output().expect("run devquery")
    }
}

#[test]
fn token_variables_are_read_in_gh_order() {
    let fake = Fake::start(3);
    let tmp = tempfile::tempdir().expect("tempdir");

    // GH_TOKEN beats GITHUB_TOKEN.
    let o = fake.collect(
        tmp.path(),
        "a",
        &[("GITHUB_TOKEN", "canary-github-token"), ("GH_TOKEN", TOKEN)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // Off github.com (GitHub Enterprise Server, here the fake) the enterprise variables come
    // first.
    let o = fake.collect(
        tmp.path(),
        "b",
        &[
            ("GH_TOKEN", "canary-gh-token"),
            ("GH_ENTERPRISE_TOKEN", TOKEN),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = fake.collect(
        tmp.path(),
        "c",
        &[
            ("GITHUB_ENTERPRISE_TOKEN", "canary-enterprise-token"),
            ("GH_TOKEN", TOKEN),
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("canary-enterprise-token"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_collection_without_a_terminal_prints_progress_lines() {
    let fake = Fake::start(12);
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = fake.collect(tmp.path(), "snap", &[("GH_TOKEN", TOKEN)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    // Archived repositories are skipped, so the count comes from the start line.
    let n: u64 = err
        .lines()
        .find_map(|l| {
            l.strip_prefix("github acme: collecting ")?
                .strip_suffix(" repositories")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no start line: {err}"));
    assert!(n > 0, "{err}");
    assert!(
        err.contains(&format!("github acme: {n}/{n} repositories")),
        "{err}"
    );
    assert!(!err.as_bytes().contains(&ESC), "{err}");
}
