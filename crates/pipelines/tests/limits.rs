//! Input limits that keep hostile files linear: a megabyte of flow brackets, of `{a: `, of
//! block mappings indented one more column per line, alias chains that grow in depth, in nodes
//! or in text. Each is rejected with a `parse_error` naming the limit (and, being rejected at
//! the limit, quickly: no timing is asserted).

use devquery_pipelines::{FileContext, parse_file};

const MEGABYTE: usize = 1024 * 1024;

/// The parse error of `content` read as a GitHub workflow (and as an Azure Pipelines file: the
/// same loader, the same error).
fn parse_error(content: &str) -> String {
    let github = parse_file(
        &FileContext::new("github"),
        ".github/workflows/hostile.yml",
        content,
    );
    let azure = parse_file(
        &FileContext::new("azure_devops"),
        "azure-pipelines.yml",
        content,
    );
    assert_eq!(
        github.pipeline.parse_error, azure.pipeline.parse_error,
        "both kinds go through the same loader"
    );
    assert!(github.jobs.is_empty() && github.steps.is_empty());
    github.pipeline.parse_error.unwrap_or_default()
}

/// `unit` repeated to at least a megabyte.
fn megabyte_of(unit: &str) -> String {
    unit.repeat(MEGABYTE / unit.len() + 1)
}

#[test]
fn a_megabyte_of_open_brackets_names_the_flow_depth_limit() {
    let e = parse_error(&megabyte_of("["));
    assert_eq!(
        e,
        "invalid YAML: flow collections nested deeper than 256 levels at line 1 column 257"
    );
}

#[test]
fn a_megabyte_of_open_flow_mappings_names_the_flow_depth_limit() {
    let e = parse_error(&format!("on: push\njobs: {}", megabyte_of("{a: ")));
    assert_eq!(
        e,
        "invalid YAML: flow collections nested deeper than 256 levels at line 2 column 1031"
    );
}

#[test]
fn a_megabyte_of_indented_block_mappings_names_the_depth_limit() {
    // `a:` / ` b:` / `  c:` ... one column deeper per line, until the file passes a megabyte
    // (about 1,450 levels).
    let mut text = String::new();
    let mut level = 0usize;
    while text.len() < MEGABYTE {
        text.push_str(&" ".repeat(level));
        text.push(char::from(b'a' + u8::try_from(level % 26).unwrap()));
        text.push_str(":\n");
        level += 1;
    }
    assert!(level > 1000, "{level} levels");
    let e = parse_error(&text);
    assert!(
        e.starts_with("invalid YAML: nesting deeper than 256 levels at line "),
        "{e}"
    );
}

#[test]
fn indented_block_sequences_name_the_depth_limit() {
    let mut text = String::new();
    for level in 0..400 {
        text.push_str(&"  ".repeat(level));
        text.push_str("-\n");
    }
    let e = parse_error(&text);
    assert!(
        e.starts_with("invalid YAML: nesting deeper than 256 levels"),
        "{e}"
    );
}

#[test]
fn an_alias_chain_deeper_than_the_limit_names_it() {
    // a1 holds a0, a2 holds a1, ...: each alias copy is one level deeper than the last.
    let mut text = String::from("a0: &a0 [x]\n");
    for i in 1..5000 {
        text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let e = parse_error(&text);
    assert!(
        e.contains("nesting deeper than 256 levels once aliases are expanded"),
        "{e}"
    );
}

#[test]
fn an_alias_chain_that_doubles_names_the_node_limit() {
    let mut text = String::from("a0: &a0 [x, x]\n");
    for i in 1..5000 {
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
    }
    let e = parse_error(&text);
    assert!(
        e.contains("more than 1000000 nodes once aliases are expanded"),
        "{e}"
    );
}

#[test]
fn a_long_string_repeated_by_aliases_names_the_text_limit() {
    // 64 KB of text, referenced 1,100 times: 70 MB once expanded, from a 70 KB file.
    let long = "x".repeat(64 * 1024);
    let aliases = vec!["*s"; 1100].join(", ");
    let e = parse_error(&format!("s: &s {long}\nl: [{aliases}]\n"));
    assert!(
        e.contains("more than 67108864 bytes of text once aliases are expanded"),
        "{e}"
    );
}

#[test]
fn many_documents_name_the_document_limit() {
    let e = parse_error(&"---\na: 1\n".repeat(100));
    assert!(e.contains("more than 64 documents in one file"), "{e}");
}

#[test]
fn nesting_within_the_limits_still_parses() {
    // 200 levels of brackets and of block mappings are deep but allowed.
    let flow = format!("x: {}1{}\n", "[".repeat(200), "]".repeat(200));
    let mut block = String::new();
    for level in 0..200 {
        block.push_str(&" ".repeat(level));
        block.push_str("k:\n");
    }
    for text in [flow, block] {
        let p = parse_file(&FileContext::new("gitlab"), ".gitlab-ci.yml", &text);
        let e = p.pipeline.parse_error.unwrap_or_default();
        assert!(!e.contains("nesting deeper"), "{e}");
    }
}
