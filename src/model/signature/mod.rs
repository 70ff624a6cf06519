//! What identifies a failure beyond its exact wording: the facts of one incident that
//! `knowledge::similar` compares across incidents.
//!
//! The error pattern (`model::fingerprint`) groups errors written the same way. One
//! failure is rarely written the same way twice, so an error's signature keeps apart what
//! varies between write-ups and what does not:
//!
//! - the error **type** without its module or namespace (`ConnectionError` of
//!   `redis.exceptions.ConnectionError`), taken from the message when it starts with one;
//!   types that name no failure (`Error`, `Exception`, `RuntimeError`…) count as none;
//! - the **condition** the message names, however the platform words it
//!   ([`conditions`]: `ECONNREFUSED`, `os error 111` and "actively refused" are one);
//! - the **callables** it names, by their last segment (`__init__` of
//!   `AbstractConnection.__init__()`);
//! - the **words** of its first line after the pattern's placeholders, with module
//!   prefixes and qualifications dropped the same way;
//! - each **chained cause** (`caused by:` lines in the message or trace) as a link of its
//!   own, so a wrapped error meets the bare one;
//! - the application's own **stack frames** ([`frames`]).
//!
//! A cause's terms ([`cause`]) and the failure mechanisms it describes ([`mechanisms`])
//! are the other half: what `knowledge::similar` compares for incidents with or without
//! an error.

pub mod cause;
pub mod conditions;
pub mod frames;
pub mod mechanisms;

use crate::model::fingerprint::fingerprint;
use crate::model::{ErrorDetails, Incident};

pub use cause::{CauseSignature, CauseTerm};

/// What ends a clause, and with it the reach of a negation.
const CLAUSE_ENDS: [char; 9] = ['.', ',', ';', ':', '!', '?', '\n', '(', ')'];

/// Whether `word` (lowercase) denies what follows it in its clause: "no", "not",
/// "without", "didn't"…
fn is_negation(word: &str) -> bool {
    const NEGATIONS: &[&str] = &["no", "not", "never", "without", "nor", "neither", "cannot"];
    NEGATIONS.contains(&word) || word.ends_with("n't")
}

/// Whether `text[start..end]` is whole words: no letter or digit right before it, nor
/// right after it unless it may go on (`open_end`, a word written as a prefix).
fn whole_words(text: &str, start: usize, end: usize, open_end: bool) -> bool {
    let inner = |c: char| c.is_alphanumeric();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(inner) && (open_end || !after.is_some_and(inner))
}
pub use conditions::{Condition, condition_of};
pub use frames::last_segment;

/// Everything about one incident that similarity looks at.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// The signature of each error, in order.
    pub errors: Vec<ErrorSignature>,
    /// The terms and mechanisms of the root cause.
    pub cause: CauseSignature,
}

impl Signature {
    /// The signature of `incident`.
    pub fn of(incident: &Incident) -> Self {
        Self {
            errors: incident.all_errors().map(ErrorSignature::of).collect(),
            cause: CauseSignature::of(&incident.root_cause),
        }
    }
}

/// One error, as similarity compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorSignature {
    /// The error itself first, then each chained cause.
    pub links: Vec<ErrorLink>,
    /// The application's own stack frames, `function@file`.
    pub frames: Vec<String>,
}

/// One error of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorLink {
    /// The type as written, e.g. `redis.exceptions.ConnectionError`.
    pub kind: Option<String>,
    /// The type's last segment, lowercase; `None` when absent or generic.
    pub class: Option<String>,
    /// The condition the message names ([`conditions`]), or else the error code it
    /// carries (`ERR_REQUIRE_ESM`, `ORA-00060`, `E11000`).
    pub condition: Option<String>,
    /// The callables named, as written (`AbstractConnection.__init__`), and their last
    /// segments.
    pub callables: Vec<(String, String)>,
    /// The words of the first line, lowercase, placeholders kept, sorted and distinct.
    pub words: Vec<String>,
}

/// Types that name no particular failure.
#[rustfmt::skip]
const GENERIC_TYPES: &[&str] = &[
    "error", "exception", "runtimeerror", "runtimeexception", "panic", "fatal", "err",
    "throwable", "failure", "oserror", "ioerror", "ioexception", "systemexception",
    "operror", "syscallerror", "urlerror", "clienterror", "servererror", "unhandledrejection",
    "uncaughtexception", "aggregateexception", "executionexception", "completionexception",
    "wrappedexception", "standarderror", "internalerror", "unknown",
    // Wrappers of transports and SDKs: the status or errno inside says what failed.
    "socketexception", "httperror", "httpexception", "httprequestexception", "requestexception",
    "requesterror", "fetcherror", "axioserror", "feignexception", "webexception", "apierror",
    "apiexception", "serviceexception", "sdkexception", "sdkclientexception", "clientexception",
    "awserror", "botocoreerror", "googleapicallerror", "requestfailedexception",
];

/// Words that carry no meaning in an error's first line.
const FILLER: &[&str] = &[
    "a", "an", "the", "to", "of", "in", "on", "for", "at", "by", "is", "was", "with", "from",
    "and", "or", "be",
];

impl ErrorSignature {
    /// The signature of `error`.
    pub fn of(error: &ErrorDetails) -> Self {
        let mut links = vec![ErrorLink::new(error.kind.as_deref(), &error.message)];
        let chained = [Some(error.message.as_str()), error.stack_trace.as_deref()];
        for cause in chained.into_iter().flatten().flat_map(caused_by) {
            let link = ErrorLink::new(None, cause);
            if !links.contains(&link) {
                links.push(link);
            }
        }
        let frames = error
            .stack_trace
            .as_deref()
            .map(frames::app_frames)
            .unwrap_or_default();
        Self { links, frames }
    }
}

/// The chained causes in `text`: what follows `caused by:` on its line (Java, Python's
/// wrappers, Go), or, when nothing does, each indented line after it (anyhow's
/// `Caused by:` block, numbered `0: …`).
fn caused_by(text: &str) -> Vec<&str> {
    const MARK: &[u8] = b"caused by:";
    let mut causes = Vec::new();
    let mut block = false;
    for line in text.lines() {
        // ASCII case folding keeps byte offsets, so `at` is an offset into `line` too.
        let found = line
            .as_bytes()
            .windows(MARK.len())
            .position(|w| w.eq_ignore_ascii_case(MARK));
        if let Some(at) = found {
            let cause = line[at + MARK.len()..].trim();
            block = cause.is_empty();
            if !block {
                causes.push(cause);
            }
        } else if block && line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            let cause = line.trim();
            let numbered = cause
                .split_once(": ")
                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
            causes.push(numbered.map_or(cause, |(_, rest)| rest));
        } else {
            block = false;
        }
    }
    causes
}

impl ErrorLink {
    /// One error of type `kind` (if known) with `message`.
    pub fn new(kind: Option<&str>, message: &str) -> Self {
        let first_line = message
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        let (kind, line) = match kind.map(str::trim).filter(|k| !k.is_empty()) {
            Some(kind) => (Some(kind.to_owned()), strip_type(first_line, kind)),
            None => match type_prefix(first_line) {
                Some((kind, rest)) => (Some(kind.to_owned()), rest),
                None => (None, first_line),
            },
        };
        let class = kind
            .as_deref()
            .map(class_of)
            .filter(|c| !GENERIC_TYPES.contains(&c.as_str()));
        let condition_text = format!("{} {message}", kind.as_deref().unwrap_or(""));
        let condition = condition_of(&condition_text)
            .map(|c| c.name.to_owned())
            .or_else(|| error_code(&condition_text).map(|code| format!("error code {code}")));
        let (callables, words) = words_and_callables(line);
        Self {
            kind,
            class,
            condition,
            callables,
            words,
        }
    }
}

/// The first error code in `text`: `ERR_…` (Node), or a short uppercase prefix and at
/// least four digits, or two letters and three (`E11000`, `ORA-00060`, `AADSTS7000222`,
/// `CS0246`). Codes name one failure on every platform that reports them.
fn error_code(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map(|w| w.trim_matches('-'))
        .find(|word| {
            if let Some(rest) = word.strip_prefix("ERR_") {
                return rest.len() >= 3
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            }
            let letters = word.chars().take_while(char::is_ascii_uppercase).count();
            let digits = word[letters..].trim_start_matches('-');
            let numbered = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
            numbered
                && (1..=8).contains(&letters)
                && (digits.len() >= 4 || (letters >= 2 && digits.len() >= 3))
        })
}

/// `connectionerror` of `redis.exceptions.ConnectionError`, `toomanyrequests` of
/// `feign.FeignException$TooManyRequests`, `sqlexception` of `SqlException (0x80131904)`.
fn class_of(kind: &str) -> String {
    let name = kind
        .split([' ', '(', '['])
        .next()
        .unwrap_or(kind)
        .trim_start_matches(['*', '&']);
    let last = last_segment(name);
    last.rsplit('$').next().unwrap_or(last).to_lowercase()
}

/// `line` without a leading repetition of `kind` and its separator.
fn strip_type<'a>(line: &'a str, kind: &str) -> &'a str {
    crate::model::fingerprint::after_type(line, kind)
        .map(|rest| rest.trim_start_matches([':', ' ']))
        .unwrap_or(line)
}

/// `("redis.exceptions.ConnectionError", rest)` of `redis.exceptions.ConnectionError: rest`:
/// a leading word that names a type (ends in `Error`, `Exception`, `Fault` or `Panic`, or
/// is a dotted name ending in a capitalised one) followed by a colon.
fn type_prefix(line: &str) -> Option<(&str, &str)> {
    let (head, rest) = line.split_once(':')?;
    let head = head.trim();
    let last = last_segment(head.trim_start_matches(['*', '&']));
    let named = ["Error", "Exception", "Fault", "Panic"]
        .iter()
        .any(|suffix| last.ends_with(suffix))
        || (head.contains('.') && last.starts_with(|c: char| c.is_ascii_uppercase()));
    let identifier = !head.is_empty()
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || "_.:$*&".contains(c));
    (named && identifier).then(|| (head, rest.trim()))
}

/// The callables `line` names and its words: the fingerprint's placeholders for what
/// varies, dotted and `::` paths reduced to their last segment.
fn words_and_callables(line: &str) -> (Vec<(String, String)>, Vec<String>) {
    let normalised = fingerprint(None, line);
    let mut callables = Vec::new();
    let mut words = Vec::new();
    for raw in normalised.split_whitespace() {
        let word = raw.trim_matches(|c: char| ",;:!?'\"`[]{}".contains(c));
        let word = word.trim_end_matches('.');
        if let Some(called) = word
            .find('(')
            .map(|at| &word[..at])
            .filter(|c| !c.is_empty())
        {
            let last = last_segment(called).to_lowercase();
            callables.push((called.to_owned(), last.clone()));
            words.push(format!("{last}()"));
            continue;
        }
        let word = word.trim_matches(|c: char| "()".contains(c));
        let path_like = (word.contains('.') || word.contains("::"))
            && !word.starts_with('<')
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || "_.:$".contains(c));
        let word = if path_like { last_segment(word) } else { word };
        let word = word.to_lowercase();
        if !word.is_empty() && !FILLER.contains(&word.as_str()) {
            words.push(word);
        }
    }
    words.sort();
    words.dedup();
    (callables, words)
}

#[cfg(test)]
mod tests;
