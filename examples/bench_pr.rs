//! Generates a git repository for benchmarking `engage check --pr`:
//! `cargo run --release --example bench_pr -- DIR [COMMITS] [RECORDS]`
//! (default 10,000 commits and 1,000 CECi records of 100 logged entries).
//!
//! History on `main`: a first commit with the programme, then one commit per
//! record (a student's PR merged) and, between them, staff commits editing
//! news pages, up to COMMITS. Ten commits before main's tip, branch `pr`
//! forks and adds one commit logging a day of hours in student-0500's record;
//! HEAD is `pr` and the work tree is its state. Then time
//!
//! ```sh
//! target/release/engage --root DIR check --pr --base main \
//!     --author student-0500 --today 2026-11-23
//! ```
//!
//! which finds the merge base, diffs it with HEAD, applies the scope guard
//! and checks the changed record with the cohort rules over all records.
//! Everything is deterministic (contents and commit times).

use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Signature, Time};

#[path = "support/records.rs"]
mod records;
use records::{calendar, record, CECI};

/// News pages that staff commits edit in turn.
const NEWS: usize = 20;
/// Commits on main after the PR's fork point.
const AFTER_FORK: usize = 10;
const ENTRIES: u32 = 100;

fn news(k: usize, version: usize) -> (String, String) {
    (
        format!("content/news/item-{:02}.fr.md", k % NEWS),
        format!("---\ntitle: Nouvelle {k}\n---\nVersion {version}.\n"),
    )
}

/// `tree` with each file of `files` (path components, blob) set, folders
/// made as needed; each folder is written once, so that a commit adding a
/// record rewrites data/portfolios once, not once per file.
fn apply(repo: &Repository, tree: Option<Oid>, files: &[(Vec<&str>, Oid)]) -> Oid {
    let existing = tree.and_then(|t| repo.find_tree(t).ok());
    let mut tb = repo.treebuilder(existing.as_ref()).expect("treebuilder");
    let mut dirs: std::collections::BTreeMap<&str, Vec<(Vec<&str>, Oid)>> =
        std::collections::BTreeMap::new();
    for (parts, blob) in files {
        match parts.as_slice() {
            [name] => {
                tb.insert(name, *blob, 0o100644).expect("insert");
            }
            [dir, rest @ ..] => dirs.entry(dir).or_default().push((rest.to_vec(), *blob)),
            [] => {}
        }
    }
    for (dir, inner) in dirs {
        let sub = existing
            .as_ref()
            .and_then(|t| t.get_name(dir))
            .map(|e| e.id());
        let new = apply(repo, sub, &inner);
        tb.insert(dir, new, 0o040000).expect("insert");
    }
    tb.write().expect("write tree")
}

struct Writer<'r> {
    repo: &'r Repository,
    tree: Option<Oid>,
    head: Option<Oid>,
    time: i64,
}

impl Writer<'_> {
    fn add(&mut self, files: &[(String, String)]) {
        let blobs: Vec<(Vec<&str>, Oid)> = files
            .iter()
            .map(|(path, text)| {
                let blob = self.repo.blob(text.as_bytes()).expect("blob");
                (path.split('/').collect(), blob)
            })
            .collect();
        self.tree = Some(apply(self.repo, self.tree, &blobs));
    }
    fn commit(&mut self, message: &str) -> Oid {
        self.time += 3_600;
        let sig = Signature::new("Bench", "bench@example.org", &Time::new(self.time, 0))
            .expect("signature");
        let tree = self.repo.find_tree(self.tree.expect("tree")).expect("tree");
        let parent = self.head.map(|h| self.repo.find_commit(h).expect("parent"));
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let id = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)
            .expect("commit");
        self.head = Some(id);
        id
    }
}

fn write_file(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-pr".into()));
    let commits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let records: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let commits = commits.max(records + AFTER_FORK + 2);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let repo = Repository::init(&dir).expect("init");
    let mut w = Writer {
        repo: &repo,
        tree: None,
        head: None,
        // 2016-01-01: hourly commits end before the records' dates matter.
        time: 1_451_606_400,
    };
    let mut disk: Vec<(String, String)> = vec![
        ("data/programmes/ceci.yml".into(), CECI.into()),
        ("data/calendar/workshops.yml".into(), calendar(records)),
    ];
    w.add(&disk);
    w.commit("Programme CECi et ateliers");
    // Record commits spread evenly among staff commits, all before the fork.
    let before_fork = commits - 1 - AFTER_FORK - 1;
    let mut next_record = 0;
    let mut news_version = 0;
    for c in 0..before_fork {
        let due = (c + 1) * records / before_fork;
        if next_record < due {
            let files = record(next_record, ENTRIES, 1.5);
            w.add(&files);
            disk.extend(files);
            w.commit(&format!("Portfolio of student-{next_record:04}"));
            next_record += 1;
        } else {
            news_version += 1;
            let file = news(c, news_version);
            w.add(std::slice::from_ref(&file));
            disk.push(file);
            w.commit("Actualités");
        }
    }
    let fork = w.head.expect("head");
    let fork_tree = w.tree;
    // Main moves on after the fork: staff commits only.
    for c in 0..AFTER_FORK {
        news_version += 1;
        w.add(&[news(c, news_version)]);
        w.commit("Actualités (après la branche)");
    }
    let main = w.head.expect("head");
    repo.reference("refs/heads/main", main, true, "bench")
        .expect("main");
    // The PR: one more day of hours in student-0500's record.
    w.head = Some(fork);
    w.tree = fork_tree;
    let student = 500.min(records.saturating_sub(1));
    let path = format!("data/portfolios/student-{student:04}/portfolio.yml");
    let mut text = disk
        .iter()
        .rev()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| t.clone())
        .expect("record");
    // A day after the generated entries, within the two years.
    let intake = student / 25;
    let enrolment = jiff::civil::date(
        (2000 + intake / 2) as i16,
        if intake % 2 == 0 { 2 } else { 10 },
        1,
    );
    let day = enrolment
        .checked_add(jiff::Span::new().days(i64::from(ENTRIES) * 6 + 5))
        .expect("date");
    text = text.replacen(
        "modules:\n",
        &format!("    - {{ date: {day}, hours: 2, activity: Bilan de fin de stage }}\nmodules:\n"),
        1,
    );
    w.add(&[(path.clone(), text.clone())]);
    disk.push((path, text));
    let pr = w.commit("Mes heures de décembre");
    repo.reference("refs/heads/pr", pr, true, "bench")
        .expect("pr");
    repo.set_head("refs/heads/pr").expect("HEAD");
    // The work tree: the PR's state (later versions of a file win).
    for (rel, text) in &disk {
        write_file(&dir, rel, text);
    }
    let mut index = repo.index().expect("index");
    let tree = repo.find_tree(w.tree.expect("tree")).expect("tree");
    index.read_tree(&tree).expect("index");
    index.write().expect("index");
    eprintln!(
        "{commits} commits, {records} records in {}: HEAD is `pr` (student-{student:04}), forked {AFTER_FORK} commits before `main`",
        dir.display()
    );
}
