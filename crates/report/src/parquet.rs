//! Parquet findings export: `DIR/run_date=YYYY-MM-DD/part-<run_id>.parquet` with the `findings`
//! schema. Written to a temporary file and renamed, so readers never see a partial file, and
//! re-running the same run id replaces its file instead of adding a duplicate.

use std::path::{Path, PathBuf};

use devquery_engine::snapshot::write_parquet;
use devquery_model::Row;
use devquery_model::tables::findings::FindingRow;
use devquery_rules::findings_batch;

use crate::{ReportError, RunReport};

/// The file a run is exported to under `dir`.
pub fn part_path(dir: &Path, report: &RunReport) -> PathBuf {
    let safe: String = report
        .run_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("run_date={}", report.run_at.format("%Y-%m-%d")))
        .join(format!("part-{safe}.parquet"))
}

/// Appends the run's findings to `dir`; returns the file written.
pub fn export(report: &RunReport, dir: &Path) -> Result<PathBuf, ReportError> {
    let target = part_path(dir, report);
    let parent = target.parent().unwrap_or(dir).to_path_buf();
    std::fs::create_dir_all(&parent)?;
    let batch = findings_batch(report)?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    if let Err(e) = write_parquet(&tmp, &FindingRow::spec(), &[batch]) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    std::fs::rename(&tmp, &target)?;
    if let Ok(d) = std::fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    tracing::info!("findings written to {}", target.display());
    Ok(target)
}
