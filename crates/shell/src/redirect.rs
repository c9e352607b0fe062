//! `.output FILE` and `.once FILE`: where results go. While a redirection is on, what the session
//! prints as results is captured ([`Output`]) and, at the end of each statement (or of each
//! meta-command that printed something), written through [`devquery_engine::outfile`], so a
//! path is written as everywhere else in devquery:
//! - a regular file, or a path that does not exist yet, is replaced atomically after every
//!   result and holds every result since `.output FILE` (as sqlite's `.output` keeps them all),
//!   so a reader never sees half a result;
//! - a terminal, `/dev/null`, a named pipe or `/dev/stdout` is written in place and gets each
//!   result as it comes;
//! - a directory, a block device or a socket is refused when `.output` names it.
//!
//! Results sent to a file have every row and are never fitted to the terminal (see
//! [`crate::session::Session`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use devquery_engine::outfile::write_bytes;

/// The session's result stream: the terminal (or the writer given for tests), or a capture
/// buffer while a redirection is on. Messages and errors never go through it.
pub(crate) struct Output {
    terminal: Box<dyn Write + Send>,
    capture: Option<Vec<u8>>,
}

impl Output {
    /// Results go to `terminal`.
    pub(crate) fn new(terminal: Box<dyn Write + Send>) -> Self {
        Self {
            terminal,
            capture: None,
        }
    }

    /// Starts capturing (results no longer reach the terminal).
    pub(crate) fn capture(&mut self) {
        if self.capture.is_none() {
            self.capture = Some(Vec::new());
        }
    }

    /// What was captured since the last call (empty when not capturing).
    pub(crate) fn take_captured(&mut self) -> Vec<u8> {
        self.capture
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Stops capturing: results go to the terminal again.
    pub(crate) fn release(&mut self) {
        self.capture = None;
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.capture {
            Some(captured) => {
                captured.extend_from_slice(buf);
                Ok(buf.len())
            }
            None => self.terminal.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.terminal.flush()
    }
}

/// An active `.output FILE` or `.once FILE`.
#[derive(Debug)]
pub(crate) struct Redirect {
    path: PathBuf,
    /// `.once`: ends after the next result.
    once: bool,
    /// Written in place as results come (a device, a pipe, a standard stream), never replaced.
    streamed: bool,
    /// Every result since `.output FILE` (a replaced file is rewritten with all of them).
    written: Vec<u8>,
}

impl Redirect {
    /// A redirection to `path`. `.output` empties a regular file at once (as sqlite does),
    /// which also reports a path that cannot be written before any statement runs; `.once`
    /// leaves the file as it is until its result is there (a failed statement changes nothing).
    pub(crate) fn open(path: PathBuf, once: bool) -> io::Result<Self> {
        let streamed = is_streamed(&path);
        if !once && !streamed {
            write_bytes(&path, &[])?;
        }
        Ok(Self {
            path,
            once,
            streamed,
            written: Vec::new(),
        })
    }

    /// The file results go to.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// True for `.once`.
    pub(crate) fn once(&self) -> bool {
        self.once
    }

    /// The bytes to write for one more `result`: the result alone for a streamed target, else
    /// every result so far (the file is replaced whole).
    pub(crate) fn stage(&mut self, result: Vec<u8>) -> Vec<u8> {
        if self.streamed {
            return result;
        }
        self.written.extend_from_slice(&result);
        self.written.clone()
    }
}

/// True when [`devquery_engine::outfile::write_output`] writes `path` in place rather than
/// replacing it: the standard streams' names, and (through links) character devices and named
/// pipes.
fn is_streamed(path: &Path) -> bool {
    const STREAMS: [&str; 6] = [
        "/dev/stdout",
        "/dev/fd/1",
        "/proc/self/fd/1",
        "/dev/stderr",
        "/dev/fd/2",
        "/proc/self/fd/2",
    ];
    if path.to_str().is_some_and(|p| STREAMS.contains(&p)) {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let kind = meta.file_type();
            return kind.is_char_device() || kind.is_fifo();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_collects_every_result_and_a_device_each_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").expect("write");
        let mut file = Redirect::open(path.clone(), false).expect("open");
        assert_eq!(
            std::fs::read(&path).expect("read"),
            b"",
            ".output empties the file"
        );
        assert_eq!(file.stage(b"a\n".to_vec()), b"a\n");
        assert_eq!(file.stage(b"b\n".to_vec()), b"a\nb\n");
        #[cfg(unix)]
        {
            let mut null = Redirect::open("/dev/null".into(), false).expect("open");
            assert_eq!(null.stage(b"a\n".to_vec()), b"a\n");
            assert_eq!(null.stage(b"b\n".to_vec()), b"b\n");
        }
        assert!(Redirect::open(dir.path().to_path_buf(), false).is_err());
    }

    #[test]
    fn once_leaves_the_file_until_its_result() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").expect("write");
        let once = Redirect::open(path.clone(), true).expect("open");
        assert!(once.once());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
    }

    #[test]
    fn output_captures_until_released() {
        let mut out = Output::new(Box::new(io::sink()));
        write!(out, "lost").expect("write");
        out.capture();
        write!(out, "kept").expect("write");
        assert_eq!(out.take_captured(), b"kept");
        assert_eq!(out.take_captured(), b"");
        out.release();
        write!(out, "gone").expect("write");
        assert_eq!(out.take_captured(), b"");
    }
}
