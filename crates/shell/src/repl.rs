//! The loops: the line editor on a terminal (the init file first, then prompt with the source,
//! completion, hints, highlighting, multi-line statements, history in the user's data
//! directory), or plain line reading when stdin is not a terminal (no prompt, no colour, no init
//! file, exit status 1 if anything failed).

use std::io::{self, BufRead, IsTerminal};
use std::path::PathBuf;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{EditMode, Editor};

use crate::error::ShellError;
use crate::helper::ShellHelper;
use crate::session::{Flow, Session};

/// Exit status after a Ctrl-C stopped a script (128 + SIGINT, as shells do).
pub const INTERRUPTED: u8 = 130;

/// True when colour may be used: stdout is a terminal and `NO_COLOR` is unset or empty.
pub fn color_enabled() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Where the history lives: `$XDG_DATA_HOME/devquery/history` (the platform data directory),
/// never the working directory. `None` when there is no data directory.
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("devquery").join("history"))
}

/// Runs the session: the line editor when stdin is a terminal (after the init file, see
/// [`crate::init`]), else a script read from stdin. Returns the exit status.
pub async fn run(mut session: Session) -> Result<u8, ShellError> {
    if io::stdin().is_terminal() {
        if session.init_enabled()
            && let Some(path) = crate::init::init_file()
            && session.run_init(&path).await? == Flow::Quit
        {
            return Ok(0);
        }
        interactive(session, history_path()).await
    } else {
        script(session, io::stdin().lock()).await
    }
}

/// Runs statements and meta-commands from `input` without prompts: 0, 1 if anything failed,
/// [`INTERRUPTED`] after a Ctrl-C.
pub async fn script(mut session: Session, input: impl BufRead) -> Result<u8, ShellError> {
    let flow = session.run_lines(input.lines()).await?;
    Ok(match flow {
        Flow::Interrupted => INTERRUPTED,
        _ if session.failed() => 1,
        _ => 0,
    })
}

/// The interactive loop. Ctrl-C clears the line (or cancels a running statement), Ctrl-D and
/// `.quit` leave with status 0.
pub async fn interactive(mut session: Session, history: Option<PathBuf>) -> Result<u8, ShellError> {
    let config = Config::builder()
        .max_history_size(10_000)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .edit_mode(EditMode::Emacs)
        .build();
    let mut editor: Editor<ShellHelper, FileHistory> = Editor::with_config(config)?;
    let color = session.settings.color;
    editor.set_helper(Some(ShellHelper::new(session.completion_data(), color)));
    if let Some(path) = &history {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            tracing::warn!(
                "cannot create {}: {e}; history will not be saved",
                dir.display()
            );
        }
        if path.exists()
            && let Err(e) = editor.load_history(path)
        {
            tracing::warn!("cannot read history {}: {e}", path.display());
        }
    }
    eprintln!(
        "devquery shell on {} — end statements with ';', .help for commands, Ctrl-D to leave",
        session.label()
    );
    loop {
        let prompt = format!("devquery({})> ", session.label());
        match editor.readline(&prompt) {
            Ok(input) => {
                if input.trim().is_empty() {
                    continue;
                }
                if let Err(e) = editor.add_history_entry(input.trim_end()) {
                    tracing::debug!("history: {e}");
                }
                if let Some(path) = &history
                    && let Err(e) = editor.append_history(path)
                {
                    tracing::debug!("saving history to {}: {e}", path.display());
                }
                if session.run_input(&input).await? == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(0)
}
