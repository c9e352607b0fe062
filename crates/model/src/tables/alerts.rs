//! `alerts`: one row per security alert.

table! {
    /// Secret-scanning, code-scanning, dependency or IaC alert.
    alerts => AlertRow, keys [project, repo] {
        /// `secret_scanning`, `code_scanning` or `dependabot`.
        kind: text() => Option<String>,
        /// Alert number in its repository.
        number: int() => Option<i64>,
        /// `open`, `fixed`, `dismissed`, `resolved`, `auto_dismissed`.
        state: text() => Option<String>,
        /// `critical`, `high`, `medium`, `low`, `warning`, `note`, `error`.
        severity: text() => Option<String>,
        /// Rule or advisory id.
        rule: text() => Option<String>,
        /// Tool that raised the alert.
        tool: text() => Option<String>,
        /// Vulnerable package name, or the secret type.
        package_or_secret_type: text() => Option<String>,
        /// Created.
        created_at: timestamp() => Option<String>,
        /// Fixed or resolved.
        fixed_at: timestamp() => Option<String>,
        /// Web URL.
        url: text() => Option<String>,
    }
}
