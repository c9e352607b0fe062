//! A set of rules: the bundled pack embedded from `queries/`, rules loaded from a `--rules`
//! directory (which add to or override the bundled ones by id), validation and selection.
//!
//! A `--rules` directory is walked without following links to directories (so a link loop
//! cannot trap the walk) and at most [`MAX_DIR_DEPTH`] levels deep; a `.sql` link is read only
//! when it leads to a regular file; FIFOs, sockets and devices are never opened (each skipped
//! entry gets a warning naming it); a rule file is read up to [`MAX_RULE_BYTES`]. A rule file
//! that does not parse, or (with [`RuleSet::load_checked`]) whose SQL does not plan, is an
//! error naming its file and line, never a warning.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use devquery_model::Severity;

use crate::error::{Error, RuleError, RuleErrors};
use crate::params::ParamOverrides;
use crate::rule::{Origin, Rule, parse_rule};
use crate::validate::{check_status_literals, planning_engine, validate_rule};

/// Largest rule file read from a `--rules` directory.
pub const MAX_RULE_BYTES: u64 = 1024 * 1024;

/// Deepest directory level walked under a `--rules` directory.
pub const MAX_DIR_DEPTH: usize = 32;

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

    /// Every `*.sql` under `dir` (recursively, skipping `examples/`, `tests/`, `fixtures/` and
    /// hidden directories; see the module documentation for links and special files).
    pub fn load_dir(dir: &Path) -> Result<Self, Error> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "--rules {}: not a directory",
                dir.display()
            )));
        }
        let mut files = Vec::new();
        collect_sql(dir, 0, &mut files)?;
        files.sort();
        let mut texts = Vec::new();
        for path in &files {
            let text = read_rule_file(path).map_err(|source| Error::Io {
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

    /// [`RuleSet::load`], then every rule from `dir` planned against the catalogue (with
    /// `overrides`): a rule file whose SQL does not plan is an error naming its file and line,
    /// not a rule that errors when it runs. (The bundled rules are checked when they are built.)
    pub async fn load_checked(
        dir: Option<&Path>,
        overrides: &ParamOverrides,
    ) -> Result<Self, Error> {
        let set = Self::load(dir)?;
        set.validate_some(overrides, |r| r.origin == Origin::Dir)
            .await?;
        Ok(set)
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
        self.validate_some(overrides, |_| true).await
    }

    /// [`RuleSet::validate`] for the rules `which` selects.
    async fn validate_some(
        &self,
        overrides: &ParamOverrides,
        which: impl Fn(&Rule) -> bool,
    ) -> Result<(), Error> {
        let engine = planning_engine()?;
        let mut errors = Vec::new();
        for rule in self.rules.iter().filter(|&r| which(r)) {
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

/// Collects the `.sql` files under `dir` (at `depth` below the `--rules` directory) without
/// following links to directories and without opening anything.
fn collect_sql(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        // The entry's own type: a link is a link, not what it points to.
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            if skipped_dir(&name) {
                continue;
            }
            if depth >= MAX_DIR_DEPTH {
                tracing::warn!(
                    "{}: more than {MAX_DIR_DEPTH} directory levels below --rules; not read",
                    path.display()
                );
                continue;
            }
            collect_sql(&path, depth + 1, out)?;
        } else if kind.is_symlink() {
            linked(&path, &name, out);
        } else if !name.ends_with(".sql") {
            continue;
        } else if kind.is_file() {
            out.push(path);
        } else {
            tracing::warn!(
                "{}: not a regular file (a FIFO, socket or device); skipped, never opened",
                path.display()
            );
        }
    }
    Ok(())
}

/// Directories never read for rules: examples, tests, fixtures and hidden directories.
fn skipped_dir(name: &str) -> bool {
    matches!(name, "examples" | "tests" | "fixtures") || name.starts_with('.')
}

/// A link in a `--rules` directory: a `.sql` link to a regular file is a rule file; a link to a
/// directory is not followed; a broken or looping `.sql` link is skipped. Each skip is a warning.
fn linked(path: &Path, name: &str, out: &mut Vec<PathBuf>) {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() && skipped_dir(name) => {}
        Ok(m) if m.is_dir() => tracing::warn!(
            "{}: a link to a directory; not followed (rules directories are walked without \
             following links)",
            path.display()
        ),
        Ok(m) if m.is_file() && name.ends_with(".sql") => out.push(path.to_path_buf()),
        Ok(_) if name.ends_with(".sql") => tracing::warn!(
            "{}: a link to something that is not a regular file; skipped, never opened",
            path.display()
        ),
        Err(e) if name.ends_with(".sql") => tracing::warn!(
            "{}: a broken or looping link ({e}); skipped",
            path.display()
        ),
        _ => {}
    }
}

/// A rule file's text: a regular file (checked again on the open handle), at most
/// [`MAX_RULE_BYTES`] read.
fn read_rule_file(path: &Path) -> io::Result<String> {
    let refuse = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    if !fs::metadata(path)?.is_file() {
        return Err(refuse("not a regular file; not read".to_string()));
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refuse("not a regular file; not read".to_string()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_RULE_BYTES + 1).read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_RULE_BYTES
        || meta.len() > MAX_RULE_BYTES
    {
        return Err(refuse(format!(
            "more than {MAX_RULE_BYTES} bytes: not a rule file"
        )));
    }
    String::from_utf8(bytes).map_err(|_| refuse("not UTF-8 text".to_string()))
}
