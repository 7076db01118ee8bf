//! `engage build`.

use std::path::Path;

use crate::cmd::{BuildArgs, Ended, Stopped};
use crate::core::diagnostic::emit_human;
use crate::core::lang::Lang;
use std::time::Instant;

use crate::core::source::{Disk, Files};
use crate::site::BuildOptions;
use crate::workspace::{Parts, Workspace};

pub fn run(root: &Path, lang: Lang, args: &BuildArgs) -> Ended {
    let options = BuildOptions {
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        output: args.output.clone(),
        today: args.today,
    };
    let started = Instant::now();
    let ws = Workspace::load(Files::new(Disk::new(root)), Parts::SITE, &options);
    let report = ws.build(root, &options, started);
    let mut err = super::stderr();
    if emit_human(&mut err, &ws.files, &report.diagnostics, lang).is_err() {
        return Err(Stopped::Usage);
    }
    let (errors, warnings) = (
        report.diagnostics.error_count(),
        report.diagnostics.warning_count(),
    );
    let ms = report.elapsed.as_millis();
    match (report.written, lang) {
        (Some(files), Lang::Fr) => eprintln!(
            "Site construit : {} pages, {files} fichiers dans {} en {ms} ms ({warnings} avertissement(s)).",
            report.pages,
            report.output.display()
        ),
        (Some(files), Lang::En) => eprintln!(
            "Site built: {} pages, {files} files in {} in {ms} ms ({warnings} warning(s)).",
            report.pages,
            report.output.display()
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
