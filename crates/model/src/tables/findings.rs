//! `findings`: one row per rule result (the output of `devquery report`).

table! {
    /// Rule result written by `devquery report --format parquet`.
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
        /// DevOps threat-matrix tactics.
        tactics: text_list() => Option<Vec<String>>,
        /// Owning team, when known.
        owner: text() => Option<String>,
    }
}
