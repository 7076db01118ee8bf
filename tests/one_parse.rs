//! A build parses each page's Markdown once: rendering, FAQ answers and the
//! search index replay the events recorded by the load-time scan. Alone in
//! its test binary, so that the process-wide parse counter counts only this
//! build.

mod common;

use common::{copy_dir, repo};
use engage::core::source::{Disk, Files};
use engage::site::markdown;
use engage::site::BuildOptions;
use engage::workspace::{Parts, Workspace};

#[test]
fn a_build_parses_each_page_once() {
    let Some(before) = markdown::parses() else {
        eprintln!("skipped: release builds do not count parses");
        return;
    };
    // The example site: FAQ pages, a search page, a calendar.
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "data", "themes"] {
        copy_dir(&repo().join(part), &dir.path().join(part));
    }
    let options = BuildOptions {
        output: Some(dir.path().join("out")),
        today: Some("2026-03-01".parse().unwrap()),
        ..BuildOptions::default()
    };
    let ws = Workspace::load(Files::new(Disk::new(dir.path())), Parts::SITE, &options);
    let report = ws.build(dir.path(), &options, std::time::Instant::now());
    assert!(report.written.is_some(), "{:?}", report.diagnostics);
    let site = ws.site.as_ref().unwrap();
    let files = site.library.pages.len() + site.library.drafts.len();
    assert!(files > 20, "{files} pages: the example site was not loaded");
    assert!(
        dir.path().join("out/fr/search-index.json").is_file(),
        "the search index, which reads the pages' text, was built"
    );
    assert_eq!(markdown::parses().unwrap() - before, files);
}
