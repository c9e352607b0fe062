//! A set of rules: the bundled pack embedded from `queries/`, rules loaded from a `--rules`
//! directory (which add to or override the bundled ones by id), validation and selection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use devquery_model::Severity;

use crate::error::{Error, RuleError, RuleErrors};
use crate::params::ParamOverrides;
use crate::rule::{Origin, Rule, parse_rule};
use crate::validate::{check_status_literals, planning_engine, validate_rule};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// Rule files embedded in the binary: `(path relative to queries/, text)`.
pub fn bundled_files() -> &'static [(&'static str, &'static str)] {
    embedded::BUNDLED
}

/// Which rules to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only these ids (all when empty).
    pub only: Vec<String>,
    /// Never run these ids.
    pub skip: Vec<String>,
    /// Run only rules at or above this severity.
    pub min_severity: Option<Severity>,
    /// Run only rules for these platforms (all when empty).
    pub platforms: Vec<String>,
}

/// A set of parsed rules with unique ids, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// Parses rule files `(label, text)`; collects every error.
    pub fn parse<'a>(
        files: impl IntoIterator<Item = (String, &'a str)>,
        origin: Origin,
    ) -> Result<Self, RuleErrors> {
        let mut errors = Vec::new();
        let mut by_id: BTreeMap<String, Rule> = BTreeMap::new();
        for (label, text) in files {
            match parse_rule(&label, text, origin.clone()) {
                Ok(rule) => {
                    if let Some(prev) = by_id.get(&rule.id) {
                        errors.push(RuleError::new(
                            &label,
                            0,
                            format!("duplicate rule id '{}' (also in {})", rule.id, prev.file),
                        ));
                    } else {
                        by_id.insert(rule.id.clone(), rule);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(Self {
                rules: by_id.into_values().collect(),
            })
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// The bundled pack (parsed, not planned).
    pub fn bundled() -> Result<Self, RuleErrors> {
        Self::parse(
            bundled_files()
                .iter()
                .map(|(path, text)| (format!("queries/{path}"), *text)),
            Origin::Bundled,
        )
    }

    /// Every `*.sql` under `dir` (recursively, skipping `examples/`, `tests/`, `fixtures/`).
    pub fn load_dir(dir: &Path) -> Result<Self, Error> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "--rules {}: not a directory",
                dir.display()
            )));
        }
        let mut files = Vec::new();
        collect_sql(dir, &mut files)?;
        files.sort();
        let mut texts = Vec::new();
        for path in &files {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            texts.push((path.display().to_string(), text));
        }
        Ok(Self::parse(
            texts.iter().map(|(l, t)| (l.clone(), t.as_str())),
            Origin::Dir,
        )?)
    }

    /// Adds `other`'s rules, replacing rules with the same id.
    pub fn merge(mut self, other: RuleSet) -> Self {
        for rule in other.rules {
            if let Some(slot) = self.rules.iter_mut().find(|r| r.id == rule.id) {
                tracing::info!(
                    "rule {} from {} overrides {}",
                    rule.id,
                    rule.file,
                    slot.file
                );
                *slot = rule;
            } else {
                self.rules.push(rule);
            }
        }
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        self
    }

    /// The bundled pack, plus and overridden by `dir` when given.
    pub fn load(dir: Option<&Path>) -> Result<Self, Error> {
        let bundled = Self::bundled()?;
        Ok(match dir {
            Some(d) => bundled.merge(Self::load_dir(d)?),
            None => bundled,
        })
    }

    /// All rules, sorted by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Plans every rule against the empty catalogue and checks its columns and status values;
    /// collects every error.
    pub async fn validate(&self, overrides: &ParamOverrides) -> Result<(), Error> {
        let engine = planning_engine()?;
        let mut errors = Vec::new();
        for rule in &self.rules {
            if let Err(e) = check_status_literals(rule) {
                errors.push(e);
                continue;
            }
            if let Err(e) = validate_rule(rule, &engine, overrides).await {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(RuleErrors(errors).into())
        }
    }

    /// The rules selected by `selection`, in id order. Unknown ids are a usage error.
    pub fn select(&self, selection: &Selection) -> Result<Vec<Rule>, Error> {
        for (flag, ids) in [("--only", &selection.only), ("--skip", &selection.skip)] {
            let unknown: Vec<&str> = ids
                .iter()
                .map(String::as_str)
                .filter(|id| self.get(id).is_none())
                .collect();
            if !unknown.is_empty() {
                return Err(Error::Usage(format!(
                    "{flag}: unknown rule id{} {} (`devquery rules` lists them)",
                    if unknown.len() == 1 { "" } else { "s" },
                    unknown.join(", ")
                )));
            }
        }
        let platforms: Vec<String> = selection
            .platforms
            .iter()
            .map(|p| Rule::normalize_platform(p))
            .collect();
        for p in &platforms {
            if !crate::rule::PLATFORMS.contains(&p.as_str()) {
                return Err(Error::Usage(format!(
                    "--platform {p}: expected one of {}",
                    crate::rule::PLATFORMS.join(", ")
                )));
            }
        }
        Ok(self
            .rules
            .iter()
            .filter(|r| selection.only.is_empty() || selection.only.contains(&r.id))
            .filter(|r| !selection.skip.contains(&r.id))
            .filter(|r| selection.min_severity.is_none_or(|s| r.severity >= s))
            .filter(|r| platforms.is_empty() || platforms.iter().any(|p| r.applies_to(p)))
            .cloned()
            .collect())
    }
}

fn collect_sql(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !matches!(name.as_str(), "examples" | "tests" | "fixtures") && !name.starts_with('.')
            {
                collect_sql(&path, out)?;
            }
        } else if name.ends_with(".sql") {
            out.push(path);
        }
    }
    Ok(())
}
