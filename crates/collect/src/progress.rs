//! [`Progress`]: what a collection shows while it runs.
//!
//! On a terminal (stderr) and when enabled: an indicatif bar
//! `github my-org [=====>    ] 120/250 repos · 812 req · 4188 left`. Otherwise plain `tracing`
//! lines at every 10 % of the repositories (and at the end), so logs of a scheduled run stay
//! readable.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::client::HttpStats;

/// Progress reporter, cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    label: std::sync::Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
    last_logged_decile: AtomicU64,
}

impl Progress {
    /// A reporter: a bar when `enabled` and stderr is a terminal, log lines otherwise.
    pub fn new(enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len} repos · {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Self {
            bar,
            state: Arc::default(),
        }
    }

    /// A reporter that only writes log lines (tests, non-interactive runs).
    pub fn hidden() -> Self {
        Self::new(false)
    }

    /// Starts a new scope (e.g. `github my-org`) with `total` repositories.
    pub fn start(&self, label: &str, total: u64) {
        if let Ok(mut l) = self.state.label.lock() {
            *l = label.to_string();
        }
        self.state.done.store(0, Ordering::Relaxed);
        self.state.total.store(total, Ordering::Relaxed);
        self.state.last_logged_decile.store(0, Ordering::Relaxed);
        match &self.bar {
            Some(bar) => {
                bar.set_prefix(label.to_string());
                bar.set_length(total);
                bar.set_position(0);
            }
            None => tracing::info!("{label}: collecting {total} repositories"),
        }
    }

    /// One more repository done.
    pub fn inc(&self) {
        let done = self.state.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.state.total.load(Ordering::Relaxed).max(1);
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => {
                let decile = done * 10 / total;
                let last = self.state.last_logged_decile.load(Ordering::Relaxed);
                if decile > last
                    && self
                        .state
                        .last_logged_decile
                        .compare_exchange(last, decile, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    let label = self
                        .state
                        .label
                        .lock()
                        .map(|l| l.clone())
                        .unwrap_or_default();
                    tracing::info!("{label}: {done}/{total} repositories");
                }
            }
        }
    }

    /// Shows request counters and the rate limit left.
    pub fn set_http_stats(&self, stats: HttpStats) {
        if let Some(bar) = &self.bar {
            let left = stats
                .rate_limit_remaining
                .map(|r| format!(" · {r} left"))
                .unwrap_or_default();
            bar.set_message(format!(
                "{} req · {} cached{left}",
                stats.requests, stats.not_modified
            ));
        }
    }

    /// A visible message (above the bar, or a warning log line).
    pub fn println(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.println(message),
            None => tracing::warn!("{message}"),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
