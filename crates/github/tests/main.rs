//! Integration tests of the GitHub collector against the in-process fake GitHub server (no
//! network): table contents, pagination, permissions, fault tolerance, the ETag cache, and
//! that a token never leaks.

mod app;
mod common;
mod demo;
mod estate;
mod faults;
mod graphql;
mod leaks;
mod scale;
