//! `engage check --pr` on real git repositories built in temporary folders:
//! a main branch with the CECi programme, a staff list, the fixture calendar
//! and two records (dana, submitted with exactly 150 hours; emile, in
//! progress), and one PR branch per scenario. Each test asserts the exact diagnostics, the exit
//! code and the GitHub annotations.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::git::Repo;
use common::{repo as crate_dir, write};

const TODAY: &str = "2026-06-01";

struct Run {
    code: Option<i32>,
    out: Output,
    summary: String,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    /// The workflow commands printed, one per diagnostic.
    fn annotations(&self) -> Vec<String> {
        self.stdout()
            .lines()
            .filter(|l| l.starts_with("::"))
            .map(str::to_string)
            .collect()
    }
}

/// `engage check --pr --base main --author <author> --format github`, with
/// a step summary file, outside of any real CI environment.
fn check_pr(root: &Path, author: &str) -> Run {
    let summary = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(root)
        .args([
            "--lang", "en", "check", "--pr", "--base", "main", "--author", author, "--format",
            "github", "--today", TODAY,
        ])
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", &*summary)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_ACTOR")
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        summary: std::fs::read_to_string(&*summary).unwrap_or_default(),
        out,
    }
}

/// The annotation of a whole-file scope problem.
fn scope_error(rule: &str, file: &str) -> String {
    format!("::error file={file},line=1,col=1,title={rule}::")
}

/// Asserts the annotations start as `expected` (messages are checked
/// elsewhere), in order, and nothing else was reported.
fn assert_annotations(run: &Run, expected: &[String]) {
    let got = run.annotations();
    assert_eq!(
        got.len(),
        expected.len(),
        "{got:#?}\n{}",
        String::from_utf8_lossy(&run.out.stderr)
    );
    for (g, e) in got.iter().zip(expected) {
        assert!(g.starts_with(e), "{g}\n  does not start with\n{e}");
    }
}

const EMILE: &str = "data/portfolios/emile/portfolio.yml";
const DANA: &str = "data/portfolios/dana/portfolio.yml";

/// A new day of hours in emile's record.
fn log_hours(r: &Repo) {
    r.edit(
        EMILE,
        "modules:",
        "    - { date: 2026-05-20, hours: 3, activity: Accueil }\nmodules:",
    );
}

#[test]
fn a_good_student_pr_passes_with_its_progress() {
    let mut r = Repo::new();
    let emile = std::fs::read_to_string(r.root().join(EMILE)).unwrap();
    assert!(emile.contains("\nmodules:"), "fixture changed: {emile}");
    log_hours(&r);
    write(r.root(), "data/portfolios/emile/notes.md", "Mes notes\n");
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(&run, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout());
    assert!(
        run.stdout()
            .contains("PR by emile (student): 2 path(s) changed since"),
        "{}",
        run.stdout()
    );
    // The summary: a progress table for emile only, and what is missing.
    assert!(
        run.summary.contains("### emile — ceci (in progress)"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("| Hours | 9.5 | 150 |"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("**Still missing before submission**"));
    assert!(run.summary.contains("- 140.5 h\n"), "{}", run.summary);
    assert!(!run.summary.contains("### dana"), "{}", run.summary);
}

const PAGE: &str = "content/ceci/stage.en.md";

/// Adds a link to a missing page at the end of `PAGE`; returns its line.
fn break_a_link(root: &Path) -> u32 {
    let path = root.join(PAGE);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\nSee [the lost page](@/ceci/lost.md).\n");
    std::fs::write(&path, &text).unwrap();
    text.lines().count() as u32
}

#[test]
fn a_pr_changing_the_content_checks_the_whole_site() {
    let mut r = Repo::with_site(|_| {});
    let line = break_a_link(r.root());
    r.pr();
    let run = check_pr(r.root(), "prof-x");
    // The fixture's intended warnings come along: it is the whole site,
    // down to the French page the PR left behind its English version.
    assert_annotations(
        &run,
        &[
            "::warning file=content/ceci/ateliers.fr.md,line=1,col=1,title=content.not-translated::".into(),
            "::warning file=content/ceci/ateliers.fr.md,line=5,col=33,title=content.image-alt::".into(),
            format!("::warning file={PAGE},line=8,col=88,title=content.link-other-language::"),
            format!("::error file={PAGE},line={line},col=21,title=content.link-missing-page::"),
            "::warning file=content/ceci/stage.fr.md,line=1,col=1,title=translation.outdated::".into(),
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout().contains("whole site checked"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_student_pr_answers_for_its_record_not_for_the_site() {
    // The link was broken before the PR: not the student's doing.
    let mut r = Repo::with_site(|root| {
        break_a_link(root);
    });
    log_hours(&r);
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(&run, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout());
    assert!(
        run.stdout().contains("1 changed record(s) checked"),
        "{}",
        run.stdout()
    );
}

#[test]
fn touching_another_students_folder_fails_on_that_path() {
    let mut r = Repo::new();
    log_hours(&r);
    r.edit(DANA, "status: submitted", "status: in-progress");
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(&run, &[scope_error("scope.other-record", DANA)]);
    assert!(
        run.annotations()[0].contains(
            "::this PR changes data/portfolios/dana/portfolio.yml (the record of dana): a student PR changes only data/portfolios/emile/%0Ahelp: drop this change"
        ),
        "{:?}",
        run.annotations()
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn editing_the_rules_fails_for_a_student() {
    let mut r = Repo::new();
    r.edit(
        "data/programmes/ceci.yml",
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 10",
    );
    r.pr();
    let run = check_pr(r.root(), "emile");
    // Lowering the threshold changes no verdict: emile is in progress and
    // dana passes either way; only the guard speaks.
    assert_annotations(
        &run,
        &[scope_error(
            "scope.outside-folder",
            "data/programmes/ceci.yml",
        )],
    );
    assert!(run.annotations()[0].contains("(the programme rules)"));
    assert_eq!(run.code, Some(1));
}

#[test]
fn deleting_another_students_record_is_caught() {
    let mut r = Repo::new();
    std::fs::remove_file(r.root().join(DANA)).unwrap();
    r.pr();
    let run = check_pr(r.root(), "emile");
    // The refusal alone (issue 14): dana's record is not emile's to answer
    // for, so its state (no record any more) is not reported to him.
    assert_annotations(&run, &[scope_error("scope.other-record", DANA)]);
    assert!(run.annotations()[0].contains("::this PR deletes data/portfolios/dana/portfolio.yml"));
    assert_eq!(run.code, Some(1));
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_own_folder_is_refused() {
    let mut r = Repo::new();
    std::os::unix::fs::symlink("/etc/passwd", r.root().join("data/portfolios/emile/passwd"))
        .unwrap();
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(
        &run,
        &[scope_error("scope.symlink", "data/portfolios/emile/passwd")],
    );
    assert_eq!(run.code, Some(1));
}

#[cfg(unix)]
#[test]
fn an_executable_and_a_huge_file_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let mut r = Repo::new();
    let run_sh = r.root().join("data/portfolios/emile/run.sh");
    std::fs::write(&run_sh, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&run_sh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let big = vec![b'x'; (engage::review::MAX_FILE_BYTES + 1) as usize];
    std::fs::write(r.root().join("data/portfolios/emile/video.mp4"), big).unwrap();
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(
        &run,
        &[
            scope_error("scope.executable", "data/portfolios/emile/run.sh"),
            scope_error("scope.too-big", "data/portfolios/emile/video.mp4"),
        ],
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn moving_a_file_across_folders_is_caught_on_both_sides() {
    let mut r = Repo::new();
    // emile takes dana's production, and moves his own note into content/.
    r.move_files_across_folders();
    r.pr();
    let run = check_pr(r.root(), "emile");
    // Both sides refused; of the records, only emile's own is checked
    // (issue 14: the refusal stands alone, dana's record is not his to
    // answer for).
    let pv = line_of(r.root(), EMILE, "file: pv.md");
    assert_annotations(
        &run,
        &[
            scope_error("scope.outside-folder", "content/pv.md"),
            scope_error("scope.other-record", "data/portfolios/dana/productions/bilan.md"),
            format!("::error file={EMILE},line={pv},col=57,title=record.file-missing::the file `pv.md` does not exist"),
        ],
    );
    assert!(
        run.annotations()[0].contains("::this PR moves a file to content/pv.md (the site content)")
    );
    assert!(
        run.annotations()[1].contains("::this PR moves data/portfolios/dana/productions/bilan.md")
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn a_staff_pr_raising_a_threshold_passes_and_lists_changed_verdicts() {
    let mut r = Repo::new();
    r.edit(
        "data/programmes/ceci.yml",
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 160",
    );
    r.pr();
    let run = check_pr(r.root(), "Prof-X");
    let line = rule_line("ceci.internship-hours");
    assert_annotations(
        &run,
        &[format!(
            "::warning file=data/programmes/ceci.yml,line={line},col=5,title=scope.verdict-changed::1 record now fails ceci.internship-hours: dana%0Ahelp: tell the students concerned before merging"
        )],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout());
    assert!(
        run.stdout().contains("PR by Prof-X (staff)"),
        "{}",
        run.stdout()
    );
    assert!(run
        .stdout()
        .contains("1 record now fails ceci.internship-hours: dana"));
    assert!(run
        .summary
        .contains("1 record now fails ceci.internship-hours: dana"));
}

#[test]
fn a_student_cannot_make_themself_staff() {
    let mut r = Repo::new();
    r.edit(
        "data/staff.yml",
        "name: Prof X }",
        "name: Prof X }\n  - { handle: emile, name: E }",
    );
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(
        &run,
        &[scope_error("scope.outside-folder", "data/staff.yml")],
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn in_github_actions_the_actor_and_the_format_come_from_the_environment() {
    let mut r = Repo::new();
    r.edit(DANA, "status: submitted", "status: in-progress");
    r.pr();
    let summary = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(r.root())
        .args([
            "--lang", "en", "check", "--pr", "--base", "main", "--today", TODAY,
        ])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ACTOR", "emile")
        .env("GITHUB_STEP_SUMMARY", &*summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&scope_error("scope.other-record", DANA)),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(&*summary).unwrap();
    assert!(
        summary.starts_with("## engage check\n\n❌ **1** error(s), **0** warning(s)\n"),
        "{summary}"
    );
    // The refusal alone: no section for dana's record.
    assert!(!summary.contains("### dana"), "{summary}");
    assert!(
        summary.contains(
            "- ❌ `data/portfolios/dana/portfolio.yml:1` `scope.other-record`: this PR changes"
        ),
        "{summary}"
    );
}

#[test]
fn an_unknown_base_is_a_usage_error() {
    let r = Repo::new();
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(r.root())
        .args([
            "--lang", "en", "check", "--pr", "--base", "nope", "--author", "emile",
        ])
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown revision `nope`"));
}

fn rule_line(rule: &str) -> usize {
    let text = std::fs::read_to_string(crate_dir().join("data/programmes/ceci.yml")).unwrap();
    text.lines()
        .position(|l| l.trim() == format!("- id: {rule}"))
        .unwrap()
        + 1
}

/// Line and column (1-based) of the id `id` in the calendar of `root`.
fn id_at(root: &Path, id: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(root.join(CALENDAR)).unwrap();
    let (i, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim() == format!("- id: {id}"))
        .unwrap();
    (i + 1, l.find(id).unwrap() + 1)
}

fn line_of(root: &Path, rel: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// The rules that judge a PR are those of the base branch as it is now, not
/// those of the commit the PR branched from: staff raised the hours on main
/// after dana's branch was cut, and her unchanged 150 hours no longer pass.
#[test]
fn a_pr_is_judged_by_the_rules_of_the_base_branch_as_they_are_now() {
    let mut r = Repo::new();
    let rules = "data/programmes/ceci.yml";
    r.edit(
        rules,
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 160",
    );
    r.commit("refs/heads/main", "staff raise the hours");
    r.edit(
        rules,
        "min_hours: &min_hours 160",
        "min_hours: &min_hours 150",
    );
    r.edit(
        "data/portfolios/dana/portfolio.yml",
        "name: Maison de quartier",
        "name: Maison de quartier des Marolles",
    );
    r.pr();
    let run = check_pr(r.root(), "dana");
    assert_eq!(run.code, Some(1), "{}", run.stdout());
    let hours: Vec<String> = run
        .annotations()
        .into_iter()
        .filter(|a| a.contains("title=ceci.internship-hours"))
        .collect();
    assert_eq!(hours.len(), 1, "{:#?}", run.annotations());
    assert!(
        hours[0].starts_with("::error file=data/portfolios/dana/portfolio.yml,"),
        "{}",
        hours[0]
    );
    assert!(hours[0].contains("160"), "{}", hours[0]);
}

/// Staff rights are read from the staff list of the base branch as it is
/// now: someone removed from it after branching off is a student again.
#[test]
fn someone_removed_from_staff_since_branching_has_no_staff_rights() {
    let mut r = Repo::new();
    let staff = "data/staff.yml";
    let before = std::fs::read_to_string(r.root().join(staff)).unwrap();
    r.edit(
        staff,
        "  - { handle: prof-x, name: Prof X }\n",
        "  - { handle: someone-else, name: S }\n",
    );
    r.commit("refs/heads/main", "prof-x leaves");
    write(r.root(), staff, before);
    r.edit(
        "data/programmes/ceci.yml",
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 100",
    );
    r.pr();
    let run = check_pr(r.root(), "prof-x");
    assert_eq!(run.code, Some(1), "{}", run.stdout());
    assert_annotations(
        &run,
        &[scope_error(
            "scope.outside-folder",
            "data/programmes/ceci.yml",
        )],
    );
    assert!(
        run.stdout().contains("PR by prof-x (student)"),
        "{}",
        run.stdout()
    );
}

// ---------------------------------------------------------------------------
// Staff PRs that change the calendar (issue 14): the records whose verdict
// changes, each with before → after and why, in every format.

const CALENDAR: &str = "data/calendar/ateliers.yml";

/// The March workshop's block in the fixture calendar, which dana attended.
const MARCH: &str = "  - id: atelier-2025-03
    kind: workshop
    programme: ceci
    title: { fr: \"Atelier de mars\" }
    start: 2025-03-12T18:00
    end: 2025-03-12T20:00
    location: { campus: Solbosch }
";

/// `engage check --pr` as staff in `format` (human or json): exit code,
/// stdout, stderr.
fn check_pr_as(root: &Path, format: &str) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(root)
        .args([
            "--lang", "en", "check", "--pr", "--base", "main", "--author", "prof-x", "--format",
            format, "--today", TODAY,
        ])
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_ACTOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `scope.verdict-changed` diagnostics of the JSON output, as (file,
/// line, message).
fn json_verdicts(stdout: &str) -> Vec<(String, u64, String)> {
    let doc: serde_json::Value = serde_json::from_str(stdout).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "scope.verdict-changed")
        .map(|d| {
            assert_eq!(d["severity"], "warning", "{d}");
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Checks a staff calendar PR in the three formats: the one verdict change
/// expected (dana's, `message`, on `line` of the calendar), in the GitHub
/// annotations, the step summary, the human output and the JSON document;
/// the PR passes (the change is staff's to make).
fn assert_one_verdict_change(r: &Repo, (line, col): (usize, usize), message: &str) {
    let run = check_pr(r.root(), "prof-x");
    assert_annotations(
        &run,
        &[format!(
            "::warning file={CALENDAR},line={line},col={col},title=scope.verdict-changed::{message}%0Ahelp: tell the students concerned before merging, or keep the old id"
        )],
    );
    // The whole message, not a prefix of it.
    assert!(
        run.annotations()[0].ends_with("or keep the old id"),
        "{:?}",
        run.annotations()
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout());
    assert!(
        run.stdout()
            .contains("PR by prof-x (staff): 1 path(s) changed since")
            && run
                .stdout()
                .contains("2 record(s) compared under the changed calendar"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stdout()
            .contains("\n1 record(s) change verdict under the changed calendar:\n"),
        "{}",
        run.stdout()
    );
    // The step summary lists it among the notes and the other problems.
    assert!(
        run.summary
            .contains("- 1 record(s) change verdict under the changed calendar:\n"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains(&format!(
            "- ⚠️ `{CALENDAR}:{line}` `scope.verdict-changed`: "
        )),
        "{}",
        run.summary
    );

    let (code, stdout, stderr) = check_pr_as(r.root(), "human");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.lines().any(|l| l == message), "{stdout}");
    assert!(
        stderr.contains("warning[scope.verdict-changed]"),
        "{stderr}"
    );

    let (code, stdout, _) = check_pr_as(r.root(), "json");
    assert_eq!(code, Some(0));
    assert_eq!(
        json_verdicts(&stdout),
        vec![(CALENDAR.to_string(), line as u64, message.to_string())]
    );
}

#[test]
fn a_staff_pr_renaming_a_workshop_lists_the_records_that_named_it() {
    let mut r = Repo::new();
    r.edit(
        CALENDAR,
        "id: atelier-2025-03\n",
        "id: atelier-2025-03-solbosch\n",
    );
    r.pr();
    assert_one_verdict_change(
        &r,
        id_at(r.root(), "atelier-2025-03-solbosch"),
        "dana: passes → fails (1 error): workshop `atelier-2025-03` is now called \
         `atelier-2025-03-solbosch` (ceci.workshop-unknown: the workshop `atelier-2025-03` \
         does not count: no event of the calendar has this id)",
    );
}

#[test]
fn a_staff_pr_removing_a_workshop_lists_the_records_that_named_it() {
    let mut r = Repo::new();
    r.edit(CALENDAR, MARCH, "");
    r.pr();
    // The event's lines are gone: the warning is on the file.
    assert_one_verdict_change(
        &r,
        (1, 1),
        "dana: passes → fails (1 error): workshop `atelier-2025-03` no longer exists \
         (ceci.workshop-unknown: the workshop `atelier-2025-03` does not count: no event of \
         the calendar has this id)",
    );
}

#[test]
fn a_staff_pr_rescheduling_a_workshop_lists_the_records_it_breaks() {
    let mut r = Repo::new();
    // Moved after "today": dana cannot have attended it yet.
    r.edit(
        CALENDAR,
        "start: 2025-03-12T18:00\n    end: 2025-03-12T20:00",
        "start: 2026-09-16T18:00\n    end: 2026-09-16T20:00",
    );
    r.pr();
    assert_one_verdict_change(
        &r,
        id_at(r.root(), "atelier-2025-03"),
        "dana: passes → fails (1 error): workshop `atelier-2025-03` moved from 2025-03-12 \
         to 2026-09-16 (ceci.workshop-unknown: the workshop `atelier-2025-03` does not count: \
         the workshop on 2026-09-16 has not taken place yet (today: 2026-06-01))",
    );
}

#[test]
fn a_calendar_change_that_affects_no_record_says_so() {
    let mut r = Repo::new();
    // Nobody attended the January workshop; a new June session is added.
    r.edit(
        CALENDAR,
        "start: 2025-01-15T18:00\n    end: 2025-01-15T20:00",
        "start: 2025-01-22T18:00\n    end: 2025-01-22T20:00",
    );
    r.pr();
    let run = check_pr(r.root(), "prof-x");
    assert_annotations(&run, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout());
    let none = "the calendar change changes no record's verdict (2 record(s) compared)";
    assert!(run.stdout().lines().any(|l| l == none), "{}", run.stdout());
    assert!(
        run.summary.contains(&format!("- {none}\n")),
        "{}",
        run.summary
    );
    let (code, stdout, _) = check_pr_as(r.root(), "human");
    assert_eq!(code, Some(0));
    assert!(stdout.lines().any(|l| l == none), "{stdout}");
    let (_, stdout, _) = check_pr_as(r.root(), "json");
    assert_eq!(json_verdicts(&stdout), vec![]);
}

#[test]
fn a_staff_pr_restoring_a_workshop_lists_the_records_that_pass_again() {
    // On main, dana names a workshop the calendar lost: she fails. The PR
    // puts it back.
    let mut r = Repo::with(|root| {
        let path = root.join(CALENDAR);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen(MARCH, "", 1)).unwrap();
    });
    r.edit(
        CALENDAR,
        "  - id: info-2025-03\n",
        &format!("{MARCH}  - id: info-2025-03\n"),
    );
    r.pr();
    assert_one_verdict_change(
        &r,
        id_at(r.root(), "atelier-2025-03"),
        "dana: fails (1 error) → passes: workshop `atelier-2025-03` now exists (the workshop counts)",
    );
}

#[test]
fn a_student_changing_the_calendar_gets_the_refusal_alone() {
    let mut r = Repo::new();
    r.edit(CALENDAR, MARCH, "");
    log_hours(&r);
    r.pr();
    let run = check_pr(r.root(), "emile");
    assert_annotations(&run, &[scope_error("scope.outside-folder", CALENDAR)]);
    assert!(
        !run.stdout().contains("calendar change"),
        "{}",
        run.stdout()
    );
    assert_eq!(run.code, Some(1));
}

/// A student's PR is judged by the base branch's rules, never by its own:
/// dana lowers the hours in the programme and drops five days of her
/// record; her record still fails under main's 150 hours, besides the
/// refusal of the rules change.
#[test]
fn a_student_pr_is_never_judged_by_its_own_rules() {
    let mut r = Repo::new();
    r.edit(
        "data/programmes/ceci.yml",
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 100",
    );
    r.edit(
        DANA,
        "    - { date: 2025-07-14, hours: 6, activity: Permanence }\n    - { date: 2025-07-21, hours: 6, activity: Permanence }\n",
        "",
    );
    r.pr();
    let run = check_pr(r.root(), "dana");
    // The hours are reported where their list begins.
    let hours = line_of(r.root(), DANA, "- { date: 2025-02-17,");
    // The refusal, and her record under main's rules; no verdict change
    // is computed for a student.
    assert_annotations(
        &run,
        &[
            format!("::error file={DANA},line={hours},col=5,title=ceci.internship-hours::"),
            scope_error("scope.outside-folder", "data/programmes/ceci.yml"),
        ],
    );
    assert!(
        run.annotations()[0].contains(
            "title=ceci.internship-hours::138 h of internship logged, 150 h are required"
        ),
        "{:#?}",
        run.annotations()
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn a_workshop_moved_past_the_records_limit_is_told_by_the_date_rules() {
    // Without the workshop rule, the programme's date rules judge the
    // workshops' dates: moved past dana's two years (and past today), hers
    // breaks two of them.
    let mut r = Repo::with(|root| {
        let path = root.join("data/programmes/ceci.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text.find("  - id: ceci.workshop-unknown").unwrap();
        let end = text.find("  - id: ceci.internship-hours").unwrap();
        std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    });
    r.edit(
        CALENDAR,
        "start: 2025-03-12T18:00\n    end: 2025-03-12T20:00",
        "start: 2027-03-10T18:00\n    end: 2027-03-10T20:00",
    );
    r.pr();
    assert_one_verdict_change(
        &r,
        id_at(r.root(), "atelier-2025-03"),
        "dana: passes → fails (2 errors): workshop `atelier-2025-03` moved from 2025-03-12 to \
         2027-03-10 (ceci.future-date: the date 2027-03-10 is after today (2026-06-01); \
         ceci.two-year-limit: 2027-03-10 is beyond the 2-year limit after enrolment (last day: \
         2027-02-02))",
    );
}

/// Issue 14: a staff PR's human output counts the records it compared, in
/// agreement with the verdict change it lists (it said "0 record(s)
/// checked", then "1 record now fails").
#[test]
fn a_staff_pr_counts_the_records_it_compared() {
    let mut r = Repo::new();
    r.edit(
        "data/programmes/ceci.yml",
        "min_hours: &min_hours 150",
        "min_hours: &min_hours 160",
    );
    r.pr();
    let out = Command::new(env!("CARGO_BIN_EXE_engage"))
        .arg("--root")
        .arg(r.root())
        .args([
            "--lang", "en", "check", "--pr", "--base", "main", "--author", "Prof-X", "--format",
            "human", "--today", TODAY,
        ])
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_ACTOR")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("1 record now fails ceci.internship-hours: dana"),
        "{text}"
    );
    assert!(
        text.contains("no record changed, 2 record(s) compared under the changed rules"),
        "{text}"
    );
    assert!(!text.contains("0 record(s) checked"), "{text}");
    assert!(!text.contains("0 changed record(s)"), "{text}");
    assert!(text.contains("\n0 error(s), 1 warning(s).\n"), "{text}");
}
