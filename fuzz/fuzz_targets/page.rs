//! A content file: front matter and Markdown, parsed, scanned and rendered
//! to HTML as the build renders a page's body (src/site/render/mod.rs).

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use engage::core::lang::Lang;
use engage::site::markdown;
use engage::site::page::{self, PageKind};
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const FILE: &str = "content/fuzz.fr.md";

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    // French: its typography (spaces before « : ; ! ? », guillemets) is the
    // code the English rendering skips.
    let (page, ds) = page::parse(
        PathBuf::from(FILE),
        "fuzz".into(),
        Lang::Fr,
        PageKind::Page,
        Arc::from(text),
    );
    common::show(Path::new(FILE), text, &ds);
    let Some(page) = page else {
        return;
    };
    // The build resolves `@/` links to URLs; the others stay as written.
    let resolve = |dest: &str| dest.strip_prefix("@/").map(|p| format!("/fr/{p}/"));
    let html = markdown::render(page.body(), &page.scan.headings, page.lang, &resolve);
    let _ = markdown::html_to_text(&html);
});
