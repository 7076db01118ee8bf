//! Rules about credits earned by actions (ESCOM): each action in a listed
//! academic year, credits per cycle, years without credit.

use std::collections::BTreeMap;

use super::{done_required, Context, Evaluation, Metric, MetricId, Quantity, Rejected, Uncounted};
use crate::core::diagnostic::Text;
use crate::core::values::{AcademicYear, Credits};
use crate::records::portfolio::Action;
use crate::records::rule::Arg;

/// The label of a cycle of the programme, or its id when unknown.
fn cycle_label(cx: &Context, id: &str) -> Text {
    cx.programme
        .cycle(id)
        .map_or_else(|| Text::new(id, id), |c| c.label.clone())
}

/// `action-in-years`: each action's year is listed, with the action's cycle.
pub(super) fn action_in_years(cx: &Context, ev: &mut Evaluation) {
    for (a, r) in cx.record.actions.iter().zip(&cx.action_rejected) {
        // A year not begun is that rule's one error, whatever `years:` says.
        if matches!(r, Some(Rejected::FutureYear(_))) {
            continue;
        }
        let year = cx
            .record
            .years
            .iter()
            .find(|y| y.year.value == a.year.value);
        let (at, expected) = match year {
            None => (
                a.year.at,
                Text::new(
                    "aucun (année absente de `years:`)",
                    "none (the year is not in `years:`)",
                ),
            ),
            Some(y) if y.cycle != a.cycle.value => (a.cycle.at, cycle_label(cx, &y.cycle)),
            Some(_) => continue,
        };
        ev.breach(
            at,
            vec![
                Arg::same("year", a.year.value),
                Arg::text("cycle", cycle_label(cx, &a.cycle.value)),
                Arg::text("expected", expected),
            ],
        );
    }
}

/// `action-not-future`: no action in an academic year (starting on the
/// first of `starts_month`) that has not begun on today.
pub(super) fn action_not_future(cx: &Context, starts_month: u8, ev: &mut Evaluation) {
    let current = current_year(cx.today, starts_month);
    for a in &cx.record.actions {
        let begun = a
            .year
            .value
            .first_day(starts_month)
            .is_some_and(|d| d <= cx.today);
        if !begun {
            ev.breach(
                a.year.at,
                vec![
                    Arg::same("year", a.year.value),
                    Arg::same("today", cx.today),
                    Arg::same("current_year", current),
                ],
            );
        }
    }
}

/// The academic year `today` lies in, when years start on the first of
/// `starts_month`.
fn current_year(today: jiff::civil::Date, starts_month: u8) -> AcademicYear {
    let start = if today.month() >= starts_month as i8 {
        today.year()
    } else {
        today.year() - 1
    };
    AcademicYear { start }
}

/// `action-credits`: an action under the lowest band earns nothing.
pub(super) fn action_credits(cx: &Context, ev: &mut Evaluation) {
    let minimum = cx
        .programme
        .facts
        .actions
        .iter()
        .flat_map(|f| f.credit_scale.first())
        .map(|b| b.from_hours)
        .next()
        .unwrap_or_default();
    // A rejected action is its rule's one error, not also one without credit.
    for (a, c) in cx.counted_actions() {
        if c == Credits::ZERO {
            ev.breach(
                a.hours_at,
                vec![Arg::same("hours", a.hours()), Arg::same("minimum", minimum)],
            );
        }
    }
}

/// Credits of the record's counted actions in `cycle` that `keep` selects.
fn credits_in(cx: &Context, cycle: &str, keep: impl Fn(&Action) -> bool) -> Credits {
    cx.counted_actions()
        .filter(|(a, _)| a.cycle.value == cycle && keep(a))
        .map(|(_, c)| c)
        .sum()
}

/// The credits of `cycle` that rules rejected, summed per reason.
fn uncounted_in(cx: &Context, cycle: &str) -> Vec<Uncounted> {
    let mut left_out: BTreeMap<Rejected, Credits> = BTreeMap::new();
    let actions = cx.record.actions.iter().zip(&cx.action_credits);
    for ((a, c), r) in actions.zip(&cx.action_rejected) {
        if let (Some(r), true) = (r, a.cycle.value == cycle) {
            let sum = left_out.entry(*r).or_default();
            *sum = sum.saturating_add(*c);
        }
    }
    left_out
        .into_iter()
        .filter(|(_, c)| *c > Credits::ZERO)
        .map(|(r, c)| Uncounted {
            amount: Quantity::Credits(c),
            reason: r.reason(),
        })
        .collect()
}

/// `credits-per-cycle`: each cycle the record follows reaches `credits`.
pub(super) fn credits_per_cycle(cx: &Context, credits: Credits, ev: &mut Evaluation) {
    for cycle in cx.programme.cycles() {
        let Some(first) = cx.record.years.iter().find(|y| y.cycle == cycle.id) else {
            continue;
        };
        let done = credits_in(cx, &cycle.id, |_| true);
        let id = &cycle.id;
        let mut metric = Metric::new(
            MetricId::Credits,
            Text::new(format!("ECTS, cycle {id}"), format!("ECTS, {id} cycle")),
            Text::new(id, id),
            Quantity::Credits(done),
            Some(Quantity::Credits(credits)),
        )
        .of_item(id)
        .short_of(Text::new(
            format!("{{left}} ECTS en cycle {id}"),
            format!("{{left}} ECTS in the {id} cycle"),
        ));
        metric.uncounted = uncounted_in(cx, id);
        ev.require(metric, first.year.at, || {
            let mut args = done_required(done, credits);
            args.insert(0, Arg::text("cycle", cycle.label.clone()));
            args
        });
    }
}

/// `year-without-credit`: a finished year without credit, in a cycle that
/// has not reached `credits`, is a warning about the next year.
pub(super) fn year_without_credit(
    cx: &Context,
    credits: Credits,
    starts_month: u8,
    ev: &mut Evaluation,
) {
    for y in &cx.record.years {
        let over = y
            .year
            .value
            .last_day(starts_month)
            .is_some_and(|last| cx.today > last);
        if !over {
            continue;
        }
        let this_year = credits_in(cx, &y.cycle, |a| a.year.value == y.year.value);
        let so_far = credits_in(cx, &y.cycle, |a| a.year.value <= y.year.value);
        let needed = so_far.until(credits);
        if this_year > Credits::ZERO || needed == Credits::ZERO {
            continue;
        }
        ev.breach(
            y.year.at,
            vec![
                Arg::same("year", y.year.value),
                Arg::same("next_year", y.year.value.next()),
                Arg::text("cycle", cycle_label(cx, &y.cycle)),
                Arg::same("done", so_far),
                Arg::same("needed", needed),
                Arg::same("required", credits),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check, programme, rules};
    use super::super::{MetricId, Quantity};
    use crate::core::values::Credits;

    /// An ESCOM record with two preparatory years (lines 5 and 6) and one
    /// action of `hours` in the second (its cycle on line 11).
    fn escom(hours: u32) -> String {
        format!(
            "programme: escom\nhandle: zoe\nstatus: submitted\nyears:\n\
             \x20 - {{ year: 2024-2025, cycle: preparatory }}\n\
             \x20 - {{ year: 2025-2026, cycle: preparatory }}\n\
             actions:\n\
             \x20 - kind: mentoring\n\
             \x20   title: Marrainage\n\
             \x20   year: 2025-2026\n\
             \x20   cycle: preparatory\n\
             \x20   presence_hours: {hours}\n"
        )
    }

    #[test]
    fn credits_are_measured_per_cycle_and_reported_on_its_first_year() {
        let p = programme(
            include_str!("../../../examples/escom/data/programmes/escom.yml"),
            "data/programmes/escom.yml",
        );
        let o = check(&p, &escom(12), "2026-10-01");
        let credits: Vec<_> = o
            .progress
            .metrics
            .iter()
            .filter(|m| m.id == MetricId::Credits)
            .map(|m| (m.item.as_deref(), m.done, m.required))
            .collect();
        assert_eq!(
            credits,
            vec![(
                Some("preparatory"),
                Quantity::Credits(Credits::from_hundredths(50)),
                Some(Quantity::Credits(Credits::from_hundredths(200)))
            )]
        );
        assert!(!o.complete);
        // Submitted short of credits: the cycle's first year; the first
        // year, over and without credit, is at risk.
        assert_eq!(
            rules(&o),
            vec![("escom.cycle-credits", 5), ("escom.year-at-risk", 5)]
        );
    }

    #[test]
    fn an_action_of_another_cycle_than_its_year_is_reported_on_its_cycle() {
        let p = programme(
            include_str!("../../../examples/escom/data/programmes/escom.yml"),
            "data/programmes/escom.yml",
        );
        let text = escom(40).replace("    cycle: preparatory\n", "    cycle: engineering\n");
        let o = check(&p, &text, "2025-10-01");
        // Its credits go to the engineering cycle, which the record does
        // not follow: the preparatory cycle has none.
        assert_eq!(
            rules(&o),
            vec![
                ("escom.action-year", 11),
                ("escom.cycle-credits", 5),
                ("escom.year-at-risk", 5)
            ]
        );
    }
}
