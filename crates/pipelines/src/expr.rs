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
    expression_spans(text)
        .into_iter()
        .map(|(_, body)| body)
        .collect()
}

/// The `${{ ... }}` expressions of a text: the byte offset of each `${{` and the body.
fn expression_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = text.get(at..).and_then(|rest| rest.find("${{")) {
        let open = at + start;
        let body_start = open + 3;
        let after = text.get(body_start..).unwrap_or_default();
        match find_expr_end(after) {
            Some(end) => {
                out.push((open, &after[..end]));
                at = body_start + end + 2;
            }
            None => {
                out.push((open, after));
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
    for o in github_untrusted_occurrences(script) {
        if !out.contains(&o.input) {
            out.push(o.input);
        }
    }
    out
}

/// One place where a script expands an untrusted input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Occurrence {
    /// The input, as listed in `untrusted_inputs`.
    pub input: String,
    /// Byte offset in the script of the expression's opening `marker`.
    pub offset: usize,
    /// How the expression opens: `${{`, `$(` or `$[`.
    pub marker: &'static str,
}

/// Every occurrence of an untrusted GitHub context in a script's `${{ ... }}` expressions, in
/// order (an expression naming several untrusted contexts gives one occurrence per context).
pub(crate) fn github_untrusted_occurrences(script: &str) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> = Vec::new();
    for (offset, expr) in expression_spans(script) {
        for path in context_refs(expr) {
            let lower = path.to_ascii_lowercase();
            if lower.starts_with("github")
                && is_untrusted(&lower)
                && !out.iter().any(|o| o.offset == offset && o.input == lower)
            {
                out.push(Occurrence {
                    input: lower,
                    offset,
                    marker: "${{",
                });
            }
        }
    }
    out
}

/// The pull-request-controlled Azure Pipelines variables a script expands, as `$(Name)` macros
/// or as `variables['Name']` / `variables.Name` in template and runtime expressions.
pub fn ado_untrusted_macros(script: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in ado_matches(script) {
        if !out.contains(&o.input) {
            out.push(o.input);
        }
    }
    out
}

/// Every occurrence of a pull-request-controlled Azure Pipelines variable in a script, sorted
/// by position (one per expression and variable).
pub(crate) fn ado_untrusted_occurrences(script: &str) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> = Vec::new();
    for o in ado_matches(script) {
        if !out
            .iter()
            .any(|x| x.offset == o.offset && x.input == o.input)
        {
            out.push(o);
        }
    }
    out.sort_by_key(|o| o.offset);
    out
}

/// Untrusted variables in a script: `$(...)` macros first, then the template and runtime
/// expressions reading `variables` (the order `ado_untrusted_macros` lists them in).
fn ado_matches(script: &str) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut push = |name: &str, offset: usize, marker: &'static str| {
        if let Some(canonical) = ADO_UNTRUSTED.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            out.push(Occurrence {
                input: (*canonical).to_string(),
                offset,
                marker,
            });
        }
    };
    let mut at = 0;
    while let Some(start) = script.get(at..).and_then(|rest| rest.find("$(")) {
        let open = at + start;
        let after = script.get(open + 2..).unwrap_or_default();
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if after[end..].starts_with(')') {
            push(&after[..end], open, "$(");
        }
        at = open + 2 + end;
    }
    if script.to_ascii_lowercase().contains("variables") {
        let template = expression_spans(script)
            .into_iter()
            .map(|(offset, expr)| (offset, expr, "${{"));
        let runtime = runtime_expression_spans(script)
            .into_iter()
            .map(|(offset, expr)| (offset, expr, "$["));
        for (offset, expr, marker) in template.chain(runtime) {
            for name in variables_read(expr) {
                push(&name, offset, marker);
            }
        }
    }
    out
}

/// The variable names an expression reads as `variables.Name` or `variables['Name']`.
fn variables_read(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for path in context_refs(expr) {
        if let Some(name) = path
            .strip_prefix("variables.")
            .or_else(|| path.strip_prefix("Variables."))
        {
            out.push(name.to_string());
        }
    }
    // `variables['Build.SourceBranch']` keeps its dots inside the quotes.
    let mut r = expr;
    while let Some(i) = r.find("variables[") {
        let after = &r[i + 10..];
        let inner = after.trim_start_matches([' ', '\'', '"']);
        let end = inner.find(['\'', '"', ']']).unwrap_or(inner.len());
        out.push(inner[..end].to_string());
        r = after;
    }
    out
}

/// The Azure Pipelines runtime expressions `$[ ... ]` of a text: the byte offset of each `$[`
/// and the body.
fn runtime_expression_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = text.get(at..).and_then(|rest| rest.find("$[")) {
        let open = at + start;
        let after = text.get(open + 2..).unwrap_or_default();
        let end = after.find(']').unwrap_or(after.len());
        out.push((open, &after[..end]));
        at = open + 2 + end;
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
    fn occurrences_carry_offsets() {
        let s = "a ${{ github.head_ref }} b ${{ github.head_ref || github.event.issue.title }}";
        let got: Vec<(String, usize)> = github_untrusted_occurrences(s)
            .into_iter()
            .map(|o| (o.input, o.offset))
            .collect();
        assert_eq!(
            got,
            vec![
                ("github.head_ref".to_string(), 2),
                ("github.head_ref".to_string(), 27),
                ("github.event.issue.title".to_string(), 27)
            ]
        );
        let s = "x $[ variables['Build.SourceBranch'] ] $(Build.SourceBranch)";
        let got: Vec<(String, usize, &str)> = ado_untrusted_occurrences(s)
            .into_iter()
            .map(|o| (o.input, o.offset, o.marker))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Build.SourceBranch".to_string(), 2, "$["),
                ("Build.SourceBranch".to_string(), 39, "$(")
            ]
        );
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
