//! `devquery report`: runs the selected rules on the sources and writes the compliance report in
//! one of the report formats (SARIF optionally split into one file per repository for GitHub
//! code scanning, plus a Markdown step summary in GitHub Actions); the exit code gates CI
//! (`--fail-on`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use devquery_engine::EngineOptions;
use devquery_model::Severity;
use devquery_report::{Format, Options};
use devquery_rules::{
    Baseline, ParamOverrides, RuleSet, RunOptions, RunReport, Selection, run_rules,
};

use crate::args::{SourceArgs, WidthArgs};
use crate::{color, exit, sources};

/// How `--format sarif` splits its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SplitBy {
    /// One file (or stdout) for the whole report.
    #[default]
    None,
    /// One file per repository, plus one per organisation for findings that belong to no
    /// repository, into the --output directory.
    Repository,
}

/// Arguments of `devquery report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format: table, json, sarif, markdown, html, junit, github, csv or parquet.
    #[arg(long, default_value = "table", value_parser = parse_format)]
    pub format: Format,

    /// Write the report to this file (for parquet: the export directory) instead of stdout.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Exit 10 + n (n = 1 info … 5 critical) when a failing finding of this severity or higher
    /// exists. Without it the exit code does not depend on findings. Over a partial source (a
    /// collection that stopped before the estate was complete) it exits 5 whatever the
    /// findings, unless --allow-partial.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// Let --fail-on judge a partial source by its findings alone (the report still says it
    /// is partial, and what was not read is unknown, never passing).
    #[arg(long)]
    pub allow_partial: bool,

    /// A directory of rule files that add to, or override by id, the bundled rules.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Override a rule parameter: NAME=VALUE, or RULE-ID.NAME=VALUE for one rule (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,

    /// Run only these rule ids (comma-separated, repeatable).
    #[arg(long, value_name = "ID,..", value_delimiter = ',')]
    pub only: Vec<String>,

    /// Skip these rule ids (comma-separated, repeatable).
    #[arg(long, value_name = "ID,..", value_delimiter = ',')]
    pub skip: Vec<String>,

    /// Run only rules of this severity or higher.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,

    /// Run only rules for this platform: github, azure_devops, gitlab, local (repeatable).
    #[arg(long, value_name = "PLATFORM", value_delimiter = ',')]
    pub platform: Vec<String>,

    /// A baseline YAML file of accepted findings (rule, resource glob, reason, expires).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Run id recorded in the findings (default: a timestamp); re-exporting the same run id to
    /// Parquet replaces its file.
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,

    /// How many failing findings the table and Markdown formats list.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,

    /// With --format html: list at most N findings of each status per rule, so that a report
    /// over a large estate stays a file a browser opens in seconds (the counts always cover
    /// every finding, and a rule with more says so; the full list is in --format json, csv or
    /// sarif). 0 lists every finding.
    #[arg(long, value_name = "N", default_value_t = devquery_report::DEFAULT_HTML_LIMIT)]
    pub html_limit: usize,

    /// With --format sarif: `repository` writes one file per repository (plus one per
    /// organisation for findings without a repository) into the --output directory, each inside
    /// GitHub code scanning's limits, to upload repository by repository.
    #[arg(long, value_enum, value_name = "HOW", default_value_t = SplitBy::None)]
    pub split_by: SplitBy,

    /// Also append the Markdown report to the file named by $GITHUB_STEP_SUMMARY (GitHub
    /// Actions' job summary).
    #[arg(long)]
    pub step_summary: bool,

    #[command(flatten)]
    pub width: WidthArgs,

    #[command(flatten)]
    pub sources: SourceArgs,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        format!(
            "unknown format '{s}' (expected one of: {})",
            Format::NAMES.join(", ")
        )
    })
}

/// Parses a severity name for clap.
pub fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse::<Severity>().map_err(|e| e.to_string())
}

fn rules_error(e: devquery_rules::Error) -> anyhow::Error {
    if e.is_usage() {
        exit::usage(e.to_string())
    } else {
        anyhow::Error::new(e)
    }
}

/// The file `$GITHUB_STEP_SUMMARY` names.
fn step_summary_path() -> Result<PathBuf> {
    std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| {
            exit::usage(
                "--step-summary: $GITHUB_STEP_SUMMARY is not set (GitHub Actions sets it in every \
                 step); drop the flag outside Actions",
            )
        })
}

/// Checks the output flags; returns the step summary file when one is asked for.
fn check_output_flags(args: &ReportArgs) -> Result<Option<PathBuf>> {
    if args.format.is_directory() && args.output.is_none() {
        return Err(exit::usage(format!(
            "--format {} writes a directory: give --output DIR",
            args.format.name()
        )));
    }
    if args.split_by == SplitBy::Repository {
        if args.format != Format::Sarif {
            return Err(exit::usage(
                "--split-by repository works with --format sarif",
            ));
        }
        if args.output.is_none() {
            return Err(exit::usage(
                "--split-by repository writes one file per repository: give --output DIR",
            ));
        }
    }
    if args.step_summary {
        step_summary_path().map(Some)
    } else {
        Ok(None)
    }
}

/// Runs the command.
pub async fn run(args: ReportArgs) -> Result<u8> {
    let step_summary = check_output_flags(&args)?;
    if let Some(id) = &args.run_id
        && (id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.'))
    {
        return Err(exit::usage(format!(
            "--run-id '{id}': use letters, digits, '-', '_' and '.'"
        )));
    }
    let params = ParamOverrides::parse(&args.params).map_err(rules_error)?;
    let set = RuleSet::load_checked(args.rules.as_deref(), &params)
        .await
        .map_err(rules_error)?;
    let selection = Selection {
        only: args
            .only
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        skip: args
            .skip
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        min_severity: args.min_severity,
        platforms: args.platform.clone(),
    };
    let rules = set.select(&selection).map_err(rules_error)?;
    params.check(&rules).map_err(rules_error)?;
    let baseline = match &args.baseline {
        Some(path) => {
            if !path.is_file() {
                return Err(exit::usage(format!(
                    "--baseline {}: no such file",
                    path.display()
                )));
            }
            Some(Baseline::load(path)?)
        }
        None => None,
    };
    if rules.is_empty() {
        tracing::warn!("no rule selected");
    }

    let opened = sources::open(&args.sources, EngineOptions::default()).await?;
    let mut options = RunOptions::now(opened.label.clone());
    if let Some(id) = &args.run_id {
        options.run_id = id.clone();
    }
    options.params = params;
    options.baseline = baseline;
    // A split SARIF run keeps passing findings: every repository a rule looked at gets a file,
    // and uploading an empty one closes the alerts that were fixed.
    options.keep_passing = args.format.lists_passing() || args.split_by == SplitBy::Repository;
    if args.format.lists_only_top() {
        options.max_findings_per_status = Some(args.top.max(1));
    }
    // The HTML page lists the first --html-limit findings of each status per rule (in resource
    // order, as the runner keeps them); keeping no more holds memory to what the page shows.
    if args.format == Format::Html && args.html_limit > 0 {
        options.max_findings_per_status = Some(args.html_limit);
    }
    let report = run_rules(&opened.engine, &rules, &options).await;

    for r in report.errored() {
        eprintln!(
            "warning: rule {} errored: {}",
            r.rule.id,
            r.error.as_deref().unwrap_or("")
        );
    }
    if !report.collection_errors.is_empty() {
        eprintln!(
            "warning: partial collection: {} API call(s) failed (see the report summary)",
            report.collection_errors.len()
        );
    }
    if let Some(partial) = &report.partial {
        super::collect::warn_partial(partial);
    }

    let render = Options {
        // `--color` (see crate::color); a file named by --output is never coloured.
        color: args.output.is_none() && color::enabled(color::Stream::Stdout),
        top: args.top,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        html_limit: args.html_limit,
        // The table format fits the terminal unless --wide; a file is never cut.
        width: if args.output.is_none() {
            args.width.stdout_width()
        } else {
            None
        },
    };
    match write_output(&args, &report, &render) {
        // The reader of stdout left (`| head`): no error, but the exit code below still
        // follows the findings, so a closed pipe never turns a failing gate into a pass.
        Err(e) if exit::is_broken_pipe(&e) => {}
        other => other?,
    }
    if let Some(path) = &step_summary {
        devquery_report::github::append_step_summary(&report, &render, path)
            .with_context(|| format!("writing the step summary to {}", path.display()))?;
    }

    if args.fail_on.is_some() && report.partial.is_some() && !args.allow_partial {
        // A CI gate cannot vouch for what was never read.
        eprintln!(
            "error: the source is partial, so --fail-on cannot vouch for what was not read \
             (exit {}); collect again, or pass --allow-partial to judge the findings alone",
            exit::PARTIAL
        );
        return Ok(exit::PARTIAL);
    }
    let code = report.exit_code(args.fail_on);
    if code == 0 && args.fail_on.is_some() && report.errored().next().is_some() {
        // A CI gate cannot vouch for rules that did not run.
        eprintln!("error: some rules errored, so --fail-on cannot vouch for them");
        return Ok(exit::RUNTIME);
    }
    Ok(code)
}

/// Writes the report where `--output` and `--format` say.
fn write_output(args: &ReportArgs, report: &RunReport, render: &Options) -> Result<()> {
    match (&args.output, args.format) {
        (Some(dir), Format::Parquet) => {
            let file = devquery_report::parquet::export(report, dir)?;
            eprintln!("findings written to {}", file.display());
        }
        (Some(dir), Format::Sarif) if args.split_by == SplitBy::Repository => {
            write_split_sarif(report, render, dir)?;
        }
        (output, Format::Sarif) => write_sarif(report, render, output.as_deref())?,
        (Some(path), format) => {
            devquery_engine::write_output(path, |file| -> Result<()> {
                devquery_report::write(format, report, file, render)?;
                Ok(())
            })
            .with_context(|| format!("writing {}", path.display()))?;
        }
        (None, format) => {
            let mut out = std::io::BufWriter::new(crate::stdout::stdout());
            devquery_report::write(format, report, &mut out, render)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// The one-file SARIF log, to `output` (atomically) or stdout; its warnings (results left out
/// to stay inside code scanning's limits, several repositories in one file) go to stderr.
fn write_sarif(report: &RunReport, render: &Options, output: Option<&Path>) -> Result<()> {
    let file = devquery_report::sarif::single(report, render)?;
    for w in &file.warnings {
        eprintln!("warning: {w}");
    }
    let bytes = file.to_bytes()?;
    match output {
        Some(path) => devquery_report::atomic::write_atomic(path, &bytes)
            .with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut out = crate::stdout::stdout();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// `--split-by repository`: one SARIF file per repository and organisation into `dir`.
fn write_split_sarif(report: &RunReport, render: &Options, dir: &Path) -> Result<()> {
    let files = devquery_report::sarif::write_split(report, render, dir)
        .with_context(|| format!("writing SARIF files to {}", dir.display()))?;
    for f in &files {
        for w in &f.warnings {
            eprintln!("warning: {w}");
        }
    }
    let repos = files.iter().filter(|f| f.key.is_repository()).count();
    let results: usize = files.iter().map(|f| f.results).sum();
    eprintln!(
        "{} SARIF file(s) with {results} result(s) written to {}: {repos} repositories, {} organisation or other file(s)",
        files.len(),
        dir.display(),
        files.len() - repos
    );
    Ok(())
}
