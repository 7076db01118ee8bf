//! Shared helpers for integration tests: fixture sites copied into temporary
//! folders with the repository's default theme, the real binary, and built
//! pages parsed for CSS-selector assertions (`html::Page`).
#![allow(dead_code)]

pub mod git;
pub mod html;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    // Following links: the example sites reach the bundled theme through
    // a `themes` symlink, and a copy must hold the theme itself.
    for entry in walkdir::WalkDir::new(from).follow_links(true) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A copy of tests/fixtures/`name` with themes/default, in a temp folder.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    copy_dir(
        &repo().join("themes/default"),
        &dir.path().join("themes/default"),
    );
    dir
}

pub fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Runs the engage binary with `args` in `root`, messages in English.
pub fn engage(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("LANG", "en_GB.UTF-8")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Where `handle`'s record lives, relative to the root.
pub fn record_path(handle: &str) -> String {
    format!("data/portfolios/{handle}/portfolio.yml")
}

/// Replaces the one occurrence of `from` in `handle`'s record.
pub fn edit(root: &Path, handle: &str, from: &str, to: &str) {
    let path = root.join(record_path(handle));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {handle}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The 1-based line of the one line containing `needle` in `handle`'s record.
pub fn line_of(root: &Path, handle: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(root.join(record_path(handle))).unwrap();
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` in {handle}: {lines:?}");
    lines[0] as u32
}

/// A run of `engage check --format json`.
pub struct Run {
    pub code: Option<i32>,
    pub json: serde_json::Value,
    pub out: Output,
}

impl Run {
    /// (rule, file, line) of every diagnostic.
    pub fn located(&self) -> Vec<(String, String, u32)> {
        self.located_with_severity()
            .into_iter()
            .map(|(r, _, f, l)| (r, f, l))
            .collect()
    }
    /// (rule, severity, file, line) of every diagnostic.
    pub fn located_with_severity(&self) -> Vec<(String, String, String, u32)> {
        self.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                    d["file"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap() as u32,
                )
            })
            .collect()
    }
    pub fn record(&self, handle: &str) -> &serde_json::Value {
        self.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["handle"] == handle)
            .unwrap_or_else(|| panic!("no record {handle}: {}", self.json))
    }
    pub fn message(&self, i: usize) -> &str {
        self.json["diagnostics"][i]["message"].as_str().unwrap()
    }
}

/// `engage check --format json --today <today> [args]` in `root`.
pub fn check_json(root: &Path, today: &str, args: &[&str]) -> Run {
    let mut all = vec!["check", "--format", "json", "--today", today];
    all.extend_from_slice(args);
    let out = engage(root, &all);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        )
    });
    Run {
        code: out.status.code(),
        json,
        out,
    }
}

/// A root of records only: the real CECi programme, the fixture calendar
/// and the given good records of tests/fixtures/portfolios/good.
pub fn records_root(handles: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "data/programmes/ceci.yml",
        std::fs::read(repo().join("data/programmes/ceci.yml")).unwrap(),
    );
    copy_dir(
        &repo().join("tests/fixtures/portfolios/calendar"),
        &dir.path().join("data/calendar"),
    );
    for h in handles {
        copy_dir(
            &repo().join("tests/fixtures/portfolios/good").join(h),
            &dir.path().join("data/portfolios").join(h),
        );
    }
    dir
}
