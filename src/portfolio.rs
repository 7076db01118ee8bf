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

use std::fmt;
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Position, RuleId, Text};
use crate::programme::{Programme, Programmes};
use crate::rule::Party;
use crate::yaml;

/// Where records live, relative to the root: one folder per student.
pub const DIR: &str = "data/portfolios";
/// The record file inside a student's folder.
pub const RECORD_FILE: &str = "portfolio.yml";
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

// ---------------------------------------------------------------------------
// Domain values

/// A duration of activity, counted in whole minutes so that sums are exact
/// (0.1 + 0.2 hours adds up to what a student expects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(u32);

impl Hours {
    /// The most one calendar day can hold.
    pub const DAY: Hours = Hours(24 * 60);

    pub const fn from_minutes(minutes: u32) -> Hours {
        Hours(minutes)
    }
    /// Whole minutes.
    pub const fn minutes(self) -> u32 {
        self.0
    }
    /// Hours as written in YAML (`3`, `2.5`), rounded to the minute; `None`
    /// for negative, non-finite or absurdly large values.
    pub fn from_hours(h: f64) -> Option<Hours> {
        if !(0.0..=1_000_000.0).contains(&h) {
            return None;
        }
        Some(Hours((h * 60.0).round() as u32))
    }
    /// Sum that cannot overflow (a bad record must not panic).
    pub fn saturating_add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours(0), Hours::saturating_add)
    }
}

impl fmt::Display for Hours {
    /// `120`, `2.5`, `0.25`: hours with at most two decimals, no trailing zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 60;
        let rest = self.0 % 60;
        if rest == 0 {
            return write!(f, "{whole}");
        }
        let hundredths = (rest * 100 + 30) / 60;
        if hundredths >= 100 {
            return write!(f, "{}", whole + 1);
        }
        let s = format!("{whole}.{hundredths:02}");
        f.write_str(s.trim_end_matches('0'))
    }
}

impl Serialize for Hours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(self.0) / 60.0)
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hours, D::Error> {
        let h = f64::deserialize(d)?;
        Hours::from_hours(h).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid hours {h}: expected a positive number"))
        })
    }
}

/// A student's handle on the git hosting service, which names their folder.
///
/// Same alphabet as GitHub's: letters, digits and single hyphens, not at
/// either end, at most 39 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Handle(String);

impl Handle {
    pub fn parse(s: &str) -> Option<Handle> {
        let ok = !s.is_empty()
            && s.len() <= 39
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        ok.then(|| Handle(s.to_string()))
    }
    /// The handle as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Completeness rules show as progress.
    InProgress,
    /// Completeness rules are errors.
    Submitted,
}

impl Status {
    /// The word used in YAML files.
    pub fn key(self) -> &'static str {
        match self {
            Status::InProgress => "in-progress",
            Status::Submitted => "submitted",
        }
    }
    fn parse(s: &str) -> Option<Status> {
        match s {
            "in-progress" => Some(Status::InProgress),
            "submitted" => Some(Status::Submitted),
            _ => None,
        }
    }
}

/// Who supervises the internship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupervisorRole {
    /// A member of the organisation's staff or board (an association).
    Staff,
    /// A member of the outgoing committee or bureau of a student circle or
    /// office: the supervisor of a student who is on the committee.
    OutgoingCommitteeMember,
    /// The committee or bureau as a whole: the collective supervisor of a
    /// student who is not on it.
    Committee,
}

impl SupervisorRole {
    pub const ALL: [SupervisorRole; 3] = [
        SupervisorRole::Staff,
        SupervisorRole::OutgoingCommitteeMember,
        SupervisorRole::Committee,
    ];
    /// The word used in YAML files.
    pub fn key(self) -> &'static str {
        match self {
            SupervisorRole::Staff => "staff",
            SupervisorRole::OutgoingCommitteeMember => "outgoing-committee-member",
            SupervisorRole::Committee => "committee",
        }
    }
    /// How messages name it, per language.
    pub fn label(self) -> Text {
        match self {
            SupervisorRole::Staff => Text::new(
                "un·e membre du personnel de l’organisation",
                "a member of the organisation’s staff",
            ),
            SupervisorRole::OutgoingCommitteeMember => Text::new(
                "un·e membre du comité sortant",
                "an outgoing committee member",
            ),
            SupervisorRole::Committee => Text::new(
                "le comité ou bureau dans son ensemble",
                "the committee as a whole",
            ),
        }
    }
}

/// An intake: the year and month in which a cohort starts (`2025-02`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Intake {
    pub year: i16,
    pub month: u8,
}

impl Intake {
    pub fn parse(s: &str) -> Option<Intake> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((1..=12).contains(&month) && year > 0).then_some(Intake { year, month })
    }
}

impl fmt::Display for Intake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Intake {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A value with the position it was read from, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Position,
}

/// A file of the portfolio: it exists, and lies inside the record folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFile {
    /// As written in the record, relative to the record folder.
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    /// A kind listed by the programme (accepted or not).
    pub kind: Option<Located<String>>,
}

/// The supervisor of the internship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervisor {
    pub name: String,
    pub role: Option<Located<SupervisorRole>>,
}

/// The internship part of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Internship {
    pub organisation: Organisation,
    /// The student sits on the committee or bureau of the organisation.
    pub committee_member: bool,
    pub supervisor: Supervisor,
    /// Signature date per party, for the parties that signed.
    pub agreement: Vec<(Party, Located<Date>)>,
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

/// A workshop attended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workshop {
    pub date: Located<Date>,
    pub title: String,
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
    pub enrolment: Located<Date>,
    pub intake: Located<Intake>,
    pub internship: Internship,
    pub modules: Vec<ModuleDone>,
    pub modules_at: Option<Position>,
    pub workshops: Vec<Workshop>,
    pub productions: Vec<Production>,
    pub productions_at: Option<Position>,
    pub analysis: Option<RecordFile>,
    pub assessment: Option<RecordFile>,
}

// ---------------------------------------------------------------------------
// Raw shape, as written

type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordDef {
    programme: S<String>,
    handle: S<String>,
    status: S<String>,
    enrolment: EnrolmentDef,
    internship: InternshipDef,
    #[serde(default)]
    modules: Option<S<Vec<ModuleDef>>>,
    #[serde(default)]
    workshops: Vec<WorkshopDef>,
    #[serde(default)]
    productions: Option<S<Vec<ProductionDef>>>,
    #[serde(default)]
    analysis: Option<S<String>>,
    #[serde(default)]
    assessment: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolmentDef {
    date: S<String>,
    intake: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InternshipDef {
    organisation: OrganisationDef,
    #[serde(default)]
    mission: Option<S<String>>,
    #[serde(default)]
    committee_member: bool,
    supervisor: SupervisorDef,
    #[serde(default)]
    agreement: Option<S<AgreementDef>>,
    #[serde(default)]
    hours: Option<S<Vec<EntryDef>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationDef {
    name: S<String>,
    kind: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupervisorDef {
    name: S<String>,
    role: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementDef {
    #[serde(default)]
    student: Option<S<String>>,
    #[serde(default)]
    organisation: Option<S<String>>,
    #[serde(default)]
    university: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDef {
    date: S<String>,
    hours: S<f64>,
    activity: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleDef {
    id: S<String>,
    completed: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkshopDef {
    date: S<String>,
    title: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductionDef {
    title: S<String>,
    kind: S<String>,
    file: S<String>,
}

// ---------------------------------------------------------------------------
// Loading

/// Every record folder under `root`/data/portfolios, sorted, relative to the
/// root; stray files there are reported.
pub fn discover(root: &Path) -> (Vec<PathBuf>, Diagnostics) {
    let mut ds = Diagnostics::new();
    let mut dirs = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join(DIR)) else {
        return (dirs, ds);
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let rel = Path::new(DIR).join(&*name);
        match e.file_type() {
            Ok(t) if t.is_dir() => dirs.push(rel),
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

/// Loads every record folder of `dirs` (relative to `root`), in parallel.
pub fn load_all(
    root: &Path,
    dirs: &[PathBuf],
    programmes: &Programmes,
) -> (Vec<Record>, Diagnostics) {
    let results: Vec<(Option<Record>, Diagnostics)> =
        dirs.par_iter().map(|d| load(root, d, programmes)).collect();
    let mut ds = Diagnostics::new();
    let mut records = Vec::with_capacity(results.len());
    for (r, rds) in results {
        ds.extend(rds);
        records.extend(r);
    }
    (records, ds)
}

/// Loads the record in `dir` (relative to `root`). Returns `None` when the
/// record cannot be checked (unreadable, not YAML, unknown programme, no
/// valid enrolment), with every problem found.
pub fn load(root: &Path, dir: &Path, programmes: &Programmes) -> (Option<Record>, Diagnostics) {
    let mut ds = Diagnostics::new();
    let file = dir.join(RECORD_FILE);
    let abs = root.join(&file);
    let meta = match std::fs::metadata(&abs) {
        Ok(m) if m.is_file() => m,
        _ => {
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
                .with_hint(Text::new(
                    "créez-le avec `engage new portfolio`, ou retirez le dossier",
                    "create it with `engage new portfolio`, or remove the folder",
                )),
            );
            return (None, ds);
        }
    };
    if meta.len() > MAX_RECORD_BYTES {
        ds.push(Diagnostic::error(
            TOO_BIG,
            &file,
            Position::file(),
            Text::new(
                format!(
                    "le fichier fait {} octets, la limite est {MAX_RECORD_BYTES}",
                    meta.len()
                ),
                format!(
                    "the file has {} bytes, the limit is {MAX_RECORD_BYTES}",
                    meta.len()
                ),
            ),
        ));
        return (None, ds);
    }
    let text = match std::fs::read(&abs) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                ds.push(crate::page::invalid_utf8(&file, e.as_bytes(), valid));
                return (None, ds);
            }
        },
        Err(e) => {
            ds.push(Diagnostic::error(
                READ,
                &file,
                Position::file(),
                Text::new(
                    format!("lecture impossible : {e}"),
                    format!("cannot read: {e}"),
                ),
            ));
            return (None, ds);
        }
    };
    let (record, more) = parse(&text, root, dir, programmes);
    ds.extend(more);
    (record, ds)
}

/// Turns the text of the record file of `dir` (relative to `root`) into a
/// [`Record`]. Files the record names are looked up under `root`/`dir`.
pub fn parse(
    text: &str,
    root: &Path,
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
    let def: RecordDef = match yaml::parse(text, &file, 1) {
        Ok(def) => def,
        Err(d) => return (None, std::iter::once(d).collect()),
    };
    let mut cx = Cx {
        root_dir: root.join(dir),
        file,
        ds: Diagnostics::new(),
    };
    let record = cx.record(def, dir, programmes);
    (record, cx.ds)
}

/// What converting one record needs: where it is, and where problems go.
struct Cx {
    /// The record folder on disk.
    root_dir: PathBuf,
    /// The record file relative to the root, for diagnostics.
    file: PathBuf,
    ds: Diagnostics,
}

fn pos(loc: &Location) -> Position {
    yaml::position(loc, 1)
}

fn pos_of(s: &S<String>) -> Position {
    pos(&s.referenced).with_len(s.value.chars().count() as u32)
}

impl Cx {
    fn error(&mut self, rule: RuleId, at: Position, message: Text, hint: Option<Text>) {
        let d = Diagnostic::error(rule, &self.file, at, message);
        self.ds.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    fn record(&mut self, def: RecordDef, dir: &Path, programmes: &Programmes) -> Option<Record> {
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let handle = self.handle(&folder, &def.handle);
        let programme = match programmes.get(&def.programme.value) {
            Some(p) => Some(p),
            // Its own errors are reported; this record waits for a fix.
            None if programmes.is_broken(&def.programme.value) => None,
            None => {
                let hint = match did_you_mean(&def.programme.value, programmes.ids()) {
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
                    pos_of(&def.programme),
                    Text::new(
                        format!("programme inconnu `{}`", def.programme.value),
                        format!("unknown programme `{}`", def.programme.value),
                    ),
                    Some(hint),
                );
                None
            }
        };
        let status = match Status::parse(&def.status.value) {
            Some(s) => Some(Located {
                value: s,
                at: pos_of(&def.status),
            }),
            None => {
                self.unknown(&def.status, "status", ["in-progress", "submitted"]);
                None
            }
        };
        let enrolment = self.date(&def.enrolment.date);
        let intake = match Intake::parse(&def.enrolment.intake.value) {
            Some(i) => Some(Located {
                value: i,
                at: pos_of(&def.enrolment.intake),
            }),
            None => {
                self.error(
                    INTAKE_INVALID,
                    pos_of(&def.enrolment.intake),
                    Text::new(
                        format!(
                            "`{}` n’est pas une rentrée (année-mois)",
                            def.enrolment.intake.value
                        ),
                        format!(
                            "`{}` is not an intake (year-month)",
                            def.enrolment.intake.value
                        ),
                    ),
                    Some(Text::new(
                        "écrivez l’année et le mois, par exemple `2025-02`",
                        "write the year and month, for example `2025-02`",
                    )),
                );
                None
            }
        };
        // Everything below is checked even without a programme, so that one
        // run reports every problem; vocabulary checks need the programme.
        let internship = self.internship(def.internship, programme);
        let (modules, modules_at) = match def.modules {
            Some(m) => (self.modules(m.value, programme), Some(pos(&m.referenced))),
            None => (Vec::new(), None),
        };
        let workshops = def
            .workshops
            .into_iter()
            .filter_map(|w| {
                let title = self.text(&w.title);
                self.date(&w.date).map(|date| Workshop { date, title })
            })
            .collect();
        let (productions, productions_at) = match def.productions {
            Some(p) => (
                self.productions(p.value, programme),
                Some(pos(&p.referenced)),
            ),
            None => (Vec::new(), None),
        };
        let analysis = def.analysis.and_then(|a| self.file(&a));
        let assessment = def.assessment.and_then(|a| self.file(&a));
        Some(Record {
            handle: handle?,
            dir: dir.to_path_buf(),
            file: self.file.clone(),
            programme: programme?.id.clone(),
            status: status?,
            enrolment: enrolment?,
            intake: intake?,
            internship,
            modules,
            modules_at,
            workshops,
            productions,
            productions_at,
            analysis,
            assessment,
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
        if written.value != folder {
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
    fn text(&mut self, s: &S<String>) -> String {
        let t = s.value.trim();
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
        let name = self.text(&def.organisation.name);
        if let Some(m) = &def.mission {
            self.text(m);
        }
        let kind = match programme {
            Some(p) if p.organisation_kind(&def.organisation.kind.value).is_some() => {
                Some(Located {
                    value: def.organisation.kind.value.clone(),
                    at: pos_of(&def.organisation.kind),
                })
            }
            Some(p) => {
                let ids: Vec<&str> = p
                    .facts
                    .internship
                    .organisation_kinds
                    .iter()
                    .map(|k| k.id.as_str())
                    .collect();
                self.unknown(&def.organisation.kind, "organisation.kind", ids);
                None
            }
            None => None,
        };
        let supervisor_name = self.text(&def.supervisor.name);
        let role = match SupervisorRole::ALL
            .into_iter()
            .find(|r| r.key() == def.supervisor.role.value)
        {
            Some(r) => Some(Located {
                value: r,
                at: pos_of(&def.supervisor.role),
            }),
            None => {
                self.unknown(
                    &def.supervisor.role,
                    "supervisor.role",
                    SupervisorRole::ALL.map(SupervisorRole::key),
                );
                None
            }
        };
        let mut agreement = Vec::new();
        let agreement_at = def.agreement.as_ref().map(|a| pos(&a.referenced));
        if let Some(a) = def.agreement {
            let a = a.value;
            for (party, date) in [
                (Party::Student, a.student),
                (Party::Organisation, a.organisation),
                (Party::University, a.university),
            ] {
                if let Some(d) = date.and_then(|d| self.date(&d)) {
                    agreement.push((party, d));
                }
            }
        }
        let entries_at = def.hours.as_ref().map(|h| pos(&h.referenced));
        let entries = def
            .hours
            .map(|h| h.value)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| self.entry(e))
            .collect();
        Internship {
            organisation: Organisation { name, kind },
            committee_member: def.committee_member,
            supervisor: Supervisor {
                name: supervisor_name,
                role,
            },
            agreement,
            agreement_at,
            entries,
            entries_at,
        }
    }

    fn entry(&mut self, e: EntryDef) -> Option<Entry> {
        self.text(&e.activity);
        let date = self.date(&e.date);
        let at = pos(&e.hours.referenced);
        let hours = match Hours::from_hours(e.hours.value) {
            Some(h) if h > Hours(0) && h <= Hours::DAY => Some(Located { value: h, at }),
            _ => {
                self.error(
                    HOURS_INVALID,
                    at,
                    Text::new(
                        format!(
                            "{} h n’est pas une durée possible pour une journée",
                            e.hours.value
                        ),
                        format!("{} h is not a possible length for one day", e.hours.value),
                    ),
                    Some(Text::new(
                        "un nombre d’heures supérieur à 0 et d’au plus 24, par exemple 3 ou 2.5",
                        "a number of hours above 0 and at most 24, for example 3 or 2.5",
                    )),
                );
                None
            }
        };
        Some(Entry {
            date: date?,
            hours: hours?,
        })
    }

    fn modules(&mut self, defs: Vec<ModuleDef>, programme: Option<&Programme>) -> Vec<ModuleDone> {
        let mut done: Vec<ModuleDone> = Vec::new();
        for m in defs {
            let completed = self.date(&m.completed);
            let Some(p) = programme else { continue };
            if p.module(&m.id.value).is_none() {
                let ids: Vec<&str> = p.facts.modules.iter().map(|m| m.id.as_str()).collect();
                self.unknown(&m.id, "modules.id", ids);
                continue;
            }
            if done.iter().any(|d| d.id == m.id.value) {
                self.error(
                    DUPLICATE,
                    pos_of(&m.id),
                    Text::new(
                        format!("le module `{}` est inscrit deux fois", m.id.value),
                        format!("the module `{}` is listed twice", m.id.value),
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
                    id: m.id.value,
                    completed,
                });
            }
        }
        done
    }

    fn productions(
        &mut self,
        defs: Vec<ProductionDef>,
        programme: Option<&Programme>,
    ) -> Vec<Production> {
        defs.into_iter()
            .map(|d| {
                let title = self.text(&d.title);
                let kind = match programme {
                    Some(p) if p.production_kind(&d.kind.value).is_some() => {
                        Some(d.kind.value.clone())
                    }
                    Some(p) => {
                        let ids: Vec<&str> = p
                            .facts
                            .portfolio
                            .production_kinds
                            .iter()
                            .map(|k| k.id.as_str())
                            .collect();
                        self.unknown(&d.kind, "productions.kind", ids);
                        None
                    }
                    None => None,
                };
                let file = self.file(&d.file);
                Production { title, kind, file }
            })
            .collect()
    }

    /// A file named by the record: relative, inside the record folder (also
    /// after following symbolic links), and present.
    fn file(&mut self, s: &S<String>) -> Option<RecordFile> {
        let at = pos_of(s);
        let written = s.value.trim();
        if written.is_empty() {
            self.text(s);
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
        let full = self.root_dir.join(path);
        // Only a symbolic link can lead outside once `..` and absolute paths
        // are refused: resolve the path only when one is on the way, which
        // keeps the common case to a few `lstat` calls.
        let mut prefix = self.root_dir.clone();
        let mut through_link = false;
        for c in path.components() {
            prefix.push(c);
            match std::fs::symlink_metadata(&prefix) {
                Ok(m) if m.file_type().is_symlink() => {
                    through_link = true;
                    break;
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        if through_link {
            let inside = match (full.canonicalize(), self.root_dir.canonicalize()) {
                (Ok(target), Ok(dir)) => target.starts_with(dir),
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
        match std::fs::metadata(&full) {
            Ok(m) if m.is_file() => Some(RecordFile {
                path: path.to_path_buf(),
            }),
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
    fn statuses_parse() {
        assert_eq!(Status::parse("submitted"), Some(Status::Submitted));
        assert_eq!(Status::parse("done"), None);
    }
}
