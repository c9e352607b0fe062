//! Origins and API URLs: where credentials may go.
//!
//! An origin is the scheme, host and port of a URL (`https://api.github.com:443`). A collector's
//! credentials only ever go to the origins of the API URL it was given ([`HttpPolicy`]'s
//! `allowed_origins`); a pagination link or a redirect to any other origin is refused.
//!
//! [`check_api_url`] is the one validation of a user-supplied API URL (`--github-url`,
//! `--azure-url`): `http`/`https` only, a host, and no user name or password — credentials in a
//! URL would land in `collection_runs.host`, logs and error messages. Its messages never repeat
//! the URL, so a rejected password is not printed either.
//!
//! [`HttpPolicy`]: crate::HttpPolicy

use reqwest::Url;

/// Why an API URL was refused. The messages never include the URL itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not a URL at all.
    #[error("is not a valid URL ({0})")]
    Invalid(String),
    /// A scheme other than `http` / `https`.
    #[error("must start with http:// or https:// (got scheme '{0}')")]
    Scheme(String),
    /// No host (`http:///x`, `file:`-like URLs).
    #[error("has no host")]
    NoHost,
    /// `user:password@` in the URL.
    #[error(
        "must not contain a user name or password (user:password@host): credentials in URLs are \
         refused because they would be stored and logged; give the token in the environment \
         (GH_TOKEN / GITHUB_TOKEN, GH_ENTERPRISE_TOKEN, AZURE_DEVOPS_PAT) instead"
    )]
    Credentials,
}

/// Checks a user-supplied API base URL and returns it parsed. See the module docs.
pub fn check_api_url(url: &str) -> Result<Url, UrlError> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        // `url`'s parse errors describe the problem, never the input.
        UrlError::Invalid(e.to_string())
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlError::Credentials);
    }
    match parsed.scheme() {
        "http" | "https" => {}
        other => return Err(UrlError::Scheme(other.chars().take(20).collect())),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::NoHost);
    }
    Ok(parsed)
}

/// The origin of `url` as `scheme://host:port` (port always explicit, so `https://h` and
/// `https://h:443` are the same origin), or `None` when it is not an absolute http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    Url::parse(url).ok().and_then(|u| origin_of_url(&u))
}

/// [`origin_of`] for a parsed URL.
pub fn origin_of_url(url: &Url) -> Option<String> {
    match url.scheme() {
        "http" | "https" => {}
        _ => return None,
    }
    let host = url.host_str().filter(|h| !h.is_empty())?;
    let port = url.port_or_known_default()?;
    Some(format!("{}://{host}:{port}", url.scheme()))
}

/// `url` with any `user:password@` removed (unparsable input is returned cut at the last `@`
/// of its authority, so a password never survives either way). For display and storage.
pub fn without_userinfo(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            if !u.username().is_empty() || u.password().is_some() {
                let _ = u.set_username("");
                let _ = u.set_password(None);
            }
            u.to_string()
        }
        Err(_) => strip_authority_userinfo(url),
    }
}

fn strip_authority_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    match scheme {
        Some(s) => format!("{s}://{host}{tail}"),
        None => format!("{host}{tail}"),
    }
}
