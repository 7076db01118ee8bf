//! What `engage check` prints for the benchmark's generated records, byte
//! for byte: the human output in full, the JSON and GitHub outputs as
//! SHA-256 digests. Work on the check's speed (examples/bench_records.rs)
//! must leave every byte as it was; a change here must be one named on
//! purpose.

mod common;

#[path = "../examples/support/records.rs"]
#[allow(dead_code)]
mod records;

use std::path::Path;

use common::{engage, write};
use sha2::{Digest, Sha256};

/// Records as the benchmark writes them, fewer and shorter, a few of them
/// spoiled so that diagnostics are printed too.
fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let count = 40;
    write(root, "data/programmes/ceci.yml", records::CECI);
    write(
        root,
        "data/calendar/workshops.yml",
        records::calendar(count),
    );
    for i in 0..count {
        for (path, mut text) in records::record(i, 20, 7.5) {
            if path.ends_with("portfolio.yml") {
                text = spoil(i, text);
            }
            write(root, &path, text);
        }
    }
    dir
}

/// Record 3 logs a day after "today", record 7 names a workshop the
/// calendar lacks, record 11 is in progress without its analysis, record
/// 19 logs a day before its enrolment.
fn spoil(i: usize, text: String) -> String {
    let first_entry = |t: &str| {
        let start = t.find("    - { date: ").unwrap() + "    - { date: ".len();
        start..start + 10
    };
    match i {
        3 => {
            let mut t = text.clone();
            t.replace_range(first_entry(&text), "2027-01-04");
            t
        }
        7 => text.replace("{ event: atelier-", "{ event: atelier-x-"),
        11 => text
            .replace("status: submitted", "status: in-progress")
            .replace("analysis: analyse.md\n", ""),
        19 => {
            let mut t = text.clone();
            t.replace_range(first_entry(&text), "1999-12-31");
            t
        }
        _ => text,
    }
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check(root: &Path, format: &str) -> std::process::Output {
    engage(
        root,
        &[
            "--lang",
            "en",
            "check",
            "--today",
            "2026-11-23",
            "--format",
            format,
        ],
    )
}

#[test]
fn the_check_of_generated_records_prints_the_same_bytes() {
    let dir = generated();
    let human = check(dir.path(), "human");
    let json = check(dir.path(), "json");
    let github = check(dir.path(), "github");
    for out in [&human, &json, &github] {
        assert_eq!(out.status.code(), Some(1), "the spoiled records fail");
    }
    let text = format!(
        "----- human stdout -----\n{}----- human stderr -----\n{}----- digests -----\n\
         json {} ({} bytes)\ngithub {} ({} bytes)\n",
        String::from_utf8_lossy(&human.stdout),
        String::from_utf8_lossy(&human.stderr),
        sha256(&json.stdout),
        json.stdout.len(),
        sha256(&github.stdout),
        github.stdout.len(),
    );
    insta::assert_snapshot!("generated_records_check", text);
}
