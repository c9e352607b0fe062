//! [`EtagCache`]: an on-disk cache of GET responses keyed by URL, replayed on `304 Not Modified`.
//!
//! One JSON file per URL (`<fnv64-of-url>.json`) holding the URL, the `ETag`, the paging headers
//! (`Link`, `x-ms-continuationtoken`) and the body. Writes go to a temporary file and are
//! renamed into place, so a crash never leaves a torn entry; an unreadable entry is treated as a
//! miss. Credentials are never part of an entry, but the bodies are private data (secret names,
//! members, settings): on Unix, directories the cache creates are mode `0700` and entries `0600`,
//! and a temporary file is created afresh (never through an existing file or symlink).

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use fnv::FnvHasher;
use serde::{Deserialize, Serialize};

/// A cached response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CacheEntry {
    /// The request URL (checked on read: a hash collision is a miss).
    pub url: String,
    /// The `ETag` the server sent.
    pub etag: String,
    /// The `Link` header (pagination), if any.
    pub link: Option<String>,
    /// The `x-ms-continuationtoken` header (Azure DevOps paging), if any.
    #[serde(default)]
    pub continuation: Option<String>,
    /// The response body (UTF-8).
    pub body: String,
}

/// On-disk ETag cache rooted at one directory.
#[derive(Debug, Clone)]
pub struct EtagCache {
    dir: PathBuf,
}

impl EtagCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_for(&self, url: &str) -> PathBuf {
        self.dir
            .join(format!("{:016x}.json", fnv1a64(url.as_bytes())))
    }

    /// The entry for `url`, if any.
    pub fn get(&self, url: &str) -> Option<CacheEntry> {
        let text = std::fs::read_to_string(self.path_for(url)).ok()?;
        let entry: CacheEntry = serde_json::from_str(&text).ok()?;
        (entry.url == url).then_some(entry)
    }

    /// Stores an entry (errors are logged and ignored: the cache is an optimisation).
    pub fn put(&self, entry: &CacheEntry) {
        let result = (|| -> std::io::Result<()> {
            create_private_dir(&self.dir)?;
            let path = self.path_for(&entry.url);
            static SEQ: AtomicU64 = AtomicU64::new(0);
            let n = SEQ.fetch_add(1, Ordering::Relaxed);
            let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
            let written = write_private(&tmp, &serde_json::to_vec(entry)?)
                .and_then(|()| std::fs::rename(&tmp, &path));
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written
        })();
        if let Err(e) = result {
            tracing::debug!(error = %e, "could not write the HTTP cache entry");
        }
    }

    /// Drops the entry for `url` (e.g. when its body no longer parses).
    pub fn remove(&self, url: &str) {
        let _ = std::fs::remove_file(self.path_for(url));
    }
}

/// Creates `dir` and its missing parents, mode `0700` on Unix (existing directories are left
/// as they are: `--cache-dir` may name a shared one).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to a new file at `path` (fails if anything exists there, so a planted file
/// or symlink is never written through), mode `0600` on Unix.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// FNV-1a, 64 bits, of exactly these bytes: a hash for cache file names that is stable across
/// builds and Rust versions (unlike `DefaultHasher`), so a cache outlives an upgrade.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = FnvHasher::default();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_hash_urls_with_fnv1a_64() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let url = "https://api.github.com/orgs/acme/repos?per_page=100";
        assert_eq!(fnv1a64(url.as_bytes()), 0x2bfb_25ee_c040_a1ed);
        let cache = EtagCache::new("/cache");
        assert_eq!(
            cache.path_for(url),
            Path::new("/cache").join("2bfb25eec040a1ed.json")
        );
    }
}
