//! Source coverage: which data tables and columns a source can fill.
//!
//! A live collection reads every table (its coverage is `None`, "everything"); a local checkout
//! read with `--path` only knows what its files say, so a rule reading an org setting there has
//! no input at all and is reported as not applicable instead of passing. Tables absent from a
//! [`Coverage`] are not provided; a table present provides the columns of its [`ColumnSet`].
//!
//! ```
//! use devquery_model::{ColumnSet, Coverage};
//!
//! let local = Coverage::new("local checkouts (--path)")
//!     .with("pipelines", ColumnSet::except(["last_run_at"]))
//!     .with("repositories", ColumnSet::only(["org", "repo"]));
//! assert!(local.provides("pipelines", "triggers"));
//! assert!(!local.provides("pipelines", "last_run_at"));
//! assert!(!local.provides("orgs", "two_factor_required"));
//! assert!(local.provides_table("repositories"));
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The columns of one table a source provides. Serialised as `"all"`, `{"only": [...]}` or
/// `{"except": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnSet {
    /// Every column.
    All,
    /// Only these columns.
    Only(BTreeSet<String>),
    /// Every column except these.
    Except(BTreeSet<String>),
}

fn names<I, S>(columns: I) -> BTreeSet<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    columns.into_iter().map(Into::into).collect()
}

impl ColumnSet {
    /// Only the named columns.
    pub fn only<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ColumnSet::Only(names(columns))
    }

    /// Every column but the named ones (`All` when none is named).
    pub fn except<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let missing = names(columns);
        if missing.is_empty() {
            ColumnSet::All
        } else {
            ColumnSet::Except(missing)
        }
    }

    /// Whether `column` is provided.
    pub fn contains(&self, column: &str) -> bool {
        match self {
            ColumnSet::All => true,
            ColumnSet::Only(set) => set.contains(column),
            ColumnSet::Except(set) => !set.contains(column),
        }
    }

    /// The columns provided by either set.
    pub fn union(self, other: ColumnSet) -> ColumnSet {
        match (self, other) {
            (ColumnSet::All, _) | (_, ColumnSet::All) => ColumnSet::All,
            (ColumnSet::Only(mut a), ColumnSet::Only(b)) => {
                a.extend(b);
                ColumnSet::Only(a)
            }
            (ColumnSet::Only(only), ColumnSet::Except(except))
            | (ColumnSet::Except(except), ColumnSet::Only(only)) => {
                ColumnSet::except(except.difference(&only).cloned().collect::<Vec<_>>())
            }
            (ColumnSet::Except(a), ColumnSet::Except(b)) => {
                ColumnSet::except(a.intersection(&b).cloned().collect::<Vec<_>>())
            }
        }
    }
}

/// Which tables and columns a source provides; tables absent are not provided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The source in words, a plural noun phrase used in messages: "local checkouts (--path)"
    /// ("reads orgs.two_factor_required, which local checkouts (--path) do not provide").
    #[serde(default)]
    pub description: String,
    /// Provided tables and their columns.
    #[serde(default)]
    pub tables: BTreeMap<String, ColumnSet>,
}

impl Coverage {
    /// A coverage that provides nothing yet.
    pub fn new(description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            tables: BTreeMap::new(),
        }
    }

    /// Adds (or widens) a provided table.
    pub fn with(mut self, table: impl Into<String>, columns: ColumnSet) -> Self {
        self.insert(table, columns);
        self
    }

    /// Adds a provided table; a table already present gets the union of both column sets.
    pub fn insert(&mut self, table: impl Into<String>, columns: ColumnSet) {
        let table = table.into();
        let merged = match self.tables.remove(&table) {
            Some(old) => old.union(columns),
            None => columns,
        };
        self.tables.insert(table, merged);
    }

    /// Whether the table is provided (with at least some columns).
    pub fn provides_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// Whether `table.column` is provided.
    pub fn provides(&self, table: &str, column: &str) -> bool {
        self.tables.get(table).is_some_and(|c| c.contains(column))
    }

    /// The columns of `table` that are provided, `None` when the table is not.
    pub fn columns(&self, table: &str) -> Option<&ColumnSet> {
        self.tables.get(table)
    }

    /// What either source provides; the descriptions are joined with "and".
    pub fn union(mut self, other: Coverage) -> Coverage {
        for (table, columns) in other.tables {
            self.insert(table, columns);
        }
        let mine = std::mem::take(&mut self.description);
        self.description = if other.description.is_empty() || mine == other.description {
            mine
        } else if mine.is_empty() {
            other.description
        } else {
            format!("{mine} and {}", other.description)
        };
        self
    }

    /// Combines two optional coverages where `None` means "everything": everything absorbs.
    pub fn combine(a: Option<Coverage>, b: Option<Coverage>) -> Option<Coverage> {
        match (a, b) {
            (Some(a), Some(b)) => Some(a.union(b)),
            _ => None,
        }
    }
}
