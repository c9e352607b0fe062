//! CSV: one line per finding (every status), with rule metadata and join keys.

use std::io::Write;

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
    "tactics",
    "suppression_reason",
];

/// Writes the CSV.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for r in &report.results {
        for f in &r.findings {
            let o = |v: &Option<String>| v.clone().unwrap_or_default();
            w.write_record([
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
                f.line.map(|l| l.to_string()).unwrap_or_default(),
                r.rule.tactics.join(";"),
                f.suppressed_by
                    .as_ref()
                    .map(|s| s.reason.clone())
                    .unwrap_or_default(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}
