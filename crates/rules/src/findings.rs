//! Report results as rows of the `findings` table (the Parquet export and SQL over findings).

use datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::datafusion;
use devquery_model::tables::findings::FindingRow;
use devquery_model::{Row, RowsError, to_batch};

use crate::run::RunReport;

/// One `findings` row per finding of every rule that ran (errored rules have none).
pub fn finding_rows(report: &RunReport) -> Vec<FindingRow> {
    let run_at = report
        .run_at
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut rows = Vec::new();
    for result in &report.results {
        let rule = &result.rule;
        for f in &result.findings {
            rows.push(FindingRow {
                platform: f.platform.clone(),
                host: f.host.clone(),
                org: f.org.clone(),
                project: f.project.clone(),
                repo: f.repo.clone(),
                run_id: Some(report.run_id.clone()),
                run_at: Some(run_at.clone()),
                rule_id: Some(rule.id.clone()),
                title: Some(rule.title.clone()),
                severity: Some(rule.severity.as_str().to_string()),
                status: Some(f.status.as_str().to_string()),
                resource_type: Some(f.resource_type.clone()),
                resource: Some(f.resource.clone()),
                reason: Some(f.reason.clone()),
                tactics: Some(rule.tactics.clone()),
                owner: f.owner.clone(),
            });
        }
    }
    rows
}

/// The findings as one record batch with exactly the `findings` schema.
pub fn findings_batch(report: &RunReport) -> Result<RecordBatch, RowsError> {
    to_batch(&FindingRow::spec(), &finding_rows(report))
}
