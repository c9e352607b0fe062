//! A small, forgiving SQL tokenizer for the line editor: highlighting, completion context,
//! "is this statement finished?" and "which tables does it mention?". It never fails: an
//! unterminated string or comment simply runs to the end of the input.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A reserved word (`SELECT`, `FROM`, …), matched case-insensitively.
    Keyword,
    /// A bare identifier.
    Ident,
    /// A `"quoted"` identifier.
    QuotedIdent,
    /// A `'string'` literal.
    String,
    /// A number literal.
    Number,
    /// A `-- line` or `/* block */` comment.
    Comment,
    /// Whitespace.
    Space,
    /// Any other character (`;`, `,`, `.`, operators, brackets).
    Punct,
}

/// One token: its kind and its byte range in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The kind.
    pub kind: TokenKind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// True for a string, quoted identifier or block comment that is not closed.
    pub unterminated: bool,
}

impl Token {
    /// The token's text in `input`.
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        input.get(self.start..self.end).unwrap_or("")
    }

    /// True for tokens that carry meaning (not whitespace or comments).
    pub fn is_significant(&self) -> bool {
        !matches!(self.kind, TokenKind::Space | TokenKind::Comment)
    }
}

/// SQL keywords highlighted and offered by completion (upper case).
pub const KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CASE",
    "CAST",
    "COPY",
    "CROSS",
    "CUBE",
    "DESC",
    "DESCRIBE",
    "DISTINCT",
    "ELSE",
    "END",
    "EXCEPT",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FILTER",
    "FIRST",
    "FOLLOWING",
    "FROM",
    "FULL",
    "GROUP",
    "GROUPING",
    "HAVING",
    "ILIKE",
    "IN",
    "INNER",
    "INTERSECT",
    "INTERVAL",
    "IS",
    "JOIN",
    "LAST",
    "LATERAL",
    "LEFT",
    "LIKE",
    "LIMIT",
    "NATURAL",
    "NOT",
    "NULL",
    "NULLS",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "OVER",
    "PARTITION",
    "PRECEDING",
    "QUALIFY",
    "RANGE",
    "RECURSIVE",
    "RIGHT",
    "ROLLUP",
    "ROW",
    "ROWS",
    "SELECT",
    "SETS",
    "SHOW",
    "SIMILAR",
    "TABLE",
    "TABLES",
    "THEN",
    "TRUE",
    "TRY_CAST",
    "UNBOUNDED",
    "UNION",
    "UNNEST",
    "USING",
    "VALUES",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

/// Functions offered by completion (lower case, without parentheses).
pub const FUNCTIONS: &[&str] = &[
    "array_agg",
    "array_contains",
    "array_has",
    "array_has_all",
    "array_has_any",
    "array_length",
    "array_to_string",
    "avg",
    "bool_and",
    "bool_or",
    "cardinality",
    "coalesce",
    "concat",
    "contains",
    "count",
    "current_date",
    "date_part",
    "date_trunc",
    "ends_with",
    "generate_series",
    "greatest",
    "ifnull",
    "least",
    "length",
    "lower",
    "max",
    "min",
    "now",
    "nullif",
    "regexp_like",
    "regexp_match",
    "regexp_replace",
    "split_part",
    "starts_with",
    "string_agg",
    "substr",
    "sum",
    "to_timestamp",
    "trim",
    "upper",
];

/// True when `word` is a keyword (any case).
pub fn is_keyword(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    KEYWORDS.binary_search(&upper.as_str()).is_ok()
}

/// Splits `input` into tokens covering every byte.
pub fn tokenize(input: &str) -> Vec<Token> {
    let bytes = input.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let (kind, end, unterminated) = if c.is_ascii_whitespace() {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            (TokenKind::Space, j, false)
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            let end = input[i..].find('\n').map_or(bytes.len(), |n| i + n);
            (TokenKind::Comment, end, false)
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            match input[i + 2..].find("*/") {
                Some(n) => (TokenKind::Comment, i + 2 + n + 2, false),
                None => (TokenKind::Comment, bytes.len(), true),
            }
        } else if c == b'\'' || c == b'"' {
            let (end, closed) = quoted(bytes, i, c);
            let kind = if c == b'\'' {
                TokenKind::String
            } else {
                TokenKind::QuotedIdent
            };
            (kind, end, !closed)
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'.') {
                j += 1;
            }
            (TokenKind::Number, j, false)
        } else if is_ident_byte(c) {
            let mut j = i;
            while j < bytes.len() && is_ident_byte(bytes[j]) {
                j += 1;
            }
            let kind = if is_keyword(&input[i..j]) {
                TokenKind::Keyword
            } else {
                TokenKind::Ident
            };
            (kind, j, false)
        } else {
            // One (possibly multi-byte) character.
            let len = input[i..].chars().next().map_or(1, char::len_utf8);
            (TokenKind::Punct, i + len, false)
        };
        tokens.push(Token {
            kind,
            start,
            end,
            unterminated,
        });
        i = end;
    }
    tokens
}

/// True for bytes that may appear in a bare identifier (ASCII letters, digits, `_`, and any
/// byte of a non-ASCII character).
pub fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Scans a quoted token starting at `start` (the opening quote); a doubled quote is an escape.
fn quoted(bytes: &[u8], start: usize, quote: u8) -> (usize, bool) {
    let mut j = start + 1;
    while j < bytes.len() {
        if bytes[j] == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return (j + 1, true);
        }
        j += 1;
    }
    (bytes.len(), false)
}

/// True when `input` holds at least one statement and ends with `;` outside quotes and comments
/// (trailing whitespace and comments allowed) — the line editor then runs it.
pub fn is_complete(input: &str) -> bool {
    let tokens = tokenize(input);
    if tokens.iter().any(|t| t.unterminated) {
        return false;
    }
    tokens
        .iter()
        .rev()
        .find(|t| t.is_significant())
        .is_some_and(|t| t.text(input) == ";")
}

/// The byte offset where the statement containing `pos` starts: just after the last `;` before
/// `pos` outside quotes and comments.
pub fn statement_start(input: &str, pos: usize) -> usize {
    tokenize(input)
        .iter()
        .filter(|t| t.end <= pos && t.kind == TokenKind::Punct && t.text(input) == ";")
        .map(|t| t.end)
        .next_back()
        .unwrap_or(0)
}

/// The identifiers of `input` (bare or quoted, unquoted and as written), in order.
pub fn identifiers(input: &str) -> Vec<String> {
    tokenize(input)
        .iter()
        .filter_map(|t| match t.kind {
            TokenKind::Ident => Some(t.text(input).to_string()),
            TokenKind::QuotedIdent if !t.unterminated => {
                let s = t.text(input);
                Some(s[1..s.len() - 1].replace("\"\"", "\""))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KEYWORDS);
    }

    #[test]
    fn tokens_cover_the_input() {
        let s = "select 'a;b', \"x\" -- c;\nfrom t /* ; */;";
        let tokens = tokenize(s);
        let joined: String = tokens.iter().map(|t| t.text(s)).collect();
        assert_eq!(joined, s);
        assert_eq!(tokens[0].kind, TokenKind::Keyword);
        assert!(tokens.iter().any(|t| t.kind == TokenKind::String));
        assert!(tokens.iter().any(|t| t.kind == TokenKind::Comment));
    }

    #[test]
    fn completeness() {
        assert!(is_complete("select 1;"));
        assert!(is_complete("select 1; -- done"));
        assert!(is_complete("select\n  1\n;\n"));
        assert!(!is_complete("select 1"));
        assert!(!is_complete("select ';"));
        assert!(!is_complete("select 1 /* ; "));
        assert!(!is_complete("select 1 -- ;"));
        assert!(!is_complete(""));
        assert!(!is_complete("   "));
        assert!(is_complete("select 'it''s';"));
    }

    #[test]
    fn statement_start_skips_quoted_semicolons() {
        let s = "select 1; select ';' from ";
        assert_eq!(statement_start(s, s.len()), 9);
        assert_eq!(statement_start("select", 6), 0);
    }

    #[test]
    fn identifiers_unquote() {
        assert_eq!(
            identifiers("select a from \"Repos\" r where x = 'y'"),
            vec!["a", "Repos", "r", "x"]
        );
    }

    #[test]
    fn non_ascii_does_not_panic() {
        let s = "select 'é' , ü€ from t";
        let joined: String = tokenize(s).iter().map(|t| t.text(s)).collect();
        assert_eq!(joined, s);
    }
}
