//! Tests of the shared HTTP policy against a tiny local axum server (no network): retries,
//! Retry-After, ETag cache, budget, pagination, error recording and redaction.

mod policy;
