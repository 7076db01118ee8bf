//! The bad-input corpus of tests/hostile/: every hostile input of issue 10
//! and the bad inputs listed by the earlier issues (the generator, the
//! structured content, the records, the pull requests), one folder per
//! case, all run by one test.
//!
//! A case folder holds:
//! - the files it lays over its base (symbolic links stay links); the base
//!   is the basic fixture site with the default theme unless `case.yml`
//!   says otherwise;
//! - `expect`: every diagnostic the case adds to its base, exactly, one
//!   `[warning ]rule file:line[ *count]` per line (errors by default), in
//!   any order; `check-only` before a line: found by `engage check` only
//!   (records, which the build does not read); `build-only`: found by
//!   `engage build` only (the render and write steps);
//! - `case.yml` (optional): what the case is about, and how it runs (see
//!   [`Spec`]): another base, a generator for the inputs too big to commit
//!   (they are made at run time), arguments, the pull request it is;
//! - for a pull-request case: `pr/`, the files the PR adds or changes, and
//!   `main/`, what the base branch gained since the PR branched off.
//!
//! For every case, `engage check` runs in its three formats (JSON, human,
//! GitHub with a step summary) and `engage build` runs when the base is a
//! site; each run must report exactly the expected diagnostics (the base's
//! own, measured once, aside), exit 0 or 1 as they say (2 where the case
//! says so), never panic or die of a signal, stay within [`CPU_BUDGET`],
//! [`WALL_LIMIT`] and [`MAX_RSS_KB`] (measured with wait4), and write
//! nothing: no output folder, nothing changed in the case's copy (or
//! repository), its working folder, HOME or TMPDIR. A successful build
//! writes its output folder and nothing else.
//!
//! `HOSTILE_BLESS=1` rewrites the `expect` files from what the runs found
//! (review the diff); `HOSTILE_CASES=a,b` runs only the cases whose names
//! contain one of the words; `ENGAGE_BIN` runs another binary (a release
//! build, or the code before a fix, to see which cases it fails), with
//! `ENGAGE_REPO` the tree it was built from (its theme and programme);
//! `HOSTILE_WORKERS=1` runs one case at a time (for wall-clock figures).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::git::Repo;
use common::{copy_dir, records_root, repo, write};

/// CPU time (user and system, every thread) one run of the binary may
/// take. The issue's budget is 2 s for the release binary, which
/// `cargo test --release --test hostile` checks. CPU time rather than wall
/// time: it does not grow when other test binaries, or other builds, share
/// the machine, and an endless loop or a quadratic blow-up spends it all
/// the same. The debug binary that `cargo test` builds runs the parsers,
/// the renderer and the allocator unoptimised: on the costliest cases (the
/// 3,000 links and 1,000 dates on one line, the 2 MB table) it is 4 to 6
/// times slower than the release build (3.0 s against 0.6 s at most,
/// measured 2026-12-02), so it gets 10 times the budget: still far below
/// the minutes those cases took before the fixes.
const CPU_BUDGET: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(20)
} else {
    Duration::from_secs(2)
};

/// Wall-clock time one run may take: what a run waiting on nothing (a lock,
/// a pipe) would hang in, out of reach of CPU time. Generous, so that a
/// loaded machine never trips it; a run still going twice as long after is
/// killed, so that a hang fails its case instead of the whole test run.
const WALL_LIMIT: Duration = Duration::from_secs(60);
const KILL_AFTER: Duration = Duration::from_secs(120);

/// Peak resident memory of one run, in KiB (`ru_maxrss`): 500 MB.
const MAX_RSS_KB: i64 = 500 * 1000 * 1000 / 1024;

// ---------------------------------------------------------------------------
// Cases

/// How a case runs, from its `case.yml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Spec {
    /// What the case is about, for readers (the issue and item it covers).
    #[allow(dead_code)]
    about: String,
    base: Base,
    /// Replacements in files of the base, each of text found exactly once
    /// (for a PR: made by the PR).
    edits: Vec<Edit>,
    /// A generator of [`generate`], run over the copy before the runs.
    generate: Option<String>,
    /// `engage check [PATH]`.
    path: Option<String>,
    /// More arguments of `engage build` (e.g. `--output data`).
    build: Vec<String>,
    /// Run from the root rather than from a folder of its own (for
    /// `--output` relative to the repository, as a user types it).
    in_root: bool,
    /// The exit code of `engage build` when it is not 1 for errors, 0
    /// otherwise (2: refused before building).
    build_exit: Option<i32>,
    /// The PR's author (pull-request bases).
    author: Option<String>,
    /// Paths the PR deletes.
    delete: Vec<String>,
    /// A lower bound than [`MAX_RSS_KB`] on every run's peak memory, in
    /// MB, for a case whose cost was the defect (the 2 MB table).
    max_memory_mb: Option<i64>,
    /// Text the human output of `engage check` must never print.
    human_absent: Vec<String>,
    /// Text the GitHub step summary, rendered to HTML, must never hold
    /// (`<h2>Injected`, `href="javascript:`).
    summary_absent: Vec<String>,
}

/// `from` → `to` in `file`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    from: String,
    to: String,
}

/// Applies `edits` under `root`.
fn apply(edits: &[Edit], root: &Path, case: &str) {
    for e in edits {
        let path = root.join(&e.file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{case}: {}: {err}", e.file));
        assert_eq!(
            text.matches(&e.from).count(),
            1,
            "{case}: `{}` in {}",
            e.from,
            e.file
        );
        std::fs::write(path, text.replacen(&e.from, &e.to, 1)).unwrap();
    }
}

/// What a case is laid over.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Base {
    /// tests/fixtures/basic with themes/default: checked and built.
    #[default]
    Site,
    /// The real CECi programme, the fixture calendar and the good records
    /// dana and emile (no site): checked.
    Records,
    /// examples/escom, examples/cire, examples/micro-credential: checked
    /// and built.
    ExampleEscom,
    ExampleCire,
    ExampleMicroCredential,
    /// A repository with the records base on main and a PR branch
    /// (tests/common/git.rs): `engage check --pr`.
    Pr,
}

impl Base {
    fn today(self) -> &'static str {
        match self {
            Base::Site => "2026-01-01",
            Base::Records | Base::Pr => "2026-06-01",
            Base::ExampleEscom | Base::ExampleCire | Base::ExampleMicroCredential => "2026-11-23",
        }
    }
    fn has_site(self) -> bool {
        !matches!(self, Base::Records | Base::Pr)
    }
    fn example(self) -> Option<&'static str> {
        match self {
            Base::ExampleEscom => Some("escom"),
            Base::ExampleCire => Some("cire"),
            Base::ExampleMicroCredential => Some("micro-credential"),
            _ => None,
        }
    }
}

/// One diagnostic as every output shows it: severity, rule, file, line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Diag {
    rule: String,
    file: String,
    line: u32,
    warning: bool,
}

impl std::fmt::Display for Diag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.warning {
            f.write_str("warning ")?;
        }
        write!(f, "{} {}:{}", self.rule, self.file, self.line)
    }
}

/// Where an expected diagnostic is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Both,
    CheckOnly,
    BuildOnly,
}

struct Case {
    name: String,
    dir: PathBuf,
    spec: Spec,
    expect: Vec<(Found, Diag)>,
}

fn cases() -> Vec<Case> {
    let only: Option<Vec<String>> = std::env::var("HOSTILE_CASES")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            only.as_ref()
                .is_none_or(|o| o.iter().any(|w| name.contains(w.as_str())))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().map(|dir| load_case(&dir)).collect()
}

fn load_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let spec = match std::fs::read_to_string(dir.join("case.yml")) {
        Ok(text) => {
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}/case.yml: {e}"))
        }
        Err(_) => Spec::default(),
    };
    let text = std::fs::read_to_string(dir.join("expect")).unwrap_or_default();
    let mut expect = Vec::new();
    for l in text.lines().map(str::trim) {
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (found, l) = match (l.strip_prefix("check-only "), l.strip_prefix("build-only ")) {
            (Some(rest), _) => (Found::CheckOnly, rest),
            (_, Some(rest)) => (Found::BuildOnly, rest),
            _ => (Found::Both, l),
        };
        let (warning, l) = match l.strip_prefix("warning ") {
            Some(rest) => (true, rest),
            None => (false, l),
        };
        // File names may hold spaces: the rule is the first word, the
        // count (` *N`) the last when there is one, the rest is `file:line`.
        let Some((rule, at)) = l.split_once(' ') else {
            panic!("{name}/expect: `{l}` is not `rule file:line`");
        };
        let (at, count) = match at.rsplit_once(" *") {
            Some((at, n)) => (
                at,
                n.parse()
                    .unwrap_or_else(|_| panic!("{name}/expect: `{l}`: a count is written *N")),
            ),
            None => (at, 1),
        };
        let (file, line) = at
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("{name}/expect: `{at}` is not file:line"));
        let d = Diag {
            rule: rule.to_string(),
            file: file.to_string(),
            line: line
                .parse()
                .unwrap_or_else(|_| panic!("{name}/expect: line of `{at}`")),
            warning,
        };
        expect.extend(std::iter::repeat_n((found, d), count));
    }
    Case {
        name,
        dir: dir.to_path_buf(),
        spec,
        expect,
    }
}

/// Names at the top of a case folder that are not laid over the base.
const NOT_OVERLAID: &[&str] = &["expect", "case.yml", "pr", "main"];

/// Copies `from` over `to`, recreating symbolic links as links (some cases
/// are links); at the top, the case's own files are skipped. A folder named
/// `dot-git` becomes `.git`: git cannot store a folder of that name, and
/// a case without it would pass on a clean clone for the wrong reason.
fn overlay(from: &Path, to: &Path, top: bool) {
    for entry in walkdir::WalkDir::new(from)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            !(top && e.depth() == 1 && NOT_OVERLAID.contains(&&*e.file_name().to_string_lossy()))
        })
    {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(
            rel.iter()
                .map(|c| if c == "dot-git" { ".git".as_ref() } else { c })
                .collect::<PathBuf>(),
        );
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            let _ = std::fs::remove_file(&dest);
            std::os::unix::fs::symlink(target, &dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            let _ = std::fs::remove_file(&dest);
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// Inputs too big to commit, made at run time

/// Runs the generator `name` over the root `root`.
fn generate(name: &str, root: &Path) {
    match name {
        // Issue 10 item 8: 1,000 impossible dates on one line of a record
        // (65 s and 68 MB of human output before).
        "record-dates-on-one-line" => {
            let entries: Vec<String> = (0..1000)
                .map(|i| {
                    format!(
                        "{{ date: 2025-13-{:02}, hours: 1, activity: A }}",
                        i % 28 + 1
                    )
                })
                .collect();
            replace_hours(
                root,
                "emile",
                &format!("  hours: [{}]\n", entries.join(", ")),
            );
        }
        // Review: 140,000 empty hours items, a MiB of record with three
        // keys missing in each (over 20 minutes before, each report
        // reading the text again): fifty said, the rest counted.
        "record-empty-items" => replace_hours(
            root,
            "emile",
            &format!("  hours:\n{}", "    - {}\n".repeat(110_000)),
        ),
        // Issue 10 item 8: 3,000 broken links on one line (265 s before).
        "links-on-one-line" => {
            let links: Vec<String> = (0..3000)
                .map(|i| format!("[x{i}](@/missing-{i}.md)"))
                .collect();
            write(
                root,
                "content/liens.fr.md",
                format!("---\ntitle: Liens\n---\n{}\n", links.join(" ")),
            );
        }
        // Issue 10 item 8: 100,000 nested <div> (over 20 s before).
        "nested-divs" => write(
            root,
            "content/divs.fr.md",
            format!(
                "---\ntitle: Divs\n---\n\nIntro.\n\n{}x{}\n",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            ),
        ),
        // Issue 10 item 8: a 2 MB Markdown table of small cells, two
        // million of them (341 MB before, 285 MB with the events of the
        // page held at once).
        "markdown-table-2mb" => {
            let cols = 200;
            let mut t = String::from("---\ntitle: Tableau\n---\n\n|");
            t.push_str(&(0..cols).map(|i| format!("c{i}|")).collect::<String>());
            t.push_str("\n|");
            t.push_str(&"---|".repeat(cols));
            t.push('\n');
            let row = format!("|{}\n", "x|".repeat(cols));
            while t.len() < 2 << 20 {
                t.push_str(&row);
            }
            write(root, "content/tableau.fr.md", t);
        }
        // 100,000 nested block quotes and list items in Markdown.
        "nested-blockquotes" => write(
            root,
            "content/citations.fr.md",
            format!("---\ntitle: Citations\n---\n\n{}x\n", "> ".repeat(100_000)),
        ),
        "nested-lists" => write(
            root,
            "content/listes.fr.md",
            format!("---\ntitle: Listes\n---\n\n{}x\n", "- ".repeat(100_000)),
        ),
        // 100,000 nested YAML flow sequences in a front matter.
        "front-matter-deep" => write(
            root,
            "content/profond.fr.md",
            format!(
                "---\ntitle: Profond\nextra:\n  x: {}{}\n---\nTexte.\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
        // A page of 1 MB on one line, and one of 8 MB of paragraphs (over
        // the 4 MiB a text file may have).
        "page-long-line" => write(
            root,
            "content/ligne.fr.md",
            format!("---\ntitle: Ligne\n---\n{}\n", "mot ".repeat(250_000)),
        ),
        "page-8mb" => {
            let para = "Un paragraphe de texte, avec *un peu* de **mise en forme** et [un lien](https://example.org).\n\n";
            write(
                root,
                "content/gros.fr.md",
                format!(
                    "---\ntitle: Gros\n---\n{}",
                    para.repeat((8 << 20) / para.len())
                ),
            );
        }
        // 100,000 nested YAML mappings in a record, and in a calendar.
        "record-deep" => replace_hours(
            root,
            "emile",
            &format!(
                "  hours: {}{}\n",
                "{a: ".repeat(100_000),
                "}".repeat(100_000)
            ),
        ),
        "calendar-deep" => write(
            root,
            "data/calendar/profond.yml",
            format!("events: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        // 1,000 events with an impossible date, all on one line.
        "calendar-dates-on-one-line" => {
            let events: Vec<String> = (0..1000)
                .map(|i| {
                    format!(
                        "{{ id: e{i}, kind: workshop, programme: ceci, title: {{ fr: E }}, start: 2026-02-30T18:00, end: 2026-02-30T20:00, online: 'https://example.org' }}"
                    )
                })
                .collect();
            write(
                root,
                "data/calendar/serre.yml",
                format!("events: [{}]\n", events.join(", ")),
            );
        }
        // Issue 10 item 9: a production whose title starts a heading and
        // whose file name closes its code span, and a file in another
        // student's folder named like a link.
        "pr-markdown-injection" => {
            let path = root.join(common::record_path("emile"));
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace(
                "  - { title: PV du comité, kind: meeting-minutes, file: pv.md }",
                "  - { title: \"PV\\n## Injected [x](https://evil.example)\", kind: meeting-minutes, file: \"pv`` </code>\\n# Injected.md\" }",
            );
            std::fs::write(path, text).unwrap();
            write(
                root,
                "data/portfolios/dana/## Injected [x](javascript:alert(1)).md",
                "x\n",
            );
        }
        // Issue 10 item 9: a page whose file name is a link, with a broken
        // link so that it shows in the step summary.
        "site-markdown-injection" => write(
            root,
            "content/## Injected [a](javascript:alert(1)) `x.fr.md",
            "---\ntitle: A\n---\n[b](@/perdu.md)\n",
        ),
        // A record just over its size limit (1 MiB).
        "record-too-big" => {
            let path = root.join(common::record_path("emile"));
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str(&format!("# {}\n", "x".repeat(1_100_000)));
            std::fs::write(path, text).unwrap();
        }
        // Issue 10 item 10: a PR of 20,000 files.
        "pr-20000-files" => {
            for i in 0..20_000 {
                write(
                    root,
                    &format!("data/portfolios/emile/scans/{:03}/p{i}.txt", i / 100),
                    format!("{i}\n"),
                );
            }
        }
        // Issue 10 item 10: 12 files of 9.9 MB each (one blob in git).
        "pr-12-files-of-9.9mb" => {
            let big = vec![b'x'; 9_900_000];
            for i in 0..12 {
                write(
                    root,
                    &format!("data/portfolios/emile/scan-{i:02}.pdf"),
                    &big,
                );
            }
        }
        // One file over the 10 MiB limit of a file.
        "pr-huge-file" => write(
            root,
            "data/portfolios/emile/video.mp4",
            vec![b'x'; 10 * 1024 * 1024 + 1],
        ),
        other => panic!("no generator `{other}`"),
    }
}

/// Generators that write the PR's commit in git directly, where the work
/// tree could not hold their files.
fn in_git(name: &str) -> bool {
    name == "pr-1000-paths-one-blob"
}

/// Runs the git generator `name` on the repository at `root`: a commit on
/// the PR branch.
fn generate_in_git(name: &str, root: &Path) {
    assert_eq!(name, "pr-1000-paths-one-blob");
    // A thousand paths to one blob of 9.9 MB: 10 MB in git, 10 GB for a
    // reader that reads each path apart.
    let git = git2::Repository::open(root).unwrap();
    let pr = git
        .find_reference("refs/heads/pr")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    let blob = git.blob(&vec![b'x'; 9_900_000]).unwrap();
    let mut copies = git.treebuilder(None).unwrap();
    for i in 0..1000 {
        copies
            .insert(format!("scan-{i:04}.pdf"), blob, 0o100644)
            .unwrap();
    }
    let copies = copies.write().unwrap();
    let tree = with_subtree(
        &git,
        Some(&pr.tree().unwrap()),
        &["data", "portfolios", "emile", "copies"],
        copies,
    );
    let tree = git.find_tree(tree).unwrap();
    let sig =
        git2::Signature::new("T", "t@example.org", &git2::Time::new(1_767_300_000, 0)).unwrap();
    git.commit(Some("refs/heads/pr"), &sig, &sig, "copies", &tree, &[&pr])
        .unwrap();
}

/// `tree` with the tree `leaf` at `path` (folders made as needed).
fn with_subtree(
    git: &git2::Repository,
    tree: Option<&git2::Tree>,
    path: &[&str],
    leaf: git2::Oid,
) -> git2::Oid {
    let mut tb = git.treebuilder(tree).unwrap();
    let child = if path.len() == 1 {
        leaf
    } else {
        let sub = tree
            .and_then(|t| t.get_name(path[0]))
            .map(|e| e.to_object(git).unwrap().peel_to_tree().unwrap());
        with_subtree(git, sub.as_ref(), &path[1..], leaf)
    };
    tb.insert(path[0], child, 0o040000).unwrap();
    tb.write().unwrap()
}

/// Replaces the whole `hours:` list of `handle`'s record by `hours`.
fn replace_hours(root: &Path, handle: &str, hours: &str) {
    let path = root.join(common::record_path(handle));
    let record = std::fs::read_to_string(&path).unwrap();
    let start = record.find("  hours:\n").unwrap();
    let end = record.find("modules:").unwrap();
    std::fs::write(
        path,
        format!("{}{hours}{}", &record[..start], &record[end..]),
    )
    .unwrap();
}

// ---------------------------------------------------------------------------
// The folders of one run

/// A case laid out in a temporary folder: the copy under `site/`, and the
/// working folder, HOME and TMPDIR of the runs beside it, all of which must
/// stay as they are; logs and step summaries live in a folder apart.
struct Layout {
    _tmp: tempfile::TempDir,
    top: PathBuf,
    site: PathBuf,
    cwd: PathBuf,
    home: PathBuf,
    tmpdir: PathBuf,
    logs: tempfile::TempDir,
    /// Kept alive for PR cases: the repository lives in its own folder.
    _repo: Option<Repo>,
}

impl Layout {
    fn new() -> Layout {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().to_path_buf();
        let [site, cwd, home, tmpdir] = ["site", "cwd", "home", "tmp"].map(|n| {
            let p = top.join(n);
            std::fs::create_dir(&p).unwrap();
            p
        });
        Layout {
            _tmp: tmp,
            top,
            site,
            cwd,
            home,
            tmpdir,
            logs: tempfile::tempdir().unwrap(),
            _repo: None,
        }
    }
}

/// Lays `case` over its base (or the bare base without a case).
fn prepare(base: Base, case: Option<&Case>) -> Layout {
    let mut layout = Layout::new();
    let site = layout.site.clone();
    match base {
        Base::Site => {
            copy_dir(&repo().join("tests/fixtures/basic"), &site);
            copy_dir(&theme(), &site.join("themes/default"));
        }
        Base::Records => {
            let r = records_root(&["dana", "emile"]);
            copy_dir(r.path(), &site);
            other_programme(&site);
        }
        Base::ExampleEscom | Base::ExampleCire | Base::ExampleMicroCredential => {
            copy_dir(
                &repo().join("examples").join(base.example().unwrap()),
                &site,
            );
            if other_repo().is_some() {
                std::fs::remove_dir_all(site.join("themes/default")).unwrap();
                copy_dir(&theme(), &site.join("themes/default"));
            }
        }
        Base::Pr => {
            let mut r = Repo::with(|root| {
                other_programme(root);
                if let Some(case) = case {
                    overlay(&case.dir, root, true);
                }
            });
            if let Some(case) = case {
                let main = case.dir.join("main");
                if main.is_dir() {
                    // Main moves on after the branch point; the work tree
                    // goes back to the branch point for the PR.
                    let kept = snapshot_files(r.root(), &main);
                    overlay(&main, r.root(), false);
                    r.commit("refs/heads/main", "main moves on");
                    for (rel, bytes) in kept {
                        match bytes {
                            Some(b) => std::fs::write(r.root().join(rel), b).unwrap(),
                            None => std::fs::remove_file(r.root().join(rel)).unwrap(),
                        }
                    }
                }
                let pr = case.dir.join("pr");
                if pr.is_dir() {
                    overlay(&pr, r.root(), false);
                }
                for d in &case.spec.delete {
                    std::fs::remove_file(r.root().join(d)).unwrap();
                }
                apply(&case.spec.edits, r.root(), &case.name);
                if let Some(g) = case.spec.generate.as_deref().filter(|g| !in_git(g)) {
                    generate(g, r.root());
                }
            }
            r.pr();
            if let Some(g) = case
                .and_then(|c| c.spec.generate.as_deref())
                .filter(|g| in_git(g))
            {
                generate_in_git(g, r.root());
            }
            layout.site = r.root().to_path_buf();
            layout._repo = Some(r);
            return layout;
        }
    }
    if let Some(case) = case {
        overlay(&case.dir, &site, true);
        apply(&case.spec.edits, &site, &case.name);
        if let Some(g) = &case.spec.generate {
            generate(g, &site);
        }
    }
    layout
}

/// The bytes under `root` of each file of `over` (None: absent), to put
/// back after `over` was laid and committed.
fn snapshot_files(root: &Path, over: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    walkdir::WalkDir::new(over)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(over).unwrap().to_path_buf();
            let bytes = std::fs::read(root.join(&rel)).ok();
            (rel, bytes)
        })
        .collect()
}

/// Every path under `dir` with its kind, size, permissions and
/// modification time: a write anywhere shows.
type Tree = BTreeMap<PathBuf, (u32, u64, i64, i64)>;

fn tree(dir: &Path) -> Tree {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let m = e.path().symlink_metadata().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, (m.mode(), m.len(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// The paths that differ between two trees.
fn changed(before: &Tree, after: &Tree) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = before
        .iter()
        .filter(|(p, v)| after.get(*p) != Some(*v))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(after.keys().filter(|p| !before.contains_key(*p)).cloned());
    out.sort();
    out
}

// ---------------------------------------------------------------------------
// Running the binary, measured

/// What one run of the binary did.
struct Measured {
    args: String,
    code: Option<i32>,
    signal: Option<i32>,
    wall: Duration,
    /// User plus system time, all threads.
    cpu: Duration,
    max_rss_kb: i64,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// The step summary written, for GitHub runs.
    summary: Option<String>,
}

impl Measured {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    /// The start of what was printed, for failure messages.
    fn excerpt(&self) -> String {
        let mut s = format!("{}{}", self.stderr(), self.stdout());
        if s.len() > 3000 {
            let mut cut = 3000;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push('…');
        }
        s
    }
}

/// `ENGAGE_REPO`: the tree `ENGAGE_BIN` was built from, whose default
/// theme and CECi programme that binary reads (today's may hold what it
/// does not know).
fn other_repo() -> Option<PathBuf> {
    std::env::var_os("ENGAGE_REPO").map(PathBuf::from)
}

/// The default theme, of `ENGAGE_REPO` when given.
fn theme() -> PathBuf {
    other_repo().unwrap_or_else(repo).join("themes/default")
}

/// The CECi programme of `ENGAGE_REPO` over the one of `root`, when given.
fn other_programme(root: &Path) {
    if let Some(other) = other_repo() {
        std::fs::copy(
            other.join("data/programmes/ceci.yml"),
            root.join("data/programmes/ceci.yml"),
        )
        .unwrap();
    }
}

fn binary() -> PathBuf {
    std::env::var_os("ENGAGE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_engage")))
}

/// Runs `engage --root <site> --lang en <args>` from the layout's working
/// folder with its own HOME and TMPDIR, outside of any CI environment, and
/// measures it with wait4: wall time, CPU time, peak resident memory.
fn run(layout: &Layout, args: &[String], summary: bool) -> Measured {
    run_in(layout, args, summary, false)
}

/// [`run`], from the root itself with `in_root`.
fn run_in(layout: &Layout, args: &[String], summary: bool, in_root: bool) -> Measured {
    let n = std::fs::read_dir(layout.logs.path()).unwrap().count();
    let out_path = layout.logs.path().join(format!("{n}.out"));
    let err_path = layout.logs.path().join(format!("{n}.err"));
    let summary_path = layout.logs.path().join(format!("{n}.summary.md"));
    let mut cmd = Command::new(binary());
    cmd.arg("--root")
        .arg(&layout.site)
        .args(["--lang", "en"])
        .args(args)
        .current_dir(if in_root { &layout.site } else { &layout.cwd })
        .env("NO_COLOR", "1")
        .env("HOME", &layout.home)
        .env("TMPDIR", &layout.tmpdir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_ACTOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    if summary {
        cmd.env("GITHUB_STEP_SUMMARY", &summary_path);
    }
    // A runaway (the code before a fix) is stopped at 4 GiB of address
    // space rather than taking the machine's memory: far above the 500 MB
    // a run may use, and above what the threads' stacks and the
    // allocator's arenas reserve.
    // SAFETY: setrlimit is async-signal-safe, and the closure allocates
    // nothing.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 4 << 30,
                rlim_max: 4 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waits for our own child, with valid pointers; the Child
        // is never waited for by std afterwards (it is forgotten).
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4: {}", std::io::Error::last_os_error());
        if started.elapsed() > KILL_AFTER {
            // SAFETY: our own child, not yet waited for.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let wall = started.elapsed();
    std::mem::forget(child);
    let (code, signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else {
        (None, Some(libc::WTERMSIG(status)))
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Measured {
        args: args.join(" "),
        code,
        signal,
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
        summary: summary.then(|| std::fs::read_to_string(&summary_path).unwrap_or_default()),
    }
}

// ---------------------------------------------------------------------------
// Reading the diagnostics of each output

/// From `check --format json`.
fn from_json(m: &Measured) -> Result<Vec<Diag>, String> {
    let v: serde_json::Value = serde_json::from_slice(&m.stdout)
        .map_err(|e| format!("not JSON ({e}): {}", m.excerpt()))?;
    Ok(v["diagnostics"]
        .as_array()
        .ok_or("no diagnostics in the JSON")?
        .iter()
        .map(|d| Diag {
            rule: d["rule"].as_str().unwrap_or_default().to_string(),
            file: d["file"].as_str().unwrap_or_default().to_string(),
            line: d["line"].as_u64().unwrap_or_default() as u32,
            warning: d["severity"] == "warning",
        })
        .collect())
}

/// From the human output: `error[rule]: message` followed by its location,
/// `┌─ file:line:column` under a source line, or `= file:line:column`
/// (`= file` alone for a diagnostic without a line) before the hint.
fn from_human(stderr: &str) -> Vec<Diag> {
    let mut out = Vec::new();
    let mut pending: Option<(bool, String)> = None;
    for l in stderr.lines() {
        let head = l
            .strip_prefix("error[")
            .map(|r| (false, r))
            .or_else(|| l.strip_prefix("warning[").map(|r| (true, r)));
        if let Some((warning, rest)) = head {
            if let Some((rule, _)) = rest.split_once("]: ") {
                pending = Some((warning, rule.to_string()));
                continue;
            }
        }
        let t = l.trim_start();
        let (at, note) = match (t.strip_prefix("┌─ "), t.strip_prefix("= ")) {
            (Some(at), _) => (at, false),
            (_, Some(at)) if !at.starts_with("help:") && !at.starts_with("aide :") => (at, true),
            _ => continue,
        };
        let Some((warning, rule)) = pending.take() else {
            continue;
        };
        let mut parts = at.rsplitn(3, ':');
        let (col, line, file) = (parts.next(), parts.next(), parts.next());
        let (file, line) = match (
            col.map(str::parse::<u32>),
            line.map(str::parse::<u32>),
            file,
        ) {
            (Some(Ok(_)), Some(Ok(line)), Some(file)) => (file, line),
            _ if note => (at, 0),
            _ => continue,
        };
        out.push(Diag {
            rule,
            file: file.to_string(),
            line,
            warning,
        });
    }
    out
}

/// From the workflow commands of `--format github`:
/// `::error file=…,line=…,col=…,title=rule::message`.
fn from_github(stdout: &str) -> Vec<Diag> {
    let unescape = |s: &str| {
        s.replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    stdout
        .lines()
        .filter_map(|l| {
            let (warning, rest) = match (l.strip_prefix("::error "), l.strip_prefix("::warning ")) {
                (Some(r), _) => (false, r),
                (_, Some(r)) => (true, r),
                _ => return None,
            };
            let (props, _) = rest.split_once("::")?;
            let mut d = Diag {
                rule: String::new(),
                file: String::new(),
                line: 0,
                warning,
            };
            for p in props.split(',') {
                match p.split_once('=')? {
                    ("file", v) => d.file = unescape(v),
                    ("line", v) => d.line = v.parse().ok()?,
                    ("title", v) => d.rule = unescape(v),
                    _ => {}
                }
            }
            Some(d)
        })
        .collect()
}

/// `got` without one copy of each diagnostic of `baseline`, sorted.
fn without(mut got: Vec<Diag>, baseline: &[Diag]) -> Vec<Diag> {
    for b in baseline {
        if let Some(i) = got.iter().position(|g| g == b) {
            got.remove(i);
        }
    }
    got.sort();
    got
}

// ---------------------------------------------------------------------------
// One case

/// What the runs of a case measured, for the report.
struct Stats {
    name: String,
    runs: Vec<(String, Duration, Duration, i64)>,
}

/// The diagnostics of the bare bases, measured once: a case answers for
/// what it adds.
#[derive(Clone, Default)]
struct Baseline {
    check: Vec<Diag>,
    build: Vec<Diag>,
}

#[allow(clippy::type_complexity)]
static BASELINES: Mutex<Option<HashMap<(Base, Option<String>), Baseline>>> = Mutex::new(None);

fn baseline(base: Base, spec_path: Option<&str>) -> Result<Baseline, String> {
    if base == Base::Pr {
        return Ok(Baseline::default());
    }
    let key = (base, spec_path.map(str::to_string));
    if let Some(b) = BASELINES
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .get(&key)
    {
        return Ok(b.clone());
    }
    let layout = prepare(base, None);
    let mut args = check_args(base, spec_path);
    args.extend(["--format".to_string(), "json".to_string()]);
    let m = run(&layout, &args, false);
    if m.code != Some(0) {
        return Err(format!(
            "the bare base {base:?} fails its check: {}",
            m.excerpt()
        ));
    }
    let check = from_json(&m)?;
    let build = if base.has_site() {
        let m = run(&layout, &build_args(base, &[]), false);
        if m.code != Some(0) {
            return Err(format!(
                "the bare base {base:?} fails to build: {}",
                m.excerpt()
            ));
        }
        from_human(&m.stderr())
    } else {
        Vec::new()
    };
    let b = Baseline { check, build };
    BASELINES
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .insert(key, b.clone());
    Ok(b)
}

fn check_args(base: Base, path: Option<&str>) -> Vec<String> {
    let mut a: Vec<String> = ["check", "--today", base.today()]
        .map(String::from)
        .to_vec();
    if let Some(p) = path {
        a.push(p.to_string());
    }
    a
}

fn build_args(base: Base, extra: &[String]) -> Vec<String> {
    let mut a: Vec<String> = ["build", "--today", base.today()]
        .map(String::from)
        .to_vec();
    a.extend(extra.iter().cloned());
    a
}

/// Runs one case; returns what failed (empty: it passed) and its stats.
fn run_case(case: &Case) -> (Vec<String>, Stats, Vec<Diag>) {
    let name = &case.name;
    let spec = &case.spec;
    let base = spec.base;
    let mut errors = Vec::new();
    let mut stats = Stats {
        name: name.clone(),
        runs: Vec::new(),
    };
    let baseline = match baseline(base, spec.path.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            errors.push(format!("{name}: {e}"));
            return (errors, stats, Vec::new());
        }
    };
    let layout = prepare(base, Some(case));
    // A PR case's repository lives apart from the layout: watched too.
    let watch = |l: &Layout| {
        let mut t = tree(&l.top);
        if !l.site.starts_with(&l.top) {
            for (p, v) in tree(&l.site) {
                t.insert(Path::new("repository").join(p), v);
            }
        }
        t
    };

    let max_rss_kb = spec
        .max_memory_mb
        .map_or(MAX_RSS_KB, |mb| (mb * 1000 * 1000 / 1024).min(MAX_RSS_KB));
    let want_check: Vec<Diag> = {
        let mut v: Vec<Diag> = case
            .expect
            .iter()
            .filter(|(f, _)| *f != Found::BuildOnly)
            .map(|(_, d)| d.clone())
            .collect();
        v.sort();
        v
    };
    let check_code = i32::from(want_check.iter().any(|d| !d.warning));
    let mut args = check_args(base, spec.path.as_deref());
    if base == Base::Pr {
        args.extend(
            [
                "--pr",
                "--base",
                "main",
                "--author",
                spec.author.as_deref().unwrap_or("emile"),
            ]
            .map(String::from),
        );
    }
    let mut found_json = Vec::new();
    for format in ["json", "human", "github"] {
        let mut a = args.clone();
        if format != "human" {
            a.extend(["--format".to_string(), format.to_string()]);
        }
        let before = watch(&layout);
        let m = run(&layout, &a, format == "github");
        stats
            .runs
            .push((format!("check {format}"), m.wall, m.cpu, m.max_rss_kb));
        bounded_watch(
            name,
            &m,
            check_code,
            &layout,
            &before,
            &watch,
            None,
            max_rss_kb,
            &mut errors,
        );
        let got = match format {
            "json" => match from_json(&m) {
                Ok(d) => d,
                Err(e) => {
                    errors.push(format!("{name}: {e}"));
                    continue;
                }
            },
            "human" => from_human(&m.stderr()),
            _ => from_github(&m.stdout()),
        };
        let got = without(got, &baseline.check);
        if format == "json" {
            found_json = got.clone();
        }
        if got != want_check {
            errors.push(format!(
                "{name}: `engage {}` reported\n{}\nexpected\n{}\n{}",
                m.args,
                list(&got),
                list(&want_check),
                m.excerpt()
            ));
        }
        if format == "human" {
            let text = format!("{}{}", m.stderr(), m.stdout());
            for a in &spec.human_absent {
                if text.contains(a.as_str()) {
                    errors.push(format!("{name}: the human output prints `{a}`"));
                }
            }
        }
        if let Some(summary) = &m.summary {
            let html = markdown_to_html(summary);
            for a in &spec.summary_absent {
                if html.contains(a.as_str()) {
                    errors.push(format!(
                        "{name}: the step summary, as GitHub shows it, holds `{a}`:\n{html}"
                    ));
                }
            }
        }
    }

    let mut found = found_json
        .into_iter()
        .map(|d| {
            let f = if base.has_site() && d.file.starts_with("data/portfolios") {
                Found::CheckOnly
            } else {
                Found::Both
            };
            (f, d)
        })
        .collect::<Vec<_>>();

    if base.has_site() {
        let want_build: Vec<Diag> = {
            let mut v: Vec<Diag> = case
                .expect
                .iter()
                .filter(|(f, _)| *f != Found::CheckOnly)
                .map(|(_, d)| d.clone())
                .collect();
            v.sort();
            v
        };
        let code = spec
            .build_exit
            .unwrap_or(i32::from(want_build.iter().any(|d| !d.warning)));
        let before = watch(&layout);
        let m = run_in(&layout, &build_args(base, &spec.build), false, spec.in_root);
        stats
            .runs
            .push(("build".into(), m.wall, m.cpu, m.max_rss_kb));
        // A build that succeeds writes its output folder, nothing else.
        let output = match spec.build.iter().position(|a| a == "--output") {
            Some(i) => {
                let from = if spec.in_root {
                    &layout.site
                } else {
                    &layout.cwd
                };
                from.join(&spec.build[i + 1])
            }
            None => layout.site.join("public"),
        };
        bounded_watch(
            name,
            &m,
            code,
            &layout,
            &before,
            &watch,
            Some((&output, code == 0)),
            max_rss_kb,
            &mut errors,
        );
        let got = without(from_human(&m.stderr()), &baseline.build);
        if got != want_build {
            errors.push(format!(
                "{name}: `engage {}` reported\n{}\nexpected\n{}\n{}",
                m.args,
                list(&got),
                list(&want_build),
                m.excerpt()
            ));
        }
        // What the build alone found, for HOSTILE_BLESS.
        let check_found: Vec<Diag> = found.iter().map(|(_, d)| d.clone()).collect();
        for d in without(got, &check_found) {
            found.push((Found::BuildOnly, d));
        }
    }
    let blessed = found
        .into_iter()
        .map(|(f, d)| match f {
            Found::Both => d,
            Found::CheckOnly => Diag {
                rule: format!("check-only {}", d.rule),
                ..d
            },
            Found::BuildOnly => Diag {
                rule: format!("build-only {}", d.rule),
                ..d
            },
        })
        .collect();
    drop(layout);
    (errors, stats, blessed)
}

/// Checks one run: nothing written, or for a build (`output`: its output
/// folder, and whether it may be written) nothing but its output; and its
/// bounds.
#[allow(clippy::too_many_arguments)]
fn bounded_watch(
    name: &str,
    m: &Measured,
    code: i32,
    layout: &Layout,
    before: &Tree,
    watch: &dyn Fn(&Layout) -> Tree,
    output: Option<(&Path, bool)>,
    max_rss_kb: i64,
    errors: &mut Vec<String>,
) {
    let after = watch(layout);
    let what = format!("{name}: `engage {}`", m.args);
    let mut moved = changed(before, &after);
    if let Some((output, written)) = output {
        // The folders above the output may gain and lose an entry (the
        // staging folder of a build that failed while rendering); what
        // they hold is watched entry by entry. The output itself may be
        // written by a build that succeeded, and so may its page cache
        // beside it (never inside: the output is what gets deployed).
        let output = output.strip_prefix(&layout.top).unwrap_or(output);
        moved.retain(|p| !(output.starts_with(p) && p != output));
        if written {
            let cache = output.parent().map(|p| p.join(".engage-cache"));
            moved.retain(|p| {
                !p.starts_with(output) && cache.as_ref().is_none_or(|c| !p.starts_with(c))
            });
        }
    }
    if !moved.is_empty() {
        errors.push(format!("{what} wrote {moved:?}"));
    }
    check_bounds(&what, m, code, max_rss_kb, errors);
}

/// Exit code, signal, panic, time and memory of one run.
fn check_bounds(
    what: &str,
    m: &Measured,
    expected_code: i32,
    max_rss_kb: i64,
    errors: &mut Vec<String>,
) {
    if let Some(sig) = m.signal {
        errors.push(format!("{what} died of signal {sig}: {}", m.excerpt()));
    } else if m.code != Some(expected_code) {
        errors.push(format!(
            "{what} exited {:?}, expected {expected_code}: {}",
            m.code,
            m.excerpt()
        ));
    }
    if m.stderr().contains("panicked at") {
        errors.push(format!("{what} panicked: {}", m.excerpt()));
    }
    if m.cpu > CPU_BUDGET {
        errors.push(format!(
            "{what} took {:?} of CPU time (budget {CPU_BUDGET:?})",
            m.cpu
        ));
    }
    if m.wall > WALL_LIMIT {
        errors.push(format!("{what} took {:?} (limit {WALL_LIMIT:?})", m.wall));
    }
    if m.max_rss_kb > max_rss_kb {
        errors.push(format!(
            "{what} peaked at {} MiB (limit {} MiB)",
            m.max_rss_kb / 1024,
            max_rss_kb / 1024
        ));
    }
}

/// Markdown as GitHub shows a step summary (tables, strikethrough): what
/// a reader sees, where an injected heading or link would show.
fn markdown_to_html(md: &str) -> String {
    use pulldown_cmark::{Options, Parser};
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    html
}

fn list(ds: &[Diag]) -> String {
    if ds.is_empty() {
        return "  (nothing)".into();
    }
    ds.iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `expect` text of what was found: identical lines counted.
fn blessed_text(case: &Case, found: &[Diag]) -> String {
    let mut sorted = found.to_vec();
    sorted.sort();
    let mut counts: Vec<(Diag, usize)> = Vec::new();
    for d in sorted {
        match counts.last_mut() {
            Some((last, n)) if *last == d => *n += 1,
            _ => counts.push((d, 1)),
        }
    }
    // Comments of the old file are kept at its top.
    let old = std::fs::read_to_string(case.dir.join("expect")).unwrap_or_default();
    let mut text: String = old
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    for (d, n) in counts {
        let (prefix, rule) = match d.rule.split_once(' ') {
            Some((p, r)) => (format!("{p} "), r.to_string()),
            None => (String::new(), d.rule.clone()),
        };
        let sev = if d.warning { "warning " } else { "" };
        text.push_str(&format!("{prefix}{sev}{rule} {}:{}", d.file, d.line));
        if n > 1 {
            text.push_str(&format!(" *{n}"));
        }
        text.push('\n');
    }
    text
}

#[test]
fn every_hostile_input_is_located_bounded_and_writes_nothing() {
    let cases = cases();
    let filtered = std::env::var_os("HOSTILE_CASES").is_some();
    let bless = std::env::var_os("HOSTILE_BLESS").is_some();
    assert!(
        filtered || bless || cases.len() >= 80,
        "{} cases",
        cases.len()
    );
    // A worker per core: budgets are in CPU time, which runs side by side
    // do not change.
    let workers = std::env::var("HOSTILE_WORKERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Vec<String>, Stats)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let (errors, stats, found) = run_case(case);
                if bless {
                    std::fs::write(case.dir.join("expect"), blessed_text(case, &found)).unwrap();
                }
                results.lock().unwrap().push((i, errors, stats));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let failures: Vec<String> = results.iter().flat_map(|r| r.1.iter().cloned()).collect();
    let stats: Vec<Stats> = results.into_iter().map(|r| r.2).collect();
    report(&stats);
    assert!(
        failures.is_empty(),
        "{} problem(s) in {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Prints the slowest and the heaviest runs, and the maxima
/// (`cargo test --test hostile -- --nocapture` shows them).
fn report(stats: &[Stats]) {
    let mut runs: Vec<(&str, &str, Duration, Duration, i64)> = stats
        .iter()
        .flat_map(|s| {
            s.runs
                .iter()
                .map(move |(w, t, c, m)| (s.name.as_str(), w.as_str(), *t, *c, *m))
        })
        .collect();
    let n = runs.len();
    let cpu: Duration = runs.iter().map(|r| r.3).sum();
    let wall: Duration = runs.iter().map(|r| r.2).sum();
    println!("total: {wall:.1?} wall, {cpu:.1?} CPU");
    let max_wall = runs.iter().map(|r| r.2).max().unwrap_or_default();
    let max_cpu = runs.iter().map(|r| r.3).max().unwrap_or_default();
    let max_rss = runs.iter().map(|r| r.4).max().unwrap_or_default();
    println!(
        "one run at most: {max_wall:.3?} wall, {max_cpu:.3?} CPU, {} MiB",
        max_rss / 1024
    );
    runs.sort_by_key(|r| std::cmp::Reverse(r.3));
    println!(
        "{} cases, {n} runs; the costliest in CPU time (wall, CPU, peak memory):",
        stats.len()
    );
    for (case, what, wall, cpu, rss) in runs.iter().take(8) {
        println!(
            "  {wall:>10.3?} {cpu:>10.3?} {:>6} MiB  {case}: {what}",
            rss / 1024
        );
    }
    runs.sort_by_key(|r| std::cmp::Reverse(r.4));
    println!("the heaviest in memory:");
    for (case, what, wall, cpu, rss) in runs.iter().take(5) {
        println!(
            "  {wall:>10.3?} {cpu:>10.3?} {:>6} MiB  {case}: {what}",
            rss / 1024
        );
    }
}

/// Static files that clash with generated pages or with aliases are found
/// by `engage check` as by `engage build`, with the same rule and line,
/// and each message names both sources (the cases static-* and
/// alias-overwrites-static check rules and lines for every output).
#[test]
fn static_clashes_name_both_sources_in_check_and_build() {
    let site = common::fixture("basic");
    let root = site.path();
    write(root, "static/fr/index.html", "<p>pas la vraie page</p>\n");
    write(
        root,
        "content/ceci/piege.fr.md",
        "---\ntitle: Piège\naliases: [\"/hello.txt/\"]\n---\nTexte.\n",
    );
    let expected = [
        (
            "content.static-conflict",
            "static/fr/index.html",
            0,
            "the static file static/fr/index.html would overwrite the page content/_index.fr.md (fr/index.html)",
        ),
        (
            "content.alias-conflict",
            "content/ceci/piege.fr.md",
            3,
            "the old address /hello.txt/ would overwrite the static file static/hello.txt (hello.txt/index.html)",
        ),
    ];
    let run = common::check_json(root, "2026-01-01", &[]);
    assert_eq!(run.code, Some(1), "{}", run.json);
    let build = common::engage(root, &["build", "--today", "2026-01-01"]);
    let err = common::stderr(&build);
    assert_eq!(build.status.code(), Some(1), "{err}");
    assert!(!root.join("public").exists());
    for (rule, file, line, message) in expected {
        let found = run.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}: {}", run.json));
        assert_eq!(found["file"], file);
        assert_eq!(found["line"], line);
        assert_eq!(found["message"], message);
        assert!(err.contains(&format!("error[{rule}]: {message}")), "{err}");
    }
}
