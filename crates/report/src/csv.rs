//! CSV: one line per finding (every status), with rule metadata, join keys and the finding's
//! `path`, `line` and `column`; plus one line per rule that is not applicable (status
//! `not_applicable`, the reason in `reason`), and over a partial source a first line with status
//! `partial` (the reason in `reason`).

use std::io::Write;

use devquery_rules::{Finding, RuleResult};

use crate::{Options, ReportError, RunReport};

/// The header.
pub const HEADER: &[&str] = &[
    "rule_id",
    "title",
    "severity",
    "status",
    "resource_type",
    "resource",
    "reason",
    "platform",
    "org",
    "project",
    "repo",
    "owner",
    "path",
    "line",
    "column",
    "tactics",
    "suppression_reason",
];

fn finding_record(r: &RuleResult, f: &Finding) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let n = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
    vec![
        r.rule.id.clone(),
        r.rule.title.clone(),
        r.rule.severity.to_string(),
        f.status.to_string(),
        f.resource_type.clone(),
        f.resource.clone(),
        f.reason.clone(),
        o(&f.platform),
        o(&f.org),
        o(&f.project),
        o(&f.repo),
        o(&f.owner),
        o(&f.path),
        n(f.line),
        n(f.column),
        r.rule.tactics.join(";"),
        f.suppressed_by
            .as_ref()
            .map(|s| s.reason.clone())
            .unwrap_or_default(),
    ]
}

/// The line of a rule that is not applicable: its metadata, status `not_applicable`, the reason.
fn not_applicable_record(r: &RuleResult, why: &str) -> Vec<String> {
    let mut record = vec![String::new(); HEADER.len()];
    record[0] = r.rule.id.clone();
    record[1] = r.rule.title.clone();
    record[2] = r.rule.severity.to_string();
    record[3] = "not_applicable".to_string();
    record[6] = why.to_string();
    record[15] = r.rule.tactics.join(";");
    record
}

/// Writes the CSV.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    if let Some(line) = crate::summary::partial_line(report) {
        // One line with status `partial` first, the way a rule that is not applicable gets one.
        let mut record = vec![String::new(); HEADER.len()];
        record[3] = "partial".to_string();
        record[6] = line;
        w.write_record(record)?;
    }
    for r in &report.results {
        if let (None, Some(why)) = (&r.error, &r.not_applicable) {
            w.write_record(not_applicable_record(r, why))?;
        }
        for f in &r.findings {
            w.write_record(finding_record(r, f))?;
        }
    }
    w.flush()?;
    Ok(())
}
