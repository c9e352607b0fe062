//! Writing a command's output file (`-o FILE`, `--output FILE`): one function, [`write_output`],
//! for every command, so what the path names decides how it is written, never the command:
//! - a regular file, or a path that does not exist yet: replaced atomically (a temporary
//!   sibling, synced, then renamed over it), keeping the permissions of the file it replaces;
//! - a symbolic link: followed, and its target written by these same rules, so the link stays
//!   a link (a link under `/dev` or `/proc`, such as `/dev/stdout`, is written in place);
//! - a character device or a FIFO (`/dev/null`, a terminal, a named pipe): opened and written
//!   in place, never replaced; `/dev/stdout` and `/dev/stderr` write to the process's own
//!   stream (so `-o /dev/stdout >> log` appends);
//! - a directory, a block device or a socket: refused with a message saying why.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// How a path is written.
#[derive(Debug)]
enum Target {
    /// Replace (or create) this regular file atomically, with these permissions if it exists.
    Atomic(PathBuf, Option<fs::Permissions>),
    /// Open and write this path in place (truncating it when it is a regular file).
    InPlace { truncate: bool },
    /// Write to this already open stream (a duplicate of stdout or stderr).
    Stream(File),
}

/// Writes a command's output to `path` with `write` (see the module documentation for what
/// each kind of path gets). On error, a regular file that was being replaced is left as it was.
pub fn write_output<E, F>(path: &Path, write: F) -> Result<(), E>
where
    E: From<io::Error>,
    F: FnOnce(&mut BufWriter<File>) -> Result<(), E>,
{
    match target(path)? {
        Target::Atomic(real, permissions) => write_atomic(&real, permissions, write),
        Target::InPlace { truncate } => write_in_place(path, truncate, write),
        Target::Stream(file) => {
            let mut out = BufWriter::new(file);
            write(&mut out)?;
            out.flush().map_err(|e| with_path(path, e))?;
            Ok(())
        }
    }
}

/// Writes `bytes` to `path` by the rules of [`write_output`].
pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_output(path, |out: &mut BufWriter<File>| out.write_all(bytes))
}

fn refused(path: &Path, why: &str) -> io::Error {
    io::Error::other(format!("{}: {why}", path.display()))
}

fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Decides how `path` is written.
fn target(path: &Path) -> io::Result<Target> {
    if let Some(stream) = std_stream(path) {
        return stream.map(Target::Stream);
    }
    let link = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Target::Atomic(path.to_path_buf(), None));
        }
        Err(e) => return Err(with_path(path, e)),
        Ok(m) => m.file_type().is_symlink(),
    };
    let meta = match fs::metadata(path) {
        // A dangling link: create its target through it.
        Err(e) if link && e.kind() == io::ErrorKind::NotFound => {
            return Ok(Target::InPlace { truncate: true });
        }
        Err(e) => return Err(with_path(path, e)),
        Ok(m) => m,
    };
    if meta.is_file() {
        return Ok(regular(path, link, meta.permissions()));
    }
    special(path, &meta)
}

/// `/dev/stdout`, `/dev/stderr` and their `/dev/fd`, `/proc/self/fd` names: a duplicate of the
/// process's own descriptor, which keeps its offset and append mode.
#[cfg(unix)]
fn std_stream(path: &Path) -> Option<io::Result<File>> {
    use std::os::fd::AsFd;
    let fd = match path.to_str()? {
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => {
            io::stdout().as_fd().try_clone_to_owned()
        }
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => {
            io::stderr().as_fd().try_clone_to_owned()
        }
        _ => return None,
    };
    Some(fd.map(File::from))
}

#[cfg(not(unix))]
fn std_stream(_path: &Path) -> Option<io::Result<File>> {
    None
}

/// A regular file, named directly or through links.
fn regular(path: &Path, link: bool, permissions: fs::Permissions) -> Target {
    if !link {
        return Target::Atomic(path.to_path_buf(), Some(permissions));
    }
    // `/dev/stdout`, `/proc/self/fd/N`: the file a descriptor has open; write through it.
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return Target::InPlace { truncate: true };
    }
    match fs::canonicalize(path) {
        Ok(real) if fs::symlink_metadata(&real).is_ok_and(|m| m.is_file()) => {
            Target::Atomic(real, Some(permissions))
        }
        _ => Target::InPlace { truncate: true },
    }
}

/// Anything but a regular file: written in place, or refused.
fn special(path: &Path, meta: &fs::Metadata) -> io::Result<Target> {
    if meta.is_dir() {
        return Err(refused(path, "is a directory; give a file path"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let ft = meta.file_type();
        if ft.is_char_device() || ft.is_fifo() {
            return Ok(Target::InPlace { truncate: false });
        }
        if ft.is_block_device() {
            return Err(refused(
                path,
                "is a block device; refusing to write output over a disk",
            ));
        }
        if ft.is_socket() {
            return Err(refused(path, "is a socket; cannot write output to it"));
        }
    }
    Err(refused(
        path,
        "is not a regular file; refusing to replace it",
    ))
}

fn write_in_place<E, F>(path: &Path, truncate: bool, write: F) -> Result<(), E>
where
    E: From<io::Error>,
    F: FnOnce(&mut BufWriter<File>) -> Result<(), E>,
{
    let file = OpenOptions::new()
        .write(true)
        .create(truncate)
        .truncate(truncate)
        .open(path)
        .map_err(|e| with_path(path, e))?;
    let mut out = BufWriter::new(file);
    write(&mut out)?;
    out.flush().map_err(|e| with_path(path, e))?;
    Ok(())
}

fn write_atomic<E, F>(
    target: &Path,
    permissions: Option<fs::Permissions>,
    write: F,
) -> Result<(), E>
where
    E: From<io::Error>,
    F: FnOnce(&mut BufWriter<File>) -> Result<(), E>,
{
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| refused(target, "is not a file path"))?;
    crate::stale::remove_stale(dir, &name);
    let tmp = dir.join(format!(".{name}.tmp-{}-{}", std::process::id(), nanos()));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| with_path(target, e))?;
    // Held while writing, so another run's cleanup leaves this file alone.
    let _ = file.try_lock();
    let result = fill_and_rename(file, &tmp, target, permissions, write);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    sync_dir(dir);
    result
}

fn fill_and_rename<E, F>(
    file: File,
    tmp: &Path,
    target: &Path,
    permissions: Option<fs::Permissions>,
    write: F,
) -> Result<(), E>
where
    E: From<io::Error>,
    F: FnOnce(&mut BufWriter<File>) -> Result<(), E>,
{
    let mut out = BufWriter::new(file);
    write(&mut out)?;
    let file = out
        .into_inner()
        .map_err(|e| with_path(tmp, e.into_error()))?;
    if let Some(p) = permissions {
        file.set_permissions(p).map_err(|e| with_path(tmp, e))?;
    }
    file.sync_all().map_err(|e| with_path(tmp, e))?;
    drop(file);
    fs::rename(tmp, target).map_err(|e| with_path(target, e))?;
    Ok(())
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Syncs a directory so that a rename into it survives a crash (best effort).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
