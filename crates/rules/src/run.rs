//! Running rules on an [`Engine`]: the result model (per rule: findings and pass / fail /
//! unknown / suppressed counts, the error it hit, or why it is not applicable to the source)
//! and the runner.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use datafusion::arrow::array::{Array, ArrayRef, LargeStringArray, StringArray, StringViewArray};
use datafusion::arrow::compute::{can_cast_types, cast};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use devquery_engine::datafusion;
use devquery_engine::{Engine, EngineError};
use devquery_model::Severity;
use futures::StreamExt;
use serde::Serialize;

use crate::baseline::{Baseline, Suppression};
use crate::params::ParamOverrides;
use crate::rule::Rule;
use crate::validate::resolved_sql;

/// The status of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource fails the rule.
    Fail,
    /// The data could not decide (e.g. a setting the token could not read).
    Unknown,
    /// A failing finding accepted by the baseline.
    Suppressed,
    /// The resource passes.
    Pass,
}

impl Status {
    /// Lowercase name, as in the `findings` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Suppressed => "suppressed",
            Status::Pass => "pass",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row a rule returned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// fail / pass / unknown / suppressed.
    pub status: Status,
    /// Kind of resource (`repository`, `workflow`, …).
    pub resource_type: String,
    /// The resource.
    pub resource: String,
    /// Why it fails or passes.
    pub reason: String,
    /// Join key `platform`, when the rule returned it.
    pub platform: Option<String>,
    /// Join key `host`.
    pub host: Option<String>,
    /// Join key `org`.
    pub org: Option<String>,
    /// Join key `project`.
    pub project: Option<String>,
    /// Join key `repo`.
    pub repo: Option<String>,
    /// Owning team, when the rule returned an `owner` column.
    pub owner: Option<String>,
    /// File in the repository (e.g. a workflow path), when the rule returned a `path` column.
    pub path: Option<String>,
    /// Line in that file (1-based), when the rule returned a `line` column.
    pub line: Option<u64>,
    /// Column in that line (1-based), when the rule returned a `column` column.
    pub column: Option<u64>,
    /// The baseline entry that suppressed it.
    pub suppressed_by: Option<Suppression>,
}

impl Finding {
    /// The join keys and owner the rule returned, by column name, in a fixed order (for
    /// properties and keys of the report formats).
    pub fn keys(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("platform", &self.platform),
            ("host", &self.host),
            ("org", &self.org),
            ("project", &self.project),
            ("repo", &self.repo),
            ("owner", &self.owner),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }
}

/// Counts of one rule's findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Failing.
    pub fail: usize,
    /// Passing.
    pub pass: usize,
    /// Undecided.
    pub unknown: usize,
    /// Failing but suppressed by the baseline.
    pub suppressed: usize,
}

impl Counts {
    /// All rows.
    pub fn total(&self) -> usize {
        self.fail + self.pass + self.unknown + self.suppressed
    }

    fn add(&mut self, s: Status) {
        match s {
            Status::Fail => self.fail += 1,
            Status::Pass => self.pass += 1,
            Status::Unknown => self.unknown += 1,
            Status::Suppressed => self.suppressed += 1,
        }
    }
}

/// The result of one rule.
#[derive(Debug, Clone)]
pub struct RuleResult {
    /// The rule.
    pub rule: Rule,
    /// Its findings, failing first (empty when it errored).
    pub findings: Vec<Finding>,
    /// Counts by status.
    pub counts: Counts,
    /// The error when the rule could not run.
    pub error: Option<String>,
    /// Why the rule does not apply to the source (it reads a column the source cannot provide,
    /// e.g. an org setting under `--path`). Such a rule did not run: it has no findings and is
    /// neither passing nor failing.
    pub not_applicable: Option<String>,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
    /// The most common `resource_type` over every finding, recorded before passing findings
    /// are dropped (`RunOptions::keep_passing`); `None` means "compute it from `findings`".
    pub main_resource_type: Option<String>,
}

/// The state of one rule in a report. `NotApplicable` is a state of its own: such a rule did
/// not run, so it is never counted as passing (nor as failing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleState {
    /// The rule could not run.
    Error,
    /// At least one failing finding.
    Fail,
    /// The rule reads something the source cannot provide.
    NotApplicable,
    /// It ran and matched no resource.
    Empty,
    /// It ran, matched resources, and none fails.
    Pass,
}

impl RuleState {
    /// The state's name: `error`, `fail`, `not_applicable`, `empty` or `pass`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleState::Error => "error",
            RuleState::Fail => "fail",
            RuleState::NotApplicable => "not_applicable",
            RuleState::Empty => "empty",
            RuleState::Pass => "pass",
        }
    }
}

impl std::fmt::Display for RuleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The most common `resource_type` of `findings`.
fn most_common_type(findings: &[Finding]) -> Option<&str> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *n.entry(f.resource_type.as_str()).or_default() += 1;
    }
    n.into_iter().max_by_key(|(_, c)| *c).map(|(t, _)| t)
}

impl RuleResult {
    /// The most common `resource_type` of the findings (for "38 of 50 repositories fail").
    pub fn resource_type(&self) -> Option<&str> {
        self.main_resource_type
            .as_deref()
            .or_else(|| most_common_type(&self.findings))
    }

    /// Whether the rule does not apply to the source (see [`RuleResult::not_applicable`]).
    pub fn is_not_applicable(&self) -> bool {
        self.not_applicable.is_some()
    }

    /// The rule's state: an error first, then not applicable, then fail / empty / pass.
    pub fn state(&self) -> RuleState {
        if self.error.is_some() {
            RuleState::Error
        } else if self.not_applicable.is_some() {
            RuleState::NotApplicable
        } else if self.counts.fail > 0 {
            RuleState::Fail
        } else if self.counts.total() == 0 {
            RuleState::Empty
        } else {
            RuleState::Pass
        }
    }

    /// "38 of 50 repositories fail", "no matching resource", "not applicable: …", or the error.
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return format!("error: {e}");
        }
        if let Some(why) = &self.not_applicable {
            return format!("not applicable: {why}");
        }
        let t = self.resource_type().unwrap_or("resource");
        let total = self.counts.total();
        if total == 0 {
            return "no matching resource".to_string();
        }
        let plural = |n: usize| {
            if n == 1 {
                t.to_string()
            } else if t.ends_with('y') && !t.ends_with("ey") {
                format!("{}ies", &t[..t.len() - 1])
            } else if t.ends_with('s') || t.ends_with("sh") || t.ends_with("ch") {
                format!("{t}es")
            } else {
                format!("{t}s")
            }
        };
        let mut s = format!(
            "{} of {} {} fail{}",
            self.counts.fail,
            total,
            plural(total),
            if total == 1 { "s" } else { "" }
        );
        if self.counts.unknown > 0 {
            s.push_str(&format!(", {} unknown", self.counts.unknown));
        }
        if self.counts.suppressed > 0 {
            s.push_str(&format!(", {} suppressed", self.counts.suppressed));
        }
        s
    }
}

/// A failed or forbidden collection call (from `collection_errors`), shown in the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CollectionIssue {
    /// Platform.
    pub platform: Option<String>,
    /// Organisation.
    pub org: Option<String>,
    /// Repository.
    pub repo: Option<String>,
    /// Table with missing or partial data.
    pub table_name: Option<String>,
    /// Endpoint.
    pub endpoint: Option<String>,
    /// HTTP status.
    pub http_status: Option<String>,
    /// Message.
    pub message: Option<String>,
}

/// An expired baseline entry, and how many failing findings it would have matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiredSuppression {
    /// The entry.
    pub suppression: Suppression,
    /// Failing findings it matches (now reported as fail).
    pub matched: usize,
}

/// A whole report run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Run id.
    pub run_id: String,
    /// Start time.
    pub run_at: DateTime<Utc>,
    /// What was scanned (snapshot path, sources).
    pub source: String,
    /// One result per selected rule, in id order.
    pub results: Vec<RuleResult>,
    /// Partial collection.
    pub collection_errors: Vec<CollectionIssue>,
    /// Expired baseline entries.
    pub expired_suppressions: Vec<ExpiredSuppression>,
    /// The baseline file used, if any.
    pub baseline: Option<std::path::PathBuf>,
    /// Set when the source is a collection that stopped before the estate was complete: every
    /// format says so in its header, and `report --fail-on` refuses to pass over it.
    pub partial: Option<devquery_model::rows::Partial>,
}

impl RunReport {
    /// The highest severity with at least one failing (not suppressed) finding.
    pub fn highest_failing(&self) -> Option<Severity> {
        self.results
            .iter()
            .filter(|r| r.counts.fail > 0)
            .map(|r| r.rule.severity)
            .max()
    }

    /// Rules that errored.
    pub fn errored(&self) -> impl Iterator<Item = &RuleResult> {
        self.results.iter().filter(|r| r.error.is_some())
    }

    /// Rules that do not apply to the source (they read columns it cannot provide). They have
    /// no findings and never count as passing; the exit code does not depend on them.
    pub fn not_applicable(&self) -> impl Iterator<Item = &RuleResult> {
        self.results
            .iter()
            .filter(|r| r.error.is_none() && r.not_applicable.is_some())
    }

    /// How many rules are in each [`RuleState`].
    pub fn state_counts(&self) -> BTreeMap<RuleState, usize> {
        let mut n = BTreeMap::new();
        for r in &self.results {
            *n.entry(r.state()).or_default() += 1;
        }
        n
    }

    /// Total counts over every rule.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            c.fail += r.counts.fail;
            c.pass += r.counts.pass;
            c.unknown += r.counts.unknown;
            c.suppressed += r.counts.suppressed;
        }
        c
    }

    /// The exit code for `--fail-on`: 10 + rank of the highest failing severity when it is at or
    /// above `fail_on`, else 0 (always 0 without `fail_on`).
    pub fn exit_code(&self, fail_on: Option<Severity>) -> u8 {
        match (fail_on, self.highest_failing()) {
            (Some(threshold), Some(worst)) if worst >= threshold => 10 + worst.rank(),
            _ => 0,
        }
    }
}

/// What a run needs besides the rules.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Run id (also the Parquet part file name).
    pub run_id: String,
    /// Start time.
    pub run_at: DateTime<Utc>,
    /// Description of the source.
    pub source: String,
    /// `--param` overrides.
    pub params: ParamOverrides,
    /// Baseline.
    pub baseline: Option<Baseline>,
    /// The day used for baseline expiry (normally today, UTC).
    pub today: NaiveDate,
    /// Keep passing findings in the report (formats that list them need them). When false they
    /// are counted and dropped, so memory follows the failures, not the size of the estate.
    pub keep_passing: bool,
    /// How many rules run at once (default: the number of cores).
    pub concurrency: usize,
    /// Keep at most this many findings of each status per rule, the first in resource order
    /// (for formats that list only the top findings). Counts, summaries and expired-baseline
    /// matches still cover every row. `None` keeps them all.
    pub max_findings_per_status: Option<usize>,
}

impl RunOptions {
    /// Options for a run starting now with a generated run id.
    pub fn now(source: impl Into<String>) -> Self {
        let run_at = Utc::now();
        Self {
            run_id: default_run_id(run_at),
            run_at,
            source: source.into(),
            params: ParamOverrides::default(),
            baseline: None,
            today: run_at.date_naive(),
            keep_passing: true,
            concurrency: std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1),
            max_findings_per_status: None,
        }
    }
}

/// A run id like `20261124T175803Z-4f2a`: sortable, unique enough per machine.
pub fn default_run_id(at: DateTime<Utc>) -> String {
    let nanos = at.timestamp_subsec_nanos();
    format!(
        "{}-{:04x}",
        at.format("%Y%m%dT%H%M%SZ"),
        (nanos ^ std::process::id()) & 0xffff
    )
}

/// Runs `rules` on `engine`. A rule that fails at run time is reported as errored; it never
/// stops the run.
pub async fn run_rules(engine: &Engine, rules: &[Rule], options: &RunOptions) -> RunReport {
    // Rules run `options.concurrency` at a time, each on its own task so that single-partition
    // plans (small tables, final aggregations) of two rules use two cores. `buffered` keeps the
    // results in rule order.
    let shared = Arc::new(options.clone());
    let outcomes: Vec<(Result<Tally, String>, u64)> = futures::stream::iter(rules.iter().cloned())
        .map(|rule| {
            let engine = engine.clone();
            let options = Arc::clone(&shared);
            async move {
                let file = rule.file.clone();
                let task = AbortOnDrop(tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let outcome = run_one(&engine, &rule, &options).await;
                    let elapsed_ms =
                        u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    (outcome, elapsed_ms)
                }));
                task.await
                    .unwrap_or_else(|e| (Err(format!("{file}: the rule's task failed: {e}")), 0))
            }
        })
        .buffered(options.concurrency.max(1))
        .collect()
        .await;
    let mut results = Vec::with_capacity(rules.len());
    let mut expired_totals = vec![0usize; expired(options).len()];
    for (rule, (outcome, elapsed_ms)) in rules.iter().zip(outcomes) {
        let result = match outcome {
            Ok(tally) => {
                let Tally {
                    mut findings,
                    counts,
                    types,
                    expired_matches,
                    not_applicable,
                    ..
                } = tally;
                for (total, n) in expired_totals.iter_mut().zip(expired_matches) {
                    *total += n;
                }
                findings.sort_by(|a, b| {
                    (a.status, &a.resource, &a.reason).cmp(&(b.status, &b.resource, &b.reason))
                });
                if let Some(max) = options.max_findings_per_status {
                    let mut kept: BTreeMap<Status, usize> = BTreeMap::new();
                    findings.retain(|f| {
                        let n = kept.entry(f.status).or_default();
                        *n += 1;
                        *n <= max
                    });
                    findings.shrink_to_fit();
                }
                let main_resource_type = types.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t);
                match &not_applicable {
                    Some(why) => tracing::debug!(rule = %rule.id, %why, "rule not applicable"),
                    None => tracing::debug!(rule = %rule.id, ?counts, elapsed_ms, "rule ran"),
                }
                RuleResult {
                    rule: rule.clone(),
                    findings,
                    counts,
                    error: None,
                    not_applicable,
                    elapsed_ms,
                    main_resource_type,
                }
            }
            Err(e) => {
                tracing::warn!("rule {} ({}) failed: {e}", rule.id, rule.file);
                RuleResult {
                    rule: rule.clone(),
                    findings: Vec::new(),
                    counts: Counts::default(),
                    error: Some(e),
                    not_applicable: None,
                    elapsed_ms,
                    main_resource_type: None,
                }
            }
        };
        results.push(result);
    }

    let expired_suppressions = expired(options)
        .into_iter()
        .zip(expired_totals)
        .map(|(s, matched)| ExpiredSuppression {
            suppression: s.clone(),
            matched,
        })
        .collect();

    RunReport {
        run_id: options.run_id.clone(),
        run_at: options.run_at,
        source: options.source.clone(),
        results,
        collection_errors: collection_issues(engine).await,
        expired_suppressions,
        baseline: options.baseline.as_ref().map(|b| b.path.clone()),
        partial: engine.partial().cloned(),
    }
}

/// A spawned rule that is cancelled when the run is (Ctrl-C in the shell drops the run).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What one rule's rows reduce to: the findings a report keeps, counts of every row by status,
/// and how many rows each `resource_type` had.
#[derive(Default)]
struct Tally {
    findings: Vec<Finding>,
    counts: Counts,
    types: BTreeMap<String, usize>,
    /// Failing rows matched by each expired baseline entry (in [`expired`] order).
    expired_matches: Vec<usize>,
    /// With `max_findings_per_status`: the findings kept so far, per status.
    capped: BTreeMap<Status, Capped>,
    /// Why the rule was not run: it reads columns the source cannot provide.
    not_applicable: Option<String>,
}

/// The first findings of one status in (resource, reason) order, kept while rows stream in:
/// between two compactions at most twice the limit is held, and a row that sorts after the last
/// one kept at the previous compaction is skipped before anything is allocated for it.
#[derive(Default)]
struct Capped {
    kept: Vec<Finding>,
    /// (resource, reason) of the last finding kept at the last compaction.
    threshold: Option<(String, String)>,
}

impl Capped {
    fn excludes(&self, resource: &str, reason: &str) -> bool {
        self.threshold
            .as_ref()
            .is_some_and(|(r, why)| (resource, reason) > (r.as_str(), why.as_str()))
    }

    fn compact(&mut self, max: usize) {
        self.kept
            .sort_by(|a, b| (&a.resource, &a.reason).cmp(&(&b.resource, &b.reason)));
        self.kept.truncate(max.max(1));
        self.threshold = self
            .kept
            .last()
            .map(|f| (f.resource.clone(), f.reason.clone()));
    }
}

/// The baseline entries that have expired on `options.today`, in file order.
fn expired(options: &RunOptions) -> Vec<&Suppression> {
    options
        .baseline
        .iter()
        .flat_map(|b| b.entries.iter())
        .filter(|s| s.is_expired(options.today))
        .collect()
}

async fn run_one(engine: &Engine, rule: &Rule, options: &RunOptions) -> Result<Tally, String> {
    let sql = resolved_sql(rule, &options.params).map_err(|e| e.to_string())?;
    let in_rule = |e: EngineError| match e {
        EngineError::Sql { source, .. } => format!("{}: {source}", rule.file),
        other => format!("{}: {other}", rule.file),
    };
    let mut tally = Tally {
        expired_matches: vec![0; expired(options).len()],
        ..Tally::default()
    };
    tally.not_applicable = crate::coverage::not_applicable(engine, &sql)
        .await
        .map_err(in_rule)?;
    if tally.not_applicable.is_some() {
        return Ok(tally);
    }
    let mut stream = engine.query_stream(&sql).await.map_err(in_rule)?;
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| format!("{}: {}", rule.file, e.strip_backtrace()))?;
        read_batch(rule, &batch, options, &mut tally)?;
    }
    if let Some(max) = options.max_findings_per_status {
        for (_, mut capped) in std::mem::take(&mut tally.capped) {
            capped.compact(max);
            tally.findings.append(&mut capped.kept);
        }
    }
    Ok(tally)
}

/// One result column read as text. String columns are read in place (no copy of the string
/// data, which matters when a rule returns a row per pipeline step); other types are cast or
/// formatted to text once per batch.
enum TextColumn {
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    View(StringViewArray),
}

impl TextColumn {
    fn get(&self, row: usize) -> Option<&str> {
        match self {
            TextColumn::Utf8(a) => (!a.is_null(row)).then(|| a.value(row)),
            TextColumn::LargeUtf8(a) => (!a.is_null(row)).then(|| a.value(row)),
            TextColumn::View(a) => (!a.is_null(row)).then(|| a.value(row)),
        }
    }
}

/// Column `name` of a result as text (NULL stays NULL), or None when the column is absent.
fn column_text(batch: &RecordBatch, name: &str) -> Result<Option<TextColumn>, String> {
    let Ok(idx) = batch.schema().index_of(name) else {
        return Ok(None);
    };
    let array: &ArrayRef = batch.column(idx);
    let any = array.as_any();
    if let Some(a) = any.downcast_ref::<StringViewArray>() {
        return Ok(Some(TextColumn::View(a.clone())));
    }
    if let Some(a) = any.downcast_ref::<StringArray>() {
        return Ok(Some(TextColumn::Utf8(a.clone())));
    }
    if let Some(a) = any.downcast_ref::<LargeStringArray>() {
        return Ok(Some(TextColumn::LargeUtf8(a.clone())));
    }
    if can_cast_types(array.data_type(), &DataType::Utf8) {
        let text = cast(array, &DataType::Utf8).map_err(|e| format!("column `{name}`: {e}"))?;
        if let Some(strings) = text.as_any().downcast_ref::<StringArray>() {
            return Ok(Some(TextColumn::Utf8(strings.clone())));
        }
    }
    let opts = FormatOptions::default();
    let fmt = ArrayFormatter::try_new(array.as_ref(), &opts)
        .map_err(|e| format!("column `{name}`: {e}"))?;
    Ok(Some(TextColumn::Utf8(
        (0..array.len())
            .map(|i| (!array.is_null(i)).then(|| fmt.value(i).to_string()))
            .collect(),
    )))
}

/// Row `row` of an optional text column.
fn text_at(column: Option<&TextColumn>, row: usize) -> Option<&str> {
    column.and_then(|c| c.get(row))
}

fn parse_status(rule: &Rule, status: Option<&TextColumn>, row: usize) -> Result<Status, String> {
    let Some(column) = status else {
        return Ok(Status::Fail);
    };
    let Some(value) = text_at(Some(column), row) else {
        return Ok(Status::Unknown);
    };
    let value = value.trim();
    for s in [Status::Fail, Status::Pass, Status::Unknown] {
        if value.eq_ignore_ascii_case(s.as_str()) {
            return Ok(s);
        }
    }
    Err(format!(
        "{}: status '{}' is not one of 'fail', 'pass', 'unknown'",
        rule.file,
        value.to_ascii_lowercase()
    ))
}

fn read_batch(
    rule: &Rule,
    batch: &RecordBatch,
    options: &RunOptions,
    tally: &mut Tally,
) -> Result<(), String> {
    let required = |name: &str| -> Result<TextColumn, String> {
        column_text(batch, name)?
            .ok_or_else(|| format!("{}: the result has no `{name}` column", rule.file))
    };
    let expired_entries = expired(options);
    let resource_type = required("resource_type")?;
    let resource = required("resource")?;
    let reason = required("reason")?;
    let status = column_text(batch, "status")?;
    let keys: Vec<Option<TextColumn>> = [
        "platform", "host", "org", "project", "repo", "owner", "path", "line", "column",
    ]
    .iter()
    .map(|k| column_text(batch, k))
    .collect::<Result<_, _>>()?;
    let key = |k: usize, row: usize| -> Option<String> {
        text_at(keys.get(k).and_then(Option::as_ref), row).map(str::to_string)
    };
    for row in 0..batch.num_rows() {
        let status = parse_status(rule, status.as_ref(), row)?;
        let type_name = text_at(Some(&resource_type), row).unwrap_or_default();
        match tally.types.get_mut(type_name) {
            Some(n) => *n += 1,
            None => {
                tally.types.insert(type_name.to_string(), 1);
            }
        }
        let resource_v = text_at(Some(&resource), row).unwrap_or_default();
        let (status, suppressed_by) = match (&options.baseline, status) {
            (Some(b), Status::Fail) => match b.find(&rule.id, resource_v, options.today) {
                Some(s) => (Status::Suppressed, Some(s.clone())),
                None => (Status::Fail, None),
            },
            _ => (status, None),
        };
        tally.counts.add(status);
        if status == Status::Fail {
            for (n, s) in tally.expired_matches.iter_mut().zip(&expired_entries) {
                if s.matches(&rule.id, resource_v) {
                    *n += 1;
                }
            }
        }
        if status == Status::Pass && !options.keep_passing {
            continue;
        }
        let reason_v = text_at(Some(&reason), row).unwrap_or_default();
        if let Some(max) = options.max_findings_per_status {
            let capped = tally.capped.entry(status).or_default();
            if capped.excludes(resource_v, reason_v) {
                continue;
            }
            if capped.kept.len() >= max.max(1).saturating_mul(2) {
                capped.compact(max);
                if capped.excludes(resource_v, reason_v) {
                    continue;
                }
            }
        }
        let finding = Finding {
            status,
            resource_type: type_name.to_string(),
            resource: resource_v.to_string(),
            reason: reason_v.to_string(),
            platform: key(0, row),
            host: key(1, row),
            org: key(2, row),
            project: key(3, row),
            repo: key(4, row),
            owner: key(5, row),
            path: key(6, row),
            line: key(7, row).and_then(|l| l.parse().ok()),
            column: key(8, row).and_then(|c| c.parse().ok()),
            suppressed_by,
        };
        match (
            options.max_findings_per_status,
            tally.capped.get_mut(&status),
        ) {
            (Some(_), Some(capped)) => capped.kept.push(finding),
            _ => tally.findings.push(finding),
        }
    }
    Ok(())
}

async fn collection_issues(engine: &Engine) -> Vec<CollectionIssue> {
    let sql = "SELECT platform, org, repo, table_name, endpoint, CAST(http_status AS VARCHAR) AS http_status, message FROM collection_errors ORDER BY table_name, endpoint";
    let output = match engine.query(sql).await {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!("cannot read collection_errors: {e}");
            return vec![CollectionIssue {
                message: Some(format!("cannot read collection_errors: {e}")),
                ..Default::default()
            }];
        }
    };
    let mut out = Vec::new();
    for batch in &output.batches {
        let cols: Vec<Option<TextColumn>> = [
            "platform",
            "org",
            "repo",
            "table_name",
            "endpoint",
            "http_status",
            "message",
        ]
        .iter()
        .map(|c| column_text(batch, c).ok().flatten())
        .collect();
        let get = |c: usize, r: usize| {
            text_at(cols.get(c).and_then(Option::as_ref), r).map(str::to_string)
        };
        for r in 0..batch.num_rows() {
            out.push(CollectionIssue {
                platform: get(0, r),
                org: get(1, r),
                repo: get(2, r),
                table_name: get(3, r),
                endpoint: get(4, r),
                http_status: get(5, r),
                message: get(6, r),
            });
        }
    }
    out
}
