//! Unit tests of the fake over HTTP: response shapes against the official examples, paging,
//! authentication and error bodies, throttling headers, ETags, truncation.

use serde_json::Value;

use super::scenario::Denial;
use super::{AzureFake, Faults, ServerConfig, rules_scenario, synthetic};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/azure-devops"
);
const PAT: &str = "fake-pat-not-a-secret";

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn get(fake: &AzureFake, path: &str, pat: Option<&str>) -> reqwest::Response {
    let mut req = client().get(format!("{}{path}", fake.base_url()));
    if let Some(p) = pat {
        req = req.basic_auth("", Some(p));
    }
    req.send().await.expect("request")
}

async fn json(fake: &AzureFake, path: &str) -> Value {
    let r = get(fake, path, Some(PAT)).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.expect("json")
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture readable");
    serde_json::from_str(&text).expect("fixture parses")
}

/// Every key of the fixture object is present in the rendered object.
fn assert_keys(what: &str, fixture: &Value, rendered: &Value) {
    let (Some(f), Some(r)) = (fixture.as_object(), rendered.as_object()) else {
        panic!("{what}: not objects");
    };
    let missing: Vec<&String> = f.keys().filter(|k| !r.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "{what}: rendered object lacks {missing:?}: {rendered:#}"
    );
}

fn first(v: &Value) -> &Value {
    &v["value"][0]
}

async fn rules_fake(config: ServerConfig) -> AzureFake {
    AzureFake::start(rules_scenario().expect("rules scenario"), config)
        .await
        .expect("starts")
}

#[tokio::test]
async fn shapes_match_the_official_examples() {
    let fake = rules_fake(ServerConfig::default()).await;
    let projects = json(&fake, "/fabrikam/_apis/projects").await;
    assert_keys(
        "project",
        first(&fixture("GET_{organization}__apis_projects.json")),
        first(&projects),
    );
    let pid = first(&projects)["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let teams = json(&fake, &format!("/fabrikam/_apis/projects/{pid}/teams")).await;
    assert_keys(
        "team",
        first(&fixture(
            "GET_{organization}__apis_projects_{projectId}_teams.json",
        )),
        first(&teams),
    );
    let repos = json(&fake, "/fabrikam/secure/_apis/git/repositories").await;
    assert_keys(
        "repository",
        &fixture("GET_{organization}_{project}__apis_git_repositories.json")["value"][1],
        first(&repos),
    );
    let pols = json(&fake, "/fabrikam/secure/_apis/policy/configurations").await;
    assert_keys(
        "policy",
        first(&fixture(
            "GET_{organization}_{project}__apis_policy_configurations.json",
        )),
        first(&pols),
    );
    let vgs = json(
        &fake,
        "/fabrikam/secure/_apis/distributedtask/variablegroups",
    )
    .await;
    assert_keys(
        "variable group",
        &fixture(
            "GET_{organization}_{project}__apis_distributedtask_variablegroups_{groupId}.json",
        ),
        first(&vgs),
    );
    let eps = json(&fake, "/fabrikam/secure/_apis/serviceendpoint/endpoints").await;
    assert_keys(
        "endpoint",
        first(&fixture(
            "GET_{organization}_{project}__apis_serviceendpoint_endpoints__type-Generic.json",
        )),
        first(&eps),
    );
    let perms = json(
        &fake,
        "/fabrikam/secure/_apis/pipelines/pipelinepermissions/queue/102",
    )
    .await;
    assert_keys(
        "pipeline permissions",
        &fixture(
            "GET_{organization}_{project}__apis_pipelines_pipelinepermissions_{resourceType}_{resourceId}.json",
        ),
        &perms,
    );
    assert_keys(
        "permitted pipeline",
        &fixture(
            "GET_{organization}_{project}__apis_pipelines_pipelinepermissions_{resourceType}_{resourceId}.json",
        )["pipelines"][0],
        &perms["pipelines"][0],
    );
    let checks = json(&fake, "/fabrikam/secure/_apis/pipelines/checks/configurations?resourceType=environment&resourceId=1").await;
    assert_keys(
        "check",
        first(&fixture(
            "GET_{organization}_{project}__apis_pipelines_checks_configurations.json",
        )),
        first(&checks),
    );
    assert!(
        first(&checks).get("settings").is_none(),
        "settings only with $expand"
    );
    let users = json(&fake, "/fabrikam/_apis/graph/users").await;
    assert_keys(
        "graph user",
        &fixture("GET_vssps_{organization}__apis_graph_users.json")["value"][1],
        first(&users),
    );
    let groups = json(&fake, "/fabrikam/_apis/graph/groups").await;
    assert_keys(
        "graph group",
        first(&fixture("GET_vssps_{organization}__apis_graph_groups.json")),
        first(&groups),
    );
    let desc = first(&groups)["descriptor"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let members = json(
        &fake,
        &format!("/fabrikam/_apis/graph/memberships/{desc}?direction=Down"),
    )
    .await;
    assert_keys(
        "membership",
        first(&fixture(
            "GET_vssps_{organization}__apis_graph_memberships_{subjectDescriptor}__direction-Down.json",
        )),
        first(&members),
    );
    let agents = json(&fake, "/fabrikam/_apis/distributedtask/pools/1/agents").await;
    assert_keys(
        "agent",
        &first(&fixture(
            "GET_{organization}_{project}__apis_distributedtask_deploymentgroups_{deploymentGroupId}_targets.json",
        ))["agent"],
        first(&agents),
    );
    // Gaps the fixtures do not cover, in the 7.x shapes.
    let all = json(
        &fake,
        "/fabrikam/legacy/_apis/pipelines/pipelinepermissions/queue/201",
    )
    .await;
    assert_eq!(all["allPipelines"]["authorized"], true);
    assert_eq!(first(&vgs)["isShared"], false);
    let defs = json(
        &fake,
        "/fabrikam/secure/_apis/build/definitions?includeAllProperties=true",
    )
    .await;
    assert_eq!(
        first(&defs)["process"]["yamlFilename"],
        "azure-pipelines.yml"
    );
    assert_eq!(first(&defs)["triggers"][1]["forks"]["allowSecrets"], false);
    let legacy_def = json(&fake, "/fabrikam/legacy/_apis/build/definitions/22").await;
    assert_eq!(legacy_def["process"]["type"], 1);
    assert_keys(
        "legacy definition core",
        &serde_json::json!({"jobAuthorizationScope": 0, "repository": 0, "queue": 0, "variables": 0, "_links": 0, "uri": 0, "type": 0, "revision": 0, "project": 0}),
        &legacy_def,
    );
    let settings = json(&fake, "/fabrikam/legacy/_apis/build/generalsettings").await;
    assert_eq!(settings["enforceSettableVar"], false);
    assert_eq!(settings["statusBadgesArePrivate"], false);
    let adv = json(
        &fake,
        &format!(
            "/fabrikam/secure/_apis/management/repositories/{}/enablement",
            first(&repos)["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert!(adv["advSecEnabled"].is_boolean());
    let item = json(&fake, &format!("/fabrikam/secure/_apis/git/repositories/{}/items?path=/azure-pipelines.yml&includeContent=true", first(&repos)["id"].as_str().unwrap_or_default())).await;
    assert!(
        item["content"]
            .as_str()
            .is_some_and(|c| c.contains("trigger"))
    );
}

#[tokio::test]
async fn paging_with_top_and_continuation_header() {
    let fake = AzureFake::start(synthetic("contoso", 5, 1), ServerConfig::default())
        .await
        .expect("starts");
    let mut seen = 0;
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &token {
            Some(t) => format!("/contoso/_apis/projects?$top=2&continuationToken={t}"),
            None => "/contoso/_apis/projects?$top=2".into(),
        };
        let r = get(&fake, &path, Some("x")).await;
        let next = r
            .headers()
            .get("x-ms-continuationtoken")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body: Value = r.json().await.expect("json");
        seen += body["count"].as_u64().unwrap_or(0);
        pages += 1;
        match next {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!((seen, pages), (5, 3));
    assert_eq!(fake.counters().by_endpoint().get("projects"), Some(&3));
}

#[tokio::test]
async fn authentication_and_denials() {
    let mut sc = rules_scenario().expect("rules scenario");
    sc.deny.push(Denial {
        path_contains: "_apis/build/generalsettings".into(),
        status: 403,
        project: Some("secure".into()),
    });
    let fake = AzureFake::start(sc, ServerConfig::default())
        .await
        .expect("starts");
    let none = get(&fake, "/fabrikam/_apis/projects", None).await;
    assert_eq!(none.status(), 203);
    assert!(none.text().await.unwrap_or_default().contains("Sign In"));
    let wrong = get(&fake, "/fabrikam/_apis/projects", Some("nope")).await;
    assert_eq!(wrong.status(), 401);
    let denied = get(
        &fake,
        "/fabrikam/secure/_apis/build/generalsettings",
        Some(PAT),
    )
    .await;
    assert_eq!(denied.status(), 403);
    let body: Value = denied.json().await.expect("json");
    assert_eq!(body["typeKey"], "AccessCheckException");
    let other = get(
        &fake,
        "/fabrikam/legacy/_apis/build/generalsettings",
        Some(PAT),
    )
    .await;
    assert_eq!(other.status(), 200);
    let missing = get(&fake, "/fabrikam/nope/_apis/git/repositories", Some(PAT)).await;
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.expect("json");
    assert_eq!(body["typeKey"], "ProjectDoesNotExistException");
}

#[tokio::test]
async fn throttling_etags_and_truncation() {
    let faults = Faults {
        throttle_every: 2,
        retry_after_secs: 3,
        ..Faults::default()
    };
    let fake = rules_fake(ServerConfig {
        faults,
        ..ServerConfig::default()
    })
    .await;
    let ok = get(&fake, "/fabrikam/_apis/projects", Some(PAT)).await;
    assert_eq!(ok.status(), 200);
    let etag = ok
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .expect("etag");
    let throttled = get(&fake, "/fabrikam/_apis/projects", Some(PAT)).await;
    assert_eq!(throttled.status(), 429);
    for h in [
        "retry-after",
        "x-ratelimit-resource",
        "x-ratelimit-delay",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(throttled.headers().contains_key(h), "missing {h}");
    }
    assert_eq!(throttled.headers()["retry-after"], "3");
    let cached = client()
        .get(format!("{}/fabrikam/_apis/projects", fake.base_url()))
        .basic_auth("", Some(PAT))
        .header("If-None-Match", etag)
        .send()
        .await
        .expect("request");
    assert_eq!(cached.status(), 304);
    assert_eq!(fake.counters().by_status().get(&429), Some(&1));

    let faults = Faults {
        truncate_rate: 1.0,
        ..Faults::default()
    };
    let fake = rules_fake(ServerConfig {
        faults,
        ..ServerConfig::default()
    })
    .await;
    let text = get(&fake, "/fabrikam/_apis/projects", Some(PAT))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[test]
fn scenarios_round_trip() {
    let sc = synthetic("contoso", 20, 2026);
    assert_eq!(sc.projects.len(), 20);
    let yaml = yaml_serde::to_string(&sc).expect("serialises");
    let back = super::Scenario::from_yaml(&yaml).expect("parses");
    assert_eq!(back.projects.len(), 20);
    let rules = rules_scenario().expect("rules scenario parses");
    assert_eq!(rules.projects.len(), 2);
    assert!(super::Scenario::from_yaml("org: x\nunknown_field: 1\n").is_err());
}
