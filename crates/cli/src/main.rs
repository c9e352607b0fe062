//! The `devquery` binary: SQL over a DevOps estate. Thin: argument parsing, logging and exit
//! codes here; the work lives in the library crates.

mod args;
mod commands;
mod demo;
mod exit;
mod sources;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::RUNTIME);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {}", exit::describe(&err));
            ExitCode::from(exit::code_for(&err))
        }
    }
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    // The workflow model crate logs malformed `uses:` refs at error level; the parser already
    // records them in `pipelines.parse_error`, so they are shown only from -vv on.
    let default = match verbose {
        0 => "warn,github_actions_models=off",
        1 => "info,datafusion=warn,github_actions_models=off",
        2 => "debug,datafusion=info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .with_target(false)
        .try_init();
}
