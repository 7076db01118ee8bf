//! Issue 10 item 6: a second build into the same output deleted the first
//! one's staging folder while it wrote; the first then swapped in a partial
//! site and reported success. Here the second build starts while the first
//! is writing, and the output is read the moment the first one exits:
//! before the fix it was missing files; now the second waits for the
//! first (the lock), and every site ever swapped in is whole.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_dir, repo, stderr, write};

fn build(site: &Path, output: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_engage"))
        .current_dir(site)
        .args([
            "--root",
            ".",
            "build",
            "--today",
            "2026-01-01",
            "--output",
            output,
        ])
        .env("LANG", "en_GB.UTF-8")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The files under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .filter(|p| !p.starts_with(".engage-output"))
        .collect();
    v.sort();
    v
}

/// The staging folders of builds beside `site`'s output.
fn staging(site: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(site)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".engage-build-")
        })
        .map(|e| e.path())
        .collect()
}

/// How many files the fullest staging folder holds.
fn staged(site: &Path) -> usize {
    staging(site)
        .iter()
        .map(|d| files(d).len())
        .max()
        .unwrap_or(0)
}

#[test]
fn a_build_started_while_another_writes_never_makes_it_publish_a_partial_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&repo().join("tests/fixtures/basic"), &site);
    copy_dir(&repo().join("themes/default"), &site.join("themes/default"));
    // Enough pages that the first build is still writing when the second
    // one has loaded the site.
    for i in 0..1000 {
        write(
            &site,
            &format!("content/ceci/p{i}.fr.md"),
            format!(
                "---\ntitle: Page {i}\n---\n\n{}\n",
                "Du texte. ".repeat(200)
            ),
        );
    }
    let reference = build(&site, "reference").wait_with_output().unwrap();
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let expected = files(&site.join("reference"));
    assert!(expected.len() > 2000, "{}", expected.len());

    for round in 0..2 {
        // A change, so that each round's first build writes a new site.
        write(
            &site,
            "content/ceci/p0.fr.md",
            format!("---\ntitle: Page 0\n---\n\nTour {round}.\n"),
        );
        // Without its page cache a build renders the whole site into a
        // staging folder, which this test is about (with it, an edit is
        // written in place, under the same lock).
        let _ = std::fs::remove_dir_all(site.join(".engage-cache"));
        let first = build(&site, "public");
        // The second starts once the first is writing its files.
        let started = Instant::now();
        while staged(&site) < 50 {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the first build never wrote"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let second = build(&site, "public");
        let first = first.wait_with_output().unwrap();
        // What the first build published, before the second can swap.
        let published = files(&site.join("public"));
        assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
        let missing = expected.iter().filter(|f| !published.contains(f)).count();
        assert_eq!(
            missing, 0,
            "round {round}: the first build reported success with {missing} files missing"
        );
        let second = second.wait_with_output().unwrap();
        assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
        assert_eq!(files(&site.join("public")), expected, "round {round}");
    }
    assert_eq!(staging(&site), Vec::<PathBuf>::new(), "staging left behind");
}
