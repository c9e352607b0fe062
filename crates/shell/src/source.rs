//! What the shell needs from the rest of devquery, as small traits the CLI implements: a live
//! source to collect tables from ([`LiveSource`]) and the rule pack ([`RuleSource`]). Their
//! futures are `'static` so the shell can run them on a task and abort them on Ctrl-C.

use std::future::Future;
use std::pin::Pin;

use devquery_engine::datafusion::arrow::datatypes::SchemaRef;
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::{Engine, RuleEntry};
use devquery_model::Dataset;

/// Any error from a source or the rule runner.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A boxed `Send` future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a collection returned.
#[derive(Debug, Default)]
pub struct Collected {
    /// The rows.
    pub data: Dataset,
    /// The catalogue tables this collection covers (complete for the session, even when empty).
    /// A collector that can only collect everything at once lists every table.
    pub covered: Vec<String>,
}

/// A live source (GitHub, Azure DevOps, local checkouts) the shell collects from on demand.
pub trait LiveSource: Send + Sync {
    /// Short description for the prompt, e.g. `github:octo-org`.
    fn label(&self) -> String;
    /// Collects at least the `wanted` tables (more is fine; say which in [`Collected::covered`]).
    fn collect(&self, wanted: Vec<String>) -> BoxFuture<Result<Collected, BoxError>>;
}

/// One rule as `.rules` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Kebab-case id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Severity name (`critical` … `info`).
    pub severity: String,
    /// The rule's SQL, used to collect the tables it reads before running it (live mode).
    pub sql: String,
}

/// The result of running one rule.
#[derive(Debug, Clone)]
pub struct RuleOutput {
    /// Result schema.
    pub schema: SchemaRef,
    /// Result rows (fail, pass and unknown rows).
    pub batches: Vec<RecordBatch>,
}

/// The rule pack.
pub trait RuleSource: Send + Sync {
    /// Every rule, in a stable order.
    fn rules(&self) -> Vec<RuleInfo>;
    /// Every rule as a row of `devquery_rules` (what `.rules` lists). By default the fields of
    /// [`RuleSource::rules`]; a source that has the whole header gives it here.
    fn catalogue(&self) -> Vec<RuleEntry> {
        self.rules()
            .into_iter()
            .map(|r| RuleEntry {
                id: r.id,
                title: r.title,
                severity: r.severity,
                sql: Some(r.sql),
                ..RuleEntry::default()
            })
            .collect()
    }
    /// Runs the rule `id` on `engine`.
    fn run(&self, engine: &Engine, id: &str) -> BoxFuture<Result<RuleOutput, BoxError>>;
}
