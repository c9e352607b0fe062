//! `devquery rules`: lists the rules (bundled plus `--rules DIR`: a query over the catalogue
//! table `devquery_rules`, printed by the printer of `devquery query`), prints one rule's header
//! and SQL, (`--check`) validates rule files and exits 1 with file:line errors, or (`--export-sql`)
//! writes each rule's SQL with its parameters filled in, for running the pack in another engine.
//! Whatever it does, a `--rules` file that does not parse or whose SQL does not plan is an error
//! (exit 1) naming its file and line.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use devquery_engine::catalog as catalogue;
use devquery_engine::{Engine, EngineOptions, OutputFormat};
use devquery_rules::{Origin, ParamOverrides, RuleSet};

use crate::args::WidthArgs;
use crate::exit;

/// Arguments of `devquery rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print this rule's header and SQL.
    #[arg(value_name = "ID")]
    pub id: Option<String>,

    /// A directory of rule files that add to, or override by id, the bundled rules.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Validate the rules (every one plans against the catalogue); exit 1 on the first invalid
    /// file with file:line errors. With --rules, only that directory is checked.
    #[arg(long)]
    pub check: bool,

    /// Print docs/rules.md (the rule reference) instead of the list.
    #[arg(long, conflicts_with_all = ["id", "check"])]
    pub markdown: bool,

    /// Write `<id>.sql` per rule into DIR with the parameters substituted (plain SQL over the
    /// catalogue tables, e.g. to run over a snapshot's Parquet files in another SQL engine).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["id", "check", "markdown"])]
    pub export_sql: Option<PathBuf>,

    /// Override a rule parameter for --export-sql: NAME=VALUE, or RULE-ID.NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", requires = "export_sql")]
    pub params: Vec<String>,

    /// Format of the list: table, box, csv, json, ndjson, line or markdown.
    #[arg(long, default_value = "table", value_parser = super::tables::parse_text_format)]
    pub format: OutputFormat,

    #[command(flatten)]
    pub width: WidthArgs,
}

/// Runs the command.
pub async fn run(args: RulesArgs) -> Result<u8> {
    if args.check {
        let set = match &args.rules {
            Some(dir) => RuleSet::load_dir(dir),
            None => RuleSet::bundled().map_err(Into::into),
        };
        let set = match set {
            Ok(s) => s,
            Err(e) if e.is_usage() => return Err(exit::usage(e.to_string())),
            Err(e) => {
                eprintln!("{e}");
                return Ok(exit::RUNTIME);
            }
        };
        if let Err(e) = set.validate(&ParamOverrides::default()).await {
            eprintln!("{e}");
            return Ok(exit::RUNTIME);
        }
        let mut out = crate::stdout::stdout();
        writeln!(
            out,
            "{} rule{} valid",
            set.len(),
            if set.len() == 1 { "" } else { "s" }
        )?;
        out.flush()?;
        return Ok(0);
    }
    let set = RuleSet::load_checked(args.rules.as_deref(), &ParamOverrides::default())
        .await
        .map_err(|e| {
            if e.is_usage() {
                exit::usage(e.to_string())
            } else {
                anyhow::Error::new(e)
            }
        })?;
    let mut out = std::io::BufWriter::new(crate::stdout::stdout());
    if let Some(dir) = &args.export_sql {
        return export_sql(&set, dir, &args.params);
    }
    if args.markdown {
        out.write_all(devquery_rules::docs::rules_markdown(set.rules()).as_bytes())?;
        out.flush()?;
        return Ok(0);
    }
    match &args.id {
        Some(id) => {
            let Some(rule) = set.get(id) else {
                return Err(exit::usage(format!(
                    "no rule '{id}' (`devquery rules` lists them)"
                )));
            };
            writeln!(
                out,
                "-- file: {}{}",
                rule.file,
                if rule.origin == Origin::Dir {
                    " (from --rules)"
                } else {
                    ""
                }
            )?;
            out.write_all(rule.to_source().as_bytes())?;
        }
        None => {
            let engine = Engine::new(EngineOptions::default())?;
            set.register_catalogue(&engine)?;
            let result = engine.query(&catalogue::rules_query()).await?;
            super::tables::print_result(&mut out, args.format, args.width, &result)?;
            if set.is_empty() {
                eprintln!("no rules (the bundled pack is empty; add some with --rules DIR)");
            }
        }
    }
    out.flush()?;
    Ok(0)
}

/// Writes every rule's resolved SQL to `dir/<id>.sql`.
fn export_sql(set: &RuleSet, dir: &std::path::Path, params: &[String]) -> Result<u8> {
    let overrides = ParamOverrides::parse(params).map_err(|e| exit::usage(e.to_string()))?;
    overrides
        .check(set.rules().iter())
        .map_err(|e| exit::usage(e.to_string()))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    for rule in set.rules() {
        let sql = devquery_rules::validate::resolved_sql(rule, &overrides)?;
        let path = dir.join(format!("{}.sql", rule.id));
        let text = format!(
            "-- {} ({}): {}\n{}\n",
            rule.id,
            rule.severity.as_str(),
            rule.title,
            sql.trim_end()
        );
        std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!("wrote {} rule(s) to {}", set.len(), dir.display());
    Ok(0)
}
