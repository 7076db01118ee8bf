//! Portfolio records: data/portfolios/<handle>/portfolio.yml and the files it
//! refers to.
//!
//! A record is read in two steps. serde-saphyr turns the YAML into a raw
//! shape with source positions (unknown keys, wrong types, duplicate keys and
//! alias bombs stop there, located). Then [`load`] turns the raw shape into a
//! [`Record`] of domain values (real dates, [`Hours`], a [`Handle`], known
//! module ids, files that exist inside the record folder), reporting every
//! problem it meets rather than the first. A [`Record`] is known good: the
//! checks of `check.rs` are pure functions of it, its programme and today.
//!
//! Records of different programmes have different parts (an internship for
//! CECi, years and actions for ESCOM, eligibility and attendance for CIRÉ,
//! a credential for micro-credentials): which ones follows from the rules of
//! the record's programme, and a part it does not use is refused.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Location;

use crate::core::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::core::source::{Files, Kind};
use crate::core::values::{
    mebibytes, AcademicYear, Country, Credits, Handle, Hours, Intake, Located,
};
use crate::core::yaml::{self, Loose, Many, Mapping};
use crate::records::programme::{Programme, Programmes};
use crate::records::rule::Party;
use crate::records::vocabulary::{is_placeholder, Part, Status, SupervisorRole};

/// Where records live, relative to the root: one folder per student.
pub use crate::core::layout::PORTFOLIOS_DIR as DIR;
/// The record file inside a student's folder.
pub use crate::core::layout::RECORD_FILE;
/// Far above any real record (1,000 logged days is about 80 KiB), far below
/// what would slow a check down.
pub const MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// The record's `handle:` is not the name of its folder.
pub const HANDLE_MISMATCH: RuleId = RuleId::new("record.handle-mismatch");
/// The folder is not named by a valid handle.
pub const HANDLE_INVALID: RuleId = RuleId::new("record.handle-invalid");
/// A folder of data/portfolios without a portfolio.yml.
pub const NOT_FOUND: RuleId = RuleId::new("record.not-found");
/// A file directly in data/portfolios, outside any record folder.
pub const WRONG_PLACE: RuleId = RuleId::new("record.wrong-place");
/// The record file is a symbolic link.
pub const SYMLINK: RuleId = RuleId::new("record.symlink");
/// A record file over [`MAX_RECORD_BYTES`].
pub const TOO_BIG: RuleId = RuleId::new("record.too-big");
/// A record file with nothing but blanks and comments.
pub const EMPTY: RuleId = RuleId::new("record.empty");
/// A record file that cannot be read.
pub const READ: RuleId = RuleId::new("record.read");
/// The record names no programme of data/programmes.
pub const PROGRAMME_UNKNOWN: RuleId = RuleId::new("record.programme-unknown");
/// Not a calendar date written YYYY-MM-DD (`2025-02-30`).
pub const DATE_INVALID: RuleId = RuleId::new("record.date-invalid");
/// An intake not written YYYY-MM.
pub const INTAKE_INVALID: RuleId = RuleId::new("record.intake-invalid");
/// Hours of one entry not above 0 and at most 24.
pub const HOURS_INVALID: RuleId = RuleId::new("record.hours-invalid");
/// A text (title, activity, name, path) that is empty.
pub const EMPTY_TEXT: RuleId = RuleId::new("record.empty-text");
/// A value outside its closed list (status, role, module, kind), with a did-you-mean.
pub const UNKNOWN_VALUE: RuleId = RuleId::new("record.unknown-value");
/// A module listed twice.
pub const DUPLICATE: RuleId = RuleId::new("record.duplicate");
/// A referenced file that does not exist (or is a folder).
pub const FILE_MISSING: RuleId = RuleId::new("record.file-missing");
/// A referenced path that is absolute, has `..`, or is a link leading out of the record folder.
pub const FILE_OUTSIDE: RuleId = RuleId::new("record.file-outside");
/// A part of the record (`internship:`, `years:`…) that a rule of its
/// programme needs is not written.
pub const PART_MISSING: RuleId = RuleId::new("record.part-missing");
/// A value still as the record template wrote it (`<Name of the
/// organisation>`, `...`, `XX`): a warning in progress, an error once submitted.
pub const PLACEHOLDER: RuleId = RuleId::new("record.placeholder");
/// A part of the record that no rule of its programme reads.
pub const PART_UNEXPECTED: RuleId = RuleId::new("record.part-unexpected");
/// An academic year not written `2024-2025`.
pub const YEAR_INVALID: RuleId = RuleId::new("record.year-invalid");
/// A country not written as an ISO 3166-1 alpha-2 code (`BE`).
pub const COUNTRY_INVALID: RuleId = RuleId::new("record.country-invalid");
/// A session number outside the sessions of its module, or listed twice.
pub const SESSION_INVALID: RuleId = RuleId::new("record.session-invalid");
/// An EQF level outside 1–8.
pub const LEVEL_INVALID: RuleId = RuleId::new("record.level-invalid");
/// A workload in credits that is not above zero.
pub const CREDITS_INVALID: RuleId = RuleId::new("record.credits-invalid");

/// Far above any real action (a year of weekly tutoring is about 60 h).
const MAX_ACTION_HOURS: Hours = Hours::from_minutes(1000 * 60);

/// A file of the portfolio: it exists, and lies inside the record folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFile {
    /// Relative to the record folder, as stored (the record may write it
    /// in another Unicode normalisation).
    pub path: PathBuf,
}

/// One dated entry of the internship log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub date: Located<Date>,
    /// More than zero, at most 24.
    pub hours: Located<Hours>,
}

/// The internship organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    /// A kind listed by the programme (accepted or not).
    pub kind: Option<Located<String>>,
}

/// The supervisor of the internship.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Supervisor {
    pub name: String,
    pub role: Option<Located<SupervisorRole>>,
}

/// The internship part of a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Internship {
    pub organisation: Organisation,
    /// The student sits on the committee or bureau of the organisation.
    pub committee_member: bool,
    pub supervisor: Supervisor,
    /// Signature date per party, for the parties that signed.
    pub agreement: Vec<(Party, Located<Date>)>,
    /// Parties whose signature is written with something that is not a
    /// date (reported as such): signed, but on an unknown day.
    pub agreement_unreadable: Vec<Party>,
    /// Where `agreement:` is, when it is written.
    pub agreement_at: Option<Position>,
    pub entries: Vec<Entry>,
    /// Where the list of hours starts, when it is written.
    pub entries_at: Option<Position>,
}

/// A completed online module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleDone {
    /// A module id of the programme.
    pub id: String,
    pub completed: Located<Date>,
}

/// A workshop attended: the id of its event in the calendar
/// (data/calendar/), which gives its date and title. Whether that event
/// exists and counts is for the check, which has the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workshop {
    /// Not empty; listed once in the record.
    pub event: Located<String>,
}

/// A production of the portfolio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Production {
    pub title: String,
    /// A production kind of the programme, when the one written is known.
    pub kind: Option<String>,
    /// The file, when it exists inside the record folder.
    pub file: Option<RecordFile>,
}

impl Production {
    /// Counts towards the required number of productions.
    pub fn is_complete(&self) -> bool {
        !self.title.is_empty() && self.kind.is_some() && self.file.is_some()
    }
}

/// An academic year the student followed, and its cycle (ESCOM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolYear {
    pub year: Located<AcademicYear>,
    /// A cycle id of the programme.
    pub cycle: String,
}

/// A credit-bearing action (ESCOM): tutoring, mentoring…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// An action kind of the programme.
    pub kind: String,
    pub title: String,
    pub year: Located<AcademicYear>,
    /// A cycle id of the programme.
    pub cycle: Located<String>,
    pub presence: Hours,
    pub preparation: Hours,
    /// Where the hours are written.
    pub hours_at: Position,
}

impl Action {
    /// Presence and preparation together: what the credit scale counts.
    pub fn hours(&self) -> Hours {
        self.presence.saturating_add(self.preparation)
    }
}

/// Eligibility at registration (CIRÉ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// The day the residence permit was issued.
    /// `None` while the template's placeholder is still there (reported).
    pub residence_permit: Option<Located<Date>>,
    pub nationalities: Vec<Located<Country>>,
    /// Languages spoken, as ISO 639-1 codes (`fr`, `ar`).
    pub languages: Vec<String>,
    /// Where `languages:` is.
    pub languages_at: Position,
}

/// A session attended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAttended {
    /// From 1 to the module's number of sessions.
    pub number: u32,
    pub date: Located<Date>,
}

/// Attendance of one module of workshops (CIRÉ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleAttendance {
    /// A module id of the programme that has sessions.
    pub module: Located<String>,
    /// Distinct sessions, each within the module.
    pub sessions: Vec<SessionAttended>,
    /// The day the attendance certificate was handed over, if it was.
    pub certificate: Option<Located<Date>>,
}

/// A micro-credential as issued to one learner: each element is optional
/// while the record is in progress (a missing one is progress).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credential {
    pub learner: Option<String>,
    pub title: Option<String>,
    pub country: Option<Located<Country>>,
    pub awarding_body: Option<String>,
    pub issued: Option<Located<Date>>,
    pub learning_outcomes: Vec<String>,
    /// Above zero.
    pub workload: Option<Located<Credits>>,
    /// From 1 to 8.
    pub eqf_level: Option<u8>,
    pub assessment: Option<String>,
    pub participation: Option<String>,
    pub quality_assurance: Option<String>,
    /// Where `credential:` is.
    pub at: Position,
}

impl Credential {
    /// The element is given (and well formed).
    pub fn has(&self, e: crate::records::rule::Element) -> bool {
        use crate::records::rule::Element as E;
        match e {
            E::Learner => self.learner.is_some(),
            E::Title => self.title.is_some(),
            E::Country => self.country.is_some(),
            E::AwardingBody => self.awarding_body.is_some(),
            E::Issued => self.issued.is_some(),
            E::LearningOutcomes => !self.learning_outcomes.is_empty(),
            E::WorkloadEcts => self.workload.is_some(),
            E::EqfLevel => self.eqf_level.is_some(),
            E::Assessment => self.assessment.is_some(),
            E::Participation => self.participation.is_some(),
            E::QualityAssurance => self.quality_assurance.is_some(),
        }
    }
}

/// A student's record, loaded and known good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub handle: Handle,
    /// The record folder, relative to the root (`data/portfolios/alice`).
    pub dir: PathBuf,
    /// The record file, relative to the root: diagnostics point into it.
    pub file: PathBuf,
    pub programme: String,
    pub status: Located<Status>,
    /// The enrolment (CECi) or registration (CIRÉ) date, when the
    /// programme's records have one.
    pub enrolment: Option<Located<Date>>,
    pub intake: Option<Located<Intake>>,
    pub internship: Option<Internship>,
    pub modules: Vec<ModuleDone>,
    pub modules_at: Option<Position>,
    pub workshops: Vec<Workshop>,
    pub productions: Vec<Production>,
    pub productions_at: Option<Position>,
    pub analysis: Option<RecordFile>,
    pub assessment: Option<RecordFile>,
    pub years: Vec<SchoolYear>,
    pub actions: Vec<Action>,
    pub actions_at: Option<Position>,
    pub eligibility: Option<Eligibility>,
    pub attendance: Vec<ModuleAttendance>,
    pub attendance_at: Option<Position>,
    pub credential: Option<Credential>,
}

// ---------------------------------------------------------------------------
// Raw shape, as written

type S<T> = yaml::Span<T>;

/// A student's record in data/portfolios/<handle>/portfolio.yml: which
/// parts it has depends on its programme (see `engage new portfolio`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "engage portfolio record")]
struct RecordDef {
    #[schemars(with = "String")]
    programme: S<Loose>,
    #[schemars(with = "String")]
    handle: S<Loose>,
    #[schemars(with = "Status")]
    status: S<Loose>,
    #[serde(default)]
    #[schemars(with = "Option<EnrolmentDef>")]
    enrolment: Option<S<Mapping<EnrolmentDef>>>,
    #[serde(default)]
    #[schemars(with = "Option<InternshipDef>")]
    internship: Option<S<Mapping<InternshipDef>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<ModuleDef>>")]
    modules: Option<S<Many<S<Mapping<ModuleDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<WorkshopDef>>")]
    workshops: Option<S<Many<S<Mapping<WorkshopDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<ProductionDef>>")]
    productions: Option<S<Many<S<Mapping<ProductionDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    analysis: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    assessment: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<YearDef>>")]
    years: Option<S<Many<S<Mapping<YearDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<ActionDef>>")]
    actions: Option<S<Many<S<Mapping<ActionDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<EligibilityDef>")]
    eligibility: Option<S<Mapping<EligibilityDef>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<AttendanceDef>>")]
    attendance: Option<S<Many<S<Mapping<AttendanceDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<CredentialDef>")]
    credential: Option<S<Mapping<CredentialDef>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EnrolmentDef {
    #[schemars(with = "String")]
    date: S<Loose>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    intake: Option<S<Loose>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct YearDef {
    #[schemars(with = "String")]
    year: S<Loose>,
    #[schemars(with = "String")]
    cycle: S<Loose>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ActionDef {
    #[schemars(with = "String")]
    kind: S<Loose>,
    #[schemars(with = "String")]
    title: S<Loose>,
    #[schemars(with = "String")]
    year: S<Loose>,
    #[schemars(with = "String")]
    cycle: S<Loose>,
    #[schemars(with = "f64")]
    presence_hours: S<Loose>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    preparation_hours: Option<S<Loose>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EligibilityDef {
    #[schemars(with = "String")]
    residence_permit: S<Loose>,
    #[schemars(with = "Vec<String>")]
    nationalities: S<Many<S<Loose>>>,
    #[schemars(with = "Vec<String>")]
    languages: S<Many<S<Loose>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AttendanceDef {
    #[schemars(with = "String")]
    module: S<Loose>,
    #[serde(default)]
    #[schemars(with = "Vec<SessionDef>")]
    sessions: Option<S<Many<S<Mapping<SessionDef>>>>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    certificate: Option<S<Loose>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SessionDef {
    #[schemars(with = "u32")]
    session: S<Loose>,
    #[schemars(with = "String")]
    date: S<Loose>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CredentialDef {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    learner: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    title: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    country: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    awarding_body: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    issued: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    learning_outcomes: Option<S<Many<S<Loose>>>>,
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    workload_ects: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    eqf_level: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    assessment: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    participation: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    quality_assurance: Option<S<Loose>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct InternshipDef {
    #[schemars(with = "OrganisationDef")]
    organisation: S<Mapping<OrganisationDef>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    mission: Option<S<Loose>>,
    #[serde(default = "not_a_member")]
    #[schemars(with = "bool")]
    committee_member: Option<S<Loose>>,
    #[schemars(with = "SupervisorDef")]
    supervisor: S<Mapping<SupervisorDef>>,
    #[serde(default)]
    #[schemars(with = "Option<AgreementDef>")]
    agreement: Option<S<Mapping<AgreementDef>>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<EntryDef>>")]
    hours: Option<S<Many<S<Mapping<EntryDef>>>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct OrganisationDef {
    #[schemars(with = "String")]
    name: S<Loose>,
    #[schemars(with = "String")]
    kind: S<Loose>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SupervisorDef {
    #[schemars(with = "String")]
    name: S<Loose>,
    #[schemars(with = "SupervisorRole")]
    role: S<Loose>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AgreementDef {
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    student: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    organisation: Option<S<Loose>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    university: Option<S<Loose>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EntryDef {
    #[schemars(with = "String")]
    date: S<Loose>,
    #[schemars(with = "f64")]
    hours: S<Loose>,
    #[schemars(with = "String")]
    activity: S<Loose>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ModuleDef {
    #[schemars(with = "String")]
    id: S<Loose>,
    #[schemars(with = "String")]
    completed: S<Loose>,
}

/// A workshop attended, named by its event id in data/calendar/
/// (`{ event: atelier-2025-10 }`); its date and title come from there.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct WorkshopDef {
    #[schemars(with = "String")]
    event: S<Loose>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProductionDef {
    #[schemars(with = "String")]
    title: S<Loose>,
    #[schemars(with = "String")]
    kind: S<Loose>,
    #[schemars(with = "String")]
    file: S<Loose>,
}

/// `committee_member:` left out: not on the committee.
fn not_a_member() -> Option<S<Loose>> {
    Some(S::new(
        Loose::Bool(false),
        Location::UNKNOWN,
        Location::UNKNOWN,
    ))
}

/// `eligibility:` once each value is known to be a scalar.
struct EligibilityTexts {
    residence_permit: S<String>,
    nationalities: Vec<S<String>>,
    languages: S<Vec<S<String>>>,
}

/// `credential:` once each value is known to be of its type.
struct CredentialValues {
    learner: Option<S<String>>,
    title: Option<S<String>>,
    country: Option<S<String>>,
    awarding_body: Option<S<String>>,
    issued: Option<S<String>>,
    learning_outcomes: Option<Vec<S<String>>>,
    workload_ects: Option<S<f64>>,
    eqf_level: Option<S<i64>>,
    assessment: Option<S<String>>,
    participation: Option<S<String>>,
    quality_assurance: Option<S<String>>,
}

// ---------------------------------------------------------------------------
// Loading

/// Every record folder under `root`/data/portfolios, sorted, relative to the
/// root; stray files there are reported.
pub fn discover(files: &Files) -> (Vec<PathBuf>, Diagnostics) {
    let mut ds = Diagnostics::new();
    let mut dirs = Vec::new();
    let Ok(entries) = files.list(Path::new(DIR)) else {
        return (dirs, ds);
    };
    for e in entries {
        let name = e.name.as_str();
        if name.starts_with('.') {
            continue;
        }
        let rel = Path::new(DIR).join(name);
        match e.kind {
            Kind::Dir => dirs.push(rel),
            _ => ds.push(
                Diagnostic::error(
                    WRONG_PLACE,
                    &rel,
                    Position::file(),
                    Text::new(
                        format!("`{name}` n’est pas un dossier de portfolio"),
                        format!("`{name}` is not a portfolio folder"),
                    ),
                )
                .with_hint(Text::new(
                    format!("un portfolio se trouve dans {DIR}/<pseudo>/{RECORD_FILE}"),
                    format!("a record lives in {DIR}/<handle>/{RECORD_FILE}"),
                )),
            ),
        }
    }
    dirs.sort();
    (dirs, ds)
}

/// The JSON Schema of record files (data/portfolios/<handle>/portfolio.yml),
/// for editors: every part of every programme, all optional but the head.
pub fn record_schema() -> schemars::Schema {
    schemars::schema_for!(RecordDef)
}

/// Loads every record folder of `dirs` (relative to `root`), in parallel.
pub fn load_all(
    files: &Files,
    dirs: &[PathBuf],
    programmes: &Programmes,
) -> (Vec<Record>, Diagnostics) {
    let results: Vec<(Option<Record>, Diagnostics)> = dirs
        .par_iter()
        .map(|d| load(files, d, programmes))
        .collect();
    let mut ds = Diagnostics::new();
    let mut records = Vec::with_capacity(results.len());
    for (r, rds) in results {
        ds.extend(rds);
        records.extend(r);
    }
    (records, ds)
}

/// Loads the record in `dir` (relative to the root). Returns `None` when the
/// record cannot be checked (unreadable, not YAML, unknown programme, no
/// valid enrolment), with every problem found.
pub fn load(files: &Files, dir: &Path, programmes: &Programmes) -> (Option<Record>, Diagnostics) {
    let mut ds = Diagnostics::new();
    let file = dir.join(RECORD_FILE);
    let size = match files.kind(&file) {
        Some(Kind::File) => files.size(&file).unwrap_or(0),
        // Followed, a link would show another file's lines (anything the
        // runner can read) in the check's output.
        Some(Kind::Symlink) => {
            ds.push(
                Diagnostic::error(
                    SYMLINK,
                    &file,
                    Position::file(),
                    Text::new(
                        format!("{RECORD_FILE} est un lien symbolique"),
                        format!("{RECORD_FILE} is a symbolic link"),
                    ),
                )
                .with_hint(Text::new(
                    "remplacez le lien par le fichier lui-même",
                    "replace the link with the file itself",
                )),
            );
            return (None, ds);
        }
        _ => {
            // The record under another spelling of its name (`.yaml`,
            // capitals): renaming it is the fix, and "remove the folder"
            // would lose the productions beside it.
            let near = files.list(dir).ok().and_then(|entries| {
                entries
                    .into_iter()
                    .filter(|e| e.kind == Kind::File && e.name != RECORD_FILE)
                    .map(|e| e.name)
                    .find(|n| {
                        let n = n.to_lowercase();
                        n == "portfolio.yaml" || n == RECORD_FILE
                    })
            });
            let hint = match near {
                Some(name) => Text::new(
                    format!("renommez `{name}` en `{RECORD_FILE}`"),
                    format!("rename `{name}` to `{RECORD_FILE}`"),
                ),
                None => Text::new(
                    format!("créez-le avec `engage new portfolio` ; un dossier sans {RECORD_FILE} n’est pas un portfolio"),
                    format!("create it with `engage new portfolio`; a folder without {RECORD_FILE} is not a record"),
                ),
            };
            ds.push(
                Diagnostic::error(
                    NOT_FOUND,
                    dir,
                    Position::file(),
                    Text::new(
                        format!("ce dossier n’a pas de fichier {RECORD_FILE}"),
                        format!("this folder has no {RECORD_FILE} file"),
                    ),
                )
                .with_hint(hint),
            );
            return (None, ds);
        }
    };
    if size > MAX_RECORD_BYTES {
        ds.push(Diagnostic::error(TOO_BIG, &file, Position::file(), {
            let (size, max) = (mebibytes(size), mebibytes(MAX_RECORD_BYTES));
            Text::new(
                format!("le fichier fait {}, la limite est {}", size.fr, max.fr),
                format!("the file has {}, the limit is {}", size.en, max.en),
            )
        })
        .with_hint(Text::new(
            "un portfolio tient en quelques pages : retirez ce qui y a été collé par erreur, et gardez les productions dans leurs propres fichiers",
            "a record fits in a few pages: remove what was pasted into it by mistake, and keep productions in files of their own",
        )));
        return (None, ds);
    }
    let text = match files.text(&file) {
        Ok(t) => t,
        Err(e) => {
            ds.push(e.into_diagnostic(READ, &file));
            return (None, ds);
        }
    };
    let (record, more) = parse(&text, files, dir, programmes);
    ds.extend(more);
    (record, ds)
}

/// Turns the text of the record file of `dir` (relative to the root) into a
/// [`Record`]. Files the record names are looked up in `files`, under `dir`.
pub fn parse(
    text: &str,
    files: &Files,
    dir: &Path,
    programmes: &Programmes,
) -> (Option<Record>, Diagnostics) {
    let file = dir.join(RECORD_FILE);
    // An empty record would otherwise get a puzzling "wrong type" error.
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        let d = Diagnostic::error(
            EMPTY,
            &file,
            Position::file(),
            Text::new("ce portfolio est vide", "this record is empty"),
        )
        .with_hint(Text::new(
            "partez du modèle : `engage new portfolio --programme ceci --handle <pseudo>`",
            "start from the template: `engage new portfolio --programme ceci --handle <handle>`",
        ));
        return (None, std::iter::once(d).collect());
    }
    let schema = || serde_json::to_value(record_schema()).unwrap_or_default();
    let cx = |patch| Cx {
        files,
        dir: dir.to_path_buf(),
        file: file.clone(),
        ds: Diagnostics::new(),
        submitted: false,
        named: HashMap::new(),
        patch,
    };
    let def: RecordDef = match yaml::parse_with_schema_standing_in(text, &file, 1, schema) {
        Ok(def) => def,
        Err((found, stood_in)) => {
            let mut ds: Diagnostics = found.into_iter().collect();
            // A missing key must not hide what else is wrong: what was
            // written is checked as if the keys were there, and only its
            // own problems are said. No record: it is not complete.
            if let Some(yaml::StandIn { value, patch }) = stood_in {
                let mut cx = cx(Some(&patch));
                let _ = cx.record(value, dir, programmes);
                ds.extend(cx.ds.into_iter().filter_map(|d| patch.restore(d)));
            }
            return (None, ds);
        }
    };
    let mut cx = cx(None);
    let record = cx.record(def, dir, programmes);
    (record, cx.ds)
}

/// What converting one record needs: where it is, and where problems go.
struct Cx<'f> {
    /// Where the files the record names are looked up.
    files: &'f Files,
    /// The record folder, relative to the root.
    dir: PathBuf,
    /// The record file relative to the root, for diagnostics.
    file: PathBuf,
    ds: Diagnostics,
    /// The record says `status: submitted`: what is still a placeholder is
    /// an error then, a warning before.
    submitted: bool,
    /// The files named so far (path in the folder, parts only), where and
    /// as what: each counts for one piece of the record.
    named: HashMap<PathBuf, (Position, Piece)>,
    /// What was put into the text for its missing keys, when it is read
    /// with stand-ins: positions said in a message are put back with it.
    patch: Option<&'f yaml::Patch>,
}

impl Cx<'_> {
    /// `at` as the author sees it: where it is in the text as written.
    fn shown(&self, at: Position) -> Position {
        self.patch
            .and_then(|p| p.restore_position(at))
            .unwrap_or(at)
    }
}

/// What a file of the record is named as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Production,
    Analysis,
    Assessment,
}

impl Piece {
    fn label(self) -> Text {
        match self {
            Piece::Production => Text::new("une production", "a production"),
            Piece::Analysis => Text::new("l’analyse réflexive", "the self-reflective analysis"),
            Piece::Assessment => Text::new("la grille d’évaluation", "the assessment grid"),
        }
    }
}

fn pos(loc: &Location) -> Position {
    yaml::position(loc, 1)
}

fn pos_of(s: &S<String>) -> Position {
    pos(&s.referenced).with_len(s.value.chars().count() as u32)
}

/// Where a value as written is, its whole length under the caret (quotes
/// included), whatever its type.
fn pos_loose(s: &S<Loose>) -> Position {
    let len = match s.referenced.span().len() {
        0 => s.value.as_text().map_or(1, |t| t.chars().count()),
        n => n as usize,
    };
    pos(&s.referenced).with_len(len as u32)
}

/// The last key of a path (`hours` in `internship.hours[3].hours`), for
/// the example line of a message.
fn leaf(key: &str) -> &str {
    let last = key.rsplit('.').next().unwrap_or(key);
    last.split('[').next().unwrap_or(last)
}

/// The key of a field of a list's item (`internship.hours[3].date`,
/// counted from 1), written out only when a message names it: a record has
/// hundreds of such fields and almost never an error in them.
struct ItemField<'a> {
    list: &'a str,
    index: usize,
    field: &'static str,
}

impl std::fmt::Display for ItemField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}[{}].{}", self.list, self.index + 1, self.field)
    }
}

/// What a key expects, in words: texts made only when a message needs
/// them, as every value of every record goes through here.
#[derive(Debug, Clone, Copy)]
struct Expect {
    fr: &'static str,
    en: &'static str,
}

impl Expect {
    fn text(self) -> Text {
        Text::new(self.fr, self.en)
    }
}

fn expects(fr: &'static str, en: &'static str) -> Expect {
    Expect { fr, en }
}

impl Cx<'_> {
    fn error(&mut self, rule: RuleId, at: Position, message: Text, hint: Option<Text>) {
        let d = Diagnostic::error(rule, &self.file, at, message);
        self.ds.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    /// Reports that `key` holds `found` where `expected` is due, with the
    /// line to write instead.
    fn wrong_type(
        &mut self,
        key: &(impl std::fmt::Display + ?Sized),
        at: Position,
        expected: Expect,
        found: &Loose,
        example: &str,
    ) {
        self.ds.push(yaml::wrong_type(
            &self.file,
            at,
            &key.to_string(),
            &expected.text(),
            found,
            example,
        ));
    }

    /// A scalar as text (a number or a date written plainly is text too);
    /// nothing, a list or a mapping is reported under `key`, with `example`.
    fn scalar(
        &mut self,
        key: &str,
        s: &S<Loose>,
        what: Expect,
        example: &str,
    ) -> Option<S<String>> {
        self.scalar_with(key, s, what, || example.to_string())
    }

    /// [`Self::scalar`], the example made only when it is shown.
    fn scalar_with(
        &mut self,
        key: &(impl std::fmt::Display + ?Sized),
        s: &S<Loose>,
        what: Expect,
        example: impl FnOnce() -> String,
    ) -> Option<S<String>> {
        match s.value.as_text() {
            Some(t) => Some(S::new(t, s.referenced, s.defined)),
            None => {
                self.wrong_type(key, pos_loose(s), what, &s.value, &example());
                None
            }
        }
    }

    /// A word of a closed list (a status, a kind, a role) under `key`.
    fn word(&mut self, key: &str, s: &S<Loose>, example: &str) -> Option<S<String>> {
        self.scalar(key, s, expects("un mot", "a word"), example)
    }

    /// A date under `key`, written YYYY-MM-DD.
    fn date_at(
        &mut self,
        key: &(impl std::fmt::Display + ?Sized),
        s: &S<Loose>,
    ) -> Option<Located<Date>> {
        let s = self.scalar_with(
            key,
            s,
            expects("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
            || format!("{}: 2025-03-14", leaf(&key.to_string())),
        )?;
        self.date(&s)
    }

    /// A number under `key`; a text such as `150h` is reported with the
    /// number it starts with as the correction (`hours: 150`), else
    /// `fallback`.
    fn number(
        &mut self,
        key: &(impl std::fmt::Display + ?Sized),
        s: &S<Loose>,
        what: Expect,
        fallback: &str,
    ) -> Option<S<f64>> {
        if let Some(n) = s.value.as_number() {
            return Some(S::new(n, s.referenced, s.defined));
        }
        let key = key.to_string();
        let leaf = leaf(&key);
        let n = s.value.number_in_text();
        let example = format!("{leaf}: {}", n.as_deref().unwrap_or(fallback));
        self.wrong_type(&key, pos_loose(s), what, &s.value, &example);
        None
    }

    /// The items of a list under `key`; anything else is reported with
    /// `example`, and read as no item.
    fn many<T>(&mut self, key: &str, s: S<Many<T>>, example: &str) -> Vec<T> {
        match s.value {
            Many::Items(items) => items,
            Many::Not(Loose::Null) => Vec::new(),
            Many::Not(found) => {
                let at = S::new(found, s.referenced, s.defined);
                self.wrong_type(
                    key,
                    pos_loose(&at),
                    expects("une liste", "a list"),
                    &at.value,
                    example,
                );
                Vec::new()
            }
        }
    }

    /// The items of a list of mappings under `key`, each with its own key
    /// (`internship.hours[3]`, counted from 1); an item that is not a
    /// mapping is reported with `example` and left out.
    fn items<T>(
        &mut self,
        key: &str,
        items: Vec<S<Mapping<T>>>,
        example: &str,
    ) -> Vec<(String, T)> {
        self.indexed_items(key, items, example)
            .into_iter()
            .map(|(i, t)| (format!("{key}[{}]", i + 1), t))
            .collect()
    }

    /// [`Self::items`] with each item's index (from 0) instead of its key,
    /// for long lists whose keys are seldom shown.
    fn indexed_items<T>(
        &mut self,
        key: &str,
        items: Vec<S<Mapping<T>>>,
        example: &str,
    ) -> Vec<(usize, T)> {
        let mut out = Vec::with_capacity(items.len());
        // One mistake repeated (every item written the same wrong way, or
        // a bomb of aliases) is one error: the first, with the count.
        let mut wrong: Vec<(String, S<Loose>)> = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match item.value {
                Mapping::Map(t) => out.push((i, t)),
                Mapping::Not(found) => wrong.push((
                    format!("{key}[{}]", i + 1),
                    S::new(found, item.referenced, item.defined),
                )),
            }
        }
        if let Some((first, found)) = wrong.first() {
            let mut d = yaml::wrong_type(
                &self.file,
                pos_loose(found),
                first,
                &expects(
                    "un ensemble de clés (clé: valeur)",
                    "a mapping (key: value)",
                )
                .text(),
                &found.value,
                example,
            );
            if wrong.len() > 1 {
                let more = wrong.len() - 1;
                d.message
                    .fr
                    .push_str(&format!(" (et {more} autre(s) élément(s) de `{key}`)"));
                d.message
                    .en
                    .push_str(&format!(" (and {more} other item(s) of `{key}`)"));
            }
            self.ds.push(d);
        }
        out
    }

    /// A path to a file of the record under `key`.
    fn path_at(&mut self, key: &str, s: &S<Loose>) -> Option<S<String>> {
        self.scalar_with(
            key,
            s,
            expects("un chemin de fichier", "a file path"),
            || format!("{key}: productions/plan.md"),
        )
    }

    /// A free text under `key` (a number written there is text too);
    /// nothing written is an empty text.
    fn text_at(&mut self, key: &str, s: &S<Loose>) -> String {
        let s = match &s.value {
            Loose::Null => S::new(String::new(), s.referenced, s.defined),
            _ => match self.scalar_with(key, s, expects("un texte", "a text"), || {
                format!("{}: …", leaf(key))
            }) {
                Some(s) => s,
                None => return String::new(),
            },
        };
        self.text(key, &s)
    }

    /// The mapping under `key`; anything else is reported with `example`.
    fn mapping<T>(&mut self, key: &str, s: S<Mapping<T>>, example: &str) -> Option<T> {
        match s.value {
            Mapping::Map(t) => Some(t),
            Mapping::Not(found) => {
                let at = S::new(found, s.referenced, s.defined);
                self.wrong_type(
                    key,
                    pos_loose(&at),
                    expects(
                        "un ensemble de clés (clé: valeur)",
                        "a mapping (key: value)",
                    ),
                    &at.value,
                    example,
                );
                None
            }
        }
    }

    fn record(
        &mut self,
        mut def: RecordDef,
        dir: &Path,
        programmes: &Programmes,
    ) -> Option<Record> {
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let written_handle = self.word("handle", &def.handle, &format!("handle: {folder}"));
        let handle = written_handle.and_then(|h| self.handle(&folder, &h));
        let named = self.word("programme", &def.programme, "programme: ceci");
        let programme = match named.as_ref().map(|n| (n, programmes.get(&n.value))) {
            None => None,
            Some((_, Some(p))) => Some(p),
            // Its own errors are reported; this record waits for a fix.
            Some((n, None)) if programmes.is_broken(&n.value) => None,
            Some((named, None)) => {
                let hint = match did_you_mean(&named.value, programmes.ids()) {
                    Some(k) => Text::new(
                        format!("vouliez-vous dire `{k}` ?"),
                        format!("did you mean `{k}`?"),
                    ),
                    None => Text::new(
                        format!(
                            "programmes connus : {}",
                            programmes.ids().collect::<Vec<_>>().join(", ")
                        ),
                        format!(
                            "known programmes: {}",
                            programmes.ids().collect::<Vec<_>>().join(", ")
                        ),
                    ),
                };
                self.error(
                    PROGRAMME_UNKNOWN,
                    pos_of(named),
                    Text::new(
                        format!("programme inconnu `{}`", named.value),
                        format!("unknown programme `{}`", named.value),
                    ),
                    Some(hint),
                );
                None
            }
        };
        let written_status = self.word("status", &def.status, "status: in-progress");
        let status = written_status
            .as_ref()
            .and_then(|s| Status::parse(&s.value));
        self.submitted = status == Some(Status::Submitted);
        let status = match (status, &written_status) {
            (Some(s), Some(w)) => Some(Located {
                value: s,
                at: pos_of(w),
            }),
            (_, Some(w)) => {
                self.unknown(w, "status", ["in-progress", "submitted"]);
                None
            }
            (_, None) => None,
        };
        if let Some(p) = programme {
            self.parts(&mut def, p);
        }
        // A part written with a mistake stops the record from being
        // checked (`ok`), as a wrong date would give misleading verdicts.
        let mut ok = true;
        let enrolment_def = def.enrolment.and_then(|e| {
            self.mapping(
                "enrolment",
                e,
                "enrolment: { date: 2025-09-22, intake: 2025-10 }",
            )
        });
        let (enrolment, intake) = match enrolment_def {
            None => (None, None),
            Some(e) => {
                let date = self.date_at("enrolment.date", &e.date);
                ok &= date.is_some();
                let intake = e.intake.map(|i| {
                    self.scalar(
                        "enrolment.intake",
                        &i,
                        expects("une année et un mois AAAA-MM", "a year and month YYYY-MM"),
                        "intake: 2025-10",
                    )
                    .and_then(|i| self.intake(&i))
                });
                if let Some(None) = intake {
                    ok = false;
                }
                (date, intake.flatten())
            }
        };
        // Everything below is checked even without a programme, so that one
        // run reports every problem; vocabulary checks need the programme.
        let internship = def
            .internship
            .and_then(|i| {
                self.mapping(
                    "internship",
                    i,
                    "internship: { organisation: …, supervisor: …, hours: … }",
                )
            })
            .map(|i| self.internship(i, programme));
        let (modules, modules_at) = match def.modules {
            Some(m) => {
                let at = pos(&m.referenced);
                let items = self.many(
                    "modules",
                    m,
                    "modules: [{ id: communication, completed: 2025-11-03 }]",
                );
                let items = self.items(
                    "modules",
                    items,
                    "{ id: communication, completed: 2025-11-03 }",
                );
                (self.modules(items, programme), Some(at))
            }
            None => (Vec::new(), None),
        };
        let workshops = match def.workshops {
            Some(w) => {
                let items = self.many("workshops", w, "workshops: [{ event: atelier-2025-10 }]");
                let items = self.items("workshops", items, "{ event: atelier-2025-10 }");
                self.workshops(items)
            }
            None => Vec::new(),
        };
        // The analysis and the grid first: a production that reuses one of
        // their files is the one reported.
        let analysis = def
            .analysis
            .and_then(|a| self.path_at("analysis", &a))
            .and_then(|a| self.file(&a, Piece::Analysis));
        let assessment = def
            .assessment
            .and_then(|a| self.path_at("assessment", &a))
            .and_then(|a| self.file(&a, Piece::Assessment));
        let (productions, productions_at) = match def.productions {
            Some(p) => {
                let at = pos(&p.referenced);
                let example = "{ title: …, kind: meeting-minutes, file: productions/pv.md }";
                let items = self.many("productions", p, &format!("productions: [{example}]"));
                let items = self.items("productions", items, example);
                (self.productions(items, programme), Some(at))
            }
            None => (Vec::new(), None),
        };
        let mut years: Vec<SchoolYear> = Vec::new();
        let year_defs = match def.years {
            Some(y) => {
                let example = "{ year: 2025-2026, cycle: preparatory }";
                let items = self.many("years", y, &format!("years: [{example}]"));
                self.items("years", items, example)
            }
            None => Vec::new(),
        };
        for (key, y) in year_defs {
            let cycle = self
                .word(&format!("{key}.cycle"), &y.cycle, "cycle: preparatory")
                .and_then(|c| self.cycle(&c, programme));
            let year = self
                .scalar(
                    &format!("{key}.year"),
                    &y.year,
                    expects("une année académique", "an academic year"),
                    "year: 2025-2026",
                )
                .and_then(|y| self.academic_year(&y));
            ok &= year.is_some() && cycle.is_some();
            let (Some(year), Some(cycle)) = (year, cycle) else {
                continue;
            };
            // One cycle per year: a year listed twice would count twice.
            if years.iter().any(|x| x.year.value == year.value) {
                ok = false;
                self.error(
                    DUPLICATE,
                    year.at,
                    Text::new(
                        format!("l’année {} est inscrite deux fois", year.value),
                        format!("the year {} is listed twice", year.value),
                    ),
                    Some(Text::new(
                        "gardez une seule ligne par année, avec le cycle suivi cette année-là",
                        "keep one line per year, with the cycle followed that year",
                    )),
                );
                continue;
            }
            years.push(SchoolYear {
                year,
                cycle: cycle.value,
            });
        }
        let actions_at = def.actions.as_ref().map(|a| pos(&a.referenced));
        let action_defs = match def.actions {
            Some(a) => {
                let example = "{ kind: tutoring, title: …, year: 2025-2026, cycle: preparatory, presence_hours: 12 }";
                let items = self.many("actions", a, &format!("actions: [{example}]"));
                self.items("actions", items, example)
            }
            None => Vec::new(),
        };
        let actions = action_defs
            .into_iter()
            .filter_map(|(key, a)| self.action(&key, a, programme))
            .collect();
        let eligibility = def.eligibility.and_then(|e| {
            let at = pos(&e.referenced);
            let example = "eligibility: { residence_permit: 2024-05-02, nationalities: [MA], languages: [fr] }";
            let el = self
                .mapping("eligibility", e, example)
                .and_then(|e| self.eligibility(e, at));
            ok &= el.is_some();
            el
        });
        let attendance_at = def.attendance.as_ref().map(|a| pos(&a.referenced));
        let attendance = match def.attendance {
            Some(a) => {
                let example = "{ module: m1, sessions: [{ session: 1, date: 2025-10-06 }] }";
                let items = self.many("attendance", a, &format!("attendance: [{example}]"));
                let items = self.items("attendance", items, example);
                self.attendance(items, programme)
            }
            None => Vec::new(),
        };
        let credential = def.credential.and_then(|c| {
            let at = pos(&c.referenced);
            let cred = self
                .mapping("credential", c, "credential: { learner: …, title: … }")
                .and_then(|c| self.credential(c, at));
            ok &= cred.is_some();
            cred
        });
        if !ok {
            return None;
        }
        Some(Record {
            handle: handle?,
            dir: dir.to_path_buf(),
            file: self.file.clone(),
            programme: programme?.id.clone(),
            status: status?,
            enrolment,
            intake,
            internship,
            modules,
            modules_at,
            workshops,
            productions,
            productions_at,
            analysis,
            assessment,
            years,
            actions,
            actions_at,
            eligibility,
            attendance,
            attendance_at,
            credential,
        })
    }

    /// Which parts are written, and where: a part no rule of `p` reads is
    /// refused and dropped from `def` (so that its vocabulary is not looked
    /// up in a programme that has none); a part a rule needs is reported
    /// missing, and the rules that need it skip the record.
    fn parts(&mut self, def: &mut RecordDef, p: &Programme) {
        let written: Vec<(Part, Position)> = [
            (
                Part::Enrolment,
                def.enrolment.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Intake,
                def.enrolment
                    .as_ref()
                    .and_then(|e| match &e.value {
                        Mapping::Map(e) => e.intake.as_ref(),
                        Mapping::Not(_) => None,
                    })
                    .map(|x| pos(&x.referenced)),
            ),
            (
                Part::Internship,
                def.internship.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Modules,
                def.modules.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Workshops,
                def.workshops.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Productions,
                def.productions.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Analysis,
                def.analysis.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Assessment,
                def.assessment.as_ref().map(|x| pos(&x.referenced)),
            ),
            (Part::Years, def.years.as_ref().map(|x| pos(&x.referenced))),
            (
                Part::Actions,
                def.actions.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Eligibility,
                def.eligibility.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Attendance,
                def.attendance.as_ref().map(|x| pos(&x.referenced)),
            ),
            (
                Part::Credential,
                def.credential.as_ref().map(|x| pos(&x.referenced)),
            ),
        ]
        .into_iter()
        .filter_map(|(p, at)| at.map(|at| (p, at)))
        .collect();
        let expected = p.record_parts();
        let required: Vec<Part> = p.required_parts();
        for (part, at) in &written {
            // Intake lives inside enrolment: when enrolment itself is
            // refused, that one error covers it.
            if expected.contains(part)
                || (*part == Part::Intake && !expected.contains(&Part::Enrolment))
            {
                continue;
            }
            self.error(
                PART_UNEXPECTED,
                *at,
                Text::new(
                    format!(
                        "le programme `{}` n’utilise pas `{}:`",
                        p.id,
                        part.key()
                    ),
                    format!("the programme `{}` does not use `{}:`", p.id, part.key()),
                ),
                Some(Text::new(
                    format!(
                        "retirez cette partie ; `engage new portfolio --programme {}` montre les parties attendues",
                        p.id
                    ),
                    format!(
                        "remove this part; `engage new portfolio --programme {}` shows the expected parts",
                        p.id
                    ),
                )),
            );
            match part {
                Part::Enrolment => def.enrolment = None,
                Part::Intake => {
                    if let Some(Mapping::Map(e)) = def.enrolment.as_mut().map(|e| &mut e.value) {
                        e.intake = None;
                    }
                }
                Part::Internship => def.internship = None,
                Part::Modules => def.modules = None,
                Part::Workshops => def.workshops = None,
                Part::Productions => def.productions = None,
                Part::Analysis => def.analysis = None,
                Part::Assessment => def.assessment = None,
                Part::Years => def.years = None,
                Part::Actions => def.actions = None,
                Part::Eligibility => def.eligibility = None,
                Part::Attendance => def.attendance = None,
                Part::Credential => def.credential = None,
            }
        }
        for part in required {
            if written.iter().any(|(w, _)| *w == part) {
                continue;
            }
            self.error(
                PART_MISSING,
                pos_loose(&def.programme),
                Text::new(
                    format!(
                        "un portfolio du programme `{}` doit avoir `{}:`",
                        p.id,
                        part.key()
                    ),
                    format!(
                        "a record of the programme `{}` must have `{}:`",
                        p.id,
                        part.key()
                    ),
                ),
                Some(Text::new(
                    format!(
                        "ajoutez `{}:` ; `engage new portfolio --programme {}` en donne un modèle",
                        part.key(),
                        p.id
                    ),
                    format!(
                        "add `{}:`; `engage new portfolio --programme {}` gives a template",
                        part.key(),
                        p.id
                    ),
                )),
            );
        }
    }

    fn intake(&mut self, s: &S<String>) -> Option<Located<Intake>> {
        match Intake::parse(&s.value) {
            Some(i) => Some(Located {
                value: i,
                at: pos_of(s),
            }),
            None => {
                self.error(
                    INTAKE_INVALID,
                    pos_of(s),
                    Text::new(
                        format!("`{}` n’est pas une rentrée (année-mois)", s.value),
                        format!("`{}` is not an intake (year-month)", s.value),
                    ),
                    Some(Text::new(
                        "écrivez l’année et le mois, par exemple `2025-02`",
                        "write the year and month, for example `2025-02`",
                    )),
                );
                None
            }
        }
    }

    fn academic_year(&mut self, s: &S<String>) -> Option<Located<AcademicYear>> {
        match AcademicYear::parse(s.value.trim()) {
            Some(y) => Some(Located {
                value: y,
                at: pos_of(s),
            }),
            None => {
                self.error(
                    YEAR_INVALID,
                    pos_of(s),
                    Text::new(
                        format!("`{}` n’est pas une année académique", s.value),
                        format!("`{}` is not an academic year", s.value),
                    ),
                    Some(Text::new(
                        "écrivez les deux années civiles, par exemple `2025-2026`",
                        "write both calendar years, for example `2025-2026`",
                    )),
                );
                None
            }
        }
    }

    /// A cycle id of the programme (any text without a programme).
    fn cycle(&mut self, s: &S<String>, programme: Option<&Programme>) -> Option<Located<String>> {
        let p = programme?;
        if p.cycle(&s.value).is_none() {
            let ids: Vec<&str> = p.cycles().iter().map(|c| c.id.as_str()).collect();
            self.unknown(s, "cycle", ids);
            return None;
        }
        Some(Located {
            value: s.value.clone(),
            at: pos_of(s),
        })
    }

    /// Hours of a whole action: a number, not negative, not absurd.
    fn action_hours(&mut self, key: &str, s: &S<Loose>) -> Option<Hours> {
        let s = &self.number(
            key,
            s,
            expects("un nombre d’heures", "a number of hours"),
            "12",
        )?;
        match Hours::from_hours(s.value) {
            Some(h) if h <= MAX_ACTION_HOURS => Some(h),
            _ => {
                self.error(
                    HOURS_INVALID,
                    pos(&s.referenced),
                    Text::new(
                        format!("{} h n’est pas une durée possible pour une action", s.value),
                        format!("{} h is not a possible length for an action", s.value),
                    ),
                    Some(Text::new(
                        "un nombre d’heures positif, par exemple 12 ou 2.5",
                        "a positive number of hours, for example 12 or 2.5",
                    )),
                );
                None
            }
        }
    }

    fn action(&mut self, key: &str, a: ActionDef, programme: Option<&Programme>) -> Option<Action> {
        let title = self.text_at("actions.title", &a.title);
        let written_kind = self.word(&format!("{key}.kind"), &a.kind, "kind: tutoring");
        let kind = match (programme, written_kind) {
            (Some(p), Some(k)) if p.action_kinds().iter().any(|x| x.id == k.value) => {
                Some(k.value.clone())
            }
            (Some(p), Some(k)) => {
                let ids: Vec<&str> = p.action_kinds().iter().map(|k| k.id.as_str()).collect();
                self.unknown(&k, "actions.kind", ids);
                None
            }
            _ => None,
        };
        let year = self
            .scalar(
                &format!("{key}.year"),
                &a.year,
                expects("une année académique", "an academic year"),
                "year: 2025-2026",
            )
            .and_then(|y| self.academic_year(&y));
        let cycle = self
            .word(&format!("{key}.cycle"), &a.cycle, "cycle: preparatory")
            .and_then(|c| self.cycle(&c, programme));
        let presence = self.action_hours(&format!("{key}.presence_hours"), &a.presence_hours);
        let preparation = match &a.preparation_hours {
            Some(h) => self.action_hours(&format!("{key}.preparation_hours"), h),
            None => Some(Hours::ZERO),
        };
        let hours_at = pos(&a.presence_hours.referenced);
        let (presence, preparation) = (presence?, preparation?);
        if presence.saturating_add(preparation) == Hours::ZERO {
            self.error(
                HOURS_INVALID,
                hours_at,
                Text::new(
                    "cette action ne compte aucune heure",
                    "this action has no hours",
                ),
                Some(Text::new(
                    "indiquez les heures de présence et de préparation",
                    "write the presence and preparation hours",
                )),
            );
            return None;
        }
        Some(Action {
            kind: kind?,
            title,
            year: year?,
            cycle: cycle?,
            presence,
            preparation,
            hours_at,
        })
    }

    fn country(&mut self, s: &S<String>) -> Option<Located<Country>> {
        match Country::parse(s.value.trim()) {
            Some(c) => Some(Located {
                value: c,
                at: pos_of(s),
            }),
            None => {
                self.error(
                    COUNTRY_INVALID,
                    pos_of(s),
                    Text::new(
                        format!("`{}` n’est pas un code de pays", s.value),
                        format!("`{}` is not a country code", s.value),
                    ),
                    Some(Country::hint(&s.value)),
                );
                None
            }
        }
    }

    /// The values of `eligibility:` as texts, each wrong type reported.
    fn eligibility_texts(&mut self, e: EligibilityDef) -> Option<EligibilityTexts> {
        let permit = self.scalar(
            "eligibility.residence_permit",
            &e.residence_permit,
            expects("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
            "residence_permit: 2024-05-02",
        );
        let list = |cx: &mut Self, key: &str, l: S<Many<S<Loose>>>, example: &str| {
            let at = (l.referenced, l.defined);
            let items = cx.many(key, l, example);
            let items = items
                .iter()
                .enumerate()
                .filter_map(|(i, x)| {
                    cx.scalar(
                        &format!("{key}[{}]", i + 1),
                        x,
                        expects("un code", "a code"),
                        example,
                    )
                })
                .collect();
            S::new(items, at.0, at.1)
        };
        let nationalities = list(
            self,
            "eligibility.nationalities",
            e.nationalities,
            "nationalities: [MA]",
        );
        let languages = list(
            self,
            "eligibility.languages",
            e.languages,
            "languages: [fr, ar]",
        );
        Some(EligibilityTexts {
            residence_permit: permit?,
            nationalities: nationalities.value,
            languages,
        })
    }

    fn eligibility(&mut self, e: EligibilityDef, at: Position) -> Option<Eligibility> {
        let e = self.eligibility_texts(e)?;
        // A placeholder is not a date: the permit is then unknown, and the
        // rest of the record is still checked.
        let mut ok = true;
        let permit = if self.placeholder("eligibility.residence_permit", &e.residence_permit) {
            None
        } else {
            let d = self.date(&e.residence_permit);
            ok &= d.is_some();
            d
        };
        let mut nationalities = Vec::new();
        for n in &e.nationalities {
            // `XX` is user-assigned in ISO 3166-1, never a country: the
            // template's "your country here".
            let unknown = n.value.trim() == "XX" || is_placeholder(&n.value);
            if self.placeholder_if(unknown, "eligibility.nationalities", n) {
                continue;
            }
            match self.country(n) {
                Some(c) => nationalities.push(c),
                None => ok = false,
            }
        }
        let languages_at = pos(&e.languages.referenced);
        let languages = e
            .languages
            .value
            .iter()
            .map(|l| self.text("eligibility.languages", l).to_lowercase())
            .collect();
        if e.nationalities.is_empty() {
            self.error(
                EMPTY_TEXT,
                at,
                Text::new(
                    "aucune nationalité n’est indiquée",
                    "no nationality is given",
                ),
                Some(Text::new(
                    "`nationalities: [MA]` : le ou les codes de pays de vos nationalités",
                    "`nationalities: [MA]`: the country code of each of your nationalities",
                )),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(Eligibility {
            residence_permit: permit,
            nationalities,
            languages,
            languages_at,
        })
    }

    fn attendance(
        &mut self,
        defs: Vec<(String, AttendanceDef)>,
        programme: Option<&Programme>,
    ) -> Vec<ModuleAttendance> {
        let mut out: Vec<ModuleAttendance> = Vec::new();
        for (key, a) in defs {
            let certificate = a
                .certificate
                .as_ref()
                .filter(|c| c.value != Loose::Null)
                .and_then(|c| self.date_at(&format!("{key}.certificate"), c));
            let sessions_key = format!("{key}.sessions");
            let session_defs = match a.sessions {
                Some(l) => {
                    let example = "{ session: 1, date: 2025-10-06 }";
                    let items = self.many(&sessions_key, l, &format!("sessions: [{example}]"));
                    self.items(&sessions_key, items, example)
                }
                None => Vec::new(),
            };
            // What each session says is checked whatever its module: a
            // module not known (misspelt, or missing) hides no wrong date.
            let sessions_read: Vec<_> = session_defs
                .into_iter()
                .map(|(key, sd)| {
                    let date = self.date_at(&format!("{key}.date"), &sd.date);
                    let n = self.number(
                        &format!("{key}.session"),
                        &sd.session,
                        expects("un numéro de séance", "a session number"),
                        "1",
                    );
                    (date, n)
                })
                .collect();
            let Some(module) = self.word(&format!("{key}.module"), &a.module, "module: m1") else {
                continue;
            };
            let Some(p) = programme else { continue };
            let with_sessions = p.modules_with_sessions();
            let Some(total) = p.module(&module.value).and_then(|m| m.sessions) else {
                self.unknown(&module, "attendance.module", with_sessions);
                continue;
            };
            if out.iter().any(|m| m.module.value == module.value) {
                self.error(
                    DUPLICATE,
                    pos_of(&module),
                    Text::new(
                        format!("le module `{}` est inscrit deux fois", module.value),
                        format!("the module `{}` is listed twice", module.value),
                    ),
                    Some(Text::new(
                        "gardez une seule entrée par module",
                        "keep one entry per module",
                    )),
                );
                continue;
            }
            let mut sessions: Vec<SessionAttended> = Vec::new();
            for (date, n) in sessions_read {
                let Some(n) = n else {
                    continue;
                };
                let at = pos(&n.referenced);
                // Not a whole number from 1: no session of the module.
                let n =
                    if n.value.fract() == 0.0 && n.value >= 0.0 && n.value <= f64::from(u32::MAX) {
                        n.value as u32
                    } else {
                        0
                    };
                if n == 0 || n > total || sessions.iter().any(|x| x.number == n) {
                    let twice = n != 0 && n <= total;
                    self.error(
                        SESSION_INVALID,
                        at,
                        if twice {
                            Text::new(
                                format!("la séance {n} est inscrite deux fois"),
                                format!("session {n} is listed twice"),
                            )
                        } else {
                            Text::new(
                                format!("le module `{}` n’a pas de séance {n}", module.value),
                                format!("the module `{}` has no session {n}", module.value),
                            )
                        },
                        Some(Text::new(
                            format!("les séances sont numérotées de 1 à {total}"),
                            format!("sessions are numbered from 1 to {total}"),
                        )),
                    );
                    continue;
                }
                if let Some(date) = date {
                    sessions.push(SessionAttended { number: n, date });
                }
            }
            out.push(ModuleAttendance {
                module: Located {
                    value: module.value.clone(),
                    at: pos_of(&module),
                },
                sessions,
                certificate,
            });
        }
        out
    }

    /// The values of `credential:`, each wrong type reported and left out
    /// (nothing written is a missing element, as when the key is absent).
    fn credential_values(&mut self, c: CredentialDef) -> CredentialValues {
        let text = |cx: &mut Self, key: &str, s: Option<S<Loose>>| {
            let s = s.filter(|s| s.value != Loose::Null)?;
            cx.scalar(
                &format!("credential.{key}"),
                &s,
                expects("un texte", "a text"),
                &format!("{key}: …"),
            )
        };
        let learner = text(self, "learner", c.learner);
        let title = text(self, "title", c.title);
        let country = text(self, "country", c.country);
        let awarding_body = text(self, "awarding_body", c.awarding_body);
        let issued = text(self, "issued", c.issued);
        let assessment = text(self, "assessment", c.assessment);
        let participation = text(self, "participation", c.participation);
        let quality_assurance = text(self, "quality_assurance", c.quality_assurance);
        let learning_outcomes = c.learning_outcomes.map(|l| {
            let key = "credential.learning_outcomes";
            let items = self.many(key, l, "learning_outcomes: [\"…\"]");
            items
                .iter()
                .enumerate()
                .filter_map(|(i, x)| {
                    self.scalar(
                        &format!("{key}[{}]", i + 1),
                        x,
                        expects("un texte", "a text"),
                        "- …",
                    )
                })
                .collect()
        });
        let workload_ects = c
            .workload_ects
            .filter(|s| s.value != Loose::Null)
            .and_then(|w| {
                self.number(
                    "credential.workload_ects",
                    &w,
                    expects("un nombre de crédits", "a number of credits"),
                    "3",
                )
            });
        let eqf_level = c
            .eqf_level
            .filter(|s| s.value != Loose::Null)
            .and_then(|l| {
                let n = self.number(
                    "credential.eqf_level",
                    &l,
                    expects("un niveau de 1 à 8", "a level from 1 to 8"),
                    "6",
                )?;
                if n.value.fract() != 0.0 {
                    self.wrong_type(
                        "credential.eqf_level",
                        pos_loose(&l),
                        expects("un niveau de 1 à 8", "a level from 1 to 8"),
                        &l.value,
                        "eqf_level: 6",
                    );
                    return None;
                }
                Some(S::new(n.value as i64, n.referenced, n.defined))
            });
        CredentialValues {
            learner,
            title,
            country,
            awarding_body,
            issued,
            learning_outcomes,
            workload_ects,
            eqf_level,
            assessment,
            participation,
            quality_assurance,
        }
    }

    /// `None` when an element is written but malformed (reported), so that
    /// it is not also reported as missing.
    fn credential(&mut self, c: CredentialDef, at: Position) -> Option<Credential> {
        let c = self.credential_values(c);
        let mut text = |key: &'static str, s: Option<S<String>>| {
            s.and_then(|s| {
                let t = self.text(key, &s);
                (!t.is_empty()).then_some(t)
            })
        };
        let learner = text("credential.learner", c.learner);
        let title = text("credential.title", c.title);
        let awarding_body = text("credential.awarding_body", c.awarding_body);
        let assessment = text("credential.assessment", c.assessment);
        let participation = text("credential.participation", c.participation);
        let quality_assurance = text("credential.quality_assurance", c.quality_assurance);
        let learning_outcomes = c
            .learning_outcomes
            .unwrap_or_default()
            .iter()
            .map(|o| self.text("credential.learning_outcomes", o))
            .filter(|o| !o.is_empty())
            .collect();
        let mut ok = true;
        let country = c.country.and_then(|s| {
            let v = self.country(&s);
            ok &= v.is_some();
            v
        });
        let issued = c.issued.and_then(|s| {
            let v = self.date(&s);
            ok &= v.is_some();
            v
        });
        let workload = c.workload_ects.and_then(|w| {
            let at = pos(&w.referenced);
            match Credits::from_ects(w.value) {
                Some(v) if v > Credits::ZERO => Some(Located { value: v, at }),
                _ => {
                    ok = false;
                    self.error(
                        CREDITS_INVALID,
                        at,
                        Text::new(
                            format!("{} n’est pas un nombre de crédits possible", w.value),
                            format!("{} is not a possible number of credits", w.value),
                        ),
                        Some(Text::new(
                            "un nombre de crédits ECTS supérieur à 0, par exemple 3 ou 2.5",
                            "a number of ECTS credits above 0, for example 3 or 2.5",
                        )),
                    );
                    None
                }
            }
        });
        let eqf_level = c.eqf_level.and_then(|l| match u8::try_from(l.value) {
            Ok(v @ 1..=8) => Some(v),
            _ => {
                ok = false;
                self.error(
                    LEVEL_INVALID,
                    pos(&l.referenced),
                    Text::new(
                        format!("{} n’est pas un niveau du CEC", l.value),
                        format!("{} is not an EQF level", l.value),
                    ),
                    Some(Text::new(
                        "un niveau de 1 à 8 (6 pour un bachelier, 7 pour un master), ou retirez la ligne s’il ne s’applique pas",
                        "a level from 1 to 8 (6 for a bachelor, 7 for a master), or remove the line if none applies",
                    )),
                );
                None
            }
        });
        ok.then_some(Credential {
            learner,
            title,
            country,
            awarding_body,
            issued,
            learning_outcomes,
            workload,
            eqf_level,
            assessment,
            participation,
            quality_assurance,
            at,
        })
    }

    /// The folder names the student; the record must say the same, so that a
    /// record copied from a friend's folder is caught.
    fn handle(&mut self, folder: &str, written: &S<String>) -> Option<Handle> {
        let Some(handle) = Handle::parse(folder) else {
            self.error(
                HANDLE_INVALID,
                Position::file(),
                Text::new(
                    format!("le dossier `{folder}` ne porte pas un pseudo valide"),
                    format!("the folder `{folder}` is not named by a valid handle"),
                ),
                Some(Text::new(
                    "nommez le dossier par votre pseudo (lettres, chiffres et tirets)",
                    "name the folder after your handle (letters, digits and hyphens)",
                )),
            );
            return None;
        };
        if !handle.is(&written.value) {
            self.error(
                HANDLE_MISMATCH,
                pos_of(written),
                Text::new(
                    format!(
                        "ce portfolio se dit celui de `{}`, mais il est dans le dossier de `{folder}`",
                        written.value
                    ),
                    format!(
                        "this record claims to be `{}`'s, but it is in `{folder}`'s folder",
                        written.value
                    ),
                ),
                Some(Text::new(
                    format!("écrivez `handle: {folder}`, ou déplacez le dossier"),
                    format!("write `handle: {folder}`, or move the folder"),
                )),
            );
        }
        Some(handle)
    }

    fn date(&mut self, s: &S<String>) -> Option<Located<Date>> {
        match s.value.parse::<Date>() {
            Ok(d) if s.value.len() == 10 => Some(Located {
                value: d,
                at: pos_of(s),
            }),
            _ => {
                self.error(
                    DATE_INVALID,
                    pos_of(s),
                    Text::new(
                        format!("`{}` n’est pas une date du calendrier", s.value),
                        format!("`{}` is not a calendar date", s.value),
                    ),
                    Some(Text::new(
                        "écrivez la date sous la forme AAAA-MM-JJ, par exemple 2025-03-14",
                        "write the date as YYYY-MM-DD, for example 2025-03-14",
                    )),
                );
                None
            }
        }
    }

    /// A text that must say something.
    /// A free text under `key`: not empty, and not a template's placeholder
    /// left as written.
    fn text(&mut self, key: &str, s: &S<String>) -> String {
        let t = s.value.trim();
        self.placeholder(key, s);
        if t.is_empty() {
            self.error(
                EMPTY_TEXT,
                pos(&s.referenced),
                Text::new("ce texte est vide", "this text is empty"),
                Some(Text::new(
                    "écrivez quelques mots, ou retirez la ligne",
                    "write a few words, or remove the line",
                )),
            );
        }
        t.to_string()
    }

    /// Reports `s` under `key` when it is a template placeholder
    /// ([`is_placeholder`]): a warning while the record is in progress, an
    /// error once it is submitted, naming the field. Returns whether it is.
    fn placeholder(&mut self, key: &str, s: &S<String>) -> bool {
        self.placeholder_if(is_placeholder(&s.value), key, s)
    }

    /// Reports `s` under `key` as a placeholder when `is`.
    fn placeholder_if(&mut self, is: bool, key: &str, s: &S<String>) -> bool {
        if !is {
            return false;
        }
        let v = s.value.trim();
        self.stand_in(
            pos_of(s),
            Text::new(
                format!("`{key}` contient encore le texte du modèle `{v}`"),
                format!("`{key}` still holds the template's placeholder `{v}`"),
            ),
            Text::new(
                "remplacez-le par la vraie valeur avant de remettre le portfolio",
                "replace it with the real value before you submit the record",
            ),
        );
        true
    }

    /// Reports something that stands in for the real thing (a template's
    /// placeholder, an empty file): a warning while the record is in
    /// progress, an error once it is submitted.
    fn stand_in(&mut self, at: Position, message: Text, hint: Text) {
        let d = if self.submitted {
            Diagnostic::error(PLACEHOLDER, &self.file, at, message)
        } else {
            Diagnostic::warning(PLACEHOLDER, &self.file, at, message)
        };
        self.ds.push(d.with_hint(hint));
    }

    fn unknown<'a>(
        &mut self,
        s: &S<String>,
        what: &str,
        known: impl IntoIterator<Item = &'a str> + Clone,
    ) {
        let hint = match did_you_mean(&s.value, known.clone()) {
            Some(k) => Text::new(
                format!("vouliez-vous dire `{k}` ?"),
                format!("did you mean `{k}`?"),
            ),
            None => {
                let list = known.into_iter().collect::<Vec<_>>().join(", ");
                Text::new(
                    format!("valeurs possibles : {list}"),
                    format!("possible values: {list}"),
                )
            }
        };
        self.error(
            UNKNOWN_VALUE,
            pos_of(s),
            Text::new(
                format!("`{}` n’est pas une valeur connue pour `{what}`", s.value),
                format!("`{}` is not a known value for `{what}`", s.value),
            ),
            Some(hint),
        );
    }

    fn internship(&mut self, def: InternshipDef, programme: Option<&Programme>) -> Internship {
        let organisation = self.mapping(
            "internship.organisation",
            def.organisation,
            "organisation: { name: …, kind: association }",
        );
        let supervisor = self.mapping(
            "internship.supervisor",
            def.supervisor,
            "supervisor: { name: …, role: staff }",
        );
        let (name, kind) = match organisation {
            Some(o) => (
                self.text_at("internship.organisation.name", &o.name),
                self.word("internship.organisation.kind", &o.kind, "kind: association"),
            ),
            None => (String::new(), None),
        };
        if let Some(m) = &def.mission {
            self.text_at("internship.mission", m);
        }
        let kind = match (programme, kind) {
            (Some(p), Some(k)) if p.organisation_kind(&k.value).is_some() => Some(Located {
                value: k.value.clone(),
                at: pos_of(&k),
            }),
            (Some(p), Some(k)) => {
                let ids: Vec<&str> = p
                    .organisation_kinds()
                    .iter()
                    .map(|k| k.id.as_str())
                    .collect();
                self.unknown(&k, "organisation.kind", ids);
                None
            }
            _ => None,
        };
        let (supervisor_name, role) = match supervisor {
            Some(s) => (
                self.text_at("internship.supervisor.name", &s.name),
                self.word("internship.supervisor.role", &s.role, "role: staff"),
            ),
            None => (String::new(), None),
        };
        let role = role.and_then(|written| {
            match SupervisorRole::ALL
                .into_iter()
                .find(|r| r.key() == written.value)
            {
                Some(r) => Some(Located {
                    value: r,
                    at: pos_of(&written),
                }),
                None => {
                    self.unknown(
                        &written,
                        "supervisor.role",
                        SupervisorRole::ALL.map(SupervisorRole::key),
                    );
                    None
                }
            }
        });
        let committee_member = match def.committee_member {
            None => false,
            Some(c) => match c.value {
                Loose::Bool(b) => b,
                Loose::Null => false,
                _ => {
                    self.wrong_type(
                        "internship.committee_member",
                        pos_loose(&c),
                        expects("true ou false", "true or false"),
                        &c.value,
                        "committee_member: true",
                    );
                    false
                }
            },
        };
        let mut agreement = Vec::new();
        let mut agreement_unreadable = Vec::new();
        let agreement_at = def.agreement.as_ref().map(|a| pos(&a.referenced));
        let agreement_def = def.agreement.and_then(|a| {
            self.mapping(
                "internship.agreement",
                a,
                "agreement: { student: 2025-09-25, organisation: 2025-09-26, university: 2025-10-01 }",
            )
        });
        if let Some(a) = agreement_def {
            for (party, date) in [
                (Party::Student, a.student),
                (Party::Organisation, a.organisation),
                (Party::University, a.university),
            ] {
                let Some(date) = date.filter(|d| d.value != Loose::Null) else {
                    continue;
                };
                let key = format!("internship.agreement.{}", party.key());
                match self.date_at(&key, &date) {
                    Some(d) => agreement.push((party, d)),
                    // Signed, on a date to correct: that one error, not
                    // also a signature missing.
                    None => agreement_unreadable.push(party),
                }
            }
        }
        let entries_at = def.hours.as_ref().map(|h| pos(&h.referenced));
        let entry_defs = match def.hours {
            Some(h) => {
                let example = "{ date: 2025-10-06, hours: 4, activity: … }";
                let items = self.many("internship.hours", h, &format!("hours: [{example}]"));
                self.indexed_items("internship.hours", items, example)
            }
            None => Vec::new(),
        };
        let mut entries: Vec<Entry> = Vec::new();
        // A line pasted twice would count twice: (date, hours, activity)
        // → the line it was first written on.
        let mut seen: HashMap<(Date, Hours, String), Position> = HashMap::new();
        for (i, e) in entry_defs {
            let Some((entry, activity)) = self.entry(i, e) else {
                continue;
            };
            let key = (entry.date.value, entry.hours.value, activity);
            if let Some(first) = seen.get(&key) {
                let hours = entry.hours.value;
                // Entries on one line (a flow list, YAML aliases) are told
                // apart by their column.
                let (first, here) = (self.shown(*first), self.shown(entry.date.at));
                let (fr, en) = if first.line == here.line {
                    let c = first.column;
                    (
                        format!("cette entrée répète celle de la colonne {c}"),
                        format!("this entry repeats the one at column {c}"),
                    )
                } else {
                    let l = first.line;
                    (
                        format!("cette ligne répète la ligne {l}"),
                        format!("this line repeats line {l}"),
                    )
                };
                self.error(
                    DUPLICATE,
                    entry.date.at,
                    Text::new(
                        format!("{fr} (même date, mêmes heures, même activité) : elle compterait deux fois"),
                        format!("{en} (same date, hours and activity): it would count twice"),
                    ),
                    Some(Text::new(
                        format!("si l’activité a eu lieu deux fois ce jour-là, écrivez une seule ligne de {} h ; sinon retirez celle-ci", hours.saturating_add(hours)),
                        format!("if the activity happened twice that day, write one line of {} h; otherwise remove this one", hours.saturating_add(hours)),
                    )),
                );
                continue;
            }
            seen.insert(key, entry.date.at);
            entries.push(entry);
        }
        Internship {
            organisation: Organisation { name, kind },
            committee_member,
            supervisor: Supervisor {
                name: supervisor_name,
                role,
            },
            agreement,
            agreement_unreadable,
            agreement_at,
            entries,
            entries_at,
        }
    }

    /// The entry of index `index` (from 0) of `internship.hours`, with its
    /// activity.
    fn entry(&mut self, index: usize, e: EntryDef) -> Option<(Entry, String)> {
        let key = |field| ItemField {
            list: "internship.hours",
            index,
            field,
        };
        let activity = self.text_at("internship.hours.activity", &e.activity);
        let date = self.date_at(&key("date"), &e.date);
        let hours = self.number(
            &key("hours"),
            &e.hours,
            expects("un nombre d’heures", "a number of hours"),
            "4",
        );
        let hours = hours.and_then(|h| {
            let at = pos_loose(&e.hours);
            match Hours::from_hours(h.value) {
                Some(x) if x > Hours::ZERO && x <= Hours::DAY => Some(Located { value: x, at }),
                _ => {
                    self.error(
                        HOURS_INVALID,
                        at,
                        Text::new(
                            format!("{} h n’est pas une durée possible pour une journée", h.value),
                            format!("{} h is not a possible length for one day", h.value),
                        ),
                        Some(Text::new(
                            "un nombre d’heures supérieur à 0 et d’au plus 24, par exemple 3 ou 2.5",
                            "a number of hours above 0 and at most 24, for example 3 or 2.5",
                        )),
                    );
                    None
                }
            }
        });
        Some((
            Entry {
                date: date?,
                hours: hours?,
            },
            activity,
        ))
    }

    fn modules(
        &mut self,
        defs: Vec<(String, ModuleDef)>,
        programme: Option<&Programme>,
    ) -> Vec<ModuleDone> {
        let mut done: Vec<ModuleDone> = Vec::new();
        for (key, m) in defs {
            let completed = self.date_at(&format!("{key}.completed"), &m.completed);
            let Some(id) = self.word(&format!("{key}.id"), &m.id, "id: communication") else {
                continue;
            };
            let Some(p) = programme else { continue };
            if p.module(&id.value).is_none() {
                let ids: Vec<&str> = p.facts.modules.iter().map(|m| m.id.as_str()).collect();
                self.unknown(&id, "modules.id", ids);
                continue;
            }
            if done.iter().any(|d| d.id == id.value) {
                self.error(
                    DUPLICATE,
                    pos_of(&id),
                    Text::new(
                        format!("le module `{}` est inscrit deux fois", id.value),
                        format!("the module `{}` is listed twice", id.value),
                    ),
                    Some(Text::new(
                        "gardez une seule ligne par module",
                        "keep one entry per module",
                    )),
                );
                continue;
            }
            if let Some(completed) = completed {
                done.push(ModuleDone {
                    id: id.value,
                    completed,
                });
            }
        }
        done
    }

    /// Workshops attended, each event once. Whether the events exist is
    /// checked against the calendar by the programme's rules.
    fn workshops(&mut self, defs: Vec<(String, WorkshopDef)>) -> Vec<Workshop> {
        let mut out: Vec<Workshop> = Vec::new();
        for (key, w) in defs {
            let Some(event) =
                self.word(&format!("{key}.event"), &w.event, "event: atelier-2025-10")
            else {
                continue;
            };
            let id = self.text("workshops.event", &event);
            if id.is_empty() {
                continue;
            }
            if out.iter().any(|x| x.event.value == id) {
                self.error(
                    DUPLICATE,
                    pos_of(&event),
                    Text::new(
                        format!("l’atelier `{id}` est inscrit deux fois"),
                        format!("the workshop `{id}` is listed twice"),
                    ),
                    Some(Text::new(
                        "gardez une seule ligne par atelier",
                        "keep one entry per workshop",
                    )),
                );
                continue;
            }
            out.push(Workshop {
                event: Located {
                    value: id,
                    at: pos_of(&event),
                },
            });
        }
        out
    }

    fn productions(
        &mut self,
        defs: Vec<(String, ProductionDef)>,
        programme: Option<&Programme>,
    ) -> Vec<Production> {
        defs.into_iter()
            .map(|(key, d)| {
                let title = self.text_at("productions.title", &d.title);
                let written = self.word(&format!("{key}.kind"), &d.kind, "kind: meeting-minutes");
                let kind = match (programme, written) {
                    (Some(p), Some(k)) if p.production_kind(&k.value).is_some() => {
                        Some(k.value.clone())
                    }
                    (Some(p), Some(k)) => {
                        let ids: Vec<&str> =
                            p.production_kinds().iter().map(|k| k.id.as_str()).collect();
                        self.unknown(&k, "productions.kind", ids);
                        None
                    }
                    _ => None,
                };
                let file = self
                    .path_at(&format!("{key}.file"), &d.file)
                    .and_then(|f| self.file(&f, Piece::Production));
                Production { title, kind, file }
            })
            .collect()
    }

    /// A file named by the record as `piece`: relative, inside the record
    /// folder (also after following symbolic links), present, and not
    /// named before nor the record itself.
    fn file(&mut self, s: &S<String>, piece: Piece) -> Option<RecordFile> {
        let file = self.existing_file(s)?;
        let at = pos_of(s);
        let written = s.value.trim();
        let hint = Some(Text::new(
            "chaque pièce du portfolio est un fichier à part : indiquez le fichier de celle-ci",
            "each piece of the record is a file of its own: give this one's file",
        ));
        // `./a.md`, `a.md` and `x/../a.md` (refused earlier) are one file.
        let key: PathBuf = file
            .path
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect();
        if key == Path::new(RECORD_FILE) {
            self.error(
                DUPLICATE,
                at,
                Text::new(
                    format!(
                        "`{written}` est le portfolio lui-même, pas {}",
                        piece.label().fr
                    ),
                    format!("`{written}` is the record itself, not {}", piece.label().en),
                ),
                hint,
            );
            return None;
        }
        if let Some((first, as_what)) = self.named.get(&key) {
            let (line, as_what) = (self.shown(*first).line, as_what.label());
            self.error(
                DUPLICATE,
                at,
                Text::new(
                    format!(
                        "le fichier `{written}` est déjà donné ligne {line} comme {}",
                        as_what.fr
                    ),
                    format!(
                        "the file `{written}` is already given on line {line} as {}",
                        as_what.en
                    ),
                ),
                hint,
            );
            return None;
        }
        self.named.insert(key, (at, piece));
        Some(file)
    }

    /// A file named by the record: relative, inside the record folder (also
    /// after following symbolic links), and present.
    fn existing_file(&mut self, s: &S<String>) -> Option<RecordFile> {
        let at = pos_of(s);
        let written = s.value.trim();
        if written.is_empty() {
            self.text("file", s);
            return None;
        }
        let path = Path::new(written);
        let outside_hint = Text::new(
            "placez le fichier dans le dossier du portfolio et indiquez son chemin depuis ce dossier, par exemple `productions/plan.pdf`",
            "put the file in the portfolio folder and give its path from there, for example `productions/plan.pdf`",
        );
        let escapes = path.is_absolute()
            || written.starts_with('\\')
            || written.get(1..3).is_some_and(|s| s == ":\\" || s == ":/")
            || path
                .components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if escapes {
            self.error(
                FILE_OUTSIDE,
                at,
                Text::new(
                    format!("`{written}` sort du dossier du portfolio"),
                    format!("`{written}` points outside the portfolio folder"),
                ),
                Some(outside_hint),
            );
            return None;
        }
        // The name as stored: typed composed (NFC), it may be stored
        // decomposed (NFD, as macOS writes names), or the reverse.
        let full = self.files.stored_name(&self.dir.join(path));
        let path = full.strip_prefix(&self.dir).unwrap_or(path);
        // Only a symbolic link can lead outside once `..` and absolute paths
        // are refused: resolve the path only when one is on the way, which
        // keeps the common case to a few `lstat` calls.
        let mut prefix = self.dir.clone();
        let mut through_link = false;
        for c in path.components() {
            prefix.push(c);
            match self.files.kind(&prefix) {
                Some(Kind::Symlink) => {
                    through_link = true;
                    break;
                }
                Some(_) => {}
                None => break,
            }
        }
        if through_link {
            let inside = match (self.files.resolve(&full), self.files.resolve(&self.dir)) {
                (Some(target), Some(dir)) => target.starts_with(dir),
                // A dangling link: reported as missing below.
                _ => true,
            };
            if !inside {
                self.error(
                    FILE_OUTSIDE,
                    at,
                    Text::new(
                        format!("`{written}` est un lien qui mène hors du dossier du portfolio"),
                        format!("`{written}` is a link leading outside the portfolio folder"),
                    ),
                    Some(outside_hint),
                );
                return None;
            }
        }
        // Without a link on the way the path is its own target: one `lstat`.
        let kind = if through_link {
            self.files.resolve(&full).and_then(|t| self.files.kind(&t))
        } else {
            self.files.kind(&full)
        };
        match kind {
            Some(Kind::File) => {
                let target = if through_link {
                    self.files.resolve(&full)
                } else {
                    Some(full.clone())
                };
                // An empty file stands in for the piece: it counts, as the
                // template's placeholders do, and is an error once the
                // record is submitted.
                if target.and_then(|t| self.files.size(&t)) == Some(0) {
                    self.stand_in(
                        at,
                        Text::new(
                            format!("le fichier `{written}` est vide"),
                            format!("the file `{written}` is empty"),
                        ),
                        Text::new(
                            "mettez-y le document avant de remettre le portfolio",
                            "put the document in it before you submit the record",
                        ),
                    );
                }
                Some(RecordFile {
                    path: path.to_path_buf(),
                })
            }
            _ => {
                self.error(
                    FILE_MISSING,
                    at,
                    Text::new(
                        format!("le fichier `{written}` n’existe pas dans le dossier du portfolio"),
                        format!("the file `{written}` does not exist in the portfolio folder"),
                    ),
                    Some(Text::new(
                        "ajoutez le fichier, ou corrigez son nom (majuscules et extension comprises)",
                        "add the file, or correct its name (case and extension included)",
                    )),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_exact_minutes() {
        let h = |x: f64| Hours::from_hours(x).unwrap();
        assert_eq!(h(0.1).saturating_add(h(0.2)), h(0.3));
        assert_eq!(h(2.5).to_string(), "2.5");
        assert_eq!(h(120.0).to_string(), "120");
        assert_eq!(h(0.25).to_string(), "0.25");
        assert_eq!(Hours::from_minutes(20).to_string(), "0.33");
        assert_eq!(Hours::from_hours(-1.0), None);
        assert_eq!(Hours::from_hours(f64::NAN), None);
        assert_eq!([h(1.0), h(2.5)].into_iter().sum::<Hours>(), h(3.5));
    }

    #[test]
    fn handles_follow_the_hosting_alphabet() {
        assert!(Handle::parse("alice").is_some());
        assert!(Handle::parse("jean-luc42").is_some());
        for bad in ["", "-a", "a-", "a--b", "a b", "é", "a/b", &"x".repeat(40)] {
            assert!(Handle::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn intakes_are_year_and_month() {
        assert_eq!(
            Intake::parse("2025-02"),
            Some(Intake {
                year: 2025,
                month: 2
            })
        );
        assert_eq!(Intake::parse("2025-02").unwrap().to_string(), "2025-02");
        for bad in ["2025-13", "2025-2", "25-02", "2025", "2025-00", "février"] {
            assert!(Intake::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn credits_are_exact_hundredths() {
        let c = |x: f64| Credits::from_ects(x).unwrap();
        assert_eq!(c(0.5).saturating_add(c(1.5)), c(2.0));
        assert!(c(9.99) < c(10.0));
        assert_eq!(c(1.5).to_string(), "1.5");
        assert_eq!(c(2.0).to_string(), "2");
        assert_eq!(c(0.25).to_string(), "0.25");
        assert_eq!(c(0.5).until(c(2.0)), c(1.5));
        assert_eq!(c(3.0).until(c(2.0)), Credits::ZERO);
        assert_eq!(Credits::from_ects(-1.0), None);
        assert_eq!(Credits::from_ects(f64::INFINITY), None);
    }

    #[test]
    fn academic_years_follow_each_other() {
        let y = AcademicYear::parse("2024-2025").unwrap();
        assert_eq!(y.to_string(), "2024-2025");
        assert_eq!(y.next().to_string(), "2025-2026");
        assert_eq!(y.first_day(9), "2024-09-01".parse().ok());
        assert_eq!(y.last_day(9), "2025-08-31".parse().ok());
        for bad in ["2024-2026", "2024", "24-25", "2024/2025", "2025-2024"] {
            assert!(AcademicYear::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn countries_are_two_capitals() {
        assert!(Country::parse("BE").is_some());
        for bad in ["be", "BEL", "B", "Belgique", "É1"] {
            assert!(Country::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn statuses_parse() {
        assert_eq!(Status::parse("submitted"), Some(Status::Submitted));
        assert_eq!(Status::parse("done"), None);
    }
}
