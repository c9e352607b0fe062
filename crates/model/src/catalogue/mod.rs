//! The catalogue tables: tables about the session itself (its tables, columns, views and
//! rules), declared like the data tables with [`catalogue_table!`] and documented with them in
//! `docs/tables.md`. The engine registers them in every session and computes their rows;
//! they are not data: [`catalog`](crate::catalog), [`find`](crate::find), datasets, snapshots
//! and rules' coverage know the data tables only.

pub mod devquery_columns;
pub mod devquery_rules;
pub mod devquery_tables;
pub mod devquery_views;

use crate::spec::TableSpec;

pub use devquery_columns::ColumnEntry;
pub use devquery_rules::RuleEntry;
pub use devquery_tables::TableEntry;
pub use devquery_views::ViewEntry;

/// Every table and view of the session.
pub const TABLES: &str = devquery_tables::NAME;
/// Every column of every table and view.
pub const COLUMNS: &str = devquery_columns::NAME;
/// The views registered in the session.
pub const VIEWS: &str = devquery_views::NAME;
/// The rule pack.
pub const RULES: &str = devquery_rules::NAME;

/// Every catalogue table, in documentation order.
pub const ALL: &[fn() -> TableSpec] = &[
    devquery_tables::spec,
    devquery_columns::spec,
    devquery_views::spec,
    devquery_rules::spec,
];

/// Every catalogue table's specification, in documentation order.
pub fn catalogue_tables() -> Vec<TableSpec> {
    ALL.iter().map(|f| f()).collect()
}

/// True for the name of a catalogue table (`devquery_tables`, …).
pub fn is_catalogue_table(name: &str) -> bool {
    [TABLES, COLUMNS, VIEWS, RULES].contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_declared_tables() {
        let names: Vec<&str> = catalogue_tables().iter().map(|s| s.name).collect();
        assert_eq!(names, [TABLES, COLUMNS, VIEWS, RULES]);
        assert!(names.iter().all(|n| is_catalogue_table(n)));
        assert!(!is_catalogue_table("repositories"));
    }

    #[test]
    fn catalogue_tables_carry_no_join_keys() {
        for spec in catalogue_tables() {
            assert!(spec.column("platform").is_none(), "{}", spec.name);
            assert!(spec.column("org").is_none(), "{}", spec.name);
        }
        let first = devquery_tables::spec();
        assert_eq!(first.columns[0].name, "table_name");
    }
}
