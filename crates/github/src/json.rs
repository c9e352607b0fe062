//! Small accessors over `serde_json::Value` that never panic: a missing or mistyped field is
//! `None` (NULL in the table), never a guess.

use serde_json::Value;

/// String field (numbers are rendered as text: ids).
pub fn s(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(x) => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// String at a JSON pointer (`/a/b`).
pub fn sp(v: &Value, pointer: &str) -> Option<String> {
    match v.pointer(pointer)? {
        Value::String(x) => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Bool field.
pub fn b(v: &Value, key: &str) -> Option<bool> {
    v.get(key)?.as_bool()
}

/// Bool at a JSON pointer.
pub fn bp(v: &Value, pointer: &str) -> Option<bool> {
    v.pointer(pointer)?.as_bool()
}

/// Integer field.
pub fn i(v: &Value, key: &str) -> Option<i64> {
    v.get(key)?.as_i64()
}

/// Integer at a JSON pointer.
pub fn ip(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer)?.as_i64()
}

/// `{"status": "enabled"}` at a pointer, as a bool.
pub fn status_enabled(v: &Value, pointer: &str) -> Option<bool> {
    match v.pointer(pointer)?.get("status")?.as_str()? {
        "enabled" => Some(true),
        "disabled" => Some(false),
        _ => None,
    }
}

/// Timestamp field normalised to RFC3339 UTC (GitHub mixes `Z` and offsets).
pub fn ts(v: &Value, key: &str) -> Option<String> {
    let raw = v.get(key)?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(raw).ok().map(|d| {
        d.with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    })
}

/// Array of strings field.
pub fn strings(v: &Value, key: &str) -> Option<Vec<String>> {
    Some(
        v.get(key)?
            .as_array()?
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
    )
}
