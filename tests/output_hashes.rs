//! The whole output of two sites, file by file, as SHA-256 hashes: the
//! example site (the repository's content/ and data/) at a fixed day, and a
//! few hundred pages of the benchmark site. Work on the build's speed must
//! leave every byte as it was; a change here must be one named on purpose.

mod common;

#[path = "../examples/bench_site.rs"]
#[allow(dead_code)]
mod bench_site;

use std::path::Path;

use common::{copy_dir, engage, repo, stderr};
use sha2::{Digest, Sha256};
use std::process::Command;

/// `path sha256` per file of `dir`, sorted by path.
fn hashes(dir: &Path) -> String {
    let mut lines: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        // The build's own bookkeeping (its manifest holds paths and
        // stamps of this run), not the site.
        .filter(|e| e.file_name() != ".engage-manifest.json")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let digest = Sha256::digest(std::fs::read(e.path()).unwrap());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("{} {hex}", rel.display())
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

fn build(root: &Path) -> String {
    let out = root.join("out");
    let o = engage(root, &build_args(&out));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    hashes(&out)
}

fn build_args(out: &Path) -> [&str; 5] {
    [
        "build",
        "--today",
        "2026-03-01",
        "--output",
        out.to_str().unwrap(),
    ]
}

#[test]
fn example_site_output_is_unchanged() {
    // A copy outside git: translation freshness reads history, which moves.
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "data", "themes"] {
        copy_dir(&repo().join(part), &dir.path().join(part));
    }
    insta::assert_snapshot!(build(dir.path()));
}

#[test]
fn bench_site_output_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    bench_site::generate(dir.path(), 200);
    insta::assert_snapshot!(build(dir.path()));
}

#[test]
fn the_output_is_the_same_whatever_the_number_of_workers() {
    // Pages are loaded, checked and rendered in parallel: one worker must
    // give the same bytes as one per core, in the same order.
    let dir = tempfile::tempdir().unwrap();
    bench_site::generate(dir.path(), 60);
    let many = build(dir.path());
    let out = dir.path().join("out-one-worker");
    let o = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(dir.path())
        .args(build_args(&out))
        .env("RAYON_NUM_THREADS", "1")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let one = hashes(&out);
    assert!(many.lines().count() > 100, "{many}");
    assert_eq!(one, many);
}
