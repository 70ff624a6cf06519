//! Takes the README's screenshots: serves a built site on 127.0.0.1, opens pages in Debian's
//! Chromium at a laptop's and a phone's size, in light and dark, and saves the first screen
//! of each as PNG. Needs `chromium` and `chromium-driver`.
//!
//! ```text
//! postmortem build --out target/shots-site
//! cargo run --example screenshots -- target/shots-site docs/screenshots
//! ```
//!
//! With `--full PATH` it saves one page whole at 1280 px instead (for looking at a layout).

#[path = "../tests/common/browser.rs"]
mod browser;

use std::path::PathBuf;
use std::process::ExitCode;

use browser::{Server, with_browser};

/// `(name, page)`: the pages the README shows.
const PAGES: &[(&str, &str)] = &[
    ("index", ""),
    (
        "incident",
        "incidents/2025-08-19-expired-tls-certificate-takes-down-payments-api/",
    ),
    ("actions", "actions/"),
];

/// `(name, width, height, phone)`.
const SCREENS: &[(&str, u32, u32, bool)] =
    &[("desktop", 1280, 800, false), ("phone", 390, 844, true)];

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(site), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: screenshots SITE OUT_DIR [--full PAGE]");
        return ExitCode::FAILURE;
    };
    let site = PathBuf::from(site);
    let out = PathBuf::from(out);
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let full = match args.get(2).map(String::as_str) {
        Some("--full") => args.get(3).cloned(),
        _ => None,
    };
    let server = Server::start(&site, "/");
    with_browser(move |browser| async move {
        if let Some(page) = full {
            browser.emulate_screen(1280, 800, 1.0, false).await;
            browser.goto(&server.url(&page)).await;
            let height = browser
                .eval("return document.documentElement.scrollHeight", vec![])
                .await
                .as_u64()
                .unwrap_or(800);
            browser
                .emulate_screen(1280, height.min(16_000) as u32, 1.0, false)
                .await;
            let png = browser.client.screenshot().await.expect("screenshot");
            std::fs::write(out.join("full.png"), png).expect("write full.png");
            return;
        }
        for (screen, width, height, phone) in SCREENS {
            browser.emulate_screen(*width, *height, 1.0, *phone).await;
            for dark in [false, true] {
                browser.emulate_dark(dark).await;
                for (name, page) in PAGES {
                    browser.goto(&server.url(page)).await;
                    let png = browser.client.screenshot().await.expect("screenshot");
                    let scheme = if dark { "dark" } else { "light" };
                    let file = out.join(format!("{name}-{screen}-{scheme}.png"));
                    std::fs::write(&file, png).expect("write screenshot");
                    println!("{}", file.display());
                }
            }
        }
    })
    .await;
    ExitCode::SUCCESS
}
