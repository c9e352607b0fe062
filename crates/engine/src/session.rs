//! The DataFusion session: registers every catalogue table (from memory or a snapshot) and the
//! tables about them (`devquery_tables`, …, see [`crate::catalog`]), and runs scripts statement
//! by statement, refusing writes unless the session was opened writable.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::context::{SQLOptions, SessionConfig, SessionContext};
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{DataFrame, ParquetReadOptions};
use devquery_model::rows::Partial;
use devquery_model::{Coverage, Dataset, TableSpec, catalog};

use crate::catalog::{self as catalogue, RowCounts, RuleEntry};
use crate::error::EngineError;
use crate::filter::RowFilter;
use crate::limits::DEFAULT_MEMORY_LIMIT;
use crate::snapshot::{self, Manifest};
use crate::split::{Statement, split_statements};

/// How the session is configured.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Refuse DDL, DML, `COPY … TO` and `SET` (the default).
    pub read_only: bool,
    /// Parallelism; defaults to the number of CPUs.
    pub target_partitions: usize,
    /// `--org` / `--repo`: the rows every table keeps (empty, the default: all).
    pub filter: RowFilter,
    /// `--memory-limit`: the bytes DataFusion's operators may hold at once, and an eighth of
    /// it for one call of `repeat`/`lpad`/`rpad` (`None`: no limit). Default
    /// [`DEFAULT_MEMORY_LIMIT`]; see [`crate::limits`].
    pub memory_limit: Option<usize>,
    /// Integer `+`, `-` and `*` fail on overflow instead of wrapping (the default; see
    /// [`crate::checked`]).
    pub checked_arithmetic: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            read_only: true,
            target_partitions: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            filter: RowFilter::default(),
            memory_limit: Some(DEFAULT_MEMORY_LIMIT),
            checked_arithmetic: true,
        }
    }
}

/// The result of one statement.
#[derive(Debug)]
pub struct StatementOutput {
    /// The statement that ran.
    pub statement: Statement,
    /// Its schema (also for zero rows).
    pub schema: SchemaRef,
    /// Its rows.
    pub batches: Vec<RecordBatch>,
}

/// A DataFusion session over the catalogue.
#[derive(Clone)]
pub struct Engine {
    ctx: SessionContext,
    options: EngineOptions,
    /// What the source provides; `None` means every table and column.
    coverage: Option<Arc<Coverage>>,
    /// Set when the source is a collection that stopped before the estate was complete.
    partial: Option<Arc<Partial>>,
    /// Row counts known without reading the tables (shown by `devquery_tables`).
    counts: Arc<RowCounts>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// A session with every catalogue table registered empty (row counts not known), and the
    /// tables about them (`devquery_tables`, `devquery_columns`, `devquery_views`, and
    /// `devquery_rules` empty until [`Engine::register_rules`]).
    pub fn new(options: EngineOptions) -> Result<Self, EngineError> {
        let config = SessionConfig::new()
            .with_information_schema(true)
            .with_target_partitions(options.target_partitions.max(1))
            .with_default_catalog_and_schema(catalogue::CATALOG, catalogue::SCHEMA);
        let ctx = session_context(config, &options)?;
        let engine = Self {
            ctx,
            options,
            coverage: None,
            partial: None,
            counts: Arc::default(),
        };
        for spec in catalog() {
            engine.register_table(&spec, Vec::new())?;
        }
        catalogue::register(&engine.ctx, &engine.counts)?;
        Ok(engine)
    }

    /// A session over collected in-memory data; tables absent from `data` are empty.
    pub fn from_dataset(data: &Dataset, options: EngineOptions) -> Result<Self, EngineError> {
        let filter = options
            .filter
            .resolve_batches(data.batches("repositories"))?;
        let mut engine = Self::new(options)?;
        engine.set_coverage(data.coverage().cloned());
        engine.set_partial(data.partial().cloned());
        for spec in catalog() {
            let batches = data
                .batches(spec.name)
                .iter()
                .map(|b| filter.filter_batch(b))
                .collect::<Result<Vec<_>, _>>()?;
            if batches.is_empty() {
                engine.counts.set(spec.name, Some(0));
            } else {
                engine.register_batches(&spec, batches)?;
            }
        }
        Ok(engine)
    }

    /// A session over a snapshot directory, every table file checked first (see
    /// [`crate::integrity`]): a missing or damaged one is an error naming the table. Tables the
    /// snapshot predates are registered empty.
    pub async fn from_snapshot(
        dir: &Path,
        options: EngineOptions,
    ) -> Result<(Self, Manifest), EngineError> {
        let manifest = snapshot::read_manifest(dir)?;
        let mut engine = Self::new(options)?;
        engine.set_coverage(manifest.coverage.clone());
        engine.set_partial(manifest.partial.clone());
        // Row counts are the manifest's unless `--org` / `--repo` narrow the tables.
        let counted = engine.options.filter.is_empty();
        // Every table file is checked (present, checksum, rows, columns) before any is used.
        for (spec, file) in crate::integrity::verify_snapshot(dir, &manifest).await? {
            let Some(file) = file else {
                engine.counts.set(spec.name, counted.then_some(0));
                continue;
            };
            let rows = manifest.tables.get(spec.name).copied();
            engine.counts.set(spec.name, rows.filter(|_| counted));
            let path = file.to_str().ok_or_else(|| {
                EngineError::snapshot(&file, "path is not valid UTF-8".to_string())
            })?;
            let schema = spec.schema();
            engine.ctx.deregister_table(spec.name)?;
            engine
                .ctx
                .register_parquet(
                    spec.name,
                    path,
                    ParquetReadOptions::default().schema(schema.as_ref()),
                )
                .await
                .map_err(|e| EngineError::snapshot(&file, e.to_string()))?;
        }
        crate::filter::filter_session(&engine.ctx, &engine.options.filter).await?;
        Ok((engine, manifest))
    }

    /// Replaces a table's contents with `batches` (split across partitions for parallel scans);
    /// `devquery_tables` then shows its row count.
    pub fn register_batches(
        &self,
        spec: &TableSpec,
        batches: Vec<RecordBatch>,
    ) -> Result<(), EngineError> {
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        self.register_table(spec, batches)?;
        self.counts.set(spec.name, Some(rows));
        Ok(())
    }

    /// Fills `devquery_rules` with `entries`, replacing what it held (the rules crate builds
    /// them from a rule pack: `devquery_rules::RuleSet::register_catalogue`).
    pub fn register_rules(&self, entries: &[RuleEntry]) -> Result<(), EngineError> {
        let rows = catalogue::register_rules(&self.ctx, entries)?;
        self.counts.set(catalogue::RULES, Some(rows));
        Ok(())
    }

    /// Registers `spec`'s table over `batches`.
    fn register_table(
        &self,
        spec: &TableSpec,
        batches: Vec<RecordBatch>,
    ) -> Result<(), EngineError> {
        let schema = spec.schema();
        let n = self.options.target_partitions.max(1);
        let mut partitions: Vec<Vec<RecordBatch>> = vec![Vec::new(); n];
        for (i, batch) in batches.into_iter().enumerate() {
            partitions[i % n].push(batch);
        }
        let table = MemTable::try_new(schema, partitions)?;
        self.ctx.deregister_table(spec.name)?;
        self.ctx.register_table(spec.name, Arc::new(table))?;
        Ok(())
    }

    /// The underlying DataFusion context (for UDFs, advanced callers and tests).
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// The options the session was opened with.
    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// What the source provides (rules reading anything else are not applicable); `None`
    /// means every table and column.
    pub fn coverage(&self) -> Option<&Coverage> {
        self.coverage.as_deref()
    }

    /// Sets what the source provides (`None`: everything), e.g. after registering tables one
    /// by one with [`Engine::register_batches`].
    pub fn set_coverage(&mut self, coverage: Option<Coverage>) {
        self.coverage = coverage.map(Arc::new);
    }

    /// Set when the source is a collection that stopped before the estate was complete (live,
    /// or a snapshot whose manifest says so): reports say so and `--fail-on` refuses to pass.
    pub fn partial(&self) -> Option<&Partial> {
        self.partial.as_deref()
    }

    /// Marks the session's source partial (`None`: complete).
    pub fn set_partial(&mut self, partial: Option<Partial>) {
        self.partial = partial.map(Arc::new);
    }

    /// Plans one statement, enforcing read-only mode.
    pub async fn plan(&self, statement: &Statement) -> Result<LogicalPlan, EngineError> {
        let state = self.ctx.state();
        let plan = state
            .create_logical_plan(&statement.text)
            .await
            .map_err(|source| sql_error(statement, source))?;
        if self.options.read_only {
            if let Some((what, hint)) = refused(&plan) {
                return Err(EngineError::ReadOnly {
                    index: statement.index,
                    line: statement.line,
                    what,
                    hint,
                });
            }
            let verify = SQLOptions::new()
                .with_allow_ddl(false)
                .with_allow_dml(false)
                .with_allow_statements(false);
            if let Err(e) = verify.verify_plan(&plan) {
                return Err(EngineError::ReadOnly {
                    index: statement.index,
                    line: statement.line,
                    what: e.strip_backtrace(),
                    hint: "rewrite it as a query".into(),
                });
            }
        }
        Ok(plan)
    }

    /// Plans one statement (read-only checks included) into a DataFrame ready to run.
    async fn dataframe(&self, statement: &Statement) -> Result<DataFrame, EngineError> {
        let plan = self.plan(statement).await?;
        self.ctx
            .execute_logical_plan(plan)
            .await
            .map_err(|source| sql_error(statement, source))
    }

    /// Runs one statement and collects its rows.
    pub async fn execute(&self, statement: &Statement) -> Result<StatementOutput, EngineError> {
        let df = self.dataframe(statement).await?;
        let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
        let batches = crate::unwind::guard(df.collect())
            .await
            .map_err(|source| sql_error(statement, source))?;
        Ok(StatementOutput {
            statement: statement.clone(),
            schema,
            batches,
        })
    }

    /// Runs one SQL statement given as text (a single statement; a trailing `;` is fine).
    pub async fn query(&self, sql: &str) -> Result<StatementOutput, EngineError> {
        self.execute(&single_statement(sql)?).await
    }

    /// Runs one SQL statement given as text and streams its rows batch by batch, so a caller
    /// that reduces them holds one batch at a time rather than the whole result.
    pub async fn query_stream(&self, sql: &str) -> Result<SendableRecordBatchStream, EngineError> {
        let statement = single_statement(sql)?;
        let df = self.dataframe(&statement).await?;
        crate::unwind::guard(df.execute_stream())
            .await
            .map(crate::unwind::guard_stream)
            .map_err(|source| sql_error(&statement, source))
    }

    /// Splits a script and runs every statement in order, stopping at the first error.
    pub async fn run_script(&self, script: &str) -> Result<Vec<StatementOutput>, EngineError> {
        let mut out = Vec::new();
        for statement in split_statements(script) {
            out.push(self.execute(&statement).await?);
        }
        Ok(out)
    }

    /// Copies every catalogue table into memory as a [`Dataset`] (e.g. to save a snapshot).
    pub async fn to_dataset(&self) -> Result<Dataset, EngineError> {
        let mut data = Dataset::new();
        data.set_coverage(self.coverage().cloned());
        data.set_partial(self.partial().cloned());
        for spec in catalog() {
            let df = self.ctx.table(spec.name).await?;
            for batch in crate::unwind::guard(df.collect()).await? {
                data.push_batch(spec.name, batch);
            }
        }
        Ok(data)
    }
}

/// Why a plan is refused in read-only mode, with a hint, or `None` if it only reads.
fn refused(plan: &LogicalPlan) -> Option<(String, String)> {
    match plan {
        LogicalPlan::Copy(_) => Some((
            "COPY ... TO".into(),
            "write results with `--format csv|json|ndjson|parquet --output PATH` instead".into(),
        )),
        LogicalPlan::Dml(dml) => Some((
            format!("{} (writes data)", dml.op),
            "the estate is collected, not edited; re-run `devquery collect` to refresh it".into(),
        )),
        LogicalPlan::Ddl(ddl) => Some((
            format!("{} (changes the catalogue)", ddl.name()),
            "use a subquery or a CTE (`WITH x AS (...) SELECT ...`) instead of a table or view"
                .into(),
        )),
        LogicalPlan::Statement(_) => Some((
            "SET / transaction statements".into(),
            "session settings are fixed in read-only mode".into(),
        )),
        _ => None,
    }
}

/// The one statement of `sql` (an empty text is one empty statement; several are an error).
fn single_statement(sql: &str) -> Result<Statement, EngineError> {
    let statements = split_statements(sql);
    match statements.as_slice() {
        [one] => Ok(one.clone()),
        [] => Ok(Statement {
            index: 1,
            line: 1,
            text: String::new(),
        }),
        [_, second, ..] => Err(EngineError::Sql {
            index: 2,
            line: second.line,
            source: datafusion::error::DataFusionError::Plan(
                "expected one statement, found several".into(),
            ),
        }),
    }
}

/// The DataFusion context of a new session: the memory pool and output caps of
/// `--memory-limit`, and checked integer arithmetic.
fn session_context(
    config: SessionConfig,
    options: &EngineOptions,
) -> Result<SessionContext, EngineError> {
    let runtime = crate::limits::runtime_env(options.memory_limit)?;
    let ctx = SessionContext::new_with_config_rt(config, runtime);
    if let Some(limit) = options.memory_limit {
        crate::limits::register_output_caps(&ctx, limit);
    }
    if options.checked_arithmetic {
        ctx.add_analyzer_rule(Arc::new(crate::checked::CheckedArithmetic::default()));
    }
    Ok(ctx)
}

/// A DataFusion error while planning or running `statement` (a query that ran out of memory
/// says which flag to change).
fn sql_error(statement: &Statement, source: datafusion::error::DataFusionError) -> EngineError {
    let exhausted = matches!(
        source.find_root(),
        datafusion::error::DataFusionError::ResourcesExhausted(_)
    );
    let source = if exhausted {
        datafusion::error::DataFusionError::Context(
            "the query needs more memory than --memory-limit allows (raise it, e.g. \
             --memory-limit 8GiB, or narrow the query)"
                .into(),
            Box::new(source),
        )
    } else {
        source
    };
    EngineError::Sql {
        index: statement.index,
        line: statement.line,
        source,
    }
}
