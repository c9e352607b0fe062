//! Errors of the rules crate. A rule error always names the file and the line at fault.

use std::fmt;
use std::path::PathBuf;

/// A problem in one rule file, at one line (1-based; 0 when it concerns the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file (`queries/repos/x.sql` for bundled rules, the path given for `--rules DIR`).
    pub file: String,
    /// 1-based line, or 0 for the whole file.
    pub line: usize,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl RuleError {
    /// A new error at `file:line`.
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for RuleError {}

/// Several rule errors, reported together so a rules directory can be fixed in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} invalid rule{}:", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

/// Everything that can go wrong loading, selecting or running rules.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more rule files are invalid.
    #[error(transparent)]
    Rules(#[from] RuleErrors),
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A selection or parameter flag names something that does not exist or is malformed
    /// (a usage error).
    #[error("{0}")]
    Usage(String),
    /// The baseline file is invalid.
    #[error("baseline {path}: {message}")]
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong (with line when known).
        message: String,
    },
    /// The engine failed outside a rule (e.g. creating the validation session).
    #[error(transparent)]
    Engine(#[from] devquery_engine::EngineError),
}

impl Error {
    /// True for errors caused by the command line (exit code 2), as opposed to runtime errors.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_))
    }
}
