//! The human summary of `engage check`: one line per record with its
//! progress, and what is still missing. A view of each record's metrics:
//! it knows units, not programme parts.

use std::io::Write;

use crate::core::lang::Lang;
use crate::records::check::Report;
use crate::records::evaluate::{Metric, Progress, Quantity};
use crate::records::vocabulary::Status;

/// `hours 120/150`, `engineering 0/2 ECTS`, `analysis no`, `workshops 2`,
/// followed by what was left out: `hours 148/150 (4 h after 2026-09-14 not
/// counted)`.
fn part(m: &Metric, lang: Lang) -> String {
    let base = measure(m, lang);
    let left_out = uncounted(m, lang);
    if left_out.is_empty() {
        base
    } else {
        format!("{base} ({})", left_out.join(", "))
    }
}

/// What a rule rejected and the metric leaves out, one phrase per reason:
/// `4 h after 2026-09-14 not counted`.
pub fn uncounted(m: &Metric, lang: Lang) -> Vec<String> {
    m.uncounted
        .iter()
        .map(|u| {
            let unit = match u.amount {
                Quantity::Hours(_) => " h",
                Quantity::Credits(_) => " ECTS",
                _ => "",
            };
            let reason = u.reason.get(lang);
            // Heures (feminine), crédits (masculine).
            let counted = match u.amount {
                Quantity::Hours(_) => "comptées",
                _ => "comptés",
            };
            match lang {
                Lang::Fr => format!("{}{unit} {reason} non {counted}", u.amount),
                Lang::En => format!("{}{unit} {reason} not counted", u.amount),
            }
        })
        .collect()
}

fn measure(m: &Metric, lang: Lang) -> String {
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    let short = m.short.get(lang);
    match (m.done, m.required) {
        (Quantity::Given(b), _) => format!(
            "{short} {}",
            if b { t("oui", "yes") } else { t("non", "no") }
        ),
        (done, Some(required)) => {
            let unit = match done {
                Quantity::Credits(_) => " ECTS",
                _ => "",
            };
            let award = match done {
                Quantity::Sessions(_) if m.is_met() => {
                    t(" (attestation due)", " (certificate due)")
                }
                _ => "",
            };
            format!("{short} {done}/{required}{unit}{award}")
        }
        (done, None) => format!("{short} {done}"),
    }
}

/// One line per record: `alice  ceci  submitted  complete  hours 152/150 …`,
/// then the totals with the count of records checked.
pub fn write_summary(out: &mut dyn Write, report: &Report, lang: Lang) -> std::io::Result<()> {
    write_records(out, report, lang)?;
    write_totals(out, report, lang, true)
}

/// One line per record: `alice  ceci  submitted  complete  hours 152/150 …`.
pub fn write_records(out: &mut dyn Write, report: &Report, lang: Lang) -> std::io::Result<()> {
    let width = report
        .records
        .iter()
        .map(|r| r.handle.chars().count())
        .max()
        .unwrap_or(0);
    let t = |fr: &'static str, en: &'static str| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    };
    for r in &report.records {
        let mut parts: Vec<String> = Vec::new();
        let Some(p) = &r.progress else {
            writeln!(
                out,
                "{:width$}  {}",
                r.handle,
                t(
                    "non vérifié (voir les erreurs)",
                    "not checked (see the errors)"
                )
            )?;
            continue;
        };
        parts.push(r.programme.clone().unwrap_or_default());
        parts.push(match r.status {
            Some(Status::Submitted) => t("remis", "submitted").into(),
            _ => t("en cours", "in progress").into(),
        });
        parts.push(if r.complete {
            t("complet", "complete").into()
        } else {
            t("incomplet", "incomplete").into()
        });
        // Requirements first, tallies (nothing required) at the end.
        let shown = || p.metrics.iter().filter(|m| m.shown);
        let requirements = shown().filter(|m| m.required.is_some());
        let tallies = shown().filter(|m| m.required.is_none());
        parts.extend(requirements.chain(tallies).map(|m| part(m, lang)));
        if let Some(d) = p.deadline {
            parts.push(format!("{} {d}", t("échéance", "deadline")));
        }
        if r.errors > 0 {
            parts.push(format!("{} {}", r.errors, t("erreur(s)", "error(s)")));
        }
        if r.warnings > 0 {
            parts.push(format!(
                "{} {}",
                r.warnings,
                t("avertissement(s)", "warning(s)")
            ));
        }
        writeln!(out, "{:width$}  {}", r.handle, parts.join(", "))?;
        let missing = missing(p, lang);
        if !r.complete && !missing.is_empty() {
            writeln!(
                out,
                "{:width$}  {} {}",
                "",
                t("manque :", "missing:"),
                missing.join(", ")
            )?;
        }
    }
    Ok(())
}

/// The totals line: errors and warnings, after the count of records
/// checked when `counted` (a PR's headline gives its own counts, of
/// records changed and records compared, and a second count beside it
/// read as a contradiction: "0 record(s) checked", then "1 record now
/// fails").
pub fn write_totals(
    out: &mut dyn Write,
    report: &Report,
    lang: Lang,
    counted: bool,
) -> std::io::Result<()> {
    let (e, w) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    if !counted {
        return match lang {
            Lang::Fr => writeln!(out, "{e} erreur(s), {w} avertissement(s)."),
            Lang::En => writeln!(out, "{e} error(s), {w} warning(s)."),
        };
    }
    // A record that could not be read is not counted as checked: the
    // count says so, as its line does.
    let checked = report
        .records
        .iter()
        .filter(|r| r.progress.is_some())
        .count();
    let unchecked = report.records.len() - checked;
    let (not_fr, not_en) = if unchecked > 0 {
        (
            format!(", {unchecked} non vérifié(s)"),
            format!(", {unchecked} not checked"),
        )
    } else {
        (String::new(), String::new())
    };
    // Problems of the site, the programmes or the calendar are not the
    // records': counted apart, so that a student does not look for them
    // in a record that has none.
    let of_records = |d: &&crate::core::diagnostic::Diagnostic| {
        d.file.starts_with(crate::core::layout::PORTFOLIOS_DIR)
    };
    let (re, rw) = report
        .diagnostics
        .iter()
        .filter(of_records)
        .fold((0, 0), |(e, w), d| match d.is_error() {
            true => (e + 1, w),
            false => (e, w + 1),
        });
    let (oe, ow) = (e - re, w - rw);
    let (others_fr, others_en) = if oe + ow > 0 {
        (
            format!(" ; autres fichiers : {oe} erreur(s), {ow} avertissement(s)"),
            format!("; other files: {oe} error(s), {ow} warning(s)"),
        )
    } else {
        (String::new(), String::new())
    };
    match lang {
        Lang::Fr => writeln!(
            out,
            "{checked} portfolio(s) vérifié(s){not_fr} : {re} erreur(s), {rw} avertissement(s){others_fr}."
        ),
        Lang::En => writeln!(
            out,
            "{checked} record(s) checked{not_en}: {re} error(s), {rw} warning(s){others_en}."
        ),
    }
}

/// What a record still lacks before it can be submitted, in words a
/// student acts on: `30 h`, `2 production(s)`, `the self-reflective analysis`.
pub fn missing(p: &Progress, lang: Lang) -> Vec<String> {
    p.metrics
        .iter()
        .flat_map(|m| m.missing_words(lang))
        .collect()
}
