//! [`Secret`]: a credential that never prints itself, and [`redact`]: credentials out of text
//! that a server sent back (error messages stored in `collection_errors`).

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

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

/// What replaces a credential in stored or printed text.
pub const REDACTED: &str = "[REDACTED]";

/// The longest message kept in a `collection_errors` row (characters); a hostile server cannot
/// store megabytes through an error body.
pub const MAX_MESSAGE_CHARS: usize = 2000;

impl Secret {
    /// The forms this credential can take in a server's echo: the value itself and, for an
    /// `Authorization` value (`Bearer X`, `token X`, `Basic B64`), the credential after the
    /// scheme and, for Basic, the decoded `user:password` and each non-empty half. Forms shorter
    /// than 6 characters are left out (they would redact ordinary words).
    pub fn variants(&self) -> Vec<String> {
        let value = self.0.trim();
        let mut out = vec![value.to_string()];
        if let Some((scheme, rest)) = value.split_once(' ') {
            let rest = rest.trim();
            out.push(rest.to_string());
            if scheme.eq_ignore_ascii_case("basic")
                && let Some(decoded) = base64_decode(rest)
                && let Ok(text) = String::from_utf8(decoded)
            {
                if let Some((user, pass)) = text.split_once(':') {
                    out.push(user.to_string());
                    out.push(pass.to_string());
                }
                out.push(text);
            }
        }
        out.retain(|v| v.chars().count() >= 6);
        // Longest first, so a value is replaced before any part of it.
        out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        out.dedup();
        out
    }
}

/// `text` with credentials replaced by [`REDACTED`]: every occurrence of a `known` value, the
/// value of a credential header or parameter (`Authorization: …`, `Cookie: …`,
/// `"authorization": "…"`, `access_token=…`), and the credential after an authorization
/// scheme (`Bearer X`, `token X`, `Basic X`) when it looks like one (not a plain lowercase
/// word: "token expired" stays). Linear in the length of `text`.
pub fn redact(text: &str, known: &[String]) -> String {
    let mut out = text.to_string();
    for k in known.iter().filter(|k| k.chars().count() >= 6) {
        if out.contains(k.as_str()) {
            out = out.replace(k.as_str(), REDACTED);
        }
    }
    let out = redact_fields(&out);
    redact_schemes(&out)
}

/// `text` cut to [`MAX_MESSAGE_CHARS`] characters (marked with `…`).
pub fn truncate_message(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Header and parameter names whose values are credentials (lowercase).
const CREDENTIAL_FIELDS: &[&str] = &[
    "proxy-authorization",
    "authorization",
    "set-cookie",
    "cookie",
    "x-api-key",
    "private-token",
    "x-auth-token",
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
];

/// Authorization schemes followed by a credential (lowercase).
const SCHEMES: &[&str] = &["bearer", "token", "basic"];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The name of `names` that starts at `i` in `lower` on a word boundary, if any.
fn name_at<'a>(lower: &[u8], i: usize, names: &[&'a str]) -> Option<&'a str> {
    if i > 0 && is_word_byte(lower[i - 1]) {
        return None;
    }
    names.iter().copied().find(|n| {
        lower[i..].starts_with(n.as_bytes())
            && lower.get(i + n.len()).is_none_or(|b| !is_word_byte(*b))
    })
}

/// Redacts the values of `name: value`, `name = value` and `"name": "value"`.
fn redact_fields(text: &str) -> String {
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase().into_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let Some(name) = name_at(&lower, i, CREDENTIAL_FIELDS) else {
            i += 1;
            continue;
        };
        let mut j = i + name.len();
        while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b'\\' | b' ' | b'\t') {
            j += 1;
        }
        let Some(sep) = bytes.get(j).copied().filter(|b| matches!(*b, b':' | b'=')) else {
            i += name.len();
            continue;
        };
        j += 1;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\\') {
            j += 1;
        }
        let (start, end) = value_span(bytes, j, sep);
        if end > start {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        i = end.max(i + name.len());
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the value starting at `j` ends: at its closing quote when quoted, else at the end of
/// the line (after `:`) or of the parameter (after `=`).
fn value_span(bytes: &[u8], j: usize, sep: u8) -> (usize, usize) {
    if let Some(q) = bytes.get(j).copied().filter(|b| matches!(*b, b'"' | b'\'')) {
        let start = j + 1;
        let end = bytes[start..]
            .iter()
            .position(|b| *b == q)
            .map_or(bytes.len(), |p| start + p);
        let end = if end > start && bytes[end - 1] == b'\\' {
            end - 1
        } else {
            end
        };
        return (start, end);
    }
    let stop = |b: &u8| match sep {
        b':' => matches!(*b, b'\r' | b'\n' | b'"' | b'\''),
        _ => b.is_ascii_whitespace() || matches!(*b, b'&' | b'"' | b'\'' | b',' | b';'),
    };
    let end = bytes[j..]
        .iter()
        .position(stop)
        .map_or(bytes.len(), |p| j + p);
    (j, end)
}

fn is_credential_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
}

/// Redacts `X` in `Bearer X`, `token X`, `Basic X` when `X` looks like a credential.
fn redact_schemes(text: &str) -> String {
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase().into_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let Some(scheme) = name_at(&lower, i, SCHEMES) else {
            i += 1;
            continue;
        };
        let mut j = i + scheme.len();
        let gap = j;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        let start = j;
        while j < bytes.len() && is_credential_byte(bytes[j]) {
            j += 1;
        }
        if j > gap && start > gap && looks_like_credential(&text[start..j]) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = j;
        }
        i = j.max(i + scheme.len());
    }
    out.push_str(&text[copied..]);
    out
}

/// At least 6 characters and not a plain lowercase word shorter than 20.
fn looks_like_credential(word: &str) -> bool {
    word.len() >= 6 && !(word.len() < 20 && word.bytes().all(|b| b.is_ascii_lowercase()))
}

/// How credentials are base64-decoded: padding optional, and stray bits in the last character
/// ignored (as lenient servers accept them).
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Standard or URL-safe base64, padding optional (any run of trailing `=` is dropped); `None`
/// when `s` is not base64.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    STANDARD_LENIENT
        .decode(s)
        .or_else(|_| URL_SAFE_LENIENT.decode(s))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decoding_accepts_both_alphabets_with_or_without_padding() {
        let user = b"user:password".to_vec();
        assert_eq!(base64_decode("dXNlcjpwYXNzd29yZA=="), Some(user.clone()));
        assert_eq!(base64_decode("dXNlcjpwYXNzd29yZA"), Some(user));
        assert_eq!(base64_decode("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(base64_decode("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(base64_decode("YQ==="), Some(b"a".to_vec()));
        assert_eq!(base64_decode("YR"), Some(b"a".to_vec()));
        assert_eq!(base64_decode(""), Some(Vec::new()));
        assert_eq!(base64_decode("not base64!"), None);
        assert_eq!(base64_decode("YQ=x"), None);
    }

    #[test]
    fn basic_credentials_yield_their_decoded_halves() {
        let v = Secret::new("Basic dXNlcjpwYXNzd29yZA==").variants();
        assert!(v.iter().any(|x| x == "password"));
        assert!(v.iter().any(|x| x == "user:password"));
        assert!(v.iter().any(|x| x == "dXNlcjpwYXNzd29yZA=="));
    }
}
