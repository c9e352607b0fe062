//! `devquery shell`: an analyst's SQL REPL over live data or snapshots.
//!
//! * [`session::Session`] — the engine and where its data comes from, output settings, and the
//!   execution of SQL statements (through the shared [`devquery_engine::Engine`]) and
//!   meta-commands; every statement is cancellable with Ctrl-C and every error is printed, never
//!   fatal.
//! * [`meta`] — the meta-commands (`.tables`, `.schema`, `.mode`, `.width`, `.run`, …) and their
//!   parser. `.tables`, `.schema` and `.rules` are queries over the engine's catalogue tables
//!   (`devquery_tables`, `devquery_columns`, `devquery_rules`), printed like any result.
//! * [`redirect`], [`presentation`] — `.output` / `.once` (results to a file, written through
//!   the engine's output writer), `.headers`, `.nullvalue` and `.width`.
//! * [`caret`] — the statement line and a `^` under an error's position.
//! * [`init`] — the init file the interactive shell runs at start.
//! * [`complete`], [`helper`] — completion, highlighting and column hints, plugged into
//!   rustyline.
//! * [`input`] — input lines gathered into statements in one pass (linear however the input is
//!   pasted or piped).
//! * [`repl`] — the interactive loop (one line per edit, a continuation prompt while a
//!   statement is open, history in the user's data directory) and the script loop for a
//!   non-terminal stdin.
//! * [`source`] — the traits the CLI implements: live collection and the rule pack.

pub mod caret;
pub mod complete;
pub mod error;
pub mod helper;
pub mod init;
pub mod input;
pub mod lexer;
pub mod meta;
pub mod presentation;
pub mod redirect;
pub mod repl;
pub mod session;
pub mod source;

pub use error::ShellError;
pub use input::StatementBuffer;
pub use presentation::Presentation;
pub use repl::{color_enabled, history_path, run};
pub use session::{Flow, Session, Settings};
pub use source::{BoxError, BoxFuture, Collected, LiveSource, RuleInfo, RuleOutput, RuleSource};
