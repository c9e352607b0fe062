//! End-to-end tests of the `devquery` binary: one test binary, one module per command.

mod checkouts;
mod cli_conventions;
mod common;
mod config;
mod hostile;
mod html_browser;
mod integrity;
mod local;
mod outcomes;
mod query;
mod report;
mod shell;
mod synthetic;
mod terminal;
