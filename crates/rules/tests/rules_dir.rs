//! `--rules DIR` as a hostile or careless user leaves it: link loops, links to directories
//! outside, FIFOs and devices named `*.sql`, broken links (the walk neither hangs nor follows
//! them); and broken rule files (a bad header, SQL that does not plan), which are errors naming
//! the file and line, never warnings.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use devquery_rules::{Error, ParamOverrides, RuleSet};

const GOOD: &str = "-- id: good\n-- title: A good rule\n-- severity: low\nSELECT 'repository' AS resource_type, repo AS resource, 'x' AS reason FROM repositories\n";

/// A rule file `<id>.sql` with `sql` as its body.
fn rule(id: &str, sql: &str) -> String {
    format!("-- id: {id}\n-- title: Rule {id}\n-- severity: medium\n{sql}\n")
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn ids(set: &RuleSet) -> Vec<String> {
    set.rules().iter().map(|r| r.id.clone()).collect()
}

#[test]
fn links_fifos_and_loops_neither_hang_nor_escape() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("rules");
    write(&dir.join("repos/good.sql"), GOOD);
    // Outside the rules directory: a rule reached only through a linked directory.
    let elsewhere = tmp.path().join("elsewhere");
    write(&elsewhere.join("outside.sql"), &rule("outside", "SELECT 1"));
    write(
        &tmp.path().join("shared/linked.sql"),
        &rule(
            "linked",
            "SELECT 'r' AS resource_type, 'x' AS resource, 'y' AS reason",
        ),
    );
    symlink(&elsewhere, dir.join("elsewhere")).expect("symlink");
    symlink(".", dir.join("repos/loop")).expect("symlink");
    symlink("..", dir.join("repos/up")).expect("symlink");
    symlink("self.sql", dir.join("self.sql")).expect("symlink");
    symlink("nowhere.sql", dir.join("broken.sql")).expect("symlink");
    symlink("/dev/zero", dir.join("zero.sql")).expect("symlink");
    symlink(tmp.path().join("shared/linked.sql"), dir.join("linked.sql")).expect("symlink");
    mkfifo(&dir.join("repos/fifo.sql"));

    let set = RuleSet::load_dir(&dir).expect("loads");
    // The rule file and the link to a regular rule file; nothing else was opened.
    assert_eq!(ids(&set), ["good", "linked"]);
}

#[test]
fn a_bad_header_is_an_error_naming_file_and_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("rules");
    write(&dir.join("good.sql"), GOOD);
    write(
        &dir.join("bad.sql"),
        "-- id: bad\n-- title: t\n-- severity: severe\nSELECT 1\n",
    );
    let e = RuleSet::load(Some(&dir)).expect_err("a bad header fails the load");
    assert!(matches!(e, Error::Rules(_)), "{e}");
    assert!(!e.is_usage());
    let text = e.to_string();
    assert!(
        text.contains("bad.sql:3: unknown severity 'severe'"),
        "{text}"
    );
}

#[tokio::test]
async fn sql_that_does_not_plan_is_an_error_naming_file_and_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("rules");
    write(&dir.join("good.sql"), GOOD);
    write(
        &dir.join("broken.sql"),
        &rule(
            "broken",
            "SELECT 'r' AS resource_type, repo AS resource,\n  'x' AS reason\nFROM no_such_table",
        ),
    );
    // Parsing alone accepts it (the header is fine) ...
    RuleSet::load(Some(&dir)).expect("headers parse");
    // ... but the checked load, which `report --rules` and `rules` use, refuses it.
    let e = RuleSet::load_checked(Some(&dir), &ParamOverrides::default())
        .await
        .expect_err("does not plan");
    assert!(!e.is_usage());
    let text = e.to_string();
    // The line of the SELECT (the planner names no line for an unknown table).
    assert!(text.contains("broken.sql:4: SQL does not plan"), "{text}");
    assert!(text.contains("no_such_table"), "{text}");
    assert!(!text.contains("good.sql"), "{text}");
}

#[tokio::test]
async fn a_checked_load_of_good_rules_keeps_them_all() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("rules");
    write(&dir.join("good.sql"), GOOD);
    let set = RuleSet::load_checked(Some(&dir), &ParamOverrides::default())
        .await
        .expect("plans");
    assert!(set.get("good").is_some());
    assert!(set.len() > 1, "the bundled rules are kept");
    let bundled = RuleSet::load_checked(None, &ParamOverrides::default())
        .await
        .expect("bundled only");
    assert_eq!(bundled.len() + 1, set.len());
}
