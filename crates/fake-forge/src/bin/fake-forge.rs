//! `fake-forge`: serves a fake GitHub or Azure DevOps REST API from a scenario file (YAML or
//! JSON), or a synthetic estate, for trying devquery without a token:
//!
//! ```text
//! fake-forge --scenario estate.yaml --port 8080
//! fake-forge --synthetic 200 --org acme --latency-ms 50
//! GITHUB_TOKEN=x devquery collect --github-org acme --github-url http://127.0.0.1:8080 --out snap
//!
//! fake-forge --azure --port 8081                 # the rule-pack scenario (organisation fabrikam)
//! fake-forge --azure --synthetic 20 --org contoso
//! AZURE_DEVOPS_PAT=x devquery collect --azure-org contoso --azure-url http://127.0.0.1:8081 --out snap
//! ```

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use devquery_fake_forge::azure;
use devquery_fake_forge::github::{FakeGithub, Scenario, generate};

/// Fake forge server for devquery demos and tests.
#[derive(Debug, Parser)]
#[command(name = "fake-forge", version)]
struct Args {
    /// Serve the Azure DevOps REST API instead of GitHub's (without --scenario or --synthetic:
    /// the rule-pack scenario, in which every Azure DevOps rule fails and passes).
    #[arg(long)]
    azure: bool,
    /// Scenario file (YAML or JSON) describing the estate.
    #[arg(long)]
    scenario: Option<std::path::PathBuf>,
    /// Serve a synthetic org with this many repositories (Azure DevOps: projects) instead of a
    /// scenario file.
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
    if args.azure {
        return serve_azure(&args).await;
    }
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

/// Serves the Azure DevOps fake until Ctrl-C, then prints the request counts.
async fn serve_azure(args: &Args) -> anyhow::Result<()> {
    let scenario = match (&args.scenario, args.synthetic) {
        (Some(path), _) => {
            azure::Scenario::load(path).with_context(|| format!("loading {}", path.display()))?
        }
        (None, Some(n)) => azure::synthetic(&args.org, n, args.seed),
        (None, None) => azure::rules_scenario().context("the bundled rule-pack scenario")?,
    };
    let mut config = azure::ServerConfig::default();
    if let Some(ms) = args.latency_ms {
        config.faults.latency_ms = ms;
    }
    if let Some(rate) = args.error_rate {
        config.faults.error_rate = rate;
    }
    let org = scenario.org.clone();
    let projects = scenario.projects.len();
    let server =
        azure::AzureFake::start_on(scenario, config, SocketAddr::new(args.bind, args.port)).await?;
    println!(
        "fake Azure DevOps API at {} (organisation: {org}, {projects} projects)",
        server.base_url()
    );
    tokio::signal::ctrl_c().await?;
    let c = server.counters();
    let not_modified = c.by_status().get(&304).copied().unwrap_or(0);
    println!("{} requests, {not_modified} answered 304", c.total());
    Ok(())
}
