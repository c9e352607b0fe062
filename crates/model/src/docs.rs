//! Generates `docs/tables.md` from the catalogue declarations.

use std::fmt::Write as _;

use crate::tables::catalog;

/// Markdown reference of every table and column, in registry order.
pub fn tables_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Table reference\n\n");
    out.push_str(
        "<!-- Generated from crates/model/src/tables by `devquery tables --markdown`. Do not edit. -->\n\n",
    );
    out.push_str("Every table carries the join keys `platform`, `host` and `org`; tables scoped to an Azure DevOps project or a repository also carry `project` and `repo`. Unknown is NULL: a setting the token could not read is NULL and the reason is in `collection_errors`.\n\n");
    out.push_str("| table | one row per |\n|---|---|\n");
    for spec in catalog() {
        let _ = writeln!(out, "| [`{0}`](#{0}) | {1} |", spec.name, spec.doc);
    }
    for spec in catalog() {
        let _ = write!(
            out,
            "\n## {}\n\n{}\n\n| column | type | description |\n|---|---|---|\n",
            spec.name, spec.doc
        );
        for c in &spec.columns {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} |",
                c.name,
                crate::spec::type_name(&c.data_type),
                c.doc.replace('|', "\\|")
            );
        }
    }
    out
}
