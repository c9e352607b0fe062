//! JSON format: a versioned wire shape (`{"version": 1, ...}`), separate from the internal types
//! so they can change without breaking consumers.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::summary::{self, rule_state};
use crate::{Options, ReportError, RunReport};

/// The wire format version.
pub const VERSION: u32 = 1;

/// Top-level document.
#[derive(Debug, Serialize)]
pub struct Document {
    /// Always [`VERSION`].
    pub version: u32,
    /// The tool.
    pub tool: Tool,
    /// The run.
    pub run: Run,
    /// Aggregates.
    pub summary: SummaryOut,
    /// Failed collection calls.
    pub collection_errors: Vec<CollectionErrorOut>,
    /// Expired baseline entries.
    pub expired_suppressions: Vec<ExpiredOut>,
    /// One entry per rule.
    pub rules: Vec<RuleOut>,
}

/// `tool`.
#[derive(Debug, Serialize)]
pub struct Tool {
    /// `devquery`.
    pub name: &'static str,
    /// Version.
    pub version: String,
}

/// `run`.
#[derive(Debug, Serialize)]
pub struct Run {
    /// Run id.
    pub id: String,
    /// RFC 3339 start time.
    pub at: String,
    /// Source description.
    pub source: String,
    /// Baseline file, if any.
    pub baseline: Option<String>,
    /// Present only when the source is partial: the collection stopped before the estate was
    /// complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<PartialOut>,
}

/// `run.partial`: why the collection stopped early and what it left unread.
#[derive(Debug, Serialize)]
pub struct PartialOut {
    /// Why.
    pub reason: String,
    /// The parts left unread (`platform:host/org (tables)`, `platform:host/org/repo`).
    pub missing: Vec<String>,
}

/// Finding counts.
#[derive(Debug, Serialize)]
pub struct CountsOut {
    /// Failing.
    pub fail: usize,
    /// Passing.
    pub pass: usize,
    /// Unknown.
    pub unknown: usize,
    /// Suppressed.
    pub suppressed: usize,
}

impl From<devquery_rules::Counts> for CountsOut {
    fn from(c: devquery_rules::Counts) -> Self {
        Self {
            fail: c.fail,
            pass: c.pass,
            unknown: c.unknown,
            suppressed: c.suppressed,
        }
    }
}

/// A bucket of the summary.
#[derive(Debug, Serialize)]
pub struct BucketOut {
    /// Rules.
    pub rules: usize,
    /// Failing rules.
    pub rules_failing: usize,
    /// Failing findings.
    pub fail: usize,
}

/// `summary`.
#[derive(Debug, Serialize)]
pub struct SummaryOut {
    /// Rules run.
    pub rules: usize,
    /// Failing rules.
    pub rules_failing: usize,
    /// Passing rules (judged at least one resource, failed none).
    pub rules_passing: usize,
    /// Rules that found nothing to judge in the source (never counted as passing).
    pub rules_empty: usize,
    /// Errored rules.
    pub rules_errored: usize,
    /// Rules whose inputs the source cannot provide (never counted as passing).
    pub rules_not_applicable: usize,
    /// Highest failing severity.
    pub highest_failing_severity: Option<String>,
    /// Finding counts.
    pub findings: CountsOut,
    /// By severity name.
    pub by_severity: BTreeMap<String, BucketOut>,
    /// By tactic.
    pub by_tactic: BTreeMap<String, BucketOut>,
}

/// A failed collection call.
#[derive(Debug, Serialize)]
pub struct CollectionErrorOut {
    /// Platform.
    pub platform: Option<String>,
    /// Org.
    pub org: Option<String>,
    /// Repo.
    pub repo: Option<String>,
    /// Table.
    pub table: Option<String>,
    /// Endpoint.
    pub endpoint: Option<String>,
    /// HTTP status.
    pub http_status: Option<String>,
    /// Message.
    pub message: Option<String>,
}

/// An expired suppression.
#[derive(Debug, Serialize)]
pub struct ExpiredOut {
    /// Rule pattern.
    pub rule: String,
    /// Resource pattern.
    pub resource: String,
    /// Reason.
    pub reason: String,
    /// Expiry date.
    pub expires: Option<String>,
    /// Failing findings it matches.
    pub matched: usize,
}

/// A rule and its findings.
#[derive(Debug, Serialize)]
pub struct RuleOut {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: String,
    /// `fail`, `pass`, `error`, `empty` or `not_applicable` (the name of version 1; the same
    /// value as `status`).
    pub state: &'static str,
    /// `fail`, `pass`, `error`, `empty` or `not_applicable`.
    pub status: &'static str,
    /// Why the rule is not applicable to the source (only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// "38 of 50 repositories fail", or why the rule is not applicable.
    pub summary: String,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Tactics.
    pub tactics: Vec<String>,
    /// References.
    pub references: Vec<String>,
    /// Description.
    pub description: String,
    /// Remediation.
    pub remediation: String,
    /// Counts.
    pub counts: CountsOut,
    /// Error message.
    pub error: Option<String>,
    /// Wall time of the rule's query, in milliseconds.
    pub elapsed_ms: u64,
    /// Findings.
    pub findings: Vec<FindingOut>,
}

/// A finding.
#[derive(Debug, Serialize)]
pub struct FindingOut {
    /// Status.
    pub status: &'static str,
    /// Resource type.
    pub resource_type: String,
    /// Resource.
    pub resource: String,
    /// Reason.
    pub reason: String,
    /// Join keys and location (`path`, `line`, `column`), only when known.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<&'static str, String>,
    /// The suppression, when suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<ExpiredOut>,
}

/// Builds the wire document.
pub fn document(report: &RunReport, options: &Options) -> Document {
    let s = summary::summarize(report);
    let bucket = |b: &summary::Bucket| BucketOut {
        rules: b.rules,
        rules_failing: b.rules_failing,
        fail: b.fail,
    };
    Document {
        version: VERSION,
        tool: Tool {
            name: "devquery",
            version: options.tool_version.clone(),
        },
        run: Run {
            id: report.run_id.clone(),
            at: report
                .run_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: report.source.clone(),
            baseline: report.baseline.as_ref().map(|p| p.display().to_string()),
            partial: report.partial.as_ref().map(|p| PartialOut {
                reason: p.reason.clone(),
                missing: p.missing.clone(),
            }),
        },
        summary: SummaryOut {
            rules: s.rules,
            rules_failing: s.rules_failing,
            rules_passing: s.rules_passing,
            rules_empty: s.rules_empty,
            rules_errored: s.rules_errored,
            rules_not_applicable: s.rules_not_applicable,
            highest_failing_severity: report.highest_failing().map(|s| s.to_string()),
            findings: s.totals.into(),
            by_severity: s
                .by_severity
                .iter()
                .map(|(k, b)| (k.to_string(), bucket(b)))
                .collect(),
            by_tactic: s
                .by_tactic
                .iter()
                .map(|(k, b)| (k.clone(), bucket(b)))
                .collect(),
        },
        collection_errors: report
            .collection_errors
            .iter()
            .map(|e| CollectionErrorOut {
                platform: e.platform.clone(),
                org: e.org.clone(),
                repo: e.repo.clone(),
                table: e.table_name.clone(),
                endpoint: e.endpoint.clone(),
                http_status: e.http_status.clone(),
                message: e.message.clone(),
            })
            .collect(),
        expired_suppressions: report
            .expired_suppressions
            .iter()
            .map(|e| ExpiredOut {
                rule: e.suppression.rule.clone(),
                resource: e.suppression.resource.clone(),
                reason: e.suppression.reason.clone(),
                expires: e.suppression.expires.map(|d| d.to_string()),
                matched: e.matched,
            })
            .collect(),
        rules: report
            .results
            .iter()
            .map(|r| RuleOut {
                id: r.rule.id.clone(),
                title: r.rule.title.clone(),
                severity: r.rule.severity.to_string(),
                state: rule_state(r),
                status: rule_state(r),
                not_applicable: r.not_applicable.clone(),
                summary: summary::result_text(r),
                platforms: r.rule.platforms.clone(),
                tactics: r.rule.tactics.clone(),
                references: r.rule.references.clone(),
                description: r.rule.description.clone(),
                remediation: r.rule.remediation.clone(),
                counts: r.counts.into(),
                error: r.error.clone(),
                elapsed_ms: r.elapsed_ms,
                findings: r
                    .findings
                    .iter()
                    .map(|f| {
                        let mut keys = BTreeMap::new();
                        for (k, v) in f.keys() {
                            keys.insert(k, v.to_string());
                        }
                        if let Some(p) = &f.path {
                            keys.insert("path", p.clone());
                        }
                        if let Some(l) = f.line {
                            keys.insert("line", l.to_string());
                        }
                        if let Some(c) = f.column {
                            keys.insert("column", c.to_string());
                        }
                        FindingOut {
                            status: f.status.as_str(),
                            resource_type: f.resource_type.clone(),
                            resource: f.resource.clone(),
                            reason: f.reason.clone(),
                            keys,
                            suppression: f.suppressed_by.as_ref().map(|s| ExpiredOut {
                                rule: s.rule.clone(),
                                resource: s.resource.clone(),
                                reason: s.reason.clone(),
                                expires: s.expires.map(|d| d.to_string()),
                                matched: 0,
                            }),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Writes pretty JSON.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut *out, &document(report, options))?;
    writeln!(out)?;
    Ok(())
}
