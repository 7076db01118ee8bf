//! engage: a static site generator and git-driven portfolio checks for
//! university civic-engagement programmes.
//!
//! Data flows one way: files are loaded into a typed model that keeps source
//! positions ([`site::Site`]), validated into [`diagnostic::Diagnostic`]s,
//! rendered by pure functions ([`render`]) and written atomically
//! ([`output`]). See ARCHITECTURE.md.

pub mod annotate;
pub mod calendar;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod faq;
pub mod freshness;
pub mod git;
pub mod ical;
pub mod lang;
pub mod link;
pub mod markdown;
pub mod output;
pub mod page;
pub mod portfolio;
pub mod programme;
pub mod render;
pub mod rule;
pub mod scaffold;
pub mod scope;
pub mod search;
pub mod site;
pub mod slug;
pub mod theme;
pub mod typography;
pub mod yaml;
