//! What a before/after change changed: one line diff, shared by the page's diff view and
//! the search record, so both agree on which lines are the change.

use similar::{ChangeTag, TextDiff};

use super::Change;

impl Change {
    /// The line diff from `before` to `after`, when the change gives both.
    pub fn line_diff(&self) -> Option<TextDiff<'_, '_, str>> {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => Some(TextDiff::from_lines(before, after)),
            _ => None,
        }
    }

    /// The lines the change removed or added, in order: what the change is about. A change
    /// with only `before` or only `after` is all change.
    pub fn changed_lines(&self) -> String {
        match (self.line_diff(), &self.before, &self.after) {
            (Some(diff), _, _) => diff
                .iter_all_changes()
                .filter(|change| change.tag() != ChangeTag::Equal)
                .map(|change| change.value())
                .collect(),
            (None, Some(code), None) | (None, None, Some(code)) => code.clone(),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Change, NonEmptyString};

    fn change(before: Option<&str>, after: Option<&str>) -> Change {
        Change {
            file: NonEmptyString::new("a.py").expect("not blank"),
            lines: None,
            language: None,
            description: None,
            risk: None,
            before: before.map(String::from),
            after: after.map(String::from),
        }
    }

    #[test]
    fn changed_lines_are_the_removed_and_added_ones() {
        let before = "keep\nold = 1\nalso kept\n";
        let after = "keep\nnew = 2\nalso kept\n";
        assert_eq!(
            change(Some(before), Some(after)).changed_lines(),
            "old = 1\nnew = 2\n"
        );
        assert_eq!(change(None, Some(after)).changed_lines(), after);
        assert_eq!(change(Some(before), None).changed_lines(), before);
        assert_eq!(change(None, None).changed_lines(), "");
    }
}
