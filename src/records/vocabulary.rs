//! The closed vocabulary of records, shared by programmes, rules and
//! records: where a record stands, who supervises, which parts it has.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::diagnostic::Text;

/// Where a record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
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
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "in-progress" => Some(Status::InProgress),
            "submitted" => Some(Status::Submitted),
            _ => None,
        }
    }
}

/// Who supervises the internship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

/// A top-level part of a record. Which parts a programme's records have
/// follows from its rules (`Check::requires` and `reads` in the rules module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Part {
    Enrolment,
    /// `intake:` inside `enrolment:`.
    Intake,
    Internship,
    Modules,
    Workshops,
    Productions,
    Analysis,
    Assessment,
    /// The academic years followed, with their cycle (ESCOM).
    Years,
    /// Credit-bearing actions (ESCOM).
    Actions,
    /// Eligibility at registration (CIRÉ).
    Eligibility,
    /// Sessions attended per module (CIRÉ).
    Attendance,
    /// The elements of a micro-credential.
    Credential,
}

impl Part {
    /// The key as written in records.
    pub fn key(self) -> &'static str {
        match self {
            Part::Enrolment => "enrolment",
            Part::Intake => "enrolment.intake",
            Part::Internship => "internship",
            Part::Modules => "modules",
            Part::Workshops => "workshops",
            Part::Productions => "productions",
            Part::Analysis => "analysis",
            Part::Assessment => "assessment",
            Part::Years => "years",
            Part::Actions => "actions",
            Part::Eligibility => "eligibility",
            Part::Attendance => "attendance",
            Part::Credential => "credential",
        }
    }
}

/// Words of record templates before placeholders had one form; records
/// copied from them still hold these.
const OLD_TEMPLATE_WORDS: [&str; 7] = [
    "Nom de l’organisation",
    "Nom de l'organisation",
    "Name of the organisation",
    "Nom du maître de stage",
    "Supervisor's name",
    "Ce que vous avez fait",
    "What you did",
];

/// A value a record template writes for the student to replace: the
/// `<…>` form of `engage new` (`<Name of the organisation>`,
/// `<YYYY-MM-DD>`), `...`, or the words of older templates. Taken for a
/// real name, it would let a record nobody filled in pass.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let bracketed = v.len() > 2 && v.starts_with('<') && v.ends_with('>');
    bracketed || matches!(v, "..." | "…") || OLD_TEMPLATE_WORDS.contains(&v)
}
