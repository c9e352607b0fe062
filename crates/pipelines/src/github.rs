//! GitHub Actions workflows (`.github/workflows/*.yml`) and action definitions (`action.yml`),
//! read with the `github-actions-models` crate (zizmor's models).
//!
//! Each job is deserialized whole into the crate's `NormalJob` / `ReusableWorkflowCallJob`;
//! when that fails the error is recorded and the job's pieces (`runs-on`, `container`, each
//! step, ...) are deserialized one by one, so a single bad step does not hide the rest.

use std::collections::BTreeMap;

use devquery_model::tables::pipeline_jobs::PipelineJobRow;
use devquery_model::tables::pipeline_steps::PipelineStepRow;
use github_actions_models::action::{self, Runs, StepBody};
use github_actions_models::common::expr::LoE;
use github_actions_models::common::{BasePermission, DockerUses, If, Permission, Permissions};
use github_actions_models::workflow::Trigger;
use github_actions_models::workflow::job::{
    Container, DeploymentEnvironment, NormalJob, ReusableWorkflowCallJob, RunsOn, Secrets, Step,
};
use yaml_serde::Value;

use crate::expr;
use crate::uses::{ActionRef, from_model, parse_uses};
use crate::yaml::{self, get, get_str, non_empty, non_empty_vec, scalar, string_map};
use crate::{ParsedPipeline, Sink};

/// Parses a workflow file into `out`.
pub(crate) fn parse_workflow(docs: &[Value], sink: &mut Sink<'_>, out: &mut ParsedPipeline) {
    let doc = yaml::first_doc(docs);
    if docs.iter().filter(|d| !d.is_null()).count() > 1 {
        sink.error("more than one YAML document in a workflow file".to_string());
    }
    if doc.is_null() {
        sink.error("empty workflow file (no YAML content)".to_string());
        return;
    }
    if !doc.is_mapping() {
        sink.error("workflow is not a mapping at the top level".to_string());
        return;
    }
    let p = &mut out.pipeline;
    p.name = get_str(doc, "name");
    p.line = sink.pos().first_key_line(doc);
    p.key_lines = sink.pos().key_lines(doc);
    match get(doc, "on") {
        Some(on) => {
            if let Err(e) = yaml::typed::<Trigger>(on, "on") {
                sink.error(e);
            }
            p.triggers = Some(trigger_names(on));
            p.trigger_lines = trigger_lines(doc, on, sink);
        }
        None => sink.error("missing `on` (workflow triggers)".to_string()),
    }
    let (mode, scopes) = permissions(get(doc, "permissions"), "permissions", sink);
    p.permissions_mode = mode;
    p.top_level_permissions = scopes;
    p.env = get(doc, "env").and_then(string_map);

    // Secrets read by the workflow-level env reach every job.
    let mut workflow_secrets = Vec::new();
    if let Some(env) = get(doc, "env") {
        collect_secrets(env, &mut workflow_secrets);
    }

    let Some(jobs) = get(doc, "jobs") else {
        sink.error("missing `jobs`".to_string());
        return;
    };
    let Some(jobs) = jobs.as_mapping() else {
        sink.error("`jobs` is not a mapping".to_string());
        return;
    };
    for (key, job) in jobs {
        let Some(job_id) = yaml::key_text(key) else {
            sink.error("a job key is not text".to_string());
            continue;
        };
        let job = yaml::untag(job);
        let (row, steps) = if get(job, "uses").is_some() {
            (reusable_job(&job_id, job, sink), Vec::new())
        } else {
            normal_job(&job_id, job, sink)
        };
        let mut row = row;
        (row.line, row.column) = sink.pos().line_column(key);
        row.key_lines = sink.pos().key_lines(job);
        let mut secrets = workflow_secrets.clone();
        collect_secrets(job, &mut secrets);
        secrets.sort();
        secrets.dedup();
        // `secrets: inherit` hands every secret to the called workflow without serialising
        // any: `secrets_inherit` records it (wf-secrets-inherit), `*` stays for toJSON(secrets).
        row.secrets_referenced = Some(secrets);
        out.jobs.push(row);
        out.steps.extend(steps);
    }
}

/// Event names of `on:` in source order (a name, a list of names, or a mapping's keys).
fn trigger_names(on: &Value) -> Vec<String> {
    match on {
        Value::Mapping(m) => m.keys().filter_map(yaml::key_text).collect(),
        other => yaml::strings(other),
    }
}

/// The line declaring each event of `on:`: the event's key or list item, or where the scalar of
/// a single event is written (`on: push`, or `push` on the line after `on:`).
fn trigger_lines(doc: &Value, on: &Value, sink: &Sink<'_>) -> Option<BTreeMap<String, i64>> {
    let pos = sink.pos();
    let mut out = BTreeMap::new();
    match on {
        Value::Mapping(m) => {
            for k in m.keys() {
                if let (Some(name), Some(line)) = (yaml::key_text(k), pos.line(k)) {
                    out.entry(name).or_insert(line);
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                let Some(line) = pos.line(item) else { continue };
                for name in yaml::strings(item) {
                    out.entry(name).or_insert(line);
                }
            }
        }
        other => {
            if let Some(line) = pos.line(other).or_else(|| pos.key_line(doc, "on")) {
                for name in yaml::strings(other) {
                    out.entry(name).or_insert(line);
                }
            }
        }
    }
    non_empty(out)
}

/// Normalised token permissions: mode (`unset`, `read-all`, `write-all`, `none`, `scoped`)
/// and the per-scope map when scoped.
fn permissions(
    v: Option<&Value>,
    location: &str,
    sink: &mut Sink<'_>,
) -> (Option<String>, Option<BTreeMap<String, String>>) {
    let Some(v) = v else {
        return (Some("unset".to_string()), None);
    };
    match yaml::typed::<Permissions>(v, location) {
        Ok(Permissions::Base(BasePermission::ReadAll)) => (Some("read-all".to_string()), None),
        Ok(Permissions::Base(BasePermission::WriteAll)) => (Some("write-all".to_string()), None),
        Ok(Permissions::Base(BasePermission::Default)) => (Some("unset".to_string()), None),
        Ok(Permissions::Explicit(map)) => {
            let scopes: BTreeMap<String, String> = map
                .iter()
                .map(|(k, v)| {
                    let level = match v {
                        Permission::Read => "read",
                        Permission::Write => "write",
                        Permission::None => "none",
                    };
                    (k.clone(), level.to_string())
                })
                .collect();
            if scopes.values().all(|l| l == "none") {
                (Some("none".to_string()), non_empty(scopes))
            } else {
                (Some("scoped".to_string()), Some(scopes))
            }
        }
        Err(e) => {
            sink.error(e);
            // Keep what the file says even when GitHub would reject it.
            match v {
                Value::Mapping(_) => (Some("scoped".to_string()), string_map(v)),
                other => (scalar(other), None),
            }
        }
    }
}

/// Secrets read by the expressions anywhere under a value (`if:` conditions are expressions
/// even without `${{ }}`).
fn collect_secrets(v: &Value, out: &mut Vec<String>) {
    let mut stack = vec![(v, false, 0usize)];
    while let Some((v, is_if, depth)) = stack.pop() {
        if depth > 64 {
            continue;
        }
        match yaml::untag(v) {
            Value::String(s) => {
                if is_if && !s.contains("${{") {
                    expr::secrets_in_expr(s, out);
                } else {
                    for e in expr::expressions(s) {
                        expr::secrets_in_expr(e, out);
                    }
                }
            }
            Value::Sequence(items) => stack.extend(items.iter().map(|i| (i, false, depth + 1))),
            Value::Mapping(m) => {
                for (k, v) in m {
                    let is_if = k.as_str() == Some("if");
                    stack.push((v, is_if, depth + 1));
                }
            }
            _ => {}
        }
    }
}

fn if_text(v: Option<&If>) -> Option<String> {
    match v? {
        If::Bool(b) => Some(b.to_string()),
        If::Expr(s) => Some(s.clone()),
    }
}

fn docker_text(d: &LoE<DockerUses>) -> String {
    match d {
        LoE::Expr(e) => e.as_curly().to_string(),
        LoE::Literal(d) => d.raw().to_string(),
    }
}

/// Image and whether the credentials carry a literal password.
fn container_info(c: &Container) -> (String, Option<bool>) {
    match c {
        Container::Name(image) => (docker_text(image), None),
        Container::Container {
            image, credentials, ..
        } => {
            let literal = credentials.as_ref().map(|c| {
                c.password
                    .as_deref()
                    .is_some_and(|p| !p.trim().is_empty() && !p.contains("${{"))
            });
            (docker_text(image), literal)
        }
    }
}

/// The pieces of a normal job, typed, borrowed from a whole job or deserialized one by one.
struct JobPieces<'a> {
    name: Option<String>,
    runs_on: Option<&'a LoE<RunsOn>>,
    environment: Option<&'a DeploymentEnvironment>,
    container: Option<&'a Container>,
    services: Vec<&'a Container>,
    needs: Vec<String>,
    if_condition: Option<String>,
}

fn normal_job(
    job_id: &str,
    raw: &Value,
    sink: &mut Sink<'_>,
) -> (PipelineJobRow, Vec<PipelineStepRow>) {
    let location = format!("jobs.{job_id}");
    match yaml::typed::<NormalJob>(raw, &location) {
        Ok(job) => {
            let pieces = JobPieces {
                name: job.name.clone(),
                runs_on: Some(&job.runs_on),
                environment: job.environment.as_ref(),
                container: job.container.as_ref(),
                services: job.services.values().collect(),
                needs: job.needs.clone(),
                if_condition: if_text(job.r#if.as_ref()),
            };
            let row = job_row(job_id, raw, &pieces, sink);
            let raw_steps = get(raw, "steps")
                .and_then(Value::as_sequence)
                .map(|s| s.iter().collect::<Vec<_>>())
                .unwrap_or_default();
            let mut steps = Vec::new();
            for (i, step) in job.steps.iter().enumerate() {
                let raw_step = raw_steps.get(i).copied().unwrap_or(&Value::Null);
                push_workflow_step(job_id, step, raw_step, sink, &mut steps);
            }
            (row, steps)
        }
        Err(e) => {
            let before = sink.error_count();
            let out = piecewise_job(job_id, raw, &location, sink);
            if sink.error_count() == before {
                sink.error(e);
            }
            out
        }
    }
}

/// A job the crate rejected as a whole, read piece by piece.
fn piecewise_job(
    job_id: &str,
    raw: &Value,
    location: &str,
    sink: &mut Sink<'_>,
) -> (PipelineJobRow, Vec<PipelineStepRow>) {
    let runs_on = get(raw, "runs-on").and_then(|v| {
        yaml::typed::<LoE<RunsOn>>(v, &format!("{location}.runs-on"))
            .map_err(|e| sink.error(e))
            .ok()
    });
    if get(raw, "runs-on").is_none() {
        sink.error(format!("{location}: missing `runs-on`"));
    }
    let environment = get(raw, "environment").and_then(|v| {
        yaml::typed::<DeploymentEnvironment>(v, &format!("{location}.environment"))
            .map_err(|e| sink.error(e))
            .ok()
    });
    let container = get(raw, "container").and_then(|v| {
        yaml::typed::<Container>(v, &format!("{location}.container"))
            .map_err(|e| sink.error(e))
            .ok()
    });
    let mut services = Vec::new();
    if let Some(m) = get(raw, "services").and_then(Value::as_mapping) {
        for (k, v) in m {
            let name = yaml::key_text(k).unwrap_or_default();
            match yaml::typed::<Container>(v, &format!("{location}.services.{name}")) {
                Ok(c) => services.push(c),
                Err(e) => sink.error(e),
            }
        }
    }
    let if_condition = get(raw, "if").and_then(|v| {
        yaml::typed::<If>(v, &format!("{location}.if"))
            .map_err(|e| sink.error(e))
            .ok()
    });
    let pieces = JobPieces {
        name: get_str(raw, "name"),
        runs_on: runs_on.as_ref(),
        environment: environment.as_ref(),
        container: container.as_ref(),
        services: services.iter().collect(),
        needs: get(raw, "needs").map(yaml::strings).unwrap_or_default(),
        if_condition: if_text(if_condition.as_ref()),
    };
    let row = job_row(job_id, raw, &pieces, sink);
    let mut steps = Vec::new();
    match get(raw, "steps") {
        Some(Value::Sequence(items)) => {
            for (i, item) in items.iter().enumerate() {
                let step_location = format!("{location}.steps[{i}]");
                match yaml::typed::<Step>(item, &step_location) {
                    Ok(step) => push_workflow_step(job_id, &step, item, sink, &mut steps),
                    Err(e) => {
                        sink.error(step_problem(item, &step_location).unwrap_or(e));
                        let index = steps.len();
                        steps.push(raw_step(job_id, index, item, sink));
                    }
                }
            }
        }
        Some(_) => sink.error(format!("{location}.steps: not a list")),
        None => sink.error(format!("{location}: missing `steps`")),
    }
    (row, steps)
}

fn job_row(
    job_id: &str,
    raw: &Value,
    pieces: &JobPieces<'_>,
    sink: &mut Sink<'_>,
) -> PipelineJobRow {
    let mut row = sink.job(job_id);
    row.name = pieces.name.clone();
    if let Some(runs_on) = pieces.runs_on {
        let labels = runs_on_labels(runs_on, raw);
        row.self_hosted = self_hosted(&labels);
        row.runs_on = Some(labels);
    }
    let (mode, scopes) = permissions(
        get(raw, "permissions"),
        &format!("jobs.{job_id}.permissions"),
        sink,
    );
    row.permissions_mode = mode;
    row.permissions = scopes;
    row.environment = pieces.environment.map(|e| match e {
        DeploymentEnvironment::Name(n) => n.clone(),
        DeploymentEnvironment::NameURL { name, .. } => name.clone(),
    });
    let mut literal_password = None;
    if let Some(c) = pieces.container {
        let (image, literal) = container_info(c);
        row.container_image = Some(image);
        literal_password = Some(literal.unwrap_or(false));
    }
    let mut services = Vec::new();
    for s in &pieces.services {
        let (image, literal) = container_info(s);
        services.push(image);
        literal_password = Some(literal_password.unwrap_or(false) || literal.unwrap_or(false));
    }
    row.services = non_empty_vec(services);
    row.container_password_literal = literal_password;
    row.env = get(raw, "env").and_then(string_map);
    row.needs = non_empty_vec(pieces.needs.clone());
    row.if_condition = pieces.if_condition.clone();
    row.secrets_inherit = Some(false);
    row
}

/// `runs-on` labels, with `${{ matrix.x }}` replaced by the matrix values when they are literal.
fn runs_on_labels(runs_on: &LoE<RunsOn>, raw: &Value) -> Vec<String> {
    let labels = match runs_on {
        LoE::Expr(e) => vec![e.as_curly().to_string()],
        LoE::Literal(RunsOn::Target(labels)) => labels.clone(),
        LoE::Literal(RunsOn::Group { group, labels }) => {
            let mut out: Vec<String> = group.iter().map(|g| format!("group:{g}")).collect();
            out.extend(labels.iter().cloned());
            out
        }
    };
    let mut out = Vec::new();
    for label in labels {
        let values = matrix_values(&label, raw);
        if values.is_empty() {
            out.push(label);
        } else {
            out.extend(values);
        }
    }
    out.dedup();
    out
}

/// Literal values of `${{ matrix.key }}` from the job's `strategy.matrix` (dimension and
/// `include` entries); empty when not a plain matrix reference or not literal.
fn matrix_values(label: &str, raw: &Value) -> Vec<String> {
    let Some(body) = label
        .trim()
        .strip_prefix("${{")
        .and_then(|s| s.strip_suffix("}}"))
    else {
        return Vec::new();
    };
    let Some(key) = body.trim().strip_prefix("matrix.") else {
        return Vec::new();
    };
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Vec::new();
    }
    let Some(matrix) = get(raw, "strategy").and_then(|s| get(s, "matrix")) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    if let Some(dim) = get(matrix, key) {
        match dim {
            Value::Sequence(items) => {
                for item in items {
                    match scalar(item) {
                        Some(s) => values.push(s),
                        None => return Vec::new(),
                    }
                }
            }
            _ => return Vec::new(),
        }
    }
    if let Some(Value::Sequence(includes)) = get(matrix, "include") {
        for inc in includes {
            if let Some(v) = get(inc, key) {
                match scalar(v) {
                    Some(s) if !s.contains("${{") => values.push(s),
                    _ => return Vec::new(),
                }
            }
        }
    }
    let mut seen = Vec::new();
    for v in values {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// Whether a GitHub-hosted image label (`ubuntu-*`, `windows-*`, `macos-*`).
fn github_hosted_label(label: &str) -> bool {
    let l = label.trim().to_ascii_lowercase();
    l.starts_with("ubuntu-") || l.starts_with("windows-") || l.starts_with("macos-")
}

/// Self-hosted when a label says `self-hosted` or names something other than a GitHub-hosted
/// image; hosted when every label is a hosted image; unknown (`None`) for expressions and
/// runner groups without labels.
fn self_hosted(labels: &[String]) -> Option<bool> {
    if labels.iter().any(|l| l.eq_ignore_ascii_case("self-hosted")) {
        return Some(true);
    }
    let literal: Vec<&String> = labels
        .iter()
        .filter(|l| !l.contains("${{") && !l.starts_with("group:"))
        .collect();
    if literal.iter().any(|l| !github_hosted_label(l)) {
        return Some(true);
    }
    if !literal.is_empty() && literal.len() == labels.len() {
        return Some(false);
    }
    None
}

fn reusable_job(job_id: &str, raw: &Value, sink: &mut Sink<'_>) -> PipelineJobRow {
    let location = format!("jobs.{job_id}");
    let mut row = sink.job(job_id);
    match yaml::typed::<ReusableWorkflowCallJob>(raw, &location) {
        Ok(job) => {
            row.name = job.name.clone();
            row.reusable_workflow = Some(job.uses.raw().to_string());
            row.secrets_inherit = Some(matches!(job.secrets, Some(Secrets::Inherit)));
            row.needs = non_empty_vec(job.needs.clone());
            row.if_condition = if_text(job.r#if.as_ref());
        }
        Err(e) => {
            sink.error(e);
            row.name = get_str(raw, "name");
            row.reusable_workflow = get_str(raw, "uses");
            row.secrets_inherit = Some(get_str(raw, "secrets").as_deref() == Some("inherit"));
            row.needs = get(raw, "needs").map(yaml::strings).and_then(non_empty_vec);
            row.if_condition = get_str(raw, "if");
        }
    }
    let (mode, scopes) = permissions(
        get(raw, "permissions"),
        &format!("{location}.permissions"),
        sink,
    );
    row.permissions_mode = mode;
    row.permissions = scopes;
    row.env = get(raw, "with").and_then(string_map);
    row
}

/// What a step runs, read from the typed model or the raw value.
struct StepBodyInfo {
    name: Option<String>,
    uses: Option<(String, ActionRef)>,
    run: Option<String>,
    shell: Option<String>,
    if_condition: Option<String>,
}

fn loe_text(v: &LoE<String>) -> String {
    match v {
        LoE::Expr(e) => e.as_curly().to_string(),
        LoE::Literal(s) => s.clone(),
    }
}

fn push_workflow_step(
    job_id: &str,
    step: &Step,
    raw: &Value,
    sink: &mut Sink<'_>,
    out: &mut Vec<PipelineStepRow>,
) {
    let info = match step {
        Step::Uses(u) => StepBodyInfo {
            name: u.shared.name.clone().or_else(|| u.shared.id.clone()),
            uses: Some((u.uses.raw().to_string(), from_model(&u.uses))),
            run: None,
            shell: None,
            if_condition: if_text(u.shared.r#if.as_ref()),
        },
        Step::Run(r) => StepBodyInfo {
            name: r.shared.name.clone().or_else(|| r.shared.id.clone()),
            uses: None,
            run: Some(r.run.clone()),
            shell: r.shell.as_ref().map(loe_text),
            if_condition: if_text(r.shared.r#if.as_ref()),
        },
        Step::Parallel { parallel } => {
            let items = get(raw, "parallel").and_then(Value::as_sequence);
            for (i, p) in parallel.iter().enumerate() {
                let raw_item = items.and_then(|s| s.get(i)).unwrap_or(&Value::Null);
                let step = match p {
                    github_actions_models::workflow::job::ParallelStep::Uses(u) => StepBodyInfo {
                        name: u.shared.name.clone().or_else(|| u.shared.id.clone()),
                        uses: Some((u.uses.raw().to_string(), from_model(&u.uses))),
                        run: None,
                        shell: None,
                        if_condition: if_text(u.shared.r#if.as_ref()),
                    },
                    github_actions_models::workflow::job::ParallelStep::Run(r) => StepBodyInfo {
                        name: r.shared.name.clone().or_else(|| r.shared.id.clone()),
                        uses: None,
                        run: Some(r.run.clone()),
                        shell: r.shell.as_ref().map(loe_text),
                        if_condition: if_text(r.shared.r#if.as_ref()),
                    },
                };
                let index = out.len();
                out.push(step_row(job_id, index, step, raw_item, sink));
            }
            return;
        }
        Step::Wait { name, id, .. }
        | Step::WaitAll { name, id, .. }
        | Step::Cancel { name, id, .. } => StepBodyInfo {
            name: name.clone().or_else(|| id.clone()),
            uses: None,
            run: None,
            shell: None,
            if_condition: None,
        },
    };
    let index = out.len();
    out.push(step_row(job_id, index, info, raw, sink));
}

/// A precise reason a step was rejected, when one can be named.
fn step_problem(raw: &Value, location: &str) -> Option<String> {
    if !raw.is_mapping() {
        return Some(format!("{location}: a step must be a mapping"));
    }
    let uses = get(raw, "uses");
    let run = get(raw, "run");
    match (uses, run) {
        (Some(_), Some(_)) => Some(format!("{location}: a step has both `uses` and `run`")),
        (None, None) => Some(format!("{location}: a step needs `uses` or `run`")),
        (Some(u), None) => match scalar(u) {
            Some(u) => github_actions_models::common::Uses::parse(u)
                .err()
                .map(|e| format!("{location}: {e}")),
            None => Some(format!("{location}: `uses` is not text")),
        },
        (None, Some(_)) => None,
    }
}

/// A step the crate rejected, read from the raw value.
fn raw_step(job_id: &str, index: usize, raw: &Value, sink: &mut Sink<'_>) -> PipelineStepRow {
    let info = StepBodyInfo {
        name: get_str(raw, "name").or_else(|| get_str(raw, "id")),
        uses: get_str(raw, "uses").map(|u| {
            let parsed = parse_uses(&u);
            (u, parsed)
        }),
        run: get_str(raw, "run"),
        shell: get_str(raw, "shell"),
        if_condition: get_str(raw, "if"),
    };
    step_row(job_id, index, info, raw, sink)
}

fn is_action(a: &ActionRef, owner: &str, repo: &str) -> bool {
    a.owner
        .as_deref()
        .is_some_and(|o| o.eq_ignore_ascii_case(owner))
        && a.repo
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(repo))
        && a.path.is_none()
}

/// Whether a checkout `ref` / `repository` names the pull request's head (attacker code).
pub(crate) fn is_pr_head_ref(value: &str) -> bool {
    let v = value.to_ascii_lowercase().replace(' ', "");
    [
        "github.event.pull_request.head.sha",
        "github.event.pull_request.head.ref",
        "github.event.pull_request.head.repo.full_name",
        "github.event.pull_request.merge_commit_sha",
        "github.event.workflow_run.head_sha",
        "github.event.workflow_run.head_branch",
        "github.event.workflow_run.head_repository.full_name",
        "github.head_ref",
        "refs/pull/",
        "github.event.issue.pull_request",
    ]
    .iter()
    .any(|p| v.contains(p))
}

fn step_row(
    job_id: &str,
    index: usize,
    info: StepBodyInfo,
    raw: &Value,
    sink: &mut Sink<'_>,
) -> PipelineStepRow {
    let mut row = sink.step(job_id, index);
    let pos = sink.pos();
    (row.line, row.column) = pos.line_column(raw);
    row.key_lines = pos.key_lines(raw);
    row.name = info.name;
    row.if_condition = info.if_condition;
    row.env = get(raw, "env").and_then(string_map);
    row.with = get(raw, "with").and_then(string_map);
    if let Some((raw_uses, a)) = info.uses {
        row.kind = Some("action".to_string());
        let with = row.with.clone().unwrap_or_default();
        if is_action(&a, "actions", "checkout") {
            let checkout_ref = with.get("ref").cloned();
            let repository = with.get("repository").cloned();
            row.checkout_pr_head = Some(
                checkout_ref.as_deref().is_some_and(is_pr_head_ref)
                    || repository.as_deref().is_some_and(is_pr_head_ref),
            );
            row.checkout_ref = checkout_ref;
            row.persist_credentials = match with
                .get("persist-credentials")
                .map(|s| s.trim().to_ascii_lowercase())
            {
                None => Some(true),
                Some(s) if s == "false" => Some(false),
                Some(s) if s == "true" || s.is_empty() => Some(true),
                Some(_) => None,
            };
        }
        if is_action(&a, "actions", "github-script")
            && let Some(script) = with.get("script")
        {
            let node = get(raw, "with").and_then(|w| get(w, "script"));
            let found = expr::github_untrusted_occurrences(script);
            row.untrusted_input_positions = Some(pos.expressions(node, script, &found));
            row.untrusted_inputs = Some(expr::github_untrusted_inputs(script));
            row.script = Some(script.clone());
        }
        row.uses = Some(raw_uses);
        row.action_owner = a.owner;
        row.action_repo = a.repo;
        row.action_path = a.path;
        row.action_ref = a.r#ref;
        row.ref_kind = a.ref_kind.map(str::to_string);
    } else if let Some(run) = info.run {
        row.kind = Some("run".to_string());
        let found = expr::github_untrusted_occurrences(&run);
        row.untrusted_input_positions = Some(pos.expressions(get(raw, "run"), &run, &found));
        row.untrusted_inputs = Some(expr::github_untrusted_inputs(&run));
        row.script = Some(run);
        row.shell = info.shell;
    }
    row
}

/// Parses an action definition (`action.yml`) into one job (`action`) whose steps are the
/// composite steps.
pub(crate) fn parse_action(docs: &[Value], sink: &mut Sink<'_>, out: &mut ParsedPipeline) {
    let doc = yaml::first_doc(docs);
    if doc.is_null() {
        sink.error("empty action file (no YAML content)".to_string());
        return;
    }
    if !doc.is_mapping() {
        sink.error("action is not a mapping at the top level".to_string());
        return;
    }
    out.pipeline.name = get_str(doc, "name");
    out.pipeline.line = sink.pos().first_key_line(doc);
    out.pipeline.key_lines = sink.pos().key_lines(doc);
    let Some(runs) = get(doc, "runs") else {
        sink.error("missing `runs`".to_string());
        return;
    };
    let mut job = sink.job("action");
    if let Some(key) = sink.pos().key(doc, "runs") {
        (job.line, job.column) = (key.line_i64(), key.column_i64());
    }
    job.key_lines = sink.pos().key_lines(runs);
    job.name = get_str(runs, "using");
    job.secrets_inherit = Some(false);
    let mut secrets = Vec::new();
    collect_secrets(runs, &mut secrets);
    secrets.sort();
    secrets.dedup();
    job.secrets_referenced = Some(secrets);
    let raw_steps: Vec<&Value> = get(runs, "steps")
        .and_then(Value::as_sequence)
        .map(|s| s.iter().collect())
        .unwrap_or_default();
    let mut steps = Vec::new();
    match yaml::typed::<Runs>(runs, "runs") {
        Ok(Runs::Composite(c)) => {
            for (i, step) in c.steps.iter().enumerate() {
                let raw = raw_steps.get(i).copied().unwrap_or(&Value::Null);
                steps.push(action_step_row(i, step, raw, sink));
            }
        }
        Ok(Runs::Docker(d)) => {
            job.container_image = Some(match &d.image {
                action::DockerActionUses::Dockerfile => "Dockerfile".to_string(),
                action::DockerActionUses::Image(i) => docker_text(i),
            });
            job.env = non_empty(
                d.env
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect(),
            );
        }
        Ok(Runs::JavaScript(_)) => {}
        Err(e) => {
            let before = sink.error_count();
            if get_str(runs, "using").as_deref() == Some("composite") {
                for (i, raw) in raw_steps.iter().enumerate() {
                    let location = format!("runs.steps[{i}]");
                    match yaml::typed::<action::Step>(raw, &location) {
                        Ok(step) => steps.push(action_step_row(i, &step, raw, sink)),
                        Err(e) => {
                            let shell_missing =
                                get(raw, "run").is_some() && get(raw, "shell").is_none();
                            sink.error(if shell_missing {
                                format!("{location}: a composite `run` step needs `shell`")
                            } else {
                                step_problem(raw, &location).unwrap_or(e)
                            });
                            steps.push(raw_step("action", i, raw, sink));
                        }
                    }
                }
            } else if let Some(image) = get_str(runs, "image") {
                job.container_image = Some(image);
            }
            if sink.error_count() == before {
                sink.error(e);
            }
        }
    }
    out.jobs.push(job);
    out.steps.extend(steps);
}

fn action_step_row(
    index: usize,
    step: &action::Step,
    raw: &Value,
    sink: &mut Sink<'_>,
) -> PipelineStepRow {
    let info = match &step.body {
        StepBody::Uses { uses, .. } => StepBodyInfo {
            name: step.name.clone().or_else(|| step.id.clone()),
            uses: Some((uses.raw().to_string(), from_model(uses))),
            run: None,
            shell: None,
            if_condition: if_text(step.r#if.as_ref()),
        },
        StepBody::Run { run, shell, .. } => StepBodyInfo {
            name: step.name.clone().or_else(|| step.id.clone()),
            uses: None,
            run: Some(run.clone()),
            shell: Some(loe_text(shell)),
            if_condition: if_text(step.r#if.as_ref()),
        },
    };
    step_row("action", index, info, raw, sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_labels() {
        assert_eq!(self_hosted(&["ubuntu-latest".into()]), Some(false));
        assert_eq!(
            self_hosted(&["self-hosted".into(), "linux".into()]),
            Some(true)
        );
        assert_eq!(self_hosted(&["my-runner".into()]), Some(true));
        assert_eq!(self_hosted(&["${{ matrix.os }}".into()]), None);
    }
}
