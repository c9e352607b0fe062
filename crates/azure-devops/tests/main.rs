//! Integration tests of the Azure DevOps collector against the in-process fake server (no
//! network): tables, paging, faults and throttling, permissions, PAT redaction, the rules
//! scenario, and outcomes that cannot be mistaken (unreachable, partial).

mod common;
mod faults;
mod outcomes;
mod permissions;
mod redaction;
mod rules_scenario;
mod tables;
