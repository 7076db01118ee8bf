//! iCalendar (RFC 5545) feeds of the calendar, so that visitors subscribe
//! from any calendar client. The icalendar crate writes the events (text
//! escaping, CRLF); we fold the lines ourselves (`fold`), because the crate
//! folds at 75 octets *plus* the leading space of continuation lines, one
//! octet more than RFC 5545 allows. We give it stable UIDs and a stable
//! DTSTAMP (the build's "today") so that feeds do not change between builds
//! of the same data.

use icalendar::{Component, EventLike, Property};
use jiff::civil::Date;

use crate::calendar::{Event, Status, When, DEFAULT_TZ};
use crate::core::lang::Lang;

/// Europe/Brussels as a VTIMEZONE (CET/CEST, EU rules since 1996). The
/// icalendar crate adds DTSTAMP and UID to every component it writes, which
/// RFC 5545 forbids in VTIMEZONE, so this block is written as text.
const VTIMEZONE_BRUSSELS: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// What a feed needs to know of the site.
pub struct FeedContext<'a> {
    /// Host part of the site's address, for UIDs (`id@host`).
    pub host: &'a str,
    /// The calendar page's absolute URL in this language (events link to
    /// `#id` on it), if the site has one.
    pub page_url: Option<&'a str>,
    pub today: Date,
    pub lang: Lang,
    pub name: &'a str,
}

fn compact(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// The iCalendar text of `events`.
pub fn feed(events: &[&Event], ctx: &FeedContext) -> String {
    let mut cal = icalendar::Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//engage//calendar//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.name(ctx.name);
    let mut needs_brussels = false;
    for e in events {
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("{}@{}", e.id, ctx.host));
        ev.add_property("DTSTAMP", format!("{}T000000Z", compact(ctx.today)));
        let (title, _) = e.title(ctx.lang);
        ev.summary(title);
        if let Some(s) = e.summary(ctx.lang) {
            ev.description(s);
        }
        match &e.when {
            When::Timed { start, end } if e.timezone == DEFAULT_TZ => {
                needs_brussels = true;
                for (key, z) in [("DTSTART", start), ("DTEND", end)] {
                    let mut p = Property::new(
                        key,
                        format!(
                            "{}T{:02}{:02}{:02}",
                            compact(z.date()),
                            z.hour(),
                            z.minute(),
                            z.second()
                        ),
                    );
                    p.add_parameter("TZID", DEFAULT_TZ);
                    ev.append_property(p);
                }
            }
            When::Timed { start, end } => {
                // Other zones are written in UTC: every client understands it
                // without a VTIMEZONE of ours.
                for (key, z) in [("DTSTART", start), ("DTEND", end)] {
                    let utc = z.with_time_zone(jiff::tz::TimeZone::UTC);
                    ev.add_property(
                        key,
                        format!(
                            "{}T{:02}{:02}{:02}Z",
                            compact(utc.date()),
                            utc.hour(),
                            utc.minute(),
                            utc.second()
                        ),
                    );
                }
            }
            When::AllDay { first, last } => {
                let mut start = Property::new("DTSTART", compact(*first));
                start.add_parameter("VALUE", "DATE");
                ev.append_property(start);
                // DTEND of a date is exclusive.
                let after = last.tomorrow().unwrap_or(*last);
                let mut end = Property::new("DTEND", compact(after));
                end.add_parameter("VALUE", "DATE");
                ev.append_property(end);
            }
        }
        if let Some(place) = &e.place {
            ev.location(&place.one_line(ctx.lang));
        } else if let Some(url) = &e.online {
            ev.location(url);
        }
        if let Some(page) = ctx.page_url {
            ev.add_property("URL", format!("{page}#{}", e.id));
        }
        ev.add_property(
            "STATUS",
            if e.status == Status::Cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            },
        );
        cal.push(ev.done());
    }
    let text = fold(&cal.done().to_string());
    if !needs_brussels {
        return text;
    }
    match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{VTIMEZONE_BRUSSELS}{}", &text[..at], &text[at..]),
        None => text,
    }
}

/// At most 75 octets per line, CRLF excluded and the leading space of a
/// continuation line included (RFC 5545 3.1).
const LINE_OCTETS: usize = 75;

/// Unfolds `text` (as the crate folded it) and folds it again at
/// [`LINE_OCTETS`], never inside a UTF-8 character (strict clients reject a
/// line that is not valid UTF-8 on its own).
fn fold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 40);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let mut room = LINE_OCTETS;
        let mut used = 0;
        for c in line.chars() {
            if used + c.len_utf8() > room {
                out.push_str("\r\n ");
                // The continuation's leading space counts.
                room = LINE_OCTETS - 1;
                used = 0;
            }
            out.push(c);
            used += c.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    #[test]
    fn feed_is_valid_stable_and_folded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/calendar")).unwrap();
        std::fs::write(
            dir.path().join("data/calendar/a.yml"),
            "events:\n  - id: atelier-1\n    kind: workshop\n    programme: ceci\n    title: { fr: \"Atelier ; gestion de projet, humanitaire et très long titre qui dépasse largement la limite\" }\n    start: 2025-10-14T18:00\n    end: 2025-10-14T20:00\n    status: cancelled\n    location: { campus: Solbosch, room: U.A2.210 }\n  - id: window\n    kind: application-window\n    programme: ceci\n    title: { fr: Candidatures }\n    start: 2026-02-01\n    end: 2026-02-28\n    online: https://x.org\n",
        )
        .unwrap();
        let (cal, ds) = Calendar::load(
            &crate::core::source::Files::new(crate::core::source::Disk::new(dir.path())),
            &["ceci".into()],
        );
        assert!(ds.is_empty(), "{ds:?}");
        let events: Vec<&Event> = cal.events.iter().collect();
        let ctx = FeedContext {
            host: "x.org",
            page_url: Some("https://x.org/fr/agenda/"),
            today: Date::new(2025, 10, 1).unwrap(),
            lang: Lang::Fr,
            name: "CECi",
        };
        let text = feed(&events, &ctx);
        assert_eq!(text, feed(&events, &ctx), "stable across builds");
        assert!(
            text.split("\r\n").all(|l| l.len() <= 75),
            "no line over 75 octets, the continuation's space included"
        );
        assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        let unfolded = icalendar::parser::unfold(&text);
        let parsed = icalendar::parser::read_calendar(&unfolded).expect("parses back");
        let vevents: Vec<_> = parsed
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(vevents.len(), 2);
        assert!(parsed.components.iter().any(|c| c.name == "VTIMEZONE"));
        assert!(text.contains("UID:atelier-1@x.org"));
        assert!(text.contains("DTSTART;TZID=Europe/Brussels:20251014T180000"));
        assert!(text.contains("STATUS:CANCELLED"));
        assert!(
            text.contains("DTSTART;VALUE=DATE:20260201")
                && text.contains("DTEND;VALUE=DATE:20260301")
        );
        assert!(text.contains("DTSTAMP:20251001T000000Z"));
        assert_eq!(text.matches("PRODID:").count(), 1);
    }

    #[test]
    fn fold_counts_the_leading_space_and_keeps_characters_whole() {
        let long = format!("SUMMARY:{}\r\n", "é".repeat(100));
        let folded = fold(&long);
        for l in folded.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let lines: Vec<&str> = folded.split("\r\n").collect();
        assert!(
            lines[1].starts_with(' '),
            "continuation starts with a space"
        );
        assert_eq!(fold(&folded), folded, "folding twice changes nothing");
        assert_eq!(
            folded.replace("\r\n ", ""),
            long,
            "unfolding gives the line back"
        );
    }
}
