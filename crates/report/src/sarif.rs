//! SARIF 2.1.0: one run, the rules as `tool.driver.rules` (help text and Markdown, severity as
//! `defaultConfiguration.level` and the `security-severity` property GitHub code scanning reads),
//! failing findings as results (`error` / `warning` / `note`), suppressed ones with an external
//! suppression, unknown ones as `review` results. A finding with a file path gets a physical
//! location; otherwise a logical location names the resource. Errored rules become tool
//! execution notifications.

use std::fmt::Write as _;
use std::io::Write;

use devquery_model::Severity;
use devquery_rules::{Finding, Rule, Status};
use serde_json::{Value, json};

use crate::{Options, ReportError, RunReport};

/// The SARIF level of a severity.
pub fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` score (GitHub: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low).
pub fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn help_markdown(rule: &Rule) -> String {
    let mut md = format!("**{}** (severity: {})\n\n", rule.title, rule.severity);
    if !rule.description.is_empty() {
        let _ = write!(md, "{}\n\n", rule.description);
    }
    if !rule.remediation.is_empty() {
        let _ = write!(md, "**Remediation.** {}\n\n", rule.remediation);
    }
    if !rule.references.is_empty() {
        md.push_str("**References**\n\n");
        for r in &rule.references {
            if r.starts_with("http://") || r.starts_with("https://") {
                let _ = writeln!(md, "- <{r}>");
            } else {
                let _ = writeln!(md, "- {r}");
            }
        }
    }
    md
}

fn rule_descriptor(rule: &Rule) -> Value {
    let text = if rule.remediation.is_empty() {
        rule.description.clone()
    } else {
        format!("{} Remediation: {}", rule.description, rule.remediation)
    };
    let mut tags = vec!["security".to_string(), "devops".to_string()];
    tags.extend(rule.tactics.iter().cloned());
    let mut d = json!({
        "id": rule.id,
        "name": pascal(&rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": if rule.description.is_empty() { rule.title.clone() } else { rule.description.clone() }},
        "help": {"text": if text.trim().is_empty() { rule.title.clone() } else { text.trim().to_string() }, "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "security-severity": security_severity(rule.severity),
            "severity": rule.severity.as_str(),
            "tags": tags,
            "platforms": rule.platforms,
            "references": rule.references,
            "precision": "high",
        }
    });
    if let Some(url) = rule
        .references
        .iter()
        .find(|r| r.starts_with("https://") || r.starts_with("http://"))
        && let Some(obj) = d.as_object_mut()
    {
        obj.insert("helpUri".into(), json!(url));
    }
    d
}

/// FNV-1a, for stable fingerprints without a hashing dependency.
fn fnv(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn result(rule: &Rule, index: usize, f: &Finding) -> Value {
    let (kind, lvl) = match f.status {
        Status::Fail | Status::Suppressed => ("fail", level(rule.severity)),
        Status::Unknown => ("review", "none"),
        Status::Pass => ("pass", "none"),
    };
    let mut location = json!({
        "logicalLocations": [{
            "fullyQualifiedName": f.resource,
            "kind": f.resource_type,
        }]
    });
    if let (Some(path), Some(obj)) = (&f.path, location.as_object_mut()) {
        let mut physical = json!({"artifactLocation": {"uri": path.trim_start_matches('/')}});
        if let (Some(line), Some(p)) = (f.line.filter(|l| *l > 0), physical.as_object_mut()) {
            p.insert("region".into(), json!({"startLine": line}));
        }
        obj.insert("physicalLocation".into(), physical);
    }
    let mut props = serde_json::Map::new();
    props.insert("resource".into(), json!(f.resource));
    props.insert("resource_type".into(), json!(f.resource_type));
    props.insert("status".into(), json!(f.status.as_str()));
    for (k, v) in [
        ("platform", &f.platform),
        ("host", &f.host),
        ("org", &f.org),
        ("project", &f.project),
        ("repo", &f.repo),
        ("owner", &f.owner),
    ] {
        if let Some(v) = v {
            props.insert(k.into(), json!(v));
        }
    }
    let mut r = json!({
        "ruleId": rule.id,
        "ruleIndex": index,
        "kind": kind,
        "level": lvl,
        "message": {"text": format!("{}: {}", f.resource, f.reason)},
        "locations": [location],
        "partialFingerprints": {"devquery/v1": fnv(&format!("{}\u{0}{}", rule.id, f.resource))},
        "properties": props,
    });
    if let (Some(s), Some(obj)) = (&f.suppressed_by, r.as_object_mut()) {
        let mut just = s.reason.clone();
        if let Some(d) = s.expires {
            let _ = write!(just, " (until {d})");
        }
        obj.insert(
            "suppressions".into(),
            json!([{"kind": "external", "status": "accepted", "justification": just}]),
        );
    }
    r
}

/// Builds the SARIF log.
pub fn log(report: &RunReport, options: &Options) -> Value {
    let rules: Vec<Value> = report
        .results
        .iter()
        .map(|r| rule_descriptor(&r.rule))
        .collect();
    let mut results = Vec::new();
    for (i, r) in report.results.iter().enumerate() {
        for f in r.findings.iter().filter(|f| f.status != Status::Pass) {
            results.push(result(&r.rule, i, f));
        }
    }
    let mut notifications: Vec<Value> = report
        .results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.error.as_ref().map(|e| {
                json!({
                    "level": "error",
                    "message": {"text": format!("rule {} could not run: {e}", r.rule.id)},
                    "associatedRule": {"id": r.rule.id, "index": i},
                })
            })
        })
        .collect();
    for e in &report.collection_errors {
        notifications.push(json!({
            "level": "warning",
            "message": {"text": format!(
                "partial collection: {} {} {}: {}",
                e.table_name.as_deref().unwrap_or("?"),
                e.endpoint.as_deref().unwrap_or(""),
                e.http_status.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("")
            )},
        }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "devquery",
                "version": options.tool_version,
                "semanticVersion": options.tool_version,
                "informationUri": "https://github.com/devquery/devquery",
                "rules": rules,
            }},
            "automationDetails": {"id": format!("devquery/{}", report.run_id)},
            "invocations": [{
                "executionSuccessful": report.errored().next().is_none(),
                "startTimeUtc": report.run_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {"source": report.source},
        }]
    })
}

/// Writes the SARIF log as pretty JSON.
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut *out, &log(report, options))?;
    writeln!(out)?;
    Ok(())
}
