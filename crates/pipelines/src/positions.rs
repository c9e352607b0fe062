//! Where the nodes of a loaded YAML file are: every node of the final `Value` trees (mapping
//! keys included) is looked up by its address, which stays fixed because the trees are never
//! mutated after loading. Values built later (GitLab's `extends` merges, clones) have no
//! position, so every lookup is optional.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use devquery_model::tables::pipeline_steps::ExpressionPosition;
use yaml_serde::Value;

use crate::expr::Occurrence;
use crate::yaml::{is_template_expr, key_text, untag};

/// Start and end of a node: 1-based lines and columns (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    /// Line where the node starts.
    pub line: usize,
    /// Column where the node starts.
    pub column: usize,
    /// Line where the node ends.
    pub end_line: usize,
    /// Column just after the node's end.
    pub end_column: usize,
}

impl Pos {
    /// The start line as a column value.
    pub(crate) fn line_i64(self) -> Option<i64> {
        i64::try_from(self.line).ok()
    }

    /// The start column as a column value.
    pub(crate) fn column_i64(self) -> Option<i64> {
        i64::try_from(self.column).ok()
    }
}

/// The positions of a node and its children, in the same shape as the `Value` built with it
/// (mapping entries in the mapping's order).
#[derive(Debug, Clone)]
pub(crate) enum SpanTree {
    /// A scalar (or an alias to one).
    Leaf(Pos),
    /// A sequence and its items.
    Seq(Pos, Vec<SpanTree>),
    /// A mapping and its (key, value) entries.
    Map(Pos, Vec<(SpanTree, SpanTree)>),
    /// A tagged node and the node under the tag.
    Tagged(Pos, Box<SpanTree>),
}

impl SpanTree {
    /// The node's own position.
    pub(crate) fn pos(&self) -> Pos {
        match self {
            SpanTree::Leaf(p)
            | SpanTree::Seq(p, _)
            | SpanTree::Map(p, _)
            | SpanTree::Tagged(p, _) => *p,
        }
    }
}

/// Positions of the nodes of loaded documents, and the source text they point into.
#[derive(Debug, Default)]
pub(crate) struct Positions<'s> {
    /// The text that was parsed (without a byte-order mark; re-indented flow lines, see
    /// [`crate::loader`], are the only edit ever made to it).
    src: Cow<'s, str>,
    /// Byte offset where each line starts (line 1 at index 0).
    line_starts: Vec<usize>,
    /// Node address → position.
    nodes: HashMap<usize, Pos>,
}

fn address(v: &Value) -> usize {
    std::ptr::from_ref(v) as usize
}

impl<'s> Positions<'s> {
    /// Indexes the final documents with the trees built alongside them. `docs` must not be
    /// mutated afterwards (positions are found by address).
    pub(crate) fn new(src: Cow<'s, str>, docs: &[Value], trees: &[SpanTree]) -> Self {
        let mut out = Positions {
            line_starts: line_starts(&src),
            src,
            nodes: HashMap::new(),
        };
        let mut stack: Vec<(&Value, &SpanTree)> = docs.iter().zip(trees).collect();
        while let Some((v, t)) = stack.pop() {
            out.nodes.insert(address(v), t.pos());
            match (v, t) {
                (Value::Sequence(items), SpanTree::Seq(_, spans)) => {
                    stack.extend(items.iter().zip(spans));
                }
                (Value::Mapping(m), SpanTree::Map(_, spans)) => {
                    for ((k, v), (ks, vs)) in m.iter().zip(spans) {
                        stack.push((k, ks));
                        stack.push((v, vs));
                    }
                }
                (Value::Tagged(tagged), SpanTree::Tagged(_, inner)) => {
                    stack.push((&tagged.value, inner));
                }
                _ => {}
            }
        }
        out
    }

    /// Where a node of the loaded documents is (`None` for values built later).
    pub(crate) fn pos(&self, v: &Value) -> Option<Pos> {
        self.nodes.get(&address(v)).copied()
    }

    /// The line where a node starts.
    pub(crate) fn line(&self, v: &Value) -> Option<i64> {
        self.pos(v).and_then(Pos::line_i64)
    }

    /// The line and column where a node starts.
    pub(crate) fn line_column(&self, v: &Value) -> (Option<i64>, Option<i64>) {
        self.pos(v)
            .map_or((None, None), |p| (p.line_i64(), p.column_i64()))
    }

    /// Where the key `key` of a mapping is written.
    pub(crate) fn key(&self, mapping: &Value, key: &str) -> Option<Pos> {
        let Value::Mapping(m) = untag(mapping) else {
            return None;
        };
        m.iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .and_then(|(k, _)| self.pos(k))
    }

    /// The line of the key `key` of a mapping.
    pub(crate) fn key_line(&self, mapping: &Value, key: &str) -> Option<i64> {
        self.key(mapping, key).and_then(Pos::line_i64)
    }

    /// The line of a mapping's first key.
    pub(crate) fn first_key_line(&self, mapping: &Value) -> Option<i64> {
        let Value::Mapping(m) = untag(mapping) else {
            return None;
        };
        m.keys().next().and_then(|k| self.line(k))
    }

    /// Each key of a mapping → its line; keys of Azure Pipelines `${{ if ... }}:` branches are
    /// included as if written in the mapping. `None` when no key has a known line.
    pub(crate) fn key_lines(&self, mapping: &Value) -> Option<BTreeMap<String, i64>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![(mapping, 0usize)];
        while let Some((v, depth)) = stack.pop() {
            let Value::Mapping(m) = untag(v) else {
                continue;
            };
            for (k, v) in m {
                let Some(name) = key_text(k) else { continue };
                if is_template_expr(&name) && depth < 16 {
                    stack.push((v, depth + 1));
                } else if let Some(line) = self.line(k) {
                    out.entry(name).or_insert(line);
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Where each occurrence of an untrusted input is in the file, for a script read from
    /// `node`: the n-th `${{` (or `$(`, `$[`) of the script is the n-th one in the node's text,
    /// whatever the scalar style did to lines and indentation. Falls back to where the node
    /// starts, and to no position for a node without one.
    pub(crate) fn expressions(
        &self,
        node: Option<&Value>,
        script: &str,
        found: &[Occurrence],
    ) -> Vec<ExpressionPosition> {
        let pos = node.and_then(|n| self.pos(n));
        let region = pos.and_then(|p| self.region(p));
        found
            .iter()
            .map(|o| {
                let at = region.and_then(|(from, to)| {
                    let before = script.get(..o.offset).unwrap_or(script);
                    let n = before.matches(o.marker).count();
                    let text = self.src.get(from..to)?;
                    let (offset, _) = text.match_indices(o.marker).nth(n)?;
                    Some(self.locate(from + offset))
                });
                let (line, column) = match (at, pos) {
                    (Some((l, c)), _) => (i64::try_from(l).ok(), i64::try_from(c).ok()),
                    (None, Some(p)) => (p.line_i64(), p.column_i64()),
                    (None, None) => (None, None),
                };
                ExpressionPosition {
                    expression: Some(o.input.clone()),
                    line,
                    column,
                }
            })
            .collect()
    }

    /// The byte range of a scalar's text (after a block scalar's `|` / `>` header line).
    fn region(&self, p: Pos) -> Option<(usize, usize)> {
        let mut from = self.offset(p.line, p.column)?;
        let to = self.offset(p.end_line, p.end_column)?.max(from);
        if self
            .src
            .get(from..)
            .is_some_and(|t| t.starts_with(['|', '>']))
        {
            let rest = self.src.get(from..to)?;
            from = rest.find('\n').map_or(to, |i| from + i + 1);
        }
        Some((from, to))
    }

    /// The byte offset of a 1-based line and column.
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let text = self.src.get(start..)?;
        let skip = column.checked_sub(1)?;
        match text.char_indices().nth(skip) {
            Some((i, _)) => Some(start + i),
            None if text.chars().count() == skip => Some(self.src.len()),
            None => None,
        }
    }

    /// The 1-based line and column of a byte offset.
    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self.src.get(start..offset).map_or(0, |t| t.chars().count());
        (line, column + 1)
    }
}

/// Byte offsets where lines start, counting line breaks as the parser does (`\n`, `\r\n` and a
/// lone `\r` each end a line).
fn line_starts(src: &str) -> Vec<usize> {
    let bytes = src.as_bytes();
    let mut out = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            out.push(i + 1);
        }
    }
    out
}
