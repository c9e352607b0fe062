//! JUnit XML: one `<testsuite>` per rule, one `<testcase>` per rule × resource. Failing findings
//! are `<failure>`s, unknown and suppressed ones `<skipped>`, an errored rule one `<error>`.

use std::io::Write;

use devquery_rules::Status;

use crate::{Options, ReportError, RunReport};

/// Escapes XML text and attribute values (and drops characters XML 1.0 forbids).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes the JUnit XML.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    let tests: usize = report
        .results
        .iter()
        .map(|r| {
            if r.error.is_some() || r.findings.is_empty() {
                1
            } else {
                r.findings.len()
            }
        })
        .sum();
    let totals = report.totals();
    let errors = report.errored().count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="devquery" tests="{tests}" failures="{}" errors="{errors}" skipped="{}" timestamp="{}">"#,
        totals.fail,
        totals.unknown + totals.suppressed,
        report.run_at.format("%Y-%m-%dT%H:%M:%S")
    )?;
    for r in &report.results {
        let id = escape(&r.rule.id);
        let n = if r.error.is_some() || r.findings.is_empty() {
            1
        } else {
            r.findings.len()
        };
        writeln!(
            out,
            r#"  <testsuite name="{id}" tests="{n}" failures="{}" errors="{}" skipped="{}" time="{:.3}">"#,
            r.counts.fail,
            usize::from(r.error.is_some()),
            r.counts.unknown + r.counts.suppressed,
            r.elapsed_ms as f64 / 1000.0
        )?;
        writeln!(
            out,
            r#"    <properties><property name="severity" value="{}"/><property name="title" value="{}"/></properties>"#,
            r.rule.severity,
            escape(&r.rule.title)
        )?;
        if let Some(e) = &r.error {
            writeln!(
                out,
                r#"    <testcase classname="{id}" name="(rule)"><error message="{}" type="rule-error"/></testcase>"#,
                escape(e)
            )?;
        } else if r.findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="{id}" name="(no matching resource)"/>"#
            )?;
        }
        for f in &r.findings {
            let name = escape(&format!("{} {}", f.resource_type, f.resource));
            match f.status {
                Status::Pass => writeln!(out, r#"    <testcase classname="{id}" name="{name}"/>"#)?,
                Status::Fail => writeln!(
                    out,
                    r#"    <testcase classname="{id}" name="{name}"><failure message="{}" type="{}">{}</failure></testcase>"#,
                    escape(&f.reason),
                    r.rule.severity,
                    escape(&format!(
                        "{}\nRemediation: {}",
                        r.rule.title, r.rule.remediation
                    ))
                )?,
                Status::Unknown => writeln!(
                    out,
                    r#"    <testcase classname="{id}" name="{name}"><skipped message="unknown: {}"/></testcase>"#,
                    escape(&f.reason)
                )?,
                Status::Suppressed => writeln!(
                    out,
                    r#"    <testcase classname="{id}" name="{name}"><skipped message="suppressed by baseline: {}"/></testcase>"#,
                    escape(
                        f.suppressed_by
                            .as_ref()
                            .map(|s| s.reason.as_str())
                            .unwrap_or("")
                    )
                )?,
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(())
}
