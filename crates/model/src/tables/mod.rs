//! The registry of data tables. Adding a table: one file here plus one line in [`ALL`].

pub mod access_grants;
pub mod alerts;
pub mod branch_policies;
pub mod collection_errors;
pub mod collection_runs;
pub mod deploy_keys;
pub mod environments;
pub mod findings;
pub mod integrations;
pub mod members;
pub mod orgs;
pub mod pipeline_jobs;
pub mod pipeline_settings;
pub mod pipeline_steps;
pub mod pipelines;
pub mod projects;
pub mod repositories;
pub mod resource_authorizations;
pub mod runner_groups;
pub mod runners;
pub mod secrets;
pub mod service_connections;
pub mod teams;
pub mod variables;
pub mod webhooks;

use crate::spec::TableSpec;

/// Every data table, in documentation order.
pub const ALL: &[fn() -> TableSpec] = &[
    orgs::spec,
    projects::spec,
    repositories::spec,
    branch_policies::spec,
    pipelines::spec,
    pipeline_jobs::spec,
    pipeline_steps::spec,
    pipeline_settings::spec,
    runners::spec,
    runner_groups::spec,
    secrets::spec,
    variables::spec,
    resource_authorizations::spec,
    service_connections::spec,
    environments::spec,
    access_grants::spec,
    members::spec,
    teams::spec,
    webhooks::spec,
    deploy_keys::spec,
    integrations::spec,
    alerts::spec,
    collection_errors::spec,
    collection_runs::spec,
    findings::spec,
];

/// Every data table's specification (not the catalogue tables: see
/// [`catalogue_tables`](crate::catalogue_tables)).
pub fn catalog() -> Vec<TableSpec> {
    ALL.iter().map(|f| f()).collect()
}

/// The data table called `name` (`None` for a catalogue table).
pub fn find(name: &str) -> Option<TableSpec> {
    ALL.iter().map(|f| f()).find(|s| s.name == name)
}

pub use access_grants::AccessGrantRow;
pub use alerts::AlertRow;
pub use branch_policies::{BranchPolicyRow, BypassActor};
pub use collection_errors::CollectionErrorRow;
pub use collection_runs::CollectionRunRow;
pub use deploy_keys::DeployKeyRow;
pub use environments::{EnvironmentRow, Principal};
pub use findings::FindingRow;
pub use integrations::IntegrationRow;
pub use members::MemberRow;
pub use orgs::OrgRow;
pub use pipeline_jobs::PipelineJobRow;
pub use pipeline_settings::PipelineSettingsRow;
pub use pipeline_steps::PipelineStepRow;
pub use pipelines::{PipelineResource, PipelineRow};
pub use projects::ProjectRow;
pub use repositories::RepositoryRow;
pub use resource_authorizations::ResourceAuthorizationRow;
pub use runner_groups::RunnerGroupRow;
pub use runners::RunnerRow;
pub use secrets::SecretRow;
pub use service_connections::ServiceConnectionRow;
pub use teams::TeamRow;
pub use variables::VariableRow;
pub use webhooks::WebhookRow;
