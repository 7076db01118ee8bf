//! Thin command handlers: call the library, print, choose the exit code.
pub mod build;
pub mod check;
pub mod new;
pub mod schema;
pub mod translations;

use std::io::IsTerminal;

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

/// Standard error with colours only on a terminal, and never with NO_COLOR.
pub fn stderr() -> StandardStream {
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    StandardStream::stderr(if color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    })
}
