//! Terminal output end to end, on the demo estate: at 80 columns (`COLUMNS=80`, which devquery
//! honours even into a pipe, as here) the report and `select * from repositories` fit;
//! `--wide`, and a pipe without `COLUMNS`, keep everything; CSV of every catalogue table works,
//! lists and maps written as JSON text.

use std::process::Output;

use devquery_model::catalog;

use crate::common::{devquery_command, stderr, stdout};

/// Runs devquery with `COLUMNS` set to `columns`, or unset.
fn run(args: &[&str], columns: Option<&str>) -> Output {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut cmd = devquery_command(args, tmp.path());
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    cmd.output().expect("run devquery")
}

/// The lines of stdout wider than `width` characters (not bytes: `…` and `—` are one each).
fn too_wide(out: &Output, width: usize) -> Vec<String> {
    stdout(out)
        .lines()
        .filter(|l| l.chars().count() > width)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_report_fits_80_columns() {
    let out = run(&["report"], Some("80"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Rules"), "{}", stdout(&out));
    assert_eq!(too_wide(&out, 80), Vec::<String>::new(), "{}", stdout(&out));

    let wide = run(&["report", "--wide"], Some("80"));
    assert!(wide.status.success(), "{}", stderr(&wide));
    assert!(!too_wide(&wide, 80).is_empty(), "--wide keeps whole lines");
}

#[test]
fn select_star_from_repositories_fits_80_columns() {
    let sql = "select * from repositories";
    let out = run(&["query", "-e", sql], Some("80"));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(too_wide(&out, 80), Vec::<String>::new(), "{text}");
    assert!(text.contains("columns shown"), "{text}");
    assert!(text.contains("--wide"), "{text}");

    for (args, columns) in [
        (vec!["query", "--wide", "-e", sql], Some("80")),
        (vec!["query", "-e", sql], None),
    ] {
        let out = run(&args, columns);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            !too_wide(&out, 80).is_empty(),
            "{args:?} (COLUMNS {columns:?}) keeps every column"
        );
        assert!(!stdout(&out).contains("columns shown"));
    }
}

#[test]
fn csv_of_every_catalogue_table() {
    let tables = catalog();
    let mut args = vec!["query".to_string(), "--format".into(), "csv".into()];
    for spec in &tables {
        args.push("-e".into());
        args.push(format!("select * from {}", spec.name));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args, Some("80"));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for spec in &tables {
        let header: Vec<&str> = spec.columns.iter().map(|c| c.name.as_str()).collect();
        let header = header.join(",");
        assert!(
            text.lines().any(|l| l == header),
            "no CSV header for {}: {header}",
            spec.name
        );
    }
    // A list of strings is JSON text, quoted as CSV: "[""a"",""b""]".
    assert!(text.contains("\"[\"\""), "no nested value as JSON text");
}

#[test]
fn markdown_of_a_query() {
    let out = run(
        &[
            "query",
            "--format",
            "markdown",
            "-e",
            "select 'a|b' as text, cast(null as varchar) as missing, 1 as n",
        ],
        Some("80"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "| text | missing | n |\n| --- | --- | ---: |\n| a\\|b | NULL | 1 |\n"
    );
}
