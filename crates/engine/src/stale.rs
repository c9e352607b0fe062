//! Leftovers of killed writers. A snapshot (or an output file) is written to a hidden sibling,
//! `.NAME.tmp-PID-NANOS`, and an existing snapshot is moved aside to `.NAME.old-PID-NANOS`
//! while the new one takes its place; `kill -9` at the wrong moment leaves them behind. Readers
//! never look at them (they read `NAME` itself), and the next write to the same `NAME` removes
//! the ones whose writer is gone.
//!
//! A writer holds an advisory lock ([`lock`]) on its temporary entry for as long as it runs,
//! and the lock dies with the process, even under `kill -9`. A leftover is removed when its
//! lock is free and, as a second guard (a writer that could not lock, or one from an older
//! devquery), when its writer's process is gone or it is older than [`STALE_AFTER`].

use std::fs::{self, File};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Age after which an unlocked leftover is removed even when its writer's liveness is unknown.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Opens `path` (a file or directory) and takes an exclusive advisory lock on it, held until
/// the returned handle is dropped; `None` where the platform cannot lock it.
pub fn lock(path: &Path) -> Option<File> {
    let file = File::open(path).ok()?;
    match file.try_lock() {
        Ok(()) => Some(file),
        Err(e) => {
            tracing::debug!("cannot lock {}: {e}", path.display());
            None
        }
    }
}

/// Removes the leftovers of writers of `parent/name` that are gone (best effort: what cannot
/// be removed is logged and skipped).
pub fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let Some(pid) = entry_name.to_str().and_then(|n| leftover_pid(n, name)) else {
            continue;
        };
        let path = entry.path();
        if pid == Some(std::process::id()) || !is_stale(&path, pid) {
            continue;
        }
        let removed = match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
            Ok(_) => fs::remove_file(&path),
            Err(e) => Err(e),
        };
        match removed {
            Ok(()) => tracing::info!("removed {} (left by an interrupted write)", path.display()),
            Err(e) => tracing::warn!("cannot remove the leftover {}: {e}", path.display()),
        }
    }
}

/// The writer's process id of a leftover of `name` (`.NAME.tmp-PID…` or `.NAME.old-PID…`):
/// `None` when `entry` is not one, `Some(None)` when its pid cannot be read.
pub fn leftover_pid(entry: &str, name: &str) -> Option<Option<u32>> {
    let rest = entry
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let rest = rest
        .strip_prefix("tmp-")
        .or_else(|| rest.strip_prefix("old-"))?;
    let pid = rest.split('-').next().unwrap_or_default();
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(pid.parse().ok())
}

/// Whether a leftover's writer is gone: its lock is free, and its process is gone or it is
/// older than [`STALE_AFTER`].
fn is_stale(path: &Path, pid: Option<u32>) -> bool {
    // Only plain files and directories are ours: never follow a link or open a FIFO.
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() || m.is_file() => {}
        _ => return false,
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    match file.try_lock() {
        Err(std::fs::TryLockError::WouldBlock) => return false,
        Err(std::fs::TryLockError::Error(_)) | Ok(()) => {}
    }
    pid.and_then(process_alive) == Some(false) || age(path).is_some_and(|a| a > STALE_AFTER)
}

/// Whether process `pid` runs on this host: `None` where that cannot be told (no `/proc`).
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

/// Time since `path` was last modified.
fn age(path: &Path) -> Option<Duration> {
    let modified = fs::symlink_metadata(path).ok()?.modified().ok()?;
    SystemTime::now().duration_since(modified).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names_are_recognised() {
        assert_eq!(leftover_pid(".snap.tmp-123-456", "snap"), Some(Some(123)));
        assert_eq!(leftover_pid(".snap.old-9-1", "snap"), Some(Some(9)));
        assert_eq!(leftover_pid(".out.json.tmp-77", "out.json"), Some(Some(77)));
        assert_eq!(leftover_pid(".snap.tmp-x", "snap"), None);
        assert_eq!(leftover_pid(".snapshot.tmp-1-2", "snap"), None);
        assert_eq!(leftover_pid("snap", "snap"), None);
        assert_eq!(leftover_pid(".snap.tmp-", "snap"), None);
    }

    #[test]
    fn a_locked_leftover_is_kept_and_a_dead_writers_is_removed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        // A pid no process has (above the Linux maximum of 2^22).
        let dead = tmp.path().join(".snap.tmp-99999999-1");
        fs::create_dir(&dead).expect("mkdir");
        fs::write(dead.join("repositories.parquet"), b"x").expect("write");
        let live = tmp.path().join(".snap.tmp-99999998-1");
        fs::create_dir(&live).expect("mkdir");
        let held = lock(&live);
        let other = tmp.path().join(".other.tmp-99999999-1");
        fs::create_dir(&other).expect("mkdir");
        remove_stale(tmp.path(), "snap");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "a dead writer's directory is removed");
        }
        if held.is_some() {
            assert!(live.exists(), "a locked directory is kept");
        }
        assert!(other.exists(), "another name's leftovers are not touched");
    }
}
