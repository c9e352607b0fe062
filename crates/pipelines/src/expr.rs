//! Expressions inside scripts: the attacker-controllable GitHub contexts expanded by
//! `${{ ... }}`, the pull-request-controlled Azure Pipelines macros (`$(Build.SourceBranch)`),
//! and the secrets an expression reads (`secrets.X`, `secrets['X']`, `toJSON(secrets)`).

/// Attacker-controllable GitHub contexts (GitHub Security Lab's list, extended with the
/// `workflow_run`, `discussion`, `merge_group`, `check_suite` and committer fields zizmor and
/// poutine also treat as untrusted). `*` stands for one array index or key.
const GITHUB_UNTRUSTED: &[&str] = &[
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.pull_request.head.repo.description",
    "github.event.pull_request.head.repo.homepage",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.commits.*.committer.email",
    "github.event.commits.*.committer.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.head_commit.committer.email",
    "github.event.head_commit.committer.name",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.head_commit.committer.email",
    "github.event.workflow_run.head_commit.committer.name",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.workflow_run.head_repository.description",
    "github.event.check_suite.head_branch",
    "github.event.check_run.check_suite.head_branch",
    "github.event.merge_group.head_commit.message",
    "github.event.merge_group.head_commit.author.email",
    "github.event.merge_group.head_commit.author.name",
];

/// Azure Pipelines predefined variables whose value the author of a pull request or commit
/// controls (branch names, commit messages, display names).
const ADO_UNTRUSTED: &[&str] = &[
    "Build.SourceBranch",
    "Build.SourceBranchName",
    "Build.SourceVersionMessage",
    "Build.RequestedFor",
    "Build.RequestedForEmail",
    "Build.QueuedBy",
    "System.PullRequest.SourceBranch",
    "System.PullRequest.SourceBranchName",
    "System.PullRequest.SourceRepositoryURI",
];

/// The bodies of the `${{ ... }}` expressions in a text.
pub(crate) fn expressions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        match find_expr_end(after) {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 2..];
            }
            None => {
                out.push(after);
                break;
            }
        }
    }
    out
}

/// Index of the `}}` closing an expression body, skipping single-quoted string literals.
fn find_expr_end(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => in_string = !in_string,
            b'}' if !in_string && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    // An unterminated string literal: fall back to the first `}}`.
    body.find("}}")
}

/// Context references (`github.event.issue.title`, `secrets.TOKEN`, `secrets`) in an
/// expression body, with `[0]` / `['key']` / `[expr]` indexing written as `.*` / `.key` / `.*`.
/// String literals are skipped.
pub(crate) fn context_refs(expr: &str) -> Vec<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Skip a string literal ('' is an escaped quote: two literals in a row are fine).
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            continue;
        }
        let starts = (c.is_ascii_alphabetic() || c == '_')
            && (i == 0 || !is_ident(chars[i - 1]) && chars[i - 1] != '.');
        if !starts {
            i += 1;
            continue;
        }
        let mut path = String::new();
        // First segment.
        while i < chars.len() && is_ident(chars[i]) {
            path.push(chars[i]);
            i += 1;
        }
        loop {
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                let mut seg = String::new();
                while i < chars.len() && (is_ident(chars[i]) || chars[i] == '*') {
                    seg.push(chars[i]);
                    i += 1;
                }
                if seg.is_empty() {
                    break;
                }
                path.push('.');
                path.push_str(&seg);
            } else if i < chars.len() && chars[i] == '[' {
                let (seg, next) = bracket_segment(&chars, i);
                path.push('.');
                path.push_str(&seg);
                i = next;
            } else {
                break;
            }
        }
        // A function call (`contains(`) is not a context.
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j < chars.len() && chars[j] == '(' && !path.contains('.') {
            continue;
        }
        out.push(path);
    }
    out
}

/// Reads `[...]` at `start`; returns the segment (`key` for a quoted key, `*` otherwise) and the
/// index after the closing bracket.
fn bracket_segment(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start + 1;
    while i < chars.len() && chars[i] == ' ' {
        i += 1;
    }
    if i < chars.len() && (chars[i] == '\'' || chars[i] == '"') {
        let quote = chars[i];
        let mut key = String::new();
        i += 1;
        while i < chars.len() && chars[i] != quote {
            key.push(chars[i]);
            i += 1;
        }
        i += 1;
        while i < chars.len() && chars[i] != ']' {
            i += 1;
        }
        return (key, i + 1);
    }
    let mut depth = 1;
    while i < chars.len() && depth > 0 {
        match chars[i] {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    ("*".to_string(), i)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether a (lower-cased) context path matches an untrusted pattern, or is an object that
/// contains one (`github.event.issue` expanded by `toJSON`).
fn is_untrusted(path: &str) -> bool {
    let segs: Vec<&str> = path.split('.').collect();
    GITHUB_UNTRUSTED.iter().any(|pattern| {
        let pat: Vec<&str> = pattern.split('.').collect();
        if segs.len() > pat.len() || segs.len() < 2 && segs.first() != Some(&"github") {
            return false;
        }
        segs.iter()
            .zip(&pat)
            .all(|(s, p)| *p == "*" || *s == "*" || s == p)
    })
}

/// The attacker-controllable contexts expanded by `${{ ... }}` in a script, lower-cased and
/// de-duplicated in order of appearance.
pub fn github_untrusted_inputs(script: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for expr in expressions(script) {
        for path in context_refs(expr) {
            let lower = path.to_ascii_lowercase();
            if lower.starts_with("github") && is_untrusted(&lower) && !out.contains(&lower) {
                out.push(lower);
            }
        }
    }
    out
}

/// The pull-request-controlled Azure Pipelines variables a script expands, as `$(Name)` macros
/// or as `variables['Name']` / `variables.Name` in template and runtime expressions.
pub fn ado_untrusted_macros(script: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        if let Some(canonical) = ADO_UNTRUSTED.iter().find(|c| c.eq_ignore_ascii_case(name))
            && !out.iter().any(|o| o == canonical)
        {
            out.push((*canonical).to_string());
        }
    };
    let mut rest = script;
    while let Some(start) = rest.find("$(") {
        let after = &rest[start + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if after[end..].starts_with(')') {
            push(&after[..end]);
        }
        rest = &after[end..];
    }
    let lower = script.to_ascii_lowercase();
    if lower.contains("variables") {
        for expr in expressions(script)
            .into_iter()
            .chain(runtime_expressions(script))
        {
            for path in context_refs(expr) {
                if let Some(name) = path
                    .strip_prefix("variables.")
                    .or_else(|| path.strip_prefix("Variables."))
                {
                    push(name);
                }
            }
            // `variables['Build.SourceBranch']` keeps its dots inside the quotes.
            let mut r = expr;
            while let Some(i) = r.find("variables[") {
                let after = &r[i + 10..];
                let inner = after.trim_start_matches([' ', '\'', '"']);
                let end = inner.find(['\'', '"', ']']).unwrap_or(inner.len());
                push(&inner[..end]);
                r = after;
            }
        }
    }
    out
}

/// The bodies of Azure Pipelines runtime expressions `$[ ... ]`.
fn runtime_expressions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("$[") {
        let after = &rest[start + 2..];
        let end = after.find(']').unwrap_or(after.len());
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// The secrets an expression body reads: names from `secrets.X` / `secrets['X']`, `*` for the
/// whole context (`toJSON(secrets)`) or a computed name (`secrets[matrix.name]`).
pub(crate) fn secrets_in_expr(expr: &str, out: &mut Vec<String>) {
    for path in context_refs(expr) {
        let mut segs = path.splitn(3, '.');
        if !segs
            .next()
            .is_some_and(|s| s.eq_ignore_ascii_case("secrets"))
        {
            continue;
        }
        let name = segs.next().unwrap_or("*").to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    }
}

/// The secrets the `${{ ... }}` expressions of a text read (see [`secrets_in_expr`]).
pub fn secrets_referenced(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for expr in expressions(text) {
        secrets_in_expr(expr, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_untrusted_contexts() {
        let s = "echo ${{ github.event.issue.title }} ${{ github.event.commits[0].message }} \
                 ${{ toJSON(github.event.pull_request) }} ${{ github.event.pull_request.number }} \
                 ${{ 'github.head_ref' }} ${{ github.event['comment']['body'] }}";
        assert_eq!(
            github_untrusted_inputs(s),
            vec![
                "github.event.issue.title",
                "github.event.commits.*.message",
                "github.event.pull_request",
                "github.event.comment.body"
            ]
        );
    }

    #[test]
    fn finds_secrets() {
        let s =
            "${{ secrets.A }} ${{ secrets['B'] }} ${{ toJSON(secrets) }} ${{ secrets[matrix.x] }}";
        assert_eq!(secrets_referenced(s), vec!["A", "B", "*"]);
    }

    #[test]
    fn finds_ado_macros() {
        let s = "echo $(Build.SourceBranchName) $(build.sourceversionmessage) $(Build.BuildId) \
                 ${{ variables['System.PullRequest.SourceBranch'] }}";
        assert_eq!(
            ado_untrusted_macros(s),
            vec![
                "Build.SourceBranchName",
                "Build.SourceVersionMessage",
                "System.PullRequest.SourceBranch"
            ]
        );
    }
}
