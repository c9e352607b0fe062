//! Requests per project and per pipeline for a synthetic organisation served by the fake.
//!
//! `cargo run -p devquery-azure-devops --example requests [-- PROJECTS]` (default 20 projects).

use std::time::{Duration, Instant};

use devquery_azure_devops::{AzureOptions, Secret};
use devquery_fake_forge::azure::{AzureFake, ServerConfig, synthetic};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let scenario = synthetic("contoso", n, 2026);
    let pipelines: usize = scenario.projects.iter().map(|p| p.pipelines.len()).sum();
    let yaml: usize = scenario
        .projects
        .iter()
        .flat_map(|p| &p.pipelines)
        .filter(|d| d.yaml.is_some())
        .count();
    let repos: usize = scenario.projects.iter().map(|p| p.repos.len()).sum();
    let fake = AzureFake::start(scenario, ServerConfig::default()).await?;
    let mut opts = AzureOptions::new(vec!["contoso".into()]);
    opts.base_url = fake.base_url().to_string();
    opts.pat = Some(Secret::new("example"));
    opts.cache_dir = None;
    opts.progress = false;
    opts.initial_backoff = Duration::from_millis(5);
    let t = Instant::now();
    let ds = devquery_azure_devops::collect(&opts).await?;
    let elapsed = t.elapsed();
    let total = fake.counters().total();
    println!(
        "synthetic org: {n} projects, {repos} repositories, {pipelines} pipelines ({yaml} YAML)"
    );
    println!(
        "requests: {total} in {elapsed:.2?}; errors: {}",
        ds.row_count("collection_errors")
    );
    println!("per endpoint:");
    for (endpoint, count) in fake.counters().by_endpoint() {
        println!("  {endpoint:<36} {count:>5}");
    }
    let per_project = fake.counters().by_project();
    let org_level = per_project.get("(org)").copied().unwrap_or(0);
    let project_level = total - org_level;
    println!("organisation-level requests: {org_level}");
    println!(
        "project-level requests: {project_level} = {:.1} per project",
        project_level as f64 / n as f64
    );
    println!("all requests per project: {:.1}", total as f64 / n as f64);
    println!(
        "all requests per pipeline: {:.2}",
        total as f64 / pipelines.max(1) as f64
    );
    let by_endpoint = fake.counters().by_endpoint();
    let items = by_endpoint.get("git/items").copied().unwrap_or(0);
    println!(
        "pipeline-specific requests (YAML file fetch): {items} = {:.2} per pipeline",
        items as f64 / pipelines.max(1) as f64
    );
    for t in [
        "projects",
        "repositories",
        "branch_policies",
        "pipelines",
        "pipeline_jobs",
        "pipeline_steps",
        "secrets",
        "variables",
        "service_connections",
        "resource_authorizations",
        "runner_groups",
        "runners",
        "environments",
        "access_grants",
        "members",
        "teams",
    ] {
        println!("  rows {t:<26} {:>5}", ds.row_count(t));
    }
    Ok(())
}
