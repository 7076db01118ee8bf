//! `engage attest <handle>`: what a complete record earns, as plain data
//! ([`Attestation`]), its printable page in both languages, and the
//! refusal of an incomplete record in the check's own words.
//!
//! Whether a record is complete is the check's answer for the record as if
//! it were submitted: the completeness rules then speak as errors, with
//! their rule ids and messages, so the refusal lists exactly what
//! `engage check` would list at submission.

use std::fmt::Write;

use jiff::civil::Date;

use crate::core::diagnostic::{Diagnostics, Text};
use crate::core::html::escape;
use crate::core::lang::{pick as t, Lang};
use crate::core::values::{Credits, Hours};
use crate::records::evaluate::{check_cohorts, check_record, MetricId, Quantity};
use crate::records::portfolio::Record;
use crate::records::programme::{Programme, ProgrammeKind};
use crate::records::rule::{Element, Phase};
use crate::records::vocabulary::Status;
use crate::report::html::head;
use crate::site::config::Issuer;
use crate::workspace::Workspace;

/// A module whose every session was attended (CIRÉ): what its attendance
/// certificate names.
#[derive(Debug, Clone)]
pub struct ModuleCertified {
    pub id: String,
    pub label: Text,
    pub sessions: u32,
    pub first: Option<Date>,
    pub last: Option<Date>,
}

/// What a complete record earns.
#[derive(Debug, Clone)]
pub struct Attestation {
    pub handle: String,
    /// The learner as named on the certificate: the record's `learner`
    /// element when it has one, else the handle.
    pub learner: String,
    pub programme_id: String,
    pub programme: Text,
    pub kind: ProgrammeKind,
    pub issuer: Issuer,
    pub issued: Date,
    pub started: Option<Date>,
    pub credits: Option<Credits>,
    pub hours: Option<Hours>,
    pub modules: Vec<ModuleCertified>,
    /// The mandatory elements of a micro-credential, in the
    /// recommendation's order, with their values (`None`: not applicable).
    pub elements: Vec<(Element, Option<String>)>,
    /// What was achieved, as the credential's alignments: a
    /// micro-credential's learning outcomes, else the programme's modules
    /// or action kinds.
    pub outcomes: Vec<String>,
    /// The programme's completeness rules: the criteria met.
    pub criteria: Vec<Text>,
}

/// Why no attestation was made.
#[derive(Debug)]
pub enum Refused {
    /// No readable record has this handle.
    Unknown,
    /// data/site.yml names no `issuer`.
    NoIssuer,
    /// The record is not complete: the check's errors for it.
    Incomplete(Diagnostics),
}

/// The check's errors for `record` as if submitted: completeness rules,
/// consistency errors and cohort rules (places per intake).
pub fn missing(ws: &Workspace, record: &Record, programme: &Programme) -> (bool, Diagnostics) {
    let mut as_submitted = record.clone();
    as_submitted.status.value = Status::Submitted;
    let outcome = check_record(&as_submitted, programme, &ws.calendar, ws.today);
    let mut ds: Diagnostics = outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    ds.extend(
        check_cohorts(&ws.records, &ws.programmes)
            .into_iter()
            .chain(ws.problems.records.iter().cloned())
            .filter(|d| d.is_error() && d.file.starts_with(&record.dir)),
    );
    ds.sort();
    (outcome.complete && !ds.has_errors(), ds)
}

/// The attestation of `handle`, or why there is none.
pub fn attest(
    ws: &Workspace,
    issuer: Option<&Issuer>,
    handle: &str,
) -> Result<Attestation, Refused> {
    let record = ws
        .records
        .iter()
        // `engage attest Alice` is alice's: handles ignore capitals.
        .find(|r| r.handle.is(handle))
        .ok_or(Refused::Unknown)?;
    let programme = ws
        .programmes
        .get(&record.programme)
        .ok_or(Refused::Unknown)?;
    let (complete, ds) = missing(ws, record, programme);
    if !complete {
        return Err(Refused::Incomplete(ds));
    }
    let issuer = issuer.ok_or(Refused::NoIssuer)?.clone();
    let progress = check_record(record, programme, &ws.calendar, ws.today).progress;
    let facts = &programme.facts;
    let credential = record.credential.as_ref();
    let credits = match (facts.credits, credential.and_then(|c| c.workload.as_ref())) {
        (_, Some(w)) => Some(w.value),
        (Some(c), None) => Credits::from_ects(c),
        (None, None) => {
            let earned: Credits = progress
                .metrics
                .iter()
                .filter_map(|m| match (m.id, m.done) {
                    (MetricId::Credits, Quantity::Credits(c)) => Some(c),
                    _ => None,
                })
                .sum();
            (earned > Credits::ZERO).then_some(earned)
        }
    };
    let hours = match progress.get(MetricId::Hours).map(|m| m.done) {
        Some(Quantity::Hours(h)) => Some(h),
        _ if !record.actions.is_empty() => Some(
            record
                .actions
                .iter()
                .fold(Hours::ZERO, |sum, a| sum.saturating_add(a.hours())),
        ),
        _ => None,
    };
    let modules = record
        .attendance
        .iter()
        .filter_map(|a| {
            let m = programme.module(&a.module.value)?;
            let n = m.sessions?;
            let all = (1..=n).all(|s| a.sessions.iter().any(|x| x.number == s));
            all.then(|| ModuleCertified {
                id: m.id.clone(),
                label: m.label.clone(),
                sessions: n,
                first: a.sessions.iter().map(|s| s.date.value).min(),
                last: a.sessions.iter().map(|s| s.date.value).max(),
            })
        })
        .collect();
    let elements = match credential {
        Some(c) => Element::ALL
            .iter()
            .map(|&e| (e, element_value(c, e)))
            .collect(),
        None => Vec::new(),
    };
    let outcomes = match credential {
        Some(c) if !c.learning_outcomes.is_empty() => c.learning_outcomes.clone(),
        _ if !facts.modules.is_empty() => {
            facts.modules.iter().map(|m| m.label.en.clone()).collect()
        }
        _ => facts
            .actions
            .iter()
            .flat_map(|a| &a.kinds)
            .map(|k| k.label.en.clone())
            .collect(),
    };
    let started = record.enrolment.as_ref().map(|e| e.value).or_else(|| {
        record
            .years
            .iter()
            .map(|y| y.year.value)
            .min()
            .and_then(|y| y.first_day(9))
    });
    Ok(Attestation {
        handle: record.handle.to_string(),
        learner: credential
            .and_then(|c| c.learner.clone())
            .unwrap_or_else(|| record.handle.to_string()),
        programme_id: programme.id.clone(),
        programme: facts.name.clone(),
        kind: facts.kind,
        issuer,
        issued: credential
            .and_then(|c| c.issued.as_ref())
            .map_or(ws.today, |d| d.value),
        started,
        credits,
        hours,
        modules,
        elements,
        outcomes,
        criteria: programme
            .rules
            .iter()
            .filter(|r| r.phase == Phase::Completeness && r.public)
            .map(|r| r.label.clone())
            .collect(),
    })
}

fn element_value(c: &crate::records::portfolio::Credential, e: Element) -> Option<String> {
    match e {
        Element::Learner => c.learner.clone(),
        Element::Title => c.title.clone(),
        Element::Country => c.country.as_ref().map(|x| x.value.to_string()),
        Element::AwardingBody => c.awarding_body.clone(),
        Element::Issued => c.issued.as_ref().map(|d| d.value.to_string()),
        Element::LearningOutcomes => {
            (!c.learning_outcomes.is_empty()).then(|| c.learning_outcomes.join(" ; "))
        }
        Element::WorkloadEcts => c.workload.as_ref().map(|w| format!("{} ECTS", w.value)),
        Element::EqfLevel => c.eqf_level.map(|l| l.to_string()),
        Element::Assessment => c.assessment.clone(),
        Element::Participation => c.participation.clone(),
        Element::QualityAssurance => c.quality_assurance.clone(),
    }
}

const STYLE: &str = "body{font:11pt/1.5 Georgia,serif;color:#111;margin:0;background:#fff}\
article{max-width:180mm;margin:0 auto;padding:15mm 0}\
h1{font-size:20pt;margin:0 0 6mm}\
dl{display:grid;grid-template-columns:55mm 1fr;gap:2mm 4mm}dt{font-weight:700}dd{margin:0}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #444;padding:1.5mm 2mm;text-align:left;vertical-align:top}\
.signature{margin-top:10mm}\
@page{size:A4;margin:15mm}\
@media print{article{padding:0;break-after:page}article:last-child{break-after:auto}}";

fn page(out: &mut String, a: &Attestation, lang: Lang) {
    let title = match a.kind {
        ProgrammeKind::Workshops => t(
            lang,
            "Attestation de fréquentation",
            "Attendance certificate",
        ),
        ProgrammeKind::MicroCredential => t(lang, "Micro-certification", "Micro-credential"),
        _ => t(lang, "Attestation de réussite", "Certificate of completion"),
    };
    let issuer = a
        .issuer
        .name
        .get(lang)
        .or(a.issuer.name.fr.as_ref())
        .map_or("", String::as_str);
    let _ = write!(
        out,
        "<article lang=\"{code}\" id=\"{code}\"><h1>{title}</h1><p class=\"lead\">{lead}</p><dl>",
        code = lang.code(),
        lead = escape(&match lang {
            Lang::Fr => format!(
                "{issuer} atteste que {} a satisfait aux conditions du programme « {} ».",
                a.learner,
                a.programme.get(lang)
            ),
            Lang::En => format!(
                "{issuer} certifies that {} has met the requirements of the programme “{}”.",
                a.learner,
                a.programme.get(lang)
            ),
        }),
    );
    let mut row = |k: &str, class: &str, v: &str| {
        let _ = write!(
            out,
            "<dt>{}</dt><dd class=\"{class}\">{}</dd>",
            escape(k),
            escape(v)
        );
    };
    row(t(lang, "Étudiant·e", "Student"), "learner", &a.learner);
    row(
        t(lang, "Programme", "Programme"),
        "programme",
        a.programme.get(lang),
    );
    if let Some(c) = a.credits {
        row(
            t(lang, "Crédits", "Credits"),
            "credits",
            &format!("{} ECTS", crate::records::programme::decimal(c, lang)),
        );
    }
    if let Some(h) = a.hours {
        row(
            t(lang, "Heures", "Hours"),
            "hours",
            &format!("{} h", crate::records::programme::decimal(h, lang)),
        );
    }
    if let Some(d) = a.started {
        row(t(lang, "Début", "Started"), "started", &d.to_string());
    }
    row(
        t(lang, "Date de délivrance", "Date of issue"),
        "issued",
        &a.issued.to_string(),
    );
    row(t(lang, "Délivré par", "Issued by"), "issuer", issuer);
    out.push_str("</dl>");
    if !a.modules.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2><table class=\"modules\">",
            t(lang, "Modules suivis en entier", "Modules attended in full"),
        );
        head(
            out,
            &[
                t(lang, "Module", "Module"),
                t(lang, "Séances", "Sessions"),
                t(lang, "Dates", "Dates"),
            ],
        );
        for m in &a.modules {
            let dates = match (m.first, m.last) {
                (Some(f), Some(l)) => format!("{f} – {l}"),
                _ => String::new(),
            };
            let _ = write!(
                out,
                "<tr data-module=\"{}\"><th scope=\"row\">{}</th><td>{}/{}</td><td>{}</td></tr>",
                escape(&m.id),
                escape(m.label.get(lang)),
                m.sessions,
                m.sessions,
                dates
            );
        }
        out.push_str("</tbody></table>");
    }
    if !a.elements.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2><table class=\"elements\">",
            t(
                lang,
                "Éléments obligatoires (recommandation du Conseil de l’UE 2022/C 243/02, annexe I)",
                "Mandatory elements (Council Recommendation 2022/C 243/02, Annex I)"
            ),
        );
        head(
            out,
            &[t(lang, "Élément", "Element"), t(lang, "Valeur", "Value")],
        );
        for (e, v) in &a.elements {
            let _ = write!(
                out,
                "<tr data-element=\"{}\"><th scope=\"row\">{}</th><td>{}</td></tr>",
                e.key(),
                escape(e.label().get(lang)),
                escape(
                    v.as_deref()
                        .unwrap_or(t(lang, "sans objet", "not applicable"))
                )
            );
        }
        out.push_str("</tbody></table>");
    }
    let place = a.issuer.place.get(lang).map_or("", String::as_str);
    let _ = write!(
        out,
        "<p class=\"signature\">{}{}{}, {}</p></article>",
        escape(issuer),
        if place.is_empty() { "" } else { ", " },
        escape(place),
        a.issued
    );
}

/// The attestation page: French then English, one A4 page each in print.
pub fn render(a: &Attestation) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<link rel=\"icon\" href=\"data:,\"><title>{} – {}</title><style>{STYLE}</style></head><body><main>",
        escape(&a.learner),
        escape(&a.programme.fr),
    );
    for lang in Lang::ALL {
        page(&mut out, a, lang);
    }
    out.push_str("</main></body></html>\n");
    out
}
