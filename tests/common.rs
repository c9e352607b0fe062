//! Helpers shared by the end-to-end tests: running the binary and building test snapshots.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `devquery` binary with `args` in `dir`, with colour and user config isolated.
pub fn devquery(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_devquery"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join(".data"))
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("AZURE_DEVOPS_PAT")
        .output()
        .expect("run devquery")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The small hand-made snapshot committed under `tests/fixtures/snapshot`.
pub fn test_snapshot() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/snapshot")
}
