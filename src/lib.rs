//! `postmortem` turns a folder of structured incident files (YAML) into Markdown reports
//! and a searchable static site.
//!
//! The work is one pipeline, and each stage is a module:
//!
//! 1. [`workspace`] finds the root folder and reads `postmortem.toml`;
//! 2. [`load`] reads every incident file and validates it, collecting [`diagnostic`]s;
//! 3. [`render`] turns incidents into HTML pages and Markdown reports, in memory;
//! 4. [`site`] lays out the pages and writes them to disk, atomically;
//! 5. [`search`] indexes every incident for the site's full-text search, in the same write.
//!
//! [`build`] runs the stages in order; the command line only wires arguments to it.
//! [`serve`] keeps the stages' results in memory to rebuild only what a change affects,
//! for the live preview.
//!
//! [`model`] defines the incident format that all stages share; [`knowledge`] derives what
//! the incidents say together (error patterns, related incidents, action items, trends).

pub mod diagnostic;
pub mod knowledge;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod workspace;
