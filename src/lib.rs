//! engage: a static site generator and git-driven portfolio checks for
//! university civic-engagement programmes.
//!
//! Data flows one way: files are loaded into a typed model that keeps source
//! positions, validated into [`core::diagnostic::Diagnostic`]s, rendered or
//! checked by pure functions and written atomically. The folders are layers,
//! each importing only those listed before it (see ARCHITECTURE.md):
//!
//! - [`core`]: diagnostics, languages, YAML, shared value types, the
//!   repository layout, where files are read from, git reads;
//! - [`calendar`]: the workshop calendar and its iCalendar feeds;
//! - [`records`]: programmes and their rules, students' records, their
//!   evaluation;
//! - [`site`]: the public website: pages, Markdown, FAQ, theme, rendering,
//!   output;
//! - [`report`]: the staff dashboard, attestations and Open Badges
//!   credentials;
//! - [`review`]: the review of a pull request;
//! - [`formats`]: how findings are presented (human, JSON, GitHub);
//! - [`serve`]: the live preview (`engage serve`);
//! - [`cmd`]: the command line.

pub mod calendar;
pub mod cmd;
pub mod core;
pub mod formats;
pub mod records;
pub mod report;
pub mod review;
pub mod serve;
pub mod site;
pub mod workspace;
