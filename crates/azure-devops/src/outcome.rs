//! How an Azure DevOps collection ended, so that a stopped run cannot be mistaken for a complete
//! one.
//!
//! * [`Stop`] (shared by every organisation of a run) is set by the first request refused for
//!   the budget or a rate limit too long to wait for; later calls are not sent.
//! * [`Unread`] (one per organisation) notes every call refused because of the stop, with its
//!   project, repository and table, and an organisation whose project list could not be read.
//! * [`Unread::finish`] records one `collection_errors` row per project / repository / table
//!   left unread (so rules that read `collection_errors` say `unknown`) and returns the
//!   organisation's [`Partial`] record.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use devquery_collect::{ErrorContext, ErrorRecorder, HttpError};
use devquery_model::platform::AZURE_DEVOPS;
use devquery_model::rows::Partial;

/// The message of a `collection_errors` row for something the stop left unread.
pub(crate) const UNREAD_MESSAGE: &str = "not read: the collection stopped before this was collected (see the snapshot's partial record)";

/// Whether the run has stopped, and why.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    stopped: AtomicBool,
    reason: Mutex<Option<String>>,
}

impl Stop {
    /// True once the run stopped.
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Stops the run because of `err`; true the first time only.
    pub fn stop(&self, err: &HttpError) -> bool {
        let first = !self.stopped.swap(true, Ordering::SeqCst);
        if first && let Ok(mut r) = self.reason.lock() {
            *r = Some(match err {
                HttpError::BudgetExhausted { max } => {
                    format!("request budget of {max} requests reached (--max-requests)")
                }
                other => other.to_string(),
            });
        }
        first
    }

    /// Why the run stopped, if it did.
    pub fn reason(&self) -> Option<String> {
        self.reason.lock().ok().and_then(|r| r.clone())
    }
}

/// Project, repository, table.
type Key = (Option<String>, Option<String>, String);

/// What one organisation's collection left unread.
#[derive(Debug, Default)]
pub(crate) struct Unread {
    /// Key → the first endpoint not read.
    calls: Mutex<BTreeMap<Key, String>>,
    /// Why the organisation could not be read at all, if so.
    whole_org: Mutex<Option<String>>,
}

impl Unread {
    /// Notes a call not made (or refused) because of the stop.
    pub fn call(&self, ctx: &ErrorContext, endpoint: &str) {
        if let Ok(mut c) = self.calls.lock() {
            c.entry((ctx.project.clone(), ctx.repo.clone(), ctx.table.clone()))
                .or_insert_with(|| endpoint.to_string());
        }
    }

    /// Notes that the organisation could not be read at all.
    pub fn whole_org(&self, why: String) {
        if let Ok(mut w) = self.whole_org.lock() {
            w.get_or_insert(why);
        }
    }

    /// Records the rows of everything left unread in `org` and returns its partial record
    /// (`None` when nothing was left unread). `stop` gives the reason of a stop.
    pub fn finish(
        &self,
        errors: &ErrorRecorder,
        host: &str,
        org: &str,
        stop: &Stop,
    ) -> Option<Partial> {
        let calls = self.calls.lock().map(|c| c.clone()).unwrap_or_default();
        let whole = self.whole_org.lock().ok().and_then(|w| w.clone());
        if calls.is_empty() && whole.is_none() {
            return None;
        }
        let place = format!("{AZURE_DEVOPS}:{host}/{org}");
        let mut missing = Vec::new();
        if let Some(why) = &whole {
            missing.push(format!("{place} (every table: {why})"));
        }
        let mut grouped: BTreeMap<(Option<String>, Option<String>), BTreeSet<String>> =
            BTreeMap::new();
        for ((project, repo, table), endpoint) in &calls {
            let ctx = ErrorContext {
                org: Some(org.to_string()),
                project: project.clone(),
                repo: repo.clone(),
                table: table.clone(),
            };
            errors.record(&ctx, endpoint, None, UNREAD_MESSAGE, None);
            grouped
                .entry((project.clone(), repo.clone()))
                .or_default()
                .insert(table.clone());
        }
        for ((project, repo), tables) in grouped {
            if whole.is_some() && project.is_none() && repo.is_none() {
                continue; // already the "every table" entry
            }
            let path: Vec<String> = [project, repo].into_iter().flatten().collect();
            let tables: Vec<String> = tables.into_iter().collect();
            let at = if path.is_empty() {
                place.clone()
            } else {
                format!("{place}/{}", path.join("/"))
            };
            missing.push(format!("{at} ({})", tables.join(", ")));
        }
        let reason = match (stop.reason(), whole) {
            (Some(r), _) => r,
            (None, Some(why)) => format!("organisation {org} could not be read ({why})"),
            (None, None) => "the collection stopped early".to_string(),
        };
        Some(Partial::new(
            format!("{AZURE_DEVOPS} {host}: {reason}"),
            missing,
        ))
    }
}
