//! Standard output for every command's results, with fallible writes only (never `println!`,
//! which panics when the reader has gone away) and a record of a closed pipe: when a write
//! fails with `BrokenPipe` (`devquery report --format json | head -c1`), [`closed`] turns true
//! and `main` ends quietly with exit 0 instead of printing an error (see
//! [`crate::exit::is_broken_pipe`]).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output that notes a closed pipe. Wrap it in a `BufWriter` for many small writes.
#[derive(Debug)]
pub struct Stdout {
    inner: io::Stdout,
}

/// The process's standard output, as a [`Stdout`].
pub fn stdout() -> Stdout {
    Stdout {
        inner: io::stdout(),
    }
}

/// True once a write to standard output failed because the reader went away.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// Notes a broken pipe, and passes the error on.
fn note(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::Relaxed);
    }
    e
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(note)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf).map_err(note)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(note)
    }
}
