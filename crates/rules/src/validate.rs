//! Checks that a rule's SELECT plans against the catalogue, returns the required columns and
//! gives the optional ones (`status`, `path`, `line`, `column`) the types the runner reads.

use datafusion::arrow::datatypes::{DataType, Schema};
use devquery_engine::datafusion;
use devquery_engine::{Engine, EngineError, EngineOptions, Statement};

use crate::error::RuleError;
use crate::params::ParamOverrides;
use crate::rule::{REQUIRED_COLUMNS, Rule};

/// An empty, read-only session over the catalogue, for planning rules.
pub fn planning_engine() -> Result<Engine, EngineError> {
    Engine::new(EngineOptions {
        read_only: true,
        target_partitions: 1,
        ..EngineOptions::default()
    })
}

/// The rule's SQL with parameters substituted, or an error at the rule's SQL line.
pub fn resolved_sql(rule: &Rule, overrides: &ParamOverrides) -> Result<String, RuleError> {
    let values = overrides.values_for(&rule.id, &rule.params);
    crate::params::substitute(&rule.sql, &values)
        .map_err(|m| RuleError::new(&rule.file, rule.sql_line, m))
}

/// Finds `Line: N` in a DataFusion / sqlparser message (1-based line within the statement).
fn line_in_message(message: &str) -> Option<usize> {
    let idx = message.find("Line: ")?;
    let digits: String = message[idx + 6..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Plans the rule (with default or overridden parameters) on `engine` and checks its output
/// columns: `resource_type`, `resource` and `reason` are required; `status` and `path` must be
/// text, `line` and `column` integers.
pub async fn validate_rule(
    rule: &Rule,
    engine: &Engine,
    overrides: &ParamOverrides,
) -> Result<(), RuleError> {
    let sql = resolved_sql(rule, overrides)?;
    let statement = Statement {
        index: 1,
        line: 1,
        text: sql,
    };
    let plan = engine.plan(&statement).await.map_err(|e| {
        let message = match &e {
            EngineError::Sql { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        let line = line_in_message(&message).map_or(rule.sql_line, |l| rule.file_line(l));
        RuleError::new(
            &rule.file,
            line,
            format!("SQL does not plan against the catalogue: {message}"),
        )
    })?;
    let schema = plan.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| !names.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(RuleError::new(
            &rule.file,
            rule.sql_line,
            format!(
                "the SELECT must return column{} {} (it returns: {})",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                names.join(", ")
            ),
        ));
    }
    check_output_types(rule, schema.as_arrow())
}

fn is_text(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
    )
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer() || *t == DataType::Null
}

/// An optional output column: its name, the type test and what the type must be.
type OutputCheck = (&'static str, fn(&DataType) -> bool, &'static str);

/// The optional output columns have the types the runner reads: `status` and `path` text,
/// `line` and `column` integers (1-based positions in `path`).
fn check_output_types(rule: &Rule, schema: &Schema) -> Result<(), RuleError> {
    let checks: [OutputCheck; 4] = [
        ("status", is_text, "text ('fail', 'pass' or 'unknown')"),
        ("path", is_text, "text (a file path in the repository)"),
        ("line", is_integer, "an integer (1-based line in `path`)"),
        (
            "column",
            is_integer,
            "an integer (1-based column in `path`)",
        ),
    ];
    for (name, ok, want) in checks {
        if let Ok(field) = schema.field_with_name(name)
            && !ok(field.data_type())
        {
            return Err(RuleError::new(
                &rule.file,
                rule.sql_line,
                format!("column `{name}` must be {want}, not {}", field.data_type()),
            ));
        }
    }
    Ok(())
}

/// A token of the SQL for the static `status` check: a lowercase word or a string literal.
#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Lit(String),
    Other,
}

fn tokenize(sql: &str) -> Vec<(Tok, usize)> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '\'' => {
                let start = line;
                let mut lit = String::new();
                while let Some(d) = chars.next() {
                    if d == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                            lit.push('\'');
                            continue;
                        }
                        break;
                    }
                    if d == '\n' {
                        line += 1;
                    }
                    lit.push(d);
                }
                out.push((Tok::Lit(lit), start));
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut w = String::from(c);
                while let Some(&d) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        w.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push((Tok::Word(w.to_ascii_lowercase()), line));
            }
            c if c.is_whitespace() => {}
            _ => out.push((Tok::Other, line)),
        }
    }
    out
}

/// Statically checks the literal values a rule gives its `status` column: `'x' AS status` and
/// the `THEN` / `ELSE` literals of `CASE … END AS status` must be `fail`, `pass` or `unknown`.
/// Values computed otherwise are checked on every row at run time.
pub fn check_status_literals(rule: &Rule) -> Result<(), RuleError> {
    let toks = tokenize(&rule.sql);
    let word = |i: usize, w: &str| matches!(toks.get(i), Some((Tok::Word(x), _)) if x == w);
    let check = |lit: &str, line: usize| -> Result<(), RuleError> {
        if matches!(lit, "fail" | "pass" | "unknown") {
            Ok(())
        } else {
            Err(RuleError::new(
                &rule.file,
                rule.file_line(line),
                format!("status value '{lit}' is not one of 'fail', 'pass', 'unknown'"),
            ))
        }
    };
    for i in 0..toks.len() {
        if !(word(i, "as") && word(i + 1, "status")) || i == 0 {
            continue;
        }
        match &toks[i - 1] {
            (Tok::Lit(lit), line) => check(lit, *line)?,
            (Tok::Word(w), _) if w == "end" => {
                // find the matching CASE
                let mut depth = 0usize;
                let mut start = None;
                for j in (0..i).rev() {
                    if word(j, "end") {
                        depth += 1;
                    } else if word(j, "case") {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            start = Some(j);
                            break;
                        }
                    }
                }
                let Some(start) = start else { continue };
                for j in start..i {
                    if (word(j, "then") || word(j, "else"))
                        && let Some((Tok::Lit(lit), line)) = toks.get(j + 1)
                    {
                        check(lit, *line)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}
