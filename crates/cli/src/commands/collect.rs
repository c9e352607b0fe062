//! `devquery collect ... --out DIR`: collects the live sources and writes a snapshot.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use devquery_engine::{SnapshotInfo, write_snapshot};

use crate::args::SourceArgs;
use crate::exit;
use crate::sources;

/// Arguments of `devquery collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Snapshot directory to write (replaced atomically if it already holds a snapshot).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub sources: SourceArgs,
}

/// Runs the command.
pub async fn run(args: CollectArgs) -> Result<u8> {
    if args.sources.snapshot.is_some() {
        return Err(exit::usage(
            "collect reads live sources (--path, --github-org, --azure-org), not --snapshot",
        ));
    }
    if !args.sources.has_live_source() {
        return Err(exit::usage(
            "nothing to collect: give --path DIR, --github-org ORG or --azure-org ORG",
        ));
    }
    let data = sources::collect(&args.sources).await?;
    let info = SnapshotInfo {
        sources: args.sources.describe(),
        collected_at: None,
    };
    let out = args.out.clone();
    let manifest =
        tokio::task::spawn_blocking(move || write_snapshot(&out, &data, &info)).await??;
    let rows: usize = manifest.tables.values().sum();
    eprintln!(
        "wrote snapshot {} ({} rows in {} tables, {} collection errors)",
        args.out.display(),
        rows,
        manifest.tables.values().filter(|n| **n > 0).count(),
        manifest.error_count
    );
    Ok(0)
}
