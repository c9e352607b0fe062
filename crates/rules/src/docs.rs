//! Generates `docs/rules.md` from the rule headers.

use std::fmt::Write as _;

use crate::rule::Rule;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown reference of `rules` (normally the bundled pack), grouped by area.
pub fn rules_markdown(rules: &[Rule]) -> String {
    let mut out = String::new();
    out.push_str("# Rule reference\n\n");
    out.push_str("<!-- Generated from the headers of queries/**/*.sql. Do not edit: run `UPDATE_DOCS=1 cargo test --workspace -- docs_rules_md`. -->\n\n");
    let _ = writeln!(
        out,
        "{} bundled rules. A rule is one file `queries/<area>/<id>.sql`: a header of `-- key: value` lines (`id`, `title`, `severity`, `platforms`, `description`, `remediation`, `tactics`, `references`, repeatable `param: name = default`; indented `--   text` lines continue a value), then one SELECT returning `resource_type`, `resource`, `reason` and optionally `status` (`fail` / `pass` / `unknown`), the join keys, and `path`, `line`, `column` (1-based) for a finding in a file. A rule that reads a column the source cannot provide (org settings under `--path`) is reported as not applicable, never as passing. `devquery rules ID` prints a rule; `devquery rules --check --rules DIR` validates your own.\n",
        rules.len()
    );
    out.push_str("| id | severity | platforms | title |\n|---|---|---|---|\n");
    let mut sorted: Vec<&Rule> = rules.iter().collect();
    sorted.sort_by(|a, b| (&a.area, &a.id).cmp(&(&b.area, &b.id)));
    for r in &sorted {
        let _ = writeln!(
            out,
            "| [`{0}`](#{0}) | {1} | {2} | {3} |",
            r.id,
            r.severity,
            r.platforms.join(", "),
            cell(&r.title)
        );
    }
    let mut area = None;
    for r in &sorted {
        if area != Some(&r.area) {
            let _ = writeln!(
                out,
                "\n## {}\n",
                if r.area.is_empty() { "other" } else { &r.area }
            );
            area = Some(&r.area);
        }
        let _ = writeln!(out, "### {}\n", r.id);
        let _ = writeln!(out, "**{}** — severity `{}`", cell(&r.title), r.severity);
        if !r.platforms.is_empty() {
            let _ = write!(out, ", platforms {}", r.platforms.join(", "));
        }
        if !r.tactics.is_empty() {
            let _ = write!(out, ", tactics {}", r.tactics.join(", "));
        }
        out.push_str("\n\n");
        if !r.description.is_empty() {
            let _ = writeln!(out, "{}\n", r.description);
        }
        if !r.remediation.is_empty() {
            let _ = writeln!(out, "**Remediation.** {}\n", r.remediation);
        }
        if !r.references.is_empty() {
            let _ = writeln!(out, "**References.** {}\n", r.references.join("; "));
        }
        for p in &r.params {
            let _ = writeln!(out, "- parameter `{}` (default `{}`)", p.name, p.default);
        }
        if !r.params.is_empty() {
            out.push('\n');
        }
    }
    out
}
