//! Error fingerprints: one pattern for every incident of the same kind.
//!
//! Two write-ups of the same failure rarely quote the same error: the keyword argument, the
//! host, the port, the time and the request id differ. A fingerprint keeps the words that
//! name the failure and replaces what varies with a placeholder, so
//! `got an unexpected keyword argument 'CLIENT_CLASS'` and
//! `got an unexpected keyword argument 'connection_pool_kwargs'` give the same pattern,
//! `TypeError: AbstractConnection.__init__() got an unexpected keyword argument <name>`.
//!
//! # Rules, in order
//!
//! 1. The error type (`TypeError`, `HTTP 504`, `ERR_CONNECTION_TIMED_OUT`) is kept as
//!    written: it names the kind of failure. A message that starts by repeating the type does
//!    not repeat it in the pattern.
//! 2. Only the first non-empty line of the message counts; the lines after it are details,
//!    hints and causes, which vary.
//! 3. Quoted text becomes `<name>`: `'…'`, `"…"`, `‘…’`, `“…”`. A quote opens after a space or
//!    punctuation and closes before one, so the apostrophe of `can't` opens nothing; a
//!    backslash escapes. Backticks are not quotes: messages use them for code
//!    (`` `Option::unwrap()` ``), which identifies the error.
//! 4. Each word (split at whitespace, with brackets and trailing punctuation set aside) that
//!    is one of these as a whole becomes its placeholder:
//!    - a URL (`https://…`, `postgres://…`) → `<url>`;
//!    - an e-mail address → `<email>`;
//!    - a file path (`/etc/x`, `./x`, `~/x`, `C:\x`, `dir/file.ext`, a source file with a
//!      line like `consume.go:57`) → `<path>`;
//!    - a UUID → `<uuid>`;
//!    - a date or time (`2025-08-19`, `04:00:41`, `2025-08-19T04:00:41Z`) → `<time>`;
//!    - an IP address or host name, with or without a port (`10.0.0.5:6379`, `[::1]:80`,
//!      `localhost`, `db:5432`, `payments.svc.cluster.local`) → `<host>`; a dotted name
//!      without a port is a host only when it is lowercase and ends in a common public or
//!      internal domain, so `os.path` and `OrderEvent.amount` stay;
//!    - a hex id (`0x7ff3a1`, or seven or more hex digits mixing digits and letters, like a
//!      commit or container id) → `<hex>`.
//! 5. A number becomes `<num>`: digits with decimals or thousands separators and a unit of up
//!    to three letters (`42`, `5.001s`, `200ms`, `1,024`, `95%`). Digits glued to a word are
//!    part of a name and stay (`x509`, `int64`, `utf-8`, `v1.2`, `HTTP/2`).
//! 6. Runs of whitespace become one space; trailing dots go.
//!
//! An explicit `error.pattern` in the incident file wins over all of this and is used as
//! written.

use std::net::{IpAddr, SocketAddr};

use crate::model::ErrorDetails;

/// The pattern of an incident's error: its explicit `error.pattern`, else its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern text.
    pub text: String,
    /// Whether the incident file named it (`error.pattern`).
    pub explicit: bool,
}

/// `TypeError: message`, or the message alone.
pub fn error_line(error: &ErrorDetails) -> String {
    match &error.kind {
        // The same rule as the error pattern's, so the two never disagree.
        Some(kind) if after_type(&error.message, kind.trim()).is_none() => {
            format!("{kind}: {}", error.message)
        }
        _ => error.message.to_string(),
    }
}

/// The pattern of `error`.
pub fn pattern_of(error: &ErrorDetails) -> Pattern {
    match error.pattern.as_deref().map(collapse_whitespace) {
        Some(text) if !text.is_empty() => Pattern {
            text,
            explicit: true,
        },
        _ => Pattern {
            text: fingerprint(error.kind.as_deref(), &error.message),
            explicit: false,
        },
    }
}

/// The fingerprint of an error type and message (see the module documentation).
pub fn fingerprint(kind: Option<&str>, message: &str) -> String {
    let first_line = message
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("");
    let kind = kind.map(collapse_whitespace).filter(|k| !k.is_empty());
    let Some(kind) = kind else {
        return normalise(first_line);
    };
    match after_type(first_line, &kind) {
        // The message repeats the type: keep what follows it, with its separator.
        Some(rest) => {
            let rest = normalise(rest);
            match rest.chars().next() {
                None => kind,
                Some(':') => format!("{kind}{rest}"),
                Some(_) => format!("{kind} {rest}"),
            }
        }
        None => format!("{kind}: {}", normalise(first_line)),
    }
}

/// What follows the error type when `message` starts by repeating it (`TypeError: x`
/// after type `TypeError`); `None` when it does not (`TimeoutError: x` after `Timeout`).
pub fn after_type<'a>(message: &'a str, kind: &str) -> Option<&'a str> {
    message
        .strip_prefix(kind)
        .filter(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// Rules 3 to 6 on one line.
fn normalise(line: &str) -> String {
    let unquoted = replace_quoted(line);
    let words: Vec<String> = unquoted.split_whitespace().map(normalise_word).collect();
    let numbered = replace_numbers(&words.join(" "));
    numbered.trim_end_matches('.').trim().to_owned()
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Rule 3: quoted text becomes `<name>`.
fn replace_quoted(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let boundary = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_none_or(|c| !c.is_alphanumeric())
    };
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let close = match chars[i] {
            '\'' => Some('\''),
            '"' => Some('"'),
            '‘' => Some('’'),
            '“' => Some('”'),
            _ => None,
        };
        let opens = close.filter(|_| boundary(i.checked_sub(1)));
        if let Some(close) = opens
            && let Some(end) = closing_quote(&chars, i + 1, close, &boundary)
        {
            out.push_str("<name>");
            i = end + 1;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Index of the quote that closes one opened before `start`: `close` followed by a boundary.
fn closing_quote(
    chars: &[char],
    start: usize,
    close: char,
    boundary: &dyn Fn(Option<usize>) -> bool,
) -> Option<usize> {
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            c if c == close && boundary(Some(i + 1)) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Rule 4: a word that is a URL, path, host, ... becomes its placeholder.
fn normalise_word(word: &str) -> String {
    let start = word
        .find(|c: char| !"([{<\"'".contains(c))
        .unwrap_or(word.len());
    let end = word
        .rfind(|c: char| !")]}>\"',;:.!?".contains(c))
        .map_or(start, |i| {
            i + word[i..].chars().next().map_or(1, char::len_utf8)
        });
    if start >= end {
        return word.to_owned();
    }
    // `[::1]:80` keeps its opening bracket; `(https://…)` does not.
    for start in [0, start] {
        if let Some(placeholder) = placeholder(&word[start..end]) {
            return format!("{}{placeholder}{}", &word[..start], &word[end..]);
        }
    }
    word.to_owned()
}

fn placeholder(core: &str) -> Option<&'static str> {
    if is_url(core) {
        Some("<url>")
    } else if is_email(core) {
        Some("<email>")
    } else if is_path(core) {
        Some("<path>")
    } else if is_uuid(core) {
        Some("<uuid>")
    } else if is_time(core) {
        Some("<time>")
    } else if is_host(core) {
        Some("<host>")
    } else if is_hex_id(core) {
        Some("<hex>")
    } else {
        None
    }
}

fn is_url(word: &str) -> bool {
    word.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

fn is_email(word: &str) -> bool {
    word.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty()
            && user
                .chars()
                .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
            && is_dotted_name(domain)
    })
}

/// Extensions of source files, which show up as `file.ext:line` in messages.
const SOURCE_EXTENSIONS: &[&str] = &[
    "c", "cc", "cpp", "cs", "ex", "exs", "go", "h", "hpp", "java", "js", "jsx", "kt", "mjs", "php",
    "py", "rb", "rs", "scala", "swift", "ts", "tsx",
];

fn is_path(word: &str) -> bool {
    let rooted = ["/", "./", "../", "~/"].iter().any(|p| word.starts_with(p)) && word.len() > 1;
    let mut chars = word.chars();
    let windows = matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(drive), Some(':'), Some('\\')) if drive.is_ascii_alphabetic()
    );
    // `dir/file.py:12:5` and `file.go:57`: the file part without line and column.
    let file = word.trim_end_matches(|c: char| c.is_ascii_digit() || c == ':');
    let has_line = file.len() < word.len() && word[file.len()..].starts_with(':');
    let extension = file.rsplit_once('.').filter(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphabetic())
    });
    let nested_file = file.contains(['/', '\\']) && extension.is_some();
    let source_line = has_line
        && extension
            .is_some_and(|(_, ext)| SOURCE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()));
    rooted || windows || nested_file || source_line
}

fn is_uuid(word: &str) -> bool {
    let groups: Vec<&str> = word.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn is_time(word: &str) -> bool {
    use jiff::civil::{Date, DateTime, Time};
    word.starts_with(|c: char| c.is_ascii_digit())
        && word.contains([':', '-'])
        && (word.parse::<jiff::Timestamp>().is_ok()
            || word.parse::<DateTime>().is_ok()
            || word.parse::<Date>().is_ok()
            || word.parse::<Time>().is_ok())
}

/// Domains that end host names in error messages: common public top-level domains and the
/// usual internal ones.
#[rustfmt::skip]
const HOST_SUFFIXES: &[&str] = &[
    "com", "net", "org", "io", "dev", "app", "cloud", "ai", "co", "me", "info", "biz", "us",
    "uk", "de", "eu", "fr", "nl", "local", "localdomain", "internal", "lan", "corp", "intra",
    "home", "arpa", "test", "example", "invalid",
];

fn is_host(word: &str) -> bool {
    if word.parse::<SocketAddr>().is_ok() {
        return true;
    }
    if word.parse::<IpAddr>().is_ok() {
        // `::` and hex-only Rust paths parse as IPv6 too; addresses have a digit.
        return word.contains(|c: char| c.is_ascii_digit());
    }
    if word == "localhost" {
        return true;
    }
    if let Some((host, port)) = word.rsplit_once(':')
        && !port.is_empty()
        && port.len() <= 5
        && port.chars().all(|c| c.is_ascii_digit())
    {
        return host == "localhost" || is_label(host) || is_dotted_name(host);
    }
    is_dotted_name(word)
        && !word.chars().any(|c| c.is_ascii_uppercase())
        && word
            .rsplit('.')
            .next()
            .is_some_and(|tld| HOST_SUFFIXES.contains(&tld))
}

/// `db`, `redis-primary`: a single host name label with at least one letter.
fn is_label(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && !text.starts_with('-')
}

/// `a.b.c` made of host name labels, ending in letters.
fn is_dotted_name(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| is_label(l) || l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty())
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

fn is_hex_id(word: &str) -> bool {
    if let Some(digits) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        return !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit());
    }
    let lower = word
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    let upper = word
        .chars()
        .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c));
    word.len() >= 7
        && (lower || upper)
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic())
}

/// Rule 5: numbers that are not part of a name become `<num>`.
fn replace_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let glued = |c: char| c.is_alphanumeric() || "_.-/".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit() && (i == 0 || !glued(chars[i - 1]));
        if !starts_number {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() && chars[end].is_ascii_digit() {
            end += 1;
        }
        // Decimals and thousands separators: `5.001`, `1,024`.
        while end + 1 < chars.len()
            && matches!(chars[end], '.' | ',')
            && chars[end + 1].is_ascii_digit()
        {
            end += 1;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
            }
        }
        // A unit: `s`, `ms`, `GiB`, `%`.
        let mut unit_end = end;
        while unit_end < chars.len() && (chars[unit_end].is_alphabetic() || chars[unit_end] == '%')
        {
            unit_end += 1;
        }
        let unit_fits = unit_end - end <= 3;
        let ends_clean = chars
            .get(unit_end)
            .is_none_or(|&c| !(c.is_alphanumeric() || c == '_'));
        if unit_fits && ends_clean {
            out.push_str("<num>");
            i = unit_end;
        } else {
            // Part of a name such as `2fa_token`: keep the whole name.
            let mut name_end = unit_end;
            while name_end < chars.len()
                && (chars[name_end].is_alphanumeric() || chars[name_end] == '_')
            {
                name_end += 1;
            }
            out.extend(&chars[i..name_end]);
            i = name_end;
        }
    }
    out
}

#[cfg(test)]
mod tests;
