//! Error carets: when a SQL error says where in the statement it is, the shell prints that line
//! of the statement with a `^` under the column. The position comes from, in order:
//! DataFusion's diagnostic span (recorded because [`collect_spans`] turns span collection on),
//! sqlparser's "at Line: L, Column: C" in the message, or, for an unknown column, the first
//! place the statement names it.

use devquery_engine::{Engine, EngineError};

use crate::lexer::{TokenKind, tokenize};

/// The widest statement line shown whole; a longer one is shown around the column.
const WINDOW: usize = 100;

/// Asks `engine`'s SQL planner to record where each identifier is, so that errors such as an
/// unknown column carry a position (DataFusion's `sql_parser.collect_spans`; spans never change
/// a plan or a result).
pub fn collect_spans(engine: &Engine) {
    let state = engine.context().state_ref();
    let mut state = state.write();
    state.config_mut().options_mut().sql_parser.collect_spans = true;
}

/// The lines to print under the error `e` of `statement` (the statement line and the caret),
/// or `None` when the error does not say where it is.
pub fn caret(e: &EngineError, statement: &str) -> Option<String> {
    let (line, column) = position(e, statement)?;
    render(statement, line, column)
}

/// The 1-based line and column (in characters) of `e` in `statement`.
fn position(e: &EngineError, statement: &str) -> Option<(usize, usize)> {
    let EngineError::Sql { source, .. } = e else {
        return None;
    };
    let from_span = source.diagnostic().and_then(|d| d.span).and_then(|span| {
        let line = usize::try_from(span.start.line).ok()?;
        let column = usize::try_from(span.start.column).ok()?;
        (line > 0 && column > 0).then_some((line, column))
    });
    let message = source.to_string();
    from_span
        .or_else(|| position_in_text(&message))
        .or_else(|| unknown_column(&message).and_then(|name| first_use(statement, &name)))
}

/// The last "Line: L, Column: C" in `message`.
fn position_in_text(message: &str) -> Option<(usize, usize)> {
    let at = message.rfind("Line: ")?;
    let (line, rest) = leading_number(&message[at + "Line: ".len()..])?;
    let (column, _) = leading_number(rest.strip_prefix(", Column: ")?)?;
    (line > 0 && column > 0).then_some((line, column))
}

fn leading_number(s: &str) -> Option<(usize, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// The column named by DataFusion's "No field named X." (`t.x` gives `x`; quotes removed).
fn unknown_column(message: &str) -> Option<String> {
    let rest = message.split("No field named ").nth(1)?;
    let end = rest
        .find(". ")
        .or_else(|| rest.find(".\n"))
        .unwrap_or(rest.len());
    let named = rest[..end].trim_end_matches('.');
    let last = named.rsplit('.').next()?;
    Some(last.trim_matches('"').to_string()).filter(|n| !n.is_empty())
}

/// Where `statement` first names the identifier `name` (outside strings and comments).
fn first_use(statement: &str, name: &str) -> Option<(usize, usize)> {
    let token = tokenize(statement).into_iter().find(|t| {
        let text = t.text(statement);
        match t.kind {
            TokenKind::Ident => text.eq_ignore_ascii_case(name),
            TokenKind::QuotedIdent => text.trim_matches('"') == name,
            _ => false,
        }
    })?;
    let before = statement.get(..token.start)?;
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..)?.chars().count() + 1;
    Some((line, column))
}

/// Line `line` of `statement` and a caret under `column` (1-based, in characters), indented by
/// two spaces (with the line number when the statement has several lines). A line wider than
/// [`WINDOW`] is shown around the column, cut ends marked `…`.
fn render(statement: &str, line: usize, column: usize) -> Option<String> {
    let text = statement.lines().nth(line.checked_sub(1)?)?;
    // Tabs and other control characters as one visible character each, so the caret lines up.
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = if chars.len() > WINDOW {
        at.saturating_sub(WINDOW / 2)
    } else {
        0
    };
    let end = (start + WINDOW).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut offset = at - start;
    if start > 0 {
        shown.insert(0, '…');
        offset += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    let prefix = if statement.lines().nth(1).is_some() {
        format!("  line {line}: ")
    } else {
        "  ".to_string()
    };
    let pad = " ".repeat(prefix.chars().count() + offset);
    Some(format!("{prefix}{shown}\n{pad}^"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_messages() {
        let parser =
            "sql parser error: Expected: end of statement, found: x at Line: 2, Column: 10";
        assert_eq!(position_in_text(parser), Some((2, 10)));
        assert_eq!(position_in_text("no position here"), None);
        assert_eq!(
            unknown_column("Schema error: No field named nope. Valid fields are a, b."),
            Some("nope".into())
        );
        assert_eq!(
            unknown_column("Schema error: No field named r.\"Nope\"."),
            Some("Nope".into())
        );
    }

    #[test]
    fn the_first_use_of_a_name_outside_strings() {
        let sql = "select 'nope', x\nfrom t where NOPE > 1";
        assert_eq!(first_use(sql, "nope"), Some((2, 14)));
    }

    #[test]
    fn carets_line_up() {
        assert_eq!(
            render("select nope from t", 1, 8),
            Some("  select nope from t\n         ^".into())
        );
        assert_eq!(
            render("select 1,\n\tnope", 2, 2),
            Some("  line 2:  nope\n           ^".into())
        );
        let long = format!("select {}nope", "x, ".repeat(60));
        let shown = render(&long, 1, 188).expect("caret");
        let (text, caret) = shown.split_once('\n').expect("two lines");
        let col = caret.chars().count() - 1;
        assert!(text.starts_with("  …"), "{shown}");
        assert_eq!(text.chars().skip(col).take(4).collect::<String>(), "nope");
        assert_eq!(render("select 1", 3, 1), None);
    }
}
