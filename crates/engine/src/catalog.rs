//! The catalogue as tables, as datafusion-cli's `\d` is `SHOW TABLES`: registered in every
//! session, so any query (and `devquery tables`, the shell's `.tables`, `.schema` and `.rules`)
//! reads them like data.
//!
//! * `devquery_tables`: every table and view of the session with its documentation and, when
//!   the session knows it without reading the table, its row count;
//! * `devquery_columns`: every column with its type as `docs/tables.md` shows it and its
//!   documentation;
//! * `devquery_views`: the views registered in the session, with their SQL (none yet by default);
//! * `devquery_rules`: the rule pack, filled by whoever loaded it ([`Engine::register_rules`]).
//!
//! The four tables are declared in the model with the data tables
//! ([`devquery_model::catalogue`]); their rows come from the model's declarations
//! ([`devquery_model::catalog`], [`devquery_model::catalogue_tables`]) and from the session's
//! own catalog; the first three are computed each time a query scans them,
//! so they are current whatever was registered since the session opened. None of them is data:
//! snapshots hold the model's tables only, and rules' coverage ignores them.
//!
//! [`Engine::register_rules`]: crate::Engine::register_rules

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::{MemTable, TableType};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::context::SessionContext;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::ExecutionPlan;
use devquery_model::catalogue::{
    ColumnEntry, TableEntry, ViewEntry, devquery_columns, devquery_rules, devquery_tables,
    devquery_views,
};
use devquery_model::{RowsError, TableSpec, spec_type_name, to_batch};

use crate::error::EngineError;
use crate::session::Engine;

pub use devquery_model::catalogue::{COLUMNS, RULES, RuleEntry, TABLES, VIEWS, is_catalogue_table};

/// The catalog every session's tables are registered in.
pub const CATALOG: &str = "devquery";
/// The schema every session's tables are registered in.
pub const SCHEMA: &str = "public";

/// The catalogue tables, in documentation order (declared in the model:
/// [`devquery_model::catalogue_tables`]).
pub fn specs() -> Vec<TableSpec> {
    devquery_model::catalogue_tables()
}

/// `entries` as the one batch of `devquery_rules`.
pub fn rules_batch(entries: &[RuleEntry]) -> Result<RecordBatch, EngineError> {
    Ok(to_batch(&devquery_rules::spec(), entries)?)
}

/// Row counts the session knows without reading its tables (set when a table is registered
/// from memory or from a snapshot's manifest).
#[derive(Debug, Default)]
pub(crate) struct RowCounts(Mutex<BTreeMap<String, usize>>);

impl RowCounts {
    /// Records `table`'s row count (`None`: not known).
    pub(crate) fn set(&self, table: &str, rows: Option<usize>) {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = rows {
            counts.insert(table.to_string(), n);
        } else {
            counts.remove(table);
        }
    }

    fn get(&self, table: &str) -> Option<usize> {
        let counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(table).copied()
    }
}

/// Registers the catalogue tables in a new session (`devquery_rules` empty).
pub(crate) fn register(ctx: &SessionContext, counts: &Arc<RowCounts>) -> Result<(), EngineError> {
    for listing in [Listing::Tables, Listing::Columns, Listing::Views] {
        let spec = listing.spec();
        let table = CatalogueTable {
            listing,
            schema: spec.schema(),
            counts: counts.clone(),
        };
        ctx.register_table(spec.name, Arc::new(table))?;
    }
    register_rules(ctx, &[])?;
    Ok(())
}

/// Replaces the contents of `devquery_rules`; returns the number of rules.
pub(crate) fn register_rules(
    ctx: &SessionContext,
    entries: &[RuleEntry],
) -> Result<usize, EngineError> {
    let batch = rules_batch(entries)?;
    let rows = batch.num_rows();
    let table = MemTable::try_new(devquery_rules::spec().schema(), vec![vec![batch]])?;
    ctx.deregister_table(RULES)?;
    ctx.register_table(RULES, Arc::new(table))?;
    Ok(rows)
}

/// Which computed catalogue table a [`CatalogueTable`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    Tables,
    Columns,
    Views,
}

impl Listing {
    fn spec(self) -> TableSpec {
        match self {
            Self::Tables => devquery_tables::spec(),
            Self::Columns => devquery_columns::spec(),
            Self::Views => devquery_views::spec(),
        }
    }
}

/// `devquery_tables`, `devquery_columns` or `devquery_views`: rows computed when scanned.
#[derive(Debug)]
struct CatalogueTable {
    listing: Listing,
    schema: SchemaRef,
    counts: Arc<RowCounts>,
}

#[async_trait]
impl TableProvider for CatalogueTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let others = other_tables(state).await?;
        let batch = match self.listing {
            Listing::Tables => tables_batch(&others, &self.counts),
            Listing::Columns => columns_batch(&others),
            Listing::Views => views_batch(&others),
        }
        .map_err(|e| DataFusionError::External(Box::new(e)))?;
        let exec: Arc<dyn ExecutionPlan> = MemorySourceConfig::try_new_exec(
            &[vec![batch]],
            self.schema.clone(),
            projection.cloned(),
        )?;
        Ok(exec)
    }
}

/// A table of the session that is neither a model table nor a catalogue table: a view, or a
/// table a writable session created.
struct OtherTable {
    name: String,
    view: bool,
    sql: Option<String>,
    schema: SchemaRef,
}

/// The session's tables and views beyond the model's and the catalogue's, by name.
async fn other_tables(state: &dyn Session) -> DfResult<Vec<OtherTable>> {
    let Some(state) = state.as_any().downcast_ref::<SessionState>() else {
        return Ok(Vec::new());
    };
    let Some(schema) = state
        .catalog_list()
        .catalog(CATALOG)
        .and_then(|c| c.schema(SCHEMA))
    else {
        return Ok(Vec::new());
    };
    let mut names = schema.table_names();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        if devquery_model::find(&name).is_some() || is_catalogue_table(&name) {
            continue;
        }
        let Some(table) = schema.table(&name).await? else {
            continue;
        };
        out.push(OtherTable {
            view: table.table_type() == TableType::View,
            sql: table.get_table_definition().map(str::to_string),
            schema: table.schema(),
            name,
        });
    }
    Ok(out)
}

/// The documented tables with their kind: the model's, then the catalogue's.
fn documented() -> Vec<(TableSpec, &'static str)> {
    let model = devquery_model::catalog().into_iter().map(|s| (s, "table"));
    model
        .chain(specs().into_iter().map(|s| (s, "catalogue")))
        .collect()
}

fn tables_batch(others: &[OtherTable], counts: &RowCounts) -> Result<RecordBatch, RowsError> {
    let mut rows: Vec<TableEntry> = documented()
        .into_iter()
        .map(|(spec, kind)| TableEntry {
            table_name: spec.name.to_string(),
            kind: kind.to_string(),
            row_count: counts.get(spec.name),
            description: Some(spec.doc),
        })
        .collect();
    rows.extend(others.iter().map(|t| TableEntry {
        table_name: t.name.clone(),
        kind: String::from(if t.view { "view" } else { "table" }),
        row_count: None,
        description: None,
    }));
    to_batch(&devquery_tables::spec(), &rows)
}

fn columns_batch(others: &[OtherTable]) -> Result<RecordBatch, RowsError> {
    let mut rows = Vec::new();
    for (spec, _) in documented() {
        let schema = spec.schema();
        for (i, (c, field)) in spec.columns.iter().zip(schema.fields()).enumerate() {
            rows.push(ColumnEntry {
                table_name: spec.name.to_string(),
                ordinal: i + 1,
                column_name: c.name.clone(),
                data_type: spec_type_name(&c.data_type),
                nullable: field.is_nullable(),
                description: Some(c.doc.clone()),
            });
        }
    }
    for t in others {
        for (i, field) in t.schema.fields().iter().enumerate() {
            rows.push(ColumnEntry {
                table_name: t.name.clone(),
                ordinal: i + 1,
                column_name: field.name().clone(),
                data_type: spec_type_name(field.data_type()),
                nullable: field.is_nullable(),
                description: None,
            });
        }
    }
    to_batch(&devquery_columns::spec(), &rows)
}

fn views_batch(others: &[OtherTable]) -> Result<RecordBatch, RowsError> {
    let rows: Vec<ViewEntry> = others
        .iter()
        .filter(|t| t.view)
        .map(|t| ViewEntry {
            view_name: t.name.clone(),
            description: None,
            sql: t.sql.clone(),
        })
        .collect();
    to_batch(&devquery_views::spec(), &rows)
}

/// `s` as an SQL string literal.
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The query behind `devquery tables` and the shell's `.tables`: every table, the collected
/// tables and views first, by name; with `row_counts`, the session's row counts too.
pub fn tables_query(row_counts: bool) -> String {
    let rows = if row_counts { "row_count, " } else { "" };
    format!(
        "SELECT table_name, kind, {rows}description FROM {TABLES} \
         ORDER BY kind = 'catalogue', table_name"
    )
}

/// The query behind `devquery tables NAME` and `.schema NAME`: the columns of `table`, in order.
pub fn columns_query(table: &str) -> String {
    format!(
        "SELECT column_name, data_type, description FROM {COLUMNS} \
         WHERE table_name = {} ORDER BY ordinal",
        quote_literal(table)
    )
}

/// The query behind `.schema` alone: every table with its column names on one line.
pub fn schema_query() -> String {
    format!(
        "SELECT table_name, array_to_string(array_agg(column_name ORDER BY ordinal), ', ') \
         AS columns FROM {COLUMNS} GROUP BY table_name ORDER BY table_name"
    )
}

/// The query behind `devquery rules` and the shell's `.rules`: id, severity, platforms (`all`
/// when the rule names none) and title, by id.
pub fn rules_query() -> String {
    format!(
        "SELECT id, severity, \
         coalesce(nullif(array_to_string(platforms, ','), ''), 'all') AS platforms, title \
         FROM {RULES} ORDER BY id"
    )
}

/// The table or view called `name` (ignoring case) in `engine`'s `devquery_tables`: its exact
/// name and its description, if it has one.
pub async fn find_table(
    engine: &Engine,
    name: &str,
) -> Result<Option<(String, Option<String>)>, EngineError> {
    let sql = format!(
        "SELECT table_name, description FROM {TABLES} \
         WHERE lower(table_name) = lower({}) ORDER BY table_name LIMIT 1",
        quote_literal(name)
    );
    let output = engine.query(&sql).await?;
    let Some(batch) = output.batches.iter().find(|b| b.num_rows() > 0) else {
        return Ok(None);
    };
    let (Some(names), Some(docs)) = (
        batch.column(0).as_string_opt::<i32>(),
        batch.column(1).as_string_opt::<i32>(),
    ) else {
        return Ok(None);
    };
    let doc = docs.is_valid(0).then(|| docs.value(0).to_string());
    Ok(Some((names.value(0).to_string(), doc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_and_catalogue_table_is_listed_once() {
        let counts = RowCounts::default();
        counts.set("repositories", Some(3));
        let batch = tables_batch(&[], &counts).expect("batch");
        assert_eq!(
            batch.num_rows(),
            devquery_model::catalog().len() + specs().len()
        );
        let names = batch.column(0).as_string::<i32>();
        let rows = batch
            .column(2)
            .as_primitive::<datafusion::arrow::datatypes::Int64Type>();
        let at = (0..batch.num_rows())
            .find(|&i| names.value(i) == "repositories")
            .expect("repositories listed");
        assert_eq!(rows.value(at), 3);
        let runners = (0..batch.num_rows())
            .find(|&i| names.value(i) == "runners")
            .expect("runners listed");
        assert!(rows.is_null(runners), "unknown counts are NULL");
    }

    #[test]
    fn columns_carry_the_model_types_and_docs() {
        let batch = columns_batch(&[]).expect("batch");
        let model: usize = devquery_model::catalog()
            .iter()
            .map(|s| s.columns.len())
            .sum();
        let own: usize = specs().iter().map(|s| s.columns.len()).sum();
        assert_eq!(batch.num_rows(), model + own);
        let types = batch.column(3).as_string::<i32>();
        assert!((0..batch.num_rows()).any(|i| types.value(i) == "list<text>"));
    }

    #[test]
    fn rules_entries_fill_every_column() {
        let entry = RuleEntry {
            id: "x-rule".into(),
            title: "A rule".into(),
            severity: "high".into(),
            platforms: vec!["github".into()],
            params: BTreeMap::from([("days".to_string(), "90".to_string())]),
            ..RuleEntry::default()
        };
        let batch = rules_batch(&[entry]).expect("batch");
        assert_eq!(batch.num_rows(), 1);
        assert_eq!(batch.num_columns(), devquery_rules::spec().columns.len());
        assert_eq!(rules_batch(&[]).expect("empty").num_rows(), 0);
    }

    #[test]
    fn literals_are_quoted() {
        assert_eq!(quote_literal("o'brien"), "'o''brien'");
        assert!(columns_query("x'y").contains("'x''y'"));
    }
}
