//! Integration tests of the engine: snapshots, read-only SQL, the committed test estate.

mod estate;
mod snapshot;
mod sql;
