//! Exit codes (see DESIGN.md): 0 success, 1 runtime error, 2 usage error, 10 + n for a failing
//! finding of severity rank n (report only).

/// Runtime error: SQL, I/O, collection.
pub const RUNTIME: u8 = 1;
/// Usage error: bad flags or arguments.
pub const USAGE: u8 = 2;

/// A usage error detected after argument parsing (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Shorthand for returning a usage error.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// The exit code for an error.
pub fn code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UsageError>().is_some() {
        USAGE
    } else {
        RUNTIME
    }
}

/// The error with its causes, one line.
pub fn describe(err: &anyhow::Error) -> String {
    let mut out = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}
