//! `devquery demo build`: regenerates the bundled demo estate (`snapshots/demo`) by collecting
//! the curated fake GitHub and Azure DevOps scenarios with the real collectors (see
//! [`crate::demo`]), then checks that every bundled rule has both a failing and a passing
//! finding on it.
//!
//! `devquery demo generate`: writes a synthetic estate of any size (`devquery_synth`), streamed
//! straight to a snapshot, for scale benchmarks.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use devquery_engine::{Engine, EngineOptions, SnapshotInfo, write_snapshot};
use devquery_rules::{RuleSet, RunOptions, Selection, run_rules};
use devquery_synth::{Options, Progress, SynthError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::demo::{COLLECTED_AT, Scenarios};
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
    /// Build the demo snapshot: serve the demo scenarios on in-process fake GitHub and Azure
    /// DevOps servers, collect them with the real collectors, write the snapshot and check that
    /// every bundled rule fails on one resource and passes on another (exit 1 when not).
    Build {
        /// Snapshot directory to write.
        #[arg(long, value_name = "DIR", default_value = "snapshots/demo")]
        out: PathBuf,
        /// Fake GitHub scenario (YAML) instead of the bundled `github-demo.yaml`.
        #[arg(long, value_name = "FILE")]
        github_scenario: Option<PathBuf>,
        /// Fake Azure DevOps scenario (YAML) instead of the bundled `azure-rules.yaml`.
        #[arg(long, value_name = "FILE")]
        azure_scenario: Option<PathBuf>,
    },
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
        DemoCommand::Build {
            out,
            github_scenario,
            azure_scenario,
        } => {
            let scenarios = Scenarios::load(github_scenario.as_deref(), azure_scenario.as_deref())?;
            let data = crate::demo::build(&scenarios).await?;
            let info = SnapshotInfo {
                sources: scenarios.sources(),
                collected_at: Some(COLLECTED_AT.into()),
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
            for (table, rows) in &manifest.tables {
                eprintln!("  {table:<24} {rows:>5}");
            }
            check(&out).await
        }
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

/// Runs every bundled rule on the snapshot at `dir` and lists the rules without a failing or
/// without a passing finding. Returns the exit code: 0 when every rule has both, else 1.
async fn check(dir: &std::path::Path) -> Result<u8> {
    let (engine, _) = Engine::from_snapshot(dir, EngineOptions::default())
        .await
        .with_context(|| format!("opening {}", dir.display()))?;
    let set = RuleSet::load(None).map_err(|e| anyhow::anyhow!("loading the bundled rules: {e}"))?;
    let rules = set
        .select(&Selection::default())
        .map_err(|e| anyhow::anyhow!("selecting the bundled rules: {e}"))?;
    let report = run_rules(&engine, &rules, &RunOptions::now("demo")).await;
    let mut lacking = Vec::new();
    for r in &report.results {
        let mut missing = Vec::new();
        if let Some(e) = &r.error {
            missing.push(format!("errored: {e}"));
        } else {
            if r.counts.fail == 0 {
                missing.push("no fail".to_string());
            }
            if r.counts.pass == 0 {
                missing.push("no pass".to_string());
            }
        }
        if !missing.is_empty() {
            lacking.push(format!("  {:<40} {}", r.rule.id, missing.join(", ")));
        }
    }
    let total = report.results.len();
    if lacking.is_empty() {
        eprintln!("all {total} bundled rules have a failing and a passing finding");
        Ok(0)
    } else {
        eprintln!(
            "{} of {total} bundled rules lack a failing or a passing finding:",
            lacking.len()
        );
        for line in &lacking {
            eprintln!("{line}");
        }
        Ok(1)
    }
}
