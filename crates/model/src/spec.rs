//! Table and column specifications, and the `table!` and `catalogue_table!` macros that declare
//! a table, its docs and its row type in one place.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};

/// The join keys every table may carry, with their documentation. `platform`, `host` and `org`
/// are on every table; `project` and `repo` where they apply.
pub const JOIN_KEYS: &[(&str, &str)] = &[
    (
        "platform",
        "Platform the row came from: `github`, `azure_devops`, `gitlab` or `local`.",
    ),
    (
        "host",
        "API host (e.g. `github.com`, `dev.azure.com`, a GHES host), or `local` for checkouts.",
    ),
    (
        "org",
        "GitHub organisation or Azure DevOps organisation name.",
    ),
    ("project", "Azure DevOps project name; NULL on GitHub."),
    ("repo", "Repository name (without the org)."),
];

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    /// Column name as it appears in SQL.
    pub name: String,
    /// Arrow type.
    pub data_type: DataType,
    /// One-line documentation.
    pub doc: String,
}

/// One table: a data table or a catalogue table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// Table name as it appears in SQL.
    pub name: &'static str,
    /// One-line documentation: what one row is.
    pub doc: String,
    /// Columns, join keys first.
    pub columns: Vec<ColumnSpec>,
}

impl TableSpec {
    /// The Arrow schema of the table. Every column is nullable: unknown is NULL, never a guess.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(&c.name, c.data_type.clone(), true))
                .collect::<Vec<_>>(),
        ))
    }

    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Joins doc-comment lines into one line of documentation.
#[doc(hidden)]
pub fn join_doc(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Column name from a Rust identifier (strips the raw-identifier prefix of `r#type`).
#[doc(hidden)]
pub fn column_name(ident: &str) -> String {
    ident.trim_start_matches("r#").to_string()
}

/// The documentation of a join key.
#[doc(hidden)]
pub fn key_doc(name: &str) -> String {
    JOIN_KEYS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, d)| (*d).to_string())
        .unwrap_or_default()
}

/// Arrow types used by the catalogue, so table files read as a schema.
pub mod types {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{DataType, Field, Fields, TimeUnit};

    /// UTF-8 text.
    pub fn text() -> DataType {
        DataType::Utf8
    }
    /// Boolean.
    pub fn boolean() -> DataType {
        DataType::Boolean
    }
    /// 64-bit signed integer.
    pub fn int() -> DataType {
        DataType::Int64
    }
    /// Timestamp in microseconds, UTC.
    pub fn timestamp() -> DataType {
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    }
    /// A list of text values.
    pub fn text_list() -> DataType {
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
    }
    /// A map from text keys to text values.
    pub fn text_map() -> DataType {
        DataType::Map(
            Arc::new(Field::new(
                "entries",
                DataType::Struct(Fields::from(vec![
                    Field::new("key", DataType::Utf8, false),
                    Field::new("value", DataType::Utf8, true),
                ])),
                false,
            )),
            false,
        )
    }
    /// A map from text keys to 64-bit integer values (e.g. a key's line in a file).
    pub fn int_map() -> DataType {
        DataType::Map(
            Arc::new(Field::new(
                "entries",
                DataType::Struct(Fields::from(vec![
                    Field::new("key", DataType::Utf8, false),
                    Field::new("value", DataType::Int64, true),
                ])),
                false,
            )),
            false,
        )
    }
    /// A list of source positions: structs of `expression` (text), `line` and `column`
    /// (1-based integers), all nullable.
    pub fn position_list() -> DataType {
        DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(Fields::from(vec![
                Field::new("expression", DataType::Utf8, true),
                Field::new("line", DataType::Int64, true),
                Field::new("column", DataType::Int64, true),
            ])),
            true,
        )))
    }
    /// A struct of nullable text fields.
    pub fn text_struct(fields: &[&str]) -> DataType {
        DataType::Struct(Fields::from(
            fields
                .iter()
                .map(|f| Field::new(*f, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ))
    }
    /// A list of structs of nullable text fields.
    pub fn struct_list(fields: &[&str]) -> DataType {
        DataType::List(Arc::new(Field::new("item", text_struct(fields), true)))
    }
}

/// Declares a data table: its doc, name, row type and columns (each with a doc comment, an
/// Arrow type and the Rust field type). `platform`, `host` and `org` are always added first,
/// then the optional join keys listed in `keys [...]`. The row type is a [`Row`], so collectors
/// put it in a [`Dataset`].
///
/// [`Row`]: crate::rows::Row
/// [`Dataset`]: crate::rows::Dataset
macro_rules! table {
    (
        $(#[doc = $tdoc:literal])*
        $name:ident => $row:ident, keys [$($key:ident),* $(,)?] {
            $(
                $(#[doc = $cdoc:literal])*
                $col:ident : $dt:expr => $ty:ty
            ),* $(,)?
        }
    ) => {
        declare_table! {
            $(#[doc = $tdoc])*
            $name => $row, keys [platform, host, org $(, $key)*] {
                $(
                    $(#[doc = $cdoc])*
                    $col : $dt => $ty
                ),*
            }
        }

        impl $crate::rows::Row for $row {
            const TABLE: &'static str = stringify!($name);
            fn spec() -> $crate::spec::TableSpec {
                spec()
            }
        }
    };
}

/// Declares a catalogue table (a table about the session's tables, under `catalogue/`) the way
/// [`table!`] declares a data table, but without join keys, and its row type is not a `Row`:
/// no collector fills it and no snapshot holds it.
macro_rules! catalogue_table {
    (
        $(#[doc = $tdoc:literal])*
        $name:ident => $row:ident {
            $(
                $(#[doc = $cdoc:literal])*
                $col:ident : $dt:expr => $ty:ty
            ),* $(,)?
        }
    ) => {
        declare_table! {
            $(#[doc = $tdoc])*
            $name => $row, keys [] {
                $(
                    $(#[doc = $cdoc])*
                    $col : $dt => $ty
                ),*
            }
        }
    };
}

/// What [`table!`] and [`catalogue_table!`] share: the row struct (the `keys` first, each an
/// optional text, then the declared columns), the table's `NAME` and its `spec()` (the `keys`
/// documented from [`JOIN_KEYS`], then the declared columns with their doc comments).
macro_rules! declare_table {
    (
        $(#[doc = $tdoc:literal])*
        $name:ident => $row:ident, keys [$($key:ident),*] {
            $(
                $(#[doc = $cdoc:literal])*
                $col:ident : $dt:expr => $ty:ty
            ),*
        }
    ) => {
        $(#[doc = $tdoc])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $row {
            $(
                #[doc = concat!("Join key `", stringify!($key), "`.")]
                pub $key: Option<String>,
            )*
            $(
                $(#[doc = $cdoc])*
                pub $col: $ty,
            )*
        }

        /// The table's name in SQL.
        pub const NAME: &str = stringify!($name);

        /// The table's specification.
        pub fn spec() -> $crate::spec::TableSpec {
            #[allow(unused_imports)]
            use $crate::spec::types::*;
            let keys: &[&str] = &[$(stringify!($key)),*];
            let mut columns: Vec<$crate::spec::ColumnSpec> = keys
                .iter()
                .map(|&key| $crate::spec::ColumnSpec {
                    name: key.to_string(),
                    data_type: $crate::spec::types::text(),
                    doc: $crate::spec::key_doc(key),
                })
                .collect();
            $(
                columns.push($crate::spec::ColumnSpec {
                    name: $crate::spec::column_name(stringify!($col)),
                    data_type: $dt,
                    doc: $crate::spec::join_doc(&[$($cdoc),*]),
                });
            )*
            $crate::spec::TableSpec {
                name: NAME,
                doc: $crate::spec::join_doc(&[$($tdoc),*]),
                columns,
            }
        }
    };
}

/// A short SQL-ish name of an Arrow type for docs and `devquery tables`.
pub fn type_name(dt: &DataType) -> String {
    match dt {
        DataType::Utf8 => "text".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Int64 => "bigint".into(),
        DataType::Timestamp(_, _) => "timestamp".into(),
        DataType::List(f) => format!("list<{}>", type_name(f.data_type())),
        DataType::Map(f, _) => match f.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => format!(
                "map<{}, {}>",
                type_name(kv[0].data_type()),
                type_name(kv[1].data_type())
            ),
            other => format!("map<{other}>"),
        },
        DataType::Struct(fields) => format!(
            "struct<{}>",
            fields
                .iter()
                .map(|f| format!("{} {}", f.name(), type_name(f.data_type())))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}
