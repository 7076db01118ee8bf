//! Rules about the work a record lists: online modules, workshops,
//! productions and documents.

use jiff::civil::Date;

use super::{done_required, Context, Evaluation, Metric, MetricId, Quantity};
use crate::calendar::{self, Calendar};
use crate::core::diagnostic::{did_you_mean, Text};
use crate::core::lang::Lang;
use crate::records::portfolio::Record;
use crate::records::programme::Programme;
use crate::records::rule::{Arg, Document};

/// `modules-completed`: every module of the programme is done.
pub(super) fn modules_completed(cx: &Context, ev: &mut Evaluation) {
    let modules = &cx.programme.facts.modules;
    let missing: Vec<_> = modules
        .iter()
        .filter(|m| !cx.record.modules.iter().any(|d| d.id == m.id))
        .collect();
    let required = modules.len() as u32;
    let done = required - missing.len() as u32;
    let metric = Metric::new(
        MetricId::Modules,
        Text::new("Modules", "Modules"),
        Text::new("modules", "modules"),
        Quantity::Count(done),
        Some(Quantity::Count(required)),
    )
    .short_of(Text::new(
        "{left} module(s) en ligne",
        "{left} online module(s)",
    ));
    let at = cx.record.modules_at.unwrap_or(cx.status_at());
    ev.require(metric, at, || {
        let list = |lang: Lang| {
            missing
                .iter()
                .map(|m| m.label.get(lang))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut args = done_required(done, required);
        args.push(Arg::text(
            "missing",
            Text::new(list(Lang::Fr), list(Lang::En)),
        ));
        args
    });
}

/// The workshops a record counts: shown when the programme has workshops,
/// always given to scripts.
pub(super) fn workshops_metric(programme: &Programme, counted: u32) -> Metric {
    let mut m = Metric::new(
        MetricId::Workshops,
        Text::new("Ateliers", "Workshops"),
        Text::new("ateliers", "workshops"),
        Quantity::Count(counted),
        None,
    );
    m.shown = programme.facts.workshops.is_some();
    m
}

/// `workshop-in-calendar`: each workshop attended is a past workshop of
/// the programme after enrolment; only those count.
pub(super) fn workshop_in_calendar(cx: &Context, ev: &mut Evaluation) {
    let mut counted = 0;
    for w in &cx.record.workshops {
        let Some((reason, close)) =
            workshop_problem(&w.event.value, cx.record, cx.calendar, cx.today)
        else {
            counted += 1;
            continue;
        };
        if cx.calendar.may_hold(&w.event.value) && cx.calendar.event(&w.event.value).is_none() {
            // The calendar's error is the one reported; until it is
            // fixed the workshop cannot be checked, so it does not count.
            continue;
        }
        ev.breach(
            w.event.at,
            vec![
                Arg::same("event", &w.event.value),
                Arg::text("reason", reason),
            ],
        );
        if let Some(k) = close {
            if let Some(b) = ev.breaches.last_mut() {
                b.hint = Some(Text::new(
                    format!("vouliez-vous dire `{k}` ?"),
                    format!("did you mean `{k}`?"),
                ));
            }
        }
    }
    ev.metric(workshops_metric(cx.programme, counted));
}

/// Why a workshop attended does not count, if it does not: the reason, and
/// for an unknown id the id of a workshop of the programme close to it.
fn workshop_problem<'c>(
    id: &str,
    record: &Record,
    calendar: &'c Calendar,
    today: Date,
) -> Option<(Text, Option<&'c str>)> {
    let Some(event) = calendar.event(id) else {
        let workshops = calendar
            .events
            .iter()
            .filter(|e| e.kind == calendar::Kind::Workshop && e.programme == record.programme)
            .map(|e| e.id.as_str());
        return Some((
            Text::new(
                "aucun évènement du calendrier n’a cet identifiant",
                "no event of the calendar has this id",
            ),
            did_you_mean(id, workshops),
        ));
    };
    let date = event.when.first_day();
    let reason = if event.programme != record.programme {
        Text::new(
            format!("c’est un évènement du programme `{}`", event.programme),
            format!("it is an event of the programme `{}`", event.programme),
        )
    } else if event.kind != calendar::Kind::Workshop {
        Text::new(
            format!(
                "c’est un évènement de type `{}`, pas un atelier",
                event.kind.as_str()
            ),
            format!(
                "it is an event of kind `{}`, not a workshop",
                event.kind.as_str()
            ),
        )
    } else if event.status == calendar::Status::Cancelled {
        Text::new(
            format!("l’atelier du {date} a été annulé"),
            format!("the workshop on {date} was cancelled"),
        )
    } else if date > today {
        Text::new(
            format!("l’atelier du {date} n’a pas encore eu lieu (aujourd’hui : {today})"),
            format!("the workshop on {date} has not taken place yet (today: {today})"),
        )
    } else if let Some(enrolment) = record.enrolment.as_ref().filter(|e| date < e.value) {
        Text::new(
            format!(
                "l’atelier du {date} précède votre inscription ({}) : un engagement passé n’est pas reconnu",
                enrolment.value
            ),
            format!(
                "the workshop on {date} is before your enrolment ({}): past engagement is not recognised",
                enrolment.value
            ),
        )
    } else {
        return None;
    };
    Some((reason, None))
}

/// `productions`: at least `count` complete productions.
pub(super) fn productions(cx: &Context, count: u32, ev: &mut Evaluation) {
    let done = cx
        .record
        .productions
        .iter()
        .filter(|p| p.is_complete())
        .count() as u32;
    let metric = Metric::new(
        MetricId::Productions,
        Text::new("Productions", "Productions"),
        Text::new("productions", "productions"),
        Quantity::Count(done),
        Some(Quantity::Count(count)),
    )
    .short_of(Text::new("{left} production(s)", "{left} production(s)"));
    let at = cx.record.productions_at.unwrap_or(cx.status_at());
    ev.require(metric, at, || done_required(done, count));
}

/// `document`: the document is provided.
pub(super) fn document(cx: &Context, document: Document, ev: &mut Evaluation) {
    let (id, given, label, short, missing) = match document {
        Document::Analysis => (
            MetricId::Analysis,
            cx.record.analysis.is_some(),
            Text::new("Analyse réflexive", "Self-reflective analysis"),
            Text::new("analyse", "analysis"),
            Text::new("l’analyse réflexive", "the self-reflective analysis"),
        ),
        Document::Assessment => (
            MetricId::Assessment,
            cx.record.assessment.is_some(),
            Text::new("Grille d’évaluation", "Assessment grid"),
            Text::new("grille", "assessment"),
            Text::new("la grille d’évaluation", "the assessment grid"),
        ),
    };
    let metric = Metric::new(
        id,
        label,
        short,
        Quantity::Given(given),
        Some(Quantity::Given(true)),
    )
    .short_of(missing);
    ev.require(metric, cx.status_at(), Vec::new);
}
