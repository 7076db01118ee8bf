//! `engage build`.

use std::path::Path;

use crate::cmd::{BuildArgs, Ended, Stopped};
use crate::core::diagnostic::emit_human;
use crate::core::lang::Lang;
use std::time::Instant;

use crate::site::BuildOptions;
use crate::workspace::build_from_disk_then;

pub fn run(root: &Path, lang: Lang, args: &BuildArgs) -> Ended {
    let options = BuildOptions {
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        output: args.output.clone(),
        today: args.today,
    };
    let started = Instant::now();
    // The process ends with the command: its memory goes back to the system
    // whole, the site is not freed page by page first.
    let (report, texts) = build_from_disk_then(root, &options, started, std::mem::forget);
    let mut err = super::stderr();
    if emit_human(&mut err, &*texts, &report.diagnostics, lang).is_err() {
        return Err(Stopped::Usage);
    }
    let (errors, warnings) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    let ms = report.elapsed.as_millis();
    let out = report.output.display();
    let pages = report.pages;
    match (report.written, lang) {
        (Some(w), Lang::Fr) if report.unchanged => eprintln!(
            "Site à jour : {pages} pages, {} fichiers dans {out}, rien à réécrire, en {ms} ms ({warnings} avertissement(s)).",
            w.files
        ),
        (Some(w), Lang::En) if report.unchanged => eprintln!(
            "Site up to date: {pages} pages, {} files in {out}, nothing to rewrite, in {ms} ms ({warnings} warning(s)).",
            w.files
        ),
        // After an edit, what it reached and what that changed.
        (Some(w), Lang::Fr) if report.reached.is_some() => eprintln!(
            "Site mis à jour : {pages} pages, {} fichiers dans {out}, {} rendus à nouveau, {} réécrits, en {ms} ms ({warnings} avertissement(s)).",
            w.files,
            report.reached.unwrap_or_default(),
            w.files - w.kept
        ),
        (Some(w), Lang::En) if report.reached.is_some() => eprintln!(
            "Site updated: {pages} pages, {} files in {out}, {} rendered again, {} rewritten, in {ms} ms ({warnings} warning(s)).",
            w.files,
            report.reached.unwrap_or_default(),
            w.files - w.kept
        ),
        // Over a previous output, what changed in it; a first build
        // wrote everything.
        (Some(w), Lang::Fr) if w.kept + w.removed > 0 => eprintln!(
            "Site construit : {pages} pages, {} fichiers dans {out} ({} réécrits, {} retirés) en {ms} ms ({warnings} avertissement(s)).",
            w.files,
            w.files - w.kept,
            w.removed
        ),
        (Some(w), Lang::En) if w.kept + w.removed > 0 => eprintln!(
            "Site built: {pages} pages, {} files in {out} ({} rewritten, {} removed) in {ms} ms ({warnings} warning(s)).",
            w.files,
            w.files - w.kept,
            w.removed
        ),
        (Some(w), Lang::Fr) => eprintln!(
            "Site construit : {pages} pages, {} fichiers dans {out} en {ms} ms ({warnings} avertissement(s)).",
            w.files
        ),
        (Some(w), Lang::En) => eprintln!(
            "Site built: {pages} pages, {} files in {out} in {ms} ms ({warnings} warning(s)).",
            w.files
        ),
        (None, Lang::Fr) => eprintln!(
            "Échec : {errors} erreur(s), {warnings} avertissement(s). {} n’a pas été modifié.",
            report.output.display()
        ),
        (None, Lang::En) => eprintln!(
            "Failed: {errors} error(s), {warnings} warning(s). {} was left unchanged.",
            report.output.display()
        ),
    }
    Ok(report.diagnostics)
}
