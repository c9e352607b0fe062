//! `devquery tables [NAME]`: the catalogue, or one table's columns with types and docs.

use std::io::Write as _;

use anyhow::Result;
use clap::Args;
use devquery_model::{catalog, docs, find, spec_type_name};

use crate::exit;

/// Arguments of `devquery tables`.
#[derive(Debug, Args)]
pub struct TablesArgs {
    /// Show the columns of this table.
    pub name: Option<String>,
    /// Print the Markdown reference (docs/tables.md) instead.
    #[arg(long, conflicts_with = "name")]
    pub markdown: bool,
}

/// Runs the command.
pub fn run(args: TablesArgs) -> Result<u8> {
    let mut out = std::io::BufWriter::new(crate::stdout::stdout());
    if args.markdown {
        write!(out, "{}", docs::tables_markdown())?;
        out.flush()?;
        return Ok(0);
    }
    match args.name {
        None => {
            let specs = catalog();
            let width = specs.iter().map(|s| s.name.len()).max().unwrap_or(0);
            for spec in specs {
                writeln!(out, "{:width$}  {}", spec.name, spec.doc)?;
            }
        }
        Some(name) => {
            let Some(spec) = find(&name) else {
                let names: Vec<_> = catalog().iter().map(|s| s.name).collect();
                return Err(exit::usage(format!(
                    "no table '{name}'; tables are: {}",
                    names.join(", ")
                )));
            };
            writeln!(out, "{} — {}\n", spec.name, spec.doc)?;
            let types: Vec<String> = spec
                .columns
                .iter()
                .map(|c| spec_type_name(&c.data_type))
                .collect();
            let nw = spec.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
            let tw = types.iter().map(String::len).max().unwrap_or(0).min(40);
            for (c, t) in spec.columns.iter().zip(&types) {
                writeln!(out, "  {:nw$}  {:tw$}  {}", c.name, t, c.doc)?;
            }
        }
    }
    out.flush()?;
    Ok(0)
}
