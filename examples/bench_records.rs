//! Generates synthetic CECi portfolio records for benchmarks:
//! `cargo run --release --example bench_records -- DIR [RECORDS] [ENTRIES]`
//! (default 1,000 records of 100 logged entries each, every record submitted
//! and complete, at most 30 per intake), then time
//! `target/release/engage --root DIR check --today 2026-11-23`.
//!
//! The records are deterministic, so figures are comparable across runs and
//! machines; the check is expected to find no error.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The real programme, so that the benchmark runs every CECi rule.
const CECI: &str = include_str!("../data/programmes/ceci.yml");

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

/// The id of the workshop the students of an intake attend.
fn workshop_id(year: usize, month: i8) -> String {
    format!("atelier-{year}-{month:02}")
}

/// One workshop per intake, a month after its enrolment day, so that every
/// record's `workshops:` names a real event of the calendar.
fn calendar(records: usize) -> String {
    let mut y = String::from("events:\n");
    for intake in 0..records.div_ceil(25) {
        let year = 2000 + intake / 2;
        let month = if intake % 2 == 0 { 2 } else { 10 };
        let day = jiff::civil::date(year as i16, month, 1)
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

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-records".into()));
    let records: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let entries: u32 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100)
        .clamp(1, 600);
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("data/programmes/ceci.yml", CECI);
    write("data/calendar/workshops.yml", &calendar(records));
    // Enough hours per entry for 150 h in total, in quarter hours.
    let quarters = (150u32 * 4).div_ceil(entries).max(1);
    let hours = f64::from(quarters) / 4.0;
    for i in 0..records {
        // 25 records per intake, intakes in February and October from 2000.
        let intake = i / 25;
        let year = 2000 + intake / 2;
        let month = if intake % 2 == 0 { 2 } else { 10 };
        let enrolment = jiff::civil::date(year as i16, month, 1);
        let handle = format!("student-{i:04}");
        let mut y = String::with_capacity(120 * entries as usize + 2_000);
        for line in [
            "programme: ceci".to_string(),
            format!("handle: {handle}"),
            "status: submitted".into(),
            "enrolment:".into(),
            format!("  date: {enrolment}"),
            format!("  intake: {year}-{month:02}"),
            "internship:".into(),
            "  organisation:".into(),
            format!("    name: Association {i}"),
            "    kind: association".into(),
            "  mission: Coordonner les bénévoles".into(),
            "  supervisor:".into(),
            format!("    name: Superviseur {i}"),
            "    role: staff".into(),
            "  agreement:".into(),
            format!("    student: {enrolment}"),
            format!("    organisation: {enrolment}"),
            format!("    university: {enrolment}"),
            "  hours:".into(),
        ] {
            y.push_str(&line);
            y.push('\n');
        }
        // One entry every 6 days: 100 entries span about 20 months.
        for e in 0..entries {
            let day = enrolment
                .checked_add(jiff::Span::new().days(i64::from(e % 120) * 6 + 1))
                .expect("date");
            let activity = ACTIVITIES[(e as usize + i) % ACTIVITIES.len()];
            let _ = writeln!(
                y,
                "    - {{ date: {day}, hours: {hours}, activity: {activity} }}"
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
        for (n, (kind, title)) in PRODUCTIONS.iter().enumerate() {
            let file = format!("productions/p{n}.md");
            let _ = writeln!(y, "  - {{ title: {title}, kind: {kind}, file: {file} }}");
            write(
                &format!("data/portfolios/{handle}/{file}"),
                &format!("# {title}\n"),
            );
        }
        y.push_str("analysis: analyse.md\nassessment: grille.md\n");
        write(
            &format!("data/portfolios/{handle}/analyse.md"),
            "# Analyse\n",
        );
        write(&format!("data/portfolios/{handle}/grille.md"), "# Grille\n");
        write(&format!("data/portfolios/{handle}/portfolio.yml"), &y);
    }
    eprintln!(
        "{records} records of {entries} entries ({hours} h each) in {}",
        dir.display()
    );
}
