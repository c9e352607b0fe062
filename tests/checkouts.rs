//! `devquery report --path` on the checkouts of `tests/fixtures/checkouts` (GitHub workflows and
//! an action, Azure Pipelines files and a template, GitLab CI): every bundled rule about pipeline
//! files fails there (none is empty because of the platform), every other rule is not
//! applicable (never passing), every pipeline file is read with the platform of its format and
//! the host and org of the checkout's git remote, the line each finding reports holds the
//! flagged text, and every SARIF result has a physical location.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{devquery, stderr, stdout};

/// The bundled rules that read only what `--path` provides; each has a failing finding on the
/// fixtures. Every other bundled rule must be not applicable there, so a new rule lands in one
/// list or the other on purpose.
const FAILING: &[&str] = &[
    "wf-checkout-persist-credentials",
    "wf-curl-pipe-shell",
    "wf-dangerous-trigger-checkout",
    "wf-debug-enabled",
    "wf-excessive-permissions",
    "wf-github-env-injection",
    "wf-hardcoded-container-credentials",
    "wf-insecure-commands",
    "wf-secrets-inherit",
    "wf-secrets-to-json",
    "wf-self-hosted-on-pr",
    "wf-template-injection",
    "wf-unpinned-action",
    "wf-unpinned-image",
];

/// Copies `src` into `dst`, renaming each `dot-git` directory to `.git` (git cannot commit a
/// directory named `.git`, so the fixtures store the markers under that name).
fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("create fixture copy");
    for entry in std::fs::read_dir(src).expect("read fixture dir").flatten() {
        let name = entry.file_name();
        let target = if name.as_os_str() == "dot-git" {
            dst.join(".git")
        } else {
            dst.join(&name)
        };
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// A temporary copy of the checkouts: (the guard, the directory holding the checkouts).
fn checkouts() -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/checkouts");
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("checkouts");
    copy_tree(&src, &root);
    (tmp, root)
}

/// Runs `devquery report --path ROOT --format FORMAT` and parses its JSON output.
fn report(tmp: &Path, root: &Path, format: &str) -> Value {
    let root = root.to_str().expect("utf-8 temp path");
    let out = devquery(&["report", "--path", root, "--format", format], tmp);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("report output is JSON")
}

/// The rule's state: `status` (or `state`) of a JSON rule entry.
fn rule_status(rule: &Value) -> &str {
    rule["status"]
        .as_str()
        .or_else(|| rule["state"].as_str())
        .unwrap_or("")
}

/// A text field of a finding, at the top level or among its `keys`.
fn text(f: &Value, key: &str) -> Option<String> {
    f[key]
        .as_str()
        .or_else(|| f["keys"][key].as_str())
        .map(str::to_string)
}

/// A number field of a finding (a JSON number or a numeric string), at the top level or among
/// its `keys`.
fn number(f: &Value, key: &str) -> Option<usize> {
    [&f[key], &f["keys"][key]].into_iter().find_map(|v| {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    })
}

fn findings(rule: &Value) -> &[Value] {
    rule["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn rules(doc: &Value) -> &[Value] {
    doc["rules"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

#[test]
fn pipeline_rules_fail_on_checkouts_and_the_others_are_not_applicable() {
    let (tmp, root) = checkouts();
    let doc = report(tmp.path(), &root, "json");
    let mut problems = Vec::new();
    let ids: BTreeSet<&str> = rules(&doc)
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for id in FAILING {
        if !ids.contains(id) {
            problems.push(format!("{id}: not in the report"));
        }
    }
    for rule in rules(&doc) {
        let id = rule["id"].as_str().unwrap_or_default();
        let status = rule_status(rule);
        let fails = findings(rule)
            .iter()
            .filter(|f| f["status"] == "fail")
            .count();
        if FAILING.contains(&id) {
            if status != "fail" || fails == 0 {
                problems.push(format!(
                    "{id}: expected failing findings on the checkouts, got {status} ({})",
                    rule["summary"]
                ));
            }
        } else if status != "not_applicable"
            || rule["not_applicable"].as_str().is_none_or(str::is_empty)
            || !findings(rule).is_empty()
        {
            problems.push(format!(
                "{id}: expected not applicable with a reason and no finding, got {status} ({})",
                rule["summary"]
            ));
        }
    }
    if let Some(passing) = doc["summary"]["rules_passing"].as_u64() {
        assert_eq!(
            passing, 0,
            "no rule passes on checkouts: {}",
            doc["summary"]
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The first line of a file that holds a top-level key (1-based).
fn first_key_line(file: &str) -> Option<usize> {
    file.lines()
        .position(|l| !l.is_empty() && !l.starts_with([' ', '\t', '#', '-']))
        .map(|i| i + 1)
}

/// The expressions a reason names between `prefix` and `suffix` ("expands a, b into the
/// script" → `a`, `b`).
fn named_expressions(reason: &str, prefix: &str, suffix: &str) -> Vec<String> {
    reason
        .strip_prefix(prefix)
        .and_then(|r| r.split(suffix).next())
        .filter(|r| !r.starts_with("to GITHUB_"))
        .map(|r| r.split(", ").map(str::to_string).collect())
        .unwrap_or_default()
}

/// What the line of a failing finding must contain (one of, case-insensitively). An empty list
/// means the line is checked another way (excessive permissions without a block: the first
/// top-level key) or not at all (a rule without an entry).
fn expected_texts(rule: &str, reason: &str) -> Vec<String> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    match rule {
        "wf-checkout-persist-credentials" => owned(&[
            "actions/checkout",
            "persist-credentials",
            "persistCredentials",
            "checkout:",
            "with:",
        ]),
        "wf-curl-pipe-shell" => owned(&["run:", "script:", "bash:", "pwsh:", "powershell:"]),
        "wf-dangerous-trigger-checkout" => owned(&["pull_request_target", "workflow_run"]),
        "wf-excessive-permissions" if reason.contains("write-all") => owned(&["permissions"]),
        "wf-excessive-permissions" => Vec::new(),
        "wf-github-env-injection" => {
            let exprs = named_expressions(reason, "writes ", " to GITHUB_");
            if exprs.is_empty() {
                owned(&["run:", "GITHUB_ENV", "GITHUB_PATH"])
            } else {
                exprs
            }
        }
        "wf-hardcoded-container-credentials" => owned(&["container:", "services:"]),
        "wf-insecure-commands" => owned(&["env:", "ACTIONS_ALLOW_UNSECURE_COMMANDS"]),
        "wf-secrets-inherit" => owned(&["secrets: inherit"]),
        "wf-secrets-to-json" => owned(&["toJSON(secrets)", "secrets: inherit", "env:", "with:"]),
        "wf-self-hosted-on-pr" => owned(&["runs-on", "pool"]),
        "wf-template-injection" => named_expressions(reason, "expands ", " into the script"),
        "wf-unpinned-action" => {
            let value = reason.strip_prefix("reusable workflow ").unwrap_or(reason);
            vec![value.split(" is ").next().unwrap_or(value).to_string()]
        }
        "wf-unpinned-image" => owned(&["container", "image:", "services:"]),
        "wf-debug-enabled" => owned(&["env:", "variables:"]),
        _ => Vec::new(),
    }
}

/// Checks one finding's position against the fixture file; problems are pushed to `out`.
fn check_position(root: &Path, rule: &str, f: &Value, out: &mut Vec<String>) {
    let (Some(path), Some(line)) = (text(f, "path"), number(f, "line")) else {
        return;
    };
    let repo = text(f, "repo").unwrap_or_default();
    let here = format!("{rule} {repo}/{path}:{line}");
    let Ok(file) = std::fs::read_to_string(root.join(&repo).join(&path)) else {
        out.push(format!("{here}: no such file in the checkouts"));
        return;
    };
    let Some(at) = line.checked_sub(1).and_then(|i| file.lines().nth(i)) else {
        out.push(format!("{here}: past the end of the file"));
        return;
    };
    if let Some(column) = number(f, "column")
        && (column == 0 || column > at.chars().count() + 1)
    {
        out.push(format!("{here}: column {column} outside `{at}`"));
    }
    if f["status"] != "fail" {
        return;
    }
    let reason = f["reason"].as_str().unwrap_or_default();
    let wants = expected_texts(rule, reason);
    let lower = at.to_ascii_lowercase();
    if rule == "wf-excessive-permissions" && wants.is_empty() {
        if Some(line) != first_key_line(&file) {
            out.push(format!(
                "{here}: `{reason}` should point at the first top-level key, not `{at}`"
            ));
        }
    } else if !wants.is_empty()
        && !wants
            .iter()
            .any(|w| lower.contains(w.to_ascii_lowercase().as_str()))
    {
        out.push(format!("{here}: `{at}` holds none of {wants:?} ({reason})"));
    }
    let expression_rule = matches!(rule, "wf-template-injection" | "wf-github-env-injection");
    if let Some(column) = number(f, "column")
        && expression_rule
        && !at
            .chars()
            .skip(column.saturating_sub(1))
            .collect::<String>()
            .starts_with('$')
    {
        out.push(format!(
            "{here}: column {column} of `{at}` is not where the expression starts"
        ));
    }
}

#[test]
fn reported_lines_hold_the_flagged_text() {
    let (tmp, root) = checkouts();
    let doc = report(tmp.path(), &root, "json");
    let mut problems = Vec::new();
    let mut checked = BTreeSet::new();
    for rule in rules(&doc) {
        let id = rule["id"].as_str().unwrap_or_default();
        for f in findings(rule) {
            if f["status"] == "fail" && FAILING.contains(&id) {
                if number(f, "line").is_none() || text(f, "path").is_none() {
                    problems.push(format!("{id}: failing finding without path and line: {f}"));
                    continue;
                }
                checked.insert(id);
            }
            check_position(&root, id, f, &mut problems);
        }
    }
    for id in FAILING {
        if !checked.contains(id) {
            problems.push(format!("{id}: no failing finding with a position"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every YAML file under `dir`, as paths relative to `base` with `/` separators.
fn yaml_files(base: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read checkout dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            if entry.file_name().as_os_str() != ".git" {
                yaml_files(base, &path, out);
            }
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml")
            && let Ok(rel) = path.strip_prefix(base)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_checkout_file_is_read_with_its_platform_and_remote() {
    let (tmp, root) = checkouts();
    let doc = report(tmp.path(), &root, "json");
    // repo → the platform of its files, and the host and org of its git remote (`local` and
    // any org without one) that every finding about it carries.
    let want = [
        ("web", "github", "github.com", Some("acme")),
        ("site", "github", "local", None),
        ("setup-action", "github", "local", None),
        ("shop", "azure_devops", "dev.azure.com", Some("contoso")),
        ("tools", "gitlab", "local", None),
    ];
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for f in rules(&doc).iter().flat_map(findings) {
        let repo = text(f, "repo").unwrap_or_default();
        let Some((_, platform, host, org)) = want.iter().find(|w| w.0 == repo) else {
            problems.push(format!("finding about an unknown repository: {f}"));
            continue;
        };
        if let Some(path) = text(f, "path") {
            seen.insert(format!("{repo}/{path}"));
        }
        let got = (
            text(f, "platform"),
            text(f, "host"),
            org.and(text(f, "org")),
        );
        let expected = (
            Some((*platform).to_string()),
            Some((*host).to_string()),
            org.map(str::to_string),
        );
        if got != expected {
            problems.push(format!("{repo}: {got:?} instead of {expected:?} in {f}"));
        }
    }
    // Every pipeline file of every checkout is read (found by its path or its shape, or as a
    // referenced template) and has findings.
    for (repo, ..) in want {
        let mut files = Vec::new();
        yaml_files(&root.join(repo), &root.join(repo), &mut files);
        if files.is_empty() {
            problems.push(format!("checkout {repo} has no pipeline file"));
        }
        for file in files {
            if !seen.contains(&format!("{repo}/{file}")) {
                problems.push(format!("no finding in {repo}/{file}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_sarif_result_has_a_physical_location() {
    let (tmp, root) = checkouts();
    let sarif = report(tmp.path(), &root, "sarif");
    let checkouts: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("read checkouts")
        .flatten()
        .map(|e| e.path())
        .collect();
    let mut problems = Vec::new();
    let mut results = 0;
    for run in sarif["runs"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        for r in run["results"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            results += 1;
            let rule = r["ruleId"].as_str().unwrap_or_default();
            let physical = &r["locations"][0]["physicalLocation"];
            let Some(uri) = physical["artifactLocation"]["uri"].as_str() else {
                problems.push(format!("{rule}: result without a physical location: {r}"));
                continue;
            };
            if FAILING.contains(&rule) {
                if !checkouts.iter().any(|c| c.join(uri).is_file()) {
                    problems.push(format!("{rule}: {uri} is not a file of any checkout"));
                }
                if physical["region"]["startLine"]
                    .as_u64()
                    .is_none_or(|l| l == 0)
                {
                    problems.push(format!("{rule}: {uri} without a start line"));
                }
            }
        }
    }
    assert!(results > 0, "no SARIF result: {sarif}");
    problems.extend(devquery_report::sarif::check_github_ingestion(&sarif));
    problems.extend(crate::common::sarif_schema_errors(&sarif));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The ids of the rules in `state` (`fail`, `empty`, …) of a JSON report.
fn rules_in(doc: &Value, state: &str) -> std::collections::BTreeSet<String> {
    rules(doc)
        .iter()
        .filter(|r| rule_status(r) == state)
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn workflow_files_stored_elsewhere_are_read_by_their_shape() {
    // The same workflows, once in `.github/workflows/` and once flattened into one directory
    // under other names (an export, a corpus): the same rules fail, and none has nothing to
    // check because its input went unseen.
    let (tmp, root) = checkouts();
    let web = root.join("web");
    let flat = tmp.path().join("flat").join("web");
    std::fs::create_dir_all(&flat).expect("flat dir");
    for entry in std::fs::read_dir(web.join(".github/workflows"))
        .expect("workflows")
        .flatten()
    {
        let name = format!(
            ".github__workflows__{}",
            entry.file_name().to_string_lossy()
        );
        std::fs::copy(entry.path(), flat.join(name)).expect("copy workflow");
    }
    let nested = report(tmp.path(), &web, "json");
    let flattened = report(tmp.path(), &flat, "json");
    let failing = rules_in(&nested, "fail");
    assert!(
        failing.contains("wf-dangerous-trigger-checkout"),
        "{failing:?}"
    );
    assert_eq!(rules_in(&flattened, "fail"), failing);
    let empty = rules_in(&flattened, "empty");
    assert!(empty.iter().all(|id| !failing.contains(id)), "{empty:?}");
    assert_eq!(
        flattened["summary"]["rules_passing"],
        nested["summary"]["rules_passing"]
    );
}
