//! One student, one record (issue 14, item 6): handles are case-insensitive
//! as on the hosting, so `alice/` and `Alice/` side by side are one student
//! with two records, in a plain check and in the PR that adds the second;
//! and the files a record names are found whatever the Unicode
//! normalisation of their names on disk.

mod common;

use std::path::Path;
use std::process::Command;

use common::git::Repo;
use common::{copy_dir, engage, repo, stderr, write};

const TODAY: &str = "2026-11-23";

/// A diagnostic as (rule, severity, file, line).
type Found = (String, String, String, u32);

/// A repository of records: the CECi programme, the calendar, the staff
/// list, the site settings and alice's record from the example site.
fn records() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in ["data/programmes", "data/calendar", "data/portfolios/alice"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    for f in ["data/site.yml", "data/staff.yml"] {
        write(dir.path(), f, std::fs::read(repo().join(f)).unwrap());
    }
    dir
}

/// `engage check data/portfolios --format json`: exit code and the
/// diagnostics as (rule, severity, file, line).
fn check_json(root: &Path) -> (Option<i32>, Vec<Found>) {
    let run = common::check_json(root, TODAY, &["data/portfolios"]);
    (run.code, run.located_with_severity())
}

fn errors(ds: &[Found]) -> Vec<(&str, &str, u32)> {
    ds.iter()
        .filter(|d| d.1 == "error")
        .map(|d| (d.0.as_str(), d.2.as_str(), d.3))
        .collect()
}

#[test]
fn two_folders_for_one_handle_are_an_error_naming_both() {
    let root = records();
    let (code, ds) = check_json(root.path());
    assert_eq!(code, Some(0), "{ds:?}");
    copy_dir(
        &root.path().join("data/portfolios/alice"),
        &root.path().join("data/portfolios/Alice"),
    );
    let (code, ds) = check_json(root.path());
    // Folders sort `Alice` before `alice`: the second is alice/, blamed at
    // file level; nothing else changes (Alice/ says `handle: alice`, the
    // same handle).
    assert_eq!(
        errors(&ds),
        vec![(
            "record.handle-duplicate",
            "data/portfolios/alice/portfolio.yml",
            1
        )]
    );
    assert_eq!(code, Some(1));
    let out = engage(root.path(), &["check", "data/portfolios", "--today", TODAY]);
    let text = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "data/portfolios/alice/ and data/portfolios/Alice/ are two folders for one handle"
        ),
        "{text}"
    );
}

#[test]
fn each_of_the_two_folders_checked_alone_gets_the_error() {
    let root = records();
    copy_dir(
        &root.path().join("data/portfolios/alice"),
        &root.path().join("data/portfolios/Alice"),
    );
    // `Alice` sorts first: checked alone, it is the one blamed (an outside
    // review found it passing), and `alice` alone still is.
    for folder in ["Alice", "alice"] {
        let dir = format!("data/portfolios/{folder}");
        let run = common::check_json(root.path(), TODAY, &[dir.as_str()]);
        let ds = run.located_with_severity();
        assert_eq!(
            errors(&ds),
            vec![(
                "record.handle-duplicate",
                format!("{dir}/portfolio.yml").as_str(),
                1
            )],
            "{folder}"
        );
        assert_eq!(run.code, Some(1), "{folder}");
    }
}

#[test]
fn a_records_handle_matches_its_folder_whatever_the_capitals() {
    let root = records();
    common::edit(root.path(), "alice", "handle: alice", "handle: Alice");
    let (code, ds) = check_json(root.path());
    assert_eq!(errors(&ds), vec![]);
    assert_eq!(code, Some(0));
    // Another handle is still another student.
    common::edit(root.path(), "alice", "handle: Alice", "handle: Alicia");
    let (_, ds) = check_json(root.path());
    assert_eq!(
        errors(&ds),
        vec![(
            "record.handle-mismatch",
            "data/portfolios/alice/portfolio.yml",
            5
        )]
    );
}

/// `engage check --pr --base main --author <author> --format json`.
fn check_pr(root: &Path, author: &str) -> (Option<i32>, Vec<Found>) {
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(root)
        .args([
            "--lang",
            "en",
            "check",
            "--pr",
            "--base",
            "main",
            "--author",
            author,
            "--format",
            "json",
            "--today",
            "2026-06-01",
        ])
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_ACTOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let run = common::Run {
        code: out.status.code(),
        json,
        out,
    };
    (run.code, run.located_with_severity())
}

#[test]
fn the_pr_adding_a_second_folder_for_a_handle_fails_on_that_folder() {
    let mut r = Repo::new();
    // emile already has data/portfolios/emile/ on main; his PR adds
    // Emile/, which sorts first: the error is still on the PR's folder.
    copy_dir(
        &r.root().join("data/portfolios/emile"),
        &r.root().join("data/portfolios/Emile"),
    );
    r.pr();
    let (code, ds) = check_pr(r.root(), "emile");
    assert_eq!(
        errors(&ds),
        vec![(
            "record.handle-duplicate",
            "data/portfolios/Emile/portfolio.yml",
            1
        )]
    );
    assert_eq!(code, Some(1));
}

#[test]
fn a_file_stored_decomposed_is_found_when_the_record_writes_it_composed() {
    // "é" composed (U+00E9) in the record, decomposed (e + U+0301) on
    // disk, as macOS writes names; then the other way round.
    let composed = "productions/r\u{e9}sum\u{e9}.md";
    let decomposed = "productions/re\u{301}sume\u{301}.md";
    for (on_disk, written) in [(decomposed, composed), (composed, decomposed)] {
        let root = records();
        let folder = root.path().join("data/portfolios/alice");
        write(&folder, on_disk, "Résumé\n");
        assert!(
            std::fs::read_dir(folder.join("productions"))
                .unwrap()
                .any(|e| e.unwrap().file_name().to_str() == on_disk.strip_prefix("productions/")),
            "the file system kept the name as written"
        );
        let text = std::fs::read_to_string(folder.join("portfolio.yml")).unwrap();
        let (head, tail) = text.split_once("productions:\n").unwrap();
        let entry =
            format!("productions:\n  - {{ title: Résumé, kind: other, file: \"{written}\" }}\n");
        std::fs::write(folder.join("portfolio.yml"), format!("{head}{entry}{tail}")).unwrap();
        let (code, ds) = check_json(root.path());
        assert_eq!(errors(&ds), vec![], "{written:?} for {on_disk:?}");
        assert_eq!(code, Some(0));
        // A name that differs by more than normalisation is still missing.
        let text = std::fs::read_to_string(folder.join("portfolio.yml")).unwrap();
        std::fs::write(
            folder.join("portfolio.yml"),
            text.replace(written, "productions/resume.md"),
        )
        .unwrap();
        let line = text
            .lines()
            .position(|l| l.contains("title: Résumé"))
            .unwrap() as u32
            + 1;
        let (_, ds) = check_json(root.path());
        assert_eq!(
            errors(&ds),
            vec![(
                "record.file-missing",
                "data/portfolios/alice/portfolio.yml",
                line
            )]
        );
    }
}

#[test]
fn an_attestation_is_found_whatever_the_capitals_of_the_handle() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = engage(
        &repo(),
        &[
            "attest",
            "ALICE",
            "--today",
            "2026-11-15",
            "--output",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = common::html::Page::at(out_dir.path(), "index.html");
    assert_eq!(page.text("article[lang=en] dd.learner"), "alice");
}
