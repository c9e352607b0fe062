//! Benchmark (not a test): parses and tabulates (to Arrow, via `Dataset::extend`) the whole
//! shared corpus N times and prints files/s.
//!
//! ```text
//! cargo run --release -p devquery-pipelines --example bench_corpus -- [--iterations N]
//!     [--platform github|azure|gitlab] [--corpus DIR]
//! ```
//! The last line is machine-readable: `FILES_PER_SEC=<n> FILES=<n> SECONDS=<s>`.

use std::time::Instant;

use devquery_pipelines::{FileContext, dataset, parse_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut iterations = 5usize;
    let mut platform: Option<String> = None;
    let mut corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--iterations" | "-n" => iterations = args.next().ok_or("--iterations N")?.parse()?,
            "--platform" => platform = Some(args.next().ok_or("--platform P")?),
            "--corpus" => corpus = args.next().ok_or("--corpus DIR")?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let manifest = std::fs::read_to_string(format!("{corpus}/MANIFEST.tsv"))?;
    let mut files = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 || platform.as_deref().is_some_and(|p| p != cols[0]) {
            continue;
        }
        let path = format!(
            "{corpus}/{}/{}/{}",
            cols[0],
            cols[1].replace('/', "__"),
            cols[3].replace('/', "__")
        );
        let content = String::from_utf8_lossy(&std::fs::read(&path)?).into_owned();
        let ctx = FileContext {
            platform: match cols[0] {
                "azure" => "azure_devops".to_string(),
                p => p.to_string(),
            },
            repo: Some(cols[1].to_string()),
            ..FileContext::default()
        };
        files.push((ctx, cols[3].to_string(), content));
    }
    let bytes: usize = files.iter().map(|f| f.2.len()).sum();
    let start = Instant::now();
    let mut rows = 0usize;
    for _ in 0..iterations {
        let parsed: Vec<_> = files
            .iter()
            .map(|(ctx, path, content)| parse_file(ctx, path, content))
            .collect();
        let ds = dataset(&parsed)?;
        rows += ds.row_count("pipelines")
            + ds.row_count("pipeline_jobs")
            + ds.row_count("pipeline_steps");
    }
    let secs = start.elapsed().as_secs_f64();
    let total = files.len() * iterations;
    let fps = total as f64 / secs;
    println!(
        "{} files ({:.1} MiB) x {iterations} iterations: {secs:.3} s, {fps:.0} files/s, {:.1} MiB/s, {} rows/iteration",
        files.len(),
        bytes as f64 / 1048576.0,
        (bytes * iterations) as f64 / 1048576.0 / secs,
        rows / iterations.max(1)
    );
    println!(
        "FILES_PER_SEC={fps:.1} FILES={} SECONDS={:.4}",
        files.len(),
        secs / iterations.max(1) as f64
    );
    Ok(())
}
