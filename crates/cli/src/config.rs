//! `devquery.toml`: sources and defaults from a file, so that organisations, token variable
//! names, formats, baselines and rule directories are not flags every time.
//!
//! Files, each overriding the one before: the user file (`$XDG_CONFIG_HOME/devquery/devquery.toml`,
//! else `~/.config/devquery/devquery.toml`), then the project file (`devquery.toml` in the current
//! directory or, inside a git repository, in the nearest parent up to the repository's root).
//! `--config FILE` reads that file alone, `--no-config` none; flags given on the command line
//! override every file. A command reads the files only when it takes one of their keys.
//!
//! Every key gives the default of one flag ([`KEYS`]): its value goes through the flag's own
//! parser, so a key accepts what its flag accepts, and adding a key is one line in [`KEYS`]
//! (plus its line in the README). The source keys (`snapshot`, `paths`, `github_orgs`,
//! `azure_orgs`) are taken as a group: a command line naming any source ignores them all, and a
//! project file setting any replaces all of the user file's. The keys that decide where a token
//! is sent (`github_url`, `azure_url`) are read from the user file or `--config` only, never from
//! a project file that came with a checkout. A file never holds a token: `token = ...` and the
//! like are refused, and `token_env` / `pat_env` take the NAME of a variable ([`EnvName`]).

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches};
use toml::Spanned;

use crate::args::Cli;
use crate::exit::UsageError;

/// The configuration file's name, at both levels.
pub const FILE_NAME: &str = "devquery.toml";

/// Every key: `[section] name`, the clap id of the flag whose default it gives (the field name
/// in `args.rs` or a command's arguments) and, with `on`, the only commands it applies to
/// (otherwise every command that has the flag). One line per key.
const KEYS: &[Key] = &[
    Key::new("sources", "snapshot", "snapshot")
        .path()
        .source(Source::Snapshot),
    Key::new("sources", "paths", "path")
        .path()
        .source(Source::Live),
    Key::new("sources", "github_orgs", "github_org").source(Source::Live),
    Key::new("sources", "azure_orgs", "azure_org").source(Source::Live),
    Key::new("sources", "github_url", "github_url").user_only(),
    Key::new("sources", "azure_url", "azure_url").user_only(),
    Key::new("report", "format", "format").on(&["report"]),
    Key::new("report", "fail_on", "fail_on").on(&["report"]),
    Key::new("report", "baseline", "baseline")
        .path()
        .on(&["report"]),
    Key::new("report", "rules", "rules")
        .path()
        .on(&["report", "rules"]),
    Key::new("report", "top", "top").on(&["report"]),
    Key::new("report", "html_limit", "html_limit").on(&["report"]),
    Key::new("query", "format", "format").on(&["query"]),
    Key::new("collect", "cache_dir", "cache_dir").path(),
    Key::new("collect", "concurrency", "concurrency"),
    Key::new("collect", "max_requests", "max_requests"),
    Key::new("github", "token_env", "github_token_env"),
    Key::new("azure", "pat_env", "azure_pat_env"),
];

/// Which kind of source a key names: a snapshot excludes the live sources, as `--snapshot`
/// excludes `--path`, `--github-org` and `--azure-org`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Snapshot,
    Live,
}

/// One key of the file (see [`KEYS`]).
#[derive(Debug)]
struct Key {
    section: &'static str,
    name: &'static str,
    /// The clap id of the flag.
    arg: &'static str,
    /// Only these commands; empty: every command that has the flag.
    commands: &'static [&'static str],
    /// A path: relative to the directory of the file naming it, `~/` for the home directory.
    path: bool,
    /// A source, taken as a group with the others.
    source: Option<Source>,
    /// Decides where a token is sent: never read from a project file.
    user_only: bool,
}

impl Key {
    const fn new(section: &'static str, name: &'static str, arg: &'static str) -> Self {
        Self {
            section,
            name,
            arg,
            commands: &[],
            path: false,
            source: None,
            user_only: false,
        }
    }

    const fn on(mut self, commands: &'static [&'static str]) -> Self {
        self.commands = commands;
        self
    }

    const fn path(mut self) -> Self {
        self.path = true;
        self
    }

    const fn source(mut self, source: Source) -> Self {
        self.source = Some(source);
        self
    }

    const fn user_only(mut self) -> Self {
        self.user_only = true;
        self
    }

    /// Whether the key gives a default on `command`, named `name`.
    fn applies(&self, name: &str, command: &Command) -> bool {
        (self.commands.is_empty() || self.commands.contains(&name))
            && find_arg(command, self.arg).is_some()
    }

    fn same(&self, other: &Key) -> bool {
        self.section == other.section && self.name == other.name
    }
}

fn find_arg<'c>(command: &'c Command, id: &str) -> Option<&'c Arg> {
    command.get_arguments().find(|a| a.get_id() == id)
}

/// Where a value was read: file and line.
#[derive(Debug, Clone)]
struct Origin {
    file: PathBuf,
    line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One key's value, from one file.
#[derive(Debug, Clone)]
struct Setting {
    key: &'static Key,
    /// The flag's values (one, or several for a list).
    values: Vec<OsString>,
    /// Written as a TOML array.
    list: bool,
    at: Origin,
}

impl Setting {
    /// `FILE:LINE: [section] name`, the start of every message about the value.
    fn describe(&self) -> String {
        format!("{}: [{}] {}", self.at, self.key.section, self.key.name)
    }
}

/// Why the command line could not be parsed.
#[derive(Debug)]
pub enum Failure {
    /// A clap error (help and version included), for clap to print and exit with.
    Clap(clap::Error),
    /// A configuration file that cannot be read or is wrong (exit 2).
    Config(UsageError),
}

impl From<clap::Error> for Failure {
    fn from(e: clap::Error) -> Self {
        Self::Clap(e)
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Self::Config(e)
    }
}

fn fail(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

/// Parses `argv` into a [`Cli`], with the configuration files' values as the defaults of the
/// flags the command line leaves out.
pub fn parse(argv: &[OsString]) -> Result<Cli, Failure> {
    let matches = Cli::command().try_get_matches_from(argv.iter().cloned())?;
    let cli = Cli::from_arg_matches(&matches)?;
    let Some((name, sub)) = matches.subcommand() else {
        return Ok(cli);
    };
    let command = Cli::command();
    let Some(sub_command) = command.find_subcommand(name) else {
        return Ok(cli);
    };
    if !KEYS.iter().any(|k| k.applies(name, sub_command)) {
        return Ok(cli);
    }
    let settings = load(cli.config.as_deref(), cli.no_config)?;
    let chosen = choose(name, sub_command, sub, &settings)?;
    if chosen.is_empty() {
        return Ok(cli);
    }
    match with_defaults(name, &chosen).try_get_matches_from(argv.iter().cloned()) {
        Ok(matches) => Ok(Cli::from_arg_matches(&matches)?),
        Err(e) => Err(blame(name, &chosen, argv).unwrap_or(Failure::Clap(e))),
    }
}

/// The settings that become defaults on the command `name`: those whose flag it has and the
/// command line left out; the source keys only when the command line names no source.
fn choose<'s>(
    name: &str,
    command: &Command,
    matches: &ArgMatches,
    settings: &'s [Setting],
) -> Result<Vec<&'s Setting>, UsageError> {
    let given = |id: &str| {
        matches!(
            matches.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    };
    let named_source = KEYS
        .iter()
        .any(|k| k.source.is_some() && k.applies(name, command) && given(k.arg));
    let mut chosen = Vec::new();
    for setting in settings {
        let key = setting.key;
        if !key.applies(name, command) || given(key.arg) || (named_source && key.source.is_some()) {
            continue;
        }
        let many =
            find_arg(command, key.arg).is_some_and(|a| matches!(a.get_action(), ArgAction::Append));
        if setting.list && !many {
            return Err(fail(format!(
                "{}: takes one value, not a list",
                setting.describe()
            )));
        }
        chosen.push(setting);
    }
    Ok(chosen)
}

/// The command with `chosen` as the defaults of their flags on the subcommand `name`.
fn with_defaults(name: &str, chosen: &[&Setting]) -> Command {
    let defaults: Vec<(&'static str, Vec<OsString>)> = chosen
        .iter()
        .map(|s| (s.key.arg, s.values.clone()))
        .collect();
    Cli::command().mut_subcommand(name, move |mut sub| {
        for (arg, values) in defaults {
            sub = sub.mut_arg(arg, |a| a.default_values(values));
        }
        sub
    })
}

/// The setting whose value its flag's parser refuses, as an error naming its file and line.
fn blame(name: &str, chosen: &[&Setting], argv: &[OsString]) -> Option<Failure> {
    chosen.iter().find_map(|setting| {
        let err = with_defaults(name, &[*setting])
            .try_get_matches_from(argv.iter().cloned())
            .err()?;
        let text = err.render().to_string();
        let first = text.lines().next().unwrap_or_default();
        let why = first.strip_prefix("error: ").unwrap_or(first);
        Some(Failure::Config(fail(format!(
            "{}: {why}",
            setting.describe()
        ))))
    })
}

/// Which files to read, by trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// The user file, or the one `--config` names.
    User,
    /// A project file: it may have come with a checkout.
    Project,
}

/// The settings of the files to read, each file overriding the one before.
fn load(explicit: Option<&Path>, none: bool) -> Result<Vec<Setting>, UsageError> {
    if none {
        return Ok(Vec::new());
    }
    if let Some(path) = explicit {
        return read(path, Trust::User);
    }
    let user = user_file().filter(|f| f.is_file());
    let project = std::env::current_dir()
        .ok()
        .and_then(|dir| project_file(&dir))
        .filter(|p| user.as_deref().is_none_or(|u| !same_file(u, p)));
    let mut merged = Vec::new();
    for (path, trust) in [(user, Trust::User), (project, Trust::Project)] {
        if let Some(path) = path {
            merge(&mut merged, read(&path, trust)?);
        }
    }
    Ok(merged)
}

/// `$XDG_CONFIG_HOME/devquery/devquery.toml` (an absolute `XDG_CONFIG_HOME` only, as the XDG
/// specification says), else `~/.config/devquery/devquery.toml`, on every platform.
pub fn user_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| dirs::home_dir().map(|home| home.join(".config")))?;
    Some(base.join("devquery").join(FILE_NAME))
}

/// `devquery.toml` in `cwd` or, inside a git repository, in the nearest parent up to the
/// repository's root (the nearest directory with a `.git`). Outside a repository only `cwd`
/// counts, so a file in a shared parent such as `/tmp` is never picked up.
fn project_file(cwd: &Path) -> Option<PathBuf> {
    let root = cwd
        .ancestors()
        .position(|dir| dir.join(".git").exists())
        .unwrap_or(0);
    cwd.ancestors()
        .take(root + 1)
        .map(|dir| dir.join(FILE_NAME))
        .find(|file| file.is_file())
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Lays one file's settings over `merged`: a key replaces the same key, and a file naming any
/// source replaces every source before it.
fn merge(merged: &mut Vec<Setting>, file: Vec<Setting>) {
    if file.iter().any(|s| s.key.source.is_some()) {
        merged.retain(|s| s.key.source.is_none());
    }
    for setting in file {
        merged.retain(|s| !s.key.same(setting.key));
        merged.push(setting);
    }
}

/// A section of the file: keys and values with their positions.
type Section = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// Reads one file into settings; every error names the file and the line.
fn read(path: &Path, trust: Trust) -> Result<Vec<Setting>, UsageError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        fail(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))
    })?;
    let file = FileText {
        path,
        text: &text,
        trust,
    };
    let top: Section = toml::from_str(&text).map_err(|e| file.toml_error(&e))?;
    for (name, value) in &top {
        file.check_section(name, value)?;
    }
    let sections: BTreeMap<String, Section> =
        toml::from_str(&text).map_err(|e| file.toml_error(&e))?;
    let mut settings = Vec::new();
    for (section, entries) in &sections {
        for (name, value) in entries {
            settings.push(file.setting(section, name, value)?);
        }
    }
    check_sources(&settings)?;
    Ok(settings)
}

/// A file being read.
struct FileText<'a> {
    path: &'a Path,
    text: &'a str,
    trust: Trust,
}

impl FileText<'_> {
    /// The file and line of a byte offset.
    fn origin(&self, offset: usize) -> Origin {
        let bytes = self.text.as_bytes();
        let before = bytes.get(..offset).unwrap_or(bytes);
        Origin {
            file: self.path.to_path_buf(),
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
        }
    }

    fn toml_error(&self, e: &toml::de::Error) -> UsageError {
        let at = match e.span() {
            Some(span) => self.origin(span.start).to_string(),
            None => self.path.display().to_string(),
        };
        fail(format!("{at}: {}", e.message().trim_end()))
    }

    /// A top-level key must be a known section, written as a table.
    fn check_section(
        &self,
        name: &Spanned<String>,
        value: &Spanned<toml::Value>,
    ) -> Result<(), UsageError> {
        let at = self.origin(name.span().start);
        let name = name.get_ref().as_str();
        if !KEYS.iter().any(|k| k.section == name) {
            return Err(unknown_key(&at, None, name));
        }
        if !matches!(value.get_ref(), toml::Value::Table(_)) {
            return Err(fail(format!(
                "{at}: `{name}` is a section: write its keys under [{name}]"
            )));
        }
        Ok(())
    }

    /// The setting of `[section] name = value`.
    fn setting(
        &self,
        section: &str,
        name: &Spanned<String>,
        value: &Spanned<toml::Value>,
    ) -> Result<Setting, UsageError> {
        let at = self.origin(name.span().start);
        let name = name.get_ref().as_str();
        let Some(key) = KEYS.iter().find(|k| k.section == section && k.name == name) else {
            return Err(unknown_key(&at, Some(section), name));
        };
        if key.user_only && self.trust == Trust::Project {
            return Err(fail(format!(
                "{at}: [{section}] {name} decides where the token is sent, so it is read from \
                 the user file or --config only, never from a project file; move it there or \
                 pass --{}",
                key.arg.replace('_', "-")
            )));
        }
        let (written, list) = texts(value.get_ref())
            .map_err(|why| fail(format!("{at}: [{section}] {name}: {why}")))?;
        let values = written
            .iter()
            .map(|t| if key.path { self.resolve(t) } else { t.into() })
            .collect();
        Ok(Setting {
            key,
            values,
            list,
            at,
        })
    }

    /// A path value: `~/` is the home directory, a relative path is relative to the directory
    /// of this file.
    fn resolve(&self, value: &str) -> OsString {
        let path = match value.strip_prefix("~/").zip(dirs::home_dir()) {
            Some((rest, home)) => home.join(rest),
            None => self.path.parent().unwrap_or(Path::new("")).join(value),
        };
        path.into_os_string()
    }
}

/// The flag values of a TOML value (strings, numbers and booleans as their text), and whether
/// it was a list.
fn texts(value: &toml::Value) -> Result<(Vec<String>, bool), String> {
    match value {
        toml::Value::Array(items) => {
            let texts = items.iter().map(text).collect::<Result<Vec<_>, _>>()?;
            Ok((texts, true))
        }
        other => Ok((vec![text(other)?], false)),
    }
}

fn text(value: &toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        _ => Err("expected a string, a number or a list of them".to_string()),
    }
}

/// A file names a snapshot or live sources, not both (as `--snapshot` does).
fn check_sources(settings: &[Setting]) -> Result<(), UsageError> {
    let named = |source: Source| {
        settings
            .iter()
            .find(|s| s.key.source == Some(source) && !s.values.is_empty())
    };
    match (named(Source::Snapshot), named(Source::Live)) {
        (Some(snapshot), Some(live)) => Err(fail(format!(
            "{}: cannot be combined with [sources] {} (a snapshot or live sources, as with \
             --snapshot)",
            snapshot.describe(),
            live.key.name
        ))),
        _ => Ok(()),
    }
}

/// The sections, in the order of [`KEYS`].
fn sections() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for key in KEYS {
        if !out.contains(&key.section) {
            out.push(key.section);
        }
    }
    out
}

/// The error for a key the file may not have: a token is refused with what to write instead,
/// any other unknown key is named with the keys that exist. The value is never repeated.
fn unknown_key(at: &Origin, section: Option<&str>, name: &str) -> UsageError {
    let place = section.map_or_else(|| "at the top level".to_string(), |s| format!("in [{s}]"));
    if looks_like_secret_key(name) {
        return fail(format!(
            "{at}: `{name}` {place}: a configuration file never holds a token; keep it in an \
             environment variable and write that variable's NAME: `token_env = \"NAME\"` under \
             [github], `pat_env = \"NAME\"` under [azure]"
        ));
    }
    let known: Vec<String> = match section {
        Some(s) => KEYS
            .iter()
            .filter(|k| k.section == s)
            .map(|k| k.name.to_string())
            .collect(),
        None => sections().iter().map(|s| format!("[{s}]")).collect(),
    };
    fail(format!(
        "{at}: unknown key `{name}` {place} (expected one of: {})",
        known.join(", ")
    ))
}

/// Key names that would hold a credential: `token`, `github_token`, `pat`, `password`, ...
fn looks_like_secret_key(name: &str) -> bool {
    const WORDS: [&str; 6] = [
        "token",
        "pat",
        "password",
        "secret",
        "credential",
        "credentials",
    ];
    let name = name.to_ascii_lowercase();
    name.split(['_', '-', '.'])
        .any(|part| WORDS.contains(&part))
}

/// The value parser of `--github-token-env` and `--azure-pat-env` (so of `token_env` and
/// `pat_env`): the NAME of an environment variable. A value shaped like a token is refused
/// without being repeated, so that no token is kept where a name belongs.
#[derive(Debug, Clone, Copy)]
pub struct EnvName;

impl TypedValueParser for EnvName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let checked = match value.to_str() {
            Some(name) => check_env_name(name),
            None => Err(NOT_A_NAME),
        };
        checked.map(str::to_string).map_err(|why| {
            let flag = arg.map_or_else(|| "NAME".to_string(), ToString::to_string);
            clap::Error::raw(ErrorKind::ValueValidation, format!("{flag}: {why}\n")).with_cmd(cmd)
        })
    }
}

const NOT_A_NAME: &str =
    "expected the NAME of an environment variable (letters, digits and `_`, not a digit first)";

/// Checks the NAME of an environment variable: letters, digits and `_`, not a digit first, and
/// not a token itself.
fn check_env_name(name: &str) -> Result<&str, &'static str> {
    if looks_like_token(name) {
        return Err(
            "this looks like a token, not the NAME of an environment variable holding one: keep \
             the token in a variable and give the variable's name",
        );
    }
    let mut chars = name.chars();
    let first = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(name)
    } else {
        Err(NOT_A_NAME)
    }
}

/// A value shaped like a GitHub token (`ghp_`, `github_pat_`, ...) or an Azure DevOps PAT (a
/// long run of letters and digits).
fn looks_like_token(value: &str) -> bool {
    const GITHUB: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
    GITHUB.iter().any(|p| value.starts_with(p))
        || (value.len() >= 40 && value.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_gives_the_default_of_a_flag() {
        let cli = Cli::command();
        for key in KEYS {
            let found = cli.get_subcommands().any(|c| key.applies(c.get_name(), c));
            assert!(
                found,
                "[{}] {}: no flag `{}`",
                key.section, key.name, key.arg
            );
        }
    }

    #[test]
    fn token_variables_are_names_never_tokens() {
        assert_eq!(check_env_name("ACME_GH_TOKEN"), Ok("ACME_GH_TOKEN"));
        assert_eq!(check_env_name("_X1"), Ok("_X1"));
        assert!(check_env_name("ghp_0123456789abcdefABCDEF0123456789abcd").is_err());
        assert!(check_env_name("github_pat_11ABC").is_err());
        assert!(check_env_name(&"a".repeat(52)).is_err());
        assert!(check_env_name("1ABC").is_err());
        assert!(check_env_name("MY-TOKEN").is_err());
        assert!(check_env_name("").is_err());
    }

    #[test]
    fn token_shaped_keys_are_recognised() {
        for name in ["token", "github_token", "pat", "Password", "client-secret"] {
            assert!(looks_like_secret_key(name), "{name}");
        }
        for name in ["format", "patterns", "paths", "top"] {
            assert!(!looks_like_secret_key(name), "{name}");
        }
    }

    #[test]
    fn the_project_file_is_searched_up_to_the_repository_root_only() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).expect("dirs");
        std::fs::create_dir(repo.join(".git")).expect(".git");
        std::fs::write(tmp.path().join(FILE_NAME), "").expect("outside file");
        assert_eq!(project_file(&deep), None, "above the repository root");
        std::fs::write(repo.join(FILE_NAME), "").expect("repo file");
        assert_eq!(project_file(&deep), Some(repo.join(FILE_NAME)));
        let plain = tmp.path().join("plain/sub");
        std::fs::create_dir_all(&plain).expect("dirs");
        assert_eq!(project_file(&plain), None, "outside a repository: cwd only");
    }
}
