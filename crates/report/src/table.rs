//! Terminal format: header, partial-collection warning, summary by severity and by tactic,
//! per-rule pass / fail / unknown counts (state `n/a` for a rule the source cannot feed), top
//! failing findings with their `path:line:column`. ANSI colour only when asked
//! (the CLI asks when stdout is a terminal and `NO_COLOR` is unset). Text from the estate
//! (paths, reasons, error messages, the source) is shown with control characters escaped
//! ([`esc`]), so that it cannot drive the terminal.
//!
//! Given a width ([`Options::width`], the terminal's), every line fits it: prose wraps under
//! its indent, the source is cut with `…`, the rules table leaves out the count columns that
//! its result text repeats (suppressed, unknown, pass, fail, then the state) and cuts long
//! results with `…` (rule ids are kept whole while they fit), and the other tables wrap.
//! Without a width (`--wide`, a pipe, a file) nothing is cut.

use std::borrow::Cow;
use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Row, Table, Width};
use devquery_model::Severity;
use devquery_rules::RuleResult;

use crate::summary::{self, Summary, rule_state};
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

/// Where the report goes and how: the stream, colour, and the width lines must fit.
struct Out<'a> {
    out: &'a mut dyn Write,
    p: Paint,
    width: Option<usize>,
}

impl Out<'_> {
    /// Writes `prefix` (`prefix_width` characters on screen, maybe coloured), then `text`
    /// wrapped to the width, its continuation lines indented by `indent`.
    fn wrapped(
        &mut self,
        prefix: &str,
        prefix_width: usize,
        text: &str,
        indent: usize,
    ) -> std::io::Result<()> {
        for (i, line) in wrap(text, self.width, prefix_width, indent)
            .iter()
            .enumerate()
        {
            if i == 0 {
                writeln!(self.out, "{prefix}{line}")?;
            } else {
                writeln!(self.out, "{:indent$}{line}", "")?;
            }
        }
        Ok(())
    }

    /// A bold title, then the table fitted to the width, then a blank line.
    fn table(&mut self, title: &str, table: Table) -> std::io::Result<()> {
        let title = self.p.bold(title);
        writeln!(self.out, "{title}\n{}\n", fit_table(table, self.width))
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

/// Characters on screen (the report's own text is ASCII or narrow Unicode).
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `text` cut to `width` characters, its end replaced by `…` when it is longer.
fn cut(text: &str, width: Option<usize>) -> String {
    match width {
        Some(w) if chars(text) > w => {
            let mut s: String = text.chars().take(w.saturating_sub(1)).collect();
            s.push('…');
            s
        }
        _ => text.to_string(),
    }
}

/// The least room worth starting a wrapped text on after its prefix; with less, the text
/// starts on the next line.
const MIN_ROOM: usize = 10;

/// `text` in lines for a `width`-character screen: the first after a prefix of `first`
/// characters, the others after an indent of `indent`; words longer than a line are cut
/// across lines. One line when there is no width.
fn wrap(text: &str, width: Option<usize>, first: usize, indent: usize) -> Vec<String> {
    let Some(width) = width.filter(|_| !text.is_empty()) else {
        return vec![text.to_string()];
    };
    let next_room = width.saturating_sub(indent).max(1);
    let mut lines = Vec::new();
    let mut room = width.saturating_sub(first);
    if room < MIN_ROOM && next_room > room {
        lines.push(String::new());
        room = next_room;
    }
    let mut line = String::new();
    for word in text.split(' ') {
        let (used, n) = (chars(&line), chars(word));
        if used + usize::from(used > 0) + n <= room {
            if used > 0 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            room = next_room;
        }
        let mut rest: Vec<char> = word.chars().collect();
        while rest.len() > room {
            lines.push(rest.drain(..room).collect());
            room = next_room;
        }
        line = rest.into_iter().collect();
    }
    lines.push(line);
    lines
}

fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| Cell::new(*h)).collect::<Vec<_>>());
    t
}

/// The table as text, wrapped by comfy-table into `width` when it is wider.
fn fit_table(mut table: Table, width: Option<usize>) -> String {
    let text = table.to_string();
    match width {
        Some(w) if text.lines().any(|l| chars(l) > w) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(u16::try_from(w).unwrap_or(u16::MAX));
            table.to_string()
        }
        _ => text,
    }
}

fn num(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

/// The columns of the rules table, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Rule,
    Severity,
    State,
    Fail,
    Pass,
    Unknown,
    Suppressed,
    Result,
}

const COLUMNS: [Col; 8] = [
    Col::Rule,
    Col::Severity,
    Col::State,
    Col::Fail,
    Col::Pass,
    Col::Unknown,
    Col::Suppressed,
    Col::Result,
];

/// Left out, first to last, when the rules table is too wide: the result text repeats their
/// counts ("2 of 5 repositories fail, 1 unknown, 1 suppressed"), and its wording the state.
const DROPPABLE: [Col; 5] = [
    Col::Suppressed,
    Col::Unknown,
    Col::Pass,
    Col::Fail,
    Col::State,
];

/// The narrowest the result gets before the next column is left out for it.
const RESULT_MIN: usize = 24;
/// The narrowest the result gets once only the rule and its severity are beside it.
const RESULT_LAST: usize = 12;
/// What a table column costs besides its content: a space either side and one border.
const PER_COLUMN: usize = 3;

impl Col {
    fn header(self) -> &'static str {
        match self {
            Col::Rule => "rule",
            Col::Severity => "severity",
            Col::State => "state",
            Col::Fail => "fail",
            Col::Pass => "pass",
            Col::Unknown => "unknown",
            Col::Suppressed => "suppr.",
            Col::Result => "result",
        }
    }

    fn cell(self, r: &RuleResult) -> Cell {
        match self {
            Col::Rule => Cell::new(&r.rule.id),
            Col::Severity => Cell::new(r.rule.severity.as_str()),
            Col::State => Cell::new(short_state(rule_state(r))),
            Col::Fail => num(r.counts.fail),
            Col::Pass => num(r.counts.pass),
            Col::Unknown => num(r.counts.unknown),
            Col::Suppressed => num(r.counts.suppressed),
            Col::Result => Cell::new(esc(&summary::result_text(r))),
        }
    }

    /// The cell's width on screen.
    fn width(self, r: &RuleResult) -> usize {
        match self {
            Col::Rule => chars(&r.rule.id),
            Col::Severity => chars(r.rule.severity.as_str()),
            Col::State => chars(short_state(rule_state(r))),
            Col::Fail => r.counts.fail.to_string().len(),
            Col::Pass => r.counts.pass.to_string().len(),
            Col::Unknown => r.counts.unknown.to_string().len(),
            Col::Suppressed => r.counts.suppressed.to_string().len(),
            Col::Result => chars(&esc(&summary::result_text(r))),
        }
    }
}

/// The rules table's columns, and the content widths the rule and result are cut to.
#[derive(Debug, PartialEq, Eq)]
struct RulesLayout {
    cols: Vec<Col>,
    rule: Option<usize>,
    result: Option<usize>,
}

/// The layout of a rules table at most `width` wide, from each column's `natural` width
/// (indexed like [`COLUMNS`]): every column while they fit, else the [`DROPPABLE`] ones left
/// out until the result has [`RESULT_MIN`] characters (cut with `…` if it needs more); with
/// only the rule and severity beside it, the result takes what the rule leaves, the rule
/// being cut only when the result would get less than [`RESULT_LAST`].
fn rules_layout(natural: &[usize; 8], width: Option<usize>) -> RulesLayout {
    let nat = |c: Col| natural[c as usize];
    let total = |cols: &[Col]| 1 + cols.iter().map(|c| nat(*c) + PER_COLUMN).sum::<usize>();
    let mut cols = COLUMNS.to_vec();
    let whole = |cols: Vec<Col>| RulesLayout {
        cols,
        rule: None,
        result: None,
    };
    let Some(w) = width else {
        return whole(cols);
    };
    if total(&cols) <= w {
        return whole(cols);
    }
    for gone in DROPPABLE {
        cols.retain(|c| *c != gone);
        let room = w.saturating_sub(total(&cols) - nat(Col::Result));
        if room >= nat(Col::Result) {
            return whole(cols);
        }
        if room >= RESULT_MIN {
            return RulesLayout {
                cols,
                rule: None,
                result: Some(room),
            };
        }
    }
    // Only the rule, its severity and the result are left.
    let room = w.saturating_sub(total(&cols) - nat(Col::Result) - nat(Col::Rule));
    let rule = nat(Col::Rule)
        .min(room.saturating_sub(RESULT_LAST))
        .max(nat(Col::Rule).min(8));
    let result = room.saturating_sub(rule).clamp(1, nat(Col::Result).max(1));
    RulesLayout {
        cols,
        rule: (rule < nat(Col::Rule)).then_some(rule),
        result: (result < nat(Col::Result)).then_some(result),
    }
}

/// The per-rule table, laid out for `width` (see [`rules_layout`]).
fn rules_table(report: &RunReport, width: Option<usize>) -> Table {
    let rows = summary::ordered(report);
    let natural = COLUMNS.map(|c| {
        rows.iter()
            .map(|r| c.width(r))
            .chain([chars(c.header())])
            .max()
            .unwrap_or(0)
    });
    let layout = rules_layout(&natural, width);
    let one_line = layout.rule.is_some() || layout.result.is_some();
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(one_line_row(
            layout.cols.iter().map(|c| Cell::new(c.header())).collect(),
            one_line,
        ));
    for r in rows {
        t.add_row(one_line_row(
            layout.cols.iter().map(|c| c.cell(r)).collect(),
            one_line,
        ));
    }
    if one_line {
        // Cut a long cell at its width (the delimiter is never in a cell), ending with `…`.
        t.set_truncation_indicator("…").set_delimiter('\0');
        for (i, c) in layout.cols.iter().enumerate() {
            let cap = match c {
                Col::Rule => layout.rule,
                Col::Result => layout.result,
                _ => None,
            };
            if let (Some(cap), Some(column)) = (cap, t.column_mut(i)) {
                // comfy-table counts the padding in an absolute width.
                let fixed = u16::try_from(cap + 2).unwrap_or(u16::MAX);
                column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(fixed)));
            }
        }
    }
    t
}

fn one_line_row(cells: Vec<Cell>, one_line: bool) -> Row {
    let mut row = Row::from(cells);
    if one_line {
        row.max_height(1);
    }
    row
}

/// The partial-source header: the line, then the first parts left unread.
fn write_partial(report: &RunReport, o: &mut Out<'_>) -> Result<(), ReportError> {
    let Some(line) = summary::partial_line(report) else {
        return Ok(());
    };
    for (i, part) in wrap(&esc(&line), o.width, 0, 2).iter().enumerate() {
        let indent = if i == 0 { 0 } else { 2 };
        writeln!(o.out, "{:indent$}{}", "", o.p.wrap("1;31", part))?;
    }
    let (shown, more) = summary::partial_missing(report, 5);
    for m in shown {
        o.wrapped("  - unread: ", 12, &esc(m), 4)?;
    }
    if more > 0 {
        writeln!(
            o.out,
            "  … and {more} more (see the collection_errors table)"
        )?;
    }
    Ok(())
}

/// The title, the run, the partial-source header and the totals.
fn write_header(
    report: &RunReport,
    s: &Summary,
    o: &mut Out<'_>,
    options: &Options,
) -> Result<(), ReportError> {
    let title = format!("devquery report {} — ", options.tool_version);
    let source = cut(
        &esc(&report.source),
        o.width.map(|w| w.saturating_sub(chars(&title))),
    );
    let bold = o.p.bold("devquery report");
    writeln!(o.out, "{bold} {} — {source}", options.tool_version)?;
    let run = format!(
        "run {} at {}",
        report.run_id,
        report.run_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    writeln!(o.out, "{}", o.p.dim(&cut(&run, o.width)))?;
    write_partial(report, o)?;
    writeln!(o.out)?;
    let (rules, findings) = (summary::rules_line(s), summary::findings_line(s));
    let both = format!("{rules} · {findings}");
    if o.width.is_some_and(|w| chars(&both) > w) {
        writeln!(o.out, "{}", cut(&rules, o.width))?;
        writeln!(o.out, "{}", cut(&findings, o.width))?;
    } else {
        writeln!(o.out, "{both}")?;
    }
    Ok(())
}

/// The failed collection calls and the expired baseline entries.
fn write_warnings(report: &RunReport, o: &mut Out<'_>) -> Result<(), ReportError> {
    let warning = format!("{} ", o.p.wrap("1;33", "warning:"));
    let errors = &report.collection_errors;
    if !errors.is_empty() {
        let text = format!(
            "partial collection: {} call{} failed; results that depend on them may be unknown or incomplete:",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        o.wrapped(&warning, 9, &text, 2)?;
        for e in errors.iter().take(5) {
            let text = format!(
                "{} {} {}: {}",
                esc(e.table_name.as_deref().unwrap_or("?")),
                esc(e.endpoint.as_deref().unwrap_or("")),
                esc(e.http_status.as_deref().unwrap_or("")),
                esc(e.message.as_deref().unwrap_or(""))
            );
            o.wrapped("  - ", 4, &text, 4)?;
        }
        if errors.len() > 5 {
            writeln!(
                o.out,
                "  … and {} more (see the collection_errors table)",
                errors.len() - 5
            )?;
        }
    }
    for e in &report.expired_suppressions {
        let text = format!(
            "baseline suppression for {} / {} expired on {} ({} finding{} no longer suppressed): {}",
            esc(&e.suppression.rule),
            esc(&e.suppression.resource),
            e.suppression
                .expires
                .map(|d| d.to_string())
                .unwrap_or_default(),
            e.matched,
            if e.matched == 1 { "" } else { "s" },
            esc(&e.suppression.reason)
        );
        o.wrapped(&warning, 9, &text, 2)?;
    }
    Ok(())
}

/// The tables by severity, by tactic and by rule.
fn write_tables(report: &RunReport, s: &Summary, o: &mut Out<'_>) -> Result<(), ReportError> {
    let mut t = new_table(&["severity", "rules", "failing rules", "failing findings"]);
    for (sev, b) in &s.by_severity {
        t.add_row(vec![
            Cell::new(sev.as_str()),
            num(b.rules),
            num(b.rules_failing),
            num(b.fail),
        ]);
    }
    o.table("By severity", t)?;
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
        o.table("By tactic", t)?;
    }
    let t = rules_table(report, o.width);
    o.table("Rules", t)?;
    Ok(())
}

/// The first failing findings: severity, rule and location, then the reason.
fn write_top(
    report: &RunReport,
    s: &Summary,
    o: &mut Out<'_>,
    options: &Options,
) -> Result<(), ReportError> {
    let top = summary::top_findings(report, options.top);
    if top.is_empty() {
        return Ok(());
    }
    let title = format!("Top findings ({} of {} failing)", top.len(), s.totals.fail);
    writeln!(o.out, "{}", o.p.bold(&title))?;
    for (r, f) in &top {
        let prefix = format!("  {} {}  ", o.p.severity(r.rule.severity), r.rule.id);
        let prefix_width = 2 + 8 + 1 + chars(&r.rule.id) + 2;
        let location = esc(&summary::location(f)).into_owned();
        for (i, part) in wrap(&location, o.width, prefix_width, 11)
            .iter()
            .enumerate()
        {
            let part = o.p.bold(part);
            if i == 0 {
                writeln!(o.out, "{prefix}{part}")?;
            } else {
                writeln!(o.out, "{:11}{part}", "")?;
            }
        }
        o.wrapped("           ", 11, &esc(&f.reason), 11)?;
    }
    writeln!(o.out)?;
    Ok(())
}

/// The rules that errored, and the verdict.
fn write_end(report: &RunReport, s: &Summary, o: &mut Out<'_>) -> Result<(), ReportError> {
    let errored: Vec<_> = report.errored().collect();
    if !errored.is_empty() {
        writeln!(o.out, "{}", o.p.bold("Errored rules"))?;
        for r in errored {
            let prefix = format!("  {} {}: ", o.p.state("error"), r.rule.id);
            let prefix_width = 2 + 5 + 1 + chars(&r.rule.id) + 2;
            o.wrapped(
                &prefix,
                prefix_width,
                &esc(r.error.as_deref().unwrap_or("")),
                4,
            )?;
        }
        writeln!(o.out)?;
    }
    match report.highest_failing() {
        Some(sev) => writeln!(
            o.out,
            "Highest failing severity: {} ({} failing finding{}).",
            o.p.severity(sev).trim_end(),
            s.totals.fail,
            if s.totals.fail == 1 { "" } else { "s" }
        )?,
        None => writeln!(o.out, "{}", o.p.wrap("32", "No failing findings."))?,
    }
    Ok(())
}

/// Writes the terminal report.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    let mut o = Out {
        out,
        p: Paint { on: options.color },
        width: options.width,
    };
    let s = summary::summarize(report);
    write_header(report, &s, &mut o, options)?;
    write_warnings(report, &mut o)?;
    writeln!(o.out)?;
    write_tables(report, &s, &mut o)?;
    write_top(report, &s, &mut o, options)?;
    write_end(report, &s, &mut o)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_inside_the_width() {
        let text = "secret scanning is off for this repository, and push protection too";
        let lines = wrap(text, Some(30), 11, 11);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| 11 + chars(l) <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap(text, None, 11, 11), vec![text.to_string()]);
    }

    #[test]
    fn wrap_cuts_a_word_longer_than_a_line() {
        let word = "a".repeat(50);
        let lines = wrap(&word, Some(24), 4, 4);
        assert!(lines.iter().all(|l| 4 + chars(l) <= 24), "{lines:?}");
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn wrap_starts_on_the_next_line_after_a_long_prefix() {
        let lines = wrap("some reason", Some(40), 36, 4);
        assert_eq!(lines, vec![String::new(), "some reason".to_string()]);
    }

    #[test]
    fn cut_ends_with_an_ellipsis() {
        assert_eq!(cut("snapshot:/a/long/path", Some(10)), "snapshot:…");
        assert_eq!(cut("short", Some(10)), "short");
        assert_eq!(cut("short", None), "short");
    }

    fn natural(rule: usize, result: usize) -> [usize; 8] {
        [rule, 8, 5, 4, 4, 7, 6, result]
    }

    fn table_width(layout: &RulesLayout, natural: &[usize; 8]) -> usize {
        1 + layout
            .cols
            .iter()
            .map(|c| {
                let w = match c {
                    Col::Rule => layout.rule,
                    Col::Result => layout.result,
                    _ => None,
                };
                w.unwrap_or(natural[*c as usize]) + PER_COLUMN
            })
            .sum::<usize>()
    }

    #[test]
    fn the_rules_table_is_whole_when_it_fits_or_without_a_width() {
        let n = natural(36, 60);
        assert_eq!(rules_layout(&n, None).cols, COLUMNS.to_vec());
        let wide = rules_layout(&n, Some(200));
        assert_eq!(wide.cols, COLUMNS.to_vec());
        assert_eq!((wide.rule, wide.result), (None, None));
    }

    #[test]
    fn at_80_columns_the_rules_table_keeps_rule_severity_and_a_cut_result() {
        let n = natural(36, 60);
        let layout = rules_layout(&n, Some(80));
        assert_eq!(layout.cols, vec![Col::Rule, Col::Severity, Col::Result]);
        assert_eq!(layout.rule, None, "rule ids stay whole");
        assert!(layout.result.is_some_and(|r| r >= RESULT_LAST));
        assert!(table_width(&layout, &n) <= 80);
    }

    #[test]
    fn middle_widths_drop_only_what_they_must() {
        let n = natural(36, 60);
        let layout = rules_layout(&n, Some(110));
        assert!(layout.cols.contains(&Col::State), "{layout:?}");
        assert!(!layout.cols.contains(&Col::Suppressed), "{layout:?}");
        assert!(table_width(&layout, &n) <= 110, "{layout:?}");
    }

    #[test]
    fn very_narrow_terminals_cut_the_rule_too() {
        let n = natural(36, 60);
        for w in [40, 50, 60] {
            let layout = rules_layout(&n, Some(w));
            assert!(layout.rule.is_some(), "{w}: {layout:?}");
            assert!(table_width(&layout, &n) <= w, "{w}: {layout:?}");
        }
    }
}
