//! Azure Pipelines YAML: definitions and templates, read over the generic YAML value (no
//! maintained model crate exists). Stages → jobs (including deployment jobs and their lifecycle
//! hooks) → steps (`script`, `bash`, `pwsh`, `powershell`, `task`, `checkout`, `template`,
//! `download`, `publish`, ...), `trigger`, `pr`, `schedules`, `resources`, `pool`, variables
//! and variable groups, `extends`, and `${{ if }}` / `${{ each }}` template conditionals
//! (flattened: every branch counts).

use std::collections::BTreeMap;

use devquery_model::tables::pipeline_jobs::PipelineJobRow;
use devquery_model::tables::pipeline_steps::PipelineStepRow;
use devquery_model::tables::pipelines::PipelineResource;
use yaml_serde::Value;

use crate::expr;
use crate::uses::ref_kind;
use crate::yaml::{
    self, ado_entries, ado_items, get, get_any, get_str, non_empty, non_empty_vec, scalar,
    string_map,
};
use crate::{ParsedPipeline, Sink};

/// Keys that only a pipeline definition (not a template) carries.
const ROOT_KEYS: &[&str] = &[
    "trigger",
    "pr",
    "schedules",
    "resources",
    "extends",
    "pool",
    "name",
    "lockBehavior",
    "appendCommitMessageToRunName",
];

/// Per-file state: resources for alias resolution, and what the file references.
#[derive(Default)]
struct State {
    repositories: BTreeMap<String, (Option<String>, Option<String>)>,
    containers: BTreeMap<String, String>,
    resources: Vec<PipelineResource>,
    groups: Vec<String>,
    env: BTreeMap<String, String>,
    /// Template paths already in `resources` (a set, so many references stay linear).
    templates: std::collections::BTreeSet<String>,
}

impl State {
    fn template(&mut self, path: &str) {
        if self.templates.insert(path.to_string()) {
            let (_, alias) = split_alias(path);
            self.resources.push(PipelineResource {
                kind: Some("template".to_string()),
                name: alias.map(str::to_string),
                source: Some(path.to_string()),
                r#ref: alias
                    .and_then(|a| self.repositories.get(a))
                    .and_then(|r| r.1.clone()),
            });
        }
    }
}

/// `path@alias` → (`path`, `Some(alias)`).
fn split_alias(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once('@') {
        Some((p, a)) if !a.is_empty() && !a.contains('/') => (p, Some(a)),
        _ => (path, None),
    }
}

/// Parses an Azure Pipelines definition or template into `out`. `template` forces (or rules
/// out) template handling; `None` decides from the content: a file with `parameters` and none
/// of the definition-only keys (`trigger`, `pr`, `pool`, `resources`, `extends`, ...) is a
/// template, whose triggers are NULL (the including pipeline decides them).
pub(crate) fn parse(
    docs: &[Value],
    sink: &mut Sink<'_>,
    out: &mut ParsedPipeline,
    template: Option<bool>,
) {
    let doc = yaml::first_doc(docs);
    if !doc.is_mapping() {
        if doc.is_null() {
            sink.error("empty pipeline file".to_string());
        } else {
            sink.error("pipeline is not a mapping at the top level".to_string());
        }
        return;
    }
    let is_template = template.unwrap_or_else(|| {
        get(doc, "parameters").is_some() && !ROOT_KEYS.iter().any(|k| get(doc, k).is_some())
    });
    let mut st = State::default();
    if let Some(res) = get(doc, "resources") {
        read_resources(res, &mut st);
    }
    let p = &mut out.pipeline;
    p.line = sink.pos().first_key_line(doc);
    p.key_lines = sink.pos().key_lines(doc);
    if !is_template {
        let names = triggers(doc);
        p.trigger_lines = trigger_lines(doc, &names, sink);
        p.triggers = Some(names);
    }
    let pool = get(doc, "pool");
    p.pool = pool.and_then(pool_name);
    if let Some(vars) = get(doc, "variables") {
        read_variables(vars, &mut st, true);
    }
    if let Some(ext) = get(doc, "extends") {
        match get_str(ext, "template") {
            Some(t) => {
                st.template(&t);
                p.extends = Some(t);
            }
            None => p.extends = scalar(ext),
        }
    }

    let mut jobs = Vec::new();
    let mut steps = Vec::new();
    let mut roots = vec![doc];
    // 1ES / governance templates take the real pipeline as `extends.parameters`.
    if let Some(params) = get(doc, "extends").and_then(|e| get(e, "parameters")) {
        roots.push(params);
    }
    for root in roots {
        if let Some(stages) = get(root, "stages") {
            for (si, stage) in ado_items(stages).into_iter().enumerate() {
                if let Some(t) = get_str(stage, "template") {
                    st.template(&t);
                    let mut job = sink.job(&format!("template{si}"));
                    (job.line, job.column) = sink.pos().line_column(stage);
                    job.key_lines = sink.pos().key_lines(stage);
                    job.name = Some(t.clone());
                    job.reusable_workflow = Some(t);
                    job.env = get(stage, "parameters").and_then(string_map);
                    job.if_condition = get_str(stage, "condition");
                    jobs.push(job);
                    continue;
                }
                let stage_name = get_str(stage, "stage").unwrap_or_else(|| format!("Stage{si}"));
                if let Some(vars) = get(stage, "variables") {
                    read_variables(vars, &mut st, false);
                }
                let stage_pool = get(stage, "pool").or(pool);
                if let Some(stage_jobs) = get(stage, "jobs") {
                    read_jobs(
                        stage_jobs,
                        Some(&stage_name),
                        stage_pool,
                        &mut st,
                        sink,
                        &mut jobs,
                        &mut steps,
                    );
                }
            }
        }
        if let Some(root_jobs) = get(root, "jobs") {
            read_jobs(root_jobs, None, pool, &mut st, sink, &mut jobs, &mut steps);
        }
        if let Some(root_steps) = get(root, "steps") {
            let mut job = sink.job("Job");
            if let Some(key) = sink.pos().key(root, "steps") {
                (job.line, job.column) = (key.line_i64(), key.column_i64());
            }
            apply_pool(&mut job, pool);
            jobs.push(job);
            read_steps(root_steps, "Job", &mut st, sink, &mut steps);
        }
    }
    let p = &mut out.pipeline;
    p.env = non_empty(std::mem::take(&mut st.env));
    p.variable_groups = non_empty_vec(std::mem::take(&mut st.groups));
    p.resources = non_empty_vec(std::mem::take(&mut st.resources));
    out.jobs.extend(jobs);
    out.steps.extend(steps);
}

/// The line declaring each trigger: the `trigger`, `pr` and `schedules` keys, and the
/// `trigger` of the first pipeline or repository resource that has one (else the resource
/// list's key). Triggers on by default (no `trigger` / `pr` key) have no line.
fn trigger_lines(doc: &Value, names: &[String], sink: &Sink<'_>) -> Option<BTreeMap<String, i64>> {
    let pos = sink.pos();
    let mut out = BTreeMap::new();
    for name in names {
        let line = match name.as_str() {
            "push" => pos.key_line(doc, "trigger"),
            "pr" => pos.key_line(doc, "pr"),
            "schedule" => pos.key_line(doc, "schedules"),
            "pipeline" => resource_trigger_line(doc, "pipelines", sink),
            "repository" => resource_trigger_line(doc, "repositories", sink),
            _ => None,
        };
        if let Some(line) = line {
            out.insert(name.clone(), line);
        }
    }
    non_empty(out)
}

/// The line of the first `trigger:` in a resource list (`resources.pipelines`), or of the
/// list's key.
fn resource_trigger_line(doc: &Value, key: &str, sink: &Sink<'_>) -> Option<i64> {
    let pos = sink.pos();
    let res = get(doc, "resources")?;
    get(res, key)
        .map(ado_items)
        .unwrap_or_default()
        .into_iter()
        .find_map(|item| {
            get(item, "trigger")
                .filter(|t| {
                    !matches!(t, Value::Bool(false))
                        && !scalar(t).is_some_and(|s| s.eq_ignore_ascii_case("none"))
                })
                .and_then(|_| pos.key_line(item, "trigger"))
        })
        .or_else(|| pos.key_line(res, key))
}

/// `trigger` / `pr` → `push` / `pr` (both on by default when absent), `schedules` →
/// `schedule`, pipeline and repository resource triggers → `pipeline` / `repository`.
fn triggers(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let enabled = |v: Option<&Value>| match v {
        None => true,
        Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.eq_ignore_ascii_case("none"),
        Some(Value::Sequence(s)) => !s.is_empty(),
        Some(_) => true,
    };
    if enabled(get(doc, "trigger")) {
        out.push("push".to_string());
    }
    if enabled(get(doc, "pr")) {
        out.push("pr".to_string());
    }
    if get(doc, "schedules").is_some_and(|s| !ado_items(s).is_empty()) {
        out.push("schedule".to_string());
    }
    if let Some(res) = get(doc, "resources") {
        let has_trigger = |key: &str| {
            get(res, key).is_some_and(|items| {
                ado_items(items).iter().any(|i| {
                    get(i, "trigger").is_some_and(|t| {
                        !matches!(t, Value::Bool(false))
                            && !scalar(t).is_some_and(|s| s.eq_ignore_ascii_case("none"))
                    })
                })
            })
        };
        if has_trigger("pipelines") {
            out.push("pipeline".to_string());
        }
        if has_trigger("repositories") {
            out.push("repository".to_string());
        }
    }
    out
}

fn read_resources(res: &Value, st: &mut State) {
    for (key, kind, alias_key) in [
        ("repositories", "repository", "repository"),
        ("pipelines", "pipeline", "pipeline"),
        ("containers", "container", "container"),
        ("builds", "build", "build"),
        ("packages", "package", "package"),
        ("webhooks", "webhook", "webhook"),
    ] {
        let Some(items) = get(res, key) else { continue };
        for item in ado_items(items) {
            let alias = get_str(item, alias_key);
            let source = match kind {
                "container" => get_str(item, "image"),
                "pipeline" => get_str(item, "source"),
                _ => get_str(item, "name"),
            };
            let r = match kind {
                "pipeline" => get_str(item, "branch").or_else(|| get_str(item, "version")),
                "package" | "build" => get_str(item, "version"),
                _ => get_str(item, "ref"),
            };
            if kind == "repository"
                && let Some(a) = &alias
            {
                st.repositories
                    .insert(a.clone(), (source.clone(), r.clone()));
            }
            if kind == "container"
                && let (Some(a), Some(image)) = (&alias, &source)
            {
                st.containers.insert(a.clone(), image.clone());
            }
            st.resources.push(PipelineResource {
                kind: Some(kind.to_string()),
                name: alias,
                source,
                r#ref: r,
            });
        }
    }
}

/// Variables in map or list form: values into `env` (top level only), groups and templates
/// into the state.
fn read_variables(v: &Value, st: &mut State, top: bool) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    match v {
        Value::Mapping(_) => {
            for (k, v) in ado_entries(v) {
                env.insert(k, yaml::text(v).unwrap_or_default());
            }
        }
        Value::Sequence(_) => {
            for item in ado_items(v) {
                if let Some(g) = get_str(item, "group") {
                    if !st.groups.contains(&g) {
                        st.groups.push(g);
                    }
                } else if let Some(t) = get_str(item, "template") {
                    st.template(&t);
                } else if let Some(name) = get_str(item, "name") {
                    env.insert(
                        name,
                        get(item, "value").and_then(yaml::text).unwrap_or_default(),
                    );
                }
            }
        }
        _ => {}
    }
    if top {
        st.env.extend(env.clone());
    }
    env
}

/// The pool's name or image, as text.
fn pool_name(pool: &Value) -> Option<String> {
    match pool {
        Value::Mapping(_) => get_str(pool, "name").or_else(|| get_str(pool, "vmImage")),
        other => scalar(other),
    }
}

fn is_hosted_pool_name(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case("Azure Pipelines") || n.to_ascii_lowercase().starts_with("hosted")
}

/// Pool labels and self-hosted flag: a `vmImage` or the `Azure Pipelines` / `Hosted ...` pool
/// is Microsoft-hosted; any other named pool is self-hosted; expressions are unknown.
fn apply_pool(job: &mut PipelineJobRow, pool: Option<&Value>) {
    let Some(pool) = pool else { return };
    let mut labels = Vec::new();
    let mut hosted = None;
    match pool {
        Value::Mapping(_) => {
            let name = get_str(pool, "name");
            let image = get_str(pool, "vmImage");
            if let Some(n) = &name {
                labels.push(n.clone());
            }
            if let Some(i) = &image {
                labels.push(i.clone());
            }
            if let Some(d) = get(pool, "demands") {
                labels.extend(yaml::strings(d));
            }
            hosted = match (&name, &image) {
                (_, Some(i)) if !i.contains("${{") => Some(true),
                (Some(n), None) if !n.contains("${{") && !n.contains("$(") => {
                    Some(is_hosted_pool_name(n))
                }
                _ => None,
            };
        }
        other => {
            if let Some(n) = scalar(other) {
                if !n.contains("${{") && !n.contains("$(") {
                    hosted = Some(is_hosted_pool_name(&n));
                }
                labels.push(n);
            }
        }
    }
    job.runs_on = non_empty_vec(labels);
    job.self_hosted = hosted.map(|h| !h);
}

fn container_image(v: &Value, st: &State) -> Option<String> {
    let name = match v {
        Value::Mapping(_) => get_str(v, "image").or_else(|| get_str(v, "container"))?,
        other => scalar(other)?,
    };
    Some(st.containers.get(&name).cloned().unwrap_or(name))
}

fn read_jobs(
    v: &Value,
    stage: Option<&str>,
    pool: Option<&Value>,
    st: &mut State,
    sink: &mut Sink<'_>,
    jobs: &mut Vec<PipelineJobRow>,
    steps: &mut Vec<PipelineStepRow>,
) {
    let prefix = |name: &str| match stage {
        Some(s) => format!("{s}.{name}"),
        None => name.to_string(),
    };
    for (ji, item) in ado_items(v).into_iter().enumerate() {
        if let Some(t) = get_str(item, "template") {
            st.template(&t);
            let mut job = sink.job(&prefix(&format!("template{ji}")));
            (job.line, job.column) = sink.pos().line_column(item);
            job.key_lines = sink.pos().key_lines(item);
            job.stage = stage.map(str::to_string);
            job.name = Some(t.clone());
            job.reusable_workflow = Some(t);
            job.env = get(item, "parameters").and_then(string_map);
            jobs.push(job);
            continue;
        }
        let deployment = get_str(item, "deployment");
        let name = get_str(item, "job")
            .or_else(|| deployment.clone())
            .unwrap_or_else(|| {
                if ji == 0 {
                    "Job".to_string()
                } else {
                    format!("Job{ji}")
                }
            });
        let job_id = prefix(&name);
        let mut job = sink.job(&job_id);
        (job.line, job.column) = sink.pos().line_column(item);
        job.key_lines = sink.pos().key_lines(item);
        job.stage = stage.map(str::to_string);
        job.name = get_str(item, "displayName").or(Some(name));
        apply_pool(&mut job, get(item, "pool").or(pool));
        if let Some(c) = get(item, "container") {
            job.container_image = container_image(c, st);
        }
        if let Some(s) = get(item, "services") {
            let images: Vec<String> = ado_entries(s)
                .into_iter()
                .filter_map(|(_, v)| container_image(v, st))
                .collect();
            job.services = non_empty_vec(images);
        }
        job.environment = get(item, "environment").and_then(|e| match e {
            Value::Mapping(_) => get_str(e, "name"),
            other => scalar(other),
        });
        job.needs = get(item, "dependsOn")
            .map(yaml::strings)
            .and_then(non_empty_vec);
        job.if_condition = get_str(item, "condition");
        if let Some(vars) = get(item, "variables") {
            job.env = non_empty(read_variables(vars, st, false));
        }
        jobs.push(job);
        if deployment.is_some() {
            if let Some(strategy) = get(item, "strategy") {
                for (_, kind) in ado_entries(strategy) {
                    for hook in ["preDeploy", "deploy", "routeTraffic", "postRouteTraffic"] {
                        if let Some(s) = get(kind, hook).and_then(|h| get(h, "steps")) {
                            read_steps(s, &job_id, st, sink, steps);
                        }
                    }
                    if let Some(on) = get(kind, "on") {
                        for hook in ["failure", "success"] {
                            if let Some(s) = get(on, hook).and_then(|h| get(h, "steps")) {
                                read_steps(s, &job_id, st, sink, steps);
                            }
                        }
                    }
                }
            }
        } else if let Some(s) = get(item, "steps") {
            read_steps(s, &job_id, st, sink, steps);
        }
    }
}

/// Task inputs that hold an inline script.
const SCRIPT_INPUTS: &[&str] = &["script", "inlineScript", "Inline", "inline", "arguments"];

fn read_steps(
    v: &Value,
    job_id: &str,
    st: &mut State,
    sink: &mut Sink<'_>,
    steps: &mut Vec<PipelineStepRow>,
) {
    let start = steps
        .iter()
        .filter(|s| s.job_id.as_deref() == Some(job_id))
        .count();
    if !v.is_sequence() && !v.is_null() {
        sink.error(format!("{job_id}: `steps` is not a list"));
        return;
    }
    let pos = sink.pos();
    for (i, item) in ado_items(v).into_iter().enumerate() {
        let mut row = sink.step(job_id, start + i);
        (row.line, row.column) = pos.line_column(item);
        row.key_lines = pos.key_lines(item);
        row.name = get_str(item, "displayName").or_else(|| get_str(item, "name"));
        row.if_condition = get_str(item, "condition");
        row.env = get(item, "env").and_then(string_map);
        if let Some((shell, script)) = ["script", "bash", "pwsh", "powershell"]
            .iter()
            .find_map(|k| get_str(item, k).map(|s| (*k, s)))
        {
            row.kind = Some("run".to_string());
            row.shell = Some(shell.to_string());
            let found = expr::ado_untrusted_occurrences(&script);
            row.untrusted_input_positions =
                Some(pos.expressions(get(item, shell), &script, &found));
            row.untrusted_inputs = Some(expr::ado_untrusted_macros(&script));
            row.script = Some(script);
        } else if let Some(task) = get_str(item, "task") {
            row.kind = Some("task".to_string());
            row.action_ref = task.rsplit_once('@').map(|(_, v)| v.to_string());
            row.with = get(item, "inputs").and_then(string_map);
            if let Some(inputs) = get(item, "inputs")
                && let Some(node) = get_any(inputs, SCRIPT_INPUTS)
                && let Some(script) = scalar(node)
            {
                let found = expr::ado_untrusted_occurrences(&script);
                row.untrusted_input_positions = Some(pos.expressions(Some(node), &script, &found));
                row.untrusted_inputs = Some(expr::ado_untrusted_macros(&script));
                row.script = Some(script);
            }
            row.uses = Some(task);
        } else if let Some(target) = get_str(item, "checkout") {
            row.kind = Some("checkout".to_string());
            if !target.eq_ignore_ascii_case("none") {
                row.persist_credentials = Some(
                    get(item, "persistCredentials")
                        .and_then(scalar)
                        .is_some_and(|s| s.eq_ignore_ascii_case("true")),
                );
                let checkout_ref = get_str(item, "ref")
                    .or_else(|| split_alias(&target).1.map(str::to_string))
                    .or_else(|| st.repositories.get(&target).and_then(|r| r.1.clone()));
                row.checkout_pr_head = Some(checkout_ref.as_deref().is_some_and(|r| {
                    let l = r.to_ascii_lowercase();
                    l.contains("system.pullrequest.source") || l.contains("refs/pull/")
                }));
                row.checkout_ref = checkout_ref;
            }
            row.uses = Some(target);
        } else if let Some(t) = get_str(item, "template") {
            st.template(&t);
            row.kind = Some("template".to_string());
            row.with = get(item, "parameters").and_then(string_map);
            let (path, alias) = split_alias(&t);
            row.action_path = Some(path.to_string());
            match alias.filter(|a| *a != "self") {
                None => row.ref_kind = Some("local".to_string()),
                Some(a) => {
                    let (name, r) = st.repositories.get(a).cloned().unwrap_or((None, None));
                    if let Some(name) = name {
                        match name.split_once('/') {
                            Some((o, r)) => {
                                row.action_owner = Some(o.to_string());
                                row.action_repo = Some(r.to_string());
                            }
                            None => row.action_repo = Some(name),
                        }
                    } else {
                        row.action_repo = Some(a.to_string());
                    }
                    row.ref_kind = Some(r.as_deref().map_or("branch", ref_kind).to_string());
                    row.action_ref = r;
                }
            }
            row.uses = Some(t);
        } else if let Some(k) = [
            "download",
            "publish",
            "downloadBuild",
            "getPackage",
            "reviewApp",
            "upload",
        ]
        .iter()
        .find(|k| get(item, k).is_some())
        {
            row.kind = Some("task".to_string());
            row.uses = Some((*k).to_string());
            row.with = string_map(item);
        } else if !item.is_mapping() {
            // `- ${{ parameters.steps }}` / `- ${{ step }}` insert steps from a parameter.
            if scalar(item).is_some_and(|s| s.contains("${{")) {
                continue;
            }
            sink.error(format!("{job_id}: step {} is not a mapping", start + i));
        }
        steps.push(row);
    }
}
