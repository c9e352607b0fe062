//! Fake GitHub and Azure DevOps REST servers: serve a scenario in the shapes of the official API
//! examples, with pagination, conditional requests, rate limits and injected faults.

pub mod azure;
pub mod github;
pub mod logs;
