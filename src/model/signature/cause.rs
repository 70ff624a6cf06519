//! The words of an incident's cause, ready to be compared with other incidents'.
//!
//! Two writers describe one mechanism in different sentences but with the same nouns and
//! verbs: "the connection pool was exhausted by retries" and "retrying requests exhausted
//! the pool's connections". The root cause, technical cause, trigger and contributing
//! factors are reduced to their plain text, split into words, stripped of words that say
//! nothing about a mechanism (English function words, and words every write-up uses such
//! as "incident" or "caused") or denied ("there was no leak"), and stemmed (Snowball English, so "exhausted" and
//! "exhaustion" meet). Which terms link two incidents is decided over all incidents
//! together, in `knowledge::similar`.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::mechanisms::mechanisms_of;
use crate::model::RootCause;
use crate::model::kept::{Kept, remembered};
use crate::model::text::plain_text;

/// One term of a cause: its stem, the word it was first written as, how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CauseTerm {
    /// The Snowball stem, which terms are matched on.
    pub stem: String,
    /// The word as first written (lowercase), which reasons show.
    pub word: String,
    /// How many times it occurs.
    pub count: u32,
}

/// Words that say nothing about a mechanism.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "even", "ever",
    "every", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "less", "made", "make", "makes", "many", "may", "might", "more", "most",
    "much", "must", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or",
    "other", "our", "ours", "out", "over", "own", "same", "she", "should", "since", "so",
    "some", "still", "such", "than", "that", "the", "their", "theirs", "them", "then",
    "there", "these", "they", "this", "those", "though", "through", "thus", "to", "too",
    "two", "under", "until", "up", "upon", "us", "very", "via", "was", "we", "were", "what",
    "when", "where", "whether", "which", "while", "who", "whom", "why", "will", "with",
    "within", "without", "would", "yet", "you", "your", "got", "get", "gets", "went", "way",
    "new", "old", "first", "last", "instead", "already", "without", "across", "never", "none",
    "without", "able", "unable", "like", "etc", "e.g", "i.e", "s", "t",
    // Words every write-up uses, whatever the mechanism.
    "incident", "incidents", "issue", "issues", "cause", "caused", "causing", "causes", "root",
    "due", "failure", "failures", "fail", "failed", "failing", "fails", "error", "errors",
    "problem", "problems", "outage", "impact", "impacted", "affected", "team", "teams", "user",
    "users", "customer", "customers", "production", "prod", "result", "resulted", "resulting",
    "led", "lead", "leads", "leading", "happened", "occurred", "time", "times", "minutes",
    "hours", "which", "because", "trigger", "triggered", "contributing", "factor", "factors",
];

/// [`STOPWORDS`] as a set: every word of every cause is looked up in it.
fn stopwords() -> &'static HashSet<&'static str> {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| STOPWORDS.iter().copied().collect());
    &SET
}

/// How many words after a negation it denies.
const NEGATION_REACH: usize = 3;

/// The words of `clause` that say something and are not denied ("there was no leak" says
/// nothing about a leak; "no alert on memory growth" is about alerting, which every
/// write-up lacks).
fn affirmed_words(clause: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut denied = 0;
    for word in clause.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if word.is_empty() {
            continue;
        }
        if super::is_negation(word) {
            denied = NEGATION_REACH;
            continue;
        }
        if denied > 0 {
            denied -= 1;
            continue;
        }
        let says_something = word.chars().count() >= 3
            && !word.chars().all(|c| c.is_ascii_digit())
            && !stopwords().contains(word);
        if says_something {
            words.push(word);
        }
    }
    words
}

/// What similarity compares of one root cause.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CauseSignature {
    /// Its terms, sorted by stem.
    pub terms: Vec<CauseTerm>,
    /// The mechanisms it describes ([`super::mechanisms`]), in table order.
    pub mechanisms: Vec<&'static str>,
}

impl CauseSignature {
    /// The signature of `cause`: its summary, technical cause, trigger and contributing
    /// factors.
    pub fn of(cause: &RootCause) -> Self {
        let texts: Vec<String> = [&cause.summary, &cause.technical, &cause.trigger]
            .into_iter()
            .flatten()
            .chain(&cause.contributing_factors)
            .map(|text| plain_text(text).to_lowercase())
            .collect();
        Self {
            terms: terms_of(&texts),
            // One text, each part its own clause, so that a negation ends with its part.
            mechanisms: mechanisms_of(&texts.join(".\n")),
        }
    }
}

/// The terms of `texts` (plain, lowercase), sorted by stem.
fn terms_of(texts: &[String]) -> Vec<CauseTerm> {
    let mut terms: Vec<CauseTerm> = Vec::new();
    for plain in texts {
        let clauses = plain.split(super::CLAUSE_ENDS);
        for word in clauses.flat_map(affirmed_words) {
            let stem = stem(word);
            match terms.iter_mut().find(|t| t.stem == stem) {
                Some(term) => term.count += 1,
                None => terms.push(CauseTerm {
                    stem,
                    word: word.to_owned(),
                    count: 1,
                }),
            }
        }
    }
    terms.sort_by(|a, b| a.stem.cmp(&b.stem));
    terms
}

/// The Snowball stem of `word`. A history repeats its words across thousands of causes,
/// so each thread keeps the stems it made ([`crate::model::kept`]).
fn stem(word: &str) -> String {
    thread_local!(static KEPT: Kept<String> = RefCell::default());
    remembered(&KEPT, word, MAX_KEPT_STEMS, |word| {
        Stemmer::create(Algorithm::English).stem(word).into_owned()
    })
}

/// How many stems a thread keeps: far more than a team's vocabulary, a few MB at most.
const MAX_KEPT_STEMS: usize = 50_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_drops_words_that_say_nothing() {
        let cause = RootCause {
            summary: Some("The **connection pool** was exhausted by retries.".into()),
            trigger: Some("Retrying requests caused exhaustion of the pool".into()),
            contributing_factors: vec!["There was no leak of connections".into()],
            ..RootCause::default()
        };
        let terms = CauseSignature::of(&cause).terms;
        let stems: Vec<(&str, &str, u32)> = terms
            .iter()
            .map(|t| (t.stem.as_str(), t.word.as_str(), t.count))
            .collect();
        assert_eq!(
            stems,
            [
                ("connect", "connection", 1),
                ("exhaust", "exhausted", 2),
                ("pool", "pool", 2),
                ("request", "requests", 1),
                ("retri", "retries", 2),
            ]
        );
    }
}
