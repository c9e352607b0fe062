//! `findings`: one row per rule result (the output of `devquery report`).

table! {
    /// Rule result written by `devquery report --format parquet`. Rules that errored or were not
    /// applicable to the source (they read a column it cannot provide) have no rows.
    findings => FindingRow, keys [project, repo] {
        /// Report run id.
        run_id: text() => Option<String>,
        /// When the report ran.
        run_at: timestamp() => Option<String>,
        /// Rule id (kebab-case, the rule's file name).
        rule_id: text() => Option<String>,
        /// Rule title.
        title: text() => Option<String>,
        /// `critical`, `high`, `medium`, `low` or `info`.
        severity: text() => Option<String>,
        /// `fail`, `pass`, `unknown` or `suppressed`.
        status: text() => Option<String>,
        /// Kind of resource (`repository`, `workflow`, `org`, …).
        resource_type: text() => Option<String>,
        /// The resource the finding is about.
        resource: text() => Option<String>,
        /// Why it fails or passes.
        reason: text() => Option<String>,
        /// File the finding is in, relative to the repository root (e.g. a workflow path); NULL for settings.
        path: text() => Option<String>,
        /// 1-based line in `path`; NULL when unknown.
        line: int() => Option<i64>,
        /// 1-based column in `path`; NULL when unknown.
        column: int() => Option<i64>,
        /// Stable id of the finding across runs: FNV-1a 64-bit hex of `rule_id`, a NUL byte and `resource` (SARIF `partialFingerprints`).
        fingerprint: text() => Option<String>,
        /// DevOps threat-matrix tactics.
        tactics: text_list() => Option<Vec<String>>,
        /// Owning team, when known.
        owner: text() => Option<String>,
    }
}
