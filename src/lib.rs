//! engage: a static site generator and git-driven portfolio checks for
//! university civic-engagement programmes.
pub mod diagnostic;
pub mod lang;
pub mod yaml;
pub mod config;
pub mod slug;
pub mod typography;
pub mod markdown;
pub mod page;
