//! [`Secret`]: a credential that never prints itself.

use std::fmt;

/// A token, PAT or private key held in memory. `Debug` and `Display` print `***`; the only way
/// to the value is [`Secret::expose`], which should appear only where a header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself. Callers must not log or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the credential is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A new secret made from this one (e.g. `Bearer {token}`), still redacted.
    pub fn map(&self, f: impl FnOnce(&str) -> String) -> Secret {
        Secret(f(&self.0))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}
