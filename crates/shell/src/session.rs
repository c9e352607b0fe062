//! A shell session: the engine and where its data comes from, the output settings, and the
//! execution of statements and meta-commands. Statements run through the same
//! [`Engine::execute`] as `devquery query`; each runs on its own task, raced against Ctrl-C, so
//! an interrupt cancels it and the session goes on. Errors are printed, never fatal.

use std::collections::BTreeSet;
use std::future::Future;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use devquery_engine::catalog as catalogue;
use devquery_engine::datafusion::arrow::array::{Array, AsArray};
use devquery_engine::datafusion::arrow::compute::cast;
use devquery_engine::datafusion::arrow::datatypes::{DataType, SchemaRef};
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::outfile::write_bytes;
use devquery_engine::output::{TextLayout, terminal_width};
use devquery_engine::{
    Engine, EngineError, EngineOptions, OutputFormat, SnapshotInfo, Statement, split_statements,
    write_snapshot,
};
use devquery_model::{catalog, find};

use crate::caret;
use crate::complete::CompletionData;
use crate::error::ShellError;
use crate::input::StatementBuffer;
use crate::meta::{self, MetaCommand, RunTarget};
use crate::presentation::{self, Presentation};
use crate::redirect::{Output, Redirect};
use crate::source::{LiveSource, RuleOutput, RuleSource};

/// How results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Output format (`.mode`).
    pub mode: OutputFormat,
    /// Print the run time of each statement (`.timer`).
    pub timer: bool,
    /// Rows shown in table mode; 0 = all (`.maxrows`).
    pub maxrows: usize,
    /// ANSI colours in messages.
    pub color: bool,
    /// Table mode keeps every column and the whole of every cell (`.wide on`); off, a table
    /// fits the terminal's width (long cells end with `…`).
    pub wide: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mode: OutputFormat::Table,
            timer: false,
            maxrows: 40,
            color: false,
            wide: false,
        }
    }
}

/// What to do after an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// `.quit`: end the session.
    Quit,
    /// Ctrl-C cancelled a statement (a script stops there; the interactive shell goes on).
    Interrupted,
}

/// Where the session's data comes from.
enum Origin {
    /// Collected on demand and cached.
    Live(Arc<dyn LiveSource>),
    /// A snapshot directory (re-read by `.refresh`).
    Snapshot(PathBuf),
    /// Data given once (e.g. the demo estate).
    Fixed,
}

/// Outcome of a cancellable task.
enum Race<T> {
    Done(T),
    Cancelled,
    Failed(String),
}

/// Runs `fut` on its own task until it finishes or Ctrl-C arrives (then aborts it).
async fn cancellable<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> Race<T> {
    let mut handle = tokio::spawn(fut);
    tokio::select! {
        joined = &mut handle => match joined {
            Ok(value) => Race::Done(value),
            Err(e) => Race::Failed(e.to_string()),
        },
        () = interrupted() => {
            handle.abort();
            Race::Cancelled
        }
    }
}

/// Resolves on Ctrl-C (never, if the signal cannot be watched).
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// A shell session.
pub struct Session {
    engine: Engine,
    options: EngineOptions,
    origin: Origin,
    label: String,
    loaded: BTreeSet<String>,
    rules: Option<Arc<dyn RuleSource>>,
    rules_missing: String,
    data: Arc<CompletionData>,
    /// Output settings.
    pub settings: Settings,
    /// Column names and NULL text (`.headers`, `.nullvalue`).
    pub presentation: Presentation,
    failed: bool,
    depth: usize,
    /// Results: the terminal, or captured for `.output` / `.once`.
    out: Output,
    err: Box<dyn Write + Send>,
    /// Results go to the terminal's stdout (not redirected by [`Session::with_output`]), so
    /// tables are fitted to its width.
    fit_terminal: bool,
    /// Where results go instead of the terminal (`.output FILE`, `.once FILE`).
    redirect: Option<Redirect>,
    /// The interactive shell runs the init file at start ([`crate::init`]).
    init: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("label", &self.label)
            .field("settings", &self.settings)
            .field("loaded", &self.loaded)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session over an engine whose data is already there (the demo estate, a dataset).
    pub fn new(engine: Engine, label: impl Into<String>) -> Self {
        let options = engine.options().clone();
        caret::collect_spans(&engine);
        Self {
            engine,
            options,
            origin: Origin::Fixed,
            label: label.into(),
            loaded: BTreeSet::new(),
            rules: None,
            rules_missing: "rules are not available in this build".into(),
            data: Arc::new(CompletionData::from_catalog(Vec::new())),
            settings: Settings::default(),
            presentation: Presentation::default(),
            failed: false,
            depth: 0,
            out: Output::new(Box::new(io::stdout())),
            err: Box::new(io::stderr()),
            fit_terminal: true,
            redirect: None,
            init: true,
        }
    }

    /// A session over a snapshot directory (`.refresh` re-reads it).
    pub async fn snapshot(dir: &Path, options: EngineOptions) -> Result<Self, EngineError> {
        let (engine, _manifest) = Engine::from_snapshot(dir, options).await?;
        let mut session = Self::new(engine, snapshot_label(dir));
        session.origin = Origin::Snapshot(dir.to_path_buf());
        Ok(session)
    }

    /// A live session: tables are collected from `source` the first time a statement
    /// references them, then cached until `.refresh`.
    pub fn live(source: Arc<dyn LiveSource>, options: EngineOptions) -> Result<Self, EngineError> {
        let engine = Engine::new(options)?;
        let mut session = Self::new(engine, source.label());
        session.origin = Origin::Live(source);
        Ok(session)
    }

    /// Adds the rule pack for `.rules` and `.run` (and rule-id completion); its rules fill
    /// `devquery_rules`, in this engine and in every engine the session switches to.
    pub fn with_rules(mut self, rules: Arc<dyn RuleSource>) -> Self {
        let ids = rules.rules().into_iter().map(|r| r.id).collect();
        self.data = Arc::new(CompletionData::from_catalog(ids));
        self.rules = Some(rules);
        self.register_rules();
        self
    }

    /// Fills the engine's `devquery_rules` from the rule pack, if there is one.
    fn register_rules(&self) {
        if let Some(rules) = &self.rules
            && let Err(e) = self.engine.register_rules(&rules.catalogue())
        {
            tracing::warn!("devquery_rules left empty: {e}");
        }
    }

    /// Why `.rules` is unavailable when no rule pack was given.
    pub fn with_rules_missing(mut self, reason: impl Into<String>) -> Self {
        self.rules_missing = reason.into();
        self
    }

    /// Sets the output settings.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Redirects results and messages (tests).
    pub fn with_output(mut self, out: Box<dyn Write + Send>, err: Box<dyn Write + Send>) -> Self {
        self.out = Output::new(out);
        self.err = err;
        self.fit_terminal = false;
        self
    }

    /// Whether the interactive shell runs the init file at start (on by default; `--no-init`
    /// turns it off).
    pub fn with_init(mut self, on: bool) -> Self {
        self.init = on;
        self
    }

    /// True when the interactive shell is to run the init file.
    pub fn init_enabled(&self) -> bool {
        self.init
    }

    /// Runs the init file at `path` (statements and meta-commands, as `.read` does), saying so
    /// on stderr.
    pub async fn run_init(&mut self, path: &Path) -> Result<Flow, ShellError> {
        self.info(format!(
            "running the init file {} (--no-init skips it)",
            path.display()
        ))?;
        self.read(path).await
    }

    /// The source label shown in the prompt.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What completion and hints know.
    pub fn completion_data(&self) -> Arc<CompletionData> {
        self.data.clone()
    }

    /// True once any statement or command failed.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The current engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs input lines: meta-commands (a line starting with `.` outside a statement) and SQL
    /// statements (each complete at its `;`; an unterminated last statement runs at the end).
    /// Each line is scanned once (see [`StatementBuffer`]), so the cost is linear in the input.
    pub async fn run_lines<I>(&mut self, lines: I) -> Result<Flow, ShellError>
    where
        I: Iterator<Item = io::Result<String>>,
    {
        let mut pending = StatementBuffer::new();
        for line in lines {
            let flow = self.feed_line(&mut pending, &line?).await?;
            if flow != Flow::Continue {
                return Ok(flow);
            }
        }
        let flow = self.run_sql(&pending.take()).await?;
        self.flush()?;
        Ok(flow)
    }

    /// Feeds one input line: a meta-command when no statement is open (whatever `pending`
    /// held, comments only, is dropped), else SQL added to `pending` and run once it ends with
    /// `;`.
    pub async fn feed_line(
        &mut self,
        pending: &mut StatementBuffer,
        line: &str,
    ) -> Result<Flow, ShellError> {
        if meta::is_meta(line) && !pending.has_code() {
            pending.clear();
            let flow = self.run_meta(line).await?;
            self.flush()?;
            return Ok(flow);
        }
        pending.push_line(line);
        if !pending.is_complete() {
            return Ok(Flow::Continue);
        }
        let flow = self.run_sql(&pending.take()).await?;
        self.flush()?;
        Ok(flow)
    }

    /// Runs one input as returned by the line editor.
    pub async fn run_input(&mut self, input: &str) -> Result<Flow, ShellError> {
        self.run_lines(input.lines().map(|l| Ok(l.to_string())))
            .await
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.err.flush()
    }

    /// Runs every statement of `text`; stops at a Ctrl-C.
    pub async fn run_sql(&mut self, text: &str) -> Result<Flow, ShellError> {
        for statement in split_statements(text) {
            let flow = self.run_statement(statement).await?;
            if flow != Flow::Continue {
                return Ok(flow);
            }
        }
        Ok(Flow::Continue)
    }

    /// Runs one statement; its result goes to the terminal or, redirected, to the file.
    async fn run_statement(&mut self, statement: Statement) -> Result<Flow, ShellError> {
        let flow = self.execute_statement(statement).await?;
        self.end_unit(true).await?;
        Ok(flow)
    }

    async fn execute_statement(&mut self, statement: Statement) -> Result<Flow, ShellError> {
        let started = Instant::now();
        let wanted: Vec<String> = self
            .data
            .tables_in(&statement.text)
            .iter()
            .map(|t| t.name.clone())
            .collect();
        match self.ensure_loaded(wanted).await? {
            Some(Flow::Continue) => {}
            Some(flow) => return Ok(flow),
            None => return Ok(Flow::Continue),
        }
        let engine = self.engine.clone();
        let text = statement.text.clone();
        tracing::debug!(sql = %statement.text, "running statement");
        match cancellable(async move { engine.execute(&statement).await }).await {
            Race::Done(Ok(output)) => {
                self.print_result(&output.schema, &output.batches)?;
                self.print_timer(started, rows(&output.batches))?;
            }
            Race::Done(Err(e)) => {
                self.error(engine_message(&e))?;
                if let Some(lines) = caret::caret(&e, &text) {
                    self.info(lines)?;
                }
            }
            Race::Failed(e) => self.error(format!("the statement crashed: {e}"))?,
            Race::Cancelled => return self.cancelled(),
        }
        Ok(Flow::Continue)
    }

    fn cancelled(&mut self) -> Result<Flow, ShellError> {
        writeln!(self.err, "cancelled")?;
        self.failed = true;
        Ok(Flow::Interrupted)
    }

    /// Live mode: collects the `wanted` tables not collected yet (the catalogue tables, such as
    /// `devquery_tables`, are never collected). `Some(Continue)` when the tables are there,
    /// `None` when collection failed (reported), `Some(Interrupted)` on Ctrl-C.
    async fn ensure_loaded(&mut self, wanted: Vec<String>) -> Result<Option<Flow>, ShellError> {
        let Origin::Live(source) = &self.origin else {
            return Ok(Some(Flow::Continue));
        };
        let missing: Vec<String> = wanted
            .into_iter()
            .filter(|t| find(t).is_some() && !self.loaded.contains(t))
            .collect();
        if missing.is_empty() {
            return Ok(Some(Flow::Continue));
        }
        let source = source.clone();
        writeln!(
            self.err,
            "collecting {} from {} (first use; cached for the session, .refresh to re-collect)",
            missing.join(", "),
            self.label
        )?;
        self.err.flush()?;
        let started = Instant::now();
        match cancellable(source.collect(missing)).await {
            Race::Done(Ok(collected)) => {
                let mut total = 0;
                for name in &collected.covered {
                    let Some(spec) = find(name) else {
                        tracing::warn!(table = %name, "collector covered an unknown table");
                        continue;
                    };
                    let batches = collected.data.batches(name).to_vec();
                    total += rows(&batches);
                    if let Err(e) = self.engine.register_batches(&spec, batches) {
                        self.error(format!("registering {name}: {e}"))?;
                        return Ok(None);
                    }
                    self.loaded.insert(name.clone());
                }
                // What the source can provide decides which rules apply (`.run`).
                self.engine.set_coverage(collected.data.coverage().cloned());
                let errors = collected.data.row_count("collection_errors");
                let note = if errors > 0 {
                    format!(", {errors} collection errors: see the collection_errors table")
                } else {
                    String::new()
                };
                writeln!(
                    self.err,
                    "collected {total} rows in {} tables ({:.1} s{note})",
                    collected.covered.len(),
                    started.elapsed().as_secs_f64()
                )?;
                Ok(Some(Flow::Continue))
            }
            Race::Done(Err(e)) => {
                self.error(format!("collection failed: {e}"))?;
                Ok(None)
            }
            Race::Failed(e) => {
                self.error(format!("collection crashed: {e}"))?;
                Ok(None)
            }
            Race::Cancelled => self.cancelled().map(Some),
        }
    }

    fn all_tables() -> Vec<String> {
        catalog().into_iter().map(|s| s.name.to_string()).collect()
    }

    /// Prints a result in the current mode, cut to `maxrows` in table mode on the terminal (a
    /// file gets every row), without column names after `.headers off`.
    fn print_result(&mut self, schema: &SchemaRef, batches: &[RecordBatch]) -> io::Result<()> {
        let total = rows(batches);
        let limit = self.settings.maxrows;
        let cut =
            self.settings.mode.is_table() && limit > 0 && total > limit && self.redirect.is_none();
        let shown = if cut {
            truncate(batches, limit)
        } else {
            batches.to_vec()
        };
        let mut buf = Vec::new();
        let layout = self.layout();
        if let Err(e) = self
            .settings
            .mode
            .write_with(&mut buf, schema, &shown, &layout)
        {
            return self.error(format!("formatting the result: {e}"));
        }
        if !self.presentation.headers {
            buf = presentation::without_header(self.settings.mode, &buf);
        }
        self.out.write_all(&buf)?;
        if cut {
            writeln!(
                self.out,
                "({} more rows; .maxrows N to show more, .maxrows 0 for all)",
                total - limit
            )?;
        }
        Ok(())
    }

    /// How results are laid out: in table and box modes fitted to the terminal's width, unless
    /// `.wide on` or the output is not the terminal (a file, a pipe), with the column widths of
    /// `.width`; NULL shown as `.nullvalue` says (`NULL` by default).
    fn layout(&self) -> TextLayout {
        let max_width = if self.settings.wide || !self.fit_terminal || self.redirect.is_some() {
            None
        } else {
            terminal_width()
        };
        TextLayout {
            max_width,
            null: self.presentation.null.clone(),
            wide_hint: ".wide on or .mode line shows every column".to_string(),
            column_widths: self.presentation.widths.clone(),
        }
    }

    fn print_timer(&mut self, started: Instant, n: usize) -> io::Result<()> {
        if self.settings.timer {
            writeln!(
                self.err,
                "Run time: {:.3} s ({n} rows)",
                started.elapsed().as_secs_f64()
            )?;
        }
        Ok(())
    }

    /// Prints an error; the session goes on, but a script's exit status becomes 1.
    fn error(&mut self, message: impl std::fmt::Display) -> io::Result<()> {
        self.failed = true;
        if self.settings.color {
            writeln!(self.err, "\x1b[1;31merror:\x1b[0m {message}")
        } else {
            writeln!(self.err, "error: {message}")
        }
    }

    fn info(&mut self, message: impl std::fmt::Display) -> io::Result<()> {
        writeln!(self.err, "{message}")
    }

    /// Runs one meta-command line; what it prints as results goes where statements' results go
    /// (see [`Session::end_unit`]).
    pub async fn run_meta(&mut self, line: &str) -> Result<Flow, ShellError> {
        let flow = match meta::parse(line) {
            Ok(command) => self.dispatch_meta(command).await?,
            Err(e) => {
                self.error(e)?;
                Flow::Continue
            }
        };
        self.end_unit(false).await?;
        Ok(flow)
    }

    async fn dispatch_meta(&mut self, command: MetaCommand) -> Result<Flow, ShellError> {
        match command {
            MetaCommand::Help => write!(self.out, "{}", meta::help())?,
            MetaCommand::Tables => self.list_tables().await?,
            MetaCommand::Schema(table) => self.schema(table.as_deref()).await?,
            MetaCommand::Output(path) => self.set_redirect(path, false)?,
            MetaCommand::Once(path) => self.set_redirect(Some(path), true)?,
            MetaCommand::Rules => self.list_rules().await?,
            MetaCommand::Run(target) => return self.run_rules(target).await,
            MetaCommand::Read(path) => return self.read(&path).await,
            MetaCommand::Snapshot(dir) => self.open_snapshot(&dir).await?,
            MetaCommand::Save(dir) => return self.save(&dir).await,
            MetaCommand::Refresh => return self.refresh().await,
            MetaCommand::Quit => return Ok(Flow::Quit),
            setting => self.setting(setting)?,
        }
        Ok(Flow::Continue)
    }

    /// The commands that show or change a setting (`.mode`, `.timer`, `.maxrows`, `.wide`,
    /// `.width`, `.headers`, `.nullvalue`); the others are run by [`Session::dispatch_meta`].
    fn setting(&mut self, command: MetaCommand) -> io::Result<()> {
        let on_off = |on: bool| if on { "on" } else { "off" };
        match command {
            MetaCommand::Mode(None) => {
                let name = mode_name(self.settings.mode);
                return self.info(format!("mode: {name}"));
            }
            MetaCommand::Mode(Some(mode)) => self.settings.mode = mode,
            MetaCommand::Timer(None) => {
                return self.info(format!("timer: {}", on_off(self.settings.timer)));
            }
            MetaCommand::Timer(Some(on)) => self.settings.timer = on,
            MetaCommand::MaxRows(None) => {
                let n = self.settings.maxrows;
                return self.info(format!("maxrows: {n} (0 = all)"));
            }
            MetaCommand::MaxRows(Some(n)) => self.settings.maxrows = n,
            MetaCommand::Wide(None) => {
                return self.info(format!("wide: {}", on_off(self.settings.wide)));
            }
            MetaCommand::Wide(Some(on)) => self.settings.wide = on,
            MetaCommand::Width(widths) if widths.is_empty() => {
                self.presentation.widths.clear();
                return self.info("width: automatic");
            }
            MetaCommand::Width(widths) => self.presentation.widths = widths,
            MetaCommand::Headers(None) => {
                return self.info(format!("headers: {}", on_off(self.presentation.headers)));
            }
            MetaCommand::Headers(Some(on)) => self.presentation.headers = on,
            MetaCommand::NullValue(None) => {
                let null = self.presentation.null.clone();
                return self.info(format!("nullvalue: '{null}'"));
            }
            MetaCommand::NullValue(Some(text)) => self.presentation.null = text,
            _ => {}
        }
        Ok(())
    }

    /// `.output [FILE]` and `.once FILE`: results go to `path` (see [`crate::redirect`]), or
    /// to the terminal again without one.
    fn set_redirect(&mut self, path: Option<PathBuf>, once: bool) -> io::Result<()> {
        self.redirect = None;
        self.out.release();
        let Some(path) = path else {
            return Ok(());
        };
        match Redirect::open(path, once) {
            Ok(redirect) => {
                self.redirect = Some(redirect);
                self.out.capture();
                Ok(())
            }
            Err(e) => {
                let command = if once { ".once" } else { ".output" };
                self.error(format!("{command} {e}; results go to the terminal"))
            }
        }
    }

    /// The end of one statement (`statement`) or meta-command: a redirected result is written
    /// to its file, and `.once` ends. A meta-command that printed nothing (`.mode csv`) leaves
    /// `.once` waiting for the next result.
    async fn end_unit(&mut self, statement: bool) -> io::Result<()> {
        let Some(redirect) = self.redirect.as_mut() else {
            return Ok(());
        };
        let result = self.out.take_captured();
        if result.is_empty() && !statement {
            return Ok(());
        }
        let path = redirect.path().to_path_buf();
        let bytes = (!result.is_empty()).then(|| redirect.stage(result));
        if redirect.once() {
            self.redirect = None;
            self.out.release();
        }
        match bytes {
            Some(bytes) => self.write_redirected(path, bytes).await,
            None if statement && self.redirect.is_none() => {
                self.info(format!("{} not written: no result", path.display()))
            }
            None => Ok(()),
        }
    }

    /// Writes `bytes` to `path` through the engine's output writer, on a blocking thread that a
    /// Ctrl-C stops waiting for (a named pipe blocks until it has a reader).
    async fn write_redirected(&mut self, path: PathBuf, bytes: Vec<u8>) -> io::Result<()> {
        let target = path.clone();
        let job = tokio::task::spawn_blocking(move || write_bytes(&target, &bytes));
        match cancellable(job).await {
            Race::Done(Ok(Ok(()))) => Ok(()),
            Race::Done(Ok(Err(e))) => self.error(format!("result not written: {e}")),
            Race::Done(Err(e)) => self.error(format!("writing {}: {e}", path.display())),
            Race::Failed(e) => self.error(format!("writing {}: {e}", path.display())),
            Race::Cancelled => self.error(format!("writing {} cancelled", path.display())),
        }
    }

    /// Runs `sql` (over the catalogue tables) and prints its result as a statement's result is
    /// printed. False when it failed (the error is printed).
    async fn print_query(&mut self, sql: &str) -> io::Result<bool> {
        match self.engine.query(sql).await {
            Ok(output) => {
                self.print_result(&output.schema, &output.batches)?;
                Ok(true)
            }
            Err(e) => {
                self.error(engine_message(&e))?;
                Ok(false)
            }
        }
    }

    /// `.tables`: `devquery_tables`, row counts included (NULL for a live table not collected
    /// yet).
    async fn list_tables(&mut self) -> io::Result<()> {
        self.print_query(&catalogue::tables_query(true)).await?;
        if matches!(self.origin, Origin::Live(_)) {
            self.info("(row_count is NULL for the tables no statement has read yet)")?;
        }
        Ok(())
    }

    /// `.schema [TABLE]`: every table's column names, or one table's columns with their types
    /// and docs (`devquery_columns`), under a title line in table and box modes.
    async fn schema(&mut self, table: Option<&str>) -> io::Result<()> {
        let Some(name) = table else {
            self.print_query(&catalogue::schema_query()).await?;
            return Ok(());
        };
        let found = match catalogue::find_table(&self.engine, name).await {
            Ok(found) => found,
            Err(e) => return self.error(engine_message(&e)),
        };
        let Some((table, doc)) = found else {
            let names: Vec<&str> = self.data.tables.iter().map(|t| t.name.as_str()).collect();
            let hint = match meta::closest(name, names) {
                Some(s) => format!("; did you mean {s}?"),
                None => "; .tables lists them".to_string(),
            };
            return self.error(format!("no table '{name}'{hint}"));
        };
        if self.settings.mode.is_table() {
            match doc {
                Some(doc) => writeln!(self.out, "{table} — {doc}")?,
                None => writeln!(self.out, "{table}")?,
            }
        }
        self.print_query(&catalogue::columns_query(&table)).await?;
        Ok(())
    }

    /// `.rules`: `devquery_rules` (id, severity, platforms, title).
    async fn list_rules(&mut self) -> io::Result<()> {
        let Some(rules) = self.rules.clone() else {
            let reason = self.rules_missing.clone();
            return self.error(reason);
        };
        let printed = self.print_query(&catalogue::rules_query()).await?;
        if printed && self.settings.mode.is_table() {
            let n = rules.rules().len();
            writeln!(self.out, "({n} rules; .run RULE or .run all)")?;
        }
        Ok(())
    }

    async fn run_rules(&mut self, target: RunTarget) -> Result<Flow, ShellError> {
        let Some(rules) = self.rules.clone() else {
            let reason = self.rules_missing.clone();
            self.error(reason)?;
            return Ok(Flow::Continue);
        };
        let list = rules.rules();
        let selected = match &target {
            RunTarget::All => list.clone(),
            RunTarget::Rule(id) => match list.iter().find(|r| &r.id == id) {
                Some(r) => vec![r.clone()],
                None => {
                    let hint = match meta::closest(id, list.iter().map(|r| r.id.as_str())) {
                        Some(s) => format!("; did you mean {s}?"),
                        None => "; .rules lists them".to_string(),
                    };
                    self.error(format!("no rule '{id}'{hint}"))?;
                    return Ok(Flow::Continue);
                }
            },
        };
        let single = matches!(target, RunTarget::Rule(_));
        let mut summary = Vec::new();
        for rule in &selected {
            let started = Instant::now();
            let wanted = self
                .data
                .tables_in(&rule.sql)
                .iter()
                .map(|t| t.name.clone())
                .collect();
            match self.ensure_loaded(wanted).await? {
                Some(Flow::Continue) => {}
                Some(flow) => return Ok(flow),
                None => continue,
            }
            match cancellable(rules.run(&self.engine, &rule.id)).await {
                Race::Done(Ok(output)) => {
                    let fails = count_failures(&output);
                    let total = rows(&output.batches);
                    if single {
                        writeln!(self.out, "{} ({}): {}", rule.id, rule.severity, rule.title)?;
                        self.print_result(&output.schema, &output.batches)?;
                        writeln!(self.out, "{fails} failing of {total} rows")?;
                        self.print_timer(started, total)?;
                    }
                    summary.push((rule.clone(), Ok((fails, total))));
                }
                Race::Done(Err(e)) => {
                    self.error(format!("rule {}: {e}", rule.id))?;
                    summary.push((rule.clone(), Err(())));
                }
                Race::Failed(e) => {
                    self.error(format!("rule {} crashed: {e}", rule.id))?;
                    summary.push((rule.clone(), Err(())));
                }
                Race::Cancelled => return self.cancelled(),
            }
        }
        if !single {
            let iw = summary.iter().map(|(r, _)| r.id.len()).max().unwrap_or(0);
            let mut failing = 0;
            for (rule, result) in &summary {
                let (state, counts) = match result {
                    Ok((0, total)) => ("pass", format!("0 of {total}")),
                    Ok((f, total)) => {
                        failing += 1;
                        ("FAIL", format!("{f} of {total}"))
                    }
                    Err(()) => ("error", String::new()),
                };
                writeln!(
                    self.out,
                    "{state:5}  {:8}  {:iw$}  {counts:>10}  {}",
                    rule.severity, rule.id, rule.title
                )?;
            }
            writeln!(
                self.out,
                "({} rules run, {failing} failing; .run RULE shows the rows)",
                summary.len()
            )?;
        }
        Ok(Flow::Continue)
    }

    async fn read(&mut self, path: &Path) -> Result<Flow, ShellError> {
        const MAX_DEPTH: usize = 8;
        if self.depth >= MAX_DEPTH {
            self.error(format!(
                ".read {}: files nested more than {MAX_DEPTH} deep",
                path.display()
            ))?;
            return Ok(Flow::Continue);
        }
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                self.error(format!(".read {}: {e}", path.display()))?;
                return Ok(Flow::Continue);
            }
        };
        self.depth += 1;
        let lines: Vec<io::Result<String>> = text.lines().map(|l| Ok(l.to_string())).collect();
        let flow = Box::pin(self.run_lines(lines.into_iter())).await;
        self.depth -= 1;
        flow
    }

    /// Switches to `engine`, its errors carrying positions for carets and its `devquery_rules`
    /// filled from the rule pack.
    fn set_engine(&mut self, engine: Engine) {
        caret::collect_spans(&engine);
        self.engine = engine;
        self.register_rules();
    }

    async fn open_snapshot(&mut self, dir: &Path) -> io::Result<()> {
        match Engine::from_snapshot(dir, self.options.clone()).await {
            Ok((engine, manifest)) => {
                self.set_engine(engine);
                self.origin = Origin::Snapshot(dir.to_path_buf());
                self.label = snapshot_label(dir);
                self.loaded.clear();
                let rows: usize = manifest.tables.values().sum();
                self.info(format!(
                    "now on snapshot {} (collected {}, {rows} rows)",
                    dir.display(),
                    manifest.collected_at
                ))
            }
            Err(e) => self.error(format!("{e}; still on {}", self.label)),
        }
    }

    async fn save(&mut self, dir: &Path) -> Result<Flow, ShellError> {
        match self.ensure_loaded(Self::all_tables()).await? {
            Some(Flow::Continue) => {}
            Some(flow) => return Ok(flow),
            None => return Ok(Flow::Continue),
        }
        let engine = self.engine.clone();
        let info = SnapshotInfo {
            sources: vec![self.label.clone()],
            collected_at: None,
        };
        let out = dir.to_path_buf();
        let job = async move {
            let data = engine.to_dataset().await?;
            let manifest = tokio::task::spawn_blocking(move || write_snapshot(&out, &data, &info))
                .await
                .map_err(|e| EngineError::Output(io::Error::other(e.to_string())))??;
            Ok::<_, EngineError>(manifest)
        };
        match cancellable(job).await {
            Race::Done(Ok(manifest)) => {
                let rows: usize = manifest.tables.values().sum();
                self.info(format!(
                    "wrote snapshot {} ({rows} rows; open it with .snapshot {0} or --snapshot {0})",
                    dir.display()
                ))?;
            }
            Race::Done(Err(e)) => self.error(format!(".save {}: {e}", dir.display()))?,
            Race::Failed(e) => self.error(format!(".save crashed: {e}"))?,
            Race::Cancelled => return self.cancelled(),
        }
        Ok(Flow::Continue)
    }

    async fn refresh(&mut self) -> Result<Flow, ShellError> {
        match &self.origin {
            Origin::Live(_) => {
                match Engine::new(self.options.clone()) {
                    Ok(engine) => self.set_engine(engine),
                    Err(e) => {
                        self.error(e)?;
                        return Ok(Flow::Continue);
                    }
                }
                self.loaded.clear();
                match self.ensure_loaded(Self::all_tables()).await? {
                    Some(flow) => Ok(flow),
                    None => Ok(Flow::Continue),
                }
            }
            Origin::Snapshot(dir) => {
                let dir = dir.clone();
                self.open_snapshot(&dir).await?;
                Ok(Flow::Continue)
            }
            Origin::Fixed => {
                self.info(format!(
                    "{} is not live: nothing to re-collect (start the shell with --github-org, \
                     --azure-org or --path for live data)",
                    self.label
                ))?;
                Ok(Flow::Continue)
            }
        }
    }
}

/// The prompt label of a snapshot.
fn snapshot_label(dir: &Path) -> String {
    format!("snapshot:{}", dir.display())
}

/// A mode's `.mode` name.
fn mode_name(mode: OutputFormat) -> &'static str {
    mode.name()
}

/// An engine error for the shell: without the "statement 1 (line 1)" prefix that only makes
/// sense for scripts, and with the closest table for an unknown one.
fn engine_message(e: &EngineError) -> String {
    let text = match e {
        EngineError::Sql { source, .. } => source.strip_backtrace(),
        other => {
            let s = other.to_string();
            match (s.starts_with("statement "), s.find("): ")) {
                (true, Some(i)) => s[i + 3..].to_string(),
                _ => s,
            }
        }
    };
    if let Some(rest) = text.split("table '").nth(1)
        && let Some(name) = rest.split('\'').next()
        && text.contains("not found")
    {
        let bare = name.rsplit('.').next().unwrap_or(name);
        let names: Vec<String> = catalog()
            .iter()
            .chain(&catalogue::specs())
            .map(|s| s.name.to_string())
            .collect();
        if let Some(s) = meta::closest(bare, names.iter().map(String::as_str)) {
            return format!("{text}; did you mean {s}?");
        }
    }
    text
}

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

/// The first `limit` rows of `batches`.
fn truncate(batches: &[RecordBatch], limit: usize) -> Vec<RecordBatch> {
    let mut left = limit;
    let mut out = Vec::new();
    for b in batches {
        if left == 0 {
            break;
        }
        let n = b.num_rows().min(left);
        out.push(b.slice(0, n));
        left -= n;
    }
    out
}

/// Failing rows of a rule result: rows whose `status` is `fail`, or every row without `status`.
fn count_failures(output: &RuleOutput) -> usize {
    let Ok(idx) = output.schema.index_of("status") else {
        return rows(&output.batches);
    };
    let mut n = 0;
    for batch in &output.batches {
        match cast(batch.column(idx), &DataType::Utf8) {
            Ok(col) => {
                let strings = col.as_string::<i32>();
                n += (0..strings.len())
                    .filter(|&i| {
                        strings.is_valid(i) && strings.value(i).eq_ignore_ascii_case("fail")
                    })
                    .count();
            }
            Err(_) => n += batch.num_rows(),
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    use crate::source::{BoxError, BoxFuture, Collected, RuleInfo};
    use devquery_engine::datafusion::arrow::array::StringArray;
    use devquery_engine::datafusion::arrow::datatypes::{Field, Schema};
    use devquery_model::Dataset;

    /// A `Write` into a shared buffer.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            self.0
                .lock()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        }
    }

    fn session() -> (Session, Shared, Shared) {
        let out = Shared::default();
        let err = Shared::default();
        let engine = Engine::new(EngineOptions::default()).expect("engine");
        let s =
            Session::new(engine, "test").with_output(Box::new(out.clone()), Box::new(err.clone()));
        (s, out, err)
    }

    async fn run(s: &mut Session, script: &str) -> Flow {
        s.run_lines(script.lines().map(|l| Ok(l.to_string())))
            .await
            .expect("run")
    }

    #[tokio::test]
    async fn statements_meta_commands_and_errors() {
        let (mut s, out, err) = session();
        let flow = run(
            &mut s,
            "select 1 as one;\n.mode csv\nselect 2\n  as two;\nselect nope;\n.bogus\nselect 3 as three",
        )
        .await;
        assert_eq!(flow, Flow::Continue);
        let out = out.text();
        assert!(out.contains("| one |"), "{out}");
        assert!(out.contains("two\n2\n"), "{out}");
        assert!(out.contains("three\n3\n"), "{out}");
        let err = err.text();
        assert!(err.contains("error: "), "{err}");
        assert!(err.contains("unknown command .bogus"), "{err}");
        assert!(s.failed());
    }

    #[tokio::test]
    async fn markdown_mode_wide_setting_and_null() {
        let (mut s, out, err) = session();
        run(
            &mut s,
            "select cast(null as varchar) as a, '' as b;\n.wide\n.wide on\n.wide\n.mode markdown\nselect 'x|y' as t;\n.mode",
        )
        .await;
        let out = out.text();
        assert!(out.contains("| NULL |   |"), "NULL differs from '': {out}");
        assert!(out.contains("| t |\n| --- |\n| x\\|y |\n"), "{out}");
        assert!(s.settings.wide);
        let err = err.text();
        assert!(
            err.contains("wide: off") && err.contains("wide: on"),
            "{err}"
        );
        assert!(err.contains("mode: markdown"), "{err}");
        assert!(!s.failed(), "{err}");
    }

    #[tokio::test]
    async fn a_hundred_kilobyte_paste_runs_as_typed() {
        // A 110 KB statement whose string literal spans 11,000 lines, then statements and a
        // meta-command: each line is scanned once, and the result is the same as typed.
        let (mut s, out, _) = session();
        let mut script = String::from(".mode csv\nselect length('");
        for _ in 0..11_000 {
            script.push_str("abcdefghi\n");
        }
        script.push_str("') as long;\nselect 'a;b' as x; -- ;\n.mode csv\nselect 2\n  as two;\n");
        assert!(script.len() > 100 * 1024);
        let flow = run(&mut s, &script).await;
        assert_eq!(flow, Flow::Continue);
        // 9 letters and a line break per line, all inside the string.
        assert!(out.text().contains("long\n110000\n"), "{}", out.text());
        assert!(out.text().contains("x\na;b\n"), "{}", out.text());
        assert!(out.text().contains("two\n2\n"), "{}", out.text());
        assert!(!s.failed());
    }

    #[tokio::test]
    async fn maxrows_cuts_table_mode() {
        let (mut s, out, _) = session();
        run(&mut s, ".maxrows 3\nselect * from generate_series(1, 10);").await;
        let text = out.text();
        assert!(text.contains("(7 more rows;"), "{text}");
        assert!(!s.failed());
    }

    #[tokio::test]
    async fn quit_stops_the_script() {
        let (mut s, out, _) = session();
        let flow = run(&mut s, "select 1 as a;\n.quit\nselect 2 as b;").await;
        assert_eq!(flow, Flow::Quit);
        assert!(!out.text().contains("| b |"));
    }

    #[tokio::test]
    async fn unknown_table_suggests_the_closest() {
        let (mut s, _, err) = session();
        run(&mut s, "select * from repositorys;").await;
        assert!(
            err.text().contains("did you mean repositories?"),
            "{}",
            err.text()
        );
    }

    #[tokio::test]
    async fn line_mode_and_schema() {
        let (mut s, out, _) = session();
        run(
            &mut s,
            ".mode line\nselect 1 as a, 'x' as bb;\n.schema runners",
        )
        .await;
        let text = out.text();
        assert!(text.contains(" a = 1\nbb = x\n"), "{text}");
        // The columns of runners, printed in the current mode.
        assert!(text.contains("column_name = platform\n"), "{text}");
        assert!(text.contains("  data_type = text\n"), "{text}");
        assert!(
            !text.contains("runners — "),
            "no title outside table modes: {text}"
        );
    }

    #[tokio::test]
    async fn tables_and_schema_are_queries_printed_like_results() {
        let (mut s, out, err) = session();
        run(&mut s, ".tables\n.schema REPOSITORIES").await;
        let text = out.text();
        assert!(text.contains("| table_name "), "{text}");
        assert!(text.contains("| repositories "), "{text}");
        assert!(text.contains("| devquery_columns "), "{text}");
        assert!(text.contains("repositories — Repository"), "{text}");
        assert!(text.contains("| secret_scanning "), "{text}");
        assert!(!s.failed(), "{}", err.text());

        let (mut s, out, err) = session();
        run(
            &mut s,
            ".mode csv\n.tables\n.schema repositories\n.schema\n.schema nope",
        )
        .await;
        let text = out.text();
        assert!(
            text.starts_with("table_name,kind,row_count,description\naccess_grants,table,,"),
            "{text}"
        );
        assert!(
            text.contains("\ncolumn_name,data_type,description\n"),
            "{text}"
        );
        assert!(
            text.contains("\nsecret_scanning,boolean,Secret scanning is enabled.\n"),
            "{text}"
        );
        assert!(text.contains("\norgs,\"platform, host, org, "), "{text}");
        assert!(
            !text.contains("repositories — "),
            "no title in csv mode: {text}"
        );
        assert!(err.text().contains("no table 'nope'"), "{}", err.text());
    }

    #[tokio::test]
    async fn box_mode_and_column_widths() {
        let (mut s, out, err) = session();
        run(
            &mut s,
            ".mode box\n.width 5\nselect 'repositories' as name, 1 as n;\n.width\n.mode\nselect 'repositories' as name;\n.maxrows 3\nselect * from generate_series(1, 10);",
        )
        .await;
        let text = out.text();
        let fixed = "┌───────┬───┐\n│ name  │ n │\n├───────┼───┤\n│ repo… │ 1 │\n└───────┴───┘\n";
        assert!(text.contains(fixed), "{text}");
        assert!(
            text.contains("│ repositories │"),
            ".width alone resets: {text}"
        );
        assert!(text.contains("(7 more rows;"), "{text}");
        assert_eq!(s.presentation.widths, Vec::<usize>::new());
        let note = err.text();
        assert!(note.contains("width: automatic"), "{note}");
        assert!(note.contains("mode: box"), "{note}");
        assert!(!s.failed(), "{note}");

        let (mut s, out, _) = session();
        run(&mut s, ".mode box\n.headers off\nselect 7 as seven;").await;
        assert_eq!(out.text(), "┌───────┐\n│ 7     │\n└───────┘\n");
    }

    struct FakeLive(Arc<Mutex<usize>>);

    impl LiveSource for FakeLive {
        fn label(&self) -> String {
            "fake".into()
        }
        fn collect(&self, _wanted: Vec<String>) -> BoxFuture<Result<Collected, BoxError>> {
            let calls = self.0.clone();
            Box::pin(async move {
                if let Ok(mut n) = calls.lock() {
                    *n += 1;
                }
                Ok(Collected {
                    data: Dataset::new(),
                    covered: catalog().iter().map(|s| s.name.to_string()).collect(),
                })
            })
        }
    }

    #[tokio::test]
    async fn live_tables_are_collected_once_on_first_use() {
        let calls = Arc::new(Mutex::new(0));
        let out = Shared::default();
        let err = Shared::default();
        let mut s = Session::live(Arc::new(FakeLive(calls.clone())), EngineOptions::default())
            .expect("live")
            .with_output(Box::new(out.clone()), Box::new(err.clone()));
        assert_eq!(s.label(), "fake");
        run(&mut s, "select 1;").await;
        assert_eq!(calls.lock().map(|n| *n).unwrap_or(99), 0);
        run(
            &mut s,
            "select count(*) from repositories;\nselect * from runners;",
        )
        .await;
        assert_eq!(calls.lock().map(|n| *n).unwrap_or(99), 1);
        run(&mut s, ".refresh").await;
        assert_eq!(calls.lock().map(|n| *n).unwrap_or(99), 2);
        assert!(
            err.text().contains("collecting repositories from fake"),
            "{}",
            err.text()
        );
        assert!(!s.failed(), "{}", err.text());
    }

    struct FakeRules;

    impl RuleSource for FakeRules {
        fn rules(&self) -> Vec<RuleInfo> {
            vec![RuleInfo {
                id: "demo-rule".into(),
                title: "A demo rule".into(),
                severity: "high".into(),
                sql: "select 1".into(),
            }]
        }
        fn run(&self, _engine: &Engine, _id: &str) -> BoxFuture<Result<RuleOutput, BoxError>> {
            Box::pin(async move {
                let schema = Arc::new(Schema::new(vec![Field::new(
                    "status",
                    DataType::Utf8,
                    true,
                )]));
                let col = StringArray::from(vec![Some("fail"), Some("pass"), Some("fail")]);
                let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(col)])?;
                Ok::<_, BoxError>(RuleOutput {
                    schema,
                    batches: vec![batch],
                })
            })
        }
    }

    #[tokio::test]
    async fn rules_list_and_run() {
        let (s, out, err) = session();
        let mut s = s.with_rules(Arc::new(FakeRules));
        assert_eq!(s.completion_data().rules, vec!["demo-rule"]);
        run(&mut s, ".rules\n.run demo-rule\n.run all\n.run demo-rul").await;
        let text = out.text();
        assert!(text.contains("| demo-rule | high     | all "), "{text}");
        assert!(text.contains("(1 rules; .run RULE or .run all)"), "{text}");
        assert!(text.contains("2 failing of 3 rows"), "{text}");
        assert!(text.contains("FAIL   high      demo-rule"), "{text}");
        assert!(
            err.text().contains("did you mean demo-rule?"),
            "{}",
            err.text()
        );
    }

    #[tokio::test]
    async fn rules_missing_is_an_error_not_an_exit() {
        let (s, _, err) = session();
        let mut s = s.with_rules_missing("no rule pack here");
        let flow = run(&mut s, ".rules\n.run x").await;
        assert_eq!(flow, Flow::Continue);
        assert_eq!(err.text().matches("no rule pack here").count(), 2);
    }

    #[tokio::test]
    async fn save_and_switch_to_a_snapshot() {
        let dir = tempfile::tempdir().expect("tempdir");
        let snap = dir.path().join("snap");
        let (mut s, _, err) = session();
        run(
            &mut s,
            &format!(
                ".save {}\n.snapshot {}\nselect count(*) from repositories;",
                snap.display(),
                snap.display()
            ),
        )
        .await;
        assert!(!s.failed(), "{}", err.text());
        assert_eq!(s.label(), format!("snapshot:{}", snap.display()));
        let mut missing = Session::new(Engine::new(EngineOptions::default()).expect("engine"), "x")
            .with_output(Box::new(Shared::default()), Box::new(Shared::default()));
        run(&mut missing, ".snapshot /nonexistent/devquery").await;
        assert!(missing.failed());
        assert_eq!(missing.label(), "x");
    }

    #[tokio::test]
    async fn read_runs_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("q.sql");
        std::fs::write(
            &file,
            "-- a saved query\nselect 41 + 1 as answer;\n.mode csv\n",
        )
        .expect("write");
        let (mut s, out, _) = session();
        run(
            &mut s,
            &format!(".read {}\nselect 7 as seven;", file.display()),
        )
        .await;
        let text = out.text();
        assert!(text.contains("| 42"), "{text}");
        assert!(text.contains("seven\n7"), "{text}");
    }

    #[tokio::test]
    async fn once_writes_one_result_then_stdout_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("once.csv");
        let (mut s, out, err) = session();
        // `.mode csv` prints nothing, so `.once` waits for the statement after it.
        let script = format!(
            ".once {}\n.mode csv\nselect 1 as first;\nselect 2 as second;",
            file.display()
        );
        run(&mut s, &script).await;
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "first\n1\n");
        let text = out.text();
        assert!(!text.contains("first"), "{text}");
        assert!(text.contains("second\n2\n"), "{text}");
        assert!(!s.failed(), "{}", err.text());
    }

    #[tokio::test]
    async fn output_keeps_every_result_until_reset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("out.csv");
        std::fs::write(&file, "old\n").expect("write");
        let (mut s, out, err) = session();
        let script = format!(
            ".mode csv\n.output {}\nselect 1 as a;\nselect nope;\nselect 2 as b;\n.output\nselect 3 as c;",
            file.display()
        );
        run(&mut s, &script).await;
        let written = std::fs::read_to_string(&file).expect("read");
        assert_eq!(written, "a\n1\nb\n2\n");
        assert_eq!(out.text(), "c\n3\n");
        assert!(err.text().contains("nope"), "{}", err.text());
    }

    #[tokio::test]
    async fn a_file_gets_every_row() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("all.txt");
        let (mut s, out, err) = session();
        let script = format!(
            ".maxrows 2\n.output {}\nselect * from generate_series(1, 5);\n.output",
            file.display()
        );
        run(&mut s, &script).await;
        let written = std::fs::read_to_string(&file).expect("read");
        assert!(written.contains("| 5 "), "{written}");
        assert!(!written.contains("more rows"), "{written}");
        assert!(out.text().is_empty(), "{}", out.text());
        assert!(!s.failed(), "{}", err.text());
    }

    #[tokio::test]
    async fn headers_off_leaves_out_column_names() {
        let (mut s, out, err) = session();
        run(
            &mut s,
            ".headers off\n.mode csv\nselect 1 as a, 'x,y' as b;\n.mode table\nselect 7 as seven;\n.headers",
        )
        .await;
        let text = out.text();
        assert!(text.starts_with("1,\"x,y\"\n"), "{text}");
        assert!(!text.contains("a,b") && !text.contains("seven"), "{text}");
        assert!(text.contains("| 7 "), "{text}");
        assert!(err.text().contains("headers: off"), "{}", err.text());
    }

    #[tokio::test]
    async fn nullvalue_sets_how_null_shows() {
        let (mut s, out, err) = session();
        run(
            &mut s,
            ".nullvalue '∅'\nselect cast(null as varchar) as a, '' as b;\n.mode line\nselect cast(null as int) as n;\n.nullvalue",
        )
        .await;
        let text = out.text();
        assert!(text.contains("| ∅ |   |"), "{text}");
        assert!(text.contains("n = ∅"), "{text}");
        assert!(err.text().contains("nullvalue: '∅'"), "{}", err.text());
    }

    #[tokio::test]
    async fn init_file_runs_from_the_config_directory() {
        let config_home = tempfile::tempdir().expect("tempdir");
        let xdg = config_home.path().as_os_str();
        assert_eq!(crate::init::init_file_in(Some(xdg), None), None);
        let path = config_home.path().join("devquery").join("init.sql");
        std::fs::create_dir_all(config_home.path().join("devquery")).expect("mkdir");
        std::fs::write(&path, "-- my defaults\n.mode csv\nselect 5 as five;\n").expect("write");
        let found = crate::init::init_file_in(Some(xdg), None).expect("init file");
        assert_eq!(found, path);
        let (mut s, out, err) = session();
        let flow = s.run_init(&found).await.expect("init");
        assert_eq!(flow, Flow::Continue);
        assert_eq!(s.settings.mode, OutputFormat::Csv);
        assert!(out.text().contains("five\n5\n"), "{}", out.text());
        let note = err.text();
        assert!(note.contains(&path.display().to_string()), "{note}");
        assert!(!s.failed(), "{note}");
    }

    /// The line of `err` that ends with `statement_line`, and the caret line under it.
    fn caret_under(err: &str, statement_line: &str) -> (String, String) {
        let lines: Vec<&str> = err.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.ends_with(statement_line))
            .unwrap_or_else(|| panic!("no statement line in {err}"));
        let caret = lines.get(at + 1).copied().unwrap_or_default();
        (lines[at].to_string(), caret.to_string())
    }

    #[tokio::test]
    async fn errors_put_a_caret_under_the_column() {
        let (mut s, _, err) = session();
        run(&mut s, "select nope from repositories;").await;
        let (line, caret) = caret_under(&err.text(), "select nope from repositories");
        assert_eq!(caret.trim(), "^", "{}", err.text());
        assert_eq!(caret.find('^'), line.find("nope"), "{}", err.text());

        let (mut s, _, err) = session();
        run(&mut s, "select 1\nfrm repositories;").await;
        let (line, caret) = caret_under(&err.text(), "frm repositories");
        assert!(line.contains("line 2: "), "{}", err.text());
        assert_eq!(caret.find('^'), line.find("repositories"), "{}", err.text());
    }
}
