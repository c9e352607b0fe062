//! Report files, written through the engine's one output writer
//! ([`devquery_engine::outfile::write_output`]): a regular file (or a new path) is replaced
//! atomically, so a reader or an interrupted run never sees a half-written report; a symlink's
//! target is written by the same rules and the link stays; a device or FIFO is written in
//! place, never replaced; a directory, block device or socket is refused.

use std::path::Path;

/// Writes `bytes` to `path` (see the module documentation for what each kind of path gets).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    devquery_engine::outfile::write_bytes(path, bytes)
}

/// Syncs a directory so that renames into it survive a crash (best effort: not every platform
/// can open a directory).
pub fn sync_dir(dir: &Path) {
    devquery_engine::outfile::sync_dir(dir);
}
