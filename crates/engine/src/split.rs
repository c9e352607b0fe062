//! Splits a SQL script into statements on `;`, outside quotes and comments, keeping the line
//! each statement starts on so errors can point at it.

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// 1-based position in the script.
    pub index: usize,
    /// 1-based line where the statement's first non-blank character is.
    pub line: usize,
    /// The statement text without the trailing `;`.
    pub text: String,
}

/// Splits `script` into non-empty statements. Handles `'…'`, `"…"`, `--` and `/* */` comments.
pub fn split_statements(script: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start_line: Option<usize> = None;
    let mut line = 1usize;
    let mut chars = script.chars().peekable();
    let mut has_code = false;

    enum State {
        Code,
        Single,
        Double,
        LineComment,
        BlockComment,
    }
    let mut state = State::Code;

    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match state {
            State::Code => match c {
                ';' => {
                    push(&mut out, &mut current, start_line.take(), has_code);
                    has_code = false;
                    continue;
                }
                '\'' => state = State::Single,
                '"' => state = State::Double,
                '-' if chars.peek() == Some(&'-') => state = State::LineComment,
                '/' if chars.peek() == Some(&'*') => state = State::BlockComment,
                _ => {}
            },
            State::Single => {
                if c == '\'' {
                    state = State::Code;
                }
            }
            State::Double => {
                if c == '"' {
                    state = State::Code;
                }
            }
            State::LineComment => {
                if c == '\n' {
                    state = State::Code;
                }
            }
            State::BlockComment => {
                if c == '*' && chars.peek() == Some(&'/') {
                    current.push(c);
                    if let Some(n) = chars.next() {
                        current.push(n);
                    }
                    state = State::Code;
                    continue;
                }
            }
        }
        let in_comment = matches!(state, State::LineComment | State::BlockComment);
        if !c.is_whitespace() && !in_comment && start_line.is_none() {
            start_line = Some(if c == '\n' { line - 1 } else { line });
        }
        if !c.is_whitespace() && !in_comment {
            has_code = true;
        }
        current.push(c);
    }
    push(&mut out, &mut current, start_line, has_code);
    out
}

fn push(out: &mut Vec<Statement>, current: &mut String, line: Option<usize>, has_code: bool) {
    let text = std::mem::take(current);
    if has_code && !text.trim().is_empty() {
        out.push(Statement {
            index: out.len() + 1,
            line: line.unwrap_or(1),
            text: text.trim().to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_lines_quotes_and_comments() {
        let s = split_statements(
            "select 1;\n-- a comment; not a split\nselect ';' as x,\n  2;\n\n/* ; */ select 3",
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].line, 1);
        assert_eq!(s[1].line, 3);
        assert!(s[1].text.contains("';'"));
        assert_eq!(s[2].line, 6);
        assert_eq!(s[2].index, 3);
    }

    #[test]
    fn comment_only_script_is_empty() {
        assert!(split_statements("-- nothing\n;;  ").is_empty());
    }
}
