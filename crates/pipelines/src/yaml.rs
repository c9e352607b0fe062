//! Helpers over the generic YAML value (`yaml_serde::Value`, the YAML crate that
//! `github-actions-models` uses): reading scalars, lists and maps leniently, and flattening
//! Azure Pipelines template expressions. Loading is in [`crate::loader`].

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use yaml_serde::Value;

/// Deepest nesting the helpers walk into (the loader allows 256 levels).
const MAX_DEPTH: usize = 64;

/// The first document that is not null, or null.
pub(crate) fn first_doc(docs: &[Value]) -> &Value {
    static NULL: Value = Value::Null;
    docs.iter().find(|d| !d.is_null()).unwrap_or(&NULL)
}

/// Strips YAML tags (`!reference [...]`, custom tags) down to the tagged value.
pub(crate) fn untag(v: &Value) -> &Value {
    let mut v = v;
    while let Value::Tagged(t) = v {
        v = &t.value;
    }
    v
}

/// A mapping's value for a string key.
pub(crate) fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match untag(v) {
        Value::Mapping(m) => m.get(key).map(untag),
        _ => None,
    }
}

/// The first of several keys present.
pub(crate) fn get_any<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| get(v, k))
}

/// A scalar as text (`true`, `3`, `text`); `None` for null, sequences and mappings.
pub(crate) fn scalar(v: &Value) -> Option<String> {
    match untag(v) {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A mapping key's text.
pub(crate) fn key_text(k: &Value) -> Option<String> {
    scalar(k)
}

/// A scalar of a mapping's key.
pub(crate) fn get_str(v: &Value, key: &str) -> Option<String> {
    get(v, key).and_then(scalar)
}

/// Any value as one line of text: scalars as-is, other values as compact JSON (YAML when the
/// value has non-text keys).
pub(crate) fn text(v: &Value) -> Option<String> {
    match untag(v) {
        Value::Null => None,
        Value::Sequence(_) | Value::Mapping(_) => Some(
            serde_json::to_string(untag(v))
                .or_else(|_| yaml_serde::to_string(untag(v)).map(|s| s.trim_end().to_string()))
                .unwrap_or_default(),
        ),
        other => scalar(other),
    }
}

/// A scalar, or the scalars of a (nested) sequence, as a list of strings.
pub(crate) fn strings(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_strings(v, &mut out, 0);
    out
}

fn collect_strings(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match untag(v) {
        Value::Sequence(items) => {
            for item in items {
                collect_strings(item, out, depth + 1);
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push(s);
            }
        }
    }
}

/// A mapping as `key → text` (non-scalar values as compact JSON); `None` when not a mapping.
pub(crate) fn string_map(v: &Value) -> Option<BTreeMap<String, String>> {
    match untag(v) {
        Value::Mapping(m) => Some(
            m.iter()
                .filter_map(|(k, v)| Some((key_text(k)?, text(v).unwrap_or_default())))
                .collect(),
        ),
        _ => None,
    }
}

/// A non-empty map, or `None`.
pub(crate) fn non_empty<K, V>(m: BTreeMap<K, V>) -> Option<BTreeMap<K, V>> {
    (!m.is_empty()).then_some(m)
}

/// A non-empty list, or `None`.
pub(crate) fn non_empty_vec<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// Deserializes a typed model from a value, with the value's location in the message.
pub(crate) fn typed<T: DeserializeOwned>(v: &Value, location: &str) -> Result<T, String> {
    T::deserialize(v).map_err(|e| friendly(location, &e.to_string()))
}

/// Rewrites serde's "data did not match any variant of untagged enum X" into what was expected.
fn friendly(location: &str, message: &str) -> String {
    const EXPECTED: &[(&str, &str)] = &[
        (
            "TriggerWire",
            "a trigger definition (`on`: an event, a list of events or a mapping of events with valid filters)",
        ),
        (
            "Step",
            "a step (`uses:` with `owner/repo@ref` or `run:`, with valid fields)",
        ),
        ("ParallelStep", "a step (`uses:` or `run:`)"),
        ("Runs", "`runs` of a JavaScript, composite or Docker action"),
        (
            "StepBody",
            "a composite step (`uses:` or `run:` with `shell:`)",
        ),
        (
            "Container",
            "a container (an image or a mapping with `image`)",
        ),
        ("RunsOn", "runner labels or a runner group"),
        (
            "LoE",
            "a literal value or a `${{ }}` expression of the right type",
        ),
        (
            "Permissions",
            "permissions (`read-all`, `write-all` or a mapping of scopes to read/write/none)",
        ),
        (
            "DeploymentEnvironment",
            "an environment name or a mapping with `name`",
        ),
        ("Job", "a job"),
    ];
    if let Some(rest) = message.strip_prefix("data did not match any variant of untagged enum ") {
        let name = rest.split_whitespace().next().unwrap_or(rest);
        if let Some((_, what)) = EXPECTED.iter().find(|(n, _)| *n == name) {
            return format!("{location}: not {what}");
        }
    }
    format!("{location}: {message}")
}

/// Whether a mapping key is an Azure Pipelines template expression (`${{ if ... }}`).
pub(crate) fn is_template_expr(k: &str) -> bool {
    k.trim_start().starts_with("${{")
}

/// The items of an Azure Pipelines list with template conditionals and loops
/// (`- ${{ if ... }}:` / `- ${{ each ... }}:`) flattened into their branches. Non-sequences
/// give no items.
pub(crate) fn ado_items(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Value::Sequence(items) = untag(v) {
        for item in items {
            push_ado_item(item, &mut out, 0);
        }
    }
    out
}

fn push_ado_item<'a>(item: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let item = untag(item);
    if let Value::Mapping(m) = item
        && !m.is_empty()
        && m.keys().all(|k| k.as_str().is_some_and(is_template_expr))
    {
        for inner in m.values() {
            match untag(inner) {
                Value::Sequence(items) => {
                    for i in items {
                        push_ado_item(i, out, depth + 1);
                    }
                }
                Value::Mapping(_) => push_ado_item(inner, out, depth + 1),
                _ => {}
            }
        }
        return;
    }
    out.push(item);
}

/// The entries of an Azure Pipelines mapping with `${{ if ... }}:` keys flattened into their
/// (mapping) bodies.
pub(crate) fn ado_entries(v: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    push_ado_entries(v, &mut out, 0);
    out
}

fn push_ado_entries<'a>(v: &'a Value, out: &mut Vec<(String, &'a Value)>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Value::Mapping(m) = untag(v) {
        for (k, v) in m {
            let Some(k) = key_text(k) else { continue };
            if is_template_expr(&k) {
                push_ado_entries(v, out, depth + 1);
            } else {
                out.push((k, untag(v)));
            }
        }
    }
}
