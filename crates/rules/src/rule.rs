//! One rule file: the `-- key: value` header, then one SELECT.
//!
//! ```sql
//! -- id: repo-inactive
//! -- title: Repository not pushed for a long time
//! -- severity: low
//! -- platforms: github, azure_devops
//! -- description: A repository nobody pushes to still holds code, secrets in history and
//! --   access grants that nobody reviews.
//! -- remediation: Archive it, or delete it.
//! -- tactics: persistence
//! -- references: CIS 1.2.7, Legitify
//! -- param: days = 180
//! SELECT 'repository' AS resource_type, org || '/' || repo AS resource, ... FROM repositories
//! ```
//!
//! A header line is `-- key: value`; a following comment line that is indented (`--   more`) or
//! that does not start with `key:` continues the previous value. A bare `--` or the first
//! non-comment line ends the header. List keys (`platforms`, `tactics`, `references`) are split
//! on commas, semicolons and continuation lines; `references` and `param` may repeat.

use devquery_engine::split_statements;
use devquery_model::Severity;

use crate::error::RuleError;
use crate::params::{self, Param};

/// The DevOps threat-matrix tactics a rule may name.
pub const TACTICS: &[&str] = &[
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "credential-access",
    "lateral-movement",
    "defense-evasion",
    "impact",
    "exfiltration",
];

/// The platforms a rule may name (`azure-devops` is accepted for `azure_devops`).
pub const PLATFORMS: &[&str] = &["github", "azure_devops", "gitlab", "local"];

/// The header keys.
pub const KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "platforms",
    "description",
    "remediation",
    "tactics",
    "references",
    "param",
];

/// Columns every rule must return.
pub const REQUIRED_COLUMNS: &[&str] = &["resource_type", "resource", "reason"];

/// Columns a rule may return, read into its findings: `status`, the join keys, `owner`, and
/// where a finding is in a file: `path` (relative to the repository root), 1-based `line` and
/// `column`. Other columns are allowed and ignored.
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "status", "platform", "host", "org", "project", "repo", "owner", "path", "line", "column",
];

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary from `queries/`.
    Bundled,
    /// Loaded from a `--rules` directory.
    Dir,
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Severity of a failing finding.
    pub severity: Severity,
    /// Platforms the rule applies to (normalised: `github`, `azure_devops`, …); empty for all.
    pub platforms: Vec<String>,
    /// What is wrong and why it matters.
    pub description: String,
    /// How to fix it.
    pub remediation: String,
    /// Threat-matrix tactics.
    pub tactics: Vec<String>,
    /// Defender recommendations, CIS ids, Scorecard checks, zizmor audits, URLs.
    pub references: Vec<String>,
    /// Declared parameters.
    pub params: Vec<Param>,
    /// The SELECT, with `{{param}}` placeholders, without a trailing `;`.
    pub sql: String,
    /// 1-based file line where the SELECT starts.
    pub sql_line: usize,
    /// The file, for messages (`queries/repos/x.sql` or the `--rules` path).
    pub file: String,
    /// The folder under `queries/` (`repos`, `workflows`, …), or empty.
    pub area: String,
    /// Bundled or from a directory.
    pub origin: Origin,
}

impl Rule {
    /// Normalises a platform name (`Azure-DevOps` → `azure_devops`).
    pub fn normalize_platform(p: &str) -> String {
        p.trim().to_ascii_lowercase().replace(['-', ' '], "_")
    }

    /// True when the rule applies to `platform` (rules without platforms apply to all).
    pub fn applies_to(&self, platform: &str) -> bool {
        let p = Self::normalize_platform(platform);
        self.platforms.is_empty() || self.platforms.contains(&p)
    }

    /// Maps a 1-based line of [`Rule::sql`] to the file line.
    pub fn file_line(&self, sql_line: usize) -> usize {
        self.sql_line + sql_line.saturating_sub(1)
    }

    /// The header and SQL as a rule file (what `devquery rules ID` prints).
    pub fn to_source(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "-- id: {}", self.id);
        let _ = writeln!(out, "-- title: {}", self.title);
        let _ = writeln!(out, "-- severity: {}", self.severity);
        if !self.platforms.is_empty() {
            let _ = writeln!(out, "-- platforms: {}", self.platforms.join(", "));
        }
        for (key, value) in [
            ("description", &self.description),
            ("remediation", &self.remediation),
        ] {
            if !value.is_empty() {
                let mut lines = value.lines();
                let _ = writeln!(out, "-- {key}: {}", lines.next().unwrap_or(""));
                for l in lines {
                    let _ = writeln!(out, "--   {l}");
                }
            }
        }
        if !self.tactics.is_empty() {
            let _ = writeln!(out, "-- tactics: {}", self.tactics.join(", "));
        }
        for r in &self.references {
            let _ = writeln!(out, "-- references: {r}");
        }
        for p in &self.params {
            let _ = writeln!(out, "-- param: {} = {}", p.name, p.default);
        }
        out.push_str(&self.sql);
        out.push('\n');
        out
    }
}

/// The file stem and area of a path like `repos/x.sql` or `/abs/dir/repos/x.sql`.
fn stem_and_area(file: &str) -> (String, String) {
    let path = std::path::Path::new(file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let area = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    (stem, area)
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Splits `key: value` when `body` (after `--`) starts with a header key.
fn key_value(body: &str) -> Option<(String, String)> {
    let t = body.trim_start();
    let colon = t.find(':')?;
    let key = &t[..colon];
    let after = &t[colon + 1..];
    let valid_key = !key.is_empty()
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid_key && (after.is_empty() || after.starts_with(char::is_whitespace)) {
        Some((key.to_ascii_lowercase(), after.trim().to_string()))
    } else {
        None
    }
}

fn is_list_item(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("- ")
        || t.starts_with("* ")
        || t.split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split([',', ';', '\n'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A header entry: key, value, line.
struct Entry {
    key: String,
    value: String,
    line: usize,
}

/// Parses and statically checks one rule file. `file` is used in messages and for the id check
/// (the id must equal the file stem). SQL planning is checked separately by
/// [`crate::validate::validate_rule`].
pub fn parse_rule(file: &str, text: &str, origin: Origin) -> Result<Rule, RuleError> {
    let err = |line: usize, msg: String| RuleError::new(file, line, msg);
    let lines: Vec<&str> = text.lines().collect();
    let mut entries: Vec<Entry> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim_end();
        let t = raw.trim_start();
        if t.is_empty() {
            if entries.is_empty() {
                i += 1;
                continue;
            }
            break;
        }
        let Some(body) = t.strip_prefix("--") else {
            break;
        };
        if body.trim().is_empty() {
            i += 1;
            break;
        }
        let indented = body.starts_with("  ") || body.starts_with('\t');
        let kv = if indented { None } else { key_value(body) };
        if let Some((key, value)) = kv {
            if !KEYS.contains(&key.as_str())
                && !matches!(key.as_str(), "platform" | "tactic" | "reference")
            {
                return Err(err(
                    i + 1,
                    format!(
                        "unknown header key '{key}' (expected one of: {})",
                        KEYS.join(", ")
                    ),
                ));
            }
            let key = match key.as_str() {
                "platform" => "platforms".to_string(),
                "tactic" => "tactics".to_string(),
                "reference" => "references".to_string(),
                _ => key,
            };
            if !matches!(key.as_str(), "references" | "param")
                && let Some(prev) = entries.iter().find(|e| e.key == key)
            {
                return Err(err(
                    i + 1,
                    format!("duplicate header key '{key}' (first on line {})", prev.line),
                ));
            }
            entries.push(Entry {
                key,
                value,
                line: i + 1,
            });
        } else if let Some(last) = entries.last_mut() {
            let more = body.trim();
            let sep = if matches!(last.key.as_str(), "platforms" | "tactics" | "references")
                || is_list_item(more)
            {
                "\n"
            } else {
                " "
            };
            if !last.value.is_empty() {
                last.value.push_str(sep);
            }
            last.value.push_str(more);
        } else {
            return Err(err(
                i + 1,
                "expected a header line `-- key: value` (the header starts with `-- id: ...`)"
                    .into(),
            ));
        }
        i += 1;
    }
    let header_end = i; // 0-based index of the first line after the header
    if entries.is_empty() {
        return Err(err(
            1,
            "no header: a rule starts with `-- id: ...`, `-- title: ...`, `-- severity: ...` lines"
                .into(),
        ));
    }

    let get = |key: &str| entries.iter().find(|e| e.key == key);
    let first_line = entries.first().map_or(1, |e| e.line);
    let (stem, area) = stem_and_area(file);

    let id_entry =
        get("id").ok_or_else(|| err(first_line, "missing `-- id: ...` header".into()))?;
    let id = id_entry.value.trim().to_string();
    if !is_kebab(&id) {
        return Err(err(
            id_entry.line,
            format!("id '{id}' is not kebab-case (lowercase letters, digits and single dashes)"),
        ));
    }
    if id != stem {
        return Err(err(
            id_entry.line,
            format!("id '{id}' does not match the file name '{stem}.sql' (rename one of them)"),
        ));
    }
    let title = match get("title") {
        Some(e) if !e.value.trim().is_empty() => e.value.trim().to_string(),
        Some(e) => return Err(err(e.line, "empty title".into())),
        None => return Err(err(first_line, "missing `-- title: ...` header".into())),
    };
    let severity = match get("severity") {
        Some(e) => e
            .value
            .parse::<Severity>()
            .map_err(|x| err(e.line, x.to_string()))?,
        None => {
            return Err(err(
                first_line,
                "missing `-- severity: ...` header (critical, high, medium, low or info)".into(),
            ));
        }
    };
    let mut platforms = Vec::new();
    if let Some(e) = get("platforms") {
        for p in split_list(&e.value) {
            let n = Rule::normalize_platform(&p);
            if n == "all" || n == "any" {
                continue;
            }
            if !PLATFORMS.contains(&n.as_str()) {
                return Err(err(
                    e.line,
                    format!("unknown platform '{p}' (expected {})", PLATFORMS.join(", ")),
                ));
            }
            if !platforms.contains(&n) {
                platforms.push(n);
            }
        }
    }
    let mut tactics = Vec::new();
    if let Some(e) = get("tactics") {
        for t in split_list(&e.value) {
            let n = t.to_ascii_lowercase().replace([' ', '_'], "-");
            if !TACTICS.contains(&n.as_str()) {
                return Err(err(
                    e.line,
                    format!("unknown tactic '{t}' (expected {})", TACTICS.join(", ")),
                ));
            }
            if !tactics.contains(&n) {
                tactics.push(n);
            }
        }
    }
    let references = entries
        .iter()
        .filter(|e| e.key == "references")
        .flat_map(|e| split_list(&e.value))
        .collect();
    let mut params: Vec<Param> = Vec::new();
    for e in entries.iter().filter(|e| e.key == "param") {
        let (name, default) = e.value.split_once('=').ok_or_else(|| {
            err(
                e.line,
                format!("param '{}' must be `name = default`", e.value),
            )
        })?;
        let name = name.trim();
        if !params::is_param_name(name) {
            return Err(err(
                e.line,
                format!("param name '{name}' must be lowercase letters, digits and _"),
            ));
        }
        if params.iter().any(|p| p.name == name) {
            return Err(err(e.line, format!("param '{name}' declared twice")));
        }
        let default = params::normalize_value(default).map_err(|m| err(e.line, m))?;
        params.push(Param {
            name: name.to_string(),
            default,
            line: e.line,
        });
    }

    let body = lines.get(header_end..).unwrap_or(&[]).join("\n");
    let statements = split_statements(&body);
    let Some(first) = statements.first() else {
        return Err(err(
            header_end.max(1),
            "no SQL after the header (a rule is a header then one SELECT)".into(),
        ));
    };
    if let Some(second) = statements.get(1) {
        return Err(err(
            header_end + second.line,
            format!(
                "one SELECT expected, found {} statements (a second one starts here)",
                statements.len()
            ),
        ));
    }
    // The statement text starts at the first non-blank character of the body (comments
    // included), so its first line is the body line after the leading blank lines.
    let leading_newlines = body
        .chars()
        .take_while(|c| c.is_whitespace())
        .filter(|c| *c == '\n')
        .count();
    let sql_line = header_end + 1 + leading_newlines;
    let sql = first.text.clone();
    for (name, line) in params::placeholders(&sql) {
        if !params.iter().any(|p| p.name == name) {
            return Err(err(
                sql_line + line - 1,
                format!(
                    "`{{{{{name}}}}}` is used but not declared (add `-- param: {name} = DEFAULT`)"
                ),
            ));
        }
    }

    Ok(Rule {
        id,
        title,
        severity,
        platforms,
        description: get("description")
            .map(|e| e.value.clone())
            .unwrap_or_default(),
        remediation: get("remediation")
            .map(|e| e.value.clone())
            .unwrap_or_default(),
        tactics,
        references,
        params,
        sql,
        sql_line,
        file: file.to_string(),
        area,
        origin,
    })
}
