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
//! The tables and columns come from the model's one catalogue ([`devquery_model::catalog`]) and
//! from the session's own catalog; the first three are computed each time a query scans them,
//! so they are current whatever was registered since the session opened. None of them is data:
//! snapshots hold the model's tables only, and rules' coverage ignores them.
//!
//! [`Engine::register_rules`]: crate::Engine::register_rules

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::{MemTable, TableType};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::context::SessionContext;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::ExecutionPlan;
use devquery_model::{ColumnSpec, RowsError, TableSpec, spec_type_name, to_batch, types};
use serde::Serialize;

use crate::error::EngineError;
use crate::session::Engine;

/// The catalog every session's tables are registered in.
pub const CATALOG: &str = "devquery";
/// The schema every session's tables are registered in.
pub const SCHEMA: &str = "public";
/// Every table and view of the session.
pub const TABLES: &str = "devquery_tables";
/// Every column of every table and view.
pub const COLUMNS: &str = "devquery_columns";
/// The views registered in the session.
pub const VIEWS: &str = "devquery_views";
/// The rule pack.
pub const RULES: &str = "devquery_rules";

/// The catalogue tables, in documentation order.
pub fn specs() -> Vec<TableSpec> {
    vec![tables_spec(), columns_spec(), views_spec(), rules_spec()]
}

/// True for the name of a catalogue table (`devquery_tables`, …).
pub fn is_catalogue_table(name: &str) -> bool {
    [TABLES, COLUMNS, VIEWS, RULES].contains(&name)
}

fn column(name: &str, data_type: DataType, doc: &str) -> ColumnSpec {
    ColumnSpec {
        name: name.to_string(),
        data_type,
        doc: doc.to_string(),
    }
}

fn tables_spec() -> TableSpec {
    TableSpec {
        name: TABLES,
        doc: "Table or view of the session: collected tables, views and these catalogue tables."
            .into(),
        columns: vec![
            column("table_name", types::text(), "Name to use in SQL."),
            column(
                "kind",
                types::text(),
                "`table` (collected data), `view`, or `catalogue` (tables about the tables).",
            ),
            column(
                "row_count",
                types::int(),
                "Rows in this session when known without reading the table; NULL otherwise (a live table not collected yet, a snapshot narrowed by `--org` / `--repo`).",
            ),
            column("description", types::text(), "What one row is."),
        ],
    }
}

fn columns_spec() -> TableSpec {
    TableSpec {
        name: COLUMNS,
        doc: "Column of a table or view of the session, with its type and documentation.".into(),
        columns: vec![
            column(
                "table_name",
                types::text(),
                "The table or view (`devquery_tables`).",
            ),
            column(
                "ordinal",
                types::int(),
                "1-based position of the column in its table.",
            ),
            column("column_name", types::text(), "Name to use in SQL."),
            column(
                "data_type",
                types::text(),
                "Type as `docs/tables.md` shows it: `text`, `bigint`, `boolean`, `timestamp`, `list<…>`, `map<…>`, `struct<…>`.",
            ),
            column(
                "nullable",
                types::boolean(),
                "The column may be NULL (every collected column may: unknown is NULL).",
            ),
            column("description", types::text(), "What the column holds."),
        ],
    }
}

fn views_spec() -> TableSpec {
    TableSpec {
        name: VIEWS,
        doc: "View registered in the session, with its SQL.".into(),
        columns: vec![
            column("view_name", types::text(), "Name to use in SQL."),
            column(
                "description",
                types::text(),
                "What one row is; NULL when the view is not documented.",
            ),
            column(
                "sql",
                types::text(),
                "The view's definition; NULL when it was not given as SQL.",
            ),
        ],
    }
}

fn rules_spec() -> TableSpec {
    TableSpec {
        name: RULES,
        doc:
            "Posture rule of the rule pack (bundled, plus `--rules DIR` where a command takes it)."
                .into(),
        columns: vec![
            column("id", types::text(), "Kebab-case rule id."),
            column("title", types::text(), "One-line title."),
            column(
                "severity",
                types::text(),
                "Severity of a failing finding: `critical`, `high`, `medium`, `low` or `info`.",
            ),
            column(
                "platforms",
                types::text_list(),
                "Platforms the rule applies to; empty for every platform.",
            ),
            column(
                "area",
                types::text(),
                "Folder of the rule file under `queries/` (`repos`, `workflows`, …).",
            ),
            column("tactics", types::text_list(), "Threat-matrix tactics."),
            column(
                "description",
                types::text(),
                "What is wrong and why it matters.",
            ),
            column("remediation", types::text(), "How to fix it."),
            column(
                "references",
                types::text_list(),
                "Recommendations, CIS ids, Scorecard checks, audits and URLs.",
            ),
            column(
                "params",
                types::text_map(),
                "Parameters (`{{name}}` in the SQL) and their defaults.",
            ),
            column(
                "origin",
                types::text(),
                "`bundled`, or `dir` for a rule from `--rules DIR`.",
            ),
            column("file", types::text(), "The rule file."),
            column(
                "sql",
                types::text(),
                "The rule's SELECT, with `{{name}}` parameter placeholders.",
            ),
        ],
    }
}

/// One row of `devquery_rules`: a rule as the catalogue shows it (the rules crate builds these
/// from its rules; field names are the column names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleEntry {
    /// Kebab-case rule id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Severity name (`critical` … `info`).
    pub severity: String,
    /// Platforms the rule applies to; empty for all.
    pub platforms: Vec<String>,
    /// Folder under `queries/`.
    pub area: Option<String>,
    /// Threat-matrix tactics.
    pub tactics: Vec<String>,
    /// What is wrong and why it matters.
    pub description: Option<String>,
    /// How to fix it.
    pub remediation: Option<String>,
    /// References.
    pub references: Vec<String>,
    /// Parameter names and their defaults.
    pub params: BTreeMap<String, String>,
    /// `bundled` or `dir`.
    pub origin: Option<String>,
    /// The rule file.
    pub file: Option<String>,
    /// The rule's SELECT.
    pub sql: Option<String>,
}

/// `entries` as the one batch of `devquery_rules`.
pub fn rules_batch(entries: &[RuleEntry]) -> Result<RecordBatch, EngineError> {
    Ok(to_batch(&rules_spec(), entries)?)
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
    let table = MemTable::try_new(rules_spec().schema(), vec![vec![batch]])?;
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
            Self::Tables => tables_spec(),
            Self::Columns => columns_spec(),
            Self::Views => views_spec(),
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

#[derive(Serialize)]
struct TableRow<'a> {
    table_name: &'a str,
    kind: &'a str,
    row_count: Option<usize>,
    description: Option<&'a str>,
}

fn tables_batch(others: &[OtherTable], counts: &RowCounts) -> Result<RecordBatch, RowsError> {
    let documented = documented();
    let mut rows: Vec<TableRow<'_>> = documented
        .iter()
        .map(|(spec, kind)| TableRow {
            table_name: spec.name,
            kind,
            row_count: counts.get(spec.name),
            description: Some(spec.doc.as_str()),
        })
        .collect();
    rows.extend(others.iter().map(|t| TableRow {
        table_name: &t.name,
        kind: if t.view { "view" } else { "table" },
        row_count: None,
        description: None,
    }));
    to_batch(&tables_spec(), &rows)
}

#[derive(Serialize)]
struct ColumnRow<'a> {
    table_name: &'a str,
    ordinal: usize,
    column_name: &'a str,
    data_type: String,
    nullable: bool,
    description: Option<&'a str>,
}

fn columns_batch(others: &[OtherTable]) -> Result<RecordBatch, RowsError> {
    let documented = documented();
    let schemas: Vec<SchemaRef> = documented.iter().map(|(s, _)| s.schema()).collect();
    let mut rows = Vec::new();
    for ((spec, _), schema) in documented.iter().zip(&schemas) {
        for (i, (c, field)) in spec.columns.iter().zip(schema.fields()).enumerate() {
            rows.push(ColumnRow {
                table_name: spec.name,
                ordinal: i + 1,
                column_name: &c.name,
                data_type: spec_type_name(&c.data_type),
                nullable: field.is_nullable(),
                description: Some(c.doc.as_str()),
            });
        }
    }
    for t in others {
        for (i, field) in t.schema.fields().iter().enumerate() {
            rows.push(ColumnRow {
                table_name: &t.name,
                ordinal: i + 1,
                column_name: field.name(),
                data_type: spec_type_name(field.data_type()),
                nullable: field.is_nullable(),
                description: None,
            });
        }
    }
    to_batch(&columns_spec(), &rows)
}

#[derive(Serialize)]
struct ViewRow<'a> {
    view_name: &'a str,
    description: Option<&'a str>,
    sql: Option<&'a str>,
}

fn views_batch(others: &[OtherTable]) -> Result<RecordBatch, RowsError> {
    let rows: Vec<ViewRow<'_>> = others
        .iter()
        .filter(|t| t.view)
        .map(|t| ViewRow {
            view_name: &t.name,
            description: None,
            sql: t.sql.as_deref(),
        })
        .collect();
    to_batch(&views_spec(), &rows)
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
        assert_eq!(batch.num_columns(), rules_spec().columns.len());
        assert_eq!(rules_batch(&[]).expect("empty").num_rows(), 0);
    }

    #[test]
    fn literals_are_quoted() {
        assert_eq!(quote_literal("o'brien"), "'o''brien'");
        assert!(columns_query("x'y").contains("'x''y'"));
    }
}
