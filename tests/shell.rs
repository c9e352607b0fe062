//! `devquery shell` end to end: the real binary on a pseudo-terminal (prompt, `.tables`,
//! multi-line statements, errors that keep the session, tab completion, rules, Ctrl-C, Ctrl-D,
//! history location), and with piped stdin (no prompt, exit status).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use expectrl::{ControlCode, Eof, Expect, Regex, Session};

use crate::common::{stderr, stdout};

/// The prompt, whatever the source label.
const PROMPT: &str = r"devquery\([^)]*\)> ";

/// A `devquery` command isolated from the user's config, history and tokens.
fn command(args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_devquery"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join(".data"))
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env_remove("RUST_LOG")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("COLUMNS")
        .env_remove("AZURE_DEVOPS_PAT");
    cmd
}

type Pty = expectrl::session::OsSession;

fn spawn(args: &[&str], dir: &Path) -> Pty {
    let mut session = Session::spawn(command(args, dir)).expect("spawn devquery on a pty");
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    session
}

/// Sends `line` and Enter (a carriage return, as a terminal does).
fn enter(p: &mut Pty, line: &str) {
    p.send(format!("{line}\r")).expect("send");
}

fn prompt(p: &mut Pty) {
    p.expect(Regex(PROMPT)).expect("prompt");
}

/// Waits for the process to end and returns its exit status as text.
fn exit_status(p: &mut Pty) -> String {
    p.expect(Eof).expect("eof");
    format!("{:?}", p.get_process().wait().expect("wait"))
}

#[test]
fn interactive_session_on_a_pty() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&["shell"], tmp.path());
    prompt(&mut p);

    // .tables lists the catalogue.
    enter(&mut p, ".tables");
    p.expect("pipeline_steps")
        .expect(".tables lists pipeline_steps");
    p.expect("repositories")
        .expect(".tables lists repositories (in name order)");
    prompt(&mut p);

    // An unknown meta-command is a hint, not an exit.
    enter(&mut p, ".tabels");
    p.expect("did you mean .tables?").expect("hint for a typo");
    prompt(&mut p);

    // A statement over several lines runs at its ';'.
    enter(&mut p, "select 6 * 7");
    enter(&mut p, "  as multi_line_answer");
    enter(&mut p, ";");
    p.expect("| multi_line_answer |")
        .expect("multi-line header");
    p.expect("| 42").expect("multi-line value");
    prompt(&mut p);

    // A bad statement prints an error; the next one still runs.
    enter(&mut p, "select nope from nowhere;");
    p.expect("error:").expect("error printed");
    prompt(&mut p);
    enter(&mut p, "select upper('still here') as after_error;");
    p.expect("STILL HERE").expect("session survived the error");
    prompt(&mut p);

    // Tab completes a table name and a column name; the completed statement runs (without
    // completion it names no table and no column, and fails).
    let pause = || std::thread::sleep(Duration::from_millis(200));
    p.send("select count(*) as completed from repositor")
        .expect("send");
    pause();
    p.send("\t").expect("tab");
    pause();
    p.send(" where is_archiv").expect("send");
    pause();
    p.send("\t").expect("tab");
    pause();
    enter(&mut p, " is null or true;");
    p.expect("| completed |").expect("completed statement ran");
    prompt(&mut p);

    // Rules: list them (a table of devquery_rules, every cell whole), run one, run all.
    enter(&mut p, ".wide on");
    prompt(&mut p);
    enter(&mut p, ".rules");
    let listed = p
        .expect(Regex(
            r"\n\| ([a-z0-9][a-z0-9-]+) +\| (critical|high|medium|low|info) +\|",
        ))
        .expect("a rule listed");
    let id = String::from_utf8_lossy(listed.get(1).expect("rule id")).into_owned();
    p.expect("rules; .run RULE").expect(".rules footer");
    prompt(&mut p);
    enter(&mut p, &format!(".run {id}"));
    p.expect("failing of").expect(".run RULE summary");
    prompt(&mut p);
    enter(&mut p, ".run all");
    p.expect("rules run,").expect(".run all summary");
    prompt(&mut p);

    // Ctrl-C cancels a long statement and the session goes on.
    enter(
        &mut p,
        "select count(*) from generate_series(1, 100000000000) where value % 7 = 3;",
    );
    std::thread::sleep(Duration::from_millis(1500));
    p.send(ControlCode::EndOfText).expect("ctrl-c");
    p.expect("cancelled").expect("statement cancelled");
    prompt(&mut p);
    enter(&mut p, "select upper('alive') as after_cancel;");
    p.expect("ALIVE").expect("session survived Ctrl-C");
    prompt(&mut p);

    // Ctrl-C at the prompt clears the line instead of exiting.
    p.send("select 'never run'").expect("send");
    p.send(ControlCode::EndOfText).expect("ctrl-c");
    prompt(&mut p);

    // Ctrl-D leaves with status 0.
    p.send(ControlCode::EndOfTransmission).expect("ctrl-d");
    let status = exit_status(&mut p);
    assert!(
        status.contains("Exited(") && status.ends_with(", 0)"),
        "{status}"
    );

    // History went to the XDG data directory, not the working directory.
    let history = std::fs::read_to_string(tmp.path().join(".data/devquery/history"))
        .expect("history file in XDG_DATA_HOME");
    assert!(history.contains("still here"), "{history}");
    assert!(!history.contains("never run"), "{history}");
    assert!(!tmp.path().join(".devquery_history").exists());
    assert!(!tmp.path().join("history").exists());
}

#[test]
fn bare_devquery_on_a_terminal_starts_the_shell() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&[], tmp.path());
    prompt(&mut p);
    enter(&mut p, ".quit");
    let status = exit_status(&mut p);
    assert!(status.ends_with(", 0)"), "{status}");
}

fn piped(args: &[&str], dir: &Path, input: &str) -> std::process::Output {
    let mut child = command(args, dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn devquery");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn piped_stdin_runs_without_prompts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = piped(
        &["shell"],
        tmp.path(),
        "select 1 as one;\n.mode csv\nselect 2\n  as two;\n-- trailing statement without ';'\nselect 3 as three\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("| one |"), "{text}");
    assert!(text.contains("two\n2\n"), "{text}");
    assert!(text.contains("three\n3\n"), "{text}");
    assert!(!text.contains("devquery("), "no prompt: {text}");
    assert!(!text.contains('\x1b'), "no colour: {text}");

    // A failing statement: reported, the rest still runs, exit status 1.
    let out = piped(
        &["shell"],
        tmp.path(),
        "select * from repositorys;\n.bogus\nselect 'after' as later;\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did you mean repositories?"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("unknown command .bogus"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("after"), "{}", stdout(&out));

    // .quit stops reading.
    let out = piped(&["shell"], tmp.path(), ".quit\nselect nope;\n");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn catalogue_commands_are_queries_printed_like_results() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = piped(
        &["shell"],
        tmp.path(),
        ".mode csv\n.tables\n.schema repositories\n.rules\n.mode box\n.width 4\nselect 'repositories' as t;\n.width\nselect count(*) as n from devquery_rules;\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("table_name,kind,row_count,description\n"),
        "{text}"
    );
    // The demo estate is in memory: its row counts are known.
    let repositories = text
        .lines()
        .find(|l| l.starts_with("repositories,table,"))
        .expect("repositories listed");
    assert!(!repositories.starts_with("repositories,table,,"), "{text}");
    assert!(
        text.contains("\nsecret_scanning,boolean,Secret scanning is enabled.\n"),
        "{text}"
    );
    assert!(text.contains("\nid,severity,platforms,title\n"), "{text}");
    assert!(text.contains("│ rep… │"), ".width 4 in box mode: {text}");
    let bundled = devquery_rules::RuleSet::bundled()
        .expect("bundled rules")
        .len();
    assert!(text.contains(&format!("│ {bundled} ")), "{text}");
}

#[test]
fn live_path_source_is_collected_on_first_use() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".github/workflows")).expect("mkdir");
    std::fs::write(
        repo.join(".github/workflows/ci.yml"),
        "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    )
    .expect("write workflow");
    let repo = repo.to_str().expect("utf-8 path");
    let out = piped(
        &["shell", "--path", repo],
        tmp.path(),
        "select 1 as no_table;\n.mode csv\nselect count(*) as n from pipelines;\nselect count(*) as m from pipeline_steps;\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("collecting ").count(),
        1,
        "collected once: {err}"
    );
    assert!(stdout(&out).contains("n\n1\n"), "{}", stdout(&out));
}
