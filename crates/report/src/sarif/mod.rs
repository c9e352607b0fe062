//! SARIF 2.1.0 built for GitHub code scanning (and readable by any SARIF viewer).
//!
//! One run per file: the rules as `tool.driver.rules` (help text and Markdown with the
//! remediation, `helpUri`, `security-severity`, at most ten `tags` starting with `security`);
//! failing findings as results (`error` / `warning` / `note`), suppressed ones with an external
//! suppression, unknown ones as `review` results. Every result has a physical location: the
//! pipeline file relative to the repository root with its line (and column), or, for a finding
//! about settings, the stable pseudo-path `.github/devquery/<resource_type>` line 1 (see
//! `docs/sarif.md`), plus a logical location naming the resource. `partialFingerprints` carry
//! [`devquery_rules::fingerprint`] (the value the findings export records). Errored and
//! not-applicable rules, partial collection and results left out to stay inside code scanning's
//! limits become tool execution notifications; the run is always `executionSuccessful` (code
//! scanning discards an upload that says otherwise).
//!
//! [`single`] builds the one-file log, [`split`] one file per repository, [`check`] asserts
//! GitHub's documented ingestion rules.
//!
//! The log is built from `serde-sarif`'s structs, which are generated from the OASIS SARIF
//! 2.1.0 schema: every object, field name and field type is the schema's, checked by the
//! compiler, so a misspelt property or a number where the schema wants a string cannot reach a
//! file. Only property bags (`properties`), free-form by definition, hold JSON values.

pub mod check;
mod descriptor;
mod result;
pub mod split;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use devquery_model::Severity;
use devquery_rules::{Finding, RuleResult, Status};
use serde_json::{Value, json};
use serde_sarif::sarif as schema;

use crate::{Options, ReportError, RunReport};

pub use check::{check_github_ingestion, check_github_upload};
pub use descriptor::{help_uri, tags};
pub use result::{pseudo_path, repo_relative_uri};
pub use split::{SplitKey, WrittenFile, for_each_split, write_split};

/// The project's repository: `informationUri` and the base of rule help links.
pub const REPOSITORY_URL: &str = "https://github.com/devquery/devquery";
/// `$schema` of every log (the URI GitHub's documentation uses).
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of devquery's own fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "devquery/v1";
/// The `partialFingerprints` key code scanning matches alerts with.
pub const LINE_HASH_KEY: &str = "primaryLocationLineHash";
/// Folder of the pseudo-paths of findings that are not in a file.
pub const PSEUDO_ROOT: &str = ".github/devquery";
/// The `uriBaseId` of every artifact location: the root of the repository.
pub const SRCROOT: &str = "%SRCROOT%";

/// GitHub code scanning's documented limits ("SARIF support for code scanning").
pub mod limits {
    /// Runs per file (hard).
    pub const RUNS_PER_FILE: usize = 20;
    /// Results per run (hard; only the 5,000 most severe are shown).
    pub const RESULTS_PER_RUN: usize = 25_000;
    /// Results per run code scanning displays.
    pub const RESULTS_SHOWN: usize = 5_000;
    /// Rules per run (hard).
    pub const RULES_PER_RUN: usize = 25_000;
    /// Tool extensions per run (hard).
    pub const EXTENSIONS_PER_RUN: usize = 100;
    /// Thread flow locations per result (hard).
    pub const THREAD_FLOW_LOCATIONS_PER_RESULT: usize = 10_000;
    /// Locations per result (hard; only 100 are shown).
    pub const LOCATIONS_PER_RESULT: usize = 1_000;
    /// Tags per rule (hard).
    pub const TAGS_PER_RULE: usize = 20;
    /// Tags per rule code scanning displays (devquery writes no more).
    pub const TAGS_SHOWN: usize = 10;
    /// Size of the gzip-compressed file, in bytes (10 MB, counted in decimal to stay safe).
    pub const GZIP_BYTES: u64 = 10_000_000;
    /// Characters of a rule `name`.
    pub const NAME_CHARS: usize = 255;
    /// Characters of a rule's short and full description.
    pub const DESCRIPTION_CHARS: usize = 1024;
}

/// The SARIF level of a severity's failing results.
pub fn result_level(sev: Severity) -> schema::ResultLevel {
    match sev {
        Severity::Critical | Severity::High => schema::ResultLevel::Error,
        Severity::Medium => schema::ResultLevel::Warning,
        Severity::Low | Severity::Info => schema::ResultLevel::Note,
    }
}

/// [`result_level`] as the schema spells it (`error`, `warning`, `note`): the rules' default
/// configuration, whose `level` the schema leaves an untyped JSON value.
pub fn level(sev: Severity) -> &'static str {
    match result_level(sev) {
        schema::ResultLevel::Error => "error",
        schema::ResultLevel::Warning => "warning",
        schema::ResultLevel::Note => "note",
        schema::ResultLevel::None => "none",
    }
}

/// A count or position as the schema's integer type (saturating; never reached in practice).
pub(crate) fn int<N: TryInto<i64>>(n: N) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// The `security-severity` score (GitHub: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low; 0.0 is
/// "no security severity", right for `info`).
pub fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// A SARIF log ready to write, and what was left out to build it.
#[derive(Debug, Clone)]
pub struct SarifFile {
    /// What the file covers: a repository or organisation, or `None` for the whole report.
    pub key: Option<SplitKey>,
    /// The log.
    pub log: schema::Sarif,
    /// Results in the log.
    pub results: usize,
    /// Results left out to stay inside code scanning's limits (the least severe).
    pub omitted: usize,
    /// What the caller should tell the user (also notifications in the log).
    pub warnings: Vec<String>,
    /// Pretty-printed (the one-file log) or compact (split files, to keep them small).
    pub pretty: bool,
}

impl SarifFile {
    /// The file's bytes (with a final newline).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ReportError> {
        let mut out = if self.pretty {
            serde_json::to_vec_pretty(&self.log)?
        } else {
            serde_json::to_vec(&self.log)?
        };
        out.push(b'\n');
        Ok(out)
    }

    /// The results of the log, taken out of it (to build a smaller one).
    fn into_results(self) -> Vec<schema::Result> {
        self.log
            .runs
            .into_iter()
            .next()
            .and_then(|run| run.results)
            .unwrap_or_default()
    }
}

/// A finding that becomes a result, with its rule and the rule's index in `rules`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    pub index: usize,
    pub outcome: &'a RuleResult,
    pub finding: &'a Finding,
}

/// Every finding that becomes a result: failing, unknown and suppressed ones (never passes).
pub(crate) fn items(report: &RunReport) -> impl Iterator<Item = Item<'_>> {
    report
        .results
        .iter()
        .enumerate()
        .flat_map(|(index, outcome)| {
            outcome
                .findings
                .iter()
                .filter(|f| f.status != Status::Pass)
                .map(move |finding| Item {
                    index,
                    outcome,
                    finding,
                })
        })
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Unknown => 1,
        Status::Suppressed => 2,
        Status::Pass => 3,
    }
}

/// Most severe first; then failing before unknown before suppressed; then rule, resource, reason.
fn by_priority(a: &Item<'_>, b: &Item<'_>) -> Ordering {
    b.outcome
        .rule
        .severity
        .cmp(&a.outcome.rule.severity)
        .then(status_rank(a.finding.status).cmp(&status_rank(b.finding.status)))
        .then_with(|| a.outcome.rule.id.cmp(&b.outcome.rule.id))
        .then_with(|| a.finding.resource.cmp(&b.finding.resource))
        .then_with(|| a.finding.reason.cmp(&b.finding.reason))
}

/// The whole report as one log (category `devquery/`), pretty-printed.
pub fn single(report: &RunReport, options: &Options) -> Result<SarifFile, ReportError> {
    let items: Vec<Item<'_>> = items(report).collect();
    let mut warnings = Vec::new();
    let repos: HashSet<SplitKey> = items
        .iter()
        .map(|it| SplitKey::of(it.finding))
        .filter(SplitKey::is_repository)
        .collect();
    if repos.len() > 1 {
        warnings.push(format!(
            "this SARIF file holds results of {} repositories, but code scanning attaches every \
             path to the one repository it is uploaded to: use --split-by repository --output DIR \
             to write one file per repository",
            repos.len()
        ));
    }
    let rules = descriptor::descriptors(report);
    build(report, options, None, items, warnings, &rules, true)
}

/// Writes the one-file log (warnings go to the log as notifications and to `tracing`).
pub fn write(
    report: &RunReport,
    out: &mut dyn Write,
    options: &Options,
) -> Result<(), ReportError> {
    let file = single(report, options)?;
    for w in &file.warnings {
        tracing::warn!("{w}");
    }
    out.write_all(&file.to_bytes()?)?;
    Ok(())
}

/// Builds one log from `items`: the most severe first, at most [`limits::RESULTS_PER_RUN`]
/// results, and fewer when the compressed file would pass [`limits::GZIP_BYTES`].
fn build(
    report: &RunReport,
    options: &Options,
    key: Option<&SplitKey>,
    mut items: Vec<Item<'_>>,
    warnings: Vec<String>,
    rules: &[schema::ReportingDescriptor],
    pretty: bool,
) -> Result<SarifFile, ReportError> {
    items.sort_by(by_priority);
    let total = items.len();
    items.truncate(limits::RESULTS_PER_RUN);
    let mut results = result::results(&items);
    loop {
        let kept = results.len();
        let mut file_warnings = warnings.clone();
        if kept < total {
            file_warnings.push(omitted_warning(key, kept, total, &items[..kept]));
        }
        let run = Run {
            report,
            options,
            key,
            rules,
            warnings: &file_warnings,
        };
        let log = run.log(results);
        let file = SarifFile {
            key: key.cloned(),
            log,
            results: kept,
            omitted: total - kept,
            warnings: file_warnings,
            pretty,
        };
        let size = compressed_size(&file.to_bytes()?)?;
        if size <= limits::GZIP_BYTES || kept == 0 {
            return Ok(file);
        }
        results = file.into_results();
        results.truncate(shrink(kept, size));
    }
}

/// How many results to try next when `kept` gave `size` compressed bytes.
fn shrink(kept: usize, size: u64) -> usize {
    let ratio = limits::GZIP_BYTES as f64 / size.max(1) as f64;
    let next = (kept as f64 * ratio * 0.9) as usize;
    next.min(kept.saturating_sub(1))
}

fn omitted_warning(
    key: Option<&SplitKey>,
    kept: usize,
    total: usize,
    kept_items: &[Item<'_>],
) -> String {
    let scope = key.map_or_else(|| "the report".to_string(), SplitKey::path);
    let least = kept_items
        .last()
        .map_or("none", |it| it.outcome.rule.severity.as_str());
    format!(
        "{scope}: {} of {total} results left out of the SARIF file: GitHub code scanning accepts \
         at most {} results per run and {} MB of gzip-compressed SARIF per file; the {kept} most \
         severe were kept (the least severe kept is {least}); every finding is in the other \
         formats (json, csv, parquet)",
        total - kept,
        limits::RESULTS_PER_RUN,
        limits::GZIP_BYTES / 1_000_000,
    )
}

/// The gzip-compressed size of `bytes` (measured only when the raw size could exceed the
/// limit: compressing never makes JSON larger than that).
fn compressed_size(bytes: &[u8]) -> Result<u64, ReportError> {
    let raw = bytes.len() as u64;
    if raw <= limits::GZIP_BYTES {
        return Ok(raw);
    }
    Ok(gzip_len(bytes)?)
}

/// The length of `bytes` gzip-compressed at the default level (as the upload action does).
pub fn gzip_len(bytes: &[u8]) -> std::io::Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(ByteCounter(0), flate2::Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.0)
}

/// A writer that only counts.
struct ByteCounter(u64);

impl Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What one run is made of (besides its results).
struct Run<'a> {
    report: &'a RunReport,
    options: &'a Options,
    key: Option<&'a SplitKey>,
    rules: &'a [schema::ReportingDescriptor],
    warnings: &'a [String],
}

impl Run<'_> {
    fn log(&self, results: Vec<schema::Result>) -> schema::Sarif {
        let run = schema::Run::builder()
            .tool(self.tool())
            .automation_details(
                schema::RunAutomationDetails::builder()
                    .id(category(self.key))
                    .build(),
            )
            .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), srcroot())]))
            .invocations(vec![self.invocation()])
            .column_kind(schema::ResultColumnKind::UnicodeCodePoints.to_string())
            .results(results)
            .properties(self.properties())
            .build();
        schema::Sarif::builder()
            .schema(SCHEMA_URI)
            .version(schema::Version::V2_1_0.to_string())
            .runs(vec![run])
            .build()
    }

    fn tool(&self) -> schema::Tool {
        let version = &self.options.tool_version;
        let driver = schema::ToolComponent::builder()
            .name("devquery")
            .version(version.clone())
            .semantic_version(version.clone())
            .information_uri(REPOSITORY_URL)
            .rules(self.rules.to_vec())
            .build();
        schema::Tool::builder().driver(driver).build()
    }

    /// Always successful: code scanning makes no alert of an unsuccessful execution.
    fn invocation(&self) -> schema::Invocation {
        let start = self
            .report
            .run_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        schema::Invocation::builder()
            .execution_successful(true)
            .start_time_utc(start)
            .tool_execution_notifications(self.notifications())
            .build()
    }

    /// Errored rules (error), rules not applicable (note), partial collection and the
    /// warnings (warning).
    fn notifications(&self) -> Vec<schema::Notification> {
        use serde_sarif::sarif::NotificationLevel as L;
        let mut notes = Vec::new();
        if let Some(line) = crate::summary::partial_line(self.report) {
            // First, so that it is the first thing a reader of the log sees.
            notes.push(notification(L::Error, line));
        }
        for (i, r) in self.report.results.iter().enumerate() {
            let mut note = match (&r.error, &r.not_applicable) {
                (Some(e), _) => {
                    notification(L::Error, format!("rule {} could not run: {e}", r.rule.id))
                }
                (None, Some(why)) => notification(
                    L::Note,
                    format!("rule {} is not applicable: {why}", r.rule.id),
                ),
                (None, None) => continue,
            };
            let rule = schema::ReportingDescriptorReference::builder()
                .id(r.rule.id.clone())
                .index(int(i))
                .build();
            note.associated_rule = Some(rule);
            notes.push(note);
        }
        let issues = self.report.collection_errors.iter();
        for e in issues.filter(|e| self.key.is_none_or(|k| k.covers_issue(e))) {
            let text = format!(
                "partial collection: {} {} {}: {}",
                e.table_name.as_deref().unwrap_or("?"),
                e.endpoint.as_deref().unwrap_or(""),
                e.http_status.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("")
            );
            notes.push(notification(L::Warning, text));
        }
        for w in self.warnings {
            notes.push(notification(L::Warning, w.clone()));
        }
        notes
    }

    /// The source, the run id, a partial collection and what a split file covers.
    fn properties(&self) -> schema::PropertyBag {
        let mut p = BTreeMap::new();
        p.insert(
            "source".to_string(),
            Value::from(self.report.source.as_str()),
        );
        if let Some(partial) = &self.report.partial {
            p.insert(
                "partial".to_string(),
                json!({"reason": partial.reason, "missing": partial.missing}),
            );
        }
        p.insert(
            "run_id".to_string(),
            Value::from(self.report.run_id.as_str()),
        );
        if let Some(k) = self.key {
            p.insert("split_key".to_string(), Value::from(k.path()));
            let parts = [
                ("platform", &k.platform),
                ("org", &k.org),
                ("project", &k.project),
                ("repo", &k.repo),
            ];
            for (name, v) in parts {
                if let Some(v) = v {
                    p.insert(name.to_string(), Value::from(v.as_str()));
                }
            }
        }
        schema::PropertyBag::builder()
            .additional_properties(p)
            .build()
    }
}

/// A tool execution notification.
fn notification(level: schema::NotificationLevel, text: String) -> schema::Notification {
    schema::Notification::builder()
        .level(level.to_string())
        .message(schema::Message::builder().text(text).build())
        .build()
}

/// What `%SRCROOT%` stands for (code scanning resolves it to the repository it is given).
fn srcroot() -> schema::ArtifactLocation {
    let text = "The root of the repository the file is uploaded to.";
    schema::ArtifactLocation::builder()
        .description(schema::Message::builder().text(text).build())
        .build()
}

/// `automationDetails.id`: `devquery/` for the one-file log, `devquery/<split key>/` for a
/// split file (code scanning's category is everything before the last `/`).
pub fn category(key: Option<&SplitKey>) -> String {
    match key {
        Some(k) => format!("devquery/{}/", k.path()),
        None => "devquery/".to_string(),
    }
}
