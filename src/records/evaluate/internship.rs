//! Rules about the internship: the organisation, the supervisor, the
//! agreement and the hours.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{Context, Evaluation, Metric, MetricId, Quantity, Rejected, Uncounted};
use crate::core::diagnostic::{Diagnostic, Diagnostics, RuleId, Text};
use crate::core::values::Hours;
use crate::records::portfolio::Record;
use crate::records::rule::{Arg, Party};
use crate::records::vocabulary::{Status, SupervisorRole};

/// Built-in: the entries of one day add up to more than 24 hours.
pub const HOURS_PER_DAY: RuleId = RuleId::new("record.hours-per-day");

/// `organisation-accepted`: the organisation's kind is one the programme
/// accepts.
pub(super) fn organisation_accepted(cx: &Context, ev: &mut Evaluation) {
    let Some(kind) = &cx.internship.organisation.kind else {
        return;
    };
    if let Some(k) = cx.programme.organisation_kind(&kind.value) {
        if !k.accepted {
            ev.breach(kind.at, vec![Arg::text("kind", k.label.clone())]);
        }
    }
}

/// `supervisor-role`: in an organisation run by a committee, a student who
/// is (or is not) a committee member has a supervisor with `role`.
pub(super) fn supervisor_role(
    cx: &Context,
    committee_member: bool,
    role: SupervisorRole,
    ev: &mut Evaluation,
) {
    let ship = cx.internship;
    let committee = ship
        .organisation
        .kind
        .as_ref()
        .and_then(|k| cx.programme.organisation_kind(&k.value))
        .is_some_and(|k| k.committee);
    let Some(actual) = &ship.supervisor.role else {
        return;
    };
    if committee && ship.committee_member == committee_member && actual.value != role {
        ev.breach(
            actual.at,
            vec![
                Arg::text("role", actual.value.label()),
                Arg::text("expected", role.label()),
            ],
        );
    }
}

/// `agreement-signed`: signatures are progress; a missing one is reported
/// once hours are logged or the record is submitted (an agreement not
/// signed yet is fine until the first hour).
pub(super) fn agreement_signed(cx: &Context, parties: &[Party], ev: &mut Evaluation) {
    let ship = cx.internship;
    let signed = |p: &Party| ship.agreement.iter().any(|(q, _)| q == p);
    let done = parties.iter().filter(|p| signed(p)).count() as u32;
    ev.metric(
        Metric::new(
            MetricId::Agreement,
            Text::new("Signatures de la convention", "Agreement signatures"),
            Text::new("convention", "agreement"),
            Quantity::Count(done),
            Some(Quantity::Count(parties.len() as u32)),
        )
        .short_of(Text::new(
            "{left} signature(s) de la convention",
            "{left} signature(s) of the agreement",
        )),
    );
    if ship.entries.is_empty() && cx.record.status.value == Status::InProgress {
        return;
    }
    let at = ship
        .agreement_at
        .or(ship.entries_at)
        .unwrap_or(cx.status_at());
    // A signature written with a wrong date has that one error already;
    // the others missing are one error naming them all.
    let unreadable = |p: &Party| ship.agreement_unreadable.contains(p);
    let missing: Vec<Text> = parties
        .iter()
        .filter(|p| !signed(p) && !unreadable(p))
        .map(|p| p.label())
        .collect();
    if !missing.is_empty() {
        ev.breach(at, vec![Arg::text("party", list(&missing))]);
    }
}

/// `a`, `a and b`, `a, b and c`, in each language.
fn list(items: &[Text]) -> Text {
    let join = |words: Vec<&str>, and: &str| match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        _ => words.concat(),
    };
    Text::new(
        join(items.iter().map(|t| t.fr.as_str()).collect(), "et"),
        join(items.iter().map(|t| t.en.as_str()).collect(), "and"),
    )
}

/// `agreement-before-hours`: no hour before the agreement is signed. The
/// entries before its last signature are not covered: one error, at the
/// first of them (the activity to remove or redate), naming the signature
/// that came after it; they count nowhere (see [`Rejected`]). An entry
/// another date rule rejects is that rule's one error.
pub(super) fn agreement_before_hours(cx: &Context, ev: &mut Evaluation) {
    let ship = cx.internship;
    let Some((party, signed)) = ship
        .agreement
        .iter()
        .max_by_key(|(_, d)| d.value)
        .map(|(p, d)| (*p, d.value))
    else {
        return;
    };
    let first = ship
        .entries
        .iter()
        .zip(&cx.entry_rejected)
        .filter(|(_, r)| matches!(r, Some(Rejected::BeforeAgreement(_))))
        .map(|(e, _)| &e.date)
        .min_by_key(|d| (d.value, d.at));
    if let Some(first) = first {
        ev.breach(
            first.at,
            vec![
                Arg::text("party", party.label()),
                Arg::same("signed", signed),
                Arg::same("first_hour", first.value),
            ],
        );
    }
}

/// `minimum-hours`: the hours logged reach `hours`.
pub(super) fn minimum_hours(cx: &Context, hours: Hours, ev: &mut Evaluation) {
    let ship = cx.internship;
    let done: Hours = cx.counted_entries().map(|e| e.hours.value).sum();
    // What the date rules rejected, summed per reason, said in the summary.
    let mut left_out: BTreeMap<Rejected, Hours> = BTreeMap::new();
    for (e, r) in ship.entries.iter().zip(&cx.entry_rejected) {
        if let Some(r) = r {
            let sum = left_out.entry(*r).or_default();
            *sum = sum.saturating_add(e.hours.value);
        }
    }
    let mut metric = Metric::new(
        MetricId::Hours,
        Text::new("Heures", "Hours"),
        Text::new("heures", "hours"),
        Quantity::Hours(done),
        Some(Quantity::Hours(hours)),
    )
    .short_of(Text::new("{left} h", "{left} h"));
    metric.uncounted = left_out
        .into_iter()
        .map(|(r, h)| Uncounted {
            amount: Quantity::Hours(h),
            reason: r.reason(),
        })
        .collect();
    ev.require(metric, ship.entries_at.unwrap_or(cx.status_at()), || {
        vec![Arg::same("logged", done), Arg::same("required", hours)]
    });
}

/// More than 24 hours on one day cannot be true, whatever the programme.
pub(super) fn hours_per_day(record: &Record, ds: &mut Diagnostics) {
    let mut per_day: BTreeMap<Date, Hours> = BTreeMap::new();
    for e in record.internship.iter().flat_map(|i| &i.entries) {
        let total = per_day.entry(e.date.value).or_default();
        let before = *total;
        *total = total.saturating_add(e.hours.value);
        // Reported once per day, on the entry that goes over.
        if before <= Hours::DAY && *total > Hours::DAY {
            ds.push(
                Diagnostic::error(
                    HOURS_PER_DAY,
                    &record.file,
                    e.hours.at,
                    Text::new(
                        format!(
                            "le {} compte {} h au total, plus que les 24 h d’une journée",
                            e.date.value, total
                        ),
                        format!(
                            "{} adds up to {} h, more than the 24 h of a day",
                            e.date.value, total
                        ),
                    ),
                )
                .with_hint(Text::new(
                    "vérifiez les dates et les heures des lignes de cette journée",
                    "check the dates and hours of this day's entries",
                )),
            );
        }
    }
}
