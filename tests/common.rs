//! Helpers shared by the end-to-end tests: running the binary and building test snapshots.

use std::path::Path;
use std::process::{Command, Output};

/// Every variable devquery reads a token from (see `devquery --help`).
pub const TOKEN_VARIABLES: [&str; 6] = [
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "AZURE_DEVOPS_PAT",
    "AZURE_DEVOPS_EXT_PAT",
];

/// The `devquery` command with `args` in `dir`, with colour, tokens and user config isolated,
/// not yet run (to add variables or pipes).
pub fn devquery_command(args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_devquery"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join(".data"))
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("XDG_CONFIG_HOME", dir.join(".config"));
    for var in TOKEN_VARIABLES {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs the `devquery` binary with `args` in `dir`, with colour and user config isolated.
pub fn devquery(args: &[&str], dir: &Path) -> Output {
    devquery_command(args, dir).output().expect("run devquery")
}

/// stdout as text.
/// Generates a synthetic estate of `repos` repositories (`devquery demo generate`) into
/// `dir/name` and returns its path.
pub fn synthetic_estate(dir: &Path, name: &str, repos: u32, seed: u32) -> std::path::PathBuf {
    let (repos, seed) = (repos.to_string(), seed.to_string());
    let out = devquery(
        &[
            "demo", "generate", "--repos", &repos, "--seed", &seed, "--out", name,
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir.join(name)
}

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

/// Where `log` breaks the OASIS SARIF 2.1.0 schema (vendored with the report crate's tests).
pub fn sarif_schema_errors(log: &serde_json::Value) -> Vec<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/tests/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).expect("SARIF schema file");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("SARIF schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("schema: {e}"))
        .collect()
}
