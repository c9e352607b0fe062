//! The rules as the catalogue table `devquery_rules`: one row per rule with its header (id,
//! title, severity, platforms, area, tactics, description, remediation, references, parameters),
//! where it came from, and its SQL. Rule running does not read it.

use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::{Engine, EngineError, RuleEntry};

use crate::pack::RuleSet;
use crate::rule::{Origin, Rule};

/// `text`, or `None` when it is empty.
fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

impl Rule {
    /// The rule as a row of `devquery_rules`.
    pub fn catalogue_entry(&self) -> RuleEntry {
        RuleEntry {
            id: self.id.clone(),
            title: self.title.clone(),
            severity: self.severity.as_str().to_string(),
            platforms: self.platforms.clone(),
            area: non_empty(&self.area),
            tactics: self.tactics.clone(),
            description: non_empty(&self.description),
            remediation: non_empty(&self.remediation),
            references: self.references.clone(),
            params: self
                .params
                .iter()
                .map(|p| (p.name.clone(), p.default.clone()))
                .collect(),
            origin: Some(
                match self.origin {
                    Origin::Bundled => "bundled",
                    Origin::Dir => "dir",
                }
                .to_string(),
            ),
            file: non_empty(&self.file),
            sql: Some(self.sql.clone()),
        }
    }
}

/// The rows of `devquery_rules` for `rules`, in their order.
pub fn catalogue_entries(rules: &[Rule]) -> Vec<RuleEntry> {
    rules.iter().map(Rule::catalogue_entry).collect()
}

/// `rules` as the one record batch of `devquery_rules`.
pub fn catalogue_batch(rules: &[Rule]) -> Result<RecordBatch, EngineError> {
    devquery_engine::catalog::rules_batch(&catalogue_entries(rules))
}

impl RuleSet {
    /// Fills `engine`'s `devquery_rules` with this set's rules (replacing what it held).
    pub fn register_catalogue(&self, engine: &Engine) -> Result<(), EngineError> {
        engine.register_rules(&catalogue_entries(self.rules()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_rule_is_one_row() {
        let set = RuleSet::bundled().expect("bundled rules");
        let batch = catalogue_batch(set.rules()).expect("batch");
        assert_eq!(batch.num_rows(), set.len());
        let entry = set.rules()[0].catalogue_entry();
        assert_eq!(entry.id, set.rules()[0].id);
        assert_eq!(entry.origin.as_deref(), Some("bundled"));
        assert!(entry.sql.is_some_and(|s| !s.is_empty()));
    }
}
