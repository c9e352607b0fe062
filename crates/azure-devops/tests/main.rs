//! Integration tests of the Azure DevOps collector against the in-process fake server (no
//! network): tables, paging, faults and throttling, permissions, PAT redaction, and the rules
//! scenario.

mod common;
mod faults;
mod permissions;
mod redaction;
mod rules_scenario;
mod tables;
