//! The rustyline helper: completion ([`crate::complete`]), syntax highlighting (keywords,
//! strings, numbers, comments, meta-commands; none without colour), a hint with the column list
//! of a table just typed, and the validator that keeps a statement open until its `;`.

use std::borrow::Cow;
use std::sync::Arc;

use rustyline::Context;
use rustyline::completion::Completer;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};

use crate::complete::{CompletionData, complete};
use crate::lexer::{self, TokenKind};
use crate::meta;

const RESET: &str = "\x1b[0m";
const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2;37m";
const META: &str = "\x1b[1;35m";
const DIM: &str = "\x1b[2m";

/// The line-editor helper.
#[derive(Debug, Clone)]
pub struct ShellHelper {
    data: Arc<CompletionData>,
    color: bool,
}

impl ShellHelper {
    /// A helper over `data`; `color` enables highlighting.
    pub fn new(data: Arc<CompletionData>, color: bool) -> Self {
        Self { data, color }
    }
}

/// Wraps `line` in ANSI colours by token kind (same display width as the input).
pub fn highlight_sql(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    if meta::is_meta(line) {
        let lead = line.len() - line.trim_start().len();
        let end = line[lead..]
            .find(char::is_whitespace)
            .map_or(line.len(), |i| lead + i);
        out.push_str(&line[..lead]);
        out.push_str(META);
        out.push_str(&line[lead..end]);
        out.push_str(RESET);
        out.push_str(&line[end..]);
        return out;
    }
    for token in lexer::tokenize(line) {
        let text = token.text(line);
        let color = match token.kind {
            TokenKind::Keyword => Some(KEYWORD),
            TokenKind::String => Some(STRING),
            TokenKind::Number => Some(NUMBER),
            TokenKind::Comment => Some(COMMENT),
            _ => None,
        };
        match color {
            Some(c) => {
                out.push_str(c);
                out.push_str(text);
                out.push_str(RESET);
            }
            None => out.push_str(text),
        }
    }
    out
}

/// The column hint shown after a table name typed at the end of the line, e.g.
/// `  -- repositories(platform, host, org, …)`.
pub fn column_hint(data: &CompletionData, line: &str, pos: usize) -> Option<String> {
    if pos != line.len() || meta::is_meta(line) {
        return None;
    }
    let trimmed = line.trim_end();
    let tokens = lexer::tokenize(trimmed);
    let last = tokens.last()?;
    if last.kind != TokenKind::Ident {
        return None;
    }
    let table = data.table(last.text(trimmed))?;
    // Only once the name is complete: a unique table name and, if the cursor is still on it,
    // no longer table name that it prefixes.
    let typing_on = trimmed.len() == line.len();
    if typing_on
        && data
            .tables
            .iter()
            .any(|t| t.name.len() > table.name.len() && t.name.starts_with(&table.name))
    {
        return None;
    }
    let mut cols = String::new();
    for c in &table.columns {
        if cols.len() + c.len() > 70 {
            cols.push_str(", …");
            break;
        }
        if !cols.is_empty() {
            cols.push_str(", ");
        }
        cols.push_str(c);
    }
    let pad = if typing_on { "  " } else { "" };
    Some(format!("{pad}-- {}({cols})", table.name))
}

/// A hint that is shown but never inserted into the line.
#[derive(Debug, Clone)]
pub struct ColumnHint(String);

impl Hint for ColumnHint {
    fn display(&self) -> &str {
        &self.0
    }

    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Completer for ShellHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(complete(&self.data, line, pos))
    }
}

impl Hinter for ShellHelper {
    type Hint = ColumnHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<ColumnHint> {
        column_hint(&self.data, line, pos).map(ColumnHint)
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight_sql(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("{DIM}{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

/// Whether the buffer is ready to run: blank, a meta-command line, or SQL ending with `;`.
pub fn is_ready(input: &str) -> bool {
    input.trim().is_empty() || meta::is_meta(input) || lexer::is_complete(input)
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if is_ready(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl rustyline::Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> CompletionData {
        CompletionData::from_catalog(Vec::new())
    }

    #[test]
    fn validator_waits_for_the_semicolon() {
        assert!(is_ready(""));
        assert!(is_ready(".tables"));
        assert!(is_ready("  .mode csv"));
        assert!(is_ready("select 1;"));
        assert!(is_ready("select *\nfrom repositories\n;"));
        assert!(!is_ready("select *\nfrom repositories"));
        assert!(!is_ready("select ';'"));
        assert!(!is_ready("select 1 -- ;"));
    }

    #[test]
    fn highlighting_keeps_the_text_and_colours_tokens() {
        let line = "select 'x', 42 from t -- c";
        let out = highlight_sql(line);
        assert!(out.contains(&format!("{KEYWORD}select{RESET}")));
        assert!(out.contains(&format!("{STRING}'x'{RESET}")));
        assert!(out.contains(&format!("{NUMBER}42{RESET}")));
        assert!(out.contains(&format!("{COMMENT}-- c{RESET}")));
        let stripped = out
            .replace(RESET, "")
            .replace(KEYWORD, "")
            .replace(STRING, "")
            .replace(NUMBER, "")
            .replace(COMMENT, "");
        assert_eq!(stripped, line);
        assert!(highlight_sql(".mode csv").starts_with(META));
    }

    #[test]
    fn hint_shows_columns_of_a_finished_table_name() {
        let d = data();
        let line = "select * from repositories ";
        let hint = column_hint(&d, line, line.len()).unwrap_or_default();
        assert!(
            hint.starts_with("-- repositories(platform, host, org"),
            "{hint}"
        );
        let line = "select * from repositories";
        assert!(column_hint(&d, line, line.len()).is_some());
        // `pipelines` is a whole name, but `pipeline_jobs` is not prefixed by it, so it hints.
        assert!(column_hint(&d, "from pipelines", 14).is_some());
        // Cursor in the middle, or not a table: no hint.
        assert!(column_hint(&d, line, 3).is_none());
        assert!(column_hint(&d, "select * from repos", 19).is_none());
        assert!(column_hint(&d, ".schema repositories", 20).is_none());
    }

    #[test]
    fn hints_are_never_inserted() {
        let hint = ColumnHint("-- t(a)".into());
        assert_eq!(hint.completion(), None);
        assert_eq!(hint.display(), "-- t(a)");
    }
}
