//! Integration tests of the synthetic estate generator: determinism, proportions, snapshot
//! layout and option checks.

use std::fs;
use std::path::{Path, PathBuf};

use devquery_model::catalog;
use devquery_synth::{Options, Progress, SynthError, generate};

fn options(repos: u64, seed: u64) -> Options {
    Options {
        repos,
        seed,
        ..Options::default()
    }
}

/// Every file of a snapshot directory with its bytes, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("snapshot directory")
        .map(|e| {
            let path = e.expect("directory entry").path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            (name, fs::read(&path).expect("read snapshot file"))
        })
        .collect();
    out.sort();
    out
}

fn write(dir: &Path, opts: &Options) -> devquery_engine::Manifest {
    generate(opts, dir, |_| {}).expect("generate the estate")
}

#[test]
fn same_seed_writes_identical_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let ma = write(&a, &options(300, 11));
    let mb = write(&b, &options(300, 11));
    assert_eq!(ma, mb);
    let fa = files(&a);
    let fb = files(&b);
    assert_eq!(
        fa.iter().map(|f| &f.0).collect::<Vec<_>>(),
        fb.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between two runs with the same seed");
    }
    // The manifest is fixed too: no wall-clock time in it.
    assert_eq!(ma.collected_at, devquery_synth::DEFAULT_AS_OF);
}

#[test]
fn different_seed_writes_different_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    write(&a, &options(300, 1));
    write(&b, &options(300, 2));
    let read = |d: &PathBuf, t: &str| fs::read(d.join(format!("{t}.parquet"))).expect("table");
    for table in ["repositories", "pipelines", "pipeline_steps", "secrets"] {
        assert_ne!(read(&a, table), read(&b, table), "{table}");
    }
}

#[test]
fn proportions_hold_and_every_table_is_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("estate");
    let mut reports = Vec::new();
    let manifest = generate(&options(300, 5), &dir, |p| reports.push(p)).expect("generate");
    assert_eq!(
        reports.last(),
        Some(&Progress {
            done: 300,
            total: 300
        })
    );
    for spec in catalog() {
        assert!(
            dir.join(format!("{}.parquet", spec.name)).exists(),
            "{}.parquet is missing",
            spec.name
        );
        assert!(manifest.tables.contains_key(spec.name), "{}", spec.name);
    }
    assert!(dir.join("manifest.json").exists());
    let n = |t: &str| manifest.tables.get(t).copied().unwrap_or(0) as f64;
    assert_eq!(n("repositories"), 300.0);
    let pipelines_per_repo = n("pipelines") / n("repositories");
    let jobs_per_pipeline = n("pipeline_jobs") / n("pipelines");
    let steps_per_job = n("pipeline_steps") / n("pipeline_jobs");
    assert!(
        (2.5..=4.5).contains(&pipelines_per_repo),
        "{pipelines_per_repo} pipelines per repository"
    );
    assert!(
        (2.0..=4.0).contains(&jobs_per_pipeline),
        "{jobs_per_pipeline} jobs per pipeline"
    );
    assert!(
        (4.0..=8.0).contains(&steps_per_job),
        "{steps_per_job} steps per job"
    );
    // Both platforms, and every table has rows but the report's findings and the (rare)
    // collection errors.
    assert!(manifest.sources.iter().any(|s| s.starts_with("github:")));
    assert!(
        manifest
            .sources
            .iter()
            .any(|s| s.starts_with("azure_devops:"))
    );
    for (table, rows) in &manifest.tables {
        if table != "findings" && table != "collection_errors" {
            assert!(*rows > 0, "{table} is empty");
        }
    }
    assert_eq!(manifest.error_count, manifest.tables["collection_errors"]);
}

#[test]
fn replaces_a_previous_estate_and_refuses_other_directories() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("estate");
    write(&dir, &options(20, 1));
    let second = write(&dir, &options(40, 1));
    assert_eq!(second.tables["repositories"], 40);
    let leftovers: Vec<String> = fs::read_dir(tmp.path())
        .expect("tempdir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .filter(|n| n != "estate")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let other = tmp.path().join("notes");
    fs::create_dir(&other).expect("mkdir");
    fs::write(other.join("keep.txt"), "keep me").expect("write");
    let err = generate(&options(10, 1), &other, |_| {}).expect_err("refused");
    assert!(err.to_string().contains("not a devquery snapshot"), "{err}");
    assert!(other.join("keep.txt").exists());
}

#[test]
fn out_of_range_options_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("estate");
    let bad = [
        options(0, 1),
        Options {
            azure_share: 1.5,
            ..options(10, 1)
        },
        Options {
            azure_share: f64::NAN,
            ..options(10, 1)
        },
        Options {
            as_of: "last tuesday".to_string(),
            ..options(10, 1)
        },
    ];
    for opts in bad {
        let err = generate(&opts, &dir, |_| {}).expect_err("refused");
        assert!(matches!(err, SynthError::Options(_)), "{err}");
        assert!(!dir.exists());
    }
}

#[test]
fn single_platform_estates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let github = write(
        &tmp.path().join("github"),
        &Options {
            azure_share: 0.0,
            ..options(30, 3)
        },
    );
    assert!(github.sources.iter().all(|s| s.starts_with("github:")));
    assert_eq!(github.tables["projects"], 0);
    let azure = write(
        &tmp.path().join("azure"),
        &Options {
            azure_share: 1.0,
            ..options(30, 3)
        },
    );
    assert!(azure.sources.iter().all(|s| s.starts_with("azure_devops:")));
    assert_eq!(azure.tables["repositories"], 30);
    let one = write(&tmp.path().join("one"), &options(1, 3));
    assert_eq!(one.tables["repositories"], 1);
}
