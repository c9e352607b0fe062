//! Integration tests of `devquery-pipelines`: the whole shared corpus (snapshot of counts),
//! targeted fixtures for each extracted field, source positions pointing at their text, the
//! `--path` source over a fake checkout (hostile ones too: links, FIFOs, template chains),
//! the input limits that keep hostile files linear, and property tests feeding mutated corpus
//! files and mutated fixtures.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod collect;
mod common;
mod corpus;
mod fixtures;
mod fuzz;
mod hostile;
mod limits;
mod mutations;
mod positions;
