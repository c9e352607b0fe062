//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;

/// SQL over your DevOps estate: GitHub and Azure DevOps repositories, pipelines, runners, secrets
/// and permissions as tables, with posture rules as plain SQL.
#[derive(Debug, Parser)]
#[command(name = "devquery", version, about, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run SQL (-e or -f) and print the results.
    Query(commands::query::QueryArgs),
    /// List the tables, or the columns of one table.
    Tables(commands::tables::TablesArgs),
    /// Collect from the sources and write a Parquet snapshot.
    Collect(commands::collect::CollectArgs),
    /// Run the rules and write the compliance report (exit 10 + n with --fail-on).
    Report(Box<commands::report::ReportArgs>),
    /// List the rules, print one rule, or validate rule files (--check).
    Rules(commands::rules::RulesArgs),
    /// Interactive SQL shell (the default on a terminal): completion, history, `.help`.
    Shell(commands::shell::ShellArgs),
}

/// Where the data comes from. With no source, the bundled demo estate is used.
#[derive(Debug, Clone, Args, Default)]
pub struct SourceArgs {
    /// Read a Parquet snapshot written by `devquery collect`.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["path"])]
    pub snapshot: Option<PathBuf>,

    /// A repository checkout, or a directory of checkouts, to read pipeline files from
    /// (repeatable; no token or network needed).
    #[arg(long = "path", value_name = "DIR")]
    pub path: Vec<PathBuf>,
}

impl SourceArgs {
    /// True when any live source (not a snapshot) was given.
    pub fn has_live_source(&self) -> bool {
        !self.path.is_empty()
    }

    /// Human-readable descriptions of the sources, for manifests and prompts.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = &self.snapshot {
            out.push(format!("snapshot:{}", s.display()));
        }
        for p in &self.path {
            out.push(format!("path:{}", p.display()));
        }
        out
    }
}
