//! The failure mechanisms a root cause can describe, however its author words them.
//!
//! Terms alone cannot tell two mechanisms with one vocabulary apart (a connection leak and
//! a slow query both "exhaust the pool"), nor find one mechanism told in two vocabularies
//! ("retried with no backoff" and "a retry storm"). Each entry here names one mechanism
//! that recurs across teams and lists the ways it is written: a way is a list of groups
//! that must all appear in the cause, a group a list of alternatives (`|`). An alternative
//! is a word or phrase at word boundaries; `*` at its end lets the word go on (`retri*`:
//! retries, retried); `~` before it asks that a negation deny it (`~backoff`: "no
//! backoff", "without exponential backoff"), and without `~` a denied word does not count
//! ("there was no leak").
//!
//! Symptoms many mechanisms share (a full disk, an exhausted pool, an OOM kill, lag) are
//! never a mechanism alone: each way names what filled, held or grew, so that two causes
//! that share a mechanism share what broke and why.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// One mechanism: its name as reasons show it, and the ways it is written.
pub struct Mechanism {
    /// The name shown in reasons, e.g. "retry storm (retries without backoff)".
    pub name: &'static str,
    ways: &'static [&'static [&'static str]],
}

macro_rules! mechanisms {
    ($($name:literal => [$([$($group:literal),+]),+ $(,)?]),+ $(,)?) => {
        &[$(Mechanism { name: $name, ways: &[$(&[$($group),+]),+] }),+]
    };
}

/// Every mechanism.
#[rustfmt::skip]
pub const MECHANISMS: &[Mechanism] = mechanisms![
    // Load that feeds itself.
    "retry storm (retries without backoff)" => [
        ["retry storm|retry storms|retry amplification|retries amplified|retry flood"],
        ["retry*|retri*|re-tr*|re-issu*|reissu*|re-sen*|resen*", "~backoff|~back-off|~jitter|~retry budget|~circuit breaker|immediate*|stacked|multipl*|amplif*|tripled|doubled"]],
    "cache stampede (many requests recomputing one expired entry)" => [
        ["stampede*|dogpile|dog-pile|thundering herd|cache herd"],
        ["cache*|cached|memcache*|redis", "expir*|ttl|evicted", "concurren*|simultaneous*|at once|all at the same time|in parallel", "recomput*|regenerat*|rebuil*|repopulat*|refill*|miss|misses"]],
    "cache evictions under memory pressure" => [
        ["evict*", "memory pressure|maxmemory|memory limit|out of memory|memory was full|cache was full|cache size|lru"]],
    // Connections and pools.
    "connection leak (connections not returned to the pool)" => [
        ["leak*", "connection*|pool*|socket*|handle*|cursor*"],
        ["connection*|socket*|cursor*", "~returned|~released|~closed|never returned|never released|never closed|not returned|not released|not closed|skipped the close|skipped close|without closing|forgot to close"]],
    "request threads blocked on a slow dependency" => [
        ["thread*|worker*|goroutine*|event loop", "synchronous*|blocking call*|blocked on|blocked waiting|waiting on|~timeout|without a timeout", "slow*|latency|downstream|dependency|taking"]],
    "slow query from a missing index (full scan)" => [
        ["sequential scan|seq scan|full table scan|full scan|table scan|~index|missing index|unindexed|without an index|no index"]],
    "database connection limit reached" => [
        ["max_connections|too many connections|connection limit|connection slots"]],
    "replication slot retaining write-ahead log" => [
        ["replication slot*|logical slot*|inactive slot*|abandoned slot*|slot", "wal|write-ahead|pg_wal|xlog|binlog*|segments"]],
    "file descriptors exhausted" => [
        ["file descriptor*|too many open files|ulimit|nofile|emfile"]],
    // Locks.
    "schema migration holding a table lock" => [
        ["migration*|migrat*|ddl|alter table|schema change*|add column|create index", "lock*", "table*|exclusive"]],
    "row lock contention on a hot row" => [
        ["hot row*|single row|same row|one row|hot record*|single record|same record|hot key|counter row", "lock*|contention|contended|serializ*"]],
    "deadlock" => [["deadlock*"]],
    // Configuration and rollout.
    "global rollout without a canary" => [
        ["config*|flag*|setting*|rule*|rollout|roll out|rolled out|push*|deploy*|ship*", "every region|all regions|all zones|every zone|globally|global|worldwide|simultaneous*|at once|at the same time|everywhere|fleet-wide|whole fleet|all clusters|every cluster|all edge*|every edge|all nodes|every node|every location|all locations", "~canary|~staged|~staging|~gradual*|~progressive*|~phased|~incremental*|~bake|without a canary|without canary|in one step|at the same time|at once"]],
    "canary that did not catch the bad change" => [
        ["canary|canaries|staged rollout|bake time|baking", "alarm*|alert*|metric*|monitor*|check*", "misconfigured|silent|did not fire|didn't fire|never fired|broken|stayed silent|not wired|ignored"]],
    "configuration drift between environments" => [
        ["drift*|out of sync|diverged|stale config*|stale configuration|old config*|kept the old|kept an old|kept a stale", "config*|setting*|region*|environment*|replica*|node*"]],
    // Caching of names and keys.
    "negative DNS caching (a missing record cached)" => [
        ["nxdomain|negative cach*|negative ttl|negative answer|negative response|non-existent answer|nonexistent answer", "dns|resolver*|cache*|cached|record*|soa"]],
    "stale DNS answer after a change (TTL too long)" => [
        ["dns|resolver*", "ttl*|cached|cache*", "stale|old address|old ip|previous address|previous ip|old record|failover|failed over|cutover|cut over|changed ip|new ip|new address"]],
    "signing key rotated but verifiers kept the old one" => [
        ["key*|jwks|jwk|certificate*|secret*", "rotat*", "stale|cached|cache*|picked up|pick up|refresh*|reload*|old key|previous key"]],
    // Time.
    "clock drift (time synchronisation stopped)" => [
        ["clock*|time", "drift*|skew*|out of sync|behind|ahead"],
        ["ntp*|chrony*|timesyncd|time sync*|time synchroni*", "stop*|disabled|crash*|died|dead|broke*|fail*|blocked|removed|~running"]],
    "daylight-saving or leap-second time change" => [
        ["daylight saving*|dst|leap second*|leap year|timezone change|time zone change|clock change"]],
    // Certificates and credentials.
    "certificate expired after its renewal failed unnoticed" => [
        ["certificate*|cert|certs|tls|ssl", "renew*|certbot|acme|cert-manager", "expir*|ran out|lapsed|notafter|not after", "fail*|broke*|error*|silent*|unnoticed|~noticed|~alert*|~monitor*|~page|~paged"]],
    "certificate issued for the wrong host name" => [
        ["certificate*|cert|tls", "san|sans|subject alternative*|hostname|host name|common name|wrong name|wrong domain", "missing|mismatch|verification|did not match|didn't match|wrong|only"]],
    "certificate chain incomplete" => [
        ["intermediate*|chain", "certificate*|cert|tls", "missing|incomplete|omitted|without"]],
    "credential expired" => [
        ["api key*|access key*|vendor credential*|credential*|license*|password*|pull secret*", "expired|expiry date|end of its term|end of its lifetime|lapsed"],
        ["expired credential*|credential expired|credentials expired|credentials had expired|credential had expired|expired password*|password expired|password had expired|expired api key*|api key expired|api key had expired|expired access key*|access key expired|expired pull secret*|pull secret expired|expired imagepullsecret*|expired registry credential*|expired service account key*|service account key expired|expired license|license expired|license had expired|expired subscription|subscription expired|expired token|token had expired|api token expired"]],
    // Memory.
    "memory leak (growth over time until OOM)" => [
        ["leak*|grew|grow*|growth|accumulat*|unbounded|never freed|never evicted|never cleared|never released", "memory|heap|rss|oom*|out of memory", "over time|over hours|over days|each request|every request|per request|with traffic|steadily|gradually|slowly|release|deploy*|version|hours|days"]],
    "one request loading an unbounded result into memory" => [
        ["result set|all rows|every row|entire table|whole table|whole file|entire file|unpaginated|~pagination|~paginat*|~limit|without a limit|no limit|unbounded query|unbounded request|single request|one request|huge|entire", "memory|heap|oom*|out of memory", "load*|read*|fetch*|materiali*|buffer*|select*|export*"]],
    "garbage collection pauses" => [
        ["gc|garbage collect*", "pause*|stop-the-world|stop the world|stw"]],
    // Disk.
    "logs not rotated filled the disk" => [
        ["log|logs|logging|logfile*|log file*|journal", "~rotat*|~prun*|~retention|~clean*|~compress*|logrotate|never rotated|unrotated|not rotated|no rotation|without rotation|grew", "disk|volume|filesystem|file system|partition|space|enospc|inode*"]],
    "temporary files left behind filled the disk" => [
        ["temp|temporary|tmp|spill*|scratch|intermediate file*", "disk|volume|filesystem|file system|partition|space|enospc"]],
    "core dumps filled the disk" => [
        ["core dump*|crash dump*|coredump*|heap dump*", "disk|volume|filesystem|file system|partition|space|enospc"]],
    "inodes exhausted" => [["inode*"]],
    // Orchestration.
    "liveness probe killing pods that start slowly" => [
        ["liveness|probe*|health check*", "startup|start-up|start up|starting up|slow start*|slow to start|slow-starting|finished starting|boot*|warm*|initialdelayseconds|initial delay|initiali*", "kill*|restart*|loop*|crashloop*|crash loop"]],
    "liveness probe depending on a downstream service" => [
        ["liveness|probe*", "database|db|dependenc*|downstream|backend|upstream", "restart*|kill*|fleet-wide|every pod|all pods"]],
    "load balancer health check out of step with the service" => [
        ["health check*|healthcheck*|target group*|load balancer|lb", "path|endpoint|route|url|port", "unhealthy|deregister*|removed|404|not found|marked down|drained|out of rotation|no longer serve*|fail its check|failed its check|fail their checks|failed their checks|failed the health check*|failing the health check*"]],
    "autoscaling reacting too late" => [
        ["autoscal*|hpa|scale out|scale up|scaling|scaled", "lag*|late|delay*|slow to|too slow|stale metric*|metrics window|cooldown|cool-down|warm-up"]],
    "autoscaling capped at its maximum" => [
        ["autoscal*|hpa|scaling|scaled|replicas|instances|nodes", "maxreplicas|max replicas|maximum replicas|max size|maximum size|cap|capped|ceiling|max instances|maximum instances|node limit|limit of"]],
    "image pulls rate-limited by the registry" => [
        ["pull*|image*|registry|docker hub|dockerhub", "rate limit*|rate-limit*|ratelimit*|toomanyrequests|too many requests|429|throttl*|pull limit*"]],
    "CPU throttling by a container limit" => [
        ["cpu", "throttl*|cfs quota|cpu limit*|limits"]],
    // Messaging.
    "consumer exceeding the poll interval and rebalancing" => [
        ["poll interval|max.poll.interval|max poll interval|poll timeout|poll() calls|poll calls|between polls|session timeout|heartbeat*|considered the members dead|considered dead", "rebalanc*|kicked|left the group|removed from the group|evicted from the group"]],
    "poison message crashing the consumer" => [
        ["poison*|malformed message|bad message|undeserializ*|could not be deserialized|cannot be parsed|unparseable|unparsable", "consumer*|message*|queue*|topic*|partition*"]],
    // Data limits and state.
    "destructive command run against the wrong environment" => [
        ["wrong environment|production instead of|against production|against the production|production credentials|prod credentials|instead of staging|instead of the test|meant for staging|intended for staging|meant for the test|wrong database|wrong cluster|wrong account|wrong kubeconfig|wrong context", "delet*|drop*|truncat*|wip*|destroy*|remov*|purg*|overwr*"]],
    "hot partition (load concentrated on one key)" => [
        ["hot partition*|hot key*|hot shard*|single partition|one partition|same partition key|one shard|single shard|partition key|shard key|keyed by", "throttl*|saturat*|overload*|spike*|concentrat*|idled|while the others|rest of the cluster|spare capacity"]],
    "32-bit integer overflow of an id or counter" => [
        ["32-bit|32 bit|int32|int4|2147483647|2^31|2 31|integer overflow|overflowed|signed int*", "id|ids|key|keys|sequence*|counter*|column|primary"]],
    "sequence reset after a restore (duplicate keys)" => [
        ["sequence*|auto_increment|auto-increment|serial", "reset*|restor*|rewound|behind", "duplicate*|conflict*|unique"]],
    "replication lag" => [
        ["replica*|replication|follower*|standby|secondar*", "lag*|behind|delay*|stale read*"]],
    "split brain (two primaries or leaders)" => [
        ["split brain|split-brain|two primaries|two leaders|dual primary|both primaries|two masters"],
        ["leader*|leader election|lease", "both believ*|both thought|both acting|both act|second leader|second scheduler|second instance took over|took over while|two instances|both instances"]],
    "node drain without a disruption budget" => [
        ["drain*|evict*|node upgrade|node pool upgrade|scale-down|scale down", "poddisruptionbudget|disruption budget|pdb|~poddisruptionbudget|~disruption budget|~pdb"]],
    "leaked secret revoked" => [
        ["key*|secret*|token*|credential*|password*", "leak*|committed|exposed|public repo*|pasted", "revok*|invalidated|disabled"]],
    "race condition between concurrent writers" => [
        ["race|races|racing|race condition", "concurren*|parallel|simultaneous*|two writers|two processes|two threads|check-then-act|lost update"]],
    "quota or rate limit of a provider reached" => [
        ["quota*|rate limit*|api limit*|service limit*|throttl*", "provider|cloud|aws|gcp|azure|vendor|third-party|third party|api"]],
    // Network.
    "network access rule removed (firewall, security group, ACL)" => [
        ["security group*|firewall*|acl|acls|network polic*|ingress rule*|egress rule*|allowlist*|whitelist*|iptables", "remov*|delet*|tighten*|dropped|revoked|cleanup|clean-up", "traffic|connection*|port|ports|ingress|egress|access|packets"]],
    "keep-alive timeout of a proxy outliving its backend's" => [
        ["keep-alive|keepalive|idle timeout", "reus*|already closed|had closed|shorter|longer|mismatch*", "502*|proxy|load balancer|nginx|alb|elb|envoy|haproxy|upstream"]],
    "IP addresses exhausted in a subnet" => [
        ["ip address*|ips|free address*|addresses left|free ip*|no free ip*|no free address*|no ip address*|ip exhaustion|ipam|cidr", "subnet*|vpc|cidr|address range|address pool", "ran out|exhaust*|no free|left|depleted"]],
    "MTU mismatch dropping large packets" => [["mtu"]],
    "BGP route withdrawn or leaked" => [["bgp", "route*|withdraw*|announce*|leak*|prefix*"]],
    "overlapping runs of a scheduled job" => [
        ["cron*|scheduled|scheduler|batch job*|job", "overlap*|concurrent run*|two runs|ran twice|double run*|still running"]],
];

/// The names of the mechanisms `text` describes, in table order.
pub fn mechanisms_of(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let table = &*TABLE;
    // Which groups of which ways are met, as (mechanism, way, group).
    let mut met: Vec<(usize, usize, usize)> = Vec::new();
    for found in table.automaton.find_overlapping_iter(&lower) {
        let (start, end) = (found.start(), found.end());
        for alternative in &table.alternatives[found.pattern().as_usize()] {
            // A word said is not a word denied: "no eviction" is no eviction, and
            // "~eviction" asks for exactly that.
            if super::whole_words(&lower, start, end, alternative.prefix)
                && alternative.denied == denied(&lower[..start])
            {
                met.push(alternative.group);
            }
        }
    }
    met.sort_unstable();
    met.dedup();
    // A way is met when all its groups are: the groups met of each way, counted.
    let mut names: Vec<&'static str> = met
        .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
        .filter(|run| run.len() == MECHANISMS[run[0].0].ways[run[0].1].len())
        .map(|run| MECHANISMS[run[0].0].name)
        .collect();
    names.dedup();
    names
}

/// How many words before an alternative a negation may stand ("no size bound or
/// eviction").
const NEGATION_REACH: usize = 4;

/// Whether the clause that `before` ends has a negation at most [`NEGATION_REACH`] words
/// before its end.
fn denied(before: &str) -> bool {
    let clause = before.rsplit(super::CLAUSE_ENDS).next().unwrap_or(before);
    clause
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .filter(|w| !w.is_empty())
        .rev()
        .take(NEGATION_REACH)
        .any(super::is_negation)
}

/// One alternative of one group, as the automaton finds it.
struct Alternative {
    /// (mechanism, way, group) it meets.
    group: (usize, usize, usize),
    prefix: bool,
    denied: bool,
}

/// The table as one automaton: each distinct alternative text once, with the groups it
/// meets.
struct Table {
    automaton: AhoCorasick,
    alternatives: Vec<Vec<Alternative>>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut texts: Vec<&str> = Vec::new();
    let mut alternatives: Vec<Vec<Alternative>> = Vec::new();
    for (m, mechanism) in MECHANISMS.iter().enumerate() {
        for (w, way) in mechanism.ways.iter().enumerate() {
            for (g, group) in way.iter().enumerate() {
                for written in group.split('|') {
                    let denied = written.starts_with('~');
                    let prefix = written.ends_with('*');
                    let text = written.trim_start_matches('~').trim_end_matches('*');
                    let at = match texts.iter().position(|t| *t == text) {
                        Some(at) => at,
                        None => {
                            texts.push(text);
                            alternatives.push(Vec::new());
                            texts.len() - 1
                        }
                    };
                    alternatives[at].push(Alternative {
                        group: (m, w, g),
                        prefix,
                        denied,
                    });
                }
            }
        }
    }
    Table {
        automaton: AhoCorasick::new(&texts).expect("the alternatives are a fixed, small table"),
        alternatives,
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mechanism_in_two_vocabularies() {
        let storm = "Clients retried every failed call three times with no backoff.";
        let named = "A retry storm: each slow request became several.";
        let expected = vec!["retry storm (retries without backoff)"];
        assert_eq!(mechanisms_of(storm), expected);
        assert_eq!(mechanisms_of(named), expected);
        // Backoff that was there is not its absence.
        assert!(mechanisms_of("Clients retried with exponential backoff.").is_empty());
    }

    #[test]
    fn a_shared_symptom_is_no_mechanism() {
        assert!(
            mechanisms_of("The connection pool was exhausted and the disk was full.").is_empty()
        );
        let leak = "Connections were never returned to the pool on the error path.";
        assert_eq!(
            mechanisms_of(leak),
            vec!["connection leak (connections not returned to the pool)"]
        );
    }

    #[test]
    fn every_alternative_is_a_phrase() {
        for mechanism in MECHANISMS {
            for way in mechanism.ways {
                for alternative in way.iter().flat_map(|g| g.split('|')) {
                    let text = alternative.trim_start_matches('~').trim_end_matches('*');
                    assert!(
                        !text.is_empty() && text == text.trim() && text == text.to_lowercase(),
                        "{}: {alternative:?}",
                        mechanism.name
                    );
                }
            }
        }
    }
}
