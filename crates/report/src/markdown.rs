//! Markdown format: summary, severity table, per-rule table (with the state `not applicable` and
//! its reason) and the failing findings per rule with their file location (for pull-request
//! comments, job summaries and wikis).

use std::io::Write;

use devquery_rules::{Finding, Status};

use crate::summary::{self, rule_state};
use crate::{Options, ReportError, RunReport};

/// Escapes text for a Markdown table cell (control characters become visible escapes, see
/// [`devquery_engine::text::escape_control`]).
pub fn cell(s: &str) -> String {
    devquery_engine::text::escape_control(s, true)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
}

/// Text on one line of Markdown outside a table, control characters (and newlines) escaped.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    devquery_engine::text::escape_control(s, false)
}

/// The `path:line:column` of a finding in a file, as code; empty when it has no file.
fn file_location(f: &Finding) -> String {
    if f.path.is_some() {
        format!("`{}`", cell(&summary::location(f)))
    } else {
        String::new()
    }
}

/// Writes the Markdown report.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    let s = summary::summarize(report);
    writeln!(out, "# devquery report\n")?;
    writeln!(
        out,
        "Source: {} · run `{}` at {} · devquery {}\n",
        cell(&report.source),
        report.run_id,
        report.run_at.format("%Y-%m-%d %H:%M UTC"),
        options.tool_version
    )?;
    if let Some(line) = summary::partial_line(report) {
        writeln!(out, "> [!CAUTION]\n> **{}**", cell(&line))?;
        let (shown, more) = summary::partial_missing(report, 10);
        for m in shown {
            writeln!(out, "> - unread: {}", cell(m))?;
        }
        if more > 0 {
            writeln!(
                out,
                "> - … and {more} more (see the collection_errors table)"
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "**{} rules**: {} failing, {} passing, {} with nothing to check, {} not applicable, {} errored. **Findings**: {} fail, {} pass, {} unknown, {} suppressed.\n",
        s.rules,
        s.rules_failing,
        s.rules_passing,
        s.rules_empty,
        s.rules_not_applicable,
        s.rules_errored,
        s.totals.fail,
        s.totals.pass,
        s.totals.unknown,
        s.totals.suppressed
    )?;
    if !report.collection_errors.is_empty() {
        writeln!(
            out,
            "> [!WARNING]\n> Partial collection: {} API call(s) failed; results that depend on them may be unknown or incomplete.\n",
            report.collection_errors.len()
        )?;
        for e in report.collection_errors.iter().take(10) {
            writeln!(
                out,
                "> - `{}` {} {}: {}",
                one_line(e.table_name.as_deref().unwrap_or("?")),
                cell(e.endpoint.as_deref().unwrap_or("")),
                one_line(e.http_status.as_deref().unwrap_or("")),
                cell(e.message.as_deref().unwrap_or(""))
            )?;
        }
        writeln!(out)?;
    }
    for e in &report.expired_suppressions {
        writeln!(
            out,
            "> [!NOTE]\n> Expired baseline suppression `{}` / `{}` (expired {}, {} finding(s) now reported): {}\n",
            one_line(&e.suppression.rule),
            one_line(&e.suppression.resource),
            e.suppression
                .expires
                .map(|d| d.to_string())
                .unwrap_or_default(),
            e.matched,
            cell(&e.suppression.reason)
        )?;
    }
    writeln!(out, "## By severity\n")?;
    writeln!(
        out,
        "| severity | rules | failing rules | failing findings |\n|---|---:|---:|---:|"
    )?;
    for (sev, b) in &s.by_severity {
        writeln!(
            out,
            "| {sev} | {} | {} | {} |",
            b.rules, b.rules_failing, b.fail
        )?;
    }
    if !s.by_tactic.is_empty() {
        writeln!(out, "\n## By tactic\n")?;
        writeln!(
            out,
            "| tactic | rules | failing rules | failing findings |\n|---|---:|---:|---:|"
        )?;
        for (t, b) in &s.by_tactic {
            writeln!(
                out,
                "| {t} | {} | {} | {} |",
                b.rules, b.rules_failing, b.fail
            )?;
        }
    }
    writeln!(out, "\n## Rules\n")?;
    writeln!(
        out,
        "| rule | severity | state | fail | pass | unknown | suppressed | result |\n|---|---|---|---:|---:|---:|---:|---|"
    )?;
    for r in summary::ordered(report) {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            r.rule.id,
            r.rule.severity,
            summary::state_words(rule_state(r)),
            r.counts.fail,
            r.counts.pass,
            r.counts.unknown,
            r.counts.suppressed,
            cell(&summary::result_text(r))
        )?;
    }
    let failing: Vec<_> = summary::ordered(report)
        .into_iter()
        .filter(|r| r.counts.fail > 0)
        .collect();
    if !failing.is_empty() {
        writeln!(out, "\n## Failing findings\n")?;
    }
    for r in failing {
        writeln!(
            out,
            "### `{}` — {} ({})\n",
            r.rule.id,
            cell(&r.rule.title),
            r.rule.severity
        )?;
        if !r.rule.remediation.is_empty() {
            writeln!(
                out,
                "**Remediation.** {}\n",
                devquery_engine::text::escape_control(&r.rule.remediation, true).replace('\n', " ")
            )?;
        }
        writeln!(out, "| resource | location | reason |\n|---|---|---|")?;
        let fails: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        for f in fails.iter().take(options.top.max(1)) {
            writeln!(
                out,
                "| `{}` | {} | {} |",
                cell(&f.resource),
                file_location(f),
                cell(&f.reason)
            )?;
        }
        // The runner may have kept only the first findings; the count covers every row.
        let shown = fails.len().min(options.top.max(1));
        if r.counts.fail > shown {
            writeln!(out, "\n…and {} more.", r.counts.fail - shown)?;
        }
        writeln!(out)?;
    }
    let errored: Vec<_> = report.errored().collect();
    if !errored.is_empty() {
        writeln!(out, "## Errored rules\n")?;
        for r in errored {
            writeln!(
                out,
                "- `{}`: {}",
                r.rule.id,
                cell(r.error.as_deref().unwrap_or(""))
            )?;
        }
    }
    Ok(())
}
