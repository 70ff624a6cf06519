use super::*;
use crate::knowledge::patterns::group;

/// An incident `<slug>.yaml` of `date` with an optional error (type and message) and a
/// root cause summary.
fn incident(slug: &str, date: &str, error: Option<(&str, &str)>, cause: &str) -> LoadedIncident {
    let error = error.map_or(String::new(), |(kind, message)| {
        format!("error:\n  type: {kind:?}\n  message: {message:?}\n")
    });
    let yaml = format!(
        "title: {slug}\ndate: {date}\nstatus: resolved\nseverity: high\nsummary: s\n{error}\
         root_cause:\n  summary: {cause:?}\n"
    );
    let file = std::path::PathBuf::from(format!("{slug}.yaml"));
    let (loaded, diagnostics) =
        crate::load::load_source(&file, &file, &yaml, &crate::load::Settings::default());
    loaded.unwrap_or_else(|| panic!("{diagnostics:?}\n{yaml}"))
}

fn links(incidents: &[LoadedIncident]) -> Vec<Vec<(String, SimilarKind)>> {
    let (groups, _) = group(incidents);
    Similarity::new(incidents, &groups)
        .links
        .into_iter()
        .map(|list| {
            let mut named: Vec<_> = list
                .into_iter()
                .map(|l| (incidents[l.incident].slug.clone(), l.kind))
                .collect();
            named.sort();
            named
        })
        .collect()
}

const KWARG: &str = "TypeError";

fn redis_like() -> Vec<LoadedIncident> {
    vec![
        incident(
            "old-login",
            "2025-07-12",
            Some((
                KWARG,
                "AbstractConnection.__init__() got an unexpected keyword argument 'CLIENT_CLASS'",
            )),
            "a client option the new library no longer accepts",
        ),
        incident(
            "registration",
            "2025-10-09",
            Some((
                KWARG,
                "AbstractConnection.__init__() got an unexpected keyword argument 'pool_kwargs'",
            )),
            "an unsupported option in the cache settings",
        ),
        incident(
            "found-late",
            "2025-01-02",
            Some((
                KWARG,
                "__init__() got an unexpected keyword argument 'compressor'",
            )),
            "configuration copied from another backend",
        ),
        incident(
            "disk",
            "2025-03-03",
            Some((
                "OSError",
                "[Errno 28] No space left on device: '/var/log/app.log'",
            )),
            "logs were never rotated",
        ),
    ]
}

#[test]
fn a_similar_error_links_both_ways_whatever_the_dates() {
    let got = links(&redis_like());
    let error = |slug: &str| (slug.to_owned(), SimilarKind::SimilarError);
    assert_eq!(got[2], [error("old-login"), error("registration")]);
    assert_eq!(
        got[0],
        [error("found-late")],
        "same pattern is not listed again"
    );
    assert_eq!(got[1], [error("found-late")]);
    assert!(got[3].is_empty());
    let mut reversed = redis_like();
    reversed.reverse();
    let again = links(&reversed);
    assert_eq!(again[1], got[2], "the order of the files does not matter");
}

#[test]
fn pattern_groups_list_their_similar_patterns() {
    let incidents = redis_like();
    let (groups, _) = group(&incidents);
    let similarity = Similarity::new(&incidents, &groups);
    let qualified = groups
        .iter()
        .position(|g| g.text.contains("AbstractConnection"))
        .expect("group");
    let similar = &similarity.patterns[qualified];
    assert_eq!(similar.len(), 1);
    assert!(
        groups[similar[0].group]
            .text
            .starts_with("TypeError: __init__()")
    );
    assert!(
        similar[0].reason.contains("callable written as"),
        "{}",
        similar[0].reason
    );
}

#[test]
fn incidents_without_errors_are_linked_by_their_cause() {
    let pool = "Retries without backoff exhausted the database connection pool of checkout \
                when the ledger replica slowed down";
    let incidents = vec![
        incident("a", "2025-01-01", None, pool),
        incident(
            "b",
            "2025-02-01",
            None,
            "The ledger replica slowed down; checkout retried without backoff until its \
             database connection pool was exhausted",
        ),
        incident(
            "c",
            "2025-03-01",
            None,
            "An expired TLS certificate on the payments gateway",
        ),
    ];
    let (groups, _) = group(&incidents);
    let similarity = Similarity::new(&incidents, &groups);
    assert_eq!(similarity.links[0].len(), 1);
    let link = &similarity.links[0][0];
    assert_eq!((link.incident, link.kind), (1, SimilarKind::SimilarCause));
    assert!(
        link.reason
            .starts_with("same mechanism: retry storm (retries without backoff); shared terms: "),
        "{}",
        link.reason
    );
    assert!(similarity.links[2].is_empty());
}

#[test]
fn causes_without_a_known_mechanism_link_by_words_and_two_mechanisms_never_do() {
    let incidents = vec![
        incident(
            "etl-1",
            "2025-01-01",
            None,
            "The nightly ETL job wrote its parquet partitions under the wrong bucket prefix \
             after the path template changed, so the revenue dashboard read stale partitions",
        ),
        incident(
            "etl-2",
            "2025-02-01",
            None,
            "After the path template of the ETL job changed, its parquet partitions landed \
             under a wrong bucket prefix and the revenue dashboard showed stale partitions",
        ),
        incident(
            "leak",
            "2025-03-01",
            None,
            "Checkout connections to the orders database were never returned to the pool on \
             the error path, so the orders database pool ran dry",
        ),
        incident(
            "scan",
            "2025-04-01",
            None,
            "A checkout query did a sequential scan of the orders database table and held \
             orders database pool connections for 30 seconds each, so the pool ran dry",
        ),
    ];
    let (groups, _) = group(&incidents);
    let similarity = Similarity::new(&incidents, &groups);
    let link = &similarity.links[0][0];
    assert_eq!((link.incident, link.kind), (1, SimilarKind::SimilarCause));
    assert!(link.reason.starts_with("shared terms: "), "{}", link.reason);
    // A connection leak and a slow unindexed query share their words, not their mechanism.
    assert!(similarity.links[2].is_empty(), "{:?}", similarity.links[2]);
    assert!(similarity.links[3].is_empty(), "{:?}", similarity.links[3]);
}

#[test]
fn a_memo_reworks_only_the_half_whose_inputs_changed() {
    let pool = "Retries without backoff exhausted the database connection pool of checkout \
                when the ledger replica slowed down";
    let mut incidents = redis_like();
    incidents.push(incident("pool-a", "2025-04-01", None, pool));
    incidents.push(incident("pool-b", "2025-05-01", None, pool));
    let mut memo = SimilarityMemo::default();
    // Each step: the incidents after an edit, and which halves must be worked out again.
    let mut check = |incidents: &[LoadedIncident], errors: usize, causes: usize| {
        let (groups, _) = group(incidents);
        let before = memo.worked_out;
        let remembered = Similarity::remembering(incidents, &groups, &mut memo);
        assert_eq!(remembered, Similarity::new(incidents, &groups));
        assert_eq!(memo.worked_out, (before.0 + errors, before.1 + causes));
    };
    check(&incidents, 1, 1);
    check(&incidents, 0, 0);
    // Another title: a new key, the same inputs.
    incidents[4].key = crate::model::digest::Digest::of("another title");
    check(&incidents, 0, 0);
    incidents[5] = incident("pool-b", "2025-05-01", None, "logs were never rotated");
    check(&incidents, 0, 1);
    let disk_full = Some(("OSError", "disk full"));
    incidents[3] = incident("disk", "2025-03-03", disk_full, "logs were never rotated");
    check(&incidents, 1, 0);
    // A date orders the similar incidents.
    let mut moved = redis_like().swap_remove(0);
    moved.incident.date = incident("x", "2025-07-13", None, "x").incident.date;
    moved.key = crate::model::digest::Digest::of("another date");
    incidents[0] = moved;
    check(&incidents, 1, 0);
    incidents.remove(1);
    check(&incidents, 1, 1);
}

/// Error messages that link to some of the others in several ways (a condition, a type, a
/// callable), numbered so that their patterns coincide or not.
const ERRORS: &[(&str, &str)] = &[
    (
        "redis.exceptions.ConnectionError",
        "Error 111 connecting to 10.0.0.{n}:6379. Connection refused.",
    ),
    (
        "Error",
        "dial tcp 10.0.0.{n}:6379: connect: connection refused",
    ),
    (
        "psycopg2.OperationalError",
        "could not connect to server: Connection refused (port {n})",
    ),
    (
        "TypeError",
        "AbstractConnection.__init__() got an unexpected keyword argument 'a{n}'",
    ),
    (
        "TypeError",
        "__init__() got an unexpected keyword argument 'b{n}'",
    ),
    (
        "TypeError",
        "__init__() missing 1 required positional argument: 'host{n}'",
    ),
    (
        "OSError",
        "[Errno 28] No space left on device: '/var/log/app{n}.log'",
    ),
    ("IOError", "disk full while writing /data/part-{n}"),
    ("TimeoutError", "read timed out after {n} ms"),
    (
        "requests.exceptions.ReadTimeout",
        "HTTPSConnectionPool(host='api', port=443): Read timed out. (read timeout={n})",
    ),
];

/// Links kept between calls equal fresh ones through random edits (errors changed,
/// incidents added and removed, dates moved), with blocks small enough that edits move
/// them across the size over which they propose no pairs.
#[test]
fn kept_error_links_equal_fresh_ones_through_random_edits() {
    use super::pairs::{SignaturePairs, signature_digests};
    for max_block in [2, 3, 5, MAX_BLOCK] {
        let mut state = 7u64 + max_block as u64;
        let mut next = move |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let mut made = 0;
        let mut make = |next: &mut dyn FnMut(usize) -> usize| {
            made += 1;
            let (kind, message) = ERRORS[next(ERRORS.len())];
            let message = message.replace("{n}", &next(3).to_string());
            let date = format!("2025-{:02}-{:02}", 1 + next(12), 1 + next(28));
            incident(&format!("i{made}"), &date, Some((kind, &message)), "cause")
        };
        let mut linked = 0;
        let mut incidents: Vec<LoadedIncident> = (0..14).map(|_| make(&mut next)).collect();
        let mut kept = SignaturePairs::with_max_block(max_block);
        let mut previous = None;
        for step in 0..80 {
            let at = next(incidents.len());
            match next(6) {
                0 if incidents.len() > 4 => drop(incidents.remove(at)),
                // An incident keeps its error and gains another's: its pattern now links
                // it to incidents that only shared a similar one.
                3 => {
                    let donor = incidents[next(incidents.len())].clone();
                    let edited = &mut incidents[at];
                    edited.patterns.extend(donor.patterns);
                    edited.signature.errors.extend(donor.signature.errors);
                }
                1 => incidents.push(make(&mut next)),
                2 => {
                    let moved = make(&mut next).incident.date;
                    incidents[at].incident.date = moved;
                }
                _ => incidents[at] = make(&mut next),
            }
            let (groups, _) = group(&incidents);
            let digests: Vec<Vec<_>> = incidents.iter().map(signature_digests).collect();
            let digests: Vec<&[_]> = digests.iter().map(Vec::as_slice).collect();
            let links = kept.links(&incidents, &groups, &digests, previous.take());
            let fresh = SignaturePairs::with_max_block(max_block)
                .links(&incidents, &groups, &digests, None);
            assert_eq!(
                links.links, fresh.links,
                "max block {max_block}, step {step}"
            );
            assert_eq!(
                links.patterns, fresh.patterns,
                "max block {max_block}, step {step}"
            );
            linked += links.links.iter().map(Vec::len).sum::<usize>();
            previous = Some(links);
        }
        assert!(linked > 100, "the edits link incidents: {linked} links");
    }
}
