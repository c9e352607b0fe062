//! `devquery shell` (and `devquery` alone on a terminal): the SQL REPL of `devquery-shell`, wired
//! to the same sources as every command and to the bundled rule pack.
//!
//! Live sources (`--path`, `--github-org`, `--azure-org`) are collected when a statement first
//! references a table, then cached for the session. The collectors only collect a whole source
//! at once, so that first collection fills every table; `.refresh` collects again.

use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::{Engine, OutputFormat};
use devquery_model::catalog;
use devquery_rules::{RuleSet, RunOptions, run_rules};
use devquery_shell::{
    BoxError, BoxFuture, Collected, LiveSource, RuleInfo, RuleOutput, RuleSource, Session, Settings,
};

use crate::args::{SourceArgs, WidthArgs};
use crate::color::{self, ColorWhen};
use crate::sources;

/// Arguments of `devquery shell`.
#[derive(Debug, Args)]
pub struct ShellArgs {
    /// Output mode: table, box, csv, json, line or markdown (`.mode` changes it).
    #[arg(long, default_value = "table", value_parser = parse_mode)]
    pub mode: OutputFormat,

    /// Rows shown in table mode, 0 for all (`.maxrows` changes it).
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub maxrows: usize,

    /// Print how long each statement takes (`.timer` changes it).
    #[arg(long)]
    pub timer: bool,

    /// Do not run the init file ($XDG_CONFIG_HOME/devquery/init.sql, else
    /// ~/.config/devquery/init.sql) that an interactive shell runs at start.
    #[arg(long)]
    pub no_init: bool,

    // --wide (`.wide on|off` changes it in the session).
    #[command(flatten)]
    pub width: WidthArgs,

    #[command(flatten)]
    pub sources: SourceArgs,
}

impl Default for ShellArgs {
    fn default() -> Self {
        Self {
            mode: OutputFormat::Table,
            maxrows: 40,
            timer: false,
            no_init: false,
            width: WidthArgs::default(),
            sources: SourceArgs::default(),
        }
    }
}

fn parse_mode(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s)
        .filter(|f| !f.is_binary() && *f != OutputFormat::Ndjson)
        .ok_or_else(|| {
            format!("unknown mode '{s}' (expected one of: table, box, csv, json, line, markdown)")
        })
}

/// Live sources, collected through [`sources::collect`] (every table at once).
struct CliLive {
    sources: SourceArgs,
}

impl LiveSource for CliLive {
    fn label(&self) -> String {
        self.sources.describe().join(", ")
    }

    fn collect(&self, _wanted: Vec<String>) -> BoxFuture<Result<Collected, BoxError>> {
        Box::pin(collect_all(self.sources.clone()))
    }
}

/// Collects every live source; the collectors fill every table in one go.
async fn collect_all(sources: SourceArgs) -> Result<Collected, BoxError> {
    // The collectors' futures are not `Send` (higher-ranked closures inside them), so collect
    // on a blocking thread that drives them with the runtime handle.
    let handle = tokio::runtime::Handle::current();
    let data = tokio::task::spawn_blocking(move || handle.block_on(sources::collect(&sources)))
        .await
        .map_err(|e| -> BoxError { format!("collection task failed: {e}").into() })?
        .map_err(|e| -> BoxError { crate::exit::describe(&e).into() })?;
    Ok(Collected {
        data,
        covered: catalog().iter().map(|s| s.name.to_string()).collect(),
    })
}

/// The bundled rule pack, run through `devquery-rules`.
struct CliRules {
    set: Arc<RuleSet>,
    source: String,
}

impl RuleSource for CliRules {
    fn rules(&self) -> Vec<RuleInfo> {
        self.set
            .rules()
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                title: r.title.clone(),
                severity: r.severity.as_str().to_string(),
                sql: r.sql.clone(),
            })
            .collect()
    }

    fn catalogue(&self) -> Vec<devquery_engine::RuleEntry> {
        devquery_rules::catalogue_entries(self.set.rules())
    }

    fn run(&self, engine: &Engine, id: &str) -> BoxFuture<Result<RuleOutput, BoxError>> {
        let engine = engine.clone();
        let rule = self.set.get(id).cloned();
        let options = RunOptions::now(self.source.clone());
        Box::pin(run_rule(engine, rule, options, id.to_string()))
    }
}

/// Runs one rule through `devquery-rules` and returns its findings as rows.
async fn run_rule(
    engine: Engine,
    rule: Option<devquery_rules::Rule>,
    options: RunOptions,
    id: String,
) -> Result<RuleOutput, BoxError> {
    let Some(rule) = rule else {
        return Err(format!("no rule '{id}'").into());
    };
    let report = run_rules(&engine, std::slice::from_ref(&rule), &options).await;
    let Some(result) = report.results.into_iter().next() else {
        return Err(format!("rule {id} did not run").into());
    };
    if let Some(e) = result.error {
        return Err(e.into());
    }
    let text = |f: &dyn Fn(&devquery_rules::Finding) -> String| -> ArrayRef {
        Arc::new(
            result
                .findings
                .iter()
                .map(|x| Some(f(x)))
                .collect::<StringArray>(),
        )
    };
    let columns = vec![
        text(&|f| f.status.as_str().to_string()),
        text(&|f| f.resource_type.clone()),
        text(&|f| f.resource.clone()),
        text(&|f| f.reason.clone()),
    ];
    let schema = Arc::new(Schema::new(
        ["status", "resource_type", "resource", "reason"]
            .iter()
            .map(|n| Field::new(*n, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    Ok(RuleOutput {
        schema,
        batches: vec![batch],
    })
}

/// Colour in the shell (highlighting, error lines): `--color always` / `never` as given; `auto`
/// only for an interactive session (stdin a terminal) whose stdout may be coloured.
fn shell_color() -> bool {
    match color::choice() {
        ColorWhen::Auto => {
            color::enabled(color::Stream::Stdout)
                && std::io::IsTerminal::is_terminal(&std::io::stdin())
        }
        ColorWhen::Always => true,
        ColorWhen::Never => false,
    }
}

/// Runs the shell.
pub async fn run(args: ShellArgs) -> Result<u8> {
    // `--org` / `--repo` narrow a snapshot here; live data is narrowed as it is collected.
    let options = sources::engine_options(&args.sources);
    let session = if let Some(dir) = &args.sources.snapshot {
        Session::snapshot(dir, options).await?
    } else if args.sources.has_live_source() {
        Session::live(
            Arc::new(CliLive {
                sources: args.sources.clone(),
            }),
            options,
        )?
    } else {
        let opened = sources::open(&args.sources, options).await?;
        Session::new(opened.engine, opened.label)
    };
    let session = match RuleSet::load(None) {
        Ok(set) => {
            let source = session.label().to_string();
            session.with_rules(Arc::new(CliRules {
                set: Arc::new(set),
                source,
            }))
        }
        Err(e) => session.with_rules_missing(format!("the rule pack failed to load: {e}")),
    };
    let session = session
        .with_settings(Settings {
            mode: args.mode,
            timer: args.timer,
            maxrows: args.maxrows,
            color: shell_color(),
            wide: args.width.wide,
        })
        .with_init(!args.no_init);
    Ok(devquery_shell::run(session).await?)
}
