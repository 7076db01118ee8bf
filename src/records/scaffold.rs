//! The commented record template `engage new portfolio` writes.
//!
//! The template is derived from the programme, not written by hand per
//! programme: its parts are those the programme's rules read
//! ([`Programme::record_parts`]), and its comments list the programme's own
//! vocabulary (organisation kinds, modules, cycles…). A new programme gets
//! its template for free, and a template never offers a part its programme
//! refuses. What the student must replace is written as a placeholder the
//! check recognises (`<Name of the organisation>`, `<YYYY-MM-DD>`, the
//! country `XX`, see `vocabulary::is_placeholder`): a fresh template checks
//! without error (each placeholder a warning, completeness as progress),
//! and a submitted record still holding one is an error naming the field.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::core::lang::Lang;
use crate::core::values::{AcademicYear, Handle};
use crate::records::portfolio::RECORD_FILE;
use crate::records::programme::Programme;
use crate::records::rule::{Check, Element};
use crate::records::vocabulary::Part;

/// The text of a new record of `programme` for `handle`, dated `today`,
/// with comments in `lang`.
pub fn record_template(programme: &Programme, handle: &Handle, today: Date, lang: Lang) -> String {
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let ids = |items: &mut dyn Iterator<Item = &str>| items.collect::<Vec<_>>().join(", ");
    let parts = programme.record_parts();
    let required: Vec<Part> = programme.required_parts();
    let has = |p: Part| parts.contains(&p) || required.contains(&p);
    let mut s = String::new();
    // `writeln!` into a String cannot fail.
    let mut line = |text: &str| {
        s.push_str(text);
        s.push('\n');
    };
    // The programme's own schema, relative to the record file: editors
    // complete its keys and flag values outside its closed lists.
    line(&format!(
        "# yaml-language-server: $schema={}",
        crate::records::schema::reference(&programme.id)
    ));
    line(&format!(
        "# {} — {} `{handle}`.",
        programme.facts.name.get(lang),
        t("portfolio de", "record of")
    ));
    line(t(
        "# Les lignes qui commencent par # sont des commentaires. Vérifiez le portfolio avec :",
        "# Lines starting with # are comments. Check the record with:",
    ));
    line(&format!("#   engage check data/portfolios/{handle}"));
    line(&format!("programme: {}", programme.id));
    line(&format!("handle: {handle}"));
    line(t(
        "# in-progress pendant le travail ; submitted une fois le dossier complet.",
        "# in-progress while you work on it; submitted once the record is complete.",
    ));
    line("status: in-progress");

    if has(Part::Enrolment) {
        line(t(
            "# Le jour de votre inscription (AAAA-MM-JJ).",
            "# The day you enrolled (YYYY-MM-DD).",
        ));
        line("enrolment:");
        line(&format!("  date: {today}"));
        if has(Part::Intake) {
            line(t(
                "  # Votre rentrée : année et mois (AAAA-MM).",
                "  # Your intake: year and month (YYYY-MM).",
            ));
            line(&format!("  intake: {}", intake(programme, today)));
        }
    }
    if has(Part::Internship) {
        let kinds = ids(&mut programme
            .organisation_kinds()
            .iter()
            .filter(|k| k.accepted)
            .map(|k| k.id.as_str()));
        let first = programme
            .organisation_kinds()
            .iter()
            .find(|k| k.accepted)
            .map_or("association", |k| k.id.as_str());
        line("internship:");
        line("  organisation:");
        line(&format!(
            "    name: {}",
            t("<Nom de l’organisation>", "<Name of the organisation>")
        ));
        line(&format!("    # {kinds}"));
        line(&format!("    kind: {first}"));
        line(t(
            "  # true si vous êtes membre du comité ou du bureau de l’organisation.",
            "  # true if you sit on the committee or bureau of the organisation.",
        ));
        line("  committee_member: false");
        line("  supervisor:");
        line(&format!(
            "    name: {}",
            t("<Nom du maître de stage>", "<Supervisor's name>")
        ));
        line("    # staff, outgoing-committee-member, committee");
        line("    role: staff");
        line(t(
            "  # La date de signature de chaque partie, avant la première heure de stage :",
            "  # The day each party signed the agreement, before the first hour:",
        ));
        line("  # agreement:");
        line(&format!("  #   student: {today}"));
        line(&format!("  #   organisation: {today}"));
        line(&format!("  #   university: {today}"));
        line(t(
            "  # Une ligne par journée de stage :",
            "  # One line per day of internship:",
        ));
        line(&format!(
            "  #   - {{ date: {today}, hours: 3, activity: {} }}",
            t("Ce que vous avez fait", "What you did")
        ));
        line("  hours: []");
    }
    if has(Part::Modules) {
        let list = ids(&mut programme.facts.modules.iter().map(|m| m.id.as_str()));
        line(&format!(
            "# {} {list}",
            t("Modules en ligne terminés :", "Online modules completed:")
        ));
        line(&format!("#   - {{ id: ..., completed: {today} }}"));
        line("modules: []");
    }
    if has(Part::Workshops) {
        line(t(
            "# Ateliers suivis, par leur identifiant dans le calendrier (data/calendar/) :",
            "# Workshops attended, by their id in the calendar (data/calendar/):",
        ));
        line("#   - { event: atelier-2025-10 }");
        line("workshops: []");
    }
    if has(Part::Productions) {
        let kinds = ids(&mut programme.production_kinds().iter().map(|k| k.id.as_str()));
        line(&format!(
            "# {} {kinds}",
            t(
                "Productions (fichiers dans ce dossier), de type :",
                "Productions (files in this folder), of kind:"
            )
        ));
        line("#   - { title: ..., kind: ..., file: productions/plan.pdf }");
        line("productions: []");
    }
    if has(Part::Analysis) {
        line(t(
            "# L’analyse réflexive, un fichier de ce dossier :",
            "# The self-reflective analysis, a file of this folder:",
        ));
        line("# analysis: analyse.pdf");
    }
    if has(Part::Assessment) {
        line(t(
            "# La grille d’évaluation remplie par votre maître de stage :",
            "# The assessment grid filled in by your supervisor:",
        ));
        line("# assessment: grille.pdf");
    }
    if has(Part::Years) {
        let cycles = ids(&mut programme.cycles().iter().map(|c| c.id.as_str()));
        let first = programme
            .cycles()
            .first()
            .map_or("preparatory", |c| c.id.as_str());
        line(&format!(
            "# {} {cycles}",
            t(
                "Chaque année académique suivie, avec son cycle :",
                "Each academic year followed, with its cycle:"
            )
        ));
        line("years:");
        line(&format!(
            "  - {{ year: {}, cycle: {first} }}",
            academic_year(programme, today)
        ));
    }
    if has(Part::Actions) {
        let kinds = ids(&mut programme.action_kinds().iter().map(|k| k.id.as_str()));
        line(&format!(
            "# {} {kinds}",
            t("Actions, de type :", "Actions, of kind:")
        ));
        line("#   - kind: ...");
        line("#     title: ...");
        line(&format!("#     year: {}", academic_year(programme, today)));
        line("#     cycle: ...");
        line("#     presence_hours: 12");
        line("#     preparation_hours: 4");
        line("actions: []");
    }
    if has(Part::Eligibility) {
        line(t(
            "# Conditions d’accès, à remplacer par les vôtres :",
            "# Eligibility, to replace with yours:",
        ));
        line("eligibility:");
        line(t(
            "  # Date de délivrance du titre de séjour.",
            "  # Date the residence permit was issued.",
        ));
        line(&format!(
            "  residence_permit: {}",
            t("<AAAA-MM-JJ>", "<YYYY-MM-DD>")
        ));
        line(t(
            "  # Codes ISO à deux lettres de vos nationalités (MA, SY, CD…).",
            "  # Two-letter ISO codes of your nationalities (MA, SY, CD…).",
        ));
        line("  nationalities: [XX]");
        line(t(
            "  # Langues parlées (codes ISO : fr, ar, en…).",
            "  # Languages spoken (ISO codes: fr, ar, en…).",
        ));
        line("  languages: [fr]");
    }
    if has(Part::Attendance) {
        let modules = programme.modules_with_sessions().join(", ");
        line(&format!(
            "# {} {modules}",
            t(
                "Séances suivies par module :",
                "Sessions attended per module:"
            )
        ));
        line("#   - module: ...");
        line("#     sessions:");
        line(&format!("#       - {{ session: 1, date: {today} }}"));
        line(&format!("#     certificate: {today}"));
        line("attendance: []");
    }
    if has(Part::Credential) {
        let elements: Vec<Element> = programme
            .rules
            .iter()
            .find_map(|r| match &r.check {
                Check::CredentialElements { elements } => Some(elements.clone()),
                _ => None,
            })
            .unwrap_or_else(|| Element::ALL.to_vec());
        line(t(
            "# Les éléments de la micro-certification : retirez le # et complétez.",
            "# The elements of the micro-credential: remove the # and fill in.",
        ));
        line("credential:");
        for e in Element::ALL {
            let mandatory = if elements.contains(&e) {
                ""
            } else {
                t(" (si applicable)", " (where applicable)")
            };
            let example = match e {
                Element::Issued => today.to_string(),
                Element::Country => "BE".into(),
                Element::WorkloadEcts => "3".into(),
                Element::EqfLevel => "6".into(),
                Element::LearningOutcomes => "[...]".into(),
                _ => "...".into(),
            };
            let mut l = String::new();
            let _ = write!(
                l,
                "  # {}: {example}   # {}{mandatory}",
                e.key(),
                e.label().get(lang)
            );
            line(&l);
        }
    }
    s
}

/// The latest intake that started on or before `today`, from the
/// programme's intake months (or today's month when it has none).
fn intake(programme: &Programme, today: Date) -> String {
    let months = programme
        .intake_rule_months()
        .unwrap_or(&programme.facts.intake_months);
    let month = today.month() as u8;
    let this_year = months.iter().filter(|m| **m <= month).max();
    match (this_year, months.iter().max()) {
        (Some(m), _) => format!("{:04}-{m:02}", today.year()),
        (None, Some(m)) => format!("{:04}-{m:02}", today.year() - 1),
        (None, None) => format!("{:04}-{month:02}", today.year()),
    }
}

/// The academic year `today` lies in, with years starting in the month the
/// programme's rules give (September otherwise).
fn academic_year(programme: &Programme, today: Date) -> AcademicYear {
    let starts = programme
        .rules
        .iter()
        .find_map(|r| match &r.check {
            Check::YearWithoutCredit { starts_month, .. } => Some(*starts_month),
            _ => None,
        })
        .unwrap_or(9);
    let start = if today.month() as u8 >= starts {
        today.year()
    } else {
        today.year() - 1
    };
    AcademicYear { start }
}

/// The record file of `handle`, relative to the root.
pub fn record_file(handle: &Handle) -> std::path::PathBuf {
    std::path::Path::new(crate::records::portfolio::DIR)
        .join(handle.as_str())
        .join(RECORD_FILE)
}
