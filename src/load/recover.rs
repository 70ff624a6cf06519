//! Every problem of a file in one run.
//!
//! serde stops at the first error. To find the next one, the failing entry is blanked out
//! of the text (each of its characters replaced by a space, so every other line and column
//! stays where it was) and the file is read again, until it reads or nothing more can be
//! blanked. A required field blanked this way comes back as "missing", which is not
//! reported: its parent is blanked instead, or, at the top, a placeholder stands in for it.
//! Only problems of the file's own text are reported; anything a blanked text shows after
//! the first round that is not a field's problem (a syntax error) ends the search.
//!
//! Where an entry is comes from a tree of the document with the position of every key and
//! item, read once by serde-saphyr itself (no YAML is parsed here).

use serde_saphyr::Spanned;

use super::yaml_tree::Node;

/// How deep the tree is read. Incident files nest six levels or so; each level of a generic
/// read costs stack (much of it in a debug build, on a worker thread's small stack), so a
/// deeper file gets no tree: its first problem is reported, not every one.
const TREE_DEPTH: usize = 16;

/// A document as keys and items with their byte offsets; scalars are leaves.
#[derive(Debug, Default)]
pub struct Tree {
    /// Byte offset where the node starts.
    pub start: usize,
    /// Byte length of a scalar as written (quotes included); 0 for collections.
    pub len: usize,
    /// Entries of a mapping: key text, key offset, value.
    pub entries: Vec<(String, usize, Tree)>,
    /// Items of a sequence.
    pub items: Vec<Tree>,
}

impl Tree {
    /// Reads the tree of `source`, if it is YAML at all.
    pub fn of(source: &str) -> Option<Tree> {
        serde_saphyr::from_str_with_options::<Spanned<Node>>(
            source,
            super::yaml_tree::options_with_depth(TREE_DEPTH),
        )
        .ok()
        .map(|spanned| {
            let at = place(&spanned);
            into_tree(spanned.value, at)
        })
    }

    /// The node at `path` (`changes[2].before`) and the offset of its key or item start.
    pub fn find(&self, path: &[Segment]) -> Option<(usize, &Tree)> {
        let mut node = self;
        let mut at = self.start;
        for segment in path {
            (at, node) = match segment {
                Segment::Field(name) => node
                    .entries
                    .iter()
                    .find(|(key, _, _)| key == name)
                    .map(|(_, at, value)| (*at, value))?,
                Segment::Index(i) => node.items.get(*i).map(|item| (item.start, item))?,
            };
        }
        Some((at, node))
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Field(String),
    /// A sequence index.
    Index(usize),
}

/// Splits `changes[2].before` into its segments.
pub fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(Segment::Field(rest[..open].to_owned()));
            }
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                if let Ok(i) = rest[1..close].parse() {
                    out.push(Segment::Index(i));
                }
                rest = &rest[close + 1..];
            }
        } else {
            out.push(Segment::Field(rest.to_owned()));
        }
    }
    out
}

/// Writes segments back as a path.
pub fn join(segments: &[Segment]) -> String {
    let mut path = String::new();
    for segment in segments {
        match segment {
            Segment::Field(name) if path.is_empty() => path.push_str(name),
            Segment::Field(name) => {
                path.push('.');
                path.push_str(name);
            }
            Segment::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

/// Blanks the entry or sequence `item` that starts at `start`: to the end of its line and
/// every following line indented deeper (block style), or to the next `,` of its flow
/// collection. Returns the blanked byte range.
pub fn blank(text: &mut String, start: usize, item: bool) -> Option<std::ops::Range<usize>> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim_end();
    let mut start = start;
    // A block sequence item goes with its dash (a key after the dash stays in its item).
    if item && before.ends_with('-') && before[..before.len() - 1].trim().is_empty() {
        start = line_start + before.len() - 1;
    }
    let in_flow = before.ends_with(['{', '[', ',']);
    let item = item && text[start..].starts_with('-');
    let end = if in_flow {
        flow_end(text, start)
    } else {
        block_end(text, start, start - line_start, item)
    };
    if end <= start {
        return None;
    }
    let blanked: String = text[start..end]
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect();
    text.replace_range(start..end, &blanked);
    Some(start..end)
}

/// The end of a block entry (a sequence `item`, or a key) whose first character is at
/// `column` (bytes from line start). A key's value may be a sequence at its own indentation.
fn block_end(text: &str, start: usize, column: usize, item: bool) -> usize {
    let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    while end < text.len() {
        let next_start = end + 1;
        let next_end = text[next_start..]
            .find('\n')
            .map_or(text.len(), |i| next_start + i);
        let line = &text[next_start..next_end];
        let indent = line.len() - line.trim_start().len();
        let content = line.trim_start();
        let belongs = content.is_empty()
            || content.starts_with('#')
            || indent > column
            || (!item && indent == column && (content.starts_with("- ") || content == "-"));
        if !belongs {
            break;
        }
        end = next_end;
    }
    end
}

/// The end of a flow entry: through the next `,` at its level, or up to its closing bracket.
fn flow_end(text: &str, start: usize) -> usize {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for (i, c) in text[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') if depth == 0 => return start + i,
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => return start + i + 1,
            _ => {}
        }
    }
    text.len()
}

fn offset<T>(spanned: &Spanned<T>) -> usize {
    place(spanned).0
}

/// Byte offset and length of what `spanned` was read from.
fn place<T>(spanned: &Spanned<T>) -> (usize, usize) {
    let span = spanned.referenced.span();
    (
        span.byte_offset().unwrap_or_default() as usize,
        span.byte_len().unwrap_or_default() as usize,
    )
}

/// The tree of `node`, read from `(start, len)` of the text.
fn into_tree(node: Node, (start, len): (usize, usize)) -> Tree {
    match node {
        Node::Map(entries) => Tree {
            start,
            len: 0,
            entries: entries
                .into_iter()
                .map(|(key, value)| {
                    let at = offset(&key);
                    let place = place(&value);
                    (key.value.0, at, into_tree(value.value, place))
                })
                .collect(),
            items: Vec::new(),
        },
        Node::Seq(items) => Tree {
            start,
            len: 0,
            entries: Vec::new(),
            items: items
                .into_iter()
                .map(|item| {
                    let place = place(&item);
                    into_tree(item.value, place)
                })
                .collect(),
        },
        Node::Text(_) | Node::Other => Tree {
            start,
            len,
            ..Tree::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_and_join() {
        let path = segments("changes[2].before");
        assert_eq!(
            path,
            [
                Segment::Field("changes".into()),
                Segment::Index(2),
                Segment::Field("before".into())
            ]
        );
        assert_eq!(join(&path), "changes[2].before");
    }

    #[test]
    fn blanking_keeps_every_other_position() {
        let source = "a: 1\nlist:\n  - x: 1\n    y: [1, 2]\n  - x: 2\nb: {c: 1, d: 2}\n";
        let tree = Tree::of(source).unwrap();
        let (at, _) = tree.find(&segments("list[0].y")).unwrap();
        let mut text = source.to_owned();
        blank(&mut text, at, false).unwrap();
        assert_eq!(
            text,
            "a: 1\nlist:\n  - x: 1\n             \n  - x: 2\nb: {c: 1, d: 2}\n"
        );
        let (at, _) = tree.find(&segments("list[0]")).unwrap();
        blank(&mut text, at, true).unwrap();
        assert_eq!(text.lines().nth(2), Some("        "));
        assert_eq!(text.lines().nth(4), Some("  - x: 2"));
        let (at, _) = tree.find(&segments("b.c")).unwrap();
        blank(&mut text, at, false).unwrap();
        assert!(text.ends_with("b: {      d: 2}\n"), "{text}");
        assert_eq!(text.len(), source.len());
    }
}
