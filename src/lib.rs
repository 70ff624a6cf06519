//! `postmortem` turns a folder of structured incident files (YAML) into Markdown reports
//! and a searchable static site.
//!
//! The modules are layers, each using only the ones before it in this list (see
//! `ARCHITECTURE.md`, which `tests/architecture.rs` enforces):
//!
//! 1. [`model`]: the incident format, and facts of one incident;
//! 2. [`diagnostic`]: problems in a user's file, located and explained;
//! 3. [`workspace`]: the root folder and `postmortem.toml`;
//! 4. [`load`]: incident files to checked incidents;
//! 5. [`import`]: Markdown write-ups to incident files, every line accounted for;
//! 6. [`knowledge`]: what the incidents say together, as plain data;
//! 7. [`render`]: presentation: templates, Markdown, highlighting, charts, reports;
//! 8. [`site`]: every page, its path, its key, and the sinks outputs go through;
//! 9. [`search`]: the Pagefind index;
//! 10. [`cache`]: rendered outputs kept across builds under the key of their inputs;
//! 11. [`pipeline`]: the build as ordered stages, for `build` and `serve` alike;
//! 12. [`serve`]: the live preview: session state, watcher, server.
//!
//! The command line (`src/cmd`, in the binary) only wires arguments to these.

pub mod cache;
pub mod diagnostic;
pub mod import;
pub mod knowledge;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod workspace;
