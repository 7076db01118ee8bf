//! The core every other layer builds on; it imports nothing above it.

pub mod diagnostic;
pub mod git;
pub mod html;
pub mod lang;
pub mod layout;
pub mod source;
pub mod trace;
pub mod url;
pub mod values;
pub mod yaml;
