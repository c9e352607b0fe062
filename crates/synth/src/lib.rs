//! Deterministic synthetic DevOps estates of any size, for scale benchmarks.
//!
//! [`generate`] writes a snapshot (the same layout as `devquery collect`) of `repos`
//! repositories spread over a few GitHub organisations and one or two Azure DevOps
//! organisations, with everything the catalogue describes around them: organisation settings,
//! members, teams, runner groups and agent pools, secrets and variables at every scope, branch
//! policies, environments, collaborators, webhooks, deploy keys, apps, alerts, CI settings, and
//! pipelines down to jobs and steps (about 10 pipelines per 3 repositories, 3 jobs per pipeline
//! and 6 steps per job). Settings vary around per-organisation and per-repository hygiene so that
//! every bundled rule finds failing and passing resources.
//!
//! The output is a pure function of [`Options`]: every organisation, project and repository
//! draws from its own PRNG stream keyed by the seed and its position, and timestamps are offsets
//! from a fixed "as of" time, so the same options write byte-identical Parquet files.
//!
//! Generation streams: repositories are produced in chunks of [`CHUNK_REPOS`], each chunk's rows
//! are converted to record batches and appended to the open Parquet writers of a
//! [`SnapshotWriter`], then dropped, so memory does not grow with the estate.

#[macro_use]
mod ctx;
mod azure;
mod azure_pipelines;
mod github;
mod layout;
mod names;
mod out;
mod rng;
mod workflows;

use std::path::Path;

use devquery_engine::{EngineError, Manifest, SnapshotInfo, SnapshotWriter};
use devquery_model::RowsError;
use devquery_model::tables::CollectionRunRow;

use crate::ctx::{At, Clock, Ctx, s};
use crate::github::Tally;
use crate::layout::{Layout, Slot};
use crate::out::Rows;

mod keys {
    //! Keys of the PRNG streams: the first part of every stream key, one per kind of entity.

    pub const GITHUB_ORG: u64 = 1;
    pub const AZURE_ORG: u64 = 2;
    pub const GITHUB_REPO: u64 = 3;
    pub const AZURE_REPO: u64 = 4;
    pub const PROJECT: u64 = 5;
    pub const QUEUE: u64 = 6;
    pub const COMMIT: u64 = 7;
    pub const GITHUB_VISIBILITY: u64 = 8;
    pub const AZURE_PIPELINE_COUNT: u64 = 9;
    pub const GITHUB_ORG_PROFILE: u64 = 10;
    pub const GITHUB_WORKFLOWS: u64 = 11;
    pub const PROJECT_ROWS: u64 = 12;
    pub const AZURE_PIPELINES: u64 = 13;
    pub const RUNS: u64 = 14;
}

/// Repositories generated before their rows are written out.
pub const CHUNK_REPOS: u64 = 1_000;

/// The default "as of" time: the manifest's `collected_at`, and what every timestamp of the
/// estate is relative to.
pub const DEFAULT_AS_OF: &str = "2026-11-22T09:00:00Z";

/// The largest estate [`generate`] accepts.
pub const MAX_REPOS: u64 = 10_000_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Repositories in the estate (at least 1).
    pub repos: u64,
    /// PRNG seed: the same options give the same snapshot, byte for byte.
    pub seed: u64,
    /// Share of the repositories on Azure DevOps, from 0 to 1 (the rest are on GitHub).
    pub azure_share: f64,
    /// RFC 3339 time the estate is "collected" at; timestamps lie before it.
    pub as_of: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            repos: 1_000,
            seed: 42,
            azure_share: 0.3,
            as_of: DEFAULT_AS_OF.to_string(),
        }
    }
}

impl Options {
    /// Checks that the options are in range (what [`generate`] checks first).
    pub fn validate(&self) -> Result<(), SynthError> {
        self.check().map(|_| ())
    }

    /// Checks the options, returning the Azure DevOps repository count and the as-of time in
    /// seconds since the epoch.
    fn check(&self) -> Result<(u64, i64), SynthError> {
        if self.repos == 0 {
            return Err(SynthError::Options(
                "--repos must be at least 1".to_string(),
            ));
        }
        if self.repos > MAX_REPOS {
            return Err(SynthError::Options(format!(
                "--repos {} is more than the {MAX_REPOS} this generator supports",
                self.repos
            )));
        }
        if !self.azure_share.is_finite() || !(0.0..=1.0).contains(&self.azure_share) {
            return Err(SynthError::Options(format!(
                "--azure-share must be between 0 and 1, got {}",
                self.azure_share
            )));
        }
        let as_of = chrono::DateTime::parse_from_rfc3339(&self.as_of).map_err(|e| {
            SynthError::Options(format!(
                "--as-of '{}' is not an RFC 3339 time (e.g. {DEFAULT_AS_OF}): {e}",
                self.as_of
            ))
        })?;
        let azure = (self.repos as f64 * self.azure_share).round() as u64;
        Ok((azure.min(self.repos), as_of.timestamp()))
    }

    /// `collected_at` of the manifest: the as-of time in UTC.
    fn collected_at(&self, as_of: i64) -> String {
        Clock { as_of }.now().unwrap_or_else(|| self.as_of.clone())
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The options are out of range.
    #[error("{0}")]
    Options(String),
    /// Generated rows did not fit a table's schema.
    #[error(transparent)]
    Rows(#[from] RowsError),
    /// The snapshot could not be written.
    #[error(transparent)]
    Snapshot(#[from] EngineError),
}

/// Progress of a generation, reported after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Repositories written so far.
    pub done: u64,
    /// Repositories in the estate.
    pub total: u64,
}

/// Generates the estate described by `options` and writes it as a snapshot at `target`
/// (atomically replacing a snapshot already there; a non-empty directory that is not a snapshot
/// is refused). Calls `progress` after every chunk. Returns the snapshot's manifest.
pub fn generate(
    options: &Options,
    target: &Path,
    mut progress: impl FnMut(Progress),
) -> Result<Manifest, SynthError> {
    let (azure_repos, as_of) = options.check()?;
    let ctx = Ctx {
        seed: options.seed,
        company: names::company(options.seed),
        layout: Layout::new(options.seed, options.repos, azure_repos),
        clock: Clock { as_of },
    };
    let layout = &ctx.layout;
    let profiles: Vec<github::OrgProfile> = layout
        .github
        .iter()
        .map(|o| github::OrgProfile::new(&ctx, o))
        .collect();
    let mut github_tally = vec![Tally::default(); layout.github.len()];
    let mut azure_tally = vec![Tally::default(); layout.azure.len()];
    let mut project: Option<azure::Project> = None;

    let mut writer = SnapshotWriter::create(target)?;
    let mut rows = Rows::default();
    let total = options.repos;
    let mut start = 0;
    while start < total {
        let end = total.min(start + CHUNK_REPOS);
        for i in start..end {
            match layout.slot(i) {
                Slot::Github { org, local } => {
                    let (Some(o), Some(p), Some(t)) = (
                        layout.github.get(org),
                        profiles.get(org),
                        github_tally.get_mut(org),
                    ) else {
                        continue;
                    };
                    if local == 0 {
                        github::org_rows(&ctx, o, p, &mut rows);
                    }
                    github::repo_rows(&ctx, o, p, local, &mut rows, t);
                }
                Slot::Azure {
                    org,
                    project: pi,
                    local,
                } => {
                    let (Some(o), Some(t)) = (layout.azure.get(org), azure_tally.get_mut(org))
                    else {
                        continue;
                    };
                    if pi == 0 && local == 0 {
                        azure::org_rows(&ctx, o, &mut rows);
                    }
                    let current = match project.take() {
                        Some(p) if p.org == o.index && p.index == pi => p,
                        _ => azure::Project::new(&ctx, layout, o, pi),
                    };
                    if local == 0 {
                        azure::project_rows(&ctx, o, &current, &mut rows);
                    }
                    azure::repo_rows(&ctx, o, &current, local, &mut rows, t);
                    project = Some(current);
                }
            }
        }
        rows.flush(&mut writer)?;
        progress(Progress { done: end, total });
        start = end;
    }

    // One collection run per organisation.
    for (o, t) in layout.github.iter().zip(&github_tally) {
        rows.collection_runs
            .push(collection_run(&ctx, &At::github(&o.name), "github", t));
    }
    for (o, t) in layout.azure.iter().zip(&azure_tally) {
        rows.collection_runs
            .push(collection_run(&ctx, &At::azure(&o.name), "azure_devops", t));
    }
    rows.flush(&mut writer)?;
    let info = SnapshotInfo {
        sources: layout.sources(),
        collected_at: Some(options.collected_at(as_of)),
    };
    Ok(writer.finish(&info)?)
}

fn collection_run(ctx: &Ctx, at: &At, platform: &str, t: &Tally) -> CollectionRunRow {
    let mut rng = ctx.rng(&[keys::RUNS, workflows::fnv(&at.org)]);
    let requests = t.requests + 40;
    // About 25 requests per second per collector.
    let seconds = (requests / 25 + rng.below(60)) as i64;
    row_org!(CollectionRunRow, at,
        run_id: s(github::run_id(ctx, platform, &at.org)),
        source: s(format!("{platform}:{}", at.org)),
        started_at: ctx.clock.before(seconds),
        finished_at: ctx.clock.now(),
        tool_version: s(env!("CARGO_PKG_VERSION")),
        api_requests: i64::try_from(requests).ok(),
        conditional_hits: Some(0),
        rate_limit_remaining: (platform == "github").then(|| 4_000 + rng.range(0, 900)),
        errors: i64::try_from(t.errors).ok(),
    )
}
