//! The two-year rule for an enrolment on 29 February (issue 14, item 6):
//! the last day is 28 February two years later, the day before the second
//! anniversary counted from 1 March, as for an enrolment on 1 March; an
//! activity on 1 March is beyond the limit.

mod common;

use common::{copy_dir, engage, repo, stderr, write};

const RECORD: &str = "\
programme: ceci
handle: zoe
status: in-progress
enrolment:
  date: 2024-02-29
  intake: 2024-02
internship:
  organisation: { name: Les Amis du Parc, kind: association }
  supervisor: { name: Marie Lambert, role: staff }
  agreement: { student: 2024-03-01, organisation: 2024-03-01, university: 2024-03-01 }
  hours:
    - { date: 2026-02-28, hours: 4, activity: Accueil }
    - { date: 2026-03-01, hours: 4, activity: Accueil }
";

#[test]
fn enrolled_on_29_february_the_last_day_is_28_february_two_years_later() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["data/programmes", "data/calendar"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    write(
        dir.path(),
        "data/site.yml",
        std::fs::read(repo().join("data/site.yml")).unwrap(),
    );
    write(dir.path(), "data/portfolios/zoe/portfolio.yml", RECORD);
    let out = engage(
        dir.path(),
        &[
            "check",
            "data/portfolios",
            "--format",
            "json",
            "--today",
            "2026-03-02",
        ],
    );
    let run: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let found: Vec<(&str, u64)> = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    // 1 March 2026 is beyond the limit (line 13); 28 February counts. The
    // record, still in progress, is past its last day (its date, line 5).
    assert_eq!(
        found,
        vec![("ceci.deadline-passed", 5), ("ceci.two-year-limit", 13)],
        "{}",
        stderr(&out)
    );
    let zoe = &run["records"][0];
    assert_eq!(zoe["deadline"], "2026-02-28");
    // Only the 28 February entry counts.
    assert_eq!(zoe["hours"]["done"], 4.0, "{zoe}");
    let message = run["diagnostics"][1]["message"].as_str().unwrap();
    assert!(message.contains("last day: 2026-02-28"), "{message}");
}
