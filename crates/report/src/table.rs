//! Terminal format: header, partial-collection warning, summary by severity and by tactic,
//! per-rule pass / fail / unknown counts (state `n/a` for a rule the source cannot feed), top
//! failing findings with their `path:line:column`. ANSI colour only when asked
//! (the CLI asks when stdout is a terminal and `NO_COLOR` is unset). Text from the estate
//! (paths, reasons, error messages, the source) is shown with control characters escaped
//! ([`esc`]), so that it cannot drive the terminal.

use std::borrow::Cow;
use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use devquery_model::Severity;

use crate::summary::{self, rule_state};
use crate::{Options, ReportError, RunReport};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, &format!("{:<8}", sev.as_str()))
    }
    fn state(&self, s: &str) -> String {
        match s {
            "fail" => self.wrap("31", s),
            "pass" => self.wrap("32", s),
            "error" => self.wrap("1;31", s),
            _ => self.dim(s),
        }
    }
}

/// The state as the rules table shows it: `n/a` for a rule that is not applicable.
fn short_state(state: &str) -> &str {
    if state == "not_applicable" {
        "n/a"
    } else {
        state
    }
}

/// Text from the estate on one line, control characters (and newlines) escaped.
fn esc(s: &str) -> Cow<'_, str> {
    devquery_engine::text::escape_control(s, false)
}

fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| Cell::new(*h)).collect::<Vec<_>>());
    t
}

fn num(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

/// The partial-source header: the line, then the first parts left unread.
fn write_partial(report: &RunReport, out: &mut dyn Write, p: &Paint) -> Result<(), ReportError> {
    let Some(line) = summary::partial_line(report) else {
        return Ok(());
    };
    writeln!(out, "{}", p.wrap("1;31", &esc(&line)))?;
    let (shown, more) = summary::partial_missing(report, 5);
    for m in shown {
        writeln!(out, "  - unread: {}", esc(m))?;
    }
    if more > 0 {
        writeln!(out, "  … and {more} more (see the collection_errors table)")?;
    }
    Ok(())
}

/// Writes the terminal report.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    let p = Paint { on: options.color };
    let s = summary::summarize(report);
    writeln!(
        out,
        "{} {} — {}",
        p.bold("devquery report"),
        options.tool_version,
        esc(&report.source)
    )?;
    writeln!(
        out,
        "{}",
        p.dim(&format!(
            "run {} at {}",
            report.run_id,
            report.run_at.format("%Y-%m-%d %H:%M:%S UTC")
        ))
    )?;
    write_partial(report, out, &p)?;
    writeln!(out)?;
    writeln!(
        out,
        "{} · {}",
        summary::rules_line(&s),
        summary::findings_line(&s)
    )?;
    if !report.collection_errors.is_empty() {
        writeln!(
            out,
            "{} partial collection: {} call{} failed; results that depend on them may be unknown or incomplete:",
            p.wrap("1;33", "warning:"),
            report.collection_errors.len(),
            if report.collection_errors.len() == 1 {
                ""
            } else {
                "s"
            }
        )?;
        for e in report.collection_errors.iter().take(5) {
            writeln!(
                out,
                "  - {} {} {}: {}",
                esc(e.table_name.as_deref().unwrap_or("?")),
                esc(e.endpoint.as_deref().unwrap_or("")),
                esc(e.http_status.as_deref().unwrap_or("")),
                esc(e.message.as_deref().unwrap_or(""))
            )?;
        }
        if report.collection_errors.len() > 5 {
            writeln!(
                out,
                "  … and {} more (see the collection_errors table)",
                report.collection_errors.len() - 5
            )?;
        }
    }
    for e in &report.expired_suppressions {
        writeln!(
            out,
            "{} baseline suppression for {} / {} expired on {} ({} finding{} no longer suppressed): {}",
            p.wrap("1;33", "warning:"),
            esc(&e.suppression.rule),
            esc(&e.suppression.resource),
            e.suppression
                .expires
                .map(|d| d.to_string())
                .unwrap_or_default(),
            e.matched,
            if e.matched == 1 { "" } else { "s" },
            esc(&e.suppression.reason)
        )?;
    }
    writeln!(out)?;

    let mut t = new_table(&["severity", "rules", "failing rules", "failing findings"]);
    for (sev, b) in &s.by_severity {
        t.add_row(vec![
            Cell::new(sev.as_str()),
            num(b.rules),
            num(b.rules_failing),
            num(b.fail),
        ]);
    }
    writeln!(out, "{}\n{t}\n", p.bold("By severity"))?;

    if !s.by_tactic.is_empty() {
        let mut t = new_table(&["tactic", "rules", "failing rules", "failing findings"]);
        for (tactic, b) in &s.by_tactic {
            t.add_row(vec![
                Cell::new(tactic),
                num(b.rules),
                num(b.rules_failing),
                num(b.fail),
            ]);
        }
        writeln!(out, "{}\n{t}\n", p.bold("By tactic"))?;
    }

    let mut t = new_table(&[
        "rule", "severity", "state", "fail", "pass", "unknown", "suppr.", "result",
    ]);
    for r in summary::ordered(report) {
        t.add_row(vec![
            Cell::new(&r.rule.id),
            Cell::new(r.rule.severity.as_str()),
            Cell::new(short_state(rule_state(r))),
            num(r.counts.fail),
            num(r.counts.pass),
            num(r.counts.unknown),
            num(r.counts.suppressed),
            Cell::new(esc(&summary::result_text(r))),
        ]);
    }
    writeln!(out, "{}\n{t}\n", p.bold("Rules"))?;

    let top = summary::top_findings(report, options.top);
    if !top.is_empty() {
        writeln!(
            out,
            "{}",
            p.bold(&format!(
                "Top findings ({} of {} failing)",
                top.len(),
                s.totals.fail
            ))
        )?;
        for (r, f) in &top {
            writeln!(
                out,
                "  {} {}  {}",
                p.severity(r.rule.severity),
                r.rule.id,
                p.bold(&esc(&summary::location(f)))
            )?;
            writeln!(out, "           {}", esc(&f.reason))?;
        }
        writeln!(out)?;
    }
    let errored: Vec<_> = report.errored().collect();
    if !errored.is_empty() {
        writeln!(out, "{}", p.bold("Errored rules"))?;
        for r in errored {
            writeln!(
                out,
                "  {} {}: {}",
                p.state("error"),
                r.rule.id,
                esc(r.error.as_deref().unwrap_or(""))
            )?;
        }
        writeln!(out)?;
    }
    match report.highest_failing() {
        Some(sev) => writeln!(
            out,
            "Highest failing severity: {} ({} failing finding{}).",
            p.severity(sev).trim_end(),
            s.totals.fail,
            if s.totals.fail == 1 { "" } else { "s" }
        )?,
        None => writeln!(out, "{}", p.wrap("32", "No failing findings."))?,
    }
    Ok(())
}
