//! The `--path` source over hostile checkouts: pipeline files and templates that are FIFOs,
//! links to `/dev/zero` or to files outside the checkout, linked directories, broken and
//! looping links, non-UTF-8 text and names, git metadata that is a FIFO or a device, template
//! chains deeper than followed and more templates than followed. Nothing hangs, nothing outside
//! the checkout is read, and every listed file has a row saying why it was not read.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::Path;

use devquery_model::Dataset;
use devquery_pipelines::collect_paths;

use crate::common::{column, write};

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `pipelines.path` → `parse_error` (empty when parsed).
fn parse_errors(ds: &Dataset) -> BTreeMap<String, String> {
    column(ds, "pipelines", "path")
        .into_iter()
        .zip(column(ds, "pipelines", "parse_error"))
        .map(|(p, e)| (p.unwrap(), e.unwrap_or_default()))
        .collect()
}

const OUTSIDE_STEPS: &[u8] = b"steps:\n  - script: echo OUTSIDE-SECRET\n";

/// A checkout whose Azure pipeline references every kind of hostile template, with hostile
/// workflows and hostile git metadata beside it.
fn hostile_checkout(tmp: &Path) -> std::path::PathBuf {
    let outside = tmp.join("outside");
    write(&outside, "steps.yml", OUTSIDE_STEPS);
    write(
        &outside,
        "workflow.yml",
        b"on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo OUTSIDE-SECRET\n",
    );
    let repo = tmp.join("org/repo");
    write(
        &repo,
        "azure-pipelines.yml",
        b"trigger: [main]\nsteps:\n  - template: fifo.yml\n  - template: zero.yml\n  - template: outside.yml\n  - template: dir-link/steps.yml\n  - template: inside-link.yml\n",
    );
    mkfifo(&repo.join("fifo.yml"));
    symlink("/dev/zero", repo.join("zero.yml")).unwrap();
    symlink(outside.join("steps.yml"), repo.join("outside.yml")).unwrap();
    symlink(&outside, repo.join("dir-link")).unwrap();
    write(
        &repo,
        "templates/real.tpl",
        b"steps:\n  - script: echo INSIDE\n",
    );
    symlink("templates/real.tpl", repo.join("inside-link.yml")).unwrap();
    // Discovered by path: a FIFO, links outside, broken and looping, and non-UTF-8 text.
    mkfifo(&repo.join(".github/workflows/fifo.yml"));
    symlink(
        outside.join("workflow.yml"),
        repo.join(".github/workflows/out.yml"),
    )
    .unwrap();
    symlink("nowhere.yml", repo.join(".github/workflows/broken.yml")).unwrap();
    symlink("loop.yml", repo.join(".github/workflows/loop.yml")).unwrap();
    write(&repo, ".gitlab-ci.yml", &[0xff, 0xfe, b'a', b'\n']);
    // Git metadata that would hang or never end if read.
    mkfifo(&repo.join(".git/HEAD"));
    symlink("/dev/zero", repo.join(".git/config")).unwrap();
    repo
}

#[test]
fn hostile_files_are_reported_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = hostile_checkout(tmp.path());
    let ds = collect_paths(std::slice::from_ref(&repo)).unwrap();
    let errors = parse_errors(&ds);
    let expect = [
        ("azure-pipelines.yml", ""),
        (
            "fifo.yml",
            "template not read: a FIFO (named pipe), not a regular file (referenced from azure-pipelines.yml)",
        ),
        (
            "zero.yml",
            "template not read: symbolic link to a file outside the checkout (referenced from azure-pipelines.yml)",
        ),
        (
            "outside.yml",
            "template not read: symbolic link to a file outside the checkout (referenced from azure-pipelines.yml)",
        ),
        (
            "dir-link/steps.yml",
            "template not read: reached through a linked directory that leads outside the checkout (referenced from azure-pipelines.yml)",
        ),
        ("inside-link.yml", ""),
        (
            ".github/workflows/fifo.yml",
            "not read: a FIFO (named pipe), not a regular file",
        ),
        (
            ".github/workflows/out.yml",
            "not read: symbolic link to a file outside the checkout",
        ),
        (
            ".github/workflows/broken.yml",
            "not read: symbolic link to a file that does not exist",
        ),
        (".gitlab-ci.yml", "not read: file is not UTF-8 text"),
    ];
    for (path, error) in expect {
        assert_eq!(
            errors.get(path).map(String::as_str),
            Some(error),
            "{path}: {errors:#?}"
        );
    }
    let looping = errors
        .get(".github/workflows/loop.yml")
        .cloned()
        .unwrap_or_default();
    assert!(
        looping.starts_with("not read: symbolic link that does not resolve"),
        "{looping}"
    );
    assert_eq!(errors.len(), expect.len() + 1, "{errors:#?}");

    // Nothing from outside the checkout; the linked template inside was read.
    let scripts = column(&ds, "pipeline_steps", "script");
    assert!(
        !scripts
            .iter()
            .flatten()
            .any(|s| s.contains("OUTSIDE-SECRET")),
        "{scripts:?}"
    );
    assert!(
        scripts.iter().flatten().any(|s| s.contains("echo INSIDE")),
        "{scripts:?}"
    );

    // Every file not read is also a collection error; the git metadata was skipped.
    let mut endpoints: Vec<String> = column(&ds, "collection_errors", "endpoint")
        .into_iter()
        .flatten()
        .collect();
    endpoints.sort();
    let mut unread: Vec<String> = errors
        .iter()
        .filter(|(_, e)| e.contains("not read"))
        .map(|(p, _)| p.clone())
        .collect();
    unread.sort();
    assert_eq!(endpoints, unread);
    assert_eq!(column(&ds, "repositories", "default_branch")[0], None);
}

#[test]
fn a_pipeline_file_with_a_non_utf8_name_has_its_row() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write(
        &repo,
        ".github/workflows/ok.yml",
        b"on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    );
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff.yml");
    if std::fs::write(repo.join(".github/workflows").join(name), b"on: push\n").is_err() {
        // A file system that refuses such names cannot hold the case.
        return;
    }
    let ds = collect_paths(std::slice::from_ref(&repo)).unwrap();
    let errors = parse_errors(&ds);
    assert_eq!(
        errors
            .get(".github/workflows/bad-\u{fffd}.yml")
            .map(String::as_str),
        Some("not read: file name is not UTF-8"),
        "{errors:#?}"
    );
    assert_eq!(
        errors.get(".github/workflows/ok.yml").map(String::as_str),
        Some("")
    );
}

#[test]
fn template_chains_stop_at_the_depth_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    // `.tpl` files are not discovered on their own: only the chain reaches them.
    write(
        &repo,
        "azure-pipelines.yml",
        b"steps:\n  - template: chain/t1.tpl\n",
    );
    for i in 1..=30 {
        let next = format!(
            "steps:\n  - script: echo level {i}\n  - template: t{}.tpl\n",
            i + 1
        );
        write(&repo, &format!("chain/t{i}.tpl"), next.as_bytes());
    }
    let ds = collect_paths(std::slice::from_ref(&repo)).unwrap();
    let errors = parse_errors(&ds);
    for i in 1..=20 {
        assert_eq!(
            errors.get(&format!("chain/t{i}.tpl")).map(String::as_str),
            Some("")
        );
    }
    assert_eq!(
        errors.get("chain/t21.tpl").map(String::as_str),
        Some(
            "template not read: it is 21 template references deep, more than the 20 followed (referenced from chain/t20.tpl)"
        )
    );
    assert!(!errors.contains_key("chain/t22.tpl"), "{errors:#?}");
    let scripts = column(&ds, "pipeline_steps", "script");
    assert!(!scripts.iter().flatten().any(|s| s.contains("level 21")));
}

#[test]
fn templates_past_the_checkout_budget_are_one_collection_error() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let mut root = String::from("steps:\n");
    for i in 0..1005 {
        root.push_str(&format!("  - template: t/x{i}.tpl\n"));
    }
    write(&repo, "azure-pipelines.yml", root.as_bytes());
    let ds = collect_paths(std::slice::from_ref(&repo)).unwrap();
    // The pipeline and the 1,000 templates followed (none exists) have rows; the rest do not.
    assert_eq!(ds.row_count("pipelines"), 1001);
    let messages: Vec<String> = column(&ds, "collection_errors", "message")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(
        messages,
        vec!["more than 1000 templates referenced in this checkout: the others are not read"]
    );
}
