//! The evaluation of portfolio records against their programme's rules.
//!
//! [`check_record`] and [`check_cohorts`] are pure: a record (or all
//! records), the programme, the calendar and today's date in, diagnostics
//! and progress out. [`run`] is the edge that loads programmes, calendar and
//! records from disk (and, for the whole repository, the site) and calls
//! them; `engage check` prints its [`Report`].

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;

use crate::calendar::{self, Calendar};
use crate::core::diagnostic::{
    did_you_mean, Diagnostic, Diagnostics, Position, RuleId, Severity, Text,
};
use crate::core::lang::Lang;
use crate::core::values::{Credits, Hours, Located};
use crate::records::portfolio::{self, Record};
use crate::records::programme::{Programme, Programmes};
use crate::records::rule::{Arg, Check, Document, Phase, Rule};
use crate::records::vocabulary::{Part, Status};

/// Built-in: the entries of one day add up to more than 24 hours.
pub const HOURS_PER_DAY: RuleId = RuleId::new("record.hours-per-day");

/// A number done out of a number required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count<T> {
    pub done: T,
    pub required: T,
}

impl<T: PartialOrd> Count<T> {
    /// Done reaches required.
    pub fn is_met(&self) -> bool {
        self.done >= self.required
    }
}

/// How far a record is, per completeness rule of its programme (a rule the
/// programme does not have leaves its field empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<Count<Hours>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub productions: Option<Count<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modules: Option<Count<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<bool>,
    /// Signatures of the internship agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Count<u32>>,
    /// Workshops attended that count (all those listed, when the
    /// programme does not check them against the calendar).
    pub workshops: u32,
    /// Workshops attended are part of the programme (the summary shows
    /// their count only then).
    #[serde(skip)]
    pub shows_workshops: bool,
    /// Credits per cycle followed (ESCOM), by cycle id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub credits: BTreeMap<String, Count<Credits>>,
    /// Sessions attended per module (CIRÉ), by module id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attendance: BTreeMap<String, Attendance>,
    /// Modules attended in full, out of those required (CIRÉ).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_modules: Option<Count<u32>>,
    /// Mandatory elements given (micro-credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elements: Option<Count<u32>>,
    /// Keys of the mandatory elements still missing (`awarding_body`…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_elements: Vec<&'static str>,
    /// The last day on which activities count.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_date"
    )]
    pub deadline: Option<Date>,
}

fn serialize_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// Attendance of one module of sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Attendance {
    /// Sessions attended.
    pub done: u32,
    /// Sessions in the module.
    pub required: u32,
    /// Every session was attended: the attendance certificate is due.
    pub certificate: bool,
}

/// The result of checking one record.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub diagnostics: Diagnostics,
    pub progress: Progress,
    /// Every completeness rule is met.
    pub complete: bool,
}

/// The last day on which an activity counts: the day before the `years`-th
/// anniversary of enrolment (enrolled 2024-10-01, last day 2026-09-30; a
/// 29 February enrolment ends on 28 February). `None` past year 9999.
pub fn last_day(enrolment: Date, years: u8) -> Option<Date> {
    enrolment
        .yesterday()
        .ok()?
        .checked_add(Span::new().years(i64::from(years)))
        .ok()
}

/// The severity a rule has for a record in `status`, or `None` when it is
/// only progress for now.
fn severity(rule: &Rule, status: Status) -> Option<Severity> {
    match (rule.phase, status) {
        (Phase::Consistency, _) | (Phase::Completeness, Status::Submitted) => Some(rule.severity),
        (Phase::Completeness, Status::InProgress) => None,
    }
}

/// The record has this part (the loader reported it when a rule needs it
/// and it is not there).
fn has_part(record: &Record, part: Part) -> bool {
    match part {
        Part::Enrolment => record.enrolment.is_some(),
        Part::Intake => record.intake.is_some(),
        Part::Internship => record.internship.is_some(),
        Part::Eligibility => record.eligibility.is_some(),
        Part::Years => !record.years.is_empty(),
        Part::Credential => record.credential.is_some(),
        Part::Modules
        | Part::Workshops
        | Part::Productions
        | Part::Analysis
        | Part::Assessment
        | Part::Actions
        | Part::Attendance => true,
    }
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

/// Checks one record against its programme and the calendar on `today`.
pub fn check_record(
    record: &Record,
    programme: &Programme,
    calendar: &Calendar,
    today: Date,
) -> Outcome {
    let mut out = Outcome {
        complete: true,
        ..Outcome::default()
    };
    let file = &record.file;
    let status = record.status.value;
    let no_internship = portfolio::Internship::default();
    let ship = record.internship.as_ref().unwrap_or(&no_internship);
    let status_at = record.status.at;
    out.progress.workshops = record.workshops.len() as u32;
    out.progress.shows_workshops = programme.facts.workshops.is_some();
    hours_per_day(record, &mut out.diagnostics);
    // Workshop dates come from the calendar, at the line naming the event.
    let workshop_dates: Vec<Located<Date>> = record
        .workshops
        .iter()
        .filter_map(|w| {
            calendar.event(&w.event.value).map(|e| Located {
                value: e.when.first_day(),
                at: w.event.at,
            })
        })
        .collect();
    // A programme that checks workshops against the calendar reports one
    // after today or before enrolment there, with the event's name: the
    // generic date rules then leave workshops out (one mistake, one
    // diagnostic). The two-year limit counts them either way.
    let checks_workshops = programme
        .rules
        .iter()
        .any(|r| r.check == Check::WorkshopInCalendar);
    let dated_workshops: Vec<&Located<Date>> = if checks_workshops {
        Vec::new()
    } else {
        workshop_dates.iter().collect()
    };
    // Activity dates: what "no activity before enrolment" and "within two
    // years" are about. Signatures are not activity: an agreement is often
    // signed before enrolment, as the application requires an internship.
    let activities: Vec<&Located<Date>> = ship
        .entries
        .iter()
        .map(|e| &e.date)
        .chain(record.modules.iter().map(|m| &m.completed))
        .chain(
            record
                .attendance
                .iter()
                .flat_map(|m| m.sessions.iter().map(|s| &s.date)),
        )
        .collect();
    // Dates that are not activities but cannot lie in the future either.
    let other_dates: Vec<&Located<Date>> = ship
        .agreement
        .iter()
        .map(|(_, d)| d)
        .chain(record.enrolment.as_ref())
        .chain(record.eligibility.iter().map(|e| &e.residence_permit))
        .chain(
            record
                .attendance
                .iter()
                .filter_map(|m| m.certificate.as_ref()),
        )
        .chain(record.credential.iter().filter_map(|c| c.issued.as_ref()))
        .collect();
    let first_hour = ship.entries.iter().map(|e| e.date.value).min();
    // Credits of each action on the programme's scale, computed once.
    let action_credits: Vec<Credits> = record
        .actions
        .iter()
        .map(|a| programme.credits_for(a.hours()))
        .collect();
    for rule in &programme.rules {
        let sev = severity(rule, status);
        if !rule.check.requires().iter().all(|p| has_part(record, *p)) {
            // Already reported by the loader (`record.part-missing`).
            if rule.phase == Phase::Completeness {
                out.complete = false;
            }
            continue;
        }
        let mut report = |at: Position, args: &[Arg]| {
            if let Some(sev) = sev {
                out.diagnostics.push(rule.diagnostic(sev, file, at, args));
            }
        };
        match &rule.check {
            Check::IntakeMonth { months } => {
                let Some(intake) = &record.intake else {
                    continue;
                };
                let intake_at = intake.at;
                let intake = intake.value;
                if !months.contains(&intake.month) {
                    let list = months
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(", ");
                    report(
                        intake_at,
                        &[Arg::same("intake", intake), Arg::same("months", list)],
                    );
                }
            }
            Check::NotAfterToday => {
                let mut dates: Vec<&Located<Date>> = other_dates
                    .iter()
                    .chain(&activities)
                    .chain(&dated_workshops)
                    .copied()
                    .collect();
                // In file order, as a student reads them.
                dates.sort_by_key(|d| d.at);
                for d in dates {
                    if d.value > today {
                        report(
                            d.at,
                            &[Arg::same("date", d.value), Arg::same("today", today)],
                        );
                    }
                }
            }
            Check::NotBeforeEnrolment => {
                let Some(enrolment) = &record.enrolment else {
                    continue;
                };
                for d in activities.iter().chain(&dated_workshops) {
                    if d.value < enrolment.value {
                        report(
                            d.at,
                            &[
                                Arg::same("date", d.value),
                                Arg::same("enrolment", enrolment.value),
                            ],
                        );
                    }
                }
            }
            Check::WithinYears { years } => {
                let Some(enrolment) = &record.enrolment else {
                    continue;
                };
                let Some(deadline) = last_day(enrolment.value, *years) else {
                    continue;
                };
                out.progress.deadline = Some(deadline);
                let signatures = ship.agreement.iter().map(|(_, d)| d);
                for d in activities
                    .iter()
                    .copied()
                    .chain(&workshop_dates)
                    .chain(signatures)
                {
                    if d.value > deadline {
                        report(
                            d.at,
                            &[
                                Arg::same("date", d.value),
                                Arg::same("deadline", deadline),
                                Arg::same("years", years),
                            ],
                        );
                    }
                }
            }
            Check::DeadlineNotPassed { years } => {
                let Some(enrolment) = &record.enrolment else {
                    continue;
                };
                let Some(deadline) = last_day(enrolment.value, *years) else {
                    continue;
                };
                if status == Status::InProgress && today > deadline {
                    report(
                        enrolment.at,
                        &[
                            Arg::same("deadline", deadline),
                            Arg::same("today", today),
                            Arg::same("years", years),
                        ],
                    );
                }
            }
            Check::OrganisationAccepted => {
                let Some(kind) = &ship.organisation.kind else {
                    continue;
                };
                if let Some(k) = programme.organisation_kind(&kind.value) {
                    if !k.accepted {
                        report(kind.at, &[Arg::text("kind", k.label.clone())]);
                    }
                }
            }
            Check::SupervisorRole {
                committee_member,
                role,
            } => {
                let committee = ship
                    .organisation
                    .kind
                    .as_ref()
                    .and_then(|k| programme.organisation_kind(&k.value))
                    .is_some_and(|k| k.committee);
                let Some(actual) = &ship.supervisor.role else {
                    continue;
                };
                if committee && ship.committee_member == *committee_member && actual.value != *role
                {
                    report(
                        actual.at,
                        &[
                            Arg::text("role", actual.value.label()),
                            Arg::text("expected", role.label()),
                        ],
                    );
                }
            }
            Check::AgreementSigned { parties } => {
                let signed = parties
                    .iter()
                    .filter(|p| ship.agreement.iter().any(|(q, _)| q == *p))
                    .count() as u32;
                out.progress.agreement = Some(Count {
                    done: signed,
                    required: parties.len() as u32,
                });
                // An agreement not signed yet is fine until the first hour.
                if ship.entries.is_empty() && status == Status::InProgress {
                    continue;
                }
                let at = ship.agreement_at.or(ship.entries_at).unwrap_or(status_at);
                for p in parties {
                    if !ship.agreement.iter().any(|(q, _)| q == p) {
                        report(at, &[Arg::text("party", p.label())]);
                    }
                }
            }
            Check::AgreementBeforeHours => {
                let Some(first) = first_hour else { continue };
                for (party, d) in &ship.agreement {
                    if d.value > first {
                        report(
                            d.at,
                            &[
                                Arg::text("party", party.label()),
                                Arg::same("signed", d.value),
                                Arg::same("first_hour", first),
                            ],
                        );
                    }
                }
            }
            Check::MinimumHours { hours } => {
                let count = Count {
                    done: ship.entries.iter().map(|e| e.hours.value).sum(),
                    required: *hours,
                };
                out.progress.hours = Some(count);
                if !count.is_met() {
                    out.complete = false;
                    report(
                        ship.entries_at.unwrap_or(status_at),
                        &[
                            Arg::same("logged", count.done),
                            Arg::same("required", count.required),
                        ],
                    );
                }
            }
            Check::ModulesCompleted => {
                let missing: Vec<_> = programme
                    .facts
                    .modules
                    .iter()
                    .filter(|m| !record.modules.iter().any(|d| d.id == m.id))
                    .collect();
                let required = programme.facts.modules.len() as u32;
                let count = Count {
                    done: required - missing.len() as u32,
                    required,
                };
                out.progress.modules = Some(count);
                if !count.is_met() {
                    out.complete = false;
                    let list = |lang: Lang| {
                        missing
                            .iter()
                            .map(|m| m.label.get(lang))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    report(
                        record.modules_at.unwrap_or(status_at),
                        &[
                            Arg::same("done", count.done),
                            Arg::same("required", count.required),
                            Arg::text("missing", Text::new(list(Lang::Fr), list(Lang::En))),
                        ],
                    );
                }
            }
            Check::WorkshopInCalendar => {
                let mut counted = 0;
                for w in &record.workshops {
                    let Some((reason, close)) =
                        workshop_problem(&w.event.value, record, calendar, today)
                    else {
                        counted += 1;
                        continue;
                    };
                    let Some(sev) = sev else { continue };
                    let d = rule.diagnostic(
                        sev,
                        file,
                        w.event.at,
                        &[
                            Arg::same("event", &w.event.value),
                            Arg::text("reason", reason),
                        ],
                    );
                    out.diagnostics.push(match close {
                        Some(k) => d.with_hint(Text::new(
                            format!("vouliez-vous dire `{k}` ?"),
                            format!("did you mean `{k}`?"),
                        )),
                        None => d,
                    });
                }
                out.progress.workshops = counted;
            }
            Check::Productions { count } => {
                let c = Count {
                    done: record
                        .productions
                        .iter()
                        .filter(|p| p.is_complete())
                        .count() as u32,
                    required: *count,
                };
                out.progress.productions = Some(c);
                if !c.is_met() {
                    out.complete = false;
                    report(
                        record.productions_at.unwrap_or(status_at),
                        &[Arg::same("done", c.done), Arg::same("required", c.required)],
                    );
                }
            }
            Check::Document { document } => {
                let present = match document {
                    Document::Analysis => record.analysis.is_some(),
                    Document::Assessment => record.assessment.is_some(),
                };
                match document {
                    Document::Analysis => out.progress.analysis = Some(present),
                    Document::Assessment => out.progress.assessment = Some(present),
                }
                if !present {
                    out.complete = false;
                    report(status_at, &[]);
                }
            }
            // Checked across records by `check_cohorts`.
            Check::PlacesPerIntake { .. } => {}
            Check::ActionInYears => {
                for a in &record.actions {
                    let cycle_label = |id: &str| {
                        programme
                            .cycle(id)
                            .map_or_else(|| Text::new(id, id), |c| c.label.clone())
                    };
                    match record.years.iter().find(|y| y.year.value == a.year.value) {
                        None => report(
                            a.year.at,
                            &[
                                Arg::same("year", a.year.value),
                                Arg::text("cycle", cycle_label(&a.cycle.value)),
                                Arg::text(
                                    "expected",
                                    Text::new(
                                        "aucun (année absente de `years:`)",
                                        "none (the year is not in `years:`)",
                                    ),
                                ),
                            ],
                        ),
                        Some(y) if y.cycle != a.cycle.value => report(
                            a.cycle.at,
                            &[
                                Arg::same("year", a.year.value),
                                Arg::text("cycle", cycle_label(&a.cycle.value)),
                                Arg::text("expected", cycle_label(&y.cycle)),
                            ],
                        ),
                        Some(_) => {}
                    }
                }
            }
            Check::ActionCredits => {
                let minimum = programme
                    .facts
                    .actions
                    .iter()
                    .flat_map(|f| f.credit_scale.first())
                    .map(|b| b.from_hours)
                    .next()
                    .unwrap_or_default();
                for (a, c) in record.actions.iter().zip(&action_credits) {
                    if *c == Credits::ZERO {
                        report(
                            a.hours_at,
                            &[Arg::same("hours", a.hours()), Arg::same("minimum", minimum)],
                        );
                    }
                }
            }
            Check::CreditsPerCycle { credits } => {
                // Cycles in the programme's order, as followed by the record.
                for cycle in programme.cycles() {
                    let Some(first) = record.years.iter().find(|y| y.cycle == cycle.id) else {
                        continue;
                    };
                    let done: Credits = record
                        .actions
                        .iter()
                        .zip(&action_credits)
                        .filter(|(a, _)| a.cycle.value == cycle.id)
                        .map(|(_, c)| *c)
                        .sum();
                    let count = Count {
                        done,
                        required: *credits,
                    };
                    out.progress.credits.insert(cycle.id.clone(), count);
                    if !count.is_met() {
                        out.complete = false;
                        report(
                            first.year.at,
                            &[
                                Arg::text("cycle", cycle.label.clone()),
                                Arg::same("done", done),
                                Arg::same("required", credits),
                            ],
                        );
                    }
                }
            }
            Check::YearWithoutCredit {
                credits,
                starts_month,
            } => {
                for y in &record.years {
                    let over = y
                        .year
                        .value
                        .last_day(*starts_month)
                        .is_some_and(|last| today > last);
                    if !over {
                        continue;
                    }
                    let in_cycle = |keep: &dyn Fn(&portfolio::Action) -> bool| -> Credits {
                        record
                            .actions
                            .iter()
                            .zip(&action_credits)
                            .filter(|(a, _)| a.cycle.value == y.cycle && keep(a))
                            .map(|(_, c)| *c)
                            .sum()
                    };
                    let this_year = in_cycle(&|a| a.year.value == y.year.value);
                    let so_far = in_cycle(&|a| a.year.value <= y.year.value);
                    let needed = so_far.until(*credits);
                    if this_year > Credits::ZERO || needed == Credits::ZERO {
                        continue;
                    }
                    let cycle = programme
                        .cycle(&y.cycle)
                        .map_or_else(|| Text::new(&y.cycle, &y.cycle), |c| c.label.clone());
                    report(
                        y.year.at,
                        &[
                            Arg::same("year", y.year.value),
                            Arg::same("next_year", y.year.value.next()),
                            Arg::text("cycle", cycle),
                            Arg::same("done", so_far),
                            Arg::same("needed", needed),
                            Arg::same("required", credits),
                        ],
                    );
                }
            }
            Check::PermitWithinYears { years } => {
                let (Some(e), Some(registration)) = (&record.eligibility, &record.enrolment) else {
                    continue;
                };
                let permit = &e.residence_permit;
                // "Less than five years": registering on the fifth
                // anniversary is too late; the limit is the day before.
                let Some(limit) = last_day(permit.value, *years) else {
                    continue;
                };
                if permit.value > registration.value || registration.value > limit {
                    report(
                        permit.at,
                        &[
                            Arg::same("permit", permit.value),
                            Arg::same("registration", registration.value),
                            Arg::same("years", years),
                            Arg::same("limit", limit),
                        ],
                    );
                }
            }
            Check::NationalityOutside { countries } => {
                let Some(e) = &record.eligibility else {
                    continue;
                };
                for n in &e.nationalities {
                    if countries.contains(&n.value) {
                        report(n.at, &[Arg::same("nationality", &n.value)]);
                    }
                }
            }
            Check::SpeaksLanguage { language } => {
                let Some(e) = &record.eligibility else {
                    continue;
                };
                if !e.languages.iter().any(|l| l == language) {
                    report(e.languages_at, &[Arg::same("language", language)]);
                }
            }
            Check::CertificateDue => {
                for m in &record.attendance {
                    let Some(module) = programme.module(&m.module.value) else {
                        continue;
                    };
                    let total = module.sessions.unwrap_or(0);
                    let done = m.sessions.len() as u32;
                    out.progress.attendance.insert(
                        m.module.value.clone(),
                        Attendance {
                            done,
                            required: total,
                            certificate: done >= total,
                        },
                    );
                    if let Some(c) = &m.certificate {
                        if done < total {
                            report(
                                c.at,
                                &[
                                    Arg::text("module", module.label.clone()),
                                    Arg::same("attended", done),
                                    Arg::same("sessions", total),
                                ],
                            );
                        }
                    }
                }
            }
            Check::FullModules { count } => {
                let full = record
                    .attendance
                    .iter()
                    .filter(|m| {
                        programme
                            .module(&m.module.value)
                            .and_then(|p| p.sessions)
                            .is_some_and(|total| m.sessions.len() as u32 >= total)
                    })
                    .count() as u32;
                let c = Count {
                    done: full,
                    required: *count,
                };
                out.progress.full_modules = Some(c);
                if !c.is_met() {
                    out.complete = false;
                    report(
                        record.attendance_at.unwrap_or(status_at),
                        &[Arg::same("done", c.done), Arg::same("required", c.required)],
                    );
                }
            }
            Check::CredentialElements { elements } => {
                let empty = portfolio::Credential::default();
                let credential = record.credential.as_ref().unwrap_or(&empty);
                let at = record.credential.as_ref().map_or(status_at, |c| c.at);
                let missing: Vec<_> = elements.iter().filter(|e| !credential.has(**e)).collect();
                out.progress.elements = Some(Count {
                    done: (elements.len() - missing.len()) as u32,
                    required: elements.len() as u32,
                });
                out.progress.missing_elements = missing.iter().map(|e| e.key()).collect();
                if !missing.is_empty() {
                    out.complete = false;
                }
                for e in missing {
                    report(at, &[Arg::text("element", e.label())]);
                }
            }
            Check::CreditsBelow { credits } => {
                let Some(w) = record.credential.as_ref().and_then(|c| c.workload.as_ref()) else {
                    continue;
                };
                if w.value >= *credits {
                    report(
                        w.at,
                        &[Arg::same("credits", w.value), Arg::same("limit", credits)],
                    );
                }
            }
        }
    }
    out
}

/// More than 24 hours on one day cannot be true, whatever the programme.
fn hours_per_day(record: &Record, ds: &mut Diagnostics) {
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

/// Rules across records: places per intake. Places go to the earliest
/// enrolments (then by handle, for a stable order); each record beyond the
/// limit gets the diagnostic, on its intake.
pub fn check_cohorts(records: &[Record], programmes: &Programmes) -> Diagnostics {
    let mut ds = Diagnostics::new();
    for programme in programmes.iter() {
        for rule in &programme.rules {
            let Check::PlacesPerIntake { places } = rule.check else {
                continue;
            };
            let mut cohorts: BTreeMap<_, Vec<&Record>> = BTreeMap::new();
            for r in records.iter().filter(|r| r.programme == programme.id) {
                // A record without intake or enrolment was reported when loaded.
                if let (Some(intake), Some(_)) = (&r.intake, &r.enrolment) {
                    cohorts.entry(intake.value).or_default().push(r);
                }
            }
            for (intake, mut members) in cohorts {
                if members.len() <= places as usize {
                    continue;
                }
                let key = |r: &&Record| (r.enrolment.as_ref().map(|e| e.value), r.handle.clone());
                members.sort_by_key(key);
                let enrolled = members.len();
                for r in &members[places as usize..] {
                    if let Some(sev) = severity(rule, r.status.value) {
                        let at = r.intake.as_ref().map_or(Position::file(), |i| i.at);
                        ds.push(rule.diagnostic(
                            sev,
                            &r.file,
                            at,
                            &[
                                Arg::same("intake", intake),
                                Arg::same("enrolled", enrolled),
                                Arg::same("places", places),
                            ],
                        ));
                    }
                }
            }
        }
    }
    ds
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ceci() -> Programmes {
        let text = include_str!("../../data/programmes/ceci.yml");
        let (p, ds) = Programme::parse(text, Path::new("data/programmes/ceci.yml"));
        assert!(ds.is_empty(), "{ds:?}");
        let mut all = Programmes::default();
        all.insert(p.unwrap());
        all
    }

    /// A record with no file, so that nothing is read from disk. Its lines:
    /// 3 status, 4 enrolment, 9 `hours:`, 10 and on the entries.
    fn record(status: &str, hours: &str) -> (Record, Programmes) {
        let text = format!(
            "programme: ceci\nhandle: zoe\nstatus: {status}\n\
             enrolment: {{ date: 2025-02-03, intake: 2025-02 }}\n\
             internship:\n  organisation: {{ name: Asbl, kind: association }}\n\
             \x20 supervisor: {{ name: Eva, role: staff }}\n\
             \x20 agreement: {{ student: 2025-02-03, organisation: 2025-02-03, university: 2025-02-03 }}\n\
             \x20 hours:\n{hours}"
        );
        let programmes = ceci();
        let (r, ds) = portfolio::parse(
            &text,
            &crate::core::source::Files::new(crate::core::source::Disk::new("/nonexistent")),
            Path::new("data/portfolios/zoe"),
            &programmes,
        );
        assert!(ds.is_empty(), "{ds:?}\n{text}");
        (r.unwrap(), programmes)
    }

    fn rules(o: &Outcome) -> Vec<(&str, u32)> {
        o.diagnostics
            .iter()
            .map(|d| (d.rule.as_str(), d.line()))
            .collect()
    }

    #[test]
    fn completeness_is_progress_in_progress_and_errors_once_submitted() {
        let hours = "    - { date: 2025-03-01, hours: 4, activity: x }\n";
        let (r, p) = record("in-progress", hours);
        let o = check_record(
            &r,
            p.get("ceci").unwrap(),
            &Calendar::default(),
            date("2025-06-01"),
        );
        assert_eq!(rules(&o), vec![]);
        assert!(!o.complete);
        assert_eq!(o.progress.hours.unwrap().done, Hours::from_minutes(240));
        assert_eq!(o.progress.deadline, Some(date("2027-02-02")));

        let (r, p) = record("submitted", hours);
        let o = check_record(
            &r,
            p.get("ceci").unwrap(),
            &Calendar::default(),
            date("2025-06-01"),
        );
        assert_eq!(
            rules(&o),
            vec![
                ("ceci.internship-hours", 10),
                ("ceci.modules", 3),
                ("ceci.productions", 3),
                ("ceci.analysis", 3),
                ("ceci.assessment", 3),
            ]
        );
    }

    #[test]
    fn a_day_over_24_hours_is_reported_once_on_the_entry_that_goes_over() {
        let hours = "    - { date: 2025-03-01, hours: 20, activity: x }\n\
                     \x20   - { date: 2025-03-01, hours: 5, activity: y }\n\
                     \x20   - { date: 2025-03-01, hours: 1, activity: z }\n";
        let (r, p) = record("in-progress", hours);
        let o = check_record(
            &r,
            p.get("ceci").unwrap(),
            &Calendar::default(),
            date("2025-06-01"),
        );
        assert_eq!(rules(&o), vec![("record.hours-per-day", 11)]);
    }

    #[test]
    fn the_deadline_is_inclusive() {
        let hours = "    - { date: 2027-02-02, hours: 1, activity: x }\n\
                     \x20   - { date: 2027-02-03, hours: 1, activity: y }\n";
        let (r, p) = record("in-progress", hours);
        let o = check_record(
            &r,
            p.get("ceci").unwrap(),
            &Calendar::default(),
            date("2027-03-01"),
        );
        assert_eq!(
            rules(&o),
            vec![("ceci.two-year-limit", 11), ("ceci.deadline-passed", 4)]
        );
    }

    /// A calendar of CECi events (and one of another programme) loaded
    /// from a temporary folder.
    fn calendar() -> Calendar {
        let dir = tempfile::tempdir().unwrap();
        let event = |id: &str, kind: &str, programme: &str, day: &str, status: &str| {
            format!(
                "  - {{ id: {id}, kind: {kind}, programme: {programme}, title: {{ fr: X }}, \
                 start: {day}, online: https://x.org, status: {status} }}\n"
            )
        };
        let text = [
            "events:\n".to_string(),
            event("atelier-2025-03", "workshop", "ceci", "2025-03-12", "open"),
            event("atelier-2025-01", "workshop", "ceci", "2025-01-15", "open"),
            event(
                "atelier-2025-04",
                "workshop",
                "ceci",
                "2025-04-16",
                "cancelled",
            ),
            event("atelier-2025-09", "workshop", "ceci", "2025-09-10", "full"),
            event("info-2025-03", "info-session", "ceci", "2025-03-20", "open"),
            event("cire-2025-03", "workshop", "cire", "2025-03-21", "open"),
        ]
        .concat();
        std::fs::create_dir_all(dir.path().join("data/calendar")).unwrap();
        std::fs::write(dir.path().join("data/calendar/x.yml"), text).unwrap();
        let (c, ds) = Calendar::load(
            &crate::core::source::Files::new(crate::core::source::Disk::new(dir.path())),
            &["ceci".into(), "cire".into()],
        );
        assert!(ds.is_empty(), "{ds:?}");
        c
    }

    #[test]
    fn workshops_must_be_past_workshops_of_the_programme_after_enrolment() {
        // Line 12 on: one workshop a line.
        let hours = "    - { date: 2025-03-01, hours: 4, activity: x }\n\
                     workshops:\n\
                     \x20 - { event: atelier-2025-03 }\n\
                     \x20 - { event: atelier-2025-3 }\n\
                     \x20 - { event: cire-2025-03 }\n\
                     \x20 - { event: info-2025-03 }\n\
                     \x20 - { event: atelier-2025-04 }\n\
                     \x20 - { event: atelier-2025-09 }\n\
                     \x20 - { event: atelier-2025-01 }\n";
        let (r, p) = record("in-progress", hours);
        let o = check_record(&r, p.get("ceci").unwrap(), &calendar(), date("2025-06-01"));
        assert_eq!(
            rules(&o),
            vec![
                ("ceci.workshop-unknown", 13),
                ("ceci.workshop-unknown", 14),
                ("ceci.workshop-unknown", 15),
                ("ceci.workshop-unknown", 16),
                ("ceci.workshop-unknown", 17),
                ("ceci.workshop-unknown", 18),
            ]
        );
        let en: Vec<&str> = o
            .diagnostics
            .iter()
            .map(|d| d.message.en.as_str())
            .collect();
        assert_eq!(
            en,
            vec![
                "the workshop `atelier-2025-3` does not count: no event of the calendar has this id",
                "the workshop `cire-2025-03` does not count: it is an event of the programme `cire`",
                "the workshop `info-2025-03` does not count: it is an event of kind `info-session`, not a workshop",
                "the workshop `atelier-2025-04` does not count: the workshop on 2025-04-16 was cancelled",
                "the workshop `atelier-2025-09` does not count: the workshop on 2025-09-10 has not taken place yet (today: 2025-06-01)",
                "the workshop `atelier-2025-01` does not count: the workshop on 2025-01-15 is before your enrolment (2025-02-03): past engagement is not recognised",
            ]
        );
        // The unknown id gets a did-you-mean among the programme's workshops.
        let hint = o
            .diagnostics
            .iter()
            .next()
            .unwrap()
            .hint
            .as_deref()
            .unwrap();
        assert_eq!(hint.en, "did you mean `atelier-2025-03`?");
        // Only the valid one counts; the date rules leave workshops to the
        // workshop rule (no ceci.future-date nor ceci.before-enrolment).
        assert_eq!(o.progress.workshops, 1);
    }

    #[test]
    fn workshops_count_towards_the_two_year_limit() {
        let hours = "    - { date: 2025-03-01, hours: 4, activity: x }\n\
                     workshops:\n\
                     \x20 - { event: atelier-2027-03 }\n";
        let (r, p) = record("in-progress", hours);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/calendar")).unwrap();
        std::fs::write(
            dir.path().join("data/calendar/x.yml"),
            "events:\n  - { id: atelier-2027-03, kind: workshop, programme: ceci, \
             title: { fr: X }, start: 2027-03-10, online: https://x.org }\n",
        )
        .unwrap();
        let (c, _) = Calendar::load(
            &crate::core::source::Files::new(crate::core::source::Disk::new(dir.path())),
            &["ceci".into()],
        );
        let o = check_record(&r, p.get("ceci").unwrap(), &c, date("2027-04-01"));
        assert_eq!(
            rules(&o),
            vec![("ceci.two-year-limit", 12), ("ceci.deadline-passed", 4)]
        );
    }

    #[test]
    fn the_last_day_is_the_day_before_the_anniversary() {
        assert_eq!(last_day(date("2024-10-01"), 2), Some(date("2026-09-30")));
        assert_eq!(last_day(date("2024-02-29"), 2), Some(date("2026-02-28")));
        assert_eq!(last_day(date("2024-03-01"), 2), Some(date("2026-02-28")));
        assert_eq!(last_day(date("2025-01-01"), 1), Some(date("2025-12-31")));
    }

    #[test]
    fn counts_are_met_at_the_threshold() {
        assert!(Count {
            done: 5,
            required: 5
        }
        .is_met());
        assert!(!Count {
            done: 4,
            required: 5
        }
        .is_met());
    }
}
