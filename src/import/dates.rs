//! Dates in the ways write-ups state them: ISO, `December 5, 2025`, `5 Dec 2025`,
//! `12 Temmuz 2025` (English, Turkish, German, French and Spanish month names), `12.07.2025`.
//! `07/12/2025` is left alone: which of the two is the month is not stated.

use crate::model::IncidentDate;

const MONTHS: &[&[&str]] = &[
    &["january", "jan", "ocak", "januar", "janvier", "enero"],
    &[
        "february", "feb", "subat", "şubat", "februar", "février", "febrero",
    ],
    &["march", "mar", "mart", "märz", "maerz", "mars", "marzo"],
    &["april", "apr", "nisan", "avril", "abril"],
    &["may", "mayis", "mayıs", "mai", "mayo"],
    &["june", "jun", "haziran", "juni", "juin", "junio"],
    &["july", "jul", "temmuz", "juli", "juillet", "julio"],
    &["august", "aug", "agustos", "ağustos", "août", "agosto"],
    &[
        "september",
        "sep",
        "sept",
        "eylul",
        "eylül",
        "septembre",
        "septiembre",
    ],
    &["october", "oct", "ekim", "oktober", "octobre", "octubre"],
    &["november", "nov", "kasim", "kasım", "novembre", "noviembre"],
    &[
        "december",
        "dec",
        "aralik",
        "aralık",
        "dezember",
        "décembre",
        "diciembre",
    ],
];

/// The date `text` states, as the model reads it: the text itself when the model accepts
/// it (`2025-07-12 09:30 UTC`), else `YYYY-MM-DD` from an ISO date anywhere in it,
/// `December 5, 2025`, `5 Dec 2025`, `12 Temmuz 2025` or `12.07.2025`.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    if IncidentDate::parse(text).is_ok() {
        return Some(text.to_owned());
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    for word in &words {
        if let Some(iso) = word.get(..10).filter(|w| valid(w)) {
            return Some(iso.to_owned());
        }
        let parts: Vec<&str> = word.split('.').collect();
        if let [d, m, y] = parts[..]
            && y.len() == 4
            && let Some(iso) = ymd(y, m, d)
        {
            return Some(iso);
        }
    }
    let month = |w: &str| {
        let w = w.to_lowercase();
        MONTHS.iter().position(|names| names.contains(&w.as_str()))
    };
    for (i, word) in words.iter().enumerate() {
        let Some(m) = month(word) else { continue };
        let number = |j: usize| {
            words
                .get(j)
                .filter(|w| w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit()))
        };
        let year = |j: usize| {
            words
                .get(j)
                .filter(|w| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))
        };
        let found = match (i.checked_sub(1).and_then(number), number(i + 1)) {
            (Some(d), _) => year(i + 1).map(|y| (*d, *y)),
            (None, Some(d)) => year(i + 2).map(|y| (*d, *y)),
            _ => None,
        };
        if let Some((d, y)) = found
            && let Some(iso) = ymd(y, &(m + 1).to_string(), d)
        {
            return Some(iso);
        }
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<String> {
    let iso = format!("{y}-{:0>2}-{:0>2}", m, d);
    valid(&iso).then_some(iso)
}

fn valid(iso: &str) -> bool {
    iso.len() == 10 && iso.parse::<jiff::civil::Date>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_ways_people_write_them() {
        for (text, iso) in [
            ("2025-07-12", "2025-07-12"),
            ("2025-07-12 09:30 UTC", "2025-07-12 09:30 UTC"),
            ("December 5, 2025", "2025-12-05"),
            ("5 Dec 2025", "2025-12-05"),
            ("12 Temmuz 2025", "2025-07-12"),
            ("Redis Configuration Fix - October 9, 2025", "2025-10-09"),
            ("12.07.2025", "2025-07-12"),
            ("Tuesday, 2025-03-04 (approx.)", "2025-03-04"),
        ] {
            assert_eq!(date(text).as_deref(), Some(iso), "{text}");
        }
        for text in ["soon", "May 2025", "31 February 2025", "07/12/2025"] {
            assert_eq!(date(text), None, "{text}");
        }
    }
}
