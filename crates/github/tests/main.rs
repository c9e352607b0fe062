//! Integration tests of the GitHub collector against the in-process fake GitHub server (no
//! network): table contents, pagination, permissions, fault tolerance, the ETag cache, that a
//! token never leaks, and a hostile server (foreign links and redirects, echoed credentials).

mod app;
mod common;
mod demo;
mod estate;
mod faults;
mod graphql;
mod hostile;
mod leaks;
mod outcomes;
mod scale;
