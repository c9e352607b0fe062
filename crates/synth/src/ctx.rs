//! What every generator needs: the seed, the layout, the clock, and join keys for rows.

use chrono::{DateTime, SecondsFormat, Utc};
use devquery_model::platform;

use crate::layout::Layout;
use crate::rng::Rng;

/// GitHub's host in the join keys.
pub(crate) const GITHUB_HOST: &str = "github.com";
/// Azure DevOps' host in the join keys.
pub(crate) const AZURE_HOST: &str = "dev.azure.com";

/// Timestamps relative to the estate's fixed "as of" time (never the wall clock).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Seconds since the Unix epoch.
    pub as_of: i64,
}

const DAY: i64 = 86_400;

impl Clock {
    /// RFC 3339 text of `secs` seconds before the as-of time.
    pub(crate) fn before(&self, secs: i64) -> Option<String> {
        DateTime::<Utc>::from_timestamp(self.as_of.saturating_sub(secs), 0)
            .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    /// The as-of time.
    pub(crate) fn now(&self) -> Option<String> {
        self.before(0)
    }

    /// A random moment between `lo` and `hi` days before the as-of time, and its age in seconds.
    pub(crate) fn days_ago(&self, rng: &mut Rng, lo: i64, hi: i64) -> (Option<String>, i64) {
        let age = rng.range(lo * DAY, hi * DAY + DAY - 1);
        (self.before(age), age)
    }

    /// A random moment between `lo` and `hi` days before the as-of time.
    pub(crate) fn ago(&self, rng: &mut Rng, lo: i64, hi: i64) -> Option<String> {
        self.days_ago(rng, lo, hi).0
    }

    /// A moment `age` seconds old, moved towards now by up to `days` days (never into the future).
    pub(crate) fn after(&self, rng: &mut Rng, age: i64, days: i64) -> Option<String> {
        let newer = rng.range(0, days * DAY).min(age);
        self.before(age - newer)
    }
}

/// Everything the generators share.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub seed: u64,
    pub company: &'static str,
    pub layout: Layout,
    pub clock: Clock,
}

impl Ctx {
    /// A generator for the entity named by `parts`.
    pub(crate) fn rng(&self, parts: &[u64]) -> Rng {
        Rng::keyed(self.seed, parts)
    }
}

/// The join keys of the rows being generated.
#[derive(Debug, Clone)]
pub(crate) struct At {
    pub platform: &'static str,
    pub host: &'static str,
    pub org: String,
    pub project: Option<String>,
    pub repo: Option<String>,
}

impl At {
    /// A GitHub organisation.
    pub(crate) fn github(org: &str) -> Self {
        Self {
            platform: platform::GITHUB,
            host: GITHUB_HOST,
            org: org.to_string(),
            project: None,
            repo: None,
        }
    }

    /// An Azure DevOps organisation.
    pub(crate) fn azure(org: &str) -> Self {
        Self {
            platform: platform::AZURE_DEVOPS,
            host: AZURE_HOST,
            org: org.to_string(),
            project: None,
            repo: None,
        }
    }

    /// The same keys within a project.
    pub(crate) fn in_project(&self, project: &str) -> Self {
        Self {
            project: Some(project.to_string()),
            ..self.clone()
        }
    }

    /// The same keys within a repository.
    pub(crate) fn in_repo(&self, repo: &str) -> Self {
        Self {
            repo: Some(repo.to_string()),
            ..self.clone()
        }
    }

    pub(crate) fn platform(&self) -> Option<String> {
        Some(self.platform.to_string())
    }

    pub(crate) fn host(&self) -> Option<String> {
        Some(self.host.to_string())
    }

    pub(crate) fn org(&self) -> Option<String> {
        Some(self.org.clone())
    }

    pub(crate) fn project(&self) -> Option<String> {
        self.project.clone()
    }

    pub(crate) fn repo(&self) -> Option<String> {
        self.repo.clone()
    }
}

/// `Some(text)`.
pub(crate) fn s(text: impl Into<String>) -> Option<String> {
    Some(text.into())
}

/// `Some(list of texts)`.
pub(crate) fn list<I, T>(items: I) -> Option<Vec<String>>
where
    I: IntoIterator<Item = T>,
    T: Into<String>,
{
    Some(items.into_iter().map(Into::into).collect())
}

/// `Some(map)` from `(key, value)` pairs.
pub(crate) fn map<I, K, V>(pairs: I) -> Option<std::collections::BTreeMap<String, String>>
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    Some(
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect(),
    )
}

/// Fills the join keys of a row type from an [`At`]: `row!(RepositoryRow, at, repo_id: …)`.
/// `project` and `repo` are copied too unless given (tables without them use `row_org!`).
macro_rules! row {
    ($ty:ident, $at:expr, $($field:ident : $value:expr),* $(,)?) => {{
        // The update fills the columns not given; for rows that give them all it is a no-op.
        #[allow(clippy::needless_update)]
        let row = $ty {
            platform: $at.platform(),
            host: $at.host(),
            org: $at.org(),
            project: $at.project(),
            repo: $at.repo(),
            $($field: $value,)*
            ..Default::default()
        };
        row
    }};
}

/// Like `row!` for tables keyed by organisation only (no `project` or `repo` column).
macro_rules! row_org {
    ($ty:ident, $at:expr, $($field:ident : $value:expr),* $(,)?) => {{
        // The update fills the columns not given; for rows that give them all it is a no-op.
        #[allow(clippy::needless_update)]
        let row = $ty {
            platform: $at.platform(),
            host: $at.host(),
            org: $at.org(),
            $($field: $value,)*
            ..Default::default()
        };
        row
    }};
}

/// Like `row!` for tables keyed by organisation and project (no `repo` column).
macro_rules! row_project {
    ($ty:ident, $at:expr, $($field:ident : $value:expr),* $(,)?) => {{
        // The update fills the columns not given; for rows that give them all it is a no-op.
        #[allow(clippy::needless_update)]
        let row = $ty {
            platform: $at.platform(),
            host: $at.host(),
            org: $at.org(),
            project: $at.project(),
            $($field: $value,)*
            ..Default::default()
        };
        row
    }};
}
