//! Snapshot tests of what the real binary prints: the diagnostics of every
//! bad input of the fixtures, and the human, JSON and GitHub outputs of
//! `engage check`, `engage check --pr` and `engage build` on the example
//! sites and the fixtures. They record today's behaviour byte for byte, so
//! that a refactor of the check side (one workspace model, progress as a
//! list of metrics, emitters writing to any writer) can prove that no
//! output changed. The snapshots are in tests/snapshots/; review changes
//! with `cargo insta review`.
//!
//! Each snapshot is a transcript of one or more runs: the command line
//! (without `--root`, always the temporary folder), the exit code, stdout
//! and stderr (each as printed, so a missing final newline shows), and the
//! GitHub step summary when there is one. Temporary paths, commit ids and
//! build times are redacted by insta filters; everything else is kept.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::git::Repo;
use common::{copy_dir, fixture, repo, write};

/// The day the fixture records are checked on (as in tests/check.rs).
const TODAY: &str = "2026-06-01";
/// The day the repository's and the examples' records are checked on (as in
/// tests/check.rs and tests/programmes.rs).
const EXAMPLES_TODAY: &str = "2026-11-23";

// ---------------------------------------------------------------------------
// Running the binary and recording what it printed

/// Runs engage in `root` with `--lang lang` and `args`, outside of any CI
/// environment and without colours, whatever the developer's shell says:
/// the language comes from `--lang` only. With `summary`, GitHub's step
/// summary file is set to it.
fn run(root: &Path, lang: &str, args: &[&str], summary: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_engage"));
    cmd.arg("--root")
        .arg(root)
        .args(["--lang", lang])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_ACTOR")
        .env_remove("GITHUB_STEP_SUMMARY");
    if let Some(summary) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", summary);
    }
    cmd.output().unwrap()
}

/// One run as text: command line, exit code, stdout, stderr and, when
/// given, the step summary. Streams are copied as printed, each followed
/// directly by the next header, so trailing newlines are part of the
/// snapshot (insta only trims the end of the whole file, after `end`).
fn transcript(lang: &str, args: &[&str], out: &Output, summary: Option<&str>) -> String {
    let mut t = format!(
        "$ engage --lang {lang} {}\nexit code: {:?}\n----- stdout -----\n{}----- stderr -----\n{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    if let Some(summary) = summary {
        t.push_str("----- step summary -----\n");
        t.push_str(summary);
    }
    t.push_str("----- end -----\n");
    t
}

/// Runs engage and returns its transcript.
fn engage(root: &Path, lang: &str, args: &[&str]) -> String {
    transcript(lang, args, &run(root, lang, args, None), None)
}

/// Runs `engage check --format github` with a fresh step summary file and
/// returns the transcript with the summary it wrote.
fn engage_github(root: &Path, lang: &str, args: &[&str]) -> String {
    let summary = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    let out = run(root, lang, args, Some(&summary));
    let written = std::fs::read_to_string(&summary).unwrap();
    transcript(lang, args, &out, Some(&written))
}

/// The human, JSON and GitHub outputs of `engage check --today today
/// [extra]`, one transcript each, in that order.
fn check_all_formats(root: &Path, lang: &str, today: &str, extra: &[&str]) -> [String; 3] {
    let args = |format: Option<&'static str>| {
        let mut a = vec!["check", "--today", today];
        if let Some(f) = format {
            a.extend(["--format", f]);
        }
        a.extend_from_slice(extra);
        a
    };
    [
        engage(root, lang, &args(None)),
        engage(root, lang, &args(Some("json"))),
        engage_github(root, lang, &args(Some("github"))),
    ]
}

/// A regex matching `text` literally (the test crate has no `regex`
/// dependency of its own; insta's filters take patterns).
fn literal(text: &str) -> String {
    let mut pattern = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// Asserts the snapshot `name` with the temporary folders `roots`
/// redacted (as given and canonical: macOS reaches /tmp through a link)
/// and build times redacted: they differ on every machine and every run.
/// `extra` filters (pattern, replacement) come first.
fn assert_snap(name: &str, roots: &[&Path], extra: &[(String, &str)], text: &str) {
    let mut settings = insta::Settings::clone_current();
    for (pattern, replacement) in extra {
        settings.add_filter(pattern, *replacement);
    }
    for root in roots {
        let canonical = root.canonicalize().unwrap();
        // The longer first, in case one contains the other.
        let mut forms = [root.to_path_buf(), canonical];
        forms.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
        for form in forms {
            settings.add_filter(&literal(&form.display().to_string()), "[ROOT]");
        }
    }
    settings.add_filter(r"in \d+ ms", "in [TIME] ms");
    settings.add_filter(r"en \d+ ms", "en [TIME] ms");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Joins transcripts of several runs into one snapshot.
fn join(parts: &[String]) -> String {
    parts.concat()
}

// ---------------------------------------------------------------------------
// Roots

fn records(handles: &[&str]) -> tempfile::TempDir {
    common::records_root(handles)
}

/// A copy of the repository's example site (data, content, themes) without
/// its git history: plain `check` would otherwise read the history for
/// translation freshness, which differs between clones (CI clones shallow).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["data", "content", "themes"] {
        let from = repo().join(part).canonicalize().unwrap();
        copy_dir(&from, &dir.path().join(part));
    }
    dir
}

/// A copy of examples/`name` as it is in the repository (no theme).
fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples").join(name), dir.path());
    dir
}

/// Replaces the one occurrence of `from` in the file `rel` under `root`.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {rel}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

// ---------------------------------------------------------------------------
// Bad inputs of the basic fixture site: every page, template, FAQ, calendar
// and programme reference that tests/build.rs, faq.rs, calendar.rs and
// programme.rs write into it. Each snapshot holds `check --format json` and
// `build` (stderr in the style of rustc, and the failure line), both in
// English: check and build must agree on what is wrong.

/// Snapshots the diagnostics of the basic fixture after `spoil` has made
/// it bad.
fn bad_site(name: &str, spoil: impl Fn(&Path)) {
    let site = fixture("basic");
    spoil(site.path());
    let text = join(&[
        engage(
            site.path(),
            "en",
            &["check", "--format", "json", "--today", TODAY],
        ),
        engage(site.path(), "en", &["build", "--today", TODAY]),
    ]);
    assert_snap(name, &[site.path()], &[], &text);
}

/// The basic fixture with one page `content/x.fr.md` of these bytes.
fn bad_page(name: &str, text: &'static [u8]) {
    bad_site(name, |root| write(root, "content/x.fr.md", text));
}

#[test]
fn bad_page_front_matter_syntax() {
    bad_page(
        "bad_page_front_matter_syntax",
        b"---\ntitle: A\nweight: [1\n---\n",
    );
}

#[test]
fn bad_page_unclosed_front_matter() {
    bad_page("bad_page_unclosed_front_matter", b"---\ntitle: A\n");
}

#[test]
fn bad_page_missing_title() {
    bad_page("bad_page_missing_title", b"---\ndescription: A\n---\n");
}

#[test]
fn bad_page_unknown_key() {
    bad_page("bad_page_unknown_key", b"---\ntitle: A\nwieght: 2\n---\n");
}

#[test]
fn bad_page_utf8() {
    bad_page("bad_page_utf8", b"---\ntitle: A\n---\nCaf\xe9\n");
}

#[test]
fn bad_page_impossible_date() {
    bad_page(
        "bad_page_impossible_date",
        b"---\ntitle: A\ndate: 2025-02-30\n---\n",
    );
}

#[test]
fn bad_page_same_url() {
    bad_page(
        "bad_page_same_url",
        b"---\ntitle: A\nslug: questions-frequentes\n---\n",
    );
}

#[test]
fn bad_page_slug_with_slash() {
    bad_page(
        "bad_page_slug_with_slash",
        b"---\ntitle: A\nslug: a/b\n---\n",
    );
}

#[test]
fn bad_page_missing_template() {
    bad_page(
        "bad_page_missing_template",
        b"---\ntitle: A\ntemplate: pgae\n---\n",
    );
}

#[test]
fn bad_page_link_to_missing_page() {
    bad_page(
        "bad_page_link_to_missing_page",
        b"---\ntitle: A\n---\nVoir\n[ici](@/nulle-part.md).\n",
    );
}

#[test]
fn bad_page_link_to_missing_anchor() {
    bad_page(
        "bad_page_link_to_missing_anchor",
        b"---\ntitle: A\n---\n[ici](@/faq.md#internship-cercle)\n",
    );
}

#[test]
fn bad_pages_all_reported_together() {
    bad_site("bad_pages_all_reported_together", |root| {
        write(
            root,
            "content/a.fr.md",
            "---\ntitle: A\ndate: 2025-13-01\n---\n",
        );
        write(
            root,
            "content/b.fr.md",
            "---\nslug: x/y\n---\n[x](@/nope.md)\n",
        );
        write(root, "content/c.en.md", "---\ntitle: C\ncolour: red\n---\n");
    });
}

#[test]
fn bad_template_syntax() {
    bad_site("bad_template_syntax", |root| {
        write(
            root,
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | }}\n{% endblock %}\n",
        )
    });
}

#[test]
fn bad_template_at_render_time() {
    // Only the build renders: `check` does not see this one.
    bad_site("bad_template_at_render_time", |root| {
        write(
            root,
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}{{ page.nope | upper }}{% endblock %}\n",
        )
    });
}

#[test]
fn bad_page_unknown_programme() {
    bad_site("bad_page_unknown_programme", |root| {
        edit(
            root,
            "content/ceci/_index.en.md",
            "programme: ceci",
            "programme: cecy",
        )
    });
}

/// The FAQ pages of tests/faq.rs, whose bad variants follow.
const FAQ_FR: &str = "---\ntitle: Questions\nslug: questions-frequentes\ntemplate: faq\n---\nIntro.\n\n## Rejoindre {#joining}\n\n### Qu’est-ce que le CECi ?\n\nUn certificat de **10 crédits**.\n\n### Puis-je faire mon stage dans mon cercle ? {#internship-circle}\n\nOui : voir [le stage](@/ceci/stage.md).\n\n## Valider {#completing}\n\n### Que contient le portfolio ? {#portfolio}\n\nCinq productions.\n\n### Question sans équivalent ?\n\nRéponse.\n";
const FAQ_EN: &str = "---\ntitle: Questions\nslug: faq\ntemplate: faq\n---\n## Joining {#joining}\n\n### What is CECi?\n\nA certificate worth **10 credits**.\n\n### Can I do my internship in my student circle? {#internship-circle}\n\nYes.\n\n### Is there an English-only question? {#english-only}\n\nYes.\n\n## Completing {#completing}\n\n### What goes in the portfolio? {#portfolio}\n\nFive productions.\n";

/// The basic fixture with FAQ_EN and FAQ_FR changed by `from` → `to`.
fn bad_faq(name: &str, from: &'static str, to: &'static str) {
    bad_site(name, |root| {
        write(root, "content/faq.en.md", FAQ_EN);
        assert_eq!(FAQ_FR.matches(from).count(), 1, "{from}");
        write(root, "content/faq.fr.md", FAQ_FR.replacen(from, to, 1));
    });
}

#[test]
fn bad_faq_untranslated_questions() {
    // The unchanged pair: one question missing on each side (warnings).
    bad_faq("bad_faq_untranslated_questions", "Intro.", "Intro.");
}

#[test]
fn bad_faq_answer_missing() {
    bad_faq("bad_faq_answer_missing", "Cinq productions.\n", "");
}

#[test]
fn bad_faq_same_question_twice() {
    bad_faq(
        "bad_faq_same_question_twice",
        "### Question sans équivalent ?",
        "### Qu’est-ce que le CECi ?",
    );
}

#[test]
fn bad_faq_explicit_id_twice() {
    bad_faq(
        "bad_faq_explicit_id_twice",
        "{#portfolio}",
        "{#internship-circle}",
    );
}

/// The one event of tests/calendar.rs, whose bad variants follow.
const EVENT: &str = "events:\n  - id: x\n    kind: workshop\n    programme: ceci\n    title: { fr: X }\n    start: 2025-10-14T18:00\n    end: 2025-10-14T20:00\n    online: https://x.org\n";

/// The basic fixture with data/calendar/bad.yml: EVENT changed by `from` → `to`.
fn bad_event(name: &str, from: &'static str, to: &'static str) {
    bad_site(name, |root| {
        assert_eq!(EVENT.matches(from).count(), 1, "{from}");
        write(root, "data/calendar/bad.yml", EVENT.replacen(from, to, 1));
    });
}

#[test]
fn bad_event_without_id() {
    bad_event("bad_event_without_id", "  - id: x\n    kind", "  - kind");
}

#[test]
fn bad_event_duplicate_id() {
    bad_event("bad_event_duplicate_id", "id: x", "id: atelier-2025-09");
}

#[test]
fn bad_event_end_before_start() {
    bad_event(
        "bad_event_end_before_start",
        "end: 2025-10-14T20:00",
        "end: 2025-10-14T17:00",
    );
}

#[test]
fn bad_event_time_zone() {
    bad_event(
        "bad_event_time_zone",
        "    online:",
        "    timezone: Europe/Bruxelles\n    online:",
    );
}

#[test]
fn bad_event_status() {
    bad_event(
        "bad_event_status",
        "    online:",
        "    status: complet\n    online:",
    );
}

#[test]
fn bad_event_kind() {
    bad_event("bad_event_kind", "kind: workshop", "kind: atelier");
}

#[test]
fn bad_event_programme() {
    bad_event("bad_event_programme", "programme: ceci", "programme: cecy");
}

// ---------------------------------------------------------------------------
// Bad records and programme files: tests/fixtures/portfolios/bad/* and the
// broken programmes and calendars of tests/check.rs, on the fixture records.
// Each snapshot holds `check --format json` and the human `check`.

/// Snapshots `check` (JSON, then human) on a records root made bad by `spoil`.
fn bad_records(name: &str, handles: &[&str], spoil: impl Fn(&Path)) {
    let s = records(handles);
    spoil(s.path());
    let text = join(&[
        engage(
            s.path(),
            "en",
            &["check", "--format", "json", "--today", TODAY],
        ),
        engage(s.path(), "en", &["check", "--today", TODAY]),
    ]);
    assert_snap(name, &[s.path()], &[], &text);
}

/// The file tests/fixtures/portfolios/bad/`file` as `handle`'s record.
fn bad_fixture_record(name: &str, file: &str, handle: &str) {
    let bytes = std::fs::read(repo().join("tests/fixtures/portfolios/bad").join(file)).unwrap();
    bad_records(name, &[], |root| {
        write(
            root,
            &format!("data/portfolios/{handle}/portfolio.yml"),
            &bytes,
        )
    });
}

#[test]
fn bad_record_yaml_bomb() {
    bad_fixture_record("bad_record_yaml_bomb", "bomb.yml", "bomb");
}

#[test]
fn bad_record_latin1() {
    bad_fixture_record("bad_record_latin1", "latin1.yml", "latin1");
}

#[test]
fn bad_programme_unknown_placeholder() {
    bad_records("bad_programme_unknown_placeholder", &["emile"], |root| {
        edit(
            root,
            "data/programmes/ceci.yml",
            "{logged} h of internship",
            "{hours} h of internship",
        )
    });
}

#[test]
fn bad_programme_unknown_check() {
    bad_records("bad_programme_unknown_check", &["emile"], |root| {
        edit(
            root,
            "data/programmes/ceci.yml",
            "check: not-before-enrolment",
            "check: not-before-enrollment",
        )
    });
}

#[test]
fn bad_calendar_of_the_records() {
    // The event is gone from the calendar: dana's workshop is unknown too.
    bad_records("bad_calendar_of_the_records", &["dana"], |root| {
        edit(
            root,
            "data/calendar/ateliers.yml",
            "start: 2025-03-12T18:00",
            "start: 2025-03-32T18:00",
        )
    });
}

#[test]
fn bad_records_in_the_wrong_place() {
    bad_records("bad_records_in_the_wrong_place", &["emile"], |root| {
        write(root, "data/portfolios/zoe.yml", "programme: ceci\n");
        std::fs::create_dir_all(root.join("data/portfolios/yann")).unwrap();
        write(
            root,
            "data/portfolios/vide/portfolio.yml",
            "# nothing yet\n\n",
        );
    });
}

/// Replaces the one occurrence of `from` in `handle`'s record.
fn edit_record(root: &Path, handle: &str, from: &str, to: &str) {
    edit(
        root,
        &format!("data/portfolios/{handle}/portfolio.yml"),
        from,
        to,
    );
}

// The bad inputs of tests/check.rs ("Bad input"), on the good fixtures.

#[test]
fn bad_record_hours() {
    bad_records("bad_record_hours", &["emile"], |root| {
        edit_record(root, "emile", "hours: 4,", "hours: 25,");
        edit_record(root, "emile", "hours: 2.5,", "hours: -2,");
    });
}

#[test]
fn bad_record_hours_per_day() {
    bad_records("bad_record_hours_per_day", &["emile"], |root| {
        edit_record(root, "emile", "hours: 4,", "hours: 22,");
        edit_record(root, "emile", "date: 2025-10-13", "date: 2025-10-06");
    });
}

#[test]
fn bad_record_word_for_number() {
    bad_records("bad_record_word_for_number", &["emile"], |root| {
        edit_record(root, "emile", "hours: 4,", "hours: 150h,")
    });
}

#[test]
fn bad_record_impossible_dates() {
    bad_records("bad_record_impossible_dates", &["emile"], |root| {
        edit_record(root, "emile", "date: 2025-10-13", "date: 2025-02-30");
        edit_record(
            root,
            "emile",
            "completed: 2025-11-03",
            "completed: 3 novembre",
        );
    });
}

#[test]
fn bad_record_yaml_syntax() {
    bad_records("bad_record_yaml_syntax", &["emile"], |root| {
        edit_record(root, "emile", "name: Inès Durand", "name: \"Inès Durand")
    });
}

#[test]
fn bad_record_tab() {
    bad_records("bad_record_tab", &["emile"], |root| {
        edit_record(root, "emile", "\n  organisation:", "\n\torganisation:")
    });
}

#[test]
fn bad_record_duplicate_key() {
    bad_records("bad_record_duplicate_key", &["emile"], |root| {
        edit_record(
            root,
            "emile",
            "status: in-progress\n",
            "status: in-progress\nstatus: submitted\n",
        )
    });
}

#[test]
fn bad_record_unknown_key() {
    bad_records("bad_record_unknown_key", &["dana"], |root| {
        edit_record(
            root,
            "dana",
            "assessment: grille.md",
            "assesment: grille.md",
        )
    });
}

#[test]
fn bad_record_unknown_vocabulary() {
    bad_records("bad_record_unknown_vocabulary", &["dana"], |root| {
        edit_record(root, "dana", "kind: association", "kind: asociation");
        edit_record(root, "dana", "kind: retro-planning", "kind: retroplanning");
    });
}

#[test]
fn bad_record_empty_text() {
    bad_records("bad_record_empty_text", &["emile"], |root| {
        edit_record(
            root,
            "emile",
            "activity: Réunion de comité",
            "activity: \"\"",
        )
    });
}

#[test]
fn bad_record_files_outside_or_missing() {
    bad_records("bad_record_files_outside_or_missing", &["emile"], |root| {
        edit_record(root, "emile", "file: pv.md", "file: ../dana/pv.md");
        edit_record(
            root,
            "emile",
            "status: in-progress\n",
            "status: in-progress\nanalysis: /etc/passwd\nassessment: grille.md\n",
        );
    });
}

#[cfg(unix)]
#[test]
fn bad_record_symlinks() {
    bad_records("bad_record_symlinks", &["emile"], |root| {
        let dir = root.join("data/portfolios/emile");
        std::fs::write(root.join("secret.md"), "secret").unwrap();
        // Relative targets: the same link on every machine.
        std::os::unix::fs::symlink("../../../secret.md", dir.join("link.md")).unwrap();
        std::os::unix::fs::symlink("../../..", dir.join("up")).unwrap();
        std::os::unix::fs::symlink("pv.md", dir.join("inside.md")).unwrap();
        edit_record(root, "emile", "file: pv.md", "file: link.md");
        edit_record(
            root,
            "emile",
            "status: in-progress\n",
            "status: in-progress\nanalysis: up/secret.md\nassessment: inside.md\n",
        );
    });
}

#[test]
fn bad_record_too_big() {
    bad_records("bad_record_too_big", &["emile"], |root| {
        let path = root.join("data/portfolios/emile/portfolio.yml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!("# {}\n", "x".repeat(1_100_000)));
        std::fs::write(path, text).unwrap();
    });
}

#[test]
fn bad_record_identity() {
    // Another handle, an unknown programme, a malformed intake and status.
    bad_records("bad_record_identity", &["emile"], |root| {
        edit_record(root, "emile", "handle: emile", "handle: dana");
        edit_record(root, "emile", "programme: ceci", "programme: cecy");
        edit_record(root, "emile", "intake: 2025-10", "intake: octobre 2025");
        edit_record(root, "emile", "status: in-progress", "status: in progress");
    });
}

#[test]
fn bad_record_folder_name() {
    bad_records("bad_record_folder_name", &[], |root| {
        copy_dir(
            &repo().join("tests/fixtures/portfolios/good/emile"),
            &root.join("data/portfolios/Emile_B"),
        )
    });
}

#[test]
fn bad_record_module_twice() {
    bad_records("bad_record_module_twice", &["emile"], |root| {
        edit_record(
            root,
            "emile",
            "  - { id: communication, completed: 2025-11-03 }\n",
            "  - { id: communication, completed: 2025-11-03 }\n  - { id: communication, completed: 2025-11-04 }\n",
        )
    });
}

#[test]
fn bad_record_workshops() {
    // A workshop listed twice (once with a space) and an empty one.
    bad_records("bad_record_workshops", &["dana"], |root| {
        edit_record(
            root,
            "dana",
            "  - { event: atelier-2025-03 }\n",
            "  - { event: atelier-2025-03 }\n  - { event: ' atelier-2025-03' }\n  - { event: '' }\n",
        )
    });
}

#[test]
fn bad_record_workshop_old_format() {
    // Before workshops named their event: `{ date, title }`.
    bad_records("bad_record_workshop_old_format", &["dana"], |root| {
        edit_record(
            root,
            "dana",
            "{ event: atelier-2025-03 }",
            "{ date: 2025-03-12, title: Atelier de mars }",
        )
    });
}

// The bad inputs of tests/programmes.rs, in the example programmes' records
// (`check data/portfolios`: the examples have no theme of their own).

/// Snapshots `check data/portfolios` (JSON, then human) on examples/`name`
/// after these edits of `handle`'s record.
fn bad_example(name: &str, example_name: &str, handle: &str, edits: &[(&str, &str)]) {
    let dir = example(example_name);
    for (from, to) in edits {
        edit_record(dir.path(), handle, from, to);
    }
    let text = join(&[
        engage(
            dir.path(),
            "en",
            &[
                "check",
                "--format",
                "json",
                "--today",
                EXAMPLES_TODAY,
                "data/portfolios",
            ],
        ),
        engage(
            dir.path(),
            "en",
            &["check", "--today", EXAMPLES_TODAY, "data/portfolios"],
        ),
    ]);
    assert_snap(name, &[dir.path()], &[], &text);
}

#[test]
fn bad_example_escom() {
    bad_example(
        "bad_example_escom",
        "escom",
        "hugo",
        &[
            ("kind: tutoring", "kind: tutorat"),
            ("year: 2024-2025, cycle", "year: 2024-2026, cycle"),
            ("preparation_hours: 4", "preparation_hours: -4"),
        ],
    );
}

#[test]
fn bad_example_cire() {
    bad_example(
        "bad_example_cire",
        "cire",
        "amina",
        &[
            ("session: 8,", "session: 9,"),
            (
                "session: 3, date: 2026-10-08",
                "session: 2, date: 2026-10-08",
            ),
            ("[MA]", "[Maroc]"),
        ],
    );
}

#[test]
fn bad_example_micro_credential() {
    bad_example(
        "bad_example_micro_credential",
        "micro-credential",
        "ines",
        &[
            ("eqf_level: 6", "eqf_level: 9"),
            ("country: BE", "country: Belgique"),
            ("workload_ects: 3", "workload_ects: 0"),
        ],
    );
}

// ---------------------------------------------------------------------------
// `engage check` on the example sites and the fixture records: human, JSON
// and GitHub outputs, one snapshot each.

/// Snapshots the three formats of `check` on `root` as `<name>_<format>`.
fn check_outputs(name: &str, root: &Path, lang: &str, today: &str, extra: &[&str]) {
    let [human, json, github] = check_all_formats(root, lang, today, extra);
    assert_snap(&format!("{name}_human"), &[root], &[], &human);
    assert_snap(&format!("{name}_json"), &[root], &[], &json);
    assert_snap(&format!("{name}_github"), &[root], &[], &github);
}

#[test]
fn check_repository_en() {
    let dir = repository();
    check_outputs("check_repository_en", dir.path(), "en", EXAMPLES_TODAY, &[]);
}

#[test]
fn check_repository_fr() {
    let dir = repository();
    check_outputs("check_repository_fr", dir.path(), "fr", EXAMPLES_TODAY, &[]);
}

/// examples/`name` as it is (the whole site: today it lacks the theme) and
/// with the repository's default theme (what staff see once it is there).
fn check_example(name: &str) {
    let dir = example(name);
    let id = name.replace('-', "_");
    check_outputs(
        &format!("check_example_{id}_as_is"),
        dir.path(),
        "en",
        EXAMPLES_TODAY,
        &[],
    );
    copy_dir(
        &repo().join("themes/default"),
        &dir.path().join("themes/default"),
    );
    check_outputs(
        &format!("check_example_{id}"),
        dir.path(),
        "en",
        EXAMPLES_TODAY,
        &[],
    );
}

#[test]
fn check_example_cire() {
    check_example("cire");
}

#[test]
fn check_example_escom() {
    check_example("escom");
}

#[test]
fn check_example_micro_credential() {
    check_example("micro-credential");
}

#[test]
fn check_fixture_records_good() {
    let s = records(&["dana", "emile"]);
    check_outputs("check_fixture_records_good", s.path(), "en", TODAY, &[]);
}

#[test]
fn check_fixture_records_good_fr() {
    let s = records(&["dana", "emile"]);
    check_outputs("check_fixture_records_good_fr", s.path(), "fr", TODAY, &[]);
}

#[test]
fn check_fixture_records_bad() {
    // Both bad fixtures beside a good record: how one report holds them.
    let s = records(&["emile"]);
    for (file, handle) in [("bomb.yml", "bomb"), ("latin1.yml", "latin1")] {
        let bytes = std::fs::read(repo().join("tests/fixtures/portfolios/bad").join(file)).unwrap();
        write(
            s.path(),
            &format!("data/portfolios/{handle}/portfolio.yml"),
            bytes,
        );
    }
    check_outputs("check_fixture_records_bad", s.path(), "en", TODAY, &[]);
}

#[test]
fn check_one_record_of_several() {
    // A record path: only that record and the cohort rules it takes part in.
    let s = records(&["dana", "emile"]);
    check_outputs(
        "check_one_record_of_several",
        s.path(),
        "en",
        TODAY,
        &["data/portfolios/emile"],
    );
}

#[test]
fn check_github_from_the_environment() {
    // Under GitHub Actions the format is GitHub's without `--format`.
    let s = records(&["dana", "emile"]);
    edit(
        s.path(),
        "data/portfolios/dana/portfolio.yml",
        "kind: association",
        "kind: company",
    );
    let summary = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    let args = ["check", "--today", TODAY];
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(s.path())
        .args(["--lang", "en"])
        .args(args)
        .env("NO_COLOR", "1")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_ACTOR")
        .output()
        .unwrap();
    let written = std::fs::read_to_string(&summary).unwrap();
    let text = format!(
        "GITHUB_ACTIONS=true\n{}",
        transcript("en", &args, &out, Some(&written))
    );
    assert_snap("check_github_from_the_environment", &[s.path()], &[], &text);
}

// ---------------------------------------------------------------------------
// `engage check --pr` on real git repositories (tests/common/git.rs).

/// Filters for the commits of `root`'s repository (main, pr and their merge
/// base), full and abbreviated: the ids follow from fixed trees and times,
/// but they are not what a reader checks, and a change of the fixtures
/// would otherwise ripple through every snapshot.
fn commit_filters(root: &Path) -> Vec<(String, &'static str)> {
    let git = git2::Repository::open(root).unwrap();
    let id = |name: &str| git.revparse_single(name).unwrap().id();
    let (main, pr) = (id("main"), id("pr"));
    let base = git.merge_base(main, pr).unwrap();
    let mut filters = Vec::new();
    for (oid, label) in [(base, "[BASE]"), (main, "[MAIN]"), (pr, "[HEAD]")] {
        let hex = oid.to_string();
        filters.push((hex.clone(), label));
        filters.push((hex[..7].to_string(), label));
    }
    filters
}

/// Snapshots the three formats of `check --pr --base main --author author`.
fn pr_outputs(name: &str, r: &Repo, author: &str) {
    let extra = ["--pr", "--base", "main", "--author", author];
    let [human, json, github] = check_all_formats(r.root(), "en", TODAY, &extra);
    let filters = commit_filters(r.root());
    assert_snap(&format!("{name}_human"), &[r.root()], &filters, &human);
    assert_snap(&format!("{name}_json"), &[r.root()], &filters, &json);
    assert_snap(&format!("{name}_github"), &[r.root()], &filters, &github);
}

#[test]
fn pr_student_moving_files_across_folders() {
    // emile logs hours, takes dana's production and moves his own note into
    // content/: the scope guard and the record checks speak together.
    let mut r = Repo::new();
    r.edit(
        "data/portfolios/emile/portfolio.yml",
        "modules:",
        "    - { date: 2026-05-20, hours: 3, activity: Accueil }\nmodules:",
    );
    r.move_files_across_folders();
    r.pr();
    pr_outputs("pr_student_moving_files", &r, "emile");
}

#[test]
fn pr_staff_raising_a_threshold() {
    // A rule change: verdicts under both versions of the programme.
    let mut r = Repo::new();
    r.edit(
        "data/programmes/ceci.yml",
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 160",
    );
    r.pr();
    pr_outputs("pr_staff_threshold", &r, "Prof-X");
}

#[test]
fn pr_staff_renaming_a_workshop() {
    // A calendar change: dana names the old id, and now fails (issue 14).
    let mut r = Repo::new();
    r.edit(
        "data/calendar/ateliers.yml",
        "id: atelier-2025-03\n",
        "id: atelier-2025-03-solbosch\n",
    );
    r.pr();
    pr_outputs("pr_staff_calendar", &r, "prof-x");
}

#[test]
fn pr_staff_changing_the_content() {
    // The whole site is checked, with translation freshness from history.
    let mut r = Repo::with_site(|_| {});
    let page = r.root().join("content/ceci/stage.en.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\nSee [the lost page](@/ceci/lost.md).\n");
    std::fs::write(&page, text).unwrap();
    r.pr();
    pr_outputs("pr_staff_content", &r, "prof-x");
}

// ---------------------------------------------------------------------------
// `engage build`: the good fixture site and the repository's example site
// (the bad fixture sites are in the bad_* snapshots above).

#[test]
fn build_basic_fixture() {
    let site = fixture("basic");
    let text = join(&[
        engage(site.path(), "en", &["build", "--today", TODAY]),
        engage(site.path(), "fr", &["build", "--today", TODAY]),
    ]);
    assert_snap("build_basic_fixture", &[site.path()], &[], &text);
}

#[test]
fn build_repository() {
    let dir = repository();
    let text = engage(dir.path(), "en", &["build", "--today", EXAMPLES_TODAY]);
    assert_snap("build_repository", &[dir.path()], &[], &text);
}

#[test]
fn build_bad_fixture_fr() {
    // A failed build in French: the diagnostics and the failure line.
    let site = fixture("basic");
    write(site.path(), "content/x.fr.md", "---\ndescription: A\n---\n");
    let text = engage(site.path(), "fr", &["build", "--today", TODAY]);
    assert_snap("build_bad_fixture_fr", &[site.path()], &[], &text);
}
