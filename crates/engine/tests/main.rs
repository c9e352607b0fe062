//! Integration tests of the engine: snapshots and their integrity, read-only SQL and its
//! limits, output files and formats, the committed test estate, the catalogue tables.

mod catalogue;
mod estate;
mod formats;
mod integrity;
mod limits;
mod outfile;
mod snapshot;
mod sql;
