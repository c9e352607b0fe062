//! `fake-forge`: serves a fake GitHub REST API from a scenario file (YAML or JSON), or a
//! synthetic estate, for trying devquery without a token:
//!
//! ```text
//! fake-forge --scenario estate.yaml --port 8080
//! fake-forge --synthetic 200 --org acme --latency-ms 50
//! GITHUB_TOKEN=x devquery collect --github-org acme --github-url http://127.0.0.1:8080 --out snap
//! ```
//! (The Azure DevOps fake is served by its own module; this binary serves GitHub for now.)

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use devquery_fake_forge::github::{FakeGithub, Scenario, generate};

/// Fake forge server for devquery demos and tests.
#[derive(Debug, Parser)]
#[command(name = "fake-forge", version)]
struct Args {
    /// Scenario file (YAML or JSON) describing the estate.
    #[arg(long)]
    scenario: Option<std::path::PathBuf>,
    /// Serve a synthetic org with this many repositories instead of a scenario file.
    #[arg(long)]
    synthetic: Option<usize>,
    /// Org login of the synthetic estate.
    #[arg(long, default_value = "acme")]
    org: String,
    /// Seed of the synthetic estate.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Latency added to every response (ms), overriding the scenario.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Share of requests answered 5xx, overriding the scenario.
    #[arg(long)]
    error_rate: Option<f64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let mut scenario = match (&args.scenario, args.synthetic) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Scenario::from_yaml(&text).with_context(|| format!("parsing {}", path.display()))?
        }
        (None, Some(n)) => generate::synthetic(&args.org, n, args.seed),
        (None, None) => generate::synthetic(&args.org, 20, args.seed),
    };
    if let Some(ms) = args.latency_ms {
        scenario.faults.latency_ms = ms;
    }
    if let Some(rate) = args.error_rate {
        scenario.faults.error_rate = rate;
    }
    let orgs: Vec<String> = scenario.orgs.iter().map(|o| o.login.clone()).collect();
    let server = FakeGithub::bind(scenario, SocketAddr::new(args.bind, args.port)).await?;
    println!(
        "fake GitHub API at {} (orgs: {})",
        server.base_url(),
        orgs.join(", ")
    );
    tokio::signal::ctrl_c().await?;
    let c = server.counters();
    println!("{} requests, {} answered 304", c.total, c.not_modified);
    Ok(())
}
