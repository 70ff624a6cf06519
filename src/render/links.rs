//! What a link is called when only its address is known: an action item's `link` names the
//! pull request, issue or ticket it points at, not "ticket" whatever it is.

/// A short name for `url`: `PR #42`, `issue #7`, `MR !12`, a ticket key such as `OPS-17`,
/// else the host (`status.example.com`), else the address itself.
pub fn label(url: &str) -> String {
    let url = url.trim();
    let Some((_, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let number = |i: usize| {
        parts
            .get(i)
            .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
    };
    // GitHub: owner/repo/pull/N, owner/repo/issues/N.
    if let (Some(kind), Some(n)) = (parts.get(2), number(3)) {
        match *kind {
            "pull" => return format!("PR #{n}"),
            "issues" => return format!("issue #{n}"),
            _ => {}
        }
    }
    // GitLab: group/project/-/merge_requests/N, .../-/issues/N.
    if let Some(dash) = parts.iter().position(|p| *p == "-")
        && let (Some(kind), Some(n)) = (parts.get(dash + 1), number(dash + 2))
    {
        match *kind {
            "merge_requests" => return format!("MR !{n}"),
            "issues" => return format!("issue #{n}"),
            _ => {}
        }
    }
    // A ticket key as the last segment: Jira's /browse/OPS-17, Linear's /issue/ENG-12/...
    if let Some(key) = parts.iter().find(|p| is_ticket_key(p)) {
        return (*key).to_owned();
    }
    host.trim_start_matches("www.").to_owned()
}

/// `OPS-17`: capital letters (and digits), a dash, a number.
fn is_ticket_key(text: &str) -> bool {
    let Some((project, number)) = text.split_once('-') else {
        return false;
    };
    project.starts_with(|c: char| c.is_ascii_uppercase())
        && project
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn links_are_named_by_what_they_point_at() {
        assert_eq!(label("https://github.com/acme/api/pull/42"), "PR #42");
        assert_eq!(label("https://github.com/acme/api/issues/7#c"), "issue #7");
        assert_eq!(
            label("https://gitlab.com/acme/api/-/merge_requests/12"),
            "MR !12"
        );
        assert_eq!(
            label("https://gitlab.example.com/g/p/-/issues/3"),
            "issue #3"
        );
        assert_eq!(label("https://acme.atlassian.net/browse/OPS-17"), "OPS-17");
        assert_eq!(
            label("https://linear.app/acme/issue/ENG-12/fix-it"),
            "ENG-12"
        );
        assert_eq!(
            label("https://www.status.example.com/x"),
            "status.example.com"
        );
        assert_eq!(label("../docs/runbook.md"), "../docs/runbook.md");
    }
}
