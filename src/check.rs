//! Checking portfolio records against their programme's rules.
//!
//! [`check_record`] and [`check_cohorts`] are pure: a record (or all
//! records), the programme and today's date in, diagnostics and progress out.
//! [`run`] is the edge that loads programmes and records from disk and calls
//! them; `engage check` prints its [`Report`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::Span;
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics, Position, RuleId, Severity, Text};
use crate::lang::Lang;
use crate::portfolio::{self, Hours, Located, Record, Status};
use crate::programme::{Programme, Programmes};
use crate::rule::{Arg, Check, Document, Phase, Rule};

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
    pub workshops: u32,
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

/// Checks one record against its programme on `today`.
pub fn check_record(record: &Record, programme: &Programme, today: Date) -> Outcome {
    let mut out = Outcome {
        complete: true,
        ..Outcome::default()
    };
    let file = &record.file;
    let status = record.status.value;
    let ship = &record.internship;
    let status_at = record.status.at;
    out.progress.workshops = record.workshops.len() as u32;
    hours_per_day(record, &mut out.diagnostics);
    // Activity dates: what "no activity before enrolment" and "within two
    // years" are about. Signatures are not activity: an agreement is often
    // signed before enrolment, as the application requires an internship.
    let activities: Vec<&Located<Date>> = ship
        .entries
        .iter()
        .map(|e| &e.date)
        .chain(record.modules.iter().map(|m| &m.completed))
        .chain(record.workshops.iter().map(|w| &w.date))
        .collect();
    let first_hour = ship.entries.iter().map(|e| e.date.value).min();
    for rule in &programme.rules {
        let sev = severity(rule, status);
        let mut report = |at: Position, args: &[Arg]| {
            if let Some(sev) = sev {
                out.diagnostics.push(rule.diagnostic(sev, file, at, args));
            }
        };
        match &rule.check {
            Check::IntakeMonth { months } => {
                let intake = record.intake.value;
                if !months.contains(&intake.month) {
                    let list = months
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(", ");
                    report(
                        record.intake.at,
                        &[Arg::same("intake", intake), Arg::same("months", list)],
                    );
                }
            }
            Check::NotAfterToday => {
                let signatures = ship.agreement.iter().map(|(_, d)| d);
                for d in std::iter::once(&record.enrolment)
                    .chain(signatures)
                    .chain(activities.iter().copied())
                {
                    if d.value > today {
                        report(
                            d.at,
                            &[Arg::same("date", d.value), Arg::same("today", today)],
                        );
                    }
                }
            }
            Check::NotBeforeEnrolment => {
                for d in &activities {
                    if d.value < record.enrolment.value {
                        report(
                            d.at,
                            &[
                                Arg::same("date", d.value),
                                Arg::same("enrolment", record.enrolment.value),
                            ],
                        );
                    }
                }
            }
            Check::WithinYears { years } => {
                let Some(deadline) = last_day(record.enrolment.value, *years) else {
                    continue;
                };
                out.progress.deadline = Some(deadline);
                let signatures = ship.agreement.iter().map(|(_, d)| d);
                for d in activities.iter().copied().chain(signatures) {
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
                let Some(deadline) = last_day(record.enrolment.value, *years) else {
                    continue;
                };
                if status == Status::InProgress && today > deadline {
                    report(
                        record.enrolment.at,
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
                        report(kind.at, &[Arg::text("kind", k.label.text())]);
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
        }
    }
    out
}

/// More than 24 hours on one day cannot be true, whatever the programme.
fn hours_per_day(record: &Record, ds: &mut Diagnostics) {
    let mut per_day: BTreeMap<Date, Hours> = BTreeMap::new();
    for e in &record.internship.entries {
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
                cohorts.entry(r.intake.value).or_default().push(r);
            }
            for (intake, mut members) in cohorts {
                if members.len() <= places as usize {
                    continue;
                }
                members.sort_by(|a, b| {
                    (a.enrolment.value, &a.handle).cmp(&(b.enrolment.value, &b.handle))
                });
                let enrolled = members.len();
                for r in &members[places as usize..] {
                    if let Some(sev) = severity(rule, r.status.value) {
                        ds.push(rule.diagnostic(
                            sev,
                            &r.file,
                            r.intake.at,
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

/// What to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every programme and record.
    All,
    /// One record folder (relative to the root), and the cohort rules it
    /// takes part in.
    Record(PathBuf),
}

/// The summary of one record folder.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The folder name (the handle, when the record is well formed).
    pub handle: String,
    pub programme: Option<String>,
    pub status: Option<Status>,
    /// Every completeness rule is met.
    pub complete: bool,
    pub errors: usize,
    pub warnings: usize,
    /// `None` when the record could not be read far enough to be checked.
    #[serde(flatten)]
    pub progress: Option<Progress>,
}

/// Everything `engage check` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    pub records: Vec<Summary>,
}

/// Loads the programmes and records under `root` and checks them on `today`.
pub fn run(root: &Path, scope: &Scope, today: Date) -> Report {
    let (programmes, mut ds) = Programmes::load(root);
    // Cohort rules need every record, even to check one.
    let (dirs, dds) = portfolio::discover(root);
    let (records, rds) = portfolio::load_all(root, &dirs, &programmes);
    let outcomes: Vec<Outcome> = records
        .par_iter()
        .map(|r| match programmes.get(&r.programme) {
            Some(p) => check_record(r, p, today),
            None => Outcome::default(),
        })
        .collect();
    let cohort = check_cohorts(&records, &programmes);
    let mut record_ds = Diagnostics::new();
    record_ds.extend(rds);
    record_ds.extend(cohort);
    let mut by_record: Vec<(Option<(&Record, &Outcome)>, &Path)> = Vec::new();
    for (r, o) in records.iter().zip(&outcomes) {
        record_ds.extend(o.diagnostics.iter().cloned());
        by_record.push((Some((r, o)), &r.dir));
    }
    for d in &dirs {
        if !records.iter().any(|r| &r.dir == d) {
            by_record.push((None, d));
        }
    }
    by_record.sort_by(|a, b| a.1.cmp(b.1));
    let in_scope = |p: &Path| match scope {
        Scope::All => true,
        Scope::Record(dir) => p.starts_with(dir),
    };
    if matches!(scope, Scope::All) {
        ds.extend(dds);
    }
    ds.extend(record_ds.into_iter().filter(|d| in_scope(&d.file)));
    ds.sort();
    let summaries = by_record
        .into_iter()
        .filter(|(_, dir)| in_scope(dir))
        .map(|(checked, dir)| {
            let mine = ds.iter().filter(|d| d.file.starts_with(dir));
            let (errors, warnings) =
                mine.fold(
                    (0, 0),
                    |(e, w), d| {
                        if d.is_error() {
                            (e + 1, w)
                        } else {
                            (e, w + 1)
                        }
                    },
                );
            let folder = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match checked {
                Some((r, o)) => Summary {
                    handle: r.handle.to_string(),
                    programme: Some(r.programme.clone()),
                    status: Some(r.status.value),
                    complete: o.complete,
                    errors,
                    warnings,
                    progress: Some(o.progress.clone()),
                },
                None => Summary {
                    handle: folder,
                    programme: None,
                    status: None,
                    complete: false,
                    errors,
                    warnings,
                    progress: None,
                },
            }
        })
        .collect();
    Report {
        diagnostics: ds,
        records: summaries,
    }
}

// ---------------------------------------------------------------------------
// Output

/// One line per record: `alice  ceci  submitted  complete  hours 152/150 …`.
pub fn write_summary(out: &mut dyn Write, report: &Report, lang: Lang) -> std::io::Result<()> {
    let width = report
        .records
        .iter()
        .map(|r| r.handle.chars().count())
        .max()
        .unwrap_or(0);
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    for r in &report.records {
        let mut parts: Vec<String> = Vec::new();
        let Some(p) = &r.progress else {
            writeln!(
                out,
                "{:width$}  {}",
                r.handle,
                t(
                    "non vérifié (voir les erreurs)",
                    "not checked (see the errors)"
                )
            )?;
            continue;
        };
        parts.push(r.programme.clone().unwrap_or_default());
        parts.push(match r.status {
            Some(Status::Submitted) => t("remis", "submitted").into(),
            _ => t("en cours", "in progress").into(),
        });
        parts.push(if r.complete {
            t("complet", "complete").into()
        } else {
            t("incomplet", "incomplete").into()
        });
        if let Some(c) = p.hours {
            parts.push(format!(
                "{} {}/{}",
                t("heures", "hours"),
                c.done,
                c.required
            ));
        }
        if let Some(c) = p.productions {
            parts.push(format!("productions {}/{}", c.done, c.required));
        }
        if let Some(c) = p.modules {
            parts.push(format!("modules {}/{}", c.done, c.required));
        }
        let yes_no = |b: bool| if b { t("oui", "yes") } else { t("non", "no") };
        if let Some(b) = p.analysis {
            parts.push(format!("{} {}", t("analyse", "analysis"), yes_no(b)));
        }
        if let Some(b) = p.assessment {
            parts.push(format!("{} {}", t("grille", "assessment"), yes_no(b)));
        }
        if let Some(c) = p.agreement {
            parts.push(format!(
                "{} {}/{}",
                t("convention", "agreement"),
                c.done,
                c.required
            ));
        }
        parts.push(format!("{} {}", t("ateliers", "workshops"), p.workshops));
        if let Some(d) = p.deadline {
            parts.push(format!("{} {d}", t("échéance", "deadline")));
        }
        if r.errors > 0 {
            parts.push(format!("{} {}", r.errors, t("erreur(s)", "error(s)")));
        }
        if r.warnings > 0 {
            parts.push(format!(
                "{} {}",
                r.warnings,
                t("avertissement(s)", "warning(s)")
            ));
        }
        writeln!(out, "{:width$}  {}", r.handle, parts.join(", "))?;
    }
    let (e, w) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    match lang {
        Lang::Fr => writeln!(
            out,
            "{} portfolio(s) vérifié(s) : {e} erreur(s), {w} avertissement(s).",
            report.records.len()
        ),
        Lang::En => writeln!(
            out,
            "{} record(s) checked: {e} error(s), {w} warning(s).",
            report.records.len()
        ),
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: u32,
    column: u32,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    records: &'a [Summary],
}

/// Writes the report as JSON, messages in `lang`, fields in this order:
/// `{"diagnostics":[{"file","line","column","rule","severity","message","hint"}],
///   "records":[{"handle","programme","status","complete","errors","warnings",
///   "hours":{"done","required"},"productions":…,"modules":…,"analysis",
///   "assessment","agreement":…,"workshops","deadline"}]}`.
pub fn write_json(out: &mut dyn Write, report: &Report, lang: Lang) -> std::io::Result<()> {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| JsonDiagnostic {
            file: d.file.to_string_lossy().replace('\\', "/"),
            line: d.position.line,
            column: d.position.column,
            rule: d.rule.as_str(),
            severity: d.severity,
            message: d.message.get(lang),
            hint: d.hint.as_deref().map(|h| h.get(lang)),
        })
        .collect();
    let json = JsonReport {
        diagnostics,
        records: &report.records,
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ceci() -> Programmes {
        let text = include_str!("../data/programmes/ceci.yml");
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
            Path::new("/nonexistent"),
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
        let o = check_record(&r, p.get("ceci").unwrap(), date("2025-06-01"));
        assert_eq!(rules(&o), vec![]);
        assert!(!o.complete);
        assert_eq!(o.progress.hours.unwrap().done, Hours::from_minutes(240));
        assert_eq!(o.progress.deadline, Some(date("2027-02-02")));

        let (r, p) = record("submitted", hours);
        let o = check_record(&r, p.get("ceci").unwrap(), date("2025-06-01"));
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
        let o = check_record(&r, p.get("ceci").unwrap(), date("2025-06-01"));
        assert_eq!(rules(&o), vec![("record.hours-per-day", 11)]);
    }

    #[test]
    fn the_deadline_is_inclusive() {
        let hours = "    - { date: 2027-02-02, hours: 1, activity: x }\n\
                     \x20   - { date: 2027-02-03, hours: 1, activity: y }\n";
        let (r, p) = record("in-progress", hours);
        let o = check_record(&r, p.get("ceci").unwrap(), date("2027-03-01"));
        assert_eq!(
            rules(&o),
            vec![("ceci.two-year-limit", 11), ("ceci.deadline-passed", 4)]
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
