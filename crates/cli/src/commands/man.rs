//! `devquery man [--out DIR]`: manual pages (clap_mangen) generated from the clap definitions.
//! Without `--out`, `devquery.1` goes to stdout (`devquery man | man -l -`); with `--out DIR`,
//! one page per command and subcommand (`devquery.1`, `devquery-report.1`, …) is written into
//! DIR, each file replaced atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_mangen::Man;

use crate::args::Cli;

/// Arguments of `devquery man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write a page for the command and for every subcommand into this directory (created if
    /// missing) instead of printing devquery.1 to stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// One rendered page: its file name (`devquery-report.1`) and its roff text.
#[derive(Debug)]
pub struct Page {
    /// File name.
    pub name: String,
    /// The page in roff.
    pub roff: Vec<u8>,
}

/// The top-level command, built as clap_mangen expects (no `help` subcommand page).
fn root() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn render(cmd: clap::Command) -> Result<Page> {
    let man = Man::new(cmd);
    let mut roff = Vec::new();
    man.render(&mut roff).context("rendering a man page")?;
    Ok(Page {
        name: man.get_filename(),
        roff,
    })
}

/// Pages for `cmd` and every visible subcommand below it, depth first.
fn collect(cmd: clap::Command, pages: &mut Vec<Page>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub.clone(), pages)?;
    }
    pages.push(render(cmd)?);
    Ok(())
}

/// Every page: the command's and one per subcommand.
pub fn pages() -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    collect(root(), &mut pages)?;
    Ok(pages)
}

/// Writes every page into `dir`, each file atomically; returns how many.
fn write_pages(dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let pages = pages()?;
    for page in &pages {
        let path = dir.join(&page.name);
        devquery_engine::outfile::write_bytes(&path, &page.roff)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(pages.len())
}

/// Runs the command.
pub fn run(args: ManArgs) -> Result<u8> {
    match &args.out {
        Some(dir) => {
            let n = write_pages(dir)?;
            eprintln!("{n} man page(s) written to {}", dir.display());
        }
        None => {
            let page = render(root())?;
            let mut out = crate::stdout::stdout();
            out.write_all(&page.roff)?;
            out.flush()?;
        }
    }
    Ok(0)
}
