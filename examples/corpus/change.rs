//! A fix as code before and after.
//!
//! The after side is the before side edited the way fixes usually are: a value or two
//! changed, a line commented out or removed, a line or two added. Both sides stay close, so
//! the report's diff view shows a realistic, small diff and not two unrelated blocks.

use crate::pools::NUMBERS;
use crate::rng::Rng;
use crate::snippets::Snippet;
use crate::template::{Ctx, fill};

/// The code before the fix (its first 11-14 lines) and after it.
pub fn before_and_after(snippet: &Snippet, ctx: &Ctx, rng: &mut Rng) -> (String, String) {
    let mut before: Vec<String> = fill(snippet.code, ctx, rng)
        .lines()
        .map(String::from)
        .collect();
    // Vary the length: keep the first 11-14 lines, less a trailing blank one.
    let keep = rng.range(11, 14) as usize;
    if before.len() > keep {
        before.truncate(keep);
        while before.last().is_some_and(|l| l.trim().is_empty()) {
            before.pop();
        }
    }
    let mut after = before.clone();
    change_values(&mut after, rng);
    // Comment out a line now and then, as a fix often does.
    if !snippet.comment.is_empty() && rng.chance(30) && after.len() > 3 {
        let i = rng.range(1, after.len() as i64 - 2) as usize;
        let indent = indent_of(&after[i]).to_owned();
        after[i] = format!("{indent}{}{}", snippet.comment, after[i].trim_start());
    }
    // Remove a line.
    if rng.chance(40) && after.len() > 4 {
        let i = rng.range(1, after.len() as i64 - 2) as usize;
        after.remove(i);
    }
    add_lines(&mut after, snippet, ctx, rng);
    (before.join("\n"), after.join("\n"))
}

/// Changes the first number on one or two lines (never the first line).
fn change_values(lines: &mut [String], rng: &mut Rng) {
    for _ in 0..rng.range(1, 2) {
        let numbered: Vec<usize> = (1..lines.len())
            .filter(|&i| lines[i].chars().any(|c| c.is_ascii_digit()))
            .collect();
        if numbered.is_empty() {
            break;
        }
        let i = numbered[rng.below(numbered.len())];
        lines[i] = replace_first_number(&lines[i], rng.pick(NUMBERS));
    }
}

/// Adds one or two of the snippet's additions, indented like the line they precede (or
/// follow, if that one is blank).
fn add_lines(lines: &mut Vec<String>, snippet: &Snippet, ctx: &Ctx, rng: &mut Rng) {
    for _ in 0..rng.range(1, 2) {
        let i = rng.range(1, lines.len() as i64 - 1) as usize;
        let next = if lines[i].trim().is_empty() {
            &lines[i - 1]
        } else {
            &lines[i]
        };
        let indent = indent_of(next).to_owned();
        let added = fill(rng.pick(snippet.additions), ctx, rng);
        let added: Vec<String> = added.lines().map(|l| format!("{indent}{l}")).collect();
        lines.splice(i..i, added);
    }
}

fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

fn replace_first_number(line: &str, new: &str) -> String {
    let Some(start) = line.find(|c: char| c.is_ascii_digit()) else {
        return line.to_owned();
    };
    let end = line[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(line.len(), |n| start + n);
    format!("{}{new}{}", &line[..start], &line[end..])
}
