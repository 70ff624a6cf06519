//! Similar errors: two signatures (`model::signature`) that name one failure.
//!
//! Two errors are compared link by link (the error and its chained causes) and the best
//! pair counts. How much two links share is scored from 0 to 1:
//!
//! - **Words**: the words of the two first lines overlap by the mean of their Jaccard
//!   index and their containment (shared words over the shorter list, so a wrapper's
//!   added words cost little).
//! - **Types** (last segment, module dropped; generic and wrapper types count as none):
//!   the same, unknown (one side or both without one), or different.
//! - When both name a **condition** (connection refused, disk full, HTTP 503…), it must
//!   be the same one, and the score is 0.55, plus 0.3 for the same type or 0.25 for an
//!   unknown one, plus 0.3 × the word overlap: the same condition under different types
//!   (a Redis client's and a Postgres driver's refused connection) needs the same words.
//! - Otherwise the score is the word overlap, less 0.1 when the types differ (the same
//!   message raised through another library must match almost word for word).
//! - When both name callables, one of them must be the same by its last segment.
//! - The same type through the same application frames (at least two, the shorter list
//!   the start of the longer) scores 0.9 (without types, when the words overlap by half),
//!   unless the two name different conditions.
//!
//! A pair at [`THRESHOLD`] or above is similar. The threshold and weights were set on the
//! labelled pairs of `tests/fixtures/similarity/errors.toml` for precision first: a wrong
//! link costs the reader's trust more than a missed one.

use crate::model::signature::{ErrorLink, ErrorSignature};

/// The least score of a similar error.
pub const THRESHOLD: f64 = 0.8;

/// How the types of two links compare.
#[derive(Clone, Copy, PartialEq)]
enum Types {
    Same,
    Unknown,
    Different,
}

/// Why two errors are similar, and how much.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorMatch {
    /// From 0 to 1; at least [`THRESHOLD`].
    pub score: f64,
    /// What they share and how they differ, e.g. "same error type and message shape;
    /// callable written as `__init__` vs `AbstractConnection.__init__`".
    pub reason: String,
}

/// Whether `a` and `b` are similar errors, and why.
pub fn compare(a: &ErrorSignature, b: &ErrorSignature) -> Option<ErrorMatch> {
    // Scores first; the reason is worded for the best pair only (most pairs compared are
    // not similar, and wording costs more than scoring).
    let mut best: Option<(f64, usize, usize)> = None;
    for (i, left) in a.links.iter().enumerate() {
        for (j, right) in b.links.iter().enumerate() {
            let Some(score) = compare_links(left, right, None) else {
                continue;
            };
            if best.is_none_or(|(top, _, _)| score > top) {
                best = Some((score, i, j));
            }
        }
    }
    if let Some(found) = same_frames(a, b)
        && best.is_none_or(|(top, _, _)| found.score > top)
    {
        return Some(found);
    }
    let (score, i, j) = best.filter(|(score, _, _)| *score >= THRESHOLD)?;
    let mut parts = Vec::new();
    compare_links(&a.links[i], &b.links[j], Some(&mut parts));
    if i + j > 0 {
        parts.push("through a chained cause (`caused by:`)".into());
    }
    Some(ErrorMatch {
        score,
        reason: parts.join("; "),
    })
}

/// The score of two links, and when `explain` is given, the parts of their reason.
fn compare_links(a: &ErrorLink, b: &ErrorLink, explain: Option<&mut Vec<String>>) -> Option<f64> {
    let types = match (&a.class, &b.class) {
        (Some(x), Some(y)) if x == y => Types::Same,
        (Some(_), Some(_)) => Types::Different,
        _ => Types::Unknown,
    };
    // When both name callables, one of them must be the same.
    let callables = !a.callables.is_empty() && !b.callables.is_empty();
    let shared_callable = a
        .callables
        .iter()
        .find(|(_, last)| b.callables.iter().any(|(_, other)| other == last));
    if callables && shared_callable.is_none() {
        return None;
    }
    let overlap = overlap(&a.words, &b.words);
    let condition = match (&a.condition, &b.condition) {
        (Some(x), Some(y)) if x != y => return None,
        (Some(x), Some(_)) => Some(x),
        _ => None,
    };
    let score = match condition {
        Some(_) => {
            let typed = match types {
                Types::Same => 0.3,
                Types::Unknown => 0.25,
                Types::Different => 0.0,
            };
            0.55 + typed + 0.3 * overlap
        }
        None => overlap - if types == Types::Different { 0.1 } else { 0.0 },
    };
    if let Some(parts) = explain {
        match (types, condition) {
            (Types::Same, None) => parts.push("same error type and message shape".into()),
            (Types::Same, Some(_)) => parts.push(type_part(a, b)),
            (_, None) => parts.push("same message shape".into()),
            _ => {}
        }
        if let Some(condition) = condition {
            parts.push(format!("same condition ({condition})"));
        }
        if let (Types::Different, Some(x), Some(y)) = (types, &a.kind, &b.kind) {
            parts.push(format!("raised as `{x}` vs `{y}`"));
        }
        if let Some((written, last)) = shared_callable
            && let Some((other, _)) = b.callables.iter().find(|(w, l)| l == last && w != written)
        {
            parts.push(format!("callable written as `{written}` vs `{other}`"));
        }
    }
    Some(score.min(1.0))
}

/// "same error type", or how the type was written on each side when that differs.
fn type_part(a: &ErrorLink, b: &ErrorLink) -> String {
    match (&a.kind, &b.kind) {
        (Some(x), Some(y)) if x != y => format!("same error type, written as `{x}` vs `{y}`"),
        _ => "same error type".into(),
    }
}

/// The same error type raised through the same application frames, as Sentry groups: a
/// handler and its middleware are on the path of many failures, so frames alone say
/// nothing; without types the messages must share half their words, and two different
/// conditions never link.
fn same_frames(a: &ErrorSignature, b: &ErrorSignature) -> Option<ErrorMatch> {
    let shorter = a.frames.len().min(b.frames.len());
    if shorter < 2 || a.frames[..shorter] != b.frames[..shorter] {
        return None;
    }
    let (x, y) = (&a.links[0], &b.links[0]);
    let same_type = match (&x.class, &y.class) {
        (Some(p), Some(q)) => p == q,
        // Without types, the messages must be alike too (`concurrent map writes` and
        // `concurrent map read and map write` at one place).
        _ => overlap(&x.words, &y.words) >= 0.5,
    };
    let conditions_differ =
        x.condition.is_some() && y.condition.is_some() && x.condition != y.condition;
    if !same_type || conditions_differ {
        return None;
    }
    Some(ErrorMatch {
        score: 0.9,
        reason: format!(
            "same error type through the same stack frames in the application: {}",
            a.frames[..shorter].join(", ")
        ),
    })
}

/// How much two sorted, distinct word lists overlap: the mean of the Jaccard index and
/// the containment (shared over the shorter list; the Jaccard index again when that list
/// has under three words, which would contain too easily).
fn overlap(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let jaccard = shared as f64 / (a.len() + b.len() - shared) as f64;
    let shorter = a.len().min(b.len());
    let containment = if shorter < 3 {
        jaccard
    } else {
        shared as f64 / shorter as f64
    };
    (jaccard + containment) / 2.0
}

/// The keys under which a signature is filed, so that only signatures sharing a key are
/// compared: each link's type, condition and callables, and the first two frames. A link
/// with none of the first three is filed under its words.
pub fn blocking_keys(signature: &ErrorSignature) -> Vec<String> {
    let mut keys = Vec::new();
    for link in &signature.links {
        let before = keys.len();
        keys.extend(link.class.iter().map(|c| format!("type {c}")));
        keys.extend(link.condition.iter().map(|c| format!("condition {c}")));
        keys.extend(link.callables.iter().map(|(_, c)| format!("callable {c}")));
        if keys.len() == before {
            keys.extend(link.words.iter().map(|w| format!("word {w}")));
        }
    }
    if signature.frames.len() >= 2 {
        keys.push(format!("frames {}", signature.frames[..2].join(" ")));
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ErrorDetails;

    fn signature(kind: Option<&str>, message: &str) -> ErrorSignature {
        let error: ErrorDetails =
            serde_json::from_value(serde_json::json!({"type": kind, "message": message}))
                .expect("valid error");
        ErrorSignature::of(&error)
    }

    #[test]
    fn a_callable_without_its_class_is_the_same_failure() {
        let a = signature(
            Some("TypeError"),
            "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
        );
        let b = signature(
            Some("TypeError"),
            "__init__() got an unexpected keyword argument 'compressor'",
        );
        let found = compare(&a, &b).expect("similar");
        assert_eq!(
            found.reason,
            "same error type and message shape; callable written as \
             `AbstractConnection.__init__` vs `__init__`"
        );
        let other = signature(
            Some("TypeError"),
            "__init__() missing 1 required positional argument: 'host'",
        );
        assert_eq!(
            compare(&b, &other),
            None,
            "another failure of the same callable"
        );
    }

    #[test]
    fn one_condition_worded_by_two_platforms() {
        let a = signature(
            Some("redis.exceptions.ConnectionError"),
            "Error 111 connecting to 10.0.0.7:6379. Connection refused.",
        );
        let b = signature(None, "dial tcp 10.0.0.7:6379: connect: connection refused");
        let found = compare(&a, &b).expect("similar");
        assert!(found.reason.contains("same condition (connection refused)"));
        let reset = signature(None, "read tcp 10.0.0.7:6379: connection reset by peer");
        assert_eq!(compare(&b, &reset), None);
    }

    #[test]
    fn overlap_of_words() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(overlap(&words(&["a", "b"]), &words(&["b", "c"])), 1.0 / 3.0);
        let wrapped = overlap(
            &words(&["a", "b", "c"]),
            &words(&["a", "b", "c", "d", "e", "f"]),
        );
        assert_eq!(wrapped, (0.5 + 1.0) / 2.0);
        assert_eq!(overlap(&words(&[]), &words(&["b"])), 0.0);
    }
}
