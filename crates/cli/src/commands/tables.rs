//! `devquery tables [NAME]`: the catalogue, or one table's columns with types and docs. Both are
//! queries over the catalogue tables every session has (`devquery_tables`, `devquery_columns`,
//! see [`devquery_engine::catalog`]), printed by the printer of `devquery query`; `--markdown`
//! prints the reference `docs/tables.md`.

use std::io::Write as _;

use anyhow::Result;
use clap::Args;
use devquery_engine::catalog as catalogue;
use devquery_engine::output::TextLayout;
use devquery_engine::{Engine, EngineOptions, OutputFormat};
use devquery_model::{catalog, docs};

use crate::args::WidthArgs;
use crate::exit;

/// Arguments of `devquery tables`.
#[derive(Debug, Args)]
pub struct TablesArgs {
    /// Show the columns of this table.
    pub name: Option<String>,
    /// Print the Markdown reference (docs/tables.md) instead.
    #[arg(long, conflicts_with_all = ["name", "format"])]
    pub markdown: bool,
    /// Output format: table, box, csv, json, ndjson, line or markdown.
    #[arg(long, default_value = "table", value_parser = parse_text_format)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub width: WidthArgs,
}

/// A text output format (every format but parquet), for commands that print to stdout.
pub(crate) fn parse_text_format(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s)
        .filter(|f| !f.is_binary())
        .ok_or_else(|| {
            let names: Vec<&str> = OutputFormat::NAMES
                .into_iter()
                .filter(|n| OutputFormat::parse(n).is_some_and(|f| !f.is_binary()))
                .collect();
            format!(
                "unknown format '{s}' (expected one of: {})",
                names.join(", ")
            )
        })
}

/// Writes a query result to stdout in `format`, tables fitted as `width` says (the printer of
/// `devquery query`).
pub(crate) fn print_result(
    out: &mut (impl std::io::Write + Send),
    format: OutputFormat,
    width: WidthArgs,
    result: &devquery_engine::StatementOutput,
) -> Result<()> {
    let layout = TextLayout {
        max_width: width.stdout_width(),
        ..TextLayout::default()
    };
    format.write_with(out, &result.schema, &result.batches, &layout)?;
    Ok(())
}

/// Runs the command.
pub async fn run(args: TablesArgs) -> Result<u8> {
    let mut out = std::io::BufWriter::new(crate::stdout::stdout());
    if args.markdown {
        write!(out, "{}", docs::tables_markdown())?;
        out.flush()?;
        return Ok(0);
    }
    let engine = Engine::new(EngineOptions::default())?;
    let sql = match &args.name {
        None => catalogue::tables_query(false),
        Some(name) => {
            let Some((table, doc)) = catalogue::find_table(&engine, name).await? else {
                let names: Vec<&str> = catalog()
                    .iter()
                    .chain(&catalogue::specs())
                    .map(|s| s.name)
                    .collect();
                return Err(exit::usage(format!(
                    "no table '{name}'; tables are: {}",
                    names.join(", ")
                )));
            };
            if args.format.is_table() {
                writeln!(out, "{table} — {}\n", doc.unwrap_or_default())?;
            }
            catalogue::columns_query(&table)
        }
    };
    let result = engine.query(&sql).await?;
    print_result(&mut out, args.format, args.width, &result)?;
    out.flush()?;
    Ok(0)
}
