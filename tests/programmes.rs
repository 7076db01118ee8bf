//! The three example programmes of examples/ (ESCOM, CIRÉ, micro-credential):
//! their records pass with the expected verdicts, each rule broken gives its
//! rule id on its line, and each example site checks and builds.

mod common;

use std::path::Path;

use common::html::Page;
use common::{check_json, copy_dir, edit, engage, line_of, record_path, repo, stderr, write, Run};

/// The date the examples are checked against.
const TODAY: &str = "2026-11-23";

/// A copy of examples/`name` in a temporary folder (data and content only).
fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples").join(name), dir.path());
    dir
}

/// Every record (`check data/portfolios`): the example copies have no
/// theme, so the whole-site check is left to
/// `every_example_checks_and_builds_in_place`.
fn check(root: &Path) -> Run {
    check_args(root, &["data/portfolios"])
}

/// Only `handle`'s record (the others may have intended warnings).
fn check_one(root: &Path, handle: &str) -> Run {
    check_args(root, &[&format!("data/portfolios/{handle}")])
}

fn check_args(root: &Path, args: &[&str]) -> Run {
    check_json(root, TODAY, args)
}

/// Asserts exactly these (rule, severity, line) diagnostics, all in
/// `handle`'s record, and the exit code that follows from them.
fn assert_found(run: &Run, handle: &str, expected: &[(&str, &str, u32)]) {
    let file = record_path(handle);
    let want: Vec<(String, String, String, u32)> = expected
        .iter()
        .map(|(r, s, l)| (r.to_string(), s.to_string(), file.clone(), *l))
        .collect();
    assert_eq!(run.located_with_severity(), want, "{}", stderr(&run.out));
    let errors = expected.iter().any(|(_, s, _)| *s == "error");
    assert_eq!(run.code, Some(if errors { 1 } else { 0 }));
}

fn errors(run: &Run, handle: &str, expected: &[(&str, u32)]) {
    let e: Vec<(&str, &str, u32)> = expected.iter().map(|(r, l)| (*r, "error", *l)).collect();
    assert_found(run, handle, &e);
}

// ---------------------------------------------------------------------------
// The example sites: verdicts, check and build

#[test]
fn escom_example_gives_the_expected_verdicts() {
    let s = example("escom");
    let run = check(s.path());
    // Léa earned nothing in 2024-2025: the one intended warning.
    assert_found(
        &run,
        "lea",
        &[(
            "escom.year-at-risk",
            "warning",
            line_of(s.path(), "lea", "year: 2024-2025"),
        )],
    );
    assert_eq!(
        run.message(0),
        "no credit in 2024-2025: in 2025-2026 you must earn 2 ECTS to reach 2 in the preparatory cycle"
    );
    let hugo = run.record("hugo");
    assert_eq!(hugo["complete"], false);
    assert_eq!(hugo["credits"]["preparatory"]["done"], 3.0);
    assert_eq!(hugo["credits"]["engineering"]["done"], 0.0);
    assert_eq!(run.record("lea")["credits"]["preparatory"]["done"], 0.5);
    let sam = run.record("sam");
    assert_eq!(sam["status"], "submitted");
    assert_eq!(sam["complete"], true);
    assert_eq!(sam["credits"]["engineering"]["done"], 2.5);
}

#[test]
fn cire_example_gives_the_expected_verdicts() {
    let s = example("cire");
    let run = check(s.path());
    assert_eq!(run.located_with_severity(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.code, Some(0));
    let amina = run.record("amina");
    assert_eq!(amina["complete"], true);
    assert_eq!(amina["attendance"]["society"]["certificate"], true);
    assert_eq!(amina["attendance"]["daily-life"]["done"], 3);
    assert_eq!(amina["attendance"]["daily-life"]["certificate"], false);
    let tesfaye = run.record("tesfaye");
    assert_eq!(tesfaye["complete"], false);
    assert_eq!(tesfaye["full_modules"]["done"], 0);
    assert_eq!(run.record("karim")["complete"], true);
}

#[test]
fn micro_credential_example_gives_the_expected_verdicts() {
    let s = example("micro-credential");
    let run = check(s.path());
    assert_eq!(run.located_with_severity(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.code, Some(0));
    assert_eq!(run.record("ines")["complete"], true);
    assert_eq!(run.record("ines")["elements"]["done"], 10);
    let jules = run.record("jules");
    assert_eq!(jules["complete"], false);
    assert_eq!(jules["elements"]["done"], 7);
    assert_eq!(
        jules["missing_elements"],
        serde_json::json!(["awarding_body", "issued", "quality_assurance"])
    );
}

#[test]
fn the_human_summary_says_what_is_missing() {
    let s = example("escom");
    let out = engage(s.path(), &["check", "--today", TODAY]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("hugo  escom, in progress, incomplete, engineering 0/2 ECTS, preparatory 3/2 ECTS\n      missing: 2 ECTS in the engineering cycle\n"),
        "{summary}"
    );
    // A complete record has no such line.
    assert!(
        summary.contains("sam   escom, submitted, complete, engineering 2.5/2 ECTS, preparatory 2/2 ECTS\n3 record(s)"),
        "{summary}"
    );
    let s = example("micro-credential");
    let out = engage(s.path(), &["--lang", "fr", "check", "--today", TODAY]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("manque : `awarding_body`, `issued`, `quality_assurance`"),
        "{summary}"
    );
}

#[test]
fn every_example_checks_and_builds_in_place() {
    for name in ["escom", "cire", "micro-credential"] {
        // The records, in the example folder itself, as staff would run it
        // (the examples borrow the repository's theme: the site part of a
        // plain `check` needs it in place).
        let root = repo().join("examples").join(name);
        let out = engage(&root, &["check", "--today", TODAY, "data/portfolios"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        // The whole site, then `build`, on a copy with the default theme.
        let s = example(name);
        copy_dir(
            &repo().join("themes/default"),
            &s.path().join("themes/default"),
        );
        let out = engage(s.path(), &["check", "--today", TODAY]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let out = engage(s.path(), &["build", "--today", TODAY]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let home = Page::at(&s.path().join("public"), "en/index.html");
        assert_eq!(home.lang(), "en", "{name}");
    }
}

#[test]
fn programme_pages_show_the_facts_of_each_example() {
    let s = example("escom");
    copy_dir(
        &repo().join("themes/default"),
        &s.path().join("themes/default"),
    );
    let out = engage(s.path(), &["build", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = Page::at(&s.path().join("public"), "en/module/index.html");
    // The ESCOM rules, in the key facts box's list of what is checked.
    let requirements = page.texts("aside.key-facts ul.requirements li");
    for rule in ["2 ECTS per cycle", "One credit a year"] {
        assert!(
            requirements.contains(&rule.to_string()),
            "{rule}: {requirements:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// ESCOM rules

#[test]
fn escom_an_action_in_a_year_not_followed_is_refused() {
    let s = example("escom");
    edit(
        s.path(),
        "hugo",
        "year: 2024-2025\n    cycle: preparatory",
        "year: 2023-2024\n    cycle: preparatory",
    );
    // The action no longer counts for 2024-2025, which is left without
    // credit: the warning follows.
    assert_found(
        &check_one(s.path(), "hugo"),
        "hugo",
        &[
            (
                "escom.year-at-risk",
                "warning",
                line_of(s.path(), "hugo", "year: 2024-2025, cycle"),
            ),
            (
                "escom.action-year",
                "error",
                line_of(s.path(), "hugo", "year: 2023-2024"),
            ),
        ],
    );
}

/// Issue 14: what a rule rejects never counts towards a total, and the
/// summary says what was left out and why.
#[test]
fn escom_credits_of_a_rejected_action_do_not_count() {
    let s = example("escom");
    edit(
        s.path(),
        "hugo",
        "year: 2025-2026\n    cycle: preparatory\n    presence_hours: 24",
        "year: 2023-2024\n    cycle: preparatory\n    presence_hours: 24",
    );
    let run = check_one(s.path(), "hugo");
    errors(
        &run,
        "hugo",
        &[(
            "escom.action-year",
            line_of(s.path(), "hugo", "year: 2023-2024"),
        )],
    );
    let preparatory = &run.record("hugo")["credits"]["preparatory"];
    assert_eq!(preparatory["done"], 1.5, "{preparatory}");
    assert_eq!(
        preparatory["uncounted"],
        serde_json::json!([{ "amount": 1.5, "reason": "of 2023-2024, not in `years:` for this cycle," }])
    );
    let out = engage(
        s.path(),
        &["check", "data/portfolios/hugo", "--today", TODAY],
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("preparatory 1.5/2 ECTS (1.5 ECTS of 2023-2024, not in `years:` for this cycle, not counted)"),
        "{summary}"
    );
}

/// Issue 14: an action dated in an academic year after today's is its own
/// error at its line, and earns nothing.
#[test]
fn escom_an_action_in_a_future_year_is_refused() {
    let s = example("escom");
    // Checked on 2026-11-23: the current academic year is 2026-2027.
    edit(
        s.path(),
        "hugo",
        "year: 2025-2026\n    cycle: preparatory\n    presence_hours: 24",
        "year: 2027-2028\n    cycle: engineering\n    presence_hours: 24",
    );
    let run = check_one(s.path(), "hugo");
    errors(
        &run,
        "hugo",
        &[(
            "escom.action-future-year",
            line_of(s.path(), "hugo", "year: 2027-2028"),
        )],
    );
    assert_eq!(
        run.message(0),
        "the action is dated 2027-2028, a year that has not begun (today: 2026-11-23, year 2026-2027)"
    );
    assert_eq!(run.record("hugo")["credits"]["engineering"]["done"], 0.0);
}

#[test]
fn escom_an_action_in_the_wrong_cycle_is_refused() {
    let s = example("escom");
    edit(
        s.path(),
        "hugo",
        "year: 2024-2025\n    cycle: preparatory",
        "year: 2024-2025\n    cycle: engineering",
    );
    let run = check_one(s.path(), "hugo");
    let line = line_of(s.path(), "hugo", "    cycle: engineering");
    assert_found(
        &run,
        "hugo",
        &[
            (
                "escom.year-at-risk",
                "warning",
                line_of(s.path(), "hugo", "year: 2024-2025, cycle"),
            ),
            ("escom.action-year", "error", line),
        ],
    );
    assert!(
        run.message(1).contains("engineering cycle"),
        "{}",
        run.message(1)
    );
    assert!(
        run.message(1).ends_with("preparatory cycle"),
        "{}",
        run.message(1)
    );
}

#[test]
fn escom_an_action_under_the_first_band_earns_nothing() {
    let s = example("escom");
    edit(s.path(), "hugo", "presence_hours: 8", "presence_hours: 3");
    let run = check_one(s.path(), "hugo");
    assert_found(
        &run,
        "hugo",
        &[(
            "escom.action-no-credit",
            "warning",
            line_of(s.path(), "hugo", "presence_hours: 3"),
        )],
    );
    assert_eq!(
        run.message(0),
        "this action totals 7 h: under 10 h it earns no credit"
    );
    // 1 + 0 + 1.5: the preparatory cycle is still met.
    assert_eq!(run.record("hugo")["credits"]["preparatory"]["done"], 2.5);
}

#[test]
fn escom_the_scale_bands_are_inclusive() {
    // 19.5 h earns 0.5, 20 h earns 1: sam's 2021-2022 action is 22 h.
    let s = example("escom");
    edit(
        s.path(),
        "sam",
        "presence_hours: 18",
        "presence_hours: 15.5",
    );
    let run = check_one(s.path(), "sam");
    assert_eq!(run.record("sam")["credits"]["preparatory"]["done"], 1.5);
    edit(
        s.path(),
        "sam",
        "presence_hours: 15.5",
        "presence_hours: 16",
    );
    let run = check_one(s.path(), "sam");
    assert_eq!(run.record("sam")["credits"]["preparatory"]["done"], 2.0);
}

#[test]
fn escom_a_submitted_record_needs_2_credits_per_cycle() {
    let s = example("escom");
    // 2023-2024: 12 h instead of 32 h, 0.5 instead of 1.5 credits.
    edit(s.path(), "sam", "presence_hours: 30", "presence_hours: 10");
    let run = check_one(s.path(), "sam");
    errors(
        &run,
        "sam",
        &[(
            "escom.cycle-credits",
            line_of(s.path(), "sam", "year: 2023-2024, cycle: engineering"),
        )],
    );
    assert_eq!(
        run.message(0),
        "1.5 ECTS earned in the engineering cycle, 2 are required for the diploma"
    );
}

#[test]
fn escom_no_warning_once_the_cycle_is_complete() {
    // 46 h in the first preparatory year earn the cycle's 2 credits: the
    // empty second year does not put the student at risk.
    let s = example("escom");
    write(
        s.path(),
        &record_path("hugo"),
        "programme: escom\nhandle: hugo\nstatus: in-progress\nyears:\n\
         \x20 - { year: 2024-2025, cycle: preparatory }\n\
         \x20 - { year: 2025-2026, cycle: preparatory }\n\
         actions:\n\
         \x20 - { kind: tutoring, title: Cordées, year: 2024-2025, cycle: preparatory, presence_hours: 40 }\n",
    );
    let run = check_one(s.path(), "hugo");
    assert_eq!(run.located_with_severity(), vec![], "{}", stderr(&run.out));
}

#[test]
fn escom_bad_input_is_located() {
    let s = example("escom");
    edit(s.path(), "hugo", "kind: tutoring", "kind: tutorat");
    edit(
        s.path(),
        "hugo",
        "year: 2024-2025, cycle",
        "year: 2024-2026, cycle",
    );
    edit(
        s.path(),
        "hugo",
        "preparation_hours: 4",
        "preparation_hours: -4",
    );
    errors(
        &check_one(s.path(), "hugo"),
        "hugo",
        &[
            (
                "record.year-invalid",
                line_of(s.path(), "hugo", "year: 2024-2026"),
            ),
            (
                "record.unknown-value",
                line_of(s.path(), "hugo", "kind: tutorat"),
            ),
            (
                "record.hours-invalid",
                line_of(s.path(), "hugo", "preparation_hours: -4"),
            ),
        ],
    );
}

#[test]
fn escom_parts_of_other_programmes_are_refused_and_needed_ones_reported() {
    let s = example("escom");
    edit(
        s.path(),
        "lea",
        "status: in-progress",
        "status: in-progress\nanalysis: analyse.md",
    );
    edit(s.path(), "lea", "years:", "yeers:");
    let run = check_one(s.path(), "lea");
    // The unknown key stops the record at the YAML stage.
    errors(
        &run,
        "lea",
        &[("yaml.unknown-key", line_of(s.path(), "lea", "yeers:"))],
    );
    edit(s.path(), "lea", "yeers:", "years:");
    let run = check_one(s.path(), "lea");
    assert_found(
        &run,
        "lea",
        &[
            (
                "record.part-unexpected",
                "error",
                line_of(s.path(), "lea", "analysis: analyse.md"),
            ),
            (
                "escom.year-at-risk",
                "warning",
                line_of(s.path(), "lea", "year: 2024-2025"),
            ),
        ],
    );
    write(
        s.path(),
        &record_path("lea"),
        "programme: escom\nhandle: lea\nstatus: in-progress\nactions: []\n",
    );
    errors(
        &check_one(s.path(), "lea"),
        "lea",
        &[("record.part-missing", 1)],
    );
}

#[test]
fn escom_a_year_is_listed_once() {
    let s = example("escom");
    edit(
        s.path(),
        "hugo",
        "  - { year: 2026-2027, cycle: engineering }",
        "  - { year: 2026-2027, cycle: engineering }\n  - { year: 2025-2026, cycle: engineering }",
    );
    errors(
        &check_one(s.path(), "hugo"),
        "hugo",
        &[(
            "record.duplicate",
            line_of(s.path(), "hugo", "year: 2025-2026, cycle: engineering"),
        )],
    );
}

// ---------------------------------------------------------------------------
// CIRÉ rules

#[test]
fn cire_the_permit_must_be_less_than_five_years_old_at_registration() {
    // Karim registered on 2026-03-02: a permit of 2021-03-03 is 4 years and
    // 364 days old, one of 2021-03-02 is exactly 5 years old.
    let s = example("cire");
    edit(
        s.path(),
        "karim",
        "residence_permit: 2022-06-20",
        "residence_permit: 2021-03-03",
    );
    let run = check(s.path());
    assert_eq!(run.located_with_severity(), vec![], "{}", stderr(&run.out));
    edit(
        s.path(),
        "karim",
        "residence_permit: 2021-03-03",
        "residence_permit: 2021-03-02",
    );
    let run = check(s.path());
    errors(
        &run,
        "karim",
        &[(
            "cire.permit-recent",
            line_of(s.path(), "karim", "residence_permit"),
        )],
    );
    assert!(
        run.message(0)
            .ends_with("(registration possible until 2026-03-01)"),
        "{}",
        run.message(0)
    );
}

#[test]
fn cire_a_permit_issued_after_registration_is_refused() {
    let s = example("cire");
    edit(
        s.path(),
        "karim",
        "residence_permit: 2022-06-20",
        "residence_permit: 2026-03-03",
    );
    errors(
        &check(s.path()),
        "karim",
        &[(
            "cire.permit-recent",
            line_of(s.path(), "karim", "residence_permit"),
        )],
    );
}

#[test]
fn cire_european_union_nationals_are_not_eligible() {
    let s = example("cire");
    edit(s.path(), "tesfaye", "[ER]", "[ER, FR]");
    let run = check(s.path());
    errors(
        &run,
        "tesfaye",
        &[(
            "cire.nationality",
            line_of(s.path(), "tesfaye", "nationalities"),
        )],
    );
    assert_eq!(run.json["diagnostics"][0]["column"], 23);
}

#[test]
fn cire_participants_speak_french() {
    let s = example("cire");
    edit(s.path(), "tesfaye", "[ti, fr, en]", "[ti, en]");
    errors(
        &check(s.path()),
        "tesfaye",
        &[(
            "cire.speaks-french",
            line_of(s.path(), "tesfaye", "languages"),
        )],
    );
}

#[test]
fn cire_a_certificate_needs_every_session() {
    let s = example("cire");
    edit(
        s.path(),
        "tesfaye",
        "{ session: 2, date: 2026-10-21 }\n",
        "{ session: 2, date: 2026-10-21 }\n    certificate: 2026-10-21\n",
    );
    let run = check(s.path());
    errors(
        &run,
        "tesfaye",
        &[(
            "cire.certificate-due",
            line_of(s.path(), "tesfaye", "certificate:"),
        )],
    );
    assert_eq!(
        run.message(0),
        "certificate handed over for “Housing, health and social security”, but 2 of 6 sessions attended"
    );
}

#[test]
fn cire_a_submitted_record_needs_one_full_module() {
    let s = example("cire");
    edit(
        s.path(),
        "karim",
        "      - { session: 6, date: 2026-03-12 }\n",
        "",
    );
    errors(
        &check(s.path()),
        "karim",
        &[
            (
                "cire.full-module",
                line_of(s.path(), "karim", "- module: work"),
            ),
            (
                "cire.certificate-due",
                line_of(s.path(), "karim", "certificate:"),
            ),
        ],
    );
}

#[test]
fn cire_sessions_lie_between_registration_and_today() {
    let s = example("cire");
    edit(s.path(), "amina", "date: 2026-09-15", "date: 2026-09-10");
    edit(s.path(), "amina", "date: 2026-10-08", "date: 2026-11-24");
    errors(
        &check(s.path()),
        "amina",
        &[
            (
                "cire.before-registration",
                line_of(s.path(), "amina", "2026-09-10"),
            ),
            ("cire.future-date", line_of(s.path(), "amina", "2026-11-24")),
        ],
    );
}

#[test]
fn cire_bad_input_is_located() {
    let s = example("cire");
    edit(s.path(), "amina", "session: 8,", "session: 9,");
    edit(
        s.path(),
        "amina",
        "session: 3, date: 2026-10-08",
        "session: 2, date: 2026-10-08",
    );
    edit(s.path(), "amina", "[MA]", "[Maroc]");
    let run = check(s.path());
    errors(
        &run,
        "amina",
        &[
            (
                "record.country-invalid",
                line_of(s.path(), "amina", "Maroc"),
            ),
            (
                "record.session-invalid",
                line_of(s.path(), "amina", "session: 9"),
            ),
            (
                "record.session-invalid",
                line_of(s.path(), "amina", "session: 2, date: 2026-10-08"),
            ),
        ],
    );
}

#[test]
fn cire_eligibility_is_required() {
    let s = example("cire");
    write(
        s.path(),
        &record_path("tesfaye"),
        "programme: cire\nhandle: tesfaye\nstatus: in-progress\nenrolment: { date: 2026-10-19 }\n",
    );
    errors(&check(s.path()), "tesfaye", &[("record.part-missing", 1)]);
}

// ---------------------------------------------------------------------------
// Micro-credential rules

#[test]
fn micro_credential_a_submitted_credential_states_every_element() {
    let s = example("micro-credential");
    edit(
        s.path(),
        "ines",
        "  awarding_body: Université libre de Bruxelles\n",
        "",
    );
    edit(
        s.path(),
        "ines",
        "  participation: Hybride (en ligne et en présentiel)\n",
        "",
    );
    let run = check(s.path());
    let at = line_of(s.path(), "ines", "learner:");
    errors(
        &run,
        "ines",
        &[
            ("micro-credential.elements", at),
            ("micro-credential.elements", at),
        ],
    );
    assert_eq!(run.message(0), "the awarding body is missing");
    assert_eq!(run.message(1), "the form of participation is missing");
}

#[test]
fn micro_credential_credits_are_strictly_below_10() {
    let s = example("micro-credential");
    edit(s.path(), "ines", "workload_ects: 3", "workload_ects: 9.99");
    let run = check(s.path());
    assert_eq!(run.located_with_severity(), vec![], "{}", stderr(&run.out));
    edit(s.path(), "ines", "workload_ects: 9.99", "workload_ects: 10");
    let run = check(s.path());
    errors(
        &run,
        "ines",
        &[(
            "micro-credential.credits",
            line_of(s.path(), "ines", "workload_ects"),
        )],
    );
    assert_eq!(
        run.message(0),
        "10 ECTS: a micro-credential is worth fewer than 10 credits"
    );
}

#[test]
fn micro_credential_the_date_of_issue_is_not_in_the_future() {
    let s = example("micro-credential");
    edit(s.path(), "ines", "issued: 2026-06-30", "issued: 2026-11-24");
    errors(
        &check(s.path()),
        "ines",
        &[(
            "micro-credential.future-date",
            line_of(s.path(), "ines", "issued:"),
        )],
    );
}

#[test]
fn micro_credential_bad_input_is_located() {
    let s = example("micro-credential");
    edit(s.path(), "ines", "eqf_level: 6", "eqf_level: 9");
    edit(s.path(), "ines", "country: BE", "country: Belgique");
    edit(s.path(), "ines", "workload_ects: 3", "workload_ects: 0");
    errors(
        &check(s.path()),
        "ines",
        &[
            (
                "record.country-invalid",
                line_of(s.path(), "ines", "country:"),
            ),
            (
                "record.credits-invalid",
                line_of(s.path(), "ines", "workload_ects"),
            ),
            (
                "record.level-invalid",
                line_of(s.path(), "ines", "eqf_level"),
            ),
        ],
    );
}
