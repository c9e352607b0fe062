//! `devquery_rules`: one row per rule of the rule pack.

use std::collections::BTreeMap;

catalogue_table! {
    /// Posture rule of the rule pack (bundled, plus `--rules DIR` where a command takes it).
    devquery_rules => RuleEntry {
        /// Kebab-case rule id.
        id: text() => String,
        /// One-line title.
        title: text() => String,
        /// Severity of a failing finding: `critical`, `high`, `medium`, `low` or `info`.
        severity: text() => String,
        /// Platforms the rule applies to; empty for every platform.
        platforms: text_list() => Vec<String>,
        /// Folder of the rule file under `queries/` (`repos`, `workflows`, …).
        area: text() => Option<String>,
        /// Threat-matrix tactics.
        tactics: text_list() => Vec<String>,
        /// What is wrong and why it matters.
        description: text() => Option<String>,
        /// How to fix it.
        remediation: text() => Option<String>,
        /// Recommendations, CIS ids, Scorecard checks, audits and URLs.
        references: text_list() => Vec<String>,
        /// Parameters (`{{name}}` in the SQL) and their defaults.
        params: text_map() => BTreeMap<String, String>,
        /// `bundled`, or `dir` for a rule from `--rules DIR`.
        origin: text() => Option<String>,
        /// The rule file.
        file: text() => Option<String>,
        /// The rule's SELECT, with `{{name}}` parameter placeholders.
        sql: text() => Option<String>,
    }
}
