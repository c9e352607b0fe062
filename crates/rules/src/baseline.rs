//! Baseline files: known findings suppressed by rule id and resource pattern, with a reason and
//! an optional expiry date. An expired suppression no longer suppresses and is reported.
//!
//! ```yaml
//! - rule: repo-inactive            # rule id (glob patterns allowed)
//!   resource: "acme/legacy-*"      # resource glob: * any text, ? one character
//!   reason: archived after the Q3 migration
//!   expires: 2026-12-31            # optional, YYYY-MM-DD; the suppression ends after this day
//! ```
//!
//! A mapping `{suppressions: [...]}` is accepted as well.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// One suppression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Rule id or glob.
    pub rule: String,
    /// Resource glob.
    pub resource: String,
    /// Why the finding is accepted.
    pub reason: String,
    /// Last day the suppression applies.
    #[serde(default)]
    pub expires: Option<NaiveDate>,
}

impl Suppression {
    /// True when the suppression has expired on `today`.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|d| d < today)
    }

    /// True when the rule id and resource match the patterns.
    pub fn matches(&self, rule_id: &str, resource: &str) -> bool {
        glob_match(&self.rule, rule_id) && glob_match(&self.resource, resource)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    suppressions: Vec<Suppression>,
}

/// A loaded baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The file it came from.
    pub path: PathBuf,
    /// Its suppressions, in file order.
    pub entries: Vec<Suppression>,
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Baseline {
            path: path.to_path_buf(),
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses baseline YAML; `path` is used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let bad = |message: String| Error::Baseline {
            path: path.to_path_buf(),
            message,
        };
        let yaml_err = |e: yaml_serde::Error| {
            let at = e
                .location()
                .map(|l| format!("line {}: ", l.line()))
                .unwrap_or_default();
            bad(format!("{at}{e}"))
        };
        if text.trim().is_empty() {
            return Ok(Self {
                path: path.to_path_buf(),
                entries: Vec::new(),
            });
        }
        let value: yaml_serde::Value = yaml_serde::from_str(text).map_err(yaml_err)?;
        let entries = if value.is_mapping() {
            yaml_serde::from_str::<Wrapped>(text)
                .map_err(yaml_err)?
                .suppressions
        } else {
            yaml_serde::from_str::<Vec<Suppression>>(text).map_err(yaml_err)?
        };
        for (i, e) in entries.iter().enumerate() {
            if e.rule.trim().is_empty() || e.resource.trim().is_empty() {
                return Err(bad(format!(
                    "entry {}: `rule` and `resource` must not be empty",
                    i + 1
                )));
            }
            if e.reason.trim().is_empty() {
                return Err(bad(format!(
                    "entry {} ({} / {}): a suppression needs a `reason`",
                    i + 1,
                    e.rule,
                    e.resource
                )));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The first unexpired suppression matching a finding.
    pub fn find(&self, rule_id: &str, resource: &str, today: NaiveDate) -> Option<&Suppression> {
        self.entries
            .iter()
            .find(|s| !s.is_expired(today) && s.matches(rule_id, resource))
    }
}

/// Glob match (`*` any text, `?` one character, case-sensitive): the one shared
/// implementation in `devquery-model`.
pub use devquery_model::glob_match;
