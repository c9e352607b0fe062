//! Rule parameters: `-- param: name = default` in the header, `{{name}}` in the SQL, `--param
//! name=value` (or `--param rule-id.name=value`) on the command line.
//!
//! Values are validated (numbers, or simple words without quotes or statement separators) and
//! substituted as SQL literals: a number as is, anything else as a quoted string. Inside a quoted
//! literal (`INTERVAL '{{days}} days'`) the value is inserted escaped, without extra quotes.

use std::collections::BTreeMap;

use crate::error::Error;

/// A declared parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Name, as used in `{{name}}`.
    pub name: String,
    /// Default value (already validated, quotes stripped).
    pub default: String,
    /// Header line that declares it.
    pub line: usize,
}

/// True for a parameter name: `[a-z_][a-z0-9_]*`.
pub fn is_param_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// True when `v` is a number literal (`5`, `-3`, `0.5`).
pub fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// Validates a value and strips one pair of surrounding quotes. Accepts numbers and strings of
/// letters, digits, spaces and `_ - . / : @ , + # *`.
pub fn normalize_value(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    let v = ['\'', '"']
        .iter()
        .find_map(|q| {
            v.strip_prefix(*q)
                .and_then(|r| r.strip_suffix(*q))
                .filter(|_| v.len() >= 2)
        })
        .unwrap_or(v);
    if is_number(v) {
        return Ok(v.to_string());
    }
    if let Some(bad) = v
        .chars()
        .find(|c| !(c.is_alphanumeric() || " _-./:@,+#*".contains(*c)))
    {
        return Err(format!(
            "invalid parameter value '{v}': character '{bad}' is not allowed (use a number or letters, digits, spaces and _ - . / : @ , + # *)"
        ));
    }
    Ok(v.to_string())
}

/// The `{{name}}` placeholders of `sql`, each with its 1-based line in `sql`.
pub fn placeholders(sql: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in sql.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            match after.find("}}") {
                Some(end) => {
                    out.push((after[..end].trim().to_string(), i + 1));
                    rest = &after[end + 2..];
                }
                None => break,
            }
        }
    }
    out
}

/// Replaces every `{{name}}` by the value in `values` as a SQL literal. Errors name the missing
/// parameter.
pub fn substitute(sql: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(sql.len());
    let mut in_quote = false;
    let mut in_line_comment = false;
    let bytes = sql;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if !in_line_comment
            && rest.starts_with("{{")
            && let Some(end) = rest[2..].find("}}")
        {
            let name = rest[2..2 + end].trim();
            let value = values
                .get(name)
                .ok_or_else(|| format!("parameter '{{{{{name}}}}}' is not declared"))?;
            if in_quote {
                out.push_str(&value.replace('\'', "''"));
            } else if is_number(value) {
                out.push_str(value);
            } else {
                out.push('\'');
                out.push_str(&value.replace('\'', "''"));
                out.push('\'');
            }
            i += 2 + end + 2;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '\'' if !in_line_comment => in_quote = !in_quote,
            '-' if !in_quote && rest.starts_with("--") => in_line_comment = true,
            '\n' => in_line_comment = false,
            _ => {}
        }
        out.push(c);
        i += c.len_utf8();
    }
    Ok(out)
}

/// `--param` overrides from the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParamOverrides {
    /// `(rule id or None for every rule, name, value)`.
    pub entries: Vec<(Option<String>, String, String)>,
}

impl ParamOverrides {
    /// Parses `name=value` or `rule-id.name=value` strings.
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Result<Self, Error> {
        let mut entries = Vec::new();
        for arg in args {
            let arg = arg.as_ref();
            let (key, value) = arg.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "--param {arg}: expected NAME=VALUE or RULE-ID.NAME=VALUE"
                ))
            })?;
            let (rule, name) = match key.trim().rsplit_once('.') {
                Some((r, n)) => (Some(r.to_string()), n.to_string()),
                None => (None, key.trim().to_string()),
            };
            if !is_param_name(&name) {
                return Err(Error::Usage(format!(
                    "--param {arg}: '{name}' is not a parameter name"
                )));
            }
            let value =
                normalize_value(value).map_err(|e| Error::Usage(format!("--param {arg}: {e}")))?;
            entries.push((rule, name, value));
        }
        Ok(Self { entries })
    }

    /// The values for one rule: defaults, then general overrides, then rule-specific ones.
    pub fn values_for(&self, rule_id: &str, params: &[Param]) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = params
            .iter()
            .map(|p| (p.name.clone(), p.default.clone()))
            .collect();
        for (rule, name, value) in &self.entries {
            if rule.is_none() && out.contains_key(name) {
                out.insert(name.clone(), value.clone());
            }
        }
        for (rule, name, value) in &self.entries {
            if rule.as_deref() == Some(rule_id) && out.contains_key(name) {
                out.insert(name.clone(), value.clone());
            }
        }
        out
    }

    /// Checks that every override names a parameter some selected rule declares.
    pub fn check<'a>(
        &self,
        rules: impl IntoIterator<Item = &'a crate::Rule> + Clone,
    ) -> Result<(), Error> {
        for (rule, name, _) in &self.entries {
            let known = rules.clone().into_iter().any(|r| {
                rule.as_deref().is_none_or(|id| id == r.id)
                    && r.params.iter().any(|p| &p.name == name)
            });
            if !known {
                let what = match rule {
                    Some(id) => {
                        format!("rule '{id}' has no parameter '{name}' (or is not selected)")
                    }
                    None => format!("no selected rule has a parameter '{name}'"),
                };
                return Err(Error::Usage(format!(
                    "--param: {what}; `devquery rules ID` shows a rule's parameters"
                )));
            }
        }
        Ok(())
    }
}
