//! One module per subcommand; [`run`] dispatches.

pub mod collect;
pub mod completions;
pub mod demo;
pub mod man;
pub mod query;
pub mod report;
pub mod rules;
pub mod shell;
pub mod tables;

use anyhow::Result;

use crate::args::{Cli, Command};
use crate::exit;

/// Runs the parsed command line and returns the exit code.
pub async fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Some(Command::Query(args)) => query::run(args).await,
        Some(Command::Tables(args)) => tables::run(args).await,
        Some(Command::Collect(args)) => collect::run(args).await,
        Some(Command::Report(args)) => report::run(*args).await,
        Some(Command::Rules(args)) => rules::run(args).await,
        Some(Command::Shell(args)) => shell::run(args).await,
        Some(Command::Demo(args)) => demo::run(args).await,
        Some(Command::Completions(args)) => completions::run(args),
        Some(Command::Man(args)) => man::run(args),
        None if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            shell::run(shell::ShellArgs::default()).await
        }
        None => Err(exit::usage(
            "no command given; try `devquery shell`, `devquery tables` or `devquery query -e \"select 1\"` (see --help)",
        )),
    }
}
