//! Meta-commands (`.tables`, `.mode csv`, …): the enum, its parser and the help text. A typo is a
//! [`MetaError`] carrying the closest command (by edit distance, [`strsim::levenshtein`]), never
//! an exit.

use std::path::PathBuf;

use devquery_engine::OutputFormat;

/// Every meta-command: name, argument synopsis, description. Drives `.help` and completion.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (".help", "", "show this help"),
    (
        ".tables",
        "",
        "list the tables (a query over devquery_tables)",
    ),
    (
        ".schema",
        "[TABLE]",
        "show the columns of TABLE, or of every table (devquery_columns)",
    ),
    (".mode", MODE_USAGE, "set the output format"),
    (
        ".width",
        "[N ...]",
        "table and box modes: column widths in order (0 = automatic; alone: all automatic)",
    ),
    (".timer", "on|off", "show how long each statement takes"),
    (
        ".maxrows",
        "N",
        "rows shown in table and box modes (0 = all)",
    ),
    (
        ".wide",
        "on|off",
        "table and box modes: every column, whole cells (off: fit the terminal)",
    ),
    (
        ".headers",
        "on|off",
        "column names above results in table, box, csv and markdown modes",
    ),
    (
        ".nullvalue",
        "TEXT",
        "how NULL shows in table, box, line and markdown modes (default NULL)",
    ),
    (
        ".output",
        "[FILE]",
        "send results to FILE, which keeps them all, until .output alone",
    ),
    (".once", "FILE", "send only the next result to FILE"),
    (
        ".rules",
        "",
        "list the bundled posture rules (devquery_rules)",
    ),
    (
        ".run",
        "RULE|all",
        "run a rule (or every rule) on the current data",
    ),
    (
        ".read",
        "FILE",
        "run the statements and meta-commands in FILE",
    ),
    (".snapshot", "DIR", "switch to the Parquet snapshot in DIR"),
    (
        ".save",
        "DIR",
        "write the current data as a snapshot to DIR",
    ),
    (
        ".refresh",
        "",
        "collect the live sources again (or re-read the snapshot)",
    ),
    (".quit", "", "leave the shell (also .exit, Ctrl-D)"),
    (".exit", "", "leave the shell"),
];

/// Output modes offered by `.mode`.
pub const MODES: &[&str] = &["table", "box", "csv", "json", "line", "markdown"];

/// The argument synopsis of `.mode`.
const MODE_USAGE: &str = "table|box|csv|json|line|markdown";

/// The argument synopsis of `.width`.
const WIDTH_USAGE: &str = "[N ...] (column widths; 0 = automatic)";

/// What `.run` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunTarget {
    /// Every rule.
    All,
    /// One rule by id.
    Rule(String),
}

/// A parsed meta-command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaCommand {
    /// `.help`
    Help,
    /// `.tables`
    Tables,
    /// `.schema [TABLE]`
    Schema(Option<String>),
    /// `.mode [MODE]` (without an argument: show the current mode).
    Mode(Option<OutputFormat>),
    /// `.timer [on|off]` (without an argument: show the setting).
    Timer(Option<bool>),
    /// `.maxrows [N]` (without an argument: show the setting; 0 = no limit).
    MaxRows(Option<usize>),
    /// `.wide [on|off]` (without an argument: show the setting).
    Wide(Option<bool>),
    /// `.width [N ...]`: table column widths in order, 0 automatic (without an argument: every
    /// column automatic again).
    Width(Vec<usize>),
    /// `.headers [on|off]` (without an argument: show the setting).
    Headers(Option<bool>),
    /// `.nullvalue [TEXT]` (without an argument: show the setting).
    NullValue(Option<String>),
    /// `.output [FILE]` (without an argument: results go to the terminal again).
    Output(Option<PathBuf>),
    /// `.once FILE`
    Once(PathBuf),
    /// `.rules`
    Rules,
    /// `.run RULE|all`
    Run(RunTarget),
    /// `.read FILE`
    Read(PathBuf),
    /// `.snapshot DIR`
    Snapshot(PathBuf),
    /// `.save DIR`
    Save(PathBuf),
    /// `.refresh`
    Refresh,
    /// `.quit` / `.exit`
    Quit,
}

/// Why a meta-command line was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    /// No such command.
    #[error("unknown command {name}{}", suggestion_text(.suggestion))]
    Unknown {
        /// What was typed.
        name: String,
        /// The closest command, if any is close.
        suggestion: Option<String>,
    },
    /// A required argument is missing.
    #[error("{command} needs an argument: {command} {usage}")]
    MissingArgument {
        /// The command.
        command: &'static str,
        /// Its argument synopsis.
        usage: &'static str,
    },
    /// An argument is not valid.
    #[error("{command}: '{value}' is not valid; usage: {command} {usage}")]
    BadArgument {
        /// The command.
        command: &'static str,
        /// What was given.
        value: String,
        /// Its argument synopsis.
        usage: &'static str,
    },
    /// Arguments were given to a command that takes none (or too many).
    #[error("{command} takes {expected}, got '{extra}'")]
    Extra {
        /// The command.
        command: &'static str,
        /// What it takes.
        expected: &'static str,
        /// What was given.
        extra: String,
    },
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" — did you mean {s}? (.help lists the commands)"),
        None => " (.help lists the commands)".to_string(),
    }
}

/// True when `line` is a meta-command line (first non-blank character is `.`).
pub fn is_meta(line: &str) -> bool {
    line.trim_start().starts_with('.')
}

/// Parses a meta-command line such as `.mode csv` (a trailing `;` is ignored).
pub fn parse(line: &str) -> Result<MetaCommand, MetaError> {
    let line = line.trim().trim_end_matches(';').trim_end();
    let (name, rest) = match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    };
    let lower = name.to_ascii_lowercase();
    let no_args = |command: &'static str, cmd: MetaCommand| {
        if rest.is_empty() {
            Ok(cmd)
        } else {
            Err(MetaError::Extra {
                command,
                expected: "no argument",
                extra: rest.to_string(),
            })
        }
    };
    let required = |command: &'static str, usage: &'static str| {
        if rest.is_empty() {
            Err(MetaError::MissingArgument { command, usage })
        } else {
            Ok(unquote(rest))
        }
    };
    match lower.as_str() {
        ".help" | ".h" | ".?" => no_args(".help", MetaCommand::Help),
        ".tables" => no_args(".tables", MetaCommand::Tables),
        ".schema" => Ok(MetaCommand::Schema(
            (!rest.is_empty()).then(|| unquote(rest).to_string()),
        )),
        ".mode" => {
            if rest.is_empty() {
                return Ok(MetaCommand::Mode(None));
            }
            let format = OutputFormat::parse(rest)
                .filter(|f| !f.is_binary())
                .ok_or_else(|| MetaError::BadArgument {
                    command: ".mode",
                    value: rest.to_string(),
                    usage: MODE_USAGE,
                })?;
            Ok(MetaCommand::Mode(Some(format)))
        }
        ".timer" => on_off(".timer", rest).map(MetaCommand::Timer),
        ".wide" => on_off(".wide", rest).map(MetaCommand::Wide),
        ".width" => widths(rest).map(MetaCommand::Width),
        ".headers" => on_off(".headers", rest).map(MetaCommand::Headers),
        ".nullvalue" => Ok(MetaCommand::NullValue(
            (!rest.is_empty()).then(|| unquote(rest).to_string()),
        )),
        ".output" => Ok(MetaCommand::Output(
            (!rest.is_empty()).then(|| unquote(rest).into()),
        )),
        ".once" => Ok(MetaCommand::Once(required(".once", "FILE")?.into())),
        ".maxrows" => {
            if rest.is_empty() {
                return Ok(MetaCommand::MaxRows(None));
            }
            rest.parse()
                .map(|n| MetaCommand::MaxRows(Some(n)))
                .map_err(|_| MetaError::BadArgument {
                    command: ".maxrows",
                    value: rest.to_string(),
                    usage: "N (0 = all rows)",
                })
        }
        ".rules" => no_args(".rules", MetaCommand::Rules),
        ".run" => {
            let target = required(".run", "RULE|all")?;
            if target.contains(char::is_whitespace) {
                return Err(MetaError::Extra {
                    command: ".run",
                    expected: "one rule id (or all)",
                    extra: target.to_string(),
                });
            }
            Ok(MetaCommand::Run(if target.eq_ignore_ascii_case("all") {
                RunTarget::All
            } else {
                RunTarget::Rule(target.to_string())
            }))
        }
        ".read" => Ok(MetaCommand::Read(required(".read", "FILE")?.into())),
        ".snapshot" | ".open" => Ok(MetaCommand::Snapshot(required(".snapshot", "DIR")?.into())),
        ".save" => Ok(MetaCommand::Save(required(".save", "DIR")?.into())),
        ".refresh" => no_args(".refresh", MetaCommand::Refresh),
        ".quit" | ".exit" | ".q" => no_args(".quit", MetaCommand::Quit),
        _ => Err(MetaError::Unknown {
            name: name.to_string(),
            suggestion: closest(&lower, COMMANDS.iter().map(|c| c.0)).map(str::to_string),
        }),
    }
}

/// The `on|off` argument of `.timer`, `.wide` and `.headers` (`None` without one).
fn on_off(command: &'static str, rest: &str) -> Result<Option<bool>, MetaError> {
    match rest.to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "on" | "true" | "1" => Ok(Some(true)),
        "off" | "false" | "0" => Ok(Some(false)),
        _ => Err(MetaError::BadArgument {
            command,
            value: rest.to_string(),
            usage: "on|off",
        }),
    }
}

/// The arguments of `.width`: whitespace-separated widths (none: every column automatic).
fn widths(rest: &str) -> Result<Vec<usize>, MetaError> {
    rest.split_whitespace()
        .map(|w| {
            w.parse().map_err(|_| MetaError::BadArgument {
                command: ".width",
                value: w.to_string(),
                usage: WIDTH_USAGE,
            })
        })
        .collect()
}

/// Strips one pair of matching surrounding quotes.
fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

/// The help text.
pub fn help() -> String {
    let width = COMMANDS
        .iter()
        .map(|(n, a, _)| n.len() + a.len() + 1)
        .max()
        .unwrap_or(0);
    let mut out =
        String::from("Type SQL ending with ';' (multi-line is fine), or one of these commands:\n");
    for (name, args, doc) in COMMANDS {
        let synopsis = if args.is_empty() {
            name.to_string()
        } else {
            format!("{name} {args}")
        };
        out.push_str(&format!("  {synopsis:width$}  {doc}\n"));
    }
    out.push_str(
        "A result sent to a file has every row and is not fitted to the terminal; the file is \
         replaced atomically after each result (a pipe or device gets each result as it \
         comes).\n",
    );
    out.push_str(
        "Tab completes keywords, tables, columns, rule ids and paths. Ctrl-C cancels a running \
         statement or clears the line; Ctrl-D leaves.\n",
    );
    out
}

/// The candidate closest to `word`: the nearest by edit distance if it is close enough to be a
/// likely typo, else the first that starts with `word` (for abbreviations such as `repos`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&word, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
        .or_else(|| {
            let stem = word.trim_start_matches('.');
            (stem.len() >= 3)
                .then(|| {
                    candidates
                        .iter()
                        .find(|c| {
                            c.trim_start_matches('.')
                                .to_ascii_lowercase()
                                .starts_with(stem)
                        })
                        .copied()
                })
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command() {
        assert_eq!(parse(".help"), Ok(MetaCommand::Help));
        assert_eq!(parse("  .tables ; "), Ok(MetaCommand::Tables));
        assert_eq!(parse(".schema"), Ok(MetaCommand::Schema(None)));
        assert_eq!(
            parse(".schema repositories"),
            Ok(MetaCommand::Schema(Some("repositories".into())))
        );
        assert_eq!(
            parse(".mode CSV"),
            Ok(MetaCommand::Mode(Some(OutputFormat::Csv)))
        );
        assert_eq!(
            parse(".mode line"),
            Ok(MetaCommand::Mode(Some(OutputFormat::Line)))
        );
        assert_eq!(parse(".mode"), Ok(MetaCommand::Mode(None)));
        assert_eq!(
            parse(".mode markdown"),
            Ok(MetaCommand::Mode(Some(OutputFormat::Markdown)))
        );
        assert_eq!(parse(".wide on"), Ok(MetaCommand::Wide(Some(true))));
        assert_eq!(parse(".wide off"), Ok(MetaCommand::Wide(Some(false))));
        assert_eq!(parse(".wide"), Ok(MetaCommand::Wide(None)));
        assert_eq!(
            parse(".mode box"),
            Ok(MetaCommand::Mode(Some(OutputFormat::Box)))
        );
        assert_eq!(
            parse(".width 12 0 8"),
            Ok(MetaCommand::Width(vec![12, 0, 8]))
        );
        assert_eq!(parse(".width"), Ok(MetaCommand::Width(Vec::new())));
        assert_eq!(parse(".headers off"), Ok(MetaCommand::Headers(Some(false))));
        assert_eq!(
            parse(".nullvalue '∅'"),
            Ok(MetaCommand::NullValue(Some("∅".into())))
        );
        assert_eq!(
            parse(".nullvalue ''"),
            Ok(MetaCommand::NullValue(Some(String::new())))
        );
        assert_eq!(parse(".nullvalue"), Ok(MetaCommand::NullValue(None)));
        assert_eq!(
            parse(".output 'out file.csv'"),
            Ok(MetaCommand::Output(Some("out file.csv".into())))
        );
        assert_eq!(parse(".output"), Ok(MetaCommand::Output(None)));
        assert_eq!(parse(".once x.md"), Ok(MetaCommand::Once("x.md".into())));
        assert!(matches!(
            parse(".once"),
            Err(MetaError::MissingArgument {
                command: ".once",
                ..
            })
        ));
        assert_eq!(parse(".timer on"), Ok(MetaCommand::Timer(Some(true))));
        assert_eq!(parse(".timer off"), Ok(MetaCommand::Timer(Some(false))));
        assert_eq!(parse(".maxrows 5"), Ok(MetaCommand::MaxRows(Some(5))));
        assert_eq!(parse(".rules"), Ok(MetaCommand::Rules));
        assert_eq!(parse(".run all"), Ok(MetaCommand::Run(RunTarget::All)));
        assert_eq!(
            parse(".run gh-repo-no-branch-protection"),
            Ok(MetaCommand::Run(RunTarget::Rule(
                "gh-repo-no-branch-protection".into()
            )))
        );
        assert_eq!(
            parse(".read 'my file.sql'"),
            Ok(MetaCommand::Read("my file.sql".into()))
        );
        assert_eq!(
            parse(".snapshot snaps/x"),
            Ok(MetaCommand::Snapshot("snaps/x".into()))
        );
        assert_eq!(parse(".save out"), Ok(MetaCommand::Save("out".into())));
        assert_eq!(parse(".refresh"), Ok(MetaCommand::Refresh));
        assert_eq!(parse(".quit"), Ok(MetaCommand::Quit));
        assert_eq!(parse(".exit"), Ok(MetaCommand::Quit));
    }

    #[test]
    fn bad_arguments_are_errors_with_usage() {
        assert!(matches!(
            parse(".mode parquet"),
            Err(MetaError::BadArgument {
                command: ".mode",
                ..
            })
        ));
        assert!(matches!(
            parse(".timer maybe"),
            Err(MetaError::BadArgument { .. })
        ));
        assert!(matches!(
            parse(".wide 80"),
            Err(MetaError::BadArgument {
                command: ".wide",
                ..
            })
        ));
        assert!(matches!(
            parse(".maxrows -1"),
            Err(MetaError::BadArgument { .. })
        ));
        assert!(matches!(
            parse(".width 10 -3"),
            Err(MetaError::BadArgument {
                command: ".width",
                ..
            })
        ));

        assert_eq!(
            parse(".run"),
            Err(MetaError::MissingArgument {
                command: ".run",
                usage: "RULE|all"
            })
        );
        assert!(matches!(parse(".tables x"), Err(MetaError::Extra { .. })));
        let msg = parse(".read")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains(".read FILE"), "{msg}");
    }

    #[test]
    fn unknown_commands_suggest_the_closest() {
        assert_eq!(
            parse(".tabels"),
            Err(MetaError::Unknown {
                name: ".tabels".into(),
                suggestion: Some(".tables".into())
            })
        );
        let msg = parse(".scheme t")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("did you mean .schema?"), "{msg}");
        assert_eq!(
            parse(".xyzzyplugh"),
            Err(MetaError::Unknown {
                name: ".xyzzyplugh".into(),
                suggestion: None
            })
        );
    }

    #[test]
    fn help_lists_every_command() {
        let help = help();
        for (name, _, _) in COMMANDS {
            assert!(help.contains(name), "{name}");
        }
    }

    #[test]
    fn edit_distance() {
        // A typo with a non-ASCII letter still finds the command.
        assert_eq!(closest(".tablés", [".tables", ".schema"]), Some(".tables"));
        assert_eq!(
            closest(".wdth", [".width", ".wide", ".help"]),
            Some(".width")
        );
        assert_eq!(
            closest("repos", ["repositories", "runners"]),
            Some("repositories")
        );
        assert_eq!(closest("zzz", ["repositories", "runners"]), None);
        assert_eq!(
            closest("repositorys", ["repositories", "runners"]),
            Some("repositories")
        );
    }
}
