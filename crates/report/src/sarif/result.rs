//! Result objects: kind and level, message, one location (the physical location code scanning
//! requires, plus a logical location naming the resource), fingerprints and suppressions.
//!
//! A finding in a file points at the file relative to the repository root, its line and column.
//! A finding about settings has no file: it points at the stable pseudo-path
//! `.github/devquery/<resource_type>`, line 1, and carries its own `primaryLocationLineHash`
//! (the upload action cannot hash a file that does not exist, and the resource, not the line,
//! is what identifies the alert).

use std::collections::HashMap;
use std::fmt::Write as _;

use devquery_rules::{Finding, Status, Suppression};
use serde_json::{Map, Value, json};

use super::{FINGERPRINT_KEY, Item, LINE_HASH_KEY, PSEUDO_ROOT, SRCROOT, level};

/// The results of `items`, in order. Results with the same fingerprint are numbered
/// (`<fingerprint>:1`, `:2`, …) in their line hash, as code scanning's own hashes are.
pub(crate) fn results(items: &[Item<'_>]) -> Vec<Value> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .map(|it| {
            let fp = devquery_rules::fingerprint(&it.outcome.rule.id, &it.finding.resource);
            let n = seen.entry(fp.clone()).or_default();
            *n += 1;
            result(it, &fp, *n)
        })
        .collect()
}

fn result(it: &Item<'_>, fp: &str, occurrence: usize) -> Value {
    let f = it.finding;
    let rule = &it.outcome.rule;
    let (kind, lvl) = match f.status {
        Status::Fail | Status::Suppressed => ("fail", level(rule.severity)),
        Status::Unknown => ("review", "none"),
        Status::Pass => ("pass", "none"),
    };
    let (physical, pseudo) = physical_location(f);
    let mut fingerprints = Map::new();
    fingerprints.insert(FINGERPRINT_KEY.into(), json!(fp));
    if pseudo {
        fingerprints.insert(LINE_HASH_KEY.into(), json!(format!("{fp}:{occurrence}")));
    }
    let mut r = json!({
        "ruleId": rule.id,
        "ruleIndex": it.index,
        "kind": kind,
        "level": lvl,
        "message": {"text": message(it)},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": f.resource_type}],
        }],
        "partialFingerprints": fingerprints,
        "properties": properties(f),
    });
    if let (Some(s), Some(obj)) = (&f.suppressed_by, r.as_object_mut()) {
        obj.insert("suppressions".into(), suppression(s));
    }
    r
}

/// "resource: reason" (code scanning shows its first sentence as the alert title).
fn message(it: &Item<'_>) -> String {
    let f = it.finding;
    let text = match (f.resource.trim().is_empty(), f.reason.trim().is_empty()) {
        (false, false) => format!("{}: {}", f.resource, f.reason),
        (false, true) => f.resource.clone(),
        (true, false) => f.reason.clone(),
        (true, true) => String::new(),
    };
    if text.trim().is_empty() {
        it.outcome.rule.title.clone() + " (" + &it.outcome.rule.id + ")"
    } else {
        text
    }
}

fn properties(f: &Finding) -> Value {
    let mut props = Map::new();
    props.insert("resource".into(), json!(f.resource));
    props.insert("resource_type".into(), json!(f.resource_type));
    props.insert("status".into(), json!(f.status.as_str()));
    for (k, v) in f.keys() {
        props.insert(k.into(), json!(v));
    }
    Value::Object(props)
}

fn suppression(s: &Suppression) -> Value {
    let mut just = s.reason.clone();
    if let Some(d) = s.expires {
        let _ = write!(just, " (until {d})");
    }
    json!([{"kind": "external", "status": "accepted", "justification": just}])
}

/// The physical location of a finding, and whether it is a pseudo-path.
pub(crate) fn physical_location(f: &Finding) -> (Value, bool) {
    let uri = f
        .path
        .as_deref()
        .map(repo_relative_uri)
        .filter(|u| !u.is_empty());
    match uri {
        Some(uri) => (
            json!({"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}, "region": region(f)}),
            false,
        ),
        None => (
            json!({
                "artifactLocation": {"uri": pseudo_path(&f.resource_type), "uriBaseId": SRCROOT},
                "region": {"startLine": 1},
            }),
            true,
        ),
    }
}

/// `startLine` (1 when the rule gave the file but no line: the finding is about the whole
/// file) and `startColumn` when known.
fn region(f: &Finding) -> Value {
    let mut region = Map::new();
    match f.line.filter(|l| *l > 0) {
        Some(line) => {
            region.insert("startLine".into(), json!(line));
            if let Some(col) = f.column.filter(|c| *c > 0) {
                region.insert("startColumn".into(), json!(col));
            }
        }
        None => {
            region.insert("startLine".into(), json!(1));
        }
    }
    Value::Object(region)
}

/// The pseudo-path of a finding without a file: `.github/devquery/<resource_type>` (lowercase
/// letters, digits, `-` and `_`; `resource` when the type is empty).
pub fn pseudo_path(resource_type: &str) -> String {
    let slug: String = resource_type
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "resource" } else { slug };
    format!("{PSEUDO_ROOT}/{slug}")
}

/// A file path as a URI reference relative to the repository root: `/` separators, no leading
/// `/` or `./`, and every byte outside the unreserved and path characters percent-encoded
/// (spaces, `%`, `#`, `?`, `:`, non-ASCII).
pub fn repo_relative_uri(path: &str) -> String {
    let unified = path.trim().replace('\\', "/");
    let mut p = unified.as_str();
    loop {
        let next = p.trim_start_matches('/');
        let next = next.strip_prefix("./").unwrap_or(next);
        if next.len() == p.len() {
            break;
        }
        p = next;
    }
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
