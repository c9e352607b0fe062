//! The demo estate's own check: every bundled rule must fail on one resource and pass on another,
//! so the demo shows what each rule looks for.

use anyhow::{Context, Result};
use devquery_engine::{Engine, EngineOptions};
use devquery_rules::{RuleSet, RunOptions, Selection, run_rules};

/// Runs every bundled rule on the snapshot at `dir` and lists the rules without a failing or
/// without a passing finding. Returns the exit code: 0 when every rule has both, else 1.
pub async fn check(dir: &std::path::Path) -> Result<u8> {
    let (engine, _) = Engine::from_snapshot(dir, EngineOptions::default())
        .await
        .with_context(|| format!("opening {}", dir.display()))?;
    let set = RuleSet::load(None).map_err(|e| anyhow::anyhow!("loading the bundled rules: {e}"))?;
    let rules = set
        .select(&Selection::default())
        .map_err(|e| anyhow::anyhow!("selecting the bundled rules: {e}"))?;
    let report = run_rules(&engine, &rules, &RunOptions::now("demo")).await;
    let mut lacking = Vec::new();
    for r in &report.results {
        let mut missing = Vec::new();
        if let Some(e) = &r.error {
            missing.push(format!("errored: {e}"));
        } else {
            if r.counts.fail == 0 {
                missing.push("no fail".to_string());
            }
            if r.counts.pass == 0 {
                missing.push("no pass".to_string());
            }
        }
        if !missing.is_empty() {
            lacking.push(format!("  {:<40} {}", r.rule.id, missing.join(", ")));
        }
    }
    let total = report.results.len();
    if lacking.is_empty() {
        eprintln!("all {total} bundled rules have a failing and a passing finding");
        Ok(0)
    } else {
        eprintln!(
            "{} of {total} bundled rules lack a failing or a passing finding:",
            lacking.len()
        );
        for line in &lacking {
            eprintln!("{line}");
        }
        Ok(1)
    }
}
