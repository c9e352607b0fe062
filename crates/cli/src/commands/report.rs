//! `devquery report`: runs the selected rules on the sources and writes the compliance report in
//! one of the report formats; the exit code gates CI (`--fail-on`).

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use devquery_engine::EngineOptions;
use devquery_model::Severity;
use devquery_report::{Format, Options};
use devquery_rules::{Baseline, ParamOverrides, RuleSet, RunOptions, Selection, run_rules};

use crate::args::SourceArgs;
use crate::exit;
use crate::sources;

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
    /// exists. Without it the exit code does not depend on findings.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

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

/// Runs the command.
pub async fn run(args: ReportArgs) -> Result<u8> {
    if args.format.is_directory() && args.output.is_none() {
        return Err(exit::usage(format!(
            "--format {} writes a directory: give --output DIR",
            args.format.name()
        )));
    }
    if let Some(id) = &args.run_id
        && (id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.'))
    {
        return Err(exit::usage(format!(
            "--run-id '{id}': use letters, digits, '-', '_' and '.'"
        )));
    }
    let params = ParamOverrides::parse(&args.params).map_err(rules_error)?;
    let set = RuleSet::load(args.rules.as_deref()).map_err(rules_error)?;
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
    options.keep_passing = args.format.lists_passing();
    if args.format.lists_only_top() {
        options.max_findings_per_status = Some(args.top.max(1));
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

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let render = Options {
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        top: args.top,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    match (&args.output, args.format) {
        (Some(dir), Format::Parquet) => {
            let file = devquery_report::parquet::export(&report, dir)?;
            eprintln!("findings written to {}", file.display());
        }
        (Some(path), format) => {
            let tmp = path.with_extension(format!(
                "{}.tmp",
                path.extension().and_then(|e| e.to_str()).unwrap_or("out")
            ));
            let written = (|| -> Result<()> {
                let mut file = std::io::BufWriter::new(
                    fs::File::create(&tmp)
                        .with_context(|| format!("creating {}", tmp.display()))?,
                );
                devquery_report::write(format, &report, &mut file, &render)?;
                file.flush()?;
                Ok(())
            })();
            if let Err(e) = written {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
            fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        }
        (None, format) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            devquery_report::write(format, &report, &mut out, &render)?;
            out.flush()?;
        }
    }

    let code = report.exit_code(args.fail_on);
    if code == 0 && args.fail_on.is_some() && report.errored().next().is_some() {
        // A CI gate cannot vouch for rules that did not run.
        eprintln!("error: some rules errored, so --fail-on cannot vouch for them");
        return Ok(exit::RUNTIME);
    }
    Ok(code)
}
