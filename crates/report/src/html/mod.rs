//! HTML: one self-contained file (inline CSS, and a little inline script that only adds
//! sorting and filtering) rendered by minijinja from the templates in `crates/report/templates/`
//! (embedded in the binary), with HTML auto-escaping on.
//!
//! [`page`] turns the report into plain data; the templates lay it out: the header and summary,
//! the failing, unknown and suppressed findings grouped by severity and rule with each rule's
//! remediation and links (repository, settings page, file and line, rule documentation), every
//! rule's state and counts, and the passing findings collapsed. At most
//! [`Options::html_limit`] findings of each status are listed per rule, so a report over a
//! large estate stays a file a browser opens in seconds; the counts are always exact and a
//! group that lists fewer than it has says so.

mod page;

use std::io::Write;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::{Options, ReportError, RunReport};

/// The templates by name: `report.html` is the page; it includes the others.
const TEMPLATES: &[(&str, &str)] = &[
    ("report.html", include_str!("../../templates/report.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("summary.html", include_str!("../../templates/summary.html")),
    (
        "findings.html",
        include_str!("../../templates/findings.html"),
    ),
    ("rules.html", include_str!("../../templates/rules.html")),
    ("passing.html", include_str!("../../templates/passing.html")),
    ("report.css", include_str!("../../templates/report.css")),
    ("report.js", include_str!("../../templates/report.js")),
];

/// Writes the HTML report.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    let page = page::build(report, options);
    let html = environment()?
        .get_template("report.html")?
        .render(Serde(&page))?;
    out.write_all(html.as_bytes())?;
    Ok(())
}

/// The template environment: the templates, HTML escaping for `.html` (the stylesheet and the
/// script are included as they are), strict about undefined names, and the `num` filter.
fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_filter("num", thousands);
    for &(name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// A count with thousands separators: `12345` → `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn every_template_parses_and_the_page_escapes_by_default() {
        let env = environment().expect("templates parse");
        for (name, _) in TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
        let escaped = env
            .template_from_named_str("probe.html", "{{ v }}")
            .and_then(|t| t.render(minijinja::context! { v => "<script>" }))
            .expect("renders");
        assert_eq!(escaped, "&lt;script&gt;");
    }
}
