//! Exit codes (see DESIGN.md and the README's table): 0 success, 1 runtime error, 2 usage error,
//! 3 authentication failed, 4 API unreachable, 5 partial source, 10 + n for a failing finding of
//! severity rank n (report only).

/// Runtime error: SQL, I/O, collection.
pub const RUNTIME: u8 = 1;
/// Usage error: bad flags or arguments.
pub const USAGE: u8 = 2;
/// A collector could not authenticate: no credentials, or credentials refused before anything
/// was read (GitHub `401`, Azure DevOps `401` / sign-in page, GitHub App auth refused).
pub const AUTH: u8 = 3;
/// A collector could not reach its API at all (connection refused, DNS, TLS, timeouts).
pub const UNREACHABLE: u8 = 4;
/// The source is partial: `collect` stopped before the estate was complete (request budget,
/// rate limit, credentials refused mid-run, an organisation that could not be read), or
/// `report --fail-on` ran over such a source without `--allow-partial`.
pub const PARTIAL: u8 = 5;

/// A usage error detected after argument parsing (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Shorthand for returning a usage error.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// The exit code for an error: usage, authentication and reachability errors have their own,
/// found anywhere in the chain of causes; everything else is a runtime error.
pub fn code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UsageError>().is_some() {
        return USAGE;
    }
    err.chain().find_map(collector_code).unwrap_or(RUNTIME)
}

/// True when the error only says that the reader of standard output went away (a closed pipe,
/// as in `devquery report | head -1`): `main` then ends quietly with exit 0, as command-line
/// tools do. That is a write to [`crate::stdout`] that failed with `BrokenPipe`, or a
/// `BrokenPipe` I/O error anywhere in the chain of causes (also inside a JSON serialiser's
/// error), unless the chain holds a collector error: a connection to an API that broke is a
/// failed collection, never a quiet success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    if crate::stdout::closed() {
        return true;
    }
    if err.chain().any(is_collector_error) {
        return false;
    }
    err.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind);
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn is_collector_error(cause: &(dyn std::error::Error + 'static)) -> bool {
    cause.is::<devquery_github::Error>() || cause.is::<devquery_azure_devops::Error>()
}

/// The code of a collector error that has its own.
fn collector_code(cause: &(dyn std::error::Error + 'static)) -> Option<u8> {
    if let Some(e) = cause.downcast_ref::<devquery_github::Error>() {
        return match e {
            devquery_github::Error::Unauthorized { .. } | devquery_github::Error::AppAuth(_) => {
                Some(AUTH)
            }
            devquery_github::Error::Unreachable { .. } => Some(UNREACHABLE),
            _ => None,
        };
    }
    if let Some(e) = cause.downcast_ref::<devquery_azure_devops::Error>() {
        return match e {
            devquery_azure_devops::Error::Unauthorized { .. } => Some(AUTH),
            devquery_azure_devops::Error::Unreachable { .. } => Some(UNREACHABLE),
            _ => None,
        };
    }
    None
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

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn collector_errors_keep_their_code_under_context() {
        let auth: Result<(), _> = Err(devquery_github::Error::Unauthorized {
            host: "github.com".into(),
            message: "no token given".into(),
        });
        let err = auth.context("collecting from GitHub").expect_err("error");
        assert_eq!(code_for(&err), AUTH);
        let down: Result<(), _> = Err(devquery_azure_devops::Error::Unreachable {
            host: "dev.azure.com".into(),
            org: "fabrikam".into(),
            message: "connection refused".into(),
        });
        let err = down
            .context("collecting from Azure DevOps")
            .expect_err("error");
        assert_eq!(code_for(&err), UNREACHABLE);
        assert_eq!(code_for(&anyhow::anyhow!("disk full")), RUNTIME);
        assert_eq!(code_for(&usage("bad flag")), USAGE);
    }

    #[test]
    fn a_broken_pipe_in_the_chain_is_quiet_but_not_under_a_collector_error() {
        let pipe = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = Err::<(), _>(pipe())
            .context("writing the report")
            .expect_err("error");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("disk full")));
        let collector = Err::<(), _>(devquery_github::Error::Unreachable {
            host: "github.com".into(),
            message: "broken pipe".into(),
        })
        .context(pipe())
        .expect_err("error");
        assert!(!is_broken_pipe(&collector));
    }
}
