//! Integration tests of `devquery-pipelines`: the whole shared corpus (snapshot of counts),
//! targeted fixtures for each extracted field, source positions pointing at their text, the
//! `--path` source over a fake checkout, and a property test feeding mutated corpus files.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod collect;
mod common;
mod corpus;
mod fixtures;
mod fuzz;
mod positions;
