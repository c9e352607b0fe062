//! Damaged snapshots, `-o` on special files, control characters from the estate and SQL limits,
//! end to end: every damaged snapshot is an error naming the table (never a panic, never an
//! empty table), `-o` never replaces a device, FIFO or symlink, no escape sequence from the
//! estate reaches the terminal, and hostile SQL fails cleanly.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use devquery_engine::{SnapshotInfo, write_snapshot};
use devquery_model::{Dataset, find, to_batch};

use crate::common::{devquery, stderr, stdout};

/// A small generated snapshot (with checksums) at `dir/name`.
fn generated(dir: &Path, name: &str) -> PathBuf {
    let out = devquery(
        &[
            "demo", "generate", "--repos", "6", "--seed", "5", "--out", name,
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir.join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

fn assert_names_table(out: &Output, table: &str, case: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{case}: {err}");
    assert!(err.contains(&format!("table '{table}'")), "{case}: {err}");
    assert!(!err.contains("panicked"), "{case}: {err}");
}

fn flip_middle(file: &Path) {
    let mut bytes = fs::read(file).expect("read");
    let i = bytes.len() / 2;
    bytes[i] ^= 0x5a;
    fs::write(file, bytes).expect("write");
}

fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("json");
    edit(&mut m);
    fs::write(&path, serde_json::to_vec_pretty(&m).expect("json")).expect("write");
}

#[test]
fn every_damaged_snapshot_is_an_error_naming_the_table() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let pristine = generated(tmp.path(), "pristine");
    type Damage = fn(&Path);
    let cases: [(&str, &str, Damage); 5] = [
        ("flipped byte", "pipeline_steps", |d| {
            flip_middle(&d.join("pipeline_steps.parquet"))
        }),
        ("deleted file", "alerts", |d| {
            fs::remove_file(d.join("alerts.parquet")).expect("remove")
        }),
        ("truncated file", "members", |d| {
            let f = d.join("members.parquet");
            let bytes = fs::read(&f).expect("read");
            fs::write(&f, &bytes[..bytes.len() / 2]).expect("write");
        }),
        ("another table's file", "teams", |d| {
            fs::copy(d.join("orgs.parquet"), d.join("teams.parquet")).expect("copy");
        }),
        ("row count edited", "repositories", |d| {
            edit_manifest(d, |m| {
                let n = m["tables"]["repositories"].as_u64().expect("count");
                m["tables"]["repositories"] = serde_json::json!(n + 1);
            })
        }),
    ];
    for (case, table, damage) in cases {
        let dir = tmp.path().join(case.replace(' ', "-"));
        copy_dir(&pristine, &dir);
        damage(&dir);
        let snap = dir.to_str().expect("utf-8 path");
        let out = devquery(
            &[
                "query",
                "--snapshot",
                snap,
                "-e",
                "select count(*) from repositories",
            ],
            tmp.path(),
        );
        assert_names_table(&out, table, case);
        let out = devquery(&["report", "--snapshot", snap], tmp.path());
        assert_names_table(&out, table, case);
    }
}

#[test]
fn leftovers_of_a_killed_collection_are_removed_by_the_next_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // What `kill -9` during a write leaves: a temporary directory of a process that is gone.
    let leftover = tmp.path().join(".snap.tmp-99999999-12345");
    fs::create_dir(&leftover).expect("mkdir");
    fs::write(leftover.join("repositories.parquet"), b"half written").expect("write");
    generated(tmp.path(), "snap");
    if Path::new("/proc/self").exists() {
        assert!(!leftover.exists(), "the leftover is removed");
    }
    let out = devquery(
        &[
            "query",
            "--snapshot",
            "snap",
            "-e",
            "select count(*) from repositories",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn output_to_dev_null_a_symlink_or_a_fifo_never_replaces_it() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let query = |output: &str| {
        devquery(
            &[
                "query",
                "--format",
                "csv",
                "-e",
                "select 1 as x",
                "-o",
                output,
            ],
            tmp.path(),
        )
    };
    if Path::new("/dev/null").exists() {
        let out = query("/dev/null");
        assert!(out.status.success(), "{}", stderr(&out));
        let ft = fs::metadata("/dev/null").expect("meta").file_type();
        assert!(ft.is_char_device(), "/dev/null is still a device");
        let out = devquery(
            &["report", "--format", "json", "-o", "/dev/null"],
            tmp.path(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            fs::metadata("/dev/null")
                .expect("meta")
                .file_type()
                .is_char_device()
        );
    }

    // `/dev/stdout` writes to the process's own stdout (here a pipe), whatever it is.
    let out = query("/dev/stdout");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "x\n1\n");

    fs::write(tmp.path().join("real.csv"), "old").expect("write");
    std::os::unix::fs::symlink("real.csv", tmp.path().join("latest.csv")).expect("symlink");
    let out = query("latest.csv");
    assert!(out.status.success(), "{}", stderr(&out));
    let link = fs::symlink_metadata(tmp.path().join("latest.csv")).expect("meta");
    assert!(link.file_type().is_symlink(), "the link is still a link");
    assert_eq!(
        fs::read_to_string(tmp.path().join("real.csv")).expect("read"),
        "x\n1\n"
    );
    std::os::unix::fs::symlink("real.md", tmp.path().join("report.md")).expect("symlink");
    let out = devquery(
        &["report", "--format", "markdown", "-o", "report.md"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(tmp.path().join("report.md"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    let md = fs::read_to_string(tmp.path().join("real.md")).expect("read");
    assert!(md.starts_with("# devquery report"), "{md}");

    let fifo = tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let reader_path = fifo.clone();
        let reader = std::thread::spawn(move || fs::read_to_string(reader_path).expect("read"));
        let out = query("pipe");
        assert!(out.status.success(), "{}", stderr(&out));
        // Checked before joining: a FIFO replaced by a file would leave the reader waiting.
        assert!(
            fs::symlink_metadata(&fifo)
                .expect("meta")
                .file_type()
                .is_fifo()
        );
        assert_eq!(reader.join().expect("reader"), "x\n1\n");
    }
}

/// A snapshot whose organisation name carries terminal escape sequences (set the window
/// title, clear the screen) and whose name fails a rule, so it appears in reports.
fn hostile_snapshot(dir: &Path) -> PathBuf {
    let spec = find("orgs").expect("orgs table");
    let row = serde_json::json!({
        "platform": "github",
        "host": "github.com",
        "org": "\u{1b}]0;owned\u{7}\u{1b}[2Jevil\rcorp",
        "secret_scanning_default": false,
        "push_protection_default": false,
        "dependabot_alerts_default": false
    });
    let mut data = Dataset::new();
    data.push_batch(spec.name, to_batch(&spec, &[row]).expect("batch"));
    let snap = dir.join("hostile");
    write_snapshot(&snap, &data, &SnapshotInfo::default()).expect("write");
    snap
}

#[test]
fn escape_sequences_from_the_estate_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let snap = hostile_snapshot(tmp.path());
    let snap = snap.to_str().expect("utf-8 path");
    for format in ["table", "line"] {
        let out = devquery(
            &[
                "query",
                "--snapshot",
                snap,
                "--format",
                format,
                "-e",
                "select org from orgs",
            ],
            tmp.path(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(!text.contains('\r'), "{text}");
        assert!(
            text.contains("\\x1b]0;owned\\x07\\x1b[2Jevil\\rcorp"),
            "{text}"
        );
    }
    for format in ["table", "markdown", "github"] {
        let out = devquery(
            &["report", "--snapshot", snap, "--format", format],
            tmp.path(),
        );
        assert!(
            out.status.code().is_some_and(|c| c != 101),
            "{}",
            stderr(&out)
        );
        let text = stdout(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text}"
        );
        assert!(
            text.contains("owned"),
            "{format}: the finding is shown: {text}"
        );
    }
}

#[test]
fn hostile_sql_fails_cleanly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = devquery(
        &["query", "-e", "select repeat('x', 2147483647)"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--memory-limit"), "{}", stderr(&out));

    let out = devquery(
        &["query", "-e", "select 9223372036854775807 + 1"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("integer overflow"),
        "{}",
        stderr(&out)
    );

    let out = devquery(
        &[
            "query",
            "--memory-limit",
            "1M",
            "-e",
            "select array_agg(value) from generate_series(1, 3000000)",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--memory-limit"), "{}", stderr(&out));

    let out = devquery(
        &["query", "--memory-limit", "lots", "-e", "select 1"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = devquery(
        &["query", "--memory-limit", "unlimited", "-e", "select 1"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
}
