//! Footnotes: a write-up defines them at its end (`[^1]: …`), where they land in a free
//! section, while the text that cites them went to a field. Each definition cited by one
//! prose field moves to the end of that field, so the page renders it with its reference.

use super::{Builder, Dest};

impl Builder<'_> {
    /// Moves footnote definitions from free sections to the one field that cites them.
    pub fn footnotes(&mut self) {
        for s in 0..self.draft.sections.len() {
            let body = self.draft.sections[s].body.clone();
            let mut kept: Vec<&str> = Vec::new();
            let mut moved = false;
            let mut lines = body.lines().peekable();
            while let Some(line) = lines.next() {
                let Some(label) = definition(line) else {
                    kept.push(line);
                    continue;
                };
                let mut definition_lines = vec![line];
                while let Some(next) = lines
                    .peek()
                    .filter(|l| l.starts_with("    ") || l.starts_with('\t'))
                {
                    definition_lines.push(next);
                    lines.next();
                }
                let text = definition_lines.join("\n");
                let cited = format!("[^{label}]");
                match self.cite(&cited, &text) {
                    Some(field) => {
                        moved = true;
                        for line in definition_lines {
                            if let Some(i) = self.outline.lines.iter().position(|l| *l == line) {
                                self.dest[i] = Some(Dest::Field(field));
                            }
                        }
                    }
                    None => kept.extend(definition_lines),
                }
            }
            if moved {
                self.draft.sections[s].body = kept.join("\n").trim().to_owned();
            }
        }
        self.draft.sections.retain(|s| !s.body.trim().is_empty());
    }

    /// Appends `definition` to the one prose field that holds `cited`; its name.
    fn cite(&mut self, cited: &str, definition: &str) -> Option<&'static str> {
        let d = &mut self.draft;
        let mut fields: Vec<(&'static str, &mut Option<String>)> = vec![
            ("summary", &mut d.summary),
            ("impact", &mut d.impact.summary),
            ("detection", &mut d.detection),
            ("root_cause", &mut d.root_cause.summary),
            ("technical", &mut d.root_cause.technical),
            ("trigger", &mut d.root_cause.trigger),
            ("resolution", &mut d.resolution),
            ("verification", &mut d.verification),
            ("rollback", &mut d.rollback),
        ];
        let citing: Vec<usize> = fields
            .iter()
            .enumerate()
            .filter(|(_, (_, text))| text.as_deref().is_some_and(|t| t.contains(cited)))
            .map(|(i, _)| i)
            .collect();
        let [only] = citing[..] else { return None };
        let (name, text) = &mut fields[only];
        if let Some(text) = text.as_mut() {
            text.push_str("\n\n");
            text.push_str(definition);
        }
        Some(*name)
    }
}

/// The label of a footnote definition line (`[^1]: …`).
fn definition(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("[^")?;
    let end = rest.find("]:")?;
    let label = &rest[..end];
    (!label.is_empty() && !label.contains(char::is_whitespace)).then_some(label)
}
