//! GitHub Actions workflow annotations: `::error title=...::message` per failing finding
//! (`warning` for medium, `notice` for low and info), with `file=` and `line=` when the finding
//! has a path; plus warnings for partial collection, expired suppressions and errored rules.

use std::io::Write;

use devquery_model::Severity;
use devquery_rules::Status;

use crate::{Options, ReportError, RunReport};

/// Escapes an annotation message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Writes the annotations.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    for e in &report.collection_errors {
        writeln!(
            out,
            "::warning title={}::{}",
            escape_property("devquery: partial collection"),
            escape_data(&format!(
                "{} {} {}: {}",
                e.table_name.as_deref().unwrap_or("?"),
                e.endpoint.as_deref().unwrap_or(""),
                e.http_status.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("")
            ))
        )?;
    }
    for e in &report.expired_suppressions {
        writeln!(
            out,
            "::warning title={}::{}",
            escape_property("devquery: expired baseline suppression"),
            escape_data(&format!(
                "{} / {} expired {}: {}",
                e.suppression.rule,
                e.suppression.resource,
                e.suppression
                    .expires
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                e.suppression.reason
            ))
        )?;
    }
    for r in &report.results {
        if let Some(e) = &r.error {
            writeln!(
                out,
                "::error title={}::{}",
                escape_property(&format!("devquery: rule {} errored", r.rule.id)),
                escape_data(e)
            )?;
        }
        for f in r.findings.iter().filter(|f| f.status == Status::Fail) {
            let mut props = vec![format!(
                "title={}",
                escape_property(&format!(
                    "{} ({}): {}",
                    r.rule.id, r.rule.severity, r.rule.title
                ))
            )];
            if let Some(p) = &f.path {
                props.push(format!("file={}", escape_property(p)));
                if let Some(l) = f.line {
                    props.push(format!("line={l}"));
                }
            }
            let mut msg = format!("{}: {}", f.resource, f.reason);
            if !r.rule.remediation.is_empty() {
                msg.push_str("\nRemediation: ");
                msg.push_str(&r.rule.remediation);
            }
            writeln!(
                out,
                "::{} {}::{}",
                command(r.rule.severity),
                props.join(","),
                escape_data(&msg)
            )?;
        }
    }
    let t = report.totals();
    writeln!(
        out,
        "::notice title=devquery::{}",
        escape_data(&format!(
            "{} rules, {} failing findings, {} unknown, {} suppressed",
            report.results.len(),
            t.fail,
            t.unknown,
            t.suppressed
        ))
    )?;
    Ok(())
}
