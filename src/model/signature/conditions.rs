//! The conditions an error message can name, however a platform or library words them.
//!
//! `Connection refused (os error 111)`, `connect ECONNREFUSED 10.0.0.1:5432` and `No
//! connection could be made because the target machine actively refused it` are one
//! condition. Each entry lists the wordings of one condition; a wording is a list of
//! phrases that must all appear in the lowercased message, each at word boundaries. The
//! first entry with a matching wording wins, so more specific conditions come first (a DNS
//! lookup that timed out before a connection that timed out).
//!
//! Only conditions of the environment are here (errnos, HTTP statuses, resources, TLS,
//! DNS, credentials): two `NullPointerException`s in unrelated code are not one failure, so
//! programming errors are left to the error type, the message and the stack frames. States
//! that many causes share (`CrashLoopBackOff`, `ErrImagePull`, an unschedulable pod) are
//! not conditions either: their messages say which cause it was.

/// One condition: its name as notes show it, and its wordings.
pub struct Condition {
    /// The name shown in reasons, e.g. "connection refused".
    pub name: &'static str,
    wordings: &'static [&'static [&'static str]],
}

macro_rules! conditions {
    ($($name:literal => [$([$($phrase:literal),+]),+ $(,)?]),+ $(,)?) => {
        &[$(Condition { name: $name, wordings: &[$(&[$($phrase),+]),+] }),+]
    };
}

/// Every condition, most specific first.
#[rustfmt::skip]
pub const CONDITIONS: &[Condition] = conditions![
    "DNS lookup timed out" => [["lookup", "i/o timeout"], ["dns", "timed out"], ["resolution", "timed out"]],
    "temporary DNS failure" => [["temporary failure in name resolution"], ["eai_again"], ["server misbehaving"],
        ["name resolution", "try again"]],
    "unknown host (NXDOMAIN)" => [["no such host"], ["name or service not known"], ["enotfound"], ["nxdomain"],
        ["could not resolve host"], ["nodename nor servname provided"], ["unknownhostexception"],
        ["name does not resolve"], ["no address associated with hostname"], ["getaddrinfo failed"],
        ["name_not_resolved"], ["unable to resolve host"], ["no such host is known"]],
    "TLS certificate expired" => [["certificate has expired"], ["certificate expired"], ["cert_has_expired"],
        ["certificateexpiredexception"], ["certificate is expired"], ["expired certificate"],
        ["certificate", "notafter"], ["x509", "expired"]],
    "TLS certificate for another host name" => [["certificate is valid for"], ["certificate is not valid for"],
        ["hostname mismatch"], ["err_tls_cert_altname_invalid"], ["does not match certificate"],
        ["doesn't match", "certificate"], ["no subject alternative"], ["subject alternative", "match"],
        ["certificate", "not valid for"]],
    "TLS certificate not trusted" => [["unknown authority"], ["unable to get local issuer certificate"],
        ["self signed certificate"], ["self-signed certificate"], ["unable to find valid certification path"],
        ["unable_to_verify_leaf_signature"], ["pkix path building failed"], ["untrusted root"],
        ["not trusted by the trust provider"], ["unable to verify the first certificate"]],
    "out of disk space" => [["no space left on device"], ["enospc"], ["os error 28"], ["errno 28"],
        ["not enough space on the disk"], ["disk full"], ["disk is full"], ["diskpressure"]],
    "killed by the kernel for memory (OOM killer)" => [["oomkilled"], ["oom-kill"], ["oom killer"],
        ["oom-killer"], ["killed process", "total-vm"], ["exit code 137"], ["memory cgroup out of memory"]],
    "JVM metaspace exhausted" => [["metaspace"]],
    "heap exhausted" => [["java heap space"], ["heap out of memory"], ["gc overhead limit exceeded"],
        ["outofmemoryerror", "heap"]],
    "out of memory" => [["out of memory"], ["outofmemoryerror"], ["cannot allocate memory"], ["enomem"],
        ["memoryerror"], ["memory allocation of", "failed"], ["outofmemoryexception"]],
    "too many open files" => [["too many open files"], ["emfile"], ["os error 24"], ["errno 24"]],
    "deadlock" => [["deadlock"]],
    "lock wait timeout" => [["lock wait timeout"], ["lock timeout"], ["could not obtain lock"],
        ["lock request time out"], ["lock_not_available"]],
    "too many database connections" => [["too many connections"], ["too many clients"],
        ["remaining connection slots are reserved"], ["connection slots"], ["max_connections"],
        ["maximum number of connections"]],
    "connection pool exhausted" => [["pool exhausted"], ["queuepool limit"], ["waiting for connection from pool"],
        ["connection is not available, request timed out"], ["could not get a resource from the pool"],
        ["unable to acquire", "connection"], ["timed out fetching a new connection"], ["pool", "timed out", "connection"],
        ["timeout acquiring", "connection"], ["max client connections reached"]],
    "connection refused" => [["connection refused"], ["econnrefused"], ["actively refused"], ["os error 111"],
        ["errno 111"], ["error 111"], ["wsaeconnrefused"], ["error 10061"], ["connectexception", "refused"]],
    "connection reset" => [["connection reset"], ["econnreset"], ["reset by peer"], ["os error 104"], ["errno 104"],
        ["wsaeconnreset"], ["forcibly closed by the remote host"], ["error 10054"]],
    "broken pipe" => [["broken pipe"], ["epipe"], ["os error 32"], ["errno 32"]],
    "host unreachable" => [["no route to host"], ["ehostunreach"], ["host is unreachable"], ["host unreachable"]],
    "network unreachable" => [["network is unreachable"], ["enetunreach"]],
    "address already in use" => [["address already in use"], ["eaddrinuse"], ["os error 98"], ["errno 98"],
        ["only one usage of each socket address"]],
    "permission denied" => [["permission denied"], ["eacces"], ["os error 13"], ["errno 13"], ["access is denied"]],
    "gRPC deadline exceeded" => [["deadline exceeded"], ["deadline_exceeded"]],
    "read timed out" => [["read timed out"], ["read timeout"], ["read tcp", "i/o timeout"], ["esockettimedout"],
        ["timeout awaiting", "response"]],
    "connection timed out" => [["connect timed out"], ["connection timed out"], ["connect timeout"],
        ["connection timeout"], ["etimedout"], ["os error 110"], ["errno 110"], ["dial tcp", "i/o timeout"],
        ["connecttimeoutexception"], ["error 10060"], ["did not properly respond after a period of time"]],
    "HTTP 429 too many requests" => [["too many requests"], ["http", "429"], ["status", "429"], ["rate exceeded"],
        ["throttlingexception"], ["requestlimitexceeded"], ["rate limit exceeded"], ["slowdown"],
        ["toomanyrequests"]],
    "HTTP 502 bad gateway" => [["bad gateway"], ["http", "502"], ["status", "502"]],
    "HTTP 503 service unavailable" => [["service unavailable"], ["http", "503"], ["status", "503"],
        ["serviceunavailable"]],
    "HTTP 504 gateway timeout" => [["gateway timeout"], ["gateway time-out"], ["http", "504"], ["status", "504"],
        ["upstream request timeout"]],
    "expired credentials" => [["expiredtoken"], ["expired_token"], ["security token included in the request is expired"],
        ["credentials have expired"], ["token has expired"], ["token is expired"], ["expiredtokenexception"]],
];

/// The condition `text` names, if any.
pub fn condition_of(text: &str) -> Option<&'static Condition> {
    let lower = text.to_lowercase();
    // Every phrase found in one pass over the message, not one search per phrase: this
    // runs for every line of every error of every incident `check` reads.
    let found: Vec<&str> = PHRASES
        .find_overlapping_iter(&lower)
        .filter(|m| super::whole_words(&lower, m.start(), m.end(), false))
        .map(|m| &lower[m.start()..m.end()])
        .collect();
    CONDITIONS.iter().find(|condition| {
        condition
            .wordings
            .iter()
            .any(|phrases| phrases.iter().all(|p| found.contains(p)))
    })
}

/// Every phrase of every condition, in one automaton.
static PHRASES: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    let phrases = CONDITIONS
        .iter()
        .flat_map(|c| c.wordings.iter().flat_map(|w| w.iter()));
    aho_corasick::AhoCorasick::new(phrases).expect("the phrases are a fixed, small table")
});

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Option<&'static str> {
        condition_of(text).map(|c| c.name)
    }

    #[test]
    fn one_condition_however_worded() {
        for text in [
            "Error 111 connecting to 10.0.0.7:6379. Connection refused.",
            "connect ECONNREFUSED 10.0.0.1:5432",
            "No connection could be made because the target machine actively refused it",
            "dial tcp 10.0.0.1:5432: connect: connection refused",
            "Connection refused (os error 111)",
        ] {
            assert_eq!(name(text), Some("connection refused"), "{text}");
        }
        assert_eq!(
            name("dial tcp: lookup db on 10.96.0.10:53: read udp: i/o timeout"),
            Some("DNS lookup timed out"),
            "the more specific condition wins"
        );
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert_eq!(name("error 1110 in batch"), None);
        assert_eq!(name("port 50429 closed"), None);
        assert_eq!(
            name("HTTP 429 from upstream"),
            Some("HTTP 429 too many requests")
        );
    }
}
