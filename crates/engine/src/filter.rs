//! Row filters for `--org` and `--repo`: one [`RowFilter`] narrows every table of a session,
//! whatever the source (a live collection, `--path` checkouts, the demo, a Parquet snapshot),
//! so every command sees the same rows. In-memory data is filtered with Arrow kernels
//! ([`filter_dataset`], [`Engine::from_dataset`](crate::Engine::from_dataset)); a snapshot's
//! tables are replaced by filtered views over their Parquet files.
//!
//! Which rows stay, by the row's `org` and (in tables that have one) `repo`:
//! - a repository-level row (a non-NULL `repo`) stays when its org passes `--org` and its
//!   repository passes `--repo`;
//! - an org-level row (a table without `repo`, such as `orgs` or `members`, or a NULL `repo`,
//!   such as an org secret) stays when its org passes `--org`, or, with `--repo` alone, when
//!   its org owns a selected repository (a row of `repositories`);
//! - a row with neither org nor repo (e.g. a collection run) always stays.
//!
//! Names compare case-insensitively, with globs (`*`, `?`, see [`devquery_model::glob`]). A
//! `--repo` glob with a `/` is matched against `org/repo` (GitLab orgs are group paths, so
//! `group/sub/*` works), one without against the repository name.

use std::collections::BTreeSet;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, BooleanArray, StringArray};
use datafusion::arrow::compute::{cast, filter_record_batch};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionImplementation, ScalarUDF, Volatility, col, create_udf, lit,
};
use datafusion::scalar::ScalarValue;
use devquery_model::{Dataset, catalog, glob_match_ignore_case};

use crate::error::EngineError;

/// `--org` and `--repo`: which organisations and repositories to keep (empty: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Organisation names or globs (`--org`, repeatable).
    pub orgs: Vec<String>,
    /// Repository globs (`--repo`, repeatable): with a `/` against `org/repo`, else against
    /// the repository name.
    pub repo_globs: Vec<String>,
}

impl RowFilter {
    /// Whether the filter keeps everything.
    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty() && self.repo_globs.is_empty()
    }

    /// Whether an organisation passes `--org`.
    pub fn org_selected(&self, org: Option<&str>) -> bool {
        self.orgs.is_empty()
            || org.is_some_and(|o| self.orgs.iter().any(|p| glob_match_ignore_case(p, o)))
    }

    /// Whether a repository passes `--repo`.
    pub fn repo_selected(&self, org: Option<&str>, repo: &str) -> bool {
        self.repo_globs.is_empty()
            || self.repo_globs.iter().any(|g| {
                if g.contains('/') {
                    org.is_some_and(|o| glob_match_ignore_case(g, &format!("{o}/{repo}")))
                } else {
                    glob_match_ignore_case(g, repo)
                }
            })
    }

    /// Resolves the filter against `(org, repo)` pairs of the `repositories` table, which
    /// decide the orgs kept with `--repo` alone.
    pub fn resolve<'a>(
        &self,
        repositories: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
    ) -> ResolvedFilter {
        let owners = (self.orgs.is_empty() && !self.repo_globs.is_empty()).then(|| {
            repositories
                .into_iter()
                .filter_map(|(org, repo)| {
                    let org = org?;
                    self.repo_selected(Some(org), repo?)
                        .then(|| org.to_lowercase())
                })
                .collect()
        });
        ResolvedFilter {
            filter: self.clone(),
            owners,
        }
    }

    /// Resolves the filter against batches of `repositories` (or any batches with `org` and
    /// `repo` columns).
    pub fn resolve_batches(
        &self,
        repositories: &[RecordBatch],
    ) -> Result<ResolvedFilter, ArrowError> {
        if self.is_empty() {
            return Ok(self.resolve(std::iter::empty()));
        }
        let mut pairs: Vec<(Option<String>, Option<String>)> = Vec::new();
        for batch in repositories {
            let (Some(org), Some(repo)) = (text_column(batch, "org")?, text_column(batch, "repo")?)
            else {
                continue;
            };
            for i in 0..batch.num_rows() {
                pairs.push((
                    value(&org, i).map(str::to_string),
                    value(&repo, i).map(str::to_string),
                ));
            }
        }
        Ok(self.resolve(pairs.iter().map(|(o, r)| (o.as_deref(), r.as_deref()))))
    }
}

/// A [`RowFilter`] with the orgs that own a selected repository worked out.
#[derive(Debug, Clone, Default)]
pub struct ResolvedFilter {
    filter: RowFilter,
    /// With `--repo` alone: the (lower-cased) orgs owning a selected repository.
    owners: Option<BTreeSet<String>>,
}

impl ResolvedFilter {
    /// Whether the filter keeps everything.
    pub fn is_empty(&self) -> bool {
        self.filter.is_empty()
    }

    /// Whether a row with this org and repo (`None`: NULL, or no such column) stays.
    pub fn keep(&self, org: Option<&str>, repo: Option<&str>) -> bool {
        match (org, repo) {
            (None, None) => true,
            (_, Some(repo)) => {
                self.filter.org_selected(org) && self.filter.repo_selected(org, repo)
            }
            (Some(org), None) => match &self.owners {
                Some(owners) => owners.contains(&org.to_lowercase()),
                None => self.filter.org_selected(Some(org)),
            },
        }
    }

    /// The rows of a batch that stay (a batch without an `org` column stays whole).
    pub fn filter_batch(&self, batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
        if self.is_empty() {
            return Ok(batch.clone());
        }
        let Some(org) = text_column(batch, "org")? else {
            return Ok(batch.clone());
        };
        let repo = text_column(batch, "repo")?;
        let mask = self.mask(&org, repo.as_ref());
        filter_record_batch(batch, &mask)
    }

    /// Which rows stay, from their `org` and `repo` values.
    fn mask(&self, org: &StringArray, repo: Option<&StringArray>) -> BooleanArray {
        (0..org.len())
            .map(|i| Some(self.keep(value(org, i), repo.and_then(|r| value(r, i)))))
            .collect()
    }
}

/// A text column of a batch as UTF-8 (`None` when the batch has no such column).
fn text_column(batch: &RecordBatch, name: &str) -> Result<Option<StringArray>, ArrowError> {
    let Some(column) = batch.column_by_name(name) else {
        return Ok(None);
    };
    let utf8 = cast(column, &DataType::Utf8)?;
    Ok(utf8.as_string_opt::<i32>().cloned())
}

fn value(array: &StringArray, i: usize) -> Option<&str> {
    (!array.is_null(i)).then(|| array.value(i))
}

/// Narrows every table of a dataset in place (its coverage is kept).
pub fn filter_dataset(data: &mut Dataset, filter: &RowFilter) -> Result<(), EngineError> {
    if filter.is_empty() {
        return Ok(());
    }
    let resolved = filter.resolve_batches(data.batches("repositories"))?;
    data.try_map_batches(|_, batch| resolved.filter_batch(batch))?;
    Ok(())
}

/// Replaces every table registered in `ctx` (those with an `org` column: all of the catalogue)
/// by a view keeping the rows that pass `filter`; used for snapshots, whose tables are Parquet
/// files.
pub(crate) async fn filter_session(
    ctx: &SessionContext,
    filter: &RowFilter,
) -> Result<(), EngineError> {
    if filter.is_empty() {
        return Ok(());
    }
    let repositories = ctx
        .table("repositories")
        .await?
        .select_columns(&["org", "repo"])?
        .collect()
        .await?;
    let keep = keep_udf(Arc::new(filter.resolve_batches(&repositories)?));
    for spec in catalog() {
        if spec.column("org").is_none() {
            continue;
        }
        let repo = if spec.column("repo").is_some() {
            col("repo")
        } else {
            lit(ScalarValue::Utf8(None))
        };
        let view = ctx
            .table(spec.name)
            .await?
            .filter(keep.call(vec![col("org"), repo]))?
            .into_view();
        ctx.deregister_table(spec.name)?;
        ctx.register_table(spec.name, view)?;
    }
    Ok(())
}

/// `devquery_row_filter(org, repo)`: whether a row stays, evaluated with the same
/// [`ResolvedFilter::keep`] as in-memory data.
fn keep_udf(filter: Arc<ResolvedFilter>) -> ScalarUDF {
    let fun: ScalarFunctionImplementation = Arc::new(move |args: &[ColumnarValue]| {
        let arrays = ColumnarValue::values_to_arrays(args)?;
        let (Some(org), Some(repo)) = (arrays.first(), arrays.get(1)) else {
            return Err(DataFusionError::Execution(
                "devquery_row_filter takes (org, repo)".to_string(),
            ));
        };
        let (org, repo) = (cast(org, &DataType::Utf8)?, cast(repo, &DataType::Utf8)?);
        let (Some(org), Some(repo)) = (org.as_string_opt::<i32>(), repo.as_string_opt::<i32>())
        else {
            return Err(DataFusionError::Execution(
                "devquery_row_filter: org and repo must be text".to_string(),
            ));
        };
        let mask = filter.mask(org, Some(repo));
        Ok(ColumnarValue::Array(Arc::new(mask)))
    });
    create_udf(
        "devquery_row_filter",
        vec![DataType::Utf8, DataType::Utf8],
        DataType::Boolean,
        Volatility::Immutable,
        fun,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(orgs: &[&str], repos: &[&str]) -> RowFilter {
        RowFilter {
            orgs: orgs.iter().map(|s| (*s).to_string()).collect(),
            repo_globs: repos.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    const REPOS: [(Option<&str>, Option<&str>); 3] = [
        (Some("acme"), Some("api")),
        (Some("acme"), Some("web")),
        (Some("contoso"), Some("ledger")),
    ];

    #[test]
    fn repo_globs_match_names_or_org_slash_repo() {
        let f = filter(&[], &["api", "contoso/*"]);
        assert!(f.repo_selected(Some("acme"), "API"));
        assert!(f.repo_selected(Some("Contoso"), "ledger"));
        assert!(!f.repo_selected(Some("acme"), "web"));
        assert!(!f.repo_selected(None, "ledger"));
        let gitlab = filter(&[], &["group/sub/*"]);
        assert!(gitlab.repo_selected(Some("group/sub"), "app"));
    }

    #[test]
    fn org_level_rows_follow_the_selected_repositories() {
        let r = filter(&[], &["api"]).resolve(REPOS);
        assert!(r.keep(Some("acme"), Some("api")));
        assert!(!r.keep(Some("acme"), Some("web")));
        // Org-level rows of the org owning `api`, not of the others.
        assert!(r.keep(Some("ACME"), None));
        assert!(!r.keep(Some("contoso"), None));
        // Rows about no org at all stay.
        assert!(r.keep(None, None));
    }

    #[test]
    fn orgs_narrow_every_row() {
        let r = filter(&["contoso"], &[]).resolve(REPOS);
        assert!(r.keep(Some("contoso"), Some("ledger")));
        assert!(r.keep(Some("contoso"), None));
        assert!(!r.keep(Some("acme"), None));
        assert!(!r.keep(Some("acme"), Some("api")));
        assert!(!r.keep(None, Some("api")));
        let both = filter(&["acme"], &["w*"]).resolve(REPOS);
        assert!(both.keep(Some("acme"), Some("web")));
        assert!(!both.keep(Some("acme"), Some("api")));
        assert!(both.keep(Some("acme"), None));
        assert!(filter(&[], &[]).resolve(REPOS).keep(Some("x"), Some("y")));
    }
}
