//! Escaping text from the estate before it reaches a terminal or a text report. Workflow names,
//! file names, branch names and error messages come from repositories and servers that an
//! attacker may control; printed raw, an escape sequence in one can recolour, hide or rewrite
//! what the terminal shows (or set its title, or write to the clipboard). [`escape_control`]
//! makes every such character visible as a `\x1b`-style escape instead. Every text output of
//! `query`, the shell and `report` uses it; machine formats (CSV, JSON, SARIF, Parquet) keep
//! the data exact (JSON escapes control characters by its own rules).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown escaped: the C0 controls (newline only when `keep_newlines` is false),
/// DEL, the C1 controls, and the Unicode bidirectional embeddings, overrides and isolates that
/// reorder how text is displayed ("Trojan Source").
pub fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' => !keep_newlines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every character of [`needs_escape`] written as an escape: `\t`, `\r`, `\n`,
/// `\x1b` (below U+0080) or `\u{202e}`. Borrowed, without copying, when nothing needs it.
pub fn escape_control(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
            continue;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            escape_control("ci.yml — déploiement ✓", true),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            escape_control("two\nlines", true),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(
            escape_control("\x1b[31mred\x1b[0m\x07", true),
            "\\x1b[31mred\\x1b[0m\\x07"
        );
        assert_eq!(escape_control("a\tb\rc\nd", true), "a\\tb\\rc\nd");
        assert_eq!(escape_control("a\nb", false), "a\\nb");
        assert_eq!(escape_control("\u{9b}2J\u{7f}", true), "\\u{009b}2J\\x7f");
        assert_eq!(
            escape_control("admin\u{202e}lmy.exe", true),
            "admin\\u{202e}lmy.exe"
        );
    }
}
