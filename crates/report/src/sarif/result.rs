//! Result objects: kind and level, message, one location (the physical location code scanning
//! requires, plus a logical location naming the resource), fingerprints and suppressions.
//!
//! A finding in a file points at the file relative to the repository root, its line and column.
//! A finding about settings has no file: it points at the stable pseudo-path
//! `.github/devquery/<resource_type>`, line 1, and carries its own `primaryLocationLineHash`
//! (the upload action cannot hash a file that does not exist, and the resource, not the line,
//! is what identifies the alert).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use devquery_rules::{Finding, Status, Suppression};
use serde_json::Value;
use serde_sarif::sarif as schema;

use super::{FINGERPRINT_KEY, Item, LINE_HASH_KEY, PSEUDO_ROOT, SRCROOT, int, result_level};

/// The results of `items`, in order. Results with the same fingerprint are numbered
/// (`<fingerprint>:1`, `:2`, …) in their line hash, as code scanning's own hashes are.
pub(crate) fn results(items: &[Item<'_>]) -> Vec<schema::Result> {
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

fn result(it: &Item<'_>, fp: &str, occurrence: usize) -> schema::Result {
    let f = it.finding;
    let rule = &it.outcome.rule;
    let (kind, level) = match f.status {
        Status::Fail | Status::Suppressed => {
            (schema::ResultKind::Fail, result_level(rule.severity))
        }
        Status::Unknown => (schema::ResultKind::Review, schema::ResultLevel::None),
        Status::Pass => (schema::ResultKind::Pass, schema::ResultLevel::None),
    };
    let (physical, pseudo) = physical_location(f);
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), fp.to_string());
    if pseudo {
        fingerprints.insert(LINE_HASH_KEY.to_string(), format!("{fp}:{occurrence}"));
    }
    let resource = schema::LogicalLocation::builder()
        .fully_qualified_name(f.resource.clone())
        .kind(f.resource_type.clone())
        .build();
    let location = schema::Location::builder()
        .physical_location(physical)
        .logical_locations(vec![resource])
        .build();
    let mut r = schema::Result::builder()
        .rule_id(rule.id.clone())
        .rule_index(int(it.index))
        .kind(kind)
        .level(level)
        .message(schema::Message::builder().text(message(it)).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(properties(f))
        .build();
    r.suppressions = f.suppressed_by.as_ref().map(suppressions);
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

/// The resource, its type, the status and the finding's join keys.
fn properties(f: &Finding) -> schema::PropertyBag {
    let mut props = BTreeMap::new();
    props.insert("resource".to_string(), Value::from(f.resource.as_str()));
    props.insert(
        "resource_type".to_string(),
        Value::from(f.resource_type.as_str()),
    );
    props.insert("status".to_string(), Value::from(f.status.as_str()));
    for (k, v) in f.keys() {
        props.insert(k.to_string(), Value::from(v));
    }
    schema::PropertyBag::builder()
        .additional_properties(props)
        .build()
}

/// A baseline entry as an external, accepted suppression.
fn suppressions(s: &Suppression) -> Vec<schema::Suppression> {
    let mut justification = s.reason.clone();
    if let Some(d) = s.expires {
        let _ = write!(justification, " (until {d})");
    }
    let suppression = schema::Suppression::builder()
        .kind(schema::SupressionKind::External.to_string())
        .status(schema::SupressionStatus::Accepted.to_string())
        .justification(justification)
        .build();
    vec![suppression]
}

/// The physical location of a finding, and whether it is a pseudo-path.
pub(crate) fn physical_location(f: &Finding) -> (schema::PhysicalLocation, bool) {
    let uri = f
        .path
        .as_deref()
        .map(repo_relative_uri)
        .filter(|u| !u.is_empty());
    match uri {
        Some(uri) => (physical(uri, region(f)), false),
        None => (physical(pseudo_path(&f.resource_type), first_line()), true),
    }
}

/// A location in the file at `uri`, relative to the repository root.
fn physical(uri: String, region: schema::Region) -> schema::PhysicalLocation {
    let artifact = schema::ArtifactLocation::builder()
        .uri(uri)
        .uri_base_id(SRCROOT)
        .build();
    schema::PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build()
}

fn first_line() -> schema::Region {
    schema::Region::builder().start_line(1_i64).build()
}

/// `startLine` (1 when the rule gave the file but no line: the finding is about the whole
/// file) and `startColumn` when known.
fn region(f: &Finding) -> schema::Region {
    let Some(line) = f.line.filter(|l| *l > 0) else {
        return first_line();
    };
    let mut region = schema::Region::builder().start_line(int(line)).build();
    region.start_column = f.column.filter(|c| *c > 0).map(int);
    region
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
