//! JUnit XML: one `<testsuite>` per rule, one `<testcase>` per rule × resource (with `file` and
//! `line` attributes when the finding is in a file). Failing findings are `<failure>`s, unknown
//! and suppressed ones `<skipped>`, an errored rule one `<error>`, a rule that is not applicable
//! to the source one `<skipped>` test case with the reason. Over a partial source, a first
//! suite `devquery.collection` has one test case in error that says so.

use std::io::Write;

use devquery_rules::{Finding, RuleResult, Status};

use crate::summary;
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

/// Test cases a rule contributes: one per finding, or one for the whole rule when it errored,
/// is not applicable or matched nothing.
fn case_count(r: &RuleResult) -> usize {
    if r.error.is_some() || r.not_applicable.is_some() || r.findings.is_empty() {
        1
    } else {
        r.findings.len()
    }
}

/// Skipped test cases of a rule: unknown and suppressed findings, or the rule when it is not
/// applicable.
fn skipped_count(r: &RuleResult) -> usize {
    if r.error.is_none() && r.not_applicable.is_some() {
        1
    } else {
        r.counts.unknown + r.counts.suppressed
    }
}

/// Writes the JUnit XML.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    let partial = summary::partial_line(report);
    let extra = usize::from(partial.is_some());
    let tests: usize = report.results.iter().map(case_count).sum::<usize>() + extra;
    let skipped: usize = report.results.iter().map(skipped_count).sum();
    let totals = report.totals();
    let errors = report.errored().count() + extra;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="devquery" tests="{tests}" failures="{}" errors="{errors}" skipped="{skipped}" timestamp="{}">"#,
        totals.fail,
        report.run_at.format("%Y-%m-%dT%H:%M:%S")
    )?;
    if let Some(line) = &partial {
        write_partial_suite(line, out)?;
    }
    for r in &report.results {
        write_suite(r, out)?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(())
}

/// Over a partial source, a first suite whose one case errors: the collection is incomplete.
fn write_partial_suite(line: &str, out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(
        out,
        r#"  <testsuite name="devquery.collection" tests="1" failures="0" errors="1" skipped="0">"#
    )?;
    writeln!(
        out,
        r#"    <testcase classname="devquery.collection" name="the collection is complete"><error message="{}"/></testcase>"#,
        escape(line)
    )?;
    writeln!(out, "  </testsuite>")?;
    Ok(())
}

/// One `<testsuite>` for a rule.
fn write_suite(r: &RuleResult, out: &mut dyn Write) -> Result<(), ReportError> {
    let id = escape(&r.rule.id);
    writeln!(
        out,
        r#"  <testsuite name="{id}" tests="{}" failures="{}" errors="{}" skipped="{}" time="{:.3}">"#,
        case_count(r),
        r.counts.fail,
        usize::from(r.error.is_some()),
        skipped_count(r),
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
    } else if let Some(why) = &r.not_applicable {
        writeln!(
            out,
            r#"    <testcase classname="{id}" name="(not applicable)"><skipped message="not applicable: {}"/></testcase>"#,
            escape(why)
        )?;
    } else if r.findings.is_empty() {
        writeln!(
            out,
            r#"    <testcase classname="{id}" name="(no matching resource)"/>"#
        )?;
    }
    for f in &r.findings {
        write_case(r, f, &id, out)?;
    }
    writeln!(out, "  </testsuite>")?;
    Ok(())
}

/// The `file` and `line` attributes of a finding in a file (read by GitLab, Jenkins and most
/// JUnit viewers), with a leading space; empty when it has no file.
fn file_attributes(f: &Finding) -> String {
    match (&f.path, f.line) {
        (Some(p), Some(l)) => format!(r#" file="{}" line="{l}""#, escape(p)),
        (Some(p), None) => format!(r#" file="{}""#, escape(p)),
        _ => String::new(),
    }
}

/// One `<testcase>` for a finding.
fn write_case(
    r: &RuleResult,
    f: &Finding,
    id: &str,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let name = escape(&format!("{} {}", f.resource_type, f.resource));
    let attrs = file_attributes(f);
    match f.status {
        Status::Pass => writeln!(
            out,
            r#"    <testcase classname="{id}" name="{name}"{attrs}/>"#
        )?,
        Status::Fail => writeln!(
            out,
            r#"    <testcase classname="{id}" name="{name}"{attrs}><failure message="{}" type="{}">{}</failure></testcase>"#,
            escape(&f.reason),
            r.rule.severity,
            escape(&failure_text(r, f))
        )?,
        Status::Unknown => writeln!(
            out,
            r#"    <testcase classname="{id}" name="{name}"{attrs}><skipped message="unknown: {}"/></testcase>"#,
            escape(&f.reason)
        )?,
        Status::Suppressed => writeln!(
            out,
            r#"    <testcase classname="{id}" name="{name}"{attrs}><skipped message="suppressed by baseline: {}"/></testcase>"#,
            escape(
                f.suppressed_by
                    .as_ref()
                    .map(|s| s.reason.as_str())
                    .unwrap_or("")
            )
        )?,
    }
    Ok(())
}

/// The body of a `<failure>`: title, location when the finding is in a file, remediation.
fn failure_text(r: &RuleResult, f: &Finding) -> String {
    let mut text = r.rule.title.clone();
    if f.path.is_some() {
        text.push_str("\nAt: ");
        text.push_str(&summary::location(f));
    }
    text.push_str("\nRemediation: ");
    text.push_str(&r.rule.remediation);
    text
}
