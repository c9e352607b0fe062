//! GitHub code scanning's documented ingestion requirements, as checks on a SARIF log.
//!
//! Each check cites where the requirement comes from: the "SARIF support for code scanning"
//! page (required properties, value ranges and the limits table), its troubleshooting pages
//! ("results exceed limit", "file too large", "SARIF invalid"), the processing errors the
//! upload action recognises (`expected at least one location`, `expected artifact location`,
//! `invalid security severity value, is not a number`, `unsuccessful execution`, `multiple runs
//! with the same category`), and the GitHub rules of Microsoft's SARIF Multitool (GH1001 location
//! URI, GH1003 region start line, GH1005 file-path URIs, GH1006 absolute file URIs, GH1007
//! flattened messages, GH2012 descriptor texts, Base1014–1018 required run, result, location and
//! tool properties, SARIF1010 rule ids that exist). An empty list means code scanning accepts
//! the log.
//!
//! The checks read the log as plain JSON ([`serde_json::Value`]), not as `serde-sarif`'s typed
//! structs: they judge the bytes that are uploaded, whoever wrote them, and must be able to name
//! what a typed model cannot hold — a level outside the schema's words, a string where a number
//! belongs, a required object left out. Deserialising into the typed model first would stop at
//! the first such value, before the check could say which property is wrong and why code
//! scanning cares.

use std::collections::HashSet;
use std::fmt::Display;

use serde_json::Value;

use super::limits;

/// Every problem GitHub code scanning would reject (or silently drop) in `log`; empty when none.
pub fn check_github_ingestion(log: &Value) -> Vec<String> {
    let mut c = Checker::default();
    c.log(log);
    c.problems
}

/// [`check_github_ingestion`] on a file's bytes, plus the size limit of the gzip-compressed
/// upload.
pub fn check_github_upload(bytes: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    match super::gzip_len(bytes) {
        Ok(n) if n > limits::GZIP_BYTES => problems.push(format!(
            "file: {n} bytes gzip-compressed, over code scanning's {} bytes",
            limits::GZIP_BYTES
        )),
        Ok(_) => {}
        Err(e) => problems.push(format!("file: cannot compress: {e}")),
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(log) => problems.extend(check_github_ingestion(&log)),
        Err(e) => problems.push(format!("file: not JSON: {e}")),
    }
    problems
}

#[derive(Default)]
struct Checker {
    problems: Vec<String>,
}

fn text_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn non_empty(s: Option<&str>) -> bool {
    s.is_some_and(|s| !s.trim().is_empty())
}

/// Code scanning's category of an `automationDetails.id`: everything before the last `/`.
fn category_of(id: Option<&str>) -> String {
    id.and_then(|id| id.rsplit_once('/'))
        .map(|(category, _)| category.to_string())
        .unwrap_or_default()
}

impl Checker {
    fn fail(&mut self, at: &str, what: impl Display) {
        self.problems.push(format!("{at}: {what}"));
    }

    /// `sarifLog`: `$schema`, `version`, `runs` (1 to 20, one per tool and category).
    fn log(&mut self, log: &Value) {
        match text_at(log, "/$schema") {
            Some(s) if s.ends_with("sarif-2.1.0.json") || s.ends_with("sarif-2.1.0") => {}
            other => self.fail(
                "$schema",
                format!("required, the final SARIF 2.1.0 schema; found {other:?}"),
            ),
        }
        if text_at(log, "/version") != Some("2.1.0") {
            self.fail("version", "code scanning only supports \"2.1.0\"");
        }
        let Some(runs) = log.get("runs").and_then(Value::as_array) else {
            self.fail("runs", "required array");
            return;
        };
        if runs.is_empty() {
            self.fail("runs", "a SARIF file contains one or more runs");
        }
        if runs.len() > limits::RUNS_PER_FILE {
            self.fail(
                "runs",
                format!(
                    "{} runs, over the limit of {}",
                    runs.len(),
                    limits::RUNS_PER_FILE
                ),
            );
        }
        let mut categories = HashSet::new();
        for (i, run) in runs.iter().enumerate() {
            let at = format!("runs[{i}]");
            self.run(&at, run);
            let tool = text_at(run, "/tool/driver/name").unwrap_or("").to_string();
            let category = category_of(text_at(run, "/automationDetails/id"));
            if !categories.insert((tool, category.clone())) {
                self.fail(&at, format!("a delivery cannot contain multiple runs with the same category ({category:?})"));
            }
        }
    }

    /// `run`: `tool.driver` with `name` and `rules`, `results`, the limits, invocations.
    fn run(&mut self, at: &str, run: &Value) {
        if !non_empty(text_at(run, "/tool/driver/name")) {
            self.fail(&format!("{at}.tool.driver.name"), "required, non-empty");
        }
        let rules: &[Value] = match run.pointer("/tool/driver/rules").and_then(Value::as_array) {
            Some(rules) => rules.as_slice(),
            None => {
                self.fail(&format!("{at}.tool.driver.rules"), "required array");
                &[]
            }
        };
        if rules.len() > limits::RULES_PER_RUN {
            self.fail(
                &format!("{at}.tool.driver.rules"),
                format!(
                    "{} rules, over the limit of {}",
                    rules.len(),
                    limits::RULES_PER_RUN
                ),
            );
        }
        if let Some(ext) = run.pointer("/tool/extensions").and_then(Value::as_array)
            && ext.len() > limits::EXTENSIONS_PER_RUN
        {
            self.fail(
                &format!("{at}.tool.extensions"),
                format!("over the limit of {}", limits::EXTENSIONS_PER_RUN),
            );
        }
        if run
            .pointer("/automationDetails/id")
            .is_some_and(|id| !id.is_string())
        {
            self.fail(&format!("{at}.automationDetails.id"), "must be a string");
        }
        let ids = self.rules(at, rules);
        self.invocations(at, run);
        let Some(results) = run.get("results").and_then(Value::as_array) else {
            self.fail(&format!("{at}.results"), "required array");
            return;
        };
        if results.len() > limits::RESULTS_PER_RUN {
            self.fail(
                &format!("{at}.results"),
                format!(
                    "{} results, over the limit of {}",
                    results.len(),
                    limits::RESULTS_PER_RUN
                ),
            );
        }
        for (j, r) in results.iter().enumerate() {
            self.result(&format!("{at}.results[{j}]"), r, &ids);
        }
    }

    /// An unsuccessful execution is stored as a failed analysis: none of its results become
    /// alerts.
    fn invocations(&mut self, at: &str, run: &Value) {
        let Some(invocations) = run.get("invocations").and_then(Value::as_array) else {
            return;
        };
        for (i, inv) in invocations.iter().enumerate() {
            if inv.get("executionSuccessful") == Some(&Value::Bool(false)) {
                self.fail(
                    &format!("{at}.invocations[{i}].executionSuccessful"),
                    "false: code scanning processes the upload as an unsuccessful execution and creates no alert",
                );
            }
        }
    }

    /// The rule ids, in order (results refer to them), after checking each descriptor.
    fn rules(&mut self, at: &str, rules: &[Value]) -> Vec<String> {
        let mut ids = Vec::with_capacity(rules.len());
        let mut seen = HashSet::new();
        for (k, rule) in rules.iter().enumerate() {
            let at = format!("{at}.tool.driver.rules[{k}]");
            let id = text_at(rule, "/id").unwrap_or("");
            if id.trim().is_empty() {
                self.fail(&format!("{at}.id"), "required, non-empty");
            } else if !seen.insert(id.to_string()) {
                self.fail(&format!("{at}.id"), format!("duplicate rule id {id:?}"));
            }
            ids.push(id.to_string());
            self.rule(&at, rule);
        }
        ids
    }

    /// `reportingDescriptor`: `name` ≤ 255, short and full description (required, ≤ 1024),
    /// `help.text` (required), `defaultConfiguration.level`, properties.
    fn rule(&mut self, at: &str, rule: &Value) {
        if let Some(name) = rule.get("name")
            && name
                .as_str()
                .is_none_or(|n| n.chars().count() > limits::NAME_CHARS)
        {
            self.fail(
                &format!("{at}.name"),
                format!("a string of at most {} characters", limits::NAME_CHARS),
            );
        }
        for field in ["shortDescription", "fullDescription"] {
            let text = text_at(rule, &format!("/{field}/text"));
            if !non_empty(text)
                || text.is_some_and(|t| t.chars().count() > limits::DESCRIPTION_CHARS)
            {
                self.fail(
                    &format!("{at}.{field}.text"),
                    format!(
                        "required, non-empty, at most {} characters",
                        limits::DESCRIPTION_CHARS
                    ),
                );
            }
        }
        if !non_empty(text_at(rule, "/help/text")) {
            self.fail(&format!("{at}.help.text"), "required, non-empty");
        }
        if let Some(level) = rule.pointer("/defaultConfiguration/level")
            && !matches!(level.as_str(), Some("note" | "warning" | "error"))
        {
            self.fail(
                &format!("{at}.defaultConfiguration.level"),
                "one of note, warning, error",
            );
        }
        if let Some(props) = rule.get("properties") {
            self.rule_properties(&format!("{at}.properties"), props);
        }
    }

    /// `tags` (≤ 20 strings), `security-severity` (a number as a string, 0.0 to 10.0),
    /// `precision`, `problem.severity`.
    fn rule_properties(&mut self, at: &str, props: &Value) {
        if let Some(tags) = props.get("tags") {
            let ok = tags.as_array().is_some_and(|t| {
                t.len() <= limits::TAGS_PER_RULE && t.iter().all(Value::is_string)
            });
            if !ok {
                self.fail(
                    &format!("{at}.tags"),
                    format!("an array of at most {} strings", limits::TAGS_PER_RULE),
                );
            }
        }
        if let Some(score) = props.get("security-severity") {
            let value = score.as_str().and_then(|s| s.trim().parse::<f64>().ok());
            if !value.is_some_and(|v| (0.0..=10.0).contains(&v)) {
                self.fail(&format!("{at}.security-severity"), format!("invalid security severity value {score}: a number from 0.0 to 10.0, as a string"));
            }
        }
        let allowed: [(&str, &[&str]); 2] = [
            ("precision", &["very-high", "high", "medium", "low"]),
            ("problem.severity", &["error", "warning", "recommendation"]),
        ];
        for (key, values) in allowed {
            if let Some(v) = props.get(key)
                && !v.as_str().is_some_and(|v| values.contains(&v))
            {
                self.fail(
                    &format!("{at}.{key}"),
                    format!("one of {}", values.join(", ")),
                );
            }
        }
    }

    /// `result`: a rule that exists, `message.text`, `partialFingerprints`, 1 to 1,000
    /// locations, each with a physical location.
    fn result(&mut self, at: &str, r: &Value, ids: &[String]) {
        let rule_id = text_at(r, "/ruleId").or_else(|| text_at(r, "/rule/id"));
        match rule_id {
            Some(id) if ids.iter().any(|x| x == id) => {}
            Some(id) => self.fail(
                &format!("{at}.ruleId"),
                format!("{id:?} is not in tool.driver.rules"),
            ),
            None => self.fail(
                &format!("{at}.ruleId"),
                "required: code scanning files results by rule",
            ),
        }
        if let Some(index) = r.get("ruleIndex") {
            let named = index
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| ids.get(i));
            if named.map(String::as_str) != rule_id {
                self.fail(
                    &format!("{at}.ruleIndex"),
                    "must point at the rule named by ruleId",
                );
            }
        }
        if let Some(level) = r.get("level")
            && !matches!(level.as_str(), Some("none" | "note" | "warning" | "error"))
        {
            self.fail(&format!("{at}.level"), "one of none, note, warning, error");
        }
        if !non_empty(text_at(r, "/message/text")) {
            self.fail(
                &format!("{at}.message.text"),
                "required, non-empty (code scanning shows it as the alert title)",
            );
        }
        if !r.get("partialFingerprints").is_some_and(Value::is_object) {
            self.fail(&format!("{at}.partialFingerprints"), "required object");
        }
        self.result_locations(at, r);
        self.thread_flows(at, r);
    }

    fn result_locations(&mut self, at: &str, r: &Value) {
        match r.get("locations").and_then(Value::as_array) {
            None => self.fail(
                &format!("{at}.locations"),
                "required: code scanning rejects a result without a location",
            ),
            Some(l) if l.is_empty() => {
                self.fail(&format!("{at}.locations"), "expected at least one location")
            }
            Some(l) if l.len() > limits::LOCATIONS_PER_RESULT => self.fail(
                &format!("{at}.locations"),
                format!(
                    "{} locations, over the limit of {}",
                    l.len(),
                    limits::LOCATIONS_PER_RESULT
                ),
            ),
            Some(l) => {
                for (i, loc) in l.iter().enumerate() {
                    self.location(&format!("{at}.locations[{i}]"), loc);
                }
            }
        }
        if let Some(related) = r.get("relatedLocations").and_then(Value::as_array) {
            for (i, loc) in related.iter().enumerate() {
                self.location(&format!("{at}.relatedLocations[{i}]"), loc);
            }
        }
    }

    fn thread_flows(&mut self, at: &str, r: &Value) {
        let Some(flows) = r.get("codeFlows").and_then(Value::as_array) else {
            return;
        };
        let steps: usize = flows
            .iter()
            .filter_map(|f| f.get("threadFlows").and_then(Value::as_array))
            .flatten()
            .filter_map(|t| t.get("locations").and_then(Value::as_array))
            .map(Vec::len)
            .sum();
        if steps > limits::THREAD_FLOW_LOCATIONS_PER_RESULT {
            self.fail(
                &format!("{at}.codeFlows"),
                format!(
                    "{steps} thread flow locations, over the limit of {}",
                    limits::THREAD_FLOW_LOCATIONS_PER_RESULT
                ),
            );
        }
    }

    /// `location.physicalLocation` with `artifactLocation.uri` and `region.startLine`.
    fn location(&mut self, at: &str, loc: &Value) {
        let Some(phys) = loc.get("physicalLocation") else {
            self.fail(
                &format!("{at}.physicalLocation"),
                "required: expected a physical location",
            );
            return;
        };
        let at = format!("{at}.physicalLocation");
        match text_at(phys, "/artifactLocation/uri") {
            Some(uri) if !uri.trim().is_empty() => {
                self.uri(&format!("{at}.artifactLocation.uri"), uri)
            }
            _ => self.fail(
                &format!("{at}.artifactLocation.uri"),
                "required, non-empty: expected artifact location",
            ),
        }
        match phys.get("region") {
            Some(region) => self.region(&format!("{at}.region"), region),
            None => self.fail(&format!("{at}.region"), "required, with startLine"),
        }
    }

    /// A file path relative to the repository root, as a valid URI reference.
    fn uri(&mut self, at: &str, uri: &str) {
        if uri.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\') {
            self.fail(
                at,
                format!("{uri:?} is not a valid URI reference (encode spaces, use '/')"),
            );
        }
        if !percent_escapes_ok(uri) {
            self.fail(at, format!("{uri:?} has an invalid percent escape"));
        }
        if let Some((scheme, _)) = uri.split_once(':')
            && is_scheme(scheme)
        {
            self.fail(at, format!("{uri:?} is an absolute URI: code scanning shows results whose locations are paths relative to the repository root"));
        }
        if uri.starts_with('/') {
            self.fail(
                at,
                format!("{uri:?} is an absolute path: use a path relative to the repository root"),
            );
        }
    }

    /// `startLine` ≥ 1; `startColumn` ≥ 1; `endLine` ≥ `startLine`; on one line, `endColumn` ≥
    /// `startColumn`.
    fn region(&mut self, at: &str, region: &Value) {
        let Some(start_line) = region
            .get("startLine")
            .and_then(Value::as_u64)
            .filter(|l| *l >= 1)
        else {
            self.fail(&format!("{at}.startLine"), "required, at least 1");
            return;
        };
        let column = |key: &str| region.get(key).map(|v| v.as_u64().filter(|c| *c >= 1));
        let start_column = match column("startColumn") {
            Some(None) => {
                self.fail(&format!("{at}.startColumn"), "at least 1");
                1
            }
            Some(Some(c)) => c,
            None => 1,
        };
        let end_line = region.get("endLine").map(Value::as_u64);
        if let Some(end) = end_line
            && end.is_none_or(|e| e < start_line)
        {
            self.fail(&format!("{at}.endLine"), "at least startLine");
        }
        let one_line = end_line.is_none_or(|e| e == Some(start_line));
        if let Some(end) = column("endColumn")
            && !end.is_some_and(|e| !one_line || e >= start_column)
        {
            self.fail(
                &format!("{at}.endColumn"),
                "at least 1, and at least startColumn on one line",
            );
        }
    }
}

/// True for an RFC 3986 scheme of two characters or more (`C:` is a drive, not a scheme).
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Every `%` starts a two-hex-digit escape.
fn percent_escapes_ok(uri: &str) -> bool {
    let bytes = uri.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}
