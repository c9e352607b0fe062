//! GitLab CI (`.gitlab-ci.yml`): jobs with their stage, `image`, `services`, `tags` (runner
//! selection: any tag means a specific, usually self-managed runner), scripts (`before_script`,
//! `script`, `after_script`, one step each), `rules` / `only`, `needs`, `environment`,
//! `variables` and `secrets`, plus the file's `include`s and `stages`. `extends:` is resolved
//! within the file (hidden `.template` jobs deep-merged under the job).

use std::collections::BTreeMap;

use yaml_serde::{Mapping, Value};

use crate::positions::Positions;
use crate::yaml::{self, get, get_str, non_empty_vec, scalar, string_map};
use crate::{ParsedPipeline, Sink};
use devquery_model::tables::pipelines::PipelineResource;

/// Top-level keys that are not jobs.
const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "types",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// Pipeline sources a rule or `only:` can name, with the normalised trigger.
const SOURCES: &[(&str, &str)] = &[
    ("merge_request_event", "pr"),
    ("external_pull_request_event", "pr"),
    ("push", "push"),
    ("schedule", "schedule"),
    ("web", "manual"),
    ("api", "api"),
    ("trigger", "trigger"),
    ("parent_pipeline", "pipeline"),
    ("pipeline", "pipeline"),
    ("chat", "chat"),
    ("webide", "webide"),
];

/// Parses a GitLab CI file into `out`.
pub(crate) fn parse(docs: &[Value], sink: &mut Sink<'_>, out: &mut ParsedPipeline) {
    // A CI/CD component or a file with a `spec:` header keeps its config in the next document.
    let doc = docs
        .iter()
        .find(|d| {
            !d.is_null()
                && !d
                    .as_mapping()
                    .is_some_and(|m| m.len() == 1 && m.contains_key("spec"))
        })
        .unwrap_or(&Value::Null);
    let Some(top) = doc.as_mapping() else {
        if doc.is_null() {
            sink.error("empty GitLab CI file".to_string());
        } else {
            sink.error("GitLab CI file is not a mapping at the top level".to_string());
        }
        return;
    };
    let default = get(doc, "default");
    // Templates may come from includes (or, for an included fragment, from the including file):
    // an unknown `extends` is only an error in a self-contained root file.
    let strict_extends =
        get(doc, "include").is_none() && sink.path().rsplit('/').next() == Some(".gitlab-ci.yml");
    let default_of = |key: &str| default.and_then(|d| get(d, key)).or_else(|| get(doc, key));

    let pos = sink.pos();
    out.pipeline.line = pos.first_key_line(doc);
    out.pipeline.key_lines = pos.key_lines(doc);
    out.pipeline.env = get(doc, "variables").and_then(variables);
    out.pipeline.resources = get(doc, "include").map(includes).and_then(non_empty_vec);

    let mut triggers = Triggers::default();
    if let Some(rules) = get(doc, "workflow").and_then(|w| get(w, "rules")) {
        for rule in rules.as_sequence().into_iter().flatten() {
            for t in rule_triggers(rule) {
                triggers.add(t, pos.line(rule));
            }
        }
    }

    for (key, value) in top {
        let Some(job_id) = yaml::key_text(key) else {
            sink.error("a top-level key is not text".to_string());
            continue;
        };
        if RESERVED.contains(&job_id.as_str()) || job_id.starts_with('.') {
            continue;
        }
        let value = yaml::untag(value);
        if !value.is_mapping() {
            sink.error(format!("{job_id}: job is not a mapping"));
            continue;
        }
        let merged = resolve_extends(value, top, sink, &job_id, strict_extends);
        let job_v = &merged;
        let mut job = sink.job(&job_id);
        (job.line, job.column) = pos.line_column(key);
        job.key_lines = pos.key_lines(value);
        job.name = Some(job_id.clone());
        job.stage = Some(get_str(job_v, "stage").unwrap_or_else(|| "test".to_string()));
        let tags = get(job_v, "tags")
            .or_else(|| default.and_then(|d| get(d, "tags")))
            .map(yaml::strings)
            .unwrap_or_default();
        job.self_hosted = (!tags.is_empty()).then_some(true);
        job.runs_on = non_empty_vec(tags);
        job.container_image = get(job_v, "image")
            .or_else(|| default_of("image"))
            .and_then(image);
        job.services = get(job_v, "services")
            .or_else(|| default_of("services"))
            .map(|s| match s {
                Value::Sequence(items) => items.iter().filter_map(image).collect(),
                other => image(other).into_iter().collect(),
            })
            .and_then(non_empty_vec);
        job.environment = get(job_v, "environment").and_then(|e| match e {
            Value::Mapping(_) => get_str(e, "name"),
            other => scalar(other),
        });
        job.needs = get(job_v, "needs")
            .map(|n| match n {
                Value::Sequence(items) => items
                    .iter()
                    .filter_map(|i| scalar(i).or_else(|| get_str(i, "job")))
                    .collect(),
                _ => Vec::new(),
            })
            .and_then(non_empty_vec);
        let rules = get(job_v, "rules");
        let only = get(job_v, "only");
        job.if_condition = rules
            .map(|r| format!("rules: {}", yaml::text(r).unwrap_or_default()))
            .or_else(|| only.map(|o| format!("only: {}", yaml::text(o).unwrap_or_default())));
        job.env = get(job_v, "variables").and_then(variables);
        job.secrets_referenced = Some(
            get(job_v, "secrets")
                .and_then(Value::as_mapping)
                .map(|m| m.keys().filter_map(yaml::key_text).collect())
                .unwrap_or_default(),
        );
        job.reusable_workflow = get(job_v, "trigger").and_then(|t| match t {
            Value::Mapping(_) => {
                get_str(t, "project").or_else(|| get(t, "include").and_then(yaml::text))
            }
            other => scalar(other),
        });

        let sources = job_sources(value, rules, only, pos);
        if sources.is_empty() {
            triggers.add("push", None);
        }
        for (t, line) in sources {
            triggers.add(t, line);
        }

        let mut index = 0;
        for section in ["before_script", "script", "after_script"] {
            let body = if section == "script" {
                get(job_v, section)
            } else {
                get(job_v, section).or_else(|| default_of(section))
            };
            let Some(body) = body else { continue };
            let mut step = sink.step(&job_id, index);
            let mut owners = vec![value];
            owners.extend(ancestors(value, top));
            if section != "script" {
                owners.extend(default);
                owners.push(doc);
            }
            if let Some(k) = owners.into_iter().find_map(|o| pos.key(o, section)) {
                (step.line, step.column) = (k.line_i64(), k.column_i64());
                step.key_lines = k
                    .line_i64()
                    .map(|l| BTreeMap::from([(section.to_string(), l)]));
            }
            step.kind = Some("run".to_string());
            step.name = Some(section.to_string());
            step.script = Some(yaml::strings(body).join("\n"));
            out.steps.push(step);
            index += 1;
        }
        out.jobs.push(job);
    }
    out.pipeline.trigger_lines = yaml::non_empty(triggers.lines);
    out.pipeline.triggers = Some(triggers.names);
}

/// Normalised triggers in order of appearance, with the first line known for each.
#[derive(Default)]
struct Triggers {
    names: Vec<String>,
    lines: BTreeMap<String, i64>,
}

impl Triggers {
    fn add(&mut self, t: &str, line: Option<i64>) {
        if !self.names.iter().any(|x| x == t) {
            self.names.push(t.to_string());
        }
        if let Some(line) = line {
            self.lines.entry(t.to_string()).or_insert(line);
        }
    }
}

/// The triggers a job's `rules:` (or else `only:`) admit, each with the line of the rule (or
/// of `only:`) when the job itself declares it (inherited rules have no line).
fn job_sources(
    raw: &Value,
    rules: Option<&Value>,
    only: Option<&Value>,
    pos: &Positions<'_>,
) -> Vec<(&'static str, Option<i64>)> {
    let mut out = Vec::new();
    if let Some(r) = rules {
        // A job's own `rules` replace inherited ones, so the merged list is the raw one.
        let items = get(raw, "rules").unwrap_or(r);
        for rule in items.as_sequence().into_iter().flatten() {
            let line = pos.line(rule);
            out.extend(rule_triggers(rule).into_iter().map(|t| (t, line)));
        }
    } else if let Some(o) = only {
        let line = pos.key_line(raw, "only");
        out.extend(only_sources(o).into_iter().map(|t| (t, line)));
    }
    out
}

/// The hidden jobs and templates a job `extends`, nearest first (later parents win in GitLab's
/// merge, so they come first), at most 10 levels deep.
fn ancestors<'a>(job: &'a Value, top: &'a Mapping) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = Vec::new();
    let mut frontier = vec![job];
    for _ in 0..10 {
        let mut next = Vec::new();
        for j in frontier {
            let parents = get(j, "extends").map(yaml::strings).unwrap_or_default();
            for parent in parents.iter().rev() {
                if let Some(p) = top.get(parent.as_str()).map(yaml::untag)
                    && !out.iter().any(|o| std::ptr::eq(*o, p))
                {
                    out.push(p);
                    next.push(p);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    out
}

/// An image given as `name` or `{name: ...}`.
fn image(v: &Value) -> Option<String> {
    match v {
        Value::Mapping(_) => get_str(v, "name"),
        other => scalar(other),
    }
}

/// Variables whose values are scalars or `{value: ..., description: ...}`.
fn variables(v: &Value) -> Option<std::collections::BTreeMap<String, String>> {
    let m = v.as_mapping()?;
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in m {
        let Some(k) = yaml::key_text(k) else { continue };
        let value = match v {
            Value::Mapping(_) => get(v, "value").and_then(yaml::text),
            other => yaml::text(other),
        };
        out.insert(k, value.unwrap_or_default());
    }
    yaml::non_empty(out).or_else(|| string_map(v).and_then(yaml::non_empty))
}

/// `include:` entries as resources.
fn includes(v: &Value) -> Vec<PipelineResource> {
    let items: Vec<&Value> = match v {
        Value::Sequence(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for item in items {
        let item = yaml::untag(item);
        if let Some(s) = scalar(item) {
            out.push(PipelineResource {
                kind: Some("include".to_string()),
                name: Some(
                    if s.starts_with("http") {
                        "remote"
                    } else {
                        "local"
                    }
                    .to_string(),
                ),
                source: Some(s),
                r#ref: None,
            });
            continue;
        }
        for key in ["local", "remote", "template", "component", "project"] {
            let Some(source) = get_str(item, key) else {
                continue;
            };
            let (source, r) = match key {
                "component" => match source.rsplit_once('@') {
                    Some((c, r)) => (c.to_string(), Some(r.to_string())),
                    None => (source, None),
                },
                "project" => {
                    let files = get(item, "file").map(yaml::strings).unwrap_or_default();
                    let src = if files.is_empty() {
                        source
                    } else {
                        format!("{source}:{}", files.join(","))
                    };
                    (src, get_str(item, "ref"))
                }
                _ => (source, None),
            };
            out.push(PipelineResource {
                kind: Some("include".to_string()),
                name: Some(key.to_string()),
                source: Some(source),
                r#ref: r,
            });
        }
    }
    out
}

/// Triggers one rule of a `rules:` list admits (a rule with `when: never` excludes, so it adds
/// nothing).
fn rule_triggers(rule: &Value) -> Vec<&'static str> {
    let mut out = Vec::new();
    if get_str(rule, "when").as_deref() == Some("never") {
        return out;
    }
    let Some(cond) = get_str(rule, "if") else {
        return out;
    };
    for clause in cond.split("||") {
        for part in clause.split("&&") {
            let part = part.trim().trim_matches(['(', ')']).trim();
            let negated = part.contains("!=") || part.contains("!~") || part.starts_with('!');
            if negated {
                continue;
            }
            if part.contains("CI_PIPELINE_SOURCE") {
                for (name, trigger) in SOURCES {
                    if part.contains(&format!("\"{name}\"")) || part.contains(&format!("'{name}'"))
                    {
                        out.push(*trigger);
                    }
                }
            } else if part.contains("$CI_MERGE_REQUEST_")
                || part.contains("$CI_EXTERNAL_PULL_REQUEST_")
            {
                out.push("pr");
            } else if part.contains("$CI_COMMIT_BRANCH") || part.contains("$CI_COMMIT_TAG") {
                out.push("push");
            }
        }
    }
    out
}

/// Triggers an `only:` list (or `{refs: [...]}`) admits.
fn only_sources(only: &Value) -> Vec<&'static str> {
    let refs = match only {
        Value::Mapping(_) => get(only, "refs").map(yaml::strings).unwrap_or_default(),
        other => yaml::strings(other),
    };
    let mut out = Vec::new();
    for r in refs {
        out.push(match r.as_str() {
            "merge_requests" | "external_pull_requests" => "pr",
            "schedules" => "schedule",
            "web" => "manual",
            "api" => "api",
            "triggers" => "trigger",
            "pipelines" => "pipeline",
            _ => "push",
        });
    }
    out
}

/// The job with its `extends:` templates deep-merged underneath it.
fn resolve_extends(
    job: &Value,
    top: &Mapping,
    sink: &mut Sink<'_>,
    job_id: &str,
    strict: bool,
) -> Value {
    let mut seen = Vec::new();
    let mut budget = 256usize;
    resolve(job, top, sink, job_id, &mut seen, &mut budget, strict)
}

fn resolve(
    job: &Value,
    top: &Mapping,
    sink: &mut Sink<'_>,
    job_id: &str,
    seen: &mut Vec<String>,
    budget: &mut usize,
    strict: bool,
) -> Value {
    let Some(parents) = get(job, "extends").map(yaml::strings) else {
        return job.clone();
    };
    if seen.len() > 10 || *budget == 0 {
        sink.error(format!("{job_id}: `extends` nested too deeply"));
        return job.clone();
    }
    *budget -= 1;
    let mut base = Value::Mapping(Mapping::new());
    for parent in parents {
        if seen.contains(&parent) {
            sink.error(format!("{job_id}: `extends` cycle through `{parent}`"));
            continue;
        }
        match top.get(parent.as_str()) {
            Some(p) => {
                seen.push(parent.clone());
                let resolved = resolve(yaml::untag(p), top, sink, job_id, seen, budget, strict);
                seen.pop();
                merge(&mut base, &resolved, 0);
            }
            None if strict => sink.error(format!(
                "{job_id}: `extends` names `{parent}`, not defined in this file"
            )),
            None => tracing::debug!(
                job_id,
                parent,
                "`extends` template defined outside this file"
            ),
        }
    }
    merge(&mut base, job, 0);
    if let Value::Mapping(m) = &mut base {
        m.remove("extends");
    }
    base
}

/// GitLab's deep merge: mappings merge key by key, anything else is replaced.
fn merge(base: &mut Value, over: &Value, depth: usize) {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) if depth < 16 => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_mapping() && v.is_mapping() => {
                        merge(existing, v, depth + 1)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}
