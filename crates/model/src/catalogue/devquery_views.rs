//! `devquery_views`: one row per view registered in the session.

catalogue_table! {
    /// View registered in the session, with its SQL.
    devquery_views => ViewEntry {
        /// Name to use in SQL.
        view_name: text() => String,
        /// What one row is; NULL when the view is not documented.
        description: text() => Option<String>,
        /// The view's definition; NULL when it was not given as SQL.
        sql: text() => Option<String>,
    }
}
