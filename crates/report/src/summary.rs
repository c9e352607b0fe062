//! Aggregates shared by every format: totals, by severity, by tactic, top findings.

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
    /// Rules without a failing finding and without error.
    pub rules_passing: usize,
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
        } else if failing {
            s.rules_failing += 1;
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

/// Rule results ordered for display: errored and failing first (most severe first), then the rest.
pub fn ordered(report: &RunReport) -> Vec<&RuleResult> {
    let mut v: Vec<&RuleResult> = report.results.iter().collect();
    v.sort_by_key(|r| {
        (
            r.error.is_none(),
            r.counts.fail == 0,
            std::cmp::Reverse(r.rule.severity),
            r.rule.id.clone(),
        )
    });
    v
}

/// A one-word state of a rule: `fail`, `pass`, `error` or `empty` (no matching resource).
pub fn rule_state(r: &RuleResult) -> &'static str {
    if r.error.is_some() {
        "error"
    } else if r.counts.fail > 0 {
        "fail"
    } else if r.counts.total() == 0 {
        "empty"
    } else {
        "pass"
    }
}

/// Where a finding is, as text: `org/repo:path:line`, or the resource.
pub fn location(f: &Finding) -> String {
    match (&f.path, f.line) {
        (Some(p), Some(l)) => format!("{p}:{l}"),
        (Some(p), None) => p.clone(),
        _ => f.resource.clone(),
    }
}
