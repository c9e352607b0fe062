//! Reading the files of a checkout without trusting it: a checkout is content someone else
//! wrote, so a pipeline file or template may be a symbolic link (to a file outside the checkout,
//! to `/dev/zero`, to itself), a FIFO that blocks whoever opens it, a device or a socket.
//!
//! - Only regular files are opened: the type is checked with `symlink_metadata` / `metadata`
//!   before opening (opening a FIFO would block) and again on the open handle.
//! - A symbolic link (or a linked directory on the way) is followed only when the file it
//!   resolves to is inside the checkout (canonical path under the canonical root).
//! - At most `limit` bytes are read, whatever the metadata says (`take(limit + 1)`): a device
//!   reports size 0 and a file may grow while it is read.
//! - The text must be UTF-8 (a leading byte-order mark is dropped).
//!
//! Every refusal is an [`Unread::Failed`] whose message says why ("symbolic link to a file
//! outside the checkout", "a FIFO (named pipe), not a regular file", "file is not UTF-8 text"),
//! for the rows that report it.

use std::fs::{self, File, FileType, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unread {
    /// Nothing at that path (and it is not a link).
    Missing,
    /// It exists but was not read: why.
    Failed(String),
}

/// The canonical form of a checkout root (the root itself when it cannot be resolved).
pub(crate) fn canonical_root(dir: &Path) -> PathBuf {
    fs::canonicalize(dir).unwrap_or_else(|e| {
        tracing::debug!(dir = %dir.display(), "cannot resolve the checkout root: {e}");
        dir.to_path_buf()
    })
}

/// The text of the file at `rel` (repository-relative) inside the checkout `dir`, whose
/// canonical root is `root`; at most `limit` bytes.
pub(crate) fn checkout_text(
    dir: &Path,
    root: &Path,
    rel: &str,
    limit: u64,
) -> Result<String, Unread> {
    let target = inside(dir, root, rel)?;
    text(read_bounded(&target, limit)?)
}

/// The regular file inside the checkout that `rel` names, following a link only when it
/// stays inside: its canonical path.
pub(crate) fn inside(dir: &Path, root: &Path, rel: &str) -> Result<PathBuf, Unread> {
    let path = dir.join(rel);
    let link = fs::symlink_metadata(&path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Unread::Missing,
        _ => Unread::Failed(e.to_string()),
    })?;
    let is_link = link.file_type().is_symlink();
    if !is_link && !link.is_file() {
        return Err(not_regular(link.file_type()));
    }
    let canonical = fs::canonicalize(&path).map_err(|e| unresolved(is_link, &e))?;
    if !canonical.starts_with(root) {
        return Err(Unread::Failed(if is_link {
            "symbolic link to a file outside the checkout".to_string()
        } else {
            "reached through a linked directory that leads outside the checkout".to_string()
        }));
    }
    let meta = fs::metadata(&canonical).map_err(|e| Unread::Failed(e.to_string()))?;
    if !meta.is_file() {
        let why = not_regular(meta.file_type());
        return Err(match (is_link, why) {
            (true, Unread::Failed(m)) => Unread::Failed(format!("symbolic link to {m}")),
            (_, why) => why,
        });
    }
    Ok(canonical)
}

/// A link (or a path through links) that does not resolve: broken, or a loop.
fn unresolved(is_link: bool, e: &io::Error) -> Unread {
    match (is_link, e.kind()) {
        (true, io::ErrorKind::NotFound) => {
            Unread::Failed("symbolic link to a file that does not exist".to_string())
        }
        (true, _) => Unread::Failed(format!("symbolic link that does not resolve ({e})")),
        (false, io::ErrorKind::NotFound) => Unread::Missing,
        (false, _) => Unread::Failed(e.to_string()),
    }
}

/// The refusal for something that is not a regular file.
fn not_regular(ft: FileType) -> Unread {
    Unread::Failed(format!("{}, not a regular file", type_name(ft)))
}

/// What kind of file system entry a non-regular file is.
fn type_name(ft: FileType) -> &'static str {
    if ft.is_dir() {
        return "a directory";
    }
    if ft.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

/// At most `limit` bytes of the regular file at `path` (checked again on the open handle);
/// a larger file is refused.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Unread> {
    let meta = fs::metadata(path).map_err(|e| Unread::Failed(e.to_string()))?;
    check_regular(&meta, limit)?;
    let file = File::open(path).map_err(|e| Unread::Failed(e.to_string()))?;
    let opened = file.metadata().map_err(|e| Unread::Failed(e.to_string()))?;
    check_regular(&opened, limit)?;
    let capacity = usize::try_from(opened.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Unread::Failed(e.to_string()))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(Unread::Failed(format!(
            "file is more than the {limit} bytes read"
        )));
    }
    Ok(bytes)
}

/// A regular file no larger than `limit`.
fn check_regular(meta: &Metadata, limit: u64) -> Result<(), Unread> {
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    if meta.len() > limit {
        return Err(Unread::Failed(format!(
            "file is {} bytes, more than the {limit} read",
            meta.len()
        )));
    }
    Ok(())
}

/// UTF-8 text without a leading byte-order mark.
pub(crate) fn text(bytes: Vec<u8>) -> Result<String, Unread> {
    let text = String::from_utf8(bytes)
        .map_err(|_| Unread::Failed("file is not UTF-8 text".to_string()))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// A small metadata file (git's `HEAD`, `config`, a `.git` file) as text: regular files only
/// (a link is followed to a regular file, wherever it is: worktrees and submodules point
/// outside the checkout), at most `limit` bytes; `None` otherwise.
pub(crate) fn small_text(path: &Path, limit: u64) -> Option<String> {
    match read_bounded(path, limit).and_then(text) {
        Ok(text) => Some(text),
        Err(Unread::Failed(why)) => {
            tracing::debug!(path = %path.display(), "not read: {why}");
            None
        }
        Err(Unread::Missing) => None,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("repo");
        fs::create_dir_all(dir.join("t")).expect("mkdir");
        fs::write(dir.join("t/ok.yml"), "steps: []\n").expect("write");
        fs::write(tmp.path().join("outside.yml"), "steps: []\n").expect("write");
        let root = canonical_root(&dir);
        (tmp, dir, root)
    }

    fn failed(r: Result<String, Unread>) -> String {
        match r {
            Err(Unread::Failed(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn regular_files_and_links_inside_are_read() {
        let (_tmp, dir, root) = fixture();
        std::os::unix::fs::symlink("ok.yml", dir.join("t/link.yml")).expect("symlink");
        assert_eq!(
            checkout_text(&dir, &root, "t/ok.yml", 100).as_deref(),
            Ok("steps: []\n")
        );
        assert_eq!(
            checkout_text(&dir, &root, "t/link.yml", 100).as_deref(),
            Ok("steps: []\n")
        );
        assert_eq!(
            checkout_text(&dir, &root, "t/none.yml", 100),
            Err(Unread::Missing)
        );
    }

    #[test]
    fn links_outside_special_files_and_big_files_are_refused() {
        let (tmp, dir, root) = fixture();
        std::os::unix::fs::symlink(tmp.path().join("outside.yml"), dir.join("out.yml"))
            .expect("symlink");
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.yml")).expect("symlink");
        std::os::unix::fs::symlink("loop.yml", dir.join("loop.yml")).expect("symlink");
        std::os::unix::fs::symlink("nowhere.yml", dir.join("broken.yml")).expect("symlink");
        std::os::unix::fs::symlink(tmp.path(), dir.join("up")).expect("symlink");
        assert!(
            failed(checkout_text(&dir, &root, "out.yml", 100)).contains("outside the checkout")
        );
        assert!(
            failed(checkout_text(&dir, &root, "up/outside.yml", 100)).contains("linked directory")
        );
        assert!(
            failed(checkout_text(&dir, &root, "zero.yml", 100)).contains("outside the checkout")
        );
        assert!(failed(checkout_text(&dir, &root, "loop.yml", 100)).contains("does not resolve"));
        assert!(failed(checkout_text(&dir, &root, "broken.yml", 100)).contains("does not exist"));
        assert!(failed(checkout_text(&dir, &root, "t", 100)).contains("a directory"));
        assert!(failed(checkout_text(&dir, &root, "t/ok.yml", 4)).contains("more than the 4"));
        fs::write(dir.join("latin1.yml"), [b'a', 0xe9, b'\n']).expect("write");
        assert!(failed(checkout_text(&dir, &root, "latin1.yml", 100)).contains("not UTF-8"));
    }

    #[test]
    fn devices_are_never_read_past_the_limit() {
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 10),
            Err(Unread::Failed(_))
        ));
        assert_eq!(small_text(Path::new("/dev/zero"), 10), None);
    }
}
