//! Synthetic CECi records shared by the benchmark generators
//! (bench_records.rs, bench_pr.rs): deterministic, so that figures compare
//! across runs; every record is submitted, complete and valid.

use std::fmt::Write as _;

/// The real programme, so that the benchmarks run every CECi rule.
pub const CECI: &str = include_str!("../../data/programmes/ceci.yml");

const ACTIVITIES: &[&str] = &[
    "Permanence d’accueil",
    "Réunion d’équipe",
    "Préparation de l’assemblée générale",
    "Animation d’un atelier",
    "Rédaction de la lettre d’information",
    "Suivi du budget",
];

const PRODUCTIONS: &[(&str, &str)] = &[
    ("retro-planning", "Rétroplanning"),
    ("meeting-minutes", "Procès-verbal de réunion"),
    ("communication-plan", "Plan de communication"),
    ("financial-statement", "Bilan comptable"),
    ("interview-report", "Compte rendu d’entretien"),
];

/// The files of record `i` (path relative to the root, content): a
/// submitted, complete CECi record of `entries` logged entries of `hours`.
pub fn record(i: usize, entries: u32, hours: f64) -> Vec<(String, String)> {
    // 25 records per intake, intakes in February and October from 2000.
    let intake = i / 25;
    let year = 2000 + intake / 2;
    let month = if intake.is_multiple_of(2) { 2 } else { 10 };
    let enrolment = jiff::civil::date(year as i16, month as i8, 1);
    let handle = format!("student-{i:04}");
    let dir = format!("data/portfolios/{handle}");
    let mut y = format!(
        "programme: ceci\nhandle: {handle}\nstatus: submitted\nenrolment:\n  date: {enrolment}\n  \
         intake: {year}-{month:02}\ninternship:\n  organisation:\n    name: Association {i}\n    \
         kind: association\n  mission: Coordonner les bénévoles\n  supervisor:\n    \
         name: Superviseur {i}\n    role: staff\n  agreement:\n    student: {enrolment}\n    \
         organisation: {enrolment}\n    university: {enrolment}\n  hours:\n"
    );
    for e in 0..entries {
        let day = enrolment
            .checked_add(jiff::Span::new().days(i64::from(e % 120) * 6 + 1))
            .expect("date");
        let _ = writeln!(
            y,
            "    - {{ date: {day}, hours: {hours}, activity: {} }}",
            ACTIVITIES[(e as usize + i) % ACTIVITIES.len()]
        );
    }
    let module_day = enrolment
        .checked_add(jiff::Span::new().days(30))
        .expect("date");
    y.push_str("modules:\n");
    for id in [
        "communication",
        "project-management",
        "civic-engagement",
        "association",
    ] {
        let _ = writeln!(y, "  - {{ id: {id}, completed: {module_day} }}");
    }
    let _ = writeln!(
        y,
        "workshops:\n  - {{ event: {} }}",
        workshop_id(year, month)
    );
    y.push_str("productions:\n");
    let mut files = Vec::new();
    for (n, (kind, title)) in PRODUCTIONS.iter().enumerate() {
        let file = format!("productions/p{n}.md");
        let _ = writeln!(y, "  - {{ title: {title}, kind: {kind}, file: {file} }}");
        files.push((format!("{dir}/{file}"), format!("# {title}\n")));
    }
    y.push_str("analysis: analyse.md\nassessment: grille.md\n");
    files.push((format!("{dir}/analyse.md"), "# Analyse\n".into()));
    files.push((format!("{dir}/grille.md"), "# Grille\n".into()));
    files.push((format!("{dir}/portfolio.yml"), y));
    files
}

/// The id of the workshop the students of an intake attend.
pub fn workshop_id(year: usize, month: usize) -> String {
    format!("atelier-{year}-{month:02}")
}

/// One workshop per intake, a month after its enrolment day, so that every
/// record's `workshops:` names a real event of the calendar.
pub fn calendar(records: usize) -> String {
    let mut y = String::from("events:\n");
    for intake in 0..records.div_ceil(25) {
        let year = 2000 + intake / 2;
        let month = if intake.is_multiple_of(2) { 2 } else { 10 };
        let day = jiff::civil::date(year as i16, month as i8, 1)
            .checked_add(jiff::Span::new().days(30))
            .expect("date");
        let _ = writeln!(
            y,
            "  - id: {}\n    kind: workshop\n    programme: ceci\n    \
             title: {{ fr: Atelier participatif }}\n    start: {day}T18:00\n    \
             end: {day}T20:00\n    location: {{ campus: Solbosch }}",
            workshop_id(year, month)
        );
    }
    y
}
