//! Integration tests of the table catalogue.

use std::collections::BTreeMap;

use devquery_model::catalogue::{
    ColumnEntry, RuleEntry, TableEntry, ViewEntry, devquery_columns, devquery_rules,
    devquery_tables, devquery_views,
};
use devquery_model::tables::*;
use devquery_model::{
    Dataset, Row, catalog, catalogue_tables, docs, find, is_catalogue_table, to_batch,
};

#[test]
fn catalogue_has_all_25_tables_documented() {
    let tables = catalog();
    assert_eq!(tables.len(), 25);
    let mut names: Vec<_> = tables.iter().map(|t| t.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 25, "duplicate table names");
    for t in &tables {
        assert!(!t.doc.is_empty(), "table {} has no doc", t.name);
        for c in &t.columns {
            assert!(!c.doc.is_empty(), "{}.{} has no doc", t.name, c.name);
        }
        let keys: Vec<_> = t.columns.iter().take(3).map(|c| c.name.as_str()).collect();
        assert_eq!(keys, ["platform", "host", "org"], "join keys of {}", t.name);
        let mut cols: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
        cols.sort();
        let n = cols.len();
        cols.dedup();
        assert_eq!(cols.len(), n, "duplicate columns in {}", t.name);
    }
}

#[test]
fn join_keys_named_identically() {
    for t in catalog() {
        for key in ["project", "repo"] {
            if let Some(c) = t.column(key) {
                assert_eq!(
                    c.data_type,
                    devquery_model::types::text(),
                    "{}.{key}",
                    t.name
                );
            }
        }
    }
    assert!(repositories::spec().column("repo").is_some());
    assert!(projects::spec().column("project").is_some());
}

#[test]
fn catalogue_tables_are_documented_apart_from_the_data_tables() {
    let data: Vec<&str> = catalog().iter().map(|t| t.name).collect();
    let tables = catalogue_tables();
    assert_eq!(tables.len(), 4);
    for t in &tables {
        assert!(!data.contains(&t.name), "{} is also a data table", t.name);
        assert!(find(t.name).is_none(), "find() knows {}", t.name);
        assert!(is_catalogue_table(t.name));
        assert!(!t.doc.is_empty(), "table {} has no doc", t.name);
        for c in &t.columns {
            assert!(!c.doc.is_empty(), "{}.{} has no doc", t.name, c.name);
        }
    }
    assert!(data.iter().all(|name| !is_catalogue_table(name)));
}

#[test]
fn every_catalogue_entry_fits_its_schema() {
    let rule = RuleEntry {
        id: "x-rule".into(),
        platforms: vec!["github".into()],
        params: BTreeMap::from([("days".to_string(), "90".to_string())]),
        ..RuleEntry::default()
    };
    let batches = [
        to_batch(&devquery_tables::spec(), &[TableEntry::default()]),
        to_batch(&devquery_columns::spec(), &[ColumnEntry::default()]),
        to_batch(&devquery_views::spec(), &[ViewEntry::default()]),
        to_batch(&devquery_rules::spec(), &[rule]),
    ];
    for (batch, spec) in batches.into_iter().zip(catalogue_tables()) {
        let batch = batch.expect("entries fit their schema");
        assert_eq!(batch.num_rows(), 1);
        assert_eq!(batch.schema(), spec.schema(), "{}", spec.name);
    }
}

#[test]
fn docs_tables_md_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tables.md");
    let want = docs::tables_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).expect("write docs/tables.md");
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/tables.md is stale: run `UPDATE_DOCS=1 cargo test --workspace -- docs_tables_md` or `devquery tables --markdown > docs/tables.md`"
    );
}

fn round_trip<R: Row + Default>() {
    let batch = to_batch(&R::spec(), &[R::default(), R::default()]).expect("rows fit schema");
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(batch.schema(), R::spec().schema());
}

#[test]
fn every_row_type_fits_its_schema() {
    round_trip::<OrgRow>();
    round_trip::<ProjectRow>();
    round_trip::<RepositoryRow>();
    round_trip::<BranchPolicyRow>();
    round_trip::<PipelineRow>();
    round_trip::<PipelineJobRow>();
    round_trip::<PipelineStepRow>();
    round_trip::<PipelineSettingsRow>();
    round_trip::<RunnerRow>();
    round_trip::<RunnerGroupRow>();
    round_trip::<SecretRow>();
    round_trip::<VariableRow>();
    round_trip::<ResourceAuthorizationRow>();
    round_trip::<ServiceConnectionRow>();
    round_trip::<EnvironmentRow>();
    round_trip::<AccessGrantRow>();
    round_trip::<MemberRow>();
    round_trip::<TeamRow>();
    round_trip::<WebhookRow>();
    round_trip::<DeployKeyRow>();
    round_trip::<IntegrationRow>();
    round_trip::<AlertRow>();
    round_trip::<CollectionErrorRow>();
    round_trip::<CollectionRunRow>();
    round_trip::<FindingRow>();
}

#[test]
fn nested_values_round_trip() {
    let row = BranchPolicyRow {
        platform: Some("github".into()),
        repo: Some("api".into()),
        required_status_checks: Some(vec!["ci".into(), "lint".into()]),
        bypass_actors: Some(vec![BypassActor {
            actor_type: Some("Team".into()),
            actor_id: Some("7".into()),
            bypass_mode: Some("always".into()),
        }]),
        ..Default::default()
    };
    let step = PipelineStepRow {
        with: Some(BTreeMap::from([("ref".to_string(), "main".to_string())])),
        step_index: Some(3),
        ..Default::default()
    };
    let run = CollectionRunRow {
        started_at: Some("2026-11-22T10:00:00Z".into()),
        ..Default::default()
    };
    let mut ds = Dataset::new();
    ds.extend(&[row]).expect("branch policy");
    ds.extend(&[step]).expect("step");
    ds.extend(&[run]).expect("run");
    assert_eq!(ds.row_count("branch_policies"), 1);
    assert_eq!(ds.row_count("pipeline_steps"), 1);
    assert_eq!(ds.row_count("collection_runs"), 1);
    assert_eq!(ds.row_count("orgs"), 0);
}
