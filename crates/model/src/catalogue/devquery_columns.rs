//! `devquery_columns`: one row per column of every table and view of the session.

catalogue_table! {
    /// Column of a table or view of the session, with its type and documentation.
    devquery_columns => ColumnEntry {
        /// The table or view (`devquery_tables`).
        table_name: text() => String,
        /// 1-based position of the column in its table.
        ordinal: int() => usize,
        /// Name to use in SQL.
        column_name: text() => String,
        /// Type as `docs/tables.md` shows it: `text`, `bigint`, `boolean`, `timestamp`, `list<…>`, `map<…>`, `struct<…>`.
        data_type: text() => String,
        /// The column may be NULL (every collected column may: unknown is NULL).
        nullable: boolean() => bool,
        /// What the column holds.
        description: text() => Option<String>,
    }
}
