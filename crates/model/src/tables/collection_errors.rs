//! `collection_errors`: one row per failed or forbidden API call.

table! {
    /// API call that failed or was refused during collection; the affected columns are NULL.
    collection_errors => CollectionErrorRow, keys [project, repo] {
        /// Collection run id.
        run_id: text() => Option<String>,
        /// Table whose data is missing or partial.
        table_name: text() => Option<String>,
        /// Endpoint (path without host or query).
        endpoint: text() => Option<String>,
        /// HTTP status, NULL for transport errors.
        http_status: int() => Option<i64>,
        /// What went wrong.
        message: text() => Option<String>,
        /// Permission or scope that would have allowed the call, when known.
        missing_permission: text() => Option<String>,
        /// When.
        at: timestamp() => Option<String>,
    }
}
