//! The evaluation of portfolio records against their programme's rules.
//!
//! [`check_record`] and [`check_cohorts`] are pure: a record (or all
//! records), the programme, the calendar and today's date in, diagnostics
//! and progress out. Each kind of [`Check`] is one function, grouped by
//! theme in the files of this folder, that yields where the rule is broken
//! ([`Evaluation::breach`]) and what it measured ([`Metric`]s); this file
//! turns breaches into diagnostics with the rule's severity, once.

mod attendance;
mod cohorts;
mod coursework;
mod credential;
mod credits;
mod dates;
mod eligibility;
mod internship;
mod metric;

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::Span;

use crate::calendar::Calendar;
use crate::core::diagnostic::{Diagnostics, Position, Severity, Text};
use crate::core::values::{AcademicYear, Credits, Hours, Located};
use crate::records::portfolio::{self, Record};
use crate::records::programme::Programme;
use crate::records::rule::{Arg, Check, Phase, Rule};
use crate::records::vocabulary::{Part, Status};

pub use cohorts::check_cohorts;
pub use internship::HOURS_PER_DAY;
pub use metric::{Metric, MetricId, Progress, Quantity, Uncounted};

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

/// One record with what several rules read, computed once per record.
pub(crate) struct Context<'a> {
    pub record: &'a Record,
    pub programme: &'a Programme,
    pub calendar: &'a Calendar,
    pub today: Date,
    /// The internship, or an empty one for programmes without.
    pub internship: &'a portfolio::Internship,
    /// Workshop dates come from the calendar, at the line naming the event.
    pub workshop_dates: Vec<Located<Date>>,
    /// The programme checks workshops against the calendar: it reports one
    /// after today or before enrolment there, with the event's name, and
    /// the generic date rules leave workshops out (one mistake, one
    /// diagnostic). The two-year limit counts them either way.
    pub checks_workshops: bool,
    /// Activity dates: what "no activity before enrolment" and "within two
    /// years" are about. Signatures are not activity: an agreement is often
    /// signed before enrolment, as the application requires an internship.
    pub activities: Vec<&'a Located<Date>>,
    /// Dates that are not activities but cannot lie in the future either.
    pub other_dates: Vec<&'a Located<Date>>,
    /// Credits of each action on the programme's scale.
    pub action_credits: Vec<Credits>,
    /// Per action, the rule of severity error that rejects it, if any: its
    /// credits count nowhere, and the other rules leave it to that one.
    pub action_rejected: Vec<Option<Rejected>>,
    /// Per internship entry, the date rule that rejects it, if any: a
    /// rejected entry is reported by that rule and counts nowhere else
    /// (hours, the first hour the agreement is compared with).
    pub entry_rejected: Vec<Option<Rejected>>,
}

/// Why an activity does not count: one of the programme's date rules, of
/// severity error, rejects its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rejected {
    /// Before enrolment (the enrolment date).
    BeforeEnrolment(Date),
    /// Before the agreement was signed (its last signature): not covered.
    BeforeAgreement(Date),
    /// After the last day of the programme's years.
    AfterDeadline(Date),
    /// After today.
    Future(Date),
    /// On a day whose entries add up to more than 24 hours: which of them
    /// is wrong cannot be told, so none of that day counts.
    DayOver24h(Date),
    /// An action of an academic year that has not begun.
    FutureYear(AcademicYear),
    /// An action whose year is not in `years:` with its cycle.
    YearNotFollowed(AcademicYear),
}

impl Rejected {
    /// Why, in the words of a summary: `after 2026-09-14`.
    pub fn reason(self) -> Text {
        match self {
            Rejected::BeforeEnrolment(d) => Text::new(
                format!("avant l’inscription ({d})"),
                format!("before enrolment ({d})"),
            ),
            Rejected::BeforeAgreement(d) => Text::new(
                format!("avant la convention ({d})"),
                format!("before the agreement ({d})"),
            ),
            Rejected::AfterDeadline(d) => Text::new(format!("après le {d}"), format!("after {d}")),
            Rejected::Future(d) => Text::new(
                format!("postérieures à aujourd’hui ({d})"),
                format!("after today ({d})"),
            ),
            Rejected::DayOver24h(d) => Text::new(
                format!("du {d}, journée de plus de 24 h,"),
                format!("of {d}, a day of more than 24 h,"),
            ),
            Rejected::FutureYear(y) => Text::new(
                format!("de {y}, année pas encore commencée,"),
                format!("of {y}, a year not begun,"),
            ),
            Rejected::YearNotFollowed(y) => Text::new(
                format!("de {y}, absents de `years:` pour ce cycle,"),
                format!("of {y}, not in `years:` for this cycle,"),
            ),
        }
    }

    /// What rejects an activity date, read once from the programme's date
    /// rules of severity error: a function of the date giving the first
    /// reason, in the order above.
    fn judge(
        record: &Record,
        programme: &Programme,
        today: Date,
    ) -> impl Fn(Date) -> Option<Rejected> {
        let enrolment = record.enrolment.as_ref().map(|e| e.value);
        // The agreement covers hours from its last signature on.
        let signed = record
            .internship
            .as_ref()
            .and_then(|i| i.agreement.iter().map(|(_, d)| d.value).max());
        let (mut before, mut after, mut future) = (None, None, None);
        let mut uncovered = None;
        for rule in programme
            .rules
            .iter()
            .filter(|r| r.severity == Severity::Error)
        {
            match (&rule.check, enrolment) {
                (Check::NotBeforeEnrolment, Some(e)) => before = Some(e),
                (Check::WithinYears { years }, Some(e)) => {
                    after = last_day(e, *years).min(after.or(Some(Date::MAX)))
                }
                (Check::NotAfterToday, _) => future = Some(today),
                (Check::AgreementBeforeHours, _) => uncovered = signed,
                _ => {}
            }
        }
        move |d: Date| {
            if before.is_some_and(|e| d < e) {
                before.map(Rejected::BeforeEnrolment)
            } else if uncovered.is_some_and(|s| d < s) {
                uncovered.map(Rejected::BeforeAgreement)
            } else if after.is_some_and(|l| d > l) {
                after.map(Rejected::AfterDeadline)
            } else if future.is_some_and(|t| d > t) {
                future.map(Rejected::Future)
            } else {
                None
            }
        }
    }
}

impl Rejected {
    /// Per action of `record`, the rule of severity error that rejects
    /// it: an academic year not begun on `today` first (the cause, when
    /// such a year is not in `years:` either), then a year or cycle that
    /// `years:` does not give.
    fn judge_actions(record: &Record, programme: &Programme, today: Date) -> Vec<Option<Rejected>> {
        let mut future_from = None;
        let mut in_years = false;
        for rule in programme
            .rules
            .iter()
            .filter(|r| r.severity == Severity::Error)
        {
            match rule.check {
                Check::ActionNotFuture { starts_month } => future_from = Some(starts_month),
                Check::ActionInYears => in_years = true,
                _ => {}
            }
        }
        record
            .actions
            .iter()
            .map(|a| {
                let y = a.year.value;
                let begun = |month: u8| y.first_day(month).is_some_and(|d| d <= today);
                if future_from.is_some_and(|m| !begun(m)) {
                    Some(Rejected::FutureYear(y))
                } else if in_years
                    && !record
                        .years
                        .iter()
                        .any(|x| x.year.value == y && x.cycle == a.cycle.value)
                {
                    Some(Rejected::YearNotFollowed(y))
                } else {
                    None
                }
            })
            .collect()
    }
}

impl<'a> Context<'a> {
    fn new(
        record: &'a Record,
        programme: &'a Programme,
        calendar: &'a Calendar,
        today: Date,
        no_internship: &'a portfolio::Internship,
    ) -> Context<'a> {
        let internship = record.internship.as_ref().unwrap_or(no_internship);
        let workshop_dates = record
            .workshops
            .iter()
            .filter_map(|w| {
                calendar.event(&w.event.value).map(|e| Located {
                    value: e.when.first_day(),
                    at: w.event.at,
                })
            })
            .collect();
        let checks_workshops = programme
            .rules
            .iter()
            .any(|r| r.check == Check::WorkshopInCalendar);
        let activities = internship
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
        let other_dates = internship
            .agreement
            .iter()
            .map(|(_, d)| d)
            .chain(record.enrolment.as_ref())
            .chain(
                record
                    .eligibility
                    .iter()
                    .filter_map(|e| e.residence_permit.as_ref()),
            )
            .chain(
                record
                    .attendance
                    .iter()
                    .filter_map(|m| m.certificate.as_ref()),
            )
            .chain(record.credential.iter().filter_map(|c| c.issued.as_ref()))
            .collect();
        let action_credits = record
            .actions
            .iter()
            .map(|a| programme.credits_for(a.hours()))
            .collect();
        let action_rejected = Rejected::judge_actions(record, programme, today);
        let judge = Rejected::judge(record, programme, today);
        let mut per_day: BTreeMap<Date, Hours> = BTreeMap::new();
        for e in &internship.entries {
            let total = per_day.entry(e.date.value).or_default();
            *total = total.saturating_add(e.hours.value);
        }
        // A date rule's reason first: that rule reports the entry.
        let entry_rejected = internship
            .entries
            .iter()
            .map(|e| {
                judge(e.date.value).or_else(|| {
                    per_day
                        .get(&e.date.value)
                        .is_some_and(|&total| total > Hours::DAY)
                        .then_some(Rejected::DayOver24h(e.date.value))
                })
            })
            .collect();
        Context {
            record,
            programme,
            calendar,
            today,
            internship,
            workshop_dates,
            checks_workshops,
            activities,
            other_dates,
            action_credits,
            action_rejected,
            entry_rejected,
        }
    }

    /// The actions that count, with their credits: those no rule rejects.
    pub fn counted_actions(&self) -> impl Iterator<Item = (&'a portfolio::Action, Credits)> + '_ {
        self.record
            .actions
            .iter()
            .zip(&self.action_credits)
            .zip(&self.action_rejected)
            .filter(|(_, r)| r.is_none())
            .map(|((a, c), _)| (a, *c))
    }

    /// The internship entries that count: those no date rule rejects.
    pub fn counted_entries(&self) -> impl Iterator<Item = &'a portfolio::Entry> + '_ {
        self.internship
            .entries
            .iter()
            .zip(&self.entry_rejected)
            .filter(|(_, r)| r.is_none())
            .map(|(e, _)| e)
    }

    /// Workshop dates the generic date rules look at (none when the
    /// workshop rule reports them itself).
    pub fn dated_workshops(&self) -> &[Located<Date>] {
        if self.checks_workshops {
            &[]
        } else {
            &self.workshop_dates
        }
    }

    /// Where to point when the part a rule wants is not written at all.
    pub fn status_at(&self) -> Position {
        self.record.status.at
    }
}

/// Where one rule is broken in one record, with the values its message
/// fills, and a hint replacing the rule's when the breach knows better.
#[derive(Debug, Clone)]
pub(crate) struct Breach {
    pub at: Position,
    pub args: Vec<Arg>,
    pub hint: Option<Text>,
}

/// What one rule found in one record: breaches, measures, and whether they
/// leave the record incomplete.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evaluation {
    pub breaches: Vec<Breach>,
    pub metrics: Vec<Metric>,
    /// The last day on which activities count, when the rule sets one.
    pub deadline: Option<Date>,
    /// A requirement is not met (the record cannot be submitted as is).
    pub incomplete: bool,
}

impl Evaluation {
    /// The rule is broken at `at`.
    pub fn breach(&mut self, at: Position, args: Vec<Arg>) {
        self.breaches.push(Breach {
            at,
            args,
            hint: None,
        });
    }
    /// A measure that is only information (no requirement to meet).
    pub fn metric(&mut self, metric: Metric) {
        self.metrics.push(metric);
    }
    /// A requirement measured: recorded as progress and, when short, the
    /// record is incomplete and the rule broken at `at` with `args`
    /// (computed only then).
    pub fn require(&mut self, metric: Metric, at: Position, args: impl FnOnce() -> Vec<Arg>) {
        if !metric.is_met() {
            self.incomplete = true;
            self.breach(at, args());
        }
        self.metrics.push(metric);
    }
}

/// The `done` and `required` message arguments of a requirement.
pub(crate) fn done_required(
    done: impl std::fmt::Display,
    required: impl std::fmt::Display,
) -> Vec<Arg> {
    vec![Arg::same("done", done), Arg::same("required", required)]
}

/// Evaluates one rule on one record: one function per kind of check.
fn evaluate(rule: &Rule, cx: &Context) -> Evaluation {
    let mut ev = Evaluation::default();
    let e = &mut ev;
    match &rule.check {
        Check::IntakeMonth { months } => dates::intake_month(cx, months, e),
        Check::NotAfterToday => dates::not_after_today(cx, e),
        Check::NotBeforeEnrolment => dates::not_before_enrolment(cx, e),
        Check::WithinYears { years } => dates::within_years(cx, *years, e),
        Check::DeadlineNotPassed { years } => dates::deadline_not_passed(cx, *years, e),
        Check::OrganisationAccepted => internship::organisation_accepted(cx, e),
        Check::SupervisorRole {
            committee_member,
            role,
        } => internship::supervisor_role(cx, *committee_member, *role, e),
        Check::AgreementSigned { parties } => internship::agreement_signed(cx, parties, e),
        Check::AgreementBeforeHours => internship::agreement_before_hours(cx, e),
        Check::MinimumHours { hours } => internship::minimum_hours(cx, *hours, e),
        Check::ModulesCompleted => coursework::modules_completed(cx, e),
        Check::WorkshopInCalendar => coursework::workshop_in_calendar(cx, e),
        Check::Productions { count } => coursework::productions(cx, *count, e),
        Check::Document { document } => coursework::document(cx, *document, e),
        // Checked across records by `check_cohorts`.
        Check::PlacesPerIntake { .. } => {}
        Check::ActionInYears => credits::action_in_years(cx, e),
        Check::ActionNotFuture { starts_month } => credits::action_not_future(cx, *starts_month, e),
        Check::ActionCredits => credits::action_credits(cx, e),
        Check::CreditsPerCycle { credits } => credits::credits_per_cycle(cx, *credits, e),
        Check::YearWithoutCredit {
            credits,
            starts_month,
        } => credits::year_without_credit(cx, *credits, *starts_month, e),
        Check::PermitWithinYears { years } => eligibility::permit_within_years(cx, *years, e),
        Check::NationalityOutside { countries, .. } => {
            eligibility::nationality_outside(cx, countries, e)
        }
        Check::SpeaksLanguage { language } => eligibility::speaks_language(cx, language, e),
        Check::CertificateDue => attendance::certificate_due(cx, e),
        Check::FullModules { count } => attendance::full_modules(cx, *count, e),
        Check::CredentialElements { elements } => credential::elements(cx, elements, e),
        Check::CreditsBelow { credits } => credential::credits_below(cx, *credits, e),
    }
    ev
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
    let no_internship = portfolio::Internship::default();
    let cx = Context::new(record, programme, calendar, today, &no_internship);
    // Listed workshops count unless the workshop rule says otherwise.
    out.progress.record(coursework::workshops_metric(
        programme,
        record.workshops.len() as u32,
    ));
    internship::hours_per_day(record, &mut out.diagnostics);
    for rule in &programme.rules {
        if !rule.check.requires().iter().all(|p| has_part(record, *p)) {
            // Already reported by the loader (`record.part-missing`).
            if rule.phase == Phase::Completeness {
                out.complete = false;
            }
            continue;
        }
        let ev = evaluate(rule, &cx);
        if ev.incomplete {
            out.complete = false;
        }
        for m in ev.metrics {
            out.progress.record(m);
        }
        if ev.deadline.is_some() {
            out.progress.deadline = ev.deadline;
        }
        let Some(sev) = severity(rule, record.status.value) else {
            continue;
        };
        for b in ev.breaches {
            let d = rule.diagnostic(sev, &record.file, b.at, &b.args);
            out.diagnostics.push(match b.hint {
                Some(h) => d.with_hint(h),
                None => d,
            });
        }
    }
    out
}

/// Test helpers shared by the evaluation files.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;

    use super::*;
    use crate::records::programme::Programmes;

    pub fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// A loaded programme, from the text of its file.
    pub fn programme(text: &str, file: &str) -> Programmes {
        let (p, ds) = Programme::parse(text, Path::new(file));
        assert!(ds.is_empty(), "{ds:?}");
        let mut all = Programmes::default();
        all.insert(p.unwrap());
        all
    }

    /// A record of `programmes` read from `text`, with no file, so that
    /// nothing is read from disk.
    pub fn record(text: &str, programmes: &Programmes) -> Record {
        let (r, ds) = portfolio::parse(
            text,
            &crate::core::source::Files::new(crate::core::source::Disk::new("/nonexistent")),
            Path::new("data/portfolios/zoe"),
            programmes,
        );
        assert!(ds.is_empty(), "{ds:?}\n{text}");
        r.unwrap()
    }

    /// The record of `text` checked against its programme on `today`,
    /// with an empty calendar.
    pub fn check(programmes: &Programmes, text: &str, today: &str) -> Outcome {
        let r = record(text, programmes);
        let p = programmes.get(&r.programme).unwrap();
        check_record(&r, p, &Calendar::default(), date(today))
    }

    /// Rule ids and lines of an outcome's diagnostics.
    pub fn rules(o: &Outcome) -> Vec<(&str, u32)> {
        o.diagnostics
            .iter()
            .map(|d| (d.rule.as_str(), d.line()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{date, programme, rules};
    use super::*;
    use crate::core::values::Hours;
    use crate::records::programme::Programmes;

    fn ceci() -> Programmes {
        programme(
            include_str!("../../../data/programmes/ceci.yml"),
            "data/programmes/ceci.yml",
        )
    }

    /// A CECi record. Its lines: 3 status, 4 enrolment, 9 `hours:`, 10 and
    /// on the entries.
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
        let r = super::testing::record(&text, &programmes);
        (r, programmes)
    }

    /// A CECi record checked on `today` with an empty calendar.
    fn check(status: &str, hours: &str, today: &str) -> Outcome {
        let (r, p) = record(status, hours);
        check_record(
            &r,
            p.get("ceci").unwrap(),
            &Calendar::default(),
            date(today),
        )
    }

    #[test]
    fn completeness_is_progress_in_progress_and_errors_once_submitted() {
        let hours = "    - { date: 2025-03-01, hours: 4, activity: x }\n";
        let o = check("in-progress", hours, "2025-06-01");
        assert_eq!(rules(&o), vec![]);
        assert!(!o.complete);
        assert_eq!(
            o.progress.get(MetricId::Hours).unwrap().done,
            Quantity::Hours(Hours::from_minutes(240))
        );
        assert_eq!(o.progress.deadline, Some(date("2027-02-02")));

        let o = check("submitted", hours, "2025-06-01");
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
        let o = check("in-progress", hours, "2025-06-01");
        assert_eq!(rules(&o), vec![("record.hours-per-day", 11)]);
    }

    #[test]
    fn the_deadline_is_inclusive() {
        let hours = "    - { date: 2027-02-02, hours: 1, activity: x }\n\
                     \x20   - { date: 2027-02-03, hours: 1, activity: y }\n";
        let o = check("in-progress", hours, "2027-03-01");
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
        assert_eq!(
            o.progress.get(MetricId::Workshops).unwrap().done,
            Quantity::Count(1)
        );
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
}
