//! Test-only crate: the bundled rule pack's fixture tests live in `tests/main.rs`.
