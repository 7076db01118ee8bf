//! What every target shares: the input as text, and the human rendering of
//! the diagnostics a parser returns (their positions index into the text, so
//! a wrong line or column shows up here as a panic, not only in a terminal).

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use codespan_reporting::term::termcolor::NoColor;
use engage::core::diagnostic::{emit_human, Diagnostic, Diagnostics, SourceText};
use engage::core::lang::Lang;

/// The fuzz input as UTF-8: the parsers take text (files are decoded before
/// they reach them), so other bytes test nothing of theirs.
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// One file's text, as `Files` would hand it to the diagnostics printer.
struct One<'a>(&'a Path, Arc<str>);

impl SourceText for One<'_> {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        (path == self.0).then(|| self.1.clone())
    }
}

/// Prints `diagnostics` about `file` whose text is `text` in both languages,
/// into memory, as `engage check` and `engage build` would.
pub fn show<'a>(file: &Path, text: &str, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
    let mut ds: Diagnostics = diagnostics.into_iter().cloned().collect();
    if ds.is_empty() {
        return;
    }
    ds.sort();
    let texts = One(file, Arc::from(text));
    for lang in [Lang::Fr, Lang::En] {
        let mut out = NoColor::new(Vec::new());
        emit_human(&mut out, &texts, &ds, lang).expect("writing to memory cannot fail");
    }
}
