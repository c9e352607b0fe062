//! devquery rules: SQL rule files (`queries/<area>/<id>.sql`, a `-- key: value` header then one
//! SELECT), their validation with file:line errors, selection, parameters, the runner that turns
//! rule rows into pass / fail / unknown findings (or reports a rule as not applicable when it
//! reads columns the source cannot provide), baselines that suppress accepted findings, and the
//! `findings` table rows with their stable fingerprints, and the rules as the catalogue table
//! `devquery_rules`.
//!
//! ```ignore
//! # async fn demo(engine: devquery_engine::Engine) -> Result<(), devquery_rules::Error> {
//! use devquery_rules::{RuleSet, RunOptions, Selection, run_rules};
//! let rules = RuleSet::load(None)?;
//! let selected = rules.select(&Selection::default())?;
//! let report = run_rules(&engine, &selected, &RunOptions::now("demo")).await;
//! println!("{} rules, exit {}", report.results.len(), report.exit_code(None));
//! # Ok(()) }
//! ```

pub mod baseline;
pub mod catalogue;
pub mod coverage;
pub mod docs;
pub mod error;
pub mod findings;
pub mod pack;
pub mod params;
pub mod rule;
pub mod run;
pub mod validate;

pub use baseline::{Baseline, Suppression, glob_match};
pub use catalogue::{catalogue_batch, catalogue_entries};
pub use error::{Error, RuleError, RuleErrors};
pub use findings::{finding_rows, findings_batch, fingerprint};
pub use pack::{RuleSet, Selection, bundled_files};
pub use params::{Param, ParamOverrides};
pub use rule::{Origin, Rule, parse_rule};
pub use run::{
    CollectionIssue, Counts, ExpiredSuppression, Finding, RuleResult, RuleState, RunOptions,
    RunReport, Status, default_run_id, run_rules,
};
