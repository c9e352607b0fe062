//! Globs over names, shared by everything that selects by name: `--repo` / `--org` row
//! filters, the GitHub collector's repository selection and ruleset conditions, and baseline
//! suppressions. Patterns are compiled with `globset`, in one of two syntaxes:
//!
//! - **name globs** ([`GlobPattern::name`], [`glob_match`]): `*` matches any run of characters
//!   (including `/`), `?` exactly one; everything else (`[`, `]`, `{`, `}`, `,`, `\`) is
//!   literal, and `**` is the same as `*`.
//! - **GitHub ref patterns** ([`GlobPattern::fnmatch`]): `File.fnmatch` with `FNM_PATHNAME`, as
//!   GitHub reads branch protection and ruleset patterns: `*` and `?` stop at `/`, `**/` spans
//!   any number of directories (another `**` is a `*`), `[...]` is a character class (`[!...]`
//!   negated); braces and backslashes are literal, as GitHub has neither alternation nor
//!   escapes.
//!
//! `?` and a class match one byte: one character of an ASCII name (a non-ASCII character is
//! matched by `*`). Case-insensitive patterns compare lower-cased pattern and text, as
//! `str::to_lowercase` folds them. A pattern that does not compile (an unclosed `[` in a ref
//! pattern) matches only its own text; [`GlobPattern::try_fnmatch`] reports it instead.

use std::cell::RefCell;
use std::collections::HashMap;

use globset::{GlobBuilder, GlobMatcher};

/// A pattern that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid glob `{pattern}`: {reason}")]
pub struct GlobError {
    /// The pattern as written.
    pub pattern: String,
    /// Why it does not compile.
    pub reason: String,
}

/// The two pattern syntaxes (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Name,
    Fnmatch,
}

/// A compiled glob: build it once, match it against many names.
#[derive(Debug, Clone)]
pub struct GlobPattern {
    /// The pattern as written.
    pattern: String,
    /// The pattern lower-cased when matching ignores case (compared with a name when the
    /// pattern did not compile).
    folded: String,
    /// The compiled pattern; `None` when it did not compile (then matched as literal text).
    matcher: Option<GlobMatcher>,
    ignore_case: bool,
}

impl GlobPattern {
    /// A case-sensitive name glob (rule ids, baseline resources).
    pub fn name(pattern: &str) -> Self {
        Self::build(pattern, Syntax::Name, false)
    }

    /// A name glob ignoring case (organisation and repository names, case-insensitive on
    /// GitHub, Azure DevOps and GitLab).
    pub fn name_ignore_case(pattern: &str) -> Self {
        Self::build(pattern, Syntax::Name, true)
    }

    /// A case-sensitive GitHub ref pattern (branch names are case-sensitive); one that does
    /// not compile matches only its own text.
    pub fn fnmatch(pattern: &str) -> Self {
        Self::build(pattern, Syntax::Fnmatch, false)
    }

    /// A GitHub pattern ignoring case (a ruleset's repository names).
    pub fn fnmatch_ignore_case(pattern: &str) -> Self {
        Self::build(pattern, Syntax::Fnmatch, true)
    }

    /// A case-sensitive GitHub ref pattern, or why it does not compile.
    pub fn try_fnmatch(pattern: &str) -> Result<Self, GlobError> {
        Self::try_build(pattern, Syntax::Fnmatch, false)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the pattern compiled (`false`: it is compared as literal text).
    pub fn is_glob(&self) -> bool {
        self.matcher.is_some()
    }

    /// Whether `text` matches the whole pattern.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.matcher {
            // The compiled pattern folds ASCII itself; other letters are folded here.
            Some(m) if self.ignore_case && !text.is_ascii() => m.is_match(text.to_lowercase()),
            Some(m) => m.is_match(text),
            None if self.ignore_case => self.folded == text.to_lowercase(),
            None => self.folded == text,
        }
    }

    fn build(pattern: &str, syntax: Syntax, ignore_case: bool) -> Self {
        Self::try_build(pattern, syntax, ignore_case).unwrap_or_else(|_| Self {
            pattern: pattern.to_string(),
            folded: fold(pattern, ignore_case),
            matcher: None,
            ignore_case,
        })
    }

    fn try_build(pattern: &str, syntax: Syntax, ignore_case: bool) -> Result<Self, GlobError> {
        let folded = fold(pattern, ignore_case);
        let source = match syntax {
            Syntax::Name => name_source(&folded),
            Syntax::Fnmatch => fnmatch_source(&folded),
        };
        let glob = GlobBuilder::new(&source)
            .literal_separator(syntax == Syntax::Fnmatch)
            .backslash_escape(true)
            .case_insensitive(ignore_case)
            .build()
            .map_err(|e| GlobError {
                pattern: pattern.to_string(),
                reason: e.kind().to_string(),
            })?;
        Ok(Self {
            pattern: pattern.to_string(),
            folded,
            matcher: Some(glob.compile_matcher()),
            ignore_case,
        })
    }
}

fn fold(text: &str, ignore_case: bool) -> String {
    if ignore_case {
        text.to_lowercase()
    } else {
        text.to_string()
    }
}

/// A name glob in globset's syntax: `*` (a run of them collapsed into one) and `?` stay
/// wildcards, every other globset metacharacter is escaped.
fn name_source(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut after_star = false;
    for c in pattern.chars() {
        match c {
            '*' if after_star => {}
            '*' | '?' => out.push(c),
            '[' | ']' | '{' | '}' | ',' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        after_star = c == '*';
    }
    out
}

/// A GitHub ref pattern in globset's syntax: braces and backslashes escaped, and a run of
/// stars kept as `**` only before a `/` (anywhere else fnmatch reads it as one `*`).
fn fnmatch_source(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '*' => {
                let mut run = 1;
                while chars.next_if_eq(&'*').is_some() {
                    run += 1;
                }
                let recursive = run > 1 && chars.peek() == Some(&'/');
                out.push_str(if recursive { "**" } else { "*" });
            }
            _ => out.push(c),
        }
    }
    out
}

/// How many compiled name globs each thread keeps for [`glob_match`] and
/// [`glob_match_ignore_case`] before starting afresh.
const CACHE_LIMIT: usize = 1024;

thread_local! {
    /// Compiled name globs by pattern: `[case-sensitive, ignoring case]`.
    static CACHE: RefCell<[HashMap<String, GlobPattern>; 2]> =
        RefCell::new([HashMap::new(), HashMap::new()]);
}

fn cached_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let map = &mut cache[usize::from(ignore_case)];
        if let Some(compiled) = map.get(pattern) {
            return compiled.is_match(text);
        }
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        let compiled = GlobPattern::build(pattern, Syntax::Name, ignore_case);
        let hit = compiled.is_match(text);
        map.insert(pattern.to_string(), compiled);
        hit
    })
}

/// Name glob match: `*` matches any text (including `/`), `?` one character; everything else
/// is literal and case-sensitive. Compiled patterns are cached per thread; a caller matching
/// one pattern against many names can hold a [`GlobPattern::name`] instead.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    cached_match(pattern, text, false)
}

/// [`glob_match`] ignoring case, for organisation and repository names (case-insensitive on
/// GitHub, Azure DevOps and GitLab).
pub fn glob_match_ignore_case(pattern: &str, text: &str) -> bool {
    cached_match(pattern, text, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(glob_match("acme/*-api", "acme/x-api"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "a/b/xc"));
        assert!(!glob_match("acme/?", "acme/xy"));
        assert!(glob_match("acme/?", "acme/x"));
        assert!(!glob_match("Api", "api"));
        assert!(glob_match_ignore_case("Api*", "api-gateway"));
        assert!(!glob_match_ignore_case("web", "website"));
        assert!(glob_match("", ""));
        assert!(!glob_match("", "x"));
    }

    #[test]
    fn name_globs_treat_other_metacharacters_as_text() {
        assert!(glob_match("[ab]", "[ab]"));
        assert!(!glob_match("[ab]", "a"));
        assert!(glob_match("{a,b}-*", "{a,b}-x"));
        assert!(!glob_match("{a,b}", "a"));
        assert!(glob_match(r"a\b*", r"a\bc"));
        assert!(!glob_match(r"a\*", "a*x"));
        assert!(glob_match(r"a\*", r"a\x"));
    }

    #[test]
    fn double_stars_in_names_are_single_stars() {
        assert!(glob_match("**/x", "a/b/x"));
        assert!(!glob_match("**/x", "x"));
        assert!(glob_match("a/**/b", "a//b"));
        assert!(!glob_match("a/**/b", "a/b"));
        assert!(glob_match("a/**", "a/b/c"));
        assert!(glob_match("group/*", "group/sub/app"));
    }

    #[test]
    fn ignoring_case_folds_unicode_names() {
        assert!(glob_match_ignore_case("ÉQUIPE-*", "équipe-web"));
        assert!(glob_match_ignore_case("équipe-*", "ÉQUIPE-WEB"));
        assert!(glob_match_ignore_case("caf*", "CAFÉ"));
        assert!(!glob_match("ÉQUIPE-*", "équipe-web"));
        let p = GlobPattern::name_ignore_case("Contoso/*");
        assert!(p.is_match("CONTOSO/Ledger"));
        assert!(!p.is_match("fabrikam/ledger"));
        assert_eq!(p.as_str(), "Contoso/*");
    }

    #[test]
    fn ref_patterns_read_like_github_fnmatch() {
        let p = GlobPattern::fnmatch("release/*");
        assert!(p.is_match("release/1.0"));
        assert!(!p.is_match("release/1.0/hotfix"));
        assert!(!p.is_match("Release/1.0"));
        assert!(GlobPattern::fnmatch("release/**/*").is_match("release/a/b/c"));
        assert!(GlobPattern::fnmatch("qa**/**/*").is_match("qa-team/foo/bar"));
        assert!(!GlobPattern::fnmatch("release/**").is_match("release/a/b"));
        assert!(GlobPattern::fnmatch("release/**").is_match("release/a"));
        assert!(GlobPattern::fnmatch("v[0-9]*").is_match("v2-beta"));
        assert!(!GlobPattern::fnmatch("v[0-9]*").is_match("vx"));
        assert!(GlobPattern::fnmatch("{a,b}").is_match("{a,b}"));
        assert!(!GlobPattern::fnmatch("{a,b}").is_match("a"));
        assert!(GlobPattern::fnmatch_ignore_case("API-*").is_match("api-gateway"));
    }

    #[test]
    fn invalid_ref_patterns_are_reported_or_compared_as_text() {
        let err = GlobPattern::try_fnmatch("release/[").unwrap_err();
        assert_eq!(err.pattern, "release/[");
        assert!(err.to_string().contains("release/["), "{err}");
        let p = GlobPattern::fnmatch("release/[");
        assert!(!p.is_glob());
        assert!(p.is_match("release/["));
        assert!(!p.is_match("release/x"));
        assert!(GlobPattern::fnmatch("main").is_glob());
    }

    #[test]
    fn the_cache_keeps_answers_when_it_overflows() {
        for i in 0..CACHE_LIMIT + 10 {
            assert!(glob_match(&format!("repo-{i}-*"), &format!("repo-{i}-x")));
        }
        assert!(glob_match("repo-0-*", "repo-0-y"));
        assert!(!glob_match("repo-0-*", "repo-1-y"));
        assert!(glob_match_ignore_case("REPO-0-*", "repo-0-y"));
    }
}
