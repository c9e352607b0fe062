//! Aggregates shared by every format: totals, by severity, by tactic, top findings, the state of
//! a rule (`fail`, `pass`, `empty`, `error`, `not_applicable`) and where a finding is.

use std::collections::BTreeMap;

use devquery_model::Severity;
use devquery_rules::{Counts, Finding, RuleResult, RunReport, Status};

/// Failing rules and findings at one severity or tactic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Rules run.
    pub rules: usize,
    /// Rules with at least one failing finding.
    pub rules_failing: usize,
    /// Failing findings.
    pub fail: usize,
}

/// The report summary.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Rules run.
    pub rules: usize,
    /// Rules with a failing finding.
    pub rules_failing: usize,
    /// Rules that errored.
    pub rules_errored: usize,
    /// Rules that judged at least one resource and failed none.
    pub rules_passing: usize,
    /// Rules that ran but found nothing to judge (no workflow, no repository, … in the source):
    /// shown apart, never counted as passing.
    pub rules_empty: usize,
    /// Rules whose inputs the source cannot provide (never counted as passing).
    pub rules_not_applicable: usize,
    /// Finding counts.
    pub totals: Counts,
    /// By severity, highest first (every severity present).
    pub by_severity: Vec<(Severity, Bucket)>,
    /// By tactic, alphabetical (only tactics some rule names).
    pub by_tactic: BTreeMap<String, Bucket>,
}

/// Computes the summary.
pub fn summarize(report: &RunReport) -> Summary {
    let mut s = Summary {
        rules: report.results.len(),
        totals: report.totals(),
        ..Default::default()
    };
    let mut sev: BTreeMap<Severity, Bucket> = Severity::ALL
        .iter()
        .map(|s| (*s, Bucket::default()))
        .collect();
    for r in &report.results {
        let failing = r.counts.fail > 0;
        if r.error.is_some() {
            s.rules_errored += 1;
        } else if r.not_applicable.is_some() {
            s.rules_not_applicable += 1;
        } else if failing {
            s.rules_failing += 1;
        } else if r.counts.total() == 0 {
            s.rules_empty += 1;
        } else {
            s.rules_passing += 1;
        }
        let add = |b: &mut Bucket| {
            b.rules += 1;
            b.rules_failing += usize::from(failing);
            b.fail += r.counts.fail;
        };
        if let Some(b) = sev.get_mut(&r.rule.severity) {
            add(b);
        }
        for t in &r.rule.tactics {
            add(s.by_tactic.entry(t.clone()).or_default());
        }
    }
    s.by_severity = sev.into_iter().rev().collect();
    s
}

/// "81 rules: 12 failing, 58 passing, 2 with nothing to check, 8 not applicable, 1 errored".
pub fn rules_line(s: &Summary) -> String {
    format!(
        "{} rules: {} failing, {} passing, {} with nothing to check, {} not applicable, {} errored",
        s.rules,
        s.rules_failing,
        s.rules_passing,
        s.rules_empty,
        s.rules_not_applicable,
        s.rules_errored
    )
}

/// "findings: 3 fail, 2 pass, 1 unknown, 1 suppressed".
pub fn findings_line(s: &Summary) -> String {
    format!(
        "findings: {} fail, {} pass, {} unknown, {} suppressed",
        s.totals.fail, s.totals.pass, s.totals.unknown, s.totals.suppressed
    )
}

/// The header line of a report over a partial source (`PARTIAL SOURCE: the collection stopped
/// before the estate was complete (…); N parts left unread, reported as unknown`), `None` when
/// the source is complete. Every format shows it in its header.
pub fn partial_line(report: &RunReport) -> Option<String> {
    report
        .partial
        .as_ref()
        .map(|p| format!("PARTIAL SOURCE: {}", p.summary()))
}

/// The first `n` parts a partial source left unread, and how many more there are.
pub fn partial_missing(report: &RunReport, n: usize) -> (Vec<&str>, usize) {
    let all = report
        .partial
        .as_ref()
        .map(|p| p.missing.as_slice())
        .unwrap_or_default();
    let shown: Vec<&str> = all.iter().take(n).map(String::as_str).collect();
    let more = all.len() - shown.len();
    (shown, more)
}

/// Failing findings, most severe rule first, then rule id and resource; at most `n`.
pub fn top_findings(report: &RunReport, n: usize) -> Vec<(&RuleResult, &Finding)> {
    let mut all: Vec<(&RuleResult, &Finding)> = report
        .results
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .filter(|(_, f)| f.status == Status::Fail)
        .collect();
    all.sort_by(|(ra, fa), (rb, fb)| {
        rb.rule
            .severity
            .cmp(&ra.rule.severity)
            .then_with(|| ra.rule.id.cmp(&rb.rule.id))
            .then_with(|| fa.resource.cmp(&fb.resource))
    });
    all.truncate(n);
    all
}

/// Rule results ordered for display: errored and failing first (most severe first), then the
/// passing ones, then those not applicable.
pub fn ordered(report: &RunReport) -> Vec<&RuleResult> {
    let mut v: Vec<&RuleResult> = report.results.iter().collect();
    v.sort_by_key(|r| {
        (
            r.error.is_none(),
            r.counts.fail == 0,
            r.error.is_none() && r.not_applicable.is_some(),
            std::cmp::Reverse(r.rule.severity),
            r.rule.id.clone(),
        )
    });
    v
}

/// The state of a rule: `error`, `not_applicable` (the source cannot provide its inputs),
/// `fail`, `empty` (no matching resource) or `pass`.
pub fn rule_state(r: &RuleResult) -> &'static str {
    r.state().as_str()
}

/// The state as words for people: `not applicable` instead of `not_applicable`, `nothing to
/// check` instead of `empty`.
pub fn state_words(state: &str) -> &str {
    match state {
        "not_applicable" => "not applicable",
        "empty" => "nothing to check",
        other => other,
    }
}

/// The one-line result of a rule: "38 of 50 repositories fail", the error, or "not applicable:
/// <why>".
pub fn result_text(r: &RuleResult) -> String {
    r.summary()
}

/// Where a finding is, as text: `path:line:column` (what editors and terminals open), `path`,
/// or the resource when it has no file.
pub fn location(f: &Finding) -> String {
    match (&f.path, f.line, f.column) {
        (Some(p), Some(l), Some(c)) => format!("{p}:{l}:{c}"),
        (Some(p), Some(l), None) => format!("{p}:{l}"),
        (Some(p), None, _) => p.clone(),
        _ => f.resource.clone(),
    }
}
