//! Every file of the shared corpus through the parsers: no panic, rows that fit the Arrow
//! schemas, and a snapshot of the counts (files, parsed, parse errors, jobs, steps, steps with
//! untrusted inputs) per platform and kind.

use std::collections::BTreeMap;
use std::fmt::Write;

use devquery_pipelines::{ParsedPipeline, dataset, parse_file};

use crate::common::corpus;

#[derive(Default)]
struct Counts {
    files: usize,
    parsed: usize,
    parse_errors: usize,
    jobs: usize,
    steps: usize,
    untrusted: usize,
}

impl Counts {
    fn add(&mut self, p: &ParsedPipeline) {
        self.files += 1;
        if p.pipeline.parse_error.is_some() {
            self.parse_errors += 1;
        } else {
            self.parsed += 1;
        }
        self.jobs += p.jobs.len();
        self.steps += p.steps.len();
        self.untrusted += p
            .steps
            .iter()
            .filter(|s| s.untrusted_inputs.as_ref().is_some_and(|u| !u.is_empty()))
            .count();
    }
}

fn line(out: &mut String, label: &str, c: &Counts) {
    writeln!(
        out,
        "{label:<22} files={:<4} parsed={:<4} parse_errors={:<4} jobs={:<5} steps={:<5} steps_with_untrusted_inputs={}",
        c.files, c.parsed, c.parse_errors, c.jobs, c.steps, c.untrusted
    )
    .unwrap();
}

#[test]
fn corpus_counts() {
    let files = corpus();
    assert!(files.len() >= 700, "corpus has {} files", files.len());
    let mut total = Counts::default();
    let mut by_platform: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut errors = String::new();
    let mut parsed_all = Vec::new();
    for f in files {
        let p = parse_file(&f.context(), &f.original_path, &f.content);
        total.add(&p);
        by_platform.entry(f.platform.clone()).or_default().add(&p);
        by_kind
            .entry(p.pipeline.kind.clone().unwrap_or_else(|| "(none)".into()))
            .or_default()
            .add(&p);
        if let Some(e) = &p.pipeline.parse_error {
            let short: String = e.chars().take(160).collect();
            writeln!(errors, "{}: {short}", f.corpus_path).unwrap();
        }
        parsed_all.push(p);
    }
    // Every row fits its Arrow schema.
    let ds = dataset(&parsed_all).expect("rows fit the catalogue schemas");
    assert_eq!(ds.row_count("pipelines"), total.files);
    assert_eq!(ds.row_count("pipeline_jobs"), total.jobs);
    assert_eq!(ds.row_count("pipeline_steps"), total.steps);

    let mut summary = String::new();
    line(&mut summary, "total", &total);
    for (k, c) in &by_platform {
        line(&mut summary, &format!("platform {k}"), c);
    }
    for (k, c) in &by_kind {
        line(&mut summary, &format!("kind {k}"), c);
    }
    insta::assert_snapshot!("corpus_counts", summary);
    insta::assert_snapshot!("corpus_parse_errors", errors);
}

#[test]
fn corpus_untrusted_inputs_found_in_known_vulnerable_files() {
    // At least the classic injection contexts appear somewhere in the corpus.
    let mut seen = std::collections::BTreeSet::new();
    for f in corpus() {
        let p = parse_file(&f.context(), &f.original_path, &f.content);
        for s in &p.steps {
            for u in s.untrusted_inputs.iter().flatten() {
                seen.insert(u.clone());
            }
        }
    }
    for want in [
        "github.event.issue.title",
        "github.event.pull_request.head.ref",
        "github.head_ref",
        "Build.SourceBranch",
    ] {
        assert!(seen.contains(want), "{want} not found; saw {seen:?}");
    }
}
