//! The HTML report: failing and unknown findings grouped by severity then rule with the
//! remediation first, links to the repository, settings, file and rule documentation, at most
//! `html_limit` findings of each status per rule with the exact counts said, hostile text
//! escaped, and a page that hides nothing without JavaScript and labels its tables.

use devquery_report::{Format, Options};
use devquery_rules::{Counts, Finding, Origin, RuleResult, RunReport, Status, parse_rule};

use crate::fixture::{
    NOT_APPLICABLE, finding, options, report, report_with_not_applicable, result_of as result,
};

fn render_with(report: &RunReport, limit: usize) -> String {
    let options = Options {
        html_limit: limit,
        ..options()
    };
    let mut out = Vec::new();
    devquery_report::write(Format::Html, report, &mut out, &options).expect("renders");
    String::from_utf8(out).expect("utf-8")
}

/// The page with minijinja's `&#x2f;` for `/` written back, to compare text and links.
fn page(report: &RunReport, limit: usize) -> String {
    render_with(report, limit).replace("&#x2f;", "/")
}

fn rule(id: &str, severity: &str, remediation: &str) -> devquery_rules::Rule {
    parse_rule(
        &format!("queries/x/{id}.sql"),
        &format!(
            "-- id: {id}\n-- title: Title of {id}\n-- severity: {severity}\n-- platforms: github\n-- remediation: {remediation}\nselect 1"
        ),
        Origin::Bundled,
    )
    .expect("rule")
}

/// `n` findings of `status` on repositories `acme/{prefix}-0000` ….
fn many(status: Status, prefix: &str, n: usize) -> Vec<Finding> {
    (0..n)
        .map(|i| finding(status, &format!("acme/{prefix}-{i:04}"), "reason"))
        .collect()
}

/// The fixed report with only `results`.
fn with_results(results: Vec<RuleResult>) -> RunReport {
    let mut r = report();
    r.results = results;
    r.collection_errors.clear();
    r.expired_suppressions.clear();
    r
}

/// Where `needle` first is in `haystack`, failing the test when it is not there.
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the page"))
}

#[test]
fn groups_by_severity_then_rule_with_the_remediation_first() {
    let report = with_results(vec![
        result(
            rule("low-rule", "low", "Fix the low one."),
            many(Status::Fail, "l", 2),
        ),
        result(
            rule("crit-b", "critical", "Fix b."),
            many(Status::Fail, "b", 1),
        ),
        result(
            rule("crit-a", "critical", "Fix a."),
            many(Status::Unknown, "a", 1),
        ),
        result(
            rule("passing", "high", "Nothing."),
            many(Status::Pass, "p", 3),
        ),
    ]);
    let html = page(&report, 100);
    let critical = at(&html, "<section class=\"sev\" data-sev=\"critical\"");
    let low = at(&html, "<section class=\"sev\" data-sev=\"low\"");
    assert!(critical < low, "critical first");
    assert!(
        !html.contains("<section class=\"sev\" data-sev=\"high\""),
        "a passing rule has no group"
    );
    // in a severity, the failing rules first; a failing group is open, an unknown one closed
    let b = at(
        &html,
        "<details class=\"rule\" id=\"rule-crit-b\" data-sev=\"critical\" open>",
    );
    let a = at(
        &html,
        "<details class=\"rule\" id=\"rule-crit-a\" data-sev=\"critical\">",
    );
    assert!(critical < b && b < a && a < low);
    // the remediation comes before the group's findings, the rule documentation beside it
    let group = &html[b..a];
    assert!(at(group, "Remediation:</strong> Fix b.") < at(group, "<tr data-st=\"fail\">"));
    let docs = devquery_report::sarif::help_uri(&report.results[1].rule);
    assert!(
        group.contains(&format!("<a href=\"{docs}\">Rule documentation</a>")),
        "{group}"
    );
    // the rules table has every rule, the passing one among them
    let rules = &html[at(&html, "<section id=\"rules\"")..];
    for id in ["low-rule", "crit-a", "crit-b", "passing"] {
        assert!(rules.contains(&format!("<code>{id}</code>")), "{id}");
    }
}

#[test]
fn findings_link_to_the_repository_settings_and_file() {
    let mut wf = finding(
        Status::Fail,
        "acme/api:.github/workflows/ci.yml",
        "unpinned",
    );
    wf.resource_type = "workflow".into();
    wf.repo = Some("api".into());
    wf.path = Some(".github/workflows/ci.yml".into());
    wf.line = Some(12);
    let mut local = finding(Status::Fail, "checkout", "no link");
    local.platform = Some("local".into());
    local.host = Some("local".into());
    local.repo = Some("checkout".into());
    let report = with_results(vec![
        result(
            rule("repo-default-branch-unprotected", "high", "Protect it."),
            vec![finding(Status::Fail, "acme/web", "unprotected")],
        ),
        result(rule("wf-unpinned", "medium", "Pin it."), vec![wf, local]),
    ]);
    let html = page(&report, 100);
    assert!(html.contains("<a href=\"https://github.com/acme/web\">repository</a>"));
    assert!(
        html.contains("<a href=\"https://github.com/acme/web/settings/branches\">settings</a>")
    );
    assert!(html.contains(
        "<a href=\"https://github.com/acme/api/blob/HEAD/.github/workflows/ci.yml#L12\">file</a>"
    ));
    assert!(html.contains("<code>.github/workflows/ci.yml:12</code>"));
    // a local checkout has no place on the web: no link is guessed for it
    assert!(!html.contains("https://local"), "{html}");
    assert!(!html.contains("href=\"https://github.com/acme/checkout"));
}

#[test]
fn at_most_the_limit_is_listed_and_the_exact_counts_are_said() {
    let mut findings = many(Status::Fail, "f", 250);
    findings.extend(many(Status::Pass, "p", 150));
    let mut big = result(rule("big", "high", "Fix."), findings);
    // the runner kept 150 of 12,345 passing findings (`max_findings_per_status`)
    big.counts = Counts {
        fail: 250,
        pass: 12_345,
        unknown: 0,
        suppressed: 0,
    };
    let report = with_results(vec![big]);

    let html = page(&report, 100);
    assert_eq!(html.matches("<tr data-st=\"fail\">").count(), 100);
    assert_eq!(
        html.matches("<tr data-st=\"pass\">").count(),
        100,
        "no passing row past the cap"
    );
    assert!(html.contains(
        "showing 100 of 250 failing findings — the full list is in --format json/csv/sarif"
    ));
    assert!(html.contains(
        "showing 100 of 12,345 passing findings — the full list is in --format json/csv/sarif"
    ));
    // the first in resource order are the ones listed
    assert!(html.contains(">acme/f-0099<"));
    assert!(!html.contains(">acme/f-0100<"));
    // the counts are the whole
    assert!(html.contains("<span class=\"n\">12,345</span> <span class=\"l\">pass</span>"));

    let all = page(&report, 0);
    assert_eq!(all.matches("<tr data-st=\"fail\">").count(), 250);
    assert!(
        !all.contains("failing findings — the full list"),
        "every failing finding listed"
    );
    assert!(
        all.contains("showing 150 of 12,345 passing findings"),
        "what the report kept"
    );
}

#[test]
fn hostile_text_is_escaped() {
    let mut evil = finding(
        Status::Fail,
        "acme/\"><img src=x onerror=alert(1)>",
        "<script>alert('x')</script> & \u{202e}txt.exe",
    );
    evil.host = Some("evil.example/\"><script>".into());
    let report = with_results(vec![result(
        rule("evil", "high", "<b>bold</b> remediation"),
        vec![evil],
    )]);
    let html = render_with(&report, 100);
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>bold"));
    assert!(
        html.contains(
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt; &amp; \\u{202e}txt.exe"
        )
    );
    assert!(html.contains("&lt;b&gt;bold&lt;&#x2f;b&gt; remediation"));
    assert!(
        !html.contains("evil.example"),
        "a host that is not a host name makes no link"
    );
}

#[test]
fn nothing_is_hidden_without_javascript_and_tables_are_labelled() {
    let html = render_with(&report_with_not_applicable(), 100);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    // the filter form is hidden until the script shows it, every box checked
    assert!(html.contains("<form id=\"filters\" class=\"filters\" hidden>"));
    let form = &html[at(&html, "<form id=\"filters\"")..at(&html, "</form>")];
    assert_eq!(
        form.matches("type=\"checkbox\"").count(),
        form.matches(" checked>").count()
    );
    assert!(!html.contains("display:none\"") && !html.contains("style="));
    // passing findings only inside the collapsed passing section
    let passing = at(&html, "<section id=\"passing\"");
    let first_pass = at(&html, "<tr data-st=\"pass\">");
    assert!(first_pass > passing);
    for details in html[passing..]
        .split("<details class=\"pass-list\"")
        .skip(1)
    {
        let tag = &details[..at(details, ">")];
        assert!(
            !tag.contains("open"),
            "a passing list starts collapsed: {tag}"
        );
    }
    // every table has a caption and column headers with a scope
    let tables = html.matches("<table").count();
    assert!(tables >= 4, "{tables}");
    assert_eq!(
        html.matches("<table").count(),
        html.matches("<caption").count()
    );
    assert_eq!(
        html.matches("<th ").count(),
        html.matches("<th scope=\"col\">").count() + html.matches("<th scope=\"row\"").count()
    );
    // not applicable with why, nothing to check, errored: all in the rules table
    let rules = &html[at(&html, "<section id=\"rules\"")..passing];
    assert!(rules.contains("state-not_applicable\">not applicable</span>"));
    assert!(rules.contains(NOT_APPLICABLE));
    assert!(rules.contains("state-error\">error</span>"));
}

#[test]
fn a_rule_with_nothing_to_check_and_the_header() {
    let report = with_results(vec![result(rule("empty", "low", "Fix."), vec![])]);
    let html = page(&report, 100);
    assert!(html.contains("state-empty\">nothing to check</span>"));
    assert!(html.contains("<p>No failing, unknown or suppressed finding.</p>"));
    assert!(html.contains("<dd>snapshot:demo</dd>"));
    assert!(html.contains("2026-11-24 12:00:00 UTC"));
    assert!(html.contains("devquery 0.1.0"));
    assert!(html.contains("<code>baseline.yml</code>"));
}
