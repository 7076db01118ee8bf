//! The human summary of `engage check`: one line per record with its
//! progress, and what is still missing.

use std::io::Write;

use crate::core::lang::Lang;
use crate::core::values::Hours;
use crate::records::check::Report;
use crate::records::evaluate::Progress;
use crate::records::vocabulary::Status;

/// One line per record: `alice  ceci  submitted  complete  hours 152/150 …`.
pub fn write_summary(out: &mut dyn Write, report: &Report, lang: Lang) -> std::io::Result<()> {
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
        if let Some(c) = p.hours {
            parts.push(format!(
                "{} {}/{}",
                t("heures", "hours"),
                c.done,
                c.required
            ));
        }
        if let Some(c) = p.productions {
            parts.push(format!("productions {}/{}", c.done, c.required));
        }
        if let Some(c) = p.modules {
            parts.push(format!("modules {}/{}", c.done, c.required));
        }
        let yes_no = |b: bool| if b { t("oui", "yes") } else { t("non", "no") };
        if let Some(b) = p.analysis {
            parts.push(format!("{} {}", t("analyse", "analysis"), yes_no(b)));
        }
        if let Some(b) = p.assessment {
            parts.push(format!("{} {}", t("grille", "assessment"), yes_no(b)));
        }
        if let Some(c) = p.agreement {
            parts.push(format!(
                "{} {}/{}",
                t("convention", "agreement"),
                c.done,
                c.required
            ));
        }
        for (cycle, c) in &p.credits {
            parts.push(format!("{cycle} {}/{} ECTS", c.done, c.required));
        }
        for (module, a) in &p.attendance {
            parts.push(format!(
                "{module} {}/{}{}",
                a.done,
                a.required,
                if a.certificate {
                    t(" (attestation due)", " (certificate due)")
                } else {
                    ""
                }
            ));
        }
        if let Some(c) = p.full_modules {
            parts.push(format!(
                "{} {}/{}",
                t("modules complets", "full modules"),
                c.done,
                c.required
            ));
        }
        if let Some(c) = p.elements {
            parts.push(format!(
                "{} {}/{}",
                t("éléments", "elements"),
                c.done,
                c.required
            ));
        }
        if p.shows_workshops {
            parts.push(format!("{} {}", t("ateliers", "workshops"), p.workshops));
        }
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
    let (e, w) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    match lang {
        Lang::Fr => writeln!(
            out,
            "{} portfolio(s) vérifié(s) : {e} erreur(s), {w} avertissement(s).",
            report.records.len()
        ),
        Lang::En => writeln!(
            out,
            "{} record(s) checked: {e} error(s), {w} warning(s).",
            report.records.len()
        ),
    }
}

/// What a record still lacks before it can be submitted, in words a
/// student acts on: `30 h`, `2 productions`, `the self-reflective analysis`.
pub fn missing(p: &Progress, lang: Lang) -> Vec<String> {
    let t = |fr: &str, en: &str| match lang {
        Lang::Fr => fr.to_string(),
        Lang::En => en.to_string(),
    };
    let mut out = Vec::new();
    if let Some(c) = p.hours.filter(|c| !c.is_met()) {
        let left = Hours::from_minutes(c.required.minutes() - c.done.minutes());
        out.push(format!("{left} h"));
    }
    if let Some(c) = p.productions.filter(|c| !c.is_met()) {
        out.push(format!("{} production(s)", c.required - c.done));
    }
    if let Some(c) = p.modules.filter(|c| !c.is_met()) {
        out.push(format!(
            "{} {}",
            c.required - c.done,
            t("module(s) en ligne", "online module(s)")
        ));
    }
    if p.analysis == Some(false) {
        out.push(t("l’analyse réflexive", "the self-reflective analysis"));
    }
    if p.assessment == Some(false) {
        out.push(t("la grille d’évaluation", "the assessment grid"));
    }
    if let Some(c) = p.agreement.filter(|c| !c.is_met()) {
        out.push(format!(
            "{} {}",
            c.required - c.done,
            t(
                "signature(s) de la convention",
                "signature(s) of the agreement"
            )
        ));
    }
    for (cycle, c) in p.credits.iter().filter(|(_, c)| !c.is_met()) {
        let en = format!("{} ECTS in the {cycle} cycle", c.done.until(c.required));
        let fr = format!("{} ECTS en cycle {cycle}", c.done.until(c.required));
        out.push(t(&fr, &en));
    }
    if let Some(c) = p.full_modules.filter(|c| !c.is_met()) {
        out.push(format!(
            "{} {}",
            c.required - c.done,
            t("module(s) suivi(s) en entier", "module(s) attended in full")
        ));
    }
    for key in &p.missing_elements {
        out.push(format!("`{key}`"));
    }
    out
}
