//! Related incidents: the few other incidents worth reading next, each with the reason.
//!
//! Ranking, best first:
//! 1. the same error pattern: the same failure again, the most useful thing to read;
//! 2. a similar error, then a similar cause (`knowledge::similar`), by their score;
//! 3. what the writers linked themselves (`related`, in either direction);
//! 4. a score of what the two share: each changed file weighs 4, each service 3, each tag 1.
//!
//! A similar incident says whether it came before or recurred later, so the earlier
//! incident's page tells its reader the failure happened again.
//!
//! An incident is shown when it shares the pattern, is similar, is linked, or scores at least 3 (a file,
//! a service, or three tags). A term that more than 100 incidents carry says little about any
//! two of them and is not counted; this also keeps the work linear in the number of
//! incidents. At most five are shown, but never fewer than the incident itself lists.

use std::cmp::Reverse;
use std::collections::HashMap;

use rayon::prelude::*;

use serde::Serialize;

use crate::knowledge::{SimilarKind, SimilarLink};
use crate::load::LoadedIncident;
use crate::workspace::slugify;

/// Another incident worth reading next, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Its index in the incidents given.
    pub incident: usize,
    /// Why, e.g. "same error pattern; shared services: cache".
    pub reason: String,
}

/// How many related incidents a page shows, unless the writers linked more.
pub const MAX_RELATED: usize = 5;
/// The least score of shared terms that makes two incidents related.
const MIN_SCORE: usize = 3;
/// Terms carried by more incidents than this are not counted.
const MAX_SHARERS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Term {
    Pattern,
    File,
    Service,
    Tag,
}

impl Term {
    fn weight(self) -> usize {
        match self {
            Self::Pattern => 0,
            Self::File => 4,
            Self::Service => 3,
            Self::Tag => 1,
        }
    }
}

/// What an incident shares with another.
#[derive(Default)]
struct Shared<'a> {
    same_pattern: bool,
    /// A similar error or cause: its kind, score, what they share, and whether the other
    /// incident came later.
    similar: Option<(SimilarKind, u8, &'a str, bool)>,
    /// Why the writers linked them, either way.
    linked: Option<&'a str>,
    files: Vec<&'a str>,
    services: Vec<&'a str>,
    tags: Vec<&'a str>,
}

impl Shared<'_> {
    fn reason(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.same_pattern {
            parts.push("same error pattern".into());
        }
        if let Some((kind, _, why, later)) = self.similar {
            let what = match kind {
                SimilarKind::SimilarError => "similar error",
                SimilarKind::SimilarCause => "similar cause",
            };
            let when = if later { ", recurred later" } else { "" };
            parts.push(format!("{what}{when} ({why})"));
        }
        if let Some(linked) = self.linked {
            parts.push(linked.into());
        }
        for (label, names) in [
            ("both change", &self.files),
            ("shared services:", &self.services),
            ("shared tags:", &self.tags),
        ] {
            if !names.is_empty() {
                parts.push(format!("{label} {}", names.join(", ")));
            }
        }
        parts.join("; ")
    }
}

/// The terms of an incident: `(kind, key to match on, name to show)`.
fn terms(loaded: &LoadedIncident) -> Vec<(Term, String, &str)> {
    let incident = &loaded.incident;
    let mut terms: Vec<(Term, String, &str)> = loaded
        .patterns
        .iter()
        .map(|p| (Term::Pattern, p.text.clone(), p.text.as_str()))
        .collect();
    let files = incident.changes.iter().map(|c| {
        let path = c.file.trim().trim_start_matches("./");
        (Term::File, path.replace('\\', "/"), path)
    });
    let services = incident
        .services
        .iter()
        .map(|s| (Term::Service, slugify(s), s.as_str()));
    let tags = incident
        .tags
        .iter()
        .map(|t| (Term::Tag, slugify(t), t.as_str()));
    for term in files.chain(services).chain(tags) {
        if !terms
            .iter()
            .any(|(kind, key, _)| (*kind, key) == (term.0, &term.1))
        {
            terms.push(term);
        }
    }
    terms
}

/// For each incident, the incidents the writers linked it with, either way, each with
/// whether the incident names it itself (`related` names a slug or an id). What an
/// incident lists comes first; links back only fill in.
fn linked(incidents: &[LoadedIncident]) -> Vec<Vec<(usize, bool)>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, loaded) in incidents.iter().enumerate() {
        index.insert(&loaded.slug, i);
        if let Some(id) = &loaded.incident.id {
            index.entry(&id.value).or_insert(i);
        }
    }
    let pairs: Vec<(usize, usize)> = incidents
        .iter()
        .enumerate()
        .flat_map(|(i, loaded)| {
            let index = &index;
            loaded
                .incident
                .related
                .iter()
                .filter_map(move |name| index.get(name.value.as_str()).map(|&j| (i, j)))
        })
        .filter(|(i, j)| i != j)
        .collect();
    let mut linked: Vec<Vec<(usize, bool)>> = vec![Vec::new(); incidents.len()];
    let forward = pairs.iter().map(|&(i, j)| (i, j, true));
    let backward = pairs.iter().map(|&(i, j)| (j, i, false));
    for (from, to, listed) in forward.chain(backward) {
        if !linked[from].iter().any(|&(other, _)| other == to) {
            linked[from].push((to, listed));
        }
    }
    linked
}

/// Who shares what with whom, so the related incidents of any one incident can be found
/// without working them out for all (`serve` needs the edited incident's first).
pub struct RelatedIndex<'a> {
    incidents: &'a [LoadedIncident],
    /// The terms of each incident: kind, the term's number in `sharers`, name to show.
    terms: Vec<Vec<(Term, usize, &'a str)>>,
    /// The incidents that carry each term.
    sharers: Vec<Vec<usize>>,
    /// The incidents each one is linked with by the writers (`related`, either way), and
    /// whether it names them itself; its own links first.
    linked: Vec<Vec<(usize, bool)>>,
    /// The similar incidents of each (`Knowledge::similar`).
    similar: &'a [Vec<SimilarLink>],
}

impl<'a> RelatedIndex<'a> {
    /// Indexes `incidents`, whose similar incidents are `similar`.
    pub fn new(incidents: &'a [LoadedIncident], similar: &'a [Vec<SimilarLink>]) -> Self {
        let mut numbers: HashMap<(Term, String), usize> = HashMap::new();
        let mut sharers: Vec<Vec<usize>> = Vec::new();
        let mut numbered = Vec::with_capacity(incidents.len());
        for (i, loaded) in incidents.iter().enumerate() {
            let mut list = Vec::new();
            for (kind, key, name) in terms(loaded) {
                let number = *numbers.entry((kind, key)).or_insert_with(|| {
                    sharers.push(Vec::new());
                    sharers.len() - 1
                });
                sharers[number].push(i);
                list.push((kind, number, name));
            }
            numbered.push(list);
        }
        Self {
            incidents,
            terms: numbered,
            sharers,
            linked: linked(incidents),
            similar,
        }
    }

    /// Uses `similar` as the similar incidents from now on (`serve` finds an edited
    /// incident's related links before the similar ones are worked out).
    pub fn set_similar(&mut self, similar: &'a [Vec<SimilarLink>]) {
        self.similar = similar;
    }

    /// The related incidents of every incident, in order.
    pub fn all(&self) -> Vec<Vec<Related>> {
        let count = self.incidents.len();
        (0..count)
            .into_par_iter()
            .map_init(
                || Tallies::new(count),
                |tallies, i| self.links_with(i, tallies),
            )
            .collect()
    }

    /// The related incidents of incident `i`, best first.
    pub fn links(&self, i: usize) -> Vec<Related> {
        self.links_with(i, &mut Tallies::new(self.incidents.len()))
    }

    /// [`Self::links`], counting in `tallies`. What two incidents share is tallied as
    /// numbers first; the names behind the few shown are looked up afterwards, since most
    /// incidents met along the way are not shown.
    fn links_with(&self, i: usize, tallies: &mut Tallies) -> Vec<Related> {
        for &(kind, number, _) in &self.terms[i] {
            let others = &self.sharers[number];
            if kind != Term::Pattern && others.len() > MAX_SHARERS {
                continue;
            }
            for &j in others.iter().filter(|&&j| j != i) {
                let tally = tallies.of(j);
                match kind {
                    Term::Pattern => tally.same_pattern = true,
                    kind => tally.score += kind.weight(),
                }
            }
        }
        let similar = self.similar.get(i).map_or(&[][..], Vec::as_slice);
        for (at, link) in similar.iter().enumerate() {
            tallies.of(link.incident).similar = Some(at);
        }
        for &(j, listed) in &self.linked[i] {
            tallies.of(j).listed = Some(listed);
        }
        let date = |k: usize| self.incidents[k].incident.date.sort_key();
        let mut candidates: Vec<(usize, Tally)> = tallies.take();
        candidates.retain(|(_, t)| {
            t.same_pattern || t.similar.is_some() || t.listed.is_some() || t.score >= MIN_SCORE
        });
        candidates.sort_by_cached_key(|&(j, t)| {
            (
                Reverse(t.same_pattern),
                t.similar.map_or((2, Reverse(0)), |at| {
                    (similar[at].kind as u8, Reverse(similar[at].score))
                }),
                Reverse(t.listed.is_some()),
                Reverse(t.score),
                Reverse(date(j)),
                j,
            )
        });
        let mut links = Vec::new();
        for (j, tally) in candidates {
            let listed = tally.listed == Some(true);
            if listed || links.len() < MAX_RELATED {
                links.push(Related {
                    incident: j,
                    reason: self.shared(i, j, tally).reason(),
                });
            }
        }
        links
    }

    /// What incident `i` shares with `j`, by name, from their tally.
    fn shared(&self, i: usize, j: usize, tally: Tally) -> Shared<'_> {
        let incidents = self.incidents;
        let date = |k: usize| incidents[k].incident.date.sort_key();
        let mut shared = Shared {
            same_pattern: tally.same_pattern,
            linked: tally.listed.map(|listed| {
                if listed {
                    "listed as related"
                } else {
                    "lists this incident as related"
                }
            }),
            ..Shared::default()
        };
        if let Some(at) = tally.similar {
            let link = &self.similar[i][at];
            let later = (date(j), &incidents[j].slug) > (date(i), &incidents[i].slug);
            shared.similar = Some((link.kind, link.score, &link.reason, later));
        }
        for &(kind, number, name) in &self.terms[i] {
            let names = match kind {
                Term::Pattern => continue,
                Term::File => &mut shared.files,
                Term::Service => &mut shared.services,
                Term::Tag => &mut shared.tags,
            };
            // Each term's sharers were added in incident order, so they are sorted.
            let others = &self.sharers[number];
            if others.len() <= MAX_SHARERS && others.binary_search(&j).is_ok() {
                names.push(name);
            }
        }
        shared
    }
}

/// What incident `i` shares with another, counted (`RelatedIndex::links_with`).
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    same_pattern: bool,
    /// The weights of the terms they share (files, services, tags).
    score: usize,
    /// Which of `i`'s similar links names it (the last, if several).
    similar: Option<usize>,
    /// Whether the writers linked them, and if so whether `i` lists it itself.
    listed: Option<bool>,
}

/// A tally for every incident, and which ones were met: reused from one incident to the
/// next, so counting costs no allocation per pair.
struct Tallies {
    by_incident: Vec<Tally>,
    met: Vec<usize>,
    seen: Vec<bool>,
}

impl Tallies {
    fn new(count: usize) -> Self {
        Self {
            by_incident: vec![Tally::default(); count],
            met: Vec::new(),
            seen: vec![false; count],
        }
    }

    fn of(&mut self, j: usize) -> &mut Tally {
        if !self.seen[j] {
            self.seen[j] = true;
            self.met.push(j);
        }
        &mut self.by_incident[j]
    }

    /// The tallies of the incidents met, in the order met, leaving every tally reset.
    fn take(&mut self) -> Vec<(usize, Tally)> {
        let met = std::mem::take(&mut self.met);
        met.into_iter()
            .map(|j| {
                self.seen[j] = false;
                (j, std::mem::take(&mut self.by_incident[j]))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::test_support::incident;

    fn related(incidents: &[LoadedIncident]) -> Vec<Vec<(String, String)>> {
        let similar = crate::knowledge::Knowledge::recurrence(incidents).similar;
        RelatedIndex::new(incidents, &similar)
            .all()
            .into_iter()
            .map(|links| {
                links
                    .into_iter()
                    .map(|l| (incidents[l.incident].slug.clone(), l.reason))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_incidents_own_links_say_so_and_links_back_fill_in() {
        let incidents = [
            incident("a", "2025-07-12", "disk full", "related: [b]\n"),
            incident("b", "2025-07-12", "out of memory", "related: [a]\n"),
            incident("c", "2025-07-12", "dns timeout", "related: [a]\n"),
        ];
        let got = related(&incidents);
        let listed = |slug: &str| (slug.to_owned(), "listed as related".to_owned());
        assert_eq!(
            got[0],
            [
                listed("b"),
                ("c".to_owned(), "lists this incident as related".to_owned())
            ]
        );
        assert_eq!(got[1], [listed("a")]);
        assert_eq!(got[2], [listed("a")]);
    }

    #[test]
    fn same_pattern_first_then_links_then_what_is_shared() {
        let incidents = [
            incident(
                "a",
                "2025-07-12",
                "unexpected keyword argument 'x'",
                "services: [auth, cache]\ntags: [redis]\n",
            ),
            incident(
                "b",
                "2025-10-09",
                "unexpected keyword argument 'y'",
                "services: [registration]\n",
            ),
            incident(
                "c",
                "2025-11-01",
                "disk full",
                "services: [Cache, auth]\ntags: [redis]\n",
            ),
            incident("d", "2025-11-02", "oom", "tags: [redis]\nrelated: [a]\n"),
            incident("e", "2025-11-03", "oom killed", "tags: [redis, cache]\n"),
        ];
        let got = related(&incidents);
        assert_eq!(
            got[0],
            [
                ("b".to_owned(), "same error pattern".to_owned()),
                (
                    "d".into(),
                    "lists this incident as related; shared tags: redis".into()
                ),
                (
                    "c".into(),
                    "shared services: auth, cache; shared tags: redis".into()
                ),
            ],
            "e shares only one tag with a: not enough"
        );
        assert_eq!(
            got[3],
            [(
                "a".to_owned(),
                "listed as related; shared tags: redis".to_owned()
            )]
        );
    }

    #[test]
    fn at_most_five_unless_linked() {
        let mut incidents: Vec<LoadedIncident> = (0..8)
            .map(|n| incident(&format!("s{n}"), "2025-01-01", "boom", "services: [api]\n"))
            .collect();
        incidents.push(incident(
            "linker",
            "2025-01-01",
            "other",
            "related: [s0, s1, s2, s3, s4, s5, s6]\n",
        ));
        let got = related(&incidents);
        assert_eq!(got[0].len(), MAX_RELATED);
        assert_eq!(got[8].len(), 7, "everything the writer linked is kept");
    }
}
