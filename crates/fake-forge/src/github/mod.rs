//! Fake GitHub REST API (axum) serving a [`Scenario`] in exactly the shapes of GitHub's official
//! API examples (`fixtures/`, copied from `shared/fixtures/github`), with GitHub's behaviour:
//! `per_page`/`Link` pagination, `ETag`/`If-None-Match` → `304`, `X-RateLimit-*` headers and a
//! request budget, secondary rate limits (`429`/`403` + `Retry-After`), `404` for repositories the
//! token cannot see, `403` with GitHub's permission message for admin-only endpoints, the
//! `{message, documentation_url, status}` error body, injected faults and request counters.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use devquery_fake_forge::github::{FakeGithub, generate};
//! let server = FakeGithub::start(generate::synthetic("acme", 50, 7)).await?;
//! println!("GitHub API at {}", server.base_url());
//! println!("{} requests so far", server.counters().total);
//! # Ok(()) }
//! ```

pub mod generate;
mod graphql;
mod hostile;
mod render;
pub mod scenario;
mod server;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

pub use hostile::{ForeignListener, Hostile, HostileMode, SeenRequest};
pub use scenario::Scenario;
pub use server::{CounterSnapshot, Counters};

/// The GitHub side of the bundled demo estate (`scenarios/github-demo.yaml`): `acme-corp`, about
/// 25 repositories of mixed hygiene, and the well-run `acme-platform`.
pub const DEMO_SCENARIO: &str = include_str!("../../scenarios/github-demo.yaml");

/// Parses [`DEMO_SCENARIO`].
pub fn demo_scenario() -> Result<Scenario, yaml_serde::Error> {
    Scenario::from_yaml(DEMO_SCENARIO)
}

/// A running fake GitHub. The server stops when this handle is dropped.
pub struct FakeGithub {
    base_url: String,
    state: Arc<server::AppState>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeGithub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGithub")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The axum router of a fake GitHub for `scenario` (for embedding in a bigger server), with the
/// counters it updates.
pub fn router(scenario: Scenario, base_url: &str) -> (axum::Router, Arc<Counters>) {
    let counters = Arc::new(Counters::default());
    let state = Arc::new(server::AppState::new(scenario, counters.clone()));
    if let Ok(mut b) = state.base_url.lock() {
        *b = base_url.trim_end_matches('/').to_string();
    }
    (app(state), counters)
}

/// The router of one fake GitHub: the handler behind the hostile-mode middleware.
fn app(state: Arc<server::AppState>) -> axum::Router {
    axum::Router::new()
        .fallback(server::handle)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hostile::layer,
        ))
        .with_state(state)
}

impl FakeGithub {
    /// Serves `scenario` on `127.0.0.1` with an ephemeral port.
    pub async fn start(scenario: Scenario) -> std::io::Result<Self> {
        Self::bind(scenario, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Serves `scenario` on `addr`.
    pub async fn bind(scenario: Scenario, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let base_url = format!("http://{local}");
        let counters = Arc::new(Counters::default());
        let state = Arc::new(server::AppState::new(scenario, counters));
        if let Ok(mut b) = state.base_url.lock() {
            *b = base_url.clone();
        }
        let router = app(state.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "fake GitHub server stopped");
            }
        });
        Ok(Self {
            base_url,
            state,
            task,
        })
    }

    /// Base URL (`http://127.0.0.1:PORT`), to use as the GitHub API URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Request counters so far.
    pub fn counters(&self) -> CounterSnapshot {
        self.state.counters.snapshot()
    }

    /// Resets the counters.
    pub fn reset_counters(&self) {
        self.state.counters.reset();
    }

    /// Replaces the scenario (e.g. to change faults between two runs).
    pub fn set_scenario(&self, scenario: Scenario) {
        if let Ok(mut s) = self.state.scenario.lock() {
            *s = Arc::new(scenario);
        }
    }

    /// The scenario being served.
    pub fn scenario(&self) -> Scenario {
        self.state
            .scenario
            .lock()
            .map(|s| (**s).clone())
            .unwrap_or_default()
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.task.abort();
    }
}
