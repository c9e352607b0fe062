//! Benchmark (not a timed test): collect a synthetic org from the in-process fake GitHub with
//! injected latency, then collect again with the ETag cache, and print requests per repository,
//! wall time and the 304 share; then collect once more over REST only (`--github-rest-only`)
//! and compare its requests and every table's row count with the GraphQL-batched run.
//!
//! ```text
//! cargo run -p devquery-github --example bench_collect -- [REPOS=500] [LATENCY_MS=50] [CONCURRENCY=8]
//! ```

use std::time::{Duration, Instant};

use devquery_fake_forge::github::{FakeGithub, generate};
use devquery_github::{GithubOptions, Secret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let repos = args.first().copied().unwrap_or(500) as usize;
    let latency = args.get(1).copied().unwrap_or(50);
    let concurrency = args.get(2).copied().unwrap_or(8) as usize;

    let mut scenario = generate::synthetic("bench", repos, 2026);
    scenario.faults.latency_ms = latency;
    scenario.rate_limit.limit = 1_000_000;
    let collected = scenario.orgs[0]
        .repos
        .iter()
        .filter(|r| !r.archived)
        .count();
    let server = FakeGithub::start(scenario).await?;
    let cache = tempfile::tempdir()?;
    let opts = GithubOptions {
        orgs: vec!["bench".into()],
        base_url: server.base_url().to_string(),
        token: Some(Secret::new("bench-token")),
        cache_dir: Some(cache.path().to_path_buf()),
        concurrency,
        progress: true,
        initial_backoff: Duration::from_millis(50),
        ..GithubOptions::default()
    };
    println!(
        "synthetic org: {repos} repositories ({collected} not archived), {latency} ms latency, concurrency {concurrency}"
    );

    let t = Instant::now();
    let ds = devquery_github::collect(&opts).await?;
    let wall = t.elapsed();
    let c = server.counters();
    println!(
        "cold run: {} requests, {:.2} requests/collected repository ({:.2} per repository of the org), {:.1} s wall, {} error rows",
        c.total,
        c.total as f64 / collected as f64,
        c.total as f64 / repos as f64,
        wall.as_secs_f64(),
        ds.row_count("collection_errors")
    );
    let mut per: Vec<_> = c.per_endpoint.iter().collect();
    per.sort_by(|a, b| b.1.cmp(a.1));
    for (endpoint, n) in per.iter().take(14) {
        println!("  {n:>6}  {endpoint}");
    }

    server.reset_counters();
    let t = Instant::now();
    let _ = devquery_github::collect(&opts).await?;
    let wall = t.elapsed();
    let c = server.counters();
    println!(
        "warm run (ETag cache): {} requests, {} answered 304 ({:.1} %), {:.1} s wall",
        c.total,
        c.not_modified,
        100.0 * c.not_modified as f64 / c.total.max(1) as f64,
        wall.as_secs_f64()
    );

    server.reset_counters();
    let rest_cache = tempfile::tempdir()?;
    let rest_opts = GithubOptions {
        graphql: false,
        cache_dir: Some(rest_cache.path().to_path_buf()),
        ..opts.clone()
    };
    let t = Instant::now();
    let rest = devquery_github::collect(&rest_opts).await?;
    let wall = t.elapsed();
    let c = server.counters();
    println!(
        "REST only, cold: {} requests, {:.2} requests/collected repository ({:.2} per repository of the org), {:.1} s wall",
        c.total,
        c.total as f64 / collected as f64,
        c.total as f64 / repos as f64,
        wall.as_secs_f64()
    );
    let mut differ = 0;
    for table in ds.table_names().map(str::to_string).collect::<Vec<_>>() {
        if table == "collection_runs" {
            continue;
        }
        let (a, b) = (ds.row_count(&table), rest.row_count(&table));
        if a != b {
            differ += 1;
            println!("  rows differ in {table}: GraphQL-batched {a}, REST only {b}");
        }
    }
    if differ == 0 {
        println!("  every table has the same row count in both runs");
    }
    Ok(())
}
