//! YAML 1.2 core-schema resolution of scalars, as `yaml_serde` did it: plain scalars become
//! null, booleans, integers (decimal, `0x`, `0o`, `0b`, signed), floats (`.inf`, `.nan`) or
//! text; quoted and block scalars are always text; the core tags (`!!str`, `!!int`, `!!bool`,
//! `!!float`, `!!null`) force a type and reject values that do not fit. Quoting decides
//! nothing here: the loader calls [`resolve_plain`] for plain scalars only.

use std::num::ParseIntError;

use yaml_serde::{Number, Value};

/// A plain scalar's value: null, bool, integer, float or, failing those, text. Integers beyond
/// 64 bits stay text (`yaml_serde` rejected them).
pub(crate) fn resolve_plain(v: &str) -> Value {
    if v.is_empty() || is_null(v) {
        return Value::Null;
    }
    if let Some(b) = parse_bool(v) {
        return Value::Bool(b);
    }
    if let Some(n) = parse_int(v) {
        return n;
    }
    if parse_unsigned_int(v, u128::from_str_radix).is_some()
        || parse_negative_int(v, i128::from_str_radix).is_some()
    {
        return Value::String(v.to_string());
    }
    if !digits_but_not_number(v)
        && let Some(f) = parse_f64(v)
    {
        return Value::Number(Number::from(f));
    }
    Value::String(v.to_string())
}

/// A scalar (plain, quoted or block) with a core tag (`!!str`, `!!int`, ...; `suffix` is the
/// part after `!!`). Unknown core tags (`!!binary`, `!!timestamp`) keep the text. An error names
/// what was expected.
pub(crate) fn resolve_core(suffix: &str, v: &str) -> Result<Value, String> {
    let invalid = |what: &str| format!("invalid value: string {v:?}, expected {what}");
    match suffix {
        "null" => {
            if is_null(v) || v.is_empty() {
                Ok(Value::Null)
            } else {
                Err(invalid("null"))
            }
        }
        "bool" => parse_bool(v)
            .map(Value::Bool)
            .ok_or_else(|| invalid("a boolean")),
        "int" => parse_int(v).ok_or_else(|| invalid("an integer")),
        "float" => parse_f64(v)
            .map(|f| Value::Number(Number::from(f)))
            .ok_or_else(|| invalid("a float")),
        _ => Ok(Value::String(v.to_string())),
    }
}

fn is_null(v: &str) -> bool {
    matches!(v, "~" | "null" | "Null" | "NULL")
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// An integer that fits 64 bits: unsigned first, then negative.
fn parse_int(v: &str) -> Option<Value> {
    if let Some(u) = parse_unsigned_int(v, u64::from_str_radix) {
        return Some(Value::Number(Number::from(u)));
    }
    parse_negative_int(v, i64::from_str_radix).map(|i| Value::Number(Number::from(i)))
}

/// One of the radix prefixes (`0x`, `0o`, `0b`) with its radix.
const RADIXES: [(&str, u32); 3] = [("0x", 16), ("0o", 8), ("0b", 2)];

fn parse_unsigned_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in RADIXES {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, ParseIntError>,
) -> Option<T> {
    for (prefix, radix) in RADIXES {
        if let Some(rest) = scalar
            .strip_prefix('-')
            .and_then(|s| s.strip_prefix(prefix))
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    if matches!(unpositive, ".inf" | ".Inf" | ".INF") {
        return Some(f64::INFINITY);
    }
    if matches!(scalar, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if matches!(scalar, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zero(s) followed by digits is text in YAML 1.2 (`0123`).
fn digits_but_not_number(scalar: &str) -> bool {
    let s = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    s.len() > 1 && s.starts_with('0') && s.bytes().skip(1).all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_like_yaml_serde() {
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain(""), Value::Null);
        assert_eq!(resolve_plain("NULL"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("on"), Value::String("on".into()));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        assert_eq!(resolve_plain("0x1F"), Value::Number(31u64.into()));
        assert_eq!(resolve_plain("-0o17"), Value::Number((-15i64).into()));
        assert_eq!(resolve_plain("+12"), Value::Number(12u64.into()));
        assert_eq!(resolve_plain("-3"), Value::Number((-3i64).into()));
        assert_eq!(resolve_plain("0123"), Value::String("0123".into()));
        assert_eq!(resolve_plain("3.10"), Value::Number(3.1f64.into()));
        assert_eq!(resolve_plain(".inf"), Value::Number(f64::INFINITY.into()));
        assert_eq!(resolve_plain("1e3"), Value::Number(1000f64.into()));
        assert_eq!(resolve_plain("inf"), Value::String("inf".into()));
        assert_eq!(
            resolve_plain("123456789012345678901234567890"),
            Value::String("123456789012345678901234567890".into())
        );
    }

    #[test]
    fn core_tags_force_a_type() {
        assert_eq!(resolve_core("str", "12"), Ok(Value::String("12".into())));
        assert_eq!(resolve_core("int", "12"), Ok(Value::Number(12u64.into())));
        assert!(resolve_core("int", "x").is_err());
        assert_eq!(
            resolve_core("binary", "AAAA"),
            Ok(Value::String("AAAA".into()))
        );
    }
}
