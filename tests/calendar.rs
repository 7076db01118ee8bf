//! The workshop calendar on the basic fixture: order around --today, dates
//! in each language, iCalendar feeds, Event JSON-LD, the home page's next
//! events, and each bad input.

mod common;

use std::path::Path;

use common::html::Page;
use common::{engage, fixture, read, stderr, write};

fn build_on(root: &Path, today: &str) {
    let out = engage(root, &["build", "--today", today]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn upcoming_by_month_then_past_around_today() {
    let site = fixture("basic");
    build_on(site.path(), "2025-10-14");
    let page = Page::at(&site.path().join("public"), "fr/agenda/index.html");
    // An event of today is still upcoming; then by month, each month's
    // heading before its events; then the past.
    assert_eq!(
        page.attrs(".events-upcoming h3[id], .events-upcoming li.event", "id"),
        [
            "2025-10",
            "atelier-2025-10",
            "info-2025-10",
            "2025-11",
            "atelier-2025-11",
            "2026-02",
            "candidatures-2026-02",
        ]
    );
    assert_eq!(
        page.attrs(".events-past li.event", "id"),
        ["atelier-2025-09"]
    );
    assert_eq!(page.attrs("#upcoming, #past", "id"), ["upcoming", "past"]);
    // A month later, October is past too (most recent first).
    build_on(site.path(), "2025-11-01");
    let page = Page::at(&site.path().join("public"), "fr/agenda/index.html");
    assert_eq!(
        page.attrs(".events-past li.event", "id"),
        ["info-2025-10", "atelier-2025-10", "atelier-2025-09"]
    );
}

#[test]
fn dates_statuses_and_languages_on_each_page() {
    let site = fixture("basic");
    build_on(site.path(), "2025-10-01");
    let root = site.path().join("public");
    let fr = Page::at(&root, "fr/agenda/index.html");
    let en = Page::at(&root, "en/calendar/index.html");
    // Each event's dates in words of the page's language, and as a machine
    // readable time with its offset.
    assert_eq!(
        fr.text("#atelier-2025-10 .event-when time"),
        "mardi 14 octobre 2025, 18\u{A0}h\u{A0}00 – 20\u{A0}h\u{A0}00"
    );
    assert_eq!(
        fr.attr("#atelier-2025-10 .event-when time", "datetime"),
        "2025-10-14T18:00:00+02:00"
    );
    assert_eq!(
        en.text("#atelier-2025-10 .event-when time"),
        "Tuesday 14 October 2025, 6:00\u{A0}pm – 8:00\u{A0}pm"
    );
    assert_eq!(
        fr.text("#candidatures-2026-02 .event-when time"),
        "du dimanche 1er février 2026 au samedi 28 février 2026"
    );
    // Full and cancelled are marked in words, on the event they concern.
    assert_eq!(
        fr.text("#atelier-2025-10 strong.badge.badge-full"),
        "Complet"
    );
    assert_eq!(
        en.text("#atelier-2025-11 strong.badge.badge-cancelled"),
        "Cancelled"
    );
    // English falls back to the French title, marked as French; the English
    // page says the workshop is given in French.
    assert_eq!(
        en.text("#atelier-2025-10 .event-title span[lang=fr]"),
        "Gérer un projet ; sans s’épuiser"
    );
    assert_eq!(
        en.text("#atelier-2025-10 .event-language"),
        "Given in French"
    );
    assert_eq!(
        en.text("#atelier-2025-10 .event-title .fallback"),
        "(in French)",
        "the fallback is visible"
    );
    let fr_main = fr.text("main");
    assert!(
        fr_main.contains("octobre 2025") && !fr_main.contains("Donné en français"),
        "no need to say it on the French page: {fr_main}"
    );
    // Anchors and add-to-calendar links, on the event's own entry.
    en.select_one("li.event.event-full#atelier-2025-10");
    assert_eq!(
        en.links("#atelier-2025-10 a[type=\"text/calendar\"]"),
        [(
            "Add to my calendar".to_string(),
            "/site/en/calendar/events/atelier-2025-10.ics".to_string()
        )]
    );
    // The home page shows the next two events, and only those.
    let home = Page::at(&root, "en/index.html");
    assert_eq!(
        home.attrs(".next-events .event a", "href"),
        [
            "/site/en/calendar/#atelier-2025-10",
            "/site/en/calendar/#info-2025-10"
        ]
    );
}

#[test]
fn event_json_ld() {
    let site = fixture("basic");
    build_on(site.path(), "2025-10-01");
    let ld = Page::at(&site.path().join("public"), "en/calendar/index.html").json_ld();
    let graph = ld["@graph"].as_array().unwrap();
    let ev = graph.iter().find(|e| e["name"] == "Advocacy").unwrap();
    assert_eq!(ev["@type"], "Event");
    assert_eq!(ev["startDate"], "2025-11-04T18:30:00+01:00");
    assert_eq!(ev["endDate"], "2025-11-04T20:30:00+01:00");
    assert_eq!(ev["eventStatus"], "https://schema.org/EventCancelled");
    assert_eq!(
        ev["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(ev["location"]["@type"], "Place");
    assert_eq!(ev["inLanguage"], "fr");
    assert_eq!(ev["organizer"]["name"], "Service Engagement");
    let online = graph
        .iter()
        .find(|e| e["name"] == "Information session")
        .unwrap();
    assert_eq!(online["location"]["@type"], "VirtualLocation");
    assert_eq!(
        online["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(
        online["url"],
        "https://example.org/site/en/calendar/#info-2025-10"
    );
}

#[test]
fn icalendar_feeds_parse_back_and_are_stable() {
    let site = fixture("basic");
    build_on(site.path(), "2025-10-01");
    let root = site.path().join("public");
    let all = read(&root, "calendar.ics");
    assert_eq!(
        all,
        read(&root, "fr/calendar.ics"),
        "the root feed is the default language's"
    );
    assert!(
        !all.replace("\r\n", "").contains('\n'),
        "CRLF line ends only"
    );
    assert!(
        all.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let unfolded = icalendar::parser::unfold(&all);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 5);
    assert!(cal.components.iter().any(|c| c.name == "VTIMEZONE"));
    for e in &events {
        let names: Vec<&str> = e.properties.iter().map(|p| p.name.as_str()).collect();
        for required in [
            "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS", "LOCATION", "URL",
        ] {
            assert!(names.contains(&required), "{required} missing in {names:?}");
        }
    }
    assert!(all.contains("UID:atelier-2025-11@example.org"));
    assert!(all.contains("STATUS:CANCELLED"));
    assert!(all.contains("DTSTART;TZID=Europe/Brussels:20251104T183000"));
    assert!(unfolded.contains(
        "LOCATION:Solbosch\\, U\\, U.A2.210\\, Avenue Franklin Roosevelt 50\\, 1050 Bruxelles"
    ));
    assert!(all.contains("URL:https://example.org/site/fr/agenda/#atelier-2025-10"));
    // Per programme and per event; English feed in English.
    assert!(read(&root, "fr/calendar/ceci.ics").contains("UID:atelier-2025-09@example.org"));
    let one = read(&root, "en/calendar/events/candidatures-2026-02.ics");
    assert_eq!(one.matches("BEGIN:VEVENT").count(), 1);
    assert!(one.contains("SUMMARY:February applications"));
    // A second build of the same data with the same --today is identical.
    build_on(site.path(), "2025-10-01");
    assert_eq!(read(&root, "calendar.ics"), all);
}

/// A bad calendar: its rule at file:line:column, a hint, exit 1.
fn assert_bad(yaml: &str, rule: &str, line: u32, column: u32) {
    let site = fixture("basic");
    write(site.path(), "data/calendar/bad.yml", yaml);
    let out = engage(site.path(), &["build", "--today", "2025-10-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("error[{rule}]")), "{err}");
    assert!(
        err.contains(&format!("data/calendar/bad.yml:{line}:{column}")),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");
}

const EVENT: &str = "events:\n  - id: x\n    kind: workshop\n    programme: ceci\n    title: { fr: X }\n    start: 2025-10-14T18:00\n    end: 2025-10-14T20:00\n    online: https://x.org\n";

#[test]
fn bad_event_without_id() {
    assert_bad(
        &EVENT.replace("  - id: x\n    kind", "  - kind"),
        "calendar.id-missing",
        2,
        5,
    );
}

#[test]
fn bad_duplicate_id() {
    assert_bad(
        &EVENT.replace("id: x", "id: atelier-2025-09"),
        "calendar.id-duplicate",
        2,
        9,
    );
}

#[test]
fn bad_end_before_start() {
    assert_bad(
        &EVENT.replace("end: 2025-10-14T20:00", "end: 2025-10-14T17:00"),
        "calendar.end-before-start",
        7,
        10,
    );
}

#[test]
fn bad_time_zone() {
    assert_bad(
        &EVENT.replace("    online:", "    timezone: Europe/Bruxelles\n    online:"),
        "calendar.timezone-unknown",
        8,
        15,
    );
}

#[test]
fn bad_status() {
    assert_bad(
        &EVENT.replace("    online:", "    status: complet\n    online:"),
        "calendar.status-unknown",
        8,
        13,
    );
}

#[test]
fn bad_kind() {
    assert_bad(
        &EVENT.replace("kind: workshop", "kind: atelier"),
        "calendar.kind-unknown",
        3,
        11,
    );
}

#[test]
fn bad_programme() {
    assert_bad(
        &EVENT.replace("programme: ceci", "programme: cecy"),
        "calendar.programme-unknown",
        4,
        16,
    );
}
