//! [`Progress`]: what a collection shows while it runs.
//!
//! - Enabled, stderr a terminal: an indicatif bar
//!   `github my-org [=====>    ] 120/250 repos · 812 req · 4188 left`.
//! - Enabled, stderr not a terminal (CI, a log file): plain lines on stderr at the default log
//!   level, `github my-org: 120/250 repositories · 812 requests · 4188 left`, at each 10 % of
//!   the repositories and otherwise at most one every [`PLAIN_INTERVAL`], so a scheduled run
//!   shows that it is alive without flooding its log.
//! - Disabled (quiet): the same lines as `info` tracing events, shown only with `-v`.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::client::HttpStats;

/// Between two 10 % steps, the longest a plain (non-terminal) reporter stays silent while
/// repositories keep completing.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(10);

/// `rate_limit_remaining` not known yet.
const UNKNOWN: i64 = i64::MIN;

/// How progress is shown.
#[derive(Debug, Clone)]
enum Mode {
    /// An indicatif bar on the terminal.
    Bar(ProgressBar),
    /// Plain lines written to stderr (not a terminal).
    Plain,
    /// `info` tracing events (quiet).
    Log,
}

/// Progress reporter, cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct Progress {
    mode: Mode,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    label: std::sync::Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
    last_logged_decile: AtomicU64,
    /// Milliseconds since `clock` when the last plain line was written.
    last_line_ms: AtomicU64,
    requests: AtomicU64,
    remaining: AtomicI64,
    clock: Instant,
}

impl State {
    fn new() -> Self {
        Self {
            label: std::sync::Mutex::default(),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            last_logged_decile: AtomicU64::new(0),
            last_line_ms: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            remaining: AtomicI64::new(UNKNOWN),
            clock: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.clock.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether a line is due after `done` of `total`: a new 10 % step, or (when `timed`) at
    /// least [`PLAIN_INTERVAL`] since the last line. Claims the line, so that of several
    /// threads finishing at once only one writes it.
    fn due(&self, done: u64, total: u64, now_ms: u64, timed: bool) -> bool {
        let decile = done.saturating_mul(10) / total.max(1);
        let last = self.last_logged_decile.load(Ordering::Relaxed);
        if decile > last {
            let claimed = self
                .last_logged_decile
                .compare_exchange(last, decile, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
            if claimed {
                self.last_line_ms.store(now_ms, Ordering::Relaxed);
            }
            return claimed;
        }
        let interval = u64::try_from(PLAIN_INTERVAL.as_millis()).unwrap_or(u64::MAX);
        let previous = self.last_line_ms.load(Ordering::Relaxed);
        timed
            && now_ms.saturating_sub(previous) >= interval
            && self
                .last_line_ms
                .compare_exchange(previous, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    fn label(&self) -> String {
        self.label.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// `github my-org: 120/250 repositories · 812 requests · 4188 left`.
    fn line(&self, done: u64, total: u64) -> String {
        let requests = self.requests.load(Ordering::Relaxed);
        let stats = if requests > 0 {
            format!(" · {requests} requests")
        } else {
            String::new()
        };
        let left = match self.remaining.load(Ordering::Relaxed) {
            UNKNOWN => String::new(),
            r => format!(" · {r} left"),
        };
        format!("{}: {done}/{total} repositories{stats}{left}", self.label())
    }
}

/// Writes one plain line to stderr; a closed stderr loses it, never panics.
fn plain_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

impl Progress {
    /// A reporter: when `enabled`, a bar if stderr is a terminal and plain lines otherwise;
    /// when not (quiet), `info` log lines.
    pub fn new(enabled: bool) -> Self {
        let mode = match (enabled, std::io::stderr().is_terminal()) {
            (true, true) => Mode::Bar(bar()),
            (true, false) => Mode::Plain,
            (false, _) => Mode::Log,
        };
        Self {
            mode,
            state: Arc::new(State::new()),
        }
    }

    /// A reporter that only writes `info` log lines (tests, quiet runs).
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
        self.state
            .last_line_ms
            .store(self.state.now_ms(), Ordering::Relaxed);
        match &self.mode {
            Mode::Bar(bar) => {
                bar.set_prefix(label.to_string());
                bar.set_length(total);
                bar.set_position(0);
            }
            Mode::Plain => plain_line(&format!("{label}: collecting {total} repositories")),
            Mode::Log => tracing::info!("{label}: collecting {total} repositories"),
        }
    }

    /// One more repository done.
    pub fn inc(&self) {
        let done = self.state.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.state.total.load(Ordering::Relaxed).max(1);
        match &self.mode {
            Mode::Bar(bar) => bar.inc(1),
            Mode::Plain => {
                if self.state.due(done, total, self.state.now_ms(), true) {
                    plain_line(&self.state.line(done, total));
                }
            }
            Mode::Log => {
                if self.state.due(done, total, self.state.now_ms(), false) {
                    tracing::info!("{}", self.state.line(done, total));
                }
            }
        }
    }

    /// Shows request counters and the rate limit left.
    pub fn set_http_stats(&self, stats: HttpStats) {
        self.state.requests.store(stats.requests, Ordering::Relaxed);
        if let Some(r) = stats.rate_limit_remaining {
            self.state.remaining.store(r, Ordering::Relaxed);
        }
        if let Mode::Bar(bar) = &self.mode {
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
        match &self.mode {
            Mode::Bar(bar) => bar.println(message),
            Mode::Plain | Mode::Log => tracing::warn!("{message}"),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}

/// The terminal bar.
fn bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} repos · {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(state: &State, total: u64, step_ms: u64, timed: bool) -> Vec<u64> {
        (1..=total)
            .filter(|&done| state.due(done, total, done * step_ms, timed))
            .collect()
    }

    #[test]
    fn a_line_at_every_tenth() {
        let state = State::new();
        assert_eq!(
            lines(&state, 100, 0, true),
            vec![10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        );
    }

    #[test]
    fn between_tenths_a_plain_line_every_interval() {
        // 1,000 repositories, one every 2.5 s: a line at each 10 % step (every 100) and one
        // every 4 repositories (10 s) in between.
        let state = State::new();
        let shown = lines(&state, 1000, 2500, true);
        assert!(shown.starts_with(&[4, 8, 12]), "{shown:?}");
        assert!(shown.contains(&100) && shown.contains(&1000), "{shown:?}");
        assert!(shown.len() < 300, "{}", shown.len());
    }

    #[test]
    fn quiet_lines_come_only_at_tenths() {
        let state = State::new();
        let shown = lines(&state, 1000, 2500, false);
        assert_eq!(shown.len(), 10, "{shown:?}");
    }

    #[test]
    fn the_line_names_the_scope_and_the_counters() {
        let state = State::new();
        if let Ok(mut l) = state.label.lock() {
            *l = "github acme".into();
        }
        assert_eq!(state.line(3, 10), "github acme: 3/10 repositories");
        state.requests.store(42, Ordering::Relaxed);
        state.remaining.store(4188, Ordering::Relaxed);
        assert_eq!(
            state.line(3, 10),
            "github acme: 3/10 repositories · 42 requests · 4188 left"
        );
    }
}
