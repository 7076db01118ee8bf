//! The workspace: the repository loaded once, from the disk, from git trees
//! or from the disk with buffers laid over it.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::git::Repo;
use common::{copy_dir, repo, write};
use engage::core::source::{Counting, Disk, Files, GitTree, Overlay, Source};
use engage::core::values::Handle;
use engage::records::check::Scope;
use engage::review::{review, Pr};
use engage::site::BuildOptions;
use engage::workspace::{Parts, Workspace};

fn on(today: &str) -> BuildOptions {
    BuildOptions {
        today: Some(today.parse().unwrap()),
        ..BuildOptions::default()
    }
}

/// Every file read, with how often; fails on any read more than once.
fn read_once(source: &Counting<impl Source>) -> Vec<PathBuf> {
    let reads = source.reads();
    let twice: Vec<_> = reads.iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "read more than once: {twice:?}");
    reads.into_iter().map(|(p, _)| p).collect()
}

/// The example site of the repository (site, programmes, calendar, records).
fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in ["content", "data", "themes"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    dir
}

#[test]
fn engage_check_reads_each_input_once() {
    let dir = example_site();
    let source = Arc::new(Counting::new(Disk::new(dir.path())));
    let ws = Workspace::load(Files::shared(source.clone()), Parts::ALL, &on("2026-01-15"));
    let report = ws.check(&Scope::All);
    assert!(!report.records.is_empty());
    let read = read_once(&source);
    // Every kind of input was read: the once above is not vacuous.
    for expected in [
        "data/site.yml",
        "content/faq.fr.md",
        "data/programmes/ceci.yml",
        "data/portfolios/alice/portfolio.yml",
        "themes/default/i18n.yml",
        "themes/default/templates/base.html",
    ] {
        assert!(
            read.contains(&PathBuf::from(expected)),
            "{expected} not read: {read:?}"
        );
    }
    assert!(read.iter().any(|p| p.starts_with("data/calendar")));
    // Every page of content/ was read.
    let pages = walkdir::WalkDir::new(dir.path().join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(
        read.iter().filter(|p| p.starts_with("content")).count(),
        pages
    );
}

#[test]
fn engage_build_reads_each_input_once() {
    let dir = example_site();
    let out = tempfile::tempdir().unwrap();
    let source = Arc::new(Counting::new(Disk::new(dir.path())));
    let options = BuildOptions {
        output: Some(out.path().join("public")),
        ..on("2026-01-15")
    };
    let ws = Workspace::load(Files::shared(source.clone()), Parts::SITE, &options);
    let report = ws.build(dir.path(), &options, std::time::Instant::now());
    assert!(report.written.is_some(), "{:?}", report.diagnostics);
    let read = read_once(&source);
    // Static files are read to be copied, once like the rest.
    assert!(read.iter().any(|p| p.starts_with("themes/default/static")));
    // Records are never read by the build: they never reach the site.
    assert!(!read.iter().any(|p| p.starts_with("data/portfolios")));
}

#[test]
fn check_pr_reads_the_base_tip_and_the_merged_pr_from_git_once_each() {
    let mut repo = Repo::with_site(|_| {});
    // A staff PR that edits a page and raises the hours: the whole site is
    // checked at the head and the rules are compared with the base's.
    repo.edit("data/programmes/ceci.yml", "150", "160");
    repo.edit(
        "content/faq.fr.md",
        "## Qu’est-ce que le CECi ?",
        "## Qu’est-ce donc que le CECi ?",
    );
    repo.pr();
    let root = repo.root();
    // What is on disk is not what is judged: HEAD's tree is.
    write(root, "data/portfolios/dana/portfolio.yml", "not: [a record");

    let git = engage::core::git::Repo::open(root).unwrap();
    let tip = git.commit("main").unwrap();
    let merge_base = git.merge_base("main").unwrap();
    let changes = git.changes(merge_base).unwrap();
    let head = GitTree::open(root, git.head().unwrap()).unwrap();
    let base = Arc::new(Counting::new(GitTree::open(root, tip).unwrap()));
    let merged = engage::review::merge(
        Overlay::new(GitTree::open(root, tip).unwrap()),
        &|p| head.read(p).ok(),
        &changes,
    );
    let after = Arc::new(Counting::new(merged));
    let author = Handle::parse("prof-x").unwrap();
    let pr = review(
        Pr {
            author: &author,
            changes,
            moved_on: Default::default(),
            base_label: "base".into(),
            base: Files::shared(base.clone()),
            merged: Files::shared(after.clone()),
        },
        "2026-01-15".parse().unwrap(),
    );
    assert!(pr.staff && pr.whole);
    // dana has exactly 150 hours: she fails under the head's 160.
    assert!(
        pr.verdicts
            .iter()
            .any(|v| v.now_fail.iter().any(|h| h.as_str() == "dana")),
        "{:?}",
        pr.verdicts
    );
    assert!(
        !pr.report.diagnostics.iter().any(|d| d.file
            == Path::new("data/portfolios/dana/portfolio.yml")
            && d.rule.as_str().starts_with("yaml")),
        "the broken file on disk was read: {:?}",
        pr.report.diagnostics
    );
    let base_read = read_once(&base);
    let head_read = read_once(&after);
    assert!(base_read.contains(&PathBuf::from("data/staff.yml")));
    assert!(base_read.contains(&PathBuf::from("data/programmes/ceci.yml")));
    assert!(head_read.contains(&PathBuf::from("content/faq.fr.md")));
    assert!(head_read.contains(&PathBuf::from("data/portfolios/dana/portfolio.yml")));
}

#[test]
fn an_overlay_is_seen_instead_of_the_disk() {
    let dir = example_site();
    let page = "content/faq.fr.md";
    let on_disk = std::fs::read_to_string(dir.path().join(page)).unwrap();
    let edited = on_disk.replacen("title:", "title: Brouillon —", 1);
    let mut overlay = Overlay::new(Disk::new(dir.path()));
    overlay.set(page, edited.into_bytes());
    overlay.set(
        "content/nouvelle.fr.md",
        b"---\ntitle: Nouvelle page\n---\nBonjour.\n".to_vec(),
    );
    let ws = Workspace::load(Files::new(overlay), Parts::SITE, &on("2026-01-15"));
    let site = ws.site.as_ref().unwrap();
    let faq = site
        .library
        .pages
        .iter()
        .find(|p| p.file == Path::new(page))
        .unwrap();
    assert!(faq.title.starts_with("Brouillon —"), "{}", faq.title);
    assert!(site
        .library
        .pages
        .iter()
        .any(|p| p.title == "Nouvelle page"));
    // The disk is untouched.
    assert_eq!(
        std::fs::read_to_string(dir.path().join(page)).unwrap(),
        on_disk
    );
}
