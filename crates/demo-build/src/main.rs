//! `devquery-demo-build`: regenerates the bundled demo estate (`snapshots/demo`) by collecting
//! the curated fake GitHub and Azure DevOps scenarios with the real collectors (see [`build`]),
//! then checks that every bundled rule has both a failing and a passing finding on it.
//!
//! It is its own binary so that the fake servers stay out of `devquery`: run it from the
//! workspace root with `cargo build --workspace && target/debug/devquery-demo-build`, then
//! rebuild `devquery` to embed the new files.

mod build;
mod check;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use devquery_engine::{SnapshotInfo, write_snapshot};

use crate::build::{COLLECTED_AT, Scenarios};

/// Rebuild the demo snapshot: serve the demo scenarios on in-process fake GitHub and Azure
/// DevOps servers, collect them with the real collectors, write the snapshot and check that every
/// bundled rule fails on one resource and passes on another (exit 1 when not).
#[derive(Debug, Parser)]
#[command(name = "devquery-demo-build", version)]
struct Args {
    /// Snapshot directory to write.
    #[arg(long, value_name = "DIR", default_value = "snapshots/demo")]
    out: PathBuf,
    /// Fake GitHub scenario (YAML) instead of the bundled `github-demo.yaml`.
    #[arg(long, value_name = "FILE")]
    github_scenario: Option<PathBuf>,
    /// Fake Azure DevOps scenario (YAML) instead of the bundled `azure-rules.yaml`.
    #[arg(long, value_name = "FILE")]
    azure_scenario: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Builds, writes and checks the estate; the exit code is the check's.
async fn run(args: Args) -> Result<u8> {
    let scenarios = Scenarios::load(
        args.github_scenario.as_deref(),
        args.azure_scenario.as_deref(),
    )?;
    let data = build::build(&scenarios).await?;
    let info = SnapshotInfo {
        sources: scenarios.sources(),
        collected_at: Some(COLLECTED_AT.into()),
    };
    let target = args.out.clone();
    let manifest =
        tokio::task::spawn_blocking(move || write_snapshot(&target, &data, &info)).await??;
    eprintln!(
        "wrote demo estate {} ({} rows)",
        args.out.display(),
        manifest.tables.values().sum::<usize>()
    );
    for (table, rows) in &manifest.tables {
        eprintln!("  {table:<24} {rows:>5}");
    }
    check::check(&args.out).await
}
