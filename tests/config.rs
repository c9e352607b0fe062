//! devquery.toml end to end: the project file and the user file give defaults and flags
//! override them; `--no-config` and `--config` choose the files; sources from a file give way to
//! sources on the command line; a wrong file (unknown key, a token, a URL in a project file) is
//! a usage error naming the file and the line.

use std::path::Path;

use crate::common::{devquery, stderr, stdout, test_snapshot};

/// A token-shaped value (not a real token).
const TOKEN: &str = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("config directory");
    }
    std::fs::write(path, text).expect("write config");
}

fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok()
}

#[test]
fn the_project_file_sets_the_report_format_and_a_flag_overrides_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        &tmp.path().join("devquery.toml"),
        "[report]\nformat = \"json\"\n",
    );
    let out = devquery(&["report"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("report JSON");
    assert_eq!(report["version"], 1);

    let out = devquery(&["report", "--format", "markdown"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!is_json(&stdout(&out)), "{}", stdout(&out));
    assert!(stdout(&out).contains('|'), "{}", stdout(&out));
}

#[test]
fn fail_on_from_the_file_gates_the_exit_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        &tmp.path().join("devquery.toml"),
        "[report]\nfail_on = \"info\"\nformat = \"json\"\n",
    );
    let out = devquery(&["report"], tmp.path());
    let code = out.status.code().expect("exit code");
    assert!(code > 10, "exit {code}: {}", stderr(&out));
}

#[test]
fn no_config_ignores_the_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = tmp.path().join("devquery.toml");
    write(&project, "[report]\nformat = \"json\"\n");
    let out = devquery(&["report", "--no-config"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!is_json(&stdout(&out)), "{}", stdout(&out));

    write(&project, "[report]\nnot_a_key = 1\n");
    let out = devquery(&["report", "--no-config", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(is_json(&stdout(&out)), "{}", stdout(&out));
}

#[test]
fn an_unknown_key_or_a_refused_value_fails_naming_the_file_and_the_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = tmp.path().join("devquery.toml");
    let cases = [
        (
            "# defaults\n[report]\nformat = \"json\"\ncolour = \"never\"\n",
            "devquery.toml:4",
            "colour",
        ),
        ("[reprot]\nformat = \"json\"\n", "devquery.toml:1", "reprot"),
        ("[report]\n\nformat = \"yaml\"\n", "devquery.toml:3", "yaml"),
        ("[report]\ntop = [1, 2]\n", "devquery.toml:2", "not a list"),
        (
            "[report\nformat = \"json\"\n",
            "devquery.toml:",
            "devquery.toml",
        ),
    ];
    for (text, at, names) in cases {
        write(&project, text);
        let out = devquery(&["report"], tmp.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(at), "{text}: {err}");
        assert!(err.contains(names), "{text}: {err}");
        assert!(out.stdout.is_empty(), "{text}");
    }
}

#[test]
fn a_token_in_the_file_is_refused_without_repeating_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = tmp.path().join("devquery.toml");
    let cases = [
        (
            format!("[github]\ntoken = \"{TOKEN}\"\n"),
            "devquery.toml:2",
        ),
        (format!("token = \"{TOKEN}\"\n"), "devquery.toml:1"),
        (format!("[azure]\npat = \"{TOKEN}\"\n"), "devquery.toml:2"),
    ];
    for (text, at) in &cases {
        write(&project, text);
        let out = devquery(&["report"], tmp.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(at), "{text}: {err}");
        assert!(err.contains("token_env"), "{text}: {err}");
        assert!(
            !err.contains(TOKEN) && !stdout(&out).contains(TOKEN),
            "{err}"
        );
    }

    // The variable's NAME belongs there, never the token itself.
    write(&project, &format!("[github]\ntoken_env = \"{TOKEN}\"\n"));
    let out = devquery(&["report"], tmp.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("devquery.toml:2"), "{err}");
    assert!(err.contains("looks like a token"), "{err}");
    assert!(!err.contains(TOKEN), "{err}");
}

#[test]
fn the_user_file_is_read_the_project_file_overrides_it_and_config_replaces_both() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let user = tmp.path().join(".config/devquery/devquery.toml");
    write(&user, "[query]\nformat = \"json\"\n");
    let sql = ["query", "-e", "select 1 as x"];
    let out = devquery(&sql, tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(rows, serde_json::json!([{"x": 1}]));

    write(
        &tmp.path().join("devquery.toml"),
        "[query]\nformat = \"csv\"\n",
    );
    let out = devquery(&sql, tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "x\n1\n");

    write(
        &tmp.path().join("other.toml"),
        "[query]\nformat = \"json\"\n",
    );
    let out = devquery(
        &["query", "--config", "other.toml", "-e", "select 1 as x"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(is_json(&stdout(&out)), "{}", stdout(&out));

    let out = devquery(
        &["query", "--config", "missing.toml", "-e", "select 1"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));
}

#[test]
fn sources_from_the_file_give_way_to_sources_on_the_command_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = tmp.path().join("snap");
    std::fs::create_dir(&snap).expect("snap");
    for entry in std::fs::read_dir(test_snapshot()).expect("fixture") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), snap.join(entry.file_name())).expect("copy");
    }
    // A repository: its root's file counts from any directory inside it.
    std::fs::create_dir(tmp.path().join(".git")).expect(".git");
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).expect("sub");
    let project = tmp.path().join("devquery.toml");
    write(
        &project,
        "[sources]\nsnapshot = \"snap\"\n\n[query]\nformat = \"csv\"\n",
    );
    let count = ["query", "-e", "select count(*) as n from repositories"];
    let out = devquery(&count, &sub);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "n\n3\n", "the snapshot, relative to the file");

    write(
        &project,
        "[sources]\nsnapshot = \"missing\"\n\n[query]\nformat = \"csv\"\n",
    );
    let out = devquery(&count, &sub);
    assert_ne!(out.status.code(), Some(0), "the file's snapshot is read");
    let fixture = test_snapshot();
    let fixture = fixture.to_str().expect("utf-8 path");
    let mut args = count.to_vec();
    args.extend(["--snapshot", fixture]);
    let out = devquery(&args, &sub);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "n\n3\n");
}

#[test]
fn a_project_file_cannot_say_where_tokens_go() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        &tmp.path().join("devquery.toml"),
        "[sources]\ngithub_url = \"http://127.0.0.1:9\"\n",
    );
    let out = devquery(&["query", "-e", "select 1 as x"], tmp.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("devquery.toml:2"), "{err}");
    assert!(
        err.contains("github_url") && err.contains("project file"),
        "{err}"
    );

    // Named with --config, the same file is the user's own choice.
    let sql = ["query", "--config", "devquery.toml", "-e", "select 1 as x"];
    let out = devquery(&sql, tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
