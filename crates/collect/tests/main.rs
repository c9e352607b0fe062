//! Tests of the shared HTTP policy against a tiny local axum server (no network): retries,
//! Retry-After, ETag cache, budget, pagination, error recording and redaction; and against a
//! hostile one: foreign links and redirects, echoed credentials, truncated bodies.

mod hostile;
mod policy;
