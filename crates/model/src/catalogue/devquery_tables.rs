//! `devquery_tables`: one row per table and view of the session.

catalogue_table! {
    /// Table or view of the session: collected tables, views and these catalogue tables.
    devquery_tables => TableEntry {
        /// Name to use in SQL.
        table_name: text() => String,
        /// `table` (collected data), `view`, or `catalogue` (tables about the tables).
        kind: text() => String,
        /// Rows in this session when known without reading the table; NULL otherwise (a live table not collected yet, a snapshot narrowed by `--org` / `--repo`).
        row_count: int() => Option<usize>,
        /// What one row is.
        description: text() => Option<String>,
    }
}
