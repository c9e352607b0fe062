//! The bundled rule pack through the real engine.
//!
//! For every rule file `queries/<area>/<id>.sql` this test
//! - checks the header (required keys, id = file name, severity, tactics, parameters),
//! - loads the fixture estates of `queries/tests/<area>.yaml` (`<id>: { fail: …, pass: … }`,
//!   each estate `{ table: [ {column: value, …}, … ] }`) into a [`Dataset`],
//! - runs the rule (header stripped, `{{param}}` replaced by its default) and asserts that the
//!   `fail` estate yields at least one `fail` row and the `pass` estate no `fail` row and at least
//!   one `pass` row (an optional `unknown` estate must yield at least one `unknown` row),
//! - for a rule about a pipeline file (a `workflows`, `azure-devops` or `cross` rule reading
//!   `pipelines`, `pipeline_jobs` or `pipeline_steps`): asserts that it returns `path` and `line`,
//!   that every failing row with a `path` has a `line`, and that the `fail` estate reports each
//!   of the case's `locations` (`[{path, line, column}]`, column optional) on a failing row,
//!
//! then checks that every Defender for Cloud recommendation is referenced by a rule and every rule
//! of the catalogue exists. All problems are printed before the single assertion, so one run shows
//! everything that is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use devquery_engine::datafusion::arrow::array::{Array, ArrayRef, AsArray};
use devquery_engine::datafusion::arrow::compute::cast;
use devquery_engine::datafusion::arrow::datatypes::{DataType, Int64Type};
use devquery_engine::datafusion::arrow::record_batch::RecordBatch;
use devquery_engine::{Engine, EngineOptions};
use devquery_model::{Dataset, find, to_batch};
use serde_json::Value;

/// Rule areas (directories under `queries/`).
const AREAS: &[&str] = &[
    "github-org",
    "github-actions",
    "repos",
    "azure-devops",
    "workflows",
    "cross",
];

const REQUIRED_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "platforms",
    "description",
    "remediation",
    "tactics",
    "references",
];

const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

const TACTICS: &[&str] = &[
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "credential-access",
    "lateral-movement",
    "defense-evasion",
    "impact",
    "exfiltration",
];

const PLATFORMS: &[&str] = &["github", "azure_devops", "gitlab", "local"];

/// Microsoft Defender for Cloud DevOps recommendations (GitHub and Azure DevOps) that the
/// collected data decides; each must be named in some rule's `references`.
const DEFENDER: &[&str] = &[
    // GitHub, titles as in learn.microsoft.com "Security recommendations for DevOps resources"
    // (azure/defender-for-cloud/recommendations-reference-devops), GitHub section.
    "GitHub organizations should not make action secrets accessible to all repositories",
    "GitHub repositories should have secret scanning enabled",
    "GitHub repositories should have code scanning enabled",
    "GitHub repositories should have Dependabot scanning enabled",
    "GitHub repositories should have secret scanning findings resolved",
    "GitHub repositories should have code scanning findings resolved",
    "GitHub repositories should have dependency vulnerability scanning findings resolved",
    "GitHub repositories should have infrastructure as code scanning findings resolved",
    "GitHub repositories should have protection policies for default branch enabled",
    "GitHub repositories should have force pushes to default branch disabled",
    "GitHub organizations should have secret scanning push protection enabled",
    "GitHub repositories shouldn't use self hosted runners",
    "GitHub organizations should have actions workflow permissions set to read-only",
    "GitHub organizations should have more than one person with administrator permissions",
    "GitHub organizations should have base permissions set to no permissions or read",
    "(Preview) GitHub repositories should have API security testing findings resolved",
    "(Preview) GitHub organizations should block Copilot suggestions that match public code",
    "(Preview) GitHub organizations should enforce multifactor authentication for outside collaborators",
    "(Preview) GitHub repositories should require minimum two-reviewer approval for code pushes",
    // Azure DevOps section of the same page.
    "Azure DevOps repositories should have GitHub Advanced Security for Azure DevOps (GHAzDO) enabled",
    "Azure DevOps repositories should have secret scanning findings resolved",
    "Azure DevOps repositories should have code scanning findings resolved",
    "Azure DevOps repositories should have dependency vulnerability scanning findings resolved",
    "Azure DevOps repositories should have infrastructure as code scanning findings resolved",
    "Azure DevOps pipelines shouldn't have secrets available to builds of forks",
    "Azure DevOps service connections shouldn't grant access to all pipelines",
    "Azure DevOps secure files shouldn't grant access to all pipelines",
    "Azure DevOps variable groups with secret variables shouldn't grant access to all pipelines",
    "Azure DevOps Classic Azure service connections shouldn't be used to access a subscription",
    "(Preview) Azure DevOps repositories should have API security testing findings resolved",
    "(Preview) Azure DevOps repositories should require minimum two-reviewer approval for code pushes",
    "(Preview) Azure DevOps repositories should not allow requestors to approve their own Pull Requests",
    "(Preview) Azure DevOps projects should have creation of classic pipelines disabled",
];

#[derive(Debug, Default)]
struct Header {
    keys: BTreeMap<String, String>,
    params: BTreeMap<String, String>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Parses the `-- key: value` header; continuation lines (`--   text`) extend the previous key.
fn parse_header(text: &str, problems: &mut Vec<String>) -> (Header, String) {
    let mut header = Header::default();
    let mut last: Option<String> = None;
    let mut body = Vec::new();
    let mut in_header = true;
    for (n, line) in text.lines().enumerate() {
        if in_header && line.starts_with("--") {
            let rest = &line[2..];
            if rest.starts_with("   ") && last.is_some() {
                if let Some(k) = &last {
                    let v = header.keys.entry(k.clone()).or_default();
                    v.push(' ');
                    v.push_str(rest.trim());
                }
                continue;
            }
            let rest = rest.trim();
            if rest.is_empty() {
                continue;
            }
            let Some((k, v)) = rest.split_once(':') else {
                problems.push(format!("line {}: header line without `key:`", n + 1));
                continue;
            };
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if k == "param" {
                match v.split_once('=') {
                    Some((name, default)) => {
                        let d = default.trim();
                        let d = ['\'', '"']
                            .iter()
                            .find_map(|q| d.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
                            .unwrap_or(d);
                        header.params.insert(name.trim().to_string(), d.to_string());
                    }
                    None => problems.push(format!("line {}: param without `= default`", n + 1)),
                }
                last = None;
                continue;
            }
            if header.keys.insert(k.clone(), v).is_some() {
                problems.push(format!("line {}: duplicate header key `{k}`", n + 1));
            }
            last = Some(k);
        } else {
            in_header = false;
            body.push(line);
        }
    }
    (header, body.join("\n"))
}

/// True when `v` is a number literal (`5`, `-3`, `0.5`).
fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// Replaces `{{name}}` the way the rule loader does: inside a quoted literal the value is
/// inserted as is, elsewhere a number as is and anything else as a quoted string.
fn substitute(sql: &str, params: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(sql.len());
    let mut in_quote = false;
    let mut i = 0;
    while i < sql.len() {
        let rest = &sql[i..];
        if let Some(inner) = rest.strip_prefix("{{")
            && let Some(end) = inner.find("}}")
        {
            let name = inner[..end].trim();
            let value = params
                .get(name)
                .ok_or_else(|| format!("undeclared parameter {{{{{name}}}}}"))?;
            if in_quote || is_number(value) {
                out.push_str(&value.replace('\'', "''"));
            } else {
                out.push('\'');
                out.push_str(&value.replace('\'', "''"));
                out.push('\'');
            }
            i += 2 + end + 2;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c == '\'' {
            in_quote = !in_quote;
        }
        out.push(c);
        i += c.len_utf8();
    }
    Ok(out)
}

fn check_header(id: &str, h: &Header, problems: &mut Vec<String>) {
    for k in REQUIRED_KEYS {
        match h.keys.get(*k) {
            Some(v) if !v.is_empty() => {}
            _ => problems.push(format!("missing header `{k}`")),
        }
    }
    for k in h.keys.keys() {
        if !REQUIRED_KEYS.contains(&k.as_str()) {
            problems.push(format!("unknown header key `{k}`"));
        }
    }
    if let Some(v) = h.keys.get("id")
        && v != id
    {
        problems.push(format!("header id `{v}` differs from the file name `{id}`"));
    }
    let kebab = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if !kebab {
        problems.push(format!("id `{id}` is not kebab-case"));
    }
    if let Some(s) = h.keys.get("severity")
        && !SEVERITIES.contains(&s.as_str())
    {
        problems.push(format!("unknown severity `{s}`"));
    }
    for list in ["tactics", "platforms"] {
        let allowed = if list == "tactics" {
            TACTICS
        } else {
            PLATFORMS
        };
        if let Some(v) = h.keys.get(list) {
            for t in v.split(',').map(str::trim) {
                if !allowed.contains(&t) {
                    problems.push(format!("unknown {list} value `{t}`"));
                }
            }
        }
    }
}

/// Builds a dataset from an estate `{ table: [rows] }`, filling missing join keys from `defaults`.
fn dataset(estate: &Value, defaults: &serde_json::Map<String, Value>) -> Result<Dataset, String> {
    let mut ds = Dataset::new();
    let Some(tables) = estate.as_object() else {
        return Err("estate is not a mapping of table -> rows".into());
    };
    for (table, rows) in tables {
        let spec = find(table).ok_or_else(|| format!("unknown table `{table}`"))?;
        let rows = rows
            .as_array()
            .ok_or_else(|| format!("rows of `{table}` are not a list"))?;
        let mut filled = Vec::new();
        for row in rows {
            let mut obj = row
                .as_object()
                .cloned()
                .ok_or_else(|| format!("a row of `{table}` is not a mapping"))?;
            for (k, v) in defaults {
                if spec.column(k).is_some() && !obj.contains_key(k) {
                    obj.insert(k.clone(), v.clone());
                }
            }
            filled.push(Value::Object(obj));
        }
        let batch = to_batch(&spec, &filled).map_err(|e| e.to_string())?;
        ds.push_batch(table, batch);
    }
    Ok(ds)
}

/// Areas whose rules reading the pipeline tables are about a pipeline file.
const FILE_AREAS: &[&str] = &["workflows", "azure-devops", "cross"];

/// Where a finding is: `path`, `line`, `column` as the rule returned them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: Option<String>,
    line: Option<i64>,
    column: Option<i64>,
}

#[derive(Debug, Default)]
struct Counts {
    fail: usize,
    pass: usize,
    unknown: usize,
    rows: usize,
    /// Whether the result has `path` and `line` columns.
    has_location: bool,
    /// The location of every failing row.
    fail_at: Vec<Location>,
}

/// Whether the SQL reads one of the pipeline tables (`FROM`/`JOIN pipelines`, ...).
fn reads_pipeline_tables(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    tokens.windows(2).any(|w| {
        (w[0] == "from" || w[0] == "join")
            && matches!(
                w[1].trim_matches(['(', ')', ',', ';']),
                "pipelines" | "pipeline_jobs" | "pipeline_steps"
            )
    })
}

/// Column `name` of `batch` cast to `to`, `None` when the result has no such column.
fn column_as(batch: &RecordBatch, name: &str, to: &DataType) -> Result<Option<ArrayRef>, String> {
    match batch.schema().index_of(name) {
        Ok(i) => cast(batch.column(i), to)
            .map(Some)
            .map_err(|e| format!("column `{name}`: {e}")),
        Err(_) => Ok(None),
    }
}

/// The locations of the failing rows of `batch` (`status` already cast to text).
fn fail_locations(
    batch: &RecordBatch,
    status: &dyn Array,
    out: &mut Vec<Location>,
) -> Result<(), String> {
    let path = column_as(batch, "path", &DataType::Utf8)?;
    let line = column_as(batch, "line", &DataType::Int64)?;
    let column = column_as(batch, "column", &DataType::Int64)?;
    let status = status.as_string::<i32>();
    for i in 0..batch.num_rows() {
        if status.is_null(i) || status.value(i) != "fail" {
            continue;
        }
        let text = |a: &Option<ArrayRef>| {
            a.as_ref()
                .filter(|a| !a.is_null(i))
                .map(|a| a.as_string::<i32>().value(i).to_string())
        };
        let int = |a: &Option<ArrayRef>| {
            a.as_ref()
                .filter(|a| !a.is_null(i))
                .map(|a| a.as_primitive::<Int64Type>().value(i))
        };
        out.push(Location {
            path: text(&path),
            line: int(&line),
            column: int(&column),
        });
    }
    Ok(())
}

async fn run(
    sql: &str,
    estate: &Value,
    defaults: &serde_json::Map<String, Value>,
) -> Result<Counts, String> {
    let ds = dataset(estate, defaults)?;
    let engine = Engine::from_dataset(&ds, EngineOptions::default()).map_err(|e| e.to_string())?;
    let out = engine.query(sql).await.map_err(|e| e.to_string())?;
    for col in ["resource_type", "resource", "reason", "status"] {
        if out.schema.index_of(col).is_err() {
            return Err(format!("result has no `{col}` column"));
        }
    }
    let mut counts = Counts {
        has_location: out.schema.index_of("path").is_ok() && out.schema.index_of("line").is_ok(),
        ..Counts::default()
    };
    for batch in &out.batches {
        let idx = batch
            .schema()
            .index_of("status")
            .map_err(|e| e.to_string())?;
        let status_array = cast(batch.column(idx), &DataType::Utf8).map_err(|e| e.to_string())?;
        fail_locations(batch, status_array.as_ref(), &mut counts.fail_at)?;
        let status = status_array.as_string::<i32>();
        let res_idx = batch
            .schema()
            .index_of("resource")
            .map_err(|e| e.to_string())?;
        let resource = batch.column(res_idx);
        for i in 0..batch.num_rows() {
            counts.rows += 1;
            if resource.is_null(i) {
                return Err(format!("row {i} has a NULL resource"));
            }
            match (!status.is_null(i)).then(|| status.value(i)) {
                Some("fail") => counts.fail += 1,
                Some("pass") => counts.pass += 1,
                Some("unknown") => counts.unknown += 1,
                other => return Err(format!("row {i} has status {other:?}")),
            }
        }
    }
    Ok(counts)
}

/// The case's `locations`: where the `fail` estate must report failing rows.
fn expected_locations(case: &Value) -> Result<Vec<Location>, String> {
    let Some(list) = case.get("locations") else {
        return Ok(Vec::new());
    };
    let items = list
        .as_array()
        .ok_or_else(|| "`locations` is not a list".to_string())?;
    items
        .iter()
        .map(|l| {
            let line = l
                .get("line")
                .and_then(Value::as_i64)
                .ok_or_else(|| format!("location without an integer `line`: {l}"))?;
            Ok(Location {
                path: l.get("path").and_then(Value::as_str).map(str::to_string),
                line: Some(line),
                column: l.get("column").and_then(Value::as_i64),
            })
        })
        .collect()
}

/// A rule about a pipeline file returns `path` and `line`, gives every failing row with a path
/// a line, and reports the expected locations in its `fail` estate.
fn check_locations(estate: &str, c: &Counts, expected: &[Location], p: &mut Vec<String>) {
    if !c.has_location {
        p.push(format!(
            "{estate} estate: the result has no `path` and `line` columns"
        ));
        return;
    }
    for at in &c.fail_at {
        if at.path.is_some() && at.line.is_none() {
            p.push(format!(
                "{estate} estate: a failing row in {at:?} has no line"
            ));
        }
    }
    if estate != "fail" {
        return;
    }
    for want in expected {
        let found = c.fail_at.iter().any(|at| {
            at.path == want.path
                && at.line == want.line
                && (want.column.is_none() || at.column == want.column)
        });
        if !found {
            p.push(format!(
                "fail estate: no failing row at {want:?}; failing rows are at {:?}",
                c.fail_at
            ));
        }
    }
}

struct Rule {
    area: String,
    id: String,
    header: Header,
    sql: String,
}

fn load_rules(problems: &mut BTreeMap<String, Vec<String>>) -> Vec<Rule> {
    let mut rules = Vec::new();
    let queries = root().join("queries");
    let mut seen = BTreeSet::new();
    for area in AREAS {
        let dir = queries.join(area);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            problems
                .entry(format!("queries/{area}"))
                .or_default()
                .push("directory missing".into());
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        for path in files {
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let key = format!("{area}/{id}");
            let mut p = Vec::new();
            if !seen.insert(id.clone()) {
                p.push("duplicate rule id".into());
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let (header, sql) = parse_header(&text, &mut p);
            check_header(&id, &header, &mut p);
            if !p.is_empty() {
                problems.entry(key).or_default().extend(p);
            }
            rules.push(Rule {
                area: (*area).to_string(),
                id,
                header,
                sql,
            });
        }
    }
    rules
}

fn load_fixtures(area: &str) -> Result<Value, String> {
    let path = root().join("queries/tests").join(format!("{area}.yaml"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(v)
}

/// Rule ids of the catalogue, and those it marks as Defender recommendations.
fn catalogue() -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let text = std::fs::read_to_string(root().join("../shared/rules-catalog.md")).ok()?;
    let mut all = BTreeSet::new();
    let mut defender = BTreeSet::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 || cells[1] == "id" || cells[1].starts_with("---") {
            continue;
        }
        let id = cells[1].to_string();
        if cells
            .get(4)
            .is_some_and(|m| m.split([',', ' ']).any(|w| w == "D"))
        {
            defender.insert(id.clone());
        }
        all.insert(id);
    }
    Some((all, defender))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_fails_and_passes_on_its_fixtures() {
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rules = load_rules(&mut problems);
    let mut fixtures: BTreeMap<String, Value> = BTreeMap::new();
    for area in AREAS {
        match load_fixtures(area) {
            Ok(v) => {
                fixtures.insert((*area).to_string(), v);
            }
            Err(e) => problems
                .entry(format!("queries/tests/{area}.yaml"))
                .or_default()
                .push(e),
        }
    }
    let only = std::env::var("RULE").ok();

    for rule in &rules {
        if only.as_deref().is_some_and(|o| !rule.id.contains(o)) {
            continue;
        }
        let key = format!("{}/{}", rule.area, rule.id);
        let mut p = Vec::new();
        let sql = match substitute(&rule.sql, &rule.header.params) {
            Ok(s) => s,
            Err(e) => {
                problems.entry(key).or_default().push(e);
                continue;
            }
        };
        let area = fixtures.get(&rule.area);
        let defaults = area
            .and_then(|a| a.get("defaults"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let Some(case) = area.and_then(|a| a.get(&rule.id)) else {
            problems
                .entry(key)
                .or_default()
                .push(format!("no fixtures in queries/tests/{}.yaml", rule.area));
            continue;
        };
        let about_file =
            FILE_AREAS.contains(&rule.area.as_str()) && reads_pipeline_tables(&rule.sql);
        let locations = match expected_locations(case) {
            Ok(l) => l,
            Err(e) => {
                p.push(e);
                Vec::new()
            }
        };
        if !about_file && !locations.is_empty() {
            p.push("`locations` given for a rule that is not about a pipeline file".into());
        }
        for estate in ["fail", "pass", "unknown"] {
            let Some(data) = case.get(estate) else {
                if estate != "unknown" {
                    p.push(format!("no `{estate}` estate"));
                }
                continue;
            };
            match run(&sql, data, &defaults).await {
                Err(e) => p.push(format!("{estate} estate: {e}")),
                Ok(c) => {
                    if about_file {
                        check_locations(estate, &c, &locations, &mut p);
                    }
                    let ok = match estate {
                        "fail" => c.fail >= 1,
                        "pass" => c.fail == 0 && c.pass >= 1,
                        _ => c.unknown >= 1,
                    };
                    if std::env::var("VERBOSE").is_ok() || !ok {
                        let line = format!(
                            "{estate} estate: {} rows, {} fail, {} pass, {} unknown",
                            c.rows, c.fail, c.pass, c.unknown
                        );
                        if ok {
                            println!("{key}: {line}");
                        } else {
                            p.push(line);
                        }
                    }
                }
            }
        }
        if !p.is_empty() {
            problems.entry(key).or_default().extend(p);
        }
    }

    // Fixture cases without a rule.
    for (area, v) in &fixtures {
        if let Some(obj) = v.as_object() {
            for id in obj.keys().filter(|k| *k != "defaults") {
                if !rules.iter().any(|r| &r.area == area && &r.id == id) {
                    problems
                        .entry(format!("queries/tests/{area}.yaml"))
                        .or_default()
                        .push(format!(
                            "fixtures for `{id}` but no rule queries/{area}/{id}.sql"
                        ));
                }
            }
        }
    }

    if only.is_none() {
        // Every Defender recommendation is referenced by a rule header.
        let refs: Vec<&str> = rules
            .iter()
            .filter_map(|r| r.header.keys.get("references").map(String::as_str))
            .collect();
        for title in DEFENDER {
            let quoted = format!("\"{title}\"");
            if !refs.iter().any(|r| r.contains(&quoted)) {
                problems
                    .entry("defender".into())
                    .or_default()
                    .push(format!("no rule references {quoted}"));
            }
        }
        // Every rule of the catalogue exists; those marked `D` name a Defender recommendation.
        if let Some((all, defender)) = catalogue() {
            for id in &all {
                match rules.iter().find(|r| &r.id == id) {
                    None => problems
                        .entry("catalogue".into())
                        .or_default()
                        .push(format!("rule `{id}` of rules-catalog.md has no file")),
                    Some(r) if defender.contains(id) => {
                        let refs = r.header.keys.get("references").cloned().unwrap_or_default();
                        if !refs.contains("Defender: \"") {
                            problems
                                .entry(format!("{}/{}", r.area, r.id))
                                .or_default()
                                .push("catalogue marks it `D` but references name no Defender recommendation".into());
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }

    println!("{} rules checked", rules.len());
    for (k, ps) in &problems {
        for p in ps {
            println!("FAIL {k}: {p}");
        }
    }
    assert!(
        problems.is_empty(),
        "{} rules or files with problems (see above)",
        problems.len()
    );
}
