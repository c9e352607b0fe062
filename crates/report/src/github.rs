//! GitHub Actions workflow annotations (`::error file=PATH,line=N,col=C,title=...::message`).
//!
//! Actions shows at most 10 error, 10 warning and 10 notice annotations per step (and 50 per
//! job), so the output is built for that: the totals come first as a plain log line (and, over a
//! partial source, a line saying so); then one annotation each for a partial source (`error`),
//! errored rules, failed collection calls and expired baseline entries; then the
//! failing findings, most severe first, each as `error` (critical, high), `warning` (medium) or
//! `notice` (low, info) while its kind has room; and a last plain line says how many findings
//! were not shown as annotations. [`append_step_summary`] adds the Markdown report to the file
//! named by `$GITHUB_STEP_SUMMARY`.

use std::io::Write;
use std::path::Path;

use devquery_model::Severity;
use devquery_rules::{Finding, RuleResult};

use crate::summary::{self, Summary};
use crate::{Options, ReportError, RunReport};

/// Annotations of one kind Actions displays per step.
pub const PER_KIND_PER_STEP: usize = 10;

/// Annotations Actions displays per job (all kinds, all steps).
pub const PER_JOB: usize = 50;

/// Bytes a step summary may take (GitHub rejects a larger one).
pub const STEP_SUMMARY_MAX_BYTES: usize = 1024 * 1024;

/// Escapes an annotation message (`%`, CR, LF), as the Actions toolkit's `escapeData`, and
/// shows any other control character as a visible escape
/// ([`devquery_engine::text::escape_control`]), so that text from the estate cannot drive the
/// log viewer or a terminal.
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    devquery_engine::text::escape_control(&s, false).into_owned()
}

/// Escapes an annotation property value (also `:` and `,`), as the toolkit's `escapeProperty`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation kind of a severity.
pub fn command(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// The room left per kind: error, warning, notice.
#[derive(Debug, Clone, Copy)]
struct Budget([usize; 3]);

impl Budget {
    fn new() -> Self {
        Self([PER_KIND_PER_STEP; 3])
    }

    fn slot(kind: &str) -> usize {
        match kind {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        }
    }

    /// Takes one annotation of `kind`; false when that kind is full.
    fn take(&mut self, kind: &str) -> bool {
        let slot = &mut self.0[Self::slot(kind)];
        if *slot == 0 {
            return false;
        }
        *slot -= 1;
        true
    }
}

/// One annotation line.
fn annotation(kind: &str, props: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    if props.is_empty() {
        format!("::{kind}::{}", escape_data(message))
    } else {
        format!("::{kind} {}::{}", props.join(","), escape_data(message))
    }
}

/// The properties of a finding's annotation: `file`, `line`, `col` when known, then `title`.
fn finding_props(r: &RuleResult, f: &Finding) -> Vec<(&'static str, String)> {
    let mut props = Vec::new();
    if let Some(p) = &f.path {
        props.push(("file", p.clone()));
        if let Some(l) = f.line.filter(|l| *l > 0) {
            props.push(("line", l.to_string()));
            if let Some(c) = f.column.filter(|c| *c > 0) {
                props.push(("col", c.to_string()));
            }
        }
    }
    props.push((
        "title",
        format!("{} ({}): {}", r.rule.id, r.rule.severity, r.rule.title),
    ));
    props
}

fn finding_message(r: &RuleResult, f: &Finding) -> String {
    let mut msg = format!("{}: {}", f.resource, f.reason);
    if !r.rule.remediation.is_empty() {
        msg.push_str("\nRemediation: ");
        msg.push_str(&r.rule.remediation);
    }
    msg
}

/// The run-level annotations: errored rules, partial collection, expired baseline entries (one
/// each, so that they never crowd out the findings).
fn run_annotations(report: &RunReport) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(line) = summary::partial_line(report) {
        let (shown, more) = summary::partial_missing(report, 5);
        let mut lines = vec![line];
        lines.extend(shown.iter().map(|m| format!("unread: {m}")));
        if more > 0 {
            lines.push(format!(
                "… and {more} more (see the collection_errors table)"
            ));
        }
        let title = "devquery: partial source".to_string();
        out.push((
            "error",
            annotation("error", &[("title", title)], &lines.join("\n")),
        ));
    }
    let errored: Vec<String> = report
        .errored()
        .map(|r| format!("{}: {}", r.rule.id, r.error.as_deref().unwrap_or("")))
        .collect();
    if !errored.is_empty() {
        let title = format!("devquery: {} rule(s) errored", errored.len());
        out.push((
            "error",
            annotation("error", &[("title", title)], &errored.join("\n")),
        ));
    }
    if !report.collection_errors.is_empty() {
        out.push(("warning", collection_annotation(report)));
    }
    if !report.expired_suppressions.is_empty() {
        out.push(("warning", expired_annotation(report)));
    }
    out
}

fn collection_annotation(report: &RunReport) -> String {
    let n = report.collection_errors.len();
    let mut lines: Vec<String> = report
        .collection_errors
        .iter()
        .take(5)
        .map(|e| {
            format!(
                "{} {} {}: {}",
                e.table_name.as_deref().unwrap_or("?"),
                e.endpoint.as_deref().unwrap_or(""),
                e.http_status.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("")
            )
        })
        .collect();
    if n > 5 {
        lines.push(format!(
            "… and {} more (see the collection_errors table)",
            n - 5
        ));
    }
    let title = format!("devquery: partial collection ({n} call(s) failed)");
    annotation("warning", &[("title", title)], &lines.join("\n"))
}

fn expired_annotation(report: &RunReport) -> String {
    let lines: Vec<String> = report
        .expired_suppressions
        .iter()
        .map(|e| {
            format!(
                "{} / {} expired {}: {}",
                e.suppression.rule,
                e.suppression.resource,
                e.suppression
                    .expires
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                e.suppression.reason
            )
        })
        .collect();
    let title = format!("devquery: {} expired baseline suppression(s)", lines.len());
    annotation("warning", &[("title", title)], &lines.join("\n"))
}

/// Writes the totals, the annotations that fit, and how many findings were not shown.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    _options: &Options,
) -> Result<(), ReportError> {
    let s = summary::summarize(report);
    writeln!(out, "devquery: {}", totals_line(&s))?;
    if let Some(line) = summary::partial_line(report) {
        writeln!(
            out,
            "devquery: {}",
            devquery_engine::text::escape_control(&line, false)
        )?;
    }
    let mut budget = Budget::new();
    for (kind, line) in run_annotations(report) {
        if budget.take(kind) {
            writeln!(out, "{line}")?;
        }
    }
    // Every failing finding the runner kept, most severe first.
    let failing = summary::top_findings(report, usize::MAX);
    let mut shown = 0usize;
    for (r, f) in failing.iter().copied() {
        let kind = command(r.rule.severity);
        if budget.take(kind) {
            writeln!(
                out,
                "{}",
                annotation(kind, &finding_props(r, f), &finding_message(r, f))
            )?;
            shown += 1;
        }
    }
    // The count covers every failing row, also those the runner did not keep.
    let hidden = s.totals.fail.saturating_sub(shown);
    writeln!(
        out,
        "devquery: {shown} of {} failing finding(s) shown as annotations, {hidden} not shown \
         (Actions displays at most {PER_KIND_PER_STEP} error, {PER_KIND_PER_STEP} warning and \
         {PER_KIND_PER_STEP} notice annotations per step); the full list is in the report \
         (--format markdown, html or sarif, or --step-summary)",
        s.totals.fail
    )?;
    Ok(())
}

/// "81 rules: 12 failing, 58 passing, 2 with nothing to check, 8 not applicable, 1 errored ·
/// findings: 40 fail, …".
fn totals_line(s: &Summary) -> String {
    format!("{} · {}", summary::rules_line(s), summary::findings_line(s))
}

/// The Markdown report for a step summary, inside GitHub's size limit: fewer findings per rule
/// when the full one is too large, and cut (with a note) as a last resort.
pub fn step_summary(report: &RunReport, options: &Options) -> Result<String, ReportError> {
    let mut top = options.top.max(1);
    loop {
        let mut buf = Vec::new();
        let opts = Options {
            top,
            color: false,
            ..options.clone()
        };
        crate::markdown::write(report, &mut buf, &opts)?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        if text.len() < STEP_SUMMARY_MAX_BYTES - 1024 {
            return Ok(text);
        }
        if top > 1 {
            top = (top / 4).max(1);
            continue;
        }
        return Ok(cut(&text, STEP_SUMMARY_MAX_BYTES - 1024));
    }
}

/// `text` cut to at most `max` bytes at a line end, with a note.
fn cut(text: &str, max: usize) -> String {
    let mut end = max.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let head = head.rfind('\n').map_or(head, |i| &head[..i]);
    format!(
        "{head}\n\n> [!NOTE]\n> The report was cut to fit GitHub's step summary limit; see the full report.\n"
    )
}

/// Appends the Markdown summary of `report` to `path` (the file `$GITHUB_STEP_SUMMARY` names).
pub fn append_step_summary(
    report: &RunReport,
    options: &Options,
    path: &Path,
) -> Result<(), ReportError> {
    let text = step_summary(report, options)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(())
}
