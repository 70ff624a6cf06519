//! The README's examples must work: its incident file passes `check`, and its
//! `postmortem.toml` is a valid configuration.

mod common;

use common::{Workspace, stderr};

fn block<'a>(readme: &'a str, fence: &str) -> &'a str {
    let start = readme
        .find(fence)
        .map(|i| i + fence.len())
        .expect("fenced block");
    let end = readme[start..].find("\n```").expect("closing fence") + start;
    &readme[start..end]
}

#[test]
fn readme_examples_are_valid() {
    let readme = include_str!("../README.md");
    let ws = Workspace::new();
    ws.incident(
        "2025-07-12-redis-client-class.yaml",
        block(readme, "```yaml\n"),
    );
    let toml = block(readme, "```toml\n");
    ws.write("postmortem.toml", toml);
    let output = ws.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let build = ws.run(&["build"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let page =
        std::fs::read_to_string(ws.path("site/incidents/2025-07-12-redis-client-class/index.html"))
            .unwrap();
    assert!(
        page.contains("https://acme.github.io/incidents/incidents/2025-07-12-redis-client-class/"),
        "base_url from the README's config"
    );
}
