//! `engage check` on fixture records (tests/fixtures/portfolios) checked
//! against the repository's real CECi programme and a fixture calendar: good
//! records pass, and each rule and each kind of bad input gives its rule id
//! on its line. Plain `engage check` on a copy of the repository checks its
//! site as well.

mod common;

use std::path::Path;

use common::{check_json, copy_dir, edit, engage, line_of, record_path, repo, stderr, write, Run};

/// The date the tests check against, unless a test says otherwise.
const TODAY: &str = "2026-06-01";

fn site(handles: &[&str]) -> tempfile::TempDir {
    common::records_root(handles)
}

fn check_on(root: &Path, today: &str, args: &[&str]) -> Run {
    check_json(root, today, args)
}

fn check(root: &Path) -> Run {
    check_on(root, TODAY, &[])
}

/// Asserts exit 1 and exactly these (rule, line) diagnostics in `handle`'s record.
fn assert_errors(run: &Run, handle: &str, expected: &[(&str, u32)]) {
    let file = record_path(handle);
    let want: Vec<(String, String, u32)> = expected
        .iter()
        .map(|(r, l)| (r.to_string(), file.clone(), *l))
        .collect();
    assert_eq!(run.located(), want, "{}", stderr(&run.out));
    assert_eq!(run.code, Some(1));
}

fn one_error(handle: &str, rule: &str, line: u32) -> impl Fn(&Run) {
    let handle = handle.to_string();
    let rule = rule.to_string();
    move |run: &Run| assert_errors(run, &handle, &[(&rule, line)])
}

// ---------------------------------------------------------------------------
// Good records

#[test]
fn good_records_pass_with_their_progress() {
    let s = site(&["dana", "emile"]);
    let run = check(s.path());
    assert_eq!(run.located(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.code, Some(0));
    let dana = run.record("dana");
    assert_eq!(dana["status"], "submitted");
    assert_eq!(dana["complete"], true);
    assert_eq!(dana["hours"]["done"], 150.0);
    assert_eq!(dana["productions"]["done"], 5);
    assert_eq!(dana["deadline"], "2027-02-02");
    let emile = run.record("emile");
    assert_eq!(emile["status"], "in-progress");
    assert_eq!(emile["complete"], false);
    assert_eq!(emile["hours"]["done"], 6.5);
    assert_eq!(emile["hours"]["required"], 150.0);
    assert_eq!(emile["modules"]["done"], 1);
    assert_eq!(emile["productions"]["done"], 1);
    assert_eq!(emile["analysis"], false);
}

/// A copy of the repository's site: data, content and themes.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["data", "content", "themes"] {
        // Canonical: the repository's folders may be reached through a link.
        let from = repo().join(part).canonicalize().unwrap();
        copy_dir(&from, &dir.path().join(part));
    }
    dir
}

/// The one warning of the repository's site: a French-only page, on
/// purpose (it shows the notice of a missing translation).
fn untranslated() -> (String, String, u32) {
    (
        "content.not-translated".into(),
        "content/ceci/ateliers-2023-2024.fr.md".into(),
        1,
    )
}

#[test]
fn the_repository_records_give_the_expected_verdicts() {
    let dir = repository();
    let run = check_on(dir.path(), "2026-11-23", &[]);
    assert_eq!(run.located(), vec![untranslated()], "{}", stderr(&run.out));
    assert_eq!(run.code, Some(0));
    // Every workshop the records name is a real event of the calendar.
    assert_eq!(run.record("alice")["workshops"], 3);
    assert_eq!(run.record("bob")["workshops"], 2);
    assert_eq!(run.record("chloe")["workshops"], 1);
    assert_eq!(run.record("alice")["complete"], true);
    assert_eq!(run.record("alice")["status"], "submitted");
    assert_eq!(run.record("bob")["hours"]["done"], 120.0);
    assert_eq!(run.record("bob")["productions"]["done"], 3);
    assert_eq!(run.record("bob")["complete"], false);
    assert_eq!(run.record("chloe")["modules"]["done"], 1);
}

#[test]
fn human_output_has_caret_rule_hint_and_summary() {
    let s = site(&["dana", "emile"]);
    edit(s.path(), "dana", "kind: association", "kind: company");
    let out = engage(s.path(), &["check", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = line_of(s.path(), "dana", "kind: company");
    assert!(err.contains("error[ceci.organisation-refused]: the internship must take place in a not-for-profit organisation, not in: Company"), "{err}");
    assert!(
        err.contains(&format!("data/portfolios/dana/portfolio.yml:{line}:11")),
        "{err}"
    );
    assert!(err.contains("^^^^^^^"), "{err}");
    assert!(err.contains("help: an association (ASBL)"), "{err}");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("emile  ceci, in progress, incomplete, hours 6.5/150, productions 1/5, modules 1/4, analysis no, assessment no, agreement 3/3, workshops 0, deadline 2027-09-30"),
        "{summary}"
    );
    assert!(
        summary.contains("2 record(s) checked: 1 error(s), 0 warning(s)."),
        "{summary}"
    );
}

#[test]
fn messages_are_in_french_with_lang_fr() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "kind: association", "kind: company");
    let out = engage(s.path(), &["--lang", "fr", "check", "--today", TODAY]);
    assert!(
        stderr(&out).contains("pas dans : Entreprise"),
        "{}",
        stderr(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("dana  ceci, remis, complet"));
}

#[test]
fn json_diagnostics_have_every_field() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "kind: association", "kind: company");
    let run = check(s.path());
    let d = &run.json["diagnostics"][0];
    assert_eq!(d["file"], "data/portfolios/dana/portfolio.yml");
    assert_eq!(d["line"], line_of(s.path(), "dana", "kind: company"));
    assert_eq!(d["column"], 11);
    assert_eq!(d["rule"], "ceci.organisation-refused");
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().unwrap().contains("Company"));
    assert!(d["hint"].as_str().unwrap().contains("ULB Engagée"));
}

// ---------------------------------------------------------------------------
// Each CECi rule

#[test]
fn intake_must_start_in_february_or_october() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "intake: 2025-02", "intake: 2025-03");
    one_error("dana", "ceci.intake", line_of(s.path(), "dana", "intake:"))(&check(s.path()));
}

#[test]
fn dates_after_today_are_refused() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "completed: 2025-09-15",
        "completed: 2026-06-02",
    );
    one_error(
        "dana",
        "ceci.future-date",
        line_of(s.path(), "dana", "2026-06-02"),
    )(&check(s.path()));
}

#[test]
fn activity_before_enrolment_is_not_recognised() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "completed: 2025-04-22",
        "completed: 2025-02-02",
    );
    edit(
        s.path(),
        "dana",
        "completed: 2025-03-10",
        "completed: 2025-01-15",
    );
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[
            (
                "ceci.before-enrolment",
                line_of(s.path(), "dana", "2025-01-15"),
            ),
            (
                "ceci.before-enrolment",
                line_of(s.path(), "dana", "2025-02-02"),
            ),
        ],
    );
}

#[test]
fn the_two_year_limit_has_no_off_by_one() {
    // Enrolled 2025-02-03: the last day is 2027-02-02.
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "completed: 2025-09-15",
        "completed: 2027-02-02",
    );
    let run = check_on(s.path(), "2027-03-01", &[]);
    assert_eq!(run.located(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.code, Some(0));

    edit(
        s.path(),
        "dana",
        "completed: 2027-02-02",
        "completed: 2027-02-03",
    );
    one_error(
        "dana",
        "ceci.two-year-limit",
        line_of(s.path(), "dana", "2027-02-03"),
    )(&check_on(s.path(), "2027-03-01", &[]));
}

// ---------------------------------------------------------------------------
// Workshops attended: events of the calendar

/// Dana's one workshop names `event` instead: the check gives one
/// ceci.workshop-unknown on that line, with `reason` in its message.
fn bad_workshop(event: &str, reason: &str) {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "event: atelier-2025-03",
        &format!("event: {event}"),
    );
    let run = check(s.path());
    let line = line_of(s.path(), "dana", &format!("event: {event}"));
    assert_errors(&run, "dana", &[("ceci.workshop-unknown", line)]);
    let d = &run.json["diagnostics"][0];
    assert_eq!(
        d["message"],
        format!("the workshop `{event}` does not count: {reason}")
    );
    assert_eq!(d["column"], 14, "{d}");
}

#[test]
fn a_workshop_names_an_event_of_the_calendar() {
    bad_workshop("atelier-2025-3", "no event of the calendar has this id");
    // With a did-you-mean among the programme's workshops.
    let s = site(&["dana"]);
    edit(s.path(), "dana", "atelier-2025-03", "atelier-2025-3");
    let run = check(s.path());
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "did you mean `atelier-2025-03`?"
    );
    // Far from every workshop: the rule's own hint.
    edit(s.path(), "dana", "atelier-2025-3", "soiree-jeux");
    let run = check(s.path());
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "give the id (`id:`) of a CECi workshop of data/calendar/ that you attended between your enrolment and today"
    );
}

#[test]
fn a_workshop_is_not_another_kind_of_event() {
    bad_workshop(
        "info-2025-03",
        "it is an event of kind `info-session`, not a workshop",
    );
}

#[test]
fn a_cancelled_workshop_does_not_count() {
    bad_workshop(
        "atelier-2025-04",
        "the workshop on 2025-04-16 was cancelled",
    );
}

#[test]
fn a_workshop_after_today_does_not_count() {
    // Reported once, by the workshop rule (not also as ceci.future-date).
    bad_workshop(
        "atelier-2026-06",
        "the workshop on 2026-06-10 has not taken place yet (today: 2026-06-01)",
    );
}

#[test]
fn a_workshop_on_today_counts() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "atelier-2025-03", "atelier-2026-06");
    let run = check_on(s.path(), "2026-06-10", &[]);
    assert_eq!(run.located(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.record("dana")["workshops"], 1);
}

#[test]
fn a_workshop_before_enrolment_does_not_count() {
    // Reported once, by the workshop rule (not also as ceci.before-enrolment).
    bad_workshop(
        "atelier-2025-01",
        "the workshop on 2025-01-15 is before your enrolment (2025-02-03): past engagement is not recognised",
    );
}

#[test]
fn a_workshop_of_another_programme_does_not_count() {
    let s = site(&["dana"]);
    write(
        s.path(),
        "data/programmes/cire.yml",
        std::fs::read(repo().join("examples/cire/data/programmes/cire.yml")).unwrap(),
    );
    write(
        s.path(),
        "data/calendar/cire.yml",
        "events:\n  - { id: cire-2025-03, kind: workshop, programme: cire, \
         title: { fr: Histoire de la Belgique }, start: 2025-03-18, online: https://x.org }\n",
    );
    edit(s.path(), "dana", "atelier-2025-03", "cire-2025-03");
    let run = check(s.path());
    let line = line_of(s.path(), "dana", "cire-2025-03");
    assert_errors(&run, "dana", &[("ceci.workshop-unknown", line)]);
    assert_eq!(
        run.json["diagnostics"][0]["message"],
        "the workshop `cire-2025-03` does not count: it is an event of the programme `cire`"
    );
}

#[test]
fn workshops_are_listed_once_by_their_event() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "  - { event: atelier-2025-03 }\n",
        "  - { event: atelier-2025-03 }\n  - { event: ' atelier-2025-03' }\n  - { event: '' }\n",
    );
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[
            (
                "record.duplicate",
                line_of(s.path(), "dana", "' atelier-2025-03'"),
            ),
            ("record.empty-text", line_of(s.path(), "dana", "event: ''")),
        ],
    );
}

#[test]
fn the_old_workshop_format_gets_a_located_error() {
    // Before workshops named their event: `{ date, title }`.
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "{ event: atelier-2025-03 }",
        "{ date: 2025-03-12, title: Atelier de mars }",
    );
    let run = check(s.path());
    let line = line_of(s.path(), "dana", "title: Atelier de mars");
    assert_errors(&run, "dana", &[("yaml.unknown-key", line)]);
}

#[test]
fn a_broken_calendar_is_reported_with_the_record_check() {
    let s = site(&["dana"]);
    let path = s.path().join("data/calendar/ateliers.yml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("start: 2025-03-12T18:00", "start: 2025-03-32T18:00");
    std::fs::write(&path, text).unwrap();
    let run = check_on(s.path(), TODAY, &["data/portfolios/dana"]);
    let located = run.located();
    assert!(
        located.contains(&(
            "calendar.date-invalid".into(),
            "data/calendar/ateliers.yml".into(),
            15
        )),
        "{located:?}"
    );
    // The event is refused, not unknown: dana's record, which names it,
    // is not blamed for the calendar's mistake (an outside review found it
    // told to change the workshop), and the workshop does not count yet.
    assert_eq!(
        located,
        vec![(
            "calendar.date-invalid".into(),
            "data/calendar/ateliers.yml".into(),
            15
        )]
    );
    assert_eq!(run.record("dana")["workshops"], 0);
    assert_eq!(run.code, Some(1));
}

// ---------------------------------------------------------------------------
// The whole repository

#[test]
fn plain_check_covers_the_site_and_a_record_path_only_the_record() {
    let dir = repository();
    let page = "content/ceci/stage.fr.md";
    let mut text = std::fs::read_to_string(dir.path().join(page)).unwrap();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("\nVoir [la page disparue](@/ceci/disparue.md).\n");
    std::fs::write(dir.path().join(page), &text).unwrap();
    let line = text.lines().count() as u32;

    let run = check_on(dir.path(), "2026-11-23", &[]);
    assert_eq!(
        run.located(),
        vec![
            untranslated(),
            ("content.link-missing-page".into(), page.into(), line),
        ],
        "{}",
        stderr(&run.out)
    );
    assert_eq!(run.code, Some(1));
    // Same verdicts for the records.
    assert_eq!(run.record("alice")["complete"], true);
    assert_eq!(run.record("alice")["errors"], 0);

    // One record: the site is not its business.
    let one = check_on(dir.path(), "2026-11-23", &["data/portfolios/alice"]);
    assert_eq!(one.located(), vec![], "{}", stderr(&one.out));
    assert_eq!(one.code, Some(0));
    // Every record, still not the site.
    let all = check_on(dir.path(), "2026-11-23", &["data/portfolios"]);
    assert_eq!(all.located(), vec![], "{}", stderr(&all.out));
    assert_eq!(all.code, Some(0));
    assert_eq!(all.json["records"].as_array().unwrap().len(), 3);
    // The root itself is the whole repository.
    let root = dir.path().to_str().unwrap().to_string();
    let whole = check_on(dir.path(), "2026-11-23", &[&root]);
    assert_eq!(whole.code, Some(1));

    // Human output: the caret under the link, in the same report.
    let out = engage(dir.path(), &["check", "--today", "2026-11-23"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[content.link-missing-page]"), "{err}");
    assert!(err.contains(&format!("{page}:{line}:")), "{err}");
}

/// Issue 14, defect 2: a root that is not a repository is a usage error
/// (exit 2) that names the root, with or without a PATH; a PATH is
/// resolved against the root and blamed only when it is the problem.
#[test]
fn a_wrong_root_is_exit_2_and_blamed_not_the_path() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("nowhere");
    for (root, what) in [
        (missing.as_path(), "does not exist"),
        (empty.path(), "is not an engage repository"),
    ] {
        for args in [&["check"][..], &["check", "data/portfolios/alice"][..]] {
            let out = engage(root, args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.starts_with(&format!("the root `{}` {what}", root.display())),
                "{args:?}: {err}"
            );
            assert!(out.stdout.is_empty(), "{args:?}");
        }
    }
    // A good root and a PATH that is not there: the PATH is the problem,
    // named as written, with the root it was looked for in.
    let s = site(&["dana"]);
    let out = engage(s.path(), &["check", "data/portfolios/bob"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "`data/portfolios/bob` does not exist in the root `{}` (PATH is relative to the root)",
            s.path().display()
        )
    );
    // A PATH that exists but is no record folder.
    let out = engage(s.path(), &["check", "data/programmes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("`data/programmes` is neither the root"));
}

/// Issue 14, defect 4: a template's placeholders left in a submitted record
/// are errors naming the field (warnings while in progress), in the words
/// of older templates as in the `<…>` form `engage new` writes now.
#[test]
fn template_placeholders_are_errors_once_submitted() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "name: Maison de quartier",
        "name: Name of the organisation",
    );
    edit(
        s.path(),
        "dana",
        "name: Marie Lambert",
        "name: <Supervisor's name>",
    );
    edit(s.path(), "dana", "title: Bilan,", "title: ...,");
    let lines = [
        line_of(s.path(), "dana", "Name of the organisation"),
        line_of(s.path(), "dana", "Supervisor's name"),
        line_of(s.path(), "dana", "title: ...,"),
    ];
    let run = check(s.path());
    let want = |severity: &str| -> Vec<(String, String, String, u32)> {
        lines
            .iter()
            .map(|l| {
                (
                    "record.placeholder".to_string(),
                    severity.to_string(),
                    record_path("dana"),
                    *l,
                )
            })
            .collect()
    };
    assert_eq!(run.located_with_severity(), want("error"));
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.message(0),
        "`internship.organisation.name` still holds the template's placeholder `Name of the organisation`"
    );
    // The rest of the record is still checked and counted.
    assert_eq!(run.record("dana")["hours"]["done"], 150.0);

    edit(s.path(), "dana", "status: submitted", "status: in-progress");
    let run = check(s.path());
    assert_eq!(run.located_with_severity(), want("warning"));
    assert_eq!(run.code, Some(0));
}

/// The CIRÉ template's `nationalities: [XX]` and a permit date left as the
/// template's placeholder, in a submitted record.
#[test]
fn cire_placeholders_name_their_field() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/cire/data"), &dir.path().join("data"));
    edit(
        dir.path(),
        "karim",
        "nationalities: [SY]",
        "nationalities: [XX]",
    );
    edit(
        dir.path(),
        "karim",
        "residence_permit: 2022-06-20",
        "residence_permit: <YYYY-MM-DD>",
    );
    let run = check_on(dir.path(), "2026-11-23", &["data/portfolios"]);
    let karim = record_path("karim");
    assert_eq!(
        run.located_with_severity(),
        vec![
            (
                "record.placeholder".to_string(),
                "error".to_string(),
                karim.clone(),
                line_of(dir.path(), "karim", "residence_permit:")
            ),
            (
                "record.placeholder".to_string(),
                "error".to_string(),
                karim,
                line_of(dir.path(), "karim", "nationalities:")
            ),
        ],
        "{}",
        stderr(&run.out)
    );
    assert_eq!(
        run.message(1),
        "`eligibility.nationalities` still holds the template's placeholder `XX`"
    );
}

/// Issue 14, messages: `languages: [French]` is told to write the code,
/// not to take French classes.
#[test]
fn a_language_written_by_name_gets_write_the_code() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/cire/data"), &dir.path().join("data"));
    edit(
        dir.path(),
        "karim",
        "languages: [ar, fr]",
        "languages: [Arabic, French]",
    );
    let run = check_on(dir.path(), "2026-11-23", &["data/portfolios/karim"]);
    assert_errors(
        &run,
        "karim",
        &[(
            "cire.speaks-french",
            line_of(dir.path(), "karim", "languages:"),
        )],
    );
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "write the code `fr`: languages are written as ISO 639-1 codes (fr, ar, en), not names (`arabic`, `french`)"
    );
}

#[test]
fn an_unsubmitted_record_after_its_deadline_is_an_error() {
    // Enrolled 2025-10-01: the last day is 2027-09-30.
    let s = site(&["emile"]);
    let on_the_day = check_on(s.path(), "2027-09-30", &[]);
    assert_eq!(on_the_day.located(), vec![]);
    assert_eq!(on_the_day.code, Some(0));
    one_error(
        "emile",
        "ceci.deadline-passed",
        line_of(s.path(), "emile", "date: 2025-10-01"),
    )(&check_on(s.path(), "2027-10-01", &[]));
}

#[test]
fn a_company_is_refused() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "kind: association", "kind: company");
    one_error(
        "dana",
        "ceci.organisation-refused",
        line_of(s.path(), "dana", "kind: company"),
    )(&check(s.path()));
}

#[test]
fn a_committee_member_needs_an_outgoing_member_as_supervisor() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "role: outgoing-committee-member",
        "role: committee",
    );
    one_error(
        "emile",
        "ceci.supervisor-outgoing",
        line_of(s.path(), "emile", "role: committee"),
    )(&check(s.path()));
}

#[test]
fn a_non_member_is_supervised_by_the_whole_committee() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "committee_member: true",
        "committee_member: false",
    );
    one_error(
        "emile",
        "ceci.supervisor-collective",
        line_of(s.path(), "emile", "role: outgoing"),
    )(&check(s.path()));
    edit(
        s.path(),
        "emile",
        "role: outgoing-committee-member",
        "role: committee",
    );
    assert_eq!(check(s.path()).code, Some(0));
}

#[test]
fn supervisor_rules_do_not_apply_to_associations() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "role: staff", "role: committee");
    assert_eq!(check(s.path()).located(), vec![]);
}

#[test]
fn hours_need_an_agreement_signed_by_all_three() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "    university: 2025-10-03\n", "");
    one_error(
        "emile",
        "ceci.agreement-signed",
        line_of(s.path(), "emile", "student: 2025-10-02"),
    )(&check(s.path()));
}

#[test]
fn no_agreement_is_fine_before_the_first_hour() {
    let s = site(&["emile"]);
    let text = std::fs::read_to_string(s.path().join(record_path("emile"))).unwrap();
    let start = text.find("  agreement:").unwrap();
    let end = text.find("modules:").unwrap();
    let cut = format!("{}{}", &text[..start], &text[end..]);
    std::fs::write(s.path().join(record_path("emile")), cut).unwrap();
    let run = check(s.path());
    assert_eq!(run.located(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.record("emile")["agreement"]["done"], 0);
}

/// The hour before the last signature is the one error, at that hour; it
/// is not covered, so it does not count.
#[test]
fn the_agreement_is_signed_before_the_first_hour() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "university: 2025-10-03",
        "university: 2025-10-07",
    );
    let run = check(s.path());
    one_error(
        "emile",
        "ceci.agreement-before-hours",
        line_of(s.path(), "emile", "date: 2025-10-06"),
    )(&run);
    assert_eq!(run.record("emile")["hours"]["done"], 2.5);
}

/// Issue 14, defect 5: one activity dated before the agreement (after
/// enrolment) gave one error per signature, three burying the cause; it is
/// one error, at the activity, and its hours are left out, saying why.
#[test]
fn an_activity_before_the_agreement_is_one_error_at_the_activity() {
    let s = site(&["emile"]);
    // Enrolled 2025-10-01, signed on 10-02, 10-02 and 10-03.
    edit(
        s.path(),
        "emile",
        "{ date: 2025-10-06, hours: 4,",
        "{ date: 2025-10-01, hours: 4,",
    );
    let run = check(s.path());
    one_error(
        "emile",
        "ceci.agreement-before-hours",
        line_of(s.path(), "emile", "date: 2025-10-01, hours: 4"),
    )(&run);
    let message = run.json["diagnostics"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "the activity of 2025-10-01 comes before the agreement, signed by the university on 2025-10-03"
    );
    let hours = &run.record("emile")["hours"];
    assert_eq!(hours["done"], 2.5);
    assert_eq!(
        hours["uncounted"],
        serde_json::json!([{ "amount": 4.0, "reason": "before the agreement (2025-10-03)" }])
    );
}

/// A signature written with an impossible date is that one error, not
/// also a signature missing.
#[test]
fn a_signature_with_an_impossible_date_is_one_error() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "student: 2025-10-02",
        "student: 2025-13-02",
    );
    one_error(
        "emile",
        "record.date-invalid",
        line_of(s.path(), "emile", "student: 2025-13-02"),
    )(&check(s.path()));
}

/// Parties missing from the agreement are one error naming them all.
#[test]
fn an_agreement_missing_two_signatures_is_one_error() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "    university: 2025-10-03\n", "");
    edit(s.path(), "emile", "    organisation: 2025-10-02\n", "");
    let run = check(s.path());
    one_error(
        "emile",
        "ceci.agreement-signed",
        line_of(s.path(), "emile", "student: 2025-10-02"),
    )(&run);
    assert_eq!(
        run.json["diagnostics"][0]["message"],
        "the internship agreement is not signed by the organisation and the university"
    );
}

// ---------------------------------------------------------------------------
// Type errors (issue 14, defect 5): the key, the form expected and a
// corrected line; the whole value under the caret; the rest of the record
// still checked.

#[test]
fn a_type_error_names_the_key_and_the_rest_of_the_record_is_still_checked() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "{ date: 2025-02-24, hours: 6,",
        "{ date: 2025-02-24, hours: \"150h\",",
    );
    edit(s.path(), "dana", "kind: association", "kind: company");
    let bad = line_of(s.path(), "dana", "hours: \"150h\"");
    let run = check(s.path());
    // The other problem of the record is reported in the same run, and the
    // record's hours are counted without the unreadable entry.
    assert_errors(
        &run,
        "dana",
        &[
            (
                "ceci.organisation-refused",
                line_of(s.path(), "dana", "kind: company"),
            ),
            (
                "ceci.internship-hours",
                line_of(s.path(), "dana", "date: 2025-02-17"),
            ),
            ("yaml.wrong-type", bad),
        ],
    );
    let d = run.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "yaml.wrong-type")
        .unwrap();
    assert_eq!(
        d["message"],
        "`internship.hours[2].hours` must be a number of hours, not the text `150h`"
    );
    assert_eq!(d["hint"], "write for example `hours: 150`");
    assert_eq!(run.record("dana")["hours"]["done"], 144.0);
    // The caret covers the whole value, quotes included.
    let human = stderr(&engage(s.path(), &["check", "--today", TODAY]));
    let at = human
        .find("error[yaml.wrong-type]")
        .expect("the type error is shown");
    let caret = human[at..]
        .lines()
        .find(|l| l.contains('^'))
        .unwrap()
        .trim_start_matches(|c: char| c != '^');
    assert_eq!(caret.trim_end(), "^^^^^^", "{human}");
    // The record is checked: its summary line has its progress, and the
    // count does not call it checked and not checked at once.
    let out = String::from_utf8_lossy(&engage(s.path(), &["check", "--today", TODAY]).stdout)
        .into_owned();
    assert!(!out.contains("not checked"), "{out}");
    assert!(out.contains("1 record(s) checked: 3 error(s)"), "{out}");
}

#[test]
fn a_text_where_a_list_is_due_names_the_key_with_an_example() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "modules:\n  - { id: communication, completed: 2025-11-03 }\n",
        "modules: communication\n",
    );
    edit(s.path(), "emile", "kind: meeting-minutes", "kind: minutes");
    let run = check(s.path());
    assert_errors(
        &run,
        "emile",
        &[
            (
                "yaml.wrong-type",
                line_of(s.path(), "emile", "modules: communication"),
            ),
            (
                "record.unknown-value",
                line_of(s.path(), "emile", "kind: minutes"),
            ),
        ],
    );
    let d = &run.json["diagnostics"][0];
    assert_eq!(
        d["message"],
        "`modules` must be a list, not the text `communication`"
    );
    assert_eq!(
        d["hint"],
        "write for example `modules: [{ id: communication, completed: 2025-11-03 }]`"
    );
}

#[test]
fn a_record_that_cannot_be_read_is_counted_apart() {
    let s = site(&["dana", "emile"]);
    edit(
        s.path(),
        "emile",
        "status: in-progress",
        "status: [in-progress",
    );
    let out = engage(s.path(), &["check", "--today", TODAY]);
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        summary.contains("emile  not checked (see the errors)"),
        "{summary}"
    );
    assert!(
        summary.ends_with("1 record(s) checked, 1 not checked: 1 error(s), 0 warning(s).\n"),
        "{summary}"
    );
}

#[test]
fn a_submitted_record_needs_150_hours() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "{ date: 2025-08-04, hours: 6",
        "{ date: 2025-08-04, hours: 5.5",
    );
    let first_entry = line_of(s.path(), "dana", "date: 2025-02-17");
    let run = check(s.path());
    assert_errors(&run, "dana", &[("ceci.internship-hours", first_entry)]);
    assert!(run.json["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("149.5 h of internship logged, 150 h are required"));
}

/// Issue 14, defect 1: hours a rule rejects are reported once and counted
/// nowhere; the summary says what was left out and why, in human and JSON.
#[test]
fn hours_a_rule_rejects_do_not_count_and_the_summary_says_why() {
    // Enrolled 2025-02-03: the last day is 2027-02-02. 144 valid hours and
    // 6 after the limit: 150 listed, 144 counted.
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "{ date: 2025-08-04, hours: 6",
        "{ date: 2027-02-10, hours: 6",
    );
    let late = line_of(s.path(), "dana", "date: 2027-02-10");
    let first_entry = line_of(s.path(), "dana", "date: 2025-02-17");
    let run = check_on(s.path(), "2027-03-01", &[]);
    assert_errors(
        &run,
        "dana",
        &[
            ("ceci.internship-hours", first_entry),
            ("ceci.two-year-limit", late),
        ],
    );
    let dana = run.record("dana");
    assert_eq!(dana["complete"], false);
    assert_eq!(dana["hours"]["done"], 144.0);
    assert_eq!(
        dana["hours"]["uncounted"],
        serde_json::json!([{ "amount": 6.0, "reason": "after 2027-02-02" }])
    );
    let human = engage(s.path(), &["check", "--today", "2027-03-01"]);
    let out = String::from_utf8_lossy(&human.stdout);
    assert!(
        out.contains("hours 144/150 (6 h after 2027-02-02 not counted)"),
        "{out}"
    );
}

/// A past-engagement entry is one error, not also a first hour that every
/// signature of the agreement comes after.
#[test]
fn an_entry_before_enrolment_is_one_error_without_follow_on() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "{ date: 2025-02-17, hours: 6",
        "{ date: 2025-01-13, hours: 6",
    );
    let early = line_of(s.path(), "dana", "date: 2025-01-13");
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[
            ("ceci.internship-hours", early),
            ("ceci.before-enrolment", early),
        ],
    );
    assert_eq!(run.record("dana")["hours"]["done"], 144.0);
}

#[test]
fn missing_parts_are_progress_while_in_progress() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "status: submitted", "status: in-progress");
    edit(s.path(), "dana", "analysis: analyse.md\n", "");
    let run = check(s.path());
    assert_eq!(run.located(), vec![]);
    assert_eq!(run.record("dana")["complete"], false);
    assert_eq!(run.record("dana")["analysis"], false);
}

#[test]
fn a_submitted_record_needs_the_four_modules() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "  - { id: communication, completed: 2025-03-10 }\n",
        "",
    );
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[(
            "ceci.modules",
            line_of(s.path(), "dana", "id: project-management"),
        )],
    );
    assert!(run.json["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .ends_with("missing: Communication"));
}

#[test]
fn a_submitted_record_needs_five_productions() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "  - { title: Bilan, kind: financial-statement, file: productions/bilan.md }\n",
        "",
    );
    one_error(
        "dana",
        "ceci.productions",
        line_of(s.path(), "dana", "title: Rétroplanning"),
    )(&check(s.path()));
}

#[test]
fn a_submitted_record_needs_the_analysis_and_the_assessment() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "analysis: analyse.md\n", "");
    edit(s.path(), "dana", "assessment: grille.md\n", "");
    let status = line_of(s.path(), "dana", "status:");
    assert_errors(
        &check(s.path()),
        "dana",
        &[("ceci.analysis", status), ("ceci.assessment", status)],
    );
}

#[test]
fn at_most_thirty_enrolled_per_intake() {
    let s = site(&[]);
    let base = repo().join("tests/fixtures/portfolios/good/emile");
    for i in 1..=31 {
        let h = format!("s{i:02}");
        let dir = s.path().join("data/portfolios").join(&h);
        copy_dir(&base, &dir);
        edit(s.path(), &h, "handle: emile", &format!("handle: {h}"));
    }
    // The latest enrolment takes the 31st place.
    edit(s.path(), "s07", "date: 2025-10-01", "date: 2025-10-02");
    let intake = line_of(s.path(), "s07", "intake:");
    let run = check(s.path());
    assert_errors(&run, "s07", &[("ceci.places", intake)]);
    // Checking one record reports the cohort rules it takes part in only.
    let one = check_on(s.path(), TODAY, &["data/portfolios/s07"]);
    assert_errors(&one, "s07", &[("ceci.places", intake)]);
    assert_eq!(one.json["records"].as_array().unwrap().len(), 1);
    let other = check_on(s.path(), TODAY, &["data/portfolios/s01/portfolio.yml"]);
    assert_eq!(other.located(), vec![]);
    assert_eq!(other.code, Some(0));
}

// ---------------------------------------------------------------------------
// Bad input

#[test]
fn hours_over_24_zero_or_negative_are_refused() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "hours: 4,", "hours: 25,");
    edit(s.path(), "emile", "hours: 2.5,", "hours: -2,");
    assert_errors(
        &check(s.path()),
        "emile",
        &[
            (
                "record.hours-invalid",
                line_of(s.path(), "emile", "hours: 25"),
            ),
            (
                "record.hours-invalid",
                line_of(s.path(), "emile", "hours: -2"),
            ),
        ],
    );
    edit(s.path(), "emile", "hours: 25,", "hours: 0,");
    edit(s.path(), "emile", "hours: -2,", "hours: 1,");
    one_error(
        "emile",
        "record.hours-invalid",
        line_of(s.path(), "emile", "hours: 0"),
    )(&check(s.path()));
}

#[test]
fn one_day_cannot_hold_more_than_24_hours() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "hours: 4,", "hours: 22,");
    edit(s.path(), "emile", "date: 2025-10-13", "date: 2025-10-06");
    let line = line_of(s.path(), "emile", "hours: 2.5");
    let run = check(s.path());
    one_error("emile", "record.hours-per-day", line)(&run);
    // Which entry of the day is wrong cannot be told: none of it counts,
    // and the summary says so (an outside review found all 24.5 h counted).
    let hours = &run.record("emile")["hours"];
    assert_eq!(hours["done"], 0.0);
    assert_eq!(
        hours["uncounted"],
        serde_json::json!([{ "amount": 24.5, "reason": "of 2025-10-06, a day of more than 24 h," }])
    );
}

#[test]
fn an_hours_line_pasted_twice_is_one_error_and_counts_once() {
    let s = site(&["emile"]);
    let line = "    - { date: 2025-10-06, hours: 4, activity: Réunion de comité }\n";
    edit(s.path(), "emile", line, &line.repeat(2));
    let run = check(s.path());
    let second = line_of(s.path(), "emile", "hours: 2.5") - 1;
    one_error("emile", "record.duplicate", second)(&run);
    assert_eq!(
        run.json["diagnostics"][0]["message"],
        "this line repeats line 22 (same date, hours and activity): it would count twice"
    );
    assert_eq!(run.record("emile")["hours"]["done"], 6.5);
    // The same activity on another day is another entry.
    edit(
        s.path(),
        "emile",
        &line.repeat(2),
        &format!("{line}{}", line.replace("2025-10-06", "2025-10-07")),
    );
    let run = check(s.path());
    assert_eq!(run.located(), vec![], "{}", stderr(&run.out));
    assert_eq!(run.record("emile")["hours"]["done"], 10.5);
}

#[test]
fn a_record_file_named_otherwise_is_to_be_renamed_not_removed() {
    let s = site(&["emile"]);
    let dir = s.path().join("data/portfolios/emile");
    std::fs::rename(dir.join("portfolio.yml"), dir.join("portfolio.yaml")).unwrap();
    let run = check(s.path());
    assert_eq!(
        run.located(),
        vec![(
            "record.not-found".to_string(),
            "data/portfolios/emile".to_string(),
            1
        )]
    );
    // The productions beside it must not be thrown away with the folder.
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "rename `portfolio.yaml` to `portfolio.yml`"
    );
}

#[test]
fn a_file_counts_for_one_piece_of_the_record() {
    let s = site(&["emile"]);
    let production = "  - { title: PV du comité, kind: meeting-minutes, file: pv.md }\n";
    edit(
        s.path(),
        "emile",
        production,
        &format!(
            "{production}{}{}",
            production.replace("PV du comité", "PV de l’AG"),
            production.replace("file: pv.md", "file: portfolio.yml")
        ),
    );
    let run = check(s.path());
    let first = line_of(s.path(), "emile", "file: portfolio.yml") - 2;
    let messages: Vec<(&str, u64)> = run.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["message"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "the file `pv.md` is already given on line 27 as a production",
                first as u64 + 1
            ),
            (
                "`portfolio.yml` is the record itself, not a production",
                first as u64 + 2
            ),
        ]
    );
    assert_eq!(run.record("emile")["productions"]["done"], 1);
}

#[test]
fn a_word_where_a_number_is_due() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "hours: 4,", "hours: 150h,");
    one_error(
        "emile",
        "yaml.wrong-type",
        line_of(s.path(), "emile", "150h"),
    )(&check(s.path()));
}

#[test]
fn impossible_dates_are_refused_and_all_reported() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "date: 2025-10-13", "date: 2025-02-30");
    edit(
        s.path(),
        "emile",
        "completed: 2025-11-03",
        "completed: 3 novembre",
    );
    assert_errors(
        &check(s.path()),
        "emile",
        &[
            (
                "record.date-invalid",
                line_of(s.path(), "emile", "2025-02-30"),
            ),
            (
                "record.date-invalid",
                line_of(s.path(), "emile", "3 novembre"),
            ),
        ],
    );
}

#[test]
fn yaml_syntax_errors_are_located() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "name: Inès Durand",
        "name: \"Inès Durand",
    );
    let run = check(s.path());
    assert_eq!(run.code, Some(1));
    let located = run.located();
    assert_eq!(located.len(), 1, "{located:?}");
    assert_eq!(located[0].0, "yaml.syntax");
    assert!(located[0].2 >= line_of(s.path(), "emile", "Inès"));
}

#[test]
fn tabs_are_refused() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "\n  organisation:", "\n\torganisation:");
    let run = check(s.path());
    assert_errors(
        &run,
        "emile",
        &[("yaml.syntax", line_of(s.path(), "emile", "\torganisation"))],
    );
    assert!(run.json["diagnostics"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("tabs"));
}

#[test]
fn duplicate_keys_are_refused() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "status: in-progress\n",
        "status: in-progress\nstatus: submitted\n",
    );
    one_error(
        "emile",
        "yaml.duplicate-key",
        line_of(s.path(), "emile", "status: submitted"),
    )(&check(s.path()));
}

#[test]
fn unknown_keys_get_a_did_you_mean() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "assessment: grille.md",
        "assesment: grille.md",
    );
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[("yaml.unknown-key", line_of(s.path(), "dana", "assesment"))],
    );
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "did you mean `assessment`?"
    );
}

#[test]
fn unknown_vocabulary_gets_a_did_you_mean() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "kind: association", "kind: asociation");
    edit(
        s.path(),
        "dana",
        "kind: retro-planning",
        "kind: retroplanning",
    );
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[
            (
                "record.unknown-value",
                line_of(s.path(), "dana", "asociation"),
            ),
            // The production no longer counts: 4 of 5.
            (
                "ceci.productions",
                line_of(s.path(), "dana", "kind: retroplanning"),
            ),
            (
                "record.unknown-value",
                line_of(s.path(), "dana", "kind: retroplanning"),
            ),
        ],
    );
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "did you mean `association`?"
    );
}

#[test]
fn empty_texts_are_refused() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "activity: Réunion de comité",
        "activity: \"\"",
    );
    one_error(
        "emile",
        "record.empty-text",
        line_of(s.path(), "emile", "activity: \"\""),
    )(&check(s.path()));
}

#[test]
fn files_must_stay_inside_the_record_folder() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "file: pv.md", "file: ../dana/pv.md");
    one_error(
        "emile",
        "record.file-outside",
        line_of(s.path(), "emile", "../dana"),
    )(&check(s.path()));
    edit(
        s.path(),
        "emile",
        "file: ../dana/pv.md",
        "file: /etc/passwd",
    );
    one_error(
        "emile",
        "record.file-outside",
        line_of(s.path(), "emile", "/etc/passwd"),
    )(&check(s.path()));
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_folder_are_refused() {
    let s = site(&["emile"]);
    let outside = s.path().join("secret.md");
    std::fs::write(&outside, "secret").unwrap();
    let dir = s.path().join("data/portfolios/emile");
    std::os::unix::fs::symlink(&outside, dir.join("link.md")).unwrap();
    std::os::unix::fs::symlink(s.path(), dir.join("up")).unwrap();
    std::os::unix::fs::symlink(dir.join("pv.md"), dir.join("inside.md")).unwrap();
    edit(s.path(), "emile", "file: pv.md", "file: link.md");
    edit(
        s.path(),
        "emile",
        "status: in-progress\n",
        "status: in-progress\nanalysis: up/secret.md\nassessment: inside.md\n",
    );
    assert_errors(
        &check(s.path()),
        "emile",
        &[
            (
                "record.file-outside",
                line_of(s.path(), "emile", "up/secret.md"),
            ),
            ("record.file-outside", line_of(s.path(), "emile", "link.md")),
        ],
    );
}

#[test]
fn missing_files_are_reported() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "file: pv.md", "file: PV.md");
    one_error(
        "emile",
        "record.file-missing",
        line_of(s.path(), "emile", "PV.md"),
    )(&check(s.path()));
}

#[test]
fn yaml_bombs_are_refused() {
    let s = site(&[]);
    let bomb = std::fs::read(repo().join("tests/fixtures/portfolios/bad/bomb.yml")).unwrap();
    write(s.path(), &record_path("bomb"), bomb);
    let run = check(s.path());
    // Each list of the bomb is one error (its items all written the same
    // wrong way), and nothing is expanded beyond the budgets.
    assert_errors(
        &run,
        "bomb",
        &[
            (
                "ceci.agreement-signed",
                line_of(s.path(), "bomb", "hours: &a"),
            ),
            // Its two hours entries are the same line written twice.
            ("record.duplicate", line_of(s.path(), "bomb", "hours: &a")),
            (
                "yaml.wrong-type",
                line_of(s.path(), "bomb", "workshops: &b"),
            ),
            (
                "yaml.wrong-type",
                line_of(s.path(), "bomb", "productions: &c"),
            ),
            ("yaml.wrong-type", line_of(s.path(), "bomb", "modules: [*c")),
        ],
    );
}

#[test]
fn invalid_utf8_is_located() {
    let s = site(&[]);
    let bytes = std::fs::read(repo().join("tests/fixtures/portfolios/bad/latin1.yml")).unwrap();
    write(s.path(), &record_path("latin1"), &bytes);
    let run = check(s.path());
    assert_errors(&run, "latin1", &[("content.encoding", 4)]);
    assert_eq!(run.record("latin1")["programme"], serde_json::Value::Null);
}

#[test]
fn huge_records_are_refused_before_parsing() {
    let s = site(&["emile"]);
    let mut text = std::fs::read_to_string(s.path().join(record_path("emile"))).unwrap();
    text.push_str(&format!("# {}\n", "x".repeat(1_100_000)));
    std::fs::write(s.path().join(record_path("emile")), text).unwrap();
    one_error("emile", "record.too-big", 1)(&check(s.path()));
}

#[test]
fn a_record_claiming_another_handle() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "handle: emile", "handle: dana");
    one_error(
        "emile",
        "record.handle-mismatch",
        line_of(s.path(), "emile", "handle:"),
    )(&check(s.path()));
}

#[test]
fn records_in_the_wrong_place() {
    let s = site(&["emile"]);
    write(s.path(), "data/portfolios/zoe.yml", "programme: ceci\n");
    std::fs::create_dir_all(s.path().join("data/portfolios/yann")).unwrap();
    let run = check(s.path());
    assert_eq!(
        run.located(),
        vec![
            (
                "record.not-found".to_string(),
                "data/portfolios/yann".to_string(),
                1
            ),
            (
                "record.wrong-place".to_string(),
                "data/portfolios/zoe.yml".to_string(),
                1
            ),
        ]
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn an_unknown_programme_is_reported() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "programme: ceci", "programme: cecy");
    let run = check(s.path());
    assert_errors(
        &run,
        "emile",
        &[(
            "record.programme-unknown",
            line_of(s.path(), "emile", "programme:"),
        )],
    );
    assert_eq!(run.json["diagnostics"][0]["hint"], "did you mean `ceci`?");
}

#[test]
fn usage_errors_exit_2() {
    let s = site(&["emile"]);
    let out = engage(s.path(), &["check", "data/portfolios/nobody"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = engage(s.path(), &["check", "content"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = engage(s.path(), &["check", "--today", "2025-02-30"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = engage(s.path(), &["check", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn folders_must_be_named_by_a_handle() {
    let s = site(&[]);
    copy_dir(
        &repo().join("tests/fixtures/portfolios/good/emile"),
        &s.path().join("data/portfolios/Emile_B"),
    );
    let run = check(s.path());
    assert_errors(&run, "Emile_B", &[("record.handle-invalid", 1)]);
}

#[test]
fn intakes_and_statuses_must_be_well_formed() {
    let s = site(&["emile"]);
    edit(s.path(), "emile", "intake: 2025-10", "intake: octobre 2025");
    edit(
        s.path(),
        "emile",
        "status: in-progress",
        "status: in progress",
    );
    assert_errors(
        &check(s.path()),
        "emile",
        &[
            (
                "record.unknown-value",
                line_of(s.path(), "emile", "status:"),
            ),
            (
                "record.intake-invalid",
                line_of(s.path(), "emile", "intake:"),
            ),
        ],
    );
}

#[test]
fn a_module_listed_twice_is_reported() {
    let s = site(&["emile"]);
    edit(
        s.path(),
        "emile",
        "  - { id: communication, completed: 2025-11-03 }\n",
        "  - { id: communication, completed: 2025-11-03 }\n  - { id: communication, completed: 2025-11-04 }\n",
    );
    one_error(
        "emile",
        "record.duplicate",
        line_of(s.path(), "emile", "2025-11-04"),
    )(&check(s.path()));
}

#[test]
fn a_broken_programme_is_reported_once_and_its_records_wait() {
    let s = site(&["emile"]);
    let path = s.path().join("data/programmes/ceci.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("{logged} h of internship", "{hours} h of internship", 1);
    std::fs::write(&path, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("{hours} h of internship"))
        .unwrap() as u32
        + 1;
    let run = check(s.path());
    assert_eq!(
        run.located(),
        vec![(
            "programme.placeholder-unknown".to_string(),
            "data/programmes/ceci.yml".to_string(),
            line
        )]
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.record("emile")["programme"], serde_json::Value::Null);
}

#[test]
fn a_programme_with_an_unknown_check_is_located() {
    let s = site(&["emile"]);
    let path = s.path().join("data/programmes/ceci.yml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "check: not-before-enrolment",
        "check: not-before-enrollment",
        1,
    );
    std::fs::write(&path, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("not-before-enrollment"))
        .unwrap() as u32
        + 1;
    let run = check(s.path());
    let located = run.located();
    // A word outside a closed list is a value not allowed, said with the
    // word meant (`not-before-enrolment`).
    assert_eq!(
        located,
        vec![(
            "yaml.invalid-value".to_string(),
            "data/programmes/ceci.yml".to_string(),
            line
        )]
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn an_empty_record_is_reported() {
    let s = site(&[]);
    write(s.path(), &record_path("vide"), "# nothing yet\n\n");
    one_error("vide", "record.empty", 1)(&check(s.path()));
}

/// Issue 14: `engage check --help` speaks of what a user reads (the
/// README), never of the source code (it said "see `check::write_json`").
#[test]
fn check_help_refers_to_the_readme_not_to_the_code() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_engage"))
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{help}");
    assert!(help.contains("README"), "{help}");
    assert!(!help.contains("::"), "{help}");
    assert!(!help.contains("write_json"), "{help}");
}

// ---------------------------------------------------------------------------
// A missing key hides nothing else

/// (rule, line, column) of each diagnostic of `handle`'s record file.
fn in_record(run: &Run, handle: &str) -> std::collections::BTreeSet<(String, u64, u64)> {
    let file = record_path(handle);
    run.json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file.as_str())
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Each required key of a good record taken out in turn (its line left
/// blank, or a list item's first key cut from its `- `, or one key of a
/// mapping between braces), with two wrong-typed values written elsewhere,
/// one above and one below most keys: the run gives exactly the missing
/// key that taking it out alone gives, and the two wrong types that
/// writing them alone gives, each at its line and column. Before, a
/// missing key stopped the reading and the wrong types waited for the
/// next run.
#[test]
fn a_missing_key_does_not_hide_a_wrong_value() {
    let root = site(&["dana"]);
    let path = root.path().join(record_path("dana"));
    // Productions written as block mappings, for the `- key: …` form.
    let good = std::fs::read_to_string(&path).unwrap().replace(
        "  - { title: Rétroplanning, kind: retro-planning, file: productions/retroplanning.md }",
        "  - title: Rétroplanning\n    kind: retro-planning\n    file: productions/retroplanning.md",
    );
    let wrong = |text: &str| {
        text.replacen("intake: 2025-02", "intake: [2025, 2]", 1)
            .replacen(
                "{ date: 2025-08-04, hours: 6,",
                "{ date: 2025-08-04, hours: 6 h,",
                1,
            )
    };
    let run_on = |text: &str| {
        std::fs::write(&path, text).unwrap();
        check(root.path())
    };
    let wrong_alone = run_on(&wrong(&good));
    let wrong_types: std::collections::BTreeSet<_> = in_record(&wrong_alone, "dana")
        .into_iter()
        .filter(|d| d.0.starts_with("yaml."))
        .collect();
    assert_eq!(
        wrong_types.iter().map(|d| d.0.as_str()).collect::<Vec<_>>(),
        ["yaml.wrong-type", "yaml.wrong-type"],
        "{}",
        stderr(&wrong_alone.out)
    );
    let explained = in_record(&wrong_alone, "dana");

    let lines: Vec<&str> = good.lines().collect();
    let mut removals: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let with = |new: String| {
            let mut l = lines.clone();
            l[i] = &new;
            l.join("\n") + "\n"
        };
        if let Some(item) = body.strip_prefix("- ") {
            if item.split_once(": ").is_some_and(|(k, _)| !k.contains(' ')) {
                removals.push(with(format!("{indent}-")));
                continue;
            }
            // The first item of each list between braces: each key in turn.
            let first_of_list = lines[i - 1].trim_end().ends_with(':');
            if let (true, Some(inner)) = (
                first_of_list,
                item.strip_prefix("{ ").and_then(|r| r.strip_suffix(" }")),
            ) {
                let parts: Vec<&str> = inner.split(", ").collect();
                for k in 0..parts.len() {
                    let kept: Vec<&str> = (0..parts.len())
                        .filter(|&j| j != k)
                        .map(|j| parts[j])
                        .collect();
                    removals.push(with(format!("{indent}- {{ {} }}", kept.join(", "))));
                }
            }
        } else if body.contains(": ") && !body.starts_with('#') {
            removals.push(with(String::new()));
        }
    }
    let mut exercised = 0;
    for removed in &removals {
        if removed.contains("intake: 2025-02") != good.contains("intake: 2025-02")
            || !removed.contains("{ date: 2025-08-04, hours: 6,")
        {
            continue; // a wrong value's own key
        }
        let alone = run_on(removed);
        let missing = in_record(&alone, "dana");
        if missing.is_empty() || missing.iter().any(|d| d.0 != "yaml.missing-key") {
            continue; // an optional key, or one whose absence is another error
        }
        exercised += 1;
        let both = run_on(&wrong(removed));
        let got = in_record(&both, "dana");
        let want: std::collections::BTreeSet<_> = missing.union(&wrong_types).cloned().collect();
        // Everything expected, and nothing that one of the two alone does
        // not give.
        assert!(
            got.is_superset(&want) && got.difference(&want).all(|d| explained.contains(d)),
            "got {got:?}\nwant {want:?}\n{}",
            removed
        );
        assert_eq!(both.code, Some(1));
    }
    // The record's required keys: programme, handle, status, enrolment's
    // date, the organisation's and supervisor's, an hour's, a module's, a
    // workshop's, a production's, in both forms.
    assert!(
        exercised >= 15,
        "only {exercised} keys taken out were required"
    );
}

/// A brace left open is said at the brace, on its own line: the parser
/// stops on the next item, which is right.
#[test]
fn a_brace_left_open_is_reported_at_the_brace() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "- { date: 2025-03-03, hours: 6, activity: Permanence }",
        "- { date: 2025-03-03, hours: 6, activity: Permanence",
    );
    let line = line_of(s.path(), "dana", "2025-03-03");
    let run = check(s.path());
    assert_errors(&run, "dana", &[("yaml.syntax", line)]);
    assert_eq!(run.json["diagnostics"][0]["column"], 7);
    assert_eq!(
        run.json["diagnostics"][0]["hint"],
        "add `}` at the end of what it opens, on the same line, for example `{ date: 2025-10-06, hours: 4 }`"
    );
}

/// Found by a generated review of the stand-ins: what is put in for a
/// missing key makes no problem of its own. Two entries lacking their
/// activity are not one entry written twice; a missing list of
/// nationalities is not an empty one.
#[test]
fn stand_ins_make_no_problem_of_their_own() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "- { date: 2025-02-17, hours: 6, activity: Permanence }",
        "- { date: 2025-02-17, hours: 6 }",
    );
    edit(
        s.path(),
        "dana",
        "- { date: 2025-02-24, hours: 6, activity: Permanence }",
        "- { date: 2025-02-17, hours: 6 }",
    );
    let first = line_of(s.path(), "dana", "university: 2025-02-10") + 1;
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[
            ("yaml.missing-key", first + 1),
            ("yaml.missing-key", first + 2),
        ],
    );
    let columns = |run: &Run| -> Vec<u64> {
        run.json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["column"].as_u64().unwrap())
            .collect()
    };
    // Each at its item's `- `.
    assert_eq!(columns(&run), [5, 5]);

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/cire/data"), &dir.path().join("data"));
    edit(dir.path(), "amina", "  nationalities: [MA]\n", "");
    let run = check_on(dir.path(), "2027-06-01", &["data/portfolios/amina"]);
    let line = line_of(dir.path(), "amina", "residence_permit:");
    assert_errors(&run, "amina", &[("yaml.missing-key", line)]);
    assert_eq!(columns(&run), [3]);
}

/// A list item whose anchor stands on the `- ` line, its keys below: a
/// missing key there is stood in for too, and the wrong type elsewhere is
/// said in the same run. And a message that names another line names it
/// as written, not as it is with the stand-ins.
#[test]
fn stand_ins_go_under_an_anchor_and_lines_named_in_messages_are_as_written() {
    let s = site(&["dana"]);
    edit(
        s.path(),
        "dana",
        "  - { title: Rétroplanning, kind: retro-planning, file: productions/retroplanning.md }",
        "  - &p\n    title: Rétroplanning\n    file: productions/retroplanning.md",
    );
    edit(s.path(), "dana", "intake: 2025-02", "intake: [2025]");
    let run = check(s.path());
    let anchor = line_of(s.path(), "dana", "- &p");
    let intake = line_of(s.path(), "dana", "intake:");
    assert_errors(
        &run,
        "dana",
        &[("yaml.wrong-type", intake), ("yaml.missing-key", anchor)],
    );

    // The supervisor's name missing (a line put in above the mapping), and
    // a file named twice below it: the message names the first one's line.
    edit(s.path(), "dana", "intake: [2025]", "intake: 2025-02");
    edit(s.path(), "dana", "  - &p\n", "  -\n");
    edit(
        s.path(),
        "dana",
        "    title: Rétroplanning\n",
        "    title: Rétroplanning\n    kind: retro-planning\n",
    );
    edit(s.path(), "dana", "    name: Marie Lambert\n", "");
    edit(
        s.path(),
        "dana",
        "file: productions/pv.md",
        "file: productions/retroplanning.md",
    );
    let run = check(s.path());
    let first = line_of(s.path(), "dana", "    file: productions/retroplanning.md");
    let again = line_of(s.path(), "dana", "PV de réunion");
    assert_errors(
        &run,
        "dana",
        &[
            ("yaml.missing-key", line_of(s.path(), "dana", "role: staff")),
            ("record.duplicate", again),
        ],
    );
    let said = run.json["diagnostics"][1]["message"].as_str().unwrap();
    assert!(
        said.contains(&format!("on line {first} ")),
        "{said} (first at line {first})"
    );
}

/// The sessions of an attendance are checked whatever its module: a
/// misspelt module, or one missing, hides no wrong date in the same run.
#[test]
fn an_unknown_or_missing_module_hides_no_wrong_session_date() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/cire/data"), &dir.path().join("data"));
    let wrong_date = |root: &Path| {
        edit(
            root,
            "amina",
            "{ session: 2, date: 2026-09-16 }",
            "{ session: 2, date: [2026-09-16] }",
        );
        line_of(root, "amina", "[2026-09-16]")
    };
    let date_line = wrong_date(dir.path());
    edit(dir.path(), "amina", "- module: society", "- module: socety");
    let module_line = line_of(dir.path(), "amina", "module: socety");
    let run = check_on(dir.path(), "2027-06-01", &["data/portfolios/amina"]);
    let got: Vec<(String, u32)> = run
        .located()
        .into_iter()
        .filter(|d| d.1 == record_path("amina"))
        .map(|(r, _, l)| (r, l))
        .collect();
    assert!(
        got.contains(&("yaml.wrong-type".to_string(), date_line))
            && got.iter().any(|(_, l)| *l == module_line),
        "{got:?}\n{}",
        stderr(&run.out)
    );

    // The module's key missing: read with a stand-in, the date is said.
    edit(dir.path(), "amina", "  - module: socety\n", "  -\n");
    let run = check_on(dir.path(), "2027-06-01", &["data/portfolios/amina"]);
    assert_errors(
        &run,
        "amina",
        &[
            ("yaml.missing-key", module_line + 1),
            ("yaml.wrong-type", date_line),
        ],
    );
}

/// A key missing above a brace left open: serde stops at the key, before
/// the brace; both are said in the same run, each at its place.
#[test]
fn a_missing_key_and_a_brace_left_open_below_it_are_both_said() {
    let s = site(&["dana"]);
    edit(s.path(), "dana", "    role: staff\n", "");
    edit(
        s.path(),
        "dana",
        "- { date: 2025-03-03, hours: 6, activity: Permanence }",
        "- { date: 2025-03-03, hours: 6, activity: Permanence",
    );
    let run = check(s.path());
    assert_errors(
        &run,
        "dana",
        &[
            (
                "yaml.missing-key",
                line_of(s.path(), "dana", "name: Marie Lambert"),
            ),
            ("yaml.syntax", line_of(s.path(), "dana", "2025-03-03")),
        ],
    );
    assert_eq!(run.json["diagnostics"][1]["column"], 7);
}
