//! Rules about dates: the intake month, nothing in the future, nothing
//! before enrolment, everything within the programme's years.

use jiff::civil::Date;

use super::{last_day, Context, Evaluation};
use crate::core::values::Located;
use crate::records::rule::Arg;
use crate::records::vocabulary::Status;

/// `intake-month`: the intake starts in one of `months`.
pub(super) fn intake_month(cx: &Context, months: &[u8], ev: &mut Evaluation) {
    let Some(intake) = &cx.record.intake else {
        return;
    };
    if !months.contains(&intake.value.month) {
        let list = months
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        ev.breach(
            intake.at,
            vec![Arg::same("intake", intake.value), Arg::same("months", list)],
        );
    }
}

/// `not-after-today`: every date of the record, in file order as a student
/// reads them.
pub(super) fn not_after_today(cx: &Context, ev: &mut Evaluation) {
    let mut dates: Vec<&Located<Date>> = cx
        .other_dates
        .iter()
        .chain(&cx.activities)
        .copied()
        .chain(cx.dated_workshops())
        .collect();
    dates.sort_by_key(|d| d.at);
    for d in dates.into_iter().filter(|d| d.value > cx.today) {
        ev.breach(
            d.at,
            vec![Arg::same("date", d.value), Arg::same("today", cx.today)],
        );
    }
}

/// `not-before-enrolment`: no activity before enrolment.
pub(super) fn not_before_enrolment(cx: &Context, ev: &mut Evaluation) {
    let Some(enrolment) = &cx.record.enrolment else {
        return;
    };
    let dates = cx.activities.iter().copied().chain(cx.dated_workshops());
    for d in dates.filter(|d| d.value < enrolment.value) {
        ev.breach(
            d.at,
            vec![
                Arg::same("date", d.value),
                Arg::same("enrolment", enrolment.value),
            ],
        );
    }
}

/// `within-years`: activities, workshops and signatures up to the last
/// day; sets the record's deadline.
pub(super) fn within_years(cx: &Context, years: u8, ev: &mut Evaluation) {
    let Some(enrolment) = &cx.record.enrolment else {
        return;
    };
    let Some(deadline) = last_day(enrolment.value, years) else {
        return;
    };
    ev.deadline = Some(deadline);
    let signatures = cx.internship.agreement.iter().map(|(_, d)| d);
    let dates = cx
        .activities
        .iter()
        .copied()
        .chain(&cx.workshop_dates)
        .chain(signatures);
    for d in dates.filter(|d| d.value > deadline) {
        ev.breach(
            d.at,
            vec![
                Arg::same("date", d.value),
                Arg::same("deadline", deadline),
                Arg::same("years", years),
            ],
        );
    }
}

/// `deadline-not-passed`: a record still in progress after its last day.
pub(super) fn deadline_not_passed(cx: &Context, years: u8, ev: &mut Evaluation) {
    let Some(enrolment) = &cx.record.enrolment else {
        return;
    };
    let Some(deadline) = last_day(enrolment.value, years) else {
        return;
    };
    if cx.record.status.value == Status::InProgress && cx.today > deadline {
        ev.breach(
            enrolment.at,
            vec![
                Arg::same("deadline", deadline),
                Arg::same("today", cx.today),
                Arg::same("years", years),
            ],
        );
    }
}
