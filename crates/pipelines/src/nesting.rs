//! A linear pre-scan that finds flow collections (`[...]`, `{...}`) nested deeper than a limit
//! before the text reaches `saphyr-parser`, whose scanner looks ahead over a whole flow
//! collection and costs time proportional to the nesting depth for every token: a megabyte of
//! `[[[[...` would take minutes there and takes microseconds here.
//!
//! The scan follows enough of YAML to know where flow collections really start and end: block
//! scalars (`|`, `>`, with their indentation), multi-line plain scalars, quoted scalars,
//! comments, anchors and tags. Brackets inside text never count.

/// Where a flow collection nested deeper than the limit opens: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// `Err` with the position of the first flow collection nested deeper than `limit`.
pub(crate) fn check(src: &str, limit: usize) -> Result<(), TooDeep> {
    let mut scan = Scan {
        b: src.as_bytes(),
        i: 0,
        limit,
    };
    scan.run().map_err(|at| position(src, at))
}

/// Line and column (in characters) of a byte offset.
fn position(src: &str, at: usize) -> TooDeep {
    let before = src.get(..at).unwrap_or(src);
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    TooDeep {
        line: before.matches('\n').count() + 1 + before.matches('\r').count()
            - before.matches("\r\n").count(),
        column: before.get(line_start..).map_or(0, |l| l.chars().count()) + 1,
    }
}

/// What follows the block node analysed on a line.
enum Outcome {
    /// Nothing more to know.
    Done,
    /// The node's value starts on a later line; its parent's column.
    Pending(isize),
    /// A block scalar whose parent collection is at this column, with an explicit indentation.
    BlockScalar(isize, Option<usize>),
    /// A plain scalar that may continue on lines indented more than this column.
    Plain(isize),
}

/// Lines that belong to the scalar before them and are skipped.
enum Skip {
    None,
    /// Block scalar content: the parent's column and the content indentation once known.
    Block(isize, Option<usize>),
    /// Continuation lines of a plain scalar: the parent's column.
    Plain(isize),
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    limit: usize,
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

impl Scan<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// Whether `i` is a blank, a line break or the end.
    fn blank_or_end(&self, i: usize) -> bool {
        self.at(i).is_none_or(|c| is_blank(c) || is_break(c))
    }

    /// The offset of the line break ending the line at `i` (or the end).
    fn line_end(&self, i: usize) -> usize {
        let rest = self.b.get(i..).unwrap_or_default();
        rest.iter()
            .position(|&c| is_break(c))
            .map_or(self.b.len(), |p| i + p)
    }

    /// The start of the line after the break at `end`.
    fn next_line(&self, end: usize) -> usize {
        match (self.at(end), self.at(end + 1)) {
            (Some(b'\r'), Some(b'\n')) => end + 2,
            (Some(_), _) => end + 1,
            (None, _) => end,
        }
    }

    /// The start of the line containing `i`.
    fn line_start(&self, i: usize) -> usize {
        let before = self.b.get(..i).unwrap_or_default();
        before
            .iter()
            .rposition(|&c| is_break(c))
            .map_or(0, |p| p + 1)
    }

    fn run(&mut self) -> Result<(), usize> {
        let mut skip = Skip::None;
        let mut pending: Option<isize> = None;
        while self.i < self.b.len() {
            let start = self.i;
            let end = self.line_end(start);
            let indent = self.b[start..end]
                .iter()
                .take_while(|&&c| c == b' ')
                .count();
            let content = start + indent;
            let blank = self.b[content..end].iter().all(|&c| is_blank(c));
            if self.skipped(&mut skip, start, end, indent, blank) || blank {
                self.i = self.next_line(end);
                continue;
            }
            let marker = indent == 0 && self.document_marker(start);
            if self.b[content] == b'#' || (indent == 0 && self.b[start] == b'%') {
                self.i = self.next_line(end);
                continue;
            }
            let (node_start, parent) = if marker {
                pending = None;
                (start + 3, -1)
            } else {
                let parent = pending.take().unwrap_or(indent as isize - 1);
                (content, parent)
            };
            if marker && self.b.get(start..start + 3) == Some(b"...".as_slice()) {
                self.i = self.next_line(end);
                continue;
            }
            match self.node(node_start, parent)? {
                Outcome::Done => {}
                Outcome::Pending(col) => pending = Some(col),
                Outcome::BlockScalar(parent, explicit) => {
                    let indent = explicit.map(|d| usize::try_from(parent.max(0)).unwrap_or(0) + d);
                    skip = Skip::Block(parent, indent);
                }
                Outcome::Plain(parent) => skip = Skip::Plain(parent),
            }
        }
        Ok(())
    }

    /// `---` or `...` at the start of a line, followed by a blank or the line end.
    fn document_marker(&self, start: usize) -> bool {
        let head = self.b.get(start..start + 3);
        (head == Some(b"---".as_slice()) || head == Some(b"...".as_slice()))
            && self.blank_or_end(start + 3)
    }

    /// Whether the line belongs to the block or plain scalar before it (and is skipped);
    /// updates `skip` when the scalar ends.
    fn skipped(
        &self,
        skip: &mut Skip,
        start: usize,
        end: usize,
        indent: usize,
        blank: bool,
    ) -> bool {
        let indent_i = isize::try_from(indent).unwrap_or(isize::MAX);
        let marker = indent == 0 && self.document_marker(start);
        match *skip {
            Skip::None => false,
            Skip::Block(parent, content_indent) => {
                if blank && !marker {
                    return true;
                }
                let within = match content_indent {
                    Some(ci) => indent >= ci,
                    None => indent_i > parent,
                };
                if within && !marker {
                    *skip = Skip::Block(parent, Some(content_indent.unwrap_or(indent)));
                    return true;
                }
                *skip = Skip::None;
                false
            }
            Skip::Plain(parent) => {
                if blank && !marker {
                    return true;
                }
                let first = self.b[start + indent];
                if first == b'#' || marker || indent_i <= parent {
                    *skip = Skip::None;
                    return false;
                }
                if self.ends_plain(start + indent, end) {
                    *skip = Skip::None;
                }
                true
            }
        }
    }

    /// Whether a plain continuation line holds a comment or a `: ` (both end the scalar).
    fn ends_plain(&self, from: usize, end: usize) -> bool {
        (from..end).any(|i| {
            let c = self.b[i];
            (c == b'#' && i > from && is_blank(self.b[i - 1]))
                || (c == b':' && self.blank_or_end(i + 1))
        })
    }

    /// Analyses the block node at `p` (whose parent collection is at column `parent`) to the
    /// end of the line where it ends; leaves `self.i` at the start of the next line.
    fn node(&mut self, mut p: usize, mut parent: isize) -> Result<Outcome, usize> {
        let mut start = self.line_start(p);
        let mut end = self.line_end(p);
        loop {
            if p > end {
                // A flow collection or quoted scalar ended on a later line.
                start = self.line_start(p);
                end = self.line_end(p);
            }
            while p < end && is_blank(self.b[p]) {
                p += 1;
            }
            if p >= end {
                self.i = self.next_line(end);
                return Ok(Outcome::Pending(parent));
            }
            let c = self.b[p];
            let col = isize::try_from(p - start).unwrap_or(isize::MAX);
            let next = match c {
                b'-' | b'?' | b':' if self.blank_or_end(p + 1) => Some(p + 1),
                b'&' | b'!' => {
                    p = self.skip_token(p);
                    continue;
                }
                b'[' | b'{' => {
                    p = self.flow(p)?;
                    self.after_node(p)
                }
                b'\'' | b'"' => {
                    p = self.quoted(p);
                    self.after_node(p)
                }
                b'*' => {
                    p = self.skip_token(p);
                    self.after_node(p)
                }
                b'|' | b'>' => {
                    let outcome = Outcome::BlockScalar(parent, self.explicit_indent(p + 1, end));
                    return Ok(self.finish(end, outcome));
                }
                b'#' => return Ok(self.finish(end, Outcome::Done)),
                _ => match self.plain(p, end) {
                    Some(next) => Some(next),
                    None if self.comment_in(p, end) => return Ok(self.finish(end, Outcome::Done)),
                    None => return Ok(self.finish(end, Outcome::Plain(parent))),
                },
            };
            match next {
                Some(next) => {
                    // An indicator (`- `, `? `, `: `) or a key: what follows belongs to it.
                    parent = col;
                    p = next;
                }
                None => return Ok(self.rest_of_line(p)),
            }
        }
    }

    /// Moves to the line after `end` and returns the outcome.
    fn finish(&mut self, end: usize, outcome: Outcome) -> Outcome {
        self.i = self.next_line(end);
        outcome
    }

    /// Skips to the line after the one containing `p`.
    fn rest_of_line(&mut self, p: usize) -> Outcome {
        let end = self.line_end(p);
        self.finish(end, Outcome::Done)
    }

    /// After a flow collection or quoted scalar ending at `p`: the offset after `:` when it was
    /// a key on this line.
    fn after_node(&self, mut p: usize) -> Option<usize> {
        while self.at(p).is_some_and(is_blank) {
            p += 1;
        }
        (self.at(p) == Some(b':') && self.blank_or_end(p + 1)).then_some(p + 1)
    }

    /// The indentation digit of a block scalar header (`|2-`, `>+1`).
    fn explicit_indent(&self, from: usize, end: usize) -> Option<usize> {
        (from..end.min(from + 2))
            .map(|i| self.b[i])
            .find(u8::is_ascii_digit)
            .map(|d| usize::from(d - b'0'))
            .filter(|d| *d > 0)
    }

    /// A plain scalar at `p`: the offset after `: ` when it is a key, `None` when it is a value.
    fn plain(&self, p: usize, end: usize) -> Option<usize> {
        for i in p..end {
            let c = self.b[i];
            if c == b'#' && i > p && is_blank(self.b[i - 1]) {
                return None;
            }
            if c == b':' && self.blank_or_end(i + 1) {
                return Some(i + 1);
            }
        }
        None
    }

    /// Whether a plain scalar from `p` is cut by a comment on its line.
    fn comment_in(&self, p: usize, end: usize) -> bool {
        (p + 1..end).any(|i| self.b[i] == b'#' && is_blank(self.b[i - 1]))
    }

    /// Skips an anchor, alias or tag: to the next blank or flow indicator.
    fn skip_token(&self, mut p: usize) -> usize {
        p += 1;
        while self
            .at(p)
            .is_some_and(|c| !is_blank(c) && !is_break(c) && !is_flow(c))
        {
            p += 1;
        }
        p
    }

    /// Skips a quoted scalar starting at `p` (possibly over several lines); the offset after
    /// its closing quote, or the end.
    fn quoted(&self, p: usize) -> usize {
        let quote = self.b[p];
        let mut i = p + 1;
        while let Some(c) = self.at(i) {
            if quote == b'"' && c == b'\\' {
                i += 2;
                continue;
            }
            if c == quote {
                if quote == b'\'' && self.at(i + 1) == Some(b'\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i += 1;
        }
        self.b.len()
    }

    /// Follows a flow collection opening at `p` to its end; the offset after the closing
    /// bracket (or the end). `Err` with the offset of the bracket that goes past the limit.
    fn flow(&self, p: usize) -> Result<usize, usize> {
        let mut depth = 0usize;
        let mut i = p;
        let mut plain = false;
        let mut adjacent = false;
        let mut after_blank = true;
        while let Some(c) = self.at(i) {
            if is_blank(c) || is_break(c) {
                after_blank = true;
                adjacent = false;
                i += 1;
                continue;
            }
            let was_blank = std::mem::replace(&mut after_blank, false);
            match c {
                b'#' if was_blank => {
                    i = self.line_end(i);
                    plain = false;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > self.limit {
                        return Err(i);
                    }
                    (plain, adjacent) = (false, false);
                    i += 1;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    (plain, adjacent) = (false, true);
                    i += 1;
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                b',' => {
                    (plain, adjacent) = (false, false);
                    i += 1;
                }
                b':' if self
                    .at(i + 1)
                    .is_none_or(|n| is_blank(n) || is_break(n) || is_flow(n))
                    || (adjacent && !plain) =>
                {
                    (plain, adjacent) = (false, false);
                    i += 1;
                }
                _ if plain => i += 1,
                b'?' | b'-' if self.blank_or_end(i + 1) => i += 1,
                b'\'' | b'"' => {
                    i = self.quoted(i);
                    adjacent = true;
                }
                b'&' | b'*' | b'!' => {
                    i = self.skip_token(i);
                    adjacent = false;
                }
                _ => {
                    (plain, adjacent) = (true, false);
                    i += 1;
                }
            }
        }
        Ok(self.b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_deep_flow_nesting() {
        let deep = "[".repeat(300);
        assert_eq!(
            check(&deep, 256),
            Err(TooDeep {
                line: 1,
                column: 257
            })
        );
        let doc = format!("a: 1\nb: {}", "{x: ".repeat(300));
        assert_eq!(check(&doc, 256).map_err(|e| e.line), Err(2));
        let hidden = format!("a: [ \"]\" {}", "[ \"]\" ".repeat(300));
        assert!(check(&hidden, 256).is_err());
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let many = "[".repeat(300);
        let files = [
            format!("run: |\n  echo {many}\n  {many}\nnext: 1\n"),
            format!("run: echo {many}\n  {many}\n"),
            format!("run: '{many}'\n"),
            format!("run: \"{many}\"\n"),
            format!("# {many}\nkey: [a, '{many}', \"{many}\"] # {many}\n"),
            format!("- &a !t x {many}\n"),
            format!("key: >2-\n    {many}\n  {many}\n"),
            format!("list: [a b {many}\n"),
        ];
        for (i, f) in files.iter().enumerate() {
            if i == files.len() - 1 {
                assert!(check(f, 256).is_err(), "flow plain scalars end at brackets");
            } else {
                assert_eq!(check(f, 256), Ok(()), "file {i}");
            }
        }
    }
}
