//! The Azure DevOps scenario: a compact, hand-writable description of one organisation (projects,
//! repositories, policies, pipelines, library, service connections, pools, environments, graph)
//! that the fake server renders in the shapes of the official REST examples.
//!
//! Every id the REST API exposes as a GUID is derived deterministically from names when the
//! scenario does not give one, so the same scenario always yields the same responses.

use std::collections::BTreeMap;
use std::hash::Hasher;

use fnv::FnvHasher;
use serde::{Deserialize, Serialize};

/// Errors loading a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The YAML or JSON did not match the scenario schema.
    #[error("invalid scenario: {0}")]
    Parse(String),
}

/// One Azure DevOps organisation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Organisation name (first path segment).
    pub org: String,
    /// PAT the server accepts; `None` accepts any Basic credentials.
    #[serde(default)]
    pub pat: Option<String>,
    /// Projects.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Organisation agent pools.
    #[serde(default)]
    pub pools: Vec<Pool>,
    /// Users (graph).
    #[serde(default)]
    pub users: Vec<User>,
    /// Security groups (graph) with their members.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Endpoints the PAT may not call (permission errors).
    #[serde(default)]
    pub deny: Vec<Denial>,
}

/// A refused endpoint: every request whose path contains `path_contains` (and, when given, whose
/// project is `project`) is answered with `status` (401, 403 or 404) and the body ADO sends.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Denial {
    /// Substring of the request path, e.g. `_apis/policy/configurations`.
    pub path_contains: String,
    /// HTTP status to answer.
    #[serde(default = "default_deny_status")]
    pub status: u16,
    /// Limit the denial to one project (name).
    #[serde(default)]
    pub project: Option<String>,
}

fn default_deny_status() -> u16 {
    403
}

/// An Azure DevOps project.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Name.
    pub name: String,
    /// GUID (derived from the name when absent).
    #[serde(default)]
    pub id: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `private` or `public`.
    #[serde(default = "default_private")]
    pub visibility: String,
    /// Last update time (RFC 3339).
    #[serde(default)]
    pub last_update: Option<String>,
    /// Build general settings by their REST names (`enforceJobAuthScope`, …); unset ones are false.
    #[serde(default)]
    pub general_settings: BTreeMap<String, bool>,
    /// Git repositories.
    #[serde(default)]
    pub repos: Vec<Repo>,
    /// Build definitions.
    #[serde(default)]
    pub pipelines: Vec<Pipeline>,
    /// Library variable groups.
    #[serde(default)]
    pub variable_groups: Vec<VariableGroup>,
    /// Library secure files.
    #[serde(default)]
    pub secure_files: Vec<SecureFile>,
    /// Service connections.
    #[serde(default)]
    pub service_connections: Vec<ServiceConnection>,
    /// Agent queues (project view of organisation pools).
    #[serde(default)]
    pub queues: Vec<Queue>,
    /// Pipeline environments.
    #[serde(default)]
    pub environments: Vec<Environment>,
    /// Project teams (names).
    #[serde(default)]
    pub teams: Vec<String>,
}

fn default_private() -> String {
    "private".into()
}

fn default_true() -> bool {
    true
}

/// A Git repository.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repo {
    /// Name.
    pub name: String,
    /// GUID (derived when absent).
    #[serde(default)]
    pub id: Option<String>,
    /// Default branch without `refs/heads/`; `None` for an empty repository.
    #[serde(default)]
    pub default_branch: Option<String>,
    /// GitHub Advanced Security for Azure DevOps enabled.
    #[serde(default)]
    pub advanced_security: bool,
    /// Disabled by an administrator.
    #[serde(default)]
    pub disabled: bool,
    /// Files on the default branch (path → content), e.g. pipeline YAML.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Branch policies on this repository.
    #[serde(default)]
    pub policies: Vec<Policy>,
}

/// Kinds of branch policy the fake knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// Minimum number of reviewers.
    #[default]
    MinReviewers,
    /// Build validation.
    Build,
    /// Comment resolution required.
    CommentRequirements,
    /// Automatically included (required) reviewers.
    RequiredReviewers,
}

/// A branch policy configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Kind.
    pub kind: PolicyKind,
    /// Branch (without `refs/heads/`); the repository's default branch when absent.
    #[serde(default)]
    pub branch: Option<String>,
    /// `Exact` or `Prefix`.
    #[serde(default)]
    pub match_kind: Option<String>,
    /// Enabled.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Blocking (required) rather than optional.
    #[serde(default = "default_true")]
    pub blocking: bool,
    /// `minimumApproverCount`.
    #[serde(default)]
    pub min_approvers: Option<i64>,
    /// `creatorVoteCounts`.
    #[serde(default)]
    pub creator_vote_counts: Option<bool>,
    /// `resetOnSourcePush`.
    #[serde(default)]
    pub reset_on_source_push: Option<bool>,
    /// `blockLastPusherVote`.
    #[serde(default)]
    pub block_last_pusher_vote: Option<bool>,
    /// Build definition id for build validation.
    #[serde(default)]
    pub build_definition_id: Option<i64>,
    /// Display name (build validation).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Required reviewer ids or names.
    #[serde(default)]
    pub required_reviewers: Vec<String>,
}

/// One variable of a group or definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// Value (never served for secrets).
    #[serde(default)]
    pub value: Option<String>,
    /// Secret.
    #[serde(default)]
    pub secret: bool,
    /// Settable at queue time (definition variables).
    #[serde(default)]
    pub allow_override: bool,
}

/// Fork build settings of a pull-request trigger.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forks {
    /// Build pull requests from forks.
    #[serde(default)]
    pub enabled: bool,
    /// Make secrets available to fork builds.
    #[serde(default)]
    pub allow_secrets: bool,
    /// Give fork builds a full-access token.
    #[serde(default)]
    pub allow_full_access_token: bool,
}

/// A build definition (pipeline).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Definition id (unique in the organisation).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Repository name (in the same project).
    pub repo: String,
    /// Folder path (`\` by default).
    #[serde(default)]
    pub folder: Option<String>,
    /// YAML file path in the repository; `None` makes a classic (designer) pipeline.
    #[serde(default)]
    pub yaml: Option<String>,
    /// Classic pipeline task display names.
    #[serde(default)]
    pub classic_tasks: Vec<String>,
    /// Agent queue name.
    #[serde(default)]
    pub queue: Option<String>,
    /// `project` or `projectCollection`.
    #[serde(default)]
    pub job_auth_scope: Option<String>,
    /// CI trigger.
    #[serde(default = "default_true")]
    pub ci: bool,
    /// Pull-request trigger with fork settings.
    #[serde(default)]
    pub forks: Option<Forks>,
    /// Definition variables.
    #[serde(default)]
    pub variables: BTreeMap<String, Variable>,
    /// Linked variable group ids.
    #[serde(default)]
    pub variable_groups: Vec<i64>,
    /// Finish time of the latest build.
    #[serde(default)]
    pub last_run: Option<String>,
}

/// A library variable group.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableGroup {
    /// Id (unique in the organisation).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Linked Azure Key Vault name (makes the group `AzureKeyVault`).
    #[serde(default)]
    pub key_vault: Option<String>,
    /// Variables.
    #[serde(default)]
    pub variables: BTreeMap<String, Variable>,
    /// Other projects the group is shared with.
    #[serde(default)]
    pub shared_with: Vec<String>,
    /// Authorised for all pipelines.
    #[serde(default)]
    pub all_pipelines: bool,
    /// Pipelines explicitly authorised.
    #[serde(default)]
    pub pipelines: Vec<i64>,
    /// Last modification time.
    #[serde(default)]
    pub modified_on: Option<String>,
}

/// A library secure file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecureFile {
    /// Name.
    pub name: String,
    /// GUID (derived when absent).
    #[serde(default)]
    pub id: Option<String>,
    /// Authorised for all pipelines.
    #[serde(default)]
    pub all_pipelines: bool,
    /// Pipelines explicitly authorised.
    #[serde(default)]
    pub pipelines: Vec<i64>,
}

/// A service connection (service endpoint).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConnection {
    /// Name.
    pub name: String,
    /// GUID (derived when absent).
    #[serde(default)]
    pub id: Option<String>,
    /// Endpoint type: `azurerm`, `Azure` (classic), `github`, `dockerregistry`, `Generic`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// `authorization.scheme`: `ServicePrincipal`, `WorkloadIdentityFederation`, `ManagedServiceIdentity`, `Certificate`, `UsernamePassword`, `Token`, …
    pub scheme: String,
    /// `data.scopeLevel` for Azure endpoints.
    #[serde(default)]
    pub scope_level: Option<String>,
    /// `authorization.parameters.authenticationType` (`spnKey`, `spnCertificate`).
    #[serde(default)]
    pub authentication_type: Option<String>,
    /// Projects (names) the connection is shared with.
    #[serde(default)]
    pub shared_with: Vec<String>,
    /// Ready for use.
    #[serde(default = "default_true")]
    pub ready: bool,
    /// Target URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Authorised for all pipelines.
    #[serde(default)]
    pub all_pipelines: bool,
    /// Pipelines explicitly authorised.
    #[serde(default)]
    pub pipelines: Vec<i64>,
}

/// An agent queue of a project.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    /// Queue id (unique in the organisation).
    pub id: i64,
    /// Name (usually the pool's).
    pub name: String,
    /// Pool name.
    pub pool: String,
    /// Authorised for all pipelines.
    #[serde(default)]
    pub all_pipelines: bool,
    /// Pipelines explicitly authorised.
    #[serde(default)]
    pub pipelines: Vec<i64>,
}

/// A check on an environment besides approvals.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// `branch_control`, `exclusive_lock` or `business_hours`.
    pub kind: String,
    /// Allowed branches for branch control (`refs/heads/main`).
    #[serde(default)]
    pub allowed_branches: Option<String>,
}

/// A pipeline environment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Id (unique in the organisation).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Approver user emails or group names (an Approval check when non-empty).
    #[serde(default)]
    pub approvers: Vec<String>,
    /// The requester may not approve.
    #[serde(default)]
    pub requester_cannot_approve: bool,
    /// Other checks.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// Authorised for all pipelines.
    #[serde(default)]
    pub all_pipelines: bool,
    /// Pipelines explicitly authorised.
    #[serde(default)]
    pub pipelines: Vec<i64>,
}

/// An organisation agent pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Microsoft-hosted.
    #[serde(default)]
    pub hosted: bool,
    /// Provisioned into every new project.
    #[serde(default)]
    pub auto_provision: bool,
    /// Agents update themselves.
    #[serde(default = "default_true")]
    pub auto_update: bool,
    /// The organisation default pool.
    #[serde(default)]
    pub is_default: bool,
    /// Agents.
    #[serde(default)]
    pub agents: Vec<Agent>,
}

/// An agent of a pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// OS description.
    #[serde(default)]
    pub os: Option<String>,
    /// `online` or `offline`.
    #[serde(default)]
    pub status: Option<String>,
    /// Enabled.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Agent version.
    #[serde(default)]
    pub version: Option<String>,
}

/// A user (graph).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Display name.
    pub name: String,
    /// Principal name / email.
    pub email: String,
    /// `aad` or `msa` or `vsts`.
    #[serde(default)]
    pub origin: Option<String>,
    /// Guest account.
    #[serde(default)]
    pub guest: bool,
}

/// A security group (graph).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Display name, e.g. `Project Administrators`.
    pub name: String,
    /// Project the group belongs to; `None` for collection-level groups.
    #[serde(default)]
    pub project: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Members: user emails or other group names (`[Project]\Group` or a collection group name).
    #[serde(default)]
    pub members: Vec<String>,
}

impl Scenario {
    /// Parses a scenario from YAML (JSON is valid YAML).
    pub fn from_yaml(text: &str) -> Result<Self, ScenarioError> {
        yaml_serde::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))
    }

    /// Reads a scenario file (YAML or JSON).
    pub fn load(path: &std::path::Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_yaml(&text)
    }

    /// The project called `name` (or with that GUID).
    pub fn project(&self, name_or_id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| {
            p.name.eq_ignore_ascii_case(name_or_id) || p.guid().eq_ignore_ascii_case(name_or_id)
        })
    }

    /// The pool called `name`.
    pub fn pool_by_name(&self, name: &str) -> Option<&Pool> {
        self.pools.iter().find(|p| p.name == name)
    }
}

impl Project {
    /// Project GUID.
    pub fn guid(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| guid(&["project", &self.name]))
    }

    /// The repository called `name` (or with that GUID).
    pub fn repo(&self, name_or_id: &str) -> Option<&Repo> {
        self.repos.iter().find(|r| {
            r.name.eq_ignore_ascii_case(name_or_id)
                || r.guid(&self.name).eq_ignore_ascii_case(name_or_id)
        })
    }
}

impl Repo {
    /// Repository GUID.
    pub fn guid(&self, project: &str) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| guid(&["repo", project, &self.name]))
    }
}

impl SecureFile {
    /// Secure file GUID.
    pub fn guid(&self, project: &str) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| guid(&["securefile", project, &self.name]))
    }
}

impl ServiceConnection {
    /// Endpoint GUID.
    pub fn guid(&self, project: &str) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| guid(&["endpoint", project, &self.name]))
    }
}

/// FNV-1a 64-bit hash of `parts`, each followed by the unit separator `0x1f` (so `["ab"]` and
/// `["a", "b"]` differ). Stable across Rust versions, unlike `DefaultHasher`: the ids, ETags
/// and fault draws of the fakes (and the bundled demo built from them) depend on these values.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h = FnvHasher::default();
    for part in parts {
        h.write(part.as_bytes());
        h.write_u8(0x1f);
    }
    h.finish()
}

/// A deterministic GUID-shaped id derived from `parts`.
pub fn guid(parts: &[&str]) -> String {
    let a = fnv1a(parts);
    let mut salted: Vec<&str> = parts.to_vec();
    salted.push("salt");
    let b = fnv1a(&salted);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        (b >> 52) as u16 & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_values_are_pinned() {
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), 0x089b_e907_b544_fdc9);
        assert_eq!(fnv1a(&["a", "b"]), 0xe8bc_b182_3051_3c4a);
        assert_eq!(fnv1a(&["ab"]), 0xe720_0e19_0542_0ecf);
        assert_eq!(
            guid(&["endpoint", "proj", "conn"]),
            "ababdb5d-0917-419a-a720-3faaa1dd147b"
        );
    }
}
