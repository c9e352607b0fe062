//! HTML: one self-contained file (inline CSS and a little inline JS, no external assets) with
//! the summary, the per-rule table (rules that are not applicable to the source show that state
//! and why) and the findings with their file location, filterable by severity and status.

use std::io::Write;

use devquery_model::Severity;
use devquery_rules::{Finding, Status};

use crate::summary::{self, rule_state};
use crate::{Options, ReportError, RunReport};

/// Escapes HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--bg:#f6f7f9;--fg:#1d2430;--muted:#5b6576;--card:#fff;--line:#e2e5ea;
--critical:#7b1fa2;--high:#c62828;--medium:#e08600;--low:#1e88e5;--info:#78909c;--pass:#2e7d32}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{background:#1d2430;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px}
header .meta{color:#b8c0cc;font-size:13px}
main{padding:20px 32px;max-width:1400px}
h2{font-size:17px;margin:28px 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:140px}
.card .n{font-size:26px;font-weight:600}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.sev{border-top:4px solid var(--c)}
.warn{background:#fff8e1;border:1px solid #ffe082;border-radius:8px;padding:10px 14px;margin:12px 0}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef0f4;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{border-bottom:none}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.s-critical{background:var(--critical)}.s-high{background:var(--high)}.s-medium{background:var(--medium)}
.s-low{background:var(--low)}.s-info{background:var(--info)}
.st-fail{color:var(--high);font-weight:600}.st-pass{color:var(--pass)}.st-error{color:var(--high);font-weight:700}
.st-empty,.st-unknown,.st-suppressed,.st-not_applicable{color:var(--muted)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef0f4;padding:1px 4px;border-radius:4px}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 12px}
.filters label{background:var(--card);border:1px solid var(--line);border-radius:16px;padding:3px 10px;cursor:pointer;user-select:none}
.filters input[type=search]{padding:5px 10px;border:1px solid var(--line);border-radius:16px;min-width:240px}
#count{color:var(--muted)}
details summary{cursor:pointer}
.rem{color:var(--muted);font-size:12px}
"#;

const SCRIPT: &str = r#"
(function(){
  var boxes=[].slice.call(document.querySelectorAll('.filters input[type=checkbox]'));
  var q=document.getElementById('q');
  var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
    var text=(q.value||'').toLowerCase();var shown=0;
    rows.forEach(function(r){
      var ok=on['sev-'+r.dataset.severity]&&on['st-'+r.dataset.status]&&(!text||r.textContent.toLowerCase().indexOf(text)>=0);
      r.style.display=ok?'':'none';if(ok)shown++;
    });
    document.getElementById('count').textContent=shown+' of '+rows.length+' findings shown';
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  q.addEventListener('input',apply);apply();
})();
"#;

/// The `path:line:column` of a finding in a file, as code; empty when it has no file.
fn file_location(f: &Finding) -> String {
    if f.path.is_some() {
        format!("<code>{}</code>", esc(&summary::location(f)))
    } else {
        String::new()
    }
}

fn badge(sev: Severity) -> String {
    format!(r#"<span class="badge s-{0}">{0}</span>"#, sev.as_str())
}

/// Writes the HTML report.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    let s = summary::summarize(report);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    h.push_str(&format!(
        "<title>devquery report — {}</title><style>{STYLE}</style></head><body>\n",
        esc(&report.source)
    ));
    h.push_str(&format!(
        "<header><h1>devquery report</h1><div class=\"meta\">{} · run <code>{}</code> · {} · devquery {}</div></header>\n<main>\n",
        esc(&report.source),
        esc(&report.run_id),
        report.run_at.format("%Y-%m-%d %H:%M UTC"),
        esc(&options.tool_version)
    ));
    if let Some(line) = summary::partial_line(report) {
        h.push_str(&format!(
            "<div class=\"warn\" id=\"partial\"><b>{}</b><ul>",
            esc(&line)
        ));
        let (shown, more) = summary::partial_missing(report, 20);
        for m in shown {
            h.push_str(&format!("<li>unread: <code>{}</code></li>", esc(m)));
        }
        if more > 0 {
            h.push_str(&format!(
                "<li>… and {more} more (see the collection_errors table)</li>"
            ));
        }
        h.push_str("</ul></div>\n");
    }

    h.push_str("<h2>Summary</h2><div class=\"cards\">");
    for (n, l) in [
        (s.rules, "rules"),
        (s.rules_failing, "failing rules"),
        (s.rules_errored, "errored rules"),
        (s.rules_not_applicable, "not applicable rules"),
        (s.rules_empty, "rules with nothing to check"),
        (s.totals.fail, "failing findings"),
        (s.totals.pass, "passing"),
        (s.totals.unknown, "unknown"),
        (s.totals.suppressed, "suppressed"),
    ] {
        h.push_str(&format!(
            "<div class=\"card\"><div class=\"n\">{n}</div><div class=\"l\">{l}</div></div>"
        ));
    }
    h.push_str("</div><div class=\"cards\" style=\"margin-top:12px\">");
    for (sev, b) in &s.by_severity {
        h.push_str(&format!(
            "<div class=\"card sev\" style=\"--c:var(--{0})\"><div class=\"n\">{1}</div><div class=\"l\">{0}: failing findings · {2} of {3} rules fail</div></div>",
            sev.as_str(), b.fail, b.rules_failing, b.rules
        ));
    }
    h.push_str("</div>\n");
    if !report.collection_errors.is_empty() {
        h.push_str(&format!(
            "<div class=\"warn\"><b>Partial collection:</b> {} API call(s) failed; results that depend on them may be unknown or incomplete.<ul>",
            report.collection_errors.len()
        ));
        for e in report.collection_errors.iter().take(20) {
            h.push_str(&format!(
                "<li><code>{}</code> {} {}: {}</li>",
                esc(e.table_name.as_deref().unwrap_or("?")),
                esc(e.endpoint.as_deref().unwrap_or("")),
                esc(e.http_status.as_deref().unwrap_or("")),
                esc(e.message.as_deref().unwrap_or(""))
            ));
        }
        h.push_str("</ul></div>\n");
    }
    for e in &report.expired_suppressions {
        h.push_str(&format!(
            "<div class=\"warn\"><b>Expired baseline suppression</b> <code>{}</code> / <code>{}</code> (expired {}; {} finding(s) reported again): {}</div>\n",
            esc(&e.suppression.rule),
            esc(&e.suppression.resource),
            e.suppression.expires.map(|d| d.to_string()).unwrap_or_default(),
            e.matched,
            esc(&e.suppression.reason)
        ));
    }

    if !s.by_tactic.is_empty() {
        h.push_str("<h2>By tactic</h2><table><thead><tr><th>tactic</th><th>rules</th><th>failing rules</th><th>failing findings</th></tr></thead><tbody>");
        for (t, b) in &s.by_tactic {
            h.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(t), b.rules, b.rules_failing, b.fail
            ));
        }
        h.push_str("</tbody></table>\n");
    }

    h.push_str("<h2>Rules</h2><table><thead><tr><th>rule</th><th>severity</th><th>state</th><th>fail</th><th>pass</th><th>unknown</th><th>suppr.</th><th>result</th></tr></thead><tbody>");
    for r in summary::ordered(report) {
        let state = rule_state(r);
        let words = summary::state_words(state);
        h.push_str(&format!(
            "<tr><td><details><summary><code>{}</code> {}</summary><div class=\"rem\">{}<br><b>Remediation:</b> {}<br>{}</div></details></td><td>{}</td><td class=\"st-{state}\">{words}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&r.rule.id),
            esc(&r.rule.title),
            esc(&r.rule.description),
            esc(&r.rule.remediation),
            esc(&r.rule.references.join("; ")),
            badge(r.rule.severity),
            r.counts.fail,
            r.counts.pass,
            r.counts.unknown,
            r.counts.suppressed,
            esc(&summary::result_text(r))
        ));
    }
    h.push_str("</tbody></table>\n");

    h.push_str("<h2>Findings</h2><div class=\"filters\">");
    for sev in Severity::ALL.iter().rev() {
        h.push_str(&format!(
            "<label><input type=\"checkbox\" value=\"sev-{0}\" checked> {0}</label>",
            sev.as_str()
        ));
    }
    for (st, on) in [
        ("fail", true),
        ("unknown", true),
        ("suppressed", true),
        ("pass", false),
    ] {
        h.push_str(&format!(
            "<label><input type=\"checkbox\" value=\"st-{st}\"{}> {st}</label>",
            if on { " checked" } else { "" }
        ));
    }
    h.push_str("<input type=\"search\" id=\"q\" placeholder=\"filter by text…\"> <span id=\"count\"></span></div>");
    h.push_str("<table id=\"findings\"><thead><tr><th>severity</th><th>status</th><th>rule</th><th>resource</th><th>location</th><th>reason</th></tr></thead><tbody>");
    let mut rows: Vec<_> = report
        .results
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .collect();
    rows.sort_by(|(ra, fa), (rb, fb)| {
        fa.status
            .cmp(&fb.status)
            .then(rb.rule.severity.cmp(&ra.rule.severity))
            .then(ra.rule.id.cmp(&rb.rule.id))
            .then(fa.resource.cmp(&fb.resource))
    });
    for (r, f) in rows {
        let reason = match (&f.suppressed_by, f.status) {
            (Some(sup), Status::Suppressed) => format!(
                "{} <span class=\"rem\">(suppressed: {})</span>",
                esc(&f.reason),
                esc(&sup.reason)
            ),
            _ => esc(&f.reason),
        };
        h.push_str(&format!(
            "<tr data-severity=\"{0}\" data-status=\"{1}\"><td>{2}</td><td class=\"st-{1}\">{1}</td><td><code>{3}</code></td><td>{4}</td><td>{5}</td><td>{6}</td></tr>",
            r.rule.severity.as_str(),
            f.status.as_str(),
            badge(r.rule.severity),
            esc(&r.rule.id),
            esc(&f.resource),
            file_location(f),
            reason
        ));
    }
    h.push_str("</tbody></table>\n");
    let errored: Vec<_> = report.errored().collect();
    if !errored.is_empty() {
        h.push_str("<h2>Errored rules</h2><ul>");
        for r in errored {
            h.push_str(&format!(
                "<li><code>{}</code>: {}</li>",
                esc(&r.rule.id),
                esc(r.error.as_deref().unwrap_or(""))
            ));
        }
        h.push_str("</ul>\n");
    }
    h.push_str(&format!("</main><script>{SCRIPT}</script></body></html>\n"));
    out.write_all(h.as_bytes())?;
    Ok(())
}
