//! [`ErrorRecorder`]: the `collection_errors` rows of one collection run.
//!
//! Every message and missing permission is stored with credentials redacted
//! ([`crate::redact`]: echoed `Authorization` / `Cookie` values, `Bearer X`, `token X`,
//! `Basic X`, and the values of secrets registered with [`ErrorRecorder::add_secret`]) and cut
//! to [`crate::MAX_MESSAGE_CHARS`] characters: a server's error body is hostile input.

use std::sync::{Arc, Mutex};

use devquery_model::tables::CollectionErrorRow;

use crate::client::HttpError;
use crate::secret::Secret;

/// Where a failed call belongs: the table whose data is missing and the join keys.
#[derive(Debug, Clone, Default)]
pub struct ErrorContext {
    /// Organisation.
    pub org: Option<String>,
    /// Azure DevOps project.
    pub project: Option<String>,
    /// Repository.
    pub repo: Option<String>,
    /// Table whose data is missing or partial.
    pub table: String,
}

impl ErrorContext {
    /// Context for an org-level table.
    pub fn org(org: &str, table: &str) -> Self {
        Self {
            org: Some(org.to_string()),
            table: table.to_string(),
            ..Self::default()
        }
    }

    /// Context for a repository-level table.
    pub fn repo(org: &str, repo: &str, table: &str) -> Self {
        Self {
            org: Some(org.to_string()),
            repo: Some(repo.to_string()),
            table: table.to_string(),
            ..Self::default()
        }
    }
}

/// Thread-safe recorder of failed calls, turned into `collection_errors` rows at the end.
/// Cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct ErrorRecorder {
    platform: String,
    host: String,
    run_id: String,
    rows: Arc<Mutex<Vec<CollectionErrorRow>>>,
    /// Forms of the run's credentials ([`Secret::variants`]) to redact from messages (kept as
    /// [`Secret`]s so `Debug` never prints them).
    secrets: Arc<Mutex<Vec<Secret>>>,
}

impl ErrorRecorder {
    /// A recorder for one run on one platform/host.
    pub fn new(platform: &str, host: &str, run_id: &str) -> Self {
        Self {
            platform: platform.to_string(),
            host: host.to_string(),
            run_id: run_id.to_string(),
            rows: Arc::default(),
            secrets: Arc::default(),
        }
    }

    /// Redacts `secret` (in every form a server could echo) from the messages recorded from
    /// now on, by this recorder and its clones.
    pub fn add_secret(&self, secret: &Secret) {
        if let Ok(mut known) = self.secrets.lock() {
            known.extend(secret.variants().into_iter().map(Secret::new));
            known.sort_by(|a, b| {
                let (a, b) = (a.expose(), b.expose());
                b.len().cmp(&a.len()).then_with(|| a.cmp(b))
            });
            known.dedup();
        }
    }

    /// `text` as it may be stored: credentials redacted, length capped.
    fn clean(&self, text: &str) -> String {
        let known: Vec<String> = self
            .secrets
            .lock()
            .map(|k| k.iter().map(|s| s.expose().to_string()).collect())
            .unwrap_or_default();
        crate::truncate_message(&crate::redact(text, &known))
    }

    /// Records a failed HTTP call. `missing_permission` is the permission that would have
    /// allowed it (when the caller knows); the server's accepted-permissions header is used
    /// otherwise.
    pub fn record_http(
        &self,
        ctx: &ErrorContext,
        endpoint: &str,
        err: &HttpError,
        missing_permission: Option<&str>,
    ) {
        let accepted = match err {
            HttpError::Status {
                accepted_permissions,
                ..
            } => accepted_permissions.clone(),
            _ => None,
        };
        let missing = match err.status() {
            Some(401 | 403 | 404) => missing_permission.map(str::to_string).or(accepted),
            _ => None,
        };
        self.record(ctx, endpoint, err.status(), &err.to_string(), missing);
    }

    /// Records any failure.
    pub fn record(
        &self,
        ctx: &ErrorContext,
        endpoint: &str,
        http_status: Option<u16>,
        message: &str,
        missing_permission: Option<String>,
    ) {
        let message = self.clean(message);
        let missing_permission = missing_permission.map(|m| self.clean(&m));
        tracing::debug!(table = %ctx.table, %endpoint, ?http_status, %message, "collection error");
        let row = CollectionErrorRow {
            platform: Some(self.platform.clone()),
            host: Some(self.host.clone()),
            org: ctx.org.clone(),
            project: ctx.project.clone(),
            repo: ctx.repo.clone(),
            run_id: Some(self.run_id.clone()),
            table_name: Some(ctx.table.clone()),
            endpoint: Some(endpoint.to_string()),
            http_status: http_status.map(i64::from),
            message: Some(message),
            missing_permission,
            at: Some(crate::now_rfc3339()),
        };
        if let Ok(mut rows) = self.rows.lock() {
            rows.push(row);
        }
    }

    /// Rows recorded so far.
    pub fn rows(&self) -> Vec<CollectionErrorRow> {
        self.rows.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Number of rows recorded so far.
    pub fn len(&self) -> usize {
        self.rows.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// True when nothing failed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
