//! Input lines gathered into SQL statements in linear time. Each line is scanned once, the
//! scanner's state (inside a string, a quoted identifier or a comment; whether any code was
//! seen; whether the last significant character is `;`) carried to the next line, so a pasted
//! megabyte costs one pass however it is split into lines. Re-lexing the whole buffer on every
//! line, as a naive "is the statement finished?" does, made pasting quadratic.
//!
//! The answers match [`crate::lexer::is_complete`] (a statement ends at a `;` outside quotes and
//! comments) and [`devquery_engine::split_statements`] (what counts as code: anything but
//! whitespace, `;` and comments).

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Between tokens.
    #[default]
    Code,
    /// Inside a `'string'`.
    Single,
    /// Inside a `"quoted identifier"`.
    Double,
    /// Inside a `-- comment` (ends at the line break).
    LineComment,
    /// Inside a `/* comment */`.
    BlockComment,
}

/// What a scan of the text found so far.
#[derive(Debug, Clone, Copy, Default)]
struct Scanner {
    state: State,
    has_code: bool,
    ends_with_semicolon: bool,
}

impl Scanner {
    /// Scans `text` (whole lines, so no two-character token is split).
    fn feed(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            match self.state {
                State::Code => match (c, next) {
                    (';', _) => self.ends_with_semicolon = true,
                    ('\'', _) => self.code(c, State::Single),
                    ('"', _) => self.code(c, State::Double),
                    ('-', Some('-')) => {
                        chars.next();
                        self.state = State::LineComment;
                    }
                    ('/', Some('*')) => {
                        chars.next();
                        self.state = State::BlockComment;
                    }
                    _ => self.code(c, State::Code),
                },
                State::Single if c == '\'' => self.state = State::Code,
                State::Double if c == '"' => self.state = State::Code,
                State::LineComment if c == '\n' => self.state = State::Code,
                State::BlockComment if c == '*' && next == Some('/') => {
                    chars.next();
                    self.state = State::Code;
                }
                _ => {}
            }
        }
    }

    /// A character outside comments: code unless it is whitespace (as the engine's splitter
    /// counts it), significant unless it is ASCII whitespace (as the lexer counts it).
    fn code(&mut self, c: char, then: State) {
        if !c.is_whitespace() {
            self.has_code = true;
        }
        if !c.is_ascii_whitespace() {
            self.ends_with_semicolon = false;
        }
        self.state = then;
    }

    /// Not inside a string, a quoted identifier or a block comment.
    fn closed(self) -> bool {
        matches!(self.state, State::Code | State::LineComment)
    }
}

/// The text of the statement(s) being typed, and what a scan of it found so far.
#[derive(Debug, Clone, Default)]
pub struct StatementBuffer {
    text: String,
    scan: Scanner,
}

impl StatementBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a line (without its line break; one is added) and scans only that line.
    pub fn push_line(&mut self, line: &str) {
        let from = self.text.len();
        self.text.push_str(line);
        self.text.push('\n');
        self.scan.feed(self.text.get(from..).unwrap_or_default());
    }

    /// True when the text holds a statement ending with `;` outside quotes and comments (only
    /// whitespace and comments after it): it is ready to run.
    pub fn is_complete(&self) -> bool {
        self.scan.ends_with_semicolon && self.scan.closed()
    }

    /// True when the text holds code (anything but whitespace, `;` and comments), so a line
    /// starting with `.` continues a statement instead of being a meta-command.
    pub fn has_code(&self) -> bool {
        self.scan.has_code
    }

    /// True when nothing is pending: no code, and not inside a string or block comment (only
    /// whitespace, `;` and finished comments, which can be dropped).
    pub fn is_blank(&self) -> bool {
        !self.scan.has_code && self.scan.closed()
    }

    /// The text gathered so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Takes the text and starts over.
    pub fn take(&mut self) -> String {
        self.scan = Scanner::default();
        std::mem::take(&mut self.text)
    }

    /// Drops the text and starts over.
    pub fn clear(&mut self) {
        self.scan = Scanner::default();
        self.text.clear();
    }
}

#[cfg(test)]
mod tests {
    use devquery_engine::split_statements;

    use super::*;
    use crate::lexer;

    /// Feeds `script` line by line and returns each text that completed.
    fn statements(script: &str) -> (Vec<String>, StatementBuffer) {
        let mut buffer = StatementBuffer::new();
        let mut done = Vec::new();
        for line in script.lines() {
            buffer.push_line(line);
            if buffer.is_complete() {
                done.push(buffer.take());
            }
        }
        (done, buffer)
    }

    #[test]
    fn agrees_with_the_lexer_line_by_line() {
        let script = "select 1;\nselect 'a;\nb' as x\n;\n-- c;\nselect \"q;\" /* ; */\n  from t; -- done\n/* open\n; */ select 2\n;\nselect 'it''s';\n";
        let mut buffer = StatementBuffer::new();
        let mut naive = String::new();
        for line in script.lines() {
            buffer.push_line(line);
            naive.push_str(line);
            naive.push('\n');
            assert_eq!(
                buffer.is_complete(),
                lexer::is_complete(&naive),
                "{naive:?}"
            );
            assert_eq!(
                buffer.has_code(),
                !split_statements(&naive).is_empty(),
                "{naive:?}"
            );
            if buffer.is_complete() {
                buffer.take();
                naive.clear();
            }
        }
        assert!(buffer.is_blank());
    }

    #[test]
    fn open_strings_and_comments_keep_the_statement_open() {
        let (done, rest) = statements("select 'a;\n");
        assert!(done.is_empty() && !rest.is_blank() && rest.has_code());
        let (done, rest) = statements("/* a;\n");
        assert!(done.is_empty() && !rest.is_blank() && !rest.has_code());
        let (done, rest) = statements("-- only a comment;\n\n");
        assert!(done.is_empty() && rest.is_blank());
        // Bare semicolons end an empty statement, as the lexer says; it holds no code.
        let (done, rest) = statements(";;\n");
        assert_eq!(done, [";;\n"]);
        assert!(rest.is_blank());
        let (done, rest) = statements("select 1 -- ;\n");
        assert!(done.is_empty() && rest.has_code());
    }

    #[test]
    fn a_hundred_kilobytes_of_statements_split_in_one_pass() {
        // 2,000 statements of three lines each, with quoted and commented semicolons, and one
        // 40 KB statement whose string spans 4,000 lines.
        let mut script = String::new();
        for i in 0..2000 {
            script.push_str(&format!(
                "select {i} as n, ';' as s -- ;\n  /* ; */ from t\n  where x = 'a;b';\n"
            ));
        }
        script.push_str("select length('");
        for _ in 0..4000 {
            script.push_str("xxxxxxxxx\n");
        }
        script.push_str("') as long;\n");
        assert!(script.len() > 100 * 1024, "{}", script.len());
        let (done, rest) = statements(&script);
        assert_eq!(done.len(), 2001);
        assert!(rest.is_blank());
        assert!(done[7].starts_with("select 7 as n"));
        assert_eq!(done[2000].lines().count(), 4001);
        // The same statements as the engine's splitter finds in the whole script.
        let split = split_statements(&script);
        assert_eq!(split.len(), 2001);
        for (mine, theirs) in done.iter().zip(&split) {
            assert_eq!(mine.trim().trim_end_matches(';').trim(), theirs.text);
        }
    }
}
