//! Row buffers for every generated table, flushed as record batches into the snapshot writer.

use devquery_engine::SnapshotWriter;
use devquery_model::tables::{
    AccessGrantRow, AlertRow, BranchPolicyRow, CollectionErrorRow, CollectionRunRow, DeployKeyRow,
    EnvironmentRow, IntegrationRow, MemberRow, OrgRow, PipelineJobRow, PipelineRow,
    PipelineSettingsRow, PipelineStepRow, ProjectRow, RepositoryRow, ResourceAuthorizationRow,
    RunnerGroupRow, RunnerRow, SecretRow, ServiceConnectionRow, TeamRow, VariableRow, WebhookRow,
};
use devquery_model::{Row, to_batch};

use crate::SynthError;

/// Typed rows generated since the last flush.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub orgs: Vec<OrgRow>,
    pub projects: Vec<ProjectRow>,
    pub repositories: Vec<RepositoryRow>,
    pub branch_policies: Vec<BranchPolicyRow>,
    pub pipelines: Vec<PipelineRow>,
    pub pipeline_jobs: Vec<PipelineJobRow>,
    pub pipeline_steps: Vec<PipelineStepRow>,
    pub pipeline_settings: Vec<PipelineSettingsRow>,
    pub runners: Vec<RunnerRow>,
    pub runner_groups: Vec<RunnerGroupRow>,
    pub secrets: Vec<SecretRow>,
    pub variables: Vec<VariableRow>,
    pub resource_authorizations: Vec<ResourceAuthorizationRow>,
    pub service_connections: Vec<ServiceConnectionRow>,
    pub environments: Vec<EnvironmentRow>,
    pub access_grants: Vec<AccessGrantRow>,
    pub members: Vec<MemberRow>,
    pub teams: Vec<TeamRow>,
    pub webhooks: Vec<WebhookRow>,
    pub deploy_keys: Vec<DeployKeyRow>,
    pub integrations: Vec<IntegrationRow>,
    pub alerts: Vec<AlertRow>,
    pub collection_errors: Vec<CollectionErrorRow>,
    pub collection_runs: Vec<CollectionRunRow>,
}

/// Converts `rows` to one record batch, writes it and empties the buffer (keeping nothing).
fn drain<R: Row>(rows: &mut Vec<R>, writer: &mut SnapshotWriter) -> Result<(), SynthError> {
    if rows.is_empty() {
        return Ok(());
    }
    let batch = to_batch(&R::spec(), rows)?;
    writer.write(R::TABLE, &batch)?;
    *rows = Vec::new();
    Ok(())
}

impl Rows {
    /// Writes every buffered table to `writer` and frees the buffers.
    pub(crate) fn flush(&mut self, writer: &mut SnapshotWriter) -> Result<(), SynthError> {
        drain(&mut self.orgs, writer)?;
        drain(&mut self.projects, writer)?;
        drain(&mut self.repositories, writer)?;
        drain(&mut self.branch_policies, writer)?;
        drain(&mut self.pipelines, writer)?;
        drain(&mut self.pipeline_jobs, writer)?;
        drain(&mut self.pipeline_steps, writer)?;
        drain(&mut self.pipeline_settings, writer)?;
        drain(&mut self.runners, writer)?;
        drain(&mut self.runner_groups, writer)?;
        drain(&mut self.secrets, writer)?;
        drain(&mut self.variables, writer)?;
        drain(&mut self.resource_authorizations, writer)?;
        drain(&mut self.service_connections, writer)?;
        drain(&mut self.environments, writer)?;
        drain(&mut self.access_grants, writer)?;
        drain(&mut self.members, writer)?;
        drain(&mut self.teams, writer)?;
        drain(&mut self.webhooks, writer)?;
        drain(&mut self.deploy_keys, writer)?;
        drain(&mut self.integrations, writer)?;
        drain(&mut self.alerts, writer)?;
        drain(&mut self.collection_errors, writer)?;
        drain(&mut self.collection_runs, writer)?;
        Ok(())
    }
}
