//! The `devquery` binary: SQL over a DevOps estate. Thin: argument parsing, logging and exit
//! codes here; the work lives in the library crates.

mod args;
mod color;
mod commands;
mod config;
mod demo;
mod exit;
mod sources;
mod stdout;

use std::process::ExitCode;

use clap::CommandFactory;

fn main() -> ExitCode {
    let cli = parse();
    color::init(cli.color);
    init_tracing(cli.verbose, color::enabled(color::Stream::Stderr));
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
        // The reader of stdout went away (`| head`): nothing to say, nothing failed.
        Err(err) if exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", exit::describe(&err));
            ExitCode::from(exit::code_for(&err))
        }
    }
}

/// Parses the command line over the configuration files (devquery.toml, see [`config`]); help
/// and usage errors are printed with the `--color` choice found in the raw arguments (clap
/// prints them before there is a parsed `--color` to read); a wrong configuration file exits 2.
fn parse() -> args::Cli {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match config::parse(&argv) {
        Ok(cli) => cli,
        Err(config::Failure::Clap(e)) => {
            let when = color::from_args(argv);
            let cmd = args::Cli::command().color(color::clap_choice(when));
            e.with_cmd(&cmd).exit()
        }
        Err(config::Failure::Config(e)) => {
            eprintln!("error: {e}");
            std::process::exit(i32::from(exit::USAGE))
        }
    }
}

fn init_tracing(verbose: u8, ansi: bool) {
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
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}
