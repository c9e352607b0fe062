//! Loads YAML text into `yaml_serde::Value` documents from `saphyr-parser` events, recording
//! where every node is. Scalars resolve by the YAML 1.2 core schema (see [`crate::scalar`]),
//! aliases are expanded, `<<` merge keys applied, repeated mapping keys accepted (the last one
//! wins, as GitLab does), and a leading byte-order mark ignored. Expansion is bounded: at most
//! [`MAX_NODES`] nodes and [`MAX_TEXT_BYTES`] of scalar text (aliases counted at their expanded
//! size), [`MAX_DEPTH`] levels of nesting (flow collections, block mappings and sequences alike,
//! and aliases at their expanded depth), [`MAX_DOCUMENTS`] documents and [`MAX_PARSE_TIME`] per
//! file. A file past a limit is an error naming it.
//!
//! Cost stays linear in the size of the file: flow nesting is checked by a linear pre-scan
//! before the parser sees the text (see [`crate::nesting`]), block nesting stops at the
//! [`MAX_DEPTH`]th level as the parser's events arrive, and an alias is copied only after its
//! expanded size was counted.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};
use yaml_serde::value::{Tag as ValueTag, TaggedValue};
use yaml_serde::{Mapping, Value};

use crate::positions::{Pos, Positions, SpanTree};
use crate::{nesting, scalar};

/// Most documents in one file.
pub(crate) const MAX_DOCUMENTS: usize = 64;
/// Most nodes in one file, aliases counted at their expanded size.
pub(crate) const MAX_NODES: usize = 1_000_000;
/// Deepest nesting of sequences and mappings.
pub(crate) const MAX_DEPTH: usize = 256;
/// Most bytes of scalar text in one file, aliases counted at their expanded size (a short file
/// can otherwise repeat a long string a million times).
pub(crate) const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// Longest time spent parsing one file (a backstop: the limits above keep parsing linear).
pub(crate) const MAX_PARSE_TIME: Duration = Duration::from_secs(10);
/// Parser events between two looks at the clock.
const EVENTS_PER_CLOCK_CHECK: usize = 4096;

/// The documents of a file and where their nodes are.
#[derive(Debug)]
pub(crate) struct Loaded<'s> {
    /// Every document, in order (a file without content has none).
    pub docs: Vec<Value>,
    /// Positions of the nodes of `docs`.
    pub positions: Positions<'s>,
}

/// Loads every document of a file. An error reads `invalid YAML: <problem> at line L column C`.
pub(crate) fn load(content: &str) -> Result<Loaded<'_>, String> {
    let src = content.strip_prefix('\u{feff}').unwrap_or(content);
    if let Err(at) = nesting::check(src, MAX_DEPTH) {
        return Err(format!(
            "invalid YAML: flow collections nested deeper than {MAX_DEPTH} levels at line {} column {}",
            at.line, at.column
        ));
    }
    let deadline = Instant::now() + MAX_PARSE_TIME;
    let mut text = Cow::Borrowed(src);
    let mut reindented = 0;
    let (docs, trees) = loop {
        match build_guarded(&text, deadline) {
            Ok(built) => break built,
            Err(Failure::FlowIndent { line, message })
                if reindented < MAX_REINDENTED_LINES && inside_flow(&text, line) =>
            {
                let Some(padded) = reindent(&text, line) else {
                    return Err(message);
                };
                text = Cow::Owned(padded);
                reindented += 1;
            }
            Err(Failure::FlowIndent { message, .. } | Failure::Message(message)) => {
                return Err(message);
            }
        }
    };
    let positions = Positions::new(text, &docs, &trees);
    Ok(Loaded { docs, positions })
}

/// Most lines of a flow collection re-indented in one file (each costs one more parse).
const MAX_REINDENTED_LINES: usize = 64;

/// Why a parse failed: a line of a flow collection indented less than its block (accepted by
/// libyaml, go-yaml and so by GitHub, rejected by saphyr), or anything else.
enum Failure {
    FlowIndent { line: usize, message: String },
    Message(String),
}

/// Parses, turning a panic inside the third-party parser into an invalid file.
fn build_guarded(src: &str, deadline: Instant) -> Result<(Vec<Value>, Vec<SpanTree>), Failure> {
    std::panic::catch_unwind(|| build(src, deadline)).unwrap_or_else(|_| {
        Err(Failure::Message(
            "invalid YAML: the YAML parser failed on this file (internal error)".to_string(),
        ))
    })
}

/// The documents and their position trees, from the parser's events; stops at `deadline`.
fn build(src: &str, deadline: Instant) -> Result<(Vec<Value>, Vec<SpanTree>), Failure> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(src);
    let mut events = 0usize;
    while let Some(next) = parser.next_event() {
        events += 1;
        if events.is_multiple_of(EVENTS_PER_CLOCK_CHECK) && Instant::now() > deadline {
            return Err(Failure::Message(format!(
                "invalid YAML: parsing took longer than the {} s allowed per file",
                MAX_PARSE_TIME.as_secs()
            )));
        }
        let (event, span) = next.map_err(|e| {
            let message = scan_error(&e);
            if e.info().starts_with("invalid indentation") {
                Failure::FlowIndent {
                    line: e.marker().line(),
                    message,
                }
            } else {
                Failure::Message(message)
            }
        })?;
        builder.event(event, span).map_err(Failure::Message)?;
    }
    Ok((builder.docs, builder.trees))
}

/// Whether 1-based `line` starts inside an open `[` or `{` (a quick count that skips quoted
/// text and comments; it only decides whether a re-indentation is worth trying).
fn inside_flow(src: &str, line: usize) -> bool {
    let mut depth = 0usize;
    for text in src.lines().take(line.saturating_sub(1)) {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for c in text.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '#') if prev == ' ' || prev == '\t' => break,
                (None, '\'' | '"') if matches!(prev, ' ' | '[' | '{' | ',' | ':') => {
                    quote = Some(c)
                }
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            prev = c;
        }
    }
    depth > 0
}

/// The text with 1-based `line` indented one column more than the line before it (and more
/// than itself): inside a flow collection leading blanks carry no meaning.
fn reindent(src: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let index = line.checked_sub(1)?;
    let own = indentation(lines.get(index)?);
    let previous = lines
        .get(..index)?
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| indentation(l));
    let pad = previous.max(own) + 1 - own;
    let mut out = String::with_capacity(src.len() + pad);
    for (i, l) in lines.iter().enumerate() {
        if i == index {
            out.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(l);
    }
    Some(out)
}

fn indentation(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

fn scan_error(e: &ScanError) -> String {
    let m = e.marker();
    format!(
        "invalid YAML: {} at line {} column {}",
        e.info(),
        m.line(),
        m.col() + 1
    )
}

/// An error at a parser position.
fn error_at(message: &str, at: Marker) -> String {
    format!(
        "invalid YAML: {message} at line {} column {}",
        at.line(),
        at.col() + 1
    )
}

/// A node's position from the parser's markers (columns from 0 there).
fn pos(start: Marker, end: Marker) -> Pos {
    Pos {
        line: start.line(),
        column: start.col() + 1,
        end_line: end.line(),
        end_column: end.col() + 1,
    }
}

/// A finished node with its positions, size (nodes), height (levels) and scalar text (bytes).
#[derive(Clone)]
struct Node {
    value: Value,
    tree: SpanTree,
    size: usize,
    height: usize,
    bytes: usize,
}

/// A sequence or mapping being read.
struct Frame {
    anchor: usize,
    tag: Option<Tag>,
    start: Marker,
    size: usize,
    height: usize,
    bytes: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Value>, Vec<SpanTree>),
    Map(MapBuilder),
}

impl Frame {
    fn push(&mut self, node: Node) {
        self.size = self.size.saturating_add(node.size);
        self.height = self.height.max(node.height + 1);
        self.bytes = self.bytes.saturating_add(node.bytes);
        match &mut self.kind {
            FrameKind::Seq(values, trees) => {
                values.push(node.value);
                trees.push(node.tree);
            }
            FrameKind::Map(map) => map.push(node),
        }
    }
}

/// One mapping's entries in order, with repeated keys replaced (last wins) and `<<` merges
/// kept aside until the mapping ends.
#[derive(Default)]
struct MapBuilder {
    entries: Vec<(Value, Value, SpanTree, SpanTree)>,
    index: HashMap<Value, usize>,
    merges: Vec<(Value, SpanTree)>,
    key: Option<(Value, SpanTree)>,
}

impl MapBuilder {
    fn push(&mut self, node: Node) {
        match self.key.take() {
            None => self.key = Some((node.value, node.tree)),
            Some((k, kt)) => self.insert(k, kt, node.value, node.tree),
        }
    }

    fn insert(&mut self, k: Value, kt: SpanTree, v: Value, vt: SpanTree) {
        if k.as_str() == Some("<<") {
            self.merges.push((v, vt));
            return;
        }
        match self.index.get(&k) {
            Some(&i) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    *entry = (k, v, kt, vt);
                }
            }
            None => {
                self.index.insert(k.clone(), self.entries.len());
                self.entries.push((k, v, kt, vt));
            }
        }
    }

    /// Adds a merged mapping's entries whose keys the mapping does not have.
    fn merge_mapping(&mut self, m: Mapping, trees: Vec<(SpanTree, SpanTree)>) {
        for ((k, v), (kt, vt)) in m.into_iter().zip(trees) {
            if !self.index.contains_key(&k) {
                self.index.insert(k.clone(), self.entries.len());
                self.entries.push((k, v, kt, vt));
            }
        }
    }

    /// The mapping, with `<<` merges applied (a mapping, or a list of mappings where earlier
    /// ones win); other merge values are ignored.
    fn finish(mut self) -> (Mapping, Vec<(SpanTree, SpanTree)>) {
        for (v, t) in std::mem::take(&mut self.merges) {
            match (v, t) {
                (Value::Mapping(m), SpanTree::Map(_, trees)) => self.merge_mapping(m, trees),
                (Value::Sequence(items), SpanTree::Seq(_, trees)) => {
                    for (item, tree) in items.into_iter().zip(trees) {
                        if let (Value::Mapping(m), SpanTree::Map(_, trees)) = (item, tree) {
                            self.merge_mapping(m, trees);
                        }
                    }
                }
                _ => tracing::debug!("a `<<` merge value is not a mapping; ignored"),
            }
        }
        let mut mapping = Mapping::with_capacity(self.entries.len());
        let mut trees = Vec::with_capacity(self.entries.len());
        for (k, v, kt, vt) in self.entries {
            mapping.insert(k, v);
            trees.push((kt, vt));
        }
        (mapping, trees)
    }
}

/// Builds documents from parser events.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    text_bytes: usize,
    root: Option<Node>,
    docs: Vec<Value>,
    trees: Vec<SpanTree>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_) => {
                if self.docs.len() >= MAX_DOCUMENTS {
                    return Err(format!(
                        "invalid YAML: more than {MAX_DOCUMENTS} documents in one file"
                    ));
                }
                self.anchors.clear();
                Ok(())
            }
            Event::DocumentEnd => {
                let node = self.root.take();
                let at = pos(span.start, span.end);
                let (value, tree) =
                    node.map_or((Value::Null, SpanTree::Leaf(at)), |n| (n.value, n.tree));
                self.docs.push(value);
                self.trees.push(tree);
                Ok(())
            }
            Event::Alias(id) => self.alias(id, span),
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, span.start)?;
                self.count_text(text.len(), span.start)?;
                let value = scalar_value(&text, style, tag.as_deref())
                    .map_err(|e| error_at(&e, span.start))?;
                let at = pos(span.start, span.end);
                let tree = match value {
                    Value::Tagged(_) => SpanTree::Tagged(at, Box::new(SpanTree::Leaf(at))),
                    _ => SpanTree::Leaf(at),
                };
                let node = Node {
                    value,
                    tree,
                    size: 1,
                    height: 1,
                    bytes: text.len(),
                };
                self.complete(node, anchor, span.start)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(anchor, tag, span, FrameKind::Seq(Vec::new(), Vec::new()))
            }
            Event::MappingStart(anchor, tag) => {
                self.open(anchor, tag, span, FrameKind::Map(MapBuilder::default()))
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
        }
    }

    /// Counts new nodes against [`MAX_NODES`].
    fn count(&mut self, n: usize, at: Marker) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(error_at(
                &format!("more than {MAX_NODES} nodes once aliases are expanded"),
                at,
            ));
        }
        Ok(())
    }

    /// Counts scalar text against [`MAX_TEXT_BYTES`].
    fn count_text(&mut self, n: usize, at: Marker) -> Result<(), String> {
        self.text_bytes = self.text_bytes.saturating_add(n);
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(error_at(
                &format!("more than {MAX_TEXT_BYTES} bytes of text once aliases are expanded"),
                at,
            ));
        }
        Ok(())
    }

    fn open(
        &mut self,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        span: Span,
        kind: FrameKind,
    ) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error_at(
                &format!("nesting deeper than {MAX_DEPTH} levels"),
                span.start,
            ));
        }
        self.count(1, span.start)?;
        self.stack.push(Frame {
            anchor,
            tag: tag.map(Cow::into_owned),
            start: span.start,
            size: 1,
            height: 1,
            bytes: 0,
            kind,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), String> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let at = pos(frame.start, span.end);
        let (value, tree) = match frame.kind {
            FrameKind::Seq(values, trees) => (Value::Sequence(values), SpanTree::Seq(at, trees)),
            FrameKind::Map(map) => {
                let (m, trees) = map.finish();
                (Value::Mapping(m), SpanTree::Map(at, trees))
            }
        };
        let (value, tree) = match frame.tag.as_ref().and_then(local_tag) {
            Some(name) => (
                Value::Tagged(Box::new(TaggedValue {
                    tag: ValueTag::new(name),
                    value,
                })),
                SpanTree::Tagged(at, Box::new(tree)),
            ),
            None => (value, tree),
        };
        let node = Node {
            value,
            tree,
            size: frame.size,
            height: frame.height,
            bytes: frame.bytes,
        };
        self.complete(node, frame.anchor, span.start)
    }

    /// An alias: a copy of the anchored node, bounded in size and depth.
    fn alias(&mut self, id: usize, span: Span) -> Result<(), String> {
        if self.stack.iter().any(|f| f.anchor == id) {
            return Err(error_at(
                "an alias refers to a node that contains it (recursive alias)",
                span.start,
            ));
        }
        let Some((size, height, bytes)) =
            self.anchors.get(&id).map(|a| (a.size, a.height, a.bytes))
        else {
            return Err(error_at("an alias refers to an unknown anchor", span.start));
        };
        if self.stack.len() + height > MAX_DEPTH + 1 {
            return Err(error_at(
                &format!("nesting deeper than {MAX_DEPTH} levels once aliases are expanded"),
                span.start,
            ));
        }
        self.count(size, span.start)?;
        self.count_text(bytes, span.start)?;
        // The copy keeps the anchored text's positions: that is where its content is written.
        let Some(node) = self.anchors.get(&id).cloned() else {
            return Err(error_at("an alias refers to an unknown anchor", span.start));
        };
        self.complete(node, 0, span.start)
    }

    /// Adds a finished node to its parent (or makes it the document's root).
    /// An anchored node is kept as a copy, which costs as much as an alias to it: counted
    /// against the same limits (else anchoring every node of a deep tree costs its size times
    /// its depth).
    fn complete(&mut self, node: Node, anchor: usize, at: Marker) -> Result<(), String> {
        if anchor != 0 {
            self.count(node.size, at)?;
            self.count_text(node.bytes, at)?;
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            Some(frame) => frame.push(node),
            None => self.root = Some(node),
        }
        Ok(())
    }
}

/// A local tag's name (`!reference`); `None` for core (`!!str`), global and non-specific (`!`)
/// tags, which leave the value untagged.
fn local_tag(tag: &Tag) -> Option<String> {
    if tag.is_yaml_core_schema() {
        return None;
    }
    let name = if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    };
    (name.len() > 1 && name.starts_with('!')).then_some(name)
}

/// A scalar's value: plain scalars resolve by the core schema, others are text; core tags
/// force a type, local tags wrap the value in `Value::Tagged`.
fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let plain = style == ScalarStyle::Plain;
    let Some(tag) = tag else {
        return Ok(if plain {
            scalar::resolve_plain(text)
        } else {
            Value::String(text.to_string())
        });
    };
    if tag.is_yaml_core_schema() {
        return scalar::resolve_core(&tag.suffix, text);
    }
    Ok(match local_tag(tag) {
        Some(name) => Value::Tagged(Box::new(TaggedValue {
            tag: ValueTag::new(name),
            value: if plain {
                scalar::resolve_plain(text)
            } else {
                Value::String(text.to_string())
            },
        })),
        None => Value::String(text.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<Value> {
        load(text).map(|l| l.docs).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn merges_aliases_and_repeated_keys() {
        let d = docs("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nk: 1\nk: 2\n");
        let doc = &d[0];
        assert_eq!(doc["use"]["x"], Value::Number(1u64.into()));
        assert_eq!(doc["use"]["y"], Value::Number(3u64.into()));
        assert!(doc["use"].get("<<").is_none());
        assert_eq!(doc["k"], Value::Number(2u64.into()));
    }

    #[test]
    fn tags_and_bom() {
        let d = docs("\u{feff}a: !reference [x, y]\nb: !!str 12\nc: '12'\nd: !!int \"7\"\n");
        assert!(matches!(&d[0]["a"], Value::Tagged(t) if t.tag == "reference"));
        assert_eq!(d[0]["b"], Value::String("12".into()));
        assert_eq!(d[0]["c"], Value::String("12".into()));
        assert_eq!(d[0]["d"], Value::Number(7u64.into()));
    }

    #[test]
    fn flow_lines_indented_less_than_their_block_are_accepted() {
        // As in numpy's workflows: GitHub (go-yaml) and libyaml accept the closing bracket at
        // the indentation of the `-` that opened the collection.
        let src = "m:\n  B:\n    - [\n      \"a\",\n      \"b\"\n    ]\n    - [\n      \"c\"\n    ]\nx: 1\n";
        let d = docs(src);
        assert_eq!(d[0]["m"]["B"][1][0], Value::String("c".into()));
        assert_eq!(d[0]["x"], Value::Number(1u64.into()));
        // Outside a flow collection a bad indentation stays an error.
        assert!(load("a:\n    b: 1\n  c: 2\n").is_err());
    }

    #[test]
    fn limits() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let e = load(bomb).map(|_| ()).unwrap_err();
        assert!(e.contains("nodes once aliases are expanded"), "{e}");
        let deep = format!("{}x", "- ".repeat(300));
        let e = load(&deep).map(|_| ()).unwrap_err();
        assert!(e.contains("nesting deeper than 256"), "{e}");
        let recursive = "a: &a\n  b: *a\n";
        assert!(load(recursive).is_err());
        let many = "---\na: 1\n".repeat(65);
        assert!(load(&many).is_err());
    }

    #[test]
    fn a_file_past_its_deadline_names_the_time_limit() {
        let past = Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        let long = "- x\n".repeat(2 * EVENTS_PER_CLOCK_CHECK);
        match build_guarded(&long, past) {
            Err(Failure::Message(m)) => {
                assert_eq!(
                    m,
                    "invalid YAML: parsing took longer than the 10 s allowed per file"
                );
            }
            _ => panic!("a parse past its deadline must stop"),
        }
        assert!(
            build_guarded("- x\n", past).is_ok(),
            "short files never look at the clock"
        );
    }

    #[test]
    fn positions_of_keys_and_values() {
        let text = "on: push\njobs:\n  build:\n    steps:\n      - uses: a/b@v1\n";
        let loaded = load(text).unwrap_or_else(|e| panic!("{e}"));
        let doc = &loaded.docs[0];
        let p = &loaded.positions;
        assert_eq!(p.key_line(doc, "jobs"), Some(2));
        let jobs = &doc["jobs"];
        let key = p.key(jobs, "build").map(|k| (k.line, k.column));
        assert_eq!(key, Some((3, 3)));
        let step = &doc["jobs"]["build"]["steps"][0];
        assert_eq!(p.line_column(step), (Some(5), Some(9)));
        assert_eq!(p.line(&step["uses"]), Some(5));
    }
}
