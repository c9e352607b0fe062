//! Errors that end a shell session (everything else is printed and the session goes on).

/// A fatal shell error.
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    /// The line editor failed (terminal I/O).
    #[error("line editor: {0}")]
    Readline(#[from] rustyline::error::ReadlineError),
    /// Reading input or writing output failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
