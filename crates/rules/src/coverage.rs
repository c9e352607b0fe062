//! Whether a rule can run on a source at all: the catalogue columns its optimized plan reads,
//! compared with what the source provides ([`Coverage`]).
//!
//! A rule reading a column the source cannot fill (an org setting under `--path`) would see
//! only NULLs or no rows and look like it passes; it is reported as not applicable instead. The
//! columns read are taken from the `TableScan` nodes of the optimized plan, after projection
//! pushdown, plus the columns of filters pushed into a scan, subqueries included.

use std::collections::{BTreeMap, BTreeSet};

use datafusion::common::TableReference;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::logical_expr::LogicalPlan;
use devquery_engine::datafusion;
use devquery_engine::{Engine, EngineError, Statement};
use devquery_model::Coverage;

/// At most this many columns are named in a "not applicable" reason.
const NAMED: usize = 3;

/// Whether a scanned table is a catalogue table (not `information_schema`, not a table
/// function).
fn is_catalogue(name: &TableReference) -> bool {
    let schema_ok = name.schema().is_none_or(|s| s == "public");
    let catalog_ok = name.catalog().is_none_or(|c| c == "devquery");
    schema_ok && catalog_ok && devquery_model::find(name.table()).is_some()
}

/// The catalogue tables `plan` scans, each with the columns it reads: the scan's projection
/// (after pushdown, so only what the query uses) plus the columns of filters pushed into it.
/// A table scanned for its row count only maps to an empty set.
pub fn columns_read(plan: &LogicalPlan) -> BTreeMap<String, BTreeSet<String>> {
    let mut read: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The visitor never fails, so the walk cannot either.
    let _walked = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node
            && is_catalogue(&scan.table_name)
        {
            let columns = read.entry(scan.table_name.table().to_string()).or_default();
            for field in scan.projected_schema.fields() {
                columns.insert(field.name().clone());
            }
            for filter in &scan.filters {
                for column in filter.column_refs() {
                    columns.insert(column.name.clone());
                }
            }
        }
        Ok(TreeNodeRecursion::Continue)
    });
    read
}

/// What `read` (from [`columns_read`]) needs that `coverage` does not provide, sorted:
/// `table` alone for a table the source does not provide at all, else `table.column`.
pub fn missing_columns(
    coverage: &Coverage,
    read: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut missing = Vec::new();
    for (table, columns) in read {
        if !coverage.provides_table(table) {
            // A table the source has none of is named once, not column by column.
            missing.push(table.clone());
            continue;
        }
        missing.extend(
            columns
                .iter()
                .filter(|c| !coverage.provides(table, c))
                .map(|c| format!("{table}.{c}")),
        );
    }
    missing
}

/// The reason shown for a rule that is not applicable: "reads orgs.two_factor_required, which
/// local checkouts (--path) do not provide" (at most three columns named, then "and N more").
pub fn not_applicable_reason(coverage: &Coverage, missing: &[String]) -> String {
    let mut names = missing
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if missing.len() > NAMED {
        names.push_str(&format!(" and {} more", missing.len() - NAMED));
    }
    if coverage.description.is_empty() {
        format!("reads {names}, which this source does not provide")
    } else {
        format!(
            "reads {names}, which {} do not provide",
            coverage.description
        )
    }
}

/// Why `sql` cannot run on the engine's source, or `None` when it can (always `None` when the
/// engine has no coverage, i.e. its source provides everything). Plans and optimizes `sql`
/// without running it.
pub async fn not_applicable(engine: &Engine, sql: &str) -> Result<Option<String>, EngineError> {
    let Some(coverage) = engine.coverage() else {
        return Ok(None);
    };
    let statement = Statement {
        index: 1,
        line: 1,
        text: sql.to_string(),
    };
    let plan = engine.plan(&statement).await?;
    let optimized =
        engine
            .context()
            .state()
            .optimize(&plan)
            .map_err(|source| EngineError::Sql {
                index: 1,
                line: 1,
                source,
            })?;
    let missing = missing_columns(coverage, &columns_read(&optimized));
    Ok((!missing.is_empty()).then(|| not_applicable_reason(coverage, &missing)))
}
