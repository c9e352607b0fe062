//! Completion candidates, as a pure function of the buffer, the cursor and what the shell knows
//! (tables, their columns, rule ids): SQL keywords and functions, table names, the columns of the
//! tables the current statement mentions (or of `alias.` / `table.`), meta-commands, and after a
//! meta-command its argument (rule ids after `.run`, paths after `.read` / `.snapshot` / `.save`
//! / `.output` / `.once`).

use std::path::Path;

use crate::lexer::{self, FUNCTIONS, KEYWORDS, TokenKind};
use crate::meta::{COMMANDS, MODES};

/// One table as completion sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// Table name.
    pub name: String,
    /// Column names, in order.
    pub columns: Vec<String>,
}

/// Everything completion and hints know about.
#[derive(Debug, Clone, Default)]
pub struct CompletionData {
    /// The catalogue.
    pub tables: Vec<TableInfo>,
    /// Rule ids for `.run`.
    pub rules: Vec<String>,
}

impl CompletionData {
    /// The catalogue of `devquery_model` and the tables about it (`devquery_tables`, …), with
    /// `rules` for `.run`.
    pub fn from_catalog(rules: Vec<String>) -> Self {
        let tables = devquery_model::catalog()
            .into_iter()
            .chain(devquery_engine::catalog::specs())
            .map(|spec| TableInfo {
                name: spec.name.to_string(),
                columns: spec.columns.into_iter().map(|c| c.name).collect(),
            })
            .collect();
        Self { tables, rules }
    }

    /// The table called `name` (case-insensitive).
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// Catalogue tables mentioned in `sql`, each once, in order of first mention.
    pub fn tables_in(&self, sql: &str) -> Vec<&TableInfo> {
        let mut out: Vec<&TableInfo> = Vec::new();
        for ident in lexer::identifiers(sql) {
            if let Some(t) = self.table(&ident)
                && !out.iter().any(|o| o.name == t.name)
            {
                out.push(t);
            }
        }
        out
    }
}

/// Candidates for the word ending at `pos` in `line`: the byte offset where the replaced word
/// starts, and the replacements (sorted, deduplicated).
pub fn complete(data: &CompletionData, line: &str, pos: usize) -> (usize, Vec<String>) {
    let pos = clamp_to_boundary(line, pos);
    let stmt_start = lexer::statement_start(line, pos);
    let stmt = &line[stmt_start..pos];
    if stmt.trim_start().starts_with('.') {
        let (start, list) = complete_meta(data, stmt);
        return (stmt_start + start, list);
    }
    let (start, list) = complete_sql(data, &line[stmt_start..], pos - stmt_start);
    (stmt_start + start, list)
}

fn clamp_to_boundary(line: &str, pos: usize) -> usize {
    let mut pos = pos.min(line.len());
    while !line.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Completion inside a meta-command line (`stmt` ends at the cursor).
fn complete_meta(data: &CompletionData, stmt: &str) -> (usize, Vec<String>) {
    let lead = stmt.len() - stmt.trim_start().len();
    let body = &stmt[lead..];
    let Some(space) = body.find(char::is_whitespace) else {
        // Still typing the command name.
        let list = COMMANDS
            .iter()
            .map(|c| c.0)
            .filter(|c| c.starts_with(&body.to_ascii_lowercase()))
            .map(str::to_string)
            .collect();
        return (lead, sorted(list));
    };
    let command = body[..space].to_ascii_lowercase();
    let arg_text = &body[space..];
    let arg_start = lead + space + (arg_text.len() - arg_text.trim_start().len());
    let arg = &stmt[arg_start..];
    let words: Vec<String> = match command.as_str() {
        ".run" => std::iter::once("all".to_string())
            .chain(data.rules.iter().cloned())
            .collect(),
        ".schema" => data.tables.iter().map(|t| t.name.clone()).collect(),
        ".mode" => MODES.iter().map(|m| m.to_string()).collect(),
        ".timer" | ".wide" | ".headers" => vec!["on".into(), "off".into()],
        ".read" | ".snapshot" | ".open" | ".save" | ".output" | ".once" => {
            return (arg_start, complete_path(arg));
        }
        _ => Vec::new(),
    };
    let list = words
        .into_iter()
        .filter(|w| {
            w.to_ascii_lowercase()
                .starts_with(&arg.to_ascii_lowercase())
        })
        .collect();
    (arg_start, sorted(list))
}

/// File-system entries starting with `partial` (directories get a trailing `/`).
pub fn complete_path(partial: &str) -> Vec<String> {
    let (dir_part, file_prefix) = match partial.rfind('/') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let dir = if dir_part.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(file_prefix)
            || (name.starts_with('.') && !file_prefix.starts_with('.'))
        {
            continue;
        }
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir())
            || (entry.file_type().is_ok_and(|t| t.is_symlink()) && entry.path().is_dir());
        let suffix = if is_dir { "/" } else { "" };
        out.push(format!("{dir_part}{name}{suffix}"));
    }
    sorted(out)
}

/// Completion inside SQL (`stmt` is the current statement, `pos` the cursor within it).
fn complete_sql(data: &CompletionData, stmt: &str, pos: usize) -> (usize, Vec<String>) {
    let before = &stmt[..pos];
    let tokens = lexer::tokenize(before);
    // No completion inside a string literal or comment.
    if let Some(last) = tokens.last()
        && (last.kind == TokenKind::String
            || (last.kind == TokenKind::Comment
                && (last.unterminated || before[last.start..].starts_with("--"))))
    {
        return (pos, Vec::new());
    }
    let bytes = before.as_bytes();
    let mut start = pos;
    while start > 0 && lexer::is_ident_byte(bytes[start - 1]) {
        start -= 1;
    }
    while !before.is_char_boundary(start) {
        start += 1;
    }
    let word = &before[start..];
    let lower = word.to_ascii_lowercase();
    let matches = |c: &str| c.to_ascii_lowercase().starts_with(&lower);

    // `qualifier.` → columns of that table or alias.
    if start > 0 && bytes[start - 1] == b'.' {
        let q_end = start - 1;
        let mut q_start = q_end;
        while q_start > 0 && lexer::is_ident_byte(bytes[q_start - 1]) {
            q_start -= 1;
        }
        let qualifier = &before[q_start..q_end];
        let list = resolve_qualifier(data, stmt, qualifier)
            .map(|t| t.columns.iter().filter(|c| matches(c)).cloned().collect())
            .unwrap_or_default();
        return (start, sorted(list));
    }

    // The keyword before the word decides whether only tables make sense.
    let prev = tokens
        .iter()
        .rev()
        .find(|t| t.end <= start && t.is_significant())
        .map(|t| t.text(before).to_ascii_uppercase());
    let wants_table = matches!(
        prev.as_deref(),
        Some("FROM" | "JOIN" | "TABLE" | "DESCRIBE" | "INTO" | "UPDATE")
    );
    let upper_keywords = word.chars().next().is_some_and(|c| c.is_ascii_uppercase());

    let mut list: Vec<String> = data
        .tables
        .iter()
        .map(|t| t.name.clone())
        .filter(|n| matches(n))
        .collect();
    if !wants_table {
        for table in data.tables_in(stmt) {
            list.extend(table.columns.iter().filter(|c| matches(c)).cloned());
        }
        if !word.is_empty() {
            list.extend(KEYWORDS.iter().filter(|k| matches(k)).map(|k| {
                if upper_keywords {
                    k.to_string()
                } else {
                    k.to_ascii_lowercase()
                }
            }));
            list.extend(
                FUNCTIONS
                    .iter()
                    .filter(|f| matches(f))
                    .map(|f| f.to_string()),
            );
        }
    }
    (start, sorted(list))
}

/// The table a qualifier names: a table name, or an alias (`FROM repositories r`,
/// `JOIN pipelines AS p`).
fn resolve_qualifier<'a>(
    data: &'a CompletionData,
    stmt: &str,
    qualifier: &str,
) -> Option<&'a TableInfo> {
    if let Some(t) = data.table(qualifier) {
        return Some(t);
    }
    let tokens: Vec<_> = lexer::tokenize(stmt)
        .into_iter()
        .filter(|t| t.is_significant())
        .collect();
    for (i, tok) in tokens.iter().enumerate() {
        let Some(table) = data.table(tok.text(stmt)) else {
            continue;
        };
        let mut j = i + 1;
        if tokens
            .get(j)
            .is_some_and(|t| t.text(stmt).eq_ignore_ascii_case("as"))
        {
            j += 1;
        }
        if let Some(alias) = tokens.get(j)
            && alias.kind == TokenKind::Ident
            && alias.text(stmt).eq_ignore_ascii_case(qualifier)
        {
            return Some(table);
        }
    }
    None
}

fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list.dedup();
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> CompletionData {
        CompletionData::from_catalog(vec![
            "gh-repo-no-branch-protection".into(),
            "gh-actions-unpinned".into(),
        ])
    }

    fn at_end(line: &str) -> (usize, Vec<String>) {
        complete(&data(), line, line.len())
    }

    #[test]
    fn table_names_after_from() {
        let (start, list) = at_end("select * from repo");
        assert_eq!(start, 14);
        assert_eq!(list, vec!["repositories"]);
        let (_, list) = at_end("select * from devquery_r");
        assert_eq!(list, vec!["devquery_rules"]);
        let (_, list) = at_end("SELECT * FROM pipeline");
        assert_eq!(
            list,
            vec![
                "pipeline_jobs",
                "pipeline_settings",
                "pipeline_steps",
                "pipelines"
            ]
        );
    }

    #[test]
    fn columns_of_tables_in_the_statement() {
        let (start, list) = at_end("select visib");
        assert_eq!(start, 7);
        assert!(list.is_empty(), "no table mentioned yet: {list:?}");
        let line = "select * from repositories where visib";
        let (start, list) = at_end(line);
        assert_eq!(start, line.len() - 5);
        assert_eq!(list, vec!["visibility"]);
        // Columns also before the FROM, when the table is already in the buffer.
        let line = "select is_arch from repositories";
        let (start, list) = complete(&data(), line, 14);
        assert_eq!(start, 7);
        assert_eq!(list, vec!["is_archived"]);
    }

    #[test]
    fn qualified_columns_through_aliases() {
        let line = "select r.default_b from repositories r";
        let (start, list) = complete(&data(), line, 18);
        assert_eq!(start, 9);
        assert_eq!(list, vec!["default_branch"]);
        let line = "select p.na from pipelines as p";
        let (start, list) = complete(&data(), line, 11);
        assert_eq!(start, 9);
        assert_eq!(list, vec!["name"]);
        let (_, list) = at_end("select repositories.is_f");
        assert_eq!(list, vec!["is_fork"]);
    }

    #[test]
    fn keywords_follow_the_case_typed() {
        let (_, list) = at_end("sel");
        assert_eq!(list, vec!["select"]);
        let (_, list) = at_end("select 1 GRO");
        assert_eq!(list, vec!["GROUP", "GROUPING"]);
        let (_, list) = at_end("select coal");
        assert_eq!(list, vec!["coalesce"]);
    }

    #[test]
    fn only_the_current_statement_counts() {
        let (_, list) = at_end("select * from repositories; select visib");
        assert!(list.is_empty(), "{list:?}");
    }

    #[test]
    fn nothing_inside_strings() {
        let (_, list) = at_end("select * from repositories where name = 'vis");
        assert!(list.is_empty());
    }

    #[test]
    fn meta_commands_and_their_arguments() {
        let (start, list) = at_end(".ta");
        assert_eq!((start, list), (0, vec![".tables".to_string()]));
        let (_, list) = at_end(".r");
        assert_eq!(list, vec![".read", ".refresh", ".rules", ".run"]);
        let (start, list) = at_end(".run gh-a");
        assert_eq!((start, list), (5, vec!["gh-actions-unpinned".to_string()]));
        let (_, list) = at_end(".run ");
        assert_eq!(list.len(), 3);
        assert_eq!(list[0], "all");
        let (_, list) = at_end(".schema branch");
        assert_eq!(list, vec!["branch_policies"]);
        let (_, list) = at_end(".mode c");
        assert_eq!(list, vec!["csv"]);
        let (_, list) = at_end(".mode b");
        assert_eq!(list, vec!["box"]);
        let (_, list) = at_end(".wid");
        assert_eq!(list, vec![".wide", ".width"]);
        let (_, list) = at_end(".schema devquery_c");
        assert_eq!(list, vec!["devquery_columns"]);
    }

    #[test]
    fn paths_after_read_snapshot_and_save() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("snap-2026")).expect("mkdir");
        std::fs::write(dir.path().join("audit.sql"), "select 1;").expect("write");
        let base = format!("{}/", dir.path().display());
        let (start, list) = at_end(&format!(".read {base}au"));
        assert_eq!(start, 6);
        assert_eq!(list, vec![format!("{base}audit.sql")]);
        let (_, list) = at_end(&format!(".snapshot {base}sn"));
        assert_eq!(list, vec![format!("{base}snap-2026/")]);
        let (_, list) = at_end(&format!(".save {base}"));
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn tables_in_finds_each_once() {
        let d = data();
        let names: Vec<_> = d
            .tables_in("select * from repositories r join REPOSITORIES x on 1=1 join runners")
            .iter()
            .map(|t| t.name.clone())
            .collect();
        assert_eq!(names, vec!["repositories", "runners"]);
    }
}
