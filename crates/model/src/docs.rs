//! Generates `docs/tables.md` from the table declarations: the data tables, then the catalogue
//! tables under their own heading.

use std::fmt::Write as _;

use crate::catalogue::catalogue_tables;
use crate::spec::{TableSpec, type_name};
use crate::tables::catalog;

/// Markdown reference of every table and column: the data tables in registry order, then the
/// catalogue tables.
pub fn tables_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Table reference\n\n");
    out.push_str(
        "<!-- Generated from crates/model/src/tables and crates/model/src/catalogue by `devquery tables --markdown`. Do not edit. -->\n\n",
    );
    out.push_str("Every data table carries the join keys `platform`, `host` and `org`; tables scoped to an Azure DevOps project or a repository also carry `project` and `repo`. Unknown is NULL: a setting the token could not read is NULL and the reason is in `collection_errors`.\n\n");
    out.push_str("| table | one row per |\n|---|---|\n");
    for spec in catalog() {
        let _ = writeln!(out, "| [`{0}`](#{0}) | {1} |", spec.name, spec.doc);
    }
    for spec in catalog() {
        table_section(&mut out, "##", &spec);
    }
    out.push_str("\n## Catalogue tables\n\n");
    out.push_str("These tables describe the session itself: its tables, columns, views and rules. Every session has them, whatever its source; they carry no join keys and are never written to snapshots. `devquery tables` and the shell's `.tables` and `.schema` are queries over them.\n");
    for spec in catalogue_tables() {
        table_section(&mut out, "###", &spec);
    }
    out
}

/// One table's section: a `heading` with its name, its doc, and its columns with their types.
fn table_section(out: &mut String, heading: &str, spec: &TableSpec) {
    let _ = write!(
        out,
        "\n{heading} {}\n\n{}\n\n| column | type | description |\n|---|---|---|\n",
        spec.name, spec.doc
    );
    for c in &spec.columns {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} |",
            c.name,
            type_name(&c.data_type),
            c.doc.replace('|', "\\|")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_tables_follow_the_data_tables_under_their_heading() {
        let md = tables_markdown();
        let heading = md
            .find("\n## Catalogue tables\n")
            .expect("catalogue heading");
        for spec in catalog() {
            let at = md
                .find(&format!("\n## {}\n", spec.name))
                .expect("data table");
            assert!(at < heading, "{} after the catalogue heading", spec.name);
        }
        for spec in catalogue_tables() {
            let at = md
                .find(&format!("\n### {}\n", spec.name))
                .expect("catalogue table");
            assert!(at > heading, "{} before the catalogue heading", spec.name);
            assert!(
                !md.contains(&format!("](#{})", spec.name)),
                "{} in the index",
                spec.name
            );
        }
        assert!(md.contains("| `params` | `map<text, text>` |"));
        assert!(md.ends_with(" |\n"));
    }
}
