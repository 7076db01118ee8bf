//! `engage report` and `engage attest`: what the programme team reads from
//! the same records CI checks. [`Dashboard::build`] is a pure function of
//! a loaded workspace and its check report: per programme and intake, each
//! student's progress (the check's metrics, never recomputed), flags and
//! the cohort figures; `html`, `csv` and JSON are views of that one model.
//! `attest` and `credential` turn a complete record into an attestation
//! page and a signed Open Badges 3.0 credential.

pub mod attest;
pub mod credential;
pub mod csv;
pub mod html;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::{Span, Unit};
use serde::Serialize;

use crate::calendar::{academic_year_start, Kind};
use crate::core::diagnostic::{Diagnostic, Position, Text};
use crate::core::values::{AcademicYear, Credits};
use crate::records::check::{Report, Summary};
use crate::records::evaluate::{Metric, MetricId, Quantity};
use crate::records::portfolio::Record;
use crate::records::programme::Programme;
use crate::site::output::OUTPUT_REFUSED;
use crate::workspace::Workspace;

/// Which records a report covers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A programme id.
    pub programme: Option<String>,
    /// An intake as the report labels it (`2025-02`, `2024-2025`).
    pub intake: Option<String>,
}

/// Why a student needs the team's attention. Each flag has a key for
/// scripts and the CSV, and words for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "flag", rename_all = "kebab-case")]
pub enum Flag {
    /// A programme with credits per year: none earned in the current
    /// academic year, which the student follows.
    NoCreditThisYear { year: String },
    /// Under half the required hours with less than six months left.
    HoursBehind { done: String, required: String },
    /// The deadline is past and the record is not submitted.
    DeadlinePassed,
    /// Complete, without error: can go to the next jury session.
    ReadyForJury { event: String, date: String },
}

impl Flag {
    pub fn key(&self) -> &'static str {
        match self {
            Flag::NoCreditThisYear { .. } => "no-credit-this-year",
            Flag::HoursBehind { .. } => "hours-behind",
            Flag::DeadlinePassed => "deadline-passed",
            Flag::ReadyForJury { .. } => "ready-for-jury",
        }
    }
    /// At risk: the two flags of the issue that call for a follow-up.
    pub fn at_risk(&self) -> bool {
        matches!(
            self,
            Flag::NoCreditThisYear { .. } | Flag::HoursBehind { .. }
        )
    }
    pub fn words(&self) -> Text {
        match self {
            Flag::NoCreditThisYear { year } => Text::new(
                format!("à risque : aucun crédit en {year}"),
                format!("at risk: no credit in {year}"),
            ),
            Flag::HoursBehind { done, required } => Text::new(
                format!("à risque : {done} h sur {required}, moins de six mois restants"),
                format!("at risk: {done} h of {required}, under six months left"),
            ),
            Flag::DeadlinePassed => Text::new("échéance dépassée", "deadline passed"),
            Flag::ReadyForJury { date, .. } => Text::new(
                format!("prêt·e pour le jury du {date}"),
                format!("ready for the jury of {date}"),
            ),
        }
    }
}

/// One progress bar: a metric of the check, with its share done.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub id: &'static str,
    pub item: Option<String>,
    pub label: Text,
    pub done: Quantity,
    pub required: Option<Quantity>,
    /// `done` as a share of `required`, 0 to 1; `None` for a tally.
    pub ratio: Option<f64>,
    /// `120/150 h`: the bar's text alternative.
    pub value: String,
}

/// A student as the dashboard shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Student {
    pub handle: String,
    pub programme: String,
    pub intake: Option<String>,
    pub status: Option<&'static str>,
    pub complete: bool,
    pub errors: usize,
    pub warnings: usize,
    #[serde(serialize_with = "opt_date")]
    pub deadline: Option<Date>,
    /// Days from today to the deadline (negative once passed).
    pub days_left: Option<i64>,
    pub bars: Vec<Bar>,
    /// Programmes with credits per year (ESCOM): credits earned in the
    /// academic year of today, when the record follows it.
    pub credits_this_year: Option<Credits>,
    pub flags: Vec<Flag>,
}

impl Student {
    pub fn at_risk(&self) -> bool {
        self.flags.iter().any(Flag::at_risk)
    }
}

/// The students of one intake, and how many places it has.
#[derive(Debug, Clone, Serialize)]
pub struct IntakeReport {
    /// `None` for records of a programme without intakes.
    pub intake: Option<String>,
    pub places: Option<u32>,
    pub taken: usize,
    pub students: Vec<Student>,
}

/// A share of students, kept as a fraction so that tests and people see
/// both numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Share {
    pub count: usize,
    pub of: usize,
}

impl Share {
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| 100.0 * self.count as f64 / self.of as f64)
    }
}

/// The two figures of programmes with credits per year (ESCOM): among the
/// students who follow the current academic year, those with at least
/// 1 ECTS this year, and those above the minimum (more credits than
/// required in some cycle).
#[derive(Debug, Clone, Serialize)]
pub struct CreditShares {
    pub year: String,
    pub at_least_one_credit: Share,
    pub above_minimum: Share,
}

/// How many students attended one workshop or session.
#[derive(Debug, Clone, Serialize)]
pub struct Attendance {
    pub id: String,
    pub label: Text,
    #[serde(serialize_with = "opt_date")]
    pub date: Option<Date>,
    pub attended: usize,
    pub capacity: Option<u32>,
}

/// One programme's part of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeReport {
    pub id: String,
    pub name: Text,
    pub intakes: Vec<IntakeReport>,
    pub shares: Option<CreditShares>,
    pub attendance: Vec<Attendance>,
}

impl ProgrammeReport {
    pub fn students(&self) -> impl Iterator<Item = &Student> {
        self.intakes.iter().flat_map(|i| &i.students)
    }
}

/// A record folder the check could not read far enough to place in a
/// programme (broken YAML, an unknown programme): listed on its own so
/// that the team sees every student, not only the well-formed ones.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub handle: String,
    /// The programme the record names, when it names one.
    pub programme: Option<String>,
    pub errors: usize,
}

/// The whole dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    #[serde(serialize_with = "date")]
    pub today: Date,
    pub programmes: Vec<ProgrammeReport>,
    pub unreadable: Vec<Unreadable>,
}

fn date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// The label of a record's intake: its intake (CECi), else its first
/// academic year (ESCOM), else its enrolment month (CIRÉ).
fn intake_of(r: &Record) -> Option<String> {
    if let Some(i) = &r.intake {
        return Some(i.value.to_string());
    }
    if let Some(y) = r.years.iter().map(|y| y.year.value).min() {
        return Some(y.to_string());
    }
    r.enrolment
        .as_ref()
        .map(|e| format!("{:04}-{:02}", e.value.year(), e.value.month()))
}

/// The academic year `today` falls in (1 September to 31 August).
fn current_year(today: Date) -> Option<AcademicYear> {
    let start = academic_year_start(today).year();
    AcademicYear::parse(&format!("{:04}-{:04}", start, start + 1))
}

/// A quantity as a number, for ratios.
fn amount(q: Quantity) -> f64 {
    match q {
        Quantity::Hours(h) => f64::from(h.minutes()) / 60.0,
        Quantity::Credits(c) => c.to_string().parse().unwrap_or(0.0),
        Quantity::Count(n) | Quantity::Sessions(n) => f64::from(n),
        Quantity::Given(b) => f64::from(u8::from(b)),
    }
}

fn unit(q: Quantity) -> &'static str {
    match q {
        Quantity::Hours(_) => " h",
        Quantity::Credits(_) => " ECTS",
        _ => "",
    }
}

fn bar(m: &Metric) -> Bar {
    let ratio = m.required.map(|r| {
        let r = amount(r);
        if r <= 0.0 {
            1.0
        } else {
            (amount(m.done) / r).clamp(0.0, 1.0)
        }
    });
    let value = match m.required {
        // A document is there or not: "no/yes" would read as a fraction.
        Some(Quantity::Given(_)) => m.done.to_string(),
        Some(r) => format!("{}/{}{}", m.done, r, unit(r)),
        None => format!("{}{}", m.done, unit(m.done)),
    };
    Bar {
        id: m.id.key(),
        item: m.item.clone(),
        // The check's label already names the item (`ECTS, preparatory cycle`).
        label: m.label.clone(),
        done: m.done,
        required: m.required,
        ratio,
        value,
    }
}

/// Credits a record's actions earned in `year`, on the programme's scale.
fn credits_in(r: &Record, p: &Programme, year: AcademicYear) -> Credits {
    r.actions
        .iter()
        .filter(|a| a.year.value == year)
        .map(|a| p.credits_for(a.hours()))
        .sum()
}

fn flags(
    r: &Record,
    s: &Summary,
    p: &Programme,
    ws: &Workspace,
    deadline: Option<Date>,
) -> Vec<Flag> {
    let today = ws.today;
    let mut out = Vec::new();
    let submitted = s.status == Some(crate::records::vocabulary::Status::Submitted);
    if let (Some(year), Some(_)) = (current_year(today), &p.facts.actions) {
        let follows = r.years.iter().any(|y| y.year.value == year);
        if follows && !submitted && credits_in(r, p, year) == Credits::ZERO {
            out.push(Flag::NoCreditThisYear {
                year: year.to_string(),
            });
        }
    }
    let hours = s.progress.as_ref().and_then(|pr| pr.get(MetricId::Hours));
    if let (Some(m), Some(deadline)) = (hours, deadline) {
        if let (Quantity::Hours(done), Some(Quantity::Hours(req))) = (m.done, m.required) {
            let six_months = today.checked_add(Span::new().months(6)).ok();
            let close = six_months.is_some_and(|d| deadline < d) && deadline >= today;
            if close && u64::from(done.minutes()) * 2 < u64::from(req.minutes()) && !submitted {
                out.push(Flag::HoursBehind {
                    done: done.to_string(),
                    required: req.to_string(),
                });
            }
        }
    }
    if deadline.is_some_and(|d| d < today) && !submitted {
        out.push(Flag::DeadlinePassed);
    }
    if s.complete && s.errors == 0 {
        let jury = ws
            .calendar
            .upcoming(today)
            .find(|e| e.kind == Kind::Jury && e.programme == p.id);
        if let Some(e) = jury {
            out.push(Flag::ReadyForJury {
                event: e.id.clone(),
                date: e.when.first_day().to_string(),
            });
        }
    }
    out
}

impl Dashboard {
    /// The dashboard of the records `filter` keeps, from the workspace and
    /// the check report of all its records (cohort rules need them all).
    pub fn build(ws: &Workspace, report: &Report, filter: &Filter) -> Dashboard {
        let by_handle: BTreeMap<&str, &Summary> = report
            .records
            .iter()
            .map(|s| (s.handle.as_str(), s))
            .collect();
        let mut programmes = Vec::new();
        for p in ws.programmes.iter() {
            if filter.programme.as_ref().is_some_and(|f| *f != p.id) {
                continue;
            }
            let mut intakes: BTreeMap<Option<String>, Vec<Student>> = BTreeMap::new();
            let mut records: Vec<&Record> = Vec::new();
            for r in ws.records.iter().filter(|r| r.programme == p.id) {
                let intake = intake_of(r);
                if filter.intake.is_some() && filter.intake != intake {
                    continue;
                }
                let Some(s) = by_handle.get(r.handle.as_str()) else {
                    continue;
                };
                records.push(r);
                let deadline = s.progress.as_ref().and_then(|pr| pr.deadline);
                let days_left = deadline.and_then(|d| {
                    ws.today
                        .until((Unit::Day, d))
                        .ok()
                        .map(|sp| i64::from(sp.get_days()))
                });
                let student = Student {
                    handle: s.handle.clone(),
                    programme: p.id.clone(),
                    intake: intake.clone(),
                    status: s.status.map(|st| st.key()),
                    complete: s.complete,
                    errors: s.errors,
                    warnings: s.warnings,
                    deadline,
                    days_left,
                    bars: s
                        .progress
                        .iter()
                        .flat_map(|pr| &pr.metrics)
                        .filter(|m| m.shown)
                        .map(bar)
                        .collect(),
                    credits_this_year: current_year(ws.today)
                        .filter(|y| {
                            p.facts.actions.is_some() && r.years.iter().any(|x| x.year.value == *y)
                        })
                        .map(|y| credits_in(r, p, y)),
                    flags: flags(r, s, p, ws, deadline),
                };
                intakes.entry(intake).or_default().push(student);
            }
            let places = p.facts.places_per_intake;
            let intakes = intakes
                .into_iter()
                .map(|(intake, students)| IntakeReport {
                    places: intake.as_ref().and(places),
                    taken: students.len(),
                    intake,
                    students,
                })
                .collect();
            programmes.push(ProgrammeReport {
                id: p.id.clone(),
                name: p.facts.name.clone(),
                shares: shares(p, &records, &by_handle, ws.today),
                attendance: attendance(p, &records, ws),
                intakes,
            });
        }
        // A summary without a loaded record of a known programme is a
        // folder nobody would otherwise see. Under a programme filter only
        // the records naming that programme are listed: one naming none
        // could belong to any, so it is listed too.
        let placed: std::collections::BTreeSet<&str> = ws
            .records
            .iter()
            .filter(|r| ws.programmes.iter().any(|p| p.id == r.programme))
            .map(|r| r.handle.as_str())
            .collect();
        let unreadable = report
            .records
            .iter()
            .filter(|s| !placed.contains(s.handle.as_str()))
            .filter(|s| match (&filter.programme, &s.programme) {
                (Some(f), Some(p)) => f == p,
                _ => true,
            })
            .map(|s| Unreadable {
                handle: s.handle.clone(),
                programme: s.programme.clone(),
                errors: s.errors,
            })
            .collect();
        Dashboard {
            today: ws.today,
            programmes,
            unreadable,
        }
    }

    pub fn students(&self) -> impl Iterator<Item = &Student> {
        self.programmes.iter().flat_map(ProgrammeReport::students)
    }
}

fn shares(
    p: &Programme,
    records: &[&Record],
    by_handle: &BTreeMap<&str, &Summary>,
    today: Date,
) -> Option<CreditShares> {
    p.facts.actions.as_ref()?;
    let year = current_year(today)?;
    let one = Credits::from_hundredths(100);
    let following: Vec<&&Record> = records
        .iter()
        .filter(|r| r.years.iter().any(|y| y.year.value == year))
        .collect();
    let at_least_one = following
        .iter()
        .filter(|r| credits_in(r, p, year) >= one)
        .count();
    let above = following
        .iter()
        .filter(|r| {
            by_handle
                .get(r.handle.as_str())
                .and_then(|s| s.progress.as_ref())
                .is_some_and(|pr| {
                    pr.metrics.iter().any(|m| {
                        m.id == MetricId::Credits
                            && matches!((m.done, m.required),
                                (Quantity::Credits(d), Some(Quantity::Credits(r))) if d > r)
                    })
                })
        })
        .count();
    Some(CreditShares {
        year: year.to_string(),
        at_least_one_credit: Share {
            count: at_least_one,
            of: following.len(),
        },
        above_minimum: Share {
            count: above,
            of: following.len(),
        },
    })
}

/// Attendance per workshop of the calendar (records list the workshops
/// they attended) and per session of modules with sessions (CIRÉ).
fn attendance(p: &Programme, records: &[&Record], ws: &Workspace) -> Vec<Attendance> {
    let mut out = Vec::new();
    for e in ws.calendar.events.iter().filter(|e| {
        e.kind == Kind::Workshop && e.programme == p.id && e.when.first_day() <= ws.today
    }) {
        let attended = records
            .iter()
            .filter(|r| r.workshops.iter().any(|w| w.event.value == e.id))
            .count();
        out.push(Attendance {
            id: e.id.clone(),
            label: Text::new(
                e.title(crate::core::lang::Lang::Fr).0,
                e.title(crate::core::lang::Lang::En).0,
            ),
            date: Some(e.when.first_day()),
            attended,
            capacity: e.capacity,
        });
    }
    for m in &p.facts.modules {
        let Some(n) = m.sessions else { continue };
        for session in 1..=n {
            let attended = records
                .iter()
                .filter(|r| {
                    r.attendance.iter().any(|a| {
                        a.module.value == m.id && a.sessions.iter().any(|s| s.number == session)
                    })
                })
                .count();
            out.push(Attendance {
                id: format!("{}-{session}", m.id),
                label: Text::new(
                    format!("{}, séance {session}", m.label.fr),
                    format!("{}, session {session}", m.label.en),
                ),
                date: None,
                attended,
                capacity: None,
            });
        }
    }
    out
}

/// Where the report may be written: through the build's own safety checks
/// (never the root, a source folder or a folder engage did not write),
/// and never inside the public site's output, which the workflows deploy.
pub fn check_target(root: &Path, output: &Path) -> Result<PathBuf, Diagnostic> {
    let target = crate::site::output::check_target(root, output)?;
    let public = std::fs::canonicalize(root)
        .map(|r| r.join(crate::core::layout::OUTPUT_DIR))
        .map_err(|e| {
            Diagnostic::error(
                OUTPUT_REFUSED,
                output,
                Position::new(0, 0),
                Text::new(
                    format!("racine illisible : {e}"),
                    format!("unreadable root: {e}"),
                ),
            )
        })?;
    if target.starts_with(&public) {
        return Err(Diagnostic::error(
            OUTPUT_REFUSED,
            output,
            Position::new(0, 0),
            Text::new(
                format!(
                    "le tableau de bord est privé : il ne s’écrit pas dans le site public ({})",
                    public.display()
                ),
                format!(
                    "the dashboard is private: it is not written into the public site ({})",
                    public.display()
                ),
            ),
        )
        .with_hint(Text::new(
            "laissez le dossier par défaut report/ ou indiquez-en un autre avec --output",
            "keep the default report/ folder or give another one with --output",
        )));
    }
    Ok(target)
}

/// Why an output folder was not written.
#[derive(Debug)]
pub enum WriteError {
    /// [`check_target`] refused it (exit 2, `build.output-refused`).
    Refused(Diagnostic),
    Io(std::io::Error),
}

/// Writes `files` (path in the folder, bytes) as the whole content of
/// `output`, as the build writes its site: checked, staged beside it under
/// the lock of its parent, checked again under the lock (another run may
/// have written there since), then swapped in. Returns the folder written.
pub fn write(root: &Path, output: &Path, files: &[(&str, &[u8])]) -> Result<PathBuf, WriteError> {
    let target = check_target(root, output).map_err(WriteError::Refused)?;
    let staging = crate::site::output::Staging::new(&target).map_err(WriteError::Io)?;
    check_target(root, output).map_err(WriteError::Refused)?;
    for (rel, bytes) in files {
        staging.write(rel, bytes).map_err(WriteError::Io)?;
    }
    staging.commit(None).map_err(WriteError::Io)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::Lang;

    fn student(handle: &str, flags: Vec<Flag>) -> Student {
        Student {
            handle: handle.into(),
            programme: "p".into(),
            intake: Some("2025-02".into()),
            status: Some("in-progress"),
            complete: false,
            errors: 0,
            warnings: 0,
            deadline: None,
            days_left: None,
            bars: Vec::new(),
            credits_this_year: None,
            flags,
        }
    }

    #[test]
    fn only_the_two_follow_up_flags_put_a_student_at_risk() {
        let behind = Flag::HoursBehind {
            done: "7.5".into(),
            required: "150".into(),
        };
        assert!(student("a", vec![behind]).at_risk());
        assert!(student(
            "b",
            vec![Flag::NoCreditThisYear {
                year: "2026-2027".into()
            }]
        )
        .at_risk());
        assert!(!student("c", vec![Flag::DeadlinePassed]).at_risk());
        assert_eq!(
            Share { count: 1, of: 3 }.percent().map(f64::round),
            Some(33.0)
        );
        assert_eq!(Share { count: 0, of: 0 }.percent(), None);
    }

    #[test]
    fn programme_names_are_escaped_in_the_dashboard() {
        let d = Dashboard {
            today: Date::constant(2026, 3, 1),
            programmes: vec![ProgrammeReport {
                id: "p".into(),
                name: Text::new("<script>x</script>", "<b>&</b>"),
                intakes: vec![IntakeReport {
                    intake: Some("2025-02".into()),
                    places: Some(30),
                    taken: 1,
                    students: vec![student("a", vec![Flag::DeadlinePassed])],
                }],
                shares: None,
                attendance: Vec::new(),
            }],
            unreadable: vec![Unreadable {
                handle: "<i>h</i>".into(),
                programme: None,
                errors: 1,
            }],
        };
        let page = html::render(&d, Lang::En);
        assert!(
            page.contains("<th scope=\"row\">&lt;i&gt;h&lt;/i&gt;</th>"),
            "{page}"
        );
        assert!(page.contains("<h2>&lt;b&gt;&amp;&lt;/b&gt;</h2>"), "{page}");
        assert!(!page.contains("<b>&</b>"));
    }

    #[test]
    fn the_report_is_refused_inside_the_public_site() {
        let dir = tempfile::tempdir().unwrap();
        let refused = check_target(dir.path(), &dir.path().join("public/report"));
        assert_eq!(refused.unwrap_err().rule, OUTPUT_REFUSED);
        assert!(check_target(dir.path(), &dir.path().join("report")).is_ok());
    }
}
