//! The plain data the HTML templates show, built from a [`RunReport`]: the header, the summary
//! and warnings, the failing, unknown and suppressed findings grouped by severity and rule (at
//! most [`Options::html_limit`] of each status per rule, the counts always exact), every rule's
//! state and counts, and each rule's first passing findings.
//!
//! Text from the estate (resources, reasons, paths) has its control characters written as
//! visible escapes; the templates escape it for HTML.

use std::borrow::Cow;
use std::cmp::Ordering;

use devquery_engine::text::escape_control;
use devquery_model::Severity;
use devquery_rules::{Counts, Finding, RuleResult, Status};
use serde::Serialize;

use crate::summary::{self, Summary};
use crate::{Options, RunReport, links};

/// How many unread parts of a partial source, and failed collection calls, are listed.
const WARNINGS_LISTED: usize = 20;

/// The statuses listed in the rule groups, in their order.
const GROUPED: [Status; 3] = [Status::Fail, Status::Unknown, Status::Suppressed];

/// Everything the page shows.
#[derive(Debug, Serialize)]
pub struct Page<'a> {
    source: Cow<'a, str>,
    run_id: Cow<'a, str>,
    run_at: String,
    run_at_iso: String,
    tool_version: &'a str,
    baseline: Option<String>,
    /// At most this many findings of each status are listed per rule; 0 lists them all.
    limit: usize,
    partial: Option<PartialView<'a>>,
    summary: SummaryView,
    by_severity: Vec<BucketRow>,
    by_tactic: Vec<BucketRow>,
    collection_errors: Listed<CollectionErrorView<'a>>,
    expired: Vec<ExpiredView<'a>>,
    errored: Vec<ErroredView<'a>>,
    severities: Vec<SeverityGroup<'a>>,
    rules: Vec<RuleView<'a>>,
    passing: Vec<PassingGroup<'a>>,
}

/// The partial-source warning: its line and the first parts left unread.
#[derive(Debug, Serialize)]
struct PartialView<'a> {
    line: String,
    missing: Vec<Cow<'a, str>>,
    more: usize,
}

/// Rules by state and findings by status.
#[derive(Debug, Serialize)]
struct SummaryView {
    rules: usize,
    rules_failing: usize,
    rules_passing: usize,
    rules_empty: usize,
    rules_not_applicable: usize,
    rules_errored: usize,
    findings: Counts,
    findings_total: usize,
}

/// One row of the tables by severity and by tactic.
#[derive(Debug, Serialize)]
struct BucketRow {
    severity: &'static str,
    tactic: String,
    /// Sort key: the severity's rank (critical 5 … info 1).
    rank: u8,
    rules: usize,
    rules_failing: usize,
    fail: usize,
}

/// The first items of a list and how many there are.
#[derive(Debug, Serialize)]
struct Listed<T> {
    items: Vec<T>,
    total: usize,
    more: usize,
}

/// A failed collection call.
#[derive(Debug, Serialize)]
struct CollectionErrorView<'a> {
    table: Cow<'a, str>,
    endpoint: Cow<'a, str>,
    status: Cow<'a, str>,
    message: Cow<'a, str>,
}

/// An expired baseline entry.
#[derive(Debug, Serialize)]
struct ExpiredView<'a> {
    rule: Cow<'a, str>,
    resource: Cow<'a, str>,
    expires: String,
    matched: usize,
    reason: Cow<'a, str>,
}

/// A rule that could not run.
#[derive(Debug, Serialize)]
struct ErroredView<'a> {
    id: &'a str,
    error: Cow<'a, str>,
}

/// A rule: what it is, its state, counts and one-line result.
#[derive(Debug, Clone, Serialize)]
struct RuleView<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'static str,
    rank: u8,
    state: &'static str,
    state_words: &'static str,
    description: &'a str,
    remediation: &'a str,
    references: Vec<Reference<'a>>,
    tactics: &'a [String],
    doc_url: String,
    counts: Counts,
    result: String,
    /// Whether the rule has a group of failing, unknown or suppressed findings on the page.
    grouped: bool,
}

/// A reference of a rule, with its address when it is a web address.
#[derive(Debug, Clone, Serialize)]
struct Reference<'a> {
    text: &'a str,
    url: Option<&'a str>,
}

/// The rules of one severity that have failing, unknown or suppressed findings.
#[derive(Debug, Serialize)]
struct SeverityGroup<'a> {
    severity: &'static str,
    fail: usize,
    unknown: usize,
    suppressed: usize,
    rules: Vec<RuleGroup<'a>>,
}

/// One rule's failing, unknown and suppressed findings (open when some fail).
#[derive(Debug, Serialize)]
struct RuleGroup<'a> {
    rule: RuleView<'a>,
    open: bool,
    rows: Vec<Row<'a>>,
    notes: Vec<CapNote>,
}

/// One rule's passing findings.
#[derive(Debug, Serialize)]
struct PassingGroup<'a> {
    rule: RuleView<'a>,
    total: usize,
    rows: Vec<Row<'a>>,
    note: Option<CapNote>,
}

/// One finding listed.
#[derive(Debug, Serialize)]
struct Row<'a> {
    status: &'static str,
    /// Sort key of the status: fail 1, unknown 2, suppressed 3, pass 4.
    rank: u8,
    resource: Cow<'a, str>,
    reason: Cow<'a, str>,
    /// Why the baseline suppresses it.
    suppressed_by: Option<Cow<'a, str>>,
    /// `path:line:column`, when the finding is in a file.
    location: Option<String>,
    repository: Option<String>,
    file: Option<String>,
    settings: Option<String>,
}

/// More findings of a status than the page lists: "showing 100 of 12,345 failing findings".
#[derive(Debug, Clone, Serialize)]
struct CapNote {
    status: &'static str,
    words: &'static str,
    shown: usize,
    total: usize,
}

/// The page for `report`.
pub fn build<'a>(report: &'a RunReport, options: &'a Options) -> Page<'a> {
    let s = summary::summarize(report);
    let limit = options.html_limit;
    Page {
        source: text(&report.source),
        run_id: text(&report.run_id),
        run_at: report.run_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        run_at_iso: report.run_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        tool_version: &options.tool_version,
        baseline: report.baseline.as_ref().map(|p| p.display().to_string()),
        limit,
        partial: partial(report),
        summary: summary_view(&s),
        by_severity: by_severity(&s),
        by_tactic: by_tactic(&s),
        collection_errors: collection_errors(report),
        expired: expired(report),
        errored: report
            .errored()
            .map(|r| ErroredView {
                id: &r.rule.id,
                error: text(r.error.as_deref().unwrap_or_default()),
            })
            .collect(),
        severities: severity_groups(report, limit),
        rules: summary::ordered(report)
            .into_iter()
            .map(rule_view)
            .collect(),
        passing: passing_groups(report, limit),
    }
}

/// Text from the estate with its control characters made visible.
fn text(s: &str) -> Cow<'_, str> {
    escape_control(s, true)
}

fn partial(report: &RunReport) -> Option<PartialView<'_>> {
    let line = summary::partial_line(report)?;
    let (shown, more) = summary::partial_missing(report, WARNINGS_LISTED);
    Some(PartialView {
        line: text(&line).into_owned(),
        missing: shown.into_iter().map(text).collect(),
        more,
    })
}

fn summary_view(s: &Summary) -> SummaryView {
    SummaryView {
        rules: s.rules,
        rules_failing: s.rules_failing,
        rules_passing: s.rules_passing,
        rules_empty: s.rules_empty,
        rules_not_applicable: s.rules_not_applicable,
        rules_errored: s.rules_errored,
        findings: s.totals,
        findings_total: s.totals.total(),
    }
}

fn by_severity(s: &Summary) -> Vec<BucketRow> {
    s.by_severity
        .iter()
        .map(|(sev, b)| BucketRow {
            severity: sev.as_str(),
            tactic: String::new(),
            rank: sev.rank(),
            rules: b.rules,
            rules_failing: b.rules_failing,
            fail: b.fail,
        })
        .collect()
}

fn by_tactic(s: &Summary) -> Vec<BucketRow> {
    s.by_tactic
        .iter()
        .map(|(tactic, b)| BucketRow {
            severity: "",
            tactic: tactic.clone(),
            rank: 0,
            rules: b.rules,
            rules_failing: b.rules_failing,
            fail: b.fail,
        })
        .collect()
}

fn collection_errors(report: &RunReport) -> Listed<CollectionErrorView<'_>> {
    let all = &report.collection_errors;
    let items: Vec<_> = all
        .iter()
        .take(WARNINGS_LISTED)
        .map(|e| CollectionErrorView {
            table: text(e.table_name.as_deref().unwrap_or("?")),
            endpoint: text(e.endpoint.as_deref().unwrap_or_default()),
            status: text(e.http_status.as_deref().unwrap_or_default()),
            message: text(e.message.as_deref().unwrap_or_default()),
        })
        .collect();
    Listed {
        total: all.len(),
        more: all.len() - items.len(),
        items,
    }
}

fn expired(report: &RunReport) -> Vec<ExpiredView<'_>> {
    report
        .expired_suppressions
        .iter()
        .map(|e| ExpiredView {
            rule: text(&e.suppression.rule),
            resource: text(&e.suppression.resource),
            expires: e
                .suppression
                .expires
                .map(|d| d.to_string())
                .unwrap_or_default(),
            matched: e.matched,
            reason: text(&e.suppression.reason),
        })
        .collect()
}

fn rule_view(r: &RuleResult) -> RuleView<'_> {
    let rule = &r.rule;
    let doc_url = crate::sarif::help_uri(rule);
    let references = rule
        .references
        .iter()
        .map(|text| Reference {
            text,
            url: links::web_address(text),
        })
        // the address the documentation link already opens is not listed twice
        .filter(|reference| reference.url != Some(doc_url.as_str()))
        .collect();
    let state = r.state();
    RuleView {
        id: &rule.id,
        title: &rule.title,
        severity: rule.severity.as_str(),
        rank: rule.severity.rank(),
        state: state.as_str(),
        state_words: summary::state_words(state.as_str()),
        description: &rule.description,
        remediation: &rule.remediation,
        references,
        tactics: &rule.tactics,
        doc_url,
        counts: r.counts,
        result: summary::result_text(r),
        grouped: is_grouped(r),
    }
}

/// Whether a rule has failing, unknown or suppressed findings to group (an errored rule has
/// none: its error is shown instead).
fn is_grouped(r: &RuleResult) -> bool {
    r.error.is_none() && GROUPED.iter().any(|s| count(&r.counts, *s) > 0)
}

/// Critical first; in each severity the failing rules first, then by id.
fn severity_groups(report: &RunReport, limit: usize) -> Vec<SeverityGroup<'_>> {
    Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let mut results: Vec<&RuleResult> = report
                .results
                .iter()
                .filter(|r| r.rule.severity == *sev && is_grouped(r))
                .collect();
            if results.is_empty() {
                return None;
            }
            results.sort_by(|a, b| {
                (a.counts.fail == 0, &a.rule.id).cmp(&(b.counts.fail == 0, &b.rule.id))
            });
            let total = |status: Status| -> usize {
                results.iter().map(|r| count(&r.counts, status)).sum()
            };
            Some(SeverityGroup {
                severity: sev.as_str(),
                fail: total(Status::Fail),
                unknown: total(Status::Unknown),
                suppressed: total(Status::Suppressed),
                rules: results.iter().map(|&r| rule_group(r, limit)).collect(),
            })
        })
        .collect()
}

fn rule_group(r: &RuleResult, limit: usize) -> RuleGroup<'_> {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for status in GROUPED {
        let (shown, note) = listed(r, status, limit);
        rows.extend(shown.into_iter().map(|f| row(f, &r.rule.id, true)));
        notes.extend(note);
    }
    RuleGroup {
        rule: rule_view(r),
        open: r.counts.fail > 0,
        rows,
        notes,
    }
}

fn passing_groups(report: &RunReport, limit: usize) -> Vec<PassingGroup<'_>> {
    report
        .results
        .iter()
        .filter(|r| r.counts.pass > 0)
        .map(|r| {
            let (shown, note) = listed(r, Status::Pass, limit);
            PassingGroup {
                rule: rule_view(r),
                total: r.counts.pass,
                rows: shown
                    .into_iter()
                    .map(|f| row(f, &r.rule.id, false))
                    .collect(),
                note,
            }
        })
        .collect()
}

/// The findings of `status` the page lists (the first `limit` in resource order; all when
/// `limit` is 0), and the note saying how many there are when that is not all of them.
fn listed(r: &RuleResult, status: Status, limit: usize) -> (Vec<&Finding>, Option<CapNote>) {
    let mut found: Vec<&Finding> = r.findings.iter().filter(|f| f.status == status).collect();
    found.sort_by(|a, b| in_resource_order(a, b));
    if limit > 0 {
        found.truncate(limit);
    }
    let total = count(&r.counts, status).max(found.len());
    let note = (total > found.len()).then(|| CapNote {
        status: status.as_str(),
        words: words(status),
        shown: found.len(),
        total,
    });
    (found, note)
}

fn in_resource_order(a: &Finding, b: &Finding) -> Ordering {
    (&a.resource, &a.path, a.line, &a.reason).cmp(&(&b.resource, &b.path, b.line, &b.reason))
}

/// A listed finding; `linked` adds its repository, file and settings links.
fn row<'a>(f: &'a Finding, rule_id: &str, linked: bool) -> Row<'a> {
    let suppressed_by = match (&f.suppressed_by, f.status) {
        (Some(s), Status::Suppressed) => Some(text(&s.reason)),
        _ => None,
    };
    Row {
        status: f.status.as_str(),
        rank: rank(f.status),
        resource: text(&f.resource),
        reason: text(&f.reason),
        suppressed_by,
        location: f
            .path
            .as_ref()
            .map(|_| text(&summary::location(f)).into_owned()),
        repository: linked.then(|| links::repository(f)).flatten(),
        file: linked.then(|| links::file(f)).flatten(),
        settings: linked.then(|| links::settings(f, rule_id)).flatten(),
    }
}

fn count(c: &Counts, status: Status) -> usize {
    match status {
        Status::Fail => c.fail,
        Status::Unknown => c.unknown,
        Status::Suppressed => c.suppressed,
        Status::Pass => c.pass,
    }
}

fn rank(status: Status) -> u8 {
    match status {
        Status::Fail => 1,
        Status::Unknown => 2,
        Status::Suppressed => 3,
        Status::Pass => 4,
    }
}

/// The status as an adjective: "failing findings", "passing findings".
fn words(status: Status) -> &'static str {
    match status {
        Status::Fail => "failing",
        Status::Unknown => "unknown",
        Status::Suppressed => "suppressed",
        Status::Pass => "passing",
    }
}
