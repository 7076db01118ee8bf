//! Where `engage build` may write: only a folder it wrote itself, an empty
//! one or an absent one; never the site, an ancestor, a source folder or a
//! file; and concurrent builds into one output both leave a complete site.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_dir, repo, stderr, write};

/// The basic fixture at `<tmp>/outer/site`, so that even the site's parent
/// folder is inside the temporary folder.
fn nested_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("outer/site");
    copy_dir(&repo().join("tests/fixtures/basic"), &site);
    copy_dir(&repo().join("themes/default"), &site.join("themes/default"));
    (tmp, site)
}

/// Runs `engage --root . build <args>` from inside the site, as a user would.
fn build_in(site: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engage"))
        .current_dir(site)
        .args(["--root", ".", "build", "--today", "2026-01-01"])
        .args(args)
        .env("LANG", "en_GB.UTF-8")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Every path under `dir` with its content (files) or a mark (folders,
/// links), to show that nothing was touched.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let content = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else if e.file_type().is_symlink() {
                b"<link>".to_vec()
            } else {
                b"<dir>".to_vec()
            };
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), content)
        })
        .collect()
}

fn assert_refused(site: &Path, top: &Path, output: &str) {
    let before = snapshot(top);
    let out = build_in(site, &["--output", output]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "--output {output}: {err}");
    assert!(
        err.contains("error[build.output-refused]"),
        "--output {output}: {err}"
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        snapshot(top).keys().collect::<Vec<_>>(),
        "--output {output}: files changed"
    );
    assert!(
        before == snapshot(top),
        "--output {output}: contents changed"
    );
}

#[test]
fn the_site_its_parents_and_source_folders_are_refused() {
    let (tmp, site) = nested_site();
    for output in [
        ".",
        "./",
        "..",
        "../",
        "data",
        "data/",
        "content/..",
        "../site",
    ] {
        assert_refused(&site, tmp.path(), output);
    }
    let abs_parent = site.parent().unwrap().display().to_string();
    assert_refused(&site, tmp.path(), &abs_parent);
    // A symbolic link to the site, and a folder holding a repository.
    std::os::unix::fs::symlink(&site, tmp.path().join("outer/link")).unwrap();
    assert_refused(&site, tmp.path(), "../link");
    assert_refused(&site, tmp.path(), "../link/");
    write(tmp.path(), "outer/repo/.git/HEAD", "ref: refs/heads/main\n");
    assert_refused(&site, tmp.path(), "../repo");
}

#[test]
fn an_existing_file_and_a_folder_of_other_files_are_refused() {
    let (tmp, site) = nested_site();
    write(&site, "notes.txt", "my notes\n");
    assert_refused(&site, tmp.path(), "notes.txt");
    write(tmp.path(), "outer/photos/holiday.jpg", "jpeg");
    assert_refused(&site, tmp.path(), "../photos");
}

#[test]
fn an_absent_empty_or_previously_built_folder_is_replaced() {
    let (_tmp, site) = nested_site();
    let out = build_in(&site, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        site.join("public/.engage-output").is_file(),
        "marker written"
    );
    // Built by engage before: replaced.
    let out = build_in(&site, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::create_dir(site.join("empty")).unwrap();
    let out = build_in(&site, &["--output", "empty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(site.join("empty/fr/index.html").is_file());
}

/// The built files, relative to the output.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

#[test]
fn concurrent_builds_into_one_output_each_leave_a_complete_site() {
    let (_tmp, site) = nested_site();
    // Enough pages that the builds overlap.
    for i in 0..300 {
        write(
            &site,
            &format!("content/ceci/p{i}.fr.md"),
            format!(
                "---\ntitle: Page {i}\n---\n\n{}\n",
                "Du texte. ".repeat(200)
            ),
        );
    }
    let reference = build_in(&site, &["--output", "reference"]);
    assert_eq!(reference.status.code(), Some(0), "{}", stderr(&reference));
    let expected = files(&site.join("reference"));
    assert!(expected.len() > 600, "{}", expected.len());
    for _round in 0..2 {
        let runs: Vec<_> = (0..3)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_engage"))
                    .current_dir(&site)
                    .args(["--root", ".", "build", "--today", "2026-01-01"])
                    .env("LANG", "en_GB.UTF-8")
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for run in runs {
            let out = run.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        assert_eq!(files(&site.join("public")), expected, "complete site");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".engage-build"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}
