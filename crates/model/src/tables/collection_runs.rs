//! `collection_runs`: one row per collection.

table! {
    /// One collection of one source.
    collection_runs => CollectionRunRow, keys [] {
        /// Run id.
        run_id: text() => Option<String>,
        /// Source description (`github:my-org`, `path:/src`).
        source: text() => Option<String>,
        /// Started.
        started_at: timestamp() => Option<String>,
        /// Finished.
        finished_at: timestamp() => Option<String>,
        /// devquery version.
        tool_version: text() => Option<String>,
        /// API requests sent.
        api_requests: int() => Option<i64>,
        /// Requests answered `304 Not Modified` from the cache.
        conditional_hits: int() => Option<i64>,
        /// Rate-limit budget left at the end.
        rate_limit_remaining: int() => Option<i64>,
        /// Rows written to `collection_errors`.
        errors: int() => Option<i64>,
    }
}
