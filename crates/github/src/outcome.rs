//! How a GitHub collection ended, so that its outcome cannot be mistaken for a complete one.
//!
//! * A stop (request budget spent, a rate limit too long to wait for, the credentials refused
//!   mid-run) sets [`Outcome::stop`]; every call refused after it is noted as unread
//!   ([`Outcome::unread`]) with its table, organisation and repository.
//! * An organisation whose first call failed is unread as a whole ([`Outcome::org_unread`]).
//! * [`Outcome::finish`] turns the notes into one `collection_errors` row per table and
//!   repository left unread (a repository touched by the stop gets a row for every repository
//!   table, since calls that depend on what was not read were never made), so rules that read
//!   `collection_errors` say `unknown`, and into the [`Partial`] record the dataset, the snapshot
//!   manifest and every report carry.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use devquery_collect::{ErrorContext, ErrorRecorder, HttpError};
use devquery_model::platform::GITHUB;
use devquery_model::rows::Partial;

/// The tables the collector fills per repository.
pub(crate) const REPO_TABLES: &[&str] = &[
    "repositories",
    "branch_policies",
    "pipelines",
    "pipeline_settings",
    "secrets",
    "variables",
    "runners",
    "environments",
    "access_grants",
    "webhooks",
    "deploy_keys",
];

/// The message of a `collection_errors` row for something the stop left unread.
pub(crate) const UNREAD_MESSAGE: &str = "not read: the collection stopped before this was collected (see the snapshot's partial record)";

/// Organisation and repository (`None`: organisation level).
type Key = (String, Option<String>);

/// The outcome of one collection run (all organisations), shared by every task.
#[derive(Debug)]
pub(crate) struct Outcome {
    host: String,
    stopped: AtomicBool,
    reasons: Mutex<Vec<String>>,
    /// Per organisation / repository: table → first endpoint not read.
    unread: Mutex<BTreeMap<Key, BTreeMap<String, String>>>,
    /// Organisations not read at all, with why.
    orgs: Mutex<Vec<(String, String)>>,
}

impl Outcome {
    /// An outcome for a run on `host` (the `host` column value).
    pub fn new(host: &str) -> Self {
        Self {
            host: host.to_string(),
            stopped: AtomicBool::new(false),
            reasons: Mutex::default(),
            unread: Mutex::default(),
            orgs: Mutex::default(),
        }
    }

    /// True once a stop was recorded: later calls are not sent.
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Stops the run because of `err`; true the first time only.
    pub fn stop(&self, err: &HttpError) -> bool {
        let first = !self.stopped.swap(true, Ordering::SeqCst);
        if first {
            self.add_reason(stop_reason(err));
        }
        first
    }

    /// Adds a reason the run is partial.
    pub fn add_reason(&self, reason: String) {
        if let Ok(mut r) = self.reasons.lock() {
            r.push(format!("{GITHUB} {}: {reason}", self.host));
        }
    }

    /// Notes a call not made (or refused) because of the stop.
    pub fn unread(&self, org: &str, repo: Option<&str>, table: &str, endpoint: &str) {
        if let Ok(mut u) = self.unread.lock() {
            u.entry((org.to_string(), repo.map(str::to_string)))
                .or_default()
                .entry(table.to_string())
                .or_insert_with(|| endpoint.to_string());
        }
    }

    /// Notes an organisation that was not read at all, and why.
    pub fn org_unread(&self, org: &str, why: String) {
        if let Ok(mut o) = self.orgs.lock() {
            o.push((org.to_string(), why));
        }
    }

    /// Records the `collection_errors` rows of everything left unread and returns the partial
    /// record, or `None` when the run was complete.
    pub fn finish(&self, errors: &ErrorRecorder) -> Option<Partial> {
        let reasons = self.reasons.lock().map(|r| r.clone()).unwrap_or_default();
        let unread = self.unread.lock().map(|u| u.clone()).unwrap_or_default();
        let orgs = self.orgs.lock().map(|o| o.clone()).unwrap_or_default();
        if reasons.is_empty() && unread.is_empty() && orgs.is_empty() {
            return None;
        }
        let mut missing = Vec::new();
        for (org, why) in &orgs {
            missing.push(format!("{GITHUB}:{}/{org} (every table: {why})", self.host));
        }
        let whole: BTreeSet<&str> = orgs.iter().map(|(o, _)| o.as_str()).collect();
        for ((org, repo), tables) in &unread {
            let entry = self.record_unread(errors, org, repo.as_deref(), tables);
            // An org not read at all is already one entry.
            if repo.is_some() || !whole.contains(org.as_str()) {
                missing.push(entry);
            }
        }
        let reason = if reasons.is_empty() {
            format!(
                "{GITHUB} {}: some organisations could not be read",
                self.host
            )
        } else {
            reasons.join("; ")
        };
        Some(Partial::new(reason, missing))
    }

    /// One row per unread table of `org` / `repo`; returns the `missing` entry.
    fn record_unread(
        &self,
        errors: &ErrorRecorder,
        org: &str,
        repo: Option<&str>,
        tables: &BTreeMap<String, String>,
    ) -> String {
        let names: BTreeSet<&str> = match repo {
            Some(_) => REPO_TABLES
                .iter()
                .copied()
                .chain(tables.keys().map(String::as_str))
                .collect(),
            None => tables.keys().map(String::as_str).collect(),
        };
        for table in &names {
            let ctx = match repo {
                Some(r) => ErrorContext::repo(org, r, table),
                None => ErrorContext::org(org, table),
            };
            let endpoint = tables.get(*table).cloned().unwrap_or_else(|| match repo {
                Some(r) => format!("/repos/{org}/{r}"),
                None => format!("/orgs/{org}"),
            });
            errors.record(&ctx, &endpoint, None, UNREAD_MESSAGE, None);
        }
        match repo {
            Some(r) => format!("{GITHUB}:{}/{org}/{r}", self.host),
            None => {
                let list: Vec<&str> = names.into_iter().collect();
                format!("{GITHUB}:{}/{org} ({})", self.host, list.join(", "))
            }
        }
    }
}

/// Whether `err` ends the run: a spent budget, a rate limit too long to wait for, or the
/// credentials refused (`401`: every later call would be refused too).
pub(crate) fn stops_the_run(err: &HttpError) -> bool {
    err.is_fatal() || err.status() == Some(401)
}

/// Why `err` stopped the run, for the partial record.
fn stop_reason(err: &HttpError) -> String {
    match err {
        HttpError::BudgetExhausted { max } => {
            format!("request budget of {max} requests reached (--max-requests)")
        }
        HttpError::Status { status: 401, .. } => {
            "the credentials were refused during the collection (HTTP 401; an expired or revoked \
             token, or an installation token older than an hour)"
                .to_string()
        }
        other => other.to_string(),
    }
}
