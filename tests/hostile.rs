//! The hostile inputs of tests/hostile/: one folder per defect, laid over a
//! copy of the basic fixture site. Each folder's `expect` file lists the
//! diagnostics it must produce, one `rule file:line` per line. For each
//! case: `engage check` reports exactly those (with that rule, file and
//! line), `engage build` fails without panicking, writes no output, and
//! both finish within the time budget. `expect-human-absent` (optional)
//! lists text the human output of `engage check` must never print.
//! Prefixes: `build-only` (found by the write step, not by `engage check`),
//! `check-only` (records, which the build does not read).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{check_json, copy_dir, engage, repo, stderr};

/// Per command, well above what any case takes on a quiet machine and far
/// below a hang or a runaway template.
const BUDGET: Duration = Duration::from_secs(2);

/// Copies `from` over `to`, recreating symbolic links as links (some cases
/// are links), and skipping the expectation files.
fn overlay(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.to_string_lossy().starts_with("expect") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            let _ = std::fs::remove_file(&dest);
            std::os::unix::fs::symlink(target, &dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let site = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/basic"), site.path());
    copy_dir(
        &repo().join("themes/default"),
        &site.path().join("themes/default"),
    );
    overlay(case, site.path());
    // `build-only rule file:line`: found by the write step (static files),
    // not by `engage check`.
    let mut expected: Vec<(String, String, u32)> = Vec::new();
    let mut build_only: Vec<(String, String, u32)> = Vec::new();
    // `check-only rule file:line`: records, which the build does not read.
    let mut check_only = false;
    for l in std::fs::read_to_string(case.join("expect"))
        .unwrap_or_else(|e| panic!("{name}/expect: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (l, list) = match (l.strip_prefix("build-only "), l.strip_prefix("check-only ")) {
            (Some(rest), _) => (rest, &mut build_only),
            (_, Some(rest)) => {
                check_only = true;
                (rest, &mut expected)
            }
            _ => (l, &mut expected),
        };
        let (rule, at) = l.trim().split_once(' ').expect("rule file:line");
        let (file, line) = at.rsplit_once(':').expect("file:line");
        list.push((rule.to_string(), file.to_string(), line.parse().unwrap()));
    }
    let check_exit = if expected.is_empty() { 0 } else { 1 };

    let start = Instant::now();
    let run = check_json(site.path(), "2026-01-01", &[]);
    let took = start.elapsed();
    if took > BUDGET {
        return Err(format!("{name}: engage check took {took:?}"));
    }
    if run.code != Some(check_exit) {
        return Err(format!(
            "{name}: engage check exit {:?}: {}",
            run.code,
            stderr(&run.out)
        ));
    }
    let mut got = run.located();
    got.sort();
    for e in &expected {
        if !got.contains(e) {
            return Err(format!("{name}: expected {e:?}, got {got:?}"));
        }
    }

    if let Ok(absent) = std::fs::read_to_string(case.join("expect-human-absent")) {
        let human = engage(site.path(), &["check", "--today", "2026-01-01"]);
        let text = format!(
            "{}{}",
            stderr(&human),
            String::from_utf8_lossy(&human.stdout)
        );
        for a in absent.lines().filter(|l| !l.is_empty()) {
            if text.contains(a) {
                return Err(format!("{name}: human output prints `{a}`: {text}"));
            }
        }
    }
    if check_only {
        return Ok(());
    }
    let start = Instant::now();
    let out = engage(site.path(), &["build", "--today", "2026-01-01"]);
    let took = start.elapsed();
    if took > BUDGET {
        return Err(format!("{name}: engage build took {took:?}"));
    }
    let err = stderr(&out);
    if out.status.code() != Some(1) {
        return Err(format!("{name}: build exit {:?}: {err}", out.status.code()));
    }
    for (rule, file, line) in expected.iter().chain(&build_only) {
        if !err.contains(&format!("[{rule}]")) || !err.contains(&format!("{file}:{line}:")) {
            return Err(format!(
                "{name}: build output lacks {rule} {file}:{line}: {err}"
            ));
        }
    }
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n == "public" || n.starts_with(".engage"))
        .collect();
    if !leftovers.is_empty() {
        return Err(format!("{name}: output written: {leftovers:?}"));
    }
    Ok(())
}

#[test]
fn every_hostile_input_is_located_bounded_and_writes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 7, "{} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
