//! `devquery collect ... --out DIR`: collects the live sources and writes a snapshot.
//!
//! A collection that stopped before the estate was complete (request budget, rate limit,
//! credentials refused mid-run, an organisation that could not be read) still writes its
//! snapshot, marked partial in the manifest, and exits [`exit::PARTIAL`] unless
//! `--allow-partial`; credentials refused or an unreachable API before anything was read are
//! errors ([`exit::AUTH`], [`exit::UNREACHABLE`]) and write nothing.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use devquery_engine::{SnapshotInfo, write_snapshot};
use devquery_model::rows::Partial;

use crate::args::SourceArgs;
use crate::exit;
use crate::sources;

/// Arguments of `devquery collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Snapshot directory to write (replaced atomically if it already holds a snapshot).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Exit 0 even when the collection stopped before the estate was complete (request budget,
    /// rate limit); the manifest still records the snapshot as partial, and reports over it
    /// say so.
    #[arg(long)]
    pub allow_partial: bool,

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
        "wrote {}snapshot {} ({} rows in {} tables, {} collection errors)",
        if manifest.partial.is_some() {
            "PARTIAL "
        } else {
            ""
        },
        args.out.display(),
        rows,
        manifest.tables.values().filter(|n| **n > 0).count(),
        manifest.error_count
    );
    match &manifest.partial {
        Some(partial) => {
            warn_partial(partial);
            if args.allow_partial {
                Ok(0)
            } else {
                eprintln!(
                    "error: the snapshot is partial (exit {}): collect again, with a larger \
                     --max-requests or after the rate limit resets, or pass --allow-partial",
                    exit::PARTIAL
                );
                Ok(exit::PARTIAL)
            }
        }
        None => Ok(0),
    }
}

/// Says on stderr that the source is partial: why, and the first parts left unread.
pub fn warn_partial(partial: &Partial) {
    eprintln!("warning: PARTIAL SOURCE: {}", partial.summary());
    for m in partial.missing.iter().take(5) {
        eprintln!("  - unread: {m}");
    }
    if partial.missing.len() > 5 {
        eprintln!(
            "  … and {} more (see the collection_errors table)",
            partial.missing.len() - 5
        );
    }
}
