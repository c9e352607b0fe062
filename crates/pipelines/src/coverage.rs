//! What the `--path` source can fill: the pipeline tables from the files themselves, the few
//! repository facts a checkout shows (its name, branch and security files), and the collection
//! bookkeeping. Everything else (org settings, branch protection, secrets, the columns of
//! pipeline rows that only a forge API knows) is absent, so rules reading it are reported as
//! not applicable under `--path` instead of passing.

use devquery_model::{ColumnSet, Coverage};

/// How the `--path` source is named in "not applicable" reasons (a plural noun phrase: "…,
/// which local checkouts (--path) do not provide").
pub const LOCAL_DESCRIPTION: &str = "local checkouts (--path)";

/// `pipelines` columns only a forge API knows: Azure DevOps definition settings and run
/// history.
const API_ONLY_PIPELINE_COLUMNS: &[&str] = &[
    "job_auth_scope",
    "fork_builds",
    "fork_secrets_allowed",
    "fork_full_access_token",
    "last_run_at",
];

/// `repositories` columns a checkout fills (see `local.rs`): the join keys, names, the default
/// branch from `.git/HEAD`, the security files and the checkout's location.
const LOCAL_REPOSITORY_COLUMNS: &[&str] = &[
    "platform",
    "host",
    "org",
    "project",
    "repo",
    "full_name",
    "default_branch",
    "has_codeowners",
    "has_security_policy",
    "has_dependabot_config",
    "url",
];

/// What `--path` (local checkouts) provides.
pub fn local_coverage() -> Coverage {
    Coverage::new(LOCAL_DESCRIPTION)
        .with(
            "pipelines",
            ColumnSet::except(API_ONLY_PIPELINE_COLUMNS.iter().copied()),
        )
        .with("pipeline_jobs", ColumnSet::All)
        .with("pipeline_steps", ColumnSet::All)
        .with(
            "repositories",
            ColumnSet::only(LOCAL_REPOSITORY_COLUMNS.iter().copied()),
        )
        .with("collection_runs", ColumnSet::All)
        .with("collection_errors", ColumnSet::All)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column named here exists, so a renamed column cannot silently change coverage.
    #[test]
    fn named_columns_exist_in_the_catalogue() {
        for (table, columns) in [
            ("pipelines", API_ONLY_PIPELINE_COLUMNS),
            ("repositories", LOCAL_REPOSITORY_COLUMNS),
        ] {
            let spec = devquery_model::find(table);
            for column in columns {
                assert!(
                    spec.as_ref().and_then(|s| s.column(column)).is_some(),
                    "{table}.{column} is not in the catalogue"
                );
            }
        }
        let local = local_coverage();
        for table in local.tables.keys() {
            assert!(devquery_model::find(table).is_some(), "{table}");
        }
        assert!(local.provides("pipelines", "triggers"));
        assert!(!local.provides("pipelines", "last_run_at"));
        assert!(!local.provides("repositories", "visibility"));
        assert!(!local.provides_table("orgs"));
    }
}
