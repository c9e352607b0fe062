//! `--color auto|always|never`: the one decision about ANSI colour, for every place that colours
//! output (the log lines on stderr, the report's terminal table, the shell, clap's help).
//!
//! `auto` (the default) follows the usual conventions: no colour when `NO_COLOR` is set to
//! anything but the empty string; colour even into a pipe or file when `CLICOLOR_FORCE` is set
//! (and not `0`); no colour when `CLICOLOR=0`; otherwise colour only when the stream is a
//! terminal (and `TERM` is not `dumb`). `always` and `never` override every variable. Files
//! written by `--output` are never coloured.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::ValueEnum;

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal; NO_COLOR turns it off, CLICOLOR_FORCE on (also into pipes).
    #[default]
    Auto,
    /// Always colour, also into pipes (not into --output files).
    Always,
    /// Never colour.
    Never,
}

/// The stream a decision is for (`auto` asks whether that stream is a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

static CHOICE: OnceLock<ColorWhen> = OnceLock::new();

/// Records the `--color` choice (once, right after parsing the command line).
pub fn init(when: ColorWhen) {
    // A second call keeps the first choice; there is only one command line.
    let _ = CHOICE.set(when);
}

/// The recorded `--color` choice (`auto` before [`init`]).
pub fn choice() -> ColorWhen {
    CHOICE.get().copied().unwrap_or_default()
}

/// Whether output written to `stream` may carry ANSI colour.
pub fn enabled(stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    decide(choice(), terminal, &|name: &str| std::env::var_os(name))
}

/// The decision, with the terminal test and the environment passed in (for tests).
fn decide(when: ColorWhen, terminal: bool, env: &dyn Fn(&str) -> Option<OsString>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let value = |name: &str| env(name).filter(|v| !v.is_empty());
            if value("NO_COLOR").is_some() {
                false
            } else if value("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else if value("CLICOLOR").is_some_and(|v| v == "0") {
                false
            } else {
                terminal && value("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// The same choice for clap's own help and error messages (clap's `auto` already honours
/// `NO_COLOR` and `CLICOLOR_FORCE`).
pub fn clap_choice(when: ColorWhen) -> clap::ColorChoice {
    match when {
        ColorWhen::Auto => clap::ColorChoice::Auto,
        ColorWhen::Always => clap::ColorChoice::Always,
        ColorWhen::Never => clap::ColorChoice::Never,
    }
}

/// The `--color` value found in raw arguments (the last one wins; `auto` when absent or not
/// valid). Used only when clap refuses the command line or prints help, before there is a
/// parsed [`crate::args::Cli`] to read it from.
pub fn from_args(args: impl IntoIterator<Item = OsString>) -> ColorWhen {
    let mut when = ColorWhen::Auto;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        let value = if arg == "--color" {
            args.next().and_then(|v| v.into_string().ok())
        } else {
            arg.strip_prefix("--color=").map(str::to_string)
        };
        if let Some(v) = value.and_then(|v| ColorWhen::from_str(&v, true).ok()) {
            when = v;
        }
    }
    when
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(*v))
        }
    }

    #[test]
    fn auto_follows_the_terminal_and_the_variables() {
        let auto = ColorWhen::Auto;
        assert!(decide(auto, true, &env(&[])));
        assert!(!decide(auto, false, &env(&[])));
        assert!(!decide(auto, true, &env(&[("NO_COLOR", "1")])));
        assert!(decide(auto, true, &env(&[("NO_COLOR", "")])));
        assert!(decide(auto, false, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!decide(auto, false, &env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!decide(
            auto,
            true,
            &env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])
        ));
        assert!(!decide(auto, true, &env(&[("CLICOLOR", "0")])));
        assert!(!decide(auto, true, &env(&[("TERM", "dumb")])));
    }

    #[test]
    fn always_and_never_override_the_variables() {
        assert!(decide(ColorWhen::Always, false, &env(&[("NO_COLOR", "1")])));
        assert!(!decide(
            ColorWhen::Never,
            true,
            &env(&[("CLICOLOR_FORCE", "1")])
        ));
    }

    #[test]
    fn the_flag_is_found_in_raw_arguments() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(from_args(args(&["devquery", "--help"])), ColorWhen::Auto);
        assert_eq!(
            from_args(args(&["devquery", "report", "--color", "never", "--help"])),
            ColorWhen::Never
        );
        assert_eq!(
            from_args(args(&["devquery", "--color=always", "-h"])),
            ColorWhen::Always
        );
        assert_eq!(
            from_args(args(&["devquery", "--", "--color=never"])),
            ColorWhen::Auto
        );
        assert_eq!(
            from_args(args(&["devquery", "--color", "bogus"])),
            ColorWhen::Auto
        );
    }
}
