//! `devquery demo generate`: writes a synthetic estate of any size (`devquery_synth`), streamed
//! straight to a snapshot, for scale benchmarks.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use devquery_synth::{Options, Progress, SynthError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::exit;

/// Arguments of `devquery demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: DemoCommand,
}

/// Demo subcommands.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Generate a synthetic estate of N repositories for scale benchmarks and write it as a
    /// snapshot, streaming (memory does not grow with N). The same options write identical
    /// files.
    Generate {
        /// Repositories to generate (about 10 pipelines per 3 repositories, 3 jobs per pipeline,
        /// 6 steps per job).
        #[arg(long, value_name = "N")]
        repos: u64,
        /// Seed of the generator.
        #[arg(long, value_name = "S", default_value_t = 42)]
        seed: u64,
        /// Snapshot directory to write [default: snapshots/synthetic-<N>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Share of the repositories on Azure DevOps, 0 to 1 (the rest are on GitHub).
        #[arg(long, value_name = "SHARE", default_value_t = 0.3)]
        azure_share: f64,
        /// When the estate is "collected" (RFC 3339): the manifest's collected_at; every
        /// timestamp lies before it.
        #[arg(long, value_name = "TIME", default_value = devquery_synth::DEFAULT_AS_OF)]
        as_of: String,
    },
}

/// Runs the command.
pub async fn run(args: DemoArgs) -> Result<u8> {
    match args.command {
        DemoCommand::Generate {
            repos,
            seed,
            out,
            azure_share,
            as_of,
        } => {
            let options = Options {
                repos,
                seed,
                azure_share,
                as_of,
            };
            let out = out.unwrap_or_else(|| PathBuf::from(format!("snapshots/synthetic-{repos}")));
            generate(options, out).await
        }
    }
}

/// What `demo generate` shows while it runs: a bar on a terminal, else a log line at every
/// 10 % of the repositories.
struct GenerateProgress {
    bar: Option<ProgressBar>,
    last_decile: u64,
}

impl GenerateProgress {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len} repos · {elapsed} · eta {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix("synthetic estate");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Self {
            bar,
            last_decile: 0,
        }
    }

    fn update(&mut self, p: Progress) {
        match &self.bar {
            Some(bar) => bar.set_position(p.done),
            None => {
                let decile = p.done * 10 / p.total.max(1);
                if decile > self.last_decile {
                    self.last_decile = decile;
                    tracing::info!("synthetic estate: {}/{} repositories", p.done, p.total);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs `demo generate`: validates the options, generates the estate into `out` and prints a
/// summary (rows per table, elapsed time).
async fn generate(options: Options, out: PathBuf) -> Result<u8> {
    options.validate().map_err(|e| exit::usage(e.to_string()))?;
    let started = Instant::now();
    let target = out.clone();
    let opts = options.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut progress = GenerateProgress::new(opts.repos);
        let result = devquery_synth::generate(&opts, &target, |p| progress.update(p));
        progress.finish();
        result
    })
    .await
    .context("the generator stopped unexpectedly")?;
    let manifest = match result {
        Ok(m) => m,
        Err(SynthError::Options(message)) => return Err(exit::usage(message)),
        Err(e) => {
            return Err(anyhow::Error::new(e))
                .with_context(|| format!("writing the synthetic estate to {}", out.display()));
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let rows: usize = manifest.tables.values().sum();
    eprintln!(
        "wrote synthetic estate {}: {} repositories (seed {}, Azure DevOps share {}), {rows} rows in {seconds:.1} s",
        out.display(),
        options.repos,
        options.seed,
        options.azure_share,
    );
    for (table, n) in &manifest.tables {
        eprintln!("  {table:<24} {n:>10}");
    }
    Ok(0)
}
