//! Shell-style globs, shared by everything that selects by name: `--repo` / `--org` row
//! filters, the GitHub collector's repository selection and baseline suppressions. `*` matches
//! any run of characters (including `/`), `?` exactly one; everything else is literal.

/// Glob match: `*` matches any text (including `/`), `?` one character; everything else is
/// literal and case-sensitive.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// [`glob_match`] ignoring case, for organisation and repository names (case-insensitive on
/// GitHub, Azure DevOps and GitLab).
pub fn glob_match_ignore_case(pattern: &str, text: &str) -> bool {
    glob_match(&pattern.to_lowercase(), &text.to_lowercase())
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
        assert!(!glob_match("Api", "api"));
        assert!(glob_match_ignore_case("Api*", "api-gateway"));
        assert!(!glob_match_ignore_case("web", "website"));
    }
}
