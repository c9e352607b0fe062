//! `devquery demo build`: regenerates the bundled demo estate (`snapshots/demo`).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use devquery_engine::{SnapshotInfo, write_snapshot};

/// Arguments of `devquery demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: DemoCommand,
}

/// Demo subcommands.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Build the demo snapshot from the rule pack's fixture estates.
    Build {
        /// Directory of fixture estates (`<area>.yaml`).
        #[arg(long, value_name = "DIR", default_value = "queries/tests")]
        fixtures: PathBuf,
        /// Snapshot directory to write.
        #[arg(long, value_name = "DIR", default_value = "snapshots/demo")]
        out: PathBuf,
    },
}

/// Runs the command.
pub async fn run(args: DemoArgs) -> Result<u8> {
    match args.command {
        DemoCommand::Build { fixtures, out } => {
            let data = crate::demo::build(&fixtures)?;
            let info = SnapshotInfo {
                sources: vec![format!("demo:{}", fixtures.display())],
                collected_at: Some("2026-11-22T09:00:00Z".into()),
            };
            let target = out.clone();
            let manifest =
                tokio::task::spawn_blocking(move || write_snapshot(&target, &data, &info))
                    .await??;
            eprintln!(
                "wrote demo estate {} ({} rows)",
                out.display(),
                manifest.tables.values().sum::<usize>()
            );
            Ok(0)
        }
    }
}
