//! An FAQ page: the input is the Markdown body of a page whose front matter
//! says `template: faq`; its outline, its checks and its view (the answers
//! rendered from slices of the body, and the FAQPage JSON-LD).

#![no_main]

use std::path::{Path, PathBuf};

use engage::core::lang::Lang;
use engage::site::faq;
use engage::site::page::{self, PageKind};
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const FILE: &str = "content/faq.fr.md";

fuzz_target!(|data: &[u8]| {
    let Some(body) = common::text(data) else {
        return;
    };
    // A fixed front matter: the page target covers front matters, this one
    // spends its time on the body's structure.
    let text = format!("---\ntitle: FAQ\ntemplate: faq\n---\n{body}");
    let (page, ds) = page::parse(
        PathBuf::from(FILE),
        "faq".into(),
        Lang::Fr,
        PageKind::Page,
        text.as_str().into(),
    );
    let Some(page) = page else {
        return;
    };
    assert!(faq::is_faq(&page));
    let outline = faq::outline(&page);
    let checks = faq::check(&page, &outline);
    common::show(Path::new(FILE), &text, ds.iter().chain(&checks));
    let resolve = |dest: &str| dest.strip_prefix("@/").map(|p| format!("/fr/{p}/"));
    let _ = faq::view(&page, &outline, &resolve);
});
