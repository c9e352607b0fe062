//! Rule descriptors (`tool.driver.rules`): what code scanning shows next to an alert — short and
//! full description, help text and Markdown with the remediation, a `helpUri` for every rule,
//! the default level, `security-severity`, `precision` and at most ten tags starting with
//! `security`. A rule that is not applicable to the source says so in its properties.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use devquery_rules::{Origin, Rule, RuleResult};
use serde_json::Value;
use serde_sarif::sarif as schema;

use super::{REPOSITORY_URL, level, limits, result_level, security_severity};

/// One descriptor per rule of the report, in report order (results refer to them by index).
pub(crate) fn descriptors(report: &crate::RunReport) -> Vec<schema::ReportingDescriptor> {
    report.results.iter().map(rule_descriptor).collect()
}

fn rule_descriptor(r: &RuleResult) -> schema::ReportingDescriptor {
    let rule = &r.rule;
    let help = schema::MultiformatMessageString::builder()
        .text(help_text(rule))
        .markdown(help_markdown(rule))
        .build();
    let configuration = schema::ReportingConfiguration::builder()
        .level(level(rule.severity))
        .build();
    schema::ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(clip(&pascal(&rule.id), limits::NAME_CHARS))
        .short_description(text(clip(
            or(&rule.title, &rule.id),
            limits::DESCRIPTION_CHARS,
        )))
        .full_description(text(clip(
            full_description(rule),
            limits::DESCRIPTION_CHARS,
        )))
        .help(help)
        .help_uri(help_uri(rule))
        .default_configuration(configuration)
        .properties(properties(r))
        .build()
}

fn text(text: String) -> schema::MultiformatMessageString {
    schema::MultiformatMessageString::builder()
        .text(text)
        .build()
}

/// The tags, `security-severity`, `problem.severity`, `precision`, platforms and references; a
/// rule that is not applicable to the source says so.
fn properties(r: &RuleResult) -> schema::PropertyBag {
    let rule = &r.rule;
    let mut props: BTreeMap<String, Value> = [
        (
            "security-severity",
            Value::from(security_severity(rule.severity)),
        ),
        ("problem.severity", Value::from(problem_severity(rule))),
        ("severity", Value::from(rule.severity.as_str())),
        ("precision", Value::from("high")),
        ("platforms", Value::from(rule.platforms.clone())),
        ("references", Value::from(rule.references.clone())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let (None, Some(why)) = (&r.error, &r.not_applicable) {
        props.insert("status".to_string(), Value::from("not_applicable"));
        props.insert("not_applicable".to_string(), Value::from(why.as_str()));
    }
    schema::PropertyBag::builder()
        .tags(tags(rule))
        .additional_properties(props)
        .build()
}

/// `problem.severity` (what code scanning uses for a rule without a security severity).
fn problem_severity(rule: &Rule) -> &'static str {
    match result_level(rule.severity) {
        schema::ResultLevel::Error => "error",
        schema::ResultLevel::Warning => "warning",
        schema::ResultLevel::Note | schema::ResultLevel::None => "recommendation",
    }
}

/// `a` unless it is blank, else `b`.
fn or<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.trim().is_empty() { b } else { a }
}

fn full_description(rule: &Rule) -> &str {
    or(&rule.description, or(&rule.title, &rule.id))
}

/// At most `max` characters (code scanning's limits count characters).
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => {
            let mut head: String = s[..end].chars().take(max.saturating_sub(1)).collect();
            head.push('…');
            head
        }
        None => s.to_string(),
    }
}

/// `wf-unpinned-action` → `WfUnpinnedAction`.
fn pascal(id: &str) -> String {
    id.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The tags: `security`, `devops`, the platforms, the rule's area and its tactics, without
/// duplicates, at most [`limits::TAGS_SHOWN`].
pub fn tags(rule: &Rule) -> Vec<String> {
    let mut tags: Vec<String> = vec!["security".to_string(), "devops".to_string()];
    let more = rule
        .platforms
        .iter()
        .chain(std::iter::once(&rule.area))
        .chain(rule.tactics.iter());
    for t in more {
        let t = t.trim();
        if !t.is_empty() && !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    tags.truncate(limits::TAGS_SHOWN);
    tags
}

fn is_web_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > "https://".len()
        && !s.contains(char::is_whitespace)
}

/// The rule's first web reference; else its section of `docs/rules.md` on the project's
/// repository (bundled rules) or that page (rules from `--rules DIR`).
pub fn help_uri(rule: &Rule) -> String {
    if let Some(url) = rule
        .references
        .iter()
        .map(|r| r.trim())
        .find(|r| is_web_url(r))
    {
        return url.to_string();
    }
    match rule.origin {
        Origin::Bundled => format!("{REPOSITORY_URL}/blob/main/docs/rules.md#{}", rule.id),
        Origin::Dir => format!("{REPOSITORY_URL}/blob/main/docs/rules.md"),
    }
}

/// Plain-text help: description, remediation, references (never empty).
fn help_text(rule: &Rule) -> String {
    let mut text = full_description(rule).trim().to_string();
    if !rule.remediation.trim().is_empty() {
        let _ = write!(text, "\n\nRemediation: {}", rule.remediation.trim());
    }
    if !rule.references.is_empty() {
        let _ = write!(text, "\n\nReferences: {}", rule.references.join("; "));
    }
    text
}

/// Markdown help: title and severity, description, remediation, references, the rule's page.
fn help_markdown(rule: &Rule) -> String {
    let mut md = format!(
        "**{}** (severity: {})\n\n",
        or(&rule.title, &rule.id),
        rule.severity
    );
    if !rule.description.trim().is_empty() {
        let _ = write!(md, "{}\n\n", rule.description.trim());
    }
    if !rule.remediation.trim().is_empty() {
        let _ = write!(md, "**Remediation.** {}\n\n", rule.remediation.trim());
    }
    if !rule.references.is_empty() {
        md.push_str("**References**\n\n");
        for r in &rule.references {
            if is_web_url(r.trim()) {
                let _ = writeln!(md, "- <{}>", r.trim());
            } else {
                let _ = writeln!(md, "- {r}");
            }
        }
        md.push('\n');
    }
    let _ = writeln!(md, "Rule `{}`: <{}>", rule.id, help_uri(rule));
    md
}
