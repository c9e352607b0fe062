//! `devquery query -e SQL | -f FILE`: runs statements and writes their results.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use devquery_engine::output::TextLayout;
use devquery_engine::{EngineOptions, OutputFormat, split_statements};

use crate::args::{SourceArgs, WidthArgs};
use crate::exit;
use crate::sources;

/// Arguments of `devquery query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// SQL to run (several statements separated by `;` allowed; repeatable).
    #[arg(
        short = 'e',
        long = "execute",
        value_name = "SQL",
        required_unless_present = "file"
    )]
    pub execute: Vec<String>,

    /// A file of SQL statements to run (repeatable; `-` reads stdin).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,

    /// Output format: table, box, csv, json, ndjson, parquet, line or markdown. The table shows NULL
    /// as `NULL` (an empty string as nothing); csv and markdown write lists, maps and structs
    /// as JSON text.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    pub format: OutputFormat,

    /// Write results to this file instead of stdout (required for parquet).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub width: WidthArgs,

    #[command(flatten)]
    pub sources: SourceArgs,
}

fn parse_format(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s).ok_or_else(|| {
        format!(
            "unknown format '{s}' (expected one of: {})",
            OutputFormat::NAMES.join(", ")
        )
    })
}

/// Runs the command.
pub async fn run(args: QueryArgs) -> Result<u8> {
    let mut script = String::new();
    for sql in &args.execute {
        script.push_str(sql);
        script.push_str(";\n");
    }
    for file in &args.file {
        let text = if file.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("reading SQL from stdin")?
        } else {
            fs::read_to_string(file)
                .map_err(|e| exit::usage(format!("cannot read {}: {e}", file.display())))?
        };
        script.push_str(&text);
        script.push_str(";\n");
    }
    let statements = split_statements(&script);
    if statements.is_empty() {
        return Err(exit::usage("no SQL statement given"));
    }
    if args.format.is_binary() {
        if statements.len() > 1 {
            return Err(exit::usage(
                "--format parquet writes one result: give exactly one statement",
            ));
        }
        if args.output.is_none() && std::io::stdout().is_terminal() {
            return Err(exit::usage(
                "--format parquet needs --output PATH (or redirect stdout to a file)",
            ));
        }
    }

    let opened = sources::open(&args.sources, EngineOptions::default()).await?;
    if let Some(partial) = opened.engine.partial() {
        // The results are what was read; the exit code stays 0 (a query is not a gate).
        super::collect::warn_partial(partial);
    }
    let mut results = Vec::new();
    for statement in &statements {
        results.push(opened.engine.execute(statement).await?);
    }

    match &args.output {
        Some(path) => {
            devquery_engine::write_output(path, |file| -> Result<()> {
                for r in &results {
                    args.format.write(file, &r.schema, &r.batches)?;
                }
                Ok(())
            })
            .with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let layout = TextLayout {
                max_width: args.width.stdout_width(),
                ..TextLayout::default()
            };
            let mut out = std::io::BufWriter::new(crate::stdout::stdout());
            for r in &results {
                args.format
                    .write_with(&mut out, &r.schema, &r.batches, &layout)?;
            }
            out.flush()?;
        }
    }
    Ok(0)
}
