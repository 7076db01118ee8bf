//! The dashboard as CSV, one row per student (columns in README,
//! "engage report"). UTF-8 with a byte-order mark: without it Excel reads
//! the file as the system's code page and mangles French accents;
//! LibreOffice accepts both.

use std::io::Write;

use crate::report::Dashboard;

/// The columns, in order.
pub const COLUMNS: [&str; 15] = [
    "programme",
    "intake",
    "handle",
    "status",
    "complete",
    "errors",
    "warnings",
    "deadline",
    "days_left",
    "at_risk",
    "deadline_passed",
    "ready_for_jury",
    "flags",
    "progress",
    "credits_this_year",
];

/// Writes the dashboard's students to `out`.
pub fn write(d: &Dashboard, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for s in d.students() {
        let flags: Vec<&str> = s.flags.iter().map(|f| f.key()).collect();
        let has = |k: &str| flags.contains(&k).to_string();
        let progress: Vec<String> = s
            .bars
            .iter()
            .map(|b| match &b.item {
                Some(i) => format!("{}[{i}]={}", b.id, b.value),
                None => format!("{}={}", b.id, b.value),
            })
            .collect();
        w.write_record([
            s.programme.as_str(),
            s.intake.as_deref().unwrap_or(""),
            &s.handle,
            s.status.unwrap_or(""),
            &s.complete.to_string(),
            &s.errors.to_string(),
            &s.warnings.to_string(),
            &s.deadline.map(|d| d.to_string()).unwrap_or_default(),
            &s.days_left.map(|d| d.to_string()).unwrap_or_default(),
            &s.at_risk().to_string(),
            &has("deadline-passed"),
            &has("ready-for-jury"),
            &flags.join(";"),
            &progress.join("; "),
            &s.credits_this_year
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ])?;
    }
    w.flush()
}
