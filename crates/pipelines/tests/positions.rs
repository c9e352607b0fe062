//! Source positions: every reported line (and column) points at the text it names: the
//! `uses:` value, the trigger, the job key, the step's first key and each untrusted expression.
//! Also the loader's edge cases: byte-order mark, repeated keys, alias bombs, deep nesting.

use std::time::{Duration, Instant};

use devquery_model::tables::pipeline_jobs::PipelineJobRow;
use devquery_model::tables::pipeline_steps::{ExpressionPosition, PipelineStepRow};
use devquery_pipelines::{
    FileContext, ParsedPipeline, ado_untrusted_macros, github_untrusted_inputs, parse_file,
};

use crate::common::{corpus, fixture};

fn parse(platform: &str, path: &str, name: &str) -> (String, ParsedPipeline) {
    let content = fixture(&format!("positions/{name}"));
    let parsed = parse_file(&FileContext::new(platform), path, &content);
    (content, parsed)
}

/// The text of a 1-based line (a leading byte-order mark removed: columns do not count it).
fn line_text(content: &str, line: i64) -> &str {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    usize::try_from(line - 1)
        .ok()
        .and_then(|i| content.lines().nth(i))
        .unwrap_or("")
}

/// The rest of the file from a 1-based line and column (in characters).
fn text_from(content: &str, line: i64, column: i64) -> String {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let lines: Vec<&str> = content.lines().collect();
    let (Ok(l), Ok(c)) = (usize::try_from(line - 1), usize::try_from(column - 1)) else {
        return String::new();
    };
    let Some(first) = lines.get(l) else {
        return String::new();
    };
    let mut out: String = first.chars().skip(c).collect();
    for rest in lines.iter().skip(l + 1) {
        out.push('\n');
        out.push_str(rest);
    }
    out
}

fn job<'a>(p: &'a ParsedPipeline, id: &str) -> &'a PipelineJobRow {
    p.jobs
        .iter()
        .find(|j| j.job_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no job {id}"))
}

fn steps<'a>(p: &'a ParsedPipeline, id: &str) -> Vec<&'a PipelineStepRow> {
    p.steps
        .iter()
        .filter(|s| s.job_id.as_deref() == Some(id))
        .collect()
}

/// (line, column) of each untrusted position of a step.
fn places(s: &PipelineStepRow) -> Vec<(String, i64, i64)> {
    s.untrusted_input_positions
        .iter()
        .flatten()
        .map(|p| {
            (
                p.expression.clone().unwrap_or_default(),
                p.line.unwrap_or(0),
                p.column.unwrap_or(0),
            )
        })
        .collect()
}

/// Problems with an untrusted position: the text there must open an expression that reads the
/// input.
fn check_expression(content: &str, p: &ExpressionPosition, ado: bool) -> Option<String> {
    let (Some(e), Some(l), Some(c)) = (&p.expression, p.line, p.column) else {
        return Some(format!("incomplete position {p:?}"));
    };
    let at = text_from(content, l, c);
    let end = if at.starts_with("${{") {
        at.find("}}").map(|i| i + 2)
    } else if at.starts_with("$(") {
        at.find(')').map(|i| i + 1)
    } else if at.starts_with("$[") {
        at.find(" ]").or_else(|| at.find(']')).map(|i| i + 2)
    } else {
        return Some(format!(
            "{e} at {l}:{c}: text there is {:?}",
            line_text(content, l)
        ));
    };
    let expr = end.and_then(|e| at.get(..e)).unwrap_or(&at);
    let inputs = if ado {
        ado_untrusted_macros(expr)
    } else {
        github_untrusted_inputs(expr)
    };
    (!inputs.contains(e)).then(|| format!("{e} at {l}:{c}: expression there is {expr:?}"))
}

/// Every position of a parsed file checked against its text; the problems found.
fn check_file(content: &str, p: &ParsedPipeline, strict_steps: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let kind = p.pipeline.kind.as_deref().unwrap_or("");
    let ado = kind == "azure_yaml";
    for s in &p.steps {
        let id = format!("{:?}[{:?}]", s.job_id, s.step_index);
        if let (Some(u), Some(l)) = (&s.uses, s.key_lines.as_ref().and_then(|k| k.get("uses"))) {
            let text = line_text(content, *l);
            if !text.contains("uses") || !text.contains(u.as_str()) {
                problems.push(format!("{id}: uses {u} at line {l}: {text:?}"));
            }
        }
        for pos in s.untrusted_input_positions.iter().flatten() {
            if let Some(problem) = check_expression(content, pos, ado) {
                problems.push(format!("{id}: {problem}"));
            }
        }
        let n = s.untrusted_inputs.as_ref().map_or(0, Vec::len);
        let m = s.untrusted_input_positions.as_ref().map_or(0, Vec::len);
        if m < n {
            problems.push(format!("{id}: {n} untrusted inputs, {m} positions"));
        }
        if strict_steps && let (Some(l), Some(c)) = (s.line, s.column) {
            let at = text_from(content, l, c);
            let first_key = s.key_lines.iter().flatten().any(|(k, kl)| {
                *kl == l && at.trim_start_matches(['"', '\'']).starts_with(k.as_str())
            });
            if !first_key && !at.starts_with(['{', '*', '&', '<']) {
                problems.push(format!(
                    "{id}: step at {l}:{c} is {:?}",
                    line_text(content, l)
                ));
            }
        }
    }
    if kind != "azure_yaml" {
        for j in &p.jobs {
            let (Some(id), Some(l), Some(c)) = (&j.job_id, j.line, j.column) else {
                continue;
            };
            let at = text_from(content, l, c);
            let key = if kind == "github_action" {
                "runs"
            } else {
                id.as_str()
            };
            if !at.trim_start_matches(['"', '\'']).starts_with(key) {
                problems.push(format!("job {id} at {l}:{c}: {:?}", line_text(content, l)));
            }
        }
    }
    if kind == "github_workflow" {
        for (t, l) in p.pipeline.trigger_lines.iter().flatten() {
            if !line_text(content, *l).contains(t.as_str()) {
                problems.push(format!(
                    "trigger {t} at line {l}: {:?}",
                    line_text(content, *l)
                ));
            }
        }
    }
    problems
}

fn assert_positions(content: &str, p: &ParsedPipeline) {
    let problems = check_file(content, p, true);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn github_scalar_styles_and_keys() {
    let (content, p) = parse("github", ".github/workflows/styles.yml", "styles.yml");
    assert_eq!(p.pipeline.parse_error, None);
    assert_positions(&content, &p);
    assert_eq!(p.pipeline.line, Some(1));
    let keys = p.pipeline.key_lines.clone().unwrap();
    assert_eq!(keys["on"], 2);
    assert_eq!(keys["permissions"], 8);
    assert_eq!(keys["jobs"], 9);
    let triggers = p.pipeline.trigger_lines.clone().unwrap();
    assert_eq!(triggers["push"], 3);
    assert_eq!(triggers["pull_request_target"], 5);
    assert_eq!(triggers["issue_comment"], 7);

    let j = job(&p, "literal");
    assert_eq!((j.line, j.column), (Some(10), Some(3)));
    assert_eq!(j.key_lines.as_ref().unwrap()["steps"], 12);
    assert_eq!(
        (job(&p, "quoted-job").line, job(&p, "quoted-job").column),
        (Some(35), Some(3))
    );
    assert_eq!(
        (job(&p, "café").line, job(&p, "café").column),
        (Some(40), Some(3))
    );

    let s = steps(&p, "literal");
    assert_eq!((s[0].line, s[0].column), (Some(13), Some(9)));
    assert_eq!(s[0].key_lines.as_ref().unwrap()["uses"], 13);
    assert_eq!(s[0].key_lines.as_ref().unwrap()["with"], 14);
    let title = "github.event.issue.title".to_string();
    let head = "github.head_ref".to_string();
    assert_eq!(
        places(s[1]),
        vec![
            (title.clone(), 18, 17),
            ("github.event.comment.body".into(), 19, 17),
            (head.clone(), 19, 54)
        ]
    );
    assert_eq!(
        places(s[2]),
        vec![("github.event.pull_request.title".into(), 23, 11)]
    );
    assert_eq!(
        places(s[3]),
        vec![
            ("github.event.issue.body".into(), 25, 19),
            (head.clone(), 26, 11)
        ]
    );
    assert_eq!(
        places(s[4]),
        vec![("github.event.pull_request.body".into(), 27, 31)]
    );
    assert_eq!(
        places(s[5]),
        vec![("github.event.review.body".into(), 28, 22)]
    );
    assert_eq!(
        places(s[6]),
        vec![("github.event.discussion.title".into(), 30, 16)],
        "not the comment after `|`"
    );
    assert_eq!(places(s[7]), vec![(title.clone(), 34, 24)], "github-script");

    let q = steps(&p, "quoted-job");
    assert_eq!(
        (q[0].line, q[0].column),
        (Some(38), Some(9)),
        "flow mapping step"
    );
    assert_eq!(q[0].key_lines.as_ref().unwrap()["uses"], 38);
    assert_eq!(places(q[1]), vec![(title.clone(), 39, 19), (title, 39, 50)]);
    assert_eq!(
        places(steps(&p, "café")[0]),
        vec![(head, 44, 22)],
        "columns count characters"
    );
}

#[test]
fn corpus_files_copied_as_fixtures() {
    let (content, p) = parse(
        "github",
        ".github/workflows/untrusted_input.yaml",
        "actionlint_untrusted_input.yaml",
    );
    assert_positions(&content, &p);
    assert_eq!(
        p.pipeline.trigger_lines.clone().unwrap()["pull_request"],
        2,
        "`on: pull_request` is declared on the `on:` line"
    );
    let s = steps(&p, "test");
    assert_eq!(
        places(s[0]),
        vec![("github.event.pull_request.title".into(), 10, 20)]
    );
    assert_eq!(
        places(s[2]),
        vec![("github.event.head_commit.author.name".into(), 19, 32)]
    );
    assert_eq!(s[1].key_lines.as_ref().unwrap()["uses"], 11);

    let (content, p) = parse(
        "github",
        ".github/workflows/anchors.yml",
        "poutine_anchors_with_vulnerability.yml",
    );
    assert_positions(&content, &p);
    assert_eq!(job(&p, "test_job").line, Some(18), "the alias's job key");
    for id in ["base_job", "test_job"] {
        let s = steps(&p, id);
        assert_eq!(
            places(s[1]),
            vec![("github.head_ref".into(), 15, 35)],
            "{id}"
        );
        assert_eq!(s[0].key_lines.as_ref().unwrap()["uses"], 12, "{id}");
    }

    let (content, p) = parse(
        "azure_devops",
        "azure-pipelines.yml",
        "poutine.azure-pipelines.yml",
    );
    assert_positions(&content, &p);
    assert_eq!(p.pipeline.trigger_lines.clone().unwrap()["pr"], 1);
    assert_eq!(
        (job(&p, "build").line, job(&p, "build").column),
        (Some(11), Some(3))
    );
    let s = steps(&p, "build");
    assert_eq!(s[1].key_lines.as_ref().unwrap()["powershell"], 14);
    assert_eq!(places(s[1]), vec![("Build.SourceBranch".into(), 14, 23)]);

    let (content, p) = parse(
        "gitlab",
        ".gitlab/ci/_rules.gitlab-ci.yml",
        "gitlab-runner_rules.gitlab-ci.yml",
    );
    assert_eq!(
        p.pipeline.parse_error, None,
        "anchors, merges and `!reference` tags"
    );
    assert_positions(&content, &p);
}

#[test]
fn azure_macros_triggers_and_items() {
    let (content, p) = parse(
        "azure_devops",
        "azure-pipelines.yml",
        "macros.azure-pipelines.yml",
    );
    assert_eq!(p.pipeline.parse_error, None);
    assert_positions(&content, &p);
    let t = p.pipeline.trigger_lines.clone().unwrap();
    assert_eq!(
        (t["push"], t["pr"], t["schedule"], t["pipeline"]),
        (1, 3, 6, 12)
    );
    assert_eq!(p.pipeline.key_lines.as_ref().unwrap()["stages"], 14);
    let j = job(&p, "S.J");
    assert_eq!((j.line, j.column), (Some(17), Some(9)));
    assert_eq!(j.key_lines.as_ref().unwrap()["pool"], 18);
    assert_eq!(job(&p, "S.D").line, Some(32));
    let s = steps(&p, "S.J");
    assert_eq!((s[0].line, s[0].column), (Some(20), Some(13)));
    assert_eq!(
        places(s[0]),
        vec![
            ("Build.SourceBranch".into(), 21, 21),
            ("Build.SourceVersionMessage".into(), 22, 21),
            ("Build.SourceBranch".into(), 22, 51)
        ]
    );
    assert_eq!(
        places(s[1]),
        vec![("Build.SourceBranchName".into(), 24, 25)]
    );
    assert_eq!(
        places(s[2]),
        vec![("System.PullRequest.SourceBranch".into(), 28, 35)],
        "task inline script"
    );
    assert_eq!(
        (s[3].line, s[3].column),
        (Some(30), Some(15)),
        "inside `${{ if }}`"
    );
    assert_eq!(s[3].key_lines.as_ref().unwrap()["persistCredentials"], 31);
    let d = steps(&p, "S.D");
    assert_eq!(places(d[0]), vec![("Build.RequestedFor".into(), 38, 32)]);
}

#[test]
fn gitlab_repeated_keys_last_wins() {
    let (content, p) = parse("gitlab", ".gitlab-ci.yml", "repeated.gitlab-ci.yml");
    assert_eq!(p.pipeline.parse_error, None);
    assert_positions(&content, &p);
    let env = p.pipeline.env.clone().unwrap();
    assert_eq!(env.get("B").map(String::as_str), Some("2"));
    assert!(!env.contains_key("A"), "the last `variables` wins");
    let b = job(&p, "build");
    assert_eq!(b.stage.as_deref(), Some("build"));
    assert_eq!((b.line, b.column), (Some(6), Some(1)), "the last `build:`");
    assert_eq!(b.key_lines.as_ref().unwrap()["rules"], 10);
    assert_eq!(steps(&p, "build")[0].script.as_deref(), Some("echo second"));
    let t = p.pipeline.trigger_lines.clone().unwrap();
    assert_eq!((t["pr"], t["push"], t["schedule"]), (11, 12, 21));
    let s = steps(&p, "test");
    assert_eq!(s[0].name.as_deref(), Some("before_script"));
    assert_eq!(
        (s[0].line, s[0].column),
        (Some(16), Some(3)),
        "inherited from .base"
    );
    assert_eq!((s[1].line, s[1].column), (Some(20), Some(3)));
    assert_eq!(s[1].key_lines.as_ref().unwrap()["script"], 20);
}

#[test]
fn byte_order_mark_and_crlf() {
    let (content, p) = parse("github", ".github/workflows/bom.yml", "bom_crlf.yml");
    assert!(content.starts_with('\u{feff}'));
    assert_eq!(p.pipeline.parse_error, None);
    assert_eq!(p.pipeline.triggers, Some(vec!["push".to_string()]));
    assert_positions(&content, &p);
    assert_eq!(p.pipeline.key_lines.as_ref().unwrap()["on"], 1);
    assert_eq!(p.pipeline.trigger_lines.as_ref().unwrap()["push"], 1);
    assert_eq!(
        (job(&p, "build").line, job(&p, "build").column),
        (Some(3), Some(3))
    );
    let s = steps(&p, "build");
    assert_eq!((s[1].line, s[1].column), (Some(7), Some(9)));
    assert_eq!(places(s[1]), vec![("github.head_ref".into(), 7, 20)]);
}

#[test]
fn corpus_positions_point_at_their_text() {
    let mut problems = Vec::new();
    for f in corpus() {
        let p = parse_file(&f.context(), &f.original_path, &f.content);
        for problem in check_file(&f.content, &p, false) {
            problems.push(format!("{}: {problem}", f.corpus_path));
        }
    }
    problems.truncate(40);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Parses text as a workflow, failing the test when it takes more than a few seconds.
fn parse_quickly(text: &str) -> ParsedPipeline {
    let start = Instant::now();
    let p = parse_file(&FileContext::new("github"), ".github/workflows/x.yml", text);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    p
}

#[test]
fn alias_bombs_are_rejected() {
    let mut text = String::from("on: push\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let p = parse_quickly(&text);
    let e = p.pipeline.parse_error.unwrap_or_default();
    assert!(e.starts_with("invalid YAML:"), "{e}");
    assert!(e.contains("1000000 nodes"), "{e}");
}

#[test]
fn deep_nesting_is_rejected() {
    for text in [
        "[".repeat(1 << 20),
        format!("on: {}", "{a: ".repeat(1 << 18)),
        "- ".repeat(1 << 19),
    ] {
        let p = parse_quickly(&text);
        let e = p.pipeline.parse_error.unwrap_or_default();
        assert!(e.starts_with("invalid YAML:"), "{e}");
        assert!(e.contains("deeper than 256 levels"), "{e}");
    }
}
