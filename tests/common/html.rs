//! Built pages as a browser reads them: parsed by an HTML parser (scraper)
//! and queried with CSS selectors, so that a test states what a visitor
//! gets — this link with this href and text, this heading with this id —
//! instead of finding a substring somewhere in the markup.
//!
//! Every query that expects one element fails unless exactly one matches,
//! and every failure names the page and shows its `<main>`, so a selector
//! that stops matching after a theme change says so instead of passing.
//! The queries are `#[track_caller]`: a failure points at the test's line.

use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};

/// One parsed HTML page, and where it came from (for failure messages).
pub struct Page {
    html: Html,
    path: PathBuf,
}

impl Page {
    /// Parses the page at `path`; panics if it cannot be read.
    #[track_caller]
    pub fn open(path: impl AsRef<Path>) -> Page {
        let path = path.as_ref().to_path_buf();
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Page {
            html: Html::parse_document(&text),
            path,
        }
    }

    /// Parses the page at `rel` below `root`, like `common::read`.
    #[track_caller]
    pub fn at(root: &Path, rel: &str) -> Page {
        Page::open(root.join(rel))
    }

    /// Every element matching `css`, in document order.
    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.html.select(&selector(css)).collect()
    }

    /// The one element matching `css`; panics if none or several match.
    #[track_caller]
    pub fn select_one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        match found.as_slice() {
            [one] => *one,
            [] => panic!(
                "{}: no element matches `{css}` in\n{}",
                self.path.display(),
                self.context()
            ),
            many => panic!(
                "{}: {} elements match `{css}`, expected one:\n{}",
                self.path.display(),
                many.len(),
                many.iter().map(|e| e.html()).collect::<Vec<_>>().join("\n")
            ),
        }
    }

    /// Panics if any element matches `css`.
    #[track_caller]
    pub fn assert_none(&self, css: &str) {
        let found = self.select(css);
        assert!(
            found.is_empty(),
            "{}: expected no element matching `{css}`, found:\n{}",
            self.path.display(),
            found
                .iter()
                .map(|e| e.html())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// The text of the one element matching `css`, as [`text`] gives it.
    #[track_caller]
    pub fn text(&self, css: &str) -> String {
        text(self.select_one(css))
    }

    /// The text of every element matching `css`, in document order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(text).collect()
    }

    /// Attribute `name` of the one element matching `css`; panics if the
    /// element does not have it.
    #[track_caller]
    pub fn attr(&self, css: &str, name: &str) -> String {
        let el = self.select_one(css);
        match el.attr(name) {
            Some(value) => value.to_string(),
            None => panic!(
                "{}: `{css}` has no attribute `{name}`: {}",
                self.path.display(),
                el.html()
            ),
        }
    }

    /// Attribute `name` of every element matching `css` that has it.
    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.select(css)
            .into_iter()
            .filter_map(|e| e.attr(name).map(str::to_string))
            .collect()
    }

    /// (text, href) of every link matching `css`, in document order.
    #[track_caller]
    pub fn links(&self, css: &str) -> Vec<(String, String)> {
        let mut links = Vec::new();
        for a in self.select(css) {
            let Some(href) = a.attr("href") else {
                panic!("{}: link without href: {}", self.path.display(), a.html());
            };
            links.push((text(a), href.to_string()));
        }
        links
    }

    /// The language the page declares (`<html lang>`).
    #[track_caller]
    pub fn lang(&self) -> String {
        self.attr("html", "lang")
    }

    /// The page's one JSON-LD script, parsed: panics if there is not
    /// exactly one, or if it is not valid JSON.
    #[track_caller]
    pub fn json_ld(&self) -> serde_json::Value {
        let script = self.select_one(r#"script[type="application/ld+json"]"#);
        let json: String = script.text().collect();
        serde_json::from_str(&json).unwrap_or_else(|e| {
            panic!("{}: JSON-LD is not JSON ({e}): {json}", self.path.display())
        })
    }

    /// The `<main>` element's HTML (the whole page without one), cut short:
    /// enough to see why a selector did not match.
    fn context(&self) -> String {
        let main = self.select("main");
        let html = main
            .first()
            .map(|m| m.html())
            .unwrap_or_else(|| self.html.html());
        match html.char_indices().nth(4000) {
            Some((i, _)) => format!("{}…", &html[..i]),
            None => html,
        }
    }
}

/// What a reader sees of `el`: its text with runs of ASCII white space
/// (source line breaks and indentation) collapsed to one space and trimmed.
/// No-break spaces (U+00A0, U+202F) are kept: French typography is part of
/// what the tests check.
pub fn text(el: ElementRef<'_>) -> String {
    let raw: String = el.text().collect();
    raw.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector `{css}`: {e}"))
}
