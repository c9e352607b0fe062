//! Report results as rows of the `findings` table (the Parquet export and SQL over findings).

use datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::datafusion;
use devquery_model::tables::findings::FindingRow;
use devquery_model::{Row, RowsError, to_batch};

use crate::run::RunReport;

/// The stable fingerprint of a finding: FNV-1a 64-bit of `rule_id`, a NUL byte and `resource`,
/// as 16 lowercase hex digits. The same value across runs (no run id, time or position in it),
/// used as SARIF's `partialFingerprints` and the `findings.fingerprint` column.
pub fn fingerprint(rule_id: &str, resource: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = rule_id
        .bytes()
        .chain(std::iter::once(0))
        .chain(resource.bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A 1-based position as a table value (positions beyond `i64` are dropped, never wrapped).
fn position(value: Option<u64>) -> Option<i64> {
    value.and_then(|v| i64::try_from(v).ok())
}

/// One `findings` row per finding of every rule that ran (errored rules and rules not
/// applicable to the source have none).
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
                path: f.path.clone(),
                line: position(f.line),
                column: position(f.column),
                fingerprint: Some(fingerprint(&rule.id, &f.resource)),
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
