//! `engage report` on the four example programmes at fixed days: the
//! figures of the dashboard against values computed by hand from the
//! records (each test says how), the CSV columns, the HTML dashboard read
//! with CSS selectors, and the refusal to write into the public site.

mod common;

use std::path::PathBuf;

use common::html::Page;
use common::{engage, repo, stderr};
use serde_json::Value;

fn example(name: &str) -> PathBuf {
    if name == "ceci" {
        repo()
    } else {
        repo().join("examples").join(name)
    }
}

fn json(root: &str, today: &str, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--format", "json", "--today", today];
    args.extend_from_slice(extra);
    let out = engage(&example(root), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn student<'a>(report: &'a Value, handle: &str) -> &'a Value {
    report["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["intakes"].as_array().unwrap())
        .flat_map(|i| i["students"].as_array().unwrap())
        .find(|s| s["handle"] == handle)
        .unwrap_or_else(|| panic!("no student {handle}"))
}

fn flags(report: &Value, handle: &str) -> Vec<String> {
    student(report, handle)["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["flag"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ceci_places_deadlines_attendance_and_the_next_jury() {
    let r = json("ceci", "2026-03-01", &[]);
    let ceci = &r["programmes"][0];
    assert_eq!(ceci["id"], "ceci");
    // One record per intake (alice 2025-02, bob 2025-10, chloe 2026-10),
    // 30 places each (data/programmes/ceci.yml).
    let intakes: Vec<(String, u64, u64)> = ceci["intakes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["intake"].as_str().unwrap().to_string(),
                i["taken"].as_u64().unwrap(),
                i["places"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        intakes,
        vec![
            ("2025-02".into(), 1, 30),
            ("2025-10".into(), 1, 30),
            ("2026-10".into(), 1, 30)
        ]
    );
    // Alice enrolled 2025-02-03: last day 2027-02-02. From 2026-03-01,
    // 365 days to 2027-03-01, less the 27 days from 2 February to 1 March.
    assert_eq!(student(&r, "alice")["deadline"], "2027-02-02");
    assert_eq!(student(&r, "alice")["days_left"], 338);
    // Alice is complete without error; the first CECi jury after the day
    // in data/calendar is jury-2027-01, on 2027-01-28.
    let alice = &student(&r, "alice")["flags"][0];
    assert_eq!(alice["flag"], "ready-for-jury");
    assert_eq!(alice["event"], "jury-2027-01");
    assert_eq!(alice["date"], "2027-01-28");
    assert!(flags(&r, "bob").is_empty());
    assert!(flags(&r, "chloe").is_empty());
    // Workshops listed: alice 2025-10, -11, -12; bob 2025-10, -11; chloe
    // only one still to come. Workshops before the day, in calendar order.
    let attendance: Vec<(String, u64)> = ceci["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["attended"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attendance,
        vec![
            ("atelier-2025-10".into(), 2),
            ("atelier-2025-11".into(), 2),
            ("atelier-2025-12".into(), 1),
            ("atelier-2026-02".into(), 0),
        ]
    );
    // The progress bars are the check's metrics: alice's hours 38 days
    // of 4 h = 152 of 150.
    let hours = &student(&r, "alice")["bars"][0];
    assert_eq!(hours["id"], "hours");
    assert_eq!(hours["value"], "152/150 h");
    assert_eq!(hours["ratio"], 1.0);
}

#[test]
fn ceci_at_risk_and_deadline_passed_later_on() {
    let r = json("ceci", "2028-04-01", &[]);
    // Chloe (enrolled 2025-09-28): last day 2028-09-27, 179 days after
    // 2028-04-01 (30 + 31 + 30 + 31 + 31 + 26), under six months; 7.5 h
    // logged, under half of 150.
    assert_eq!(student(&r, "chloe")["days_left"], 179);
    assert_eq!(flags(&r, "chloe"), vec!["hours-behind"]);
    // Bob (enrolled 2025-09-22): last day 2027-09-21, passed, in progress.
    assert_eq!(flags(&r, "bob"), vec!["deadline-passed"]);
    // Alice's deadline passed too, but her record is submitted; no jury
    // is planned after 2028-04-01.
    assert!(flags(&r, "alice").is_empty());
}

#[test]
fn escom_shares_and_the_year_without_credit() {
    // 2025-2026: all three follow the year. Credits this year on the scale
    // (10 h: 0.5, 20 h: 1, 30 h: 1.5, 40 h: 2): hugo 12 h → 0.5 and
    // 32 h → 1.5, 2 ECTS; lea 12 h → 0.5; sam 12 h → 0.5. At least 1 ECTS:
    // hugo only, 1 of 3. Above the minimum in a cycle: hugo (preparatory,
    // 1 + 0.5 + 1.5 = 3 > 2) and sam (engineering, 1.5 + 0.5 + 0.5 = 2.5
    // > 2), 2 of 3.
    let r = json("escom", "2026-03-01", &[]);
    let shares = &r["programmes"][0]["shares"];
    assert_eq!(shares["year"], "2025-2026");
    assert_eq!(
        shares["at_least_one_credit"],
        serde_json::json!({"count": 1, "of": 3})
    );
    assert_eq!(
        shares["above_minimum"],
        serde_json::json!({"count": 2, "of": 3})
    );
    for h in ["hugo", "lea", "sam"] {
        assert!(flags(&r, h).is_empty(), "{h}");
    }
    assert_eq!(student(&r, "hugo")["credits_this_year"], 2.0);
    assert_eq!(student(&r, "lea")["credits_this_year"], 0.5);
    // 2026-2027: only hugo lists the year, with no action in it yet: at
    // risk, and 0 of 1 with a credit; still above the minimum (3 > 2).
    let r = json("escom", "2026-12-01", &[]);
    let shares = &r["programmes"][0]["shares"];
    assert_eq!(
        shares["at_least_one_credit"],
        serde_json::json!({"count": 0, "of": 1})
    );
    assert_eq!(
        shares["above_minimum"],
        serde_json::json!({"count": 1, "of": 1})
    );
    assert_eq!(flags(&r, "hugo"), vec!["no-credit-this-year"]);
    assert!(flags(&r, "lea").is_empty());
}

#[test]
fn cire_attendance_per_session_and_micro_credential_records() {
    // Sessions attended: karim work 1–6; amina society 1–8 and daily-life
    // 1–3; tesfaye daily-life 1–2.
    let r = json("cire", "2026-12-01", &[]);
    let attended = |id: &str| {
        r["programmes"][0]["attendance"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()["attended"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(attended("daily-life-1"), 2);
    assert_eq!(attended("daily-life-3"), 1);
    assert_eq!(attended("daily-life-4"), 0);
    assert_eq!(attended("society-8"), 1);
    assert_eq!(attended("work-6"), 1);
    assert_eq!(student(&r, "tesfaye")["complete"], false);
    let r = json("micro-credential", "2026-12-01", &[]);
    assert_eq!(student(&r, "ines")["complete"], true);
    assert_eq!(student(&r, "jules")["bars"][0]["value"], "7/10");
}

#[test]
fn filters_keep_one_programme_and_one_intake() {
    let r = json("ceci", "2026-03-01", &["--intake", "2025-10"]);
    let handles: Vec<&str> = r["programmes"][0]["intakes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["students"].as_array().unwrap())
        .map(|s| s["handle"].as_str().unwrap())
        .collect();
    assert_eq!(handles, vec!["bob"]);
    let r = json("ceci", "2026-03-01", &["--programme", "ceci"]);
    assert_eq!(r["programmes"].as_array().unwrap().len(), 1);
    let out = engage(&repo(), &["report", "--programme", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_csv_has_a_bom_documented_columns_and_one_row_per_student() {
    let out = engage(
        &example("escom"),
        &["report", "--format", "csv", "--today", "2026-12-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(out.stdout[3..].to_vec()).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "programme",
            "intake",
            "handle",
            "status",
            "complete",
            "errors",
            "warnings",
            "deadline",
            "days_left",
            "at_risk",
            "deadline_passed",
            "ready_for_jury",
            "flags",
            "progress",
            "credits_this_year"
        ]
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    let hugo = records.iter().find(|r| &r[2] == "hugo").unwrap();
    assert_eq!(&hugo[9], "true");
    assert_eq!(&hugo[12], "no-credit-this-year");
    assert_eq!(
        &hugo[13],
        "credits[engineering]=0/2 ECTS; credits[preparatory]=3/2 ECTS"
    );
    // 2026-2027: hugo follows it, with no action yet; lea and sam do not.
    assert_eq!(&hugo[14], "0");
    assert_eq!(&records.iter().find(|r| &r[2] == "lea").unwrap()[14], "");
    insta::assert_snapshot!("report_escom_csv", text);
}

#[test]
fn the_dashboard_page_shows_bars_flags_and_shares() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("dash");
    for (site, today) in [("ceci", "2026-03-01"), ("escom", "2026-03-01")] {
        let o = out_dir.join(site);
        let out = engage(
            &example(site),
            &["report", "--today", today, "--output", o.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let page = Page::open(out_dir.join("ceci/index.html"));
    assert_eq!(page.lang(), "en");
    assert_eq!(
        page.texts("section#ceci table.students tbody th[scope=row]"),
        ["alice", "bob", "chloe"]
    );
    assert_eq!(
        page.text("tr[data-handle=alice] li[data-flag=ready-for-jury]"),
        "ready for the jury of 2027-01-28"
    );
    // Every bar has its value as text alternative and as visible text.
    // On 2026-03-01, 36 of bob's 120 h are dated after that day: a rule
    // rejects them, so they do not count (84 h).
    let labels = page.attrs("tr[data-handle=bob] svg[role=img]", "aria-label");
    assert!(
        labels.contains(&"Hours: 84/150 h".to_string()),
        "{labels:?}"
    );
    assert!(page
        .texts("tr[data-handle=bob] .bar span")
        .contains(&"Hours: 84/150 h".to_string()));
    assert!(page
        .texts("tr[data-handle=bob] .bar span")
        .contains(&"Self-reflective analysis: no".to_string()));
    assert_eq!(
        page.text("table.attendance tr[data-workshop=atelier-2025-10] td:first-of-type"),
        "2 / 30"
    );
    let page = Page::open(out_dir.join("escom/index.html"));
    assert_eq!(
        page.text("dd[data-share=at-least-one-credit]"),
        "1 / 3 (33 %)"
    );
    assert_eq!(page.text("dd[data-share=above-minimum]"), "2 / 3 (67 %)");
}

#[test]
fn the_dashboard_is_never_written_into_the_public_site() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&example("escom").join("data"), &dir.path().join("data"));
    for target in ["public", "public/report", "."] {
        let out = engage(
            dir.path(),
            &[
                "report",
                "--output",
                &dir.path().join(target).to_string_lossy(),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error[build.output-refused]"),
            "{}",
            stderr(&out)
        );
    }
    assert!(!dir.path().join("public").exists());
    let out = engage(dir.path(), &["report", "--today", "2026-03-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    Page::at(dir.path(), "report/index.html").select_one("section#escom");
    // A second run replaces the dashboard it wrote.
    let out = engage(dir.path(), &["report", "--today", "2026-03-02"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn records_the_check_cannot_read_are_listed_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::copy_dir(&example("escom"), &root);
    // Broken YAML, and a well-formed record of a programme that does not
    // exist: neither can sit in a programme's table.
    common::write(
        &root,
        "data/portfolios/zoe/portfolio.yml",
        "programme: escom\nyears: [\n",
    );
    common::write(
        &root,
        "data/portfolios/yann/portfolio.yml",
        "programme: astronomy\nhandle: yann\n",
    );
    let root_s = root.to_str().unwrap();
    let out = engage(
        &root,
        &["report", "--format", "json", "--today", "2026-03-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed: Vec<&str> = report["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["handle"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["yann", "zoe"], "{root_s}");
    for u in report["unreadable"].as_array().unwrap() {
        assert!(u["errors"].as_u64().unwrap() >= 1, "{u}");
    }
    // The well-formed students are still in their programme's table.
    assert_eq!(student(&report, "lea")["programme"], "escom");

    let html_dir = dir.path().join("dash");
    let out = engage(
        &root,
        &[
            "report",
            "--today",
            "2026-03-01",
            "--output",
            html_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = Page::open(html_dir.join("index.html"));
    assert_eq!(
        page.texts("section#unreadable tbody th[scope=row]"),
        ["yann", "zoe"]
    );
    assert_eq!(
        page.text("section#unreadable tr[data-handle=zoe] code"),
        "engage check data/portfolios/zoe"
    );
}
