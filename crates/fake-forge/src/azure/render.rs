//! Rendering scenario objects as Azure DevOps REST JSON, in the shapes of the official examples in
//! `shared/fixtures/azure-devops` (and, for the gaps the fixture MANIFEST lists, the 7.x REST
//! reference: `allPipelines`, `isShared`, secure files, agent pools and queues, environments,
//! build general settings, YAML build definitions, Advanced Security enablement).

use serde_json::{Map, Value, json};

use super::scenario::{
    Agent, Environment, Group, Pipeline, Policy, PolicyKind, Pool, Project, Queue, Repo, Scenario,
    SecureFile, ServiceConnection, User, VariableGroup, guid,
};

/// Fixed timestamp for objects whose scenario gives none.
pub const EPOCH: &str = "2024-01-15T09:30:00.000Z";

/// Policy type GUIDs (the well-known ids of Azure Repos policy types).
pub mod policy_types {
    /// Minimum number of reviewers.
    pub const MIN_REVIEWERS: &str = "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd";
    /// Build validation.
    pub const BUILD: &str = "0609b952-1397-4640-95ec-e00a01b2c241";
    /// Comment requirements.
    pub const COMMENTS: &str = "c6a1889d-b943-4856-b76f-9e46bb6b0df2";
    /// Required reviewers.
    pub const REQUIRED_REVIEWERS: &str = "fd2167ab-b0be-447a-8ec8-39368250530e";
}

/// Rendering context: where the server lives.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    /// Base URL of the fake (`http://127.0.0.1:PORT`).
    pub base: &'a str,
    /// The scenario.
    pub sc: &'a Scenario,
}

impl Ctx<'_> {
    fn org_url(&self) -> String {
        format!("{}/{}", self.base, self.sc.org)
    }

    fn identity(&self, name: &str, email: &str) -> Value {
        let id = guid(&["identity", email]);
        json!({
            "displayName": name,
            "url": format!("{}/_apis/Identities/{id}", self.org_url()),
            "_links": {"avatar": {"href": format!("{}/_apis/GraphProfile/MemberAvatars/aad.{id}", self.org_url())}},
            "id": id,
            "uniqueName": email,
            "imageUrl": format!("{}/_api/_common/identityImage?id={id}", self.org_url()),
            "descriptor": format!("aad.{}", descriptor_body(&["user", email]))
        })
    }

    fn admin(&self) -> Value {
        self.identity("Fabrikam Admin", "admin@fabrikam.example")
    }

    fn project_ref(&self, p: &Project) -> Value {
        json!({
            "id": p.guid(),
            "name": p.name,
            "url": format!("{}/_apis/projects/{}", self.org_url(), p.guid()),
            "state": "wellFormed",
            "revision": 411,
            "visibility": p.visibility,
            "lastUpdateTime": p.last_update.as_deref().unwrap_or(EPOCH),
        })
    }

    /// `GET _apis/projects` item (TeamProjectReference).
    pub fn project(&self, p: &Project) -> Value {
        let mut v = self.project_ref(p);
        if let (Some(d), Some(obj)) = (&p.description, v.as_object_mut()) {
            obj.insert("description".into(), json!(d));
        }
        v
    }

    /// `GET _apis/projects/{id}/teams` item.
    pub fn team(&self, p: &Project, name: &str) -> Value {
        let id = guid(&["team", &p.name, name]);
        json!({
            "id": id,
            "name": name,
            "url": format!("{}/_apis/projects/{}/teams/{id}", self.org_url(), p.guid()),
            "description": format!("{name} team"),
            "identityUrl": format!("{}/_apis/Identities/{id}", self.org_url()),
        })
    }

    /// `GET {project}/_apis/git/repositories` item (GitRepository).
    pub fn repo(&self, p: &Project, r: &Repo) -> Value {
        let id = r.guid(&p.name);
        let mut v = json!({
            "id": id,
            "name": r.name,
            "url": format!("{}/{}/_apis/git/repositories/{id}", self.org_url(), p.guid()),
            "project": self.project_ref(p),
            "size": 1024 * (r.files.len() as u64 + 1),
            "remoteUrl": format!("{}/{}/_git/{}", self.org_url(), p.name, r.name),
            "sshUrl": format!("git@ssh.dev.azure.com:v3/{}/{}/{}", self.sc.org, p.name, r.name),
            "webUrl": format!("{}/{}/_git/{}", self.org_url(), p.name, r.name),
            "isDisabled": r.disabled,
            "isInMaintenance": false,
        });
        if let (Some(b), Some(obj)) = (&r.default_branch, v.as_object_mut()) {
            obj.insert("defaultBranch".into(), json!(format!("refs/heads/{b}")));
        }
        v
    }

    /// `GET {project}/_apis/management/repositories/{repo}/enablement` (AdvSecEnablementStatus).
    pub fn advsec(&self, p: &Project, r: &Repo) -> Value {
        json!({
            "projectId": p.guid(),
            "repositoryId": r.guid(&p.name),
            "advSecEnabled": r.advanced_security,
            "advSecEnablementLastChangedDate": EPOCH,
            "blockPushes": if r.advanced_security { json!(true) } else { Value::Null },
        })
    }

    /// `GET {project}/_apis/git/repositories/{repo}/items?path=…&includeContent=true` (GitItem).
    pub fn item(&self, p: &Project, r: &Repo, path: &str, content: &str) -> Value {
        let object_id = format!("{:016x}", super::scenario::fnv1a(&[content]));
        json!({
            "objectId": format!("{object_id}{object_id}{}", &object_id[..8]),
            "gitObjectType": "blob",
            "commitId": format!("{:016x}{:016x}{:08x}", super::scenario::fnv1a(&[&r.name, "head"]), super::scenario::fnv1a(&[&p.name]), 7u32),
            "path": path,
            "content": content,
            "url": format!("{}/{}/_apis/git/repositories/{}/items?path={}&versionType=Branch&versionOptions=None", self.org_url(), p.guid(), r.guid(&p.name), path),
        })
    }

    /// `GET {project}/_apis/policy/configurations` item (PolicyConfiguration).
    pub fn policy(&self, p: &Project, r: &Repo, pol: &Policy, id: i64) -> Value {
        let branch = pol
            .branch
            .clone()
            .or_else(|| r.default_branch.clone())
            .unwrap_or_else(|| "main".into());
        let ref_name = if branch.starts_with("refs/") {
            branch
        } else {
            format!("refs/heads/{branch}")
        };
        let scope = json!([{
            "refName": ref_name,
            "matchKind": pol.match_kind.as_deref().unwrap_or("Exact"),
            "repositoryId": r.guid(&p.name),
        }]);
        let (type_id, type_name, mut settings) = match pol.kind {
            PolicyKind::MinReviewers => {
                let mut s = Map::new();
                s.insert(
                    "minimumApproverCount".into(),
                    json!(pol.min_approvers.unwrap_or(1)),
                );
                s.insert(
                    "creatorVoteCounts".into(),
                    json!(pol.creator_vote_counts.unwrap_or(false)),
                );
                s.insert("allowDownvotes".into(), json!(false));
                s.insert(
                    "resetOnSourcePush".into(),
                    json!(pol.reset_on_source_push.unwrap_or(false)),
                );
                s.insert("requireVoteOnLastIteration".into(), json!(false));
                s.insert("resetRejectionsOnSourcePush".into(), json!(false));
                s.insert(
                    "blockLastPusherVote".into(),
                    json!(pol.block_last_pusher_vote.unwrap_or(false)),
                );
                (
                    policy_types::MIN_REVIEWERS,
                    "Minimum number of reviewers",
                    s,
                )
            }
            PolicyKind::Build => {
                let mut s = Map::new();
                s.insert(
                    "buildDefinitionId".into(),
                    json!(pol.build_definition_id.unwrap_or(1)),
                );
                s.insert("queueOnSourceUpdateOnly".into(), json!(true));
                s.insert("manualQueueOnly".into(), json!(false));
                s.insert("displayName".into(), json!(pol.display_name));
                s.insert("validDuration".into(), json!(720.0));
                (policy_types::BUILD, "Build", s)
            }
            PolicyKind::CommentRequirements => {
                (policy_types::COMMENTS, "Comment requirements", Map::new())
            }
            PolicyKind::RequiredReviewers => {
                let mut s = Map::new();
                let ids: Vec<String> = pol
                    .required_reviewers
                    .iter()
                    .map(|n| guid(&["identity", n]))
                    .collect();
                s.insert("requiredReviewerIds".into(), json!(ids));
                s.insert("minimumApproverCount".into(), json!(1));
                s.insert("creatorVoteCounts".into(), json!(false));
                s.insert("message".into(), Value::Null);
                (policy_types::REQUIRED_REVIEWERS, "Required reviewers", s)
            }
        };
        settings.insert("scope".into(), scope);
        let type_url = format!(
            "{}/{}/_apis/policy/types/{type_id}",
            self.org_url(),
            p.guid()
        );
        let url = format!(
            "{}/{}/_apis/policy/configurations/{id}",
            self.org_url(),
            p.guid()
        );
        json!({
            "createdBy": self.admin(),
            "createdDate": EPOCH,
            "isEnabled": pol.enabled,
            "isBlocking": pol.blocking,
            "isDeleted": false,
            "settings": settings,
            "isEnterpriseManaged": false,
            "_links": {"self": {"href": url}, "policyType": {"href": type_url}},
            "revision": 1,
            "id": id,
            "url": url,
            "type": {"id": type_id, "url": type_url, "displayName": type_name},
        })
    }

    fn queue_ref(&self, q: Option<&Queue>, name: Option<&str>) -> Value {
        let Some(q) = q else {
            return match name {
                Some(n) => json!({"id": 0, "name": n, "pool": Value::Null}),
                None => Value::Null,
            };
        };
        let pool = self.sc.pool_by_name(&q.pool);
        json!({
            "_links": {"self": {"href": format!("{}/_apis/build/Queues/{}", self.org_url(), q.id)}},
            "id": q.id,
            "name": q.name,
            "url": format!("{}/_apis/build/Queues/{}", self.org_url(), q.id),
            "pool": {
                "id": pool.map(|p| p.id).unwrap_or(0),
                "name": q.pool,
                "isHosted": pool.map(|p| p.hosted).unwrap_or(false),
            },
        })
    }

    /// Shallow build definition reference (`GET build/definitions` without `includeAllProperties`).
    pub fn definition_ref(&self, p: &Project, d: &Pipeline) -> Value {
        let url = format!(
            "{}/{}/_apis/build/Definitions/{}?revision=1",
            self.org_url(),
            p.guid(),
            d.id
        );
        json!({
            "_links": {
                "self": {"href": url},
                "web": {"href": format!("{}/{}/_build/definition?definitionId={}", self.org_url(), p.guid(), d.id)},
            },
            "quality": "definition",
            "authoredBy": self.admin(),
            "drafts": [],
            "queue": self.queue_ref(d.queue.as_deref().and_then(|n| p.queues.iter().find(|q| q.name == n)), d.queue.as_deref()),
            "id": d.id,
            "name": d.name,
            "url": url,
            "uri": format!("vstfs:///Build/Definition/{}", d.id),
            "path": d.folder.as_deref().unwrap_or("\\"),
            "type": "build",
            "queueStatus": "enabled",
            "revision": 1,
            "createdDate": EPOCH,
            "project": self.project_ref(p),
        })
    }

    /// Full build definition (`includeAllProperties=true` or `GET build/definitions/{id}`).
    pub fn definition(&self, p: &Project, d: &Pipeline, latest: bool) -> Value {
        let mut v = self.definition_ref(p, d);
        let repo = p.repo(&d.repo);
        let mut triggers = Vec::new();
        if d.ci {
            triggers.push(json!({
                "branchFilters": [], "pathFilters": [], "settingsSourceType": 2,
                "batchChanges": false, "maxConcurrentBuildsPerBranch": 1,
                "triggerType": "continuousIntegration"
            }));
        }
        if let Some(f) = &d.forks {
            triggers.push(json!({
                "settingsSourceType": 2,
                "branchFilters": ["+*"],
                "forks": {"enabled": f.enabled, "allowSecrets": f.allow_secrets, "allowFullAccessToken": f.allow_full_access_token},
                "pathFilters": [],
                "requireCommentsForNonTeamMembersOnly": false,
                "requireCommentsForNonTeamMemberAndNonContributors": false,
                "isCommentRequiredForPullRequest": false,
                "triggerType": "pullRequest"
            }));
        }
        let mut variables = Map::new();
        for (name, var) in &d.variables {
            let mut o = Map::new();
            o.insert(
                "value".into(),
                if var.secret {
                    Value::Null
                } else {
                    json!(var.value)
                },
            );
            if var.secret {
                o.insert("isSecret".into(), json!(true));
            }
            if var.allow_override {
                o.insert("allowOverride".into(), json!(true));
            }
            variables.insert(name.clone(), Value::Object(o));
        }
        let process = match &d.yaml {
            Some(file) => json!({"yamlFilename": file, "type": 2}),
            None => json!({
                "phases": [{
                    "steps": d.classic_tasks.iter().map(|t| json!({
                        "environment": {}, "enabled": true, "continueOnError": false, "alwaysRun": false,
                        "displayName": t, "timeoutInMinutes": 0, "condition": "succeeded()",
                        "task": {"id": guid(&["task", t]), "versionSpec": "2.*", "definitionType": "task"},
                        "inputs": {}
                    })).collect::<Vec<_>>(),
                    "name": "Agent job 1", "refName": "Job_1", "condition": "succeeded()",
                    "target": {"executionOptions": {"type": 0}, "allowScriptsAuthAccessOption": false, "type": 1},
                    "jobAuthorizationScope": d.job_auth_scope.as_deref().unwrap_or("projectCollection"),
                }],
                "type": 1
            }),
        };
        let repository = match repo {
            Some(r) => json!({
                "properties": {"cleanOptions": "0", "labelSources": "0", "reportBuildStatus": "true"},
                "id": r.guid(&p.name),
                "type": "TfsGit",
                "name": r.name,
                "url": format!("{}/{}/_git/{}", self.org_url(), p.name, r.name),
                "defaultBranch": format!("refs/heads/{}", r.default_branch.as_deref().unwrap_or("main")),
                "clean": Value::Null,
                "checkoutSubmodules": false
            }),
            None => Value::Null,
        };
        let groups: Vec<Value> = d
            .variable_groups
            .iter()
            .filter_map(|id| p.variable_groups.iter().find(|g| g.id == *id))
            .map(|g| json!({"variables": {}, "type": "Vsts", "name": g.name, "id": g.id}))
            .collect();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("triggers".into(), json!(triggers));
            obj.insert("variables".into(), Value::Object(variables));
            obj.insert("variableGroups".into(), json!(groups));
            obj.insert("properties".into(), json!({}));
            obj.insert("tags".into(), json!([]));
            obj.insert(
                "jobAuthorizationScope".into(),
                json!(d.job_auth_scope.as_deref().unwrap_or("project")),
            );
            obj.insert("jobTimeoutInMinutes".into(), json!(60));
            obj.insert("jobCancelTimeoutInMinutes".into(), json!(5));
            obj.insert("process".into(), process);
            obj.insert("repository".into(), repository);
            obj.insert("processParameters".into(), json!({}));
            if latest && let Some(t) = &d.last_run {
                obj.insert(
                    "latestBuild".into(),
                    json!({"id": d.id * 100, "buildNumber": "20240115.1", "status": "completed", "result": "succeeded", "finishTime": t}),
                );
            }
        }
        v
    }

    /// `GET {project}/_apis/build/generalsettings` (PipelineGeneralSettings).
    pub fn general_settings(&self, p: &Project) -> Value {
        const KEYS: &[&str] = &[
            "enforceReferencedRepoScopedToken",
            "disableClassicPipelineCreation",
            "disableClassicBuildPipelineCreation",
            "disableClassicReleasePipelineCreation",
            "forkProtectionEnabled",
            "buildsEnabledForForks",
            "enforceJobAuthScopeForForks",
            "enforceNoAccessToSecretsFromForks",
            "isCommentRequiredForPullRequest",
            "requireCommentsForNonTeamMembersOnly",
            "requireCommentsForNonTeamMemberAndNonContributors",
            "enableShellTasksArgsSanitizing",
            "enableShellTasksArgsSanitizingAudit",
            "disableImpliedYAMLCiTrigger",
            "statusBadgesArePrivate",
            "enforceSettableVar",
            "enforceJobAuthScope",
            "enforceJobAuthScopeForReleases",
            "publishPipelineMetadata",
        ];
        let mut m = Map::new();
        for k in KEYS {
            m.insert(
                (*k).into(),
                json!(p.general_settings.get(*k).copied().unwrap_or(false)),
            );
        }
        for (k, v) in &p.general_settings {
            m.entry(k.clone()).or_insert(json!(v));
        }
        Value::Object(m)
    }

    fn project_refs(&self, owner: &Project, name: &str, shared: &[String]) -> Value {
        let mut refs = vec![json!({
            "projectReference": {"id": owner.guid(), "name": owner.name},
            "name": name,
        })];
        for s in shared {
            let id = self
                .sc
                .project(s)
                .map(Project::guid)
                .unwrap_or_else(|| guid(&["project", s]));
            refs.push(json!({"projectReference": {"id": id, "name": s}, "name": name}));
        }
        json!(refs)
    }

    /// `GET {project}/_apis/distributedtask/variablegroups` item (VariableGroup, 7.x).
    pub fn variable_group(&self, p: &Project, g: &VariableGroup) -> Value {
        let mut vars = Map::new();
        for (name, var) in &g.variables {
            let mut o = Map::new();
            if g.key_vault.is_some() {
                o.insert("enabled".into(), json!(true));
                o.insert("contentType".into(), json!(""));
                o.insert("expires".into(), Value::Null);
                o.insert("isSecret".into(), json!(true));
                o.insert("value".into(), Value::Null);
            } else if var.secret {
                o.insert("value".into(), Value::Null);
                o.insert("isSecret".into(), json!(true));
            } else {
                o.insert("value".into(), json!(var.value));
            }
            vars.insert(name.clone(), Value::Object(o));
        }
        let modified = g.modified_on.as_deref().unwrap_or(EPOCH);
        let mut v = json!({
            "variables": vars,
            "id": g.id,
            "type": if g.key_vault.is_some() { "AzureKeyVault" } else { "Vsts" },
            "name": g.name,
            "description": g.description.as_deref().unwrap_or(""),
            "createdBy": self.admin(),
            "createdOn": EPOCH,
            "modifiedBy": self.admin(),
            "modifiedOn": modified,
            "isShared": !g.shared_with.is_empty(),
            "variableGroupProjectReferences": self.project_refs(p, &g.name, &g.shared_with),
        });
        if let (Some(vault), Some(obj)) = (&g.key_vault, v.as_object_mut()) {
            obj.insert(
                "providerData".into(),
                json!({"serviceEndpointId": guid(&["kv-endpoint", vault]), "vault": vault, "lastRefreshedOn": modified}),
            );
        }
        v
    }

    /// `GET {project}/_apis/distributedtask/securefiles` item (SecureFile).
    pub fn secure_file(&self, p: &Project, f: &SecureFile) -> Value {
        json!({
            "id": f.guid(&p.name),
            "name": f.name,
            "createdBy": self.admin(),
            "createdOn": EPOCH,
            "modifiedBy": self.admin(),
            "modifiedOn": EPOCH,
            "properties": {},
        })
    }

    /// `GET {project}/_apis/serviceendpoint/endpoints` item (ServiceEndpoint).
    pub fn endpoint(&self, p: &Project, e: &ServiceConnection) -> Value {
        let mut data = Map::new();
        let mut params = Map::new();
        let azure = e.kind.eq_ignore_ascii_case("azurerm") || e.kind.eq_ignore_ascii_case("azure");
        if azure {
            data.insert("subscriptionId".into(), json!(guid(&["sub", &e.name])));
            data.insert(
                "subscriptionName".into(),
                json!(format!("{} subscription", e.name)),
            );
            data.insert("environment".into(), json!("AzureCloud"));
            if let Some(s) = &e.scope_level {
                data.insert("scopeLevel".into(), json!(s));
            }
            data.insert("creationMode".into(), json!("Manual"));
            params.insert("tenantid".into(), json!(guid(&["tenant", &self.sc.org])));
        }
        match e.scheme.as_str() {
            "ServicePrincipal" => {
                params.insert("serviceprincipalid".into(), json!(guid(&["spn", &e.name])));
                params.insert(
                    "authenticationType".into(),
                    json!(e.authentication_type.as_deref().unwrap_or("spnKey")),
                );
                params.insert("serviceprincipalkey".into(), Value::Null);
            }
            "WorkloadIdentityFederation" => {
                params.insert("serviceprincipalid".into(), json!(guid(&["spn", &e.name])));
                params.insert(
                    "workloadIdentityFederationIssuer".into(),
                    json!(format!(
                        "https://vstoken.dev.azure.com/{}",
                        guid(&["org", &self.sc.org])
                    )),
                );
                params.insert(
                    "workloadIdentityFederationSubject".into(),
                    json!(format!("sc://{}/{}/{}", self.sc.org, p.name, e.name)),
                );
            }
            "UsernamePassword" => {
                params.insert("username".into(), json!("svc-user"));
            }
            _ => {}
        }
        let url = e.url.clone().unwrap_or_else(|| {
            if e.kind.eq_ignore_ascii_case("azurerm") {
                "https://management.azure.com/".into()
            } else if azure {
                "https://management.core.windows.net/".into()
            } else if e.kind.eq_ignore_ascii_case("github") {
                "https://github.com".into()
            } else {
                "https://myserver".into()
            }
        });
        let mut auth = Map::new();
        if !params.is_empty() {
            auth.insert("parameters".into(), Value::Object(params));
        }
        auth.insert("scheme".into(), json!(e.scheme));
        json!({
            "data": data,
            "id": e.guid(&p.name),
            "name": e.name,
            "type": e.kind,
            "url": url,
            "createdBy": self.admin(),
            "description": "",
            "authorization": auth,
            "isShared": !e.shared_with.is_empty(),
            "isReady": e.ready,
            "owner": "Library",
            "serviceEndpointProjectReferences": self.project_refs(p, &e.name, &e.shared_with),
        })
    }

    fn pool_ref(&self, pool: Option<&Pool>, name: &str) -> Value {
        json!({
            "id": pool.map(|p| p.id).unwrap_or(0),
            "scope": guid(&["pool-scope", &self.sc.org]),
            "name": name,
            "isHosted": pool.map(|p| p.hosted).unwrap_or(false),
            "poolType": "automation",
            "size": pool.map(|p| p.agents.len()).unwrap_or(0),
            "isLegacy": false,
            "options": "none",
        })
    }

    /// `GET {project}/_apis/distributedtask/queues` item (TaskAgentQueue).
    pub fn queue(&self, p: &Project, q: &Queue) -> Value {
        json!({
            "id": q.id,
            "projectId": p.guid(),
            "name": q.name,
            "pool": self.pool_ref(self.sc.pool_by_name(&q.pool), &q.pool),
        })
    }

    /// `GET _apis/distributedtask/pools` item (TaskAgentPool).
    pub fn pool(&self, pool: &Pool) -> Value {
        let mut v = self.pool_ref(Some(pool), &pool.name);
        if let Some(obj) = v.as_object_mut() {
            obj.insert("createdOn".into(), json!(EPOCH));
            obj.insert("autoProvision".into(), json!(pool.auto_provision));
            obj.insert("autoUpdate".into(), json!(pool.auto_update));
            obj.insert("autoSize".into(), json!(true));
            obj.insert("targetSize".into(), Value::Null);
            obj.insert(
                "agentCloudId".into(),
                if pool.hosted { json!(1) } else { Value::Null },
            );
            obj.insert("createdBy".into(), self.admin());
            obj.insert("owner".into(), self.admin());
            obj.insert("isDefault".into(), json!(pool.is_default));
        }
        v
    }

    /// `GET _apis/distributedtask/pools/{id}/agents` item (TaskAgent).
    pub fn agent(&self, pool: &Pool, a: &Agent) -> Value {
        json!({
            "_links": {
                "self": {"href": format!("{}/_apis/distributedtask/pools/{}/agents/{}", self.org_url(), pool.id, a.id)},
                "web": {"href": format!("{}/_admin/_AgentPool#_a=agents&poolId={}&agentId={}", self.org_url(), pool.id, a.id)},
            },
            "maxParallelism": 1,
            "createdOn": EPOCH,
            "id": a.id,
            "name": a.name,
            "version": a.version.as_deref().unwrap_or("3.248.0"),
            "osDescription": a.os.as_deref().unwrap_or("Linux 6.8.0-1017-azure #20-Ubuntu SMP"),
            "enabled": a.enabled,
            "status": a.status.as_deref().unwrap_or("online"),
            "provisioningState": "Provisioned",
            "accessPoint": "CodexAccessMapping",
        })
    }

    /// `GET {project}/_apis/pipelines/environments` item (EnvironmentInstance).
    pub fn environment(&self, p: &Project, e: &Environment) -> Value {
        json!({
            "id": e.id,
            "name": e.name,
            "description": "",
            "createdBy": {"id": guid(&["identity", "admin@fabrikam.example"])},
            "createdOn": EPOCH,
            "lastModifiedBy": {"id": guid(&["identity", "admin@fabrikam.example"])},
            "lastModifiedOn": EPOCH,
            "project": {"id": p.guid()},
        })
    }

    fn check(
        &self,
        p: &Project,
        id: i64,
        type_id: &str,
        type_name: &str,
        resource: Value,
        settings: Option<Value>,
    ) -> Value {
        let url = format!(
            "{}/{}/_apis/pipelines/checks/configurations/{id}",
            self.org_url(),
            p.guid()
        );
        let mut v = json!({
            "createdBy": self.admin(), "createdOn": EPOCH,
            "modifiedBy": self.admin(), "modifiedOn": EPOCH,
            "timeout": 43200,
            "_links": {"self": {"href": url}},
            "id": id,
            "type": {"id": type_id, "name": type_name},
            "url": url,
            "resource": resource,
        });
        if let (Some(s), Some(obj)) = (settings, v.as_object_mut()) {
            obj.insert("settings".into(), s);
        }
        v
    }

    /// Check configurations on an environment (`pipelines/checks/configurations`).
    pub fn environment_checks(&self, p: &Project, e: &Environment, expand: bool) -> Vec<Value> {
        let resource = json!({"type": "environment", "id": e.id.to_string(), "name": e.name});
        let mut out = Vec::new();
        let base_id = e.id * 100;
        if !e.approvers.is_empty() {
            let approvers: Vec<Value> = e
                .approvers
                .iter()
                .map(|a| {
                    let user = self.sc.users.iter().find(|u| &u.email == a);
                    let mut v = self.identity(user.map(|u| u.name.as_str()).unwrap_or(a), a);
                    if let Some(obj) = v.as_object_mut() {
                        obj.remove("_links");
                        obj.remove("url");
                        obj.remove("imageUrl");
                    }
                    v
                })
                .collect();
            let settings = json!({
                "approvers": approvers,
                "executionOrder": "anyOrder",
                "minRequiredApprovers": 0,
                "instructions": "",
                "blockedApprovers": [],
                "requesterCannotBeApprover": e.requester_cannot_approve,
            });
            out.push(self.check(
                p,
                base_id + 1,
                "8c6f20a7-a545-4486-9777-f762fafe0d4d",
                "Approval",
                resource.clone(),
                expand.then_some(settings),
            ));
        }
        for (i, c) in e.checks.iter().enumerate() {
            let id = base_id + 2 + i as i64;
            let (type_id, type_name, settings) = match c.kind.as_str() {
                "exclusive_lock" => (
                    "2ef31ad6-baa0-403a-8b45-2cbc9b4e5563",
                    "ExclusiveLock",
                    json!({}),
                ),
                "business_hours" => (
                    "fe1de3ee-a436-41b4-bb20-f6eb4cb879a7",
                    "Task Check",
                    json!({
                        "definitionRef": {"id": "445fde2f-6c39-441c-807f-8a59ff2e075f", "name": "evaluateBusinessHours", "version": "0.0.1"},
                        "displayName": "Business Hours",
                        "inputs": {"businessDays": "Monday,Tuesday,Wednesday,Thursday,Friday", "timeZone": "UTC", "startTime": "04:00", "endTime": "11:00"},
                        "retryInterval": 5,
                    }),
                ),
                _ => (
                    "fe1de3ee-a436-41b4-bb20-f6eb4cb879a7",
                    "Task Check",
                    json!({
                        "definitionRef": {"id": "86b05a0c-73e6-4f7d-b3cf-e38f3b39a75b", "name": "evaluatebranchProtection", "version": "0.0.1"},
                        "displayName": "Branch control",
                        "inputs": {
                            "allowedBranches": c.allowed_branches.as_deref().unwrap_or("refs/heads/main"),
                            "ensureProtectionOfBranch": "true",
                            "allowUnknownStatusBranch": "false",
                        },
                        "retryInterval": 5,
                    }),
                ),
            };
            out.push(self.check(
                p,
                id,
                type_id,
                type_name,
                resource.clone(),
                expand.then_some(settings),
            ));
        }
        out
    }

    /// `GET {project}/_apis/pipelines/pipelinepermissions/{type}/{id}` (ResourcePipelinePermissions).
    pub fn pipeline_permissions(
        &self,
        rtype: &str,
        rid: &str,
        all: bool,
        pipelines: &[i64],
    ) -> Value {
        let by = json!({
            "displayName": "Fabrikam Admin",
            "id": guid(&["identity", "admin@fabrikam.example"]),
            "uniqueName": "admin@fabrikam.example",
            "descriptor": format!("aad.{}", descriptor_body(&["user", "admin@fabrikam.example"])),
        });
        let mut v = json!({
            "resource": {"type": rtype, "id": rid},
            "pipelines": pipelines.iter().map(|id| json!({
                "id": id, "authorized": true, "authorizedBy": by, "authorizedOn": EPOCH,
            })).collect::<Vec<_>>(),
        });
        if all && let Some(obj) = v.as_object_mut() {
            obj.insert(
                "allPipelines".into(),
                json!({"authorized": true, "authorizedBy": by, "authorizedOn": EPOCH}),
            );
        }
        v
    }

    /// Graph user (GraphUser).
    pub fn graph_user(&self, u: &User) -> Value {
        let desc = format!("aad.{}", descriptor_body(&["user", &u.email]));
        let href = |kind: &str| format!("{}/_apis/Graph/{kind}/{desc}", self.org_url());
        json!({
            "subjectKind": "user",
            "metaType": if u.guest { "guest" } else { "member" },
            "domain": guid(&["tenant", &self.sc.org]),
            "principalName": u.email,
            "mailAddress": u.email,
            "origin": u.origin.as_deref().unwrap_or("aad"),
            "originId": guid(&["origin", &u.email]),
            "displayName": u.name,
            "_links": {
                "self": {"href": href("Users")},
                "memberships": {"href": href("Memberships")},
                "membershipState": {"href": href("MembershipStates")},
                "storageKey": {"href": href("StorageKeys")},
                "avatar": {"href": format!("{}/_apis/GraphProfile/MemberAvatars/{desc}", self.org_url())},
            },
            "url": href("Users"),
            "descriptor": desc,
        })
    }

    /// The principal name of a group: `[Project]\Name` or `[org]\Name`.
    pub fn group_principal(&self, g: &Group) -> String {
        format!(
            "[{}]\\{}",
            g.project.as_deref().unwrap_or(&self.sc.org),
            g.name
        )
    }

    /// Graph group (GraphGroup).
    pub fn graph_group(&self, g: &Group) -> Value {
        let principal = self.group_principal(g);
        let desc = group_descriptor(&principal);
        let href = |kind: &str| format!("{}/_apis/Graph/{kind}/{desc}", self.org_url());
        let domain = match g.project.as_deref().and_then(|n| self.sc.project(n)) {
            Some(p) => format!("vstfs:///Classification/TeamProject/{}", p.guid()),
            None => format!(
                "vstfs:///Framework/IdentityDomain/{}",
                guid(&["collection", &self.sc.org])
            ),
        };
        json!({
            "subjectKind": "group",
            "description": g.description.clone().unwrap_or_else(|| format!("Members of this group are {}.", g.name)),
            "domain": domain,
            "principalName": principal,
            "mailAddress": Value::Null,
            "origin": "vsts",
            "originId": guid(&["group-origin", &principal]),
            "displayName": g.name,
            "_links": {
                "self": {"href": href("Groups")},
                "memberships": {"href": href("Memberships")},
                "membershipState": {"href": href("MembershipStates")},
                "storageKey": {"href": href("StorageKeys")},
            },
            "url": href("Groups"),
            "descriptor": desc,
        })
    }

    /// Memberships of a group, direction Down (GraphMembership list).
    pub fn memberships_down(&self, g: &Group) -> Vec<Value> {
        let container = group_descriptor(&self.group_principal(g));
        g.members
            .iter()
            .map(|m| {
                let member = if m.contains('@') {
                    format!("aad.{}", descriptor_body(&["user", m]))
                } else if m.starts_with('[') {
                    group_descriptor(m)
                } else {
                    group_descriptor(&format!("[{}]\\{m}", self.sc.org))
                };
                json!({
                    "containerDescriptor": container,
                    "memberDescriptor": member,
                    "_links": {
                        "container": {"href": format!("{}/_apis/Graph/Subjects/{container}", self.org_url())},
                        "member": {"href": format!("{}/_apis/Graph/Subjects/{member}", self.org_url())},
                    },
                })
            })
            .collect()
    }
}

/// The opaque body of a descriptor derived from `parts`.
pub fn descriptor_body(parts: &[&str]) -> String {
    let a = super::scenario::fnv1a(parts);
    let mut salted = parts.to_vec();
    salted.push("d");
    let b = super::scenario::fnv1a(&salted);
    format!("{a:016x}{b:016x}")
}

/// The descriptor of a group given its principal name.
pub fn group_descriptor(principal: &str) -> String {
    format!("vssgp.{}", descriptor_body(&["group", principal]))
}
