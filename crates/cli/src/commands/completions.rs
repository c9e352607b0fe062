//! `devquery completions SHELL`: the shell completion script (clap_complete), generated from the
//! same clap definitions as the command line, so it never drifts from the flags.
//!
//! ```sh
//! devquery completions bash > ~/.local/share/bash-completion/completions/devquery
//! devquery completions zsh > "${fpath[1]}/_devquery"
//! devquery completions fish > ~/.config/fish/completions/devquery.fish
//! ```

use std::io::Write;

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::args::Cli;

/// Arguments of `devquery completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    // Generated into memory: clap_complete panics when its writer fails, stdout may be closed.
    clap_complete::generate(shell, &mut cmd, "devquery", &mut buf);
    buf
}

/// Runs the command: the script on stdout.
pub fn run(args: CompletionsArgs) -> Result<u8> {
    let mut out = crate::stdout::stdout();
    out.write_all(&script(args.shell))?;
    out.flush()?;
    Ok(0)
}
