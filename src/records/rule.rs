//! The typed rule vocabulary of programme files (data/programmes/<id>.yml).
//!
//! Rules are data, not code: staff change a threshold or a message by editing
//! YAML that is reviewed like any other change. They are not an expression
//! language either: each rule picks one [`Check`] from a closed list, with
//! typed parameters, so that a typo is a located error when the programme is
//! loaded rather than a surprise when a student's record is checked. A new
//! kind of check is one new variant here (with its placeholders and the
//! record parts it needs and reads, in the `impl Check` below) and one
//! function in `records/evaluate/` (with a `MetricId` if it measures
//! progress).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::core::diagnostic::{Diagnostic, Position, RuleId, Severity, Text};
use crate::core::lang::Lang;
use crate::core::values::{Country, Credits, Hours};
use crate::records::vocabulary::{Part, SupervisorRole};

/// A message template in both languages, each with its position, so that a
/// mistake in the English message points at the English line.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Template {
    #[schemars(with = "String")]
    pub fr: Spanned<String>,
    #[schemars(with = "String")]
    pub en: Spanned<String>,
}

impl Template {
    pub fn text(&self) -> Text {
        Text::new(self.fr.value.clone(), self.en.value.clone())
    }
}

/// How bad a broken rule is, as written in the programme file.
///
/// Mirrors [`Severity`], which is not deserialisable: the programme file's
/// vocabulary is ours to keep stable, independently of the diagnostic type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Severity {
        match l {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        }
    }
}

/// When a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Something that is wrong at any time (hours before enrolment, a
    /// company as organisation): reported with the rule's severity.
    Consistency,
    /// Something not done yet (150 hours, 5 productions): shown as progress
    /// while the record is in progress, reported once it is submitted.
    Completeness,
}

/// A signatory of the internship agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    Student,
    Organisation,
    University,
}

impl Party {
    pub const ALL: [Party; 3] = [Party::Student, Party::Organisation, Party::University];

    /// The word used in YAML files.
    pub fn key(self) -> &'static str {
        match self {
            Party::Student => "student",
            Party::Organisation => "organisation",
            Party::University => "university",
        }
    }
    /// How messages name it, per language.
    pub fn label(self) -> Text {
        match self {
            Party::Student => Text::new("l’étudiant·e", "the student"),
            Party::Organisation => Text::new("l’organisation", "the organisation"),
            Party::University => Text::new("l’université", "the university"),
        }
    }
}

/// A document of the portfolio other than the productions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Document {
    /// The self-reflective analysis (`analysis:` in the record).
    Analysis,
    /// The supervisor's assessment grid (`assessment:` in the record).
    Assessment,
}

impl Document {
    /// The word used in YAML files.
    pub fn key(self) -> &'static str {
        match self {
            Document::Analysis => "analysis",
            Document::Assessment => "assessment",
        }
    }
}

/// A mandatory element of a micro-credential, after the Council
/// Recommendation of 16 June 2022 on a European approach to
/// micro-credentials; written as the record's key under `credential:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// Identification of the learner.
    Learner,
    /// Title of the micro-credential.
    Title,
    /// Country or region of the issuer.
    Country,
    /// Awarding body.
    AwardingBody,
    /// Date of issue.
    Issued,
    /// Learning outcomes.
    LearningOutcomes,
    /// Notional workload needed to achieve the outcomes, in ECTS.
    WorkloadEcts,
    /// Level (EQF) of the learning experience, where applicable.
    EqfLevel,
    /// Type of assessment.
    Assessment,
    /// Form of participation (online, onsite, blended…).
    Participation,
    /// Type of quality assurance used to underpin the micro-credential.
    QualityAssurance,
}

impl Element {
    /// Every element, in the order of the recommendation.
    pub const ALL: [Element; 11] = [
        Element::Learner,
        Element::Title,
        Element::Country,
        Element::AwardingBody,
        Element::Issued,
        Element::LearningOutcomes,
        Element::WorkloadEcts,
        Element::EqfLevel,
        Element::Assessment,
        Element::Participation,
        Element::QualityAssurance,
    ];
    /// The key under `credential:` in records.
    pub fn key(self) -> &'static str {
        match self {
            Element::Learner => "learner",
            Element::Title => "title",
            Element::Country => "country",
            Element::AwardingBody => "awarding_body",
            Element::Issued => "issued",
            Element::LearningOutcomes => "learning_outcomes",
            Element::WorkloadEcts => "workload_ects",
            Element::EqfLevel => "eqf_level",
            Element::Assessment => "assessment",
            Element::Participation => "participation",
            Element::QualityAssurance => "quality_assurance",
        }
    }
    /// How messages name it, per language.
    pub fn label(self) -> Text {
        let (fr, en) = match self {
            Element::Learner => (
                "l’identification de l’apprenant·e",
                "the learner’s identification",
            ),
            Element::Title => ("l’intitulé", "the title"),
            Element::Country => ("le pays de l’émetteur", "the issuing country"),
            Element::AwardingBody => ("l’organisme qui délivre", "the awarding body"),
            Element::Issued => ("la date de délivrance", "the date of issue"),
            Element::LearningOutcomes => ("les acquis d’apprentissage", "the learning outcomes"),
            Element::WorkloadEcts => (
                "la charge de travail en ECTS",
                "the notional workload in ECTS",
            ),
            Element::EqfLevel => ("le niveau CEC", "the EQF level"),
            Element::Assessment => ("le type d’évaluation", "the type of assessment"),
            Element::Participation => ("la forme de participation", "the form of participation"),
            Element::QualityAssurance => (
                "le type d’assurance qualité",
                "the type of quality assurance",
            ),
        };
        Text::new(fr, en)
    }
}

/// What a rule checks, with its parameters: the closed vocabulary of rules.
///
/// Written in YAML as `check: not-after-today` for checks without parameters
/// and `check: { minimum-hours: { hours: 150 } }` for the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// The record's intake (`2025-02`) starts in one of these months.
    IntakeMonth {
        #[serde(deserialize_with = "crate::core::values::months")]
        months: Vec<u8>,
    },
    /// No date of the record (enrolment, hours, modules, workshops,
    /// signatures) lies after today: the record logs the past only.
    /// Workshops are left to `workshop-in-calendar` when the programme has
    /// it, so that one mistake gives one diagnostic.
    NotAfterToday,
    /// No activity (hours, modules, workshops) before the enrolment date:
    /// past engagement is not recognised. Workshops are left to
    /// `workshop-in-calendar` when the programme has it.
    NotBeforeEnrolment,
    /// Every activity lies within `years` of enrolment; the last allowed day
    /// is the day before the `years`-th anniversary.
    WithinYears { years: u8 },
    /// A record still in progress after its last allowed day can no longer
    /// be completed.
    DeadlineNotPassed { years: u8 },
    /// The organisation's kind is accepted by the programme (see
    /// `internship.organisation_kinds`).
    OrganisationAccepted,
    /// In an organisation run by a committee (student circle, office…), a
    /// student whose `committee_member` equals this value must have a
    /// supervisor with this role.
    SupervisorRole {
        committee_member: bool,
        role: SupervisorRole,
    },
    /// These parties have signed the agreement once hours are logged (or the
    /// record is submitted).
    AgreementSigned { parties: Vec<Party> },
    /// Every signature is dated on or before the first logged hour.
    AgreementBeforeHours,
    /// At least this many hours are logged.
    MinimumHours { hours: Hours },
    /// Every module of the programme is completed.
    ModulesCompleted,
    /// Every workshop attended names (`event:`) a workshop of the
    /// programme in the calendar (data/calendar/), not cancelled, that took
    /// place between enrolment and today. The message says which of these
    /// fails in `{reason}`; an unknown id close to a known workshop gets a
    /// did-you-mean as its hint instead of the rule's.
    WorkshopInCalendar,
    /// At least this many productions, each with a title, kind and file.
    Productions { count: u32 },
    /// This document is provided.
    Document { document: Document },
    /// At most this many records per intake (a rule across records).
    PlacesPerIntake { places: u32 },
    /// Every action's academic year is listed in `years:` with the cycle
    /// the action gives.
    ActionInYears,
    /// No action is dated in an academic year that has not begun on
    /// "today" (years start on the first of `starts_month`): what has not
    /// happened earns nothing yet.
    ActionNotFuture { starts_month: u8 },
    /// An action under the lowest band of the programme's credit scale
    /// earns no credit (a warning, so that the student adds hours).
    ActionCredits,
    /// At least this many credits in each cycle the record lists.
    CreditsPerCycle { credits: Credits },
    /// A finished academic year without credit, in a cycle that has not
    /// reached `credits`, puts the student at risk; academic years start on
    /// the first of `starts_month`.
    YearWithoutCredit { credits: Credits, starts_month: u8 },
    /// The residence permit was issued less than `years` years before the
    /// registration (and not after it).
    PermitWithinYears { years: u8 },
    /// No nationality of the record is one of these countries (ISO 3166-1
    /// codes, checked when the programme loads): the member states of a
    /// union as they stand from `valid_from`, so that whoever updates the
    /// list after the next accession or departure sees how old it is.
    NationalityOutside {
        #[serde(with = "crate::core::values::day")]
        #[schemars(with = "String")]
        valid_from: jiff::civil::Date,
        countries: Vec<Country>,
    },
    /// The record lists this language (ISO 639-1 code) among those spoken.
    SpeaksLanguage { language: String },
    /// An attendance certificate is recorded only for a module whose every
    /// session was attended.
    CertificateDue,
    /// At least this many modules attended in full.
    FullModules { count: u32 },
    /// Each of these elements of the credential is given.
    CredentialElements { elements: Vec<Element> },
    /// The credential's workload is strictly below this many credits.
    CreditsBelow { credits: Credits },
}

impl Check {
    /// The `{placeholders}` this check fills in messages and hints; the
    /// programme loader refuses any other, so a message never shows a raw
    /// `{brace}` to a student.
    pub fn placeholders(&self) -> &'static [&'static str] {
        match self {
            Check::IntakeMonth { .. } => &["intake", "months"],
            Check::NotAfterToday => &["date", "today"],
            Check::NotBeforeEnrolment => &["date", "enrolment"],
            Check::WithinYears { .. } => &["date", "deadline", "years"],
            Check::DeadlineNotPassed { .. } => &["deadline", "today", "years"],
            Check::OrganisationAccepted => &["kind"],
            Check::SupervisorRole { .. } => &["role", "expected"],
            Check::AgreementSigned { .. } => &["party"],
            Check::AgreementBeforeHours => &["party", "signed", "first_hour"],
            Check::MinimumHours { .. } => &["logged", "required"],
            Check::ModulesCompleted => &["done", "required", "missing"],
            Check::WorkshopInCalendar => &["event", "reason"],
            Check::Productions { .. } => &["done", "required"],
            Check::Document { .. } => &[],
            Check::PlacesPerIntake { .. } => &["intake", "enrolled", "places"],
            Check::ActionInYears => &["year", "cycle", "expected"],
            Check::ActionNotFuture { .. } => &["year", "today", "current_year"],
            Check::ActionCredits => &["hours", "minimum"],
            Check::CreditsPerCycle { .. } => &["cycle", "done", "required"],
            Check::YearWithoutCredit { .. } => {
                &["year", "next_year", "cycle", "done", "needed", "required"]
            }
            Check::PermitWithinYears { .. } => &["permit", "registration", "years", "limit"],
            Check::NationalityOutside { .. } => &["nationality"],
            Check::SpeaksLanguage { .. } => &["language"],
            Check::CertificateDue => &["module", "attended", "sessions"],
            Check::FullModules { .. } => &["done", "required"],
            Check::CredentialElements { .. } => &["element"],
            Check::CreditsBelow { .. } => &["credits", "limit"],
        }
    }

    /// The parts of a record this check cannot do without: a record of the
    /// programme that lacks one is reported when it is loaded
    /// (`record.part-missing`), so the check itself may skip it.
    pub fn requires(&self) -> &'static [Part] {
        match self {
            Check::IntakeMonth { .. } | Check::PlacesPerIntake { .. } => {
                &[Part::Enrolment, Part::Intake]
            }
            Check::NotBeforeEnrolment
            | Check::WithinYears { .. }
            | Check::DeadlineNotPassed { .. } => &[Part::Enrolment],
            Check::OrganisationAccepted
            | Check::SupervisorRole { .. }
            | Check::AgreementSigned { .. }
            | Check::AgreementBeforeHours
            | Check::MinimumHours { .. } => &[Part::Internship],
            Check::ActionInYears
            | Check::CreditsPerCycle { .. }
            | Check::YearWithoutCredit { .. } => &[Part::Years],
            Check::PermitWithinYears { .. } => &[Part::Enrolment, Part::Eligibility],
            Check::NationalityOutside { .. } | Check::SpeaksLanguage { .. } => &[Part::Eligibility],
            Check::NotAfterToday
            | Check::ModulesCompleted
            | Check::WorkshopInCalendar
            | Check::Productions { .. }
            | Check::Document { .. }
            | Check::ActionCredits
            | Check::ActionNotFuture { .. }
            | Check::CertificateDue
            | Check::FullModules { .. }
            | Check::CredentialElements { .. }
            | Check::CreditsBelow { .. } => &[],
        }
    }

    /// The parts of a record this check reads (those it requires, and
    /// those that may still be missing while a record is in progress). A
    /// part no rule of the programme reads is refused in its records
    /// (`record.part-unexpected`): an `internship:` in an ESCOM record is a
    /// mistake, not a detail. Date checks read whatever is there.
    pub fn reads(&self) -> &'static [Part] {
        match self {
            Check::ModulesCompleted => &[Part::Modules],
            Check::WorkshopInCalendar => &[Part::Workshops],
            Check::Productions { .. } => &[Part::Productions],
            Check::Document {
                document: Document::Analysis,
            } => &[Part::Analysis],
            Check::Document {
                document: Document::Assessment,
            } => &[Part::Assessment],
            Check::ActionInYears
            | Check::ActionCredits
            | Check::ActionNotFuture { .. }
            | Check::CreditsPerCycle { .. }
            | Check::YearWithoutCredit { .. } => &[Part::Years, Part::Actions],
            Check::CertificateDue | Check::FullModules { .. } => &[Part::Attendance],
            Check::CredentialElements { .. } | Check::CreditsBelow { .. } => &[Part::Credential],
            other => other.requires(),
        }
    }

    /// A rule across records (checked once for all records), rather than a
    /// rule of one record.
    pub fn is_cohort(&self) -> bool {
        matches!(self, Check::PlacesPerIntake { .. })
    }
}

/// One rule of a programme, as written in its file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub severity: Level,
    pub phase: Phase,
    pub label: Text,
    /// Whether the programme's pages list the rule among what is checked in
    /// a record (default yes). `false` for internal checks ("no future
    /// date", "places per intake") that mean nothing to a student reading
    /// the requirements.
    #[serde(default = "shown")]
    pub public: bool,
    pub message: Template,
    #[serde(default)]
    pub hint: Option<Template>,
    pub check: Check,
}

fn shown() -> bool {
    true
}

/// One rule of a programme, loaded and known good: its id is well formed
/// and its messages use only the placeholders its check fills.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: RuleId,
    pub severity: Severity,
    pub phase: Phase,
    /// A short name for lists of rules (site pages, reports).
    pub label: Text,
    /// Listed on the programme's pages (`public: false` hides internal checks).
    pub public: bool,
    /// The message shown when the rule is broken, with `{placeholders}`.
    pub message: Text,
    pub hint: Option<Text>,
    pub check: Check,
}

/// A value filled into a message, per language (a date is the same in
/// both, a module name is not).
#[derive(Debug, Clone)]
pub struct Arg {
    pub name: &'static str,
    pub value: Text,
}

impl Arg {
    /// A value written the same way in both languages (numbers, dates).
    pub fn same(name: &'static str, value: impl fmt::Display) -> Arg {
        let v = value.to_string();
        Arg {
            name,
            value: Text::new(v.clone(), v),
        }
    }
    pub fn text(name: &'static str, value: Text) -> Arg {
        Arg { name, value }
    }
}

impl Rule {
    /// The diagnostic for this rule broken at `position` of `file`.
    pub fn diagnostic(
        &self,
        severity: Severity,
        file: impl Into<std::path::PathBuf>,
        position: Position,
        args: &[Arg],
    ) -> Diagnostic {
        let message = fill_text(&self.message, args);
        let mut d = Diagnostic::error(self.id.clone(), file, position, message);
        d.severity = severity;
        match &self.hint {
            Some(h) => d.with_hint(fill_text(h, args)),
            None => d,
        }
    }
}

fn fill_text(template: &Text, args: &[Arg]) -> Text {
    Text::new(
        fill(&template.fr, args, Lang::Fr),
        fill(&template.en, args, Lang::En),
    )
}

/// Replaces each `{name}` of `template` by its value in `lang`.
pub fn fill(template: &str, args: &[Arg], lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|a| a.name == name) {
                    Some(a) => out.push_str(a.value.get(lang)),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{names}` a template uses, in order.
pub fn placeholders_of(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

/// A rule id is lowercase words separated by dots and hyphens, with at least
/// one dot (`ceci.internship-hours`), so that it reads well in CI logs and
/// cannot be mistaken for a built-in id.
pub fn valid_rule_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let first_ok = parts.next().is_some_and(|p| !p.is_empty());
    let mut count = 0;
    let rest_ok = parts.all(|p| {
        count += 1;
        !p.is_empty()
            && !p.starts_with('-')
            && !p.ends_with('-')
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    first_ok
        && rest_ok
        && count > 0
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders_per_language() {
        let args = [
            Arg::same("logged", 120),
            Arg::text("kind", Text::new("entreprise", "company")),
        ];
        assert_eq!(
            fill("{logged} h, {kind}", &args, Lang::En),
            "120 h, company"
        );
        assert_eq!(fill("{kind} !", &args, Lang::Fr), "entreprise !");
        // Unknown names and unclosed braces are left as written.
        assert_eq!(fill("{nope} {", &args, Lang::En), "{nope} {");
    }

    #[test]
    fn placeholders_are_listed() {
        assert_eq!(placeholders_of("a {x} b {y_z}"), vec!["x", "y_z"]);
        assert!(placeholders_of("none").is_empty());
    }

    #[test]
    fn rule_ids_are_dotted_lowercase() {
        assert!(valid_rule_id("ceci.internship-hours"));
        assert!(valid_rule_id("escom.credits.per-cycle"));
        assert!(!valid_rule_id("ceci"));
        assert!(!valid_rule_id("CECI.hours"));
        assert!(!valid_rule_id("ceci..hours"));
        assert!(!valid_rule_id("ceci.-hours"));
        assert!(!valid_rule_id("ceci.hours h"));
    }

    #[test]
    fn checks_read_from_yaml() {
        let c: Check = serde_saphyr::from_str("minimum-hours: { hours: 150 }\n").unwrap();
        assert_eq!(
            c,
            Check::MinimumHours {
                hours: Hours::from_minutes(150 * 60)
            }
        );
        let c: Check = serde_saphyr::from_str("not-after-today\n").unwrap();
        assert_eq!(c, Check::NotAfterToday);
        let c: Check = serde_saphyr::from_str("workshop-in-calendar\n").unwrap();
        assert_eq!(c, Check::WorkshopInCalendar);
        let e = serde_saphyr::from_str::<Check>("minimum-hours: { hour: 150 }\n");
        assert!(e.is_err());
    }
}
