//! Fake Azure DevOps REST API.
//!
//! Serves a [`Scenario`] (one organisation) over HTTP in the shapes of the official REST examples
//! (`shared/fixtures/azure-devops`): projects, Git repositories and items, Advanced Security
//! enablement, policy configurations, build definitions (YAML and classic) and general settings,
//! variable groups, secure files, service endpoints, pipeline permissions, agent queues, pools and
//! agents, environments and their checks, graph users / groups / memberships.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use devquery_fake_forge::azure::{AzureFake, ServerConfig, synthetic};
//! let fake = AzureFake::start(synthetic("contoso", 20, 7), ServerConfig::default()).await?;
//! println!("--azure-url {}", fake.base_url());
//! # Ok(()) }
//! ```
//!
//! All paths are served under one base URL: `{base}/{org}/_apis/...` for organisation-level calls
//! (including the graph, which really lives on `vssps.dev.azure.com`, and Advanced Security,
//! which lives on `advsec.dev.azure.com`) and `{base}/{org}/{project}/_apis/...` for project-level
//! calls.

pub mod render;
pub mod scenario;
pub mod server;
pub mod synth;
#[cfg(test)]
mod tests;

pub use scenario::{Scenario, ScenarioError};
pub use server::{AzureFake, Counters, Faults, ServerConfig};
pub use synth::synthetic;

/// The scenario in which every Azure DevOps rule of the catalogue fails on one resource and
/// passes on another (`scenarios/azure-rules.yaml`).
pub const RULES_SCENARIO: &str = include_str!("../../scenarios/azure-rules.yaml");

/// Parses [`RULES_SCENARIO`].
pub fn rules_scenario() -> Result<Scenario, ScenarioError> {
    Scenario::from_yaml(RULES_SCENARIO)
}
