//! Who may talk to the preview server: the `Host` and `Origin` checks.
//!
//! A server on 127.0.0.1 is not private to this computer's user: any web page open in a
//! browser can point a name it controls at 127.0.0.1 (DNS rebinding) and then read the
//! server as if it were its own site, the whole incident history included. The browser
//! still sends the attacker's name in `Host`, so every request is refused unless its
//! `Host` is `localhost`, a loopback address, the address the server listens on, or a
//! name the user allowed (`--allowed-host`, `allowed_hosts`). IP addresses cannot be
//! rebound, so with `--bind 0.0.0.0` any address of this computer is accepted.
//!
//! A request that says it comes from a page (`Origin`) must come from a page of this very
//! server; the server sends no CORS headers, so other pages could not read the answers
//! anyway, but they are not even given them.

use std::net::IpAddr;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The names and addresses the server answers to.
#[derive(Debug, Clone)]
pub struct Access {
    bound: IpAddr,
    /// Lower case, no trailing dot; a leading dot allows the name and every name under it.
    names: Vec<String>,
}

/// Why a request was refused: the text of the 403 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl Access {
    /// Answers requests for `localhost`, loopback addresses, `bound` and `names`.
    pub fn new(bound: IpAddr, names: impl IntoIterator<Item = String>) -> Self {
        let names = names
            .into_iter()
            .filter_map(|name| normalise_allowed(&name))
            .collect();
        Self { bound, names }
    }

    /// Whether a host name or address (no port, no brackets) is one of this server's.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = normalise_name(host);
        if let Ok(ip) = host.parse::<IpAddr>() {
            let ip = ip.to_canonical();
            return ip.is_loopback()
                || ip == self.bound.to_canonical()
                || self.bound.is_unspecified()
                || self.names.contains(&ip.to_string());
        }
        host == "localhost"
            || self
                .names
                .iter()
                .any(|allowed| match allowed.strip_prefix('.') {
                    Some(domain) => {
                        host == domain
                            || host
                                .strip_suffix(domain)
                                .is_some_and(|sub| sub.ends_with('.'))
                    }
                    None => host == *allowed,
                })
    }

    /// Checks the `Host` (and an absolute request target) and `Origin` of a request.
    pub fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), Refusal> {
        let Some(host) = headers.get(header::HOST) else {
            return Err(Refusal(
                "This request has no Host header; the postmortem preview server only answers \
                 requests that name it.\n"
                    .into(),
            ));
        };
        let host = host.to_str().unwrap_or_default();
        self.check_authority(host)?;
        if let Some(authority) = uri.authority() {
            self.check_authority(authority.as_str())?;
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or_default();
        let same = ["http://", "https://"]
            .iter()
            .filter_map(|scheme| origin.strip_prefix(scheme))
            .any(|authority| authority.eq_ignore_ascii_case(host));
        if same {
            return Ok(());
        }
        Err(Refusal(format!(
            "The postmortem preview server does not answer other sites' pages.\n\
             This request came from a page of {}, not of http://{}.\n\
             The preview sends no CORS headers, so pages of other sites cannot use it.\n",
            shown(origin),
            shown(host),
        )))
    }

    fn check_authority(&self, authority: &str) -> Result<(), Refusal> {
        match host_of(authority) {
            Some(host) if self.allows_host(host) => Ok(()),
            found => {
                let name = found.map(normalise_name).unwrap_or_default();
                let hint =
                    if found.is_some_and(|h| h.parse::<IpAddr>().is_err()) && !name.is_empty() {
                        format!(
                            "To allow it (for instance to share the preview on your network with \
                         --bind), restart with\n\n    postmortem serve --allowed-host {}\n\n\
                         or add it to allowed_hosts in postmortem.toml.\n",
                            shown(&name)
                        )
                    } else {
                        "To serve on another address, restart with --bind ADDRESS.\n".to_owned()
                    };
                Err(Refusal(format!(
                    "The postmortem preview server refused this request for host \"{}\".\n\
                     It only answers requests for localhost, loopback addresses (127.0.0.1, \
                     [::1]) and the address it listens on ({}), so that other web pages cannot \
                     read your incidents through a name of their own (DNS rebinding).\n{hint}",
                    shown(authority),
                    self.bound,
                )))
            }
        }
    }
}

/// Refuses, with 403 and a plain text saying how to allow it, what [`Access`] refuses.
pub(super) async fn guard(
    State(access): State<Arc<Access>>,
    request: Request,
    next: Next,
) -> Response {
    match access.check(request.uri(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(Refusal(text)) => {
            let mut response = (StatusCode::FORBIDDEN, text).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            super::no_store(response.headers_mut());
            response
        }
    }
}

/// The host part of `host[:port]`, `[v6]` or `[v6]:port`; `None` when malformed.
pub(super) fn host_of(authority: &str) -> Option<&str> {
    let port_ok = |port: &str| port.is_empty() || port.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => "",
            after => after.strip_prefix(':')?,
        };
        return (port_ok(port) && inside.parse::<std::net::Ipv6Addr>().is_ok()).then_some(inside);
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port_ok(port) => host,
        Some(_) => return None,
        None => authority,
    };
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    valid.then_some(host)
}

fn normalise_name(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// An `--allowed-host` value as compared: a port or brackets the user typed are dropped.
fn normalise_allowed(name: &str) -> Option<String> {
    let name = name.trim();
    let (dot, rest) = match name.strip_prefix('.') {
        Some(rest) => (".", rest),
        None => ("", name),
    };
    let host = host_of(rest)?;
    Some(format!("{dot}{}", normalise_name(host)))
}

/// Checks an `--allowed-host` value: a name or address, optionally `.name` for every name
/// under it.
pub fn parse_allowed_host(value: &str) -> Result<String, String> {
    normalise_allowed(value).ok_or_else(|| {
        format!(
            "\"{value}\" is not a host name; give a name such as preview.lan, an address such \
             as 192.168.1.20, or .lan for every name under lan"
        )
    })
}

/// A header value as it may appear in an answer: printable ASCII, at most 100 characters.
fn shown(value: &str) -> String {
    value
        .chars()
        .take(100)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}
