//! Translation freshness on a repository whose commits come in a known
//! order (commit times set explicitly, a day apart), and without history.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{repo as crate_dir, write};
use git2::Repository;

/// 2026-01-01T12:00:00Z: the first commit; each next one is a day later.
const START: i64 = 1_767_268_800;
const DAY: i64 = 86_400;

const FAQ_FR: &str = "---\ntitle: FAQ\ntemplate: faq\n---\n\
## Dois-je prendre une assurance ? {#insurance}\n\nNon.\n\n\
## Puis-je faire mon stage dans mon cercle ? {#circle}\n\nOui.\n";
const FAQ_EN: &str = "---\ntitle: FAQ\ntemplate: faq\n---\n\
## Do I need insurance? {#insurance}\n\nNo.\n\n\
## Can I do my internship in my circle? {#circle}\n\nYes.\n";

fn site(root: &Path) {
    write(
        root,
        "data/site.yml",
        std::fs::read(crate_dir().join("tests/fixtures/basic/data/site.yml")).unwrap(),
    );
    write(root, "content/faq.fr.md", FAQ_FR);
    write(root, "content/faq.en.md", FAQ_EN);
    write(
        root,
        "content/stage.fr.md",
        "---\ntitle: Stage\n---\nLe stage.\n",
    );
    write(
        root,
        "content/stage.en.md",
        "---\ntitle: Internship\n---\nThe internship.\n",
    );
    write(
        root,
        "content/seul.fr.md",
        "---\ntitle: Seul\n---\nEn français.\n",
    );
}

fn commit(git: &Repository, day: i64, message: &str) {
    common::git::commit_all_at(git, START + day * DAY, message);
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {rel}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn translations(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(root)
        .args(["--lang", "en", "translations"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1
}

#[test]
fn translations_older_than_their_counterpart_are_outdated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = Repository::init(root).unwrap();
    site(root);
    commit(&git, 0, "all pages"); // 2026-01-01
    edit(
        root,
        "content/faq.fr.md",
        "Non.",
        "Non, l’université vous couvre.",
    );
    commit(&git, 1, "fr: insurance answer"); // 2026-01-02
    edit(
        root,
        "content/stage.en.md",
        "The internship.",
        "The internship, 150 hours.",
    );
    commit(&git, 2, "en: internship"); // 2026-01-03
    edit(
        root,
        "content/faq.en.md",
        "Yes.",
        "Yes, if a committee member supervises you.",
    );
    commit(&git, 3, "en: circle answer"); // 2026-01-04

    // The library function, as the build calls it.
    let files = engage::core::source::Files::new(engage::core::source::Disk::new(root));
    let config = engage::site::config::Config::load(&files).unwrap();
    let (library, _) = engage::site::content::Library::load(&files, &config.languages, false);
    let report = engage::site::freshness::check(root, &library, &config.languages);
    assert!(report.history);
    let got: Vec<(String, String, u32, String)> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_string(),
                d.file.display().to_string(),
                d.line(),
                d.message.en.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "translation.question-outdated".into(),
                "content/faq.en.md".into(),
                line_of(FAQ_EN, "{#insurance}"),
                "the question #insurance may be outdated: content/faq.fr.md#insurance changed on 2026-01-02, after it last changed here on 2026-01-01".into()
            ),
            (
                "translation.question-outdated".into(),
                "content/faq.fr.md".into(),
                line_of(FAQ_FR, "{#circle}"),
                "the question #circle may be outdated: content/faq.en.md#circle changed on 2026-01-04, after it last changed here on 2026-01-01".into()
            ),
            (
                "translation.outdated".into(),
                "content/stage.fr.md".into(),
                1,
                "this page may be outdated: content/stage.en.md changed on 2026-01-03, after it last changed here on 2026-01-01".into()
            ),
        ]
    );

    // The command: every page and question, per language.
    let out = translations(root);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        vec![
            "faq            fr: outdated (2026-01-02)  en: outdated (2026-01-04)",
            "faq#circle     fr: outdated (2026-01-01)  en: translated (2026-01-04)",
            "faq#insurance  fr: translated (2026-01-02)  en: outdated (2026-01-01)",
            "seul           fr: translated (2026-01-01)  en: missing",
            "stage          fr: outdated (2026-01-01)  en: translated (2026-01-03)",
        ],
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning[translation.outdated]"), "{stderr}");

    // The build reports the same warnings, and still builds.
    common::copy_dir(
        &crate_dir().join("themes/default"),
        &root.join("themes/default"),
    );
    write(
        root,
        "data/site.yml",
        "organisation: X\nbase_url: https://example.org\nlanguages: [fr, en]\ntitle: { fr: A, en: B }\n",
    );
    let build = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(root)
        .args(["--lang", "en", "build"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[translation.outdated]"), "{stderr}");
    assert!(stderr.contains("content/stage.fr.md:1:1"), "{stderr}");
    assert!(
        stderr.contains("warning[translation.question-outdated]"),
        "{stderr}"
    );
}

#[test]
fn without_history_only_missing_translations_are_known() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let out = translations(dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        vec![
            "faq            fr: translated  en: translated",
            "faq#circle     fr: translated  en: translated",
            "faq#insurance  fr: translated  en: translated",
            "seul           fr: translated  en: missing",
            "stage          fr: translated  en: translated",
            "(no git history: only missing translations are known)",
        ],
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}

/// Issue 14, defect 3: a question present in one language only is listed,
/// missing in the other, in the table and in `--json`.
#[test]
fn a_question_in_one_language_only_is_listed_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    write(
        dir.path(),
        "content/faq.en.md",
        format!("{FAQ_EN}\n## Can I be paid? {{#paid}}\n\nNo.\n"),
    );
    let out = translations(dir.path());
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("faq")).collect();
    assert_eq!(
        rows,
        vec![
            "faq            fr: translated  en: translated",
            "faq#circle     fr: translated  en: translated",
            "faq#insurance  fr: translated  en: translated",
            "faq#paid       fr: missing  en: translated",
        ],
        "{stdout}"
    );
    let json = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(dir.path())
        .args(["translations", "--json"])
        .output()
        .unwrap();
    let pages: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let faq = pages
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "faq")
        .unwrap();
    let paid = faq["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "paid")
        .unwrap_or_else(|| panic!("no question `paid`: {faq}"));
    let states: Vec<(&str, &str)> = paid["langs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["lang"].as_str().unwrap(), l["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, vec![("fr", "missing"), ("en", "translated")]);
}

/// The history walk passes without a diff the commits that leave the
/// wanted paths' top folders (or files) as their parent had them: a file
/// whose versions lie on both sides of such commits keeps every version.
#[test]
fn commits_that_leave_the_wanted_folders_alone_do_not_hide_older_versions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = Repository::init(root).unwrap();
    write(root, "content/a.md", "1");
    write(root, "site.yml", "1");
    write(root, "src/x.rs", "1");
    common::git::commit_all_at(&git, 1_000, "all");
    write(root, "src/x.rs", "2"); // passed without a diff
    common::git::commit_all_at(&git, 2_000, "src");
    write(root, "content/a.md", "2");
    common::git::commit_all_at(&git, 3_000, "page");
    write(root, "src/x.rs", "3");
    common::git::commit_all_at(&git, 4_000, "src");
    write(root, "site.yml", "2"); // a wanted file at the top
    common::git::commit_all_at(&git, 5_000, "top file");
    write(root, "content/a.md", "3");
    write(root, "site.yml", "3"); // both tops at once
    common::git::commit_all_at(&git, 6_000, "both");
    let repo = engage::core::git::Repo::open(root).unwrap();
    let seen = repo
        .history(&[
            std::path::PathBuf::from("content/a.md"),
            std::path::PathBuf::from("site.yml"),
        ])
        .unwrap();
    let times = |p: &str| -> Vec<i64> {
        seen[Path::new(p)]
            .iter()
            .map(|v| v.time.as_second())
            .collect()
    };
    assert_eq!(times("content/a.md"), vec![6_000, 3_000, 1_000]);
    assert_eq!(times("site.yml"), vec![6_000, 5_000, 1_000]);
    assert_eq!(seen.len(), 2, "{seen:?}");
}
