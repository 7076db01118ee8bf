//! What a calendar change does to the records: a staff PR that renames,
//! removes, reschedules or cancels an event can break the workshops that
//! records name by its id, without touching any record.
//!
//! [`verdict_changes`] checks every record twice under the base branch's
//! programmes, with the calendar before and after the PR, and keeps those
//! whose errors differ, each with the events it names that the PR changed
//! and what the record now gets for them. Pure: the edge
//! (crate::review::review) loads both calendars.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::calendar::{Calendar, Event};
use crate::core::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::lang::Lang;
use crate::core::values::Handle;
use crate::records::check::record_folder;
use crate::records::evaluate::{check_cohorts, check_record};
use crate::records::portfolio::Record;
use crate::records::programme::Programmes;

/// What the PR did to one event a record names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventChange {
    /// The id is gone and no event took its place.
    Removed,
    /// The id is gone and an event of the same kind, programme and time
    /// has this new id: the record still names the old one.
    Renamed { to: String },
    /// It now starts on another day.
    Rescheduled { from: Date, to: Date },
    /// It is now cancelled.
    Cancelled,
    /// It was cancelled and is no longer.
    Reinstated,
    /// An id the calendar did not have now exists.
    Added,
    /// Its kind, programme or hours changed.
    Changed,
}

/// One event a record names, changed by the PR, and what the record gets
/// for it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// The id, as the record writes it.
    pub event: String,
    pub change: EventChange,
    /// Where the event is in the PR's calendar, or the file it was in when
    /// the PR removed it.
    pub file: PathBuf,
    pub at: Position,
    /// The errors the record now gets at that workshop (rule and
    /// message), in the programme's order; none when the workshop counts.
    pub now: Vec<(RuleId, Text)>,
}

/// A record whose errors are not the same under the PR's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordVerdict {
    pub handle: Handle,
    /// Errors of the record with the base's calendar, and with the PR's
    /// (loading and cohort errors included: the record's whole verdict).
    pub before: usize,
    pub after: usize,
    /// In the order the record lists its workshops.
    pub causes: Vec<Cause>,
}

/// What a verdict is made of for the comparison: the errors, by rule,
/// place and message. Hints are left out: a did-you-mean that now finds
/// a renamed event changes no verdict.
type Errors = BTreeSet<(RuleId, Position, String)>;

fn errors(ds: &Diagnostics) -> Errors {
    ds.iter()
        .filter(|d| d.is_error())
        .map(|d| (d.rule.clone(), d.position, d.message.en.clone()))
        .collect()
}

/// The same event as far as a record's verdict can tell: a workshop that
/// became full was still held.
fn same(a: &Event, b: &Event) -> bool {
    let cancelled = |e: &Event| e.status == crate::calendar::Status::Cancelled;
    a.when == b.when
        && cancelled(a) == cancelled(b)
        && a.kind == b.kind
        && a.programme == b.programme
}

/// What happened to the event `id` between `before` and `after`, if
/// anything that can change a verdict.
fn change_of(
    id: &str,
    before: &Calendar,
    after: &Calendar,
) -> Option<(EventChange, PathBuf, Position)> {
    match (before.event(id), after.event(id)) {
        (None, None) => None,
        (None, Some(new)) => Some((EventChange::Added, new.file.clone(), new.position)),
        (Some(old), None) => {
            // An event that was not there before and is the old one in
            // all but its id: the id was renamed.
            let renamed = after
                .events
                .iter()
                .find(|e| before.event(&e.id).is_none() && same(old, e));
            Some(match renamed {
                Some(e) => (
                    EventChange::Renamed { to: e.id.clone() },
                    e.file.clone(),
                    e.position,
                ),
                None => (EventChange::Removed, old.file.clone(), Position::file()),
            })
        }
        (Some(old), Some(new)) if same(old, new) => None,
        (Some(old), Some(new)) => {
            let cancelled = crate::calendar::Status::Cancelled;
            let change = if old.when.first_day() != new.when.first_day() {
                EventChange::Rescheduled {
                    from: old.when.first_day(),
                    to: new.when.first_day(),
                }
            } else if new.status == cancelled && old.status != cancelled {
                EventChange::Cancelled
            } else if old.status == cancelled && new.status != cancelled {
                EventChange::Reinstated
            } else {
                EventChange::Changed
            };
            Some((change, new.file.clone(), new.position))
        }
    }
}

/// The records whose errors change when the calendar goes from `before` to
/// `after`, every record judged by `programmes` (the base branch's) on
/// `today`; sorted by handle. `others` are the record diagnostics that do
/// not depend on the calendar (loading problems), counted in each verdict.
pub fn verdict_changes(
    records: &[Record],
    programmes: &Programmes,
    before: &Calendar,
    after: &Calendar,
    others: &Diagnostics,
    today: Date,
) -> Vec<RecordVerdict> {
    // Errors that the calendar cannot change, per record folder.
    let mut fixed: HashMap<&Path, usize> = HashMap::new();
    let cohorts = check_cohorts(records, programmes);
    for d in others.iter().chain(cohorts.iter()).filter(|d| d.is_error()) {
        if let Some(dir) = record_folder(&d.file) {
            *fixed.entry(dir).or_default() += 1;
        }
    }
    let mut out: Vec<RecordVerdict> = records
        .par_iter()
        .filter_map(|r| {
            let programme = programmes.get(&r.programme)?;
            let was = errors(&check_record(r, programme, before, today).diagnostics);
            let now_ds = check_record(r, programme, after, today).diagnostics;
            let now = errors(&now_ds);
            if was == now {
                return None;
            }
            let fixed = fixed.get(r.dir.as_path()).copied().unwrap_or(0);
            let mut seen = BTreeSet::new();
            let causes = r
                .workshops
                .iter()
                .filter(|w| seen.insert(w.event.value.as_str()))
                .filter_map(|w| {
                    let (change, file, at) = change_of(&w.event.value, before, after)?;
                    let here =
                        |p: Position| p.line == w.event.at.line && p.column == w.event.at.column;
                    let now = now_ds
                        .iter()
                        .filter(|d| d.is_error() && here(d.position))
                        .map(|d| (d.rule.clone(), d.message.clone()))
                        .collect();
                    Some(Cause {
                        event: w.event.value.clone(),
                        change,
                        file,
                        at,
                        now,
                    })
                })
                .collect();
            Some(RecordVerdict {
                handle: r.handle.clone(),
                before: fixed + was.len(),
                after: fixed + now.len(),
                causes,
            })
        })
        .collect();
    out.sort_by(|a, b| a.handle.as_str().cmp(b.handle.as_str()));
    out
}

/// "passes" or "fails (2 errors)".
fn verdict(errors: usize, lang: Lang) -> String {
    match (errors, lang) {
        (0, Lang::Fr) => "réussit".into(),
        (0, Lang::En) => "passes".into(),
        (1, Lang::Fr) => "échoue (1 erreur)".into(),
        (1, Lang::En) => "fails (1 error)".into(),
        (n, Lang::Fr) => format!("échoue ({n} erreurs)"),
        (n, Lang::En) => format!("fails ({n} errors)"),
    }
}

/// What the PR did to the event, as a phrase.
fn describe(c: &Cause, lang: Lang) -> String {
    let id = &c.event;
    match (&c.change, lang) {
        (EventChange::Removed, Lang::Fr) => format!("l’atelier `{id}` n’existe plus"),
        (EventChange::Removed, Lang::En) => format!("workshop `{id}` no longer exists"),
        (EventChange::Renamed { to }, Lang::Fr) => {
            format!("l’atelier `{id}` s’appelle désormais `{to}`")
        }
        (EventChange::Renamed { to }, Lang::En) => format!("workshop `{id}` is now called `{to}`"),
        (EventChange::Rescheduled { from, to }, Lang::Fr) => {
            format!("l’atelier `{id}` passe du {from} au {to}")
        }
        (EventChange::Rescheduled { from, to }, Lang::En) => {
            format!("workshop `{id}` moved from {from} to {to}")
        }
        (EventChange::Cancelled, Lang::Fr) => format!("l’atelier `{id}` est annulé"),
        (EventChange::Cancelled, Lang::En) => format!("workshop `{id}` is cancelled"),
        (EventChange::Reinstated, Lang::Fr) => format!("l’atelier `{id}` n’est plus annulé"),
        (EventChange::Reinstated, Lang::En) => format!("workshop `{id}` is no longer cancelled"),
        (EventChange::Added, Lang::Fr) => format!("l’atelier `{id}` existe désormais"),
        (EventChange::Added, Lang::En) => format!("workshop `{id}` now exists"),
        (EventChange::Changed, Lang::Fr) => format!("l’évènement `{id}` a changé"),
        (EventChange::Changed, Lang::En) => format!("event `{id}` changed"),
    }
}

/// One line for a record: handle, verdict before → after, and why.
pub fn message(v: &RecordVerdict) -> Text {
    let line = |lang: Lang| {
        // French puts a space before a colon and a semicolon.
        let (colon, semicolon) = match lang {
            Lang::Fr => (" :", " ; "),
            Lang::En => (":", "; "),
        };
        let causes: Vec<String> = v
            .causes
            .iter()
            .map(|c| {
                let what = describe(c, lang);
                let errors: Vec<String> = c
                    .now
                    .iter()
                    .map(|(rule, msg)| format!("{rule}{colon} {}", msg.get(lang)))
                    .collect();
                match (errors.is_empty(), lang) {
                    (false, _) => format!("{what} ({})", errors.join(semicolon)),
                    (true, Lang::Fr) => format!("{what} (l’atelier compte)"),
                    (true, Lang::En) => format!("{what} (the workshop counts)"),
                }
            })
            .collect();
        let why = if causes.is_empty() {
            match lang {
                Lang::Fr => "le calendrier a changé".to_string(),
                Lang::En => "the calendar changed".to_string(),
            }
        } else {
            causes.join(semicolon)
        };
        format!(
            "{}{colon} {} → {}{colon} {why}",
            v.handle,
            verdict(v.before, lang),
            verdict(v.after, lang)
        )
    };
    Text::new(line(Lang::Fr), line(Lang::En))
}

/// A warning per record whose verdict changes, on the line of the first
/// changed event it names in the PR's calendar (where staff reviewing the
/// PR look), under `rule`.
pub fn diagnostics(changes: &[RecordVerdict], rule: RuleId) -> Diagnostics {
    let mut ds = Diagnostics::new();
    for v in changes {
        let (file, at) = v
            .causes
            .first()
            .map(|c| (c.file.clone(), c.at))
            .unwrap_or_else(|| {
                (
                    PathBuf::from(crate::core::layout::CALENDAR_DIR),
                    Position::file(),
                )
            });
        ds.push(
            Diagnostic::warning(rule.clone(), file, at, message(v)).with_hint(Text::new(
                "prévenez les étudiant·es concerné·es avant de fusionner, ou gardez l’ancien identifiant",
                "tell the students concerned before merging, or keep the old id",
            )),
        );
    }
    ds
}

/// The lines for people after the record summaries: each record whose
/// verdict changes, or that none does.
pub fn notes(changes: &[RecordVerdict], compared: usize) -> Vec<Text> {
    if changes.is_empty() {
        return vec![Text::new(
            format!(
                "le changement du calendrier ne change le verdict d’aucun portfolio ({compared} comparé(s))"
            ),
            format!(
                "the calendar change changes no record's verdict ({compared} record(s) compared)"
            ),
        )];
    }
    let n = changes.len();
    let mut out = vec![Text::new(
        format!("{n} portfolio(s) changent de verdict avec le calendrier modifié :"),
        format!("{n} record(s) change verdict under the changed calendar:"),
    )];
    out.extend(changes.iter().map(message));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A calendar of workshops (id, day, status) in one file.
    fn calendar(events: &[(&str, &str, &str)]) -> Calendar {
        let mut text = String::from("events:\n");
        for (id, day, status) in events {
            text.push_str(&format!(
                "  - id: {id}\n    kind: workshop\n    programme: ceci\n    \
                 title: {{ fr: Atelier }}\n    start: {day}T18:00\n    end: {day}T20:00\n    \
                 location: {{ campus: Solbosch }}\n    status: {status}\n"
            ));
        }
        let (c, ds) = Calendar::parse(
            vec![(PathBuf::from("data/calendar/x.yml"), Ok(text.into()))],
            &["ceci".into()],
        );
        assert!(ds.is_empty(), "{ds:?}");
        c
    }

    fn change(id: &str, before: &Calendar, after: &Calendar) -> Option<(EventChange, u32)> {
        change_of(id, before, after).map(|(c, _, at)| (c, at.line))
    }

    #[test]
    fn each_kind_of_event_change_is_told_apart() {
        let before = calendar(&[
            ("a", "2025-03-12", "open"),
            ("b", "2025-04-16", "open"),
            ("c", "2025-05-14", "open"),
            ("d", "2025-06-11", "open"),
            ("e", "2025-07-09", "cancelled"),
            ("f", "2025-08-13", "open"),
        ]);
        let after = calendar(&[
            ("a2", "2025-03-12", "open"),
            ("c", "2025-05-21", "open"),
            ("d", "2025-06-11", "cancelled"),
            ("e", "2025-07-09", "open"),
            ("f", "2025-08-13", "full"),
            ("g", "2025-09-10", "open"),
        ]);
        // Events are 8 lines each after `events:`; the id is on the first.
        assert_eq!(
            change("a", &before, &after),
            Some((EventChange::Renamed { to: "a2".into() }, 2))
        );
        assert_eq!(
            change("b", &before, &after),
            Some((EventChange::Removed, 1))
        );
        assert_eq!(
            change("c", &before, &after),
            Some((
                EventChange::Rescheduled {
                    from: "2025-05-14".parse().unwrap(),
                    to: "2025-05-21".parse().unwrap()
                },
                10
            ))
        );
        assert_eq!(
            change("d", &before, &after),
            Some((EventChange::Cancelled, 18))
        );
        assert_eq!(
            change("e", &before, &after),
            Some((EventChange::Reinstated, 26))
        );
        // Full is still held: the same event for a record.
        assert_eq!(change("f", &before, &after), None);
        assert_eq!(change("g", &before, &after), Some((EventChange::Added, 42)));
        assert_eq!(change("nope", &before, &after), None);
    }

    #[test]
    fn a_verdict_change_reads_in_both_languages() {
        let v = RecordVerdict {
            handle: Handle::parse("dana").unwrap(),
            before: 0,
            after: 2,
            causes: vec![Cause {
                event: "a".into(),
                change: EventChange::Removed,
                file: "data/calendar/x.yml".into(),
                at: Position::file(),
                now: vec![
                    (
                        RuleId::new("ceci.workshop-unknown"),
                        Text::new("l’atelier ne compte pas", "the workshop does not count"),
                    ),
                    (
                        RuleId::new("ceci.future-date"),
                        Text::new("c’est demain", "it is tomorrow"),
                    ),
                ],
            }],
        };
        let m = message(&v);
        assert_eq!(
            m.fr,
            "dana : réussit → échoue (2 erreurs) : l’atelier `a` n’existe plus \
             (ceci.workshop-unknown : l’atelier ne compte pas ; ceci.future-date : c’est demain)"
        );
        assert_eq!(
            m.en,
            "dana: passes → fails (2 errors): workshop `a` no longer exists \
             (ceci.workshop-unknown: the workshop does not count; ceci.future-date: it is tomorrow)"
        );
        let ds = diagnostics(&[v], RuleId::new("scope.verdict-changed"));
        let d = ds.iter().next().unwrap();
        assert_eq!(
            (d.file.as_path(), d.position.line, d.is_error()),
            (Path::new("data/calendar/x.yml"), 1, false)
        );
    }
}
