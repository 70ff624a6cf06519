//! What changed inside a change: which lines of the before and after code differ, and, for
//! a line replaced by a similar one, the words that differ, marked with `<del>` and `<ins>`.

use similar::{ChangeTag, DiffOp, TextDiff};

use super::escape_into;

/// Below this similarity a replaced line is shown as changed as a whole: word marks over a
/// line that is all different only add noise.
const MIN_SIMILARITY: f32 = 0.35;

/// Per line of the before and after code: whether it changed, and its HTML with changed
/// words marked when it was replaced by a similar line (else its highlighting stays).
#[derive(Debug, Default)]
pub struct LineMarks {
    /// Before lines removed or replaced.
    pub old_changed: Vec<bool>,
    /// After lines added or replaced.
    pub new_changed: Vec<bool>,
    /// A replaced before line with its removed words in `<del>`.
    pub old_words: Vec<Option<String>>,
    /// A replacing after line with its added words in `<ins>`.
    pub new_words: Vec<Option<String>>,
}

/// The marks of `diff`, a line diff of `before` and `after`.
pub fn line_marks(diff: &TextDiff<'_, '_, str>, before: &str, after: &str) -> LineMarks {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let mut marks = LineMarks {
        old_changed: vec![false; old.len()],
        new_changed: vec![false; new.len()],
        old_words: vec![None; old.len()],
        new_words: vec![None; new.len()],
    };
    for op in diff.ops() {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        if matches!(op, DiffOp::Equal { .. }) {
            continue;
        }
        for i in old_range.clone() {
            if let Some(m) = marks.old_changed.get_mut(i) {
                *m = true;
            }
        }
        for i in new_range.clone() {
            if let Some(m) = marks.new_changed.get_mut(i) {
                *m = true;
            }
        }
        if let DiffOp::Replace { .. } = op {
            for (o, n) in old_range.zip(new_range) {
                let (Some(a), Some(b)) = (old.get(o), new.get(n)) else {
                    continue;
                };
                if let Some((del, ins)) = words(a, b) {
                    marks.old_words[o] = Some(del);
                    marks.new_words[n] = Some(ins);
                }
            }
        }
    }
    marks
}

/// `a` with its removed words in `<del>` and `b` with its added words in `<ins>`, escaped;
/// none when the lines have too little in common.
fn words(a: &str, b: &str) -> Option<(String, String)> {
    let diff = TextDiff::from_words(a, b);
    if diff.ratio() < MIN_SIMILARITY {
        return None;
    }
    let (mut old, mut new) = (String::new(), String::new());
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                escape_into(text, &mut old);
                escape_into(text, &mut new);
            }
            ChangeTag::Delete => wrap("del", text, &mut old),
            ChangeTag::Insert => wrap("ins", text, &mut new),
        }
    }
    Some((old, new))
}

fn wrap(tag: &str, text: &str, out: &mut String) {
    // Spaces stay outside the mark, so a marked word does not look longer than it is.
    let trimmed = text.trim_end();
    out.push('<');
    out.push_str(tag);
    out.push('>');
    escape_into(trimmed, out);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
    out.push_str(&text[trimmed.len()..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_line_marks_its_changed_words_and_both_lines() {
        let before = "a = 1\nurl = cache.get('x', timeout=5)\nend\n";
        let after = "a = 1\nurl = cache.get('x', timeout=10)\nend\nnew <line>\n";
        let diff = TextDiff::from_lines(before, after);
        let marks = line_marks(&diff, before, after);
        assert_eq!(marks.old_changed, [false, true, false]);
        assert_eq!(marks.new_changed, [false, true, false, true]);
        let del = marks.old_words[1].as_deref().unwrap_or_default();
        let ins = marks.new_words[1].as_deref().unwrap_or_default();
        assert!(del.contains("<del>") && !del.contains("<ins>"), "{del}");
        assert!(ins.contains("<ins>") && ins.contains("10"), "{ins}");
        assert!(
            !ins.contains("<ins>url"),
            "unchanged words are not marked: {ins}"
        );
        assert_eq!(
            marks.new_words[3], None,
            "an added line is marked as a whole"
        );
    }

    #[test]
    fn lines_with_little_in_common_are_not_marked_word_by_word() {
        let before = "alpha beta gamma\n";
        let after = "one two three four\n";
        let diff = TextDiff::from_lines(before, after);
        let marks = line_marks(&diff, before, after);
        assert_eq!(marks.old_words[0], None);
        assert!(marks.old_changed[0] && marks.new_changed[0]);
    }
}
